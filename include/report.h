/*
 * Monthly PDF reports (issue #14; the SOR handleiding, chapter 5): per
 * aanbieder one report per cluster it has data in, and per cluster one
 * "clustergemiddelde", for one month with a trend over the 13 months (or
 * 5 quarters) up to it.
 *
 * A report holds only indicator answers: report.c asks the indicator
 * engine exactly what the party could ask itself (an aanbieder: its own
 * cells in that cluster and their vergelijking; the cluster report: the
 * cluster-level cells an analist of that cluster gets), so disclosure
 * control applies unchanged and nothing else reaches the page.
 * report_pdf.c renders the answers with cairo and pango. The files live
 * in DATA/reports/ (mode 0600), named by their id; nothing else is
 * stored about them, so the folder is the whole state.
 */
#ifndef SORTTP_REPORT_H
#define SORTTP_REPORT_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "indicators.h"
#include "store.h"

#define REPORT_DIR		"reports"	/* under the data folder */
#define REPORT_ID_MAX		96		/* bytes of an id, with NUL */
#define REPORT_FILE_MAX		(16 * 1024 * 1024) /* bytes served */
#define REPORT_TREND_MONTHS	13		/* months in the trend */
#define REPORT_TREND_QUARTERS	5		/* quarters when months are thin */
#define REPORT_MONTHS_MIN_VISIBLE 7		/* visible months to use months */
#define REPORT_CHECK_S		60		/* the scheduler looks this often */
#define REPORT_TMP_MAX_S	86400		/* a half-written file is stale */

enum report_kind {
	REPORT_AANBIEDER = 0,
	REPORT_CLUSTER
};

/* One report, as named by its id ("2026-10-a12345678-amsterdam"). */
struct report_info {
	char		 id[REPORT_ID_MAX];
	int		 month;		/* year * 12 + month - 1 */
	enum report_kind kind;
	char		 agb[9];	/* "" for a cluster report */
	size_t		 cluster;	/* index in cfg->ref.clusters */
	long long	 bytes;		/* filled by report_list */
	time_t		 mtime;		/* generation time, by report_list */
};

/* Fills r->id from kind, month, agb and cluster. */
void	report_id_make(const struct config *, struct report_info *r);

/* Parses and validates an id; -1 when it names no possible report. */
int	report_id_parse(const struct config *, const char *id,
	    struct report_info *r);

/* The Dutch download name, "rapportage-2026-10-oktober-...pdf". */
void	report_filename(const struct config *, const struct report_info *,
	    char *buf, size_t len);

/* DIR/reports/ID.pdf into buf; -1 when it does not fit. */
int	report_path(const char *dir, const char *id, char *buf, size_t len);

/*
 * Calls fn for every report in DIR/reports, sorted by id. Returns 0, or
 * -1 when the folder cannot be read (a missing folder is no reports).
 */
int	report_list(const struct config *, const char *dir,
	    int (*fn)(const struct report_info *, void *), void *arg);

/*
 * Whether party p may see r: an aanbieder its own reports and the
 * clustergemiddelde of a month and cluster it has its own report in; an
 * analist every report of a cluster wholly inside its scope.
 */
int	report_visible(const struct config *, const char *dir,
	    const struct party *p, const struct report_info *r);

/* What a run made. */
struct report_stats {
	int		 made;
	int		 failed;
	double		 ms_total;
	double		 ms_max;
};

/*
 * Makes the reports of month (year * 12 + month - 1) into outdir: every
 * (aanbieder, cluster) pair with data in the 13 months up to month, and
 * every cluster's average, or only those matching agb (NULL: all) and
 * cluster (-1: all). Audits each report made (action report_generate).
 * Returns 0, or -1 with a message when not one report could be made
 * although some were due.
 */
int	report_make_month(const struct config *, struct ind_engine *,
	    struct store *, const char *outdir, int month, const char *agb,
	    long cluster, struct report_stats *, char *err, size_t errlen);

/*
 * The daemon's stop flag for a run in progress: when set, the run stops
 * after the report it is making (counted as failed, so the month is not
 * marked done and is made again at the next start).
 */
extern volatile int	*report_stop_flag;

/*
 * Deletes the reports in DIR/reports generated more than days days before
 * now. Returns the number deleted, or -1.
 */
int	report_retention(const char *dir, long long days, time_t now);

/*
 * The daemon's monthly run: a thread that makes the previous month's
 * reports on report_day (or at start, when that day has passed and the
 * month is not done yet; a marker file DIR/reports/.done-YYYY-MM records
 * a finished run) and applies the retention.
 */
struct report_sched;
int	report_sched_start(const struct config *, struct ind_engine *,
	    struct store *, const char *dir, struct report_sched **,
	    char *err, size_t errlen);
void	report_sched_stop(struct report_sched *);

/* Whether the month's run is marked done in dir; and marks it. */
int	report_month_done(const char *dir, int month);
int	report_month_mark(const char *dir, int month);

/* ---- report_pdf.c ---- */

/* One section's answer: the parsed engine JSON and the periods shown. */
struct report_section {
	enum ind_kind	 kind;
	cJSON		*answer;
	enum ind_period	 period;	/* IND_MONTH or IND_QUARTER */
	int		 from;		/* month index of the first period */
	int		 nperiods;
	/*
	 * Aanlevering over the same periods (issue #15), for the coverage
	 * rows beside the indicator; NULL in the aanlevering section.
	 */
	cJSON		*cover;
};

struct report_doc {
	const struct config	*cfg;
	const struct report_info *info;
	const char		*aanbieder_naam;	/* "" when unknown */
	int			 asof;			/* yyyymmdd */
	long long		 k;
	struct report_section	 sec[IND__NKINDS];
};

/* Renders doc as a PDF to path (written atomically, mode 0600). */
int	report_pdf_write(const struct report_doc *, const char *path,
	    char *err, size_t errlen);

/* Loads the fonts; serve calls it before dropping privileges. */
void	report_pdf_preload(void);

/* Frees the font caches; call once no report is rendering any more. */
void	report_pdf_cleanup(void);

/* ---- store_reports.c ---- */

/* The date of the newest upload (yyyymmdd), 0 when there is none. */
int	store_data_asof(struct store *, int *ymd);

/* The name of the active aanbieder party with this AGB code, or "". */
int	store_aanbieder_name(struct store *, const char *agb, char *out,
	    size_t len);

#endif

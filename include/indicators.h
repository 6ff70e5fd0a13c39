/*
 * Indicators: doelrealisatie, tevredenheid and uitval, the only thing that
 * ever leaves the TTP (PRODUCT.md section 7; docs/indicators.md).
 *
 * The engine keeps a snapshot in memory. Building it reduces the stored
 * records to unit facts (a trajectory's latest eind measurement per
 * period, a questionnaire response, a definitively ended product) with
 * dense dimension indexes, sorted by period and client, and adds them up
 * into a cube: every cell any answer can hold, (one aanbieder or all) x
 * (gemeente, cluster or regio) x (month, quarter or year), with distinct
 * clients counted in one pass. Disclosure control (disclosure.h) then runs
 * once over the whole cube, so that all answers share one suppression
 * pattern. A query is a selection of cells and their formatting. The
 * snapshot is rebuilt when data was committed since it was taken (see
 * ind_engine_open); answers are kept for reuse until then.
 *
 * Every answer is audited (party, indicator, parameters, cells returned
 * and suppressed) before it is given; a query that cannot be audited is
 * not answered.
 */
#ifndef SORTTP_INDICATORS_H
#define SORTTP_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

struct quest_set;
struct pseudo_ctx;

enum ind_kind {
	IND_DOELREALISATIE = 0,
	IND_TEVREDENHEID,
	IND_UITVAL,
	IND_AANLEVERING,	/* delivery coverage (issue #15) */
	IND__NKINDS
};

enum ind_by {
	IND_BY_AANBIEDER = 0,
	IND_BY_GEMEENTE,
	IND_BY_CLUSTER,
	IND_BY_REGIO
};

enum ind_period {
	IND_MONTH = 0,
	IND_QUARTER,
	IND_YEAR,
	IND__NPERIODS
};

/*
 * Breakdowns (uitsplitsing, issue #15): one client attribute at a time,
 * for analisten, per year, all aanbieders together (ind_breakdown.c).
 */
enum ind_bd {
	IND_BD_NONE = 0,
	IND_BD_LEEFTIJD,
	IND_BD_GESLACHT,
	IND_BD_PRODUCTCATEGORIE,
	IND_BD_GEBIED,
	IND__NBD
};

#define IND_FILTER_MAX	64	/* values in one filter parameter */

/* A parsed, validated query (before scope is applied). */
struct ind_query {
	enum ind_kind	 kind;
	enum ind_by	 by;
	enum ind_period	 period;
	int		 from;		/* month index: year * 12 + month - 1 */
	int		 to;
	int		 csv;
	int		 xlsx;		/* csv, for an .xlsx (ind_xlsx.h) */
	/* Filters as given; 0 counts mean "not given". */
	size_t		 ngemeenten;
	size_t		 gemeenten[IND_FILTER_MAX];	/* index in cfg ref */
	size_t		 nclusters;
	size_t		 clusters[IND_FILTER_MAX];
	size_t		 naanbieders;
	int		 aanbieders[IND_FILTER_MAX];
	enum ind_bd	 bd;		/* uitsplitsing, IND_BD_NONE: none */
};

/* "leeftijd" etc. for IND_BD_*. */
const char *ind_bd_name(enum ind_bd);

/* "doelrealisatie" etc.; -1 when unknown. */
int	ind_kind_parse(const char *, enum ind_kind *);
const char *ind_kind_name(enum ind_kind);

/*
 * Parses the query parameters. get returns the value of a parameter or
 * NULL; names lists every parameter given (NULL-terminated) so that an
 * unknown one is refused. today is yyyymmdd (defaults: to = this month,
 * from = 11 months earlier). Returns 0, or -1 with an error code
 * ("bad_parameter", "bad_range") and message naming the parameter.
 */
int	ind_query_parse(const struct config *, int today, enum ind_kind,
	    const char *(*get)(void *, const char *), void *arg,
	    const char *const *names, struct ind_query *,
	    char *code, size_t codelen, char *msg, size_t msglen);

struct ind_answer {
	unsigned	 status;	/* 200, 400, 403, 500, 503 */
	const char	*content_type;
	char		*body;		/* malloc'd */
	size_t		 len;
	long		 cells;
	long		 suppressed;
};

struct ind_engine;

/*
 * Opens the engine on the database at dbpath (its own connections: one to
 * read, one for the audit writer). With background set (the daemon) and
 * indicator_refresh_s above 0, a thread builds snapshots as data comes
 * in (it looks every indicator_refresh_s seconds, and sooner after
 * ind_engine_kick) and queries never wait for one; else every query
 * checks whether data was committed since and waits for a new snapshot
 * if so. Returns 0, or -1 with a message.
 */
int	ind_engine_open(const struct config *, const struct quest_set *,
	    const char *dbpath, int background, struct ind_engine **,
	    char *err, size_t errlen);
/*
 * As ind_engine_open, with the pseudonymisation key that the cell-key
 * method (cellkey.h) derives its record keys from; pc may be NULL when
 * the config asks suppression, and must not be NULL otherwise. The
 * engine keeps only its own subkey: pc may be freed afterwards.
 */
int	ind_engine_open_key(const struct config *, const struct quest_set *,
	    const char *dbpath, int background, const struct pseudo_ctx *pc,
	    struct ind_engine **, char *err, size_t errlen);
void	ind_engine_close(struct ind_engine *);
/*
 * Data may have been committed (an upload was accepted): the refresher
 * looks once uploads have paused for a second instead of at its next
 * round. Does nothing without one.
 */
void	ind_engine_kick(struct ind_engine *);

/*
 * Answers q for party p (NULL: the local operator, whole region), applying
 * its scope, disclosure control and the audit. via is "http" or "cli".
 * The answer is always filled; body is a JSON error when status != 200.
 */
void	ind_engine_answer(struct ind_engine *, const struct party *p,
	    const struct ind_query *q, const char *via, struct ind_answer *);

/* A query refused before it reached the engine (bad parameters): answers
 * with the error and audits it all the same. */
void	ind_engine_refuse(struct ind_engine *, const struct party *,
	    enum ind_kind, const char *via, unsigned status, const char *code,
	    const char *msg, struct ind_answer *);

void	ind_answer_free(struct ind_answer *);

#endif

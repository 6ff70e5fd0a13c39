/*
 * Scores CSV: bytes in, validated rows out, as the body streams in.
 *
 * The file is an Excel export from an aanbieder: ';' or ',' (sniffed from
 * the header), a UTF-8 BOM, CRLF, quoted fields, D-M-YYYY dates, trailing
 * empty lines. libcsv does the field splitting; this module splits the
 * stream at record boundaries first, so that every row gets the row number
 * Excel shows (header = row 1, blank rows counted) and no line can grow
 * without bound. Pure: no I/O, no pseudonyms; the caller gets each valid
 * row through a callback, with its BSN and ToewijzingNummer still in clear,
 * and must pseudonymise and forget them.
 */
#ifndef SORTTP_PARSE_SCORES_H
#define SORTTP_PARSE_SCORES_H

#include <stddef.h>

#include "config.h"
#include "gas.h"

#define SCORES_LINE_MAX		(64 * 1024)	/* bytes of one record */
#define SCORES_COLS_MAX		64		/* columns in the header */
#define SCORES_CODE_MAX		32
#define SCORES_MSG_MAX		192

enum scores_moment {
	MOMENT_BEGIN = 1,
	MOMENT_TUSSEN = 2,
	MOMENT_EIND = 3
};

struct scores_row {
	long		 line;			/* row number as in Excel */
	char		 bsn[9];		/* canonical, elfproef passed */
	char		 toewijzing[10];	/* 1..9 digits as given */
	size_t		 toewijzing_len;
	char		 gemeente[5];		/* current code (retired mapped) */
	char		 gemeente_issuer[5];	/* the code as sent */
	char		 agb[9];
	int		 meetdatum;		/* yyyymmdd */
	int		 meetmoment;		/* enum scores_moment */
	int		 ngoals;
	int		 gas[GAS_GOALS_MAX];	/* -2..+2 */
	int		 gewicht[GAS_GOALS_MAX];/* 1..10 */
	int		 probleemafname;	/* 0 absent, 1..3 */
	int		 zonder_hulp;		/* -1 absent, 0 nee, 1 ja */
	int		 productcategorie;	/* 0 absent, JZ020 */
	int		 leeftijd;		/* -1 absent, else age band 0..3 */
	int		 geslacht;		/* -1 absent, 0..2 */
	int		 opt_out;		/* -1 absent, 0 nee, 1 ja */
	int		 pc4;			/* 0 absent; only in memory */
};

struct scores_error {
	long		 line;			/* 0: the file as a whole */
	int		 column;		/* 1-based; 0: the whole row */
	char		 code[SCORES_CODE_MAX];
	char		 message[SCORES_MSG_MAX];	/* Dutch, no values */
};

enum scores_status {
	SCORES_OK = 0,		/* every row valid so far */
	SCORES_INVALID,		/* 422: errors listed */
	SCORES_NOT_CSV,		/* 400: not a CSV file at all */
	SCORES_FAILED		/* the row callback failed (internal) */
};

/*
 * Called for every valid row, also after errors elsewhere (so duplicate
 * rows are found throughout the file). Returns 0 when the row was taken,
 * 1 when it repeats an earlier row of this file, -1 on an internal fault
 * (parsing stops). A caller that buffers rows reports repeats later with
 * scores_add_error.
 */
typedef int (*scores_row_fn)(void *arg, struct scores_row *row);

struct scores_params {
	const struct config	*cfg;
	const char		*agb;		/* the uploader's own AGB */
	int			 today;		/* yyyymmdd, see date_today */
	long long		 rows_max;
	size_t			 errors_max;	/* errors kept; all are counted */
	scores_row_fn		 row;
	void			*arg;
};

struct scores_parser;

struct scores_parser *scores_new(const struct scores_params *);

/* Feeds the next bytes of the body. Returns the current status. */
enum scores_status scores_feed(struct scores_parser *, const char *,
	    size_t);

/* The body is complete. Returns the final status. */
enum scores_status scores_finish(struct scores_parser *);

/* The status now (scores_add_error may turn OK into INVALID). */
enum scores_status scores_status(const struct scores_parser *);

/* Valid rows seen, errors kept, all errors counted. */
long long scores_rows(const struct scores_parser *);
const struct scores_error *scores_errors(struct scores_parser *,
	    size_t *n, long long *total);

/*
 * Records an error found outside the parser (a row that repeats an earlier
 * row, found when buffered rows are written). Errors are listed by line.
 */
void	scores_add_error(struct scores_parser *, long line, int column,
	    const char *code, const char *message);

/* Frees the parser, wiping what it held of the body. NULL is a no-op. */
void	scores_free(struct scores_parser *);

#endif

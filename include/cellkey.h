/*
 * The cell-key method (issue #11, item 4), an alternative to suppression
 * chosen with "disclosure": "cellkey" (docs/indicators.md, section 9a).
 *
 * Every client gets a record key, a uniform number in [0, 1) derived from
 * its pseudonym with a subkey of its own (pseudo_subkey, label
 * CK_SUBKEY_LABEL), so nothing extra is stored. The key of a cell is the
 * sum of the record keys of the distinct clients in it, mod 1. A
 * perturbation table, built once from the configured maximum deviation D,
 * variance V and "no small values" js, maps (original count, cell key) to
 * the published count. The same contributors so always get the same
 * noise, in every table and every answer, and differencing two answers
 * about the same cell learns nothing.
 *
 * Keys are kept as 32-bit integers: the sum mod 2^32 is the sum mod 1 of
 * key / 2^32, without rounding.
 */
#ifndef SORTTP_CELLKEY_H
#define SORTTP_CELLKEY_H

#include <stddef.h>
#include <stdint.h>

#define CK_SUBKEY_LABEL		"sorttp cellkey v1"
#define CK_MAX_DEVIATION_MAX	20	/* largest D a config may ask */

/* The defaults of the "cellkey" block of sorttp.json. */
#define CK_DEFAULT_D		3
#define CK_DEFAULT_V		2.0
#define CK_DEFAULT_JS		2

struct pseudo_ctx;

/*
 * The perturbation table: row n (0..nrows-1) is the distribution of the
 * deviation d in [-D, D] for an original count n, kept cumulatively;
 * every count from nrows - 1 on uses the last row.
 */
struct ck_table {
	int		 d;		/* maximum deviation D */
	int		 js;		/* counts 1..js are never published */
	double		 v;		/* the configured variance */
	int		 nrows;
	double		*cum;		/* nrows x (2D + 1) */
};

/*
 * Builds the table (the construction: cellkey.c). Returns 0, or -1 with a
 * Dutch message in err naming the parameter that is wrong.
 */
int	ck_table_build(struct ck_table *, long long d, double v, long long js,
	    char *err, size_t errlen);
void	ck_table_free(struct ck_table *);

/* The probability of deviation dev for original count n. */
double	ck_prob(const struct ck_table *, int64_t n, int dev);

/* The published value of count n in a cell with key key. */
int64_t	ck_perturb(const struct ck_table *, int64_t n, uint32_t key);

/* Validates the parameters as the config loader does; 0 or -1 + err. */
int	ck_check(long long d, double v, long long js, char *err,
	    size_t errlen);

/* The table and the record-key MAC of one engine. */
struct ck_ctx;

/*
 * A context from the parameters and the pseudonymisation key: 0, or -1
 * with a message. The subkey never leaves the context; free wipes it.
 */
int	ck_ctx_new(long long d, double v, long long js,
	    const struct pseudo_ctx *, struct ck_ctx **, char *err,
	    size_t errlen);
void	ck_ctx_free(struct ck_ctx *);
const struct ck_table *ck_ctx_table(const struct ck_ctx *);

/* The record key of a client (8 bytes of its pseudonym, as stored). */
uint32_t ck_record_key(const struct ck_ctx *, int64_t client);

#endif

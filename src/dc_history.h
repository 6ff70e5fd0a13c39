/*
 * The disclosure history (docs/indicators.md 9, "Stable over time"): per
 * cell a snapshot ever published (indicator, period type, period, geo,
 * aanbieder), a bit mask of which of its figures (bit 0 the total, bit
 * 1 + i category i) were ever published and one of which were ever
 * withheld. No count, no value, nothing but what answers already told.
 *
 * The cube loads it before its disclosure runs, marks every figure
 * published before with dc_prior (dch_apply, right after the cell's
 * items are made), and saves the masks of this snapshot's pattern after
 * the runs (dch_save), before the snapshot answers anything. A pattern
 * whose history could not be saved is never published.
 */
#ifndef SORTTP_DC_HISTORY_H
#define SORTTP_DC_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "disclosure.h"
#include "indicators.h"

struct store;
struct ind_snapshot;
struct cell;

#define DCH_GEO_MAX	(CFG_NAME_MAX + 2)	/* "G0363", "K..." ("C" + name), "R" */
#define DCH_FIGS	63			/* figures per cell kept */
#define DCH_IND_MAX	24			/* "tevredenheid/G36301" */

/* One row of table dc_history. */
struct dch_row {
	char		 indicator[DCH_IND_MAX];
	int		 level;			/* enum ind_period */
	int		 period;		/* index since January 2000 */
	char		 geo[DCH_GEO_MAX];
	int		 agb;			/* 0: all aanbieders */
	int		 last_day;		/* yyyymmdd, for the purge */
	int64_t		 published;
	int64_t		 withheld;
};

struct dch;

/* The whole history (an empty one on a new store); NULL on a fault. */
struct dch *dch_load(struct store *);
void	dch_free(struct dch *);

/*
 * For cell c of kind and period type tt, whose items are in t from
 * c->it_tot (the total, then its ncat categories from c->it_cat): marks
 * the figures published before (dc_prior) and remembers the cell for
 * dch_save. h NULL: nothing (the cell-key method, or no store).
 */
void	dch_apply(struct dch *h, struct dc_table *t,
	    const struct ind_snapshot *s, const struct config *cfg,
	    enum ind_kind kind, enum ind_period tt, const struct cell *c,
	    int ncat);
/*
 * As dch_apply, under another name than the kind's: a breakdown cell
 * (ind_breakdown.c) is "uitval/G36301", its kind, the breakdown's letter
 * and the group's stable code, beside its cell.
 */
void	dch_apply_named(struct dch *h, struct dc_table *t,
	    const struct ind_snapshot *s, const struct config *cfg,
	    const char *indicator, enum ind_period tt, const struct cell *c,
	    int ncat);

/*
 * Adds this snapshot's pattern to the history, in one transaction.
 * Returns 0, 1 when another build saved a history since dch_load (this
 * pattern was not checked against it: build again), -1 on a fault.
 */
int	dch_save(struct dch *h, struct store *);

/*
 * The cube's three hooks: dch_begin loads s->dch from s->dch_store (none
 * without a store); dch_end saves it and frees it: 0, or -1 when the
 * snapshot must not be published (a fault, or another build saved a
 * history meanwhile: the next refresh builds again).
 */
int	dch_begin(struct ind_snapshot *s);
int	dch_end(struct ind_snapshot *s);

/* The store side (store_dchistory.c). */
/* Calls fn per row; *gen receives the history's generation. */
int	store_dch_load(struct store *, int (*fn)(const struct dch_row *,
	    void *), void *arg, int64_t *gen);
/*
 * In one transaction: unless the generation moved from gen (returns 1),
 * ORs the masks of rows[0..n) into the table and moves the generation.
 */
int	store_dch_save(struct store *, const struct dch_row *rows, size_t n,
	    int64_t gen);

/*
 * For a restore (store_backup.c): the history of the database about to
 * be replaced (none: n 0), then ORed into the restored one (an older
 * backup without dc_history gets the table; its migration keeps it).
 */
struct sqlite3;
struct dch_keep {
	struct dch_row	*rows;
	size_t		 n, cap;
};
int	store_dch_keep(struct sqlite3 *, struct dch_keep *);
int	store_dch_merge(struct sqlite3 *, const struct dch_keep *, char *err,
	    size_t errlen);

#endif

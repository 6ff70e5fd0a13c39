/*
 * The disclosure history in memory: the rows of dc_history in a hash
 * map, marked into the cube's tables and merged with its pattern
 * (dc_history.h).
 */
#include <stdlib.h>
#include <string.h>

#include "dc_history.h"
#include "ind_impl.h"
#include "log.h"
#include "util.h"

struct dch_rec {			/* a cell of this snapshot */
	struct dc_table	*t;
	uint32_t	 it_tot, it_cat;
	int		 nfig;
	size_t		 row;
};

struct dch {
	struct dch_row	*rows;
	size_t		 n, cap;
	size_t		*slots;		/* row index + 1, 0 = free */
	size_t		 nslots;
	struct dch_rec	*recs;
	size_t		 nrec, caprec;
	int64_t		 gen;
	size_t		 nloaded, nprior;
	uint64_t	 load_ns;	/* reading the table */
	int		 oom;
};

static uint64_t
row_hash(const struct dch_row *r)
{
	const unsigned char	*p;
	uint64_t		 h = 1469598103934665603ULL;
	int			 v[3] = { r->level, r->period, r->agb }, i;

	for (p = (const unsigned char *)r->indicator; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	for (p = (const unsigned char *)r->geo; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	for (i = 0; i < 3; i++)
		h = (h ^ (uint32_t)v[i]) * 1099511628211ULL;
	return h;
}

static int
row_same(const struct dch_row *a, const struct dch_row *b)
{
	return a->level == b->level && a->period == b->period &&
	    a->agb == b->agb && strcmp(a->indicator, b->indicator) == 0 &&
	    strcmp(a->geo, b->geo) == 0;
}

static int
rehash(struct dch *h)
{
	size_t	n = h->nslots ? h->nslots * 2 : 1024, i, j;
	size_t	*s;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < h->n; i++) {
		j = (size_t)row_hash(&h->rows[i]) & (n - 1);
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = i + 1;
	}
	free(h->slots);
	h->slots = s;
	h->nslots = n;
	return 0;
}

/* The row with r's key, added (masks 0) when new; (size_t)-1 on OOM. */
static size_t
row_get(struct dch *h, const struct dch_row *r)
{
	size_t	j;

	if ((h->n + 1) * 2 > h->nslots && rehash(h) == -1)
		return (size_t)-1;
	j = (size_t)row_hash(r) & (h->nslots - 1);
	while (h->slots[j] != 0) {
		if (row_same(&h->rows[h->slots[j] - 1], r))
			return h->slots[j] - 1;
		j = (j + 1) & (h->nslots - 1);
	}
	if (util_grow((void **)&h->rows, &h->cap, h->n + 1,
	    sizeof(*h->rows)) == -1)
		return (size_t)-1;
	h->rows[h->n] = *r;
	h->rows[h->n].published = h->rows[h->n].withheld = 0;
	h->slots[j] = ++h->n;
	return h->n - 1;
}

static int
load_row(const struct dch_row *r, void *arg)
{
	struct dch	*h = arg;
	size_t		 i;

	if ((i = row_get(h, r)) == (size_t)-1)
		return -1;
	h->rows[i].published |= r->published;
	h->rows[i].withheld |= r->withheld;
	h->rows[i].last_day = r->last_day;
	h->nloaded++;
	return 0;
}

struct dch *
dch_load(struct store *st)
{
	struct dch	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->load_ns = util_now_ns();
	if (rehash(h) == -1 || store_dch_load(st, load_row, h, &h->gen) ==
	    -1) {
		log_error("indicators: cannot read the disclosure history");
		dch_free(h);
		return NULL;
	}
	h->load_ns = util_now_ns() - h->load_ns;
	return h;
}

void
dch_free(struct dch *h)
{
	if (h == NULL)
		return;
	free(h->rows);
	free(h->slots);
	free(h->recs);
	free(h);
}

/* Figure f of a cell: 0 the total, 1 + i category i. */
static uint32_t
fig_item(const struct dch_rec *c, int f)
{
	return f == 0 ? c->it_tot : c->it_cat + (uint32_t)(f - 1);
}

void
dch_apply(struct dch *h, struct dc_table *t, const struct ind_snapshot *s,
    const struct config *cfg, enum ind_kind kind, enum ind_period tt,
    const struct cell *c, int ncat)
{
	dch_apply_named(h, t, s, cfg, ind_kind_name(kind), tt, c, ncat);
}

void
dch_apply_named(struct dch *h, struct dc_table *t,
    const struct ind_snapshot *s, const struct config *cfg,
    const char *indicator, enum ind_period tt, const struct cell *c,
    int ncat)
{
	struct dch_row	 key;
	struct dch_rec	*rec;
	size_t		 i;
	int		 f;

	if (h == NULL || h->oom || t->oom)
		return;
	memset(&key, 0, sizeof(key));
	util_fmt(key.indicator, sizeof(key.indicator), "%s", indicator);
	key.level = (int)tt;
	key.period = c->period;
	if (c->geo < s->ngem)
		util_fmt(key.geo, sizeof(key.geo), "G%s",
		    cfg->ref.gemeenten[c->geo].code);
	else if (c->geo < s->ngem + s->nclu)
		util_fmt(key.geo, sizeof(key.geo), "C%s",
		    cfg->ref.clusters[c->geo - s->ngem].name);
	else
		util_fmt(key.geo, sizeof(key.geo), "R");
	key.agb = c->agb >= 0 && (size_t)c->agb < s->nagbs ?
	    s->agbs[c->agb] : 0;
	key.last_day = ind_period_last_day(c->period, tt);
	if ((i = row_get(h, &key)) == (size_t)-1 ||
	    util_grow((void **)&h->recs, &h->caprec, h->nrec + 1,
	    sizeof(*h->recs)) == -1) {
		h->oom = 1;
		return;
	}
	h->rows[i].last_day = key.last_day;
	rec = &h->recs[h->nrec++];
	rec->t = t;
	rec->it_tot = c->it_tot;
	rec->it_cat = c->it_cat;
	rec->nfig = 1 + ncat < DCH_FIGS ? 1 + ncat : DCH_FIGS;
	rec->row = i;
	for (f = 0; f < rec->nfig; f++)
		if ((h->rows[i].published >> f) & 1) {
			dc_prior(t, fig_item(rec, f));
			h->nprior++;
		}
}

int
dch_save(struct dch *h, struct store *st)
{
	struct dch_row		*out = NULL;
	const struct dch_rec	*rec;
	struct dch_row		*row;
	size_t			 i, nout = 0, back = 0;
	int64_t			 pub, wh;
	uint64_t		 t0 = util_now_ns();
	uint32_t		 it;
	int			 f, rc;

	if (h == NULL)
		return 0;
	if (h->oom || (h->nrec > 0 && (out = calloc(h->nrec,
	    sizeof(*out))) == NULL)) {
		log_error("indicators: disclosure history: out of memory");
		return -1;
	}
	for (i = 0; i < h->nrec; i++) {
		rec = &h->recs[i];
		row = &h->rows[rec->row];
		pub = wh = 0;
		for (f = 0; f < rec->nfig; f++) {
			it = fig_item(rec, f);
			if (!dc_printed(rec->t, it))
				continue;	/* never printed */
			if (dc_suppressed(rec->t, it))
				wh |= (int64_t)1 << f;
			else
				pub |= (int64_t)1 << f;
		}
		/* Published now, withheld before: counted in the log. */
		for (f = 0; f < rec->nfig; f++)
			if (((pub & row->withheld & ~row->published) >> f) &
			    1)
				back++;
		if ((row->published | pub) == row->published &&
		    (row->withheld | wh) == row->withheld)
			continue;
		row->published |= pub;
		row->withheld |= wh;
		out[nout++] = *row;
	}
	rc = store_dch_save(st, out, nout, h->gen);
	free(out);
	if (rc == 1)
		log_warn("indicators: another build saved its disclosure "
		    "history meanwhile; this snapshot is not used (the next"
		    " one is checked against that history)");
	else if (rc == 0)
		log_info("disclosure history: %zu cells; %zu rows read in "
		    "%.1f ms, %zu figures published before; %zu rows written "
		    "in %.1f ms; %zu figures withheld before and published "
		    "now", h->nrec, h->nloaded, (double)h->load_ns / 1e6,
		    h->nprior, nout, (double)(util_now_ns() - t0) / 1e6,
		    back);
	return rc;
}

int
dch_begin(struct ind_snapshot *s)
{
	if (s->dch_store == NULL)
		return 0;
	return (s->dch = dch_load(s->dch_store)) == NULL ? -1 : 0;
}

int
dch_end(struct ind_snapshot *s)
{
	int	rc = dch_save(s->dch, s->dch_store);

	dch_free(s->dch);
	s->dch = NULL;
	s->dch_store = NULL;
	return rc == 0 ? 0 : -1;
}

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

/*
 * A row as kept here: its strings (indicator, geo) interned, so that a
 * row is 40 bytes rather than a struct dch_row's 128 (the history holds
 * every cell ever published; it lives through the cube's build).
 */
struct hrow {
	uint32_t	 ind, geo;	/* string ids */
	int32_t		 period, agb, last_day;
	int16_t		 level;
	uint8_t		 rekeyed;	/* to be saved under its new key */
	uint8_t		 pad;
	int64_t		 published;
	int64_t		 withheld;
};

/* The distinct strings of the rows, by id. */
#define DCH_STR_MAX	(DCH_GEO_MAX > DCH_IND_MAX ? DCH_GEO_MAX : DCH_IND_MAX)
struct strs {
	char		(*s)[DCH_STR_MAX];
	size_t		 n, cap;
	uint32_t	*slots;		/* id + 1, 0 = free */
	size_t		 nslots;
};

struct dch_rec {			/* a cell of this snapshot */
	uint32_t	 it_tot, it_cat;
	uint32_t	 row;
	uint8_t		 nfig;
	uint8_t		 t;		/* tabs[t] */
};

#define DCH_TABS	IND__NKINDS
#define LOAD_AHEAD	16

struct dch {
	struct hrow	*rows;
	size_t		 n, cap;
	uint64_t	*slots;		/* SLOT(): 0 = free */
	size_t		 nslots;
	struct strs	 str;
	struct dch_rec	*recs;
	size_t		 nrec, caprec;
	struct dc_table	*tabs[DCH_TABS];	/* the tables of the recs */
	int		 ntabs;
	/* The clusters' keys (cluster_key), once the first cell came. */
	char		 ckey[CFG_MAX_CLUSTERS][DCH_GEO_MAX];
	int		 keyed;
	/*
	 * dch_apply's string ids, kept: per geo index of geo_s (+ 1, 0 not
	 * known yet) and the last indicator's.
	 */
	const struct ind_snapshot *geo_s;
	uint32_t	*geo_ids;
	size_t		 ngeo_ids;
	struct hrow	 lq[LOAD_AHEAD];	/* rows read, not in yet */
	size_t		 lqh, nlq;
	char		 last_ind[DCH_IND_MAX];
	uint32_t	 last_ind_id;	/* + 1, 0 none */
	int64_t		 gen;
	size_t		 nloaded, nprior, nrekeyed;
	uint64_t	 load_ns;	/* reading the table */
	int		 oom;
};

static uint64_t
str_hash(const char *s)
{
	const unsigned char	*p;
	uint64_t		 h = 1469598103934665603ULL;

	for (p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static int
str_rehash(struct strs *t)
{
	size_t		 n = t->nslots ? t->nslots * 2 : 256, i, j;
	uint32_t	*sl;

	if ((sl = calloc(n, sizeof(*sl))) == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		j = (size_t)str_hash(t->s[i]) & (n - 1);
		while (sl[j] != 0)
			j = (j + 1) & (n - 1);
		sl[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = sl;
	t->nslots = n;
	return 0;
}

/* The id of string v (added when new); (uint32_t)-1 on OOM. */
static uint32_t
str_id(struct strs *t, const char *v)
{
	size_t	j;

	if ((t->n + 1) * 2 > t->nslots && str_rehash(t) == -1)
		return (uint32_t)-1;
	j = (size_t)str_hash(v) & (t->nslots - 1);
	while (t->slots[j] != 0) {
		if (strcmp(t->s[t->slots[j] - 1], v) == 0)
			return t->slots[j] - 1;
		j = (j + 1) & (t->nslots - 1);
	}
	if (t->n >= UINT32_MAX - 1 || util_grow((void **)&t->s, &t->cap,
	    t->n + 1, sizeof(*t->s)) == -1)
		return (uint32_t)-1;
	util_fmt(t->s[t->n], sizeof(t->s[t->n]), "%s", v);
	t->slots[j] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

static uint64_t
row_hash(const struct hrow *r)
{
	uint64_t	h = 1469598103934665603ULL;
	uint32_t	v[5] = { r->ind, r->geo, (uint32_t)r->level,
			    (uint32_t)r->period, (uint32_t)r->agb };
	int		i;

	for (i = 0; i < 5; i++)
		h = (h ^ v[i]) * 1099511628211ULL;
	return h;
}

static int
row_same(const struct hrow *a, const struct hrow *b)
{
	return a->level == b->level && a->period == b->period &&
	    a->agb == b->agb && a->ind == b->ind && a->geo == b->geo;
}

/*
 * A slot of the rows' map: the row's index + 1 in the low half, the high
 * half of its hash in the high half, so that a probe past other rows
 * compares their hashes, not the rows (which lie all over the memory).
 */
#define SLOT(hash, i)	((hash) >> 32 << 32 | ((uint64_t)(i) + 1))
#define SLOT_ROW(v)	((size_t)((v) & 0xffffffffu) - 1)
#define SLOT_TAG(v)	((v) >> 32)

static int
rehash(struct dch *h)
{
	size_t		 n = h->nslots ? h->nslots * 2 : 1024, i, j;
	uint64_t	*s, hv;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < h->n; i++) {
		hv = row_hash(&h->rows[i]);
		j = (size_t)hv & (n - 1);
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = SLOT(hv, i);
	}
	free(h->slots);
	h->slots = s;
	h->nslots = n;
	return 0;
}

/*
 * The row of (indicator, level, period, geo, agb), the strings by their
 * ids (str_id), added (masks 0) when new; (size_t)-1 on OOM.
 */
static size_t
row_get_id(struct dch *h, uint32_t ind, int level, int period, uint32_t geo,
    int agb)
{
	struct hrow	r;
	size_t		j;
	uint64_t	hv;

	memset(&r, 0, sizeof(r));
	r.ind = ind;
	r.geo = geo;
	r.level = (int16_t)level;
	r.period = period;
	r.agb = agb;
	if ((h->n + 1) * 2 > h->nslots && rehash(h) == -1)
		return (size_t)-1;
	hv = row_hash(&r);
	j = (size_t)hv & (h->nslots - 1);
	while (h->slots[j] != 0) {
		if (SLOT_TAG(h->slots[j]) == hv >> 32 &&
		    row_same(&h->rows[SLOT_ROW(h->slots[j])], &r))
			return SLOT_ROW(h->slots[j]);
		j = (j + 1) & (h->nslots - 1);
	}
	if (h->n >= UINT32_MAX - 1 || util_grow((void **)&h->rows, &h->cap,
	    h->n + 1, sizeof(*h->rows)) == -1)
		return (size_t)-1;
	h->rows[h->n] = r;
	h->slots[j] = SLOT(hv, h->n);
	return h->n++;
}

/* row_get_id by the strings. */
static size_t
row_get(struct dch *h, const char *indicator, int level, int period,
    const char *geo, int agb)
{
	uint32_t	ind, g;

	if ((ind = str_id(&h->str, indicator)) == (uint32_t)-1 ||
	    (g = str_id(&h->str, geo)) == (uint32_t)-1)
		return (size_t)-1;
	return row_get_id(h, ind, level, period, g, agb);
}

/* Row i as the store has it. */
static void
row_out(const struct dch *h, size_t i, struct dch_row *out)
{
	const struct hrow	*r = &h->rows[i];

	memset(out, 0, sizeof(*out));
	util_fmt(out->indicator, sizeof(out->indicator), "%s",
	    h->str.s[r->ind]);
	util_fmt(out->geo, sizeof(out->geo), "%s", h->str.s[r->geo]);
	out->level = r->level;
	out->period = r->period;
	out->agb = r->agb;
	out->last_day = r->last_day;
	out->published = r->published;
	out->withheld = r->withheld;
}

/* A row read, into the map; 0 or -1. */
static int
load_put(struct dch *h, const struct hrow *q)
{
	size_t	i;

	if ((i = row_get_id(h, q->ind, q->level, q->period, q->geo,
	    q->agb)) == (size_t)-1)
		return -1;
	h->rows[i].published |= q->published;
	h->rows[i].withheld |= q->withheld;
	h->rows[i].last_day = q->last_day;
	h->nloaded++;
	return 0;
}

/*
 * The rows read go into the map in the order read, LOAD_AHEAD behind:
 * each one's slot is fetched when it is read, so that the map's misses
 * overlap rather than each waiting on its own.
 */
static int
load_row(const struct dch_row *r, void *arg)
{
	struct dch	*h = arg;
	struct hrow	*q;

	if (h->nlq == LOAD_AHEAD) {
		if (load_put(h, &h->lq[h->lqh]) == -1)
			return -1;
		h->lqh = (h->lqh + 1) % LOAD_AHEAD;
		h->nlq--;
	}
	q = &h->lq[(h->lqh + h->nlq) % LOAD_AHEAD];
	memset(q, 0, sizeof(*q));
	if ((q->ind = str_id(&h->str, r->indicator)) == (uint32_t)-1 ||
	    (q->geo = str_id(&h->str, r->geo)) == (uint32_t)-1)
		return -1;
	q->level = (int16_t)r->level;
	q->period = r->period;
	q->agb = r->agb;
	q->last_day = r->last_day;
	q->published = r->published;
	q->withheld = r->withheld;
	h->nlq++;
	__builtin_prefetch(&h->slots[(size_t)row_hash(q) & (h->nslots - 1)]);
	return 0;
}

/* The rows still queued (load_row); 0 or -1. */
static int
load_flush(struct dch *h)
{
	for (; h->nlq > 0; h->nlq--) {
		if (load_put(h, &h->lq[h->lqh]) == -1)
			return -1;
		h->lqh = (h->lqh + 1) % LOAD_AHEAD;
	}
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
	    -1 || load_flush(h) == -1) {
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
	free(h->str.s);
	free(h->str.slots);
	free(h->recs);
	free(h->geo_ids);
	free(h);
}

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A cluster's cells are kept under the gemeenten it holds, not under its
 * name: "K" and 16 hex digits of a hash (FNV-1a, 64 bits) of its
 * gemeentecodes in ascending order, each followed by a comma. Renaming a
 * cluster keeps its history; a cluster that gains or loses a gemeente
 * has other figures, and so other cells.
 */
static void
cluster_key(const struct config *cfg, size_t ci, char *out, size_t len)
{
	const char	*code[CFG_MAX_GEMEENTEN];
	const char	*p;
	uint64_t	 x = 1469598103934665603ULL;
	size_t		 i, n = 0;

	for (i = 0; i < cfg->ref.ngemeenten; i++)
		if (cfg->ref.gemeenten[i].cluster == ci)
			code[n++] = cfg->ref.gemeenten[i].code;
	qsort(code, n, sizeof(code[0]), cmp_code);
	for (i = 0; i < n; i++) {
		for (p = code[i]; *p; p++)
			x = (x ^ (unsigned char)*p) * 1099511628211ULL;
		x = (x ^ (unsigned char)',') * 1099511628211ULL;
	}
	util_fmt(out, len, "K%016llx", (unsigned long long)x);
}

/*
 * The clusters' keys, and the rows kept before them under "C" and a
 * cluster's name: each is ORed into the row of the cluster of that name
 * now, which dch_save then writes once (the old row stays until the
 * purge, and is read the same way again). -1 on OOM.
 */
static int
key_clusters(struct dch *h, const struct config *cfg)
{
	struct hrow	r;
	size_t		 i, j, n = h->n, ci;
	char		 ind[DCH_IND_MAX];
	const char	*geo;

	for (ci = 0; ci < cfg->ref.nclusters; ci++)
		cluster_key(cfg, ci, h->ckey[ci], sizeof(h->ckey[ci]));
	h->keyed = 1;
	for (i = 0; i < n; i++) {
		geo = h->str.s[h->rows[i].geo];
		if (geo[0] != 'C')
			continue;
		for (ci = 0; ci < cfg->ref.nclusters &&
		    strcmp(cfg->ref.clusters[ci].name, geo + 1) != 0; ci++)
			;
		if (ci == cfg->ref.nclusters)
			continue;	/* no cluster of that name now */
		r = h->rows[i];		/* row_get may move the rows */
		util_fmt(ind, sizeof(ind), "%s", h->str.s[r.ind]);
		if ((j = row_get(h, ind, r.level, r.period, h->ckey[ci],
		    r.agb)) == (size_t)-1)
			return -1;
		h->nrekeyed++;
		if ((h->rows[j].published | r.published) ==
		    h->rows[j].published && (h->rows[j].withheld |
		    r.withheld) == h->rows[j].withheld)
			continue;	/* saved under its key before */
		h->rows[j].published |= r.published;
		h->rows[j].withheld |= r.withheld;
		if (r.last_day > h->rows[j].last_day)
			h->rows[j].last_day = r.last_day;
		h->rows[j].rekeyed = 1;
	}
	return 0;
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

/*
 * The id of the geo of cell index geo as the store keeps it (struct
 * dch_row), each found once per snapshot; (uint32_t)-1 on OOM.
 */
static uint32_t
geo_id(struct dch *h, const struct ind_snapshot *s, const struct config *cfg,
    int geo)
{
	char		 g[DCH_GEO_MAX];
	size_t		 n = (size_t)s->ngem + (size_t)s->nclu + 1;
	uint32_t	 id;

	if (h->geo_s != s) {
		free(h->geo_ids);
		h->ngeo_ids = 0;
		h->geo_s = NULL;
		if ((h->geo_ids = calloc(n, sizeof(*h->geo_ids))) == NULL)
			return (uint32_t)-1;
		h->ngeo_ids = n;
		h->geo_s = s;
	}
	if (geo >= 0 && (size_t)geo < h->ngeo_ids && h->geo_ids[geo] != 0)
		return h->geo_ids[geo] - 1;
	if (geo < s->ngem)
		util_fmt(g, sizeof(g), "G%s", cfg->ref.gemeenten[geo].code);
	else if (geo < s->ngem + s->nclu)
		util_fmt(g, sizeof(g), "%s", h->ckey[geo - s->ngem]);
	else
		util_fmt(g, sizeof(g), "R");
	if ((id = str_id(&h->str, g)) != (uint32_t)-1 && geo >= 0 &&
	    (size_t)geo < h->ngeo_ids)
		h->geo_ids[geo] = id + 1;
	return id;
}

/* The id of an indicator as the store keeps it; (uint32_t)-1 on OOM. */
static uint32_t
ind_id(struct dch *h, const char *indicator)
{
	char		 ind[DCH_IND_MAX];
	uint32_t	 id;
	size_t		 len = strnlen(indicator, sizeof(ind) - 1);

	/* util_fmt's "%s", cut as it cuts */
	memcpy(ind, indicator, len);
	ind[len] = '\0';
	if (h->last_ind_id != 0 && strcmp(ind, h->last_ind) == 0)
		return h->last_ind_id - 1;
	if ((id = str_id(&h->str, ind)) != (uint32_t)-1) {
		memcpy(h->last_ind, ind, len + 1);
		h->last_ind_id = id + 1;
	}
	return id;
}

void
dch_apply_named(struct dch *h, struct dc_table *t,
    const struct ind_snapshot *s, const struct config *cfg,
    const char *indicator, enum ind_period tt, const struct cell *c,
    int ncat)
{
	struct dch_rec	*rec;
	size_t		 i;
	uint32_t	 ind, geo;
	int		 f, ti, agb;

	if (h == NULL || h->oom || t->oom)
		return;
	if (!h->keyed && key_clusters(h, cfg) == -1) {
		h->oom = 1;
		return;
	}
	/* As the store keeps them (struct dch_row). */
	agb = c->agb >= 0 && (size_t)c->agb < s->nagbs ? s->agbs[c->agb] : 0;
	for (ti = 0; ti < h->ntabs && h->tabs[ti] != t; ti++)
		;
	if (ti == DCH_TABS ||
	    (ind = ind_id(h, indicator)) == (uint32_t)-1 ||
	    (geo = geo_id(h, s, cfg, c->geo)) == (uint32_t)-1 ||
	    (i = row_get_id(h, ind, (int)tt, c->period, geo, agb)) ==
	    (size_t)-1 ||
	    util_grow((void **)&h->recs, &h->caprec, h->nrec + 1,
	    sizeof(*h->recs)) == -1) {
		h->oom = 1;
		return;
	}
	if (ti == h->ntabs)
		h->tabs[h->ntabs++] = t;
	h->rows[i].last_day = ind_period_last_day(c->period, tt);
	rec = &h->recs[h->nrec++];
	rec->t = (uint8_t)ti;
	rec->it_tot = c->it_tot;
	rec->it_cat = c->it_cat;
	rec->nfig = (uint8_t)(1 + ncat < DCH_FIGS ? 1 + ncat : DCH_FIGS);
	rec->row = (uint32_t)i;
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
	const struct dc_table	*t;
	struct hrow		*row;
	size_t			 i, nout = 0, capout = 0, back = 0;
	int64_t			 pub, wh;
	uint64_t		 t0 = util_now_ns();
	uint32_t		 it;
	int			 f, rc;

	if (h == NULL)
		return 0;
	if (h->oom)
		goto oom;
	for (i = 0; i < h->nrec; i++) {
		rec = &h->recs[i];
		row = &h->rows[rec->row];
		t = h->tabs[rec->t];
		pub = wh = 0;
		for (f = 0; f < rec->nfig; f++) {
			it = fig_item(rec, f);
			if (!dc_printed(t, it))
				continue;	/* never printed */
			if (dc_suppressed(t, it))
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
		    (row->withheld | wh) == row->withheld && !row->rekeyed)
			continue;
		row->published |= pub;
		row->withheld |= wh;
		row->rekeyed = 0;
		if (util_grow((void **)&out, &capout, nout + 1,
		    sizeof(*out)) == -1)
			goto oom;
		row_out(h, rec->row, &out[nout++]);
	}
	/* Rows kept under a cluster's name, now under its key. */
	for (i = 0; i < h->n; i++) {
		if (!h->rows[i].rekeyed)
			continue;
		h->rows[i].rekeyed = 0;
		if (util_grow((void **)&out, &capout, nout + 1,
		    sizeof(*out)) == -1)
			goto oom;
		row_out(h, i, &out[nout++]);
	}
	rc = store_dch_save(st, out, nout, h->gen);
	free(out);
	if (rc == 1)
		log_warn("indicators: another build saved its disclosure "
		    "history meanwhile; this snapshot is not used (the next"
		    " one is checked against that history)");
	else if (rc == 0)
		log_info("disclosure history: %zu cells; %zu rows read in "
		    "%.1f ms (%zu under a cluster's name, now under its "
		    "key), %zu figures published before; %zu rows written "
		    "in %.1f ms; %zu figures withheld before and published "
		    "now", h->nrec, h->nloaded, (double)h->load_ns / 1e6,
		    h->nrekeyed, h->nprior, nout,
		    (double)(util_now_ns() - t0) / 1e6, back);
	return rc;
oom:
	free(out);
	log_error("indicators: disclosure history: out of memory");
	return -1;
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

/*
 * Uitsplitsingen (issue #15; docs/indicators.md): the cells of the cube
 * broken down by one client attribute at a time, leeftijd (the age band
 * stored with the record), geslacht, productcategorie (iJw JZ020) or
 * gebied (gebied.h).
 *
 * Breakdowns exist for all aanbieders together, per year, at every
 * gemeente, cluster and the regio. Each breakdown cell is an item of the
 * same disclosure table as the cube (disclosure.h), with the relations of
 * its cell: its categories add up to it, the breakdown cells of one
 * breakdown add up to their cell (an "onbekend" cell holds the units
 * without the attribute, so the sum is exact), and the breakdown cells
 * of one value add up over the gemeenten of a cluster and the clusters of
 * the regio. So suppression is decided for the cube and every breakdown
 * together: no subtraction across two breakdowns of the same cell, or
 * from gebied to gemeente to cluster, recovers a count in (0, k).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dc_history.h"
#include "gebied.h"
#include "ind_impl.h"
#include "ind_bd.h"
#include "util.h"

/* Packing of a unit's values: 0 unknown, v + 1 value v. */
#define BD_LEEFTIJD_SHIFT	0	/* 3 bits: 0..4 */
#define BD_GESLACHT_SHIFT	3	/* 2 bits: 0..3 */
#define BD_CAT_SHIFT		5	/* 7 bits: 0..100 */
#define BD_GEBIED_SHIFT		12	/* 20 bits: list index + 1 */

static const char *const leeftijd_labels[] = {
	"0-3", "4-11", "12-17", "18+"
};
static const char *const geslacht_names[] = {
	"onbekend", "man", "vrouw"	/* COD046 0, 1, 2 */
};

uint32_t
ind_bd_pack(const struct config *cfg, int gem, int leeftijd, int geslacht,
    int categorie, int gebied)
{
	uint32_t	v = 0;
	int		gi;

	if (leeftijd >= 0 && leeftijd <= 3)
		v |= (uint32_t)(leeftijd + 1) << BD_LEEFTIJD_SHIFT;
	if (geslacht >= 0 && geslacht <= 2)
		v |= (uint32_t)(geslacht + 1) << BD_GESLACHT_SHIFT;
	if (categorie >= 0 && categorie <= 99)
		v |= (uint32_t)(categorie + 1) << BD_CAT_SHIFT;
	/* A gebied outside the record's gemeente is not its gebied. */
	if (gebied >= 0 && gem >= 0 && (gi = gebied_index(cfg, (size_t)gem,
	    gebied)) >= 0 && gi < (1 << 20) - 1)
		v |= (uint32_t)(gi + 1) << BD_GEBIED_SHIFT;
	return v;
}

int
ind_bd_value(uint32_t bd, enum ind_bd d)
{
	switch (d) {
	case IND_BD_LEEFTIJD:
		return (int)((bd >> BD_LEEFTIJD_SHIFT) & 7);
	case IND_BD_GESLACHT:
		return (int)((bd >> BD_GESLACHT_SHIFT) & 3);
	case IND_BD_PRODUCTCATEGORIE:
		return (int)((bd >> BD_CAT_SHIFT) & 127);
	case IND_BD_GEBIED:
		return (int)(bd >> BD_GEBIED_SHIFT);
	default:
		return 0;
	}
}

void
ind_bd_label(const struct config *cfg, enum ind_bd d, int val, char *code,
    size_t codelen, char *naam, size_t naamlen)
{
	char	gc[8];

	if (naamlen > 0)
		naam[0] = '\0';
	if (val <= 0) {
		util_fmt(code, codelen, "onbekend");
		return;
	}
	switch (d) {
	case IND_BD_LEEFTIJD:
		util_fmt(code, codelen, "%s", leeftijd_labels[(val - 1) & 3]);
		break;
	case IND_BD_GESLACHT:
		util_fmt(code, codelen, "%d", val - 1);
		util_fmt(naam, naamlen, "%s", geslacht_names[(val - 1) % 3]);
		break;
	case IND_BD_PRODUCTCATEGORIE:
		util_fmt(code, codelen, "%02d", val - 1);
		break;
	default:
		gebied_label(cfg, (size_t)(val - 1), gc, naam, naamlen);
		util_fmt(code, codelen, "%s", gc);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* A hash map of breakdown cells while units are added */

struct bmap {
	struct ind_bdcell *v;
	size_t		 n, cap;
	struct ind_slab	 mem;		/* the cells */
	struct ind_slab	*xmem;		/* their cnt_x */
	size_t		*slots;		/* index + 1, 0 free */
	size_t		 nslots;
};

static uint64_t
bkey(int geo, int period, int dim, int val)
{
	return ((uint64_t)(uint32_t)geo << 44) ^
	    ((uint64_t)(uint32_t)period << 28) ^
	    ((uint64_t)(uint32_t)dim << 24) ^ (uint64_t)(uint32_t)val;
}

static size_t
bhash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

static int
bmap_rehash(struct bmap *m)
{
	size_t	 ns = m->nslots ? m->nslots * 2 : 256, i, h;
	size_t	*sl;

	if ((sl = calloc(ns, sizeof(*sl))) == NULL)
		return -1;
	for (i = 0; i < m->n; i++) {
		const struct ind_bdcell *b = &m->v[i];

		h = bhash(bkey(b->geo, b->period, b->dim, b->val)) & (ns - 1);
		while (sl[h] != 0)
			h = (h + 1) & (ns - 1);
		sl[h] = i + 1;
	}
	free(m->slots);
	m->slots = sl;
	m->nslots = ns;
	return 0;
}

static struct cell *
bmap_get(struct bmap *m, const struct layout *l, int agb, int geo,
    int period, int dim, int val)
{
	struct ind_bdcell	*b;
	size_t			 h;

	if ((m->n + 1) * 2 > m->nslots && bmap_rehash(m) == -1)
		return NULL;
	h = bhash(bkey(geo, period, dim, val)) & (m->nslots - 1);
	while (m->slots[h] != 0) {
		b = &m->v[m->slots[h] - 1];
		if (b->geo == geo && b->period == period && b->dim == dim &&
		    b->val == val)
			return b->c;
		h = (h + 1) & (m->nslots - 1);
	}
	if (util_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v)) == -1)
		return NULL;
	b = &m->v[m->n];
	if ((b->c = ind_cell_new(&m->mem, m->xmem, l, agb, geo, period)) ==
	    NULL)
		return NULL;
	b->geo = geo;
	b->period = period;
	b->dim = dim;
	b->val = val;
	m->slots[h] = ++m->n;
	return b->c;
}

static int
cmp_bd(const void *a, const void *b)
{
	const struct ind_bdcell	*x = a, *y = b;

	if (x->geo != y->geo)
		return x->geo < y->geo ? -1 : 1;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	if (x->dim != y->dim)
		return x->dim < y->dim ? -1 : 1;
	return (x->val > y->val) - (x->val < y->val);
}

static size_t
bd_lower(const struct ind_bdcube *cb, int geo, int period, int dim, int val)
{
	struct ind_bdcell	key = { geo, period, dim, val, NULL };
	size_t			lo = 0, hi = cb->n;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (cmp_bd(&cb->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
ind_bd_range(const struct ind_bdcube *cb, int geo, int period, int dim,
    const struct ind_bdcell **first)
{
	size_t	i = bd_lower(cb, geo, period, dim, 0), j;

	for (j = i; j < cb->n && cb->v[j].geo == geo &&
	    cb->v[j].period == period && cb->v[j].dim == dim; j++)
		;
	*first = cb->v + i;
	return j - i;
}

/* ------------------------------------------------------------------ */
/* Building */

/*
 * The breakdown cells of the period being added, by direct index in
 * front of the hash map (a unit looks up 12 cells): per place, the
 * values of leeftijd, geslacht, productcategorie and gebied "onbekend";
 * a gebied lies in one gemeente, so per level (gemeente, cluster, regio)
 * one slot per gebied. Used slots are cleared when the period changes.
 */
#define BD_PER_GEO	(8 + 4 + 128 + 1)

struct bcache {
	struct ind_cref	*slot;
	uint32_t	*used;
	size_t		 nused, ngeb, nslots;
	int		 period;
};

static int
bcache_init(struct bcache *bc, size_t ngeo, size_t ngeb)
{
	memset(bc, 0, sizeof(*bc));
	bc->ngeb = ngeb;
	bc->nslots = ngeo * BD_PER_GEO + 3 * ngeb;
	bc->period = -1;
	bc->slot = calloc(bc->nslots, sizeof(*bc->slot));
	bc->used = calloc(bc->nslots, sizeof(*bc->used));
	return bc->slot == NULL || bc->used == NULL ? -1 : 0;
}

static void
bcache_done(struct bcache *bc)
{
	free(bc->slot);
	free(bc->used);
}

/* The slot of (level, geo, dim, val); nslots when it has none. */
static size_t
bcache_slot(const struct bcache *bc, int level, int geo, int d, int val)
{
	static const int	off[IND__NBD] = { 0, 0, 8, 12, 140 };

	if (d == IND_BD_GEBIED && val > 0)
		return (size_t)val - 1 < bc->ngeb ? bc->nslots - 3 * bc->ngeb +
		    (size_t)level * bc->ngeb + (size_t)val - 1 : bc->nslots;
	return (size_t)geo * BD_PER_GEO + (size_t)off[d] + (size_t)val;
}

/*
 * What the cube's pass over a kind's units (ind_cube.c) fills: the
 * breakdown cells, in a hash map with a cache per year in front.
 */
struct ind_bdacc {
	struct bmap		 m;
	struct bcache		 bc;
	const struct ind_snapshot *s;
	const struct config	*cfg;
	const struct layout	*lay;
};

struct ind_bdacc *
ind_bd_begin(const struct ind_snapshot *s, const struct config *cfg,
    const struct layout *lay, struct ind_slab *xmem)
{
	struct ind_bdacc	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->m.xmem = xmem;
	a->s = s;
	a->cfg = cfg;
	a->lay = lay;
	if (bcache_init(&a->bc, (size_t)IND_GEO_REGIO(s) + 1,
	    gebied_count(cfg)) == -1) {
		ind_bd_abort(a);
		return NULL;
	}
	return a;
}

void
ind_bd_abort(struct ind_bdacc *a)
{
	if (a == NULL)
		return;
	ind_slab_free(&a->m.mem);
	free(a->m.v);
	free(a->m.slots);
	bcache_done(&a->bc);
	free(a);
}

/*
 * The breakdown cells a unit of year period in gemeente gem with values
 * bd adds to: 3 places (gemeente, cluster, regio) x 4 breakdowns, into
 * out; returns how many, or -1 out of memory. Units come by (year,
 * client), so each cell counts a client once (cnt.last).
 */
int
ind_bd_cells(struct ind_bdacc *a, int period, int gem, uint32_t bd,
    struct ind_cref *out)
{
	const struct ind_snapshot *s = a->s;
	struct bcache		*bc = &a->bc;
	struct cell		*c;
	size_t			 j, sl;
	int			 geos[3], gi, d, v, n = 0;

	if (period != bc->period) {
		for (j = 0; j < bc->nused; j++)
			bc->slot[bc->used[j]].c = NULL;
		bc->nused = 0;
		bc->period = period;
	}
	geos[0] = gem;
	geos[1] = IND_GEO_CLUSTER(s, (int)a->cfg->ref.gemeenten[gem].cluster);
	geos[2] = IND_GEO_REGIO(s);
	for (gi = 0; gi < 3; gi++) {
		for (d = 1; d < IND__NBD; d++) {
			v = ind_bd_value(bd, (enum ind_bd)d);
			sl = bcache_slot(bc, gi, geos[gi], d, v);
			if (sl < bc->nslots && bc->slot[sl].c != NULL) {
				out[n++] = bc->slot[sl];
				continue;
			}
			if ((c = bmap_get(&a->m, a->lay, (int)s->nagbs,
			    geos[gi], period, d, v)) == NULL)
				return -1;
			out[n].c = c;
			out[n].x = c->x;
			if (sl < bc->nslots) {
				bc->slot[sl] = out[n];
				bc->used[bc->nused++] = (uint32_t)sl;
			}
			n++;
		}
	}
	return n;
}

/*
 * A walk over the breakdown cells of one (geo, period) in (dim, val)
 * order: bcur_at finds a cell from where the last call stopped, so calls
 * come in ascending (dim, val), as the cells of a (geo, period) do.
 */
struct bcur {
	const struct ind_bdcube	*cb;
	size_t			 i;
	int			 geo, period;
};

static void
bcur_init(struct bcur *k, const struct ind_bdcube *cb, int geo, int period)
{
	k->cb = cb;
	k->i = bd_lower(cb, geo, period, 0, 0);
	k->geo = geo;
	k->period = period;
}

static const struct cell *
bcur_at(struct bcur *k, int dim, int val)
{
	const struct ind_bdcell	*v;

	for (; k->i < k->cb->n; k->i++) {
		v = &k->cb->v[k->i];
		if (v->geo != k->geo || v->period != k->period)
			return NULL;
		if (v->dim > dim || (v->dim == dim && v->val >= val))
			return v->dim == dim && v->val == val ? v->c : NULL;
	}
	return NULL;
}

/*
 * The relations of the breakdown cells: each breakdown of a cell adds up
 * to the cell; each value adds up over the gemeenten of a cluster and the
 * clusters of the regio (found by walks, struct bcur, over the runs of
 * the gemeenten of each cluster, listed once). parts is scratch for nmax
 * cells. 0, or -1 out of memory.
 */
static int
relations(struct ind_snapshot *s, const struct config *cfg,
    enum ind_kind kind, const struct layout *lay, const struct cell **parts,
    size_t nmax)
{
	const struct ind_bdcube	*cb = &s->bd[kind];
	const struct ind_cube	*cube = &s->cube[kind][IND_YEAR];
	struct dc_table		*t = &s->dc[IND_DC_KIND(kind)];
	const struct ind_bdcell	*b, *r;
	const struct cell	*parent, *p;
	struct bcur		*cu;
	size_t			 i, j, n, nr, nk = 0, *off;
	size_t			 ngem = cfg->ref.ngemeenten;
	int			*gl;
	int			 cl;

	for (i = 0; i < cb->n; i = j) {
		b = &cb->v[i];
		nr = ind_bd_range(cb, b->geo, b->period, b->dim, &r);
		j = i + (nr ? nr : 1);
		parent = ind_cube_find(cube, (int)s->nagbs, b->geo, b->period);
		if (parent == NULL)
			continue;	/* cannot be: the cell has the units */
		for (n = 0; n < nr && n < nmax; n++)
			parts[n] = r[n].c;
		ind_cell_relate(t, lay, parent, parts, n, 0);
	}
	/* The gemeenten of cluster cl: gl[off[cl]] to gl[off[cl + 1]]. */
	if (ind_cluster_gemeenten(cfg, (size_t)s->nclu, &off, &gl) == -1)
		return -1;
	if ((cu = calloc(ngem + cfg->ref.nclusters + 1, sizeof(*cu))) ==
	    NULL) {
		free(off);
		free(gl);
		return -1;
	}
	for (i = 0; i < cb->n; i++) {
		b = &cb->v[i];
		if (i == 0 || cb->v[i - 1].geo != b->geo ||
		    cb->v[i - 1].period != b->period) {
			/* A new (geo, period): its walks. */
			nk = 0;
			if (b->geo == IND_GEO_REGIO(s)) {
				for (cl = 0; cl < (int)cfg->ref.nclusters;
				    cl++)
					bcur_init(&cu[nk++], cb,
					    IND_GEO_CLUSTER(s, cl), b->period);
			} else if (b->geo >= IND_GEO_CLUSTER(s, 0)) {
				cl = b->geo - IND_GEO_CLUSTER(s, 0);
				for (j = off[cl]; j < off[cl + 1]; j++)
					bcur_init(&cu[nk++], cb, gl[j],
					    b->period);
			}
		}
		n = 0;
		for (j = 0; j < nk; j++)
			if ((p = bcur_at(&cu[j], b->dim, b->val)) != NULL &&
			    n < nmax)
				parts[n++] = p;
		ind_cell_relate(t, lay, b->c, parts, n, 0);
	}
	free(off);
	free(gl);
	free(cu);
	return 0;
}

/*
 * An aanlevering breakdown cell counts what uitval's with its key does;
 * b comes in the cells' order, so *at walks uitval's.
 */
static void
same_total(struct ind_snapshot *s, size_t *at, const struct ind_bdcell *b)
{
	struct dc_table		*t = &s->dc[IND_UITVAL];
	const struct ind_bdcube	*ub = &s->bd[IND_UITVAL];
	const struct cell	*u;

	while (*at < ub->n && cmp_bd(&ub->v[*at], b) < 0)
		(*at)++;
	if (*at == ub->n || cmp_bd(&ub->v[*at], b) != 0)
		return;
	u = ub->v[*at].c;
	dc_link(t, u->it_tot, b->c->it_tot);
	dc_link(t, b->c->it_tot, u->it_tot);
	dc_group(t, u->it_tot);
	dc_member(t, b->c->it_tot);
}

/*
 * The name of a breakdown cell in the disclosure history: its kind, the
 * breakdown's letter and a code that stays when the config changes (a
 * gebied by its code, not its place in the list): "uitval/L3",
 * "tevredenheid/G36301", "doelrealisatie/P0" (onbekend).
 */
static void
history_name(const struct config *cfg, enum ind_kind kind,
    const struct ind_bdcell *b, char *out, size_t len)
{
	static const char	letter[IND__NBD] = { '?', 'L', 'S', 'P', 'G' };
	char			code[8];
	long long		v = b->val;

	if (b->dim == IND_BD_GEBIED && b->val > 0) {
		gebied_label(cfg, (size_t)(b->val - 1), code, NULL, 0);
		/* "0363-01" -> 36301 */
		v = 0;
		if (strlen(code) == 7)
			v = (code[0] - '0') * 100000LL + (code[1] - '0') *
			    10000 + (code[2] - '0') * 1000 + (code[3] - '0') *
			    100 + (code[5] - '0') * 10 + (code[6] - '0');
	}
	util_fmt(out, len, "%s/%c%lld", ind_kind_name(kind),
	    b->dim > 0 && b->dim < IND__NBD ? letter[b->dim] : '?', v);
}

int
ind_bd_build(struct ind_snapshot *s, const struct config *cfg,
    enum ind_kind kind, const struct layout *lay, int window, int today,
    const struct ck_table *ckt, struct ind_bdacc *a)
{
	struct bmap		 m = a->m;
	const struct cell	**parts;
	struct dc_table		*t = &s->dc[IND_DC_KIND(kind)];
	char			 name[24];
	size_t			 i, nmax, ua = 0;
	int			 rc;

	/* The cells are the snapshot's now. */
	free(m.slots);
	bcache_done(&a->bc);
	free(a);
	for (i = 0; i < m.n; i++)
		ind_cell_final(lay, m.v[i].c);
	if (m.n > 0)
		qsort(m.v, m.n, sizeof(*m.v), cmp_bd);
	s->bd[kind].v = m.v;
	s->bd[kind].n = m.n;
	s->bd[kind].mem = m.mem;
	if (ckt != NULL) {
		for (i = 0; i < m.n; i++)
			ind_cell_ck(ckt, kind, lay, m.v[i].c);
		return 0;
	}
	for (i = 0; i < m.n; i++) {
		ind_dc_cell(t, kind, lay, m.v[i].c, kind != IND_UITVAL ||
		    ind_window_closed(m.v[i].period, IND_YEAR, today, window),
		    NULL);
		/* Stable over time, as every cell (dc_history.h). */
		history_name(cfg, kind, &m.v[i], name, sizeof(name));
		/* The history is shared by the kinds' threads. */
		pthread_mutex_lock(&s->dch_mu);
		dch_apply_named(s->dch, t, s, cfg, name, IND_YEAR, m.v[i].c,
		    lay->ncat);
		pthread_mutex_unlock(&s->dch_mu);
		if (kind == IND_AANLEVERING)
			same_total(s, &ua, &m.v[i]);
	}
	nmax = gebied_count(cfg) + 128 + cfg->ref.ngemeenten +
	    cfg->ref.nclusters;
	if ((parts = calloc(nmax, sizeof(*parts))) == NULL)
		return -1;
	rc = relations(s, cfg, kind, lay, parts, nmax);
	free(parts);
	return rc;
}

void
ind_bd_free(struct ind_snapshot *s)
{
	int	k;

	for (k = 0; k < IND__NKINDS; k++) {
		ind_slab_free(&s->bd[k].mem);
		free(s->bd[k].v);
		s->bd[k].v = NULL;
		s->bd[k].n = 0;
	}
}

/*
 * The indicator cube: every cell any answer can publish, computed once per
 * snapshot, with one suppression pattern for all of them.
 *
 * A cell is (aanbieder or all aanbieders) x (gemeente, cluster or the
 * regio) x (month, quarter or year). Every answer is a selection of these
 * cells, so aggregates are computed at snapshot time, an answer is a
 * lookup, and, above all, disclosure control sees every number that could
 * ever be published side by side: the relations between the cells (the
 * gemeenten of a cluster add up to the cluster, the aanbieders of a
 * gemeente to the gemeente, the months of a quarter to the quarter) are
 * all in one table, so no answer can undo another's suppression by
 * subtraction.
 */
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dc_history.h"
#include "disclosure.h"
#include "ind_bd.h"
#include "ind_impl.h"
#include "log.h"
#include "util.h"
#include <time.h>
#include <time.h>
#include <time.h>
#include <stdio.h>

/* rk: the client's record key, added once per distinct client. */
static inline void
cnt_add(struct cnt_x *x, uint32_t client, uint32_t rk)
{
	x->units++;
	if (x->last != client + 1) {
		x->last = client + 1;
		x->clients++;
		x->ckey += rk;		/* mod 2^32: the sum mod 1 */
	}
}

/* ------------------------------------------------------------------ */
/* Slabs */

/*
 * A chunk of a slab; the blocks follow. Chunks are as large as glibc
 * maps on their own (ind_snapshot.c), so a freed slab goes back to the
 * system, and calloc gets them zeroed without writing them.
 */
struct ind_chunk {
	struct ind_chunk *next;
	size_t		 pad;		/* the blocks 16-byte aligned */
};
#define SLAB_CHUNK	(512 * 1024)

void *
ind_slab_alloc(struct ind_slab *sl, size_t n)
{
	struct ind_chunk	*ch;
	size_t			 sz;
	void			*p;

	n = (n + 15) & ~(size_t)15;
	if (sl->head == NULL || sl->cap - sl->used < n) {
		sz = n > SLAB_CHUNK - sizeof(*ch) ? n + sizeof(*ch) :
		    SLAB_CHUNK;
		if ((ch = calloc(1, sz)) == NULL)
			return NULL;
		ch->next = sl->head;
		sl->head = ch;
		sl->used = 0;
		sl->cap = sz - sizeof(*ch);
	}
	p = (char *)(sl->head + 1) + sl->used;
	sl->used += n;
	return p;
}

void
ind_slab_free(struct ind_slab *sl)
{
	struct ind_chunk	*ch, *next;

	for (ch = sl->head; ch != NULL; ch = next) {
		next = ch->next;
		free(ch);
	}
	memset(sl, 0, sizeof(*sl));
}

void
ind_layout_init(struct layout *l, enum ind_kind kind,
    const struct ind_items *items)
{
	int	i, n;

	memset(l, 0, sizeof(*l));
	switch (kind) {
	case IND_DOELREALISATIE:
		l->ncat = D__NCAT;
		l->nsub = 1;		/* units with a T-score */
		l->nsum = 1;		/* sum of T-scores */
		l->nnum = 2;		/* goals, goals met */
		break;
	case IND_UITVAL:
		l->ncat = U__NCAT;
		break;
	case IND_AANLEVERING:
		l->ncat = A__NCAT;
		break;
	default:
		l->ncat = QUEST__NRESPONDENTS;
		l->num_of_sub = 1;
		for (i = 0; i < QUEST__NRESPONDENTS; i++) {
			n = (int)items->n[i];
			l->nitems[i] = n;
			l->sub0[i] = l->nsub;
			l->nsub += n + 1;	/* items, rapportcijfer */
			l->sum0[i] = l->nsum;
			l->nsum += n + 1;
			l->num0[i] = l->nnum;
			l->nnum += n + 3;	/* + cijfer, pos, answered */
		}
		break;
	}
}

/* ------------------------------------------------------------------ */
/*
 * Building: one pass over a kind's units in year order, each added to its
 * cells of all three period types (and to its breakdown cells). Within a
 * year the units come in client order, so every cell, of a month, a
 * quarter or the year, sees a client's units one after another and counts
 * it once, and each cell gets its units in the order a pass per period
 * type would give them (the sums come out the same to the bit). While a
 * year is open its cells are found through a table indexed by
 * (aanbieder, geo) that holds a block of YSLOTS cells: the 12 months, the
 * 4 quarters and the year. Its used slots are cleared when the next year
 * starts.
 */
#define YSLOTS		17

struct cmap {
	struct cell	**cells[IND__NPERIODS];
	struct ind_slab	*mem[IND__NPERIODS];	/* their memory */
	struct ind_slab	*xmem;			/* their cnt_x */
	size_t		 n[IND__NPERIODS], cap[IND__NPERIODS];
	uint32_t	*pt;		/* [agb * ngeo + geo]: block + 1 */
	uint32_t	*used;		/* slots of pt set in this year */
	size_t		 nused;
	struct ind_cref	*blk;		/* YSLOTS cells per block */
	size_t		 nblk, capblk;
	int		 ngeo, year;
	const struct layout *lay;
	int		 oom;
	int		 pub[CFG_PUB__NLEVELS];	/* config "publicatie" */
};

/*
 * Marks a block's slot of a cell of one aanbieder that "publicatie" does
 * not publish: the aanbieder has units there, counted once in the cell
 * of all aanbieders (naanbieders), and no cell is made.
 */
static struct cell	unpublished;

static int
cmap_init(struct cmap *m, const struct layout *l, size_t nagbs, int ngeo,
    struct ind_cube *cubes, struct ind_slab *xmem, const int *pub)
{
	size_t	n = (nagbs + 1) * (size_t)ngeo;
	int	tt;

	memset(m, 0, sizeof(*m));
	memcpy(m->pub, pub, sizeof(m->pub));
	for (tt = 0; tt < IND__NPERIODS; tt++)
		m->mem[tt] = &cubes[tt].mem;
	m->xmem = xmem;
	m->lay = l;
	m->ngeo = ngeo;
	m->year = -1;
	m->pt = calloc(n ? n : 1, sizeof(*m->pt));
	m->used = calloc(n ? n : 1, sizeof(*m->used));
	if (m->pt == NULL || m->used == NULL) {
		free(m->pt);
		free(m->used);
		m->pt = NULL;
		m->used = NULL;
		return -1;
	}
	return 0;
}

/* The lookup tables; the cells lists stay. */
static void
cmap_done(struct cmap *m)
{
	free(m->pt);
	free(m->used);
	free(m->blk);
	m->pt = NULL;
	m->used = NULL;
	m->blk = NULL;
}

/*
 * One block per cell, the struct, then its arrays, in mem; the build-only
 * counts in xmem (NULL: none).
 */
static struct cell *
cell_new(struct ind_slab *mem, struct ind_slab *xmem,
    const struct layout *l, int agb, int geo, int period)
{
	struct cell	*c;
	size_t		 sz;
	char		*p;

	sz = sizeof(*c) + ((size_t)l->ncat + (size_t)l->nsub) *
	    sizeof(struct cnt) + (size_t)l->nsum * sizeof(double) +
	    (size_t)l->nnum * sizeof(int64_t);
	if ((c = ind_slab_alloc(mem, sz)) == NULL)
		return NULL;
	if (xmem != NULL && (c->x = ind_slab_alloc(xmem, (1 +
	    (size_t)l->ncat + (size_t)l->nsub) * sizeof(*c->x))) == NULL)
		return NULL;
	c->agb = agb;
	c->geo = geo;
	c->period = period;
	p = (char *)(c + 1);
	if (l->ncat) {
		c->cat = (struct cnt *)(void *)p;
		p += (size_t)l->ncat * sizeof(struct cnt);
	}
	if (l->nsub) {
		c->sub = (struct cnt *)(void *)p;
		p += (size_t)l->nsub * sizeof(struct cnt);
	}
	if (l->nsum) {
		c->sum = (double *)(void *)p;
		p += (size_t)l->nsum * sizeof(double);
	}
	if (l->nnum)
		c->num = (int64_t *)(void *)p;
	return c;
}

/*
 * The block of (agb, geo) in this year's table, made when new: *at its
 * first slot in blk (blocks are only added, so it stays). 0, or -1 out
 * of memory.
 */
static int
cmap_block(struct cmap *m, int agb, int geo, size_t *at)
{
	size_t	slot;

	if (m->oom)
		return -1;
	slot = (size_t)agb * (size_t)m->ngeo + (size_t)geo;
	if (m->pt[slot] == 0) {
		if (util_grow((void **)&m->blk, &m->capblk,
		    (m->nblk + 1) * YSLOTS, sizeof(*m->blk)) == -1) {
			m->oom = 1;
			return -1;
		}
		memset(m->blk + m->nblk * YSLOTS, 0, YSLOTS * sizeof(*m->blk));
		m->pt[slot] = (uint32_t)++m->nblk;
		m->used[m->nused++] = (uint32_t)slot;
	}
	*at = (size_t)(m->pt[slot] - 1) * YSLOTS;
	return 0;
}

/*
 * The cell of period type tt at (agb, geo, period), at slot at of blk
 * (its block's, cmap_block, plus its slot), into *out (0), or -1 out of
 * memory; *created tells whether it is new.
 */
static int
cmap_cell(struct cmap *m, size_t at, int agb, int geo, int tt, int period,
    struct ind_cref *out, int *created)
{
	struct ind_cref	*bp = &m->blk[at];
	struct cell	*c;
	size_t		 i = (size_t)tt;

	*created = 0;
	if (bp->c != NULL) {
		*out = *bp;
		return 0;
	}
	if (util_grow((void **)&m->cells[i], &m->cap[i], m->n[i] + 1,
	    sizeof(*m->cells[i])) == -1 || (c = cell_new(m->mem[i], m->xmem,
	    m->lay, agb, geo, period)) == NULL) {
		m->oom = 1;
		return -1;
	}
	m->cells[i][m->n[i]++] = c;
	bp->c = c;
	bp->x = c->x;
	*out = *bp;
	*created = 1;
	return 0;
}

/* A new year: the blocks of the last one are forgotten. */
static void
cmap_year(struct cmap *m, int year)
{
	size_t	i;

	for (i = 0; i < m->nused; i++)
		m->pt[m->used[i]] = 0;
	m->nused = 0;
	m->nblk = 0;
	m->year = year;
}

/* ------------------------------------------------------------------ */
/* Accumulating units */

struct build {
	struct ind_snapshot	*s;
	const struct config	*cfg;
	const struct quest_set	*qs;
	const struct ind_items	*items;
	enum ind_kind		 kind;
	const struct layout	*lay;
	long long		 k;
	int			 window;
	int			 today;
	size_t			 off_sum, off_num; /* in a cell's block */
};

/* A cell's sums and numbers, without loading the cell (cell_new). */
#define C_SUM(b, c)	((double *)(void *)((char *)(c) + (b)->off_sum))
#define C_NUM(b, c)	((int64_t *)(void *)((char *)(c) + (b)->off_num))

/*
 * The build-only counts of a cell: x[0] its total's, x[1 + i] category
 * i's, x[1 + ncat + i] sub-count i's.
 */
#define X_CAT(c, i)		(&(c)->x[1 + (i)])
#define X_SUB(c, ncat, i)	(&(c)->x[1 + (ncat) + (i)])

/* A cell's counts from its cnt_x, once all units are added. */
static void
cell_final(const struct layout *l, struct cell *c)
{
	const struct cnt_x	*x = c->x;
	int			 i, r;

	c->tot.units = x[0].units;
	c->tot.clients = x[0].clients;
	for (i = 0; i < l->ncat; i++) {
		c->cat[i].units = X_CAT(c, i)->units;
		c->cat[i].clients = X_CAT(c, i)->clients;
	}
	for (i = 0; i < l->nsub; i++) {
		c->sub[i].units = X_SUB(c, l->ncat, i)->units;
		c->sub[i].clients = X_SUB(c, l->ncat, i)->clients;
	}
	if (!l->num_of_sub)
		return;
	for (r = 0; r < QUEST__NRESPONDENTS; r++)
		for (i = 0; i <= l->nitems[r]; i++)
			c->num[l->num0[r] + i] = c->sub[l->sub0[r] + i].units;
}

/* The same through a cell's cnt_x alone (struct ind_cref). */
#define XR_CAT(x, i)		(&(x)[1 + (i)])
#define XR_SUB(x, ncat, i)	(&(x)[1 + (ncat) + (i)])

static void
acc_doel(const struct build *b, const struct ind_cref *r,
    const struct u_doel *u, uint32_t rk)
{
	int	pa = D_PA0 + U_DOEL_PA(u);
	int	zh = U_DOEL_ZH(u) == 1 ? D_ZH_JA : D_ZH_NIET;
	int64_t	*num = C_NUM(b, r->c);

	cnt_add(r->x, u->client, rk);
	cnt_add(XR_CAT(r->x, pa), u->client, rk);
	cnt_add(XR_CAT(r->x, zh), u->client, rk);
	if (!isnan(u->gas_t)) {
		cnt_add(XR_SUB(r->x, D__NCAT, 0), u->client, rk);
		C_SUM(b, r->c)[0] += u->gas_t;
	}
	num[0] += u->doelen;
	num[1] += u->behaald;
}

static void
acc_uit(const struct ind_cref *r, const struct u_uit *u, uint32_t rk)
{
	cnt_add(r->x, u->client, rk);
	cnt_add(XR_CAT(r->x, u->reden), u->client, rk);
	if (U_AAN_HER(u) == 1)
		cnt_add(XR_CAT(r->x, U_HER_NEW), u->client, rk);
	else if (U_AAN_HER(u) == 2)
		cnt_add(XR_CAT(r->x, U_HER_NONE), u->client, rk);
}

static void
acc_aan(const struct ind_cref *r, const struct u_uit *u, uint32_t rk)
{
	int	a = u->aan & U_AAN_CAT, cem = u->aan & U_AAN_CEM ? A_CEM :
	    A_NOCEM;

	cnt_add(r->x, u->client, rk);
	cnt_add(XR_CAT(r->x, a), u->client, rk);
	cnt_add(XR_CAT(r->x, cem), u->client, rk);
}

/*
 * A questionnaire response reduced once to what it adds to each of its
 * cells: the sub-counts and sums it touches, and its statements.
 */
struct tev_add {
	int		 n;
	int		 slot[QUEST_MAX_ITEMS + 1];	/* sub/sum/num index */
	int		 x[QUEST_MAX_ITEMS + 1];
	int		 pos, stmts;	/* positive statements, of all */
};

static void
tev_prepare(const struct build *b, const struct u_tev *u,
    const signed char *vals, struct tev_add *a)
{
	const struct quest_variant *v = &b->qs->defs[u->def].variant[u->resp];
	const struct layout	*l = b->lay;
	int			 ni = l->nitems[u->resp], gi, x;
	size_t			 i;

	a->n = 0;
	a->pos = 0;
	a->stmts = 0;
	for (i = 0; i < v->nitems; i++) {
		if ((x = vals[i]) < 0)
			continue;
		gi = b->items->map[u->def][u->resp][i];
		/*
		 * A schaal item and the rapportcijfer are different items
		 * (a slot is added once per response per item either way).
		 */
		if (gi >= 0 && a->n <= QUEST_MAX_ITEMS) {
			a->slot[a->n] = gi;
			a->x[a->n++] = x;
		}
		if ((int)i == v->rapportcijfer && a->n <= QUEST_MAX_ITEMS) {
			a->slot[a->n] = ni;
			a->x[a->n++] = x;
		}
		/*
		 * The share positive is over the statements (schaal items
		 * with a positive rule): 1 positive, 0 not, -1 no rule.
		 */
		if (v->items[i].type != QUEST_SCHAAL)
			continue;
		switch (quest_item_positive(&v->items[i], x)) {
		case 1:
			a->pos++;
			a->stmts++;
			break;
		case 0:
			a->stmts++;
			break;
		default:
			break;
		}
	}
}

/*
 * sums: whether to add the sums and statement counts too; a quarter's or
 * a year's cell has them added up from its months' (derive_sums).
 */
static void
acc_tev(const struct build *b, const struct ind_cref *r, const struct u_tev *u,
    const struct tev_add *a, uint32_t rk, int sums)
{
	const struct layout	*l = b->lay;
	int			 ni = l->nitems[u->resp];
	int			 s0 = l->sub0[u->resp], m0 = l->sum0[u->resp];
	int			 n0 = l->num0[u->resp], j;
	struct cnt_x		*xs = XR_SUB(r->x, l->ncat, s0);
	double			*sum;
	int64_t			*num;

	cnt_add(r->x, u->client, rk);
	cnt_add(XR_CAT(r->x, u->resp), u->client, rk);
	for (j = 0; j < a->n; j++)
		cnt_add(&xs[a->slot[j]], u->client, rk);
	if (!sums)
		return;
	sum = C_SUM(b, r->c) + m0;
	num = C_NUM(b, r->c) + n0;
	/* num[slot]: its answers, the sub-count's units (cell_final) */
	for (j = 0; j < a->n; j++)
		sum[a->slot[j]] += a->x[j];
	num[ni + 1] += a->pos;
	num[ni + 2] += a->stmts;
}

/*
 * The common head of the unit structs: *month the unit's month, *tmask
 * the period types it counts in (a doelrealisatie unit only in those
 * where it is the trajectory's last measurement).
 */
static void
unit_head(enum ind_kind k, const void *u, uint32_t *client, int *agb,
    int *gem, int *month, unsigned *tmask)
{
	*tmask = (1u << IND__NPERIODS) - 1;
	if (k == IND_DOELREALISATIE) {
		const struct u_doel *d = u;

		*client = d->client;
		*agb = d->agb;
		*gem = d->gem;
		*month = d->period;
		*tmask = d->tmask;
	} else if (k == IND_UITVAL) {
		const struct u_uit *d = u;

		*client = d->client;
		*agb = d->agb;
		*gem = d->gem;
		*month = d->period;
	} else if (k == IND_AANLEVERING) {
		const struct u_uit *d = u;

		*client = d->client;
		*agb = d->agb;
		*gem = d->gem;
		*month = d->period;
	} else {
		const struct u_tev *d = u;

		*client = d->client;
		*agb = d->agb;
		*gem = d->gem;
		*month = d->period;
	}
}

static size_t
unit_size(enum ind_kind k)
{
	return k == IND_DOELREALISATIE ? sizeof(struct u_doel) :
	    k == IND_UITVAL ? sizeof(struct u_uit) :
	    k == IND_AANLEVERING ? sizeof(struct u_uit) :
	    sizeof(struct u_tev);
}

static uint32_t
unit_bd(enum ind_kind k, const void *u)
{
	return k == IND_DOELREALISATIE ? ((const struct u_doel *)u)->bd :
	    k == IND_UITVAL ? ((const struct u_uit *)u)->bd :
	    k == IND_AANLEVERING ? ((const struct u_uit *)u)->bd :
	    ((const struct u_tev *)u)->bd;
}

static void
acc_unit(const struct build *b, const struct ind_cref *r, const void *u,
    const struct tev_add *ta, uint32_t rk, int sums)
{
	if (b->kind == IND_DOELREALISATIE)
		acc_doel(b, r, u, rk);
	else if (b->kind == IND_UITVAL)
		acc_uit(r, u, rk);
	else if (b->kind == IND_AANLEVERING)
		acc_aan(r, u, rk);
	else
		acc_tev(b, r, u, ta, rk, sums);
}

/*
 * The kind's units by year, stable: off[y] .. off[y + 1] in ix are year
 * y's, in the units' own (client) order. Returns 0 or -1.
 */
static int
year_order(const struct ind_snapshot *s, enum ind_kind k, size_t **offp,
    uint32_t **ixp)
{
	const char	*src = s->ubase[k];
	size_t		 sz = unit_size(k), i, nb = s->nbase[k], *off, po;
	uint32_t	*ix;
	uint16_t	 pm;
	int		 y;

	po = k == IND_DOELREALISATIE ? offsetof(struct u_doel, period) :
	    k == IND_UITVAL ? offsetof(struct u_uit, period) :
	    k == IND_AANLEVERING ? offsetof(struct u_uit, period) :
	    offsetof(struct u_tev, period);

	off = calloc(IND_YEARS + 1, sizeof(*off));
	ix = malloc(nb ? nb * sizeof(*ix) : 1);
	if (off == NULL || ix == NULL) {
		free(off);
		free(ix);
		return -1;
	}
	for (i = 0; i < nb; i++) {
		memcpy(&pm, src + i * sz + po, 2);
		off[pm / 12 + 1]++;
	}
	for (y = 0; y < IND_YEARS; y++)
		off[y + 1] += off[y];
	for (i = 0; i < nb; i++) {
		memcpy(&pm, src + i * sz + po, 2);
		ix[off[pm / 12]++] = (uint32_t)i;
	}
	for (y = IND_YEARS; y > 0; y--)
		off[y] = off[y - 1];
	off[0] = 0;
	*offp = off;
	*ixp = ix;
	return 0;
}

/*
 * The cells a unit adds to, into out: for each period type in tmask, in
 * order, six: (its aanbieder, all) x (its gemeente, its cluster, the
 * regio), less its aanbieder's where "publicatie" has none. Returns how
 * many, or -1 out of memory; ends[tt]: how many after type tt's.
 */
static int
unit_cells(struct cmap *m, unsigned tmask, int month, const int agbs[2],
    const int geos[3], struct ind_cref *out, int ends[IND__NPERIODS])
{
	struct ind_cref	 all;
	size_t		 at[2][3];
	int		 ai, gi, tt, created, period, ys, n = 0;

	for (ai = 0; ai < 2; ai++)
		for (gi = 0; gi < 3; gi++)
			if (cmap_block(m, agbs[ai], geos[gi], &at[ai][gi]) ==
			    -1)
				return -1;
	for (tt = 0; tt < IND__NPERIODS; tt++) {
		if (!(tmask >> tt & 1)) {
			ends[tt] = n;
			continue;
		}
		period = tt == IND_MONTH ? month : tt == IND_QUARTER ?
		    month / 3 : month / 12;
		ys = tt == IND_MONTH ? month % 12 : tt == IND_QUARTER ?
		    12 + month % 12 / 3 : 16;
		for (ai = 0; ai < 2; ai++) {
			for (gi = 0; gi < 3; gi++) {
				if (ai == 0 && tt < m->pub[gi]) {
					struct ind_cref	*bp = &m->blk[at[0][gi] +
					    (size_t)ys];

					if (bp->c != NULL)
						continue;
					bp->c = &unpublished;
					if (cmap_cell(m, at[1][gi] +
					    (size_t)ys, agbs[1], geos[gi], tt,
					    period, &all, &created) == -1)
						return -1;
					all.c->naanbieders++;
					continue;
				}
				if (cmap_cell(m, at[ai][gi] + (size_t)ys,
				    agbs[ai], geos[gi], tt, period, &out[n],
				    &created) == -1)
					return -1;
				if (created && ai == 0) {
					if (cmap_cell(m, at[1][gi] +
					    (size_t)ys, agbs[1], geos[gi], tt,
					    period, &all, &created) == -1)
						return -1;
					all.c->naanbieders++;
				}
				n++;
			}
		}
		ends[tt] = n;
	}
	return n;
}

/* How far ahead uchunk_fill fetches. */
#define PF_UNITS	16

/* The number of answers of a response (snap->vals). */
static size_t
tev_nvals(const struct build *b, const struct u_tev *u)
{
	return b->qs->defs[u->def].variant[u->resp].nitems;
}

/*
 * The units are taken in chunks of UCHUNK, gathered first into a buffer
 * of their own in the order they are added (and a response's answers
 * into another): a year's units are one in several of the unit array,
 * in client order, the answers in the order they came, and in a loop of
 * their own the reads overlap where the pass over the cells would wait
 * for each.
 */
#define UCHUNK		4096

struct uchunk {
	char		*u;		/* UCHUNK units */
	signed char	*v;		/* their answers */
	size_t		 capv;
};

/* Units ix[i0] to ix[i1] (at most UCHUNK) into ch; 0 or -1. */
static int
uchunk_fill(const struct build *b, const uint32_t *ix, size_t i0,
    size_t i1, struct uchunk *ch)
{
	const char		*base = b->s->ubase[b->kind];
	const struct u_tev	*t = b->s->ubase[b->kind], *u;
	size_t			 sz = unit_size(b->kind), i, n = 0, k;

	for (i = i0; i < i1; i++) {
		if (i + PF_UNITS < i1)
			__builtin_prefetch(base + (size_t)ix[i + PF_UNITS] *
			    sz);
		memcpy(ch->u + (i - i0) * sz, base + (size_t)ix[i] * sz, sz);
	}
	if (b->kind != IND_TEVREDENHEID)
		return 0;
	for (i = i0; i < i1; i++)
		n += tev_nvals(b, &t[ix[i]]);
	if (util_grow((void **)&ch->v, &ch->capv, n ? n : 1, 1) == -1)
		return -1;
	n = 0;
	for (i = i0; i < i1; i++) {
		if (i + PF_UNITS < i1)
			__builtin_prefetch(b->s->vals +
			    t[ix[i + PF_UNITS]].voff);
		u = &t[ix[i]];
		k = tev_nvals(b, u);
		memcpy(ch->v + n, b->s->vals + u->voff, k);
		n += k;
	}
	return 0;
}

/* Adds the nu units of year y gathered in ch; 0 or -1. */
static int
add_chunk(struct build *b, struct cmap *m, struct ind_bdacc *bd, int y,
    const struct uchunk *ch, size_t nu)
{
	const struct config	*cfg = b->cfg;
	size_t			 sz = unit_size(b->kind), i;
	uint32_t		 client, rk;
	int			 agbs[2], geos[3], month, n, j, d0, d1;
	int			 ends[IND__NPERIODS];
	unsigned		 tmask;
	struct ind_cref		 cells[3 * 6 + IND_BD_CELLS];
	const char		*u;
	struct tev_add		 ta;
	const signed char	*vp = ch->v;

	agbs[1] = (int)b->s->nagbs;		/* all aanbieders */
	memset(&ta, 0, sizeof(ta));
	for (i = 0; i < nu; i++) {
		u = ch->u + i * sz;
		unit_head(b->kind, u, &client, &agbs[0], &geos[0], &month,
		    &tmask);
		rk = b->s->rkeys != NULL ? b->s->rkeys[client] : 0;
		geos[1] = IND_GEO_CLUSTER(b->s,
		    (int)cfg->ref.gemeenten[geos[0]].cluster);
		geos[2] = IND_GEO_REGIO(b->s);
		if (b->kind == IND_TEVREDENHEID) {
			tev_prepare(b, (const void *)u, vp, &ta);
			vp += tev_nvals(b, (const void *)u);
		}
		if ((n = unit_cells(m, tmask, month, agbs, geos, cells,
		    ends)) == -1)
			return -1;
		/* cells [d0, d1): no sums (tevredenheid's quarters, years) */
		d0 = d1 = ends[IND_MONTH];
		if (b->kind == IND_TEVREDENHEID)
			d1 = n;
		if (bd != NULL && (tmask >> IND_YEAR & 1)) {
			if ((j = ind_bd_cells(bd, y, geos[0],
			    unit_bd(b->kind, u), cells + n)) == -1)
				return -1;
			n += j;
		}
		for (j = 0; j < n; j++)
			acc_unit(b, &cells[j], u, &ta, rk, j < d0 || j >= d1);
	}
	return 0;
}

/*
 * Adds every unit of the kind to its cells of every period type, and to
 * its breakdown cells (bd: per year, units of the year; NULL: none).
 * Tevredenheid's quarter and year cells get their counts of units and
 * clients here, their sums and statement counts from their months'
 * afterwards (derive_sums): those are sums of whole numbers, the same
 * whatever the order they are added in.
 */
static int
accumulate(struct build *b, struct cmap *m, struct ind_bdacc *bd)
{
	size_t		 i0, i1, *off = NULL;
	uint32_t	*ix = NULL;
	struct uchunk	 ch;
	int		 y, rc = -1;

	memset(&ch, 0, sizeof(ch));
	if (year_order(b->s, b->kind, &off, &ix) == -1)
		return -1;
	if ((ch.u = malloc(UCHUNK * unit_size(b->kind))) == NULL)
		goto out;
	for (y = 0; y < IND_YEARS; y++) {
		cmap_year(m, y);
		for (i0 = off[y]; i0 < off[y + 1]; i0 = i1) {
			i1 = off[y + 1] - i0 > UCHUNK ? i0 + UCHUNK :
			    off[y + 1];
			if (uchunk_fill(b, ix, i0, i1, &ch) == -1 ||
			    add_chunk(b, m, bd, y, &ch, i1 - i0) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	free(ch.u);
	free(ch.v);
	free(off);
	free(ix);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The cube, sorted for lookups: (geo, period, agb), all aanbieders last */

static int
cmp_cell(const void *a, const void *b)
{
	const struct cell	*x = *(struct cell *const *)a;
	const struct cell	*y = *(struct cell *const *)b;

	if (x->geo != y->geo)
		return x->geo < y->geo ? -1 : 1;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return (x->agb > y->agb) - (x->agb < y->agb);
}

/*
 * The cells sorted as cmp_cell sorts them, by their key (geo, period,
 * agb) as one number below 2^32 in a radix sort, two passes of 16 bits
 * over (key, index) pairs. The keys are distinct (a cell per key), so
 * the order is qsort's to the cell. Where a key does not fit, or out of
 * memory, qsort.
 */
#define SORT_DIGIT	16

static void
sort_cells(struct cell **cells, size_t n, int ngeo, int nagb)
{
	const uint64_t	 np = IND_YEARS * 12;
	uint64_t	*a = NULL, *b = NULL, *tmp, key;
	size_t		*cnt = NULL, i, d, sum, x;
	const struct cell *c;
	int		 pass;

	if (n < 2)
		return;
	if (ngeo <= 0 || nagb <= 0 || n > UINT32_MAX ||
	    (uint64_t)ngeo * np * (uint64_t)nagb > UINT32_MAX ||
	    (a = malloc(n * sizeof(*a))) == NULL ||
	    (b = malloc(n * sizeof(*b))) == NULL ||
	    (cnt = calloc((size_t)1 << SORT_DIGIT, sizeof(*cnt))) == NULL)
		goto fallback;
	for (i = 0; i < n; i++) {
		c = cells[i];
		if (c->geo < 0 || c->geo >= ngeo || c->period < 0 ||
		    (uint64_t)c->period >= np || c->agb < 0 || c->agb >= nagb)
			goto fallback;
		key = ((uint64_t)c->geo * np + (uint64_t)c->period) *
		    (uint64_t)nagb + (uint64_t)c->agb;
		a[i] = key << 32 | i;
	}
	for (pass = 0; pass < 2; pass++) {
		int	sh = 32 + pass * SORT_DIGIT;

		memset(cnt, 0, ((size_t)1 << SORT_DIGIT) * sizeof(*cnt));
		for (i = 0; i < n; i++)
			cnt[a[i] >> sh & 0xffff]++;
		for (d = 0, sum = 0; d < (size_t)1 << SORT_DIGIT; d++) {
			x = cnt[d];
			cnt[d] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			b[cnt[a[i] >> sh & 0xffff]++] = a[i];
		tmp = a;		/* sorted so far: a */
		a = b;
		b = tmp;
	}
	for (i = 0; i < n; i++)
		b[i] = (uint64_t)(uintptr_t)cells[a[i] & 0xffffffffu];
	for (i = 0; i < n; i++)
		cells[i] = (struct cell *)(uintptr_t)b[i];
	free(a);
	free(b);
	free(cnt);
	return;
fallback:
	free(a);
	free(b);
	free(cnt);
	util_sort(cells, n, sizeof(*cells), cmp_cell);
}

/* Index of the first cell at or after (geo, period, agb). */
static size_t
lower(const struct ind_cube *cb, int geo, int period, int agb)
{
	size_t	lo = 0, hi = cb->n;

	while (lo < hi) {
		size_t			 mid = lo + (hi - lo) / 2;
		const struct cell	*c = cb->cells[mid];

		if (c->geo < geo || (c->geo == geo && (c->period < period ||
		    (c->period == period && c->agb < agb))))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct cell *
ind_cube_find(const struct ind_cube *cb, int agb, int geo, int period)
{
	size_t	i = lower(cb, geo, period, agb);

	if (i < cb->n && cb->cells[i]->geo == geo &&
	    cb->cells[i]->period == period && cb->cells[i]->agb == agb)
		return cb->cells[i];
	return NULL;
}

size_t
ind_cube_range(const struct ind_cube *cb, int geo, int period,
    struct cell *const **first)
{
	size_t	i = lower(cb, geo, period, 0), j;

	for (j = i; j < cb->n && cb->cells[j]->geo == geo &&
	    cb->cells[j]->period == period; j++)
		;
	*first = cb->cells + i;
	return j - i;
}

void
ind_cube_free(struct ind_cube *cb)
{
	ind_slab_free(&cb->mem);
	free(cb->cells);
	memset(cb, 0, sizeof(*cb));
}

/* ------------------------------------------------------------------ */
/* Disclosure control over the whole cube */

int	ind_dc_keep;

int
ind_window_closed(int period, enum ind_period t, int today, int window)
{
	return today > date_add_months(ind_period_last_day(period, t), window);
}

/*
 * The items of one cell: its total and its categories, linked so that a
 * suppressed total hides every category, and related so that no category
 * follows from the total minus the others. clients, when not NULL, gives
 * the clients each item stands for ([0] the total, [1 + i] category i)
 * where that differs from the cell's own count (a vergelijking).
 */
void
ind_dc_cell(struct dc_table *t, enum ind_kind kind, const struct layout *l,
    struct cell *c, int closed, const int64_t *clients)
{
	int64_t		units;
	uint32_t	it;
	int		i;

	c->it_tot = dc_item(t, c->tot.units, clients ? clients[0] :
	    c->tot.clients);
	c->it_cat = (uint32_t)t->nitems;
	for (i = 0; i < l->ncat; i++) {
		units = c->cat[i].units;
		if (kind == IND_UITVAL && i >= IND_NREDEN && !closed)
			units = 0;	/* herinstroom not published yet */
		it = dc_item(t, c->cat[i].units, clients ? clients[1 + i] :
		    c->cat[i].clients);
		if (units != c->cat[i].units)
			dc_unpublished(t, it);
		dc_link(t, c->it_tot, it);
		if (kind == IND_DOELREALISATIE &&
		    (i == D_PA0 || i == D_ZH_NIET))
			dc_hidden(t, it);
		/* Neither GAS nor opt-out, and no response: never printed. */
		if (kind == IND_AANLEVERING && (i == A_NONE || i == A_NOCEM))
			dc_hidden(t, it);
	}
	switch (kind) {
	case IND_DOELREALISATIE:
		dc_group(t, c->it_tot);
		for (i = D_PA0; i <= D_PA3; i++)
			dc_member(t, c->it_cat + (uint32_t)i);
		dc_group(t, c->it_tot);
		dc_member(t, c->it_cat + D_ZH_JA);
		dc_member(t, c->it_cat + D_ZH_NIET);
		break;
	case IND_UITVAL:
		dc_group(t, c->it_tot);
		for (i = 0; i < IND_NREDEN; i++)
			dc_member(t, c->it_cat + (uint32_t)i);
		/* Herinstroom splits the volgens-plan (31) ends. */
		dc_link(t, c->it_cat + 1, c->it_cat + U_HER_NEW);
		dc_link(t, c->it_cat + 1, c->it_cat + U_HER_NONE);
		dc_group(t, c->it_cat + 1);
		dc_member(t, c->it_cat + U_HER_NEW);
		dc_member(t, c->it_cat + U_HER_NONE);
		break;
	case IND_AANLEVERING:
		dc_group(t, c->it_tot);
		for (i = A_GAS; i <= A_NONE; i++)
			dc_member(t, c->it_cat + (uint32_t)i);
		dc_group(t, c->it_tot);
		dc_member(t, c->it_cat + A_CEM);
		dc_member(t, c->it_cat + A_NOCEM);
		break;
	default:
		dc_group(t, c->it_tot);
		for (i = 0; i < l->ncat; i++)
			dc_member(t, c->it_cat + (uint32_t)i);
		break;
	}
}

/*
 * One relation, parts adding up to total, for the totals and categories;
 * le: the parts may share units (dc_group_le).
 */
static void
relate(struct dc_table *t, const struct layout *l, const struct cell *total,
    const struct cell *const *parts, size_t n, int le)
{
	size_t	i;
	int	k;

	if (n == 0)
		return;
	(le ? dc_group_le : dc_group)(t, total->it_tot);
	for (i = 0; i < n; i++)
		dc_member(t, parts[i]->it_tot);
	for (k = 0; k < l->ncat; k++) {
		(le ? dc_group_le : dc_group)(t, total->it_cat + (uint32_t)k);
		for (i = 0; i < n; i++)
			dc_member(t, parts[i]->it_cat + (uint32_t)k);
	}
}

/*
 * A walk over the cells of one (geo, period) of a cube in aanbieder
 * order: cur_at finds an aanbieder's cell from where the last call
 * stopped, so calls come in ascending agb. A cube's relations are made
 * in its own order, so a walk per part replaces a search per part.
 */
struct cur {
	struct cell *const	*c;
	size_t			 i, n;
	int			 geo, period;
};

static void
cur_init(struct cur *k, const struct ind_cube *cb, int geo, int period)
{
	k->c = cb->cells;
	k->n = cb->n;
	k->i = lower(cb, geo, period, 0);
	k->geo = geo;
	k->period = period;
}

/* The cell of aanbieder agb at the walk's (geo, period), or NULL. */
static const struct cell *
cur_at(struct cur *k, int agb)
{
	const struct cell	*p;

	for (; k->i < k->n; k->i++) {
		p = k->c[k->i];
		if (p->geo != k->geo || p->period != k->period)
			return NULL;
		if (p->agb >= agb)
			return p->agb == agb ? p : NULL;
	}
	return NULL;
}

/*
 * The gemeenten of each cluster index below nclu, ascending: those of
 * cluster cl are gl[off[cl]] to gl[off[cl + 1]]. 0, or -1 out of memory.
 */
int
ind_cluster_gemeenten(const struct config *cfg, size_t nclu, size_t **offp,
    int **glp)
{
	size_t	ngem = cfg->ref.ngemeenten, g, cl, *off;
	int	*gl;

	off = calloc(nclu + 2, sizeof(*off));
	gl = malloc((ngem ? ngem : 1) * sizeof(*gl));
	if (off == NULL || gl == NULL) {
		free(off);
		free(gl);
		return -1;
	}
	for (g = 0; g < ngem; g++)
		if ((cl = cfg->ref.gemeenten[g].cluster) < nclu)
			off[cl + 2]++;
	for (cl = 0; cl < nclu; cl++)
		off[cl + 2] += off[cl + 1];
	for (g = 0; g < ngem; g++)
		if ((cl = cfg->ref.gemeenten[g].cluster) < nclu)
			gl[off[cl + 1]++] = (int)g;
	*offp = off;
	*glp = gl;
	return 0;
}

/* The most parts a cell of one period type has in the next finer one. */
#define FINE_MAX	12

/*
 * The relations of the cube; parts is scratch for up to nmax cells.
 * Per cell, in the cube's order: the aanbieders of a place add up to all
 * of them; the gemeenten of a cluster, the clusters of the regio, to it;
 * the months of a quarter, the quarters of a year, to it. The parts are
 * found by walks over the (geo, period) runs of the cells' own run
 * (struct cur). 0, or -1 out of memory.
 */
static int
relations(struct build *b, const struct cell **parts, size_t nmax)
{
	struct ind_snapshot	*s = b->s;
	struct dc_table		*t = &s->dc[IND_DC_KIND(b->kind)];
	const struct config	*cfg = b->cfg;
	const struct ind_cube	*cb, *fine;
	const struct cell	*c, *p, *q;
	struct cur		*cu, fc[FINE_MAX];
	size_t			 i, j, n, run = 0, nk = 0, nf = 0, *off;
	int			*gl;
	int			 tt, per, first, last, cl;

	if (ind_cluster_gemeenten(cfg, (size_t)s->nclu, &off, &gl) == -1)
		return -1;
	if ((cu = calloc(cfg->ref.ngemeenten + cfg->ref.nclusters + 1,
	    sizeof(*cu))) == NULL) {
		free(off);
		free(gl);
		return -1;
	}
	for (tt = 0; tt < IND__NPERIODS; tt++) {
		cb = &s->cube[b->kind][tt];
		fine = tt == IND_MONTH ? NULL : &s->cube[b->kind][tt - 1];
		for (i = 0; i < cb->n; i++) {
			c = cb->cells[i];
			q = i > 0 ? cb->cells[i - 1] : NULL;
			if (q == NULL || q->geo != c->geo ||
			    q->period != c->period) {
				/* A new (geo, period): its walks. */
				run = i;
				nk = 0;
				if (c->geo == IND_GEO_REGIO(s)) {
					for (cl = 0; cl <
					    (int)cfg->ref.nclusters; cl++)
						cur_init(&cu[nk++], cb,
						    IND_GEO_CLUSTER(s, cl),
						    c->period);
				} else if (c->geo >= IND_GEO_CLUSTER(s, 0)) {
					cl = c->geo - IND_GEO_CLUSTER(s, 0);
					for (j = off[cl]; j < off[cl + 1]; j++)
						cur_init(&cu[nk++], cb, gl[j],
						    c->period);
				}
				nf = 0;
				if (fine != NULL) {
					ind_period_months(c->period,
					    (enum ind_period)tt, &first,
					    &last);
					if (tt == IND_YEAR) {
						first /= 3;
						last /= 3;
					}
					for (per = first; per <= last &&
					    nf < FINE_MAX; per++)
						cur_init(&fc[nf++], fine,
						    c->geo, per);
				}
			}
			n = 0;
			/* The aanbieders of a place add up to all of them. */
			if (c->agb == (int)s->nagbs) {
				for (j = run; j < cb->n && n < nmax; j++) {
					p = cb->cells[j];
					if (p->geo != c->geo ||
					    p->period != c->period)
						break;
					if (p->agb != c->agb)
						parts[n++] = p;
				}
				relate(t, b->lay, c, parts, n, 0);
			}
			/* The gemeenten of a cluster, the clusters of the regio. */
			n = 0;
			if (c->geo >= IND_GEO_CLUSTER(s, 0)) {
				for (j = 0; j < nk; j++)
					if ((p = cur_at(&cu[j], c->agb)) !=
					    NULL && n < nmax)
						parts[n++] = p;
				relate(t, b->lay, c, parts, n, 0);
			}
			/* The months of a quarter, the quarters of a year. */
			if (tt == IND_MONTH)
				continue;
			n = 0;
			for (j = 0; j < nf; j++)
				if ((p = cur_at(&fc[j], c->agb)) != NULL &&
				    n < nmax)
					parts[n++] = p;
			/*
			 * A trajectory's latest measurement per period: one
			 * measured in two months counts once in the quarter.
			 */
			relate(t, b->lay, c, parts, n,
			    b->kind == IND_DOELREALISATIE);
		}
	}
	free(cu);
	free(off);
	free(gl);
	return 0;
}

/*
 * An aanlevering cell's total is the same count as the uitval cell with
 * its key (the same ended products): equal in the relations, and each
 * suppressed with the other.
 */
static void
same_total(struct dc_table *t, const struct ind_cube *uit, size_t *at,
    const struct cell *c)
{
	const struct cell	*u;

	/* c comes in the cubes' order: *at walks uitval's cells. */
	while (*at < uit->n && cmp_cell(&uit->cells[*at], &c) < 0)
		(*at)++;
	if (*at == uit->n || cmp_cell(&uit->cells[*at], &c) != 0)
		return;
	u = uit->cells[*at];
	dc_link(t, u->it_tot, c->it_tot);
	dc_link(t, c->it_tot, u->it_tot);
	dc_group(t, u->it_tot);
	dc_member(t, c->it_tot);
}

/* ------------------------------------------------------------------ */
/* The cell-key method: every published count perturbed in place */

/*
 * A perturbed count as a struct cnt holds it: never below 0 (ck_perturb)
 * and at most its count plus the deviation, far below 2^32 (struct cnt).
 */
static uint32_t
ck_count(int64_t v)
{
	return v <= 0 ? 0 : v >= UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* A count and its clients, each perturbed with the count's cell key. */
static void
ck_cnt(const struct ck_table *t, struct cnt *c, const struct cnt_x *x)
{
	c->units = ck_count(ck_perturb(t, c->units, x->ckey));
	c->clients = ck_count(ck_perturb(t, c->clients, x->ckey));
}

/*
 * Perturbs one cell (docs/indicators.md 9a). The totals and categories
 * are counts of units and clients, each with the key of the clients in
 * it; the goal and statement counts behind doelen_behaald_pct and
 * positief_pct with the key of the clients who gave them (the cell's,
 * the respondent type's). The sub-counts behind a mean keep their units
 * (the mean stays the mean of what was measured) and get their clients
 * perturbed, the count that decides whether the mean is shown
 * (ind_write.c). Sums of scores are not counts and stay as they are.
 */
static void
ck_cell(const struct ck_table *t, enum ind_kind kind, const struct layout *l,
    struct cell *c)
{
	int	i, r, n0;

	for (i = 0; i < l->nsub; i++)
		c->sub[i].clients = ck_count(ck_perturb(t, c->sub[i].clients,
		    X_SUB(c, l->ncat, i)->ckey));
	if (kind == IND_DOELREALISATIE) {
		c->num[0] = ck_perturb(t, c->num[0], c->x[0].ckey);
		c->num[1] = ck_perturb(t, c->num[1], c->x[0].ckey);
	} else if (kind == IND_TEVREDENHEID) {
		for (r = 0; r < QUEST__NRESPONDENTS; r++) {
			n0 = l->num0[r] + l->nitems[r];
			c->num[n0 + 1] = ck_perturb(t, c->num[n0 + 1],
			    X_CAT(c, r)->ckey);
			c->num[n0 + 2] = ck_perturb(t, c->num[n0 + 2],
			    X_CAT(c, r)->ckey);
		}
	}
	for (i = 0; i < l->ncat; i++)
		ck_cnt(t, &c->cat[i], X_CAT(c, i));
	ck_cnt(t, &c->tot, c->x);
}

/* ------------------------------------------------------------------ */
/* Hooks lent to the breakdowns (ind_breakdown.c) */

struct cell *
ind_cell_new(struct ind_slab *mem, struct ind_slab *xmem,
    const struct layout *l, int agb, int geo, int period)
{
	return cell_new(mem, xmem, l, agb, geo, period);
}

void
ind_cell_final(const struct layout *l, struct cell *c)
{
	cell_final(l, c);
}

void
ind_cell_relate(struct dc_table *t, const struct layout *l,
    const struct cell *total, const struct cell *const *parts, size_t n,
    int le)
{
	relate(t, l, total, parts, n, le);
}

void
ind_cell_ck(const struct ck_table *t, enum ind_kind kind,
    const struct layout *l, struct cell *c)
{
	ck_cell(t, kind, l, c);
}

/*
 * Tevredenheid's quarter and year cells: their sums and statement counts
 * are their months' added up (accumulate). A quarter or year cell has a
 * month cell with the same key for each month it has units in; they are
 * found by a walk per month over the months' cells (struct cur).
 */
static void
derive_sums(struct ind_snapshot *s, const struct layout *l)
{
	const struct ind_cube	*mc = &s->cube[IND_TEVREDENHEID][IND_MONTH];
	const struct ind_cube	*cb;
	const struct cell	*p, *q;
	struct cell		*c;
	struct cur		 mw[FINE_MAX];
	size_t			 i;
	int			 tt, first, last, mo, k, r, nw = 0, w;

	for (tt = IND_QUARTER; tt <= IND_YEAR; tt++) {
		cb = &s->cube[IND_TEVREDENHEID][tt];
		for (i = 0; i < cb->n; i++) {
			c = cb->cells[i];
			q = i > 0 ? cb->cells[i - 1] : NULL;
			if (q == NULL || q->geo != c->geo ||
			    q->period != c->period) {
				ind_period_months(c->period,
				    (enum ind_period)tt, &first, &last);
				nw = 0;
				for (mo = first; mo <= last && nw < FINE_MAX;
				    mo++)
					cur_init(&mw[nw++], mc, c->geo, mo);
			}
			for (w = 0; w < nw; w++) {
				if ((p = cur_at(&mw[w], c->agb)) == NULL)
					continue;
				for (k = 0; k < l->nsum; k++)
					c->sum[k] += p->sum[k];
				/* The answers per item: cell_final. */
				for (r = 0; r < QUEST__NRESPONDENTS; r++) {
					k = l->num0[r] + l->nitems[r] + 1;
					c->num[k] += p->num[k];
					c->num[k + 1] += p->num[k + 1];
				}
			}
		}
	}
}

/* The cells of kind k no longer have their cnt_x. */
static void
drop_x(struct ind_snapshot *s, enum ind_kind k)
{
	size_t	i;
	int	tt;

	for (tt = 0; tt < IND__NPERIODS; tt++)
		for (i = 0; i < s->cube[k][tt].n; i++)
			s->cube[k][tt].cells[i]->x = NULL;
	for (i = 0; i < s->bd[k].n; i++)
		s->bd[k].v[i].c->x = NULL;
}

/*
 * The cells of one kind, from its units, and its suppression pattern;
 * kinds come in enum order (aanlevering decides uitval's pattern).
 */
int
ind_cube_build(struct ind_snapshot *s, const struct config *cfg,
    const struct quest_set *qs, const struct ind_items *items, long long k,
    int window, int today, const struct ck_table *ckt, enum ind_kind kind,
    uint64_t *ns_cells)
{
	struct build		 b;
	struct cmap		 m;
	struct ind_bdacc	*bd = NULL;
	struct dc_table		*t;
	struct ind_slab		 xmem;
	const struct cell	**parts;
	size_t			 i, nmax;
	int			 tt, other, cl;
	uint64_t		 t1;

	memset(&b, 0, sizeof(b));
	memset(&xmem, 0, sizeof(xmem));
	b.s = s;
	b.cfg = cfg;
	b.qs = qs;
	b.items = items;
	b.k = k;
	b.window = window;
	b.today = today;
	nmax = s->nagbs + cfg->ref.ngemeenten + cfg->ref.nclusters + 16;
	if ((parts = calloc(nmax, sizeof(*parts))) == NULL)
		return -1;
	b.kind = kind;
	/* The counts of a cell hold 32 bits (struct cnt). */
	if (s->nbase[kind] > IND_MAX_UNITS) {
		log_error("indicators: %zu %s units, more than a snapshot "
		    "counts (%zu)", s->nbase[kind], ind_kind_name(kind),
		    IND_MAX_UNITS);
		free(parts);
		return -1;
	}
	ind_layout_init(&s->lay[kind], b.kind, items);
	b.lay = &s->lay[kind];
	b.off_sum = sizeof(struct cell) + ((size_t)b.lay->ncat +
	    (size_t)b.lay->nsub) * sizeof(struct cnt);
	b.off_num = b.off_sum + (size_t)b.lay->nsum * sizeof(double);
	dc_init(&s->dc[kind]);
	t = &s->dc[IND_DC_KIND(kind)];
	t1 = util_now_ns();
	/*
	 * The cells go to the cubes' slabs at once (ind_snapshot_free frees
	 * them however far this gets), their cnt_x to xmem.
	 */
	if (cmap_init(&m, b.lay, s->nagbs, IND_GEO_REGIO(s) + 1,
	    s->cube[kind], &xmem, cfg->pub_aanbieder) == -1 ||
	    (bd = ind_bd_begin(s, cfg, b.lay, &xmem)) == NULL ||
	    accumulate(&b, &m, bd) == -1 || m.oom) {
		ind_bd_abort(bd);
		for (tt = 0; tt < IND__NPERIODS; tt++)
			free(m.cells[tt]);
		cmap_done(&m);
		ind_slab_free(&xmem);
		free(parts);
		return -1;
	}
	cmap_done(&m);
	/*
	 * Nothing reads the units after this pass: freed now rather than
	 * after the disclosure run (kinds_thread's units_free_kind finds
	 * them gone), which lowers the build's peak by their size.
	 */
	other = kind == IND_UITVAL ? IND_AANLEVERING :
	    kind == IND_AANLEVERING ? IND_UITVAL : -1;
	/* Uitval and aanlevering share one array: the later one frees it. */
	if (other < 0 || s->ubase[other] != s->ubase[kind])
		free(s->ubase[kind]);
	s->ubase[kind] = NULL;
	s->nbase[kind] = 0;
	/* The answers of the responses, read by tevredenheid's units only. */
	if (kind == IND_TEVREDENHEID) {
		free(s->vals);
		s->vals = NULL;
		s->nvals = 0;
	}
	for (tt = 0; tt < IND__NPERIODS; tt++) {
		sort_cells(m.cells[tt], m.n[tt], IND_GEO_REGIO(s) + 1,
		    (int)s->nagbs + 1);
		s->cube[kind][tt].cells = m.cells[tt];
		s->cube[kind][tt].n = m.n[tt];
	}
	for (tt = 0; tt < IND__NPERIODS; tt++)
		for (i = 0; i < s->cube[kind][tt].n; i++)
			cell_final(b.lay, s->cube[kind][tt].cells[i]);
	if (kind == IND_TEVREDENHEID)
		derive_sums(s, b.lay);
	*ns_cells += util_now_ns() - t1;
	for (tt = 0; tt < IND__NPERIODS; tt++) {
		struct cell *const *cs = s->cube[kind][tt].cells;
		size_t n = s->cube[kind][tt].n, ua = 0;
		signed char closed[IND_YEARS * 12];

		/* Whether a period's window closed: -1 not asked yet. */
		memset(closed, -1, sizeof(closed));
		for (i = 0; ckt != NULL && i < n; i++)
			ck_cell(ckt, b.kind, b.lay, cs[i]);
		for (i = 0; ckt == NULL && i < n; i++) {
			if (kind != IND_UITVAL)
				cl = 1;
			else if (cs[i]->period < 0 || cs[i]->period >=
			    IND_YEARS * 12)
				cl = ind_window_closed(cs[i]->period,
				    (enum ind_period)tt, today, window);
			else if ((cl = closed[cs[i]->period]) < 0)
				cl = closed[cs[i]->period] = (signed char)
				    ind_window_closed(cs[i]->period,
				    (enum ind_period)tt, today, window);
			ind_dc_cell(t, b.kind, b.lay, cs[i], cl, NULL);
			/* The history is shared by the kinds' threads. */
			pthread_mutex_lock(&s->dch_mu);
			dch_apply(s->dch, t, s, cfg, b.kind,
			    (enum ind_period)tt, cs[i], b.lay->ncat);
			pthread_mutex_unlock(&s->dch_mu);
			if (kind == IND_AANLEVERING)
				same_total(t, &s->cube[IND_UITVAL][tt], &ua,
				    cs[i]);
		}
	}
	/* The uitsplitsingen (ind_breakdown.c): the same table, before dc_run. */
	if (ind_bd_build(s, cfg, b.kind, b.lay, window, today, ckt, bd) ==
	    -1) {
		ind_slab_free(&xmem);
		drop_x(s, kind);
		free(parts);
		return -1;
	}
	/* The counts are final (perturbed or in the table): no more cnt_x. */
	ind_slab_free(&xmem);
	drop_x(s, kind);
	/* Perturbed: no suppression pattern. */
	if (ckt == NULL) {
		if (relations(&b, parts, nmax) == -1) {
			free(parts);
			return -1;
		}
		/* Uitval's pattern is decided with aanlevering's cells. */
		if (kind != IND_UITVAL) {
			if (dc_run(t, k) == -1) {
				free(parts);
				return -1;
			}
			dc_log(t, kind == IND_AANLEVERING ?
			    "uitval and aanlevering" : ind_kind_name(b.kind));
			/* Answers read the decisions only. */
			if (!ind_dc_keep)
				dc_compact(t);
		}
	}
	free(parts);
	return 0;
}

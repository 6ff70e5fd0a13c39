/*
 * The attack model's variables and relations, and the exact solve: bound
 * propagation first (cheap, and it already pins what a chain of
 * subtractions pins), then per connected component one GLPK LP whose
 * objective is switched from withheld count to withheld count, so each
 * simplex run starts from the previous optimal basis.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glpk.h>

#include "attack.h"

#define ATK_INF		1e15	/* no upper bound */
#define ATK_BIG		1e14	/* at or above this, a bound is infinite */
#define ATK_EPS		1e-6	/* LP results are rounded to integers */
#define ATK_PROP_PASSES	8	/* row visits per row in propagation */

uint64_t
atk_key(int kind, unsigned agb, int geo, int pt, int period, int cat)
{
	return ((uint64_t)(unsigned)kind << 44) | ((uint64_t)(agb & 0xffffu) << 28) |
	    ((uint64_t)((unsigned)geo & 0xffu) << 20) |
	    ((uint64_t)((unsigned)pt & 3u) << 18) |
	    ((uint64_t)((unsigned)period & 0xfffu) << 6) |
	    (uint64_t)((unsigned)cat & 0x3fu);
}

void
atk_key_split(uint64_t k, int *kind, unsigned *agb, int *geo, int *pt,
    int *period, int *cat)
{
	*kind = (int)(k >> 44);
	*agb = (unsigned)((k >> 28) & 0xffffu);
	*geo = (int)((k >> 20) & 0xffu);
	*pt = (int)((k >> 18) & 3u);
	*period = (int)((k >> 6) & 0xfffu);
	*cat = (int)(k & 0x3fu);
}

void
atk_key_format(const struct config *cfg, const unsigned *agbs, uint64_t key,
    char *buf, size_t len)
{
	static const char *const kinds[] = { "doelrealisatie", "tevredenheid",
	    "uitval" };
	char		 a[16], g[80], p[16];
	unsigned	 agb;
	int		 kind, geo, pt, per, cat;

	atk_key_split(key, &kind, &agb, &geo, &pt, &per, &cat);
	if (agb == ATK_ALL)
		snprintf(a, sizeof(a), "all");
	else
		snprintf(a, sizeof(a), "%08u", agbs[agb]);
	if (geo == ATK_GEO_REGIO)
		snprintf(g, sizeof(g), "regio");
	else if (geo >= ATK_GEO_CLUSTER(0))
		snprintf(g, sizeof(g), "%s",
		    cfg->ref.clusters[geo - ATK_GEO_CLUSTER(0)].name);
	else
		snprintf(g, sizeof(g), "%s", cfg->ref.gemeenten[geo].code);
	if (pt == 0)
		snprintf(p, sizeof(p), "%d-%02d", 2000 + per / 12, per % 12 + 1);
	else if (pt == 1)
		snprintf(p, sizeof(p), "%d-Q%d", 2000 + per / 4, per % 4 + 1);
	else
		snprintf(p, sizeof(p), "%d", 2000 + per);
	snprintf(buf, len, "%s %s %s %s cat %d", kinds[kind % 3], a, g, p, cat);
}

int
atk_model_init(struct atk_model *m, const struct config *cfg, long long k)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->k = k;
	memset(m->closed, 0xff, sizeof(m->closed));
	m->nslot = 1 << 16;
	if ((m->slot = calloc(m->nslot, sizeof(*m->slot))) == NULL)
		return -1;
	return 0;
}

void
atk_model_free(struct atk_model *m)
{
	free(m->v);
	free(m->slot);
	free(m->rows);
	free(m->idx);
	free(m->coef);
	free(m->tkey);
	free(m->tval);
	memset(m, 0, sizeof(*m));
}

unsigned
atk_agb_index(struct atk_model *m, unsigned agb)
{
	size_t	i;

	for (i = 0; i < m->nagbs; i++)
		if (m->agbs[i] == agb)
			return (unsigned)i;
	if (m->nagbs == ATK_AGB_MAX) {
		m->oom = 1;
		return 0;
	}
	m->agbs[m->nagbs] = agb;
	return (unsigned)m->nagbs++;
}

static size_t
hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

size_t
atk_find(const struct atk_model *m, uint64_t key)
{
	size_t	h = hash64(key) & (m->nslot - 1);

	while (m->slot[h] != 0) {
		if (m->v[m->slot[h] - 1].key == key)
			return m->slot[h] - 1;
		h = (h + 1) & (m->nslot - 1);
	}
	return (size_t)-1;
}

static int
rehash(struct atk_model *m)
{
	size_t	 ns = m->nslot * 2, i, h;
	size_t	*sl;

	if ((sl = calloc(ns, sizeof(*sl))) == NULL)
		return -1;
	for (i = 0; i < m->nv; i++) {
		h = hash64(m->v[i].key) & (ns - 1);
		while (sl[h] != 0)
			h = (h + 1) & (ns - 1);
		sl[h] = i + 1;
	}
	free(m->slot);
	m->slot = sl;
	m->nslot = ns;
	return 0;
}

size_t
atk_var(struct atk_model *m, uint64_t key)
{
	struct atk_var	*nv;
	size_t		 i = atk_find(m, key), h, cap;

	if (i != (size_t)-1)
		return i;
	if (m->nv * 2 >= m->nslot && rehash(m) == -1)
		goto fail;
	if (m->nv == m->cap) {
		cap = m->cap ? m->cap * 2 : 4096;
		if ((nv = realloc(m->v, cap * sizeof(*nv))) == NULL)
			goto fail;
		m->v = nv;
		m->cap = cap;
	}
	memset(&m->v[m->nv], 0, sizeof(m->v[m->nv]));
	m->v[m->nv].key = key;
	m->v[m->nv].lo = 0;
	m->v[m->nv].hi = ATK_INF;
	h = hash64(key) & (m->nslot - 1);
	while (m->slot[h] != 0)
		h = (h + 1) & (m->nslot - 1);
	m->slot[h] = m->nv + 1;
	return m->nv++;
fail:
	/* Callers check oom before solving; index 0 keeps them in bounds. */
	m->oom = 1;
	return 0;
}

int
atk_truth_set(struct atk_model *m, uint64_t key, int64_t value)
{
	uint64_t	*nk;
	int64_t		*nv;
	size_t		 ns, i, h;

	if (m->ntruth * 2 >= m->ntslot) {
		ns = m->ntslot ? m->ntslot * 2 : 1 << 16;
		if ((nk = calloc(ns, sizeof(*nk))) == NULL ||
		    (nv = calloc(ns, sizeof(*nv))) == NULL) {
			free(nk);
			return -1;
		}
		for (i = 0; i < m->ntslot; i++) {
			if (m->tkey[i] == 0)
				continue;
			h = hash64(m->tkey[i]) & (ns - 1);
			while (nk[h] != 0)
				h = (h + 1) & (ns - 1);
			nk[h] = m->tkey[i];
			nv[h] = m->tval[i];
		}
		free(m->tkey);
		free(m->tval);
		m->tkey = nk;
		m->tval = nv;
		m->ntslot = ns;
	}
	/* Key 0 is never a real key's packing with the +1 below. */
	key++;
	h = hash64(key) & (m->ntslot - 1);
	while (m->tkey[h] != 0 && m->tkey[h] != key)
		h = (h + 1) & (m->ntslot - 1);
	if (m->tkey[h] == 0)
		m->ntruth++;
	m->tkey[h] = key;
	m->tval[h] = value;
	return 0;
}

int64_t
atk_truth_get(const struct atk_model *m, uint64_t key)
{
	size_t	h;

	if (m->ntslot == 0)
		return 0;
	key++;
	h = hash64(key) & (m->ntslot - 1);
	while (m->tkey[h] != 0) {
		if (m->tkey[h] == key)
			return m->tval[h];
		h = (h + 1) & (m->ntslot - 1);
	}
	return 0;
}

void
atk_bound(struct atk_model *m, size_t v, double lo, double hi)
{
	struct atk_var	*x = &m->v[v];

	if (m->nv == 0)
		return;
	if (lo > x->lo)
		x->lo = lo;
	if (hi < x->hi)
		x->hi = hi;
	if (x->lo > x->hi + ATK_EPS) {
		m->conflicts++;
		if (getenv("ATK_DEBUG") != NULL && m->conflicts < 10) {
			char key[160];

			atk_key_format(m->cfg, m->agbs, x->key, key,
			    sizeof(key));
			fprintf(stderr, "conflict %s: [%g, %g] and [%g, %g]\n",
			    key, x->lo, x->hi, lo, hi);
		}
	}
}

void
atk_row(struct atk_model *m, double lo, double hi)
{
	struct atk_row	*nr;
	size_t		 cap;

	if (m->nrows == m->rcap) {
		cap = m->rcap ? m->rcap * 2 : 4096;
		if ((nr = realloc(m->rows, cap * sizeof(*nr))) == NULL) {
			m->oom = 1;
			return;
		}
		m->rows = nr;
		m->rcap = cap;
	}
	m->rows[m->nrows].off = m->nidx;
	m->rows[m->nrows].n = 0;
	m->rows[m->nrows].lo = lo;
	m->rows[m->nrows].hi = hi;
	m->nrows++;
}

void
atk_row_add(struct atk_model *m, size_t v, double coef)
{
	uint32_t	*ni;
	double		*nc;
	size_t		 cap;

	if (m->nrows == 0 || m->oom)
		return;
	if (m->nidx == m->icap) {
		cap = m->icap ? m->icap * 2 : 16384;
		if ((ni = realloc(m->idx, cap * sizeof(*ni))) == NULL) {
			m->oom = 1;
			return;
		}
		m->idx = ni;
		if ((nc = realloc(m->coef, cap * sizeof(*nc))) == NULL) {
			m->oom = 1;
			return;
		}
		m->coef = nc;
		m->icap = cap;
	}
	m->idx[m->nidx] = (uint32_t)v;
	m->coef[m->nidx] = coef;
	m->nidx++;
	m->rows[m->nrows - 1].n++;
}

/* ------------------------------------------------------------------ */
/* Bound propagation over the rows, with integer rounding */

struct solver {
	struct atk_model *m;
	double		*lo, *hi;
	size_t		*roff;		/* var -> rows: rlist[roff[v]..roff[v+1]) */
	uint32_t	*rlist;
	size_t		*parent;	/* union-find over vars */
};

static int
build_adjacency(struct solver *s)
{
	struct atk_model *m = s->m;
	size_t		 r, j, *fill;

	if ((s->roff = calloc(m->nv + 1, sizeof(*s->roff))) == NULL ||
	    (s->rlist = calloc(m->nidx + 1, sizeof(*s->rlist))) == NULL ||
	    (fill = calloc(m->nv + 1, sizeof(*fill))) == NULL)
		return -1;
	for (j = 0; j < m->nidx; j++)
		s->roff[m->idx[j] + 1]++;
	for (j = 0; j < m->nv; j++)
		s->roff[j + 1] += s->roff[j];
	for (r = 0; r < m->nrows; r++)
		for (j = m->rows[r].off; j < m->rows[r].off + m->rows[r].n; j++)
			s->rlist[s->roff[m->idx[j]] + fill[m->idx[j]]++] =
			    (uint32_t)r;
	free(fill);
	return 0;
}

/* Tightens the members of row r; returns 1 when a bound moved. */
static int
propagate_row(struct solver *s, size_t r, size_t *bad)
{
	const struct atk_row *row = &s->m->rows[r];
	double		 smin = 0, smax = 0, mn, mx, c, rmin, rmax, a, b, xl, xh;
	size_t		 j, v;
	int		 ninfmax = 0, ninfmin = 0, moved = 0;

	for (j = row->off; j < row->off + row->n; j++) {
		v = s->m->idx[j];
		c = s->m->coef[j];
		if (c > 0) {
			smin += c * s->lo[v];
			if (s->hi[v] >= ATK_BIG)
				ninfmax++;
			else
				smax += c * s->hi[v];
		} else {
			smax += c * s->lo[v];
			if (s->hi[v] >= ATK_BIG)
				ninfmin++;
			else
				smin += c * s->hi[v];
		}
	}
	for (j = row->off; j < row->off + row->n; j++) {
		v = s->m->idx[j];
		c = s->m->coef[j];
		if (c > 0) {
			mn = c * s->lo[v];
			mx = s->hi[v] >= ATK_BIG ? ATK_INF : c * s->hi[v];
			rmin = ninfmin > 0 ? -ATK_INF : smin - mn;
			rmax = ninfmax - (s->hi[v] >= ATK_BIG) > 0 ? ATK_INF :
			    smax - (s->hi[v] >= ATK_BIG ? 0 : mx);
		} else {
			mn = s->hi[v] >= ATK_BIG ? -ATK_INF : c * s->hi[v];
			mx = c * s->lo[v];
			rmin = ninfmin - (s->hi[v] >= ATK_BIG) > 0 ? -ATK_INF :
			    smin - (s->hi[v] >= ATK_BIG ? 0 : mn);
			rmax = ninfmax > 0 ? ATK_INF : smax - mx;
		}
		/* c * x in [row.lo - rmax, row.hi - rmin] */
		a = row->lo <= -ATK_BIG || rmax >= ATK_BIG ? -ATK_INF :
		    row->lo - rmax;
		b = row->hi >= ATK_BIG || rmin <= -ATK_BIG ? ATK_INF :
		    row->hi - rmin;
		if (c > 0) {
			xl = a <= -ATK_BIG ? -ATK_INF : a / c;
			xh = b >= ATK_BIG ? ATK_INF : b / c;
		} else {
			xl = b >= ATK_BIG ? -ATK_INF : b / c;
			xh = a <= -ATK_BIG ? ATK_INF : a / c;
		}
		xl = ceil(xl - ATK_EPS);
		xh = xh >= ATK_BIG ? ATK_INF : floor(xh + ATK_EPS);
		if (xl > s->lo[v] + 0.5) {
			s->lo[v] = xl;
			moved = 1;
		}
		if (xh < s->hi[v] - 0.5) {
			s->hi[v] = xh;
			moved = 1;
		}
		if (s->lo[v] > s->hi[v] + 0.5) {
			/* The model contradicts itself: report, keep going. */
			(*bad)++;
			s->hi[v] = s->lo[v];
		}
	}
	return moved;
}

static int
propagate(struct solver *s, size_t *bad)
{
	struct atk_model *m = s->m;
	uint32_t	*queue;
	uint8_t		*inq;
	size_t		 head = 0, n, r, j, v, visits = 0, cap = m->nrows + 1;

	if ((queue = calloc(cap, sizeof(*queue))) == NULL ||
	    (inq = calloc(cap, 1)) == NULL) {
		free(queue);
		return -1;
	}
	for (r = 0; r < m->nrows; r++) {
		queue[r] = (uint32_t)r;
		inq[r] = 1;
	}
	n = m->nrows;
	/* A circular queue of rows whose members moved. */
	while (n > 0 && visits < ATK_PROP_PASSES * cap) {
		r = queue[head];
		head = (head + 1) % cap;
		n--;
		inq[r] = 0;
		visits++;
		if (!propagate_row(s, r, bad))
			continue;
		for (j = m->rows[r].off; j < m->rows[r].off + m->rows[r].n; j++) {
			v = m->idx[j];
			for (size_t q = s->roff[v]; q < s->roff[v + 1]; q++) {
				if (inq[s->rlist[q]])
					continue;
				inq[s->rlist[q]] = 1;
				queue[(head + n) % cap] = s->rlist[q];
				n++;
			}
		}
	}
	free(queue);
	free(inq);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Components and the LP */

static size_t
uf_find(size_t *p, size_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static int
is_fixed(const struct solver *s, size_t v)
{
	return s->hi[v] - s->lo[v] < 0.5;
}

static int
is_target(const struct atk_model *m, size_t v)
{
	int64_t	t = m->v[v].truth - m->v[v].shift;

	return m->v[v].withheld && t > 0 && t < m->k;
}

struct tally {
	struct atk_result *res;
	FILE		*out;
	int		 maxshow, shown;
	double		 deadline;	/* CLOCK_MONOTONIC seconds; 0: none */
};

static void
classify(struct atk_model *m, size_t v, double mn, double mx,
    struct tally *t)
{
	double		lo, hi;
	double		truth = (double)(m->v[v].truth - m->v[v].shift);
	double		shift = (double)m->v[v].shift;
	char		key[160];

	lo = mn <= -ATK_BIG ? -ATK_INF : ceil(mn - ATK_EPS) - shift;
	hi = mx >= ATK_BIG ? ATK_INF : floor(mx + ATK_EPS) - shift;
	m->v[v].dlo = lo + shift;
	m->v[v].dhi = hi + shift;
	if (truth < lo - ATK_EPS || truth > hi + ATK_EPS) {
		t->res->model_errors++;
		if (t->out != NULL && t->res->model_errors <= 5) {
			atk_key_format(m->cfg, m->agbs, m->v[v].key, key,
			    sizeof(key));
			fprintf(t->out, "  MODEL ERROR %s: true %.0f outside "
			    "[%.0f, %.0f]\n", key, truth, lo, hi);
		}
		return;
	}
	/* The range does not reach k: the criterion fails. */
	if (hi <= (double)m->k - 1)
		t->res->below_k++;
	if (hi - lo < 0.5)
		t->res->pinned++;
	if (lo >= 1 && hi <= (double)m->k - 1) {
		t->res->confined++;
		if (t->out != NULL && t->shown < t->maxshow) {
			atk_key_format(m->cfg, m->agbs, m->v[v].key, key,
			    sizeof(key));
			fprintf(t->out, "  leak: %s%s true %.0f, derived "
			    "[%.0f, %.0f]\n", m->v[v].vergelijking ?
			    "vergelijking minus own, " : "", key, truth, lo, hi);
			t->shown++;
		}
	}
}

/*
 * One optimisation from the current basis (primal simplex keeps it
 * feasible between objectives). An unbounded maximum is infinite.
 */
static int
lp_opt(glp_prob *lp, const glp_smcp *parm, int dir, double *out)
{
	int	st, tries;

	glp_set_obj_dir(lp, dir);
	for (tries = 0; tries < 2; tries++) {
		if (parm->tm_lim < INT_MAX && parm->tm_lim <= 0)
			return -2;
		if (tries == 1) {
			if (getenv("ATK_DEBUG") != NULL)
				fprintf(stderr, "LP retry from a new basis\n");
			glp_adv_basis(lp, 0);
		}
		if ((st = glp_simplex(lp, parm)) == GLP_ETMLIM)
			return -2;	/* out of time: undecided */
		if (st != 0)
			continue;
		st = glp_get_status(lp);
		if (st == GLP_OPT) {
			*out = glp_get_obj_val(lp);
			return 0;
		}
		if (st == GLP_UNBND && dir == GLP_MAX) {
			*out = ATK_INF;
			return 0;
		}
	}
	return -1;
}

/* Milliseconds left before the deadline, for GLPK's time limit. */
static int
left_ms(const struct tally *t)
{
	struct timespec	now;
	double		ms;

	if (t->deadline <= 0)
		return INT_MAX;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (t->deadline - (double)now.tv_sec - (double)now.tv_nsec / 1e9) *
	    1000.0;
	return ms < 0 ? 0 : ms > 1e9 ? INT_MAX : (int)ms;
}

static int
past(const struct tally *t)
{
	struct timespec	now;

	if (t->deadline <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9 > t->deadline;
}

/* Marks the targets the current feasible point shows k or more above
 * their true value: their range reaches k, nothing narrowed. */
static size_t
settle(const struct atk_model *m, glp_prob *lp, const int *col,
    const size_t *targets, size_t ntargets, uint8_t *done)
{
	size_t	i, n = 0;
	double	x;

	if (glp_get_prim_stat(lp) != GLP_FEAS)
		return 0;
	for (i = 0; i < ntargets; i++) {
		if (done[i])
			continue;
		x = glp_get_col_prim(lp, col[targets[i]]);
		if (x >= (double)(m->v[targets[i]].shift + m->k) - ATK_EPS) {
			done[i] = 1;
			n++;
		}
	}
	return n;
}

static int
lp_component(struct solver *s, const size_t *vars, size_t nvars,
    const size_t *targets, size_t ntargets, struct tally *t)
{
	struct atk_model *m = s->m;
	glp_prob	*lp;
	glp_smcp	 parm;
	int		*col, *ind = NULL, ret = -1, round, pass, below;
	int		*ycol = NULL, base, brow, rc;
	uint8_t		*done = NULL;
	size_t		 n;
	double		*val = NULL, c, konst, lo, hi, mn, mx;
	size_t		 i, j, r, q, v, nr = 0, maxn = 0;
	uint8_t		*seen = NULL;
	size_t		*rws = NULL;

	if ((col = calloc(m->nv, sizeof(*col))) == NULL)
		return -1;
	lp = glp_create_prob();
	glp_add_cols(lp, (int)nvars);
	for (i = 0; i < nvars; i++) {
		v = vars[i];
		col[v] = (int)i + 1;
		if (s->hi[v] >= ATK_BIG)
			glp_set_col_bnds(lp, (int)i + 1, GLP_LO, s->lo[v], 0);
		else
			glp_set_col_bnds(lp, (int)i + 1, GLP_DB, s->lo[v],
			    s->hi[v]);
	}
	/* The rows that touch the component (each once). */
	if ((seen = calloc(m->nrows, 1)) == NULL ||
	    (rws = calloc(m->nrows, sizeof(*rws))) == NULL)
		goto fail;
	for (i = 0; i < nvars; i++)
		for (q = s->roff[vars[i]]; q < s->roff[vars[i] + 1]; q++)
			if (!seen[s->rlist[q]]) {
				seen[s->rlist[q]] = 1;
				rws[nr++] = s->rlist[q];
				if (m->rows[s->rlist[q]].n > maxn)
					maxn = m->rows[s->rlist[q]].n;
			}
	if ((ind = calloc(maxn + 3, sizeof(*ind))) == NULL ||
	    (val = calloc(maxn + 3, sizeof(*val))) == NULL)
		goto fail;
	if (nr > 0)
		glp_add_rows(lp, (int)nr);
	for (i = 0; i < nr; i++) {
		r = rws[i];
		konst = 0;
		q = 0;
		for (j = m->rows[r].off; j < m->rows[r].off + m->rows[r].n; j++) {
			v = m->idx[j];
			c = m->coef[j];
			if (col[v] == 0) {
				konst += c * s->lo[v];	/* fixed */
				continue;
			}
			q++;
			ind[q] = col[v];
			val[q] = c;
		}
		glp_set_mat_row(lp, (int)i + 1, (int)q, ind, val);
		lo = m->rows[r].lo <= -ATK_BIG ? -ATK_INF : m->rows[r].lo - konst;
		hi = m->rows[r].hi >= ATK_BIG ? ATK_INF : m->rows[r].hi - konst;
		if (lo <= -ATK_BIG && hi >= ATK_BIG)
			glp_set_row_bnds(lp, (int)i + 1, GLP_FR, 0, 0);
		else if (lo <= -ATK_BIG)
			glp_set_row_bnds(lp, (int)i + 1, GLP_UP, 0, hi);
		else if (hi >= ATK_BIG)
			glp_set_row_bnds(lp, (int)i + 1, GLP_LO, lo, 0);
		else if (hi - lo < ATK_EPS)
			glp_set_row_bnds(lp, (int)i + 1, GLP_FX, lo, lo);
		else
			glp_set_row_bnds(lp, (int)i + 1, GLP_DB, lo, hi);
	}
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.meth = GLP_PRIMAL;
	/* A triangular starting basis: far fewer pivots than all-slack. */
	glp_adv_basis(lp, 0);
	if ((done = calloc(ntargets, 1)) == NULL)
		goto fail;
	/*
	 * Every feasible point the solver visits is a possible truth: a
	 * target it shows at k or more needs no LP of its own. One LP that
	 * maximises the sum of min(x, k) over all open targets (a capped
	 * copy y <= x per target) brings every target to k that can get
	 * there together with the others, and settles them at once.
	 */
	if ((ycol = calloc(ntargets, sizeof(*ycol))) == NULL)
		goto fail;
	base = glp_add_cols(lp, (int)ntargets);
	brow = glp_add_rows(lp, (int)ntargets);
	for (i = 0; i < ntargets; i++) {
		ycol[i] = base + (int)i;
		glp_set_col_bnds(lp, ycol[i], GLP_DB, 0,
		    (double)(m->v[targets[i]].shift + m->k));
		ind[1] = col[targets[i]];
		val[1] = 1;
		ind[2] = ycol[i];
		val[2] = -1;
		glp_set_mat_row(lp, brow + (int)i, 2, ind, val);
		glp_set_row_bnds(lp, brow + (int)i, GLP_LO, 0, 0);
	}
	glp_adv_basis(lp, 0);
	for (round = 0; round < 3 && !past(t); round++) {
		for (i = 0; i < ntargets; i++)
			glp_set_obj_coef(lp, ycol[i], done[i] ? 0 : 1);
		parm.tm_lim = left_ms(t);
		(void)lp_opt(lp, &parm, GLP_MAX, &mx);
		t->res->lps++;
		n = settle(m, lp, col, targets, ntargets, done);
		for (i = 0; i < ntargets; i++)
			glp_set_obj_coef(lp, ycol[i], 0);
		if (n * 20 < ntargets)
			break;
	}
	/*
	 * Pass 0: the targets propagation left at k or above: does the LP
	 * bring them below k? Pass 1: those already below k, whether the LP
	 * pins them. Out of time, pass 0 leaves "undecided" (never safe),
	 * pass 1 what propagation showed ("pin unchecked").
	 */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ntargets; i++) {
			if (done[i])
				continue;
			v = targets[i];
			below = s->hi[v] - (double)m->v[v].shift <
			    (double)m->k - ATK_EPS;
			if (below != pass)
				continue;
			if (below && s->hi[v] - s->lo[v] < 0.5) {
				done[i] = 1;
				classify(m, v, s->lo[v], s->hi[v], t);
				continue;
			}
			if (past(t)) {
				done[i] = 1;
				if (below) {
					t->res->pin_unchecked++;
					classify(m, v, s->lo[v], s->hi[v], t);
				} else
					t->res->undecided++;
				continue;
			}
			glp_set_obj_coef(lp, col[v], 1.0);
			parm.tm_lim = left_ms(t);
			if ((rc = lp_opt(lp, &parm, GLP_MAX, &mx)) != 0) {
				/* No answer from the solver: never "safe". */
				glp_set_obj_coef(lp, col[v], 0.0);
				if (rc == -2) {
					done[i] = 1;
					if (below) {
						t->res->pin_unchecked++;
						classify(m, v, s->lo[v],
						    s->hi[v], t);
					} else
						t->res->undecided++;
					continue;
				}
				t->res->model_errors++;
				continue;
			}
			t->res->lps++;
			done[i] = 1;
			mn = -ATK_INF;	/* only needed below k */
			if (mx < ATK_BIG && mx - (double)m->v[v].shift <
			    (double)m->k - ATK_EPS) {
				parm.tm_lim = left_ms(t);
				if ((rc = lp_opt(lp, &parm, GLP_MIN, &mn)) !=
				    0) {
					/* Below k either way; the minimum
					 * only decides "pinned". */
					glp_set_obj_coef(lp, col[v], 0.0);
					if (rc == -2) {
						t->res->pin_unchecked++;
						classify(m, v, s->lo[v], mx, t);
					} else
						t->res->model_errors++;
					continue;
				}
				t->res->lps++;
			}
			glp_set_obj_coef(lp, col[v], 0.0);
			classify(m, v, mn, mx, t);
			(void)settle(m, lp, col, targets, ntargets, done);
		}
	ret = 0;
fail:
	glp_delete_prob(lp);
	free(ycol);
	free(done);
	free(col);
	free(ind);
	free(val);
	free(seen);
	free(rws);
	return ret;
}

static int
cmp_size(const void *a, const void *b)
{
	const size_t	*x = a, *y = b;

	/* (size, root, var): by size, then root, so components stay whole */
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

int
atk_solve(struct atk_model *m, struct atk_result *res, FILE *out,
    int maxshow)
{
	struct solver	 s;
	struct tally	 t;
	struct timespec	 t0, t1;
	size_t		*order = NULL, *pairs = NULL, *csize = NULL;
	size_t		 i, j, r, a, b, np, start, nt, bad = 0;
	int		 ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (m->oom)
		return -1;
	glp_term_out(GLP_OFF);
	s.m = m;
	t.res = res;
	t.out = out;
	t.maxshow = maxshow;
	t.shown = 0;
	t.deadline = m->lp_seconds > 0 ? (double)t0.tv_sec +
	    (double)t0.tv_nsec / 1e9 + m->lp_seconds : 0;
	if ((s.lo = calloc(m->nv + 1, sizeof(double))) == NULL ||
	    (s.hi = calloc(m->nv + 1, sizeof(double))) == NULL ||
	    (s.parent = calloc(m->nv + 1, sizeof(size_t))) == NULL ||
	    build_adjacency(&s) == -1)
		goto fail;
	for (i = 0; i < m->nv; i++) {
		s.lo[i] = m->v[i].lo;
		s.hi[i] = m->v[i].hi;
		s.parent[i] = i;
	}
	/* The truth must satisfy every relation; if not, the model is
	 * wrong and its verdicts mean nothing. */
	for (r = 0; r < m->nrows; r++) {
		double sum = 0;

		for (j = m->rows[r].off; j < m->rows[r].off + m->rows[r].n; j++)
			sum += m->coef[j] * (double)m->v[m->idx[j]].truth;
		if (sum >= m->rows[r].lo - ATK_EPS &&
		    sum <= m->rows[r].hi + ATK_EPS)
			continue;
		bad++;
		if (out != NULL && bad <= 3) {
			char key[160];

			fprintf(out, "  MODEL ERROR: relation [%g, %g] holds "
			    "%g for the truth:", m->rows[r].lo, m->rows[r].hi,
			    sum);
			for (j = m->rows[r].off; j < m->rows[r].off +
			    m->rows[r].n; j++) {
				atk_key_format(m->cfg, m->agbs,
				    m->v[m->idx[j]].key, key, sizeof(key));
				fprintf(out, " %+g (%s = %lld)", m->coef[j], key,
				    (long long)m->v[m->idx[j]].truth);
			}
			fprintf(out, "\n");
		}
	}
	if (propagate(&s, &bad) == -1)
		goto fail;
	if (getenv("ATK_DEBUG") != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "propagation done at %.1f s\n",
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	res->model_errors += bad;
	/* Components over the variables that are not yet known. */
	for (r = 0; r < m->nrows; r++) {
		a = (size_t)-1;
		for (j = m->rows[r].off; j < m->rows[r].off + m->rows[r].n; j++) {
			if (is_fixed(&s, m->idx[j]))
				continue;
			if (a == (size_t)-1)
				a = uf_find(s.parent, m->idx[j]);
			else if ((b = uf_find(s.parent, m->idx[j])) != a)
				s.parent[b] = a;
		}
	}
	res->vars = m->nv;
	/* (root, var) pairs, sorted, give each component's variables. */
	if ((pairs = calloc(3 * m->nv + 3, sizeof(*pairs))) == NULL ||
	    (order = calloc(m->nv + 1, sizeof(*order))) == NULL)
		goto fail;
	np = 0;
	for (i = 0; i < m->nv; i++) {
		if (m->v[i].withheld)
			res->withheld++;
		if (is_target(m, i))
			res->targets++;
		if (is_fixed(&s, i)) {
			if (is_target(m, i))
				classify(m, i, s.lo[i], s.hi[i], &t);
			continue;
		}
		pairs[3 * np + 1] = uf_find(s.parent, i);
		pairs[3 * np + 2] = i;
		order[pairs[3 * np + 1]]++;	/* component sizes, for now */
		np++;
	}
	/* Smallest components first: a big one cannot eat the LP budget
	 * of all the others. */
	for (i = 0; i < np; i++)
		pairs[3 * i] = order[pairs[3 * i + 1]];
	qsort(pairs, np, 3 * sizeof(*pairs), cmp_size);
	for (start = 0; start < np; start = i) {
		for (i = start; i < np && pairs[3 * i + 1] ==
		    pairs[3 * start + 1]; i++)
			;
		nt = 0;
		for (j = start; j < i; j++)
			order[j - start] = pairs[3 * j + 2];
		res->components++;
		if (i - start > res->largest)
			res->largest = i - start;
		/* targets of this component, at the end of order */
		if ((csize = calloc(i - start + 1, sizeof(*csize))) == NULL)
			goto fail;
		for (j = 0; j < i - start; j++)
			if (is_target(m, order[j]))
				csize[nt++] = order[j];
		if (nt > 0 && getenv("ATK_DEBUG") != NULL)
			fprintf(stderr, "component of %zu counts, %zu targets\n",
			    i - start, nt);
		if (nt > 0 && lp_component(&s, order, i - start, csize, nt,
		    &t) == -1) {
			free(csize);
			csize = NULL;
			goto fail;
		}
		free(csize);
		csize = NULL;
		if (nt > 0 && getenv("ATK_DEBUG") != NULL) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			fprintf(stderr, "  done at %.1f s, %zu LPs\n",
			    (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, res->lps);
		}
	}
	ret = 0;
fail:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	free(s.lo);
	free(s.hi);
	free(s.roff);
	free(s.rlist);
	free(s.parent);
	free(pairs);
	free(order);
	return ret;
}

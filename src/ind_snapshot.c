/*
 * The indicator snapshot: the detail tables, read in one transaction and
 * reduced to unit facts (ind_impl.h). Client pseudonyms become dense
 * indexes, AGB codes and gemeenten become small indexes, and each kind of
 * unit is sorted by (period, client) once per period type so that a query
 * counts distinct clients without sorting or hashing.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include "feed.h"
#include "dates.h"
#include "dc_history.h"
#include "ind_impl.h"
#include "log.h"
#include "util.h"

int
ind_period_of(int ymd, enum ind_period t)
{
	int	y = ymd / 10000, m = ymd / 100 % 100, mi;

	if (y < IND_YEAR0 || y >= IND_YEAR0 + IND_YEARS || m < 1 || m > 12)
		return -1;
	mi = (y - IND_YEAR0) * 12 + m - 1;
	switch (t) {
	case IND_MONTH:
		return mi;
	case IND_QUARTER:
		return mi / 3;
	default:
		return mi / 12;
	}
}

void
ind_period_months(int p, enum ind_period t, int *first, int *last)
{
	switch (t) {
	case IND_MONTH:
		*first = *last = p;
		break;
	case IND_QUARTER:
		*first = p * 3;
		*last = p * 3 + 2;
		break;
	default:
		*first = p * 12;
		*last = p * 12 + 11;
		break;
	}
}

int
ind_period_last_day(int p, enum ind_period t)
{
	int	first, last, y, m;

	ind_period_months(p, t, &first, &last);
	y = IND_YEAR0 + last / 12;
	m = last % 12 + 1;
	return y * 10000 + m * 100 + date_month_days(y, m);
}

void
ind_items_build(const struct quest_set *qs, struct ind_items *it)
{
	const struct quest_variant	*v;
	size_t				 d, r, i, j;

	memset(it, 0, sizeof(*it));
	memset(it->map, 0xff, sizeof(it->map));		/* -1 */
	for (d = 0; d < qs->ndefs && d < QUEST_MAX_DEFS; d++) {
		for (r = 0; r < QUEST__NRESPONDENTS; r++) {
			v = &qs->defs[d].variant[r];
			if (!v->present)
				continue;
			for (i = 0; i < v->nitems; i++) {
				if (v->items[i].type != QUEST_SCHAAL)
					continue;
				for (j = 0; j < it->n[r]; j++)
					if (strcmp(it->code[r][j],
					    v->items[i].code) == 0)
						break;
				if (j == it->n[r]) {
					memcpy(it->code[r][j], v->items[i].code,
					    sizeof(it->code[r][j]));
					it->text[r][j] = v->items[i].tekst;
					it->n[r]++;
				}
				it->map[d][r][i] = (int16_t)j;
			}
		}
	}
}

/*
 * Gemeente codes to indexes, each code looked up once per build
 * (GEM_UNSEEN: not yet; CFG_MAX_GEMEENTEN keeps indexes below it).
 */
#define GEM_UNSEEN	0xfe
struct gem_memo {
	const struct config	*cfg;
	uint8_t			 ix[10000];
};

/* Growable arrays of the raw rows. */
struct raw {
	struct ind_src_score	*sc;
	size_t			 nsc, capsc;
	struct ind_src_traj	*tr;
	size_t			 ntr, captr;
	struct raw_resp {
		int64_t		 client;
		int		 agb, gemeente, ingevuld_op;
		uint16_t	 def;
		uint8_t		 resp;
		uint32_t	 voff;
	}			*rs;
	size_t			 nrs, caprs;
	signed char		*vals;
	size_t			 nvals, capvals;
	const struct quest_set	*qs;
	struct ind_src_link	*ln;		/* key rotation links */
	size_t			 nln, capln;
	struct gem_memo		 gm;
};

static int
raw_score(const struct ind_src_score *r, void *arg)
{
	struct raw	*w = arg;

	if (util_grow((void **)&w->sc, &w->capsc, w->nsc + 1, sizeof(*w->sc)))
		return -1;
	w->sc[w->nsc++] = *r;
	return 0;
}

static int
raw_traj(const struct ind_src_traj *r, void *arg)
{
	struct raw	*w = arg;

	if (util_grow((void **)&w->tr, &w->captr, w->ntr + 1, sizeof(*w->tr)))
		return -1;
	w->tr[w->ntr++] = *r;
	return 0;
}

static int
raw_resp(const struct ind_src_resp *r, void *arg)
{
	struct raw		*w = arg;
	struct raw_resp		*o;
	size_t			 d;
	const struct quest_variant *v;

	if (quest_find(w->qs, r->vragenlijst, &d) == NULL ||
	    d >= QUEST_MAX_DEFS || r->respondent < 0 ||
	    r->respondent >= QUEST__NRESPONDENTS)
		return 0;	/* a definition no longer loaded: not counted */
	v = &w->qs->defs[d].variant[r->respondent];
	if (!v->present || r->nwaarden != v->nitems)
		return 0;
	if (util_grow((void **)&w->rs, &w->caprs, w->nrs + 1, sizeof(*w->rs)) ||
	    util_grow((void **)&w->vals, &w->capvals, w->nvals + r->nwaarden, 1) ||
	    w->nvals > UINT32_MAX - r->nwaarden)
		return -1;
	o = &w->rs[w->nrs++];
	o->client = r->client;
	o->agb = r->agb;
	o->gemeente = r->gemeente;
	o->ingevuld_op = r->ingevuld_op;
	o->def = (uint16_t)d;
	o->resp = (uint8_t)r->respondent;
	o->voff = (uint32_t)w->nvals;
	if (r->nwaarden > 0)
		memcpy(w->vals + w->nvals, r->waarden, r->nwaarden);
	w->nvals += r->nwaarden;
	return 0;
}

static int
raw_link(const struct ind_src_link *r, void *arg)
{
	struct raw	*w = arg;

	if (util_grow((void **)&w->ln, &w->capln, w->nln + 1, sizeof(*w->ln)))
		return -1;
	w->ln[w->nln++] = *r;
	return 0;
}

/*
 * Key rotation (store_keys.c): a pseudonym made under an old key that has
 * a link is replaced by its newest version, so that a client (kind 0) or
 * a trajectory (kind 1) seen in an overlap window is one unit across the
 * rotation. Pseudonyms without a link stay as they are: they are their own
 * client, which is what the rotation means for clients not seen in the
 * window (docs/operations.md).
 */
static int
cmp_link(const void *a, const void *b)
{
	const struct ind_src_link *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->old > y->old) - (x->old < y->old);
}

#define LINK_CHAIN_MAX	16	/* rotations followed from one pseudonym */

static int64_t
link_map(const struct raw *w, int kind, int64_t v)
{
	struct ind_src_link	 key, *p;
	int			 i;

	key.kind = kind;
	for (i = 0; i < LINK_CHAIN_MAX; i++) {
		key.old = v;
		if ((p = bsearch(&key, w->ln, w->nln, sizeof(*w->ln),
		    cmp_link)) == NULL)
			break;
		v = p->new_;
	}
	return v;
}

static int
cmp_traj_key(const void *a, const void *b)
{
	const struct ind_src_traj *x = a, *y = b;

	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	if (x->prod_key != y->prod_key)
		return x->prod_key < y->prod_key ? -1 : 1;
	return (x->begindatum > y->begindatum) -
	    (x->begindatum < y->begindatum);
}

/*
 * Maps every pseudonym through the links, then merges trajecten rows that
 * became one product (a start under the old key, its stop under the new):
 * the start and the stop each come from whichever row has them.
 */
static void
apply_links(struct raw *w)
{
	struct ind_src_traj	*d, *r;
	size_t			 i, o;

	if (w->nln == 0)
		return;
	util_sort(w->ln, w->nln, sizeof(*w->ln), cmp_link);
	for (i = 0; i < w->nsc; i++) {
		w->sc[i].client = link_map(w, 0, w->sc[i].client);
		w->sc[i].traj = link_map(w, 1, w->sc[i].traj);
	}
	for (i = 0; i < w->nrs; i++)
		w->rs[i].client = link_map(w, 0, w->rs[i].client);
	for (i = 0; i < w->ntr; i++) {
		w->tr[i].client = link_map(w, 0, w->tr[i].client);
		w->tr[i].prod_key = link_map(w, 1, w->tr[i].prod_key);
	}
	util_sort(w->tr, w->ntr, sizeof(*w->tr), cmp_traj_key);
	for (i = 0, o = 0; i < w->ntr; i++) {
		r = &w->tr[i];
		d = o > 0 ? &w->tr[o - 1] : NULL;
		if (d == NULL || cmp_traj_key(d, r) != 0) {
			w->tr[o++] = *r;
			continue;
		}
		d->gestart |= r->gestart;
		if (d->einddatum == 0) {
			d->einddatum = r->einddatum;
			d->reden = r->reden;
		}
		if (d->agb == 0)
			d->agb = r->agb;
		if (d->gemeente == 0)
			d->gemeente = r->gemeente;
	}
	w->ntr = o;
}

static int
cmp_int(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * Sorted distinct values of v[0..n) in place; returns the new count, or
 * (size_t)-1 when memory ran out. An LSD radix sort, 16 bits a pass, of
 * the values with their sign bit flipped (unsigned order is then signed
 * order).
 */
static size_t
uniq_i64(int64_t *v, size_t n)
{
	uint64_t	*a, *b, *x, *y, *tmp;
	size_t		*cnt, i, o = 0, sum, c;
	int		 pass, sh;

	if (n < 2)
		return n;
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	cnt = malloc(65536 * sizeof(*cnt));
	if (a == NULL || b == NULL || cnt == NULL) {
		free(a);
		free(b);
		free(cnt);
		return (size_t)-1;
	}
	for (i = 0; i < n; i++)
		a[i] = (uint64_t)v[i] ^ (UINT64_C(1) << 63);
	x = a;
	y = b;
	for (pass = 0; pass < 4; pass++) {
		sh = pass * 16;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (i = 0; i < n; i++)
			cnt[(x[i] >> sh) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			y[cnt[(x[i] >> sh) & 0xffff]++] = x[i];
		tmp = x;
		x = y;
		y = tmp;
	}
	/* An even number of passes: the sorted values are in a again. */
	for (i = 0; i < n; i++)
		if (o == 0 || a[o - 1] != a[i])
			a[o++] = a[i];
	for (i = 0; i < o; i++)
		v[i] = (int64_t)(a[i] ^ (UINT64_C(1) << 63));
	free(a);
	free(b);
	free(cnt);
	return o;
}

static uint32_t
client_ix(const int64_t *c, size_t n, int64_t v)
{
	size_t	lo = 0, hi = n;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (c[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

int
ind_agb_index(const struct ind_snapshot *s, int agb)
{
	const int	*p = bsearch(&agb, s->agbs, s->nagbs, sizeof(int),
	    cmp_int);

	return p == NULL ? -1 : (int)(p - s->agbs);
}

/* Gemeente code (an int, 363) to its index; IND_GEM_NONE when unknown. */
static uint8_t
gem_ix(const struct config *cfg, int code)
{
	char	buf[5];
	int	retired;
	const struct cfg_gemeente *g;

	if (code <= 0 || code > 9999)
		return IND_GEM_NONE;
	util_fmt(buf, sizeof(buf), "%04d", code);
	if ((g = config_gemeente(cfg, buf, &retired)) == NULL)
		return IND_GEM_NONE;
	return (uint8_t)(g - cfg->ref.gemeenten);
}

static uint8_t
gem_of(struct gem_memo *m, int code)
{
	if (code <= 0 || code > 9999)
		return IND_GEM_NONE;
	if (m->ix[code] == GEM_UNSEEN)
		m->ix[code] = gem_ix(m->cfg, code);
	return m->ix[code];
}

static size_t
unit_size(enum ind_kind k)
{
	return k == IND_DOELREALISATIE ? sizeof(struct u_doel) :
	    k == IND_UITVAL ? sizeof(struct u_uit) :
	    k == IND_AANLEVERING ? sizeof(struct u_aan) :
	    sizeof(struct u_tev);
}

/*
 * Sorts the units of kind k by client, once (a counting sort): each
 * period type's order then reads them front to back.
 */
static int
units_by_client(struct ind_snapshot *s, enum ind_kind k)
{
	const char	*src = s->ubase[k];
	char		*dst;
	size_t		 sz = unit_size(k), i, n = s->nbase[k];
	uint32_t	*cnt, c, sum, ci;

	dst = malloc(n ? n * sz : 1);
	cnt = calloc(s->nclients + 1, sizeof(*cnt));
	if (dst == NULL || cnt == NULL) {
		free(dst);
		free(cnt);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memcpy(&ci, src + i * sz, 4);
		cnt[ci]++;
	}
	for (i = 0, sum = 0; i <= s->nclients; i++) {
		c = cnt[i];
		cnt[i] = sum;
		sum += c;
	}
	for (i = 0; i < n; i++) {
		memcpy(&ci, src + i * sz, 4);
		memcpy(dst + (size_t)cnt[ci]++ * sz, src + i * sz, sz);
	}
	free(cnt);
	free(s->ubase[k]);
	s->ubase[k] = dst;
	return 0;
}

/*
 * Orders the units of kind k (sorted by client) by (period, client) for
 * period type t: a stable counting sort by period. The client (uint32_t)
 * and the month (uint16_t at offset 4) lead every unit struct;
 * doelrealisatie counts a unit only where its tmask says so.
 */
int
ind_units_order(struct ind_snapshot *s, enum ind_kind k, enum ind_period t)
{
	struct ind_units	*us = &s->units[k][t];
	const char		*src = s->ubase[k];
	size_t			 sz = unit_size(k), i, n = 0, nb = s->nbase[k];
	int			 p, np, div;
	uint16_t		 pm;

	np = t == IND_MONTH ? IND_YEARS * 12 : t == IND_QUARTER ?
	    IND_YEARS * 4 : IND_YEARS;
	div = t == IND_MONTH ? 1 : t == IND_QUARTER ? 3 : 12;
	us->off = calloc((size_t)np + 1, sizeof(*us->off));
	us->ix = malloc(nb ? nb * sizeof(*us->ix) : 1);
	if (us->off == NULL || us->ix == NULL) {
		ind_units_release(s, k, t);
		return -1;
	}
	for (i = 0; i < nb; i++) {
		if (k == IND_DOELREALISATIE && !(((const struct u_doel *)
		    (const void *)src)[i].tmask & (1u << t)))
			continue;
		memcpy(&pm, src + i * sz + 4, 2);
		us->off[pm / div + 1]++;
		n++;
	}
	for (p = 0; p < np; p++)
		us->off[p + 1] += us->off[p];
	/* Stable by period: off[p] is where period p's next unit goes. */
	for (i = 0; i < nb; i++) {
		if (k == IND_DOELREALISATIE && !(((const struct u_doel *)
		    (const void *)src)[i].tmask & (1u << t)))
			continue;
		memcpy(&pm, src + i * sz + 4, 2);
		us->ix[us->off[pm / div]++] = (uint32_t)i;
	}
	for (p = np; p > 0; p--)
		us->off[p] = us->off[p - 1];
	us->off[0] = 0;
	us->u = s->ubase[k];
	us->n = n;
	us->nperiods = np;
	return 0;
}

void
ind_units_release(struct ind_snapshot *s, enum ind_kind k, enum ind_period t)
{
	struct ind_units	*us = &s->units[k][t];

	free(us->ix);
	free(us->off);
	memset(us, 0, sizeof(*us));
}

static int
cmp_score(const void *a, const void *b)
{
	const struct ind_src_score *x = a, *y = b;

	if (x->traj != y->traj)
		return x->traj < y->traj ? -1 : 1;
	if (x->agb != y->agb)
		return x->agb < y->agb ? -1 : 1;
	if (x->meetdatum != y->meetdatum)
		return x->meetdatum < y->meetdatum ? -1 : 1;
	return (x->meetmoment > y->meetmoment) -
	    (x->meetmoment < y->meetmoment);
}

/*
 * What the scores say of one trajectory (toewijzing at one aanbieder), in
 * (traj, agb) order: whether it is under opt-out (the latest row that
 * states opt_out decides) and the date of its latest eind measurement
 * with GAS scores.
 */
struct tfact {
	int64_t		 traj;
	int		 agb;
	int		 opt_out;	/* 1 under opt-out */
	int		 last_gas;	/* yyyymmdd, 0 none */
};

/*
 * Sorts the scores rows, derives the trajectory facts, and keeps in w->sc
 * only what doelrealisatie counts: eind measurements of trajectories not
 * under opt-out (seed 000: under opt-out no doelrealisatie is measured).
 */
static int
score_facts(struct raw *w, struct tfact **out, size_t *nout)
{
	struct tfact	*tf;
	size_t		 i, j, k, n = 0, o = 0;
	int		 opt, last;

	util_sort(w->sc, w->nsc, sizeof(*w->sc), cmp_score);
	if ((tf = calloc(w->nsc ? w->nsc : 1, sizeof(*tf))) == NULL)
		return -1;
	for (i = 0; i < w->nsc; i = j) {
		opt = 0;
		last = 0;
		for (j = i; j < w->nsc && w->sc[j].traj == w->sc[i].traj &&
		    w->sc[j].agb == w->sc[i].agb; j++) {
			if (w->sc[j].opt_out != -1)
				opt = w->sc[j].opt_out == 1;
			if (w->sc[j].meetmoment == 3 && !isnan(w->sc[j].gas_t))
				last = w->sc[j].meetdatum;
		}
		tf[n].traj = w->sc[i].traj;
		tf[n].agb = w->sc[i].agb;
		tf[n].opt_out = opt;
		tf[n].last_gas = last;
		n++;
		/*
		 * An eind row without goals (sent under an opt-out taken
		 * back later) measured no doelrealisatie either.
		 */
		for (k = i; k < j && !opt; k++)
			if (w->sc[k].meetmoment == 3 && (w->sc[k].doelen > 0 ||
			    !isnan(w->sc[k].gas_t)))
				w->sc[o++] = w->sc[k];
	}
	w->nsc = o;
	*out = tf;
	*nout = n;
	return 0;
}

static int
build_doel(struct ind_snapshot *s, struct raw *w)
{
	struct u_doel	*u;
	size_t		 i, n = 0;
	int		 t, p, a;
	unsigned	 mask;
	uint8_t		 g;

	/* w->sc is sorted by score_facts. */
	if ((u = calloc(w->nsc ? w->nsc : 1, sizeof(*u))) == NULL)
		return -1;
	for (i = 0; i < w->nsc; i++) {
		const struct ind_src_score *r = &w->sc[i], *nx;

		p = ind_period_of(r->meetdatum, IND_MONTH);
		/* Only the trajectory's last measurement per period. */
		mask = 0;
		for (t = 0; t < IND__NPERIODS; t++) {
			if (i + 1 < w->nsc) {
				nx = &w->sc[i + 1];
				if (nx->traj == r->traj && nx->agb == r->agb &&
				    ind_period_of(nx->meetdatum,
				    (enum ind_period)t) ==
				    ind_period_of(r->meetdatum,
				    (enum ind_period)t))
					continue;
			}
			mask |= 1u << t;
		}
		g = gem_of(&w->gm, r->gemeente);
		a = ind_agb_index(s, r->agb);
		if (mask == 0 || p < 0 || g == IND_GEM_NONE || a < 0)
			continue;
		u[n].client = (uint32_t)r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)a;
		u[n].gem = g;
		u[n].tmask = (uint8_t)mask;
		u[n].pa = (int8_t)(r->probleemafname >= 1 &&
		    r->probleemafname <= 3 ? r->probleemafname : 0);
		u[n].zh = (int8_t)(r->zonder_hulp == 0 ||
		    r->zonder_hulp == 1 ? r->zonder_hulp : -1);
		u[n].doelen = (uint16_t)(r->doelen < 0 ? 0 :
		    r->doelen > 65535 ? 65535 : r->doelen);
		u[n].behaald = (uint16_t)(r->doelen_behaald < 0 ? 0 :
		    r->doelen_behaald > u[n].doelen ? u[n].doelen :
		    r->doelen_behaald);
		u[n].gas_t = isnan(r->gas_t) ? NAN : (float)r->gas_t;
		n++;
	}
	s->ubase[IND_DOELREALISATIE] = u;
	s->nbase[IND_DOELREALISATIE] = n;
	return 0;
}

struct start {
	int64_t		 client;
	int		 begindatum;
	int64_t		 prod_key;
};

static int
cmp_start(const void *a, const void *b)
{
	const struct start	*x = a, *y = b;

	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	return (x->begindatum > y->begindatum) -
	    (x->begindatum < y->begindatum);
}

/*
 * A new start of youth care for the same client (any aanbieder, any
 * product) from the end date up to window months later, other than the
 * ended product itself.
 */
static int
new_start(const struct start *st, size_t n, const struct ind_src_traj *r,
    int window)
{
	size_t	lo = 0, hi = n;
	int	limit = date_add_months(r->einddatum, window);

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (st[mid].client < r->client ||
		    (st[mid].client == r->client &&
		    st[mid].begindatum < r->einddatum))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && st[lo].client == r->client &&
	    st[lo].begindatum <= limit; lo++)
		if (st[lo].prod_key != r->prod_key ||
		    st[lo].begindatum != r->begindatum)
			return 1;
	return 0;
}

static uint8_t
reden_cat(int reden)
{
	if (reden == 2)
		return 0;
	if (reden >= 31 && reden <= 39)
		return (uint8_t)(reden - 30);
	return IND_REDEN_OVERIG;
}

/*
 * A unit of uitval and of aanlevering (the same units, so both share one
 * suppression pattern): a product that ended definitively (20 is a
 * temporary stop), with its period, gemeente and aanbieder index.
 */
static int
ended_unit(const struct ind_snapshot *s, struct raw *w,
    const struct ind_src_traj *r, enum ind_period t, int *p, uint8_t *g,
    int *a)
{
	if (r->einddatum == 0 || r->reden == 0 || r->reden == 20)
		return 0;
	*p = ind_period_of(r->einddatum, t);
	*g = gem_of(&w->gm, r->gemeente);
	*a = ind_agb_index(s, r->agb);
	return *p >= 0 && *g != IND_GEM_NONE && *a >= 0;
}

static int
build_uitval(struct ind_snapshot *s, struct raw *w, int window)
{
	struct start	*st;
	struct u_uit	*u;
	size_t		 i, n = 0, ns = 0;
	int		 p, a;
	uint8_t		 g;

	if ((st = calloc(w->ntr ? w->ntr : 1, sizeof(*st))) == NULL)
		return -1;
	for (i = 0; i < w->ntr; i++) {
		if (!w->tr[i].gestart)
			continue;
		st[ns].client = w->tr[i].client;
		st[ns].begindatum = w->tr[i].begindatum;
		st[ns].prod_key = w->tr[i].prod_key;
		ns++;
	}
	util_sort(st, ns, sizeof(*st), cmp_start);
	if ((u = calloc(w->ntr ? w->ntr : 1, sizeof(*u))) == NULL) {
		free(st);
		return -1;
	}
	for (i = 0; i < w->ntr; i++) {
		const struct ind_src_traj *r = &w->tr[i];

		if (!ended_unit(s, w, r, IND_MONTH, &p, &g, &a))
			continue;
		u[n].client = (uint32_t)r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)a;
		u[n].gem = g;
		u[n].reden = reden_cat(r->reden);
		u[n].her = r->reden != 31 ? 0 :
		    new_start(st, ns, r, window) ? 1 : 2;
		n++;
	}
	free(st);
	s->ubase[IND_UITVAL] = u;
	s->nbase[IND_UITVAL] = n;
	return 0;
}

/* A questionnaire response as aanlevering matches it. */
struct resp_key {
	int64_t		 client;
	int		 agb;
	int		 date;
};

static int
cmp_resp_key(const void *a, const void *b)
{
	const struct resp_key	*x = a, *y = b;

	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	if (x->agb != y->agb)
		return x->agb < y->agb ? -1 : 1;
	return (x->date > y->date) - (x->date < y->date);
}

static int
cmp_tfact(const void *a, const void *b)
{
	const struct tfact	*x = a, *y = b;

	if (x->traj != y->traj)
		return x->traj < y->traj ? -1 : 1;
	return (x->agb > y->agb) - (x->agb < y->agb);
}

/* A response of client at agb filled in from lo to hi (yyyymmdd). */
static int
resp_in(const struct resp_key *rk, size_t n, int64_t client, int agb,
    int lo, int hi)
{
	size_t	a = 0, b = n;

	while (a < b) {
		size_t			 mid = a + (b - a) / 2;
		const struct resp_key	*m = &rk[mid];

		if (m->client < client || (m->client == client &&
		    (m->agb < agb || (m->agb == agb && m->date < lo))))
			a = mid + 1;
		else
			b = mid;
	}
	return a < n && rk[a].client == client && rk[a].agb == agb &&
	    rk[a].date <= hi;
}

/*
 * Aanlevering: every ended product that uitval counts, with what the
 * aanbieder delivered for it. A GAS eind measurement counts when the
 * same toewijzing at the same aanbieder has one dated on or after the
 * product's Begindatum; a CEM+ response when the same client answered
 * about the same aanbieder within the window around the Einddatum.
 */
static int
build_aan(struct ind_snapshot *s, const struct config *cfg, struct raw *w,
    const struct tfact *tf, size_t ntf)
{
	struct resp_key	*rk;
	struct u_aan	*u;
	struct tfact	 key;
	const struct tfact *f;
	size_t		 i, n = 0;
	int		 p, a, before, after;
	uint8_t		 g;

	before = (int)config_limit(cfg, LIMIT_CEM_DAYS_BEFORE);
	after = (int)config_limit(cfg, LIMIT_CEM_DAYS_AFTER);
	if ((rk = calloc(w->nrs ? w->nrs : 1, sizeof(*rk))) == NULL)
		return -1;
	for (i = 0; i < w->nrs; i++) {
		rk[i].client = w->rs[i].client;
		rk[i].agb = w->rs[i].agb;
		rk[i].date = w->rs[i].ingevuld_op;
	}
	util_sort(rk, w->nrs, sizeof(*rk), cmp_resp_key);
	if ((u = calloc(w->ntr ? w->ntr : 1, sizeof(*u))) == NULL) {
		free(rk);
		return -1;
	}
	for (i = 0; i < w->ntr; i++) {
		const struct ind_src_traj *r = &w->tr[i];

		if (!ended_unit(s, w, r, IND_MONTH, &p, &g, &a))
			continue;
		key.traj = r->prod_key;
		key.agb = r->agb;
		f = bsearch(&key, tf, ntf, sizeof(*tf), cmp_tfact);
		u[n].client = (uint32_t)r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)a;
		u[n].gem = g;
		u[n].cat = f != NULL && f->opt_out ? A_OPT :
		    f != NULL && f->last_gas >= r->begindatum &&
		    f->last_gas > 0 ? A_GAS : A_NONE;
		u[n].cem = (uint8_t)resp_in(rk, w->nrs, r->client, r->agb,
		    date_add_days(r->einddatum, -before),
		    date_add_days(r->einddatum, after));
		n++;
	}
	free(rk);
	s->ubase[IND_AANLEVERING] = u;
	s->nbase[IND_AANLEVERING] = n;
	return 0;
}

static int
build_tev(struct ind_snapshot *s, struct raw *w)
{
	struct u_tev	*u;
	size_t		 i, n = 0;
	int		 p, a;
	uint8_t		 g;

	if ((u = calloc(w->nrs ? w->nrs : 1, sizeof(*u))) == NULL)
		return -1;
	for (i = 0; i < w->nrs; i++) {
		const struct raw_resp *r = &w->rs[i];

		p = ind_period_of(r->ingevuld_op, IND_MONTH);
		g = gem_of(&w->gm, r->gemeente);
		a = ind_agb_index(s, r->agb);
		if (p < 0 || g == IND_GEM_NONE || a < 0)
			continue;
		u[n].client = (uint32_t)r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)a;
		u[n].gem = g;
		u[n].resp = r->resp;
		u[n].def = r->def;
		u[n].voff = r->voff;
		n++;
	}
	s->ubase[IND_TEVREDENHEID] = u;
	s->nbase[IND_TEVREDENHEID] = n;
	return 0;
}

/* Adds an AGB code to the sorted distinct codes a[0..*n) when new. */
static void
agb_add(int *a, size_t *n, int agb)
{
	size_t	lo = 0, hi = *n;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (a[mid] < agb)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && a[lo] == agb)
		return;
	memmove(a + lo + 1, a + lo, (*n - lo) * sizeof(*a));
	a[lo] = agb;
	(*n)++;
}

/*
 * Distinct AGB codes and client pseudonyms of all three kinds; every raw
 * row's client then becomes its dense index (in pseudonym order, so the
 * sorts by client keep their order).
 */
static int
build_dims(struct ind_snapshot *s, struct raw *w, int64_t **clients)
{
	size_t	 i, n = 0, na = 0, total = w->nsc + w->ntr + w->nrs;
	int64_t	*c, *cs;

	if ((c = calloc(total ? total : 1, sizeof(*c))) == NULL ||
	    (s->agbs = calloc(total ? total : 1, sizeof(int))) == NULL) {
		free(c);
		return -1;
	}
	for (i = 0; i < w->nsc; i++) {
		c[n++] = w->sc[i].client;
		agb_add(s->agbs, &na, w->sc[i].agb);
	}
	for (i = 0; i < w->ntr; i++) {
		c[n++] = w->tr[i].client;
		if (w->tr[i].agb > 0)
			agb_add(s->agbs, &na, w->tr[i].agb);
	}
	for (i = 0; i < w->nrs; i++) {
		c[n++] = w->rs[i].client;
		agb_add(s->agbs, &na, w->rs[i].agb);
	}
	if ((s->nclients = uniq_i64(c, n)) == (size_t)-1) {
		s->nclients = 0;
		free(c);
		return -1;
	}
	s->nagbs = na;
	if (s->nagbs > UINT16_MAX) {
		log_error("indicators: more than %u aanbieders",
		    (unsigned)UINT16_MAX);
		free(c);
		return -1;
	}
	for (i = 0; i < w->nsc; i++)
		w->sc[i].client = client_ix(c, s->nclients, w->sc[i].client);
	for (i = 0; i < w->ntr; i++)
		w->tr[i].client = client_ix(c, s->nclients, w->tr[i].client);
	for (i = 0; i < w->nrs; i++)
		w->rs[i].client = client_ix(c, s->nclients, w->rs[i].client);
	/* Keep the distinct ones only (record keys, cellkey.h). */
	if (s->nclients > 0 && (cs = realloc(c, s->nclients *
	    sizeof(*c))) != NULL)
		c = cs;
	*clients = c;
	return 0;
}

static void	units_free(struct ind_snapshot *);

/*
 * A build allocates and frees arrays of tens of megabytes. With glibc,
 * every block from 256 KiB up gets its own mapping (a fixed threshold:
 * glibc would otherwise raise it as blocks are freed and keep later ones
 * in the heap), so that what a build frees goes back to the system, and
 * the heaps are trimmed after a build (the daemon builds in a thread of
 * its own, whose arena would otherwise keep its high-water mark).
 */
#define IND_MMAP_THRESHOLD	(256 * 1024)
static pthread_once_t	malloc_once = PTHREAD_ONCE_INIT;

static void
malloc_setup(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, IND_MMAP_THRESHOLD);
#endif
}

static void
malloc_release(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
static void	units_free_kind(struct ind_snapshot *, int);

/* Kinds first..last of a snapshot, made by one thread. */
struct kinds_job {
	struct ind_snapshot	*s;
	struct raw		*w;
	const struct config	*cfg;
	const struct quest_set	*qs;
	const struct ind_items	*items;
	long long		 k;
	int			 window, today;
	const struct ck_table	*ckt;
	const struct tfact	*tf;
	size_t			 ntf;
	int			 first, last;
	int			 rc;
	uint64_t		 ns_facts, ns_cube, ns_dc;
};

static int	build_doel(struct ind_snapshot *, struct raw *);
static int	build_tev(struct ind_snapshot *, struct raw *);
static int	build_uitval(struct ind_snapshot *, struct raw *, int);
static int	build_aan(struct ind_snapshot *, const struct config *,
		    struct raw *, const struct tfact *, size_t);

static int	units_by_client(struct ind_snapshot *, enum ind_kind);

static void *
kinds_thread(void *arg)
{
	struct kinds_job	*j = arg;
	struct ind_snapshot	*s = j->s;
	uint64_t		 t1, t2, cells;
	int			 kind;

	for (kind = j->first; kind <= j->last; kind++) {
		t1 = util_now_ns();
		if ((kind == IND_DOELREALISATIE ? build_doel(s, j->w) :
		    kind == IND_TEVREDENHEID ? build_tev(s, j->w) :
		    kind == IND_UITVAL ? build_uitval(s, j->w, j->window) :
		    build_aan(s, j->cfg, j->w, j->tf, j->ntf)) == -1 ||
		    units_by_client(s, (enum ind_kind)kind) == -1) {
			j->rc = -1;
			return NULL;
		}
		t2 = util_now_ns();
		j->ns_facts += t2 - t1;
		cells = 0;
		if (ind_cube_build(s, j->cfg, j->qs, j->items, j->k,
		    j->window, j->today, j->ckt, (enum ind_kind)kind,
		    &cells) == -1) {
			j->rc = -1;
			return NULL;
		}
		j->ns_cube += cells;
		/* The cube's time less its cells': the disclosure tables. */
		j->ns_dc += util_now_ns() - t2 - cells;
		units_free_kind(s, kind);
		/* What no later kind reads. */
		if (kind == IND_DOELREALISATIE) {
			free(j->w->sc);
			j->w->sc = NULL;
		} else if (kind == IND_TEVREDENHEID) {
			free(s->vals);
			s->vals = NULL;
			s->nvals = 0;
		}
	}
	return NULL;
}

/* The process's peak RSS so far, in MB. */
static long
peak_mb(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	return ru.ru_maxrss / 1024;
}

/* CPU time of the process, all threads (ns). */
static uint64_t
cpu_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct ind_snapshot *
ind_snapshot_build(const struct config *cfg, const struct quest_set *qs,
    const struct ind_items *items, struct store *st, long long k,
    int window, int today)
{
	return ind_snapshot_build_ck(cfg, qs, items, st, k, window, today,
	    NULL);
}

/*
 * The record keys of the clients (cellkey.h), by dense index: one MAC
 * per client per snapshot, from the pseudonym the store holds.
 */
static int
build_rkeys(struct ind_snapshot *s, const struct ck_ctx *ck,
    const int64_t *clients)
{
	size_t	i;

	if ((s->rkeys = calloc(s->nclients ? s->nclients : 1,
	    sizeof(*s->rkeys))) == NULL)
		return -1;
	for (i = 0; i < s->nclients; i++)
		s->rkeys[i] = ck_record_key(ck, clients[i]);
	s->cellkey = 1;
	return 0;
}

struct ind_snapshot *
ind_snapshot_build_ck(const struct config *cfg, const struct quest_set *qs,
    const struct ind_items *items, struct store *st, long long k,
    int window, int today, const struct ck_ctx *ck)
{
	struct ind_scan_fns	 fns = { raw_score, raw_traj, raw_resp,
				    raw_link };
	struct ind_snapshot	*s;
	struct raw		 w;
	int64_t			*clients = NULL;
	struct tfact		*tf = NULL;
	size_t			 ntf = 0;
	uint64_t		 t0 = util_now_ns(), c0 = cpu_ns();
	long			 mb_store = 0, mb_facts = 0;
	struct kinds_job	 jobs[2];
	pthread_t		 tid;
	int			 threaded;
	int			 kind;

	pthread_once(&malloc_once, malloc_setup);
	memset(&w, 0, sizeof(w));
	w.qs = qs;
	w.gm.cfg = cfg;
	memset(w.gm.ix, GEM_UNSEEN, sizeof(w.gm.ix));
	/* Never fall back to unprotected counts. */
	if ((cfg->disclosure == CFG_DISCLOSURE_CELLKEY) != (ck != NULL)) {
		log_error("indicators: the cell-key method is %s but its key "
		    "is %s", cfg->disclosure == CFG_DISCLOSURE_CELLKEY ?
		    "configured" : "not configured", ck ? "given" : "missing");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->refs = 1;
	pthread_mutex_init(&s->dch_mu, NULL);
	s->dch_store = st;	/* the disclosure history (dc_history.h) */
	if (store_ind_scan(st, &fns, &w, &s->generation) == -1)
		goto fail;
	s->ns_store = util_now_ns() - t0;
	mb_store = peak_mb();
	apply_links(&w);
	if (build_dims(s, &w, &clients) == -1 ||
	    (ck != NULL && build_rkeys(s, ck, clients) == -1) ||
	    score_facts(&w, &tf, &ntf) == -1)
		goto fail;
	/* The answers given by the questionnaires, for the cube. */
	s->vals = w.vals;
	s->nvals = w.nvals;
	w.vals = NULL;
	s->ns_facts = util_now_ns() - t0 - s->ns_store;
	mb_facts = peak_mb();
	s->ngem = (int)cfg->ref.ngemeenten;
	s->nclu = (int)cfg->ref.nclusters;
	/* Every gemeente code looked up now: the kinds only read the memo. */
	for (kind = 1; kind < 10000; kind++)
		(void)gem_of(&w.gm, kind);
	/*
	 * Doelrealisatie and tevredenheid in a thread of their own, uitval
	 * and aanlevering (one pattern) in this one; each kind's units are
	 * freed before the next kind of its thread is made.
	 */
	memset(jobs, 0, sizeof(jobs));
	for (kind = 0; kind < 2; kind++) {
		jobs[kind].s = s;
		jobs[kind].w = &w;
		jobs[kind].cfg = cfg;
		jobs[kind].qs = qs;
		jobs[kind].items = items;
		jobs[kind].k = k;
		jobs[kind].window = window;
		jobs[kind].today = today;
		jobs[kind].ckt = ck != NULL ? ck_ctx_table(ck) : NULL;
		jobs[kind].tf = tf;
		jobs[kind].ntf = ntf;
		jobs[kind].first = kind == 0 ? IND_DOELREALISATIE : IND_UITVAL;
		jobs[kind].last = kind == 0 ? IND_TEVREDENHEID : IND_AANLEVERING;
	}
	/* The history is loaded before the cube and saved after all runs. */
	if (ck == NULL && dch_begin(s) == -1)
		goto fail;
	threaded = pthread_create(&tid, NULL, kinds_thread, &jobs[0]) == 0;
	if (!threaded)
		(void)kinds_thread(&jobs[0]);
	(void)kinds_thread(&jobs[1]);
	if (threaded)
		pthread_join(tid, NULL);
	for (kind = 0; kind < 2; kind++) {
		s->ns_facts += jobs[kind].ns_facts;
		s->ns_cube += jobs[kind].ns_cube;
		s->ns_dc += jobs[kind].ns_dc;
	}
	if (jobs[0].rc == -1 || jobs[1].rc == -1 ||
	    (ck == NULL && dch_end(s) == -1))
		goto fail;
	free(s->rkeys);		/* the cell keys are in the cube */
	s->rkeys = NULL;
	units_free(s);		/* answers come from the cube alone */
	s->today = today;
	s->built_ns = util_now_ns();
	feed_snapshot_built(s->built_ns - t0);
	log_info("indicators: snapshot of %zu scores, %zu trajecten,"
	    " %zu responses built in %llu ms (store %llu, facts %llu, cube "
	    "%llu, disclosure %llu ms; CPU %llu ms; process peak RSS %ld MB "
	    "after the store read, %ld after the facts, %ld in all)",
	    w.nsc, w.ntr, w.nrs,
	    (unsigned long long)((s->built_ns - t0) / 1000000),
	    (unsigned long long)(s->ns_store / 1000000),
	    (unsigned long long)(s->ns_facts / 1000000),
	    (unsigned long long)(s->ns_cube / 1000000),
	    (unsigned long long)(s->ns_dc / 1000000),
	    (unsigned long long)((cpu_ns() - c0) / 1000000), mb_store,
	    mb_facts, peak_mb());
	goto out;
fail:
	ind_snapshot_free(s);
	s = NULL;
out:
	free(clients);
	free(tf);
	free(w.sc);
	free(w.tr);
	free(w.rs);
	free(w.vals);
	free(w.ln);
	malloc_release();
	return s;
}

/* The unit facts of one kind, once its cells hold what they add up to. */
static void
units_free_kind(struct ind_snapshot *s, int k)
{
	int	t;

	for (t = 0; t < IND__NPERIODS; t++)
		ind_units_release(s, (enum ind_kind)k, (enum ind_period)t);
	free(s->ubase[k]);
	s->ubase[k] = NULL;
	s->nbase[k] = 0;
}

/* The unit facts and answers, once the cube holds what they add up to. */
static void
units_free(struct ind_snapshot *s)
{
	int	k;

	for (k = 0; k < IND__NKINDS; k++)
		units_free_kind(s, k);
	free(s->vals);
	s->vals = NULL;
	s->nvals = 0;
}

void
ind_snapshot_free(struct ind_snapshot *s)
{
	int	k, t;

	if (s == NULL)
		return;
	for (k = 0; k < IND__NKINDS; k++) {
		units_free_kind(s, k);
		for (t = 0; t < IND__NPERIODS; t++)
			ind_cube_free(&s->cube[k][t]);
		dc_free(&s->dc[k]);
	}
	free(s->agbs);
	free(s->vals);
	free(s->rkeys);
	dch_free(s->dch);
	pthread_mutex_destroy(&s->dch_mu);
	free(s);
}

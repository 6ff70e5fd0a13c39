/*
 * Cell selection: which cells of the cube an answer holds, in output
 * order, and the vergelijking an aanbieder gets beside its own cells,
 * with its own suppression pattern.
 */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "errors.h"
#include "ind_impl.h"
#include "util.h"

/*
 * The clients a vergelijking count stands for. The asking aanbieder knows
 * its own part, so the cluster's count also publishes the rest of the
 * cluster: both must hold k clients, or the rest none at all (a zero may
 * be known). Clients shared with other aanbieders make the rest's true
 * count larger than all - own, so this errs on the side of hiding.
 */
static int64_t
verg_clients(int64_t all, int64_t own)
{
	int64_t	rest = all - own;

	if (rest <= 0)
		return all;
	return rest < all ? rest : all;
}

/*
 * The clients behind sub-count i (the answers to one item, the T-scores)
 * of c: for a vergelijking also those of the rest of the cluster, whose
 * mean the asking aanbieder could work out from its own.
 */
int64_t
ind_sub_clients(const struct cell *c, const struct cell *own, int i)
{
	if (own == NULL)
		return c->sub[i].clients;
	return verg_clients(c->sub[i].clients, own->sub[i].clients);
}

int
ind_geo_cluster(const struct run *r, int geo)
{
	if (geo < r->snap->ngem)
		return (int)r->cfg->ref.gemeenten[geo].cluster;
	if (geo < IND_GEO_REGIO(r->snap))
		return geo - r->snap->ngem;
	return -1;
}

int
ind_run_window_closed(const struct run *r, int p)
{
	return ind_window_closed(p, r->q->period, r->snap->today, r->window);
}

int
ind_voorlopig(const struct run *r, const struct cell *c)
{
	int	last = ind_period_last_day(c->period, r->q->period);
	int	until = last;

	/* JW307 stops arrive late; CEM+ responses after the end too. */
	if (r->q->kind == IND_UITVAL || r->q->kind == IND_AANLEVERING)
		until = date_add_months(last, (int)config_limit(r->cfg,
		    LIMIT_UITVAL_VOORLOPIG_MONTHS));
	if (r->q->kind == IND_AANLEVERING) {
		int	cem = date_add_days(last, config_limit(r->cfg,
		    LIMIT_CEM_DAYS_AFTER));

		if (cem > until)
			until = cem;
	}
	return r->snap->today <= until;
}

static struct out *
sel_add(struct sel *s, const struct cell *c, const struct dc_table *dc)
{
	static struct out	 skipped;
	struct out		*o;

	/*
	 * Cell key: a cell whose perturbed count is 0 is left out like a
	 * cell without data, so that a 0 and an absent cell say the same.
	 */
	if (c != NULL && dc == NULL && (c->tot.units == 0 ||
	    c->tot.clients == 0))
		return &skipped;

	if (util_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) == -1)
		return NULL;
	o = &s->v[s->n++];
	o->c = c;
	o->dc = dc;
	o->verg = 0;
	o->own = NULL;
	o->bdv = 0;
	return o;
}

/* The vergelijkingen moved as their vector grew: point to them again. */
static void
sel_home(struct sel *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].verg) {
			s->v[i].c = &s->vg[s->v[i].verg - 1].copy;
			s->v[i].dc = &s->vg[s->v[i].verg - 1].dc;
		}
}

void
ind_sel_free(struct sel *s)
{
	size_t	i;

	for (i = 0; i < s->nvg; i++)
		dc_free(&s->vg[i].dc);
	free(s->vg);
	free(s->v);
}

/*
 * The vergelijking beside the asking aanbieder's own cell in cluster
 * geo: the cluster's cell from the cube, with the cube's suppression,
 * plus what hiding the rest of the cluster asks (verg_clients), and none
 * at all with fewer than 3 aanbieders.
 */
static int
add_vergelijking(struct run *r, struct sel *s, const struct cell *own,
    const struct cell *all)
{
	const struct dc_table	*cube = &r->snap->dc[IND_DC_KIND(r->q->kind)];
	const struct layout	*l = r->lay;
	int64_t			 cl[1 + U__NCAT + 2 * QUEST__NRESPONDENTS];
	struct verg		*v;
	struct out		*o;
	int			 i;

	if (l->ncat + 1 > (int)(sizeof(cl) / sizeof(cl[0])))
		return -1;
	if (util_grow((void **)&s->vg, &s->capvg, s->nvg + 1,
	    sizeof(*s->vg)) == -1 || (o = sel_add(s, NULL, NULL)) == NULL)
		return -1;
	v = &s->vg[s->nvg++];
	o->verg = s->nvg;
	o->own = own;
	v->copy = *all;
	dc_init(&v->dc);
	if (r->snap->cellkey)
		return 0;	/* perturbed: ind_write.c judges n_aanbieders */
	cl[0] = verg_clients(all->tot.clients, own->tot.clients);
	for (i = 0; i < l->ncat; i++)
		cl[1 + i] = verg_clients(all->cat[i].clients,
		    own->cat[i].clients);
	ind_dc_cell(&v->dc, r->q->kind, l, &v->copy,
	    r->q->kind != IND_UITVAL || ind_run_window_closed(r, all->period), cl);
	if (dc_suppressed(cube, all->it_tot) || all->naanbieders < 3)
		dc_force(&v->dc, v->copy.it_tot);
	for (i = 0; i < l->ncat; i++)
		if (dc_suppressed(cube, all->it_cat + (uint32_t)i))
			dc_force(&v->dc, v->copy.it_cat + (uint32_t)i);
	return dc_run(&v->dc, r->k);
}

/* The cell c, then its breakdown cells, in value order. */
static int
add_breakdown(struct run *r, struct sel *s, const struct cell *c,
    const struct dc_table *dc)
{
	const struct ind_bdcell	*b;
	struct out		*o;
	size_t			 i, n;

	if (s->n > 0 && s->v[s->n - 1].c == c)
		s->v[s->n - 1].bdv = -1;
	n = ind_bd_range(&r->snap->bd[r->q->kind], c->geo, c->period,
	    (int)r->q->bd, &b);
	for (i = 0; i < n; i++) {
		if ((o = sel_add(s, b[i].c, dc)) == NULL)
			return -1;
		if (o->c == b[i].c)
			o->bdv = b[i].val + 1;
	}
	return 0;
}

/* Period index of month index m for period type t. */
static int
period_of_month(int m, enum ind_period t)
{
	return t == IND_MONTH ? m : t == IND_QUARTER ? m / 3 : m / 12;
}

/* Gemeente x comes before y in an answer: by cluster, then by code. */
static int
gem_before(const struct config *cfg, size_t x, size_t y)
{
	const struct cfg_gemeente *a = &cfg->ref.gemeenten[x];
	const struct cfg_gemeente *b = &cfg->ref.gemeenten[y];

	if (a->cluster != b->cluster)
		return a->cluster < b->cluster;
	return strcmp(a->code, b->code) < 0;
}

/*
 * Whether config "publicatie" publishes one aanbieder's cells at the level
 * of geo for period type t; if not, the Dutch reason in *msg.
 */
static int
pub_ok(const struct run *r, int geo, enum ind_period t, const char **msg)
{
	/* [level][finest period - 1]: kwartaal, jaar, geen */
	static const char *const why[CFG_PUB__NLEVELS][3] = {
		{ "cijfers van een aanbieder per gemeente zijn er alleen "
		  "per kwartaal en per jaar (instelling publicatie); vraag "
		  "period=quarter of year, of by=cluster",
		  "cijfers van een aanbieder per gemeente zijn er alleen "
		  "per jaar (instelling publicatie); vraag period=year, of "
		  "by=cluster",
		  "cijfers van een aanbieder per gemeente worden niet "
		  "gepubliceerd (instelling publicatie); vraag de cijfers "
		  "per cluster (by=aanbieder met hele clusters in uw "
		  "filter) of van alle aanbieders samen (by=gemeente)" },
		{ "cijfers van een aanbieder per cluster zijn er alleen "
		  "per kwartaal en per jaar (instelling publicatie); vraag "
		  "period=quarter of year",
		  "cijfers van een aanbieder per cluster zijn er alleen "
		  "per jaar (instelling publicatie); vraag period=year",
		  "cijfers van een aanbieder per cluster worden niet "
		  "gepubliceerd (instelling publicatie); vraag de cijfers "
		  "van alle aanbieders samen (by=cluster)" },
		{ "cijfers van een aanbieder in de hele regio zijn er "
		  "alleen per kwartaal en per jaar (instelling publicatie); "
		  "vraag period=quarter of year",
		  "cijfers van een aanbieder in de hele regio zijn er "
		  "alleen per jaar (instelling publicatie); vraag "
		  "period=year",
		  "cijfers van een aanbieder in de hele regio worden niet "
		  "gepubliceerd (instelling publicatie); vraag de cijfers "
		  "van alle aanbieders samen (by=regio)" },
	};
	int	level, g;

	level = geo < r->snap->ngem ? CFG_PUB_GEMEENTE :
	    geo < IND_GEO_REGIO(r->snap) ? CFG_PUB_CLUSTER : CFG_PUB_REGIO;
	g = r->cfg->pub_aanbieder[level];
	if ((int)t >= g)
		return 1;
	*msg = why[level][g - 1];
	return 0;
}

/*
 * The cells an answer holds, from the cube. Geography: a cluster whose
 * gemeenten are all in the population is answered as the cluster, else
 * gemeente by gemeente. Returns 0, or -1 with *status and the error set.
 */
int
ind_select_cells(struct run *r, struct sel *s, unsigned *status,
    const char **code, const char **msg)
{
	const struct ind_snapshot *snap = r->snap;
	const struct ind_cube	*cb = &snap->cube[r->q->kind][r->q->period];
	const struct dc_table	*dc = snap->cellkey ? NULL :
				    &snap->dc[IND_DC_KIND(r->q->kind)];
	const struct config	*cfg = r->cfg;
	const struct pop	*pop = r->pop;
	const struct cell	*c, *own, *all;
	struct cell *const	*rng;
	int			 geos[CFG_MAX_GEMEENTEN + CFG_MAX_CLUSTERS + 1];
	int			 whole[CFG_MAX_CLUSTERS], any[CFG_MAX_CLUSTERS];
	int			 ngeo = 0, p, p0, p1, a, oi = -1, agb_all;
	size_t			 g, i, j, nr, gems[CFG_MAX_GEMEENTEN], ngem = 0;

	agb_all = (int)snap->nagbs;
	for (i = 0; i < cfg->ref.nclusters; i++)
		whole[i] = 1, any[i] = 0;
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		i = cfg->ref.gemeenten[g].cluster;
		if (pop->gem_ok[g])
			any[i] = 1;
		else
			whole[i] = 0;
	}
	/*
	 * Uitsplitsingen only of yearly cells of all aanbieders together:
	 * the breakdown of one aanbieder's or one month's clients would be
	 * mostly withheld, and every extra table is more to protect.
	 */
	if (r->q->bd != IND_BD_NONE && (r->q->period != IND_YEAR ||
	    r->q->by == IND_BY_AANBIEDER || pop->agb_filter)) {
		*status = 400;
		*code = ERR_BAD_PARAMETER;
		*msg = r->q->period != IND_YEAR ? "een uitsplitsing kan "
		    "alleen per jaar (period=year): per maand of kwartaal "
		    "zouden de meeste cellen te klein zijn" :
		    "een uitsplitsing geldt alle aanbieders samen: kies by="
		    "gemeente, cluster of regio, zonder aanbiederfilter";
		return -1;
	}
	if (r->q->by != IND_BY_AANBIEDER && pop->nagbs > 1) {
		*status = 400;
		*code = ERR_BAD_PARAMETER;
		*msg = "meerdere aanbieders kunnen alleen met by=aanbieder";
		return -1;
	}
	/* Gemeenten in output order: by cluster, then by code. */
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		for (j = ngem; j > 0 && gem_before(cfg, g, gems[j - 1]); j--)
			gems[j] = gems[j - 1];
		gems[j] = g;
		ngem++;
	}
	switch (r->q->by) {
	case IND_BY_REGIO:
		if (pop->ngem_ok < cfg->ref.ngemeenten) {
			*status = 403;
			*code = ERR_OUT_OF_SCOPE;
			*msg = "by=regio vraagt de hele regio binnen uw scope "
			    "en filters";
			return -1;
		}
		geos[ngeo++] = IND_GEO_REGIO(snap);
		break;
	case IND_BY_CLUSTER:
		for (i = 0; i < cfg->ref.nclusters; i++) {
			if (any[i] && !whole[i]) {
				*status = 403;
				*code = ERR_OUT_OF_SCOPE;
				*msg = "by=cluster vraagt elk cluster dat het "
				    "raakt geheel binnen uw scope en filters; "
				    "filter op cluster= of vraag by=gemeente";
				return -1;
			}
			if (any[i])
				geos[ngeo++] = IND_GEO_CLUSTER(snap, (int)i);
		}
		break;
	case IND_BY_GEMEENTE:
		for (j = 0; j < ngem; j++)
			if (pop->gem_ok[gems[j]])
				geos[ngeo++] = (int)gems[j];
		break;
	default:
		for (i = 0; i < cfg->ref.nclusters; i++) {
			if (!any[i])
				continue;
			if (whole[i]) {
				geos[ngeo++] = IND_GEO_CLUSTER(snap, (int)i);
				continue;
			}
			for (j = 0; j < ngem; j++)
				if (pop->gem_ok[gems[j]] &&
				    cfg->ref.gemeenten[gems[j]].cluster == i)
					geos[ngeo++] = (int)gems[j];
		}
		break;
	}
	/*
	 * One aanbieder's cells where "publicatie" has none: refused, not
	 * answered as if there were no data.
	 */
	for (i = 0; (r->q->by == IND_BY_AANBIEDER || pop->agb_filter) &&
	    i < (size_t)ngeo; i++) {
		if (!pub_ok(r, geos[i], r->q->period, msg)) {
			*status = 400;
			*code = ERR_PERIODE_NIET_GEPUBLICEERD;
			return -1;
		}
	}
	if (pop->vergelijking)
		oi = ind_agb_index(snap, pop->own_agb);
	p0 = period_of_month(r->q->from, r->q->period);
	p1 = period_of_month(r->q->to, r->q->period);
	/* Cells in output order: period, cluster, gemeente code, AGB. */
	for (p = p0; p <= p1; p++) {
		for (i = 0; i < (size_t)ngeo; i++) {
			if (r->q->by == IND_BY_AANBIEDER && !pop->agb_filter) {
				nr = ind_cube_range(cb, geos[i], p, &rng);
				for (j = 0; j < nr; j++)
					if (rng[j]->agb != agb_all &&
					    sel_add(s, rng[j], dc) == NULL)
						goto oom;
				continue;
			}
			for (j = 0; j < (pop->agb_filter ? pop->nagbs : 1);
			    j++) {
				a = pop->agb_filter ?
				    ind_agb_index(snap, pop->agbs[j]) : agb_all;
				c = a >= 0 ? ind_cube_find(cb, a, geos[i], p) :
				    NULL;
				if (c != NULL && sel_add(s, c, dc) == NULL)
					goto oom;
				if (r->q->bd != IND_BD_NONE && c != NULL &&
				    add_breakdown(r, s, c, dc) == -1)
					goto oom;
			}
		}
	}
	/* Then the aanbieder's vergelijkingen, per cluster it works in. */
	for (p = p0; oi >= 0 && p <= p1; p++) {
		for (i = 0; i < cfg->ref.nclusters; i++) {
			int	geo = IND_GEO_CLUSTER(snap, (int)i);

			if (!any[i] ||
			    (own = ind_cube_find(cb, oi, geo, p)) == NULL ||
			    (all = ind_cube_find(cb, agb_all, geo, p)) == NULL)
				continue;
			if (add_vergelijking(r, s, own, all) == -1)
				goto oom;
		}
	}
	sel_home(s);
	return 0;
oom:
	*status = 500;
	*code = ERR_INTERNAL;
	*msg = "onvoldoende geheugen";
	return -1;
}

/*
 * Reading answers the way the party reads them, and writing down what
 * the attacker knows about the figures: only the JSON a party receives,
 * and the rules docs/indicators.md states (a listed cell has units, a 0 is
 * a real zero and `null` a withheld count, shares are rounded to one
 * decimal half up, absent cells are empty, herinstroom splits reason 31).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attack.h"

#define ATK_INF		1e15

static const char *const reden_names[] = { "02", "31", "32", "33", "34",
	"35", "36", "37", "38", "39", "overig" };

static int
ncat_of(int kind)
{
	return kind == 0 ? ATK_D_NCAT : kind == 1 ? ATK_T_NCAT : ATK_U_NCAT;
}

static int
parse_period(const char *s, int *pt, int *per)
{
	int	y, x;

	if (s == NULL || strlen(s) < 4)
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	if (y < 2000 || y > 2099)
		return -1;
	if (s[4] == '\0') {
		*pt = 2;
		*per = y - 2000;
	} else if (s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4' &&
	    s[7] == '\0') {
		*pt = 1;
		*per = (y - 2000) * 4 + (s[6] - '1');
	} else if (s[4] == '-' && strlen(s) == 7) {
		x = (s[5] - '0') * 10 + (s[6] - '0');
		if (x < 1 || x > 12)
			return -1;
		*pt = 0;
		*per = (y - 2000) * 12 + x - 1;
	} else
		return -1;
	return 0;
}

static int
parse_geo(const struct config *cfg, const cJSON *cell, int *geo)
{
	const char	*g = cJSON_GetStringValue(cJSON_GetObjectItem(cell,
	    "gemeente"));
	const char	*c = cJSON_GetStringValue(cJSON_GetObjectItem(cell,
	    "cluster"));
	size_t		 i;

	if (g != NULL) {
		for (i = 0; i < cfg->ref.ngemeenten; i++)
			if (strcmp(cfg->ref.gemeenten[i].code, g) == 0) {
				*geo = (int)i;
				return 0;
			}
		return -1;
	}
	if (c != NULL) {
		for (i = 0; i < cfg->ref.nclusters; i++)
			if (strcmp(cfg->ref.clusters[i].name, c) == 0) {
				*geo = ATK_GEO_CLUSTER((int)i);
				return 0;
			}
		return -1;
	}
	*geo = ATK_GEO_REGIO;
	return 0;
}

static enum atk_level
level_of(unsigned agb, int geo, int verg)
{
	if (verg)
		return ATK_LV_VERG;
	if (geo == ATK_GEO_REGIO)
		return agb == ATK_ALL ? ATK_LV_REG : ATK_LV_AGB_REG;
	if (geo >= ATK_GEO_CLUSTER(0))
		return agb == ATK_ALL ? ATK_LV_CLU : ATK_LV_AGB_CLU;
	return agb == ATK_ALL ? ATK_LV_GEM : ATK_LV_AGB_GEM;
}

/* A printed count. */
static void
known(struct atk_model *m, size_t v, double x)
{
	m->v[v].visible = 1;
	atk_bound(m, v, x, x);
}

/* A withheld count; listed ones are known to be at least 1. */
static void
withheld(struct atk_model *m, size_t v, int atleast1)
{
	m->v[v].withheld = 1;
	if (atleast1)
		atk_bound(m, v, 1, ATK_INF);
}

/*
 * A one-decimal percentage p of n, rounded half up, gives the count c
 * within n * (p - 0.05) / 100 .. n * (p + 0.05) / 100.
 */
static void
share_bounds(double p, double n, double *lo, double *hi)
{
	*lo = ceil(n * (p - 0.05) / 100.0 - 1e-6);
	*hi = floor(n * (p + 0.05) / 100.0 + 1e-6);
	if (*lo < 0)
		*lo = 0;
}

static void
share(struct atk_model *m, size_t v, const cJSON *p, double n)
{
	double	lo, hi;

	if (!cJSON_IsNumber(p))
		return;
	share_bounds(p->valuedouble, n, &lo, &hi);
	m->v[v].visible = 1;
	atk_bound(m, v, lo, hi);
}

static void
cell_uitval(struct atk_model *m, const cJSON *vals, uint64_t base, int pt,
    int per, double n)
{
	const cJSON	*pr = cJSON_GetObjectItem(vals, "per_reden");
	const cJSON	*her = cJSON_GetObjectItem(vals, "herinstroom");
	const cJSON	*x, *p;
	size_t		 v, i;
	double		 lo, hi, n31;

	for (i = 0; i < 11; i++) {
		v = atk_var(m, base + ATK_U_REDEN0 + i);
		x = cJSON_GetObjectItem(pr, reden_names[i]);
		if (cJSON_IsNumber(x))
			known(m, v, x->valuedouble);
		else if (cJSON_IsNull(x))
			withheld(m, v, 1);
	}
	share(m, atk_var(m, base + ATK_U_R31),
	    cJSON_GetObjectItem(vals, "volgens_plan_pct"), n);
	share(m, atk_var(m, base + ATK_U_R32),
	    cJSON_GetObjectItem(vals, "eenzijdig_client_pct"), n);
	p = cJSON_GetObjectItem(vals, "voortijdig_pct");
	if (cJSON_IsNumber(p)) {
		share_bounds(p->valuedouble, n, &lo, &hi);
		atk_row(m, lo, hi);
		for (i = 2; i <= 5; i++)
			atk_row_add(m, atk_var(m, base + ATK_U_REDEN0 + i), 1);
	}
	x = cJSON_GetObjectItem(her, "window_closed");
	if (!cJSON_IsBool(x))
		return;
	m->closed[pt][per] = cJSON_IsTrue(x) ? 1 : 0;
	if (!cJSON_IsTrue(x))
		return;
	atk_var(m, base + ATK_U_HER_NEW);
	v = atk_var(m, base + ATK_U_HER_NONE);
	x = cJSON_GetObjectItem(her, "n");
	if (cJSON_IsNumber(x)) {
		n31 = x->valuedouble;
		known(m, atk_var(m, base + ATK_U_R31), n31);
		p = cJSON_GetObjectItem(her, "geen_nieuwe_start_pct");
		if (cJSON_IsNumber(p)) {
			share(m, v, p, n31);
			return;
		}
	}
	withheld(m, atk_var(m, base + ATK_U_HER_NEW), 0);
	withheld(m, v, 0);
}

static void
cell_doel(struct atk_model *m, const cJSON *vals, uint64_t base, double n)
{
	static const char *const pa[] = { "1", "2", "3" };
	const cJSON	*po = cJSON_GetObjectItem(vals, "probleemafname");
	const cJSON	*x;
	size_t		 v, i;

	for (i = 0; i < 3; i++) {
		v = atk_var(m, base + ATK_D_PA0 + 1 + i);
		x = cJSON_GetObjectItem(po, pa[i]);
		if (cJSON_IsNumber(x))
			share(m, v, x, n);
		else if (cJSON_IsNull(x))
			withheld(m, v, 1);
	}
	v = atk_var(m, base + ATK_D_ZH_JA);
	x = cJSON_GetObjectItem(vals, "zonder_hulp_verder_pct");
	if (cJSON_IsNumber(x))
		share(m, v, x, n);
	else
		withheld(m, v, 0);	/* ja or not ja withheld: either */
}

static void
cell_tev(struct atk_model *m, const cJSON *vals, uint64_t base)
{
	static const char *const rt[] = { "jeugdige", "ouder" };
	const cJSON	*x;
	size_t		 v, i;

	for (i = 0; i < 2; i++) {
		v = atk_var(m, base + 1 + i);
		x = cJSON_GetObjectItem(vals, rt[i]);
		if (cJSON_IsObject(x) &&
		    cJSON_IsNumber(cJSON_GetObjectItem(x, "n")))
			known(m, v, cJSON_GetObjectItem(x, "n")->valuedouble);
		else if (cJSON_IsNull(x))
			withheld(m, v, 1);
	}
}

static int
add_cell(struct atk_model *m, int kind, int pt, const cJSON *cell,
    const char *only)
{
	const char	*agb = cJSON_GetStringValue(cJSON_GetObjectItem(cell,
	    "aanbieder"));
	const cJSON	*sup = cJSON_GetObjectItem(cell, "suppressed");
	const cJSON	*n = cJSON_GetObjectItem(cell, "n");
	int		 verg = cJSON_IsTrue(cJSON_GetObjectItem(cell,
	    "vergelijking"));
	unsigned	 a = ATK_ALL, code = 0;
	int		 geo, per, cpt, c, ncat = ncat_of(kind);
	uint64_t	 base;
	size_t		 v, i;
	enum atk_level	 lv;

	if (parse_period(cJSON_GetStringValue(cJSON_GetObjectItem(cell,
	    "period")), &cpt, &per) == -1 || cpt != pt ||
	    parse_geo(m->cfg, cell, &geo) == -1 || !cJSON_IsBool(sup))
		return -1;
	/* Cells of a query on one aanbieder carry no AGB code but the
	 * answer's filter does; a vergelijking is all aanbieders. */
	if (agb == NULL && !verg)
		agb = only;
	if (agb != NULL) {
		for (i = 0; agb[i] != '\0'; i++)
			code = code * 10 + (unsigned)(agb[i] - '0');
		a = atk_agb_index(m, code);
	}
	base = atk_key(kind, a, geo, pt, per, 0);
	v = atk_var(m, base);
	for (c = 1; c < ncat; c++)
		if (kind != 2 || c < ATK_U_HER_NEW)
			atk_var(m, base + (uint64_t)c);
	for (c = 0; c < ncat; c++) {
		if ((i = atk_find(m, base + (uint64_t)c)) == (size_t)-1)
			continue;
		m->v[i].vergelijking |= (uint8_t)verg;
		m->v[i].open |= (uint8_t)verg;
	}
	lv = level_of(a, geo, verg);
	if (!m->v[v].listed) {
		m->v[v].listed = 1;
		m->ucells[kind][lv][pt]++;
		if (cJSON_IsTrue(sup))
			m->uwithheld[kind][lv][pt]++;
	}
	if (cJSON_IsTrue(sup)) {
		withheld(m, v, 1);
		/* Every count the cell would have printed is withheld too. */
		for (c = 1; c < ncat; c++) {
			if ((kind == 0 && (c == ATK_D_PA0 ||
			    c == ATK_D_ZH_NIET)) || (kind == 2 &&
			    c >= ATK_U_HER_NEW))
				continue;
			withheld(m, atk_var(m, base + (uint64_t)c), 0);
		}
		return 0;
	}
	if (!cJSON_IsNumber(n))
		return -1;
	known(m, v, n->valuedouble);
	if (kind == 2)
		cell_uitval(m, cJSON_GetObjectItem(cell, "values"), base, pt,
		    per, n->valuedouble);
	else if (kind == 0)
		cell_doel(m, cJSON_GetObjectItem(cell, "values"), base,
		    n->valuedouble);
	else
		cell_tev(m, cJSON_GetObjectItem(cell, "values"), base);
	return 0;
}

int
atk_add_answer(struct atk_model *m, const char *json, size_t len)
{
	static const char *const kinds[] = { "doelrealisatie", "tevredenheid",
	    "uitval" };
	static const char *const pts[] = { "month", "quarter", "year" };
	cJSON		*root, *cells, *cell, *fa;
	const char	*s, *only = NULL;
	int		 kind = -1, pt = -1, i, ret = -1;

	if ((root = cJSON_ParseWithLength(json, len)) == NULL)
		return -1;
	s = cJSON_GetStringValue(cJSON_GetObjectItem(root, "indicator"));
	for (i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, kinds[i]) == 0)
			kind = i;
	s = cJSON_GetStringValue(cJSON_GetObjectItem(root, "period"));
	for (i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, pts[i]) == 0)
			pt = i;
	cells = cJSON_GetObjectItem(root, "cells");
	if (kind == -1 || pt == -1 || !cJSON_IsArray(cells))
		goto fail;
	fa = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "filters"),
	    "aanbieder");
	if (cJSON_IsArray(fa) && cJSON_GetArraySize(fa) == 1)
		only = cJSON_GetStringValue(cJSON_GetArrayItem(fa, 0));
	cJSON_ArrayForEach(cell, cells)
		if (add_cell(m, kind, pt, cell, only) == -1)
			goto fail;
	m->answers++;
	ret = 0;
fail:
	cJSON_Delete(root);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Relations */

/* A new, unpublished part of an open total (a vergelijking month the
 * aanbieder has no data in): unknown, not 0. */
static size_t
free_part(struct atk_model *m, uint64_t key, int herinstroom, unsigned own)
{
	int		kind, geo, pt, per, cat, c;
	unsigned	agb;
	uint64_t	base;
	size_t		v, i;

	atk_key_split(key, &kind, &agb, &geo, &pt, &per, &cat);
	base = key - (uint64_t)cat;
	for (c = 0; c < ncat_of(kind); c++) {
		if (kind == 2 && c >= ATK_U_HER_NEW && !herinstroom)
			continue;
		if (atk_find(m, base + (uint64_t)c) != (size_t)-1)
			continue;
		i = atk_var(m, base + (uint64_t)c);
		m->v[i].open = m->v[i].vergelijking = 1;
		m->v[i].truth = atk_truth_get(m, base + (uint64_t)c);
		if (own != ATK_ALL)
			m->v[i].shift = atk_truth_get(m, atk_key(kind, own,
			    geo, pt, per, c));
		atk_bound(m, i, (double)m->v[i].shift, ATK_INF);
	}
	v = atk_find(m, key);
	return v;
}

/* Parts of a total: returns how many keys were written to parts. */
static size_t
parts_of(const struct atk_model *m, uint64_t key, int rel, uint64_t *parts)
{
	const struct config *cfg = m->cfg;
	int		 kind, geo, pt, per, cat, i;
	unsigned	 agb;
	size_t		 n = 0, g;

	atk_key_split(key, &kind, &agb, &geo, &pt, &per, &cat);
	switch (rel) {
	case 0:		/* aanbieders of a place */
		if (agb != ATK_ALL)
			break;
		for (g = 0; g < m->nagbs; g++)
			parts[n++] = atk_key(kind, (unsigned)g, geo, pt, per,
			    cat);
		break;
	case 1:		/* places */
		if (geo == ATK_GEO_REGIO)
			for (g = 0; g < cfg->ref.nclusters; g++)
				parts[n++] = atk_key(kind, agb,
				    ATK_GEO_CLUSTER((int)g), pt, per, cat);
		else if (geo >= ATK_GEO_CLUSTER(0))
			for (g = 0; g < cfg->ref.ngemeenten; g++)
				if ((int)cfg->ref.gemeenten[g].cluster ==
				    geo - ATK_GEO_CLUSTER(0))
					parts[n++] = atk_key(kind, agb, (int)g,
					    pt, per, cat);
		break;
	default:	/* periods */
		if (pt == 1)
			for (i = 0; i < 3; i++)
				parts[n++] = atk_key(kind, agb, geo, 0,
				    per * 3 + i, cat);
		else if (pt == 2)
			for (i = 0; i < 4; i++)
				parts[n++] = atk_key(kind, agb, geo, 1,
				    per * 4 + i, cat);
		break;
	}
	return n;
}

static void
relate_total(struct atk_model *m, size_t t, int rel, unsigned own,
    uint64_t *parts)
{
	size_t		 np, i, found = 0, pv[ATK_AGB_MAX + 64];
	int		 kind, geo, pt, per, cat, open = m->v[t].open;
	int		 her;
	unsigned	 agb;

	atk_key_split(m->v[t].key, &kind, &agb, &geo, &pt, &per, &cat);
	her = kind == 2 && m->closed[pt][per] == 1;
	np = parts_of(m, m->v[t].key, rel, parts);
	for (i = 0; i < np; i++) {
		pv[i] = atk_find(m, parts[i]);
		if (pv[i] == (size_t)-1 && open && rel == 2)
			pv[i] = free_part(m, parts[i], her, own);
		if (pv[i] != (size_t)-1)
			found++;
	}
	/* Parts the party cannot see at all: no relation, not zeros. */
	if (found == 0)
		return;
	if (kind == 0 && rel == 2) {
		/* A trajectory counts once per period: the total is at
		 * most the sum of its parts, each part at most the total. */
		atk_row(m, 0, ATK_INF);
		for (i = 0; i < np; i++)
			if (pv[i] != (size_t)-1)
				atk_row_add(m, pv[i], 1);
		atk_row_add(m, t, -1);
		if (cat != ATK_CAT_N)
			return;
		for (i = 0; i < np; i++) {
			if (pv[i] == (size_t)-1)
				continue;
			atk_row(m, 0, ATK_INF);
			atk_row_add(m, t, 1);
			atk_row_add(m, pv[i], -1);
		}
		return;
	}
	atk_row(m, 0, 0);
	for (i = 0; i < np; i++)
		if (pv[i] != (size_t)-1)
			atk_row_add(m, pv[i], 1);
	atk_row_add(m, t, -1);
}

static void
relate_cell(struct atk_model *m, uint64_t base, int kind)
{
	size_t	c, h1, h2;

	atk_row(m, 0, 0);
	atk_row_add(m, atk_var(m, base), -1);
	if (kind == 2) {
		for (c = 0; c < 11; c++)
			atk_row_add(m, atk_var(m, base + ATK_U_REDEN0 + c), 1);
		h1 = atk_find(m, base + ATK_U_HER_NEW);
		h2 = atk_find(m, base + ATK_U_HER_NONE);
		if (h1 != (size_t)-1 && h2 != (size_t)-1) {
			atk_row(m, 0, 0);
			atk_row_add(m, atk_var(m, base + ATK_U_R31), -1);
			atk_row_add(m, h1, 1);
			atk_row_add(m, h2, 1);
		}
	} else if (kind == 0) {
		for (c = 0; c < 4; c++)
			atk_row_add(m, atk_var(m, base + ATK_D_PA0 + c), 1);
		atk_row(m, 0, 0);
		atk_row_add(m, atk_var(m, base), -1);
		atk_row_add(m, atk_var(m, base + ATK_D_ZH_JA), 1);
		atk_row_add(m, atk_var(m, base + ATK_D_ZH_NIET), 1);
	} else {
		atk_row_add(m, atk_var(m, base + 1), 1);
		atk_row_add(m, atk_var(m, base + 2), 1);
	}
}

int
atk_relate(struct atk_model *m, unsigned own)
{
	uint64_t	*parts;
	size_t		 i, n0, v;
	int		 kind, geo, pt, per, cat, rel;
	unsigned	 agb;

	if ((parts = calloc(ATK_AGB_MAX + 64, sizeof(*parts))) == NULL)
		return -1;
	n0 = m->nv;
	for (i = 0; i < n0; i++) {
		struct atk_var *x = &m->v[i];

		atk_key_split(x->key, &kind, &agb, &geo, &pt, &per, &cat);
		if (x->visible)
			x->withheld = 0;
		x->truth = atk_truth_get(m, x->key);
		x->has_truth = 1;
		if (own != ATK_ALL && agb == own) {
			/* Its own records: known exactly, not withheld. */
			x->withheld = 0;
			atk_bound(m, i, (double)x->truth, (double)x->truth);
		}
		if (own != ATK_ALL && agb == ATK_ALL) {
			x->shift = atk_truth_get(m, atk_key(kind, own, geo, pt,
			    per, cat));
			atk_bound(m, i, (double)x->shift, ATK_INF);
		}
	}
	/*
	 * Herinstroom windows: an answer says whether a period's window is
	 * closed; for periods with nothing printed the attacker applies the
	 * documented rule (closed once the month after the period's last
	 * month plus the window has begun).
	 */
	for (pt = 0; pt < 3 && m->today_month > 0; pt++)
		for (per = 0; per < 1200; per++) {
			int last = pt == 0 ? per : pt == 1 ? per * 3 + 2 :
			    per * 12 + 11;

			if (m->closed[pt][per] == -1)
				m->closed[pt][per] = m->today_month >
				    last + m->window ? 1 : 0;
		}
	/* Herinstroom counts of withheld cells in closed periods. */
	for (i = 0; i < n0; i++) {
		atk_key_split(m->v[i].key, &kind, &agb, &geo, &pt, &per, &cat);
		if (kind != 2 || cat != ATK_CAT_N || m->closed[pt][per] != 1)
			continue;
		if (atk_find(m, m->v[i].key + ATK_U_HER_NEW) != (size_t)-1)
			continue;
		v = atk_var(m, m->v[i].key + ATK_U_HER_NEW);
		m->v[v].truth = atk_truth_get(m, m->v[v].key);
		m->v[v].withheld = m->v[i].withheld;
		m->v[v].open = m->v[i].open;
		m->v[v].vergelijking = m->v[i].vergelijking;
		v = atk_var(m, m->v[i].key + ATK_U_HER_NONE);
		m->v[v].truth = atk_truth_get(m, m->v[v].key);
		m->v[v].withheld = m->v[i].withheld;
		m->v[v].open = m->v[i].open;
		m->v[v].vergelijking = m->v[i].vergelijking;
	}
	n0 = m->nv;
	for (i = 0; i < n0 && !m->oom; i++) {
		atk_key_split(m->v[i].key, &kind, &agb, &geo, &pt, &per, &cat);
		if (own != ATK_ALL && agb != ATK_ALL)
			continue;	/* constants to this party */
		for (rel = 0; rel < 3; rel++) {
			if (m->v[i].open && rel != 2)
				continue;
			relate_total(m, i, rel, own, parts);
		}
	}
	/* Every cell's categories add up to it (free parts included). */
	for (i = 0; i < m->nv && !m->oom; i++) {
		atk_key_split(m->v[i].key, &kind, &agb, &geo, &pt, &per, &cat);
		if (cat != ATK_CAT_N || (own != ATK_ALL && agb != ATK_ALL))
			continue;
		relate_cell(m, m->v[i].key, kind);
	}
	for (i = 0; i < m->nv; i++) {
		if (!m->v[i].has_truth) {
			m->v[i].truth = atk_truth_get(m, m->v[i].key);
			m->v[i].has_truth = 1;
		}
		/* What an answer said must hold for the truth. */
		if ((double)m->v[i].truth < m->v[i].lo - 1e-6 ||
		    (double)m->v[i].truth > m->v[i].hi + 1e-6) {
			m->conflicts++;
			if (getenv("ATK_DEBUG") != NULL) {
				char key[160];

				atk_key_format(m->cfg, m->agbs, m->v[i].key,
				    key, sizeof(key));
				fprintf(stderr, "answer vs truth %s: true %lld, "
				    "[%g, %g]%s\n", key,
				    (long long)m->v[i].truth, m->v[i].lo,
				    m->v[i].hi, m->v[i].withheld ?
				    " withheld" : "");
			}
		}
	}
	free(parts);
	return m->oom ? -1 : 0;
}

void
atk_print_utility(const struct atk_model *m, FILE *out)
{
	static const char *const kinds[] = { "doelrealisatie", "tevredenheid",
	    "uitval" };
	static const char *const lvs[] = { "aanbieder x gemeente",
	    "aanbieder x cluster", "aanbieder x regio", "gemeente", "cluster",
	    "regio", "vergelijking" };
	static const char *const pts[] = { "month", "quarter", "year" };
	int	k, l, p;

	fprintf(out, "  utility: cells withheld / listed\n");
	for (k = 0; k < 3; k++)
		for (l = 0; l < ATK__NLEVELS; l++)
			for (p = 0; p < 3; p++) {
				if (m->ucells[k][l][p] == 0)
					continue;
				fprintf(out, "    %-14s %-20s %-7s %6ld / %6ld "
				    "%5.1f%%\n", kinds[k], lvs[l], pts[p],
				    m->uwithheld[k][l][p], m->ucells[k][l][p],
				    100.0 * (double)m->uwithheld[k][l][p] /
				    (double)m->ucells[k][l][p]);
			}
}

/*
 * The harness's two ways into the indicator engine.
 *
 * atk_collect asks, as one party, every question that party may ask
 * (ind_engine_answer, the function behind both the API and the CLI, so
 * each answer is byte for byte the party's) and feeds the JSON to the
 * model. atk_truth builds the same snapshot the engine builds and reads
 * the unprotected cube, test-only and in-process, so every derived range
 * can be checked against the true count.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attack.h"
#include "attack_engine.h"
#include "dates.h"
#include "ind_impl.h"
#include "indicators.h"
#include "store.h"

/*
 * The kinds the model reads (attack_answers.c): doelrealisatie,
 * tevredenheid, uitval. Aanlevering (issue #15) goes through the same
 * cube and dc_run; the model does not read its answers yet.
 */
#define ATK_NKINDS	3

static int
ask(struct atk_model *m, struct ind_engine *eng, const struct party *p,
    struct ind_query *q, size_t *refused)
{
	struct ind_answer	a;
	int			ret = 0;

	ind_engine_answer(eng, p, q, "cli", &a);
	if (a.status == 200 && a.body != NULL) {
		if (atk_add_answer(m, a.body, a.len) == -1)
			ret = -1;
	} else if (a.status == 403)
		(*refused)++;	/* outside the party's scope */
	else
		ret = -1;
	ind_answer_free(&a);
	return ret;
}

/*
 * Every question: each indicator x period type x by, unfiltered and
 * filtered by each cluster and each gemeente (403s outside the scope are
 * skipped), and by=regio for each aanbieder seen, over from..to.
 */
int
atk_collect(struct atk_model *m, struct ind_engine *eng,
    const struct party *p, int from, int to, size_t *refused)
{
	const struct config	*cfg = m->cfg;
	struct ind_query	 q;
	size_t			 f, nf, a;
	int			 kind, pt, by;

	nf = 1 + cfg->ref.nclusters + cfg->ref.ngemeenten;
	for (kind = 0; kind < ATK_NKINDS; kind++)
		for (pt = 0; pt < IND__NPERIODS; pt++)
			for (by = IND_BY_AANBIEDER; by <= IND_BY_REGIO; by++)
				for (f = 0; f < nf; f++) {
					memset(&q, 0, sizeof(q));
					q.kind = (enum ind_kind)kind;
					q.by = (enum ind_by)by;
					q.period = (enum ind_period)pt;
					q.from = from;
					q.to = to;
					if (f >= 1 && f <= cfg->ref.nclusters) {
						q.nclusters = 1;
						q.clusters[0] = f - 1;
					} else if (f > cfg->ref.nclusters) {
						q.ngemeenten = 1;
						q.gemeenten[0] = f - 1 -
						    cfg->ref.nclusters;
					}
					if (by == IND_BY_REGIO && f > 0)
						continue;
					if (ask(m, eng, p, &q, refused) == -1)
						return -1;
				}
	/* An aanbieder over the whole regio: only asked one at a time. */
	if (p != NULL && p->role == ROLE_AANBIEDER)
		return 0;
	for (kind = 0; kind < ATK_NKINDS; kind++)
		for (pt = 0; pt < IND__NPERIODS; pt++)
			for (a = 0; a < m->nagbs; a++) {
				memset(&q, 0, sizeof(q));
				q.kind = (enum ind_kind)kind;
				q.by = IND_BY_REGIO;
				q.period = (enum ind_period)pt;
				q.from = from;
				q.to = to;
				q.naanbieders = 1;
				q.aanbieders[0] = (int)m->agbs[a];
				if (ask(m, eng, p, &q, refused) == -1)
					return -1;
			}
	return 0;
}

int
atk_truth(struct atk_model *m, const struct quest_set *qs, const char *dbpath)
{
	struct ind_items	*items = NULL;
	struct ind_snapshot	*s = NULL;
	struct store		*st = NULL;
	const struct cell	*c;
	char			 err[256];
	unsigned		 agb;
	size_t			 i;
	int			 kind, tt, geo, cat, ret = -1;

	if ((items = calloc(1, sizeof(*items))) == NULL ||
	    store_open(dbpath, 0, &st, err, sizeof(err)) == -1)
		goto fail;
	ind_items_build(qs, items);
	s = ind_snapshot_build(m->cfg, qs, items, st,
	    config_limit(m->cfg, LIMIT_K),
	    (int)config_limit(m->cfg, LIMIT_HERINSTROOM_MONTHS),
	    date_today(time(NULL)));
	if (s == NULL)
		goto fail;
	for (kind = 0; kind < ATK_NKINDS; kind++)
		for (tt = 0; tt < IND__NPERIODS; tt++)
			for (i = 0; i < s->cube[kind][tt].n; i++) {
				c = s->cube[kind][tt].cells[i];
				agb = c->agb == (int)s->nagbs ? ATK_ALL :
				    atk_agb_index(m, (unsigned)s->agbs[c->agb]);
				if (c->geo < s->ngem)
					geo = c->geo;
				else if (c->geo < s->ngem + s->nclu)
					geo = ATK_GEO_CLUSTER(c->geo - s->ngem);
				else
					geo = ATK_GEO_REGIO;
				if (atk_truth_set(m, atk_key(kind, agb, geo, tt,
				    c->period, 0), c->tot.units) == -1)
					goto fail;
				for (cat = 0; cat < s->lay[kind].ncat; cat++)
					if (atk_truth_set(m, atk_key(kind, agb,
					    geo, tt, c->period, 1 + cat),
					    c->cat[cat].units) == -1)
						goto fail;
			}
	ret = 0;
fail:
	if (s != NULL)
		ind_snapshot_free(s);
	store_close(st);
	free(items);
	return ret;
}

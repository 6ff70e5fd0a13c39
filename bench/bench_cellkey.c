/*
 * The loss of accuracy of the cell-key method (issue #11, item 4): builds
 * the indicator cube of a data folder twice, once unperturbed (the
 * suppression build, whose counts are the true ones) and once with the
 * cell-key method, and compares every published count and share cell by
 * cell, per period type: mean absolute deviation of the counts, share of
 * counts changed, mean absolute deviation of the percentages in points,
 * and cells left out (perturbed to 0). Also prints the perturbation table.
 *
 *   bench_cellkey DATA_DIR [max_deviation variance js]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cellkey.h"
#include "config.h"
#include "dates.h"
#include "ind_impl.h"
#include "pseudonym.h"
#include "questionnaire.h"
#include "store.h"
#include "util.h"

struct acc {
	double	 cnt_abs, cnt_rel;	/* sum |d|, sum |d| / n for n >= 10 */
	long	 ncnt, nchanged, nrel;
	double	 pct_abs, pct_abs10;
	long	 npct, npct10, ncells, nleft, ncellchg;
};

static void
add_cnt(struct acc *a, int64_t t, int64_t p)
{
	if (t == 0 && p == 0)
		return;		/* a zero stays a zero: not a published count */
	a->cnt_abs += (double)llabs(p - t);
	a->ncnt++;
	a->nchanged += p != t;
	if (t >= 10) {
		a->cnt_rel += (double)llabs(p - t) / (double)t;
		a->nrel++;
	}
}

static void
add_pct(struct acc *a, int64_t tn, int64_t td, int64_t pn, int64_t pd)
{
	double	t, p;

	if (td <= 0 || pd <= 0)
		return;
	t = 100.0 * (double)tn / (double)td;
	p = 100.0 * (double)pn / (double)pd;
	a->pct_abs += fabs((p > 100 ? 100 : p) - t);
	a->npct++;
	if (td >= 10) {
		a->pct_abs10 += fabs((p > 100 ? 100 : p) - t);
		a->npct10++;
	}
}

static void
compare(enum ind_kind kind, const struct layout *l, const struct cell *t,
    const struct cell *p, struct acc *a)
{
	int	i, r, n0;
	long	before = a->nchanged;

	a->ncells++;
	if (p->tot.units == 0 || p->tot.clients == 0) {
		a->nleft++;
		a->ncellchg++;
		return;
	}
	add_cnt(a, t->tot.units, p->tot.units);
	add_cnt(a, t->tot.clients, p->tot.clients);
	for (i = 0; i < l->ncat; i++) {
		if (kind == IND_DOELREALISATIE && (i == D_PA0 ||
		    i == D_ZH_NIET))
			continue;	/* not published */
		add_cnt(a, t->cat[i].units, p->cat[i].units);
		add_pct(a, t->cat[i].units, t->tot.units, p->cat[i].units,
		    p->tot.units);
	}
	if (kind == IND_DOELREALISATIE)
		add_pct(a, t->num[1], t->num[0], p->num[1], p->num[0]);
	if (kind == IND_TEVREDENHEID)
		for (r = 0; r < QUEST__NRESPONDENTS; r++) {
			n0 = l->num0[r] + l->nitems[r];
			add_pct(a, t->num[n0 + 1], t->num[n0 + 2],
			    p->num[n0 + 1], p->num[n0 + 2]);
		}
	a->ncellchg += a->nchanged > before;
}

static void
print_table(const struct ck_table *t)
{
	int	n, d;

	printf("perturbation table (D = %d, V = %g, js = %d): p(d) per "
	    "original count n\n   n", t->d, t->v, t->js);
	for (d = -t->d; d <= t->d; d++)
		printf(" %7d", d);
	printf("\n");
	for (n = 0; n < t->nrows; n++) {
		printf("%s%3d", n == t->nrows - 1 ? ">=" : "  ", n);
		for (d = -t->d; d <= t->d; d++)
			printf(" %7.4f", ck_prob(t, n, d));
		printf("\n");
	}
}

int
main(int argc, char **argv)
{
	static struct config	 cfg;
	static const char *const pname[] = { "month", "quarter", "year" };
	struct quest_set	*qs = calloc(1, sizeof(*qs));
	struct ind_items	*items = malloc(sizeof(*items));
	struct ind_snapshot	*plain = NULL, *ck = NULL;
	struct pseudo_ctx	*pc = NULL;
	struct ck_ctx		*ckc = NULL;
	struct store		*st = NULL;
	struct acc		 a[2][IND__NPERIODS], all[2];
	char			 path[1024], err[512] = "out of memory";
	const char		*es;
	uint64_t		 t0, t1, t2;
	int			 today = date_today(time(NULL)), k, tt, w;
	int			 rc = 1;
	size_t			 i;
	long long		 D = CK_DEFAULT_D, js = CK_DEFAULT_JS;
	double			 V = CK_DEFAULT_V;

	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: bench_cellkey DATA_DIR "
		    "[max_deviation variance js]\n");
		return 2;
	}
	if (argc == 5) {
		/* ck_ctx_new judges the values; these only parse them. */
		if (util_strtonum(argv[2], 0, CK_MAX_DEVIATION_MAX, &D,
		    &es) == -1 || util_strtonum(argv[4], 0,
		    CK_MAX_DEVIATION_MAX, &js, &es) == -1) {
			fprintf(stderr, "bench_cellkey: max_deviation and js "
			    "are whole numbers 0..%d\n", CK_MAX_DEVIATION_MAX);
			return 2;
		}
		V = strtod(argv[3], NULL);
	}
	if (qs == NULL || items == NULL ||
	    config_load(NULL, &cfg, err, sizeof(err)) == -1 ||
	    quest_load_config(&cfg, qs, err, sizeof(err)) == -1)
		goto fail;
	ind_items_build(qs, items);
	util_fmt(path, sizeof(path), "%s/sorttp.key", argv[1]);
	if (pseudo_load_keyfile(path, 1, &pc, err, sizeof(err)) == -1 ||
	    ck_ctx_new(D, V, js, pc, &ckc, err, sizeof(err)) == -1)
		goto fail;
	util_fmt(path, sizeof(path), "%s/sorttp.db", argv[1]);
	if (store_open(path, 0, &st, err, sizeof(err)) == -1)
		goto fail;
	print_table(ck_ctx_table(ckc));
	t0 = util_now_ns();
	plain = ind_snapshot_build(&cfg, qs, items, st,
	    config_limit(&cfg, LIMIT_K),
	    (int)config_limit(&cfg, LIMIT_HERINSTROOM_MONTHS), today);
	t1 = util_now_ns();
	cfg.disclosure = CFG_DISCLOSURE_CELLKEY;
	ck = ind_snapshot_build_ck(&cfg, qs, items, st,
	    config_limit(&cfg, LIMIT_K),
	    (int)config_limit(&cfg, LIMIT_HERINSTROOM_MONTHS), today, ckc);
	t2 = util_now_ns();
	if (plain == NULL || ck == NULL) {
		util_fmt(err, sizeof(err), "snapshot build failed");
		goto fail;
	}
	printf("\nsnapshot build: suppression %.0f ms, cell key %.0f ms "
	    "(%zu clients)\n", (double)(t1 - t0) / 1e6,
	    (double)(t2 - t1) / 1e6, ck->nclients);
	memset(a, 0, sizeof(a));
	memset(&all, 0, sizeof(all));
	for (k = 0; k < IND__NKINDS; k++)
		for (tt = 0; tt < IND__NPERIODS; tt++) {
			const struct ind_cube *cp = &plain->cube[k][tt];
			const struct ind_cube *cc = &ck->cube[k][tt];

			if (cp->n != cc->n) {
				util_fmt(err, sizeof(err), "cubes differ");
				goto fail;
			}
			for (i = 0; i < cp->n; i++) {
				w = cp->cells[i]->agb == (int)ck->nagbs;
				compare((enum ind_kind)k, &ck->lay[k],
				    cp->cells[i], cc->cells[i], &a[w][tt]);
				compare((enum ind_kind)k, &ck->lay[k],
				    cp->cells[i], cc->cells[i], &all[w]);
			}
		}
	for (w = 0; w < 2; w++) {
		printf("\nloss of accuracy, %s (every indicator, gemeente, "
		    "cluster, regio)\n%-8s %7s %7s %8s %8s %9s %8s %8s %8s %9s\n",
		    w ? "cells of all aanbieders together" :
		    "cells of one aanbieder", "period", "cells", "counts",
		    "MAD cnt", "changed", "rel n>=10", "left out", "MAD pct",
		    "n>=10", "cells chg");
		for (tt = 0; tt <= IND__NPERIODS; tt++) {
			const struct acc *x = tt < IND__NPERIODS ? &a[w][tt] :
			    &all[w];

			printf("%-8s %7ld %7ld %8.3f %7.1f%% %8.2f%% %7.2f%% "
			    "%7.2fpp %6.2fpp %7.1f%%\n",
			    tt < IND__NPERIODS ? pname[tt] : "all", x->ncells,
			    x->ncnt, x->ncnt ? x->cnt_abs / (double)x->ncnt : 0,
			    x->ncnt ? 100.0 * (double)x->nchanged /
			    (double)x->ncnt : 0,
			    x->nrel ? 100.0 * x->cnt_rel / (double)x->nrel : 0,
			    x->ncells ? 100.0 * (double)x->nleft /
			    (double)x->ncells : 0,
			    x->npct ? x->pct_abs / (double)x->npct : 0,
			    x->npct10 ? x->pct_abs10 / (double)x->npct10 : 0,
			    x->ncells ? 100.0 * (double)x->ncellchg /
			    (double)x->ncells : 0);
		}
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "bench_cellkey: %s\n", err);
out:
	ind_snapshot_free(plain);
	ind_snapshot_free(ck);
	ck_ctx_free(ckc);
	pseudo_free(pc);
	store_close(st);
	free(qs);
	free(items);
	return rc;
}

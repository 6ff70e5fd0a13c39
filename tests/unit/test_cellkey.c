/*
 * The cell-key method (cellkey.c): the perturbation table has mean 0 and
 * the configured variance (checked numerically, row by row), never
 * publishes 1..js, never moves a count by more than D and keeps 0 at 0;
 * the lookup follows the table; record keys are keyed, stable and
 * uniform; bad parameters are refused with a Dutch message.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cellkey.h"
#include "ind_impl.h"
#include "pseudonym.h"
#include "test.h"
#include "util.h"

/* Mean and variance of row n, from the probabilities. */
static void
row_moments(const struct ck_table *t, int64_t n, double *sum, double *mean,
    double *var)
{
	double	s = 0, m = 0, m2 = 0, p;
	int	d;

	for (d = -t->d; d <= t->d; d++) {
		p = ck_prob(t, n, d);
		s += p;
		m += p * d;
		m2 += p * d * (double)d;
	}
	*sum = s;
	*mean = m;
	*var = m2 - m * m;
}

static void
test_table(long long D, double V, long long js)
{
	struct ck_table	t;
	char		err[256];
	double		s, mean, var, want;
	int64_t		n, out;
	int		d, nfull = 0;
	uint64_t	i;

	CHECK(ck_table_build(&t, D, V, js, err, sizeof(err)) == 0);
	if (t.cum == NULL)
		return;
	for (n = 0; n <= t.nrows + 5; n++) {
		row_moments(&t, n, &s, &mean, &var);
		CHECK(fabs(s - 1) < 1e-12);
		CHECK(fabs(mean) < 1e-9);	/* unbiased on every row */
		for (d = -t.d; d <= t.d; d++)
			if (ck_prob(&t, n, d) > 0) {
				/* Never a small value, never below 0. */
				CHECK(n + d == 0 || n + d > js);
				CHECK(n + d >= 0);
			}
		if (n == 0) {
			CHECK(ck_prob(&t, 0, 0) == 1.0);	/* 0 stays 0 */
			continue;
		}
		/*
		 * V where the allowed results reach it; for 1..js the least
		 * variance with mean 0, n (js + 1 - n), when V is below it.
		 */
		want = V;
		if (n <= js && (double)(n * (js + 1 - n)) > V)
			want = (double)(n * (js + 1 - n));
		if (n <= js + D) {
			/*
			 * The widest mean-0 spread: from the lowest allowed
			 * result (0, or js + 1 when 0 is out of reach) to +D.
			 */
			double	vmax = (double)(n <= D ? n : n - js - 1) *
			    (double)D;

			if (want > vmax)
				want = vmax;
		}
		CHECK(fabs(var - want) < 1e-6 * (want > 1 ? want : 1));
		if (n >= js + D + 1) {
			CHECK(fabs(var - V) < 1e-6 * V);
			nfull++;
		}
	}
	CHECK(nfull > 0);
	/*
	 * The lookup: over a fine grid of cell keys the share of keys that
	 * give n + d is p(d), so the published figures have the table's
	 * mean and variance; and every result obeys the rules.
	 */
	for (n = 0; n <= t.nrows + 3; n++) {
		double	cnt[2 * CK_MAX_DEVIATION_MAX + 1] = { 0 };
		const uint64_t steps = 1u << 16;

		for (i = 0; i < steps; i++) {
			out = ck_perturb(&t, n, (uint32_t)(i << 16 | (i * 7919
			    & 0xffff)));
			CHECK(out >= 0);
			CHECK(out == 0 || out > js);
			CHECK(llabs(out - n) <= D);
			if (n == 0)
				CHECK(out == 0);
			cnt[out - n + D] += 1;
		}
		for (d = -t.d; d <= t.d; d++)
			CHECK(fabs(cnt[d + D] / (double)steps -
			    ck_prob(&t, n, d)) < 1e-3);
	}
	ck_table_free(&t);
}

static void
test_check(void)
{
	char	err[256];

	CHECK(ck_check(3, 2.0, 2, err, sizeof(err)) == 0);
	CHECK(ck_check(0, 1.0, 0, err, sizeof(err)) == -1);
	CHECK(strstr(err, "cellkey.max_deviation moet") != NULL);
	CHECK(ck_check(21, 1.0, 0, err, sizeof(err)) == -1);
	CHECK(ck_check(3, 2.0, 3, err, sizeof(err)) == -1);
	CHECK(strstr(err, "cellkey.js moet") != NULL);
	CHECK(ck_check(3, 2.0, -1, err, sizeof(err)) == -1);
	CHECK(ck_check(3, 0.0, 2, err, sizeof(err)) == -1);
	CHECK(strstr(err, "cellkey.variance moet") != NULL);
	CHECK(ck_check(3, 9.0, 2, err, sizeof(err)) == -1);
	CHECK(ck_check(3, NAN, 2, err, sizeof(err)) == -1);
	CHECK(ck_check(3, -1.0, 2, err, sizeof(err)) == -1);
}

static void
test_record_keys(void)
{
	unsigned char	 key[PSEUDO_KEY_LEN], key2[PSEUDO_KEY_LEN];
	struct pseudo_ctx *pc = NULL, *pc2 = NULL;
	struct ck_ctx	*ck = NULL, *ck2 = NULL, *bad = NULL;
	char		 err[256];
	double		 mean = 0;
	uint32_t	 a, b;
	int64_t		 c;
	int		 same = 0, n = 20000, bins[16] = { 0 }, i;

	memset(key, 0x5a, sizeof(key));
	memset(key2, 0xa5, sizeof(key2));
	CHECK(pseudo_init_key(key, 1, &pc) == 0);
	CHECK(pseudo_init_key(key2, 1, &pc2) == 0);
	CHECK(ck_ctx_new(3, 2.0, 2, pc, &ck, err, sizeof(err)) == 0);
	CHECK(ck_ctx_new(3, 2.0, 2, pc2, &ck2, err, sizeof(err)) == 0);
	CHECK(ck_ctx_new(3, 9.5, 2, pc, &bad, err, sizeof(err)) == -1);
	CHECK(bad == NULL);
	if (ck == NULL || ck2 == NULL)
		goto out;
	for (c = -n / 2; c < n / 2; c++) {
		a = ck_record_key(ck, c * 1000003);
		b = ck_record_key(ck2, c * 1000003);
		CHECK(a == ck_record_key(ck, c * 1000003));	/* stable */
		same += a == b;		/* another key, other record keys */
		mean += a / 4294967296.0;
		bins[a >> 28]++;
	}
	CHECK(same < 5);
	mean /= n;
	CHECK(fabs(mean - 0.5) < 0.01);
	for (i = 0; i < 16; i++)
		CHECK(abs(bins[i] - n / 16) < n / 16 / 5);
out:
	ck_ctx_free(ck);
	ck_ctx_free(ck2);
	pseudo_free(pc);
	pseudo_free(pc2);
}

/* A doelrealisatie cell whose counts are already the perturbed ones. */
static void
ck_make_cell(struct cell *c, int period, uint32_t tot, uint32_t clients,
    struct cnt *cat, struct cnt *sub, double *sum, int64_t *num)
{
	static const uint32_t	pa[D__NCAT] = { 2, 4, 6, 8, 5, 15 };
	int			i;

	memset(c, 0, sizeof(*c));
	c->period = period;
	c->tot.units = tot;
	c->tot.clients = clients;
	c->cat = cat;
	for (i = 0; i < D__NCAT; i++)
		c->cat[i].units = c->cat[i].clients = pa[i];
	c->sub = sub;
	c->sum = sum;
	c->num = num;
}

/*
 * The writer under the cell-key method: "disclosure": "cellkey" at the
 * top, nothing suppressed, shares from the (perturbed) counts in the
 * cube, null only where the denominator is 0 and capped at 100; a mean
 * shown where the perturbed clients behind it reach k.
 */
static void
test_write(void)
{
	static struct config	 cfg;
	static struct ind_items	 items;
	struct ind_snapshot	 snap;
	struct ind_query	 q;
	struct pop		 pop;
	struct run		 r;
	struct cell		 c1, c2;
	struct cnt		 cat1[D__NCAT], cat2[D__NCAT], sub1[1], sub2[1];
	double			 sum1[1] = { 505.0 }, sum2[1] = { 120.0 };
	int64_t			 num1[2] = { 40, 10 }, num2[2] = { 0, 0 };
	struct out		 outs[2];
	struct sel		 s;
	int			 agbs[1] = { 12345678 };
	char			 err[512], want[2048], *body = NULL;
	const char		*cl;
	size_t			 len = 0, g;
	long			 ncells = 0, nsup = 0;

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1) {
		CHECK(0);
		return;
	}
	memset(&snap, 0, sizeof(snap));
	snap.ngem = (int)cfg.ref.ngemeenten;
	snap.nclu = (int)cfg.ref.nclusters;
	snap.agbs = agbs;
	snap.nagbs = 1;
	snap.cellkey = 1;
	snap.today = 20250630;	/* 2025-Q2 is still voorlopig (#15) */
	ind_layout_init(&snap.lay[IND_DOELREALISATIE], IND_DOELREALISATIE,
	    &items);
	memset(sub1, 0, sizeof(sub1));
	memset(sub2, 0, sizeof(sub2));
	ck_make_cell(&c1, 100, 20, 18, cat1, sub1, sum1, num1);
	sub1[0].units = 10;
	sub1[0].clients = 10;
	ck_make_cell(&c2, 101, 3, 3, cat2, sub2, sum2, num2);
	sub2[0].units = 3;
	sub2[0].clients = 9;
	c1.geo = c2.geo = IND_GEO_CLUSTER(&snap, 0);

	memset(&q, 0, sizeof(q));
	q.kind = IND_DOELREALISATIE;
	q.by = IND_BY_AANBIEDER;
	q.period = IND_QUARTER;
	q.from = 25 * 12;
	q.to = 25 * 12 + 5;
	memset(&pop, 0, sizeof(pop));
	for (g = 0; g < cfg.ref.ngemeenten; g++)
		pop.gem_ok[g] = 1;
	pop.ngem_ok = cfg.ref.ngemeenten;
	memset(&r, 0, sizeof(r));
	r.cfg = &cfg;
	r.q = &q;
	r.snap = &snap;
	r.items = &items;
	r.pop = &pop;
	r.lay = &snap.lay[IND_DOELREALISATIE];
	r.k = 10;
	memset(outs, 0, sizeof(outs));
	outs[0].c = &c1;
	outs[1].c = &c2;
	memset(&s, 0, sizeof(s));
	s.v = outs;
	s.n = 2;
	cl = cfg.ref.clusters[0].name;

	CHECK_EQ_INT(ind_write_answer(&r, &s, &body, &len, &ncells, &nsup), 0);
	util_fmt(want, sizeof(want), "{\"indicator\":\"doelrealisatie\","
	    "\"disclosure\":\"cellkey\",\"by\":\"aanbieder\",\"period\":"
	    "\"quarter\",\"from\":\"2025-01\",\"to\":\"2025-06\",\"k\":10,"
	    "\"filters\":{},\"labels\":{\"probleemafname\":{\"1\":"
	    "\"niet afgenomen\",\"2\":\"deels afgenomen\",\"3\":"
	    "\"afgenomen\"}},\"cells\":["
	    "{\"aanbieder\":\"12345678\",\"cluster\":\"%s\",\"period\":"
	    "\"2025-Q1\",\"suppressed\":false,\"voorlopig\":false,"
	    "\"n_clients\":18,\"n\":20,"
	    "\"values\":{\"gas_t_mean\":50.50,\"doelen_behaald_pct\":25.0,"
	    "\"probleemafname\":{\"1\":20.0,\"2\":30.0,\"3\":40.0},"
	    "\"zonder_hulp_verder_pct\":25.0}},"
	    "{\"aanbieder\":\"12345678\",\"cluster\":\"%s\",\"period\":"
	    "\"2025-Q2\",\"suppressed\":false,\"voorlopig\":true,"
	    "\"n_clients\":3,\"n\":3,"
	    "\"values\":{\"gas_t_mean\":null,\"doelen_behaald_pct\":null,"
	    "\"probleemafname\":{\"1\":100.0,\"2\":100.0,\"3\":100.0},"
	    "\"zonder_hulp_verder_pct\":100.0}}]}", cl, cl);
	CHECK_STR(body, want);
	CHECK_EQ_INT(ncells, 2);
	CHECK_EQ_INT(nsup, 0);
	free(body);
}

int
main(void)
{
	test_table(3, 2.0, 2);		/* the default */
	test_table(5, 3.0, 4);
	test_table(4, 1.0, 0);
	test_table(2, 0.5, 1);
	test_table(10, 20.0, 3);
	test_check();
	test_record_keys();
	test_write();
	return test_done("cellkey");
}

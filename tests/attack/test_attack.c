/*
 * Self-test of the attack harness on hand-made answer sets with known
 * leaks, so that "0 pinned" from attack_small means the protection holds
 * and not that the harness is blind. Issue #11's worked examples: 1. an
 * analist's uitval for one month of Zaanstreek-Waterland, where 59 - 26 -
 * 22 = 11 over 11 listed aanbieder cells pins each of them to 1; 2. an
 * aanbieder's vergelijking for tevredenheid, DUO, 2023, whose Q1 follows
 * from the year minus Q2..Q4 and, minus its own 3, gives the rest's 7.
 */
#include <stdlib.h>
#include <string.h>

#include "attack.h"
#include "config.h"
#include "test.h"

static struct config cfg;

static int
gemeente(const char *code)
{
	int	g;

	for (g = 0; g < (int)cfg.ref.ngemeenten; g++)
		if (strcmp(cfg.ref.gemeenten[g].code, code) == 0)
			return g;
	return -1;
}

/* An uitval cell: every end volgens plan (31), window open. */
static void
uitval_cell(char *buf, size_t len, const char *where, int n)
{
	if (n < 0) {
		snprintf(buf, len, "{%s, \"period\": \"2025-01\", "
		    "\"suppressed\": true}", where);
		return;
	}
	snprintf(buf, len, "{%s, \"period\": \"2025-01\", \"suppressed\": "
	    "false, \"n_clients\": %d, \"n\": %d, \"values\": {"
	    "\"volgens_plan_pct\": 100, \"voortijdig_pct\": 0, "
	    "\"eenzijdig_client_pct\": 0, \"per_reden\": {\"02\": 0, \"31\": %d, "
	    "\"32\": 0, \"33\": 0, \"34\": 0, \"35\": 0, \"36\": 0, \"37\": 0, "
	    "\"38\": 0, \"39\": 0, \"overig\": 0}, \"herinstroom\": "
	    "{\"window_closed\": false}}}", where, n, n, n);
}

static void
answer(struct atk_model *m, const char *by, const char *cells)
{
	char	buf[8192];

	snprintf(buf, sizeof(buf), "{\"indicator\": \"uitval\", \"by\": \"%s\", "
	    "\"period\": \"month\", \"from\": \"2025-01\", \"to\": \"2025-01\", "
	    "\"k\": 10, \"filters\": {}, \"cells\": [%s]}", by, cells);
	CHECK_EQ_INT(atk_add_answer(m, buf, strlen(buf)), 0);
}

/*
 * Example 1 with the cluster's n given; agbtruth is the true count of
 * each aanbieder cell (the model must hold it).
 */
static void
example1(int cluster_n, int agbtruth, struct atk_result *res,
    struct atk_model *m)
{
	static const char *const gem[] = { "0385", "0415", "0852", "0880" };
	static const int ncells[] = { 5, 2, 3, 1 };
	char	 cells[8192], c[1024], where[128];
	size_t	 g, i, off;
	int	 per = 25 * 12, agb = 10000001, gi = 0, x, cat;
	int	 sum = 0, total = 0;
	unsigned a;

	CHECK_EQ_INT(atk_model_init(m, &cfg, 10), 0);
	uitval_cell(c, sizeof(c), "\"cluster\": \"Zaanstreek-Waterland\"",
	    cluster_n);
	answer(m, "cluster", c);
	off = 0;
	uitval_cell(c, sizeof(c), "\"gemeente\": \"0479\", \"cluster\": "
	    "\"Zaanstreek-Waterland\"", 26);
	off += (size_t)snprintf(cells + off, sizeof(cells) - off, "%s", c);
	uitval_cell(c, sizeof(c), "\"gemeente\": \"0439\", \"cluster\": "
	    "\"Zaanstreek-Waterland\"", 22);
	off += (size_t)snprintf(cells + off, sizeof(cells) - off, ", %s", c);
	for (g = 0; g < 4; g++) {
		snprintf(where, sizeof(where), "\"gemeente\": \"%s\", "
		    "\"cluster\": \"Zaanstreek-Waterland\"", gem[g]);
		uitval_cell(c, sizeof(c), where, -1);
		off += (size_t)snprintf(cells + off, sizeof(cells) - off,
		    ", %s", c);
	}
	answer(m, "gemeente", cells);
	for (g = 0; g < 4; g++) {
		off = 0;
		cells[0] = '\0';
		for (i = 0; i < (size_t)ncells[g]; i++) {
			snprintf(where, sizeof(where), "\"aanbieder\": \"%08d\", "
			    "\"gemeente\": \"%s\", \"cluster\": "
			    "\"Zaanstreek-Waterland\"", agb, gem[g]);
			uitval_cell(c, sizeof(c), where, -1);
			off += (size_t)snprintf(cells + off, sizeof(cells) -
			    off, "%s%s", i ? ", " : "", c);
			/* The truth: each aanbieder cell agbtruth clients,
			 * all ended volgens plan. */
			a = atk_agb_index(m, (unsigned)agb);
			gi = gemeente(gem[g]);
			/* The last one holds what the cluster has beyond 59. */
			x = agbtruth + (g == 3 && cluster_n > 59 ?
			    cluster_n - 59 : 0);
			atk_truth_set(m, atk_key(2, a, gi, 0, per, 0), x);
			atk_truth_set(m, atk_key(2, a, gi, 0, per, ATK_U_R31), x);
			sum += x;
			agb++;
		}
		answer(m, "aanbieder", cells);
		atk_truth_set(m, atk_key(2, ATK_ALL, gi, 0, per, 0), sum);
		atk_truth_set(m, atk_key(2, ATK_ALL, gi, 0, per, ATK_U_R31),
		    sum);
		total += sum;
		sum = 0;
	}
	/* The printed cells' truth: what they print. */
	total += 26 + 22;
	for (cat = 0; cat <= ATK_U_R31; cat += ATK_U_R31) {
		atk_truth_set(m, atk_key(2, ATK_ALL, gemeente("0479"), 0, per,
		    cat), 26);
		atk_truth_set(m, atk_key(2, ATK_ALL, gemeente("0439"), 0, per,
		    cat), 22);
		atk_truth_set(m, atk_key(2, ATK_ALL, ATK_GEO_CLUSTER(3), 0, per,
		    cat), total);
	}
	CHECK_EQ_INT(atk_relate(m, ATK_ALL), 0);
	CHECK_EQ_INT(atk_solve(m, res, NULL, 0), 0);
}

static void
test_example1(void)
{
	struct atk_model	m;
	struct atk_result	res;
	size_t			v;

	/* 59: every one of the 11 aanbieder cells is exactly 1. */
	example1(59, 1, &res, &m);
	CHECK_EQ_INT(res.model_errors, 0);
	CHECK_EQ_INT(m.conflicts, 0);
	/* 11 aanbieder cells and 4 gemeenten, each n and its reason 31. */
	CHECK_EQ_INT(res.targets, 30);
	CHECK_EQ_INT(res.pinned, 30);
	CHECK_EQ_INT(res.confined, 30);
	v = atk_find(&m, atk_key(2, atk_agb_index(&m, 10000001),
	    gemeente("0385"), 0, 300, 0));
	CHECK(v != (size_t)-1);
	if (v != (size_t)-1) {
		CHECK(m.v[v].dlo == 1 && m.v[v].dhi == 1);
	}
	atk_model_free(&m);

	/* 60: one client more than the listed cells, so each is 1 or 2:
	 * confined inside (0, k), not pinned. */
	example1(60, 1, &res, &m);
	CHECK_EQ_INT(res.model_errors, 0);
	CHECK_EQ_INT(res.pinned, 0);
	CHECK_EQ_INT(res.confined, 30);
	atk_model_free(&m);

	/* Withheld cluster: nothing bounds the withheld gemeenten above. */
	example1(-1, 1, &res, &m);
	CHECK_EQ_INT(res.model_errors, 0);
	CHECK_EQ_INT(res.pinned, 0);
	CHECK_EQ_INT(res.confined, 0);
	atk_model_free(&m);

	/* A truth the answers contradict is reported, not counted safe. */
	example1(59, 2, &res, &m);
	CHECK(res.model_errors > 0);
	atk_model_free(&m);
}

static void
tev_answer(struct atk_model *m, const char *period, const char *cells)
{
	char	buf[4096];

	snprintf(buf, sizeof(buf), "{\"indicator\": \"tevredenheid\", "
	    "\"by\": \"aanbieder\", \"period\": \"%s\", \"from\": \"2023-01\", "
	    "\"to\": \"2023-12\", \"k\": 10, \"filters\": {\"aanbieder\": "
	    "[\"20000001\"]}, \"cells\": [%s]}", period, cells);
	CHECK_EQ_INT(atk_add_answer(m, buf, strlen(buf)), 0);
}

static void
test_example2(void)
{
	struct atk_model	m;
	struct atk_result	res;
	char			cells[4096];
	unsigned		own;
	int			q, duo = ATK_GEO_CLUSTER(2), yr = 23;

	CHECK_EQ_INT(atk_model_init(&m, &cfg, 10), 0);
	own = atk_agb_index(&m, 20000001);
	snprintf(cells, sizeof(cells), "{\"aanbieder\": \"20000001\", "
	    "\"cluster\": \"DUO\", \"period\": \"2023\", \"suppressed\": "
	    "false, \"n_clients\": 12, \"n\": 12, \"values\": {\"jeugdige\": "
	    "{\"n\": 6}, \"ouder\": {\"n\": 6}}}, {\"vergelijking\": true, "
	    "\"cluster\": \"DUO\", \"period\": \"2023\", \"suppressed\": "
	    "false, \"n_aanbieders\": 4, \"n_clients\": 40, \"n\": 40, "
	    "\"values\": {\"jeugdige\": {\"n\": 20}, \"ouder\": {\"n\": 20}}}");
	tev_answer(&m, "year", cells);
	snprintf(cells, sizeof(cells), "{\"aanbieder\": \"20000001\", "
	    "\"cluster\": \"DUO\", \"period\": \"2023-Q1\", \"suppressed\": "
	    "true}, {\"vergelijking\": true, \"cluster\": \"DUO\", "
	    "\"period\": \"2023-Q1\", \"suppressed\": true}");
	for (q = 2; q <= 4; q++) {
		size_t off = strlen(cells);

		snprintf(cells + off, sizeof(cells) - off, ", {\"aanbieder\": "
		    "\"20000001\", \"cluster\": \"DUO\", \"period\": "
		    "\"2023-Q%d\", \"suppressed\": true}, {\"vergelijking\": "
		    "true, \"cluster\": \"DUO\", \"period\": \"2023-Q%d\", "
		    "\"suppressed\": false, \"n_aanbieders\": 3, \"n_clients\": "
		    "10, \"n\": 10, \"values\": {\"jeugdige\": {\"n\": 5}, "
		    "\"ouder\": {\"n\": 5}}}", q, q);
	}
	tev_answer(&m, "quarter", cells);
	/* The truth: the cluster's Q1 is 10 (5 + 5), the aanbieder's own
	 * 3 (3 jeugdige); its own quarters 3 each. */
	atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 1, yr * 4, 0), 10);
	atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 1, yr * 4, 1), 5);
	atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 1, yr * 4, 2), 5);
	for (q = 0; q < 4; q++) {
		atk_truth_set(&m, atk_key(1, own, duo, 1, yr * 4 + q, 0), 3);
		atk_truth_set(&m, atk_key(1, own, duo, 1, yr * 4 + q, 1),
		    q == 0 ? 3 : 1);
		atk_truth_set(&m, atk_key(1, own, duo, 1, yr * 4 + q, 2),
		    q == 0 ? 0 : 2);
		if (q > 0) {
			atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 1,
			    yr * 4 + q, 0), 10);
			atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 1,
			    yr * 4 + q, 1), 5);
			atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 1,
			    yr * 4 + q, 2), 5);
		}
	}
	/* Months: each quarter's clients all in its first month. */
	for (q = 0; q < 4; q++) {
		atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 0, yr * 12 + q * 3,
		    0), 10);
		atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 0, yr * 12 + q * 3,
		    1), 5);
		atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 0, yr * 12 + q * 3,
		    2), 5);
	}
	atk_truth_set(&m, atk_key(1, own, duo, 2, yr, 0), 12);
	atk_truth_set(&m, atk_key(1, own, duo, 2, yr, 1), 6);
	atk_truth_set(&m, atk_key(1, own, duo, 2, yr, 2), 6);
	atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 2, yr, 0), 40);
	atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 2, yr, 1), 20);
	atk_truth_set(&m, atk_key(1, ATK_ALL, duo, 2, yr, 2), 20);
	CHECK_EQ_INT(atk_relate(&m, own), 0);
	CHECK_EQ_INT(atk_solve(&m, &res, NULL, 0), 0);
	CHECK_EQ_INT(res.model_errors, 0);
	/* The rest's Q1: n 7, jeugdige 2, ouder 5, all pinned. */
	CHECK_EQ_INT(res.targets, 3);
	CHECK_EQ_INT(res.pinned, 3);
	atk_model_free(&m);
}

int
main(void)
{
	char	err[512];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	test_example1();
	test_example2();
	return test_done("attack");
}

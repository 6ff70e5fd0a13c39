/*
 * The differencing probe (issue #11, item 3) over real TLS, k = 5: an
 * aanbieder adds clients to its own cell one at a time and reads its
 * comparison cell (the whole cluster) after each, until a figure that was
 * withheld appears. The other aanbieders' data never changes, so every
 * figure of theirs that it ever saw (the cluster's minus its own, which
 * it knows exactly) holds in every snapshot; together they must not give
 * away any count of theirs below k. Without the disclosure history (on
 * 0b38836) one added client with probleemafname 1 or 2 makes "3" appear
 * and the others' "1" (3 trajectories) follows as n - "2" - "3" - the
 * never-printed "none": at most 3.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "demo.h"
#include "harness.h"

#define K	5
#define A	"22220001"	/* the attacker */
#define B1	"22220002"
#define B2	"22220003"
#define GEM	"0384"		/* Diemen, cluster DUO */
#define STEPS	14

static struct h_env	e;
static char		tok_a[128], tok_b1[128], tok_b2[128];
static unsigned		next_client = 1;	/* fresh clients */

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };

/* n eind measurements in February 2025 with probleemafname pa. */
static void
scores(const char *token, const char *agb, int n, int pa)
{
	char		csv[8192], bsn[10];
	size_t		o;
	int		i;
	struct h_resp	r;

	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1;gas_2;gas_3;"
	    "probleemafname;zonder_hulp_verder\n");
	for (i = 0; i < n; i++, next_client++) {
		demo_bsn(0, 500000 + next_client, bsn);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%u;" GEM ";%s;10-02-2025;eind;0;0;0;%d;ja\n", bsn,
		    700000 + next_client, agb, pa);
	}
	h_request(&e, "POST", "/v1/scores", token, csv_hdr, csv, o, 0, &r);
	CHECK_EQ_INT(r.status, 201);
	if (r.status != 201)
		fprintf(stderr, "POST /v1/scores: %ld %s\n", r.status,
		    r.body ? r.body : "");
	h_resp_free(&r);
}

/*
 * What the attacker knows of the others (the cluster minus itself), per
 * figure: n and probleemafname 1, 2, 3; -1 while never seen.
 */
static long	others[4] = { -1, -1, -1, -1 };

/* Reads the comparison cell of one period type and learns from it. */
static void
probe(const char *period, const long *own)
{
	char		 path[256];
	struct h_resp	 r;
	cJSON		*j, *c, *v, *pa;
	const char	*key[4] = { NULL, "1", "2", "3" };
	double		 n = -1, x;
	int		 i;

	snprintf(path, sizeof(path), "/v1/indicators/doelrealisatie?by="
	    "cluster&period=%s&from=2025-01&to=2025-12", period);
	h_request(&e, "GET", path, tok_a, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	j = r.status == 200 && r.body ? cJSON_Parse(r.body) : NULL;
	h_resp_free(&r);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "cells")) {
		if (!cJSON_IsTrue(cJSON_GetObjectItem(c, "vergelijking")) ||
		    cJSON_IsTrue(cJSON_GetObjectItem(c, "suppressed")))
			continue;
		v = cJSON_GetObjectItem(c, "n");
		if (!cJSON_IsNumber(v))
			continue;
		n = v->valuedouble;
		if (others[0] == -1)
			others[0] = lround(n) - own[0];
		CHECK_EQ_INT(others[0], lround(n) - own[0]);
		pa = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "values"),
		    "probleemafname");
		for (i = 1; i < 4; i++) {
			v = cJSON_GetObjectItem(pa, key[i]);
			if (!cJSON_IsNumber(v))
				continue;
			x = v->valuedouble * n / 100;
			if (others[i] == -1)
				others[i] = lround(x) - own[i];
			CHECK_EQ_INT(others[i], lround(x) - own[i]);
		}
	}
	cJSON_Delete(j);
}

/*
 * Everything the attacker can work out: a figure seen directly, or one
 * probleemafname value as n minus the other two (the trajectories
 * without a probleemafname are at least 0). Returns the smallest upper
 * bound in (0, k) it found, or 0.
 */
static long
learned(void)
{
	long	ub, leak = 0;
	int	i, j;

	for (i = 0; i < 4; i++)
		if (others[i] > 0 && others[i] < K)
			leak = others[i];
	if (others[0] < 0)
		return leak;
	for (i = 1; i < 4; i++) {
		ub = others[0];
		for (j = 1; j < 4; j++)
			if (j != i)
				ub = others[j] < 0 ? -1 : ub - others[j];
		if (ub > 0 && ub < K && others[i] < 0)
			leak = ub;
	}
	return leak;
}

/*
 * One probe on a fresh daemon: the others in Diemen, February 2025, have
 * probleemafname 1 three times (B1), 2 eight times (B1 and B2) and 3
 * nine times (B2); the attacker starts with six of its own, all 3, then
 * adds trajectories with probleemafname add, one per snapshot. Returns
 * the count below k it learned, 0 when none.
 */
static long
probe_run(const char *bin, int add)
{
	char	 cfg[H_PATH_MAX];
	long	 own[4] = { 6, 0, 0, 6 }, leak = 0;
	int	 step, i;

	for (i = 0; i < 4; i++)
		others[i] = -1;
	h_setup(&e, bin);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_a, sizeof(tok_a), "a", "aanbieder",
	    "--agb", A, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_b1, sizeof(tok_b1), "b1",
	    "aanbieder", "--agb", B1, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_b2, sizeof(tok_b2), "b2",
	    "aanbieder", "--agb", B2, NULL), 0);
	/* No refresh delay: every answer is on the data as sent. */
	h_config(&e, "k5.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 0}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	/* The month's report run at start: no snapshot of part of the data. */
	CHECK_EQ_INT(h_wait_reports(&e, 120), 0);
	scores(tok_b1, B1, 3, 1);
	scores(tok_b1, B1, 4, 2);
	scores(tok_b2, B2, 4, 2);
	scores(tok_b2, B2, 9, 3);
	scores(tok_a, A, 6, 3);
	for (step = 0; step <= STEPS; step++) {
		if (step > 0) {
			scores(tok_a, A, 1, add);
			own[0]++;
			own[add]++;
		}
		probe("year", own);
		probe("quarter", own);
		probe("month", own);
		if ((leak = learned()) != 0)
			break;
	}
	if (leak != 0)
		fprintf(stderr, "adding probleemafname %d: the probe learned "
		    "a count of %ld after %d added clients (the others' n %ld,"
		    " 1: %ld, 2: %ld, 3: %ld)\n", add, leak, step, others[0],
		    others[1], others[2], others[3]);
	/* Nothing of the others' below k was ever shown, either. */
	CHECK(others[1] == -1 || others[1] >= K);
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return leak;
}

int
main(int argc, char **argv)
{
	int	add;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_differencing SORTTP\n");
		return 2;
	}
	/* Without the history, adding a "1" or a "2" gives "1" <= 3 away. */
	for (add = 1; add <= 3; add++)
		CHECK_EQ_INT(probe_run(argv[1], add), 0);
	return test_done("integration_differencing");
}

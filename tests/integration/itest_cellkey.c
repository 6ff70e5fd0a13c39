/*
 * The cell-key option (issue #11, item 4) end to end: sorttp check-config
 * refuses bad parameters in Dutch; over TLS, a daemon whose config says
 * "disclosure": "cellkey" answers with perturbed counts: none in 1..js,
 * none further than D from the truth (read from the database), a true 0
 * stays 0, and the same cell gets the same value in every answer: asked
 * by gemeente or by its only aanbieder, in a month's window or a year's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "demo.h"
#include "harness.h"
#include "util.h"

#define D	3
#define JS	2
#define AGB	"99990001"	/* the aanbieder of the hand-made cell */

static struct h_env	e;
static char		tok[256];

static cJSON *
get(const char *path)
{
	struct h_resp	r;
	cJSON		*j = NULL;

	h_request(&e, "GET", path, tok, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	if (r.status == 200 && r.body != NULL)
		j = cJSON_Parse(r.body);
	else
		fprintf(stderr, "GET %s: %ld %s\n", path, r.status,
		    r.body ? r.body : "");
	h_resp_free(&r);
	return j;
}

/* Every published count: n, n_clients and the per_reden counts. */
static void
no_small(const cJSON *o, int counts, long *seen)
{
	const cJSON	*c;

	cJSON_ArrayForEach(c, o) {
		if (cJSON_IsNumber(c) && c->string != NULL && (counts ||
		    strcmp(c->string, "n") == 0 ||
		    strcmp(c->string, "n_clients") == 0)) {
			CHECK(c->valuedouble == 0 || c->valuedouble > JS);
			CHECK(c->valuedouble >= 0);
			(*seen)++;
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			no_small(c, c->string != NULL &&
			    strcmp(c->string, "per_reden") == 0, seen);
	}
}

static void
test_check_config(void)
{
	static const struct {
		const char	*json;
		const char	*want;
	} bad[] = {
		{ "{\"disclosure\": \"cellkey\", \"cellkey\": "
		    "{\"max_deviation\": 0}}", "cellkey.max_deviation moet" },
		{ "{\"cellkey\": {\"max_deviation\": 3, \"js\": 3}}",
		    "cellkey.js moet" },
		{ "{\"disclosure\": \"cellkey\", \"cellkey\": "
		    "{\"variance\": 9}}", "cellkey.variance moet" },
		{ "{\"cellkey\": {\"variance\": -1}}", "cellkey.variance moet" },
		{ "{\"cellkey\": {\"js\": 1.5}}", "moet een geheel getal" },
		{ "{\"cellkey\": {\"variance\": \"2\"}}", "moet een getal" },
		{ "{\"cellkey\": {\"D\": 3}}", "D" },
		{ "{\"disclosure\": \"ruis\"}", "kies suppression of cellkey" },
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(h_config_refused(&e, bad[i].json, bad[i].want),
		    0);
}

/* Both cells say the same: counts and values, whatever the labels. */
static void
same_cell(const cJSON *a, const cJSON *b)
{
	static const char *const keys[] = { "n_clients", "n", "values",
	    "suppressed" };
	char	*x, *y;
	size_t	 i;

	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		x = cJSON_PrintUnformatted(cJSON_GetObjectItem(a, keys[i]));
		y = cJSON_PrintUnformatted(cJSON_GetObjectItem(b, keys[i]));
		CHECK(x != NULL && y != NULL && strcmp(x, y) == 0);
		if (x && y && strcmp(x, y) != 0)
			fprintf(stderr, "%s: %s != %s\n", keys[i], x, y);
		free(x);
		free(y);
	}
}

/*
 * Questionnaires of 8 clients at one aanbieder in Zaanstad in March 2021,
 * before the demo's data begins: they alone make up that month, its
 * quarter and year, Zaanstad, its cluster and the regio, and the
 * aanbieder's cells, so all those cells have one cell key and one count.
 */
static void
send_questionnaires(const char *bergop)
{
	char		body[8192], bsn[10];
	size_t		o;
	struct h_resp	r;
	int		i;
	static const char *const hdr[] = { "Content-Type: application/json",
	    NULL };

	o = (size_t)snprintf(body, sizeof(body), "{\"responses\": [");
	for (i = 0; i < 8; i++) {
		demo_bsn(0, (unsigned)(990001 + i), bsn);
		o += (size_t)snprintf(body + o, sizeof(body) - o,
		    "%s{\"bron_id\": \"ck-%d\", \"vragenlijst\": "
		    "\"cem-plus-2026\", \"respondent\": \"jeugdige\", "
		    "\"bsn\": \"%s\", \"agb\": \"" AGB "\", \"gemeente\": "
		    "\"0479\", \"ingevuld_op\": \"2021-03-%02d\", "
		    "\"antwoorden\": {\"serieus_genomen\": %d, "
		    "\"rapportcijfer\": %d}}", i ? "," : "", i, bsn, 3 + i,
		    2 + i % 4, 5 + i % 5);
	}
	snprintf(body + o, sizeof(body) - o, "]}");
	h_request(&e, "POST", "/v1/questionnaires", bergop, hdr, body,
	    strlen(body), 0, &r);
	CHECK_EQ_INT(r.status, 201);
	if (r.status != 201)
		fprintf(stderr, "POST: %ld %s\n", r.status, r.body);
	h_resp_free(&r);
}

static void
test_same_cell(void)
{
	static const char *const q[] = {
		"by=gemeente&period=month&from=2021-03&to=2021-03&"
		    "gemeente=0479",
		"by=gemeente&period=month&from=2021-01&to=2021-12",
		"by=aanbieder&period=month&from=2021-03&to=2021-03&"
		    "gemeente=0479&aanbieder=" AGB,
		"by=aanbieder&period=month&from=2021-01&to=2021-06&"
		    "aanbieder=" AGB,
		"by=cluster&period=month&from=2021-03&to=2021-03&"
		    "cluster=Zaanstreek-Waterland",
		"by=regio&period=quarter&from=2021-01&to=2021-03",
		"by=regio&period=year&from=2021-01&to=2021-12",
	};
	char		 path[512];
	cJSON		*first = NULL, *j;
	const cJSON	*c0 = NULL, *c;
	long long	 n;
	size_t		 i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		snprintf(path, sizeof(path), "/v1/indicators/tevredenheid?%s",
		    q[i]);
		if ((j = get(path)) == NULL)
			continue;
		c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "cells"), 0);
		CHECK(c != NULL);
		if (first == NULL) {
			first = j;
			c0 = c;
			continue;
		}
		same_cell(c0, c);
		cJSON_Delete(j);
	}
	if (c0 != NULL) {
		/* Within D of the 8 clients, and never 1..js. */
		n = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(c0,
		    "n_clients"));
		CHECK(llabs(n - 8) <= D);
		n = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(
		    cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "values"),
		    "jeugdige"), "n"));
		CHECK(llabs(n - 8) <= D);
	}
	cJSON_Delete(first);
}

/* The units of uitval in one cell, from the database. */
#define UNITS	"FROM trajecten WHERE einddatum IS NOT NULL AND reden IS " \
	"NOT NULL AND reden NOT IN (0, 20) AND agb > 0"

static long long
truth(const char *what, int gem, int ym, const char *more)
{
	char	sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s " UNITS " AND gemeente = %d "
	    "AND einddatum / 100 = %d%s", what, gem, ym, more);
	return h_db_count(&e, sql);
}

/*
 * Every gemeente-month of a year of uitval: n, n_clients and each
 * per_reden count within D of the truth, a true 0 published as 0, none
 * in 1..js; the same cells again when asked month by month.
 */
static void
test_uitval(void)
{
	static const char *const reden[] = { "02", "31", "32", "33", "34",
	    "35", "36", "37", "38", "39" };
	char		 path[512], cond[64];
	cJSON		*year, *one, *j;
	const cJSON	*b, *pr;
	long long	 t, pub;
	long		 seen = 0;
	int		 i, gg, yy, diff = 0, zeros = 0, nsame = 0;
	const char	*p, *gem;
	long long	 v, y, m;
	const char	*es;

	year = get("/v1/indicators/uitval?by=gemeente&period=month&"
	    "from=2024-01&to=2024-12");
	if (year == NULL)
		return;
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(year,
	    "disclosure")), "cellkey");
	no_small(year, 0, &seen);
	CHECK(seen > 50);
	cJSON_ArrayForEach(b, cJSON_GetObjectItem(year, "cells")) {
		gem = cJSON_GetStringValue(cJSON_GetObjectItem(b, "gemeente"));
		p = cJSON_GetStringValue(cJSON_GetObjectItem(b, "period"));
		CHECK(gem != NULL && p != NULL && strlen(p) == 7);
		if (gem == NULL || p == NULL || strlen(p) != 7 ||
		    util_strtonum(gem, 0, 9999, &v, &es) == -1 ||
		    util_memtonum(p, 4, 2000, 2100, &y) == -1 ||
		    util_memtonum(p + 5, 2, 1, 12, &m) == -1) {
			CHECK(0);
			continue;
		}
		gg = (int)v;
		yy = (int)(y * 100 + m);
		t = truth("COUNT(*)", gg, yy, "");
		pub = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(b,
		    "n"));
		CHECK(llabs(pub - t) <= D);
		diff += pub != t;
		t = truth("COUNT(DISTINCT client)", gg, yy, "");
		pub = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(b,
		    "n_clients"));
		CHECK(llabs(pub - t) <= D);
		pr = cJSON_GetObjectItem(cJSON_GetObjectItem(b, "values"),
		    "per_reden");
		for (i = 0; i < 10; i++) {
			snprintf(cond, sizeof(cond), " AND reden = %d",
			    i == 0 ? 2 : 30 + i);
			t = truth("COUNT(*)", gg, yy, cond);
			pub = (long long)cJSON_GetNumberValue(
			    cJSON_GetObjectItem(pr, reden[i]));
			CHECK(llabs(pub - t) <= D);
			if (t == 0) {
				CHECK_EQ_INT(pub, 0);	/* 0 stays 0 */
				zeros++;
			}
		}
		/* The month on its own: the same cell, the same figures. */
		if (nsame < 6 && strcmp(gem, "0363") == 0) {
			snprintf(path, sizeof(path), "/v1/indicators/uitval?"
			    "by=gemeente&period=month&from=%s&to=%s&"
			    "gemeente=0363", p, p);
			if ((one = get(path)) != NULL)
				same_cell(b, cJSON_GetArrayItem(
				    cJSON_GetObjectItem(one, "cells"), 0));
			cJSON_Delete(one);
			nsame++;
		}
	}
	CHECK(diff > 0);	/* the counts are perturbed at all */
	CHECK(zeros > 0);
	CHECK(nsame > 0);
	cJSON_Delete(year);
	/* The other indicators keep the rules too. */
	j = get("/v1/indicators/tevredenheid?by=gemeente&period=quarter");
	no_small(j, 0, &seen);
	cJSON_Delete(j);
	j = get("/v1/indicators/doelrealisatie?by=aanbieder&period=month");
	no_small(j, 0, &seen);
	cJSON_Delete(j);
}

int
main(int argc, char **argv)
{
	char		cfg[H_PATH_MAX], bergop[256];
	struct h_out	o;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_cellkey SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	test_check_config();
	h_init(&e);
	h_config(&e, "cellkey.json", "{\"disclosure\": \"cellkey\", "
	    "\"cellkey\": {\"max_deviation\": 3, \"variance\": 2, \"js\": 2}, "
	    "\"limits\": {\"indicator_refresh_s\": 0}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 0);
	CHECK(strstr(o.out, "disclosure cellkey") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "demo", "--data", e.data, "--clients",
	    "300", "--seed", "11", "--config", cfg, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "an-all", "analist",
	    "--scope", "cluster:Amsterdam", "--scope",
	    "cluster:Amstelveen-Aalsmeer", "--scope", "cluster:DUO",
	    "--scope", "cluster:Zaanstreek-Waterland", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, bergop, sizeof(bergop), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	send_questionnaires(bergop);
	test_same_cell();
	test_uitval();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("itest_cellkey");
}

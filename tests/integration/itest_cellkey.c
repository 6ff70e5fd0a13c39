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

#include "harness.h"

#define D	3
#define JS	2

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
	char		path[H_PATH_MAX];
	struct h_out	o;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h_config(&e, "bad.json", bad[i].json, path, sizeof(path));
		CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", path,
		    NULL), 1);
		if (strstr(o.err, bad[i].want) == NULL)
			fprintf(stderr, "check-config %s: %s\n", bad[i].json,
			    o.err);
		CHECK(strstr(o.err, bad[i].want) != NULL);
		h_out_free(&o);
	}
}

/* The units of uitval in one cell, from the database: a WHERE clause. */
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

static const cJSON *
find(const cJSON *ans, const char *key, const char *val, const char *period)
{
	const cJSON	*c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c,
		    "period")), period) == 0 && (key == NULL ||
		    (cJSON_GetStringValue(cJSON_GetObjectItem(c, key)) &&
		    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c, key)),
		    val) == 0)))
			return c;
	return NULL;
}

static void
test_answers(void)
{
	static const char *const reden[] = { "02", "31", "32", "33", "34",
	    "35", "36", "37", "38", "39" };
	char		 path[512], gem[8], agb[12], month[8], cond[64];
	cJSON		*year, *one, *byagb, *j;
	const cJSON	*a, *b, *pr;
	long long	 pick, t, pub;
	long		 seen = 0;
	int		 g, ym, i, diff = 0;

	/*
	 * A gemeente and month in which one aanbieder alone ended care:
	 * the gemeente's cell and that aanbieder's cell there have the same
	 * contributors, so the same cell key and the same published counts.
	 */
	pick = h_db_count(&e, "SELECT gemeente * 100000000000000 + "
	    "(einddatum / 100) * 100000000 + MIN(agb) " UNITS
	    " GROUP BY gemeente, einddatum / 100 HAVING COUNT(DISTINCT agb)"
	    " = 1 ORDER BY COUNT(DISTINCT client) DESC, 1 LIMIT 1");
	CHECK(pick > 0);
	if (pick <= 0)
		return;
	g = (int)(pick / 100000000000000LL);
	ym = (int)(pick / 100000000 % 1000000);
	snprintf(gem, sizeof(gem), "%04d", g);
	snprintf(agb, sizeof(agb), "%08lld", pick % 100000000);
	snprintf(month, sizeof(month), "%04d-%02d", ym / 100, ym % 100);
	/* Large enough that no key can make it 0 and leave it out. */
	CHECK(truth("COUNT(DISTINCT client)", g, ym, "") > JS + D);
	fprintf(stderr, "cell: gemeente %s, aanbieder %s, %s\n", gem, agb,
	    month);

	snprintf(path, sizeof(path), "/v1/indicators/uitval?by=gemeente&"
	    "period=month&from=%04d-01&to=%04d-12", ym / 100, ym / 100);
	year = get(path);
	snprintf(path, sizeof(path), "/v1/indicators/uitval?by=gemeente&"
	    "period=month&from=%s&to=%s&gemeente=%s", month, month, gem);
	one = get(path);
	snprintf(path, sizeof(path), "/v1/indicators/uitval?by=aanbieder&"
	    "period=month&from=%s&to=%s&gemeente=%s&aanbieder=%s", month,
	    month, gem, agb);
	byagb = get(path);
	if (year == NULL || one == NULL || byagb == NULL)
		goto out;
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(year,
	    "disclosure")), "cellkey");
	no_small(year, 0, &seen);
	CHECK(seen > 50);
	a = find(year, "gemeente", gem, month);
	same_cell(a, find(one, "gemeente", gem, month));
	same_cell(a, find(byagb, NULL, NULL, month));

	/* Within D of the truth; a true 0 stays 0; not all unchanged. */
	if (a == NULL)
		goto out;
	t = truth("COUNT(*)", g, ym, "");
	pub = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "n"));
	CHECK(llabs(pub - t) <= D);
	diff += pub != t;
	t = truth("COUNT(DISTINCT client)", g, ym, "");
	pub = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(a,
	    "n_clients"));
	CHECK(llabs(pub - t) <= D);
	diff += pub != t;
	pr = cJSON_GetObjectItem(cJSON_GetObjectItem(a, "values"),
	    "per_reden");
	for (i = 0; i < 10; i++) {
		snprintf(cond, sizeof(cond), " AND reden = %d",
		    i == 0 ? 2 : 30 + i);
		t = truth("COUNT(*)", g, ym, cond);
		pub = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(pr,
		    reden[i]));
		CHECK(llabs(pub - t) <= D);
		if (t == 0)
			CHECK_EQ_INT(pub, 0);
		diff += pub != t;
	}
	/* Every gemeente-month of the year: counts within D of the truth. */
	cJSON_ArrayForEach(b, cJSON_GetObjectItem(year, "cells")) {
		int	gg = atoi(cJSON_GetStringValue(cJSON_GetObjectItem(b,
		    "gemeente")));
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(b,
		    "period"));
		int	yy = atoi(p) * 100 + atoi(p + 5);

		t = truth("COUNT(*)", gg, yy, "");
		pub = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(b,
		    "n"));
		CHECK(llabs(pub - t) <= D);
		diff += pub != t;
	}
	CHECK(diff > 0);	/* the counts are perturbed at all */
	/* The other indicators keep the rules too. */
	j = get("/v1/indicators/tevredenheid?by=gemeente&period=quarter");
	no_small(j, 0, &seen);
	cJSON_Delete(j);
	j = get("/v1/indicators/doelrealisatie?by=aanbieder&period=month");
	no_small(j, 0, &seen);
	cJSON_Delete(j);
out:
	cJSON_Delete(year);
	cJSON_Delete(one);
	cJSON_Delete(byagb);
}

int
main(int argc, char **argv)
{
	char		cfg[H_PATH_MAX];
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
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	test_answers();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("itest_cellkey");
}

/*
 * GET /v1/indicators/aanlevering over real TLS (issue #15), on data sent
 * through the real ingest endpoints, with k = 5. Worked out by hand:
 *
 * A1 (Amsterdam, 0363): 15 products of clients 1..15, started 2025-01-06
 * and ended 2025-03-14 (reden 31, 2025-Q1). Scores: clients 1-5 an eind
 * measurement with GAS on 2025-03-10; clients 6-10 opt_out ja on a begin
 * row and an eind row without goals; 11-15 nothing. CEM+ responses:
 * clients 1-5 on 2025-04-01 (18 days after the end: inside 90), clients
 * 6-10 on 2025-07-01 (109 days after: outside).
 *   GAS 5/15 = 33.3 %, opt-out 5/15 = 33.3 %, CEM+ 5/15 = 33.3 %.
 *   Doelrealisatie counts clients 1-5 only (n = 5): opt-out is out.
 *   Uitval counts all 15.
 * A2 (Zaanstad, 0479): 3 products ended 2025-03-14, nothing delivered:
 *   3 < k, the cell is suppressed.
 * A3 (Amstelveen, 0362): 6 products ended, nothing delivered. Without it
 *   the regio minus Amsterdam would give A2's 3 away, so Amsterdam would
 *   be withheld with Zaanstreek-Waterland; now Amstelveen-Aalsmeer (6,
 *   the smallest other cluster) is, and A1's figures show.
 *
 * Also: scopes (an analist of Amsterdam, of 0479; the aanbieder itself),
 * 403 outside the scope, CSV with the voorlopig column, the same bytes
 * from the CLI, and a bad opt_out value refused at its row and column.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "demo.h"
#include "harness.h"

#define A1	"11120001"
#define A2	"11120002"
#define A3	"11120003"

static struct h_env	e;
static char		tok_a1[128], tok_a2[128], tok_bo[128], tok_bergop[128];
static char		tok_ams[128], tok_0479[128];
static int		nmsg;

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };
static const char *const xml_hdr[] = { "Content-Type: application/xml",
	NULL };
static const char *const json_hdr[] = { "Content-Type: application/json",
	NULL };

/* The first non-vergelijking cell with key = value (NULL: any). */
static const cJSON *
cell(const cJSON *ans, const char *key, const char *value)
{
	const cJSON	*c;
	const char	*v;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells")) {
		if (cJSON_GetObjectItem(c, "vergelijking") != NULL)
			continue;
		if (key == NULL)
			return c;
		v = cJSON_GetStringValue(cJSON_GetObjectItem(c, key));
		if (v != NULL && strcmp(v, value) == 0)
			return c;
	}
	return NULL;
}

static double
num(const cJSON *c, const char *a, const char *b)
{
	const cJSON	*o = cJSON_GetObjectItem(c, a);

	if (b != NULL)
		o = cJSON_GetObjectItem(o, b);
	if (o == NULL)
		return NAN;
	if (cJSON_IsNull(o))
		return -1;
	return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

static void
message(const char *agb, const char *gem, unsigned client, int toew,
    int stop)
{
	char	 xml[4096], bsn[10], id[32];

	demo_bsn(0, client, bsn);
	snprintf(id, sizeof(id), "AL-%d", nmsg++);
	CHECK_EQ_INT(h_ijw_product(xml, sizeof(xml), agb, gem, id, bsn, toew,
	    "2025-01-06", stop ? 31 : 0, "2025-03-14"), 0);
	CHECK_EQ_INT(h_post(&e, "/v1/messages", tok_bo, xml_hdr, xml, NULL), 201);
}

static void
send_data(void)
{
	char		 csv[8192], body[16384], bsn[10];
	size_t		 o;
	unsigned	 c;

	for (c = 1; c <= 15; c++) {
		message(A1, "0363", c, (int)(300000 + c), 0);
		message(A1, "0363", c, (int)(300000 + c), 1);
	}
	for (c = 16; c <= 18; c++) {
		message(A2, "0479", c, (int)(300000 + c), 0);
		message(A2, "0479", c, (int)(300000 + c), 1);
	}
	for (c = 19; c <= 24; c++) {
		message(A3, "0362", c, (int)(300000 + c), 0);
		message(A3, "0362", c, (int)(300000 + c), 1);
	}
	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1;opt_out\r\n");
	for (c = 1; c <= 10; c++) {
		demo_bsn(0, c, bsn);
		if (c <= 5)
			o += (size_t)snprintf(csv + o, sizeof(csv) - o,
			    "%s;%u;0363;" A1 ";10-03-2025;eind;1;\r\n", bsn,
			    300000 + c);
		else
			o += (size_t)snprintf(csv + o, sizeof(csv) - o,
			    "%s;%u;0363;" A1 ";10-01-2025;begin;;ja\r\n"
			    "%s;%u;0363;" A1 ";10-03-2025;eind;;Ja\r\n", bsn,
			    300000 + c, bsn, 300000 + c);
	}
	CHECK_EQ_INT(h_post(&e, "/v1/scores", tok_a1, csv_hdr, csv, NULL), 201);

	o = (size_t)snprintf(body, sizeof(body), "{\"responses\": [");
	for (c = 1; c <= 10; c++) {
		demo_bsn(0, c, bsn);
		o += (size_t)snprintf(body + o, sizeof(body) - o,
		    "%s{\"bron_id\": \"al-%u\", \"vragenlijst\": "
		    "\"cem-plus-2026\", \"respondent\": \"jeugdige\", \"bsn\": "
		    "\"%s\", \"agb\": \"" A1 "\", \"gemeente\": \"0363\", "
		    "\"ingevuld_op\": \"%s\", \"antwoorden\": "
		    "{\"rapportcijfer\": 8}}", c > 1 ? "," : "", c, bsn,
		    c <= 5 ? "2025-04-01" : "2025-07-01");
	}
	snprintf(body + o, sizeof(body) - o, "]}");
	CHECK_EQ_INT(h_post(&e, "/v1/questionnaires", tok_bergop, json_hdr, body,
	    NULL), 201);
}

#define Q1	"period=quarter&from=2025-01&to=2025-03"

static void
test_answer(void)
{
	cJSON		*ans;
	const cJSON	*c;
	long		 st;

	/* The analist of Amsterdam, by aanbieder. */
	ans = h_get_json(&e, tok_ams, "/v1/indicators/aanlevering?by=aanbieder&" Q1,
	    &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(ans != NULL && strcmp(cJSON_GetStringValue(
	    cJSON_GetObjectItem(ans, "indicator")), "aanlevering") == 0);
	c = cell(ans, "aanbieder", A1);
	CHECK(c != NULL);
	CHECK(c != NULL && cJSON_IsFalse(cJSON_GetObjectItem(c,
	    "suppressed")));
	CHECK(c != NULL && cJSON_IsFalse(cJSON_GetObjectItem(c, "voorlopig")));
	CHECK(num(c, "n", NULL) == 15);
	CHECK(num(c, "n_clients", NULL) == 15);
	CHECK(fabs(num(c, "values", "gas_eind_pct") - 33.3) < 1e-9);
	CHECK(fabs(num(c, "values", "cem_pct") - 33.3) < 1e-9);
	CHECK(fabs(num(c, "values", "opt_out_pct") - 33.3) < 1e-9);
	/* A2 is in Zaanstad: not in this analist's answer. */
	CHECK(cell(ans, "aanbieder", A2) == NULL);
	cJSON_Delete(ans);

	/* Opt-out counts for uitval, not for doelrealisatie. */
	ans = h_get_json(&e, tok_ams, "/v1/indicators/uitval?by=aanbieder&" Q1, &st,
	    NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(num(cell(ans, "aanbieder", A1), "n", NULL) == 15);
	cJSON_Delete(ans);
	ans = h_get_json(&e, tok_ams, "/v1/indicators/doelrealisatie?by=aanbieder&" Q1,
	    &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(num(cell(ans, "aanbieder", A1), "n", NULL) == 5);
	cJSON_Delete(ans);

	/* 0479's analist: A2's 3 clients are below k. */
	ans = h_get_json(&e, tok_0479, "/v1/indicators/aanlevering?by=gemeente&" Q1,
	    &st, NULL);
	CHECK_EQ_INT(st, 200);
	c = cell(ans, "gemeente", "0479");
	CHECK(c != NULL && cJSON_IsTrue(cJSON_GetObjectItem(c, "suppressed")));
	CHECK(c != NULL && cJSON_GetObjectItem(c, "values") == NULL);
	cJSON_Delete(ans);

	/* Outside the scope: 403, for an analist and for an aanbieder. */
	ans = h_get_json(&e, tok_ams, "/v1/indicators/aanlevering?gemeente=0479&" Q1,
	    &st, NULL);
	CHECK_EQ_INT(st, 403);
	cJSON_Delete(ans);
	ans = h_get_json(&e, tok_a1, "/v1/indicators/aanlevering?aanbieder=" A2 "&" Q1,
	    &st, NULL);
	CHECK_EQ_INT(st, 403);
	cJSON_Delete(ans);
	/* Other roles read no indicators. */
	ans = h_get_json(&e, tok_bo, "/v1/indicators/aanlevering?" Q1, &st, NULL);
	CHECK_EQ_INT(st, 403);
	cJSON_Delete(ans);

	/* The aanbieder itself: its own cell, and a vergelijking. */
	ans = h_get_json(&e, tok_a1, "/v1/indicators/aanlevering?" Q1, &st, NULL);
	CHECK_EQ_INT(st, 200);
	c = cell(ans, "aanbieder", A1);
	CHECK(c != NULL && fabs(num(c, "values", "opt_out_pct") - 33.3) <
	    1e-9);
	cJSON_Delete(ans);
	ans = h_get_json(&e, tok_a2, "/v1/indicators/aanlevering?" Q1, &st, NULL);
	CHECK_EQ_INT(st, 200);
	c = cell(ans, "aanbieder", A2);
	CHECK(c != NULL && cJSON_IsTrue(cJSON_GetObjectItem(c, "suppressed")));
	cJSON_Delete(ans);
}

static void
test_csv(void)
{
	struct h_out	 o;
	cJSON		*ans;
	char		*raw = NULL, cfg[H_PATH_MAX];
	long		 st;

	ans = h_get_json(&e, tok_ams, "/v1/indicators/aanlevering?by=aanbieder&" Q1
	    "&format=csv", &st, &raw);
	CHECK_EQ_INT(st, 200);
	CHECK(ans == NULL);
	CHECK(raw != NULL && strstr(raw, ";n_clients;n;gas_eind_pct;cem_pct;"
	    "opt_out_pct;voorlopig\r\n") != NULL);
	CHECK(raw != NULL && strstr(raw, "\"" A1 "\";") != NULL &&
	    strstr(raw, ";false;15;15;33,3;33,3;33,3;\r\n") != NULL);
	/* The CLI gives the same bytes. */
	h_path(&e, cfg, sizeof(cfg), "k5.json");
	CHECK_EQ_INT(h_run(&e, &o, "indicators", "aanlevering", "--by",
	    "aanbieder", "--period", "quarter", "--from", "2025-01", "--to",
	    "2025-03", "--format", "csv", "--as", "an-ams", "--config", cfg,
	    "--data", e.data, NULL), 0);
	CHECK(raw != NULL && o.out != NULL && strcmp(o.out, raw) == 0);
	h_out_free(&o);
	free(raw);
}

/* A bad opt_out value: 422, at its row and column, nothing stored. */
static void
test_bad_opt_out(void)
{
	cJSON		*j, *err;
	char		*answer = NULL, bsn[10], csv[512];

	demo_bsn(0, 1, bsn);
	snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment;gas_1;opt_out\r\n"
	    "%s;300001;0363;" A1 ";11-03-2025;tussen;1;misschien\r\n", bsn);
	CHECK_EQ_INT(h_post(&e, "/v1/scores", tok_a1, csv_hdr, csv, &answer), 422);
	j = answer != NULL ? cJSON_Parse(answer) : NULL;
	err = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "errors"), 0);
	CHECK(err != NULL && cJSON_GetObjectItem(err, "line") != NULL &&
	    cJSON_GetObjectItem(err, "line")->valuedouble == 2);
	CHECK(err != NULL && cJSON_GetObjectItem(err, "column") != NULL &&
	    cJSON_GetObjectItem(err, "column")->valuedouble == 8);
	CHECK(err != NULL && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(
	    err, "code")), "opt_out_ongeldig") == 0);
	/* The message names the column, never the value. */
	CHECK(answer != NULL && strstr(answer, "misschien") == NULL &&
	    strstr(answer, bsn) == NULL);
	cJSON_Delete(j);
	free(answer);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE "
	    "meetmoment = 2"), 0);
	/* What is stored: only 0/1, with the trajectory's rows. */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE "
	    "opt_out = 1"), 10);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE "
	    "opt_out IS NULL"), 5);
}

int
main(int argc, char **argv)
{
	char	cfg[H_PATH_MAX];

	if (argc != 2) {
		fprintf(stderr, "usage: itest_aanlevering SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_a1, sizeof(tok_a1), "a1",
	    "aanbieder", "--agb", A1, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_a2, sizeof(tok_a2), "a2",
	    "aanbieder", "--agb", A2, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bo, sizeof(tok_bo), "bo",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_ams, sizeof(tok_ams), "an-ams",
	    "analist", "--scope", "cluster:Amsterdam", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_0479, sizeof(tok_0479), "an-0479",
	    "analist", "--scope", "gemeente:0479", NULL), 0);
	h_config(&e, "k5.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 0}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	/* The expected patterns are for the final data alone. */
	CHECK_EQ_INT(h_wait_reports(&e, 120), 0);

	send_data();
	test_answer();
	test_csv();
	test_bad_opt_out();

	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("integration_aanlevering");
}

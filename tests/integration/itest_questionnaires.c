/*
 * POST /v1/questionnaires over real TLS: a single response and a batch,
 * bergop for two AGBs, an aanbieder refused for another AGB, a resend by
 * bron_id and by identical bytes, a batch with one bad response storing
 * nothing, malformed JSON, deep nesting and a huge string refused, the
 * CLI import on the same path, and a scan of the database, WAL and log for
 * the open-answer marker and every BSN sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "harness.h"

#define MARKER	"OPEN-ANTWOORD-MARKER-42"

static struct h_env	e;
static char		tok_bergop[128], tok_aanb[128], tok_bo[128];

static const char *const json_hdr[] = {
	"Content-Type: application/json", NULL
};

/* One response as JSON; extra is spliced into "antwoorden". */
static int
response(char *buf, size_t size, const char *bron, const char *bsn,
    const char *agb, const char *extra)
{
	return snprintf(buf, size, "{\"bron_id\": \"%s\", \"vragenlijst\": "
	    "\"cem-plus-2026\", \"respondent\": \"ouder\", \"bsn\": \"%s\", "
	    "\"agb\": \"%s\", \"gemeente\": \"0479\", \"ingevuld_op\": "
	    "\"2026-09-15\", \"geboortedatum\": \"2014-06-01\", \"geslacht\": "
	    "2, \"antwoorden\": {\"serieus_genomen\": 5, \"nuttig\": 4, "
	    "\"rapportcijfer\": 7, \"zonder_hulp_verder\": \"nee\", "
	    "\"wat_kan_beter\": \"" MARKER " bel Jansen op 0612345678\"%s}}",
	    bron, bsn, agb, extra);
}

static long
post(const char *token, const char *body, struct h_resp *r)
{
	h_request(&e, "POST", "/v1/questionnaires", token, json_hdr, body,
	    strlen(body), 0, r);
	return r->status;
}

static void
test_single_and_duplicate(void)
{
	struct h_resp	r;
	char		body[2048];

	response(body, sizeof(body), "bo-1", "999993847", "12345678", "");
	CHECK_EQ_INT(post(tok_bergop, body, &r), 201);
	CHECK(strstr(r.body, "\"rows\":1") != NULL);
	CHECK(strstr(r.body, "\"already_received\":0") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden WHERE"
	    " respondent = 1 AND leeftijd = 2 AND geslacht = 2 AND"
	    " gemeente = 479 AND ingevuld_op = 20260915"), 1);
	/* Items: 7 statements, rapportcijfer, zonder_hulp, 2 open. */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden WHERE"
	    " hex(waarden) = '05FFFFFF04FFFF0700FF01'"), 1);

	/* Identical bytes: the original receipt. */
	CHECK_EQ_INT(post(tok_bergop, body, &r), 200);
	CHECK(strstr(r.body, "\"duplicate\":true") != NULL);
	h_resp_free(&r);
	/* The same bron_id in other bytes: stored once, counted as known. */
	response(body, sizeof(body), "bo-1", "999993847", "12345678",
	    ", \"luisteren\": 3");
	CHECK_EQ_INT(post(tok_bergop, body, &r), 201);
	CHECK(strstr(r.body, "\"rows\":0") != NULL);
	CHECK(strstr(r.body, "\"already_received\":1") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 1);
}

static void
test_batch_and_agb(void)
{
	struct h_resp	r;
	char		a[2048], b[2048], body[4200];

	/* bergop may send for two aanbieders in one batch. */
	response(a, sizeof(a), "bo-2", "999992077", "12345678", "");
	response(b, sizeof(b), "bo-3", "999993483", "87654321", "");
	snprintf(body, sizeof(body), "{\"responses\": [%s, %s]}", a, b);
	CHECK_EQ_INT(post(tok_bergop, body, &r), 201);
	CHECK(strstr(r.body, "\"rows\":2") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(DISTINCT agb) FROM antwoorden"),
	    2);

	/* An aanbieder only for its own AGB: one bad response, nothing. */
	response(a, sizeof(a), "za-1", "999990482", "12345678", "");
	response(b, sizeof(b), "za-2", "999993653", "87654321", "");
	snprintf(body, sizeof(body), "{\"responses\": [%s, %s]}", a, b);
	CHECK_EQ_INT(post(tok_aanb, body, &r), 422);
	CHECK(strstr(r.body, "{\"index\":1,\"field\":\"/responses/1/agb\","
	    "\"code\":\"agb_niet_eigen\"") != NULL);
	CHECK(strstr(r.body, "\"error_count\":1,") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 3);
	snprintf(body, sizeof(body), "{\"responses\": [%s]}", a);
	CHECK_EQ_INT(post(tok_aanb, body, &r), 201);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 4);
}

static void
test_validation(void)
{
	struct h_resp	r;
	char		a[2048], b[2048], body[4200];

	response(a, sizeof(a), "v-1", "999993848", "12345678", "");
	response(b, sizeof(b), "v-2", "999995017", "12345678",
	    ", \"onbekend_item\": 3, \"luisteren\": 9");
	snprintf(body, sizeof(body), "{\"responses\": [%s, %s]}", a, b);
	CHECK_EQ_INT(post(tok_bergop, body, &r), 422);
	CHECK(strstr(r.body, "\"error\":\"validation_failed\"") != NULL);
	CHECK(strstr(r.body, "\"index\":0,\"field\":\"/responses/0/bsn\","
	    "\"code\":\"bsn_elfproef\"") != NULL);
	CHECK(strstr(r.body, "\"index\":1,\"field\":\"/responses/1/"
	    "antwoorden/onbekend_item\",\"code\":\"onbekend_item\"") != NULL);
	CHECK(strstr(r.body, "\"index\":1,\"field\":\"/responses/1/"
	    "antwoorden/luisteren\",\"code\":\"buiten_bereik\"") != NULL);
	CHECK(strstr(r.body, "99999") == NULL);
	CHECK(strstr(r.body, MARKER) == NULL);
	h_resp_free(&r);

	/* A field that must never be accepted silently. */
	response(a, sizeof(a), "v-3", "999995017", "12345678", "");
	/* "geslacht": 2, and "naam": "Jan", are both 14 bytes. */
	memcpy(strstr(a, "\"geslacht\": 2,"), "\"naam\": \"Jan\",", 14);
	CHECK_EQ_INT(post(tok_bergop, a, &r), 422);
	CHECK(strstr(r.body, "onbekend_veld") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 4);
}

static void
test_hostile_bodies(void)
{
	struct h_resp	 r;
	struct timespec	 t0, t1;
	char		*big, *deep;
	size_t		 n = 10 * 1024 * 1024, i;

	CHECK_EQ_INT(post(tok_bergop, "{\"responses\": [", &r), 400);
	CHECK(strstr(r.body, "\"error\":\"invalid_json\"") != NULL);
	h_resp_free(&r);

	deep = malloc(20001);
	for (i = 0; i < 10000; i++) {
		deep[i] = '[';
		deep[19999 - i] = ']';
	}
	deep[20000] = '\0';
	CHECK_EQ_INT(post(tok_bergop, deep, &r), 400);
	CHECK(strstr(r.body, "te_diep_genest") != NULL);
	h_resp_free(&r);
	free(deep);

	/* A 10 MB string is refused quickly and cleanly. */
	big = malloc(n + 64);
	memcpy(big, "{\"bron_id\": \"", 13);
	memset(big + 13, 'x', n);
	memcpy(big + 13 + n, "\"}", 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ_INT(post(tok_bergop, big, &r), 422);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(strstr(r.body, "te_lang") != NULL);
	CHECK(t1.tv_sec - t0.tv_sec < 10);
	h_resp_free(&r);
	free(big);

	h_request(&e, "POST", "/v1/questionnaires", tok_bergop, NULL, "{}", 2,
	    0, &r);
	CHECK_EQ_INT(r.status, 415);
	h_resp_free(&r);
	CHECK_EQ_INT(post(tok_bo, "{}", &r), 403);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 4);
}

static void
test_cli_import(void)
{
	char		 f[H_PATH_MAX + 32], a[2048], body[2100];
	struct h_out	 o;

	response(a, sizeof(a), "cli-1", "999990408", "87654321", "");
	snprintf(body, sizeof(body), "{\"responses\": [%s]}", a);
	h_path(&e, f, sizeof(f), "batch.json");
	h_write_file(f, body, 0600);
	CHECK_EQ_INT(h_run(&e, &o, "import", "questionnaires", f, "--as",
	    "bergop", "--data", e.data, NULL), 0);
	CHECK(strstr(o.out, "\"status\":201") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "import", "questionnaires", f, "--as",
	    "zorg-a", "--data", e.data, NULL), 1);
	CHECK(strstr(o.out, "agb_niet_eigen") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 5);
}

static void
test_privacy_scan(void)
{
	static const char *const secrets[] = {
		MARKER, "Jansen", "0612345678", "999993847", "999992077",
		"999993483", "999990482", "999993653", "999995017",
		"999990408", "bo-1", "cli-1",
	};
	char		 path[H_PATH_MAX + 32];

	CHECK_EQ_INT(h_leaks(&e, secrets, sizeof(secrets) /
	    sizeof(secrets[0])), 0);
	h_path(&e, path, sizeof(path), "batch.json");
	CHECK(h_file_contains(path, MARKER, strlen(MARKER)));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_questionnaires SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_aanb, sizeof(tok_aanb), "zorg-a",
	    "aanbieder", "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bo, sizeof(tok_bo), "backoffice",
	    "berichtenverkeer", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_single_and_duplicate();
	test_batch_and_agb();
	test_validation();
	test_hostile_bodies();
	test_cli_import();
	CHECK_EQ_INT(h_stop(&e), 0);
	test_privacy_scan();
	h_teardown(&e);
	return test_done("integration_questionnaires");
}

/*
 * POST /v1/scores over real TLS: Excel and comma files, every answer
 * (201, 200 duplicate, 400, 403, 413, 415, 422), all-or-nothing storage, a
 * correction, receipts that only their owner sees, the CLI import on the
 * same path, a clean stop during an upload in flight, and finally a scan
 * of the database, its WAL and the log for every identifier sent.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "demo.h"
#include "harness.h"

static struct h_env	e;
static char		tok_a[128], tok_b[128], tok_bergop[128];

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };
static const char *const expect_hdr[] = {
	"Content-Type: text/csv", "Expect: 100-continue", NULL
};

/* Identifiers the files carry; none may be found on disk or in the log. */
static const char *const bsns[] = {
	"999993847", "999992077", "999993483", "999990482", "999993653",
	"999995017", "999990408", "999994669"
};
static const char *const toew[] = {
	"918273645", "918273646", "918273647", "918273648"
};

static long
post(const char *token, const char *body, size_t len, struct h_resp *r)
{
	h_request(&e, "POST", "/v1/scores", token, csv_hdr, body, len, 0, r);
	return r->status;
}

/* The value of "key":"..." in a flat JSON answer, into out. */
static int
json_str(const char *json, const char *key, char *out, size_t len)
{
	char		 k[64];
	const char	*p, *q;

	snprintf(k, sizeof(k), "\"%s\":\"", key);
	if ((p = strstr(json, k)) == NULL)
		return -1;
	p += strlen(k);
	if ((q = strchr(p, '"')) == NULL || (size_t)(q - p) >= len)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return 0;
}

static void
sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char	md[32];
	unsigned int	n = 32;
	int		i;

	EVP_Digest(s, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const char excel[] =
	"\xef\xbb\xbf" "BSN;ToewijzingNummer;Gemeente;AGB;Meetdatum;Meetmoment;"
	"gas_1;gas_2;gas_3;gewicht_1;Probleemafname;Zonder_hulp_verder;"
	"productcategorie;geboortedatum;geslacht\r\n"
	"\"999993847\";918273645;0363;12345678;15-01-2026;\"begin\";;;;;;;45;"
	"3-4-2012;1\r\n"
	"999993847;918273645;0363;12345678;15-06-2026;eind;1;0;-1;3;3;ja;45;"
	"3-4-2012;1\r\n"
	"999992077;\"918273646\";0457;12345678;2026-02-01;begin;;;;;;;;;\r\n"
	"999992077;918273646;0457;12345678;2026-07-01;eind;2;;;;2;nee;;;\r\n"
	"\r\n\r\n";

static void
test_excel_and_duplicate(void)
{
	struct h_resp	r;
	char		id[64], id2[64], sha[65], got[65];

	CHECK_EQ_INT(post(tok_a, excel, sizeof(excel) - 1, &r), 201);
	CHECK(strstr(r.body, "\"rows\":4") != NULL);
	CHECK(strstr(r.body, "\"duplicate\":false") != NULL);
	CHECK(json_str(r.body, "upload_id", id, sizeof(id)) == 0 &&
	    strncmp(id, "u_", 2) == 0 && strlen(id) == 18);
	sha256_hex(excel, sizeof(excel) - 1, sha);
	CHECK(json_str(r.body, "sha256", got, sizeof(got)) == 0);
	CHECK_STR(got, sha);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"), 4);
	/*
	 * The first eind row: goals (1, 0, -1) with weights (3, 1, 1), so
	 * T = 50 + 10 * 2 / sqrt(0.7 * 11 + 0.3 * 25) = 55.1299; the second:
	 * one goal at +2, T = 70.
	 */
	CHECK(fabs(h_db_double(&e, "SELECT gas_t FROM scores WHERE meetmoment = 3"
	    " AND doelen = 3") - 55.1299) < 0.0001);
	CHECK_EQ_INT(h_db_count(&e, "SELECT doelen_behaald FROM scores WHERE"
	    " meetmoment = 3 AND doelen = 3"), 2);
	CHECK(fabs(h_db_double(&e, "SELECT gas_t FROM scores WHERE meetmoment = 3"
	    " AND doelen = 1") - 70.0) < 0.0001);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE gemeente ="
	    " 363"), 4);	/* 0457 was mapped to Amsterdam */
	CHECK_EQ_INT(h_db_count(&e, "SELECT leeftijd FROM scores WHERE meetmoment"
	    " = 1 AND leeftijd IS NOT NULL"), 2);	/* 13 on 15-01-2026 */

	/* The same bytes again: the original receipt, nothing stored. */
	CHECK_EQ_INT(post(tok_a, excel, sizeof(excel) - 1, &r), 200);
	CHECK(strstr(r.body, "\"duplicate\":true") != NULL);
	CHECK(json_str(r.body, "upload_id", id2, sizeof(id2)) == 0);
	CHECK_STR(id2, id);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"), 4);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM uploads"), 1);
}

static void
test_comma_and_correction(void)
{
	static const char comma[] =
	    "bsn,toewijzingnummer,gemeente,agb,meetdatum,meetmoment,gas_1\n"
	    "999993483,918273647,0479,12345678,2026-03-01,begin,\n"
	    "999993483,918273647,0479,12345678,2026-09-01,eind,-2\n";
	/* Same trajectory, date and moment as the eind row above: +2. */
	static const char fix[] =
	    "bsn,toewijzingnummer,gemeente,agb,meetdatum,meetmoment,gas_1\n"
	    "999993483,918273647,0479,12345678,01-09-2026,eind,2\n";
	struct h_resp	r;

	CHECK_EQ_INT(post(tok_a, comma, sizeof(comma) - 1, &r), 201);
	CHECK(strstr(r.body, "\"rows\":2") != NULL);
	h_resp_free(&r);
	CHECK(fabs(h_db_double(&e, "SELECT gas_t FROM scores WHERE gemeente = 479"
	    " AND meetmoment = 3") - 30.0) < 0.0001);
	CHECK_EQ_INT(post(tok_a, fix, sizeof(fix) - 1, &r), 201);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE gemeente ="
	    " 479"), 2);
	CHECK(fabs(h_db_double(&e, "SELECT gas_t FROM scores WHERE gemeente = 479"
	    " AND meetmoment = 3") - 70.0) < 0.0001);
}

static void
test_rejections(void)
{
	static const char bad[] =
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1\r\n"
	    "999993848;918273648;0363;12345678;01-01-2026;begin;\r\n"
	    "999990482;918273648;0599;87654321;31-02-2026;later;5\r\n"
	    "999990482;918273648;0363;12345678;01-01-2026;eind;\r\n";
	static const char json[] = "{\"bsn\": \"999993847\"}";
	static const char *const json_hdr[] = {
		"Content-Type: application/json", NULL
	};
	struct h_resp	r;

	CHECK_EQ_INT(post(tok_a, bad, sizeof(bad) - 1, &r), 422);
	CHECK(strstr(r.body, "\"error\":\"validation_failed\"") != NULL);
	CHECK(strstr(r.body, "\"error_count\":7") != NULL);
	CHECK(strstr(r.body, "{\"line\":2,\"column\":1,\"code\":"
	    "\"bsn_elfproef\"") != NULL);
	CHECK(strstr(r.body, "{\"line\":3,\"column\":3,\"code\":"
	    "\"gemeente_onbekend\"") != NULL);
	CHECK(strstr(r.body, "{\"line\":3,\"column\":4,\"code\":"
	    "\"agb_niet_eigen\"") != NULL);
	CHECK(strstr(r.body, "{\"line\":3,\"column\":5,\"code\":"
	    "\"datum_ongeldig\"") != NULL);
	CHECK(strstr(r.body, "{\"line\":3,\"column\":6,\"code\":"
	    "\"meetmoment_ongeldig\"") != NULL);
	CHECK(strstr(r.body, "{\"line\":3,\"column\":7,\"code\":"
	    "\"gas_ongeldig\"") != NULL);
	CHECK(strstr(r.body, "{\"line\":4,\"column\":0,\"code\":"
	    "\"eind_zonder_doelen\"") != NULL);
	/* No identifier is echoed. */
	CHECK(strstr(r.body, "99999") == NULL);
	CHECK(strstr(r.body, "918273648") == NULL);
	h_resp_free(&r);

	CHECK_EQ_INT(post(tok_a, json, sizeof(json) - 1, &r), 400);
	CHECK(strstr(r.body, "\"error\":\"not_csv\"") != NULL);
	CHECK(strstr(r.body, "999993847") == NULL);
	h_resp_free(&r);

	h_request(&e, "POST", "/v1/scores", tok_a, json_hdr, excel,
	    sizeof(excel) - 1, 0, &r);
	CHECK_EQ_INT(r.status, 415);
	h_resp_free(&r);
	CHECK_EQ_INT(post(tok_bergop, excel, sizeof(excel) - 1, &r), 403);
	h_resp_free(&r);
	CHECK_EQ_INT(post(NULL, excel, sizeof(excel) - 1, &r), 401);
	h_resp_free(&r);
}

/* 10,000 rows with one bad row stores nothing at all. */
static void
test_all_or_nothing(void)
{
	const size_t	 nrows = 10000, bad = 5000;
	struct h_resp	 r;
	long long	 before, uploads;
	char		*csv, *p, *end, bsn[10];
	size_t		 i;

	csv = malloc(nrows * 80 + 128);
	CHECK(csv != NULL);
	if (csv == NULL)
		return;
	end = csv + nrows * 80 + 128;
	p = csv + snprintf(csv, (size_t)(end - csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1\r\n");
	for (i = 0; i < nrows; i++) {
		demo_bsn(0, (unsigned)i, bsn);
		p += snprintf(p, (size_t)(end - p),
		    "%s;%zu;0363;12345678;01-02-2026;eind;%s\r\n",
		    i == bad ? "12345678X" : bsn, 100000 + i,
		    i % 2 ? "1" : "-1");
	}
	before = h_db_count(&e, "SELECT count(*) FROM scores");
	uploads = h_db_count(&e, "SELECT count(*) FROM uploads");
	CHECK_EQ_INT(post(tok_a, csv, (size_t)(p - csv), &r), 422);
	CHECK(strstr(r.body, "\"error_count\":1,") != NULL);
	CHECK(strstr(r.body, "{\"line\":5002,\"column\":1,\"code\":"
	    "\"bsn_geen_cijfers\"") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"), before);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM uploads"), uploads);

	/* Fixed, it is accepted whole. */
	demo_bsn(0, (unsigned)bad, bsn);
	memcpy(strstr(csv, "12345678X"), bsn, 9);
	CHECK_EQ_INT(post(tok_a, csv, (size_t)(p - csv), &r), 201);
	CHECK(strstr(r.body, "\"rows\":10000") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"), before + 10000);
	free(csv);
}

/* Receipts: the owner sees them, another aanbieder does not. */
static void
test_receipts(void)
{
	struct h_resp	r;
	char		id[64], path[96];

	h_request(&e, "GET", "/v1/uploads", tok_a, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK(json_str(r.body, "upload_id", id, sizeof(id)) == 0);
	CHECK(strstr(r.body, "\"kind\":\"scores\"") != NULL);
	h_resp_free(&r);
	snprintf(path, sizeof(path), "/v1/uploads/%s", id);
	h_request(&e, "GET", path, tok_a, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, id) != NULL);
	h_resp_free(&r);

	h_request(&e, "GET", "/v1/uploads", tok_b, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK_STR(r.body, "{\"uploads\":[]}");
	h_resp_free(&r);
	h_request(&e, "GET", path, tok_b, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 404);
	h_resp_free(&r);
	h_request(&e, "GET", "/v1/uploads/u_0000000000000000", tok_a, NULL,
	    NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 404);
	h_resp_free(&r);
}

/* The CLI import is the same code path: same receipts, same duplicates. */
static void
test_cli_import(void)
{
	static const char more[] =
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1\n"
	    "999993653;918273645;0385;12345678;01-03-2026;eind;0\n";
	char		 f1[H_PATH_MAX + 32], f2[H_PATH_MAX + 32];
	struct h_out	 o;

	h_path(&e, f1, sizeof(f1), "excel.csv");
	h_path(&e, f2, sizeof(f2), "more.csv");
	h_write_file(f1, excel, 0600);
	h_write_file(f2, more, 0600);
	CHECK_EQ_INT(h_run(&e, &o, "import", "scores", f1, f2, "--as",
	    "zorg-a", "--data", e.data, NULL), 0);
	CHECK(strstr(o.out, "\"duplicate\":true") != NULL);
	CHECK(strstr(o.out, "\"status\":201") != NULL);
	CHECK(strstr(o.out, "\"status\":200") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "import", "scores", f1, "--as", "bergop",
	    "--data", e.data, NULL), 1);
	CHECK(strstr(o.err, "role") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "import", "scores", "--as", "zorg-a",
	    "--data", e.data, NULL), 2);
	h_out_free(&o);
}

struct slow_upload {
	const char	*body;
	size_t		 len;
	struct h_resp	 r;
};

static void *
slow_upload(void *arg)
{
	struct slow_upload	*s = arg;

	h_request_stream(&e, "POST", "/v1/scores", tok_b, csv_hdr, s->body,
	    s->len, 64, 40, &s->r);
	return NULL;
}

/* SIGTERM while an upload is in flight: it completes, then a clean exit. */
static void
test_stop_in_flight(void)
{
	static const char body[] =
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1\n"
	    "999995017;918273646;0852;87654321;01-04-2026;begin;\n"
	    "999995017;918273646;0852;87654321;01-08-2026;eind;1\n"
	    "999990408;918273647;0880;87654321;01-04-2026;begin;\n"
	    "999990408;918273647;0880;87654321;01-08-2026;eind;0\n";
	struct slow_upload	 s = { body, sizeof(body) - 1, { 0 } };
	struct timespec		 pause = { 0, 300 * 1000 * 1000 };
	pthread_t		 t;

	CHECK(pthread_create(&t, NULL, slow_upload, &s) == 0);
	nanosleep(&pause, NULL);
	kill(e.pid, SIGTERM);
	pthread_join(t, NULL);
	CHECK_EQ_INT(s.r.status, 201);
	CHECK(strstr(s.r.body, "\"rows\":4") != NULL);
	h_resp_free(&s.r);
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE agb ="
	    " 87654321"), 4);
}

/* A streamed body over the limit is refused with 413. */
static void
test_stream_limit(void)
{
	char		 cfg[H_PATH_MAX + 32];
	char		*big;
	struct h_resp	 r;
	size_t		 n = 256 * 1024;

	h_config(&e, "small.json", "{\"limits\": {\"body_max_scores\": "
	    "4096}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	big = malloc(n);
	memset(big, 'x', n);
	memcpy(big, "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment\n",
	    55);
	/*
	 * Announced: refused from the header, before the body is read. The
	 * client waits for that answer (Expect: 100-continue); one that
	 * sends regardless may see the connection reset instead.
	 */
	h_request(&e, "POST", "/v1/scores", tok_a, expect_hdr, big, n, 0, &r);
	CHECK_EQ_INT(r.status, 413);
	CHECK(strstr(r.body, "body_too_large") != NULL);
	h_resp_free(&r);
	/*
	 * Chunked, no length: parsing stops at the limit and the answer is
	 * 413. libmicrohttpd 0.9.75 cannot answer in the middle of a body,
	 * so the rest is read and thrown away, up to 1 MiB past the limit.
	 */
	h_request_stream(&e, "POST", "/v1/scores", tok_a, csv_hdr, big, n,
	    16384, 0, &r);
	CHECK_EQ_INT(r.status, 413);
	CHECK(strstr(r.body, "body_too_large") != NULL);
	h_resp_free(&r);
	free(big);
	/* A client that keeps sending far past that is cut off. */
	n = 8 * 1024 * 1024;
	big = malloc(n);
	memset(big, 'x', n);
	h_request_stream(&e, "POST", "/v1/scores", tok_a, csv_hdr, big, n,
	    65536, 0, &r);
	CHECK(r.status == 0 || r.status == 413);
	CHECK(r.sent < n);
	h_resp_free(&r);
	free(big);
	CHECK_EQ_INT(h_stop(&e), 0);
}

/* Nothing identifying on disk or in the log: scan the bytes. */
static void
test_privacy_scan(void)
{
	char		 path[H_PATH_MAX + 32], gen[11][10];
	const char	*secrets[8 + 4 + 11];
	size_t		 n = 0, j;
	unsigned	 k;

	for (j = 0; j < sizeof(bsns) / sizeof(bsns[0]); j++)
		secrets[n++] = bsns[j];
	for (j = 0; j < sizeof(toew) / sizeof(toew[0]); j++)
		secrets[n++] = toew[j];
	/* A sample of the 10,000 generated BSNs. */
	for (k = 0, j = 0; k < 10000; k += 997, j++) {
		demo_bsn(0, k, gen[j]);
		secrets[n++] = gen[j];
	}
	CHECK_EQ_INT(h_leaks(&e, secrets, n), 0);
	/* The scan itself must be able to find what it looks for. */
	snprintf(path, sizeof(path), "%s/excel.csv", e.root);
	CHECK(h_file_contains(path, bsns[0], 9));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_scores SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_a, sizeof(tok_a), "zorg-a",
	    "aanbieder", "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_b, sizeof(tok_b), "zorg-b",
	    "aanbieder", "--agb", "87654321", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_excel_and_duplicate();
	test_comma_and_correction();
	test_rejections();
	test_all_or_nothing();
	test_receipts();
	test_cli_import();
	test_stop_in_flight();
	test_stream_limit();
	test_privacy_scan();
	h_teardown(&e);
	return test_done("integration_scores");
}

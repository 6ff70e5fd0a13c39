/*
 * POST /v1/messages over real TLS: the fixtures (JW301, JW305 with two
 * products, JW307, taakgericht, iJw 3.0/3.1/3.2, default namespace, CRLF
 * and BOM, StatusAanlevering 3), the trajectory model (every
 * RedenBeeindiging, 20 then 31, a stop before its start, a deletion and a
 * replacement in one message, a new start after a temporary stop),
 * duplicates, the refusals (XXE naming a local file, billion laughs, a
 * 10 MB document, JW315, non-iJw XML, malformed XML), the folder import on
 * the same path, and a scan of the database, WAL and log for every name,
 * phone number, BSN and Commentaar marker sent.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "harness.h"

static struct h_env	e;
static char		tok[128], tok_aanb[128];

static const char *const xml_hdr[] = {
	"Content-Type: application/xml", NULL
};

static long
send_xml(const char *xml, size_t len, struct h_resp *r)
{
	h_request(&e, "POST", "/v1/messages", tok, xml_hdr, xml, len, 0, r);
	return r->status;
}

static long
send_fixture(const char *name, struct h_resp *r)
{
	char	 path[512], *xml;
	size_t	 len;
	long	 st;

	snprintf(path, sizeof(path), "%s/tests/fixtures/ijw/%s.xml",
	    SORTTP_SOURCE_DIR, name);
	if ((xml = h_slurp(path, &len)) == NULL) {
		fprintf(stderr, "missing fixture %s\n", path);
		memset(r, 0, sizeof(*r));
		r->body = strdup("");
		r->headers = strdup("");
		return 0;
	}
	st = send_xml(xml, len, r);
	free(xml);
	return st;
}

/*
 * A JW305 (start) or JW307 (stop) for one product, in the structure of
 * the public examples: names and a Commentaar are included to prove they
 * are read past.
 */
static int
make_msg(char *buf, size_t size, int code, const char *id, const char *bsn,
    const char *nr, const char *begin, const char *end, const char *reden,
    int status)
{
	const char	*m = code == 305 ? "jw305" : "jw307";
	char		 stop[256] = "";

	if (code == 307)
		snprintf(stop, sizeof(stop), "<%s:RedenBeeindiging>%s"
		    "</%s:RedenBeeindiging><%s:Einddatum>%s</%s:Einddatum>",
		    m, reden, m, m, end, m);
	return snprintf(buf, size,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<%s:Bericht xmlns:ijw=\"http://www.istandaarden.nl/ijw/3_2/"
	    "basisschema/schema\" xmlns:%s=\"http://www.istandaarden.nl/ijw/"
	    "3_2/%s/schema\">"
	    "<%s:Header><%s:BerichtCode>%d</%s:BerichtCode>"
	    "<%s:BerichtVersie>3</%s:BerichtVersie>"
	    "<%s:BerichtSubversie>2</%s:BerichtSubversie>"
	    "<%s:Afzender>87650001</%s:Afzender>"
	    "<%s:Ontvanger>0363</%s:Ontvanger>"
	    "<%s:BerichtIdentificatie><ijw:Identificatie>%s</ijw:"
	    "Identificatie><ijw:Dagtekening>2026-06-01</ijw:Dagtekening>"
	    "</%s:BerichtIdentificatie>"
	    "<%s:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0</ijw:"
	    "BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:"
	    "BerichtXsdVersie></%s:XsdVersie></%s:Header>"
	    "<%s:Client><%s:Bsn>%s</%s:Bsn>"
	    "<%s:Geboortedatum><ijw:Datum>2012-05-05</ijw:Datum>"
	    "</%s:Geboortedatum><%s:Geslacht>2</%s:Geslacht>"
	    "<%s:Naam><ijw:Geslachtsnaam><ijw:Achternaam>Zwijgersma"
	    "</ijw:Achternaam></ijw:Geslachtsnaam></%s:Naam>"
	    "<%s:%s><%s:%s>"
	    "<%s:ToewijzingNummer>%s</%s:ToewijzingNummer>"
	    "<%s:Product><ijw:Categorie>45</ijw:Categorie></%s:Product>"
	    "<%s:Begindatum>%s</%s:Begindatum>%s"
	    "<%s:StatusAanlevering>%d</%s:StatusAanlevering>"
	    "</%s:%s></%s:%s></%s:Client></%s:Bericht>\n",
	    m, m, m, m, m, code == 305 ? 438 : 440, m, m, m, m, m, m, m, m,
	    m, m, id, m, m, m,
	    m, m, m, bsn, m, m, m, m, m, m, m,
	    m, code == 305 ? "StartProducten" : "StopProducten",
	    m, code == 305 ? "StartProduct" : "StopProduct",
	    m, nr, m, m, m, m, begin, m, stop, m, status, m,
	    m, code == 305 ? "StartProduct" : "StopProduct",
	    m, code == 305 ? "StartProducten" : "StopProducten", m, m);
}

static long
send_made(int code, const char *id, const char *bsn, const char *nr,
    const char *begin, const char *end, const char *reden, int status)
{
	struct h_resp	 r;
	char		 buf[8192];
	int		 n;
	long		 st;

	n = make_msg(buf, sizeof(buf), code, id, bsn, nr, begin, end, reden,
	    status);
	st = send_xml(buf, (size_t)n, &r);
	if (st != 201)
		fprintf(stderr, "  %s -> %ld %s\n", id, st, r.body);
	h_resp_free(&r);
	return st;
}

static void
test_fixtures(void)
{
	static const char *const ok[] = {
		"jw301_v32", "jw305_v32", "jw307_v32", "jw305_taakgericht",
		"jw305_v30", "jw307_v31", "jw305_default_ns",
		"jw305_crlf_bom", "jw305_extra_elements", "jw307_status3",
	};
	struct h_resp	r;
	size_t		i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_EQ_INT(send_fixture(ok[i], &r), 201);
		if (r.status != 201)
			fprintf(stderr, "  %s: %s\n", ok[i], r.body);
		CHECK(strstr(r.body, "\"duplicate\":false") != NULL);
		h_resp_free(&r);
	}
	/* JW305 with two products: two trajectory rows for its client. */
	CHECK(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE gestart = 1") >=
	    2);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM toewijzingen"), 2);
	/* Identical bytes again. */
	CHECK_EQ_INT(send_fixture("jw305_v32", &r), 200);
	CHECK(strstr(r.body, "\"duplicate\":true") != NULL);
	h_resp_free(&r);
}

/* Every RedenBeeindiging; 20 is a temporary stop, not an end. */
static void
test_reasons(void)
{
	static const char *const reasons[] = {
		"02", "20", "31", "32", "33", "34", "35", "36", "37", "38", "39"
	};
	char		id[16], nr[16];
	size_t		i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		snprintf(id, sizeof(id), "RB-%s", reasons[i]);
		snprintf(nr, sizeof(nr), "7100%02zu", i);
		CHECK_EQ_INT(send_made(305, id, "999995017", nr, "2026-01-05",
		    NULL, NULL, 1), 201);
		snprintf(id, sizeof(id), "RE-%s", reasons[i]);
		CHECK_EQ_INT(send_made(307, id, "999995017", nr, "2026-01-05",
		    "2026-04-30", reasons[i], 1), 201);
	}
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " einddatum = 20260430 AND gestart = 1"), 10);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " tijdelijk_einddatum = 20260430 AND einddatum IS NULL"), 1);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " reden = 20"), 0);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(DISTINCT reden) FROM trajecten"
	    " WHERE einddatum = 20260430"), 10);
}

static void
test_trajectories(void)
{
	/* 20, then a definitive 31: ended volgens plan, the 20 kept aside. */
	CHECK_EQ_INT(send_made(305, "T1-A", "999994669", "720001",
	    "2026-02-01", NULL, NULL, 1), 201);
	CHECK_EQ_INT(send_made(307, "T1-B", "999994669", "720001",
	    "2026-02-01", "2026-03-01", "20", 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260201 AND einddatum IS NULL AND"
	    " tijdelijk_einddatum = 20260301"), 1);
	CHECK_EQ_INT(send_made(307, "T1-C", "999994669", "720001",
	    "2026-02-01", "2026-05-01", "31", 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260201 AND einddatum = 20260501 AND reden = 31"),
	    1);
	/* A new start after a 20 resumes: a row of its own, not ended. */
	CHECK_EQ_INT(send_made(307, "T2-A", "999992806", "720002",
	    "2026-02-01", "2026-03-01", "20", 1), 201);
	CHECK_EQ_INT(send_made(305, "T2-B", "999992806", "720002",
	    "2026-03-15", NULL, NULL, 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260315 AND gestart = 1 AND einddatum IS NULL"),
	    1);

	/* A stop that arrives before its start. */
	CHECK_EQ_INT(send_made(307, "T3-A", "999993926", "720003",
	    "2026-01-10", "2026-02-20", "33", 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260110 AND gestart = 0 AND reden = 33"), 1);
	CHECK_EQ_INT(send_made(305, "T3-B", "999993926", "720003",
	    "2026-01-10", NULL, NULL, 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260110 AND gestart = 1 AND reden = 33 AND"
	    " leeftijd = 2 AND geslacht = 2"), 1);

	/* StatusAanlevering 3: the stop is withdrawn, the start stays... */
	CHECK_EQ_INT(send_made(307, "T3-C", "999993926", "720003",
	    "2026-01-10", "2026-02-20", "33", 3), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260110 AND gestart = 1 AND einddatum IS NULL"),
	    1);
	/* ...and the withdrawn start removes the row. */
	CHECK_EQ_INT(send_made(305, "T3-D", "999993926", "720003",
	    "2026-01-10", NULL, NULL, 3), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260110"), 0);
}

/*
 * A deletion and its replacement in one message: a start is withdrawn
 * (StatusAanlevering 3) and sent again with the corrected Begindatum,
 * in document order.
 */
static void
test_replace_in_one_message(void)
{
	struct h_resp	 r;
	char		 one[8192], two[8192], *p, *q, *msg;
	size_t		 len;

	CHECK_EQ_INT(send_made(305, "R-1", "999990482", "740001",
	    "2026-05-01", NULL, NULL, 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260501"), 1);
	/* Splice the product of a second message into the first. */
	make_msg(one, sizeof(one), 305, "R-2", "999990482", "740001",
	    "2026-05-01", NULL, NULL, 3);
	make_msg(two, sizeof(two), 305, "R-2", "999990482", "740001",
	    "2026-05-04", NULL, NULL, 1);
	p = strstr(two, "<jw305:StartProduct>");
	q = strstr(two, "</jw305:StartProducten>");
	CHECK(p != NULL && q != NULL);
	if (p == NULL || q == NULL)
		return;
	msg = malloc(sizeof(one) + sizeof(two));
	len = (size_t)(strstr(one, "</jw305:StartProducten>") - one);
	memcpy(msg, one, len);
	memcpy(msg + len, p, (size_t)(q - p));
	len += (size_t)(q - p);
	p = strstr(one, "</jw305:StartProducten>");
	memcpy(msg + len, p, strlen(p) + 1);
	CHECK_EQ_INT(send_xml(msg, strlen(msg), &r), 201);
	CHECK(strstr(r.body, "\"rows\":2") != NULL);
	h_resp_free(&r);
	free(msg);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260501"), 0);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE"
	    " begindatum = 20260504 AND gestart = 1"), 1);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM uploads WHERE kind ="
	    " 'messages'"), 10 + 22 + 9 + 2);
}

static void
test_refusals(void)
{
	static const char *const json_hdr[] = {
		"Content-Type: application/json", NULL
	};
	struct h_resp	 r;
	long long	 before = h_db_count(&e, "SELECT count(*) FROM uploads");
	struct timespec	 t0, t1;
	char		*big;
	size_t		 n = 10 * 1024 * 1024;

	CHECK_EQ_INT(send_fixture("xxe", &r), 400);
	CHECK(strstr(r.body, "\"error\":\"dtd_forbidden\"") != NULL);
	/* Every refusal in Dutch, as for scores and questionnaires. */
	CHECK(strstr(r.body, "\"message\":\"Een DOCTYPE (DTD, "
	    "entiteitdeclaraties) is niet toegestaan\"") != NULL);
	CHECK(strstr(r.body, "root:") == NULL);
	h_resp_free(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ_INT(send_fixture("billion_laughs", &r), 400);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(t1.tv_sec - t0.tv_sec < 2);
	h_resp_free(&r);
	CHECK_EQ_INT(send_fixture("jw315", &r), 422);
	CHECK(strstr(r.body, "\"error\":\"unsupported_message\"") != NULL);
	CHECK(strstr(r.body, "\"message\":\"Alleen JW301, JW305 en JW307 "
	    "worden ondersteund\"") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(send_fixture("not_ijw", &r), 422);
	CHECK(strstr(r.body, "\"error\":\"not_ijw\"") != NULL);
	CHECK(strstr(r.body, "\"message\":\"Het hoofdelement is geen "
	    "iJw-Bericht\"") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(send_fixture("malformed", &r), 400);
	CHECK(strstr(r.body, "\"error\":\"xml_malformed\"") != NULL);
	CHECK(strstr(r.body, "\"message\":\"De XML is niet goed gevormd: "
	    "begin- en eindtag horen niet bij elkaar (libxml2-fout ") != NULL);
	CHECK(strstr(r.body, "\"line\":") != NULL);
	CHECK(strstr(r.body, "\"column\":") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(send_fixture("header_mismatch", &r), 422);
	CHECK(strstr(r.body, "\"message\":\"BerichtCode past niet bij de "
	    "namespace, die 438 (JW305) verwacht\"") != NULL);
	CHECK(strstr(r.body, "\"field\":\"Header/BerichtCode\"") != NULL);
	h_resp_free(&r);

	/* 10 MB, over the 4 MiB limit: refused from the header. */
	big = malloc(n);
	memset(big, ' ', n);
	memcpy(big, "<?xml version=\"1.0\"?><a>", 24);
	CHECK_EQ_INT(send_xml(big, n, &r), 413);
	h_resp_free(&r);
	free(big);

	h_request(&e, "POST", "/v1/messages", tok, json_hdr, "{}", 2, 0, &r);
	CHECK_EQ_INT(r.status, 415);
	h_resp_free(&r);
	h_request(&e, "POST", "/v1/messages", tok_aanb, xml_hdr, "<a/>", 4, 0,
	    &r);
	CHECK_EQ_INT(r.status, 403);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM uploads"), before);
}

/* The same sender, Identificatie and Dagtekening again: a duplicate. */
static void
test_resend(void)
{
	struct h_resp	r;
	char		buf[8192];
	int		n;

	n = make_msg(buf, sizeof(buf), 305, "T1-A", "999994669", "720001",
	    "2026-02-01", NULL, NULL, 1);
	/* Different bytes (a trailing space), same message identity. */
	buf[n++] = ' ';
	CHECK_EQ_INT(send_xml(buf, (size_t)n, &r), 200);
	CHECK(strstr(r.body, "\"duplicate\":true") != NULL);
	h_resp_free(&r);
}

/*
 * Receipt ids run out (a receipt with the highest id there is, put there
 * by hand): a new message is refused with its own clear 503 and nothing
 * of it stored, a resend still gets its receipt, and messages are taken
 * again once that receipt is gone.
 */
static void
test_ids_exhausted(void)
{
	struct h_resp	r;
	char		buf[8192];
	long long	before;
	int		n;

	CHECK_EQ_INT(h_db_exec(&e, "INSERT INTO uploads (id, party_id, kind,"
	    " body_mac, rows, key_version, created_at) SELECT"
	    " 9223372036854775807, id, 'scores', randomblob(32), 0, 1,"
	    " '2026-01-01T00:00:00Z' FROM parties WHERE name = 'zorg-a'"), 0);
	before = h_db_count(&e, "SELECT count(*) FROM message_keys");
	n = make_msg(buf, sizeof(buf), 305, "X-1", "999993483", "730001",
	    "2026-02-01", NULL, NULL, 1);
	CHECK_EQ_INT(send_xml(buf, (size_t)n, &r), 503);
	CHECK(strstr(r.body, "\"error\":\"unavailable\"") != NULL);
	CHECK(strstr(r.body, "ontvangstnummers") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM message_keys"),
	    before);
	n = make_msg(buf, sizeof(buf), 305, "T1-A", "999994669", "720001",
	    "2026-02-01", NULL, NULL, 1);
	CHECK_EQ_INT(send_xml(buf, (size_t)n, &r), 200);
	h_resp_free(&r);

	CHECK_EQ_INT(h_db_exec(&e, "DELETE FROM uploads WHERE id ="
	    " 9223372036854775807"), 0);
	CHECK_EQ_INT(send_made(305, "X-1", "999993483", "730001",
	    "2026-02-01", NULL, NULL, 1), 201);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM message_keys"),
	    before + 1);
}

static void
test_import_folder(void)
{
	char		 dir[H_PATH_MAX + 32], sub[H_PATH_MAX + 48];
	char		 f[H_PATH_MAX + 64], buf[8192];
	struct h_out	 o;
	int		 n, i;

	h_path(&e, dir, sizeof(dir), "backlog");
	snprintf(sub, sizeof(sub), "%s/2026", dir);
	mkdir(dir, 0700);
	mkdir(sub, 0700);
	for (i = 0; i < 6; i++) {
		char id[16], nr[16];

		snprintf(id, sizeof(id), "IMP-%d", i);
		snprintf(nr, sizeof(nr), "7300%02d", i);
		n = make_msg(buf, sizeof(buf), 305, id, "999991905", nr,
		    "2026-04-01", NULL, NULL, 1);
		buf[n] = '\0';
		snprintf(f, sizeof(f), "%s/%d.xml", i % 2 ? sub : dir, i);
		h_write_file(f, buf, 0600);
	}
	snprintf(f, sizeof(f), "%s/broken.xml", sub);
	h_write_file(f, "<not closed", 0600);
	CHECK_EQ_INT(h_run(&e, &o, "import", "messages", dir, "--as",
	    "backoffice", "--data", e.data, NULL), 1);
	CHECK(strstr(o.out, "\"files\":7,\"accepted\":6,\"duplicate\":0,"
	    "\"refused\":1,\"refused_per_code\":{\"xml_malformed\":1}") !=
	    NULL);
	CHECK(strstr(o.out, "broken.xml") != NULL);
	h_out_free(&o);
	/* Again: all duplicates. */
	h_run(&e, &o, "import", "messages", dir, "--as", "backoffice",
	    "--data", e.data, NULL);
	CHECK(strstr(o.out, "\"accepted\":0,\"duplicate\":6") != NULL);
	h_out_free(&o);
}

static void
test_privacy_scan(void)
{
	static const char *const secrets[] = {
		"Testsma", "Fictief", "Oudersma", "Proefhuis", "Voorbeeldink",
		"Crlfsma", "Zwijgersma", "Verzonnenstraat", "1500ZZ",
		"0612345678", "0759876543", "example.nl",
		"GEHEIM-COMMENTAAR-MARKER", "999993847", "999990408",
		"999990482", "999992077", "999993483", "999993926",
		"999994669", "999995017", "999992806", "999991905",
		"4801234", "4801235", "123456789", "730001",
	};
	char		 path[H_PATH_MAX + 32];

	CHECK_EQ_INT(h_leaks(&e, secrets, sizeof(secrets) /
	    sizeof(secrets[0])), 0);
	/* The scan can find what it looks for. */
	snprintf(path, sizeof(path), "%s/tests/fixtures/ijw/jw301_v32.xml",
	    SORTTP_SOURCE_DIR);
	CHECK(h_file_contains(path, "GEHEIM-COMMENTAAR-MARKER", 24));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_messages SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "backoffice",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_aanb, sizeof(tok_aanb), "zorg-a",
	    "aanbieder", "--agb", "87650001", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_fixtures();
	test_reasons();
	test_trajectories();
	test_replace_in_one_message();
	test_refusals();
	test_resend();
	test_ids_exhausted();
	CHECK_EQ_INT(h_stop(&e), 0);
	test_import_folder();
	test_privacy_scan();
	h_teardown(&e);
	return test_done("integration_messages");
}

/*
 * Unit tests for parse_ijw.c: every fixture in tests/fixtures/ijw with its
 * exact expected fields, variants of them built here for each error code,
 * and the privacy and safety properties: no name, phone number or
 * Commentaar in the output, no value of the document in an error, nothing
 * printed on stderr, XXE and billion laughs refused fast.
 *
 * Usage: test_parse_ijw [fixture-dir] [-v]; -v also times the parsing of
 * a typical JW305 and prints messages per second.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse_ijw.h"
#include "util.h"
#include "test.h"

#ifndef SORTTP_SOURCE_DIR
#define SORTTP_SOURCE_DIR "."
#endif

#define FIXTURE_MAX	(1024 * 1024)
#define BENCH_ROUNDS	20000

static const char	*fixture_dir = SORTTP_SOURCE_DIR "/tests/fixtures/ijw";
static int		 verbose;

/* The public test BSNs: none may ever appear in an error. */
static const char *const test_bsns[] = {
	"999993847", "999992077", "999993483", "999990482", "999993653",
	"999995017", "999990408", "999994669", "999992806", "999993926",
	"999991905"
};

/*
 * Strings of the fixtures that must never reach the output struct: names,
 * contact data, Commentaar, and the values of elements in the wrong
 * namespace or place (jw305_extra_elements.xml).
 */
static const char *const secrets[] = {
	"GEHEIM-COMMENTAAR-MARKER", "Testsma", "Oudersma", "Fictie",
	"Verzonnen", "Proefhuis", "Voorbeeldink", "Crlfsma", "van der",
	"0612345678", "0759876543", "example.nl", "1500ZZ", "Zaandam",
	"REF-TESTSMA", "999991905", "999999999", "ZZZZZ", "10:15:00"
};

static char	*products_doc(size_t);

static char *
load(const char *name, size_t *len)
{
	char	 path[1024];
	char	*data;

	if (util_path_join(path, sizeof(path), fixture_dir, name) == -1 ||
	    util_read_file(path, FIXTURE_MAX, &data, len) == -1) {
		fprintf(stderr, "cannot read fixture %s in %s\n", name,
		    fixture_dir);
		exit(1);
	}
	return data;
}

/* A copy of doc with the first occurrence of from replaced by to. */
static char *
subst(const char *doc, const char *from, const char *to)
{
	const char	*at = strstr(doc, from);
	size_t		 dl = strlen(doc), fl = strlen(from), tl = strlen(to);
	char		*out;

	if (at == NULL) {
		fprintf(stderr, "subst: pattern not found: %s\n", from);
		exit(1);
	}
	if ((out = malloc(dl - fl + tl + 1)) == NULL)
		exit(1);
	memcpy(out, doc, (size_t)(at - doc));
	memcpy(out + (at - doc), to, tl);
	memcpy(out + (at - doc) + tl, at + fl, dl - (size_t)(at - doc) - fl +
	    1);
	return out;
}

static int
contains(const void *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle)) != NULL;
}

static int
date_ok(const char *s)
{
	return s[0] == '\0' || (strlen(s) == 10 && s[4] == '-' &&
	    s[7] == '-');
}

/* What holds for every successful parse, whatever the document. */
static void
check_message(const struct ijw_message *m)
{
	size_t	 i;

	for (i = 0; i < ARRAY_LEN(secrets); i++)
		if (contains(m, sizeof(*m), secrets[i])) {
			fprintf(stderr, "output holds \"%s\"\n", secrets[i]);
			CHECK(0);
		}
	CHECK(m->nproducts >= 1 && m->nproducts <= IJW_PRODUCTS_MAX);
	CHECK(strlen(m->bsn) == 8 || strlen(m->bsn) == 9);
	CHECK(strlen(m->gemeente) == 4 && strlen(m->agb) == 8);
	CHECK(date_ok(m->dagtekening) && m->dagtekening[0] != '\0');
	CHECK(date_ok(m->geboortedatum) && m->geboortedatum[0] != '\0');
	for (i = 0; i < m->nproducts; i++) {
		CHECK(date_ok(m->products[i].begindatum));
		CHECK(date_ok(m->products[i].einddatum));
	}
}

/*
 * Whether a message reads as English: any of these words in it. Every
 * answer is Dutch (the CSV and questionnaire parsers answer in Dutch too).
 */
static int
english(const char *msg)
{
	static const char *const words[] = {
		"the", "must", "not", "missing", "allowed", "supported",
		"than", "only", "digits", "larger", "empty", "error", "cannot",
		"occurs", "characters", "elements", "nesting", "and",
		"or", "without", "invalid", "more", "be", "an", "a", "one"
	};
	char	 w[32];
	size_t	 i, n;

	while (*msg != '\0') {
		for (n = 0; (msg[n] >= 'a' && msg[n] <= 'z') ||
		    (msg[n] >= 'A' && msg[n] <= 'Z'); n++)
			if (n + 1 < sizeof(w))
				w[n] = (char)(msg[n] | 0x20);
		w[n < sizeof(w) ? n : sizeof(w) - 1] = '\0';
		for (i = 0; n > 0 && i < ARRAY_LEN(words); i++)
			if (strcmp(w, words[i]) == 0)
				return 1;
		msg += n > 0 ? n : 1;
	}
	return 0;
}

/* What holds for every error: a known code, nothing of the document. */
static void
check_error(const struct ijw_error *e, const struct ijw_message *m)
{
	static const char *const codes[] = {
		IJW_ERR_XML_MALFORMED, IJW_ERR_DTD_FORBIDDEN, IJW_ERR_NOT_IJW,
		IJW_ERR_UNSUPPORTED_MESSAGE, IJW_ERR_HEADER_MISMATCH,
		IJW_ERR_MISSING_ELEMENT, IJW_ERR_INVALID_VALUE,
		IJW_ERR_TOO_MANY_PRODUCTS, IJW_ERR_TOO_LARGE,
		IJW_ERR_TOO_COMPLEX, IJW_ERR_POSTCODE
	};
	static const struct ijw_message zero;
	size_t	 i;
	int	 known = 0;

	for (i = 0; i < ARRAY_LEN(codes); i++)
		known |= e->code != NULL && strcmp(e->code, codes[i]) == 0;
	CHECK(known);
	CHECK(e->message[0] != '\0');
	CHECK(memchr(e->message, '\0', sizeof(e->message)) != NULL);
	if (english(e->message)) {
		fprintf(stderr, "  not Dutch: %s\n", e->message);
		CHECK(0);
	}
	CHECK(memchr(e->field, '\0', sizeof(e->field)) != NULL);
	for (i = 0; i < ARRAY_LEN(test_bsns); i++) {
		CHECK(strstr(e->message, test_bsns[i]) == NULL);
		CHECK(strstr(e->field, test_bsns[i]) == NULL);
	}
	CHECK(strstr(e->message, "99999") == NULL);
	for (i = 0; i < ARRAY_LEN(secrets); i++) {
		CHECK(strstr(e->message, secrets[i]) == NULL);
		CHECK(strstr(e->field, secrets[i]) == NULL);
	}
	CHECK(strstr(e->message, "root:") == NULL);
	CHECK(strstr(e->field, "root:") == NULL);
	CHECK(memcmp(m, &zero, sizeof(zero)) == 0);	/* wiped */
}

static int
parse_ok(const char *doc, size_t len, struct ijw_message *m)
{
	struct ijw_error	 e;
	int			 rc;

	rc = ijw_parse(doc, len, m, &e);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "  unexpected %s at %s (line %ld): %s\n",
		    e.code, e.field, e.line, e.message);
		return -1;
	}
	check_message(m);
	return 0;
}

static int
fixture_ok(const char *name, struct ijw_message *m)
{
	char	*doc;
	size_t	 len;
	int	 rc;

	doc = load(name, &len);
	rc = parse_ok(doc, len, m);
	if (rc == -1)
		fprintf(stderr, "  in fixture %s\n", name);
	free(doc);
	return rc;
}

/* Expects code (and field, unless NULL); returns the error for more. */
static struct ijw_error
parse_err(const char *doc, size_t len, const char *code, const char *field)
{
	struct ijw_message	*m;
	struct ijw_error	 e;

	if ((m = malloc(sizeof(*m))) == NULL)
		exit(1);
	CHECK_EQ_INT(ijw_parse(doc, len, m, &e), -1);
	CHECK_STR(e.code, code);
	if (field != NULL)
		CHECK_STR(e.field, field);
	check_error(&e, m);
	free(m);
	return e;
}

static struct ijw_error
fixture_err(const char *name, const char *code, const char *field)
{
	struct ijw_error	 e;
	char			*doc;
	size_t			 len;

	doc = load(name, &len);
	e = parse_err(doc, len, code, field);
	free(doc);
	return e;
}

/* A variant of a fixture with one substitution, expected to fail. */
static struct ijw_error
variant_err(const char *name, const char *from, const char *to,
    const char *code, const char *field)
{
	struct ijw_error	 e;
	char			*doc, *v;
	size_t			 len;

	doc = load(name, &len);
	v = subst(doc, from, to);
	e = parse_err(v, strlen(v), code, field);
	free(v);
	free(doc);
	return e;
}

/* As variant_err with two substitutions, for a start and an end tag. */
static struct ijw_error
variant2_err(const char *name, const char *from1, const char *to1,
    const char *from2, const char *to2, const char *code, const char *field)
{
	struct ijw_error	 e;
	char			*doc, *v1, *v2;
	size_t			 len;

	doc = load(name, &len);
	v1 = subst(doc, from1, to1);
	v2 = subst(v1, from2, to2);
	e = parse_err(v2, strlen(v2), code, field);
	free(v2);
	free(v1);
	free(doc);
	return e;
}

static int
variant_ok(const char *name, const char *from, const char *to,
    struct ijw_message *m)
{
	char	*doc, *v;
	size_t	 len;
	int	 rc;

	doc = load(name, &len);
	v = subst(doc, from, to);
	rc = parse_ok(v, strlen(v), m);
	free(v);
	free(doc);
	return rc;
}

static void
check_product(const struct ijw_product *p, const char *nummer,
    const char *cat, const char *code, const char *begin, const char *eind,
    int status)
{
	CHECK_STR(p->toewijzingnummer, nummer);
	CHECK_STR(p->categorie, cat);
	CHECK_STR(p->code, code);
	CHECK_STR(p->begindatum, begin);
	CHECK_STR(p->einddatum, eind);
	CHECK_EQ_INT(p->status_aanlevering, status);
}

static void
check_header(const struct ijw_message *m, enum ijw_type type, int minor,
    const char *afzender, const char *ontvanger, const char *ident,
    const char *dag)
{
	CHECK_EQ_INT(m->type, type);
	CHECK_EQ_INT(m->minor, minor);
	CHECK_STR(m->afzender, afzender);
	CHECK_STR(m->ontvanger, ontvanger);
	CHECK_STR(m->identificatie, ident);
	CHECK_STR(m->dagtekening, dag);
	if (type == IJW_JW301) {
		CHECK_STR(m->gemeente, afzender);
		CHECK_STR(m->agb, ontvanger);
	} else {
		CHECK_STR(m->gemeente, ontvanger);
		CHECK_STR(m->agb, afzender);
	}
}

static void
check_client(const struct ijw_message *m, const char *bsn,
    const char *geboren, enum ijw_datum_gebruik gebruik, int geslacht,
    size_t nproducts)
{
	CHECK_STR(m->bsn, bsn);
	CHECK_STR(m->geboortedatum, geboren);
	CHECK_EQ_INT(m->datum_gebruik, gebruik);
	CHECK_EQ_INT(m->geslacht, geslacht);
	CHECK_EQ_INT(m->nproducts, nproducts);
}

static void
test_jw301(struct ijw_message *m)
{
	const struct ijw_product *p = m->products;

	if (fixture_ok("jw301_v32.xml", m) == -1)
		return;
	check_header(m, IJW_JW301, 2, "0479", "87650001", "TW-2025-0117",
	    "2025-03-03");
	check_client(m, "999993847", "2012-06-15", IJW_DATUM_VOLLEDIG, 2, 2);
	check_product(&p[0], "4801234", "45", "45A03", "", "2025-12-31", 0);
	CHECK_STR(p[0].toewijzingsdatum, "2025-03-01");
	CHECK_STR(p[0].ingangsdatum, "2025-03-10");
	CHECK_STR(p[0].reden_wijziging, "");
	CHECK_STR(p[0].toewijzing_ingangsdatum, "");
	CHECK_STR(p[0].reden_beeindiging, "");
	check_product(&p[1], "4801235", "54", "54001", "", "", 0);
	CHECK_STR(p[1].toewijzingsdatum, "2025-03-01");
	CHECK_STR(p[1].ingangsdatum, "2025-04-01");
	CHECK_STR(p[1].reden_wijziging, "04");
	/* Contactgegevens: the 4 digits of the postcode, nothing else. */
	CHECK_EQ_INT(m->pc4, 1500);
	ijw_message_wipe(m);
	if (variant_ok("jw301_v32.xml", "<ijw:LandCode>NL<",
	    "<ijw:LandCode>BE<", m) == 0)
		CHECK_EQ_INT(m->pc4, 0);	/* abroad: no gebied */
	ijw_message_wipe(m);
	if (variant_ok("jw301_v32.xml", "<ijw:Postcode>1500ZZ<",
	    "<ijw:Postcode>1500 zz<", m) == 0)
		CHECK_EQ_INT(m->pc4, 1500);
	ijw_message_wipe(m);
	(void)variant_err("jw301_v32.xml", "<ijw:Postcode>1500ZZ<",
	    "<ijw:Postcode>0500ZZ<", "postcode_ongeldig",
	    "Client/Contactgegevens/Contact/Postcode");
	(void)variant_err("jw301_v32.xml", "<ijw:Postcode>1500ZZ<",
	    "<ijw:Postcode>1500ZZZ<", "postcode_ongeldig",
	    "Client/Contactgegevens/Contact/Postcode");
}

static void
test_jw305(struct ijw_message *m)
{
	const struct ijw_product *p = m->products;

	if (fixture_ok("jw305_v32.xml", m) == 0) {
		check_header(m, IJW_JW305, 2, "87650001", "0479",
		    "ST305-000042", "2025-03-20");
		check_client(m, "999992077", "2010-11-30", IJW_DATUM_VOLLEDIG,
		    1, 2);
		check_product(&p[0], "4801234", "45", "45A03", "2025-03-12",
		    "", 1);
		CHECK_STR(p[0].toewijzing_ingangsdatum, "2025-03-10");
		CHECK_STR(p[0].reden_beeindiging, "");
		CHECK_STR(p[0].toewijzingsdatum, "");
		check_product(&p[1], "4801235", "54", "54001", "2025-04-03",
		    "", 1);
		CHECK_STR(p[1].toewijzing_ingangsdatum, "2025-04-01");
	}
	if (fixture_ok("jw305_taakgericht.xml", m) == 0) {
		check_header(m, IJW_JW305, 2, "87650002", "0363", "TG1",
		    "2025-05-02");
		check_client(m, "999993483", "2015-01-01",
		    IJW_DATUM_DAG_ONBEKEND, 2, 1);
		check_product(&p[0], "", "45", "45T01", "2025-04-28", "", 1);
		CHECK_STR(p[0].toewijzing_ingangsdatum, "");
	}
	if (fixture_ok("jw305_v30.xml", m) == 0) {
		check_header(m, IJW_JW305, 0, "87650001", "0457", "2019-00031",
		    "2019-10-07");
		check_client(m, "999990482", "2008-01-01",
		    IJW_DATUM_ALLEEN_JAAR, 0, 1);
		check_product(&p[0], "123456789", "43", "", "2019-10-01", "",
		    1);
		CHECK_STR(p[0].toewijzing_ingangsdatum, "2019-09-30");
	}
	if (fixture_ok("jw305_default_ns.xml", m) == 0) {
		check_header(m, IJW_JW305, 2, "87650001", "0385", "DEF-NS-1",
		    "2025-06-30");
		check_client(m, "999995017", "2016-07-04", IJW_DATUM_VOLLEDIG,
		    1, 1);
		check_product(&p[0], "5550001", "55", "55A11", "2025-06-16",
		    "", 1);
		CHECK_STR(p[0].toewijzing_ingangsdatum, "2025-06-01");
	}
	if (fixture_ok("jw305_crlf_bom.xml", m) == 0) {
		check_header(m, IJW_JW305, 2, "87650002", "0415",
		    "CRLF-BOM-01", "2024-12-31");
		check_client(m, "999990408", "2009-03-01", IJW_DATUM_VOLLEDIG,
		    2, 1);
		check_product(&p[0], "1", "31", "31001", "2024-12-02", "", 1);
	}
	if (fixture_ok("jw305_extra_elements.xml", m) == 0) {
		/* Trimmed, joined around a comment, CDATA, wrong ns skipped. */
		check_header(m, IJW_JW305, 2, "87650001", "0479",
		    "X&Y 2025/1", "2025-03-21");
		check_client(m, "999994669", "2011-08-09", IJW_DATUM_VOLLEDIG,
		    2, 1);
		check_product(&p[0], "4809999", "45", "", "2025-03-17", "", 1);
	}
	ijw_message_wipe(m);
}

/* JW307 for every RedenBeeindiging of JZ588, from the 3.2 fixture. */
static void
test_jw307(struct ijw_message *m)
{
	static const char *const redenen[] = {
		"02", "20", "31", "32", "33", "34", "35", "36", "37", "38", "39"
	};
	const struct ijw_product *p = m->products;
	char		 to[64];
	size_t		 i;

	for (i = 0; i < ARRAY_LEN(redenen); i++) {
		(void)util_fmt(to, sizeof(to),
		    "<jw307:RedenBeeindiging>%s<", redenen[i]);
		if (variant_ok("jw307_v32.xml", "<jw307:RedenBeeindiging>31<",
		    to, m) == -1)
			continue;
		check_header(m, IJW_JW307, 2, "87650001", "0479",
		    "SP307-000007", "2025-09-01");
		check_client(m, "999992077", "2010-11-30", IJW_DATUM_VOLLEDIG,
		    1, 2);
		check_product(&p[0], "4801234", "45", "45A03", "2025-03-12",
		    "2025-08-29", 1);
		CHECK_STR(p[0].reden_beeindiging, redenen[i]);
		CHECK_STR(p[0].toewijzing_ingangsdatum, "2025-03-10");
		check_product(&p[1], "4801235", "54", "54001", "2025-04-03",
		    "2025-07-15", 1);
		CHECK_STR(p[1].reden_beeindiging, "34");
	}
	if (fixture_ok("jw307_v31.xml", m) == 0) {
		check_header(m, IJW_JW307, 1, "87650002", "0439", "A",
		    "2022-02-28");
		check_client(m, "999993653", "2004-02-29", IJW_DATUM_VOLLEDIG,
		    2, 1);
		check_product(&p[0], "77", "40", "40A1", "2021-09-06",
		    "2022-02-25", 1);
		CHECK_STR(p[0].reden_beeindiging, "20");
	}
	if (fixture_ok("jw307_status3.xml", m) == 0) {
		check_header(m, IJW_JW307, 2, "87650001", "0479",
		    "SP307-000008", "2025-09-02");
		check_client(m, "999992077", "2010-11-30", IJW_DATUM_VOLLEDIG,
		    1, 1);
		check_product(&p[0], "4801234", "45", "45A03", "2025-03-12",
		    "2025-08-29", 3);
		CHECK_STR(p[0].reden_beeindiging, "31");
	}
	ijw_message_wipe(m);
}

/* The fixture, in UTF-16LE with a BOM: libxml2 converts, nothing else. */
static void
test_utf16(struct ijw_message *m)
{
	char	*doc, *w;
	size_t	 len, i;

	doc = load("jw305_v32.xml", &len);
	if ((w = malloc(2 * len + 2)) == NULL)
		exit(1);
	w[0] = (char)0xff;
	w[1] = (char)0xfe;
	for (i = 0; i < len; i++) {
		w[2 + 2 * i] = doc[i];
		w[3 + 2 * i] = '\0';
	}
	if (parse_ok(w, 2 * len + 2, m) == 0) {
		CHECK_STR(m->bsn, "999992077");
		CHECK_STR(m->identificatie, "ST305-000042");
	}
	free(w);
	free(doc);
	ijw_message_wipe(m);
}

static void
test_fixture_errors(void)
{
	struct ijw_error	 e;
	uint64_t		 t0, dt;

	e = fixture_err("xxe.xml", IJW_ERR_DTD_FORBIDDEN, "");
	CHECK_EQ_INT(e.line, 2);

	t0 = util_now_ns();
	(void)fixture_err("billion_laughs.xml", IJW_ERR_DTD_FORBIDDEN, "");
	dt = util_now_ns() - t0;
	CHECK(dt < 50 * 1000 * 1000);
	if (verbose)
		printf("billion laughs refused in %.3f ms\n", (double)dt / 1e6);

	(void)fixture_err("jw315.xml", IJW_ERR_UNSUPPORTED_MESSAGE, "");
	(void)fixture_err("not_ijw.xml", IJW_ERR_NOT_IJW, "");
	(void)fixture_err("header_mismatch.xml", IJW_ERR_HEADER_MISMATCH,
	    "Header/BerichtCode");

	/*
	 * Line 12 is "\t\t<jw305:Geslacht>1</jw305:Geslact>"; where on that
	 * line libxml2 puts the column differs between versions.
	 */
	e = fixture_err("malformed.xml", IJW_ERR_XML_MALFORMED, "");
	CHECK_EQ_INT(e.line, 12);
	CHECK(e.column >= 1 && e.column <= 38);
	CHECK(strstr(e.message, "Geslact") == NULL);
}

/* Other ways to smuggle in a DTD, an entity or a file. */
static void
test_xxe_variants(void)
{
	static const char *const dtds[] = {
		"<!DOCTYPE jw305:Bericht SYSTEM \"file:///etc/passwd\">\n",
		"<!DOCTYPE jw305:Bericht PUBLIC \"-//X//Y\" "
		    "\"http://127.0.0.1:9/x.dtd\">\n",
		"<!DOCTYPE jw305:Bericht [\n<!ENTITY % p SYSTEM "
		    "\"file:///etc/passwd\">\n%p;\n]>\n",
		"<!DOCTYPE jw305:Bericht>\n",
	};
	size_t	 i;
	char	 to[256];

	for (i = 0; i < ARRAY_LEN(dtds); i++) {
		(void)util_fmt(to, sizeof(to), "?>\n%s", dtds[i]);
		(void)variant_err("jw305_v32.xml", "?>\n", to,
		    IJW_ERR_DTD_FORBIDDEN, "");
	}
	/* An entity reference without any DTD is simply not XML. */
	(void)variant_err("jw305_v32.xml", "ST305-000042", "&xxe;",
	    IJW_ERR_XML_MALFORMED, "");
	/* XInclude is never processed: an element in a simple value. */
	(void)variant_err("jw305_v32.xml", "ST305-000042",
	    "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
	    "href=\"file:///etc/passwd\" parse=\"text\"/>",
	    IJW_ERR_INVALID_VALUE, "Header/BerichtIdentificatie/Identificatie");
}

static void
test_header_errors(struct ijw_message *m)
{
	const char	*f = "jw305_v32.xml";

	(void)variant_err(f, "<jw305:BerichtSubversie>2<",
	    "<jw305:BerichtSubversie>1<", IJW_ERR_HEADER_MISMATCH,
	    "Header/BerichtSubversie");
	(void)variant_err(f, "<jw305:BerichtVersie>3<",
	    "<jw305:BerichtVersie>2<", IJW_ERR_HEADER_MISMATCH,
	    "Header/BerichtVersie");
	(void)variant_err(f, ">438<", ">446<", IJW_ERR_UNSUPPORTED_MESSAGE,
	    "Header/BerichtCode");
	(void)variant_err(f, ">438<", ">43x<", IJW_ERR_INVALID_VALUE,
	    "Header/BerichtCode");
	(void)variant_err(f, ">438<", "><", IJW_ERR_INVALID_VALUE,
	    "Header/BerichtCode");
	(void)variant_err(f, ">87650001<", ">0479<", IJW_ERR_INVALID_VALUE,
	    "Header/Afzender");
	(void)variant_err(f, ">0479<", ">479<", IJW_ERR_INVALID_VALUE,
	    "Header/Ontvanger");
	(void)variant_err("jw301_v32.xml", ">0479<", ">87650001<",
	    IJW_ERR_INVALID_VALUE, "Header/Afzender");
	(void)variant_err(f, "<ijw:Dagtekening>2025-03-20</ijw:Dagtekening>",
	    "", IJW_ERR_MISSING_ELEMENT,
	    "Header/BerichtIdentificatie/Dagtekening");
	(void)variant_err(f, "ST305-000042", "ST305-0000421",
	    IJW_ERR_INVALID_VALUE, "Header/BerichtIdentificatie/Identificatie");
	(void)variant_err(f, "ST305-000042", "  ", IJW_ERR_INVALID_VALUE,
	    "Header/BerichtIdentificatie/Identificatie");
	(void)variant2_err(f, "<jw305:Header>", "<jw305:Kop>",
	    "</jw305:Header>", "</jw305:Kop>", IJW_ERR_MISSING_ELEMENT,
	    "Header");
	(void)variant_err(f, "<jw305:Client>", "<jw305:Header/><jw305:Client>",
	    IJW_ERR_INVALID_VALUE, "Header");
	/* Identificatie counts characters, not bytes. */
	if (variant_ok(f, "ST305-000042",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", m) == 0)
		CHECK_EQ_INT(strlen(m->identificatie), 24);
	(void)variant_err(f, "ST305-000042",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    IJW_ERR_INVALID_VALUE, "Header/BerichtIdentificatie/Identificatie");
	ijw_message_wipe(m);
}

static void
test_root_errors(void)
{
	const char	*f = "jw305_v32.xml";
	const char	*ns = "http://www.istandaarden.nl/ijw/3_2/jw305/schema";

	(void)variant_err(f, ns, "http://www.istandaarden.nl/ijw/3_3/jw305/"
	    "schema", IJW_ERR_UNSUPPORTED_MESSAGE, "");
	(void)variant_err(f, ns, "http://www.istandaarden.nl/ijw/2_4/jw305/"
	    "schema", IJW_ERR_UNSUPPORTED_MESSAGE, "");
	(void)variant_err(f, ns, "http://www.istandaarden.nl/iwmo/3_2/wmo305/"
	    "schema", IJW_ERR_NOT_IJW, "");
	(void)variant_err(f, ns, "http://www.istandaarden.nl/ijw/3_2/jw305/"
	    "schema/", IJW_ERR_NOT_IJW, "");
	(void)variant_err(f, ns, "http://www.istandaarden.nl/ijw/3_02/jw305/"
	    "schema", IJW_ERR_NOT_IJW, "");
	(void)variant_err(f, ns, "http://www.istandaarden.nl/ijw/3_2/jw315/"
	    "schema", IJW_ERR_UNSUPPORTED_MESSAGE, "");
	(void)variant_err(f, ns, "http://www.istandaarden.nl/ijw/3_2/"
	    "basisschema/schema", IJW_ERR_UNSUPPORTED_MESSAGE, "");
	(void)variant2_err(f, "<jw305:Bericht ", "<jw305:Berichten ",
	    "</jw305:Bericht>", "</jw305:Berichten>", IJW_ERR_NOT_IJW, "");
	(void)variant2_err(f, "<jw305:Header>", "<jw305:Header><jw305:Header>",
	    "</jw305:Header>", "</jw305:Header></jw305:Header>",
	    IJW_ERR_MISSING_ELEMENT, "Header/BerichtCode");
	(void)variant_err(f, "</jw305:Bericht>", "</jw305:Bericht><x/>",
	    IJW_ERR_XML_MALFORMED, "");
	(void)variant_err(f, "<jw305:Geslacht>1</jw305:Geslacht>",
	    "<foo:Geslacht>1</foo:Geslacht>", IJW_ERR_XML_MALFORMED, "");
	(void)parse_err("", 0, IJW_ERR_XML_MALFORMED, "");
	(void)parse_err("<", 1, IJW_ERR_XML_MALFORMED, "");
}

static void
test_client_errors(struct ijw_message *m)
{
	const char	*f = "jw305_v32.xml";
	const char	*b = "<jw305:Bsn>999992077</jw305:Bsn>";
	const char	*p1 = "Client/StartProducten/StartProduct[1]";
	char		 field[128], *doc;

	(void)variant_err(f, b, "<jw305:Bsn>99999207A</jw305:Bsn>",
	    IJW_ERR_INVALID_VALUE, "Client/Bsn");
	(void)variant_err(f, b, "<jw305:Bsn>9999920770</jw305:Bsn>",
	    IJW_ERR_INVALID_VALUE, "Client/Bsn");
	(void)variant_err(f, b, "<jw305:Bsn>99999<b/>2077</jw305:Bsn>",
	    IJW_ERR_INVALID_VALUE, "Client/Bsn");
	(void)variant_err(f, b, "<jw305:Bsn>99999207799999207799999207799999"
	    "2077999992077999992077</jw305:Bsn>", IJW_ERR_INVALID_VALUE,
	    "Client/Bsn");
	(void)variant_err(f, b, "", IJW_ERR_MISSING_ELEMENT, "Client/Bsn");
	(void)variant_err(f, b, "<x:Bsn xmlns:x=\"urn:x\">999992077</x:Bsn>",
	    IJW_ERR_MISSING_ELEMENT, "Client/Bsn");
	(void)variant_err(f, b, "<jw305:Bsn>999992077</jw305:Bsn>"
	    "<jw305:Bsn>999993847</jw305:Bsn>", IJW_ERR_INVALID_VALUE,
	    "Client/Bsn");
	/* 8 digits are kept as sent; the caller adds the leading zero. */
	if (variant_ok(f, b, "<jw305:Bsn>99999207</jw305:Bsn>", m) == 0)
		CHECK_STR(m->bsn, "99999207");
	(void)variant_err(f, "<jw305:Geslacht>1<", "<jw305:Geslacht>3<",
	    IJW_ERR_INVALID_VALUE, "Client/Geslacht");
	if (variant_ok(f, "<jw305:Geslacht>1</jw305:Geslacht>", "", m) == 0)
		CHECK_EQ_INT(m->geslacht, -1);
	(void)variant_err(f, "<ijw:Datum>2010-11-30</ijw:Datum>",
	    "<ijw:Datum>2010-11-31</ijw:Datum>", IJW_ERR_INVALID_VALUE,
	    "Client/Geboortedatum/Datum");
	(void)variant_err(f, "</ijw:Datum>",
	    "</ijw:Datum><ijw:DatumGebruik>4</ijw:DatumGebruik>",
	    IJW_ERR_INVALID_VALUE, "Client/Geboortedatum/DatumGebruik");
	if (variant_ok(f, "</ijw:Datum>",
	    "</ijw:Datum><ijw:DatumGebruik>3</ijw:DatumGebruik>", m) == 0)
		CHECK_EQ_INT(m->datum_gebruik, IJW_DATUM_ONBEKEND);
	doc = products_doc(0);
	(void)parse_err(doc, strlen(doc), IJW_ERR_MISSING_ELEMENT,
	    "Client/StartProducten/StartProduct");
	free(doc);
	(void)variant_err(f, "<jw305:StartProducten>", "<x:StartProducten "
	    "xmlns:x=\"urn:x\">", IJW_ERR_XML_MALFORMED, "");
	(void)variant2_err(f, "<jw305:StartProducten>", "<x:StartProducten "
	    "xmlns:x=\"urn:x\">", "</jw305:StartProducten>",
	    "</x:StartProducten>", IJW_ERR_MISSING_ELEMENT,
	    "Client/StartProducten");
	(void)variant_err(f, "</jw305:Geboortedatum>", "</jw305:Geboortedatum>"
	    "<jw305:StartProducten/>", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten");

	(void)util_fmt(field, sizeof(field), "%s/Begindatum", p1);
	(void)variant_err(f, "2025-03-12", "2025-02-29", IJW_ERR_INVALID_VALUE,
	    field);
	(void)variant_err(f, "2025-03-12", "2025-3-12", IJW_ERR_INVALID_VALUE,
	    field);
	(void)variant_err(f, "2025-03-12", "2025-03-12 x",
	    IJW_ERR_INVALID_VALUE, field);
	(void)variant_err(f, "2025-03-12", "0000-03-12", IJW_ERR_INVALID_VALUE,
	    field);
	CHECK_STR(variant_err(f, "2025-03-12", "2025-03-12+01:00",
	    IJW_ERR_INVALID_VALUE, field).message,
	    "Begindatum moet een datum zonder tijdzone zijn");
	(void)variant_err(f, "2025-03-12", "2025-03-12Z",
	    IJW_ERR_INVALID_VALUE, field);
	(void)variant_err(f, "<jw305:Begindatum>2025-03-12</jw305:Begindatum>",
	    "", IJW_ERR_MISSING_ELEMENT, field);
	if (variant_ok(f, "2025-03-12", "2024-02-29", m) == 0)
		CHECK_STR(m->products[0].begindatum, "2024-02-29");
	if (variant_ok(f, "2025-03-12", "\n\t2025-03-12\r\n", m) == 0)
		CHECK_STR(m->products[0].begindatum, "2025-03-12");
}

static void
test_product_errors(void)
{
	const char	*f = "jw305_v32.xml";
	(void)variant_err(f, ">4801234<", ">1234567890<", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/ToewijzingNummer");
	(void)variant_err(f, ">4801234<", ">48012a4<", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/ToewijzingNummer");
	(void)variant_err(f, ">45A03<", ">45A0-<", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/Product/Code");
	(void)variant_err(f, ">45A03<", ">45A031<", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/Product/Code");
	(void)variant_err(f, "<ijw:Categorie>45<", "<ijw:Categorie>4<",
	    IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/Product/Categorie");
	(void)variant_err(f, "<ijw:Categorie>45</ijw:Categorie>", "",
	    IJW_ERR_MISSING_ELEMENT,
	    "Client/StartProducten/StartProduct[1]/Product/Categorie");
	(void)variant_err(f, "<jw305:StatusAanlevering>1<",
	    "<jw305:StatusAanlevering>9<", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/StatusAanlevering");
	(void)variant_err(f, "<jw305:StatusAanlevering>1<",
	    "<jw305:StatusAanlevering>0<", IJW_ERR_INVALID_VALUE,
	    "Client/StartProducten/StartProduct[1]/StatusAanlevering");
	(void)variant_err(f, "<jw305:StatusAanlevering>1</jw305:Status"
	    "Aanlevering>", "", IJW_ERR_MISSING_ELEMENT,
	    "Client/StartProducten/StartProduct[1]/StatusAanlevering");
	(void)variant_err("jw307_v32.xml", "<jw307:RedenBeeindiging>31</jw307:"
	    "RedenBeeindiging>", "", IJW_ERR_MISSING_ELEMENT,
	    "Client/StopProducten/StopProduct[1]/RedenBeeindiging");
	(void)variant_err("jw307_v32.xml", "<jw307:RedenBeeindiging>31<",
	    "<jw307:RedenBeeindiging>3<", IJW_ERR_INVALID_VALUE,
	    "Client/StopProducten/StopProduct[1]/RedenBeeindiging");
	(void)variant_err("jw307_v32.xml", "<jw307:Einddatum>2025-08-29"
	    "</jw307:Einddatum>", "", IJW_ERR_MISSING_ELEMENT,
	    "Client/StopProducten/StopProduct[1]/Einddatum");
	(void)variant_err("jw301_v32.xml", "<jw301:ToewijzingNummer>4801235"
	    "</jw301:ToewijzingNummer>", "", IJW_ERR_MISSING_ELEMENT,
	    "Client/ToegewezenProducten/ToegewezenProduct[2]/"
	    "ToewijzingNummer");
	(void)variant_err("jw301_v32.xml", "<jw301:RedenWijziging>04<",
	    "<jw301:RedenWijziging>4<", IJW_ERR_INVALID_VALUE,
	    "Client/ToegewezenProducten/ToegewezenProduct[2]/RedenWijziging");
}

/* A taakgericht product needs its Product: without either, no key. */
static void
test_taakgericht_without_product(void)
{
	struct ijw_error	 e;

	e = variant_err("jw305_taakgericht.xml", "<jw305:Product>\n\t\t\t\t\t"
	    "<ijw:Categorie>45</ijw:Categorie>\n\t\t\t\t\t<ijw:Code>45T01"
	    "</ijw:Code>\n\t\t\t\t</jw305:Product>", "",
	    IJW_ERR_MISSING_ELEMENT,
	    "Client/StartProducten/StartProduct[1]/ToewijzingNummer");
	CHECK(strstr(e.message, "Product") != NULL);
}

/*
 * The answers are Dutch, as the CSV and questionnaire parsers' are: a few
 * exact texts, one of each kind (check_error checks every other error for
 * English words).
 */
static void
test_dutch_messages(void)
{
	const char		*f = "jw305_v32.xml";
	struct ijw_message	*m;
	struct ijw_error	 e;
	char			*doc;
	size_t			 len;

	CHECK_STR(variant_err(f, "<jw305:BerichtSubversie>2<",
	    "<jw305:BerichtSubversie>1<", IJW_ERR_HEADER_MISMATCH,
	    "Header/BerichtSubversie").message,
	    "BerichtSubversie moet 2 zijn, de release van de namespace");
	CHECK_STR(variant_err(f, ">438<", ">446<", IJW_ERR_UNSUPPORTED_MESSAGE,
	    "Header/BerichtCode").message,
	    "BerichtCode moet 436 (JW301), 438 (JW305) of 440 (JW307) zijn");
	CHECK_STR(variant_err(f, ">87650001<", ">0479<", IJW_ERR_INVALID_VALUE,
	    "Header/Afzender").message,
	    "Afzender van een JW305 moet een AGB-code van 8 cijfers zijn");
	CHECK_STR(variant_err(f, "<ijw:Dagtekening>2025-03-20</ijw:Dagtekening>",
	    "", IJW_ERR_MISSING_ELEMENT,
	    "Header/BerichtIdentificatie/Dagtekening").message,
	    "Het verplichte element Dagtekening ontbreekt");
	CHECK_STR(variant_err(f, "<jw305:Bsn>999992077</jw305:Bsn>",
	    "<jw305:Bsn>99999207A</jw305:Bsn>", IJW_ERR_INVALID_VALUE,
	    "Client/Bsn").message,
	    "Bsn moet uit 8 tot en met 9 cijfers bestaan");
	CHECK_STR(variant_err(f, "<jw305:Geslacht>1<", "<jw305:Geslacht>3<",
	    IJW_ERR_INVALID_VALUE, "Client/Geslacht").message,
	    "Geslacht moet een code van 0 tot en met 2 zijn");
	CHECK_STR(variant_err(f, "http://www.istandaarden.nl/ijw/3_2/jw305/"
	    "schema", "http://www.istandaarden.nl/ijw/3_3/jw305/schema",
	    IJW_ERR_UNSUPPORTED_MESSAGE, "").message,
	    "Alleen iJw-release 3.0, 3.1 en 3.2 worden ondersteund");
	CHECK_STR(fixture_err("xxe.xml", IJW_ERR_DTD_FORBIDDEN, "").message,
	    "Een DOCTYPE (DTD, entiteitdeclaraties) is niet toegestaan");
	CHECK_STR(parse_err("", 0, IJW_ERR_XML_MALFORMED, "").message,
	    "Het document is leeg");
	e = variant_err(f, "</jw305:Bericht>", "</jw305:Bericht><x/>",
	    IJW_ERR_XML_MALFORMED, "");
	CHECK(strncmp(e.message, "De XML is niet goed gevormd: er staat inhoud "
	    "na het hoofdelement (libxml2-fout ", 79) == 0);

	/* The limit, from ijw_parse_limit's own check. */
	if ((m = malloc(sizeof(*m))) == NULL)
		exit(1);
	doc = load(f, &len);
	CHECK_EQ_INT(ijw_parse_limit(doc, len, 100, m, &e), -1);
	CHECK_STR(e.code, IJW_ERR_TOO_LARGE);
	CHECK_STR(e.message, "Het Bericht is groter dan 100 bytes");
	check_error(&e, m);
	free(doc);
	free(m);
}

static char *
products_doc(size_t n)
{
	static const char item[] = "<jw305:StartProduct><jw305:Toewijzing"
	    "Nummer>1</jw305:ToewijzingNummer><jw305:Begindatum>2025-01-01"
	    "</jw305:Begindatum><jw305:StatusAanlevering>1</jw305:Status"
	    "Aanlevering></jw305:StartProduct>\n";
	char	*doc, *out, *open, *close;
	size_t	 len, head, tail, i, il = sizeof(item) - 1;

	doc = load("jw305_v32.xml", &len);
	open = strstr(doc, "<jw305:StartProducten>");
	close = strstr(doc, "</jw305:StartProducten>");
	if (open == NULL || close == NULL)
		exit(1);
	head = (size_t)(open - doc) + strlen("<jw305:StartProducten>");
	tail = len - (size_t)(close - doc);
	if ((out = malloc(head + n * il + tail + 1)) == NULL)
		exit(1);
	memcpy(out, doc, head);
	for (i = 0; i < n; i++)
		memcpy(out + head + i * il, item, il);
	memcpy(out + head + n * il, close, tail);
	out[head + n * il + tail] = '\0';
	free(doc);
	return out;
}

/* head, then n copies of unit, then tail, in a new buffer. */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail,
    size_t *len)
{
	size_t	hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char	*b;

	*len = hl + n * ul + tl;
	if ((b = malloc(*len + 1)) == NULL)
		exit(1);
	memcpy(b, head, hl);
	for (i = 0; i < n; i++)
		memcpy(b + hl + i * ul, unit, ul);
	memcpy(b + hl + n * ul, tail, tl + 1);
	return b;
}

/* A UTF-16LE copy with a byte-order mark. */
static char *
utf16(const char *doc, size_t len, size_t *wlen)
{
	char	*w;
	size_t	 i;

	if ((w = calloc(1, 2 * len + 2)) == NULL)
		exit(1);
	w[0] = (char)0xff;
	w[1] = (char)0xfe;
	for (i = 0; i < len; i++)
		w[2 + 2 * i] = doc[i];
	*wlen = 2 * len + 2;
	return w;
}

static double
cpu_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * The shape bounds (IJW_*_MAX) hold before libxml2 sees the document: 80k
 * attributes cost libxml2 seconds of CPU, here they cost one linear scan.
 */
static void
test_shape_limits(void)
{
	struct ijw_message	*m;
	struct ijw_error	 e;
	char			*doc, *w, attr[32];
	size_t			 len, wlen, i;
	double			 t;

	/* 80,000 distinct attributes, about 0.87 MB. */
	if ((doc = malloc(80000 * 16 + 64)) == NULL)
		exit(1);
	memcpy(doc, "<Bericht", 8);
	len = 8;
	for (i = 0; i < 80000; i++) {
		(void)util_fmt(attr, sizeof(attr), " a%zu=\"\"", i);
		memcpy(doc + len, attr, strlen(attr));
		len += strlen(attr);
	}
	memcpy(doc + len, "/>", 3);
	len += 2;
	t = cpu_ms();
	e = parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	t = cpu_ms() - t;
	printf("parse_ijw: 80000 attributes (%zu bytes) refused in %.1f ms "
	    "of CPU\n", len, t);
	CHECK(t < 1000);
	CHECK_EQ_INT(e.line, 1);
	CHECK(e.column > 1);
	/* The same in UTF-16, and after a tag the scan cannot follow. */
	w = utf16(doc, len, &wlen);
	m = malloc(sizeof(*m));
	CHECK(m != NULL && ijw_parse_limit(w, wlen, IJW_INPUT_MAX_LIMIT, m,
	    &e) == -1);
	CHECK_STR(e.code, IJW_ERR_TOO_COMPLEX);
	free(m);
	free(w);
	memcpy(doc, "<B x=y", 6);
	(void)parse_err(doc, len, IJW_ERR_XML_MALFORMED, "");
	free(doc);

	doc = repeat("<a", " b=\"1\"", IJW_ATTRS_MAX + 1, "/>", &len);
	(void)parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	free(doc);
	/* At the bound the shape passes; the document is just not iJw. */
	doc = repeat("<a", " b=\"1\"", IJW_ATTRS_MAX, "/>", &len);
	e = parse_err(doc, len, IJW_ERR_XML_MALFORMED, "");
	free(doc);
	doc = repeat("", "<a>", IJW_DEPTH_MAX + 1, "", &len);
	(void)parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	free(doc);
	doc = repeat("<a>", "<b/>", IJW_ELEMENTS_MAX, "</a>", &len);
	(void)parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	free(doc);
	doc = repeat("<a>", "x", IJW_TEXT_MAX + 1, "</a>", &len);
	(void)parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	free(doc);
	doc = repeat("<a><![CDATA[", "x", IJW_TEXT_MAX + 1, "]]></a>", &len);
	(void)parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	free(doc);
	doc = repeat("<a b=\"", "x", IJW_TEXT_MAX + 1, "\"/>", &len);
	(void)parse_err(doc, len, IJW_ERR_TOO_COMPLEX, "");
	free(doc);
	/* Encodings whose markup the scan could not read. */
	doc = repeat("<?xml version=\"1.0\" encoding=\"UTF-7\"?>", "<a/>", 1,
	    "", &len);
	(void)parse_err(doc, len, IJW_ERR_XML_MALFORMED, "");
	free(doc);
	(void)parse_err("\x4c\x6f\xa7\x94\x93", 5, IJW_ERR_XML_MALFORMED, "");
	(void)parse_err("<\0\0\0a\0\0\0", 8, IJW_ERR_XML_MALFORMED, "");
}

static void
test_limits(struct ijw_message *m)
{
	struct ijw_error	 e;
	char			*doc, *big;
	size_t			 len;

	doc = products_doc(IJW_PRODUCTS_MAX);
	if (parse_ok(doc, strlen(doc), m) == 0) {
		CHECK_EQ_INT(m->nproducts, IJW_PRODUCTS_MAX);
		CHECK_STR(m->products[IJW_PRODUCTS_MAX - 1].begindatum,
		    "2025-01-01");
	}
	free(doc);
	doc = products_doc(IJW_PRODUCTS_MAX + 1);
	(void)parse_err(doc, strlen(doc), IJW_ERR_TOO_MANY_PRODUCTS,
	    "Client/StartProducten");
	free(doc);

	doc = load("jw305_v32.xml", &len);
	CHECK_EQ_INT(ijw_parse_limit(doc, len, len, m, &e), 0);
	CHECK_EQ_INT(ijw_parse_limit(doc, len, len - 1, m, &e), -1);
	CHECK_STR(e.code, IJW_ERR_TOO_LARGE);
	free(doc);

	/* Above IJW_INPUT_MAX, and above the highest override. */
	len = IJW_INPUT_MAX_LIMIT + 1;
	if ((big = malloc(len)) == NULL)
		exit(1);
	memset(big, ' ', len);
	(void)parse_err(big, IJW_INPUT_MAX + 1, IJW_ERR_TOO_LARGE, "");
	CHECK_EQ_INT(ijw_parse_limit(big, len, SIZE_MAX, m, &e), -1);
	CHECK_STR(e.code, IJW_ERR_TOO_LARGE);
	free(big);
	ijw_message_wipe(m);
}

/*
 * libxml2 must never print: stderr goes to a file while documents that
 * make it complain are parsed, among them one whose bytes are invalid in
 * its declared encoding (libxml2 reports those without a context).
 */
static void
test_silence(struct ijw_message *m)
{
	static const char	 enc[] = "<?xml version=\"1.0\" encoding=\"EUC-JP\""
	    "?>\n<a>\xff\xfe\xfd\xfc</a>\n";
	static const char *const bad[] = {
		"malformed.xml", "xxe.xml", "billion_laughs.xml", "not_ijw.xml"
	};
	char		 path[] = "/tmp/test_parse_ijw.XXXXXX", buf[512];
	struct ijw_error e;
	struct stat	 st = { 0 };
	FILE		*f;
	char		*doc;
	size_t		 len, i, n;
	int		 fd, saved;

	fflush(stderr);
	if ((fd = mkstemp(path)) == -1 || (saved = dup(2)) == -1 ||
	    dup2(fd, 2) == -1) {
		perror("test_silence");
		exit(1);
	}
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		doc = load(bad[i], &len);
		(void)ijw_parse(doc, len, m, &e);
		free(doc);
	}
	CHECK_EQ_INT(ijw_parse(enc, sizeof(enc) - 1, m, &e), -1);
	fflush(stderr);
	(void)dup2(saved, 2);
	close(saved);
	CHECK_STR(e.code, IJW_ERR_XML_MALFORMED);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	if (st.st_size != 0 && (f = fdopen(fd, "r")) != NULL) {
		rewind(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fprintf(stderr, "libxml2 printed: %s\n", buf);
		fclose(f);
	} else
		close(fd);
	unlink(path);
}

struct worker {
	const char	*doc;
	size_t		 len;
	int		 failures;
};

static void *
worker_run(void *arg)
{
	struct worker		*w = arg;
	struct ijw_message	*m;
	struct ijw_error	 e;
	int			 i;

	if ((m = malloc(sizeof(*m))) == NULL)
		return NULL;
	for (i = 0; i < 300; i++) {
		if (ijw_parse(w->doc, w->len, m, &e) != 0 ||
		    strcmp(m->bsn, "999993847") != 0 || m->nproducts != 2)
			w->failures++;
		if (ijw_parse(w->doc, w->len / 2, m, &e) != -1 ||
		    strcmp(e.code, IJW_ERR_XML_MALFORMED) != 0)
			w->failures++;
	}
	ijw_message_wipe(m);
	free(m);
	return NULL;
}

/* Concurrent parses from several threads, as the HTTP server does. */
static void
test_threads(void)
{
	struct worker	 w[4];
	pthread_t	 t[4];
	char		*doc;
	size_t		 len, i;

	doc = load("jw301_v32.xml", &len);
	for (i = 0; i < 4; i++) {
		w[i].doc = doc;
		w[i].len = len;
		w[i].failures = 0;
		CHECK(pthread_create(&t[i], NULL, worker_run, &w[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		CHECK(pthread_join(t[i], NULL) == 0);
		CHECK_EQ_INT(w[i].failures, 0);
	}
	free(doc);
}

static void
bench(struct ijw_message *m)
{
	struct ijw_error	 e;
	char			*doc;
	size_t			 len;
	uint64_t		 t0, dt;
	int			 i, ok = 0;

	doc = load("jw305_v32.xml", &len);
	t0 = util_now_ns();
	for (i = 0; i < BENCH_ROUNDS; i++)
		ok += ijw_parse(doc, len, m, &e) == 0;
	dt = util_now_ns() - t0;
	CHECK_EQ_INT(ok, BENCH_ROUNDS);
	printf("jw305_v32.xml (%zu bytes): %d parses in %.1f ms, "
	    "%.0f messages/s on one core\n", len, BENCH_ROUNDS,
	    (double)dt / 1e6, BENCH_ROUNDS / ((double)dt / 1e9));
	free(doc);
	ijw_message_wipe(m);
}

int
main(int argc, char *argv[])
{
	struct ijw_message	*m;
	int			 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else
			fixture_dir = argv[i];
	}
	if ((m = malloc(sizeof(*m))) == NULL)
		return 1;

	test_jw301(m);
	test_jw305(m);
	test_jw307(m);
	test_utf16(m);
	test_fixture_errors();
	test_xxe_variants();
	test_header_errors(m);
	test_root_errors();
	test_client_errors(m);
	test_product_errors();
	test_taakgericht_without_product();
	test_dutch_messages();
	test_limits(m);
	test_shape_limits();
	test_silence(m);
	test_threads();
	CHECK_STR(ijw_type_name(IJW_JW305), "JW305");
	CHECK_STR(ijw_type_name(IJW_NONE), "?");
	ijw_message_wipe(NULL);
	if (verbose)
		bench(m);

	ijw_message_wipe(m);
	free(m);
	return test_done("parse_ijw");
}

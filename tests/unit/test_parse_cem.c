/*
 * Unit tests for parse_cem.c: single responses and batches parse to exact
 * records; every validation rule is refused with the right index, field
 * and code; malformed, deep and huge bodies are refused cleanly and fast;
 * the AGB rule per role; the error cap; and, after every single parse,
 * that no error echoes a BSN, a bron_id or open-answer text and that no
 * record holds open-answer text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "parse_cem.h"
#include "questionnaire.h"
#include "test.h"
#include "util.h"

#ifndef SORTTP_SOURCE_DIR
#error "SORTTP_SOURCE_DIR must name the source tree (for config/questionnaires)"
#endif

#define TODAY		"2026-03-15"
#define MARKER		"OPEN-ANTWOORD-MARKER-42"
#define BRON		"BRON-GEHEIM-"
#define ERR_MAX		1024
#define BUF_MAX		8192
#define BIG_MAX		(256 * 1024)
#define DEL		""	/* as an override: leave the key out */

static struct quest_set	defs;
static struct config	cfg;
static struct cem_batch	b;

/* Every BSN the tests send, valid or not: none may be echoed. */
static const char *const bsns[] = {
	"999993847", "999992077", "999993483", "999990482", "999993653",
	"999995017", "999990408", "999994669", "999992806", "999993926",
	"999991905", "999993846", "10015838", "000000000", NULL
};

static const char test_def[] =
	"{\"id\": \"test-1\", \"titel\": \"Test\", \"respondenten\": {"
	"\"jeugdige\": {\"items\": ["
	"{\"code\": \"s1\", \"tekst\": \"S1\", \"type\": \"schaal\", "
	"\"min\": 1, \"max\": 5, \"verplicht\": true, \"positief\": "
	"{\"vanaf\": 4}},"
	"{\"code\": \"s2\", \"tekst\": \"S2\", \"type\": \"schaal\", "
	"\"min\": 1, \"max\": 5, \"verplicht\": false},"
	"{\"code\": \"rc\", \"tekst\": \"RC\", \"type\": \"cijfer\", "
	"\"verplicht\": true, \"rol\": \"rapportcijfer\"},"
	"{\"code\": \"zh\", \"tekst\": \"ZH\", \"type\": \"janee\", "
	"\"verplicht\": false, \"rol\": \"zonder_hulp_verder\", "
	"\"positief\": \"ja\"},"
	"{\"code\": \"open1\", \"tekst\": \"O\", \"type\": \"open\", "
	"\"verplicht\": false}]},"
	"\"ouder\": {\"items\": ["
	"{\"code\": \"rc\", \"tekst\": \"RC\", \"type\": \"cijfer\", "
	"\"verplicht\": true},"
	"{\"code\": \"o2\", \"tekst\": \"O\", \"type\": \"open\", "
	"\"verplicht\": true}]}}}";

static const char jeugd_def[] =
	"{\"id\": \"test-jeugd\", \"titel\": \"Alleen jeugd\", "
	"\"respondenten\": {\"jeugdige\": {\"items\": ["
	"{\"code\": \"s1\", \"tekst\": \"S1\", \"type\": \"schaal\", "
	"\"min\": 1, \"max\": 5, \"verplicht\": false}]}}}";

/* The fields of a valid response; tests override some of them. */
static const char *const base[][2] = {
	{ "bron_id", "\"" BRON "1\"" },
	{ "vragenlijst", "\"test-1\"" },
	{ "respondent", "\"jeugdige\"" },
	{ "bsn", "\"999993847\"" },
	{ "agb", "\"12345678\"" },
	{ "gemeente", "\"0457\"" },
	{ "toewijzingnummer", "\"12345\"" },
	{ "ingevuld_op", "\"2026-03-01\"" },
	{ "geboortedatum", "\"2010-05-17\"" },
	{ "geslacht", "2" },
	{ "antwoorden", "{\"s1\": 4, \"rc\": 8, \"zh\": \"ja\", "
	    "\"open1\": \"Mijn begeleider " MARKER " was fijn\"}" },
};

static void
put(char *buf, size_t size, size_t *off, const char *s)
{
	size_t	len = strlen(s);

	if (*off + len >= size) {
		fprintf(stderr, "test buffer too small\n");
		exit(1);
	}
	memcpy(buf + *off, s, len + 1);
	*off += len;
}

/*
 * A response object: the base fields with the (key, raw JSON value)
 * pairs after size replacing or adding fields, or with DEL leaving them
 * out, up to a NULL key.
 */
static const char *
mk(char *buf, size_t size, ...)
{
	const char	*ok[16], *ov[16];
	int		 used[16] = { 0 };
	size_t		 n = 0, i, j, off = 0;
	int		 first = 1;
	va_list		 ap;

	va_start(ap, size);
	while (n < 16 && (ok[n] = va_arg(ap, const char *)) != NULL)
		ov[n++] = va_arg(ap, const char *);
	va_end(ap);
	put(buf, size, &off, "{");
	for (i = 0; i < ARRAY_LEN(base); i++) {
		const char	*v = base[i][1];

		for (j = 0; j < n; j++)
			if (strcmp(ok[j], base[i][0]) == 0) {
				v = ov[j];
				used[j] = 1;
			}
		if (v[0] == '\0')
			continue;
		put(buf, size, &off, first ? "\"" : ", \"");
		put(buf, size, &off, base[i][0]);
		put(buf, size, &off, "\": ");
		put(buf, size, &off, v);
		first = 0;
	}
	for (j = 0; j < n; j++) {
		if (used[j])
			continue;
		put(buf, size, &off, first ? "\"" : ", \"");
		put(buf, size, &off, ok[j]);
		put(buf, size, &off, "\": ");
		put(buf, size, &off, ov[j]);
		first = 0;
	}
	put(buf, size, &off, "}");
	return buf;
}

/* {"responses": [parts...]}, parts up to NULL. */
static const char *
batch(char *buf, size_t size, ...)
{
	const char	*s;
	size_t		 off = 0;
	int		 first = 1;
	va_list		 ap;

	put(buf, size, &off, "{\"responses\": [");
	va_start(ap, size);
	while ((s = va_arg(ap, const char *)) != NULL) {
		if (!first)
			put(buf, size, &off, ", ");
		put(buf, size, &off, s);
		first = 0;
	}
	va_end(ap);
	put(buf, size, &off, "]}");
	return buf;
}

/* 1 when s holds a run of at least seven digits. */
static int
has_digit_run(const char *s)
{
	size_t	run = 0;

	for (; *s != '\0'; s++) {
		run = (*s >= '0' && *s <= '9') ? run + 1 : 0;
		if (run >= 7)
			return 1;
	}
	return 0;
}

/*
 * The privacy checks, after every parse: no error names a value, and no
 * record holds the text of an open answer.
 */
static void
check_clean(void)
{
	const struct cem_error	*e;
	size_t			 i, j;

	for (i = 0; i < b.nerrors; i++) {
		e = &b.errors[i];
		CHECK(e->code != NULL);
		CHECK(strstr(e->message, "MARKER") == NULL);
		CHECK(strstr(e->field, "MARKER") == NULL);
		CHECK(strstr(e->message, BRON) == NULL);
		CHECK(strstr(e->field, BRON) == NULL);
		CHECK(!has_digit_run(e->message));
		CHECK(!has_digit_run(e->field));
		for (j = 0; bsns[j] != NULL; j++) {
			CHECK(strstr(e->message, bsns[j]) == NULL);
			CHECK(strstr(e->field, bsns[j]) == NULL);
		}
	}
	if (b.responses != NULL)
		CHECK(memmem(b.responses, b.nresponses * sizeof(*b.responses),
		    MARKER, strlen(MARKER)) == NULL);
	if (b.responses != NULL)
		CHECK(memmem(b.responses, b.nresponses * sizeof(*b.responses),
		    "MARKER", 6) == NULL);
}

static enum cem_status
run_len(const char *body, size_t len, const char *only_agb, size_t max_errors,
    size_t max_responses)
{
	struct cem_params	p;
	enum cem_status		st;

	cem_batch_free(&b);
	memset(&p, 0, sizeof(p));
	p.defs = &defs;
	p.cfg = &cfg;
	p.only_agb = only_agb;
	p.today = TODAY;
	p.max_errors = max_errors;
	p.max_responses = max_responses;
	st = cem_parse(body, len, &p, &b);
	check_clean();
	CHECK(b.nerrors <= b.errors_total);
	CHECK(b.nerrors <= max_errors);
	CHECK((st == CEM_OK) == (b.errors_total == 0));
	return st;
}

static enum cem_status
run(const char *body)
{
	return run_len(body, strlen(body), NULL, 100, 0);
}

static void
dump_errors(const char *what)
{
	size_t	i;

	for (i = 0; i < b.nerrors; i++)
		fprintf(stderr, "  %s: [%ld] %s %s: %s\n", what,
		    b.errors[i].index, b.errors[i].field, b.errors[i].code,
		    b.errors[i].message);
}

/* The body gives exactly one error, with this index, field and code. */
static void
expect1(const char *what, const char *body, long index, const char *field,
    const char *code)
{
	enum cem_status	st = run(body);

	if (st != CEM_REJECTED || b.errors_total != 1 || b.nerrors != 1 ||
	    b.errors[0].index != index ||
	    strcmp(b.errors[0].field, field) != 0 ||
	    strcmp(b.errors[0].code, code) != 0) {
		test_failures++;
		fprintf(stderr, "%s: expected one error [%ld] %s %s, got "
		    "status %d, %zu errors\n", what, index, field, code,
		    (int)st, b.errors_total);
		dump_errors(what);
	}
	test_checks++;
	CHECK(b.responses == NULL && b.nresponses == 0);
}

static void
setup(void)
{
	char	err[ERR_MAX];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1 ||
	    quest_load_buffer("test-1", test_def, strlen(test_def), &defs, err,
	    sizeof(err)) == -1 ||
	    quest_load_buffer("test-jeugd", jeugd_def, strlen(jeugd_def), &defs,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "setup: %s\n", err);
		exit(1);
	}
}

static void
test_single(void)
{
	const struct cem_response	*r;
	char				 buf[BUF_MAX];
	size_t				 i;

	CHECK_EQ_INT(run(mk(buf, sizeof(buf), NULL)), CEM_OK);
	dump_errors("single");
	CHECK_EQ_INT(b.nresponses, 1);
	if (b.nresponses != 1)
		return;
	r = &b.responses[0];
	CHECK_STR(r->bsn, "999993847");
	CHECK_STR(r->agb, "12345678");
	CHECK_STR(r->gemeente, "0363");		/* Weesp 0457 → Amsterdam */
	CHECK_STR(r->toewijzingnummer, "12345");
	CHECK_STR(r->ingevuld_op, "2026-03-01");
	CHECK_STR(r->geboortedatum, "2010-05-17");
	CHECK_EQ_INT(r->geslacht, 2);
	CHECK_EQ_INT(r->vragenlijst, 0);
	CHECK_EQ_INT(r->respondent, QUEST_JEUGDIGE);
	CHECK_EQ_INT(r->bron_id_len, strlen(BRON "1"));
	CHECK_STR(r->bron_id, BRON "1");
	CHECK_EQ_INT(r->waarden[0], 4);		/* s1 */
	CHECK_EQ_INT(r->waarden[1], -1);	/* s2 not answered */
	CHECK_EQ_INT(r->waarden[2], 8);		/* rc */
	CHECK_EQ_INT(r->waarden[3], 1);		/* zh ja */
	CHECK_EQ_INT(r->waarden[4], 1);		/* open1 answered */
	for (i = 5; i < QUEST_MAX_ITEMS; i++)
		CHECK_EQ_INT(r->waarden[i], -1);

	/* Optional fields absent or null; 8-digit BSN; "nee"; blank open. */
	CHECK_EQ_INT(run(mk(buf, sizeof(buf), "toewijzingnummer", DEL,
	    "geboortedatum", "null", "geslacht", DEL, "bsn", "\"10015838\"",
	    "gemeente", "\"0439\"", "ingevuld_op", "\"" TODAY "\"",
	    "antwoorden", "{\"s1\": 1, \"s2\": 5.0, \"rc\": 1, \"zh\": \"nee\", "
	    "\"open1\": \" \\n\\t \"}", NULL)), CEM_OK);
	dump_errors("single 2");
	if (b.nresponses != 1)
		return;
	r = &b.responses[0];
	CHECK_STR(r->bsn, "010015838");
	CHECK_STR(r->gemeente, "0439");
	CHECK_STR(r->toewijzingnummer, "");
	CHECK_STR(r->geboortedatum, "");
	CHECK_STR(r->ingevuld_op, TODAY);
	CHECK_EQ_INT(r->geslacht, -1);
	CHECK_EQ_INT(r->waarden[0], 1);
	CHECK_EQ_INT(r->waarden[1], 5);
	CHECK_EQ_INT(r->waarden[2], 1);
	CHECK_EQ_INT(r->waarden[3], 0);
	CHECK_EQ_INT(r->waarden[4], -1);	/* only white space */

	/* A BOM, escapes and non-ASCII text are fine; so is a 4096-byte
	 * open answer. */
	CHECK_EQ_INT(run(mk(buf, sizeof(buf), "antwoorden", "{\"s1\": 4, "
	    "\"rc\": 8, \"open1\": \"caf\\u00e9 \\ud83d\\ude00 "
	    "\xc3\xa9\xf0\x9f\x98\x80 \\\"" MARKER "\\\"\"}", NULL)), CEM_OK);
	dump_errors("single 3");
}

static void
test_bom_and_long_open(void)
{
	char	*big;
	size_t	 off = 0, i;

	if ((big = malloc(BIG_MAX)) == NULL)
		exit(1);
	put(big, BIG_MAX, &off, "\xef\xbb\xbf");
	(void)mk(big + off, BIG_MAX - off, "antwoorden", "{\"s1\": 4, "
	    "\"rc\": 8, \"open1\": \"" MARKER "\"}", NULL);
	CHECK_EQ_INT(run(big), CEM_OK);

	/* Exactly 4096 bytes decoded: 2048 two-byte characters. */
	off = 0;
	put(big, BIG_MAX, &off, "{\"antwoorden\": {\"open1\": \"");
	for (i = 0; i < 2048; i++)
		put(big, BIG_MAX, &off, (i & 1) ? "\xc3\xa9" : "\\u00e9");
	put(big, BIG_MAX, &off, "\"}}");
	CHECK_EQ_INT(run(big), CEM_REJECTED);
	for (i = 0; i < b.nerrors; i++)
		CHECK(strcmp(b.errors[i].code, "te_lang") != 0);
	/* One byte more is too long. */
	off -= 3;
	put(big, BIG_MAX, &off, "x\"}}");
	expect1("4097", big, -1, "", "te_lang");
	free(big);
}

static void
test_batch(void)
{
	const struct cem_response	*r;
	char				 a[BUF_MAX], c[BUF_MAX], d[BUF_MAX];
	char				 body[BUF_MAX * 4];

	CHECK_EQ_INT(run(batch(body, sizeof(body),
	    mk(a, sizeof(a), NULL),
	    mk(c, sizeof(c), "bron_id", "\"" BRON "2\"", "bsn",
	    "\"999992077\"", "respondent", "\"ouder\"", "agb", "\"87654321\"",
	    "antwoorden", "{\"rc\": 7, \"o2\": \"" MARKER "\"}", NULL),
	    mk(d, sizeof(d), "bron_id", "\"" BRON "3\"", "bsn",
	    "\"999993483\"", "vragenlijst", "\"test-jeugd\"", "geslacht", "0",
	    "gemeente", "\"0880\"", "antwoorden", "{}", NULL),
	    NULL)), CEM_OK);
	dump_errors("batch");
	CHECK_EQ_INT(b.nresponses, 3);
	if (b.nresponses != 3)
		return;
	r = &b.responses[0];
	CHECK_STR(r->bsn, "999993847");
	CHECK_STR(r->bron_id, BRON "1");
	CHECK_EQ_INT(r->waarden[2], 8);
	r = &b.responses[1];
	CHECK_STR(r->bsn, "999992077");
	CHECK_STR(r->agb, "87654321");
	CHECK_STR(r->bron_id, BRON "2");
	CHECK_EQ_INT(r->respondent, QUEST_OUDER);
	CHECK_EQ_INT(r->vragenlijst, 0);
	CHECK_EQ_INT(r->waarden[0], 7);
	CHECK_EQ_INT(r->waarden[1], 1);
	CHECK_EQ_INT(r->waarden[2], -1);
	r = &b.responses[2];
	CHECK_STR(r->bsn, "999993483");
	CHECK_STR(r->gemeente, "0880");
	CHECK_EQ_INT(r->vragenlijst, 1);
	CHECK_EQ_INT(r->geslacht, 0);
	CHECK_EQ_INT(r->waarden[0], -1);

	/* An empty batch is valid and holds nothing. */
	CHECK_EQ_INT(run("{\"responses\": []}"), CEM_OK);
	CHECK_EQ_INT(b.nresponses, 0);
}

/* The shipped default definition, through the real file. */
static void
test_default_def(void)
{
	char	buf[BUF_MAX], err[ERR_MAX], *data = NULL;
	size_t	idx = 0, len;

	if (util_read_file(SORTTP_SOURCE_DIR
	    "/config/questionnaires/cem-plus-2026.json", QUEST_FILE_MAX, &data,
	    &len) == -1 || quest_load_buffer("cem-plus-2026.json", data, len,
	    &defs, err, sizeof(err)) == -1) {
		fprintf(stderr, "cem-plus-2026.json: %s\n", err);
		test_failures++;
		free(data);
		return;
	}
	free(data);
	CHECK(quest_find(&defs, "cem-plus-2026", &idx) != NULL);
	CHECK_EQ_INT(idx, 2);
	CHECK_EQ_INT(run(mk(buf, sizeof(buf), "vragenlijst",
	    "\"cem-plus-2026\"", "antwoorden", "{\"serieus_genomen\": 5, "
	    "\"nuttig\": 4, \"gaat_beter\": null, \"rapportcijfer\": 9, "
	    "\"zonder_hulp_verder\": \"ja\", \"wat_kan_beter\": \"" MARKER
	    "\"}", NULL)), CEM_OK);
	dump_errors("default");
	if (b.nresponses == 1) {
		CHECK_EQ_INT(b.responses[0].vragenlijst, idx);
		CHECK_EQ_INT(b.responses[0].waarden[quest_item_find(
		    &defs.defs[idx].variant[0], "rapportcijfer")], 9);
	}
	expect1("default required", mk(buf, sizeof(buf), "vragenlijst",
	    "\"cem-plus-2026\"", "respondent", "\"ouder\"", "antwoorden",
	    "{\"nuttig\": 4}", NULL), 0, "/antwoorden/rapportcijfer",
	    "verplicht_item_ontbreekt");
}

struct field_case {
	const char	*what;
	const char	*key;		/* override, NULL for raw */
	const char	*value;
	const char	*field;
	const char	*code;
};

static const struct field_case field_cases[] = {
	{ "naam", "naam", "\"Jan\"", "/naam", "onbekend_veld" },
	{ "Naam", "Naam", "\"Jan\"", "", "onbekend_veld" },
	{ "bsn as key", "999993847", "1", "", "onbekend_veld" },
	{ "key with space", "voor naam", "1", "", "onbekend_veld" },
	{ "no bron_id", "bron_id", DEL, "/bron_id", "veld_ontbreekt" },
	{ "null bron_id", "bron_id", "null", "/bron_id", "veld_ontbreekt" },
	{ "empty bron_id", "bron_id", "\"\"", "/bron_id", "bron_id_ongeldig" },
	{ "number bron_id", "bron_id", "12", "/bron_id", "verkeerd_type" },
	{ "no vragenlijst", "vragenlijst", DEL, "/vragenlijst",
	    "veld_ontbreekt" },
	{ "unknown vragenlijst", "vragenlijst", "\"cem-1999\"", "/vragenlijst",
	    "onbekende_vragenlijst" },
	{ "respondent", "respondent", "\"kind\"", "/respondent",
	    "ongeldige_respondent" },
	{ "respondent case", "respondent", "\"Jeugdige\"", "/respondent",
	    "ongeldige_respondent" },
	{ "no respondent", "respondent", DEL, "/respondent",
	    "veld_ontbreekt" },
	{ "bsn elfproef", "bsn", "\"999993846\"", "/bsn", "bsn_elfproef" },
	{ "bsn letters", "bsn", "\"99999384a\"", "/bsn", "bsn_geen_cijfers" },
	{ "bsn length", "bsn", "\"9999938470\"", "/bsn", "bsn_lengte" },
	{ "bsn empty", "bsn", "\"\"", "/bsn", "bsn_leeg" },
	{ "bsn zero", "bsn", "\"000000000\"", "/bsn", "bsn_nul" },
	{ "bsn number", "bsn", "999993847", "/bsn", "verkeerd_type" },
	{ "no bsn", "bsn", DEL, "/bsn", "veld_ontbreekt" },
	{ "agb short", "agb", "\"1234567\"", "/agb", "agb_ongeldig" },
	{ "agb letters", "agb", "\"1234567x\"", "/agb", "agb_ongeldig" },
	{ "agb number", "agb", "12345678", "/agb", "verkeerd_type" },
	{ "gemeente format", "gemeente", "\"363\"", "/gemeente",
	    "gemeente_ongeldig" },
	{ "gemeente number", "gemeente", "363", "/gemeente", "verkeerd_type" },
	{ "gemeente unknown", "gemeente", "\"0999\"", "/gemeente",
	    "gemeente_onbekend" },
	{ "no gemeente", "gemeente", DEL, "/gemeente", "veld_ontbreekt" },
	{ "toewijzing long", "toewijzingnummer", "\"1234567890\"",
	    "/toewijzingnummer", "toewijzingnummer_ongeldig" },
	{ "toewijzing letters", "toewijzingnummer", "\"12a\"",
	    "/toewijzingnummer", "toewijzingnummer_ongeldig" },
	{ "toewijzing empty", "toewijzingnummer", "\"\"", "/toewijzingnummer",
	    "toewijzingnummer_ongeldig" },
	{ "toewijzing number", "toewijzingnummer", "12", "/toewijzingnummer",
	    "verkeerd_type" },
	{ "ingevuld_op 30 feb", "ingevuld_op", "\"2026-02-30\"",
	    "/ingevuld_op", "ongeldige_datum" },
	{ "ingevuld_op 29 feb", "ingevuld_op", "\"2025-02-29\"",
	    "/ingevuld_op", "ongeldige_datum" },
	{ "ingevuld_op dutch", "ingevuld_op", "\"01-03-2026\"",
	    "/ingevuld_op", "ongeldige_datum" },
	{ "ingevuld_op time", "ingevuld_op", "\"2026-03-01T10:00\"",
	    "/ingevuld_op", "ongeldige_datum" },
	{ "ingevuld_op future", "ingevuld_op", "\"2026-03-16\"",
	    "/ingevuld_op", "datum_in_toekomst" },
	{ "no ingevuld_op", "ingevuld_op", DEL, "/ingevuld_op",
	    "veld_ontbreekt" },
	{ "geboortedatum", "geboortedatum", "\"2010-13-01\"", "/geboortedatum",
	    "ongeldige_datum" },
	{ "geboortedatum 1899", "geboortedatum", "\"1899-12-31\"",
	    "/geboortedatum", "ongeldige_datum" },
	{ "geboortedatum future", "geboortedatum", "\"2027-01-01\"",
	    "/geboortedatum", "datum_in_toekomst" },
	{ "geboortedatum after", "geboortedatum", "\"2026-03-02\"",
	    "/geboortedatum", "geboortedatum_na_invuldatum" },
	{ "geslacht 3", "geslacht", "3", "/geslacht", "geslacht_ongeldig" },
	{ "geslacht -1", "geslacht", "-1", "/geslacht", "geslacht_ongeldig" },
	{ "geslacht 1.5", "geslacht", "1.5", "/geslacht", "geslacht_ongeldig" },
	{ "geslacht string", "geslacht", "\"1\"", "/geslacht",
	    "verkeerd_type" },
	{ "no antwoorden", "antwoorden", DEL, "/antwoorden",
	    "veld_ontbreekt" },
	{ "antwoorden array", "antwoorden", "[4, 8]", "/antwoorden",
	    "verkeerd_type" },
	/* Answers. */
	{ "unknown item", "antwoorden", "{\"s1\": 4, \"rc\": 8, \"q9\": 1}",
	    "/antwoorden/q9", "onbekend_item" },
	{ "item of the other respondent", "antwoorden",
	    "{\"s1\": 4, \"rc\": 8, \"o2\": \"x\"}", "/antwoorden/o2",
	    "onbekend_item" },
	{ "unknown item, value-like", "antwoorden",
	    "{\"s1\": 4, \"rc\": 8, \"" MARKER "\": 1}", "/antwoorden",
	    "onbekend_item" },
	{ "item case", "antwoorden", "{\"S1\": 4, \"s1\": 4, \"rc\": 8}",
	    "/antwoorden", "onbekend_item" },
	{ "schaal high", "antwoorden", "{\"s1\": 6, \"rc\": 8}",
	    "/antwoorden/s1", "buiten_bereik" },
	{ "schaal low", "antwoorden", "{\"s1\": 0, \"rc\": 8}",
	    "/antwoorden/s1", "buiten_bereik" },
	{ "schaal fraction", "antwoorden", "{\"s1\": 3.5, \"rc\": 8}",
	    "/antwoorden/s1", "buiten_bereik" },
	{ "schaal huge", "antwoorden", "{\"s1\": 1e300, \"rc\": 8}",
	    "/antwoorden/s1", "buiten_bereik" },
	{ "schaal string", "antwoorden", "{\"s1\": \"4\", \"rc\": 8}",
	    "/antwoorden/s1", "verkeerd_type" },
	{ "schaal text", "antwoorden", "{\"s1\": \"" MARKER "\", \"rc\": 8}",
	    "/antwoorden/s1", "verkeerd_type" },
	{ "cijfer 11", "antwoorden", "{\"s1\": 4, \"rc\": 11}",
	    "/antwoorden/rc", "buiten_bereik" },
	{ "cijfer 0", "antwoorden", "{\"s1\": 4, \"rc\": 0}",
	    "/antwoorden/rc", "buiten_bereik" },
	{ "cijfer true", "antwoorden", "{\"s1\": 4, \"rc\": true}",
	    "/antwoorden/rc", "verkeerd_type" },
	{ "janee other", "antwoorden", "{\"s1\": 4, \"rc\": 8, \"zh\": "
	    "\"misschien\"}", "/antwoorden/zh", "buiten_bereik" },
	{ "janee case", "antwoorden", "{\"s1\": 4, \"rc\": 8, \"zh\": "
	    "\"Ja\"}", "/antwoorden/zh", "buiten_bereik" },
	{ "janee bool", "antwoorden", "{\"s1\": 4, \"rc\": 8, \"zh\": true}",
	    "/antwoorden/zh", "verkeerd_type" },
	{ "open number", "antwoorden", "{\"s1\": 4, \"rc\": 8, \"open1\": 5}",
	    "/antwoorden/open1", "verkeerd_type" },
	{ "required missing", "antwoorden", "{\"rc\": 8}", "/antwoorden/s1",
	    "verplicht_item_ontbreekt" },
	{ "required null", "antwoorden", "{\"s1\": null, \"rc\": 8}",
	    "/antwoorden/s1", "verplicht_item_ontbreekt" },
	{ "item twice", "antwoorden", "{\"s1\": 4, \"rc\": 8, \"s1\": 4}",
	    "/antwoorden/s1", "dubbel_veld" },
};

static void
test_fields(void)
{
	char	buf[BUF_MAX], body[BUF_MAX * 2];
	size_t	i;

	for (i = 0; i < ARRAY_LEN(field_cases); i++) {
		const struct field_case	*fc = &field_cases[i];

		(void)mk(buf, sizeof(buf), fc->key, fc->value, NULL);
		expect1(fc->what, buf, 0, fc->field, fc->code);
		/* The same inside a batch, at index 1. */
		(void)util_fmt(body, sizeof(body), "{\"responses\": [%s, %s]}",
		    mk(body + sizeof(body) / 2, sizeof(body) / 2, "bron_id",
		    "\"" BRON "0\"", NULL), buf);
		(void)util_fmt(buf, sizeof(buf), "/responses/1%s", fc->field);
		expect1(fc->what, body, 1, buf, fc->code);
	}

	/* Repeated keys in a response. */
	(void)util_fmt(body, sizeof(body), "{\"bsn\": \"999992077\", %s",
	    mk(buf, sizeof(buf), NULL) + 1);
	expect1("bsn twice", body, 0, "/bsn", "dubbel_veld");

	/* A respondent type the definition does not have. */
	expect1("no ouder variant", mk(buf, sizeof(buf), "vragenlijst",
	    "\"test-jeugd\"", "respondent", "\"ouder\"", NULL), 0,
	    "/respondent", "ongeldige_respondent");

	/* A required open item with only white space is not answered. */
	expect1("blank open", mk(buf, sizeof(buf), "respondent", "\"ouder\"",
	    "antwoorden", "{\"rc\": 5, \"o2\": \"  \"}", NULL), 0,
	    "/antwoorden/o2", "verplicht_item_ontbreekt");

	/* A bron_id of 256 bytes is fine, 257 is not. */
	memset(body, 'b', 300);
	memcpy(body, "\"" BRON, strlen(BRON) + 1);
	body[257] = '"';
	body[258] = '\0';
	CHECK_EQ_INT(run(mk(buf, sizeof(buf), "bron_id", body, NULL)), CEM_OK);
	CHECK_EQ_INT(b.nresponses == 1 ? b.responses[0].bron_id_len : 0, 256);
	body[257] = 'b';
	body[258] = '"';
	body[259] = '\0';
	expect1("bron_id 257", mk(buf, sizeof(buf), "bron_id", body, NULL), 0,
	    "/bron_id", "bron_id_ongeldig");

	/* Several mistakes in one response are all reported, in order. */
	CHECK_EQ_INT(run(mk(buf, sizeof(buf), "bsn", "\"999993846\"", "agb",
	    "\"1\"", "naam", "\"Jan\"", "antwoorden", "{\"s1\": 9}", NULL)),
	    CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 5);
	if (b.nerrors == 5) {
		CHECK_STR(b.errors[0].code, "onbekend_veld");
		CHECK_STR(b.errors[1].code, "bsn_elfproef");
		CHECK_STR(b.errors[2].code, "agb_ongeldig");
		CHECK_STR(b.errors[3].code, "buiten_bereik");
		CHECK_STR(b.errors[4].code, "verplicht_item_ontbreekt");
		CHECK_STR(b.errors[4].field, "/antwoorden/rc");
	}
}

struct body_case {
	const char	*what;
	const char	*body;
	size_t		 len;		/* 0: strlen */
	long		 index;
	const char	*field;
	const char	*code;
};

static const struct body_case body_cases[] = {
	{ "empty", "", 0, -1, "", "json_ongeldig" },
	{ "blank", " \r\n\t", 0, -1, "", "json_ongeldig" },
	{ "only bom", "\xef\xbb\xbf", 0, -1, "", "json_ongeldig" },
	{ "unclosed", "{\"bron_id\": ", 0, -1, "", "json_ongeldig" },
	{ "leading zero", "{\"a\": 01}", 0, -1, "", "json_ongeldig" },
	{ "lone minus", "{\"a\": -}", 0, -1, "", "json_ongeldig" },
	{ "dot", "{\"a\": 1.}", 0, -1, "", "json_ongeldig" },
	{ "exp", "{\"a\": 1e}", 0, -1, "", "json_ongeldig" },
	{ "leading dot", "{\"a\": .5}", 0, -1, "", "json_ongeldig" },
	{ "plus", "{\"a\": +1}", 0, -1, "", "json_ongeldig" },
	{ "nan", "{\"a\": NaN}", 0, -1, "", "json_ongeldig" },
	{ "trailing comma", "{\"a\": 1,}", 0, -1, "", "json_ongeldig" },
	{ "array comma", "{\"a\": [1,]}", 0, -1, "", "json_ongeldig" },
	{ "single quotes", "{'a': 1}", 0, -1, "", "json_ongeldig" },
	{ "no colon", "{\"a\" 1}", 0, -1, "", "json_ongeldig" },
	{ "no comma", "[1 2]", 0, -1, "", "json_ongeldig" },
	{ "tru", "{\"a\": tru}", 0, -1, "", "json_ongeldig" },
	{ "bad utf8", "{\"a\": \"\xff\"}", 0, -1, "", "json_ongeldig" },
	{ "overlong", "{\"a\": \"\xc0\xaf\"}", 0, -1, "", "json_ongeldig" },
	{ "surrogate utf8", "{\"a\": \"\xed\xa0\x80\"}", 0, -1, "",
	    "json_ongeldig" },
	{ "cut utf8", "{\"a\": \"\xe2\x82\"}", 0, -1, "", "json_ongeldig" },
	{ "above 10ffff", "{\"a\": \"\xf4\x90\x80\x80\"}", 0, -1, "",
	    "json_ongeldig" },
	{ "utf8 outside", "{\"a\": 1}\xc3\xa9", 0, -1, "", "json_ongeldig" },
	{ "raw tab", "{\"a\": \"x\ty\"}", 0, -1, "", "json_ongeldig" },
	{ "raw newline", "{\"a\": \"x\ny\"}", 0, -1, "", "json_ongeldig" },
	{ "u0000", "{\"a\": \"x\\u0000y\"}", 0, -1, "", "json_ongeldig" },
	{ "lone high", "{\"a\": \"\\ud800\"}", 0, -1, "", "json_ongeldig" },
	{ "lone high 2", "{\"a\": \"\\ud800\\u0041\"}", 0, -1, "",
	    "json_ongeldig" },
	{ "lone low", "{\"a\": \"\\udc00\"}", 0, -1, "", "json_ongeldig" },
	{ "bad escape", "{\"a\": \"\\x41\"}", 0, -1, "", "json_ongeldig" },
	{ "bad hex", "{\"a\": \"\\u12G4\"}", 0, -1, "", "json_ongeldig" },
	{ "short u", "{\"a\": \"\\u12\"}", 0, -1, "", "json_ongeldig" },
	{ "two values", "{} {}", 0, -1, "", "json_ongeldig" },
	{ "nul after", "{}\0", 3, -1, "", "json_ongeldig" },
	{ "nul inside", "{\"a\": \"x\0y\"}", 13, -1, "", "json_ongeldig" },
	{ "control outside", "\x01{}", 0, -1, "", "json_ongeldig" },
	{ "formfeed outside", "{\f}", 0, -1, "", "json_ongeldig" },
	{ "long number", "{\"a\": 1234567890123456789012345678901234}", 0,
	    -1, "", "te_lang" },
	{ "array", "[]", 0, -1, "", "verkeerd_type" },
	{ "string", "\"x\"", 0, -1, "", "verkeerd_type" },
	{ "responses not array", "{\"responses\": {}}", 0, -1, "/responses",
	    "verkeerd_type" },
	{ "responses null", "{\"responses\": null}", 0, -1, "/responses",
	    "verkeerd_type" },
	{ "next to responses", "{\"responses\": [], \"extra\": 1}", 0, -1,
	    "/extra", "onbekend_veld" },
	{ "unsafe next to responses", "{\"responses\": [], \"Extra\": 1}", 0,
	    -1, "", "onbekend_veld" },
	{ "responses twice", "{\"responses\": [], \"responses\": []}", 0, -1,
	    "/responses", "dubbel_veld" },
	{ "element not object", "{\"responses\": [1]}", 0, 0, "/responses/0",
	    "verkeerd_type" },
	{ "element array", "{\"responses\": [[]]}", 0, 0, "/responses/0",
	    "verkeerd_type" },
};

static void
test_body(void)
{
	size_t	i, len;

	for (i = 0; i < ARRAY_LEN(body_cases); i++) {
		const struct body_case	*bc = &body_cases[i];
		enum cem_status		 st;

		len = bc->len ? bc->len : strlen(bc->body);
		st = run_len(bc->body, len, NULL, 100, 0);
		if (st != CEM_REJECTED || b.errors_total != 1 ||
		    b.errors[0].index != bc->index ||
		    strcmp(b.errors[0].field, bc->field) != 0 ||
		    strcmp(b.errors[0].code, bc->code) != 0) {
			test_failures++;
			fprintf(stderr, "%s: expected [%ld] %s %s\n", bc->what,
			    bc->index, bc->field, bc->code);
			dump_errors(bc->what);
		}
		test_checks++;
	}
	/* Positions count lines and columns from 1. */
	CHECK_EQ_INT(run("{\n  \"a\": 01}"), CEM_REJECTED);
	CHECK_EQ_INT(b.nerrors, 1);
	if (b.nerrors == 1)
		CHECK_STR(b.errors[0].message, "',' of '}' verwacht op regel 2, "
		    "kolom 9 (byte 10)");
}

static void
test_depth(void)
{
	char	buf[BUF_MAX];
	size_t	off = 0, i;

	for (i = 0; i < CEM_DEPTH_MAX; i++)
		put(buf, sizeof(buf), &off, "[");
	for (i = 0; i < CEM_DEPTH_MAX; i++)
		put(buf, sizeof(buf), &off, "]");
	expect1("depth 16", buf, -1, "", "verkeerd_type");
	off = 0;
	for (i = 0; i < CEM_DEPTH_MAX + 1; i++)
		put(buf, sizeof(buf), &off, "[");
	for (i = 0; i < CEM_DEPTH_MAX + 1; i++)
		put(buf, sizeof(buf), &off, "]");
	expect1("depth 17", buf, -1, "", "te_diep_genest");
	/* Deep without closing: still the depth, not the end, is named. */
	off = 0;
	for (i = 0; i < 100000 && off + 2 < sizeof(buf); i++)
		put(buf, sizeof(buf), &off, "[");
	expect1("depth open", buf, -1, "", "te_diep_genest");
	/* Inside an answer. */
	off = 0;
	put(buf, sizeof(buf), &off, "{\"responses\": [{\"antwoorden\": "
	    "{\"open1\": ");
	for (i = 0; i < CEM_DEPTH_MAX; i++)
		put(buf, sizeof(buf), &off, "{\"a\": ");
	put(buf, sizeof(buf), &off, "1");
	for (i = 0; i < CEM_DEPTH_MAX + 3; i++)
		put(buf, sizeof(buf), &off, "}");
	put(buf, sizeof(buf), &off, "]}");
	expect1("depth answer", buf, -1, "", "te_diep_genest");
}

/* A 10 MB string is refused after reading 4 kB of it. */
static void
test_huge(void)
{
	const size_t	 n = 10 * 1024 * 1024;
	char		*big;
	uint64_t	 t0, dt;
	size_t		 off = 0;

	if ((big = malloc(n + 64)) == NULL)
		exit(1);
	put(big, n + 64, &off, "{\"bron_id\": \"");
	memset(big + off, 'x', n);
	off += n;
	memcpy(big + off, "\"}", 3);
	t0 = util_now_ns();
	expect1("10 MB string", big, -1, "", "te_lang");
	dt = util_now_ns() - t0;
	CHECK(dt < 200000000ULL);	/* generous for ASan; ~0.1 ms plain */
	/* As a key too. */
	memcpy(big, "{\"", 2);
	memset(big + 2, 'x', off - 2);
	memcpy(big + off, "\":1}", 5);
	expect1("10 MB key", big, -1, "", "te_lang");
	/* And unterminated. */
	big[off] = '\0';
	expect1("10 MB open string", big, -1, "", "te_lang");
	free(big);
}

static void
test_batch_errors(void)
{
	char	 parts[6][BUF_MAX], id[64], q[32], *body;
	size_t	 i, off = 0;

	/* One bad response among six: exactly that index is reported. */
	for (i = 0; i < 6; i++) {
		(void)util_fmt(id, sizeof(id), "\"" BRON "%zu\"", i);
		(void)util_fmt(q, sizeof(q), "\"%s\"", i == 3 ? "999993846" :
		    bsns[i]);
		(void)mk(parts[i], sizeof(parts[i]), "bron_id", id, "bsn", q,
		    NULL);
	}
	if ((body = malloc(BIG_MAX)) == NULL)
		exit(1);
	expect1("one bad", batch(body, BIG_MAX, parts[0], parts[1], parts[2],
	    parts[3], parts[4], parts[5], NULL), 3, "/responses/3/bsn",
	    "bsn_elfproef");

	/* Repeated bron_ids: the later ones, naming the first. */
	(void)mk(parts[2], sizeof(parts[2]), "bron_id", "\"" BRON "0\"", NULL);
	(void)mk(parts[3], sizeof(parts[3]), "bron_id", "\"" BRON "0\"", NULL);
	CHECK_EQ_INT(run(batch(body, BIG_MAX, parts[0], parts[1], parts[2],
	    parts[3], NULL)), CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 2);
	if (b.nerrors == 2) {
		CHECK_EQ_INT(b.errors[0].index, 2);
		CHECK_EQ_INT(b.errors[1].index, 3);
		CHECK_STR(b.errors[0].field, "/responses/2/bron_id");
		CHECK_STR(b.errors[0].code, "dubbele_bron_id");
		CHECK(strstr(b.errors[1].message, "(response 0)") != NULL);
	}

	/* Repeats are merged in response order, and the cap still holds. */
	(void)mk(parts[0], sizeof(parts[0]), "bron_id", "\"" BRON "A\"", NULL);
	(void)mk(parts[1], sizeof(parts[1]), "bron_id", "\"" BRON "A\"",
	    "bsn", "\"999993846\"", NULL);
	(void)mk(parts[2], sizeof(parts[2]), "bron_id", "\"" BRON "B\"",
	    "bsn", "\"999993846\"", NULL);
	(void)batch(body, BIG_MAX, parts[0], parts[1], parts[2], parts[0],
	    NULL);
	CHECK_EQ_INT(run_len(body, strlen(body), NULL, 3, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 4);
	CHECK_EQ_INT(b.nerrors, 3);
	if (b.nerrors == 3) {
		CHECK_STR(b.errors[0].code, "dubbele_bron_id");
		CHECK_EQ_INT(b.errors[0].index, 1);
		CHECK_STR(b.errors[1].code, "bsn_elfproef");
		CHECK_EQ_INT(b.errors[1].index, 1);
		CHECK_STR(b.errors[2].code, "bsn_elfproef");
		CHECK_EQ_INT(b.errors[2].index, 2);
	}
	CHECK_EQ_INT(run_len(body, strlen(body), NULL, 10, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.nerrors, 4);
	if (b.nerrors == 4) {
		CHECK_STR(b.errors[3].code, "dubbele_bron_id");
		CHECK_EQ_INT(b.errors[3].index, 3);
		CHECK(strstr(b.errors[3].message, "(response 0)") != NULL);
	}

	/* The cap: 50 bad responses, 10 listed, 50 counted. */
	off = 0;
	put(body, BIG_MAX, &off, "{\"responses\": [");
	for (i = 0; i < 50; i++) {
		(void)util_fmt(id, sizeof(id), "\"" BRON "%zu\"", i);
		if (i > 0)
			put(body, BIG_MAX, &off, ",");
		put(body, BIG_MAX, &off, mk(parts[0], sizeof(parts[0]),
		    "bron_id", id, "bsn", "\"999993846\"", NULL));
	}
	put(body, BIG_MAX, &off, "]}");
	CHECK_EQ_INT(run_len(body, off, NULL, 10, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.nerrors, 10);
	CHECK_EQ_INT(b.errors_total, 50);
	for (i = 0; i < b.nerrors; i++)
		CHECK_EQ_INT(b.errors[i].index, (long)i);
	CHECK_EQ_INT(run_len(body, off, NULL, 0, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.nerrors, 0);
	CHECK_EQ_INT(b.errors_total, 50);
	CHECK_EQ_INT(run_len(body, off, NULL, 100000, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.nerrors, 50);

	/* The batch limit: a caller's, and CEM_BATCH_MAX itself. */
	CHECK_EQ_INT(run_len(body, off, NULL, 10, 49), CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 1);
	CHECK_STR(b.errors[0].code, "te_veel_responses");
	CHECK_STR(b.errors[0].field, "/responses");
	CHECK_EQ_INT(b.errors[0].index, -1);
	free(body);
	if ((body = malloc((CEM_BATCH_MAX + 1) * 3 + 32)) == NULL)
		exit(1);
	off = 0;
	memcpy(body, "{\"responses\": [", 15);
	off = 15;
	for (i = 0; i <= CEM_BATCH_MAX; i++) {
		memcpy(body + off, i ? ",{}" : "{}", i ? 3 : 2);
		off += i ? 3 : 2;
	}
	memcpy(body + off, "]}", 2);
	off += 2;
	CHECK_EQ_INT(run_len(body, off, NULL, 10, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 1);
	CHECK_STR(b.errors[0].code, "te_veel_responses");
	free(body);
}

/* The wrapper: where "responses" is, how it is spelt, what else is there. */
static void
test_wrapper(void)
{
	char	a[BUF_MAX], body[BUF_MAX * 2];
	size_t	off = 0, i;

	(void)mk(a, sizeof(a), NULL);
	(void)util_fmt(body, sizeof(body), "{\"respon\\u0073es\": [%s]}", a);
	CHECK_EQ_INT(run(body), CEM_OK);
	CHECK_EQ_INT(b.nresponses, 1);
	(void)util_fmt(body, sizeof(body), "{\"x\": {\"responses\": 1}, "
	    "\"y\": [[]], \"responses\": [%s], \"Z\": 2, "
	    "\"responses\": 3}", a);
	CHECK_EQ_INT(run(body), CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 4);
	if (b.nerrors == 4) {
		CHECK_STR(b.errors[0].field, "/x");
		CHECK_STR(b.errors[1].field, "/y");
		CHECK_STR(b.errors[2].field, "");
		CHECK_STR(b.errors[2].code, "onbekend_veld");
		CHECK_STR(b.errors[3].field, "/responses");
		CHECK_STR(b.errors[3].code, "dubbel_veld");
		for (i = 0; i < 4; i++)
			CHECK_EQ_INT(b.errors[i].index, -1);
	}
	/* A response of more than CEM_RESPONSE_VALUES values. */
	put(a, sizeof(a), &off, "{");
	for (i = 0; i < CEM_RESPONSE_VALUES; i++) {
		char	kv[32];

		(void)util_fmt(kv, sizeof(kv), "%s\"k%zu\": 1", i ? "," : "",
		    i);
		put(a, sizeof(a), &off, kv);
	}
	put(a, sizeof(a), &off, "}");
	expect1("single too big", a, 0, "", "te_veel_waarden");
	CHECK_EQ_INT(run(batch(body, sizeof(body), "{}", a, NULL)),
	    CEM_REJECTED);
	CHECK(b.nerrors >= 2);
	if (b.nerrors >= 2) {
		CHECK_EQ_INT(b.errors[b.nerrors - 1].index, 1);
		CHECK_STR(b.errors[b.nerrors - 1].field, "/responses/1");
		CHECK_STR(b.errors[b.nerrors - 1].code, "te_veel_waarden");
	}
}

static void
test_agb(void)
{
	char	a[BUF_MAX], c[BUF_MAX], body[BUF_MAX * 3];

	(void)mk(a, sizeof(a), NULL);
	(void)mk(c, sizeof(c), "bron_id", "\"" BRON "2\"", "agb",
	    "\"87654321\"", NULL);
	/* bergop: any AGB. */
	(void)batch(body, sizeof(body), a, c, NULL);
	CHECK_EQ_INT(run_len(body, strlen(body), NULL, 100, 0), CEM_OK);
	CHECK_EQ_INT(b.nresponses, 2);
	if (b.nresponses == 2) {
		CHECK_STR(b.responses[0].agb, "12345678");
		CHECK_STR(b.responses[1].agb, "87654321");
	}
	/* An aanbieder: its own only. */
	CHECK_EQ_INT(run_len(a, strlen(a), "12345678", 100, 0), CEM_OK);
	CHECK_EQ_INT(run_len(c, strlen(c), "12345678", 100, 0), CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 1);
	if (b.nerrors == 1) {
		CHECK_STR(b.errors[0].code, "agb_niet_eigen");
		CHECK_STR(b.errors[0].field, "/agb");
		CHECK_EQ_INT(b.errors[0].index, 0);
	}
	CHECK_EQ_INT(run_len(body, strlen(body), "12345678", 100, 0),
	    CEM_REJECTED);
	CHECK_EQ_INT(b.errors_total, 1);
	if (b.nerrors == 1) {
		CHECK_STR(b.errors[0].code, "agb_niet_eigen");
		CHECK_STR(b.errors[0].field, "/responses/1/agb");
		CHECK_EQ_INT(b.errors[0].index, 1);
	}
}

static void
test_today(void)
{
	static const struct {
		int		 y, mo, d, h, mi;
		const char	*expect;
	} cases[] = {
		{ 2026, 1, 15, 22, 59, "2026-01-15" },	/* 23:59 CET */
		{ 2026, 1, 15, 23, 0, "2026-01-16" },	/* 00:00 CET */
		{ 2026, 3, 29, 0, 59, "2026-03-29" },	/* 01:59 CET */
		{ 2026, 3, 28, 22, 59, "2026-03-28" },	/* 23:59 CET */
		{ 2026, 6, 30, 21, 59, "2026-06-30" },	/* 23:59 CEST */
		{ 2026, 6, 30, 22, 0, "2026-07-01" },	/* 00:00 CEST */
		{ 2026, 10, 24, 22, 0, "2026-10-25" },	/* 00:00 CEST */
		{ 2026, 10, 25, 22, 59, "2026-10-25" },	/* 23:59 CET */
		{ 2026, 10, 25, 23, 0, "2026-10-26" },	/* 00:00 CET */
		{ 2026, 12, 31, 23, 0, "2027-01-01" },
		{ 2024, 2, 28, 23, 30, "2024-02-29" },
	};
	struct tm	tm;
	char		out[11];
	size_t		i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = cases[i].y - 1900;
		tm.tm_mon = cases[i].mo - 1;
		tm.tm_mday = cases[i].d;
		tm.tm_hour = cases[i].h;
		tm.tm_min = cases[i].mi;
		cem_today_nl(timegm(&tm), out);
		CHECK_STR(out, cases[i].expect);
	}
}

/*
 * The rate for a batch of 10,000 responses with 20 answers each, under
 * whatever build flags this test has (report it from an -O2 build).
 */
static void
test_rate(void)
{
	static char	def[BUF_MAX];
	char		err[ERR_MAX], part[64];
	char		*body;
	size_t		off = 0, i, j, cap = 16 * 1024 * 1024;
	uint64_t	t0, best = UINT64_MAX, dt;
	int		run_no;

	put(def, sizeof(def), &off, "{\"id\": \"bench-20\", \"titel\": \"B\", "
	    "\"respondenten\": {\"jeugdige\": {\"items\": [");
	for (i = 0; i < 20; i++) {
		(void)util_fmt(part, sizeof(part), "%s{\"code\": \"item_%02zu\", ",
		    i ? "," : "", i);
		put(def, sizeof(def), &off, part);
		put(def, sizeof(def), &off, i == 19 ? "\"tekst\": \"T\", "
		    "\"type\": \"cijfer\", \"verplicht\": true}" :
		    "\"tekst\": \"T\", \"type\": \"schaal\", \"min\": 1, "
		    "\"max\": 5, \"verplicht\": true}");
	}
	put(def, sizeof(def), &off, "]}}}");
	if (quest_load_buffer("bench", def, off, &defs, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "%s\n", err);
		test_failures++;
		return;
	}
	if ((body = malloc(cap)) == NULL)
		exit(1);
	off = 0;
	put(body, cap, &off, "{\"responses\": [\n");
	for (i = 0; i < 10000; i++) {
		char	r[1024];
		size_t	roff = 0;

		(void)util_fmt(r, sizeof(r), "%s{\"bron_id\": \"cem-2026-%06zu\", "
		    "\"vragenlijst\": \"bench-20\", \"respondent\": \"jeugdige\", "
		    "\"bsn\": \"%s\", \"agb\": \"12345678\", \"gemeente\": "
		    "\"0363\", \"toewijzingnummer\": \"%zu\", \"ingevuld_op\": "
		    "\"2026-02-%02zu\", \"geboortedatum\": \"2011-04-03\", "
		    "\"geslacht\": %zu, \"antwoorden\": {", i ? ",\n" : "", i,
		    bsns[i % 11], 100000 + i, 1 + i % 28, i % 3);
		roff = strlen(r);
		for (j = 0; j < 20; j++) {
			(void)util_fmt(part, sizeof(part), "%s\"item_%02zu\": %zu",
			    j ? ", " : "", j, j == 19 ? 1 + i % 10 :
			    1 + (i + j) % 5);
			put(r, sizeof(r), &roff, part);
		}
		put(r, sizeof(r), &roff, "}}");
		put(body, cap, &off, r);
	}
	put(body, cap, &off, "\n]}\n");
	for (run_no = 0; run_no < 5; run_no++) {
		t0 = util_now_ns();
		CHECK_EQ_INT(run_len(body, off, NULL, 100, 0), CEM_OK);
		dt = util_now_ns() - t0;
		if (dt < best)
			best = dt;
	}
	dump_errors("rate");
	CHECK_EQ_INT(b.nresponses, 10000);
	if (b.nresponses == 10000) {
		CHECK_EQ_INT(b.responses[9999].waarden[19], 10);
		CHECK_EQ_INT(b.responses[1].waarden[0], 2);
	}
	printf("parse_cem: 10000 responses x 20 items (%zu bytes) in %.1f ms: "
	    "%.0f responses/s\n", off, (double)best / 1e6,
	    10000.0 * 1e9 / (double)best);
	free(body);
}

int
main(void)
{
	setup();
	test_single();
	test_bom_and_long_open();
	test_batch();
	test_default_def();
	test_fields();
	test_body();
	test_depth();
	test_huge();
	test_batch_errors();
	test_wrapper();
	test_agb();
	test_today();
	test_rate();
	cem_batch_free(&b);
	return test_done("parse_cem");
}

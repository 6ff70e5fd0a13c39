/*
 * Unit tests for questionnaire.c: the shipped default definition loads and
 * has what the indicators need, lookups work, and every kind of mistake in
 * a definition is refused with a message naming the file and the JSON path.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "questionnaire.h"
#include "test.h"
#include "util.h"

#ifndef SORTTP_SOURCE_DIR
#error "SORTTP_SOURCE_DIR must name the source tree (for config/questionnaires)"
#endif

#define DEFAULT_DIR	SORTTP_SOURCE_DIR "/config/questionnaires"
#define DEFAULT_FILE	DEFAULT_DIR "/cem-plus-2026.json"
#define ERR_MAX		1024
#define JSON_MAX	8192

static struct quest_set	set;		/* large: not on the stack */
static struct quest_set	set2;

static char tmpdir[] = "/tmp/test_questionnaire.XXXXXX";

static void
test_default(void)
{
	const struct quest_def		*d;
	const struct quest_variant	*v;
	const struct quest_item		*it;
	char				 err[ERR_MAX];
	size_t				 i, r, idx = 99, nopen;

	memset(&set, 0, sizeof(set));
	CHECK_EQ_INT(quest_load_dir(DEFAULT_DIR, &set, err, sizeof(err)), 0);
	if (err[0] != '\0')
		fprintf(stderr, "%s\n", err);
	CHECK(set.ndefs >= 1);
	d = quest_find(&set, "cem-plus-2026", &idx);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	CHECK(idx < set.ndefs);
	CHECK(quest_find(&set, "cem-plus-1999", NULL) == NULL);
	CHECK(strstr(d->titel, "CEM") != NULL);
	for (r = 0; r < QUEST__NRESPONDENTS; r++) {
		v = &d->variant[r];
		CHECK(v->present);
		CHECK(v->nitems >= 5);
		CHECK(v->rapportcijfer >= 0);
		CHECK(v->zonder_hulp >= 0);
		if (v->rapportcijfer < 0 || v->zonder_hulp < 0)
			continue;
		it = &v->items[v->rapportcijfer];
		CHECK_EQ_INT(it->type, QUEST_CIJFER);
		CHECK_EQ_INT(it->min, 1);
		CHECK_EQ_INT(it->max, 10);
		CHECK_EQ_INT(it->role, QUEST_ROLE_RAPPORTCIJFER);
		it = &v->items[v->zonder_hulp];
		CHECK_EQ_INT(it->type, QUEST_JANEE);
		CHECK_EQ_INT(quest_item_positive(it, 1), 1);
		CHECK_EQ_INT(quest_item_positive(it, 0), 0);
		nopen = 0;
		for (i = 0; i < v->nitems; i++) {
			it = &v->items[i];
			/* Every item is found by its code, and only by it. */
			CHECK_EQ_INT(quest_item_find(v, it->code), (int)i);
			if (it->type == QUEST_OPEN) {
				nopen++;
				CHECK(!it->has_positief);
			}
			if (it->type == QUEST_SCHAAL) {
				CHECK_EQ_INT(it->min, 1);
				CHECK_EQ_INT(it->max, 5);
				CHECK_EQ_INT(quest_item_positive(it, 4), 1);
				CHECK_EQ_INT(quest_item_positive(it, 5), 1);
				CHECK_EQ_INT(quest_item_positive(it, 3), 0);
				CHECK_EQ_INT(quest_item_positive(it, -1), -1);
			}
		}
		CHECK(nopen >= 1 && nopen <= 2);
		CHECK_EQ_INT(quest_item_find(v, "bestaat_niet"), -1);
		CHECK_EQ_INT(quest_item_find(v, ""), -1);
		CHECK_EQ_INT(quest_item_find(v,
		    "een_veel_te_lange_code_van_meer_dan_32"), -1);
		CHECK_EQ_INT(quest_item_find(v, "RAPPORTCIJFER"), -1);
	}
	CHECK_STR(quest_respondent_name(QUEST_JEUGDIGE), "jeugdige");
	CHECK_STR(quest_respondent_name(QUEST_OUDER), "ouder");
	CHECK_STR(quest_type_name(QUEST_JANEE), "janee");
}

/* The same file through quest_load_buffer, as for an embedded copy. */
static void
test_default_buffer(void)
{
	char	 err[ERR_MAX], *data = NULL;
	size_t	 len;

	memset(&set2, 0, sizeof(set2));
	CHECK_EQ_INT(util_read_file(DEFAULT_FILE, QUEST_FILE_MAX, &data, &len),
	    0);
	if (data == NULL)
		return;
	CHECK_EQ_INT(quest_load_buffer("(embedded) cem-plus-2026.json", data,
	    len, &set2, err, sizeof(err)), 0);
	CHECK_EQ_INT(set2.ndefs, 1);
	CHECK_STR(set2.defs[0].source, "(embedded) cem-plus-2026.json");
	/* A second copy of the same id is refused, naming the first. */
	CHECK_EQ_INT(quest_load_buffer("again.json", data, len, &set2, err,
	    sizeof(err)), -1);
	CHECK(strstr(err, "again.json: id: ") == err);
	CHECK(strstr(err, "already defined in (embedded)") != NULL);
	CHECK_EQ_INT(set2.ndefs, 1);
	/* Not NUL-terminated: the length is what counts. */
	data[len - 1] = '}';
	free(data);
}

/* Loads text as a definition into a fresh set; returns the result. */
static int
load(const char *text, char *err, size_t errlen)
{
	memset(&set2, 0, sizeof(set2));
	return quest_load_buffer("t.json", text, strlen(text), &set2, err,
	    errlen);
}

/* A definition with these items for jeugdige. */
static void
with_items(char *buf, size_t size, const char *items)
{
	if (util_fmt(buf, size, "{\"id\": \"t-1\", \"titel\": \"Test\", "
	    "\"respondenten\": {\"jeugdige\": {\"items\": [%s]}}}", items) ==
	    -1) {
		fprintf(stderr, "test JSON too long\n");
		exit(1);
	}
}

#define ITEM_S	"{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", " \
		"\"min\": 1, \"max\": 5, \"verplicht\": true"
#define ITEM_C	"{\"code\": \"c\", \"tekst\": \"C\", \"type\": \"cijfer\", " \
		"\"verplicht\": true"
#define ITEM_J	"{\"code\": \"j\", \"tekst\": \"J\", \"type\": \"janee\", " \
		"\"verplicht\": false"
#define ITEM_O	"{\"code\": \"o\", \"tekst\": \"O\", \"type\": \"open\", " \
		"\"verplicht\": false"

struct bad_case {
	const char	*items;		/* NULL: whole is the document */
	const char	*whole;
	const char	*expect;	/* "t.json: <path>: <reason start>" */
};

static const struct bad_case bad_cases[] = {
	/* The document as a whole. */
	{ NULL, "{", "t.json: invalid JSON" },
	{ NULL, "[]", "t.json: expected an object, got an array" },
	{ NULL, "{\"id\": \"t\"} x", "t.json: text after the JSON value" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"naam\": 1, "
	    "\"respondenten\": {}}", "t.json: naam: unknown key" },
	{ NULL, "{\"id\": \"t\", \"id\": \"u\", \"titel\": \"T\"}",
	    "t.json: id: key given twice" },
	{ NULL, "{\"titel\": \"T\", \"respondenten\": {}}",
	    "t.json: id: missing" },
	{ NULL, "{\"id\": \"Met Spatie\", \"titel\": \"T\"}",
	    "t.json: id: \"Met Spatie\" is not an id" },
	{ NULL, "{\"id\": 5, \"titel\": \"T\"}",
	    "t.json: id: expected a string, got a number" },
	{ NULL, "{\"id\": \"t\", \"respondenten\": {}}",
	    "t.json: titel: missing" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"\"}",
	    "t.json: titel: must not be empty" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"a\\nb\"}",
	    "t.json: titel: contains a control character" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"toelichting\": 1}",
	    "t.json: toelichting: expected a string" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\"}",
	    "t.json: respondenten: missing" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": []}",
	    "t.json: respondenten: expected an object" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": {}}",
	    "t.json: respondenten: needs \"jeugdige\" and/or \"ouder\"" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": "
	    "{\"kind\": {\"items\": []}}}",
	    "t.json: respondenten.kind: unknown respondent type" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": "
	    "{\"ouder\": {\"items\": [], \"x\": 1}}}",
	    "t.json: respondenten.ouder.x: unknown key" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": "
	    "{\"ouder\": {}}}", "t.json: respondenten.ouder.items: missing" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": "
	    "{\"ouder\": {\"items\": {}}}}",
	    "t.json: respondenten.ouder.items: expected an array" },
	{ NULL, "{\"id\": \"t\", \"titel\": \"T\", \"respondenten\": "
	    "{\"ouder\": {\"items\": [[[[[[[[1]]]]]]]]}}}",
	    "t.json: respondenten.ouder.items[0][0][0][0][0]: nested more "
	    "than 8 levels deep" },
	/* Items. */
	{ "", NULL, "t.json: respondenten.jeugdige.items: must not be empty" },
	{ "1", NULL, "t.json: respondenten.jeugdige.items[0]: expected an "
	    "object" },
	{ ITEM_S ", \"kleur\": \"rood\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].kleur: unknown key" },
	{ ITEM_S ", \"min\": 2}", NULL,
	    "t.json: respondenten.jeugdige.items[0].min: key given twice" },
	{ "{\"tekst\": \"A\", \"type\": \"open\", \"verplicht\": false}", NULL,
	    "t.json: respondenten.jeugdige.items[0].code: missing" },
	{ "{\"code\": \"Vraag1\", \"tekst\": \"A\", \"type\": \"open\", "
	    "\"verplicht\": false}", NULL,
	    "t.json: respondenten.jeugdige.items[0].code: \"Vraag1\" is not a "
	    "code" },
	{ "{\"code\": \"v-1\", \"tekst\": \"A\", \"type\": \"open\", "
	    "\"verplicht\": false}", NULL,
	    "t.json: respondenten.jeugdige.items[0].code: \"v-1\" is not a "
	    "code" },
	{ "{\"code\": \"abcdefghijklmnopqrstuvwxyz0123456\", \"tekst\": \"A\", "
	    "\"type\": \"open\", \"verplicht\": false}", NULL,
	    "t.json: respondenten.jeugdige.items[0].code: longer than 32" },
	{ ITEM_S "}, " ITEM_S "}", NULL,
	    "t.json: respondenten.jeugdige.items[1]: code \"a\" also used by "
	    "item 0" },
	{ "{\"code\": \"a\", \"type\": \"open\", \"verplicht\": false}", NULL,
	    "t.json: respondenten.jeugdige.items[0].tekst: missing" },
	{ "{\"code\": \"a\", \"tekst\": \"\", \"type\": \"open\", "
	    "\"verplicht\": false}", NULL,
	    "t.json: respondenten.jeugdige.items[0].tekst: must not be empty" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"open\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].verplicht: missing" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"open\", "
	    "\"verplicht\": \"ja\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].verplicht: expected true "
	    "or false" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].type: missing" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"likert\", "
	    "\"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].type: unknown type "
	    "\"likert\"" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"max\": 5, \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].min: missing" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"min\": 1, \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].max: missing" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"min\": 5, \"max\": 5, \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].max: must be greater than "
	    "min" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"min\": 5, \"max\": 1, \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].max: must be greater than "
	    "min" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"min\": -2, \"max\": 2, \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].min: expected an integer "
	    "in 0..100" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"min\": 1.5, \"max\": 2, \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].min: expected an integer" },
	{ "{\"code\": \"a\", \"tekst\": \"A\", \"type\": \"schaal\", "
	    "\"min\": 1, \"max\": \"5\", \"verplicht\": true}", NULL,
	    "t.json: respondenten.jeugdige.items[0].max: expected an integer "
	    "in 0..100, got a string" },
	{ ITEM_C ", \"min\": 1}", NULL,
	    "t.json: respondenten.jeugdige.items[0].min: only a schaal has min "
	    "and max" },
	{ ITEM_J ", \"max\": 1}", NULL,
	    "t.json: respondenten.jeugdige.items[0].max: only a schaal" },
	/* Positive rules. */
	{ ITEM_O ", \"positief\": \"ja\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief: an open item has "
	    "no positive answers" },
	{ ITEM_J ", \"positief\": \"misschien\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief: a janee item "
	    "takes \"ja\" or \"nee\"" },
	{ ITEM_J ", \"positief\": {\"vanaf\": 1}}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief: a janee item" },
	{ ITEM_S ", \"positief\": \"ja\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief: expected an "
	    "object" },
	{ ITEM_S ", \"positief\": {}}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief: needs \"vanaf\"" },
	{ ITEM_S ", \"positief\": {\"vanaf\": 6}}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief.vanaf: expected "
	    "an integer in 1..5" },
	{ ITEM_C ", \"positief\": {\"vanaf\": 0}}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief.vanaf: expected "
	    "an integer in 1..10" },
	{ ITEM_S ", \"positief\": {\"vanaf\": 4, \"tot_en_met\": 3}}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief: \"vanaf\" is "
	    "above" },
	{ ITEM_S ", \"positief\": {\"boven\": 3}}", NULL,
	    "t.json: respondenten.jeugdige.items[0].positief.boven: unknown "
	    "key" },
	/* Roles. */
	{ ITEM_S ", \"rol\": \"rapportcijfer\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].rol: the rapportcijfer "
	    "must be a cijfer item" },
	{ ITEM_C ", \"rol\": \"zonder_hulp_verder\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].rol: zonder_hulp_verder "
	    "must be a janee item" },
	{ ITEM_C ", \"rol\": \"cijfer\"}", NULL,
	    "t.json: respondenten.jeugdige.items[0].rol: unknown role" },
	{ ITEM_C ", \"rol\": \"rapportcijfer\"}, "
	    "{\"code\": \"c2\", \"tekst\": \"C\", \"type\": \"cijfer\", "
	    "\"verplicht\": true, \"rol\": \"rapportcijfer\"}", NULL,
	    "t.json: respondenten.jeugdige.items[1]: a second rapportcijfer" },
	{ ITEM_J ", \"rol\": \"zonder_hulp_verder\"}, "
	    "{\"code\": \"j2\", \"tekst\": \"J\", \"type\": \"janee\", "
	    "\"verplicht\": true, \"rol\": \"zonder_hulp_verder\"}", NULL,
	    "t.json: respondenten.jeugdige.items[1]: a second "
	    "zonder_hulp_verder item" },
};

static void
test_bad(void)
{
	char	json[JSON_MAX], err[ERR_MAX];
	size_t	i;
	int	rc;

	for (i = 0; i < ARRAY_LEN(bad_cases); i++) {
		if (bad_cases[i].items != NULL)
			with_items(json, sizeof(json), bad_cases[i].items);
		else
			(void)util_fmt(json, sizeof(json), "%s",
			    bad_cases[i].whole);
		rc = load(json, err, sizeof(err));
		CHECK_EQ_INT(rc, -1);
		CHECK_EQ_INT(set2.ndefs, 0);
		if (strstr(err, bad_cases[i].expect) != err) {
			test_failures++;
			fprintf(stderr, "case %zu: expected \"%s...\", got "
			    "\"%s\"\n", i, bad_cases[i].expect, err);
		}
	}
}

/* Valid corner cases: the other side of each rule. */
static void
test_good(void)
{
	const struct quest_variant	*v;
	char				 json[JSON_MAX], err[ERR_MAX];

	with_items(json, sizeof(json),
	    ITEM_S ", \"positief\": {\"tot_en_met\": 2}}, "
	    ITEM_C ", \"rol\": \"rapportcijfer\", \"positief\": "
	    "{\"vanaf\": 6}}, "
	    ITEM_J ", \"rol\": \"zonder_hulp_verder\", \"positief\": \"nee\"}, "
	    ITEM_O "}, "
	    "{\"code\": \"s0\", \"tekst\": \"S\", \"type\": \"schaal\", "
	    "\"min\": 0, \"max\": 100, \"verplicht\": false}");
	CHECK_EQ_INT(load(json, err, sizeof(err)), 0);
	if (err[0] != '\0')
		fprintf(stderr, "%s\n", err);
	v = &set2.defs[0].variant[QUEST_JEUGDIGE];
	CHECK(!set2.defs[0].variant[QUEST_OUDER].present);
	CHECK_EQ_INT(v->nitems, 5);
	CHECK_EQ_INT(v->nverplicht, 2);
	CHECK_EQ_INT(v->rapportcijfer, 1);
	CHECK_EQ_INT(v->zonder_hulp, 2);
	CHECK_EQ_INT(quest_item_positive(&v->items[0], 1), 1);
	CHECK_EQ_INT(quest_item_positive(&v->items[0], 2), 1);
	CHECK_EQ_INT(quest_item_positive(&v->items[0], 3), 0);
	CHECK_EQ_INT(quest_item_positive(&v->items[1], 6), 1);
	CHECK_EQ_INT(quest_item_positive(&v->items[1], 5), 0);
	CHECK_EQ_INT(quest_item_positive(&v->items[2], 0), 1);
	CHECK_EQ_INT(quest_item_positive(&v->items[2], 1), 0);
	CHECK_EQ_INT(quest_item_positive(&v->items[3], 1), -1);
	CHECK_EQ_INT(quest_item_positive(&v->items[4], 50), -1);
	CHECK_EQ_INT(v->items[4].min, 0);
	CHECK_EQ_INT(v->items[4].max, 100);
	CHECK_EQ_INT(quest_item_find(v, "s0"), 4);
	CHECK_EQ_INT(quest_item_find(v, "o"), 3);
	CHECK_EQ_INT(quest_item_find(v, "s"), -1);
}

/* 64 items fit, 65 do not; the lookup finds all 64. */
static void
test_counts(void)
{
	static char	json[JSON_MAX * 2], items[JSON_MAX * 2];
	char		err[ERR_MAX], code[16];
	size_t		off = 0, i;
	int		n;

	for (i = 0; i < QUEST_MAX_ITEMS + 1; i++) {
		n = snprintf(items + off, sizeof(items) - off,
		    "%s{\"code\": \"q%zu\", \"tekst\": \"Q\", \"type\": "
		    "\"janee\", \"verplicht\": false}", i ? ", " : "", i);
		CHECK(n > 0 && (size_t)n < sizeof(items) - off);
		off += (size_t)n;
		if (i + 1 == QUEST_MAX_ITEMS) {
			with_items(json, sizeof(json), items);
			CHECK_EQ_INT(load(json, err, sizeof(err)), 0);
		}
	}
	for (i = 0; i < QUEST_MAX_ITEMS; i++) {
		(void)util_fmt(code, sizeof(code), "q%zu", i);
		CHECK_EQ_INT(quest_item_find(&set2.defs[0].variant[0], code),
		    (int)i);
	}
	with_items(json, sizeof(json), items);
	CHECK_EQ_INT(load(json, err, sizeof(err)), -1);
	CHECK(strstr(err, "t.json: respondenten.jeugdige.items: 65 items, at "
	    "most 64 allowed") == err);

	/* QUEST_MAX_DEFS definitions, and not one more. */
	memset(&set2, 0, sizeof(set2));
	for (i = 0; i <= QUEST_MAX_DEFS; i++) {
		(void)util_fmt(json, sizeof(json), "{\"id\": \"d%zu\", "
		    "\"titel\": \"T\", \"respondenten\": {\"ouder\": "
		    "{\"items\": [" ITEM_O "}]}}}", i);
		n = quest_load_buffer("d.json", json, strlen(json), &set2, err,
		    sizeof(err));
		CHECK_EQ_INT(n, i < QUEST_MAX_DEFS ? 0 : -1);
	}
	CHECK(strstr(err, "more than 16") != NULL);
	CHECK_EQ_INT(set2.ndefs, QUEST_MAX_DEFS);

	/* A NUL byte inside the length is refused, not a silent cut. */
	memset(&set2, 0, sizeof(set2));
	CHECK_EQ_INT(quest_load_buffer("n.json", "{}\0{}", 5, &set2, err,
	    sizeof(err)), -1);
	CHECK(strstr(err, "n.json: contains a NUL byte") == err);
}

static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	(void)util_fmt(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void
remove_file(const char *name)
{
	char	path[256];

	(void)util_fmt(path, sizeof(path), "%s/%s", tmpdir, name);
	(void)unlink(path);
}

#define DEF(id)	"{\"id\": \"" id "\", \"titel\": \"T\", \"respondenten\": " \
		"{\"ouder\": {\"items\": [" ITEM_O "}]}}}"

static void
test_dir(void)
{
	char	err[ERR_MAX], path[256];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	memset(&set, 0, sizeof(set));
	CHECK_EQ_INT(quest_load_dir(tmpdir, &set, err, sizeof(err)), -1);
	CHECK(strstr(err, "no questionnaire definitions") != NULL);
	CHECK_EQ_INT(quest_load_dir("/nonexistent/q", &set, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "/nonexistent/q: cannot open folder") == err);

	/* Sorted by name; other files and hidden files are ignored. */
	write_file("b.json", DEF("bbb"));
	write_file("a.json", DEF("aaa"));
	write_file(".c.json", "not json");
	write_file("notes.txt", "not json");
	write_file("x.json.bak", "not json");
	CHECK_EQ_INT(quest_load_dir(tmpdir, &set, err, sizeof(err)), 0);
	CHECK_EQ_INT(set.ndefs, 2);
	CHECK_STR(set.defs[0].id, "aaa");
	CHECK_STR(set.defs[1].id, "bbb");
	(void)util_fmt(path, sizeof(path), "%s/a.json", tmpdir);
	CHECK_STR(set.defs[0].source, path);

	/* One bad file: the whole load fails, the old set stays. */
	write_file("c.json", DEF("aaa"));
	CHECK_EQ_INT(quest_load_dir(tmpdir, &set, err, sizeof(err)), -1);
	(void)util_fmt(path, sizeof(path), "%s/c.json: id: \"aaa\" is already "
	    "defined in %s/a.json", tmpdir, tmpdir);
	CHECK_STR(err, path);
	write_file("c.json", "{\"id\": \"ccc\", \"titel\": \"T\", "
	    "\"respondenten\": {\"ouder\": {\"items\": [{\"code\": \"a\", "
	    "\"tekst\": \"A\", \"type\": \"schaal\", \"min\": 3, \"max\": 1, "
	    "\"verplicht\": true}]}}}");
	CHECK_EQ_INT(quest_load_dir(tmpdir, &set, err, sizeof(err)), -1);
	(void)util_fmt(path, sizeof(path), "%s/c.json: "
	    "respondenten.ouder.items[0].max: must be greater than min (3)",
	    tmpdir);
	CHECK_STR(err, path);
	CHECK_EQ_INT(set.ndefs, 2);
	CHECK_STR(set.defs[1].id, "bbb");

	remove_file("a.json");
	remove_file("b.json");
	remove_file("c.json");
	remove_file(".c.json");
	remove_file("notes.txt");
	remove_file("x.json.bak");
	(void)rmdir(tmpdir);
}

int
main(void)
{
	test_default();
	test_default_buffer();
	test_bad();
	test_good();
	test_counts();
	test_dir();
	return test_done("questionnaire");
}

/*
 * GET /v1/indicators over real TLS, on a small hand-made dataset sent
 * through the real ingest endpoints (scores CSV, questionnaire JSON, iJw
 * XML), with k = 5. Every expected number is worked out by hand below,
 * next to the data it comes from: T-score means, shares, counts per
 * reason, herinstroom in and out of the window and a window not yet
 * closed; suppression at k-1 and k; secondary suppression of a category
 * and of a gemeente in a cluster; the vergelijking with 2 and then 3
 * aanbieders; scopes of analist and aanbieder; CSV for Dutch Excel; the
 * same bytes from HTTP and the CLI; the audit trail; and a privacy scan.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "demo.h"
#include "harness.h"

#define A1	"11110001"	/* Amsterdam: the main aanbieder */
#define A2	"11110002"	/* Amsterdam: uitval only */
#define A3	"11110003"	/* Amsterdam: uitval, sent later */
#define A4	"11110004"	/* Zaanstad: 4 clients, k - 1 */
#define A5	"11110005"	/* Diemen 5 and Uithoorn 2 */
#define A6	"11110006"	/* Amstelveen: 5 clients, k */
#define A7	"11110007"	/* Zaanstad: 6 clients beside A4 */

static struct h_env	e;
static char		tok_a[8][128], tok_bo[128], tok_bergop[128];
static char		tok_all[128], tok_ams[128], tok_0479[128];
static int		nmsg;

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };
static const char *const xml_hdr[] = { "Content-Type: application/xml",
	NULL };
static const char *const json_hdr[] = { "Content-Type: application/json",
	NULL };

/* GET path; the parsed answer (NULL unless 200 JSON); *status set. */
/*
 * The cell whose keys match: NULL-terminated pairs of key and string
 * value; "vergelijking" matches a vergelijking cell.
 */
static const cJSON *
cell(const cJSON *ans, ...)
{
	const cJSON	*c;
	va_list		 ap;
	const char	*k, *v;
	int		 ok;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells")) {
		ok = 1;
		va_start(ap, ans);
		while ((k = va_arg(ap, const char *)) != NULL) {
			v = va_arg(ap, const char *);
			if (strcmp(k, "vergelijking") == 0)
				ok &= cJSON_GetObjectItem(c, k) != NULL;
			else
				ok &= cJSON_GetStringValue(
				    cJSON_GetObjectItem(c, k)) != NULL &&
				    strcmp(cJSON_GetStringValue(
				    cJSON_GetObjectItem(c, k)), v) == 0;
		}
		va_end(ap);
		if (ok)
			return c;
	}
	return NULL;
}

/* A number at a dot path, NAN when absent, -1e9 when null. */
static double
num(const cJSON *o, const char *path)
{
	char		 part[64];
	size_t		 n;

	while (o != NULL && *path) {
		n = strcspn(path, ".");
		memcpy(part, path, n);
		part[n] = '\0';
		o = cJSON_GetObjectItem(o, part);
		path += n + (path[n] == '.');
	}
	if (o == NULL)
		return NAN;
	if (cJSON_IsNull(o))
		return -1e9;
	return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

#define NUL	-1e9
#define CHECK_NUM(o, path, want) do {					\
	double got_ = num((o), (path));					\
	test_checks++;							\
	if (!(fabs(got_ - (want)) < 1e-9)) {				\
		test_failures++;					\
		fprintf(stderr, "%s:%d: %s = %g, want %g\n", __FILE__,	\
		    __LINE__, (path), got_, (double)(want));		\
	}								\
} while (0)

static int
suppressed(const cJSON *c)
{
	return c != NULL && cJSON_IsTrue(cJSON_GetObjectItem(c, "suppressed"));
}

/* ------------------------------------------------------------------ */
/* The data */

/*
 * n eind measurements of aanbieder agb on 10 February 2025, one per
 * client from client number first on, all alike: goals gas, probleemafname
 * pa, zonder hulp verder "ja"; in gemeente gem, or gem2 from row split on.
 */
static void
uniform_scores(const char *token, const char *agb, unsigned first, int n,
    const char *gem, int split, const char *gem2, const char *gas,
    const char *pa)
{
	char	csv[4096], bsn[10];
	size_t	o;
	int	i;

	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1;gas_2;gas_3;"
	    "probleemafname;zonder_hulp_verder\n");
	for (i = 0; i < n; i++) {
		demo_bsn(0, first + (unsigned)i, bsn);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%u;%s;%s;10-02-2025;eind;%s;%s;ja\n", bsn,
		    100000 + first * 10 + (unsigned)i,
		    gem2 != NULL && i >= split ? gem2 : gem, agb, gas, pa);
	}
	CHECK_EQ_INT(h_post(&e, "/v1/scores", token, csv_hdr, csv, NULL), 201);
}

/*
 * Scores of A1 in Amsterdam (0363), eind measurements in February 2025:
 *  t  goals (weights)        T        goals>=0  probleemafname  zonder hulp
 *  1  1,1,1                  63.6931  3 of 3    3               ja
 *  2  0,0,0                  50       3 of 3    3               ja
 *     (and an earlier eind on 3 February, -2: not the latest)
 *  3  -2,-2,-2               22.6139  0 of 3    1               nee
 *  4  1                      60       1 of 1    2               ja
 *  5  1,0,-1 (1,2,3)         45.5935  2 of 3    3               nee
 *  6  2,1,0 (3,2,1)          67.6261  3 of 3    3               ja
 *  7, 8     0,0,0            50       3 of 3    3               ja
 *  9,10,11  0,0,0            50       3 of 3    2               ja
 *  12       0,0,0            50       3 of 3    2               nee
 * Mean T = (309.5266 + 6 * 50) / 12 = 50.7939 -> 50.79.
 * Goals 30 of 34 -> 88.2 %.
 * Probleemafname: 1 -> 1 trajectory, 2 -> 5, 3 -> 6. "1" (1 client) is
 * below k = 5; the smallest other, "2" (5), is suppressed with it, so
 * that 12 - 6 does not give it away. "3" (6/12 = 50 %) would be fine
 * here, but not in the regio: its count of "3" (22) minus those of A5
 * (7) and A6 (5) would give A4's 4 away (A4 and A7 are hidden, A7 has
 * none). Of the candidates, A1's "3" costs least (A1's other values are
 * hidden already), so it goes: all three are null.
 * Zonder hulp verder: ja 9, not ja 3 (< k): the share would publish the
 * 3, so it is null.
 */
static void
send_scores(void)
{
	static const struct {
		const char	*gas, *w, *pa, *zh;
	} t[12] = {
		{ "1;1;1", ";;", "3", "ja" },
		{ "0;0;0", ";;", "3", "ja" },
		{ "-2;-2;-2", ";;", "1", "nee" },
		{ "1;;", ";;", "2", "ja" },
		{ "1;0;-1", "1;2;3", "3", "nee" },
		{ "2;1;0", "3;2;1", "3", "ja" },
		{ "0;0;0", ";;", "3", "ja" },
		{ "0;0;0", ";;", "3", "ja" },
		{ "0;0;0", ";;", "2", "ja" },
		{ "0;0;0", ";;", "2", "ja" },
		{ "0;0;0", ";;", "2", "ja" },
		{ "0;0;0", ";;", "2", "nee" },
	};
	static const char head[] = "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment;gas_1;gas_2;gas_3;gewicht_1;gewicht_2;"
	    "gewicht_3;probleemafname;zonder_hulp_verder\n";
	char	csv[8192], bsn[10];
	size_t	o;
	int	i;

	o = (size_t)snprintf(csv, sizeof(csv), "%s", head);
	for (i = 0; i < 12; i++) {
		demo_bsn(0, (unsigned)(1 + i), bsn);
		if (i < 3)
			o += (size_t)snprintf(csv + o, sizeof(csv) - o,
			    "%s;%d;0363;" A1 ";10-01-2025;begin;;;;;;;;\n",
			    bsn, 100001 + i);
		if (i == 1)
			o += (size_t)snprintf(csv + o, sizeof(csv) - o,
			    "%s;%d;0363;" A1 ";03-02-2025;eind;-2;;;;;;1;nee\n",
			    bsn, 100001 + i);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%d;0363;" A1 ";10-02-2025;eind;%s;%s;%s;%s\n", bsn,
		    100001 + i, t[i].gas, t[i].w, t[i].pa, t[i].zh);
	}
	CHECK_EQ_INT(h_post(&e, "/v1/scores", tok_a[1], csv_hdr, csv, NULL), 201);

	/* A4: 4 clients in Zaanstad (k - 1). */
	uniform_scores(tok_a[4], A4, 101, 4, "0479", 0, NULL, "0;0;0", "3");
	/* A5: 5 clients in Diemen, 2 in Uithoorn (both cluster DUO). */
	uniform_scores(tok_a[5], A5, 201, 7, "0384", 5, "0451", "0;0;0", "3");
	/* A6: exactly 5 clients in Amstelveen (k), all goals +1. */
	uniform_scores(tok_a[6], A6, 301, 5, "0362", 0, NULL, "1;1;1", "3");
	/* A7: 6 clients in Zaanstad, beside A4's 4. */
	uniform_scores(tok_a[7], A7, 311, 6, "0479", 0, NULL, "0;0;0", "2");
}

/*
 * Questionnaires for A1 in Amsterdam, sent by BergOp:
 * May 2024: 6 jeugdige (serieus_genomen 5,4,4,3,5,2 -> mean 23/6 = 3.83,
 * positive (>= 4) 4 of 6 = 66.7 %; rapportcijfer 8,7,9,6,8,4 -> 7.00) and
 * 5 ouders (serieus_genomen all 4 -> 4.00, 100.0 %; rapportcijfer
 * 7,7,8,8,9 -> 7.80).
 * February 2025: the same 6 jeugdige and 2 ouders: the ouders (2 < k)
 * are suppressed, and the jeugdige with them, since n minus the jeugdige
 * would give the ouders.
 */
static void
send_questionnaires(void)
{
	static const int js[6] = { 5, 4, 4, 3, 5, 2 };
	static const int jc[6] = { 8, 7, 9, 6, 8, 4 };
	static const int oc[5] = { 7, 7, 8, 8, 9 };
	char	body[16384], bsn[10];
	size_t	o;
	int	i, n = 0;

#define RESP(date, resp, client, s, c) do {				\
	demo_bsn(0, (unsigned)(client), bsn);					\
	o += (size_t)snprintf(body + o, sizeof(body) - o,		\
	    "%s{\"bron_id\": \"t-%d\", \"vragenlijst\": \"cem-plus-2026\","\
	    " \"respondent\": \"%s\", \"bsn\": \"%s\", \"agb\": \"" A1 "\","\
	    " \"gemeente\": \"0363\", \"ingevuld_op\": \"%s\","		\
	    " \"antwoorden\": {\"serieus_genomen\": %d,"		\
	    " \"rapportcijfer\": %d, \"wat_goed\": \"Testkind vertelt\"}}",\
	    n ? "," : "", n, resp, bsn, date, s, c);			\
	n++;								\
} while (0)
	o = (size_t)snprintf(body, sizeof(body), "{\"responses\": [");
	for (i = 0; i < 6; i++)
		RESP("2024-05-20", "jeugdige", 401 + i, js[i], jc[i]);
	for (i = 0; i < 5; i++)
		RESP("2024-05-20", "ouder", 407 + i, 4, oc[i]);
	for (i = 0; i < 6; i++)
		RESP("2025-02-20", "jeugdige", 401 + i, js[i], jc[i]);
	for (i = 0; i < 2; i++)
		RESP("2025-02-20", "ouder", 412 + i, 3, 5);
#undef RESP
	snprintf(body + o, sizeof(body) - o, "]}");
	CHECK_EQ_INT(h_post(&e, "/v1/questionnaires", tok_bergop, json_hdr, body,
	    NULL), 201);
}

/* One iJw message: a JW305 start (reden 0) or a JW307 stop. */
static void
message(const char *agb, const char *gem, unsigned client, int toew,
    const char *begin, int reden, const char *end)
{
	char	 xml[4096], bsn[10], id[32];

	demo_bsn(0, client, bsn);
	snprintf(id, sizeof(id), "IT-%d", nmsg++);
	CHECK_EQ_INT(h_ijw_product(xml, sizeof(xml), agb, gem, id, bsn, toew,
	    begin, reden, end), 0);
	CHECK_EQ_INT(h_post(&e, "/v1/messages", tok_bo, xml_hdr, xml, NULL), 201);
}

/*
 * Uitval of A1 in Amsterdam, ends on 2025-03-15 (2025-Q1):
 *   reden 31 x 12, 32 x 2, 33 x 6, 34 x 1, and one 20 (temporary: not
 *   an end). n = 21.
 *   32 (2) and 34 (1) are below k and together 3 < k: the smallest other,
 *   33 (6), goes with them. 31 = 12, volgens plan 12/21 = 57.1 %;
 *   voortijdig (32-35) and eenzijdig (32) would publish hidden counts:
 *   null.
 * Herinstroom: of the 12 volgens plan, clients 501..505 start again on
 * 2025-05-01 (within 4 months), 506 on 2025-08-20 (after the window:
 * 2025-07-15). Geen nieuwe start 7/12 = 58.3 %. The window of 2025-Q1
 * closed on 2025-07-31.
 * Six more volgens-plan ends on 2026-09-10: 2026-Q3's window is open.
 */
static void
send_messages_a1_a2(void)
{
	unsigned	c;

	for (c = 501; c <= 522; c++)
		message(A1, "0363", c, (int)(500000 + c), "2024-10-01",
		    c <= 512 ? 31 : c <= 514 ? 32 : c <= 520 ? 33 :
		    c == 521 ? 34 : 20, "2025-03-15");
	for (c = 501; c <= 505; c++)
		message(A1, "0363", c, (int)(510000 + c), "2025-05-01", 0,
		    NULL);
	message(A1, "0363", 506, 510506, "2025-08-20", 0, NULL);
	for (c = 601; c <= 606; c++)
		message(A1, "0363", c, (int)(600000 + c), "2026-01-05", 31,
		    "2026-09-10");
	/* A2: 5 volgens plan in the same quarter. */
	for (c = 701; c <= 705; c++)
		message(A2, "0363", c, (int)(700000 + c), "2024-11-01", 31,
		    "2025-03-10");
}

static void
send_messages_a3(void)
{
	unsigned	c;

	for (c = 801; c <= 805; c++)
		message(A3, "0363", c, (int)(800000 + c), "2024-11-01", 31,
		    "2025-02-10");
}

/* ------------------------------------------------------------------ */
/* The checks */

/* 1 when obj.key is the string want. */
static int
label(const cJSON *obj, const char *key, const char *want)
{
	const cJSON	*v = cJSON_GetObjectItem(obj, key);

	return cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
}

static void
test_doelrealisatie(void)
{
	cJSON		*j;
	const cJSON	*c;
	long		 st;

	j = h_get_json(&e, tok_all, "/v1/indicators/doelrealisatie?by=aanbieder&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK_NUM(j, "k", 5);
	c = cell(j, "aanbieder", A1, NULL);
	CHECK(c != NULL && !suppressed(c));
	/* The name from reference.aanbieders; none for an unnamed AGB. */
	CHECK(label(c, "aanbieder_naam", "Jeugdhulp Eén"));
	CHECK(cJSON_GetObjectItem(cell(j, "aanbieder", A4, NULL),
	    "aanbieder_naam") == NULL);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "cluster")),
	    "Amsterdam");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "period")),
	    "2025-Q1");
	CHECK_NUM(c, "n", 12);
	CHECK_NUM(c, "n_clients", 12);
	CHECK_NUM(c, "values.gas_t_mean", 50.79);
	CHECK_NUM(c, "values.doelen_behaald_pct", 88.2);
	CHECK_NUM(c, "values.probleemafname.1", NUL);
	CHECK_NUM(c, "values.probleemafname.2", NUL);
	CHECK_NUM(c, "values.probleemafname.3", NUL);
	CHECK_NUM(c, "values.zonder_hulp_verder_pct", NUL);

	/* k - 1 clients: suppressed, no numbers at all. */
	c = cell(j, "aanbieder", A4, NULL);
	CHECK(suppressed(c));
	CHECK(cJSON_GetObjectItem(c, "n") == NULL);
	CHECK(cJSON_GetObjectItem(c, "values") == NULL);
	/*
	 * A7 (6) is Zaanstad's only other aanbieder: Zaanstad's total (10)
	 * minus A7 would give A4 away, so A7 is suppressed with it.
	 */
	CHECK(suppressed(cell(j, "aanbieder", A7, NULL)));
	/* Exactly k: shown. T of (1,1,1) is 63.6931. */
	c = cell(j, "aanbieder", A6, NULL);
	CHECK(c != NULL && !suppressed(c));
	CHECK_NUM(c, "n_clients", 5);
	CHECK_NUM(c, "values.gas_t_mean", 63.69);
	CHECK_NUM(c, "values.doelen_behaald_pct", 100.0);
	CHECK_NUM(c, "values.probleemafname.1", 0.0);
	CHECK_NUM(c, "values.probleemafname.3", 100.0);
	CHECK_NUM(c, "values.zonder_hulp_verder_pct", 100.0);
	/* A5 over two gemeenten of DUO: 7 clients. */
	c = cell(j, "aanbieder", A5, NULL);
	CHECK_NUM(c, "n_clients", 7);
	CHECK_NUM(c, "values.gas_t_mean", 50.0);
	cJSON_Delete(j);

	/*
	 * By gemeente: Uithoorn has 2 clients; Diemen's 5 would give them
	 * away from the DUO total (7), so Diemen is suppressed too. Zaanstad
	 * as a whole has 10.
	 */
	j = h_get_json(&e, tok_all, "/v1/indicators/doelrealisatie?by=gemeente&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(suppressed(cell(j, "gemeente", "0451", NULL)));
	CHECK(suppressed(cell(j, "gemeente", "0384", NULL)));
	CHECK_NUM(cell(j, "gemeente", "0479", NULL), "n", 10);
	CHECK_NUM(cell(j, "gemeente", "0363", NULL), "n", 12);
	CHECK_NUM(cell(j, "gemeente", "0362", NULL), "n", 5);
	/* Names beside codes (issue #13), also on a suppressed cell. */
	CHECK(label(cell(j, "gemeente", "0479", NULL), "gemeente_naam",
	    "Zaanstad"));
	CHECK(label(cell(j, "gemeente", "0363", NULL), "gemeente_naam",
	    "Amsterdam"));
	CHECK(label(cell(j, "gemeente", "0451", NULL), "gemeente_naam",
	    "Uithoorn"));
	/* probleemafname's codes have their meaning beside them (#15). */
	CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(j, "labels"), "probleemafname"), "2")) != NULL &&
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(j, "labels"),
	    "probleemafname"), "2")), "deels afgenomen") == 0);
	cJSON_Delete(j);

	/* By cluster: every cluster with data holds k clients or more. */
	j = h_get_json(&e, tok_all, "/v1/indicators/doelrealisatie?by=cluster&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	CHECK_NUM(cell(j, "cluster", "Zaanstreek-Waterland", NULL), "n", 10);
	CHECK_NUM(cell(j, "cluster", "DUO", NULL), "n", 7);
	CHECK_NUM(cell(j, "cluster", "Amsterdam", NULL), "n", 12);
	CHECK_NUM(cell(j, "cluster", "Amstelveen-Aalsmeer", NULL), "n", 5);
	cJSON_Delete(j);

	/* The regio: one cell of all 34 trajectories. */
	j = h_get_json(&e, tok_all, "/v1/indicators/doelrealisatie?by=regio&"
	    "period=year&from=2025-01&to=2025-12", &st, NULL);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "cells")), 1);
	CHECK_NUM(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "cells"), 0),
	    "n", 34);
	cJSON_Delete(j);
}

static void
test_tevredenheid(void)
{
	cJSON		*j;
	const cJSON	*c;
	long		 st;

	j = h_get_json(&e, tok_all, "/v1/indicators/tevredenheid?by=aanbieder&"
	    "period=quarter&from=2024-04&to=2024-06", &st, NULL);
	CHECK_EQ_INT(st, 200);
	c = cell(j, "aanbieder", A1, NULL);
	CHECK(c != NULL && !suppressed(c));
	CHECK_NUM(c, "n", 11);
	CHECK_NUM(c, "n_clients", 11);
	CHECK_NUM(c, "values.jeugdige.n", 6);
	CHECK_NUM(c, "values.jeugdige.items.serieus_genomen", 3.83);
	CHECK_NUM(c, "values.jeugdige.items.luisteren", NUL);
	CHECK_NUM(c, "values.jeugdige.rapportcijfer_mean", 7.0);
	CHECK_NUM(c, "values.jeugdige.positief_pct", 66.7);
	CHECK_NUM(c, "values.ouder.n", 5);
	CHECK_NUM(c, "values.ouder.items.serieus_genomen", 4.0);
	CHECK_NUM(c, "values.ouder.rapportcijfer_mean", 7.8);
	CHECK_NUM(c, "values.ouder.positief_pct", 100.0);
	/* The item texts of the questionnaire definition (issue #13). */
	CHECK(label(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(j, "labels"), "items"), "jeugdige"),
	    "serieus_genomen", "De hulpverlener nam mij serieus."));
	CHECK(label(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(j, "labels"), "items"), "ouder"),
	    "serieus_genomen", "De hulpverlener nam mij serieus."));
	cJSON_Delete(j);

	j = h_get_json(&e, tok_all, "/v1/indicators/tevredenheid?by=aanbieder&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	c = cell(j, "aanbieder", A1, NULL);
	CHECK(c != NULL && !suppressed(c));
	CHECK_NUM(c, "n", 8);
	CHECK_NUM(c, "values.ouder", NUL);
	CHECK_NUM(c, "values.jeugdige", NUL);
	cJSON_Delete(j);
}

static void
test_uitval(void)
{
	cJSON		*j;
	const cJSON	*c, *v;
	long		 st;

	/* As A1 itself, with only A2 beside it in the cluster. */
	j = h_get_json(&e, tok_a[1], "/v1/indicators/uitval?period=quarter&"
	    "from=2025-01&to=2025-03", &st, NULL);
	CHECK_EQ_INT(st, 200);
	c = cell(j, "aanbieder", A1, NULL);
	CHECK(c != NULL && !suppressed(c));
	CHECK_NUM(c, "n", 21);
	CHECK_NUM(c, "n_clients", 21);
	CHECK_NUM(c, "values.per_reden.31", 12);
	CHECK_NUM(c, "values.per_reden.32", NUL);
	/* JZ588 labels beside the codes (issue #13). */
	v = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "labels"), "reden");
	CHECK(label(v, "31", "volgens plan beëindigd"));
	CHECK(label(v, "32", "voortijdig, eenzijdig door de cliënt"));
	CHECK(label(v, "02", "overlijden"));
	CHECK_EQ_INT(cJSON_GetArraySize(v), 11);
	CHECK_NUM(c, "values.per_reden.33", NUL);
	CHECK_NUM(c, "values.per_reden.34", NUL);
	CHECK_NUM(c, "values.per_reden.35", 0);
	CHECK_NUM(c, "values.per_reden.02", 0);
	CHECK_NUM(c, "values.volgens_plan_pct", 57.1);
	CHECK_NUM(c, "values.voortijdig_pct", NUL);
	CHECK_NUM(c, "values.eenzijdig_client_pct", NUL);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(c, "values"), "herinstroom"),
	    "window_closed")));
	CHECK_NUM(c, "values.herinstroom.n", 12);
	CHECK_NUM(c, "values.herinstroom.geen_nieuwe_start_pct", 58.3);
	/* Two aanbieders: no comparison. */
	v = cell(j, "vergelijking", "", NULL);
	CHECK(v != NULL && suppressed(v));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(v, "cluster")),
	    "Amsterdam");
	/* Only its own cells: no A2. */
	CHECK(cell(j, "aanbieder", A2, NULL) == NULL);
	cJSON_Delete(j);

	/*
	 * A third aanbieder: the cluster average appears. 31 ends: 12 + 5 +
	 * 5 = 22 of 31 -> 71.0 %; 32, 33 and 34 stay hidden (the others have
	 * none, and 2 + 1 < k); herinstroom 17 of 22 -> 77.3 %.
	 */
	send_messages_a3();
	j = h_get_json(&e, tok_a[1], "/v1/indicators/uitval?period=quarter&"
	    "from=2025-01&to=2025-03", &st, NULL);
	v = cell(j, "vergelijking", "", NULL);
	CHECK(v != NULL && !suppressed(v));
	CHECK_NUM(v, "n_aanbieders", 3);
	CHECK_NUM(v, "n", 31);
	CHECK_NUM(v, "values.per_reden.31", 22);
	CHECK_NUM(v, "values.per_reden.32", NUL);
	CHECK_NUM(v, "values.per_reden.34", NUL);
	CHECK_NUM(v, "values.volgens_plan_pct", 71.0);
	CHECK_NUM(v, "values.herinstroom.n", 22);
	CHECK_NUM(v, "values.herinstroom.geen_nieuwe_start_pct", 77.3);
	cJSON_Delete(j);

	/* 2026-Q3: ends whose 4-month window has not closed yet. */
	j = h_get_json(&e, tok_a[1], "/v1/indicators/uitval?period=quarter&"
	    "from=2026-07&to=2026-09", &st, NULL);
	c = cell(j, "aanbieder", A1, NULL);
	CHECK_NUM(c, "n", 6);
	CHECK_NUM(c, "values.per_reden.31", 6);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(c, "values"), "herinstroom"),
	    "window_closed")));
	CHECK(isnan(num(c, "values.herinstroom.n")));
	cJSON_Delete(j);
}

static void
test_scopes(void)
{
	cJSON		*j;
	const cJSON	*f;
	long		 st;

	/* An Amsterdam analist sees Amsterdam only, and cannot widen it. */
	j = h_get_json(&e, tok_ams, "/v1/indicators/doelrealisatie?by=gemeente&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "cells")), 1);
	CHECK(cell(j, "gemeente", "0363", NULL) != NULL);
	cJSON_Delete(j);
	j = h_get_json(&e, tok_ams, "/v1/indicators/doelrealisatie?gemeente=0479", &st,
	    NULL);
	CHECK_EQ_INT(st, 403);
	j = h_get_json(&e, tok_ams, "/v1/indicators/doelrealisatie?cluster=DUO", &st,
	    NULL);
	CHECK_EQ_INT(st, 403);

	/* A gemeente analist: its gemeente, whatever it asks by. */
	j = h_get_json(&e, tok_0479, "/v1/indicators/doelrealisatie?by=aanbieder&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "cells")), 2);
	CHECK(suppressed(cell(j, "aanbieder", A4, "gemeente", "0479", NULL)));
	CHECK(suppressed(cell(j, "aanbieder", A7, "gemeente", "0479", NULL)));
	f = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "filters"),
	    "gemeente");
	CHECK_EQ_INT(cJSON_GetArraySize(f), 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(f, 0)), "0479");
	cJSON_Delete(j);
	/* Its gemeente by gemeente: 10 clients, shown. */
	j = h_get_json(&e, tok_0479, "/v1/indicators/doelrealisatie?by=gemeente&"
	    "period=quarter&from=2025-01&to=2025-03", &st, NULL);
	CHECK_NUM(cell(j, "gemeente", "0479", NULL), "n_clients", 10);
	cJSON_Delete(j);
	/* The regio and its cluster are more than its scope. */
	j = h_get_json(&e, tok_0479, "/v1/indicators/doelrealisatie?by=regio", &st,
	    NULL);
	CHECK_EQ_INT(st, 403);
	j = h_get_json(&e, tok_0479, "/v1/indicators/doelrealisatie?by=cluster", &st,
	    NULL);
	CHECK_EQ_INT(st, 403);

	/* An aanbieder asks for another's numbers: refused. */
	j = h_get_json(&e, tok_a[1], "/v1/indicators/uitval?aanbieder=" A2, &st, NULL);
	CHECK_EQ_INT(st, 403);
	/* Roles that may not read indicators at all. */
	j = h_get_json(&e, tok_bergop, "/v1/indicators/uitval", &st, NULL);
	CHECK_EQ_INT(st, 403);
	j = h_get_json(&e, tok_bo, "/v1/indicators/uitval", &st, NULL);
	CHECK_EQ_INT(st, 403);
	j = h_get_json(&e, NULL, "/v1/indicators/uitval", &st, NULL);
	CHECK_EQ_INT(st, 401);
	/* Bad parameters: 400 with a stable code. */
	j = h_get_json(&e, tok_all, "/v1/indicators/uitval?by=client", &st, NULL);
	CHECK_EQ_INT(st, 400);
	j = h_get_json(&e, tok_all, "/v1/indicators/uitval?bsn=999993847", &st, NULL);
	CHECK_EQ_INT(st, 400);
	j = h_get_json(&e, tok_all, "/v1/indicators/uitval?from=2025-06&to=2025-01",
	    &st, NULL);
	CHECK_EQ_INT(st, 400);
	j = h_get_json(&e, tok_all, "/v1/indicators/clients", &st, NULL);
	CHECK_EQ_INT(st, 404);
}

static const char csv_head[] = "\xEF\xBB\xBF" "aanbieder;aanbieder_naam;gemeente;gemeente_naam;cluster;period;"
    "suppressed;n_clients;n;gas_t_mean;doelen_behaald_pct;"
    "probleemafname_1_pct;probleemafname_2_pct;probleemafname_3_pct;"
    "zonder_hulp_verder_pct;voorlopig\r\n";

static void
test_csv_and_cli(void)
{
	struct h_out	 o;
	char		*raw = NULL, cfg[H_PATH_MAX];
	cJSON		*j;
	long		 st;

	j = h_get_json(&e, tok_all, "/v1/indicators/doelrealisatie?by=aanbieder&"
	    "period=quarter&from=2025-01&to=2025-03&format=csv", &st, &raw);
	CHECK_EQ_INT(st, 200);
	CHECK(j == NULL && raw != NULL);
	CHECK(raw && strncmp(raw, csv_head, strlen(csv_head)) == 0);
	CHECK(raw && strstr(raw, "\"" A1 "\";\"Jeugdhulp Eén\";;;\"Amsterdam\";\"2025-Q1\";"
	    "false;12;12;50,79;88,2;;;;;\r\n") != NULL);
	CHECK(raw && strstr(raw, "\"" A4 "\";;;;\"Zaanstreek-Waterland\";"
	    "\"2025-Q1\";true;;;;;;;;;\r\n") != NULL);
	free(raw);

	/* A download with a Dutch file name; Accept: text/csv gives the same. */
	{
		static const char	 q[] = "/v1/indicators/doelrealisatie?"
		    "by=aanbieder&period=quarter&from=2025-01&to=2025-03";
		const char		*acc[] = { "Accept: text/csv", NULL };
		char			 path[160];
		struct h_resp		 r1, r2, r3;

		snprintf(path, sizeof(path), "%s&format=csv", q);
		h_request(&e, "GET", path, tok_all, NULL, NULL, 0, 0, &r1);
		h_request(&e, "GET", q, tok_all, acc, NULL, 0, 0, &r2);
		h_request(&e, "GET", q, tok_all, NULL, NULL, 0, 0, &r3);
		CHECK_EQ_INT(r1.status, 200);
		CHECK_EQ_INT(r2.status, 200);
		CHECK(strstr(r1.headers, "Content-Disposition: attachment; "
		    "filename=\"doelrealisatie_per_aanbieder_per_kwartaal_"
		    "2025-01_tot_2025-03.csv\"") != NULL);
		CHECK(strstr(r2.headers, "Content-Disposition: attachment;")
		    != NULL);
		CHECK(strstr(r2.headers, "Content-Type: text/csv") != NULL);
		CHECK(r1.len == r2.len && r1.len > 0 &&
		    memcmp(r1.body, r2.body, r1.len) == 0);
		CHECK(strstr(r3.headers, "Content-Disposition") == NULL);
		CHECK(r3.body != NULL && r3.body[0] == '{');
		h_resp_free(&r1);
		h_resp_free(&r2);
		h_resp_free(&r3);
	}

	/* Cells of a gemeente, not a whole cluster, name it in the CSV. */
	j = h_get_json(&e, tok_0479, "/v1/indicators/doelrealisatie?by=aanbieder&"
	    "period=quarter&from=2025-01&to=2025-03&format=csv", &st, &raw);
	CHECK_EQ_INT(st, 200);
	CHECK(raw && strstr(raw, "\"" A7 "\";;\"0479\";\"Zaanstad\";"
	    "\"Zaanstreek-Waterland\";\"2025-Q1\";true;") != NULL);
	free(raw);

	/* The CLI, as the same party, gives the same bytes. */
	h_path(&e, cfg, sizeof(cfg), "k5.json");
	j = h_get_json(&e, tok_all, "/v1/indicators/uitval?by=gemeente&period=year&"
	    "from=2025-01&to=2026-12", &st, &raw);
	CHECK_EQ_INT(st, 200);
	cJSON_Delete(j);
	CHECK_EQ_INT(h_run(&e, &o, "indicators", "uitval", "--by", "gemeente",
	    "--period", "year", "--from", "2025-01", "--to", "2026-12",
	    "--as", "an-all", "--config", cfg, "--data", e.data, NULL), 0);
	CHECK(raw != NULL && o.out != NULL && strlen(o.out) == strlen(raw) + 1
	    && strncmp(o.out, raw, strlen(raw)) == 0);
	free(raw);
	h_out_free(&o);

	/* And refuses what HTTP refuses. */
	CHECK_EQ_INT(h_run(&e, &o, "indicators", "uitval", "--gemeente",
	    "0479", "--as", "an-ams", "--config", cfg, "--data", e.data,
	    NULL), 1);
	CHECK(o.err && strstr(o.err, "out_of_scope") != NULL);
	h_out_free(&o);
}

static void
test_audit_and_privacy(void)
{
	char		 bsn[10][10];
	const char	*secrets[16];
	size_t		 n = 0;
	unsigned	 ids[] = { 1, 3, 101, 207, 305, 401, 413, 501, 606, 805 };
	long long	 before, refused;
	long		 st;
	cJSON		*j;

	before = h_db_count(&e, "SELECT count(*) FROM audit WHERE action ="
	    " 'indicator_query'");
	CHECK(before >= 20);
	refused = h_db_count(&e, "SELECT count(*) FROM audit WHERE action ="
	    " 'indicator_query' AND detail LIKE '%out_of_scope%'");
	j = h_get_json(&e, tok_ams, "/v1/indicators/uitval", &st, NULL);
	cJSON_Delete(j);
	j = h_get_json(&e, tok_ams, "/v1/indicators/uitval?gemeente=0479", &st, NULL);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action"
	    " = 'indicator_query'"), before + 2);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action"
	    " = 'indicator_query' AND detail LIKE '%out_of_scope%'"),
	    refused + 1);
	/*
	 * A refusal is audited with what was asked for: Zaanstad three
	 * times by the Amsterdam analist (HTTP twice, the CLI once), and
	 * the regio and the cluster by the Zaanstad analist.
	 */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action"
	    " = 'indicator_query' AND detail LIKE '%out_of_scope%'"
	    " AND detail LIKE '%gemeente=0479%'"), 5);
	CHECK(h_db_count(&e, "SELECT count(*) FROM audit WHERE action ="
	    " 'indicator_query' AND detail LIKE '%\"suppressed\":%'") > 0);

	for (n = 0; n < sizeof(ids) / sizeof(ids[0]); n++) {
		demo_bsn(0, ids[n], bsn[n]);
		secrets[n] = bsn[n];
	}
	secrets[n++] = "Testkind";
	CHECK_EQ_INT(h_leaks(&e, secrets, n), 0);
}

/*
 * Restarts the daemon with config json (as file name), sends five new
 * ended products (clients c0..c0+4, ended on end) and waits up to 10 s
 * for the regio's uitval of 2025 to count them.
 */
static void
new_data_shows(const char *name, const char *json, unsigned c0,
    const char *end)
{
	char		 cfg[H_PATH_MAX];
	cJSON		*j;
	long		 st;
	double		 before, now = 0;
	unsigned	 c;
	int		 tries;
	const char	*q = "/v1/indicators/uitval?by=regio&period=year&"
			    "from=2025-01&to=2025-12";

	h_config(&e, name, json, cfg, sizeof(cfg));
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	j = h_get_json(&e, tok_all, q, &st, NULL);
	CHECK_EQ_INT(st, 200);
	before = num(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "cells"), 0),
	    "n");
	cJSON_Delete(j);
	CHECK(before > 0);
	for (c = c0; c < c0 + 5; c++)
		message(A2, "0363", c, (int)(900000 + c), "2024-11-01", 31,
		    end);
	for (tries = 0; tries < 100; tries++) {
		j = h_get_json(&e, tok_all, q, &st, NULL);
		now = num(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "cells"),
		    0), "n");
		cJSON_Delete(j);
		if (now == before + 5)
			break;
		usleep(100 * 1000);
	}
	CHECK(now == before + 5);
}

/*
 * The daemon's refresher: with indicator_refresh_s 1, new data shows in
 * the answers within a few seconds, without a query having to wait for
 * a rebuild.
 */
static void
test_refresher(void)
{
	new_data_shows("k5r1.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 1}}", 901, "2025-04-10");
}

/*
 * An accepted upload wakes the refresher: with indicator_refresh_s at its
 * maximum (an hour), new data still shows within seconds, and only
 * because the upload said so.
 */
static void
test_upload_kicks_refresh(void)
{
	new_data_shows("k5r3600.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 3600}}", 911, "2025-04-12");
}

int
main(int argc, char **argv)
{
	char	cfg[H_PATH_MAX];
	int	i;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_indicators SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	for (i = 1; i <= 7; i++) {
		char	name[16], agb[9];

		snprintf(name, sizeof(name), "a%d", i);
		snprintf(agb, sizeof(agb), "1111000%d", i);
		CHECK_EQ_INT(h_party_add(&e, tok_a[i], sizeof(tok_a[i]), name,
		    "aanbieder", "--agb", agb, NULL), 0);
	}
	CHECK_EQ_INT(h_party_add(&e, tok_bo, sizeof(tok_bo), "bo",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_all, sizeof(tok_all), "an-all",
	    "analist", "--scope", "cluster:Amsterdam", "--scope",
	    "cluster:Amstelveen-Aalsmeer", "--scope", "cluster:DUO",
	    "--scope", "cluster:Zaanstreek-Waterland", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_ams, sizeof(tok_ams), "an-ams",
	    "analist", "--scope", "cluster:Amsterdam", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_0479, sizeof(tok_0479), "an-0479",
	    "analist", "--scope", "gemeente:0479", NULL), 0);
	/* k = 5 keeps the hand-made dataset small; no refresh delay. */
	/* Names beside AGB codes for A1 only (issue #13). */
	h_path(&e, cfg, sizeof(cfg), "aanbieders.json");
	h_write_file(cfg, "{\"aanbieders\": [{\"agb\": \"" A1 "\", "
	    "\"naam\": \"Jeugdhulp Eén\"}]}", 0600);
	h_config(&e, "k5.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 0}, \"reference\": {\"aanbieders\": "
	    "\"aanbieders.json\"}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	/* The expected patterns are for the final data alone. */
	CHECK_EQ_INT(h_wait_reports(&e, 120), 0);

	send_scores();
	send_questionnaires();
	send_messages_a1_a2();
	test_doelrealisatie();
	test_tevredenheid();
	test_uitval();
	test_scopes();
	test_csv_and_cli();
	test_audit_and_privacy();
	test_refresher();
	test_upload_kicks_refresh();

	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("integration_indicators");
}

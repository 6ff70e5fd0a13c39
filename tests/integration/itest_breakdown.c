/*
 * Uitsplitsingen over real TLS (issue #15): GET /v1/indicators/NAME with
 * uitsplitsing=..., on data sent through the real ingest endpoints, with
 * k = 5 and a gebieden table for Amsterdam (0363-01 "Centrum", postcodes
 * 1011-1018; made up for the test). Worked out by hand:
 *
 * A1, Amsterdam: clients 1..12, each a toewijzing (JW301 with the
 * client's address), a start and a stop (reden 31, 2025-03-14).
 * Clients 1-6 live at 1012AB (Centrum), 7-12 at 1060XY (the rest of
 * Amsterdam): uitval 2025 by gemeente, gebied: totaal 12, 0363-01 6,
 * 0363-00 6, all printed. Leeftijd: all born 2012 (12-17). The scores
 * CSV (postcode column) and the questionnaires (postcode field) carry
 * the same postcodes (but for 3 scores rows without one, whose gebied
 * comes from the JW301): doelrealisatie and tevredenheid split 6 / 6 too.
 * Clients 13-18 (Zaanstad, 0479) have no postcode: "onbekend" (6).
 *
 * Refusals: per quarter, by aanbieder, with an aanbieder filter (400
 * bad_parameter), an aanbieder asking (403 uitsplitsing_niet_toegestaan),
 * an unknown breakdown (400); a bad postcode in each of the three inputs
 * (422 postcode_ongeldig). Then the privacy scan: no postcode sent is in
 * the database, its WAL or the log; the store holds only gebied codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "demo.h"
#include "harness.h"

#define A1	"11130001"

static struct h_env	e;
static char		tok_a1[128], tok_bo[128], tok_bergop[128];
static char		tok_ana[128];
static int		nmsg;

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };
static const char *const xml_hdr[] = { "Content-Type: application/xml",
	NULL };
static const char *const json_hdr[] = { "Content-Type: application/json",
	NULL };

/* The postcodes sent: none may be stored. */
static const char *const postcodes[] = {
	"1012AB", "1060XY", "1012 AB", "1060 XY", "1012ab"
};

static const char *
postcode(unsigned c)
{
	return c <= 6 ? "1012AB" : "1060XY";
}

/* The cell of the answer with groep g (and gemeente gem unless NULL). */
static const cJSON *
group(const cJSON *ans, const char *gem, const char *g)
{
	const cJSON	*c;
	const char	*v, *gm;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells")) {
		v = cJSON_GetStringValue(cJSON_GetObjectItem(c, "groep"));
		gm = cJSON_GetStringValue(cJSON_GetObjectItem(c, "gemeente"));
		if (v != NULL && strcmp(v, g) == 0 && (gem == NULL ||
		    (gm != NULL && strcmp(gm, gem) == 0)))
			return c;
	}
	return NULL;
}

static int
n_clients(const cJSON *c)
{
	const cJSON	*n = cJSON_GetObjectItem(c, "n_clients");

	return c != NULL && cJSON_IsFalse(cJSON_GetObjectItem(c,
	    "suppressed")) && cJSON_IsNumber(n) ? (int)n->valuedouble : -1;
}

/* A JW301 (toewijzing, with the client's address when pc is set). */
static char *
jw301(const char *gem, unsigned client, int toew, const char *pc)
{
	char	*xml, bsn[10], contact[1024] = "";

	demo_bsn(0, client, bsn);
	if (pc != NULL)
		snprintf(contact, sizeof(contact), "<m:Contactgegevens>"
		    "<m:Contact><m:Soort>01</m:Soort><m:Adres><b:Huis>"
		    "<b:Huisnummer>17</b:Huisnummer></b:Huis>"
		    "<b:Postcode>%s</b:Postcode><b:Straatnaam>Teststraat"
		    "</b:Straatnaam><b:Plaatsnaam>Amsterdam</b:Plaatsnaam>"
		    "<b:LandCode>NL</b:LandCode></m:Adres></m:Contact>"
		    "</m:Contactgegevens>", pc);
	if ((xml = malloc(8192)) == NULL)
		abort();
	snprintf(xml, 8192,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<m:Bericht xmlns:b=\"http://www.istandaarden.nl/ijw/3_2/"
	    "basisschema/schema\" xmlns:m=\"http://www.istandaarden.nl/ijw/"
	    "3_2/jw301/schema\"><m:Header><m:BerichtCode>436</m:BerichtCode>"
	    "<m:BerichtVersie>3</m:BerichtVersie>"
	    "<m:BerichtSubversie>2</m:BerichtSubversie>"
	    "<m:Afzender>%s</m:Afzender><m:Ontvanger>" A1 "</m:Ontvanger>"
	    "<m:BerichtIdentificatie><b:Identificatie>BD-%d</b:Identificatie>"
	    "<b:Dagtekening>2025-01-01</b:Dagtekening>"
	    "</m:BerichtIdentificatie><m:XsdVersie>"
	    "<b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie>"
	    "<b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie></m:XsdVersie>"
	    "</m:Header><m:Client><m:Bsn>%s</m:Bsn><m:Geboortedatum>"
	    "<b:Datum>2012-06-01</b:Datum></m:Geboortedatum>"
	    "<m:Geslacht>2</m:Geslacht>%s<m:ToegewezenProducten>"
	    "<m:ToegewezenProduct><m:ToewijzingNummer>%d</m:ToewijzingNummer>"
	    "<m:Product><b:Categorie>45</b:Categorie></m:Product>"
	    "<m:Toewijzingsdatum>2025-01-02</m:Toewijzingsdatum>"
	    "<m:Ingangsdatum>2025-01-06</m:Ingangsdatum>"
	    "</m:ToegewezenProduct></m:ToegewezenProducten></m:Client>"
	    "</m:Bericht>", gem, nmsg++, bsn, contact, toew);
	return xml;
}

static void
message(const char *gem, unsigned client, int toew, int stop)
{
	char	 xml[4096], bsn[10], id[32];

	demo_bsn(0, client, bsn);
	snprintf(id, sizeof(id), "BD-%d", nmsg++);
	CHECK_EQ_INT(h_ijw_product(xml, sizeof(xml), A1, gem, id, bsn, toew,
	    "2025-01-06", stop ? 31 : 0, "2025-03-14"), 0);
	CHECK_EQ_INT(h_post(&e, "/v1/messages", tok_bo, xml_hdr, xml, NULL), 201);
}

static void
send_data(void)
{
	char		 csv[8192], body[16384], bsn[10], *xml;
	size_t		 o;
	unsigned	 c;

	for (c = 1; c <= 18; c++) {
		xml = jw301(c <= 12 ? "0363" : "0479", c, (int)(400000 + c),
		    c <= 12 ? postcode(c) : NULL);
		CHECK_EQ_INT(h_post(&e, "/v1/messages", tok_bo, xml_hdr, xml, NULL),
		    201);
		free(xml);
		message(c <= 12 ? "0363" : "0479", c, (int)(400000 + c), 0);
		message(c <= 12 ? "0363" : "0479", c, (int)(400000 + c), 1);
	}
	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1;postcode\r\n");
	for (c = 1; c <= 12; c++) {
		demo_bsn(0, c, bsn);
		/*
		 * Written three ways: the TTP reads them all. Clients 10-12
		 * have none: their gebied comes from their toewijzing.
		 */
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%u;0363;" A1 ";10-03-2025;eind;1;%s\r\n", bsn,
		    400000 + c, c == 1 ? "1012 AB" : c == 2 ? "1012ab" :
		    c >= 10 ? "" : postcode(c));
	}
	CHECK_EQ_INT(h_post(&e, "/v1/scores", tok_a1, csv_hdr, csv, NULL), 201);

	o = (size_t)snprintf(body, sizeof(body), "{\"responses\": [");
	for (c = 1; c <= 12; c++) {
		demo_bsn(0, c, bsn);
		o += (size_t)snprintf(body + o, sizeof(body) - o,
		    "%s{\"bron_id\": \"bd-%u\", \"vragenlijst\": "
		    "\"cem-plus-2026\", \"respondent\": \"jeugdige\", \"bsn\": "
		    "\"%s\", \"agb\": \"" A1 "\", \"gemeente\": \"0363\", "
		    "\"postcode\": \"%s\", \"ingevuld_op\": \"2025-04-01\", "
		    "\"antwoorden\": {\"rapportcijfer\": 8}}", c > 1 ? "," : "",
		    c, bsn, postcode(c));
	}
	snprintf(body + o, sizeof(body) - o, "]}");
	CHECK_EQ_INT(h_post(&e, "/v1/questionnaires", tok_bergop, json_hdr, body,
	    NULL), 201);
}

#define Y	"by=gemeente&period=year&from=2025-01&to=2025-12"

static void
test_answers(void)
{
	static const char *const kinds[] = { "uitval", "doelrealisatie",
	    "tevredenheid", "aanlevering" };
	char		 path[256];
	cJSON		*ans;
	const cJSON	*c;
	long		 st;
	size_t		 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(path, sizeof(path), "/v1/indicators/%s?" Y
		    "&uitsplitsing=gebied", kinds[i]);
		ans = h_get_json(&e, tok_ana, path, &st, NULL);
		CHECK_EQ_INT(st, 200);
		CHECK(ans != NULL && strcmp(cJSON_GetStringValue(
		    cJSON_GetObjectItem(ans, "uitsplitsing")), "gebied") == 0);
		CHECK_EQ_INT(n_clients(group(ans, "0363", "totaal")), 12);
		c = group(ans, "0363", "0363-01");
		CHECK_EQ_INT(n_clients(c), 6);
		CHECK(c != NULL && strcmp(cJSON_GetStringValue(
		    cJSON_GetObjectItem(c, "groep_naam")), "Centrum") == 0);
		CHECK_EQ_INT(n_clients(group(ans, "0363", "0363-00")), 6);
		CHECK(group(ans, "0363", "onbekend") == NULL);
		cJSON_Delete(ans);
	}
	/* Zaanstad's clients have no postcode. */
	ans = h_get_json(&e, tok_ana, "/v1/indicators/uitval?" Y
	    "&uitsplitsing=gebied", &st, NULL);
	CHECK_EQ_INT(n_clients(group(ans, "0479", "onbekend")), 6);
	CHECK(group(ans, "0479", "0479-00") == NULL);
	cJSON_Delete(ans);
	/* Leeftijd (born 2012: 12-17 in 2025), geslacht, product. */
	ans = h_get_json(&e, tok_ana, "/v1/indicators/uitval?" Y
	    "&uitsplitsing=leeftijd", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(n_clients(group(ans, "0363", "12-17")), 12);
	cJSON_Delete(ans);
	ans = h_get_json(&e, tok_ana, "/v1/indicators/uitval?" Y
	    "&uitsplitsing=geslacht", &st, NULL);
	c = group(ans, "0363", "2");
	CHECK_EQ_INT(n_clients(c), 12);
	CHECK(c != NULL && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c,
	    "groep_naam")), "vrouw") == 0);
	cJSON_Delete(ans);
	ans = h_get_json(&e, tok_ana, "/v1/indicators/uitval?by=cluster&period=year&"
	    "from=2025-01&to=2025-12&cluster=Amsterdam&"
	    "uitsplitsing=productcategorie", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(n_clients(group(ans, NULL, "45")), 12);
	cJSON_Delete(ans);
}

static void
expect(const char *token, const char *query, long status, const char *code)
{
	char		 path[256], *raw = NULL;
	cJSON		*ans;
	long		 st;

	snprintf(path, sizeof(path), "/v1/indicators/uitval?%s", query);
	cJSON_Delete(h_get_json(&e, token, path, &st, &raw));
	ans = raw != NULL ? cJSON_Parse(raw) : NULL;
	free(raw);
	CHECK_EQ_INT(st, status);
	CHECK(ans != NULL && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(
	    ans, "error")), code) == 0);
	if (st != status)
		fprintf(stderr, "  query: %s\n", query);
	cJSON_Delete(ans);
}

static void
test_refusals(void)
{
	expect(tok_ana, "by=gemeente&period=quarter&uitsplitsing=gebied", 400,
	    "bad_parameter");
	expect(tok_ana, "by=aanbieder&period=year&uitsplitsing=gebied", 400,
	    "bad_parameter");
	expect(tok_ana, "period=year&uitsplitsing=leeftijd", 400,
	    "bad_parameter");
	expect(tok_ana, "by=regio&period=year&aanbieder=" A1
	    "&uitsplitsing=gebied", 400, "bad_parameter");
	expect(tok_ana, "by=gemeente&period=year&uitsplitsing=postcode", 400,
	    "bad_parameter");
	expect(tok_a1, "by=gemeente&period=year&uitsplitsing=gebied", 403,
	    "uitsplitsing_niet_toegestaan");
	expect(tok_a1, "period=quarter&uitsplitsing=gebied", 403,
	    "uitsplitsing_niet_toegestaan");
}

/* A bad postcode in each input: 422 postcode_ongeldig, nothing stored. */
static void
test_bad_postcodes(void)
{
	char		*answer = NULL, bsn[10], buf[1024], *xml;
	long long	 before;

	demo_bsn(0, 1, bsn);
	snprintf(buf, sizeof(buf), "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment;gas_1;postcode\r\n"
	    "%s;400001;0363;" A1 ";11-03-2025;tussen;1;0123AB\r\n", bsn);
	CHECK_EQ_INT(h_post(&e, "/v1/scores", tok_a1, csv_hdr, buf, &answer), 422);
	CHECK(answer != NULL && strstr(answer, "postcode_ongeldig") != NULL &&
	    strstr(answer, "0123AB") == NULL);
	free(answer);
	snprintf(buf, sizeof(buf), "{\"bron_id\": \"bd-x\", \"vragenlijst\": "
	    "\"cem-plus-2026\", \"respondent\": \"jeugdige\", \"bsn\": \"%s\","
	    " \"agb\": \"" A1 "\", \"gemeente\": \"0363\", \"postcode\": "
	    "\"12345\", \"ingevuld_op\": \"2025-04-01\", \"antwoorden\": "
	    "{\"rapportcijfer\": 8}}", bsn);
	CHECK_EQ_INT(h_post(&e, "/v1/questionnaires", tok_bergop, json_hdr, buf,
	    &answer), 422);
	CHECK(answer != NULL && strstr(answer, "postcode_ongeldig") != NULL);
	free(answer);
	before = h_db_count(&e, "SELECT count(*) FROM toewijzingen");
	xml = jw301("0363", 1, 499999, "1012A");
	CHECK_EQ_INT(h_post(&e, "/v1/messages", tok_bo, xml_hdr, xml, &answer), 422);
	CHECK(answer != NULL && strstr(answer, "postcode_ongeldig") != NULL);
	free(answer);
	free(xml);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM toewijzingen"),
	    before);
}

static void
test_stored(void)
{
	/* Gebied codes, never postcodes: 0363 x 100 + area. */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM toewijzingen WHERE "
	    "gebied = 36301"), 6);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM toewijzingen WHERE "
	    "gebied = 36300"), 6);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM toewijzingen WHERE "
	    "gebied IS NULL"), 6);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE "
	    "gebied = 36301"), 6);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE "
	    "gebied = 36300"), 3);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden WHERE "
	    "gebied = 36301"), 6);
	CHECK_EQ_INT(h_leaks(&e, postcodes, sizeof(postcodes) /
	    sizeof(postcodes[0])), 0);
	/* Breakdown cells are in the disclosure history, by stable code. */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM dc_history WHERE "
	    "indicator = 'uitval/G36301' AND level = 2 AND geo = 'G0363' AND "
	    "published & 1 = 1"), 1);
	CHECK(h_db_count(&e, "SELECT count(*) FROM dc_history WHERE "
	    "indicator LIKE 'tevredenheid/L%'") > 0);
}

static void
test_cli(void)
{
	struct h_out	 o;
	char		*raw = NULL, cfg[H_PATH_MAX];
	cJSON		*ans;
	long		 st;

	ans = h_get_json(&e, tok_ana, "/v1/indicators/uitval?" Y
	    "&uitsplitsing=gebied&format=csv", &st, &raw);
	CHECK_EQ_INT(st, 200);
	cJSON_Delete(ans);
	CHECK(raw != NULL && strstr(raw, ";period;uitsplitsing;groep;"
	    "groep_naam;suppressed;") != NULL);
	CHECK(raw != NULL && strstr(raw, "\"gebied\";\"0363-01\";\"Centrum\";"
	    "false;6;6;") != NULL);
	h_path(&e, cfg, sizeof(cfg), "bd.json");
	CHECK_EQ_INT(h_run(&e, &o, "indicators", "uitval", "--by", "gemeente",
	    "--period", "year", "--from", "2025-01", "--to", "2025-12",
	    "--uitsplitsing", "gebied", "--format", "csv", "--as", "an",
	    "--config", cfg, "--data", e.data, NULL), 0);
	CHECK(raw != NULL && o.out != NULL && strcmp(o.out, raw) == 0);
	h_out_free(&o);
	free(raw);
}

int
main(int argc, char **argv)
{
	char	cfg[H_PATH_MAX], geb[H_PATH_MAX];

	if (argc != 2) {
		fprintf(stderr, "usage: itest_breakdown SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_a1, sizeof(tok_a1), "a1",
	    "aanbieder", "--agb", A1, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bo, sizeof(tok_bo), "bo",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_ana, sizeof(tok_ana), "an",
	    "analist", "--scope", "cluster:Amsterdam", "--scope",
	    "gemeente:0479", NULL), 0);
	h_config(&e, "bd.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 0}, \"reference\": {\"gebieden\": "
	    "\"gebieden.json\"}}", cfg, sizeof(cfg));
	h_path(&e, geb, sizeof(geb), "gebieden.json");
	h_write_file(geb, "{\"gebieden\": [{\"gemeente\": \"0363\", "
	    "\"nummer\": 1, \"naam\": \"Centrum\", \"postcodes\": "
	    "[\"1011-1018\"]}]}", 0644);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);

	send_data();
	test_answers();
	test_refusals();
	test_bad_postcodes();
	test_stored();
	test_cli();

	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("integration_breakdown");
}

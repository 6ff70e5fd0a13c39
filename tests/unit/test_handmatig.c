/*
 * Manual entry: a JSON object of strings into a one-row scores CSV with
 * every column, values quoted as typed, the party's own AGB by default;
 * every kind of refusal (not JSON, not an object, a duplicate key, an
 * unknown key, a value that is no string, too long, or holds a control
 * character) with its code and field, and the row's fields mapped back.
 * The CSV is then fed to the real scores parser: one valid row.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "handmatig.h"
#include "parse_scores.h"
#include "test.h"

static int
row(const char *json, struct buf *b, struct handmatig_err *err)
{
	buf_init(b, 2 * HANDMATIG_BODY_MAX, BUF_WIPE);
	return handmatig_row(json, strlen(json), "12345678", b, err);
}

static int	rows_seen;

static int
on_row(void *arg, struct scores_row *r)
{
	(void)arg;
	rows_seen++;
	CHECK_STR(r->agb, "12345678");
	CHECK_STR(r->gemeente, "0363");
	CHECK_EQ_INT(r->meetmoment, MOMENT_EIND);
	CHECK_EQ_INT(r->ngoals, 2);
	CHECK_EQ_INT(r->gas[1], -1);
	CHECK_EQ_INT(r->gewicht[0], 3);
	CHECK_EQ_INT(r->zonder_hulp, 1);
	return 0;
}

static void
test_good(void)
{
	static const char json[] = "{\"bsn\": \"999993847\", "
	    "\"toewijzingnummer\": \"123456\", \"gemeente\": \"0363\", "
	    "\"meetdatum\": \"15-06-2025\", \"meetmoment\": \"eind\", "
	    "\"gas_1\": \"+1\", \"gas_2\": \"-1\", \"gewicht_1\": \"3\", "
	    "\"zonder_hulp_verder\": \"ja\", \"geslacht\": \"\"}";
	struct handmatig_err	 err;
	struct scores_params	 sp;
	struct scores_parser	*p;
	static struct config	 cfg;
	struct buf		 b;
	char			 msg[512];

	CHECK_EQ_INT(row(json, &b, &err), 0);
	CHECK(strncmp(b.p, "bsn;toewijzingnummer;gemeente;agb;meetdatum;"
	    "meetmoment;gas_1;", 43) == 0);
	CHECK(strstr(b.p, "\r\n\"999993847\";\"123456\";\"0363\";\"12345678\";"
	    "\"15-06-2025\";\"eind\";\"+1\";\"-1\";;") != NULL);
	CHECK(strstr(b.p, ";\"\"\r\n") != NULL);	/* geslacht: empty */
	/* The real parser takes it as one valid row. */
	CHECK_EQ_INT(config_load(NULL, &cfg, msg, sizeof(msg)), 0);
	memset(&sp, 0, sizeof(sp));
	sp.cfg = &cfg;
	sp.agb = "12345678";
	sp.today = 20260101;
	sp.rows_max = 10;
	sp.errors_max = 10;
	sp.row = on_row;
	CHECK((p = scores_new(&sp)) != NULL);
	if (p != NULL) {
		scores_feed(p, b.p, b.len);
		CHECK_EQ_INT(scores_finish(p), SCORES_OK);
		CHECK_EQ_INT(rows_seen, 1);
		scores_free(p);
	}
	buf_free(&b);

	/* A quote is doubled; an agb given is kept. */
	CHECK_EQ_INT(row("{\"agb\": \"87654321\", \"bsn\": \"9\\\"9\"}", &b,
	    &err), 0);
	CHECK(strstr(b.p, "\"9\"\"9\";;;\"87654321\";") != NULL);
	buf_free(&b);
}

static void
test_refused(void)
{
	static const struct {
		const char	*json, *code, *veld;
	} t[] = {
		{ "", ERR_INVOER_ONGELDIG, NULL },
		{ "{", ERR_INVOER_ONGELDIG, NULL },
		{ "[\"bsn\"]", ERR_INVOER_ONGELDIG, NULL },
		{ "\"bsn\"", ERR_INVOER_ONGELDIG, NULL },
		{ "{\"bsn\": \"1\", \"bsn\": \"2\"}", ERR_INVOER_ONGELDIG, NULL },
		{ "{\"naam\": \"Jan\"}", ERR_VELD_ONBEKEND, NULL },
		{ "{\"BSN\": \"999993847\"}", ERR_VELD_ONBEKEND, NULL },
		{ "{\"gas_11\": \"1\"}", ERR_VELD_ONBEKEND, NULL },
		{ "{\"gas_1\": 1}", ERR_INVOER_ONGELDIG, "gas_1" },
		{ "{\"bsn\": null}", ERR_INVOER_ONGELDIG, "bsn" },
		{ "{\"meetmoment\": {\"a\": \"b\"}}", ERR_INVOER_ONGELDIG,
		    "meetmoment" },
		{ "{\"gemeente\": \"03\\n63\"}", ERR_INVOER_ONGELDIG,
		    "gemeente" },
		{ "{\"bsn\": \"12345678901234567890123456789012345678901234567"
		    "890123456789012345\"}", ERR_INVOER_ONGELDIG, "bsn" },
	};
	struct handmatig_err	 err;
	struct buf		 b;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_EQ_INT(row(t[i].json, &b, &err), -1);
		CHECK_STR(err.code, t[i].code);
		if (t[i].veld == NULL)
			CHECK(err.veld == NULL);
		else
			CHECK_STR(err.veld, t[i].veld);
		/* The message never quotes the input. */
		CHECK(strstr(err.message, "Jan") == NULL);
		CHECK(strstr(err.message, "999993847") == NULL);
		CHECK_EQ_INT(b.len, 0);
		buf_free(&b);
	}
}

static void
test_veld(void)
{
	CHECK_STR(handmatig_veld(1, ERR_BSN_ELFPROEF), "bsn");
	CHECK_STR(handmatig_veld(4, ERR_AGB_NIET_EIGEN), "agb");
	CHECK_STR(handmatig_veld(7, ERR_GAS_ONGELDIG), "gas_1");
	CHECK_STR(handmatig_veld(31, ERR_GESLACHT_ONGELDIG), "geslacht");
	CHECK(handmatig_veld(32, ERR_GAS_ONGELDIG) == NULL);
	CHECK_STR(handmatig_veld(0, ERR_EIND_ZONDER_DOELEN), "gas_1");
	CHECK_STR(handmatig_veld(0, ERR_GEBOORTEDATUM_NA_MEETDATUM),
	    "geboortedatum");
	CHECK(handmatig_veld(0, ERR_RIJ_DUBBEL) == NULL);
	CHECK(handmatig_veld(0, NULL) == NULL);
}

int
main(void)
{
	test_good();
	test_refused();
	test_veld();
	return test_done("handmatig");
}

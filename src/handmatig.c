/*
 * Manual entry: a JSON object of strings into a one-row scores CSV (see
 * handmatig.h). The values are written quoted, with quotes doubled, so
 * that the CSV parser sees each exactly as typed; ';' is the separator,
 * as in the Excel files the parser reads every day.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "errors.h"
#include "handmatig.h"
#include "json_read.h"
#include "util.h"

/* docs/aanleveren.md, in its order; the row's columns are these. */
static const char *const cols[] = {
	"bsn", "toewijzingnummer", "gemeente", "agb", "meetdatum",
	"meetmoment", "gas_1", "gas_2", "gas_3", "gas_4", "gas_5", "gas_6",
	"gas_7", "gas_8", "gas_9", "gas_10", "gewicht_1", "gewicht_2",
	"gewicht_3", "gewicht_4", "gewicht_5", "gewicht_6", "gewicht_7",
	"gewicht_8", "gewicht_9", "gewicht_10", "probleemafname",
	"zonder_hulp_verder", "productcategorie", "geboortedatum", "geslacht"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))
#define COL_AGB		3
#define COL_GAS_1	6
#define COL_GEBOORTEDATUM	29

static int
refuse(struct handmatig_err *err, const char *code, const char *veld,
    const char *message)
{
	err->code = code;
	err->veld = veld;
	(void)util_fmt(err->message, sizeof(err->message), "%s", message);
	return -1;
}

static int
col_index(const char *key)
{
	size_t	i;

	for (i = 0; i < NCOLS; i++)
		if (strcmp(cols[i], key) == 0)
			return (int)i;
	return -1;
}

static int
put_field(struct buf *out, const char *v)
{
	buf_add(out, "\"", 1);
	for (; *v != '\0'; v++) {
		if (*v == '"')
			buf_add(out, "\"", 1);
		buf_add(out, v, 1);
	}
	return buf_add(out, "\"", 1);
}

int
handmatig_row(const char *json, size_t len, const char *own_agb,
    struct buf *out, struct handmatig_err *err)
{
	const char	*val[NCOLS];
	const cJSON	*c;
	cJSON		*root = NULL;
	struct jerr	 je;
	char		 jmsg[256];
	size_t		 i;
	int		 k, ret = -1;

	memset(err, 0, sizeof(*err));
	memset(val, 0, sizeof(val));
	je.file = "invoer";
	je.buf = jmsg;
	je.len = sizeof(jmsg);
	/* jmsg may quote a key: it is never passed on. */
	if (json_parse(&je, json, len, 0, &root) == -1) {
		explicit_bzero(jmsg, sizeof(jmsg));
		return refuse(err, ERR_INVOER_ONGELDIG, NULL, "De invoer is "
		    "geen geldige JSON, of een veld staat er twee keer in.");
	}
	explicit_bzero(jmsg, sizeof(jmsg));
	if (!cJSON_IsObject(root)) {
		refuse(err, ERR_INVOER_ONGELDIG, NULL, "De invoer moet een "
		    "JSON-object zijn met de kolomnamen van het scorebestand "
		    "als sleutels.");
		goto out;
	}
	for (c = root->child; c != NULL; c = c->next) {
		/* An unknown key is not echoed: it may be anything typed. */
		if (c->string == NULL || (k = col_index(c->string)) == -1) {
			refuse(err, ERR_VELD_ONBEKEND, NULL, "De invoer bevat "
			    "een veld dat geen kolom van het scorebestand is "
			    "(zie docs/aanleveren.md).");
			goto out;
		}
		if (!cJSON_IsString(c) || c->valuestring == NULL) {
			refuse(err, ERR_INVOER_ONGELDIG, cols[k], "Elke waarde "
			    "moet tekst zijn (tussen aanhalingstekens).");
			goto out;
		}
		if (strlen(c->valuestring) > HANDMATIG_VALUE_MAX ||
		    jerr_has_control(c->valuestring)) {
			refuse(err, ERR_INVOER_ONGELDIG, cols[k], "Een waarde is "
			    "te lang of bevat een regeleinde of ander "
			    "stuurteken.");
			goto out;
		}
		val[k] = c->valuestring;
	}
	if ((val[COL_AGB] == NULL || val[COL_AGB][0] == '\0') &&
	    own_agb != NULL)
		val[COL_AGB] = own_agb;
	for (i = 0; i < NCOLS; i++) {
		if (i > 0)
			buf_add(out, ";", 1);
		buf_str(out, cols[i]);
	}
	buf_add(out, "\r\n", 2);
	for (i = 0; i < NCOLS; i++) {
		if (i > 0)
			buf_add(out, ";", 1);
		if (val[i] != NULL)
			put_field(out, val[i]);
	}
	if (buf_add(out, "\r\n", 2) == -1)
		goto out;	/* out of memory: err->code stays NULL */
	ret = 0;
out:
	cJSON_Delete(root);	/* wiped: cJSON's hooks (wipe.c) */
	return ret;
}

const char *
handmatig_veld(int column, const char *code)
{
	if (column >= 1 && (size_t)column <= NCOLS)
		return cols[column - 1];
	if (code == NULL)
		return NULL;
	/* The checks across a row, by the field to correct first. */
	if (strcmp(code, ERR_EIND_ZONDER_DOELEN) == 0)
		return cols[COL_GAS_1];
	if (strcmp(code, ERR_GEBOORTEDATUM_NA_MEETDATUM) == 0)
		return cols[COL_GEBOORTEDATUM];
	return NULL;
}

/*
 * CEM+ responses: JSON body to validated records.
 *
 * First the strict RFC 8259 scanner (json_scan.c) runs over the raw
 * bytes, allocating nothing: it bounds nesting (cJSON's own limit is 1000, and recursive),
 * string and number length, and insists on valid UTF-8, no control
 * characters and no \u0000 (which would cut a C string short and make two
 * different bron_ids equal). On the way it finds the "responses" array
 * and counts its elements, so an oversized batch is refused before any
 * allocation. cJSON is lax where the RFC is not (it reads "01", takes any
 * byte up to a space for white space, keeps repeated keys), so it only
 * ever sees text the scanner accepted; its failure after that can only be
 * memory.
 *
 * Then each response is handed to cJSON on its own, checked against its
 * definition and the reference data, wiped and freed before the next: the
 * memory held is the records plus one response's tree (at most
 * CEM_RESPONSE_VALUES values), not a tree of the whole body, which for
 * small values costs forty times the body's size. Repeated bron_ids are
 * found at the end by sorting, and their errors merged in response order.
 *
 * Nothing from the body reaches a message or a field path except the
 * names of fields and items, and an unknown key only when it looks like a
 * field name (see cem_safe_name), so a BSN or a person's name sent as a
 * key is not echoed either. Open answers are read to see whether they
 * hold anything and are never copied; every cJSON tree is wiped before it
 * is freed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* explicit_bzero */
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "errors.h"
#include "gebied.h"
#include "log.h"
#include "dates.h"
#include "json_scan.h"
#include "parse_cem.h"
#include "pseudonym.h"
#include "questionnaire.h"
#include "util.h"

#define CEM_SAFE_NAME_MAX	32	/* bytes of an unknown key we echo */
#define CEM_ERRORS_FIRST	16	/* first allocation of the error list */

/* Error codes: stable, the sender's software may match on them. */
#define E_JSON		ERR_JSON_ONGELDIG
#define E_DEPTH		ERR_TE_DIEP_GENEST
#define E_LONG		ERR_TE_LANG
#define E_TOO_MANY	ERR_TE_VEEL_RESPONSES
#define E_TOO_BIG	ERR_TE_VEEL_WAARDEN
#define E_TYPE		ERR_VERKEERD_TYPE
#define E_UNKNOWN_FIELD	ERR_ONBEKEND_VELD
#define E_DUP_FIELD	ERR_DUBBEL_VELD
#define E_MISSING	ERR_VELD_ONTBREEKT
#define E_BRON		ERR_BRON_ID_ONGELDIG
#define E_BRON_DUP	ERR_DUBBELE_BRON_ID
#define E_QUEST		ERR_ONBEKENDE_VRAGENLIJST
#define E_RESPONDENT	ERR_ONGELDIGE_RESPONDENT
#define E_AGB		ERR_AGB_ONGELDIG
#define E_AGB_OWN	ERR_AGB_NIET_EIGEN
#define E_GEM_FORMAT	ERR_GEMEENTE_ONGELDIG
#define E_GEM_UNKNOWN	ERR_GEMEENTE_ONBEKEND
#define E_TOEWIJZING	ERR_TOEWIJZINGNUMMER_ONGELDIG
#define E_DATE		ERR_ONGELDIGE_DATUM
#define E_FUTURE	ERR_DATUM_IN_TOEKOMST
#define E_BIRTH_AFTER	ERR_GEBOORTEDATUM_NA_INVULDATUM
#define E_GESLACHT	ERR_GESLACHT_ONGELDIG
#define E_ITEM		ERR_ONBEKEND_ITEM
#define E_RANGE		ERR_BUITEN_BEREIK
#define E_REQUIRED	ERR_VERPLICHT_ITEM_ONTBREEKT

/* The fields of a response; anything else is refused (minimisation). */
enum cem_field {
	F_BRON_ID = 0,
	F_VRAGENLIJST,
	F_RESPONDENT,
	F_BSN,
	F_AGB,
	F_GEMEENTE,
	F_TOEWIJZING,
	F_INGEVULD_OP,
	F_GEBOORTEDATUM,
	F_GESLACHT,
	F_POSTCODE,
	F_ANTWOORDEN,
	F__COUNT
};

static const char *const cem_fields[F__COUNT] = {
	[F_BRON_ID] = "bron_id",
	[F_VRAGENLIJST] = "vragenlijst",
	[F_RESPONDENT] = "respondent",
	[F_BSN] = "bsn",
	[F_AGB] = "agb",
	[F_GEMEENTE] = "gemeente",
	[F_TOEWIJZING] = "toewijzingnummer",
	[F_INGEVULD_OP] = "ingevuld_op",
	[F_GEBOORTEDATUM] = "geboortedatum",
	[F_GESLACHT] = "geslacht",
	[F_POSTCODE] = "postcode",
	[F_ANTWOORDEN] = "antwoorden",
};

struct cem_ctx {
	const struct cem_params	*p;
	struct cem_batch	*out;
	size_t			 max_errors;
	size_t			 errcap;	/* entries allocated */
	int			 batch;		/* {"responses": [...]} */
	int			 nomem;
	long			 today;		/* YYYYMMDD */
};

/* A response's bron_id, for finding repeats in one batch. */
struct cem_bron {
	const char	*id;
	size_t		 len;
	size_t		 index;
};

/* A repeated bron_id: where, and where it was first. */
struct cem_repeat {
	size_t		 index;
	size_t		 first;
};

/* Errors */

static void	cem_err_fill(const struct cem_ctx *, struct cem_error *, long,
		    const char *, const char *, const char *, const char *,
		    va_list) __attribute__((format(printf, 7, 0)));

/*
 * Fills e: the field is "/responses/<index>" in a batch, then "/name"
 * and "/sub" when given.
 */
static void
cem_err_fill(const struct cem_ctx *x, struct cem_error *e, long index,
    const char *name, const char *sub, const char *code, const char *fmt,
    va_list ap)
{
	size_t	off = 0;
	int	n;

	e->index = index;
	e->code = code;
	e->field[0] = '\0';
	if (x->batch && index >= 0) {
		n = snprintf(e->field, sizeof(e->field), "/responses/%ld",
		    index);
		off = n > 0 && (size_t)n < sizeof(e->field) ? (size_t)n : 0;
	}
	if (name != NULL) {
		n = snprintf(e->field + off, sizeof(e->field) - off, "/%s%s%s",
		    name, sub != NULL ? "/" : "", sub != NULL ? sub : "");
		if (n < 0 || (size_t)n >= sizeof(e->field) - off)
			e->field[off] = '\0';
	}
	n = vsnprintf(e->message, sizeof(e->message), fmt, ap);
	if (n < 0)
		e->message[0] = '\0';
}

/* Makes room for one more listed error; -1 when memory ran out. */
static int
cem_err_room(struct cem_ctx *x)
{
	struct cem_batch	*b = x->out;
	struct cem_error	*nv;
	size_t			 cap;

	if (b->nerrors < x->errcap)
		return 0;
	cap = x->errcap == 0 ? CEM_ERRORS_FIRST : x->errcap * 2;
	if (cap > x->max_errors)
		cap = x->max_errors;
	if ((nv = reallocarray(b->errors, cap, sizeof(*nv))) == NULL) {
		x->nomem = 1;
		return -1;
	}
	b->errors = nv;
	x->errcap = cap;
	return 0;
}

/*
 * Appends an error for response index (-1: the body), at field name and
 * sub-field sub (either may be NULL), or only counts it once the list
 * holds max_errors. Nothing is formatted for errors that are not listed,
 * so a body with a million mistakes costs little more than one with none.
 */
static void	cem_err(struct cem_ctx *, long, const char *, const char *,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

static void
cem_err(struct cem_ctx *x, long index, const char *name, const char *sub,
    const char *code, const char *fmt, ...)
{
	struct cem_batch	*b = x->out;
	va_list			 ap;

	b->errors_total++;
	if (b->nerrors >= x->max_errors || x->nomem || cem_err_room(x) == -1)
		return;
	va_start(ap, fmt);
	cem_err_fill(x, &b->errors[b->nerrors++], index, name, sub, code, fmt,
	    ap);
	va_end(ap);
}

static void	cem_err_at(const struct cem_ctx *, struct cem_error *, long,
		    const char *, const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

/* As cem_err, into a given entry. */
static void
cem_err_at(const struct cem_ctx *x, struct cem_error *e, long index,
    const char *name, const char *code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cem_err_fill(x, e, index, name, NULL, code, fmt, ap);
	va_end(ap);
}

/*
 * 1 when an unknown key may be echoed in a field path: it looks like a
 * field name (lower case, digits, '_' and '-', as every name in the
 * specification), not like a value: no capital, as in a person's name,
 * no space, and no run of four digits, as in a BSN, a date or a
 * ToewijzingNummer.
 */
static int
cem_safe_name(const char *s)
{
	size_t	i, digits = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CEM_SAFE_NAME_MAX)
			return 0;
		if (s[i] >= '0' && s[i] <= '9') {
			if (++digits >= 4)
				return 0;
			continue;
		}
		digits = 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	}
	return i > 0;
}

/* Values */

/* YYYYMMDD of a calendar date "YYYY-MM-DD" (dates.h), or -1. */
static long
cem_date(const char *s)
{
	int	ymd;

	if (strlen(s) != 10 || date_parse_iso(s, 10, &ymd) == -1)
		return -1;
	return ymd;
}

static int
cem_field_index(const char *key)
{
	size_t	i;

	for (i = 0; i < F__COUNT; i++)
		if (key[0] == cem_fields[i][0] && strcmp(key, cem_fields[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * The string in field f of a response, or NULL: absent (an error when
 * required) or not a string (always an error).
 */
static const char *
cem_str(struct cem_ctx *x, long idx, const cJSON *v, enum cem_field f,
    int required)
{
	if (v == NULL) {
		if (required)
			cem_err(x, idx, cem_fields[f], NULL, E_MISSING,
			    "verplicht veld %s ontbreekt", cem_fields[f]);
		return NULL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		cem_err(x, idx, cem_fields[f], NULL, E_TYPE,
		    "%s moet een tekst (JSON-string) zijn", cem_fields[f]);
		return NULL;
	}
	return v->valuestring;
}

/* A date field: YYYYMMDD, or -1 when absent or invalid (with an error). */
static long
cem_date_field(struct cem_ctx *x, long idx, const cJSON *v, enum cem_field f,
    int required)
{
	const char	*s;
	long		 d;

	if ((s = cem_str(x, idx, v, f, required)) == NULL)
		return -1;
	if ((d = cem_date(s)) == -1) {
		cem_err(x, idx, cem_fields[f], NULL, E_DATE, "%s is geen "
		    "geldige datum JJJJ-MM-DD (vanaf 1900)", cem_fields[f]);
		return -1;
	}
	if (d > x->today) {
		cem_err(x, idx, cem_fields[f], NULL, E_FUTURE,
		    "%s ligt in de toekomst", cem_fields[f]);
		return -1;
	}
	return d;
}

/* An integer in [min, max] from a JSON number, or -1 with *ok = 0. */
static int
cem_int(const cJSON *v, int min, int max, int *ok)
{
	double	d = v->valuedouble;

	*ok = d >= (double)min && d <= (double)max && d == (double)(int)d;
	return *ok ? (int)d : -1;
}

/* 1 when an open answer holds more than white space. */
static int
cem_open_answered(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/*
 * One answer to item it: its kept value (-1 for null), or -2 after an
 * error.
 */
static int
cem_answer(struct cem_ctx *x, long idx, const cJSON *v,
    const struct quest_item *it)
{
	int	val, ok;

	if (cJSON_IsNull(v))
		return -1;
	switch (it->type) {
	case QUEST_SCHAAL:
	case QUEST_CIJFER:
		if (!cJSON_IsNumber(v)) {
			cem_err(x, idx, "antwoorden", it->code, E_TYPE,
			    "antwoord op %s moet een getal zijn", it->code);
			return -2;
		}
		val = cem_int(v, it->min, it->max, &ok);
		if (!ok) {
			cem_err(x, idx, "antwoorden", it->code, E_RANGE,
			    "antwoord op %s moet een geheel getal van %d tot "
			    "en met %d zijn", it->code, it->min, it->max);
			return -2;
		}
		return val;
	case QUEST_JANEE:
		if (!cJSON_IsString(v)) {
			cem_err(x, idx, "antwoorden", it->code, E_TYPE,
			    "antwoord op %s moet \"ja\" of \"nee\" zijn",
			    it->code);
			return -2;
		}
		if (strcmp(v->valuestring, "ja") == 0)
			return 1;
		if (strcmp(v->valuestring, "nee") == 0)
			return 0;
		cem_err(x, idx, "antwoorden", it->code, E_RANGE,
		    "antwoord op %s moet \"ja\" of \"nee\" zijn", it->code);
		return -2;
	case QUEST_OPEN:
		if (!cJSON_IsString(v)) {
			cem_err(x, idx, "antwoorden", it->code, E_TYPE,
			    "antwoord op open vraag %s moet tekst zijn",
			    it->code);
			return -2;
		}
		return cem_open_answered(v->valuestring) ? 1 : -1;
	}
	return -2;
}

/*
 * The answers of one response to variant var into vals. Repeated items
 * are refused (cJSON keeps both); a required item counts as given when
 * it has a non-null answer, even an invalid one, so one mistake is
 * reported once.
 */
static void
cem_answers(struct cem_ctx *x, long idx, const cJSON *obj,
    const struct quest_variant *var, int8_t vals[QUEST_MAX_ITEMS])
{
	const cJSON	*c;
	uint64_t	 seen = 0, given = 0, bit;
	size_t		 i, ngiven = 0;
	int		 k, v;

	for (c = obj->child; c != NULL; c = c->next) {
		if ((k = quest_item_find(var, c->string)) == -1) {
			if (cem_safe_name(c->string))
				cem_err(x, idx, "antwoorden", c->string,
				    E_ITEM, "onbekend item voor deze "
				    "vragenlijst en respondent");
			else
				cem_err(x, idx, "antwoorden", NULL, E_ITEM,
				    "onbekend item (de naam wordt niet "
				    "herhaald)");
			continue;
		}
		bit = (uint64_t)1 << k;
		if (seen & bit) {
			cem_err(x, idx, "antwoorden", var->items[k].code,
			    E_DUP_FIELD, "item %s komt twee keer voor",
			    var->items[k].code);
			continue;
		}
		seen |= bit;
		v = cem_answer(x, idx, c, &var->items[k]);
		if (v >= 0)
			vals[k] = (int8_t)v;
		if (v != -1) {
			given |= bit;
			ngiven += var->items[k].verplicht != 0;
		}
	}
	if (ngiven == var->nverplicht)
		return;
	for (i = 0; i < var->nitems; i++)
		if (var->items[i].verplicht && !(given & (uint64_t)1 << i))
			cem_err(x, idx, "antwoorden", var->items[i].code,
			    E_REQUIRED, "verplicht item %s is niet "
			    "beantwoord", var->items[i].code);
}

/* The AGB code: 8 digits, and the sender's own unless it is bergop. */
static void
cem_agb(struct cem_ctx *x, long idx, const char *s, struct cem_response *r)
{
	if (!pseudo_agb_valid(s, strlen(s)))
		cem_err(x, idx, "agb", NULL, E_AGB, "agb moet precies acht "
		    "cijfers zijn");
	else if (x->p->only_agb != NULL && strcmp(s, x->p->only_agb) != 0)
		cem_err(x, idx, "agb", NULL, E_AGB_OWN, "u mag alleen "
		    "responses voor uw eigen AGB-code aanleveren");
	else
		memcpy(r->agb, s, 9);
}

/* A gemeentecode of the region; a retired one becomes its successor. */
static void
cem_gemeente(struct cem_ctx *x, long idx, const char *s,
    struct cem_response *r)
{
	const struct cfg_gemeente	*g;

	if (!pseudo_gemeente_format_valid(s, strlen(s)))
		cem_err(x, idx, "gemeente", NULL, E_GEM_FORMAT, "gemeente moet "
		    "een CBS-gemeentecode van vier cijfers zijn (als tekst, "
		    "met de voorloopnul)");
	else if ((g = config_gemeente(x->p->cfg, s, NULL)) == NULL)
		cem_err(x, idx, "gemeente", NULL, E_GEM_UNKNOWN, "gemeente is "
		    "geen gemeente van de regio");
	else
		memcpy(r->gemeente, g->code, 5);
}

/* The identifiers: bsn, agb, gemeente, toewijzingnummer. */
static void
cem_identifiers(struct cem_ctx *x, long idx, const cJSON *const f[F__COUNT],
    struct cem_response *r)
{
	enum bsn_result	 br;
	const char	*s;
	size_t		 len;

	if ((s = cem_str(x, idx, f[F_BSN], F_BSN, 1)) != NULL &&
	    (br = pseudo_bsn_canon(s, strlen(s), r->bsn)) != BSN_OK)
		cem_err(x, idx, "bsn", NULL, pseudo_bsn_code(br), "%s",
		    pseudo_bsn_message(br));
	if ((s = cem_str(x, idx, f[F_AGB], F_AGB, 1)) != NULL)
		cem_agb(x, idx, s, r);
	if ((s = cem_str(x, idx, f[F_GEMEENTE], F_GEMEENTE, 1)) != NULL)
		cem_gemeente(x, idx, s, r);
	if ((s = cem_str(x, idx, f[F_TOEWIJZING], F_TOEWIJZING, 0)) == NULL)
		return;
	len = strlen(s);
	if (len > CEM_TOEWIJZING_MAX || !util_all_digits(s, len))
		cem_err(x, idx, "toewijzingnummer", NULL, E_TOEWIJZING,
		    "toewijzingnummer moet 1 tot en met 9 cijfers zijn");
	else
		memcpy(r->toewijzingnummer, s, len + 1);
}

/* bron_id, vragenlijst and respondent; *var is the variant or NULL. */
static void
cem_header(struct cem_ctx *x, long idx, const cJSON *const f[F__COUNT],
    struct cem_response *r, const struct quest_variant **var)
{
	const struct quest_def	*def = NULL;
	const char		*s;
	size_t			 len;
	int			 resp_ok = 0;

	*var = NULL;
	if ((s = cem_str(x, idx, f[F_BRON_ID], F_BRON_ID, 1)) != NULL) {
		len = strlen(s);
		if (len == 0 || len > CEM_BRON_ID_MAX)
			cem_err(x, idx, "bron_id", NULL, E_BRON, "bron_id moet "
			    "1 tot en met %d bytes lang zijn", CEM_BRON_ID_MAX);
		else {
			/* Kept even when the response has other errors, to
			 * find repeats among all of them (cem_repeats). */
			memcpy(r->bron_id, s, len + 1);
			r->bron_id_len = len;
		}
	}
	if ((s = cem_str(x, idx, f[F_VRAGENLIJST], F_VRAGENLIJST, 1)) != NULL &&
	    (def = quest_find(x->p->defs, s, &r->vragenlijst)) == NULL)
		cem_err(x, idx, "vragenlijst", NULL, E_QUEST, "onbekende "
		    "vragenlijst: geen definitie met deze id");
	if ((s = cem_str(x, idx, f[F_RESPONDENT], F_RESPONDENT, 1)) != NULL) {
		if (quest_respondent_parse(s, &r->respondent) == -1)
			cem_err(x, idx, "respondent", NULL, E_RESPONDENT,
			    "respondent moet \"jeugdige\" of \"ouder\" zijn");
		else
			resp_ok = 1;
	}
	if (def == NULL || !resp_ok)
		return;
	if (!def->variant[r->respondent].present) {
		cem_err(x, idx, "respondent", NULL, E_RESPONDENT, "deze "
		    "vragenlijst heeft geen variant voor respondent %s",
		    quest_respondent_name(r->respondent));
		return;
	}
	*var = &def->variant[r->respondent];
}

/* Dates and geslacht. */
static void
cem_person(struct cem_ctx *x, long idx, const cJSON *const f[F__COUNT],
    struct cem_response *r)
{
	const cJSON	*v;
	const char	*ps;
	long		 filled, born;
	int		 ok;

	filled = cem_date_field(x, idx, f[F_INGEVULD_OP], F_INGEVULD_OP, 1);
	if (filled != -1)
		memcpy(r->ingevuld_op, f[F_INGEVULD_OP]->valuestring, 11);
	born = cem_date_field(x, idx, f[F_GEBOORTEDATUM], F_GEBOORTEDATUM, 0);
	if (born != -1) {
		if (filled != -1 && born > filled)
			cem_err(x, idx, "geboortedatum", NULL, E_BIRTH_AFTER,
			    "geboortedatum ligt na ingevuld_op");
		else
			memcpy(r->geboortedatum,
			    f[F_GEBOORTEDATUM]->valuestring, 11);
	}
	/* Only its area is kept (gebied.h); the batch is wiped. */
	r->pc4 = 0;
	if ((ps = cem_str(x, idx, f[F_POSTCODE], F_POSTCODE, 0)) != NULL &&
	    gebied_postcode(ps, strlen(ps), &r->pc4) == -1)
		cem_err(x, idx, "postcode", NULL, ERR_POSTCODE_ONGELDIG,
		    "postcode moet 4 cijfers zijn, eventueel met 2 letters");
	r->geslacht = -1;
	if ((v = f[F_GESLACHT]) == NULL)
		return;
	if (!cJSON_IsNumber(v)) {
		cem_err(x, idx, "geslacht", NULL, E_TYPE, "geslacht moet een "
		    "getal zijn: 0, 1 of 2");
		return;
	}
	r->geslacht = cem_int(v, 0, 2, &ok);
	if (!ok)
		cem_err(x, idx, "geslacht", NULL, E_GESLACHT, "geslacht moet "
		    "0 (onbekend), 1 (man) of 2 (vrouw) zijn");
}

/*
 * Sorts the fields of response object o into f, refusing unknown and
 * repeated keys. A null value counts as absent.
 */
static void
cem_fields_of(struct cem_ctx *x, long idx, const cJSON *o,
    const cJSON *f[F__COUNT])
{
	const cJSON	*c;
	unsigned	 seen = 0;
	int		 k;

	for (k = 0; k < F__COUNT; k++)
		f[k] = NULL;
	for (c = o->child; c != NULL; c = c->next) {
		if ((k = cem_field_index(c->string)) == -1) {
			if (cem_safe_name(c->string))
				cem_err(x, idx, c->string, NULL,
				    E_UNKNOWN_FIELD, "onbekend veld: alleen "
				    "de velden van de aanleverspecificatie "
				    "worden aangenomen");
			else
				cem_err(x, idx, NULL, NULL, E_UNKNOWN_FIELD,
				    "onbekend veld (de naam wordt niet "
				    "herhaald)");
			continue;
		}
		if (seen & 1u << k) {
			cem_err(x, idx, cem_fields[k], NULL, E_DUP_FIELD,
			    "veld %s komt twee keer voor", cem_fields[k]);
			continue;
		}
		seen |= 1u << k;
		if (!cJSON_IsNull(c))
			f[k] = c;
	}
}

/* Validates one response object into r. */
static void
cem_response(struct cem_ctx *x, long idx, const cJSON *o,
    struct cem_response *r)
{
	const cJSON			*f[F__COUNT];
	const struct quest_variant	*var;

	memset(r->waarden, -1, sizeof(r->waarden));
	cem_fields_of(x, idx, o, f);
	cem_header(x, idx, f, r, &var);
	cem_identifiers(x, idx, f, r);
	cem_person(x, idx, f, r);
	if (f[F_ANTWOORDEN] == NULL)
		cem_err(x, idx, "antwoorden", NULL, E_MISSING, "verplicht veld "
		    "antwoorden ontbreekt");
	else if (!cJSON_IsObject(f[F_ANTWOORDEN]))
		cem_err(x, idx, "antwoorden", NULL, E_TYPE, "antwoorden moet "
		    "een object zijn: {\"itemcode\": antwoord, ...}");
	else if (var != NULL)
		cem_answers(x, idx, f[F_ANTWOORDEN], var, r->waarden);
}

/* Repeated bron_ids */

static int
cem_bron_cmp(const void *a, const void *b)
{
	const struct cem_bron	*p = a, *q = b;
	int			 c;

	if (p->len != q->len)
		return p->len < q->len ? -1 : 1;
	if ((c = memcmp(p->id, q->id, p->len)) != 0)
		return c;
	return p->index < q->index ? -1 : p->index > q->index;
}

static int
cem_repeat_cmp(const void *a, const void *b)
{
	const struct cem_repeat	*p = a, *q = b;

	return p->index < q->index ? -1 : p->index > q->index;
}

/*
 * Merges an error for every repeat into the listed errors, in response
 * order, and keeps the first max_errors: the other errors are already in
 * that order, and any that went unlisted come after every listed one.
 */
static int
cem_merge_repeats(struct cem_ctx *x, const struct cem_repeat *rep, size_t n)
{
	struct cem_batch	*b = x->out;
	struct cem_error	*m;
	size_t			 cap, i = 0, j = 0, k = 0;

	b->errors_total += n;
	cap = b->nerrors + n < x->max_errors ? b->nerrors + n : x->max_errors;
	if (cap == 0)
		return 0;
	if ((m = calloc(cap, sizeof(*m))) == NULL)
		return -1;
	while (k < cap) {
		if (j < n && (i == b->nerrors ||
		    b->errors[i].index >= (long)rep[j].index)) {
			cem_err_at(x, &m[k++], (long)rep[j].index, "bron_id",
			    E_BRON_DUP, "bron_id komt eerder in deze "
			    "aanlevering voor (response %zu)", rep[j].first);
			j++;
		} else
			m[k++] = b->errors[i++];
	}
	free(b->errors);
	b->errors = m;
	b->nerrors = x->errcap = cap;
	return 0;
}

/*
 * Finds every response whose bron_id appeared earlier in the batch.
 * Sorting rather than hashing keeps the worst case at n log n whatever
 * ids a sender chooses.
 */
static int
cem_repeats(struct cem_ctx *x)
{
	const struct cem_response	*r = x->out->responses;
	struct cem_bron			*v = NULL;
	struct cem_repeat		*rep = NULL;
	size_t				 i, n = 0, nrep = 0, first;
	int				 rc = -1;

	if (x->out->nresponses < 2)
		return 0;
	if ((v = calloc(x->out->nresponses, sizeof(*v))) == NULL ||
	    (rep = calloc(x->out->nresponses, sizeof(*rep))) == NULL)
		goto fail;
	for (i = 0; i < x->out->nresponses; i++)
		if (r[i].bron_id_len > 0) {
			v[n].id = r[i].bron_id;
			v[n].len = r[i].bron_id_len;
			v[n++].index = i;
		}
	qsort(v, n, sizeof(*v), cem_bron_cmp);
	for (i = 1, first = 0; i < n; i++) {
		if (v[i].len == v[first].len &&
		    memcmp(v[i].id, v[first].id, v[i].len) == 0) {
			rep[nrep].index = v[i].index;
			rep[nrep++].first = v[first].index;
		} else
			first = i;
	}
	if (nrep > 0) {
		qsort(rep, nrep, sizeof(*rep), cem_repeat_cmp);
		if (cem_merge_repeats(x, rep, nrep) == -1)
			goto fail;
	}
	rc = 0;
fail:
	free(v);
	free(rep);
	return rc;
}

/* The body */

/* Clears every string of the tree before cJSON frees it without doing so. */
static void
cem_wipe_tree(cJSON *v)
{
	for (; v != NULL; v = v->next) {
		if (v->valuestring != NULL)
			explicit_bzero(v->valuestring, strlen(v->valuestring));
		if (v->string != NULL)
			explicit_bzero(v->string, strlen(v->string));
		if (v->child != NULL)
			cem_wipe_tree(v->child);
	}
}

/*
 * One response: the text t of len bytes, already scanned, holding
 * nvalues JSON values. Its tree lives only for this call.
 */
static int
cem_one(struct cem_ctx *x, long idx, const unsigned char *t, size_t len,
    size_t nvalues, struct cem_response *r)
{
	cJSON	*o;

	if (nvalues > CEM_RESPONSE_VALUES) {
		cem_err(x, idx, NULL, NULL, E_TOO_BIG, "een response mag "
		    "hoogstens %d JSON-waarden bevatten", CEM_RESPONSE_VALUES);
		return 0;
	}
	/* The scanner accepted this text: a failure here is memory. */
	if ((o = cJSON_ParseWithLengthOpts((const char *)t, len, NULL, 0)) ==
	    NULL)
		return -1;
	if (!cJSON_IsObject(o))
		cem_err(x, idx, NULL, NULL, E_TYPE, "een response moet een "
		    "JSON-object zijn");
	else
		cem_response(x, idx, o, r);
	cem_wipe_tree(o);
	cJSON_Delete(o);
	return 0;
}

/*
 * Copies the raw key k of len bytes into name when it may be echoed: no
 * escapes (so the raw bytes are the key) and cem_safe_name(). 1 if so.
 */
static int
cem_raw_name(const unsigned char *k, size_t len,
    char name[CEM_SAFE_NAME_MAX + 1])
{
	if (len > CEM_SAFE_NAME_MAX || memchr(k, '\\', len) != NULL)
		return 0;
	memcpy(name, k, len);
	name[len] = '\0';
	return cem_safe_name(name);
}

/*
 * The keys of the wrapper {"responses": [...]} other than the first
 * "responses": each is refused, a second "responses" as a repeat.
 * Walks the members again, stepping over the (large) responses value.
 */
static void
cem_wrapper(struct cem_ctx *x, const struct jscan *found)
{
	struct jscan	sc = *found;
	char		name[CEM_SAFE_NAME_MAX + 1];
	size_t		kstart, klen;

	sc.pos = 0;
	jscan_ws(&sc);
	sc.pos++;			/* '{' */
	for (;;) {
		jscan_ws(&sc);
		if (sc.s[sc.pos] == '}')
			return;
		kstart = sc.pos;
		(void)jscan_string(&sc);
		klen = sc.pos - kstart - 2;
		jscan_ws(&sc);
		sc.pos++;		/* ':' */
		jscan_ws(&sc);
		if (sc.pos == found->found_start)
			sc.pos = found->found_end;
		else {
			if (jscan_key_is(sc.s, kstart, kstart + klen + 2,
			    "responses"))
				cem_err(x, -1, "responses", NULL, E_DUP_FIELD,
				    "veld responses komt twee keer voor");
			else if (cem_raw_name(sc.s + kstart + 1, klen, name))
				cem_err(x, -1, name, NULL, E_UNKNOWN_FIELD,
				    "onbekend veld naast responses");
			else
				cem_err(x, -1, NULL, NULL, E_UNKNOWN_FIELD,
				    "onbekend veld naast responses (de naam "
				    "wordt niet herhaald)");
			(void)jscan_value(&sc, 1, JSCAN_ANY);
		}
		jscan_ws(&sc);
		if (sc.s[sc.pos] == ',')
			sc.pos++;
	}
}

/* {"responses": [...]}: every element through cem_one. */
static int
cem_batch_body(struct cem_ctx *x, const struct jscan *found)
{
	struct jscan	sc = *found;
	size_t		i, n = found->nelems, max, start, nv;

	x->batch = 1;
	cem_wrapper(x, found);
	if (sc.s[found->found_start] != '[') {
		cem_err(x, -1, "responses", NULL, E_TYPE, "responses moet een "
		    "lijst (JSON-array) van responses zijn");
		return 0;
	}
	max = x->p->max_responses;
	if (max == 0 || max > CEM_BATCH_MAX)
		max = CEM_BATCH_MAX;
	if (n > max) {
		cem_err(x, -1, "responses", NULL, E_TOO_MANY, "meer dan %zu "
		    "responses in één aanlevering; splits de aanlevering", max);
		return 0;
	}
	if (n == 0)
		return 0;
	if ((x->out->responses = calloc(n, sizeof(struct cem_response))) ==
	    NULL)
		return -1;
	x->out->nresponses = n;
	sc.pos = found->found_start + 1;
	for (i = 0; i < n; i++) {
		jscan_ws(&sc);
		start = sc.pos;
		nv = sc.nvalues;
		(void)jscan_value(&sc, 2, JSCAN_ANY);
		if (cem_one(x, (long)i, sc.s + start, sc.pos - start,
		    sc.nvalues - nv, &x->out->responses[i]) == -1)
			return -1;
		jscan_ws(&sc);
		sc.pos++;		/* ',' or ']' */
	}
	return cem_repeats(x);
}

/* One response as the whole body. */
static int
cem_single_body(struct cem_ctx *x, const struct jscan *found)
{
	struct jscan	sc = *found;

	sc.pos = 0;
	jscan_ws(&sc);
	if (sc.s[sc.pos] != '{') {
		cem_err(x, -1, NULL, NULL, E_TYPE, "de body moet een "
		    "JSON-object zijn: één response of {\"responses\": "
		    "[...]}");
		return 0;
	}
	if ((x->out->responses = calloc(1, sizeof(struct cem_response))) ==
	    NULL)
		return -1;
	x->out->nresponses = 1;
	return cem_one(x, 0, found->s, found->len, found->nvalues,
	    &x->out->responses[0]);
}

/* Runs the byte scanner over the body; 0, or -1 after the one error. */
static int
cem_scan(struct cem_ctx *x, struct jscan *sc)
{
	static const char *const codes[] = {
		[JSCAN_OK] = E_JSON,
		[JSCAN_SYNTAX] = E_JSON,
		[JSCAN_DEPTH] = E_DEPTH,
		[JSCAN_LONG] = E_LONG,
	};
	size_t	line, col;

	jscan_ws(sc);
	if (sc->pos == sc->len) {
		cem_err(x, -1, NULL, NULL, E_JSON, "de body is leeg");
		return -1;
	}
	if (jscan_document(sc) == 0)
		return 0;
	jscan_position(sc->s, sc->epos, &line, &col);
	cem_err(x, -1, NULL, NULL, codes[sc->err], "%s op regel %zu, kolom "
	    "%zu (byte %zu)", sc->why, line, col, sc->epos);
	return -1;
}

enum cem_status
cem_parse(const char *buf, size_t len, const struct cem_params *p,
    struct cem_batch *out)
{
	struct cem_ctx		 x;
	struct jscan		 sc;
	const unsigned char	*s = (const unsigned char *)buf;
	enum cem_status		 st = CEM_NOMEM;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.p = p;
	x.out = out;
	x.max_errors = p->max_errors;
	if (p->today == NULL || strlen(p->today) != 10 ||
	    (x.today = cem_date(p->today)) == -1)
		fatal("cem_parse: today is not a date");
	/* RFC 8259 lets a parser ignore a byte order mark; Excel adds one. */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
	}
	jscan_init(&sc, s, len, CEM_STRING_MAX, CEM_NUMBER_MAX, CEM_DEPTH_MAX,
	    "responses");
	if (cem_scan(&x, &sc) == 0) {
		if (sc.nfound > 0) {
			if (cem_batch_body(&x, &sc) == -1)
				goto fail;
		} else if (cem_single_body(&x, &sc) == -1)
			goto fail;
	}
	if (x.nomem)
		goto fail;
	st = out->errors_total == 0 ? CEM_OK : CEM_REJECTED;
fail:
	if (st != CEM_OK) {
		/* Half-checked records are of no use to anyone. */
		if (out->responses != NULL)
			explicit_bzero(out->responses, out->nresponses *
			    sizeof(*out->responses));
		free(out->responses);
		out->responses = NULL;
		out->nresponses = 0;
	}
	if (st == CEM_NOMEM) {
		free(out->errors);
		memset(out, 0, sizeof(*out));
	}
	return st;
}

void
cem_batch_free(struct cem_batch *b)
{
	if (b == NULL)
		return;
	if (b->responses != NULL)
		explicit_bzero(b->responses, b->nresponses *
		    sizeof(*b->responses));
	free(b->responses);
	free(b->errors);
	memset(b, 0, sizeof(*b));
}

/* The date in the Netherlands, the one rule for every stream (dates.c). */
void
cem_today_nl(time_t now, char out[11])
{
	date_format(date_today(now), out);
}

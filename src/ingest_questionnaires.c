/*
 * Questionnaire ingest: JSON → parse_cem (validated against the
 * definitions) → pseudonyms → one upload transaction.
 *
 * Open answers never reach this file: the parser keeps only whether they
 * were answered. BSNs, ToewijzingNummers and bron_ids exist in clear only
 * in the parsed batch, which is wiped when freed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "dates.h"
#include "errors.h"
#include "gebied.h"
#include "ingest.h"
#include "log.h"
#include "parse_cem.h"
#include "pseudonym.h"
#include "questionnaire.h"
#include "util.h"

/*
 * 400 when the body cannot be read as JSON within the limits, else 422
 * with every error (index in the batch, JSON path, code, Dutch message).
 */
static void
errors_answer(const struct cem_batch *b, struct ingest_answer *a)
{
	cJSON		*j, *arr, *o;
	const char	*code = ERR_VALIDATION_FAILED;
	unsigned	 status = 422;
	char		 msg[128];
	size_t		 i;

	if (b->nerrors > 0 && b->errors[0].index == -1 &&
	    (strcmp(b->errors[0].code, ERR_JSON_ONGELDIG) == 0 ||
	    strcmp(b->errors[0].code, ERR_TE_DIEP_GENEST) == 0)) {
		status = 400;
		code = ERR_INVALID_JSON;
	}
	util_fmt(msg, sizeof(msg), "Niets opgeslagen: %zu fout%s gevonden",
	    b->errors_total, b->errors_total == 1 ? "" : "en");
	if ((j = ingest_error_json(code, msg)) == NULL ||
	    cJSON_AddNumberToObject(j, "error_count",
	    (double)b->errors_total) == NULL ||
	    (arr = cJSON_AddArrayToObject(j, "errors")) == NULL)
		goto fail;
	for (i = 0; i < b->nerrors; i++) {
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, o) ||
		    cJSON_AddNumberToObject(o, "index",
		    (double)b->errors[i].index) == NULL ||
		    cJSON_AddStringToObject(o, "field", b->errors[i].field) ==
		    NULL ||
		    cJSON_AddStringToObject(o, "code", b->errors[i].code) ==
		    NULL ||
		    cJSON_AddStringToObject(o, "message",
		    b->errors[i].message) == NULL)
			goto fail;
	}
	ingest_answer_set(a, status, j);
	return;
fail:
	cJSON_Delete(j);
	ingest_answer_set(a, 500, NULL);
}

static int
num(const char *s)
{
	long long	v = 0;

	util_memtonum(s, strlen(s), 0, 99999999, &v);
	return (int)v;
}

/* One parsed response into its stored form. */
static int
to_rec(const struct config *cfg, const struct quest_set *qs,
    struct pseudo_ctx *pc, int64_t party_id, const struct cem_response *c,
    struct response_rec *r)
{
	const struct cfg_gemeente *g;
	int			 retired;
	const struct quest_def	*d = &qs->defs[c->vragenlijst];
	unsigned char		 ps[PSEUDO_LEN];
	int			 birth;

	memset(r, 0, sizeof(*r));
	if (pseudo_bron(pc, party_id, c->bron_id, c->bron_id_len, ps) == -1)
		return -1;
	r->bron = store_ps64(ps, 0);
	r->bron_chk = store_ps64(ps, 1);
	pseudo_bsn(pc, c->bsn, ps);
	r->client = store_ps64(ps, 0);
	if (c->toewijzingnummer[0] != '\0') {
		if (pseudo_toewijzing(pc, c->gemeente, c->toewijzingnummer,
		    strlen(c->toewijzingnummer), ps) == -1)
			return -1;
		r->has_toewijzing = 1;
		r->toewijzing = store_ps64(ps, 0);
	}
	explicit_bzero(ps, sizeof(ps));
	r->key_version = pseudo_key_version(pc);
	r->agb = num(c->agb);
	r->gemeente = num(c->gemeente);
	r->vragenlijst = d->id;
	r->respondent = c->respondent == QUEST_OUDER ? 1 : 0;
	if (date_parse_iso(c->ingevuld_op, strlen(c->ingevuld_op),
	    &r->ingevuld_op) == -1)
		return -1;
	r->leeftijd = -1;
	if (c->geboortedatum[0] != '\0' && date_parse_iso(c->geboortedatum,
	    strlen(c->geboortedatum), &birth) == 0 &&
	    date_age(birth, r->ingevuld_op) >= 0)
		r->leeftijd = date_age_band(date_age(birth, r->ingevuld_op));
	r->geslacht = c->geslacht;
	r->gebied = -1;
	if (c->pc4 > 0 && (g = config_gemeente(cfg, c->gemeente, &retired)) !=
	    NULL)
		r->gebied = gebied_of(cfg, (size_t)(g - cfg->ref.gemeenten),
		    c->pc4);
	r->waarden = (const signed char *)c->waarden;
	r->nwaarden = d->variant[r->respondent].nitems;
	return 0;
}

void
ingest_questionnaires(const struct config *cfg, const struct quest_set *qs,
    struct store *st, struct pseudo_ctx *pc, const struct party *p,
    const char *body, size_t len, struct ingest_answer *a)
{
	struct cem_params	 params;
	struct cem_batch	 b;
	struct store_upload	*up = NULL;
	struct store_receipt	 rc;
	struct response_rec	 rec;
	enum store_result	 res;
	unsigned char		 sha[32], mac[PSEUDO_LEN];
	unsigned int		 shalen = 0;
	char			 today[11], hex[65], id[96], err[256];
	long long		 stored = 0, known = 0;
	size_t			 i;
	int			 r;

	memset(a, 0, sizeof(*a));
	memset(&b, 0, sizeof(b));
	cem_today_nl(time(NULL), today);
	memset(&params, 0, sizeof(params));
	params.defs = qs;
	params.cfg = cfg;
	params.only_agb = p->role == ROLE_AANBIEDER ? p->agb : NULL;
	params.today = today;
	params.max_errors = (size_t)config_limit(cfg, LIMIT_ERRORS_MAX);
	switch (cem_parse(body, len, &params, &b)) {
	case CEM_OK:
		break;
	case CEM_REJECTED:
		errors_answer(&b, a);
		goto out;
	default:
		ingest_answer_set(a, 500, ingest_error_json(ERR_INTERNAL, "onvoldoende geheugen"));
		goto out;
	}
	if (b.nresponses == 0) {
		ingest_answer_set(a, 422, ingest_error_json(ERR_GEEN_RESPONSES, "De body "
		    "bevat geen responses"));
		goto out;
	}
	if (store_upload_new(st, p->id, "questionnaires", &up, err,
	    sizeof(err)) == -1) {
		log_error("questionnaires upload: %s", err);
		goto busy;
	}
	for (i = 0; i < b.nresponses; i++) {
		if (to_rec(cfg, qs, pc, p->id, &b.responses[i], &rec) == -1)
			goto busy;
		if ((r = store_upload_response(up, &rec)) == -1)
			goto busy;
		if (r == 1)
			known++;
		else
			stored++;
	}
	if (EVP_Digest(body, len, sha, &shalen, EVP_sha256(), NULL) != 1)
		goto busy;
	util_hex(sha, sizeof(sha), hex);
	util_fmt(id, sizeof(id), "upload:questionnaires:%s", hex);
	pseudo_bron(pc, p->id, id, strlen(id), mac);
	res = store_upload_commit(up, mac, stored, &rc);
	if (res == STORE_OK) {
		ingest_answer_set(a, 201, ingest_receipt_json(&rc, hex, 0));
		/* Responses sent before (by bron_id) were left alone. */
		if (a->status == 201)
			cJSON_AddNumberToObject(a->body, "already_received",
			    (double)known);
	} else if (res == STORE_EXISTS)
		ingest_answer_set(a, 200, ingest_receipt_json(&rc, hex, 1));
	else
		goto busy;
	goto out;
busy:
	ingest_answer_set(a, 503, ingest_error_json(ERR_UNAVAILABLE, "De database is "
	    "bezet of niet beschikbaar; probeer het later opnieuw"));
out:
	store_upload_free(up);
	cem_batch_free(&b);
}

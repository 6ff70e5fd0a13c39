/*
 * POST /v1/scores (aanbieder, text/csv or multipart/form-data with one
 * file) and the receipts of uploads,
 * GET /v1/uploads and GET /v1/uploads/{id}.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "errors.h"
#include "ingest.h"
#include "multipart.h"
#include "util.h"

static void
reply_answer(struct http_reply *rep, struct ingest_answer *a)
{
	http_reply_json(rep, a->status, a->body);
	a->body = NULL;
}

/*
 * One upload: text/csv straight into the ingest, or multipart/form-data
 * (what a browser's file input and curl -F send) split as it streams,
 * the one file part's bytes into the same ingest as they arrive. Other
 * form fields are read past and dropped; the file name is never kept.
 */
struct scores_req {
	struct ingest_scores	*ig;
	struct mp_parser	*mp;		/* NULL for text/csv */
	unsigned		 files;		/* file parts begun */
	int			 cur_file;	/* this part is a file */
	int			 cur_counted;
	int			 decided;	/* the ingest stopped early */
	const char		*stop_code;	/* why the form was refused */
	const char		*stop_message;
};

static void
req_free(struct scores_req *sr)
{
	if (sr == NULL)
		return;
	ingest_scores_free(sr->ig);
	mp_free(sr->mp);
	free(sr);
}

static int
form_stop(struct scores_req *sr, const char *code, const char *message)
{
	sr->stop_code = code;
	sr->stop_message = message;
	return -1;
}

/* The part holds a file: only one may. */
static int
form_count(struct scores_req *sr)
{
	if (!sr->cur_file || sr->cur_counted)
		return 0;
	sr->cur_counted = 1;
	if (++sr->files > 1)
		return form_stop(sr, ERR_MEER_BESTANDEN, "Het formulier bevat "
		    "meer dan een bestand; stuur precies een CSV-bestand per "
		    "upload. Er is niets opgeslagen.");
	return 0;
}

static int
form_begin(void *arg, unsigned long part)
{
	struct scores_req	*sr = arg;

	(void)part;
	sr->cur_file = sr->cur_counted = 0;
	return 0;
}

static int
form_header(void *arg, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct scores_req	*sr = arg;
	int			 f;

	if (nlen != 19 || strncasecmp(name, "Content-Disposition", 19) != 0)
		return 0;
	if ((f = mp_form_file(value, vlen)) == -1)
		return form_stop(sr, ERR_FORMULIER_ONGELDIG, "Een deel van het "
		    "formulier heeft geen geldige Content-Disposition "
		    "(form-data). Er is niets opgeslagen.");
	sr->cur_file = f;
	return 0;
}

static int
form_data(void *arg, const char *p, size_t len)
{
	struct scores_req	*sr = arg;

	if (!sr->cur_file)
		return 0;
	if (form_count(sr) == -1)
		return -1;
	if (ingest_scores_feed(sr->ig, p, len) == -1) {
		sr->decided = 1;
		return -1;
	}
	return 0;
}

static int
form_end(void *arg, unsigned long part)
{
	(void)part;
	return form_count(arg);	/* an empty file counts too */
}

static const struct mp_callbacks form_cbs = {
	form_begin, form_header, form_data, form_end
};

static int
scores_begin(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	const char		*ct = http_request_header(r, "Content-Type");
	struct scores_req	*sr;
	char			 boundary[MP_BOUNDARY_MAX + 1];

	while (ct != NULL && *ct == ' ')
		ct++;
	if (ct != NULL && strncasecmp(ct, "multipart/", 10) == 0 &&
	    mp_boundary(ct, "form-data", boundary) == -1) {
		http_reply_error(rep, 400, ERR_MULTIPART_BOUNDARY, "Content-Type "
		    "multipart/form-data heeft geen geldige boundary-parameter");
		return -1;
	}
	if ((sr = calloc(1, sizeof(*sr))) == NULL ||
	    (sr->ig = ingest_scores_new(env->cfg, env->store, env->pseudo,
	    http_request_party(r))) == NULL ||
	    (ct != NULL && strncasecmp(ct, "multipart/", 10) == 0 &&
	    (sr->mp = mp_new(boundary, &form_cbs, sr)) == NULL)) {
		req_free(sr);
		http_reply_error(rep, 503, ERR_UNAVAILABLE, "onvoldoende "
		    "middelen; probeer het later opnieuw");
		return -1;
	}
	http_request_set_state(r, sr);
	return 0;
}

/* The form was refused (framing, or not exactly one file): 400. */
static void
form_refuse(struct scores_req *sr, struct http_reply *rep)
{
	const struct mp_error	*e = mp_last_error(sr->mp);
	char			 msg[256];

	if (sr->stop_code != NULL) {
		http_reply_error(rep, 400, sr->stop_code, sr->stop_message);
		return;
	}
	util_fmt(msg, sizeof(msg), "Het formulier (multipart/form-data) is "
	    "niet te lezen: %s. Er is niets opgeslagen.", e->message);
	http_reply_error(rep, 400, ERR_FORMULIER_ONGELDIG, msg);
}

static int
scores_data(struct http_request *r, const char *buf, size_t len,
    struct http_reply *rep)
{
	struct scores_req	*sr = http_request_state(r);
	struct ingest_answer	 a;

	if (sr->mp == NULL) {
		if (ingest_scores_feed(sr->ig, buf, len) == 0)
			return 0;
	} else {
		if (mp_feed(sr->mp, buf, len) == 0)
			return 0;
		if (!sr->decided) {
			form_refuse(sr, rep);
			return -1;
		}
	}
	/* Decided early (not CSV, or a fault): answer now, skip the rest. */
	ingest_scores_finish(sr->ig, &a);
	reply_answer(rep, &a);
	return -1;
}

static void
scores_end(struct http_request *r, struct http_reply *rep)
{
	struct scores_req	*sr = http_request_state(r);
	struct ingest_answer	 a;

	if (sr->mp != NULL) {
		if (mp_finish(sr->mp) == -1) {
			form_refuse(sr, rep);
			return;
		}
		if (sr->files == 0) {
			http_reply_error(rep, 400, ERR_GEEN_BESTAND, "Het "
			    "formulier bevat geen bestand: kies een "
			    "CSV-bestand (een deel met filename). Er is niets "
			    "opgeslagen.");
			return;
		}
	}
	ingest_scores_finish(sr->ig, &a);
	if (a.status == 201 || a.status == 200)
		http_request_set_rows(r, ingest_scores_rows(sr->ig));
	reply_answer(rep, &a);
}

static void
scores_done(struct http_request *r)
{
	req_free(http_request_state(r));
}

static int
add_receipt(const struct store_receipt *rc, void *arg)
{
	cJSON	*arr = arg, *o;

	if ((o = ingest_receipt_json(rc, NULL, 0)) == NULL)
		return -1;
	/* A listing has no "duplicate": it describes stored uploads. */
	cJSON_DeleteItemFromObject(o, "duplicate");
	if (cJSON_AddStringToObject(o, "kind", rc->kind) == NULL ||
	    !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return -1;
	}
	return 0;
}

/* The caller's own receipts only; the party id is part of every query. */
static void
uploads_list(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	cJSON			*j, *arr;

	if ((j = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(j, "uploads")) == NULL ||
	    store_receipts(env->store, http_request_party(r)->id, add_receipt,
	    arr) == -1) {
		cJSON_Delete(j);
		http_reply_error(rep, 500, ERR_INTERNAL, "de uploads zijn niet "
		    "leesbaar");
		return;
	}
	http_reply_json(rep, 200, j);
}

static void
uploads_get(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	struct store_receipt	 rc;
	enum store_result	 res;
	cJSON			*j;

	res = store_receipt_get(env->store, http_request_party(r)->id,
	    http_request_param(r), &rc);
	if (res == STORE_NOT_FOUND) {
		http_reply_error(rep, 404, ERR_NOT_FOUND, "deze upload bestaat "
		    "niet");
		return;
	}
	if (res != STORE_OK || (j = ingest_receipt_json(&rc, NULL, 0)) ==
	    NULL) {
		http_reply_error(rep, 500, ERR_INTERNAL, "de upload is niet "
		    "leesbaar");
		return;
	}
	cJSON_DeleteItemFromObject(j, "duplicate");
	cJSON_AddStringToObject(j, "kind", rc.kind);
	http_reply_json(rep, 200, j);
}

static const char *const csv_types[] = { "text/csv", "multipart/form-data",
	NULL };
static const char *const json_types[] = { "application/json", NULL };

const struct http_route api_scores_routes[] = {
	{ "POST", "/v1/scores", 0, "/v1/scores", ROLE_BIT(ROLE_AANBIEDER),
	    LIMIT_BODY_SCORES, csv_types, scores_begin, scores_data,
	    scores_end, scores_done },
	{ "POST", "/v1/scores/handmatig", 0, "/v1/scores/handmatig",
	    ROLE_BIT(ROLE_AANBIEDER), LIMIT_BODY_QUESTIONNAIRES, json_types,
	    api_handmatig_begin, api_body_data, api_handmatig_end,
	    api_body_done },
	{ "GET", "/v1/uploads", 0, "/v1/uploads", ROLES_UPLOADERS, -1, NULL,
	    NULL, NULL, uploads_list, NULL },
	{ "GET", "/v1/uploads/", 1, "/v1/uploads/{id}", ROLES_UPLOADERS, -1,
	    NULL, NULL, NULL, uploads_get, NULL },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

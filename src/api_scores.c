/*
 * POST /v1/scores (aanbieder, text/csv) and the receipts of uploads,
 * GET /v1/uploads and GET /v1/uploads/{id}.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "errors.h"
#include "ingest.h"

static void
reply_answer(struct http_reply *rep, struct ingest_answer *a)
{
	http_reply_json(rep, a->status, a->body);
	a->body = NULL;
}

static int
scores_begin(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	struct ingest_scores	*ig;

	ig = ingest_scores_new(env->cfg, env->store, env->pseudo,
	    http_request_party(r));
	if (ig == NULL) {
		http_reply_error(rep, 503, ERR_UNAVAILABLE, "out of resources");
		return -1;
	}
	http_request_set_state(r, ig);
	return 0;
}

static int
scores_data(struct http_request *r, const char *buf, size_t len,
    struct http_reply *rep)
{
	struct ingest_scores	*ig = http_request_state(r);
	struct ingest_answer	 a;

	if (ingest_scores_feed(ig, buf, len) == 0)
		return 0;
	/* Decided early (not CSV, or a fault): answer now, skip the rest. */
	ingest_scores_finish(ig, &a);
	reply_answer(rep, &a);
	return -1;
}

static void
scores_end(struct http_request *r, struct http_reply *rep)
{
	struct ingest_scores	*ig = http_request_state(r);
	struct ingest_answer	 a;

	ingest_scores_finish(ig, &a);
	if (a.status == 201 || a.status == 200)
		http_request_set_rows(r, ingest_scores_rows(ig));
	reply_answer(rep, &a);
}

static void
scores_done(struct http_request *r)
{
	ingest_scores_free(http_request_state(r));
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
		http_reply_error(rep, 500, ERR_INTERNAL, "cannot list uploads");
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
		http_reply_error(rep, 404, ERR_NOT_FOUND, "no such upload");
		return;
	}
	if (res != STORE_OK || (j = ingest_receipt_json(&rc, NULL, 0)) ==
	    NULL) {
		http_reply_error(rep, 500, ERR_INTERNAL, "cannot read upload");
		return;
	}
	cJSON_DeleteItemFromObject(j, "duplicate");
	cJSON_AddStringToObject(j, "kind", rc.kind);
	http_reply_json(rep, 200, j);
}

static const char *const csv_types[] = { "text/csv", NULL };

const struct http_route api_scores_routes[] = {
	{ "POST", "/v1/scores", 0, "/v1/scores", ROLE_BIT(ROLE_AANBIEDER),
	    LIMIT_BODY_SCORES, csv_types, scores_begin, scores_data,
	    scores_end, scores_done },
	{ "GET", "/v1/uploads", 0, "/v1/uploads", ROLES_UPLOADERS, -1, NULL,
	    NULL, NULL, uploads_list, NULL },
	{ "GET", "/v1/uploads/", 1, "/v1/uploads/{id}", ROLES_UPLOADERS, -1,
	    NULL, NULL, NULL, uploads_get, NULL },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

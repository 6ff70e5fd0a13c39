/*
 * POST /v1/scores/handmatig (aanbieder): one measurement entered by hand
 * on the web page (issue #13). The JSON object becomes a one-row scores
 * CSV in a wiped buffer (handmatig.c) and goes through exactly the upload
 * path: the same parser and checks, pseudonyms, staging, one transaction,
 * the same receipt. The one difference in the answer: every error of a
 * refused entry also names its field ("veld"), for the form to mark it,
 * and the receipt has no sha256 (a hash of bytes the server wrote, over
 * a BSN, helps nobody).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "buf.h"
#include "errors.h"
#include "handmatig.h"
#include "ingest.h"
#include "util.h"

int
api_handmatig_begin(struct http_request *r, struct http_reply *rep)
{
	const char	*cl = http_request_header(r, "Content-Length");
	long long	 len;

	if (cl != NULL && util_memtonum(cl, strlen(cl), 0, LLONG_MAX,
	    &len) == 0 && len > HANDMATIG_BODY_MAX) {
		http_reply_error(rep, 413, ERR_BODY_TOO_LARGE, "een handmatige "
		    "invoer is ten hoogste 16 KB");
		return -1;
	}
	http_request_set_body_limit(r, HANDMATIG_BODY_MAX);
	return 0;
}

/* "veld" beside each error of a 422 answer. */
static void
add_velden(cJSON *body)
{
	cJSON		*arr, *e, *col, *code;
	const char	*veld;

	arr = cJSON_GetObjectItemCaseSensitive(body, "errors");
	cJSON_ArrayForEach(e, arr) {
		col = cJSON_GetObjectItemCaseSensitive(e, "column");
		code = cJSON_GetObjectItemCaseSensitive(e, "code");
		veld = handmatig_veld(cJSON_IsNumber(col) ? col->valueint : 0,
		    cJSON_IsString(code) ? code->valuestring : NULL);
		if (veld != NULL)
			cJSON_AddStringToObject(e, "veld", veld);
		else
			cJSON_AddNullToObject(e, "veld");
	}
}

static void
refuse(struct http_reply *rep, const struct handmatig_err *err)
{
	cJSON	*j;

	if (err->code == NULL) {
		http_reply_error(rep, 503, ERR_UNAVAILABLE, "onvoldoende "
		    "middelen; probeer het later opnieuw");
		return;
	}
	if ((j = ingest_error_json(err->code, err->message)) != NULL &&
	    (err->veld != NULL ? cJSON_AddStringToObject(j, "veld",
	    err->veld) : cJSON_AddNullToObject(j, "veld")) == NULL) {
		cJSON_Delete(j);
		j = NULL;
	}
	http_reply_json(rep, j != NULL ? 400 : 500, j);
}

void
api_handmatig_end(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	const struct party	*p = http_request_party(r);
	struct handmatig_err	 err;
	struct ingest_scores	*ig;
	struct ingest_answer	 a;
	struct buf		 csv;
	const char		*body;
	size_t			 len;

	if (api_body_get(r, &body, &len) == -1) {
		body = "";
		len = 0;
	}
	/* The row holds the BSN in clear: wiped when freed. */
	buf_init(&csv, 2 * HANDMATIG_BODY_MAX, BUF_WIPE);
	if (handmatig_row(body, len, p->agb, &csv, &err) == -1) {
		buf_free(&csv);
		refuse(rep, &err);
		return;
	}
	if ((ig = ingest_scores_new(env->cfg, env->store, env->pseudo, p)) ==
	    NULL) {
		buf_free(&csv);
		http_reply_error(rep, 503, ERR_UNAVAILABLE, "onvoldoende "
		    "middelen; probeer het later opnieuw");
		return;
	}
	(void)ingest_scores_feed(ig, csv.p, csv.len);
	buf_free(&csv);
	ingest_scores_finish(ig, &a);
	if (a.status == 201 || a.status == 200) {
		http_request_set_rows(r, ingest_scores_rows(ig));
		cJSON_DeleteItemFromObject(a.body, "sha256");
	} else if (a.status == 422)
		add_velden(a.body);
	ingest_scores_free(ig);
	http_reply_json(rep, a.status, a.body);
}

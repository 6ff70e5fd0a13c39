/*
 * POST /v1/questionnaires: one CEM+ response, or {"responses": [...]}.
 * Roles: bergop for any AGB, aanbieder for its own AGB only (checked per
 * response by the parser). The body is collected whole, at most
 * body_max_questionnaires, and parsed from memory.
 */
#include "api.h"
#include "errors.h"
#include "ingest.h"

static void
quest_end(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	struct ingest_answer	 a;
	const char		*buf;
	size_t			 len;

	if (api_body_get(r, &buf, &len) == -1) {
		http_reply_error(rep, 400, ERR_INVALID_JSON, "empty body");
		return;
	}
	ingest_questionnaires(env->cfg, env->quest, env->store, env->pseudo,
	    http_request_party(r), buf, len, &a);
	http_reply_json(rep, a.status, a.body);
}

static const char *const json_types[] = { "application/json", NULL };

const struct http_route api_questionnaires_routes[] = {
	{ "POST", "/v1/questionnaires", 0, "/v1/questionnaires",
	    ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_BERGOP),
	    LIMIT_BODY_QUESTIONNAIRES, json_types, NULL, api_body_data,
	    quest_end, api_body_done },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

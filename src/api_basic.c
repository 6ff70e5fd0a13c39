/*
 * Basic endpoints: /healthz, /v1/whoami, /metrics; and the route table.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "auth.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"

/* Answers 200 when the database answers, 503 otherwise. No auth. */
static void
healthz(struct http_request *r, struct http_reply *rep)
{
	cJSON	*j;

	if (store_ping(http_request_env(r)->store) == -1) {
		http_reply_error(rep, 503, ERR_UNAVAILABLE,
		    "de database antwoordt niet");
		return;
	}
	j = cJSON_CreateObject();
	if (j != NULL)
		cJSON_AddStringToObject(j, "status", "ok");
	http_reply_json(rep, 200, j);
}

/*
 * Readiness, for a load balancer: 503 while the write lock cannot be had
 * within ready_lock_ms or the last write failed (within ready_fail_s),
 * so traffic goes elsewhere while uploads here would only wait and fail.
 * /healthz stays the liveness check: the process and database answer.
 */
static void
readyz(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	cJSON			*j;
	const char		*why = NULL;

	if (store_writes_failing(1000000000ULL * (uint64_t)config_limit(
	    env->cfg, LIMIT_READY_FAIL_S)))
		why = "Schrijven naar de database mislukt op dit moment";
	else if (store_write_probe(env->store, config_limit(env->cfg,
	    LIMIT_READY_LOCK_MS)) == -1)
		why = "De database is bezet: er kan nu niet geschreven worden";
	metrics_ready_set(why == NULL);
	if (why != NULL) {
		http_reply_error(rep, 503, ERR_NOT_READY, why);
		return;
	}
	j = cJSON_CreateObject();
	if (j != NULL)
		cJSON_AddStringToObject(j, "status", "ready");
	http_reply_json(rep, 200, j);
}

/* Who the caller is: name, role, and its AGB or scopes. */
static void
whoami(struct http_request *r, struct http_reply *rep)
{
	const struct party	*p = http_request_party(r);
	cJSON			*j, *scopes;
	char			 buf[CFG_NAME_MAX + 16];
	size_t			 i;

	if ((j = cJSON_CreateObject()) == NULL)
		goto fail;
	if (cJSON_AddStringToObject(j, "name", p->name) == NULL ||
	    cJSON_AddStringToObject(j, "role", store_role_name(p->role)) ==
	    NULL)
		goto fail;
	if (p->agb[0] != '\0' &&
	    cJSON_AddStringToObject(j, "agb", p->agb) == NULL)
		goto fail;
	if (p->role == ROLE_ANALIST) {
		if ((scopes = cJSON_AddArrayToObject(j, "scopes")) == NULL)
			goto fail;
		for (i = 0; i < p->nscopes; i++) {
			if (auth_scope_format(&p->scopes[i], buf,
			    sizeof(buf)) == -1 || !cJSON_AddItemToArray(scopes,
			    cJSON_CreateString(buf)))
				goto fail;
		}
	}
	http_reply_json(rep, 200, j);
	return;
fail:
	cJSON_Delete(j);
	http_reply_error(rep, 500, ERR_INTERNAL,
	    "onvoldoende geheugen");
}

static void
metrics(struct http_request *r, struct http_reply *rep)
{
	char	*text;
	size_t	 len;

	(void)r;
	if ((text = metrics_render(&len)) == NULL) {
		http_reply_error(rep, 500, ERR_INTERNAL,
		    "onvoldoende geheugen");
		return;
	}
	http_reply_text(rep, 200, "text/plain; version=0.0.4; charset=utf-8",
	    text, len);
}

const struct http_route api_basic_routes[] = {
	{ "GET", "/healthz", 0, "/healthz", 0, -1, NULL,
	    NULL, NULL, healthz, NULL },
	{ "GET", "/readyz", 0, "/readyz", 0, -1, NULL,
	    NULL, NULL, readyz, NULL },
	{ "GET", "/v1/whoami", 0, "/v1/whoami", ROLES_ANY, -1, NULL,
	    NULL, NULL, whoami, NULL },
	{ "GET", "/metrics", 0, "/metrics", ROLE_BIT(ROLE_MONITOR), -1, NULL,
	    NULL, NULL, metrics, NULL },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

static struct http_route	all_routes[METRICS_ROUTES_MAX + 1];
const struct http_route		*api_routes = all_routes;

/* Concatenates the families into one table; fatal when it overflows. */
void
api_routes_init(void)
{
	static const struct http_route *const families[] = {
		api_basic_routes, api_scores_routes, api_messages_routes,
		api_questionnaires_routes, api_indicators_routes,
		api_reports_routes,
		api_web_routes,
	};
	const struct http_route	*f;
	size_t			 i, n = 0;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		for (f = families[i]; f->method != NULL; f++) {
			if (n == METRICS_ROUTES_MAX)
				fatal("too many routes");
			all_routes[n++] = *f;
		}
	}
	memset(&all_routes[n], 0, sizeof(all_routes[n]));
}

/*
 * GET /v1/reports and GET /v1/reports/{id}: the monthly PDF reports
 * (report.h) for the parties that may see them. An aanbieder sees its own
 * reports and the clustergemiddelde of each cluster and month it has one
 * in; an analist the reports of the clusters wholly in its scope. A
 * report another party may not see answers 404, exactly like one that
 * does not exist, so ids reveal nothing. Every download is audited.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "errors.h"
#include "report.h"
#include "util.h"

struct list_ctx {
	const struct http_env	*env;
	const struct party	*p;
	cJSON			*arr;
	int			 oom;
};

static int
list_one(const struct report_info *r, void *arg)
{
	struct list_ctx	*c = arg;
	const struct config *cfg = c->env->cfg;
	struct tm	 tm;
	cJSON		*o;
	char		 buf[160];

	if (!report_visible(cfg, c->env->data_dir, c->p, r))
		return 0;
	if ((o = cJSON_CreateObject()) == NULL) {
		c->oom = 1;
		return -1;
	}
	cJSON_AddItemToArray(c->arr, o);
	cJSON_AddStringToObject(o, "id", r->id);
	util_fmt(buf, sizeof(buf), "%04d-%02d", r->month / 12,
	    r->month % 12 + 1);
	cJSON_AddStringToObject(o, "month", buf);
	cJSON_AddStringToObject(o, "soort", r->kind == REPORT_AANBIEDER ?
	    "aanbieder" : "clustergemiddelde");
	if (r->kind == REPORT_AANBIEDER)
		cJSON_AddStringToObject(o, "aanbieder", r->agb);
	cJSON_AddStringToObject(o, "cluster", cfg->ref.clusters[r->cluster].name);
	report_filename(cfg, r, buf, sizeof(buf));
	cJSON_AddStringToObject(o, "filename", buf);
	cJSON_AddNumberToObject(o, "bytes", (double)r->bytes);
	gmtime_r(&r->mtime, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, "created", buf);
	return 0;
}

static void
reports_list(struct http_request *req, struct http_reply *rep)
{
	struct list_ctx	 c;
	cJSON		*j;

	memset(&c, 0, sizeof(c));
	c.env = http_request_env(req);
	c.p = http_request_party(req);
	if ((j = cJSON_CreateObject()) == NULL ||
	    (c.arr = cJSON_AddArrayToObject(j, "reports")) == NULL) {
		cJSON_Delete(j);
		http_reply_error(rep, 500, ERR_INTERNAL, "onvoldoende geheugen");
		return;
	}
	if (report_list(c.env->cfg, c.env->data_dir, list_one, &c) == -1 ||
	    c.oom) {
		cJSON_Delete(j);
		http_reply_error(rep, 503, ERR_UNAVAILABLE,
		    "de rapportages konden niet worden gelezen");
		return;
	}
	http_request_set_rows(req, cJSON_GetArraySize(c.arr));
	http_reply_json(rep, 200, j);
}

static void
reports_get(struct http_request *req, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(req);
	const struct party	*p = http_request_party(req);
	struct report_info	 r;
	char			 path[CFG_PATH_MAX], name[160], detail[160];
	char			*data = NULL;
	size_t			 len;

	if (report_id_parse(env->cfg, http_request_param(req), &r) == -1 ||
	    !report_visible(env->cfg, env->data_dir, p, &r) ||
	    report_path(env->data_dir, r.id, path, sizeof(path)) == -1 ||
	    util_read_file(path, REPORT_FILE_MAX, &data, &len) == -1) {
		http_reply_error(rep, 404, ERR_NOT_FOUND,
		    "deze rapportage bestaat niet of is niet voor u");
		return;
	}
	util_fmt(detail, sizeof(detail), "{\"id\":\"%s\"}", r.id);
	if (store_audit(env->store, p->id, "report_download", detail) == -1) {
		free(data);
		http_reply_error(rep, 503, ERR_AUDIT_UNAVAILABLE,
		    "de download kon niet worden vastgelegd en gaat daarom "
		    "niet door");
		return;
	}
	http_reply_text(rep, 200, "application/pdf", data, len);
	report_filename(env->cfg, &r, name, sizeof(name));
	util_fmt(rep->disposition, sizeof(rep->disposition),
	    "attachment; filename=\"%s\"", name);
	http_request_set_rows(req, 1);
}

const struct http_route api_reports_routes[] = {
	{ "GET", "/v1/reports", 0, "/v1/reports",
	    ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_ANALIST), -1, NULL,
	    NULL, NULL, reports_list, NULL },
	{ "GET", "/v1/reports/", 1, "/v1/reports/{id}",
	    ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_ANALIST), -1, NULL,
	    NULL, NULL, reports_get, NULL },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

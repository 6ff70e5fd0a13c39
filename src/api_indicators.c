/*
 * GET /v1/indicators/{doelrealisatie|tevredenheid|uitval|
 * aanlevering}: aggregated
 * indicators for aanbieders (their own, beside their cluster) and
 * analisten (inside their scope), as JSON, CSV or an .xlsx workbook. Everything is decided in indicators.c;
 * this file only maps the HTTP request onto it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "dates.h"
#include "errors.h"
#include "ind_impl.h"	/* IND_YEAR0: how periods are counted */
#include "ind_xlsx.h"
#include "indicators.h"
#include "log.h"
#include "util.h"

#define QUERY_NAMES_MAX	32

static const char *
query_get(void *arg, const char *key)
{
	return http_request_query(arg, key);
}

/*
 * A CSV answer is a download: the file name says in Dutch what it holds,
 * "uitval_per_gemeente_per_kwartaal_2025-01_tot_2025-12.csv". Only our own
 * words and digits go into it, so it needs no quoting beyond the quotes.
 */
static void
csv_disposition(const struct ind_query *q, struct http_reply *rep,
    const char *ext)
{
	static const char *const by[] = { "aanbieder", "gemeente", "cluster",
	    "regio" };
	static const char *const per[] = { "maand", "kwartaal", "jaar" };

	(void)util_fmt(rep->disposition, sizeof(rep->disposition),
	    "attachment; filename=\"%s_per_%s_per_%s_%04d-%02d_tot_"
	    "%04d-%02d.%s\"", ind_kind_name(q->kind), by[q->by], per[q->period], IND_YEAR0 + q->from / 12,
	    q->from % 12 + 1, IND_YEAR0 + q->to / 12, q->to % 12 + 1, ext);
}

/* Accept: text/csv asks for CSV when format= does not say (issue #13). */
static int
wants_csv(const struct http_request *r)
{
	const char	*accept = http_request_header(r, "Accept");

	return http_request_query(r, "format") == NULL && accept != NULL &&
	    strstr(accept, "text/csv") != NULL;
}

/* Accept: the xlsx type asks for a workbook when format= does not say. */
static int
wants_xlsx(const struct http_request *r)
{
	const char	*accept = http_request_header(r, "Accept");

	return http_request_query(r, "format") == NULL && accept != NULL &&
	    strstr(accept, IND_XLSX_TYPE) != NULL;
}

/*
 * The CSV answer becomes the workbook (ind_xlsx.h): same cells, same
 * audit (the engine logged the query as format=xlsx). A fault answers
 * 500 and says why in the log only; the reason holds no figure.
 */
static void
reply_xlsx(struct http_request *r, const struct ind_query *q,
    struct ind_answer *a, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	char			 dir[CFG_PATH_MAX], err[256], *x = NULL;
	size_t			 xlen = 0;
	int			 rc = -1;

	if (store_dir(env->store, dir, sizeof(dir)) == -1)
		util_fmt(err, sizeof(err), "no data folder");
	else
		rc = ind_xlsx_write(dir, q, config_limit(env->cfg, LIMIT_K),
		    env->quest, a->body, a->len, &x, &xlen, err, sizeof(err));
	if (rc == -2) {
		http_reply_error(rep, 400, ERR_BAD_RANGE, "het antwoord heeft "
		    "meer rijen dan een Excel-blad; kies een kortere periode "
		    "of een grovere indeling");
		return;
	}
	if (rc != 0) {
		log_error("indicators: xlsx: %s", err);
		http_reply_error(rep, 500, ERR_INTERNAL, "het Excel-bestand kon "
		    "niet worden gemaakt");
		return;
	}
	http_reply_text(rep, 200, IND_XLSX_TYPE, x, xlen);
	csv_disposition(q, rep, "xlsx");
}

static void
indicators_get(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	const struct party	*p = http_request_party(r);
	const char		*names[QUERY_NAMES_MAX];
	struct ind_query	 q;
	struct ind_answer	 a;
	enum ind_kind		 kind;
	char			 code[32], msg[256];

	memset(&q, 0, sizeof(q));
	if (ind_kind_parse(http_request_param(r), &kind) == -1) {
		http_reply_error(rep, 404, ERR_NOT_FOUND, "deze indicator "
		    "bestaat niet; er zijn doelrealisatie, tevredenheid, "
		    "uitval en aanlevering");
		return;
	}
	if (http_request_query_names(r, names, QUERY_NAMES_MAX) == -1)
		ind_engine_refuse(env->ind, p, kind, "http", 400,
		    ERR_BAD_PARAMETER, "te veel queryparameters", &a);
	else if (ind_query_parse(env->cfg, date_today(time(NULL)), kind,
	    query_get, r, names, &q, code, sizeof(code), msg,
	    sizeof(msg)) == -1)
		ind_engine_refuse(env->ind, p, kind, "http", 400, code, msg,
		    &a);
	else {
		if (wants_xlsx(r))
			q.csv = q.xlsx = 1;
		else if (wants_csv(r))
			q.csv = 1;
		ind_engine_answer(env->ind, p, &q, "http", &a);
	}
	http_request_set_rows(r, a.cells);
	if (a.body == NULL) {
		http_reply_error(rep, 500, ERR_INTERNAL, "onvoldoende geheugen");
		return;
	}
	if (a.status == 200 && q.xlsx) {
		reply_xlsx(r, &q, &a, rep);
		ind_answer_free(&a);
		return;
	}
	http_reply_text(rep, a.status, a.content_type, a.body, a.len);
	a.body = NULL;		/* the reply owns it now */
	if (a.status == 200 && q.csv)
		csv_disposition(&q, rep, "csv");
}

const struct http_route api_indicators_routes[] = {
	{ "GET", "/v1/indicators/", 1, "/v1/indicators/{name}",
	    ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_ANALIST), -1, NULL,
	    NULL, NULL, indicators_get, NULL },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

/*
 * HTTPS daemon on libmicrohttpd (TLS by GnuTLS).
 *
 * Threading: one thread per connection. An upload of a million rows keeps
 * its thread busy for seconds; with a shared pool it would stall every other
 * connection on that worker, with a thread each it stalls nobody. The total
 * and per-address connection limits bound the number of threads.
 *
 * The access handler is called first with the headers only; the whole gate
 * (route, method, token, role, client certificate, body length and type) is
 * decided there, so a refused request never has its body read. Later calls
 * carry body chunks, which go straight to the route's handler.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "http_server.h"
#include "log.h"
#include "errors.h"
#include "metrics.h"
#include "session.h"
#include "util.h"

#define HTTP_ROUTES_MAX		METRICS_ROUTES_MAX
#define HTTP_PARAM_MAX		64	/* bytes of a {id} path segment */
#define HTTP_CONN_MEMORY	(128 * 1024)	/* per-connection buffer */
#define HTTP_DISCARD_MAX	(1024 * 1024)	/* body read after refusal */
#define HTTP_ORIGIN_MAX		300	/* bytes of "https://" + Host */
/*
 * Sent with every answer, JSON included: the web app's pages load only
 * their own scripts and styles, never inline code, and may not be framed.
 */
#define HTTP_CSP \
	"default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; form-action 'self'; " \
	"base-uri 'none'; frame-ancestors 'none'"
#define HTTP_TLS_PRIORITIES \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE"

struct http_server {
	struct MHD_Daemon		*daemon;
	const struct http_route		*routes;
	int				 metric[HTTP_ROUTES_MAX];
	size_t				 nroutes;
	struct http_env			 env;
	char				 url[128];
	int				 tls_client_ca;
};

enum req_state {
	REQ_FEED,	/* body chunks go to the handler */
	REQ_DISCARD	/* the answer is decided; the rest is thrown away */
};

struct http_request {
	struct http_server	*srv;
	struct MHD_Connection	*conn;
	const struct http_route	*route;
	int			 metric;
	const char		*method;	/* for the log: known or OTHER */
	uint64_t		 start_ns;
	uint64_t		 body_len;
	uint64_t		 body_limit;
	enum req_state		 state;
	int			 begun;		/* route->done is owed */
	int			 queued;
	int			 authed;
	struct party		 party;
	int			 via_session;	/* authed by cookie */
	unsigned char		 sess_hash[PARTY_TOKEN_HASH_LEN];
	char			 csrf[SESSION_CSRF_LEN + 1];
	char			 param[HTTP_PARAM_MAX + 1];
	void			*hstate;
	int64_t			 rows;
	unsigned		 status;
	size_t			 bytes_out;
	struct http_reply	 reply;
};

const struct http_env *
http_request_env(const struct http_request *r)
{
	return &r->srv->env;
}

const struct party *
http_request_party(const struct http_request *r)
{
	return r->authed ? &r->party : NULL;
}

const char *
http_request_param(const struct http_request *r)
{
	return r->param;
}

const char *
http_request_query(const struct http_request *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    key);
}

struct query_names {
	const char	**names;
	size_t		  n, max;
	int		  over;
};

static enum MHD_Result
query_name(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query_names	*q = arg;

	(void)kind;
	(void)value;
	if (q->n + 1 >= q->max) {
		q->over = 1;
		return MHD_NO;
	}
	q->names[q->n++] = key;
	return MHD_YES;
}

int
http_request_query_names(const struct http_request *r, const char **names,
    size_t max)
{
	struct query_names	q = { names, 0, max, 0 };

	if (max == 0)
		return -1;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_name,
	    &q);
	names[q.n] = NULL;
	return q.over ? -1 : 0;
}

const char *
http_request_header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int
http_request_session(const struct http_request *r,
    const unsigned char **id_hash, const char **csrf)
{
	if (!r->via_session)
		return 0;
	*id_hash = r->sess_hash;
	*csrf = r->csrf;
	return 1;
}

void *
http_request_state(const struct http_request *r)
{
	return r->hstate;
}

void
http_request_set_state(struct http_request *r, void *state)
{
	r->hstate = state;
}

void
http_request_set_rows(struct http_request *r, int64_t rows)
{
	r->rows = rows;
}

static void
reply_reset(struct http_reply *rep)
{
	free(rep->set_cookie);
	free(rep->disposition);
	free(rep->body);
	memset(rep, 0, sizeof(*rep));
}

void
http_reply_text(struct http_reply *rep, unsigned status,
    const char *content_type, char *body, size_t len)
{
	char	*cookie = rep->set_cookie;

	rep->set_cookie = NULL;		/* a cookie set first survives */
	reply_reset(rep);
	rep->set_cookie = cookie;
	rep->status = status;
	rep->content_type = content_type;
	rep->body = body;
	rep->len = len;
}

void
http_reply_json(struct http_reply *rep, unsigned status, cJSON *json)
{
	char	*s;

	s = json != NULL ? cJSON_PrintUnformatted(json) : NULL;
	cJSON_Delete(json);
	if (s == NULL) {
		http_reply_error(rep, 500, "internal", "out of memory");
		return;
	}
	http_reply_text(rep, status, "application/json", s, strlen(s));
}

void
http_reply_error(struct http_reply *rep, unsigned status, const char *code,
    const char *message)
{
	cJSON	*j;
	char	*s = NULL;

	if ((j = cJSON_CreateObject()) != NULL &&
	    cJSON_AddStringToObject(j, "error", code) != NULL &&
	    cJSON_AddStringToObject(j, "message", message) != NULL)
		s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (s == NULL) {
		/* Out of memory: a fixed body that needs no allocation. */
		reply_reset(rep);
		rep->status = 500;
		rep->content_type = "application/json";
		return;
	}
	http_reply_text(rep, status, "application/json", s, strlen(s));
}

/* Methods we log verbatim; anything else is logged as OTHER. */
static const char *
method_label(const char *m)
{
	static const char *const known[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(known); i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "OTHER";
}

static int
param_valid(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > HTTP_PARAM_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_')
			continue;
		return 0;
	}
	return 1;
}

/* Does the route's path match url? Fills param for prefix routes. */
static int
route_matches(const struct http_route *rt, const char *url,
    char param[HTTP_PARAM_MAX + 1])
{
	size_t	plen = strlen(rt->path), rest;

	if (!rt->prefix)
		return strcmp(url, rt->path) == 0;
	if (strncmp(url, rt->path, plen) != 0)
		return 0;
	rest = strlen(url + plen);
	if (!param_valid(url + plen, rest))
		return 0;
	memcpy(param, url + plen, rest + 1);
	return 1;
}

/*
 * Finds the route for url and method. Returns the route, or NULL with
 * *status 404 or 405 (and allow listing the methods the path has).
 */
static const struct http_route *
route_find(struct http_request *r, const char *url, const char *method,
    unsigned *status, char *allow, size_t allowlen)
{
	const struct http_route	*rt;
	size_t			 i, off = 0;
	int			 path_found = 0;

	allow[0] = '\0';
	for (i = 0; i < r->srv->nroutes; i++) {
		rt = &r->srv->routes[i];
		if (!route_matches(rt, url, r->param))
			continue;
		if (strcmp(rt->method, method) == 0) {
			r->metric = r->srv->metric[i];
			return rt;
		}
		path_found = 1;
		if (util_fmt(allow + off, allowlen - off, "%s%s",
		    off > 0 ? ", " : "", rt->method) == 0)
			off = strlen(allow);
	}
	r->param[0] = '\0';
	*status = path_found ? 405 : 404;
	return NULL;
}

/*
 * A party bound to a client certificate must present exactly that one,
 * and it must chain to the configured client CA. libmicrohttpd only asks
 * for a certificate; enforcing it is ours.
 */
static int
client_cert_ok(struct http_request *r)
{
	const union MHD_ConnectionInfo	*ci;
	const gnutls_datum_t		*peers;
	unsigned char			 md[EVP_MAX_MD_SIZE];
	unsigned int			 n = 0, mdlen = 0, status = 0;

	if (!r->party.has_cert)
		return 1;
	if (!r->srv->tls_client_ca)
		return 0;	/* bound, but no CA to verify against */
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return 0;
	if (gnutls_certificate_verify_peers2(
	    (gnutls_session_t)ci->tls_session, &status) != 0 || status != 0)
		return 0;
	peers = gnutls_certificate_get_peers(
	    (gnutls_session_t)ci->tls_session, &n);
	if (peers == NULL || n == 0)
		return 0;
	if (EVP_Digest(peers[0].data, peers[0].size, md, &mdlen,
	    EVP_sha256(), NULL) != 1 || mdlen != PARTY_CERT_HASH_LEN)
		return 0;
	return CRYPTO_memcmp(md, r->party.cert_sha256,
	    PARTY_CERT_HASH_LEN) == 0;
}

/* The media type of a Content-Type value, without parameters. */
static int
type_accepted(const char *ct, const char *const *types)
{
	size_t	len, i;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	for (len = 0; ct[len] != '\0' && ct[len] != ';' && ct[len] != ' ';
	    len++)
		;
	for (i = 0; types[i] != NULL; i++)
		if (strlen(types[i]) == len &&
		    strncasecmp(ct, types[i], len) == 0)
			return 1;
	return 0;
}

/* Body rules from the headers: 411, 413, 415, or 0 when acceptable. */
static int
body_gate(struct http_request *r, struct http_reply *rep)
{
	const struct http_route	*rt = r->route;
	const char		*cl, *te, *ct;
	long long		 len = -1;

	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (cl != NULL && util_memtonum(cl, strlen(cl), 0, LLONG_MAX,
	    &len) == -1) {
		http_reply_error(rep, 400, "bad_request",
		    "Content-Length is not a number");
		return -1;
	}
	if (rt->body_limit < 0) {
		if (len > 0 || te != NULL) {
			http_reply_error(rep, 413, "body_too_large",
			    "this endpoint takes no request body");
			return -1;
		}
		r->body_limit = 0;
		return 0;
	}
	r->body_limit = (uint64_t)config_limit(r->srv->env.cfg,
	    (enum cfg_limit)rt->body_limit);
	if (cl == NULL && te == NULL) {
		http_reply_error(rep, 411, "length_required",
		    "send Content-Length or Transfer-Encoding: chunked");
		return -1;
	}
	if (len >= 0 && (uint64_t)len > r->body_limit) {
		http_reply_error(rep, 413, "body_too_large",
		    "the request body is larger than this endpoint accepts");
		return -1;
	}
	ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (rt->types != NULL && !type_accepted(ct, rt->types)) {
		http_reply_error(rep, 415, "unsupported_media_type",
		    "this endpoint does not accept this Content-Type");
		return -1;
	}
	return 0;
}

/* GET and HEAD change nothing; every other method may. */
static int
method_safe(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/*
 * A state-changing request that names its Origin must come from this
 * server's own pages ("https://" + the Host it asked for). Browsers send
 * Origin on every cross-site POST, so a foreign page cannot make a
 * logged-in browser change anything even before the CSRF check. API
 * clients send no Origin and are not affected.
 */
static int
origin_ok(struct http_request *r, const char *method)
{
	const char	*origin, *host;
	char		 own[HTTP_ORIGIN_MAX];

	if (method_safe(method))
		return 1;
	origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    "Origin");
	if (origin == NULL)
		return 1;
	host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	if (host == NULL || util_fmt(own, sizeof(own), "https://%s", host) ==
	    -1)
		return 0;
	return strcasecmp(origin, own) == 0;
}

/*
 * Authenticates by the session cookie, when there is one: the session
 * gives the hash of the party's token, and the party is looked up again
 * so that a revoked party is refused (and its session ended) at once.
 */
static enum auth_result
session_auth(struct http_request *r)
{
	unsigned char		 tok[PARTY_TOKEN_HASH_LEN];
	const char		*id;
	enum store_result	 rc;

	id = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
	    SESSION_COOKIE);
	if (id == NULL)
		return AUTH_MISSING;
	if (session_lookup(id, tok, r->sess_hash, r->csrf) == -1)
		return AUTH_INVALID;
	rc = store_party_by_token(r->srv->env.store, tok, &r->party);
	OPENSSL_cleanse(tok, sizeof(tok));
	if (rc == STORE_ERROR)
		return AUTH_ERROR;
	if (rc != STORE_OK) {
		session_end(r->sess_hash);
		return AUTH_INVALID;
	}
	r->via_session = 1;
	return AUTH_OK;
}

/* A state-changing request in a session carries the session's token. */
static int
csrf_ok(struct http_request *r, const char *method)
{
	const char	*v;

	if (method_safe(method))
		return 1;
	v = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    SESSION_CSRF_HEADER);
	return v != NULL && strlen(v) == SESSION_CSRF_LEN &&
	    CRYPTO_memcmp(v, r->csrf, SESSION_CSRF_LEN) == 0;
}

/*
 * The gate. Returns 0 when the request may proceed to its handler, or -1
 * after filling r->reply with the refusal.
 */
static int
gate(struct http_request *r, const char *url, const char *method)
{
	struct http_reply	*rep = &r->reply;
	const char		*authz;
	char			 allow[64];
	unsigned		 status = 0;

	r->route = route_find(r, url, method, &status, allow, sizeof(allow));
	if (r->route == NULL) {
		if (status == 405) {
			http_reply_error(rep, 405, "method_not_allowed",
			    "this method is not allowed on this path");
			rep->allow = allow[0] != '\0' ? strdup(allow) : NULL;
		} else
			http_reply_error(rep, 404, "not_found",
			    "no such endpoint");
		return -1;
	}
	if (!origin_ok(r, method)) {
		http_reply_error(rep, 403, ERR_CSRF_ONGELDIG,
		    "Dit verzoek komt van een andere website en is geweigerd.");
		return -1;
	}
	if (r->route->roles != 0) {
		authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_AUTHORIZATION);
		switch (authz == NULL ? session_auth(r) :
		    auth_bearer(r->srv->env.store, authz, &r->party)) {
		case AUTH_OK:
			break;
		case AUTH_ERROR:
			http_reply_error(rep, 500, "internal",
			    "authentication is unavailable");
			return -1;
		default:
			metrics_auth_failure();
			http_reply_error(rep, 401, "unauthorized",
			    "a valid bearer token is required");
			return -1;
		}
		r->authed = 1;
		if (r->via_session && !csrf_ok(r, method)) {
			http_reply_error(rep, 403, ERR_CSRF_ONGELDIG,
			    "Deze wijziging mist een geldig CSRF-token; laad de "
			    "pagina opnieuw.");
			return -1;
		}
		if (!client_cert_ok(r)) {
			metrics_auth_failure();
			http_reply_error(rep, 401, "unauthorized",
			    "this party must present its client certificate");
			return -1;
		}
		if (!auth_role_allowed(&r->party, r->route->roles)) {
			http_reply_error(rep, 403, "forbidden",
			    "your role may not use this endpoint");
			return -1;
		}
	}
	return body_gate(r, rep);
}

/*
 * Queues r->reply. With keep set the reply's body is copied, so that when
 * libmicrohttpd refuses the response (it may, in the middle of a body)
 * the reply is still there to send later.
 */
static enum MHD_Result
queue_reply_mode(struct http_request *r, int keep)
{
	static const char	 empty[] = "";
	struct http_reply	*rep = &r->reply;
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;

	if (rep->status == 0)
		http_reply_error(rep, 500, "internal", "no answer");
	if (rep->body != NULL) {
		resp = MHD_create_response_from_buffer(rep->len, rep->body,
		    keep ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
		if (resp != NULL && !keep)
			rep->body = NULL;	/* now owned by resp */
	} else
		resp = MHD_create_response_from_buffer(0, (void *)(uintptr_t)
		    empty, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    rep->content_type != NULL ? rep->content_type :
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Strict-Transport-Security",
	    "max-age=31536000");
	MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (rep->disposition != NULL)
		MHD_add_response_header(resp, "Content-Disposition",
		    rep->disposition);
	if (rep->set_cookie != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    rep->set_cookie);
	if (rep->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"sorttp\"");
	if (rep->status == 405 && rep->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    rep->allow);
	ret = MHD_queue_response(r->conn, rep->status, resp);
	MHD_destroy_response(resp);
	if (ret == MHD_YES) {
		r->queued = 1;
		r->status = rep->status;
		r->bytes_out = rep->len;
	}
	return ret;
}

static enum MHD_Result
queue_reply(struct http_request *r)
{
	return queue_reply_mode(r, 0);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server	*srv = cls;
	struct http_request	*r = *con_cls;
	size_t			 n;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		r->srv = srv;
		r->conn = conn;
		r->metric = -1;
		r->method = method_label(method);
		r->start_ns = util_now_ns();
		*con_cls = r;
		metrics_inflight_add(1);
		if (gate(r, url, method) == -1)
			return queue_reply(r);
		r->begun = 1;
		if (r->route->begin != NULL &&
		    r->route->begin(r, &r->reply) == -1)
			return queue_reply(r);
		/*
		 * A route without a body answers at the next call, once
		 * libmicrohttpd has the whole request: a response queued
		 * on this first call makes it close the connection, and
		 * keep-alive clients would pay a TLS handshake per request.
		 */
		if (r->route->body_limit < 0)
			r->state = REQ_DISCARD;
		return MHD_YES;		/* now read the body, if any */
	}
	if (r->queued)
		return MHD_YES;
	if (*upload_data_size > 0) {
		n = *upload_data_size;
		*upload_data_size = 0;
		r->body_len += n;
		if (r->state == REQ_FEED) {
			if (r->body_len > r->body_limit) {
				http_reply_error(&r->reply, 413,
				    "body_too_large", "the request body is "
				    "larger than this endpoint accepts");
				r->state = REQ_DISCARD;
			} else if (r->route->data(r, upload_data, n,
			    &r->reply) == -1)
				r->state = REQ_DISCARD;
		}
		if (r->state != REQ_DISCARD)
			return MHD_YES;
		/*
		 * The answer is decided. Send it now if libmicrohttpd lets
		 * us (it then skips the rest of the body); otherwise read on
		 * and answer at the end, but cut off a client that keeps
		 * sending after a bounded amount rather than read for ever.
		 */
		if (queue_reply_mode(r, 1) == MHD_YES)
			return MHD_YES;
		if (r->body_len > r->body_limit + HTTP_DISCARD_MAX)
			return MHD_NO;
		return MHD_YES;
	}
	if (r->state == REQ_FEED || r->route->body_limit < 0)
		r->route->end(r, &r->reply);
	return queue_reply(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_request	*r = *con_cls;
	uint64_t		 ns;
	char			 rows[24];

	(void)cls;
	(void)conn;
	if (r == NULL)
		return;
	*con_cls = NULL;
	ns = util_now_ns() - r->start_ns;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !r->queued)
		r->status = 0;	/* the client went away, or we cut it off */
	if (r->rows > 0)
		util_fmt(rows, sizeof(rows), "%lld", (long long)r->rows);
	else
		util_fmt(rows, sizeof(rows), "-");
	log_info("request party=%s method=%s route=%s status=%u bytes=%zu "
	    "rows=%s ms=%.1f", r->authed ? r->party.name : "-", r->method,
	    r->route != NULL ? r->route->label : "-", r->status,
	    r->bytes_out, rows, (double)ns / 1e6);
	metrics_request(r->metric, r->status, r->bytes_out, ns);
	metrics_inflight_add(-1);
	if (r->begun && r->route->done != NULL)
		r->route->done(r);
	free((void *)(uintptr_t)r->reply.allow);
	reply_reset(&r->reply);
	OPENSSL_cleanse(&r->party, sizeof(r->party));
	OPENSSL_cleanse(r->csrf, sizeof(r->csrf));
	free(r);
}

/*
 * libmicrohttpd's own messages are logged at debug level only: some of
 * them quote parts of a malformed request, and a request may carry an
 * identifier in a place we do not control.
 */
static void
on_mhd_log(void *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	buf[256];
	size_t	len;

	(void)cls;
	if (!log_enabled(LOG_LEVEL_DEBUG))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	log_debug("libmicrohttpd: %s", buf);
}

static int
resolve_listen(const char *listen, struct sockaddr_storage *ss,
    socklen_t *sslen, int *v6, char *url, size_t urllen, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[CFG_LISTEN_MAX];
	unsigned	 port;
	int		 rc;

	if (config_parse_listen(listen, host, sizeof(host), &port) == -1) {
		util_fmt(err, errlen, "listen address '%s' must be ADDR:PORT",
		    listen);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		util_fmt(err, errlen, "listen address '%s': %s", listen,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	*v6 = res->ai_family == AF_INET6;
	if (*v6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	freeaddrinfo(res);
	util_fmt(url, urllen, *v6 ? "[%s]" : "%s", host);
	return 0;
}

int
http_server_start(struct http_server **out, const struct http_env *env,
    const struct http_route *routes, const char *listen, const char *cert_pem,
    const char *key_pem, const char *ca_pem, char *err, size_t errlen)
{
	struct http_server		*srv;
	struct sockaddr_storage		 ss;
	const union MHD_DaemonInfo	*di;
	socklen_t			 sslen;
	unsigned			 flags;
	char				 host[CFG_LISTEN_MAX + 2];
	int				 v6, m;
	size_t				 i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	srv->env = *env;
	srv->routes = routes;
	srv->tls_client_ca = ca_pem != NULL;
	for (i = 0; routes[i].method != NULL; i++) {
		if (i == HTTP_ROUTES_MAX || (m = metrics_route(
		    routes[i].label)) == -1) {
			util_fmt(err, errlen, "too many routes");
			goto fail;
		}
		srv->metric[i] = m;
	}
	srv->nroutes = i;
	if (session_init((size_t)config_limit(env->cfg, LIMIT_SESSIONS_MAX),
	    config_limit(env->cfg, LIMIT_SESSION_IDLE_S),
	    config_limit(env->cfg, LIMIT_SESSION_MAX_AGE_S)) == -1) {
		util_fmt(err, errlen, "out of memory");
		goto fail;
	}
	if (resolve_listen(listen, &ss, &sslen, &v6, host, sizeof(host), err,
	    errlen) == -1)
		goto fail;
	flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_AUTO | MHD_USE_TLS | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (v6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)config_limit(env->cfg, LIMIT_CONN_TIMEOUT_S),
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)config_limit(env->cfg, LIMIT_CONN_MAX),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)config_limit(env->cfg, LIMIT_CONN_PER_IP),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
	    MHD_OPTION_HTTPS_MEM_KEY, key_pem,
	    MHD_OPTION_HTTPS_PRIORITIES, HTTP_TLS_PRIORITIES,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
	    ca_pem != NULL ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END,
	    ca_pem, MHD_OPTION_END);
	if (srv->daemon == NULL) {
		util_fmt(err, errlen, "cannot listen on %s (address in use, "
		    "no permission, or a bad certificate/key)", listen);
		goto fail;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di == NULL || di->port == 0) {
		util_fmt(err, errlen, "cannot read the bound port");
		goto fail;
	}
	util_fmt(srv->url, sizeof(srv->url), "https://%s:%u", host,
	    (unsigned)di->port);
	*out = srv;
	return 0;
fail:
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	free(srv);
	return -1;
}

const char *
http_server_url(const struct http_server *srv)
{
	return srv->url;
}

void
http_server_stop(struct http_server *srv, long long grace_s)
{
	struct timespec	pause = { 0, 20 * 1000 * 1000 };
	uint64_t	deadline;
	MHD_socket	fd;

	if (srv == NULL)
		return;
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	deadline = util_now_ns() + (uint64_t)grace_s * 1000000000ULL;
	while (metrics_inflight() > 0 && util_now_ns() < deadline)
		nanosleep(&pause, NULL);
	if (metrics_inflight() > 0)
		log_warn("stopping with %ld request(s) still in flight",
		    metrics_inflight());
	MHD_stop_daemon(srv->daemon);
	session_fini();
	free(srv);
}

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

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
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

#include "feed.h"
#include "auth.h"
#include "errors.h"
#include "http_server.h"
#include "indicators.h"
#include "log.h"
#include "errors.h"
#include "metrics.h"
#include "session.h"
#include "util.h"

#define HTTP_ROUTES_MAX		METRICS_ROUTES_MAX
#define HTTP_PARAM_MAX		64	/* bytes of a {id} path segment */
#define HTTP_CONN_MEMORY	(128 * 1024)	/* per-connection buffer */
#define HTTP_QUERY_MAX		32	/* query parameters of one request */
#define HTTP_LINGER_MS		500	/* reading on after an early answer */
#define HTTP_LINGER_MAX		(256 * 1024)
#define HTTP_REAP_MS		250	/* how often slow clients are sought */
#define HTTP_REAP_QUIET_NS	1000000000ULL	/* silence before a cut */
#define HTTP_ORIGIN_MAX		300	/* bytes of "https://" + Host */
/*
 * Sent with every answer, JSON included: the web app's pages load only
 * their own scripts and styles, never inline code, and may not be framed.
 */
#define HTTP_CSP \
	"default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; form-action 'self'; " \
	"base-uri 'none'; frame-ancestors 'none'"

struct http_server {
	struct MHD_Daemon		*daemon;
	const struct http_route		*routes;
	int				 metric[HTTP_ROUTES_MAX];
	size_t				 nroutes;
	struct http_env			 env;
	char				 url[128];
	int				 tls_client_ca;
	/* Slow-client rules: every open connection, and the reaper. */
	pthread_mutex_t			 conn_mu;
	struct http_conn		*conns;
	pthread_t			 reaper;
	int				 reaper_started;
	atomic_int			 reaper_quit;
	uint64_t			 header_ns;	/* header deadline */
	uint64_t			 grace_ns;	/* body rate grace */
	uint64_t			 rate_min;	/* body bytes/s */
	atomic_int			 open;	/* http_server_open called */
};

/*
 * One open connection, for the slow-client rules. libmicrohttpd's idle
 * timeout restarts on every byte, so a client sending a byte now and then
 * could hold its connection and thread for ever. Until its headers are
 * complete a connection has a deadline; while a body arrives it must
 * average a minimum rate once a grace period has passed. The fields the
 * connection's thread updates are atomics; the list is under conn_mu.
 */
enum conn_phase {
	CONN_HEADERS,	/* waiting for (the rest of) request headers */
	CONN_BODY,	/* a request body is arriving */
	CONN_BUSY	/* answering: no rule */
};

struct http_conn {
	struct http_conn	*prev, *next;
	MHD_socket		 fd;
	atomic_int		 phase;
	atomic_ullong		 since_ns;	/* start of this phase */
	atomic_ullong		 deadline_ns;	/* CONN_HEADERS: cut after */
	atomic_ullong		 last_ns;	/* last body bytes */
	atomic_ullong		 bytes;		/* body bytes so far */
	int			 cut;		/* shut down by the reaper */
};

static enum MHD_Result	on_accept(void *, const struct sockaddr *,
			    socklen_t);

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
	struct http_conn	*hc;		/* NULL when untracked */
	int			 close;		/* answer with Connection: close */
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

const char *
http_request_header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void
http_request_set_body_limit(struct http_request *r, uint64_t limit)
{
	r->body_limit = limit;
}

static void
reply_reset(struct http_reply *rep)
{
	free(rep->set_cookie);
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
		http_reply_error(rep, 500, "internal",
		    "onvoldoende geheugen");
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

struct framing {
	unsigned	 ncl, nte;
};

static enum MHD_Result
count_framing(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing	*f = arg;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->ncl++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->nte++;
	return MHD_YES;
}

unsigned
http_te_status(const char *te)
{
	const char	*p = te, *w;
	size_t		 len;
	unsigned	 nchunked = 0, nother = 0, nempty = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (w = p, len = 0; p[len] != '\0' && p[len] != ','; len++)
			;
		p += len;
		while (len > 0 && (w[len - 1] == ' ' || w[len - 1] == '\t'))
			len--;
		if (len == 0)
			nempty++;
		else if (len == 7 && strncasecmp(w, "chunked", 7) == 0)
			nchunked++;
		else
			nother++;
		if (*p == '\0')
			break;
		p++;
	}
	if (nother > 0)
		return 501;
	return nchunked == 1 && nempty == 0 ? 0 : 400;
}

/*
 * Message framing (RFC 9112 6.3): a request whose body length two parts
 * of the chain could read differently is refused and its connection
 * closed, because the bytes after it cannot be trusted to be a request
 * (smuggling). libmicrohttpd takes the first of two Content-Length
 * headers and reads any unknown coding until the connection ends.
 */
static int
framing_gate(struct http_request *r, struct http_reply *rep)
{
	struct framing	 f = { 0, 0 };
	const char	*te;
	unsigned	 st;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &f);
	te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (f.ncl > 1) {
		http_reply_error(rep, 400, ERR_BAD_FRAMING, "Het verzoek heeft "
		    "meer dan een Content-Length-header");
		goto refuse;
	}
	if (f.ncl > 0 && f.nte > 0) {
		http_reply_error(rep, 400, ERR_BAD_FRAMING, "Het verzoek heeft "
		    "zowel Content-Length als Transfer-Encoding");
		goto refuse;
	}
	if (f.nte > 1) {
		http_reply_error(rep, 400, ERR_BAD_FRAMING, "Het verzoek heeft "
		    "meer dan een Transfer-Encoding-header");
		goto refuse;
	}
	if (te != NULL && (st = http_te_status(te)) != 0) {
		if (st == 501)
			http_reply_error(rep, 501, ERR_UNSUPPORTED_ENCODING,
			    "Alleen Transfer-Encoding: chunked wordt "
			    "ondersteund");
		else
			http_reply_error(rep, 400, ERR_BAD_FRAMING,
			    "Transfer-Encoding moet precies een keer "
			    "'chunked' zijn");
		goto refuse;
	}
	return 0;
refuse:
	r->close = 1;
	return -1;
}

struct query_check {
	const char	*seen[HTTP_QUERY_MAX];
	size_t		 n;
	int		 bad;	/* 1 repeated, 2 control character, 3 many */
};

static int
has_control(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

static enum MHD_Result
check_query_arg(void *arg, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct query_check	*q = arg;
	size_t			 i;

	(void)kind;
	/* A decoded %00 leaves the C string shorter than its size. */
	if (has_control(key, key_size) || strlen(key) != key_size ||
	    (value != NULL && (has_control(value, value_size) ||
	    strlen(value) != value_size))) {
		q->bad = 2;
		return MHD_NO;
	}
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->seen[i], key) == 0) {
			q->bad = 1;
			return MHD_NO;
		}
	}
	if (q->n == HTTP_QUERY_MAX) {
		q->bad = 3;
		return MHD_NO;
	}
	q->seen[q->n++] = key;
	return MHD_YES;
}

/*
 * Every query parameter of the API takes one value (lists are
 * comma-separated), so a repeated name is refused rather than quietly
 * using the first; so is a control character, which a C string would
 * cut short or a log line would carry.
 */
static int
query_gate(struct http_request *r, struct http_reply *rep)
{
	struct query_check	q;

	memset(&q, 0, sizeof(q));
	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND,
	    check_query_arg, &q);
	switch (q.bad) {
	case 0:
		return 0;
	case 1:
		http_reply_error(rep, 400, ERR_BAD_PARAMETER, "Een parameter "
		    "staat meer dan een keer in de query; geef hem een keer "
		    "(meerdere waarden gescheiden door komma's)");
		break;
	case 2:
		http_reply_error(rep, 400, ERR_BAD_PARAMETER, "Een parameter in "
		    "de query bevat een stuurteken (zoals %00)");
		break;
	default:
		http_reply_error(rep, 400, ERR_BAD_PARAMETER, "De query heeft "
		    "te veel parameters");
		break;
	}
	return -1;
}

/* 415, naming the media types the endpoint takes. */
static void
reply_415(struct http_reply *rep, const char *const *types)
{
	char	msg[256];
	size_t	i, off;

	off = (size_t)snprintf(msg, sizeof(msg), "dit endpoint verwacht "
	    "Content-Type ");
	for (i = 0; types[i] != NULL && off < sizeof(msg); i++)
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s%s",
		    i == 0 ? "" : types[i + 1] == NULL ? " of " : ", ",
		    types[i]);
	http_reply_error(rep, 415, "unsupported_media_type", msg);
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
		    "Content-Length is geen getal");
		return -1;
	}
	if (rt->body_limit < 0) {
		if (len > 0 || te != NULL) {
			http_reply_error(rep, 413, "body_too_large",
			    "dit endpoint neemt geen request body aan");
			return -1;
		}
		r->body_limit = 0;
		return 0;
	}
	r->body_limit = (uint64_t)config_limit(r->srv->env.cfg,
	    (enum cfg_limit)rt->body_limit);
	if (cl == NULL && te == NULL) {
		http_reply_error(rep, 411, "length_required",
		    "stuur Content-Length of Transfer-Encoding: chunked");
		return -1;
	}
	if (len >= 0 && (uint64_t)len > r->body_limit) {
		http_reply_error(rep, 413, "body_too_large",
		    "de request body is groter dan dit endpoint aanneemt");
		return -1;
	}
	ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (rt->types != NULL && !type_accepted(ct, rt->types)) {
		reply_415(rep, rt->types);
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
	/* A token that expires ends the sessions it opened, as a revocation. */
	if (auth_expired(&r->party, time(NULL))) {
		session_end(r->sess_hash);
		return AUTH_EXPIRED;
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

	if (framing_gate(r, rep) == -1)
		return -1;
	r->route = route_find(r, url, method, &status, allow, sizeof(allow));
	if (r->route == NULL) {
		if (status == 405) {
			http_reply_error(rep, 405, "method_not_allowed",
			    "deze methode is op dit pad niet toegestaan; "
			    "zie de Allow-header");
			rep->allow = allow[0] != '\0' ? strdup(allow) : NULL;
		} else
			http_reply_error(rep, 404, "not_found",
			    "dit endpoint bestaat niet");
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
			    "authenticatie is tijdelijk niet "
			    "beschikbaar; probeer het later opnieuw");
			return -1;
		case AUTH_EXPIRED:
			metrics_auth_failure();
			http_reply_error(rep, 401, "token_expired",
			    "het token is verlopen; vraag de beheerder om een "
			    "nieuw token (sorttp party rotate-token)");
			return -1;
		default:
			metrics_auth_failure();
			http_reply_error(rep, 401, "unauthorized",
			    "een geldig token is vereist "
			    "(Authorization: Bearer ...)");
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
			    "deze partij moet haar "
			    "clientcertificaat tonen");
			return -1;
		}
		if (!auth_role_allowed(&r->party, r->route->roles)) {
			http_reply_error(rep, 403, "forbidden",
			    "uw rol mag dit endpoint niet "
			    "gebruiken");
			return -1;
		}
	}
	if (query_gate(r, rep) == -1)
		return -1;
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
		http_reply_error(rep, 500, "internal", "geen antwoord");
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
	if (rep->set_cookie != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    rep->set_cookie);
	if (r->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	if (rep->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"sorttp\"");
	if (rep->status == 405 && rep->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    rep->allow);
	if (rep->disposition[0] != '\0')
		MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONTENT_DISPOSITION, rep->disposition);
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

/* Sends all of buf on the TLS session, waiting at most ms in total. */
static int
tls_send_all(gnutls_session_t tls, int fd, const char *buf, size_t len,
    int ms)
{
	struct pollfd	pfd = { fd, POLLOUT, 0 };
	ssize_t		n;

	while (len > 0) {
		n = gnutls_record_send(tls, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			if (ms <= 0 || poll(&pfd, 1, 50) == -1)
				return -1;
			ms -= 50;
		} else
			return -1;
	}
	return 0;
}

/*
 * Answers now, in the middle of a request body. libmicrohttpd 0.9.75
 * only queues a response before the body or after all of it, so an
 * oversize chunked body or a body that is too slow would otherwise never
 * hear why it was cut off. We are on the connection's own thread, so the
 * TLS session is ours to write: the answer goes out with Connection:
 * close, the sending side is shut, and the incoming bytes are read for a
 * moment so the client is not reset before it has read the answer. The
 * caller then returns MHD_NO and libmicrohttpd closes the connection.
 */
static enum MHD_Result
answer_now(struct http_request *r)
{
	const union MHD_ConnectionInfo	*ci, *fi;
	struct http_reply		*rep = &r->reply;
	struct pollfd			 pfd;
	gnutls_session_t		 tls;
	const char			*reason;
	char				 head[512], sink[4096];
	uint64_t			 end;
	size_t				 drained = 0;
	ssize_t				 n;

	r->close = 1;
	if (queue_reply_mode(r, 1) == MHD_YES)
		return MHD_YES;
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	fi = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL || ci->tls_session == NULL || fi == NULL)
		return MHD_NO;
	tls = (gnutls_session_t)ci->tls_session;
	if ((reason = MHD_get_reason_phrase_for(rep->status)) == NULL)
		reason = "Error";
	if (util_fmt(head, sizeof(head), "HTTP/1.1 %u %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Strict-Transport-Security: max-age=31536000\r\n\r\n",
	    rep->status, reason, rep->content_type != NULL ?
	    rep->content_type : "application/json", rep->len) == -1 ||
	    tls_send_all(tls, fi->connect_fd, head, strlen(head), 1000) == -1 ||
	    tls_send_all(tls, fi->connect_fd, rep->body != NULL ? rep->body :
	    "", rep->len, 1000) == -1)
		return MHD_NO;
	r->queued = 1;
	r->status = rep->status;
	r->bytes_out = rep->len;
	gnutls_bye(tls, GNUTLS_SHUT_WR);
	shutdown(fi->connect_fd, SHUT_WR);
	end = util_now_ns() + HTTP_LINGER_MS * 1000000ULL;
	pfd.fd = fi->connect_fd;
	pfd.events = POLLIN;
	while (drained < HTTP_LINGER_MAX && util_now_ns() < end) {
		if (poll(&pfd, 1, 50) == -1)
			break;
		n = recv(fi->connect_fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK))
			break;
		if (n > 0)
			drained += (size_t)n;
	}
	return MHD_NO;
}

/* The tracked connection of conn, or NULL. */
static struct http_conn *
conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

static void
conn_phase(struct http_conn *hc, enum conn_phase phase, uint64_t deadline)
{
	uint64_t	now = util_now_ns();

	if (hc == NULL)
		return;
	atomic_store(&hc->since_ns, now);
	atomic_store(&hc->last_ns, now);
	atomic_store(&hc->bytes, 0);
	atomic_store(&hc->deadline_ns, now + deadline);
	atomic_store(&hc->phase, (int)phase);
}

/* Has a body fallen below the minimum average rate after its grace? */
static int
body_too_slow(const struct http_server *srv, uint64_t since, uint64_t now,
    uint64_t bytes)
{
	uint64_t	elapsed = now > since ? now - since : 0;

	if (elapsed <= srv->grace_ns)
		return 0;
	/* bytes/elapsed < rate, without floating point: ns and bytes. */
	return (double)bytes * 1e9 < (double)srv->rate_min * (double)elapsed;
}

/*
 * The reaper: cuts connections that break the header deadline, or whose
 * body is below the minimum rate and has been silent for a second (one
 * that is still sending gets a 408 from on_request instead). Shutting the
 * socket down makes the connection's own thread see the end of the
 * stream and clean up; the socket stays open until libmicrohttpd has told
 * on_connection it is closed, which takes conn_mu, so the descriptor
 * cannot be another connection's by then.
 */
static void *
reaper_main(void *arg)
{
	struct http_server	*srv = arg;
	struct timespec		 pause = { 0, HTTP_REAP_MS * 1000000L };
	struct http_conn	*hc;
	uint64_t		 now;
	int			 cut;

	while (!atomic_load(&srv->reaper_quit)) {
		nanosleep(&pause, NULL);
		now = util_now_ns();
		pthread_mutex_lock(&srv->conn_mu);
		for (hc = srv->conns; hc != NULL; hc = hc->next) {
			if (hc->cut)
				continue;
			switch (atomic_load(&hc->phase)) {
			case CONN_HEADERS:
				cut = now > atomic_load(&hc->deadline_ns);
				break;
			case CONN_BODY:
				cut = now - atomic_load(&hc->last_ns) >
				    HTTP_REAP_QUIET_NS && body_too_slow(srv,
				    atomic_load(&hc->since_ns), now,
				    atomic_load(&hc->bytes));
				break;
			default:
				cut = 0;
				break;
			}
			if (cut) {
				hc->cut = 1;
				shutdown(hc->fd, SHUT_RDWR);
				metrics_slow_closed();
			}
		}
		pthread_mutex_unlock(&srv->conn_mu);
	}
	return NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server		*srv = cls;
	struct http_conn		*hc = *socket_context;
	const union MHD_ConnectionInfo	*ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL || (hc = calloc(1, sizeof(*hc))) == NULL)
			return;		/* untracked: the idle timeout holds */
		hc->fd = ci->connect_fd;
		conn_phase(hc, CONN_HEADERS, srv->header_ns);
		pthread_mutex_lock(&srv->conn_mu);
		hc->next = srv->conns;
		if (srv->conns != NULL)
			srv->conns->prev = hc;
		srv->conns = hc;
		pthread_mutex_unlock(&srv->conn_mu);
		*socket_context = hc;
		return;
	}
	if (hc == NULL)
		return;
	pthread_mutex_lock(&srv->conn_mu);
	if (hc->prev != NULL)
		hc->prev->next = hc->next;
	else
		srv->conns = hc->next;
	if (hc->next != NULL)
		hc->next->prev = hc->prev;
	pthread_mutex_unlock(&srv->conn_mu);
	free(hc);
	*socket_context = NULL;
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
		r->hc = conn_of(conn);
		*con_cls = r;
		metrics_inflight_add(1);
		conn_phase(r->hc, CONN_BUSY, 0);
		if (gate(r, url, method) == -1)
			return queue_reply(r);
		if (r->route->body_limit >= 0)
			conn_phase(r->hc, CONN_BODY, 0);
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
		if (r->hc != NULL) {
			atomic_store(&r->hc->last_ns, util_now_ns());
			atomic_store(&r->hc->bytes, r->body_len);
		}
		if (body_too_slow(srv, r->start_ns, util_now_ns(),
		    r->body_len)) {
			/* Nothing is stored: the handler never sees an end. */
			http_reply_error(&r->reply, 408, ERR_BODY_TOO_SLOW,
			    "De gegevens komen te langzaam binnen; het verzoek "
			    "is afgebroken en er is niets opgeslagen");
			r->state = REQ_DISCARD;
			metrics_slow_closed();
			return answer_now(r);
		}
		if (r->body_len > r->body_limit) {
			/*
			 * A chunked body: its size shows only now. An answer
			 * decided earlier goes out instead of the 413.
			 */
			if (r->state == REQ_FEED)
				http_reply_error(&r->reply, 413,
				    "body_too_large", "de request body is "
				    "groter dan dit endpoint aanneemt");
			r->state = REQ_DISCARD;
			return answer_now(r);
		}
		if (r->state == REQ_FEED && r->route->data(r, upload_data, n,
		    &r->reply) == -1)
			r->state = REQ_DISCARD;
		if (r->state != REQ_DISCARD)
			return MHD_YES;
		/*
		 * The answer is decided: send it now and close, rather than
		 * read the rest of a body nobody will look at (a client that
		 * then stalls would otherwise hear nothing but a cut).
		 */
		return answer_now(r);
	}
	conn_phase(r->hc, CONN_BUSY, 0);
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
	int			 feed;

	(void)cls;
	(void)conn;
	if (r == NULL)
		return;
	*con_cls = NULL;
	/*
	 * The next request on a kept-alive connection has the idle timeout
	 * to start and the header deadline to finish its headers.
	 */
	conn_phase(r->hc, CONN_HEADERS, r->srv->header_ns + 1000000000ULL *
	    (uint64_t)config_limit(r->srv->env.cfg, LIMIT_CONN_TIMEOUT_S));
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
	if (r->authed && r->status != 0 && r->route != NULL &&
	    (feed = feed_stream_of(r->route->label)) >= 0)
		feed_upload((enum feed_stream)feed, r->status, r->rows,
		    &r->party);
	metrics_inflight_add(-1);
	/* An upload may have stored data: the indicators look soon. */
	if (r->status >= 200 && r->status < 300 && r->method != NULL &&
	    strcmp(r->method, "POST") == 0)
		ind_engine_kick(r->srv->env.ind);
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
		util_fmt(err, errlen, "onvoldoende geheugen");
		return -1;
	}
	srv->env = *env;
	srv->routes = routes;
	srv->tls_client_ca = ca_pem != NULL;
	srv->header_ns = 1000000000ULL * (uint64_t)config_limit(env->cfg,
	    LIMIT_HEADER_TIMEOUT_S);
	srv->grace_ns = 1000000000ULL * (uint64_t)config_limit(env->cfg,
	    LIMIT_BODY_GRACE_S);
	srv->rate_min = (uint64_t)config_limit(env->cfg, LIMIT_BODY_RATE_MIN);
	pthread_mutex_init(&srv->conn_mu, NULL);
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
	srv->daemon = MHD_start_daemon(flags, 0, on_accept, srv, on_request, srv,
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
	    MHD_OPTION_HTTPS_PRIORITIES, env->cfg->tls_priorities,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
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
	if (pthread_create(&srv->reaper, NULL, reaper_main, srv) != 0) {
		util_fmt(err, errlen, "cannot start the slow-client reaper");
		goto fail;
	}
	srv->reaper_started = 1;
	*out = srv;
	return 0;
fail:
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	pthread_mutex_destroy(&srv->conn_mu);
	free(srv);
	return -1;
}

/*
 * Connections are refused until the daemon has dropped its privileges
 * and loaded its seccomp filter: nothing is served with more rights than
 * the daemon keeps.
 */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_server	*srv = cls;

	(void)addr;
	(void)addrlen;
	return atomic_load(&srv->open) ? MHD_YES : MHD_NO;
}

void
http_server_open(struct http_server *srv)
{
	atomic_store(&srv->open, 1);
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
	if (srv->reaper_started) {
		atomic_store(&srv->reaper_quit, 1);
		pthread_join(srv->reaper, NULL);
	}
	pthread_mutex_destroy(&srv->conn_mu);
	session_fini();
	free(srv);
}

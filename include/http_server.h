/*
 * The HTTPS daemon: libmicrohttpd with GnuTLS, limits, routing, auth.
 *
 * Every request passes the same gate, all of it decided from the headers
 * before a byte of the body is read: route (404) and method (405), bearer
 * token (401) and role (403), body rules (411 length required, 413 too
 * large, 415 wrong type). Bodies are then handed to the route's handler in
 * chunks as they arrive and never stored whole by this module; the byte
 * limit is enforced again while streaming. Error answers are JSON:
 * {"error": CODE, "message": TEXT}.
 *
 * One log line per request: party, method, route template (never the raw
 * path or query), status, bytes, milliseconds.
 */
#ifndef SORTTP_HTTP_SERVER_H
#define SORTTP_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

struct pseudo_ctx;
struct quest_set;
struct ind_engine;
struct http_server;
struct http_request;
struct cJSON;

/* What a handler produces; the server turns it into the HTTP answer. */
struct http_reply {
	unsigned	 status;
	const char	*content_type;
	char		*body;		/* malloc'd, owned by the reply */
	size_t		 len;
	const char	*allow;		/* Allow header for 405, or NULL */
	char		*set_cookie;	/* Set-Cookie value, malloc'd, or NULL */
	char		 disposition[192]; /* Content-Disposition, or "" */
};

/* Everything a handler may use. */
struct http_env {
	const struct config	*cfg;
	struct store		*store;		/* shared reader/writer handle */
	struct pseudo_ctx	*pseudo;
	struct store_msgw	*msgw;		/* iJw message writer */
	const struct quest_set	*quest;		/* questionnaire definitions */
	struct ind_engine	*ind;		/* indicator answers */
	const char		*data_dir;
	uint64_t		 started_ns;
};

struct http_route {
	const char	*method;	/* "GET", "POST" */
	const char	*path;		/* exact path, or prefix ending in '/' */
	int		 prefix;	/* 1: path is a prefix, rest is {id} */
	const char	*label;		/* template for logs and metrics */
	unsigned	 roles;		/* ROLE_BIT mask; 0 = no auth at all */
	int		 body_limit;	/* enum cfg_limit, or -1: no body */
	const char *const *types;	/* accepted media types, NULL-ended */

	/*
	 * begin: after the gate, before the body. May fill reply to answer
	 * at once (the body is then discarded). data: one chunk of body;
	 * returns 0, or -1 after filling reply to stop (the rest of the
	 * body is discarded). end: the body is complete (or there was
	 * none); fills reply. done: release per-request state, always.
	 */
	int	(*begin)(struct http_request *, struct http_reply *);
	int	(*data)(struct http_request *, const char *, size_t,
		    struct http_reply *);
	void	(*end)(struct http_request *, struct http_reply *);
	void	(*done)(struct http_request *);
};

/* Accessors for handlers. */
const struct http_env	*http_request_env(const struct http_request *);
const struct party	*http_request_party(const struct http_request *);
const char	*http_request_param(const struct http_request *); /* {id} */
const char	*http_request_query(const struct http_request *,
		    const char *key);
/*
 * The names of the query parameters, NULL-terminated, at most max - 1 of
 * them; returns -1 when there are more.
 */
int		 http_request_query_names(const struct http_request *,
		    const char **names, size_t max);
/*
 * 1 when the request was authenticated by a session cookie (not a bearer
 * token); then fills the session's id hash and its CSRF token.
 */
int		 http_request_session(const struct http_request *,
		    const unsigned char **id_hash, const char **csrf);
void		*http_request_state(const struct http_request *);
void		 http_request_set_state(struct http_request *, void *);
void		 http_request_set_rows(struct http_request *, int64_t);
/* A request header's value, or NULL. */
const char	*http_request_header(const struct http_request *,
		    const char *name);
/*
 * Sets the byte limit the server enforces on this request's body, for a
 * begin handler whose limit depends on the request (a route that takes
 * two media types). The Content-Length gate has already used the route's
 * limit; the handler checks a lower one itself.
 */
void		 http_request_set_body_limit(struct http_request *,
		    uint64_t limit);

/* Reply helpers; all set status, content type and body. */
void	http_reply_error(struct http_reply *, unsigned status,
	    const char *code, const char *message);
void	http_reply_json(struct http_reply *, unsigned status, struct cJSON *);
void	http_reply_text(struct http_reply *, unsigned status,
	    const char *content_type, char *body, size_t len);

/*
 * Starts listening on listen ("ADDR:PORT"; port 0 picks a free port) with
 * the given PEM certificate and key. routes is terminated by an entry
 * whose method is NULL. Returns 0, or -1 with a message in err.
 */
int	http_server_start(struct http_server **, const struct http_env *,
	    const struct http_route *routes, const char *listen,
	    const char *cert_pem, const char *key_pem, const char *ca_pem,
	    char *err, size_t errlen);

/*
 * Starts serving: until called, the bound socket refuses every connection
 * (serve calls it once privileges are dropped and seccomp is on).
 */
void	http_server_open(struct http_server *);

/* The address actually bound, as "https://HOST:PORT". */
const char *http_server_url(const struct http_server *);

/*
 * Stops accepting, waits up to grace_s for requests in flight, then
 * stops the daemon and frees it.
 */
void	http_server_stop(struct http_server *, long long grace_s);

/*
 * The status for a Transfer-Encoding header value: 0 for exactly one
 * "chunked" (any case, optional blanks), 400 for an empty or repeated
 * coding list, 501 when it names any other coding. Public for its fuzzer.
 */
unsigned	http_te_status(const char *te);

#endif

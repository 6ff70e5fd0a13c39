/*
 * The web app (issue #13): its pages and scripts, compiled into the binary
 * (cmake/embed.cmake, web/), and the browser session endpoints.
 *
 * A person logs in once with the party's token: POST /v1/session with
 * "Authorization: Bearer <token>" answers with a session cookie and the
 * session's CSRF token. The browser then sends the cookie (never the token)
 * and, on every state-changing request, the CSRF token in X-CSRF-Token;
 * the gate in http_server.c checks both. POST /v1/logout ends the session.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "api.h"
#include "auth.h"
#include "embedded.h"
#include "errors.h"
#include "session.h"
#include "util.h"

/* Strict, per the __Host- prefix rules: Secure, Path=/, no Domain. */
#define WEB_COOKIE_ATTRS	"; Path=/; Secure; HttpOnly; SameSite=Strict"
#define WEB_COOKIE_MAX		(sizeof(SESSION_COOKIE) + SESSION_ID_LEN + \
	sizeof(WEB_COOKIE_ATTRS) + 16)
/* "vendor/" + a route {name} (at most 64 bytes) + ".js". */
#define WEB_ASSET_NAME_MAX	96

static const struct embedded_file *
web_find(const char *name)
{
	const struct embedded_file	*f;

	for (f = embedded_web_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* The media type by the file's extension; the set is ours and small. */
static const char *
web_type(const char *name)
{
	const char	*dot = strrchr(name, '.');

	if (dot != NULL && strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (dot != NULL && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot != NULL && strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	return "application/octet-stream";
}

static void
web_serve(struct http_reply *rep, const char *name)
{
	const struct embedded_file	*f;
	char				*copy;

	if ((f = web_find(name)) == NULL) {
		http_reply_error(rep, 404, ERR_NOT_FOUND, "no such endpoint");
		return;
	}
	if ((copy = malloc(f->len + 1)) == NULL) {
		http_reply_error(rep, 500, ERR_INTERNAL, "onvoldoende geheugen");
		return;
	}
	memcpy(copy, f->data, f->len + 1);
	http_reply_text(rep, 200, web_type(name), copy, f->len);
}

static void
page_index(struct http_request *r, struct http_reply *rep)
{
	(void)r;
	web_serve(rep, "index.html");
}

static void
asset_app_js(struct http_request *r, struct http_reply *rep)
{
	(void)r;
	web_serve(rep, "app.js");
}

static void
asset_app_css(struct http_request *r, struct http_reply *rep)
{
	(void)r;
	web_serve(rep, "app.css");
}

/*
 * GET /js/{name} and /vendor/{name}: the app's other ES modules (web/js/)
 * and the vendored chart library (web/vendor/). A route's {name} has no
 * dot (letters, digits, '-', '_'), so the URL leaves out the ".js" and the
 * file is looked up as "js/NAME.js"; only files compiled in are found.
 */
static void
asset_dir(struct http_request *r, struct http_reply *rep, const char *dir)
{
	char	name[WEB_ASSET_NAME_MAX];

	if (util_fmt(name, sizeof(name), "%s/%s.js", dir,
	    http_request_param(r)) == -1) {
		http_reply_error(rep, 404, ERR_NOT_FOUND, "no such endpoint");
		return;
	}
	web_serve(rep, name);
}

static void
asset_js(struct http_request *r, struct http_reply *rep)
{
	asset_dir(r, rep, "js");
}

static void
asset_vendor(struct http_request *r, struct http_reply *rep)
{
	asset_dir(r, rep, "vendor");
}

/* {name, role, agb?, csrf?}: who is logged in, for the pages. */
static cJSON *
who(const struct party *p, const char *csrf)
{
	cJSON	*j;

	if ((j = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(j, "name", p->name) == NULL ||
	    cJSON_AddStringToObject(j, "role", store_role_name(p->role)) ==
	    NULL || (p->agb[0] != '\0' &&
	    cJSON_AddStringToObject(j, "agb", p->agb) == NULL) ||
	    (csrf != NULL && cJSON_AddStringToObject(j, "csrf", csrf) ==
	    NULL)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* POST /v1/session: the bearer token, once, for a session cookie. */
static void
login(struct http_request *r, struct http_reply *rep)
{
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	char			 id[SESSION_ID_LEN + 1];
	char			 csrf[SESSION_CSRF_LEN + 1];
	char			 cookie[WEB_COOKIE_MAX];
	const unsigned char	*sh;
	const char		*sc;
	cJSON			*j;

	if (http_request_session(r, &sh, &sc) ||
	    auth_bearer_hash(http_request_header(r, "Authorization"),
	    hash) == -1) {
		http_reply_error(rep, 400, ERR_BAD_REQUEST,
		    "Inloggen gaat met het token in de Authorization-header.");
		return;
	}
	if (session_create(hash, id, csrf) == -1) {
		OPENSSL_cleanse(hash, sizeof(hash));
		http_reply_error(rep, 503, ERR_UNAVAILABLE,
		    "Er zijn te veel open sessies; probeer het later opnieuw.");
		return;
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	util_fmt(cookie, sizeof(cookie), "%s=%s%s", SESSION_COOKIE, id,
	    WEB_COOKIE_ATTRS);
	OPENSSL_cleanse(id, sizeof(id));
	j = who(http_request_party(r), csrf);
	OPENSSL_cleanse(csrf, sizeof(csrf));
	http_reply_json(rep, j != NULL ? 200 : 500, j);
	if (rep->status == 200)
		rep->set_cookie = strdup(cookie);
	OPENSSL_cleanse(cookie, sizeof(cookie));
	if (rep->status == 200 && rep->set_cookie == NULL)
		http_reply_error(rep, 500, ERR_INTERNAL, "onvoldoende geheugen");
}

/* GET /v1/session: who is logged in, and the CSRF token for the pages. */
static void
session_info(struct http_request *r, struct http_reply *rep)
{
	const unsigned char	*sh;
	const char		*csrf = NULL;

	if (!http_request_session(r, &sh, &csrf))
		csrf = NULL;
	http_reply_json(rep, 200, who(http_request_party(r), csrf));
}

/* POST /v1/logout: ends the session and clears the cookie. */
static void
logout(struct http_request *r, struct http_reply *rep)
{
	const unsigned char	*sh;
	const char		*csrf;
	cJSON			*j;

	if (!http_request_session(r, &sh, &csrf)) {
		http_reply_error(rep, 400, ERR_BAD_REQUEST,
		    "Er is geen sessie om uit te loggen.");
		return;
	}
	session_end(sh);
	j = cJSON_CreateObject();
	if (j != NULL && cJSON_AddStringToObject(j, "status", "uitgelogd") ==
	    NULL) {
		cJSON_Delete(j);
		j = NULL;
	}
	http_reply_json(rep, 200, j);
	rep->set_cookie = strdup(SESSION_COOKIE "=" WEB_COOKIE_ATTRS
	    "; Max-Age=0");
}

const struct http_route api_web_routes[] = {
	{ "GET", "/", 0, "/", 0, -1, NULL, NULL, NULL, page_index, NULL },
	{ "GET", "/app.js", 0, "/app.js", 0, -1, NULL,
	    NULL, NULL, asset_app_js, NULL },
	{ "GET", "/app.css", 0, "/app.css", 0, -1, NULL,
	    NULL, NULL, asset_app_css, NULL },
	{ "GET", "/js/", 1, "/js/{name}", 0, -1, NULL,
	    NULL, NULL, asset_js, NULL },
	{ "GET", "/vendor/", 1, "/vendor/{name}", 0, -1, NULL,
	    NULL, NULL, asset_vendor, NULL },
	{ "POST", "/v1/session", 0, "/v1/session", ROLES_ANY, -1, NULL,
	    NULL, NULL, login, NULL },
	{ "GET", "/v1/session", 0, "/v1/session", ROLES_ANY, -1, NULL,
	    NULL, NULL, session_info, NULL },
	{ "POST", "/v1/logout", 0, "/v1/logout", ROLES_ANY, -1, NULL,
	    NULL, NULL, logout, NULL },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

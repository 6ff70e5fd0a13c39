/*
 * The web app's server side (issue #13): the embedded pages with strict
 * headers, login with a token for a __Host- session cookie, the session
 * on API routes, CSRF and Origin checks on state-changing requests,
 * logout, revocation, idle and absolute session expiry, bearer tokens
 * unchanged, and no session id on disk or in the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

enum { P_AANBIEDER, P_ANALIST, P_REVOKE, P_N };

#define COOKIE_NAME	"__Host-sorttp="

static struct h_env	e;
static char		tok[P_N][128];

struct sess {
	char	cookie[160];	/* "Cookie: __Host-sorttp=..." */
	char	csrf[96];	/* "X-CSRF-Token: ..." */
	char	id[80];		/* the bare session id */
};

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The value of header name in raw headers, up to ';' or end of line. */
static int
header_value(const char *headers, const char *prefix, char *out,
    size_t len)
{
	const char	*p;
	size_t		 n;

	if ((p = strstr(headers, prefix)) == NULL)
		return -1;
	p += strlen(prefix);
	n = strcspn(p, ";\r\n");
	if (n + 1 > len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Logs in with a token; fills s. Returns the HTTP status. */
static long
login(const char *token, struct sess *s, char **headers_out)
{
	struct h_resp	 r;
	const char	*c;
	long		 st;
	char		 csrf[80];

	memset(s, 0, sizeof(*s));
	h_request(&e, "POST", "/v1/session", token, NULL, NULL, 0, 0, &r);
	st = r.status;
	if (st == 200) {
		CHECK_EQ_INT(header_value(r.headers, "Set-Cookie: "
		    COOKIE_NAME, s->id, sizeof(s->id)), 0);
		snprintf(s->cookie, sizeof(s->cookie), "Cookie: %s%s",
		    COOKIE_NAME, s->id);
		c = strstr(r.body, "\"csrf\":\"");
		CHECK(c != NULL);
		if (c != NULL) {
			snprintf(csrf, sizeof(csrf), "%.64s", c + 8);
			snprintf(s->csrf, sizeof(s->csrf), "X-CSRF-Token: %s",
			    csrf);
			CHECK_EQ_INT(strspn(csrf, "0123456789abcdef"), 64);
		}
	}
	if (headers_out != NULL)
		*headers_out = strdup(r.headers != NULL ? r.headers : "");
	h_resp_free(&r);
	return st;
}

/* A request with the session's cookie (and optionally more headers). */
static long
with_session(const char *method, const char *path, const struct sess *s,
    const char *h1, const char *h2, char **body)
{
	const char	*hdr[4] = { s->cookie, h1, h2, NULL };
	struct h_resp	 r;
	long		 st;

	if (h1 == NULL)
		hdr[1] = h2, hdr[2] = NULL;
	h_request(&e, method, path, NULL, hdr, NULL, 0, 0, &r);
	st = r.status;
	if (body != NULL)
		*body = strdup(r.body != NULL ? r.body : "");
	h_resp_free(&r);
	return st;
}

static void
check_strict_headers(const char *h)
{
	CHECK(strstr(h, "Content-Security-Policy: ") != NULL);
	CHECK(strstr(h, "script-src 'self'") != NULL);
	CHECK(strstr(h, "frame-ancestors 'none'") != NULL);
	CHECK(strstr(h, "'unsafe-inline'") == NULL);
	CHECK(strstr(h, "'unsafe-eval'") == NULL);
	CHECK(strstr(h, "X-Content-Type-Options: nosniff") != NULL);
	CHECK(strstr(h, "Referrer-Policy: no-referrer") != NULL);
}

static void
test_static(void)
{
	static const struct { const char *path, *type, *needle; } f[] = {
		{ "/", "text/html; charset=utf-8", "<html lang=\"nl\">" },
		{ "/app.js", "text/javascript; charset=utf-8", "/v1/session" },
		{ "/app.css", "text/css; charset=utf-8", "body" },
		/* The other modules and the vendored chart library. */
		{ "/js/api", "text/javascript; charset=utf-8", "X-CSRF-Token" },
		{ "/vendor/d3", "text/javascript; charset=utf-8", "d3js.org" },
		{ "/vendor/plot", "text/javascript; charset=utf-8",
		    "@observablehq/plot" },
	};
	static const char	 ext[] = "<script type=\"module\" src=\"/";
	struct h_resp	 r;
	const char	*p;
	char		 want[96];
	size_t		 i, scripts = 0, external = 0;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		CHECK_EQ_INT(h_request(&e, "GET", f[i].path, NULL, NULL, NULL,
		    0, 0, &r), 0);
		CHECK_EQ_INT(r.status, 200);
		snprintf(want, sizeof(want), "Content-Type: %s", f[i].type);
		CHECK(strstr(r.headers, want) != NULL);
		CHECK(strstr(r.body, f[i].needle) != NULL);
		check_strict_headers(r.headers);
		if (i == 0) {
			/* No inline script: every <script> has a src. */
			for (p = r.body; (p = strstr(p, "<script")) != NULL;
			    p++) {
				scripts++;
				if (strncmp(p, ext, strlen(ext)) == 0)
					external++;
			}
			CHECK(scripts > 0);
			CHECK_EQ_INT(scripts, external);
			/* No inline event handler (on...=) either. */
			for (p = r.body; (p = strstr(p, " on")) != NULL; p++)
				CHECK(p[3 + strspn(p + 3,
				    "abcdefghijklmnopqrstuvwxyz")] != '=');
		}
		h_resp_free(&r);
	}
	/* JSON answers carry the same headers. */
	h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0, &r);
	check_strict_headers(r.headers);
	h_resp_free(&r);
	h_request(&e, "GET", "/nope.js", NULL, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 404);
	h_resp_free(&r);
	/* Only files compiled in: no other name, no way out of web/. */
	h_request(&e, "GET", "/js/nope", NULL, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 404);
	h_resp_free(&r);
	h_request(&e, "GET", "/vendor/..%2Fapp", NULL, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 404);
	h_resp_free(&r);
}

static void
test_login(void)
{
	struct sess	 s, s2;
	char		*h = NULL, *body = NULL;
	const char	*hdr[2] = { NULL, NULL };
	char		 bad[128];
	struct h_resp	 r;

	/* A wrong token, a malformed one, none: 401, no cookie. */
	snprintf(bad, sizeof(bad), "%s", tok[P_ANALIST]);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
	CHECK_EQ_INT(login(bad, &s, &h), 401);
	CHECK(strstr(h, "Set-Cookie") == NULL);
	free(h);
	CHECK_EQ_INT(login("sorttp_kort", &s, NULL), 401);
	CHECK_EQ_INT(login(NULL, &s, NULL), 401);

	CHECK_EQ_INT(login(tok[P_ANALIST], &s, &h), 200);
	CHECK(strstr(h, "Set-Cookie: " COOKIE_NAME) != NULL);
	CHECK(strstr(h, "; Path=/; Secure; HttpOnly; SameSite=Strict") !=
	    NULL);
	CHECK(strstr(h, "Domain=") == NULL);
	free(h);
	CHECK_EQ_INT(strlen(s.id), 64);

	/* The cookie authenticates API routes like the token does. */
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL,
	    &body), 200);
	CHECK(strstr(body, "\"name\":\"analist-duo\"") != NULL);
	free(body);
	CHECK_EQ_INT(with_session("GET", "/v1/session", &s, NULL, NULL,
	    &body), 200);
	CHECK(strstr(body, s.csrf + strlen("X-CSRF-Token: ")) != NULL);
	free(body);
	/* A made-up session id does not. */
	hdr[0] = "Cookie: " COOKIE_NAME
	    "0000000000000000000000000000000000000000000000000000000000000000";
	h_request(&e, "GET", "/v1/whoami", NULL, hdr, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 401);
	h_resp_free(&r);
	/* An analist session may not do what an analist token may not. */
	CHECK_EQ_INT(with_session("GET", "/metrics", &s, NULL, NULL, NULL),
	    403);
	/* Two logins are two sessions; each works on its own. */
	CHECK_EQ_INT(login(tok[P_ANALIST], &s2, NULL), 200);
	CHECK(strcmp(s.id, s2.id) != 0);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s2, NULL, NULL,
	    NULL), 200);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL,
	    NULL), 200);
}

static void
test_csrf_and_logout(void)
{
	struct sess	 s;
	char		 origin[160], other[96];
	char		*body = NULL;

	snprintf(origin, sizeof(origin), "Origin: %s", e.url);
	snprintf(other, sizeof(other), "X-CSRF-Token: %064d", 0);
	CHECK_EQ_INT(login(tok[P_AANBIEDER], &s, NULL), 200);
	/* No CSRF token, a wrong one, a foreign Origin: refused. */
	CHECK_EQ_INT(with_session("POST", "/v1/logout", &s, NULL, NULL,
	    &body), 403);
	CHECK(strstr(body, "\"error\":\"csrf_ongeldig\"") != NULL);
	free(body);
	CHECK_EQ_INT(with_session("POST", "/v1/logout", &s, other, NULL,
	    NULL), 403);
	CHECK_EQ_INT(with_session("POST", "/v1/logout", &s, s.csrf,
	    "Origin: https://evil.example", NULL), 403);
	/* Every state-changing route, not only logout. */
	CHECK_EQ_INT(with_session("POST", "/v1/scores", &s, NULL,
	    "Content-Type: text/csv", &body), 403);
	CHECK(strstr(body, "csrf_ongeldig") != NULL);
	free(body);
	/* The session still works: the refusals changed nothing. */
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    200);
	/* With the token and its own Origin: logged out, cookie cleared. */
	CHECK_EQ_INT(with_session("POST", "/v1/logout", &s, s.csrf, origin,
	    &body), 200);
	CHECK(strstr(body, "uitgelogd") != NULL);
	free(body);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    401);
	CHECK_EQ_INT(with_session("POST", "/v1/logout", &s, s.csrf, NULL,
	    NULL), 401);
}

static void
test_bearer_unchanged(void)
{
	const char	*hdr[2] = { "Origin: https://evil.example", NULL };
	struct h_resp	 r;

	h_request(&e, "GET", "/v1/whoami", tok[P_AANBIEDER], NULL, NULL, 0, 0,
	    &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	/* A bearer POST needs no CSRF token ... */
	h_request(&e, "POST", "/v1/session", tok[P_AANBIEDER], NULL, NULL, 0,
	    0, &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	/* ... but a foreign page may not send one either. */
	h_request(&e, "POST", "/v1/session", tok[P_AANBIEDER], hdr, NULL, 0,
	    0, &r);
	CHECK_EQ_INT(r.status, 403);
	CHECK(strstr(r.headers, "Set-Cookie") == NULL);
	h_resp_free(&r);
	/* GETs from anywhere change nothing and are not refused. */
	h_request(&e, "GET", "/v1/whoami", tok[P_AANBIEDER], hdr, NULL, 0, 0,
	    &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
}

static void
test_revoke(void)
{
	struct sess	s;
	struct h_out	o;

	CHECK_EQ_INT(login(tok[P_REVOKE], &s, NULL), 200);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    200);
	CHECK_EQ_INT(h_run(&e, &o, "party", "revoke", "weg", "--data", e.data,
	    NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    401);
	CHECK_EQ_INT(login(tok[P_REVOKE], &s, NULL), 401);
}

/* A token that expires ends its sessions at once, as a revocation does. */
static void
test_token_expiry(void)
{
	struct sess	s;
	char		t[128];

	CHECK_EQ_INT(h_party_add(&e, t, sizeof(t), "verloopt", "monitor",
	    NULL), 0);
	CHECK_EQ_INT(login(t, &s, NULL), 200);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    200);
	CHECK_EQ_INT(h_db_exec(&e, "UPDATE parties SET expires_at = "
	    "'2000-01-01T00:00:00Z' WHERE name = 'verloopt'"), 0);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    401);
	CHECK_EQ_INT(login(t, &s, NULL), 401);
}

/* With session_idle_s 3 and session_max_age_s 5. */
static void
test_expiry(void)
{
	struct sess	s;
	double		t0, t;
	long		st;
	int		i;

	/* Idle: unused for longer than 3 s. */
	CHECK_EQ_INT(login(tok[P_ANALIST], &s, NULL), 200);
	sleep(4);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    401);
	/* Absolute: used every second, still ends after 5 s. */
	CHECK_EQ_INT(login(tok[P_ANALIST], &s, NULL), 200);
	t0 = now_s();
	for (i = 0; i < 12; i++) {
		sleep(1);
		st = with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL);
		t = now_s() - t0;
		if (t < 4.5)
			CHECK_EQ_INT(st, 200);
		if (st == 401)
			break;
	}
	CHECK_EQ_INT(st, 401);
	CHECK(now_s() - t0 >= 5.0);
}

int
main(int argc, char **argv)
{
	struct sess	 s;
	char		 cfg[H_PATH_MAX];
	const char	*secret[1];

	if (argc != 2) {
		fprintf(stderr, "usage: itest_web SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok[P_AANBIEDER], sizeof(tok[0]), "aanb",
	    "aanbieder", "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok[P_ANALIST], sizeof(tok[0]),
	    "analist-duo", "analist", "--scope", "cluster:DUO", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok[P_REVOKE], sizeof(tok[0]), "weg",
	    "analist", "--scope", "cluster:DUO", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_static();
	test_login();
	test_csrf_and_logout();
	test_bearer_unchanged();
	test_revoke();
	test_token_expiry();
	/* Only a hash of a session id is kept, and only in memory. */
	CHECK_EQ_INT(login(tok[P_ANALIST], &s, NULL), 200);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    200);
	secret[0] = s.id;
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_leaks(&e, secret, 1), 0);
	/* A restart ends every session. */
	h_config(&e, "kort.json", "{\"limits\": {\"session_idle_s\": 3, "
	    "\"session_max_age_s\": 5}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	CHECK_EQ_INT(with_session("GET", "/v1/whoami", &s, NULL, NULL, NULL),
	    401);
	test_expiry();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("integration_web");
}

/*
 * The daemon over real TLS: ready line, healthz, whoami for every role,
 * 401/403/404/405/413 answers as JSON, revocation taking effect at once,
 * connection limits and timeout, refusals at start-up, a clean SIGTERM,
 * and no token in the log.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

enum { P_AANBIEDER, P_BERGOP, P_BERICHT, P_ANALIST, P_MONITOR, P_N };

static struct h_env	e;
static char		tok[P_N][128];

static void
test_ready_and_health(void)
{
	struct h_resp	 r;
	char		*log;

	log = h_slurp(e.log, NULL);
	CHECK(log != NULL && strstr(log, "sorttp: listening on "
	    "https://127.0.0.1:") != NULL);
	free(log);
	CHECK(e.port > 0 && e.port < 65536);
	CHECK_EQ_INT(h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0,
	    &r), 0);
	CHECK_EQ_INT(r.status, 200);
	CHECK_STR(r.body, "{\"status\":\"ok\"}");
	CHECK(strstr(r.headers, "Content-Type: application/json") != NULL);
	CHECK(strstr(r.headers, "Cache-Control: no-store") != NULL);
	h_resp_free(&r);
}

static void
test_whoami(void)
{
	static const char *const want[P_N] = {
		"{\"name\":\"aanb\",\"role\":\"aanbieder\",\"agb\":\"12345678\"}",
		"{\"name\":\"bergop\",\"role\":\"bergop\"}",
		"{\"name\":\"backoffice\",\"role\":\"berichtenverkeer\"}",
		"{\"name\":\"analist-duo\",\"role\":\"analist\",\"scopes\":"
		    "[\"cluster:DUO\",\"gemeente:0479\"]}",
		"{\"name\":\"prometheus\",\"role\":\"monitor\"}",
	};
	struct h_resp	r;
	int		i;

	for (i = 0; i < P_N; i++) {
		CHECK_EQ_INT(h_request(&e, "GET", "/v1/whoami", tok[i], NULL,
		    NULL, 0, 0, &r), 0);
		CHECK_EQ_INT(r.status, 200);
		CHECK_STR(r.body, want[i]);
		h_resp_free(&r);
	}
}

static void
expect_error(const char *method, const char *path, const char *token,
    const char *const *headers, long status, const char *code)
{
	struct h_resp	r;
	char		needle[96];

	h_request(&e, method, path, token, headers, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, status);
	snprintf(needle, sizeof(needle), "{\"error\":\"%s\",\"message\":\"",
	    code);
	CHECK(strncmp(r.body, needle, strlen(needle)) == 0);
	if (r.status != status || strncmp(r.body, needle, strlen(needle)))
		fprintf(stderr, "  %s %s -> %ld %s\n", method, path, r.status,
		    r.body);
	h_resp_free(&r);
}

static void
test_auth_failures(void)
{
	static const char *const basic[] = {
		"Authorization: Basic dXNlcjpwYXNz", NULL
	};
	struct h_resp	r;
	char		wrong[128];

	expect_error("GET", "/v1/whoami", NULL, NULL, 401, "unauthorized");
	expect_error("GET", "/v1/whoami", NULL, basic, 401, "unauthorized");
	/* A well-formed token that was never issued. */
	snprintf(wrong, sizeof(wrong), "%s", tok[P_MONITOR]);
	wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
	expect_error("GET", "/v1/whoami", wrong, NULL, 401, "unauthorized");
	expect_error("GET", "/v1/whoami", "sorttp_short", NULL, 401,
	    "unauthorized");
	h_request(&e, "GET", "/v1/whoami", NULL, NULL, NULL, 0, 0, &r);
	CHECK(strstr(r.headers, "WWW-Authenticate: Bearer") != NULL);
	h_resp_free(&r);
	/* Every role but monitor is refused /metrics. */
	expect_error("GET", "/metrics", tok[P_AANBIEDER], NULL, 403,
	    "forbidden");
	expect_error("GET", "/metrics", tok[P_ANALIST], NULL, 403,
	    "forbidden");
	expect_error("GET", "/metrics", tok[P_BERGOP], NULL, 403, "forbidden");
	expect_error("GET", "/metrics", NULL, NULL, 401, "unauthorized");
}

static void
test_routing(void)
{
	struct h_resp	r;

	expect_error("GET", "/nope", NULL, NULL, 404, "not_found");
	expect_error("GET", "/v1/whoami/extra", tok[P_MONITOR], NULL, 404,
	    "not_found");
	expect_error("POST", "/v1/whoami", tok[P_MONITOR], NULL, 405,
	    "method_not_allowed");
	h_request(&e, "DELETE", "/healthz", NULL, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 405);
	CHECK(strstr(r.headers, "Allow: GET") != NULL);
	h_resp_free(&r);
}

/*
 * 413 is decided from Content-Length before the body is read: curl offers
 * 100 MB with Expect: 100-continue and must send almost none of it.
 */
static void
test_body_limit(void)
{
	static const char *const expect[] = { "Expect: 100-continue", NULL };
	struct h_resp	r;

	CHECK_EQ_INT(h_request(&e, "GET", "/v1/whoami", tok[P_MONITOR],
	    expect, NULL, 0, 100 * 1024 * 1024, &r), 0);
	CHECK_EQ_INT(r.status, 413);
	CHECK(strstr(r.body, "\"error\":\"body_too_large\"") != NULL);
	CHECK(r.sent < 1024 * 1024);
	h_resp_free(&r);
}

static void
test_metrics(void)
{
	struct h_resp	r;
	int		i;

	h_request(&e, "GET", "/metrics", tok[P_MONITOR], NULL, NULL, 0, 0,
	    &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.headers, "Content-Type: text/plain; version=0.0.4")
	    != NULL);
	CHECK(strstr(r.body, "sorttp_requests_total{route=\"/healthz\","
	    "code=\"200\"} 1\n") != NULL);
	CHECK(strstr(r.body, "sorttp_requests_total{route=\"/metrics\","
	    "code=\"403\"} 3\n") != NULL);
	CHECK(strstr(r.body, "sorttp_auth_failures_total") != NULL);
	CHECK(strstr(r.body, "sorttp_request_duration_seconds_bucket") !=
	    NULL);
	for (i = 0; i < P_N; i++)
		CHECK(strstr(r.body, tok[i]) == NULL);
	h_resp_free(&r);
}

/* Revocation from the CLI takes effect on the next request. */
static void
test_revoke_live(void)
{
	struct h_out	o;
	struct h_resp	r;

	h_request(&e, "GET", "/v1/whoami", tok[P_BERGOP], NULL, NULL, 0, 0,
	    &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	CHECK_EQ_INT(h_run(&e, &o, "party", "revoke", "bergop", "--data",
	    e.data, NULL), 0);
	h_out_free(&o);
	expect_error("GET", "/v1/whoami", tok[P_BERGOP], NULL, 401,
	    "unauthorized");
}

/* The line of `party list` for name, in a static buffer ("" if none). */
static const char *
list_line(const char *name)
{
	static char	line[512];
	struct h_out	o;
	const char	*p, *end;
	char		start[80];

	line[0] = '\0';
	CHECK_EQ_INT(h_run(&e, &o, "party", "list", "--data", e.data, NULL),
	    0);
	snprintf(start, sizeof(start), "\n%s ", name);
	if ((p = strstr(o.out, start)) != NULL) {
		p++;
		end = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
		    (int)(end ? end - p : (long)strlen(p)), p);
	}
	h_out_free(&o);
	return line;
}

/*
 * Token lifecycle: an expiring token works until its expiry and then
 * gets 401 token_expired; party list shows the expiry and the last use;
 * rotate-token replaces the token at once.
 */
static void
test_token_lifecycle(void)
{
	struct h_out	o;
	struct h_resp	r;
	char		t1[128], t2[128], sql[160], today[11];
	const char	*line, *nl;
	time_t		now = time(NULL);
	struct tm	tm;

	/* A date in the past, or nonsense, is a usage error. */
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "old", "--role", "monitor",
	    "--expires", "2001-01-01", "--data", e.data, NULL), 2);
	CHECK(strstr(o.err, "--expires") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "old", "--role", "monitor",
	    "--expires", "0d", "--data", e.data, NULL), 2);
	h_out_free(&o);
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "old", "--role", "monitor",
	    "--expires", today, "--data", e.data, NULL), 2);
	h_out_free(&o);

	CHECK_EQ_INT(h_party_add(&e, t1, sizeof(t1), "temp", "monitor",
	    "--expires", "2d", NULL), 0);
	line = list_line("temp");
	CHECK(strstr(line, "T") != NULL && strstr(line, "Z ") != NULL);
	/* Never used yet: the last-use column is "-". */
	CHECK(strstr(line, "Z -                    -") != NULL);
	h_request(&e, "GET", "/v1/whoami", t1, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	line = list_line("temp");
	CHECK(strstr(line, "Z -                    -") == NULL);
	CHECK(strstr(line, "sorttp_") == NULL);

	/* Rotation: the old token fails at once, the new one works. */
	CHECK_EQ_INT(h_run(&e, &o, "party", "rotate-token", "temp",
	    "--data", e.data, NULL), 0);
	nl = strrchr(o.out, '\n');
	while (nl != NULL && nl > o.out && nl[-1] != '\n')
		nl--;
	snprintf(t2, sizeof(t2), "%s", nl ? nl : "");
	if (strchr(t2, '\n') != NULL)
		*strchr(t2, '\n') = '\0';
	h_out_free(&o);
	CHECK(strncmp(t2, "sorttp_", 7) == 0 && strcmp(t1, t2) != 0);
	expect_error("GET", "/v1/whoami", t1, NULL, 401, "unauthorized");
	h_request(&e, "GET", "/v1/whoami", t2, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	CHECK_EQ_INT(h_run(&e, &o, "party", "rotate-token", "nobody",
	    "--data", e.data, NULL), 1);
	h_out_free(&o);

	/* Time passes: the expiry is moved into the past in the database. */
	CHECK_EQ_INT(h_run(&e, &o, "party", "rotate-token", "temp",
	    "--expires", "1d", "--data", e.data, NULL), 0);
	nl = strstr(o.out, "sorttp_");
	snprintf(t2, sizeof(t2), "%.50s", nl ? nl : "");
	h_out_free(&o);
	snprintf(sql, sizeof(sql), "UPDATE parties SET expires_at = "
	    "'2001-01-01T00:00:00Z' WHERE name = 'temp'");
	CHECK_EQ_INT(h_db_exec(&e, sql), 0);
	expect_error("GET", "/v1/whoami", t2, NULL, 401, "token_expired");
	h_request(&e, "GET", "/v1/whoami", t2, NULL, NULL, 0, 0, &r);
	CHECK(strstr(r.headers, "WWW-Authenticate: Bearer") != NULL);
	CHECK(strstr(r.body, "verlopen") != NULL);
	h_resp_free(&r);
}

static int
tcp_connect(int port)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Waits up to ms for the server to close fd; 1 when it did. Bytes before
 * the end (a TLS alert) are read and ignored.
 */
static int
closed_by_server(int fd, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	struct timespec	now;
	long long	end;
	char		buf[256];

	clock_gettime(CLOCK_MONOTONIC, &now);
	end = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + ms;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (int)(end - (now.tv_sec * 1000LL +
		    now.tv_nsec / 1000000));
		if (ms <= 0 || poll(&pfd, 1, ms) != 1)
			return 0;
		if (recv(fd, buf, sizeof(buf), 0) <= 0)
			return 1;
	}
}

/*
 * A daemon with connections_per_ip 2 and a 1 s timeout: a third
 * connection from the same address is closed at once, and an idle one is
 * closed after the timeout (libmicrohttpd's default is to wait for ever).
 */
static void
test_limits(void)
{
	char		 cfg[H_PATH_MAX + 32];
	struct timespec	 pause = { 0, 100 * 1000 * 1000 };
	struct h_resp	 r;
	time_t		 t0;
	int		 a, b, c, tries;

	h_config(&e, "limits.json", "{\"limits\": {\"connections_per_ip\": "
	    "2, \"connection_timeout_s\": 1}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);

	a = tcp_connect(e.port);
	b = tcp_connect(e.port);
	c = tcp_connect(e.port);
	CHECK(a != -1 && b != -1 && c != -1);
	CHECK(closed_by_server(c, 5000));
	CHECK(!closed_by_server(a, 100));
	h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 0);	/* refused: two are open already */
	h_resp_free(&r);
	t0 = time(NULL);
	CHECK(closed_by_server(a, 10000));
	CHECK(closed_by_server(b, 10000));
	CHECK(time(NULL) - t0 <= 5);
	close(a);
	close(b);
	close(c);
	/*
	 * Served again once the closed connections are released; their
	 * threads release the per-address count a moment after closing,
	 * so allow up to 5 s for that under load.
	 */
	for (tries = 0; tries < 50; tries++) {
		h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0, &r);
		if (r.status == 200)
			break;
		h_resp_free(&r);
		nanosleep(&pause, NULL);
	}
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
}

/* The daemon refuses a key file that group or others can read. */
static void
test_refuse_key_mode(void)
{
	char	key[H_PATH_MAX + 32], *log;
	int	status = -1;

	CHECK_EQ_INT(h_stop(&e), 0);
	snprintf(key, sizeof(key), "%s/sorttp.key", e.data);
	CHECK(chmod(key, 0644) == 0);
	CHECK_EQ_INT(h_start(&e, NULL, &status), -1);
	CHECK_EQ_INT(status, 1);
	log = h_slurp(e.log, NULL);
	CHECK(log != NULL && strstr(log, "mode 0644") != NULL);
	free(log);
	CHECK(chmod(key, 0600) == 0);
}

/* A key that is not the one the database was made with is refused. */
static void
test_refuse_other_key(void)
{
	char	 key[H_PATH_MAX + 32], saved[H_PATH_MAX + 32], *log;
	int	 status = -1;
	FILE	*f;

	snprintf(key, sizeof(key), "%s/sorttp.key", e.data);
	snprintf(saved, sizeof(saved), "%s/sorttp.key.saved", e.data);
	CHECK(rename(key, saved) == 0);
	f = fopen(key, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("0123456789abcdef0123456789abcdef", f);
	fclose(f);
	chmod(key, 0600);
	CHECK_EQ_INT(h_start(&e, NULL, &status), -1);
	CHECK_EQ_INT(status, 1);
	log = h_slurp(e.log, NULL);
	CHECK(log != NULL && strstr(log, "does not belong") != NULL);
	free(log);
	CHECK(rename(saved, key) == 0);
}

static void
test_log_privacy(void)
{
	char	*log;
	int	 i;

	log = h_slurp(e.log, NULL);
	CHECK(log != NULL);
	if (log == NULL)
		return;
	CHECK(strstr(log, "request party=prometheus method=GET route=/metrics "
	    "status=200") != NULL);
	CHECK(strstr(log, "request party=- method=GET route=- status=404")
	    != NULL);
	CHECK(strstr(log, "stopped cleanly") != NULL);
	CHECK(strstr(log, "/nope") == NULL);	/* raw paths are not logged */
	for (i = 0; i < P_N; i++)
		CHECK(strstr(log, tok[i]) == NULL);
	CHECK(strstr(log, "sorttp_") == NULL || strstr(log, "Bearer") == NULL);
	free(log);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_server SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok[P_AANBIEDER], sizeof(tok[0]), "aanb",
	    "aanbieder", "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok[P_BERGOP], sizeof(tok[0]), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok[P_BERICHT], sizeof(tok[0]),
	    "backoffice", "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok[P_ANALIST], sizeof(tok[0]),
	    "analist-duo", "analist", "--scope", "cluster:DUO", "--scope",
	    "gemeente:0479", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok[P_MONITOR], sizeof(tok[0]),
	    "prometheus", "monitor", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_ready_and_health();
	test_whoami();
	test_auth_failures();
	test_routing();
	test_body_limit();
	test_metrics();
	test_revoke_live();
	test_token_lifecycle();
	test_limits();
	test_refuse_key_mode();
	test_refuse_other_key();
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(h_stop(&e), 0);	/* SIGTERM: a clean exit */
	test_log_privacy();
	h_teardown(&e);
	return test_done("integration_server");
}

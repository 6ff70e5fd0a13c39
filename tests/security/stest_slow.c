/*
 * Slow and stalled clients against the real daemon over TLS.
 *
 * Trickle: an aanbieder sends 20,000 rows and then one blank line every
 * half second. While it does, other clients upload scores, post iJw
 * messages and query indicators: none of them gets a 5xx and their p99
 * stays under one second (before issue #12 the trickler held SQLite's
 * write lock and every other write waited up to 300 s). The trickler is
 * refused with 408 once its average rate falls below body_rate_min, and
 * nothing of it is stored. While it trickles, its staging file (found
 * through /proc) holds a run of rows and none of the identifiers sent.
 *
 * Slow connections: 300 connections from 75 loopback addresses that
 * never finish a TLS handshake, send headers a byte at a time, or send a
 * body a byte at a time, are all closed within the header deadline or
 * the body rate rule, while a normal client is served throughout and the
 * daemon's resident memory stays under 150 MB. A body that would take the
 * bodies held in memory over body_memory_max is refused with 503.
 *
 * STEST_OLD_CONFIG=1 leaves out the settings this issue added, to run the
 * test against an older build (it then fails, as it should).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "harness.h"
#include "rawtls.h"

#define HEADER_TIMEOUT_S	2
#define BODY_GRACE_S		2
#define BODY_RATE_MIN		65536
#define BODY_MEMORY_MAX		(4 * 1024 * 1024)
#define TRICKLE_ROWS		20000
#define TRICKLE_MAX_MS		40000	/* the trickler gives up by itself */
#define SLOW_CONNS		300
#define SLOW_PER_ADDR		4
#define RSS_MAX_KB		(150 * 1024)
#define LAT_MAX			4096

static struct h_env	e;
static char		tok_trickler[128], tok_b[128], tok_bericht[128];
static char		tok_analist[128], tok_bergop[128], tok_mon[128];

/* Latencies and statuses of the other clients, and when to stop. */
static atomic_int	stop_workers;
static pthread_mutex_t	lat_mu = PTHREAD_MUTEX_INITIALIZER;
static long long	lat_ms[LAT_MAX];
static int		nlat, n5xx, nfail, scores_ok;

static void
record(long status, long long ms)
{
	pthread_mutex_lock(&lat_mu);
	if (nlat < LAT_MAX)
		lat_ms[nlat++] = ms;
	if (status >= 500)
		n5xx++;
	if (status == 0)
		nfail++;
	pthread_mutex_unlock(&lat_mu);
}

static void
pause_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A small, valid upload with fresh toewijzingen each time. */
static void *
scores_worker(void *arg)
{
	static const char	*const hdr[] = { "Content-Type: text/csv",
				    NULL };
	struct h_resp		 r;
	char			 body[1024], bsn[10];
	long long		 t0;
	size_t			 len;
	int			 i, k;

	(void)arg;
	for (i = 0; !atomic_load(&stop_workers); i++) {
		len = (size_t)snprintf(body, sizeof(body), "bsn;"
		    "toewijzingnummer;gemeente;agb;meetdatum;meetmoment;"
		    "gas_1\r\n");
		for (k = 0; k < 5; k++) {
			demo_bsn(11, (uint64_t)(i * 5 + k), bsn);
			len += (size_t)snprintf(body + len, sizeof(body) - len,
			    "%s;%d;0363;87654321;01-03-2026;eind;1\r\n", bsn,
			    700000 + i * 5 + k);
		}
		t0 = rt_now_ms();
		h_request(&e, "POST", "/v1/scores", tok_b, hdr, body, len, 0,
		    &r);
		record(r.status, rt_now_ms() - t0);
		if (r.status == 201) {
			pthread_mutex_lock(&lat_mu);
			scores_ok++;
			pthread_mutex_unlock(&lat_mu);
		}
		h_resp_free(&r);
		pause_ms(100);
	}
	return NULL;
}

static void *
messages_worker(void *arg)
{
	static const char	*const hdr[] = {
		"Content-Type: application/xml", NULL
	};
	struct h_resp		 r;
	char			 path[1024], *xml;
	size_t			 len;
	long long		 t0;

	(void)arg;
	snprintf(path, sizeof(path), "%s/tests/fixtures/ijw/jw301_v32.xml",
	    SORTTP_SOURCE_DIR);
	if ((xml = h_slurp(path, &len)) == NULL)
		return NULL;
	while (!atomic_load(&stop_workers)) {
		t0 = rt_now_ms();
		h_request(&e, "POST", "/v1/messages", tok_bericht, hdr, xml,
		    len, 0, &r);
		record(r.status, rt_now_ms() - t0);
		h_resp_free(&r);
		pause_ms(100);
	}
	free(xml);
	return NULL;
}

static void *
indicators_worker(void *arg)
{
	struct h_resp	r;
	long long	t0;

	(void)arg;
	while (!atomic_load(&stop_workers)) {
		t0 = rt_now_ms();
		h_request(&e, "GET", "/v1/indicators/doelrealisatie?by=regio",
		    tok_analist, NULL, NULL, 0, 0, &r);
		record(r.status, rt_now_ms() - t0);
		h_resp_free(&r);
		pause_ms(100);
	}
	return NULL;
}

/* A whole binary file; NULL when it cannot be read. */
static char *
read_binary(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || (buf = malloc((size_t)sb.st_size + 1)) ==
	    NULL) {
		close(fd);
		return NULL;
	}
	while (*len < (size_t)sb.st_size && (n = read(fd, buf + *len,
	    (size_t)sb.st_size - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	return buf;
}

/*
 * The staging file of the upload in flight, read through /proc (it has
 * no name): it must exist, hold a run of rows, and hold none of the BSNs
 * or toewijzingnummers that were sent. Returns the bytes scanned.
 */
static size_t
scan_staging(int nsent)
{
	char		 dir[64], path[384], target[H_PATH_MAX + 64], bsn[10];
	char		 num[16], *data;
	struct dirent	*de;
	DIR		*d;
	size_t		 len, total = 0;
	ssize_t		 n;
	int		 i;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)e.pid);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((n = readlink(path, target, sizeof(target) - 1)) <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, e.data, strlen(e.data)) != 0 ||
		    strstr(target, "(deleted)") == NULL ||
		    (data = read_binary(path, &len)) == NULL)
			continue;
		total += len;
		for (i = 0; i < nsent; i += 97) {
			demo_bsn(3, (uint64_t)i, bsn);
			snprintf(num, sizeof(num), "%d", 100000 + i);
			CHECK(memmem(data, len, bsn, 9) == NULL);
			CHECK(memmem(data, len, num, strlen(num)) == NULL);
		}
		free(data);
	}
	closedir(d);
	return total;
}

static int
ll_cmp(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/*
 * The trickler: 20,000 valid rows at once, then "\r\n" every 500 ms
 * until the daemon answers (or TRICKLE_MAX_MS pass).
 */
static void
test_trickle(void)
{
	pthread_t	 w[3];
	struct rt	 c;
	char		*csv, bsn[10], head[512], ans[2048];
	long long	 t0, p99;
	int		 i, closed = 0;
	size_t		 len, cap;

	cap = TRICKLE_ROWS * 64 + 128;
	csv = malloc(cap);
	CHECK(csv != NULL);
	if (csv == NULL)
		return;
	len = (size_t)snprintf(csv, cap, "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment;gas_1\r\n");
	for (i = 0; i < TRICKLE_ROWS; i++) {
		demo_bsn(3, (uint64_t)i, bsn);
		len += (size_t)snprintf(csv + len, cap - len, "%s;%d;0363;"
		    "12345678;01-02-2026;eind;1\r\n", bsn, 100000 + i);
	}
	if (rt_connect(&c, &e, "127.0.0.1") == -1) {
		CHECK(!"connect");
		free(csv);
		return;
	}
	snprintf(head, sizeof(head), "POST /v1/scores HTTP/1.1\r\nHost: t\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: text/csv\r\n"
	    "Content-Length: %zu\r\n\r\n", tok_trickler, len + 1000000);
	CHECK(rt_sends(&c, head) == 0 && rt_send(&c, csv, len) == 0);
	free(csv);
	/* The rows are in; give the daemon a moment to take them. */
	pause_ms(1500);
	CHECK(scan_staging(TRICKLE_ROWS) > 16384);
	CHECK(pthread_create(&w[0], NULL, scores_worker, NULL) == 0);
	CHECK(pthread_create(&w[1], NULL, messages_worker, NULL) == 0);
	CHECK(pthread_create(&w[2], NULL, indicators_worker, NULL) == 0);
	t0 = rt_now_ms();
	ans[0] = '\0';
	while (rt_now_ms() - t0 < TRICKLE_MAX_MS) {
		if (rt_sends(&c, "\r\n") == -1)
			break;
		if (rt_read(&c, ans, sizeof(ans), 500, &closed) > 0 || closed)
			break;
	}
	if (ans[0] == '\0' && !closed)
		rt_read(&c, ans, sizeof(ans), 2000, &closed);
	fprintf(stderr, "trickler answered after %lld ms: %.40s\n",
	    rt_now_ms() - t0, ans);
	atomic_store(&stop_workers, 1);
	for (i = 0; i < 3; i++)
		pthread_join(w[i], NULL);
	rt_close(&c);
	CHECK(strncmp(ans, "HTTP/1.1 408", 12) == 0);
	CHECK(strstr(ans, "\"body_too_slow\"") != NULL);
	/* The refused upload's staging file is gone. */
	for (i = 0; i < 50 && scan_staging(0) > 0; i++)
		pause_ms(100);
	CHECK_EQ_INT(scan_staging(0), 0);
	/* Nothing of the trickler; everything of the others. */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE"
	    " agb = 12345678"), 0);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores WHERE"
	    " agb = 87654321"), 5LL * scores_ok);
	qsort(lat_ms, (size_t)nlat, sizeof(lat_ms[0]), ll_cmp);
	p99 = nlat > 0 ? lat_ms[(nlat * 99) / 100 - (nlat >= 100 ? 1 : 0)] :
	    -1;
	fprintf(stderr, "others: %d requests, p50 %lld ms, p99 %lld ms, "
	    "max %lld ms, %d 5xx, %d failed\n", nlat, nlat ? lat_ms[nlat / 2] :
	    -1, p99, nlat ? lat_ms[nlat - 1] : -1, n5xx, nfail);
	CHECK(nlat >= 30);
	CHECK(scores_ok >= 5);
	CHECK(p99 >= 0 && p99 < 1000);
	CHECK_EQ_INT(n5xx, 0);
	CHECK_EQ_INT(nfail, 0);
}

/*
 * The staged path: 40,000 rows are two sorted runs in the staging file
 * and one batch in memory. A repeat of row 100 at row 35,000 (in another
 * run) is found in the merge and the upload stores nothing; fixed, all
 * 40,000 rows are stored.
 */
static void
test_staged_upload(void)
{
	static const char	*const hdr[] = { "Content-Type: text/csv",
				    NULL };
	const int		 nrows = 40000, dup = 35000, orig = 100;
	struct h_resp		 r;
	char			*csv, bsn[10], want[64];
	size_t			 len, cap = 40000 * 64 + 128;
	int			 i, fixed;

	if ((csv = malloc(cap)) == NULL) {
		CHECK(!"malloc");
		return;
	}
	for (fixed = 0; fixed < 2; fixed++) {
		len = (size_t)snprintf(csv, cap, "bsn;toewijzingnummer;"
		    "gemeente;agb;meetdatum;meetmoment;gas_1\r\n");
		for (i = 0; i < nrows; i++) {
			int k = i == dup && !fixed ? orig : i;

			demo_bsn(5, (uint64_t)k, bsn);
			len += (size_t)snprintf(csv + len, cap - len, "%s;%d;"
			    "0363;12345678;01-02-2026;eind;1\r\n", bsn,
			    300000 + k);
		}
		h_request(&e, "POST", "/v1/scores", tok_trickler, hdr, csv,
		    len, 0, &r);
		if (!fixed) {
			CHECK_EQ_INT(r.status, 422);
			snprintf(want, sizeof(want), "{\"line\":%d,\"column\":0,"
			    "\"code\":\"rij_dubbel\"", dup + 2);
			CHECK(r.body != NULL && strstr(r.body, want) != NULL);
			CHECK(r.body != NULL && strstr(r.body,
			    "\"error_count\":1,") != NULL);
			CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"
			    " WHERE agb = 12345678"), 0);
		} else {
			CHECK_EQ_INT(r.status, 201);
			CHECK(r.body != NULL && strstr(r.body,
			    "\"rows\":40000") != NULL);
			CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"
			    " WHERE agb = 12345678"), nrows);
		}
		h_resp_free(&r);
	}
	free(csv);
}

/* Resident memory of the daemon in KB, from /proc. */
static long
daemon_rss_kb(void)
{
	char	 path[64], *s, *p;
	long	 kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)e.pid);
	if ((s = h_slurp(path, NULL)) == NULL)
		return -1;
	if ((p = strstr(s, "VmRSS:")) != NULL)
		kb = strtol(p + 6, NULL, 10);
	free(s);
	return kb;
}

struct slow {
	struct rt	 c;
	int		 kind;		/* 0 TCP only, 1 headers, 2 body */
	int		 open;		/* we hold it, the server has not closed */
	long long	 t_conn, t_closed, t_next;
	int		 got408;
};

static atomic_int	normal_ok, normal_bad;
static atomic_long	rss_max;

static void *
normal_client(void *arg)
{
	struct h_resp	r;
	long		rss;

	(void)arg;
	while (!atomic_load(&stop_workers)) {
		h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0, &r);
		if (r.status == 200)
			atomic_fetch_add(&normal_ok, 1);
		else
			atomic_fetch_add(&normal_bad, 1);
		h_resp_free(&r);
		if ((rss = daemon_rss_kb()) > atomic_load(&rss_max))
			atomic_store(&rss_max, rss);
		pause_ms(200);
	}
	return NULL;
}

static int
slow_open(struct slow *s, int i)
{
	char	src[32], req[512];

	snprintf(src, sizeof(src), "127.0.0.%d", 2 + i / SLOW_PER_ADDR);
	s->kind = i % 3;
	s->t_conn = rt_now_ms();
	if (rt_tcp(&s->c, &e, src) == -1)
		return -1;
	s->open = 1;
	s->t_next = s->t_conn;
	if (s->kind == 0)
		return 0;
	if (rt_handshake(&s->c, &e) == -1)
		return 0;	/* cut during the handshake: counted below */
	if (s->kind == 1)
		snprintf(req, sizeof(req), "GET /healthz HTTP/1.1\r\nHost: t");
	else
		snprintf(req, sizeof(req), "POST /v1/questionnaires HTTP/1.1\r\n"
		    "Host: t\r\nAuthorization: Bearer %s\r\nContent-Type: "
		    "application/json\r\nContent-Length: 100000\r\n\r\n[",
		    tok_bergop);
	rt_sends(&s->c, req);
	return 0;
}

/* One round over the slow connections: a byte each, and who is closed. */
static int
slow_round(struct slow *s, int n)
{
	char		 buf[2048];
	long long	 now = rt_now_ms();
	int		 i, closed, open = 0;

	for (i = 0; i < n; i++) {
		if (!s[i].open)
			continue;
		if (s[i].c.tls && now >= s[i].t_next) {
			rt_sends(&s[i].c, s[i].kind == 1 ? "x" : " ");
			s[i].t_next = now + 500;
		}
		closed = 0;
		if (s[i].c.tls)
			rt_read(&s[i].c, buf, sizeof(buf), 0, &closed);
		else {
			struct pollfd pfd = { s[i].c.fd, POLLIN, 0 };
			if (poll(&pfd, 1, 0) == 1 && recv(s[i].c.fd, buf,
			    sizeof(buf), MSG_DONTWAIT) <= 0)
				closed = 1;
		}
		if (strncmp(buf, "HTTP/1.1 408", 12) == 0)
			s[i].got408 = 1;
		if (closed || (!s[i].c.tls && s[i].kind != 0)) {
			s[i].open = 0;
			s[i].t_closed = rt_now_ms();
			rt_close(&s[i].c);
			continue;
		}
		open++;
	}
	return open;
}

static void
test_slow_connections(void)
{
	static struct slow	 s[SLOW_CONNS];
	pthread_t		 t;
	long long		 t0, worst = 0, limit_ms;
	int			 i, n = 0, open, n408 = 0, nclosed = 0;

	atomic_store(&stop_workers, 0);
	CHECK(pthread_create(&t, NULL, normal_client, NULL) == 0);
	t0 = rt_now_ms();
	for (i = 0; i < SLOW_CONNS; i++) {
		if (slow_open(&s[n], i) == 0)
			n++;
		if (i % 10 == 9)
			slow_round(s, n);
	}
	CHECK_EQ_INT(n, SLOW_CONNS);
	while ((open = slow_round(s, n)) > 0 && rt_now_ms() - t0 < 60000)
		pause_ms(50);
	atomic_store(&stop_workers, 1);
	pthread_join(t, NULL);
	/* Each is cut by its own deadline plus the reaper's round, a second. */
	limit_ms = 1000LL * (HEADER_TIMEOUT_S > BODY_GRACE_S ?
	    HEADER_TIMEOUT_S : BODY_GRACE_S) + 3000;
	for (i = 0; i < n; i++) {
		if (s[i].open)
			continue;
		nclosed++;
		if (s[i].t_closed - s[i].t_conn > worst)
			worst = s[i].t_closed - s[i].t_conn;
		n408 += s[i].got408;
	}
	fprintf(stderr, "slow connections: %d of %d closed, the slowest after "
	    "%lld ms, %d with 408; normal client %d ok, %d not; daemon RSS "
	    "peak %ld kB\n", nclosed, n, worst, n408,
	    atomic_load(&normal_ok), atomic_load(&normal_bad),
	    atomic_load(&rss_max));
	CHECK_EQ_INT(open, 0);
	CHECK(worst <= limit_ms);
	CHECK(n408 > 0);
	CHECK(atomic_load(&normal_ok) >= 5);
	CHECK_EQ_INT(atomic_load(&normal_bad), 0);
	CHECK(atomic_load(&rss_max) > 0 && atomic_load(&rss_max) < RSS_MAX_KB);
	for (i = 0; i < n; i++)
		if (s[i].open)
			rt_close(&s[i].c);
}

/* Two half-sent questionnaire batches: the second exceeds the budget. */
static void
test_body_budget(void)
{
	struct rt	 a, b;
	char		 head[512], ans[2048], *junk;
	size_t		 part = 1536 * 1024;
	int		 closed = 0;

	junk = malloc(part);
	CHECK(junk != NULL);
	if (junk == NULL)
		return;
	memset(junk, ' ', part);
	snprintf(head, sizeof(head), "POST /v1/questionnaires HTTP/1.1\r\n"
	    "Host: t\r\nAuthorization: Bearer %s\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n", tok_bergop,
	    3 * part);
	CHECK(rt_connect(&a, &e, NULL) == 0);
	CHECK(rt_connect(&b, &e, NULL) == 0);
	CHECK(rt_sends(&a, head) == 0 && rt_send(&a, junk, part) == 0);
	pause_ms(300);
	rt_sends(&b, head);
	rt_send(&b, junk, part);
	rt_read(&b, ans, sizeof(ans), 5000, &closed);
	CHECK(strncmp(ans, "HTTP/1.1 503", 12) == 0);
	CHECK(strstr(ans, "\"overloaded\"") != NULL);
	rt_close(&b);
	rt_close(&a);
	free(junk);
}

/*
 * Under AddressSanitizer freed memory waits in a quarantine of 256 MB
 * before it is reused, which would count as the daemon's resident memory
 * though no request holds it. The daemon started here (it inherits the
 * environment) gets a small quarantine; every other check stays on.
 */
static void
asan_small_quarantine(void)
{
	const char	*cur = getenv("ASAN_OPTIONS");
	char		 opts[1024];

	snprintf(opts, sizeof(opts), "%s%squarantine_size_mb=16:"
	    "thread_local_quarantine_size_kb=64", cur != NULL ? cur : "",
	    cur != NULL && cur[0] != '\0' ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
}

int
main(int argc, char **argv)
{
	char		 cfg[H_PATH_MAX + 32], json[512];
	const char	*old = getenv("STEST_OLD_CONFIG");
	const char	*bin = getenv("STEST_DAEMON");

	if (argc != 2) {
		fprintf(stderr, "usage: stest_slow SORTTP_BINARY\n");
		return 2;
	}
	/* A sanitizer build measures the release daemon (tests/CMakeLists). */
	if (bin == NULL || bin[0] == '\0')
		bin = argv[1];
	else if (access(bin, X_OK) == -1) {
		fprintf(stderr, "stest_slow: no release daemon at %s (build "
		    "build-release first, as scripts/test.sh does): skipped\n",
		    bin);
		return 77;
	}
	fprintf(stderr, "stest_slow: daemon %s\n", bin);
	h_setup(&e, bin);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_trickler, sizeof(tok_trickler),
	    "trickler", "aanbieder", "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_b, sizeof(tok_b), "zorg-b",
	    "aanbieder", "--agb", "87654321", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bericht, sizeof(tok_bericht),
	    "backoffice", "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_analist, sizeof(tok_analist),
	    "analist", "analist", "--scope", "cluster:DUO", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_mon, sizeof(tok_mon), "prometheus",
	    "monitor", NULL), 0);
	if (old != NULL && strcmp(old, "1") == 0)
		snprintf(json, sizeof(json), "{\"limits\": {"
		    "\"connections_max\": 400, \"connections_per_ip\": 8}}");
	else
		snprintf(json, sizeof(json), "{\"limits\": {"
		    "\"connections_max\": 400, \"connections_per_ip\": 8, "
		    "\"header_timeout_s\": %d, \"body_grace_s\": %d, "
		    "\"body_rate_min\": %d, \"body_memory_max\": %d}}",
		    HEADER_TIMEOUT_S, BODY_GRACE_S, BODY_RATE_MIN,
		    BODY_MEMORY_MAX);
	h_config(&e, "slow.json", json, cfg, sizeof(cfg));
	asan_small_quarantine();
	if (h_start(&e, cfg, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_trickle();
	test_staged_upload();
	test_slow_connections();
	test_body_budget();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("security_slow");
}

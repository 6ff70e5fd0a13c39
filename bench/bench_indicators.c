/*
 * Indicator benchmark helpers (bench_indicators.sh drives them).
 *
 *   bench_indicators http BASE_URL CA SECONDS CLIENTS TOKEN_ANALIST
 *       TOKEN_AANBIEDER FROM_YEAR TO_YEAR
 *     CLIENTS threads, each with its own keep-alive HTTPS connection, ask
 *     a realistic mix of indicator queries for SECONDS seconds; prints
 *     "requests errors seconds rps p50_ms p99_ms max_ms".
 *
 *   bench_indicators groupby DB FROM_YEAR TO_YEAR
 *     The baseline: the same kind of answers computed by plain GROUP BY
 *     queries over the detail tables; prints one "name ms rows" line per
 *     query.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sqlite3.h>

#define MAX_QUERIES	512
#define MAX_SAMPLES	(4 * 1024 * 1024)

static char	*queries[MAX_QUERIES];
static int	 is_aanbieder[MAX_QUERIES];
static size_t	 nqueries;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
add(int aanbieder, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add(int aanbieder, const char *fmt, ...)
{
	va_list	ap;
	char	buf[512];

	if (nqueries == MAX_QUERIES)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	is_aanbieder[nqueries] = aanbieder;
	queries[nqueries++] = strdup(buf);
}

/*
 * The mix a region's dashboards would send: every indicator, by
 * aanbieder, gemeente and cluster, per quarter and year (monthly less
 * often), for each cluster and the whole region, CSV now and then, and
 * aanbieders asking for their own figures.
 */
static void
build_mix(int y0, int y1)
{
	static const char *const kinds[] = { "doelrealisatie", "tevredenheid",
	    "uitval" };
	static const char *const clusters[] = { "Amsterdam",
	    "Amstelveen-Aalsmeer", "DUO", "Zaanstreek-Waterland" };
	int	k, y, c;

	for (k = 0; k < 3; k++) {
		for (y = y0; y <= y1; y++) {
			add(0, "/v1/indicators/%s?by=aanbieder&period=quarter&"
			    "from=%d-01&to=%d-12", kinds[k], y, y);
			add(0, "/v1/indicators/%s?by=gemeente&period=quarter&"
			    "from=%d-01&to=%d-12", kinds[k], y, y);
			add(0, "/v1/indicators/%s?by=cluster&period=year&"
			    "from=%d-01&to=%d-12", kinds[k], y, y);
			add(0, "/v1/indicators/%s?by=regio&period=quarter&"
			    "from=%d-01&to=%d-12", kinds[k], y, y);
			add(0, "/v1/indicators/%s?by=aanbieder&period=quarter&"
			    "from=%d-01&to=%d-12&format=csv", kinds[k], y, y);
			add(1, "/v1/indicators/%s?period=quarter&from=%d-01&"
			    "to=%d-12", kinds[k], y, y);
			add(1, "/v1/indicators/%s?by=gemeente&period=year&"
			    "from=%d-01&to=%d-12", kinds[k], y, y);
			for (c = 0; c < 4; c++)
				add(0, "/v1/indicators/%s?by=aanbieder&"
				    "period=quarter&cluster=%s&from=%d-01&"
				    "to=%d-12", kinds[k], clusters[c], y, y);
		}
		add(0, "/v1/indicators/%s?by=gemeente&period=month&from=%d-01&"
		    "to=%d-12", kinds[k], y1, y1);
		add(0, "/v1/indicators/%s?by=cluster&period=month&from=%d-01&"
		    "to=%d-12", kinds[k], y1, y1);
	}
}

struct worker {
	const char	*base, *ca;
	char		 auth[2][512];
	double		 until;
	double		*lat;		/* seconds per request */
	size_t		 n, cap;
	long		 errors;
	unsigned	 seed;
};

static size_t
sink(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static void *
run(void *arg)
{
	struct worker		*w = arg;
	CURL			*cu = curl_easy_init();
	struct curl_slist	*h[2];
	char			 url[1024];
	long			 status;
	size_t			 q;
	double			 t0;

	h[0] = curl_slist_append(NULL, w->auth[0]);
	h[1] = curl_slist_append(NULL, w->auth[1]);
	curl_easy_setopt(cu, CURLOPT_CAINFO, w->ca);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	while (now_s() < w->until && w->n < w->cap) {
		q = (size_t)rand_r(&w->seed) % nqueries;
		snprintf(url, sizeof(url), "%s%s", w->base, queries[q]);
		curl_easy_setopt(cu, CURLOPT_URL, url);
		curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h[is_aanbieder[q]]);
		t0 = now_s();
		status = 0;
		if (curl_easy_perform(cu) == CURLE_OK)
			curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
		w->lat[w->n++] = now_s() - t0;
		if (status != 200)
			w->errors++;
	}
	curl_easy_cleanup(cu);
	curl_slist_free_all(h[0]);
	curl_slist_free_all(h[1]);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A whole-number argument; the benchmark stops on anything else. */
static int
arg_int(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 ||
	    v > 1000000000L) {
		fprintf(stderr, "bench_indicators: bad number '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

static int
http(char **argv)
{
	double		 secs = atof(argv[4]), t0, t1, *all;
	int		 nthreads = arg_int(argv[5]), i;
	struct worker	*w;
	pthread_t	*th;
	size_t		 n = 0, j;
	long		 errors = 0;

	build_mix(arg_int(argv[8]), arg_int(argv[9]));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	w = calloc((size_t)nthreads, sizeof(*w));
	th = calloc((size_t)nthreads, sizeof(*th));
	t0 = now_s();
	for (i = 0; i < nthreads; i++) {
		w[i].base = argv[2];
		w[i].ca = argv[3];
		snprintf(w[i].auth[0], sizeof(w[i].auth[0]),
		    "Authorization: Bearer %s", argv[6]);
		snprintf(w[i].auth[1], sizeof(w[i].auth[1]),
		    "Authorization: Bearer %s", argv[7]);
		w[i].until = t0 + secs;
		w[i].cap = MAX_SAMPLES / (size_t)nthreads;
		w[i].lat = calloc(w[i].cap, sizeof(double));
		w[i].seed = (unsigned)i * 7919u + 1;
		pthread_create(&th[i], NULL, run, &w[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		n += w[i].n;
		errors += w[i].errors;
	}
	t1 = now_s();
	all = calloc(n ? n : 1, sizeof(double));
	for (i = 0, n = 0; i < nthreads; i++)
		for (j = 0; j < w[i].n; j++)
			all[n++] = w[i].lat[j];
	qsort(all, n, sizeof(double), cmp_double);
	printf("%zu %ld %.2f %.0f %.3f %.3f %.3f %zu\n", n, errors, t1 - t0,
	    (double)n / (t1 - t0), n ? all[n / 2] * 1e3 : 0,
	    n ? all[(size_t)((double)n * 0.99)] * 1e3 : 0,
	    n ? all[n - 1] * 1e3 : 0, nqueries);
	return errors == 0 ? 0 : 1;
}

/* One baseline query: time to step through all its rows. */
static void
timed(sqlite3 *db, const char *name, const char *sql, int y0, int y1)
{
	sqlite3_stmt	*s;
	double		 t0 = now_s();
	long		 rows = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", name, sqlite3_errmsg(db));
		return;
	}
	sqlite3_bind_int(s, 1, y0 * 10000 + 101);
	sqlite3_bind_int(s, 2, y1 * 10000 + 1231);
	while (sqlite3_step(s) == SQLITE_ROW)
		rows++;
	sqlite3_finalize(s);
	printf("%s %.1f %ld\n", name, (now_s() - t0) * 1e3, rows);
}

static int
groupby(char **argv)
{
	sqlite3	*db;
	int	 y0 = arg_int(argv[3]), y1 = arg_int(argv[4]);

	if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "cannot open %s\n", argv[2]);
		return 1;
	}
	/* uitval by aanbieder per quarter: ends per reason, distinct clients */
	timed(db, "uitval_by_aanbieder_quarter",
	    "SELECT agb, einddatum / 10000 AS y,"
	    " ((einddatum / 100 % 100) - 1) / 3 AS q, count(*),"
	    " count(DISTINCT client), sum(reden = 31), sum(reden = 32),"
	    " sum(reden BETWEEN 32 AND 35)"
	    " FROM trajecten WHERE einddatum BETWEEN ?1 AND ?2"
	    " AND reden IS NOT NULL AND reden <> 20 GROUP BY agb, y, q", y0, y1);
	/* herinstroom: volgens-plan ends with a new start within 4 months */
	timed(db, "herinstroom_by_aanbieder_quarter",
	    "SELECT t.agb, t.einddatum / 10000 AS y,"
	    " ((t.einddatum / 100 % 100) - 1) / 3 AS q, count(*),"
	    " sum(EXISTS (SELECT 1 FROM trajecten s WHERE s.client = t.client"
	    "  AND s.gestart = 1 AND s.begindatum >= t.einddatum"
	    "  AND s.begindatum <= t.einddatum + 400"
	    "  AND NOT (s.prod_key = t.prod_key AND"
	    "  s.begindatum = t.begindatum)))"
	    " FROM trajecten t WHERE t.einddatum BETWEEN ?1 AND ?2"
	    " AND t.reden = 31 GROUP BY t.agb, y, q", y0, y1);
	/* doelrealisatie: the latest eind measurement per trajectory per quarter */
	timed(db, "doelrealisatie_by_gemeente_quarter",
	    "WITH e AS (SELECT traj, agb, gemeente, client, gas_t, doelen,"
	    " doelen_behaald, probleemafname, zonder_hulp, meetdatum / 10000 AS y,"
	    " ((meetdatum / 100 % 100) - 1) / 3 AS q, row_number() OVER"
	    " (PARTITION BY traj, agb, meetdatum / 10000,"
	    " ((meetdatum / 100 % 100) - 1) / 3 ORDER BY meetdatum DESC) AS rn"
	    " FROM scores WHERE meetmoment = 3 AND meetdatum BETWEEN ?1 AND ?2)"
	    " SELECT gemeente, y, q, count(*), count(DISTINCT client), avg(gas_t),"
	    " 100.0 * sum(doelen_behaald) / sum(doelen),"
	    " sum(probleemafname = 3), sum(zonder_hulp = 1)"
	    " FROM e WHERE rn = 1 GROUP BY gemeente, y, q", y0, y1);
	/* tevredenheid by aanbieder per quarter: responses and clients */
	timed(db, "tevredenheid_by_aanbieder_quarter",
	    "SELECT agb, respondent, ingevuld_op / 10000 AS y,"
	    " ((ingevuld_op / 100 % 100) - 1) / 3 AS q, count(*),"
	    " count(DISTINCT client), sum(length(waarden))"
	    " FROM antwoorden WHERE ingevuld_op BETWEEN ?1 AND ?2"
	    " GROUP BY agb, respondent, y, q", y0, y1);
	sqlite3_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 10 && strcmp(argv[1], "http") == 0)
		return http(argv);
	if (argc == 5 && strcmp(argv[1], "groupby") == 0)
		return groupby(argv);
	fprintf(stderr, "usage: bench_indicators http BASE CA SECONDS CLIENTS"
	    " TOKEN_ANALIST TOKEN_AANBIEDER FROM_YEAR TO_YEAR\n"
	    "       bench_indicators groupby DB FROM_YEAR TO_YEAR\n");
	return 2;
}

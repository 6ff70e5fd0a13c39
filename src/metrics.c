/*
 * Request metrics in the Prometheus text exposition format.
 *
 * Counters are C11 atomics in fixed tables: a route label registered at
 * start-up, a small fixed set of status codes and fixed latency buckets.
 * Nothing here is ever derived from request content.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "metrics.h"
#include "util.h"

static const unsigned metric_codes[] = {
	200, 201, 400, 401, 403, 404, 405, 411, 413, 415, 422, 500, 503,
	408, 501
};
#define NCODES		(ARRAY_LEN(metric_codes) + 1)	/* + "other" */

static const double metric_buckets_s[] = {
	0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30
};
#define NBUCKETS	ARRAY_LEN(metric_buckets_s)

struct metric_route {
	const char		*label;
	atomic_ullong		 by_code[NCODES];
	atomic_ullong		 bucket[NBUCKETS];	/* non-cumulative */
	atomic_ullong		 count;
	atomic_ullong		 sum_ns;
	atomic_ullong		 bytes_out;
};

/* Slot 0 is "unmatched"; registered routes follow. */
static struct metric_route	metric_routes[METRICS_ROUTES_MAX + 1];
static atomic_int		metric_nroutes = 1;
static atomic_long		metric_inflight;
static atomic_ullong		metric_auth_failures;
static atomic_int		metric_ready = 1;
static atomic_ullong		metric_not_ready;
static atomic_ullong		metric_slow_closed;
static atomic_llong		metric_body_memory;
static atomic_int		metric_key_in_data;

int
metrics_route(const char *label)
{
	int	i = atomic_load(&metric_nroutes);

	if (i > METRICS_ROUTES_MAX)
		return -1;
	metric_routes[i].label = label;
	atomic_store(&metric_nroutes, i + 1);
	return i - 1;
}

void
metrics_request(int route, unsigned status, uint64_t bytes_out,
    uint64_t duration_ns)
{
	struct metric_route	*r;
	size_t			 c, b;

	if (route < -1 || route + 1 >= atomic_load(&metric_nroutes))
		route = -1;
	r = &metric_routes[route + 1];
	for (c = 0; c < NCODES - 1; c++)
		if (metric_codes[c] == status)
			break;
	atomic_fetch_add(&r->by_code[c], 1);
	for (b = 0; b < NBUCKETS; b++)
		if ((double)duration_ns / 1e9 <= metric_buckets_s[b])
			break;
	if (b < NBUCKETS)
		atomic_fetch_add(&r->bucket[b], 1);
	atomic_fetch_add(&r->count, 1);
	atomic_fetch_add(&r->sum_ns, duration_ns);
	atomic_fetch_add(&r->bytes_out, bytes_out);
}

void
metrics_inflight_add(int delta)
{
	atomic_fetch_add(&metric_inflight, delta);
}

long
metrics_inflight(void)
{
	return atomic_load(&metric_inflight);
}

void
metrics_auth_failure(void)
{
	atomic_fetch_add(&metric_auth_failures, 1);
}

void
metrics_ready_set(int ready)
{
	atomic_store(&metric_ready, ready != 0);
	if (!ready)
		atomic_fetch_add(&metric_not_ready, 1);
}

void
metrics_slow_closed(void)
{
	atomic_fetch_add(&metric_slow_closed, 1);
}

void
metrics_body_memory(long long held)
{
	atomic_store(&metric_body_memory, held);
}

/* The text of one scrape: a few KB per route; a hard ceiling all the same. */
#define METRICS_TEXT_MAX	(1024 * 1024)

void
metrics_key_in_data(int inside)
{
	atomic_store(&metric_key_in_data, inside != 0);
}

char *
metrics_render(size_t *len)
{
	struct buf		 m;
	struct metric_route	*r;
	unsigned long long	 cum;
	const char		*label;
	int			 i, n = atomic_load(&metric_nroutes);
	size_t			 c, b;

	buf_init(&m, METRICS_TEXT_MAX, 0);
	buf_printf(&m, "# HELP sorttp_build_info Build of this daemon.\n"
	    "# TYPE sorttp_build_info gauge\n"
	    "sorttp_build_info{version=\"%s\"} 1\n", SORTTP_VERSION);
	buf_printf(&m, "# HELP sorttp_requests_in_flight Requests being "
	    "served.\n# TYPE sorttp_requests_in_flight gauge\n"
	    "sorttp_requests_in_flight %ld\n", metrics_inflight());
	buf_printf(&m, "# HELP sorttp_auth_failures_total Requests with a "
	    "missing or invalid token.\n"
	    "# TYPE sorttp_auth_failures_total counter\n"
	    "sorttp_auth_failures_total %llu\n",
	    atomic_load(&metric_auth_failures));
	buf_printf(&m, "# HELP sorttp_key_in_data_folder 1 when the "
	    "pseudonymisation key lies inside the data folder.\n"
	    "# TYPE sorttp_key_in_data_folder gauge\n"
	    "sorttp_key_in_data_folder %d\n", atomic_load(&metric_key_in_data));
	buf_printf(&m, "# HELP sorttp_requests_total Finished requests by "
	    "route and status.\n# TYPE sorttp_requests_total counter\n");
	for (i = 0; i < n; i++) {
		r = &metric_routes[i];
		label = i == 0 ? "unmatched" : r->label;
		for (c = 0; c < NCODES; c++) {
			unsigned long long v = atomic_load(&r->by_code[c]);
			if (v == 0)
				continue;
			if (c < NCODES - 1)
				buf_printf(&m, "sorttp_requests_total{route="
				    "\"%s\",code=\"%u\"} %llu\n", label,
				    metric_codes[c], v);
			else
				buf_printf(&m, "sorttp_requests_total{route="
				    "\"%s\",code=\"other\"} %llu\n", label, v);
		}
	}
	buf_printf(&m, "# HELP sorttp_request_duration_seconds Time from "
	    "the request's first byte to the end of its answer.\n"
	    "# TYPE sorttp_request_duration_seconds histogram\n");
	for (i = 0; i < n; i++) {
		r = &metric_routes[i];
		label = i == 0 ? "unmatched" : r->label;
		cum = 0;
		for (b = 0; b < NBUCKETS; b++) {
			cum += atomic_load(&r->bucket[b]);
			buf_printf(&m, "sorttp_request_duration_seconds_bucket"
			    "{route=\"%s\",le=\"%g\"} %llu\n", label,
			    metric_buckets_s[b], cum);
		}
		buf_printf(&m, "sorttp_request_duration_seconds_bucket{route="
		    "\"%s\",le=\"+Inf\"} %llu\n", label,
		    atomic_load(&r->count));
		buf_printf(&m, "sorttp_request_duration_seconds_sum{route="
		    "\"%s\"} %.6f\n", label,
		    (double)atomic_load(&r->sum_ns) / 1e9);
		buf_printf(&m, "sorttp_request_duration_seconds_count{route="
		    "\"%s\"} %llu\n", label, atomic_load(&r->count));
	}
	buf_printf(&m, "# HELP sorttp_response_bytes_total Bytes of answer "
	    "bodies by route.\n# TYPE sorttp_response_bytes_total counter\n");
	for (i = 0; i < n; i++) {
		r = &metric_routes[i];
		buf_printf(&m, "sorttp_response_bytes_total{route=\"%s\"} "
		    "%llu\n", i == 0 ? "unmatched" : r->label,
		    atomic_load(&r->bytes_out));
	}
	buf_printf(&m, "# HELP sorttp_ready 1 when the last readiness check "
	    "could take the write lock and writes succeed.\n"
	    "# TYPE sorttp_ready gauge\nsorttp_ready %d\n"
	    "# HELP sorttp_not_ready_total Readiness checks that failed.\n"
	    "# TYPE sorttp_not_ready_total counter\n"
	    "sorttp_not_ready_total %llu\n", atomic_load(&metric_ready),
	    atomic_load(&metric_not_ready));
	buf_printf(&m, "# HELP sorttp_slow_clients_closed_total Connections "
	    "closed for a header deadline or a body below the minimum rate.\n"
	    "# TYPE sorttp_slow_clients_closed_total counter\n"
	    "sorttp_slow_clients_closed_total %llu\n"
	    "# HELP sorttp_body_memory_bytes Request bodies held whole now.\n"
	    "# TYPE sorttp_body_memory_bytes gauge\n"
	    "sorttp_body_memory_bytes %lld\n",
	    atomic_load(&metric_slow_closed),
	    atomic_load(&metric_body_memory));
	return buf_take(&m, len);
}

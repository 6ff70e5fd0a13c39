/*
 * Counters for /metrics (Prometheus text format). Lock-free: atomics only.
 * Metrics carry route templates, status codes and durations; never a party
 * token, an identifier, or anything from a request body.
 */
#ifndef SORTTP_METRICS_H
#define SORTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_ROUTES_MAX	32

/* Registers a route label (a template such as "/v1/uploads/{id}"). */
int	metrics_route(const char *label);

/* Records one finished request; route -1 for unmatched paths. */
void	metrics_request(int route, unsigned status, uint64_t bytes_out,
	    uint64_t duration_ns);

void	metrics_inflight_add(int delta);
long	metrics_inflight(void);

/* Counts one failed authentication (missing or invalid token). */
void	metrics_auth_failure(void);

/* Readiness (see /readyz): the last verdict, and a count of failures. */
void	metrics_ready_set(int ready);
/* Counts one connection closed for being too slow (headers or body). */
void	metrics_slow_closed(void);
/* Bytes of request bodies held whole right now (api_body.c). */
void	metrics_body_memory(long long held);
/* 1 when the daemon's key lies inside its data folder (a warning sign). */
void	metrics_key_in_data(int inside);

/*
 * Writes the exposition into a new buffer (the caller frees it).
 * Returns NULL when out of memory.
 */
char	*metrics_render(size_t *len);

#endif

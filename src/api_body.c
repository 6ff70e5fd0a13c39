/*
 * Bodies that must be parsed whole (XML and JSON parsers work from
 * memory): collected per request up to the route's limit, which the
 * server enforces, and wiped when the request ends.
 *
 * What all requests hold together is bounded too (body_memory_max): a
 * handful of slow clients each holding a large questionnaire batch would
 * otherwise take the daemon's memory. A request that would go over the
 * budget is answered 503 at once and holds nothing more.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "metrics.h"

static atomic_llong	body_held;	/* bytes of capacity, all requests */

/* Takes n bytes from the budget; -1 when that would exceed max. */
static int
budget_take(size_t n, long long max)
{
	long long	cur = atomic_load(&body_held);

	do {
		if ((long long)n > max - cur)
			return -1;
	} while (!atomic_compare_exchange_weak(&body_held, &cur,
	    cur + (long long)n));
	metrics_body_memory(cur + (long long)n);
	return 0;
}

static void
budget_give(size_t n)
{
	metrics_body_memory(atomic_fetch_sub(&body_held, (long long)n) -
	    (long long)n);
}

struct api_body {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

int
api_body_data(struct http_request *r, const char *data, size_t len,
    struct http_reply *rep)
{
	struct api_body	*b = http_request_state(r);
	size_t		 ncap;
	char		*nb;

	if (b == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			goto oom;
		http_request_set_state(r, b);
	}
	if (b->len + len > b->cap) {
		ncap = b->cap ? b->cap : 16384;
		while (ncap < b->len + len)
			ncap *= 2;
		/* While copying, the old and the new buffer both count. */
		if (budget_take(ncap, config_limit(http_request_env(r)->cfg,
		    LIMIT_BODY_MEMORY)) == -1)
			goto busy;
		/* Not realloc: the old buffer is wiped before it is freed. */
		if ((nb = malloc(ncap)) == NULL) {
			budget_give(ncap);
			goto oom;
		}
		if (b->len > 0)
			memcpy(nb, b->buf, b->len);
		if (b->buf != NULL)
			explicit_bzero(b->buf, b->cap);
		free(b->buf);
		budget_give(b->cap);
		b->buf = nb;
		b->cap = ncap;
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	return 0;
busy:
	http_reply_error(rep, 503, "overloaded", "De server houdt nu te veel "
	    "gegevens vast; probeer het later opnieuw");
	return -1;
oom:
	http_reply_error(rep, 503, "unavailable", "out of resources");
	return -1;
}

int
api_body_get(const struct http_request *r, const char **buf, size_t *len)
{
	const struct api_body	*b = http_request_state(r);

	if (b == NULL || b->len == 0)
		return -1;
	*buf = b->buf;
	*len = b->len;
	return 0;
}

void
api_body_done(struct http_request *r)
{
	struct api_body	*b = http_request_state(r);

	if (b == NULL)
		return;
	if (b->buf != NULL)
		explicit_bzero(b->buf, b->cap);
	free(b->buf);
	budget_give(b->cap);
	free(b);
	http_request_set_state(r, NULL);
}

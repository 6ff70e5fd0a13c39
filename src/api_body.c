/*
 * Bodies that must be parsed whole (XML and JSON parsers work from
 * memory): collected per request up to the route's limit, which the
 * server enforces, and wiped when the request ends (BUF_WIPE: they hold
 * client identifiers).
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
#include "buf.h"
#include "errors.h"
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

/* Counts n more bytes already taken, over the budget or not. */
static void
budget_add(size_t n)
{
	metrics_body_memory(atomic_fetch_add(&body_held, (long long)n) +
	    (long long)n);
}

static void
budget_give(size_t n)
{
	metrics_body_memory(atomic_fetch_sub(&body_held, (long long)n) -
	    (long long)n);
}

/*
 * The buffer's own ceiling: the largest whole-body route limit of this
 * configuration. The server checks the exact route's limit first (from
 * Content-Length and while streaming); this one holds whatever happens.
 */
static size_t
body_max(const struct http_request *r)
{
	const struct config	*cfg = http_request_env(r)->cfg;
	long long		 q, m;

	q = config_limit(cfg, LIMIT_BODY_QUESTIONNAIRES);
	m = config_limit(cfg, LIMIT_BODY_MESSAGES);
	return (size_t)(q > m ? q : m);
}

int
api_body_data(struct http_request *r, const char *data, size_t len,
    struct http_reply *rep)
{
	struct buf	*b = http_request_state(r);
	size_t		 old, want;

	if (b == NULL) {
		if ((b = malloc(sizeof(*b))) == NULL)
			goto oom;
		buf_init(b, body_max(r), BUF_WIPE);
		http_request_set_state(r, b);
	}
	old = b->cap;
	if (b->len + len + 1 <= old) {
		if (buf_add(b, data, len) == -1)
			goto oom;
		return 0;
	}
	/*
	 * Growing: the new block needs at least want bytes, and the old one
	 * lives on while it is copied. The buffer may take more (it doubles,
	 * up to its maximum); that is counted once it has.
	 */
	want = b->len + len + 1;
	if (budget_take(want, config_limit(http_request_env(r)->cfg,
	    LIMIT_BODY_MEMORY)) == -1)
		goto busy;
	if (buf_add(b, data, len) == -1) {
		budget_give(want);
		goto oom;
	}
	budget_give(old);
	budget_add(b->cap - want);
	return 0;
busy:
	http_reply_error(rep, 503, ERR_OVERLOADED, "De server houdt nu te veel "
	    "gegevens vast; probeer het later opnieuw");
	return -1;
oom:
	http_reply_error(rep, 503, ERR_UNAVAILABLE, "out of resources");
	return -1;
}

int
api_body_get(const struct http_request *r, const char **buf, size_t *len)
{
	const struct buf	*b = http_request_state(r);

	if (b == NULL || b->len == 0)
		return -1;
	*buf = b->p;
	*len = b->len;
	return 0;
}

void
api_body_done(struct http_request *r)
{
	struct buf	*b = http_request_state(r);

	if (b == NULL)
		return;
	budget_give(b->cap);
	buf_free(b);
	free(b);
	http_request_set_state(r, NULL);
}

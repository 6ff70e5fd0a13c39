/*
 * Bodies that must be parsed whole (XML and JSON parsers work from
 * memory): collected per request up to the route's limit, which the
 * server enforces, and wiped when the request ends (BUF_WIPE: they hold
 * client identifiers).
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "errors.h"

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

	if (b == NULL) {
		if ((b = malloc(sizeof(*b))) == NULL)
			goto oom;
		buf_init(b, body_max(r), BUF_WIPE);
		http_request_set_state(r, b);
	}
	if (buf_add(b, data, len) == -1)
		goto oom;
	return 0;
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
	buf_free(b);
	free(b);
	http_request_set_state(r, NULL);
}

/*
 * Bodies that must be parsed whole (XML and JSON parsers work from
 * memory): collected per request up to the route's limit, which the
 * server enforces, and wiped when the request ends.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

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
		/* Not realloc: the old buffer is wiped before it is freed. */
		if ((nb = malloc(ncap)) == NULL)
			goto oom;
		if (b->len > 0)
			memcpy(nb, b->buf, b->len);
		if (b->buf != NULL)
			explicit_bzero(b->buf, b->cap);
		free(b->buf);
		b->buf = nb;
		b->cap = ncap;
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	return 0;
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
	free(b);
	http_request_set_state(r, NULL);
}

/*
 * POST /v1/messages: one iJw Bericht (JW301, JW305, JW307) per request,
 * role berichtenverkeer. The body (at most body_max_messages) is collected
 * in memory, because libxml2 parses from memory, and wiped after use.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "ingest.h"

struct msg_body {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

static int
msg_data(struct http_request *r, const char *data, size_t len,
    struct http_reply *rep)
{
	struct msg_body	*b = http_request_state(r);
	size_t		 ncap;
	char		*nb;

	if (b == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			goto oom;
		http_request_set_state(r, b);
	}
	/* The server holds the total to body_max_messages. */
	if (b->len + len > b->cap) {
		ncap = b->cap ? b->cap : 16384;
		while (ncap < b->len + len)
			ncap *= 2;
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

static void
msg_end(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	struct msg_body		*b = http_request_state(r);
	struct ingest_answer	 a;

	if (b == NULL || b->len == 0) {
		http_reply_error(rep, 400, "xml_malformed", "empty body");
		return;
	}
	ingest_message(env->cfg, env->pseudo, env->msgw,
	    http_request_party(r), b->buf, b->len, &a);
	if (a.status == 201 || a.status == 200)
		http_request_set_rows(r, 1);
	http_reply_json(rep, a.status, a.body);
}

static void
msg_done(struct http_request *r)
{
	struct msg_body	*b = http_request_state(r);

	if (b == NULL)
		return;
	if (b->buf != NULL)
		explicit_bzero(b->buf, b->cap);
	free(b->buf);
	free(b);
}

static const char *const xml_types[] = {
	"application/xml", "text/xml", NULL
};

const struct http_route api_messages_routes[] = {
	{ "POST", "/v1/messages", 0, "/v1/messages",
	    ROLE_BIT(ROLE_BERICHTENVERKEER), LIMIT_BODY_MESSAGES, xml_types,
	    NULL, msg_data, msg_end, msg_done },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

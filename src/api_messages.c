/*
 * POST /v1/messages, role berichtenverkeer: one iJw Bericht (JW301, JW305,
 * JW307) as application/xml, or a batch of them as multipart/mixed, one
 * Bericht per part.
 *
 * A single message is collected whole (libxml2 parses from memory), at
 * most body_max_messages. A batch is split as it streams: only the part
 * being read is held, at most body_max_messages, and each part goes to
 * the batch ingest (parse, check, hand to the writer) the moment its
 * closing delimiter is seen, so the writer stores early parts while later
 * ones are still arriving. The answer comes once every accepted part is
 * durable: one entry per part, in order. When the framing breaks, or the
 * batch passes its part or byte limit, the answer lists the parts handled
 * before that point and says that nothing from the failing part onward
 * was stored.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "buf.h"
#include "errors.h"
#include "ingest.h"
#include "multipart.h"
#include "util.h"

/*
 * The batch limit is enforced here, so that the answer can list the parts
 * handled before it; the server's own backstop sits above it by more than
 * one chunk of body (bounded by the connection's buffer).
 */
#define BATCH_LIMIT_SLACK	(1024ULL * 1024)

struct msg_batch {
	struct mp_parser	*mp;
	struct ingest_batch	*b;
	struct buf		 part;		/* the part being read */
	int			 part_over;	/* passed body_max_messages */
	int			 part_type_bad;	/* not an XML Content-Type */
	unsigned long		 parts_max;
	uint64_t		 bytes, bytes_max;
	/* Why the batch stopped early, for the answer. */
	unsigned		 stop_status;
	const char		*stop_code;
	const char		*stop_message;
};

static int
is_xml_type(const char *v, size_t len)
{
	size_t	n;

	for (n = 0; n < len && v[n] != ';' && v[n] != ' '; n++)
		;
	return (n == 15 && strncasecmp(v, "application/xml", 15) == 0) ||
	    (n == 8 && strncasecmp(v, "text/xml", 8) == 0);
}

static int
part_begin(void *arg, unsigned long part)
{
	struct msg_batch	*mb = arg;

	if (part > mb->parts_max) {
		mb->stop_status = 413;
		mb->stop_code = ERR_TOO_MANY_PARTS;
		mb->stop_message = "de batch heeft meer delen dan "
		    "parts_max_messages toestaat";
		return -1;
	}
	buf_reset(&mb->part);
	mb->part_over = 0;
	mb->part_type_bad = 0;
	return 0;
}

static int
part_header(void *arg, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct msg_batch	*mb = arg;

	if (nlen == 12 && strncasecmp(name, "Content-Type", 12) == 0 &&
	    !is_xml_type(value, vlen))
		mb->part_type_bad = 1;
	return 0;
}

static int
part_data(void *arg, const char *p, size_t n)
{
	struct msg_batch	*mb = arg;

	if (mb->part_over || mb->part_type_bad)
		return 0;
	if (n > mb->part.max - mb->part.len) {
		/* Read past, not kept: the part gets its own 413. */
		mb->part_over = 1;
		buf_reset(&mb->part);
		return 0;
	}
	return buf_add(&mb->part, p, n);
}

static int
part_end(void *arg, unsigned long part)
{
	struct msg_batch	*mb = arg;
	int			 rc;

	(void)part;
	if (mb->part_over)
		rc = ingest_batch_refuse(mb->b, 413, ERR_BODY_TOO_LARGE, "het "
		    "bericht is groter dan body_max_messages toestaat");
	else if (mb->part_type_bad)
		rc = ingest_batch_refuse(mb->b, 415,
		    ERR_UNSUPPORTED_MEDIA_TYPE,
		    "een deel moet application/xml of text/xml zijn");
	else if (mb->part.len == 0)
		rc = ingest_batch_refuse(mb->b, 400, ERR_XML_MALFORMED,
		    "leeg deel");
	else
		rc = ingest_batch_add(mb->b, mb->part.p, mb->part.len);
	buf_reset(&mb->part);
	return rc;
}

static const struct mp_callbacks batch_cbs = {
	part_begin, part_header, part_data, part_end
};

static void
batch_free(struct msg_batch *mb)
{
	if (mb == NULL)
		return;
	ingest_batch_free(mb->b);
	mp_free(mb->mp);
	buf_free(&mb->part);
	free(mb);
}

/* The batch answer, complete or cut short, into the reply. */
static void
batch_reply(struct http_request *r, struct msg_batch *mb,
    struct http_reply *rep, unsigned status, const char *code,
    const char *message)
{
	long long		 stored, dup, refused;
	size_t			 handled = ingest_batch_parts(mb->b), len;
	unsigned		 st;
	char			*body;

	ingest_batch_answer(mb->b, status, code, message, handled + 1, &st,
	    &body, &len);
	ingest_batch_counts(mb->b, &stored, &dup, &refused);
	http_request_set_rows(r, stored + dup);
	if (body == NULL)
		http_reply_error(rep, 500, ERR_INTERNAL, "onvoldoende geheugen");
	else
		http_reply_text(rep, st, "application/json", body, len);
}

/* Sends the cut-short answer for a framing or limit fault. */
static void
batch_stop(struct http_request *r, struct msg_batch *mb,
    struct http_reply *rep)
{
	const struct mp_error	*e = mp_last_error(mb->mp);

	if (mb->stop_code != NULL)
		batch_reply(r, mb, rep, mb->stop_status, mb->stop_code,
		    mb->stop_message);
	else if (e->code != NULL && strcmp(e->code, MP_ERR_STOPPED) == 0)
		batch_reply(r, mb, rep, 503, ERR_UNAVAILABLE, "onvoldoende "
		    "middelen; stuur de rest van de batch later opnieuw");
	else
		batch_reply(r, mb, rep, 400, e->code != NULL ? e->code :
		    MP_ERR_MALFORMED, e->message);
}

static int
batch_begin(struct http_request *r, struct http_reply *rep,
    const char *ct)
{
	const struct http_env	*env = http_request_env(r);
	struct msg_batch	*mb;
	char			 boundary[MP_BOUNDARY_MAX + 1];

	if (mp_boundary(ct, "mixed", boundary) == -1) {
		http_reply_error(rep, 400, MP_ERR_BOUNDARY, "Content-Type "
		    "multipart/mixed heeft geen geldige boundary-parameter");
		return -1;
	}
	if ((mb = calloc(1, sizeof(*mb))) == NULL ||
	    (mb->mp = mp_new(boundary, &batch_cbs, mb)) == NULL ||
	    (mb->b = ingest_batch_new(env->cfg, env->pseudo, env->msgw,
	    http_request_party(r))) == NULL) {
		batch_free(mb);
		http_reply_error(rep, 503, ERR_UNAVAILABLE, "onvoldoende middelen; "
		    "probeer het later opnieuw");
		return -1;
	}
	buf_init(&mb->part, (size_t)config_limit(env->cfg,
	    LIMIT_BODY_MESSAGES), BUF_WIPE);
	mb->parts_max = (unsigned long)config_limit(env->cfg,
	    LIMIT_PARTS_MESSAGES);
	mb->bytes_max = (uint64_t)config_limit(env->cfg,
	    LIMIT_BODY_MESSAGE_BATCH);
	http_request_set_body_limit(r, mb->bytes_max + BATCH_LIMIT_SLACK);
	http_request_set_state(r, mb);
	return 0;
}

/*
 * The route takes the batch limit; a single message is held to its own,
 * lower one, from Content-Length when there is one.
 */
static int
msg_begin(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	const char		*ct, *cl;
	long long		 max, len;

	ct = http_request_header(r, "Content-Type");
	if (ct != NULL && strncasecmp(ct, "multipart/", 10) == 0)
		return batch_begin(r, rep, ct);
	max = config_limit(env->cfg, LIMIT_BODY_MESSAGES);
	cl = http_request_header(r, "Content-Length");
	if (cl != NULL && util_memtonum(cl, strlen(cl), 0, LLONG_MAX,
	    &len) == 0 && len > max) {
		http_reply_error(rep, 413, ERR_BODY_TOO_LARGE,
		    "de body is groter dan dit endpoint aanneemt");
		return -1;
	}
	http_request_set_body_limit(r, (uint64_t)max);
	return 0;
}

static int
msg_data(struct http_request *r, const char *data, size_t len,
    struct http_reply *rep)
{
	struct msg_batch	*mb;
	const char		*ct = http_request_header(r, "Content-Type");

	if (ct == NULL || strncasecmp(ct, "multipart/", 10) != 0)
		return api_body_data(r, data, len, rep);
	mb = http_request_state(r);
	if (len > mb->bytes_max - mb->bytes) {
		mb->stop_status = 413;
		mb->stop_code = ERR_BODY_TOO_LARGE;
		mb->stop_message = "de batch is groter dan "
		    "body_max_message_batch toestaat";
		batch_stop(r, mb, rep);
		return -1;
	}
	mb->bytes += len;
	if (mp_feed(mb->mp, data, len) == -1) {
		batch_stop(r, mb, rep);
		return -1;
	}
	return 0;
}

static void
msg_end(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	struct msg_batch	*mb;
	struct ingest_answer	 a;
	const char		*buf;
	const char		*ct = http_request_header(r, "Content-Type");
	size_t			 len;

	if (ct != NULL && strncasecmp(ct, "multipart/", 10) == 0) {
		mb = http_request_state(r);
		if (mp_finish(mb->mp) == -1)
			batch_stop(r, mb, rep);
		else
			batch_reply(r, mb, rep, 200, NULL, NULL);
		return;
	}
	if (api_body_get(r, &buf, &len) == -1) {
		http_reply_error(rep, 400, ERR_XML_MALFORMED, "lege body");
		return;
	}
	ingest_message(env->cfg, env->pseudo, env->msgw,
	    http_request_party(r), buf, len, &a);
	if (a.status == 201 || a.status == 200)
		http_request_set_rows(r, 1);
	http_reply_json(rep, a.status, a.body);
}

static void
msg_done(struct http_request *r)
{
	const char	*ct = http_request_header(r, "Content-Type");

	if (ct != NULL && strncasecmp(ct, "multipart/", 10) == 0) {
		batch_free(http_request_state(r));
		http_request_set_state(r, NULL);
	} else
		api_body_done(r);
}

static const char *const msg_types[] = {
	"application/xml", "text/xml", "multipart/mixed", NULL
};

const struct http_route api_messages_routes[] = {
	{ "POST", "/v1/messages", 0, "/v1/messages",
	    ROLE_BIT(ROLE_BERICHTENVERKEER), LIMIT_BODY_MESSAGE_BATCH,
	    msg_types, msg_begin, msg_data, msg_end, msg_done },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

/*
 * POST /v1/messages: one iJw Bericht (JW301, JW305, JW307) per request,
 * role berichtenverkeer. The body is collected whole (libxml2 parses from
 * memory), at most body_max_messages.
 */
#include "api.h"
#include "errors.h"
#include "ingest.h"

static void
msg_end(struct http_request *r, struct http_reply *rep)
{
	const struct http_env	*env = http_request_env(r);
	struct ingest_answer	 a;
	const char		*buf;
	size_t			 len;

	if (api_body_get(r, &buf, &len) == -1) {
		http_reply_error(rep, 400, ERR_XML_MALFORMED, "empty body");
		return;
	}
	ingest_message(env->cfg, env->pseudo, env->msgw,
	    http_request_party(r), buf, len, &a);
	if (a.status == 201 || a.status == 200)
		http_request_set_rows(r, 1);
	http_reply_json(rep, a.status, a.body);
}

static const char *const xml_types[] = {
	"application/xml", "text/xml", NULL
};

const struct http_route api_messages_routes[] = {
	{ "POST", "/v1/messages", 0, "/v1/messages",
	    ROLE_BIT(ROLE_BERICHTENVERKEER), LIMIT_BODY_MESSAGES, xml_types,
	    NULL, api_body_data, msg_end, api_body_done },
	{ NULL, NULL, 0, NULL, 0, -1, NULL, NULL, NULL, NULL, NULL }
};

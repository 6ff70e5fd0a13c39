/*
 * The HTTP API: the route table and the endpoint families behind it.
 * Each api_*.c file implements one family; api_basic.c holds the table.
 */
#ifndef SORTTP_API_H
#define SORTTP_API_H

#include "http_server.h"

#define ROLES_ANY	(ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_BERGOP) | \
	ROLE_BIT(ROLE_BERICHTENVERKEER) | ROLE_BIT(ROLE_ANALIST) | \
	ROLE_BIT(ROLE_MONITOR))
#define ROLES_UPLOADERS	(ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_BERGOP) | \
	ROLE_BIT(ROLE_BERICHTENVERKEER))

/*
 * Every route of the daemon, terminated by an entry with method NULL;
 * api_routes_init() assembles it from the families below.
 */
extern const struct http_route *api_routes;
void	api_routes_init(void);

/* The families, each terminated by an entry with method NULL. */
extern const struct http_route api_basic_routes[];
extern const struct http_route api_scores_routes[];
extern const struct http_route api_messages_routes[];
extern const struct http_route api_questionnaires_routes[];
extern const struct http_route api_indicators_routes[];
extern const struct http_route api_reports_routes[];
extern const struct http_route api_web_routes[];	/* api_web.c */

/*
 * Collecting a whole body (api_body.c): api_body_data and api_body_done
 * serve as a route's data and done handlers; api_body_get gives the
 * bytes to its end handler (-1 when there were none).
 */
int	api_body_data(struct http_request *, const char *, size_t,
	    struct http_reply *);
int	api_body_get(const struct http_request *, const char **, size_t *);
void	api_body_done(struct http_request *);

/*
 * POST /v1/scores/handmatig (api_handmatig.c), in api_scores_routes:
 * begin holds the body to HANDMATIG_BODY_MAX, end answers.
 */
int	api_handmatig_begin(struct http_request *, struct http_reply *);
void	api_handmatig_end(struct http_request *, struct http_reply *);

#endif

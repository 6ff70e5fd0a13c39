/*
 * Feed health: whether the data keeps coming. Per stream (scores,
 * messages, questionnaires) the uploads accepted, duplicate, refused and
 * failed to write, and the rows, messages or responses accepted; the time
 * of the last accepted upload per source role, per aanbieder (its AGB code,
 * from a bounded table of parties) and per iJw message type; and the
 * indicator snapshot's age and build time. Rendered into /metrics.
 * Counts and times only: never an identifier or anything from a body.
 */
#ifndef SORTTP_FEED_H
#define SORTTP_FEED_H

#include <stdint.h>

#include "buf.h"
#include "store.h"

#define FEED_AANBIEDERS_MAX	1024	/* AGB labels; more count as "other" */

enum feed_stream {
	FEED_SCORES = 0,
	FEED_MESSAGES,
	FEED_QUESTIONNAIRES,
	FEED__COUNT
};

/* The stream of an upload route label ("/v1/scores"), or -1. */
int	feed_stream_of(const char *route_label);

/*
 * One finished upload request of an authenticated party: status 201
 * accepted (units rows, messages or responses), 200 duplicate, 500 and
 * 503 failed to write, any other refused.
 */
void	feed_upload(enum feed_stream, unsigned status, int64_t units,
	    const struct party *);

/* An accepted iJw message of type 301, 305 or 307. */
void	feed_message_type(int type);

/* A new indicator snapshot, built in build_ns. */
void	feed_snapshot_built(uint64_t build_ns);

/*
 * Seeds the last-accepted times from the stored receipts, so that a
 * restart does not look like a silent feed. 0, or -1 on a fault.
 */
int	feed_init(struct store *);

/* Appends the feed metrics in Prometheus text format. */
void	feed_render(struct buf *);

#endif

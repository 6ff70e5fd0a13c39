/*
 * Retention in the daemon and on the command line: the cut-off moments
 * from the configured bewaartermijnen, and the daily purge thread.
 */
#ifndef SORTTP_PURGE_H
#define SORTTP_PURGE_H

#include <time.h>

#include "config.h"
#include "store.h"

#define PURGE_INTERVAL_S	(24 * 3600)	/* the daemon purges daily */
#define PURGE_FIRST_DELAY_S	5		/* ... first soon after start */

/* The cut-offs at now for cfg's retention limits. */
void	purge_cut(const struct config *, time_t now, struct store_purge_cut *);

/* One line of counts, "scores 3, trajecten 0, ...", for logs and output. */
void	purge_format(const struct store_purge_counts *, char *buf, size_t len);

struct purge_thread;

/*
 * Starts the daily purge on a connection of its own to the database at
 * path. 0, or -1 with a message in err.
 */
int	purge_start(const struct config *, const char *path,
	    struct purge_thread **, char *err, size_t errlen);
void	purge_stop(struct purge_thread *);

#endif

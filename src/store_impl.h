/*
 * Internals shared by the store's source files (store.c and the per-stream
 * files); not for the rest of the program.
 */
#ifndef SORTTP_STORE_IMPL_H
#define SORTTP_STORE_IMPL_H

#include <pthread.h>

#include <sqlite3.h>

#include "config.h"

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[16];
	pthread_mutex_t	 lock;
	char		 path[CFG_PATH_MAX];
};

#include "store.h"

/* Runs SQL without results; err may be NULL. */
int	store_exec(struct store *, const char *sql, char *err, size_t errlen);

/* Columns public_id, kind, rows, created_at of s into a receipt. */
int	store_receipt_row(sqlite3_stmt *, struct store_receipt *);

/* A local (party-less) audit row; the caller holds st->lock. */
int	store_audit_locked(struct store *, const char *action,
	    const char *detail);

/* A new random public upload id, "u_" + 16 hex. */
int	store_public_id(char out[STORE_PUBLIC_ID_LEN + 1]);

#endif

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

/* Runs SQL without results; err may be NULL. */
int	store_exec(struct store *, const char *sql, char *err, size_t errlen);

#endif

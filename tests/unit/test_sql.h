/*
 * For unit tests that fill a store by hand: a formatted SQL statement run
 * on the store's connection, failing the test when it does not run.
 * Include after test.h and store.h.
 */
#ifndef SORTTP_TEST_SQL_H
#define SORTTP_TEST_SQL_H

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static void	sql(struct store *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
sql(struct store *st, const char *fmt, ...)
{
	char	buf[1024], err[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (store_exec(st, buf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", buf, err);
		CHECK(0);
	}
}

/* Removes a test's database with its -wal and -shm files. */
static void
test_remove_db(const char *db)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	unlink(db);
}

#endif

/*
 * Internals shared by the store's source files (store.c and the per-stream
 * files); not for the rest of the program.
 */
#ifndef SORTTP_STORE_IMPL_H
#define SORTTP_STORE_IMPL_H

#include <pthread.h>

#include <sqlite3.h>

#include "config.h"

struct evp_cipher_ctx_st;

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[16];
	pthread_mutex_t	 lock;
	char		 path[CFG_PATH_MAX];
	/* The receipt id permutation (AES-128 under meta receipt_id_key). */
	struct evp_cipher_ctx_st *idcipher;
};

#include "store.h"

/* Runs SQL without results; err may be NULL. */
int	store_exec(struct store *, const char *sql, char *err, size_t errlen);

/*
 * Columns id, public_id, kind, rows, created_at of s into a receipt
 * (RECEIPT_COLS); public_id NULL means the id is derived from the rowid.
 */
#define RECEIPT_COLS	"id, public_id, kind, rows, created_at"
int	store_receipt_row(struct store *, sqlite3_stmt *,
	    struct store_receipt *);

/*
 * Public receipt ids, "u_" + 16 hex: a keyed 64-bit permutation of the
 * rowid, so an id reveals neither how many uploads there are nor their
 * order, and needs no index to be found. parse gives the rowid an id
 * stands for (-1 when it cannot be one of ours).
 */
int	store_public_id_init(struct store *, char *err, size_t errlen);
int	store_public_id(struct store *, int64_t id,
	    char out[STORE_PUBLIC_ID_LEN + 1]);
int	store_public_id_parse(struct store *, const char *pub, int64_t *id);

/*
 * Receipt ids (uploads.id) are never given twice: not after a purge that
 * deleted the newest receipts, nor after a restore. meta receipt_id_last
 * holds the highest id ever given (migration 11 -> 12). LAST reads it, or
 * max(id) should a receipt have come in another way; MARK (?1 the highest
 * id given) moves it on, never back. Both run inside the BEGIN IMMEDIATE
 * transaction that gives the ids, once per transaction.
 */
#define STORE_RECEIPT_LAST_SQL \
	"SELECT max(coalesce((SELECT max(id) FROM uploads), 0)," \
	" coalesce((SELECT CAST(value AS INTEGER) FROM meta" \
	" WHERE key = 'receipt_id_last'), 0))"
#define STORE_RECEIPT_MARK_SQL \
	"INSERT INTO meta (key, value) VALUES ('receipt_id_last'," \
	" CAST(?1 AS TEXT)) ON CONFLICT (key) DO UPDATE SET" \
	" value = excluded.value WHERE CAST(meta.value AS INTEGER) <" \
	" CAST(excluded.value AS INTEGER)"

/* A local (party-less) audit row; the caller holds st->lock. */
int	store_audit_locked(struct store *, const char *action,
	    const char *detail);

/*
 * Key links waiting in memory (store_keys.c), written inside the caller's
 * open transaction before its COMMIT; settle after the commit (committed
 * 1) or the rollback (0). -1 on a fault: roll back.
 */
struct store_links_batch {
	struct store_link_pair {
		int64_t		 old;
		int64_t		 new_;
		int		 kind;
	}		*v;
	size_t		 n;
};
int	store_links_write(struct store *, struct store_links_batch *);
void	store_links_settle(struct store_links_batch *, int committed);

/*
 * Table dc_history (store_dchistory.c): made by migration 8 -> 9, or by a
 * restore of an older backup that keeps the replaced database's history;
 * rebuilt by 12 -> 13 with its level CHECK as a range (store.c).
 */
#define STORE_DCH_COLUMNS						\
	" ("								\
	"  indicator TEXT NOT NULL,"					\
	"  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),"	\
	"  period INTEGER NOT NULL,"					\
	"  geo TEXT NOT NULL,"						\
	"  agb INTEGER NOT NULL,"					\
	"  last_day INTEGER NOT NULL,"					\
	"  published INTEGER NOT NULL,"					\
	"  withheld INTEGER NOT NULL,"					\
	"  PRIMARY KEY (indicator, level, period, geo, agb)"		\
	") WITHOUT ROWID;"
#define STORE_DCH_TABLE							\
	"CREATE TABLE IF NOT EXISTS dc_history" STORE_DCH_COLUMNS

#endif

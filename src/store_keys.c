/*
 * Key rotation in the store: which key versions the data folder has, when
 * the last rotation was and when its overlap window ends, and the links
 * between a pseudonym under the old key and the same identifier's
 * pseudonym under the new key.
 *
 * The pseudonymiser hands every (old, new) pair it makes during the window
 * to store_links_sink, which keeps it in a process-wide table in memory.
 * Each upload or message batch that commits writes the pairs pending at
 * that moment in its own transaction, before its COMMIT. Every pseudonym
 * of an upload is made before that upload commits, so its links are
 * durable no later than its records; a pair that another transaction wrote
 * already is kept only as "written", to skip it next time. The table holds
 * 8 bytes of each pseudonym, never an identifier.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

/*
 * Pairs kept in memory: pending ones until a commit writes them, written
 * ones only to skip them. Written pairs are dropped when the table is
 * full; pending ones are never dropped, and past the maximum a new pair is
 * lost (logged), which only costs the linkage of that pseudonym until it
 * is seen again in the window.
 */
#define LINKS_INITIAL	4096
#define LINKS_MAX	(1u << 22)	/* slots: 4 Mi x 24 bytes */

enum { SLOT_EMPTY = 0, SLOT_PENDING, SLOT_WRITTEN };

struct link_slot {
	int64_t		 old;
	int64_t		 new_;
	uint8_t		 kind;
	uint8_t		 state;
};

static struct {
	pthread_mutex_t	 mu;
	struct link_slot *tab;
	size_t		 cap, used, npending;
	unsigned	 version;
	int		 lost_logged;
} links = { .mu = PTHREAD_MUTEX_INITIALIZER };

static size_t
slot_hash(int kind, int64_t old, size_t cap)
{
	uint64_t	h = (uint64_t)old * UINT64_C(0x9e3779b97f4a7c15) ^
	    (unsigned)kind;

	return (size_t)(h >> 20) & (cap - 1);
}

/* The slot of (kind, old), or the empty one where it would go. */
static struct link_slot *
slot_find(struct link_slot *tab, size_t cap, int kind, int64_t old)
{
	size_t	i = slot_hash(kind, old, cap);

	while (tab[i].state != SLOT_EMPTY &&
	    (tab[i].kind != kind || tab[i].old != old))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/*
 * A new table of cap slots with the pairs of the old one; written pairs
 * are left behind when keep_written is 0. Caller holds the lock.
 */
static int
table_rebuild(size_t cap, int keep_written)
{
	struct link_slot	*t, *o;
	size_t			 i, used = 0;

	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < links.cap; i++) {
		o = &links.tab[i];
		if (o->state == SLOT_EMPTY ||
		    (o->state == SLOT_WRITTEN && !keep_written))
			continue;
		*slot_find(t, cap, o->kind, o->old) = *o;
		used++;
	}
	free(links.tab);
	links.tab = t;
	links.cap = cap;
	links.used = used;
	return 0;
}

/* Room for one more pair: grow, or forget written pairs. */
static int
table_room(void)
{
	if (links.tab == NULL)
		return table_rebuild(LINKS_INITIAL, 1);
	if ((links.used + 1) * 4 < links.cap * 3)
		return 0;
	if (links.cap < LINKS_MAX)
		return table_rebuild(links.cap * 2, 1);
	if (links.npending * 2 < links.cap)
		return table_rebuild(links.cap, 0);
	return -1;
}

void
store_links_set_version(unsigned version)
{
	pthread_mutex_lock(&links.mu);
	links.version = version;
	pthread_mutex_unlock(&links.mu);
}

void
store_links_sink(int kind, const unsigned char old[32],
    const unsigned char new_[32], void *arg)
{
	struct link_slot	*sl;
	int64_t			 o = store_ps64(old, 0), n = store_ps64(new_, 0);

	(void)arg;
	if (kind != 0 && kind != 1)
		return;
	pthread_mutex_lock(&links.mu);
	if (table_room() == -1) {
		if (!links.lost_logged)
			log_error("key rotation: too many links waiting for a "
			    "commit; some clients will link only when seen "
			    "again");
		links.lost_logged = 1;
		goto out;
	}
	sl = slot_find(links.tab, links.cap, kind, o);
	if (sl->state == SLOT_EMPTY) {
		sl->kind = (uint8_t)kind;
		sl->old = o;
		sl->new_ = n;
		sl->state = SLOT_PENDING;
		links.used++;
		links.npending++;
	}
out:
	pthread_mutex_unlock(&links.mu);
}

size_t
store_links_pending(void)
{
	size_t	n;

	pthread_mutex_lock(&links.mu);
	n = links.npending;
	pthread_mutex_unlock(&links.mu);
	return n;
}

int
store_links_write(struct store *st, struct store_links_batch *b)
{
	sqlite3_stmt	*s = NULL;
	size_t		 i, n = 0;
	unsigned	 version;
	int		 rc;

	memset(b, 0, sizeof(*b));
	pthread_mutex_lock(&links.mu);
	if (links.npending > 0 &&
	    (b->v = calloc(links.npending, sizeof(*b->v))) == NULL) {
		pthread_mutex_unlock(&links.mu);
		return -1;
	}
	for (i = 0; i < links.cap && n < links.npending; i++)
		if (links.tab[i].state == SLOT_PENDING) {
			b->v[n].kind = links.tab[i].kind;
			b->v[n].old = links.tab[i].old;
			b->v[n].new_ = links.tab[i].new_;
			n++;
		}
	version = links.version;
	pthread_mutex_unlock(&links.mu);
	b->n = n;
	if (n == 0)
		return 0;
	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO key_links"
	    " (kind, old, new, version) VALUES (?1, ?2, ?3, ?4)", -1, &s,
	    NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int(s, 1, b->v[i].kind);
		sqlite3_bind_int64(s, 2, b->v[i].old);
		sqlite3_bind_int64(s, 3, b->v[i].new_);
		sqlite3_bind_int(s, 4, (int)version);
		if ((rc = sqlite3_step(s)) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(s);
	return 0;
fail:
	log_error("database: cannot write key links: %s",
	    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	store_links_settle(b, 0);
	return -1;
}

void
store_links_settle(struct store_links_batch *b, int committed)
{
	struct link_slot	*sl;
	size_t			 i;

	if (committed && b->n > 0) {
		pthread_mutex_lock(&links.mu);
		for (i = 0; i < b->n && links.tab != NULL; i++) {
			sl = slot_find(links.tab, links.cap, b->v[i].kind,
			    b->v[i].old);
			if (sl->state == SLOT_PENDING) {
				sl->state = SLOT_WRITTEN;
				links.npending--;
			}
		}
		pthread_mutex_unlock(&links.mu);
	}
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

/* The key state in meta */

static int
meta_text(struct store *st, const char *key, char *buf, size_t len)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 rc, ret = -1;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		ret = 0;
	else if (rc == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		ret = util_fmt(buf, len, "%s", v ? v : "");
	}
	sqlite3_finalize(s);
	return ret;
}

static long long
meta_num(struct store *st, const char *key, int *fault)
{
	char		 buf[32];
	long long	 v = 0;

	if (meta_text(st, key, buf, sizeof(buf)) == -1) {
		*fault = 1;
		return 0;
	}
	if (buf[0] != '\0' && util_memtonum(buf, strlen(buf), 0,
	    (long long)1 << 62, &v) == -1)
		*fault = 1;
	return v;
}

static int
meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta (key,"
	    " value) VALUES (?1, ?2)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
meta_set_num(struct store *st, const char *key, long long v)
{
	char	buf[32];

	util_fmt(buf, sizeof(buf), "%lld", v);
	return meta_set(st, key, buf);
}

/* The state; caller holds the lock. */
static int
key_state(struct store *st, struct store_key_state *ks)
{
	sqlite3_stmt	*s;
	int		 fault = 0;

	memset(ks, 0, sizeof(*ks));
	ks->version = (unsigned)meta_num(st, "key_version", &fault);
	ks->old_version = (unsigned)meta_num(st, "key_old_version", &fault);
	ks->rotated_at = meta_num(st, "key_rotated_at", &fault);
	ks->window_end = meta_num(st, "key_window_end", &fault);
	ks->retired_at = meta_num(st, "key_retired_at", &fault);
	if (fault || meta_text(st, "key_id", ks->key_id,
	    sizeof(ks->key_id)) == -1 || meta_text(st, "key_old_id",
	    ks->old_id, sizeof(ks->old_id)) == -1)
		return -1;
	if (ks->version == 0)
		ks->version = 1;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM key_links", -1,
	    &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		ks->nlinks = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int
store_key_state(struct store *st, struct store_key_state *ks)
{
	int	rc;

	pthread_mutex_lock(&st->lock);
	rc = key_state(st, ks);
	pthread_mutex_unlock(&st->lock);
	if (rc == -1)
		log_error("database: cannot read the key state: %s",
		    sqlite3_errmsg(st->db));
	return rc;
}

int
store_key_rotate(struct store *st, const char *cur_id,
    const char *new_id, long long now, long long window_end, char *err,
    size_t errlen)
{
	struct store_key_state	 ks;
	char			 detail[64];
	int			 ret = -1;

	pthread_mutex_lock(&st->lock);
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) == -1)
		goto out;
	if (key_state(st, &ks) == -1) {
		util_fmt(err, errlen, "database: %s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	if (strcmp(ks.key_id, cur_id) != 0) {
		util_fmt(err, errlen, "the key file is not the current key "
		    "of this database; nothing was changed");
		goto rollback;
	}
	if (ks.old_version != 0 && ks.retired_at == 0) {
		util_fmt(err, errlen, "key version %u is still present: "
		    "retire it first (sorttp key retire)", ks.old_version);
		goto rollback;
	}
	util_fmt(detail, sizeof(detail), "version %u -> %u", ks.version,
	    ks.version + 1);
	if (meta_set_num(st, "key_old_version", ks.version) == -1 ||
	    meta_set(st, "key_old_id", ks.key_id) == -1 ||
	    meta_set_num(st, "key_version", ks.version + 1) == -1 ||
	    meta_set(st, "key_id", new_id) == -1 ||
	    meta_set_num(st, "key_rotated_at", now) == -1 ||
	    meta_set_num(st, "key_window_end", window_end) == -1 ||
	    meta_set_num(st, "key_retired_at", 0) == -1 ||
	    store_audit_locked(st, "key_rotate", detail) == -1) {
		util_fmt(err, errlen, "database: %s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	if (store_exec(st, "COMMIT", err, errlen) == 0)
		ret = 0;
	goto out;
rollback:
	store_exec(st, "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_key_retire(struct store *st, long long now, char *err, size_t errlen)
{
	struct store_key_state	 ks;
	char			 detail[64];
	int			 ret = -1;

	pthread_mutex_lock(&st->lock);
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) == -1)
		goto out;
	if (key_state(st, &ks) == -1) {
		util_fmt(err, errlen, "database: %s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	if (ks.old_version == 0 || ks.retired_at != 0) {
		util_fmt(err, errlen, "there is no old key to retire");
		goto rollback;
	}
	util_fmt(detail, sizeof(detail), "version %u, %lld links kept",
	    ks.old_version, (long long)ks.nlinks);
	if (meta_set_num(st, "key_retired_at", now) == -1 ||
	    store_audit_locked(st, "key_retire", detail) == -1) {
		util_fmt(err, errlen, "database: %s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	if (store_exec(st, "COMMIT", err, errlen) == 0)
		ret = 0;
	goto out;
rollback:
	store_exec(st, "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/*
 * store_keys.c: the key rotation state in meta, and the links between old
 * and new pseudonyms, kept in memory until a commit writes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"
#include "test.h"

#define ERR_MAX		1024

static char	dir[64], db[256];

static long long
raw_int(const char *sql)
{
	sqlite3		*h = NULL;
	sqlite3_stmt	*s;
	long long	 v = -999;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return v;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(h);
	return v;
}

/* A pseudonym whose first 8 bytes are v, big-endian (store_ps64). */
static void
ps(unsigned char out[32], uint64_t v)
{
	int	i;

	memset(out, 0xab, 32);
	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)(v >> (56 - 8 * i));
}

/* An empty upload, committed: it writes whatever links are pending. */
static int
commit_upload(struct store *st, int64_t party, unsigned char tag)
{
	struct store_upload	*up = NULL;
	struct store_receipt	 r;
	unsigned char		 mac[STORE_BODY_MAC_LEN];
	char			 err[ERR_MAX];
	enum store_result	 rc;

	memset(mac, tag, sizeof(mac));
	if (store_upload_new(st, party, "scores", &up, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "store_upload_new: %s\n", err);
		return -1;
	}
	rc = store_upload_commit(up, mac, 0, &r);
	store_upload_free(up);
	return rc == STORE_OK ? 0 : -1;
}

struct seen {
	int	n;
	int64_t	old[4], new_[4];
	int	kind[4];
};

static int
on_link(const struct ind_src_link *l, void *arg)
{
	struct seen	*s = arg;

	if (s->n < 4) {
		s->old[s->n] = l->old;
		s->new_[s->n] = l->new_;
		s->kind[s->n] = l->kind;
	}
	s->n++;
	return 0;
}

static void
test_state(struct store *st)
{
	struct store_key_state	 ks;
	char			 err[ERR_MAX];
	unsigned char		 kid[16];

	memset(kid, 0x11, sizeof(kid));
	CHECK_EQ_INT(store_bind_key(st, kid, sizeof(kid), 1, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(store_key_state(st, &ks), 0);
	CHECK_EQ_INT(ks.version, 1);
	CHECK_EQ_INT(ks.old_version, 0);
	CHECK_STR(ks.key_id, "11111111111111111111111111111111");
	CHECK_EQ_INT(ks.nlinks, 0);

	/* Only from the current key, and only one old key at a time. */
	CHECK_EQ_INT(store_key_rotate(st, "22222222222222222222222222222222",
	    "33333333333333333333333333333333", 100, 200, err, sizeof(err)),
	    -1);
	CHECK_EQ_INT(store_key_rotate(st, ks.key_id,
	    "33333333333333333333333333333333", 100, 200, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(store_key_state(st, &ks), 0);
	CHECK_EQ_INT(ks.version, 2);
	CHECK_EQ_INT(ks.old_version, 1);
	CHECK_STR(ks.old_id, "11111111111111111111111111111111");
	CHECK_STR(ks.key_id, "33333333333333333333333333333333");
	CHECK(ks.rotated_at == 100 && ks.window_end == 200 &&
	    ks.retired_at == 0);
	CHECK_EQ_INT(store_key_rotate(st, ks.key_id,
	    "44444444444444444444444444444444", 150, 250, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "retire") != NULL);
	/* The daemon now binds the new key as version 2. */
	memset(kid, 0x33, sizeof(kid));
	CHECK_EQ_INT(store_bind_key(st, kid, sizeof(kid), 2, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(store_bind_key(st, kid, sizeof(kid), 1, err,
	    sizeof(err)), -1);
	CHECK_EQ_INT(raw_int("SELECT count(*) FROM audit WHERE action ="
	    " 'key_rotate'"), 1);
}

/*
 * The scans on connections of their own see what the shared connection
 * sees, with the same generation, and give the write lock back; with a
 * writer at work they run on the shared connection and see the same.
 */
static void
test_scan_concurrent(struct store *st, int64_t gen0)
{
	struct ind_scan_fns	 fns;
	struct seen		 seen;
	sqlite3			*w = NULL;
	int64_t			 gen = -1;

	memset(&fns, 0, sizeof(fns));
	fns.link = on_link;
	fns.concurrent = 1;
	memset(&seen, 0, sizeof(seen));
	CHECK_EQ_INT(store_ind_scan(st, &fns, &seen, &gen), 0);
	CHECK_EQ_INT(seen.n, 3);
	CHECK(gen == gen0);
	/* Nothing held: another connection may write at once. */
	CHECK_EQ_INT(sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(w, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	/* A writer at work: the scans do not wait for it. */
	memset(&seen, 0, sizeof(seen));
	gen = -1;
	CHECK_EQ_INT(store_ind_scan(st, &fns, &seen, &gen), 0);
	CHECK_EQ_INT(seen.n, 3);
	CHECK(gen == gen0);
	sqlite3_exec(w, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(w);
}

static void
test_links(struct store *st, int64_t party)
{
	struct ind_scan_fns	 fns;
	struct seen		 seen;
	unsigned char		 o[32], n[32];
	int64_t			 gen;

	store_links_set_version(2);
	ps(o, 0x0102030405060708ULL);
	ps(n, 0x1112131415161718ULL);
	store_links_sink(0, o, n, NULL);
	store_links_sink(0, o, n, NULL);	/* the same pair: kept once */
	store_links_sink(1, o, n, NULL);	/* another kind: its own */
	store_links_sink(7, o, n, NULL);	/* no such kind: ignored */
	CHECK_EQ_INT(store_links_pending(), 2);
	CHECK_EQ_INT(raw_int("SELECT count(*) FROM key_links"), 0);

	/* The next commit writes them, with the version; then none wait. */
	CHECK_EQ_INT(commit_upload(st, party, 1), 0);
	CHECK_EQ_INT(store_links_pending(), 0);
	CHECK_EQ_INT(raw_int("SELECT count(*) FROM key_links"), 2);
	CHECK_EQ_INT(raw_int("SELECT count(*) FROM key_links WHERE kind = 0"
	    " AND old = 72623859790382856 AND new = 1230066625199609624"
	    " AND version = 2"), 1);

	/* A pair written already is not pending again. */
	store_links_sink(0, o, n, NULL);
	CHECK_EQ_INT(store_links_pending(), 0);

	/* A pair whose upload was a duplicate waits for the next commit. */
	ps(o, 0x2122232425262728ULL);
	store_links_sink(0, o, n, NULL);
	CHECK_EQ_INT(commit_upload(st, party, 1), -1);	/* same body */
	CHECK_EQ_INT(store_links_pending(), 1);
	CHECK_EQ_INT(commit_upload(st, party, 2), 0);
	CHECK_EQ_INT(store_links_pending(), 0);
	CHECK_EQ_INT(raw_int("SELECT count(*) FROM key_links"), 3);

	/* The indicator scan hands them over in the same transaction. */
	memset(&fns, 0, sizeof(fns));
	memset(&seen, 0, sizeof(seen));
	fns.link = on_link;
	CHECK_EQ_INT(store_ind_scan(st, &fns, &seen, &gen), 0);
	CHECK_EQ_INT(seen.n, 3);
	test_scan_concurrent(st, gen);
}

static void
test_retire(struct store *st)
{
	struct store_key_state	 ks;
	char			 err[ERR_MAX];

	CHECK_EQ_INT(store_key_retire(st, 300, err, sizeof(err)), 0);
	CHECK_EQ_INT(store_key_state(st, &ks), 0);
	CHECK(ks.retired_at == 300);
	CHECK_EQ_INT(ks.nlinks, 3);	/* the links stay */
	CHECK_EQ_INT(store_key_retire(st, 301, err, sizeof(err)), -1);
	/* Retired: the next rotation may start, from version 2. */
	CHECK_EQ_INT(store_key_rotate(st, ks.key_id,
	    "44444444444444444444444444444444", 400, 500, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(store_key_state(st, &ks), 0);
	CHECK(ks.version == 3 && ks.old_version == 2 && ks.retired_at == 0);
	CHECK_EQ_INT(raw_int("SELECT count(*) FROM audit WHERE action ="
	    " 'key_retire'"), 1);
}

int
main(void)
{
	struct store	*st = NULL;
	struct party	 p;
	unsigned char	 th[PARTY_TOKEN_HASH_LEN];
	char		 err[ERR_MAX], rm[300];
	int64_t		 party = 0;

	snprintf(dir, sizeof(dir), "/tmp/test_store_keys.XXXXXX");
	if (mkdtemp(dir) == NULL || util_path_join(db, sizeof(db), dir,
	    STORE_DB_NAME) == -1)
		return 1;
	if (store_open(db, STORE_OPEN_CREATE, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_open: %s\n", err);
		return 1;
	}
	memset(&p, 0, sizeof(p));
	util_fmt(p.name, sizeof(p.name), "a1");
	p.role = ROLE_AANBIEDER;
	util_fmt(p.agb, sizeof(p.agb), "11110001");
	memset(th, 7, sizeof(th));
	CHECK_EQ_INT(store_party_add(st, &p, th, &party), STORE_OK);
	test_state(st);
	test_links(st, party);
	test_retire(st);
	store_close(st);
	(void)unlink(db);
	snprintf(rm, sizeof(rm), "%s-wal", db);
	(void)unlink(rm);
	snprintf(rm, sizeof(rm), "%s-shm", db);
	(void)unlink(rm);
	if (rmdir(dir) == -1)
		perror(dir);
	return test_done("store_keys");
}

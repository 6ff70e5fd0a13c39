/*
 * Unit tests for store.c: opening and creating the database (mode, WAL,
 * schema version, refusal of a newer schema), the key binding, parties
 * and their scopes, that only token hashes reach the disk, the audit
 * trail, and the message writer's batches. Each test works in a fresh temporary directory and inspects the
 * file through a second, plain SQLite connection where the store's own
 * connection is hidden.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "auth.h"
#include "store.h"
#include "util.h"
#include "test.h"

#define ERR_MAX		1024
#define FILE_MAX	(64 * 1024 * 1024)

struct tmp {
	char	dir[64];
	char	db[256];
	char	wal[256];
	char	shm[256];
};

static void
tmp_make(struct tmp *t)
{
	int	n;

	n = snprintf(t->dir, sizeof(t->dir), "/tmp/test_store.XXXXXX");
	if (n < 0 || (size_t)n >= sizeof(t->dir) || mkdtemp(t->dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	if (util_path_join(t->db, sizeof(t->db), t->dir, STORE_DB_NAME) ||
	    util_fmt(t->wal, sizeof(t->wal), "%s-wal", t->db) ||
	    util_fmt(t->shm, sizeof(t->shm), "%s-shm", t->db)) {
		fprintf(stderr, "path too long\n");
		exit(1);
	}
}

/* Removes every file in the directory (the tests make no subfolders). */
static void
tmp_remove(struct tmp *t)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[512];

	if ((d = opendir(t->dir)) == NULL) {
		perror(t->dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (util_path_join(path, sizeof(path), t->dir,
		    de->d_name) == 0 && unlink(path) == -1)
			perror(path);
	}
	closedir(d);
	if (rmdir(t->dir) == -1)
		perror(t->dir);
}

static struct store *
open_or_die(const char *path, int create)
{
	struct store	*st = NULL;
	char		 err[ERR_MAX] = "";

	if (store_open(path, create, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_open %s: %s\n", path, err);
		exit(1);
	}
	return st;
}

/* A second, plain connection to the same file. */
static sqlite3 *
raw_open(const char *path)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "sqlite3_open_v2 %s: %s\n", path,
		    db ? sqlite3_errmsg(db) : "?");
		exit(1);
	}
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	return db;
}

/* The first column of the first row of sql as an integer, or -999. */
static long long
raw_int(const char *path, const char *sql)
{
	sqlite3		*db = raw_open(path);
	sqlite3_stmt	*s;
	long long	 v = -999;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_type(s, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	} else
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	return v;
}

/* The first column of the first row of sql as text, "(none)" if none. */
static void
raw_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3		*db = raw_open(path);
	sqlite3_stmt	*s;
	const char	*v;

	util_fmt(buf, len, "(none)");
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW &&
		    (v = (const char *)sqlite3_column_text(s, 0)) != NULL)
			util_fmt(buf, len, "%s", v);
		sqlite3_finalize(s);
	} else
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db = raw_open(path);
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, msg ? msg : "?");
		exit(1);
	}
	sqlite3_close(db);
}

static void
party_init(struct party *p, const char *name, enum role role,
    const char *agb)
{
	memset(p, 0, sizeof(*p));
	util_fmt(p->name, sizeof(p->name), "%s", name);
	p->role = role;
	util_fmt(p->agb, sizeof(p->agb), "%s", agb);
}

static void
scope_add(struct party *p, enum scope_kind kind, const char *value)
{
	p->scopes[p->nscopes].kind = kind;
	util_fmt(p->scopes[p->nscopes].value,
	    sizeof(p->scopes[0].value), "%s", value);
	p->nscopes++;
}

/* "YYYY-MM-DDTHH:MM:SSZ" */
static int
is_iso8601(const char *s)
{
	return strlen(s) == 20 && s[4] == '-' && s[7] == '-' &&
	    s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
	    util_all_digits(s, 4) && util_all_digits(s + 11, 2);
}

static int
file_mode(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		return -1;
	return (int)(sb.st_mode & 07777);
}

static void
test_open_missing(void)
{
	struct tmp	 t;
	struct store	*st = NULL;
	char		 err[ERR_MAX] = "";
	char		 path[512];

	tmp_make(&t);
	CHECK_EQ_INT(store_open(t.db, 0, &st, err, sizeof(err)), -1);
	CHECK(st == NULL);
	CHECK(strstr(err, "sorttp init") != NULL);
	CHECK_EQ_INT(access(t.db, F_OK), -1);	/* not created either */

	/* A folder that does not exist: an error, not a crash. */
	util_path_join(path, sizeof(path), t.dir, "no/such/x.db");
	err[0] = '\0';
	CHECK_EQ_INT(store_open(path, 1, &st, err, sizeof(err)), -1);
	CHECK(st == NULL);
	CHECK(err[0] != '\0');
	tmp_remove(&t);
}

static void
test_open_create(void)
{
	struct tmp	 t;
	struct store	*st, *st2;
	char		 buf[64];
	mode_t		 old;

	tmp_make(&t);
	old = umask(022);
	st = open_or_die(t.db, 1);
	/* store_open tightens the umask while it creates, then restores it. */
	CHECK_EQ_INT(umask(old), 022);

	CHECK_EQ_INT(file_mode(t.db), 0600);
	CHECK_EQ_INT(store_schema_version(st), STORE_SCHEMA_VERSION);
	CHECK_EQ_INT(store_ping(st), 0);

	/* WAL: the -wal file exists beside the open database, also 0600. */
	CHECK_EQ_INT(access(t.wal, F_OK), 0);
	CHECK_EQ_INT(file_mode(t.wal), 0600);
	CHECK_EQ_INT(file_mode(t.shm), 0600);
	raw_text(t.db, "PRAGMA journal_mode", buf, sizeof(buf));
	CHECK_STR(buf, "wal");
	CHECK_EQ_INT(raw_int(t.db, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table' AND name IN ('meta', 'parties',"
	    " 'party_scopes', 'uploads', 'audit')"), 5);

	/*
	 * secure_delete and temp_store are settings of the store's own
	 * connection, which it does not expose, and neither shows in the
	 * file or from another connection; they are not checked here.
	 * foreign_keys, set the same way, is checked by behaviour in
	 * test_audit.
	 */

	/* A second handle on the same file, as the server opens. */
	st2 = open_or_die(t.db, 0);
	CHECK_EQ_INT(store_schema_version(st2), STORE_SCHEMA_VERSION);
	store_close(st2);
	store_close(st);

	/* Reopen without create: the migrations do not run twice. */
	st = open_or_die(t.db, 0);
	CHECK_EQ_INT(store_schema_version(st), STORE_SCHEMA_VERSION);
	CHECK_EQ_INT(store_ping(st), 0);
	store_close(st);
	CHECK_EQ_INT(file_mode(t.db), 0600);

	store_close(NULL);
	tmp_remove(&t);
}

static void
test_open_not_a_database(void)
{
	struct tmp	 t;
	struct store	*st = NULL;
	char		 err[ERR_MAX] = "";
	FILE		*f;

	tmp_make(&t);
	if ((f = fopen(t.db, "w")) == NULL) {
		perror(t.db);
		exit(1);
	}
	fputs("this is not an SQLite database, but it is long enough to "
	    "have a header of one hundred bytes at its very beginning.\n", f);
	fclose(f);
	CHECK_EQ_INT(store_open(t.db, 0, &st, err, sizeof(err)), -1);
	CHECK(st == NULL);
	CHECK(err[0] != '\0');
	tmp_remove(&t);
}

static void
test_newer_schema(void)
{
	struct tmp	 t;
	struct store	*st = NULL;
	char		 err[ERR_MAX] = "";
	char		 sql[64];

	tmp_make(&t);
	store_close(open_or_die(t.db, 1));
	util_fmt(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION + 1);
	raw_exec(t.db, sql);

	CHECK_EQ_INT(store_open(t.db, 0, &st, err, sizeof(err)), -1);
	CHECK(st == NULL);
	CHECK(strstr(err, "newer") != NULL);
	err[0] = '\0';
	CHECK_EQ_INT(store_open(t.db, 1, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "newer") != NULL);
	/* Refused, and left as it was. */
	CHECK_EQ_INT(raw_int(t.db, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION + 1);
	tmp_remove(&t);
}

static void
test_bind_key(void)
{
	struct tmp	 t;
	struct store	*st;
	unsigned char	 id1[32], id2[32], big[33];
	char		 err[ERR_MAX], hex[65], buf[128];

	memset(id1, 0x11, sizeof(id1));
	memset(id2, 0x11, sizeof(id2));
	id2[31] = 0x12;			/* differs in the last byte only */
	memset(big, 0, sizeof(big));
	tmp_make(&t);
	st = open_or_die(t.db, 1);

	err[0] = '\0';
	CHECK_EQ_INT(store_bind_key(st, id1, sizeof(id1), 3, err,
	    sizeof(err)), 0);
	CHECK_STR(err, "");
	util_hex(id1, sizeof(id1), hex);
	raw_text(t.db, "SELECT value FROM meta WHERE key = 'key_id'", buf,
	    sizeof(buf));
	CHECK_STR(buf, hex);
	raw_text(t.db, "SELECT value FROM meta WHERE key = 'key_version'",
	    buf, sizeof(buf));
	CHECK_STR(buf, "3");

	CHECK_EQ_INT(store_bind_key(st, id1, sizeof(id1), 3, err,
	    sizeof(err)), 0);

	err[0] = '\0';
	CHECK_EQ_INT(store_bind_key(st, id2, sizeof(id2), 3, err,
	    sizeof(err)), -1);
	CHECK(strstr(err, "another key") != NULL);

	err[0] = '\0';
	CHECK_EQ_INT(store_bind_key(st, id1, sizeof(id1), 4, err,
	    sizeof(err)), -1);
	CHECK(strstr(err, "version") != NULL);

	err[0] = '\0';
	CHECK_EQ_INT(store_bind_key(st, big, sizeof(big), 3, err,
	    sizeof(err)), -1);
	CHECK(err[0] != '\0');

	/* The refusals changed nothing, and the binding outlives a close. */
	store_close(st);
	raw_text(t.db, "SELECT value FROM meta WHERE key = 'key_id'", buf,
	    sizeof(buf));
	CHECK_STR(buf, hex);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM meta WHERE key NOT IN"
	    " ('receipt_id_key', 'parties_generation', 'receipt_id_last')"),
	    2);
	st = open_or_die(t.db, 0);
	CHECK_EQ_INT(store_bind_key(st, id1, sizeof(id1), 3, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(store_bind_key(st, id2, sizeof(id2), 3, err,
	    sizeof(err)), -1);
	store_close(st);
	tmp_remove(&t);
}

static void
test_roles(void)
{
	enum role	r, got;
	unsigned	i;

	for (i = 0; i < ROLE__COUNT; i++) {
		r = (enum role)i;
		got = ROLE__COUNT;
		CHECK_EQ_INT(store_role_parse(store_role_name(r), &got), 0);
		CHECK_EQ_INT(got, r);
	}
	CHECK_STR(store_role_name(ROLE_AANBIEDER), "aanbieder");
	CHECK_STR(store_role_name(ROLE_ANALIST), "analist");
	CHECK_EQ_INT(store_role_parse("Aanbieder", &got), -1);
	CHECK_EQ_INT(store_role_parse("", &got), -1);
	CHECK_EQ_INT(store_role_parse("admin", &got), -1);
}

struct list_seen {
	int		n;
	char		name[8][PARTY_NAME_MAX + 1];
	char		revoked[8][21];
	int64_t		id[8];
	size_t		nscopes[8];
	int		has_cert[8];
};

static int
list_cb(const struct party *p, void *arg)
{
	struct list_seen	*seen = arg;

	if (seen->n == 8)
		return -1;
	util_fmt(seen->name[seen->n], sizeof(seen->name[0]), "%s", p->name);
	util_fmt(seen->revoked[seen->n], sizeof(seen->revoked[0]), "%s",
	    p->revoked);
	seen->id[seen->n] = p->id;
	seen->nscopes[seen->n] = p->nscopes;
	seen->has_cert[seen->n] = p->has_cert;
	seen->n++;
	return 0;
}

static void
test_parties(void)
{
	struct tmp		 t;
	struct store		*st;
	struct party		 a, b, c, dup, got;
	struct list_seen	 seen;
	unsigned char		 ha[PARTY_TOKEN_HASH_LEN];
	unsigned char		 hb[PARTY_TOKEN_HASH_LEN];
	unsigned char		 hc[PARTY_TOKEN_HASH_LEN];
	unsigned char		 hd[PARTY_TOKEN_HASH_LEN];
	unsigned char		 hx[PARTY_TOKEN_HASH_LEN];
	int64_t			 ida = 0, idb = 0, idc = 0, idd = -7;
	size_t			 i;

	memset(ha, 0xa1, sizeof(ha));
	memset(hb, 0xb2, sizeof(hb));
	memset(hc, 0xc3, sizeof(hc));
	memset(hd, 0xd4, sizeof(hd));
	memset(hx, 0xa1, sizeof(hx));
	hx[0] = 0xa0;			/* ha with one byte changed */
	tmp_make(&t);
	st = open_or_die(t.db, 1);

	party_init(&a, "zorg-a", ROLE_AANBIEDER, "12345678");
	CHECK_EQ_INT(store_party_add(st, &a, ha, &ida), STORE_OK);
	party_init(&b, "analist-1", ROLE_ANALIST, "");
	scope_add(&b, SCOPE_GEMEENTE, "0363");
	scope_add(&b, SCOPE_CLUSTER, "DUO");
	CHECK_EQ_INT(store_party_add(st, &b, hb, &idb), STORE_OK);
	CHECK(ida > 0);
	CHECK(idb > 0 && idb != ida);

	memset(&got, 0x5a, sizeof(got));
	CHECK_EQ_INT(store_party_by_token(st, ha, &got), STORE_OK);
	CHECK_EQ_INT(got.id, ida);
	CHECK_STR(got.name, "zorg-a");
	CHECK_EQ_INT(got.role, ROLE_AANBIEDER);
	CHECK_STR(got.agb, "12345678");
	CHECK_EQ_INT(got.nscopes, 0);
	CHECK_EQ_INT(got.has_cert, 0);
	CHECK(is_iso8601(got.created));
	CHECK_STR(got.revoked, "");

	memset(&got, 0x5a, sizeof(got));
	CHECK_EQ_INT(store_party_by_token(st, hb, &got), STORE_OK);
	CHECK_EQ_INT(got.id, idb);
	CHECK_STR(got.name, "analist-1");
	CHECK_EQ_INT(got.role, ROLE_ANALIST);
	CHECK_STR(got.agb, "");
	CHECK_EQ_INT(got.has_cert, 0);
	CHECK(is_iso8601(got.created));
	CHECK_STR(got.revoked, "");
	/* Both scopes, in a fixed order: clusters before gemeenten. */
	CHECK_EQ_INT(got.nscopes, 2);
	if (got.nscopes == 2) {
		CHECK_EQ_INT(got.scopes[0].kind, SCOPE_CLUSTER);
		CHECK_STR(got.scopes[0].value, "DUO");
		CHECK_EQ_INT(got.scopes[1].kind, SCOPE_GEMEENTE);
		CHECK_STR(got.scopes[1].value, "0363");
	}

	/* Unknown hash, and one differing in a single byte. */
	CHECK_EQ_INT(store_party_by_token(st, hd, &got), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_party_by_token(st, hx, &got), STORE_NOT_FOUND);

	/* The same name again: refused, and none of it is stored. */
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM party_scopes"), 2);
	party_init(&dup, "analist-1", ROLE_ANALIST, "");
	scope_add(&dup, SCOPE_CLUSTER, "Amstelveen-Aalsmeer");
	scope_add(&dup, SCOPE_GEMEENTE, "0437");
	scope_add(&dup, SCOPE_GEMEENTE, "0852");
	CHECK_EQ_INT(store_party_add(st, &dup, hd, &idd), STORE_EXISTS);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM party_scopes"), 2);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM parties"), 2);
	CHECK_EQ_INT(store_party_by_token(st, hd, &got), STORE_NOT_FOUND);

	/* Another name with a token hash already in use: refused too. */
	party_init(&dup, "analist-2", ROLE_ANALIST, "");
	scope_add(&dup, SCOPE_CLUSTER, "DUO");
	CHECK_EQ_INT(store_party_add(st, &dup, hb, &idd), STORE_EXISTS);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM party_scopes"), 2);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM parties"), 2);

	/* An AGB code that is not 8 digits is refused by the schema. */
	party_init(&dup, "zorg-b", ROLE_AANBIEDER, "1234567x");
	CHECK_EQ_INT(store_party_add(st, &dup, hd, &idd), STORE_ERROR);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM parties"), 2);

	/* A client certificate fingerprint round-trips. */
	party_init(&c, "bergop-1", ROLE_BERGOP, "");
	c.has_cert = 1;
	for (i = 0; i < PARTY_CERT_HASH_LEN; i++)
		c.cert_sha256[i] = (unsigned char)(0xf0 ^ i);
	CHECK_EQ_INT(store_party_add(st, &c, hc, &idc), STORE_OK);
	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(store_party_by_token(st, hc, &got), STORE_OK);
	CHECK_EQ_INT(got.id, idc);
	CHECK_STR(got.name, "bergop-1");
	CHECK_EQ_INT(got.role, ROLE_BERGOP);
	CHECK_EQ_INT(got.has_cert, 1);
	CHECK(memcmp(got.cert_sha256, c.cert_sha256, PARTY_CERT_HASH_LEN) ==
	    0);

	/* Revocation takes effect at once and only once. */
	CHECK_EQ_INT(store_party_revoke(st, "zorg-a"), STORE_OK);
	CHECK_EQ_INT(store_party_by_token(st, ha, &got), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_party_revoke(st, "zorg-a"), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_party_revoke(st, "nobody"), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_party_revoke(st, ""), STORE_NOT_FOUND);
	CHECK_EQ_INT(store_party_by_token(st, hb, &got), STORE_OK);

	/* The list: all three, revoked included, in order of creation. */
	memset(&seen, 0, sizeof(seen));
	CHECK_EQ_INT(store_party_list(st, list_cb, &seen), 0);
	CHECK_EQ_INT(seen.n, 3);
	if (seen.n == 3) {
		CHECK_STR(seen.name[0], "zorg-a");
		CHECK_STR(seen.name[1], "analist-1");
		CHECK_STR(seen.name[2], "bergop-1");
		CHECK_EQ_INT(seen.id[0], ida);
		CHECK_EQ_INT(seen.id[1], idb);
		CHECK_EQ_INT(seen.id[2], idc);
		CHECK(is_iso8601(seen.revoked[0]));
		CHECK_STR(seen.revoked[1], "");
		CHECK_STR(seen.revoked[2], "");
		CHECK_EQ_INT(seen.nscopes[0], 0);
		CHECK_EQ_INT(seen.nscopes[1], 2);
		CHECK_EQ_INT(seen.has_cert[0], 0);
		CHECK_EQ_INT(seen.has_cert[2], 1);
	}

	/* The name of a revoked party stays taken. */
	party_init(&dup, "zorg-a", ROLE_AANBIEDER, "12345678");
	CHECK_EQ_INT(store_party_add(st, &dup, hd, &idd), STORE_EXISTS);

	store_close(st);
	tmp_remove(&t);
}

/* Reads path into a buffer; a missing file reads as empty. */
static char *
slurp(const char *path, size_t *len)
{
	char	*data = NULL;

	*len = 0;
	if (util_read_file(path, FILE_MAX, &data, len) == -1) {
		if (errno != ENOENT) {
			perror(path);
			exit(1);
		}
		return NULL;
	}
	return data;
}

static int
in_file(const char *data, size_t len, const void *needle, size_t nlen)
{
	return data != NULL && memmem(data, len, needle, nlen) != NULL;
}

/*
 * Where the token and its hash are: 1 each when in the db or WAL file.
 * The random part alone is looked for too, since it is the secret.
 */
static void
scan_files(const struct tmp *t, const char *token,
    const unsigned char *hash, int *token_seen, int *hash_seen)
{
	char	*db, *wal;
	size_t	 dblen, wallen;

	db = slurp(t->db, &dblen);
	wal = slurp(t->wal, &wallen);
	*token_seen = in_file(db, dblen, token, AUTH_TOKEN_LEN) ||
	    in_file(wal, wallen, token, AUTH_TOKEN_LEN) ||
	    in_file(db, dblen, token + 7, AUTH_TOKEN_LEN - 7) ||
	    in_file(wal, wallen, token + 7, AUTH_TOKEN_LEN - 7);
	*hash_seen = in_file(db, dblen, hash, PARTY_TOKEN_HASH_LEN) ||
	    in_file(wal, wallen, hash, PARTY_TOKEN_HASH_LEN);
	free(db);
	free(wal);
}

static void
test_token_not_stored(void)
{
	struct tmp	 t;
	struct store	*st;
	struct party	 p, got;
	char		 token[AUTH_TOKEN_LEN + 1];
	unsigned char	 hash[PARTY_TOKEN_HASH_LEN];
	int64_t		 id;
	int		 token_seen, hash_seen;

	tmp_make(&t);
	st = open_or_die(t.db, 1);
	CHECK_EQ_INT(auth_token_new(token, hash), 0);
	party_init(&p, "zorg-geheim", ROLE_AANBIEDER, "87654321");
	scope_add(&p, SCOPE_CLUSTER, "DUO");
	CHECK_EQ_INT(store_party_add(st, &p, hash, &id), STORE_OK);
	CHECK_EQ_INT(store_audit(st, id, "party.add", "{\"role\":"
	    "\"aanbieder\"}"), 0);
	CHECK_EQ_INT(store_party_by_token(st, hash, &got), STORE_OK);

	/* While open: the committed rows are in the WAL, the token not. */
	scan_files(&t, token, hash, &token_seen, &hash_seen);
	CHECK_EQ_INT(token_seen, 0);
	CHECK_EQ_INT(hash_seen, 1);

	/* After close: checkpointed into the database file. */
	store_close(st);
	scan_files(&t, token, hash, &token_seen, &hash_seen);
	CHECK_EQ_INT(token_seen, 0);
	CHECK_EQ_INT(hash_seen, 1);
	tmp_remove(&t);
}

static void
test_audit(void)
{
	struct tmp	 t;
	struct store	*st;
	struct party	 p;
	unsigned char	 hash[PARTY_TOKEN_HASH_LEN];
	char		 buf[128], sql[128];
	int64_t		 id = 0;

	memset(hash, 0x42, sizeof(hash));
	tmp_make(&t);
	st = open_or_die(t.db, 1);
	CHECK_EQ_INT(store_ping(st), 0);
	party_init(&p, "zorg-a", ROLE_AANBIEDER, "12345678");
	CHECK_EQ_INT(store_party_add(st, &p, hash, &id), STORE_OK);

	CHECK_EQ_INT(store_audit_count(st, "party.add"), 0);
	CHECK_EQ_INT(store_audit(st, 0, "party.add", NULL), 0);
	CHECK_EQ_INT(store_audit_count(st, "party.add"), 1);
	CHECK_EQ_INT(store_audit(st, id, "party.add", "{\"n\":2}"), 0);
	CHECK_EQ_INT(store_audit_count(st, "party.add"), 2);
	CHECK_EQ_INT(store_audit(st, id, "upload", NULL), 0);
	CHECK_EQ_INT(store_audit_count(st, "party.add"), 2);
	CHECK_EQ_INT(store_audit_count(st, "upload"), 1);
	CHECK_EQ_INT(store_audit_count(st, "party.revoke"), 0);

	/* party_id 0 is stored as NULL; a real one as itself. */
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM audit"), 3);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM audit"
	    " WHERE party_id IS NULL"), 1);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM audit"
	    " WHERE party_id IS NULL AND detail IS NULL"
	    " AND action = 'party.add'"), 1);
	util_fmt(sql, sizeof(sql), "SELECT count(*) FROM audit"
	    " WHERE party_id = %lld", (long long)id);
	CHECK_EQ_INT(raw_int(t.db, sql), 2);
	raw_text(t.db, "SELECT detail FROM audit WHERE detail IS NOT NULL",
	    buf, sizeof(buf));
	CHECK_STR(buf, "{\"n\":2}");
	raw_text(t.db, "SELECT at FROM audit ORDER BY id LIMIT 1", buf,
	    sizeof(buf));
	CHECK(is_iso8601(buf));

	/*
	 * foreign_keys is on in the store's connection: an audit row for a
	 * party that does not exist is refused.
	 */
	CHECK_EQ_INT(store_audit(st, id + 1000, "upload", NULL), -1);
	CHECK_EQ_INT(store_audit_count(st, "upload"), 1);
	CHECK_EQ_INT(store_ping(st), 0);

	store_close(st);
	tmp_remove(&t);
}

/* Two handles on one file: what one writes, the other reads at once. */
static void
test_two_handles(void)
{
	struct tmp	 t;
	struct store	*w, *r;
	struct party	 p, got;
	unsigned char	 hash[PARTY_TOKEN_HASH_LEN];
	int64_t		 id;

	memset(hash, 0x77, sizeof(hash));
	tmp_make(&t);
	w = open_or_die(t.db, 1);
	r = open_or_die(t.db, 0);
	CHECK_EQ_INT(store_party_by_token(r, hash, &got), STORE_NOT_FOUND);
	party_init(&p, "monitor-1", ROLE_MONITOR, "");
	CHECK_EQ_INT(store_party_add(w, &p, hash, &id), STORE_OK);
	CHECK_EQ_INT(store_party_by_token(r, hash, &got), STORE_OK);
	CHECK_STR(got.name, "monitor-1");
	CHECK_EQ_INT(got.role, ROLE_MONITOR);
	CHECK_EQ_INT(store_party_revoke(r, "monitor-1"), STORE_OK);
	CHECK_EQ_INT(store_party_by_token(w, hash, &got), STORE_NOT_FOUND);
	store_close(r);
	store_close(w);
	tmp_remove(&t);
}

/*
 * Readiness: the write probe fails while another handle holds the write
 * lock and succeeds once it is free; a failed write is reported until a
 * later one succeeds or the window passes.
 */
static void
test_readiness(void)
{
	struct tmp	 t;
	struct store	*b;
	sqlite3		*a = NULL;

	tmp_make(&t);
	b = open_or_die(t.db, 1);
	CHECK_EQ_INT(store_write_probe(b, 50), 0);
	CHECK_EQ_INT(sqlite3_open(t.db, &a), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(a, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	CHECK_EQ_INT(store_write_probe(b, 50), -1);
	CHECK_EQ_INT(sqlite3_exec(a, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(a);
	CHECK_EQ_INT(store_write_probe(b, 50), 0);
	CHECK_EQ_INT(store_writes_failing(60000000000ULL), 0);
	store_note_write(0);
	CHECK_EQ_INT(store_writes_failing(60000000000ULL), 1);
	CHECK_EQ_INT(store_writes_failing(0), 0);	/* outside the window */
	store_note_write(1);
	CHECK_EQ_INT(store_writes_failing(60000000000ULL), 0);
	store_close(b);
	tmp_remove(&t);
}

/*
 * A message job with one start record; seed sets the body MAC, the
 * message key and the client, so equal seeds make duplicates.
 */
/* The message writer on st, or the test ends. */
static struct store_msgw *
msgw_or_die(struct store *st)
{
	struct store_msgw	*w = NULL;
	char			 err[ERR_MAX] = "";

	if (store_msgw_start(st, &w, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_msgw_start: %s\n", err);
		exit(1);
	}
	return w;
}

/* A berichtenverkeer party whose token hash is 32 bytes of b; its id. */
static int64_t
backoffice_add(struct store *st, unsigned char b)
{
	struct party	p;
	unsigned char	hash[PARTY_TOKEN_HASH_LEN];
	int64_t		id = 0;

	memset(hash, b, sizeof(hash));
	party_init(&p, "backoffice", ROLE_BERICHTENVERKEER, "");
	CHECK_EQ_INT(store_party_add(st, &p, hash, &id), STORE_OK);
	return id;
}

static void
job_init(struct msg_job *j, struct traj_rec *r, int64_t party, int body,
    int key, int leeftijd)
{
	memset(j, 0, sizeof(*j));
	memset(r, 0, sizeof(*r));
	j->party_id = party;
	(void)body;	/* the bytes no longer matter: keys alone decide */
	memset(j->msg_key, key, sizeof(j->msg_key));
	j->key_version = 1;
	r->op = TRAJ_START;
	r->client = 1000 + key;
	r->prod_key = 2000 + key;
	r->prod_chk = 3000 + key;
	r->begindatum = 20240101;
	r->agb = 12345678;
	r->gemeente = 363;
	r->leeftijd = leeftijd;
	r->geslacht = -1;
	j->recs = r;
	j->nrecs = 1;
}

/*
 * Submits n jobs so that the writer applies them in one transaction: a
 * second connection holds the write lock until all are queued, so the
 * writer, blocked in BEGIN, finds them all when it gets the lock.
 */
static void
submit_together(const char *path, struct store_msgw *w, struct msg_job *j,
    size_t n)
{
	sqlite3	*db = raw_open(path);
	size_t	 i;

	CHECK_EQ_INT(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	for (i = 0; i < n; i++)
		store_msgw_submit(w, &j[i]);
	CHECK_EQ_INT(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (i = 0; i < n; i++)
		store_msgw_wait(w, &j[i]);
}

/* The number of audit rows for messages that name upload id u. */
static long long
audit_names(const char *path, const char *u)
{
	char	sql[256];

	util_fmt(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action"
	    " = 'upload_messages' AND detail LIKE '%%\"%s\"%%'", u);
	return raw_int(path, sql);
}

/*
 * The message writer. Duplicates inside one transaction (the same body,
 * or the same message key) answer with the first one's receipt; the
 * batch gets one audit row. A job that fails in the database (here a
 * value its CHECK refuses, which ingest never sends) rolls the batch
 * back; the others are then stored one by one and the failed one leaves
 * no trace.
 */
static void
test_message_writer(void)
{
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct party		 p;
	struct msg_job		 j[7];
	struct traj_rec		 r[7];
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	struct store_receipt	 rc;
	int64_t			 id, id2;

	tmp_make(&t);
	st = open_or_die(t.db, 1);
	id = backoffice_add(st, 0x42);
	w = msgw_or_die(st);

	job_init(&j[0], &r[0], id, 1, 1, 2);
	job_init(&j[1], &r[1], id, 1, 1, 2);	/* the same message again */
	job_init(&j[2], &r[2], id, 2, 1, 2);	/* the same message */
	job_init(&j[3], &r[3], id, 3, 3, -1);
	submit_together(t.db, w, j, 4);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(j[1].rc, STORE_EXISTS);
	CHECK_EQ_INT(j[2].rc, STORE_EXISTS);
	CHECK_EQ_INT(j[3].rc, STORE_OK);
	CHECK_STR(j[1].receipt.upload_id, j[0].receipt.upload_id);
	CHECK_STR(j[2].receipt.upload_id, j[0].receipt.upload_id);
	CHECK_STR(j[1].receipt.kind, "messages");
	CHECK_EQ_INT(j[2].receipt.rows, 1);
	CHECK(strcmp(j[3].receipt.upload_id, j[0].receipt.upload_id) != 0);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 2);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM message_keys"), 2);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM trajecten"), 2);
	CHECK_EQ_INT(store_audit_count(st, "upload_messages"), 1);
	CHECK_EQ_INT(audit_names(t.db, j[0].receipt.upload_id), 1);
	CHECK_EQ_INT(audit_names(t.db, j[3].receipt.upload_id), 1);

	job_init(&j[0], &r[0], id, 4, 4, 1);
	job_init(&j[1], &r[1], id, 5, 5, 7);	/* refused by the database */
	job_init(&j[2], &r[2], id, 6, 6, 0);
	job_init(&j[3], &r[3], id, 6, 6, 0);	/* a duplicate of the last */
	job_init(&j[4], &r[4], id, 7, 1, 0);	/* of the first batch */
	job_init(&j[5], &r[5], id, 5, 5, 1);	/* the refused one, valid */
	submit_together(t.db, w, j, 6);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(j[1].rc, STORE_ERROR);
	CHECK_EQ_INT(j[2].rc, STORE_OK);
	CHECK_EQ_INT(j[3].rc, STORE_EXISTS);
	CHECK_STR(j[3].receipt.upload_id, j[2].receipt.upload_id);
	CHECK_EQ_INT(j[4].rc, STORE_EXISTS);
	CHECK_EQ_INT(j[5].rc, STORE_OK);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 5);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM message_keys"), 5);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM trajecten"), 5);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM trajecten"
	    " WHERE leeftijd = 7"), 0);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM message_keys k"
	    " LEFT JOIN uploads u ON u.id = k.upload_id WHERE u.id IS NULL"),
	    0);
	CHECK_EQ_INT(audit_names(t.db, j[0].receipt.upload_id), 1);
	CHECK_EQ_INT(audit_names(t.db, j[2].receipt.upload_id), 1);
	CHECK_EQ_INT(audit_names(t.db, j[5].receipt.upload_id), 1);

	/*
	 * Keys are per sending party: another party's message with the same
	 * key is its own, with its own receipt, which only it can look up.
	 */
	memset(hash, 0x43, sizeof(hash));
	party_init(&p, "backoffice2", ROLE_BERICHTENVERKEER, "");
	CHECK_EQ_INT(store_party_add(st, &p, hash, &id2), STORE_OK);
	job_init(&j[0], &r[0], id2, 1, 1, 2);	/* party 1's first message */
	job_init(&j[1], &r[1], id2, 1, 1, 2);	/* and again */
	job_init(&j[2], &r[2], id, 1, 1, 2);	/* party 1 resends it */
	submit_together(t.db, w, j, 3);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(j[1].rc, STORE_EXISTS);
	CHECK_EQ_INT(j[2].rc, STORE_EXISTS);
	CHECK_STR(j[1].receipt.upload_id, j[0].receipt.upload_id);
	CHECK(strcmp(j[2].receipt.upload_id, j[0].receipt.upload_id) != 0);
	CHECK_EQ_INT(store_receipt_get(st, id2, j[0].receipt.upload_id, &rc),
	    STORE_OK);
	CHECK_STR(rc.upload_id, j[0].receipt.upload_id);
	CHECK_STR(rc.kind, "messages");
	CHECK_EQ_INT(store_receipt_get(st, id, j[0].receipt.upload_id, &rc),
	    STORE_NOT_FOUND);
	CHECK_EQ_INT(store_receipt_get(st, id, j[2].receipt.upload_id, &rc),
	    STORE_OK);
	CHECK_EQ_INT(store_receipt_get(st, id2, "u_0000000000000001", &rc),
	    STORE_NOT_FOUND);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM message_keys"), 6);
	/* Message receipts are in neither the body nor the public id index. */
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads WHERE kind ="
	    " 'messages' AND (body_mac IS NOT NULL OR public_id IS NOT NULL)"),
	    0);

	store_msgw_stop(w);
	store_close(st);
	tmp_remove(&t);
}

/*
 * A group of 40 jobs, two of which the database refuses and one a
 * duplicate of another in the group: after the fault the group is tried
 * in halves, so each bad job fails alone with its own error, every other
 * job is stored (or answered as a duplicate), and it takes a handful of
 * transactions (one audit row each), not one per job.
 */
static void
test_message_group_fault(void)
{
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct msg_job		 j[40];
	struct traj_rec		 r[40];
	int64_t			 id;
	long long		 audits;
	int			 i;

	tmp_make(&t);
	st = open_or_die(t.db, 1);
	id = backoffice_add(st, 0x45);
	w = msgw_or_die(st);
	for (i = 0; i < 40; i++)	/* leeftijd 7: the CHECK refuses it */
		job_init(&j[i], &r[i], id, 0, i + 1,
		    i == 7 || i == 31 ? 7 : i % 4);
	job_init(&j[20], &r[20], id, 0, 4, 3);	/* a resend of job 3 */
	submit_together(t.db, w, j, 40);
	for (i = 0; i < 40; i++) {
		if (i == 7 || i == 31) {
			CHECK_EQ_INT(j[i].rc, STORE_ERROR);
			CHECK_EQ_INT(j[i].ids_exhausted, 0);
		} else if (i == 20) {
			CHECK_EQ_INT(j[i].rc, STORE_EXISTS);
			CHECK_STR(j[i].receipt.upload_id, j[3].receipt.upload_id);
		} else {
			CHECK_EQ_INT(j[i].rc, STORE_OK);
			CHECK_EQ_INT(audit_names(t.db, j[i].receipt.upload_id), 1);
		}
	}
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 37);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM message_keys"), 37);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM trajecten"), 37);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM trajecten"
	    " WHERE client IN (1008, 1032)"), 0);
	audits = store_audit_count(st, "upload_messages");
	CHECK(audits >= 2 && audits <= 12);
	store_msgw_stop(w);
	store_close(st);
	tmp_remove(&t);
}

/*
 * Receipt ids are claimed as the last id given + 1 before the receipt row
 * exists; another connection's receipts in between are counted in. When
 * the ids have run out a new message is refused, not given a wrapped or
 * random id, while a resend still gets its receipt. The receipt at
 * INT64_MAX here is written around sorttp, so it moved no mark: the ids
 * come back as soon as it is gone.
 */
static void
test_message_ids(void)
{
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct msg_job		 j[3];
	struct traj_rec		 r[3];
	char			 sql[256];
	int64_t			 id;

	tmp_make(&t);
	st = open_or_die(t.db, 1);
	id = backoffice_add(st, 0x44);
	w = msgw_or_die(st);
	job_init(&j[0], &r[0], id, 0, 1, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 1);

	/* Another connection's receipt, then the highest id there is. */
	util_fmt(sql, sizeof(sql), "INSERT INTO uploads (id, party_id, kind,"
	    " body_mac, rows, key_version, created_at) VALUES (41, %lld,"
	    " 'scores', randomblob(32), 0, 1, '2026-01-01T00:00:00Z')",
	    (long long)id);
	raw_exec(t.db, sql);
	job_init(&j[0], &r[0], id, 0, 2, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads WHERE kind"
	    " = 'messages'"), 42);
	util_fmt(sql, sizeof(sql), "INSERT INTO uploads (id, party_id, kind,"
	    " body_mac, rows, key_version, created_at) VALUES (%lld, %lld,"
	    " 'scores', randomblob(32), 0, 1, '2026-01-01T00:00:00Z')",
	    (long long)INT64_MAX, (long long)id);
	raw_exec(t.db, sql);
	job_init(&j[0], &r[0], id, 0, 3, 1);	/* new: refused */
	job_init(&j[1], &r[1], id, 0, 1, 1);	/* a resend: its receipt */
	job_init(&j[2], &r[2], id, 0, 4, 1);	/* new: refused */
	submit_together(t.db, w, j, 3);
	CHECK_EQ_INT(j[0].rc, STORE_ERROR);
	CHECK_EQ_INT(j[0].ids_exhausted, 1);
	CHECK_EQ_INT(j[1].rc, STORE_EXISTS);
	CHECK_EQ_INT(j[1].ids_exhausted, 0);
	CHECK_EQ_INT(j[2].rc, STORE_ERROR);
	CHECK_EQ_INT(j[2].ids_exhausted, 1);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM message_keys"), 2);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM trajecten"), 2);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 4);

	raw_exec(t.db, "DELETE FROM uploads WHERE kind = 'scores'");
	job_init(&j[0], &r[0], id, 0, 3, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads WHERE kind"
	    " = 'messages'"), 43);
	CHECK(strcmp(j[0].receipt.upload_id, j[1].receipt.upload_id) != 0);
	store_msgw_stop(w);
	store_close(st);
	tmp_remove(&t);
}

/* An empty scores upload of party, committed; its receipt in *rc. */
static void
scores_upload(struct store *st, int64_t party, unsigned char tag,
    struct store_receipt *rc)
{
	struct store_upload	*up = NULL;
	unsigned char		 mac[STORE_BODY_MAC_LEN];
	char			 err[ERR_MAX] = "";

	memset(mac, tag, sizeof(mac));
	if (store_upload_new(st, party, "scores", &up, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "store_upload_new: %s\n", err);
		exit(1);
	}
	CHECK_EQ_INT(store_upload_commit(up, mac, 0, rc), STORE_OK);
	store_upload_free(up);
}

/* The retention purge with every cut in the future: all of it goes. */
static void
purge_all(struct store *st)
{
	struct store_purge_cut		 cut;
	struct store_purge_counts	 n;

	memset(&cut, 0, sizeof(cut));
	cut.detail_before = 99991231;
	util_fmt(cut.receipts_before, sizeof(cut.receipts_before),
	    "9999-12-31T23:59:59Z");
	util_fmt(cut.audit_before, sizeof(cut.audit_before),
	    "9999-12-31T23:59:59Z");
	CHECK_EQ_INT(store_purge(st, &cut, 0, &n), 0);
}

/* Public receipt ids given so far, to check that none comes again. */
struct ids_seen {
	char	id[16][STORE_PUBLIC_ID_LEN + 1];
	size_t	n;
};

static void
id_new(struct ids_seen *s, const char *pub)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->id[i], pub) == 0) {
			fprintf(stderr, "receipt id %s given twice\n", pub);
			CHECK(0);
		}
	if (s->n < 16)
		util_fmt(s->id[s->n++], sizeof(s->id[0]), "%s", pub);
}

/*
 * Receipt ids are never given twice (migration 11 -> 12). After a purge
 * of every receipt, or of the newest ones, the next receipt, of a message
 * or an upload, gets an id above every one given before, and so a public
 * id never seen; so does the first one after a restore of a backup made
 * before those ids were given.
 */
static void
test_receipt_ids_after_purge(void)
{
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct msg_job		 j[3];
	struct traj_rec		 r[3];
	struct store_receipt	 rc;
	struct ids_seen		 seen;
	char			 err[ERR_MAX] = "", bak[300];
	int64_t			 id;
	int			 i;

	memset(&seen, 0, sizeof(seen));
	tmp_make(&t);
	util_path_join(bak, sizeof(bak), t.dir, "backup.db");
	st = open_or_die(t.db, 1);
	id = backoffice_add(st, 0x46);
	w = msgw_or_die(st);
	for (i = 0; i < 3; i++)
		job_init(&j[i], &r[i], id, 0, i + 1, 1);
	submit_together(t.db, w, j, 3);
	for (i = 0; i < 3; i++) {
		CHECK_EQ_INT(j[i].rc, STORE_OK);
		id_new(&seen, j[i].receipt.upload_id);
	}
	scores_upload(st, id, 1, &rc);
	id_new(&seen, rc.upload_id);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 4);
	CHECK_EQ_INT(store_backup(t.db, bak, NULL, err, sizeof(err)), 0);

	/* Every receipt purged: a message, then an upload, go on from 4. */
	purge_all(st);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 0);
	job_init(&j[0], &r[0], id, 0, 4, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	id_new(&seen, j[0].receipt.upload_id);
	CHECK_EQ_INT(raw_int(t.db, "SELECT id FROM uploads"), 5);
	scores_upload(st, id, 2, &rc);
	id_new(&seen, rc.upload_id);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 6);

	/* Again, the upload first; then only the newest receipt goes. */
	purge_all(st);
	scores_upload(st, id, 3, &rc);
	id_new(&seen, rc.upload_id);
	CHECK_EQ_INT(raw_int(t.db, "SELECT id FROM uploads"), 7);
	job_init(&j[0], &r[0], id, 0, 5, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	id_new(&seen, j[0].receipt.upload_id);
	raw_exec(t.db, "DELETE FROM message_keys WHERE upload_id = 8;"
	    "DELETE FROM uploads WHERE id = 8");
	job_init(&j[0], &r[0], id, 0, 6, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	id_new(&seen, j[0].receipt.upload_id);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 9);
	store_msgw_stop(w);
	store_close(st);

	/* The backup of ids 1-4 restored: its first receipt is 10. */
	CHECK_EQ_INT(store_restore(bak, t.db, err, sizeof(err)), 0);
	st = open_or_die(t.db, STORE_OPEN_MIGRATE);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 4);
	scores_upload(st, id, 4, &rc);
	id_new(&seen, rc.upload_id);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 10);
	CHECK_EQ_INT(raw_int(t.db, "SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'receipt_id_last'"), 10);
	store_close(st);
	tmp_remove(&t);
}

/* A database of an older schema, from tests/fixtures/store/schema_vN.sql. */
static void
load_fixture(const char *path, int version)
{
	char	 name[512], *sql = NULL;
	size_t	 len;
	sqlite3	*db;

	snprintf(name, sizeof(name), SORTTP_SOURCE_DIR
	    "/tests/fixtures/store/schema_v%d.sql", version);
	if (util_read_file(name, 1 << 20, &sql, &len) == -1) {
		fprintf(stderr, "missing fixture %s\n", name);
		exit(1);
	}
	CHECK_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(sql);
	CHECK_EQ_INT(raw_int(path, "PRAGMA user_version"), version);
}

/*
 * Migration 4 -> 5 on a database as the previous release left it
 * (tests/fixtures/store/schema_v4.sql): earlier receipt ids are still
 * found, by their owner only; a message key keeps finding its message
 * for the party that sent it and no other; messages lose their body MAC,
 * scores keep theirs; new receipts get derived ids.
 */
static void
test_migrate_v4(void)
{
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct store_receipt	 rc;
	struct msg_job		 j[2];
	struct traj_rec		 r[2];

	tmp_make(&t);
	load_fixture(t.db, 4);

	/* Only an explicit migration may upgrade it (serve, sorttp migrate). */
	st = open_or_die(t.db, STORE_OPEN_MIGRATE);
	CHECK_EQ_INT(store_schema_version(st), STORE_SCHEMA_VERSION);
	CHECK_EQ_INT(store_receipt_get(st, 1, "u_00112233aabbccdd", &rc),
	    STORE_OK);
	CHECK_STR(rc.kind, "messages");
	CHECK_EQ_INT(store_receipt_get(st, 2, "u_00112233aabbccdd", &rc),
	    STORE_NOT_FOUND);
	CHECK_EQ_INT(store_receipt_get(st, 2, "u_99887766ffeeddcc", &rc),
	    STORE_OK);
	CHECK_STR(rc.kind, "scores");
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads WHERE"
	    " body_mac IS NULL AND kind = 'messages'"), 1);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads WHERE"
	    " body_mac IS NOT NULL AND kind = 'scores'"), 1);
	CHECK_EQ_INT(raw_int(t.db, "SELECT party_id FROM message_keys"), 1);

	w = msgw_or_die(st);
	job_init(&j[0], &r[0], 1, 0, 7, 1);	/* the migrated key */
	job_init(&j[1], &r[1], 2, 0, 7, 1);	/* the same, another party */
	submit_together(t.db, w, j, 2);
	CHECK_EQ_INT(j[0].rc, STORE_EXISTS);
	CHECK_STR(j[0].receipt.upload_id, "u_00112233aabbccdd");
	CHECK_EQ_INT(j[1].rc, STORE_OK);
	CHECK(strcmp(j[1].receipt.upload_id, "u_00112233aabbccdd") != 0);
	CHECK_EQ_INT(store_receipt_get(st, 2, j[1].receipt.upload_id, &rc),
	    STORE_OK);
	CHECK_EQ_INT(rc.rows, 1);
	store_msgw_stop(w);
	store_close(st);
	tmp_remove(&t);
}

/* Whether the program of sql (prepared, not run) uses opcode op. */
static int
uses_opcode(const char *path, const char *sql, const char *op)
{
	sqlite3		*db = raw_open(path);
	sqlite3_stmt	*s;
	char		 ex[512];
	int		 found = 0;

	util_fmt(ex, sizeof(ex), "EXPLAIN %s", sql);
	CHECK_EQ_INT(sqlite3_prepare_v2(db, ex, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(s, 1), op) == 0)
			found = 1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return found;
}

/*
 * Migration from 8 on a database as an earlier release left it
 * (tests/fixtures/store/schema_v8.sql), through the current schema: 9 ->
 * 10 rebuilds uploads with its kind CHECK in OR form, so inserting a
 * receipt no longer builds a temporary index for the IN list each time;
 * receipts, ids and indexes stay, the CHECK still refuses an unknown
 * kind, and new receipts follow the old.
 */
static void
test_migrate_v8(void)
{
	static const char ins[] = "INSERT INTO uploads (id, party_id, kind,"
	    " rows, key_version, created_at) VALUES (99, 1, 'messages', 1, 1,"
	    " '2026-12-01T00:00:00Z')";
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct store_receipt	 rc;
	struct msg_job		 j[1];
	struct traj_rec		 r[1];
	sqlite3			*db;

	tmp_make(&t);
	load_fixture(t.db, 8);
	CHECK(uses_opcode(t.db, ins, "OpenEphemeral"));

	st = open_or_die(t.db, STORE_OPEN_MIGRATE);
	CHECK_EQ_INT(store_schema_version(st), STORE_SCHEMA_VERSION);
	CHECK(!uses_opcode(t.db, ins, "OpenEphemeral"));
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM sqlite_master WHERE"
	    " tbl_name = 'uploads' AND type = 'index'"), 3);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM sqlite_master WHERE"
	    " name = 'uploads_v10'"), 0);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 4);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads WHERE kind ="
	    " 'messages' AND body_mac IS NULL AND public_id IS NULL"), 3);
	CHECK_EQ_INT(store_receipt_get(st, 2, "u_99887766ffeeddcc", &rc),
	    STORE_OK);
	CHECK_STR(rc.kind, "scores");
	CHECK_EQ_INT(rc.rows, 12);
	CHECK_EQ_INT(store_receipt_get(st, 1, "u_99887766ffeeddcc", &rc),
	    STORE_NOT_FOUND);
	db = raw_open(t.db);
	CHECK_EQ_INT(sqlite3_exec(db, "INSERT INTO uploads (party_id, kind,"
	    " rows, key_version, created_at) VALUES (1, 'other', 1, 1, 'x')",
	    NULL, NULL, NULL), SQLITE_CONSTRAINT);
	sqlite3_close(db);

	w = msgw_or_die(st);
	job_init(&j[0], &r[0], 1, 0, 9, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(store_receipt_get(st, 1, j[0].receipt.upload_id, &rc),
	    STORE_OK);
	CHECK_STR(rc.kind, "messages");
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 5);
	store_msgw_stop(w);
	store_close(st);
	tmp_remove(&t);
}

/*
 * Migration 11 -> 12 on a database as the release before left it
 * (tests/fixtures/store/schema_v11.sql: receipts 1-4, three messages and
 * a scores upload): the mark starts at the highest id, so after a purge
 * of them all the next receipt is 5; and a restore of that same v11 file
 * over the database keeps the mark of the database it replaces, through
 * the migration.
 */
static void
test_migrate_v11(void)
{
	struct tmp		 t;
	struct store		*st;
	struct store_msgw	*w = NULL;
	struct store_receipt	 rc;
	struct msg_job		 j[1];
	struct traj_rec		 r[1];
	char			 err[ERR_MAX] = "", old[300];

	tmp_make(&t);
	util_path_join(old, sizeof(old), t.dir, "v11.db");
	load_fixture(old, 11);
	load_fixture(t.db, 11);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM meta WHERE key ="
	    " 'receipt_id_last'"), 0);

	st = open_or_die(t.db, STORE_OPEN_MIGRATE);
	CHECK_EQ_INT(store_schema_version(st), STORE_SCHEMA_VERSION);
	CHECK_EQ_INT(raw_int(t.db, "SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'receipt_id_last'"), 4);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 4);
	purge_all(st);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM uploads"), 0);
	w = msgw_or_die(st);
	job_init(&j[0], &r[0], 1, 0, 9, 1);
	submit_together(t.db, w, j, 1);
	CHECK_EQ_INT(j[0].rc, STORE_OK);
	CHECK_EQ_INT(raw_int(t.db, "SELECT id FROM uploads"), 5);
	store_msgw_stop(w);
	scores_upload(st, 2, 9, &rc);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 6);
	store_close(st);

	CHECK_EQ_INT(store_restore(old, t.db, err, sizeof(err)), 0);
	CHECK_EQ_INT(raw_int(t.db, "PRAGMA user_version"), 11);
	st = open_or_die(t.db, STORE_OPEN_MIGRATE);
	CHECK_EQ_INT(raw_int(t.db, "SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'receipt_id_last'"), 6);
	scores_upload(st, 2, 10, &rc);
	CHECK_EQ_INT(raw_int(t.db, "SELECT max(id) FROM uploads"), 7);
	store_close(st);
	tmp_remove(&t);
}

/*
 * The opcodes of sql's program named op (EXPLAIN), on the database at
 * path: SQLite's temporary index for an IN list is an OpenEphemeral.
 */
static int
raw_opcodes(const char *path, const char *sql, const char *op)
{
	sqlite3		*db = raw_open(path);
	sqlite3_stmt	*s;
	const char	*v;
	char		 q[1024];
	int		 n = 0;

	util_fmt(q, sizeof(q), "EXPLAIN %s", sql);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", q, sqlite3_errmsg(db));
		n = -1;
	} else {
		while (sqlite3_step(s) == SQLITE_ROW)
			if ((v = (const char *)sqlite3_column_text(s, 1)) !=
			    NULL && strcmp(v, op) == 0)
				n++;
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

/*
 * Migration 12 -> 13 on a database as an older release left it (the v11
 * fixture, with history rows): dc_history keeps its rows and still
 * refuses a level outside 0..2, but saving a row no longer builds a
 * temporary index for the CHECK.
 */
static void
test_migrate_v12(void)
{
	static const char	 save[] = "INSERT INTO dc_history (indicator,"
	    " level, period, geo, agb, last_day, published, withheld) VALUES"
	    " ('uitval', 2, 25, 'R', 0, 20251231, 1, 2) ON CONFLICT"
	    " (indicator, level, period, geo, agb) DO UPDATE SET published ="
	    " published | excluded.published";
	struct tmp	 t;
	struct store	*st;
	sqlite3		*db;

	tmp_make(&t);
	load_fixture(t.db, 11);
	raw_exec(t.db, "INSERT INTO dc_history VALUES"
	    " ('uitval', 0, 300, 'G0363', 0, 20250131, 5, 2),"
	    " ('uitval', 1, 100, 'CDUO', 0, 20250331, 1, 0),"
	    " ('doelrealisatie/L1', 2, 25, 'R', 0, 20251231, 3, 4)");
	CHECK(raw_opcodes(t.db, save, "OpenEphemeral") > 0);
	st = open_or_die(t.db, STORE_OPEN_MIGRATE);
	CHECK_EQ_INT(store_schema_version(st), STORE_SCHEMA_VERSION);
	store_close(st);
	CHECK_EQ_INT(raw_opcodes(t.db, save, "OpenEphemeral"), 0);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM dc_history"), 3);
	CHECK_EQ_INT(raw_int(t.db, "SELECT sum(published * 10 + withheld)"
	    " FROM dc_history"), 50 + 2 + 10 + 30 + 4);
	CHECK_EQ_INT(raw_int(t.db, "SELECT count(*) FROM dc_history WHERE"
	    " geo = 'CDUO' AND level = 1 AND period = 100 AND"
	    " last_day = 20250331"), 1);
	db = raw_open(t.db);
	CHECK(sqlite3_exec(db, "INSERT INTO dc_history VALUES ('uitval', 3,"
	    " 1, 'R', 0, 20000131, 1, 0)", NULL, NULL, NULL) ==
	    SQLITE_CONSTRAINT);
	CHECK(sqlite3_exec(db, "INSERT INTO dc_history VALUES ('uitval', -1,"
	    " 1, 'R', 0, 20000131, 1, 0)", NULL, NULL, NULL) ==
	    SQLITE_CONSTRAINT);
	sqlite3_close(db);
	tmp_remove(&t);
}

int
main(void)
{
	test_open_missing();
	test_open_create();
	test_open_not_a_database();
	test_newer_schema();
	test_migrate_v4();
	test_migrate_v8();
	test_migrate_v11();
	test_migrate_v12();
	test_bind_key();
	test_roles();
	test_parties();
	test_token_not_stored();
	test_audit();
	test_two_handles();
	test_message_writer();
	test_message_ids();
	test_receipt_ids_after_purge();
	test_message_group_fault();
	test_readiness();
	return test_done("store");
}

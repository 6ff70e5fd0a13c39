/*
 * Online backup and restore of the database with SQLite's backup API.
 *
 * A backup is one consistent snapshot: the whole copy runs in one read
 * transaction on the source, which in WAL mode never blocks the daemon's
 * writers. The copy is written to a private temporary file (mode 0600),
 * switched to a rollback journal so that it is one self-contained file,
 * checked with PRAGMA integrity_check, synced, and only then linked to its
 * final name, which must not exist: a backup never overwrites anything and
 * a failed one leaves nothing behind. Only the database is copied; the key
 * never is (it lives in its own file, or in a systemd credential).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dc_history.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

/* "ok", or the first problem PRAGMA integrity_check reports, into err. */
static int
check_integrity(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 ret = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &s,
	    NULL) != SQLITE_OK) {
		util_fmt(err, errlen, "integrity check: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v != NULL && strcmp(v, "ok") == 0)
			ret = 0;
		else
			util_fmt(err, errlen, "integrity check failed: %.200s",
			    v ? v : "?");
	} else
		util_fmt(err, errlen, "integrity check: %s",
		    sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return ret;
}

static int
open_db(const char *path, int flags, sqlite3 **db, char *err, size_t errlen)
{
	if (sqlite3_open_v2(path, db, flags | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		util_fmt(err, errlen, "%s: %s", path, *db ?
		    sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, STORE_BUSY_TIMEOUT_MS);
	return 0;
}

/* Copies all of src into dst in one step (one consistent snapshot). */
static int
copy_db(sqlite3 *dst, sqlite3 *src, char *err, size_t errlen)
{
	sqlite3_backup	*b;
	int		 rc;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		util_fmt(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		return -1;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		util_fmt(err, errlen, "backup: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

static int
fsync_path(const char *path, int dir)
{
	int	fd, ret;

	if ((fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY |
	    O_CLOEXEC)) == -1)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

/* The folder part of path ("." when there is none). */
static void
parent_of(const char *path, char *buf, size_t len)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		util_fmt(buf, len, ".");
	else if (slash == path)
		util_fmt(buf, len, "/");
	else
		util_fmt(buf, len, "%.*s", (int)(slash - path), path);
}

/* Pages in db (the size of a backup, for the operator). */
static int64_t
backup_pages(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int
store_backup(const char *db_path, const char *out, int64_t *pages,
    char *err, size_t errlen)
{
	sqlite3	*src = NULL, *dst = NULL;
	char	 tmp[STORE_BACKUP_PATH_MAX + 16], dir[STORE_BACKUP_PATH_MAX];
	int	 fd, made = 0, ret = -1;

	if (util_fmt(tmp, sizeof(tmp), "%s.partial", out) == -1) {
		util_fmt(err, errlen, "backup path too long");
		return -1;
	}
	if (access(out, F_OK) == 0) {
		util_fmt(err, errlen, "%s exists already; a backup never "
		    "overwrites a file", out);
		return -1;
	}
	/* Created private and exclusively, before SQLite opens it. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		util_fmt(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	made = 1;
	if (open_db(db_path, SQLITE_OPEN_READWRITE, &src, err, errlen) == -1 ||
	    open_db(tmp, SQLITE_OPEN_READWRITE, &dst, err, errlen) == -1 ||
	    copy_db(dst, src, err, errlen) == -1)
		goto out;
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		util_fmt(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	if (check_integrity(dst, err, errlen) == -1)
		goto out;
	if (pages != NULL)
		*pages = backup_pages(dst);
	if (sqlite3_close(dst) != SQLITE_OK) {
		util_fmt(err, errlen, "backup: cannot close the copy");
		dst = NULL;
		goto out;
	}
	dst = NULL;
	parent_of(out, dir, sizeof(dir));
	if (fsync_path(tmp, 0) == -1 || link(tmp, out) == -1 ||
	    fsync_path(dir, 1) == -1) {
		util_fmt(err, errlen, "%s: %s", out, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	sqlite3_close(dst);
	sqlite3_close(src);
	if (made)
		unlink(tmp);
	return ret;
}

/* The value of meta key in db, or "" (an old or foreign file). */
static void
meta_value(sqlite3 *db, const char *key, char *buf, size_t len)
{
	sqlite3_stmt	*s;
	const char	*v;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1",
	    -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (v = (const char *)sqlite3_column_text(s, 0)) != NULL)
		util_fmt(buf, len, "%s", v);
	sqlite3_finalize(s);
}

static int
user_version(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

int
store_backup_check(const char *path, struct store_backup_info *info,
    char *err, size_t errlen)
{
	sqlite3	*db = NULL;
	int	 ret = -1;

	memset(info, 0, sizeof(*info));
	if (open_db(path, SQLITE_OPEN_READONLY, &db, err, errlen) == -1)
		return -1;
	if (check_integrity(db, err, errlen) == -1)
		goto out;
	info->schema = user_version(db);
	meta_value(db, "key_id", info->key_id, sizeof(info->key_id));
	if (info->schema < 1 || info->key_id[0] == '\0') {
		util_fmt(err, errlen, "%s is not a sorttp database", path);
		goto out;
	}
	if (info->schema > STORE_SCHEMA_VERSION) {
		util_fmt(err, errlen, "%s has schema version %d, newer than "
		    "this program supports (%d); restore it with a newer "
		    "sorttp", path, info->schema, STORE_SCHEMA_VERSION);
		goto out;
	}
	ret = 0;
out:
	sqlite3_close(db);
	return ret;
}

/*
 * The last receipt id the database at db gave (store_impl.h): its mark,
 * or before schema 12 its highest id; 0 for a new file, -1 on a fault. A
 * restore keeps it, so that the ids given after the backup was made are
 * not given again (their public ids would repeat). Not max(id) beside
 * the mark: a row written by hand at the highest id there is, which only
 * a restore can undo (docs/operations.md), must not be carried over.
 */
static int
receipt_keep(sqlite3 *db, int64_t *last)
{
	sqlite3_stmt	*s;
	int		 n = 0, rc;

	*last = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE"
	    " type = 'table' AND name IN ('uploads', 'meta')", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (n < 2)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT CAST(value AS"
	    " INTEGER) FROM meta WHERE key = 'receipt_id_last'),"
	    " (SELECT coalesce(max(id), 0) FROM uploads))", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*last = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * The mark of the replaced database into the backup's copy, where it only
 * moves up; a backup of schema 11 or older keeps it through its migration.
 */
static int
receipt_merge(sqlite3 *db, int64_t last, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (last <= 0)
		return 0;
	if (sqlite3_prepare_v2(db, STORE_RECEIPT_MARK_SQL, -1, &s, NULL) !=
	    SQLITE_OK) {
		util_fmt(err, errlen, "database: receipt ids: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(s, 1, last);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		util_fmt(err, errlen, "database: receipt ids: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
store_restore(const char *backup, const char *db_path, char *err,
    size_t errlen)
{
	sqlite3		*src = NULL, *tmp = NULL, *dst = NULL;
	struct dch_keep	 keep;
	int64_t		 last_id;
	char		 stage[STORE_BACKUP_PATH_MAX + 32];
	int		 fd, made = 0, ret = -1;

	memset(&keep, 0, sizeof(keep));
	if (util_fmt(stage, sizeof(stage), "%s.restore-partial", db_path) ==
	    -1) {
		util_fmt(err, errlen, "database path too long");
		return -1;
	}
	if (open_db(backup, SQLITE_OPEN_READONLY, &src, err, errlen) == -1 ||
	    open_db(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst,
	    err, errlen) == -1)
		goto out;
	/* What was published stays published (dc_history.h). */
	if (store_dch_keep(dst, &keep) == -1) {
		util_fmt(err, errlen, "database: disclosure history: %s",
		    sqlite3_errmsg(dst));
		goto out;
	}
	/* No receipt id is given twice (store_impl.h). */
	if (receipt_keep(dst, &last_id) == -1) {
		util_fmt(err, errlen, "database: receipt ids: %s",
		    sqlite3_errmsg(dst));
		goto out;
	}
	/*
	 * The backup with that history merged in is made ready in a private
	 * copy first (left over from a restore that stopped: made anew), so
	 * that a fault before the last step leaves the database as it was.
	 * The backup API then writes the destination in one transaction: a
	 * failure there leaves it as it was too. The copy takes the backup's
	 * journal mode; the daemon switches it to WAL again.
	 */
	(void)unlink(stage);
	if ((fd = open(stage, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		util_fmt(err, errlen, "%s: %s", stage, strerror(errno));
		goto out;
	}
	close(fd);
	made = 1;
	if (open_db(stage, SQLITE_OPEN_READWRITE, &tmp, err, errlen) == -1 ||
	    copy_db(tmp, src, err, errlen) == -1 ||
	    store_dch_merge(tmp, &keep, err, errlen) == -1 ||
	    receipt_merge(tmp, last_id, err, errlen) == -1 ||
	    check_integrity(tmp, err, errlen) == -1 ||
	    copy_db(dst, tmp, err, errlen) == -1)
		goto out;
	ret = 0;
out:
	free(keep.rows);
	sqlite3_close(dst);
	sqlite3_close(tmp);
	sqlite3_close(src);
	if (made)
		unlink(stage);
	return ret;
}

/*
 * Table dc_history (schema 9, dc_history.h): per published cell two bit
 * masks, the figures ever published and ever withheld. No counts. The
 * rows only grow (masks are ORed in); the bewaartermijn purges rows of
 * periods that ended before the cut of the detail records (store_purge.c),
 * whose cells can hold nothing any more. meta 'dc_history_gen' moves on
 * every save, so that a build that read an older history knows it.
 */
#include <string.h>

#include <sqlite3.h>

#include "dc_history.h"
#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

/* A text column into out as util_fmt's "%s" puts it, cut to fit. */
static void
col_text(sqlite3_stmt *s, int col, char *out, size_t size)
{
	const char	*txt = (const char *)sqlite3_column_text(s, col);
	size_t		 n = txt != NULL ? strnlen(txt, size - 1) : 0;

	if (n > 0)
		memcpy(out, txt, n);
	out[n] = '\0';
}

static int
gen_get(struct store *st, int64_t *gen)
{
	sqlite3_stmt	*s;
	int		 rc;

	*gen = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT CAST(value AS INTEGER) FROM"
	    " meta WHERE key = 'dc_history_gen'", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*gen = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_dch_load(struct store *st, int (*fn)(const struct dch_row *, void *),
    void *arg, int64_t *gen)
{
	sqlite3_stmt	*s = NULL;
	struct dch_row	 r;
	int		 rc, ret = -1;

	pthread_mutex_lock(&st->lock);
	if (store_exec(st, "BEGIN", NULL, 0) == -1)
		goto out;
	if (gen_get(st, gen) == -1 || sqlite3_prepare_v2(st->db,
	    "SELECT indicator, level, period, geo, agb, last_day, published,"
	    " withheld FROM dc_history", -1, &s, NULL) != SQLITE_OK)
		goto done;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		col_text(s, 0, r.indicator, sizeof(r.indicator));
		r.level = sqlite3_column_int(s, 1);
		r.period = sqlite3_column_int(s, 2);
		col_text(s, 3, r.geo, sizeof(r.geo));
		r.agb = sqlite3_column_int(s, 4);
		r.last_day = sqlite3_column_int(s, 5);
		r.published = sqlite3_column_int64(s, 6);
		r.withheld = sqlite3_column_int64(s, 7);
		if (fn(&r, arg) != 0)
			goto done;
	}
	if (rc == SQLITE_DONE)
		ret = 0;
done:
	if (ret == -1)
		log_error("database: disclosure history: %s",
		    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	store_exec(st, "COMMIT", NULL, 0);
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_dch_save(struct store *st, const struct dch_row *rows, size_t n,
    int64_t gen)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 now;
	size_t		 i;
	int		 ret = -1;

	pthread_mutex_lock(&st->lock);
	if (store_exec(st, "BEGIN IMMEDIATE", NULL, 0) == -1)
		goto out;
	if (gen_get(st, &now) == -1)
		goto rollback;
	if (now != gen) {
		ret = 1;
		goto rollback;
	}
	if (n == 0) {
		ret = 0;
		goto rollback;		/* nothing new: nothing to write */
	}
	if (sqlite3_prepare_v2(st->db, "INSERT INTO dc_history (indicator,"
	    " level, period, geo, agb, last_day, published, withheld) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (indicator, level,"
	    " period, geo, agb) DO UPDATE SET published = published |"
	    " excluded.published, withheld = withheld | excluded.withheld",
	    -1, &s, NULL) != SQLITE_OK)
		goto rollback;
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, rows[i].indicator, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, rows[i].level);
		sqlite3_bind_int(s, 3, rows[i].period);
		sqlite3_bind_text(s, 4, rows[i].geo, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 5, rows[i].agb);
		sqlite3_bind_int(s, 6, rows[i].last_day);
		sqlite3_bind_int64(s, 7, rows[i].published);
		sqlite3_bind_int64(s, 8, rows[i].withheld);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto rollback;
	}
	if (store_exec(st, "INSERT INTO meta (key, value) VALUES"
	    " ('dc_history_gen', '1') ON CONFLICT (key) DO UPDATE SET value ="
	    " CAST(CAST(value AS INTEGER) + 1 AS TEXT)", NULL, 0) == -1 ||
	    store_exec(st, "COMMIT", NULL, 0) == -1)
		goto rollback;
	ret = 0;
	goto out;
rollback:
	if (ret == -1)
		log_error("database: disclosure history: %s",
		    sqlite3_errmsg(st->db));
	store_exec(st, "ROLLBACK", NULL, 0);
out:
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	if (ret != 1)
		store_note_write(ret == 0);
	return ret;
}

/*
 * A restore (store_backup.c) keeps the history of the database it
 * replaces: figures published before the restore stay published, so a
 * restored older state cannot be used to difference against them.
 */
static int
has_history(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE"
	    " type = 'table' AND name = 'dc_history'", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

int
store_dch_keep(struct sqlite3 *db, struct dch_keep *k)
{
	sqlite3_stmt	*s;
	struct dch_row	*r;
	const char	*txt;
	int		 rc;

	memset(k, 0, sizeof(*k));
	if ((rc = has_history(db)) <= 0)
		return rc;		/* a new file, or an older schema */
	if (sqlite3_prepare_v2(db, "SELECT indicator, level, period, geo, agb,"
	    " last_day, published, withheld FROM dc_history", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (util_grow((void **)&k->rows, &k->cap, k->n + 1,
		    sizeof(*k->rows)) == -1) {
			rc = SQLITE_NOMEM;
			break;
		}
		r = &k->rows[k->n++];
		memset(r, 0, sizeof(*r));
		txt = (const char *)sqlite3_column_text(s, 0);
		util_fmt(r->indicator, sizeof(r->indicator), "%s", txt ? txt :
		    "");
		r->level = sqlite3_column_int(s, 1);
		r->period = sqlite3_column_int(s, 2);
		txt = (const char *)sqlite3_column_text(s, 3);
		util_fmt(r->geo, sizeof(r->geo), "%s", txt ? txt : "");
		r->agb = sqlite3_column_int(s, 4);
		r->last_day = sqlite3_column_int(s, 5);
		r->published = sqlite3_column_int64(s, 6);
		r->withheld = sqlite3_column_int64(s, 7);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_dch_merge(struct sqlite3 *db, const struct dch_keep *k, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = NULL;
	size_t		 i;
	int		 rc;

	if (k->n == 0)
		return 0;
	if ((rc = has_history(db)) == -1)
		goto fail;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	/*
	 * A backup from before the history (schema 8 or older) gets the
	 * table, which its migration then keeps: without it everything
	 * published before the restore could be differenced again.
	 */
	if (rc == 0 && sqlite3_exec(db, STORE_DCH_TABLE, NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto rollback;
	if (sqlite3_prepare_v2(db, "INSERT INTO dc_history (indicator, level,"
	    " period, geo, agb, last_day, published, withheld) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (indicator, level, period,"
	    " geo, agb) DO UPDATE SET published = published |"
	    " excluded.published, withheld = withheld | excluded.withheld",
	    -1, &s, NULL) != SQLITE_OK)
		goto rollback;
	for (i = 0; i < k->n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, k->rows[i].indicator, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(s, 2, k->rows[i].level);
		sqlite3_bind_int(s, 3, k->rows[i].period);
		sqlite3_bind_text(s, 4, k->rows[i].geo, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 5, k->rows[i].agb);
		sqlite3_bind_int(s, 6, k->rows[i].last_day);
		sqlite3_bind_int64(s, 7, k->rows[i].published);
		sqlite3_bind_int64(s, 8, k->rows[i].withheld);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto rollback;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_exec(db, "INSERT INTO meta (key, value) VALUES"
	    " ('dc_history_gen', '1') ON CONFLICT (key) DO UPDATE SET value ="
	    " CAST(CAST(value AS INTEGER) + 1 AS TEXT); COMMIT", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto rollback;
	return 0;
rollback:
	util_fmt(err, errlen, "database: disclosure history: %s",
	    sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
fail:
	util_fmt(err, errlen, "database: disclosure history: %s",
	    sqlite3_errmsg(db));
	return -1;
}

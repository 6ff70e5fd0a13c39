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
	const char	*txt;
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
		txt = (const char *)sqlite3_column_text(s, 0);
		util_fmt(r.indicator, sizeof(r.indicator), "%s", txt ? txt :
		    "");
		r.level = sqlite3_column_int(s, 1);
		r.period = sqlite3_column_int(s, 2);
		txt = (const char *)sqlite3_column_text(s, 3);
		util_fmt(r.geo, sizeof(r.geo), "%s", txt ? txt : "");
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

/*
 * The two facts a report needs from the store besides its figures: the
 * date the data is as of (the newest upload), printed on the cover and
 * used as the PDF's creation date so that a regenerated report has the
 * same bytes; and the name of the aanbieder party with an AGB code.
 * Neither is a figure: every figure comes from the indicator engine.
 */
#include <string.h>

#include "report.h"
#include "store_impl.h"
#include "util.h"

int
store_data_asof(struct store *st, int *ymd)
{
	sqlite3_stmt	*s = NULL;
	const char	*t;
	int		 ret = -1;

	*ymd = 0;
	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, "SELECT max(created_at) FROM uploads",
	    -1, &s, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	t = (const char *)sqlite3_column_text(s, 0);
	/* created_at is ISO 8601 UTC, "2026-12-02T11:07:13Z". */
	if (t != NULL && strlen(t) >= 10 && t[4] == '-' && t[7] == '-')
		*ymd = (t[0] - '0') * 10000000 + (t[1] - '0') * 1000000 +
		    (t[2] - '0') * 100000 + (t[3] - '0') * 10000 +
		    (t[5] - '0') * 1000 + (t[6] - '0') * 100 +
		    (t[8] - '0') * 10 + (t[9] - '0');
	ret = 0;
fail:
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_aanbieder_name(struct store *st, const char *agb, char *out,
    size_t len)
{
	sqlite3_stmt	*s = NULL;
	const char	*t;
	int		 ret = -1;

	out[0] = '\0';
	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM parties WHERE "
	    "role = 'aanbieder' AND agb = ?1 AND revoked_at IS NULL "
	    "ORDER BY id LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(s, 1, agb, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (t = (const char *)sqlite3_column_text(s, 0)) != NULL)
		util_fmt(out, len, "%s", t);
	ret = 0;
fail:
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/*
 * Reading the audit trail back, for `sorttp audit`. The trail holds who
 * (a party, or the local command line), when, what action and a small JSON
 * detail that by construction carries no identifiers: parameters as
 * validated, counts, upload ids. The export repeats exactly that.
 */
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

static const char audit_sql[] =
	"SELECT a.id, a.at, coalesce(p.name, ''), coalesce(p.role, ''),"
	" a.action, coalesce(a.detail, '')"
	" FROM audit a LEFT JOIN parties p ON p.id = a.party_id"
	" WHERE a.at >= ?1 AND a.at < ?2"
	" AND (?3 IS NULL OR p.name = ?3)"
	" ORDER BY a.id";

int
store_feed_last(struct store *st,
    int (*fn)(const struct store_feed_row *, void *), void *arg)
{
	struct store_feed_row	 row;
	sqlite3_stmt		*s = NULL;
	const char		*role;
	int			 rc, ret = -1;

	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, "SELECT p.role, coalesce(p.agb, ''),"
	    " u.kind, max(u.created_at) FROM uploads u JOIN parties p"
	    " ON p.id = u.party_id GROUP BY p.id, u.kind", -1, &s,
	    NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		role = (const char *)sqlite3_column_text(s, 0);
		row.agb = (const char *)sqlite3_column_text(s, 1);
		row.kind = (const char *)sqlite3_column_text(s, 2);
		row.last = (const char *)sqlite3_column_text(s, 3);
		if (role == NULL || store_role_parse(role, &row.role) == -1 ||
		    row.agb == NULL || row.kind == NULL || row.last == NULL)
			continue;
		if (fn(&row, arg) != 0)
			goto out;
	}
	ret = rc == SQLITE_DONE ? 0 : -1;
out:
	if (ret == -1)
		log_error("database: feed times: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_audit_export(struct store *st, const char *since, const char *until,
    const char *party, int (*fn)(const struct store_audit_row *, void *),
    void *arg)
{
	struct store_audit_row	 row;
	sqlite3_stmt		*s = NULL;
	int			 rc, ret = -1;

	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, audit_sql, -1, &s, NULL) != SQLITE_OK) {
		log_error("database: audit export: %s", sqlite3_errmsg(st->db));
		goto out;
	}
	sqlite3_bind_text(s, 1, since ? since : "", -1, SQLITE_STATIC);
	/* '~' sorts after every digit: no upper bound. */
	sqlite3_bind_text(s, 2, until ? until : "~", -1, SQLITE_STATIC);
	if (party != NULL)
		sqlite3_bind_text(s, 3, party, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(s, 0);
		row.at = (const char *)sqlite3_column_text(s, 1);
		row.party = (const char *)sqlite3_column_text(s, 2);
		row.role = (const char *)sqlite3_column_text(s, 3);
		row.action = (const char *)sqlite3_column_text(s, 4);
		row.detail = (const char *)sqlite3_column_text(s, 5);
		if (row.at == NULL || row.party == NULL || row.role == NULL ||
		    row.action == NULL || row.detail == NULL)
			goto out;
		if (fn(&row, arg) != 0)
			goto out;
	}
	if (rc == SQLITE_DONE)
		ret = 0;
	else
		log_error("database: audit export: %s", sqlite3_errmsg(st->db));
out:
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

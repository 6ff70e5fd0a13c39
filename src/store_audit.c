/*
 * Reading the audit trail back, for `sorttp audit`. The trail holds who
 * (a party, or the local command line), when, what action and a small JSON
 * detail that by construction carries no identifiers: parameters as
 * validated, counts, upload ids. The export repeats exactly that.
 */
#include <stdlib.h>
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

/* The latest upload of one party of one kind (store_feed_last). */
struct feed_last {
	int64_t		 party;
	int		 kind;		/* index into feed_kinds */
	char		 last[32];
};

static const char *const feed_kinds[] = { "scores", "questionnaires",
    "messages" };

static int
cmp_feed_last(const void *a, const void *b)
{
	const struct feed_last	*x = a, *y = b;

	if (x->party != y->party)
		return x->party < y->party ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/*
 * The latest upload time per party and kind. One pass over the uploads
 * keeping the maximum per (party, kind) in a small sorted array: a GROUP
 * BY would sort every upload in memory first (temp_store is MEMORY), some
 * hundreds of megabytes at the start of a daemon with millions of
 * messages. The times compare as SQLite's max() does (BINARY).
 */
int
store_feed_last(struct store *st,
    int (*fn)(const struct store_feed_row *, void *), void *arg)
{
	struct store_feed_row	 row;
	struct feed_last	*fl = NULL, key, *f;
	size_t			 n = 0, cap = 0, i, k;
	sqlite3_stmt		*s = NULL, *p = NULL;
	const char		*role, *kind, *at;
	int			 rc, ret = -1;

	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, "SELECT party_id, kind, created_at"
	    " FROM uploads", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT role, coalesce(agb, '')"
	    " FROM parties WHERE id = ?1", -1, &p, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		kind = (const char *)sqlite3_column_text(s, 1);
		at = (const char *)sqlite3_column_text(s, 2);
		if (kind == NULL || at == NULL || strlen(at) >= sizeof(key.last))
			continue;
		for (k = 0; k < ARRAY_LEN(feed_kinds); k++)
			if (strcmp(kind, feed_kinds[k]) == 0)
				break;
		if (k == ARRAY_LEN(feed_kinds))
			continue;
		key.party = sqlite3_column_int64(s, 0);
		key.kind = (int)k;
		f = n == 0 ? NULL : bsearch(&key, fl, n, sizeof(*fl),
		    cmp_feed_last);
		if (f != NULL) {
			if (strcmp(at, f->last) > 0)
				memcpy(f->last, at, strlen(at) + 1);
			continue;
		}
		if (util_grow((void **)&fl, &cap, n + 1, sizeof(*fl)) == -1)
			goto out;
		for (i = n; i > 0 && cmp_feed_last(&fl[i - 1], &key) > 0; i--)
			fl[i] = fl[i - 1];
		memcpy(key.last, at, strlen(at) + 1);
		fl[i] = key;
		n++;
	}
	if (rc != SQLITE_DONE)
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_reset(p);
		sqlite3_bind_int64(p, 1, fl[i].party);
		if ((rc = sqlite3_step(p)) == SQLITE_DONE)
			continue;	/* as the join: no party, no row */
		if (rc != SQLITE_ROW)
			goto out;
		memset(&row, 0, sizeof(row));
		role = (const char *)sqlite3_column_text(p, 0);
		row.agb = (const char *)sqlite3_column_text(p, 1);
		row.kind = feed_kinds[fl[i].kind];
		row.last = fl[i].last;
		if (role == NULL || store_role_parse(role, &row.role) == -1 ||
		    row.agb == NULL)
			continue;
		if (fn(&row, arg) != 0)
			goto out;
	}
	ret = 0;
out:
	if (ret == -1)
		log_error("database: feed times: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	sqlite3_finalize(p);
	pthread_mutex_unlock(&st->lock);
	free(fl);
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

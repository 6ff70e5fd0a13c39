/*
 * Retention (bewaartermijn): deleting what is older than its term.
 *
 * Detail records go by the date that makes them history: a scores row by
 * its meetdatum, a trajectory and a toewijzing by their einddatum (a
 * running one is never purged), a questionnaire response by its
 * ingevuld_op. Receipts and the audit trail go by the time they were
 * written; a message's duplicate key goes with its receipt. Everything is
 * one transaction, secure_delete overwrites the freed pages, and the
 * purge is audited with its counts only. A purge that deleted anything
 * moves the data generation, so the indicator snapshot is rebuilt. The
 * disclosure history of periods wholly before the detail cut goes too.
 */
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

#define STORE_PURGE_DETAIL_MAX	1024	/* bytes of the audit detail */

/* What each table loses; ?1 is a yyyymmdd date, ?2 an ISO 8601 time. */
static const struct purge_step {
	const char	*name;		/* key in the counts and the audit */
	const char	*where;		/* FROM ... WHERE ... */
} purge_steps[STORE_PURGE_KINDS] = {
	{ "scores", "scores WHERE meetdatum < ?1" },
	{ "trajecten", "trajecten WHERE einddatum IS NOT NULL AND"
	    " einddatum < ?1" },
	{ "toewijzingen", "toewijzingen WHERE einddatum IS NOT NULL AND"
	    " einddatum < ?1" },
	{ "antwoorden", "antwoorden WHERE ingevuld_op < ?1" },
	{ "message_keys", "message_keys WHERE upload_id IN (SELECT id FROM"
	    " uploads WHERE created_at < ?2)" },
	{ "uploads", "uploads WHERE created_at < ?2" },
	{ "audit", "audit WHERE at < ?3" },
	/*
	 * The disclosure history of periods that ended before the detail
	 * cut: their cells can hold nothing any more (store_dchistory.c).
	 */
	{ "dc_history", "dc_history WHERE last_day < ?1" },
};

const char *
store_purge_kind(int i)
{
	return i >= 0 && i < STORE_PURGE_KINDS ? purge_steps[i].name : "?";
}

/* Counts (dry run) or deletes one step; -1 on a database fault. */
static int64_t
purge_step(struct store *st, const struct purge_step *p,
    const struct store_purge_cut *cut, int dry_run)
{
	sqlite3_stmt	*s;
	char		 sql[256];
	int64_t		 n = -1;

	util_fmt(sql, sizeof(sql), "%s %s", dry_run ? "SELECT count(*) FROM" :
	    "DELETE FROM", p->where);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		log_error("database: purge %s: %s", p->name,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	/* Unused parameters in a statement are simply not bound. */
	if (sqlite3_bind_parameter_index(s, "?1") > 0)
		sqlite3_bind_int(s, 1, cut->detail_before);
	if (sqlite3_bind_parameter_index(s, "?2") > 0)
		sqlite3_bind_text(s, 2, cut->receipts_before, -1,
		    SQLITE_STATIC);
	if (sqlite3_bind_parameter_index(s, "?3") > 0)
		sqlite3_bind_text(s, 3, cut->audit_before, -1, SQLITE_STATIC);
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		n = sqlite3_column_int64(s, 0);
		break;
	case SQLITE_DONE:
		n = sqlite3_changes(st->db);
		break;
	default:
		log_error("database: purge %s: %s", p->name,
		    sqlite3_errmsg(st->db));
	}
	sqlite3_finalize(s);
	return n;
}

/* Counts the purge in meta, so that the data generation moves. */
static int
bump_purges(struct store *st)
{
	return store_exec(st, "INSERT INTO meta (key, value) VALUES"
	    " ('purges', '1') ON CONFLICT (key) DO UPDATE SET value ="
	    " CAST(CAST(value AS INTEGER) + 1 AS TEXT)", NULL, 0);
}

int
store_purge(struct store *st, const struct store_purge_cut *cut,
    int dry_run, struct store_purge_counts *out)
{
	struct buf	detail;
	int64_t		total = 0;
	int		i, ret = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&detail, STORE_PURGE_DETAIL_MAX, 0);
	pthread_mutex_lock(&st->lock);
	if (store_exec(st, dry_run ? "BEGIN" : "BEGIN IMMEDIATE", NULL,
	    0) == -1)
		goto out;
	for (i = 0; i < STORE_PURGE_KINDS; i++) {
		if ((out->n[i] = purge_step(st, &purge_steps[i], cut,
		    dry_run)) < 0)
			goto rollback;
		total += out->n[i];
	}
	if (dry_run) {
		store_exec(st, "COMMIT", NULL, 0);
		ret = 0;
		goto out;
	}
	/* The audit row of this purge: after the trail's own purge. */
	buf_printf(&detail, "{\"before\":{\"detail\":%d,\"receipts\":\"%s\","
	    "\"audit\":\"%s\"}", cut->detail_before, cut->receipts_before,
	    cut->audit_before);
	for (i = 0; i < STORE_PURGE_KINDS; i++)
		buf_printf(&detail, ",\"%s\":%lld", purge_steps[i].name,
		    (long long)out->n[i]);
	buf_str(&detail, "}");
	/* A snapshot being built saves no history from before the purge. */
	if (out->n[STORE_PURGE_KINDS - 1] > 0 && store_exec(st, "INSERT INTO"
	    " meta (key, value) VALUES ('dc_history_gen', '1') ON CONFLICT"
	    " (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS"
	    " TEXT)", NULL, 0) == -1)
		goto rollback;
	if (buf_failed(&detail) || (total > 0 && bump_purges(st) == -1) ||
	    store_audit_locked(st, "purge", detail.p) == -1)
		goto rollback;
	if (store_exec(st, "COMMIT", NULL, 0) == 0)
		ret = 0;
	goto out;
rollback:
	store_exec(st, "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&st->lock);
	buf_free(&detail);
	return ret;
}

/*
 * Berichtenverkeer in the store: the trajectory model and the group-commit
 * writer that applies iJw messages to it.
 *
 * The jobs that are waiting, up to MSGW_BATCH_MAX from any number of
 * batches and requests, are applied in one transaction and committed
 * with one fsync. A job is checked completely before it is queued, so
 * inside the writer it can only fail for a database fault; there is no
 * savepoint per job. A fault rolls back the whole batch, after which it
 * is tried again in halves, and those in halves, so one bad job costs
 * only itself. A sender waits until the transaction holding its job
 * is committed, so a receipt is only ever given for a durable message.
 */
#include <sys/prctl.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

#define MSGW_BATCH_MAX	8192	/* jobs in one transaction */
#define MSGW_CACHE_KIB	"65536"	/* page cache of the writer connection */

enum mw_stmt {
	MW_MAX_ID,
	MW_MARK,
	MW_DUP_KEY,
	MW_RECEIPT,
	MW_KEY,
	MW_AUDIT,
	MW_START,
	MW_START_DELETE,
	MW_STOP,
	MW_TEMP_STOP,
	MW_STOP_DELETE,
	MW_TEMP_STOP_DELETE,
	MW_PRUNE,
	MW_TOEWIJZING,
	MW_BEGIN,
	MW_COMMIT,
	MW_ROLLBACK,
	MW__COUNT
};

/* Columns of trajecten written by every op: ?1..?11, upload_id ?12. */
#define TRAJ_COLS \
	"(client, prod_key, begindatum, prod_chk, agb, gemeente, categorie," \
	" code, leeftijd, geslacht, key_version, upload_id, gestart"
#define TRAJ_VALS \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12"
#define TRAJ_KEY \
	" WHERE client = ?1 AND prod_key = ?2 AND begindatum = ?3"

static const char *const mw_sql[MW__COUNT] = {
	/* The last receipt id ever given; read once per transaction. */
	[MW_MAX_ID] = STORE_RECEIPT_LAST_SQL,
	/* And the last this transaction gave; written once, if any. */
	[MW_MARK] = STORE_RECEIPT_MARK_SQL,
	/*
	 * A message is a duplicate when the same party sent the same
	 * message key before (the same bytes give the same key): its claim
	 * (MW_KEY) changed nothing. Only then is its receipt looked up.
	 */
	[MW_DUP_KEY] =
	    "SELECT u.id, u.public_id, u.kind, u.rows, u.created_at"
	    " FROM message_keys k JOIN uploads u ON u.id = k.upload_id"
	    " WHERE k.party_id = ?1 AND k.msg_key = ?2",
	/* No body_mac: messages stay out of the body index. */
	[MW_RECEIPT] =
	    "INSERT INTO uploads (id, party_id, kind, rows, key_version,"
	    " created_at) VALUES (?5, ?1, 'messages', ?2, ?3, ?4)",
	/* The claim of a message key: one statement, no probe first. */
	[MW_KEY] = "INSERT INTO message_keys (party_id, msg_key, upload_id)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[MW_AUDIT] = "INSERT INTO audit (at, party_id, action, detail)"
	    " VALUES (?1, ?2, 'upload_messages', ?3)",
	[MW_BEGIN] = "BEGIN IMMEDIATE",
	[MW_COMMIT] = "COMMIT",
	[MW_ROLLBACK] = "ROLLBACK",
	/*
	 * A start fills in what a stop that came first could not know; the
	 * attributes of the start win. A 64-bit collision of two products
	 * (prod_chk differs) changes nothing.
	 */
	[MW_START] = "INSERT INTO trajecten " TRAJ_COLS ")" TRAJ_VALS ", 1)"
	    " ON CONFLICT (client, prod_key, begindatum) DO UPDATE SET"
	    " agb = excluded.agb, gemeente = excluded.gemeente,"
	    " categorie = coalesce(excluded.categorie, trajecten.categorie),"
	    " code = coalesce(excluded.code, trajecten.code),"
	    " leeftijd = coalesce(excluded.leeftijd, trajecten.leeftijd),"
	    " geslacht = coalesce(excluded.geslacht, trajecten.geslacht),"
	    " gestart = 1, key_version = excluded.key_version,"
	    " upload_id = excluded.upload_id"
	    " WHERE trajecten.prod_chk = excluded.prod_chk",
	[MW_START_DELETE] = "UPDATE trajecten SET gestart = 0" TRAJ_KEY
	    " AND prod_chk = ?4",
	[MW_STOP] = "INSERT INTO trajecten " TRAJ_COLS ", einddatum, reden)"
	    TRAJ_VALS ", 0, ?13, ?14)"
	    " ON CONFLICT (client, prod_key, begindatum) DO UPDATE SET"
	    " einddatum = excluded.einddatum, reden = excluded.reden,"
	    " agb = coalesce(trajecten.agb, excluded.agb),"
	    " gemeente = coalesce(trajecten.gemeente, excluded.gemeente),"
	    " categorie = coalesce(trajecten.categorie, excluded.categorie),"
	    " code = coalesce(trajecten.code, excluded.code),"
	    " leeftijd = coalesce(trajecten.leeftijd, excluded.leeftijd),"
	    " geslacht = coalesce(trajecten.geslacht, excluded.geslacht),"
	    " upload_id = excluded.upload_id"
	    " WHERE trajecten.prod_chk = excluded.prod_chk",
	[MW_TEMP_STOP] = "INSERT INTO trajecten " TRAJ_COLS
	    ", tijdelijk_einddatum)" TRAJ_VALS ", 0, ?13)"
	    " ON CONFLICT (client, prod_key, begindatum) DO UPDATE SET"
	    " tijdelijk_einddatum = excluded.tijdelijk_einddatum,"
	    " agb = coalesce(trajecten.agb, excluded.agb),"
	    " gemeente = coalesce(trajecten.gemeente, excluded.gemeente),"
	    " upload_id = excluded.upload_id"
	    " WHERE trajecten.prod_chk = excluded.prod_chk",
	[MW_STOP_DELETE] = "UPDATE trajecten SET einddatum = NULL,"
	    " reden = NULL" TRAJ_KEY " AND prod_chk = ?4 AND reden = ?5",
	[MW_TEMP_STOP_DELETE] = "UPDATE trajecten SET"
	    " tijdelijk_einddatum = NULL" TRAJ_KEY " AND prod_chk = ?4",
	/* A row with neither start nor stop left is gone. */
	[MW_PRUNE] = "DELETE FROM trajecten" TRAJ_KEY " AND gestart = 0"
	    " AND einddatum IS NULL AND tijdelijk_einddatum IS NULL",
	[MW_TOEWIJZING] = "INSERT INTO toewijzingen (prod_key, prod_chk,"
	    " client, agb, gemeente, categorie, code, ingangsdatum,"
	    " einddatum, key_version, upload_id, gebied) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	    " ON CONFLICT (prod_key) DO UPDATE SET client = excluded.client,"
	    " agb = excluded.agb, gemeente = excluded.gemeente,"
	    " categorie = excluded.categorie, code = excluded.code,"
	    " ingangsdatum = excluded.ingangsdatum,"
	    " einddatum = excluded.einddatum,"
	    " key_version = excluded.key_version,"
	    " upload_id = excluded.upload_id, gebied = excluded.gebied"
	    " WHERE toewijzingen.prod_chk = excluded.prod_chk",
};

struct store_msgw {
	struct store	*st;		/* the writer's own connection */
	sqlite3_stmt	*stmt[MW__COUNT];
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* a job was queued, or stop */
	struct msg_job	*head, *tail;
	/*
	 * The next receipt id (uploads.id), the last ever given + 1 as read
	 * at the start of the transaction (base_id) and counted on in
	 * memory: the key is claimed with it before the receipt row exists.
	 * 0 once the ids have run out.
	 */
	int64_t		 next_id;
	int64_t		 base_id;
	int		 quit;
	int		 started;
};

static sqlite3_stmt *
get(struct store_msgw *w, enum mw_stmt id)
{
	sqlite3_reset(w->stmt[id]);
	sqlite3_clear_bindings(w->stmt[id]);
	return w->stmt[id];
}

static int
step_done(sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The receipt of an earlier equal message; 1 found, 0 not, -1 error. */
static int
find_dup(struct store_msgw *w, struct msg_job *j)
{
	sqlite3_stmt	*s = get(w, MW_DUP_KEY);
	int		 rc;

	sqlite3_bind_int64(s, 1, j->party_id);
	sqlite3_bind_blob(s, 2, j->msg_key, STORE_BODY_MAC_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = store_receipt_row(w->st, s, &j->receipt);
		sqlite3_reset(s);
		return rc == 0 ? 1 : -1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Reads the last receipt id ever given at the start of a transaction:
 * other connections (uploads of scores, the CLI) add receipts too, but
 * never while this one holds the write lock. A purge deletes receipts,
 * but not the mark, so no id is ever given twice.
 */
static int
read_next_id(struct store_msgw *w)
{
	sqlite3_stmt	*s = get(w, MW_MAX_ID);
	int64_t		 max;
	int		 rc;

	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		max = sqlite3_column_int64(s, 0);	/* NULL: 0 */
		w->next_id = max < INT64_MAX ? max + 1 : 0;
		w->base_id = w->next_id;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Moves the mark to the last id this transaction gave, if it gave one. */
static int
mark_ids(struct store_msgw *w)
{
	sqlite3_stmt	*s;

	if (w->next_id == w->base_id)
		return 0;
	s = get(w, MW_MARK);
	sqlite3_bind_int64(s, 1, w->next_id == 0 ? INT64_MAX :
	    w->next_id - 1);
	return step_done(s);
}

static void
bind_traj(sqlite3_stmt *s, const struct traj_rec *r, unsigned kv,
    int64_t upload)
{
	sqlite3_bind_int64(s, 1, r->client);
	sqlite3_bind_int64(s, 2, r->prod_key);
	sqlite3_bind_int(s, 3, r->begindatum);
	sqlite3_bind_int64(s, 4, r->prod_chk);
	if (sqlite3_bind_parameter_count(s) < 5)
		return;
	sqlite3_bind_int(s, 5, r->agb);
	sqlite3_bind_int(s, 6, r->gemeente);
	if (r->categorie > 0)
		sqlite3_bind_int(s, 7, r->categorie);
	if (r->code[0] != '\0')
		sqlite3_bind_text(s, 8, r->code, -1, SQLITE_STATIC);
	if (r->leeftijd >= 0)
		sqlite3_bind_int(s, 9, r->leeftijd);
	if (r->geslacht >= 0)
		sqlite3_bind_int(s, 10, r->geslacht);
	sqlite3_bind_int(s, 11, (int)kv);
	sqlite3_bind_int64(s, 12, upload);
}

/* One change to the trajectory model. */
static int
apply_rec(struct store_msgw *w, const struct traj_rec *r, unsigned kv,
    int64_t upload)
{
	sqlite3_stmt	*s;

	switch (r->op) {
	case TRAJ_START:
		s = get(w, MW_START);
		bind_traj(s, r, kv, upload);
		return step_done(s);
	case TRAJ_STOP:
		/* Reden 20 is a temporary stop, not an end. */
		s = get(w, r->reden == 20 ? MW_TEMP_STOP : MW_STOP);
		bind_traj(s, r, kv, upload);
		sqlite3_bind_int(s, 13, r->einddatum);
		if (r->reden != 20)
			sqlite3_bind_int(s, 14, r->reden);
		return step_done(s);
	case TRAJ_START_DELETE:
		s = get(w, MW_START_DELETE);
		bind_traj(s, r, kv, upload);
		break;
	case TRAJ_STOP_DELETE:
		s = get(w, r->reden == 20 ? MW_TEMP_STOP_DELETE :
		    MW_STOP_DELETE);
		bind_traj(s, r, kv, upload);
		if (r->reden != 20)
			sqlite3_bind_int(s, 5, r->reden);
		break;
	case TRAJ_TOEWIJZING:
		s = get(w, MW_TOEWIJZING);
		sqlite3_bind_int64(s, 1, r->prod_key);
		sqlite3_bind_int64(s, 2, r->prod_chk);
		sqlite3_bind_int64(s, 3, r->client);
		sqlite3_bind_int(s, 4, r->agb);
		sqlite3_bind_int(s, 5, r->gemeente);
		if (r->categorie > 0)
			sqlite3_bind_int(s, 6, r->categorie);
		if (r->code[0] != '\0')
			sqlite3_bind_text(s, 7, r->code, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 8, r->begindatum);
		if (r->einddatum > 0)
			sqlite3_bind_int(s, 9, r->einddatum);
		sqlite3_bind_int(s, 10, (int)kv);
		sqlite3_bind_int64(s, 11, upload);
		if (r->gebied > 0)	/* issue #15: the area, never more */
			sqlite3_bind_int(s, 12, r->gebied);
		return step_done(s);
	default:
		return -1;
	}
	/* A deletion: then drop a row that has nothing left. */
	if (step_done(s) == -1)
		return -1;
	s = get(w, MW_PRUNE);
	bind_traj(s, r, kv, upload);
	return step_done(s);
}

/*
 * Applies one job inside the open transaction: the claim of its message
 * key, its receipt and its changes, or, for a message seen before (also
 * earlier in the same transaction, whose rows this connection sees), the
 * first receipt. When the receipt ids have run out the job is refused
 * (STORE_ERROR, ids_exhausted) rather than given an id of another
 * receipt's. Returns -1 on a database fault; the transaction must then
 * be rolled back, since the job may be half applied.
 */
static int
apply_job(struct store_msgw *w, struct msg_job *j, const char now[21])
{
	sqlite3_stmt	*s;
	int64_t		 upload = w->next_id;
	size_t		 i;
	int		 rc;

	j->rc = STORE_ERROR;
	j->ids_exhausted = 0;
	memset(&j->receipt, 0, sizeof(j->receipt));
	if (upload == 0) {
		/* A resend still gets its receipt. */
		if ((rc = find_dup(w, j)) == -1)
			return -1;
		if (rc == 1)
			j->rc = STORE_EXISTS;
		else
			j->ids_exhausted = 1;
		return 0;
	}
	s = get(w, MW_KEY);
	sqlite3_bind_int64(s, 1, j->party_id);
	sqlite3_bind_blob(s, 2, j->msg_key, STORE_BODY_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, upload);
	if (step_done(s) == -1)
		return -1;
	if (sqlite3_changes(w->st->db) == 0) {
		/* Claimed before: a duplicate, whose receipt must exist. */
		if (find_dup(w, j) != 1)
			return -1;
		j->rc = STORE_EXISTS;
		return 0;
	}
	s = get(w, MW_RECEIPT);
	sqlite3_bind_int64(s, 1, j->party_id);
	sqlite3_bind_int64(s, 2, (int64_t)j->nrecs);
	sqlite3_bind_int(s, 3, (int)j->key_version);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, upload);
	if (step_done(s) == -1 ||
	    store_public_id(w->st, upload, j->receipt.upload_id) == -1)
		return -1;
	w->next_id = upload < INT64_MAX ? upload + 1 : 0;
	for (i = 0; i < j->nrecs; i++)
		if (apply_rec(w, &j->recs[i], j->key_version, upload) == -1)
			return -1;
	util_fmt(j->receipt.kind, sizeof(j->receipt.kind), "messages");
	j->receipt.rows = (int64_t)j->nrecs;
	memcpy(j->receipt.created, now, sizeof(j->receipt.created));
	j->rc = STORE_OK;
	return 0;
}

/*
 * The audit trail of a transaction: per party one row that names the
 * uploads it stored, rather than a row per message, which would cost a
 * write per message for the same facts. Duplicates store nothing and are
 * not named. Returns -1 on a database fault.
 */
static int
audit_batch(struct store_msgw *w, struct msg_job *batch, const char now[21])
{
	struct msg_job	*j, *k;
	sqlite3_stmt	*s;
	char		*detail, *p;
	size_t		 cap, msgs, rows;
	int		 rc = 0;

	for (j = batch; j != NULL; j = j->next)
		j->audited = 0;
	for (j = batch; j != NULL && rc == 0; j = j->next) {
		if (j->audited || j->rc != STORE_OK)
			continue;
		msgs = 0;
		for (k = j; k != NULL; k = k->next)
			if (k->party_id == j->party_id && k->rc == STORE_OK)
				msgs++;
		/* "u_…", with quotes and a comma, per upload. */
		cap = msgs * (STORE_PUBLIC_ID_LEN + 3) + 64;
		if ((detail = malloc(cap)) == NULL)
			return -1;
		memcpy(detail, "{\"upload_ids\":[", 15);
		p = detail + 15;
		rows = 0;
		for (k = j; k != NULL; k = k->next) {
			if (k->party_id != j->party_id || k->rc != STORE_OK)
				continue;
			k->audited = 1;
			rows += (size_t)k->receipt.rows;
			*p++ = '"';
			memcpy(p, k->receipt.upload_id, STORE_PUBLIC_ID_LEN);
			p += STORE_PUBLIC_ID_LEN;
			*p++ = '"';
			*p++ = ',';
		}
		util_fmt(p - 1, cap - (size_t)(p - 1 - detail),
		    "],\"messages\":%zu,\"rows\":%zu}", msgs, rows);
		s = get(w, MW_AUDIT);
		sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, j->party_id);
		sqlite3_bind_text(s, 3, detail, -1, SQLITE_STATIC);
		rc = step_done(s);
		free(detail);
	}
	return rc;
}

static int
run(struct store_msgw *w, enum mw_stmt id)
{
	sqlite3_stmt	*s = w->stmt[id];

	sqlite3_reset(s);
	return step_done(s);
}

/*
 * Takes up to max waiting jobs off the queue; the caller holds the mutex.
 * Returns the first, with *last the last and *n their number.
 */
static struct msg_job *
take_jobs(struct store_msgw *w, int max, struct msg_job **last, int *n)
{
	struct msg_job	*first = w->head, *l = w->head;

	if (first == NULL || max <= 0) {
		*n = 0;
		return NULL;
	}
	for (*n = 1; *n < max && l->next != NULL; (*n)++)
		l = l->next;
	w->head = l->next;
	if (w->head == NULL)
		w->tail = NULL;
	l->next = NULL;
	*last = l;
	return first;
}

/*
 * One transaction for a batch. Jobs that arrive while the batch is being
 * applied join it before the commit, so they share its fsync instead of
 * waiting for the next one; when take is 0 the batch is applied as it is.
 * Returns 0 when committed, -1 when rolled back (the jobs' answers are
 * then void), or -2 when no transaction could be started at all: the
 * write lock stayed taken past the busy timeout, so trying again at once
 * would only wait as long again.
 */
static int
apply_batch(struct store_msgw *w, struct msg_job *batch, int n, int take)
{
	struct msg_job	*j, *last = batch, *more, *mlast;
	struct store_links_batch lb;
	char		 now[21];
	int		 m;

	util_utc_iso8601(now);
	if (run(w, MW_BEGIN) == -1) {
		log_error("database: cannot start a message batch: %s",
		    sqlite3_errmsg(w->st->db));
		store_note_write(0);
		return -2;
	}
	if (read_next_id(w) == -1)
		goto fail;
	if (w->next_id == 0)
		log_error("database: the receipt ids have run out; messages "
		    "are refused until the database is looked after");
	for (j = batch; j != NULL; last = j, j = j->next)
		if (apply_job(w, j, now) == -1)
			goto fail;
	while (take) {
		pthread_mutex_lock(&w->mu);
		more = take_jobs(w, MSGW_BATCH_MAX - n, &mlast, &m);
		pthread_mutex_unlock(&w->mu);
		if (more == NULL)
			break;
		last->next = more;
		last = mlast;
		n += m;
		for (j = more; j != NULL; j = j->next)
			if (apply_job(w, j, now) == -1)
				goto fail;
	}
	if (mark_ids(w) == -1 || audit_batch(w, batch, now) == -1)
		goto fail;
	/* Key links of the rotation window, with the records (store_keys.c). */
	if (store_links_write(w->st, &lb) == -1)
		goto fail;
	if (run(w, MW_COMMIT) == -1) {
		log_error("database: message batch not committed: %s",
		    sqlite3_errmsg(w->st->db));
		run(w, MW_ROLLBACK);
		store_links_settle(&lb, 0);
		store_note_write(0);
		return -1;
	}
	store_links_settle(&lb, 1);
	store_note_write(1);
	return 0;
fail:
	log_error("database: message batch rolled back: %s",
	    sqlite3_errmsg(w->st->db));
	run(w, MW_ROLLBACK);
	store_note_write(0);
	return -1;
}

/* Refuses n jobs from j on: their transaction never happened. */
static void
refuse_jobs(struct msg_job *j, int n)
{
	for (; j != NULL && n > 0; j = j->next, n--) {
		j->rc = STORE_ERROR;
		j->ids_exhausted = 0;
	}
}

/*
 * Applies the n jobs from first on (the list may go on after them) in one
 * transaction; after a fault, each half in a transaction of its own, and
 * so on down to the job that fails by itself, which alone is refused (the
 * sender may try again). A job is never half stored, and a few bad jobs
 * among thousands cost some twenty transactions each, not one per job.
 * Returns 0, or -2 once no transaction could start: the jobs not yet
 * applied are then refused, as trying again would only wait as long.
 */
static int
settle_jobs(struct store_msgw *w, struct msg_job *first, int n)
{
	struct msg_job	*last = first, *after, *mid;
	int		 i, h, rc;

	for (i = 1; i < n; i++)
		last = last->next;
	after = last->next;
	last->next = NULL;
	rc = apply_batch(w, first, n, 0);
	last->next = after;
	if (rc == 0)
		return 0;
	if (rc == -2 || n == 1) {
		refuse_jobs(first, n);
		return rc == -2 ? -2 : 0;
	}
	h = n / 2;
	for (mid = first, i = 0; i < h; i++)
		mid = mid->next;
	if (settle_jobs(w, first, h) == -2) {
		refuse_jobs(mid, n - h);
		return -2;
	}
	return settle_jobs(w, mid, n - h);
}

/*
 * Applies a batch with the jobs that join it while it is applied; after a
 * fault, the whole list, joiners included, in halves (settle_jobs).
 * Without a transaction every job is refused.
 */
static void
settle_batch(struct store_msgw *w, struct msg_job *batch, int n)
{
	struct msg_job	*j;
	int		 rc;

	if ((rc = apply_batch(w, batch, n, 1)) == 0)
		return;
	for (n = 0, j = batch; j != NULL; j = j->next)
		n++;
	if (rc == -2)
		refuse_jobs(batch, n);
	else
		(void)settle_jobs(w, batch, n);
}

static void *
writer_main(void *arg)
{
	struct store_msgw	*w = arg;
	struct msg_job		*batch, *last, *j, *nj;
	int			 n;

	/* Named for ps and for the benchmark's per-thread CPU. */
	(void)prctl(PR_SET_NAME, "msg-writer", 0, 0, 0);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->quit)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->head == NULL)
			break;
		batch = take_jobs(w, MSGW_BATCH_MAX, &last, &n);
		pthread_mutex_unlock(&w->mu);
		settle_batch(w, batch, n);
		/* Wake each sender alone; next is read before the post. */
		for (j = batch; j != NULL; j = nj) {
			nj = j->next;
			sem_post(&j->done);
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
store_msgw_start(struct store *st, struct store_msgw **out, char *err,
    size_t errlen)
{
	struct store_msgw	*w;
	int			 i;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	if (store_open(st->path, 0, &w->st, err, errlen) == -1)
		goto fail;
	sqlite3_busy_timeout(w->st->db, STORE_UPLOAD_WAIT_MS);
	/*
	 * Messages land all over the trajecten key: a cache that holds the
	 * working set saves a read per row, and checkpoints of 40 MB rather
	 * than 4 MB are copied back far less often.
	 */
	if (store_exec(w->st, "PRAGMA cache_size = -" MSGW_CACHE_KIB ";"
	    "PRAGMA wal_autocheckpoint = 10000", err, errlen) == -1)
		goto fail;
	for (i = 0; i < MW__COUNT; i++) {
		if (sqlite3_prepare_v3(w->st->db, mw_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->stmt[i], NULL) !=
		    SQLITE_OK) {
			util_fmt(err, errlen, "database: %s",
			    sqlite3_errmsg(w->st->db));
			goto fail;
		}
	}
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		util_fmt(err, errlen, "cannot start the message writer");
		goto fail;
	}
	w->started = 1;
	*out = w;
	return 0;
fail:
	store_msgw_stop(w);
	return -1;
}

void
store_msgw_stop(struct store_msgw *w)
{
	int	i;

	if (w == NULL)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->quit = 1;
		pthread_cond_broadcast(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	for (i = 0; i < MW__COUNT; i++)
		sqlite3_finalize(w->stmt[i]);
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	free(w);
}

void
store_msgw_submit(struct store_msgw *w, struct msg_job *j)
{
	sem_init(&j->done, 0, 0);
	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

void
store_msgw_wait(struct store_msgw *w, struct msg_job *j)
{
	(void)w;
	while (sem_wait(&j->done) == -1)
		;	/* EINTR */
	sem_destroy(&j->done);
}

/*
 * Uploads: one transaction per upload on a connection of its own, the
 * receipts, and the scores rows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

/* Page cache of an upload connection: big enough for the key index. */
#define UPLOAD_CACHE_KIB	(48 * 1024)

enum up_stmt {
	UP_LAST_ID,
	UP_MARK,
	UP_RECEIPT_NEW,
	UP_SCORE,
	UP_RESPONSE,
	UP_RECEIPT_DONE,
	UP_RECEIPT_FIND,
	UP_AUDIT,
	UP__COUNT
};

static const char *const up_sql[UP__COUNT] = {
	/* The id is the last ever given + 1 (store_impl.h), as for messages. */
	[UP_LAST_ID] = STORE_RECEIPT_LAST_SQL,
	[UP_MARK] = STORE_RECEIPT_MARK_SQL,
	[UP_RECEIPT_NEW] =
	    "INSERT INTO uploads (id, party_id, kind, body_mac, rows,"
	    " key_version, created_at) VALUES (?1, ?2, ?3, ?4, 0, 0, ?5)",
	/*
	 * A row of an earlier upload with the same key is a correction and
	 * is replaced; a row of this upload (same upload_id), or a 64-bit
	 * collision of another trajectory (traj_chk differs), changes
	 * nothing, which the caller sees as changes() == 0.
	 */
	[UP_SCORE] =
	    "INSERT INTO scores (traj, agb, meetdatum, meetmoment, traj_chk,"
	    " client, key_version, gemeente, gas_t, doelen, doelen_behaald,"
	    " probleemafname, zonder_hulp, productcategorie, leeftijd,"
	    " geslacht, upload_id, opt_out, gebied) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	    " ?19)"
	    " ON CONFLICT (traj, agb, meetdatum, meetmoment) DO UPDATE SET"
	    " client = excluded.client, key_version = excluded.key_version,"
	    " gemeente = excluded.gemeente, gas_t = excluded.gas_t,"
	    " doelen = excluded.doelen,"
	    " doelen_behaald = excluded.doelen_behaald,"
	    " probleemafname = excluded.probleemafname,"
	    " zonder_hulp = excluded.zonder_hulp,"
	    " productcategorie = excluded.productcategorie,"
	    " leeftijd = excluded.leeftijd, geslacht = excluded.geslacht,"
	    " upload_id = excluded.upload_id, opt_out = excluded.opt_out,"
	    " gebied = excluded.gebied"
	    " WHERE scores.upload_id <> excluded.upload_id"
	    " AND scores.traj_chk = excluded.traj_chk",
	/* A resent response (same bron, same party) changes nothing. */
	[UP_RESPONSE] =
	    "INSERT INTO antwoorden (bron, bron_chk, client, agb, gemeente,"
	    " toewijzing, vragenlijst, respondent, ingevuld_op, leeftijd,"
	    " geslacht, waarden, key_version, upload_id, gebied) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
	    " ON CONFLICT (bron) DO NOTHING",
	[UP_RECEIPT_DONE] =
	    "UPDATE uploads SET body_mac = ?2, rows = ?3, key_version = ?4"
	    " WHERE id = ?1",
	[UP_RECEIPT_FIND] =
	    "SELECT " RECEIPT_COLS " FROM uploads"
	    " WHERE party_id = ?1 AND kind = ?2 AND body_mac = ?3",
	[UP_AUDIT] =
	    "INSERT INTO audit (at, party_id, action, detail)"
	    " VALUES (?1, ?2, ?3, ?4)",
};

struct store_upload {
	struct store	*st;		/* this upload's own connection */
	sqlite3_stmt	*stmt[UP__COUNT];
	int64_t		 party_id;
	char		 kind[16];
	int64_t		 id;		/* uploads.id once begun */
	char		 public_id[STORE_PUBLIC_ID_LEN + 1];
	unsigned	 key_version;
	int		 in_tx;
	int		 committed;
};

int
store_upload_new(struct store *st, int64_t party_id, const char *kind,
    struct store_upload **out, char *err, size_t errlen)
{
	struct store_upload	*up;
	char			 sql[128];
	int			 i;

	if ((up = calloc(1, sizeof(*up))) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	up->party_id = party_id;
	if (util_fmt(up->kind, sizeof(up->kind), "%s", kind) == -1 ||
	    store_open(st->path, 0, &up->st, err, errlen) == -1)
		goto fail;
	sqlite3_busy_timeout(up->st->db, STORE_UPLOAD_WAIT_MS);
	/*
	 * No checkpoint inside the commit: store_upload_free checkpoints
	 * once the answer has been sent, so the client does not wait for it.
	 */
	if (util_fmt(sql, sizeof(sql), "PRAGMA cache_size = -%d;"
	    "PRAGMA wal_autocheckpoint = 0", UPLOAD_CACHE_KIB) == -1 ||
	    store_exec(up->st, sql, err, errlen) == -1)
		goto fail;
	for (i = 0; i < UP__COUNT; i++) {
		if (sqlite3_prepare_v3(up->st->db, up_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &up->stmt[i], NULL) !=
		    SQLITE_OK) {
			util_fmt(err, errlen, "database: %s",
			    sqlite3_errmsg(up->st->db));
			goto fail;
		}
	}
	*out = up;
	return 0;
fail:
	store_upload_free(up);
	return -1;
}

/*
 * The receipt's id: the last ever given + 1, and the mark moved on to it
 * in the same transaction (a rollback takes both back). When the ids have
 * run out the upload is refused rather than given a random or reused id.
 */
static int
upload_id(struct store_upload *up)
{
	sqlite3_stmt	*s = up->stmt[UP_LAST_ID];
	int64_t		 last = -1;

	sqlite3_reset(s);
	if (sqlite3_step(s) == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (last < 0) {
		log_error("database: receipt id: %s",
		    sqlite3_errmsg(up->st->db));
		return -1;
	}
	if (last == INT64_MAX) {
		log_error("database: the receipt ids have run out; uploads "
		    "are refused until the database is looked after");
		return -1;
	}
	up->id = last + 1;
	s = up->stmt[UP_MARK];
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, up->id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_error("database: receipt id: %s",
		    sqlite3_errmsg(up->st->db));
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

/*
 * Starts the transaction and writes the receipt row, with a random
 * placeholder MAC that commit replaces. Called at the first row, so a
 * file that fails early never takes the write lock.
 */
static int
upload_begin(struct store_upload *up)
{
	sqlite3_stmt	*s = up->stmt[UP_RECEIPT_NEW];
	unsigned char	 placeholder[STORE_BODY_MAC_LEN];
	char		 now[21];

	if (store_exec(up->st, "BEGIN IMMEDIATE", NULL, 0) == -1) {
		log_error("database: cannot start an upload: %s",
		    sqlite3_errmsg(up->st->db));
		store_note_write(0);
		return -1;
	}
	up->in_tx = 1;
	if (upload_id(up) == -1 ||
	    RAND_bytes(placeholder, sizeof(placeholder)) != 1)
		return -1;
	util_utc_iso8601(now);
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, up->id);
	sqlite3_bind_int64(s, 2, up->party_id);
	sqlite3_bind_text(s, 3, up->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, placeholder, sizeof(placeholder),
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_error("database: receipt: %s", sqlite3_errmsg(up->st->db));
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return store_public_id(up->st, up->id, up->public_id);
}

#define PUBLIC_ID_ROUNDS	4	/* Luby-Rackoff: 4 rounds make a PRP */

/* Two lower-case hex digits. */
static int
hex_byte(const char *s, long long *v)
{
	int	i, d;

	*v = 0;
	for (i = 0; i < 2; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

int
store_public_id_init(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt	*s = NULL;
	unsigned char	 key[16];
	const char	*hex;
	size_t		 i;
	long long	 v;
	int		 ret = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key ="
	    " 'receipt_id_key'", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW ||
	    (hex = (const char *)sqlite3_column_text(s, 0)) == NULL ||
	    strlen(hex) != 2 * sizeof(key)) {
		util_fmt(err, errlen, "database: no receipt id key");
		goto out;
	}
	for (i = 0; i < sizeof(key); i++) {
		if (hex_byte(hex + 2 * i, &v) == -1) {
			util_fmt(err, errlen, "database: bad receipt id key");
			goto out;
		}
		key[i] = (unsigned char)v;
	}
	if ((st->idcipher = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(st->idcipher, EVP_aes_128_ecb(), NULL, key,
	    NULL) != 1 || EVP_CIPHER_CTX_set_padding(st->idcipher, 0) != 1) {
		util_fmt(err, errlen, "receipt id cipher unavailable");
		goto out;
	}
	ret = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	sqlite3_finalize(s);
	return ret;
}

/* The round function: 32 bits of AES(round || half). */
static int
id_round(struct store *st, int round, uint32_t half, uint32_t *out)
{
	unsigned char	in[16] = { 0 }, enc[16];
	int		n = 0;

	in[0] = (unsigned char)round;
	in[1] = (unsigned char)(half >> 24);
	in[2] = (unsigned char)(half >> 16);
	in[3] = (unsigned char)(half >> 8);
	in[4] = (unsigned char)half;
	if (st->idcipher == NULL || EVP_EncryptUpdate(st->idcipher, enc, &n,
	    in, sizeof(in)) != 1 || n != sizeof(enc))
		return -1;
	*out = (uint32_t)enc[0] << 24 | (uint32_t)enc[1] << 16 |
	    (uint32_t)enc[2] << 8 | enc[3];
	return 0;
}

int
store_public_id(struct store *st, int64_t id,
    char out[STORE_PUBLIC_ID_LEN + 1])
{
	unsigned char	b[8];
	uint64_t	v = (uint64_t)id;
	uint32_t	l = (uint32_t)(v >> 32), r = (uint32_t)v, f, t;
	int		i;

	for (i = 0; i < PUBLIC_ID_ROUNDS; i++) {
		if (id_round(st, i, r, &f) == -1)
			return -1;
		t = r;
		r = l ^ f;
		l = t;
	}
	v = (uint64_t)l << 32 | r;
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	memcpy(out, "u_", 2);
	util_hex(b, sizeof(b), out + 2);
	return 0;
}

int
store_public_id_parse(struct store *st, const char *pub, int64_t *id)
{
	long long	 byte;
	uint64_t	 v = 0;
	uint32_t	 l, r, f, t;
	int		 i;

	if (strlen(pub) != STORE_PUBLIC_ID_LEN || memcmp(pub, "u_", 2) != 0)
		return -1;
	for (i = 0; i < 8; i++) {
		if (hex_byte(pub + 2 + 2 * i, &byte) == -1)
			return -1;
		v = v << 8 | (uint64_t)byte;
	}
	l = (uint32_t)(v >> 32);
	r = (uint32_t)v;
	for (i = PUBLIC_ID_ROUNDS - 1; i >= 0; i--) {
		if (id_round(st, i, l, &f) == -1)
			return -1;
		t = l;
		l = r ^ f;
		r = t;
	}
	v = (uint64_t)l << 32 | r;
	if (v == 0 || v > INT64_MAX)
		return -1;
	*id = (int64_t)v;
	return 0;
}

int64_t
store_ps64(const unsigned char *ps, int i)
{
	uint64_t	v = 0;
	int		k;

	for (k = 0; k < 8; k++)
		v = v << 8 | ps[8 * i + k];
	return (int64_t)v;
}

static void
bind_opt(sqlite3_stmt *s, int i, int v, int absent)
{
	if (v == absent)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int(s, i, v);
}

int
store_upload_score(struct store_upload *up, const struct score_rec *r)
{
	sqlite3_stmt	*s = up->stmt[UP_SCORE];
	int		 rc;

	if (!up->in_tx && upload_begin(up) == -1)
		return -1;
	up->key_version = r->key_version;
	sqlite3_bind_int64(s, 1, r->traj);
	sqlite3_bind_int(s, 2, r->agb);
	sqlite3_bind_int(s, 3, r->meetdatum);
	sqlite3_bind_int(s, 4, r->meetmoment);
	sqlite3_bind_int64(s, 5, r->traj_chk);
	sqlite3_bind_int64(s, 6, r->client);
	sqlite3_bind_int(s, 7, (int)r->key_version);
	sqlite3_bind_int(s, 8, r->gemeente);
	if (r->has_gas)
		sqlite3_bind_double(s, 9, r->gas_t);
	else
		sqlite3_bind_null(s, 9);
	sqlite3_bind_int(s, 10, r->doelen);
	sqlite3_bind_int(s, 11, r->doelen_behaald);
	bind_opt(s, 12, r->probleemafname, 0);
	bind_opt(s, 13, r->zonder_hulp, -1);
	bind_opt(s, 14, r->productcategorie, 0);
	bind_opt(s, 15, r->leeftijd, -1);
	bind_opt(s, 16, r->geslacht, -1);
	sqlite3_bind_int64(s, 17, up->id);
	bind_opt(s, 18, r->opt_out, -1);
	bind_opt(s, 19, r->gebied, -1);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_error("database: scores row: %s",
		    sqlite3_errmsg(up->st->db));
		return -1;
	}
	return sqlite3_changes(up->st->db) == 0 ? 1 : 0;
}

int
store_upload_response(struct store_upload *up, const struct response_rec *r)
{
	sqlite3_stmt	*s = up->stmt[UP_RESPONSE];
	int		 rc;

	if (!up->in_tx && upload_begin(up) == -1)
		return -1;
	up->key_version = r->key_version;
	sqlite3_bind_int64(s, 1, r->bron);
	sqlite3_bind_int64(s, 2, r->bron_chk);
	sqlite3_bind_int64(s, 3, r->client);
	sqlite3_bind_int(s, 4, r->agb);
	sqlite3_bind_int(s, 5, r->gemeente);
	if (r->has_toewijzing)
		sqlite3_bind_int64(s, 6, r->toewijzing);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_text(s, 7, r->vragenlijst, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, r->respondent);
	sqlite3_bind_int(s, 9, r->ingevuld_op);
	bind_opt(s, 10, r->leeftijd, -1);
	bind_opt(s, 11, r->geslacht, -1);
	sqlite3_bind_blob(s, 12, r->waarden, (int)r->nwaarden, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, (int)r->key_version);
	sqlite3_bind_int64(s, 14, up->id);
	bind_opt(s, 15, r->gebied, -1);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_error("database: response: %s",
		    sqlite3_errmsg(up->st->db));
		return -1;
	}
	return sqlite3_changes(up->st->db) == 0 ? 1 : 0;
}

int
store_receipt_row(struct store *st, sqlite3_stmt *s,
    struct store_receipt *out)
{
	const char	*pub, *kind, *created;

	pub = (const char *)sqlite3_column_text(s, 1);
	kind = (const char *)sqlite3_column_text(s, 2);
	created = (const char *)sqlite3_column_text(s, 4);
	memset(out, 0, sizeof(*out));
	if (kind == NULL || created == NULL ||
	    util_fmt(out->kind, sizeof(out->kind), "%s", kind) ||
	    util_fmt(out->created, sizeof(out->created), "%s", created))
		return -1;
	if (pub != NULL ? util_fmt(out->upload_id, sizeof(out->upload_id),
	    "%s", pub) : store_public_id(st, sqlite3_column_int64(s, 0),
	    out->upload_id))
		return -1;
	out->rows = sqlite3_column_int64(s, 3);
	return 0;
}

/* The receipt of an earlier upload of the same body, on this connection. */
static enum store_result
find_duplicate(struct store_upload *up, const unsigned char *mac,
    struct store_receipt *out)
{
	sqlite3_stmt		*s = up->stmt[UP_RECEIPT_FIND];
	enum store_result	 ret = STORE_ERROR;
	int			 rc;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, up->party_id);
	sqlite3_bind_text(s, 2, up->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, mac, STORE_BODY_MAC_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		ret = STORE_NOT_FOUND;
	else if (rc == SQLITE_ROW && store_receipt_row(up->st, s, out) == 0)
		ret = STORE_EXISTS;
	sqlite3_reset(s);
	return ret;
}

static int
audit_upload(struct store_upload *up, int64_t rows)
{
	sqlite3_stmt	*s = up->stmt[UP_AUDIT];
	char		 now[21], action[32], detail[96];
	int		 rc;

	util_utc_iso8601(now);
	util_fmt(action, sizeof(action), "upload_%s", up->kind);
	util_fmt(detail, sizeof(detail), "{\"upload_id\":\"%s\",\"rows\":%lld}",
	    up->public_id, (long long)rows);
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, up->party_id);
	sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

enum store_result
store_upload_commit(struct store_upload *up,
    const unsigned char body_mac[STORE_BODY_MAC_LEN], int64_t rows,
    struct store_receipt *out)
{
	sqlite3_stmt		*s = up->stmt[UP_RECEIPT_DONE];
	struct store_links_batch lb;
	enum store_result	 dup;
	int			 rc;

	if (!up->in_tx && upload_begin(up) == -1)
		return STORE_ERROR;
	/* Inside the transaction, so two equal uploads cannot both land. */
	dup = find_duplicate(up, body_mac, out);
	if (dup != STORE_NOT_FOUND) {
		store_exec(up->st, "ROLLBACK", NULL, 0);
		up->in_tx = 0;
		return dup;
	}
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, up->id);
	sqlite3_bind_blob(s, 2, body_mac, STORE_BODY_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, rows);
	sqlite3_bind_int(s, 4, (int)up->key_version);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	memset(&lb, 0, sizeof(lb));
	if (rc != SQLITE_DONE || audit_upload(up, rows) == -1 ||
	    store_links_write(up->st, &lb) == -1 ||
	    store_exec(up->st, "COMMIT", NULL, 0) == -1) {
		log_error("database: cannot commit an upload: %s",
		    sqlite3_errmsg(up->st->db));
		store_links_settle(&lb, 0);
		store_note_write(0);
		return STORE_ERROR;
	}
	store_links_settle(&lb, 1);
	store_note_write(1);
	up->in_tx = 0;
	up->committed = 1;
	memset(out, 0, sizeof(*out));
	memcpy(out->upload_id, up->public_id, sizeof(out->upload_id));
	util_fmt(out->kind, sizeof(out->kind), "%s", up->kind);
	out->rows = rows;
	util_utc_iso8601(out->created);
	return STORE_OK;
}

void
store_upload_free(struct store_upload *up)
{
	int	i;

	if (up == NULL)
		return;
	if (up->in_tx)
		store_exec(up->st, "ROLLBACK", NULL, 0);
	else if (up->committed &&
	    store_exec(up->st, "PRAGMA wal_checkpoint(PASSIVE)", NULL, 0) == -1)
		log_warn("database: checkpoint after upload failed");
	for (i = 0; i < UP__COUNT; i++)
		sqlite3_finalize(up->stmt[i]);
	store_close(up->st);
	free(up);
}

int
store_receipts(struct store *st, int64_t party_id,
    int (*fn)(const struct store_receipt *, void *), void *arg)
{
	struct store_receipt	 r;
	sqlite3_stmt		*s;
	int			 rc, ret = -1;

	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, "SELECT " RECEIPT_COLS
	    " FROM uploads WHERE party_id = ?1"
	    " ORDER BY id DESC", -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, party_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (store_receipt_row(st, s, &r) == -1 || fn(&r, arg) == -1)
			break;
	if (rc == SQLITE_DONE)
		ret = 0;
	sqlite3_finalize(s);
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* One receipt by a query on (?1, party ?2); 1 found, 0 not, -1 error. */
static int
receipt_query(struct store *st, const char *sql, int64_t rowid,
    const char *pub, int64_t party_id, struct store_receipt *out)
{
	sqlite3_stmt	*s;
	int		 rc, ret = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (pub != NULL)
		sqlite3_bind_text(s, 1, pub, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, rowid);
	sqlite3_bind_int64(s, 2, party_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		ret = 0;
	else if (rc == SQLITE_ROW && store_receipt_row(st, s, out) == 0)
		ret = 1;
	sqlite3_finalize(s);
	return ret;
}

enum store_result
store_receipt_get(struct store *st, int64_t party_id, const char *upload_id,
    struct store_receipt *out)
{
	int64_t		rowid;
	int		rc = 0;

	pthread_mutex_lock(&st->lock);
	/*
	 * The party is part of the key: another party's id is not found. A
	 * derived id names its row by rowid (a row without a random id of
	 * its own); an id from before schema 5 is looked up as it is.
	 */
	if (store_public_id_parse(st, upload_id, &rowid) == 0)
		rc = receipt_query(st, "SELECT " RECEIPT_COLS " FROM uploads"
		    " WHERE id = ?1 AND party_id = ?2 AND public_id IS NULL",
		    rowid, NULL, party_id, out);
	if (rc == 0)
		rc = receipt_query(st, "SELECT " RECEIPT_COLS " FROM uploads"
		    " WHERE public_id = ?1 AND party_id = ?2", 0, upload_id,
		    party_id, out);
	pthread_mutex_unlock(&st->lock);
	return rc == 1 ? STORE_OK : rc == 0 ? STORE_NOT_FOUND : STORE_ERROR;
}

int64_t
store_upload_count(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	pthread_mutex_lock(&st->lock);
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM uploads", -1, &s,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	pthread_mutex_unlock(&st->lock);
	return n;
}

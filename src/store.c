/*
 * SQLite store: connection settings, schema migrations, parties, audit.
 *
 * Every statement is prepared once per connection and kept; the lock in
 * struct store serialises their use, because a prepared statement is
 * connection state that two threads must not step at once.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

/*
 * Migrations: entry i brings the schema from version i to i + 1. Never edit
 * an entry once released; append a new one.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1: parties, receipts, audit trail. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE parties ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('aanbieder', 'bergop',"
	"    'berichtenverkeer', 'analist', 'monitor')),"
	"  agb TEXT CHECK (agb IS NULL OR (length(agb) = 8 AND"
	"    agb NOT GLOB '*[^0-9]*')),"
	"  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
	"  cert_sha256 BLOB CHECK (cert_sha256 IS NULL OR"
	"    length(cert_sha256) = 32),"
	"  created_at TEXT NOT NULL,"
	"  revoked_at TEXT"
	");"
	"CREATE TABLE party_scopes ("
	"  party_id INTEGER NOT NULL REFERENCES parties(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('cluster', 'gemeente')),"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (party_id, kind, value)"
	") WITHOUT ROWID;"
	/*
	 * Receipts. The body is identified by a keyed digest (body_mac), not
	 * its plain SHA-256: a plain hash of a small file is a guessable
	 * function of the identifiers in it.
	 */
	"CREATE TABLE uploads ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  party_id INTEGER NOT NULL REFERENCES parties(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('scores', 'questionnaires',"
	"    'messages')),"
	"  body_mac BLOB NOT NULL CHECK (length(body_mac) = 32),"
	"  rows INTEGER NOT NULL CHECK (rows >= 0),"
	"  key_version INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (party_id, kind, body_mac)"
	");"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  party_id INTEGER REFERENCES parties(id),"
	"  action TEXT NOT NULL,"
	"  detail TEXT"
	");"
	"CREATE INDEX audit_action ON audit(action);",

	/*
	 * 1 -> 2: scores (GAS, probleemafname). One row per trajectory
	 * measurement; a trajectory is a toewijzing at one aanbieder. The
	 * table is its own unique key (WITHOUT ROWID: one B-tree, not a
	 * table and an index). traj holds the first 8 bytes of the
	 * toewijzing pseudonym and traj_chk the next 8, so a collision in
	 * traj is detected, never merged; client holds 8 bytes of the BSN
	 * pseudonym, enough to count distinct clients. Only derived values
	 * are kept: the T-score and goal counts, not the goals; an age
	 * band, not the birth date. upload_id is uploads.id, written only by
	 * the transaction that wrote that receipt.
	 */
	"CREATE TABLE scores ("
	"  traj INTEGER NOT NULL,"
	"  agb INTEGER NOT NULL,"
	"  meetdatum INTEGER NOT NULL,"
	"  meetmoment INTEGER NOT NULL CHECK (meetmoment BETWEEN 1 AND 3),"
	"  traj_chk INTEGER NOT NULL,"
	"  client INTEGER NOT NULL,"
	"  key_version INTEGER NOT NULL,"
	"  gemeente INTEGER NOT NULL,"
	"  gas_t REAL,"
	"  doelen INTEGER NOT NULL,"
	"  doelen_behaald INTEGER NOT NULL,"
	"  probleemafname INTEGER CHECK (probleemafname BETWEEN 1 AND 3),"
	"  zonder_hulp INTEGER CHECK (zonder_hulp IN (0, 1)),"
	"  productcategorie INTEGER,"
	"  leeftijd INTEGER CHECK (leeftijd BETWEEN 0 AND 3),"
	"  geslacht INTEGER CHECK (geslacht BETWEEN 0 AND 2),"
	"  upload_id INTEGER NOT NULL,"
	"  PRIMARY KEY (traj, agb, meetdatum, meetmoment)"
	") WITHOUT ROWID;",

	/*
	 * 2 -> 3: berichtenverkeer. trajecten has one row per client,
	 * product (toewijzing, or product for taakgericht care) and
	 * begindatum, built from JW305 starts and JW307 stops in any order:
	 * gestart says a start is present; einddatum/reden hold the
	 * definitive stop, tijdelijk_einddatum a temporary one (reden 20,
	 * not an end). toewijzingen holds JW301 assignments. client and
	 * prod_key are 8 bytes of pseudonyms, prod_chk 8 more to catch a
	 * collision. message_keys makes a resent message (same Afzender,
	 * Identificatie and Dagtekening, as a keyed MAC) a duplicate.
	 */
	"CREATE TABLE trajecten ("
	"  client INTEGER NOT NULL,"
	"  prod_key INTEGER NOT NULL,"
	"  begindatum INTEGER NOT NULL,"
	"  prod_chk INTEGER NOT NULL,"
	"  agb INTEGER,"
	"  gemeente INTEGER,"
	"  categorie INTEGER,"
	"  code TEXT,"
	"  leeftijd INTEGER CHECK (leeftijd BETWEEN 0 AND 3),"
	"  geslacht INTEGER CHECK (geslacht BETWEEN 0 AND 2),"
	"  gestart INTEGER NOT NULL CHECK (gestart IN (0, 1)),"
	"  einddatum INTEGER,"
	"  reden INTEGER,"
	"  tijdelijk_einddatum INTEGER,"
	"  key_version INTEGER NOT NULL,"
	"  upload_id INTEGER NOT NULL,"
	"  PRIMARY KEY (client, prod_key, begindatum)"
	") WITHOUT ROWID;"
	"CREATE INDEX trajecten_einde ON trajecten(einddatum)"
	"  WHERE einddatum IS NOT NULL;"
	"CREATE TABLE toewijzingen ("
	"  prod_key INTEGER PRIMARY KEY,"
	"  prod_chk INTEGER NOT NULL,"
	"  client INTEGER NOT NULL,"
	"  agb INTEGER NOT NULL,"
	"  gemeente INTEGER NOT NULL,"
	"  categorie INTEGER,"
	"  code TEXT,"
	"  ingangsdatum INTEGER NOT NULL,"
	"  einddatum INTEGER,"
	"  key_version INTEGER NOT NULL,"
	"  upload_id INTEGER NOT NULL"
	");"
	"CREATE TABLE message_keys ("
	"  msg_key BLOB PRIMARY KEY,"
	"  upload_id INTEGER NOT NULL"
	") WITHOUT ROWID;",

	/*
	 * 3 -> 4: questionnaire responses. bron is 8 bytes of the source's
	 * own response id, pseudonymised and scoped to the sending party
	 * (bron_chk 8 more), so a resent response is recognised and left
	 * alone. waarden holds one signed byte per item of the definition's
	 * variant: -1 not answered; for open items only 1 (answered).
	 */
	"CREATE TABLE antwoorden ("
	"  bron INTEGER PRIMARY KEY,"
	"  bron_chk INTEGER NOT NULL,"
	"  client INTEGER NOT NULL,"
	"  agb INTEGER NOT NULL,"
	"  gemeente INTEGER NOT NULL,"
	"  toewijzing INTEGER,"
	"  vragenlijst TEXT NOT NULL,"
	"  respondent INTEGER NOT NULL CHECK (respondent IN (0, 1)),"
	"  ingevuld_op INTEGER NOT NULL,"
	"  leeftijd INTEGER CHECK (leeftijd BETWEEN 0 AND 3),"
	"  geslacht INTEGER CHECK (geslacht BETWEEN 0 AND 2),"
	"  waarden BLOB NOT NULL,"
	"  key_version INTEGER NOT NULL,"
	"  upload_id INTEGER NOT NULL"
	");",

	/*
	 * 4 -> 5: message keys per sending party, and fewer index pages per
	 * message. A resent message is a duplicate only for the party that
	 * sent it first; another party's resend is its own message with its
	 * own receipt. Messages are deduplicated on message_keys alone, so
	 * their receipts carry no body_mac and stay out of the body index
	 * (now partial). Public ids of new receipts are derived from the
	 * rowid with a keyed permutation (receipt_id_key), so they need no
	 * index of their own; the random ids of earlier receipts keep theirs.
	 * uploads is rebuilt, as SQLite cannot drop a table constraint.
	 */
	"CREATE TABLE uploads_v5 ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT,"
	"  party_id INTEGER NOT NULL REFERENCES parties(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('scores', 'questionnaires',"
	"    'messages')),"
	"  body_mac BLOB CHECK (body_mac IS NULL OR length(body_mac) = 32),"
	"  rows INTEGER NOT NULL CHECK (rows >= 0),"
	"  key_version INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL"
	");"
	"INSERT INTO uploads_v5 (id, public_id, party_id, kind, body_mac, rows,"
	"  key_version, created_at) SELECT id, public_id, party_id, kind,"
	"  CASE kind WHEN 'messages' THEN NULL ELSE body_mac END, rows,"
	"  key_version, created_at FROM uploads;"
	"DROP TABLE uploads;"
	"ALTER TABLE uploads_v5 RENAME TO uploads;"
	"CREATE UNIQUE INDEX uploads_public_id ON uploads(public_id)"
	"  WHERE public_id IS NOT NULL;"
	"CREATE UNIQUE INDEX uploads_body ON uploads(party_id, kind, body_mac)"
	"  WHERE body_mac IS NOT NULL;"
	"CREATE INDEX uploads_party ON uploads(party_id);"
	"CREATE TABLE message_keys_v5 ("
	"  party_id INTEGER NOT NULL,"
	"  msg_key BLOB NOT NULL,"
	"  upload_id INTEGER NOT NULL,"
	"  PRIMARY KEY (party_id, msg_key)"
	") WITHOUT ROWID;"
	"INSERT INTO message_keys_v5 (party_id, msg_key, upload_id)"
	"  SELECT u.party_id, k.msg_key, k.upload_id FROM message_keys k"
	"  JOIN uploads u ON u.id = k.upload_id;"
	"DROP TABLE message_keys;"
	"ALTER TABLE message_keys_v5 RENAME TO message_keys;"
	"INSERT INTO meta (key, value) VALUES ('receipt_id_key',"
	"  lower(hex(randomblob(16))));"
	/*
	 * parties_generation counts changes to parties and their scopes,
	 * whichever process makes them: the daemon's token cache reads it
	 * whenever SQLite's data_version says another connection committed,
	 * so a revocation by `sorttp party revoke` is seen at once.
	 */
	"INSERT INTO meta (key, value) VALUES ('parties_generation', '0');"
	"CREATE TRIGGER parties_gen_insert AFTER INSERT ON parties BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1"
	"  WHERE key = 'parties_generation'; END;"
	"CREATE TRIGGER parties_gen_update AFTER UPDATE ON parties BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1"
	"  WHERE key = 'parties_generation'; END;"
	"CREATE TRIGGER parties_gen_delete AFTER DELETE ON parties BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1"
	"  WHERE key = 'parties_generation'; END;"
	"CREATE TRIGGER scopes_gen_insert AFTER INSERT ON party_scopes BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1"
	"  WHERE key = 'parties_generation'; END;"
	"CREATE TRIGGER scopes_gen_update AFTER UPDATE ON party_scopes BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1"
	"  WHERE key = 'parties_generation'; END;"
	"CREATE TRIGGER scopes_gen_delete AFTER DELETE ON party_scopes BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1"
	"  WHERE key = 'parties_generation'; END;",

	/*
	 * 5 -> 6: token lifecycle. expires_at (ISO 8601 UTC, NULL: never)
	 * ends a token; last_used_at is the time of the last accepted
	 * request, at minute granularity, and nothing else about it.
	 */
	("ALTER TABLE parties ADD COLUMN expires_at TEXT;"
	"ALTER TABLE parties ADD COLUMN last_used_at TEXT;"),

	/*
	 * 6 -> 7: key rotation (store_keys.c). One row per pseudonym seen
	 * during an overlap window: 8 bytes of it under the old key and 8
	 * under the new key (version), per kind (0 BSN, 1 toewijzing).
	 * Pairs of pseudonyms only, never an identifier.
	 */
	("CREATE TABLE key_links ("
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
	"  old INTEGER NOT NULL,"
	"  new INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, old)"
	") WITHOUT ROWID;"),

	/*
	 * 7 -> 8: opt-out per trajectory (issue #15), as the scores row
	 * that states it said it: 1 ja, 0 nee, NULL not stated. The latest
	 * row of a trajectory that states it decides (docs/indicators.md).
	 */
	"ALTER TABLE scores ADD COLUMN opt_out INTEGER"
	"  CHECK (opt_out IN (0, 1));",

	/*
	 * 8 -> 9: the disclosure history (store_dchistory.c, issue #11
	 * item 3). Per cell ever published, which of its figures were ever
	 * published and which ever withheld, as bit masks: no counts. IF
	 * NOT EXISTS: a restore of an older backup may have made it already,
	 * to keep the replaced database's history (store_dch_merge).
	 */
	STORE_DCH_TABLE,

	/*
	 * 9 -> 10: uploads rebuilt with its kind CHECK in OR form, which
	 * means the same. SQLite evaluates an IN over more than two constants with
	 * a temporary index that it builds on every execution of the
	 * statement, so every message receipt paid for one (1.6 us of the
	 * message writer's 10). Columns, rows and indexes stay as they are.
	 */
	("CREATE TABLE uploads_v10 ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT,"
	"  party_id INTEGER NOT NULL REFERENCES parties(id),"
	"  kind TEXT NOT NULL CHECK (kind = 'scores' OR"
	"    kind = 'questionnaires' OR kind = 'messages'),"
	"  body_mac BLOB CHECK (body_mac IS NULL OR length(body_mac) = 32),"
	"  rows INTEGER NOT NULL CHECK (rows >= 0),"
	"  key_version INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL"
	");"
	"INSERT INTO uploads_v10 (id, public_id, party_id, kind, body_mac,"
	"  rows, key_version, created_at) SELECT id, public_id, party_id, kind,"
	"  body_mac, rows, key_version, created_at FROM uploads;"
	"DROP TABLE uploads;"
	"ALTER TABLE uploads_v10 RENAME TO uploads;"
	"CREATE UNIQUE INDEX uploads_public_id ON uploads(public_id)"
	"  WHERE public_id IS NOT NULL;"
	"CREATE UNIQUE INDEX uploads_body ON uploads(party_id, kind, body_mac)"
	"  WHERE body_mac IS NOT NULL;"
	"CREATE INDEX uploads_party ON uploads(party_id);"),

	/*
	 * 10 -> 11: gebied (issue #15 breakdowns). The area of the client's
	 * postcode as the TTP derived it in memory (gebied.c): gemeente code
	 * x 100 + area number, 0 the whole gemeente. Never the postcode.
	 */
	("ALTER TABLE scores ADD COLUMN gebied INTEGER"
	"  CHECK (gebied BETWEEN 0 AND 999999);"
	"ALTER TABLE antwoorden ADD COLUMN gebied INTEGER"
	"  CHECK (gebied BETWEEN 0 AND 999999);"
	"ALTER TABLE toewijzingen ADD COLUMN gebied INTEGER"
	"  CHECK (gebied BETWEEN 0 AND 999999);"),

	/*
	 * 11 -> 12: receipt ids are never given twice (store_impl.h,
	 * STORE_RECEIPT_LAST_SQL). The next id was max(id) + 1, so once a
	 * purge had deleted the newest receipts their ids, and the public
	 * ids derived from them, were given again. The mark starts at the
	 * highest id there is; a restore of an older backup may have set it
	 * already (store_restore), so it only moves up.
	 */
	("INSERT INTO meta (key, value) SELECT 'receipt_id_last',"
	"  CAST(coalesce(max(id), 0) AS TEXT) FROM uploads WHERE 1"
	"  ON CONFLICT (key) DO UPDATE SET value = excluded.value"
	"  WHERE CAST(meta.value AS INTEGER) <"
	"  CAST(excluded.value AS INTEGER);"),

	/*
	 * 12 -> 13: dc_history rebuilt with its level CHECK as a range
	 * (BETWEEN 0 AND 2), which means the same as the IN list it had.
	 * SQLite built a temporary index for the IN list on every row saved
	 * (as uploads had before 10): 95,000 rows, the first history at a
	 * million trajecten, took 0.81 s instead of 0.44 s.
	 */
	("CREATE TABLE dc_history_v13" STORE_DCH_COLUMNS
	"INSERT INTO dc_history_v13 (indicator, level, period, geo, agb,"
	"  last_day, published, withheld) SELECT indicator, level, period,"
	"  geo, agb, last_day, published, withheld FROM dc_history;"
	"DROP TABLE dc_history;"
	"ALTER TABLE dc_history_v13 RENAME TO dc_history;"),
};

enum stmt_id {
	ST_PARTY_INSERT,
	ST_SCOPE_INSERT,
	ST_PARTY_BY_TOKEN,
	ST_SCOPES_OF,
	ST_PARTY_REVOKE,
	ST_PARTY_LIST,
	ST_AUDIT_INSERT,
	ST_AUDIT_COUNT,
	ST_META_GET,
	ST_META_PUT,
	ST_PING,
	ST_PARTY_BY_NAME,
	ST_DATA_VERSION,
	ST_PARTY_TOUCH,
	ST_PARTY_ROTATE,
	ST__COUNT
};

_Static_assert(ST__COUNT <= sizeof(((struct store *)0)->stmt) /
    sizeof(sqlite3_stmt *), "struct store has too few statement slots");

static const char *const stmt_sql[ST__COUNT] = {
	[ST_PARTY_INSERT] =
	    "INSERT INTO parties (name, role, agb, token_hash, cert_sha256,"
	    " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_SCOPE_INSERT] =
	    "INSERT OR IGNORE INTO party_scopes (party_id, kind, value)"
	    " VALUES (?1, ?2, ?3)",
	[ST_PARTY_BY_TOKEN] =
	    "SELECT id, name, role, agb, cert_sha256, created_at, token_hash,"
	    " coalesce(expires_at, ''), coalesce(last_used_at, '')"
	    " FROM parties WHERE token_hash = ?1 AND revoked_at IS NULL",
	[ST_SCOPES_OF] =
	    "SELECT kind, value FROM party_scopes WHERE party_id = ?1"
	    " ORDER BY kind, value",
	[ST_PARTY_REVOKE] =
	    "UPDATE parties SET revoked_at = ?2"
	    " WHERE name = ?1 AND revoked_at IS NULL",
	[ST_PARTY_LIST] =
	    "SELECT id, name, role, agb, cert_sha256, created_at,"
	    " coalesce(revoked_at, ''), coalesce(expires_at, ''),"
	    " coalesce(last_used_at, '') FROM parties ORDER BY id",
	[ST_AUDIT_INSERT] =
	    "INSERT INTO audit (at, party_id, action, detail)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ST_AUDIT_COUNT] = "SELECT count(*) FROM audit WHERE action = ?1",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_PUT] = "INSERT INTO meta (key, value) VALUES (?1, ?2)",
	[ST_PING] = "SELECT 1",
	[ST_PARTY_BY_NAME] =
	    "SELECT id, name, role, agb, cert_sha256, created_at"
	    " FROM parties WHERE name = ?1 AND revoked_at IS NULL",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_PARTY_TOUCH] =
	    "UPDATE parties SET last_used_at = ?2 WHERE id = ?1 AND"
	    " (last_used_at IS NULL OR last_used_at < ?3)",
	[ST_PARTY_ROTATE] =
	    "UPDATE parties SET token_hash = ?2, expires_at = ?3"
	    " WHERE name = ?1 AND revoked_at IS NULL",
};

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_AANBIEDER] = "aanbieder",
	[ROLE_BERGOP] = "bergop",
	[ROLE_BERICHTENVERKEER] = "berichtenverkeer",
	[ROLE_ANALIST] = "analist",
	[ROLE_MONITOR] = "monitor",
};


const char *
store_role_name(enum role r)
{
	if ((unsigned)r >= ROLE__COUNT)
		return "?";
	return role_names[r];
}

int
store_role_parse(const char *s, enum role *out)
{
	size_t	i;

	for (i = 0; i < ROLE__COUNT; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

int
store_exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		util_fmt(err, errlen, "database: %s",
		    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
store_user_version(struct store *st)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Applies every pending migration, each in its own transaction. */
static int
store_migrate(struct store *st, char *err, size_t errlen)
{
	char	sql[64];
	int	v;

	if ((v = store_user_version(st)) < 0) {
		util_fmt(err, errlen, "database: cannot read schema version");
		return -1;
	}
	if (v > (int)ARRAY_LEN(store_migrations)) {
		util_fmt(err, errlen, "database schema version %d is newer "
		    "than this program supports (%d); upgrade sorttp", v,
		    (int)ARRAY_LEN(store_migrations));
		return -1;
	}
	for (; v < (int)ARRAY_LEN(store_migrations); v++) {
		if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) == -1)
			return -1;
		util_fmt(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (store_exec(st, store_migrations[v], err, errlen) == -1 ||
		    store_exec(st, sql, err, errlen) == -1) {
			store_exec(st, "ROLLBACK", NULL, 0);
			return -1;
		}
		if (store_exec(st, "COMMIT", err, errlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * Connection settings. synchronous=FULL makes a commit durable before the
 * receipt is sent; secure_delete overwrites deleted content; trusted_schema
 * off keeps SQL functions out of views and triggers a file could carry.
 */
static const char store_pragmas[] =
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = FULL;"
	"PRAGMA secure_delete = ON;"
	"PRAGMA temp_store = MEMORY;"
	"PRAGMA foreign_keys = ON;"
	"PRAGMA trusted_schema = OFF;";

/*
 * Process-wide SQLite settings, before the first connection: no memory
 * statistics (they take a global mutex on every allocation).
 */
static pthread_once_t	store_once = PTHREAD_ONCE_INIT;

/*
 * Bulk load (sorttp demo into a fresh folder): connections opened while it
 * is on commit without an fsync; store_bulk_load_end makes it all durable
 * with one checkpoint.
 */
static int		store_nosync;

void
store_bulk_load(void)
{
	store_nosync = 1;
}

int
store_bulk_load_end(struct store *st, char *err, size_t errlen)
{
	store_nosync = 0;
	return store_exec(st, "PRAGMA synchronous = FULL;"
	    "PRAGMA wal_checkpoint(TRUNCATE);", err, errlen);
}

static void
store_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_open(const char *path, int create, struct store **out, char *err,
    size_t errlen)
{
	struct store	*st;
	struct stat	 sb;
	mode_t		 old;
	int		 flags, rc, i, v;

	pthread_once(&store_once, store_global_init);
	if (!(create & STORE_OPEN_CREATE) && stat(path, &sb) == -1) {
		util_fmt(err, errlen, "database %s: %s (run 'sorttp init' "
		    "first)", path, strerror(errno));
		return -1;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&st->lock, NULL);
	if (util_fmt(st->path, sizeof(st->path), "%s", path) == -1) {
		util_fmt(err, errlen, "database path too long");
		goto fail;
	}
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW |
	    ((create & STORE_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	old = umask(077);	/* the database, its WAL and SHM: 0600 */
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		util_fmt(err, errlen, "database %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/*
	 * Only init (a new file), serve at start and `sorttp migrate` may
	 * change the schema, and the latter two back up first. Every other
	 * open of an older schema is refused here, before the connection
	 * settings, so that it changes nothing in the file.
	 */
	if (!(create & (STORE_OPEN_CREATE | STORE_OPEN_MIGRATE)) &&
	    (v = store_user_version(st)) < STORE_SCHEMA_VERSION) {
		if (v < 0)
			util_fmt(err, errlen, "database %s: cannot read the "
			    "schema version: %s", path, sqlite3_errmsg(st->db));
		else
			util_fmt(err, errlen, "database %s has schema version "
			    "%d, older than this program's %d; run 'sorttp "
			    "migrate --data DIR' (it backs up first) or start "
			    "'sorttp serve', which migrates at start after a "
			    "backup. Nothing was changed.", path, v,
			    STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (store_exec(st, store_pragmas, err, errlen) == -1 ||
	    (store_nosync && store_exec(st, "PRAGMA synchronous = OFF;", err,
	    errlen) == -1) ||
	    store_migrate(st, err, errlen) == -1 ||
	    store_public_id_init(st, err, errlen) == -1)
		goto fail;
	for (i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			util_fmt(err, errlen, "database: prepare: %s",
			    sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	EVP_CIPHER_CTX_free(st->idcipher);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_error("database did not close cleanly: %s",
		    sqlite3_errmsg(st->db));
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int
store_schema_version(struct store *st)
{
	int	v;

	pthread_mutex_lock(&st->lock);
	v = store_user_version(st);
	pthread_mutex_unlock(&st->lock);
	return v;
}

/* Resets and clears a statement so the next caller starts clean. */
static sqlite3_stmt *
stmt_get(struct store *st, enum stmt_id id)
{
	sqlite3_stmt	*s = st->stmt[id];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static void
log_db_error(struct store *st, const char *what)
{
	log_error("database: %s: %s", what, sqlite3_errmsg(st->db));
}

static int
meta_get(struct store *st, const char *key, char *buf, size_t len)
{
	sqlite3_stmt	*s = stmt_get(st, ST_META_GET);
	const char	*v;
	int		 rc;

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return -1;
	v = (const char *)sqlite3_column_text(s, 0);
	if (util_fmt(buf, len, "%s", v ? v : "") == -1)
		return -1;
	sqlite3_reset(s);
	return 0;
}

static int
meta_put(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt	*s = stmt_get(st, ST_META_PUT);

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

int
store_bind_key(struct store *st, const unsigned char *key_id,
    size_t key_id_len, unsigned key_version, char *err, size_t errlen)
{
	char	want[2 * 32 + 1], have[2 * 32 + 1], ver[16], havever[16];
	int	rc, ret = -1;

	if (key_id_len > 32) {
		util_fmt(err, errlen, "key id too long");
		return -1;
	}
	util_hex(key_id, key_id_len, want);
	util_fmt(ver, sizeof(ver), "%u", key_version);
	pthread_mutex_lock(&st->lock);
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) == -1)
		goto out;
	rc = meta_get(st, "key_id", have, sizeof(have));
	if (rc == 1) {
		if (meta_put(st, "key_id", want) == -1 ||
		    meta_put(st, "key_version", ver) == -1) {
			util_fmt(err, errlen, "database: %s",
			    sqlite3_errmsg(st->db));
			goto rollback;
		}
	} else if (rc == 0) {
		if (strcmp(have, want) != 0) {
			util_fmt(err, errlen, "the key file does not belong "
			    "to this database (its pseudonyms were made with "
			    "another key); refusing to start");
			goto rollback;
		}
		if (meta_get(st, "key_version", havever,
		    sizeof(havever)) != 0 || strcmp(havever, ver) != 0) {
			util_fmt(err, errlen, "key version mismatch: "
			    "database has %s, key loaded as %s", havever, ver);
			goto rollback;
		}
	} else {
		util_fmt(err, errlen, "database: %s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	if (store_exec(st, "COMMIT", err, errlen) == 0)
		ret = 0;
	goto out;
rollback:
	store_exec(st, "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

enum store_result
store_party_add(struct store *st, const struct party *p,
    const unsigned char token_hash[PARTY_TOKEN_HASH_LEN], int64_t *id)
{
	static const char *const kinds[] = { "cluster", "gemeente" };
	enum store_result	 ret = STORE_ERROR;
	sqlite3_stmt		*s;
	char			 now[21];
	size_t			 i;
	int			 rc;

	util_utc_iso8601(now);
	pthread_mutex_lock(&st->lock);
	if (store_exec(st, "BEGIN IMMEDIATE", NULL, 0) == -1)
		goto out;
	s = stmt_get(st, ST_PARTY_INSERT);
	sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, store_role_name(p->role), -1, SQLITE_STATIC);
	if (p->agb[0] != '\0')
		sqlite3_bind_text(s, 3, p->agb, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, token_hash, PARTY_TOKEN_HASH_LEN,
	    SQLITE_STATIC);
	if (p->has_cert)
		sqlite3_bind_blob(s, 5, p->cert_sha256, PARTY_CERT_HASH_LEN,
		    SQLITE_STATIC);
	sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
	if (p->expires[0] != '\0')
		sqlite3_bind_text(s, 7, p->expires, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		ret = STORE_EXISTS;
		goto rollback;
	}
	if (rc != SQLITE_DONE) {
		log_db_error(st, "add party");
		goto rollback;
	}
	*id = sqlite3_last_insert_rowid(st->db);
	for (i = 0; i < p->nscopes; i++) {
		s = stmt_get(st, ST_SCOPE_INSERT);
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_text(s, 2, kinds[p->scopes[i].kind], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 3, p->scopes[i].value, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			log_db_error(st, "add party scope");
			goto rollback;
		}
	}
	if (store_exec(st, "COMMIT", NULL, 0) == 0)
		ret = STORE_OK;
	goto out;
rollback:
	store_exec(st, "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Fills the scope list of p; the caller holds the lock. */
static int
load_scopes(struct store *st, struct party *p)
{
	sqlite3_stmt	*s = stmt_get(st, ST_SCOPES_OF);
	const char	*kind, *value;
	int		 rc;

	p->nscopes = 0;
	sqlite3_bind_int64(s, 1, p->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (p->nscopes == PARTY_SCOPES_MAX)
			return -1;
		kind = (const char *)sqlite3_column_text(s, 0);
		value = (const char *)sqlite3_column_text(s, 1);
		if (kind == NULL || value == NULL)
			return -1;
		p->scopes[p->nscopes].kind = strcmp(kind, "cluster") == 0 ?
		    SCOPE_CLUSTER : SCOPE_GEMEENTE;
		if (util_fmt(p->scopes[p->nscopes].value,
		    sizeof(p->scopes[0].value), "%s", value) == -1)
			return -1;
		p->nscopes++;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Columns id, name, role, agb, cert_sha256, created_at of s into p. */
static int
party_from_row(sqlite3_stmt *s, struct party *p)
{
	const char	*name, *role, *agb, *created;
	const void	*cert;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, 0);
	name = (const char *)sqlite3_column_text(s, 1);
	role = (const char *)sqlite3_column_text(s, 2);
	agb = (const char *)sqlite3_column_text(s, 3);
	cert = sqlite3_column_blob(s, 4);
	created = (const char *)sqlite3_column_text(s, 5);
	if (name == NULL || role == NULL || created == NULL ||
	    store_role_parse(role, &p->role) == -1 ||
	    util_fmt(p->name, sizeof(p->name), "%s", name) == -1 ||
	    util_fmt(p->agb, sizeof(p->agb), "%s", agb ? agb : "") == -1 ||
	    util_fmt(p->created, sizeof(p->created), "%s", created) == -1)
		return -1;
	if (cert != NULL && sqlite3_column_bytes(s, 4) == PARTY_CERT_HASH_LEN) {
		memcpy(p->cert_sha256, cert, PARTY_CERT_HASH_LEN);
		p->has_cert = 1;
	}
	return 0;
}

/* Columns col (expires_at) and col + 1 (last_used_at), '' when NULL. */
static int
party_times(sqlite3_stmt *s, int col, struct party *p)
{
	const char	*exp = (const char *)sqlite3_column_text(s, col);
	const char	*used = (const char *)sqlite3_column_text(s, col + 1);

	if (util_fmt(p->expires, sizeof(p->expires), "%s",
	    exp ? exp : "") == -1 ||
	    util_fmt(p->last_used, sizeof(p->last_used), "%s",
	    used ? used : "") == -1)
		return -1;
	return 0;
}

enum store_result
store_party_by_token(struct store *st,
    const unsigned char token_hash[PARTY_TOKEN_HASH_LEN], struct party *out)
{
	enum store_result	 ret = STORE_ERROR;
	sqlite3_stmt		*s;
	int			 rc;

	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_PARTY_BY_TOKEN);
	sqlite3_bind_blob(s, 1, token_hash, PARTY_TOKEN_HASH_LEN,
	    SQLITE_STATIC);
	rc = sqlite3_step(s);
	/*
	 * The index matched on the hash; the stored hash is compared once
	 * more in constant time, so correctness never rests on the index.
	 */
	if (rc == SQLITE_ROW && (sqlite3_column_bytes(s, 6) !=
	    PARTY_TOKEN_HASH_LEN || CRYPTO_memcmp(sqlite3_column_blob(s, 6),
	    token_hash, PARTY_TOKEN_HASH_LEN) != 0))
		rc = SQLITE_DONE;
	if (rc == SQLITE_DONE)
		ret = STORE_NOT_FOUND;
	else if (rc != SQLITE_ROW)
		log_db_error(st, "look up token");
	else if (party_from_row(s, out) == 0 &&
	    party_times(s, 7, out) == 0) {
		sqlite3_reset(s);
		if (load_scopes(st, out) == 0)
			ret = STORE_OK;
		else
			log_db_error(st, "load scopes");
	}
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_parties_generation(struct store *st, int64_t *data_version,
    int64_t *generation)
{
	sqlite3_stmt	*s;
	const char	*v;
	long long	 g;
	int64_t		 dv;
	int		 ret = -1;

	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_DATA_VERSION);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	/*
	 * data_version does not move for this connection's own commits;
	 * its change count does. Both only grow, so their sum moves when
	 * either does.
	 */
	dv = sqlite3_column_int64(s, 0) + sqlite3_total_changes64(st->db);
	sqlite3_reset(s);
	if (dv == *data_version) {
		ret = 0;
		goto out;
	}
	s = stmt_get(st, ST_META_GET);
	sqlite3_bind_text(s, 1, "parties_generation", -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW ||
	    (v = (const char *)sqlite3_column_text(s, 0)) == NULL ||
	    util_memtonum(v, strlen(v), 0, LLONG_MAX, &g) == -1)
		goto out;
	*data_version = dv;
	*generation = g;
	ret = 0;
out:
	if (ret == -1)
		log_db_error(st, "read the parties generation");
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/*
 * Runs an UPDATE of one named, unrevoked party (the caller holds st->lock):
 * STORE_OK when it changed that party, STORE_NOT_FOUND when there is none.
 */
static enum store_result
step_one_party(struct store *st, sqlite3_stmt *s, const char *what)
{
	enum store_result	ret = STORE_ERROR;

	if (sqlite3_step(s) != SQLITE_DONE)
		log_db_error(st, what);
	else
		ret = sqlite3_changes(st->db) == 1 ? STORE_OK :
		    STORE_NOT_FOUND;
	sqlite3_reset(s);
	return ret;
}

enum store_result
store_party_revoke(struct store *st, const char *name)
{
	enum store_result	 ret;
	sqlite3_stmt		*s;
	char			 now[21];

	util_utc_iso8601(now);
	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_PARTY_REVOKE);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	ret = step_one_party(st, s, "revoke party");
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_party_list(struct store *st, int (*fn)(const struct party *, void *),
    void *arg)
{
	sqlite3_stmt	*s;
	struct party	*p;
	const char	*revoked;
	int		 rc, ret = -1;

	if ((p = malloc(sizeof(*p))) == NULL)
		return -1;
	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_PARTY_LIST);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (party_from_row(s, p) == -1)
			goto out;
		revoked = (const char *)sqlite3_column_text(s, 6);
		util_fmt(p->revoked, sizeof(p->revoked), "%s",
		    revoked ? revoked : "");
		if (party_times(s, 7, p) == -1)
			goto out;
		/*
		 * The scopes come from a second statement on the same
		 * connection while this one is positioned on a row; SQLite
		 * allows that, and the list is read-only.
		 */
		if (load_scopes(st, p) == -1 || fn(p, arg) == -1)
			goto out;
	}
	if (rc == SQLITE_DONE)
		ret = 0;
	else
		log_db_error(st, "list parties");
out:
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->lock);
	free(p);
	return ret;
}

/* An audit row; the caller holds the lock. */
static int
audit_insert(struct store *st, int64_t party_id, const char *action,
    const char *detail)
{
	sqlite3_stmt	*s;
	char		 now[21];
	int		 ret = 0;

	util_utc_iso8601(now);
	s = stmt_get(st, ST_AUDIT_INSERT);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	if (party_id > 0)
		sqlite3_bind_int64(s, 2, party_id);
	sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
	if (detail != NULL)
		sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_db_error(st, "audit");
		ret = -1;
	}
	sqlite3_reset(s);
	return ret;
}

int
store_audit(struct store *st, int64_t party_id, const char *action,
    const char *detail)
{
	int	ret;

	pthread_mutex_lock(&st->lock);
	ret = audit_insert(st, party_id, action, detail);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_audit_locked(struct store *st, const char *action, const char *detail)
{
	return audit_insert(st, 0, action, detail);
}

int64_t
store_audit_count(struct store *st, const char *action)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_AUDIT_COUNT);
	sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->lock);
	return n;
}

int
store_ping(struct store *st)
{
	sqlite3_stmt	*s;
	int		 ret;

	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_PING);
	ret = sqlite3_step(s) == SQLITE_ROW ? 0 : -1;
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

enum store_result
store_party_by_name(struct store *st, const char *name, struct party *out)
{
	enum store_result	 ret = STORE_ERROR;
	sqlite3_stmt		*s;
	int			 rc;

	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_PARTY_BY_NAME);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		ret = STORE_NOT_FOUND;
	else if (rc != SQLITE_ROW)
		log_db_error(st, "look up party");
	else if (party_from_row(s, out) == 0) {
		sqlite3_reset(s);
		ret = load_scopes(st, out) == 0 ? STORE_OK : STORE_ERROR;
	}
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

static atomic_ullong	store_write_ok_ns, store_write_fail_ns;

void
store_note_write(int ok)
{
	atomic_store(ok ? &store_write_ok_ns : &store_write_fail_ns,
	    util_now_ns());
}

int
store_writes_failing(uint64_t window_ns)
{
	uint64_t	ok = atomic_load(&store_write_ok_ns);
	uint64_t	fail = atomic_load(&store_write_fail_ns);

	return fail > ok && util_now_ns() - fail < window_ns;
}

/*
 * A connection of its own, so the probe never waits on the shared one's
 * mutex, and BEGIN IMMEDIATE so it waits for the write lock exactly as an
 * upload's final merge or the message writer would.
 */
int
store_write_probe(struct store *st, long long ms)
{
	sqlite3	*db = NULL;
	int	 ret = -1;

	if (sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(db, (int)ms);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto out;
	ret = 0;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_close(db);
	return ret;
}

/*
 * Records that the party's token was used at now, unless a use within the
 * last minute is recorded already: at most one write per party per
 * minute. It never waits for the write lock (an upload may hold it for a
 * while): a busy database skips the update, which only makes "last use" a
 * minute or so stale, and authentication must not stall for it.
 */
void
store_party_touch(struct store *st, int64_t party_id, time_t now)
{
	sqlite3_stmt	*s;
	char		 at[21], before[21];

	util_utc_iso8601_at(now, at);
	util_utc_iso8601_at(now - STORE_TOUCH_GRANULARITY_S, before);
	pthread_mutex_lock(&st->lock);
	sqlite3_busy_timeout(st->db, 0);
	s = stmt_get(st, ST_PARTY_TOUCH);
	sqlite3_bind_int64(s, 1, party_id);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, before, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE &&
	    (sqlite3_errcode(st->db) & 0xff) != SQLITE_BUSY)
		log_db_error(st, "record token use");
	sqlite3_reset(s);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	pthread_mutex_unlock(&st->lock);
}

enum store_result
store_party_rotate(struct store *st, const char *name,
    const unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
    const char *expires)
{
	enum store_result	 ret;
	sqlite3_stmt		*s;

	pthread_mutex_lock(&st->lock);
	s = stmt_get(st, ST_PARTY_ROTATE);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, token_hash, PARTY_TOKEN_HASH_LEN,
	    SQLITE_STATIC);
	if (expires != NULL && expires[0] != '\0')
		sqlite3_bind_text(s, 3, expires, -1, SQLITE_STATIC);
	ret = step_one_party(st, s, "rotate token");
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int
store_dir(const struct store *st, char *buf, size_t len)
{
	const char	*slash = strrchr(st->path, '/');

	if (slash == NULL)
		return util_fmt(buf, len, ".");
	if (slash == st->path)
		return util_fmt(buf, len, "/");
	return util_fmt(buf, len, "%.*s", (int)(slash - st->path), st->path);
}

int
store_file_schema(const char *path)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
		if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
		    NULL) == SQLITE_OK) {
			if (sqlite3_step(s) == SQLITE_ROW)
				v = sqlite3_column_int(s, 0);
			sqlite3_finalize(s);
		}
	}
	sqlite3_close(db);
	return v;
}

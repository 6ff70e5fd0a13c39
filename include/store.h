/*
 * The store: SQLite in WAL mode, the only thing that writes to disk.
 *
 * It holds pseudonymised, minimised records only; callers hand it
 * pseudonyms, never identifiers. The schema carries a version number
 * (PRAGMA user_version) and is brought forward by numbered migrations, each
 * in its own transaction. Every statement is prepared; secure_delete is on,
 * so deleted rows are overwritten, and temporary tables stay in memory.
 *
 * One struct store is one connection with its own lock. Callers that must
 * not wait for each other (request authentication while an upload is being
 * written) open a handle each; WAL lets readers go on beside one writer.
 */
#ifndef SORTTP_STORE_H
#define SORTTP_STORE_H

#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

#define STORE_SCHEMA_VERSION	13
#define STORE_DB_NAME		"sorttp.db"
#define STORE_BUSY_TIMEOUT_MS	10000

#define PARTY_NAME_MAX		64	/* [a-z0-9._-], see auth_party_name_valid */
#define PARTY_SCOPES_MAX	CFG_MAX_CLUSTERS /* every cluster of a national config */
#define PARTY_TOKEN_HASH_LEN	32	/* SHA-256 of the bearer token */
#define PARTY_CERT_HASH_LEN	32	/* SHA-256 of a client certificate (DER) */
#define PARTY_EXPIRES_DAYS_MAX	3650	/* --expires Nd: at most ten years */

enum role {
	ROLE_AANBIEDER = 0,
	ROLE_BERGOP,
	ROLE_BERICHTENVERKEER,
	ROLE_ANALIST,
	ROLE_MONITOR,
	ROLE__COUNT
};

#define ROLE_BIT(r)	(1u << (r))

enum scope_kind {
	SCOPE_CLUSTER = 0,
	SCOPE_GEMEENTE
};

struct party_scope {
	enum scope_kind	 kind;
	char		 value[CFG_NAME_MAX];	/* cluster name or 4-digit code */
};

struct party {
	int64_t			 id;
	char			 name[PARTY_NAME_MAX + 1];
	enum role		 role;
	char			 agb[9];		/* "" unless aanbieder */
	struct party_scope	 scopes[PARTY_SCOPES_MAX];
	size_t			 nscopes;
	int			 has_cert;
	unsigned char		 cert_sha256[PARTY_CERT_HASH_LEN];
	char			 created[21];		/* ISO 8601 UTC */
	char			 revoked[21];		/* "" while active */
	char			 expires[21];		/* "" never; ISO 8601 UTC */
	char			 last_used[21];		/* "" never used */
};

/* Role names as stored and as typed on the command line ("aanbieder"). */
const char *store_role_name(enum role);
int	store_role_parse(const char *, enum role *);

enum store_result {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_EXISTS,
	STORE_ERROR = -1
};

struct store;

/*
 * Opens the database at path. With STORE_OPEN_CREATE in create the file
 * may be new (it is then made with mode 0600); without, a missing file is
 * an error. Applies the connection settings and, with STORE_OPEN_CREATE or
 * STORE_OPEN_MIGRATE, every pending migration; without either an older
 * schema is refused before anything is written. A database whose schema
 * is newer than this program is refused. Returns 0, or -1 with a message
 * in err.
 */
#define STORE_OPEN_CREATE	1	/* a new file; implies MIGRATE */
#define STORE_OPEN_MIGRATE	2	/* serve at start, sorttp migrate */
int	store_open(const char *path, int create, struct store **out,
	    char *err, size_t errlen);
/*
 * Bulk load into a fresh folder (sorttp demo): stores opened after
 * store_bulk_load commit without an fsync; store_bulk_load_end, on a store
 * still open, turns that off and makes everything durable with one
 * checkpoint. Never for real data: a crash in between loses commits.
 */
void	store_bulk_load(void);
int	store_bulk_load_end(struct store *, char *err, size_t errlen);

/* The schema version (user_version) of the file at path, or -1. */
int	store_file_schema(const char *path);
void	store_close(struct store *);
int	store_schema_version(struct store *);

/*
 * Binds the database to one pseudonymisation key. The first call records
 * the key's public check value and key version; later calls compare, and a
 * database that was written under another key is refused, because new
 * pseudonyms would no longer link to the stored ones.
 */
int	store_bind_key(struct store *, const unsigned char *key_id,
	    size_t key_id_len, unsigned key_version, char *err, size_t errlen);

/* Parties. Only the hash of a token is ever stored. */
enum store_result store_party_add(struct store *, const struct party *,
	    const unsigned char token_hash[PARTY_TOKEN_HASH_LEN], int64_t *id);
/*
 * For the token cache: SQLite's data_version of this connection, which
 * changes whenever another connection (or process) commits, and the
 * parties generation, which changes with every change to parties or
 * scopes. When the data version equals *data_version nothing is read;
 * otherwise both are updated. Returns 0, or -1 on a fault.
 */
int	store_parties_generation(struct store *, int64_t *data_version,
	    int64_t *generation);

enum store_result store_party_by_token(struct store *,
	    const unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
	    struct party *out);
enum store_result store_party_revoke(struct store *, const char *name);

/*
 * Token lifecycle. store_party_touch records a use of the party's token
 * (time only, minute granularity, never waiting for a lock).
 * store_party_rotate gives an active party a new token hash and expiry
 * (NULL or "": none); the old token fails from then on.
 */
#define STORE_TOUCH_GRANULARITY_S	60
void	store_party_touch(struct store *, int64_t party_id, time_t now);
enum store_result store_party_rotate(struct store *, const char *name,
	    const unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
	    const char *expires);

/* Calls fn for every party, active and revoked, in order of creation. */
int	store_party_list(struct store *,
	    int (*fn)(const struct party *, void *), void *arg);

/*
 * Appends to the audit trail. party_id 0 means a local (CLI) action;
 * detail is a short JSON object without identifiers, or NULL.
 */
int	store_audit(struct store *, int64_t party_id, const char *action,
	    const char *detail);

/*
 * The audit trail in order, from since (inclusive) to until (exclusive),
 * both ISO 8601 prefixes or NULL, of one party (by name) or all (NULL).
 * party and role are "" for a local (command line) action. The strings
 * live until fn returns; a nonzero return stops the export with -1.
 */
struct store_audit_row {
	int64_t		 id;
	const char	*at, *party, *role, *action, *detail;
};
int	store_audit_export(struct store *, const char *since,
	    const char *until, const char *party,
	    int (*fn)(const struct store_audit_row *, void *), void *arg);

/*
 * Retention (store_purge.c). Everything older than the cut goes: detail
 * records before a date (yyyymmdd; scores by meetdatum, trajectories and
 * toewijzingen by einddatum, responses by ingevuld_op), receipts and the
 * audit trail before an ISO 8601 time; the disclosure history of periods
 * that ended before the detail date. A dry run only counts. A real
 * purge is one transaction, audited as "purge" with the counts.
 */
#define STORE_PURGE_KINDS	8
struct store_purge_cut {
	int		 detail_before;
	char		 receipts_before[21];
	char		 audit_before[21];
};
struct store_purge_counts {
	int64_t		 n[STORE_PURGE_KINDS];
};
int	store_purge(struct store *, const struct store_purge_cut *,
	    int dry_run, struct store_purge_counts *);
/* The name of count i ("scores", "trajecten", ..., "audit"). */
const char *store_purge_kind(int i);

/*
 * The last receipt time per party and kind (feed metrics at start); the
 * strings live until fn returns.
 */
struct store_feed_row {
	enum role	 role;
	const char	*agb;		/* "" unless aanbieder */
	const char	*kind;		/* "scores", "messages", ... */
	const char	*last;		/* ISO 8601 UTC */
};
int	store_feed_last(struct store *,
	    int (*fn)(const struct store_feed_row *, void *), void *arg);

/* Count of audit rows with this action (tests, metrics). */
int64_t	store_audit_count(struct store *, const char *action);

/* The folder of st's database file (for an upload's staging file). */
int	store_dir(const struct store *, char *buf, size_t len);

/* A trivial query, for /healthz. Returns 0 when the database answers. */
int	store_ping(struct store *);

/*
 * Readiness (/readyz). store_write_probe takes the write lock on a
 * connection of its own, waiting at most ms, and gives it back at once
 * without writing: 0 when it got it. Writers report each transaction's
 * outcome with store_note_write; store_writes_failing is 1 when the last
 * outcome was a failure within the last window_ns.
 */
int	store_write_probe(struct store *, long long ms);
void	store_note_write(int ok);
int	store_writes_failing(uint64_t window_ns);

/*
 * Uploads. An upload is one transaction on a connection of its own, so a
 * long upload never holds up authentication or other reads; SQLite lets
 * one writer at a time, so a second upload waits for the first (up to
 * STORE_UPLOAD_WAIT_MS). A scores upload stages its rows while the body
 * arrives and writes them only once it is complete (ingest_scores.c), so
 * the transaction lasts as long as that merge; the receipt row is written
 * first and completed at commit, and a failed or duplicate upload rolls
 * everything back.
 */
#define STORE_UPLOAD_WAIT_MS	(300 * 1000)
#define STORE_PUBLIC_ID_LEN	18	/* "u_" + 16 hex */
#define STORE_BODY_MAC_LEN	32

struct store_receipt {
	char		 upload_id[STORE_PUBLIC_ID_LEN + 1];
	char		 kind[16];
	int64_t		 rows;
	char		 created[21];
};

/*
 * One scores row, pseudonymised and minimised. Pseudonym bytes are taken
 * big-endian into signed 64-bit integers (store_ps64).
 */
struct score_rec {
	int64_t		 traj;		/* bytes 0-7 of the toewijzing ps */
	int64_t		 traj_chk;	/* its bytes 8-15 */
	int64_t		 client;	/* bytes 0-7 of the BSN ps */
	unsigned	 key_version;
	int		 agb;
	int		 gemeente;
	int		 meetdatum;	/* yyyymmdd */
	int		 meetmoment;	/* 1 begin, 2 tussen, 3 eind */
	int		 has_gas;
	double		 gas_t;
	int		 doelen;
	int		 doelen_behaald;
	int		 probleemafname;	/* 0 = absent */
	int		 zonder_hulp;		/* -1 = absent */
	int		 productcategorie;	/* 0 = absent */
	int		 leeftijd;		/* -1 = absent */
	int		 geslacht;		/* -1 = absent */
	int		 opt_out;		/* -1 = absent, 0 nee, 1 ja */
	int		 gebied;		/* -1 = absent (gebied.h) */
};

/* One questionnaire response, pseudonymised and minimised. */
struct response_rec {
	int64_t		 bron;		/* bytes 0-7 of the bron_id ps */
	int64_t		 bron_chk;	/* its bytes 8-15 */
	int64_t		 client;	/* bytes 0-7 of the BSN ps */
	int		 has_toewijzing;
	int64_t		 toewijzing;	/* bytes 0-7 of the toewijzing ps */
	unsigned	 key_version;
	int		 agb;
	int		 gemeente;	/* current code */
	const char	*vragenlijst;	/* definition id */
	int		 respondent;	/* 0 jeugdige, 1 ouder */
	int		 ingevuld_op;	/* yyyymmdd */
	int		 leeftijd;	/* -1 = unknown */
	int		 geslacht;	/* -1 = unknown */
	const signed char *waarden;
	size_t		 nwaarden;
	int		 gebied;	/* -1 = unknown (gebied.h) */
};

struct store_upload;

/* Bytes 8*i .. 8*i+7 of a pseudonym as a signed 64-bit integer. */
int64_t	store_ps64(const unsigned char *ps, int i);

/* A new upload of kind ("scores", ...) on its own connection to st's file. */
int	store_upload_new(struct store *st, int64_t party_id, const char *kind,
	    struct store_upload **out, char *err, size_t errlen);

/*
 * Stores a scores row. A row with the same trajectory, aanbieder,
 * meetdatum and meetmoment as one of an earlier upload replaces it (a
 * correction). Returns 0, 1 when this upload already had such a row, or
 * -1 on a database fault.
 */
int	store_upload_score(struct store_upload *, const struct score_rec *);

/*
 * Stores a questionnaire response. A response whose bron_id the same
 * party sent before is left as it is. Returns 0 (stored), 1 (known
 * already) or -1 on a database fault.
 */
int	store_upload_response(struct store_upload *,
	    const struct response_rec *);

/*
 * Completes the upload: records its body MAC and row count, audits it and
 * commits. STORE_EXISTS: the same party sent the same body before; nothing
 * was stored, and *out holds the original receipt.
 */
enum store_result store_upload_commit(struct store_upload *,
	    const unsigned char body_mac[STORE_BODY_MAC_LEN], int64_t rows,
	    struct store_receipt *out);

/* Rolls back (if needed) and frees. NULL is a no-op. */
void	store_upload_free(struct store_upload *);

/* The party's own receipts, newest first, and one by its public id. */
int	store_receipts(struct store *, int64_t party_id,
	    int (*fn)(const struct store_receipt *, void *), void *arg);
enum store_result store_receipt_get(struct store *, int64_t party_id,
	    const char *upload_id, struct store_receipt *out);

/* Uploads of every party and kind (`sorttp demo` refuses a used store). */
int64_t	store_upload_count(struct store *);

/*
 * Berichtenverkeer. Each iJw message becomes a job: a list of changes to
 * the trajectory model, already pseudonymised and checked, so that only a
 * database fault can make it fail. One writer thread applies the jobs
 * that are waiting in one transaction and commits once: with a durable
 * commit costing an fsync, group commit is what lets many senders'
 * messages in per second. A fault rolls the batch back and it is then
 * tried in halves, down to the job that fails by itself: a job is stored
 * whole or not at all, and only its own fault refuses it.
 */
enum traj_op {
	TRAJ_START,		/* JW305 */
	TRAJ_START_DELETE,	/* JW305, StatusAanlevering 3 */
	TRAJ_STOP,		/* JW307 */
	TRAJ_STOP_DELETE,	/* JW307, StatusAanlevering 3 */
	TRAJ_TOEWIJZING		/* JW301 */
};

struct traj_rec {
	enum traj_op	 op;
	int64_t		 client;
	int64_t		 prod_key;
	int64_t		 prod_chk;
	int		 begindatum;	/* yyyymmdd; JW301: Ingangsdatum */
	int		 einddatum;	/* 0 = none */
	int		 reden;		/* JZ588, JW307 */
	int		 agb;
	int		 gemeente;	/* current code */
	int		 categorie;	/* 0 = none */
	char		 code[6];	/* "" = none */
	int		 leeftijd;	/* -1 = unknown */
	int		 geslacht;	/* -1 = unknown */
	int		 gebied;	/* JW301: -1 = unknown (gebied.h) */
};

struct msg_job {
	int64_t			 party_id;
	/* Keyed MAC of Afzender, Identificatie, Dagtekening; per party. */
	unsigned char		 msg_key[STORE_BODY_MAC_LEN];
	unsigned		 key_version;
	int			 ijw_type;	/* 301, 305, 307 */
	size_t			 nrecs;
	struct traj_rec		*recs;
	/* Filled by the writer. */
	enum store_result	 rc;	/* OK, EXISTS (duplicate) or ERROR */
	int			 ids_exhausted;	/* ERROR: no receipt id left */
	struct store_receipt	 receipt;
	int			 audited;	/* named in an audit row */
	sem_t			 done;	/* posted once the job is settled */
	struct msg_job		*next;
};

struct store_msgw;

int	store_msgw_start(struct store *, struct store_msgw **, char *err,
	    size_t errlen);
void	store_msgw_stop(struct store_msgw *);
void	store_msgw_submit(struct store_msgw *, struct msg_job *);
void	store_msgw_wait(struct store_msgw *, struct msg_job *);

/* A party by name (for `sorttp import --as NAME`); active parties only. */
enum store_result store_party_by_name(struct store *, const char *name,
	    struct party *out);

/*
 * What the indicator engine reads (store_indicators.c). The scans see one
 * consistent state and call a function per batch of rows (n of them, in
 * table order; a row's pointers hold only for the call); a nonzero return
 * stops the scan. The key links come first, then links_done, then the rows.
 * The trajecten come in two parts, those of clients below zero (part 0)
 * and the others (part 1), each in the table's order. With concurrent set
 * the tables and the two parts may be scanned at once, each by a thread of
 * its own (score and resp are called by one thread at a time, traj by one
 * thread per part); otherwise scores, trajecten (part 0, then 1) and
 * antwoorden in turn. Only the engine calls them, and it publishes
 * aggregates only. A NULL function skips that table.
 */
struct ind_src_score {			/* an eind measurement */
	int64_t		 traj;
	int64_t		 client;
	int		 agb;
	int		 gemeente;
	int		 meetdatum;
	double		 gas_t;		/* NaN = none */
	int		 doelen;
	int		 doelen_behaald;
	int		 probleemafname;	/* 0 = absent */
	int		 zonder_hulp;		/* -1 = absent */
	int		 meetmoment;		/* also begin/tussen rows that
						   state opt_out */
	int		 opt_out;		/* -1 = not stated */
	/* Breakdowns: -1 = unknown; gebied as in gebied.h. */
	int		 leeftijd, geslacht, categorie, gebied;
};
struct ind_src_traj {
	int64_t		 client;
	int64_t		 prod_key;
	int		 begindatum;
	int		 einddatum;	/* 0 = not ended */
	int		 reden;		/* 0 = none */
	int		 agb;		/* 0 = unknown */
	int		 gemeente;	/* 0 = unknown */
	int		 gestart;
	int		 leeftijd, geslacht, categorie, gebied;	/* -1 */
};
struct ind_src_resp {
	int64_t		 client;
	int		 agb;
	int		 gemeente;
	const char	*vragenlijst;
	int		 respondent;
	int		 ingevuld_op;
	const signed char *waarden;
	size_t		 nwaarden;
	int		 leeftijd, geslacht, categorie, gebied;	/* -1 */
};
/* A key link (store_keys.c): kind 0 BSN, 1 toewijzing. */
struct ind_src_link {
	int64_t		 old;
	int64_t		 new_;
	int		 kind;
};
struct ind_scan_fns {
	int	(*score)(const struct ind_src_score *, size_t n, void *);
	int	(*traj)(const struct ind_src_traj *, size_t n, int part,
		    void *);
	int	(*resp)(const struct ind_src_resp *, size_t n, void *);
	int	(*link)(const struct ind_src_link *, void *);	/* optional */
	int	(*links_done)(void *);				/* optional */
	int	 concurrent;
};
/* Returns 0 and the data generation the scans saw, or -1. */
int	store_ind_scan(struct store *, const struct ind_scan_fns *,
	    void *arg, int64_t *generation);
/*
 * A number that changes whenever data is committed (every change comes
 * with an upload receipt): the highest upload id. -1 on a fault.
 */
int64_t	store_data_generation(struct store *);

/*
 * The audit writer for indicator queries: store_auditw_log appends an
 * entry and returns once it is committed (0) or failed (-1); entries
 * waiting together share one commit.
 */
struct store_auditw;
int	store_auditw_start(struct store *, struct store_auditw **);
int	store_auditw_log(struct store_auditw *, int64_t party_id,
	    const char *action, const char *detail);
void	store_auditw_stop(struct store_auditw *);

/*
 * Backup and restore (store_backup.c). store_backup copies the database at
 * db_path to out (which must not exist) with SQLite's online backup API,
 * beside a running daemon: one consistent snapshot, mode 0600, one file
 * (rollback journal), integrity-checked before it gets its name; never the
 * key. *pages (may be NULL) receives its size in pages.
 */
#define STORE_BACKUP_PATH_MAX	4096
int	store_backup(const char *db_path, const char *out, int64_t *pages,
	    char *err, size_t errlen);

/* What store_backup_check found in a backup file. */
struct store_backup_info {
	int	 schema;		/* PRAGMA user_version */
	char	 key_id[2 * 32 + 1];	/* the key's public check value */
};

/*
 * Checks that path is an intact sorttp database this program can use:
 * integrity_check "ok", a key binding, a schema no newer than ours.
 */
int	store_backup_check(const char *path, struct store_backup_info *,
	    char *err, size_t errlen);

/*
 * Replaces the contents of the database at db_path (created when missing)
 * with those of the backup, its disclosure history ORed in, in one
 * transaction; made ready in a private copy beside it first, so that on
 * any failure the database is as it was. The daemon must not run.
 */
int	store_restore(const char *backup, const char *db_path, char *err,
	    size_t errlen);

/*
 * Key rotation (store_keys.c). The state lives in meta: the current
 * version and its check value, the version before it, when it was
 * rotated, when its overlap window ends and when the old key was retired
 * (seconds since the epoch, 0: never).
 */
struct store_key_state {
	unsigned	 version;		/* 1 before any rotation */
	char		 key_id[2 * 32 + 1];	/* hex check value, "" none */
	unsigned	 old_version;		/* 0: never rotated */
	char		 old_id[2 * 32 + 1];
	long long	 rotated_at;
	long long	 window_end;
	long long	 retired_at;
	int64_t		 nlinks;		/* rows of key_links */
};
int	store_key_state(struct store *, struct store_key_state *);
/*
 * Records a rotation from the current key (cur_id, hex, must match) to
 * new_id; refuses while an older key is not yet retired. Audited.
 */
int	store_key_rotate(struct store *, const char *cur_id,
	    const char *new_id, long long now, long long window_end,
	    char *err, size_t errlen);
/* Records that the old key was destroyed; links stay. Audited. */
int	store_key_retire(struct store *, long long now, char *err,
	    size_t errlen);
/*
 * The pseudonymiser's link sink (struct pseudo_link_sink fn): keeps the
 * pair in memory until an upload or message batch commits it. kind is
 * enum pseudo_kind (0 BSN, 1 toewijzing); only 8 bytes of each are kept.
 */
void	store_links_sink(int kind, const unsigned char old[32],
	    const unsigned char new_[32], void *arg);
/* The version written beside new links (the current key's). */
void	store_links_set_version(unsigned);
/* Links in memory that no commit has written yet. */
size_t	store_links_pending(void);

#endif

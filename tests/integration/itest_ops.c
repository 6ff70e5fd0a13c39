/*
 * Operations commands against a real data folder and a running daemon:
 * backup while serving (mode 0600, integrity, no key), restore (refused
 * while the daemon runs, refused for another key's backup or a damaged
 * file, and the current database kept before it is replaced).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "harness.h"
#include "store.h"

static struct h_env	e;

/* The first column of sql on the database file path (read-only), or -1. */
static long long
file_count(const char *path, const char *sql)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s;
	long long	 n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

/* Runs sql on the database file at path; 0 or -1. */
static int
file_exec(const char *path, const char *sql)
{
	sqlite3	*db = NULL;
	int	 rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
	sqlite3_close(db);
	return rc;
}

/* A whole binary file (h_slurp stops at the first NUL); NULL if absent. */
static unsigned char *
read_bin(const char *path, size_t *len)
{
	FILE		*f = fopen(path, "rb");
	unsigned char	*buf;
	long		 n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* A copy of file from at to (mode 0600); 0 or -1. */
static int
copy_file(const char *from, const char *to)
{
	unsigned char	*b;
	size_t		 n = 0;
	FILE		*f;
	int		 rc = -1;

	if ((b = read_bin(from, &n)) == NULL)
		return -1;
	if ((f = fopen(to, "wb")) != NULL) {
		if (fwrite(b, 1, n, f) == n)
			rc = 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(b);
	return rc == 0 ? chmod(to, 0600) : -1;
}

static long
whoami(const char *token)
{
	struct h_resp	r;
	long		status;

	h_request(&e, "GET", "/v1/whoami", token, NULL, NULL, 0, 0, &r);
	status = r.status;
	h_resp_free(&r);
	return status;
}

/* The name of the file in dir starting with prefix, into out. */
static int
find_prefixed(const char *dir, const char *prefix, char *out, size_t len)
{
	DIR		*d;
	struct dirent	*de;
	int		 found = -1;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    snprintf(out, len, "%s/%s", dir, de->d_name) < (int)len)
			found = 0;
	closedir(d);
	return found;
}

static void
test_backup_restore(void)
{
	struct h_out	 o;
	struct stat	 sb;
	char		 t1[128], t2[128], bak[H_PATH_MAX + 16];
	char		 other[H_PATH_MAX + 16], obak[H_PATH_MAX + 16];
	char		 keyp[H_PATH_MAX + 16], pre[H_PATH_MAX + 64];
	char		 junk[H_PATH_MAX + 64];
	unsigned char	*key;
	size_t		 keylen = 0;

	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, t1, sizeof(t1), "before", "monitor",
	    NULL), 0);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(whoami(t1), 200);

	/* Online: the daemon runs and has just written (last use). */
	snprintf(bak, sizeof(bak), "%s/b1.db", e.root);
	CHECK_EQ_INT(h_run(&e, &o, "backup", "--data", e.data, "--out", bak,
	    NULL), 0);
	CHECK(strstr(o.out, "integrity ok") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(stat(bak, &sb), 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0600);
	CHECK_EQ_INT(file_count(bak, "SELECT count(*) FROM parties"), 1);
	CHECK_EQ_INT(file_count(bak, "SELECT count(*) FROM pragma_"
	    "integrity_check WHERE integrity_check = 'ok'"), 1);
	/* One self-contained file: no WAL beside it. */
	CHECK_EQ_INT(file_count(bak, "SELECT count(*) FROM pragma_"
	    "journal_mode WHERE journal_mode = 'delete'"), 1);
	snprintf(keyp, sizeof(keyp), "%s/sorttp.key", e.data);
	key = read_bin(keyp, &keylen);
	CHECK(key != NULL && keylen == 32);
	if (key != NULL)
		CHECK_EQ_INT(h_file_contains(bak, key, keylen), 0);
	free(key);
	snprintf(junk, sizeof(junk), "%s.partial", bak);
	CHECK(access(junk, F_OK) == -1);

	/* Never overwrites; usage errors exit 2. */
	CHECK_EQ_INT(h_run(&e, &o, "backup", "--data", e.data, "--out", bak,
	    NULL), 1);
	CHECK(strstr(o.err, "exists") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "backup", "--data", e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--from", bak, NULL), 2);
	h_out_free(&o);

	/* Not under a running daemon. */
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--data", e.data, "--from",
	    bak, NULL), 1);
	CHECK(strstr(o.err, "running") != NULL);
	h_out_free(&o);

	CHECK_EQ_INT(h_party_add(&e, t2, sizeof(t2), "after", "monitor",
	    NULL), 0);
	CHECK_EQ_INT(h_stop(&e), 0);
	/* Published after the backup: stays in the history (below). */
	CHECK_EQ_INT(h_db_exec(&e, "INSERT INTO dc_history VALUES "
	    "('uitval', 0, 300, 'G0363', 0, 20250131, 5, 2)"), 0);

	/* A damaged file and another key's backup are refused. */
	snprintf(junk, sizeof(junk), "%s/junk.db", e.root);
	h_write_file(junk, "SQLite format 3\nthis is no database at all",
	    0600);
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--data", e.data, "--from",
	    junk, NULL), 1);
	CHECK(strstr(o.err, "nothing changed") != NULL);
	h_out_free(&o);
	snprintf(other, sizeof(other), "%s/other", e.root);
	snprintf(obak, sizeof(obak), "%s/other.db", e.root);
	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", other, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "backup", "--data", other, "--out", obak,
	    NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--data", e.data, "--from",
	    obak, NULL), 1);
	CHECK(strstr(o.err, "another key") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM parties"), 2);

	/*
	 * Keeping the history can fail after the backup was copied (here a
	 * trigger in the backup refuses it; in life a full disk): then
	 * nothing may have changed, or the replaced database's history
	 * would be gone with the operator told the restore failed.
	 */
	snprintf(junk, sizeof(junk), "%s/nohist.db", e.root);
	CHECK_EQ_INT(copy_file(bak, junk), 0);
	CHECK_EQ_INT(file_exec(junk, "CREATE TRIGGER nohist BEFORE INSERT ON"
	    " dc_history BEGIN SELECT RAISE(ABORT, 'refused'); END"), 0);
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--data", e.data, "--from",
	    junk, NULL), 1);
	CHECK(strstr(o.err, "nothing changed") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM parties"), 2);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM dc_history WHERE "
	    "geo = 'G0363' AND published = 5 AND withheld = 2"), 1);
	CHECK_EQ_INT(find_prefixed(e.data, "sorttp.db.restore-", pre,
	    sizeof(pre)), -1);
	/* Its pre-restore copy, so that the next one gets its own name. */
	if (find_prefixed(e.data, "sorttp.db.pre-restore-", pre,
	    sizeof(pre)) == 0)
		unlink(pre);

	/* The restore: "after" is gone, the replaced database is kept. */
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--data", e.data, "--from",
	    bak, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM parties"), 1);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM dc_history WHERE "
	    "geo = 'G0363' AND published = 5 AND withheld = 2"), 1);
	CHECK_EQ_INT(find_prefixed(e.data, "sorttp.db.pre-restore-", pre,
	    sizeof(pre)), 0);
	CHECK_EQ_INT(file_count(pre, "SELECT count(*) FROM parties"), 2);
	CHECK_EQ_INT(stat(pre, &sb), 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0600);

	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(whoami(t1), 200);
	CHECK_EQ_INT(whoami(t2), 401);
	CHECK_EQ_INT(h_stop(&e), 0);

	/*
	 * A backup from before the history (schema 8): the replaced
	 * database's history is kept all the same, and the migration at
	 * start keeps it, or all published before could be differenced.
	 */
	while (find_prefixed(e.data, "sorttp.db.pre-restore-", pre,
	    sizeof(pre)) == 0)
		unlink(pre);
	snprintf(junk, sizeof(junk), "%s/v8.db", e.root);
	CHECK_EQ_INT(copy_file(bak, junk), 0);
	CHECK_EQ_INT(file_exec(junk, "DROP TABLE dc_history;"
	    " ALTER TABLE scores DROP COLUMN gebied;"	/* 10 -> 11 */
	    " ALTER TABLE antwoorden DROP COLUMN gebied;"
	    " ALTER TABLE toewijzingen DROP COLUMN gebied;"
	    " PRAGMA user_version = 8"), 0);
	CHECK_EQ_INT(h_run(&e, &o, "restore", "--data", e.data, "--from",
	    junk, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM dc_history WHERE "
	    "geo = 'G0363' AND published = 5 AND withheld = 2"), 1);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(whoami(t1), 200);
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_db_count(&e, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM dc_history WHERE "
	    "geo = 'G0363' AND published = 5 AND withheld = 2"), 1);
	/* The copies the restore and the migration made: not for later. */
	while (find_prefixed(e.data, "sorttp.db.pre-", pre, sizeof(pre)) ==
	    0)
		unlink(pre);
}

/* The database back at schema 5 (before token lifecycle and key links). */
static void
make_old_schema(void)
{
	CHECK_EQ_INT(h_db_exec(&e, "ALTER TABLE parties DROP COLUMN "
	    "last_used_at; ALTER TABLE parties DROP COLUMN expires_at; "
	    "ALTER TABLE scores DROP COLUMN opt_out; "	/* 7 -> 8 */
	    "DROP TABLE dc_history; "			/* 8 -> 9 */
	    "ALTER TABLE scores DROP COLUMN gebied; "	/* 10 -> 11 */
	    "ALTER TABLE antwoorden DROP COLUMN gebied; "
	    "ALTER TABLE toewijzingen DROP COLUMN gebied; "
	    "DROP TABLE key_links; PRAGMA user_version = 5"), 0);
	CHECK_EQ_INT(h_db_count(&e, "PRAGMA user_version"), 5);
}

/*
 * Only serve (at start) and migrate change the schema, each after a
 * backup; every other command refuses an old schema and changes nothing.
 */
static void
test_migrations(void)
{
	static const char *const readers[][4] = {
		{ "party", "list", NULL },
		{ "indicators", "uitval", NULL },
	};
	struct h_out	 o;
	char		 dbp[H_PATH_MAX + 16], pre[H_PATH_MAX + 64];
	char		 t1[128];
	unsigned char	*before, *after;
	size_t		 blen = 0, alen = 0, i;

	snprintf(dbp, sizeof(dbp), "%s/sorttp.db", e.data);
	make_old_schema();
	before = read_bin(dbp, &blen);
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		CHECK_EQ_INT(h_run(&e, &o, readers[i][0], readers[i][1],
		    "--data", e.data, NULL), 1);
		CHECK(strstr(o.err, "older") != NULL &&
		    strstr(o.err, "sorttp migrate") != NULL &&
		    strstr(o.err, "Nothing was changed") != NULL);
		h_out_free(&o);
	}
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x", "--role", "monitor",
	    "--data", e.data, NULL), 1);
	h_out_free(&o);
	after = read_bin(dbp, &alen);
	CHECK(before != NULL && after != NULL && blen > 4096 && blen == alen &&
	    memcmp(before, after, blen) == 0);
	free(before);
	free(after);
	CHECK_EQ_INT(h_db_count(&e, "PRAGMA user_version"), 5);

	/* migrate: refused under a running daemon, else backup, migrate. */
	CHECK_EQ_INT(h_run(&e, &o, "migrate", "--data", e.data, NULL), 0);
	CHECK(strstr(o.out, "from version 5 to") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(find_prefixed(e.data, "sorttp.db.pre-migrate-", pre,
	    sizeof(pre)), 0);
	CHECK_EQ_INT(file_count(pre, "PRAGMA user_version"), 5);
	CHECK(h_db_count(&e, "PRAGMA user_version") > 5);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE "
	    "action = 'migrate' AND detail LIKE '{\"from\":5,%'"), 1);
	unlink(pre);
	CHECK_EQ_INT(h_run(&e, &o, "migrate", "--data", e.data, NULL), 0);
	CHECK(strstr(o.out, "up to date") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(find_prefixed(e.data, "sorttp.db.pre-migrate-", pre,
	    sizeof(pre)), -1);
	CHECK_EQ_INT(h_run(&e, &o, "party", "list", "--data", e.data, NULL),
	    0);
	h_out_free(&o);

	/* serve migrates at start, after its own backup. */
	make_old_schema();
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(find_prefixed(e.data, "sorttp.db.pre-migrate-", pre,
	    sizeof(pre)), 0);
	CHECK_EQ_INT(file_count(pre, "PRAGMA user_version"), 5);
	CHECK(h_db_count(&e, "PRAGMA user_version") > 5);
	CHECK_EQ_INT(h_party_add(&e, t1, sizeof(t1), "m1", "monitor", NULL),
	    0);
	CHECK_EQ_INT(whoami(t1), 200);
	CHECK_EQ_INT(h_run(&e, &o, "migrate", "--data", e.data, NULL), 1);
	CHECK(strstr(o.err, "running") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_stop(&e), 0);
}

/*
 * 1 when msg reads as Dutch: none of the English phrases the daemon used
 * to answer with, and at least one common Dutch word.
 */
static int
is_dutch(const char *msg)
{
	static const char *const english[] = {
		" the ", "must", " is not", "no such", "may not", "required",
		"this ", "your ", "cannot", "could not", "out of", " only",
		" and ", " or ", "send ", "needs", "unknown", "please"
	};
	static const char *const dutch[] = {
		"niet", "geen", "moet", "deze", "dit ", "uw ", "een ",
		"vereist", "bestaat", "verwacht", "ligt", "zijn", "verlopen"
	};
	char	low[512];
	size_t	i, n = 0;

	for (i = 0; msg[i] != '\0' && i + 2 < sizeof(low); i++)
		low[i + 1] = (char)tolower((unsigned char)msg[i]);
	low[0] = ' ';
	low[i + 1] = ' ';
	low[i + 2] = '\0';
	for (i = 0; i < sizeof(english) / sizeof(english[0]); i++)
		if (strstr(low, english[i]) != NULL)
			return 0;
	for (i = 0; i < sizeof(dutch) / sizeof(dutch[0]); i++)
		n += strstr(low, dutch[i]) != NULL;
	return n > 0;
}

/* One refused request: its status, code and a Dutch message. */
static void
expect_dutch(const char *method, const char *path, const char *token,
    const char *ctype, const char *body, long status, const char *code,
    const char *also)
{
	const char *const hdrs[] = { ctype, NULL };
	struct h_resp	r;
	char		want[96];
	const char	*m;

	h_request(&e, method, path, token, ctype ? hdrs : NULL, body,
	    body ? strlen(body) : 0, 0, &r);
	snprintf(want, sizeof(want), "{\"error\":\"%s\",\"message\":\"",
	    code);
	CHECK_EQ_INT(r.status, status);
	CHECK(r.body != NULL && strncmp(r.body, want, strlen(want)) == 0);
	m = r.body ? strstr(r.body, "\"message\":\"") : NULL;
	CHECK(m != NULL && is_dutch(m + 11));
	if (also != NULL)
		CHECK(m != NULL && strstr(m, also) != NULL);
	if (r.status != status || m == NULL || !is_dutch(m + 11))
		fprintf(stderr, "  %s %s -> %ld %s\n", method, path, r.status,
		    r.body ? r.body : "");
	h_resp_free(&r);
}

/* Every refusal the gate and the endpoints give has a Dutch message. */
static void
test_dutch_errors(void)
{
	char	mon[128], aan[128], ana[128], bv[128];

	CHECK(is_dutch("dit endpoint bestaat niet"));
	CHECK(!is_dutch("no such endpoint"));
	CHECK(!is_dutch("this endpoint does not accept this Content-Type"));
	CHECK_EQ_INT(h_party_add(&e, mon, sizeof(mon), "nl-mon", "monitor",
	    NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, aan, sizeof(aan), "nl-aan", "aanbieder",
	    "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, ana, sizeof(ana), "nl-ana", "analist",
	    "--scope", "cluster:DUO", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, bv, sizeof(bv), "nl-bv",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	expect_dutch("GET", "/v1/whoami", NULL, NULL, NULL, 401,
	    "unauthorized", NULL);
	expect_dutch("GET", "/v1/nothing", mon, NULL, NULL, 404, "not_found",
	    NULL);
	expect_dutch("POST", "/v1/whoami", mon, NULL, "x", 405,
	    "method_not_allowed", NULL);
	expect_dutch("GET", "/metrics", aan, NULL, NULL, 403, "forbidden",
	    NULL);
	expect_dutch("GET", "/v1/whoami", mon, "Content-Type: text/plain",
	    "body", 413, "body_too_large", NULL);
	expect_dutch("POST", "/v1/scores", aan, "Content-Type: "
	    "application/json", "{}", 415, "unsupported_media_type",
	    "text/csv");
	expect_dutch("POST", "/v1/messages", bv, "Content-Type: text/csv",
	    "a;b", 415, "unsupported_media_type", "application/xml, "
	    "text/xml of multipart/mixed");
	expect_dutch("GET", "/v1/uploads/u_0000000000000000", aan, NULL, NULL,
	    404, "not_found", NULL);
	expect_dutch("GET", "/v1/indicators/geluk", ana, NULL, NULL, 404,
	    "not_found", NULL);
	expect_dutch("GET", "/v1/indicators/uitval?by=planeet", ana, NULL,
	    NULL, 400, "bad_parameter", NULL);
	expect_dutch("GET", "/v1/indicators/uitval?from=2025-05&to=2025-01",
	    ana, NULL, NULL, 400, "bad_range", NULL);
	expect_dutch("GET", "/v1/indicators/uitval?gemeente=0363", ana, NULL,
	    NULL, 403, "out_of_scope", NULL);
	expect_dutch("GET", "/v1/indicators/uitval?by=regio", ana, NULL,
	    NULL, 403, "out_of_scope", NULL);
	expect_dutch("GET", "/v1/indicators/uitval", mon, NULL, NULL, 403,
	    "forbidden", NULL);
	expect_dutch("GET", "/v1/indicators/uitval?aanbieder=87654321", aan,
	    NULL, NULL, 403, "out_of_scope", NULL);
	CHECK_EQ_INT(h_stop(&e), 0);
}

/* sorttp audit over the trail the tests above left behind. */
static void
test_audit_export(void)
{
	struct h_out	 o;
	cJSON		*arr, *it, *v;
	int		 n = 0, bad = 0;

	CHECK_EQ_INT(h_run(&e, &o, "audit", "--data", e.data, NULL), 0);
	CHECK(strncmp(o.out, "id,at,party,role,action,detail\n", 31) == 0);
	CHECK(strstr(o.out, ",,,party_add,\"{\"\"name\"\":\"\"nl-mon\"\"") !=
	    NULL);
	CHECK(strstr(o.out, ",nl-ana,analist,indicator_query,") != NULL);
	CHECK(strstr(o.out, ",,,migrate,") != NULL);
	CHECK(strstr(o.out, "sorttp_") == NULL);	/* never a token */
	h_out_free(&o);

	CHECK_EQ_INT(h_run(&e, &o, "audit", "--data", e.data, "--party",
	    "nl-ana", "--format", "json", NULL), 0);
	arr = cJSON_Parse(o.out);
	CHECK(cJSON_IsArray(arr));
	cJSON_ArrayForEach(it, arr) {
		n++;
		v = cJSON_GetObjectItem(it, "party");
		if (!cJSON_IsString(v) || strcmp(v->valuestring, "nl-ana") != 0)
			bad++;
		v = cJSON_GetObjectItem(it, "action");
		if (!cJSON_IsString(v) ||
		    strcmp(v->valuestring, "indicator_query") != 0 ||
		    !cJSON_IsObject(cJSON_GetObjectItem(it, "detail")))
			bad++;
	}
	CHECK(n >= 2);		/* the two refused out_of_scope queries */
	CHECK_EQ_INT(bad, 0);
	cJSON_Delete(arr);
	h_out_free(&o);

	CHECK_EQ_INT(h_run(&e, &o, "audit", "--data", e.data, "--since",
	    "2999-01-01", "--format", "json", NULL), 0);
	arr = cJSON_Parse(o.out);
	CHECK(cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == 0);
	cJSON_Delete(arr);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "audit", "--data", e.data, "--until",
	    "2000-01-01T00:00:00Z", NULL), 0);
	CHECK_STR(o.out, "id,at,party,role,action,detail\n");
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "audit", "--data", e.data, "--since",
	    "gisteren", NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "audit", "--data", e.data, "--format",
	    "xml", NULL), 2);
	h_out_free(&o);
}

/*
 * The nth one-line JSON example ("example: {" or "value: {") after the
 * line "\n" + anchor in docs/openapi.yaml, parsed; NULL when absent.
 */
static cJSON *
doc_example(const char *doc, const char *anchor, int nth)
{
	const char	*p = strstr(doc, anchor), *q, *end;
	char		 line[1024];

	while (p != NULL && nth >= 0) {
		q = strstr(p, "example: {");
		end = strstr(p, "value: {");
		if (q == NULL || (end != NULL && end < q))
			q = end;
		if (q == NULL)
			return NULL;
		p = strchr(q, '{');
		if (nth-- == 0) {
			end = strchr(p, '\n');
			snprintf(line, sizeof(line), "%.*s",
			    (int)(end ? end - p : (long)strlen(p)), p);
			return cJSON_Parse(line);
		}
	}
	return NULL;
}

/* The example in the file equals the daemon's real answer. */
static void
same_as_doc(const char *doc, const char *anchor, int nth, const char *method,
    const char *path, const char *token, const char *ctype, long status)
{
	const char *const hdrs[] = { ctype, NULL };
	struct h_resp	 r;
	cJSON		*want = doc_example(doc, anchor, nth), *got;

	h_request(&e, method, path, token, ctype ? hdrs : NULL,
	    ctype ? "x" : NULL, ctype ? 1 : 0, 0, &r);
	CHECK_EQ_INT(r.status, status);
	got = r.body ? cJSON_Parse(r.body) : NULL;
	CHECK(want != NULL && got != NULL && cJSON_Compare(want, got, 1));
	if (want == NULL || got == NULL || !cJSON_Compare(want, got, 1))
		fprintf(stderr, "  docs/openapi.yaml %s example %d differs "
		    "from %s %s: %s\n", anchor + 1, nth, method, path,
		    r.body ? r.body : "");
	cJSON_Delete(want);
	cJSON_Delete(got);
	h_resp_free(&r);
}

static void
test_openapi_examples(void)
{
	char	 path[H_PATH_MAX], aan[128], ana[128];
	char	*doc;
	size_t	 len;

	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", SORTTP_SOURCE_DIR);
	doc = h_slurp(path, &len);
	CHECK(doc != NULL);
	if (doc == NULL)
		return;
	CHECK_EQ_INT(h_party_add(&e, aan, sizeof(aan), "zorg-a", "aanbieder",
	    "--agb", "12345678", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, ana, sizeof(ana), "analist-duo",
	    "analist", "--scope", "cluster:DUO", "--scope", "gemeente:0479",
	    NULL), 0);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	same_as_doc(doc, "\n  /healthz:", 0, "GET", "/healthz", NULL, NULL,
	    200);
	same_as_doc(doc, "\n  /readyz:", 0, "GET", "/readyz", NULL, NULL,
	    200);
	same_as_doc(doc, "\n  /v1/whoami:", 0, "GET", "/v1/whoami", aan, NULL,
	    200);
	same_as_doc(doc, "\n  /v1/whoami:", 1, "GET", "/v1/whoami", ana, NULL,
	    200);
	same_as_doc(doc, "\n    Unauthorized:", 0, "GET", "/v1/whoami", NULL,
	    NULL, 401);
	same_as_doc(doc, "\n    UnsupportedMediaType:", 0, "POST",
	    "/v1/scores", aan, "Content-Type: application/json", 415);
	CHECK_EQ_INT(h_stop(&e), 0);
	free(doc);
}

/*
 * Retention: the daemon purges at start and daily, sorttp purge on
 * demand; --dry-run changes nothing; every real purge is audited with
 * counts; receipts and the audit trail go by their own terms.
 */
static void
test_purge(const char *bin)
{
	static const char cfgjson[] = "{\"limits\": {"
	    "\"retention_detail_months\": 12, "
	    "\"retention_receipts_months\": 1, "
	    "\"retention_audit_months\": 12}}";
	struct h_env	 p;
	struct h_out	 o;
	char		 cfg[H_PATH_MAX + 32], cut[16];
	char		 q_old[160], q_new[160];
	long long	 before, n;
	time_t		 now = time(NULL) - 366 * 86400;
	struct tm	 tm;
	int		 i;

	h_setup(&p, bin);
	h_init(&p);
	CHECK_EQ_INT(h_run(&p, &o, "demo", "--data", p.data, "--clients",
	    "100", NULL), 0);
	h_out_free(&o);
	h_config(&p, "retention.json", cfgjson, cfg, sizeof(cfg));
	gmtime_r(&now, &tm);
	strftime(cut, sizeof(cut), "%Y%m%d", &tm);	/* a day before the cut */
	snprintf(q_old, sizeof(q_old), "SELECT count(*) FROM scores WHERE "
	    "meetdatum < %s", cut);
	snprintf(q_new, sizeof(q_new), "SELECT count(*) FROM scores WHERE "
	    "meetdatum > %s", cut);
	before = h_db_count(&p, "SELECT count(*) FROM scores");
	CHECK(h_db_count(&p, q_old) > 0 && h_db_count(&p, q_new) > 0);

	/* Disclosure history: a period long gone, and one still to come. */
	CHECK_EQ_INT(h_db_exec(&p, "INSERT INTO dc_history VALUES "
	    "('uitval', 2, 5, 'R', 0, 20051231, 1, 2), "
	    "('uitval', 2, 99, 'R', 0, 20991231, 1, 2)"), 0);

	/* A dry run counts and changes nothing, not even the audit trail. */
	CHECK_EQ_INT(h_run(&p, &o, "purge", "--data", p.data, "--config", cfg,
	    "--dry-run", NULL), 0);
	CHECK(strstr(o.out, "would delete: scores ") != NULL &&
	    strstr(o.out, "would delete: scores 0,") == NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM scores"), before);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM audit WHERE "
	    "action = 'purge'"), 0);

	/* The daemon purges soon after its start. */
	CHECK_EQ_INT(h_start(&p, cfg, NULL), 0);
	for (i = 0; i < 300 && h_db_count(&p, "SELECT count(*) FROM audit "
	    "WHERE action = 'purge'") < 1; i++)
		usleep(100 * 1000);
	CHECK_EQ_INT(h_stop(&p), 0);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM audit WHERE "
	    "action = 'purge' AND json_extract(detail, '$.scores') > 0"), 1);
	CHECK_EQ_INT(h_db_count(&p, q_old), 0);
	CHECK(h_db_count(&p, q_new) > 0);
	/* The disclosure history of periods before the cut went too. */
	snprintf(q_old, sizeof(q_old), "SELECT count(*) FROM dc_history "
	    "WHERE last_day < %s", cut);
	CHECK_EQ_INT(h_db_count(&p, q_old), 0);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM dc_history WHERE "
	    "last_day = 20991231 AND published = 1"), 1);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM trajecten WHERE "
	    "einddatum IS NOT NULL AND einddatum < 20200101"), 0);
	CHECK(h_db_count(&p, "SELECT count(*) FROM trajecten WHERE "
	    "einddatum IS NULL") > 0);	/* running ones are kept */

	/* Receipts and the audit trail by their own terms. */
	CHECK_EQ_INT(h_db_exec(&p, "UPDATE uploads SET created_at = "
	    "'2001-01-01T00:00:00Z' WHERE id = (SELECT min(id) FROM uploads)"),
	    0);
	CHECK_EQ_INT(h_db_exec(&p, "UPDATE audit SET at = "
	    "'2001-01-01T00:00:00Z' WHERE id = 1"), 0);
	n = h_db_count(&p, "SELECT count(*) FROM uploads");
	CHECK_EQ_INT(h_run(&p, &o, "purge", "--data", p.data, "--config", cfg,
	    NULL), 0);
	CHECK(strstr(o.out, "deleted: scores 0,") != NULL);
	CHECK(strstr(o.out, "uploads 1, audit 1") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM uploads"), n - 1);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM audit WHERE "
	    "at < '2002'"), 0);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM message_keys WHERE "
	    "upload_id NOT IN (SELECT id FROM uploads)"), 0);
	CHECK_EQ_INT(h_db_count(&p, "SELECT count(*) FROM audit WHERE "
	    "action = 'purge'"), 2);
	h_teardown(&p);
}

/* The value of the metrics line that starts with name (-1 if none). */
static double
metric(const char *text, const char *name)
{
	char		 want[256];
	const char	*p;

	snprintf(want, sizeof(want), "\n%s ", name);
	if ((p = strstr(text, want)) == NULL)
		return -1;
	return strtod(p + strlen(want), NULL);
}

static char *
scrape(const char *token)
{
	struct h_resp	 r;
	char		*text;

	h_request(&e, "GET", "/metrics", token, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	text = r.body ? strdup(r.body) : strdup("");
	h_resp_free(&r);
	return text;
}

/*
 * Feed health in /metrics: uploads by stream and outcome, the last
 * accepted time per role and per message type (kept across a restart),
 * and the indicator snapshot.
 */
static void
test_feed_metrics(void)
{
	static const char *const xml[] = { "Content-Type: application/xml",
	    NULL };
	static const char *const csv[] = { "Content-Type: text/csv", NULL };
	char		 path[H_PATH_MAX], mon[128], bv[128], aan[128];
	char		*msg, *m;
	size_t		 len;
	struct h_resp	 r;
	double		 t, t305;

	CHECK_EQ_INT(h_party_add(&e, mon, sizeof(mon), "feed-mon", "monitor",
	    NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, bv, sizeof(bv), "feed-bv",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, aan, sizeof(aan), "feed-aan",
	    "aanbieder", "--agb", "87654321", NULL), 0);
	snprintf(path, sizeof(path), "%s/tests/fixtures/ijw/jw305_v32.xml",
	    SORTTP_SOURCE_DIR);
	msg = h_slurp(path, &len);
	CHECK(msg != NULL);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	m = scrape(mon);
	CHECK(metric(m, "sorttp_feed_last_accepted_timestamp_seconds"
	    "{role=\"berichtenverkeer\"}") == 0);
	CHECK(metric(m, "sorttp_feed_uploads_total{stream=\"messages\","
	    "outcome=\"accepted\"}") == 0);
	free(m);

	h_request(&e, "POST", "/v1/messages", bv, xml, msg, len, 0, &r);
	CHECK_EQ_INT(r.status, 201);
	h_resp_free(&r);
	h_request(&e, "POST", "/v1/messages", bv, xml, msg, len, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	h_request(&e, "POST", "/v1/scores", aan, csv, "x", 1, 0, &r);
	CHECK(r.status == 400 || r.status == 422);
	h_resp_free(&r);
	h_request(&e, "GET", "/v1/indicators/uitval", aan, NULL, NULL, 0, 0,
	    &r);
	h_resp_free(&r);

	m = scrape(mon);
	CHECK(metric(m, "sorttp_feed_uploads_total{stream=\"messages\","
	    "outcome=\"accepted\"}") == 1);
	CHECK(metric(m, "sorttp_feed_uploads_total{stream=\"messages\","
	    "outcome=\"duplicate\"}") == 1);
	CHECK(metric(m, "sorttp_feed_uploads_total{stream=\"scores\","
	    "outcome=\"refused\"}") == 1);
	CHECK(metric(m, "sorttp_feed_accepted_total{stream=\"messages\","
	    "unit=\"messages\"}") == 1);
	t = metric(m, "sorttp_feed_last_accepted_timestamp_seconds"
	    "{role=\"berichtenverkeer\"}");
	CHECK(t > (double)time(NULL) - 600 && t <= (double)time(NULL) + 1);
	/*
	 * The type's time is taken when the message is stored, the role's
	 * when its answer is sent: the same second, or the one before.
	 */
	t305 = metric(m, "sorttp_feed_message_last_accepted_timestamp_seconds"
	    "{type=\"JW305\"}");
	CHECK(t305 >= t - 1 && t305 <= t);
	CHECK(metric(m, "sorttp_feed_message_last_accepted_timestamp_seconds"
	    "{type=\"JW301\"}") == 0);
	CHECK(metric(m, "sorttp_feed_last_accepted_timestamp_seconds"
	    "{role=\"aanbieder\"}") == 0);	/* refused: not accepted */
	CHECK(metric(m, "sorttp_indicator_snapshot_age_seconds") >= 0);
	CHECK(metric(m, "sorttp_indicator_snapshot_build_seconds") >= 0);
	free(m);

	/* A restart does not look like a silent feed. */
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	m = scrape(mon);
	CHECK(metric(m, "sorttp_feed_last_accepted_timestamp_seconds"
	    "{role=\"berichtenverkeer\"}") >= t - 1);
	CHECK(metric(m, "sorttp_feed_message_last_accepted_timestamp_seconds"
	    "{type=\"JW305\"}") >= t - 1);
	free(m);
	CHECK_EQ_INT(h_stop(&e), 0);
	free(msg);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_ops SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	test_backup_restore();
	test_migrations();
	test_dutch_errors();
	test_audit_export();
	test_openapi_examples();
	test_feed_metrics();
	test_purge(argv[1]);
	h_teardown(&e);
	return test_done("integration_ops");
}

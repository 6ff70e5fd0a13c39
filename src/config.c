/*
 * Configuration and reference data.
 *
 * The configuration is strict on purpose. An unknown or repeated key is an
 * error, so a misspelt limit cannot silently fall back to its default; a
 * number outside its bounds is an error, never clamped, so the daemon never
 * runs with a value nobody wrote down. Every message names the file, the
 * JSON path and the reason, because whoever reads it has only that line to
 * go on.
 *
 * A load builds a scratch copy and replaces the caller's configuration only
 * when everything, reference data included, has been validated: a failed
 * reload leaves the running configuration as it was.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <gnutls/gnutls.h>

#include "cellkey.h"
#include "config.h"
#include "dates.h"
#include "json_read.h"
#include "embedded.h"
#include "log.h"
#include "util.h"

#define CFG_EMBEDDED		"(embedded)"
#define CFG_MAIN_NAME		"sorttp.json"	/* embedded default config */
#define CFG_SHOW_MAX		80	/* bytes of a value in a message */
#define CFG_LEVEL_MAX		16

#define CFG_DEFAULT_LISTEN	"0.0.0.0:8443"
#define CFG_DEFAULT_CERT	"tls/cert.pem"
#define CFG_DEFAULT_KEY		"tls/key.pem"
#define CFG_DEFAULT_GEMEENTEN	"gemeenten.json"

const struct cfg_limit_def config_limit_defs[LIMIT__COUNT] = {
	[LIMIT_K] =			{ "k", 10, 5, 1000 },
	[LIMIT_CONN_TIMEOUT_S] =	{ "connection_timeout_s", 30, 1, 3600 },
	[LIMIT_CONN_MAX] =		{ "connections_max", 256, 1, 65535 },
	[LIMIT_CONN_PER_IP] =		{ "connections_per_ip", 32, 1, 65535 },
	[LIMIT_SHUTDOWN_GRACE_S] =	{ "shutdown_grace_s", 30, 0, 600 },
	[LIMIT_BODY_SCORES] =		{ "body_max_scores", 1073741824LL,
					    1024, 17179869184LL },
	[LIMIT_ROWS_SCORES] =		{ "rows_max_scores", 10000000,
					    1, 100000000 },
	[LIMIT_BODY_QUESTIONNAIRES] =	{ "body_max_questionnaires", 67108864,
					    1024, 1073741824LL },
	/* libxml2 parses from memory; parse_ijw caps a Bericht at 16 MiB. */
	[LIMIT_BODY_MESSAGES] =		{ "body_max_messages", 4194304,
					    1024, 16777216 },
	[LIMIT_ERRORS_MAX] =		{ "errors_max", 1000, 1, 100000 },
	/* SOR counts a new start within 4 months after the end (seed 000). */
	[LIMIT_HERINSTROOM_MONTHS] =	{ "herinstroom_months", 4, 1, 24 },
	[LIMIT_IND_REFRESH_S] =		{ "indicator_refresh_s", 10, 0, 3600 },
	[LIMIT_IND_MONTHS_MAX] =	{ "indicator_months_max", 120, 1, 600 },
	[LIMIT_IND_CACHE] =		{ "indicator_cache", 1024, 0, 65536 },
	/*
	 * Slow clients: libmicrohttpd's idle timeout restarts on every byte,
	 * so the headers get a deadline and a body a minimum average rate.
	 */
	[LIMIT_HEADER_TIMEOUT_S] =	{ "header_timeout_s", 10, 1, 600 },
	[LIMIT_BODY_GRACE_S] =		{ "body_grace_s", 10, 1, 3600 },
	[LIMIT_BODY_RATE_MIN] =		{ "body_rate_min", 16384, 1,
					    1073741824LL },
	/* Questionnaire and message bodies are held whole until parsed. */
	[LIMIT_BODY_MEMORY] =		{ "body_memory_max", 134217728LL,
					    1048576, 17179869184LL },
	[LIMIT_READY_LOCK_MS] =		{ "ready_lock_ms", 2000, 10, 60000 },
	[LIMIT_READY_FAIL_S] =		{ "ready_fail_s", 30, 1, 3600 },
	/*
	 * A batch is split as it streams: only the part being read is held
	 * (at most body_max_messages), so the body limit bounds how long one
	 * request may run rather than memory; the part count bounds the
	 * answer and the jobs waiting for the writer.
	 */
	[LIMIT_BODY_MESSAGE_BATCH] =	{ "body_max_message_batch", 268435456,
					    1024, 4294967296LL },
	[LIMIT_PARTS_MESSAGES] =	{ "parts_max_messages", 10000,
					    1, 1000000 },
	/* Day 1..28, so that every month has it. */
	[LIMIT_REPORT_DAY] =		{ "report_day", 1, 1, 28 },
	/* The handleiding keeps reports three weeks. */
	[LIMIT_REPORT_RETENTION_DAYS] =	{ "report_retention_days", 21, 1, 366 },
	/*
	 * Bewaartermijnen (sorttp purge, and daily in the daemon): detail
	 * records by the date of their measurement or their trajectory's
	 * end; receipts and the audit trail by the time they were written.
	 */
	[LIMIT_RETENTION_DETAIL_MONTHS] = { "retention_detail_months", 60,
					    12, 600 },
	[LIMIT_RETENTION_RECEIPTS_MONTHS] = { "retention_receipts_months", 24,
					    1, 600 },
	[LIMIT_RETENTION_AUDIT_MONTHS] = { "retention_audit_months", 84,
					    12, 600 },
	/* Issue #13: 30 minutes idle, 12 hours at most, like a working day. */
	[LIMIT_SESSION_IDLE_S] =	{ "session_idle_s", 1800, 1, 86400 },
	[LIMIT_SESSION_MAX_AGE_S] =	{ "session_max_age_s", 43200, 1,
					    604800 },
	[LIMIT_SESSIONS_MAX] =		{ "sessions_max", 4096, 1, 1000000 },
	/*
	 * Issue #16: after `sorttp key rotate` both keys pseudonymise for
	 * this long; it must exceed herinstroom_months (checked below), or
	 * a new start in the window could not link to an end before it.
	 */
	[LIMIT_KEY_OVERLAP_MONTHS] =	{ "key_overlap_months", 6, 1, 60 },
	/*
	 * Issue #15: a CEM+ response counts for an ended trajectory's
	 * aanlevering when filled in from 90 days before its end to 90 days
	 * after; JW307 stops arrive late, so uitval of a period stays
	 * voorlopig for 3 months after the period.
	 */
	[LIMIT_CEM_DAYS_BEFORE] =	{ "cem_window_days_before", 90, 0,
					    366 },
	[LIMIT_CEM_DAYS_AFTER] =	{ "cem_window_days_after", 90, 0, 366 },
	[LIMIT_UITVAL_VOORLOPIG_MONTHS] = { "uitval_voorlopig_months", 3, 0,
					    24 },
};

/*
 * Copies the string at obj.key into dst, leaving dst alone when the key is
 * absent and optional. Control characters are refused: these strings end
 * up in file paths, log lines and JSON answers.
 */
static int
cfg_string(struct jerr *e, const cJSON *obj, const char *path,
    const char *key, char *dst, size_t size, int flags)
{
	const char	*s;

	if (json_string(e, obj, path, key, flags | JSON_NOCONTROL, size,
	    &s) == -1)
		return -1;
	if (s != NULL)
		memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* 1 when s is exactly four ASCII digits. */
static int
cfg_is_code(const char *s)
{
	size_t	i;

	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[4] == '\0';
}

/* A gemeentecode: a string of four digits, leading zeros and all. */
static int
cfg_code(struct jerr *e, const cJSON *obj, const char *path,
    const char *key, char dst[5])
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX], show[CFG_SHOW_MAX];

	jerr_path(p, sizeof(p), path, key);
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return jerr_fail(e, p, "missing");
	/* A number would have lost its leading zero: say so. */
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return jerr_fail(e, p,
		    "expected a 4-digit code as a string, got %s",
		    jerr_type(v));
	if (!cfg_is_code(v->valuestring))
		return jerr_fail(e, p, "\"%s\" is not a 4-digit code",
		    jerr_clean(show, sizeof(show), v->valuestring));
	memcpy(dst, v->valuestring, 5);
	return 0;
}

/* 1 when s is a calendar date YYYY-MM-DD (dates.h: its year range). */
static int
cfg_is_date(const char *s)
{
	int	ymd;

	return strlen(s) == 10 && date_parse_iso(s, 10, &ymd) == 0;
}

/*
 * Reads limit l from obj, or takes its default when absent. cJSON keeps
 * numbers as doubles; every bound in the table is far below 2^53, so once
 * a value is inside its bounds the conversion and the integer test are
 * exact.
 */
static int
cfg_limit_read(struct jerr *e, const cJSON *obj, const char *path,
    enum cfg_limit l, long long *out)
{
	const struct cfg_limit_def	*d = &config_limit_defs[l];
	const cJSON			*v;
	char				 p[JERR_PATH_MAX];
	double				 x;

	*out = d->def;
	if (obj == NULL ||
	    (v = cJSON_GetObjectItemCaseSensitive(obj, d->name)) == NULL)
		return 0;
	jerr_path(p, sizeof(p), path, d->name);
	if (!cJSON_IsNumber(v))
		return jerr_fail(e, p, "expected an integer in %lld..%lld, "
		    "got %s", d->min, d->max, jerr_type(v));
	x = v->valuedouble;
	if (!(x >= (double)d->min && x <= (double)d->max))
		return jerr_fail(e, p, "%.15g is out of range %lld..%lld", x,
		    d->min, d->max);
	if (x != (double)(long long)x)
		return jerr_fail(e, p, "%.15g is not an integer (allowed "
		    "%lld..%lld)", x, d->min, d->max);
	*out = (long long)x;
	return 0;
}

/* Limits live under "limits", except k, the one everybody must see. */
static int
cfg_limit_toplevel(enum cfg_limit l)
{
	return l == LIMIT_K;
}

static int
cfg_parse_limits(struct jerr *e, const cJSON *root, struct config *cfg)
{
	const char	*names[LIMIT__COUNT + 1];
	const cJSON	*limits;
	size_t		 n = 0;
	int		 i;

	if (json_object(e, root, "", "limits", &limits) == -1)
		return -1;
	for (i = 0; i < LIMIT__COUNT; i++)
		if (!cfg_limit_toplevel((enum cfg_limit)i))
			names[n++] = config_limit_defs[i].name;
	names[n] = NULL;
	if (limits != NULL && json_keys(e, limits, "limits", names) == -1)
		return -1;
	for (i = 0; i < LIMIT__COUNT; i++) {
		if (cfg_limit_toplevel((enum cfg_limit)i)) {
			if (cfg_limit_read(e, root, "", (enum cfg_limit)i,
			    &cfg->limits[i]) == -1)
				return -1;
		} else if (cfg_limit_read(e, limits, "limits",
		    (enum cfg_limit)i, &cfg->limits[i]) == -1)
			return -1;
	}
	if (cfg->limits[LIMIT_KEY_OVERLAP_MONTHS] <=
	    cfg->limits[LIMIT_HERINSTROOM_MONTHS])
		return jerr_fail(e, "limits.key_overlap_months", "%lld must "
		    "be longer than herinstroom_months (%lld): a client's new "
		    "start would not link to an end before a key rotation",
		    cfg->limits[LIMIT_KEY_OVERLAP_MONTHS],
		    cfg->limits[LIMIT_HERINSTROOM_MONTHS]);
	return 0;
}

static int
cfg_parse_tls(struct jerr *e, const cJSON *root, struct config *cfg)
{
	static const char *const keys[] = { "cert", "key", "client_ca",
	    "priorities", NULL };
	gnutls_priority_t	 prio;
	const cJSON	*tls;
	const char	*where = NULL;
	char		 show[CFG_SHOW_MAX];

	if (json_object(e, root, "", "tls", &tls) == -1)
		return -1;
	if (tls == NULL)
		return 0;
	if (json_keys(e, tls, "tls", keys) == -1 ||
	    cfg_string(e, tls, "tls", "cert", cfg->tls_cert,
	    sizeof(cfg->tls_cert), JSON_NONEMPTY) == -1 ||
	    cfg_string(e, tls, "tls", "key", cfg->tls_key,
	    sizeof(cfg->tls_key), JSON_NONEMPTY) == -1 ||
	    cfg_string(e, tls, "tls", "client_ca", cfg->tls_client_ca,
	    sizeof(cfg->tls_client_ca), 0) == -1 ||
	    cfg_string(e, tls, "tls", "priorities", cfg->tls_priorities,
	    sizeof(cfg->tls_priorities), JSON_NONEMPTY) == -1)
		return -1;
	/* GnuTLS itself is the judge of a priority string. */
	if (gnutls_priority_init(&prio, cfg->tls_priorities, &where) < 0)
		return jerr_fail(e, "tls.priorities", "not a valid GnuTLS "
		    "priority string (at \"%s\")",
		    jerr_clean(show, sizeof(show), where != NULL ? where : ""));
	gnutls_priority_deinit(prio);
	return 0;
}

/* The optional boolean at obj.key; *out is left alone when absent. */
static int
cfg_bool(struct jerr *e, const cJSON *obj, const char *key, int *out)
{
	const cJSON	*v;

	if ((v = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return 0;
	if (!cJSON_IsBool(v))
		return jerr_fail(e, key, "expected true or false, got %s",
		    jerr_type(v));
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return 0;
}

/*
 * Where the key lives, whether a key inside the data folder is refused,
 * and the least-privilege settings of serve: the user it switches to and
 * what its seccomp filter does with a forbidden call.
 */
static int
cfg_parse_security(struct jerr *e, const cJSON *root, struct config *cfg)
{
	char	 mode[8] = "";

	if (cfg_string(e, root, "", "key_file", cfg->key_file,
	    sizeof(cfg->key_file), JSON_NONEMPTY) == -1 ||
	    cfg_bool(e, root, "production", &cfg->production) == -1 ||
	    cfg_string(e, root, "", "user", cfg->user, sizeof(cfg->user),
	    JSON_NONEMPTY) == -1 ||
	    cfg_string(e, root, "", "seccomp", mode, sizeof(mode),
	    JSON_NONEMPTY) == -1)
		return -1;
	if (mode[0] == '\0' || strcmp(mode, "kill") == 0)
		cfg->seccomp = CFG_SECCOMP_KILL;
	else if (strcmp(mode, "log") == 0)
		cfg->seccomp = CFG_SECCOMP_LOG;
	else
		return jerr_fail(e, "seccomp", "\"%s\" is not one of kill, "
		    "log", mode);
	return 0;
}

/* A number of the cellkey block; integer: it must be whole. */
static int
cfg_ck_number(struct jerr *e, const cJSON *ck, const char *key, int integer,
    double *out)
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX];

	if ((v = cJSON_GetObjectItemCaseSensitive(ck, key)) == NULL)
		return 0;
	jerr_path(p, sizeof(p), "cellkey", key);
	if (!cJSON_IsNumber(v) || (integer && (!(fabs(v->valuedouble) <
	    1e9) || v->valuedouble != (double)(long long)v->valuedouble)))
		return jerr_fail(e, p, "moet %s zijn, niet %s", integer ?
		    "een geheel getal" : "een getal", jerr_type(v));
	*out = v->valuedouble;
	return 0;
}

/*
 * "disclosure": "suppression" (the default) or "cellkey", and the
 * "cellkey" block with the parameters of the perturbation table. The
 * block is checked even when suppression is chosen, so that switching
 * never meets an error first found then. Messages in Dutch: the people
 * who choose these parameters read them (sorttp check-config).
 */
static int
cfg_parse_disclosure(struct jerr *e, const cJSON *root, struct config *cfg)
{
	static const char *const keys[] = { "max_deviation", "variance",
	    "js", NULL };
	const cJSON	*ck;
	char		 mode[16] = "", msg[256], show[CFG_SHOW_MAX];
	double		 d = CK_DEFAULT_D, v = CK_DEFAULT_V, js = CK_DEFAULT_JS;

	if (cfg_string(e, root, "", "disclosure", mode, sizeof(mode),
	    JSON_NONEMPTY) == -1)
		return -1;
	if (mode[0] == '\0' || strcmp(mode, "suppression") == 0)
		cfg->disclosure = CFG_DISCLOSURE_SUPPRESSION;
	else if (strcmp(mode, "cellkey") == 0)
		cfg->disclosure = CFG_DISCLOSURE_CELLKEY;
	else
		return jerr_fail(e, "disclosure", "\"%s\" is geen methode; "
		    "kies suppression of cellkey",
		    jerr_clean(show, sizeof(show), mode));
	if (json_object(e, root, "", "cellkey", &ck) == -1)
		return -1;
	if (ck != NULL && (json_keys(e, ck, "cellkey", keys) == -1 ||
	    cfg_ck_number(e, ck, "max_deviation", 1, &d) == -1 ||
	    cfg_ck_number(e, ck, "variance", 0, &v) == -1 ||
	    cfg_ck_number(e, ck, "js", 1, &js) == -1))
		return -1;
	if (ck_check((long long)d, v, (long long)js, msg, sizeof(msg)) == -1)
		return jerr_fail(e, NULL, "%s", msg);
	cfg->ck_max_deviation = (long long)d;
	cfg->ck_variance = v;
	cfg->ck_js = (long long)js;
	return 0;
}

/*
 * "publicatie": per level of geography, the finest period of one
 * aanbieder's figures (maand, kwartaal, jaar) or geen. Dutch messages, as
 * for "disclosure": the region's privacy officer chooses these.
 */
static int
cfg_parse_publicatie(struct jerr *e, const cJSON *root, struct config *cfg)
{
	static const char *const keys[] = { "aanbieder_gemeente",
	    "aanbieder_cluster", "aanbieder_regio", NULL };
	static const char *const grains[] = { "maand", "kwartaal", "jaar",
	    "geen" };
	const cJSON	*pub;
	char		 v[16], p[JERR_PATH_MAX], show[CFG_SHOW_MAX];
	int		 l, g;

	if (json_object(e, root, "", "publicatie", &pub) == -1)
		return -1;
	if (pub == NULL)
		return 0;
	if (json_keys(e, pub, "publicatie", keys) == -1)
		return -1;
	for (l = 0; l < CFG_PUB__NLEVELS; l++) {
		v[0] = '\0';
		if (cfg_string(e, pub, "publicatie", keys[l], v, sizeof(v),
		    JSON_NONEMPTY) == -1)
			return -1;
		if (v[0] == '\0')
			continue;
		for (g = 0; g <= CFG_PUB_NONE && strcmp(v, grains[g]) != 0;
		    g++)
			;
		if (g > CFG_PUB_NONE) {
			jerr_path(p, sizeof(p), "publicatie", keys[l]);
			return jerr_fail(e, p, "\"%s\" is geen periode; kies "
			    "maand, kwartaal, jaar of geen",
			    jerr_clean(show, sizeof(show), v));
		}
		/*
		 * The monthly report of an aanbieder (report.c) shows its
		 * figures per cluster, by month or else by quarter.
		 */
		if (l == CFG_PUB_CLUSTER && g > 1) {
			jerr_path(p, sizeof(p), "publicatie", keys[l]);
			return jerr_fail(e, p, "\"%s\" kan hier niet: het "
			    "maandrapport van een aanbieder toont zijn cijfers "
			    "per cluster per maand of per kwartaal; kies maand "
			    "of kwartaal", v);
		}
		cfg->pub_aanbieder[l] = g;
	}
	return 0;
}

/*
 * Parses the main config into cfg and the name of the gemeenten file into
 * gem (left alone when the config names none).
 */
static int
cfg_parse_main(struct jerr *e, const cJSON *root, struct config *cfg,
    char *gem, size_t gemsize, char *aanb, size_t aanbsize, char *geb,
    size_t gebsize)
{
	static const char *const top[] = {
		"listen", "tls", "k", "log_level", "limits", "reference",
		"key_file", "production", "user", "seccomp", "disclosure",
		"cellkey", "publicatie", NULL
	};
	static const char *const refkeys[] = { "gemeenten", "questionnaires",
	    "aanbieders", "gebieden", NULL };
	const cJSON	*ref;
	char		 host[CFG_LISTEN_MAX], level[CFG_LEVEL_MAX];
	char		 show[CFG_SHOW_MAX];
	unsigned	 port;

	if (!cJSON_IsObject(root))
		return jerr_fail(e, NULL, "expected a JSON object, got %s",
		    jerr_type(root));
	if (json_keys(e, root, "", top) == -1)
		return -1;

	if (cfg_string(e, root, "", "listen", cfg->listen,
	    sizeof(cfg->listen), JSON_NONEMPTY) == -1)
		return -1;
	if (config_parse_listen(cfg->listen, host, sizeof(host), &port) == -1)
		return jerr_fail(e, "listen", "\"%s\" is not ADDR:PORT or "
		    "[IPV6]:PORT with a port in 0..65535",
		    jerr_clean(show, sizeof(show), cfg->listen));

	if (cfg_parse_tls(e, root, cfg) == -1 ||
	    cfg_parse_security(e, root, cfg) == -1 ||
	    cfg_parse_limits(e, root, cfg) == -1 ||
	    cfg_parse_disclosure(e, root, cfg) == -1 ||
	    cfg_parse_publicatie(e, root, cfg) == -1)
		return -1;

	level[0] = '\0';
	if (cfg_string(e, root, "", "log_level", level, sizeof(level),
	    JSON_NONEMPTY) == -1)
		return -1;
	if (level[0] != '\0' && log_level_parse(level, &cfg->log_level) == -1)
		return jerr_fail(e, "log_level", "\"%s\" is not one of error, "
		    "warn, info, debug", level);

	if (json_object(e, root, "", "reference", &ref) == -1)
		return -1;
	if (ref != NULL && (json_keys(e, ref, "reference", refkeys) == -1 ||
	    cfg_string(e, ref, "reference", "gemeenten", gem, gemsize,
	    JSON_NONEMPTY) == -1 ||
	    cfg_string(e, ref, "reference", "questionnaires",
	    cfg->questionnaires, sizeof(cfg->questionnaires),
	    JSON_NONEMPTY) == -1 ||
	    cfg_string(e, ref, "reference", "aanbieders", aanb, aanbsize,
	    JSON_NONEMPTY) == -1 ||
	    cfg_string(e, ref, "reference", "gebieden", geb, gebsize,
	    JSON_NONEMPTY) == -1))
		return -1;
	return 0;
}

static const struct cfg_gemeente *
cfg_find_current(const struct cfg_refdata *ref, const char *code)
{
	size_t	i;

	for (i = 0; i < ref->ngemeenten; i++)
		if (memcmp(ref->gemeenten[i].code, code, 4) == 0)
			return &ref->gemeenten[i];
	return NULL;
}

static const struct cfg_retired *
cfg_find_retired(const struct cfg_refdata *ref, const char *code)
{
	size_t	i;

	for (i = 0; i < ref->nretired; i++)
		if (memcmp(ref->retired[i].code, code, 4) == 0)
			return &ref->retired[i];
	return NULL;
}

static int
cfg_parse_gemeente(struct jerr *e, const cJSON *obj, const char *path,
    size_t cluster, struct cfg_refdata *ref)
{
	static const char *const keys[] = { "code", "naam", NULL };
	struct cfg_gemeente		*g;
	const struct cfg_gemeente	*dup;
	char				 p[JERR_PATH_MAX];

	if (ref->ngemeenten == CFG_MAX_GEMEENTEN)
		return jerr_fail(e, path, "more than %d gemeenten in all",
		    CFG_MAX_GEMEENTEN);
	if (!cJSON_IsObject(obj))
		return jerr_fail(e, path, "expected an object, got %s",
		    jerr_type(obj));
	g = &ref->gemeenten[ref->ngemeenten];
	if (json_keys(e, obj, path, keys) == -1 ||
	    cfg_code(e, obj, path, "code", g->code) == -1 ||
	    cfg_string(e, obj, path, "naam", g->naam, sizeof(g->naam),
	    JSON_REQUIRED | JSON_NONEMPTY) == -1)
		return -1;
	if ((dup = cfg_find_current(ref, g->code)) != NULL) {
		jerr_path(p, sizeof(p), path, "code");
		return jerr_fail(e, p, "\"%s\" is already the code of %s",
		    g->code, dup->naam);
	}
	g->cluster = cluster;
	ref->ngemeenten++;
	return 0;
}

static int
cfg_parse_cluster(struct jerr *e, const cJSON *obj, const char *path,
    struct cfg_refdata *ref)
{
	static const char *const keys[] = { "naam", "gemeenten", NULL };
	struct cfg_cluster	*c;
	const cJSON		*gs, *g;
	char			 p[JERR_PATH_MAX];
	size_t			 i;

	if (!cJSON_IsObject(obj))
		return jerr_fail(e, path, "expected an object, got %s",
		    jerr_type(obj));
	c = &ref->clusters[ref->nclusters];
	if (json_keys(e, obj, path, keys) == -1 ||
	    cfg_string(e, obj, path, "naam", c->name, sizeof(c->name),
	    JSON_REQUIRED | JSON_NONEMPTY) == -1)
		return -1;
	for (i = 0; i < ref->nclusters; i++) {
		if (strcmp(ref->clusters[i].name, c->name) == 0) {
			jerr_path(p, sizeof(p), path, "naam");
			return jerr_fail(e, p, "\"%s\" is also the name of "
			    "clusters[%zu]", c->name, i);
		}
	}
	if (json_array(e, obj, path, "gemeenten", CFG_MAX_GEMEENTEN, 1,
	    &gs) == -1)
		return -1;
	i = 0;
	cJSON_ArrayForEach(g, gs) {
		jerr_index(p, sizeof(p), path, "gemeenten", i++);
		if (cfg_parse_gemeente(e, g, p, ref->nclusters, ref) == -1)
			return -1;
	}
	ref->nclusters++;
	return 0;
}

/* Called after all clusters, so "current" means the whole table. */
static int
cfg_parse_retired(struct jerr *e, const cJSON *obj, const char *path,
    struct cfg_refdata *ref)
{
	static const char *const keys[] = {
		"code", "naam", "nieuw", "sinds", NULL
	};
	struct cfg_retired		*r;
	const struct cfg_gemeente	*g;
	const char			*sinds;
	char				 p[JERR_PATH_MAX];
	char				 show[CFG_SHOW_MAX];

	if (!cJSON_IsObject(obj))
		return jerr_fail(e, path, "expected an object, got %s",
		    jerr_type(obj));
	r = &ref->retired[ref->nretired];
	if (json_keys(e, obj, path, keys) == -1 ||
	    cfg_code(e, obj, path, "code", r->code) == -1 ||
	    cfg_string(e, obj, path, "naam", r->naam, sizeof(r->naam),
	    JSON_REQUIRED | JSON_NONEMPTY) == -1 ||
	    cfg_code(e, obj, path, "nieuw", r->nieuw) == -1 ||
	    json_string(e, obj, path, "sinds", JSON_REQUIRED, 0, &sinds) == -1)
		return -1;
	jerr_path(p, sizeof(p), path, "code");
	if ((g = cfg_find_current(ref, r->code)) != NULL)
		return jerr_fail(e, p, "\"%s\" is also the current code of %s",
		    r->code, g->naam);
	if (cfg_find_retired(ref, r->code) != NULL)
		return jerr_fail(e, p, "\"%s\" is already listed as retired",
		    r->code);
	if (cfg_find_current(ref, r->nieuw) == NULL) {
		jerr_path(p, sizeof(p), path, "nieuw");
		return jerr_fail(e, p, "\"%s\" is not a current code",
		    r->nieuw);
	}
	if (!cfg_is_date(sinds)) {
		jerr_path(p, sizeof(p), path, "sinds");
		return jerr_fail(e, p, "\"%s\" is not a date YYYY-MM-DD",
		    jerr_clean(show, sizeof(show), sinds));
	}
	memcpy(r->sinds, sinds, sizeof(r->sinds));
	ref->nretired++;
	return 0;
}

static int
cfg_parse_gemeenten(struct jerr *e, const cJSON *root,
    struct cfg_refdata *ref)
{
	static const char *const keys[] = { "clusters", "opgeheven", NULL };
	const cJSON	*clusters, *retired, *v;
	char		 p[JERR_PATH_MAX];
	size_t		 i;

	if (!cJSON_IsObject(root))
		return jerr_fail(e, NULL, "expected a JSON object, got %s",
		    jerr_type(root));
	if (json_keys(e, root, "", keys) == -1 ||
	    json_array(e, root, "", "clusters", CFG_MAX_CLUSTERS, 1,
	    &clusters) == -1 ||
	    json_array(e, root, "", "opgeheven", CFG_MAX_RETIRED, 0,
	    &retired) == -1)
		return -1;
	i = 0;
	cJSON_ArrayForEach(v, clusters) {
		jerr_index(p, sizeof(p), "", "clusters", i++);
		if (cfg_parse_cluster(e, v, p, ref) == -1)
			return -1;
	}
	i = 0;
	cJSON_ArrayForEach(v, retired) {
		jerr_index(p, sizeof(p), "", "opgeheven", i++);
		if (cfg_parse_retired(e, v, p, ref) == -1)
			return -1;
	}
	return 0;
}

/*
 * Parses one JSON document: the file at path, or, when path is NULL, the
 * embedded file with base name name. The caller frees *out.
 */
static int
cfg_parse_source(struct jerr *e, const char *path, const char *name,
    cJSON **out)
{
	const struct embedded_file	*ef;
	const char			*text;
	char				*data = NULL;
	size_t				 len;
	int				 rc;

	*out = NULL;
	if (path == NULL) {
		if ((ef = embedded_find(name)) == NULL)
			return jerr_fail(e, NULL, "no such embedded file");
		text = ef->data;
		len = ef->len;
	} else {
		if (json_read_file(e, path, CFG_FILE_MAX, &data, &len) == -1)
			return -1;
		text = data;
	}
	rc = json_parse(e, text, len, JSON_AT_LINE, out);
	free(data);
	return rc;
}

/*
 * Where the reference file named ref in the config at cfgpath lives. With
 * the embedded default, a relative name denotes an embedded file (by base
 * name, set in out with *embedded = 1), so the binary runs from anywhere;
 * with --config FILE it resolves against FILE's directory, so a config
 * folder can be moved as a whole. Absolute names are used as they are.
 */
static int
cfg_ref_resolve(const char *cfgpath, const char *ref, char *out, size_t size,
    int *embedded)
{
	const char	*slash;
	size_t		 dirlen;
	int		 n;

	*embedded = 0;
	if (ref[0] == '/')
		return jerr_copy(out, size, ref);
	if (cfgpath == NULL) {
		*embedded = 1;
		slash = strrchr(ref, '/');
		return jerr_copy(out, size, slash != NULL ? slash + 1 : ref);
	}
	slash = strrchr(cfgpath, '/');
	dirlen = slash != NULL ? (size_t)(slash - cfgpath) + 1 : 0;
	if (dirlen >= size)
		return -1;
	n = snprintf(out, size, "%.*s%s", (int)dirlen, cfgpath, ref);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

static int
cfg_load_gemeenten(struct jerr *parent, const char *cfgpath,
    const char *ref, struct cfg_refdata *out)
{
	struct jerr	 e = *parent;
	cJSON		*root = NULL;
	char		 path[CFG_PATH_MAX], label[CFG_PATH_MAX + 16];
	int		 embedded, n, rc = -1;

	if (cfg_ref_resolve(cfgpath, ref, path, sizeof(path), &embedded) == -1)
		return jerr_fail(parent, "reference.gemeenten",
		    "path longer than %d characters", CFG_PATH_MAX - 1);
	if (embedded) {
		n = snprintf(label, sizeof(label), "%s %s", CFG_EMBEDDED,
		    path);
		jerr_cut(label, sizeof(label), n);
		e.file = label;
	} else
		e.file = path;
	if (cfg_parse_source(&e, embedded ? NULL : path, path, &root) == -1 ||
	    cfg_parse_gemeenten(&e, root, out) == -1)
		goto fail;
	rc = 0;
fail:
	cJSON_Delete(root);
	return rc;
}

/* "1011" or "1011-1018" into a range of 4-digit postcodes; -1 if not. */
static int
cfg_pc_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	size_t	n = strlen(s);
	long long	a, b;

	if ((n != 4 && n != 9) || strspn(s, "0123456789") != 4 ||
	    (n == 9 && (s[4] != '-' || strspn(s + 5, "0123456789") != 4)))
		return -1;
	if (util_memtonum(s, 4, 1000, 9999, &a) == -1 ||
	    util_memtonum(n == 9 ? s + 5 : s, 4, 1000, 9999, &b) == -1 ||
	    b < a)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/*
 * Opens the reference file ref of setting `setting`: resolved beside the
 * configuration, parsed, a JSON object with only the keys in top, and its
 * list `key` of at most max entries (required: at least one). e->file
 * then points into path, which the caller keeps while it uses e; *root is
 * the caller's to free, also on failure.
 */
static int
cfg_ref_list(struct jerr *parent, struct jerr *e, const char *cfgpath,
    const char *ref, const char *setting, const char *const *top,
    const char *key, int max, int required, char *path, size_t pathlen,
    cJSON **root, const cJSON **list)
{
	int	embedded;

	if (cfg_ref_resolve(cfgpath, ref, path, pathlen, &embedded) == -1)
		return jerr_fail(parent, setting,
		    "path longer than %d characters", CFG_PATH_MAX - 1);
	e->file = path;
	if (cfg_parse_source(e, embedded ? NULL : path, path, root) == -1)
		return -1;
	if (!cJSON_IsObject(*root))
		return jerr_fail(e, NULL, "expected a JSON object, got %s",
		    jerr_type(*root));
	if (json_keys(e, *root, "", top) == -1 ||
	    json_array(e, *root, "", key, max, required, list) == -1)
		return -1;
	return 0;
}

/*
 * reference.gebieden, when the config names it (gebied.h): {"gebieden":
 * [{"gemeente": "0363", "nummer": 1, "naam": "Centrum", "postcodes":
 * ["1011-1018", "1019"]}]}. The ranges of one gemeente's areas may not
 * overlap; a postcode in none of them is the rest of the gemeente.
 */
static int
cfg_load_gebieden(struct jerr *parent, const char *cfgpath,
    const char *ref, struct cfg_refdata *out)
{
	static const char *const top[] = { "gebieden", NULL };
	static const char *const keys[] = { "gemeente", "nummer", "naam",
	    "postcodes", NULL };
	struct jerr		 e = *parent;
	struct cfg_gebied	*g;
	const struct cfg_gemeente *gm;
	const cJSON		*list, *v, *pcs, *pc;
	cJSON			*root = NULL;
	char			 path[CFG_PATH_MAX], p[JERR_PATH_MAX];
	char			 q[JERR_PATH_MAX];
	const char		*gem;
	int			 rc = -1, present;
	size_t			 i, j, k, r;

	if (ref[0] == '\0')
		return 0;
	if (cfg_ref_list(parent, &e, cfgpath, ref, "reference.gebieden", top,
	    "gebieden", CFG_MAX_GEBIEDEN, 0, path, sizeof(path), &root,
	    &list) == -1)
		goto fail;
	i = 0;
	cJSON_ArrayForEach(v, list) {
		jerr_index(p, sizeof(p), "", "gebieden", i++);
		g = &out->gebieden[out->ngebieden];
		if (!cJSON_IsObject(v)) {
			jerr_fail(&e, p, "expected an object, got %s",
			    jerr_type(v));
			goto fail;
		}
		if (json_keys(&e, v, p, keys) == -1 ||
		    json_string(&e, v, p, "gemeente", JSON_REQUIRED |
		    JSON_NOCONTROL, 5, &gem) == -1 ||
		    json_int(&e, v, p, "nummer", 1, 99, &g->nummer,
		    &present) == -1 ||
		    cfg_string(&e, v, p, "naam", g->naam, sizeof(g->naam),
		    JSON_REQUIRED | JSON_NONEMPTY) == -1 ||
		    json_array(&e, v, p, "postcodes", CFG_MAX_PC_RANGES, 1,
		    &pcs) == -1)
			goto fail;
		if (!present) {
			jerr_fail(&e, p, "nummer (1..99) is required");
			goto fail;
		}
		if ((gm = cfg_find_current(out, gem)) == NULL ||
		    strlen(gem) != 4) {
			jerr_fail(&e, p, "gemeente must be the 4-digit code of "
			    "a current gemeente of the region");
			goto fail;
		}
		g->gemeente = (size_t)(gm - out->gemeenten);
		for (j = 0; j < out->ngebieden; j++)
			if (out->gebieden[j].gemeente == g->gemeente &&
			    out->gebieden[j].nummer == g->nummer) {
				jerr_fail(&e, p, "gemeente %s has nummer %d "
				    "twice", gm->code, g->nummer);
				goto fail;
			}
		g->r0 = (uint16_t)out->npc;
		g->nr = 0;
		k = 0;
		cJSON_ArrayForEach(pc, pcs) {
			jerr_index(q, sizeof(q), p, "postcodes", k++);
			if (out->npc == CFG_MAX_PC_RANGES) {
				jerr_fail(&e, q, "more than %d postcode ranges "
				    "in all", CFG_MAX_PC_RANGES);
				goto fail;
			}
			if (!cJSON_IsString(pc) || cfg_pc_range(pc->valuestring,
			    &out->pc_lo[out->npc], &out->pc_hi[out->npc]) ==
			    -1) {
				jerr_fail(&e, q, "expected \"NNNN\" or "
				    "\"NNNN-NNNN\": 4-digit postcodes from "
				    "1000, the first not above the second");
				goto fail;
			}
			/* No overlap with the gemeente's other ranges. */
			for (j = 0; j <= out->ngebieden; j++) {
				const struct cfg_gebied *o = &out->gebieden[j];

				if (j < out->ngebieden &&
				    o->gemeente != g->gemeente)
					continue;
				for (r = o->r0; r < (size_t)o->r0 +
				    (j == out->ngebieden ? g->nr : o->nr); r++)
					if (out->pc_lo[r] <=
					    out->pc_hi[out->npc] &&
					    out->pc_lo[out->npc] <=
					    out->pc_hi[r]) {
						jerr_fail(&e, q, "overlaps "
						    "another range of "
						    "gemeente %s", gm->code);
						goto fail;
					}
			}
			out->npc++;
			g->nr++;
		}
		out->ngebieden++;
	}
	rc = 0;
fail:
	cJSON_Delete(root);
	return rc;
}

/*
 * reference.aanbieders, when the config names it: {"aanbieders": [{"agb":
 * "12345678", "naam": "..."}]}, the names shown beside AGB codes. A file
 * rather than a party attribute, because many aanbieders deliver through
 * Berg op or berichtenverkeer and have no party of their own.
 */
static int
cfg_load_aanbieders(struct jerr *parent, const char *cfgpath,
    const char *ref, struct cfg_refdata *out)
{
	static const char *const top[] = { "aanbieders", NULL };
	static const char *const keys[] = { "agb", "naam", NULL };
	struct jerr		 e = *parent;
	struct cfg_aanbieder	*a;
	const cJSON		*list, *v;
	cJSON			*root = NULL;
	char			 path[CFG_PATH_MAX], p[JERR_PATH_MAX];
	const char		*agb;
	int			 rc = -1;
	size_t			 i, j;

	if (ref[0] == '\0')
		return 0;
	if (cfg_ref_list(parent, &e, cfgpath, ref, "reference.aanbieders",
	    top, "aanbieders", CFG_MAX_AANBIEDERS, 1, path, sizeof(path), &root,
	    &list) == -1)
		goto fail;
	i = 0;
	cJSON_ArrayForEach(v, list) {
		jerr_index(p, sizeof(p), "", "aanbieders", i++);
		a = &out->aanbieders[out->naanbieders];
		if (!cJSON_IsObject(v)) {
			jerr_fail(&e, p, "expected an object, got %s",
			    jerr_type(v));
			goto fail;
		}
		if (json_keys(&e, v, p, keys) == -1 ||
		    json_string(&e, v, p, "agb", JSON_REQUIRED | JSON_NOCONTROL,
		    sizeof(a->agb), &agb) == -1 ||
		    cfg_string(&e, v, p, "naam", a->naam, sizeof(a->naam),
		    JSON_REQUIRED | JSON_NONEMPTY) == -1)
			goto fail;
		if (strlen(agb) != 8 || strspn(agb, "0123456789") != 8) {
			jerr_fail(&e, p, "agb must be 8 digits as a string");
			goto fail;
		}
		memcpy(a->agb, agb, 9);
		for (j = 0; j < out->naanbieders; j++)
			if (strcmp(out->aanbieders[j].agb, a->agb) == 0) {
				jerr_fail(&e, p, "agb %s is listed twice",
				    a->agb);
				goto fail;
			}
		out->naanbieders++;
	}
	rc = 0;
fail:
	cJSON_Delete(root);
	return rc;
}

/*
 * The questionnaire folder: "" with the embedded default (the embedded
 * questionnaires/ files are used), else resolved like the other
 * reference paths. The definitions are read by quest_load_config.
 */
static int
cfg_resolve_questionnaires(struct jerr *e, const char *cfgpath,
    struct config *cfg)
{
	char	path[CFG_PATH_MAX];
	int	embedded;

	if (cfg_ref_resolve(cfgpath, cfg->questionnaires, path, sizeof(path),
	    &embedded) == -1)
		return jerr_fail(e, "reference.questionnaires",
		    "path longer than %d characters", CFG_PATH_MAX - 1);
	if (embedded)
		path[0] = '\0';
	return jerr_copy(cfg->questionnaires, sizeof(cfg->questionnaires),
	    path);
}

static void
cfg_defaults(struct config *cfg)
{
	int	i;

	memset(cfg, 0, sizeof(*cfg));
	(void)jerr_copy(cfg->listen, sizeof(cfg->listen), CFG_DEFAULT_LISTEN);
	(void)jerr_copy(cfg->tls_cert, sizeof(cfg->tls_cert), CFG_DEFAULT_CERT);
	(void)jerr_copy(cfg->tls_key, sizeof(cfg->tls_key), CFG_DEFAULT_KEY);
	(void)jerr_copy(cfg->tls_priorities, sizeof(cfg->tls_priorities),
	    CFG_TLS_PRIORITIES_DEFAULT);
	(void)jerr_copy(cfg->questionnaires, sizeof(cfg->questionnaires),
	    "questionnaires");
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->ck_max_deviation = CK_DEFAULT_D;
	cfg->ck_variance = CK_DEFAULT_V;
	cfg->ck_js = CK_DEFAULT_JS;
	for (i = 0; i < LIMIT__COUNT; i++)
		cfg->limits[i] = config_limit_defs[i].def;
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct config	*tmp = NULL;
	struct jerr	 e;
	cJSON		*root = NULL;
	char		 gem[CFG_PATH_MAX] = CFG_DEFAULT_GEMEENTEN;
	char		 aanb[CFG_PATH_MAX] = "";
	char		 geb[CFG_PATH_MAX] = "";
	int		 rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	e.file = path != NULL ? path : CFG_EMBEDDED;
	e.buf = err;
	e.len = err != NULL ? errlen : 0;
	if ((tmp = malloc(sizeof(*tmp))) == NULL) {
		jerr_fail(&e, NULL, "%s", strerror(errno));
		goto fail;
	}
	cfg_defaults(tmp);
	if (jerr_copy(tmp->source, sizeof(tmp->source), e.file) == -1) {
		jerr_fail(&e, NULL, "path longer than %d characters",
		    CFG_PATH_MAX - 1);
		goto fail;
	}
	if (cfg_parse_source(&e, path, CFG_MAIN_NAME, &root) == -1 ||
	    cfg_parse_main(&e, root, tmp, gem, sizeof(gem), aanb,
	    sizeof(aanb), geb, sizeof(geb)) == -1 ||
	    cfg_load_gemeenten(&e, path, gem, &tmp->ref) == -1 ||
	    cfg_load_aanbieders(&e, path, aanb, &tmp->ref) == -1 ||
	    cfg_load_gebieden(&e, path, geb, &tmp->ref) == -1 ||
	    cfg_resolve_questionnaires(&e, path, tmp) == -1)
		goto fail;
	*cfg = *tmp;
	rc = 0;
fail:
	cJSON_Delete(root);
	free(tmp);
	return rc;
}

long long
config_limit(const struct config *cfg, enum cfg_limit l)
{
	if ((size_t)l >= LIMIT__COUNT)
		fatal("config_limit: no limit %d", (int)l);
	return cfg->limits[l];
}

const struct cfg_gemeente *
config_gemeente(const struct config *cfg, const char *code, int *retired)
{
	const struct cfg_gemeente	*g;
	const struct cfg_retired	*r;

	if (retired != NULL)
		*retired = 0;
	if (code == NULL)
		return NULL;
	if ((g = cfg_find_current(&cfg->ref, code)) != NULL)
		return g;
	if ((r = cfg_find_retired(&cfg->ref, code)) == NULL)
		return NULL;
	/* Validated at load time: every successor is a current code. */
	if ((g = cfg_find_current(&cfg->ref, r->nieuw)) != NULL &&
	    retired != NULL)
		*retired = 1;
	return g;
}

const char *
config_aanbieder_naam(const struct config *cfg, int agb)
{
	char	code[16];
	size_t	i;

	if (util_fmt(code, sizeof(code), "%08d", agb) == -1)
		return NULL;
	for (i = 0; i < cfg->ref.naanbieders; i++)
		if (strcmp(cfg->ref.aanbieders[i].agb, code) == 0)
			return cfg->ref.aanbieders[i].naam;
	return NULL;
}

const struct cfg_cluster *
config_cluster(const struct config *cfg, const char *name)
{
	size_t	i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < cfg->ref.nclusters; i++)
		if (strcmp(cfg->ref.clusters[i].name, name) == 0)
			return &cfg->ref.clusters[i];
	return NULL;
}

/*
 * A host name of letters, digits, dots and hyphens, not starting or
 * ending with either punctuation and without empty labels. One that looks
 * like an IPv4 address must be a valid dotted quad, so "999.0.0.1" is not
 * passed on to the resolver as a name.
 */
static int
cfg_valid_host(const char *h, size_t len)
{
	struct in_addr	a4;
	char		buf[INET_ADDRSTRLEN];
	size_t		i;
	int		numeric = 1;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if ((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') || h[i] == '-')
			numeric = 0;
		else if (!(h[i] >= '0' && h[i] <= '9') && h[i] != '.')
			return 0;
		if (h[i] == '.' && i > 0 && h[i - 1] == '.')
			return 0;
	}
	if (h[0] == '.' || h[0] == '-' || h[len - 1] == '.' ||
	    h[len - 1] == '-')
		return 0;
	if (!numeric)
		return 1;
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) == 1;
}

int
config_parse_listen(const char *listen, char *host, size_t hostlen,
    unsigned *port)
{
	struct in6_addr	 a6;
	const char	*h, *p, *end;
	char		 buf[INET6_ADDRSTRLEN];
	size_t		 hl, i;
	unsigned	 v = 0;

	if (listen == NULL || host == NULL || port == NULL)
		return -1;
	if (listen[0] == '[') {
		h = listen + 1;
		if ((end = strchr(h, ']')) == NULL || end[1] != ':')
			return -1;
		hl = (size_t)(end - h);
		p = end + 2;
		if (hl == 0 || hl >= sizeof(buf))
			return -1;
		memcpy(buf, h, hl);
		buf[hl] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1)
			return -1;
	} else {
		h = listen;
		if ((end = strchr(h, ':')) == NULL)
			return -1;
		hl = (size_t)(end - h);
		p = end + 1;
		if (!cfg_valid_host(h, hl))
			return -1;
	}
	/* At most five digits, so v cannot overflow before the check. */
	for (i = 0; p[i] != '\0'; i++) {
		if (i == 5 || p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (i == 0 || v > 65535 || hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = v;
	return 0;
}

const struct embedded_file *
embedded_find(const char *name)
{
	const struct embedded_file	*f;

	if (name == NULL)
		return NULL;
	for (f = embedded_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

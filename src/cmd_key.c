/*
 * Where the pseudonymisation key lives, and whether that is safe.
 *
 * With the key, a copy of the data folder re-identifies every client: the
 * BSN space is 10^9 numbers, a tenth of which pass the elfproef, and one
 * core computes all their pseudonyms in about 90 seconds. So the key
 * should not travel with the data: systemd can hand it to the daemon as
 * an (encrypted) credential, or the configuration can name a file
 * elsewhere. A key inside the data folder still works, for the quick
 * start, but every start says so in the log and in /metrics, and a
 * production configuration refuses it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dates.h"
#include "log.h"
#include "metrics.h"
#include "pseudonym.h"
#include "store.h"
#include "util.h"

#define CREDENTIAL_NAME		"sorttp-key"

int
cmd_key_path(const struct config *cfg, const char *dir, const char *given,
    int credentials, char *buf, size_t len)
{
	struct stat	 sb;
	const char	*creds;
	char		 cpath[PATH_MAX];

	if (given != NULL)
		return util_fmt(buf, len, "%s", given);
	creds = credentials ? getenv("CREDENTIALS_DIRECTORY") : NULL;
	if (creds != NULL && creds[0] != '\0' &&
	    util_path_join(cpath, sizeof(cpath), creds, CREDENTIAL_NAME) == 0 &&
	    stat(cpath, &sb) == 0)
		return util_fmt(buf, len, "%s", cpath);
	if (cfg->key_file[0] == '/')
		return util_fmt(buf, len, "%s", cfg->key_file);
	if (cfg->key_file[0] != '\0')
		return util_path_join(buf, len, dir, cfg->key_file);
	return util_path_join(buf, len, dir, DATA_KEY_FILE);
}

/*
 * 1 when keyp (or, before it exists, its folder) resolves to a place
 * inside the data folder, 0 when not, -1 when either cannot be resolved.
 */
int
cmd_key_inside(const char *dir, const char *keyp)
{
	char	 d[PATH_MAX], k[PATH_MAX], copy[PATH_MAX];
	size_t	 n;

	if (realpath(dir, d) == NULL)
		return -1;
	if (realpath(keyp, k) == NULL) {
		if (util_fmt(copy, sizeof(copy), "%s", keyp) == -1 ||
		    realpath(dirname(copy), k) == NULL)
			return -1;
	}
	n = strlen(d);
	if (strcmp(d, "/") == 0)
		return 1;
	return strncmp(k, d, n) == 0 && (k[n] == '/' || k[n] == '\0');
}

int
cmd_key_check(const struct config *cfg, const char *dir, const char *keyp)
{
	int	inside = cmd_key_inside(dir, keyp);

	if (inside == -1) {
		log_error("key %s or data folder %s: %s", keyp, dir,
		    strerror(errno));
		return -1;
	}
	metrics_key_in_data(inside);
	if (!inside)
		return 0;
	if (cfg->production) {
		log_error("the key %s is inside the data folder %s, and the "
		    "configuration says production: a copy of the folder "
		    "would re-identify every client. Move the key out (set "
		    "key_file, or use the systemd credential %s)", keyp, dir,
		    CREDENTIAL_NAME);
		return -1;
	}
	log_warn("the key %s is inside the data folder %s: whoever copies "
	    "the folder can re-identify every client. Keep it elsewhere "
	    "(key_file, or the systemd credential %s)", keyp, dir,
	    CREDENTIAL_NAME);
	return 0;
}

/* Key rotation: sorttp key rotate|retire|status, and the old key at open. */

#define OLD_SUFFIX	".old"	/* the previous key, beside the current */
#define NEW_SUFFIX	".new"	/* a new key until the rotation is recorded */

static int
key_sibling(char *buf, size_t len, const char *keyp, const char *suffix)
{
	if (util_fmt(buf, len, "%s%s", keyp, suffix) == -1) {
		fprintf(stderr, "sorttp: path too long: %s%s\n", keyp, suffix);
		return -1;
	}
	return 0;
}

/* ISO 8601 UTC of t, or "-" for 0. */
static void
key_time(long long t, char out[21])
{
	if (t <= 0) {
		memcpy(out, "-", 2);
		return;
	}
	util_utc_iso8601_at((time_t)t, out);
}

/* now plus months, same time of day (UTC), as seconds since the epoch. */
static long long
key_window_end(time_t now, int months)
{
	struct tm	 tm;
	int		 ymd;

	if (gmtime_r(&now, &tm) == NULL)
		return (long long)now;
	ymd = date_add_months((tm.tm_year + 1900) * 10000 +
	    (tm.tm_mon + 1) * 100 + tm.tm_mday, months);
	tm.tm_year = ymd / 10000 - 1900;
	tm.tm_mon = ymd / 100 % 100 - 1;
	tm.tm_mday = ymd % 100;
	return (long long)timegm(&tm);
}

static void
key_id_hex(const struct pseudo_ctx *pc, char out[2 * PSEUDO_KEY_ID_LEN + 1])
{
	unsigned char	kid[PSEUDO_KEY_ID_LEN];

	pseudo_key_id(pc, kid);
	util_hex(kid, sizeof(kid), out);
}

int
cmd_key_attach_old(struct cmd_data *d, const struct store_key_state *ks,
    char *err, size_t errlen)
{
	static const struct pseudo_link_sink sink = { store_links_sink, NULL };
	struct pseudo_ctx	*old = NULL;
	char			 oldp[CFG_PATH_MAX], id[2 * PSEUDO_KEY_ID_LEN + 1];
	char			 end[21];

	if (ks->old_version == 0 || ks->retired_at != 0)
		return 0;
	key_time(ks->window_end, end);
	if ((long long)time(NULL) >= ks->window_end) {
		log_warn("the overlap window of key version %u ended on %s: "
		    "only version %u is used. Destroy the old key with "
		    "'sorttp key retire'", ks->old_version, end, ks->version);
		return 0;
	}
	if (util_fmt(oldp, sizeof(oldp), "%s%s", d->keyp, OLD_SUFFIX) == -1) {
		util_fmt(err, errlen, "path too long: %s%s", d->keyp,
		    OLD_SUFFIX);
		return -1;
	}
	if (pseudo_load_keyfile(oldp, ks->old_version, &old, err,
	    errlen) == -1) {
		util_fmt(err, errlen, "the old key (version %u) is needed "
		    "until its overlap window ends on %s, or until it is "
		    "retired: cannot load %s", ks->old_version, end, oldp);
		return -1;
	}
	key_id_hex(old, id);
	if (strcmp(id, ks->old_id) != 0) {
		pseudo_free(old);
		util_fmt(err, errlen, "%s is not the old key (version %u) of "
		    "this database", oldp, ks->old_version);
		return -1;
	}
	if (pseudo_attach_old(d->pc, old, ks->window_end) == -1) {
		pseudo_free(old);
		util_fmt(err, errlen, "cannot attach the old key");
		return -1;
	}
	store_links_set_version(ks->version);
	pseudo_set_link_sink(d->pc, &sink);
	log_info("key version %u, and version %u beside it until %s: "
	    "clients seen until then link across the rotation",
	    ks->version, ks->old_version, end);
	return 0;
}

static const struct cmd_help key_help = { "key",
	"usage: sorttp key rotate --data DIR [--config FILE] [--key FILE]\n"
	"       sorttp key retire --data DIR [--config FILE] [--key FILE] "
	"[--force]\n"
	"       sorttp key status --data DIR [--config FILE] [--key FILE]\n"
	"\n"
	"rotate  starts key version v+1: a new random key takes the key's "
	"place and the\n"
	"        old one moves beside it (KEY.old). For "
	"limits.key_overlap_months both\n"
	"        pseudonymise, so a client seen in that window links across "
	"the rotation.\n"
	"        The daemon uses the new key from its next start.\n"
	"retire  destroys the old key (overwritten, then removed) once the "
	"window has\n"
	"        ended; --force does so before. The links stay. The daemon "
	"must be stopped.\n"
	"status  versions, rotation time, window end, whether the old key is "
	"present.\n"
	"\n"
	"--key FILE is the current key when it is not where serve finds it "
	"(for a\n"
	"systemd credential: a decrypted copy; see docs/operations.md).\n"
};

/* A new key file at newp, and its check value. */
static int
rotate_new_key(const char *newp, unsigned version, char *id)
{
	struct pseudo_ctx	*pc = NULL;
	char			 err[512];

	if (pseudo_keyfile_create(newp, err, sizeof(err)) == -1) {
		if (errno == EEXIST)
			fprintf(stderr, "sorttp key rotate: %s is left from a "
			    "rotation that was never recorded; it was never "
			    "used: remove it and try again\n", newp);
		else
			fprintf(stderr, "sorttp key rotate: %s\n", err);
		return -1;
	}
	if (pseudo_load_keyfile(newp, version, &pc, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp key rotate: %s\n", err);
		(void)pseudo_keyfile_destroy(newp, NULL, 0);
		return -1;
	}
	key_id_hex(pc, id);
	pseudo_free(pc);
	return 0;
}

/*
 * A rotation interrupted between recording it and renaming KEY.new over
 * KEY (a crash, a full disk): the database names KEY.new's key as current
 * and KEY's as the old one. Finishing is the rename. 1 when finished, 0
 * when there is nothing to finish, -1 on an error (printed).
 */
static int
rotate_finish(const struct store_key_state *ks, const char *keyp,
    const char *newp)
{
	struct pseudo_ctx	*pc = NULL;
	char			 id[2 * PSEUDO_KEY_ID_LEN + 1], err[512];
	int			 match;

	if (ks->old_version == 0 || ks->retired_at != 0 ||
	    access(newp, F_OK) == -1)
		return 0;
	if (pseudo_load_keyfile(newp, ks->version, &pc, err, sizeof(err)) ==
	    -1)
		return 0;
	key_id_hex(pc, id);
	pseudo_free(pc);
	pc = NULL;
	match = strcmp(id, ks->key_id) == 0;
	if (match && pseudo_load_keyfile(keyp, ks->old_version, &pc, err,
	    sizeof(err)) == 0) {
		key_id_hex(pc, id);
		pseudo_free(pc);
		match = strcmp(id, ks->old_id) == 0;
	}
	if (!match)
		return 0;
	if (rename(newp, keyp) == -1) {
		fprintf(stderr, "sorttp key rotate: cannot rename %s to %s: "
		    "%s\n", newp, keyp, strerror(errno));
		return -1;
	}
	printf("finished the interrupted rotation to key version %u\n",
	    ks->version);
	return 1;
}

static int
key_rotate(const struct config *cfg, const char *dir, struct store *st,
    const struct store_key_state *ks, const char *keyp)
{
	struct pseudo_ctx	*cur = NULL;
	char			 newp[CFG_PATH_MAX], oldp[CFG_PATH_MAX];
	char			 curid[2 * PSEUDO_KEY_ID_LEN + 1];
	char			 newid[2 * PSEUDO_KEY_ID_LEN + 1];
	char			 err[512], end[21];
	long long		 now = (long long)time(NULL), wend;
	int			 rc;

	if (key_sibling(newp, sizeof(newp), keyp, NEW_SUFFIX) == -1)
		return 1;
	if ((rc = rotate_finish(ks, keyp, newp)) != 0)
		return rc == 1 ? 0 : 1;
	if (ks->old_version != 0 && ks->retired_at == 0) {
		fprintf(stderr, "sorttp key rotate: key version %u is still "
		    "present; retire it first ('sorttp key retire')\n",
		    ks->old_version);
		return 1;
	}
	if (key_sibling(oldp, sizeof(oldp), keyp, OLD_SUFFIX) == -1)
		return 1;
	if (access(oldp, F_OK) == 0) {
		fprintf(stderr, "sorttp key rotate: %s exists: an old key "
		    "that was not destroyed? Nothing was changed\n", oldp);
		return 1;
	}
	if (pseudo_load_keyfile(keyp, ks->version, &cur, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sorttp key rotate: %s\n", err);
		return 1;
	}
	key_id_hex(cur, curid);
	pseudo_free(cur);
	if (strcmp(curid, ks->key_id) != 0) {
		fprintf(stderr, "sorttp key rotate: %s is not the current key "
		    "of %s; nothing was changed\n", keyp, dir);
		return 1;
	}
	if (rotate_new_key(newp, ks->version + 1, newid) == -1)
		return 1;
	/* A second name for the current key, so that it is never missing. */
	if (link(keyp, oldp) == -1) {
		fprintf(stderr, "sorttp key rotate: cannot keep the old key as "
		    "%s: %s%s\n", oldp, strerror(errno), errno == EROFS ?
		    " (a systemd credential is read-only: rotate a decrypted "
		    "copy with --key, see docs/operations.md)" : "");
		(void)pseudo_keyfile_destroy(newp, NULL, 0);
		return 1;
	}
	wend = key_window_end((time_t)now,
	    (int)config_limit(cfg, LIMIT_KEY_OVERLAP_MONTHS));
	if (store_key_rotate(st, curid, newid, now, wend, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sorttp key rotate: %s\n", err);
		(void)unlink(oldp);
		(void)pseudo_keyfile_destroy(newp, NULL, 0);
		return 1;
	}
	if (rename(newp, keyp) == -1) {
		fprintf(stderr, "sorttp key rotate: the rotation is recorded "
		    "but %s could not replace %s: %s. Rename it by hand before "
		    "the next start\n", newp, keyp, strerror(errno));
		return 1;
	}
	key_time(wend, end);
	printf("key version %u is in %s; version %u is kept as %s until the "
	    "overlap window ends on %s.\nRestart the daemon to start using "
	    "it. Put a copy of both keys in escrow (docs/operations.md).\n",
	    ks->version + 1, keyp, ks->version, oldp, end);
	return 0;
}

static int
key_retire(const char *dir, struct store *st,
    const struct store_key_state *ks, const char *keyp, int force)
{
	char	oldp[CFG_PATH_MAX], err[512], end[21];
	int	lock, rc, ret = 1;

	if (ks->old_version == 0 || ks->retired_at != 0) {
		fprintf(stderr, "sorttp key retire: there is no old key to "
		    "retire\n");
		return 1;
	}
	key_time(ks->window_end, end);
	if ((long long)time(NULL) < ks->window_end && !force) {
		fprintf(stderr, "sorttp key retire: the overlap window of key "
		    "version %u runs until %s; clients seen until then still "
		    "link. Use --force to destroy it now. Nothing was "
		    "changed\n", ks->old_version, end);
		return 1;
	}
	if (key_sibling(oldp, sizeof(oldp), keyp, OLD_SUFFIX) == -1 ||
	    (lock = cmd_data_lock(dir, "key retire")) == -1)
		return 1;
	if ((rc = pseudo_keyfile_destroy(oldp, err, sizeof(err))) == -1) {
		fprintf(stderr, "sorttp key retire: %s\n", err);
		goto out;
	}
	if (rc == 1)
		fprintf(stderr, "sorttp key retire: warning: %s is not there; "
		    "destroy the old key wherever else it is kept (a "
		    "credential store, escrow)\n", oldp);
	if (store_key_retire(st, (long long)time(NULL), err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sorttp key retire: %s\n", err);
		goto out;
	}
	printf("key version %u destroyed%s; %lld links kept\n",
	    ks->old_version, rc == 0 ? " (overwritten and removed)" : "",
	    (long long)ks->nlinks);
	ret = 0;
out:
	close(lock);
	return ret;
}

static int
key_status(const struct store_key_state *ks, const char *keyp)
{
	char	oldp[CFG_PATH_MAX], at[21], end[21], ret[21];
	int	open;

	if (key_sibling(oldp, sizeof(oldp), keyp, OLD_SUFFIX) == -1)
		return 1;
	key_time(ks->rotated_at, at);
	key_time(ks->window_end, end);
	key_time(ks->retired_at, ret);
	open = ks->old_version != 0 && (long long)time(NULL) < ks->window_end;
	printf("key version: %u\n", ks->version);
	printf("key file: %s\n", keyp);
	if (ks->old_version == 0) {
		printf("rotated: never\n");
		return 0;
	}
	printf("previous version: %u\n", ks->old_version);
	printf("rotated at: %s\n", at);
	printf("overlap window ends: %s (%s)\n", end, open ? "open" :
	    "ended");
	if (ks->retired_at != 0)
		printf("old key: retired at %s\n", ret);
	else
		printf("old key: %s (%s)\n", access(oldp, F_OK) == 0 ?
		    "present" : "missing", oldp);
	printf("links: %lld\n", (long long)ks->nlinks);
	return 0;
}

int
cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config	 cfg;
	struct store_key_state	 ks;
	struct store		*st = NULL;
	const char		*dir = NULL, *config = NULL, *key = NULL, *sub;
	char			 dbp[CFG_PATH_MAX], keyp[CFG_PATH_MAX];
	char			 err[512];
	int			 opt, force = 0, rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0))
			return cmd_help(&key_help);
		return cmd_usage_error(&key_help, "rotate, retire or status?");
	}
	sub = argv[1];
	if (strcmp(sub, "rotate") != 0 && strcmp(sub, "retire") != 0 &&
	    strcmp(sub, "status") != 0)
		return cmd_usage_error(&key_help, "unknown subcommand '%s'",
		    sub);
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			return cmd_getopt_common(&key_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&key_help, argc, argv, dir, 1)) != 0)
		return rc;
	if (force && strcmp(sub, "retire") != 0)
		return cmd_usage_error(&key_help, "--force is for retire only");
	if (cmd_load_config(config, &cfg) == -1 ||
	    cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return 1;
	if (cmd_key_path(&cfg, dir, key, 1, keyp, sizeof(keyp)) == -1) {
		fprintf(stderr, "sorttp key: key path too long\n");
		return 1;
	}
	if (store_open(dbp, 0, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp key %s: %s\n", sub, err);
		return 1;
	}
	if (store_key_state(st, &ks) == -1)
		rc = 1;
	else if (strcmp(sub, "rotate") == 0)
		rc = key_rotate(&cfg, dir, st, &ks, keyp);
	else if (strcmp(sub, "retire") == 0)
		rc = key_retire(dir, st, &ks, keyp, force);
	else
		rc = key_status(&ks, keyp);
	store_close(st);
	return rc;
}

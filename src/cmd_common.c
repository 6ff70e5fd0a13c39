/*
 * What the commands share: usage errors and --help, the getopt cases
 * every command handles alike, loading the configuration, paths in the
 * data folder, and opening it (configuration, key, store, the key bound
 * to the store) the one way every command does.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "pseudonym.h"
#include "store.h"
#include "util.h"

int
cmd_usage_error(const struct cmd_help *h, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "sorttp%s%s: ", h->name[0] ? " " : "", h->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", h->usage);
	return EXIT_USAGE;
}

int
cmd_help(const struct cmd_help *h)
{
	fputs(h->usage, stdout);
	return 0;
}

int
cmd_getopt_common(const struct cmd_help *h, int opt, char **argv)
{
	if (opt == 'h')
		return cmd_help(h);
	if (opt == '?') {
		if (optopt != 0)
			return cmd_usage_error(h, "unknown option -%c",
			    optopt);
		return cmd_usage_error(h, "unknown option %s",
		    argv[optind - 1]);
	}
	if (opt == ':')
		return cmd_usage_error(h, "option %s needs a value",
		    argv[optind - 1]);
	return -1;
}

int
cmd_args_end(const struct cmd_help *h, int argc, char **argv,
    const char *dir, int need_dir)
{
	if (optind < argc)
		return cmd_usage_error(h, "unexpected argument '%s'",
		    argv[optind]);
	if (need_dir && dir == NULL)
		return cmd_usage_error(h, "--data DIR is required");
	return 0;
}

int
cmd_load_config(const char *path, struct config *cfg)
{
	char	err[512];

	if (config_load(path, cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp: configuration error: %s\n", err);
		return -1;
	}
	log_set_level(cfg->log_level);
	return 0;
}

/*
 * One way for a path that does not fit: refuse it, with a message.
 * Truncating would open or create another file than the one named.
 */
int
cmd_data_path(char *buf, size_t len, const char *dir, const char *name)
{
	int	rc;

	if (name[0] == '/')
		rc = util_fmt(buf, len, "%s", name);
	else
		rc = util_path_join(buf, len, dir, name);
	if (rc == -1) {
		fprintf(stderr, "sorttp: path too long: %s%s%s\n",
		    name[0] == '/' ? "" : dir, name[0] == '/' ? "" : "/", name);
		return -1;
	}
	return 0;
}

/*
 * The loaded key against the store: it must be the key the store was
 * made with, and since key rotation (cmd_key.c) its version is the
 * store's. Fills *ks with the store's key state.
 */
static int
bind_key(struct pseudo_ctx *pc, struct store *st, struct store_key_state *ks,
    char *err, size_t errlen)
{
	unsigned char	kid[PSEUDO_KEY_ID_LEN];

	pseudo_key_id(pc, kid);
	if (store_key_state(st, ks) == -1)
		return -1;
	pseudo_set_key_version(pc, ks->version);
	return store_bind_key(st, kid, sizeof(kid), ks->version, err, errlen);
}

int
cmd_open(struct cmd_data *d, const char *dir, const char *config,
    struct config *cfg, char *err, size_t errlen)
{
	struct store_key_state	ks;

	memset(d, 0, sizeof(*d));
	if (errlen > 0)
		err[0] = '\0';
	if (cmd_load_config(config, cfg) == -1 ||
	    cmd_key_path(cfg, dir, NULL, 1, d->keyp, sizeof(d->keyp)) == -1 ||
	    cmd_data_path(d->dbp, sizeof(d->dbp), dir, DATA_DB_FILE) == -1)
		return -1;		/* printed */
	if (pseudo_load_keyfile(d->keyp, SORTTP_KEY_VERSION, &d->pc, err,
	    errlen) == -1 ||
	    store_open(d->dbp, 0, &d->st, err, errlen) == -1 ||
	    bind_key(d->pc, d->st, &ks, err, errlen) == -1 ||
	    cmd_key_attach_old(d, &ks, err, errlen) == -1)
		goto fail;
	return 0;
fail:
	if (errlen > 0 && err[0] == '\0')
		util_fmt(err, errlen, "cannot open the data folder %s", dir);
	cmd_close(d);
	return -1;
}

void
cmd_close(struct cmd_data *d)
{
	store_close(d->st);
	pseudo_free(d->pc);
	d->st = NULL;
	d->pc = NULL;
}

/*
 * The key an indicator engine needs under "disclosure": "cellkey"
 * (cellkey.h), for commands that otherwise read the database without
 * it; checked against the store's key as cmd_open does, so that the CLI
 * perturbs exactly as the daemon. *pc is NULL with suppression.
 */
int
cmd_engine_key(const struct config *cfg, const char *dir, const char *dbp,
    struct pseudo_ctx **pc, char *err, size_t errlen)
{
	struct store_key_state	 ks;
	char		 keyp[CFG_PATH_MAX];
	struct store	*st = NULL;

	*pc = NULL;
	if (cfg->disclosure != CFG_DISCLOSURE_CELLKEY)
		return 0;
	if (cmd_key_path(cfg, dir, NULL, 1, keyp, sizeof(keyp)) == -1) {
		util_fmt(err, errlen, "key path too long");
		return -1;
	}
	if (pseudo_load_keyfile(keyp, SORTTP_KEY_VERSION, pc, err,
	    errlen) == -1)
		return -1;
	if (store_open(dbp, 0, &st, err, errlen) == -1 ||
	    bind_key(*pc, st, &ks, err, errlen) == -1)
		goto fail;
	store_close(st);
	return 0;
fail:
	store_close(st);
	pseudo_free(*pc);
	*pc = NULL;
	return -1;
}

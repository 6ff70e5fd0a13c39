/*
 * sorttp init --data DIR: a new data folder.
 *
 * Creates the pseudonymisation key, the database bound to that key, and a
 * self-signed certificate for first use. It never overwrites a key: a new
 * key would orphan every pseudonym already stored, so an existing key or
 * database is a refusal, not a prompt. A failure half-way removes what this
 * run created, so the command can simply be run again.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "pseudonym.h"
#include "store.h"
#include "tlsgen.h"
#include "util.h"

static const struct cmd_help init_help = { "init",
	"usage: sorttp init --data DIR [--config FILE] [--key FILE]\n"
	"\n"
	"Creates DIR (mode 0700) with a new 32-byte key (sorttp.key, mode "
	"0600),\n"
	"the database (sorttp.db) and a self-signed ECDSA P-256 certificate "
	"for\n"
	"first use (tls/cert.pem, tls/key.pem). Refuses when DIR already has "
	"a key\n"
	"or a database: a new key would orphan every stored pseudonym.\n"
	"--key FILE (or key_file in the configuration) writes the key "
	"there instead:\n"
	"keep it outside DIR, so a copy of DIR cannot re-identify anyone.\n"
};

/* mkdir -p for the parent folder of a file path, mode 0700. */
static int
make_parent(const char *file)
{
	char	dir[CFG_PATH_MAX];
	char   *slash;

	if (util_fmt(dir, sizeof(dir), "%s", file) == -1)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	*slash = '\0';
	if (dir[0] == '\0')
		return 0;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

static int
exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config		 cfg;
	struct pseudo_ctx	*pc = NULL;
	struct store		*st = NULL;
	const char		*dir = NULL, *config = NULL, *keyfile = NULL;
	char			 keyp[CFG_PATH_MAX], dbp[CFG_PATH_MAX];
	char			 certp[CFG_PATH_MAX], tkeyp[CFG_PATH_MAX];
	char			 err[512], fp[65];
	unsigned char		 kid[PSEUDO_KEY_ID_LEN];
	int			 opt, rc, made_key = 0, made_db = 0;

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
			keyfile = optarg;
			break;
		default:
			return cmd_getopt_common(&init_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&init_help, argc, argv, dir, 1)) != 0)
		return rc;
	if (cmd_load_config(config, &cfg) == -1)
		return 1;
	if (cmd_key_path(&cfg, dir, keyfile, 0, keyp, sizeof(keyp)) == -1) {
		fprintf(stderr, "sorttp init: key path too long\n");
		return 1;
	}
	/* TLS paths from the config: relative to the folder, or absolute. */
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1 ||
	    cmd_data_path(certp, sizeof(certp), dir, cfg.tls_cert) == -1 ||
	    cmd_data_path(tkeyp, sizeof(tkeyp), dir, cfg.tls_key) == -1)
		return 1;
	if (exists(keyp)) {
		fprintf(stderr, "sorttp init: %s already exists; refusing to "
		    "overwrite it (a new key would orphan every stored "
		    "pseudonym)\n", keyp);
		return 1;
	}
	if (exists(dbp)) {
		fprintf(stderr, "sorttp init: %s already exists without a key "
		    "file; restore the key from backup instead of "
		    "re-initialising\n", dbp);
		return 1;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "sorttp init: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (cmd_key_inside(dir, keyp) == 1 && cfg.production) {
		fprintf(stderr, "sorttp init: the configuration says production "
		    "and the key %s would be inside the data folder %s; give "
		    "--key FILE elsewhere (or set key_file)\n", keyp, dir);
		return 1;
	}
	if (pseudo_keyfile_create(keyp, err, sizeof(err)) == -1)
		goto fail;
	made_key = 1;
	if (pseudo_load_keyfile(keyp, SORTTP_KEY_VERSION, &pc, err,
	    sizeof(err)) == -1)
		goto fail;
	pseudo_key_id(pc, kid);
	made_db = 1;
	if (store_open(dbp, 1, &st, err, sizeof(err)) == -1 ||
	    store_bind_key(st, kid, sizeof(kid), SORTTP_KEY_VERSION, err,
	    sizeof(err)) == -1)
		goto fail;
	store_audit(st, 0, "init", NULL);
	if (exists(certp) || exists(tkeyp))
		printf("TLS: keeping the existing %s and %s\n", certp, tkeyp);
	else {
		if (make_parent(certp) == -1 || make_parent(tkeyp) == -1) {
			util_fmt(err, sizeof(err), "cannot create the folder "
			    "for %s: %s", certp, strerror(errno));
			goto fail;
		}
		if (tlsgen_self_signed(certp, tkeyp, fp, err,
		    sizeof(err)) == -1)
			goto fail;
		printf("TLS: self-signed certificate %s (ECDSA P-256)\n"
		    "TLS: SHA-256 fingerprint %s\n", certp, fp);
	}
	store_close(st);
	pseudo_free(pc);
	printf("key: %s (keep a backup: without it no stored pseudonym can "
	    "be linked again)\ndatabase: %s (schema version %d)\n"
	    "initialised %s\n", keyp, dbp, STORE_SCHEMA_VERSION, dir);
	if (keyfile != NULL)
		printf("key: set \"key_file\": \"%s\" in the configuration "
		    "(or hand it to systemd as the credential sorttp-key)\n",
		    keyp);
	else if (cmd_key_inside(dir, keyp) == 1)
		printf("warning: the key is inside %s; for production keep "
		    "it elsewhere (see docs/operations.md)\n", dir);
	return 0;
fail:
	fprintf(stderr, "sorttp init: %s\n", err);
	store_close(st);
	pseudo_free(pc);
	rc = 0;
	if (made_db) {
		char	side[CFG_PATH_MAX + 8];

		rc |= unlink(dbp) == -1 && errno != ENOENT;
		if (util_fmt(side, sizeof(side), "%s-wal", dbp) == 0)
			unlink(side);
		if (util_fmt(side, sizeof(side), "%s-shm", dbp) == 0)
			unlink(side);
	}
	if (made_key)
		rc |= unlink(keyp) == -1 && errno != ENOENT;
	if (rc)
		fprintf(stderr, "sorttp init: could not clean up %s\n", dir);
	return 1;
}

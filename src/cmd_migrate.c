/*
 * sorttp migrate, and the migration serve does at start.
 *
 * A schema change is the one write an operator cannot take back without a
 * backup, so it happens only here and at the start of serve, never as a
 * side effect of a read (party list, indicators) or an import: those
 * refuse an older schema and change nothing (store_open). Both paths hold
 * the data folder lock, copy the database to
 * DIR/sorttp.db.pre-migrate-TIME first, and record the step in the audit
 * trail.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "store.h"
#include "util.h"

static const struct cmd_help migrate_help = { "migrate",
	"usage: sorttp migrate --data DIR\n"
	"\n"
	"Brings the database schema of DIR up to this program's version, "
	"after a\n"
	"backup to DIR/sorttp.db.pre-migrate-TIME. The daemon must be stopped "
	"('sorttp\n"
	"serve' does the same at start). Other commands refuse an older schema "
	"and\n"
	"change nothing.\n"
};

int
cmd_migrate_data(const char *dir, int *from, char *err, size_t errlen)
{
	struct store	*st;
	char		 dbp[CFG_PATH_MAX], saved[CFG_PATH_MAX], detail[96];
	int		 v;

	if (errlen > 0)
		err[0] = '\0';
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return -1;	/* printed */
	*from = v = access(dbp, F_OK) == 0 ? store_file_schema(dbp) : -1;
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (v >= 0 && v < STORE_SCHEMA_VERSION) {
		if (cmd_backup_before(dir, "pre-migrate", saved,
		    sizeof(saved)) == -1) {
			util_fmt(err, errlen, "no migration without a backup");
			return -1;
		}
		fprintf(stderr, "sorttp: database schema %d -> %d; backup "
		    "first: %s\n", v, STORE_SCHEMA_VERSION, saved);
	}
	/* A missing file or a newer schema: store_open says so. */
	if (store_open(dbp, STORE_OPEN_MIGRATE, &st, err, errlen) == -1)
		return -1;
	if (v >= 0 && v < STORE_SCHEMA_VERSION) {
		util_fmt(detail, sizeof(detail), "{\"from\":%d,\"to\":%d}", v,
		    STORE_SCHEMA_VERSION);
		store_audit(st, 0, "migrate", detail);
	}
	store_close(st);
	return 0;
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dir = NULL;
	char		 err[512];
	int		 opt, lock, from, rc, ret = 1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'h':
			return cmd_help(&migrate_help);
		default:
			return cmd_getopt_common(&migrate_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&migrate_help, argc, argv, dir, 1)) != 0)
		return rc;
	if ((lock = cmd_data_lock(dir, "migrate")) == -1)
		return 1;
	if (cmd_migrate_data(dir, &from, err, sizeof(err)) == -1) {
		if (err[0] != '\0')
			fprintf(stderr, "sorttp migrate: %s\n", err);
		goto out;
	}
	if (from == STORE_SCHEMA_VERSION)
		printf("schema version %d is up to date; nothing to do\n",
		    from);
	else
		printf("schema migrated from version %d to %d\n", from,
		    STORE_SCHEMA_VERSION);
	ret = 0;
out:
	close(lock);
	return ret;
}

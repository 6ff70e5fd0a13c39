/*
 * sorttp backup and sorttp restore, and the data folder lock.
 *
 * backup runs beside the daemon: SQLite's online backup API copies one
 * consistent snapshot (store_backup.c). restore replaces the database with
 * a backup; the daemon must be stopped, which the data folder lock proves:
 * serve holds it for as long as it runs. Before anything is replaced the
 * current database is itself backed up, so a restore can be undone.
 *
 * Neither command touches the key. A backup without the key it was made
 * under is still readable for the indicators it holds, but new data would
 * get other pseudonyms and never link to it: the key is escrowed apart
 * (docs/operations.md), and restore refuses a backup bound to another key
 * than the database it replaces.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "store.h"
#include "util.h"

#define DATA_LOCK_FILE	"sorttp.lock"

static const struct cmd_help backup_help = { "backup",
	"usage: sorttp backup --data DIR --out FILE\n"
	"\n"
	"Copies the database of DIR to FILE while the daemon may run (SQLite's "
	"online\n"
	"backup API: one consistent snapshot). FILE must not exist; it gets "
	"mode 0600,\n"
	"passes PRAGMA integrity_check before it is named, and never holds "
	"the key:\n"
	"escrow the key apart (without it new data cannot link to a "
	"restored backup).\n"
};

static const struct cmd_help restore_help = { "restore",
	"usage: sorttp restore --data DIR --from FILE\n"
	"\n"
	"Replaces the database of DIR with the backup FILE. The daemon must be "
	"stopped.\n"
	"FILE must pass PRAGMA integrity_check, have a schema no newer than "
	"this\n"
	"program, and be bound to the same key as the database it replaces. "
	"The\n"
	"current database is first copied to DIR/sorttp.db.pre-restore-TIME. "
	"The next\n"
	"'sorttp serve' (or 'sorttp migrate') brings an older schema up to "
	"date.\n"
};

int
cmd_data_lock(const char *dir, const char *who)
{
	char	path[CFG_PATH_MAX];
	int	fd;

	if (cmd_data_path(path, sizeof(path), dir, DATA_LOCK_FILE) == -1)
		return -1;	/* printed */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		fprintf(stderr, "sorttp %s: %s: %s\n", who, path,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			fprintf(stderr, "sorttp %s: the data folder %s is in "
			    "use by a running 'sorttp serve' (or another "
			    "maintenance command); stop it first\n", who, dir);
		else
			fprintf(stderr, "sorttp %s: lock %s: %s\n", who, path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* --data and one more required path option (--out / --from). */
static int
parse_two(const struct cmd_help *h, int argc, char **argv,
    const char *name, const char **dir, const char **file)
{
	const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ name, required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	opt;

	*dir = *file = NULL;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			*dir = optarg;
			break;
		case 'f':
			*file = optarg;
			break;
		case 'h':
			return cmd_help(h);
		default:
			return cmd_getopt_common(h, opt, argv);
		}
	}
	if (optind < argc)
		return cmd_usage_error(h, "unexpected argument '%s'",
		    argv[optind]);
	if (*dir == NULL || *file == NULL)
		return cmd_usage_error(h, "--data and --%s are required", name);
	if (strlen(*file) >= STORE_BACKUP_PATH_MAX)
		return cmd_usage_error(h, "--%s: path too long", name);
	return -1;
}

int
cmd_backup(int argc, char **argv)
{
	char	dbp[CFG_PATH_MAX], err[512];
	const char *dir, *out;
	int64_t	pages = 0;
	int	ret;

	if ((ret = parse_two(&backup_help, argc, argv, "out", &dir,
	    &out)) != -1)
		return ret;
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return 1;
	if (access(dbp, F_OK) == -1) {
		fprintf(stderr, "sorttp backup: %s: %s\n", dbp,
		    strerror(errno));
		return 1;
	}
	if (store_backup(dbp, out, &pages, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp backup: %s\n", err);
		return 1;
	}
	printf("backup written to %s (%lld pages, integrity ok, mode 0600; "
	    "the key is not in it)\n", out, (long long)pages);
	return 0;
}

int
cmd_backup_before(const char *dir, const char *why, char *out, size_t len)
{
	char	dbp[CFG_PATH_MAX], name[64], stamp[21], err[512];
	size_t	i, o = 0;

	util_utc_iso8601(stamp);
	for (i = 0; stamp[i] != '\0'; i++)	/* 2026-12-02T10:00:00Z */
		if (stamp[i] != '-' && stamp[i] != ':')
			stamp[o++] = stamp[i];
	stamp[o] = '\0';
	util_fmt(name, sizeof(name), "%s.%s-%s", DATA_DB_FILE, why, stamp);
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1 ||
	    cmd_data_path(out, len, dir, name) == -1)
		return -1;
	if (store_backup(dbp, out, NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp: backup before %s failed, nothing "
		    "changed: %s\n", why, err);
		return -1;
	}
	return 0;
}

int
cmd_restore(int argc, char **argv)
{
	struct store_backup_info	 bak, cur;
	char				 dbp[CFG_PATH_MAX], err[512];
	char				 saved[CFG_PATH_MAX];
	const char			*dir, *from;
	int				 ret, lock = -1, exists;

	if ((ret = parse_two(&restore_help, argc, argv, "from", &dir,
	    &from)) != -1)
		return ret;
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1 ||
	    (lock = cmd_data_lock(dir, "restore")) == -1)
		return 1;
	ret = 1;
	if (store_backup_check(from, &bak, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp restore: %s; nothing changed\n", err);
		goto out;
	}
	exists = access(dbp, F_OK) == 0;
	if (exists) {
		if (store_backup_check(dbp, &cur, err, sizeof(err)) == 0 &&
		    strcmp(cur.key_id, bak.key_id) != 0) {
			fprintf(stderr, "sorttp restore: %s was made under "
			    "another key than the database in %s; its "
			    "pseudonyms would not link to new data. Nothing "
			    "changed.\n", from, dir);
			goto out;
		}
		if (cmd_backup_before(dir, "pre-restore", saved,
		    sizeof(saved)) == -1)
			goto out;
	}
	if (store_restore(from, dbp, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp restore: %s; nothing changed\n", err);
		goto out;
	}
	printf("restored %s into %s (schema version %d)\n", from, dbp,
	    bak.schema);
	if (exists)
		printf("the database it replaced is kept as %s\n", saved);
	else
		printf("note: 'sorttp serve' refuses unless its key is the "
		    "one this backup was made under\n");
	ret = 0;
out:
	close(lock);
	return ret;
}

/*
 * Subcommands of the sorttp binary and what they share: option parsing
 * conventions (exit 2 on a usage error, --help on every command) and the
 * layout of a data folder.
 */
#ifndef SORTTP_CMD_H
#define SORTTP_CMD_H

#include <stddef.h>

#include "config.h"

struct pseudo_ctx;
struct store;

#define EXIT_USAGE		2
#define SORTTP_KEY_VERSION	1	/* label stored with every pseudonym */

#define DATA_KEY_FILE		"sorttp.key"
#define DATA_DB_FILE		"sorttp.db"
#define DATA_TLS_DIR		"tls"

struct cmd_help {
	const char	*name;		/* "party add" */
	const char	*usage;		/* full usage text, ends in '\n' */
};

int	cmd_init(int, char **);
int	cmd_party(int, char **);
int	cmd_serve(int, char **);
int	cmd_check_config(int, char **);
int	cmd_import(int, char **);
int	cmd_indicators(int, char **);
int	cmd_demo(int, char **);
int	cmd_report(int, char **);
int	cmd_backup(int, char **);
int	cmd_restore(int, char **);
int	cmd_migrate(int, char **);
int	cmd_audit(int, char **);
int	cmd_purge(int, char **);
int	cmd_key(int, char **);

/*
 * For serve and migrate: brings DIR's database to this program's schema.
 * An older schema is first backed up (cmd_backup_before), then migrated,
 * and the step audited; a current one is left alone. *from receives the
 * version found (-1: no file). The caller holds the data folder lock.
 * 0, or -1 with a message in err (empty when printed already).
 */
int	cmd_migrate_data(const char *dir, int *from, char *err,
	    size_t errlen);

/*
 * The data folder lock (DIR/sorttp.lock, flock): serve holds it while it
 * runs; restore and migrate need it, so they never change the database
 * under a running daemon. Returns the descriptor to keep open, or -1 after
 * printing why ("sorttp WHO: ...").
 */
int	cmd_data_lock(const char *dir, const char *who);

/*
 * Backs up DIR's database to DIR/sorttp.db.WHY-YYYYMMDDTHHMMSSZ (path in
 * out) before a change to it (a migration, a restore). -1 after printing
 * why: the caller then changes nothing.
 */
int	cmd_backup_before(const char *dir, const char *why, char *out,
	    size_t len);

/* Prints "sorttp NAME: MESSAGE" and the usage to stderr; returns 2. */
int	cmd_usage_error(const struct cmd_help *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Prints the usage to stdout; returns 0. */
int	cmd_help(const struct cmd_help *);

/*
 * Handles the getopt_long result codes every command shares: 'h' (the
 * usage), '?' (unknown option or missing argument) and ':'; returns the
 * exit code, or -1 when opt is not one of them.
 */
int	cmd_getopt_common(const struct cmd_help *, int opt, char **argv);

/*
 * After the options: refuses arguments left over and, with need_dir, a
 * missing --data. 0 when all is well, else the exit code (2).
 */
int	cmd_args_end(const struct cmd_help *, int argc, char **argv,
	    const char *dir, int need_dir);

/* Loads the config (path NULL: embedded default); prints errors. */
int	cmd_load_config(const char *path, struct config *cfg);

/*
 * DIR/NAME into buf, or NAME itself when it is absolute; -1 with a
 * message on stderr when it does not fit (never truncated).
 */
int	cmd_data_path(char *buf, size_t len, const char *dir,
	    const char *name);

/* An opened data folder (cmd_open). */
struct cmd_data {
	char			 keyp[CFG_PATH_MAX];
	char			 dbp[CFG_PATH_MAX];
	struct pseudo_ctx	*pc;
	struct store		*st;
};

/*
 * Opens data folder dir: loads the configuration (config NULL: the
 * embedded default) into cfg, loads the key, opens the store and binds
 * the key to it. -1 when any step fails, with nothing left open and the
 * reason in err, or err empty when it was printed already (a
 * configuration error, a path too long).
 */
int	cmd_open(struct cmd_data *, const char *dir, const char *config,
	    struct config *cfg, char *err, size_t errlen);
void	cmd_close(struct cmd_data *);
/*
 * The pseudonymisation key an indicator engine needs when the config asks
 * "disclosure": "cellkey", checked against the store at dbp; *pc NULL
 * (and 0) with suppression. 0, or -1 with a message in err.
 */
int	cmd_engine_key(const struct config *, const char *dir,
	    const char *dbp, struct pseudo_ctx **pc, char *err,
	    size_t errlen);

/*
 * The key file (cmd_key.c): given (init --key) when not NULL; else
 * $CREDENTIALS_DIRECTORY/sorttp-key when credentials is set and that file
 * exists (systemd LoadCredential[Encrypted]=); else key_file, relative to
 * DIR unless absolute; else DIR/sorttp.key. 0, or -1 when too long.
 */
int	cmd_key_path(const struct config *, const char *dir, const char *given,
	    int credentials, char *buf, size_t len);
/* 1 when the key (or its folder) is inside DIR, 0 when not, -1 error. */
int	cmd_key_inside(const char *dir, const char *keyp);
/*
 * Logs a warning for a key inside the data folder and exports it as a
 * metric; refuses it (-1, logged) when the configuration says production.
 */
int	cmd_key_check(const struct config *, const char *dir,
	    const char *keyp);

/*
 * Key rotation (cmd_key.c): while an overlap window is open, loads the
 * old key (KEY.old, beside the current key or credential), checks it is
 * the database's old key, attaches it to d->pc and sends the links to the
 * store. After the window, or once retired, only warns or does nothing.
 */
struct store_key_state;
int	cmd_key_attach_old(struct cmd_data *, const struct store_key_state *,
	    char *err, size_t errlen);

#endif

/*
 * sorttp: the trusted third party of Sturen op Resultaat.
 *
 * One binary, subcommands. Before anything else the process makes itself
 * undumpable and sets its core size to zero, since memory may hold keys and,
 * during an upload, identifiers not yet pseudonymised; and it sets a strict
 * umask, so every file it creates is private to its owner.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "wipe.h"

static const char main_usage[] =
	"usage: sorttp COMMAND [OPTIONS]\n"
	"\n"
	"Trusted third party for outcome monitoring in youth care.\n"
	"\n"
	"commands:\n"
	"  init --data DIR              create a data folder: key, database, "
	"TLS certificate\n"
	"  serve --data DIR             run the HTTPS daemon\n"
	"  party add|list|revoke|rotate-token\n"
	"                               manage the parties that may call the "
	"API\n"
	"  import scores|messages|questionnaires PATH... --as PARTY --data DIR\n"
	"                               ingest files offline, as the API "
	"would\n"
	"  indicators NAME --data DIR   an indicator answer, as the API "
	"gives it\n"
	"  report --month YYYY-MM --data DIR\n"
	"                               the monthly PDF reports (A4, "
	"Dutch)\n"
	"  demo --data DIR [--clients N] fill a fresh data folder with "
	"synthetic data\n"
	"  check-config [--config FILE] validate configuration and reference "
	"data\n"
	"  backup --data DIR --out FILE copy the database while the daemon "
	"runs\n"
	"  restore --data DIR --from FILE  replace the database with a "
	"backup\n"
	"  migrate --data DIR           bring the schema up to date, after a "
	"backup\n"
	"  audit --data DIR [--since T] [--party P] [--format csv|json]\n"
	"                               export the audit trail\n"
	"  purge --data DIR [--dry-run] apply the retention terms now\n"
	"  key rotate|retire|status --data DIR\n"
	"                               rotate the pseudonymisation key\n"
	"\n"
	"Run 'sorttp COMMAND --help' for the options of a command.\n";

static const struct cmd_help main_help = { "", main_usage };

/* The commands; each parses its own options (cmd.h). */
static const struct command {
	const char	*name;
	int		 (*run)(int, char **);
} commands[] = {
	{ "init", cmd_init },
	{ "serve", cmd_serve },
	{ "party", cmd_party },
	{ "check-config", cmd_check_config },
	{ "import", cmd_import },
	{ "indicators", cmd_indicators },
	{ "demo", cmd_demo },
	{ "report", cmd_report },
	{ "backup", cmd_backup },
	{ "restore", cmd_restore },
	{ "migrate", cmd_migrate },
	{ "audit", cmd_audit },
	{ "purge", cmd_purge },
	{ "key", cmd_key },
	{ NULL, NULL }
};

/* No core files, no ptrace-style dumps, private files. */
static void
harden(void)
{
	struct rlimit	rl = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_DUMPABLE): cannot disable core dumps");
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit(RLIMIT_CORE): cannot disable core dumps");
	umask(077);
}

int
main(int argc, char **argv)
{
	const struct command	*c;
	const char		*cmd;

	harden();
	wipe_install();		/* before libxml2 or cJSON allocates */
	if (argc < 2)
		return cmd_usage_error(&main_help, "no command given");
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0)
		return cmd_help(&main_help);
	if (strcmp(cmd, "--version") == 0) {
		printf("sorttp %s\n", SORTTP_VERSION);
		return 0;
	}
	/* Each command parses its own options from argv[1] on. */
	argc--;
	argv++;
	for (c = commands; c->name != NULL; c++)
		if (strcmp(cmd, c->name) == 0)
			return c->run(argc, argv);
	return cmd_usage_error(&main_help, "unknown command '%s'", cmd);
}

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

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "util.h"

static const char main_usage[] =
	"usage: sorttp COMMAND [OPTIONS]\n"
	"\n"
	"Trusted third party for outcome monitoring in youth care.\n"
	"\n"
	"commands:\n"
	"  init --data DIR              create a data folder: key, database, "
	"TLS certificate\n"
	"  serve --data DIR             run the HTTPS daemon\n"
	"  party add|list|revoke        manage the parties that may call the "
	"API\n"
	"  import scores|messages|questionnaires PATH... --as PARTY --data DIR\n"
	"                               ingest files offline, as the API "
	"would\n"
	"  indicators NAME --data DIR   an indicator answer, as the API "
	"gives it\n"
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
	"\n"
	"Run 'sorttp COMMAND --help' for the options of a command.\n";

static const struct cmd_help main_help = { "", main_usage };

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

void
cmd_data_path(char *buf, size_t len, const char *dir, const char *name)
{
	if (util_path_join(buf, len, dir, name) == -1)
		fatal("path too long: %s/%s", dir, name);
}

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
	const char	*cmd;

	harden();
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
	if (strcmp(cmd, "init") == 0)
		return cmd_init(argc, argv);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(cmd, "party") == 0)
		return cmd_party(argc, argv);
	if (strcmp(cmd, "check-config") == 0)
		return cmd_check_config(argc, argv);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc, argv);
	if (strcmp(cmd, "indicators") == 0)
		return cmd_indicators(argc, argv);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc, argv);
	if (strcmp(cmd, "backup") == 0)
		return cmd_backup(argc, argv);
	if (strcmp(cmd, "restore") == 0)
		return cmd_restore(argc, argv);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(argc, argv);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc, argv);
	return cmd_usage_error(&main_help, "unknown command '%s'", cmd);
}

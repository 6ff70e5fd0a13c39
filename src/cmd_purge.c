/*
 * sorttp purge: applies the bewaartermijnen now (the daemon does so once a
 * day). --dry-run counts what would go and changes nothing. What a purge
 * does to indicators over old periods: docs/operations.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "purge.h"
#include "store.h"
#include "util.h"

static const struct cmd_help purge_help = { "purge",
	"usage: sorttp purge --data DIR [--dry-run] [--config FILE]\n"
	"\n"
	"Deletes what is older than its retention term (limits.retention_*): "
	"scores by\n"
	"meetdatum, ended trajectories and toewijzingen by einddatum, "
	"questionnaire\n"
	"responses by date, upload receipts and the audit trail by time. One "
	"transaction,\n"
	"audited with its counts. --dry-run prints the counts and changes "
	"nothing. The\n"
	"daemon purges the same way once a day.\n"
};

int
cmd_purge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config		 cfg;
	struct store_purge_cut		 cut;
	struct store_purge_counts	 n;
	struct store			*st;
	const char			*dir = NULL, *config = NULL;
	char				 dbp[CFG_PATH_MAX], err[512];
	char				 line[256];
	int				 opt, dry = 0, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			return cmd_help(&purge_help);
		default:
			return cmd_getopt_common(&purge_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&purge_help, argc, argv, dir, 1)) != 0)
		return rc;
	if (cmd_load_config(config, &cfg) == -1 ||
	    cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return 1;
	if (store_open(dbp, 0, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp purge: %s\n", err);
		return 1;
	}
	purge_cut(&cfg, time(NULL), &cut);
	rc = store_purge(st, &cut, dry, &n);
	store_close(st);
	if (rc == -1) {
		fprintf(stderr, "sorttp purge: the purge failed; nothing was "
		    "deleted\n");
		return 1;
	}
	purge_format(&n, line, sizeof(line));
	printf("%s detail before %04d-%02d-%02d, receipts before %.10s, "
	    "audit before %.10s\n%s: %s\n", dry ? "dry run:" : "purged:",
	    cut.detail_before / 10000, cut.detail_before / 100 % 100,
	    cut.detail_before % 100, cut.receipts_before, cut.audit_before,
	    dry ? "would delete" : "deleted", line);
	return 0;
}

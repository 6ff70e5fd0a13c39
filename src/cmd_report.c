/*
 * sorttp report --month YYYY-MM [--aanbieder AGB] [--cluster NAME]
 *     --data DIR [--out DIR]
 *
 * Makes the monthly PDF reports of one month now, as the daemon does on
 * report_day: into DIR/reports (where GET /v1/reports serves them and the
 * retention removes them), or into --out. The figures come from the same
 * indicator engine with the same disclosure control (report.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pseudonym.h"
#include "indicators.h"
#include "log.h"
#include "questionnaire.h"
#include "report.h"
#include "store.h"
#include "util.h"

static const struct cmd_help report_help = { "report",
	"usage: sorttp report --month YYYY-MM [--aanbieder AGB] "
	"[--cluster NAME]\n"
	"           --data DIR [--out DIR] [--config FILE]\n"
	"\n"
	"Makes the monthly PDF reports of one month: one per aanbieder per "
	"cluster it\n"
	"has data in, and one clustergemiddelde per cluster (--aanbieder "
	"and --cluster\n"
	"narrow that down). They go to DIR/reports, where the daemon serves "
	"them, or\n"
	"to --out. Prints one line per run with the count and the time. "
	"Exit 0, or 1\n"
	"when a report could not be made.\n"
};

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "aanbieder", required_argument, NULL, 'a' },
		{ "cluster", required_argument, NULL, 'k' },
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config	 cfg;
	const struct cfg_cluster *cl;
	struct quest_set	*quest = NULL;
	struct ind_engine	*eng = NULL;
	struct pseudo_ctx	*pc = NULL;
	struct store		*st = NULL;
	struct report_stats	 stats;
	const char		*dir = NULL, *config = NULL, *out = NULL;
	const char		*month = NULL, *agb = NULL, *cluster = NULL;
	char			 dbp[CFG_PATH_MAX], outp[CFG_PATH_MAX];
	char			 err[512];
	long long		 y, m;
	long			 ci = -1;
	int			 opt, rc, ret = 1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			month = optarg;
			break;
		case 'a':
			agb = optarg;
			break;
		case 'k':
			cluster = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			return cmd_help(&report_help);
		default:
			return cmd_getopt_common(&report_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&report_help, argc, argv, dir, 1)) != 0)
		return rc;
	if (month == NULL || strlen(month) != 7 || month[4] != '-' ||
	    util_memtonum(month, 4, 2000, 2099, &y) == -1 ||
	    util_memtonum(month + 5, 2, 1, 12, &m) == -1)
		return cmd_usage_error(&report_help, "--month YYYY-MM is "
		    "required (2000-01 to 2099-12)");
	if (agb != NULL && (strlen(agb) != 8 || !util_all_digits(agb, 8)))
		return cmd_usage_error(&report_help, "--aanbieder takes an "
		    "8-digit AGB code");
	if (cmd_load_config(config, &cfg) == -1)
		return 1;
	if (cluster != NULL) {
		if ((cl = config_cluster(&cfg, cluster)) == NULL)
			return cmd_usage_error(&report_help, "unknown cluster "
			    "'%s'", cluster);
		ci = (long)(cl - cfg.ref.clusters);
	}
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1 ||
	    (out == NULL && cmd_data_path(outp, sizeof(outp), dir,
	    REPORT_DIR) == -1))
		return 1;
	if (out != NULL && util_fmt(outp, sizeof(outp), "%s", out) == -1)
		return cmd_usage_error(&report_help, "--out is too long");
	if ((quest = calloc(1, sizeof(*quest))) == NULL ||
	    quest_load_config(&cfg, quest, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp report: questionnaires: %s\n",
		    quest ? err : "out of memory");
		goto out;
	}
	if (store_open(dbp, 0, &st, err, sizeof(err)) == -1 ||
	    cmd_engine_key(&cfg, dir, dbp, &pc, err, sizeof(err)) == -1 ||
	    ind_engine_open_key(&cfg, quest, dbp, 0, pc, &eng, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sorttp report: %s\n", err);
		goto out;
	}
	if (report_make_month(&cfg, eng, st, outp, (int)(y * 12 + m - 1), agb,
	    ci, &stats, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp report: %s\n", err);
		goto out;
	}
	printf("sorttp report: %s: %d report%s in %.0f ms (%.0f ms per "
	    "report, slowest %.0f ms)\n", month, stats.made,
	    stats.made == 1 ? "" : "s", stats.ms_total,
	    stats.made > 0 ? stats.ms_total / stats.made : 0.0, stats.ms_max);
	if (stats.failed > 0) {
		fprintf(stderr, "sorttp report: %s\n", err);
		goto out;
	}
	/* A whole month made into the data folder counts as the run. */
	if (out == NULL && agb == NULL && cluster == NULL)
		report_month_mark(dir, (int)(y * 12 + m - 1));
	ret = 0;
out:
	ind_engine_close(eng);
	pseudo_free(pc);
	store_close(st);
	free(quest);
	report_pdf_cleanup();
	return ret;
}

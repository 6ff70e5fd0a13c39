/*
 * sorttp indicators NAME [--by ...] --data DIR
 *
 * The same answers as GET /v1/indicators/NAME, computed locally by the
 * same engine with the same disclosure control and audited the same way
 * (via "cli"). Without --as the local operator sees the whole region; with
 * --as PARTY the answer is the one that party would get over HTTP.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "pseudonym.h"
#include "dates.h"
#include "ind_xlsx.h"
#include "indicators.h"
#include "log.h"
#include "questionnaire.h"
#include "store.h"
#include "util.h"

static const struct cmd_help indicators_help = { "indicators",
	"usage: sorttp indicators "
	"doelrealisatie|tevredenheid|uitval|aanlevering\n"
	"           --data DIR\n"
	"           [--by aanbieder|gemeente|cluster|regio] "
	"[--period month|quarter|year]\n"
	"           [--from YYYY-MM] [--to YYYY-MM] [--cluster NAME[,NAME]]\n"
	"           [--gemeente CODE[,CODE]] [--aanbieder AGB[,AGB]] "
	"[--format json|csv|xlsx]\n"
	"           [--uitsplitsing leeftijd|geslacht|productcategorie|gebied]\n"
	"           [--as PARTY] [--config FILE]\n"
	"\n"
	"Prints an indicator answer exactly as GET /v1/indicators/NAME would "
	"give it,\n"
	"after the same disclosure control, and audits the query. Without "
	"--as the\n"
	"scope is the whole region; with --as PARTY it is that party's "
	"(an analist\n"
	"or an aanbieder). Defaults: --by aanbieder --period quarter, the "
	"last 12\n"
	"months. --uitsplitsing (analisten, --period year, all aanbieders)\n"
	"breaks every cell down by one client attribute. Exit 0 with the answer on stdout, 1 with the error on "
	"stderr.\n"
};

/* The options, by the query parameter names the engine parses. */
static const char *const param_names[] = { "by", "period", "from", "to",
	"cluster", "gemeente", "aanbieder", "format", "uitsplitsing" };
#define NPARAMS	(sizeof(param_names) / sizeof(param_names[0]))

static const char *
param_get(void *arg, const char *key)
{
	const char	**vals = arg;
	size_t		  i;

	for (i = 0; i < NPARAMS; i++)
		if (strcmp(key, param_names[i]) == 0)
			return vals[i];
	return NULL;
}

int
cmd_indicators(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 0 },
		{ "period", required_argument, NULL, 0 },
		{ "from", required_argument, NULL, 0 },
		{ "to", required_argument, NULL, 0 },
		{ "cluster", required_argument, NULL, 0 },
		{ "gemeente", required_argument, NULL, 0 },
		{ "aanbieder", required_argument, NULL, 0 },
		{ "format", required_argument, NULL, 0 },
		{ "uitsplitsing", required_argument, NULL, 0 },
		{ "data", required_argument, NULL, 'd' },
		{ "as", required_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config	 cfg;
	const char		*vals[NPARAMS] = { NULL };
	const char		*names[NPARAMS + 1];
	const char		*dir = NULL, *config = NULL, *as = NULL;
	struct quest_set	*quest = NULL;
	struct ind_engine	*eng = NULL;
	struct pseudo_ctx	*pc = NULL;
	struct store		*st = NULL;
	struct party		 party, *p = NULL;
	struct ind_query	 q;
	struct ind_answer	 a;
	enum ind_kind		 kind;
	char			 dbp[CFG_PATH_MAX], err[512], code[32], msg[256];
	size_t			 nnames = 0;
	int			 opt, idx, ret = 1;
	cJSON			*ej;
	char			*xbody = NULL;
	size_t			 xlen = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
		switch (opt) {
		case 0:
			/* The query options keep their order in opts. */
			vals[idx] = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'a':
			as = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		default:
			return cmd_getopt_common(&indicators_help, opt, argv);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&indicators_help, "which indicator?");
	if (ind_kind_parse(argv[optind], &kind) == -1)
		return cmd_usage_error(&indicators_help, "unknown indicator "
		    "'%s'", argv[optind]);
	if (optind + 1 < argc)
		return cmd_usage_error(&indicators_help, "unexpected argument "
		    "'%s'", argv[optind + 1]);
	if (dir == NULL)
		return cmd_usage_error(&indicators_help,
		    "--data DIR is required");
	for (idx = 0; idx < (int)NPARAMS; idx++)
		if (vals[idx] != NULL)
			names[nnames++] = param_names[idx];
	names[nnames] = NULL;
	if (cmd_load_config(config, &cfg) == -1)
		return 1;
	if (ind_query_parse(&cfg, date_today(time(NULL)), kind, param_get,
	    vals, names, &q, code, sizeof(code), msg, sizeof(msg)) == -1)
		return cmd_usage_error(&indicators_help, "%s", msg);

	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return 1;
	if ((quest = calloc(1, sizeof(*quest))) == NULL ||
	    quest_load_config(&cfg, quest, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp indicators: questionnaires: %s\n",
		    quest ? err : "out of memory");
		goto out;
	}
	if (as != NULL) {
		if (store_open(dbp, 0, &st, err, sizeof(err)) == -1) {
			fprintf(stderr, "sorttp indicators: %s\n", err);
			goto out;
		}
		if (store_party_by_name(st, as, &party) != STORE_OK) {
			fprintf(stderr, "sorttp indicators: no active party "
			    "named '%s'\n", as);
			goto out;
		}
		p = &party;
	}
	if (cmd_engine_key(&cfg, dir, dbp, &pc, err, sizeof(err)) == -1 ||
	    ind_engine_open_key(&cfg, quest, dbp, 0, pc, &eng, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sorttp indicators: %s\n", err);
		goto out;
	}
	ind_engine_answer(eng, p, &q, "cli", &a);
	if (a.status == 200 && a.body != NULL && q.xlsx) {
		/* The workbook from the CSV answer, as the API gives it. */
		if (ind_xlsx_write(dir, &q, config_limit(&cfg, LIMIT_K), quest,
		    a.body, a.len, &xbody, &xlen, err, sizeof(err)) != 0)
			fprintf(stderr, "sorttp indicators: xlsx: %s\n", err);
		else {
			fwrite(xbody, 1, xlen, stdout);
			ret = fflush(stdout) == 0 ? 0 : 1;
		}
	} else if (a.status == 200 && a.body != NULL) {
		fwrite(a.body, 1, a.len, stdout);
		if (!q.csv)
			fputc('\n', stdout);
		ret = fflush(stdout) == 0 ? 0 : 1;
	} else {
		ej = a.body ? cJSON_Parse(a.body) : NULL;
		fprintf(stderr, "sorttp indicators: %u %s: %s\n", a.status,
		    ej ? cJSON_GetStringValue(cJSON_GetObjectItem(ej,
		    "error")) : "internal",
		    ej ? cJSON_GetStringValue(cJSON_GetObjectItem(ej,
		    "message")) : "out of memory");
		cJSON_Delete(ej);
	}
	ind_answer_free(&a);
out:
	free(xbody);
	ind_engine_close(eng);
	pseudo_free(pc);
	store_close(st);
	free(quest);
	return ret;
}

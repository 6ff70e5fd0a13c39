/*
 * sorttp check-config: validates the configuration and the reference
 * data it names, without a data folder, so an operator can test a change
 * before restarting the daemon.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "questionnaire.h"

/* A "publicatie" value as the config spells it. */
static const char *
pub_name(int g)
{
	static const char *const names[] = { "per month", "per quarter",
	    "per year", "not at all" };

	return g >= 0 && g <= CFG_PUB_NONE ? names[g] : "?";
}

static const struct cmd_help check_help = { "check-config",
	"usage: sorttp check-config [--config FILE]\n"
	"\n"
	"Validates the configuration and the reference data it names (the "
	"embedded\n"
	"default without --config). Exit 0 when valid, 1 with the reason "
	"otherwise.\n"
};

int
cmd_check_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config	 cfg;
	struct quest_set	*quest;
	const char		*config = NULL;
	char			 err[512];
	int			 opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		default:
			return cmd_getopt_common(&check_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&check_help, argc, argv, NULL, 0)) != 0)
		return rc;
	if (cmd_load_config(config, &cfg) == -1)
		return 1;
	if ((quest = calloc(1, sizeof(*quest))) == NULL ||
	    quest_load_config(&cfg, quest, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp: questionnaire definitions: %s\n",
		    quest ? err : "out of memory");
		free(quest);
		return 1;
	}
	printf("sorttp: configuration %s is valid: %zu gemeenten in %zu "
	    "clusters, %zu retired codes, %zu questionnaire definition%s, "
	    "k = %lld, listen %s\n", cfg.source, cfg.ref.ngemeenten,
	    cfg.ref.nclusters, cfg.ref.nretired, quest->ndefs,
	    quest->ndefs == 1 ? "" : "s", config_limit(&cfg, LIMIT_K),
	    cfg.listen);
	if (cfg.ref.ngebieden > 0)
		printf("sorttp: gebieden: %zu areas with %zu postcode ranges "
		    "(reference.gebieden)\n", cfg.ref.ngebieden, cfg.ref.npc);
	if (cfg.disclosure == CFG_DISCLOSURE_CELLKEY)
		printf("sorttp: disclosure cellkey: max_deviation %lld, "
		    "variance %g, js %lld\n", cfg.ck_max_deviation,
		    cfg.ck_variance, cfg.ck_js);
	if (cfg.pub_aanbieder[CFG_PUB_GEMEENTE] != 0 ||
	    cfg.pub_aanbieder[CFG_PUB_CLUSTER] != 0 ||
	    cfg.pub_aanbieder[CFG_PUB_REGIO] != 0)
		printf("sorttp: publicatie: one aanbieder per gemeente %s, "
		    "per cluster %s, in the regio %s\n",
		    pub_name(cfg.pub_aanbieder[CFG_PUB_GEMEENTE]),
		    pub_name(cfg.pub_aanbieder[CFG_PUB_CLUSTER]),
		    pub_name(cfg.pub_aanbieder[CFG_PUB_REGIO]));
	free(quest);
	return 0;
}

/*
 * sorttp_attack: the attack harness of issue #11, run per party.
 *
 *   sorttp_attack --data DIR [--config FILE] [--from YYYY-MM --to YYYY-MM]
 *       [--party NAME]... [--union NAME,NAME,...] [--show N] [--utility]
 *       [--lp-seconds S] [--expect-safe]
 *
 * For each --party (and once for each --union, all those analists'
 * answers together) it collects every answer the party may obtain, writes
 * down every relation between them, solves for each withheld count and
 * prints: withheld values, the withheld counts whose true value is in
 * (0, k) ("small"), and of those how many the attacker narrowed below k
 * (the derived maximum is below k: the criterion fails), pinned
 * to one value, or confined to a range inside (0, k). --lp-seconds caps
 * the LP time; what is left then is "undecided" (never counted safe). "operator" is the local operator (the whole region).
 * --expect-safe exits 1 unless nothing is pinned or confined and the
 * model never contradicts the true values.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attack.h"
#include "attack_engine.h"
#include "config.h"
#include "dates.h"
#include "indicators.h"
#include "log.h"
#include "questionnaire.h"
#include "store.h"
#include "util.h"

#define ATK_PARTIES_MAX	32

struct run {
	struct config		 cfg;
	struct quest_set	*qs;
	struct ind_engine	*eng;
	struct store		*st;
	char			 db[4096];
	int			 from, to, show, utility;
	double			 lp_seconds;
	int			 today_month;
};

static int
parse_ym(const char *s, int *out)
{
	long long	y, mo;
	const char	*es;
	char		buf[8];

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	memcpy(buf, s, 4);
	buf[4] = '\0';
	if (util_strtonum(buf, 2000, 2099, &y, &es) == -1 ||
	    util_strtonum(s + 5, 1, 12, &mo, &es) == -1)
		return -1;
	*out = (int)(y - 2000) * 12 + (int)mo - 1;
	return 0;
}

/* One attack: the parties' answers together in one model. */
static int
attack(struct run *r, char *const *names, size_t n, int *unsafe)
{
	struct atk_model	 m;
	struct atk_result	 res;
	struct party		 parties[ATK_PARTIES_MAX];
	unsigned		 own = ATK_ALL;
	size_t			 i, refused = 0;
	long long		 k = config_limit(&r->cfg, LIMIT_K);
	int			 ret = -1;

	if (atk_model_init(&m, &r->cfg, k) == -1)
		return -1;
	m.lp_seconds = r->lp_seconds;
	m.today_month = r->today_month;
	m.window = (int)config_limit(&r->cfg, LIMIT_HERINSTROOM_MONTHS);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "operator") == 0) {
			if (atk_collect(&m, r->eng, NULL, r->from, r->to,
			    &refused) == -1)
				goto fail;
			continue;
		}
		if (store_party_by_name(r->st, names[i], &parties[i]) !=
		    STORE_OK) {
			fprintf(stderr, "sorttp_attack: no party %s\n",
			    names[i]);
			goto fail;
		}
		if (parties[i].role == ROLE_AANBIEDER) {
			if (n > 1) {
				fprintf(stderr, "sorttp_attack: an aanbieder "
				    "is attacked alone\n");
				goto fail;
			}
			own = atk_agb_index(&m,
			    (unsigned)strtoul(parties[i].agb, NULL, 10));
		}
		if (atk_collect(&m, r->eng, &parties[i], r->from, r->to,
		    &refused) == -1) {
			fprintf(stderr, "sorttp_attack: collecting the answers "
			    "of %s failed\n", names[i]);
			goto fail;
		}
	}
	if (atk_truth(&m, r->qs, r->db) == -1 || atk_relate(&m, own) == -1) {
		fprintf(stderr, "sorttp_attack: building the model failed\n");
		goto fail;
	}
	printf("party %s%s:\n", n > 1 ? "union " : "", names[0]);
	for (i = 1; i < n; i++)
		printf("  + %s\n", names[i]);
	if (atk_solve(&m, &res, stdout, r->show) == -1) {
		fprintf(stderr, "sorttp_attack: solving failed\n");
		goto fail;
	}
	printf("  answers %zu (refused %zu), counts %zu, relations %zu, "
	    "k %lld\n", m.answers, refused, res.vars, m.nrows, k);
	printf("  withheld values %zu, small (true in (0,k)) %zu, narrowed "
	    "below k %zu, pinned below k %zu, confined inside (0,k) %zu, "
	    "undecided (LP time) %zu\n", res.withheld, res.targets,
	    res.below_k, res.pinned, res.confined, res.undecided);
	printf("  below k but not LP-checked for pinning (LP time) %zu\n",
	    res.pin_unchecked);
	printf("  model errors %zu, answer conflicts %zu; %zu components, "
	    "largest %zu, %zu LPs, %.1f s\n", res.model_errors, m.conflicts,
	    res.components, res.largest, res.lps, res.seconds);
	if (r->utility)
		atk_print_utility(&m, stdout);
	fflush(stdout);
	if (res.pinned > 0 || res.confined > 0 || res.model_errors > 0 ||
	    m.conflicts > 0 || res.undecided > 0)
		*unsafe = 1;
	ret = 0;
fail:
	atk_model_free(&m);
	return ret;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "party", required_argument, NULL, 'p' },
		{ "union", required_argument, NULL, 'u' },
		{ "show", required_argument, NULL, 's' },
		{ "utility", no_argument, NULL, 'U' },
		{ "expect-safe", no_argument, NULL, 'e' },
		{ "lp-seconds", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	static struct run	 r;
	char			*jobs[ATK_PARTIES_MAX], *names[ATK_PARTIES_MAX];
	char			 err[512], *tok, *save;
	const char		*dir = NULL, *config = NULL;
	size_t			 njobs = 0, nn;
	int			 isunion[ATK_PARTIES_MAX];
	int			 opt, expect = 0, unsafe = 0, ret = 2;
	long long		 v;
	const char		*es;

	r.to = -1;
	r.from = -1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'c': config = optarg; break;
		case 'f':
			if (parse_ym(optarg, &r.from) == -1)
				goto usage;
			break;
		case 't':
			if (parse_ym(optarg, &r.to) == -1)
				goto usage;
			break;
		case 'p':
		case 'u':
			if (njobs == ATK_PARTIES_MAX)
				goto usage;
			isunion[njobs] = opt == 'u';
			jobs[njobs++] = optarg;
			break;
		case 's':
			if (util_strtonum(optarg, 0, 100000, &v, &es) == -1)
				goto usage;
			r.show = (int)v;
			break;
		case 'U': r.utility = 1; break;
		case 'l':
			if (util_strtonum(optarg, 0, 86400, &v, &es) == -1)
				goto usage;
			r.lp_seconds = (double)v;
			break;
		case 'e': expect = 1; break;
		default: goto usage;
		}
	}
	if (dir == NULL || njobs == 0 || optind != argc)
		goto usage;
	if (config_load(config, &r.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp_attack: %s\n", err);
		return 2;
	}
	log_set_level(LOG_LEVEL_WARN);
	{
		int today = date_today(time(NULL));

		r.today_month = (today / 10000 - 2000) * 12 +
		    today / 100 % 100 - 1;
	}
	if (r.to == -1)
		r.to = r.today_month;
	if (r.from == -1)
		r.from = r.to -
		    (int)config_limit(&r.cfg, LIMIT_IND_MONTHS_MAX) + 1;
	if (r.from < 0)
		r.from = 0;
	snprintf(r.db, sizeof(r.db), "%s/sorttp.db", dir);
	if ((r.qs = calloc(1, sizeof(*r.qs))) == NULL ||
	    quest_load_config(&r.cfg, r.qs, err, sizeof(err)) == -1 ||
	    store_open(r.db, 0, &r.st, err, sizeof(err)) == -1 ||
	    ind_engine_open(&r.cfg, r.qs, r.db, 0, &r.eng, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sorttp_attack: %s\n", err);
		goto out;
	}
	ret = 0;
	for (size_t i = 0; i < njobs; i++) {
		nn = 0;
		if (isunion[i]) {
			/* NAME,NAME,...: split in place. */
			for (tok = jobs[i]; tok != NULL && nn < ATK_PARTIES_MAX;
			    tok = save) {
				if ((save = strchr(tok, ',')) != NULL)
					*save++ = '\0';
				names[nn++] = tok;
			}
		} else
			names[nn++] = jobs[i];
		if (attack(&r, names, nn, &unsafe) == -1) {
			ret = 2;
			break;
		}
	}
	if (ret == 0 && expect && unsafe) {
		printf("sorttp_attack: NOT SAFE: a withheld count below k is "
		    "pinned or confined (or the model is wrong)\n");
		ret = 1;
	}
out:
	ind_engine_close(r.eng);
	store_close(r.st);
	free(r.qs);
	return ret;
usage:
	fprintf(stderr, "usage: sorttp_attack --data DIR [--config FILE] "
	    "[--from YYYY-MM] [--to YYYY-MM]\n"
	    "       [--party NAME]... [--union NAME,NAME...] [--show N] "
	    "[--utility]\n       [--lp-seconds S] [--expect-safe]\n");
	return 2;
}

/*
 * The attack harness (issue #11): plays a party that wants to learn a
 * withheld count, with nothing but the answers that party may obtain.
 *
 * An attack model holds one variable per count that any collected answer
 * publishes or withholds (a cell's n and each of its categories), keyed by
 * indicator x aanbieder (or all) x place x period x category, and every
 * relation an attacker knows between them: categories add up to their
 * cell, aanbieders to all aanbieders of a place, gemeenten to their
 * cluster and clusters to the regio, months to quarters to years (for
 * doelrealisatie only as inequalities: a trajectory counts once per
 * period), one-decimal shares times n, a listed withheld cell holds at
 * least 1, an absent cell holds 0. For every withheld count whose true
 * value is in (0, k) it then computes the exact LP range (GLPK) and checks
 * it against the true value.
 *
 * The harness reads answers exactly as a party gets them (JSON from the
 * engine, attack_engine.c) and reads the true values from the unprotected
 * cube of the same snapshot code, test-only, in-process: no record ever
 * leaves the cube and nothing is added to the daemon.
 */
#ifndef SORTTP_ATTACK_H
#define SORTTP_ATTACK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

#define ATK_ALL		0xffffu		/* all aanbieders together */
#define ATK_AGB_MAX	4096		/* distinct AGB codes in one model */
#define ATK_GEO_CLUSTER(c) (64 + (c))	/* geo: 0..63 gemeente index */
#define ATK_GEO_REGIO	127
#define ATK_NCAT_MAX	16

/* Categories: 0 is the cell's n; 1 + the engine's category index. */
enum {
	ATK_CAT_N = 0,
	/* uitval: 1..11 RedenBeeindiging 02, 31..39, overig; 12, 13 herinstroom */
	ATK_U_REDEN0 = 1, ATK_U_R31 = 2, ATK_U_R32 = 3, ATK_U_HER_NEW = 12,
	ATK_U_HER_NONE = 13, ATK_U_NCAT = 14,
	/* doelrealisatie: 1 no probleemafname, 2..4 values 1..3, 5/6 zonder
	 * hulp verder ja / not ja */
	ATK_D_PA0 = 1, ATK_D_ZH_JA = 5, ATK_D_ZH_NIET = 6, ATK_D_NCAT = 7,
	/* tevredenheid: 1 jeugdige, 2 ouder */
	ATK_T_NCAT = 3
};

enum atk_level {
	ATK_LV_AGB_GEM = 0, ATK_LV_AGB_CLU, ATK_LV_AGB_REG,
	ATK_LV_GEM, ATK_LV_CLU, ATK_LV_REG, ATK_LV_VERG, ATK__NLEVELS
};

/* Packs a key; kind 0..2, pt 0..2 (month, quarter, year). */
uint64_t atk_key(int kind, unsigned agb, int geo, int pt, int period, int cat);
void	atk_key_split(uint64_t, int *kind, unsigned *agb, int *geo, int *pt,
	    int *period, int *cat);
/* "uitval ALL|AGB geo period cat", for reports. */
void	atk_key_format(const struct config *, const unsigned *agbs,
	    uint64_t key, char *buf, size_t len);

struct atk_var {
	uint64_t	 key;
	double		 lo, hi;	/* what the publications say */
	int64_t		 truth;
	int64_t		 shift;		/* known own part (aanbieder) */
	uint8_t		 withheld;	/* a published position left out */
	uint8_t		 open;		/* an absent part is unknown, not 0 */
	uint8_t		 vergelijking;
	uint8_t		 has_truth;
	uint8_t		 visible;	/* some answer printed it */
	uint8_t		 listed;	/* counted for utility */
	double		 dlo, dhi;	/* derived range, after atk_solve */
};

struct atk_row {
	size_t		 off, n;	/* into idx/coef */
	double		 lo, hi;
};

struct atk_model {
	const struct config *cfg;
	long long	 k;
	struct atk_var	*v;
	size_t		 nv, cap;
	size_t		*slot;		/* hash: var index + 1 */
	size_t		 nslot;
	struct atk_row	*rows;
	size_t		 nrows, rcap;
	uint32_t	*idx;
	double		*coef;
	size_t		 nidx, icap;
	unsigned	 agbs[ATK_AGB_MAX];	/* AGB code of each index */
	size_t		 nagbs;
	/* herinstroom window closed, learnt from visible cells: -1 unknown */
	signed char	 closed[3][1200];
	/* utility: cells listed and withheld per kind, level, period type */
	long		 ucells[3][ATK__NLEVELS][3];
	long		 uwithheld[3][ATK__NLEVELS][3];
	uint64_t	*tkey;		/* true values: key + 1, 0 = free */
	int64_t		*tval;
	size_t		 ntslot, ntruth;
	size_t		 conflicts;	/* one key, two different answers */
	size_t		 answers;
	double		 lp_seconds;	/* LP time budget; 0: none */
	int		 today_month;	/* month index of today; 0: unknown */
	int		 window;	/* herinstroom window, months */
	int		 oom;
};

struct atk_result {
	size_t		 vars, withheld, targets;
	size_t		 below_k;	/* derived maximum < k */
	size_t		 undecided;	/* out of LP time */
	size_t		 pin_unchecked;	/* below k; pinning not LP-checked */
	size_t		 pinned, confined;
	size_t		 model_errors;	/* truth outside the derived range */
	size_t		 components, largest, lps;
	double		 seconds;
};

int	atk_model_init(struct atk_model *, const struct config *, long long k);
void	atk_model_free(struct atk_model *);
unsigned atk_agb_index(struct atk_model *, unsigned agb);

/* The variable of key (created with bounds [0, inf) when missing). */
size_t	atk_var(struct atk_model *, uint64_t key);
/* The variable of key, or (size_t)-1. */
size_t	atk_find(const struct atk_model *, uint64_t key);
void	atk_bound(struct atk_model *, size_t v, double lo, double hi);
/* A relation lo <= sum coef * var <= hi; begin, then add members. */
void	atk_row(struct atk_model *, double lo, double hi);
void	atk_row_add(struct atk_model *, size_t v, double coef);

/*
 * Adds one JSON answer (the body the engine returns) as the party sees
 * it. Returns 0, or -1 when it is not an indicator answer.
 */
int	atk_add_answer(struct atk_model *, const char *json, size_t len);

/*
 * Writes down every relation between the collected figures. own is the
 * AGB index of an aanbieder party (its own cells are known to it: they
 * are fixed to the truth and give each vergelijking count its shift), or
 * ATK_ALL for analists. Call after the truth is set.
 */
int	atk_relate(struct atk_model *, unsigned own);

/* Sets the true value of key (absent keys are 0). */
int	atk_truth_set(struct atk_model *, uint64_t key, int64_t value);
int64_t	atk_truth_get(const struct atk_model *, uint64_t key);

/*
 * Solves: for every withheld count whose true value less its shift lies in
 * (0, k), the LP minimum and maximum. Prints up to maxshow leaks on out.
 */
int	atk_solve(struct atk_model *, struct atk_result *, FILE *out,
	    int maxshow);

/* Prints the utility table: share of cells withheld. */
void	atk_print_utility(const struct atk_model *, FILE *);

#endif

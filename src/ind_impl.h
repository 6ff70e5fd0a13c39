/*
 * Internals of the indicator engine shared by ind_snapshot.c (building the
 * in-memory unit facts from the store) and indicators.c (answering).
 */
#ifndef SORTTP_IND_IMPL_H
#define SORTTP_IND_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "indicators.h"
#include "questionnaire.h"

#define IND_YEAR0	2000	/* period indexes count from January 2000 */
#define IND_YEARS	100
#define IND_GEM_NONE	0xff

/* Categories of RedenBeeindiging: 02, 31..39 and anything else. */
#define IND_NREDEN	11
#define IND_REDEN_OVERIG 10

/* A trajectory's latest eind measurement in one period. */
struct u_doel {
	uint32_t	 client;
	uint16_t	 period;
	uint16_t	 agb;		/* index into snap->agbs */
	uint8_t		 gem;		/* index into cfg->ref.gemeenten */
	int8_t		 pa;		/* probleemafname 1..3, 0 = none */
	int8_t		 zh;		/* zonder hulp verder 0/1, -1 = none */
	uint8_t		 pad;
	uint16_t	 doelen;
	uint16_t	 behaald;
	float		 gas_t;		/* NaN = none */
};

/* A definitively ended product, in the period of its Einddatum. */
struct u_uit {
	uint32_t	 client;
	uint16_t	 period;
	uint16_t	 agb;
	uint8_t		 gem;
	uint8_t		 reden;		/* category 0..IND_NREDEN-1 */
	uint8_t		 her;		/* 0 not 31; 1 new start; 2 none */
	uint8_t		 pad;
};

/* A questionnaire response. */
struct u_tev {
	uint32_t	 client;
	uint16_t	 period;
	uint16_t	 agb;
	uint8_t		 gem;
	uint8_t		 resp;		/* enum quest_respondent */
	uint16_t	 def;		/* index into the quest_set */
	uint32_t	 voff;		/* its answers: snap->vals[voff..] */
};

/* Units of one kind for one period type, sorted by (period, client). */
struct ind_units {
	void		*u;
	size_t		 n;
	uint32_t	*off;		/* units of period p: off[p]..off[p+1] */
	int		 nperiods;
};

struct ind_snapshot {
	int64_t		 generation;
	uint64_t	 built_ns;
	int		*agbs;		/* sorted AGB codes */
	size_t		 nagbs;
	size_t		 nclients;
	struct ind_units units[IND__NKINDS][IND__NPERIODS];
	signed char	*vals;
	size_t		 nvals;
	int		 refs;		/* queries using it, plus the engine */
};

/*
 * The schaal items of all definitions, per respondent type, merged by
 * code (an id never changes meaning: questionnaire.h), and where each
 * definition's item lands.
 */
struct ind_items {
	size_t		 n[QUEST__NRESPONDENTS];
	char		 code[QUEST__NRESPONDENTS][QUEST_MAX_ITEMS * QUEST_MAX_DEFS]
			    [QUEST_CODE_MAX + 1];
	/* map[def][resp][item]: merged index, or -1 (not a schaal item). */
	int16_t		 map[QUEST_MAX_DEFS][QUEST__NRESPONDENTS][QUEST_MAX_ITEMS];
};

void	ind_items_build(const struct quest_set *, struct ind_items *);

/*
 * Builds a snapshot from the store. today (yyyymmdd) is not needed;
 * window is the herinstroom window in months. Returns NULL on a fault.
 */
struct ind_snapshot *ind_snapshot_build(const struct config *,
	    const struct quest_set *, struct store *, int window_months);
void	ind_snapshot_free(struct ind_snapshot *);

/* Period index of a yyyymmdd for a period type; -1 when out of range. */
int	ind_period_of(int ymd, enum ind_period);

/* yyyymmdd plus n months, the day clamped to the month's end. */
int	ind_add_months(int ymd, int n);

/* The last day of period p of type t, as yyyymmdd. */
int	ind_period_last_day(int p, enum ind_period t);

/* First and last month index of period p of type t. */
void	ind_period_months(int p, enum ind_period t, int *first, int *last);

#endif

/*
 * Disclosure control: the one module every published number goes through,
 * over HTTP and on the command line alike.
 *
 * The principle (PRODUCT.md section 7): no published number, alone or
 * combined with the other numbers of the same answer or of other answers,
 * lets anyone work out a number of clients strictly between 0 and k.
 *
 * The numbers are described to this module as items and relations. An
 * item is a count that some answer publishes, directly or by implication:
 * a cell's total, one category of a cell (a RedenBeeindiging, a
 * probleemafname value, a respondent type), or a hidden remainder such as
 * "no value given", never printed but following from the total minus the
 * printed categories. Each item carries its units and distinct clients.
 *
 * A relation says that some items (the parts) add up to another (the
 * total): the categories of a cell to the cell, the gemeenten of a cluster
 * to the cluster, the aanbieders of a gemeente to the gemeente, the months
 * of a quarter to the quarter. A relation may lack a total item when its
 * sum is published elsewhere. A link says that when one item is
 * suppressed, another must be too (a suppressed cell hides its
 * categories).
 *
 * dc_run applies, until nothing changes:
 *  1. primary suppression: an item with units but fewer than k distinct
 *     clients is suppressed;
 *  2. links;
 *  3. secondary suppression: in a relation where something is suppressed,
 *     at least two members must be; and where the total is known, the
 *     suppressed parts together must hold at least k clients, so that the
 *     total minus the published parts yields nothing below k. The member
 *     added is the printed, unsuppressed one with the fewest clients (then
 *     fewest units, then the first): the least information is withheld and
 *     the result is deterministic;
 *  4. an audit that plays the attacker: starting from everything
 *     published, it solves every relation that has one unknown member left,
 *     over and over, as a chain of subtractions across months, gemeenten
 *     and aanbieders would. When that recovers an item below k, one more
 *     member of the relation that gave it away is suppressed, and the
 *     whole run starts again.
 * Suppression only ever grows, so the run ends.
 *
 * The exact method (DC_EXACT, the default) adds to step 3 that, in a
 * relation with a known total, every withheld count in (0, k) must be
 * able to reach k given that each other listed withheld part is at least
 * 1, and replaces step 4 by an exact audit: per connected part of the
 * attacker's system (unknowns: withheld, hidden and unpublished items;
 * one equality per relation, inequalities for dc_group_le), the largest
 * value of every such count is found by linear programming (GLPK), many
 * at once by maximising the sum of min(x, k), then one by one; a count
 * that cannot reach k has the cheapest printed item of its relations
 * withheld, and the run repeats. Parts larger than DC_EXACT_MAX unknowns
 * are not solved (lp_skipped counts their counts). DC_LOCAL is the
 * previous method, kept for comparison.
 */
#ifndef SORTTP_DISCLOSURE_H
#define SORTTP_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

#define DC_K_MIN	5	/* k is never below this */
#define DC_NONE		UINT32_MAX

/*
 * 16 bytes: a national snapshot holds some 20 million, read at random.
 * Counts fit in 32 bits (dc_item refuses larger ones); sums of them are
 * taken in 64.
 */
struct dc_item {
	int32_t		 units;
	int32_t		 clients;	/* distinct clients */
	uint8_t		 forced;	/* suppressed whatever the counts */
	uint8_t		 hidden;	/* never printed: cannot be withheld */
	uint8_t		 suppressed;	/* result */
	uint8_t		 unpublished;	/* not printed (yet), not protected */
	uint8_t		 certified;	/* exact audit: can reach k */
	uint8_t		 prior;		/* published by an earlier snapshot */
	uint8_t		 pknown;	/* run: dc_prior_known */
	uint8_t		 pdrop;		/* run: published before, but counted
					   as unknown again (a later pass) */
};

/* How dc_run decides; DC_EXACT is the default (dc_init). */
enum dc_method {
	DC_EXACT = 0,	/* secondary rules, then the exact LP audit */
	DC_LOCAL	/* the rules and single-unknown audit only (v1) */
};

struct dc_table {
	struct dc_item	*items;
	size_t		 nitems, items_cap;
	uint32_t	*members;	/* the relations' parts, one after another */
	size_t		 nmembers, members_cap;
	size_t		*group_off;	/* relation i: members[off[i] .. off[i+1]) */
	uint32_t	*group_total;	/* its total item, or DC_NONE */
	size_t		 ngroups, groups_cap;
	uint32_t	*links;		/* pairs: parent, child */
	size_t		 nlinks, links_cap;
	uint8_t		*group_le;	/* relation i: parts add up to at
					   least the total, each at most it */
	uint8_t		*flags;		/* after dc_compact, instead of
					   items: DC_F_* per item */
	int		 oom;		/* an add failed: dc_run refuses */
	enum dc_method	 method;
	/* What the last dc_run did (bench and tests). */
	size_t		 lp_solves, lp_rounds, lp_fixes, lp_unresolved;
	size_t		 lp_skipped;	/* counts in components too large */
	size_t		 prior_stuck;	/* only figures published before were
					   left to withhold (dc_prior) */
	size_t		 prior_second;	/* later passes that ran (0: none) */
	size_t		 prior_dropped;	/* figures published before counted
					   as unknown again by them */
};

void	dc_init(struct dc_table *);
void	dc_free(struct dc_table *);
/*
 * After dc_run, keeps only what its decisions need, one byte of flags per
 * item (DC_F_*), and frees the items' counts, the relations and the
 * links: dc_suppressed and dc_printed answer as before; nothing may be
 * added or run on the table again (nitems stays).
 */
void	dc_compact(struct dc_table *);
#define DC_F_SUPPRESSED	0x01
#define DC_F_PRINTED	0x02	/* neither hidden nor unpublished */

/*
 * Adds an item; returns its index. Counts outside 32 bits are refused as
 * an add that failed: dc_run then returns -1.
 */
uint32_t dc_item(struct dc_table *, int64_t units, int64_t clients);

/* Marks an item suppressed whatever its counts (too few aanbieders). */
void	dc_force(struct dc_table *, uint32_t item);

/*
 * Marks an item as a hidden remainder: never printed, so withholding it
 * hides nothing; secondary suppression then picks a printed item instead.
 */
void	dc_hidden(struct dc_table *, uint32_t item);

/*
 * Starts a relation whose parts add up to total (DC_NONE: the sum is
 * published elsewhere); dc_member adds a part to the relation begun last.
 */
void	dc_group(struct dc_table *, uint32_t total);

/*
 * Like dc_group, for parts that may share units (a trajectory measured in
 * two months counts once in the quarter): the parts add up to at least
 * the total and none exceeds it.
 */
void	dc_group_le(struct dc_table *, uint32_t total);

/*
 * Marks an item as a figure that is not published (yet) and needs no
 * protection (herinstroom before its window closes): unknown to the
 * attacker, never withheld.
 */
void	dc_unpublished(struct dc_table *, uint32_t item);
void	dc_member(struct dc_table *, uint32_t item);

/*
 * Marks an item as published by an earlier snapshot (dc_history.h). Its
 * earlier value is public, and whoever knows how the data changed since
 * (who added the clients) knows its value now: unless its count is now in
 * (0, k), the rules, the chain audit and the LP audit count it as known
 * to the attacker, whether it is withheld now or not, so that no value
 * below k can be recovered by differencing against it. With a count in
 * (0, k) it is withheld and protected as any other small count.
 *
 * Counting more as known only makes the protection stronger against one
 * who does not know the change: what holds with the earlier figures known
 * holds without. Where it cannot hold (a new small count whose every
 * partner was published before), withholding such a figure still hides
 * its new value from everyone else; so when dc_run found nothing but
 * such figures left to withhold, it runs once more with them as ordinary
 * figures, and the criterion holds at least for a single snapshot.
 */
void	dc_prior(struct dc_table *, uint32_t item);

/* child is suppressed whenever parent is. */
void	dc_link(struct dc_table *, uint32_t parent, uint32_t child);

/*
 * Applies the rules with threshold k (k below DC_K_MIN is raised to it).
 * Returns 0, or -1 when the table could not be built (out of memory) or
 * the process is stopping (dc_stop): nothing may be published then.
 */
int	dc_run(struct dc_table *, long long k);

/*
 * The daemon is stopping: every dc_run and dc_check in progress gives up
 * at its exact audit's next component (returns -1), and so does every
 * later one, so that no build holds up the stop. For good.
 */
void	dc_stop(void);

/*
 * The exact check of the criterion on the pattern as it stands: for every
 * withheld or hidden item whose count is in (0, k), the largest value
 * consistent with everything published, the relations and what a listed
 * withheld figure tells (it is at least 1) is found by linear programming
 * (GLPK); *failing receives how many stay below k. Returns 0, or -1 when
 * the check could not run.
 */
int	dc_check(struct dc_table *, long long k, size_t *failing);

/* One log line: figures, withheld, what the exact audit did. */
void	dc_log(const struct dc_table *, const char *what);

/*
 * Known to the attacker through an earlier snapshot: published then, and
 * not a small count now (dc_prior): no units, or at least k units of at
 * least k distinct clients. A count that primary suppression withholds
 * (units of fewer than k clients) is never known.
 */
static inline int
dc_prior_known(const struct dc_item *it, long long k)
{
	return it->prior && (it->units == 0 ||
	    (it->units >= k && it->clients >= k));
}

static inline int
dc_suppressed(const struct dc_table *t, uint32_t item)
{
	if (t->flags != NULL)
		return t->flags[item] & DC_F_SUPPRESSED;
	return t->items[item].suppressed;
}

/* Whether an item is ever printed: neither hidden nor unpublished. */
static inline int
dc_printed(const struct dc_table *t, uint32_t item)
{
	if (t->flags != NULL)
		return (t->flags[item] & DC_F_PRINTED) != 0;
	return !t->items[item].hidden && !t->items[item].unpublished;
}

#endif

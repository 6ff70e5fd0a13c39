/*
 * Disclosure control: the one module every published number goes through,
 * over HTTP and on the command line alike.
 *
 * The principle (PRODUCT.md section 7): no published number, alone or
 * combined with the other numbers of the same answer or of other answers,
 * lets anyone work out a number of clients strictly between 0 and k.
 *
 * An answer is described to this module as items and groups. An item is a
 * count the answer publishes, directly or by implication: a cell's total,
 * one category of a cell (a RedenBeeindiging, a probleemafname value, a
 * respondent type), or a hidden remainder such as "no value given", which
 * is never printed but follows from the total minus the printed
 * categories. Each item carries its units and its distinct clients.
 *
 * A group is a set of items whose sum is published, here or in another
 * answer: the categories of one cell (their sum is the cell's total), the
 * gemeenten of one cluster (their sum is the cluster's cell), the months
 * of one quarter, and so on. A link says that when one item is suppressed,
 * another must be too (a suppressed cell hides all its categories).
 *
 * dc_run then applies, until nothing changes:
 *  - primary suppression: an item with units but fewer than k distinct
 *    clients is suppressed;
 *  - links;
 *  - secondary suppression: in a group where something is suppressed, at
 *    least two items must be suppressed and the suppressed items together
 *    must hold at least k clients, so that subtracting the published
 *    items from the group's sum yields nothing below k. The item added is
 *    the printed, unsuppressed one with the fewest clients (then fewest
 *    units, then the first), so the least information is withheld and the
 *    result is deterministic.
 * Suppression only ever grows, so the loop ends.
 */
#ifndef SORTTP_DISCLOSURE_H
#define SORTTP_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

#define DC_K_MIN	5	/* k is never below this */

struct dc_item {
	int64_t		 units;
	int64_t		 clients;	/* distinct clients */
	int		 forced;	/* suppressed whatever the counts */
	int		 hidden;	/* never printed: cannot be withheld */
	int		 suppressed;	/* result */
};

struct dc_table {
	struct dc_item	*items;
	size_t		 nitems, items_cap;
	uint32_t	*members;	/* the groups' members, one after another */
	size_t		 nmembers, members_cap;
	size_t		*group_off;	/* group i: members[off[i] .. off[i+1]) */
	size_t		 ngroups, groups_cap;
	uint32_t	*links;		/* pairs: parent, child */
	size_t		 nlinks, links_cap;
	int		 oom;		/* an add failed: dc_run refuses */
};

void	dc_init(struct dc_table *);
void	dc_free(struct dc_table *);

/* Adds an item; returns its index. */
uint32_t dc_item(struct dc_table *, int64_t units, int64_t clients);

/* Marks an item suppressed whatever its counts (too few aanbieders). */
void	dc_force(struct dc_table *, uint32_t item);

/*
 * Marks an item as a hidden remainder: never printed, so withholding it
 * hides nothing; secondary suppression then picks a printed item instead.
 */
void	dc_hidden(struct dc_table *, uint32_t item);

/* Starts a group; dc_member adds to the group begun last. */
void	dc_group(struct dc_table *);
void	dc_member(struct dc_table *, uint32_t item);

/* child is suppressed whenever parent is. */
void	dc_link(struct dc_table *, uint32_t parent, uint32_t child);

/*
 * Applies the rules with threshold k (k below DC_K_MIN is raised to it).
 * Returns 0, or -1 when the table could not be built (out of memory):
 * nothing may be published then.
 */
int	dc_run(struct dc_table *, long long k);

static inline int
dc_suppressed(const struct dc_table *t, uint32_t item)
{
	return t->items[item].suppressed;
}

#endif

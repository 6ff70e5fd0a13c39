/*
 * Fuzzes disclosure control with random tables (items, relations with
 * and without a total, links, hidden remainders, forced items) and checks
 * the promises of disclosure.h on the result:
 *  - every item with units and fewer than k clients is suppressed;
 *  - a suppressed parent hides its children;
 *  - in every relation with something suppressed, two or more members
 *    are, and with a known total the hidden parts hold k clients, unless
 *    no printed member is left to hide;
 *  - an attacker solving single-unknown relations recovers no count
 *    below k, unless the relation that gives it away has nothing printed
 *    left to hide;
 *  - on a consistent linked table (two periods of a rows x columns grid
 *    with their margins, and the period that sums them), the exact
 *    criterion: no withheld count in (0, k) has a feasible maximum below
 *    k (dc_check, an LP over the whole table), except those dc_run gave
 *    up on because nothing printed was left near them;
 *  - then a second snapshot of that table with some cells changed, the
 *    figures the first published marked dc_prior (the attacker knows the
 *    change): the same criterion with every figure ever published known.
 * Random tables also get prior items: known, never a partner, unless
 * they are now a small count (fewer than k clients, whatever the units).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"

#define K		5
#define MAXITEMS	24
#define MAXGROUPS	12

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct in {
	const uint8_t	*p;
	size_t		 n;
};

static unsigned
next(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* A printed, unsuppressed member with units is left in relation g. */
static int
printed_left(const struct dc_table *t, size_t g, uint32_t skip)
{
	uint32_t	tot = t->group_total[g], id;
	size_t		i;

	for (i = t->group_off[g]; i <= t->group_off[g + 1]; i++) {
		id = i < t->group_off[g + 1] ? t->members[i] : tot;
		if (id == DC_NONE || id == skip)
			continue;
		if (t->items[id].units > 0 && !t->items[id].suppressed &&
		    !t->items[id].hidden && !t->items[id].pknown)
			return 1;
	}
	return 0;
}

/*
 * A consistent linked table: periods 0 and 1 of an nr x nc grid and
 * period 2 their sum, each with row, column and grand totals; every sum
 * is a relation, and every period-2 figure the total of its two periods.
 */
static void
linked_one(int64_t v[3][5][5], size_t nr, size_t nc, uint8_t pub[3][5][5],
    int with_prior)
{
	struct dc_table	t;
	uint32_t	id[3][5][5];
	size_t		r, c, p, failing;

	for (p = 0; p < 3; p++)
		for (r = 0; r <= nr; r++)
			for (c = 0; c <= nc; c++)
				v[p][r][c] = p < 2 && r < nr && c < nc ?
				    v[p][r][c] : 0;
	for (r = 0; r < nr; r++)
		for (c = 0; c < nc; c++)
			v[2][r][c] = v[0][r][c] + v[1][r][c];
	for (p = 0; p < 3; p++)
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++) {
				v[p][r][nc] += v[p][r][c];
				v[p][nr][c] += v[p][r][c];
				v[p][nr][nc] += v[p][r][c];
			}
	dc_init(&t);
	for (p = 0; p < 3; p++)
		for (r = 0; r <= nr; r++)
			for (c = 0; c <= nc; c++)
				id[p][r][c] = dc_item(&t, v[p][r][c],
				    v[p][r][c]);
	for (p = 0; with_prior && p < 3; p++)
		for (r = 0; r <= nr; r++)
			for (c = 0; c <= nc; c++)
				if (pub[p][r][c])
					dc_prior(&t, id[p][r][c]);
	for (p = 0; p < 3; p++) {
		for (r = 0; r <= nr; r++) {
			dc_group(&t, id[p][r][nc]);
			for (c = 0; c < nc; c++)
				dc_member(&t, id[p][r][c]);
		}
		for (c = 0; c <= nc; c++) {
			dc_group(&t, id[p][nr][c]);
			for (r = 0; r < nr; r++)
				dc_member(&t, id[p][r][c]);
		}
	}
	for (r = 0; r <= nr; r++)
		for (c = 0; c <= nc; c++) {
			dc_group(&t, id[2][r][c]);
			dc_member(&t, id[0][r][c]);
			dc_member(&t, id[1][r][c]);
		}
	if (dc_run(&t, K) == -1)
		abort();
	if (dc_check(&t, K, &failing) == -1)
		abort();
	if (failing > t.lp_unresolved)
		abort();
	for (p = 0; p < 3; p++)
		for (r = 0; r <= nr; r++)
			for (c = 0; c <= nc; c++)
				pub[p][r][c] |= (uint8_t)
				    !t.items[id[p][r][c]].suppressed;
	dc_free(&t);
}

static void
linked(struct in *in)
{
	int64_t		v[3][5][5];
	uint8_t		pub[3][5][5];
	size_t		nr, nc, r, c, p;
	unsigned	d;

	nr = 2 + next(in) % 3;
	nc = 2 + next(in) % 3;
	memset(v, 0, sizeof(v));
	memset(pub, 0, sizeof(pub));
	for (p = 0; p < 2; p++)
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++)
				v[p][r][c] = next(in) % 5 == 0 ? 0 :
				    next(in) % 25;
	linked_one(v, nr, nc, pub, 0);
	/* Snapshot 2: a few cells gain or lose clients. */
	for (p = 0; p < 2; p++)
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++) {
				d = next(in) % 7;
				if (d == 1 || d == 2)
					v[p][r][c] += d;
				else if (d == 3 && v[p][r][c] > 0)
					v[p][r][c]--;
			}
	linked_one(v, nr, nc, pub, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_table		 t;
	struct in		 in = { data, size };
	const struct dc_item	*it;
	size_t			 nitems, ngroups, g, i, nm, nsup, unknown;
	uint32_t		 tot, last = 0, id;
	int64_t			 sup;
	unsigned		 v;
	uint8_t			 known[MAXITEMS];
	int			 progress;

	dc_init(&t);
	nitems = 1 + next(&in) % MAXITEMS;
	for (i = 0; i < nitems; i++) {
		int64_t	units = next(&in) % 31;
		int64_t	clients = units ? 1 + next(&in) % (uint64_t)units : 0;

		dc_item(&t, units, clients);
		v = next(&in);
		if (v % 17 == 0)
			dc_hidden(&t, (uint32_t)i);
		if (v % 23 == 0)
			dc_force(&t, (uint32_t)i);
		if (v % 13 == 0)
			dc_prior(&t, (uint32_t)i);
	}
	ngroups = next(&in) % MAXGROUPS;
	for (g = 0; g < ngroups; g++) {
		v = next(&in);
		dc_group(&t, v % 3 == 0 ? DC_NONE : (uint32_t)(v % nitems));
		nm = 1 + next(&in) % 6;
		for (i = 0; i < nm; i++)
			dc_member(&t, (uint32_t)(next(&in) % nitems));
	}
	for (i = next(&in) % 6; i > 0; i--) {
		uint32_t a = (uint32_t)(next(&in) % nitems);
		uint32_t b = (uint32_t)(next(&in) % nitems);

		dc_link(&t, a, b);
	}
	if (dc_run(&t, K) == -1)
		abort();

	for (i = 0; i < t.nitems; i++) {
		it = &t.items[i];
		if (it->units > 0 && it->clients < K && !it->suppressed)
			abort();
		if (it->forced && !it->suppressed)
			abort();
		/* A small count now is never known through its past. */
		if (it->pknown && it->units > 0 && it->clients < K)
			abort();
	}
	for (i = 0; i < t.nlinks; i++)
		if (t.items[t.links[2 * i]].suppressed &&
		    !t.items[t.links[2 * i + 1]].suppressed)
			abort();
	for (g = 0; g < t.ngroups; g++) {
		tot = t.group_total[g];
		nsup = 0;
		sup = 0;
		for (i = t.group_off[g]; i < t.group_off[g + 1]; i++) {
			it = &t.items[t.members[i]];
			if (it->units > 0 && it->suppressed && !it->pknown) {
				nsup++;
				sup += it->clients;
			}
		}
		if (tot != DC_NONE && t.items[tot].suppressed &&
		    !t.items[tot].pknown && t.items[tot].units > 0)
			nsup++;
		if (nsup == 0)
			continue;
		if ((nsup < 2 || ((tot == DC_NONE || !t.items[tot].suppressed ||
		    t.items[tot].pknown) && sup < K)) &&
		    printed_left(&t, g, DC_NONE))
			abort();
	}
	/* The attacker. */
	for (i = 0; i < t.nitems; i++)
		known[i] = t.items[i].units == 0 || t.items[i].pknown ||
		    (!t.items[i].suppressed && !t.items[i].hidden);
	do {
		progress = 0;
		for (g = 0; g < t.ngroups; g++) {
			tot = t.group_total[g];
			unknown = 0;
			for (i = t.group_off[g]; i <= t.group_off[g + 1]; i++) {
				id = i < t.group_off[g + 1] ? t.members[i] :
				    tot;
				if (id != DC_NONE && !known[id]) {
					unknown++;
					last = id;
				}
			}
			if (unknown != 1)
				continue;
			known[last] = 1;
			progress = 1;
			it = &t.items[last];
			if (it->units > 0 && it->clients < K &&
			    printed_left(&t, g, last))
				abort();
		}
	} while (progress);
	/* The compact form a snapshot keeps answers as the items did. */
	for (i = 0; i < t.nitems; i++)
		known[i] = (uint8_t)((t.items[i].suppressed ? 1 : 0) |
		    (!t.items[i].hidden && !t.items[i].unpublished ? 2 : 0));
	dc_compact(&t);
	if (t.items != NULL || t.ngroups != 0)
		abort();
	for (i = 0; i < t.nitems; i++)
		if ((dc_suppressed(&t, (uint32_t)i) ? 1 : 0) !=
		    (known[i] & 1) || dc_printed(&t, (uint32_t)i) !=
		    (known[i] >> 1))
			abort();
	/* Nothing is added or run on a compact table. */
	if (dc_item(&t, 1, 1) != 0 || t.items != NULL ||
	    dc_run(&t, K) != -1)
		abort();
	dc_free(&t);
	linked(&in);
	return 0;
}

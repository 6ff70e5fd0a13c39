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
 *    left to hide.
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
		    !t->items[id].hidden)
			return 1;
	}
	return 0;
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
			if (it->units > 0 && it->suppressed) {
				nsup++;
				sup += it->clients;
			}
		}
		if (tot != DC_NONE && t.items[tot].suppressed &&
		    t.items[tot].units > 0)
			nsup++;
		if (nsup == 0)
			continue;
		if ((nsup < 2 || ((tot == DC_NONE || !t.items[tot].suppressed)
		    && sup < K)) && printed_left(&t, g, DC_NONE))
			abort();
	}
	/* The attacker. */
	for (i = 0; i < t.nitems; i++)
		known[i] = t.items[i].units == 0 ||
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
	dc_free(&t);
	return 0;
}

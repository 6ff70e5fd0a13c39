/*
 * Disclosure control; the rules are described in disclosure.h.
 */
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"

void
dc_init(struct dc_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
dc_free(struct dc_table *t)
{
	free(t->items);
	free(t->members);
	free(t->group_off);
	free(t->links);
	memset(t, 0, sizeof(*t));
}

/* Makes room for one more element of size sz in *p; -1 when out of memory. */
static int
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	void	*q;
	size_t	 ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if ((q = reallocarray(*p, ncap, sz)) == NULL)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

uint32_t
dc_item(struct dc_table *t, int64_t units, int64_t clients)
{
	struct dc_item	*it;

	if (t->oom || grow((void **)&t->items, &t->items_cap, t->nitems,
	    sizeof(*t->items)) == -1 || t->nitems >= UINT32_MAX) {
		t->oom = 1;
		return 0;
	}
	it = &t->items[t->nitems];
	memset(it, 0, sizeof(*it));
	it->units = units;
	it->clients = clients;
	return (uint32_t)t->nitems++;
}

void
dc_force(struct dc_table *t, uint32_t item)
{
	if (!t->oom && item < t->nitems)
		t->items[item].forced = 1;
}

void
dc_hidden(struct dc_table *t, uint32_t item)
{
	if (!t->oom && item < t->nitems)
		t->items[item].hidden = 1;
}

void
dc_group(struct dc_table *t)
{
	/* group_off holds ngroups + 1 offsets: the last is the end. */
	if (t->oom || grow((void **)&t->group_off, &t->groups_cap,
	    t->ngroups + 1, sizeof(*t->group_off)) == -1) {
		t->oom = 1;
		return;
	}
	if (t->ngroups == 0)
		t->group_off[0] = 0;
	t->ngroups++;
	t->group_off[t->ngroups] = t->nmembers;
}

void
dc_member(struct dc_table *t, uint32_t item)
{
	if (t->oom || t->ngroups == 0 || item >= t->nitems ||
	    grow((void **)&t->members, &t->members_cap, t->nmembers,
	    sizeof(*t->members)) == -1) {
		t->oom = 1;
		return;
	}
	t->members[t->nmembers++] = item;
	t->group_off[t->ngroups] = t->nmembers;
}

void
dc_link(struct dc_table *t, uint32_t parent, uint32_t child)
{
	if (t->oom || parent >= t->nitems || child >= t->nitems ||
	    grow((void **)&t->links, &t->links_cap, t->nlinks * 2 + 1,
	    2 * sizeof(*t->links)) == -1) {
		t->oom = 1;
		return;
	}
	t->links[t->nlinks * 2] = parent;
	t->links[t->nlinks * 2 + 1] = child;
	t->nlinks++;
}

/* Suppresses one more member of group g if the rule asks; 1 if it did. */
static int
secondary(struct dc_table *t, size_t g, long long k)
{
	struct dc_item	*it, *best = NULL;
	size_t		 i, nsup = 0;
	int64_t		 sup_clients = 0;

	for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
		it = &t->items[t->members[i]];
		if (it->units == 0)
			continue;	/* a zero adds nothing to hide behind */
		if (it->suppressed) {
			nsup++;
			sup_clients += it->clients;
		} else if (it->hidden)
			continue;
		else if (best == NULL || it->clients < best->clients ||
		    (it->clients == best->clients && it->units < best->units))
			best = it;
	}
	if (nsup == 0 || (nsup >= 2 && sup_clients >= k))
		return 0;
	if (best == NULL)
		return 0;	/* all hidden already: nothing else to do here */
	best->suppressed = 1;
	return 1;
}

int
dc_run(struct dc_table *t, long long k)
{
	struct dc_item	*it;
	size_t		 i, g;
	int		 changed;

	if (t->oom)
		return -1;
	if (k < DC_K_MIN)
		k = DC_K_MIN;
	for (i = 0; i < t->nitems; i++) {
		it = &t->items[i];
		it->suppressed = it->forced ||
		    (it->units > 0 && it->clients < k);
	}
	do {
		changed = 0;
		for (i = 0; i < t->nlinks; i++) {
			if (t->items[t->links[2 * i]].suppressed &&
			    !t->items[t->links[2 * i + 1]].suppressed) {
				t->items[t->links[2 * i + 1]].suppressed = 1;
				changed = 1;
			}
		}
		for (g = 0; g < t->ngroups; g++)
			changed |= secondary(t, g, k);
	} while (changed);
	return 0;
}

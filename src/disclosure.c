/*
 * Disclosure control; the rules are described in disclosure.h.
 */
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"
#include "util.h"

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
	free(t->group_total);
	free(t->links);
	memset(t, 0, sizeof(*t));
}

uint32_t
dc_item(struct dc_table *t, int64_t units, int64_t clients)
{
	struct dc_item	*it;

	if (t->oom || t->nitems >= DC_NONE ||
	    util_grow((void **)&t->items, &t->items_cap, t->nitems + 1,
	    sizeof(*t->items)) == -1) {
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
dc_group(struct dc_table *t, uint32_t total)
{
	size_t	cap = t->groups_cap;

	/* group_off holds ngroups + 1 offsets: the last is the end. */
	if (t->oom || util_grow((void **)&t->group_off, &t->groups_cap,
	    t->ngroups + 2, sizeof(*t->group_off)) == -1) {
		t->oom = 1;
		return;
	}
	if (t->groups_cap != cap || t->group_total == NULL) {
		uint32_t *q = reallocarray(t->group_total, t->groups_cap,
		    sizeof(*q));

		if (q == NULL) {
			t->oom = 1;
			return;
		}
		t->group_total = q;
	}
	if (t->ngroups == 0)
		t->group_off[0] = 0;
	t->group_total[t->ngroups] = total < t->nitems ? total : DC_NONE;
	t->ngroups++;
	t->group_off[t->ngroups] = t->nmembers;
}

void
dc_member(struct dc_table *t, uint32_t item)
{
	if (t->oom || t->ngroups == 0 || item >= t->nitems ||
	    util_grow((void **)&t->members, &t->members_cap, t->nmembers + 1,
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
	    util_grow((void **)&t->links, &t->links_cap, t->nlinks * 2 + 2,
	    sizeof(*t->links)) == -1) {
		t->oom = 1;
		return;
	}
	t->links[t->nlinks * 2] = parent;
	t->links[t->nlinks * 2 + 1] = child;
	t->nlinks++;
}

/* The better of two candidates to withhold next: fewer clients, units. */
static int
better(const struct dc_item *a, const struct dc_item *best)
{
	return best == NULL || a->clients < best->clients ||
	    (a->clients == best->clients && a->units < best->units);
}

/*
 * The state of one run: for every item the relations it is in and the
 * items it hides with it, and a worklist of relations to look at again,
 * smallest first.
 */
struct run {
	struct dc_table	*t;
	long long	 k;
	size_t		*rel_off;	/* item i: rel[rel_off[i] .. [i + 1]) */
	uint32_t	*rel;
	size_t		*kid_off;	/* item i: kid[kid_off[i] .. [i + 1]) */
	uint32_t	*kid;
	uint32_t	*heap;		/* relation ids, by weight */
	size_t		 nheap;
	int64_t		*weight;	/* per relation: its total's units */
	uint8_t		*queued;
};

static void
heap_push(struct run *r, uint32_t g)
{
	size_t	i, up;

	if (r->queued[g])
		return;
	r->queued[g] = 1;
	i = r->nheap++;
	r->heap[i] = g;
	while (i > 0) {
		up = (i - 1) / 2;
		if (r->weight[r->heap[up]] < r->weight[r->heap[i]] ||
		    (r->weight[r->heap[up]] == r->weight[r->heap[i]] &&
		    r->heap[up] < r->heap[i]))
			break;
		g = r->heap[up];
		r->heap[up] = r->heap[i];
		r->heap[i] = g;
		i = up;
	}
}

static uint32_t
heap_pop(struct run *r)
{
	uint32_t	top = r->heap[0], g;
	size_t		i = 0, c, n;

	n = --r->nheap;
	r->heap[0] = r->heap[n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && (r->weight[r->heap[c + 1]] <
		    r->weight[r->heap[c]] || (r->weight[r->heap[c + 1]] ==
		    r->weight[r->heap[c]] && r->heap[c + 1] < r->heap[c])))
			c++;
		if (r->weight[r->heap[i]] < r->weight[r->heap[c]] ||
		    (r->weight[r->heap[i]] == r->weight[r->heap[c]] &&
		    r->heap[i] < r->heap[c]))
			break;
		g = r->heap[c];
		r->heap[c] = r->heap[i];
		r->heap[i] = g;
		i = c;
	}
	r->queued[top] = 0;
	return top;
}

/*
 * Suppresses an item, the items linked to it, and queues every relation
 * they are in. An explicit stack: links may chain.
 */
static void
suppress(struct run *r, uint32_t item)
{
	struct dc_item	*it = &r->t->items[item];
	size_t		 i;

	if (it->suppressed)
		return;
	it->suppressed = 1;
	for (i = r->rel_off[item]; i < r->rel_off[item + 1]; i++)
		heap_push(r, r->rel[i]);
	for (i = r->kid_off[item]; i < r->kid_off[item + 1]; i++)
		suppress(r, r->kid[i]);
}

/*
 * What withholding item x costs beyond itself: 2 for a cell's total (it
 * hides the whole cell), 1 for an item that is the last printed part of
 * relation other than the one being resolved whose total is printed
 * (withholding it would force that total next, which is how one small
 * category can take a whole cell of another aanbieder with it), else 0.
 */
static int
penalty(const struct run *r, uint32_t x, size_t resolving)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it;
	size_t			 i, m, others, nsup;
	int64_t			 sup_clients;
	uint32_t		 g, tot;

	int			 pen = 0;

	if (r->kid_off[x + 1] > r->kid_off[x])
		return 3;
	for (i = r->rel_off[x]; i < r->rel_off[x + 1]; i++) {
		g = r->rel[i];
		tot = t->group_total[g];
		if (g == resolving || tot == x || tot == DC_NONE ||
		    t->items[tot].suppressed)
			continue;
		others = nsup = 0;
		sup_clients = t->items[x].clients;
		for (m = t->group_off[g]; m < t->group_off[g + 1]; m++) {
			it = &t->items[t->members[m]];
			if (t->members[m] == x || it->units == 0)
				continue;
			if (it->suppressed) {
				nsup++;
				sup_clients += it->clients;
			} else if (!it->hidden)
				others++;
		}
		/* Hidden with what is hidden already, x settles g. */
		if (nsup >= 1 && sup_clients >= r->k)
			continue;
		if (others == 0 && pen < 2)
			pen = r->kid_off[tot + 1] > r->kid_off[tot] ? 2 : 1;
	}
	return pen;
}

/*
 * The member of relation g (its total included) to withhold next, other
 * than item skip: printed, unsuppressed, with units; the cheapest by
 * penalty(), then the fewest clients, then the fewest units, then the
 * first. DC_NONE when there is none.
 */
static uint32_t
candidate(const struct run *r, size_t g, uint32_t skip)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it, *best = NULL;
	uint32_t		 tot = t->group_total[g], id, pick = DC_NONE;
	size_t			 i;
	int			 pen, best_pen = 0;

	for (i = t->group_off[g]; i <= t->group_off[g + 1]; i++) {
		id = i < t->group_off[g + 1] ? t->members[i] : tot;
		if (id == DC_NONE || id == skip)
			continue;
		it = &t->items[id];
		if (it->units == 0 || it->suppressed || it->hidden)
			continue;
		pen = penalty(r, id, g);
		if (best == NULL || pen < best_pen ||
		    (pen == best_pen && better(it, best))) {
			best = it;
			best_pen = pen;
			pick = id;
		}
	}
	return pick;
}

/* Step 3 for relation g: what it still asks to withhold, or DC_NONE. */
static uint32_t
secondary(const struct run *r, size_t g, long long k)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it;
	uint32_t		 tot = t->group_total[g];
	size_t			 i, nsup = 0;
	int64_t			 sup_clients = 0;
	int			 tot_known;

	for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
		it = &t->items[t->members[i]];
		if (it->units > 0 && it->suppressed) {
			nsup++;
			sup_clients += it->clients;
		}
	}
	tot_known = tot == DC_NONE || !t->items[tot].suppressed;
	if (!tot_known && t->items[tot].units > 0)
		nsup++;
	if (nsup == 0 || (nsup >= 2 && (!tot_known || sup_clients >= k)))
		return DC_NONE;
	return candidate(r, g, DC_NONE);
}

/*
 * Step 4: derives what relations with one unknown member give away, and
 * withholds one more member where that is a count below k. Returns the
 * number withheld.
 */
static size_t
audit(struct run *r)
{
	struct dc_table	*t = r->t;
	struct dc_item	*it;
	size_t		 i, g, unknown, fixed = 0;
	uint32_t	 tot, last = DC_NONE, pick;
	int		 progress;

	for (i = 0; i < t->nitems; i++) {
		it = &t->items[i];
		/* A zero, or a printed number, is known. */
		it->known = it->units == 0 || (!it->suppressed && !it->hidden);
	}
	do {
		progress = 0;
		for (g = 0; g < t->ngroups; g++) {
			tot = t->group_total[g];
			unknown = 0;
			for (i = t->group_off[g]; i < t->group_off[g + 1];
			    i++) {
				if (!t->items[t->members[i]].known) {
					unknown++;
					last = t->members[i];
				}
			}
			/* Without a total item the sum is known elsewhere. */
			if (tot != DC_NONE && !t->items[tot].known) {
				unknown++;
				last = tot;
			}
			if (unknown != 1)
				continue;
			it = &t->items[last];
			it->known = 1;
			progress = 1;
			if (it->units > 0 && it->clients < r->k &&
			    (pick = candidate(r, g, last)) != DC_NONE) {
				suppress(r, pick);
				fixed++;
			}
		}
	} while (progress && fixed == 0);
	return fixed;
}

/* The item-to-relation and parent-to-child indexes, and the worklist. */
static int
run_init(struct run *r, struct dc_table *t, long long k)
{
	size_t	 i, g, n = t->nitems;
	uint32_t tot;

	memset(r, 0, sizeof(*r));
	r->t = t;
	r->k = k;
	if ((r->rel_off = calloc(n + 2, sizeof(*r->rel_off))) == NULL ||
	    (r->kid_off = calloc(n + 2, sizeof(*r->kid_off))) == NULL ||
	    (r->weight = calloc(t->ngroups + 1, sizeof(*r->weight))) == NULL ||
	    (r->queued = calloc(t->ngroups + 1, 1)) == NULL ||
	    (r->heap = calloc(t->ngroups + 1, sizeof(*r->heap))) == NULL)
		return -1;
	/* Counting pass, then prefix sums, then the fill. */
	for (g = 0; g < t->ngroups; g++) {
		for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
			r->rel_off[t->members[i] + 2]++;
			r->weight[g] += t->items[t->members[i]].units;
		}
		if ((tot = t->group_total[g]) != DC_NONE) {
			r->rel_off[tot + 2]++;
			r->weight[g] = t->items[tot].units;
		}
	}
	for (i = 0; i < t->nlinks; i++)
		r->kid_off[t->links[2 * i] + 2]++;
	for (i = 2; i < n + 2; i++) {
		r->rel_off[i] += r->rel_off[i - 1];
		r->kid_off[i] += r->kid_off[i - 1];
	}
	if ((r->rel = calloc(r->rel_off[n + 1] + 1, sizeof(*r->rel))) ==
	    NULL || (r->kid = calloc(r->kid_off[n + 1] + 1,
	    sizeof(*r->kid))) == NULL)
		return -1;
	for (g = 0; g < t->ngroups; g++) {
		for (i = t->group_off[g]; i < t->group_off[g + 1]; i++)
			r->rel[r->rel_off[t->members[i] + 1]++] = (uint32_t)g;
		if ((tot = t->group_total[g]) != DC_NONE)
			r->rel[r->rel_off[tot + 1]++] = (uint32_t)g;
	}
	for (i = 0; i < t->nlinks; i++)
		r->kid[r->kid_off[t->links[2 * i] + 1]++] =
		    t->links[2 * i + 1];
	return 0;
}

static void
run_free(struct run *r)
{
	free(r->rel_off);
	free(r->rel);
	free(r->kid_off);
	free(r->kid);
	free(r->heap);
	free(r->weight);
	free(r->queued);
}

int
dc_run(struct dc_table *t, long long k)
{
	struct run	 r;
	struct dc_item	*it;
	size_t		 i;
	uint32_t	 g, pick;
	int		 ret = -1;

	if (t->oom || t->ngroups >= DC_NONE)
		return -1;
	if (k < DC_K_MIN)
		k = DC_K_MIN;
	if (run_init(&r, t, k) == -1)
		goto out;
	for (i = 0; i < t->nitems; i++)
		t->items[i].suppressed = 0;
	/* Primary suppression; suppress() queues what it touches. */
	for (i = 0; i < t->nitems; i++) {
		it = &t->items[i];
		if (it->forced || (it->units > 0 && it->clients < k))
			suppress(&r, (uint32_t)i);
	}
	/*
	 * Secondary suppression, smallest relations first: the cells a
	 * small count hides behind are then settled near it, before a large
	 * relation (the whole regio) picks a partner far away.
	 */
	do {
		while (r.nheap > 0) {
			g = heap_pop(&r);
			if ((pick = secondary(&r, g, k)) != DC_NONE) {
				suppress(&r, pick);
				heap_push(&r, g);	/* may need more */
			}
		}
	} while (audit(&r) > 0);
	ret = 0;
out:
	run_free(&r);
	return ret;
}

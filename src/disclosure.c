/*
 * Disclosure control; the rules are described in disclosure.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>

#include "disclosure.h"
#include "log.h"
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
	free(t->flags);
	free(t->members);
	free(t->group_off);
	free(t->group_total);
	free(t->group_le);
	free(t->links);
	memset(t, 0, sizeof(*t));
}

void
dc_compact(struct dc_table *t)
{
	const struct dc_item	*it;
	uint8_t			*f;
	size_t			 i;

	/*
	 * The flags first: without memory for them the items stay, which
	 * answers the same.
	 */
	if (t->flags == NULL && t->items != NULL &&
	    (f = malloc(t->nitems ? t->nitems : 1)) != NULL) {
		for (i = 0; i < t->nitems; i++) {
			it = &t->items[i];
			f[i] = (uint8_t)((it->suppressed ? DC_F_SUPPRESSED : 0) |
			    (!it->hidden && !it->unpublished ?
			    DC_F_PRINTED : 0));
		}
		free(t->items);
		t->items = NULL;
		t->items_cap = 0;
		t->flags = f;
		t->oom = 1;	/* adds and runs are refused from now on */
	}
	free(t->members);
	free(t->group_off);
	free(t->group_total);
	free(t->group_le);
	free(t->links);
	t->members = NULL;
	t->group_off = NULL;
	t->group_total = NULL;
	t->group_le = NULL;
	t->links = NULL;
	t->nmembers = t->members_cap = 0;
	t->ngroups = t->groups_cap = 0;
	t->nlinks = t->links_cap = 0;
}

_Static_assert(sizeof(struct dc_item) == 16, "dc_item grew");

uint32_t
dc_item(struct dc_table *t, int64_t units, int64_t clients)
{
	struct dc_item	*it;

	if (t->oom || t->nitems >= DC_NONE || units < INT32_MIN ||
	    units > INT32_MAX || clients < INT32_MIN || clients > INT32_MAX ||
	    util_grow((void **)&t->items, &t->items_cap, t->nitems + 1,
	    sizeof(*t->items)) == -1) {
		t->oom = 1;
		return 0;
	}
	it = &t->items[t->nitems];
	memset(it, 0, sizeof(*it));
	it->units = (int32_t)units;
	it->clients = (int32_t)clients;
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
dc_prior(struct dc_table *t, uint32_t item)
{
	if (!t->oom && item < t->nitems)
		t->items[item].prior = 1;
}

void
dc_unpublished(struct dc_table *t, uint32_t item)
{
	if (!t->oom && item < t->nitems)
		t->items[item].unpublished = 1;
}

static void
group_add(struct dc_table *t, uint32_t total, int le)
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
	if (t->groups_cap != cap || t->group_le == NULL) {
		uint8_t *q = realloc(t->group_le, t->groups_cap);

		if (q == NULL) {
			t->oom = 1;
			return;
		}
		t->group_le = q;
	}
	if (t->ngroups == 0)
		t->group_off[0] = 0;
	t->group_le[t->ngroups] = (uint8_t)le;
	t->group_total[t->ngroups] = total < t->nitems ? total : DC_NONE;
	t->ngroups++;
	t->group_off[t->ngroups] = t->nmembers;
}

void
dc_group(struct dc_table *t, uint32_t total)
{
	group_add(t, total, 0);
}

void
dc_group_le(struct dc_table *t, uint32_t total)
{
	group_add(t, total, 1);
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
 *
 * The worklist pops the lightest queued relation, then the lowest id (the
 * keys are distinct, so any exact priority queue pops the same sequence).
 * A relation's weight never changes during a run: the units are fixed.
 * Most relations are queued at once, before any pop (primary suppression,
 * a later pass), and a binary heap of millions misses the cache at every
 * level of every pop; so a large batch queued while nothing else waits is
 * sorted once (radix, by weight, the ids already in order) into a run
 * read front to back, and what is queued while that run is being read
 * goes to a small heap beside it. Pops take the smaller of the two heads.
 */
struct hent {
	int64_t		 w;		/* the relation's weight */
	uint32_t	 g;
};

/* queued[g]: not queued, waiting in pend, or in the run or the heap. */
#define Q_NO		0
#define Q_PEND		1
#define Q_IN		2

struct run {
	struct dc_table	*t;
	long long	 k;
	uint32_t	*rel_off;	/* item i: rel[rel_off[i] .. [i + 1]) */
	uint32_t	*rel;
	uint32_t	*kid_off;	/* item i: kid[kid_off[i] .. [i + 1]) */
	uint32_t	*kid;
	uint32_t	*pend;		/* queued since the last pop */
	size_t		 npend;
	uint32_t	*sorted;	/* a batch by (weight, id) */
	size_t		 shead, nsorted;
	int64_t		 shead_w;	/* the weight of sorted[shead_at - 1] */
	size_t		 shead_at;	/* 0: not known */
	struct hent	*heap;		/* the rest by (weight, id), keys
					   inline: no lookup per compare */
	size_t		 nheap, heap_cap;
	uint8_t		*queued;	/* Q_* */
	uint8_t		*known;		/* audit: per item */
	uint8_t		*cur, *next;	/* audit: per relation, to visit */
};

/* A relation's weight: its total's units, or its parts' without one. */
static int64_t
weight(const struct dc_table *t, uint32_t g)
{
	int64_t	w = 0;
	size_t	i;

	if (t->group_total[g] != DC_NONE)
		return t->items[t->group_total[g]].units;
	for (i = t->group_off[g]; i < t->group_off[g + 1]; i++)
		w += t->items[t->members[i]].units;
	return w;
}

/* a before b: the lighter relation, then the lower id (all distinct). */
static inline int
hent_less(const struct hent *a, const struct hent *b)
{
	return a->w < b->w || (a->w == b->w && a->g < b->g);
}

/* Queues relation g unless it is queued already. */
static void
heap_push(struct run *r, uint32_t g)
{
	if (r->queued[g] != Q_NO)
		return;
	r->queued[g] = Q_PEND;
	r->pend[r->npend++] = g;
}

static size_t
queue_len(const struct run *r)
{
	return r->npend + r->nheap + (r->nsorted - r->shead);
}

static int
hent_push(struct run *r, uint32_t g)
{
	struct hent	e;
	size_t		i, up;

	if (util_grow((void **)&r->heap, &r->heap_cap, r->nheap + 1,
	    sizeof(*r->heap)) == -1)
		return -1;
	e.w = weight(r->t, g);
	e.g = g;
	i = r->nheap++;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!hent_less(&e, &r->heap[up]))
			break;
		r->heap[i] = r->heap[up];
		i = up;
	}
	r->heap[i] = e;
	return 0;
}

static uint32_t
hent_pop(struct run *r)
{
	uint32_t	top = r->heap[0].g;
	struct hent	e;
	size_t		i = 0, c, n;

	n = --r->nheap;
	e = r->heap[n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && hent_less(&r->heap[c + 1], &r->heap[c]))
			c++;
		if (!hent_less(&r->heap[c], &e))
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	if (n > 0)
		r->heap[i] = e;
	return top;
}

/*
 * A batch is sorted when it is at least this large and a sixteenth of the
 * relations (the sort scans them all); small, so that the fuzzer and the
 * tests take both ways.
 */
#define BATCH_MIN	8

/* Radix digits of the sort: 11 bits, a count table that stays in cache. */
#define SORT_BITS	11
#define SORT_RADIX	(1u << SORT_BITS)

/*
 * The waiting relations, in id order (a scan of queued), sorted stably by
 * weight into r->sorted: least significant digit first, only as many
 * digits as the weights span. Returns -1 when out of memory.
 */
static int
batch_sort(struct run *r)
{
	const struct dc_table	*t = r->t;
	uint64_t		*key, *key2, *kt, span;
	uint32_t		*val = r->sorted, *val2 = r->pend, *vt;
	size_t			 n = 0, i, g, shift, cnt[SORT_RADIX], sum, c;
	int64_t			 lo = INT64_MAX;

	key = calloc(r->npend, sizeof(*key));
	key2 = calloc(r->npend, sizeof(*key2));
	if (key == NULL || key2 == NULL) {
		free(key);
		free(key2);
		return -1;
	}
	for (g = 0; g < t->ngroups; g++) {
		if (r->queued[g] != Q_PEND)
			continue;
		r->queued[g] = Q_IN;
		val[n] = (uint32_t)g;
		key[n] = (uint64_t)weight(t, (uint32_t)g);
		if ((int64_t)key[n] < lo)
			lo = (int64_t)key[n];
		n++;
	}
	/* As offsets from the lightest: unsigned, in the same order. */
	span = 0;
	for (i = 0; i < n; i++) {
		key[i] -= (uint64_t)lo;
		span |= key[i];
	}
	for (shift = 0; shift < 64 && (span >> shift) != 0;
	    shift += SORT_BITS) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(key[i] >> shift) & (SORT_RADIX - 1)]++;
		for (c = 0, sum = 0; c < SORT_RADIX; c++) {
			size_t	x = cnt[c];

			cnt[c] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++) {
			c = cnt[(key[i] >> shift) & (SORT_RADIX - 1)]++;
			key2[c] = key[i];
			val2[c] = val[i];
		}
		kt = key, key = key2, key2 = kt;
		vt = val, val = val2, val2 = vt;
	}
	free(key);
	free(key2);
	/* The two buffers may have swapped: both hold ngroups + 1. */
	r->sorted = val;
	r->pend = val2;
	r->shead = r->shead_at = 0;
	r->nsorted = n;
	r->npend = 0;
	return 0;
}

/*
 * Places what was queued since the last pop: a large batch while nothing
 * else is waiting is sorted once, the rest goes onto the heap.
 */
static int
queue_settle(struct run *r)
{
	size_t	i;

	if (r->npend == 0)
		return 0;
	if (r->shead == r->nsorted && r->nheap == 0 &&
	    r->npend >= BATCH_MIN && r->npend >= r->t->ngroups / 16)
		return batch_sort(r);
	for (i = 0; i < r->npend; i++) {
		r->queued[r->pend[i]] = Q_IN;
		if (hent_push(r, r->pend[i]) == -1)
			return -1;
	}
	r->npend = 0;
	return 0;
}

/*
 * The sorted run says which relations come next, and their items lie all
 * over the table: asks for them ahead, in three steps of a pipeline (the
 * offsets, then the members, then the items), so that secondary() finds
 * them in cache. Only a hint: nothing changes but the timing.
 */
#define PF_FAR		12
#define PF_MID		8
#define PF_NEAR		4
#define PF_ITEMS	8	/* members asked for per relation, at most */

static void
prefetch(const struct run *r)
{
	const struct dc_table	*t = r->t;
	size_t			 h = r->shead, i, end;
	uint32_t		 g;

	if (h + PF_FAR < r->nsorted) {
		g = r->sorted[h + PF_FAR];
		__builtin_prefetch(&t->group_off[g]);
		__builtin_prefetch(&t->group_total[g]);
	}
	if (h + PF_MID < r->nsorted) {
		g = r->sorted[h + PF_MID];
		__builtin_prefetch(&t->members[t->group_off[g]]);
		if (t->group_total[g] != DC_NONE)
			__builtin_prefetch(&t->items[t->group_total[g]]);
	}
	if (h + PF_NEAR < r->nsorted) {
		g = r->sorted[h + PF_NEAR];
		end = t->group_off[g + 1];
		if (end - t->group_off[g] > PF_ITEMS)
			end = t->group_off[g] + PF_ITEMS;
		for (i = t->group_off[g]; i < end; i++)
			__builtin_prefetch(&t->items[t->members[i]]);
	}
}

/*
 * The queued relation with the least (weight, id), dequeued; DC_NONE when
 * the worklist could not grow.
 */
static uint32_t
heap_pop(struct run *r)
{
	struct hent	s;
	uint32_t	top;

	if (queue_settle(r) == -1)
		return DC_NONE;
	if (r->shead < r->nsorted) {
		s.g = r->sorted[r->shead];
		/* Pops from the heap may compare with it many times. */
		if (r->nheap > 0 && r->shead_at != r->shead + 1) {
			r->shead_w = weight(r->t, s.g);
			r->shead_at = r->shead + 1;
		}
		s.w = r->shead_w;
		if (r->nheap == 0 || hent_less(&s, &r->heap[0])) {
			prefetch(r);
			r->shead++;
			r->queued[s.g] = Q_NO;
			return s.g;
		}
	}
	top = hent_pop(r);
	r->queued[top] = Q_NO;
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
		    (t->items[tot].suppressed && !t->items[tot].pknown))
			continue;
		others = nsup = 0;
		sup_clients = t->items[x].clients;
		for (m = t->group_off[g]; m < t->group_off[g + 1]; m++) {
			it = &t->items[t->members[m]];
			if (t->members[m] == x || it->units == 0)
				continue;
			if (it->suppressed && !it->pknown) {
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
candidate_p(const struct run *r, size_t g, uint32_t skip, size_t *nprior)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it, *best = NULL;
	uint32_t		 tot = t->group_total[g], id, pick = DC_NONE;
	size_t			 i, prior = 0;
	int			 pen, best_pen = 0;

	for (i = t->group_off[g]; i <= t->group_off[g + 1]; i++) {
		id = i < t->group_off[g + 1] ? t->members[i] : tot;
		if (id == DC_NONE || id == skip)
			continue;
		it = &t->items[id];
		if (it->units == 0 || it->suppressed || it->hidden ||
		    it->unpublished)
			continue;
		/* Withholding a figure published before hides nothing. */
		if (it->pknown) {
			prior++;
			continue;
		}
		pen = penalty(r, id, g);
		if (best == NULL || pen < best_pen ||
		    (pen == best_pen && better(it, best))) {
			best = it;
			best_pen = pen;
			pick = id;
		}
	}
	if (nprior != NULL)
		*nprior = prior;
	return pick;
}

static uint32_t
candidate(const struct run *r, size_t g, uint32_t skip)
{
	return candidate_p(r, g, skip, NULL);
}

/* Relation g's parts and total: counted as unknown in dc_run's next pass. */
static void
drop_group(struct dc_table *t, size_t g)
{
	size_t	i;

	for (i = t->group_off[g]; i < t->group_off[g + 1]; i++)
		t->items[t->members[i]].pdrop = 1;
	if (t->group_total[g] != DC_NONE)
		t->items[t->group_total[g]].pdrop = 1;
}

/*
 * As candidate, where the criterion itself asks for one more: when only
 * figures published before are left, dc_run's next pass counts this
 * relation's figures as unknown again.
 */
static uint32_t
candidate_needed(const struct run *r, size_t g, uint32_t skip)
{
	size_t		prior;
	uint32_t	pick = candidate_p(r, g, skip, &prior);

	if (pick == DC_NONE && prior > 0) {
		r->t->prior_stuck++;
		drop_group(r->t, g);
	}
	return pick;
}

/*
 * Unknown to the attacker: withheld, never printed, or not yet published,
 * and not published by an earlier snapshot (dc_prior).
 */
static int
is_var(const struct dc_item *it)
{
	return (it->suppressed || it->hidden || it->unpublished) &&
	    !it->pknown;
}

/* A protected count: unknown, with a count in (0, k). */
static int
sensitive(const struct dc_item *it, long long k)
{
	return is_var(it) && !it->unpublished && it->units > 0 &&
	    it->units < k;
}

/*
 * Step 3 of the exact method for relation g, its necessary part: with the
 * total known, the unknown parts hold R units and the attacker knows each
 * listed withheld part is at least 1, so a protected part x can be at
 * most R minus the others' lower bounds; that must reach k. (The LP audit
 * then checks all relations at once.) What it still asks to withhold, or
 * DC_NONE.
 */
static uint32_t
secondary_exact(const struct run *r, size_t g, long long k)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it;
	uint32_t		 tot = t->group_total[g];
	size_t			 i;
	int64_t			 units = 0, lbs = 0, minlb = 2;

	if (tot != DC_NONE && is_var(&t->items[tot]))
		return DC_NONE;		/* no upper bound from g alone */
	if (t->group_le != NULL && t->group_le[g])
		return DC_NONE;		/* left to the LP audit */
	for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
		it = &t->items[t->members[i]];
		if (!is_var(it))
			continue;
		/* As lower bound: 1 for any listed withheld figure. */
		int64_t lb = it->suppressed && !it->hidden &&
		    !it->unpublished && it->units > 0;

		units += it->units;
		lbs += lb;
		if (sensitive(it, k) && lb < minlb)
			minlb = lb;
	}
	if (minlb == 2 || units - lbs + minlb >= k)
		return DC_NONE;
	return candidate_needed(r, g, DC_NONE);
}

/* Step 3 for relation g: what it still asks to withhold, or DC_NONE. */
static uint32_t
secondary(const struct run *r, size_t g, long long k)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it;
	uint32_t		 tot = t->group_total[g], pick;
	size_t			 i, nsup = 0;
	int64_t			 sup_clients = 0;
	int			 tot_known;

	if (t->method == DC_EXACT &&
	    (pick = secondary_exact(r, g, k)) != DC_NONE)
		return pick;
	for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
		it = &t->items[t->members[i]];
		if (it->units > 0 && it->suppressed && !it->pknown) {
			nsup++;
			sup_clients += it->clients;
		}
	}
	tot_known = tot == DC_NONE || !t->items[tot].suppressed ||
	    t->items[tot].pknown;
	if (!tot_known && t->items[tot].units > 0)
		nsup++;
	if (nsup == 0)
		return DC_NONE;
	if (nsup >= 2 && (!tot_known || sup_clients >= k))
		return DC_NONE;
	return candidate(r, g, DC_NONE);
}

/*
 * Step 4: derives what relations with one unknown member give away, and
 * withholds one more member where that is a count below k. Returns the
 * number withheld.
 *
 * The attacker sweeps every relation in order, round after round, until
 * a round learns nothing or withholds something. What a relation gives
 * away depends on nothing but which of its items are known (withholding
 * does not change that within the audit), so visiting it again when none
 * of them became known since its last visit learns nothing: after the
 * first round, a round visits only the relations with an item learnt
 * after their visit, in order, which learns the same in the same order.
 * An item learnt while relation h is visited marks its relations after h
 * for this round (cur) and those up to h for the next (next).
 */
static size_t
audit(struct run *r)
{
	struct dc_table	*t = r->t;
	struct dc_item	*it;
	uint8_t		*known = r->known, *cur = r->cur, *next = r->next, *sw;
	size_t		 i, g, unknown, fixed = 0;
	uint32_t	 tot, last = DC_NONE, pick, h;
	int		 progress;

	/* In a byte per item: the passes read nothing else of the items. */
	for (i = 0; i < t->nitems; i++) {
		it = &t->items[i];
		/* A zero, a printed number, one printed before: known. */
		known[i] = it->units == 0 || (!it->suppressed && !it->hidden) ||
		    it->pknown;
	}
	memset(cur, 1, t->ngroups);
	memset(next, 0, t->ngroups);
	do {
		progress = 0;
		for (g = 0; g < t->ngroups; g++) {
			if (!cur[g])
				continue;
			cur[g] = 0;
			tot = t->group_total[g];
			unknown = 0;
			for (i = t->group_off[g]; i < t->group_off[g + 1] &&
			    unknown < 2; i++) {
				if (!known[t->members[i]]) {
					unknown++;
					last = t->members[i];
				}
			}
			/* Without a total item the sum is known elsewhere. */
			if (tot != DC_NONE && unknown < 2 && !known[tot]) {
				unknown++;
				last = tot;
			}
			if (unknown != 1)
				continue;
			it = &t->items[last];
			known[last] = 1;
			progress = 1;
			for (i = r->rel_off[last]; i < r->rel_off[last + 1];
			    i++) {
				h = r->rel[i];
				if (h > g)
					cur[h] = 1;
				else
					next[h] = 1;
			}
			if (it->units > 0 && it->clients < r->k &&
			    (pick = candidate_needed(r, g, last)) != DC_NONE) {
				suppress(r, pick);
				fixed++;
			}
		}
		sw = cur, cur = next, next = sw;
	} while (progress && fixed == 0);
	return fixed;
}

/* ------------------------------------------------------------------ */
/* The exact audit: the attacker's linear program, solved per component */


/*
 * Components of the attacker's system up to this many unknowns are
 * solved exactly by dc_run; larger ones are left to the rules (counted in
 * lp_skipped). dc_check solves every component.
 */
#define DC_EXACT_MAX	1500
/* dc_run's later passes; the last counts every prior figure unknown. */
#define DC_PRIOR_PASSES	4

static uint32_t
uf_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

/* The rows of the attacker's system: sum coef * x {=, >=, <=} rhs. */
struct lprows {
	size_t		*off;		/* row i: ent[off[i] .. off[i + 1]) */
	uint32_t	*var;
	double		*coef;
	double		*rhs;
	int		*type;		/* GLP_FX, GLP_LO, GLP_UP */
	size_t		 n, cap, nent, entcap;
	int		 oom;
};

static void
row_begin(struct lprows *w, int type)
{
	if (w->oom || util_grow((void **)&w->off, &w->cap, w->n + 2,
	    sizeof(*w->off)) == -1) {
		w->oom = 1;
		return;
	}
	if (w->cap > 0 && (w->rhs == NULL || w->type == NULL ||
	    w->cap != w->entcap)) {
		double	*r = reallocarray(w->rhs, w->cap, sizeof(*r));
		int	*ty;

		if (r == NULL) {
			w->oom = 1;
			return;
		}
		w->rhs = r;
		if ((ty = reallocarray(w->type, w->cap, sizeof(*ty))) == NULL) {
			w->oom = 1;
			return;
		}
		w->type = ty;
		w->entcap = w->cap;	/* the capacity rhs and type have */
	}
	if (w->n == 0)
		w->off[0] = 0;
	w->type[w->n] = type;
	w->rhs[w->n] = 0;
	w->off[w->n + 1] = w->off[w->n];
	w->n++;
}

struct lpent {
	uint32_t	*var;
	double		*coef;
	size_t		 cap;
};

static void
row_add(struct lprows *w, struct lpent *e, uint32_t var, double coef)
{
	size_t	cap = e->cap, i;

	/* An item twice in one relation: one entry (GLPK refuses two). */
	for (i = w->off[w->n - 1]; !w->oom && i < w->nent; i++)
		if (e->var[i] == var) {
			e->coef[i] += coef;
			return;
		}
	if (w->oom || util_grow((void **)&e->var, &e->cap, w->nent + 1,
	    sizeof(*e->var)) == -1) {
		w->oom = 1;
		return;
	}
	if (e->cap != cap || e->coef == NULL) {
		double *c = reallocarray(e->coef, e->cap, sizeof(*c));

		if (c == NULL) {
			w->oom = 1;
			return;
		}
		e->coef = c;
	}
	e->var[w->nent] = var;
	e->coef[w->nent] = coef;
	w->nent++;
	w->off[w->n] = w->nent;
}

/*
 * The attacker's system for relations grps[0 .. ng) of table t (in
 * table order): per relation, the unknown parts minus the unknown total
 * equal the published total minus the published parts (at least, for a
 * dc_group_le relation, with each unknown part at most the total). Rows
 * without unknowns say nothing and are left out. var[i]: item i is
 * unknown (as the round began: fixes since do not change its rows).
 */
static void
lp_rows(const struct dc_table *t, const uint8_t *var, const uint32_t *grps,
    size_t ng, struct lprows *w, struct lpent *e)
{
	const struct dc_item	*it;
	uint32_t		 tot, id;
	size_t			 g, i, start, gi;
	double			 known;
	int			 le;

	w->n = w->nent = 0;
	for (gi = 0; gi < ng && !w->oom; gi++) {
		g = grps[gi];
		tot = t->group_total[g];
		le = t->group_le != NULL && t->group_le[g];
		start = w->n;
		row_begin(w, le ? GLP_LO : GLP_FX);
		known = 0;
		for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
			it = &t->items[t->members[i]];
			if (var[t->members[i]])
				row_add(w, e, t->members[i], 1);
			else
				known -= (double)it->units;
		}
		if (tot == DC_NONE) {
			/* The sum is published elsewhere. */
			for (i = t->group_off[g]; i < t->group_off[g + 1]; i++)
				known += (double)t->items[t->members[i]].units;
		} else if (var[tot])
			row_add(w, e, tot, -1);
		else
			known += (double)t->items[tot].units;
		if (w->oom)
			return;
		if (w->off[start + 1] == w->off[start]) {
			w->n = start;		/* nothing unknown */
			w->nent = w->off[start];
			continue;
		}
		w->rhs[start] = known;
		if (!le || tot == DC_NONE)
			continue;
		/* Each part at most the total. */
		for (i = t->group_off[g]; i < t->group_off[g + 1]; i++) {
			id = t->members[i];
			if (!var[id])
				continue;
			row_begin(w, GLP_UP);
			row_add(w, e, id, 1);
			if (var[tot])
				row_add(w, e, tot, -1);
			else
				w->rhs[w->n - 1] = (double)t->items[tot].units;
		}
	}
}

/* The cheapest printed item to withhold in the relations of item x. */
static uint32_t
fix_near(const struct run *r, uint32_t x, const uint8_t *touched)
{
	const struct dc_table	*t = r->t;
	const struct dc_item	*it, *best = NULL;
	uint32_t		 g, id, pick = DC_NONE;
	size_t			 i;
	int			 pen, best_pen = 0;

	for (i = r->rel_off[x]; i < r->rel_off[x + 1]; i++) {
		g = r->rel[i];
		if (touched != NULL && touched[g])
			return DC_NONE;		/* fixed this round already */
		if ((id = candidate(r, g, DC_NONE)) == DC_NONE)
			continue;
		it = &t->items[id];
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

/*
 * Withholds one more printed item for failing item x: in its own
 * relations, else in those of the unknowns around it, breadth first.
 * Returns the item, or DC_NONE when nothing printed is left near it.
 */
static uint32_t
fix_for(struct run *r, uint32_t x, uint8_t *touched, uint32_t *queue,
    uint8_t *seen)
{
	const struct dc_table	*t = r->t;
	uint32_t		 pick = DC_NONE, y, g, id, tot;
	size_t			 head = 0, tail = 0, i, m, n;

	for (i = r->rel_off[x]; i < r->rel_off[x + 1]; i++)
		if (touched[r->rel[i]])
			return DC_NONE;
	queue[tail++] = x;
	seen[x] = 1;
	while (head < tail && pick == DC_NONE) {
		y = queue[head++];
		pick = fix_near(r, y, NULL);
		for (i = r->rel_off[y]; i < r->rel_off[y + 1] &&
		    pick == DC_NONE; i++) {
			g = r->rel[i];
			tot = t->group_total[g];
			n = t->group_off[g + 1] - t->group_off[g];
			for (m = 0; m <= n; m++) {
				id = m < n ? t->members[t->group_off[g] + m] :
				    tot;
				if (id == DC_NONE || seen[id] ||
				    !is_var(&t->items[id]))
					continue;
				seen[id] = 1;
				queue[tail++] = id;
			}
		}
	}
	for (i = 0; i < tail; i++)
		seen[queue[i]] = 0;
	if (pick != DC_NONE)
		for (i = r->rel_off[pick]; i < r->rel_off[pick + 1]; i++)
			touched[r->rel[i]] = 1;
	return pick;
}

struct lpstate {
	struct lprows	 w;
	struct lpent	 e;
	uint32_t	*uf;
	uint32_t	*comp;		/* item: component index, or DC_NONE */
	size_t		*goff, *voff;	/* component c: its relations, vars */
	uint32_t	*grps, *vars;
	int		*local;		/* item: LP column, 0 = none */
	int		*ia, *ja;
	double		*ar;
	uint8_t		*psup;		/* a suppressed parent hides it */
	uint8_t		*var;		/* unknown as the round began */
	uint8_t		*touched, *seen;
	uint32_t	*queue;
	int		 exact;		/* every component in full (dc_check) */
};

static void
lpstate_free(struct lpstate *s)
{
	free(s->w.off);
	free(s->w.rhs);
	free(s->w.type);
	free(s->e.var);
	free(s->e.coef);
	free(s->uf);
	free(s->comp);
	free(s->goff);
	free(s->voff);
	free(s->grps);
	free(s->vars);
	free(s->local);
	free(s->ia);
	free(s->ja);
	free(s->ar);
	free(s->psup);
	free(s->var);
	free(s->touched);
	free(s->seen);
	free(s->queue);
}

/*
 * Lower bound the attacker knows for item i: a listed withheld figure is
 * at least 1 (zeros stay visible); inside a withheld cell, or never
 * printed, only 0.
 */
static double
lower_bound(const struct dc_item *it, uint8_t psup)
{
	return it->suppressed && !it->hidden && !it->unpublished &&
	    it->units > 0 && !psup ? 1 : 0;
}

/*
 * Certifies many counts with few solves: with y_i = min(x_i, k) for every
 * uncertified count, maximising the sum of the y_i finds a solution where
 * as many as possible reach k at once; each that does is certified (a
 * solution consistent with everything published has it at k or beyond).
 * Repeated without them while that certifies something; what is left is
 * solved one by one by the caller. The y columns stay, at objective 0.
 */
static int
lp_batch(struct run *r, struct lpstate *s, size_t c, glp_prob *lp,
    const glp_smcp *parm)
{
	struct dc_table	*t = r->t;
	size_t		 i, nv = s->voff[c + 1] - s->voff[c], ny = 0, got;
	uint32_t	 v;
	int		 col0, row0, ind[3], *ycol;
	double		 val[3], eps = 1e-6;

	if ((ycol = calloc(nv + 1, sizeof(*ycol))) == NULL)
		return -1;
	col0 = glp_get_num_cols(lp);
	row0 = glp_get_num_rows(lp);
	for (i = 0; i < nv; i++) {
		v = s->vars[s->voff[c] + i];
		if (sensitive(&t->items[v], r->k) && !t->items[v].certified)
			ycol[i] = ++ny > 0 ? col0 + (int)ny : 0;
	}
	if (ny < 2) {
		free(ycol);
		return 0;
	}
	glp_add_cols(lp, (int)ny);
	glp_add_rows(lp, (int)ny);
	for (i = 0; i < nv; i++) {
		if (ycol[i] == 0)
			continue;
		glp_set_col_bnds(lp, ycol[i], GLP_DB, 0, (double)r->k);
		glp_set_obj_coef(lp, ycol[i], 1);
		/* y_i - x_i <= 0 */
		ind[1] = ycol[i];
		val[1] = 1;
		ind[2] = s->local[s->vars[s->voff[c] + i]];
		val[2] = -1;
		glp_set_mat_row(lp, row0 + ycol[i] - col0, 2, ind, val);
		glp_set_row_bnds(lp, row0 + ycol[i] - col0, GLP_UP, 0, 0);
	}
	do {
		t->lp_solves++;
		if (glp_simplex(lp, parm) != 0 ||
		    glp_get_status(lp) != GLP_OPT)
			break;		/* the one-by-one solves decide */
		got = 0;

		for (i = 0; i < nv; i++) {
			v = s->vars[s->voff[c] + i];
			if (ycol[i] == 0 || t->items[v].certified ||
			    glp_get_col_prim(lp, s->local[v]) <
			    (double)r->k - eps)
				continue;
			t->items[v].certified = 1;
			glp_set_obj_coef(lp, ycol[i], 0);
			got++;
		}

	} while (got > 0);
	for (i = 0; i < nv; i++)
		if (ycol[i] != 0)
			glp_set_obj_coef(lp, ycol[i], 0);
	free(ycol);
	return 0;
}

/*
 * Certifies count v on a neighbourhood of it: the unknowns within a few
 * relations of v are free, those further away are held at their true
 * values. That only adds constraints to the attacker's system, so a
 * solution with v at k or beyond is one of the full system too: sound,
 * though it may fail where the whole component would pass (then one more
 * item is withheld, erring on the side of hiding). Returns 1 certified,
 * 0 not, -1 on a fault.
 */
/*
 * Count v fails: withholds one more printed item near it, or gives up on
 * it when nothing printed is left near it.
 */
static void
lp_fix(struct run *r, struct lpstate *s, uint32_t v, size_t *fixes)
{
	uint32_t	pick;
	size_t		j;

	pick = fix_for(r, v, s->touched, s->queue, s->seen);
	if (pick != DC_NONE) {
		suppress(r, pick);
		(*fixes)++;
		return;
	}
	/* Fixed near it this round, or nothing left. */
	for (j = r->rel_off[v]; j < r->rel_off[v + 1]; j++)
		if (s->touched[r->rel[j]])
			return;
	r->t->items[v].certified = 2;	/* gave up */
	r->t->lp_unresolved++;
	for (j = r->rel_off[v]; j < r->rel_off[v + 1]; j++)
		drop_group(r->t, r->rel[j]);
}

/* Solves one component; returns items failing, or -1 on a fault. */
static long
lp_component(struct run *r, struct lpstate *s, size_t c, int fix,
    size_t *fixes)
{
	struct dc_table	*t = r->t;
	glp_prob	*lp;
	glp_smcp	 parm;
	size_t		 i, j, nv, nr, ne = 0, ri;
	uint32_t	 v;
	int		 prev = 0, st, col;
	long		 failing = 0;
	double		 val, eps = 1e-6;

	nv = s->voff[c + 1] - s->voff[c];
	for (i = 0; i < nv; i++) {
		v = s->vars[s->voff[c] + i];
		if (sensitive(&t->items[v], r->k) && !t->items[v].certified)
			break;
	}
	if (i == nv)
		return 0;
	if (nv > DC_EXACT_MAX && !s->exact) {
		/*
		 * Too large to solve in the time a snapshot has (a simplex
		 * over the whole cube takes seconds per count): left to the
		 * rules, and counted.
		 */
		for (i = 0; i < nv; i++) {
			v = s->vars[s->voff[c] + i];
			if (sensitive(&t->items[v], r->k) &&
			    !t->items[v].certified) {
				t->items[v].certified = 3;
				t->lp_skipped++;
			}
		}
		return 0;
	}
	/* The rows of this component only: most are never solved. */
	lp_rows(t, s->var, s->grps + s->goff[c], s->goff[c + 1] - s->goff[c],
	    &s->w, &s->e);
	if (s->w.oom)
		return -1;
	nr = s->w.n;
	ne = s->w.nent;
	free(s->ia);
	free(s->ja);
	free(s->ar);
	s->ia = calloc(ne + 1, sizeof(*s->ia));
	s->ja = calloc(ne + 1, sizeof(*s->ja));
	s->ar = calloc(ne + 1, sizeof(*s->ar));
	if (s->ia == NULL || s->ja == NULL || s->ar == NULL ||
	    nv > INT32_MAX || nr > INT32_MAX)
		return -1;
	lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MAX);
	glp_add_cols(lp, (int)nv);
	for (i = 0; i < nv; i++) {
		v = s->vars[s->voff[c] + i];
		s->local[v] = (int)i + 1;
		glp_set_col_bnds(lp, (int)i + 1, GLP_LO,
		    lower_bound(&t->items[v], s->psup[v]), 0);
	}
	glp_add_rows(lp, (int)nr);
	ne = 0;
	for (i = 0; i < nr; i++) {
		ri = i;
		glp_set_row_bnds(lp, (int)i + 1, s->w.type[ri], s->w.rhs[ri],
		    s->w.rhs[ri]);
		for (j = s->w.off[ri]; j < s->w.off[ri + 1]; j++) {
			if (s->e.coef[j] == 0)
				continue;
			ne++;
			s->ia[ne] = (int)i + 1;
			s->ja[ne] = s->local[s->e.var[j]];
			s->ar[ne] = s->e.coef[j];
		}
	}
	glp_load_matrix(lp, (int)ne, s->ia, s->ja, s->ar);
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	if (lp_batch(r, s, c, lp, &parm) == -1) {
		glp_delete_prob(lp);
		return -1;
	}
	for (i = 0; i < nv; i++) {
		v = s->vars[s->voff[c] + i];
		if (!sensitive(&t->items[v], r->k) || t->items[v].certified)
			continue;
		col = s->local[v];
		if (prev)
			glp_set_obj_coef(lp, prev, 0);
		glp_set_obj_coef(lp, col, 1);
		prev = col;
		t->lp_solves++;
		if (glp_simplex(lp, &parm) != 0) {
			glp_std_basis(lp);
			if (glp_simplex(lp, &parm) != 0)
				goto failed;
		}
		st = glp_get_status(lp);
		if (st == GLP_UNBND) {
			t->items[v].certified = 1;
			continue;
		}
		if (st != GLP_OPT)
			goto failed;
		val = glp_get_obj_val(lp);
		if (floor(val + eps) >= (double)r->k) {
			t->items[v].certified = 1;
			/* The same solution shows others can reach k. */
			for (j = i + 1; j < nv; j++) {
				uint32_t u = s->vars[s->voff[c] + j];

				if (sensitive(&t->items[u], r->k) &&
				    glp_get_col_prim(lp, s->local[u]) >=
				    (double)r->k - eps)
					t->items[u].certified = 1;
			}
			continue;
		}
failed:
		failing++;
		if (fix)
			lp_fix(r, s, v, fixes);
	}
	glp_delete_prob(lp);
	for (i = 0; i < nv; i++)
		s->local[s->vars[s->voff[c] + i]] = 0;
	return failing;
}

static int	dc_stopping;

void
dc_stop(void)
{
	__atomic_store_n(&dc_stopping, 1, __ATOMIC_RELAXED);
}

/*
 * One round of the exact audit over the whole table. With fix set,
 * withholds one more item for each failing count (one per relation per
 * round) and returns how many it withheld; else returns how many counts
 * fail. (size_t)-1 on a fault.
 */
static size_t
lp_audit(struct run *r, int fix, int exact)
{
	struct dc_table	*t = r->t;
	struct lpstate	 s;
	size_t		 i, j, n = t->nitems, ncomp = 0, fixes = 0, ret, g;
	uint32_t	 a, b, root, *gvar = NULL;
	long		 f, failing = 0;

	memset(&s, 0, sizeof(s));
	s.exact = exact;
	ret = (size_t)-1;
	t->lp_rounds++;
	glp_term_out(GLP_OFF);
	if ((s.uf = calloc(n + 1, sizeof(*s.uf))) == NULL ||
	    (s.comp = calloc(n + 1, sizeof(*s.comp))) == NULL ||
	    (s.local = calloc(n + 1, sizeof(*s.local))) == NULL ||
	    (s.psup = calloc(n + 1, 1)) == NULL ||
	    (s.var = calloc(n + 1, 1)) == NULL ||
	    (s.seen = calloc(n + 1, 1)) == NULL ||
	    (s.queue = calloc(n + 1, sizeof(*s.queue))) == NULL ||
	    (s.touched = calloc(t->ngroups + 1, 1)) == NULL ||
	    (gvar = calloc(t->ngroups + 1, sizeof(*gvar))) == NULL)
		goto out;
	for (i = 0; i < t->nlinks; i++)
		if (t->items[t->links[2 * i]].suppressed)
			s.psup[t->links[2 * i + 1]] = 1;
	for (i = 0; i < n; i++) {
		s.uf[i] = (uint32_t)i;
		s.var[i] = (uint8_t)is_var(&t->items[i]);
	}
	/*
	 * The unknowns of one relation are in one component (its rows, built
	 * per component by lp_rows, hold them and no others); gvar[g] is its
	 * first unknown, which places it, or DC_NONE.
	 */
	for (g = 0; g < t->ngroups; g++) {
		a = DC_NONE;
		for (j = t->group_off[g]; j <= t->group_off[g + 1]; j++) {
			b = j < t->group_off[g + 1] ? t->members[j] :
			    t->group_total[g];
			if (b == DC_NONE || !s.var[b])
				continue;
			if (a == DC_NONE)
				a = b;
			else if ((root = uf_find(s.uf, b)) !=
			    uf_find(s.uf, a))
				s.uf[root] = uf_find(s.uf, a);
		}
		gvar[g] = a;
	}
	/* Components numbered by their first item, then counting sorts. */
	for (i = 0; i < n; i++)
		s.comp[i] = DC_NONE;
	for (i = 0; i < n; i++) {
		if (!s.var[i])
			continue;
		root = uf_find(s.uf, (uint32_t)i);
		if (s.comp[root] == DC_NONE)
			s.comp[root] = (uint32_t)ncomp++;
		s.comp[i] = s.comp[root];
	}
	free(s.uf);		/* the components are numbered */
	s.uf = NULL;
	if ((s.goff = calloc(ncomp + 2, sizeof(*s.goff))) == NULL ||
	    (s.voff = calloc(ncomp + 2, sizeof(*s.voff))) == NULL ||
	    (s.grps = calloc(t->ngroups + 1, sizeof(*s.grps))) == NULL ||
	    (s.vars = calloc(n + 1, sizeof(*s.vars))) == NULL)
		goto out;
	for (g = 0; g < t->ngroups; g++)
		if (gvar[g] != DC_NONE)
			s.goff[s.comp[gvar[g]] + 2]++;
	for (i = 0; i < n; i++)
		if (s.comp[i] != DC_NONE)
			s.voff[s.comp[i] + 2]++;
	for (i = 2; i < ncomp + 2; i++) {
		s.goff[i] += s.goff[i - 1];
		s.voff[i] += s.voff[i - 1];
	}
	for (g = 0; g < t->ngroups; g++)
		if (gvar[g] != DC_NONE)
			s.grps[s.goff[s.comp[gvar[g]] + 1]++] = (uint32_t)g;
	for (i = 0; i < n; i++)
		if (s.comp[i] != DC_NONE)
			s.vars[s.voff[s.comp[i] + 1]++] = (uint32_t)i;
	free(gvar);
	gvar = NULL;
	/* An unknown in no relation at all is unbounded. */
	for (i = 0; i < ncomp; i++) {
		if (__atomic_load_n(&dc_stopping, __ATOMIC_RELAXED))
			goto out;	/* dc_stop: a fault, nothing published */
		if (s.goff[i + 1] == s.goff[i]) {
			for (j = s.voff[i]; j < s.voff[i + 1]; j++)
				t->items[s.vars[j]].certified = 1;
			continue;
		}
		if ((f = lp_component(r, &s, i, fix, &fixes)) < 0)
			goto out;
		failing += f;
	}
	t->lp_fixes += fixes;
	ret = fix ? fixes : (size_t)failing;
out:
	free(gvar);
	lpstate_free(&s);
	/*
	 * GLPK keeps an environment per thread; the snapshot thread ends,
	 * so free it here rather than leak it.
	 */
	glp_free_env();
	return ret;
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
	    (r->queued = calloc(t->ngroups + 1, 1)) == NULL ||
	    (r->pend = calloc(t->ngroups + 1, sizeof(*r->pend))) == NULL ||
	    (r->sorted = calloc(t->ngroups + 1, sizeof(*r->sorted))) == NULL ||
	    (r->known = calloc(n + 1, 1)) == NULL ||
	    (r->cur = calloc(t->ngroups + 1, 1)) == NULL ||
	    (r->next = calloc(t->ngroups + 1, 1)) == NULL)
		return -1;
	/* The indexes are 32-bit: a table that large is refused. */
	if (t->nmembers + t->ngroups >= UINT32_MAX || t->nlinks >= UINT32_MAX)
		return -1;
	/* Counting pass, then prefix sums, then the fill. */
	for (g = 0; g < t->ngroups; g++) {
		for (i = t->group_off[g]; i < t->group_off[g + 1]; i++)
			r->rel_off[t->members[i] + 2]++;
		if ((tot = t->group_total[g]) != DC_NONE)
			r->rel_off[tot + 2]++;
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
	free(r->pend);
	free(r->sorted);
	free(r->heap);
	free(r->queued);
	free(r->known);
	free(r->cur);
	free(r->next);
}

/*
 * Figures published before that dc_run's next pass counts as unknown: those
 * of the stuck relations (pdrop), or all of them. Returns how many.
 */
static size_t
prior_unknown(struct dc_table *t, int all)
{
	size_t	i, n = 0;

	for (i = 0; i < t->nitems; i++) {
		if (all)
			t->items[i].pdrop = 1;
		if (!t->items[i].pknown || !t->items[i].pdrop)
			continue;
		t->items[i].pknown = 0;
		n++;
	}
	return n;
}

int
dc_run(struct dc_table *t, long long k)
{
	struct run	 r;
	struct dc_item	*it;
	size_t		 i, fixed;
	uint32_t	 g, pick;
	int		 ret = -1;

	if (t->oom || t->ngroups >= DC_NONE)
		return -1;
	if (k < DC_K_MIN)
		k = DC_K_MIN;
	/* v1 knew unpublished figures only as zeros. */
	for (i = 0; t->method == DC_LOCAL && i < t->nitems; i++)
		if (t->items[i].unpublished)
			t->items[i].units = 0;
	if (run_init(&r, t, k) == -1)
		goto out;
	for (i = 0; i < t->nitems; i++) {
		t->items[i].suppressed = t->items[i].pdrop = 0;
		t->items[i].pknown = (uint8_t)dc_prior_known(&t->items[i], k);
	}
	/* Primary suppression; suppress() queues what it touches. */
	for (i = 0; i < t->nitems; i++) {
		it = &t->items[i];
		it->certified = 0;
		if (it->unpublished && t->method == DC_EXACT)
			continue;
		if (it->forced || (it->units > 0 && it->clients < k))
			suppress(&r, (uint32_t)i);
	}
	/*
	 * Secondary suppression, smallest relations first: the cells a
	 * small count hides behind are then settled near it, before a large
	 * relation (the whole regio) picks a partner far away.
	 */
	t->lp_solves = t->lp_rounds = t->lp_fixes = t->lp_unresolved = 0;
	t->lp_skipped = t->prior_stuck = t->prior_second = 0;
	t->prior_dropped = 0;
again:
	for (;;) {
		while (queue_len(&r) > 0) {
			if ((g = heap_pop(&r)) == DC_NONE)
				goto out;
			if ((pick = secondary(&r, g, k)) != DC_NONE) {
				suppress(&r, pick);
				heap_push(&r, g);	/* may need more */
			}
		}
		/* The exact method keeps the chain audit's guarantee too. */
		if (audit(&r) > 0)
			continue;
		if (t->method == DC_LOCAL)
			break;
		if ((fixed = lp_audit(&r, 1, 0)) == (size_t)-1)
			goto out;
		if (fixed == 0)
			break;
	}
	/*
	 * Later passes (disclosure.h, dc_prior): where only figures published
	 * before were left to withhold, the figures of the relations that got
	 * stuck count as unknown again, so that at least one who does not
	 * know the change learns nothing. Only those relations: the rest of
	 * the table keeps its history. The last of DC_PRIOR_PASSES passes
	 * counts every figure published before as unknown.
	 */
	if (t->prior_stuck > 0 || t->lp_unresolved > 0) {
		int	all = t->prior_second + 1 >= DC_PRIOR_PASSES;
		size_t	n = prior_unknown(t, all);

		/*
		 * Stuck with no figure published before in its own relations
		 * (an exact-audit give-up further away): all of them, as the
		 * last pass would.
		 */
		if (n == 0 && !all)
			n = prior_unknown(t, 1);
		if (n > 0) {
			t->prior_second++;
			t->prior_dropped += n;
			for (i = 0; i < t->nitems; i++)
				if (t->items[i].certified == 2)
					t->items[i].certified = 0;
			t->lp_unresolved = t->prior_stuck = 0;
			for (g = 0; g < t->ngroups; g++)
				heap_push(&r, g);
			goto again;
		}
	}
	ret = 0;
out:
	run_free(&r);
	return ret;
}

int
dc_check(struct dc_table *t, long long k, size_t *failing)
{
	struct run	r;
	size_t		i, n;
	int		ret = -1;

	if (t->oom || t->ngroups >= DC_NONE)
		return -1;
	if (k < DC_K_MIN)
		k = DC_K_MIN;
	if (run_init(&r, t, k) == -1)
		goto out;
	/* In the model the last dc_run ended with (its later passes). */
	for (i = 0; i < t->nitems; i++) {
		t->items[i].certified = 0;
		t->items[i].pknown = !t->items[i].pdrop &&
		    dc_prior_known(&t->items[i], k);
	}
	if ((n = lp_audit(&r, 0, 1)) == (size_t)-1)
		goto out;
	*failing = n;
	ret = 0;
out:
	run_free(&r);
	return ret;
}

void
dc_log(const struct dc_table *t, const char *what)
{
	size_t		i, sup = 0;
	uint64_t	h = 1469598103934665603ULL;

	/* The pattern's hash (FNV-1a over the items' flags, in order). */
	for (i = 0; i < t->nitems; i++) {
		sup += t->items[i].suppressed && !t->items[i].hidden;
		h = (h ^ t->items[i].suppressed) * 1099511628211ULL;
	}
	log_info("disclosure: %s: %zu figures, %zu withheld; exact audit"
	    " %zu solves in %zu rounds, %zu added, %zu counts in components"
	    " too large to solve, %zu with nothing left to withhold; %zu"
	    " figures published before counted as unknown again in %zu later"
	    " passes; pattern %016llx", what, t->nitems, sup, t->lp_solves,
	    t->lp_rounds, t->lp_fixes, t->lp_skipped, t->lp_unresolved,
	    t->prior_dropped, t->prior_second, (unsigned long long)h);
}

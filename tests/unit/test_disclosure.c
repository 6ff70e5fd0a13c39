/*
 * Disclosure control on hand-made tables: primary suppression at k-1 and
 * k, secondary suppression within a group, the "two or more, k together"
 * rule, hidden remainders, links and forced items.
 */
#include "disclosure.h"
#include "test.h"

/* A group of n items with the given clients (units = clients). */
static void
group_of(struct dc_table *t, const int *clients, size_t n, uint32_t *ids)
{
	size_t	i;

	for (i = 0; i < n; i++)
		ids[i] = dc_item(t, clients[i], clients[i]);
	dc_group(t, DC_NONE);
	for (i = 0; i < n; i++)
		dc_member(t, ids[i]);
}

static void
test_primary(void)
{
	struct dc_table	t;
	uint32_t	a, b, z;

	dc_init(&t);
	a = dc_item(&t, 9, 9);		/* k - 1 */
	b = dc_item(&t, 10, 10);	/* k */
	z = dc_item(&t, 0, 0);		/* a zero is no disclosure */
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, a));
	CHECK(!dc_suppressed(&t, b));
	CHECK(!dc_suppressed(&t, z));
	dc_free(&t);

	/* Units count only as clients do: 30 trajectories of 4 clients. */
	dc_init(&t);
	a = dc_item(&t, 30, 4);
	CHECK_EQ_INT(dc_run(&t, 5), 0);
	CHECK(dc_suppressed(&t, a));
	dc_free(&t);

	/* k is never below 5, whatever the caller asks. */
	dc_init(&t);
	a = dc_item(&t, 4, 4);
	CHECK_EQ_INT(dc_run(&t, 2), 0);
	CHECK(dc_suppressed(&t, a));
	dc_free(&t);
}

static void
test_secondary(void)
{
	struct dc_table	t;
	uint32_t	id[5];
	static const int one[] = { 40, 3, 12, 25 };
	static const int two_small[] = { 40, 3, 4, 12, 25 };
	static const int clean[] = { 40, 12, 25 };

	/* One suppressed category: the smallest other one goes with it. */
	dc_init(&t);
	group_of(&t, one, 4, id);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(!dc_suppressed(&t, id[0]));
	CHECK(dc_suppressed(&t, id[1]));
	CHECK(dc_suppressed(&t, id[2]));
	CHECK(!dc_suppressed(&t, id[3]));
	dc_free(&t);

	/*
	 * Two suppressed that together hold fewer than k (3 + 4 = 7): the
	 * total minus the rest would give 7, so a third (12) goes too.
	 */
	dc_init(&t);
	group_of(&t, two_small, 5, id);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, id[1]) && dc_suppressed(&t, id[2]));
	CHECK(dc_suppressed(&t, id[3]));
	CHECK(!dc_suppressed(&t, id[0]) && !dc_suppressed(&t, id[4]));
	dc_free(&t);

	/* Nothing small: nothing hidden. */
	dc_init(&t);
	group_of(&t, clean, 3, id);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(!dc_suppressed(&t, id[0]) && !dc_suppressed(&t, id[1]) &&
	    !dc_suppressed(&t, id[2]));
	dc_free(&t);
}

static void
test_hidden_link_force(void)
{
	struct dc_table	t;
	uint32_t	tot, ja, niet, c1, c2, g1, g2;

	/*
	 * A share: "ja" is printed, "niet ja" only follows from the total.
	 * When the hidden remainder is small, the printed part must go.
	 */
	dc_init(&t);
	tot = dc_item(&t, 50, 50);
	ja = dc_item(&t, 47, 47);
	niet = dc_item(&t, 3, 3);
	dc_hidden(&t, niet);
	dc_link(&t, tot, ja);
	dc_link(&t, tot, niet);
	dc_group(&t, tot);
	dc_member(&t, ja);
	dc_member(&t, niet);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(!dc_suppressed(&t, tot));
	CHECK(dc_suppressed(&t, ja));
	dc_free(&t);

	/* A suppressed cell hides its categories through the links. */
	dc_init(&t);
	tot = dc_item(&t, 8, 8);
	c1 = dc_item(&t, 8, 8);
	dc_link(&t, tot, c1);
	CHECK_EQ_INT(dc_run(&t, 5), 0);
	CHECK(!dc_suppressed(&t, tot) && !dc_suppressed(&t, c1));
	dc_force(&t, tot);		/* e.g. fewer than 3 aanbieders */
	CHECK_EQ_INT(dc_run(&t, 5), 0);
	CHECK(dc_suppressed(&t, tot) && dc_suppressed(&t, c1));
	dc_free(&t);

	/*
	 * Gemeenten of one cluster: one small gemeente (2) pulls the
	 * smallest other (6) with it, and in the second group, which shares
	 * the 6 (its months, say), the 6 now needs a partner in turn.
	 */
	dc_init(&t);
	c1 = dc_item(&t, 2, 2);
	c2 = dc_item(&t, 6, 6);
	g1 = dc_item(&t, 30, 30);
	dc_group(&t, DC_NONE);
	dc_member(&t, c1);
	dc_member(&t, c2);
	dc_member(&t, g1);
	g2 = dc_item(&t, 20, 20);
	dc_group(&t, DC_NONE);
	dc_member(&t, c2);
	dc_member(&t, g2);
	CHECK_EQ_INT(dc_run(&t, 5), 0);
	CHECK(dc_suppressed(&t, c1) && dc_suppressed(&t, c2));
	CHECK(!dc_suppressed(&t, g1));
	CHECK(dc_suppressed(&t, g2));
	dc_free(&t);
}

/*
 * Relations with their total as an item: a total that is itself hidden
 * still needs a second hidden part, or the one part would follow from a
 * total published elsewhere; and a published total with one hidden part
 * gives that part away, so a second one is hidden.
 */
static void
test_totals(void)
{
	struct dc_table	t;
	uint32_t	q, m1, m2, m3;

	/* Quarter 40 = 3 + 17 + 20 months: month 1 and month 2 hidden. */
	dc_init(&t);
	q = dc_item(&t, 40, 40);
	m1 = dc_item(&t, 3, 3);
	m2 = dc_item(&t, 17, 17);
	m3 = dc_item(&t, 20, 20);
	dc_group(&t, q);
	dc_member(&t, m1);
	dc_member(&t, m2);
	dc_member(&t, m3);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(!dc_suppressed(&t, q));
	CHECK(dc_suppressed(&t, m1) && dc_suppressed(&t, m2));
	CHECK(!dc_suppressed(&t, m3));
	dc_free(&t);

	/* A total of 8 (< k) over parts 5 and 3: everything hidden. */
	dc_init(&t);
	q = dc_item(&t, 8, 8);
	m1 = dc_item(&t, 5, 5);
	m2 = dc_item(&t, 3, 3);
	dc_group(&t, q);
	dc_member(&t, m1);
	dc_member(&t, m2);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, q) && dc_suppressed(&t, m1) &&
	    dc_suppressed(&t, m2));
	dc_free(&t);

	/*
	 * A chain the pair rule alone would let through: a (3) hides behind
	 * b in relation A (T = a + b, T published). b is the total of
	 * relation B (b = c + d); hiding b there makes the pair rule hide c
	 * too, so b cannot be had from c + d, and a stays hidden.
	 */
	dc_init(&t);
	{
		uint32_t tt, a, b, c, d;

		tt = dc_item(&t, 28, 28);
		a = dc_item(&t, 3, 3);
		b = dc_item(&t, 25, 25);
		c = dc_item(&t, 10, 10);
		d = dc_item(&t, 15, 15);
		dc_group(&t, tt);
		dc_member(&t, a);
		dc_member(&t, b);
		dc_group(&t, b);
		dc_member(&t, c);
		dc_member(&t, d);
		CHECK_EQ_INT(dc_run(&t, 10), 0);
		CHECK(dc_suppressed(&t, a) && dc_suppressed(&t, b));
		CHECK(dc_suppressed(&t, c) || dc_suppressed(&t, d));
		CHECK(!dc_suppressed(&t, tt));
	}
	dc_free(&t);
}

/*
 * Issue 11, example 1: a published 59 minus 26 and 22 leaves 11 for 11
 * listed withheld cells; each is at least 1, so each is exactly 1. The
 * pair-and-k rule (v1) lets that through; the exact method does not.
 */
static void
test_lower_bound(void)
{
	struct dc_table	t;
	uint32_t	tot, p[13];
	size_t		i, failing = 99;
	int		method;

	for (method = 0; method < 2; method++) {
		dc_init(&t);
		t.method = method ? DC_LOCAL : DC_EXACT;
		tot = dc_item(&t, 59, 59);
		p[0] = dc_item(&t, 26, 26);
		p[1] = dc_item(&t, 22, 22);
		for (i = 2; i < 13; i++)
			p[i] = dc_item(&t, 1, 1);
		dc_group(&t, tot);
		for (i = 0; i < 13; i++)
			dc_member(&t, p[i]);
		CHECK_EQ_INT(dc_run(&t, 10), 0);
		CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
		if (method == 0) {
			CHECK_EQ_INT((int)failing, 0);
			/* 22 goes with them: 33 - 11 + 1 >= 10. */
			CHECK(dc_suppressed(&t, p[1]));
			CHECK(!dc_suppressed(&t, tot));
		} else
			CHECK_EQ_INT((int)failing, 11);
		dc_free(&t);
	}
}

/*
 * A chain that needs two relations at once: S = u + v + q gives u + v,
 * and y = u + v (a withheld total) then gives y, so T = x + y + p gives
 * x = 2. No relation has a single unknown, so v1's audit misses it.
 */
static void
test_two_relations(void)
{
	struct dc_table	t;
	uint32_t	T, x, y, p, u, v, q, S;
	size_t		failing = 99;
	int		method;

	for (method = 0; method < 2; method++) {
		dc_init(&t);
		t.method = method ? DC_LOCAL : DC_EXACT;
		T = dc_item(&t, 33, 33);
		x = dc_item(&t, 2, 2);
		y = dc_item(&t, 11, 11);
		p = dc_item(&t, 20, 20);
		u = dc_item(&t, 5, 5);
		v = dc_item(&t, 6, 6);
		q = dc_item(&t, 20, 20);
		S = dc_item(&t, 31, 31);
		dc_force(&t, y);
		dc_group(&t, T);
		dc_member(&t, x);
		dc_member(&t, y);
		dc_member(&t, p);
		dc_group(&t, y);
		dc_member(&t, u);
		dc_member(&t, v);
		dc_group(&t, S);
		dc_member(&t, u);
		dc_member(&t, v);
		dc_member(&t, q);
		CHECK_EQ_INT(dc_run(&t, 10), 0);
		CHECK(dc_suppressed(&t, x) && dc_suppressed(&t, u) &&
		    dc_suppressed(&t, v));
		CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
		if (method == 0) {
			CHECK_EQ_INT((int)failing, 0);
			CHECK(t.lp_fixes > 0);
			CHECK(dc_suppressed(&t, p) || dc_suppressed(&t, q));
		} else
			CHECK(failing > 0);
		dc_free(&t);
	}
}

/*
 * An aanbieder's own-data subtraction (issue 11, example 2): the
 * cluster's year and Q2..Q4 are published, Q1 withheld; the aanbieder
 * knows its own Q1 (3), so the rest of the cluster (7) would follow.
 * Modelled as the aanbieder sees it: own figures published, the rest a
 * never-printed count that must stay protected.
 */
static void
test_own_subtraction(void)
{
	struct dc_table	t;
	uint32_t	year, q[4], own[4], rest[4];
	static const int o[4] = { 3, 12, 11, 15 };
	static const int rr[4] = { 7, 30, 25, 40 };
	size_t		i, failing = 99;

	dc_init(&t);
	year = dc_item(&t, 143, 143);
	for (i = 0; i < 4; i++) {
		q[i] = dc_item(&t, o[i] + rr[i], o[i] + rr[i]);
		own[i] = dc_item(&t, o[i], 10);	/* known: never withheld */
		rest[i] = dc_item(&t, rr[i], rr[i]);
		dc_hidden(&t, rest[i]);
	}
	dc_force(&t, q[0]);
	dc_group(&t, year);
	for (i = 0; i < 4; i++)
		dc_member(&t, q[i]);
	for (i = 0; i < 4; i++) {
		dc_group(&t, q[i]);
		dc_member(&t, own[i]);
		dc_member(&t, rest[i]);
	}
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
	/* Another quarter (or the year) is withheld with Q1. */
	CHECK(dc_suppressed(&t, year) || dc_suppressed(&t, q[1]) ||
	    dc_suppressed(&t, q[2]) || dc_suppressed(&t, q[3]));
	dc_free(&t);
}

/*
 * One aanbieder's year and quarters, k = 10, in two snapshots: Q1 = 3
 * stays, Q4 loses one client in between (someone else's change; the
 * attacker is told the delta, the worst case). Snapshot 1 withholds Q1
 * and the cheapest quarter, Q2 = 12, and publishes Q3 = 13 and Q4 = 12.
 */
static void
before_after(const int *q, int64_t year, const int *prior, uint32_t *id,
    struct dc_table *t)
{
	size_t	i;

	dc_init(t);
	id[4] = dc_item(t, year, year);
	for (i = 0; i < 4; i++)
		id[i] = dc_item(t, q[i], q[i]);
	dc_group(t, id[4]);
	for (i = 0; i < 4; i++)
		dc_member(t, id[i]);
	for (i = 0; prior != NULL && i < 5; i++)
		if (prior[i])
			dc_prior(t, id[i]);
}

static void
test_before_after(void)
{
	struct dc_table	t;
	uint32_t	id[5];
	static const int q1[4] = { 3, 12, 13, 12 };
	static const int q2[4] = { 3, 12, 13, 11 };
	static const int q3[4] = { 3, 12, 4, 11 };
	/* Published by snapshot 1: Q3, Q4 and the year. */
	static const int pub1[5] = { 0, 0, 1, 1, 1 };
	size_t		failing = 99;

	before_after(q1, 40, NULL, id, &t);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, id[0]) && dc_suppressed(&t, id[1]));
	CHECK(!dc_suppressed(&t, id[2]) && !dc_suppressed(&t, id[3]) &&
	    !dc_suppressed(&t, id[4]));
	dc_free(&t);

	/*
	 * Snapshot 2 from scratch: Q4 = 11 is now the cheapest partner, so
	 * Q2 = 12 is published; with Q4 = 12 - 1 from snapshot 1, Q1 = 39 -
	 * 12 - 13 - 11 = 3. That is the differencing probe; the exact check
	 * with Q4 known (as it was published before) fails.
	 */
	before_after(q2, 39, NULL, id, &t);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, id[3]) && !dc_suppressed(&t, id[1]));
	dc_prior(&t, id[3]);
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 1);
	dc_free(&t);

	/*
	 * With the history: Q3, Q4 and the year count as known, so Q1's
	 * partner must be Q2 again, and Q4 is published (withholding it
	 * would hide nothing). The check passes with everything ever
	 * published known.
	 */
	before_after(q2, 39, pub1, id, &t);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, id[0]) && dc_suppressed(&t, id[1]));
	CHECK(!dc_suppressed(&t, id[2]) && !dc_suppressed(&t, id[3]) &&
	    !dc_suppressed(&t, id[4]));
	failing = 99;
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
	dc_free(&t);

	/*
	 * A figure published before that is now small (Q3 drops to 4) is
	 * withheld and protected like any small count: it is not taken as
	 * known, and needs its partner (Q1 and Q2 already are).
	 */
	before_after(q3, 30, pub1, id, &t);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, id[2]));
	CHECK(dc_suppressed(&t, id[0]) && dc_suppressed(&t, id[1]));
	failing = 99;
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
	dc_free(&t);
}

/*
 * T = X + P, 15 = 3 + 12, all three published before (X as a zero): the
 * new small X can only hide behind figures published before.
 */
static void
prior_stuck_relation(struct dc_table *t, uint32_t *tot, uint32_t *x,
    uint32_t *p)
{
	*tot = dc_item(t, 15, 15);
	*x = dc_item(t, 3, 3);
	*p = dc_item(t, 12, 12);
	dc_group(t, *tot);
	dc_member(t, *x);
	dc_member(t, *p);
	dc_prior(t, *tot);
	dc_prior(t, *x);	/* its zero was published */
	dc_prior(t, *p);
}

/*
 * A new small count whose every partner was published before: T = X +
 * P was 12 = 0 + 12, all published; now X = 3, T = 15. Whoever knows the
 * change knows X anyway; for everyone else, P (cheapest) is withheld in
 * the second pass, so that T - P gives nothing away.
 */
static void
test_prior_only(void)
{
	struct dc_table	t;
	uint32_t	tot, x, p;
	size_t		failing = 99;

	dc_init(&t);
	prior_stuck_relation(&t, &tot, &x, &p);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, x) && dc_suppressed(&t, p));
	CHECK(!dc_suppressed(&t, tot));
	CHECK_EQ_INT((int)t.prior_second, 1);
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
	dc_free(&t);

	/* With a partner never published, that one goes: no second pass. */
	dc_init(&t);
	tot = dc_item(&t, 40, 40);
	x = dc_item(&t, 3, 3);
	p = dc_item(&t, 12, 12);
	(void)dc_item(&t, 25, 25);
	dc_group(&t, tot);
	dc_member(&t, x);
	dc_member(&t, p);
	dc_member(&t, x + 2);
	dc_prior(&t, tot);
	dc_prior(&t, p);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, x) && dc_suppressed(&t, x + 2));
	CHECK(!dc_suppressed(&t, p));
	CHECK_EQ_INT((int)t.prior_second, 0);
	failing = 99;
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
	dc_free(&t);

	/*
	 * The stuck relation is counted as unknown again, not the whole
	 * table: a second relation T2 = A + B + C (30 = 14 + 6 + 10, B
	 * small, C new, A and T2 published before) withholds C beside B
	 * and keeps A, which stays known to the attacker.
	 */
	dc_init(&t);
	prior_stuck_relation(&t, &tot, &x, &p);
	{
		uint32_t t2 = dc_item(&t, 30, 30);
		uint32_t a = dc_item(&t, 14, 14);
		uint32_t b = dc_item(&t, 6, 6);
		uint32_t c = dc_item(&t, 10, 10);

		dc_group(&t, t2);
		dc_member(&t, a);
		dc_member(&t, b);
		dc_member(&t, c);
		dc_prior(&t, t2);
		dc_prior(&t, a);
		CHECK_EQ_INT(dc_run(&t, 10), 0);
		CHECK(dc_suppressed(&t, x) && dc_suppressed(&t, p));
		CHECK(!dc_suppressed(&t, tot));
		CHECK(dc_suppressed(&t, b) && dc_suppressed(&t, c));
		CHECK(!dc_suppressed(&t, a) && !dc_suppressed(&t, t2));
		/* T2's relation was never stuck: its history holds. */
		CHECK(!t.items[a].pdrop && t.items[a].pknown);
		CHECK(t.items[p].pdrop && !t.items[p].pknown);
		CHECK_EQ_INT((int)t.prior_second, 1);
		CHECK_EQ_INT((int)t.prior_dropped, 2);	/* T and P; X is small */
		failing = 99;
		CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
		CHECK_EQ_INT((int)failing, 0);
	}
	dc_free(&t);
}

/*
 * A figure published before whose distinct clients are now below k while
 * its units are not (12 ended products of 4 clients): primary suppression
 * withholds it (fewer than k clients), so it must not count as known to
 * the attacker, or the rules leave it alone in its relation and T - P
 * gives it away to anyone.
 */
static void
test_prior_few_clients(void)
{
	struct dc_table	t;
	uint32_t	tot, x, p;

	dc_init(&t);
	tot = dc_item(&t, 40, 32);
	x = dc_item(&t, 12, 4);
	p = dc_item(&t, 28, 28);
	dc_group(&t, tot);
	dc_member(&t, x);
	dc_member(&t, p);
	dc_prior(&t, tot);
	dc_prior(&t, x);	/* published when it had 10 clients */
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, x));
	CHECK(dc_suppressed(&t, p) || dc_suppressed(&t, tot));
	CHECK(!dc_prior_known(&t.items[x], 10));
	dc_free(&t);
}

/*
 * dc_stop (the daemon is stopping): a run in progress or to come gives
 * up at its exact audit and returns -1, so nothing is published. Last:
 * it is for good.
 */
static void
test_stop(void)
{
	static const int	 sizes[] = { 30, 3, 12, 15 };
	struct dc_table		 t;
	uint32_t		 id[4];
	size_t			 failing = 0;

	dc_init(&t);
	group_of(&t, sizes, 4, id);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(dc_suppressed(&t, id[1]) && dc_suppressed(&t, id[2]));
	CHECK_EQ_INT(dc_check(&t, 10, &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
	dc_stop();
	CHECK_EQ_INT(dc_check(&t, 10, &failing), -1);
	CHECK_EQ_INT(dc_run(&t, 10), -1);
	dc_free(&t);
}


/* A small linear congruential generator: the same table on every run. */
static uint32_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/*
 * A table of aanbieders x gemeenten, half of its cells zero, with the
 * gemeenten's and the aanbieders' totals, the regio, and pairs of
 * neighbouring cells whose sums are published elsewhere: large enough for
 * dc_run's worklist to sort whole batches and to keep a heap beside them.
 * The pattern (FNV-1a over the suppressed flags, as dc_log prints it) is
 * the one the single binary heap gave before, for both methods; with
 * DC_LOCAL it changes when the relations are taken in id order or
 * heaviest first, so it pins the order of secondary suppression.
 */
static uint64_t
table_pattern(enum dc_method method, size_t *withheld)
{
	enum { NA = 30, NG = 40 };
	struct dc_table	t;
	uint64_t	s = 1, h = 1469598103934665603ULL;
	uint32_t	cell[NA][NG], gem[NG], aan[NA];
	int64_t		gu[NG] = { 0 }, au[NA] = { 0 }, u;
	size_t		a, g, i;

	dc_init(&t);
	t.method = method;
	for (a = 0; a < NA; a++)
		for (g = 0; g < NG; g++) {
			u = lcg(&s) % 2 == 0 ? 0 : 1 + lcg(&s) % 100;
			cell[a][g] = dc_item(&t, u, u - u / 5);
			gu[g] += u;
			au[a] += u;
		}
	for (g = 0; g < NG; g++)
		gem[g] = dc_item(&t, gu[g], gu[g]);
	for (a = 0; a < NA; a++)
		aan[a] = dc_item(&t, au[a], au[a]);
	for (g = 0; g < NG; g++) {
		dc_group(&t, gem[g]);
		for (a = 0; a < NA; a++)
			dc_member(&t, cell[a][g]);
	}
	for (a = 0; a < NA; a++) {
		dc_group(&t, aan[a]);
		for (g = 0; g < NG; g++)
			dc_member(&t, cell[a][g]);
	}
	dc_group(&t, DC_NONE);
	for (g = 0; g < NG; g++)
		dc_member(&t, gem[g]);
	for (a = 0; a < NA; a++)
		for (g = 0; g + 1 < NG; g += 2) {
			dc_group(&t, DC_NONE);
			dc_member(&t, cell[a][g]);
			dc_member(&t, cell[a][g + 1]);
		}
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	*withheld = 0;
	for (i = 0; i < t.nitems; i++) {
		*withheld += t.items[i].suppressed != 0;
		h = (h ^ t.items[i].suppressed) * 1099511628211ULL;
	}
	dc_free(&t);
	return h;
}

/* Counts beyond 32 bits: the table is refused, nothing is published. */
static void
test_large_counts(void)
{
	struct dc_table	t;
	uint32_t	a;

	dc_init(&t);
	a = dc_item(&t, INT32_MAX, INT32_MAX);
	CHECK_EQ_INT(dc_run(&t, 10), 0);
	CHECK(!dc_suppressed(&t, a));
	(void)dc_item(&t, (int64_t)INT32_MAX + 1, 20);
	CHECK_EQ_INT(dc_run(&t, 10), -1);
	dc_free(&t);

	dc_init(&t);
	(void)dc_item(&t, 20, (int64_t)INT32_MAX + 1);
	CHECK_EQ_INT(dc_run(&t, 10), -1);
	dc_free(&t);
}

static void
test_table_order(void)
{
	size_t	n;

	CHECK(table_pattern(DC_LOCAL, &n) == 0xb4120398fa1c14c8ULL);
	CHECK_EQ_INT(n, 127);
	CHECK(table_pattern(DC_EXACT, &n) == 0x633c2963594c44eeULL);
	CHECK_EQ_INT(n, 701);
}

int
main(void)
{
	test_primary();
	test_secondary();
	test_hidden_link_force();
	test_totals();
	test_lower_bound();
	test_two_relations();
	test_own_subtraction();
	test_before_after();
	test_prior_only();
	test_prior_few_clients();
	test_large_counts();
	test_table_order();
	test_stop();
	return test_done("disclosure");
}

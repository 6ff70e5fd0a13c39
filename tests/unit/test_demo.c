/*
 * The demo generator: demo_bsn gives distinct, elfproef-valid BSNs, and
 * the generator is a pure function of seed, client count and today.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "pseudonym.h"
#include "test.h"

#define NBSN	200000

static int
cmp9(const void *a, const void *b)
{
	return memcmp(a, b, 9);
}

static void
test_bsn(void)
{
	char		*all, canon[9], one[10];
	size_t		 i, bad = 0, dup = 0;
	uint64_t	 seed;

	if ((all = malloc((size_t)NBSN * 10)) == NULL)
		return;
	for (seed = 0; seed < 3; seed++) {
		for (i = 0; i < NBSN; i++) {
			demo_bsn(seed, i, all + i * 10);
			if (pseudo_bsn_canon(all + i * 10, 9, canon) != BSN_OK)
				bad++;
		}
		qsort(all, NBSN, 10, cmp9);
		for (i = 1; i < NBSN; i++)
			if (memcmp(all + (i - 1) * 10, all + i * 10, 9) == 0)
				dup++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(dup, 0);
	/* The last of 10^7 still passes; a seed changes the numbers. */
	demo_bsn(1, 9999999, one);
	CHECK(pseudo_bsn_canon(one, 9, canon) == BSN_OK);
	CHECK(one[0] == '9' || one[0] == '8');
	demo_bsn(1, 5, all);
	demo_bsn(2, 5, one);
	CHECK(memcmp(all, one, 9) != 0);
	free(all);
}

/* FNV-1a over every message, as a fingerprint of a run. */
struct fp {
	uint64_t	h;
	long		n[DEMO__NMSG];
};

static int
take(void *arg, enum demo_msg kind, const char *xml, size_t len)
{
	struct fp	*f = arg;
	size_t		 i;

	f->n[kind]++;
	for (i = 0; i < len; i++)
		f->h = (f->h ^ (unsigned char)xml[i]) * 0x100000001b3ULL;
	return 0;
}

static void
run(uint64_t seed, struct fp *f, long long *rows)
{
	struct demo	*d = demo_new(seed, 200, 20260615);
	struct buf	 b;
	size_t		 i;
	int		 year;
	long		 n;

	buf_init(&b, 1 << 30, BUF_WIPE);
	memset(f, 0, sizeof(*f));
	f->h = 0xcbf29ce484222325ULL;
	*rows = 0;
	CHECK(d != NULL);
	if (d == NULL)
		return;
	while (demo_next_client(d, take, f) == 1)
		;
	for (i = 0; i < demo_naanbieders(d); i++)
		for (year = 2022; year <= 2026; year++)
			if ((n = demo_scores_csv(d, i, year, &b)) > 0) {
				*rows += n;
				take(f, DEMO_JW301, b.p, b.len);
				f->n[DEMO_JW301]--;
			}
	buf_free(&b);
	demo_free(d);
}

static void
test_deterministic(void)
{
	struct fp	a, b, c;
	long long	ra, rb, rc;

	run(11, &a, &ra);
	run(11, &b, &rb);
	run(12, &c, &rc);
	CHECK(a.h == b.h);
	CHECK_EQ_INT(ra, rb);
	CHECK(a.h != c.h);
	CHECK(a.n[DEMO_JW301] > 200 && a.n[DEMO_JW305] > 200 &&
	    a.n[DEMO_JW307] > 100);
	CHECK(ra > 300);
}

/* A configured region: scaled aanbieders, determinism, bad shapes. */
static void
test_region(void)
{
	struct demo_place	 pl[60];
	struct demo		*d, *e;
	struct fp		 a, b;
	size_t			 i;

	for (i = 0; i < 60; i++) {
		snprintf(pl[i].code, sizeof(pl[i].code), "%04zu", 3001 + i);
		pl[i].cluster = i % 12;
	}
	d = demo_new_region(5, 300, 20260615, pl, 60, 12);
	e = demo_new_region(5, 300, 20260615, pl, 60, 12);
	CHECK(d != NULL && e != NULL);
	if (d == NULL || e == NULL)
		goto out;
	CHECK_EQ_INT(demo_naanbieders(d), 185);
	CHECK_EQ_INT(demo_ngemeenten(d), 60);
	/* Distinct 8-digit AGB codes. */
	for (i = 1; i < demo_naanbieders(d); i++) {
		CHECK_EQ_INT(strlen(demo_agb(d, i)), 8);
		CHECK(strcmp(demo_agb(d, i), demo_agb(d, i - 1)) != 0);
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	while (demo_next_client(d, take, &a) == 1)
		;
	while (demo_next_client(e, take, &b) == 1)
		;
	CHECK(a.h == b.h);
	CHECK(a.n[DEMO_JW301] > 300);
out:
	demo_free(d);
	demo_free(e);
	CHECK(demo_new_region(5, 300, 20260615, pl, 0, 12) == NULL);
	CHECK(demo_new_region(5, 300, 20260615, pl, 60, 0) == NULL);
	pl[7].cluster = 12;
	CHECK(demo_new_region(5, 300, 20260615, pl, 60, 12) == NULL);
}

int
main(void)
{
	test_bsn();
	test_deterministic();
	test_region();
	return test_done("test_demo");
}

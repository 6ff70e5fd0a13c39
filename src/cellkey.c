/*
 * The cell-key method: record keys, and the perturbation table built once
 * at start (cellkey.h; docs/indicators.md, section 9a).
 *
 * The table, as CBS, ABS and Destatis build theirs: for every original
 * count n a distribution of the deviation d over [-D, D], with
 *   - only results that may be published: n + d = 0 or n + d > js, and
 *     n + d >= 0; for n = 0 only d = 0 (a zero stays a zero);
 *   - mean 0, so the published figures are unbiased;
 *   - variance V where the allowed results permit it. A row whose allowed
 *     results cannot reach V gets the nearest variance they can: for n in
 *     1..js the least variance with mean 0 is n (js + 1 - n), from the
 *     two results 0 and js + 1 nearest to n.
 * Among the distributions that meet those constraints the one with the
 * largest entropy is taken, p(d) ~ exp(a d + b d^2), a discrete normal
 * shape (the maximum-entropy approach of the ptable package of Destatis
 * and the Austrian and German offices). a is found by bisection for mean
 * 0 given b (the mean rises with a), b by bisection for the variance
 * (with the mean held at 0 it rises with b). From n = js + D + 1 on every
 * d in [-D, D] is allowed and the distribution no longer depends on n:
 * that is the last row, used for every larger count.
 *
 * The lookup splits [0, 1) into the consecutive intervals of width p(d)
 * for d = -D .. D: a cell key in the interval of d gives n + d.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cellkey.h"
#include "pseudonym.h"
#include "util.h"

#define CK_ITER		96	/* bisection steps: far below 1e-12 */
#define CK_AMAX		1000.0	/* bracket of a */
#define CK_BMAX		50.0	/* bracket of b */
#define CK_TOL		1e-9	/* mean and variance check after solving */

struct ck_ctx {
	struct ck_table			 t;
	struct pseudo_hmac_state	*st;	/* HMAC under the cellkey subkey */
};

/* p(d) ~ exp(a d + b d^2) on the allowed d (ok[]), normalised. */
static void
shape(const int *ok, int d, double a, double b, double *p)
{
	double	mx = -INFINITY, s = 0, e;
	int	i;

	for (i = -d; i <= d; i++)
		if (ok[i + d] && (e = a * i + b * i * (double)i) > mx)
			mx = e;
	for (i = -d; i <= d; i++) {
		p[i + d] = ok[i + d] ? exp(a * i + b * i * (double)i - mx) : 0;
		s += p[i + d];
	}
	for (i = -d; i <= d; i++)
		p[i + d] /= s;
}

static void
moments(const double *p, int d, double *mean, double *var)
{
	double	m = 0, m2 = 0;
	int	i;

	for (i = -d; i <= d; i++) {
		m += p[i + d] * i;
		m2 += p[i + d] * i * (double)i;
	}
	*mean = m;
	*var = m2 - m * m;
}

/* The a that gives mean 0 for this b. */
static double
solve_a(const int *ok, int d, double b, double *p)
{
	double	lo = -CK_AMAX, hi = CK_AMAX, mid = 0, mean, var;
	int	it;

	for (it = 0; it < CK_ITER; it++) {
		mid = (lo + hi) / 2;
		shape(ok, d, mid, b, p);
		moments(p, d, &mean, &var);
		if (mean < 0)
			lo = mid;
		else
			hi = mid;
	}
	return mid;
}

/* Two results x < 0 < y with mean 0. */
static void
two_point(double *p, int d, int x, int y)
{
	memset(p, 0, (size_t)(2 * d + 1) * sizeof(*p));
	p[x + d] = (double)y / (double)(y - x);
	p[y + d] = (double)-x / (double)(y - x);
}

/* One row of the table: the distribution p over [-D, D] for count n. */
static int
build_row(const struct ck_table *t, int n, double *p)
{
	int	 d = t->d, i, lo = 0, hi = 0, neg = 0, pos = 0, it, zero;
	int	 ok[2 * CK_MAX_DEVIATION_MAX + 1];
	double	 vmin, vmax, target, blo = -CK_BMAX, bhi = CK_BMAX, b = 0;
	double	 mean, var;

	for (i = -d; i <= d; i++) {
		ok[i + d] = n == 0 ? i == 0 : n + i == 0 || n + i > t->js;
		if (!ok[i + d])
			continue;
		if (i < 0 && lo == 0)
			lo = i;		/* the smallest negative */
		if (i > 0)
			hi = i;
		if (i < 0)
			neg = i;	/* the largest negative */
		if (i > 0 && pos == 0)
			pos = i;	/* the smallest positive */
	}
	zero = ok[d];
	if (lo == 0 && hi == 0) {		/* n = 0: only d = 0 */
		memset(p, 0, (size_t)(2 * d + 1) * sizeof(*p));
		p[d] = 1;
		return 0;
	}
	if (lo == 0 || hi == 0)
		return -1;	/* no mean 0 possible: ck_check prevents it */
	vmin = zero ? 0 : -(double)neg * pos;
	vmax = -(double)lo * hi;
	target = t->v;
	if (target <= vmin) {
		two_point(p, d, neg, pos);
		return 0;
	}
	if (target >= vmax) {
		two_point(p, d, lo, hi);
		return 0;
	}
	for (it = 0; it < CK_ITER; it++) {
		b = (blo + bhi) / 2;
		solve_a(ok, d, b, p);
		moments(p, d, &mean, &var);
		if (var < target)
			blo = b;
		else
			bhi = b;
	}
	solve_a(ok, d, b, p);
	moments(p, d, &mean, &var);
	if (fabs(mean) > CK_TOL || fabs(var - target) > CK_TOL * target)
		return -1;
	return 0;
}

int
ck_check(long long d, double v, long long js, char *err, size_t errlen)
{
	if (d < 1 || d > CK_MAX_DEVIATION_MAX) {
		util_fmt(err, errlen, "cellkey.max_deviation moet een geheel "
		    "getal van 1 tot en met %d zijn", CK_MAX_DEVIATION_MAX);
		return -1;
	}
	if (js < 0 || js >= d) {
		util_fmt(err, errlen, "cellkey.js moet een geheel getal van 0 "
		    "tot en met max_deviation - 1 (%lld) zijn: anders kan een "
		    "telling 1 niet zonder vertekening worden verstoord", d - 1);
		return -1;
	}
	if (!(v > 0) || !(v < (double)(d * d))) {
		util_fmt(err, errlen, "cellkey.variance moet groter dan 0 en "
		    "kleiner dan max_deviation in het kwadraat (%lld) zijn",
		    d * d);
		return -1;
	}
	return 0;
}

int
ck_table_build(struct ck_table *t, long long d, double v, long long js,
    char *err, size_t errlen)
{
	double	*p = NULL;
	int	 n, i, w;

	memset(t, 0, sizeof(*t));
	if (ck_check(d, v, js, err, errlen) == -1)
		return -1;
	t->d = (int)d;
	t->js = (int)js;
	t->v = v;
	t->nrows = t->js + t->d + 2;
	w = 2 * t->d + 1;
	if ((t->cum = calloc((size_t)t->nrows * (size_t)w,
	    sizeof(*t->cum))) == NULL || (p = calloc((size_t)w,
	    sizeof(*p))) == NULL) {
		util_fmt(err, errlen, "onvoldoende geheugen");
		goto fail;
	}
	for (n = 0; n < t->nrows; n++) {
		double	*c = t->cum + (size_t)n * (size_t)w, s = 0;
		int	 last = 0;

		if (build_row(t, n, p) == -1) {
			util_fmt(err, errlen, "de verstoringstabel is met deze "
			    "cellkey-parameters niet te bouwen (rij %d)", n);
			goto fail;
		}
		for (i = 0; i < w; i++) {
			s += p[i];
			c[i] = s;
			if (p[i] > 0)
				last = i;
		}
		/* The last interval ends at 1 exactly: every key has a d. */
		for (i = last; i < w; i++)
			c[i] = 1.0;
	}
	free(p);
	return 0;
fail:
	free(p);
	ck_table_free(t);
	return -1;
}

void
ck_table_free(struct ck_table *t)
{
	free(t->cum);
	memset(t, 0, sizeof(*t));
}

static const double *
row_of(const struct ck_table *t, int64_t n)
{
	int64_t	r = n < t->nrows - 1 ? n : t->nrows - 1;

	return t->cum + (size_t)r * (size_t)(2 * t->d + 1);
}

double
ck_prob(const struct ck_table *t, int64_t n, int dev)
{
	const double	*c;
	int		 i = dev + t->d;

	if (n < 0 || dev < -t->d || dev > t->d)
		return 0;
	c = row_of(t, n);
	return i == 0 ? c[0] : c[i] - c[i - 1];
}

int64_t
ck_perturb(const struct ck_table *t, int64_t n, uint32_t key)
{
	const double	*c;
	double		 u = (double)key / 4294967296.0;
	int		 i, w = 2 * t->d + 1;

	if (n <= 0)
		return 0;	/* a zero stays a zero */
	c = row_of(t, n);
	for (i = 0; i < w; i++)
		if (u < c[i])
			return n + i - t->d;
	return n;	/* not reached: the last interval ends at 1 */
}

/* ------------------------------------------------------------------ */
/* Record keys */

int
ck_ctx_new(long long d, double v, long long js, const struct pseudo_ctx *pc,
    struct ck_ctx **out, char *err, size_t errlen)
{
	struct ck_ctx	*c;
	unsigned char	 sk[PSEUDO_LEN];

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->st = calloc(1, pseudo_hmac_state_size())) == NULL) {
		free(c);
		util_fmt(err, errlen, "onvoldoende geheugen");
		return -1;
	}
	if (ck_table_build(&c->t, d, v, js, err, errlen) == -1)
		goto fail;
	if (pseudo_subkey(pc, CK_SUBKEY_LABEL, sk) == -1) {
		util_fmt(err, errlen, "de cellkey-sleutel is niet af te leiden");
		goto fail;
	}
	pseudo_hmac_init(c->st, sk, sizeof(sk));
	OPENSSL_cleanse(sk, sizeof(sk));
	*out = c;
	return 0;
fail:
	ck_ctx_free(c);
	return -1;
}

void
ck_ctx_free(struct ck_ctx *c)
{
	if (c == NULL)
		return;
	OPENSSL_cleanse(c->st, pseudo_hmac_state_size());
	free(c->st);
	ck_table_free(&c->t);
	free(c);
}

const struct ck_table *
ck_ctx_table(const struct ck_ctx *c)
{
	return &c->t;
}

/*
 * The first 32 bits of HMAC(subkey, the 8 stored bytes of the client's
 * pseudonym, big-endian): uniform on [0, 2^32) for every client, and
 * unknowable without the key, so nobody can compute a cell's noise.
 */
uint32_t
ck_record_key(const struct ck_ctx *c, int64_t client)
{
	unsigned char	msg[8], mac[PSEUDO_LEN];
	uint64_t	u = (uint64_t)client;
	uint32_t	k;
	int		i;

	for (i = 7; i >= 0; i--, u >>= 8)
		msg[i] = (unsigned char)(u & 0xff);
	pseudo_hmac_mac(c->st, msg, sizeof(msg), mac);
	k = (uint32_t)mac[0] << 24 | (uint32_t)mac[1] << 16 |
	    (uint32_t)mac[2] << 8 | (uint32_t)mac[3];
	OPENSSL_cleanse(mac, sizeof(mac));
	return k;
}

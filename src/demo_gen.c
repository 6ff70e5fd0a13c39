/*
 * Demo data generator; see demo.h.
 *
 * The model, in short. Clients live in one of the 13 gemeenten, drawn by
 * population (Amsterdam by far the largest; Oostzaan and Landsmeer small,
 * so small cells appear). A client goes through episodes of care from
 * 2022 on: each episode is a product (a toewijzing, JW301) at an aanbieder
 * serving the client's cluster, sometimes with a second product beside
 * it. A product starts (JW305), may pause (JW307 reden 20) and resume or
 * stop, and ends (JW307) with a reason drawn from the aanbieder's quality;
 * a product whose end lies after today is still running. After an end
 * volgens plan a client comes back within four months with a chance that
 * depends on the aanbieder (herinstroom), or much later, or not at all.
 *
 * Aanbieders (40, fictional AGB codes 8765xxxx) have a size, the clusters
 * they serve, the kind of care they give and a quality factor drawn from
 * the seed; the clusters have a small effect of their own. Quality moves
 * the end reasons, the GAS and probleemafname scores, "zonder hulp
 * verder", the questionnaire answers and the herinstroom, so some
 * aanbieders come out visibly better or worse.
 *
 * A config with other gemeenten (demo_new_region) gets the same model
 * over its gemeenten and clusters, with synthetic population weights,
 * postcode ranges and aanbieders (docs/operations.md); the built-in
 * region's tables go through the same code, so its data is unchanged.
 *
 * Tuning: about 4 trajecten rows, 4 score rows and 2 questionnaire
 * responses per client (demo.h); --clients 250000 gives the sizes of the
 * indicator benchmark. Messages are made as the client is generated;
 * measurements and responses are kept compactly (client number, dates,
 * scores) and turned into upload bodies only when asked, so no BSN is held
 * in clear longer than one body.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "demo.h"
#include "questionnaire.h"

#define DEMO_TRAJ_MAX		24	/* products of one client */
#define DEMO_NUMMER_FIRST	4100000	/* first ToewijzingNummer */
#define DEMO_HERINSTROOM_DAYS	120	/* "within 4 months" */
/* One generated iJw message: a few KB; parse_ijw refuses over 16 MiB. */
#define DEMO_XML_MAX		(16 * 1024 * 1024)

enum { CL_AMSTERDAM, CL_AMSTELVEEN, CL_DUO, CL_ZAANSTREEK, CL__N };

static const struct {
	const char	code[5];
	int		pop;		/* thousands of inhabitants, ~2024 */
	int		cluster;
	int		pc_lo, pc_hi;	/* 4-digit postcodes, roughly */
} builtin_gem[DEMO_GEMEENTEN] = {
	{ "0363", 931, CL_AMSTERDAM, 1011, 1109 },
	{ "0362",  93, CL_AMSTELVEEN, 1180, 1189 },
	{ "0358",  33, CL_AMSTELVEEN, 1430, 1433 },
	{ "0384",  32, CL_DUO, 1110, 1113 }, { "0451",  31, CL_DUO, 1420, 1424 },
	{ "0437",  15, CL_DUO, 1190, 1191 },
	{ "0479", 160, CL_ZAANSTREEK, 1500, 1567 },
	{ "0439",  93, CL_ZAANSTREEK, 1440, 1448 },
	{ "0385",  37, CL_ZAANSTREEK, 1130, 1137 },
	{ "0415",  12, CL_ZAANSTREEK, 1120, 1122 },
	{ "0431",  10, CL_ZAANSTREEK, 1511, 1511 },
	{ "0852",  17, CL_ZAANSTREEK, 1141, 1156 },
	{ "0880",  17, CL_ZAANSTREEK, 1530, 1536 }
};

/* A small effect per cluster on every outcome. */
static const double builtin_effect[CL__N] = { -0.05, 0.12, 0.05, -0.10 };

static const char builtin_agb[DEMO_AANBIEDERS][9] = {
	"87651614", "87651763", "87651791", "87651812",
	"87651950", "87651968", "87652013", "87652144",
	"87652186", "87652408", "87652486", "87652542",
	"87652596", "87652688", "87652929", "87653028",
	"87653181", "87653363", "87653471", "87653961",
	"87654078", "87654517", "87654622", "87654657",
	"87654943", "87655744", "87656054", "87656305",
	"87656991", "87657101", "87657468", "87657499",
	"87657851", "87657867", "87657955", "87658104",
	"87659313", "87659779", "87659858", "87659974"
};

/* Kinds of care: which product categories an aanbieder takes. */
enum kind { K_AMBULANT, K_GGZ, K_VERBLIJF, K_LOKAAL };

/* The clusters an aanbieder serves, one letter each ('a' + cluster). */
#define C_A	"a"	/* CL_AMSTERDAM */
#define C_AA	"b"	/* CL_AMSTELVEEN */
#define C_D	"c"	/* CL_DUO */
#define C_Z	"d"	/* CL_ZAANSTREEK */
#define C_ALL	C_A C_AA C_D C_Z

/*
 * Four large regional aanbieders, city ones, a few per smaller cluster,
 * and at the end a handful of small local practices with so few clients
 * that their cells are suppressed.
 */
static const struct {
	const char	*clusters;
	double		size;
	enum kind	kind;
} builtin_shape[DEMO_AANBIEDERS] = {
	{ C_ALL, 100, K_AMBULANT }, { C_ALL, 70, K_GGZ },
	{ C_ALL, 45, K_VERBLIJF }, { C_ALL, 50, K_AMBULANT },
	{ C_A, 40, K_AMBULANT }, { C_A, 35, K_GGZ }, { C_A, 30, K_AMBULANT },
	{ C_A, 25, K_AMBULANT }, { C_A, 20, K_VERBLIJF },
	{ C_A, 20, K_AMBULANT }, { C_A, 15, K_GGZ }, { C_A, 12, K_AMBULANT },
	{ C_A, 10, K_AMBULANT }, { C_A, 8, K_GGZ },
	{ C_A C_AA C_D, 20, K_AMBULANT }, { C_A C_D, 15, K_GGZ },
	{ C_A C_AA, 10, K_AMBULANT },
	{ C_AA, 15, K_AMBULANT }, { C_AA C_D, 10, K_GGZ },
	{ C_AA, 8, K_AMBULANT }, { C_AA, 5, K_VERBLIJF },
	{ C_D, 10, K_AMBULANT }, { C_D, 8, K_AMBULANT }, { C_D, 5, K_GGZ },
	{ C_D C_AA, 4, K_AMBULANT },
	{ C_Z, 30, K_AMBULANT }, { C_Z, 25, K_GGZ }, { C_Z, 15, K_AMBULANT },
	{ C_Z, 12, K_VERBLIJF }, { C_Z, 10, K_AMBULANT },
	{ C_Z, 8, K_AMBULANT }, { C_Z, 6, K_GGZ }, { C_Z, 5, K_AMBULANT },
	{ C_A, 0.6, K_LOKAAL }, { C_Z, 0.4, K_LOKAAL },
	{ C_AA, 0.3, K_LOKAAL }, { C_D, 0.3, K_LOKAAL },
	{ C_Z, 0.2, K_LOKAAL }, { C_A, 0.3, K_LOKAAL },
	{ C_Z, 0.15, K_LOKAAL }
};

/* Product categories (JZ020) and codes the demo uses. */
enum cat { CAT_AMBULANT, CAT_GGZ, CAT_VERBLIJF, CAT__N };
static const int cat_code[CAT__N] = { 45, 54, 43 };
static const char *const cat_product[CAT__N][2] = {
	{ "45A03", "45A12" }, { "54001", "54003" }, { "43B01", "43B02" }
};

/* How well a kind of care fits a category (a weight factor). */
static const double kind_fit[4][CAT__N] = {
	[K_AMBULANT] = { 1.0, 0.25, 0.02 },
	[K_GGZ] = { 0.2, 1.0, 0.0 },
	[K_VERBLIJF] = { 0.3, 0.0, 1.0 },
	[K_LOKAAL] = { 1.0, 0.0, 0.0 }
};

struct rng {
	uint64_t	s;
};

struct aanbieder {
	double		quality;	/* -1 .. 1 */
	double		herinstroom;	/* chance of a return within 4 months */
	int		weights;	/* uses GAS weights */
};

/* One measured toewijzing: a begin and perhaps an eind measurement. */
struct meas {
	uint32_t	client;
	uint32_t	nummer;
	int32_t		begin, eind;	/* yyyymmdd; eind 0 = none */
	int32_t		birth;
	uint16_t	gemeente;
	uint8_t		cat, geslacht, ngoals;
	int8_t		gas[5];
	uint8_t		gewicht[5];
	uint8_t		probleemafname;
	int8_t		zonder_hulp;
};

/* One questionnaire response, answers drawn from seed when formatted. */
struct resp {
	uint32_t	client;
	uint32_t	nummer;
	int32_t		date, birth;
	uint32_t	seq;
	float		sat;
	uint16_t	gemeente, aanbieder;
	uint8_t		respondent, geslacht;
};

struct vec {
	void	*p;
	size_t	 n, cap, size;
};

struct client {
	uint32_t	 idx;
	int		 g, cluster, birth, geslacht;
	char		 bsn[10];
};

/* A gemeente of the region: the built-in ones or made from a config. */
struct gem {
	char		code[5];
	int		pop;		/* a weight: thousands of inhabitants */
	int		cluster;
	int		pc_lo, pc_hi;	/* 4-digit postcodes */
};

/* What an aanbieder is: its size (a weight) and kind of care. */
struct shape {
	double		size;
	enum kind	kind;
};

/*
 * The aanbieders that may get a category in a cluster (weight > 0), in
 * index order, and the one taken when rounding leaves none.
 */
struct cands {
	int		*a;
	double		*w;
	size_t		 n;
	int		 fallback;
};

struct demo {
	uint64_t		 seed;
	long			 nclients;
	int			 today;
	long			 next;
	size_t			 ng, ncl, na;
	struct gem		*gem;		/* ng */
	double			*effect;	/* ncl: on every outcome */
	char			(*agb)[9];	/* na */
	struct shape		*shape;		/* na */
	unsigned char		*serves;	/* na x ncl: 1 = serves */
	struct cands		*cands;		/* ncl x CAT__N */
	struct aanbieder	*a;		/* na */
	uint32_t		*nummer;	/* ng */
	unsigned long long	 msgid;
	struct vec		*meas;		/* na */
	struct vec		 resp;
	size_t			*batch;		/* response batch starts */
	size_t			 nbatch;
	struct buf		 xml;
	int			 (*fn)(void *, enum demo_msg, const char *,
				    size_t);
	void			*arg;
	int			 failed;
	struct demo_stats	 st;
};

/* splitmix64: small, fast, and good enough for synthetic data. */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
unif(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* An integer in lo..hi, both included. */
static int
between(struct rng *r, int lo, int hi)
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static double
normal(struct rng *r)
{
	double	u = unif(r), v = unif(r);

	return sqrt(-2.0 * log(u + 1e-300)) * cos(2.0 * M_PI * v);
}

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static double
clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * The postcode of a fictional client in gemeente g, the same wherever it
 * is written (JW301 Contactgegevens, the scores CSV, questionnaires): a
 * number in the gemeente's range and two letters, from the seed and the
 * client alone. One client in ten has none (the gebied is "onbekend").
 */
static void
demo_postcode(const struct demo *d, uint32_t client, int g, char out[8])
{
	struct rng	r = { d->seed ^ (0x94d049bb133111ebULL * (client + 1)) };
	uint64_t	v = rng_next(&r);
	int		span = d->gem[g].pc_hi - d->gem[g].pc_lo + 1;

	out[0] = '\0';
	if (v % 10 == 0)
		return;
	snprintf(out, 8, "%04d%c%c", d->gem[g].pc_lo +
	    (int)((v >> 8) % (uint64_t)span), 'A' + (int)((v >> 24) % 20),
	    'A' + (int)((v >> 32) % 26));
}

void
demo_bsn(uint64_t seed, uint64_t n, char out[10])
{
	struct rng	r = { seed };
	uint64_t	v = (rng_next(&r) % 10000000u + n) % 10000000u;
	int		d[9], k, sum;

	d[0] = 9;
	for (k = 7; k >= 1; k--, v /= 10)
		d[k] = (int)(v % 10);
	for (sum = 0, k = 0; k < 8; k++)
		sum += d[k] * (9 - k);
	/* Check digit 10 is impossible; 8 instead of 9 moves the sum by 2. */
	if (sum % 11 == 10) {
		d[0] = 8;
		sum -= 9;
	}
	d[8] = sum % 11;
	for (k = 0; k < 9; k++)
		out[k] = (char)('0' + d[k]);
	out[9] = '\0';
}

const char *
demo_agb(const struct demo *d, size_t i)
{
	return i < d->na ? d->agb[i] : "";
}

size_t
demo_naanbieders(const struct demo *d)
{
	return d->na;
}

size_t
demo_ngemeenten(const struct demo *d)
{
	return d->ng;
}

const char *
demo_gemeente(size_t i)
{
	return i < DEMO_GEMEENTEN ? builtin_gem[i].code : "";
}

static void *
vec_push(struct vec *v)
{
	void	*p;
	size_t	 cap;

	if (v->n == v->cap) {
		cap = v->cap ? v->cap * 2 : 1024;
		if ((p = realloc(v->p, cap * v->size)) == NULL)
			return NULL;
		v->p = p;
		v->cap = cap;
	}
	p = (char *)v->p + v->n * v->size;
	memset(p, 0, v->size);
	v->n++;
	return p;
}

/* The tables of a region with ng gemeenten, ncl clusters, na aanbieders. */
static struct demo *
demo_alloc(uint64_t seed, long clients, int today, size_t ng, size_t ncl,
    size_t na)
{
	struct demo	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	buf_init(&d->xml, DEMO_XML_MAX, BUF_WIPE);
	d->seed = seed;
	d->nclients = clients;
	d->today = today;
	d->ng = ng;
	d->ncl = ncl;
	d->na = na;
	d->resp.size = sizeof(struct resp);
	if ((d->gem = calloc(ng, sizeof(*d->gem))) == NULL ||
	    (d->effect = calloc(ncl, sizeof(*d->effect))) == NULL ||
	    (d->agb = calloc(na, sizeof(*d->agb))) == NULL ||
	    (d->shape = calloc(na, sizeof(*d->shape))) == NULL ||
	    (d->serves = calloc(na, ncl)) == NULL ||
	    (d->cands = calloc(ncl * CAT__N, sizeof(*d->cands))) == NULL ||
	    (d->a = calloc(na, sizeof(*d->a))) == NULL ||
	    (d->nummer = calloc(ng, sizeof(*d->nummer))) == NULL ||
	    (d->meas = calloc(na, sizeof(*d->meas))) == NULL) {
		demo_free(d);
		return NULL;
	}
	return d;
}

/*
 * What follows from the tables: each aanbieder's quality (from the seed),
 * the ToewijzingNummer per gemeente and the candidates per cluster and
 * category. fallback is the aanbieder taken when rounding leaves none
 * (-1: the first candidate). Returns -1 when out of memory.
 */
static int
demo_finish(struct demo *d, int fallback)
{
	struct rng	 r = { d->seed ^ 0x5eed0fa4b1edULL };
	struct cands	*k;
	size_t		 i, cl;
	double		 w;
	int		 c;

	for (i = 0; i < d->na; i++) {
		d->a[i].quality = clampd(0.45 * normal(&r), -1, 1);
		d->a[i].herinstroom = clampd(0.14 - 0.08 * d->a[i].quality +
		    0.04 * normal(&r), 0.03, 0.35);
		d->a[i].weights = unif(&r) < 0.4;
		d->meas[i].size = sizeof(struct meas);
	}
	for (i = 0; i < d->ng; i++)
		d->nummer[i] = DEMO_NUMMER_FIRST + (uint32_t)i * 1000003u %
		    500000u;
	for (cl = 0; cl < d->ncl; cl++)
		for (c = 0; c < CAT__N; c++) {
			k = &d->cands[cl * CAT__N + (size_t)c];
			for (i = 0; i < d->na; i++)
				if (d->serves[i * d->ncl + cl] &&
				    d->shape[i].size *
				    kind_fit[d->shape[i].kind][c] > 0)
					k->n++;
			if ((k->a = calloc(k->n + 1, sizeof(int))) == NULL ||
			    (k->w = calloc(k->n + 1, sizeof(double))) == NULL)
				return -1;
			k->n = 0;
			for (i = 0; i < d->na; i++) {
				w = d->shape[i].size *
				    kind_fit[d->shape[i].kind][c];
				if (d->serves[i * d->ncl + cl] && w > 0) {
					k->a[k->n] = (int)i;
					k->w[k->n++] = w;
				}
			}
			k->fallback = fallback >= 0 ? fallback : k->n > 0 ?
			    k->a[0] : 0;
		}
	return 0;
}

struct demo *
demo_new(uint64_t seed, long clients, int today)
{
	struct demo	*d;
	size_t		 i, cl;

	if ((d = demo_alloc(seed, clients, today, DEMO_GEMEENTEN, CL__N,
	    DEMO_AANBIEDERS)) == NULL)
		return NULL;
	for (i = 0; i < DEMO_GEMEENTEN; i++) {
		memcpy(d->gem[i].code, builtin_gem[i].code, 5);
		d->gem[i].pop = builtin_gem[i].pop;
		d->gem[i].cluster = builtin_gem[i].cluster;
		d->gem[i].pc_lo = builtin_gem[i].pc_lo;
		d->gem[i].pc_hi = builtin_gem[i].pc_hi;
	}
	for (cl = 0; cl < CL__N; cl++)
		d->effect[cl] = builtin_effect[cl];
	for (i = 0; i < DEMO_AANBIEDERS; i++) {
		memcpy(d->agb[i], builtin_agb[i], 9);
		d->shape[i].size = builtin_shape[i].size;
		d->shape[i].kind = builtin_shape[i].kind;
		for (cl = 0; cl < CL__N; cl++)
			d->serves[i * CL__N + cl] = strchr(
			    builtin_shape[i].clusters, 'a' + (int)cl) != NULL;
	}
	/* The first aanbieder covers every cluster and category. */
	if (demo_finish(d, 0) == -1) {
		demo_free(d);
		return NULL;
	}
	return d;
}

/* A weight in lo..hi from a code, the same on every run. */
static int
code_weight(const char *code, uint64_t salt, int lo, int hi)
{
	struct rng	r = { salt };
	size_t		i;

	for (i = 0; code[i] != '\0'; i++)
		r.s = r.s * 31 + (unsigned char)code[i];
	return between(&r, lo, hi);
}

/*
 * A region from a config's gemeenten and clusters. The tables are
 * synthetic but fixed (not from the seed): per gemeente a population
 * weight from its code (the first gemeente of a cluster, its centre,
 * larger) and its own postcode range; per cluster one ambulant, one ggz
 * and one verblijf aanbieder, then the others spread by population: most
 * in one cluster, some in two neighbouring ones, a few large ones in up
 * to six, and small local practices.
 */
struct demo *
demo_new_region(uint64_t seed, long clients, int today,
    const struct demo_place *pl, size_t ng, size_t ncl)
{
	struct demo	*d;
	struct rng	 r = { 0x6e6174696f6e616cULL };
	int		*clpop = NULL, width, total = 0, x;
	size_t		 i, cl, na, home, span, k;
	double		 u;

	if (ng == 0 || ncl == 0 || ng > DEMO_REGION_MAX ||
	    ncl > DEMO_REGION_MAX)
		return NULL;
	for (i = 0; i < ng; i++)
		if (pl[i].cluster >= ncl)
			return NULL;
	na = (DEMO_AANBIEDERS * ng + DEMO_GEMEENTEN / 2) / DEMO_GEMEENTEN;
	if (na < DEMO_AANBIEDERS)
		na = DEMO_AANBIEDERS;
	if (na < 4 * ncl)
		na = 4 * ncl;
	if ((d = demo_alloc(seed, clients, today, ng, ncl, na)) == NULL ||
	    (clpop = calloc(ncl, sizeof(int))) == NULL)
		goto fail;
	/* 1000-9999: each gemeente its own range, at most 100 wide. */
	width = (int)(9000 / ng);
	if (width > 100)
		width = 100;
	for (i = 0; i < ng; i++) {
		memcpy(d->gem[i].code, pl[i].code, 5);
		d->gem[i].code[4] = '\0';
		d->gem[i].cluster = (int)pl[i].cluster;
		d->gem[i].pop = clpop[pl[i].cluster] == 0 ?
		    code_weight(pl[i].code, 0xce47e, 60, 400) :
		    code_weight(pl[i].code, 0x9e3e, 5, 60);
		clpop[pl[i].cluster] += d->gem[i].pop;
		total += d->gem[i].pop;
		d->gem[i].pc_lo = 1000 + (int)i * width;
		d->gem[i].pc_hi = d->gem[i].pc_lo + width - 1;
	}
	for (cl = 0; cl < ncl; cl++)
		d->effect[cl] = clampd(0.08 * normal(&r), -0.15, 0.15);
	for (i = 0; i < na; i++) {
		/* Distinct fictional codes: 87 and a permutation of i. */
		snprintf(d->agb[i], sizeof(d->agb[i]), "87%06u",
		    (unsigned)((i * 7919u + 10007u) % 1000000u));
		if (i < 3 * ncl) {
			home = i / 3;
			d->serves[i * ncl + home] = 1;
			d->shape[i].kind = i % 3 == 0 ? K_AMBULANT :
			    i % 3 == 1 ? K_GGZ : K_VERBLIJF;
			d->shape[i].size = i % 3 == 0 ? 30 : i % 3 == 1 ? 20 :
			    12;
			continue;
		}
		/* A home cluster by population. */
		x = between(&r, 0, total - 1);
		for (home = 0; home + 1 < ncl && (x -= clpop[home]) >= 0;
		    home++)
			;
		u = unif(&r);
		span = u < 0.06 ? (size_t)between(&r, 3, 6) : u < 0.3 ? 2 : 1;
		for (k = 0; k < span; k++)
			d->serves[i * ncl + (home + k) % ncl] = 1;
		u = unif(&r);
		if (span == 1 && u < 0.15) {
			d->shape[i].kind = K_LOKAAL;
			d->shape[i].size = 0.15 + 0.45 * unif(&r);
			continue;
		}
		u = unif(&r);
		d->shape[i].kind = u < 0.6 ? K_AMBULANT : u < 0.85 ? K_GGZ :
		    K_VERBLIJF;
		d->shape[i].size = (span > 2 ? 40 : 4) * exp(1.6 * unif(&r));
	}
	free(clpop);
	clpop = NULL;
	if (demo_finish(d, -1) == -1)
		goto fail;
	return d;
fail:
	free(clpop);
	demo_free(d);
	return NULL;
}

void
demo_free(struct demo *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; d->meas != NULL && i < d->na; i++)
		free(d->meas[i].p);
	for (i = 0; d->cands != NULL && i < d->ncl * CAT__N; i++) {
		free(d->cands[i].a);
		free(d->cands[i].w);
	}
	free(d->meas);
	free(d->cands);
	free(d->gem);
	free(d->effect);
	free(d->agb);
	free(d->shape);
	free(d->serves);
	free(d->a);
	free(d->nummer);
	free(d->resp.p);
	free(d->batch);
	buf_free(&d->xml);
	free(d);
}

void
demo_stats(const struct demo *d, struct demo_stats *out)
{
	*out = d->st;
}

/* A gemeente by population among those of the clusters in serves (ncl
 * flags; NULL: all). */
static int
pick_gemeente(const struct demo *d, struct rng *r, const unsigned char *serves)
{
	int	total = 0, x;
	size_t	i;

	for (i = 0; i < d->ng; i++)
		if (serves == NULL || serves[d->gem[i].cluster])
			total += d->gem[i].pop;
	x = between(r, 0, total - 1);
	for (i = 0; i < d->ng; i++) {
		if (serves != NULL && !serves[d->gem[i].cluster])
			continue;
		if ((x -= d->gem[i].pop) < 0)
			return (int)i;
	}
	return 0;
}

/* An aanbieder for a category in a cluster, by size and fit. */
static int
pick_aanbieder(const struct demo *d, struct rng *r, int cluster, enum cat c,
    int not)
{
	const struct cands	*k = &d->cands[(size_t)cluster * CAT__N + c];
	double			 total = 0, x;
	size_t			 i;

	for (i = 0; i < k->n; i++)
		if (k->a[i] != not)
			total += k->w[i];
	x = unif(r) * total;
	for (i = 0; i < k->n; i++)
		if (k->a[i] != not && (x -= k->w[i]) < 0)
			return k->a[i];
	return k->fallback;
}

static enum cat
pick_cat(struct rng *r, int age)
{
	double	x = unif(r);

	/* Jeugd-ggz and verblijf are more common among teenagers. */
	if (x < (age >= 12 ? 0.22 : 0.14))
		return CAT_GGZ;
	if (x < (age >= 12 ? 0.32 : 0.19))
		return CAT_VERBLIJF;
	return CAT_AMBULANT;
}

/*
 * The reason a product ends (JZ588). Volgens plan (31) about 65%,
 * more for a good aanbieder; voortijdig 32-35; a few 36-39; never 02.
 */
static int
pick_reden(struct rng *r, double q)
{
	static const struct { int reden; double p; } rest[] = {
		{ 32, 0.30 }, { 33, 0.12 }, { 34, 0.22 }, { 35, 0.10 },
		{ 36, 0.05 }, { 37, 0.05 }, { 38, 0.11 }, { 39, 0.05 }
	};
	double	x = unif(r);
	size_t	i;

	if (x < clampd(0.65 + 0.15 * q, 0.4, 0.9))
		return 31;
	x = unif(r);
	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		if ((x -= rest[i].p) < 0)
			return rest[i].reden;
	return 34;
}

/* Duration in days of a product, by category. */
static long
pick_duration(struct rng *r, enum cat c)
{
	static const double median[CAT__N] = { 190, 230, 330 };

	return (long)clampd(median[c] * exp(0.55 * normal(r)), 21, 1400);
}

static void
iso(int ymd, char out[11])
{
	date_format(ymd, out);
}

static int
min_today(const struct demo *d, int ymd)
{
	return ymd > d->today ? d->today : ymd;
}

/* Header and Client of an iJw 3.2 message, up to the product list. */
static int
xml_head(struct demo *d, const char *m, int code, const char *afzender,
    const char *ontvanger, int dagtekening, const struct client *c)
{
	char	dag[11], geb[11];

	iso(dagtekening, dag);
	iso(c->birth, geb);
	buf_reset(&d->xml);
	return buf_printf(&d->xml,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<%s:Bericht xmlns:ijw=\"http://www.istandaarden.nl/ijw/3_2/"
	    "basisschema/schema\" xmlns:%s=\"http://www.istandaarden.nl/ijw/"
	    "3_2/%s/schema\">\n"
	    "<%s:Header><%s:BerichtCode>%d</%s:BerichtCode>"
	    "<%s:BerichtVersie>3</%s:BerichtVersie>"
	    "<%s:BerichtSubversie>2</%s:BerichtSubversie>"
	    "<%s:Afzender>%s</%s:Afzender><%s:Ontvanger>%s</%s:Ontvanger>"
	    "<%s:BerichtIdentificatie><ijw:Identificatie>SOR%09llu"
	    "</ijw:Identificatie><ijw:Dagtekening>%s</ijw:Dagtekening>"
	    "</%s:BerichtIdentificatie><%s:XsdVersie>"
	    "<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>"
	    "<ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>"
	    "</%s:XsdVersie></%s:Header>\n"
	    "<%s:Client><%s:Bsn>%s</%s:Bsn><%s:Geboortedatum><ijw:Datum>%s"
	    "</ijw:Datum></%s:Geboortedatum><%s:Geslacht>%d</%s:Geslacht>"
	    "<%s:Naam><ijw:Geslachtsnaam><ijw:Achternaam>Testkind"
	    "</ijw:Achternaam></ijw:Geslachtsnaam><ijw:Voorletters>D"
	    "</ijw:Voorletters></%s:Naam>\n",
	    m, m, m, m, m, code, m, m, m, m, m, m, afzender, m, m, ontvanger,
	    m, m, ++d->msgid % 1000000000ULL, dag, m, m, m, m, m, m, c->bsn,
	    m, m, geb, m, m, c->geslacht, m, m, m);
}

static int
xml_send(struct demo *d, enum demo_msg kind, const char *m)
{
	if (buf_printf(&d->xml, "</%s:Client>\n</%s:Bericht>\n", m, m) == -1)
		return -1;
	d->st.msgs[kind]++;
	if (d->fn(d->arg, kind, d->xml.p, d->xml.len) == -1)
		return -1;
	explicit_bzero(d->xml.p, d->xml.len);
	return 0;
}

/* The product being generated: one toewijzing. */
struct prod {
	const struct client	*c;
	int			 a;
	enum cat		 cat;
	const char		*code;
	uint32_t		 nummer;
	int			 ingang;
};

static int
jw301(struct demo *d, struct rng *r, const struct prod *p)
{
	char	tdat[11], ing[11], eind[11], pc[8];
	int	tdatum = date_add_days(p->ingang, -between(r, 1, 21));
	int	with_end = unif(r) < 0.5;

	iso(tdatum, tdat);
	iso(p->ingang, ing);
	iso(date_add_days(p->ingang, 364), eind);
	demo_postcode(d, p->c->idx, p->c->g, pc);
	if (xml_head(d, "jw301", 436, d->gem[p->c->g].code, d->agb[p->a],
	    min_today(d, tdatum), p->c) == -1 ||
	    (pc[0] != '\0' && buf_printf(&d->xml, "<jw301:Contactgegevens>"
	    "<jw301:Contact><jw301:Soort>01</jw301:Soort><jw301:Adres>"
	    "<ijw:Huis><ijw:Huisnummer>1</ijw:Huisnummer></ijw:Huis>"
	    "<ijw:Postcode>%s</ijw:Postcode><ijw:Straatnaam>Demostraat"
	    "</ijw:Straatnaam><ijw:Plaatsnaam>Demo</ijw:Plaatsnaam>"
	    "<ijw:LandCode>NL</ijw:LandCode></jw301:Adres></jw301:Contact>"
	    "</jw301:Contactgegevens>", pc) == -1) ||
	    buf_printf(&d->xml, "<jw301:ToegewezenProducten>"
	    "<jw301:ToegewezenProduct><jw301:ToewijzingNummer>%u"
	    "</jw301:ToewijzingNummer><jw301:Product><ijw:Categorie>%d"
	    "</ijw:Categorie><ijw:Code>%s</ijw:Code></jw301:Product>"
	    "<jw301:Toewijzingsdatum>%s</jw301:Toewijzingsdatum>"
	    "<jw301:Toewijzingstijd>%02d:%02d:00</jw301:Toewijzingstijd>"
	    "<jw301:Ingangsdatum>%s</jw301:Ingangsdatum>%s%s%s"
	    "</jw301:ToegewezenProduct></jw301:ToegewezenProducten>",
	    p->nummer, cat_code[p->cat], p->code, tdat, between(r, 8, 17),
	    between(r, 0, 59), ing, with_end ? "<jw301:Einddatum>" : "",
	    with_end ? eind : "", with_end ? "</jw301:Einddatum>" : "") == -1)
		return -1;
	return xml_send(d, DEMO_JW301, "jw301");
}

/*
 * A JW305 (reden 0) or JW307 for one product with this Begindatum;
 * status 1 (eerste aanlevering) or 3 (verwijderen).
 */
static int
jw30x(struct demo *d, struct rng *r, const struct prod *p, int begin,
    int reden, int einde, int status)
{
	const char	*m = reden ? "jw307" : "jw305";
	const char	*pl = reden ? "StopProducten" : "StartProducten";
	const char	*pr = reden ? "StopProduct" : "StartProduct";
	char		 ing[11], beg[11], eind[11], stop[160] = "";
	int		 event = reden ? einde : begin;

	iso(p->ingang, ing);
	iso(begin, beg);
	if (reden) {
		iso(einde, eind);
		snprintf(stop, sizeof(stop), "<jw307:RedenBeeindiging>%02d"
		    "</jw307:RedenBeeindiging><jw307:Einddatum>%s"
		    "</jw307:Einddatum>", reden, eind);
	}
	if (xml_head(d, m, reden ? 440 : 438, d->agb[p->a],
	    d->gem[p->c->g].code, min_today(d, date_add_days(event,
	    between(r, 0, 6) + (status == 3 ? 9 : 0))), p->c) == -1 ||
	    buf_printf(&d->xml, "<%s:%s><%s:%s><%s:ToewijzingNummer>%u"
	    "</%s:ToewijzingNummer><%s:Product><ijw:Categorie>%d"
	    "</ijw:Categorie><ijw:Code>%s</ijw:Code></%s:Product>"
	    "<%s:ToewijzingIngangsdatum>%s</%s:ToewijzingIngangsdatum>"
	    "<%s:Begindatum>%s</%s:Begindatum>%s"
	    "<%s:StatusAanlevering>%d</%s:StatusAanlevering>"
	    "</%s:%s></%s:%s>\n", m, pl, m, pr, m, p->nummer, m, m,
	    cat_code[p->cat], p->code, m, m, ing, m, m, beg, m, stop, m,
	    status, m, m, pr, m, pl) == -1)
		return -1;
	return xml_send(d, reden ? DEMO_JW307 : DEMO_JW305, m);
}

static int
start(struct demo *d, struct rng *r, const struct prod *p, int begin)
{
	int	wrong = date_add_days(begin, 7);

	d->st.trajecten++;
	/* About 1%: a start with a wrong Begindatum, withdrawn, then sent
	 * right (StatusAanlevering 3). */
	if (wrong <= d->today && unif(r) < 0.01 &&
	    (jw30x(d, r, p, wrong, 0, 0, 1) == -1 ||
	    jw30x(d, r, p, wrong, 0, 0, 3) == -1))
		return -1;
	return jw30x(d, r, p, begin, 0, 0, 1);
}

static int
stop(struct demo *d, struct rng *r, const struct prod *p, int begin,
    int reden, int einde)
{
	int	wrong = reden == 33 ? 34 : 33;

	/* About 2%: a stop with the wrong reason, withdrawn and resent. */
	if (reden != 20 && unif(r) < 0.02 &&
	    (jw30x(d, r, p, begin, wrong, einde, 1) == -1 ||
	    jw30x(d, r, p, begin, wrong, einde, 3) == -1))
		return -1;
	return jw30x(d, r, p, begin, reden, einde, 1);
}

/* GAS, probleemafname and "zonder hulp verder" at the end. */
static void
outcome(struct demo *d, struct rng *r, const struct prod *p, int reden,
    struct meas *m)
{
	static const int goals[] = { 1, 2, 2, 3, 3, 3, 4, 4, 5 };
	double	q = d->a[p->a].quality, mu, x;
	int	k;

	mu = 0.15 + 0.7 * q + d->effect[p->c->cluster] +
	    (reden == 31 ? 0.35 : -0.75);
	m->ngoals = (uint8_t)goals[between(r, 0, 8)];
	for (k = 0; k < m->ngoals; k++) {
		m->gas[k] = (int8_t)clampi((int)lround(mu + 0.9 * normal(r)),
		    -2, 2);
		m->gewicht[k] = (uint8_t)(d->a[p->a].weights ?
		    between(r, 1, 5) : 0);
	}
	x = mu + 0.8 * normal(r);
	m->probleemafname = (uint8_t)(x > 0.5 ? 3 : x > -0.5 ? 2 : 1);
	m->zonder_hulp = (int8_t)(unif(r) < (reden == 31 ?
	    0.55 + 0.2 * q : 0.15));
}

/* Measurements and questionnaires of one product, kept for upload. */
static int
keep(struct demo *d, struct rng *r, const struct prod *p, int begin,
    int einde, int reden)
{
	static const double measured[CAT__N] = { 0.64, 0.6, 0.44 };
	struct meas	*m;
	struct resp	*s;
	int		 date, age, who, both;
	double		 sat;

	if (unif(r) < measured[p->cat]) {
		if ((m = vec_push(&d->meas[p->a])) == NULL)
			return -1;
		m->client = p->c->idx;
		m->nummer = p->nummer;
		m->birth = p->c->birth;
		m->gemeente = (uint16_t)p->c->g;
		m->cat = (uint8_t)p->cat;
		m->geslacht = (uint8_t)p->c->geslacht;
		m->begin = min_today(d, date_add_days(begin, between(r, 0, 21)));
		d->st.score_rows++;
		if (einde && unif(r) < (reden == 31 ? 0.93 : 0.6)) {
			date = date_add_days(einde, -between(r, 0, 14));
			m->eind = date > m->begin ? date : einde;
			if (m->eind > m->begin) {
				outcome(d, r, p, reden, m);
				d->st.score_rows++;
			} else
				m->eind = 0;
		}
	}
	if (!einde || unif(r) >= 0.52)
		return 0;
	date = date_add_days(einde, between(r, 0, 30));
	if (date > d->today)
		return 0;
	sat = d->a[p->a].quality + d->effect[p->c->cluster] +
	    (reden == 31 ? 0.3 : -0.5) + 0.45 * normal(r);
	age = date_age(p->c->birth, date);
	/* Under 12 only a parent answers; from 12 the young person, often
	 * a parent too; young adults mostly alone. */
	who = age < 12 ? 2 : age >= 18 ? (unif(r) < 0.15 ? 3 : 1) :
	    unif(r) < 0.4 ? 3 : unif(r) < 0.7 ? 1 : 2;
	for (both = 0; both < 2; both++) {
		if ((who & (1 << both)) == 0)
			continue;
		if ((s = vec_push(&d->resp)) == NULL)
			return -1;
		s->client = p->c->idx;
		s->nummer = p->nummer;
		s->date = date;
		s->birth = p->c->birth;
		s->seq = (uint32_t)d->st.responses;
		s->sat = (float)(sat + 0.2 * normal(r));
		s->gemeente = (uint16_t)p->c->g;
		s->aanbieder = (uint16_t)p->a;
		s->respondent = (uint8_t)both;	/* 0 jeugdige, 1 ouder */
		s->geslacht = (uint8_t)p->c->geslacht;
		d->st.responses++;
	}
	return 0;
}

/*
 * One product from Begindatum begin: toewijzing, start, perhaps a pause
 * (reden 20) with a resumed start or a definitive stop, and the end.
 * *einde and *reden receive the definitive end (0 while still running).
 */
static int
product(struct demo *d, struct rng *r, const struct client *c, int a,
    enum cat cat, int begin, int *einde, int *reden)
{
	struct prod	p = { c, a, cat, cat_product[cat][between(r, 0, 1)],
			    d->nummer[c->g]++, 0 };
	long		dur = pick_duration(r, cat);
	int		first = begin, pause, resume, end;

	p.ingang = date_add_days(begin, -between(r, 0, 10));
	*reden = pick_reden(r, d->a[a].quality);
	if (*reden >= 32 && *reden <= 35)
		dur = dur / 2 + 7;
	end = date_add_days(begin, dur);
	if (jw301(d, r, &p) == -1 || start(d, r, &p, begin) == -1)
		return -1;
	/* About 6%: the care pauses (reden 20, not an end). */
	if (dur > 60 && unif(r) < 0.06) {
		pause = date_add_days(begin, dur * 2 / 5);
		if (pause <= d->today) {
			if (stop(d, r, &p, begin, 20, pause) == -1)
				return -1;
			if (unif(r) < 0.6) {
				resume = date_add_days(pause, between(r, 20, 90));
				end = date_add_days(end, date_days_between(pause,
				    resume));
				if (resume > d->today)
					end = resume;	/* running */
				else {
					if (start(d, r, &p, resume) == -1)
						return -1;
					begin = resume;
				}
			} else if (end < date_add_days(pause, 14))
				end = date_add_days(pause, 14);
		}
	}
	if (end > d->today) {
		*einde = 0;
		*reden = 0;
	} else {
		*einde = end;
		if (stop(d, r, &p, begin, *reden, end) == -1)
			return -1;
	}
	return keep(d, r, &p, first, *einde, *reden);
}

/* The first day of care: skewed early, so histories are long. */
static int
first_start(const struct demo *d, struct rng *r)
{
	long	span = date_days_between(DEMO_FIRST_DAY, d->today) - 14;

	if (span < 1)
		span = 1;
	return date_add_days(DEMO_FIRST_DAY, (long)(pow(unif(r), 2.0) *
	    (double)span));
}

static int
client_history(struct demo *d, struct rng *r, struct client *c, int t)
{
	int	a, a2, einde, reden, e2, r2, n = 0;
	int	forced = -1;
	enum cat cat;
	long	gap;

	/* The first clients make sure every aanbieder has some. */
	if (c->idx >= d->ng && c->idx < d->ng + d->na)
		forced = (int)(c->idx - d->ng);
	while (t <= d->today && n < DEMO_TRAJ_MAX) {
		cat = pick_cat(r, date_age(c->birth, t));
		if (forced >= 0) {
			a = forced;
			cat = d->shape[a].kind == K_GGZ ? CAT_GGZ :
			    d->shape[a].kind == K_VERBLIJF ? CAT_VERBLIJF :
			    CAT_AMBULANT;
			forced = -1;
		} else
			a = pick_aanbieder(d, r, c->cluster, cat, -1);
		if (product(d, r, c, a, cat, t, &einde, &reden) == -1)
			return -1;
		n++;
		/* Often a second product beside the first (ggz with
		 * ambulant care), usually at another aanbieder. */
		if (unif(r) < 0.4) {
			cat = cat == CAT_GGZ ? CAT_AMBULANT : CAT_GGZ;
			a2 = pick_aanbieder(d, r, c->cluster, cat, a);
			if (date_add_days(t, 45) <= d->today) {
				if (product(d, r, c, a2, cat, date_add_days(t,
				    between(r, 0, 45)), &e2, &r2) == -1)
					return -1;
				n++;
			}
		}
		if (einde == 0)
			break;		/* still in care */
		if (reden == 31) {
			if (unif(r) < d->a[a].herinstroom)
				gap = between(r, 7, DEMO_HERINSTROOM_DAYS - 5);
			else if (unif(r) < 0.85)
				gap = between(r, DEMO_HERINSTROOM_DAYS + 10,
				    540);
			else
				break;
		} else if (reden == 38)
			gap = between(r, 0, 21);	/* overstap */
		else if (unif(r) < 0.85)
			gap = between(r, 14, 240);
		else
			break;
		t = date_add_days(einde, gap);
	}
	return 0;
}

int
demo_next_client(struct demo *d,
    int (*fn)(void *, enum demo_msg, const char *, size_t), void *arg)
{
	struct rng	r;
	struct client	c;
	int		age, t, rc;
	double		x;

	if (d->next >= d->nclients)
		return 0;
	memset(&c, 0, sizeof(c));
	c.idx = (uint32_t)d->next++;
	/* Every client its own stream: one client's history never shifts
	 * another's. */
	r.s = d->seed * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)c.idx << 20) ^
	    0xd1b54a32d192ed03ULL;
	rng_next(&r);
	demo_bsn(d->seed, c.idx, c.bsn);
	if (c.idx < d->ng)
		c.g = (int)c.idx;
	else if (c.idx < d->ng + d->na)
		c.g = pick_gemeente(d, &r,
		    d->serves + (c.idx - d->ng) * d->ncl);
	else
		c.g = pick_gemeente(d, &r, NULL);
	c.cluster = d->gem[c.g].cluster;
	x = unif(&r);
	c.geslacht = x < 0.02 ? 0 : x < 0.53 ? 1 : 2;
	/* Age at the first start: 0-22, most between 4 and 17. */
	x = unif(&r);
	age = x < 0.1 ? between(&r, 0, 3) : x < 0.5 ? between(&r, 4, 11) :
	    x < 0.92 ? between(&r, 12, 17) : between(&r, 18, 22);
	t = first_start(d, &r);
	c.birth = date_add_days(t, -(long)age * 365 - between(&r, 1, 360));
	d->fn = fn;
	d->arg = arg;
	rc = client_history(d, &r, &c, t);
	explicit_bzero(c.bsn, sizeof(c.bsn));
	d->st.clients++;
	return rc == -1 ? -1 : 1;
}

static void
date_csv(int ymd, int dutch, char out[11])
{
	char	i[11];

	iso(ymd, i);
	if (!dutch) {
		memcpy(out, i, 11);
		return;
	}
	/* YYYY-MM-DD to DD-MM-YYYY */
	memcpy(out, i + 8, 2);
	out[2] = '-';
	memcpy(out + 3, i + 5, 2);
	out[5] = '-';
	memcpy(out + 6, i, 4);
	out[10] = '\0';
}

/*
 * Half the aanbieders send what Dutch Excel saves (BOM, ';', CRLF,
 * DD-MM-YYYY), the other half a plain export (',', LF, ISO dates).
 */
static int
csv_row(struct demo *d, struct buf *b, size_t a, const struct meas *m,
    int eind)
{
	int	 dutch = a % 2 == 0, k;
	char	 sep = dutch ? ';' : ',', dat[11], geb[11], bsn[10], pc[8];

	demo_bsn(d->seed, m->client, bsn);
	date_csv(eind ? m->eind : m->begin, dutch, dat);
	date_csv(m->birth, dutch, geb);
	if (buf_printf(b, "%s%c%u%c%s%c%s%c%s%c%s", bsn, sep, m->nummer, sep,
	    d->gem[m->gemeente].code, sep, d->agb[a], sep, dat, sep,
	    eind ? "eind" : "begin") == -1)
		goto fail;
	for (k = 0; k < 5; k++) {
		if (eind && k < m->ngoals) {
			if (buf_printf(b, "%c%d", sep, m->gas[k]) == -1)
				goto fail;
		} else if (buf_printf(b, "%c", sep) == -1)
			goto fail;
	}
	for (k = 0; d->a[a].weights && k < 5; k++) {
		if (eind && k < m->ngoals) {
			if (buf_printf(b, "%c%d", sep, m->gewicht[k]) == -1)
				goto fail;
		} else if (buf_printf(b, "%c", sep) == -1)
			goto fail;
	}
	if (eind) {
		if (buf_printf(b, "%c%d%c%s", sep, m->probleemafname, sep,
		    m->zonder_hulp ? "ja" : "nee") == -1)
			goto fail;
	} else if (buf_printf(b, "%c%c", sep, sep) == -1)
		goto fail;
	demo_postcode(d, m->client, m->gemeente, pc);
	if (buf_printf(b, "%c%d%c%s%c%d%c%s%s", sep, cat_code[m->cat], sep,
	    geb, sep, m->geslacht, sep, pc, dutch ? "\r\n" : "\n") == -1)
		goto fail;
	explicit_bzero(bsn, sizeof(bsn));
	return 0;
fail:
	explicit_bzero(bsn, sizeof(bsn));
	return -1;
}

long
demo_scores_csv(struct demo *d, size_t a, int year, struct buf *out)
{
	const struct meas	*m;
	long			 rows = 0;
	size_t			 i;
	int			 k, dutch = a % 2 == 0;
	char			 sep = dutch ? ';' : ',';

	buf_reset(out);
	if (a >= d->na)
		return 0;
	if (buf_printf(out, "%sbsn%ctoewijzingnummer%cgemeente%cagb%c"
	    "meetdatum%cmeetmoment", dutch ? "\xef\xbb\xbf" : "", sep, sep,
	    sep, sep, sep) == -1)
		return -1;
	for (k = 1; k <= 5; k++)
		if (buf_printf(out, "%cgas_%d", sep, k) == -1)
			return -1;
	for (k = 1; d->a[a].weights && k <= 5; k++)
		if (buf_printf(out, "%cgewicht_%d", sep, k) == -1)
			return -1;
	if (buf_printf(out, "%cprobleemafname%czonder_hulp_verder%c"
	    "productcategorie%cgeboortedatum%cgeslacht%cpostcode%s", sep, sep,
	    sep, sep, sep, sep, dutch ? "\r\n" : "\n") == -1)
		return -1;
	for (i = 0; i < d->meas[a].n; i++) {
		m = (const struct meas *)d->meas[a].p + i;
		for (k = 0; k < 2; k++) {
			if ((k ? m->eind : m->begin) / 10000 != year)
				continue;
			if (csv_row(d, out, a, m, k) == -1)
				return -1;
			rows++;
		}
	}
	return rows;
}

static int
resp_cmp(const void *x, const void *y)
{
	const struct resp	*a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts the responses by date and cuts them into monthly batches. */
static int
make_batches(struct demo *d, size_t max)
{
	const struct resp	*s;
	size_t			 i, n = 0;

	qsort(d->resp.p, d->resp.n, sizeof(struct resp), resp_cmp);
	if ((d->batch = calloc(d->resp.n + 1, sizeof(size_t))) == NULL)
		return -1;
	for (i = 0; i < d->resp.n; i++) {
		s = (const struct resp *)d->resp.p + i;
		if (i == 0 || i - d->batch[n - 1] >= max ||
		    s->date / 100 != s[-1].date / 100)
			d->batch[n++] = i;
	}
	d->batch[n] = d->resp.n;
	d->nbatch = n;
	return 0;
}

/* One answer to one item, by type, moved by the satisfaction. */
static int
answer(struct buf *b, struct rng *r, const struct quest_item *it,
    double sat, int *first)
{
	int	v;

	if (it->type == QUEST_OPEN && unif(r) >= 0.12)
		return 0;
	if (!it->verplicht && it->type != QUEST_OPEN && unif(r) < 0.04)
		return 0;	/* "weet niet": left out */
	if (buf_printf(b, "%s\"%s\":", *first ? "" : ",", it->code) == -1)
		return -1;
	*first = 0;
	switch (it->type) {
	case QUEST_SCHAAL:
		v = (int)lround((double)(it->min + it->max) / 2.0 + 0.6 +
		    (double)(it->max - it->min) * (0.22 * sat + 0.2 *
		    normal(r)));
		return buf_printf(b, "%d", clampi(v, it->min, it->max));
	case QUEST_CIJFER:
		v = (int)lround(7.3 + 1.2 * sat + 0.9 * normal(r));
		return buf_printf(b, "%d", clampi(v, QUEST_CIJFER_MIN,
		    QUEST_CIJFER_MAX));
	case QUEST_JANEE:
		return buf_printf(b, "\"%s\"", unif(r) < clampd(0.45 + 0.2 *
		    sat, 0.05, 0.95) ? "ja" : "nee");
	default:
		return buf_printf(b, "\"Fictief demo-antwoord.\"");
	}
}

static int
resp_json(struct demo *d, const struct quest_def *def, const struct resp *s,
    struct buf *b)
{
	const struct quest_variant	*v;
	struct rng			 r = { d->seed ^ ((uint64_t)s->seq *
					    0xa0761d6478bd642fULL) };
	char				 bsn[10], dat[11], geb[11], pc[8];
	int				 who = s->respondent, first = 1;
	size_t				 i;

	if (!def->variant[who].present)
		who = !who;
	v = &def->variant[who];
	demo_bsn(d->seed, s->client, bsn);
	demo_postcode(d, s->client, s->gemeente, pc);
	iso(s->date, dat);
	iso(s->birth, geb);
	if (buf_printf(b, "{\"bron_id\":\"demo-%u\",\"vragenlijst\":\"%s\","
	    "\"respondent\":\"%s\",\"bsn\":\"%s\",\"agb\":\"%s\","
	    "\"gemeente\":\"%s\",\"toewijzingnummer\":\"%u\","
	    "\"ingevuld_op\":\"%s\",\"geboortedatum\":\"%s\",\"geslacht\":%d,"
	    "%s%s%s\"antwoorden\":{", s->seq, def->id, quest_respondent_name(
	    (enum quest_respondent)who), bsn, d->agb[s->aanbieder],
	    d->gem[s->gemeente].code, s->nummer, dat, geb, s->geslacht,
	    pc[0] ? "\"postcode\":\"" : "", pc, pc[0] ? "\"," : "") == -1)
		goto fail;
	for (i = 0; i < v->nitems; i++)
		if (answer(b, &r, &v->items[i], s->sat, &first) == -1)
			goto fail;
	if (buf_printf(b, "}}") == -1)
		goto fail;
	explicit_bzero(bsn, sizeof(bsn));
	return 0;
fail:
	explicit_bzero(bsn, sizeof(bsn));
	return -1;
}

long
demo_responses_json(struct demo *d, const struct quest_def *def, size_t k,
    size_t max, struct buf *out)
{
	size_t	i;

	buf_reset(out);
	if (d->batch == NULL && make_batches(d, max) == -1)
		return -1;
	if (k >= d->nbatch)
		return 0;
	if (buf_printf(out, "{\"responses\":[") == -1)
		return -1;
	for (i = d->batch[k]; i < d->batch[k + 1]; i++) {
		if (i > d->batch[k] && buf_printf(out, ",\n") == -1)
			return -1;
		if (resp_json(d, def, (const struct resp *)d->resp.p + i,
		    out) == -1)
			return -1;
	}
	if (buf_printf(out, "]}\n") == -1)
		return -1;
	return (long)(d->batch[k + 1] - d->batch[k]);
}

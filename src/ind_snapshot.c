/*
 * The indicator snapshot: the detail tables, read in one transaction and
 * reduced to unit facts (ind_impl.h). Client pseudonyms become dense
 * indexes, AGB codes and gemeenten become small indexes, and each kind of
 * unit is sorted by (period, client) once per period type so that a query
 * counts distinct clients without sorting or hashing.
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include "feed.h"
#include "dates.h"
#include "dc_history.h"
#include "ind_impl.h"
#include "log.h"
#include "util.h"

int
ind_period_of(int ymd, enum ind_period t)
{
	int	y = ymd / 10000, m = ymd / 100 % 100, mi;

	if (y < IND_YEAR0 || y >= IND_YEAR0 + IND_YEARS || m < 1 || m > 12)
		return -1;
	mi = (y - IND_YEAR0) * 12 + m - 1;
	switch (t) {
	case IND_MONTH:
		return mi;
	case IND_QUARTER:
		return mi / 3;
	default:
		return mi / 12;
	}
}

void
ind_period_months(int p, enum ind_period t, int *first, int *last)
{
	switch (t) {
	case IND_MONTH:
		*first = *last = p;
		break;
	case IND_QUARTER:
		*first = p * 3;
		*last = p * 3 + 2;
		break;
	default:
		*first = p * 12;
		*last = p * 12 + 11;
		break;
	}
}

int
ind_period_last_day(int p, enum ind_period t)
{
	int	first, last, y, m;

	ind_period_months(p, t, &first, &last);
	y = IND_YEAR0 + last / 12;
	m = last % 12 + 1;
	return y * 10000 + m * 100 + date_month_days(y, m);
}

void
ind_items_build(const struct quest_set *qs, struct ind_items *it)
{
	const struct quest_variant	*v;
	size_t				 d, r, i, j;

	memset(it, 0, sizeof(*it));
	memset(it->map, 0xff, sizeof(it->map));		/* -1 */
	for (d = 0; d < qs->ndefs && d < QUEST_MAX_DEFS; d++) {
		for (r = 0; r < QUEST__NRESPONDENTS; r++) {
			v = &qs->defs[d].variant[r];
			if (!v->present)
				continue;
			for (i = 0; i < v->nitems; i++) {
				if (v->items[i].type != QUEST_SCHAAL)
					continue;
				for (j = 0; j < it->n[r]; j++)
					if (strcmp(it->code[r][j],
					    v->items[i].code) == 0)
						break;
				if (j == it->n[r]) {
					memcpy(it->code[r][j], v->items[i].code,
					    sizeof(it->code[r][j]));
					it->text[r][j] = v->items[i].tekst;
					it->n[r]++;
				}
				it->map[d][r][i] = (int16_t)j;
			}
		}
	}
}

/*
 * Gemeente codes to indexes, each code looked up once per build
 * (GEM_UNSEEN: not yet; CFG_MAX_GEMEENTEN keeps indexes below it).
 */
#define GEM_UNSEEN	0xfffe
struct gem_memo {
	const struct config	*cfg;
	uint16_t		 ix[10000];
};


static int
cmp_int(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * Sorted distinct values of v[0..n) in place; returns the new count, or
 * (size_t)-1 when memory ran out. An LSD radix sort, 16 bits a pass, of
 * the values with their sign bit flipped (unsigned order is then signed
 * order).
 */
static size_t
uniq_i64(int64_t *v, size_t n)
{
	uint64_t	*a, *b, *x, *y, *tmp;
	size_t		*cnt, i, o = 0, sum, c;
	int		 pass, sh;

	if (n < 2)
		return n;
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	cnt = malloc(65536 * sizeof(*cnt));
	if (a == NULL || b == NULL || cnt == NULL) {
		free(a);
		free(b);
		free(cnt);
		return (size_t)-1;
	}
	for (i = 0; i < n; i++)
		a[i] = (uint64_t)v[i] ^ (UINT64_C(1) << 63);
	x = a;
	y = b;
	for (pass = 0; pass < 4; pass++) {
		sh = pass * 16;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (i = 0; i < n; i++)
			cnt[(x[i] >> sh) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			y[cnt[(x[i] >> sh) & 0xffff]++] = x[i];
		tmp = x;
		x = y;
		y = tmp;
	}
	/* An even number of passes: the sorted values are in a again. */
	for (i = 0; i < n; i++)
		if (o == 0 || a[o - 1] != a[i])
			a[o++] = a[i];
	for (i = 0; i < o; i++)
		v[i] = (int64_t)(a[i] ^ (UINT64_C(1) << 63));
	free(a);
	free(b);
	free(cnt);
	return o;
}

/*
 * A bucket index over records sorted by a pseudonymous int64 key at their
 * start: where the records whose key has given top bits begin. The keys
 * are even over their range, so a bucket holds a few records and a look-up
 * touches a few cache lines instead of a binary search's twenty.
 */
struct kix {
	uint32_t	*b;		/* (1 << bits) + 1 start offsets */
	int		 bits;
};

static uint64_t
kix_ord(int64_t key)
{
	return (uint64_t)key ^ (UINT64_C(1) << 63);	/* signed order */
}

static int
kix_build(struct kix *x, const void *base, size_t n, size_t size)
{
	const char	*p = base;
	size_t		 i, b = 0, nb;
	int64_t		 key;

	/* About 4 records a bucket, at most 2^22 buckets. */
	for (x->bits = 1; x->bits < 22 && ((size_t)1 << (x->bits + 2)) < n;
	    x->bits++)
		;
	nb = (size_t)1 << x->bits;
	if (n > UINT32_MAX ||
	    (x->b = malloc((nb + 1) * sizeof(*x->b))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(&key, p + i * size, sizeof(key));
		while (b <= kix_ord(key) >> (64 - x->bits))
			x->b[b++] = (uint32_t)i;
	}
	for (; b <= nb; b++)
		x->b[b] = (uint32_t)n;
	return 0;
}

/* The records that may have key: [*lo, *hi). */
static void
kix_range(const struct kix *x, int64_t key, size_t *lo, size_t *hi)
{
	uint64_t	b = kix_ord(key) >> (64 - x->bits);

	*lo = x->b[b];
	*hi = x->b[b + 1];
}

/* The index of v in the sorted distinct c (v is there). */
static uint32_t
client_ix(const int64_t *c, const struct kix *x, int64_t v)
{
	size_t	lo, hi;

	kix_range(x, v, &lo, &hi);
	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (c[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

int
ind_agb_index(const struct ind_snapshot *s, int agb)
{
	const int	*p = bsearch(&agb, s->agbs, s->nagbs, sizeof(int),
	    cmp_int);

	return p == NULL ? -1 : (int)(p - s->agbs);
}

/* Gemeente code (an int, 363) to its index; IND_GEM_NONE when unknown. */
static uint16_t
gem_ix(const struct config *cfg, int code)
{
	char	buf[5];
	int	retired;
	const struct cfg_gemeente *g;

	if (code <= 0 || code > 9999)
		return IND_GEM_NONE;
	util_fmt(buf, sizeof(buf), "%04d", code);
	if ((g = config_gemeente(cfg, buf, &retired)) == NULL)
		return IND_GEM_NONE;
	return (uint16_t)(g - cfg->ref.gemeenten);
}

static uint16_t
gem_of(struct gem_memo *m, int code)
{
	if (code <= 0 || code > 9999)
		return IND_GEM_NONE;
	if (m->ix[code] == GEM_UNSEEN)
		m->ix[code] = gem_ix(m->cfg, code);
	return m->ix[code];
}

/*
 * Client pseudonyms to indexes in the order first seen, while the rows
 * are read: the pseudonyms by index, and an open-addressed table (at most
 * half full) of the indexes, 4 bytes a slot. build_dims turns the indexes
 * into dense ones in pseudonym order, so that no row holds a 64-bit
 * pseudonym for longer than its scan.
 */
struct cids {
	uint32_t	*ix1;		/* per slot: a tag and an index + 1
					   (cids_tag), 0 empty */
	size_t		 nslots;
	int64_t		*ps;		/* index -> pseudonym (util_map) */
	size_t		 n, cap;
	int64_t		 last;		/* the pseudonym asked for last */
	uint32_t	 last_ix;	/* and its index, when n > 0 */
};

static size_t
cids_hash(const struct cids *c, int64_t v)
{
	return (size_t)(((uint64_t)v * UINT64_C(0x9e3779b97f4a7c15)) >> 32) &
	    (c->nslots - 1);
}

/*
 * A slot holds an index + 1 in its low bits, those of nslots - 1 (the
 * index + 1 is at most n, below nslots / 2), and in the others bits of
 * the pseudonym's hash (the tag), so that a slot of another pseudonym is
 * almost always passed over without reading its pseudonym (ps[], at
 * random: a cache miss). The tag bits follow from nslots.
 */
static uint32_t
cids_low(const struct cids *c)
{
	return (uint32_t)(c->nslots - 1);
}

static uint32_t
cids_tag(const struct cids *c, int64_t v)
{
	return (uint32_t)((uint64_t)v * UINT64_C(0x9e3779b97f4a7c15)) &
	    ~cids_low(c);
}

/* The index in slot value x (nonzero). */
static uint32_t
cids_ix(const struct cids *c, uint32_t x)
{
	return (x & cids_low(c)) - 1;
}

/* The slot of pseudonym v, or the empty slot where it would go. */
static size_t
cids_slot(const struct cids *c, int64_t v)
{
	size_t		 i = cids_hash(c, v);
	uint32_t	 tag = cids_tag(c, v), low = cids_low(c), x;

	while ((x = c->ix1[i]) != 0 &&
	    ((x & ~low) != tag || c->ps[(x & low) - 1] != v))
		i = (i + 1) & (c->nslots - 1);
	return i;
}

static int
cids_rehash(struct cids *c)
{
	uint32_t	*o = c->ix1, olow = (uint32_t)(c->nslots - 1), ix;
	size_t		 on = c->nslots, i;
	int64_t		 v;

	c->nslots = on ? on * 2 : 4096;
	/* Every page of it is touched: mapped at once, not page by page. */
	if ((c->ix1 = util_map_zero(c->nslots, sizeof(*c->ix1), 1)) == NULL) {
		c->ix1 = o;
		c->nslots = on;
		return -1;
	}
	for (i = 0; i < on; i++) {
		if (o[i] == 0)
			continue;
		ix = (o[i] & olow) - 1;
		v = c->ps[ix];
		c->ix1[cids_slot(c, v)] = cids_tag(c, v) | (ix + 1);
	}
	util_map_free(o, on, sizeof(*o));
	return 0;
}

/*
 * The index of pseudonym v, a new one when first seen; -1 on a fault. A
 * client's rows often come one after another (the trajecten are in client
 * order): the last one asked for is answered without the table.
 */
static int
cids_get(struct cids *c, int64_t v, uint32_t *ix)
{
	size_t	i, cap;

	if (c->n > 0 && v == c->last) {
		*ix = c->last_ix;
		return 0;
	}
	if ((c->n + 1) * 2 > c->nslots && cids_rehash(c) == -1)
		return -1;
	i = cids_slot(c, v);
	if (c->ix1[i] == 0) {
		cap = c->cap;
		if (c->n >= UINT32_MAX - 1 ||
		    util_map_grow((void **)&c->ps, &c->cap, c->n + 1,
		    sizeof(*c->ps)))
			return -1;
		if (c->cap != cap)	/* read at random, too */
			util_map_huge(c->ps, c->cap * sizeof(*c->ps));
		c->ps[c->n] = v;
		c->ix1[i] = cids_tag(c, v) | (uint32_t)++c->n;
	}
	*ix = cids_ix(c, c->ix1[i]);
	c->last = v;
	c->last_ix = *ix;
	return 0;
}

/*
 * The pseudonym in the slot of v[i] asked for (see cids_ahead). Always
 * inlined: GCC finds that a function whose only effect is a prefetch has
 * none, and drops its calls.
 */
static inline __attribute__((always_inline)) void
cids_ahead_ps(const struct cids *c, const int64_t *v, size_t i)
{
	uint32_t	 x;

	if ((i == 0 || v[i] != v[i - 1]) &&
	    (x = c->ix1[cids_hash(c, v[i])]) != 0 &&
	    (x & ~cids_low(c)) == cids_tag(c, v[i]))
		__builtin_prefetch(&c->ps[cids_ix(c, x)]);
}

/* Rows between asking for a slot's pseudonym and looking it up. */
#define CIDS_AHEAD	8

/*
 * Room for n more pseudonyms without a rehash, and the memory cids_get
 * reads for each of v[0..n) asked for ahead (prefetch): the slots of all
 * at once, then the pseudonyms the slots hold, CIDS_AHEAD rows ahead of
 * the look-ups (cids_ahead_ps, called for row i + CIDS_AHEAD while row i
 * is looked up). The rows of scores and responses come in no client
 * order, so each look-up reads at random from tables larger than the
 * caches; asked for together, the reads wait for memory side by side
 * instead of one after another. 0 or -1.
 */
static int
cids_ahead(struct cids *c, const int64_t *v, size_t n)
{
	size_t		 i;

	while ((c->n + n) * 2 > c->nslots)
		if (cids_rehash(c) == -1)
			return -1;
	for (i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			__builtin_prefetch(&c->ix1[cids_hash(c, v[i])]);
	for (i = 0; i < n && i < CIDS_AHEAD; i++)
		cids_ahead_ps(c, v, i);
	return 0;
}

/* The table only: the pseudonyms by index stay for build_dims. */
static void
cids_drop_table(struct cids *c)
{
	util_map_free(c->ix1, c->nslots, sizeof(*c->ix1));
	c->ix1 = NULL;
	c->nslots = 0;
}

static void
cids_free(struct cids *c)
{
	cids_drop_table(c);
	util_map_free(c->ps, c->cap, sizeof(*c->ps));
	c->ps = NULL;
	c->n = c->cap = 0;
}

/* gem_of once every code was looked up (the facts' threads share it). */
static uint16_t
gem_seen(const struct gem_memo *m, int code)
{
	if (code <= 0 || code > 9999)
		return IND_GEM_NONE;
	return m->ix[code];
}

/*
 * The raw rows, narrowed as they are read to what the facts need: dates
 * as yyyymmdd, small codes in a byte, the breakdown values packed
 * (ind_bd_pack) where no later merge can change the gemeente, and the
 * client as a cids index (dense after build_dims).
 */
struct raw_sc {
	int64_t		 traj;
	uint32_t	 client;
	int32_t		 agb;
	int32_t		 meetdatum;
	float		 gas_t;		/* NaN = none */
	uint32_t	 bd;
	uint16_t	 doelen;	/* clamped as in u_doel */
	uint16_t	 behaald;	/* clamped to doelen */
	uint16_t	 gem;		/* gem_of, IND_GEM_NONE */
	int8_t		 pa;		/* probleemafname 1..3, 0 = none */
	int8_t		 zh;		/* 0/1, -1 = none */
	int8_t		 meetmoment;	/* 1..3 (a table CHECK) */
	int8_t		 opt_out;	/* 1 ja, 0 anything else, -1 not
					   stated */
};

/* RDN_OTHER: a RedenBeeindiging no rule names (reden_cat: overig). */
#define RDN_OTHER	1

struct raw_tr {
	int64_t		 prod_key;
	uint32_t	 client;
	int32_t		 begindatum;
	int32_t		 einddatum;	/* 0 = not ended */
	int32_t		 agb;		/* 0 = unknown */
	uint32_t	 attr;		/* tr_attr */
	int16_t		 gemeente;	/* 0 unknown, -1 not a gemeente code */
	uint8_t		 reden;		/* 0 none; 2, 20, 31..39 or RDN_OTHER */
	uint8_t		 gestart;
};

/*
 * A trajectory's breakdown values, value + 1 (0 unknown) in one word:
 * leeftijd 3 bits, geslacht 2, categorie 7 and the gebied code 20 (a
 * gemeente number times 100 plus the area: below 10^6; a code outside
 * that belongs to no gemeente, as unknown as none). They are packed for
 * the breakdowns only once a merge of linked rows has settled the
 * trajectory's gemeente.
 */
static uint32_t
tr_attr(int leeftijd, int geslacht, int categorie, int gebied)
{
	return (uint32_t)(leeftijd >= 0 && leeftijd <= 3 ? leeftijd + 1 : 0) |
	    (uint32_t)(geslacht >= 0 && geslacht <= 2 ? geslacht + 1 : 0) <<
	    3 |
	    (uint32_t)(categorie >= 0 && categorie <= 99 ? categorie + 1 :
	    0) << 5 |
	    (uint32_t)(gebied >= 0 && gebied < 1000000 ? gebied + 1 : 0) << 12;
}

static uint32_t
tr_bd(const struct config *cfg, uint16_t g, uint32_t attr)
{
	return ind_bd_pack(cfg, g, (int)(attr & 7) - 1,
	    (int)(attr >> 3 & 3) - 1, (int)(attr >> 5 & 127) - 1,
	    (int)(attr >> 12) - 1);
}

struct raw_resp {
	uint32_t	 client;
	int32_t		 agb;
	int32_t		 ingevuld_op;
	uint32_t	 voff;		/* its answers: vals[voff..] */
	uint32_t	 bd;
	uint16_t	 gem;
	uint8_t		 def;		/* below QUEST_MAX_DEFS */
	uint8_t		 resp;
};

/*
 * What the rows of one table add to the dimensions: its clients and its
 * AGB codes (sorted, distinct). Each table has its own, so that the
 * tables can be read at once; build_dims merges them.
 */
struct raw_dims {
	struct cids		 ids;
	int			*agbs;
	size_t			 nagbs, capagbs;
	int			 agb_last;	/* the code added last */
};
/* The trajecten's two parts (store.h) are two tables here. */
enum { T_SC, T_TR, T_TR1, T_RS, T__N };

/*
 * Growable arrays of the raw rows (util_map). The trajecten of part 1
 * are read into tr1 and then put behind part 0's in tr (raw_traj_join),
 * which is then the table's order; their clients are indexes in dims[T_TR]
 * before ntr0, in dims[T_TR1] from there on, until build_dims.
 */
struct raw {
	struct raw_sc		*sc;
	size_t			 nsc, capsc;
	struct raw_tr		*tr;
	size_t			 ntr, captr, ntr0;
	struct raw_tr		*tr1;
	size_t			 ntr1, captr1;
	struct raw_resp		*rs;
	size_t			 nrs, caprs;
	signed char		*vals;
	size_t			 nvals, capvals;
	const struct quest_set	*qs;
	struct ind_src_link	*ln;		/* key rotation links */
	size_t			 nln, capln;
	struct raw_dims		 dims[T__N];
	struct gem_memo		 gm;		/* filled before the scans */
};

static int
raw_link(const struct ind_src_link *r, void *arg)
{
	struct raw	*w = arg;

	if (util_grow((void **)&w->ln, &w->capln, w->nln + 1, sizeof(*w->ln)))
		return -1;
	w->ln[w->nln++] = *r;
	return 0;
}

/*
 * Key rotation (store_keys.c): a pseudonym made under an old key that has
 * a link is replaced by its newest version, so that a client (kind 0) or
 * a trajectory (kind 1) seen in an overlap window is one unit across the
 * rotation. Pseudonyms without a link stay as they are: they are their own
 * client, which is what the rotation means for clients not seen in the
 * window (docs/operations.md). The links are scanned before the rows, and
 * every row is mapped as it is read.
 */
static int
cmp_link(const void *a, const void *b)
{
	const struct ind_src_link *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->old > y->old) - (x->old < y->old);
}

#define LINK_CHAIN_MAX	16	/* rotations followed from one pseudonym */

static int
raw_links_done(void *arg)
{
	struct raw	*w = arg;

	util_sort(w->ln, w->nln, sizeof(*w->ln), cmp_link);
	return 0;
}

static int64_t
link_map(const struct raw *w, int kind, int64_t v)
{
	struct ind_src_link	 key, *p;
	int			 i;

	if (w->nln == 0)
		return v;
	key.kind = kind;
	for (i = 0; i < LINK_CHAIN_MAX; i++) {
		key.old = v;
		if ((p = bsearch(&key, w->ln, w->nln, sizeof(*w->ln),
		    cmp_link)) == NULL)
			break;
		v = p->new_;
	}
	return v;
}

/* Adds an AGB code to the sorted distinct codes when new. */
static int
agb_add(struct raw_dims *w, int agb)
{
	size_t	lo = 0, hi = w->nagbs;

	if (w->nagbs > 0 && agb == w->agb_last)
		return 0;
	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (w->agbs[mid] < agb)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == w->nagbs || w->agbs[lo] != agb) {
		if (util_grow((void **)&w->agbs, &w->capagbs, w->nagbs + 1,
		    sizeof(*w->agbs)))
			return -1;
		memmove(w->agbs + lo + 1, w->agbs + lo,
		    (w->nagbs - lo) * sizeof(*w->agbs));
		w->agbs[lo] = agb;
		w->nagbs++;
	}
	w->agb_last = agb;
	return 0;
}

static int8_t
clamp_code(int v, int hi)
{
	return (int8_t)(v >= 0 && v <= hi ? v : -1);
}

static uint16_t
clamp_u16(int v, int hi)
{
	return (uint16_t)(v < 0 ? 0 : v > hi ? hi : v);
}

/* A unit's breakdown values; none for a record outside every gemeente. */
static uint32_t
raw_bd(const struct raw *w, uint16_t g, int leeftijd, int geslacht,
    int categorie, int gebied)
{
	if (g == IND_GEM_NONE)
		return 0;
	return ind_bd_pack(w->gm.cfg, g, leeftijd, geslacht, categorie,
	    gebied);
}

/* The rows of a batch whose clients are looked up together (cids_ahead). */
#define RAW_AHEAD	64

/* Room for n more rows in the array *p of *len rows, *cap mapped. */
static int
raw_room(void **p, size_t *cap, size_t len, size_t n, size_t size)
{
	return util_map_grow(p, cap, len + n, size);
}

/* One row of a scan's batch, its client pseudonym linked; 0 or -1. */
typedef int (*raw_one_fn)(struct raw *, const void *row, int64_t client,
    void *arg);

/*
 * The n rows of size sz at rows (each with its client pseudonym, an
 * int64_t, at coff) to one, in order. Their clients are looked up in ids
 * RAW_AHEAD rows at a time (cids_ahead), each slot's pseudonym asked for
 * CIDS_AHEAD rows ahead of its row.
 */
static int
raw_rows(struct raw *w, struct cids *ids, const void *rows, size_t n,
    size_t sz, size_t coff, raw_one_fn one, void *arg)
{
	const char	*p = rows;
	int64_t		 cl[RAW_AHEAD], v;
	size_t		 i, j, m;

	for (j = 0; j < n; j += m) {
		m = n - j < RAW_AHEAD ? n - j : RAW_AHEAD;
		for (i = 0; i < m; i++) {
			memcpy(&v, p + (j + i) * sz + coff, sizeof(v));
			cl[i] = link_map(w, 0, v);
		}
		if (cids_ahead(ids, cl, m) == -1)
			return -1;
		for (i = 0; i < m; i++) {
			if (i + CIDS_AHEAD < m)
				cids_ahead_ps(ids, cl, i + CIDS_AHEAD);
			if (one(w, p + (j + i) * sz, cl[i], arg) == -1)
				return -1;
		}
	}
	return 0;
}

static int
raw_score1(struct raw *w, const void *row, int64_t client, void *arg)
{
	const struct ind_src_score	*r = row;
	struct raw_sc			*o;

	(void)arg;

	o = &w->sc[w->nsc];
	if (cids_get(&w->dims[T_SC].ids, client, &o->client) == -1 ||
	    agb_add(&w->dims[T_SC], r->agb) == -1)
		return -1;
	o->traj = link_map(w, 1, r->traj);
	o->agb = r->agb;
	o->meetdatum = r->meetdatum;
	o->gas_t = isnan(r->gas_t) ? NAN : (float)r->gas_t;
	o->doelen = clamp_u16(r->doelen, 65535);
	o->behaald = clamp_u16(r->doelen_behaald, o->doelen);
	o->gem = gem_of(&w->gm, r->gemeente);
	o->pa = (int8_t)(r->probleemafname >= 1 && r->probleemafname <= 3 ?
	    r->probleemafname : 0);
	o->zh = clamp_code(r->zonder_hulp, 1);
	o->meetmoment = (int8_t)(r->meetmoment == 3 ? 3 :
	    r->meetmoment == 2 ? 2 : 1);
	o->opt_out = (int8_t)(r->opt_out == -1 ? -1 : r->opt_out == 1);
	o->bd = raw_bd(w, o->gem, r->leeftijd, r->geslacht, r->categorie,
	    r->gebied);
	w->nsc++;
	return 0;
}

static int
raw_score(const struct ind_src_score *r, size_t n, void *arg)
{
	struct raw	*w = arg;

	if (raw_room((void **)&w->sc, &w->capsc, w->nsc, n, sizeof(*w->sc)))
		return -1;
	return raw_rows(w, &w->dims[T_SC].ids, r, n, sizeof(*r),
	    offsetof(struct ind_src_score, client), raw_score1, NULL);
}

/* Where raw_traj1 puts a part's rows. */
struct traj_out {
	struct raw_tr	*a;
	size_t		*len;
	struct raw_dims	*d;
};

static int
raw_traj1(struct raw *w, const void *row, int64_t client, void *arg)
{
	const struct ind_src_traj	*r = row;
	struct traj_out			*t = arg;
	struct raw_tr			*o = &t->a[*t->len];
	struct raw_dims			*d = t->d;

	if (cids_get(&d->ids, client, &o->client) == -1 ||
	    (r->agb > 0 && agb_add(d, r->agb) == -1))
		return -1;
	o->prod_key = link_map(w, 1, r->prod_key);
	o->begindatum = r->begindatum;
	o->einddatum = r->einddatum;
	o->agb = r->agb;
	o->attr = tr_attr(r->leeftijd, r->geslacht, r->categorie, r->gebied);
	o->gemeente = (int16_t)(r->gemeente >= 0 && r->gemeente <= 9999 ?
	    r->gemeente : -1);
	o->reden = (uint8_t)(r->reden == 0 || r->reden == 2 ||
	    r->reden == 20 || (r->reden >= 31 && r->reden <= 39) ? r->reden :
	    RDN_OTHER);
	o->gestart = r->gestart != 0;
	(*t->len)++;
	return 0;
}

/* Part 0's rows into tr, part 1's into tr1 (each part one thread). */
static int
raw_traj(const struct ind_src_traj *r, size_t n, int part, void *arg)
{
	struct raw	*w = arg;
	struct raw_tr	**a = part ? &w->tr1 : &w->tr;
	struct traj_out	 t;

	t.len = part ? &w->ntr1 : &w->ntr;
	t.d = &w->dims[part ? T_TR1 : T_TR];
	if (raw_room((void **)a, part ? &w->captr1 : &w->captr, *t.len, n,
	    sizeof(**a)))
		return -1;
	t.a = *a;
	return raw_rows(w, &t.d->ids, r, n, sizeof(*r),
	    offsetof(struct ind_src_traj, client), raw_traj1, &t);
}

/* Part 1's trajecten behind part 0's in tr. */
static int
raw_traj_join(struct raw *w)
{
	w->ntr0 = w->ntr;
	if (w->ntr1 == 0)
		return 0;
	if (util_map_grow((void **)&w->tr, &w->captr, w->ntr + w->ntr1,
	    sizeof(*w->tr)) == -1)
		return -1;
	memcpy(w->tr + w->ntr, w->tr1, w->ntr1 * sizeof(*w->tr));
	w->ntr += w->ntr1;
	util_map_free(w->tr1, w->captr1, sizeof(*w->tr1));
	w->tr1 = NULL;
	w->ntr1 = w->captr1 = 0;
	return 0;
}

static int
raw_resp1(struct raw *w, const void *row, int64_t client, void *arg)
{
	const struct ind_src_resp	*r = row;
	struct raw_resp			*o;
	size_t				 d;
	const struct quest_variant	*v;

	(void)arg;

	if (quest_find(w->qs, r->vragenlijst, &d) == NULL ||
	    d >= QUEST_MAX_DEFS || r->respondent < 0 ||
	    r->respondent >= QUEST__NRESPONDENTS)
		return 0;	/* a definition no longer loaded: not counted */
	v = &w->qs->defs[d].variant[r->respondent];
	if (!v->present || r->nwaarden != v->nitems)
		return 0;
	if (util_map_grow((void **)&w->vals, &w->capvals,
	    w->nvals + r->nwaarden, 1) || w->nvals > UINT32_MAX - r->nwaarden)
		return -1;
	o = &w->rs[w->nrs];
	if (cids_get(&w->dims[T_RS].ids, client, &o->client) == -1 ||
	    agb_add(&w->dims[T_RS], r->agb) == -1)
		return -1;
	o->agb = r->agb;
	o->ingevuld_op = r->ingevuld_op;
	o->def = (uint8_t)d;
	o->resp = (uint8_t)r->respondent;
	o->voff = (uint32_t)w->nvals;
	o->gem = gem_of(&w->gm, r->gemeente);
	o->bd = raw_bd(w, o->gem, r->leeftijd, r->geslacht, r->categorie,
	    r->gebied);
	if (r->nwaarden > 0)
		memcpy(w->vals + w->nvals, r->waarden, r->nwaarden);
	w->nvals += r->nwaarden;
	w->nrs++;
	return 0;
}

static int
raw_resp(const struct ind_src_resp *r, size_t n, void *arg)
{
	struct raw	*w = arg;

	if (raw_room((void **)&w->rs, &w->caprs, w->nrs, n, sizeof(*w->rs)))
		return -1;
	return raw_rows(w, &w->dims[T_RS].ids, r, n, sizeof(*r),
	    offsetof(struct ind_src_resp, client), raw_resp1, NULL);
}

static int
cmp_traj_key(const void *a, const void *b)
{
	const struct raw_tr *x = a, *y = b;

	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	if (x->prod_key != y->prod_key)
		return x->prod_key < y->prod_key ? -1 : 1;
	return (x->begindatum > y->begindatum) -
	    (x->begindatum < y->begindatum);
}

/*
 * Merges trajecten rows that became one product through the key links (a
 * start under the old key, its stop under the new): the start and the
 * stop each come from whichever row has them, in the order they were
 * read. Without links the rows are distinct already (the table's key).
 * The clients are dense indexes (build_dims) by then.
 */
static void
merge_linked(struct raw *w)
{
	struct raw_tr	*d, *r;
	size_t		 i, o;

	if (w->nln == 0)
		return;
	util_sort(w->tr, w->ntr, sizeof(*w->tr), cmp_traj_key);
	for (i = 0, o = 0; i < w->ntr; i++) {
		r = &w->tr[i];
		d = o > 0 ? &w->tr[o - 1] : NULL;
		if (d == NULL || cmp_traj_key(d, r) != 0) {
			w->tr[o++] = *r;
			continue;
		}
		d->gestart |= r->gestart;
		if (d->einddatum == 0) {
			d->einddatum = r->einddatum;
			d->reden = r->reden;
		}
		if (d->agb == 0)
			d->agb = r->agb;
		if (d->gemeente == 0)
			d->gemeente = r->gemeente;
	}
	w->ntr = o;
}

static size_t
unit_size(enum ind_kind k)
{
	return k == IND_DOELREALISATIE ? sizeof(struct u_doel) :
	    k == IND_UITVAL ? sizeof(struct u_uit) :
	    k == IND_AANLEVERING ? sizeof(struct u_uit) :
	    sizeof(struct u_tev);
}

/*
 * Sorts the units of kind k by client, once (a counting sort): each
 * period type's order then reads them front to back.
 */
static int
units_by_client(struct ind_snapshot *s, enum ind_kind k)
{
	const char	*src = s->ubase[k];
	char		*dst;
	size_t		 sz = unit_size(k), i, n = s->nbase[k];
	uint32_t	*cnt, c, sum, ci, prev = 0;

	/* The trajecten come in client order: nothing to do then. */
	for (i = 0; i < n; i++, prev = ci) {
		memcpy(&ci, src + i * sz, 4);
		if (ci < prev)
			break;
	}
	if (i == n)
		return 0;
	dst = malloc(n ? n * sz : 1);
	cnt = calloc(s->nclients + 1, sizeof(*cnt));
	if (dst == NULL || cnt == NULL) {
		free(dst);
		free(cnt);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memcpy(&ci, src + i * sz, 4);
		cnt[ci]++;
	}
	for (i = 0, sum = 0; i <= s->nclients; i++) {
		c = cnt[i];
		cnt[i] = sum;
		sum += c;
	}
	for (i = 0; i < n; i++) {
		memcpy(&ci, src + i * sz, 4);
		memcpy(dst + (size_t)cnt[ci]++ * sz, src + i * sz, sz);
	}
	free(cnt);
	free(s->ubase[k]);
	s->ubase[k] = dst;
	return 0;
}

/*
 * Orders the units of kind k (sorted by client) by (period, client) for
 * period type t: a stable counting sort by period. The client (uint32_t)
 * and the month (uint16_t at offset 4) lead every unit struct;
 * doelrealisatie counts a unit only where its tmask says so.
 */
int
ind_units_order(struct ind_snapshot *s, enum ind_kind k, enum ind_period t)
{
	struct ind_units	*us = &s->units[k][t];
	const char		*src = s->ubase[k];
	size_t			 sz = unit_size(k), i, n = 0, nb = s->nbase[k];
	int			 p, np, div;
	uint16_t		 pm;

	np = t == IND_MONTH ? IND_YEARS * 12 : t == IND_QUARTER ?
	    IND_YEARS * 4 : IND_YEARS;
	div = t == IND_MONTH ? 1 : t == IND_QUARTER ? 3 : 12;
	us->off = calloc((size_t)np + 1, sizeof(*us->off));
	us->ix = malloc(nb ? nb * sizeof(*us->ix) : 1);
	if (us->off == NULL || us->ix == NULL) {
		ind_units_release(s, k, t);
		return -1;
	}
	for (i = 0; i < nb; i++) {
		if (k == IND_DOELREALISATIE && !(((const struct u_doel *)
		    (const void *)src)[i].tmask & (1u << t)))
			continue;
		memcpy(&pm, src + i * sz + 4, 2);
		us->off[pm / div + 1]++;
		n++;
	}
	for (p = 0; p < np; p++)
		us->off[p + 1] += us->off[p];
	/* Stable by period: off[p] is where period p's next unit goes. */
	for (i = 0; i < nb; i++) {
		if (k == IND_DOELREALISATIE && !(((const struct u_doel *)
		    (const void *)src)[i].tmask & (1u << t)))
			continue;
		memcpy(&pm, src + i * sz + 4, 2);
		us->ix[us->off[pm / div]++] = (uint32_t)i;
	}
	for (p = np; p > 0; p--)
		us->off[p] = us->off[p - 1];
	us->off[0] = 0;
	us->u = s->ubase[k];
	us->n = n;
	us->nperiods = np;
	return 0;
}

void
ind_units_release(struct ind_snapshot *s, enum ind_kind k, enum ind_period t)
{
	struct ind_units	*us = &s->units[k][t];

	free(us->ix);
	free(us->off);
	memset(us, 0, sizeof(*us));
}

static int
cmp_score(const void *a, const void *b)
{
	const struct raw_sc *x = a, *y = b;

	if (x->traj != y->traj)
		return x->traj < y->traj ? -1 : 1;
	if (x->agb != y->agb)
		return x->agb < y->agb ? -1 : 1;
	if (x->meetdatum != y->meetdatum)
		return x->meetdatum < y->meetdatum ? -1 : 1;
	return (x->meetmoment > y->meetmoment) -
	    (x->meetmoment < y->meetmoment);
}

/*
 * What the scores say of one trajectory (toewijzing at one aanbieder), in
 * (traj, agb) order: whether it is under opt-out (the latest row that
 * states opt_out decides) and the date of its latest eind measurement
 * with GAS scores. Only trajectories that say either are kept: for
 * aanlevering the others are as good as absent.
 */
struct tfact {
	int64_t		 traj;
	int32_t		 agb;
	int32_t		 last;		/* TF_OPT_OUT, or the yyyymmdd of the
					   last GAS eind measurement */
};
#define TF_OPT_OUT	(-1)

/* Whether the rows are in strictly increasing order of cmp already. */
static int
is_sorted(const void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	const char	*p = base;
	size_t		 i;

	for (i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) >= 0)
			return 0;
	return 1;
}

/*
 * Sorts the scores rows (they come in the table's key order, which is
 * this order, unless key links moved them), derives the trajectory facts,
 * and keeps in w->sc only what doelrealisatie counts: eind measurements of
 * trajectories not under opt-out (seed 000: under opt-out no
 * doelrealisatie is measured).
 */
static int
score_facts(struct raw *w, struct tfact **out, size_t *nout)
{
	struct tfact	*tf, *ntf;
	size_t		 i, j, k, n = 0, o = 0;
	int		 opt, last;

	if (!is_sorted(w->sc, w->nsc, sizeof(*w->sc), cmp_score))
		util_sort(w->sc, w->nsc, sizeof(*w->sc), cmp_score);
	if ((tf = malloc((w->nsc ? w->nsc : 1) * sizeof(*tf))) == NULL)
		return -1;
	for (i = 0; i < w->nsc; i = j) {
		opt = 0;
		last = 0;
		for (j = i; j < w->nsc && w->sc[j].traj == w->sc[i].traj &&
		    w->sc[j].agb == w->sc[i].agb; j++) {
			if (w->sc[j].opt_out != -1)
				opt = w->sc[j].opt_out == 1;
			if (w->sc[j].meetmoment == 3 && !isnan(w->sc[j].gas_t))
				last = w->sc[j].meetdatum;
		}
		if (opt || last > 0) {
			tf[n].traj = w->sc[i].traj;
			tf[n].agb = w->sc[i].agb;
			tf[n].last = opt ? TF_OPT_OUT : last;
			n++;
		}
		/*
		 * An eind row without goals (sent under an opt-out taken
		 * back later) measured no doelrealisatie either.
		 */
		for (k = i; k < j && !opt; k++)
			if (w->sc[k].meetmoment == 3 && (w->sc[k].doelen > 0 ||
			    !isnan(w->sc[k].gas_t)))
				w->sc[o++] = w->sc[k];
	}
	w->nsc = o;
	if ((ntf = realloc(tf, (n ? n : 1) * sizeof(*tf))) != NULL)
		tf = ntf;
	*out = tf;
	*nout = n;
	return 0;
}

/*
 * Units placed in client order as they are made, instead of sorted by
 * client afterwards (units_by_client) in a second array: each client's
 * raw rows get a range, in client order, that its units fill in row order;
 * the ranges' unused tails are then closed up. The order is the stable
 * sort's.
 */
struct cplace {
	uint32_t	*st;		/* client c's range starts at st[c] */
	uint32_t	*at;		/* and its next unit goes to at[c] */
	size_t		 nclients;
};

/* The ranges of n raw rows of size sz whose client (uint32_t) is at off. */
static int
cplace_init(struct cplace *cp, const struct ind_snapshot *s, const void *rows,
    size_t n, size_t sz, size_t off)
{
	const char	*r = rows;
	size_t		 i;
	uint32_t	 c, sum = 0, k;

	cp->nclients = s->nclients;
	cp->st = calloc(s->nclients + 1, sizeof(*cp->st));
	cp->at = malloc((s->nclients + 1) * sizeof(*cp->at));
	if (cp->st == NULL || cp->at == NULL || n > UINT32_MAX) {
		free(cp->st);
		free(cp->at);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memcpy(&c, r + i * sz + off, sizeof(c));
		cp->st[c]++;
	}
	for (i = 0; i <= s->nclients; i++) {
		k = cp->st[i];
		cp->st[i] = cp->at[i] = sum;
		sum += k;
	}
	return 0;
}

/* Closes up the ranges of the units u of size sz; returns their count. */
static size_t
cplace_close(struct cplace *cp, void *u, size_t sz)
{
	char	*p = u;
	size_t	 c, o = 0, len;

	for (c = 0; c < cp->nclients; c++) {
		len = cp->at[c] - cp->st[c];
		if (len > 0 && o != cp->st[c])
			memmove(p + o * sz, p + (size_t)cp->st[c] * sz,
			    len * sz);
		o += len;
	}
	free(cp->st);
	free(cp->at);
	cp->st = cp->at = NULL;
	return o;
}

/*
 * The units array u cut to its n units of size sz: the rest was written
 * (placed units, the second half of the trajecten) and would stay
 * resident otherwise.
 */
static void *
units_fit(void *u, size_t n, size_t sz)
{
	void	*nu = realloc(u, n > 0 ? n * sz : 1);

	return nu != NULL ? nu : u;
}

static int
build_doel(struct ind_snapshot *s, struct raw *w)
{
	struct u_doel	*u;
	struct cplace	 cp;
	size_t		 i, n;
	int		 t, p, a;
	unsigned	 mask;

	/* w->sc is sorted by score_facts. */
	if (cplace_init(&cp, s, w->sc, w->nsc, sizeof(*w->sc),
	    offsetof(struct raw_sc, client)) == -1)
		return -1;
	if ((u = calloc(w->nsc ? w->nsc : 1, sizeof(*u))) == NULL) {
		(void)cplace_close(&cp, NULL, sizeof(*u));
		return -1;
	}
	for (i = 0; i < w->nsc; i++) {
		const struct raw_sc *r = &w->sc[i], *nx;

		p = ind_period_of(r->meetdatum, IND_MONTH);
		/* Only the trajectory's last measurement per period. */
		mask = 0;
		for (t = 0; t < IND__NPERIODS; t++) {
			if (i + 1 < w->nsc) {
				nx = &w->sc[i + 1];
				if (nx->traj == r->traj && nx->agb == r->agb &&
				    ind_period_of(nx->meetdatum,
				    (enum ind_period)t) ==
				    ind_period_of(r->meetdatum,
				    (enum ind_period)t))
					continue;
			}
			mask |= 1u << t;
		}
		a = ind_agb_index(s, r->agb);
		if (mask == 0 || p < 0 || r->gem == IND_GEM_NONE || a < 0)
			continue;
		n = cp.at[r->client]++;
		u[n].client = r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)a;
		u[n].gem = r->gem;
		u[n].tmask = (uint8_t)mask;
		u[n].pz = U_DOEL_PZ(r->pa, r->zh);
		u[n].doelen = r->doelen;
		u[n].behaald = r->behaald;
		u[n].gas_t = r->gas_t;
		u[n].bd = r->bd;
	}
	n = cplace_close(&cp, u, sizeof(*u));
	u = units_fit(u, n, sizeof(*u));
	s->ubase[IND_DOELREALISATIE] = u;
	s->nbase[IND_DOELREALISATIE] = n;
	return 0;
}

/*
 * A new start of youth care for the same client (any aanbieder, any
 * product) from the end date up to window months later, other than the
 * ended product itself: tr[lo..hi) are the client's products.
 */
static int
new_start(const struct raw_tr *tr, size_t lo, size_t hi,
    const struct raw_tr *r, int window)
{
	int	limit = date_add_months(r->einddatum, window);

	for (; lo < hi; lo++)
		if (tr[lo].gestart && tr[lo].begindatum >= r->einddatum &&
		    tr[lo].begindatum <= limit &&
		    (tr[lo].prod_key != r->prod_key ||
		    tr[lo].begindatum != r->begindatum))
			return 1;
	return 0;
}

static uint8_t
reden_cat(int reden)
{
	if (reden == 2)
		return 0;
	if (reden >= 31 && reden <= 39)
		return (uint8_t)(reden - 30);
	return IND_REDEN_OVERIG;
}

/* A questionnaire response as aanlevering matches it. */
struct resp_key {
	uint32_t	 client;
	int32_t		 agb;
	int32_t		 date;
};

static int
cmp_resp_key(const void *a, const void *b)
{
	const struct resp_key	*x = a, *y = b;

	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	if (x->agb != y->agb)
		return x->agb < y->agb ? -1 : 1;
	return (x->date > y->date) - (x->date < y->date);
}

/* What uitval and aanlevering look up while they read the trajecten. */
struct ended_ctx {
	struct resp_key	*rk;		/* responses, by (client, agb, date) */
	uint32_t	*roff;		/* client c's: rk[roff[c]..roff[c+1]) */
	const struct tfact *tf;		/* by (traj, agb) */
	size_t		 ntf;
	struct kix	 tfx;
	int		 window, before, after;
};

/* A response of client at agb filled in from lo to hi (yyyymmdd). */
static int
resp_in(const struct ended_ctx *e, uint32_t client, int agb, int lo, int hi)
{
	uint32_t	i;

	for (i = e->roff[client]; i < e->roff[client + 1]; i++)
		if (e->rk[i].agb == agb && e->rk[i].date >= lo &&
		    e->rk[i].date <= hi)
			return 1;
	return 0;
}

/* The trajectory fact of (traj, agb), or NULL when there is none. */
static const struct tfact *
tfact_find(const struct ended_ctx *e, int64_t traj, int agb)
{
	size_t	lo, hi;

	if (e->ntf == 0)
		return NULL;
	for (kix_range(&e->tfx, traj, &lo, &hi); lo < hi; lo++)
		if (e->tf[lo].traj == traj && e->tf[lo].agb == agb)
			return &e->tf[lo];
	return NULL;
}

/*
 * The responses by client (a counting sort on the dense index), then by
 * (agb, date) among a client's few.
 */
static int
ended_ctx_resp(struct ended_ctx *e, const struct ind_snapshot *s,
    const struct raw *w)
{
	struct resp_key	 k;
	size_t		 i, j;
	uint32_t	*at;

	e->rk = malloc((w->nrs ? w->nrs : 1) * sizeof(*e->rk));
	e->roff = calloc(s->nclients + 2, sizeof(*e->roff));
	if (e->rk == NULL || e->roff == NULL)
		return -1;
	for (i = 0; i < w->nrs; i++)
		e->roff[w->rs[i].client + 2]++;
	for (i = 2; i < s->nclients + 2; i++)
		e->roff[i] += e->roff[i - 1];
	/* at[c] = roff[c + 1]: where client c's next response goes. */
	at = e->roff + 1;
	for (i = 0; i < w->nrs; i++) {
		k.client = w->rs[i].client;
		k.agb = w->rs[i].agb;
		k.date = w->rs[i].ingevuld_op;
		e->rk[at[k.client]++] = k;
	}
	for (i = 1; i < w->nrs; i++) {
		k = e->rk[i];
		for (j = i; j > 0 && e->rk[j - 1].client == k.client &&
		    cmp_resp_key(&e->rk[j - 1], &k) > 0; j--)
			e->rk[j] = e->rk[j - 1];
		e->rk[j] = k;
	}
	return 0;
}

/* The trajectory facts and their index. */
static int
ended_ctx_tf(struct ended_ctx *e, const struct tfact *tf, size_t ntf)
{
	e->tf = tf;
	e->ntf = ntf;
	return kix_build(&e->tfx, tf, ntf, sizeof(*tf));
}

static void
ended_ctx_free(struct ended_ctx *e)
{
	free(e->rk);
	free(e->roff);
	free(e->tfx.b);
}

/* Rows ahead whose trajectory facts ended_part asks memory for. */
#define ENDED_AHEAD	16
/* Fewer trajecten than this are made in one thread. */
#define ENDED_SPLIT_MIN	65536

/*
 * The units of trajecten rows [a, b) (a and b at a client's first row)
 * into u, which has room for b - a; returns how many.
 */
static size_t
ended_part(const struct ind_snapshot *s, const struct raw *w,
    const struct ended_ctx *e, size_t a, size_t b, struct u_uit *u)
{
	const struct tfact *f;
	size_t		 i, n = 0, g0 = a, g1 = a, lo, hi;
	int		 p, ai, her;
	uint16_t	 g;

	for (i = a; i < b; i++) {
		const struct raw_tr *r = &w->tr[i];

		/*
		 * The trajectory facts of the rows ahead, at random over
		 * megabytes: their bucket first, then (once it is in the
		 * cache) the facts it points at.
		 */
		if (e->ntf > 0 && i + ENDED_AHEAD < b)
			__builtin_prefetch(&e->tfx.b[kix_ord(w->tr[i +
			    ENDED_AHEAD].prod_key) >> (64 - e->tfx.bits)]);
		if (e->ntf > 0 && i + ENDED_AHEAD / 2 < b) {
			kix_range(&e->tfx, w->tr[i + ENDED_AHEAD / 2].prod_key,
			    &lo, &hi);
			__builtin_prefetch(&e->tf[lo < e->ntf ? lo : 0]);
		}
		if (i == g1) {
			for (g0 = i, g1 = i + 1; g1 < w->ntr &&
			    w->tr[g1].client == r->client; g1++)
				;
		}
		if (r->einddatum == 0 || r->reden == 0 || r->reden == 20)
			continue;
		p = ind_period_of(r->einddatum, IND_MONTH);
		g = gem_seen(&w->gm, r->gemeente);
		ai = ind_agb_index(s, r->agb);
		if (p < 0 || g == IND_GEM_NONE || ai < 0)
			continue;
		u[n].client = r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)ai;
		u[n].gem = g;
		u[n].bd = tr_bd(w->gm.cfg, g, r->attr);
		u[n].reden = reden_cat(r->reden);
		her = r->reden != 31 ? 0 :
		    new_start(w->tr, g0, g1, r, e->window) ? 1 : 2;
		f = tfact_find(e, r->prod_key, r->agb);
		u[n].aan = (uint8_t)((f != NULL && f->last == TF_OPT_OUT ?
		    A_OPT : f != NULL && f->last >= r->begindatum ? A_GAS :
		    A_NONE) | her << U_AAN_HER_SHIFT);
		if (resp_in(e, r->client, r->agb,
		    date_add_days(r->einddatum, -e->before),
		    date_add_days(r->einddatum, e->after)))
			u[n].aan |= U_AAN_CEM;
		n++;
	}
	return n;
}

/* The second half of the trajecten, in a thread of its own. */
struct ended_job {
	const struct ind_snapshot *s;
	const struct raw	*w;
	const struct ended_ctx	*e;
	size_t			 a, b, n;
	struct u_uit		*u;
};

static void *
ended_thread(void *arg)
{
	struct ended_job	*j = arg;

	j->n = ended_part(j->s, j->w, j->e, j->a, j->b, j->u);
	return NULL;
}

/*
 * Uitval and aanlevering count the same units (so both share one
 * suppression pattern): products that ended definitively (20 is a
 * temporary stop), in the period of their Einddatum, made in one pass.
 * Aanlevering adds what the aanbieder delivered for each: a GAS eind
 * measurement counts when the same toewijzing at the same aanbieder has
 * one dated on or after the product's Begindatum; a CEM+ response when
 * the same client answered about the same aanbieder within the window
 * around the Einddatum. The two halves of the clients are made at once,
 * the second half's units then moved up behind the first's: the order is
 * the one a single pass makes.
 */
static int
build_ended(struct ind_snapshot *s, struct raw *w, const struct ended_ctx *e)
{
	struct u_uit		*u;
	struct ended_job	 j;
	pthread_t		 tid;
	size_t			 n, mid;
	int			 threaded = 0;

	/*
	 * In key order, so that a client's products are in a row: they come
	 * in it from the table unless key links moved them.
	 */
	if (!is_sorted(w->tr, w->ntr, sizeof(*w->tr), cmp_traj_key))
		util_sort(w->tr, w->ntr, sizeof(*w->tr), cmp_traj_key);
	if ((u = calloc(w->ntr ? w->ntr : 1, sizeof(*u))) == NULL)
		return -1;
	/* The second half starts at a client's first row. */
	for (mid = w->ntr / 2; mid > 0 && mid < w->ntr &&
	    w->tr[mid].client == w->tr[mid - 1].client; mid++)
		;
	memset(&j, 0, sizeof(j));
	j.s = s;
	j.w = w;
	j.e = e;
	j.a = mid;
	j.b = w->ntr;
	j.u = u + mid;
	if (w->ntr >= ENDED_SPLIT_MIN)
		threaded = pthread_create(&tid, NULL, ended_thread, &j) == 0;
	n = ended_part(s, w, e, 0, threaded ? mid : w->ntr, u);
	if (threaded) {
		pthread_join(tid, NULL);
		memmove(u + n, u + mid, j.n * sizeof(*u));
		n += j.n;
	}
	u = units_fit(u, n, sizeof(*u));
	s->ubase[IND_UITVAL] = u;
	s->nbase[IND_UITVAL] = n;
	return 0;
}

static int
build_tev(struct ind_snapshot *s, struct raw *w)
{
	struct u_tev	*u;
	struct cplace	 cp;
	size_t		 i, n;
	int		 p, a;

	if (cplace_init(&cp, s, w->rs, w->nrs, sizeof(*w->rs),
	    offsetof(struct raw_resp, client)) == -1)
		return -1;
	if ((u = calloc(w->nrs ? w->nrs : 1, sizeof(*u))) == NULL) {
		(void)cplace_close(&cp, NULL, sizeof(*u));
		return -1;
	}
	for (i = 0; i < w->nrs; i++) {
		const struct raw_resp *r = &w->rs[i];

		p = ind_period_of(r->ingevuld_op, IND_MONTH);
		a = ind_agb_index(s, r->agb);
		if (p < 0 || r->gem == IND_GEM_NONE || a < 0)
			continue;
		n = cp.at[r->client]++;
		u[n].client = r->client;
		u[n].period = (uint16_t)p;
		u[n].agb = (uint16_t)a;
		u[n].gem = r->gem;
		u[n].resp = r->resp;
		u[n].def = r->def;
		u[n].voff = r->voff;
		u[n].bd = r->bd;
	}
	n = cplace_close(&cp, u, sizeof(*u));
	u = units_fit(u, n, sizeof(*u));
	s->ubase[IND_TEVREDENHEID] = u;
	s->nbase[IND_TEVREDENHEID] = n;
	return 0;
}

/*
 * The distinct AGB codes (gathered as the rows were read), and every raw
 * row's client as its dense index: its rank among the distinct
 * pseudonyms, so that the sorts by client keep pseudonym order.
 */
static int
build_dims(struct ind_snapshot *s, struct raw *w, int64_t **clients)
{
	struct raw_dims	*d = w->dims;
	size_t		 i, n = 0, t;
	int64_t		*c;
	uint32_t	*map[T__N];
	struct kix	 x;

	/* The AGB codes of all tables, in the first one's set. */
	for (t = 1; t < T__N; t++)
		for (i = 0; i < d[t].nagbs; i++)
			if (agb_add(&d[0], d[t].agbs[i]) == -1)
				return -1;
	/* Never NULL, also without any code: readers bsearch it. */
	if (d[0].agbs == NULL && (d[0].agbs = calloc(1, sizeof(int))) == NULL)
		return -1;
	s->agbs = d[0].agbs;
	s->nagbs = d[0].nagbs;
	d[0].agbs = NULL;
	if (s->nagbs > UINT16_MAX) {
		log_error("indicators: more than %u aanbieders",
		    (unsigned)UINT16_MAX);
		return -1;
	}
	for (t = 0; t < T__N; t++)
		n += d[t].ids.n;
	if ((c = malloc((n ? n : 1) * sizeof(*c))) == NULL)
		return -1;
	for (t = 0, n = 0; t < T__N; t++) {
		if (d[t].ids.n > 0)
			memcpy(c + n, d[t].ids.ps, d[t].ids.n * sizeof(*c));
		n += d[t].ids.n;
	}
	if ((s->nclients = uniq_i64(c, n)) == (size_t)-1) {
		s->nclients = 0;
		free(c);
		return -1;
	}
	memset(map, 0, sizeof(map));
	if (kix_build(&x, c, s->nclients, sizeof(*c)) == -1) {
		free(c);
		return -1;
	}
	for (t = 0; t < T__N; t++) {
		if ((map[t] = malloc((d[t].ids.n ? d[t].ids.n : 1) *
		    sizeof(*map[t]))) == NULL) {
			for (; t > 0; t--)
				free(map[t - 1]);
			free(x.b);
			free(c);
			return -1;
		}
		for (i = 0; i < d[t].ids.n; i++)
			map[t][i] = client_ix(c, &x, d[t].ids.ps[i]);
		cids_free(&d[t].ids);
	}
	free(x.b);
	for (i = 0; i < w->nsc; i++)
		w->sc[i].client = map[T_SC][w->sc[i].client];
	for (i = 0; i < w->ntr; i++)
		w->tr[i].client = map[i < w->ntr0 ? T_TR : T_TR1]
		    [w->tr[i].client];
	for (i = 0; i < w->nrs; i++)
		w->rs[i].client = map[T_RS][w->rs[i].client];
	for (t = 0; t < T__N; t++)
		free(map[t]);
	*clients = c;
	return 0;
}

static void	units_free(struct ind_snapshot *);

/*
 * A build allocates and frees arrays of tens of megabytes. With glibc,
 * every block from 256 KiB up gets its own mapping (a fixed threshold:
 * glibc would otherwise raise it as blocks are freed and keep later ones
 * in the heap), so that what a build frees goes back to the system, and
 * the heaps are trimmed after a build (the daemon builds in a thread of
 * its own, whose arena would otherwise keep its high-water mark).
 */
#define IND_MMAP_THRESHOLD	(256 * 1024)
static pthread_once_t	malloc_once = PTHREAD_ONCE_INIT;

static void
malloc_setup(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, IND_MMAP_THRESHOLD);
#endif
}

static void
malloc_release(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
static void	units_free_kind(struct ind_snapshot *, int);

static int	units_by_client(struct ind_snapshot *, enum ind_kind);

/*
 * The unit facts of all kinds from the raw rows, each raw array freed as
 * soon as no later kind reads it, so that the raw rows are gone before
 * any cube cell exists: doelrealisatie from the scores, tevredenheid
 * from the responses, then uitval and aanlevering from the trajecten
 * with the starts, responses and trajectory facts they look up.
 */
static int
build_facts(struct ind_snapshot *s, const struct config *cfg, struct raw *w,
    int window)
{
	struct ended_ctx	 e;
	struct tfact		*tf = NULL;
	size_t			 ntf = 0;
	int			 rc;

	memset(&e, 0, sizeof(e));
	rc = score_facts(w, &tf, &ntf);
	if (rc == 0)
		rc = build_doel(s, w);
	util_map_free(w->sc, w->capsc, sizeof(*w->sc));
	w->sc = NULL;
	w->capsc = 0;
	if (rc == 0)
		rc = ended_ctx_tf(&e, tf, ntf);
	if (rc == 0)
		rc = ended_ctx_resp(&e, s, w);
	if (rc == 0)
		rc = build_tev(s, w);
	util_map_free(w->rs, w->caprs, sizeof(*w->rs));
	w->rs = NULL;
	w->caprs = 0;
	if (rc == 0) {
		e.window = window;
		e.before = (int)config_limit(cfg, LIMIT_CEM_DAYS_BEFORE);
		e.after = (int)config_limit(cfg, LIMIT_CEM_DAYS_AFTER);
		rc = build_ended(s, w, &e);
	}
	util_map_free(w->tr, w->captr, sizeof(*w->tr));
	w->tr = NULL;
	w->captr = 0;
	ended_ctx_free(&e);
	free(tf);
	if (rc == 0 && (rc = units_by_client(s, IND_UITVAL)) == 0) {
		/* Aanlevering's units are uitval's (struct u_uit). */
		s->ubase[IND_AANLEVERING] = s->ubase[IND_UITVAL];
		s->nbase[IND_AANLEVERING] = s->nbase[IND_UITVAL];
	}
	return rc;
}

/* The cubes of kinds first..last of a snapshot, made by one thread. */
struct kinds_job {
	struct ind_snapshot	*s;
	const struct config	*cfg;
	const struct quest_set	*qs;
	const struct ind_items	*items;
	long long		 k;
	int			 window, today;
	const struct ck_table	*ckt;
	int			 first, last;
	int			 rc;
	uint64_t		 ns_cube, ns_dc;
};

static void *
kinds_thread(void *arg)
{
	struct kinds_job	*j = arg;
	struct ind_snapshot	*s = j->s;
	uint64_t		 t1, cells;
	int			 kind;

	for (kind = j->first; kind <= j->last; kind++) {
		t1 = util_now_ns();
		cells = 0;
		if (ind_cube_build(s, j->cfg, j->qs, j->items, j->k,
		    j->window, j->today, j->ckt, (enum ind_kind)kind,
		    &cells) == -1) {
			j->rc = -1;
			return NULL;
		}
		j->ns_cube += cells;
		/* The cube's time less its cells': the disclosure tables. */
		j->ns_dc += util_now_ns() - t1 - cells;
		units_free_kind(s, kind);
		/* What no later kind reads. */
		if (kind == IND_TEVREDENHEID) {
			free(s->vals);
			s->vals = NULL;
			s->nvals = 0;
		}
	}
	return NULL;
}

/* The disclosure history, loaded while the facts are made. */
struct dch_job {
	struct ind_snapshot	*s;
	int			 rc;
};

static void *
dch_thread(void *arg)
{
	struct dch_job	*j = arg;

	j->rc = dch_begin(j->s);
	return NULL;
}

/* The process's peak RSS so far, in MB. */
static long
peak_mb(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	return ru.ru_maxrss / 1024;
}

/* CPU time of the process, all threads (ns). */
static uint64_t
cpu_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct ind_snapshot *
ind_snapshot_build(const struct config *cfg, const struct quest_set *qs,
    const struct ind_items *items, struct store *st, long long k,
    int window, int today)
{
	return ind_snapshot_build_ck(cfg, qs, items, st, k, window, today,
	    NULL);
}

/*
 * The record keys of the clients (cellkey.h), by dense index: one MAC
 * per client per snapshot, from the pseudonym the store holds.
 */
static int
build_rkeys(struct ind_snapshot *s, const struct ck_ctx *ck,
    const int64_t *clients)
{
	size_t	i;

	if ((s->rkeys = calloc(s->nclients ? s->nclients : 1,
	    sizeof(*s->rkeys))) == NULL)
		return -1;
	for (i = 0; i < s->nclients; i++)
		s->rkeys[i] = ck_record_key(ck, clients[i]);
	s->cellkey = 1;
	return 0;
}

struct ind_snapshot *
ind_snapshot_build_ck(const struct config *cfg, const struct quest_set *qs,
    const struct ind_items *items, struct store *st, long long k,
    int window, int today, const struct ck_ctx *ck)
{
	struct ind_scan_fns	 fns = { raw_score, raw_traj, raw_resp,
				    raw_link, raw_links_done, 1 };
	struct ind_snapshot	*s;
	struct raw		 w;
	int64_t			*clients = NULL;
	size_t			 nsc = 0, ntr = 0, nrs = 0;
	uint64_t		 t0 = util_now_ns(), c0 = cpu_ns(), c1 = 0, c2 = 0;
	long			 mb_store = 0, mb_facts = 0;
	struct kinds_job	 jobs[2];
	struct dch_job		 dj;
	pthread_t		 tid, dtid;
	int			 threaded, dch_threaded = 0;
	int			 kind;

	pthread_once(&malloc_once, malloc_setup);
	memset(&w, 0, sizeof(w));
	w.qs = qs;
	w.gm.cfg = cfg;
	for (kind = 0; kind < 10000; kind++)
		w.gm.ix[kind] = GEM_UNSEEN;
	/* Every gemeente code looked up now: the rows only read the memo. */
	for (kind = 1; kind < 10000; kind++)
		(void)gem_of(&w.gm, kind);
	/* Never fall back to unprotected counts. */
	if ((cfg->disclosure == CFG_DISCLOSURE_CELLKEY) != (ck != NULL)) {
		log_error("indicators: the cell-key method is %s but its key "
		    "is %s", cfg->disclosure == CFG_DISCLOSURE_CELLKEY ?
		    "configured" : "not configured", ck ? "given" : "missing");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->refs = 1;
	pthread_mutex_init(&s->dch_mu, NULL);
	s->dch_store = st;	/* the disclosure history (dc_history.h) */
	if (store_ind_scan(st, &fns, &w, &s->generation) == -1)
		goto fail;
	for (kind = 0; kind < T__N; kind++)
		cids_drop_table(&w.dims[kind].ids);
	s->ns_store = util_now_ns() - t0;
	/*
	 * The history is loaded before the cube (while the facts are made:
	 * the store read is over) and saved after all runs.
	 */
	dj.s = s;
	dj.rc = 0;
	if (ck == NULL &&
	    !(dch_threaded = pthread_create(&dtid, NULL, dch_thread, &dj) == 0))
		(void)dch_thread(&dj);
	c1 = cpu_ns();
	mb_store = peak_mb();
	/*
	 * The rows merged by their dense client (the same client may be in
	 * both trajecten parts when a key link moved it).
	 */
	if (raw_traj_join(&w) == -1 || build_dims(s, &w, &clients) == -1 ||
	    (ck != NULL && build_rkeys(s, ck, clients) == -1))
		goto fail;
	merge_linked(&w);
	free(clients);		/* the record keys are made */
	clients = NULL;
	/*
	 * The answers given by the questionnaires, for the cube, on the
	 * heap as the snapshot keeps them (now that the store read's peak
	 * is behind).
	 */
	if ((s->vals = malloc(w.nvals ? w.nvals : 1)) == NULL)
		goto fail;
	if (w.nvals > 0)
		memcpy(s->vals, w.vals, w.nvals);
	s->nvals = w.nvals;
	util_map_free(w.vals, w.capvals, 1);
	w.vals = NULL;
	w.capvals = 0;
	if (build_facts(s, cfg, &w, window) == -1)
		goto fail;
	nsc = w.nsc;
	ntr = w.ntr;
	nrs = w.nrs;
	s->ns_facts = util_now_ns() - t0 - s->ns_store;
	c2 = cpu_ns();
	mb_facts = peak_mb();
	s->ngem = (int)cfg->ref.ngemeenten;
	s->nclu = (int)cfg->ref.nclusters;
	/*
	 * The cubes of doelrealisatie and tevredenheid in a thread of their
	 * own, uitval and aanlevering (one pattern) in this one; each
	 * kind's units are freed once its cube holds what they add up to.
	 */
	memset(jobs, 0, sizeof(jobs));
	for (kind = 0; kind < 2; kind++) {
		jobs[kind].s = s;
		jobs[kind].cfg = cfg;
		jobs[kind].qs = qs;
		jobs[kind].items = items;
		jobs[kind].k = k;
		jobs[kind].window = window;
		jobs[kind].today = today;
		jobs[kind].ckt = ck != NULL ? ck_ctx_table(ck) : NULL;
		jobs[kind].first = kind == 0 ? IND_DOELREALISATIE : IND_UITVAL;
		jobs[kind].last = kind == 0 ? IND_TEVREDENHEID : IND_AANLEVERING;
	}
	if (dch_threaded) {
		pthread_join(dtid, NULL);
		dch_threaded = 0;
	}
	if (dj.rc == -1)
		goto fail;
	threaded = pthread_create(&tid, NULL, kinds_thread, &jobs[0]) == 0;
	if (!threaded)
		(void)kinds_thread(&jobs[0]);
	(void)kinds_thread(&jobs[1]);
	if (threaded)
		pthread_join(tid, NULL);
	for (kind = 0; kind < 2; kind++) {
		s->ns_cube += jobs[kind].ns_cube;
		s->ns_dc += jobs[kind].ns_dc;
	}
	if (jobs[0].rc == -1 || jobs[1].rc == -1 ||
	    (ck == NULL && dch_end(s) == -1))
		goto fail;
	free(s->rkeys);		/* the cell keys are in the cube */
	s->rkeys = NULL;
	units_free(s);		/* answers come from the cube alone */
	s->today = today;
	s->built_ns = util_now_ns();
	feed_snapshot_built(s->built_ns - t0);
	log_info("indicators: snapshot of %zu scores, %zu trajecten,"
	    " %zu responses built in %llu ms (store %llu, facts %llu, cube "
	    "%llu, disclosure %llu ms; CPU %llu ms, of which store %llu, "
	    "facts %llu; process peak RSS %ld MB after the store read, %ld "
	    "after the facts, %ld in all)",
	    nsc, ntr, nrs,
	    (unsigned long long)((s->built_ns - t0) / 1000000),
	    (unsigned long long)(s->ns_store / 1000000),
	    (unsigned long long)(s->ns_facts / 1000000),
	    (unsigned long long)(s->ns_cube / 1000000),
	    (unsigned long long)(s->ns_dc / 1000000),
	    (unsigned long long)((cpu_ns() - c0) / 1000000),
	    (unsigned long long)((c1 - c0) / 1000000),
	    (unsigned long long)((c2 - c1) / 1000000), mb_store,
	    mb_facts, peak_mb());
	goto out;
fail:
	if (dch_threaded)
		pthread_join(dtid, NULL);
	ind_snapshot_free(s);
	s = NULL;
out:
	free(clients);
	util_map_free(w.sc, w.capsc, sizeof(*w.sc));
	util_map_free(w.tr, w.captr, sizeof(*w.tr));
	util_map_free(w.tr1, w.captr1, sizeof(*w.tr1));
	util_map_free(w.rs, w.caprs, sizeof(*w.rs));
	util_map_free(w.vals, w.capvals, 1);
	free(w.ln);
	for (kind = 0; kind < T__N; kind++) {
		free(w.dims[kind].agbs);
		cids_free(&w.dims[kind].ids);
	}
	malloc_release();
	return s;
}

/* The unit facts of one kind, once its cells hold what they add up to. */
static void
units_free_kind(struct ind_snapshot *s, int k)
{
	int	t, other;

	for (t = 0; t < IND__NPERIODS; t++)
		ind_units_release(s, (enum ind_kind)k, (enum ind_period)t);
	/* Uitval and aanlevering share theirs: the last one frees it. */
	other = k == IND_UITVAL ? IND_AANLEVERING : k == IND_AANLEVERING ?
	    IND_UITVAL : -1;
	if (other < 0 || s->ubase[other] != s->ubase[k])
		free(s->ubase[k]);
	s->ubase[k] = NULL;
	s->nbase[k] = 0;
}

/* The unit facts and answers, once the cube holds what they add up to. */
static void
units_free(struct ind_snapshot *s)
{
	int	k;

	for (k = 0; k < IND__NKINDS; k++)
		units_free_kind(s, k);
	free(s->vals);
	s->vals = NULL;
	s->nvals = 0;
}

void
ind_snapshot_free(struct ind_snapshot *s)
{
	int	k, t;

	if (s == NULL)
		return;
	for (k = 0; k < IND__NKINDS; k++) {
		units_free_kind(s, k);
		for (t = 0; t < IND__NPERIODS; t++)
			ind_cube_free(&s->cube[k][t]);
		dc_free(&s->dc[k]);
	}
	ind_bd_free(s);
	free(s->agbs);
	free(s->vals);
	free(s->rkeys);
	dch_free(s->dch);
	pthread_mutex_destroy(&s->dch_mu);
	free(s);
}

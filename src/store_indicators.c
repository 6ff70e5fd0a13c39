/*
 * What the indicators read from the store: scans over the three detail
 * tables (the trajecten in two parts), which see one consistent state,
 * and the data generation that tells whether anything changed since. The
 * scans run at once, each on a read connection of its own, when those
 * connections can start their read transactions while the shared
 * connection holds the write lock (see scan_conns_open); otherwise one
 * after another in one read transaction of the shared connection.
 * Nothing here returns a row to anyone but the indicator engine, which
 * only ever publishes aggregates.
 *
 * Also the audit writer for indicator queries: every answer is audited
 * before it is sent, and many queries share one commit (group commit), so
 * that auditing costs one fsync per batch instead of one per query.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_impl.h"
#include "util.h"

static void
scan_error(sqlite3 *db, const char *what)
{
	log_error("database: %s: %s", what, sqlite3_errmsg(db));
}

/*
 * Runs sql and calls row() for every result row; stops at the first
 * nonzero return of row. Returns 0, or -1 on a database fault or when row
 * asked to stop.
 */
static int
scan(sqlite3 *db, const char *what, const char *sql,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 rc, ret = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		scan_error(db, what);
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (row(s, arg) != 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		scan_error(db, what);
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
}

/*
 * Column i as an int, dflt when NULL. Through the column's value, so
 * that the statement is asked once, not twice (type, then value): each
 * sqlite3_column_* call costs more than reading the value it returns.
 * The value is only read here, by the one thread that steps s.
 */
static int
col_int(sqlite3_stmt *s, int i, int dflt)
{
	sqlite3_value	*v = sqlite3_column_value(s, i);

	if (sqlite3_value_type(v) == SQLITE_NULL)
		return dflt;
	return sqlite3_value_int(v);
}

/* Column i as an int and whether it is NULL (then -1). */
static int
col_int_null(sqlite3_stmt *s, int i, int *isnull)
{
	sqlite3_value	*v = sqlite3_column_value(s, i);

	*isnull = sqlite3_value_type(v) == SQLITE_NULL;
	return *isnull ? -1 : sqlite3_value_int(v);
}

/*
 * The toewijzingen as the scans need them (prod_key -> categorie, gebied),
 * read once per snapshot into a sorted array of 16 bytes a toewijzing
 * with a bucket index on the key's top bits, instead of a correlated
 * subquery (a B-tree descent) per scanned row. Keys are pseudonymous, so
 * the buckets are even. NULL is kept as -1, which is what the scans make
 * of a NULL anyway.
 */
struct tw_ent {
	int64_t		 key;
	int32_t		 categorie;	/* -1 = NULL */
	int32_t		 gebied;	/* -1 = NULL */
};

/*
 * The map in two halves, the negative keys and the others, each with
 * its own bucket index on the key's next bits: the halves are read at
 * once, each on a connection of its own when the scans run at once.
 */
struct tw_half {
	struct tw_ent	*e;		/* util_map */
	size_t		 n, cap;
	uint32_t	*bucket;	/* (1 << bits) + 1 start offsets */
	int		 bits;
	int		 rc;
};

struct tw_map {
	struct tw_half	 h[2];
	size_t		 n;		/* both halves' */
};

/* The key's place in signed order, as an unsigned number. */
static uint64_t
tw_ord(int64_t key)
{
	return (uint64_t)key ^ ((uint64_t)1 << 63);
}

static const struct tw_half *
tw_half_of(const struct tw_map *m, int64_t key)
{
	return &m->h[key >= 0];
}

/* The bucket of key in its half: the bits after the sign. */
static uint64_t
tw_bucket(const struct tw_half *h, int64_t key)
{
	return (tw_ord(key) << 1) >> (64 - h->bits);
}

static const char *const tw_sql[2] = {
	/* Rowid order: sorted by prod_key without a sort. */
	"SELECT prod_key, categorie, gebied FROM toewijzingen"
	    " WHERE prod_key < 0 ORDER BY prod_key",
	"SELECT prod_key, categorie, gebied FROM toewijzingen"
	    " WHERE prod_key >= 0 ORDER BY prod_key",
};

static void
tw_half_free(struct tw_half *h)
{
	util_map_free(h->e, h->cap, sizeof(*h->e));
	free(h->bucket);
	h->e = NULL;
	h->bucket = NULL;
	h->n = h->cap = 0;
}

/* Half i of the map from db; h->rc 0 or -1. */
static void
tw_load_half(sqlite3 *db, struct tw_half *h, int i)
{
	sqlite3_stmt	*s;
	size_t		 j, nb, cap;
	uint64_t	 b;
	int		 rc;

	memset(h, 0, sizeof(*h));
	h->rc = -1;
	if (sqlite3_prepare_v2(db, tw_sql[i], -1, &s, NULL) != SQLITE_OK) {
		scan_error(db, "scan toewijzingen");
		return;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cap = h->cap;
		if (h->n >= UINT32_MAX - 1 || util_map_grow((void **)&h->e,
		    &h->cap, h->n + 1, sizeof(*h->e)) == -1) {
			log_error("database: scan toewijzingen:"
			    " out of memory");
			rc = SQLITE_NOMEM;
			break;
		}
		if (h->cap != cap)
			util_map_huge(h->e, h->cap * sizeof(*h->e));
		h->e[h->n].key = sqlite3_column_int64(s, 0);
		h->e[h->n].categorie = col_int(s, 1, -1);
		h->e[h->n].gebied = col_int(s, 2, -1);
		h->n++;
	}
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_NOMEM)
			scan_error(db, "scan toewijzingen");
		sqlite3_finalize(s);
		tw_half_free(h);
		return;
	}
	sqlite3_finalize(s);
	/* About 8 toewijzingen a bucket, at most 2^20 buckets (4 MB). */
	for (h->bits = 1; h->bits < 20 &&
	    ((size_t)1 << (h->bits + 3)) < h->n; h->bits++)
		;
	nb = (size_t)1 << h->bits;
	if ((h->bucket = malloc((nb + 1) * sizeof(*h->bucket))) == NULL) {
		log_error("database: scan toewijzingen: out of memory");
		tw_half_free(h);
		return;
	}
	for (j = 0, b = 0; j < h->n; j++) {
		while (b <= tw_bucket(h, h->e[j].key))
			h->bucket[b++] = (uint32_t)j;
	}
	for (; b <= nb; b++)
		h->bucket[b] = (uint32_t)h->n;
	h->rc = 0;
}

/* The second half, in a thread of its own. */
struct tw_job {
	sqlite3		*db;
	struct tw_half	*h;
};

static void *
tw_job_run(void *arg)
{
	struct tw_job	*j = arg;

	tw_load_half(j->db, j->h, 1);
	return NULL;
}

/*
 * The map from db0 (and db1, when not NULL, for the second half at once;
 * both see the same state). 0 or -1.
 */
static int
tw_load(sqlite3 *db0, sqlite3 *db1, struct tw_map *m)
{
	struct tw_job	 j;
	pthread_t	 tid;
	int		 threaded = 0;

	memset(m, 0, sizeof(*m));
	j.db = db1;
	j.h = &m->h[1];
	if (db1 != NULL)
		threaded = pthread_create(&tid, NULL, tw_job_run, &j) == 0;
	tw_load_half(db0, &m->h[0], 0);
	if (threaded)
		pthread_join(tid, NULL);
	else
		tw_load_half(db0, &m->h[1], 1);
	m->n = m->h[0].n + m->h[1].n;
	return m->h[0].rc == 0 && m->h[1].rc == 0 ? 0 : -1;
}

static void
tw_free(struct tw_map *m)
{
	tw_half_free(&m->h[0]);
	tw_half_free(&m->h[1]);
	m->n = 0;
}

/*
 * Where in its bucket b (not empty) key is or would be, as its keys go:
 * they are pseudonymous, even over the bucket's range, so the key's bits
 * after the bucket's place it to within an entry or two. The look-up
 * then reads one cache line (asked for ahead: tw_ahead), not the two or
 * three of a search over the bucket.
 */
static size_t
tw_guess(const struct tw_half *h, int64_t key, uint64_t b)
{
	size_t		 lo = h->bucket[b], n = h->bucket[b + 1] - lo;
	uint64_t	 f = (tw_ord(key) << 1 << h->bits) >> 32;

	return lo + (size_t)((f * n) >> 32);
}

/*
 * The toewijzing of key, or NULL when there is none (m->n > 0): from the
 * guess up or down to the last toewijzing at or below key, which is key's
 * when it has one (the keys are distinct: the table's key).
 */
static const struct tw_ent *
tw_find_key(const struct tw_map *m, int64_t key)
{
	const struct tw_half	*h = tw_half_of(m, key);
	size_t			 lo, hi, j;
	uint64_t		 b;

	if (h->n == 0)
		return NULL;
	b = tw_bucket(h, key);
	lo = h->bucket[b];
	hi = h->bucket[b + 1];
	if (lo == hi)
		return NULL;
	j = tw_guess(h, key, b);
	if (h->e[j].key < key) {
		while (j + 1 < hi && h->e[j + 1].key <= key)
			j++;
	} else {
		while (j > lo && h->e[j].key > key)
			j--;
	}
	return h->e[j].key == key ? &h->e[j] : NULL;
}

/*
 * Asks for the memory looking key up reads (stage 0, then 1): its
 * bucket's bounds, then the line of the guess (tw_guess). Always
 * inlined: GCC finds that a function whose only effect is a prefetch
 * has none, and drops its calls.
 */
static inline __attribute__((always_inline)) void
tw_ahead(const struct tw_map *m, int64_t key, int stage)
{
	const struct tw_half	*h = tw_half_of(m, key);
	uint64_t		 b;

	if (h->n == 0)
		return;
	b = tw_bucket(h, key);
	if (stage == 0)
		__builtin_prefetch(&h->bucket[b]);
	else if (h->bucket[b] != h->bucket[b + 1])
		__builtin_prefetch(&h->e[tw_guess(h, key, b)]);
}

struct scan_ctx {
	void			*fn;
	void			*arg;
	const struct tw_map	*tw;
};

/*
 * The rows of the three tables are read a batch at a time: the rows are
 * read out first, then the toewijzing of each that needs one is looked
 * up, with the memory each look-up reads asked for ahead (prefetch), so
 * that the look-ups, at random over tens of megabytes, wait for memory
 * side by side instead of one after another; then the batch goes to the
 * engine.
 */
#define SCAN_BATCH	64
#define SCAN_AHEAD	12	/* rows whose toewijzingen are asked ahead */

struct scan_batch {
	union {
		struct ind_src_score	sc[SCAN_BATCH];
		struct ind_src_traj	tr[SCAN_BATCH];
		struct ind_src_resp	rs[SCAN_BATCH];
	} r;
	int64_t		 key[SCAN_BATCH];	/* toewijzing to look up */
	uint8_t		 has_key[SCAN_BATCH];
	/* The values left to the toewijzing (coalesce(own, its, -1)). */
	int		*cat[SCAN_BATCH];	/* NULL: the row's own */
	int		*geb[SCAN_BATCH];
	/* Responses: their texts and answers, until the batch is sent. */
	char		*arena;
	size_t		 narena, caparena;
	size_t		 vl_off[SCAN_BATCH], w_off[SCAN_BATCH];
};

/*
 * Row i's toewijzing key in column col, when one of its values (cat, geb;
 * NULL: not) is left to it; those are -1 until it is looked up.
 */
static void
batch_key(struct scan_batch *b, size_t i, const struct tw_map *m,
    sqlite3_stmt *s, int col, int *cat, int *geb)
{
	sqlite3_value	*v;

	b->cat[i] = cat;
	b->geb[i] = geb;
	if (cat != NULL)
		*cat = -1;
	if (geb != NULL)
		*geb = -1;
	/* Like `w.prod_key = col`: NULL and text never match a rowid. */
	b->has_key[i] = m->n > 0 && (cat != NULL || geb != NULL) &&
	    sqlite3_value_type(v = sqlite3_column_value(s, col)) ==
	    SQLITE_INTEGER;
	if (b->has_key[i]) {
		b->key[i] = sqlite3_value_int64(v);
		tw_ahead(m, b->key[i], 0);
	}
}

static void
score_fill(sqlite3_stmt *s, struct scan_batch *b, size_t i,
    const struct tw_map *m)
{
	struct ind_src_score	*r = &b->r.sc[i];
	sqlite3_value		*v;
	int			 nocat, nogeb;

	r->traj = sqlite3_column_int64(s, 0);
	r->agb = sqlite3_column_int(s, 1);
	r->meetdatum = sqlite3_column_int(s, 2);
	r->client = sqlite3_column_int64(s, 3);
	r->gemeente = sqlite3_column_int(s, 4);
	v = sqlite3_column_value(s, 5);
	r->gas_t = sqlite3_value_type(v) == SQLITE_NULL ? NAN :
	    sqlite3_value_double(v);
	r->doelen = sqlite3_column_int(s, 6);
	r->doelen_behaald = sqlite3_column_int(s, 7);
	r->probleemafname = sqlite3_column_int(s, 8);	/* NULL: 0 */
	r->zonder_hulp = col_int(s, 9, -1);
	r->meetmoment = sqlite3_column_int(s, 10);
	r->opt_out = col_int(s, 11, -1);
	r->leeftijd = col_int(s, 12, -1);
	r->geslacht = col_int(s, 13, -1);
	/* coalesce(own value, the toewijzing's, -1): most rows have both. */
	r->categorie = col_int_null(s, 14, &nocat);
	r->gebied = col_int_null(s, 15, &nogeb);
	batch_key(b, i, m, s, 0, nocat ? &r->categorie : NULL,
	    nogeb ? &r->gebied : NULL);
}

static void
traj_fill(sqlite3_stmt *s, struct scan_batch *b, size_t i,
    const struct tw_map *m)
{
	struct ind_src_traj	*r = &b->r.tr[i];

	r->client = sqlite3_column_int64(s, 0);
	r->prod_key = sqlite3_column_int64(s, 1);
	r->begindatum = sqlite3_column_int(s, 2);
	/* NULL is 0 here, as sqlite3_column_int makes it. */
	r->agb = sqlite3_column_int(s, 3);
	r->gemeente = sqlite3_column_int(s, 4);
	r->gestart = sqlite3_column_int(s, 5);
	r->einddatum = sqlite3_column_int(s, 6);
	r->reden = sqlite3_column_int(s, 7);
	r->leeftijd = col_int(s, 8, -1);
	r->geslacht = col_int(s, 9, -1);
	r->categorie = col_int(s, 10, -1);
	/* The gebied is the toewijzing's alone. */
	batch_key(b, i, m, s, 1, NULL, &r->gebied);
}

/* Copies len bytes into the batch's arena; its offset, or -1. */
static int
arena_add(struct scan_batch *b, const void *p, size_t len, size_t *off)
{
	if (util_grow((void **)&b->arena, &b->caparena, b->narena + len + 1,
	    1) == -1)
		return -1;
	if (len > 0)
		memcpy(b->arena + b->narena, p, len);
	b->arena[b->narena + len] = '\0';
	*off = b->narena;
	b->narena += len + 1;
	return 0;
}

static int
resp_fill(sqlite3_stmt *s, struct scan_batch *b, size_t i,
    const struct tw_map *m)
{
	struct ind_src_resp	*r = &b->r.rs[i];
	const unsigned char	*vl;
	const void		*wd;
	int			 n, nogeb;

	r->client = sqlite3_column_int64(s, 0);
	r->agb = sqlite3_column_int(s, 1);
	r->gemeente = sqlite3_column_int(s, 2);
	vl = sqlite3_column_text(s, 3);
	if (arena_add(b, vl != NULL ? (const char *)vl : "",
	    vl != NULL ? (size_t)sqlite3_column_bytes(s, 3) : 0,
	    &b->vl_off[i]) == -1)
		return -1;
	r->respondent = sqlite3_column_int(s, 4);
	r->ingevuld_op = sqlite3_column_int(s, 5);
	wd = sqlite3_column_blob(s, 6);
	n = sqlite3_column_bytes(s, 6);
	r->nwaarden = n > 0 ? (size_t)n : 0;
	if (arena_add(b, wd, wd != NULL ? r->nwaarden : 0, &b->w_off[i]) == -1)
		return -1;
	r->leeftijd = col_int(s, 7, -1);
	r->geslacht = col_int(s, 8, -1);
	/* The toewijzing's categorie; coalesce(own gebied, its, -1). */
	r->gebied = col_int_null(s, 9, &nogeb);
	batch_key(b, i, m, s, 10, &r->categorie, nogeb ? &r->gebied : NULL);
	return 0;
}

/*
 * The scans, in the order they run on one connection: the trajecten, the
 * largest table, in two parts (clients below zero, then the others: its
 * key's order), so that four scans share the cores more evenly than three.
 */
enum { SC_SCORES, SC_TRAJ0, SC_TRAJ1, SC_ANTWOORDEN, SC__N };

/* One table's rows, a batch at a time, to c->fn. */
static int
scan_rows(sqlite3 *db, int table, const char *what, const char *sql,
    struct scan_ctx *c)
{
	const struct tw_map	*m = c->tw;
	const struct tw_ent	*w;
	struct scan_batch	*b;
	sqlite3_stmt		*s;
	size_t			 i, n;
	int			 rc = SQLITE_ROW, ret = 0;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_error("database: %s: out of memory", what);
		return -1;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		scan_error(db, what);
		free(b);
		return -1;
	}
	while (ret == 0 && rc == SQLITE_ROW) {
		b->narena = 0;
		for (n = 0; ret == 0 && n < SCAN_BATCH &&
		    (rc = sqlite3_step(s)) == SQLITE_ROW; n++) {
			if (table == SC_SCORES)
				score_fill(s, b, n, m);
			else if (table != SC_ANTWOORDEN)
				traj_fill(s, b, n, m);
			else if (resp_fill(s, b, n, m) == -1) {
				log_error("database: %s: out of memory",
				    what);
				ret = -1;
			}
		}
		if (ret != 0)
			break;
		for (i = 0; i < n; i++) {
			if (i < SCAN_AHEAD && b->has_key[i])
				tw_ahead(m, b->key[i], 1);
			if (table == SC_ANTWOORDEN) {
				b->r.rs[i].vragenlijst = b->arena +
				    b->vl_off[i];
				b->r.rs[i].waarden = (const signed char *)
				    (b->arena + b->w_off[i]);
			}
		}
		for (i = 0; i < n; i++) {
			if (i + SCAN_AHEAD < n && b->has_key[i + SCAN_AHEAD])
				tw_ahead(m, b->key[i + SCAN_AHEAD], 1);
			if (!b->has_key[i] ||
			    (w = tw_find_key(m, b->key[i])) == NULL)
				continue;
			if (b->cat[i] != NULL)
				*b->cat[i] = w->categorie;
			if (b->geb[i] != NULL)
				*b->geb[i] = w->gebied;
		}
		if (n > 0 && (table == SC_SCORES ?
		    ((int (*)(const struct ind_src_score *, size_t, void *))
		    c->fn)(b->r.sc, n, c->arg) : table != SC_ANTWOORDEN ?
		    ((int (*)(const struct ind_src_traj *, size_t, int,
		    void *))c->fn)(b->r.tr, n, table == SC_TRAJ1, c->arg) :
		    ((int (*)(const struct ind_src_resp *, size_t, void *))
		    c->fn)(b->r.rs, n, c->arg)) != 0)
			ret = -1;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		scan_error(db, what);
		ret = -1;
	}
	sqlite3_finalize(s);
	free(b->arena);
	free(b);
	return ret;
}

static int
link_row(sqlite3_stmt *s, void *arg)
{
	struct scan_ctx		*c = arg;
	int (*fn)(const struct ind_src_link *, void *) =
	    (int (*)(const struct ind_src_link *, void *))c->fn;
	struct ind_src_link	 r;

	r.kind = sqlite3_column_int(s, 0);
	r.old = sqlite3_column_int64(s, 1);
	r.new_ = sqlite3_column_int64(s, 2);
	return fn(&r, c->arg);
}

/* The highest upload id; the caller holds the lock. -1 on a fault. */
static int64_t
data_generation(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 g = -1;

	/*
	 * Purges delete without a new receipt; their count (store_purge.c)
	 * in the high bits moves the generation all the same.
	 */
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) +"
	    " (coalesce((SELECT CAST(value AS INTEGER) FROM meta"
	    " WHERE key = 'purges'), 0) << 40) FROM uploads", -1, &s,
	    NULL) != SQLITE_OK) {
		scan_error(st->db, "data generation");
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		g = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return g;
}

#define SCAN_CACHE_KIB	"256"	/* page cache of a scan's own connection */

static const struct scan_def {
	const char	*what;
	const char	*sql;
} scan_defs[SC__N] = {
	{ "scan scores", "SELECT traj, agb, meetdatum, client, gemeente,"
	    " gas_t, doelen, doelen_behaald, probleemafname, zonder_hulp,"
	    " meetmoment, opt_out, leeftijd, geslacht, productcategorie,"
	    " gebied FROM scores WHERE meetmoment = 3 OR opt_out IS NOT NULL" },
	{ "scan trajecten", "SELECT client, prod_key, begindatum, agb,"
	    " gemeente, gestart, einddatum, reden, leeftijd, geslacht,"
	    " categorie FROM trajecten WHERE client < 0" },
	{ "scan trajecten", "SELECT client, prod_key, begindatum, agb,"
	    " gemeente, gestart, einddatum, reden, leeftijd, geslacht,"
	    " categorie FROM trajecten WHERE client >= 0" },
	{ "scan antwoorden", "SELECT client, agb, gemeente, vragenlijst,"
	    " respondent, ingevuld_op, waarden, leeftijd, geslacht, gebied,"
	    " toewijzing FROM antwoorden" },
};

/* One table's scan, on its own connection when the scans run at once. */
struct scan_job {
	sqlite3		*db;
	int		 table;
	struct scan_ctx	 c;
	int		 rc;
};

static void *
scan_job_run(void *arg)
{
	struct scan_job	*j = arg;

	j->rc = scan_rows(j->db, j->table, scan_defs[j->table].what,
	    scan_defs[j->table].sql, &j->c);
	return NULL;
}

static void
scan_conns_close(sqlite3 **db, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		if (db[i] == NULL)
			continue;
		sqlite3_exec(db[i], "COMMIT", NULL, NULL, NULL);
		sqlite3_close(db[i]);
		db[i] = NULL;
	}
}

/*
 * Opens SC__N read connections, each in a read transaction on exactly
 * the state the shared connection sees, and reads the generation of that
 * state. The shared connection takes the write lock first (BEGIN
 * IMMEDIATE, without waiting: a writer at work means the scans run on it
 * alone); in WAL mode a read transaction sees the last commit when it
 * starts (its first read), and no commit can come while the write lock
 * is held, so every connection started meanwhile sees that same commit.
 * The lock is given back at once. Returns 0, or -1 with no connection
 * open and no transaction on the shared one. The caller holds st->lock.
 */
static int
scan_conns_open(struct store *st, sqlite3 **db, int64_t *generation)
{
	sqlite3_stmt	*s;
	int		 i, ok;

	sqlite3_busy_timeout(st->db, 0);
	ok = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK;
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	if (!ok)
		return -1;
	for (i = 0; ok && i < SC__N; i++) {
		s = NULL;
		ok = sqlite3_open_v2(st->path, &db[i], SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL) ==
		    SQLITE_OK &&
		    sqlite3_busy_timeout(db[i], STORE_BUSY_TIMEOUT_MS) ==
		    SQLITE_OK &&
		    /* A scan reads each page once: a small cache will do. */
		    sqlite3_exec(db[i], "PRAGMA cache_size = -" SCAN_CACHE_KIB
		    "; BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db[i], "SELECT count(*) FROM"
		    " sqlite_schema", -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	if (ok)
		ok = (*generation = data_generation(st)) >= 0;
	store_exec(st, "ROLLBACK", NULL, 0);
	if (!ok) {
		scan_conns_close(db, SC__N);
		return -1;
	}
	return 0;
}

int
store_ind_scan(struct store *st, const struct ind_scan_fns *f, void *arg,
    int64_t *generation)
{
	struct scan_job	 job[SC__N];
	struct scan_ctx	 c;
	struct tw_map	 tw;
	sqlite3		*db[SC__N], *d0;
	pthread_t	 tid[SC__N];
	int		 started[SC__N];
	int		 ret = -1, conc, locked, i;
	void		*fn[SC__N] = { (void *)f->score, (void *)f->traj,
			    (void *)f->traj, (void *)f->resp };

	memset(&tw, 0, sizeof(tw));
	memset(db, 0, sizeof(db));
	memset(started, 0, sizeof(started));
	pthread_mutex_lock(&st->lock);
	locked = 1;
	/*
	 * Each table on a connection of its own, or one read transaction
	 * on the shared connection: either way the scans see one state.
	 */
	conc = f->concurrent && scan_conns_open(st, db, generation) == 0;
	if (conc) {
		/* The shared connection is not used again. */
		pthread_mutex_unlock(&st->lock);
		locked = 0;
		d0 = db[0];
	} else {
		if (store_exec(st, "BEGIN", NULL, 0) == -1)
			goto out;
		if ((*generation = data_generation(st)) < 0)
			goto end;
		d0 = st->db;
	}
	c.arg = arg;
	c.tw = &tw;
	if ((f->score != NULL || f->traj != NULL || f->resp != NULL) &&
	    tw_load(d0, conc ? db[1] : NULL, &tw) == -1)
		goto end;
	if (f->link != NULL) {
		c.fn = (void *)f->link;
		if (scan(d0, "scan key links", "SELECT kind, old, new"
		    " FROM key_links", link_row, &c) == -1)
			goto end;
	}
	if (f->links_done != NULL && f->links_done(arg) != 0)
		goto end;
	for (i = 0; i < SC__N; i++) {
		job[i].db = conc ? db[i] : st->db;
		job[i].table = i;
		job[i].c = c;
		job[i].c.fn = fn[i];
		job[i].rc = 0;
		if (fn[i] == NULL)
			continue;
		if (conc && i > 0 && pthread_create(&tid[i], NULL,
		    scan_job_run, &job[i]) == 0)
			started[i] = 1;
		else if (!conc || i > 0)
			(void)scan_job_run(&job[i]);
	}
	/* The first table in this thread, while the others run. */
	if (conc && fn[0] != NULL)
		(void)scan_job_run(&job[0]);
	for (i = 0; i < SC__N; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	for (i = 0; i < SC__N; i++)
		if (job[i].rc == -1)
			goto end;
	ret = 0;
end:
	if (!conc)
		store_exec(st, "COMMIT", NULL, 0);
out:
	if (locked)
		pthread_mutex_unlock(&st->lock);
	scan_conns_close(db, SC__N);
	tw_free(&tw);
	return ret;
}

int64_t
store_data_generation(struct store *st)
{
	int64_t	g;

	pthread_mutex_lock(&st->lock);
	g = data_generation(st);
	pthread_mutex_unlock(&st->lock);
	return g;
}

/*
 * The audit writer. Callers append an entry and wait for the commit that
 * holds it; the thread commits whatever is waiting in one transaction.
 * An entry belongs to its caller: the writer only marks it settled.
 */
struct audit_entry {
	int64_t			 party_id;
	const char		*action;
	const char		*detail;
	int			 settled;
	int			 rc;
	struct audit_entry	*next;
};

struct store_auditw {
	struct store		*st;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* entries waiting, or stop */
	pthread_cond_t		 settled;	/* a batch was committed */
	struct audit_entry	*head, **tail;
	int			 stop;
};

static int
auditw_commit(struct store_auditw *w, struct audit_entry *list)
{
	struct audit_entry	*e;
	sqlite3_stmt		*s = NULL;
	char			 now[21];
	int			 ok = 1;

	util_utc_iso8601(now);
	pthread_mutex_lock(&w->st->lock);
	if (store_exec(w->st, "BEGIN IMMEDIATE", NULL, 0) == -1) {
		pthread_mutex_unlock(&w->st->lock);
		return -1;
	}
	if (sqlite3_prepare_v2(w->st->db, "INSERT INTO audit (at, party_id,"
	    " action, detail) VALUES (?1, ?2, ?3, ?4)", -1, &s,
	    NULL) != SQLITE_OK) {
		scan_error(w->st->db, "audit");
		ok = 0;
	}
	for (e = list; ok && e != NULL; e = e->next) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
		if (e->party_id > 0)
			sqlite3_bind_int64(s, 2, e->party_id);
		sqlite3_bind_text(s, 3, e->action, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, e->detail, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			scan_error(w->st->db, "audit");
			ok = 0;
		}
	}
	sqlite3_finalize(s);
	if (ok && store_exec(w->st, "COMMIT", NULL, 0) == -1)
		ok = 0;
	if (!ok)
		store_exec(w->st, "ROLLBACK", NULL, 0);
	pthread_mutex_unlock(&w->st->lock);
	return ok ? 0 : -1;
}

static void *
auditw_main(void *arg)
{
	struct store_auditw	*w = arg;
	struct audit_entry	*list, *e, *next;
	int			 rc;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->head == NULL)
			break;
		list = w->head;
		w->head = NULL;
		w->tail = &w->head;
		pthread_mutex_unlock(&w->mu);

		rc = auditw_commit(w, list);

		pthread_mutex_lock(&w->mu);
		for (e = list; e != NULL; e = next) {
			next = e->next;	/* e is its caller's once settled */
			e->rc = rc;
			e->settled = 1;
		}
		pthread_cond_broadcast(&w->settled);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
store_auditw_start(struct store *st, struct store_auditw **out)
{
	struct store_auditw	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->st = st;
	w->tail = &w->head;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->settled, NULL);
	if (pthread_create(&w->thread, NULL, auditw_main, w) != 0) {
		pthread_cond_destroy(&w->settled);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int
store_auditw_log(struct store_auditw *w, int64_t party_id,
    const char *action, const char *detail)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.party_id = party_id;
	e.action = action;
	e.detail = detail;
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	*w->tail = &e;
	w->tail = &e.next;
	pthread_cond_signal(&w->work);
	while (!e.settled)
		pthread_cond_wait(&w->settled, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return e.rc;
}

void
store_auditw_stop(struct store_auditw *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->settled);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

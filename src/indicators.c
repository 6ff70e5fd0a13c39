/*
 * Indicator answers: query parsing, scope, aggregation over the snapshot
 * (ind_snapshot.c), disclosure control (disclosure.c), JSON and CSV, the
 * answer cache and the audit. Definitions: docs/indicators.md.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dates.h"
#include "disclosure.h"
#include "ind_impl.h"
#include "log.h"
#include "util.h"

static const char *const kind_names[IND__NKINDS] = {
	[IND_DOELREALISATIE] = "doelrealisatie",
	[IND_TEVREDENHEID] = "tevredenheid",
	[IND_UITVAL] = "uitval",
};
static const char *const by_names[] = {
	"aanbieder", "gemeente", "cluster", "regio"
};
static const char *const period_names[IND__NPERIODS] = {
	"month", "quarter", "year"
};
static const char *const reden_keys[IND_NREDEN] = {
	"02", "31", "32", "33", "34", "35", "36", "37", "38", "39", "overig"
};

int
ind_kind_parse(const char *s, enum ind_kind *k)
{
	int	i;

	for (i = 0; i < IND__NKINDS; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum ind_kind)i;
			return 0;
		}
	return -1;
}

const char *
ind_kind_name(enum ind_kind k)
{
	return kind_names[k];
}

/* ------------------------------------------------------------------ */
/* Query parameters */

static int
bad(char *code, size_t codelen, char *msg, size_t msglen, const char *c,
    const char *text)
{
	util_fmt(code, codelen, "%s", c);
	util_fmt(msg, msglen, "%s", text);
	return -1;
}

/* "YYYY-MM" into a month index. */
static int
parse_month(const char *s, int *mi)
{
	int	y, m;

	if (strlen(s) != 7 || s[4] != '-' || !util_all_digits(s, 4) ||
	    !util_all_digits(s + 5, 2))
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < IND_YEAR0 || y >= IND_YEAR0 + IND_YEARS || m < 1 || m > 12)
		return -1;
	*mi = (y - IND_YEAR0) * 12 + m - 1;
	return 0;
}

/*
 * Splits a comma-separated value into at most IND_FILTER_MAX items and
 * calls one() on each; -1 when an item is refused or there are too many.
 */
static int
each_value(const char *v, int (*one)(const char *, size_t, void *),
    void *arg, size_t *count)
{
	const char	*p = v, *e;
	size_t		 n = 0;

	for (;;) {
		e = strchr(p, ',');
		if (n == IND_FILTER_MAX)
			return -1;
		if (one(p, e ? (size_t)(e - p) : strlen(p), arg) == -1)
			return -1;
		n++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	*count = n;
	return 0;
}

struct filt_ctx {
	const struct config	*cfg;
	struct ind_query	*q;
};

static int
one_gemeente(const char *s, size_t len, void *arg)
{
	struct filt_ctx			*c = arg;
	const struct cfg_gemeente	*g;
	int				 retired;

	if (len != 4 || !util_all_digits(s, 4) ||
	    (g = config_gemeente(c->cfg, s, &retired)) == NULL)
		return -1;
	c->q->gemeenten[c->q->ngemeenten++] =
	    (size_t)(g - c->cfg->ref.gemeenten);
	return 0;
}

static int
one_cluster(const char *s, size_t len, void *arg)
{
	struct filt_ctx			*c = arg;
	char				 name[CFG_NAME_MAX];
	const struct cfg_cluster	*cl;

	if (len == 0 || len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	if ((cl = config_cluster(c->cfg, name)) == NULL)
		return -1;
	c->q->clusters[c->q->nclusters++] =
	    (size_t)(cl - c->cfg->ref.clusters);
	return 0;
}

static int
one_aanbieder(const char *s, size_t len, void *arg)
{
	struct filt_ctx	*c = arg;
	long long	 v;

	if (len != 8 || util_memtonum(s, len, 0, 99999999, &v) == -1)
		return -1;
	c->q->aanbieders[c->q->naanbieders++] = (int)v;
	return 0;
}

int
ind_query_parse(const struct config *cfg, int today, enum ind_kind kind,
    const char *(*get)(void *, const char *), void *arg,
    const char *const *names, struct ind_query *q, char *code,
    size_t codelen, char *msg, size_t msglen)
{
	static const char *const known[] = { "by", "period", "from", "to",
	    "cluster", "gemeente", "aanbieder", "format", NULL };
	struct filt_ctx	 fc = { cfg, q };
	const char	*v;
	size_t		 i, j, n;
	int		 cur;

	memset(q, 0, sizeof(*q));
	q->kind = kind;
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		for (j = 0; known[j] != NULL; j++)
			if (strcmp(names[i], known[j]) == 0)
				break;
		if (known[j] == NULL)
			return bad(code, codelen, msg, msglen, "bad_parameter",
			    "unknown parameter; known are by, period, from,"
			    " to, cluster, gemeente, aanbieder, format");
	}
	q->by = IND_BY_AANBIEDER;
	if ((v = get(arg, "by")) != NULL) {
		for (i = 0; i < 4; i++)
			if (strcmp(v, by_names[i]) == 0)
				break;
		if (i == 4)
			return bad(code, codelen, msg, msglen, "bad_parameter",
			    "by must be aanbieder, gemeente, cluster or"
			    " regio");
		q->by = (enum ind_by)i;
	}
	q->period = IND_QUARTER;
	if ((v = get(arg, "period")) != NULL) {
		for (i = 0; i < IND__NPERIODS; i++)
			if (strcmp(v, period_names[i]) == 0)
				break;
		if (i == IND__NPERIODS)
			return bad(code, codelen, msg, msglen, "bad_parameter",
			    "period must be month, quarter or year");
		q->period = (enum ind_period)i;
	}
	if ((v = get(arg, "format")) != NULL) {
		if (strcmp(v, "csv") == 0)
			q->csv = 1;
		else if (strcmp(v, "json") != 0)
			return bad(code, codelen, msg, msglen, "bad_parameter",
			    "format must be json or csv");
	}
	cur = ind_period_of(today, IND_MONTH);
	q->to = cur < 0 ? 0 : cur;
	if ((v = get(arg, "to")) != NULL && parse_month(v, &q->to) == -1)
		return bad(code, codelen, msg, msglen, "bad_parameter",
		    "to must be a month YYYY-MM, from 2000-01");
	q->from = q->to - 11 < 0 ? 0 : q->to - 11;
	if ((v = get(arg, "from")) != NULL && parse_month(v, &q->from) == -1)
		return bad(code, codelen, msg, msglen, "bad_parameter",
		    "from must be a month YYYY-MM, from 2000-01");
	if (q->from > q->to)
		return bad(code, codelen, msg, msglen, "bad_range",
		    "from is after to");
	if ((long long)(q->to - q->from + 1) >
	    config_limit(cfg, LIMIT_IND_MONTHS_MAX)) {
		char	text[96];

		util_fmt(text, sizeof(text), "from..to spans more than %lld"
		    " months", config_limit(cfg, LIMIT_IND_MONTHS_MAX));
		return bad(code, codelen, msg, msglen, "bad_range", text);
	}
	if ((v = get(arg, "gemeente")) != NULL &&
	    each_value(v, one_gemeente, &fc, &n) == -1)
		return bad(code, codelen, msg, msglen, "bad_parameter",
		    "gemeente must be one or more comma-separated 4-digit"
		    " gemeentecodes of the region");
	if ((v = get(arg, "cluster")) != NULL &&
	    each_value(v, one_cluster, &fc, &n) == -1)
		return bad(code, codelen, msg, msglen, "bad_parameter",
		    "cluster must be one or more comma-separated cluster"
		    " names of the region");
	if ((v = get(arg, "aanbieder")) != NULL &&
	    each_value(v, one_aanbieder, &fc, &n) == -1)
		return bad(code, codelen, msg, msglen, "bad_parameter",
		    "aanbieder must be one or more comma-separated 8-digit"
		    " AGB codes");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Scope: who may see which population */

struct pop {
	uint8_t		 gem_ok[CFG_MAX_GEMEENTEN];
	size_t		 ngem_ok;
	int		 agb_filter;		/* restricted to agbs[] */
	int		 agbs[IND_FILTER_MAX];
	size_t		 nagbs;
	int		 vergelijking;		/* aanbieder: add cluster cells */
	int		 own_agb;
};

/*
 * The population q may see for party p: filters narrow the party's
 * scope, never widen it, and a filter naming something outside the scope
 * is refused (403) rather than quietly dropped.
 */
static int
scope_apply(const struct config *cfg, const struct party *p,
    const struct ind_query *q, struct pop *pop, char *code, size_t codelen,
    char *msg, size_t msglen)
{
	uint8_t		 scope[CFG_MAX_GEMEENTEN], filt[CFG_MAX_GEMEENTEN];
	size_t		 i, j, g;
	int		 any_filter = q->ngemeenten || q->nclusters;
	const struct cfg_gemeente *ge;
	int		 retired;

	memset(pop, 0, sizeof(*pop));
	pop->own_agb = -1;
	memset(scope, 1, sizeof(scope));
	if (p != NULL && p->role == ROLE_ANALIST) {
		memset(scope, 0, sizeof(scope));
		for (i = 0; i < p->nscopes; i++) {
			const struct party_scope *s = &p->scopes[i];

			for (g = 0; g < cfg->ref.ngemeenten; g++) {
				ge = &cfg->ref.gemeenten[g];
				if ((s->kind == SCOPE_CLUSTER && strcmp(
				    cfg->ref.clusters[ge->cluster].name,
				    s->value) == 0) ||
				    (s->kind == SCOPE_GEMEENTE &&
				    config_gemeente(cfg, s->value, &retired) ==
				    ge))
					scope[g] = 1;
			}
		}
	} else if (p != NULL && p->role != ROLE_AANBIEDER) {
		util_fmt(code, codelen, "forbidden");
		util_fmt(msg, msglen, "this role may not read indicators");
		return -1;
	}
	/* The filters, as a set of gemeenten. */
	memset(filt, any_filter ? 0 : 1, sizeof(filt));
	for (i = 0; i < q->ngemeenten; i++)
		filt[q->gemeenten[i]] = 1;
	for (i = 0; i < q->nclusters; i++)
		for (g = 0; g < cfg->ref.ngemeenten; g++)
			if (cfg->ref.gemeenten[g].cluster == q->clusters[i])
				filt[g] = 1;
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		if (any_filter && filt[g] && !scope[g]) {
			util_fmt(code, codelen, "out_of_scope");
			util_fmt(msg, msglen, "a gemeente or cluster filter"
			    " lies outside your scope");
			return -1;
		}
		pop->gem_ok[g] = filt[g] && scope[g];
		pop->ngem_ok += pop->gem_ok[g];
	}
	if (p != NULL && p->role == ROLE_AANBIEDER) {
		long long	own;

		if (util_memtonum(p->agb, strlen(p->agb), 0, 99999999,
		    &own) == -1) {
			util_fmt(code, codelen, "forbidden");
			util_fmt(msg, msglen, "party has no AGB code");
			return -1;
		}
		for (i = 0; i < q->naanbieders; i++)
			if (q->aanbieders[i] != (int)own) {
				util_fmt(code, codelen, "out_of_scope");
				util_fmt(msg, msglen, "an aanbieder sees its"
				    " own AGB code only");
				return -1;
			}
		pop->agb_filter = 1;
		pop->agbs[0] = (int)own;
		pop->nagbs = 1;
		pop->vergelijking = 1;
		pop->own_agb = (int)own;
	} else if (q->naanbieders > 0) {
		/* Distinct and ascending: the order of the answer's cells. */
		pop->agb_filter = 1;
		for (i = 0; i < q->naanbieders; i++) {
			for (j = 0; j < pop->nagbs; j++)
				if (pop->agbs[j] >= q->aanbieders[i])
					break;
			if (j < pop->nagbs && pop->agbs[j] == q->aanbieders[i])
				continue;
			memmove(pop->agbs + j + 1, pop->agbs + j,
			    (pop->nagbs - j) * sizeof(pop->agbs[0]));
			pop->agbs[j] = q->aanbieders[i];
			pop->nagbs++;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The engine */

struct cache_entry {
	char		*key;
	char		*body;
	size_t		 len;
	int		 csv;
	long		 cells, suppressed;
};

struct ind_engine {
	const struct config	*cfg;
	const struct quest_set	*qs;
	struct ind_items	*items;
	struct store		*rd;		/* snapshot reads */
	struct store		*aud;		/* the audit writer's */
	struct store_auditw	*auditw;
	pthread_mutex_t		 mu;		/* cur, cache */
	pthread_mutex_t		 build_mu;	/* one rebuild at a time */
	pthread_t		 refresh_thread;
	int			 refreshing;	/* the thread runs */
	pthread_mutex_t		 stop_mu;
	pthread_cond_t		 stop_cv;
	int			 stopping;
	struct ind_snapshot	*cur;
	struct cache_entry	*cache;
	size_t			 ncache, capcache;
};

static void	*refresher(void *);

int
ind_engine_open(const struct config *cfg, const struct quest_set *qs,
    const char *dbpath, int background, struct ind_engine **out, char *err,
    size_t errlen)
{
	struct ind_engine	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->items = malloc(sizeof(*e->items))) == NULL) {
		free(e);
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	e->cfg = cfg;
	e->qs = qs;
	ind_items_build(qs, e->items);
	pthread_mutex_init(&e->mu, NULL);
	pthread_mutex_init(&e->build_mu, NULL);
	pthread_mutex_init(&e->stop_mu, NULL);
	pthread_cond_init(&e->stop_cv, NULL);
	e->capcache = (size_t)config_limit(cfg, LIMIT_IND_CACHE);
	if (errlen > 0)
		err[0] = '\0';
	if (store_open(dbpath, 0, &e->rd, err, errlen) == -1 ||
	    store_open(dbpath, 0, &e->aud, err, errlen) == -1 ||
	    store_auditw_start(e->aud, &e->auditw) == -1) {
		if (errlen > 0 && err[0] == '\0')
			util_fmt(err, errlen, "cannot start the audit writer");
		ind_engine_close(e);
		return -1;
	}
	if (background && config_limit(cfg, LIMIT_IND_REFRESH_S) > 0) {
		if (pthread_create(&e->refresh_thread, NULL, refresher, e) !=
		    0) {
			util_fmt(err, errlen, "cannot start the indicator "
			    "refresher");
			ind_engine_close(e);
			return -1;
		}
		e->refreshing = 1;
	}
	*out = e;
	return 0;
}

static void
cache_clear(struct ind_engine *e)
{
	size_t	i;

	for (i = 0; i < e->ncache; i++) {
		free(e->cache[i].key);
		free(e->cache[i].body);
	}
	e->ncache = 0;
}

static void
snap_release(struct ind_engine *e, struct ind_snapshot *s)
{
	int	last;

	pthread_mutex_lock(&e->mu);
	last = --s->refs == 0;
	pthread_mutex_unlock(&e->mu);
	if (last)
		ind_snapshot_free(s);
}

void
ind_engine_close(struct ind_engine *e)
{
	if (e == NULL)
		return;
	if (e->refreshing) {
		pthread_mutex_lock(&e->stop_mu);
		e->stopping = 1;
		pthread_cond_signal(&e->stop_cv);
		pthread_mutex_unlock(&e->stop_mu);
		pthread_join(e->refresh_thread, NULL);
	}
	store_auditw_stop(e->auditw);
	store_close(e->aud);
	store_close(e->rd);
	if (e->cur != NULL)
		snap_release(e, e->cur);
	cache_clear(e);
	free(e->cache);
	free(e->items);
	pthread_cond_destroy(&e->stop_cv);
	pthread_mutex_destroy(&e->stop_mu);
	pthread_mutex_destroy(&e->build_mu);
	pthread_mutex_destroy(&e->mu);
	free(e);
}

/*
 * Makes sure the current snapshot holds the data as of now: compares the
 * data generation and the date with the current one's and builds a new
 * one when they differ. Callers hold build_mu, so one build runs at a
 * time. Returns 0, or -1 when there is no usable snapshot.
 */
static int
snap_refresh(struct ind_engine *e, int today)
{
	struct ind_snapshot	*old, *n;
	int64_t			 g;

	g = store_data_generation(e->rd);
	pthread_mutex_lock(&e->mu);
	if (e->cur != NULL && g == e->cur->generation &&
	    e->cur->today == today) {
		pthread_mutex_unlock(&e->mu);
		return 0;
	}
	pthread_mutex_unlock(&e->mu);
	if ((n = ind_snapshot_build(e->cfg, e->qs, e->items, e->rd,
	    config_limit(e->cfg, LIMIT_K),
	    (int)config_limit(e->cfg, LIMIT_HERINSTROOM_MONTHS),
	    today)) == NULL)
		return e->cur != NULL ? 0 : -1;
	pthread_mutex_lock(&e->mu);
	old = e->cur;
	e->cur = n;
	cache_clear(e);
	pthread_mutex_unlock(&e->mu);
	if (old != NULL)
		snap_release(e, old);
	return 0;
}

/*
 * The background refresher of the daemon: builds the first snapshot at
 * start, then looks every indicator_refresh_s seconds whether data came
 * in, and builds the next one while queries go on with the current one.
 * A query so never waits for a build, except before the first.
 */
static void *
refresher(void *arg)
{
	struct ind_engine	*e = arg;
	struct timespec		 ts;
	long long		 ttl = config_limit(e->cfg, LIMIT_IND_REFRESH_S);

	pthread_mutex_lock(&e->stop_mu);
	while (!e->stopping) {
		pthread_mutex_unlock(&e->stop_mu);
		pthread_mutex_lock(&e->build_mu);
		snap_refresh(e, date_today(time(NULL)));
		pthread_mutex_unlock(&e->build_mu);
		pthread_mutex_lock(&e->stop_mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)ttl;
		while (!e->stopping && pthread_cond_timedwait(&e->stop_cv,
		    &e->stop_mu, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&e->stop_mu);
	return NULL;
}

/*
 * The snapshot to answer from. With the refresher running, the current
 * one (it is at most indicator_refresh_s plus a build behind). Without
 * it (the CLI, or indicator_refresh_s 0), one that holds all data
 * committed before the query: the data generation is checked each time.
 */
static struct ind_snapshot *
snap_acquire(struct ind_engine *e, int today)
{
	struct ind_snapshot	*s = NULL;

	pthread_mutex_lock(&e->mu);
	if (e->refreshing && e->cur != NULL && e->cur->today == today) {
		s = e->cur;
		s->refs++;
	}
	pthread_mutex_unlock(&e->mu);
	if (s != NULL)
		return s;
	pthread_mutex_lock(&e->build_mu);
	if (snap_refresh(e, today) == 0) {
		pthread_mutex_lock(&e->mu);
		if ((s = e->cur) != NULL)
			s->refs++;
		pthread_mutex_unlock(&e->mu);
	}
	pthread_mutex_unlock(&e->build_mu);
	return s;
}

/* ------------------------------------------------------------------ */
/* The answer */

struct run {
	const struct config	*cfg;
	const struct ind_query	*q;
	struct ind_snapshot	*snap;
	const struct ind_items	*items;
	struct pop		*pop;
	const struct layout	*lay;
	long long		 k;
	int			 window;
};

/* A cell of the answer and the suppression pattern it is read with. */
struct out {
	const struct cell	*c;
	const struct dc_table	*dc;
	size_t			 verg;	/* vergelijking: its index + 1 */
	const struct cell	*own;	/* vergelijking: the asker's cell */
};

/* A vergelijking: its own copy of the cluster's cell, its own pattern. */
struct verg {
	struct cell		 copy;
	struct dc_table		 dc;
};

static int64_t	verg_clients(int64_t all, int64_t own);

/*
 * The clients behind sub-count i (the answers to one item, the T-scores)
 * of c: for a vergelijking also those of the rest of the cluster, whose
 * mean the asking aanbieder could work out from its own.
 */
static int64_t
sub_clients(const struct cell *c, const struct cell *own, int i)
{
	if (own == NULL)
		return c->sub[i].clients;
	return verg_clients(c->sub[i].clients, own->sub[i].clients);
}

static int
geo_cluster(const struct run *r, int geo)
{
	if (geo < r->snap->ngem)
		return (int)r->cfg->ref.gemeenten[geo].cluster;
	if (geo < IND_GEO_REGIO(r->snap))
		return geo - r->snap->ngem;
	return -1;
}

static int
window_closed(const struct run *r, int p)
{
	return ind_window_closed(p, r->q->period, r->snap->today, r->window);
}

/* ------------------------------------------------------------------ */
/* Writing: JSON, and CSV for Dutch Excel (BOM, ';', decimal comma). */

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	char	*q;
	size_t	 ncap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap * 2 : 65536;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((q = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* v in decimal; no locale, no printf. */
static void
buf_ll(struct buf *b, long long v)
{
	char			 tmp[24];
	int			 n = (int)sizeof(tmp);
	unsigned long long	 u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--n] = '-';
	buf_add(b, tmp + n, sizeof(tmp) - (size_t)n);
}

/* x with dec decimals (0..2), rounded half away from zero, no locale. */
static void
buf_fixed(struct buf *b, double x, int dec, char point)
{
	long long	scale = dec == 0 ? 1 : dec == 1 ? 10 : 100, v;
	char		frac[3];

	v = llround(x * (double)scale);
	if (v < 0) {
		buf_add(b, "-", 1);
		v = -v;
	}
	buf_ll(b, v / scale);
	if (dec > 0) {
		frac[0] = point;
		frac[1] = (char)('0' + (dec == 2 ? v % 100 / 10 : v % 10));
		frac[2] = (char)('0' + v % 10);
		buf_add(b, frac, (size_t)dec + 1);
	}
}

/* A JSON string; the values are codes and names, escaped all the same. */
static void
buf_json_str(struct buf *b, const char *s)
{
	char	esc[8];
	size_t	run;

	buf_add(b, "\"", 1);
	while (*s != '\0') {
		for (run = 0; s[run] != '\0' && s[run] != '"' &&
		    s[run] != '\\' && (unsigned char)s[run] >= 0x20; run++)
			;
		buf_add(b, s, run);
		s += run;
		if (*s == '\0')
			break;
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			buf_add(b, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned)(unsigned char)*s);
			buf_add(b, esc, 6);
		}
		s++;
	}
	buf_add(b, "\"", 1);
}

/* A CSV text field: quoted, quotes doubled. */
static void
buf_csv_str(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_add(b, "\"", 1);
		buf_add(b, s, 1);
	}
	buf_add(b, "\"", 1);
}

/* ------------------------------------------------------------------ */
/*
 * A cell as a list of fields: JSON keys with nesting marks, each leaf
 * also naming its CSV column. The JSON writer walks the list; the CSV
 * writer puts each leaf in its column. One list, so both formats always
 * agree.
 */

enum fkind {
	F_OPEN,		/* "key":{ */
	F_CLOSE,	/* } */
	F_STR,
	F_BOOL,
	F_INT,
	F_NUM,
	F_NULL,
	F_AGB,		/* i as an 8-digit code */
	F_PERIOD	/* i as a period label */
};

struct field {
	const char	*key;
	enum fkind	 kind;
	int		 col;		/* CSV column, -1 for none */
	int		 dec;		/* F_NUM: decimals */
	double		 num;
	long long	 i;
	const char	*str;
};

struct fields {
	struct field	*f;
	size_t		 n, max;
};

/*
 * The CSV columns of an answer: the common ones first (which of them
 * depends on by and on whether the answer has vergelijkingen), then the
 * indicator's own from base on.
 */
struct cols {
	int		 aanbieder, gemeente, cluster, period, verg, sup, nab;
	int		 ncl, n, base, count;
	int		 tev0[QUEST__NRESPONDENTS];	/* tevredenheid blocks */
};

/* Offsets from cols.base. */
enum { DC_GAS, DC_DOELEN, DC_PA1, DC_PA2, DC_PA3, DC_ZH, DC__N };
enum { UC_PLAN, UC_VOORT, UC_EENZ, UC_REDEN, UC_HER_WC = UC_REDEN +
    IND_NREDEN, UC_HER_N, UC_HER_PCT, UC__N };
enum { TC_N, TC_CIJFER, TC_POS, TC_ITEMS };

static void
cols_init(const struct run *r, struct cols *c)
{
	int	n = 0, i;

	c->aanbieder = r->q->by == IND_BY_AANBIEDER ? n++ : -1;
	/* by=aanbieder has gemeente cells where a cluster is not whole. */
	c->gemeente = r->q->by == IND_BY_AANBIEDER ||
	    r->q->by == IND_BY_GEMEENTE ? n++ : -1;
	c->cluster = n++;
	c->period = n++;
	c->verg = r->pop->vergelijking ? n++ : -1;
	c->sup = n++;
	c->nab = r->pop->vergelijking ? n++ : -1;
	c->ncl = n++;
	c->n = n++;
	c->base = n;
	switch (r->q->kind) {
	case IND_DOELREALISATIE:
		n += DC__N;
		break;
	case IND_UITVAL:
		n += UC__N;
		break;
	default:
		for (i = 0; i < QUEST__NRESPONDENTS; i++) {
			c->tev0[i] = n - c->base;
			n += TC_ITEMS + r->lay->nitems[i];
		}
		break;
	}
	c->count = n;
}

static void
csv_head(const struct run *r, const struct cols *c, struct buf *b)
{
	const char	*rn;
	int		 i, k;

#define H(s) do { buf_str(b, s); buf_add(b, ";", 1); } while (0)
	buf_str(b, "\xEF\xBB\xBF");
	if (c->aanbieder >= 0)
		H("aanbieder");
	if (c->gemeente >= 0)
		H("gemeente");
	H("cluster");
	H("period");
	if (c->verg >= 0)
		H("vergelijking");
	H("suppressed");
	if (c->nab >= 0)
		H("n_aanbieders");
	H("n_clients");
	H("n");
	switch (r->q->kind) {
	case IND_DOELREALISATIE:
		H("gas_t_mean");
		H("doelen_behaald_pct");
		H("probleemafname_1_pct");
		H("probleemafname_2_pct");
		H("probleemafname_3_pct");
		H("zonder_hulp_verder_pct");
		break;
	case IND_UITVAL:
		H("volgens_plan_pct");
		H("voortijdig_pct");
		H("eenzijdig_client_pct");
		for (i = 0; i < IND_NREDEN; i++) {
			buf_str(b, "reden_");
			H(reden_keys[i]);
		}
		H("herinstroom_window_closed");
		H("herinstroom_n");
		H("herinstroom_geen_nieuwe_start_pct");
		break;
	default:
		for (i = 0; i < QUEST__NRESPONDENTS; i++) {
			rn = quest_respondent_name((enum quest_respondent)i);
			buf_str(b, rn);
			H("_n");
			buf_str(b, rn);
			H("_rapportcijfer_mean");
			buf_str(b, rn);
			H("_positief_pct");
			for (k = 0; k < r->lay->nitems[i]; k++) {
				buf_str(b, rn);
				buf_str(b, "_");
				H(r->items->code[i][k]);
			}
		}
		break;
	}
#undef H
	b->len--;		/* the last ';' */
	buf_add(b, "\r\n", 2);
}

static struct field *
fld(struct fields *fs, enum fkind kind, const char *key, int col)
{
	static struct field	 spare;
	struct field		*f;

	if (fs->n == fs->max)
		return &spare;		/* cannot happen: max covers all */
	f = &fs->f[fs->n++];
	f->kind = kind;
	f->key = key;
	f->col = col;
	return f;
}

static void
fld_num(struct fields *fs, const char *key, int col, int ok, double v,
    int dec)
{
	struct field	*f = fld(fs, ok ? F_NUM : F_NULL, key, col);

	f->num = v;
	f->dec = dec;
}

static void
fld_int(struct fields *fs, const char *key, int col, int ok, long long v)
{
	fld(fs, ok ? F_INT : F_NULL, key, col)->i = v;
}

static void
values_doel(const struct run *r, const struct dc_table *t,
    const struct cell *c, const struct cell *own, int base,
    struct fields *fs)
{
	static const char *const pa_keys[] = { "1", "2", "3" };
	double		 n = (double)c->tot.units;
	int		 i;

	fld_num(fs, "gas_t_mean", base + DC_GAS, c->sub[0].units > 0 &&
	    sub_clients(c, own, 0) >= r->k, c->sub[0].units ?
	    c->sum[0] / (double)c->sub[0].units : 0, 2);
	fld_num(fs, "doelen_behaald_pct", base + DC_DOELEN, c->num[0] > 0,
	    c->num[0] ? 100.0 * (double)c->num[1] / (double)c->num[0] : 0, 1);
	fld(fs, F_OPEN, "probleemafname", -1);
	for (i = 1; i <= 3; i++)
		fld_num(fs, pa_keys[i - 1], base + DC_PA1 + i - 1,
		    !dc_suppressed(t, c->it_cat + (uint32_t)(D_PA0 + i)),
		    100.0 * (double)c->cat[D_PA0 + i].units / n, 1);
	fld(fs, F_CLOSE, NULL, -1);
	fld_num(fs, "zonder_hulp_verder_pct", base + DC_ZH,
	    !dc_suppressed(t, c->it_cat + D_ZH_JA) &&
	    !dc_suppressed(t, c->it_cat + D_ZH_NIET),
	    100.0 * (double)c->cat[D_ZH_JA].units / n, 1);
}

static void
values_uit(const struct run *r, const struct dc_table *t,
    const struct cell *c, int base, struct fields *fs)
{
	double		 n = (double)c->tot.units;
	int		 i, ok;
	int64_t		 sum;

#define SUP(i)	dc_suppressed(t, c->it_cat + (uint32_t)(i))
	/* Counts only: the pattern checks what they reveal of the rest. */
	fld_num(fs, "volgens_plan_pct", base + UC_PLAN, !SUP(1),
	    100.0 * (double)c->cat[1].units / n, 1);
	for (i = 2, ok = 1, sum = 0; i <= 5; i++) {
		ok &= !SUP(i);
		sum += c->cat[i].units;
	}
	fld_num(fs, "voortijdig_pct", base + UC_VOORT, ok,
	    100.0 * (double)sum / n, 1);
	fld_num(fs, "eenzijdig_client_pct", base + UC_EENZ, !SUP(2),
	    100.0 * (double)c->cat[2].units / n, 1);
	fld(fs, F_OPEN, "per_reden", -1);
	for (i = 0; i < IND_NREDEN; i++)
		fld_int(fs, reden_keys[i], base + UC_REDEN + i, !SUP(i),
		    c->cat[i].units);
	fld(fs, F_CLOSE, NULL, -1);
	fld(fs, F_OPEN, "herinstroom", -1);
	if (!window_closed(r, c->period)) {
		fld(fs, F_BOOL, "window_closed", base + UC_HER_WC)->i = 0;
	} else {
		fld(fs, F_BOOL, "window_closed", base + UC_HER_WC)->i = 1;
		fld_int(fs, "n", base + UC_HER_N, !SUP(1), c->cat[1].units);
		fld_num(fs, "geen_nieuwe_start_pct", base + UC_HER_PCT,
		    !SUP(1) && !SUP(U_HER_NEW) && !SUP(U_HER_NONE) &&
		    c->cat[1].units > 0, c->cat[1].units ? 100.0 *
		    (double)c->cat[U_HER_NONE].units /
		    (double)c->cat[1].units : 0, 1);
	}
	fld(fs, F_CLOSE, NULL, -1);
#undef SUP
}

static void
values_tev(const struct run *r, const struct dc_table *t,
    const struct cell *c, const struct cell *own, const struct cols *cs,
    struct fields *fs)
{
	const struct layout	*l = r->lay;
	int			 resp, i, ni, col;
	const double		*sum;
	const int64_t		*num;

	for (resp = 0; resp < QUEST__NRESPONDENTS; resp++) {
		const char *name = quest_respondent_name(
		    (enum quest_respondent)resp);

		col = cs->base + cs->tev0[resp];
		if (dc_suppressed(t, c->it_cat + (uint32_t)resp)) {
			fld(fs, F_NULL, name, -1);
			continue;
		}
		ni = l->nitems[resp];
		sum = c->sum + l->sum0[resp];
		num = c->num + l->num0[resp];
		fld(fs, F_OPEN, name, -1);
		fld(fs, F_INT, "n", col + TC_N)->i = c->cat[resp].units;
		fld(fs, F_OPEN, "items", -1);
		for (i = 0; i < ni; i++)
			fld_num(fs, r->items->code[resp][i],
			    col + TC_ITEMS + i, num[i] > 0 && sub_clients(c,
			    own, l->sub0[resp] + i) >= r->k, num[i] ?
			    sum[i] / (double)num[i] : 0, 2);
		fld(fs, F_CLOSE, NULL, -1);
		fld_num(fs, "rapportcijfer_mean", col + TC_CIJFER,
		    num[ni] > 0 && sub_clients(c, own, l->sub0[resp] + ni) >=
		    r->k, num[ni] ? sum[ni] / (double)num[ni] : 0, 2);
		fld_num(fs, "positief_pct", col + TC_POS, num[ni + 2] > 0,
		    num[ni + 2] ? 100.0 * (double)num[ni + 1] /
		    (double)num[ni + 2] : 0, 1);
		fld(fs, F_CLOSE, NULL, -1);
	}
}

static void
period_label(int p, enum ind_period t, char out[16])
{
	switch (t) {
	case IND_MONTH:
		util_fmt(out, 16, "%04d-%02d", IND_YEAR0 + p / 12, p % 12 + 1);
		break;
	case IND_QUARTER:
		util_fmt(out, 16, "%04d-Q%d", IND_YEAR0 + p / 4, p % 4 + 1);
		break;
	default:
		util_fmt(out, 16, "%04d", IND_YEAR0 + p);
		break;
	}
}


/* The fields of one answer cell. */
static void
cell_fields(const struct run *r, const struct out *o, const struct cols *cs,
    struct fields *fs)
{
	const struct cell	*c = o->c;
	const struct dc_table	*t = o->dc;
	int			 cl = geo_cluster(r, c->geo);

	fs->n = 0;
	if (o->verg)
		fld(fs, F_BOOL, "vergelijking", cs->verg)->i = 1;
	else if (r->q->by == IND_BY_AANBIEDER)
		fld(fs, F_AGB, "aanbieder", cs->aanbieder)->i =
		    r->snap->agbs[c->agb];
	if (!o->verg && c->geo < r->snap->ngem && cs->gemeente >= 0)
		fld(fs, F_STR, "gemeente", cs->gemeente)->str =
		    r->cfg->ref.gemeenten[c->geo].code;
	if (cl >= 0)
		fld(fs, F_STR, "cluster", cs->cluster)->str =
		    r->cfg->ref.clusters[cl].name;
	fld(fs, F_PERIOD, "period", cs->period)->i = c->period;
	fld(fs, F_BOOL, "suppressed", cs->sup)->i =
	    dc_suppressed(t, c->it_tot);
	if (dc_suppressed(t, c->it_tot))
		return;
	if (o->verg)
		fld_int(fs, "n_aanbieders", cs->nab, 1, c->naanbieders);
	fld_int(fs, "n_clients", cs->ncl, 1, c->tot.clients);
	fld_int(fs, "n", cs->n, 1, c->tot.units);
	fld(fs, F_OPEN, "values", -1);
	switch (r->q->kind) {
	case IND_DOELREALISATIE:
		values_doel(r, t, c, o->own, cs->base, fs);
		break;
	case IND_UITVAL:
		values_uit(r, t, c, cs->base, fs);
		break;
	default:
		values_tev(r, t, c, o->own, cs, fs);
		break;
	}
	fld(fs, F_CLOSE, NULL, -1);
}

static void
field_value(const struct run *r, struct buf *b, const struct field *f,
    int csv)
{
	char	lbl[16];

	switch (f->kind) {
	case F_STR:
		if (csv)
			buf_csv_str(b, f->str);
		else
			buf_json_str(b, f->str);
		break;
	case F_PERIOD:
	case F_AGB:
		if (f->kind == F_PERIOD)
			period_label((int)f->i, r->q->period, lbl);
		else
			util_fmt(lbl, sizeof(lbl), "%08lld", f->i);
		if (csv)
			buf_csv_str(b, lbl);
		else
			buf_json_str(b, lbl);
		break;
	case F_BOOL:
		buf_str(b, f->i ? "true" : "false");
		break;
	case F_INT:
		buf_ll(b, f->i);
		break;
	case F_NUM:
		buf_fixed(b, f->num, f->dec, csv ? ',' : '.');
		break;
	case F_NULL:
		if (!csv)
			buf_add(b, "null", 4);
		break;
	default:
		break;
	}
}

/* One cell as a JSON object. */
static void
json_cell(const struct run *r, struct buf *b, const struct fields *fs)
{
	size_t	i;
	int	first = 1;

	buf_add(b, "{", 1);
	for (i = 0; i < fs->n; i++) {
		const struct field *f = &fs->f[i];

		if (f->kind == F_CLOSE) {
			buf_add(b, "}", 1);
			first = 0;
			continue;
		}
		if (!first)
			buf_add(b, ",", 1);
		buf_add(b, "\"", 1);
		buf_str(b, f->key);
		buf_add(b, "\":", 2);
		if (f->kind == F_OPEN) {
			buf_add(b, "{", 1);
			first = 1;
			continue;
		}
		field_value(r, b, f, 0);
		first = 0;
	}
	buf_add(b, "}", 1);
}

/* One cell as a CSV row; row is scratch for cs->count fields. */
static void
csv_row(const struct run *r, struct buf *b, const struct fields *fs,
    const struct cols *cs, const struct field **row)
{
	size_t	i;
	int	c;

	memset(row, 0, (size_t)cs->count * sizeof(*row));
	for (i = 0; i < fs->n; i++)
		if (fs->f[i].col >= 0 && fs->f[i].col < cs->count)
			row[fs->f[i].col] = &fs->f[i];
	for (c = 0; c < cs->count; c++) {
		if (c > 0)
			buf_add(b, ";", 1);
		if (row[c] != NULL)
			field_value(r, b, row[c], 1);
		else if (c == cs->verg)
			buf_str(b, "false");
	}
	buf_add(b, "\r\n", 2);
}

/* The head of a JSON answer, up to the opening of "cells". */
static void
json_head(const struct run *r, struct buf *b)
{
	char	 tmp[64];
	size_t	 g, i;
	int	 n = 0;

	buf_str(b, "{\"indicator\":");
	buf_json_str(b, kind_names[r->q->kind]);
	buf_str(b, ",\"by\":");
	buf_json_str(b, by_names[r->q->by]);
	buf_str(b, ",\"period\":");
	buf_json_str(b, period_names[r->q->period]);
	util_fmt(tmp, sizeof(tmp), ",\"from\":\"%04d-%02d\",\"to\":"
	    "\"%04d-%02d\",\"k\":%lld,\"filters\":{",
	    IND_YEAR0 + r->q->from / 12, r->q->from % 12 + 1,
	    IND_YEAR0 + r->q->to / 12, r->q->to % 12 + 1, r->k);
	buf_str(b, tmp);
	if (r->pop->ngem_ok < r->cfg->ref.ngemeenten) {
		buf_str(b, "\"gemeente\":[");
		for (g = 0; g < r->cfg->ref.ngemeenten; g++)
			if (r->pop->gem_ok[g]) {
				if (n++ > 0)
					buf_str(b, ",");
				buf_json_str(b, r->cfg->ref.gemeenten[g].code);
			}
		buf_str(b, "]");
	}
	if (r->pop->agb_filter) {
		buf_str(b, n > 0 ? ",\"aanbieder\":[" : "\"aanbieder\":[");
		for (i = 0; i < r->pop->nagbs; i++) {
			util_fmt(tmp, sizeof(tmp), "%s\"%08d\"", i ? "," : "",
			    r->pop->agbs[i]);
			buf_str(b, tmp);
		}
		buf_str(b, "]");
	}
	buf_str(b, "},\"cells\":[");
}

/*
 * The clients a vergelijking count stands for. The asking aanbieder knows
 * its own part, so the cluster's count also publishes the rest of the
 * cluster: both must hold k clients, or the rest none at all (a zero may
 * be known). Clients shared with other aanbieders make the rest's true
 * count larger than all - own, so this errs on the side of hiding.
 */
static int64_t
verg_clients(int64_t all, int64_t own)
{
	int64_t	rest = all - own;

	if (rest <= 0)
		return all;
	return rest < all ? rest : all;
}

/* The selected cells of an answer. */
struct sel {
	struct out	*v;
	size_t		 n, cap;
	struct verg	*vg;
	size_t		 nvg, capvg;
};

static struct out *
sel_add(struct sel *s, const struct cell *c, const struct dc_table *dc)
{
	struct out	*o;

	if (util_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) == -1)
		return NULL;
	o = &s->v[s->n++];
	o->c = c;
	o->dc = dc;
	o->verg = 0;
	o->own = NULL;
	return o;
}

/* The vergelijkingen moved as their vector grew: point to them again. */
static void
sel_home(struct sel *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].verg) {
			s->v[i].c = &s->vg[s->v[i].verg - 1].copy;
			s->v[i].dc = &s->vg[s->v[i].verg - 1].dc;
		}
}

static void
sel_free(struct sel *s)
{
	size_t	i;

	for (i = 0; i < s->nvg; i++)
		dc_free(&s->vg[i].dc);
	free(s->vg);
	free(s->v);
}

/*
 * The vergelijking beside the asking aanbieder's own cell in cluster
 * geo: the cluster's cell from the cube, with the cube's suppression,
 * plus what hiding the rest of the cluster asks (verg_clients), and none
 * at all with fewer than 3 aanbieders.
 */
static int
add_vergelijking(struct run *r, struct sel *s, const struct cell *own,
    const struct cell *all)
{
	const struct dc_table	*cube = &r->snap->dc[r->q->kind];
	const struct layout	*l = r->lay;
	int64_t			 cl[1 + U__NCAT + 2 * QUEST__NRESPONDENTS];
	struct verg		*v;
	struct out		*o;
	int			 i;

	if (l->ncat + 1 > (int)(sizeof(cl) / sizeof(cl[0])))
		return -1;
	if (util_grow((void **)&s->vg, &s->capvg, s->nvg + 1,
	    sizeof(*s->vg)) == -1 || (o = sel_add(s, NULL, NULL)) == NULL)
		return -1;
	v = &s->vg[s->nvg++];
	o->verg = s->nvg;
	o->own = own;
	v->copy = *all;
	cl[0] = verg_clients(all->tot.clients, own->tot.clients);
	for (i = 0; i < l->ncat; i++)
		cl[1 + i] = verg_clients(all->cat[i].clients,
		    own->cat[i].clients);
	dc_init(&v->dc);
	ind_dc_cell(&v->dc, r->q->kind, l, &v->copy,
	    r->q->kind != IND_UITVAL || window_closed(r, all->period), cl);
	if (dc_suppressed(cube, all->it_tot) || all->naanbieders < 3)
		dc_force(&v->dc, v->copy.it_tot);
	for (i = 0; i < l->ncat; i++)
		if (dc_suppressed(cube, all->it_cat + (uint32_t)i))
			dc_force(&v->dc, v->copy.it_cat + (uint32_t)i);
	return dc_run(&v->dc, r->k);
}

/* Period index of month index m for period type t. */
static int
period_of_month(int m, enum ind_period t)
{
	return t == IND_MONTH ? m : t == IND_QUARTER ? m / 3 : m / 12;
}

/* Gemeente x comes before y in an answer: by cluster, then by code. */
static int
gem_before(const struct config *cfg, size_t x, size_t y)
{
	const struct cfg_gemeente *a = &cfg->ref.gemeenten[x];
	const struct cfg_gemeente *b = &cfg->ref.gemeenten[y];

	if (a->cluster != b->cluster)
		return a->cluster < b->cluster;
	return strcmp(a->code, b->code) < 0;
}

/*
 * The cells an answer holds, from the cube. Geography: a cluster whose
 * gemeenten are all in the population is answered as the cluster, else
 * gemeente by gemeente. Returns 0, or -1 with *status and the error set.
 */
static int
select_cells(struct run *r, struct sel *s, unsigned *status,
    const char **code, const char **msg)
{
	const struct ind_snapshot *snap = r->snap;
	const struct ind_cube	*cb = &snap->cube[r->q->kind][r->q->period];
	const struct dc_table	*dc = &snap->dc[r->q->kind];
	const struct config	*cfg = r->cfg;
	const struct pop	*pop = r->pop;
	const struct cell	*c, *own, *all;
	struct cell *const	*rng;
	int			 geos[CFG_MAX_GEMEENTEN + CFG_MAX_CLUSTERS + 1];
	int			 whole[CFG_MAX_CLUSTERS], any[CFG_MAX_CLUSTERS];
	int			 ngeo = 0, p, p0, p1, a, oi = -1, agb_all;
	size_t			 g, i, j, nr, gems[CFG_MAX_GEMEENTEN], ngem = 0;

	agb_all = (int)snap->nagbs;
	for (i = 0; i < cfg->ref.nclusters; i++)
		whole[i] = 1, any[i] = 0;
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		i = cfg->ref.gemeenten[g].cluster;
		if (pop->gem_ok[g])
			any[i] = 1;
		else
			whole[i] = 0;
	}
	if (r->q->by != IND_BY_AANBIEDER && pop->nagbs > 1) {
		*status = 400;
		*code = "bad_parameter";
		*msg = "several aanbieders can only be asked by=aanbieder";
		return -1;
	}
	/* Gemeenten in output order: by cluster, then by code. */
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		for (j = ngem; j > 0 && gem_before(cfg, g, gems[j - 1]); j--)
			gems[j] = gems[j - 1];
		gems[j] = g;
		ngem++;
	}
	switch (r->q->by) {
	case IND_BY_REGIO:
		if (pop->ngem_ok < cfg->ref.ngemeenten) {
			*status = 403;
			*code = "out_of_scope";
			*msg = "by=regio needs the whole region in scope and"
			    " filters";
			return -1;
		}
		geos[ngeo++] = IND_GEO_REGIO(snap);
		break;
	case IND_BY_CLUSTER:
		for (i = 0; i < cfg->ref.nclusters; i++) {
			if (any[i] && !whole[i]) {
				*status = 403;
				*code = "out_of_scope";
				*msg = "by=cluster needs every cluster it covers"
				    " whole in scope and filters; filter by"
				    " cluster= or ask by=gemeente";
				return -1;
			}
			if (any[i])
				geos[ngeo++] = IND_GEO_CLUSTER(snap, (int)i);
		}
		break;
	case IND_BY_GEMEENTE:
		for (j = 0; j < ngem; j++)
			if (pop->gem_ok[gems[j]])
				geos[ngeo++] = (int)gems[j];
		break;
	default:
		for (i = 0; i < cfg->ref.nclusters; i++) {
			if (!any[i])
				continue;
			if (whole[i]) {
				geos[ngeo++] = IND_GEO_CLUSTER(snap, (int)i);
				continue;
			}
			for (j = 0; j < ngem; j++)
				if (pop->gem_ok[gems[j]] &&
				    cfg->ref.gemeenten[gems[j]].cluster == i)
					geos[ngeo++] = (int)gems[j];
		}
		break;
	}
	if (pop->vergelijking)
		oi = ind_agb_index(snap, pop->own_agb);
	p0 = period_of_month(r->q->from, r->q->period);
	p1 = period_of_month(r->q->to, r->q->period);
	/* Cells in output order: period, cluster, gemeente code, AGB. */
	for (p = p0; p <= p1; p++) {
		for (i = 0; i < (size_t)ngeo; i++) {
			if (r->q->by == IND_BY_AANBIEDER && !pop->agb_filter) {
				nr = ind_cube_range(cb, geos[i], p, &rng);
				for (j = 0; j < nr; j++)
					if (rng[j]->agb != agb_all &&
					    sel_add(s, rng[j], dc) == NULL)
						goto oom;
				continue;
			}
			for (j = 0; j < (pop->agb_filter ? pop->nagbs : 1);
			    j++) {
				a = pop->agb_filter ?
				    ind_agb_index(snap, pop->agbs[j]) : agb_all;
				if (a >= 0 && (c = ind_cube_find(cb, a,
				    geos[i], p)) != NULL &&
				    sel_add(s, c, dc) == NULL)
					goto oom;
			}
		}
	}
	/* Then the aanbieder's vergelijkingen, per cluster it works in. */
	for (p = p0; oi >= 0 && p <= p1; p++) {
		for (i = 0; i < cfg->ref.nclusters; i++) {
			int	geo = IND_GEO_CLUSTER(snap, (int)i);

			if (!any[i] ||
			    (own = ind_cube_find(cb, oi, geo, p)) == NULL ||
			    (all = ind_cube_find(cb, agb_all, geo, p)) == NULL)
				continue;
			if (add_vergelijking(r, s, own, all) == -1)
				goto oom;
		}
	}
	sel_home(s);
	return 0;
oom:
	*status = 500;
	*code = "internal";
	*msg = "out of memory";
	return -1;
}

/* Computes the answer body; 0, or -1 with *status and the error set. */
static int
compute(struct run *r, char **body, size_t *len, long *ncells, long *nsup,
    unsigned *status, const char **code, const char **msg)
{
	struct sel	 s = { NULL, 0, 0, NULL, 0, 0 };
	struct buf	 b = { NULL, 0, 0, 0 };
	struct fields	 fs = { NULL, 0, 0 };
	struct cols	 cs;
	const struct field **row = NULL;
	size_t		 i;
	int		 ret = -1;

	r->lay = &r->snap->lay[r->q->kind];
	if (select_cells(r, &s, status, code, msg) == -1)
		goto out;
	*status = 500;
	*code = "internal";
	*msg = "out of memory";
	cols_init(r, &cs);
	fs.max = 64 + QUEST__NRESPONDENTS * (8 + r->items->n[0] +
	    r->items->n[1]);
	if ((fs.f = calloc(fs.max, sizeof(*fs.f))) == NULL ||
	    (row = calloc((size_t)cs.count, sizeof(*row))) == NULL)
		goto out;
	if (r->q->csv)
		csv_head(r, &cs, &b);
	else
		json_head(r, &b);
	for (i = 0; i < s.n; i++) {
		cell_fields(r, &s.v[i], &cs, &fs);
		if (r->q->csv)
			csv_row(r, &b, &fs, &cs, row);
		else {
			if (i > 0)
				buf_add(&b, ",", 1);
			json_cell(r, &b, &fs);
		}
		(*ncells)++;
		*nsup += dc_suppressed(s.v[i].dc, s.v[i].c->it_tot);
	}
	if (!r->q->csv)
		buf_str(&b, "]}");
	if (b.oom || b.p == NULL)
		goto out;
	*body = b.p;
	*len = b.len;
	b.p = NULL;
	ret = 0;
out:
	free(b.p);
	free(row);
	free(fs.f);
	sel_free(&s);
	return ret;
}

static void
answer_error(struct ind_answer *a, unsigned status, const char *code,
    const char *msg)
{
	cJSON	*o = cJSON_CreateObject();

	a->status = status;
	a->content_type = "application/json";
	cJSON_AddStringToObject(o, "error", code);
	cJSON_AddStringToObject(o, "message", msg);
	a->body = cJSON_PrintUnformatted(o);
	a->len = a->body ? strlen(a->body) : 0;
	cJSON_Delete(o);
}

/*
 * The population a query asked for, before any scope: for auditing a
 * refusal. Only validated codes go in (ind_query_parse checked them).
 */
static void
requested_pop(const struct config *cfg, const struct ind_query *q,
    struct pop *pop)
{
	size_t	i, g;

	memset(pop, 0, sizeof(*pop));
	for (g = 0; g < cfg->ref.ngemeenten; g++)
		pop->gem_ok[g] = q->ngemeenten == 0 && q->nclusters == 0;
	for (i = 0; i < q->ngemeenten; i++)
		pop->gem_ok[q->gemeenten[i]] = 1;
	for (i = 0; i < q->nclusters; i++)
		for (g = 0; g < cfg->ref.ngemeenten; g++)
			if (cfg->ref.gemeenten[g].cluster == q->clusters[i])
				pop->gem_ok[g] = 1;
	for (g = 0; g < cfg->ref.ngemeenten; g++)
		pop->ngem_ok += pop->gem_ok[g];
	pop->agb_filter = q->naanbieders > 0;
	for (i = 0; i < q->naanbieders; i++)
		pop->agbs[pop->nagbs++] = q->aanbieders[i];
}

/* The query as audited: parameters after scope, codes only. */
static void
audit_params(const struct ind_query *q, const struct pop *pop,
    const struct config *cfg, char *out, size_t len)
{
	size_t	o = 0, g, i;
	int	n = 0;

#define ADD(...) do {							\
	if (o < len)							\
		o += (size_t)snprintf(out + o, len - o, __VA_ARGS__);	\
} while (0)
	ADD("by=%s&period=%s&from=%04d-%02d&to=%04d-%02d&format=%s",
	    by_names[q->by], period_names[q->period],
	    IND_YEAR0 + q->from / 12, q->from % 12 + 1,
	    IND_YEAR0 + q->to / 12, q->to % 12 + 1, q->csv ? "csv" : "json");
	if (pop->ngem_ok < cfg->ref.ngemeenten) {
		ADD("&gemeente=");
		for (g = 0; g < cfg->ref.ngemeenten; g++)
			if (pop->gem_ok[g])
				ADD("%s%s", n++ ? "," : "",
				    cfg->ref.gemeenten[g].code);
	}
	if (pop->agb_filter) {
		ADD("&aanbieder=");
		for (i = 0; i < pop->nagbs; i++)
			ADD("%s%08d", i ? "," : "", pop->agbs[i]);
	}
#undef ADD
	if (o >= len && len > 0)
		out[len - 1] = '\0';
}

/* The cache key: everything the answer depends on, scope included. */
static void
cache_key(const struct ind_query *q, const struct pop *pop, int today,
    char *out, size_t len)
{
	char	 gems[CFG_MAX_GEMEENTEN + 1];
	char	 agbs[IND_FILTER_MAX * 9 + 1];
	size_t	 i, o = 0;

	for (i = 0; i < CFG_MAX_GEMEENTEN; i++)
		gems[i] = (char)('0' + pop->gem_ok[i]);
	gems[CFG_MAX_GEMEENTEN] = '\0';
	agbs[0] = '\0';
	for (i = 0; i < pop->nagbs; i++)
		o += (size_t)snprintf(agbs + o, sizeof(agbs) - o, "%08d,",
		    pop->agbs[i]);
	util_fmt(out, len, "%d|%d|%d|%d|%d|%d|%d|%d|%d|%s|%s", q->kind, q->by,
	    q->period, q->from, q->to, q->csv, today, pop->vergelijking,
	    pop->agb_filter, gems, agbs);
}

static int
cache_get(struct ind_engine *e, const struct ind_snapshot *s,
    const char *key, struct ind_answer *a)
{
	size_t	i;
	int	hit = 0;

	pthread_mutex_lock(&e->mu);
	for (i = 0; e->cur == s && i < e->ncache; i++) {
		struct cache_entry *c = &e->cache[i];

		if (strcmp(c->key, key) != 0)
			continue;
		if ((a->body = malloc(c->len + 1)) != NULL) {
			memcpy(a->body, c->body, c->len + 1);
			a->len = c->len;
			a->cells = c->cells;
			a->suppressed = c->suppressed;
			hit = 1;
		}
		break;
	}
	pthread_mutex_unlock(&e->mu);
	return hit;
}

static void
cache_put(struct ind_engine *e, const struct ind_snapshot *s,
    const char *key, const struct ind_answer *a)
{
	struct cache_entry	*c;

	if (e->capcache == 0)
		return;
	pthread_mutex_lock(&e->mu);
	if (e->cur != s)
		goto out;	/* computed from a snapshot replaced since */
	if (e->cache == NULL &&
	    (e->cache = calloc(e->capcache, sizeof(*e->cache))) == NULL)
		goto out;
	if (e->ncache == e->capcache)
		cache_clear(e);		/* simple and bounded */
	c = &e->cache[e->ncache];
	if ((c->key = strdup(key)) == NULL ||
	    (c->body = malloc(a->len + 1)) == NULL) {
		free(c->key);
		goto out;
	}
	memcpy(c->body, a->body, a->len + 1);
	c->len = a->len;
	c->cells = a->cells;
	c->suppressed = a->suppressed;
	e->ncache++;
out:
	pthread_mutex_unlock(&e->mu);
}

/*
 * Audits one query: party, indicator, parameters, cells returned and
 * suppressed, status. Never an identifier: parameters are codes.
 */
static int
audit(struct ind_engine *e, const struct party *p, const char *via,
    enum ind_kind kind, const char *params, const struct ind_answer *a,
    const char *code)
{
	cJSON	*o = cJSON_CreateObject();
	char	*s;
	int	 ret;

	cJSON_AddStringToObject(o, "indicator", kind_names[kind]);
	cJSON_AddStringToObject(o, "via", via);
	cJSON_AddStringToObject(o, "query", params);
	cJSON_AddNumberToObject(o, "status", a->status);
	if (code != NULL)
		cJSON_AddStringToObject(o, "error", code);
	else {
		cJSON_AddNumberToObject(o, "cells", (double)a->cells);
		cJSON_AddNumberToObject(o, "suppressed", (double)a->suppressed);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		return -1;
	/* The monthly reports' own queries are told apart (report.h). */
	ret = store_auditw_log(e->auditw, p ? p->id : 0,
	    strcmp(via, "report") == 0 ? "report_query" : "indicator_query",
	    s);
	free(s);
	return ret;
}

void
ind_engine_refuse(struct ind_engine *e, const struct party *p,
    enum ind_kind kind, const char *via, unsigned status, const char *code,
    const char *msg, struct ind_answer *a)
{
	memset(a, 0, sizeof(*a));
	answer_error(a, status, code, msg);
	if (audit(e, p, via, kind, "", a, code) == -1) {
		ind_answer_free(a);
		answer_error(a, 503, "audit_unavailable",
		    "the query could not be audited, so it is not answered");
	}
}

void
ind_engine_answer(struct ind_engine *e, const struct party *p,
    const struct ind_query *q, const char *via, struct ind_answer *a)
{
	struct pop		 pop;
	struct run		 r;
	char			 code[32], msg[256], key[512];
	char			 params[1024];
	const char		*ecode = NULL, *c_code, *c_msg;
	unsigned		 status;
	int			 today = date_today(time(NULL));

	memset(a, 0, sizeof(*a));
	memset(&r, 0, sizeof(r));
	r.cfg = e->cfg;
	r.q = q;
	r.items = e->items;
	r.pop = &pop;
	r.k = config_limit(e->cfg, LIMIT_K);
	r.window = (int)config_limit(e->cfg, LIMIT_HERINSTROOM_MONTHS);
	code[0] = msg[0] = '\0';
	if (scope_apply(e->cfg, p, q, &pop, code, sizeof(code), msg,
	    sizeof(msg)) == -1) {
		answer_error(a, 403, code, msg);
		ecode = code;
		/* What was asked for, so the trail shows what was refused. */
		requested_pop(e->cfg, q, &pop);
		audit_params(q, &pop, e->cfg, params, sizeof(params));
		goto audit;
	}
	audit_params(q, &pop, e->cfg, params, sizeof(params));
	cache_key(q, &pop, today, key, sizeof(key));
	a->status = 200;
	a->content_type = q->csv ? "text/csv; charset=utf-8" :
	    "application/json";
	/* First the snapshot: it decides whether cached answers still hold. */
	if ((r.snap = snap_acquire(e, today)) == NULL) {
		answer_error(a, 503, "indicators_unavailable",
		    "the indicator data could not be read; try again later");
		ecode = "indicators_unavailable";
		goto audit;
	}
	if (!cache_get(e, r.snap, key, a)) {
		if (compute(&r, &a->body, &a->len, &a->cells, &a->suppressed,
		    &status, &c_code, &c_msg) == -1) {
			free(a->body);
			a->body = NULL;
			a->cells = a->suppressed = 0;
			answer_error(a, status, c_code, c_msg);
			ecode = c_code;
		} else
			cache_put(e, r.snap, key, a);
	}
	snap_release(e, r.snap);
audit:
	if (audit(e, p, via, q->kind, params, a, ecode) == -1) {
		ind_answer_free(a);
		answer_error(a, 503, "audit_unavailable",
		    "the query could not be audited, so it is not answered");
	}
}

void
ind_answer_free(struct ind_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}

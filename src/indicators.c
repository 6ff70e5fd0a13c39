/*
 * The indicator engine: the snapshot of the data it answers from (built
 * in the background by the daemon, on demand by the CLI), the answer
 * cache, the audit of every query, and the answer itself: scope
 * (ind_query.c), cells (ind_select.c), JSON or CSV (ind_write.c).
 * Definitions: docs/indicators.md.
 */
#include <sys/prctl.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dates.h"
#include "errors.h"
#include "ind_impl.h"
#include "log.h"
#include "util.h"

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
	int			 kicked;	/* data may have changed */
	struct timespec		 quiet;		/* when, if no more kicks */
	struct ind_snapshot	*cur;
	struct ck_ctx		*ck;		/* "disclosure": "cellkey" */
	struct cache_entry	*cache;
	size_t			 ncache, capcache;
};

static void	*refresher(void *);

int
ind_engine_open(const struct config *cfg, const struct quest_set *qs,
    const char *dbpath, int background, struct ind_engine **out, char *err,
    size_t errlen)
{
	return ind_engine_open_key(cfg, qs, dbpath, background, NULL, out,
	    err, errlen);
}

int
ind_engine_open_key(const struct config *cfg, const struct quest_set *qs,
    const char *dbpath, int background, const struct pseudo_ctx *pc,
    struct ind_engine **out, char *err, size_t errlen)
{
	struct ind_engine	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->items = malloc(sizeof(*e->items))) == NULL) {
		free(e);
		util_fmt(err, errlen, "onvoldoende geheugen");
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
	/* Before the refresher starts: its first snapshot needs the table. */
	if (cfg->disclosure == CFG_DISCLOSURE_CELLKEY && (pc == NULL ||
	    ck_ctx_new(cfg->ck_max_deviation, cfg->ck_variance, cfg->ck_js,
	    pc, &e->ck, err, errlen) == -1)) {
		if (pc == NULL)
			util_fmt(err, errlen, "disclosure cellkey needs the "
			    "pseudonymisation key");
		ind_engine_close(e);
		return -1;
	}
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
	ck_ctx_free(e->ck);
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
	if ((n = ind_snapshot_build_ck(e->cfg, e->qs, e->items, e->rd,
	    config_limit(e->cfg, LIMIT_K),
	    (int)config_limit(e->cfg, LIMIT_HERINSTROOM_MONTHS),
	    today, e->ck)) == NULL)
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

/* ts plus ns nanoseconds. */
static void
ts_add(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec += (time_t)(ns / 1000000000u);
	ts->tv_nsec += (long)(ns % 1000000000u);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * How long uploads must have stopped before a woken refresher builds:
 * the uploads of one burst (a batch of messages sent one by one, files
 * of several aanbieders) go into one snapshot, and no pattern of the
 * burst's partial state is made (each pattern made is history, which
 * later patterns must respect: dc_history.h).
 */
#define KICK_QUIET_NS	1000000000ULL

/*
 * The background refresher of the daemon: builds the first snapshot at
 * start, then looks whether data came in every indicator_refresh_s
 * seconds, and sooner when uploads say they stored something
 * (ind_engine_kick), and builds the next snapshot while queries go on
 * with the current one. A query so never waits for a build, except
 * before the first. After a kick it builds once no upload came for
 * KICK_QUIET_NS, and no sooner than the last build's time t after that
 * build's end (so at most half of the time goes to building); uploads
 * that never pause get a snapshot every indicator_refresh_s, as without
 * kicks.
 */
static void *
refresher(void *arg)
{
	struct ind_engine	*e = arg;
	struct timespec		 next, soon, until, now;
	long long		 ttl = config_limit(e->cfg, LIMIT_IND_REFRESH_S);
	uint64_t		 t0, took;

	(void)prctl(PR_SET_NAME, "ind-refresh", 0, 0, 0);	/* for ps */
	pthread_mutex_lock(&e->stop_mu);
	while (!e->stopping) {
		e->kicked = 0;
		pthread_mutex_unlock(&e->stop_mu);
		pthread_mutex_lock(&e->build_mu);
		t0 = util_now_ns();
		snap_refresh(e, date_today(time(NULL)));
		took = util_now_ns() - t0;
		pthread_mutex_unlock(&e->build_mu);
		pthread_mutex_lock(&e->stop_mu);
		clock_gettime(CLOCK_REALTIME, &next);
		soon = next;
		ts_add(&soon, took);
		next.tv_sec += (time_t)ttl;
		while (!e->stopping) {
			until = next;
			if (e->kicked) {
				until = ts_before(&soon, &e->quiet) ? e->quiet :
				    soon;
				if (ts_before(&next, &until))
					until = next;
			}
			clock_gettime(CLOCK_REALTIME, &now);
			if (!ts_before(&now, &until))
				break;
			(void)pthread_cond_timedwait(&e->stop_cv, &e->stop_mu,
			    &until);
		}
	}
	pthread_mutex_unlock(&e->stop_mu);
	return NULL;
}

void
ind_engine_kick(struct ind_engine *e)
{
	if (e == NULL || !e->refreshing)
		return;
	pthread_mutex_lock(&e->stop_mu);
	e->kicked = 1;
	clock_gettime(CLOCK_REALTIME, &e->quiet);
	ts_add(&e->quiet, KICK_QUIET_NS);
	pthread_cond_signal(&e->stop_cv);
	pthread_mutex_unlock(&e->stop_mu);
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

/* Computes the answer body; 0, or -1 with *status and the error set. */
static int
compute(struct run *r, char **body, size_t *len, long *ncells, long *nsup,
    unsigned *status, const char **code, const char **msg)
{
	struct sel	 s = { NULL, 0, 0, NULL, 0, 0 };
	int		 ret = -1;

	r->lay = &r->snap->lay[r->q->kind];
	if (ind_select_cells(r, &s, status, code, msg) == -1)
		goto out;
	*status = 500;
	*code = ERR_INTERNAL;
	*msg = "onvoldoende geheugen";
	if (ind_write_answer(r, &s, body, len, ncells, nsup) == -1)
		goto out;
	ret = 0;
out:
	ind_sel_free(&s);
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
 * The cache key: everything the answer depends on, scope included: the
 * numbers, a digit per gemeente and 9 characters per aanbieder filtered
 * on, never cut short (two scopes must never share a key).
 */
#define IND_CACHE_KEY_MAX	(160 + CFG_MAX_GEMEENTEN + IND_FILTER_MAX * 9)
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
	util_fmt(out, len, "%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%s|%s", q->kind,
	    q->by, q->period, q->from, q->to, q->csv, today, pop->vergelijking,
	    pop->agb_filter, (int)q->bd, gems, agbs);
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

	cJSON_AddStringToObject(o, "indicator", ind_kind_name(kind));
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
		answer_error(a, 503, ERR_AUDIT_UNAVAILABLE,
		    "de vraag kon niet in het auditspoor worden vastgelegd en "
		    "wordt daarom niet beantwoord");
	}
}

void
ind_engine_answer(struct ind_engine *e, const struct party *p,
    const struct ind_query *q, const char *via, struct ind_answer *a)
{
	struct pop		 pop;
	struct run		 r;
	char			 code[32], msg[256], key[IND_CACHE_KEY_MAX];
	char			 params[IND_AUDIT_PARAMS_MAX];
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
	if (ind_scope_apply(e->cfg, p, q, &pop, code, sizeof(code), msg,
	    sizeof(msg)) == -1) {
		answer_error(a, 403, code, msg);
		ecode = code;
		/* What was asked for, so the trail shows what was refused. */
		ind_requested_pop(e->cfg, q, &pop);
		ind_audit_params(q, &pop, e->cfg, params, sizeof(params));
		goto audit;
	}
	ind_audit_params(q, &pop, e->cfg, params, sizeof(params));
	cache_key(q, &pop, today, key, sizeof(key));
	a->status = 200;
	a->content_type = q->csv ? "text/csv; charset=utf-8" :
	    "application/json";
	/* First the snapshot: it decides whether cached answers still hold. */
	if ((r.snap = snap_acquire(e, today)) == NULL) {
		answer_error(a, 503, ERR_INDICATORS_UNAVAILABLE,
		    "de indicatorgegevens zijn niet leesbaar; probeer het "
		    "later opnieuw");
		ecode = ERR_INDICATORS_UNAVAILABLE;
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
		answer_error(a, 503, ERR_AUDIT_UNAVAILABLE,
		    "de vraag kon niet in het auditspoor worden vastgelegd en "
		    "wordt daarom niet beantwoord");
	}
}

void
ind_answer_free(struct ind_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}

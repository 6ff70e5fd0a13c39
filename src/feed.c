/*
 * Feed health metrics (feed.h). Counters are atomics; the AGB table is
 * append-only under a mutex, read without one up to its published length.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "util.h"

static const char *const stream_names[FEED__COUNT] = {
	"scores", "messages", "questionnaires"
};
static const char *const stream_routes[FEED__COUNT] = {
	"/v1/scores", "/v1/messages", "/v1/questionnaires"
};
static const char *const stream_units[FEED__COUNT] = {
	"rows", "messages", "responses"
};

enum outcome { OUT_ACCEPTED, OUT_DUPLICATE, OUT_REFUSED, OUT_FAILED, OUT__N };
static const char *const outcome_names[OUT__N] = {
	"accepted", "duplicate", "refused", "write_failed"
};

static atomic_ullong	uploads[FEED__COUNT][OUT__N];
static atomic_ullong	units[FEED__COUNT];
static atomic_llong	last_role[ROLE__COUNT];		/* unix seconds */
static atomic_llong	last_type[3];			/* JW301, 305, 307 */
static atomic_llong	snap_built;			/* unix seconds */
static atomic_ullong	snap_build_ns;

static pthread_mutex_t	agb_lock = PTHREAD_MUTEX_INITIALIZER;
static int		agb_code[FEED_AANBIEDERS_MAX];
static atomic_llong	agb_last[FEED_AANBIEDERS_MAX + 1];	/* + other */
static atomic_size_t	agb_n;

int
feed_stream_of(const char *label)
{
	int	i;

	for (i = 0; label != NULL && i < FEED__COUNT; i++)
		if (strcmp(label, stream_routes[i]) == 0)
			return i;
	return -1;
}

/* Raises *v to t (times only move forward). */
static void
raise_to(atomic_llong *v, long long t)
{
	long long	cur = atomic_load(v);

	while (cur < t && !atomic_compare_exchange_weak(v, &cur, t))
		;
}

/* The slot of an AGB code, added when new; the last slot is "other". */
static size_t
agb_slot(int agb)
{
	size_t	i, n = atomic_load(&agb_n);

	for (i = 0; i < n; i++)
		if (agb_code[i] == agb)
			return i;
	pthread_mutex_lock(&agb_lock);
	n = atomic_load(&agb_n);
	for (i = 0; i < n && agb_code[i] != agb; i++)
		;
	if (i == n && n < FEED_AANBIEDERS_MAX) {
		agb_code[n] = agb;
		atomic_store(&agb_n, n + 1);	/* publish after the write */
	}
	pthread_mutex_unlock(&agb_lock);
	return i < FEED_AANBIEDERS_MAX ? i : FEED_AANBIEDERS_MAX;
}

static void
accepted_by(const struct party *p, long long t)
{
	long long	 agb;
	const char	*errstr;

	if ((unsigned)p->role < ROLE__COUNT)
		raise_to(&last_role[p->role], t);
	if (p->role == ROLE_AANBIEDER && util_strtonum(p->agb, 1, 99999999,
	    &agb, &errstr) == 0)
		raise_to(&agb_last[agb_slot((int)agb)], t);
}

void
feed_upload(enum feed_stream s, unsigned status, int64_t n,
    const struct party *p)
{
	enum outcome	o;

	if ((unsigned)s >= FEED__COUNT)
		return;
	if (status == 201)
		o = OUT_ACCEPTED;
	else if (status == 200)
		o = OUT_DUPLICATE;
	else if (status == 500 || status == 503)
		o = OUT_FAILED;
	else
		o = OUT_REFUSED;
	atomic_fetch_add(&uploads[s][o], 1);
	if (o != OUT_ACCEPTED)
		return;
	/* A message is one unit whatever number of products it holds. */
	atomic_fetch_add(&units[s], s == FEED_MESSAGES ? 1 :
	    (unsigned long long)(n > 0 ? n : 0));
	accepted_by(p, (long long)time(NULL));
}

void
feed_message_type(int type)
{
	int	i = type == 301 ? 0 : type == 305 ? 1 : type == 307 ? 2 : -1;

	if (i >= 0)
		raise_to(&last_type[i], (long long)time(NULL));
}

void
feed_snapshot_built(uint64_t build_ns)
{
	atomic_store(&snap_build_ns, build_ns);
	atomic_store(&snap_built, (long long)time(NULL));
}

/* "YYYY-MM-DDTHH:MM:SSZ" to unix seconds; 0 when malformed. */
static long long
iso_seconds(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return 0;
	return (long long)timegm(&tm);
}

static int
seed_row(const struct store_feed_row *r, void *arg)
{
	struct party	p;
	long long	t = iso_seconds(r->last);

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.role = r->role;
	util_fmt(p.agb, sizeof(p.agb), "%s", r->agb);
	if (t > 0) {
		accepted_by(&p, t);
		/* The type of a stored message is not kept: seed all three. */
		if (strcmp(r->kind, "messages") == 0) {
			raise_to(&last_type[0], t);
			raise_to(&last_type[1], t);
			raise_to(&last_type[2], t);
		}
	}
	return 0;
}

int
feed_init(struct store *st)
{
	return store_feed_last(st, seed_row, NULL);
}

void
feed_render(struct buf *m)
{
	static const int types[3] = { 301, 305, 307 };
	long long	 t, now = (long long)time(NULL);
	size_t		 i, n;
	int		 s, o;

	buf_printf(m, "# HELP sorttp_feed_uploads_total Upload requests by "
	    "stream and outcome.\n# TYPE sorttp_feed_uploads_total counter\n");
	for (s = 0; s < FEED__COUNT; s++)
		for (o = 0; o < OUT__N; o++)
			buf_printf(m, "sorttp_feed_uploads_total{stream=\"%s\","
			    "outcome=\"%s\"} %llu\n", stream_names[s],
			    outcome_names[o], atomic_load(&uploads[s][o]));
	buf_printf(m, "# HELP sorttp_feed_accepted_total Rows, messages or "
	    "responses accepted, by stream.\n"
	    "# TYPE sorttp_feed_accepted_total counter\n");
	for (s = 0; s < FEED__COUNT; s++)
		buf_printf(m, "sorttp_feed_accepted_total{stream=\"%s\","
		    "unit=\"%s\"} %llu\n", stream_names[s], stream_units[s],
		    atomic_load(&units[s]));
	buf_printf(m, "# HELP sorttp_feed_last_accepted_timestamp_seconds "
	    "Time of the last accepted upload by source role (0: never).\n"
	    "# TYPE sorttp_feed_last_accepted_timestamp_seconds gauge\n");
	for (s = 0; s < ROLE__COUNT; s++)
		if (s == ROLE_AANBIEDER || s == ROLE_BERGOP ||
		    s == ROLE_BERICHTENVERKEER)
			buf_printf(m, "sorttp_feed_last_accepted_timestamp_"
			    "seconds{role=\"%s\"} %lld\n",
			    store_role_name((enum role)s),
			    atomic_load(&last_role[s]));
	buf_printf(m, "# HELP sorttp_feed_aanbieder_last_accepted_timestamp_"
	    "seconds Time of the last accepted upload by aanbieder (AGB).\n"
	    "# TYPE sorttp_feed_aanbieder_last_accepted_timestamp_seconds "
	    "gauge\n");
	n = atomic_load(&agb_n);
	for (i = 0; i < n; i++)
		buf_printf(m, "sorttp_feed_aanbieder_last_accepted_timestamp_"
		    "seconds{agb=\"%08d\"} %lld\n", agb_code[i],
		    atomic_load(&agb_last[i]));
	if ((t = atomic_load(&agb_last[FEED_AANBIEDERS_MAX])) > 0)
		buf_printf(m, "sorttp_feed_aanbieder_last_accepted_timestamp_"
		    "seconds{agb=\"other\"} %lld\n", t);
	buf_printf(m, "# HELP sorttp_feed_message_last_accepted_timestamp_"
	    "seconds Time of the last accepted iJw message by type (since "
	    "the start; seeded from the last stored message).\n"
	    "# TYPE sorttp_feed_message_last_accepted_timestamp_seconds "
	    "gauge\n");
	for (i = 0; i < 3; i++)
		buf_printf(m, "sorttp_feed_message_last_accepted_timestamp_"
		    "seconds{type=\"JW%d\"} %lld\n", types[i],
		    atomic_load(&last_type[i]));
	t = atomic_load(&snap_built);
	buf_printf(m, "# HELP sorttp_indicator_snapshot_age_seconds Age of "
	    "the indicator snapshot answers come from (-1: none yet).\n"
	    "# TYPE sorttp_indicator_snapshot_age_seconds gauge\n"
	    "sorttp_indicator_snapshot_age_seconds %lld\n"
	    "# HELP sorttp_indicator_snapshot_build_seconds Time the last "
	    "snapshot took to build.\n"
	    "# TYPE sorttp_indicator_snapshot_build_seconds gauge\n"
	    "sorttp_indicator_snapshot_build_seconds %.3f\n",
	    t > 0 ? now - t : -1,
	    (double)atomic_load(&snap_build_ns) / 1e9);
}

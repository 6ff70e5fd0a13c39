/*
 * Retention: the cut-offs from the bewaartermijnen, and the thread that
 * purges once a day while the daemon runs (sorttp purge does the same
 * from the command line). A purge logs and audits counts only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "log.h"
#include "purge.h"
#include "util.h"

/* ymd (yyyymmdd) minus months, the day clamped to the month's length. */
static int
months_back(int ymd, long long months)
{
	long long	mi = (ymd / 10000) * 12LL + (ymd / 100 % 100 - 1) - months;
	int		y = (int)(mi / 12), m = (int)(mi % 12) + 1;
	int		d = ymd % 100;

	while (d > 28 && !date_valid(y, m, d))
		d--;
	return y * 10000 + m * 100 + d;
}

static void
iso_day(int ymd, char out[21])
{
	util_fmt(out, 21, "%04d-%02d-%02dT00:00:00Z", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
}

void
purge_cut(const struct config *cfg, time_t now, struct store_purge_cut *c)
{
	int	today = date_today(now);

	memset(c, 0, sizeof(*c));
	c->detail_before = months_back(today,
	    config_limit(cfg, LIMIT_RETENTION_DETAIL_MONTHS));
	iso_day(months_back(today,
	    config_limit(cfg, LIMIT_RETENTION_RECEIPTS_MONTHS)),
	    c->receipts_before);
	iso_day(months_back(today,
	    config_limit(cfg, LIMIT_RETENTION_AUDIT_MONTHS)),
	    c->audit_before);
}

void
purge_format(const struct store_purge_counts *n, char *buf, size_t len)
{
	size_t	off = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < STORE_PURGE_KINDS; i++) {
		if (util_fmt(buf + off, len - off, "%s%s %lld", i ? ", " : "",
		    store_purge_kind(i), (long long)n->n[i]) == -1)
			return;
		off = strlen(buf);
	}
}

struct purge_thread {
	const struct config	*cfg;
	struct store		*st;
	pthread_t		 tid;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 stop;
};

static void
purge_once(struct purge_thread *p)
{
	struct store_purge_cut		cut;
	struct store_purge_counts	n;
	char				line[256];

	purge_cut(p->cfg, time(NULL), &cut);
	if (store_purge(p->st, &cut, 0, &n) == -1) {
		log_error("purge failed; it is tried again tomorrow");
		return;
	}
	purge_format(&n, line, sizeof(line));
	log_info("purge: %s", line);
}

static void *
purge_main(void *arg)
{
	struct purge_thread	*p = arg;
	struct timespec		 at;
	time_t			 wait = PURGE_FIRST_DELAY_S;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_sec += wait;
		while (!p->stop && pthread_cond_timedwait(&p->cond, &p->lock,
		    &at) != ETIMEDOUT)
			;
		if (p->stop)
			break;
		pthread_mutex_unlock(&p->lock);
		purge_once(p);
		pthread_mutex_lock(&p->lock);
		wait = PURGE_INTERVAL_S;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int
purge_start(const struct config *cfg, const char *path,
    struct purge_thread **out, char *err, size_t errlen)
{
	struct purge_thread	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		util_fmt(err, errlen, "purge: out of memory");
		return -1;
	}
	p->cfg = cfg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (store_open(path, 0, &p->st, err, errlen) == -1)
		goto fail;
	if (pthread_create(&p->tid, NULL, purge_main, p) != 0) {
		util_fmt(err, errlen, "purge: cannot start a thread");
		goto fail;
	}
	*out = p;
	return 0;
fail:
	store_close(p->st);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
	return -1;
}

void
purge_stop(struct purge_thread *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->tid, NULL);
	store_close(p->st);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

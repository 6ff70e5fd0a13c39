/*
 * The daemon's monthly report run. A thread wakes every REPORT_CHECK_S
 * seconds (and at start): it deletes reports older than
 * report_retention_days, and once the day of the month (Dutch date) has
 * reached report_day it makes the previous month's reports unless a
 * marker says that month is done. Checking "reached" instead of "equal"
 * is the catch-up: a daemon that was down on report_day makes them at
 * its next start. The marker outlives the reports, so a month whose
 * reports were removed after three weeks is not made again.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "log.h"
#include "report.h"
#include "util.h"

struct report_sched {
	const struct config	*cfg;
	struct ind_engine	*eng;
	struct store		*st;
	const char		*dir;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	volatile int		 stopping;
	int			 announced;	/* month told "not due" */
};

/* One look: retention, then the run when it is due. */
static void
sched_tick(struct report_sched *s)
{
	struct report_stats	 stats;
	char			 out[CFG_PATH_MAX], err[512];
	int			 today = date_today(time(NULL)), month;

	report_retention(s->dir, config_limit(s->cfg,
	    LIMIT_REPORT_RETENTION_DAYS), time(NULL));
	/* The previous month, as a month index. */
	month = (today / 10000) * 12 + (today / 100) % 100 - 1 - 1;
	if (report_month_done(s->dir, month))
		return;
	if (today % 100 < config_limit(s->cfg, LIMIT_REPORT_DAY)) {
		/* Said once per month, so the log shows the plan. */
		if (s->announced != month + 1)
			log_info("reports of %04d-%02d: due on day %lld of the "
			    "month", month / 12, month % 12 + 1,
			    config_limit(s->cfg, LIMIT_REPORT_DAY));
		s->announced = month + 1;
		return;
	}
	if (util_fmt(out, sizeof(out), "%s/%s", s->dir, REPORT_DIR) == -1)
		return;
	log_info("reports of %04d-%02d: starting", month / 12, month % 12 + 1);
	if (report_make_month(s->cfg, s->eng, s->st, out, month, NULL, -1,
	    &stats, err, sizeof(err)) == -1) {
		log_error("reports of %04d-%02d: %s", month / 12,
		    month % 12 + 1, err);
		return;
	}
	if (stats.failed > 0)
		log_error("reports of %04d-%02d: %s", month / 12,
		    month % 12 + 1, err);
	else
		report_month_mark(s->dir, month);
	log_info("reports of %04d-%02d: %d made in %.0f ms", month / 12,
	    month % 12 + 1, stats.made, stats.ms_total);
}

static void *
sched_main(void *arg)
{
	struct report_sched	*s = arg;
	struct timespec		 ts;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->mu);
		sched_tick(s);
		pthread_mutex_lock(&s->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += REPORT_CHECK_S;
		while (!s->stopping && pthread_cond_timedwait(&s->cv, &s->mu,
		    &ts) == 0)
			;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
report_sched_start(const struct config *cfg, struct ind_engine *eng,
    struct store *st, const char *dir, struct report_sched **out,
    char *err, size_t errlen)
{
	struct report_sched	*s;
	char			 path[CFG_PATH_MAX];

	*out = NULL;
	if (util_fmt(path, sizeof(path), "%s/%s", dir, REPORT_DIR) == -1 ||
	    (mkdir(path, 0700) == -1 && errno != EEXIST)) {
		util_fmt(err, errlen, "reports folder %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	s->cfg = cfg;
	s->eng = eng;
	s->st = st;
	s->dir = dir;
	report_stop_flag = &s->stopping;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, sched_main, s) != 0) {
		util_fmt(err, errlen, "cannot start the report thread");
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void
report_sched_stop(struct report_sched *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	report_stop_flag = NULL;
	report_pdf_cleanup();
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/*
 * Reports without rendering: ids (made, parsed, refused), the Dutch
 * download name, who may see which report, the retention by age and the
 * run marker. The PDFs themselves are tested end to end in
 * tests/integration/itest_reports.c.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "test.h"
#include "util.h"

static struct config	cfg;

static long
cluster_idx(const char *name)
{
	const struct cfg_cluster *c = config_cluster(&cfg, name);

	return c != NULL ? (long)(c - cfg.ref.clusters) : -1;
}

static void
test_ids(void)
{
	struct report_info	r, p;
	char			buf[160];

	memset(&r, 0, sizeof(r));
	r.kind = REPORT_AANBIEDER;
	r.month = 2026 * 12 + 9;
	util_fmt(r.agb, sizeof(r.agb), "12345678");
	r.cluster = (size_t)cluster_idx("Amstelveen-Aalsmeer");
	report_id_make(&cfg, &r);
	CHECK_STR(r.id, "2026-10-a12345678-amstelveen-aalsmeer");
	CHECK_EQ_INT(report_id_parse(&cfg, r.id, &p), 0);
	CHECK_EQ_INT(p.kind, REPORT_AANBIEDER);
	CHECK_EQ_INT(p.month, r.month);
	CHECK_STR(p.agb, "12345678");
	CHECK_EQ_INT((long)p.cluster, cluster_idx("Amstelveen-Aalsmeer"));
	report_filename(&cfg, &r, buf, sizeof(buf));
	CHECK_STR(buf, "rapportage-2026-10-oktober-aanbieder-12345678-"
	    "amstelveen-aalsmeer.pdf");

	r.kind = REPORT_CLUSTER;
	r.agb[0] = '\0';
	r.cluster = (size_t)cluster_idx("DUO");
	report_id_make(&cfg, &r);
	CHECK_STR(r.id, "2026-10-gemiddelde-duo");
	CHECK_EQ_INT(report_id_parse(&cfg, r.id, &p), 0);
	CHECK_EQ_INT(p.kind, REPORT_CLUSTER);
	report_filename(&cfg, &r, buf, sizeof(buf));
	CHECK_STR(buf, "rapportage-2026-10-oktober-clustergemiddelde-duo.pdf");

	/* Nothing but a possible id is accepted: no paths, no case. */
	CHECK_EQ_INT(report_id_parse(&cfg, "../sorttp.key", &p), -1);
	CHECK_EQ_INT(report_id_parse(&cfg, "2026-10-gemiddelde-DUO", &p), -1);
	CHECK_EQ_INT(report_id_parse(&cfg, "2026-13-gemiddelde-duo", &p), -1);
	CHECK_EQ_INT(report_id_parse(&cfg, "2026-10-gemiddelde-nergens", &p),
	    -1);
	CHECK_EQ_INT(report_id_parse(&cfg, "2026-10-a1234567-duo", &p), -1);
	CHECK_EQ_INT(report_id_parse(&cfg, "2026-10-a12345678-duo/..", &p),
	    -1);
	CHECK_EQ_INT(report_id_parse(&cfg, "", &p), -1);
}

static void
touch(const char *dir, const char *name, time_t mtime)
{
	struct timeval	tv[2];
	char		path[512];
	FILE		*f;

	util_fmt(path, sizeof(path), "%s/%s/%s", dir, REPORT_DIR, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("%PDF-1.5\n", f);
		fclose(f);
	}
	tv[0].tv_sec = tv[1].tv_sec = mtime;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	CHECK_EQ_INT(utimes(path, tv), 0);
}

static int
count_one(const struct report_info *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void
test_visible_and_retention(void)
{
	struct report_info	 r;
	struct party		 a, b, an, an0431, mon;
	char			 dir[] = "/tmp/sorttp-test-report-XXXXXX";
	char			 path[512];
	time_t			 now = time(NULL);
	int			 n = 0;

	CHECK(mkdtemp(dir) != NULL);
	util_fmt(path, sizeof(path), "%s/%s", dir, REPORT_DIR);
	CHECK_EQ_INT(mkdir(path, 0700), 0);
	touch(dir, "2026-10-a11111111-amsterdam.pdf", now);
	touch(dir, "2026-10-a11111111-duo.pdf", now - 30 * 86400);
	touch(dir, "2026-10-a22222222-amsterdam.pdf", now - 10 * 86400);
	touch(dir, "2026-10-gemiddelde-amsterdam.pdf", now);
	touch(dir, "2026-10-gemiddelde-zaanstreek-waterland.pdf", now);
	touch(dir, "not-a-report.pdf", now);
	touch(dir, "2026-10-gemiddelde-duo.pdf.123.tmp", now - 2 * 86400);
	touch(dir, "2026-10-gemiddelde-amsterdam.pdf.124.tmp", now);
	CHECK_EQ_INT(report_list(&cfg, dir, count_one, &n), 0);
	CHECK_EQ_INT(n, 5);

	memset(&a, 0, sizeof(a));
	a.role = ROLE_AANBIEDER;
	util_fmt(a.agb, sizeof(a.agb), "11111111");
	b = a;
	util_fmt(b.agb, sizeof(b.agb), "33333333");
	memset(&an, 0, sizeof(an));
	an.role = ROLE_ANALIST;
	an.nscopes = 1;
	an.scopes[0].kind = SCOPE_CLUSTER;
	util_fmt(an.scopes[0].value, sizeof(an.scopes[0].value), "Amsterdam");
	an0431 = an;
	an0431.scopes[0].kind = SCOPE_GEMEENTE;
	util_fmt(an0431.scopes[0].value, sizeof(an0431.scopes[0].value),
	    "0431");
	memset(&mon, 0, sizeof(mon));
	mon.role = ROLE_MONITOR;

	CHECK_EQ_INT(report_id_parse(&cfg, "2026-10-a11111111-amsterdam", &r),
	    0);
	CHECK(report_visible(&cfg, dir, &a, &r));
	CHECK(!report_visible(&cfg, dir, &b, &r));
	CHECK(report_visible(&cfg, dir, &an, &r));
	CHECK(!report_visible(&cfg, dir, &an0431, &r));
	CHECK(!report_visible(&cfg, dir, &mon, &r));
	/* The average of a cluster it has a report in; not of another. */
	CHECK_EQ_INT(report_id_parse(&cfg, "2026-10-gemiddelde-amsterdam",
	    &r), 0);
	CHECK(report_visible(&cfg, dir, &a, &r));
	CHECK(!report_visible(&cfg, dir, &b, &r));
	CHECK(report_visible(&cfg, dir, &an, &r));
	CHECK_EQ_INT(report_id_parse(&cfg,
	    "2026-10-gemiddelde-zaanstreek-waterland", &r), 0);
	CHECK(!report_visible(&cfg, dir, &a, &r));
	CHECK(!report_visible(&cfg, dir, &an, &r));
	CHECK(!report_visible(&cfg, dir, &an0431, &r));
	/* An analist with every gemeente of a cluster has the cluster. */
	an0431.nscopes = 0;
	{
		size_t g;

		for (g = 0; g < cfg.ref.ngemeenten; g++)
			if (cfg.ref.gemeenten[g].cluster ==
			    (size_t)cluster_idx("Zaanstreek-Waterland")) {
				an0431.scopes[an0431.nscopes].kind =
				    SCOPE_GEMEENTE;
				util_fmt(an0431.scopes[an0431.nscopes].value,
				    CFG_NAME_MAX, "%s",
				    cfg.ref.gemeenten[g].code);
				an0431.nscopes++;
			}
	}
	CHECK(report_visible(&cfg, dir, &an0431, &r));

	/* Retention: 30 days old goes at 21, 10 days old stays. */
	CHECK_EQ_INT(report_retention(dir, 21, now), 1);
	util_fmt(path, sizeof(path), "%s/%s/2026-10-a11111111-duo.pdf", dir,
	    REPORT_DIR);
	CHECK(access(path, F_OK) == -1);
	/* A stale half-written file goes too (not counted); a fresh one not. */
	util_fmt(path, sizeof(path), "%s/%s/2026-10-gemiddelde-duo.pdf.123.tmp",
	    dir, REPORT_DIR);
	CHECK(access(path, F_OK) == -1);
	util_fmt(path, sizeof(path),
	    "%s/%s/2026-10-gemiddelde-amsterdam.pdf.124.tmp", dir, REPORT_DIR);
	CHECK(access(path, F_OK) == 0);
	CHECK_EQ_INT(report_retention(dir, 21, now), 0);
	CHECK_EQ_INT(report_retention(dir, 9, now), 1);
	CHECK_EQ_INT(report_retention(dir, 1, now + 86400 * 2), 4);

	CHECK(!report_month_done(dir, 2026 * 12 + 9));
	CHECK_EQ_INT(report_month_mark(dir, 2026 * 12 + 9), 0);
	CHECK(report_month_done(dir, 2026 * 12 + 9));
	CHECK(!report_month_done(dir, 2026 * 12 + 10));

	util_fmt(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(path), 0);
}

int
main(void)
{
	char	err[512];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "config: %s\n", err);
		return 1;
	}
	test_ids();
	test_visible_and_retention();
	return test_done("test_report");
}

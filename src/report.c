/*
 * Reports: which ones a month has, what goes into each, where they live
 * and who may see them (report.h). The figures come from the indicator
 * engine only, asked as the party itself would ask: a synthetic party
 * with the aanbieder's AGB code (its own cells and the vergelijking of
 * the cluster), or an analist scoped to exactly the cluster (cluster-level
 * cells). So a report can show nothing that party could not get over
 * GET /v1/indicators, and disclosure control is the engine's, unchanged.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ind_impl.h"
#include "log.h"
#include "report.h"
#include "util.h"

volatile int	*report_stop_flag;

static const char *const maand_naam[12] = { "januari", "februari",
	"maart", "april", "mei", "juni", "juli", "augustus", "september",
	"oktober", "november", "december" };

/* The cluster name as an id part: lower-case letters and digits, the
 * rest '-'. */
static void
cluster_slug(const char *name, char *out, size_t len)
{
	size_t	i, o = 0;
	char	c;

	for (i = 0; name[i] != '\0' && o + 1 < len; i++) {
		c = name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		out[o++] = c;
	}
	out[o] = '\0';
}

void
report_id_make(const struct config *cfg, struct report_info *r)
{
	char	slug[CFG_NAME_MAX];

	cluster_slug(cfg->ref.clusters[r->cluster].name, slug, sizeof(slug));
	if (r->kind == REPORT_AANBIEDER)
		util_fmt(r->id, sizeof(r->id), "%04d-%02d-a%s-%s",
		    r->month / 12, r->month % 12 + 1, r->agb, slug);
	else
		util_fmt(r->id, sizeof(r->id), "%04d-%02d-gemiddelde-%s",
		    r->month / 12, r->month % 12 + 1, slug);
}

int
report_id_parse(const struct config *cfg, const char *id,
    struct report_info *r)
{
	struct report_info	 t;
	long long		 y, m;
	size_t			 len = strlen(id), i;
	const char		*rest;

	memset(r, 0, sizeof(*r));
	if (len < 10 || len >= REPORT_ID_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return -1;
	if (id[4] != '-' || id[7] != '-' ||
	    util_memtonum(id, 4, 2000, 2099, &y) == -1 ||
	    util_memtonum(id + 5, 2, 1, 12, &m) == -1)
		return -1;
	r->month = (int)(y * 12 + m - 1);
	rest = id + 8;
	if (rest[0] == 'a' && strlen(rest) > 10 && rest[9] == '-' &&
	    util_all_digits(rest + 1, 8)) {
		r->kind = REPORT_AANBIEDER;
		memcpy(r->agb, rest + 1, 8);
		r->agb[8] = '\0';
	} else if (strncmp(rest, "gemiddelde-", 11) == 0)
		r->kind = REPORT_CLUSTER;
	else
		return -1;
	/* The cluster is whichever one makes exactly this id. */
	for (i = 0; i < cfg->ref.nclusters; i++) {
		t = *r;
		t.cluster = i;
		report_id_make(cfg, &t);
		if (strcmp(t.id, id) == 0) {
			*r = t;
			return 0;
		}
	}
	return -1;
}

void
report_filename(const struct config *cfg, const struct report_info *r,
    char *buf, size_t len)
{
	char	slug[CFG_NAME_MAX];

	cluster_slug(cfg->ref.clusters[r->cluster].name, slug, sizeof(slug));
	if (r->kind == REPORT_AANBIEDER)
		util_fmt(buf, len, "rapportage-%04d-%02d-%s-aanbieder-%s-%s.pdf",
		    r->month / 12, r->month % 12 + 1,
		    maand_naam[r->month % 12], r->agb, slug);
	else
		util_fmt(buf, len, "rapportage-%04d-%02d-%s-"
		    "clustergemiddelde-%s.pdf", r->month / 12,
		    r->month % 12 + 1, maand_naam[r->month % 12], slug);
}

int
report_path(const char *dir, const char *id, char *buf, size_t len)
{
	return util_fmt(buf, len, "%s/%s/%s.pdf", dir, REPORT_DIR, id) == 0 ?
	    0 : -1;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_info *)a)->id,
	    ((const struct report_info *)b)->id);
}

int
report_list(const struct config *cfg, const char *dir,
    int (*fn)(const struct report_info *, void *), void *arg)
{
	struct report_info	*v = NULL;
	struct dirent		*de;
	struct stat		 sb;
	DIR			*d;
	char			 path[CFG_PATH_MAX], id[REPORT_ID_MAX];
	size_t			 n = 0, cap = 0, len, i;
	int			 ret = -1;

	if (util_fmt(path, sizeof(path), "%s/%s", dir, REPORT_DIR) == -1)
		return -1;
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || len - 4 >= sizeof(id) ||
		    strcmp(de->d_name + len - 4, ".pdf") != 0)
			continue;
		memcpy(id, de->d_name, len - 4);
		id[len - 4] = '\0';
		if (util_grow((void **)&v, &cap, n + 1, sizeof(*v)) == -1)
			goto fail;
		if (report_id_parse(cfg, id, &v[n]) == -1 ||
		    report_path(dir, id, path, sizeof(path)) == -1 ||
		    stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
			continue;
		v[n].bytes = (long long)sb.st_size;
		v[n].mtime = sb.st_mtime;
		n++;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), id_cmp);
	for (i = 0; i < n; i++)
		if (fn(&v[i], arg) == -1)
			break;
	ret = 0;
fail:
	closedir(d);
	free(v);
	return ret;
}

/* Whether every gemeente of cluster c lies in the analist's scope. */
static int
cluster_in_scope(const struct config *cfg, const struct party *p, size_t c)
{
	size_t	g, s;
	int	in;

	for (s = 0; s < p->nscopes; s++)
		if (p->scopes[s].kind == SCOPE_CLUSTER &&
		    strcmp(p->scopes[s].value, cfg->ref.clusters[c].name) == 0)
			return 1;
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		if (cfg->ref.gemeenten[g].cluster != c)
			continue;
		in = 0;
		for (s = 0; s < p->nscopes && !in; s++)
			in = p->scopes[s].kind == SCOPE_GEMEENTE &&
			    strcmp(p->scopes[s].value,
			    cfg->ref.gemeenten[g].code) == 0;
		if (!in)
			return 0;
	}
	return 1;
}

int
report_visible(const struct config *cfg, const char *dir,
    const struct party *p, const struct report_info *r)
{
	struct report_info	 own;
	struct stat		 sb;
	char			 path[CFG_PATH_MAX];

	if (p->role == ROLE_ANALIST)
		return cluster_in_scope(cfg, p, r->cluster);
	if (p->role != ROLE_AANBIEDER)
		return 0;
	if (r->kind == REPORT_AANBIEDER)
		return strcmp(r->agb, p->agb) == 0;
	/* The average of a cluster it has its own report of, that month. */
	own = *r;
	own.kind = REPORT_AANBIEDER;
	util_fmt(own.agb, sizeof(own.agb), "%s", p->agb);
	report_id_make(cfg, &own);
	return report_path(dir, own.id, path, sizeof(path)) == 0 &&
	    stat(path, &sb) == 0;
}

/* ---- Asking the engine ---- */

/*
 * One answer of the engine, for party p, parsed. by is the only shape a
 * report uses per kind: by=aanbieder for an aanbieder, by=cluster for the
 * cluster report; both filtered to one cluster.
 */
static cJSON *
ask(struct ind_engine *eng, const struct party *p, enum ind_kind kind,
    enum ind_by by, enum ind_period period, int from, int to, long cluster)
{
	struct ind_query	 q;
	struct ind_answer	 a;
	cJSON			*j = NULL;

	memset(&q, 0, sizeof(q));
	q.kind = kind;
	q.by = by;
	q.period = period;
	/* The engine counts months from January IND_YEAR0. */
	q.from = from - IND_YEAR0 * 12;
	q.to = to - IND_YEAR0 * 12;
	if (cluster >= 0) {
		q.nclusters = 1;
		q.clusters[0] = (size_t)cluster;
	}
	ind_engine_answer(eng, p, &q, "report", &a);
	if (a.status == 200 && a.body != NULL)
		j = cJSON_ParseWithLength(a.body, a.len);
	else
		log_error("report: indicator %s answered %u", ind_kind_name(kind),
		    a.status);
	ind_answer_free(&a);
	return j;
}

/* Own (not vergelijking) cells of the answer that are not suppressed. */
static int
visible_own(const cJSON *ans)
{
	const cJSON	*c;
	int		 n = 0;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells"))
		if (!cJSON_IsTrue(cJSON_GetObjectItem(c, "vergelijking")) &&
		    !cJSON_IsTrue(cJSON_GetObjectItem(c, "suppressed")))
			n++;
	return n;
}

/*
 * A section: the 13 months up to month when enough of them show the
 * party's own figures, else the 5 quarters up to month's quarter
 * ("quarters where months are too small"); quarters at once where
 * "publicatie" has no months of one aanbieder per cluster.
 */
static int
section_fill(struct ind_engine *eng, const struct party *p, enum ind_by by,
    long cluster, int month, int quarters, struct report_section *s)
{
	int	qfrom;

	if (quarters)
		goto quarters;
	s->period = IND_MONTH;
	s->from = month - (REPORT_TREND_MONTHS - 1);
	s->nperiods = REPORT_TREND_MONTHS;
	if ((s->answer = ask(eng, p, s->kind, by, IND_MONTH, s->from, month,
	    cluster)) == NULL)
		return -1;
	if (visible_own(s->answer) >= REPORT_MONTHS_MIN_VISIBLE)
		return 0;
	cJSON_Delete(s->answer);
quarters:
	qfrom = month - month % 3 - 3 * (REPORT_TREND_QUARTERS - 1);
	s->period = IND_QUARTER;
	s->from = qfrom;
	s->nperiods = REPORT_TREND_QUARTERS;
	s->answer = ask(eng, p, s->kind, by, IND_QUARTER, qfrom, month,
	    cluster);
	return s->answer != NULL ? 0 : -1;
}

/* One report: ask, render, audit. */
static int
make_one(const struct config *cfg, struct ind_engine *eng, struct store *st,
    const char *outdir, struct report_info *r, int asof, char *err,
    size_t errlen)
{
	struct report_doc	 doc;
	struct party		 p;
	char			 naam[PARTY_NAME_MAX + 1], path[CFG_PATH_MAX];
	char			 detail[160];
	int			 i, ret = -1;

	memset(&doc, 0, sizeof(doc));
	memset(&p, 0, sizeof(p));
	naam[0] = '\0';
	/* id 0: the TTP itself asks, as that party would; via "report". */
	if (r->kind == REPORT_AANBIEDER) {
		p.role = ROLE_AANBIEDER;
		util_fmt(p.agb, sizeof(p.agb), "%s", r->agb);
		util_fmt(p.name, sizeof(p.name), "report");
		if (st != NULL)
			store_aanbieder_name(st, r->agb, naam, sizeof(naam));
	} else {
		p.role = ROLE_ANALIST;
		p.nscopes = 1;
		p.scopes[0].kind = SCOPE_CLUSTER;
		util_fmt(p.scopes[0].value, sizeof(p.scopes[0].value), "%s",
		    cfg->ref.clusters[r->cluster].name);
		util_fmt(p.name, sizeof(p.name), "report");
	}
	report_id_make(cfg, r);
	doc.cfg = cfg;
	doc.info = r;
	doc.aanbieder_naam = naam;
	doc.asof = asof;
	doc.k = config_limit(cfg, LIMIT_K);
	for (i = 0; i < IND__NKINDS; i++) {
		enum ind_by	by = r->kind == REPORT_AANBIEDER ?
		    IND_BY_AANBIEDER : IND_BY_CLUSTER;

		/* Aanlevering is shown beside each indicator, not alone. */
		if (i == IND_AANLEVERING)
			continue;
		doc.sec[i].kind = (enum ind_kind)i;
		/* "publicatie": an aanbieder's months per cluster, or not. */
		if (section_fill(eng, &p, by, (long)r->cluster, r->month,
		    by == IND_BY_AANBIEDER &&
		    cfg->pub_aanbieder[CFG_PUB_CLUSTER] > IND_MONTH,
		    &doc.sec[i]) == -1 || (doc.sec[i].cover = ask(eng, &p,
		    IND_AANLEVERING, by, doc.sec[i].period, doc.sec[i].from,
		    r->month, (long)r->cluster)) == NULL) {
			util_fmt(err, errlen, "indicator %s not available",
			    ind_kind_name((enum ind_kind)i));
			goto fail;
		}
	}
	if (util_fmt(path, sizeof(path), "%s/%s.pdf", outdir, r->id) == -1) {
		util_fmt(err, errlen, "output path too long");
		goto fail;
	}
	if (report_pdf_write(&doc, path, err, errlen) == -1)
		goto fail;
	if (st != NULL) {
		util_fmt(detail, sizeof(detail), "{\"id\":\"%s\"}", r->id);
		store_audit(st, 0, "report_generate", detail);
	}
	ret = 0;
fail:
	for (i = 0; i < IND__NKINDS; i++) {
		cJSON_Delete(doc.sec[i].answer);
		cJSON_Delete(doc.sec[i].cover);
	}
	return ret;
}

/* The (agb, cluster) pairs with cells in the window, as the operator
 * sees them (the whole region, by aanbieder: a cell per aanbieder per
 * cluster). A pair is a 64-bit key agb * 64 + cluster. */
struct pairs {
	long long	*v;
	size_t		 n, cap;
};

static int
pairs_add(struct pairs *ps, long long key)
{
	size_t	i;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i] == key)
			return 0;
	if (util_grow((void **)&ps->v, &ps->cap, ps->n + 1,
	    sizeof(*ps->v)) == -1)
		return -1;
	ps->v[ps->n++] = key;
	return 0;
}

static int
ll_cmp(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int
collect_pairs(const struct config *cfg, struct ind_engine *eng, int month,
    struct pairs *ps)
{
	const struct cfg_cluster *cl;
	const cJSON	*c, *agb, *name;
	const char	*why;
	cJSON		*ans;
	long long	 a;
	int		 k;

	for (k = 0; k < IND__NKINDS; k++) {
		/* Aanlevering has the cells uitval has. */
		if (k == IND_AANLEVERING)
			continue;
		if ((ans = ask(eng, NULL, (enum ind_kind)k, IND_BY_AANBIEDER,
		    IND_QUARTER, month - (REPORT_TREND_MONTHS - 1), month,
		    -1)) == NULL)
			return -1;
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells")) {
			agb = cJSON_GetObjectItem(c, "aanbieder");
			name = cJSON_GetObjectItem(c, "cluster");
			if (!cJSON_IsString(agb) || !cJSON_IsString(name) ||
			    (cl = config_cluster(cfg, name->valuestring)) ==
			    NULL || util_strtonum(agb->valuestring, 0,
			    99999999, &a, &why) == -1)
				continue;
			if (pairs_add(ps, a * 64 +
			    (long long)(cl - cfg->ref.clusters)) == -1) {
				cJSON_Delete(ans);
				return -1;
			}
		}
		cJSON_Delete(ans);
	}
	if (ps->n > 0)
		qsort(ps->v, ps->n, sizeof(*ps->v), ll_cmp);
	return 0;
}

static int
stopping(void)
{
	return report_stop_flag != NULL &&
	    __atomic_load_n(report_stop_flag, __ATOMIC_RELAXED);
}

static void
stats_add(struct report_stats *s, uint64_t t0, int ok)
{
	double	ms = (double)(util_now_ns() - t0) / 1e6;

	if (ok)
		s->made++;
	else
		s->failed++;
	s->ms_total += ms;
	if (ms > s->ms_max)
		s->ms_max = ms;
}

int
report_make_month(const struct config *cfg, struct ind_engine *eng,
    struct store *st, const char *outdir, int month, const char *agb,
    long cluster, struct report_stats *stats, char *err, size_t errlen)
{
	struct pairs		 ps = { NULL, 0, 0 };
	struct report_info	 r;
	int			 has[CFG_MAX_CLUSTERS] = { 0 };
	int			 asof = 0;
	size_t			 i;
	long			 c;
	uint64_t		 t0;
	char			 e1[256];

	memset(stats, 0, sizeof(*stats));
	err[0] = e1[0] = '\0';
	if (mkdir(outdir, 0700) == -1 && errno != EEXIST) {
		util_fmt(err, errlen, "%s: %s", outdir, strerror(errno));
		return -1;
	}
	if (st != NULL)
		store_data_asof(st, &asof);
	if (collect_pairs(cfg, eng, month, &ps) == -1) {
		util_fmt(err, errlen, "the indicators are not available");
		free(ps.v);
		return -1;
	}
	for (i = 0; i < ps.n; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = REPORT_AANBIEDER;
		r.month = month;
		r.cluster = (size_t)(ps.v[i] % 64);
		util_fmt(r.agb, sizeof(r.agb), "%08lld", ps.v[i] / 64);
		has[r.cluster] = 1;
		if ((agb != NULL && strcmp(agb, r.agb) != 0) ||
		    (cluster >= 0 && (size_t)cluster != r.cluster))
			continue;
		if (stopping()) {
			stats->failed++;
			break;
		}
		t0 = util_now_ns();
		stats_add(stats, t0, make_one(cfg, eng, st, outdir, &r, asof,
		    e1, sizeof(e1)) == 0);
	}
	for (c = 0; c < (long)cfg->ref.nclusters; c++) {
		if (!has[c] || (cluster >= 0 && cluster != c))
			continue;
		if (stopping()) {
			stats->failed++;
			break;
		}
		/* With --aanbieder, the averages of its clusters only. */
		if (agb != NULL) {
			for (i = 0; i < ps.n; i++)
				if (ps.v[i] % 64 == c &&
				    ps.v[i] / 64 == strtoll(agb, NULL, 10))
					break;
			if (i == ps.n)
				continue;
		}
		memset(&r, 0, sizeof(r));
		r.kind = REPORT_CLUSTER;
		r.month = month;
		r.cluster = (size_t)c;
		t0 = util_now_ns();
		stats_add(stats, t0, make_one(cfg, eng, st, outdir, &r, asof,
		    e1, sizeof(e1)) == 0);
	}
	free(ps.v);
	if (stats->failed > 0)
		util_fmt(err, errlen, "%d report%s failed: %s", stats->failed,
		    stats->failed == 1 ? "" : "s", e1);
	return stats->failed > 0 && stats->made == 0 ? -1 : 0;
}

/* ---- Retention and the run markers ---- */

int
report_retention(const char *dir, long long days, time_t now)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		 path[CFG_PATH_MAX], file[CFG_PATH_MAX];
	size_t		 len;
	int		 n = 0, tmp;

	if (util_fmt(path, sizeof(path), "%s/%s", dir, REPORT_DIR) == -1)
		return -1;
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		/* Reports, and files a crash left half-written. */
		tmp = len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0;
		if (len < 5 || (!tmp && strcmp(de->d_name + len - 4,
		    ".pdf") != 0) || util_fmt(file, sizeof(file), "%s/%s",
		    path, de->d_name) == -1 || lstat(file, &sb) == -1 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (tmp && now - sb.st_mtime > REPORT_TMP_MAX_S) {
			unlink(file);
			continue;
		}
		if (!tmp && (long long)(now - sb.st_mtime) > days * 86400LL) {
			if (unlink(file) == 0) {
				n++;
				log_info("report %.*s removed after %lld days",
				    (int)(len - 4), de->d_name, days);
			}
		}
	}
	closedir(d);
	return n;
}

static int
marker_path(const char *dir, int month, char *buf, size_t len)
{
	return util_fmt(buf, len, "%s/%s/.done-%04d-%02d", dir, REPORT_DIR,
	    month / 12, month % 12 + 1);
}

int
report_month_done(const char *dir, int month)
{
	struct stat	 sb;
	char		 path[CFG_PATH_MAX];

	return marker_path(dir, month, path, sizeof(path)) == 0 &&
	    stat(path, &sb) == 0;
}

int
report_month_mark(const char *dir, int month)
{
	char	path[CFG_PATH_MAX];
	int	fd;

	if (marker_path(dir, month, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	close(fd);
	return 0;
}

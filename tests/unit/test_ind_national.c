/*
 * A national deployment (issue #15, item 5): all 342 gemeenten in 42
 * clusters (the jeugdregio's), loaded through the real config loader from
 * a file written here, with synthetic codes 0001..0342: gemeente i (index
 * i - 1) lies in cluster (i - 1) * 42 / 342, so cluster 41 holds
 * 0335..0342. A snapshot built from a store filled by hand counts ends in
 * gemeenten whose index is above 255 in the right gemeente, cluster and
 * regio cells, and the answers name them. More than the maxima is still
 * a clear configuration error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ind_impl.h"
#include "questionnaire.h"
#include "store.h"
#include "store_impl.h"
#include "test.h"
#include "test_answer.h"
#include "test_file.h"
#include "test_sql.h"
#include "util.h"

#define AGB	12345678
#define MARCH	((2026 - IND_YEAR0) * 12 + 2)	/* month index of 2026-03 */
#define NGEM	342
#define NCLU	42

static struct config	cfg;
static struct quest_set	qs;
static struct ind_items	items;
static char		dir[64], db[96];

/* The cluster of gemeente code i (1..ngem) among nclu. */
static int
cluster_of(int i, int ngem, int nclu)
{
	return (i - 1) * nclu / ngem;
}

/*
 * gemeenten.json with ngem gemeenten 0001.. in nclu clusters, then
 * sorttp.json beside it; loads it into *c.
 */
static int
load(int ngem, int nclu, struct config *c, char *err, size_t errlen)
{
	char	*t, path[128];
	size_t	 cap = 256 + (size_t)ngem * 48 + (size_t)nclu * 48, o = 0;
	int	 i, cl, rc;

	if ((t = malloc(cap)) == NULL)
		exit(1);
	o += (size_t)snprintf(t + o, cap - o, "{\"clusters\": [");
	for (cl = 0; cl < nclu; cl++) {
		o += (size_t)snprintf(t + o, cap - o, "%s{\"naam\": \"Regio %d\","
		    " \"gemeenten\": [", cl ? "," : "", cl);
		for (i = 1; i <= ngem; i++)
			if (cluster_of(i, ngem, nclu) == cl)
				o += (size_t)snprintf(t + o, cap - o,
				    "%s{\"code\": \"%04d\", \"naam\": \"G%d\"}",
				    t[o - 1] == '[' ? "" : ",", i, i);
		o += (size_t)snprintf(t + o, cap - o, "]}");
	}
	o += (size_t)snprintf(t + o, cap - o, "]}\n");
	CHECK(o < cap);
	test_write_file(dir, "gemeenten.json", t);
	free(t);
	test_write_file(dir, "sorttp.json", "{\"k\": 10}\n");
	util_fmt(path, sizeof(path), "%s/sorttp.json", dir);
	rc = config_load(path, c, err, errlen);
	if (rc == -1 && ngem <= CFG_MAX_GEMEENTEN && nclu <= CFG_MAX_CLUSTERS)
		fprintf(stderr, "config: %s\n", err);
	return rc;
}

static void
test_config(void)
{
	static struct config	 c;
	const struct cfg_gemeente *g;
	char			 err[512];
	int			 retired, i, ok = 1;

	CHECK_EQ_INT(load(NGEM, NCLU, &cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.ref.ngemeenten, NGEM);
	CHECK_EQ_INT(cfg.ref.nclusters, NCLU);
	for (i = 1; i <= NGEM; i++) {
		char	code[5];

		util_fmt(code, sizeof(code), "%04d", i);
		g = config_gemeente(&cfg, code, &retired);
		ok &= g == &cfg.ref.gemeenten[i - 1] &&
		    (int)g->cluster == cluster_of(i, NGEM, NCLU);
	}
	CHECK(ok);
	CHECK_STR(cfg.ref.clusters[cfg.ref.gemeenten[341].cluster].name,
	    "Regio 41");
	/* The maxima themselves load; one more is refused, named. */
	CHECK_EQ_INT(load(CFG_MAX_GEMEENTEN, CFG_MAX_CLUSTERS, &c, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(load(CFG_MAX_GEMEENTEN + 1, NCLU, &c, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "more than 512 gemeenten in all") != NULL);
	CHECK_EQ_INT(load(NGEM, CFG_MAX_CLUSTERS + 1, &c, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "clusters: 65 entries, at most 64 allowed") != NULL);
	if (test_failures > 0)
		fprintf(stderr, "last error: %s\n", err);
}

/*
 * Ends in March 2026 (reden 31) of one aanbieder, n of them in gemeente
 * code, of age band leeftijd (-1 unknown), clients from *client on.
 */
static void
ends(struct store *st, int code, int n, int leeftijd, int *client)
{
	char	lt[8];
	int	i;

	util_fmt(lt, sizeof(lt), "%d", leeftijd);
	for (i = 0; i < n; i++, (*client)++)
		sql(st, "INSERT INTO trajecten (client, prod_key, begindatum,"
		    " prod_chk, agb, gemeente, gestart, einddatum, reden,"
		    " key_version, upload_id, leeftijd) VALUES (%d, %d,"
		    " 20250101, 0, %d, %d, 1, 20260315, 31, 1, 1, %s)", *client,
		    1000 + *client, AGB, code, leeftijd < 0 ? "NULL" : lt);
}

/*
 * By hand: 0001 (index 0, cluster 0) 10 ends; 0257 (index 256, which a
 * byte would make 0) 13, cluster 256 * 42 / 342 = 31; 0300 (index 299)
 * 12, cluster 36; 0340 and 0342 (indexes 339 and 341) 15 and 11, both in
 * cluster 41. So clusters 0, 31, 36, 41: 10, 13, 12, 26, and the regio 61.
 * Age bands: 0001 unknown, 0257 and 0300 18+ (band 3), 0340 and 0342
 * 12-17 (band 2): in the regio 10 unknown, 26 12-17 and 25 18+.
 */
static void
fill(struct store *st)
{
	int	client = 1;

	ends(st, 1, 10, -1, &client);
	ends(st, 257, 13, 3, &client);
	ends(st, 300, 12, 3, &client);
	ends(st, 340, 15, 2, &client);
	ends(st, 342, 11, 2, &client);
}

/* The 2026 uitval units of age band value val (band + 1, 0 unknown). */
static long
bd_units(const struct ind_snapshot *s, int geo, int val)
{
	const struct ind_bdcell	*b;
	size_t			 i, n;

	n = ind_bd_range(&s->bd[IND_UITVAL], geo, MARCH / 12, IND_BD_LEEFTIJD,
	    &b);
	for (i = 0; i < n; i++)
		if (b[i].val == val)
			return (long)b[i].c->tot.units;
	return -1;
}

static long
units_at(const struct ind_snapshot *s, enum ind_period t, int geo, int p)
{
	const struct cell *c = ind_cube_find(&s->cube[IND_UITVAL][t],
	    (int)s->nagbs, geo, p);

	return c == NULL ? -1 : (long)c->tot.units;
}

/* The answer to uitval, by, March 2026, as JSON. */
static char *
answer_by(struct ind_snapshot *s, enum ind_by by)
{
	struct ind_query	 q;
	struct pop		 pop;
	char			 code[32], msg[256], *body = NULL;
	const char		*c;
	unsigned		 status;

	memset(&q, 0, sizeof(q));
	q.kind = IND_UITVAL;
	q.by = by;
	q.period = IND_MONTH;
	q.from = q.to = MARCH;
	CHECK_EQ_INT(ind_scope_apply(&cfg, NULL, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(test_answer(&cfg, &items, s, &q, &pop, &body, &status,
	    &c, NULL), 0);
	return body;
}

/*
 * Whether body has the cell {"key":"place", ...} with n units of n
 * clients, published.
 */
static int
has_cell(const char *body, const char *key, const char *place, long n)
{
	char		 want[128];
	const char	*p, *w, *v;

	util_fmt(want, sizeof(want), "{\"%s\":\"%s\",", key, place);
	if (body == NULL || (p = strstr(body, want)) == NULL ||
	    (v = strstr(p, "\"values\"")) == NULL)
		return 0;
	util_fmt(want, sizeof(want), "\"suppressed\":false,\"voorlopig\":"
	    "false,\"n_clients\":%ld,\"n\":%ld,", n, n);
	return (w = strstr(p, want)) != NULL && w < v;
}

static void
test_snapshot(void)
{
	struct ind_snapshot	*s;
	char			*body;
	int			 tt;

	if ((s = test_snapshot_of(&cfg, &qs, &items, db, 20270101)) ==
	    NULL) {
		CHECK(0);
		return;
	}
	CHECK_EQ_INT(s->ngem, NGEM);
	CHECK_EQ_INT(s->nclu, NCLU);
	for (tt = 0; tt < IND__NPERIODS; tt++) {
		int	p = tt == IND_MONTH ? MARCH : tt == IND_QUARTER ?
		    MARCH / 3 : MARCH / 12;

		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 0, p), 10);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 256, p), 13);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 299, p), 12);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 339, p), 15);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 341, p), 11);
		/* Nothing where a byte-wide index would have put them. */
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 43, p), -1);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 83, p), -1);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt, 85, p), -1);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt,
		    IND_GEO_CLUSTER(s, 0), p), 10);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt,
		    IND_GEO_CLUSTER(s, 31), p), 13);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt,
		    IND_GEO_CLUSTER(s, 36), p), 12);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt,
		    IND_GEO_CLUSTER(s, 41), p), 26);
		CHECK_EQ_INT(units_at(s, (enum ind_period)tt,
		    IND_GEO_REGIO(s), p), 61);
	}
	CHECK_EQ_INT(IND_GEO_REGIO(s), NGEM + NCLU);
	/* The uitsplitsing by age, per gemeente, cluster and regio. */
	CHECK_EQ_INT(bd_units(s, 0, 0), 10);
	CHECK_EQ_INT(bd_units(s, 256, 4), 13);
	CHECK_EQ_INT(bd_units(s, 299, 4), 12);
	CHECK_EQ_INT(bd_units(s, 339, 3), 15);
	CHECK_EQ_INT(bd_units(s, 341, 3), 11);
	CHECK_EQ_INT(bd_units(s, 341, 4), -1);
	CHECK_EQ_INT(bd_units(s, 85, 3), -1);
	CHECK_EQ_INT(bd_units(s, IND_GEO_CLUSTER(s, 41), 3), 26);
	CHECK_EQ_INT(bd_units(s, IND_GEO_CLUSTER(s, 41), 4), -1);
	CHECK_EQ_INT(bd_units(s, IND_GEO_CLUSTER(s, 31), 4), 13);
	CHECK_EQ_INT(bd_units(s, IND_GEO_REGIO(s), 0), 10);
	CHECK_EQ_INT(bd_units(s, IND_GEO_REGIO(s), 3), 26);
	CHECK_EQ_INT(bd_units(s, IND_GEO_REGIO(s), 4), 25);

	body = answer_by(s, IND_BY_GEMEENTE);
	CHECK(has_cell(body, "gemeente", "0001", 10));
	CHECK(has_cell(body, "gemeente", "0257", 13));
	CHECK(has_cell(body, "gemeente", "0300", 12));
	CHECK(has_cell(body, "gemeente", "0340", 15));
	CHECK(has_cell(body, "gemeente", "0342", 11));
	if (test_failures > 0 && body != NULL)
		fprintf(stderr, "%s\n", body);
	free(body);
	body = answer_by(s, IND_BY_CLUSTER);
	CHECK(has_cell(body, "cluster", "Regio 41", 26));
	CHECK(has_cell(body, "cluster", "Regio 31", 13));
	if (test_failures > 0 && body != NULL)
		fprintf(stderr, "%s\n", body);
	free(body);
	body = answer_by(s, IND_BY_REGIO);
	CHECK(body != NULL && strstr(body, "\"n\":61,") != NULL);
	free(body);
	ind_snapshot_free(s);
}

/*
 * A national analist: every one of the 42 clusters in scope, stored and
 * read back, sees the whole country and may ask by=regio.
 */
static void
test_national_analist(void)
{
	static struct party	 p, got;
	struct ind_query	 q;
	struct pop		 pop;
	struct store		*st;
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	char			 err[256], code[32], msg[256];
	int64_t			 id;
	int			 cl;

	CHECK(PARTY_SCOPES_MAX >= NCLU);
	if (PARTY_SCOPES_MAX < NCLU ||
	    store_open(db, 0, &st, err, sizeof(err)) == -1) {
		CHECK(0);
		return;
	}
	util_fmt(p.name, sizeof(p.name), "analist-nl");
	p.role = ROLE_ANALIST;
	for (cl = 0; cl < NCLU; cl++) {
		p.scopes[cl].kind = SCOPE_CLUSTER;
		util_fmt(p.scopes[cl].value, sizeof(p.scopes[cl].value),
		    "Regio %d", cl);
	}
	p.nscopes = NCLU;
	memset(hash, 0x42, sizeof(hash));
	CHECK_EQ_INT(store_party_add(st, &p, hash, &id), STORE_OK);
	CHECK_EQ_INT(store_party_by_token(st, hash, &got), STORE_OK);
	store_close(st);
	CHECK_EQ_INT(got.nscopes, NCLU);
	memset(&q, 0, sizeof(q));
	q.kind = IND_UITVAL;
	q.by = IND_BY_REGIO;
	q.period = IND_YEAR;
	q.from = q.to = MARCH;
	CHECK_EQ_INT(ind_scope_apply(&cfg, &got, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(pop.ngem_ok, NGEM);
	/* Without cluster 41 (read back in any order): not the regio. */
	for (cl = 0; cl < NCLU; cl++)
		if (strcmp(got.scopes[cl].value, "Regio 41") == 0)
			got.scopes[cl] = got.scopes[NCLU - 1];
	got.nscopes = NCLU - 1;
	CHECK_EQ_INT(ind_scope_apply(&cfg, &got, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(pop.ngem_ok, NGEM - 8);
	CHECK_EQ_INT(pop.gem_ok[333], 1);
	CHECK_EQ_INT(pop.gem_ok[334], 0);
}

/*
 * The audit trail keeps the whole query of an analist who sees all but
 * one gemeente, filtered on IND_FILTER_MAX aanbieders.
 */
static void
test_audit_params(void)
{
	static char		 out[IND_AUDIT_PARAMS_MAX];
	struct ind_query	 q;
	struct pop		 pop;
	size_t			 i;

	memset(&q, 0, sizeof(q));
	memset(&pop, 0, sizeof(pop));
	q.kind = IND_UITVAL;
	q.by = IND_BY_AANBIEDER;
	q.period = IND_MONTH;
	q.xlsx = 1;
	q.bd = IND_BD_PRODUCTCATEGORIE;
	for (i = 1; i < CFG_MAX_GEMEENTEN; i++)
		pop.gem_ok[i] = 1;
	pop.ngem_ok = CFG_MAX_GEMEENTEN - 1;
	pop.agb_filter = 1;
	for (i = 0; i < IND_FILTER_MAX; i++)
		pop.agbs[pop.nagbs++] = 10000000 + (int)i;
	cfg.ref.ngemeenten = CFG_MAX_GEMEENTEN;
	for (i = NGEM; i < CFG_MAX_GEMEENTEN; i++)
		util_fmt(cfg.ref.gemeenten[i].code, 5, "%04zu", i + 1);
	ind_audit_params(&q, &pop, &cfg, out, sizeof(out));
	cfg.ref.ngemeenten = NGEM;
	CHECK(strstr(out, "&gemeente=0002,0003,") != NULL);
	CHECK(strstr(out, ",0512&aanbieder=10000000,") != NULL);
	CHECK(strstr(out, ",10000063&uitsplitsing=productcategorie") != NULL);
	CHECK(strlen(out) + 1 < sizeof(out));
}

int
main(void)
{
	static struct config	 emb;
	struct store		*st;
	char			 err[512];

	/* The questionnaires of the embedded default. */
	if (config_load(NULL, &emb, err, sizeof(err)) == -1 ||
	    quest_load_config(&emb, &qs, err, sizeof(err)) == -1) {
		fprintf(stderr, "config: %s\n", err);
		return 1;
	}
	ind_items_build(&qs, &items);
	util_fmt(dir, sizeof(dir), "/tmp/test_ind_national.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_config();
	if (cfg.ref.ngemeenten == NGEM) {
		util_fmt(db, sizeof(db), "%s/sorttp.db", dir);
		if (store_open(db, STORE_OPEN_CREATE, &st, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "store: %s\n", err);
			return 1;
		}
		fill(st);
		store_close(st);
		test_snapshot();
		test_audit_params();
		test_national_analist();
	}
	test_remove_db(db);
	util_fmt(err, sizeof(err), "%s/gemeenten.json", dir);
	unlink(err);
	util_fmt(err, sizeof(err), "%s/sorttp.json", dir);
	unlink(err);
	rmdir(dir);
	return test_done("ind_national");
}

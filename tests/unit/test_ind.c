/*
 * The indicator query side without a database: the query parser
 * (defaults, each parameter, each refusal), scope (analist by cluster and
 * gemeente, aanbieder, other roles), the audited parameters, and the
 * writer on a hand-built cube, JSON and CSV to the byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ind_impl.h"
#include "test.h"
#include "util.h"

static struct config	cfg;

struct kv {
	const char	*k[12];
	const char	*v[12];
};

static const char *
get(void *arg, const char *key)
{
	struct kv	*kv = arg;
	size_t		 i;

	for (i = 0; kv->k[i] != NULL; i++)
		if (strcmp(kv->k[i], key) == 0)
			return kv->v[i];
	return NULL;
}

/* Parses "key=value" pairs (NULL-terminated); returns 0 or -1, code set. */
static int
parse(struct ind_query *q, char *code, const char *const *pairs)
{
	static char	 bufs[12][128];
	struct kv	 kv;
	char		 msg[256], *eq;
	size_t		 i;

	memset(&kv, 0, sizeof(kv));
	for (i = 0; pairs[i] != NULL && i < 11; i++) {
		util_fmt(bufs[i], sizeof(bufs[i]), "%s", pairs[i]);
		eq = strchr(bufs[i], '=');
		*eq = '\0';
		kv.k[i] = bufs[i];
		kv.v[i] = eq + 1;
	}
	code[0] = '\0';
	/* Today: 15 June 2026. */
	return ind_query_parse(&cfg, 20260615, IND_DOELREALISATIE, get, &kv,
	    kv.k, q, code, 32, msg, sizeof(msg));
}

static void
test_query(void)
{
	struct ind_query	q;
	char			code[32];

	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ NULL }), 0);
	CHECK_EQ_INT(q.by, IND_BY_AANBIEDER);
	CHECK_EQ_INT(q.period, IND_QUARTER);
	CHECK_EQ_INT(q.csv, 0);
	CHECK_EQ_INT(q.to, 26 * 12 + 5);		/* 2026-06 */
	CHECK_EQ_INT(q.from, 26 * 12 + 5 - 11);		/* 2025-07 */
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "by=gemeente",
	    "period=month", "from=2025-01", "to=2025-03", "format=csv",
	    "gemeente=0363,0362", "aanbieder=12345678", NULL }), 0);
	CHECK_EQ_INT(q.by, IND_BY_GEMEENTE);
	CHECK_EQ_INT(q.period, IND_MONTH);
	CHECK_EQ_INT(q.from, 25 * 12);
	CHECK_EQ_INT(q.to, 25 * 12 + 2);
	CHECK_EQ_INT(q.csv, 1);
	CHECK_EQ_INT(q.ngemeenten, 2);
	CHECK_STR(cfg.ref.gemeenten[q.gemeenten[0]].code, "0363");
	CHECK_EQ_INT(q.naanbieders, 1);
	CHECK_EQ_INT(q.aanbieders[0], 12345678);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "cluster=Amsterdam,DUO", NULL }), 0);
	CHECK_EQ_INT(q.nclusters, 2);

	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "bij=x", NULL }),
	    -1);
	CHECK_STR(code, "bad_parameter");
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "by=land", NULL }),
	    -1);
	CHECK_STR(code, "bad_parameter");
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "period=week",
	    NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "format=xml",
	    NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "to=2025-13",
	    NULL }), -1);
	CHECK_STR(code, "bad_parameter");
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "from=1999-12",
	    NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "from=2025-05",
	    "to=2025-04", NULL }), -1);
	CHECK_STR(code, "bad_range");
	/* 121 months: one more than indicator_months_max. */
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "from=2010-01",
	    "to=2020-01", NULL }), -1);
	CHECK_STR(code, "bad_range");
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "from=2010-02",
	    "to=2020-01", NULL }), 0);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "gemeente=9999",
	    NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "gemeente=363",
	    NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "cluster=Utrecht", NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "aanbieder=1234567", NULL }), -1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "aanbieder=12345678,", NULL }), -1);
	CHECK_STR(code, "bad_parameter");
}

static size_t
gem(const char *code)
{
	return (size_t)(config_gemeente(&cfg, code, NULL) - cfg.ref.gemeenten);
}

static void
test_scope(void)
{
	struct ind_query	q;
	struct party		p;
	struct pop		pop;
	char			code[32], msg[256], params[512];

	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ NULL }), 0);
	/* The CLI: everything. */
	CHECK_EQ_INT(ind_scope_apply(&cfg, NULL, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(pop.ngem_ok, cfg.ref.ngemeenten);
	CHECK_EQ_INT(pop.agb_filter, 0);

	/* An analist of one cluster sees its gemeenten only. */
	memset(&p, 0, sizeof(p));
	p.role = ROLE_ANALIST;
	p.nscopes = 1;
	p.scopes[0].kind = SCOPE_CLUSTER;
	util_fmt(p.scopes[0].value, sizeof(p.scopes[0].value), "Amsterdam");
	CHECK_EQ_INT(ind_scope_apply(&cfg, &p, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(pop.ngem_ok, 1);
	CHECK_EQ_INT(pop.gem_ok[gem("0363")], 1);
	CHECK_EQ_INT(pop.gem_ok[gem("0362")], 0);
	ind_audit_params(&q, &pop, &cfg, params, sizeof(params));
	CHECK_STR(params, "by=aanbieder&period=quarter&from=2025-07&"
	    "to=2026-06&format=json&gemeente=0363");
	/* A filter outside the scope is refused, not dropped. */
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "gemeente=0362", NULL }), 0);
	CHECK_EQ_INT(ind_scope_apply(&cfg, &p, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), -1);
	CHECK_STR(code, "out_of_scope");

	/* An aanbieder: its own AGB, with vergelijking; another refused. */
	memset(&p, 0, sizeof(p));
	p.role = ROLE_AANBIEDER;
	util_fmt(p.agb, sizeof(p.agb), "12345678");
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ NULL }), 0);
	CHECK_EQ_INT(ind_scope_apply(&cfg, &p, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(pop.agb_filter, 1);
	CHECK_EQ_INT(pop.nagbs, 1);
	CHECK_EQ_INT(pop.agbs[0], 12345678);
	CHECK_EQ_INT(pop.vergelijking, 1);
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "aanbieder=87654321", NULL }), 0);
	CHECK_EQ_INT(ind_scope_apply(&cfg, &p, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), -1);
	CHECK_STR(code, "out_of_scope");

	/* Other roles read no indicators. */
	memset(&p, 0, sizeof(p));
	p.role = ROLE_MONITOR;
	CHECK_EQ_INT(ind_scope_apply(&cfg, &p, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), -1);
	CHECK_STR(code, "forbidden");

	/* Analist filters by AGB come out distinct and ascending. */
	CHECK_EQ_INT(parse(&q, code, (const char *const[]){
	    "aanbieder=22222222,11111111,22222222", NULL }), 0);
	CHECK_EQ_INT(ind_scope_apply(&cfg, NULL, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(pop.nagbs, 2);
	CHECK_EQ_INT(pop.agbs[0], 11111111);
	CHECK_EQ_INT(pop.agbs[1], 22222222);
}

/* A doelrealisatie cell of the cube with its numbers. */
static void
make_cell(struct cell *c, struct dc_table *t, int period,
    struct cnt *cat, struct cnt *sub, double *sum, int64_t *num)
{
	static const uint32_t	pa[D__NCAT] = { 2, 4, 6, 8, 5, 15 };
	int			i;

	memset(c, 0, sizeof(*c));
	c->agb = 0;
	c->period = period;
	c->tot.units = 20;
	c->tot.clients = 18;
	c->cat = cat;
	for (i = 0; i < D__NCAT; i++) {
		c->cat[i].units = pa[i];
		c->cat[i].clients = pa[i];
	}
	c->sub = sub;
	sub[0].units = 10;
	sub[0].clients = 10;
	c->sum = sum;
	sum[0] = 505.0;
	c->num = num;
	num[0] = 40;
	num[1] = 10;
	c->it_tot = dc_item(t, 20, 18);
	c->it_cat = dc_item(t, 2, 2);
	for (i = 1; i < D__NCAT; i++)
		(void)dc_item(t, pa[i], pa[i]);
}

static void
test_write(void)
{
	static struct ind_items	 items;
	struct ind_snapshot	 snap;
	struct ind_query	 q;
	struct pop		 pop;
	struct run		 r;
	struct cell		 c1, c2;
	struct cnt		 cat1[D__NCAT], cat2[D__NCAT], sub1[1], sub2[1];
	double			 sum1[1], sum2[1];
	int64_t			 num1[2], num2[2];
	struct out		 outs[2];
	struct sel		 s;
	struct dc_table		*t;
	int			 agbs[1] = { 12345678 };
	char			 code[32], want[2048], *body = NULL;
	const char		*cl;
	size_t			 len = 0, g;
	long			 ncells = 0, nsup = 0;

	memset(&snap, 0, sizeof(snap));
	snap.ngem = (int)cfg.ref.ngemeenten;
	snap.nclu = (int)cfg.ref.nclusters;
	snap.agbs = agbs;
	snap.nagbs = 1;
	/* The last day of 2025-Q2: that quarter is still voorlopig. */
	snap.today = 20250630;
	ind_layout_init(&snap.lay[IND_DOELREALISATIE], IND_DOELREALISATIE,
	    &items);
	t = &snap.dc[IND_DOELREALISATIE];
	dc_init(t);
	/* 2025-Q1 (period 100) printed; 2025-Q2 suppressed as a whole. */
	make_cell(&c1, t, 100, cat1, sub1, sum1, num1);
	make_cell(&c2, t, 101, cat2, sub2, sum2, num2);
	c1.geo = c2.geo = IND_GEO_CLUSTER(&snap, 0);
	t->items[c1.it_cat + D_PA1].suppressed = 1;
	t->items[c2.it_tot].suppressed = 1;

	CHECK_EQ_INT(parse(&q, code, (const char *const[]){ "from=2025-01",
	    "to=2025-06", NULL }), 0);
	memset(&pop, 0, sizeof(pop));
	for (g = 0; g < cfg.ref.ngemeenten; g++)
		pop.gem_ok[g] = 1;
	pop.ngem_ok = cfg.ref.ngemeenten;
	memset(&r, 0, sizeof(r));
	r.cfg = &cfg;
	r.q = &q;
	r.snap = &snap;
	r.items = &items;
	r.pop = &pop;
	r.lay = &snap.lay[IND_DOELREALISATIE];
	r.k = 10;
	memset(outs, 0, sizeof(outs));
	outs[0].c = &c1;
	outs[1].c = &c2;
	outs[0].dc = outs[1].dc = t;
	memset(&s, 0, sizeof(s));
	s.v = outs;
	s.n = 2;
	cl = cfg.ref.clusters[0].name;

	CHECK_EQ_INT(ind_write_answer(&r, &s, &body, &len, &ncells, &nsup), 0);
	util_fmt(want, sizeof(want), "{\"indicator\":\"doelrealisatie\","
	    "\"by\":\"aanbieder\",\"period\":\"quarter\",\"from\":\"2025-01\","
	    "\"to\":\"2025-06\",\"k\":10,\"filters\":{},\"labels\":{"
	    "\"probleemafname\":{\"1\":\"niet afgenomen\",\"2\":"
	    "\"deels afgenomen\",\"3\":\"afgenomen\"}},\"cells\":["
	    "{\"aanbieder\":\"12345678\",\"cluster\":\"%s\",\"period\":"
	    "\"2025-Q1\",\"suppressed\":false,\"voorlopig\":false,"
	    "\"n_clients\":18,\"n\":20,"
	    "\"values\":{\"gas_t_mean\":50.50,\"doelen_behaald_pct\":25.0,"
	    "\"probleemafname\":{\"1\":null,\"2\":30.0,\"3\":40.0},"
	    "\"zonder_hulp_verder_pct\":25.0}},"
	    "{\"aanbieder\":\"12345678\",\"cluster\":\"%s\",\"period\":"
	    "\"2025-Q2\",\"suppressed\":true,\"voorlopig\":true}]}", cl, cl);
	CHECK_STR(body, want);
	CHECK_EQ_INT(len, strlen(want));
	CHECK_EQ_INT(ncells, 2);
	CHECK_EQ_INT(nsup, 1);
	free(body);

	q.csv = 1;
	ncells = nsup = 0;
	CHECK_EQ_INT(ind_write_answer(&r, &s, &body, &len, &ncells, &nsup), 0);
	util_fmt(want, sizeof(want), "\xEF\xBB\xBF" "aanbieder;aanbieder_naam;"
	    "gemeente;gemeente_naam;cluster;period;suppressed;n_clients;n;gas_t_mean;"
	    "doelen_behaald_pct;probleemafname_1_pct;probleemafname_2_pct;"
	    "probleemafname_3_pct;zonder_hulp_verder_pct;voorlopig\r\n"
	    "\"12345678\";;;;\"%s\";\"2025-Q1\";false;18;20;50,50;25,0;;30,0;"
	    "40,0;25,0;\r\n"
	    "\"12345678\";;;;\"%s\";\"2025-Q2\";true;;;;;;;;;*\r\n", cl, cl);
	CHECK_STR(body, want);
	CHECK_EQ_INT(ncells, 2);
	free(body);
	dc_free(t);
}

int
main(void)
{
	char	err[512];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "config: %s\n", err);
		return 1;
	}
	test_query();
	test_scope();
	test_write();
	return test_done("ind");
}

/*
 * "publicatie" (issue #15, national scale): the finest period of one
 * aanbieder's figures per level of geography. The config loads and
 * refuses values with their JSON path; a snapshot built with it has no
 * cells of one aanbieder where it publishes none, while every cell it has
 * counts what the full build's does, the cells of all aanbieders still
 * count every aanbieder (n_aanbieders), the exact audit passes on what is
 * left, and a query for what is not published is refused with its own
 * code instead of being answered as if there were no data.
 *
 * By hand, ends (reden 31) in cluster DUO (0384, 0451, 0437) in 2026:
 * aanbieder A 12 in 0384 and 11 in 0451 in March, 13 in 0384 in May;
 * aanbieder B 3 in 0384 in March; aanbieder C 15 in 0437 in March.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "ind_impl.h"
#include "questionnaire.h"
#include "store.h"
#include "store_impl.h"
#include "test.h"
#include "test_answer.h"
#include "test_file.h"
#include "test_sql.h"
#include "util.h"

#define AGB_A	11111111
#define AGB_B	22222222
#define AGB_C	33333333
#define MARCH	((2026 - IND_YEAR0) * 12 + 2)
#define MAY	(MARCH + 2)

static struct config	cfg;
static struct quest_set	qs;
static struct ind_items	items;
static char		dir[64], db[96];

/* Loads {json} as dir/sorttp.json into *c; the error into err. */
static int
load(const char *json, struct config *c, char *err, size_t errlen)
{
	char	path[128];

	test_write_file(dir, "sorttp.json", json);
	util_fmt(path, sizeof(path), "%s/sorttp.json", dir);
	return config_load(path, c, err, errlen);
}

static void
test_config(void)
{
	static struct config	c;
	char			err[512];

	test_write_file(dir, "gemeenten.json", "{\"clusters\": [{\"naam\": "
	    "\"A\", \"gemeenten\": [{\"code\": \"0363\", \"naam\": "
	    "\"A\"}]}]}\n");
	CHECK_EQ_INT(load("{}", &c, err, sizeof(err)), 0);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_GEMEENTE], IND_MONTH);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_CLUSTER], IND_MONTH);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_REGIO], IND_MONTH);
	CHECK_EQ_INT(load("{\"publicatie\": {\"aanbieder_gemeente\": \"jaar\","
	    " \"aanbieder_cluster\": \"kwartaal\", \"aanbieder_regio\": "
	    "\"geen\"}}", &c, err, sizeof(err)), 0);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_GEMEENTE], IND_YEAR);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_CLUSTER], IND_QUARTER);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_REGIO], CFG_PUB_NONE);
	/* One level given: the others keep every period. */
	CHECK_EQ_INT(load("{\"publicatie\": {\"aanbieder_gemeente\": "
	    "\"geen\"}}", &c, err, sizeof(err)), 0);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_GEMEENTE], CFG_PUB_NONE);
	CHECK_EQ_INT(c.pub_aanbieder[CFG_PUB_CLUSTER], IND_MONTH);
	CHECK_EQ_INT(load("{\"publicatie\": {\"aanbieder_gemeente\": "
	    "\"week\"}}", &c, err, sizeof(err)), -1);
	CHECK(strstr(err, "publicatie.aanbieder_gemeente") != NULL);
	CHECK(strstr(err, "kies maand, kwartaal, jaar of geen") != NULL);
	/* The monthly report shows an aanbieder per cluster. */
	CHECK_EQ_INT(load("{\"publicatie\": {\"aanbieder_cluster\": "
	    "\"jaar\"}}", &c, err, sizeof(err)), -1);
	CHECK(strstr(err, "publicatie.aanbieder_cluster") != NULL);
	CHECK(strstr(err, "kies maand of kwartaal") != NULL);
	CHECK_EQ_INT(load("{\"publicatie\": {\"aanbieder_wijk\": \"jaar\"}}",
	    &c, err, sizeof(err)), -1);
	CHECK(strstr(err, "aanbieder_wijk") != NULL);
	CHECK_EQ_INT(load("{\"publicatie\": \"jaar\"}", &c, err,
	    sizeof(err)), -1);
	CHECK_EQ_INT(load("{\"publicatie\": {\"aanbieder_regio\": 2}}", &c,
	    err, sizeof(err)), -1);
	if (test_failures > 0)
		fprintf(stderr, "last error: %s\n", err);
}

/* n ends of agb in gemeente code in month (2026), clients from *client. */
static void
ends(struct store *st, int agb, int code, int month, int n, int *client)
{
	int	i;

	for (i = 0; i < n; i++, (*client)++)
		sql(st, "INSERT INTO trajecten (client, prod_key, begindatum,"
		    " prod_chk, agb, gemeente, gestart, einddatum, reden,"
		    " key_version, upload_id) VALUES (%d, %d, 20250101, 0, %d,"
		    " %d, 1, 2026%02d15, 31, 1, 1)", *client, 1000 + *client,
		    agb, code, month % 12 + 1);
}

static void
fill(struct store *st)
{
	int	client = 1;

	ends(st, AGB_A, 384, MARCH, 12, &client);
	ends(st, AGB_A, 451, MARCH, 11, &client);
	ends(st, AGB_A, 384, MAY, 13, &client);
	ends(st, AGB_B, 384, MARCH, 3, &client);
	ends(st, AGB_C, 437, MARCH, 15, &client);
}

/* A snapshot with its tables kept whole, for dc_check. */
static struct ind_snapshot *
build(void)
{
	struct ind_snapshot	*s;

	ind_dc_keep = 1;
	s = test_snapshot_of(&cfg, &qs, &items, db, 20270101);
	ind_dc_keep = 0;
	return s;
}

static int
gem(const char *code)
{
	int	retired;

	return (int)(config_gemeente(&cfg, code, &retired) -
	    cfg.ref.gemeenten);
}

static const struct cell *
cell_at(const struct ind_snapshot *s, enum ind_period t, int agb, int geo,
    int p)
{
	if (agb != (int)s->nagbs && (agb = ind_agb_index(s, agb)) < 0)
		return NULL;
	return ind_cube_find(&s->cube[IND_UITVAL][t], agb, geo, p);
}

static long
units(const struct ind_snapshot *s, enum ind_period t, int agb, int geo,
    int p)
{
	const struct cell *c = cell_at(s, t, agb, geo, p);

	return c == NULL ? -1 : (long)c->tot.units;
}

static long
naanb(const struct ind_snapshot *s, enum ind_period t, int geo, int p)
{
	const struct cell *c = cell_at(s, t, (int)s->nagbs, geo, p);

	return c == NULL ? -1 : (long)c->naanbieders;
}

/* The level of geo as "publicatie" names it. */
static int
level(const struct ind_snapshot *s, int geo)
{
	return geo < s->ngem ? CFG_PUB_GEMEENTE : geo < IND_GEO_REGIO(s) ?
	    CFG_PUB_CLUSTER : CFG_PUB_REGIO;
}

/*
 * Every cell of pub is in full with the same counts; full's cells of one
 * aanbieder are in pub exactly where "publicatie" publishes them.
 */
static void
test_cells(const struct ind_snapshot *full, const struct ind_snapshot *pub)
{
	const struct cell	*c, *f;
	size_t			 i, n[2] = { 0, 0 };
	int			 k, t, want, ok = 1;

	for (k = 0; k < IND__NKINDS; k++) {
		for (t = 0; t < IND__NPERIODS; t++) {
			const struct ind_cube *cp = &pub->cube[k][t];
			const struct ind_cube *cf = &full->cube[k][t];

			for (i = 0; i < cp->n; i++) {
				c = cp->cells[i];
				f = ind_cube_find(cf, c->agb, c->geo,
				    c->period);
				ok &= f != NULL && f->tot.units ==
				    c->tot.units && f->tot.clients ==
				    c->tot.clients && f->naanbieders ==
				    c->naanbieders;
			}
			for (i = 0; i < cf->n; i++) {
				f = cf->cells[i];
				want = f->agb == (int)full->nagbs || t >=
				    cfg.pub_aanbieder[level(full, f->geo)];
				c = ind_cube_find(cp, f->agb, f->geo,
				    f->period);
				ok &= (c != NULL) == want;
				n[want]++;
			}
		}
	}
	CHECK(ok);
	/* Both kinds of cell occur, so the loops checked something. */
	CHECK(n[0] > 0 && n[1] > 0);
}

static void
test_snapshot(struct ind_snapshot *s)
{
	int	duo = IND_GEO_CLUSTER(s, (int)cfg.ref.gemeenten[gem("0384")].
	    cluster);
	int	g384 = gem("0384"), g451 = gem("0451");
	size_t	failing = 1;
	int	k;

	/* Gemeente level: per year only. */
	CHECK_EQ_INT(units(s, IND_MONTH, AGB_A, g384, MARCH), -1);
	CHECK_EQ_INT(units(s, IND_QUARTER, AGB_A, g384, MARCH / 3), -1);
	CHECK_EQ_INT(units(s, IND_YEAR, AGB_A, g384, MARCH / 12), 25);
	CHECK_EQ_INT(units(s, IND_YEAR, AGB_A, g451, MARCH / 12), 11);
	CHECK_EQ_INT(units(s, IND_YEAR, AGB_B, g384, MARCH / 12), 3);
	/* Cluster level: per quarter and year. */
	CHECK_EQ_INT(units(s, IND_MONTH, AGB_A, duo, MARCH), -1);
	CHECK_EQ_INT(units(s, IND_QUARTER, AGB_A, duo, MARCH / 3), 23);
	CHECK_EQ_INT(units(s, IND_QUARTER, AGB_A, duo, MAY / 3), 13);
	CHECK_EQ_INT(units(s, IND_YEAR, AGB_A, duo, MARCH / 12), 36);
	/* Regio level: none. */
	CHECK_EQ_INT(units(s, IND_YEAR, AGB_A, IND_GEO_REGIO(s), MARCH / 12),
	    -1);
	/* All aanbieders: every period, every aanbieder counted. */
	CHECK_EQ_INT(units(s, IND_MONTH, (int)s->nagbs, g384, MARCH), 15);
	CHECK_EQ_INT(naanb(s, IND_MONTH, g384, MARCH), 2);
	CHECK_EQ_INT(naanb(s, IND_MONTH, g384, MAY), 1);
	CHECK_EQ_INT(naanb(s, IND_MONTH, duo, MARCH), 3);
	CHECK_EQ_INT(naanb(s, IND_MONTH, IND_GEO_REGIO(s), MARCH), 3);
	CHECK_EQ_INT(naanb(s, IND_QUARTER, g384, MARCH / 3), 2);
	CHECK_EQ_INT(naanb(s, IND_YEAR, IND_GEO_REGIO(s), MARCH / 12), 3);
	CHECK_EQ_INT(units(s, IND_MONTH, (int)s->nagbs, IND_GEO_REGIO(s),
	    MARCH), 41);
	/* The exact audit, every component solved, finds nothing. */
	for (k = 0; k < IND__NKINDS; k++) {
		if (k != IND_DC_KIND(k))
			continue;	/* aanlevering: uitval's table */
		failing = 1;
		CHECK_EQ_INT(dc_check(&s->dc[k], config_limit(&cfg, LIMIT_K),
		    &failing), 0);
		CHECK_EQ_INT(failing, 0);
	}
}

/* The answer's status and code for by, period, over gemeenten codes. */
static unsigned
ask(struct ind_snapshot *s, enum ind_by by, enum ind_period t,
    const char *const *codes, int agb, const char **code)
{
	struct ind_query	 q;
	struct pop		 pop;
	char			 c[32], msg[256], *body = NULL;
	unsigned		 status = 0;
	size_t			 i;

	memset(&q, 0, sizeof(q));
	q.kind = IND_UITVAL;
	q.by = by;
	q.period = t;
	q.from = t == IND_YEAR ? MARCH - 2 : MARCH;
	q.to = t == IND_YEAR ? MARCH + 9 : MARCH;
	for (i = 0; codes != NULL && codes[i] != NULL; i++)
		q.gemeenten[q.ngemeenten++] = (size_t)gem(codes[i]);
	if (agb != 0)
		q.aanbieders[q.naanbieders++] = agb;
	*code = "";
	if (ind_scope_apply(&cfg, NULL, &q, &pop, c, sizeof(c), msg,
	    sizeof(msg)) == -1)
		return 403;
	if (test_answer(&cfg, &items, s, &q, &pop, &body, &status, code,
	    NULL) == 0 && body != NULL)
		status = 200;
	free(body);
	return status;
}

static void
test_answers(struct ind_snapshot *s)
{
	static const char *const g384[] = { "0384", NULL };
	static const char *const duo[] = { "0384", "0451", "0437", NULL };
	const char	*code;

	/* One gemeente of a cluster: aanbieders per gemeente. */
	CHECK_EQ_INT(ask(s, IND_BY_AANBIEDER, IND_MONTH, g384, 0, &code), 400);
	CHECK_STR(code, ERR_PERIODE_NIET_GEPUBLICEERD);
	CHECK_EQ_INT(ask(s, IND_BY_AANBIEDER, IND_QUARTER, g384, 0, &code),
	    400);
	CHECK_STR(code, ERR_PERIODE_NIET_GEPUBLICEERD);
	CHECK_EQ_INT(ask(s, IND_BY_AANBIEDER, IND_YEAR, g384, 0, &code), 200);
	/* An aanbieder filter asks for one aanbieder's cells too. */
	CHECK_EQ_INT(ask(s, IND_BY_GEMEENTE, IND_MONTH, g384, AGB_A, &code),
	    400);
	CHECK_STR(code, ERR_PERIODE_NIET_GEPUBLICEERD);
	/* The whole cluster: aanbieders per cluster, quarters and years. */
	CHECK_EQ_INT(ask(s, IND_BY_AANBIEDER, IND_MONTH, duo, 0, &code), 400);
	CHECK_STR(code, ERR_PERIODE_NIET_GEPUBLICEERD);
	CHECK_EQ_INT(ask(s, IND_BY_AANBIEDER, IND_QUARTER, duo, 0, &code),
	    200);
	/* One aanbieder in the whole regio: not at all. */
	CHECK_EQ_INT(ask(s, IND_BY_REGIO, IND_YEAR, NULL, AGB_A, &code), 400);
	CHECK_STR(code, ERR_PERIODE_NIET_GEPUBLICEERD);
	/* All aanbieders together: every period at every level. */
	CHECK_EQ_INT(ask(s, IND_BY_GEMEENTE, IND_MONTH, g384, 0, &code), 200);
	CHECK_EQ_INT(ask(s, IND_BY_CLUSTER, IND_MONTH, duo, 0, &code), 200);
	CHECK_EQ_INT(ask(s, IND_BY_REGIO, IND_MONTH, NULL, 0, &code), 200);
}

int
main(void)
{
	struct ind_snapshot	*full, *pub;
	struct store		*st;
	char			 err[512];
	int			 k;

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1 ||
	    quest_load_config(&cfg, &qs, err, sizeof(err)) == -1) {
		fprintf(stderr, "config: %s\n", err);
		return 1;
	}
	ind_items_build(&qs, &items);
	util_fmt(dir, sizeof(dir), "/tmp/test_ind_publicatie.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_config();
	util_fmt(db, sizeof(db), "%s/sorttp.db", dir);
	if (store_open(db, STORE_OPEN_CREATE, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "store: %s\n", err);
		return 1;
	}
	fill(st);
	store_close(st);
	full = build();
	/* The second build without the first one's history. */
	if (store_open(db, 0, &st, err, sizeof(err)) == 0) {
		sql(st, "DELETE FROM dc_history");
		store_close(st);
	}
	cfg.pub_aanbieder[CFG_PUB_GEMEENTE] = IND_YEAR;
	cfg.pub_aanbieder[CFG_PUB_CLUSTER] = IND_QUARTER;
	cfg.pub_aanbieder[CFG_PUB_REGIO] = CFG_PUB_NONE;
	pub = build();
	CHECK(full != NULL && pub != NULL);
	if (full != NULL && pub != NULL) {
		test_cells(full, pub);
		test_snapshot(pub);
		/* Compact, as a build leaves it for the answers. */
		for (k = 0; k < IND__NKINDS; k++)
			dc_compact(&pub->dc[k]);
		test_answers(pub);
	}
	ind_snapshot_free(full);
	ind_snapshot_free(pub);
	test_remove_db(db);
	util_fmt(err, sizeof(err), "%s/sorttp.json", dir);
	unlink(err);
	util_fmt(err, sizeof(err), "%s/gemeenten.json", dir);
	unlink(err);
	rmdir(dir);
	return test_done("ind_publicatie");
}

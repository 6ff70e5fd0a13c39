/*
 * Uitsplitsingen (issue #15), worked out by hand on a small store of
 * ended products (uitval; k = 10), one aanbieder, every product ended
 * 15 June of its year with reden 31. Each case lives in its own year:
 * breakdowns have no relations across years, so the cases stay apart.
 *
 * 2024, Amsterdam (0363, a cluster of its own): 30 clients; geslacht 1
 *   x10, 2 x9, 0 x11; leeftijd 4-11 x10, 12-17 x20. Geslacht 2 (9 = k-1)
 *   is withheld, and with it geslacht 1 (10, the smallest printed part);
 *   geslacht 0 (11) is printed; leeftijd 4-11 (10 = k) is printed.
 * 2025, cluster DUO: Diemen (0384) 14 clients, geslacht 1 x10, 2 x4;
 *   Uithoorn (0451) 24, geslacht 1 x12, 2 x12. Diemen's 2 (4) is
 *   withheld and its 1 (10) with it. DUO's geslacht 2 (16) is printed, so
 *   Uithoorn's 2 (12) must go (16 - 12 = 4), and then Uithoorn's 1 (12)
 *   too (24 - 12 = 12... = its 2): all four gemeente cells withheld, the
 *   cluster's printed. Across the two breakdowns of Diemen (geslacht
 *   and leeftijd, all 14 in 12-17), nothing more follows: the leeftijd
 *   cell equals the printed total.
 * 2023, Amstelveen (0362, area 01 Noord = 1180-1183) 20 clients: 12 in
 *   Noord, 8 in the rest (0362-00); Aalsmeer (0358, no areas) 15 in
 *   0358-00. 0362-00 (8) is withheld at the gemeente, so 0362-01 (12)
 *   too; at the cluster the same gebied cells are withheld again
 *   (gebied -> gemeente -> cluster), 0358-00 printed at both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "gebied.h"
#include "ind_impl.h"
#include "questionnaire.h"
#include "store.h"
#include "store_impl.h"
#include "test.h"
#include "test_answer.h"
#include "test_sql.h"
#include "util.h"

#define AGB	12345678

static struct config	cfg;
static struct quest_set	qs;
static struct ind_items	items;
static char		dir[64], db[96];
static int		next_client = 1;

/* n clients of gemeente gem, each one product ended 15 June of year. */
static void
clients(struct store *st, int n, int year, int gem, int leeftijd,
    int geslacht, int gebied)
{
	int	i, c;

	for (i = 0; i < n; i++) {
		c = next_client++;
		sql(st, "INSERT INTO trajecten (client, prod_key, begindatum,"
		    " prod_chk, agb, gemeente, categorie, leeftijd, geslacht,"
		    " gestart, einddatum, reden, key_version, upload_id)"
		    " VALUES (%d, %d, %d0101, 0, %d, %d, 45, %d, %d, 1,"
		    " %d0615, 31, 1, 1)", c, 1000 + c, year, AGB, gem,
		    leeftijd, geslacht, year);
		if (gebied >= 0)
			sql(st, "INSERT INTO toewijzingen (prod_key, prod_chk,"
			    " client, agb, gemeente, ingangsdatum, key_version,"
			    " upload_id, gebied) VALUES (%d, 0, %d, %d, %d,"
			    " %d0101, 1, 1, %d)", 1000 + c, c, AGB, gem, year,
			    gebied);
	}
}

static void
fill(struct store *st)
{
	/* 2024, Amsterdam. */
	clients(st, 10, 2024, 363, 1, 1, -1);
	clients(st, 9, 2024, 363, 2, 2, -1);
	clients(st, 11, 2024, 363, 2, 0, -1);
	/* 2025, DUO. */
	clients(st, 10, 2025, 384, 2, 1, -1);
	clients(st, 4, 2025, 384, 2, 2, -1);
	clients(st, 12, 2025, 451, 2, 1, -1);
	clients(st, 12, 2025, 451, 2, 2, -1);
	/* 2023, Amstelveen-Aalsmeer, with postcodes turned into gebieden. */
	clients(st, 12, 2023, 362, 2, 1, 36201);
	clients(st, 8, 2023, 362, 2, 1, 36200);
	clients(st, 15, 2023, 358, 2, 1, 35800);
}

static size_t
gem_ix(const char *code)
{
	int	retired;

	return (size_t)(config_gemeente(&cfg, code, &retired) -
	    cfg.ref.gemeenten);
}

static int
cluster_geo(const struct ind_snapshot *s, const char *name)
{
	return IND_GEO_CLUSTER(s, (int)(config_cluster(&cfg, name) -
	    cfg.ref.clusters));
}

/* Whether breakdown cell (geo, year, d, value) is withheld; -1 absent. */
static int
withheld(const struct ind_snapshot *s, int geo, int year, enum ind_bd d,
    int val)
{
	const struct ind_bdcell	*b;
	size_t			 n, i;

	n = ind_bd_range(&s->bd[IND_UITVAL], geo, year - IND_YEAR0, (int)d, &b);
	for (i = 0; i < n; i++)
		if (b[i].val == val)
			return dc_suppressed(&s->dc[IND_UITVAL],
			    b[i].c->it_tot) ? 1 : 0;
	return -1;
}

static int64_t
clients_of(const struct ind_snapshot *s, int geo, int year, enum ind_bd d,
    int val)
{
	const struct ind_bdcell	*b;
	size_t			 n, i;

	n = ind_bd_range(&s->bd[IND_UITVAL], geo, year - IND_YEAR0, (int)d, &b);
	for (i = 0; i < n; i++)
		if (b[i].val == val)
			return b[i].c->tot.clients;
	return -1;
}

static void
test_gebied(void)
{
	char	code[8], naam[128];
	int	pc4 = 0, g;

	CHECK_EQ_INT(gebied_postcode("1181AB", 6, &pc4), 0);
	CHECK_EQ_INT(pc4, 1181);
	CHECK_EQ_INT(gebied_postcode("1181 ab", 7, &pc4), 0);
	CHECK_EQ_INT(gebied_postcode("1181", 4, &pc4), 0);
	CHECK_EQ_INT(gebied_postcode("0181AB", 6, &pc4), -1);
	CHECK_EQ_INT(gebied_postcode("118AB", 5, &pc4), -1);
	CHECK_EQ_INT(gebied_postcode("1181A", 5, &pc4), -1);
	CHECK_EQ_INT(gebied_postcode("1181ABC", 7, &pc4), -1);
	CHECK_EQ_INT(gebied_postcode("1181  AB", 8, &pc4), -1);
	CHECK_EQ_INT(gebied_postcode("1181A1", 6, &pc4), -1);
	CHECK_EQ_INT(gebied_of(&cfg, gem_ix("0362"), 1180), 36201);
	CHECK_EQ_INT(gebied_of(&cfg, gem_ix("0362"), 1183), 36201);
	CHECK_EQ_INT(gebied_of(&cfg, gem_ix("0362"), 1184), 36200);
	CHECK_EQ_INT(gebied_of(&cfg, gem_ix("0358"), 1181), 35800);
	CHECK_EQ_INT(gebied_from_text(&cfg, "0362", "1182XY", 6, &g), 0);
	CHECK_EQ_INT(g, 36201);
	CHECK_EQ_INT(gebied_from_text(&cfg, "0362", "", 0, &g), 1);
	CHECK_EQ_INT(g, -1);
	CHECK_EQ_INT(gebied_from_text(&cfg, "0362", "11", 2, &g), -1);
	/* The list: per gemeente its rest, then its areas. */
	CHECK_EQ_INT((int)gebied_count(&cfg), (int)cfg.ref.ngemeenten + 1);
	g = gebied_index(&cfg, gem_ix("0362"), 36201);
	CHECK_EQ_INT(g, gebied_index(&cfg, gem_ix("0362"), 36200) + 1);
	CHECK_EQ_INT(gebied_index(&cfg, gem_ix("0362"), 36202), -1);
	CHECK_EQ_INT(gebied_index(&cfg, gem_ix("0358"), 36201), -1);
	gebied_label(&cfg, (size_t)g, code, naam, sizeof(naam));
	CHECK_STR(code, "0362-01");
	CHECK_STR(naam, "Noord");
	gebied_label(&cfg, (size_t)g - 1, code, naam, sizeof(naam));
	CHECK_STR(code, "0362-00");
	CHECK_STR(naam, "Amstelveen (overig)");
	gebied_label(&cfg, (size_t)gebied_index(&cfg, gem_ix("0358"), 35800),
	    code, naam, sizeof(naam));
	CHECK_STR(code, "0358-00");
	CHECK_STR(naam, "Aalsmeer");
}

/* Geslacht value v (COD046) is breakdown value v + 1. */
#define G(v)	((v) + 1)
#define L(v)	((v) + 1)

static void
test_suppression(const struct ind_snapshot *s)
{
	int	ams = (int)gem_ix("0363"), die = (int)gem_ix("0384");
	int	uit = (int)gem_ix("0451"), duo = cluster_geo(s, "DUO");
	int	avn = (int)gem_ix("0362"), aal = (int)gem_ix("0358");
	int	aa = cluster_geo(s, "Amstelveen-Aalsmeer"), gn, gr, ga;
	size_t	failing = 1;

	/* 2024: k - 1 withheld, k printed, the smallest printed part too. */
	CHECK_EQ_INT(clients_of(s, ams, 2024, IND_BD_GESLACHT, G(2)), 9);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_GESLACHT, G(2)), 1);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_GESLACHT, G(1)), 1);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_GESLACHT, G(0)), 0);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_GESLACHT, 0), -1);
	CHECK_EQ_INT(clients_of(s, ams, 2024, IND_BD_LEEFTIJD, L(1)), 10);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_LEEFTIJD, L(1)), 0);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_LEEFTIJD, L(2)), 0);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_PRODUCTCATEGORIE, 46), 0);
	/* The same at the cluster and the regio, which hold only Amsterdam. */
	CHECK_EQ_INT(withheld(s, cluster_geo(s, "Amsterdam"), 2024,
	    IND_BD_GESLACHT, G(2)), 1);
	CHECK_EQ_INT(withheld(s, cluster_geo(s, "Amsterdam"), 2024,
	    IND_BD_GESLACHT, G(1)), 1);
	CHECK_EQ_INT(withheld(s, IND_GEO_REGIO(s), 2024, IND_BD_GESLACHT,
	    G(2)), 1);
	/* No postcode: the gebied breakdown is one "onbekend" cell. */
	CHECK_EQ_INT(clients_of(s, ams, 2024, IND_BD_GEBIED, 0), 30);
	CHECK_EQ_INT(withheld(s, ams, 2024, IND_BD_GEBIED, 0), 0);

	/* 2025: across the gemeenten of DUO. */
	CHECK_EQ_INT(withheld(s, die, 2025, IND_BD_GESLACHT, G(2)), 1);
	CHECK_EQ_INT(withheld(s, die, 2025, IND_BD_GESLACHT, G(1)), 1);
	CHECK_EQ_INT(withheld(s, uit, 2025, IND_BD_GESLACHT, G(2)), 1);
	CHECK_EQ_INT(withheld(s, uit, 2025, IND_BD_GESLACHT, G(1)), 1);
	CHECK_EQ_INT(clients_of(s, duo, 2025, IND_BD_GESLACHT, G(2)), 16);
	CHECK_EQ_INT(withheld(s, duo, 2025, IND_BD_GESLACHT, G(2)), 0);
	CHECK_EQ_INT(withheld(s, duo, 2025, IND_BD_GESLACHT, G(1)), 0);
	/* Diemen's other breakdown of the same cell stays printed. */
	CHECK_EQ_INT(withheld(s, die, 2025, IND_BD_LEEFTIJD, L(2)), 0);
	CHECK_EQ_INT(withheld(s, die, 2025, IND_BD_PRODUCTCATEGORIE, 46), 0);

	/* 2023: gebied -> gemeente -> cluster. */
	gn = gebied_index(&cfg, (size_t)avn, 36201) + 1;
	gr = gebied_index(&cfg, (size_t)avn, 36200) + 1;
	ga = gebied_index(&cfg, (size_t)aal, 35800) + 1;
	CHECK_EQ_INT(clients_of(s, avn, 2023, IND_BD_GEBIED, gn), 12);
	CHECK_EQ_INT(clients_of(s, avn, 2023, IND_BD_GEBIED, gr), 8);
	CHECK_EQ_INT(withheld(s, avn, 2023, IND_BD_GEBIED, gr), 1);
	CHECK_EQ_INT(withheld(s, avn, 2023, IND_BD_GEBIED, gn), 1);
	CHECK_EQ_INT(withheld(s, aal, 2023, IND_BD_GEBIED, ga), 0);
	CHECK_EQ_INT(withheld(s, aa, 2023, IND_BD_GEBIED, gr), 1);
	CHECK_EQ_INT(withheld(s, aa, 2023, IND_BD_GEBIED, gn), 1);
	CHECK_EQ_INT(withheld(s, aa, 2023, IND_BD_GEBIED, ga), 0);
	CHECK_EQ_INT(withheld(s, IND_GEO_REGIO(s), 2023, IND_BD_GEBIED, gr),
	    1);
	/* An area of Amstelveen is no area of Aalsmeer. */
	CHECK_EQ_INT(withheld(s, aal, 2023, IND_BD_GEBIED, gn), -1);
	CHECK_EQ_INT(withheld(s, avn, 2023, IND_BD_GEBIED, 0), -1);
	/* The whole pattern passes the exact check of the criterion. */
	CHECK_EQ_INT(dc_check((struct dc_table *)(uintptr_t)&s->dc[IND_UITVAL],
	    config_limit(&cfg, LIMIT_K), &failing), 0);
	CHECK_EQ_INT((int)failing, 0);
}

/* The answer to uitval with q's by and breakdown, 2023..2025, by year. */
static int
answer(struct ind_snapshot *s, const struct party *p, enum ind_by by,
    enum ind_period per, int agb, enum ind_bd bd, char **body,
    unsigned *status, const char **code)
{
	struct ind_query	 q;
	struct pop		 pop;
	char			 c[32], msg[256];

	memset(&q, 0, sizeof(q));
	q.kind = IND_UITVAL;
	q.by = by;
	q.period = per;
	q.from = (2023 - IND_YEAR0) * 12;
	q.to = (2025 - IND_YEAR0) * 12 + 11;
	q.bd = bd;
	if (agb) {
		q.naanbieders = 1;
		q.aanbieders[0] = agb;
	}
	*body = NULL;
	*status = 200;
	if (ind_scope_apply(&cfg, p, &q, &pop, c, sizeof(c), msg,
	    sizeof(msg)) == -1) {
		*status = 403;
		*code = strcmp(c, ERR_UITSPLITSING_NIET_TOEGESTAAN) == 0 ?
		    ERR_UITSPLITSING_NIET_TOEGESTAAN : "other";
		return -1;
	}
	return test_answer(&cfg, &items, s, &q, &pop, body, status, code,
	    NULL);
}

static void
test_answers(struct ind_snapshot *s)
{
	struct party	 aan;
	char		*body;
	const char	*code = NULL;
	unsigned	 status;

	/* Refusals: not per quarter, not by aanbieder, not for one. */
	CHECK_EQ_INT(answer(s, NULL, IND_BY_GEMEENTE, IND_QUARTER, 0,
	    IND_BD_GESLACHT, &body, &status, &code), -1);
	CHECK_EQ_INT(status, 400);
	CHECK_STR(code, ERR_BAD_PARAMETER);
	CHECK_EQ_INT(answer(s, NULL, IND_BY_AANBIEDER, IND_YEAR, 0,
	    IND_BD_GESLACHT, &body, &status, &code), -1);
	CHECK_EQ_INT(status, 400);
	CHECK_EQ_INT(answer(s, NULL, IND_BY_GEMEENTE, IND_YEAR, AGB,
	    IND_BD_GESLACHT, &body, &status, &code), -1);
	CHECK_EQ_INT(status, 400);
	memset(&aan, 0, sizeof(aan));
	aan.role = ROLE_AANBIEDER;
	util_fmt(aan.agb, sizeof(aan.agb), "%d", AGB);
	CHECK_EQ_INT(answer(s, &aan, IND_BY_GEMEENTE, IND_YEAR, 0,
	    IND_BD_GESLACHT, &body, &status, &code), -1);
	CHECK_EQ_INT(status, 403);
	CHECK_STR(code, ERR_UITSPLITSING_NIET_TOEGESTAAN);

	/* By gemeente: each cell, then its breakdown cells. */
	CHECK_EQ_INT(answer(s, NULL, IND_BY_GEMEENTE, IND_YEAR, 0,
	    IND_BD_GEBIED, &body, &status, &code), 0);
	CHECK(body != NULL && strstr(body, "\"uitsplitsing\":\"gebied\"") !=
	    NULL);
	CHECK(body != NULL && strstr(body, "\"groep\":\"totaal\"") != NULL);
	CHECK(body != NULL && strstr(body, "\"groep\":\"0362-01\","
	    "\"groep_naam\":\"Noord\",\"suppressed\":true") != NULL);
	CHECK(body != NULL && strstr(body, "\"groep\":\"0358-00\","
	    "\"groep_naam\":\"Aalsmeer\",\"suppressed\":false,\"voorlopig\":"
	    "false,\"n_clients\":15") != NULL);
	free(body);
	CHECK_EQ_INT(answer(s, NULL, IND_BY_CLUSTER, IND_YEAR, 0,
	    IND_BD_LEEFTIJD, &body, &status, &code), 0);
	CHECK(body != NULL && strstr(body, "\"cluster\":\"Amsterdam\","
	    "\"period\":\"2024\",\"uitsplitsing\":\"leeftijd\",\"groep\":"
	    "\"4-11\",\"suppressed\":false") != NULL);
	free(body);
}

int
main(void)
{
	struct store		*st;
	struct ind_snapshot	*s;
	char			 err[512];
	int			 k;

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1 ||
	    quest_load_config(&cfg, &qs, err, sizeof(err)) == -1) {
		fprintf(stderr, "config: %s\n", err);
		return 1;
	}
	/* One area: Amstelveen Noord, 1180-1183 (made up for the test). */
	cfg.ref.gebieden[0].gemeente = gem_ix("0362");
	cfg.ref.gebieden[0].nummer = 1;
	util_fmt(cfg.ref.gebieden[0].naam, sizeof(cfg.ref.gebieden[0].naam),
	    "Noord");
	cfg.ref.gebieden[0].r0 = 0;
	cfg.ref.gebieden[0].nr = 1;
	cfg.ref.pc_lo[0] = 1180;
	cfg.ref.pc_hi[0] = 1183;
	cfg.ref.npc = 1;
	cfg.ref.ngebieden = 1;
	ind_items_build(&qs, &items);
	test_gebied();
	util_fmt(dir, sizeof(dir), "/tmp/test_ind_bd.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	util_fmt(db, sizeof(db), "%s/sorttp.db", dir);
	if (store_open(db, STORE_OPEN_CREATE, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "store: %s\n", err);
		return 1;
	}
	fill(st);
	store_close(st);
	/*
	 * The tables kept whole for dc_check, then compacted as a build
	 * does, so that the answers read the compact form.
	 */
	ind_dc_keep = 1;
	s = test_snapshot_of(&cfg, &qs, &items, db, 20270101);
	ind_dc_keep = 0;
	if (s != NULL) {
		test_suppression(s);
		for (k = 0; k < IND__NKINDS; k++)
			dc_compact(&s->dc[k]);
		test_answers(s);
		ind_snapshot_free(s);
	} else
		CHECK(0);
	test_remove_db(db);
	rmdir(dir);
	return test_done("ind_bd");
}

/*
 * Aanlevering, opt-out and voorlopig (issue #15), worked out by hand on a
 * small store: ten products of one aanbieder ended in March 2026, with
 * scores rows that do or do not deliver a GAS eind measurement, state
 * opt-out and take it back, and CEM+ responses on the edges of the
 * window around the Einddatum. The snapshot is built as the engine
 * builds it; the answers go through cell selection, disclosure control
 * and the writer. "today" is given, never the clock.
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
#include "test_sql.h"
#include "util.h"

#define AGB	12345678
#define OTHER	87654321
#define MARCH	((2026 - IND_YEAR0) * 12 + 2)	/* month index of 2026-03 */

static struct config	cfg;
static struct quest_set	qs;
static struct ind_items	items;
static char		dir[64], db[96];

/* A scores row of trajectory t (client t) at AGB. */
static void
score(struct store *st, int t, int datum, int moment, int gas, int opt)
{
	char	optv[8];

	util_fmt(optv, sizeof(optv), "%d", opt);
	sql(st, "INSERT INTO scores (traj, agb, meetdatum, meetmoment,"
	    " traj_chk, client, key_version, gemeente, gas_t, doelen,"
	    " doelen_behaald, upload_id, opt_out) VALUES (%d, %d, %d, %d, 0,"
	    " %d, 1, 363, %s, %d, %d, 1, %s)", 100 + t, AGB, datum, moment,
	    t, gas ? "55.0" : "NULL", gas ? 1 : 0, gas ? 1 : 0,
	    opt < 0 ? "NULL" : optv);
}

/* A CEM+ response of client c about agb, filled in on datum. */
static void
response(struct store *st, int bron, int c, int agb, int datum)
{
	const struct quest_def	*d = &qs.defs[0];
	const struct quest_variant *v = &d->variant[QUEST_JEUGDIGE];
	char			 hex[2 * QUEST_MAX_ITEMS + 1];
	size_t			 i;

	for (i = 0; i < v->nitems; i++)
		memcpy(hex + 2 * i, "ff", 2);	/* not answered */
	hex[2 * v->nitems] = '\0';
	sql(st, "INSERT INTO antwoorden (bron, bron_chk, client, agb,"
	    " gemeente, vragenlijst, respondent, ingevuld_op, waarden,"
	    " key_version, upload_id) VALUES (%d, 0, %d, %d, 363, '%s', %d,"
	    " %d, x'%s', 1, 1)", bron, c, agb, d->id, QUEST_JEUGDIGE, datum,
	    hex);
}

/*
 * The data, by hand. Products of clients 1..50 began 2025-01-01 and
 * ended 2026-03-15 (reden 31); 90 days either side is 2025-12-15 ..
 * 2026-06-13. Per group of clients:
 *   1-20   eind with GAS                          GAS
 *   21-25  eind with GAS, opt-out stated later    OPT (no doelrealisatie)
 *   26-30  opt-out ja, later taken back (nee)     GAS
 *   31-35  eind without goals under opt-out       OPT
 *   36-40  eind with GAS before the Begindatum    NONE
 *   41-50  nothing                                NONE
 * so GAS 25, OPT 10, NONE 15 of 50. Responses: 1-5 on 2025-12-15 (the
 * first day in), 6-10 on 2025-12-14 (a day early), 11-15 on 2026-06-13
 * (the last day in), 16-20 on 2026-06-14 (a day late), 21-25 about
 * another aanbieder, 26-30 on 2026-03-20: CEM 15 of 50.
 */
static void
fill(struct store *st)
{
	static const int	when[6] = { 20251215, 20251214, 20260613,
	    20260614, 20260401, 20260320 };
	int			t;

	for (t = 1; t <= 50; t++) {
		sql(st, "INSERT INTO trajecten (client, prod_key, begindatum,"
		    " prod_chk, agb, gemeente, gestart, einddatum, reden,"
		    " key_version, upload_id) VALUES (%d, %d, 20250101, 0, %d,"
		    " 363, 1, 20260315, 31, 1, 1)", t, 100 + t, AGB);
		if (t <= 20)
			score(st, t, 20260310, 3, 1, -1);
		else if (t <= 25) {
			score(st, t, 20260310, 3, 1, -1);
			score(st, t, 20260312, 2, 0, 1);
		} else if (t <= 30) {
			score(st, t, 20250105, 1, 0, 1);
			score(st, t, 20260310, 3, 1, 0);
		} else if (t <= 35)
			score(st, t, 20260310, 3, 0, 1);
		else if (t <= 40)
			score(st, t, 20241201, 3, 1, -1);
		if (t <= 30)
			response(st, t, t, t > 20 && t <= 25 ? OTHER : AGB,
			    when[(t - 1) / 5]);
	}
	/*
	 * 2024: 3 ends of another aanbieder, below k wherever they go, and
	 * alone in their year, so that nothing else needs withholding.
	 */
	for (t = 51; t <= 53; t++)
		sql(st, "INSERT INTO trajecten (client, prod_key, begindatum,"
		    " prod_chk, agb, gemeente, gestart, einddatum, reden,"
		    " key_version, upload_id) VALUES (%d, %d, 20240101, 0, %d,"
		    " 363, 1, 20240415, 33, 1, 1)", t, 100 + t, OTHER);
}

/*
 * Aanlevering counts the units uitval counts: every aanlevering total is
 * withheld exactly when uitval's total of the same cell is, in one
 * pattern, so that neither answer gives away what the other withholds.
 */
static void
check_same_pattern(const struct ind_snapshot *s)
{
	const struct dc_table	*t = &s->dc[IND_DC_KIND(IND_AANLEVERING)];
	const struct cell	*a, *u;
	size_t			 i, n = 0, sup = 0;
	int			 tt;

	CHECK(IND_DC_KIND(IND_AANLEVERING) == IND_UITVAL);
	for (tt = 0; tt < IND__NPERIODS; tt++)
		for (i = 0; i < s->cube[IND_AANLEVERING][tt].n; i++) {
			a = s->cube[IND_AANLEVERING][tt].cells[i];
			u = ind_cube_find(&s->cube[IND_UITVAL][tt], a->agb,
			    a->geo, a->period);
			CHECK(u != NULL);
			if (u == NULL)
				continue;
			CHECK_EQ_INT(a->tot.units, u->tot.units);
			CHECK_EQ_INT(dc_suppressed(t, a->it_tot),
			    dc_suppressed(t, u->it_tot));
			n++;
			sup += dc_suppressed(t, a->it_tot) ? 1 : 0;
		}
	CHECK(n > 0 && sup > 0 && sup < n);
}

static const struct cell *
regio(const struct ind_snapshot *s, enum ind_kind kind)
{
	return ind_cube_find(&s->cube[kind][IND_MONTH], (int)s->nagbs,
	    IND_GEO_REGIO(s), MARCH);
}

/* The answer to kind, by, March 2026, as JSON or CSV. */
static char *
answer_by(struct ind_snapshot *s, enum ind_kind kind, enum ind_by by,
    int csv)
{
	struct ind_query	 q;
	struct pop		 pop;
	char			 code[32], msg[256], *body = NULL;
	const char		*c;
	long			 nc = 0;
	unsigned		 status;

	memset(&q, 0, sizeof(q));
	q.kind = kind;
	q.by = by;
	q.period = IND_MONTH;
	q.from = q.to = MARCH;
	q.csv = csv;
	CHECK_EQ_INT(ind_scope_apply(&cfg, NULL, &q, &pop, code, sizeof(code),
	    msg, sizeof(msg)), 0);
	CHECK_EQ_INT(test_answer(&cfg, &items, s, &q, &pop, &body, &status,
	    &c, &nc), 0);
	CHECK_EQ_INT(nc, 1);
	return body;
}

static char *
answer(struct ind_snapshot *s, enum ind_kind kind, int csv)
{
	return answer_by(s, kind, IND_BY_REGIO, csv);
}

/* The count that query gives on the store. */
static long long
db_count(const char *query)
{
	struct store	*st;
	sqlite3_stmt	*q;
	char		 err[256];
	long long	 n = -1;

	if (store_open(db, 0, &st, err, sizeof(err)) == -1)
		return -1;
	if (sqlite3_prepare_v2(st->db, query, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	store_close(st);
	return n;
}

/* Forgets the disclosure history, as a new store has none. */
static int
history_clear(void)
{
	struct store	*st;
	char		 err[256];
	int		 rc;

	if (store_open(db, 0, &st, err, sizeof(err)) == -1)
		return -1;
	rc = store_exec(st, "DELETE FROM dc_history;"
	    "DELETE FROM meta WHERE key = 'dc_history_gen'", err,
	    sizeof(err));
	store_close(st);
	return rc;
}

/* The snapshot of the test's store on day today. */
static struct ind_snapshot *
snapshot(int today)
{
	return test_snapshot_of(&cfg, &qs, &items, db, today);
}

static void
test_coverage(void)
{
	struct ind_snapshot	*s;
	const struct cell	*c;
	char			*body;

	/* Long after: nothing voorlopig, every window closed. */
	if ((s = snapshot(20270101)) == NULL) {
		CHECK(0);
		return;
	}
	if ((c = regio(s, IND_AANLEVERING)) == NULL) {
		CHECK(0);
		ind_snapshot_free(s);
		return;
	}
	CHECK_EQ_INT(c->tot.units, 50);
	CHECK_EQ_INT(c->tot.clients, 50);
	CHECK_EQ_INT(c->cat[A_GAS].units, 25);
	CHECK_EQ_INT(c->cat[A_OPT].units, 10);
	CHECK_EQ_INT(c->cat[A_NONE].units, 15);
	CHECK_EQ_INT(c->cat[A_CEM].units, 15);
	CHECK_EQ_INT(c->cat[A_NOCEM].units, 35);
	check_same_pattern(s);
	/* Opt-out counts for uitval, not for doelrealisatie. */
	CHECK((c = regio(s, IND_UITVAL)) != NULL && c->tot.units == 50);
	CHECK((c = regio(s, IND_DOELREALISATIE)) != NULL &&
	    c->tot.units == 25);

	/* k = 10: every share shows. */
	body = answer(s, IND_AANLEVERING, 0);
	CHECK(body != NULL && strstr(body, "\"indicator\":\"aanlevering\"") !=
	    NULL);
	CHECK(body != NULL && strstr(body, "\"suppressed\":false,"
	    "\"voorlopig\":false,\"n_clients\":50,\"n\":50,\"values\":{"
	    "\"gas_eind_pct\":50.0,\"cem_pct\":30.0,\"opt_out_pct\":20.0}") !=
	    NULL);
	if (body != NULL && test_failures > 0)
		fprintf(stderr, "%s\n", body);
	free(body);
	body = answer(s, IND_AANLEVERING, 1);
	CHECK(body != NULL && strstr(body, ";n;gas_eind_pct;cem_pct;"
	    "opt_out_pct;voorlopig\r\n") != NULL);
	CHECK(body != NULL && strstr(body, ";false;50;50;50,0;30,0;20,0;\r\n")
	    != NULL);
	free(body);
	ind_snapshot_free(s);

	/*
	 * k = 11: the 10 under opt-out are withheld (primary), and with them
	 * a second part of GAS + opt-out + neither = 50 (secondary: the rest
	 * is never printed, so GAS, 25, is the printed part withheld). The
	 * CEM+ share has its own relation and still shows.
	 */
	cfg.limits[LIMIT_K] = 11;
	/*
	 * With the history of the k = 10 snapshot (dc_history.h): GAS, 25,
	 * was published, so withholding it now hides nothing; opt-out + the
	 * never printed rest = 25 keeps opt-out able to reach 11.
	 */
	if ((s = snapshot(20270101)) != NULL) {
		body = answer(s, IND_AANLEVERING, 0);
		CHECK(body != NULL && strstr(body, "\"values\":{"
		    "\"gas_eind_pct\":50.0,\"cem_pct\":30.0,"
		    "\"opt_out_pct\":null}") != NULL);
		free(body);
		ind_snapshot_free(s);
	} else
		CHECK(0);
	/* Without it, the pattern of k = 11 alone. */
	CHECK_EQ_INT(history_clear(), 0);
	if ((s = snapshot(20270101)) != NULL) {
		body = answer(s, IND_AANLEVERING, 0);
		CHECK(body != NULL && strstr(body, "\"values\":{"
		    "\"gas_eind_pct\":null,\"cem_pct\":30.0,"
		    "\"opt_out_pct\":null}") != NULL);
		if (body != NULL && test_failures > 0)
			fprintf(stderr, "%s\n", body);
		free(body);
		ind_snapshot_free(s);
	} else
		CHECK(0);
	cfg.limits[LIMIT_K] = 10;
}

/*
 * The answer by cluster of the k = 11 snapshot after a k = 10 one, as in
 * test_coverage: the GAS share shows only when the cluster's history is
 * found (GAS was published, so withholding it now hides nothing).
 */
static int
cluster_gas_shows(void)
{
	struct ind_snapshot	*s;
	char			*body;
	int			 shows;

	cfg.limits[LIMIT_K] = 11;
	if ((s = snapshot(20270101)) == NULL) {
		cfg.limits[LIMIT_K] = 10;
		return -1;
	}
	body = answer_by(s, IND_AANLEVERING, IND_BY_CLUSTER, 0);
	shows = body != NULL && strstr(body, "\"values\":{"
	    "\"gas_eind_pct\":50.0,\"cem_pct\":30.0,"
	    "\"opt_out_pct\":null}") != NULL;
	free(body);
	ind_snapshot_free(s);
	cfg.limits[LIMIT_K] = 10;
	return shows;
}

/*
 * A cluster's cells are in the disclosure history under its gemeenten,
 * not its name: renaming the cluster keeps them. Rows an older release
 * kept under the name ("C" + name) count for the cluster of that name.
 */
static void
test_cluster_renamed(void)
{
	struct ind_snapshot	*s;
	char			 name[CFG_NAME_MAX];
	size_t			 ci;
	long long		 keyed;

	for (ci = 0; ci < cfg.ref.nclusters &&
	    strcmp(cfg.ref.clusters[ci].name, "Amsterdam") != 0; ci++)
		;
	CHECK(ci < cfg.ref.nclusters);
	if (ci == cfg.ref.nclusters)
		return;
	util_fmt(name, sizeof(name), "%s", cfg.ref.clusters[ci].name);
	CHECK_EQ_INT(history_clear(), 0);
	if ((s = snapshot(20270101)) == NULL) {
		CHECK(0);
		return;
	}
	ind_snapshot_free(s);
	keyed = db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'K[0-9a-f]*' AND length(geo) = 17");
	CHECK(keyed > 0);
	CHECK_EQ_INT(db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'C*'"), 0);

	/* Renamed: the same rows, and the same pattern. */
	util_fmt(cfg.ref.clusters[ci].name, sizeof(cfg.ref.clusters[ci].name),
	    "Amsterdam-Stad");
	CHECK_EQ_INT(cluster_gas_shows(), 1);
	CHECK_EQ_INT(db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'K*'"), keyed);
	CHECK_EQ_INT(db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'C*'"), 0);
	util_fmt(cfg.ref.clusters[ci].name, sizeof(cfg.ref.clusters[ci].name),
	    "%s", name);

	/* The rows under the name, as an older release kept them. */
	CHECK_EQ_INT(history_clear(), 0);
	if ((s = snapshot(20270101)) == NULL) {
		CHECK(0);
		return;
	}
	ind_snapshot_free(s);
	CHECK(db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'K*'") == keyed);
	{
		struct store	*st;
		char		 err[256];

		if (store_open(db, 0, &st, err, sizeof(err)) == -1) {
			CHECK(0);
			return;
		}
		sql(st, "UPDATE dc_history SET geo = 'C%s' WHERE geo GLOB"
		    " 'K*'", name);
		store_close(st);
	}
	CHECK_EQ_INT(cluster_gas_shows(), 1);
	/* Saved under the key once, the old rows left for the purge. */
	CHECK_EQ_INT(db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'K*'"), keyed);
	CHECK_EQ_INT(db_count("SELECT count(*) FROM dc_history WHERE"
	    " geo GLOB 'C*'"), keyed);

	/* Without any history, the k = 11 pattern alone withholds GAS. */
	CHECK_EQ_INT(history_clear(), 0);
	CHECK_EQ_INT(cluster_gas_shows(), 0);
}

/* Whether kind's March 2026 cell is voorlopig on today. */
static int
voorlopig(enum ind_kind kind, int today)
{
	struct ind_snapshot	 snap;
	struct ind_query	 q;
	struct run		 r;
	struct cell		 c;

	memset(&snap, 0, sizeof(snap));
	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c));
	snap.today = today;
	q.kind = kind;
	q.period = IND_MONTH;
	r.cfg = &cfg;
	r.q = &q;
	r.snap = &snap;
	c.period = MARCH;
	return ind_voorlopig(&r, &c);
}

static void
test_voorlopig(void)
{
	struct ind_snapshot	*s;
	char			*body;

	/* The current period, whatever the kind. */
	CHECK_EQ_INT(voorlopig(IND_DOELREALISATIE, 20260301), 1);
	CHECK_EQ_INT(voorlopig(IND_DOELREALISATIE, 20260331), 1);
	CHECK_EQ_INT(voorlopig(IND_DOELREALISATIE, 20260401), 0);
	CHECK_EQ_INT(voorlopig(IND_TEVREDENHEID, 20260331), 1);
	CHECK_EQ_INT(voorlopig(IND_TEVREDENHEID, 20260401), 0);
	/* Uitval: 3 months after 31 March, 30 June is the last day. */
	CHECK_EQ_INT(voorlopig(IND_UITVAL, 20260630), 1);
	CHECK_EQ_INT(voorlopig(IND_UITVAL, 20260701), 0);
	/* Aanlevering: the later of that and 90 days (29 June). */
	CHECK_EQ_INT(voorlopig(IND_AANLEVERING, 20260630), 1);
	CHECK_EQ_INT(voorlopig(IND_AANLEVERING, 20260701), 0);
	cfg.limits[LIMIT_CEM_DAYS_AFTER] = 120;		/* to 29 July */
	CHECK_EQ_INT(voorlopig(IND_AANLEVERING, 20260729), 1);
	CHECK_EQ_INT(voorlopig(IND_AANLEVERING, 20260730), 0);
	CHECK_EQ_INT(voorlopig(IND_UITVAL, 20260701), 0);
	cfg.limits[LIMIT_CEM_DAYS_AFTER] = 90;
	cfg.limits[LIMIT_UITVAL_VOORLOPIG_MONTHS] = 0;
	CHECK_EQ_INT(voorlopig(IND_UITVAL, 20260331), 1);
	CHECK_EQ_INT(voorlopig(IND_UITVAL, 20260401), 0);
	cfg.limits[LIMIT_UITVAL_VOORLOPIG_MONTHS] = 3;

	/* In the answer: true in JSON, "*" in the CSV's last column. */
	if ((s = snapshot(20260630)) == NULL) {
		CHECK(0);
		return;
	}
	body = answer(s, IND_UITVAL, 0);
	CHECK(body != NULL && strstr(body, "\"voorlopig\":true") != NULL);
	free(body);
	body = answer(s, IND_UITVAL, 1);
	CHECK(body != NULL && strstr(body, ";voorlopig\r\n") != NULL);
	CHECK(body != NULL && strlen(body) > 4 &&
	    strcmp(body + strlen(body) - 4, ";*\r\n") == 0);
	free(body);
	ind_snapshot_free(s);
	if ((s = snapshot(20260701)) == NULL) {
		CHECK(0);
		return;
	}
	body = answer(s, IND_UITVAL, 0);
	CHECK(body != NULL && strstr(body, "\"voorlopig\":false") != NULL);
	free(body);
	body = answer(s, IND_UITVAL, 1);
	CHECK(body != NULL && strlen(body) > 3 &&
	    strcmp(body + strlen(body) - 3, ";\r\n") == 0);
	free(body);
	ind_snapshot_free(s);
}

int
main(void)
{
	struct store	*st;
	char		 err[512];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1 ||
	    quest_load_config(&cfg, &qs, err, sizeof(err)) == -1) {
		fprintf(stderr, "config: %s\n", err);
		return 1;
	}
	ind_items_build(&qs, &items);
	util_fmt(dir, sizeof(dir), "/tmp/test_ind_cover.XXXXXX");
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
	test_coverage();
	test_cluster_renamed();
	test_voorlopig();
	test_remove_db(db);
	rmdir(dir);
	return test_done("ind_cover");
}

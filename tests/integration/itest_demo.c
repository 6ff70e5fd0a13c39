/*
 * sorttp demo: a small region through the real ingest paths. Checks that
 * every stream arrives, that the distributions have what the indicators
 * need (all gemeenten, most aanbieders, the end reasons), that a used
 * folder is refused without storing anything, that a seed reproduces the
 * same data, and that no generated BSN reaches the files or the output.
 * With reference data of other gemeenten (60 in 12 clusters, as
 * bench/national_config.sh makes them) the demo spreads over those.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "demo.h"
#include "harness.h"

#define CLIENTS		"300"
#define SEED		"7"

/* Counts that must match between two runs with the same seed. */
static const char *const fingerprint[] = {
	"SELECT count(*) FROM uploads",
	"SELECT count(*) FROM trajecten",
	"SELECT count(*) FROM toewijzingen",
	"SELECT count(*) FROM scores",
	"SELECT count(*) FROM antwoorden",
	"SELECT count(*) FROM trajecten WHERE einddatum IS NULL",
	"SELECT coalesce(sum(reden), 0) FROM trajecten",
	"SELECT count(*) FROM scores WHERE gas_t >= 50",
	"SELECT coalesce(sum(ingevuld_op), 0) FROM antwoorden"
};
#define NPRINT	(sizeof(fingerprint) / sizeof(fingerprint[0]))

static void
take(const struct h_env *e, long long out[NPRINT])
{
	size_t	i;

	for (i = 0; i < NPRINT; i++)
		out[i] = h_db_count(e, fingerprint[i]);
}

static int
demo(const struct h_env *e, struct h_out *o)
{
	return h_run(e, o, "demo", "--data", e->data, "--clients", CLIENTS,
	    "--seed", SEED, NULL);
}

static void
test_usage(struct h_env *e)
{
	struct h_out	o;

	CHECK_EQ_INT(h_run(e, &o, "demo", "--help", NULL), 0);
	CHECK(strstr(o.out, "250000") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(e, &o, "demo", "--data", e->data, "--clients", "0",
	    NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(e, &o, "demo", "--data", e->data, "--bogus",
	    NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(e, &o, "demo", "--clients", "10", NULL), 2);
	h_out_free(&o);
	/* Not initialised: says what to do. */
	CHECK_EQ_INT(demo(e, &o), 1);
	CHECK(strstr(o.err, "sorttp init") != NULL);
	h_out_free(&o);
}

static void
test_contents(const struct h_env *e)
{
	long long	n;

	CHECK(h_db_count(e, "SELECT count(*) FROM uploads WHERE kind = "
	    "'scores'") > 0);
	CHECK(h_db_count(e, "SELECT count(*) FROM uploads WHERE kind = "
	    "'questionnaires'") > 0);
	CHECK(h_db_count(e, "SELECT count(*) FROM uploads WHERE kind = "
	    "'messages'") > 1000);
	/* About 4 trajectories and score rows and 2 responses a client. */
	n = h_db_count(e, "SELECT count(*) FROM trajecten");
	CHECK(n >= 800 && n <= 1800);
	n = h_db_count(e, "SELECT count(*) FROM scores");
	CHECK(n >= 700 && n <= 1800);
	n = h_db_count(e, "SELECT count(*) FROM antwoorden");
	CHECK(n >= 300 && n <= 900);
	CHECK_EQ_INT(h_db_count(e, "SELECT count(DISTINCT client) FROM "
	    "trajecten"), 300);
	CHECK_EQ_INT(h_db_count(e, "SELECT count(DISTINCT gemeente) FROM "
	    "trajecten"), 13);
	CHECK(h_db_count(e, "SELECT count(DISTINCT agb) FROM trajecten") >=
	    30);
	CHECK(h_db_count(e, "SELECT count(*) FROM trajecten WHERE reden = "
	    "31") > 0);
	CHECK(h_db_count(e, "SELECT count(*) FROM trajecten WHERE reden = "
	    "32") > 0);
	/* Reden 20 is a pause, kept apart from the definitive end. */
	CHECK(h_db_count(e, "SELECT count(*) FROM trajecten WHERE "
	    "tijdelijk_einddatum IS NOT NULL") > 0);
	CHECK(h_db_count(e, "SELECT count(*) FROM trajecten WHERE einddatum "
	    "IS NULL") > 0);
	CHECK(h_db_count(e, "SELECT count(*) FROM scores WHERE meetmoment = 3 "
	    "AND gas_t IS NOT NULL") > 0);
	CHECK(h_db_count(e, "SELECT count(DISTINCT respondent) FROM "
	    "antwoorden") == 2);
	/* Scores and questionnaires link to the messages' trajectories. */
	CHECK(h_db_count(e, "SELECT count(*) FROM scores s WHERE EXISTS "
	    "(SELECT 1 FROM toewijzingen t WHERE t.prod_key = s.traj)") ==
	    h_db_count(e, "SELECT count(*) FROM scores"));
	CHECK(h_db_count(e, "SELECT count(*) FROM antwoorden a WHERE EXISTS "
	    "(SELECT 1 FROM trajecten t WHERE t.client = a.client)") ==
	    h_db_count(e, "SELECT count(*) FROM antwoorden"));
}

/* Generated BSNs (the generator is deterministic) and the fictional name. */
static void
test_privacy(const struct h_env *e)
{
	static const uint64_t	 pick[] = { 0, 1, 12, 13, 52, 150, 299 };
	static char		 bsn[7][10];
	const char		*secrets[8];
	size_t			 i;

	for (i = 0; i < 7; i++) {
		demo_bsn(7, pick[i], bsn[i]);
		secrets[i] = bsn[i];
	}
	secrets[7] = "Testkind";
	CHECK_EQ_INT(h_leaks(e, secrets, 8), 0);
}

/*
 * 60 fictional gemeenten 3001..3060, gemeente i in cluster i mod 12: the
 * trajecten reach (nearly) every gemeente, every cluster and the scaled
 * number of aanbieders, through the same ingest paths.
 */
#define REGION_G	60
#define REGION_C	12

static void
test_region(const char *bin)
{
	struct h_env	 e;
	struct h_out	 o;
	struct buf	 b;
	char		 cfg[H_PATH_MAX + 64], ref[H_PATH_MAX + 64];
	long long	 n;
	int		 i, k, rc;

	h_setup(&e, bin);
	h_config(&e, "region.json", "{\"reference\": {\"gemeenten\": "
	    "\"gemeenten.json\"}}", cfg, sizeof(cfg));
	buf_init(&b, 1 << 20, 0);
	CHECK(buf_printf(&b, "{\"clusters\": [") == 0);
	for (k = 0; k < REGION_C; k++) {
		CHECK(buf_printf(&b, "%s{\"naam\": \"Jeugdregio %02d\", "
		    "\"gemeenten\": [", k ? "," : "", k + 1) == 0);
		for (i = k; i < REGION_G; i += REGION_C)
			CHECK(buf_printf(&b, "%s{\"code\": \"%04d\", \"naam\": "
			    "\"Gemeente %03d\"}", i != k ? "," : "", 3001 + i,
			    i + 1) == 0);
		CHECK(buf_printf(&b, "]}") == 0);
	}
	CHECK(buf_printf(&b, "], \"opgeheven\": []}") == 0);
	h_path(&e, ref, sizeof(ref), "gemeenten.json");
	h_write_file(ref, b.p != NULL ? b.p : "", 0600);
	buf_free(&b);

	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", e.data, "--config", cfg,
	    NULL), 0);
	h_out_free(&o);
	rc = h_run(&e, &o, "demo", "--data", e.data, "--config", cfg,
	    "--clients", "1500", "--seed", SEED, NULL);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "demo: %s%s\n", o.out, o.err);
	/* 40 aanbieders per 13 gemeenten. */
	CHECK(strstr(o.out, "aanbieders       185, gemeenten 60") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(DISTINCT client) FROM "
	    "trajecten"), 1500);
	n = h_db_count(&e, "SELECT count(*) FROM trajecten");
	CHECK(n >= 4000 && n <= 9000);
	/* No built-in gemeente, every configured one (nearly). */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten WHERE "
	    "CAST(gemeente AS INTEGER) NOT BETWEEN 3001 AND 3060"), 0);
	CHECK(h_db_count(&e, "SELECT count(DISTINCT gemeente) FROM "
	    "trajecten") >= REGION_G - 2);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(DISTINCT (CAST(gemeente AS "
	    "INTEGER) - 3001) % 12) FROM trajecten"), REGION_C);
	CHECK(h_db_count(&e, "SELECT count(DISTINCT agb) FROM trajecten") >=
	    150);
	/* Scores and questionnaires, linked, in the region's gemeenten. */
	CHECK(h_db_count(&e, "SELECT count(DISTINCT s.gemeente) FROM scores s "
	    "JOIN toewijzingen t ON t.prod_key = s.traj") >= REGION_G - 5);
	CHECK(h_db_count(&e, "SELECT count(*) FROM scores s WHERE EXISTS "
	    "(SELECT 1 FROM toewijzingen t WHERE t.prod_key = s.traj)") ==
	    h_db_count(&e, "SELECT count(*) FROM scores"));
	CHECK(h_db_count(&e, "SELECT count(*) FROM antwoorden") > 1000);
	h_teardown(&e);
}

int
main(int argc, char **argv)
{
	struct h_env	e, f;
	struct h_out	o;
	long long	a[NPRINT], b[NPRINT];
	char		*log;
	size_t		 i, len;
	int		 rc;

	if (argc < 2) {
		fprintf(stderr, "usage: itest_demo SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	test_usage(&e);
	h_init(&e);
	rc = demo(&e, &o);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "demo: %s%s\n", o.out, o.err);
	CHECK(strstr(o.out, "clients          300") != NULL);
	/* The command's output is scanned with the files. */
	len = strlen(o.out) + strlen(o.err) + 1;
	if ((log = malloc(len)) != NULL) {
		snprintf(log, len, "%s%s", o.out, o.err);
		h_write_file(e.log, log, 0600);
		free(log);
	}
	h_out_free(&o);
	test_contents(&e);
	test_privacy(&e);

	/* A used folder is refused and nothing is added. */
	take(&e, a);
	CHECK_EQ_INT(demo(&e, &o), 1);
	CHECK(strstr(o.err, "uploads already") != NULL);
	h_out_free(&o);
	take(&e, b);
	for (i = 0; i < NPRINT; i++)
		CHECK_EQ_INT(a[i], b[i]);

	/* The same seed on a fresh folder: the same data. */
	h_setup(&f, argv[1]);
	h_init(&f);
	CHECK_EQ_INT(demo(&f, &o), 0);
	h_out_free(&o);
	take(&f, b);
	for (i = 0; i < NPRINT; i++)
		CHECK_EQ_INT(a[i], b[i]);
	h_teardown(&f);
	h_teardown(&e);
	test_region(argv[1]);
	return test_done("itest_demo");
}

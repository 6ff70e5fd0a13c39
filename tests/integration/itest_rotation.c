/*
 * Key rotation (issue #16 item 7) against the real daemon over TLS.
 *
 * Before the rotation: trajectories of clients L (1..6) and U (11..16)
 * end on 2025-03-15 (reden 31, volgens plan) at A1, L also has a second
 * product started that is still running; scores of clients S (21..25) at
 * A2; questionnaires of clients Q (41..45). Then `sorttp key rotate`
 * while the daemon runs, and a restart, which picks the rotation up. In
 * the window: L start again on 2025-05-01 (herinstroom) and stop the
 * running product (an end under the new key of a start under the old);
 * S's scores are corrected; Q's questionnaires are resent with one more.
 * Then the old key is retired, and only after that U start again: they
 * were not seen in the window, so they do not link, and their new starts
 * do not count as herinstroom. A second rotation checks that links chain
 * (1 -> 2 -> 3). Last, every identifier sent is looked for in every file
 * of the data folder and the log.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "demo.h"
#include "harness.h"

#define A1	"11110001"
#define A2	"11110002"
#define BIRTH	"2012-06-01"	/* the birth date h_ijw_product sends */
#define NAME	"Testkind"	/* the name h_ijw_product sends */
#define TOEW(c, p)	(987600000 + (int)(c) * 10 + (int)(p))	/* distinctive */

static struct h_env	e;
static char		tok_a1[128], tok_a2[128], tok_bo[128], tok_bergop[128];
static int		nmsg;

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };
static const char *const xml_hdr[] = { "Content-Type: application/xml",
	NULL };
static const char *const json_hdr[] = { "Content-Type: application/json",
	NULL };

/* The A1 (or A2) cell of indicator name in 2025-Q1, as the aanbieder. */
static cJSON *
q1_cell(const char *token, const char *name, const char *agb,
    cJSON **whole)
{
	struct h_resp	 r;
	char		 path[128];
	cJSON		*j = NULL, *c;

	/* A name ending in '#' carries its own query (other periods). */
	if (name[strlen(name) - 1] == '#')
		snprintf(path, sizeof(path), "/v1/indicators/%.*s",
		    (int)strlen(name) - 1, name);
	else
		snprintf(path, sizeof(path), "/v1/indicators/%s?"
		    "period=quarter&from=2025-01&to=2025-03", name);
	h_request(&e, "GET", path, token, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	if (r.status == 200 && r.body != NULL)
		j = cJSON_Parse(r.body);
	h_resp_free(&r);
	*whole = j;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "cells")) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(c,
		    "aanbieder"));

		if (a != NULL && strcmp(a, agb) == 0)
			return c;
	}
	fprintf(stderr, "no cell for %s in %s\n", agb, name);
	return NULL;
}

static double
num(const cJSON *o, const char *path)
{
	char	part[64];
	size_t	n;

	while (o != NULL && *path) {
		n = strcspn(path, ".");
		memcpy(part, path, n);
		part[n] = '\0';
		o = cJSON_GetObjectItem(o, part);
		path += n + (path[n] == '.');
	}
	return o != NULL && cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

#define CHECK_NUM(o, path, want) do {					\
	double got_ = num((o), (path));					\
	test_checks++;							\
	if (!(fabs(got_ - (want)) < 1e-9)) {				\
		test_failures++;					\
		fprintf(stderr, "%s:%d: %s = %g, want %g\n", __FILE__,	\
		    __LINE__, (path), got_, (double)(want));		\
	}								\
} while (0)

/* One iJw message at A1 in Amsterdam: a JW305 start, or a JW307 stop. */
static void
message(unsigned client, int toew, const char *begin, int reden,
    const char *end)
{
	char	xml[4096], bsn[10], id[32];

	demo_bsn(0, client, bsn);
	snprintf(id, sizeof(id), "ROT-%d", nmsg++);
	CHECK_EQ_INT(h_ijw_product(xml, sizeof(xml), A1, "0363", id, bsn, toew,
	    begin, reden, end), 0);
	CHECK_EQ_INT(h_post(&e, "/v1/messages", tok_bo, xml_hdr, xml, NULL), 201);
}

/* Eind scores of S (21..25) at A2 in February 2025, all goals gas. */
static void
scores(const char *gas)
{
	char		csv[2048], bsn[10];
	size_t		o;
	unsigned	c;

	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1;gas_2;gas_3;"
	    "probleemafname;zonder_hulp_verder\n");
	for (c = 21; c <= 25; c++) {
		demo_bsn(0, c, bsn);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%d;0363;" A2 ";10-02-2025;eind;%s;3;ja\n", bsn,
		    TOEW(c, 1), gas);
	}
	CHECK_EQ_INT(h_post(&e, "/v1/scores", tok_a2, csv_hdr, csv, NULL), 201);
}

/* CEM+ responses of clients first..last (bron q-N), sent by BergOp. */
static long
questionnaires(unsigned first, unsigned last, char **answer)
{
	char		body[8192], bsn[10];
	size_t		o;
	unsigned	c;

	o = (size_t)snprintf(body, sizeof(body), "{\"responses\": [");
	for (c = first; c <= last; c++) {
		demo_bsn(0, c, bsn);
		o += (size_t)snprintf(body + o, sizeof(body) - o,
		    "%s{\"bron_id\": \"q-%u\", \"vragenlijst\": "
		    "\"cem-plus-2026\", \"respondent\": \"jeugdige\", \"bsn\":"
		    " \"%s\", \"agb\": \"" A1 "\", \"gemeente\": \"0363\","
		    " \"ingevuld_op\": \"2025-02-20\", \"antwoorden\": "
		    "{\"serieus_genomen\": 4, \"rapportcijfer\": 8}}",
		    c == first ? "" : ",", c, bsn);
	}
	snprintf(body + o, sizeof(body) - o, "]}");
	return h_post(&e, "/v1/questionnaires", tok_bergop, json_hdr, body, answer);
}

static void
restart(const char *cfg)
{
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
}

static int
run_ok(const char *what, struct h_out *o)
{
	if (o->status != 0)
		fprintf(stderr, "%s: exit %d: %s%s\n", what, o->status,
		    o->out ? o->out : "", o->err ? o->err : "");
	return o->status;
}

static long long
links(int kind)
{
	return h_db_count(&e, kind == 0 ?
	    "SELECT count(*) FROM key_links WHERE kind = 0" :
	    "SELECT count(*) FROM key_links WHERE kind = 1");
}

/* Every regular file under dir: how many hold one of the secrets. */
static size_t
scan_folder(const char *dir, const char *const *secrets, size_t n)
{
	char		 path[H_PATH_MAX + 256];
	struct dirent	*d;
	struct stat	 sb;
	DIR		*dp;
	size_t		 i, found = 0;

	if ((dp = opendir(dir)) == NULL)
		return 1;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (lstat(path, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			found += scan_folder(path, secrets, n);
			continue;
		}
		for (i = 0; i < n; i++)
			if (h_file_contains(path, secrets[i],
			    strlen(secrets[i]))) {
				fprintf(stderr, "%s holds secret #%zu\n", path,
				    i);
				found++;
			}
	}
	closedir(dp);
	return found;
}

static void
test_check_config(void)
{
	struct h_out	o;
	char		cfg[H_PATH_MAX];

	h_config(&e, "short.json", "{\"limits\": {\"key_overlap_months\": 4,"
	    " \"herinstroom_months\": 4}}", cfg, sizeof(cfg));
	h_run(&e, &o, "check-config", "--config", cfg, NULL);
	CHECK(o.status != 0);
	CHECK(o.err != NULL && strstr(o.err, "key_overlap_months") != NULL);
	h_out_free(&o);
	h_config(&e, "long.json", "{\"limits\": {\"key_overlap_months\": 5,"
	    " \"herinstroom_months\": 4}}", cfg, sizeof(cfg));
	h_run(&e, &o, "check-config", "--config", cfg, NULL);
	CHECK_EQ_INT(run_ok("check-config", &o), 0);
	h_out_free(&o);
}

int
main(int argc, char **argv)
{
	char		 cfg[H_PATH_MAX], keyp[H_PATH_MAX + 32];
	char		 oldp[H_PATH_MAX + 32], newp[H_PATH_MAX + 32];
	char		 bsn[64][10], toew[80][16], *ans = NULL;
	const char	*secrets[160];
	struct h_out	 o;
	struct stat	 sb;
	cJSON		*j, *c;
	size_t		 n = 0, nt = 0;
	unsigned	 cl;
	int		 p;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_rotation SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	test_check_config();
	CHECK_EQ_INT(h_party_add(&e, tok_a1, sizeof(tok_a1), "a1",
	    "aanbieder", "--agb", A1, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_a2, sizeof(tok_a2), "a2",
	    "aanbieder", "--agb", A2, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bo, sizeof(tok_bo), "bo",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop), "bergop",
	    "bergop", NULL), 0);
	h_config(&e, "k5.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 0}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);

	/* Before the rotation. */
	for (cl = 1; cl <= 16; cl++) {
		if (cl > 6 && cl < 11)
			continue;
		message(cl, TOEW(cl, 1), "2024-10-01", 0, NULL);
		message(cl, TOEW(cl, 1), "2024-10-01", 31, "2025-03-15");
		if (cl <= 6)
			message(cl, TOEW(cl, 3), "2024-11-01", 0, NULL);
	}
	scores("0;0;0");
	CHECK_EQ_INT(questionnaires(41, 45, NULL), 201);
	c = q1_cell(tok_a1, "uitval", A1, &j);
	CHECK_NUM(c, "n", 12);
	CHECK_NUM(c, "n_clients", 12);
	CHECK_NUM(c, "values.herinstroom.n", 12);
	CHECK_NUM(c, "values.herinstroom.geen_nieuwe_start_pct", 100.0);
	cJSON_Delete(j);
	CHECK_EQ_INT(links(0) + links(1), 0);

	/* Rotate while the daemon runs: it keeps the old key until restart. */
	h_run(&e, &o, "key", "rotate", "--data", e.data, NULL);
	CHECK_EQ_INT(run_ok("key rotate", &o), 0);
	h_out_free(&o);
	snprintf(keyp, sizeof(keyp), "%s/sorttp.key", e.data);
	snprintf(oldp, sizeof(oldp), "%s/sorttp.key.old", e.data);
	CHECK(stat(oldp, &sb) == 0 && (sb.st_mode & 077) == 0 &&
	    sb.st_size == 32);
	h_run(&e, &o, "key", "rotate", "--data", e.data, NULL);
	CHECK_EQ_INT(o.status, 1);	/* the old key is not retired yet */
	h_out_free(&o);
	h_run(&e, &o, "key", "status", "--data", e.data, NULL);
	CHECK_EQ_INT(run_ok("key status", &o), 0);
	CHECK(o.out != NULL && strstr(o.out, "key version: 2\n") != NULL &&
	    strstr(o.out, "previous version: 1\n") != NULL &&
	    strstr(o.out, "(open)") != NULL &&
	    strstr(o.out, "old key: present") != NULL);
	h_out_free(&o);
	/*
	 * A rotation interrupted after it was recorded, before the new key
	 * took KEY's name: the next `key rotate` finishes it.
	 */
	snprintf(newp, sizeof(newp), "%s/sorttp.key.new", e.data);
	CHECK(rename(keyp, newp) == 0 && link(oldp, keyp) == 0);
	h_run(&e, &o, "key", "rotate", "--data", e.data, NULL);
	CHECK_EQ_INT(run_ok("key rotate (finish)", &o), 0);
	CHECK(o.out != NULL && strstr(o.out, "finished the interrupted") !=
	    NULL);
	h_out_free(&o);
	CHECK(access(newp, F_OK) == -1);
	restart(cfg);
	CHECK(h_file_contains(e.log, "version 1 beside it", 19));

	/* In the window: L again, S corrected, Q resent with one more. */
	for (cl = 1; cl <= 6; cl++) {
		message(cl, TOEW(cl, 2), "2025-05-01", 0, NULL);
		message(cl, TOEW(cl, 3), "2024-11-01", 34, "2025-03-20");
	}
	CHECK_EQ_INT(links(0), 6);
	CHECK_EQ_INT(links(1), 12);
	scores("1;1;1");
	CHECK_EQ_INT(links(0), 11);
	CHECK_EQ_INT(links(1), 17);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"), 10);
	CHECK_EQ_INT(questionnaires(41, 46, &ans), 201);
	CHECK(ans != NULL && strstr(ans, "\"already_received\":5") != NULL);
	free(ans);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM antwoorden"), 6);
	CHECK_EQ_INT(links(0), 17);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM scores"
	    " WHERE key_version = 2"), 5);

	/*
	 * Uitval of A1 in 2025-Q1: 12 ends volgens plan (L and U) and 6 of
	 * L under the new key (reden 34) of products started under the old
	 * one; 12 clients, not 18. Herinstroom: L started again in the
	 * window, U not (yet): 6 of 12 without a new start.
	 */
	c = q1_cell(tok_a1, "uitval", A1, &j);
	CHECK_NUM(c, "n", 18);
	CHECK_NUM(c, "n_clients", 12);
	CHECK_NUM(c, "values.per_reden.31", 12);
	CHECK_NUM(c, "values.per_reden.34", 6);
	CHECK_NUM(c, "values.herinstroom.n", 12);
	CHECK_NUM(c, "values.herinstroom.geen_nieuwe_start_pct", 50.0);
	cJSON_Delete(j);
	/* Doelrealisatie of A2: the corrected scores are the same 5. */
	c = q1_cell(tok_a2, "doelrealisatie", A2, &j);
	CHECK_NUM(c, "n", 5);
	CHECK_NUM(c, "n_clients", 5);
	cJSON_Delete(j);

	/* Retire: not before the window ends, not while serve runs. */
	h_run(&e, &o, "key", "retire", "--data", e.data, NULL);
	CHECK_EQ_INT(o.status, 1);
	CHECK(o.err != NULL && strstr(o.err, "--force") != NULL);
	h_out_free(&o);
	CHECK(access(oldp, F_OK) == 0);
	h_run(&e, &o, "key", "retire", "--data", e.data, "--force", NULL);
	CHECK_EQ_INT(o.status, 1);
	h_out_free(&o);
	CHECK(access(oldp, F_OK) == 0);
	CHECK_EQ_INT(h_stop(&e), 0);
	h_run(&e, &o, "key", "retire", "--data", e.data, "--force", NULL);
	CHECK_EQ_INT(run_ok("key retire", &o), 0);
	h_out_free(&o);
	CHECK(access(oldp, F_OK) == -1);
	CHECK(access(keyp, F_OK) == 0);
	h_run(&e, &o, "key", "status", "--data", e.data, NULL);
	CHECK(o.out != NULL && strstr(o.out, "old key: retired") != NULL &&
	    strstr(o.out, "links: 34\n") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);

	/*
	 * U start again now, after the window: under the new key only, with
	 * no link to their ends under the old one. They are new clients to
	 * the indicators, and their ends stay "geen nieuwe start".
	 */
	for (cl = 11; cl <= 16; cl++)
		message(cl, TOEW(cl, 2), "2025-05-01", 0, NULL);
	CHECK_EQ_INT(links(0), 17);
	c = q1_cell(tok_a1, "uitval", A1, &j);
	CHECK_NUM(c, "n_clients", 12);
	CHECK_NUM(c, "values.herinstroom.geen_nieuwe_start_pct", 50.0);
	cJSON_Delete(j);
	/* The links still join L across the rotation. */
	CHECK_EQ_INT(links(0) + links(1), 34);

	/*
	 * A second rotation (version 3): L stop the product they started in
	 * the first window. Over 2025 L are still 6 clients, through two
	 * links (1 -> 2 -> 3): 24 ends of 12 clients. Herinstroom: the 12
	 * first ends (L's with a new start) and L's 6 last ends (none).
	 */
	h_run(&e, &o, "key", "rotate", "--data", e.data, NULL);
	CHECK_EQ_INT(run_ok("key rotate (2)", &o), 0);
	h_out_free(&o);
	restart(cfg);
	for (cl = 1; cl <= 6; cl++)
		message(cl, TOEW(cl, 2), "2025-05-01", 31, "2025-06-30");
	CHECK_EQ_INT(links(0), 23);
	CHECK_EQ_INT(links(1), 23);
	c = q1_cell(tok_a1, "uitval?period=year&from=2025-01&to=2025-12#",
	    A1, &j);
	CHECK_NUM(c, "n", 24);
	CHECK_NUM(c, "n_clients", 12);
	CHECK_NUM(c, "values.herinstroom.n", 18);
	CHECK_NUM(c, "values.herinstroom.geen_nieuwe_start_pct", 66.7);
	cJSON_Delete(j);
	CHECK_EQ_INT(h_stop(&e), 0);
	h_run(&e, &o, "key", "retire", "--data", e.data, "--force", NULL);
	CHECK_EQ_INT(run_ok("key retire (2)", &o), 0);
	h_out_free(&o);
	h_run(&e, &o, "key", "status", "--data", e.data, NULL);
	CHECK(o.out != NULL && strstr(o.out, "key version: 3\n") != NULL &&
	    strstr(o.out, "previous version: 2\n") != NULL);
	h_out_free(&o);

	/* No identifier anywhere in the data folder, nor in the log. */
	for (cl = 1; cl <= 46; cl++) {
		demo_bsn(0, cl, bsn[n]);
		secrets[n] = bsn[n];
		n++;
	}
	for (cl = 1; cl <= 25; cl++)
		for (p = 1; p <= 3; p++) {
			snprintf(toew[nt], sizeof(toew[nt]), "%d",
			    TOEW(cl, p));
			secrets[n++] = toew[nt++];
		}
	secrets[n++] = NAME;
	secrets[n++] = BIRTH;
	CHECK_EQ_INT(scan_folder(e.data, secrets, n), 0);
	CHECK_EQ_INT(h_leaks(&e, secrets, n), 0);
	h_teardown(&e);
	return test_done("integration rotation");
}

/*
 * The command line as operators script it: init, party, check-config,
 * --help everywhere, usage errors with exit 2, and the refusals that
 * protect the key.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct h_env	e;

static void
test_help_and_usage(void)
{
	static const char *const cmds[][3] = {
		{ "init", NULL, NULL },
		{ "serve", NULL, NULL },
		{ "party", "add", NULL },
		{ "party", "list", NULL },
		{ "party", "revoke", NULL },
		{ "check-config", NULL, NULL },
	};
	struct h_out	o;
	size_t		i;

	CHECK_EQ_INT(h_run(&e, &o, "--help", NULL), 0);
	CHECK(strstr(o.out, "usage: sorttp") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "frobnicate", NULL), 2);
	CHECK(strstr(o.err, "unknown command") != NULL);
	h_out_free(&o);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (cmds[i][1] != NULL)
			h_run(&e, &o, cmds[i][0], cmds[i][1], "--help", NULL);
		else
			h_run(&e, &o, cmds[i][0], "--help", NULL);
		CHECK_EQ_INT(o.status, 0);
		CHECK(strstr(o.out, "usage: sorttp") != NULL);
		h_out_free(&o);
		if (cmds[i][1] != NULL)
			h_run(&e, &o, cmds[i][0], cmds[i][1], "--bogus",
			    NULL);
		else
			h_run(&e, &o, cmds[i][0], "--bogus", NULL);
		CHECK_EQ_INT(o.status, 2);
		CHECK(strstr(o.err, "unknown option --bogus") != NULL);
		CHECK(strstr(o.err, "usage: sorttp") != NULL);
		h_out_free(&o);
	}
	/* A missing value and a missing required option are usage errors. */
	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "init", NULL), 2);
	CHECK(strstr(o.err, "--data") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "explode", NULL), 2);
	h_out_free(&o);
}

static void
test_init(void)
{
	char		 path[H_PATH_MAX + 32], *before, *after;
	struct stat	 sb;
	struct h_out	 o;
	size_t		 blen, alen;

	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", e.data, NULL), 0);
	h_out_free(&o);
	CHECK(stat(e.data, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	snprintf(path, sizeof(path), "%s/sorttp.key", e.data);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600 &&
	    sb.st_size == 32);
	before = h_slurp(path, &blen);
	snprintf(path, sizeof(path), "%s/sorttp.db", e.data);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0077) == 0);
	snprintf(path, sizeof(path), "%s/tls/key.pem", e.data);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	snprintf(path, sizeof(path), "%s/tls/cert.pem", e.data);
	CHECK(stat(path, &sb) == 0);
	CHECK(h_file_contains(path, "BEGIN CERTIFICATE", 17));

	/* A second init must refuse and leave the key exactly as it was. */
	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", e.data, NULL), 1);
	CHECK(strstr(o.err, "refusing to overwrite") != NULL);
	h_out_free(&o);
	snprintf(path, sizeof(path), "%s/sorttp.key", e.data);
	after = h_slurp(path, &alen);
	CHECK(before != NULL && after != NULL);
	CHECK(memcmp(before, after, 32) == 0);
	free(before);
	free(after);
}

/* A database without its key: init must not mint a new key for it. */
static void
test_init_orphan_db(void)
{
	char		 dir[H_PATH_MAX], src[H_PATH_MAX + 32];
	char		 dst[H_PATH_MAX + 32];
	struct h_out	 o;

	h_path(&e, dir, sizeof(dir), "orphan");
	mkdir(dir, 0700);
	snprintf(src, sizeof(src), "%s/sorttp.db", e.data);
	snprintf(dst, sizeof(dst), "%s/sorttp.db", dir);
	CHECK(link(src, dst) == 0);
	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", dir, NULL), 1);
	CHECK(strstr(o.err, "without a key") != NULL);
	h_out_free(&o);
	snprintf(dst, sizeof(dst), "%s/sorttp.key", dir);
	CHECK(access(dst, F_OK) == -1);
}

static void
test_party(void)
{
	char		 tok[256];
	struct h_out	 o;
	size_t		 i;

	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "zorg-a", "aanbieder",
	    "--agb", "12345678", NULL), 0);
	CHECK(strncmp(tok, "sorttp_", 7) == 0 && strlen(tok) == 50);
	for (i = 7; i < strlen(tok); i++)
		CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
		    "xyz0123456789-_", tok[i]) != NULL);
	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "ana", "analist",
	    "--scope", "cluster:DUO", "--scope", "gemeente:0363", NULL), 0);

	/* Usage errors: exit 2, nothing added. */
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x1", "--data", e.data,
	    NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x2", "--role", "god",
	    "--data", e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x3", "--role",
	    "aanbieder", "--data", e.data, NULL), 2);
	CHECK(strstr(o.err, "--agb") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x4", "--role",
	    "aanbieder", "--agb", "1234567", "--data", e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x5", "--role", "analist",
	    "--data", e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x6", "--role", "analist",
	    "--scope", "cluster:Atlantis", "--data", e.data, NULL), 2);
	CHECK(strstr(o.err, "Atlantis") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "x7", "--role", "monitor",
	    "--agb", "12345678", "--data", e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "Bad Name", "--role",
	    "monitor", "--data", e.data, NULL), 2);
	h_out_free(&o);

	/* Names are unique, for ever. */
	CHECK_EQ_INT(h_run(&e, &o, "party", "add", "ana", "--role", "monitor",
	    "--data", e.data, NULL), 1);
	CHECK(strstr(o.err, "exists") != NULL);
	h_out_free(&o);

	CHECK_EQ_INT(h_run(&e, &o, "party", "list", "--data", e.data, NULL),
	    0);
	CHECK(strstr(o.out, "zorg-a") != NULL);
	CHECK(strstr(o.out, "12345678") != NULL);
	CHECK(strstr(o.out, "cluster:DUO,gemeente:0363") != NULL);
	CHECK(strstr(o.out, "x1") == NULL && strstr(o.out, "x7") == NULL);
	CHECK(strstr(o.out, "sorttp_") == NULL);	/* no tokens */
	h_out_free(&o);

	CHECK_EQ_INT(h_run(&e, &o, "party", "revoke", "zorg-a", "--data",
	    e.data, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "revoke", "zorg-a", "--data",
	    e.data, NULL), 1);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "party", "revoke", "nobody", "--data",
	    e.data, NULL), 1);
	h_out_free(&o);
}

static void
test_check_config(void)
{
	char		 cfg[H_PATH_MAX + 32], ref[H_PATH_MAX + 32];
	struct h_out	 o;

	CHECK_EQ_INT(h_run(&e, &o, "check-config", NULL), 0);
	CHECK(strstr(o.out, "13 gemeenten in 4 clusters") != NULL);
	h_out_free(&o);

	h_path(&e, cfg, sizeof(cfg), "bad.json");
	h_write_file(cfg, "{\"k\": 3}", 0600);
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 1);
	CHECK(strstr(o.err, "k") != NULL && strstr(o.err, "range") != NULL);
	h_out_free(&o);

	h_write_file(cfg, "{\"listen\": ", 0600);
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 1);
	CHECK(strstr(o.err, "line") != NULL);
	h_out_free(&o);

	/* A custom config with its own reference files beside it. */
	h_config(&e, "good.json", "{\"k\": 11, \"reference\": {\"gemeenten\": "
	    "\"gemeenten.json\"}}", cfg, sizeof(cfg));
	h_path(&e, ref, sizeof(ref), "gemeenten.json");
	h_write_file(ref, "{\"clusters\": [{\"naam\": \"Amsterdam\", "
	    "\"gemeenten\": [{\"code\": \"0363\", \"naam\": \"Amsterdam\"}]}],"
	    " \"opgeheven\": []}", 0600);
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 0);
	CHECK(strstr(o.out, "1 gemeenten in 1 clusters") != NULL);
	CHECK(strstr(o.out, "1 questionnaire definition,") != NULL);
	CHECK(strstr(o.out, "k = 11") != NULL);
	h_out_free(&o);

	/* A broken questionnaire definition fails check-config. */
	h_path(&e, ref, sizeof(ref), "questionnaires/extra.json");
	h_write_file(ref, "{\"id\": \"x\", \"onbekend\": 1}", 0600);
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 1);
	CHECK(strstr(o.err, "extra.json") != NULL);
	h_out_free(&o);
	unlink(ref);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_cli SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	test_help_and_usage();
	test_init();
	test_init_orphan_db();
	test_party();
	test_check_config();
	h_teardown(&e);
	return test_done("integration_cli");
}

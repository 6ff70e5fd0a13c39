/*
 * The key apart from the data: init --key writes it outside the data
 * folder, serve finds it through key_file or $CREDENTIALS_DIRECTORY/
 * sorttp-key; a key inside the folder is a logged warning and a metric at
 * every start, and a production configuration refuses it.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct h_env	e;
static char		monitor[128];

/* The value of the sorttp_key_in_data_folder gauge, or -1. */
static int
key_metric(void)
{
	struct h_resp	 r;
	const char	*p;
	int		 v = -1;

	if (h_request(&e, "GET", "/metrics", monitor, NULL, NULL, 0, 0,
	    &r) != 0 || r.status != 200 || r.body == NULL) {
		h_resp_free(&r);
		return -1;
	}
	if ((p = strstr(r.body, "\nsorttp_key_in_data_folder ")) != NULL)
		v = (int)strtol(p + 27, NULL, 10);
	h_resp_free(&r);
	return v;
}

static int
exists(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0;
}

/* The quick start: a key in the folder works, with a warning each start. */
static void
test_inside(void)
{
	char	cfg[H_PATH_MAX];
	int	status = 0;

	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, monitor, sizeof(monitor), "prom",
	    "monitor", NULL), 0);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(key_metric(), 1);
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK(h_file_contains(e.log, "inside the data folder", 22));

	h_config(&e, "prod.json", "{\"production\": true}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, &status), -1);
	CHECK(status != 0);
	CHECK(h_file_contains(e.log, "production", 10));
}

/* init --key FILE outside the folder; serve through key_file. */
static void
test_outside(void)
{
	struct h_out	o;
	char		keys[H_PATH_MAX], key[H_PATH_MAX], cfg[H_PATH_MAX];
	char		json[2 * H_PATH_MAX], inkey[H_PATH_MAX];
	char		bin[H_PATH_MAX];

	snprintf(bin, sizeof(bin), "%s", e.bin);
	h_teardown(&e);
	h_setup(&e, bin);
	h_path(&e, keys, sizeof(keys), "keys");
	CHECK(mkdir(keys, 0700) == 0);
	h_path(&e, key, sizeof(key), "keys/sorttp.key");
	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", e.data, "--key", key,
	    NULL), 0);
	CHECK(o.out != NULL && strstr(o.out, "key_file") != NULL);
	h_out_free(&o);
	h_path(&e, inkey, sizeof(inkey), "data/sorttp.key");
	CHECK(exists(key));
	CHECK(!exists(inkey));
	CHECK_EQ_INT(h_party_add(&e, monitor, sizeof(monitor), "prom",
	    "monitor", NULL), 0);

	/* Without key_file there is no key to be found. */
	CHECK_EQ_INT(h_start(&e, NULL, NULL), -1);

	snprintf(json, sizeof(json), "{\"production\": true, \"key_file\": "
	    "\"%s\"}", key);
	h_config(&e, "prod.json", json, cfg, sizeof(cfg));
	CHECK(truncate(e.log, 0) == 0);	/* the log of this start only */
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	CHECK_EQ_INT(key_metric(), 0);
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK(!h_file_contains(e.log, "inside the data folder", 22));

	/* A systemd credential wins over everything, even a wrong key_file. */
	CHECK(setenv("CREDENTIALS_DIRECTORY", keys, 1) == 0);
	h_path(&e, inkey, sizeof(inkey), "keys/sorttp-key");
	CHECK(rename(key, inkey) == 0);
	h_config(&e, "cred.json", "{\"production\": true, \"key_file\": "
	    "\"/nonexistent/sorttp.key\"}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	CHECK_EQ_INT(key_metric(), 0);
	CHECK_EQ_INT(h_stop(&e), 0);
	CHECK(unsetenv("CREDENTIALS_DIRECTORY") == 0);

	/* init refuses a key in the folder when the config says production. */
	h_config(&e, "prod2.json", "{\"production\": true}", cfg, sizeof(cfg));
	h_path(&e, key, sizeof(key), "data2");
	CHECK_EQ_INT(h_run(&e, &o, "init", "--data", key, "--config", cfg,
	    NULL), 1);
	h_out_free(&o);
	h_path(&e, key, sizeof(key), "data2/sorttp.key");
	CHECK(!exists(key));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_key SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	test_inside();
	test_outside();
	h_teardown(&e);
	return test_done("integration_key");
}

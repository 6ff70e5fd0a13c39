/*
 * "publicatie" (issue #15, national scale) end to end: sorttp check-config
 * refuses bad values in Dutch with their JSON path and shows what it
 * accepts; over TLS, a daemon whose config publishes one aanbieder per
 * gemeente per year only, per cluster per quarter and year, and not in
 * the regio as a whole answers those, refuses the rest with 400
 * periode_niet_gepubliceerd and a Dutch message, answers every period
 * for all aanbieders together, and still writes its monthly reports of
 * aanbieders (by quarter).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "harness.h"
#include "test.h"

static struct h_env	e;
static char		tok[256];

#define PUB	"\"publicatie\": {\"aanbieder_gemeente\": \"jaar\", " \
		"\"aanbieder_cluster\": \"kwartaal\", \"aanbieder_regio\": " \
		"\"geen\"}"

static void
test_check_config(void)
{
	static const struct {
		const char	*json;
		const char	*want;
	} bad[] = {
		{ "{\"publicatie\": {\"aanbieder_gemeente\": \"week\"}}",
		    "publicatie.aanbieder_gemeente: \"week\" is geen periode" },
		{ "{\"publicatie\": {\"aanbieder_cluster\": \"geen\"}}",
		    "kies maand of kwartaal" },
		{ "{\"publicatie\": {\"aanbieder\": \"jaar\"}}",
		    "aanbieder" },
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(h_config_refused(&e, bad[i].json, bad[i].want),
		    0);
}

/* GET path as the analist: the status, and the error code or "". */
static long
ask(const char *path, char *code, size_t len)
{
	const cJSON	*c;
	cJSON		*j;
	char		*raw = NULL;
	long		 st = 0;

	j = h_get_json(&e, tok, path, &st, &raw);
	code[0] = '\0';
	cJSON_Delete(j);
	if (st != 200 && raw != NULL && (j = cJSON_Parse(raw)) != NULL) {
		c = cJSON_GetObjectItem(j, "error");
		if (cJSON_IsString(c))
			snprintf(code, len, "%s", c->valuestring);
		c = cJSON_GetObjectItem(j, "message");
		/* The reason names the setting. */
		CHECK(cJSON_IsString(c) && strstr(c->valuestring,
		    "instelling publicatie") != NULL);
		cJSON_Delete(j);
	}
	if (st != 200 && code[0] == '\0')
		fprintf(stderr, "%s: %ld %s\n", path, st, raw ? raw : "");
	free(raw);
	return st;
}

static void
test_answers(void)
{
	static const struct {
		const char	*path;
		long		 status;
	} cases[] = {
		/* One gemeente: its aanbieders per year only. */
		{ "/v1/indicators/uitval?by=aanbieder&gemeente=0384"
		    "&period=month", 400 },
		{ "/v1/indicators/uitval?by=aanbieder&gemeente=0384"
		    "&period=quarter", 400 },
		{ "/v1/indicators/uitval?by=aanbieder&gemeente=0384"
		    "&period=year", 200 },
		{ "/v1/indicators/doelrealisatie?by=aanbieder"
		    "&gemeente=0479&period=month", 400 },
		/* A whole cluster: its aanbieders per quarter and year. */
		{ "/v1/indicators/uitval?by=aanbieder&cluster=DUO"
		    "&period=month", 400 },
		{ "/v1/indicators/uitval?by=aanbieder&cluster=DUO"
		    "&period=quarter", 200 },
		{ "/v1/indicators/tevredenheid?by=aanbieder&cluster=DUO"
		    "&period=year", 200 },
		/* All aanbieders together: every period. */
		{ "/v1/indicators/uitval?by=gemeente&period=month", 200 },
		{ "/v1/indicators/aanlevering?by=cluster&period=month", 200 },
		{ "/v1/indicators/doelrealisatie?by=regio&period=month", 200 },
	};
	char	code[64], path[256], agb[16];
	size_t	i;
	long	st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = ask(cases[i].path, code, sizeof(code));
		if (st != cases[i].status)
			fprintf(stderr, "%s: %ld, not %ld\n", cases[i].path,
			    st, cases[i].status);
		CHECK_EQ_INT(st, cases[i].status);
		if (cases[i].status == 400)
			CHECK_STR(code, "periode_niet_gepubliceerd");
	}
	/* One aanbieder in the whole regio: not at all. */
	if (h_db_count(&e, "SELECT count(DISTINCT agb) FROM trajecten") > 0) {
		snprintf(agb, sizeof(agb), "%08lld", h_db_count(&e,
		    "SELECT min(agb) FROM trajecten"));
		snprintf(path, sizeof(path), "/v1/indicators/uitval?by=regio"
		    "&aanbieder=%s&period=year", agb);
		CHECK_EQ_INT(ask(path, code, sizeof(code)), 400);
		CHECK_STR(code, "periode_niet_gepubliceerd");
	} else
		CHECK(0);
}

/* The daemon's first report run wrote aanbieders' reports. */
static void
test_reports(void)
{
	char		 path[H_PATH_MAX + 16];
	struct dirent	*d;
	DIR		*dp;
	int		 n = 0;

	CHECK_EQ_INT(h_wait_reports(&e, 240), 0);
	snprintf(path, sizeof(path), "%s/reports", e.data);
	if ((dp = opendir(path)) == NULL) {
		CHECK(0);
		return;
	}
	while ((d = readdir(dp)) != NULL)
		if (strstr(d->d_name, "-a") != NULL &&
		    strstr(d->d_name, ".pdf") != NULL)
			n++;
	closedir(dp);
	CHECK(n > 0);
}

int
main(int argc, char **argv)
{
	char		cfg[H_PATH_MAX];
	struct h_out	o;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_publicatie SORTTP\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	test_check_config();
	h_init(&e);
	h_config(&e, "pub.json", "{" PUB ", \"limits\": "
	    "{\"indicator_refresh_s\": 0}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 0);
	CHECK(strstr(o.out, "publicatie: one aanbieder per gemeente per "
	    "year, per cluster per quarter, in the regio not at all") !=
	    NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "demo", "--data", e.data, "--clients",
	    "400", "--seed", "5", "--config", cfg, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "an-all", "analist",
	    "--scope", "cluster:Amsterdam", "--scope",
	    "cluster:Amstelveen-Aalsmeer", "--scope", "cluster:DUO",
	    "--scope", "cluster:Zaanstreek-Waterland", NULL), 0);
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	test_reports();
	test_answers();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("itest_publicatie");
}

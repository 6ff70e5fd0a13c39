/*
 * Unit tests for config.c: the embedded default and its reference data,
 * lookups, listen addresses, and, with files in a temporary directory,
 * that every kind of mistake is refused with a message naming the key.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "embedded.h"
#include "gebied.h"
#include "test.h"
#include "test_file.h"

#define ERR_MAX		1024

/* A valid reference file for the temporary configs: 2 clusters, 3 + 1. */
static const char good_gemeenten[] =
	"{\"clusters\": ["
	"{\"naam\": \"Noord\", \"gemeenten\": ["
	"{\"code\": \"0001\", \"naam\": \"Aa\"},"
	"{\"code\": \"0002\", \"naam\": \"Bee\"}]},"
	"{\"naam\": \"Zuid\", \"gemeenten\": ["
	"{\"code\": \"0003\", \"naam\": \"Cee\"}]}],"
	"\"opgeheven\": [{\"code\": \"0009\", \"naam\": \"Oud\","
	" \"nieuw\": \"0003\", \"sinds\": \"2020-02-29\"}]}\n";

static char tmpdir[] = "/tmp/test_config.XXXXXX";

/* Files the tests may create under tmpdir, removed at the end. */
static const char *const tmpfiles[] = {
	"sorttp.json", "gemeenten.json", "other.json", "big.json",
	"ref/g.json", "aanb.json", "geb.json", NULL
};

static void
tmp_path(char *buf, size_t size, const char *name)
{
	int	n;

	n = snprintf(buf, size, "%s/%s", tmpdir, name);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "path too long\n");
		exit(1);
	}
}

static void
write_file(const char *name, const char *text)
{
	char	path[256];

	tmp_path(path, sizeof(path), name);	/* exits when too long */
	test_write_file(tmpdir, name, text);
}

/* Writes sorttp.json (and gemeenten.json unless NULL), then loads. */
static int
load_tmp(const char *cfgtext, const char *gemtext, struct config *cfg,
    char *err, size_t errlen)
{
	char	path[256];

	write_file("sorttp.json", cfgtext);
	if (gemtext != NULL)
		write_file("gemeenten.json", gemtext);
	tmp_path(path, sizeof(path), "sorttp.json");
	return config_load(path, cfg, err, errlen);
}

/*
 * Expects the load to fail with a message containing want. The case is
 * echoed on failure, since the CHECK line is the same for all of them.
 */
static void
reject(const char *cfgtext, const char *gemtext, const char *want)
{
	static struct config	cfg;
	char			err[ERR_MAX];
	int			rc;

	rc = load_tmp(cfgtext, gemtext, &cfg, err, sizeof(err));
	CHECK_EQ_INT(rc, -1);
	CHECK(strstr(err, want) != NULL);
	if (rc != -1 || strstr(err, want) == NULL)
		fprintf(stderr, "  case: %s\n  want: %s\n  got:  %s\n",
		    cfgtext, want, err);
}

/* As reject() for a broken gemeenten.json beside a valid config. */
static void
reject_gemeenten(const char *gemtext, const char *want)
{
	reject("{\"k\": 10}", gemtext, want);
}

static void
test_embedded(void)
{
	static struct config		 cfg;
	const struct cfg_gemeente	*g;
	const struct cfg_cluster	*c;
	char				 err[ERR_MAX] = "";
	size_t				 i;
	int				 retired = -1;

	CHECK(embedded_find("sorttp.json") != NULL);
	CHECK(embedded_find("gemeenten.json") != NULL);
	CHECK(embedded_find("nonexistent.json") == NULL);
	CHECK(embedded_find(NULL) == NULL);

	CHECK_EQ_INT(config_load(NULL, &cfg, err, sizeof(err)), 0);
	CHECK_STR(cfg.questionnaires, "");	/* the embedded definitions */
	CHECK_STR(err, "");
	CHECK_STR(cfg.source, "(embedded)");
	CHECK_STR(cfg.listen, "0.0.0.0:8443");
	CHECK_STR(cfg.tls_cert, "tls/cert.pem");
	CHECK_STR(cfg.tls_key, "tls/key.pem");
	CHECK_STR(cfg.tls_client_ca, "");
	CHECK_EQ_INT(cfg.log_level, LOG_LEVEL_INFO);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_K), 10);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_CONN_MAX), 256);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_BODY_SCORES), 1073741824LL);
	CHECK_EQ_INT(cfg.ref.ngemeenten, 13);
	CHECK_EQ_INT(cfg.ref.nclusters, 4);
	CHECK_EQ_INT(cfg.ref.nretired, 2);

	/* The default file documents every limit with the table's default. */
	for (i = 0; i < LIMIT__COUNT; i++)
		CHECK_EQ_INT(cfg.limits[i], config_limit_defs[i].def);

	g = config_gemeente(&cfg, "0457", &retired);
	CHECK(g != NULL && strcmp(g->code, "0363") == 0);
	CHECK_EQ_INT(retired, 1);
	g = config_gemeente(&cfg, "0370", &retired);
	CHECK(g != NULL && strcmp(g->code, "0439") == 0);
	CHECK(g != NULL && strcmp(g->naam, "Purmerend") == 0);
	CHECK_EQ_INT(retired, 1);
	g = config_gemeente(&cfg, "0363", &retired);
	CHECK(g != NULL && strcmp(g->naam, "Amsterdam") == 0);
	CHECK_EQ_INT(retired, 0);
	CHECK(config_gemeente(&cfg, "0000", &retired) == NULL);
	CHECK(config_gemeente(&cfg, "0000", NULL) == NULL);
	CHECK(config_gemeente(&cfg, "0457", NULL) != NULL);
	/* Exactly 4 bytes are read: the code may sit inside a longer field. */
	g = config_gemeente(&cfg, "08521234", NULL);
	CHECK(g != NULL && strcmp(g->naam, "Waterland") == 0);

	g = config_gemeente(&cfg, "0852", NULL);
	CHECK(g != NULL);
	if (g != NULL) {
		CHECK(g->cluster < cfg.ref.nclusters);
		if (g->cluster < cfg.ref.nclusters)
			CHECK_STR(cfg.ref.clusters[g->cluster].name,
			    "Zaanstreek-Waterland");
	}
	g = config_gemeente(&cfg, "0437", NULL);
	CHECK(g != NULL && g->cluster < cfg.ref.nclusters &&
	    strcmp(cfg.ref.clusters[g->cluster].name, "DUO") == 0);
	for (i = 0; i < cfg.ref.ngemeenten; i++)
		CHECK(cfg.ref.gemeenten[i].cluster < cfg.ref.nclusters);
	CHECK_STR(cfg.ref.retired[0].sinds, "2022-03-24");

	c = config_cluster(&cfg, "Amstelveen-Aalsmeer");
	CHECK(c != NULL && strcmp(c->name, "Amstelveen-Aalsmeer") == 0);
	CHECK(config_cluster(&cfg, "duo") == NULL);
	CHECK(config_cluster(&cfg, "DUO") != NULL);
	CHECK(config_cluster(&cfg, "") == NULL);
}

static void
test_limit_table(void)
{
	size_t	i;

	CHECK_EQ_INT(config_limit_defs[LIMIT_K].min, 5);
	CHECK_STR(config_limit_defs[LIMIT_K].name, "k");
	CHECK_STR(config_limit_defs[LIMIT_CONN_PER_IP].name,
	    "connections_per_ip");
	for (i = 0; i < LIMIT__COUNT; i++) {
		CHECK(config_limit_defs[i].name != NULL);
		CHECK(config_limit_defs[i].min <= config_limit_defs[i].def);
		CHECK(config_limit_defs[i].def <= config_limit_defs[i].max);
	}
}

static void
test_listen(void)
{
	char		host[CFG_LISTEN_MAX];
	unsigned	port = 1;

	CHECK_EQ_INT(config_parse_listen("127.0.0.1:0", host, sizeof(host),
	    &port), 0);
	CHECK_STR(host, "127.0.0.1");
	CHECK_EQ_INT(port, 0);
	CHECK_EQ_INT(config_parse_listen("0.0.0.0:8443", host, sizeof(host),
	    &port), 0);
	CHECK_STR(host, "0.0.0.0");
	CHECK_EQ_INT(port, 8443);
	CHECK_EQ_INT(config_parse_listen("[::1]:443", host, sizeof(host),
	    &port), 0);
	CHECK_STR(host, "::1");
	CHECK_EQ_INT(port, 443);
	CHECK_EQ_INT(config_parse_listen("localhost:65535", host,
	    sizeof(host), &port), 0);
	CHECK_STR(host, "localhost");
	CHECK_EQ_INT(port, 65535);

	CHECK_EQ_INT(config_parse_listen(":80", host, sizeof(host), &port),
	    -1);
	CHECK_EQ_INT(config_parse_listen("host:", host, sizeof(host), &port),
	    -1);
	CHECK_EQ_INT(config_parse_listen("host:65536", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("host:-1", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("host:80x", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("host:+80", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("host:100000", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("nocolon", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("::1:443", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("[::1]443", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("[]:443", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("[zz::1]:443", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("999.0.0.1:80", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("bad_host:80", host, sizeof(host),
	    &port), -1);
	CHECK_EQ_INT(config_parse_listen("a..b:80", host, sizeof(host),
	    &port), -1);
	/* The host must fit the caller's buffer. */
	CHECK_EQ_INT(config_parse_listen("localhost:80", host, 9, &port), -1);
	CHECK_EQ_INT(config_parse_listen("localhost:80", host, 10, &port), 0);
}

static void
test_rejects(void)
{
	static char	big[CFG_FILE_MAX + 16];
	size_t	i;

	reject("{\"k\": 4}", good_gemeenten, "k: 4 is out of range 5..1000");
	reject("{\"k\": 1001}", good_gemeenten,
	    "k: 1001 is out of range 5..1000");
	reject("{\"k\": \"10\"}", good_gemeenten,
	    "k: expected an integer in 5..1000, got a string");
	reject("{\"k\": 10.5}", good_gemeenten, "k: 10.5 is not an integer");
	reject("{\"k\": null}", good_gemeenten, "k: expected an integer");
	reject("{\"kk\": 10}", good_gemeenten, "kk: unknown key");
	reject("{\"k\": 10, \"k\": 12}", good_gemeenten,
	    "k: key given twice");
	reject("{\"limits\": {\"conections_max\": 5}}", good_gemeenten,
	    "limits.conections_max: unknown key");
	reject("{\"limits\": {\"k\": 10}}", good_gemeenten,
	    "limits.k: unknown key");
	reject("{\"limits\": {\"connections_max\": 0}}", good_gemeenten,
	    "limits.connections_max: 0 is out of range 1..65535");
	reject("{\"limits\": {\"body_max_scores\": 17179869185}}",
	    good_gemeenten, "limits.body_max_scores: 17179869185 is out of "
	    "range 1024..17179869184");
	reject("{\"limits\": 5}", good_gemeenten,
	    "limits: expected an object, got a number");
	reject("{\"tls\": {\"cert\": 5}}", good_gemeenten,
	    "tls.cert: expected a string, got a number");
	reject("{\"tls\": {\"key\": \"\"}}", good_gemeenten,
	    "tls.key: must not be empty");
	reject("{\"tls\": {\"ca\": \"x\"}}", good_gemeenten,
	    "tls.ca: unknown key");
	reject("{\"listen\": \"0.0.0.0\"}", good_gemeenten, "listen: ");
	reject("{\"listen\": \"0.0.0.0:70000\"}", good_gemeenten,
	    "listen: \"0.0.0.0:70000\" is not");
	reject("{\"log_level\": \"verbose\"}", good_gemeenten,
	    "log_level: \"verbose\" is not one of");
	reject("{\"reference\": {\"gemeenten\": \"missing.json\"}}",
	    good_gemeenten,
	    "missing.json: cannot read: No such file or directory");
	reject("{\"reference\": {\"vragenlijsten\": \"q\"}}",
	    good_gemeenten, "reference.vragenlijsten: unknown key");
	reject("{\"reference\": {\"questionnaires\": \"\"}}",
	    good_gemeenten, "reference.questionnaires");
	reject("[1, 2]", good_gemeenten, "expected a JSON object");
	reject("{\n  \"k\": 10,\n  \"listen\":\n}\n", good_gemeenten,
	    "sorttp.json: line 4, column 1: invalid JSON");
	reject("{\"k\": 10} x", good_gemeenten, "line 1, column 11");
	reject("", good_gemeenten, "invalid JSON");

	/* Larger than CFG_FILE_MAX: refused before parsing. */
	big[0] = '{';
	for (i = 1; i < sizeof(big) - 2; i++)
		big[i] = ' ';
	big[sizeof(big) - 2] = '}';
	big[sizeof(big) - 1] = '\0';
	reject(big, good_gemeenten, "larger than 1048576 bytes");

	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}, {\"naam\": \"B\", "
	    "\"gemeenten\": [{\"code\": \"0001\", \"naam\": \"Y\"}]}]}",
	    "gemeenten.json: clusters[1].gemeenten[0].code: \"0001\" is "
	    "already the code of X");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}, {\"naam\": \"B\", "
	    "\"gemeenten\": [{\"code\": \"363\", \"naam\": \"Y\"}]}]}",
	    "gemeenten.json: clusters[1].gemeenten[0].code: \"363\" is not "
	    "a 4-digit code");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": 363, \"naam\": \"X\"}]}]}",
	    "clusters[0].gemeenten[0].code: expected a 4-digit code as a "
	    "string, got a number");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"03630\", \"naam\": \"X\"}]}]}",
	    "\"03630\" is not a 4-digit code");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}], \"opgeheven\": ["
	    "{\"code\": \"0002\", \"naam\": \"Z\", \"nieuw\": \"0999\", "
	    "\"sinds\": \"2022-01-01\"}]}",
	    "opgeheven[0].nieuw: \"0999\" is not a current code");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}], \"opgeheven\": ["
	    "{\"code\": \"0001\", \"naam\": \"Z\", \"nieuw\": \"0001\", "
	    "\"sinds\": \"2022-01-01\"}]}",
	    "opgeheven[0].code: \"0001\" is also the current code of X");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}], \"opgeheven\": ["
	    "{\"code\": \"0002\", \"naam\": \"Z\", \"nieuw\": \"0001\", "
	    "\"sinds\": \"2021-02-29\"}]}",
	    "opgeheven[0].sinds: \"2021-02-29\" is not a date");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}], \"opgeheven\": ["
	    "{\"code\": \"0002\", \"naam\": \"Z\", \"nieuw\": \"0001\", "
	    "\"sinds\": \"2022-01-01\"}, {\"code\": \"0002\", \"naam\": "
	    "\"Z\", \"nieuw\": \"0001\", \"sinds\": \"2022-01-01\"}]}",
	    "opgeheven[1].code: \"0002\" is already listed as retired");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"kleur\": 1, "
	    "\"gemeenten\": [{\"code\": \"0001\", \"naam\": \"X\"}]}]}",
	    "clusters[0].kleur: unknown key");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\", \"inwoners\": 3}]}]}",
	    "clusters[0].gemeenten[0].inwoners: unknown key");
	reject_gemeenten("{\"clusters\": [], \"x\": 1}", "x: unknown key");
	reject_gemeenten("{\"clusters\": []}", "clusters: must not be empty");
	reject_gemeenten("{}", "clusters: missing");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}, {\"naam\": \"A\", "
	    "\"gemeenten\": [{\"code\": \"0002\", \"naam\": \"Y\"}]}]}",
	    "clusters[1].naam: \"A\" is also the name of clusters[0]");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"X\"}]}]}",
	    "clusters[0].naam: must not be empty");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": ["
	    "{\"code\": \"0001\", \"naam\": \"Xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]}]}",
	    "clusters[0].gemeenten[0].naam: longer than 63 characters");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\", \"gemeenten\": "
	    "[]}]}", "clusters[0].gemeenten: must not be empty");
	reject_gemeenten("{\"clusters\": [{\"naam\": \"A\"", "invalid JSON");
}

/* reference.aanbieders: names beside AGB codes (issue #13). */
static void
test_aanbieders(void)
{
	static const char	cfgtext[] =
	    "{\"reference\": {\"aanbieders\": \"aanb.json\"}}";
	static const struct { const char *text, *want; } bad[] = {
		{ "{\"aanbieders\": [{\"agb\": \"1234567\", \"naam\": "
		    "\"X\"}]}", "agb must be 8 digits" },
		{ "{\"aanbieders\": [{\"agb\": 12345678, \"naam\": \"X\"}]}",
		    "aanbieders[0].agb" },
		{ "{\"aanbieders\": [{\"agb\": \"12345678\", \"naam\": "
		    "\"X\"}, {\"agb\": \"12345678\", \"naam\": \"Y\"}]}",
		    "agb 12345678 is listed twice" },
		{ "{\"aanbieders\": [{\"agb\": \"12345678\", \"naam\": "
		    "\"\"}]}", "aanbieders[0].naam" },
		{ "{\"aanbieders\": [{\"agb\": \"12345678\", \"naam\": "
		    "\"X\", \"bsn\": 1}]}", "bsn" },
		{ "{\"anders\": []}", "anders" },
	};
	static struct config	cfg;
	char			err[ERR_MAX];
	size_t			i;

	write_file("aanb.json", "{\"aanbieders\": [{\"agb\": \"00000123\", "
	    "\"naam\": \"Jeugdhulp Eén\"}, {\"agb\": \"12345678\", "
	    "\"naam\": \"Twee\"}]}");
	CHECK_EQ_INT(load_tmp(cfgtext, good_gemeenten, &cfg, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(cfg.ref.naanbieders, 2);
	CHECK_STR(config_aanbieder_naam(&cfg, 123), "Jeugdhulp Eén");
	CHECK_STR(config_aanbieder_naam(&cfg, 12345678), "Twee");
	CHECK(config_aanbieder_naam(&cfg, 12345679) == NULL);
	/* Without the key: no names, and no file is read. */
	CHECK_EQ_INT(load_tmp("{}", good_gemeenten, &cfg, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(cfg.ref.naanbieders, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file("aanb.json", bad[i].text);
		reject(cfgtext, good_gemeenten, bad[i].want);
	}
}

/* reference.gebieden: named areas of postcodes per gemeente (#15). */
static void
test_gebieden(void)
{
	static const char	cfgtext[] =
	    "{\"reference\": {\"gebieden\": \"geb.json\"}}";
	static const struct { const char *text, *want; } bad[] = {
		{ "{\"gebieden\": [{\"gemeente\": \"0004\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000\"]}]}",
		    "current gemeente" },
		{ "{\"gebieden\": [{\"gemeente\": \"0009\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000\"]}]}",
		    "current gemeente" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 0, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000\"]}]}",
		    "gebieden[0].nummer" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"naam\": "
		    "\"X\", \"postcodes\": [\"1000\"]}]}", "nummer (1..99)" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"\", \"postcodes\": [\"1000\"]}]}",
		    "gebieden[0].naam" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": []}]}",
		    "gebieden[0].postcodes" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"0999\"]}]}",
		    "4-digit postcodes from 1000" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1200-1100\"]}]}",
		    "not above the second" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000AB\"]}]}",
		    "postcodes[0]" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000-1100\"]}, "
		    "{\"gemeente\": \"0001\", \"nummer\": 1, \"naam\": \"Y\", "
		    "\"postcodes\": [\"2000\"]}]}", "nummer 1 twice" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000-1100\"]}, "
		    "{\"gemeente\": \"0001\", \"nummer\": 2, \"naam\": \"Y\", "
		    "\"postcodes\": [\"1100\"]}]}", "overlaps" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000-1100\", "
		    "\"1050\"]}]}", "overlaps" },
		{ "{\"gebieden\": [{\"gemeente\": \"0001\", \"nummer\": 1, "
		    "\"naam\": \"X\", \"postcodes\": [\"1000\"], "
		    "\"straat\": 1}]}", "straat" },
	};
	static struct config	cfg;
	char			err[ERR_MAX];
	size_t			i;

	/* Ranges may overlap across gemeenten, not within one. */
	write_file("geb.json", "{\"gebieden\": [{\"gemeente\": \"0001\", "
	    "\"nummer\": 2, \"naam\": \"Oost\", \"postcodes\": [\"1000-1099\", "
	    "\"1200\"]}, {\"gemeente\": \"0001\", \"nummer\": 1, \"naam\": "
	    "\"West\", \"postcodes\": [\"1100-1199\"]}, {\"gemeente\": "
	    "\"0003\", \"nummer\": 1, \"naam\": \"Dorp\", \"postcodes\": "
	    "[\"1000-1199\"]}]}");
	CHECK_EQ_INT(load_tmp(cfgtext, good_gemeenten, &cfg, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(cfg.ref.ngebieden, 3);
	CHECK_EQ_INT(cfg.ref.npc, 4);
	CHECK_EQ_INT(gebied_of(&cfg, 0, 1050), 102);
	CHECK_EQ_INT(gebied_of(&cfg, 0, 1200), 102);
	CHECK_EQ_INT(gebied_of(&cfg, 0, 1150), 101);
	CHECK_EQ_INT(gebied_of(&cfg, 0, 1201), 100);
	CHECK_EQ_INT(gebied_of(&cfg, 1, 1050), 200);
	CHECK_EQ_INT(gebied_of(&cfg, 2, 1050), 301);
	/* The list: 0001-00, 0001-01, 0001-02, 0002-00, 0003-00, 0003-01. */
	CHECK_EQ_INT((int)gebied_count(&cfg), 6);
	CHECK_EQ_INT(gebied_index(&cfg, 0, 101), 1);
	CHECK_EQ_INT(gebied_index(&cfg, 0, 102), 2);
	CHECK_EQ_INT(gebied_index(&cfg, 1, 200), 3);
	CHECK_EQ_INT(gebied_index(&cfg, 2, 301), 5);
	/* Without the key every gemeente is one gebied. */
	CHECK_EQ_INT(load_tmp("{}", good_gemeenten, &cfg, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(cfg.ref.ngebieden, 0);
	CHECK_EQ_INT(gebied_of(&cfg, 0, 1050), 100);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file("geb.json", bad[i].text);
		reject(cfgtext, good_gemeenten, bad[i].want);
	}
}

static void
test_custom(void)
{
	static struct config		 cfg, keep;
	const struct cfg_gemeente	*g;
	char				 err[ERR_MAX] = "";
	char				 path[256], cfgtext[512];
	int				 retired = -1, n;

	CHECK_EQ_INT(load_tmp("{\"k\": 12, \"listen\": \"[::1]:9443\", "
	    "\"log_level\": \"debug\", \"tls\": {\"client_ca\": \"ca.pem\"}, "
	    "\"limits\": {\"connections_per_ip\": 5, \"shutdown_grace_s\": 4}}",
	    good_gemeenten, &cfg, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	tmp_path(path, sizeof(path), "sorttp.json");
	CHECK_STR(cfg.source, path);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_K), 12);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_CONN_PER_IP), 5);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_SHUTDOWN_GRACE_S), 4);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_CONN_MAX), 256);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_ROWS_SCORES), 10000000);
	CHECK_STR(cfg.listen, "[::1]:9443");
	CHECK_EQ_INT(cfg.log_level, LOG_LEVEL_DEBUG);
	CHECK_STR(cfg.tls_cert, "tls/cert.pem");
	CHECK_STR(cfg.tls_client_ca, "ca.pem");
	/* The questionnaire folder resolves beside the config file. */
	tmp_path(path, sizeof(path), "questionnaires");
	CHECK_STR(cfg.questionnaires, path);
	CHECK_EQ_INT(cfg.ref.nclusters, 2);
	CHECK_EQ_INT(cfg.ref.ngemeenten, 3);
	CHECK_EQ_INT(cfg.ref.nretired, 1);
	g = config_gemeente(&cfg, "0009", &retired);
	CHECK(g != NULL && strcmp(g->naam, "Cee") == 0);
	CHECK_EQ_INT(retired, 1);
	CHECK(config_gemeente(&cfg, "0363", NULL) == NULL);
	g = config_gemeente(&cfg, "0002", &retired);
	CHECK(g != NULL && g->cluster == 0);
	CHECK_EQ_INT(retired, 0);
	CHECK(config_cluster(&cfg, "Zuid") != NULL);

	/* A failed load leaves the previous configuration alone. */
	keep = cfg;
	CHECK_EQ_INT(load_tmp("{\"k\": 3}", NULL, &cfg, err, sizeof(err)),
	    -1);
	CHECK(memcmp(&keep, &cfg, sizeof(cfg)) == 0);

	/* An empty object takes every default, as the embedded file has. */
	CHECK_EQ_INT(load_tmp("{}", NULL, &cfg, err, sizeof(err)), 0);
	CHECK_STR(cfg.listen, "0.0.0.0:8443");
	CHECK_STR(cfg.tls_key, "tls/key.pem");
	CHECK_EQ_INT(cfg.log_level, LOG_LEVEL_INFO);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_K), 10);
	CHECK_EQ_INT(config_limit(&cfg, LIMIT_ERRORS_MAX), 1000);

	/* Relative reference paths resolve against the config's directory. */
	tmp_path(path, sizeof(path), "ref");
	CHECK_EQ_INT(mkdir(path, 0700), 0);
	write_file("ref/g.json", good_gemeenten);
	write_file("gemeenten.json", "{}");
	CHECK_EQ_INT(load_tmp("{\"reference\": {\"gemeenten\": "
	    "\"ref/g.json\"}}", NULL, &cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.ref.ngemeenten, 3);

	/* An absolute one is used as it is. */
	write_file("other.json", good_gemeenten);
	tmp_path(path, sizeof(path), "other.json");
	n = snprintf(cfgtext, sizeof(cfgtext), "{\"reference\": "
	    "{\"gemeenten\": \"%s\"}}", path);
	CHECK(n > 0 && (size_t)n < sizeof(cfgtext));
	CHECK_EQ_INT(load_tmp(cfgtext, NULL, &cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.ref.nretired, 1);

	/* The error names the reference file that is wrong. */
	CHECK_EQ_INT(load_tmp("{}", NULL, &cfg, err, sizeof(err)), -1);
	tmp_path(path, sizeof(path), "gemeenten.json");
	CHECK(strncmp(err, path, strlen(path)) == 0);
	CHECK(strstr(err, "clusters: missing") != NULL);

	tmp_path(path, sizeof(path), "nonexistent.json");
	CHECK_EQ_INT(config_load(path, &cfg, err, sizeof(err)), -1);
	CHECK(strstr(err, "No such file or directory") != NULL);
	CHECK_EQ_INT(config_load(tmpdir, &cfg, err, sizeof(err)), -1);
	CHECK(strstr(err, "not a regular file") != NULL);

	/* A small error buffer truncates the message but never overflows. */
	CHECK_EQ_INT(load_tmp("{\"k\": 4}", good_gemeenten, &cfg, err, 8),
	    -1);
	CHECK_EQ_INT(strlen(err), 7);
	CHECK_EQ_INT(load_tmp("{\"k\": 4}", NULL, &cfg, NULL, 0), -1);
}

static void
cleanup(void)
{
	char	path[256];
	size_t	i;

	for (i = 0; tmpfiles[i] != NULL; i++) {
		tmp_path(path, sizeof(path), tmpfiles[i]);
		if (unlink(path) == -1 && errno != ENOENT)
			perror(path);
	}
	tmp_path(path, sizeof(path), "ref");
	if (rmdir(path) == -1 && errno != ENOENT)
		perror(path);
	if (rmdir(tmpdir) == -1)
		perror(tmpdir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_limit_table();
	test_embedded();
	test_listen();
	test_rejects();
	test_custom();
	test_aanbieders();
	test_gebieden();
	cleanup();
	return test_done("config");
}

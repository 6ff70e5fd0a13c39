/*
 * sorttp party add|list|revoke: the parties that may call the API.
 *
 * Local only: parties are managed on the server, never over the network.
 * A token is printed once, as the last line on stdout, and never stored:
 * the database keeps its SHA-256.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "cmd.h"
#include "log.h"
#include "pseudonym.h"
#include "store.h"
#include "util.h"

static const struct cmd_help party_help = { "party",
	"usage: sorttp party add NAME --role ROLE [--agb CODE]\n"
	"                    [--scope cluster:NAME|gemeente:CODE]... "
	"[--cert-sha256 HEX]\n"
	"                    --data DIR [--config FILE]\n"
	"       sorttp party list --data DIR\n"
	"       sorttp party revoke NAME --data DIR\n"
	"\n"
	"Roles: aanbieder (needs --agb), bergop, berichtenverkeer, analist "
	"(needs\n"
	"at least one --scope), monitor. NAME: 1-64 of a-z 0-9 . _ - . "
	"'add' prints\n"
	"the bearer token once, as the last line; only its hash is stored.\n"
	"--cert-sha256 binds the party to a client certificate (needs "
	"tls.client_ca).\n"
};

static struct store *
open_store(const char *dir)
{
	struct store	*st;
	char		 dbp[CFG_PATH_MAX], err[512];

	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return NULL;
	if (store_open(dbp, 0, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp party: %s\n", err);
		return NULL;
	}
	return st;
}

static int
parse_hex32(const char *s, unsigned char out[32])
{
	size_t		i;
	long long	v;

	if (strlen(s) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		char	byte[3] = { s[2 * i], s[2 * i + 1], '\0' };
		char   *end;

		v = strtoll(byte, &end, 16);
		if (*end != '\0' || end != byte + 2 || v < 0)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* Audit detail {"name": ..., "role": ...}; party names are no identifiers. */
static void
audit_party(struct store *st, const char *action, const char *name,
    const char *role)
{
	cJSON	*j = cJSON_CreateObject();
	char	*s = NULL;

	if (j != NULL && cJSON_AddStringToObject(j, "name", name) != NULL &&
	    (role == NULL || cJSON_AddStringToObject(j, "role", role) != NULL))
		s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	store_audit(st, 0, action, s);
	cJSON_free(s);
}

static int
party_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "agb", required_argument, NULL, 'a' },
		{ "scope", required_argument, NULL, 's' },
		{ "cert-sha256", required_argument, NULL, 'f' },
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config		 cfg;
	struct party		 p;
	struct store		*st;
	enum store_result	 rc;
	const char		*dir = NULL, *config = NULL, *role = NULL;
	const char		*agb = NULL, *scopes[PARTY_SCOPES_MAX];
	char			 token[AUTH_TOKEN_LEN + 1], err[512];
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	int64_t			 id;
	size_t			 nscopes = 0, i;
	int			 opt;

	memset(&p, 0, sizeof(p));
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			role = optarg;
			break;
		case 'a':
			agb = optarg;
			break;
		case 's':
			if (nscopes == PARTY_SCOPES_MAX)
				return cmd_usage_error(&party_help, "at most "
				    "%d scopes", PARTY_SCOPES_MAX);
			scopes[nscopes++] = optarg;
			break;
		case 'f':
			if (parse_hex32(optarg, p.cert_sha256) == -1)
				return cmd_usage_error(&party_help,
				    "--cert-sha256 needs 64 hex digits");
			p.has_cert = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		default:
			return cmd_getopt_common(&party_help, opt, argv);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error(&party_help, "party add takes exactly "
		    "one NAME");
	if (dir == NULL || role == NULL)
		return cmd_usage_error(&party_help, "--role and --data are "
		    "required");
	if (!auth_party_name_valid(argv[optind]))
		return cmd_usage_error(&party_help, "NAME must be 1-%d of "
		    "a-z 0-9 . _ - (starting with a letter or digit)",
		    PARTY_NAME_MAX);
	if (store_role_parse(role, &p.role) == -1)
		return cmd_usage_error(&party_help, "unknown role '%s'", role);
	if ((p.role == ROLE_AANBIEDER) != (agb != NULL))
		return cmd_usage_error(&party_help, p.role == ROLE_AANBIEDER ?
		    "role aanbieder needs --agb" : "--agb is only for role "
		    "aanbieder");
	if (agb != NULL && !pseudo_agb_valid(agb, strlen(agb)))
		return cmd_usage_error(&party_help, "AGB code must be 8 "
		    "digits");
	if ((p.role == ROLE_ANALIST) != (nscopes > 0))
		return cmd_usage_error(&party_help, p.role == ROLE_ANALIST ?
		    "role analist needs at least one --scope" : "--scope is "
		    "only for role analist");
	if (cmd_load_config(config, &cfg) == -1)
		return 1;
	for (i = 0; i < nscopes; i++) {
		if (auth_scope_parse(&cfg, scopes[i], &p.scopes[i], err,
		    sizeof(err)) == -1)
			return cmd_usage_error(&party_help, "%s", err);
	}
	p.nscopes = nscopes;
	if (p.has_cert && cfg.tls_client_ca[0] == '\0')
		return cmd_usage_error(&party_help, "--cert-sha256 needs "
		    "tls.client_ca in the configuration");
	util_fmt(p.name, sizeof(p.name), "%s", argv[optind]);
	if (agb != NULL)
		util_fmt(p.agb, sizeof(p.agb), "%s", agb);
	if ((st = open_store(dir)) == NULL)
		return 1;
	if (auth_token_new(token, hash) == -1) {
		fprintf(stderr, "sorttp party: no randomness for a token\n");
		store_close(st);
		return 1;
	}
	rc = store_party_add(st, &p, hash, &id);
	if (rc == STORE_OK)
		audit_party(st, "party_add", p.name, role);
	store_close(st);
	if (rc == STORE_EXISTS) {
		fprintf(stderr, "sorttp party: a party named '%s' exists "
		    "already (names are never reused)\n", p.name);
		OPENSSL_cleanse(token, sizeof(token));
		return 1;
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "sorttp party: could not add the party\n");
		OPENSSL_cleanse(token, sizeof(token));
		return 1;
	}
	printf("party '%s' added: role %s%s%s\n", p.name, role,
	    agb ? ", AGB " : "", agb ? agb : "");
	printf("bearer token (shown once, store it safely):\n%s\n", token);
	fflush(stdout);
	OPENSSL_cleanse(token, sizeof(token));
	return 0;
}

static int
print_party(const struct party *p, void *arg)
{
	char	scope[CFG_NAME_MAX + 16];
	size_t	i;

	(void)arg;
	printf("%-24s %-16s %-8s %-20s %-20s ", p->name,
	    store_role_name(p->role), p->agb[0] ? p->agb : "-", p->created,
	    p->revoked[0] ? p->revoked : "-");
	for (i = 0; i < p->nscopes; i++) {
		auth_scope_format(&p->scopes[i], scope, sizeof(scope));
		printf("%s%s", i ? "," : "", scope);
	}
	printf("%s%s\n", p->nscopes ? "" : "-", p->has_cert ? " (cert)" : "");
	return 0;
}

/* Commands without options other than --data (and an optional NAME). */
static int
party_simple(int argc, char **argv, int want_name, const char **dir)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	opt;

	*dir = NULL;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			*dir = optarg;
			break;
		default:
			return cmd_getopt_common(&party_help, opt, argv);
		}
	}
	if (argc - optind != want_name)
		return cmd_usage_error(&party_help, want_name ? "takes exactly "
		    "one NAME" : "takes no arguments");
	if (*dir == NULL)
		return cmd_usage_error(&party_help, "--data DIR is required");
	return -1;
}

int
cmd_party(int argc, char **argv)
{
	enum store_result	 rc;
	struct store		*st;
	const char		*dir, *sub;
	int			 ret;

	if (argc < 2)
		return cmd_usage_error(&party_help, "add, list or revoke?");
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cmd_help(&party_help);
	if (strcmp(sub, "add") == 0)
		return party_add(argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0) {
		if ((ret = party_simple(argc - 1, argv + 1, 0, &dir)) != -1)
			return ret;
		if ((st = open_store(dir)) == NULL)
			return 1;
		printf("%-24s %-16s %-8s %-20s %-20s %s\n", "NAME", "ROLE",
		    "AGB", "CREATED", "REVOKED", "SCOPES");
		ret = store_party_list(st, print_party, NULL) == 0 ? 0 : 1;
		store_close(st);
		return ret;
	}
	if (strcmp(sub, "revoke") == 0) {
		if ((ret = party_simple(argc - 1, argv + 1, 1, &dir)) != -1)
			return ret;
		if ((st = open_store(dir)) == NULL)
			return 1;
		rc = store_party_revoke(st, argv[argc - 1]);
		if (rc == STORE_OK)
			audit_party(st, "party_revoke", argv[argc - 1], NULL);
		store_close(st);
		if (rc == STORE_OK) {
			printf("party '%s' revoked; its token fails from "
			    "now on\n", argv[argc - 1]);
			return 0;
		}
		fprintf(stderr, "sorttp party: no active party named '%s'\n",
		    argv[argc - 1]);
		return 1;
	}
	return cmd_usage_error(&party_help, "unknown subcommand '%s'", sub);
}

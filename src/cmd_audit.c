/*
 * sorttp audit: the audit trail as CSV or JSON, for a supervisor, a DPO or
 * the gemeenten's accountant. It repeats what the trail holds and nothing
 * more: party names and roles, actions, endpoints and parameters as
 * validated, counts. No identifier was ever written there, so none can
 * come out.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "cmd.h"
#include "dates.h"
#include "store.h"
#include "util.h"

static const struct cmd_help audit_help = { "audit",
	"usage: sorttp audit --data DIR [--since TIME] [--until TIME] "
	"[--party NAME]\n"
	"                    [--format csv|json]\n"
	"\n"
	"Prints the audit trail, oldest first: id, time (UTC), party and role "
	"(empty\n"
	"for the local command line), action and its detail (JSON: "
	"parameters as\n"
	"validated and counts, never an identifier). TIME is YYYY-MM-DD or\n"
	"YYYY-MM-DDTHH:MM:SSZ; --since is inclusive, --until exclusive. "
	"Default csv.\n"
};

/* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, a real date and time. */
static int
time_valid(const char *s)
{
	size_t		len = strlen(s);
	long long	v;
	int		ymd;

	if ((len != 10 && len != 20) || date_parse_iso(s, 10, &ymd) == -1)
		return 0;
	if (len == 10)
		return 1;
	return s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
	    util_memtonum(s + 11, 2, 0, 23, &v) == 0 &&
	    util_memtonum(s + 14, 2, 0, 59, &v) == 0 &&
	    util_memtonum(s + 17, 2, 0, 60, &v) == 0;
}

/* One CSV field, quoted when it holds a separator, quote or line end. */
static void
csv_field(const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	putchar(last ? '\n' : ',');
}

static int
print_csv(const struct store_audit_row *r, void *arg)
{
	char	id[24];

	(void)arg;
	util_fmt(id, sizeof(id), "%lld", (long long)r->id);
	csv_field(id, 0);
	csv_field(r->at, 0);
	csv_field(r->party, 0);
	csv_field(r->role, 0);
	csv_field(r->action, 0);
	csv_field(r->detail, 1);
	return ferror(stdout) ? -1 : 0;
}

static int
print_json(const struct store_audit_row *r, void *arg)
{
	int	*first = arg;
	cJSON	*o, *d;
	char	*s;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "at", r->at);
	if (r->party[0] != '\0') {
		cJSON_AddStringToObject(o, "party", r->party);
		cJSON_AddStringToObject(o, "role", r->role);
	} else {
		cJSON_AddNullToObject(o, "party");
		cJSON_AddNullToObject(o, "role");
	}
	cJSON_AddStringToObject(o, "action", r->action);
	/* The detail is JSON already; a row written otherwise stays text. */
	if (r->detail[0] == '\0')
		cJSON_AddNullToObject(o, "detail");
	else if ((d = cJSON_Parse(r->detail)) != NULL)
		cJSON_AddItemToObject(o, "detail", d);
	else
		cJSON_AddStringToObject(o, "detail", r->detail);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		return -1;
	printf("%s%s", *first ? "[\n" : ",\n", s);
	*first = 0;
	cJSON_free(s);
	return ferror(stdout) ? -1 : 0;
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "party", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st;
	const char	*dir = NULL, *since = NULL, *until = NULL;
	const char	*party = NULL, *format = "csv";
	char		 dbp[CFG_PATH_MAX], err[512];
	int		 opt, json, first = 1, rc, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 's':
		case 'u':
			if (!time_valid(optarg))
				return cmd_usage_error(&audit_help, "--%s needs "
				    "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ",
				    opt == 's' ? "since" : "until");
			*(opt == 's' ? &since : &until) = optarg;
			break;
		case 'p':
			if (!auth_party_name_valid(optarg))
				return cmd_usage_error(&audit_help, "--party "
				    "needs a party name");
			party = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			return cmd_help(&audit_help);
		default:
			return cmd_getopt_common(&audit_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&audit_help, argc, argv, dir, 1)) != 0)
		return rc;
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cmd_usage_error(&audit_help, "--format is csv or json");
	json = format[0] == 'j';
	if (cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return 1;
	if (store_open(dbp, 0, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp audit: %s\n", err);
		return 1;
	}
	if (!json)
		printf("id,at,party,role,action,detail\n");
	ret = store_audit_export(st, since, until, party, json ? print_json :
	    print_csv, &first);
	store_close(st);
	if (json)
		printf("%s]\n", first ? "[\n" : "\n");
	if (ret == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "sorttp audit: the export failed\n");
		return 1;
	}
	return 0;
}

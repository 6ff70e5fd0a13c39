/*
 * sorttp import scores FILE... --as PARTY --data DIR
 *
 * Offline ingest through exactly the code path of the HTTP endpoints: the
 * file is read in chunks and fed to the same ingest functions, with the
 * same limits, and each file's answer is printed as the JSON the endpoint
 * would have sent (one object per line, with "file" and "status" added).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "ingest.h"
#include "log.h"
#include "pseudonym.h"
#include "store.h"
#include "util.h"

#define IMPORT_CHUNK		(256 * 1024)
#define IMPORT_PROGRESS_NS	(1000ULL * 1000 * 1000)

static const struct cmd_help import_help = { "import",
	"usage: sorttp import scores FILE... --as PARTY --data DIR "
	"[--config FILE]\n"
	"\n"
	"Ingests files offline through the same code path as the HTTP API, "
	"as the\n"
	"party named PARTY (an aanbieder for scores). Prints one JSON answer "
	"per\n"
	"file on stdout, as the API would answer, with a progress line on "
	"stderr\n"
	"for large files. Exit 0 when every file was stored (or was a "
	"duplicate),\n"
	"1 when any was refused.\n"
};

struct import_ctx {
	struct config		 cfg;
	struct store		*st;
	struct pseudo_ctx	*pc;
	struct party		 party;
};

static void
print_answer(const char *file, struct ingest_answer *a)
{
	char	*s;

	if (a->body == NULL)
		a->body = ingest_error_json("internal", "out of memory");
	cJSON_AddStringToObject(a->body, "file", file);
	cJSON_AddNumberToObject(a->body, "status", a->status);
	if ((s = cJSON_PrintUnformatted(a->body)) != NULL) {
		printf("%s\n", s);
		cJSON_free(s);
	}
	fflush(stdout);
	cJSON_Delete(a->body);
	a->body = NULL;
}

/* One file through the scores ingest; returns the answer's status. */
static unsigned
import_scores_file(struct import_ctx *c, const char *file)
{
	struct ingest_scores	*ig = NULL;
	struct ingest_answer	 a = { 0, NULL };
	struct stat		 sb;
	uint64_t		 last = util_now_ns(), now;
	ssize_t			 n;
	size_t			 total = 0;
	char			*buf = NULL;
	int			 fd, stopped = 0;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		a.status = 400;
		a.body = ingest_error_json("unreadable", strerror(errno));
		goto out;
	}
	/* The endpoint's body limit holds here too: one code path. */
	if (sb.st_size > config_limit(&c->cfg, LIMIT_BODY_SCORES)) {
		a.status = 413;
		a.body = ingest_error_json("body_too_large", "the file is "
		    "larger than body_max_scores");
		goto out;
	}
	if ((buf = malloc(IMPORT_CHUNK)) == NULL ||
	    (ig = ingest_scores_new(&c->cfg, c->st, c->pc, &c->party)) ==
	    NULL) {
		a.status = 500;
		a.body = ingest_error_json("internal", "out of memory");
		goto out;
	}
	while (!stopped && (n = read(fd, buf, IMPORT_CHUNK)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			a.status = 400;
			a.body = ingest_error_json("unreadable",
			    strerror(errno));
			goto out;
		}
		total += (size_t)n;
		stopped = ingest_scores_feed(ig, buf, (size_t)n) == -1;
		if ((now = util_now_ns()) - last > IMPORT_PROGRESS_NS) {
			fprintf(stderr, "sorttp import: %s: %.1f MB read, "
			    "%lld rows\n", file, (double)total / 1e6,
			    ingest_scores_rows(ig));
			last = now;
		}
	}
	ingest_scores_finish(ig, &a);
out:
	if (fd != -1)
		close(fd);
	if (buf != NULL)
		explicit_bzero(buf, IMPORT_CHUNK);
	free(buf);
	ingest_scores_free(ig);
	print_answer(file, &a);
	return a.status;
}

static int
open_all(struct import_ctx *c, const char *dir, const char *config,
    const char *as, enum role want)
{
	char			 keyp[CFG_PATH_MAX], dbp[CFG_PATH_MAX];
	char			 err[512];
	unsigned char		 kid[PSEUDO_KEY_ID_LEN];
	enum store_result	 rc;

	if (cmd_load_config(config, &c->cfg) == -1)
		return -1;
	cmd_data_path(keyp, sizeof(keyp), dir, DATA_KEY_FILE);
	cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE);
	if (pseudo_load_keyfile(keyp, SORTTP_KEY_VERSION, &c->pc, err,
	    sizeof(err)) == -1)
		goto fail;
	pseudo_key_id(c->pc, kid);
	if (store_open(dbp, 0, &c->st, err, sizeof(err)) == -1 ||
	    store_bind_key(c->st, kid, sizeof(kid), SORTTP_KEY_VERSION, err,
	    sizeof(err)) == -1)
		goto fail;
	rc = store_party_by_name(c->st, as, &c->party);
	if (rc != STORE_OK) {
		util_fmt(err, sizeof(err), "no active party named '%s'", as);
		goto fail;
	}
	if (c->party.role != want) {
		util_fmt(err, sizeof(err), "party '%s' has role %s; this "
		    "import needs role %s", as, store_role_name(c->party.role),
		    store_role_name(want));
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "sorttp import: %s\n", err);
	return -1;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct import_ctx c;
	const char	*dir = NULL, *config = NULL, *as = NULL, *kind;
	int		 opt, i, ret = 0;
	unsigned	 status;

	if (argc < 2)
		return cmd_usage_error(&import_help, "what to import?");
	kind = argv[1];
	if (strcmp(kind, "--help") == 0 || strcmp(kind, "-h") == 0)
		return cmd_help(&import_help);
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			as = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			return cmd_help(&import_help);
		default:
			return cmd_getopt_common(&import_help, opt, argv);
		}
	}
	if (strcmp(kind, "scores") != 0)
		return cmd_usage_error(&import_help, "unknown kind '%s'", kind);
	if (optind >= argc)
		return cmd_usage_error(&import_help, "no FILE given");
	if (dir == NULL || as == NULL)
		return cmd_usage_error(&import_help, "--as PARTY and --data "
		    "DIR are required");
	memset(&c, 0, sizeof(c));
	if (open_all(&c, dir, config, as, ROLE_AANBIEDER) == -1) {
		ret = 1;
		goto out;
	}
	for (i = optind; i < argc; i++) {
		status = import_scores_file(&c, argv[i]);
		if (status != 200 && status != 201)
			ret = 1;
	}
out:
	store_close(c.st);
	pseudo_free(c.pc);
	return ret;
}

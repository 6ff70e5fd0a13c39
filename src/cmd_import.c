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
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "errors.h"
#include "ingest.h"
#include "log.h"
#include "pseudonym.h"
#include "questionnaire.h"
#include "store.h"
#include "util.h"

#define IMPORT_CHUNK		(256 * 1024)
#define IMPORT_PROGRESS_NS	(1000ULL * 1000 * 1000)
#define IMPORT_BATCH		512	/* messages per batch; 2 in flight */
#define IMPORT_CODES_MAX	32
#define IMPORT_WALK_FDS		32

static const struct cmd_help import_help = { "import",
	"usage: sorttp import scores FILE... --as PARTY --data DIR "
	"[--config FILE]\n"
	"       sorttp import messages PATH... --as PARTY --data DIR "
	"[--config FILE]\n"
	"       sorttp import questionnaires FILE... --as PARTY --data DIR "
	"[--config FILE]\n"
	"\n"
	"Ingests files offline through the same code path as the HTTP API, "
	"as the\n"
	"party named PARTY (an aanbieder for scores, berichtenverkeer for "
	"messages,\n"
	"bergop or an aanbieder for questionnaires).\n"
	"scores, questionnaires (a file holds one response or one batch): "
	"one JSON\n"
	"answer per file on stdout, as the API would answer.\n"
	"messages: PATH is a file (one iJw message) or a folder, read "
	"recursively;\n"
	"each refused file is listed with its error, then a summary: "
	"accepted,\n"
	"duplicate, and refused per error code. A progress line goes to "
	"stderr.\n"
	"Exit 0 when every file was stored (or was a duplicate), 1 when any "
	"was\n"
	"refused.\n"
};

struct import_ctx {
	struct config		 cfg;
	struct cmd_data		 d;		/* key and store */
	struct party		 party;
};

static void
print_answer(const char *file, struct ingest_answer *a)
{
	char	*s;

	if (a->body == NULL)
		a->body = ingest_error_json(ERR_INTERNAL, "onvoldoende geheugen");
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

/*
 * Why a file could not be read, in Dutch as every answer (strerror's text
 * is English); never the path, which the answer names in "file".
 */
static const char *
read_error(int e)
{
	switch (e) {
	case ENOENT:
		return "Het bestand bestaat niet";
	case EACCES:
	case EPERM:
		return "Het bestand mag niet worden gelezen (geen leesrechten)";
	case EISDIR:
		return "Dit is een map, geen bestand";
	default:
		return "Het bestand kan niet worden gelezen";
	}
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
		a.body = ingest_error_json(ERR_UNREADABLE, read_error(errno));
		goto out;
	}
	/* The endpoint's body limit holds here too: one code path. */
	if (sb.st_size > config_limit(&c->cfg, LIMIT_BODY_SCORES)) {
		a.status = 413;
		a.body = ingest_error_json(ERR_BODY_TOO_LARGE, "Het bestand is "
		    "groter dan body_max_scores toestaat");
		goto out;
	}
	if ((buf = malloc(IMPORT_CHUNK)) == NULL ||
	    (ig = ingest_scores_new(&c->cfg, c->d.st, c->d.pc, &c->party)) ==
	    NULL) {
		a.status = 500;
		a.body = ingest_error_json(ERR_INTERNAL, "onvoldoende geheugen");
		goto out;
	}
	while (!stopped && (n = read(fd, buf, IMPORT_CHUNK)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			a.status = 400;
			a.body = ingest_error_json(ERR_UNREADABLE,
			    read_error(errno));
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

/*
 * Messages go through the batch path of a multipart POST /v1/messages:
 * files are added to a batch of IMPORT_BATCH as they are read, and two
 * batches are in flight, so the writer stores one while the next is
 * being parsed.
 */
struct msg_import {
	struct import_ctx	*c;
	struct store_msgw	*w;
	struct ingest_batch	*b[2];
	char			*paths[2][IMPORT_BATCH];
	size_t			 nb[2];
	int			 cur;
	char *const		*settling;	/* paths of the batch settling */
	long long		 files, accepted, duplicate, refused;
	struct {
		char		 code[40];
		long long	 n;
	}			 codes[IMPORT_CODES_MAX];
	size_t			 ncodes;
	uint64_t		 last;
	char			*buf;
};

static struct msg_import	*walk_ctx;	/* for the nftw callback */

/* Counts one answer of a settling batch; prints the refused ones. */
static void
tally(void *arg, size_t part, struct ingest_answer *a)
{
	struct msg_import	*mi = arg;
	const cJSON		*code;
	const char		*name = ERR_INTERNAL;
	size_t			 i;

	if (a->status == 201)
		mi->accepted++;
	else if (a->status == 200)
		mi->duplicate++;
	else {
		mi->refused++;
		code = cJSON_GetObjectItemCaseSensitive(a->body, "error");
		if (cJSON_IsString(code))
			name = code->valuestring;
		for (i = 0; i < mi->ncodes; i++)
			if (strcmp(mi->codes[i].code, name) == 0)
				break;
		if (i == mi->ncodes && mi->ncodes < IMPORT_CODES_MAX)
			util_fmt(mi->codes[mi->ncodes++].code,
			    sizeof(mi->codes[0].code), "%s", name);
		if (i < mi->ncodes)
			mi->codes[i].n++;
		print_answer(mi->settling[part - 1] != NULL ?
		    mi->settling[part - 1] : "?", a);
	}
}

/* Settles batch k (waits for its messages), counts it, and empties it. */
static int
settle(struct msg_import *mi, int k)
{
	size_t	i;

	if (mi->b[k] != NULL) {
		mi->settling = mi->paths[k];
		ingest_batch_settle(mi->b[k], tally, mi);
		ingest_batch_free(mi->b[k]);
		mi->b[k] = NULL;
	}
	for (i = 0; i < mi->nb[k]; i++) {
		free(mi->paths[k][i]);
		mi->paths[k][i] = NULL;
	}
	mi->nb[k] = 0;
	return 0;
}

/* The batch to add to: a new one when the current is full. */
static struct ingest_batch *
current_batch(struct msg_import *mi)
{
	if (mi->nb[mi->cur] == IMPORT_BATCH) {
		mi->cur ^= 1;
		settle(mi, mi->cur);
	}
	if (mi->b[mi->cur] == NULL)
		mi->b[mi->cur] = ingest_batch_new(&mi->c->cfg, mi->c->d.pc, mi->w,
		    &mi->c->party);
	return mi->b[mi->cur];
}

static void
import_message_file(struct msg_import *mi, const char *path)
{
	struct ingest_batch	*b;
	size_t			 len, max;
	uint64_t		 now;
	int			 fd, rc, err = 0;
	ssize_t			 n;

	if ((b = current_batch(mi)) == NULL) {
		fprintf(stderr, "sorttp import: out of memory\n");
		exit(1);
	}
	mi->files++;
	max = (size_t)config_limit(&mi->c->cfg, LIMIT_BODY_MESSAGES);
	len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err = errno;
	else {
		/* Read one byte past the limit, to know a file is too large. */
		while (len <= max && (n = read(fd, mi->buf + len,
		    max + 1 - len)) > 0)
			len += (size_t)n;
		close(fd);
	}
	if (err != 0)
		rc = ingest_batch_refuse(b, 400, ERR_UNREADABLE, read_error(err));
	else if (len > max)
		rc = ingest_batch_refuse(b, 413, ERR_BODY_TOO_LARGE, "Het "
		    "bestand is groter dan body_max_messages toestaat");
	else
		rc = ingest_batch_add(b, mi->buf, len);
	explicit_bzero(mi->buf, len);
	if (rc == -1 || (mi->paths[mi->cur][mi->nb[mi->cur]] = strdup(path)) ==
	    NULL) {
		fprintf(stderr, "sorttp import: out of memory\n");
		exit(1);
	}
	mi->nb[mi->cur]++;
	if ((now = util_now_ns()) - mi->last > IMPORT_PROGRESS_NS) {
		fprintf(stderr, "sorttp import: %lld files, %lld accepted, "
		    "%lld duplicate, %lld refused\n", mi->files, mi->accepted,
		    mi->duplicate, mi->refused);
		mi->last = now;
	}
}

static int
walk_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(sb->st_mode))
		import_message_file(walk_ctx, path);
	return 0;
}

static int
import_messages(struct import_ctx *c, char **paths, int npaths)
{
	struct msg_import	*mi;
	char			 err[256];
	size_t			 i;
	int			 k, ret;

	if ((mi = calloc(1, sizeof(*mi))) == NULL ||
	    (mi->buf = malloc((size_t)config_limit(&c->cfg,
	    LIMIT_BODY_MESSAGES) + 1)) == NULL ||
	    store_msgw_start(c->d.st, &mi->w, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp import: cannot start the message "
		    "writer\n");
		if (mi != NULL)
			free(mi->buf);
		free(mi);
		return 1;
	}
	mi->c = c;
	walk_ctx = mi;
	for (k = 0; k < npaths; k++)
		if (nftw(paths[k], walk_one, IMPORT_WALK_FDS, FTW_PHYS) == -1)
			fprintf(stderr, "sorttp import: %s: %s\n", paths[k],
			    strerror(errno));
	settle(mi, mi->cur ^ 1);	/* the older batch first */
	settle(mi, mi->cur);
	store_msgw_stop(mi->w);
	printf("{\"files\":%lld,\"accepted\":%lld,\"duplicate\":%lld,"
	    "\"refused\":%lld,\"refused_per_code\":{", mi->files,
	    mi->accepted, mi->duplicate, mi->refused);
	for (i = 0; i < mi->ncodes; i++)
		printf("%s\"%s\":%lld", i ? "," : "", mi->codes[i].code,
		    mi->codes[i].n);
	printf("}}\n");
	ret = mi->refused > 0 || mi->files == 0 ? 1 : 0;
	free(mi->buf);
	free(mi);
	return ret;
}

/* One file holds one batch of responses, read whole (body limit). */
static unsigned
import_questionnaire_file(struct import_ctx *c, const struct quest_set *qs,
    const char *file)
{
	struct ingest_answer	 a = { 0, NULL };
	char			*data = NULL;
	size_t			 len;

	if (util_read_file(file, (size_t)config_limit(&c->cfg,
	    LIMIT_BODY_QUESTIONNAIRES), &data, &len) == -1) {
		a.status = errno == EFBIG ? 413 : 400;
		a.body = ingest_error_json(errno == EFBIG ? ERR_BODY_TOO_LARGE :
		    ERR_UNREADABLE, errno == EFBIG ? "Het bestand is groter dan "
		    "body_max_questionnaires toestaat" : read_error(errno));
	} else
		ingest_questionnaires(&c->cfg, qs, c->d.st, c->d.pc, &c->party,
		    data, len, &a);
	if (data != NULL) {
		explicit_bzero(data, len);
		free(data);
	}
	print_answer(file, &a);
	return a.status;
}

static int
open_all(struct import_ctx *c, const char *dir, const char *config,
    const char *as, unsigned want)
{
	char			 err[512];
	enum store_result	 rc;

	if (cmd_open(&c->d, dir, config, &c->cfg, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			return -1;	/* printed */
		goto fail;
	}
	rc = store_party_by_name(c->d.st, as, &c->party);
	if (rc != STORE_OK) {
		util_fmt(err, sizeof(err), "no active party named '%s'", as);
		goto fail;
	}
	if ((ROLE_BIT(c->party.role) & want) == 0) {
		util_fmt(err, sizeof(err), "party '%s' has role %s, which may "
		    "not send this kind of data", as,
		    store_role_name(c->party.role));
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
	struct quest_set *qs = NULL;
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
		default:
			return cmd_getopt_common(&import_help, opt, argv);
		}
	}
	if (strcmp(kind, "scores") != 0 && strcmp(kind, "messages") != 0 &&
	    strcmp(kind, "questionnaires") != 0)
		return cmd_usage_error(&import_help, "unknown kind '%s'", kind);
	if (optind >= argc)
		return cmd_usage_error(&import_help, "no FILE given");
	if (dir == NULL || as == NULL)
		return cmd_usage_error(&import_help, "--as PARTY and --data "
		    "DIR are required");
	memset(&c, 0, sizeof(c));
	if (open_all(&c, dir, config, as, kind[0] == 's' ?
	    ROLE_BIT(ROLE_AANBIEDER) : kind[0] == 'm' ?
	    ROLE_BIT(ROLE_BERICHTENVERKEER) : ROLE_BIT(ROLE_AANBIEDER) |
	    ROLE_BIT(ROLE_BERGOP)) == -1) {
		ret = 1;
		goto out;
	}
	if (kind[0] == 'm') {
		ret = import_messages(&c, argv + optind, argc - optind);
		goto out;
	}
	if (kind[0] == 'q') {
		char	err[512];

		if ((qs = calloc(1, sizeof(*qs))) == NULL ||
		    quest_load_config(&c.cfg, qs, err, sizeof(err)) == -1) {
			fprintf(stderr, "sorttp import: questionnaire "
			    "definitions: %s\n", qs ? err : "out of memory");
			ret = 1;
			goto out;
		}
		for (i = optind; i < argc; i++) {
			status = import_questionnaire_file(&c, qs, argv[i]);
			if (status != 200 && status != 201)
				ret = 1;
		}
		goto out;
	}
	for (i = optind; i < argc; i++) {
		status = import_scores_file(&c, argv[i]);
		if (status != 200 && status != 201)
			ret = 1;
	}
out:
	free(qs);
	cmd_close(&c.d);
	return ret;
}

/*
 * sorttp demo --data DIR [--clients N] [--seed S] [--config FILE]
 *
 * Fills a fresh data folder with synthetic data for the whole region, so
 * a newcomer sees real indicators, and the benchmarks have realistic
 * sizes. Nothing is inserted directly: the generated iJw messages, scores
 * CSV files and questionnaire batches go through the very ingest functions
 * the endpoints and `sorttp import` use, as demo parties of the right
 * roles. Any answer other than 200/201 is a bug in the generator, and the
 * command stops there.
 *
 * A store that holds uploads already is refused: demo data must never be
 * mixed into real data. Generated BSNs pass the elfproef and are never
 * printed; the ingest path pseudonymises them like any other.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "cmd.h"
#include "dates.h"
#include "demo.h"
#include "ingest.h"
#include "pseudonym.h"
#include "questionnaire.h"
#include "store.h"
#include "util.h"

#define DEMO_WINDOW		512	/* messages in flight (group commit) */
#define DEMO_CHUNK		(256 * 1024)	/* scores fed as if streamed */
#define DEMO_BATCH_MAX		20000	/* responses in one batch */
#define DEMO_PROGRESS_NS	(1000ULL * 1000 * 1000)

static const struct cmd_help demo_help = { "demo",
	"usage: sorttp demo --data DIR [--clients N] [--seed S] "
	"[--config FILE]\n"
	"\n"
	"Fills an initialised, still empty data folder with synthetic data "
	"for the\n"
	"13 gemeenten: 40 aanbieders (fictional AGB codes), trajectories "
	"from 2022\n"
	"to today as iJw JW301/JW305/JW307 messages, GAS scores as CSV "
	"uploads and\n"
	"CEM+ questionnaire responses, all through the same ingest code "
	"as the API,\n"
	"as parties demo-aanbieder-AGB, demo-bergop and demo-backoffice "
	"(no tokens\n"
	"are printed: add parties with 'sorttp party add').\n"
	"\n"
	"When the reference data (--config) holds other gemeenten than "
	"those 13, the\n"
	"clients are spread over its gemeenten and clusters instead, with "
	"about 40\n"
	"aanbieders per 13 gemeenten (a national shape; see "
	"docs/operations.md).\n"
	"\n"
	"  --clients N   clients to generate, 1.." "5000000 (default "
	"5000); per\n"
	"                client about " DEMO_TRAJ_PER_CLIENT " trajectories, "
	DEMO_SCORES_PER_CLIENT " score rows and " DEMO_RESP_PER_CLIENT
	" questionnaire\n"
	"                responses, so 250000 gives about 1,000,000 / "
	"1,000,000 / 500,000\n"
	"  --seed S      the same seed gives the same data (on the same day); "
	"default 2022\n"
	"\n"
	"Refuses a data folder that holds uploads already (exit 1). A "
	"progress line\n"
	"goes to stderr, a summary to stdout.\n"
};

struct demo_ctx {
	struct config		 cfg;
	struct cmd_data		 d;		/* key and store */
	struct quest_set	*qs;
	const struct quest_def	*def;
	struct demo		*gen;
	struct party		*aanbieder;	/* demo_naanbieders */
	int			 region;	/* config's gemeenten */
	struct party		 bergop, backoffice;
	uint64_t		 t0, last;
	long long		 uploads_scores, uploads_quest, uploads_msgs;
	long long		 rows_scores, rows_quest;
};

/* Messages in flight through the store's writer, oldest first. */
struct inflight {
	struct msg_job	*job;
	enum demo_msg	 kind;
	char		 sha[65];
};

struct msg_run {
	struct demo_ctx		*c;
	struct store_msgw	*w;
	struct inflight		 win[DEMO_WINDOW];
	size_t			 head, n;
	int			 failed;
};

static const char *const msg_names[DEMO__NMSG] = { "JW301", "JW305",
	"JW307" };

/*
 * Says what the ingest answered, from its JSON: the error code and, for
 * a refused file, where the first error was. Answers never hold values
 * from the input, so this prints no identifier.
 */
static void
report(const char *what, const struct ingest_answer *a)
{
	const cJSON	*code, *field, *errs, *e, *x;
	char		 where[160] = "";

	code = cJSON_GetObjectItemCaseSensitive(a->body, "error");
	field = cJSON_GetObjectItemCaseSensitive(a->body, "field");
	errs = cJSON_GetObjectItemCaseSensitive(a->body, "errors");
	if (cJSON_IsString(field))
		util_fmt(where, sizeof(where), ", field %s",
		    field->valuestring);
	else if (cJSON_IsArray(errs) && (e = cJSON_GetArrayItem(errs, 0)) !=
	    NULL) {
		x = cJSON_GetObjectItemCaseSensitive(e, "code");
		util_fmt(where, sizeof(where), ", first error %s",
		    cJSON_IsString(x) ? x->valuestring : "?");
		if (cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(e,
		    "line")))
			util_fmt(where + strlen(where), sizeof(where) -
			    strlen(where), " at line %d", x->valueint);
		if (cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(e,
		    "field")))
			util_fmt(where + strlen(where), sizeof(where) -
			    strlen(where), " at %s", x->valuestring);
	}
	fprintf(stderr, "sorttp demo: generator bug: %s was answered %u "
	    "(%s%s); stopped\n", what, a->status,
	    cJSON_IsString(code) ? code->valuestring : "no error code", where);
}

/* 1 when the answer is a receipt; its "rows" added to *rows. */
static int
accepted(const char *what, struct ingest_answer *a, long long *rows)
{
	const cJSON	*n;
	int		 ok = a->status == 200 || a->status == 201;

	if (!ok)
		report(what, a);
	else if (rows != NULL && cJSON_IsNumber(n =
	    cJSON_GetObjectItemCaseSensitive(a->body, "rows")))
		*rows += (long long)n->valuedouble;
	cJSON_Delete(a->body);
	a->body = NULL;
	return ok;
}

static void
progress(struct demo_ctx *c, int force, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
progress(struct demo_ctx *c, int force, const char *fmt, ...)
{
	uint64_t	now = util_now_ns();
	va_list		ap;

	if (!force && now - c->last < DEMO_PROGRESS_NS)
		return;
	c->last = now;
	fprintf(stderr, "sorttp demo: %5.1f s: ", (double)(now - c->t0) /
	    1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
retire_oldest(struct msg_run *mr)
{
	struct inflight		*f = &mr->win[mr->head];
	struct ingest_answer	 a;
	char			 what[32];

	ingest_message_answer(mr->w, f->job, f->sha, &a);
	util_fmt(what, sizeof(what), "a %s message", msg_names[f->kind]);
	if (mr->failed)
		cJSON_Delete(a.body);
	else if (!accepted(what, &a, NULL))
		mr->failed = 1;
	else
		mr->c->uploads_msgs++;
	ingest_job_free(f->job);
	f->job = NULL;
	mr->head = (mr->head + 1) % DEMO_WINDOW;
	mr->n--;
}

/* The generator's callback: one message into the ingest path. */
static int
one_message(void *arg, enum demo_msg kind, const char *xml, size_t len)
{
	struct msg_run		*mr = arg;
	struct ingest_answer	 a = { 0, NULL };
	struct inflight		*f;
	struct msg_job		*j;
	char			 sha[65], what[32];

	if (mr->failed)
		return -1;
	j = ingest_message_prepare(&mr->c->cfg, mr->c->d.pc,
	    &mr->c->backoffice, xml, len, sha, &a);
	if (j == NULL) {
		util_fmt(what, sizeof(what), "a %s message", msg_names[kind]);
		(void)accepted(what, &a, NULL);
		mr->failed = 1;
		return -1;
	}
	if (mr->n == DEMO_WINDOW)
		retire_oldest(mr);
	f = &mr->win[(mr->head + mr->n) % DEMO_WINDOW];
	f->job = j;
	f->kind = kind;
	memcpy(f->sha, sha, sizeof(sha));
	mr->n++;
	store_msgw_submit(mr->w, j);
	return mr->failed ? -1 : 0;
}

static int
run_messages(struct demo_ctx *c, long clients)
{
	struct msg_run		*mr;
	struct demo_stats	 s;
	char			 err[256];
	int			 rc = 1;

	if ((mr = calloc(1, sizeof(*mr))) == NULL ||
	    store_msgw_start(c->d.st, &mr->w, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp demo: cannot start the message "
		    "writer\n");
		free(mr);
		return -1;
	}
	mr->c = c;
	while (rc == 1) {
		rc = demo_next_client(c->gen, one_message, mr);
		demo_stats(c->gen, &s);
		progress(c, 0, "%lld/%ld clients, %lld messages", s.clients,
		    clients, s.msgs[DEMO_JW301] + s.msgs[DEMO_JW305] +
		    s.msgs[DEMO_JW307]);
	}
	while (mr->n > 0)
		retire_oldest(mr);
	store_msgw_stop(mr->w);
	if (rc == -1 && !mr->failed)
		fprintf(stderr, "sorttp demo: out of memory\n");
	rc = rc == -1 || mr->failed ? -1 : 0;
	free(mr);
	return rc;
}

/* One scores CSV through the streaming ingest, in chunks. */
static int
upload_scores(struct demo_ctx *c, size_t i, int year, struct buf *b)
{
	struct ingest_scores	*ig;
	struct ingest_answer	 a = { 0, NULL };
	size_t			 off, n;
	char			 what[64];

	if ((ig = ingest_scores_new(&c->cfg, c->d.st, c->d.pc,
	    &c->aanbieder[i])) == NULL) {
		fprintf(stderr, "sorttp demo: out of memory\n");
		return -1;
	}
	for (off = 0; off < b->len; off += n) {
		n = b->len - off < DEMO_CHUNK ? b->len - off : DEMO_CHUNK;
		if (ingest_scores_feed(ig, b->p + off, n) == -1)
			break;
	}
	ingest_scores_finish(ig, &a);
	ingest_scores_free(ig);
	util_fmt(what, sizeof(what), "the scores of AGB %s for %d",
	    demo_agb(c->gen, i), year);
	if (!accepted(what, &a, &c->rows_scores))
		return -1;
	c->uploads_scores++;
	return 0;
}

static int
run_scores(struct demo_ctx *c, int today)
{
	struct buf	b;
	size_t		i;
	long		rows;
	int		year, rc = 0;

	/* One aanbieder's year is one upload: the scores body limit holds. */
	buf_init(&b, (size_t)config_limit(&c->cfg, LIMIT_BODY_SCORES),
	    BUF_WIPE);

	for (i = 0; i < demo_naanbieders(c->gen) && rc == 0; i++) {
		for (year = DEMO_FIRST_DAY / 10000; year <= today / 10000 &&
		    rc == 0; year++) {
			if ((rows = demo_scores_csv(c->gen, i, year, &b)) ==
			    -1) {
				fprintf(stderr, "sorttp demo: out of memory, or"
				    " a CSV over body_max_scores\n");
				rc = -1;
			} else if (rows > 0)
				rc = upload_scores(c, i, year, &b);
			if (b.p != NULL)
				explicit_bzero(b.p, b.len);
			progress(c, 0, "scores: %lld uploads, %lld rows",
			    c->uploads_scores, c->rows_scores);
		}
	}
	buf_free(&b);
	return rc;
}

static int
run_questionnaires(struct demo_ctx *c)
{
	struct buf		b;
	struct ingest_answer	a;
	size_t			k, max;
	long			n;
	int			rc = 0;

	/* Batches stay well inside the body limit (a response < 1 KiB). */
	max = (size_t)(config_limit(&c->cfg, LIMIT_BODY_QUESTIONNAIRES) /
	    2048);
	if (max > DEMO_BATCH_MAX)
		max = DEMO_BATCH_MAX;
	if (max == 0)
		max = 1;
	buf_init(&b, (size_t)config_limit(&c->cfg, LIMIT_BODY_QUESTIONNAIRES),
	    BUF_WIPE);
	for (k = 0; rc == 0; k++) {
		if ((n = demo_responses_json(c->gen, c->def, k, max, &b)) ==
		    -1) {
			fprintf(stderr, "sorttp demo: out of memory\n");
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		ingest_questionnaires(&c->cfg, c->qs, c->d.st, c->d.pc,
		    &c->bergop, b.p, b.len, &a);
		explicit_bzero(b.p, b.len);
		if (!accepted("a questionnaire batch", &a, &c->rows_quest))
			rc = -1;
		else
			c->uploads_quest++;
		progress(c, 0, "questionnaires: %lld uploads, %lld responses",
		    c->uploads_quest, c->rows_quest);
	}
	buf_free(&b);
	return rc;
}

/* Audit detail {"name": ..., "role": ...}, as `party add` writes it. */
static void
audit_party(struct store *st, const char *name, const char *role)
{
	cJSON	*j = cJSON_CreateObject();
	char	*s = NULL;

	if (j != NULL && cJSON_AddStringToObject(j, "name", name) != NULL &&
	    cJSON_AddStringToObject(j, "role", role) != NULL &&
	    cJSON_AddStringToObject(j, "by", "demo") != NULL)
		s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	store_audit(st, 0, "party_add", s);
	cJSON_free(s);
}

/*
 * A demo party: reused when an earlier, interrupted demo run made it,
 * else added with a token that is thrown away at once (nobody sends with
 * it; `sorttp party add` makes parties for real callers).
 */
static int
demo_party(struct store *st, const char *name, enum role role,
    const char *agb, struct party *out)
{
	struct party		 p;
	char			 token[AUTH_TOKEN_LEN + 1];
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	int64_t			 id;
	enum store_result	 rc;

	if (store_party_by_name(st, name, out) == STORE_OK) {
		if (out->role == role && strcmp(out->agb, agb) == 0)
			return 0;
		fprintf(stderr, "sorttp demo: party '%s' exists with another "
		    "role\n", name);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	util_fmt(p.name, sizeof(p.name), "%s", name);
	util_fmt(p.agb, sizeof(p.agb), "%s", agb);
	p.role = role;
	if (auth_token_new(token, hash) == -1) {
		fprintf(stderr, "sorttp demo: no randomness for a token\n");
		return -1;
	}
	OPENSSL_cleanse(token, sizeof(token));
	rc = store_party_add(st, &p, hash, &id);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != STORE_OK) {
		fprintf(stderr, "sorttp demo: cannot add party '%s'%s\n", name,
		    rc == STORE_EXISTS ? " (a revoked party has that name)" :
		    "");
		return -1;
	}
	audit_party(st, name, store_role_name(role));
	return store_party_by_name(st, name, out) == STORE_OK ? 0 : -1;
}

static int
make_parties(struct demo_ctx *c)
{
	char	name[PARTY_NAME_MAX + 1];
	size_t	i, n = demo_naanbieders(c->gen);

	if ((c->aanbieder = calloc(n, sizeof(*c->aanbieder))) == NULL) {
		fprintf(stderr, "sorttp demo: out of memory\n");
		return -1;
	}
	for (i = 0; i < n; i++) {
		util_fmt(name, sizeof(name), "demo-aanbieder-%s",
		    demo_agb(c->gen, i));
		if (demo_party(c->d.st, name, ROLE_AANBIEDER,
		    demo_agb(c->gen, i), &c->aanbieder[i]) == -1)
			return -1;
	}
	if (demo_party(c->d.st, "demo-bergop", ROLE_BERGOP, "", &c->bergop) ==
	    -1 || demo_party(c->d.st, "demo-backoffice", ROLE_BERICHTENVERKEER,
	    "", &c->backoffice) == -1)
		return -1;
	return 0;
}

/* Key, store and reference data; refuses a folder that is not empty. */
static int
open_all(struct demo_ctx *c, const char *dir, const char *config)
{
	char		 keyp[CFG_PATH_MAX], dbp[CFG_PATH_MAX], err[512];
	struct stat	 sb;
	int64_t		 n;
	size_t		 i, k;

	if (cmd_load_config(config, &c->cfg) == -1)
		return -1;
	if (cmd_key_path(&c->cfg, dir, NULL, 1, keyp, sizeof(keyp)) == -1 ||
	    cmd_data_path(dbp, sizeof(dbp), dir, DATA_DB_FILE) == -1)
		return -1;
	if (stat(keyp, &sb) == -1 || stat(dbp, &sb) == -1) {
		fprintf(stderr, "sorttp demo: %s is not an initialised data "
		    "folder (no key %s or %s); run 'sorttp init --data %s' "
		    "first\n", dir, keyp, DATA_DB_FILE, dir);
		return -1;
	}
	if (cmd_open(&c->d, dir, config, &c->cfg, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			return -1;	/* printed */
		goto fail;
	}
	if ((n = store_upload_count(c->d.st)) != 0) {
		util_fmt(err, sizeof(err), n < 0 ? "cannot read the uploads" :
		    "the data folder holds uploads already; demo data is only "
		    "made in a fresh folder (sorttp init), never mixed with "
		    "other data");
		goto fail;
	}
	/*
	 * Reference data with gemeenten beyond the built-in region: the
	 * demo spreads over those (a national shape, docs/operations.md).
	 */
	for (i = 0; i < c->cfg.ref.ngemeenten && !c->region; i++) {
		for (k = 0; k < DEMO_GEMEENTEN; k++)
			if (strcmp(c->cfg.ref.gemeenten[i].code,
			    demo_gemeente(k)) == 0)
				break;
		c->region = k == DEMO_GEMEENTEN;
	}
	for (i = 0; i < DEMO_GEMEENTEN && !c->region; i++) {
		if (config_gemeente(&c->cfg, demo_gemeente(i), NULL) == NULL) {
			util_fmt(err, sizeof(err), "gemeente %s is not in the "
			    "reference data; the demo models the 13 "
			    "gemeenten of Sturen op Resultaat",
			    demo_gemeente(i));
			goto fail;
		}
	}
	if ((c->qs = calloc(1, sizeof(*c->qs))) == NULL ||
	    quest_load_config(&c->cfg, c->qs, err, sizeof(err)) == -1) {
		if (c->qs == NULL)
			util_fmt(err, sizeof(err), "out of memory");
		goto fail;
	}
	/* The default definition when present, else the first one. */
	if ((c->def = quest_find(c->qs, "cem-plus-2026", NULL)) == NULL)
		c->def = &c->qs->defs[0];
	return 0;
fail:
	fprintf(stderr, "sorttp demo: %s\n", err);
	return -1;
}

/* The generator: the built-in region, or the config's gemeenten. */
static struct demo *
make_gen(struct demo_ctx *c, uint64_t seed, long clients, int today)
{
	const struct cfg_refdata	*ref = &c->cfg.ref;
	struct demo_place		*pl;
	struct demo			*d;
	size_t				 i;

	if (!c->region)
		return demo_new(seed, clients, today);
	if ((pl = calloc(ref->ngemeenten, sizeof(*pl))) == NULL)
		return NULL;
	for (i = 0; i < ref->ngemeenten; i++) {
		memcpy(pl[i].code, ref->gemeenten[i].code, sizeof(pl[i].code));
		pl[i].cluster = ref->gemeenten[i].cluster;
	}
	d = demo_new_region(seed, clients, today, pl, ref->ngemeenten,
	    ref->nclusters);
	free(pl);
	return d;
}

static void
summary(struct demo_ctx *c, long long seed)
{
	struct demo_stats	s;

	demo_stats(c->gen, &s);
	printf("sorttp demo: done in %.1f s (seed %lld)\n"
	    "  clients          %lld\n"
	    "  aanbieders       %d, gemeenten %d\n"
	    "  uploads          scores %lld, questionnaires %lld, "
	    "messages %lld\n"
	    "  score rows       %lld\n"
	    "  responses        %lld\n"
	    "  messages         JW301 %lld, JW305 %lld, JW307 %lld\n"
	    "  trajectories     %lld starts\n",
	    (double)(util_now_ns() - c->t0) / 1e9, seed, s.clients,
	    (int)demo_naanbieders(c->gen), (int)demo_ngemeenten(c->gen),
	    c->uploads_scores,
	    c->uploads_quest, c->uploads_msgs, c->rows_scores, c->rows_quest,
	    s.msgs[DEMO_JW301], s.msgs[DEMO_JW305], s.msgs[DEMO_JW307],
	    s.trajecten);
	fflush(stdout);
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "clients", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct demo_ctx c;
	const char	*dir = NULL, *config = NULL, *errstr;
	char		 err[512];
	long long	 clients = DEMO_CLIENTS_DEFAULT, seed = DEMO_SEED_DEFAULT;
	int		 opt, rc, today, ret = 1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			if (util_strtonum(optarg, 1, DEMO_CLIENTS_MAX, &clients,
			    &errstr) == -1)
				return cmd_usage_error(&demo_help, "--clients "
				    "is %s (1..%d)", errstr, DEMO_CLIENTS_MAX);
			break;
		case 's':
			if (util_strtonum(optarg, 0, INT64_MAX, &seed,
			    &errstr) == -1)
				return cmd_usage_error(&demo_help, "--seed is "
				    "%s", errstr);
			break;
		case 'c':
			config = optarg;
			break;
		default:
			return cmd_getopt_common(&demo_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&demo_help, argc, argv, dir, 1)) != 0)
		return rc;
	memset(&c, 0, sizeof(c));
	c.t0 = c.last = util_now_ns();
	today = date_today(time(NULL));
	/* A fresh folder: no fsync per commit, one sync at the end. */
	store_bulk_load();
	if (open_all(&c, dir, config) == -1)
		goto out;
	if ((c.gen = make_gen(&c, (uint64_t)seed, (long)clients, today)) ==
	    NULL) {
		fprintf(stderr, "sorttp demo: out of memory\n");
		goto out;
	}
	if (make_parties(&c) == -1)
		goto out;
	progress(&c, 1, "%lld clients, seed %lld, up to %d-%02d", clients,
	    seed, today / 10000, today / 100 % 100);
	if (run_messages(&c, (long)clients) == -1 ||
	    run_scores(&c, today) == -1 || run_questionnaires(&c) == -1)
		goto out;
	if (store_bulk_load_end(c.d.st, err, sizeof(err)) == -1) {
		fprintf(stderr, "sorttp demo: %s\n", err);
		goto out;
	}
	summary(&c, seed);
	ret = 0;
out:
	demo_free(c.gen);
	free(c.aanbieder);
	free(c.qs);
	cmd_close(&c.d);
	return ret;
}

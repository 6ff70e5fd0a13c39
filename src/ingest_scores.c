/*
 * Scores ingest: CSV bytes → parse_scores → pseudonyms → store_upload.
 *
 * The BSN and ToewijzingNummer of a row exist in clear only inside the
 * parser's row and this file's callback; they are turned into pseudonyms
 * and wiped before the row goes to the store. The SHA-256 of the body is
 * computed as it streams; the store keeps only a keyed MAC of it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "dates.h"
#include "errors.h"
#include "gas.h"
#include "ingest.h"
#include "log.h"
#include "parse_scores.h"
#include "pseudonym.h"
#include "util.h"

/*
 * Rows are written in batches sorted by the unique key: in random order
 * every row lands on another page of the key, in key order the writes of a
 * batch share pages. Measured here: about 260k rows/s for the store alone
 * in random order, about 400k rows/s with batches of 16k.
 *
 * A large upload also overlaps parsing with writing: the request's thread
 * parses and pseudonymises into one batch while a writer thread stores the
 * previous one (two cores: the parse path is about a third of the work).
 * The writer starts at the first full batch, so a small upload never
 * creates a thread; the SQLite connection is used by one thread at a time,
 * handed over under the mutex.
 */
#define INGEST_BATCH	16384

struct pending {
	struct score_rec	rec;
	long			line;
};

struct batch {
	struct pending		*rows;
	size_t			 n;
	long			*dups;	/* lines of repeated rows */
	size_t			 ndups;
};

struct ingest_scores {
	const struct config	*cfg;
	struct store		*store;
	struct pseudo_ctx	*pseudo;
	int64_t			 party_id;
	struct scores_parser	*parser;
	struct store_upload	*up;
	EVP_MD_CTX		*sha;
	atomic_int		 db_failed;
	atomic_llong		 stored;
	struct batch		 b[2];
	int			 fill;		/* the batch being filled */
	pthread_t		 writer;
	int			 writer_started;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 handed;	/* batch at the writer, or -1 */
	int			 quit;
};

static int
to_int(const char *s, size_t len)
{
	long long	v = 0;

	util_memtonum(s, len, 0, 99999999, &v);
	return (int)v;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct score_rec	*x = &((const struct pending *)a)->rec;
	const struct score_rec	*y = &((const struct pending *)b)->rec;

	if (x->traj != y->traj)
		return x->traj < y->traj ? -1 : 1;
	if (x->agb != y->agb)
		return x->agb < y->agb ? -1 : 1;
	if (x->meetdatum != y->meetdatum)
		return x->meetdatum < y->meetdatum ? -1 : 1;
	if (x->meetmoment != y->meetmoment)
		return x->meetmoment < y->meetmoment ? -1 : 1;
	/* Equal keys keep file order, so the later row is the repeat. */
	return (((const struct pending *)a)->line >
	    ((const struct pending *)b)->line) -
	    (((const struct pending *)a)->line <
	    ((const struct pending *)b)->line);
}

/*
 * Writes a batch in key order; the lines of repeated rows are kept in the
 * batch, because only the request's thread may touch the parser.
 */
static void
write_batch(struct ingest_scores *ig, struct batch *b)
{
	size_t	i;
	int	rc;

	qsort(b->rows, b->n, sizeof(*b->rows), key_cmp);
	for (i = 0; i < b->n && !atomic_load(&ig->db_failed); i++) {
		rc = store_upload_score(ig->up, &b->rows[i].rec);
		if (rc == -1)
			atomic_store(&ig->db_failed, 1);
		else if (rc == 1)
			b->dups[b->ndups++] = b->rows[i].line;
		else
			atomic_fetch_add(&ig->stored, 1);
	}
	explicit_bzero(b->rows, b->n * sizeof(*b->rows));
	b->n = 0;
}

/* Reports the repeated rows a written batch found, on the parser's thread. */
static void
report_dups(struct ingest_scores *ig, struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->ndups; i++)
		scores_add_error(ig->parser, b->dups[i], 0, ERR_RIJ_DUBBEL,
		    "Deze rij staat al eerder in het bestand (zelfde "
		    "toewijzing, meetdatum en meetmoment)");
	b->ndups = 0;
}

static void *
writer_main(void *arg)
{
	struct ingest_scores	*ig = arg;
	int			 idx;

	pthread_mutex_lock(&ig->mu);
	for (;;) {
		while (ig->handed == -1 && !ig->quit)
			pthread_cond_wait(&ig->cv, &ig->mu);
		if (ig->handed == -1)
			break;
		idx = ig->handed;
		pthread_mutex_unlock(&ig->mu);
		write_batch(ig, &ig->b[idx]);
		pthread_mutex_lock(&ig->mu);
		ig->handed = -1;
		pthread_cond_broadcast(&ig->cv);
	}
	pthread_mutex_unlock(&ig->mu);
	return NULL;
}

/* Waits until the writer holds no batch; the caller holds the mutex. */
static void
wait_writer(struct ingest_scores *ig)
{
	while (ig->handed != -1)
		pthread_cond_wait(&ig->cv, &ig->mu);
}

/* The filling batch is full: hand it to the writer and fill the other. */
static int
hand_over(struct ingest_scores *ig)
{
	if (!ig->writer_started) {
		if (pthread_create(&ig->writer, NULL, writer_main, ig) != 0) {
			/* No thread: write here, as a small upload does. */
			write_batch(ig, &ig->b[ig->fill]);
			report_dups(ig, &ig->b[ig->fill]);
			return atomic_load(&ig->db_failed) ? -1 : 0;
		}
		ig->writer_started = 1;
	}
	pthread_mutex_lock(&ig->mu);
	wait_writer(ig);
	ig->handed = ig->fill;
	pthread_cond_broadcast(&ig->cv);
	pthread_mutex_unlock(&ig->mu);
	ig->fill = 1 - ig->fill;
	/* The writer is done with this one: its repeats can be reported. */
	report_dups(ig, &ig->b[ig->fill]);
	return atomic_load(&ig->db_failed) ? -1 : 0;
}

/* Stops the writer after its last batch. */
static void
stop_writer(struct ingest_scores *ig)
{
	if (!ig->writer_started)
		return;
	pthread_mutex_lock(&ig->mu);
	wait_writer(ig);
	ig->quit = 1;
	pthread_cond_broadcast(&ig->cv);
	pthread_mutex_unlock(&ig->mu);
	pthread_join(ig->writer, NULL);
	ig->writer_started = 0;
}

/* Everything buffered is written (on this thread) and reported. */
static int
flush_all(struct ingest_scores *ig)
{
	stop_writer(ig);
	report_dups(ig, &ig->b[1 - ig->fill]);
	if (ig->b[ig->fill].n > 0 && ig->up != NULL)
		write_batch(ig, &ig->b[ig->fill]);
	report_dups(ig, &ig->b[ig->fill]);
	return atomic_load(&ig->db_failed) ? -1 : 0;
}

/* The parser's callback: pseudonymise, minimise, buffer. */
static int
on_row(void *arg, struct scores_row *row)
{
	struct ingest_scores	*ig = arg;
	struct score_rec	 rec;
	struct batch		*b;
	unsigned char		 ps[PSEUDO_LEN];
	int			 i;

	memset(&rec, 0, sizeof(rec));
	if (ig->up == NULL) {
		char err[256];

		if (store_upload_new(ig->store, ig->party_id, "scores",
		    &ig->up, err, sizeof(err)) == -1) {
			log_error("scores upload: %s", err);
			atomic_store(&ig->db_failed, 1);
			return -1;
		}
	}
	pseudo_bsn(ig->pseudo, row->bsn, ps);
	rec.client = store_ps64(ps, 0);
	/*
	 * A ToewijzingNummer is unique within the gemeente that issued it,
	 * which is the code as sent (a retired code stays the issuer).
	 */
	if (pseudo_toewijzing(ig->pseudo, row->gemeente_issuer,
	    row->toewijzing, row->toewijzing_len, ps) == -1) {
		explicit_bzero(ps, sizeof(ps));
		return -1;
	}
	rec.traj = store_ps64(ps, 0);
	rec.traj_chk = store_ps64(ps, 1);
	explicit_bzero(ps, sizeof(ps));
	rec.key_version = pseudo_key_version(ig->pseudo);
	rec.agb = to_int(row->agb, 8);
	rec.gemeente = to_int(row->gemeente, 4);
	rec.meetdatum = row->meetdatum;
	rec.meetmoment = row->meetmoment;
	if (row->ngoals > 0) {
		rec.has_gas = 1;
		rec.gas_t = gas_tscore(row->gas, row->gewicht,
		    (size_t)row->ngoals);
		rec.doelen = row->ngoals;
		for (i = 0; i < row->ngoals; i++)
			rec.doelen_behaald += row->gas[i] >= 0;
	}
	rec.probleemafname = row->probleemafname;
	rec.zonder_hulp = row->zonder_hulp;
	rec.productcategorie = row->productcategorie;
	rec.leeftijd = row->leeftijd;
	rec.geslacht = row->geslacht;
	b = &ig->b[ig->fill];
	b->rows[b->n].rec = rec;
	b->rows[b->n].line = row->line;
	if (++b->n == INGEST_BATCH)
		return hand_over(ig);
	return 0;
}

struct ingest_scores *
ingest_scores_new(const struct config *cfg, struct store *st,
    struct pseudo_ctx *pc, const struct party *p)
{
	struct ingest_scores	*ig;
	struct scores_params	 sp;
	int			 i;

	if ((ig = calloc(1, sizeof(*ig))) == NULL)
		return NULL;
	ig->cfg = cfg;
	ig->store = st;
	ig->pseudo = pc;
	ig->party_id = p->id;
	memset(&sp, 0, sizeof(sp));
	sp.cfg = cfg;
	sp.agb = p->agb;
	sp.today = date_today(time(NULL));
	sp.rows_max = config_limit(cfg, LIMIT_ROWS_SCORES);
	sp.errors_max = (size_t)config_limit(cfg, LIMIT_ERRORS_MAX);
	sp.row = on_row;
	sp.arg = ig;
	ig->handed = -1;
	pthread_mutex_init(&ig->mu, NULL);
	pthread_cond_init(&ig->cv, NULL);
	for (i = 0; i < 2; i++) {
		ig->b[i].rows = calloc(INGEST_BATCH, sizeof(*ig->b[i].rows));
		ig->b[i].dups = calloc(INGEST_BATCH, sizeof(*ig->b[i].dups));
		if (ig->b[i].rows == NULL || ig->b[i].dups == NULL) {
			ingest_scores_free(ig);
			return NULL;
		}
	}
	if ((ig->parser = scores_new(&sp)) == NULL ||
	    (ig->sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ig->sha, EVP_sha256(), NULL) != 1) {
		ingest_scores_free(ig);
		return NULL;
	}
	return ig;
}

int
ingest_scores_feed(struct ingest_scores *ig, const char *buf, size_t len)
{
	enum scores_status	st;

	if (EVP_DigestUpdate(ig->sha, buf, len) != 1)
		return -1;
	st = scores_feed(ig->parser, buf, len);
	return st == SCORES_NOT_CSV || st == SCORES_FAILED ? -1 : 0;
}

long long
ingest_scores_rows(const struct ingest_scores *ig)
{
	return atomic_load(&ig->stored);
}

cJSON *
ingest_error_json(const char *code, const char *message)
{
	cJSON	*j = cJSON_CreateObject();

	if (j == NULL || cJSON_AddStringToObject(j, "error", code) == NULL ||
	    cJSON_AddStringToObject(j, "message", message) == NULL) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

cJSON *
ingest_receipt_json(const struct store_receipt *r, const char *sha256_hex,
    int duplicate)
{
	cJSON	*j = cJSON_CreateObject();

	if (j == NULL ||
	    cJSON_AddStringToObject(j, "upload_id", r->upload_id) == NULL ||
	    cJSON_AddNumberToObject(j, "rows", (double)r->rows) == NULL ||
	    (sha256_hex != NULL &&
	    cJSON_AddStringToObject(j, "sha256", sha256_hex) == NULL) ||
	    cJSON_AddBoolToObject(j, "duplicate", duplicate) == NULL ||
	    cJSON_AddStringToObject(j, "received_at", r->created) == NULL) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* 422 {"error": ERR_VALIDATION_FAILED, "error_count": N, "errors": [...]} */
static cJSON *
errors_json(struct scores_parser *sp)
{
	const struct scores_error	*e;
	cJSON				*j, *arr, *o;
	long long			 total;
	size_t				 n, i;
	char				 msg[128];

	e = scores_errors(sp, &n, &total);
	util_fmt(msg, sizeof(msg), "Het bestand is niet opgeslagen: %lld "
	    "fout%s gevonden", total, total == 1 ? "" : "en");
	if ((j = ingest_error_json(ERR_VALIDATION_FAILED, msg)) == NULL ||
	    cJSON_AddNumberToObject(j, "error_count", (double)total) == NULL ||
	    (arr = cJSON_AddArrayToObject(j, "errors")) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, o) ||
		    cJSON_AddNumberToObject(o, "line", (double)e[i].line) ==
		    NULL ||
		    cJSON_AddNumberToObject(o, "column", e[i].column) == NULL ||
		    cJSON_AddStringToObject(o, "code", e[i].code) == NULL ||
		    cJSON_AddStringToObject(o, "message", e[i].message) == NULL)
			goto fail;
	}
	return j;
fail:
	cJSON_Delete(j);
	return NULL;
}

void
ingest_answer_set(struct ingest_answer *a, unsigned status, cJSON *body)
{
	a->status = body != NULL ? status : 500;
	a->body = body != NULL ? body : ingest_error_json(ERR_INTERNAL,
	    "out of memory");
}

void
ingest_scores_finish(struct ingest_scores *ig, struct ingest_answer *a)
{
	struct store_receipt	 r;
	enum store_result	 rc;
	unsigned char		 sha[32], mac[PSEUDO_LEN];
	unsigned int		 shalen = 0;
	char			 hex[65], id[80];
	const struct scores_error *e;
	long long		 total;
	size_t			 n;

	memset(a, 0, sizeof(*a));
	scores_finish(ig->parser);
	flush_all(ig);
	switch (atomic_load(&ig->db_failed) ? SCORES_FAILED :
	    scores_status(ig->parser)) {
	case SCORES_NOT_CSV:
		e = scores_errors(ig->parser, &n, &total);
		ingest_answer_set(a, 400, ingest_error_json(ERR_NOT_CSV, n > 0 ?
		    e[0].message : "Dit is geen CSV-bestand"));
		return;
	case SCORES_INVALID:
		ingest_answer_set(a, 422, errors_json(ig->parser));
		return;
	case SCORES_FAILED:
		ingest_answer_set(a, atomic_load(&ig->db_failed) ? 503 : 500,
		    ingest_error_json(atomic_load(&ig->db_failed) ?
		    ERR_UNAVAILABLE : ERR_INTERNAL, atomic_load(&ig->db_failed) ?
		    "De database is bezet of niet beschikbaar; probeer het "
		    "later opnieuw" : "Interne fout"));
		return;
	case SCORES_OK:
		break;
	}
	if (EVP_DigestFinal_ex(ig->sha, sha, &shalen) != 1 || shalen != 32) {
		ingest_answer_set(a, 500, ingest_error_json(ERR_INTERNAL, "Interne fout"));
		return;
	}
	util_hex(sha, sizeof(sha), hex);
	/* Keyed, and scoped to the party: "the same bytes from the same party". */
	util_fmt(id, sizeof(id), "upload:scores:%s", hex);
	pseudo_bron(ig->pseudo, ig->party_id, id, strlen(id), mac);
	rc = store_upload_commit(ig->up, mac, atomic_load(&ig->stored), &r);
	if (rc == STORE_OK)
		ingest_answer_set(a, 201, ingest_receipt_json(&r, hex, 0));
	else if (rc == STORE_EXISTS)
		ingest_answer_set(a, 200, ingest_receipt_json(&r, hex, 1));
	else
		ingest_answer_set(a, 503, ingest_error_json(ERR_UNAVAILABLE, "De database "
		    "is bezet of niet beschikbaar; probeer het later opnieuw"));
}

void
ingest_scores_free(struct ingest_scores *ig)
{
	int	i;

	if (ig == NULL)
		return;
	/* An abandoned upload (the client went away) stops its writer too. */
	stop_writer(ig);
	scores_free(ig->parser);
	store_upload_free(ig->up);
	for (i = 0; i < 2; i++) {
		if (ig->b[i].rows != NULL)
			explicit_bzero(ig->b[i].rows,
			    INGEST_BATCH * sizeof(*ig->b[i].rows));
		free(ig->b[i].rows);
		free(ig->b[i].dups);
	}
	pthread_mutex_destroy(&ig->mu);
	pthread_cond_destroy(&ig->cv);
	EVP_MD_CTX_free(ig->sha);
	free(ig);
}

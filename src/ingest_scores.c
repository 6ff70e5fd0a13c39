/*
 * Scores ingest: CSV bytes → parse_scores → pseudonyms → store_upload.
 *
 * The BSN and ToewijzingNummer of a row exist in clear only inside the
 * parser's row and this file's callback; they are turned into pseudonyms
 * and wiped before the row goes to the store. The SHA-256 of the body is
 * computed as it streams; the store keeps only a keyed MAC of it.
 */
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
#include "gebied.h"
#include "ingest.h"
#include "log.h"
#include "parse_scores.h"
#include "pseudonym.h"
#include "stage.h"
#include "util.h"

/*
 * No row reaches the database while the upload is still arriving: a
 * client that sends slowly, or stops half-way, must not hold SQLite's one
 * write lock (it once held it for as long as it liked, and every other
 * upload, message and audit row waited). Pseudonymised rows collect in a
 * batch in memory; a full batch is sorted by the unique key and appended
 * to the upload's staging file (stage.c) as one sorted run. When the body
 * is complete, the runs and the last batch are merged in key order into
 * one transaction, the only time the upload holds the write lock, so an
 * upload is still all or nothing.
 *
 * Key order matters for the merge: in random order every row lands on
 * another page of the key index, in key order consecutive rows share
 * pages (measured here: about 260k rows/s for the store alone in random
 * order, about 400k rows/s in batches of 16k, more in one sorted stream).
 */
#define INGEST_BATCH	16384	/* rows in memory; one staged run */
#define MERGE_BUF	256	/* rows read at a time from each run */

struct pending {
	struct score_rec	rec;
	long			line;
};

/* A sorted run of rows: in the staging file, or the batch in memory. */
struct run {
	struct pending		*buf;
	size_t			 pos, len;	/* rows in buf */
	size_t			 next, end;	/* staged records still to read */
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
	struct pending		*rows;		/* the batch being filled */
	size_t			 nrows;
	struct stage		*stage;
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

/* The batch is full: sort it and append it to the staging file. */
static int
spill(struct ingest_scores *ig)
{
	char	dir[CFG_PATH_MAX], err[256];

	if (ig->stage == NULL) {
		if (store_dir(ig->store, dir, sizeof(dir)) == -1 ||
		    stage_open(&ig->stage, dir, sizeof(*ig->rows), err,
		    sizeof(err)) == -1) {
			log_error("scores upload: %s", ig->stage == NULL ?
			    "cannot create a staging file" : err);
			atomic_store(&ig->db_failed, 1);
			return -1;
		}
	}
	qsort(ig->rows, ig->nrows, sizeof(*ig->rows), key_cmp);
	if (stage_write(ig->stage, ig->rows, ig->nrows) == -1) {
		log_error("scores upload: cannot write the staging file");
		atomic_store(&ig->db_failed, 1);
		return -1;
	}
	explicit_bzero(ig->rows, ig->nrows * sizeof(*ig->rows));
	ig->nrows = 0;
	return 0;
}

/* The run's next rows from the staging file; 0 when it has none left. */
static int
run_fill(struct ingest_scores *ig, struct run *r)
{
	size_t	want = r->end - r->next;
	long	n;

	explicit_bzero(r->buf, r->len * sizeof(*r->buf));
	r->pos = r->len = 0;
	if (want == 0)
		return 0;
	if (want > MERGE_BUF)
		want = MERGE_BUF;
	if ((n = stage_read_at(ig->stage, r->next, r->buf, want)) <= 0)
		return -1;
	r->len = (size_t)n;
	r->next += r->len;
	return 1;
}

static int
run_less(struct run *a, struct run *b)
{
	return key_cmp(&a->buf[a->pos], &b->buf[b->pos]) < 0;
}

/* Restores the heap property from slot i down. */
static void
sift_down(struct run **h, size_t n, size_t i)
{
	struct run	*t;
	size_t		 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && run_less(h[c + 1], h[c]))
			c++;
		if (!run_less(h[c], h[i]))
			return;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

/* One row into the store; a repeat of an earlier row is reported. */
static int
merge_row(struct ingest_scores *ig, const struct pending *p)
{
	int	rc = store_upload_score(ig->up, &p->rec);

	if (rc == -1) {
		atomic_store(&ig->db_failed, 1);
		return -1;
	}
	if (rc == 1)
		scores_add_error(ig->parser, p->line, 0, ERR_RIJ_DUBBEL,
		    "Deze rij staat al eerder in het bestand (zelfde "
		    "toewijzing, meetdatum en meetmoment)");
	else
		atomic_fetch_add(&ig->stored, 1);
	return 0;
}

/*
 * The final merge: every staged run and the last batch, smallest key
 * first (a heap of runs), into the upload's transaction, begun at the
 * first row.
 */
static int
merge(struct ingest_scores *ig)
{
	struct run	*runs = NULL, **heap = NULL, *top;
	size_t		 nstaged, nruns, i, n = 0;
	uint64_t	 t0 = util_now_ns();
	char		 err[256];
	int		 ret = -1;

	nstaged = ig->stage != NULL ? stage_count(ig->stage) : 0;
	nruns = (nstaged + INGEST_BATCH - 1) / INGEST_BATCH + 1;
	if ((runs = calloc(nruns, sizeof(*runs))) == NULL ||
	    (heap = calloc(nruns, sizeof(*heap))) == NULL)
		goto fail;
	for (i = 0; i + 1 < nruns; i++) {
		runs[i].next = i * INGEST_BATCH;
		runs[i].end = runs[i].next + INGEST_BATCH < nstaged ?
		    runs[i].next + INGEST_BATCH : nstaged;
		if ((runs[i].buf = calloc(MERGE_BUF, sizeof(*runs[i].buf))) ==
		    NULL || run_fill(ig, &runs[i]) != 1)
			goto fail;
		heap[n++] = &runs[i];
	}
	qsort(ig->rows, ig->nrows, sizeof(*ig->rows), key_cmp);
	runs[i].buf = ig->rows;
	runs[i].len = ig->nrows;
	if (ig->nrows > 0)
		heap[n++] = &runs[i];
	for (i = n / 2; i-- > 0;)
		sift_down(heap, n, i);
	if (store_upload_new(ig->store, ig->party_id, "scores", &ig->up, err,
	    sizeof(err)) == -1) {
		log_error("scores upload: %s", err);
		goto fail;
	}
	while (n > 0) {
		top = heap[0];
		if (merge_row(ig, &top->buf[top->pos]) == -1)
			goto out;
		if (++top->pos == top->len && (top->buf == ig->rows ||
		    run_fill(ig, top) != 1)) {
			if (top->buf != ig->rows && top->next != top->end)
				goto fail;	/* a read error */
			heap[0] = heap[--n];
		}
		sift_down(heap, n, 0);
	}
	/* How long the write lock was held so far (the commit follows). */
	log_info("scores upload: %lld rows merged in %.1f ms",
	    (long long)atomic_load(&ig->stored),
	    (double)(util_now_ns() - t0) / 1e6);
	ret = 0;
	goto out;
fail:
	log_error("scores upload: the staged rows cannot be merged");
	atomic_store(&ig->db_failed, 1);
out:
	for (i = 0; runs != NULL && i + 1 < nruns; i++) {
		if (runs[i].buf != NULL)
			explicit_bzero(runs[i].buf, MERGE_BUF *
			    sizeof(*runs[i].buf));
		free(runs[i].buf);
	}
	free(runs);
	free(heap);
	explicit_bzero(ig->rows, ig->nrows * sizeof(*ig->rows));
	ig->nrows = 0;
	return ret;
}

/* The parser's callback: pseudonymise, minimise, buffer. */
static int
on_row(void *arg, struct scores_row *row)
{
	struct ingest_scores	*ig = arg;
	struct score_rec	 rec;
	struct pending		*p;
	unsigned char		 ps[PSEUDO_LEN];
	const struct cfg_gemeente *g;
	int			 i, retired;

	memset(&rec, 0, sizeof(rec));
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
	rec.opt_out = row->opt_out;
	rec.gebied = -1;
	if (row->pc4 > 0 && (g = config_gemeente(ig->cfg, row->gemeente,
	    &retired)) != NULL)
		rec.gebied = gebied_of(ig->cfg,
		    (size_t)(g - ig->cfg->ref.gemeenten), row->pc4);
	p = &ig->rows[ig->nrows];
	p->rec = rec;
	p->line = row->line;
	explicit_bzero(&rec, sizeof(rec));
	if (++ig->nrows == INGEST_BATCH)
		return spill(ig);
	return 0;
}

struct ingest_scores *
ingest_scores_new(const struct config *cfg, struct store *st,
    struct pseudo_ctx *pc, const struct party *p)
{
	struct ingest_scores	*ig;
	struct scores_params	 sp;

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
	if ((ig->rows = calloc(INGEST_BATCH, sizeof(*ig->rows))) == NULL ||
	    (ig->parser = scores_new(&sp)) == NULL ||
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
	    "onvoldoende geheugen");
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
	enum scores_status	 st;
	long long		 total;
	size_t			 n;

	memset(a, 0, sizeof(*a));
	scores_finish(ig->parser);
	/*
	 * An invalid file is merged too (and rolled back below), so that its
	 * answer also lists the repeated rows; the merge is short.
	 */
	st = scores_status(ig->parser);
	if (!atomic_load(&ig->db_failed) && (st == SCORES_OK ||
	    st == SCORES_INVALID) && (ig->nrows > 0 || ig->stage != NULL))
		merge(ig);
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
	if (ig == NULL)
		return;
	scores_free(ig->parser);
	store_upload_free(ig->up);
	stage_close(ig->stage);
	if (ig->rows != NULL)
		explicit_bzero(ig->rows, INGEST_BATCH * sizeof(*ig->rows));
	free(ig->rows);
	EVP_MD_CTX_free(ig->sha);
	free(ig);
}

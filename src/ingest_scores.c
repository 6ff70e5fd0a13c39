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
#include "ingest.h"
#include "log.h"
#include "parse_scores.h"
#include "pseudonym.h"
#include "stage.h"
#include "util.h"

/*
 * Rows are written in batches sorted by the unique key: in random order
 * every row lands on another page of the key, in key order the writes of a
 * batch share pages. Measured here: about 260k rows/s for the store alone
 * in random order, about 400k rows/s with batches of 16k.
 *
 * No row reaches the database while the upload is still arriving: a
 * client that sends slowly, or stops half-way, must not hold SQLite's one
 * write lock (it once held it for as long as it liked, and every other
 * upload, message and audit row waited). Pseudonymised rows collect in a
 * batch in memory; a full batch goes to the upload's staging file
 * (stage.c). When the body is complete the staged batches and the last
 * one are merged in one transaction, the only time the upload holds the
 * write lock, so an upload is still all or nothing.
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
	struct batch		 b[2];	/* [0] filling, [1] read back */
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

/* Writes a batch in key order, noting the lines of repeated rows. */
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

/* Reports the repeated rows a written batch found. */
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

/* The filling batch is full: append it to the staging file. */
static int
spill(struct ingest_scores *ig)
{
	struct batch	*b = &ig->b[0];
	char		 dir[CFG_PATH_MAX], err[256];

	if (ig->stage == NULL) {
		if (store_dir(ig->store, dir, sizeof(dir)) == -1 ||
		    stage_open(&ig->stage, dir, sizeof(*b->rows), err,
		    sizeof(err)) == -1) {
			log_error("scores upload: %s", ig->stage == NULL ?
			    "cannot create a staging file" : err);
			atomic_store(&ig->db_failed, 1);
			return -1;
		}
	}
	if (stage_write(ig->stage, b->rows, b->n) == -1) {
		log_error("scores upload: cannot write the staging file");
		atomic_store(&ig->db_failed, 1);
		return -1;
	}
	explicit_bzero(b->rows, b->n * sizeof(*b->rows));
	b->n = 0;
	return 0;
}

/*
 * The final merge: the staged batches in the order they came, then the
 * last one, in the upload's transaction (begun at the first row).
 */
static int
merge(struct ingest_scores *ig)
{
	struct batch	*rd = &ig->b[1];
	char		 err[256];
	long		 n;
	uint64_t	 t0 = util_now_ns();

	if (store_upload_new(ig->store, ig->party_id, "scores", &ig->up, err,
	    sizeof(err)) == -1) {
		log_error("scores upload: %s", err);
		atomic_store(&ig->db_failed, 1);
		return -1;
	}
	if (ig->stage != NULL) {
		if (stage_rewind(ig->stage) == -1)
			goto fail;
		while ((n = stage_read(ig->stage, rd->rows, INGEST_BATCH)) >
		    0 && !atomic_load(&ig->db_failed)) {
			rd->n = (size_t)n;
			write_batch(ig, rd);
			report_dups(ig, rd);
		}
		if (n == -1)
			goto fail;
	}
	write_batch(ig, &ig->b[0]);
	report_dups(ig, &ig->b[0]);
	/* How long the write lock was held so far (the commit follows). */
	log_info("scores upload: %lld rows merged in %.1f ms",
	    (long long)atomic_load(&ig->stored),
	    (double)(util_now_ns() - t0) / 1e6);
	return atomic_load(&ig->db_failed) ? -1 : 0;
fail:
	log_error("scores upload: cannot read the staging file");
	atomic_store(&ig->db_failed, 1);
	return -1;
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
	b = &ig->b[0];
	b->rows[b->n].rec = rec;
	b->rows[b->n].line = row->line;
	explicit_bzero(&rec, sizeof(rec));
	if (++b->n == INGEST_BATCH)
		return spill(ig);
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
	    st == SCORES_INVALID) && (ig->b[0].n > 0 || ig->stage != NULL))
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
	int	i;

	if (ig == NULL)
		return;
	scores_free(ig->parser);
	store_upload_free(ig->up);
	stage_close(ig->stage);
	for (i = 0; i < 2; i++) {
		if (ig->b[i].rows != NULL)
			explicit_bzero(ig->b[i].rows,
			    INGEST_BATCH * sizeof(*ig->b[i].rows));
		free(ig->b[i].rows);
		free(ig->b[i].dups);
	}
	EVP_MD_CTX_free(ig->sha);
	free(ig);
}

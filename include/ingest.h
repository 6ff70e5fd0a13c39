/*
 * Ingest: the one code path from upload bytes to stored, pseudonymised
 * records, shared by the HTTP endpoints and `sorttp import`. It feeds the
 * parser as bytes arrive, pseudonymises every valid row in memory, writes
 * it inside the upload's transaction, and produces the answer (status and
 * JSON body) that both front ends print.
 */
#ifndef SORTTP_INGEST_H
#define SORTTP_INGEST_H

#include <stddef.h>

#include "config.h"
#include "store.h"

struct cJSON;
struct pseudo_ctx;

struct ingest_answer {
	unsigned	 status;	/* 200, 201, 400, 413, 422, 500, 503 */
	struct cJSON	*body;		/* owned by the caller after finish */
};

struct ingest_scores;

/* A new scores upload by party p. NULL when out of resources. */
struct ingest_scores *ingest_scores_new(const struct config *,
	    struct store *, struct pseudo_ctx *, const struct party *p);

/*
 * Feeds the next bytes. Returns 0 to go on, or -1 when the answer is
 * decided already (the rest of the body need not be read): finish then
 * gives it.
 */
int	ingest_scores_feed(struct ingest_scores *, const char *, size_t);

/* The body is complete: validate to the end, commit, and answer. */
void	ingest_scores_finish(struct ingest_scores *, struct ingest_answer *);

/* Rows accepted so far (for logs and progress). */
long long ingest_scores_rows(const struct ingest_scores *);

void	ingest_scores_free(struct ingest_scores *);

/*
 * iJw messages. A message is parsed from memory (the body is at most
 * body_max_messages), validated, pseudonymised into a job and handed to
 * the store's message writer. prepare returns the job, or NULL with the
 * answer already in *a (a refused message); answer waits for the job and
 * gives its answer. The two halves let `sorttp import messages` keep many
 * messages in flight; ingest_message does both.
 */
struct msg_job *ingest_message_prepare(const struct config *,
	    struct pseudo_ctx *, const struct party *, const char *body,
	    size_t len, char sha256_hex[65], struct ingest_answer *a);
void	ingest_message_answer(struct store_msgw *, struct msg_job *,
	    const char *sha256_hex, struct ingest_answer *a);
/*
 * The answer of a settled job (answer = wait + result). Without receipt
 * a stored or duplicate message gets its status only, no body: the
 * caller writes the receipt from j->receipt itself.
 */
void	ingest_message_result(const struct msg_job *, const char *sha256_hex,
	    int receipt, struct ingest_answer *a);
void	ingest_message(const struct config *, struct pseudo_ctx *,
	    struct store_msgw *, const struct party *, const char *body,
	    size_t len, struct ingest_answer *a);
void	ingest_job_free(struct msg_job *);

/*
 * A batch of messages (ingest_batch.c), the path of a multipart POST
 * /v1/messages and of `sorttp import messages`. add parses one complete
 * message and hands its job to the writer without waiting; refuse records
 * a part refused before parsing (too large). settle waits for the parts
 * not yet settled, in order, and gives fn each answer with its 1-based
 * part number (fn may take the body by setting it to NULL); a stored
 * (201) or duplicate (200) part comes without a body. answer settles and
 * writes the batch answer, JSON text, into *body (NULL when out of
 * memory; status 500 then); error, when not NULL, states that nothing
 * from part broken_part onward was stored. add and refuse return -1
 * only when out of memory. free settles first: the writer may still hold
 * jobs.
 */
struct ingest_batch;
struct ingest_batch *ingest_batch_new(const struct config *,
	    struct pseudo_ctx *, struct store_msgw *, const struct party *);
int	ingest_batch_add(struct ingest_batch *, const char *body, size_t len);
int	ingest_batch_refuse(struct ingest_batch *, unsigned status,
	    const char *code, const char *message);
size_t	ingest_batch_parts(const struct ingest_batch *);
void	ingest_batch_settle(struct ingest_batch *,
	    void (*fn)(void *, size_t, struct ingest_answer *), void *arg);
void	ingest_batch_counts(const struct ingest_batch *, long long *stored,
	    long long *duplicate, long long *refused);
void	ingest_batch_answer(struct ingest_batch *, unsigned status,
	    const char *error, const char *message, size_t broken_part,
	    unsigned *status_out, char **body, size_t *len);
void	ingest_batch_free(struct ingest_batch *);

/*
 * Questionnaire responses: a whole body (one response or a batch, at most
 * body_max_questionnaires) is validated against the definitions; if every
 * response is valid they are pseudonymised and stored in one transaction.
 */
struct quest_set;
void	ingest_questionnaires(const struct config *, const struct quest_set *,
	    struct store *, struct pseudo_ctx *, const struct party *,
	    const char *body, size_t len, struct ingest_answer *a);

/*
 * Sets the answer: status and body, or 500 "out of memory" when body is
 * NULL (a cJSON builder that ran out of memory).
 */
void	ingest_answer_set(struct ingest_answer *, unsigned status,
	    struct cJSON *body);

/* {"error": code, "message": message} */
struct cJSON *ingest_error_json(const char *code, const char *message);

/* The receipt JSON: upload_id, rows, sha256 (when given), duplicate. */
struct cJSON *ingest_receipt_json(const struct store_receipt *,
	    const char *sha256_hex, int duplicate);

#endif

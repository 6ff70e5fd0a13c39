/*
 * A batch of iJw messages: the one path behind a multipart POST
 * /v1/messages and `sorttp import messages`.
 *
 * Each message is parsed, checked and pseudonymised as soon as its bytes
 * are complete and handed to the store's message writer without waiting,
 * so parsing the next message overlaps with storing the earlier ones and
 * they share the writer's group commits. A message stands alone: a
 * refused one costs only its own entry. Settling waits for every job, so
 * an answer is only ever given once every accepted message is durable.
 * What is kept per message until then is its job (pseudonyms only) or
 * its refusal, never its bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ingest.h"

struct batch_part {
	struct msg_job		*job;		/* NULL: answer decided */
	struct ingest_answer	 a;
	char			 sha[65];
};

struct ingest_batch {
	const struct config	*cfg;
	struct pseudo_ctx	*pc;
	struct store_msgw	*w;
	struct party		 party;
	struct batch_part	*parts;
	size_t			 n, cap;
	size_t			 settled;	/* parts answered so far */
	long long		 stored, duplicate, refused;
};

struct ingest_batch *
ingest_batch_new(const struct config *cfg, struct pseudo_ctx *pc,
    struct store_msgw *w, const struct party *party)
{
	struct ingest_batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->cfg = cfg;
	b->pc = pc;
	b->w = w;
	b->party = *party;
	return b;
}

static struct batch_part *
next_part(struct ingest_batch *b)
{
	struct batch_part	*np;
	size_t			 ncap;

	if (b->n == b->cap) {
		ncap = b->cap ? b->cap * 2 : 64;
		if ((np = reallocarray(b->parts, ncap, sizeof(*np))) == NULL)
			return NULL;
		b->parts = np;
		b->cap = ncap;
	}
	memset(&b->parts[b->n], 0, sizeof(b->parts[0]));
	return &b->parts[b->n++];
}

int
ingest_batch_add(struct ingest_batch *b, const char *body, size_t len)
{
	struct batch_part	*p;

	if ((p = next_part(b)) == NULL)
		return -1;
	p->job = ingest_message_prepare(b->cfg, b->pc, &b->party, body, len,
	    p->sha, &p->a);
	if (p->job != NULL)
		store_msgw_submit(b->w, p->job);
	return 0;
}

int
ingest_batch_refuse(struct ingest_batch *b, unsigned status,
    const char *code, const char *message)
{
	struct batch_part	*p;

	if ((p = next_part(b)) == NULL)
		return -1;
	ingest_answer_set(&p->a, status, ingest_error_json(code, message));
	return 0;
}

size_t
ingest_batch_parts(const struct ingest_batch *b)
{
	return b->n;
}

/*
 * Waits for the parts not yet settled, in order, and hands each answer to
 * fn with its 1-based part number; fn may take the answer's body (set it
 * to NULL), otherwise it is freed. fn may be NULL.
 */
void
ingest_batch_settle(struct ingest_batch *b,
    void (*fn)(void *, size_t, struct ingest_answer *), void *arg)
{
	struct batch_part	*p;

	for (; b->settled < b->n; b->settled++) {
		p = &b->parts[b->settled];
		if (p->job != NULL) {
			ingest_message_answer(b->w, p->job, p->sha, &p->a);
			ingest_job_free(p->job);
			p->job = NULL;
		}
		if (p->a.status == 201)
			b->stored++;
		else if (p->a.status == 200)
			b->duplicate++;
		else
			b->refused++;
		if (fn != NULL)
			fn(arg, b->settled + 1, &p->a);
		cJSON_Delete(p->a.body);
		p->a.body = NULL;
	}
}

void
ingest_batch_counts(const struct ingest_batch *b, long long *stored,
    long long *duplicate, long long *refused)
{
	*stored = b->stored;
	*duplicate = b->duplicate;
	*refused = b->refused;
}

/* One entry of the answer: the part's own answer with its number. */
static void
add_result(void *arg, size_t part, struct ingest_answer *a)
{
	cJSON	*results = arg;
	cJSON	*e, *c;

	/* Part number and status first, for a reader scanning the list. */
	if ((e = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddNumberToObject(e, "part", (double)part);
	cJSON_AddNumberToObject(e, "status", (double)a->status);
	while (a->body != NULL && a->body->child != NULL) {
		c = cJSON_DetachItemViaPointer(a->body, a->body->child);
		cJSON_AddItemToObject(e, c->string, c);
	}
	cJSON_AddItemToArray(results, e);
}

/*
 * Settles and builds the answer: counts and one entry per part. When the
 * batch was cut short (error not NULL) the answer says so and where:
 * the parts listed were handled as their entries say, and nothing from
 * part broken_part onward was stored.
 */
void
ingest_batch_answer(struct ingest_batch *b, unsigned status,
    const char *error, const char *message, size_t broken_part,
    struct ingest_answer *out)
{
	cJSON	*j, *results;

	memset(out, 0, sizeof(*out));
	if ((j = cJSON_CreateObject()) == NULL ||
	    (results = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(j);
		ingest_batch_settle(b, NULL, NULL);
		ingest_answer_set(out, 500, NULL);
		return;
	}
	ingest_batch_settle(b, add_result, results);
	if (error != NULL) {
		cJSON_AddStringToObject(j, "error", error);
		cJSON_AddStringToObject(j, "message", message);
		cJSON_AddNumberToObject(j, "not_stored_from_part",
		    (double)broken_part);
	}
	cJSON_AddNumberToObject(j, "parts", (double)b->n);
	cJSON_AddNumberToObject(j, "stored", (double)b->stored);
	cJSON_AddNumberToObject(j, "duplicate", (double)b->duplicate);
	cJSON_AddNumberToObject(j, "refused", (double)b->refused);
	cJSON_AddItemToObject(j, "results", results);
	ingest_answer_set(out, status, j);
}

void
ingest_batch_free(struct ingest_batch *b)
{
	if (b == NULL)
		return;
	/* Jobs still queued belong to the writer until settled. */
	ingest_batch_settle(b, NULL, NULL);
	free(b->parts);
	free(b);
}

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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "ingest.h"

struct batch_part {
	struct msg_job		*job;		/* NULL: answer decided */
	struct ingest_answer	 a;		/* no body when 200 or 201 */
	struct store_receipt	 receipt;	/* of a 200 or 201 */
	char			 sha[65];
};

/* The answer's text: a few hundred bytes per part at most. */
#define ANSWER_MAX	(256ULL * 1024 * 1024)

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
 * to NULL), otherwise it is freed. fn may be NULL. A stored or duplicate
 * part keeps its receipt for the answer, not a JSON body.
 */
void
ingest_batch_settle(struct ingest_batch *b,
    void (*fn)(void *, size_t, struct ingest_answer *), void *arg)
{
	struct batch_part	*p;

	for (; b->settled < b->n; b->settled++) {
		p = &b->parts[b->settled];
		if (p->job != NULL) {
			store_msgw_wait(b->w, p->job);
			ingest_message_result(p->job, p->sha, 0, &p->a);
			p->receipt = p->job->receipt;
			ingest_job_free(p->job);
			p->job = NULL;
		}
		if (p->a.status == 201)
			b->stored++;
		else if (p->a.status == 200)
			b->duplicate++;
		else
			b->refused++;
		if (fn != NULL) {
			fn(arg, b->settled + 1, &p->a);
			cJSON_Delete(p->a.body);
			p->a.body = NULL;
		}
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

/* A JSON string: the value, quoted and escaped. */
static void
put_str(struct buf *o, const char *v)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*c;
	char			 e[6] = { '\\', 'u', '0', '0', 0, 0 };

	buf_add(o, "\"", 1);
	for (c = (const unsigned char *)v; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\') {
			e[1] = (char)*c;
			buf_add(o, e, 2);
			e[1] = 'u';
		} else if (*c < 0x20) {
			e[4] = hex[*c >> 4];
			e[5] = hex[*c & 0xf];
			buf_add(o, e, 6);
		} else
			buf_add(o, c, 1);
	}
	buf_add(o, "\"", 1);
}

/*
 * One entry of the answer, written as text (no JSON tree per part): part
 * number and status first, for a reader scanning the list, then the
 * receipt (the fields of ingest_receipt_json, in its order) or the
 * part's own error object's fields.
 */
static void
put_entry(struct buf *o, size_t part, const struct batch_part *p)
{
	char	*e;

	buf_printf(o, "{\"part\":%zu,\"status\":%u", part, p->a.status);
	if (p->a.status == 200 || p->a.status == 201) {
		buf_str(o, ",\"upload_id\":");
		put_str(o, p->receipt.upload_id);
		buf_printf(o, ",\"rows\":%lld,\"sha256\":",
		    (long long)p->receipt.rows);
		put_str(o, p->sha);
		buf_str(o, p->a.status == 200 ? ",\"duplicate\":true" :
		    ",\"duplicate\":false");
		buf_str(o, ",\"received_at\":");
		put_str(o, p->receipt.created);
		buf_add(o, "}", 1);
		return;
	}
	/* A refusal: its object's members after ours ("{" dropped). */
	if (p->a.body != NULL &&
	    (e = cJSON_PrintUnformatted(p->a.body)) != NULL) {
		if (e[0] == '{' && e[1] != '}')
			buf_add(o, ",", 1);
		buf_str(o, e + 1);
		cJSON_free(e);
	} else
		buf_add(o, "}", 1);
}

/*
 * Settles and writes the answer: counts and one entry per part. When the
 * batch was cut short (error not NULL) the answer says so and where:
 * the parts listed were handled as their entries say, and nothing from
 * part broken_part onward was stored.
 */
void
ingest_batch_answer(struct ingest_batch *b, unsigned status,
    const char *error, const char *message, size_t broken_part,
    unsigned *status_out, char **body, size_t *len)
{
	struct batch_part	*p;
	struct buf		 o;
	size_t			 i;

	ingest_batch_settle(b, NULL, NULL);
	buf_init(&o, (size_t)ANSWER_MAX, 0);
	buf_add(&o, "{", 1);
	if (error != NULL) {
		buf_str(&o, "\"error\":");
		put_str(&o, error);
		buf_str(&o, ",\"message\":");
		put_str(&o, message);
		buf_printf(&o, ",\"not_stored_from_part\":%zu,", broken_part);
	}
	buf_printf(&o, "\"parts\":%zu,\"stored\":%lld,\"duplicate\":%lld,"
	    "\"refused\":%lld,\"results\":[", b->n, b->stored, b->duplicate,
	    b->refused);
	for (i = 0; i < b->n; i++) {
		p = &b->parts[i];
		if (i > 0)
			buf_add(&o, ",", 1);
		put_entry(&o, i + 1, p);
		cJSON_Delete(p->a.body);
		p->a.body = NULL;
	}
	buf_str(&o, "]}");
	*body = buf_take(&o, len);
	*status_out = *body != NULL ? status : 500;
}

void
ingest_batch_free(struct ingest_batch *b)
{
	size_t	i;

	if (b == NULL)
		return;
	/* Jobs still queued belong to the writer until settled. */
	ingest_batch_settle(b, NULL, NULL);
	for (i = 0; i < b->n; i++)
		cJSON_Delete(b->parts[i].a.body);
	free(b->parts);
	free(b);
}

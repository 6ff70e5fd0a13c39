/*
 * Message batches over real TLS: POST /v1/messages with multipart/mixed.
 * A batch of good, duplicate, malformed, DTD-bearing and unsupported parts
 * gets the right status per part and stores exactly the good ones; a part
 * over body_max_messages or with the wrong type is refused alone; too
 * many parts, a batch over its byte limit, a broken delimiter and a body
 * that ends early stop the batch with the parts before the fault stored
 * and the answer naming the first part not stored; another party's
 * resend is its own message with its own receipt; the answer's members
 * come in their documented order; resends across batches (and so across
 * the writer's group commits) and batches sent at the same time by
 * several clients each get one receipt per message; finally the
 * database, WAL and log are scanned for every identifier sent.
 *
 * The daemon runs with small limits (body_max_messages 4096,
 * parts_max_messages 6, body_max_message_batch 20000) so each limit is
 * reached with a few small parts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "harness.h"

#define BOUNDARY	"sorttp-batch-7Hq2"
#define BATCH_MAX	65536

static struct h_env	e;
static char		tok[128], tok2[128];

static const char *const mp_hdr[] = {
	"Content-Type: multipart/mixed; boundary=\"" BOUNDARY "\"", NULL
};

/* Elfproef-valid BSNs, one per message; the privacy scan looks for them. */
static const char *const bsns[] = {
	"999993847", "999990408", "999990482", "999992077", "999993483",
	"999993926", "999994669", "999995017", "999992806", "999991905",
};

/* A JW305 start for one product; pad adds a comment of that many bytes. */
static size_t
make_msg(char *buf, size_t size, const char *id, const char *bsn,
    const char *nr, size_t pad)
{
	int	n;

	n = snprintf(buf, size,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<jw305:Bericht xmlns:ijw=\"http://www.istandaarden.nl/ijw/3_2/"
	    "basisschema/schema\" xmlns:jw305=\"http://www.istandaarden.nl/"
	    "ijw/3_2/jw305/schema\"><jw305:Header>"
	    "<jw305:BerichtCode>438</jw305:BerichtCode>"
	    "<jw305:BerichtVersie>3</jw305:BerichtVersie>"
	    "<jw305:BerichtSubversie>2</jw305:BerichtSubversie>"
	    "<jw305:Afzender>87650001</jw305:Afzender>"
	    "<jw305:Ontvanger>0363</jw305:Ontvanger>"
	    "<jw305:BerichtIdentificatie><ijw:Identificatie>%s"
	    "</ijw:Identificatie><ijw:Dagtekening>2026-06-01"
	    "</ijw:Dagtekening></jw305:BerichtIdentificatie>"
	    "<jw305:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0"
	    "</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0"
	    "</ijw:BerichtXsdVersie></jw305:XsdVersie></jw305:Header>"
	    "<jw305:Client><jw305:Bsn>%s</jw305:Bsn>"
	    "<jw305:Geboortedatum><ijw:Datum>2012-05-05</ijw:Datum>"
	    "</jw305:Geboortedatum><jw305:Geslacht>2</jw305:Geslacht>"
	    "<jw305:Naam><ijw:Geslachtsnaam><ijw:Achternaam>Batchsma"
	    "</ijw:Achternaam></ijw:Geslachtsnaam></jw305:Naam>"
	    "<jw305:StartProducten><jw305:StartProduct>"
	    "<jw305:ToewijzingNummer>%s</jw305:ToewijzingNummer>"
	    "<jw305:Product><ijw:Categorie>45</ijw:Categorie></jw305:Product>"
	    "<jw305:Begindatum>2026-05-01</jw305:Begindatum>"
	    "<jw305:StatusAanlevering>1</jw305:StatusAanlevering>"
	    "</jw305:StartProduct></jw305:StartProducten></jw305:Client>"
	    "<!--", id, bsn, nr);
	if (n < 0 || (size_t)n + pad + 32 > size)
		abort();
	memset(buf + n, 'p', pad);
	n += (int)pad;
	n += snprintf(buf + n, size - (size_t)n, "--></jw305:Bericht>\n");
	return (size_t)n;
}

/* A batch under construction. */
struct batch {
	char	*p;
	size_t	 len;
};

static void
add_part(struct batch *b, const char *type, const char *data, size_t len)
{
	int	n;

	if (b->p == NULL && (b->p = malloc(BATCH_MAX)) == NULL)
		abort();
	n = snprintf(b->p + b->len, BATCH_MAX - b->len, "--%s\r\n"
	    "Content-Type: %s\r\n\r\n", BOUNDARY, type);
	if (n < 0 || b->len + (size_t)n + len + 2 > BATCH_MAX)
		abort();
	b->len += (size_t)n;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	memcpy(b->p + b->len, "\r\n", 2);
	b->len += 2;
}

static void
add_msg(struct batch *b, const char *id, const char *bsn, const char *nr,
    size_t pad)
{
	char	buf[16384];

	add_part(b, "application/xml", buf, make_msg(buf, sizeof(buf), id,
	    bsn, nr, pad));
}

static void
add_fixture(struct batch *b, const char *name)
{
	char	 path[512], *xml;
	size_t	 len;

	snprintf(path, sizeof(path), "%s/tests/fixtures/ijw/%s.xml",
	    SORTTP_SOURCE_DIR, name);
	if ((xml = h_slurp(path, &len)) == NULL)
		abort();
	add_part(b, "application/xml", xml, len);
	free(xml);
}

static void
add_raw(struct batch *b, const char *s)
{
	size_t	len = strlen(s);

	if (b->len + len > BATCH_MAX)
		abort();
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

static void
close_batch(struct batch *b)
{
	add_raw(b, "--" BOUNDARY "--\r\n");
}

/* Sends the batch (chunked when chunk > 0); returns the parsed answer. */
static cJSON *
send_batch(const char *token, struct batch *b, size_t chunk, long *status)
{
	struct h_resp	 r;
	cJSON		*j;

	if (chunk > 0)
		h_request_stream(&e, "POST", "/v1/messages", token, mp_hdr,
		    b->p, b->len, chunk, 0, &r);
	else
		h_request(&e, "POST", "/v1/messages", token, mp_hdr, b->p,
		    b->len, 0, &r);
	*status = r.status;
	if ((j = cJSON_Parse(r.body)) == NULL)
		fprintf(stderr, "not JSON (%ld): %s\n", r.status, r.body);
	h_resp_free(&r);
	free(b->p);
	b->p = NULL;
	b->len = 0;
	return j;
}

static double
num(const cJSON *j, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(j, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *
str(const cJSON *j, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(j, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The statuses of the entries, and that they are numbered 1, 2, ... */
static void
check_results(const cJSON *j, const int *want, int n)
{
	const cJSON	*res = cJSON_GetObjectItemCaseSensitive(j, "results");
	int		 i;

	CHECK_EQ_INT(cJSON_GetArraySize(res), n);
	CHECK_EQ_INT(num(j, "parts"), n);
	for (i = 0; i < n && i < cJSON_GetArraySize(res); i++) {
		CHECK_EQ_INT(num(cJSON_GetArrayItem(res, i), "part"), i + 1);
		CHECK_EQ_INT(num(cJSON_GetArrayItem(res, i), "status"), want[i]);
	}
}

static const cJSON *
result(const cJSON *j, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j,
	    "results"), i);
}

static long long
messages_stored(void)
{
	return h_db_count(&e, "SELECT count(*) FROM uploads WHERE kind = "
	    "'messages'");
}

static void
test_mixed_batch(void)
{
	static const int want[] = { 201, 201, 200, 400, 400, 422 };
	struct batch	 b = { NULL, 0 };
	cJSON		*j;
	long		 st;

	add_msg(&b, "B-1", bsns[0], "4811001", 0);
	add_msg(&b, "B-2", bsns[1], "4811002", 0);
	add_msg(&b, "B-1", bsns[0], "4811001", 0);	/* part 1 again */
	add_fixture(&b, "malformed");
	add_fixture(&b, "xxe");
	add_fixture(&b, "jw315");
	close_batch(&b);
	j = send_batch(tok, &b, 0, &st);
	CHECK_EQ_INT(st, 200);
	check_results(j, want, 6);
	CHECK_EQ_INT(num(j, "stored"), 2);
	CHECK_EQ_INT(num(j, "duplicate"), 1);
	CHECK_EQ_INT(num(j, "refused"), 3);
	CHECK(cJSON_GetObjectItem(j, "error") == NULL);
	CHECK_STR(str(result(j, 2), "upload_id"), str(result(j, 0),
	    "upload_id"));
	CHECK(strcmp(str(result(j, 0), "upload_id"), str(result(j, 1),
	    "upload_id")) != 0);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(result(j, 2), "duplicate")));
	CHECK_STR(str(result(j, 3), "error"), "xml_malformed");
	CHECK(num(result(j, 3), "line") > 0);
	CHECK_STR(str(result(j, 4), "error"), "dtd_forbidden");
	CHECK_STR(str(result(j, 5), "error"), "unsupported_message");
	cJSON_Delete(j);
	CHECK_EQ_INT(messages_stored(), 2);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM trajecten"), 2);
}

static void
test_part_refusals(void)
{
	static const int want[] = { 413, 201, 415, 400 };
	struct batch	 b = { NULL, 0 };
	cJSON		*j;
	long		 st;

	add_msg(&b, "B-3", bsns[2], "4811003", 5000);	/* > 4096 */
	add_msg(&b, "B-4", bsns[3], "4811004", 0);
	add_part(&b, "text/plain", "hallo", 5);
	add_part(&b, "application/xml", "", 0);
	close_batch(&b);
	j = send_batch(tok, &b, 1000, &st);
	CHECK_EQ_INT(st, 200);
	check_results(j, want, 4);
	CHECK_STR(str(result(j, 0), "error"), "body_too_large");
	CHECK_STR(str(result(j, 2), "error"), "unsupported_media_type");
	cJSON_Delete(j);
	CHECK_EQ_INT(messages_stored(), 3);
}

static void
test_too_many_parts(void)
{
	static const int want[] = { 201, 201, 201, 201, 201, 201 };
	struct batch	 b = { NULL, 0 };
	cJSON		*j;
	char		 id[16], nr[16];
	long		 st;
	int		 i;

	for (i = 0; i < 8; i++) {
		snprintf(id, sizeof(id), "T-%d", i);
		snprintf(nr, sizeof(nr), "48120%02d", i);
		add_msg(&b, id, bsns[i % 10], nr, 0);
	}
	close_batch(&b);
	j = send_batch(tok, &b, 0, &st);
	CHECK_EQ_INT(st, 413);
	CHECK_STR(str(j, "error"), "too_many_parts");
	CHECK_EQ_INT(num(j, "not_stored_from_part"), 7);
	check_results(j, want, 6);
	CHECK_EQ_INT(num(j, "stored"), 6);
	cJSON_Delete(j);
	CHECK_EQ_INT(messages_stored(), 9);
}

static void
test_body_limit(void)
{
	static const int want[] = { 201, 413, 413 };
	struct batch	 b = { NULL, 0 };
	cJSON		*j;
	long		 st;

	add_msg(&b, "L-1", bsns[4], "4813001", 0);
	add_msg(&b, "L-2", bsns[5], "4813002", 7000);
	add_msg(&b, "L-3", bsns[6], "4813003", 7000);
	add_msg(&b, "L-4", bsns[7], "4813004", 7000);	/* passes 20000 */
	add_msg(&b, "L-5", bsns[8], "4813005", 0);
	close_batch(&b);
	j = send_batch(tok, &b, 2048, &st);
	CHECK_EQ_INT(st, 413);
	CHECK_STR(str(j, "error"), "body_too_large");
	CHECK_EQ_INT(num(j, "not_stored_from_part"), 4);
	check_results(j, want, 3);
	cJSON_Delete(j);
	CHECK_EQ_INT(messages_stored(), 10);
}

static void
test_broken_framing(void)
{
	static const char *const nob[] = {
		"Content-Type: multipart/mixed", NULL
	};
	static const int want2[] = { 201, 201 };
	static const int want1[] = { 201 };
	struct batch	 b = { NULL, 0 };
	struct h_resp	 r;
	cJSON		*j;
	char		 buf[4096];
	long		 st;

	/* Junk after a delimiter, after two good parts. */
	add_msg(&b, "F-1", bsns[0], "4814001", 0);
	add_msg(&b, "F-2", bsns[1], "4814002", 0);
	add_raw(&b, "--" BOUNDARY "junk\r\nContent-Type: application/xml"
	    "\r\n\r\n");
	add_raw(&b, "<a/>\r\n");
	close_batch(&b);
	j = send_batch(tok, &b, 0, &st);
	CHECK_EQ_INT(st, 400);
	CHECK_STR(str(j, "error"), "multipart_malformed");
	CHECK_EQ_INT(num(j, "not_stored_from_part"), 3);
	CHECK(strstr(str(j, "message"), "scheidingsregel") != NULL);
	check_results(j, want2, 2);
	cJSON_Delete(j);
	CHECK_EQ_INT(messages_stored(), 12);

	/* The body ends inside part 2: part 2 is not stored. */
	add_msg(&b, "F-3", bsns[2], "4814003", 0);
	add_part(&b, "application/xml", buf, make_msg(buf, sizeof(buf),
	    "F-4", bsns[3], "4814004", 0));
	j = send_batch(tok, &b, 0, &st);
	CHECK_EQ_INT(st, 400);
	CHECK_STR(str(j, "error"), "multipart_truncated");
	CHECK_EQ_INT(num(j, "not_stored_from_part"), 2);
	check_results(j, want1, 1);
	cJSON_Delete(j);
	CHECK_EQ_INT(messages_stored(), 13);

	/* No boundary in the Content-Type: nothing is read. */
	h_request(&e, "POST", "/v1/messages", tok, nob, "--x--", 5, 0, &r);
	CHECK_EQ_INT(r.status, 400);
	CHECK(strstr(r.body, "multipart_boundary") != NULL);
	h_resp_free(&r);
	CHECK_EQ_INT(messages_stored(), 13);
}

/* Another party resending party 1's message gets a receipt of its own. */
static void
test_other_party(void)
{
	struct batch	 b = { NULL, 0 };
	struct h_resp	 r;
	cJSON		*j, *j2;
	char		 path[128], first[32];
	long		 st;

	add_msg(&b, "B-1", bsns[0], "4811001", 0);
	close_batch(&b);
	j = send_batch(tok2, &b, 0, &st);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(num(result(j, 0), "status"), 201);
	snprintf(first, sizeof(first), "%s", str(result(j, 0), "upload_id"));
	CHECK(strncmp(first, "u_", 2) == 0);
	cJSON_Delete(j);

	/* Its own resend is a duplicate of its own receipt. */
	add_msg(&b, "B-1", bsns[0], "4811001", 0);
	close_batch(&b);
	j2 = send_batch(tok2, &b, 0, &st);
	CHECK_EQ_INT(num(result(j2, 0), "status"), 200);
	CHECK_STR(str(result(j2, 0), "upload_id"), first);
	cJSON_Delete(j2);
	CHECK_EQ_INT(messages_stored(), 14);

	/* Each party sees its own receipt only. */
	snprintf(path, sizeof(path), "/v1/uploads/%s", first);
	h_request(&e, "GET", path, tok2, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"messages\"") != NULL);
	h_resp_free(&r);
	h_request(&e, "GET", path, tok, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 404);
	h_resp_free(&r);
}

/* Where needle is in hay, or -1. */
static long
at(const char *hay, const char *needle)
{
	const char	*p = strstr(hay, needle);

	return p != NULL ? (long)(p - hay) : -1;
}

/*
 * The answer is written as text: its members come in the documented
 * order, a receipt's as in a single message's answer, a refusal's error
 * object after part and status.
 */
static void
test_member_order(void)
{
	struct batch	 b = { NULL, 0 };
	struct h_resp	 r;
	const char	*t;
	cJSON		*j;
	long		 p1, p2, p3;
	int		 i;
	char		 id[16], nr[16];

	add_msg(&b, "O-1", bsns[0], "4816001", 0);
	add_msg(&b, "O-1", bsns[0], "4816001", 0);
	add_fixture(&b, "malformed");
	close_batch(&b);
	h_request(&e, "POST", "/v1/messages", tok, mp_hdr, b.p, b.len, 0, &r);
	free(b.p);
	b.p = NULL;
	b.len = 0;
	CHECK_EQ_INT(r.status, 200);
	t = r.body != NULL ? r.body : "";
	CHECK_EQ_INT(at(t, "{\"parts\":3,\"stored\":1,\"duplicate\":1,"
	    "\"refused\":1,\"results\":[{\"part\":1,\"status\":201,"
	    "\"upload_id\":\"u_"), 0);
	p1 = at(t, "{\"part\":1,");
	p2 = at(t, "},{\"part\":2,\"status\":200,\"upload_id\":\"u_");
	p3 = at(t, "},{\"part\":3,\"status\":400,\"error\":"
	    "\"xml_malformed\",\"message\":\"");
	CHECK(p1 >= 0 && p2 > p1 && p3 > p2);
	CHECK(at(t, "\"rows\":1,\"sha256\":\"") > p1);
	CHECK(at(t, "\",\"duplicate\":false,\"received_at\":\"") > p1);
	CHECK(at(t, "\",\"duplicate\":true,\"received_at\":\"") > p2);
	CHECK(strcmp(t + strlen(t) - 3, "}]}") == 0);
	CHECK((j = cJSON_Parse(t)) != NULL);
	cJSON_Delete(j);
	h_resp_free(&r);
	CHECK_EQ_INT(messages_stored(), 15);

	/* Cut short: the error and where first, then the counts. */
	for (i = 0; i < 7; i++) {
		snprintf(id, sizeof(id), "O-%d", i + 2);
		snprintf(nr, sizeof(nr), "48161%02d", i);
		add_msg(&b, id, bsns[i % 10], nr, 0);
	}
	close_batch(&b);
	h_request(&e, "POST", "/v1/messages", tok, mp_hdr, b.p, b.len, 0, &r);
	free(b.p);
	b.p = NULL;
	b.len = 0;
	CHECK_EQ_INT(r.status, 413);
	t = r.body != NULL ? r.body : "";
	CHECK_EQ_INT(at(t, "{\"error\":\"too_many_parts\",\"message\":\""),
	    0);
	CHECK(at(t, "\",\"not_stored_from_part\":7,\"parts\":6,"
	    "\"stored\":6,\"duplicate\":0,\"refused\":0,\"results\":["
	    "{\"part\":1,\"status\":201,") > 0);
	h_resp_free(&r);
	CHECK_EQ_INT(messages_stored(), 21);
}

/* A client thread: posts its batches one after the other. */
struct sender {
	pthread_t	 t;
	int		 first;		/* message number of its first part */
	int		 batches;	/* each of 6 parts */
	int		 stride;	/* between its batches' first parts */
	int		 status[8];	/* per batch: HTTP status */
	int		 part[8][6];	/* per batch and part: status */
	char		 id[8][6][24];	/* per batch and part: upload_id */
};

static void *
sender_main(void *arg)
{
	struct sender	*c = arg;
	struct batch	 b = { NULL, 0 };
	cJSON		*j;
	char		 id[16], nr[16];
	long		 st;
	int		 k, i, m;

	for (k = 0; k < c->batches; k++) {
		for (i = 0; i < 6; i++) {
			m = c->first + k * c->stride + i;
			snprintf(id, sizeof(id), "C-%d", m);
			snprintf(nr, sizeof(nr), "4817%03d", m);
			add_msg(&b, id, bsns[m % 10], nr, 0);
		}
		close_batch(&b);
		j = send_batch(tok, &b, 0, &st);
		c->status[k] = (int)st;
		for (i = 0; i < 6; i++) {
			c->part[k][i] = (int)num(result(j, i), "status");
			snprintf(c->id[k][i], sizeof(c->id[k][i]), "%s",
			    str(result(j, i), "upload_id"));
		}
		cJSON_Delete(j);
	}
	return NULL;
}

static void
run_senders(struct sender *c, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (pthread_create(&c[i].t, NULL, sender_main, &c[i]) != 0)
			abort();
	for (i = 0; i < n; i++)
		pthread_join(c[i].t, NULL);
}

/*
 * Four clients at once, 5 batches each of their own messages: every part
 * is stored, each with its own receipt. Then the same four clients all
 * send the same 12 messages, half of them already stored: per message
 * one receipt, which every client that sent it receives (201 for exactly one
 * of those that sent a new message first, 200 for the rest), whichever
 * group commit holds which.
 */
static void
test_concurrent_batches(void)
{
	struct sender	 c[4];
	const char	*want;
	int		 t, k, i, m, n201;

	memset(c, 0, sizeof(c));
	for (t = 0; t < 4; t++) {
		c[t].first = t * 30;
		c[t].batches = 5;
		c[t].stride = 6;
	}
	run_senders(c, 4);
	for (t = 0; t < 4; t++)
		for (k = 0; k < 5; k++) {
			CHECK_EQ_INT(c[t].status[k], 200);
			for (i = 0; i < 6; i++) {
				CHECK_EQ_INT(c[t].part[k][i], 201);
				CHECK(strncmp(c[t].id[k][i], "u_", 2) == 0);
			}
		}
	CHECK_EQ_INT(messages_stored(), 21 + 120);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(DISTINCT upload_id) FROM"
	    " message_keys"), h_db_count(&e, "SELECT count(*) FROM"
	    " message_keys"));

	/* Messages 114..125: 114..119 sent above (client 3), 120..125 new. */
	memset(c, 0, sizeof(c));
	for (t = 0; t < 4; t++) {
		c[t].first = 114;
		c[t].batches = 2;
		c[t].stride = 6;
	}
	run_senders(c, 4);
	for (k = 0; k < 2; k++)
		for (i = 0; i < 6; i++) {
			m = 114 + 6 * k + i;
			want = c[0].id[k][i];
			CHECK(strncmp(want, "u_", 2) == 0);
			for (n201 = 0, t = 0; t < 4; t++) {
				CHECK_EQ_INT(c[t].status[k], 200);
				CHECK_STR(c[t].id[k][i], want);
				if (c[t].part[k][i] == 201)
					n201++;
				else
					CHECK_EQ_INT(c[t].part[k][i], 200);
			}
			CHECK_EQ_INT(n201, m < 120 ? 0 : 1);
		}
	CHECK_EQ_INT(messages_stored(), 21 + 126);
}

static void
test_privacy_scan(void)
{
	static const char *const secrets[] = {
		"Batchsma", "4811001", "4811002", "4812001", "4813001",
		"4814001", "999993847", "999990408", "999990482", "999992077",
		"999993483", "999993926", "999994669", "999995017",
		"999992806", "999991905", "hallo", "4816001", "4817001",
		"4817125",
	};

	CHECK_EQ_INT(h_leaks(&e, secrets, sizeof(secrets) /
	    sizeof(secrets[0])), 0);
}

int
main(int argc, char **argv)
{
	char	cfg[H_PATH_MAX];

	if (argc != 2) {
		fprintf(stderr, "usage: itest_batches SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "backoffice",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok2, sizeof(tok2), "backoffice-twee",
	    "berichtenverkeer", NULL), 0);
	h_config(&e, "small.json", "{\"limits\": {\"body_max_messages\": "
	    "4096, \"parts_max_messages\": 6, \"body_max_message_batch\": "
	    "20000}}", cfg, sizeof(cfg));
	if (h_start(&e, cfg, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_mixed_batch();
	test_part_refusals();
	test_too_many_parts();
	test_body_limit();
	test_broken_framing();
	test_other_party();
	test_member_order();
	test_concurrent_batches();
	CHECK_EQ_INT(h_stop(&e), 0);
	test_privacy_scan();
	h_teardown(&e);
	return test_done("integration_batches");
}

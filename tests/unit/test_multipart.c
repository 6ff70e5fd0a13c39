/*
 * The multipart splitter: boundaries from Content-Type, parts and headers
 * as the callbacks see them, the same result whatever the feed sizes
 * (down to one byte at a time, so every delimiter straddles a feed), near
 * misses of the delimiter inside a body, and each kind of broken framing.
 */
#include <stdlib.h>
#include <string.h>

#include "multipart.h"
#include "test.h"

/* What the callbacks saw: "[n]" per part, "H name=value", body bytes. */
struct rec {
	char	 out[4096];
	size_t	 len;
	int	 stop_at_part;		/* begin returns -1 for this part */
};

static void
put(struct rec *r, const char *p, size_t n)
{
	if (r->len + n < sizeof(r->out)) {
		memcpy(r->out + r->len, p, n);
		r->len += n;
		r->out[r->len] = '\0';
	}
}

static int
on_begin(void *arg, unsigned long part)
{
	struct rec	*r = arg;
	char		 b[32];

	if ((int)part == r->stop_at_part)
		return -1;
	snprintf(b, sizeof(b), "[%lu]", part);
	put(r, b, strlen(b));
	return 0;
}

static int
on_header(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	struct rec	*r = arg;

	put(r, "H ", 2);
	put(r, n, nl);
	put(r, "=", 1);
	put(r, v, vl);
	put(r, ";", 1);
	return 0;
}

static int
on_data(void *arg, const char *p, size_t n)
{
	put(arg, p, n);
	return 0;
}

static int
on_end(void *arg, unsigned long part)
{
	(void)part;
	put(arg, "|", 1);
	return 0;
}

static const struct mp_callbacks cbs = {
	on_begin, on_header, on_data, on_end
};

/* Parses body in feeds of step bytes; returns 0/-1 and fills r. */
static int
run(const char *boundary, const char *body, size_t len, size_t step,
    struct rec *r, struct mp_error *err)
{
	struct mp_parser	*p;
	size_t			 i, n;
	int			 rc = 0;

	memset(r->out, 0, sizeof(r->out));
	r->len = 0;
	if ((p = mp_new(boundary, &cbs, r)) == NULL)
		return -2;
	for (i = 0; i < len && rc == 0; i += n) {
		n = len - i < step ? len - i : step;
		rc = mp_feed(p, body + i, n);
	}
	if (rc == 0)
		rc = mp_finish(p);
	*err = *mp_last_error(p);
	mp_free(p);
	return rc;
}

/* The same outcome for every feed size from 1 to the whole body. */
static void
same_for_all_steps(const char *boundary, const char *body, int want_rc,
    const char *want_out, const char *want_code)
{
	struct rec	 r = { .stop_at_part = 0 };
	struct mp_error	 e;
	size_t		 step, len = strlen(body);
	int		 rc, bad = 0;

	for (step = 1; step <= len; step++) {
		rc = run(boundary, body, len, step, &r, &e);
		if (rc != want_rc || strcmp(r.out, want_out) != 0 ||
		    (want_code != NULL && (e.code == NULL ||
		    strcmp(e.code, want_code) != 0))) {
			if (!bad)
				fprintf(stderr, "step %zu: rc %d out \"%s\" "
				    "code %s\n", step, rc, r.out,
				    e.code ? e.code : "-");
			bad = 1;
		}
	}
	CHECK(!bad);
}

static void
test_boundary(void)
{
	char	b[MP_BOUNDARY_MAX + 1];

	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=abc", "mixed", b),
	    0);
	CHECK_STR(b, "abc");
	CHECK_EQ_INT(mp_boundary("Multipart/Mixed;charset=x; BOUNDARY=\"a b:c\"",
	    "mixed", b), 0);
	CHECK_STR(b, "a b:c");
	CHECK_EQ_INT(mp_boundary("multipart/form-data; boundary=----x1",
	    NULL, b), 0);
	CHECK_STR(b, "----x1");
	CHECK_EQ_INT(mp_boundary("multipart/form-data; boundary=x", "mixed",
	    b), -1);
	CHECK_EQ_INT(mp_boundary("multipart/mixed", "mixed", b), -1);
	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=", "mixed", b),
	    -1);
	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=\"ends \"",
	    "mixed", b), -1);
	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=a\"b", "mixed",
	    b), -1);
	CHECK_EQ_INT(mp_boundary("application/xml; boundary=a", NULL, b), -1);
	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=\"unterminated",
	    "mixed", b), -1);
	/* 70 characters is the most RFC 2046 allows. */
	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=aaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "mixed", b),
	    0);
	CHECK_EQ_INT(mp_boundary("multipart/mixed; boundary=aaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "mixed", b),
	    -1);
	CHECK(mp_new("bad\rboundary", &cbs, NULL) == NULL);
	CHECK(mp_new("", &cbs, NULL) == NULL);
}

static void
test_parts(void)
{
	/* Preamble, two parts with headers, near misses, epilogue. */
	same_for_all_steps("XYZ",
	    "preamble\r\n--XYZ\r\nContent-Type: application/xml\r\n"
	    "X-A:  v  \r\n\r\n<a>\r\n--XY</a>\r\n\r\n-\r\n--XYZ  \r\n\r\n"
	    "two\r\r\n--XYZ--\r\nepilogue --XYZ\r\n",
	    0, "[1]H Content-Type=application/xml;H X-A=v;<a>\r\n--XY</a>"
	    "\r\n\r\n-|[2]two\r|", NULL);
	/* A body that opens with the delimiter, an empty part. */
	same_for_all_steps("b", "--b\r\n\r\n\r\n--b--", 0, "[1]|", NULL);
	/* No parts at all. */
	same_for_all_steps("b", "--b--\r\n", 0, "", NULL);
	/* An empty body has no closing delimiter. */
	same_for_all_steps("b", "x", -1, "", MP_ERR_TRUNCATED);
}

static void
test_broken(void)
{
	struct rec	 r = { .stop_at_part = 0 };
	struct mp_error	 e;
	const char	*body;

	/* Truncated: the first part ends, the second never does. */
	same_for_all_steps("b", "--b\r\n\r\none\r\n--b\r\n\r\ntwo", -1,
	    "[1]one|[2]two", MP_ERR_TRUNCATED);
	/* Junk after a delimiter. */
	same_for_all_steps("b", "--b\r\n\r\none\r\n--bx\r\n\r\n", -1,
	    "[1]one|", MP_ERR_MALFORMED);
	same_for_all_steps("b", "--b\r\n\r\none\r\n--b-x", -1, "[1]one|",
	    MP_ERR_MALFORMED);
	same_for_all_steps("b", "--b\rx", -1, "", MP_ERR_MALFORMED);
	/* Header faults. */
	same_for_all_steps("b", "--b\r\nNo colon\r\n\r\nx\r\n--b--", -1,
	    "[1]", MP_ERR_HEADER);
	same_for_all_steps("b", "--b\r\nA: b\r\n folded\r\n\r\n--b--", -1,
	    "[1]H A=b;", MP_ERR_HEADER);
	same_for_all_steps("b", "--b\r\nA: b\n\r\n--b--", -1, "[1]",
	    MP_ERR_HEADER);
	same_for_all_steps("b", "--b\r\nA: b\rc\r\n\r\n--b--", -1, "[1]",
	    MP_ERR_HEADER);

	/* The error names the part and the offset. */
	body = "--b\r\n\r\none\r\n--b\r\nbad\r\n\r\n";
	CHECK_EQ_INT(run("b", body, strlen(body), strlen(body), &r, &e), -1);
	CHECK_EQ_INT(e.part, 2);
	CHECK_EQ_INT(e.offset, 21);
	CHECK(strstr(e.message, "bad") == NULL);

	/* A callback that stops. */
	r.stop_at_part = 2;
	body = "--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--";
	CHECK_EQ_INT(run("b", body, strlen(body), 5, &r, &e), -1);
	CHECK_STR(e.code, MP_ERR_STOPPED);
	CHECK_STR(r.out, "[1]one|");
}

static void
test_limits(void)
{
	struct rec	 r = { .stop_at_part = 0 };
	struct mp_error	 e;
	char		*body;
	size_t		 len, i;

	/* A header line of MP_HEADER_LINE_MAX bytes is refused. */
	len = 5 + MP_HEADER_LINE_MAX + 16;
	body = malloc(len + 1);
	memcpy(body, "--b\r\nA:", 7);
	memset(body + 7, 'v', len - 7);
	body[len] = '\0';
	CHECK_EQ_INT(run("b", body, len, 100, &r, &e), -1);
	CHECK_STR(e.code, MP_ERR_HEADER);
	free(body);

	/* More than MP_HEADERS_MAX header lines. */
	body = malloc(16 * (MP_HEADERS_MAX + 2) + 32);
	len = 0;
	memcpy(body, "--b\r\n", 5);
	len = 5;
	for (i = 0; i <= MP_HEADERS_MAX; i++) {
		memcpy(body + len, "A: b\r\n", 6);
		len += 6;
	}
	memcpy(body + len, "\r\n--b--", 7);
	len += 7;
	CHECK_EQ_INT(run("b", body, len, len, &r, &e), -1);
	CHECK_STR(e.code, MP_ERR_HEADER);
	free(body);
}

/* multipart/form-data: which parts are files (issue #13). */
static void
test_form_file(void)
{
	static const struct { const char *v; int want; } t[] = {
		{ "form-data; name=\"bestand\"; filename=\"scores.csv\"", 1 },
		{ "form-data; name=bestand; filename=scores.csv", 1 },
		{ "Form-Data ; name=\"a\" ; filename = \"x;y.csv\"", 1 },
		{ "form-data; name=\"f\"; filename*=UTF-8''sc%C3%B6res.csv", 1 },
		{ "form-data; name=\"f\"; filename=\"a\\\"b.csv\"", 1 },
		{ "form-data; name=\"veld\"", 0 },
		{ "form-data", 0 },
		{ "form-data; name=\"bestand\"; filename=\"\"", 0 },
		{ "attachment; filename=\"scores.csv\"", -1 },
		{ "form-data; filename", -1 },
		{ "form-data; name=\"open", -1 },
		{ "form-data; =x", -1 },
		{ "form-data x", -1 },
		{ "", -1 },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (mp_form_file(t[i].v, strlen(t[i].v)) != t[i].want)
			fprintf(stderr, "form_file case %zu\n", i);
		CHECK_EQ_INT(mp_form_file(t[i].v, strlen(t[i].v)), t[i].want);
	}
	/* Only len bytes count: a filename past them is not seen. */
	CHECK_EQ_INT(mp_form_file("form-data; filename=a.csv", 9), 0);
}

int
main(void)
{
	test_form_file();
	test_boundary();
	test_parts();
	test_broken();
	test_limits();
	return test_done("multipart");
}

/*
 * Fuzzes the multipart splitter. The input's first byte picks a feed size,
 * so delimiters straddle feeds in every way; the rest is the body, split
 * with the fixed boundary "sorttp-b". Besides crashes it checks what a
 * caller relies on: the bytes handed out as part data are exactly what one
 * feed of the whole body hands out, begin and end alternate with part
 * numbers counting up from 1, header names are tokens, and an error has a
 * stable code and a message that quotes nothing of the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct seen {
	unsigned char	*data;
	size_t		 len, cap;
	unsigned long	 part, ended;
	int		 open;
};

static int
on_begin(void *arg, unsigned long part)
{
	struct seen	*s = arg;

	if (s->open || part != s->part + 1)
		abort();
	s->part = part;
	s->open = 1;
	return 0;
}

static int
on_header(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	struct seen	*s = arg;
	size_t		 i;

	if (!s->open || nl == 0 || nl >= MP_HEADER_LINE_MAX ||
	    vl >= MP_HEADER_LINE_MAX)
		abort();
	for (i = 0; i < nl; i++)
		if (n[i] == ':' || n[i] == ' ' || n[i] == '\r' || n[i] == '\n')
			abort();
	for (i = 0; i < vl; i++)
		if (v[i] == '\r' || v[i] == '\n')
			abort();
	/* A form part's disposition (POST /v1/scores): one of three. */
	if (mp_form_file(v, vl) < -1 || mp_form_file(v, vl) > 1)
		abort();
	return 0;
}

static int
on_data(void *arg, const char *p, size_t len)
{
	struct seen	*s = arg;

	if (!s->open || len == 0)
		abort();
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		if ((s->data = realloc(s->data, s->cap)) == NULL)
			abort();
	}
	memcpy(s->data + s->len, p, len);
	s->len += len;
	return 0;
}

static int
on_end(void *arg, unsigned long part)
{
	struct seen	*s = arg;

	if (!s->open || part != s->part)
		abort();
	s->open = 0;
	s->ended++;
	return 0;
}

static const struct mp_callbacks cbs = { on_begin, on_header, on_data, on_end };

static int
parse(const char *body, size_t len, size_t step, struct seen *s,
    struct mp_error *e)
{
	struct mp_parser	*p;
	size_t			 i, n;
	int			 rc = 0;

	if ((p = mp_new("sorttp-b", &cbs, s)) == NULL)
		abort();
	for (i = 0; i < len && rc == 0; i += n) {
		n = len - i < step ? len - i : step;
		rc = mp_feed(p, body + i, n);
	}
	if (rc == 0)
		rc = mp_finish(p);
	if (mp_parts(p) != s->ended)
		abort();
	*e = *mp_last_error(p);
	mp_free(p);
	return rc;
}

static void
check_error(const struct mp_error *e, size_t len)
{
	if (e->code == NULL || (strcmp(e->code, MP_ERR_MALFORMED) != 0 &&
	    strcmp(e->code, MP_ERR_TRUNCATED) != 0 &&
	    strcmp(e->code, MP_ERR_HEADER) != 0) ||
	    memchr(e->message, '\0', sizeof(e->message)) == NULL ||
	    e->message[0] == '\0' || e->offset > len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen	 a, b;
	struct mp_error	 ea, eb;
	const char	*body = (const char *)data + 1;
	size_t		 len, step;
	int		 ra, rb;

	if (size == 0)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	len = size - 1;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = parse(body, len, len > 0 ? len : 1, &a, &ea);
	rb = parse(body, len, step, &b, &eb);
	if (ra != rb || a.len != b.len || a.ended != b.ended ||
	    a.part != b.part || (a.len > 0 && memcmp(a.data, b.data,
	    a.len) != 0))
		abort();
	if (ra == -1) {
		check_error(&ea, len);
		if (strcmp(ea.code, eb.code) != 0 || ea.offset != eb.offset ||
		    ea.part != eb.part)
			abort();
	}
	free(a.data);
	free(b.data);
	return 0;
}

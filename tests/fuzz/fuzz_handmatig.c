/*
 * Fuzzes the manual entry's JSON-to-row mapping (handmatig.c). Besides
 * crashes it checks what the upload path relies on: an accepted entry is
 * exactly a header line and one row, both ending in CRLF, with no other
 * line break, every field of the row quoted or empty, the columns of the
 * header and the row equal in number; a refusal has one of the two
 * codes (or none: out of memory) and names no field but a column.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "handmatig.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Fields of one line (a quoted field may hold ';'). */
static size_t
fields(const char *s, size_t len, int row)
{
	size_t	i = 0, n = 1;
	int	q = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			q = !q;
		else if (s[i] == ';' && !q)
			n++;
		else if (row && !q && s[i] != ';' && (i == 0 ||
		    s[i - 1] == ';'))
			abort();	/* a bare value in the row */
	}
	if (q)
		abort();
	return n;
}

static int
is_column(const char *veld)
{
	const char	*c;
	int		 i;

	for (i = 1; (c = handmatig_veld(i, NULL)) != NULL; i++)
		if (strcmp(c, veld) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handmatig_err	 err;
	struct buf		 b;
	const char		*nl;
	size_t			 hl;

	buf_init(&b, 2 * HANDMATIG_BODY_MAX, BUF_WIPE);
	if (handmatig_row((const char *)data, size, "12345678", &b,
	    &err) == 0) {
		if (b.p == NULL || (nl = strstr(b.p, "\r\n")) == NULL)
			abort();
		hl = (size_t)(nl - b.p);
		if (b.len < hl + 4 || memcmp(b.p + b.len - 2, "\r\n", 2) != 0 ||
		    memchr(nl + 2, '\n', b.len - hl - 3) != NULL ||
		    memchr(nl + 2, '\r', b.len - hl - 4) != NULL)
			abort();
		if (fields(b.p, hl, 0) != fields(nl + 2, b.len - hl - 4, 1))
			abort();
	} else {
		if (err.code != NULL && strcmp(err.code, ERR_INVOER_ONGELDIG) !=
		    0 && strcmp(err.code, ERR_VELD_ONBEKEND) != 0)
			abort();
		if (err.veld != NULL && !is_column(err.veld))
			abort();
		if (b.len != 0)
			abort();
	}
	buf_free(&b);
	return 0;
}

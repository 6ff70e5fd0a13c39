/*
 * Fuzzes the reader of an answer's CSV that the .xlsx is written from
 * (ind_xlsx_rows). Besides crashes it checks what the workbook writer
 * relies on: rows numbered from 0, every row as wide as the header, at
 * most IND_XLSX_COLS_MAX fields, every text field NUL-terminated inside
 * the input, numbers finite with at most 15 digits' worth of decimals.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ind_xlsx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct span {
	const char	*p;
	size_t		 len;
	long		 next;
	size_t		 ncols;
};

static int
check(void *arg, long row, const struct ind_xfield *f, size_t n)
{
	struct span	*s = arg;
	size_t		 i;

	if (row != s->next++ || n == 0 || n > IND_XLSX_COLS_MAX)
		abort();
	if (row == 0)
		s->ncols = n;
	else if (n != s->ncols)
		abort();
	for (i = 0; i < n; i++)
		switch (f[i].kind) {
		case IND_X_TEXT:
			if (f[i].text < s->p || f[i].text >= s->p + s->len ||
			    memchr(f[i].text, '\0', (size_t)(s->p + s->len -
			    f[i].text)) == NULL)
				abort();
			break;
		case IND_X_NUM:
			if (!isfinite(f[i].num) || f[i].dec < 0 ||
			    f[i].dec > 15)
				abort();
			break;
		case IND_X_BOOL:
		case IND_X_EMPTY:
		case IND_X_MARK:	/* a bare "*": voorlopig */
			break;
		default:
			abort();
		}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span	 s;
	char		*copy;
	long		 n;

	/* No NUL after the input: the reader must not need one. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	s.p = copy;
	s.len = size;
	s.next = 0;
	s.ncols = 0;
	n = ind_xlsx_rows(copy, size, check, &s);
	if (n != -1 && n != s.next)
		abort();
	free(copy);
	return 0;
}

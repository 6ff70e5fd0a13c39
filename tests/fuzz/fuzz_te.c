/*
 * Fuzzes the Transfer-Encoding check of the HTTP gate (http_te_status).
 * The oracle: the answer is 0, 400 or 501, and 0 exactly when the value,
 * without blanks around it, is one "chunked" in any case. A wrong 0 would
 * let a request through whose body length another reader of the same
 * bytes could see differently.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_server.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
only_chunked(const char *s)
{
	size_t	len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == 7 && strncasecmp(s, "chunked", 7) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;
	unsigned	 st;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	st = http_te_status(s);
	if (st != 0 && st != 400 && st != 501)
		abort();
	if ((st == 0) != only_chunked(s))
		abort();
	free(s);
	return 0;
}

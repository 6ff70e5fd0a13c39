/*
 * Fuzzes the identifier parsers that see client input first: BSN
 * canonicalisation with the elfproef, ToewijzingNummer, AGB and gemeentecode
 * formats, and bounded number parsing. Each result is checked against a
 * plain restatement of its rule, so a wrong answer fails like a crash does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pseudonym.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_bsn(const char *s, size_t len)
{
	char		canon[9];
	size_t		i;
	int		sum = 0, zero = 1;

	if (pseudo_bsn_canon(s, len, canon) != BSN_OK)
		return;
	for (i = 0; i < 9; i++) {
		if (canon[i] < '0' || canon[i] > '9')
			abort();
		sum += (canon[i] - '0') * (i < 8 ? (int)(9 - i) : -1);
		zero &= canon[i] == '0';
	}
	if (zero || sum % 11 != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pseudo_ctx	*ctx;
	static const unsigned char	 key[PSEUDO_KEY_LEN] = { 1, 2, 3 };
	const char			*s = (const char *)data;
	unsigned char			 out[PSEUDO_LEN];
	long long			 v;

	if (ctx == NULL && pseudo_init_key(key, 1, &ctx) == -1)
		abort();
	check_bsn(s, size);
	if (size >= 4 && pseudo_gemeente_format_valid(s, 4) &&
	    pseudo_toewijzing(ctx, s, s + 4, size - 4, out) == 0 &&
	    (size - 4 > PSEUDO_TOEWIJZING_MAX || !util_all_digits(s + 4,
	    size - 4)))
		abort();
	if (pseudo_agb_valid(s, size) && (size != 8 ||
	    !util_all_digits(s, size)))
		abort();
	if (util_memtonum(s, size, -1000, 1000, &v) == 0 &&
	    (v < -1000 || v > 1000))
		abort();
	return 0;
}

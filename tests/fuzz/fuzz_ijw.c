/*
 * Fuzzes the iJw parser with whole documents (seeds: the fixtures in
 * tests/fuzz/seeds/ijw). Besides crashes and leaks it checks what a
 * caller relies on: on success every field has the shape the header
 * promises, on failure the error is one of the stable codes, the output
 * is wiped, and no error text carries a run of digits as long as a BSN.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_ijw.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
digits(const char *s, size_t min, size_t max)
{
	size_t	 len = strlen(s);

	return len >= min && len <= max && util_all_digits(s, len);
}

/* "" or a calendar date "YYYY-MM-DD" (the parser's own rule, restated). */
static int
date_or_empty(const char *s, size_t size)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	long long		 y, m, d;
	int			 leap;

	if (!terminated(s, size))
		return 0;
	if (s[0] == '\0')
		return 1;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    util_memtonum(s, 4, 1, 9999, &y) == -1 ||
	    util_memtonum(s + 5, 2, 1, 12, &m) == -1 ||
	    util_memtonum(s + 8, 2, 1, 31, &d) == -1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

#define DATE_OK(f)	date_or_empty((f), sizeof(f))
#define OPT_DIGITS(f, min, max)						\
	(terminated((f), sizeof(f)) && ((f)[0] == '\0' || digits((f), (min), (max))))

static void
check_product(const struct ijw_message *m, const struct ijw_product *p)
{
	if (!DATE_OK(p->toewijzing_ingangsdatum) || !DATE_OK(p->begindatum) ||
	    !DATE_OK(p->einddatum) || !DATE_OK(p->toewijzingsdatum) ||
	    !DATE_OK(p->ingangsdatum) ||
	    !OPT_DIGITS(p->toewijzingnummer, 1, 9) ||
	    !OPT_DIGITS(p->categorie, 2, 2) ||
	    !OPT_DIGITS(p->reden_beeindiging, 2, 2) ||
	    !OPT_DIGITS(p->reden_wijziging, 2, 2) ||
	    !terminated(p->code, sizeof(p->code)))
		abort();
	if (p->code[0] != '\0' && p->categorie[0] == '\0')
		abort();
	if (m->type == IJW_JW301) {
		if (p->toewijzingnummer[0] == '\0' ||
		    p->toewijzingsdatum[0] == '\0' ||
		    p->ingangsdatum[0] == '\0' || p->begindatum[0] != '\0' ||
		    p->status_aanlevering != 0)
			abort();
	} else {
		if (p->begindatum[0] == '\0' || p->status_aanlevering < 1 ||
		    p->status_aanlevering > 3 || p->ingangsdatum[0] != '\0' ||
		    (p->toewijzingnummer[0] == '\0' && p->categorie[0] == '\0'))
			abort();
		if ((m->type == IJW_JW307) != (p->reden_beeindiging[0] != '\0') ||
		    (m->type == IJW_JW307 && p->einddatum[0] == '\0'))
			abort();
	}
}

static void
check_message(const struct ijw_message *m)
{
	size_t	 i;

	if (m->type != IJW_JW301 && m->type != IJW_JW305 &&
	    m->type != IJW_JW307)
		abort();
	if (m->minor < 0 || m->minor > 2 || m->geslacht < -1 ||
	    m->geslacht > 2 || m->datum_gebruik > IJW_DATUM_ONBEKEND)
		abort();
	if (!terminated(m->bsn, sizeof(m->bsn)) || !digits(m->bsn, 8, 9) ||
	    !terminated(m->gemeente, sizeof(m->gemeente)) ||
	    !digits(m->gemeente, 4, 4) ||
	    !terminated(m->agb, sizeof(m->agb)) || !digits(m->agb, 8, 8) ||
	    !terminated(m->identificatie, sizeof(m->identificatie)) ||
	    m->identificatie[0] == '\0' ||
	    !DATE_OK(m->dagtekening) || m->dagtekening[0] == '\0' ||
	    !DATE_OK(m->geboortedatum) || m->geboortedatum[0] == '\0')
		abort();
	if (m->nproducts < 1 || m->nproducts > IJW_PRODUCTS_MAX)
		abort();
	for (i = 0; i < m->nproducts; i++)
		check_product(m, &m->products[i]);
}

/* Our messages hold element names and limits, never nine digits in a row. */
static void
check_error(const struct ijw_error *e, const struct ijw_message *m)
{
	static const char *const codes[] = {
		IJW_ERR_XML_MALFORMED, IJW_ERR_DTD_FORBIDDEN, IJW_ERR_NOT_IJW,
		IJW_ERR_UNSUPPORTED_MESSAGE, IJW_ERR_HEADER_MISMATCH,
		IJW_ERR_MISSING_ELEMENT, IJW_ERR_INVALID_VALUE,
		IJW_ERR_TOO_MANY_PRODUCTS, IJW_ERR_TOO_LARGE,
		IJW_ERR_TOO_COMPLEX, IJW_ERR_POSTCODE
	};
	const unsigned char	*b = (const unsigned char *)m;
	size_t			 i, run = 0;
	int			 known = 0;

	for (i = 0; i < ARRAY_LEN(codes); i++)
		known |= e->code != NULL && strcmp(e->code, codes[i]) == 0;
	if (!known || !terminated(e->message, sizeof(e->message)) ||
	    !terminated(e->field, sizeof(e->field)) || e->message[0] == '\0' ||
	    e->line < 0 || e->column < 0)
		abort();
	for (i = 0; e->message[i] != '\0'; i++) {
		run = e->message[i] >= '0' && e->message[i] <= '9' ? run + 1 : 0;
		if (run >= 8)
			abort();
	}
	for (i = 0; i < sizeof(*m); i++)
		if (b[i] != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ijw_message	 m;
	struct ijw_error		 e;

	if (ijw_parse((const char *)data, size, &m, &e) == 0)
		check_message(&m);
	else
		check_error(&e, &m);
	ijw_message_wipe(&m);
	return 0;
}

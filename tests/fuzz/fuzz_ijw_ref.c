/*
 * Differential fuzzing of the iJw parser: src/parse_ijw.c (libxml2 SAX2
 * with a small tree of its own) against ijw_ref.c, the parser it replaced
 * (a full libxml2 tree). Both must give the same answer for every
 * document: success with the same message, or failure with the same code,
 * message, field, line and column. Seeds: tests/fuzz/seeds/ijw_ref.
 *
 * Two differences are intended and skipped:
 *  - libxml2's tree builder checks xml:id attributes (an NCName, unique)
 *    and reports a validity error, which the old parser took for
 *    malformed XML; xml:id means nothing to iJw, and no tree is built now;
 *  - past line 65534 the tree's line numbers were libxml2's estimate; the
 *    SAX callbacks see the exact line (beyond any fuzz input's size).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ijw_ref.h"
#include "parse_ijw.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
intended(const struct ijw_error *ref)
{
	return ref->line >= 65535 || (ref->code != NULL &&
	    strcmp(ref->code, IJW_ERR_XML_MALFORMED) == 0 &&
	    (strstr(ref->message, "libxml2-fout 539)") != NULL ||
	    strstr(ref->message, "libxml2-fout 513)") != NULL));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ijw_message	 m, r;
	struct ijw_error		 e, re;
	int				 rc, rrc;

	rc = ijw_parse((const char *)data, size, &m, &e);
	rrc = ijw_ref_parse_limit((const char *)data, size, IJW_INPUT_MAX,
	    &r, &re);
	if (rrc == -1 && intended(&re))
		goto out;
	if (rc != rrc)
		abort();
	if (rc == 0 && memcmp(&m, &r, sizeof(m)) != 0)
		abort();
	if (rc == -1 && (strcmp(e.code, re.code) != 0 ||
	    strcmp(e.message, re.message) != 0 ||
	    strcmp(e.field, re.field) != 0 || e.line != re.line ||
	    e.column != re.column))
		abort();
 out:
	ijw_message_wipe(&m);
	ijw_message_wipe(&r);
	return 0;
}

/*
 * Gebieden (issue #15 breakdowns): the area of a client's postcode, the
 * only thing the TTP keeps of it. The postcode is read from an upload,
 * turned into a gebied in memory and forgotten; the store holds the
 * gebied code, never the postcode (docs/privacy.md).
 *
 * A gebied code is the gemeente's CBS code x 100 + the area's nummer in
 * reference.gebieden (config.h), or + 0 for the rest of the gemeente: a
 * gemeente without areas in the table is one gebied, the whole gemeente.
 * The gebied is decided by the gemeente the record belongs to (the
 * financing gemeente of the toewijzing or scores row), so it never lies
 * outside that gemeente.
 */
#ifndef SORTTP_GEBIED_H
#define SORTTP_GEBIED_H

#include <stddef.h>

#include "config.h"

/*
 * A Dutch postcode, "1234AB", "1234 AB" or "1234" (letters in either
 * case), into its 4-digit number (1000..9999). Returns 0, or -1 when it is
 * none (ERR_POSTCODE_ONGELDIG).
 */
int	gebied_postcode(const char *s, size_t len, int *pc4);

/* The gebied code of 4-digit postcode pc4 in gemeente index gem. */
int	gebied_of(const struct config *, size_t gem, int pc4);

/*
 * The gebied code of a postcode as given in an upload, for gemeente code
 * gemcode: 0 with *code set, 1 when s is empty (no postcode: *code -1),
 * or -1 when s is no postcode or gemcode no gemeente of the region.
 */
int	gebied_from_text(const struct config *, const char *gemcode,
	    const char *s, size_t len, int *code);

/*
 * The gebieden as a dense list, the breakdown's categories: per gemeente
 * (in config order) the rest of the gemeente, then its areas by nummer.
 */
size_t	gebied_count(const struct config *);
/* The list index of code within gemeente index gem, or -1. */
int	gebied_index(const struct config *, size_t gem, int code);
/*
 * The code ("0363-01") and name of list entry i; naam is the area's
 * name, or the gemeente's (with " (overig)" when it has areas).
 */
void	gebied_label(const struct config *, size_t i, char code[8],
	    char *naam, size_t naamlen);

#endif

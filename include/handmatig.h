/*
 * Manual entry ("handmatig invoeren", issue #13): one measurement typed
 * into the web page, sent as a JSON object whose keys are the scores CSV
 * column names and whose values are strings. It is turned into a CSV
 * file of one row (a header and the row) so that it goes through exactly
 * the upload's parser, checks and store path; nothing here validates a
 * value. Pure: no I/O. The caller gives a BUF_WIPE buffer, since the row
 * holds the BSN in clear.
 */
#ifndef SORTTP_HANDMATIG_H
#define SORTTP_HANDMATIG_H

#include <stddef.h>

struct buf;

/*
 * The body: a form of some thirty short fields is far below this; a
 * larger body is not a manual entry.
 */
#define HANDMATIG_BODY_MAX	(16 * 1024)
#define HANDMATIG_VALUE_MAX	64	/* bytes of one value */

struct handmatig_err {
	const char	*code;		/* ERR_INVOER_ONGELDIG, ERR_VELD_ONBEKEND */
	char		 message[192];	/* Dutch; quotes nothing of the input */
	const char	*veld;		/* the column concerned, or NULL */
};

/*
 * json[0..len) into out: the header line and one row, CRLF, every
 * column of the file format in a fixed order (an absent key gives an
 * empty field, so the parser reports a missing value by its column).
 * agb, when absent or empty, is own_agb. Returns 0, or -1 with err filled
 * (a 400: not a JSON object of strings, an unknown key, a value too long
 * or holding a control character) or with err->code NULL when out of
 * memory.
 */
int	handmatig_row(const char *json, size_t len, const char *own_agb,
	    struct buf *out, struct handmatig_err *err);

/*
 * The column an upload error of the row refers to: column is 1-based
 * as in the upload's answer; 0 (the row as a whole) is mapped by code.
 * NULL when none applies.
 */
const char *handmatig_veld(int column, const char *code);

#endif

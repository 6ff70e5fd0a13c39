/*
 * A streaming MIME multipart splitter (RFC 2046 section 5.1), pure: bytes
 * in, callbacks out, no I/O and no allocation beyond its own state. It is
 * used for multipart/mixed message batches and is general enough for
 * multipart/form-data: the boundary comes from the Content-Type, every
 * part header is handed to the caller, and part bodies are delivered in
 * pieces as they arrive, so a body is never held whole.
 *
 * A part's body is everything between the CRLF that ends its header block
 * and the CRLF that precedes the next delimiter ("--" boundary). The
 * preamble before the first delimiter and the epilogue after the closing
 * one ("--" boundary "--") are ignored. Header lines must end in CRLF;
 * folded header lines are refused.
 */
#ifndef SORTTP_MULTIPART_H
#define SORTTP_MULTIPART_H

#include <stddef.h>

#include "errors.h"

#define MP_BOUNDARY_MAX		70	/* RFC 2046: 1..70 characters */
#define MP_HEADER_LINE_MAX	1024	/* bytes of one header line */
#define MP_HEADERS_MAX		32	/* header lines of one part */

/*
 * Error codes (mp_error.code): the public ones of errors.h, and STOPPED,
 * which a caller never passes on (its own callback chose to stop).
 */
#define MP_ERR_BOUNDARY		ERR_MULTIPART_BOUNDARY	/* no usable boundary */
#define MP_ERR_MALFORMED	ERR_MULTIPART_MALFORMED	/* framing broken */
#define MP_ERR_TRUNCATED	ERR_MULTIPART_TRUNCATED	/* no closing delimiter */
#define MP_ERR_HEADER		ERR_MULTIPART_HEADER	/* bad part header */
#define MP_ERR_STOPPED		"multipart_stopped"	/* a callback said stop */

struct mp_error {
	const char	*code;		/* one of MP_ERR_*, NULL when none */
	char		 message[160];	/* Dutch, no input bytes quoted */
	unsigned long	 part;		/* 1-based part the error is in; 0 before the first */
	unsigned long long offset;	/* byte offset in the body */
};

/*
 * Callbacks; each returns 0 to go on or -1 to stop the parse (the feed
 * then returns -1 with MP_ERR_STOPPED). Any may be NULL. A header's name
 * and value are not NUL-terminated; the value has its surrounding blanks
 * removed. end is called when the delimiter after the part is seen.
 */
struct mp_callbacks {
	int	(*begin)(void *arg, unsigned long part);
	int	(*header)(void *arg, const char *name, size_t namelen,
		    const char *value, size_t valuelen);
	int	(*data)(void *arg, const char *p, size_t len);
	int	(*end)(void *arg, unsigned long part);
};

struct mp_parser;

/*
 * The boundary parameter of a multipart Content-Type value (quoted or
 * not), checked against RFC 2046's character set and length. Returns 0,
 * or -1 when the type is not multipart/<subtype> or has no valid
 * boundary. subtype, when not NULL, must match (e.g. "mixed").
 */
int	mp_boundary(const char *content_type, const char *subtype,
	    char out[MP_BOUNDARY_MAX + 1]);

/* A parser for one body; NULL when out of memory or a bad boundary. */
struct mp_parser *mp_new(const char *boundary, const struct mp_callbacks *,
	    void *arg);
void	mp_free(struct mp_parser *);

/* Feeds the next bytes. Returns 0, or -1 with mp_last_error set. */
int	mp_feed(struct mp_parser *, const char *p, size_t len);

/*
 * The body is complete. Returns 0 when the closing delimiter was seen,
 * or -1 (MP_ERR_TRUNCATED) when it was not.
 */
int	mp_finish(struct mp_parser *);

const struct mp_error *mp_last_error(const struct mp_parser *);

/* Parts whose end was seen so far. */
unsigned long mp_parts(const struct mp_parser *);

/*
 * multipart/form-data (RFC 7578): what a part's Content-Disposition value
 * says. 1 for a file ("form-data" with a non-empty filename or filename*
 * parameter), 0 for another form field (also a file input left empty,
 * which browsers send with filename=""), -1 when the value is not
 * form-data or its parameters are malformed. Nothing is copied: the
 * file name may be anything a user typed and is never kept.
 */
int	mp_form_file(const char *value, size_t len);

#endif

/*
 * A strict RFC 8259 scanner over raw bytes that allocates nothing: it
 * bounds nesting, string and number length, and insists on valid UTF-8,
 * no control characters and no \u0000 (which would cut a C string short).
 * cJSON is lax where the RFC is not (it reads "01", takes any byte up to
 * a space for white space, keeps repeated keys), so a body is scanned
 * first and cJSON only ever sees text the scanner accepted.
 *
 * On the way it can find the first value of one root key (find_key) and
 * count its elements when it is an array, so a caller can refuse an
 * oversized batch before allocating anything. The reasons it gives are
 * Dutch, for the senders of the data; the first error wins.
 */
#ifndef SORTTP_JSON_SCAN_H
#define SORTTP_JSON_SCAN_H

#include <stddef.h>

/* What went wrong, for the caller's error code. */
enum jscan_error {
	JSCAN_OK = 0,
	JSCAN_SYNTAX,		/* not JSON, or not strict JSON */
	JSCAN_DEPTH,		/* nested deeper than depth_max */
	JSCAN_LONG		/* a string or number over its maximum */
};

/* What a value is to the scanner: only two places matter. */
enum jscan_role {
	JSCAN_ANY = 0,
	JSCAN_ROOT,		/* the document: look for find_key */
	JSCAN_FOUND		/* find_key's first value: count elements */
};

struct jscan {
	const unsigned char	*s;
	size_t			 len;
	size_t			 pos;
	/* Limits, set by jscan_init. */
	size_t			 string_max;	/* bytes of a string, decoded */
	size_t			 number_max;	/* characters of a number */
	int			 depth_max;	/* nesting of containers */
	const char		*find_key;	/* NULL: none */
	/* The first error. */
	enum jscan_error	 err;
	const char		*why;
	size_t			 epos;
	char			 whybuf[64];
	/* What was found. */
	size_t			 nvalues;	/* values scanned so far */
	size_t			 nfound;	/* root keys find_key */
	size_t			 found_start;	/* the first one's value */
	size_t			 found_end;
	size_t			 nelems;	/* its elements, if an array */
};

void	jscan_init(struct jscan *, const void *s, size_t len,
	    size_t string_max, size_t number_max, int depth_max,
	    const char *find_key);

/*
 * The whole text: one value and nothing but white space after it. 0, or
 * -1 with err, why and epos set (an empty text is a syntax error).
 */
int	jscan_document(struct jscan *);

/* The pieces, for walking text the scanner accepted before. */
void	jscan_ws(struct jscan *);
int	jscan_string(struct jscan *);
int	jscan_value(struct jscan *, int depth, enum jscan_role);
/* Records the first error; returns -1. */
int	jscan_fail(struct jscan *, enum jscan_error, const char *why,
	    size_t pos);
/*
 * 1 when the scanned string at s[start..end) (quotes included) decodes to
 * the ASCII word w; escapes are decoded as cJSON would.
 */
int	jscan_key_is(const unsigned char *s, size_t start, size_t end,
	    const char *w);

/* Line and column (from 1, in bytes) of offset off, for messages. */
void	jscan_position(const unsigned char *s, size_t off, size_t *line,
	    size_t *col);

#endif

/*
 * Streaming multipart splitter (see multipart.h).
 *
 * The body is scanned for the delimiter CRLF "--" boundary with a single
 * matched-prefix counter. The boundary's character set has no CR, so the
 * only place a match can restart is a CR: on a mismatch the bytes held so
 * far are body data and the current byte is looked at afresh. Runs without
 * a CR are found with memchr and handed on in one piece, so the parser
 * costs little more than a copy. The very first delimiter may open the
 * body without a CRLF before it; the parser starts as if one was seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"

enum mp_state {
	MP_PREAMBLE,	/* before the first delimiter: discarded */
	MP_AFTER,	/* just after a delimiter: "--", blanks or CRLF */
	MP_CLOSE,	/* after "--" boundary "-": the second '-' */
	MP_PADDING,	/* blanks after a delimiter, up to the CR */
	MP_LF,		/* the LF that ends a delimiter line */
	MP_HEADERS,	/* a part's header lines */
	MP_BODY,	/* a part's body, up to the next delimiter */
	MP_EPILOGUE,	/* after the closing delimiter: discarded */
	MP_FAILED
};

struct mp_parser {
	enum mp_state		 state;
	char			 delim[4 + MP_BOUNDARY_MAX];	/* CRLF--boundary */
	size_t			 dlen;
	size_t			 match;		/* delim bytes matched */
	char			 line[MP_HEADER_LINE_MAX];
	size_t			 linelen;
	unsigned		 nheaders;
	unsigned long		 part;		/* current part, 1-based */
	unsigned long		 ended;		/* parts whose end was seen */
	unsigned long long	 offset;	/* bytes before this feed */
	struct mp_callbacks	 cb;
	void			*arg;
	struct mp_error		 err;
};

/* RFC 2046 bcharsnospace, plus the space (never last). */
static int
bchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == ' ' ||
	    strchr("'()+_,-./:=?", c) != NULL;
}

static int
boundary_valid(const char *b, size_t len)
{
	size_t	i;

	if (len == 0 || len > MP_BOUNDARY_MAX || b[len - 1] == ' ')
		return 0;
	for (i = 0; i < len; i++)
		if (b[i] == '\0' || !bchar((unsigned char)b[i]))
			return 0;
	return 1;
}

/* RFC 7230 tchar: the characters of a header name or parameter name. */
static int
tchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The value of one parameter at s (after "name="): token or quoted. */
static int
param_value(const char *s, char out[MP_BOUNDARY_MAX + 1])
{
	size_t	len = 0;

	if (*s == '"') {
		for (s++; s[len] != '"'; len++)
			if (s[len] == '\0' || s[len] == '\\' ||
			    len == MP_BOUNDARY_MAX)
				return -1;
	} else
		while (s[len] != '\0' && s[len] != ';' && s[len] != ' ' &&
		    s[len] != '\t') {
			if (len == MP_BOUNDARY_MAX)
				return -1;
			len++;
		}
	if (!boundary_valid(s, len))
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int
mp_boundary(const char *ct, const char *subtype,
    char out[MP_BOUNDARY_MAX + 1])
{
	const char	*s, *name;
	size_t		 len;

	if (ct == NULL)
		return -1;
	s = skip_blanks(ct);
	if (strncasecmp(s, "multipart/", 10) != 0)
		return -1;
	s += 10;
	for (len = 0; tchar((unsigned char)s[len]); len++)
		;
	if (len == 0 || (subtype != NULL && (strlen(subtype) != len ||
	    strncasecmp(s, subtype, len) != 0)))
		return -1;
	s += len;
	for (;;) {
		s = skip_blanks(s);
		if (*s != ';')
			return -1;
		s = skip_blanks(s + 1);
		name = s;
		for (len = 0; tchar((unsigned char)s[len]); len++)
			;
		if (len == 0 || s[len] != '=')
			return -1;
		s += len + 1;
		if (len == 8 && strncasecmp(name, "boundary", 8) == 0)
			return param_value(s, out);
		/* Another parameter: skip its value. */
		if (*s == '"') {
			for (s++; *s != '"'; s++)
				if (*s == '\0')
					return -1;
			s++;
		} else
			while (*s != '\0' && *s != ';' && *s != ' ' &&
			    *s != '\t')
				s++;
	}
}

struct mp_parser *
mp_new(const char *boundary, const struct mp_callbacks *cb, void *arg)
{
	struct mp_parser	*p;
	size_t			 len = strlen(boundary);

	if (!boundary_valid(boundary, len) ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	memcpy(p->delim, "\r\n--", 4);
	memcpy(p->delim + 4, boundary, len);
	p->dlen = 4 + len;
	p->match = 2;	/* the first delimiter may open the body */
	p->state = MP_PREAMBLE;
	if (cb != NULL)
		p->cb = *cb;
	p->arg = arg;
	return p;
}

void
mp_free(struct mp_parser *p)
{
	if (p == NULL)
		return;
	/* Header lines may hold what a sender put there: wipe them. */
	explicit_bzero(p, sizeof(*p));
	free(p);
}

static int
fail(struct mp_parser *p, size_t at, const char *code, const char *msg)
{
	p->state = MP_FAILED;
	p->err.code = code;
	p->err.part = p->part;
	p->err.offset = p->offset + at;
	snprintf(p->err.message, sizeof(p->err.message), "%s", msg);
	return -1;
}

static int
stopped(struct mp_parser *p, size_t at)
{
	return fail(p, at, MP_ERR_STOPPED, "de verwerking is afgebroken");
}

/*
 * Body or preamble bytes from s[0..len): scans for the delimiter, hands
 * body data to the data callback (emit) and returns the bytes consumed;
 * *found is set when the delimiter was completed. -1 when a callback
 * stopped.
 */
static long
scan(struct mp_parser *p, const char *s, size_t len, size_t at, int emit,
    int *found)
{
	const char	*cr;
	size_t		 i = 0, run;

	*found = 0;
	while (i < len) {
		if (p->match == 0) {
			cr = memchr(s + i, '\r', len - i);
			run = cr != NULL ? (size_t)(cr - (s + i)) : len - i;
			if (run > 0 && emit && p->cb.data != NULL &&
			    p->cb.data(p->arg, s + i, run) == -1)
				return stopped(p, at + i);
			i += run;
			if (cr == NULL)
				break;
			p->match = 1;
			i++;
			continue;
		}
		if (s[i] == p->delim[p->match]) {
			i++;
			if (++p->match == p->dlen) {
				p->match = 0;
				*found = 1;
				return (long)i;
			}
			continue;
		}
		/* Not a delimiter after all: the held bytes were data. */
		if (emit && p->cb.data != NULL &&
		    p->cb.data(p->arg, p->delim, p->match) == -1)
			return stopped(p, at + i);
		p->match = 0;
	}
	return (long)i;
}

/* A complete header line (without its CRLF): "Name: value". */
static int
header_line(struct mp_parser *p, size_t at)
{
	const char	*l = p->line, *v;
	size_t		 n, vlen;

	if (l[0] == ' ' || l[0] == '\t')
		return fail(p, at, MP_ERR_HEADER, "een gevouwen kopregel in "
		    "een deel wordt niet ondersteund");
	for (n = 0; n < p->linelen && tchar((unsigned char)l[n]); n++)
		;
	if (n == 0 || n == p->linelen || l[n] != ':')
		return fail(p, at, MP_ERR_HEADER, "een kopregel van een deel "
		    "heeft niet de vorm Naam: waarde");
	if (++p->nheaders > MP_HEADERS_MAX)
		return fail(p, at, MP_ERR_HEADER, "een deel heeft te veel "
		    "kopregels");
	v = l + n + 1;
	vlen = p->linelen - n - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (p->cb.header != NULL && p->cb.header(p->arg, l, n, v, vlen) == -1)
		return stopped(p, at);
	return 0;
}

/* Header bytes; returns bytes consumed, or -1. */
static long
headers(struct mp_parser *p, const char *s, size_t len, size_t at)
{
	size_t	i;
	char	c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (p->linelen > 0 && p->line[p->linelen - 1] == '\r') {
			if (c != '\n')
				return fail(p, at + i, MP_ERR_HEADER, "een "
				    "kopregel van een deel eindigt niet op "
				    "CRLF");
			p->linelen--;
			if (p->linelen == 0) {
				p->state = MP_BODY;
				return (long)i + 1;
			}
			if (header_line(p, at + i) == -1)
				return -1;
			p->linelen = 0;
			continue;
		}
		if (c == '\n' || c == '\0')
			return fail(p, at + i, MP_ERR_HEADER, "een kopregel "
			    "van een deel bevat een los regeleinde of een "
			    "nulteken");
		if (p->linelen == sizeof(p->line))
			return fail(p, at + i, MP_ERR_HEADER, "een kopregel "
			    "van een deel is te lang");
		p->line[p->linelen++] = c;
	}
	return (long)len;
}

/* The bytes after a delimiter, one at a time (there are few). */
static int
after_delimiter(struct mp_parser *p, char c, size_t at)
{
	switch (p->state) {
	case MP_AFTER:
	case MP_PADDING:
		if (c == '-' && p->state == MP_AFTER)
			p->state = MP_CLOSE;
		else if (c == ' ' || c == '\t')
			p->state = MP_PADDING;
		else if (c == '\r')
			p->state = MP_LF;
		else
			return fail(p, at, MP_ERR_MALFORMED, "na een "
			    "scheidingsregel volgt geen regeleinde");
		return 0;
	case MP_CLOSE:
		if (c != '-')
			return fail(p, at, MP_ERR_MALFORMED, "een "
			    "scheidingsregel is onvolledig");
		p->state = MP_EPILOGUE;
		return 0;
	default:	/* MP_LF */
		if (c != '\n')
			return fail(p, at, MP_ERR_MALFORMED, "een "
			    "scheidingsregel eindigt niet op CRLF");
		p->part++;
		p->nheaders = 0;
		p->linelen = 0;
		p->state = MP_HEADERS;
		if (p->cb.begin != NULL && p->cb.begin(p->arg, p->part) == -1)
			return stopped(p, at);
		return 0;
	}
}

int
mp_feed(struct mp_parser *p, const char *s, size_t len)
{
	size_t	i = 0;
	long	n;
	int	found;

	while (i < len) {
		switch (p->state) {
		case MP_FAILED:
			return -1;
		case MP_EPILOGUE:
			i = len;
			break;
		case MP_PREAMBLE:
		case MP_BODY:
			if ((n = scan(p, s + i, len - i, i,
			    p->state == MP_BODY, &found)) == -1)
				return -1;
			i += (size_t)n;
			if (!found)
				break;
			if (p->state == MP_BODY) {
				p->ended++;
				if (p->cb.end != NULL &&
				    p->cb.end(p->arg, p->part) == -1)
					return stopped(p, i);
			}
			p->state = MP_AFTER;
			break;
		case MP_HEADERS:
			if ((n = headers(p, s + i, len - i, i)) == -1)
				return -1;
			i += (size_t)n;
			break;
		default:
			if (after_delimiter(p, s[i], i) == -1)
				return -1;
			i++;
			break;
		}
	}
	p->offset += len;
	return 0;
}

int
mp_finish(struct mp_parser *p)
{
	if (p->state == MP_FAILED)
		return -1;
	if (p->state != MP_EPILOGUE)
		return fail(p, 0, MP_ERR_TRUNCATED, p->part == 0 ?
		    "de body bevat geen enkele scheidingsregel met de "
		    "boundary uit Content-Type" : "de body eindigt voor de "
		    "afsluitende scheidingsregel");
	return 0;
}

const struct mp_error *
mp_last_error(const struct mp_parser *p)
{
	return &p->err;
}

unsigned long
mp_parts(const struct mp_parser *p)
{
	return p->ended;
}

/*
 * One parameter value at s[*i..len): a token or a quoted string (with
 * backslash escapes); its length in *vlen (for a quoted string, of the
 * raw text between the quotes). -1 when malformed.
 */
static int
form_param_value(const char *s, size_t len, size_t *i, size_t *vlen)
{
	size_t	start = *i;

	if (*i < len && s[*i] == '"') {
		for ((*i)++, start = *i; *i < len && s[*i] != '"'; (*i)++)
			if (s[*i] == '\\' && ++(*i) == len)
				return -1;
		if (*i == len)
			return -1;
		*vlen = *i - start;
		(*i)++;
		return 0;
	}
	while (*i < len && tchar((unsigned char)s[*i]))
		(*i)++;
	*vlen = *i - start;
	return *vlen > 0 ? 0 : -1;
}

int
mp_form_file(const char *s, size_t len)
{
	size_t	i = 0, n, name, vlen;
	int	file = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i < 9 || strncasecmp(s + i, "form-data", 9) != 0)
		return -1;
	i += 9;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			return file;
		if (s[i] != ';')
			return -1;
		i++;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		for (name = i; i < len && tchar((unsigned char)s[i]); i++)
			;
		n = i - name;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (n == 0 || i == len || s[i] != '=')
			return -1;
		i++;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (form_param_value(s, len, &i, &vlen) == -1)
			return -1;
		/* filename* (RFC 5987) is never empty when it names a file. */
		if (((n == 8 && strncasecmp(s + name, "filename", 8) == 0) ||
		    (n == 9 && strncasecmp(s + name, "filename*", 9) == 0)) &&
		    vlen > 0)
			file = 1;
	}
}

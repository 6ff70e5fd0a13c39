/*
 * The strict JSON scanner; see json_scan.h. Used by the CEM+ parser
 * (parse_cem.c) before cJSON sees a body.
 */
#include <string.h>

#include "json_scan.h"
#include "util.h"

void
jscan_init(struct jscan *sc, const void *s, size_t len, size_t string_max,
    size_t number_max, int depth_max, const char *find_key)
{
	memset(sc, 0, sizeof(*sc));
	sc->s = s;
	sc->len = len;
	sc->string_max = string_max;
	sc->number_max = number_max;
	sc->depth_max = depth_max;
	sc->find_key = find_key;
}

/* A string (or a number) over its maximum; the reason names the limit. */
static int
too_long(struct jscan *sc, int number, size_t pos)
{
	if (sc->err == JSCAN_OK) {
		if (number)
			util_fmt(sc->whybuf, sizeof(sc->whybuf), "getal langer "
			    "dan %zu tekens", sc->number_max);
		else
			util_fmt(sc->whybuf, sizeof(sc->whybuf), "tekst langer "
			    "dan %zu bytes", sc->string_max);
	}
	return jscan_fail(sc, JSCAN_LONG, sc->whybuf, pos);
}

int
jscan_fail(struct jscan *sc, enum jscan_error err, const char *why,
    size_t pos)
{
	if (sc->err == JSCAN_OK) {
		sc->err = err;
		sc->why = why;
		sc->epos = pos;
	}
	return -1;
}

void
jscan_ws(struct jscan *sc)
{
	while (sc->pos < sc->len && (sc->s[sc->pos] == ' ' ||
	    sc->s[sc->pos] == '\t' || sc->s[sc->pos] == '\n' ||
	    sc->s[sc->pos] == '\r'))
		sc->pos++;
}

static int
scan_hex4(const unsigned char *p, unsigned *out)
{
	unsigned	v = 0, i, c;

	for (i = 0; i < 4; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			c = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | c;
	}
	*out = v;
	return 0;
}

/*
 * Length of the well-formed UTF-8 sequence at p (at most n bytes
 * available), or 0: no overlong forms, no surrogates, nothing above
 * U+10FFFF (RFC 3629 table 3-7).
 */
static size_t
scan_utf8(const unsigned char *p, size_t n)
{
	unsigned char	c = p[0], lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (need >= n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i <= need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need + 1;
}

/* An escape after the backslash at sc->pos; adds its decoded bytes. */
static int
scan_escape(struct jscan *sc, size_t *n)
{
	const unsigned char	*p = sc->s + sc->pos;
	size_t			 left = sc->len - sc->pos;
	unsigned		 cp, lo;

	if (left < 2)
		return jscan_fail(sc, JSCAN_SYNTAX, "tekst niet afgesloten", sc->pos);
	if (strchr("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0') {
		sc->pos += 2;
		(*n)++;
		return 0;
	}
	if (p[1] != 'u')
		return jscan_fail(sc, JSCAN_SYNTAX, "ongeldige escape in tekst",
		    sc->pos);
	if (left < 6 || scan_hex4(p + 2, &cp) == -1)
		return jscan_fail(sc, JSCAN_SYNTAX, "ongeldige \\u-escape in tekst",
		    sc->pos);
	if (cp == 0)
		return jscan_fail(sc, JSCAN_SYNTAX, "\\u0000 is niet toegestaan in "
		    "tekst", sc->pos);
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return jscan_fail(sc, JSCAN_SYNTAX, "losse UTF-16-surrogaat in tekst",
		    sc->pos);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (left < 12 || p[6] != '\\' || p[7] != 'u' ||
		    scan_hex4(p + 8, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
			return jscan_fail(sc, JSCAN_SYNTAX, "losse UTF-16-surrogaat "
			    "in tekst", sc->pos);
		sc->pos += 12;
		*n += 4;
		return 0;
	}
	sc->pos += 6;
	*n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
	return 0;
}

/*
 * A string at sc->pos (the opening quote). Counts the bytes it decodes
 * to and stops as soon as that passes string_max, so a 10 MB string
 * costs 4 kB of scanning.
 */
int
jscan_string(struct jscan *sc)
{
	size_t		start = sc->pos, n = 0, k;
	unsigned char	c;

	sc->pos++;
	for (;;) {
		if (n > sc->string_max)
			return too_long(sc, 0, start);
		if (sc->pos >= sc->len)
			return jscan_fail(sc, JSCAN_SYNTAX, "tekst niet afgesloten",
			    start);
		c = sc->s[sc->pos];
		if (c == '"')
			break;
		if (c < 0x20)
			return jscan_fail(sc, JSCAN_SYNTAX, "stuurteken in tekst "
			    "(gebruik een escape)", sc->pos);
		if (c == '\\') {
			if (scan_escape(sc, &n) == -1)
				return -1;
			continue;
		}
		if (c < 0x80) {
			sc->pos++;
			n++;
			continue;
		}
		if ((k = scan_utf8(sc->s + sc->pos, sc->len - sc->pos)) == 0)
			return jscan_fail(sc, JSCAN_SYNTAX, "geen geldige UTF-8",
			    sc->pos);
		sc->pos += k;
		n += k;
	}
	sc->pos++;
	return 0;
}

static int
scan_digits(struct jscan *sc)
{
	size_t	start = sc->pos;

	while (sc->pos < sc->len && sc->s[sc->pos] >= '0' &&
	    sc->s[sc->pos] <= '9')
		sc->pos++;
	return sc->pos > start ? 0 : -1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
scan_number(struct jscan *sc)
{
	size_t	start = sc->pos;

	if (sc->s[sc->pos] == '-')
		sc->pos++;
	if (sc->pos < sc->len && sc->s[sc->pos] == '0')
		sc->pos++;
	else if (scan_digits(sc) == -1)
		goto bad;
	if (sc->pos < sc->len && sc->s[sc->pos] == '.') {
		sc->pos++;
		if (scan_digits(sc) == -1)
			goto bad;
	}
	if (sc->pos < sc->len && (sc->s[sc->pos] == 'e' ||
	    sc->s[sc->pos] == 'E')) {
		sc->pos++;
		if (sc->pos < sc->len && (sc->s[sc->pos] == '+' ||
		    sc->s[sc->pos] == '-'))
			sc->pos++;
		if (scan_digits(sc) == -1)
			goto bad;
	}
	/* cJSON copies at most 63 characters of a number. */
	if (sc->pos - start > sc->number_max)
		return too_long(sc, 1, start);
	return 0;
bad:
	return jscan_fail(sc, JSCAN_SYNTAX, "ongeldig getal", start);
}

/*
 * 1 when the string at s[start..end) (quotes included, already scanned)
 * decodes to the ASCII word w. Escapes are decoded, so "respon\u0073es"
 * is "responses" here as it is to cJSON.
 */
int
jscan_key_is(const unsigned char *s, size_t start, size_t end, const char *w)
{
	size_t		i = start + 1, k = 0;
	unsigned	cp;

	end--;
	while (i < end) {
		if (w[k] == '\0')
			return 0;
		if (s[i] != '\\') {
			if (s[i++] != (unsigned char)w[k++])
				return 0;
			continue;
		}
		if (s[i + 1] == 'u') {
			if (scan_hex4(s + i + 2, &cp) == -1 ||
			    cp != (unsigned char)w[k++])
				return 0;
			i += 6;
		} else {
			/* Only \" \\ \/ decode to themselves; none is in w. */
			return 0;
		}
	}
	return w[k] == '\0';
}

/*
 * The members of an object or the elements of an array, after the
 * opening bracket. Recursion is bounded: scan_value refuses to open a
 * container at depth_max.
 */
static int
scan_container(struct jscan *sc, int depth, int object, enum jscan_role role)
{
	unsigned char	close = object ? '}' : ']';
	enum jscan_role	child;
	size_t		kstart, vstart;

	sc->pos++;
	jscan_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		return 0;
	}
	for (;;) {
		child = JSCAN_ANY;
		if (object) {
			jscan_ws(sc);
			if (sc->pos >= sc->len || sc->s[sc->pos] != '"')
				return jscan_fail(sc, JSCAN_SYNTAX, "naam (tussen "
				    "aanhalingstekens) verwacht", sc->pos);
			kstart = sc->pos;
			if (jscan_string(sc) == -1)
				return -1;
			if (role == JSCAN_ROOT && sc->find_key != NULL &&
			    jscan_key_is(sc->s, kstart, sc->pos, sc->find_key))
				child = sc->nfound++ == 0 ? JSCAN_FOUND :
				    JSCAN_ANY;
			jscan_ws(sc);
			if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
				return jscan_fail(sc, JSCAN_SYNTAX, "':' verwacht",
				    sc->pos);
			sc->pos++;
		} else if (role == JSCAN_FOUND)
			sc->nelems++;
		jscan_ws(sc);
		vstart = sc->pos;
		if (jscan_value(sc, depth + 1, child) == -1)
			return -1;
		if (child == JSCAN_FOUND) {
			sc->found_start = vstart;
			sc->found_end = sc->pos;
		}
		jscan_ws(sc);
		if (sc->pos >= sc->len)
			return jscan_fail(sc, JSCAN_SYNTAX, "onverwacht einde",
			    sc->pos);
		if (sc->s[sc->pos] == close) {
			sc->pos++;
			return 0;
		}
		if (sc->s[sc->pos] != ',')
			return jscan_fail(sc, JSCAN_SYNTAX, object ? "',' of '}' "
			    "verwacht" : "',' of ']' verwacht", sc->pos);
		sc->pos++;
	}
}

int
jscan_value(struct jscan *sc, int depth, enum jscan_role role)
{
	unsigned char	c;

	jscan_ws(sc);
	if (sc->pos >= sc->len)
		return jscan_fail(sc, JSCAN_SYNTAX, "onverwacht einde", sc->pos);
	sc->nvalues++;
	c = sc->s[sc->pos];
	switch (c) {
	case '{':
	case '[':
		if (depth >= sc->depth_max) {
			util_fmt(sc->whybuf, sizeof(sc->whybuf), "dieper "
			    "genest dan %d niveaus", sc->depth_max);
			return jscan_fail(sc, JSCAN_DEPTH, sc->whybuf,
			    sc->pos);
		}
		return scan_container(sc, depth, c == '{',
		    (role == JSCAN_ROOT && c == '{') ||
		    (role == JSCAN_FOUND && c == '[') ? role : JSCAN_ANY);
	case '"':
		return jscan_string(sc);
	case 't':
	case 'f':
	case 'n':
		if (sc->len - sc->pos >= 4 &&
		    (memcmp(sc->s + sc->pos, "true", 4) == 0 ||
		    memcmp(sc->s + sc->pos, "null", 4) == 0)) {
			sc->pos += 4;
			return 0;
		}
		if (sc->len - sc->pos >= 5 &&
		    memcmp(sc->s + sc->pos, "false", 5) == 0) {
			sc->pos += 5;
			return 0;
		}
		break;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return scan_number(sc);
		break;
	}
	return jscan_fail(sc, JSCAN_SYNTAX, "onverwacht teken", sc->pos);
}

int
jscan_document(struct jscan *sc)
{
	jscan_ws(sc);
	if (jscan_value(sc, 0, JSCAN_ROOT) == -1)
		return -1;
	jscan_ws(sc);
	if (sc->pos != sc->len)
		return jscan_fail(sc, JSCAN_SYNTAX, "tekens na het einde van "
		    "de JSON", sc->pos);
	return 0;
}

void
jscan_position(const unsigned char *s, size_t off, size_t *line,
    size_t *col)
{
	const unsigned char	*p = s, *end = s + off, *nl;

	*line = 1;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		(*line)++;
		p = nl + 1;
	}
	*col = (size_t)(end - p) + 1;
}

/*
 * iJw Bericht parser; see parse_ijw.h.
 *
 * libxml2 tokenises the document and reports it through SAX2 callbacks;
 * no libxml2 tree is built. The callbacks keep a small tree of their own,
 * in one array, of only what the checks below can reach: the root, the
 * children of the elements this file walks (Header, Client, the product
 * list, ...) and the text of the elements whose value it reads, at most
 * VALUE_MAX bytes each. Whatever lies off those paths (Naam,
 * Contactgegevens, Relaties, Commentaar, and anything a later release
 * adds) is counted past, never copied, so it cannot end up in the output
 * by accident. The checks run on that tree once libxml2 has found the
 * whole document well-formed, in the same order as over a full tree, so
 * a document gets the same answer, and errors the same element line.
 * A full libxml2 tree cost about four times the CPU of the whole parse,
 * most of it in allocating, wiping and freeing a node per element and
 * text.
 *
 * A DOCTYPE is refused from the SAX internalSubset callback. libxml2 calls
 * it right after "<!DOCTYPE name ExternalID" and before it reads the "[" of
 * an internal subset, and the callback stops the parser there: no entity is
 * ever declared, expanded or fetched, whatever the global libxml2 defaults
 * are. The options keep entity substitution, DTD loading and network access
 * off as a second line.
 *
 * libxml2 reports errors through a per-context structured handler that
 * keeps the first error's code, line and column and drops its text, which
 * may quote the document. A few libxml2 errors (character conversion) are
 * raised without a context and would go to the thread's generic handler,
 * stderr by default, with bytes of the document; the thread's handlers are
 * therefore silenced for the duration of a parse and restored after it.
 *
 * Before libxml2 sees a byte, a linear pre-scan bounds the document's
 * shape: attributes per element, elements, depth and the length of a text
 * run or attribute value (IJW_*_MAX). libxml2's duplicate-attribute check
 * is quadratic (80,000 attributes cost it 17 s of CPU), and after a fatal
 * error it goes on tokenising with SAX disabled, so the scan must not hand
 * it anything it cannot follow: where the scan loses track of the markup,
 * the rest is passed on only when it holds too few '=' signs to matter,
 * and otherwise refused as malformed on the spot.
 *
 * libxml2's copy of the input is freed, not wiped: the caller's request
 * buffer holds the same bytes at least as long, so the wiping of a request
 * belongs to the caller (or to an xmlMemSetup free hook set once at
 * start-up). The tree of this file holds values (a BSN) and is wiped.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include "dates.h"
#include "gebied.h"
#include "parse_ijw.h"
#include "pseudonym.h"
#include "util.h"

/*
 * Not among the options, on purpose: NOENT (substitute entities), DTDLOAD,
 * DTDATTR, DTDVALID, XINCLUDE and HUGE (which would lift libxml2's limits
 * on depth and text size). BIG_LINES keeps line numbers past 65535 exact;
 * COMPACT stores short text inside its node, saving an allocation for
 * nearly every value of a Bericht.
 */
#define PARSE_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOERROR |		\
	    XML_PARSE_NOWARNING | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES)

#define NS_IJW		"http://www.istandaarden.nl/ijw/"
#define NS_SIZE		64	/* the longest iJw namespace we accept fits */
#define NS_NAME_MAX	15	/* "jw305", "basisschema" */
#define VALUE_MAX	(4 * IJW_IDENTIFICATIE_MAX)	/* longest value read */
#define PATH_SIZE	96
#define PFIELDS_MAX	8

/* How a product element is read. */
enum pkind {
	PK_NUMMER,		/* ToewijzingNummer: 1-9 digits */
	PK_PRODUCT,		/* CDT_Product: Categorie, Code? */
	PK_DATE,		/* LDT_Datum */
	PK_CODE2,		/* two-digit code: JZ588, JZ002 */
	PK_STATUS		/* StatusAanlevering (COD467): 1, 2, 3 */
};

struct pfield {
	const char	*name;
	enum pkind	 kind;
	int		 required;
	size_t		 off;	/* in struct ijw_product */
	size_t		 size;
};

#define PF(name, kind, req, member)					\
	{ name, kind, req, offsetof(struct ijw_product, member),	\
	    sizeof(((struct ijw_product *)NULL)->member) }

/* Product elements per message, as the 3.2 XSDs have them. */
static const struct pfield jw301_fields[] = {
	PF("ToewijzingNummer", PK_NUMMER, 1, toewijzingnummer),
	PF("Product", PK_PRODUCT, 0, categorie),
	PF("Toewijzingsdatum", PK_DATE, 1, toewijzingsdatum),
	PF("Ingangsdatum", PK_DATE, 1, ingangsdatum),
	PF("Einddatum", PK_DATE, 0, einddatum),
	PF("RedenWijziging", PK_CODE2, 0, reden_wijziging),
};

static const struct pfield jw305_fields[] = {
	PF("ToewijzingNummer", PK_NUMMER, 0, toewijzingnummer),
	PF("Product", PK_PRODUCT, 0, categorie),
	PF("ToewijzingIngangsdatum", PK_DATE, 0, toewijzing_ingangsdatum),
	PF("Begindatum", PK_DATE, 1, begindatum),
	PF("StatusAanlevering", PK_STATUS, 1, status_aanlevering),
};

static const struct pfield jw307_fields[] = {
	PF("ToewijzingNummer", PK_NUMMER, 0, toewijzingnummer),
	PF("Product", PK_PRODUCT, 0, categorie),
	PF("ToewijzingIngangsdatum", PK_DATE, 0, toewijzing_ingangsdatum),
	PF("Begindatum", PK_DATE, 1, begindatum),
	PF("RedenBeeindiging", PK_CODE2, 1, reden_beeindiging),
	PF("Einddatum", PK_DATE, 1, einddatum),
	PF("StatusAanlevering", PK_STATUS, 1, status_aanlevering),
};

static const struct msgdef {
	enum ijw_type		 type;
	const char		*ns;		/* jwNNN in the namespace */
	long long		 code;		/* BerichtCode (COD002) */
	int			 from_gemeente;	/* Afzender is a gemeente */
	const char		*list;
	const char		*item;
	const struct pfield	*fields;
	size_t			 nfields;
} msgdefs[] = {
	{ IJW_JW301, "jw301", 436, 1, "ToegewezenProducten",
	    "ToegewezenProduct", jw301_fields, ARRAY_LEN(jw301_fields) },
	{ IJW_JW305, "jw305", 438, 0, "StartProducten", "StartProduct",
	    jw305_fields, ARRAY_LEN(jw305_fields) },
	{ IJW_JW307, "jw307", 440, 0, "StopProducten", "StopProduct",
	    jw307_fields, ARRAY_LEN(jw307_fields) },
};

/*
 * What the tree keeps of an element, by its local name alone (the checks
 * match namespaces themselves): the children of a container, the text of
 * a value.
 */
enum nkind {
	NK_OTHER,		/* kept as a child, never read */
	NK_CONTAINER,		/* its child elements are kept */
	NK_VALUE		/* its text is kept */
};

#define NODE_NONE	(-1)
#define NODES_INLINE	48	/* a Bericht of a few products fits */
#define SAX_DEPTH_MAX	300	/* above libxml2's own limit of 256 */

/*
 * An element of the tree. text is the element's text (text and CDATA
 * children joined, comments and processing instructions skipped) with
 * leading white space dropped, as text_of reads it; bad says it cannot be
 * a value: an element child, or text longer than VALUE_MAX.
 */
struct xnode {
	const char	*name;	/* local name, in libxml2's dictionary */
	const char	*uri;	/* namespace URI; NULL for none */
	long		 line;	/* of the start tag, as libxml2 counts */
	int		 first;	/* children, NODE_NONE for none */
	int		 last;
	int		 next;	/* sibling */
	unsigned char	 kind;
	unsigned char	 bad;
	unsigned char	 len;
	char		 text[VALUE_MAX + 1];
};

/* One parse: where results and errors go, and what libxml2 reported. */
struct parse {
	struct ijw_message	*out;
	struct ijw_error	*err;
	const struct msgdef	*def;
	char			 msgns[NS_SIZE];	/* the Bericht's own */
	char			 basens[NS_SIZE];	/* its basisschema */
	int			 dtd;		/* a DOCTYPE was met */
	int			 xmlcode;	/* first libxml2 error, 0 none */
	long			 line;
	long			 column;
	/* The tree, built by the SAX callbacks (NODE_NONE: not kept). */
	struct xnode		*nodes;		/* inline, or allocated */
	size_t			 nnodes, capnodes;
	int			 nodes_over;	/* more than IJW_ELEMENTS_MAX */
	size_t			 depth;
	int			 stack[SAX_DEPTH_MAX];
	struct xnode		 inline_nodes[NODES_INLINE];
};

static pthread_once_t	init_once = PTHREAD_ONCE_INIT;

static int	fail(struct parse *, const char *, const struct xnode *,
		    const char *, const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

static void
init_libxml(void)
{
	xmlInitParser();
}

/*
 * Records an error: code, the element path (path/name, either may be
 * empty) and a message made only of this file's own strings and numbers.
 * Returns -1 so that callers can return it.
 */
static int
fail(struct parse *p, const char *code, const struct xnode *node, const char *path,
    const char *name, const char *fmt, ...)
{
	struct ijw_error	*err = p->err;
	va_list			 ap;

	err->code = code;
	va_start(ap, fmt);
	(void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	if (name == NULL)
		name = "";
	if (path[0] != '\0' && name[0] != '\0')
		(void)util_fmt(err->field, sizeof(err->field), "%s/%s", path,
		    name);
	else
		(void)util_fmt(err->field, sizeof(err->field), "%s%s", path,
		    name);
	err->line = node != NULL ? node->line : p->line;
	err->column = node != NULL ? 0 : p->column;
	if (err->line < 0)
		err->line = 0;
	return -1;
}

static int
missing(struct parse *p, const struct xnode *parent, const char *path,
    const char *name)
{
	return fail(p, IJW_ERR_MISSING_ELEMENT, parent, path, name,
	    "Het verplichte element %s ontbreekt", name);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
in_ns(const struct xnode *n, const char *ns)
{
	return n->uri != NULL && strcmp(n->uri, ns) == 0;
}

/* The first child of n, and the next sibling of n; NULL for none. */
static const struct xnode *
kid(const struct parse *p, const struct xnode *n)
{
	return n->first == NODE_NONE ? NULL : &p->nodes[n->first];
}

static const struct xnode *
sib(const struct parse *p, const struct xnode *n)
{
	return n->next == NODE_NONE ? NULL : &p->nodes[n->next];
}

/*
 * dst = the strings up to NULL, joined and cut to size. Element paths are
 * built for every product, so this is cheaper than a printf.
 */
static void
path_join(char *dst, size_t size, ...)
{
	va_list		 ap;
	const char	*s;
	size_t		 len = 0, n;

	va_start(ap, size);
	while ((s = va_arg(ap, const char *)) != NULL) {
		n = strlen(s);
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(dst + len, s, n);
		len += n;
	}
	va_end(ap);
	dst[len] = '\0';
}

/* A product's number in its path; buf holds any size_t. */
static void
path_index(char buf[24], size_t v)
{
	char	tmp[24];
	size_t	n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

/* A copy of src cut to size (the callers have checked its length). */
static void
copy_str(char *dst, size_t size, const char *src)
{
	size_t	n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The value of a simple element: its text joined, XML white space trimmed
 * at both ends. Comments and processing instructions in between are
 * skipped, as a schema validator does (on_text). An element child, or a
 * value that does not fit buf, makes the value invalid: nothing is ever
 * truncated.
 */
static int
text_of(const struct xnode *node, char *buf, size_t size, size_t *lenp)
{
	size_t	len = node->len;

	if (node->kind != NK_VALUE || node->bad || len >= size)
		return -1;
	memcpy(buf, node->text, len);
	while (len > 0 && is_space(buf[len - 1]))
		len--;
	buf[len] = '\0';
	*lenp = len;
	return 0;
}

static int
read_value(struct parse *p, const struct xnode *node, const char *path,
    const char *name, char *buf, size_t size, size_t *lenp)
{
	if (text_of(node, buf, size, lenp) == -1)
		return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
		    "%s is te lang of is geen gewone tekst", name);
	return 0;
}

/* A value of min to max ASCII digits, copied to out (outsize > max). */
static int
read_digits(struct parse *p, const struct xnode *node, const char *path,
    const char *name, size_t min, size_t max, char *out, size_t outsize)
{
	char	 v[VALUE_MAX + 1];
	size_t	 len;

	if (read_value(p, node, path, name, v, sizeof(v), &len) == -1)
		return -1;
	if (len < min || len > max || len >= outsize ||
	    !util_all_digits(v, len)) {
		if (min == max)
			return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
			    "%s moet uit %zu cijfers bestaan", name, min);
		return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
		    "%s moet uit %zu tot en met %zu cijfers bestaan", name, min,
		    max);
	}
	memcpy(out, v, len + 1);
	return 0;
}

static int
read_number(struct parse *p, const struct xnode *node, const char *path,
    const char *name, long long *out)
{
	char	 v[5];

	if (read_digits(p, node, path, name, 1, 4, v, sizeof(v)) == -1)
		return -1;
	return util_memtonum(v, strlen(v), 0, 9999, out);
}

/* A one-digit code in [min, max] (Geslacht, DatumGebruik, ...). */
static int
read_code1(struct parse *p, const struct xnode *node, const char *path,
    const char *name, int min, int max, int *out)
{
	char	 v[VALUE_MAX + 1];
	size_t	 len;

	if (read_value(p, node, path, name, v, sizeof(v), &len) == -1)
		return -1;
	if (len != 1 || v[0] < '0' + min || v[0] > '0' + max)
		return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
		    "%s moet een code van %d tot en met %d zijn", name, min,
		    max);
	*out = v[0] - '0';
	return 0;
}

/* "YYYY-MM-DD" naming a day of the calendar (dates.h: its year range). */
static int
is_date(const char *s, size_t len)
{
	int	ymd;

	return len == 10 && date_parse_iso(s, len, &ymd) == 0;
}

/*
 * LDT_Datum restricts xs:date with the pattern [^:Z]*, so a time zone
 * ("Z", "+01:00") is not allowed; it gets its own message because it is
 * the likeliest way for a real system to get a date wrong.
 */
static int
read_date(struct parse *p, const struct xnode *node, const char *path,
    const char *name, char *out, size_t outsize)
{
	char	 v[VALUE_MAX + 1];
	size_t	 len;

	if (read_value(p, node, path, name, v, sizeof(v), &len) == -1)
		return -1;
	if (len > 10 && is_date(v, 10) &&
	    (v[10] == 'Z' || v[10] == '+' || v[10] == '-'))
		return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
		    "%s moet een datum zonder tijdzone zijn", name);
	if (!is_date(v, len) || outsize < IJW_DATE_SIZE)
		return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
		    "%s moet een bestaande datum in de vorm JJJJ-MM-DD zijn",
		    name);
	memcpy(out, v, IJW_DATE_SIZE);
	return 0;
}

/*
 * Finds the children of parent with the given names in namespace ns, at
 * most one of each. Every other child is passed over unread.
 */
static int
collect(struct parse *p, const struct xnode *parent, const char *ns,
    const char *path, const char *const names[], size_t n,
    const struct xnode *found[])
{
	const struct xnode	*c;
	size_t		 i;

	for (i = 0; i < n; i++)
		found[i] = NULL;
	for (c = kid(p, parent); c != NULL; c = sib(p, c)) {
		if (!in_ns(c, ns))
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(c->name, names[i]) == 0)
				break;
		if (i == n)
			continue;
		if (found[i] != NULL)
			return fail(p, IJW_ERR_INVALID_VALUE, c, path,
			    names[i], "Het element %s komt meer dan eens voor",
			    names[i]);
		found[i] = c;
	}
	return 0;
}

/*
 * Splits the part of an iJw namespace after NS_IJW, "3_2/jw305/schema",
 * into release and message name. -1 when it has another shape.
 */
static int
ns_split(const char *s, int *major, int *minor, char *name, size_t size)
{
	long long	 v;
	size_t		 n;

	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
		;
	if (s[n] != '_' || util_memtonum(s, n, 0, 99, &v) == -1)
		return -1;
	*major = (int)v;
	s += n + 1;
	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
		;
	if (s[n] != '/' || util_memtonum(s, n, 0, 99, &v) == -1)
		return -1;
	*minor = (int)v;
	s += n + 1;
	for (n = 0; (s[n] >= 'a' && s[n] <= 'z') ||
	    (s[n] >= '0' && s[n] <= '9'); n++)
		if (n == NS_NAME_MAX || n + 1 >= size)
			return -1;
	if (n == 0 || strcmp(s + n, "/schema") != 0)
		return -1;
	memcpy(name, s, n);
	name[n] = '\0';
	return 0;
}

/*
 * The root must be Bericht in an iJw message namespace; its release and
 * message name select the msgdef and the basisschema namespace. The
 * namespace must be spelled exactly as rebuilt from its parts, so that
 * "3_02" or "3_2/jw305/schema/" cannot pass for "3_2/jw305/schema".
 */
static int
identify(struct parse *p, const struct xnode *root)
{
	const char	*href;
	char		 name[NS_NAME_MAX + 1];
	size_t		 i;
	int		 major, minor;

	if (root->uri == NULL || strcmp(root->name, "Bericht") != 0)
		return fail(p, IJW_ERR_NOT_IJW, root, "", NULL,
		    "Het hoofdelement is geen iJw-Bericht");
	href = root->uri;
	if (strncmp(href, NS_IJW, strlen(NS_IJW)) != 0 ||
	    ns_split(href + strlen(NS_IJW), &major, &minor, name,
	    sizeof(name)) == -1)
		return fail(p, IJW_ERR_NOT_IJW, root, "", NULL,
		    "Het hoofdelement staat niet in een iJw-namespace");
	if (major != 3 || minor > 2)
		return fail(p, IJW_ERR_UNSUPPORTED_MESSAGE, root, "", NULL,
		    "Alleen iJw-release 3.0, 3.1 en 3.2 worden ondersteund");
	for (i = 0; i < ARRAY_LEN(msgdefs); i++)
		if (strcmp(name, msgdefs[i].ns) == 0)
			break;
	if (i == ARRAY_LEN(msgdefs))
		return fail(p, IJW_ERR_UNSUPPORTED_MESSAGE, root, "", NULL,
		    "Alleen JW301, JW305 en JW307 worden ondersteund");
	if (util_fmt(p->msgns, sizeof(p->msgns), NS_IJW "%d_%d/%s/schema",
	    major, minor, name) == -1 || strcmp(p->msgns, href) != 0 ||
	    util_fmt(p->basens, sizeof(p->basens),
	    NS_IJW "%d_%d/basisschema/schema", major, minor) == -1)
		return fail(p, IJW_ERR_NOT_IJW, root, "", NULL,
		    "Het hoofdelement staat niet in een iJw-namespace");
	p->def = &msgdefs[i];
	p->out->type = p->def->type;
	p->out->minor = minor;
	return 0;
}

/*
 * BerichtCode, -Versie and -Subversie must agree with the namespace. A code
 * of another supported message is a mismatch; any other code names a
 * message sorttp does not take.
 */
static int
check_code(struct parse *p, const struct xnode *code, const struct xnode *versie,
    const struct xnode *subversie)
{
	long long	 v;
	size_t		 i;

	if (read_number(p, code, "Header", "BerichtCode", &v) == -1)
		return -1;
	if (v != p->def->code) {
		for (i = 0; i < ARRAY_LEN(msgdefs); i++)
			if (v == msgdefs[i].code)
				return fail(p, IJW_ERR_HEADER_MISMATCH, code,
				    "Header", "BerichtCode", "BerichtCode past "
				    "niet bij de namespace, die %lld (%s) "
				    "verwacht", p->def->code,
				    ijw_type_name(p->def->type));
		return fail(p, IJW_ERR_UNSUPPORTED_MESSAGE, code, "Header",
		    "BerichtCode", "BerichtCode moet 436 (JW301), 438 (JW305) "
		    "of 440 (JW307) zijn");
	}
	if (read_number(p, versie, "Header", "BerichtVersie", &v) == -1)
		return -1;
	if (v != 3)
		return fail(p, IJW_ERR_HEADER_MISMATCH, versie, "Header",
		    "BerichtVersie", "BerichtVersie moet 3 zijn");
	if (read_number(p, subversie, "Header", "BerichtSubversie", &v) == -1)
		return -1;
	if (v != p->out->minor)
		return fail(p, IJW_ERR_HEADER_MISMATCH, subversie, "Header",
		    "BerichtSubversie", "BerichtSubversie moet %d zijn, de "
		    "release van de namespace", p->out->minor);
	return 0;
}

/* An AGB code (8 digits) or a gemeentecode (4 digits) by direction. */
static int
read_party(struct parse *p, const struct xnode *node, const char *name,
    int gemeente, char *out, size_t outsize)
{
	char	 v[VALUE_MAX + 1];
	size_t	 len;

	if (read_value(p, node, "Header", name, v, sizeof(v), &len) == -1)
		return -1;
	if (gemeente && !pseudo_gemeente_format_valid(v, len))
		return fail(p, IJW_ERR_INVALID_VALUE, node, "Header", name,
		    "%s van een %s moet een gemeentecode van 4 cijfers zijn",
		    name, ijw_type_name(p->def->type));
	if (!gemeente && !pseudo_agb_valid(v, len))
		return fail(p, IJW_ERR_INVALID_VALUE, node, "Header", name,
		    "%s van een %s moet een AGB-code van 8 cijfers zijn", name,
		    ijw_type_name(p->def->type));
	if (len >= outsize)
		return fail(p, IJW_ERR_INVALID_VALUE, node, "Header", name,
		    "%s is te lang", name);
	memcpy(out, v, len + 1);
	return 0;
}

/*
 * LDT_IdentificatieBericht: 1 to 12 characters (not bytes; libxml2 hands
 * over UTF-8), no control characters.
 */
static int
read_identificatie(struct parse *p, const struct xnode *node, const char *path)
{
	char		 v[IJW_IDENTIFICATIE_SIZE];
	size_t		 len, i, chars = 0;
	unsigned char	 c;

	if (read_value(p, node, path, "Identificatie", v, sizeof(v),
	    &len) == -1)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f)
			chars = IJW_IDENTIFICATIE_MAX + 1;
		else if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (chars < 1 || chars > IJW_IDENTIFICATIE_MAX)
		return fail(p, IJW_ERR_INVALID_VALUE, node, path,
		    "Identificatie", "Identificatie moet 1 tot en met %d "
		    "tekens lang zijn", IJW_IDENTIFICATIE_MAX);
	memcpy(p->out->identificatie, v, len + 1);
	return 0;
}

static int
parse_berichtidentificatie(struct parse *p, const struct xnode *node)
{
	static const char *const names[] = { "Identificatie", "Dagtekening" };
	static const char	 path[] = "Header/BerichtIdentificatie";
	const struct xnode		*f[ARRAY_LEN(names)];

	if (collect(p, node, p->basens, path, names, ARRAY_LEN(names),
	    f) == -1)
		return -1;
	if (f[0] == NULL)
		return missing(p, node, path, names[0]);
	if (f[1] == NULL)
		return missing(p, node, path, names[1]);
	if (read_identificatie(p, f[0], path) == -1)
		return -1;
	return read_date(p, f[1], path, names[1], p->out->dagtekening,
	    sizeof(p->out->dagtekening));
}

static int
parse_header(struct parse *p, const struct xnode *header)
{
	static const char *const names[] = {
		"BerichtCode", "BerichtVersie", "BerichtSubversie",
		"Afzender", "Ontvanger", "BerichtIdentificatie"
	};
	struct ijw_message	*out = p->out;
	const struct xnode		*f[ARRAY_LEN(names)];
	size_t			 i;
	int			 g = p->def->from_gemeente;

	if (collect(p, header, p->msgns, "Header", names, ARRAY_LEN(names),
	    f) == -1)
		return -1;
	for (i = 0; i < ARRAY_LEN(names); i++)
		if (f[i] == NULL)
			return missing(p, header, "Header", names[i]);
	if (check_code(p, f[0], f[1], f[2]) == -1 ||
	    read_party(p, f[3], names[3], g, out->afzender,
	    sizeof(out->afzender)) == -1 ||
	    read_party(p, f[4], names[4], !g, out->ontvanger,
	    sizeof(out->ontvanger)) == -1 ||
	    parse_berichtidentificatie(p, f[5]) == -1)
		return -1;
	copy_str(out->gemeente, sizeof(out->gemeente),
	    g ? out->afzender : out->ontvanger);
	copy_str(out->agb, sizeof(out->agb), g ? out->ontvanger : out->afzender);
	return 0;
}

/* Geboortedatum (CDT_Geboortedatum): Datum, DatumGebruik? (COD170). */
static int
parse_geboortedatum(struct parse *p, const struct xnode *node)
{
	static const char *const names[] = { "Datum", "DatumGebruik" };
	static const char	 path[] = "Client/Geboortedatum";
	const struct xnode		*f[ARRAY_LEN(names)];
	int			 v;

	if (collect(p, node, p->basens, path, names, ARRAY_LEN(names),
	    f) == -1)
		return -1;
	if (f[0] == NULL)
		return missing(p, node, path, names[0]);
	if (read_date(p, f[0], path, names[0], p->out->geboortedatum,
	    sizeof(p->out->geboortedatum)) == -1)
		return -1;
	if (f[1] != NULL) {
		if (read_code1(p, f[1], path, names[1], 1, 3, &v) == -1)
			return -1;
		p->out->datum_gebruik = (enum ijw_datum_gebruik)v;
	}
	return 0;
}

/* Product (CDT_Product): Categorie (2 digits), Code? (1-5 letters/digits). */
static int
parse_product_code(struct parse *p, const struct xnode *node, const char *ppath,
    struct ijw_product *pr)
{
	static const char *const names[] = { "Categorie", "Code" };
	char			 path[PATH_SIZE], v[VALUE_MAX + 1];
	const struct xnode		*f[ARRAY_LEN(names)];
	size_t			 len, i;

	path_join(path, sizeof(path), ppath, "/Product", NULL);
	if (collect(p, node, p->basens, path, names, ARRAY_LEN(names),
	    f) == -1)
		return -1;
	if (f[0] == NULL)
		return missing(p, node, path, names[0]);
	if (read_digits(p, f[0], path, names[0], 2, 2, pr->categorie,
	    sizeof(pr->categorie)) == -1)
		return -1;
	if (f[1] == NULL)
		return 0;
	if (read_value(p, f[1], path, names[1], v, sizeof(v), &len) == -1)
		return -1;
	for (i = 0; i < len; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= 'a' && v[i] <= 'z')))
			break;
	if (len < 1 || len >= sizeof(pr->code) || i < len)
		return fail(p, IJW_ERR_INVALID_VALUE, f[1], path, names[1],
		    "Code moet uit 1 tot en met %zu letters of cijfers bestaan",
		    sizeof(pr->code) - 1);
	memcpy(pr->code, v, len + 1);
	return 0;
}

static int
read_pfield(struct parse *p, const struct xnode *node, const char *path,
    const struct pfield *fd, struct ijw_product *pr)
{
	char	*dst = (char *)pr + fd->off;

	switch (fd->kind) {
	case PK_NUMMER:
		return read_digits(p, node, path, fd->name, 1,
		    PSEUDO_TOEWIJZING_MAX, dst, fd->size);
	case PK_PRODUCT:
		return parse_product_code(p, node, path, pr);
	case PK_DATE:
		return read_date(p, node, path, fd->name, dst, fd->size);
	case PK_CODE2:
		return read_digits(p, node, path, fd->name, 2, 2, dst,
		    fd->size);
	case PK_STATUS:
		return read_code1(p, node, path, fd->name, 1, 3,
		    &pr->status_aanlevering);
	}
	return fail(p, IJW_ERR_INVALID_VALUE, node, path, fd->name,
	    "%s kan niet worden gelezen", fd->name);
}

/*
 * One product, through the msgdef's field table. In a JW305/JW307 a
 * product without ToewijzingNummer (taakgericht) is known by its Product
 * and Begindatum, so it must have a Product.
 */
static int
parse_product(struct parse *p, const struct xnode *node, size_t idx)
{
	const struct msgdef	*def = p->def;
	struct ijw_product	*pr = &p->out->products[idx];
	const char		*names[PFIELDS_MAX];
	const struct xnode	*f[PFIELDS_MAX];
	char			 path[PATH_SIZE], num[24];
	size_t			 i;

	path_index(num, idx + 1);
	path_join(path, sizeof(path), "Client/", def->list, "/", def->item,
	    "[", num, "]", NULL);
	for (i = 0; i < def->nfields && i < PFIELDS_MAX; i++)
		names[i] = def->fields[i].name;
	if (collect(p, node, p->msgns, path, names, i, f) == -1)
		return -1;
	for (i = 0; i < def->nfields && i < PFIELDS_MAX; i++) {
		if (f[i] == NULL) {
			if (def->fields[i].required)
				return missing(p, node, path, names[i]);
			continue;
		}
		if (read_pfield(p, f[i], path, &def->fields[i], pr) == -1)
			return -1;
	}
	if (def->type != IJW_JW301 && pr->toewijzingnummer[0] == '\0' &&
	    pr->categorie[0] == '\0')
		return fail(p, IJW_ERR_MISSING_ELEMENT, node, path,
		    "ToewijzingNummer", "Een product zonder ToewijzingNummer "
		    "moet een Product hebben");
	return 0;
}

static int
parse_products(struct parse *p, const struct xnode *list)
{
	const struct msgdef	*def = p->def;
	const struct xnode		*c;
	char			 path[PATH_SIZE];
	size_t			 n = 0;

	/* Counted first, so an oversized list fails before any work. */
	for (c = kid(p, list); c != NULL; c = sib(p, c))
		if (in_ns(c, p->msgns) && strcmp(c->name, def->item) == 0)
			n++;
	path_join(path, sizeof(path), "Client/", def->list, NULL);
	if (n == 0)
		return missing(p, list, path, def->item);
	if (n > IJW_PRODUCTS_MAX)
		return fail(p, IJW_ERR_TOO_MANY_PRODUCTS, list, "Client",
		    def->list, "Het Bericht heeft meer dan %d producten",
		    IJW_PRODUCTS_MAX);
	n = 0;
	for (c = kid(p, list); c != NULL; c = sib(p, c)) {
		if (!in_ns(c, p->msgns) || strcmp(c->name, def->item) != 0)
			continue;
		if (parse_product(p, c, n) == -1)
			return -1;
		n++;
	}
	p->out->nproducts = n;
	return 0;
}

/*
 * JW301 Client/Contactgegevens: of each Contact only Soort and the
 * Postcode of its Adres, and only a Dutch one (LandCode NL or absent),
 * into its 4 digits: the BRP address (Soort 01) wins, else the first.
 * Street, number, place and the rest are passed over unread.
 */
static int
parse_postcode(struct parse *p, const struct xnode *cg)
{
	static const char *const cnames[] = { "Soort", "Adres" };
	static const char *const anames[] = { "Postcode", "LandCode" };
	static const char	 path[] = "Client/Contactgegevens/Contact";
	const struct xnode	*c, *f[ARRAY_LEN(cnames)], *a[ARRAY_LEN(anames)];
	char			 v[VALUE_MAX + 1], soort[VALUE_MAX + 1];
	size_t			 len, slen;
	int			 pc4, best = 0;

	for (c = kid(p, cg); c != NULL; c = sib(p, c)) {
		if (!in_ns(c, p->msgns) || strcmp(c->name, "Contact") != 0)
			continue;
		if (collect(p, c, p->msgns, path, cnames, ARRAY_LEN(cnames),
		    f) == -1)
			return -1;
		if (f[1] == NULL)
			continue;
		if (collect(p, f[1], p->basens, path, anames,
		    ARRAY_LEN(anames), a) == -1)
			return -1;
		if (a[0] == NULL)
			continue;
		if (a[1] != NULL) {
			if (read_value(p, a[1], path, anames[1], v, sizeof(v),
			    &len) == -1)
				return -1;
			if (len != 2 || memcmp(v, "NL", 2) != 0)
				continue;	/* abroad: no gebied */
		}
		if (read_value(p, a[0], path, anames[0], v, sizeof(v),
		    &len) == -1)
			return -1;
		if (gebied_postcode(v, len, &pc4) == -1) {
			explicit_bzero(v, sizeof(v));
			return fail(p, IJW_ERR_POSTCODE, a[0], path,
			    anames[0], "Postcode moet uit 4 cijfers (de eerste "
			    "geen 0) en 2 letters bestaan");
		}
		explicit_bzero(v, sizeof(v));
		slen = 0;
		if (f[0] != NULL && read_value(p, f[0], path, cnames[0], soort,
		    sizeof(soort), &slen) == -1)
			return -1;
		if (best == 0 || (slen == 2 && memcmp(soort, "01", 2) == 0 &&
		    best != 1)) {
			p->out->pc4 = pc4;
			best = slen == 2 && memcmp(soort, "01", 2) == 0 ? 1 : 2;
		}
	}
	return 0;
}

/*
 * Client: Bsn, Geboortedatum, Geslacht, the product list, and in a JW301
 * the postcode of Contactgegevens; no more.
 */
static int
parse_client(struct parse *p, const struct xnode *client)
{
	const char	*names[] = {
		"Bsn", "Geboortedatum", "Geslacht", p->def->list,
		"Contactgegevens"
	};
	const struct xnode	*f[ARRAY_LEN(names)];

	if (collect(p, client, p->msgns, "Client", names, ARRAY_LEN(names),
	    f) == -1)
		return -1;
	if (f[0] == NULL)
		return missing(p, client, "Client", names[0]);
	if (read_digits(p, f[0], "Client", names[0], 8, 9, p->out->bsn,
	    sizeof(p->out->bsn)) == -1)
		return -1;
	if (f[1] == NULL)
		return missing(p, client, "Client", names[1]);
	if (parse_geboortedatum(p, f[1]) == -1)
		return -1;
	if (f[2] != NULL && read_code1(p, f[2], "Client", names[2], 0, 2,
	    &p->out->geslacht) == -1)
		return -1;
	if (f[3] == NULL)
		return missing(p, client, "Client", names[3]);
	if (f[4] != NULL && p->out->type == IJW_JW301 &&
	    parse_postcode(p, f[4]) == -1)
		return -1;
	return parse_products(p, f[3]);
}

static int
parse_tree(struct parse *p)
{
	static const char *const names[] = { "Header", "Client" };
	const struct xnode	*root, *f[ARRAY_LEN(names)];

	if ((root = p->nnodes > 0 ? &p->nodes[0] : NULL) == NULL)
		return fail(p, IJW_ERR_XML_MALFORMED, NULL, "", NULL,
		    "Het document heeft geen hoofdelement");
	if (identify(p, root) == -1 ||
	    collect(p, root, p->msgns, "", names, ARRAY_LEN(names), f) == -1)
		return -1;
	if (f[0] == NULL)
		return missing(p, root, "", names[0]);
	if (parse_header(p, f[0]) == -1)
		return -1;
	if (f[1] == NULL)
		return missing(p, root, "", names[1]);
	return parse_client(p, f[1]);
}

/*
 * libxml2's error callback: keeps the first error's code and position and
 * drops its text. Warnings are ignored; any error fails the parse.
 */
static void
on_xml_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct parse		*p;

	if (ctxt == NULL || (p = ctxt->_private) == NULL || e == NULL ||
	    e->level < XML_ERR_ERROR || p->xmlcode != 0)
		return;
	p->xmlcode = e->code != 0 ? e->code : -1;
	p->line = e->line;
	p->column = e->int2;
}

/* A DOCTYPE (or, defensively, anything a DTD would bring): stop at once. */
static void
on_doctype(void *ctx, const xmlChar *name, const xmlChar *extid,
    const xmlChar *sysid)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct parse		*p = ctxt->_private;

	(void)name;
	(void)extid;
	(void)sysid;
	if (!p->dtd) {
		p->dtd = 1;
		p->line = ctxt->input != NULL ? ctxt->input->line : 0;
		p->column = ctxt->input != NULL ? ctxt->input->col : 0;
	}
	xmlStopParser(ctxt);
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *pubid, const xmlChar *sysid, xmlChar *content)
{
	(void)type;
	(void)content;
	on_doctype(ctx, name, pubid, sysid);
}

static xmlParserInputPtr
on_resolve_entity(void *ctx, const xmlChar *pubid, const xmlChar *sysid)
{
	on_doctype(ctx, NULL, pubid, sysid);
	return NULL;
}

static void
silent_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static void
silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/*
 * The kind of an element by its local name: the containers are the
 * elements the checks walk into, the values those they read. Names are
 * told apart by length first: this runs for every kept element.
 */
static enum nkind
kind_of(const char *name, size_t len)
{
	static const struct {
		const char	*name;
		unsigned char	 len, kind;
	} kinds[] = {
#define K(s, k)	{ s, sizeof(s) - 1, k }
		K("Header", NK_CONTAINER), K("BerichtIdentificatie",
		    NK_CONTAINER), K("Client", NK_CONTAINER),
		K("Geboortedatum", NK_CONTAINER),
		K("ToegewezenProducten", NK_CONTAINER),
		K("StartProducten", NK_CONTAINER),
		K("StopProducten", NK_CONTAINER),
		K("ToegewezenProduct", NK_CONTAINER),
		K("StartProduct", NK_CONTAINER), K("StopProduct", NK_CONTAINER),
		K("Product", NK_CONTAINER),
		K("Contactgegevens", NK_CONTAINER), K("Contact", NK_CONTAINER),
		K("Adres", NK_CONTAINER), K("Soort", NK_VALUE),
		K("Postcode", NK_VALUE), K("LandCode", NK_VALUE),
		K("BerichtCode", NK_VALUE), K("BerichtVersie", NK_VALUE),
		K("BerichtSubversie", NK_VALUE), K("Afzender", NK_VALUE),
		K("Ontvanger", NK_VALUE), K("Identificatie", NK_VALUE),
		K("Dagtekening", NK_VALUE), K("Bsn", NK_VALUE),
		K("Datum", NK_VALUE), K("DatumGebruik", NK_VALUE),
		K("Geslacht", NK_VALUE), K("ToewijzingNummer", NK_VALUE),
		K("Categorie", NK_VALUE), K("Code", NK_VALUE),
		K("Toewijzingsdatum", NK_VALUE), K("Ingangsdatum", NK_VALUE),
		K("Einddatum", NK_VALUE), K("RedenWijziging", NK_VALUE),
		K("ToewijzingIngangsdatum", NK_VALUE),
		K("Begindatum", NK_VALUE), K("StatusAanlevering", NK_VALUE),
		K("RedenBeeindiging", NK_VALUE)
#undef K
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(kinds); i++)
		if (kinds[i].len == len && kinds[i].name[0] == name[0] &&
		    memcmp(kinds[i].name, name, len) == 0)
			return (enum nkind)kinds[i].kind;
	return NK_OTHER;
}

/*
 * Room for one more node: the inline array first, then the heap, doubling
 * up to IJW_ELEMENTS_MAX (the pre-scan's bound, which a document it lost
 * track of could pass). The old array holds values and is wiped.
 */
static int
node_room(struct parse *p)
{
	struct xnode	*nn;
	size_t		 ncap;

	if (p->nnodes < p->capnodes)
		return 0;
	if (p->capnodes >= IJW_ELEMENTS_MAX)
		return -1;
	ncap = p->capnodes * 2;
	if (ncap > IJW_ELEMENTS_MAX)
		ncap = IJW_ELEMENTS_MAX;
	if ((nn = calloc(ncap, sizeof(*nn))) == NULL)
		return -1;
	memcpy(nn, p->nodes, p->nnodes * sizeof(*nn));
	explicit_bzero(p->nodes, p->nnodes * sizeof(*nn));
	if (p->nodes != p->inline_nodes)
		free(p->nodes);
	p->nodes = nn;
	p->capnodes = ncap;
	return 0;
}

/* Empties the tree (wiped), ready for another parse of the document. */
static void
tree_reset(struct parse *p)
{
	explicit_bzero(p->nodes, p->nnodes * sizeof(*p->nodes));
	if (p->nodes != p->inline_nodes)
		free(p->nodes);
	p->nodes = p->inline_nodes;
	p->capnodes = NODES_INLINE;
	p->nnodes = 0;
	p->depth = 0;
	p->nodes_over = 0;
}

/*
 * The start of an element, from either tokeniser. A node is kept for the
 * root and for every child of a container; an element below a kept node
 * marks that node as no plain value. name and uri must outlive the parse
 * (libxml2's dictionary, or the fast path's copies). Returns -1 when the
 * tree is full (IJW_ELEMENTS_MAX nodes).
 */
static int
tree_start(struct parse *p, const char *name, size_t namelen,
    const char *uri, long line)
{
	struct xnode	*n, *parent = NULL;
	int		 idx = NODE_NONE, pidx = NODE_NONE;

	if (p->depth > 0 && p->depth <= SAX_DEPTH_MAX &&
	    (pidx = p->stack[p->depth - 1]) != NODE_NONE) {
		parent = &p->nodes[pidx];
		parent->bad = 1;
	}
	if (p->depth == 0 || (parent != NULL &&
	    parent->kind == NK_CONTAINER)) {
		if (node_room(p) == -1)
			return -1;
		idx = (int)p->nnodes++;
		n = &p->nodes[idx];
		n->name = name;
		n->uri = uri;
		n->line = line;
		n->first = n->last = n->next = NODE_NONE;
		n->kind = (unsigned char)(p->depth == 0 ? NK_CONTAINER :
		    kind_of(name, namelen));
		n->bad = 0;
		n->len = 0;
		if (pidx != NODE_NONE) {
			parent = &p->nodes[pidx];	/* the array may move */
			if (parent->first == NODE_NONE)
				parent->first = idx;
			else
				p->nodes[parent->last].next = idx;
			parent->last = idx;
		}
	}
	if (p->depth < SAX_DEPTH_MAX)
		p->stack[p->depth] = idx;
	p->depth++;
	return 0;
}

static void
tree_end(struct parse *p)
{
	if (p->depth > 0)
		p->depth--;
}

/*
 * Text (or CDATA) of the current element, kept for a value: leading white
 * space dropped while nothing is kept yet, and more than VALUE_MAX bytes
 * make the value bad (text_of's rule over the joined text).
 */
static void
tree_text(struct parse *p, const char *ch, size_t m)
{
	struct xnode	*n;
	size_t		 k = 0;
	int		 idx;

	if (p->depth == 0 || p->depth > SAX_DEPTH_MAX ||
	    (idx = p->stack[p->depth - 1]) == NODE_NONE)
		return;
	n = &p->nodes[idx];
	if (n->kind != NK_VALUE || n->bad)
		return;
	if (n->len == 0)
		while (k < m && is_space(ch[k]))
			k++;
	if (m - k > VALUE_MAX - (size_t)n->len) {
		n->bad = 1;
		return;
	}
	memcpy(n->text + n->len, ch + k, m - k);
	n->len = (unsigned char)(n->len + (m - k));
}

/* SAX2 callbacks: attributes and namespace declarations are libxml2's. */
static void
on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct parse		*p = ctxt->_private;
	const char		*name = (const char *)localname;

	(void)prefix;
	(void)nns;
	(void)ns;
	(void)nattrs;
	(void)ndefaulted;
	(void)attrs;
	if (tree_start(p, name, strlen(name), (const char *)uri,
	    ctxt->input != NULL ? ctxt->input->line : 0) == -1) {
		/* Only a document the pre-scan lost track of. */
		p->nodes_over = 1;
		p->line = ctxt->input != NULL ? ctxt->input->line : 0;
		p->column = ctxt->input != NULL ? ctxt->input->col : 0;
		xmlStopParser(ctxt);
	}
}

static void
on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr	 ctxt = ctx;

	(void)localname;
	(void)prefix;
	(void)uri;
	tree_end(ctxt->_private);
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr	 ctxt = ctx;

	tree_text(ctxt->_private, (const char *)ch,
	    len > 0 ? (size_t)len : 0);
}

/*
 * Options and callbacks of one parser context. The context defaults come
 * from process-wide libxml2 settings that other code could change, so
 * the settings that matter are set again here, explicitly.
 */
static void
harden(xmlParserCtxtPtr ctxt, struct parse *p)
{
	ctxt->_private = p;
	(void)xmlCtxtUseOptions(ctxt, PARSE_OPTIONS);
	ctxt->replaceEntities = 0;
	ctxt->loadsubset = 0;
	ctxt->validate = 0;
	ctxt->sax->serror = on_xml_error;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = on_doctype;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->resolveEntity = on_resolve_entity;
	/* This file's tree instead of libxml2's (no startDocument: no doc). */
	ctxt->sax->startDocument = NULL;
	ctxt->sax->endDocument = NULL;
	ctxt->sax->startElement = NULL;
	ctxt->sax->endElement = NULL;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->endElementNs = on_end;
	/* The same function for both, so libxml2 never asks areBlanks. */
	ctxt->sax->characters = on_text;
	ctxt->sax->ignorableWhitespace = on_text;
	ctxt->sax->cdataBlock = on_text;
	ctxt->sax->comment = NULL;
	ctxt->sax->processingInstruction = NULL;
	ctxt->sax->reference = NULL;
	ctxt->sax->setDocumentLocator = NULL;
}

static const char *
xml_reason(int code)
{
	switch (code) {
	case XML_ERR_DOCUMENT_EMPTY:
		return "het document is leeg";
	case XML_ERR_DOCUMENT_END:
		return "er staat inhoud na het hoofdelement";
	case XML_ERR_TAG_NAME_MISMATCH:
		return "begin- en eindtag horen niet bij elkaar";
	case XML_ERR_TAG_NOT_FINISHED:
	case XML_ERR_LTSLASH_REQUIRED:
		return "een element wordt niet afgesloten";
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
		return "een verwijzing naar een entiteit die niet is "
		    "gedeclareerd";
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_INVALID_CHARREF:
	case XML_ERR_INVALID_ENCODING:
		return "een teken dat niet is toegestaan";
	case XML_ERR_UNSUPPORTED_ENCODING:
	case XML_ERR_UNKNOWN_ENCODING:
		return "een tekencodering die niet wordt ondersteund";
	case XML_ERR_ATTRIBUTE_REDEFINED:
		return "een attribuut komt twee keer voor";
	case XML_NS_ERR_UNDEFINED_NAMESPACE:
		return "een namespace-prefix die niet is gedefinieerd";
	default:
		return "een syntaxfout";
	}
}

/* After xmlParseDocument: a DOCTYPE, or a document that is not XML. */
static int
check_parse(struct parse *p, const xmlParserCtxt *ctxt)
{
	if (p->dtd)
		return fail(p, IJW_ERR_DTD_FORBIDDEN, NULL, "", NULL,
		    "Een DOCTYPE (DTD, entiteitdeclaraties) is niet "
		    "toegestaan");
	if (p->nodes_over)
		return fail(p, IJW_ERR_TOO_COMPLEX, NULL, "", NULL,
		    "De XML heeft meer %s dan de toegestane %d", "elementen",
		    IJW_ELEMENTS_MAX);
	if (ctxt->wellFormed && ctxt->nsWellFormed && p->xmlcode == 0)
		return 0;
	if (p->xmlcode == 0) {
		p->xmlcode = ctxt->lastError.code;
		p->line = ctxt->lastError.line;
		p->column = ctxt->lastError.int2;
	}
	return fail(p, IJW_ERR_XML_MALFORMED, NULL, "", NULL,
	    "De XML is niet goed gevormd: %s (libxml2-fout %d)",
	    xml_reason(p->xmlcode), p->xmlcode);
}

/* A document the pre-scan cannot follow may hold at most this many '='. */
#define PRESCAN_LOST_EQ		256

/*
 * The document as the pre-scan reads it: code units of w bytes (1 for
 * UTF-8 and ASCII-compatible encodings, 2 for UTF-16) from byte off. A
 * unit outside ASCII reads as 0x80, which is neither markup nor space.
 */
struct scan {
	struct parse		*p;
	const unsigned char	*b;
	size_t			 len;	/* bytes */
	size_t			 off;	/* bytes of a byte-order mark */
	size_t			 n;	/* units */
	int			 w;
	int			 be;
};

static unsigned char
at(const struct scan *s, size_t k)
{
	const unsigned char	*u;

	if (s->w == 1)
		return s->b[s->off + k];
	u = s->b + s->off + 2 * k;
	if (s->be)
		return u[0] == 0 && u[1] < 0x80 ? u[1] : 0x80;
	return u[1] == 0 && u[0] < 0x80 ? u[0] : 0x80;
}

/* Sets the parse's line and column to those of unit k. */
static void
locate(struct scan *s, size_t k)
{
	size_t	i, bol = 0;
	long	line = 1;

	for (i = 0; i < k; i++)
		if (at(s, i) == '\n') {
			line++;
			bol = i + 1;
		}
	s->p->line = line;
	s->p->column = (long)(k - bol) + 1;
}

static int
too_complex(struct scan *s, size_t k, const char *what, long max)
{
	locate(s, k);
	return fail(s->p, IJW_ERR_TOO_COMPLEX, NULL, "", NULL,
	    "De XML heeft meer %s dan de toegestane %ld", what, max);
}

static int
malformed(struct scan *s, size_t k, const char *why)
{
	locate(s, k);
	return fail(s->p, IJW_ERR_XML_MALFORMED, NULL, "", NULL,
	    "De XML is niet goed gevormd: %s", why);
}

static int
name_char(unsigned char c)
{
	return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '/' || c == '>' || c == '=' || c == '<' || c == '"' ||
	    c == '\'' || c == '?');
}

static int
starts(const struct scan *s, size_t k, const char *lit)
{
	size_t	i;

	for (i = 0; lit[i] != '\0'; i++)
		if (k + i >= s->n || at(s, k + i) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* The unit after the first lit at or after k; n when there is none. */
static size_t
skip_past(const struct scan *s, size_t k, const char *lit)
{
	for (; k < s->n; k++)
		if (starts(s, k, lit))
			return k + strlen(lit);
	return s->n;
}

/*
 * Where the scan lost track at unit k: the rest goes to libxml2 (which
 * reports the error with its own line and column) only when it cannot
 * hide a costly start tag.
 */
static int
lost(struct scan *s, size_t k)
{
	size_t	i, eq = 0;

	for (i = k; i < s->n; i++)
		if (at(s, i) == '=' && ++eq > PRESCAN_LOST_EQ)
			return malformed(s, k, "een tag die de parser niet kan "
			    "volgen");
	return 0;
}

/*
 * Skips the start tag at unit *kp ('<'), counting its attributes and
 * measuring their values. Returns 1 when the tag was followed to its end
 * (*selfclose set for "/>"), 0 when the scan stops here (*rc says whether
 * the document is refused).
 */
static int
scan_start_tag(struct scan *s, size_t *kp, int *selfclose, int *rc)
{
	size_t		attrs = 0, k = *kp + 1, v;
	unsigned char	q;

	*rc = 0;
	while (k < s->n && name_char(at(s, k)))
		k++;
	for (;;) {
		while (k < s->n && is_space((char)at(s, k)))
			k++;
		if (k >= s->n)
			return 0;
		if (at(s, k) == '>' || starts(s, k, "/>")) {
			*selfclose = at(s, k) == '/';
			*kp = k + 1 + (size_t)*selfclose;
			return 1;
		}
		if (!name_char(at(s, k)))
			break;
		if (++attrs > IJW_ATTRS_MAX) {
			*rc = too_complex(s, k, "attributen op een element",
			    IJW_ATTRS_MAX);
			return 0;
		}
		while (k < s->n && name_char(at(s, k)))
			k++;
		while (k < s->n && is_space((char)at(s, k)))
			k++;
		if (k >= s->n || at(s, k) != '=')
			break;
		for (k++; k < s->n && is_space((char)at(s, k)); k++)
			;
		if (k >= s->n || (at(s, k) != '"' && at(s, k) != '\''))
			break;
		q = at(s, k++);
		for (v = k; v < s->n && at(s, v) != q && at(s, v) != '<'; v++)
			;
		if (v - k > IJW_TEXT_MAX) {
			*rc = too_complex(s, k, "bytes in een attribuutwaarde",
			    IJW_TEXT_MAX);
			return 0;
		}
		if (v >= s->n || at(s, v) != q)
			break;
		k = v + 1;
	}
	if (k < s->n)
		*rc = lost(s, k);
	return 0;
}

/*
 * The XML declaration's encoding, when there is one, must be one whose
 * markup the scan reads as libxml2 will: iJw is UTF-8; UTF-16 and two
 * ASCII supersets are let through. Anything else (EBCDIC, UTF-7, UTF-32,
 * ISO-2022, ...) is refused before libxml2 would convert it.
 */
static int
check_encoding(struct scan *s)
{
	static const char *const ok[] = {
		"UTF-8", "UTF8", "UTF-16", "UTF16", "US-ASCII", "ASCII",
		"ISO-8859-1", "LATIN1", "ISO-LATIN-1"
	};
	char	name[16];
	size_t	k, e, i, j;

	if (!starts(s, 0, "<?xml"))
		return 0;
	e = skip_past(s, 0, "?>");
	for (k = 5; k + 8 < e; k++)
		if (starts(s, k, "encoding"))
			break;
	if (k + 8 >= e)
		return 0;
	for (k += 8; k < e && at(s, k) != '"' && at(s, k) != '\''; k++)
		;
	for (k++, j = 0; k < e && at(s, k) != '"' && at(s, k) != '\''; k++) {
		if (j + 1 >= sizeof(name))
			return malformed(s, k, "een tekencodering die niet "
			    "wordt ondersteund");
		name[j++] = (char)at(s, k);
	}
	name[j] = '\0';
	for (i = 0; i < ARRAY_LEN(ok); i++)
		if (strcasecmp(name, ok[i]) == 0)
			return 0;
	return malformed(s, 0, "een tekencodering die niet wordt ondersteund "
	    "(iJw gebruikt UTF-8)");
}

/* Byte-order marks and the start of "<?" in UTF-16; UTF-32 is refused. */
static int
detect(struct scan *s)
{
	const unsigned char	*b = s->b;
	size_t			 len = s->len;

	s->w = 1;
	if (len >= 4 && ((b[0] == 0 && b[1] == 0) || (b[2] == 0 &&
	    b[3] == 0 && b[1] == 0)))
		return malformed(s, 0, "een tekencodering die niet wordt "
		    "ondersteund (UTF-32)");
	if (len >= 4 && memcmp(b, "\x4c\x6f\xa7\x94", 4) == 0)
		return malformed(s, 0, "een tekencodering die niet wordt "
		    "ondersteund (EBCDIC)");
	if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
	    (b[0] == 0xfe && b[1] == 0xff))) {
		s->w = 2;
		s->off = 2;
		s->be = b[0] == 0xfe;
	} else if (len >= 2 && (b[0] == 0 || b[1] == 0)) {
		s->w = 2;
		s->be = b[0] == 0;
	}
	s->n = (len - s->off) / (size_t)s->w;
	return 0;
}

/*
 * The linear pre-scan: bounds attributes per element, elements, depth
 * and text runs before libxml2 parses anything. Comments, processing
 * instructions and CDATA are skipped as wholes (CDATA counts as text); a
 * DOCTYPE before the root is left to libxml2, which refuses it at once.
 */
static int
prescan(struct parse *p, const char *buf, size_t len)
{
	struct scan	s = { p, (const unsigned char *)buf, len, 0, 0, 1, 0 };
	size_t		k = 0, text = 0, elements = 0, depth = 0, end;
	int		rc, selfclose;

	if (detect(&s) == -1 || check_encoding(&s) == -1)
		return -1;
	while (k < s.n) {
		if (at(&s, k) != '<') {
			if (++text > IJW_TEXT_MAX)
				return too_complex(&s, k, "bytes in een tekst",
				    IJW_TEXT_MAX);
			k++;
			continue;
		}
		text = 0;
		if (starts(&s, k, "<!--"))
			k = skip_past(&s, k + 4, "-->");
		else if (starts(&s, k, "<![CDATA[")) {
			end = skip_past(&s, k + 9, "]]>");
			if (end - k > IJW_TEXT_MAX)
				return too_complex(&s, k, "bytes in een tekst",
				    IJW_TEXT_MAX);
			k = end;
		} else if (starts(&s, k, "<?"))
			k = skip_past(&s, k + 2, "?>");
		else if (starts(&s, k, "<!"))
			/* Before the root a DOCTYPE, which libxml2 refuses. */
			return elements == 0 ? 0 : lost(&s, k);
		else if (starts(&s, k, "</")) {
			if (depth == 0)
				return lost(&s, k);
			depth--;
			k = skip_past(&s, k + 2, ">");
		} else {
			if (++elements > IJW_ELEMENTS_MAX)
				return too_complex(&s, k, "elementen",
				    IJW_ELEMENTS_MAX);
			end = k;
			selfclose = 0;
			if (!scan_start_tag(&s, &k, &selfclose, &rc))
				return rc;
			if (!selfclose && ++depth > IJW_DEPTH_MAX)
				return too_complex(&s, end, "nestingniveaus",
				    IJW_DEPTH_MAX);
		}
	}
	return 0;
}

/*
 * The fast path: a tokeniser for the plain XML that iJw systems send
 * (UTF-8, elements, attributes, namespace declarations, text) that builds
 * the same tree as libxml2's SAX2 callbacks do, at a fraction of libxml2's
 * CPU. It gives up on anything else -- a comment, processing instruction,
 * CDATA section, DOCTYPE, entity or character reference, another encoding,
 * a name outside ASCII, a prefixed attribute, a carriage return in a
 * value, one of the IJW_*_MAX bounds, or any error -- and the document
 * then goes through the pre-scan and libxml2 from its first byte, which
 * decide what it is and report any error with libxml2's line and column.
 * It must never accept what libxml2 refuses; tests/fuzz/fuzz_ijw_ref.c
 * compares the two paths' answers.
 */
#define FAST_NS_MAX	64	/* namespace declarations in scope */
#define FAST_STRS	4096	/* copies of kept names and of URIs */
#define FAST_NAME_MAX	256	/* bytes of a name (libxml2: 50,000) */
#define FAST_URI_MAX	255	/* bytes of a namespace URI */

struct fast_ns {
	const unsigned char	*prefix;	/* NULL: the default */
	size_t			 plen;
	const char		*uri;		/* a copy in strs */
};

struct fast_el {
	const unsigned char	*qname;
	size_t			 qlen;
	size_t			 nsmark;	/* nns before its declarations */
};

struct fast {
	struct parse		*p;
	const unsigned char	*c, *end;
	long			 line;
	size_t			 elements;
	struct fast_ns		 ns[FAST_NS_MAX];
	size_t			 nns;
	struct fast_el		 el[IJW_DEPTH_MAX];
	size_t			 depth;
	int			 root_done;
	char			 strs[FAST_STRS];
	size_t			 nstrs;
};

/* The iJw namespaces, known to be URIs libxml2 accepts. */
static const char *const fast_known_ns[] = {
	NS_IJW "3_0/basisschema/schema", NS_IJW "3_1/basisschema/schema",
	NS_IJW "3_2/basisschema/schema", NS_IJW "3_0/jw301/schema",
	NS_IJW "3_1/jw301/schema", NS_IJW "3_2/jw301/schema",
	NS_IJW "3_0/jw305/schema", NS_IJW "3_1/jw305/schema",
	NS_IJW "3_2/jw305/schema", NS_IJW "3_0/jw307/schema",
	NS_IJW "3_1/jw307/schema", NS_IJW "3_2/jw307/schema"
};

static const char *
fast_copy(struct fast *f, const unsigned char *s, size_t len)
{
	char	*d;

	if (len >= FAST_STRS - f->nstrs)
		return NULL;
	d = f->strs + f->nstrs;
	memcpy(d, s, len);
	d[len] = '\0';
	f->nstrs += len + 1;
	return d;
}

/* Name characters of the fast path: 1 a start, 2 any other. */
static const unsigned char fast_name[256] = {
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
	['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['_'] = 1,
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2,
	['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2, ['.'] = 2, ['-'] = 2
};

/* White space; -1 for a carriage return not followed by a line feed. */
static int
fast_space(struct fast *f, size_t *n)
{
	*n = 0;
	while (f->c < f->end) {
		if (*f->c == '\r') {
			if (f->end - f->c < 2 || f->c[1] != '\n')
				return -1;
			f->c++;
			(*n)++;
		}
		if (*f->c == '\n')
			f->line++;
		else if (*f->c != ' ' && *f->c != '\t')
			break;
		f->c++;
		(*n)++;
	}
	return 0;
}

/* An NCName of ASCII letters, digits, '_', '.', '-'; 0 when none. */
static size_t
fast_ncname(struct fast *f)
{
	const unsigned char	*s = f->c;
	size_t			 n;

	if (s >= f->end || fast_name[*s] != 1)
		return 0;
	while (s < f->end && fast_name[*s] != 0)
		s++;
	if ((n = (size_t)(s - f->c)) > FAST_NAME_MAX)
		return 0;
	f->c = s;
	return n;
}

/* A QName: *prefix (NULL for none) and its local part. -1 on none. */
static int
fast_qname(struct fast *f, const unsigned char **prefix, size_t *plen,
    const unsigned char **local, size_t *llen)
{
	const unsigned char	*a = f->c;
	size_t			 n;

	if ((n = fast_ncname(f)) == 0)
		return -1;
	if (f->c < f->end && *f->c == ':') {
		f->c++;
		*prefix = a;
		*plen = n;
		*local = f->c;
		if ((*llen = fast_ncname(f)) == 0)
			return -1;
	} else {
		*prefix = NULL;
		*plen = 0;
		*local = a;
		*llen = n;
	}
	/* "a:b:c" is no QName. */
	return f->c < f->end && *f->c == ':' ? -1 : 0;
}

static int
fast_is(const unsigned char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/*
 * A UTF-8 character that XML allows (Char: no surrogates, no U+FFFE or
 * U+FFFF, nothing past U+10FFFF, no overlong form): its length, else 0.
 */
static size_t
fast_utf8(const unsigned char *c, const unsigned char *end)
{
	unsigned	v;
	size_t		n, i;

	if (c[0] < 0xc2)
		return 0;
	if (c[0] < 0xe0) {
		n = 2;
		v = c[0] & 0x1fu;
	} else if (c[0] < 0xf0) {
		n = 3;
		v = c[0] & 0x0fu;
	} else if (c[0] < 0xf5) {
		n = 4;
		v = c[0] & 0x07u;
	} else
		return 0;
	if ((size_t)(end - c) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((c[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (c[i] & 0x3fu);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 ||
	    v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff) ||
	    v == 0xfffe || v == 0xffff)
		return 0;
	return n;
}

/* A quoted attribute value of plain ASCII; -1 on anything else. */
static int
fast_value(struct fast *f, const unsigned char **v, size_t *len)
{
	unsigned char	q;

	if (f->c >= f->end || (*f->c != '"' && *f->c != '\''))
		return -1;
	q = *f->c++;
	*v = f->c;
	while (f->c < f->end && *f->c != q) {
		if (*f->c < 0x20 || *f->c >= 0x7f || *f->c == '<' ||
		    *f->c == '&')
			return -1;
		f->c++;
	}
	if (f->c >= f->end || (size_t)(f->c - *v) > IJW_TEXT_MAX)
		return -1;
	*len = (size_t)(f->c - *v);
	f->c++;
	return 0;
}

/* A namespace declaration on the element being read. */
static int
fast_declare(struct fast *f, size_t mark, const unsigned char *prefix,
    size_t plen, const unsigned char *v, size_t vlen)
{
	const char	*uri;
	size_t		 i;
	int		 known = 0;

	/* Reserved prefixes and names, undeclaring, and repeats: libxml2's. */
	if (vlen == 0 || vlen > FAST_URI_MAX || f->nns >= FAST_NS_MAX ||
	    (prefix != NULL && (fast_is(prefix, plen, "xml") ||
	    fast_is(prefix, plen, "xmlns"))))
		return -1;
	for (i = mark; i < f->nns; i++)
		if ((prefix == NULL) == (f->ns[i].prefix == NULL) &&
		    (prefix == NULL || (plen == f->ns[i].plen &&
		    memcmp(prefix, f->ns[i].prefix, plen) == 0)))
			return -1;
	if ((uri = fast_copy(f, v, vlen)) == NULL)
		return -1;
	for (i = 0; i < ARRAY_LEN(fast_known_ns); i++)
		known |= strcmp(uri, fast_known_ns[i]) == 0;
	if (!known) {
		xmlURIPtr	u;

		/* libxml2 refuses a URI it cannot parse, and these two. */
		if (strcmp(uri, "http://www.w3.org/XML/1998/namespace") == 0 ||
		    strcmp(uri, "http://www.w3.org/2000/xmlns/") == 0 ||
		    (u = xmlParseURI(uri)) == NULL)
			return -1;
		xmlFreeURI(u);
	}
	f->ns[f->nns].prefix = prefix;
	f->ns[f->nns].plen = plen;
	f->ns[f->nns].uri = uri;
	f->nns++;
	return 0;
}

/* The URI bound to prefix (NULL: the default) here; *uri NULL for none. */
static int
fast_resolve(const struct fast *f, const unsigned char *prefix, size_t plen,
    const char **uri)
{
	size_t	i;

	*uri = NULL;
	if (prefix != NULL && (fast_is(prefix, plen, "xml") ||
	    fast_is(prefix, plen, "xmlns")))
		return -1;
	for (i = f->nns; i-- > 0; )
		if ((prefix == NULL) == (f->ns[i].prefix == NULL) &&
		    (prefix == NULL || (plen == f->ns[i].plen &&
		    memcmp(prefix, f->ns[i].prefix, plen) == 0))) {
			*uri = f->ns[i].uri;
			return 0;
		}
	return prefix == NULL ? 0 : -1;
}

/* A start tag at '<': attributes, declarations, the tree's node. */
static int
fast_start(struct fast *f)
{
	const unsigned char	*qname, *prefix, *local, *ap, *al, *v;
	const unsigned char	*names[IJW_ATTRS_MAX];
	size_t			 lens[IJW_ATTRS_MAX];
	size_t			 plen, llen, apl, all, vlen, ws, nattrs = 0;
	size_t			 nnames = 0, mark = f->nns, i, before;
	const char		*uri;
	int			 selfclose;

	f->c++;
	qname = f->c;
	if (fast_qname(f, &prefix, &plen, &local, &llen) == -1)
		return -1;
	for (;;) {
		if (fast_space(f, &ws) == -1 || f->c >= f->end)
			return -1;
		if (*f->c == '>' || *f->c == '/')
			break;
		if (ws == 0 || ++nattrs > IJW_ATTRS_MAX)
			return -1;
		if (fast_qname(f, &ap, &apl, &al, &all) == -1 ||
		    fast_space(f, &ws) == -1 || f->c >= f->end ||
		    *f->c++ != '=' || fast_space(f, &ws) == -1 ||
		    fast_value(f, &v, &vlen) == -1)
			return -1;
		if (ap == NULL && fast_is(al, all, "xmlns")) {
			if (fast_declare(f, mark, NULL, 0, v, vlen) == -1)
				return -1;
		} else if (ap != NULL && fast_is(ap, apl, "xmlns")) {
			if (fast_declare(f, mark, al, all, v, vlen) == -1)
				return -1;
		} else if (ap != NULL)
			return -1;
		else {
			/* A plain attribute, read by nobody: only no repeat. */
			for (i = 0; i < nnames; i++)
				if (lens[i] == all &&
				    memcmp(names[i], al, all) == 0)
					return -1;
			lens[nnames] = all;
			names[nnames++] = al;
		}
	}
	selfclose = *f->c == '/';
	if (selfclose && (f->end - f->c < 2 || f->c[1] != '>'))
		return -1;
	if (fast_resolve(f, prefix, plen, &uri) == -1 ||
	    ++f->elements > IJW_ELEMENTS_MAX || f->root_done ||
	    f->depth >= IJW_DEPTH_MAX)
		return -1;
	before = f->p->nnodes;
	if (tree_start(f->p, (const char *)local, llen, uri, f->line) == -1)
		return -1;
	if (f->p->nnodes > before && (f->p->nodes[before].name =
	    fast_copy(f, local, llen)) == NULL)
		return -1;
	f->c += selfclose ? 2 : 1;
	if (selfclose) {
		tree_end(f->p);
		f->nns = mark;
		if (f->depth == 0)
			f->root_done = 1;
		return 0;
	}
	f->el[f->depth].qname = qname;
	f->el[f->depth].qlen = (size_t)(local + llen - qname);
	f->el[f->depth].nsmark = mark;
	f->depth++;
	return 0;
}

/* An end tag at "</": the name of the open element, then '>'. */
static int
fast_end(struct fast *f)
{
	const unsigned char	*qname, *prefix, *local;
	size_t			 plen, llen, ws;
	struct fast_el		*e;

	if (f->depth == 0)
		return -1;
	e = &f->el[f->depth - 1];
	f->c += 2;
	qname = f->c;
	if (fast_qname(f, &prefix, &plen, &local, &llen) == -1 ||
	    (size_t)(f->c - qname) != e->qlen ||
	    memcmp(qname, e->qname, e->qlen) != 0 ||
	    fast_space(f, &ws) == -1 || f->c >= f->end || *f->c != '>')
		return -1;
	f->c++;
	tree_end(f->p);
	f->nns = e->nsmark;
	if (--f->depth == 0)
		f->root_done = 1;
	return 0;
}

/* Text up to the next '<'; outside the root only white space. */
static int
fast_text(struct fast *f)
{
	const unsigned char	*s = f->c;
	const struct xnode	*top = NULL;
	size_t			 n;
	int			 cr = 0, blank = 1, idx;

	while (f->c < f->end && *f->c != '<') {
		if (*f->c >= 0x80) {
			if ((n = fast_utf8(f->c, f->end)) == 0)
				return -1;
			f->c += n;
			blank = 0;
			continue;
		}
		switch (*f->c) {
		case '\n':
			f->line++;
			break;
		case '\r':
			if (f->end - f->c < 2 || f->c[1] != '\n')
				return -1;
			cr = 1;
			break;
		case '\t':
		case ' ':
			break;
		case '&':
			return -1;
		case ']':
			if (f->end - f->c >= 3 && f->c[1] == ']' &&
			    f->c[2] == '>')
				return -1;
			blank = 0;
			break;
		default:
			if (*f->c < 0x20 || *f->c == 0x7f)
				return -1;
			blank = 0;
			break;
		}
		f->c++;
	}
	if ((size_t)(f->c - s) > IJW_TEXT_MAX)
		return -1;
	if (f->depth == 0)
		return blank ? 0 : -1;
	/* libxml2 hands "\r\n" over as "\n": a value with one goes there. */
	if (f->p->depth <= SAX_DEPTH_MAX &&
	    (idx = f->p->stack[f->p->depth - 1]) != NODE_NONE)
		top = &f->p->nodes[idx];
	if (cr && top != NULL && top->kind == NK_VALUE)
		return -1;
	tree_text(f->p, (const char *)s, (size_t)(f->c - s));
	return 0;
}

/*
 * The XML declaration, when there is one: version 1.0, encoding UTF-8 (in
 * any case) or none, standalone yes or no, in that order.
 */
static int
fast_decl(struct fast *f)
{
	static const char *const names[] = {
		"version", "encoding", "standalone"
	};
	const unsigned char	*v;
	size_t			 ws, vlen, i, len;

	if (f->end - f->c < 6 || memcmp(f->c, "<?xml", 5) != 0 ||
	    (f->c[5] != ' ' && f->c[5] != '\t' && f->c[5] != '\n' &&
	    f->c[5] != '\r'))
		return f->end - f->c >= 2 && memcmp(f->c, "<?", 2) == 0 ?
		    -1 : 0;
	f->c += 5;
	for (i = 0; i < ARRAY_LEN(names); i++) {
		if (fast_space(f, &ws) == -1)
			return -1;
		len = strlen(names[i]);
		if ((size_t)(f->end - f->c) < len ||
		    memcmp(f->c, names[i], len) != 0) {
			if (i == 0)
				return -1;
			continue;
		}
		if (ws == 0)
			return -1;
		f->c += len;
		if (fast_space(f, &ws) == -1 || f->c >= f->end ||
		    *f->c++ != '=' || fast_space(f, &ws) == -1 ||
		    fast_value(f, &v, &vlen) == -1)
			return -1;
		if ((i == 0 && !fast_is(v, vlen, "1.0")) ||
		    (i == 1 && (vlen != 5 ||
		    strncasecmp((const char *)v, "UTF-8", 5) != 0)) ||
		    (i == 2 && !fast_is(v, vlen, "yes") &&
		    !fast_is(v, vlen, "no")))
			return -1;
	}
	if (fast_space(f, &ws) == -1 || f->end - f->c < 2 ||
	    memcmp(f->c, "?>", 2) != 0)
		return -1;
	f->c += 2;
	return 0;
}

/*
 * Builds the tree of buf in f (whose copies the tree points to), or
 * returns -1, leaving a partial tree for the caller to reset, when the
 * document is not of the plain kind.
 */
static int
fast_parse(struct parse *p, struct fast *f, const char *buf, size_t len)
{
	f->p = p;
	f->c = (const unsigned char *)buf;
	f->end = f->c + len;
	f->line = 1;
	f->elements = f->nns = f->depth = f->nstrs = 0;
	f->root_done = 0;
	if (len >= 3 && memcmp(f->c, "\xef\xbb\xbf", 3) == 0)
		f->c += 3;
	if (fast_decl(f) == -1)
		return -1;
	while (f->c < f->end) {
		if (*f->c != '<') {
			if (fast_text(f) == -1)
				return -1;
		} else if (f->end - f->c >= 2 && f->c[1] == '/') {
			if (fast_end(f) == -1)
				return -1;
		} else if (fast_start(f) == -1)
			return -1;
	}
	return f->root_done && f->depth == 0 ? 0 : -1;
}

/*
 * Runs libxml2 over buf with this thread's error handlers silenced and
 * restored, building this file's tree, and checks the tree while the
 * context (whose dictionary holds the names) is still there.
 */
static int
parse_xml(struct parse *p, const char *buf, size_t len)
{
	xmlParserCtxtPtr	 ctxt;
	xmlStructuredErrorFunc	 saved_serror;
	xmlGenericErrorFunc	 saved_generic;
	void			*saved_sctx, *saved_gctx;
	int			 rc = -1;

	(void)pthread_once(&init_once, init_libxml);
	saved_serror = xmlStructuredError;
	saved_sctx = xmlStructuredErrorContext;
	saved_generic = xmlGenericError;
	saved_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(NULL, silent_structured);
	xmlSetGenericErrorFunc(NULL, silent_generic);

	if ((ctxt = xmlCreateMemoryParserCtxt(buf, (int)len)) == NULL) {
		(void)fail(p, IJW_ERR_XML_MALFORMED, NULL, "", NULL,
		    "De XML-parser kon niet worden gestart");
		goto fail;
	}
	harden(ctxt, p);
	(void)xmlParseDocument(ctxt);
	if (ctxt->myDoc != NULL) {
		/* Not built here; defensively, should a default return. */
		xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
	}
	if (check_parse(p, ctxt) == -1 || parse_tree(p) == -1)
		goto fail;
	rc = 0;
 fail:
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	/* The thread's copy of the last error may quote the document. */
	xmlResetLastError();
	xmlSetStructuredErrorFunc(saved_sctx, saved_serror);
	xmlSetGenericErrorFunc(saved_gctx, saved_generic);
	return rc;
}

int
ijw_parse_limit(const char *buf, size_t len, size_t max,
    struct ijw_message *out, struct ijw_error *err)
{
	struct ijw_error	 scratch;
	struct parse		 p;
	struct fast		 f;
	int			 rc = -1;

	if (err == NULL)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	out->geslacht = -1;
	/* Not memset whole: the node and stack arrays are written first. */
	p.out = out;
	p.err = err;
	p.def = NULL;
	p.msgns[0] = p.basens[0] = '\0';
	p.dtd = p.xmlcode = 0;
	p.line = p.column = 0;
	p.nodes = p.inline_nodes;
	p.nnodes = 0;
	p.capnodes = NODES_INLINE;
	p.nodes_over = 0;
	p.depth = 0;
	f.nstrs = 0;

	if (max == 0)
		max = IJW_INPUT_MAX;
	else if (max > IJW_INPUT_MAX_LIMIT)
		max = IJW_INPUT_MAX_LIMIT;
	if (len > max) {
		(void)fail(&p, IJW_ERR_TOO_LARGE, NULL, "", NULL,
		    "Het Bericht is groter dan %zu bytes", max);
		goto fail;
	}
	if (buf == NULL || len == 0) {
		p.line = 1;
		p.column = 1;
		(void)fail(&p, IJW_ERR_XML_MALFORMED, NULL, "", NULL,
		    "Het document is leeg");
		goto fail;
	}
	if (fast_parse(&p, &f, buf, len) == 0) {
		if (parse_tree(&p) == -1)
			goto fail;
	} else {
		/* Not plain: from the start, as libxml2 reads it. */
		tree_reset(&p);
		explicit_bzero(f.strs, f.nstrs);
		f.nstrs = 0;
		if (prescan(&p, buf, len) == -1 ||
		    parse_xml(&p, buf, len) == -1)
			goto fail;
	}
	rc = 0;
 fail:
	explicit_bzero(f.strs, f.nstrs);
	tree_reset(&p);
	if (rc == -1)
		ijw_message_wipe(out);
	return rc;
}

int
ijw_parse(const char *buf, size_t len, struct ijw_message *out,
    struct ijw_error *err)
{
	return ijw_parse_limit(buf, len, IJW_INPUT_MAX, out, err);
}

void
ijw_message_wipe(struct ijw_message *m)
{
	if (m != NULL)
		explicit_bzero(m, sizeof(*m));
}

const char *
ijw_type_name(enum ijw_type t)
{
	switch (t) {
	case IJW_JW301:
		return "JW301";
	case IJW_JW305:
		return "JW305";
	case IJW_JW307:
		return "JW307";
	case IJW_NONE:
		break;
	}
	return "?";
}

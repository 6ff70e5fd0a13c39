/*
 * The iJw parser as it was up to the SAX rewrite (a full libxml2 tree,
 * then a walk over it), kept unchanged but for its names as the oracle of
 * fuzz_ijw_ref.c: the parser in src/parse_ijw.c must answer every
 * document as this one does. Not part of sorttp. Its error messages were
 * translated into Dutch word for word as src/parse_ijw.c's were (session
 * 7), so that the fuzzer still compares the texts.
 */
/*
 * iJw Bericht parser; see parse_ijw.h.
 *
 * libxml2 builds a tree from memory, and this file walks only the few paths
 * it needs: Bericht/Header, Bericht/Client and the product list. Whatever
 * lies off those paths (Naam, Contactgegevens, Relaties, Commentaar, and
 * anything a later release adds) is never looked at, so it cannot end up in
 * the output by accident.
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
 * libxml2's copy of the input and its tree are freed, not wiped: the
 * caller's request buffer holds the same bytes at least as long, so the
 * wiping of a request belongs to the caller (or to an xmlMemSetup free
 * hook set once at start-up).
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
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "dates.h"
#include "gebied.h"
#include "parse_ijw.h"
#include "pseudonym.h"
#include "util.h"
#include "ijw_ref.h"

static const char *ref_type_name(enum ijw_type);

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
};

static pthread_once_t	init_once = PTHREAD_ONCE_INIT;

static int	fail(struct parse *, const char *, const xmlNode *,
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
fail(struct parse *p, const char *code, const xmlNode *node, const char *path,
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
	err->line = node != NULL ? xmlGetLineNo(node) : p->line;
	err->column = node != NULL ? 0 : p->column;
	if (err->line < 0)
		err->line = 0;
	return -1;
}

static int
missing(struct parse *p, const xmlNode *parent, const char *path,
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
in_ns(const xmlNode *n, const char *ns)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    n->ns->href != NULL && strcmp((const char *)n->ns->href, ns) == 0;
}

/*
 * The value of a simple element: its text joined, XML white space trimmed
 * at both ends. Comments and processing instructions in between are
 * skipped, as a schema validator does. An element child, or a value that
 * does not fit buf, makes the value invalid: nothing is ever truncated.
 */
static int
text_of(const xmlNode *node, char *buf, size_t size, size_t *lenp)
{
	const xmlNode	*c;
	const char	*s;
	size_t		 len = 0, n;

	for (c = node->children; c != NULL; c = c->next) {
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		if ((c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
			return -1;
		s = (const char *)c->content;
		if (len == 0)
			while (is_space(*s))
				s++;
		n = strlen(s);
		if (n >= size - len)
			return -1;
		memcpy(buf + len, s, n);
		len += n;
	}
	while (len > 0 && is_space(buf[len - 1]))
		len--;
	buf[len] = '\0';
	*lenp = len;
	return 0;
}

static int
read_value(struct parse *p, const xmlNode *node, const char *path,
    const char *name, char *buf, size_t size, size_t *lenp)
{
	if (text_of(node, buf, size, lenp) == -1)
		return fail(p, IJW_ERR_INVALID_VALUE, node, path, name,
		    "%s is te lang of is geen gewone tekst", name);
	return 0;
}

/* A value of min to max ASCII digits, copied to out (outsize > max). */
static int
read_digits(struct parse *p, const xmlNode *node, const char *path,
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
read_number(struct parse *p, const xmlNode *node, const char *path,
    const char *name, long long *out)
{
	char	 v[5];

	if (read_digits(p, node, path, name, 1, 4, v, sizeof(v)) == -1)
		return -1;
	return util_memtonum(v, strlen(v), 0, 9999, out);
}

/* A one-digit code in [min, max] (Geslacht, DatumGebruik, ...). */
static int
read_code1(struct parse *p, const xmlNode *node, const char *path,
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
read_date(struct parse *p, const xmlNode *node, const char *path,
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
collect(struct parse *p, const xmlNode *parent, const char *ns,
    const char *path, const char *const names[], size_t n,
    const xmlNode *found[])
{
	const xmlNode	*c;
	size_t		 i;

	for (i = 0; i < n; i++)
		found[i] = NULL;
	for (c = parent->children; c != NULL; c = c->next) {
		if (!in_ns(c, ns))
			continue;
		for (i = 0; i < n; i++)
			if (strcmp((const char *)c->name, names[i]) == 0)
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
identify(struct parse *p, const xmlNode *root)
{
	const char	*href;
	char		 name[NS_NAME_MAX + 1];
	size_t		 i;
	int		 major, minor;

	if (root->ns == NULL || root->ns->href == NULL ||
	    strcmp((const char *)root->name, "Bericht") != 0)
		return fail(p, IJW_ERR_NOT_IJW, root, "", NULL,
		    "Het hoofdelement is geen iJw-Bericht");
	href = (const char *)root->ns->href;
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
check_code(struct parse *p, const xmlNode *code, const xmlNode *versie,
    const xmlNode *subversie)
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
				    ref_type_name(p->def->type));
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
read_party(struct parse *p, const xmlNode *node, const char *name,
    int gemeente, char *out, size_t outsize)
{
	char	 v[VALUE_MAX + 1];
	size_t	 len;

	if (read_value(p, node, "Header", name, v, sizeof(v), &len) == -1)
		return -1;
	if (gemeente && !pseudo_gemeente_format_valid(v, len))
		return fail(p, IJW_ERR_INVALID_VALUE, node, "Header", name,
		    "%s van een %s moet een gemeentecode van 4 cijfers zijn",
		    name,
		    ref_type_name(p->def->type));
	if (!gemeente && !pseudo_agb_valid(v, len))
		return fail(p, IJW_ERR_INVALID_VALUE, node, "Header", name,
		    "%s van een %s moet een AGB-code van 8 cijfers zijn", name,
		    ref_type_name(p->def->type));
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
read_identificatie(struct parse *p, const xmlNode *node, const char *path)
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
parse_berichtidentificatie(struct parse *p, const xmlNode *node)
{
	static const char *const names[] = { "Identificatie", "Dagtekening" };
	static const char	 path[] = "Header/BerichtIdentificatie";
	const xmlNode		*f[ARRAY_LEN(names)];

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
parse_header(struct parse *p, const xmlNode *header)
{
	static const char *const names[] = {
		"BerichtCode", "BerichtVersie", "BerichtSubversie",
		"Afzender", "Ontvanger", "BerichtIdentificatie"
	};
	struct ijw_message	*out = p->out;
	const xmlNode		*f[ARRAY_LEN(names)];
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
	(void)util_fmt(out->gemeente, sizeof(out->gemeente), "%s",
	    g ? out->afzender : out->ontvanger);
	(void)util_fmt(out->agb, sizeof(out->agb), "%s",
	    g ? out->ontvanger : out->afzender);
	return 0;
}

/* Geboortedatum (CDT_Geboortedatum): Datum, DatumGebruik? (COD170). */
static int
parse_geboortedatum(struct parse *p, const xmlNode *node)
{
	static const char *const names[] = { "Datum", "DatumGebruik" };
	static const char	 path[] = "Client/Geboortedatum";
	const xmlNode		*f[ARRAY_LEN(names)];
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
parse_product_code(struct parse *p, const xmlNode *node, const char *ppath,
    struct ijw_product *pr)
{
	static const char *const names[] = { "Categorie", "Code" };
	char			 path[PATH_SIZE], v[VALUE_MAX + 1];
	const xmlNode		*f[ARRAY_LEN(names)];
	size_t			 len, i;

	(void)util_fmt(path, sizeof(path), "%s/Product", ppath);
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
read_pfield(struct parse *p, const xmlNode *node, const char *path,
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
parse_product(struct parse *p, const xmlNode *node, size_t idx)
{
	const struct msgdef	*def = p->def;
	struct ijw_product	*pr = &p->out->products[idx];
	const char		*names[PFIELDS_MAX];
	const xmlNode		*f[PFIELDS_MAX];
	char			 path[PATH_SIZE];
	size_t			 i;

	(void)util_fmt(path, sizeof(path), "Client/%s/%s[%zu]", def->list,
	    def->item, idx + 1);
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
parse_products(struct parse *p, const xmlNode *list)
{
	const struct msgdef	*def = p->def;
	const xmlNode		*c;
	char			 path[PATH_SIZE];
	size_t			 n = 0;

	/* Counted first, so an oversized list fails before any work. */
	for (c = list->children; c != NULL; c = c->next)
		if (in_ns(c, p->msgns) &&
		    strcmp((const char *)c->name, def->item) == 0)
			n++;
	(void)util_fmt(path, sizeof(path), "Client/%s", def->list);
	if (n == 0)
		return missing(p, list, path, def->item);
	if (n > IJW_PRODUCTS_MAX)
		return fail(p, IJW_ERR_TOO_MANY_PRODUCTS, list, "Client",
		    def->list, "Het Bericht heeft meer dan %d producten",
		    IJW_PRODUCTS_MAX);
	n = 0;
	for (c = list->children; c != NULL; c = c->next) {
		if (!in_ns(c, p->msgns) ||
		    strcmp((const char *)c->name, def->item) != 0)
			continue;
		if (parse_product(p, c, n) == -1)
			return -1;
		n++;
	}
	p->out->nproducts = n;
	return 0;
}

/* JW301 Client/Contactgegevens: the Postcode only (issue #15). */
static int
parse_postcode(struct parse *p, const xmlNode *cg)
{
	static const char *const cnames[] = { "Soort", "Adres" };
	static const char *const anames[] = { "Postcode", "LandCode" };
	static const char	 path[] = "Client/Contactgegevens/Contact";
	const xmlNode		*c, *f[ARRAY_LEN(cnames)], *a[ARRAY_LEN(anames)];
	char			 v[VALUE_MAX + 1], soort[VALUE_MAX + 1];
	size_t			 len, slen;
	int			 pc4, best = 0;

	for (c = cg->children; c != NULL; c = c->next) {
		if (!in_ns(c, p->msgns) ||
		    strcmp((const char *)c->name, "Contact") != 0)
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
				continue;
		}
		if (read_value(p, a[0], path, anames[0], v, sizeof(v),
		    &len) == -1)
			return -1;
		if (gebied_postcode(v, len, &pc4) == -1)
			return fail(p, IJW_ERR_POSTCODE, a[0], path,
			    anames[0], "Postcode moet uit 4 cijfers (de eerste "
			    "geen 0) en 2 letters bestaan");
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

/* Client: Bsn, Geboortedatum, Geslacht and the product list; no more. */
static int
parse_client(struct parse *p, const xmlNode *client)
{
	const char	*names[] = {
		"Bsn", "Geboortedatum", "Geslacht", p->def->list,
		"Contactgegevens"
	};
	const xmlNode	*f[ARRAY_LEN(names)];

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
parse_tree(struct parse *p, const xmlDoc *doc)
{
	static const char *const names[] = { "Header", "Client" };
	const xmlNode		*root, *f[ARRAY_LEN(names)];

	if ((root = xmlDocGetRootElement(doc)) == NULL)
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
check_parse(struct parse *p, const xmlParserCtxt *ctxt, const xmlDoc *doc)
{
	if (p->dtd || (doc != NULL &&
	    (doc->intSubset != NULL || doc->extSubset != NULL)))
		return fail(p, IJW_ERR_DTD_FORBIDDEN, NULL, "", NULL,
		    "Een DOCTYPE (DTD, entiteitdeclaraties) is niet "
		    "toegestaan");
	if (ctxt->wellFormed && ctxt->nsWellFormed && p->xmlcode == 0 &&
	    doc != NULL)
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
 * Runs libxml2 over buf with this thread's error handlers silenced and
 * restored. *docp gets the tree of a well-formed document without a
 * DOCTYPE; the caller frees it.
 */
static int
parse_xml(struct parse *p, const char *buf, size_t len, xmlDocPtr *docp)
{
	xmlParserCtxtPtr	 ctxt;
	xmlDocPtr		 doc = NULL;
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
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (check_parse(p, ctxt, doc) == -1)
		goto fail;
	*docp = doc;
	doc = NULL;
	rc = 0;
 fail:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	/* The thread's copy of the last error may quote the document. */
	xmlResetLastError();
	xmlSetStructuredErrorFunc(saved_sctx, saved_serror);
	xmlSetGenericErrorFunc(saved_gctx, saved_generic);
	return rc;
}

int
ijw_ref_parse_limit(const char *buf, size_t len, size_t max,
    struct ijw_message *out, struct ijw_error *err)
{
	struct ijw_error	 scratch;
	struct parse		 p;
	xmlDocPtr		 doc = NULL;
	int			 rc = -1;

	if (err == NULL)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	out->geslacht = -1;
	memset(&p, 0, sizeof(p));
	p.out = out;
	p.err = err;

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
	if (prescan(&p, buf, len) == -1 ||
	    parse_xml(&p, buf, len, &doc) == -1 || parse_tree(&p, doc) == -1)
		goto fail;
	rc = 0;
 fail:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (rc == -1)
		explicit_bzero(out, sizeof(*out));
	return rc;
}

static const char *
ref_type_name(enum ijw_type t)
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

/*
 * iJw berichten: one XML Bericht in memory in, one struct ijw_message out.
 *
 * Supported: JW301 (toewijzing, BerichtCode 436), JW305 (start jeugdhulp,
 * 438) and JW307 (stop jeugdhulp, 440) of iJw releases 3.0, 3.1 and 3.2.
 * Elements are matched on namespace URI and local name, never on prefixes.
 *
 * Safety: libxml2 parses with network access and entity substitution off,
 * and any DOCTYPE is refused the moment the parser meets it, before an
 * internal subset is read (XXE, billion laughs). libxml2 never prints:
 * its errors are caught per parse, and only their line and column are
 * kept, never their text (which may quote the document).
 *
 * Privacy: only the fields below are copied out. Naam, Contactgegevens,
 * Relaties, Commentaar and every other element are passed over unread.
 * Error messages and fields name elements, never a value from the
 * document. The struct holds a BSN in clear: the caller validates it
 * (elfproef), pseudonymises it and calls ijw_message_wipe.
 *
 * Pure and thread-safe: no I/O and no mutable state of this module's
 * own; libxml2 is initialised once through pthread_once. The caller may
 * still call xmlInitParser() at start-up and must call
 * xmlCleanupParser() only at exit, after the last parse.
 */
#ifndef SORTTP_PARSE_IJW_H
#define SORTTP_PARSE_IJW_H

#include <stddef.h>

#include "errors.h"

#define IJW_INPUT_MAX		(1024 * 1024)	/* default bytes of a Bericht */
#define IJW_INPUT_MAX_LIMIT	(16 * 1024 * 1024) /* highest override */
#define IJW_PRODUCTS_MAX	256		/* products in one Bericht */

/*
 * The shape of a Bericht, bounded before libxml2 sees it (see prescan in
 * parse_ijw.c). A real iJw Bericht has a handful of namespace attributes
 * on its root, a depth below ten and at most a few thousand elements; the
 * bounds leave a wide margin and keep libxml2's worst case (its duplicate
 * attribute check is quadratic) to a few milliseconds.
 */
#define IJW_ATTRS_MAX		32	/* attributes of one element */
#define IJW_ELEMENTS_MAX	16384	/* elements in one Bericht */
#define IJW_DEPTH_MAX		32	/* nesting of elements */
#define IJW_TEXT_MAX		65536	/* bytes of one text run or value */

#define IJW_DATE_SIZE		11	/* "YYYY-MM-DD" + NUL */
#define IJW_IDENTIFICATIE_MAX	12	/* characters, not bytes */
#define IJW_IDENTIFICATIE_SIZE	(4 * IJW_IDENTIFICATIE_MAX + 1)	/* UTF-8 */

/* Stable error codes (struct ijw_error.code). */
#define IJW_ERR_XML_MALFORMED		ERR_XML_MALFORMED
#define IJW_ERR_DTD_FORBIDDEN		ERR_DTD_FORBIDDEN
#define IJW_ERR_NOT_IJW			ERR_NOT_IJW
#define IJW_ERR_UNSUPPORTED_MESSAGE	ERR_UNSUPPORTED_MESSAGE
#define IJW_ERR_HEADER_MISMATCH		ERR_HEADER_MISMATCH
#define IJW_ERR_MISSING_ELEMENT		ERR_MISSING_ELEMENT
#define IJW_ERR_INVALID_VALUE		ERR_INVALID_VALUE
#define IJW_ERR_TOO_MANY_PRODUCTS	ERR_TOO_MANY_PRODUCTS
#define IJW_ERR_TOO_LARGE		ERR_TOO_LARGE
#define IJW_ERR_TOO_COMPLEX		ERR_XML_TOO_COMPLEX
#define IJW_ERR_POSTCODE		ERR_POSTCODE_ONGELDIG	/* JW301 */

enum ijw_type {
	IJW_NONE = 0,
	IJW_JW301 = 301,	/* toewijzing, gemeente -> aanbieder */
	IJW_JW305 = 305,	/* start jeugdhulp, aanbieder -> gemeente */
	IJW_JW307 = 307		/* stop jeugdhulp, aanbieder -> gemeente */
};

/*
 * Geboortedatum/DatumGebruik, with the values of code list COD170. When
 * the element is absent the whole date is known.
 */
enum ijw_datum_gebruik {
	IJW_DATUM_VOLLEDIG = 0,		/* DatumGebruik absent */
	IJW_DATUM_DAG_ONBEKEND = 1,	/* use only year and month */
	IJW_DATUM_ALLEEN_JAAR = 2,	/* use only the year */
	IJW_DATUM_ONBEKEND = 3		/* the date is unknown */
};

/*
 * One StartProduct (JW305), StopProduct (JW307) or ToegewezenProduct
 * (JW301). Strings are NUL-terminated; "" when the element is absent or
 * does not occur in this message type. Dates are "YYYY-MM-DD", checked
 * to be calendar dates.
 */
struct ijw_product {
	char	toewijzingnummer[10];	/* 1-9 digits; "" taakgericht */
	char	categorie[3];		/* Product/Categorie, 2 digits */
	char	code[6];		/* Product/Code, 1-5 letters/digits */
	char	toewijzing_ingangsdatum[IJW_DATE_SIZE];	/* 305/307 */
	char	begindatum[IJW_DATE_SIZE];	/* 305/307, required */
	char	einddatum[IJW_DATE_SIZE];	/* 307 required, 301 optional */
	char	reden_beeindiging[3];	/* 307, JZ588, 2 digits */
	char	toewijzingsdatum[IJW_DATE_SIZE];	/* 301, required */
	char	ingangsdatum[IJW_DATE_SIZE];	/* 301, required */
	char	reden_wijziging[3];	/* 301, JZ002, 2 digits */
	int	status_aanlevering;	/* 305/307: 1, 2 or 3; 301: 0 */
};

/*
 * A parsed Bericht, about 21 KB. gemeente and agb are Afzender and
 * Ontvanger sorted by direction: in a JW301 the gemeente sends, in a
 * JW305/JW307 the aanbieder does. Whether the gemeente belongs to the
 * region is for the caller to decide.
 */
struct ijw_message {
	enum ijw_type	 type;
	int		 minor;			/* iJw 3.minor: 0, 1 or 2 */
	char		 afzender[9];
	char		 ontvanger[9];
	char		 identificatie[IJW_IDENTIFICATIE_SIZE];
	char		 dagtekening[IJW_DATE_SIZE];
	char		 gemeente[5];		/* 4 digits */
	char		 agb[9];		/* 8 digits */
	char		 bsn[10];		/* 8-9 digits as sent, unchecked */
	char		 geboortedatum[IJW_DATE_SIZE];
	enum ijw_datum_gebruik datum_gebruik;
	int		 geslacht;		/* COD046 0, 1, 2; -1 absent */
	/*
	 * JW301: the 4 digits of the client's Dutch postcode (Contactgegevens,
	 * the BRP address (Soort 01) first), 0 when none; only its gebied is
	 * kept (gebied.h). Nothing else of Contactgegevens is read.
	 */
	int		 pc4;
	size_t		 nproducts;		/* 1..IJW_PRODUCTS_MAX */
	struct ijw_product products[IJW_PRODUCTS_MAX];
};

/*
 * Why a Bericht was refused. code is one of IJW_ERR_*; message is Dutch
 * and never quotes the document; field is the path of the element at
 * fault below Bericht ("Client/Bsn",
 * "Client/StartProducten/StartProduct[2]/Begindatum"), or "" when there is
 * none. line and column are 1-based; 0 when unknown (column is only known
 * for xml_malformed and dtd_forbidden).
 */
struct ijw_error {
	const char	*code;
	char		 message[256];
	long		 line;
	long		 column;
	char		 field[128];
};

/*
 * Parses the len bytes at buf, at most IJW_INPUT_MAX. Returns 0 with *out
 * filled, or -1 with *err set (err may be NULL) and *out wiped.
 */
int	ijw_parse(const char *buf, size_t len, struct ijw_message *out,
	    struct ijw_error *err);

/*
 * As ijw_parse with a byte limit of max instead: 0 means IJW_INPUT_MAX,
 * anything above IJW_INPUT_MAX_LIMIT is lowered to it.
 */
int	ijw_parse_limit(const char *buf, size_t len, size_t max,
	    struct ijw_message *out, struct ijw_error *err);

/* Zeroes the whole message (it holds a BSN); NULL is a no-op. */
void	ijw_message_wipe(struct ijw_message *);

/* "JW301", "JW305", "JW307", or "?" for anything else. */
const char *ijw_type_name(enum ijw_type);

#endif

/*
 * Scores CSV parser; see parse_scores.h.
 *
 * The stream is cut at record ends (a newline outside quotes) before it
 * reaches libcsv. That gives each record the row number Excel shows, lets
 * a blank row count as a row, and bounds a record at SCORES_LINE_MAX bytes,
 * which in turn bounds libcsv's own field buffer. Errors never quote a
 * value: they name the row, the column and what is wrong.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "dates.h"
#include "errors.h"
#include "gebied.h"
#include "parse_scores.h"
#include "pseudonym.h"
#include "util.h"
#include "wipe.h"

enum col_id {
	COL_IGNORED = 0,	/* a column without a name */
	COL_BSN,
	COL_TOEWIJZING,
	COL_GEMEENTE,
	COL_AGB,
	COL_MEETDATUM,
	COL_MEETMOMENT,
	COL_PROBLEEMAFNAME,
	COL_ZONDER_HULP,
	COL_PRODUCTCATEGORIE,
	COL_GEBOORTEDATUM,
	COL_GESLACHT,
	COL_OPT_OUT,
	COL_POSTCODE,
	COL_GAS,		/* COL_GAS + i, i = 0..9 */
	COL_GEWICHT = COL_GAS + GAS_GOALS_MAX,
	COL__COUNT = COL_GEWICHT + GAS_GOALS_MAX
};

static const struct {
	const char	*name;
	enum col_id	 id;
	int		 required;
} columns[] = {
	{ "bsn", COL_BSN, 1 },
	{ "toewijzingnummer", COL_TOEWIJZING, 1 },
	{ "gemeente", COL_GEMEENTE, 1 },
	{ "agb", COL_AGB, 1 },
	{ "meetdatum", COL_MEETDATUM, 1 },
	{ "meetmoment", COL_MEETMOMENT, 1 },
	{ "probleemafname", COL_PROBLEEMAFNAME, 0 },
	{ "zonder_hulp_verder", COL_ZONDER_HULP, 0 },
	{ "productcategorie", COL_PRODUCTCATEGORIE, 0 },
	{ "geboortedatum", COL_GEBOORTEDATUM, 0 },
	{ "geslacht", COL_GESLACHT, 0 },
	{ "opt_out", COL_OPT_OUT, 0 },
	{ "postcode", COL_POSTCODE, 0 },
};

struct field {
	size_t	off;
	size_t	len;
};

struct scores_parser {
	struct scores_params	 p;
	struct csv_parser	 csv;
	int			 csv_ready;
	enum scores_status	 status;
	int			 stopped;	/* nothing more is parsed */
	int			 have_header;
	char			*hdr;		/* the header record, buffered */
	size_t			 hdrlen;
	int			 inq;		/* inside quotes */
	int			 prev_cr;	/* the last byte was a CR */
	size_t			 reclen;	/* bytes of the current record */
	long			 done;		/* records completed */
	char			*buf;		/* fields of the current record */
	size_t			 buflen;
	struct field		 f[SCORES_COLS_MAX + 1];
	size_t			 nf;		/* fields seen, may exceed f[] */
	int			 extra_col;	/* first non-empty field past
						   the header's columns, 1-based */
	int			 col[SCORES_COLS_MAX];
	char			 colname[SCORES_COLS_MAX][24];
	size_t			 ncols;
	long long		 rows;		/* data rows (valid or not) */
	long long		 valid;
	struct scores_error	*err;
	size_t			 nerr, caperr;
	int			 sorted;	/* err is sorted, not a heap */
	long long		 total;
	struct scores_row	 row;
};

static void
column_letters(int col, char out[4])
{
	if (col <= 26)
		util_fmt(out, 4, "%c", 'A' + col - 1);
	else
		util_fmt(out, 4, "%c%c", 'A' + (col - 1) / 26 - 1,
		    'A' + (col - 1) % 26);
}

static int
err_before(const struct scores_error *x, const struct scores_error *y)
{
	return x->line < y->line || (x->line == y->line && x->column < y->column);
}

/* Restores the max-heap (by line) below node i of n kept errors. */
static void
heap_down(struct scores_error *e, size_t n, size_t i)
{
	struct scores_error	tmp;
	size_t			big, l, r;

	for (;;) {
		big = i;
		l = 2 * i + 1;
		r = l + 1;
		if (l < n && err_before(&e[big], &e[l]))
			big = l;
		if (r < n && err_before(&e[big], &e[r]))
			big = r;
		if (big == i)
			return;
		tmp = e[i];
		e[i] = e[big];
		e[big] = tmp;
		i = big;
	}
}

static void err_add(struct scores_parser *, long, int, const char *,
	    const char *, ...) __attribute__((format(printf, 5, 6)));

/*
 * Records an error. Every error is counted; the errors_max with the lowest
 * row numbers are kept (once the list is full it is a max-heap by row, so
 * errors found out of order, such as repeated rows, still list the first
 * ones). A column error's message starts with "Kolom C (naam): ".
 */
static void
err_add(struct scores_parser *sp, long line, int col, const char *code,
    const char *fmt, ...)
{
	struct scores_error	 e, *ne;
	char			 letters[4], prefix[96] = "", text[160];
	size_t			 ncap, i;
	va_list			 ap;

	sp->total++;
	if (sp->status == SCORES_OK)
		sp->status = SCORES_INVALID;
	if (sp->sorted) {
		if (sp->nerr == sp->p.errors_max)
			for (i = sp->nerr / 2 + 1; i-- > 0;)
				heap_down(sp->err, sp->nerr, i);
		sp->sorted = 0;
	}
	e.line = line;
	e.column = col;
	if (sp->nerr == sp->p.errors_max && !err_before(&e, &sp->err[0]))
		return;		/* counted; later than every kept error */
	util_fmt(e.code, sizeof(e.code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (col > 0 && (size_t)col <= sp->ncols && sp->have_header) {
		column_letters(col, letters);
		/* Header names are shown only once they are known names. */
		if (sp->colname[col - 1][0] != '\0')
			util_fmt(prefix, sizeof(prefix), "Kolom %s (%s): ",
			    letters, sp->colname[col - 1]);
		else
			util_fmt(prefix, sizeof(prefix), "Kolom %s: ",
			    letters);
	}
	util_fmt(e.message, sizeof(e.message), "%s%s", prefix, text);
	if (sp->nerr == sp->p.errors_max) {
		sp->err[0] = e;		/* replaces the latest kept error */
		heap_down(sp->err, sp->nerr, 0);
		return;
	}
	if (sp->nerr == sp->caperr) {
		ncap = sp->caperr ? sp->caperr * 2 : 16;
		if (ncap > sp->p.errors_max)
			ncap = sp->p.errors_max;
		if ((ne = reallocarray(sp->err, ncap, sizeof(*ne))) == NULL)
			return;		/* counted, not listed */
		sp->err = ne;
		sp->caperr = ncap;
	}
	sp->err[sp->nerr++] = e;
	if (sp->nerr == sp->p.errors_max)
		for (i = sp->nerr / 2 + 1; i-- > 0;)
			heap_down(sp->err, sp->nerr, i);
}

/* Stops parsing for good: what follows cannot be read reliably. */
static void
stop(struct scores_parser *sp, enum scores_status st)
{
	sp->stopped = 1;
	if (st != SCORES_OK && sp->status != SCORES_FAILED)
		sp->status = st;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static void
field_get(const struct scores_parser *sp, size_t i, const char **s,
    size_t *len)
{
	if (i >= sp->nf || i > SCORES_COLS_MAX) {
		*s = "";
		*len = 0;
		return;
	}
	*s = sp->buf + sp->f[i].off;
	*len = sp->f[i].len;
	trim(s, len);
}

/* libcsv: one field of the current record, copied into the row buffer. */
static void
on_field(void *s, size_t len, void *arg)
{
	struct scores_parser	*sp = arg;
	size_t			 i = sp->nf++, k;

	/*
	 * A value past the header's columns is an error wherever it is,
	 * also beyond the fields this row keeps.
	 */
	if (sp->have_header && i >= sp->ncols && sp->extra_col == 0) {
		for (k = 0; k < len; k++) {
			if (((const char *)s)[k] != ' ' &&
			    ((const char *)s)[k] != '\t') {
				sp->extra_col = (int)i + 1;
				break;
			}
		}
	}
	if (i > SCORES_COLS_MAX)
		return;
	/* The record is at most SCORES_LINE_MAX bytes, and so its fields. */
	if (sp->buflen + len + 1 > SCORES_LINE_MAX + SCORES_COLS_MAX + 2) {
		sp->f[i].off = sp->f[i].len = 0;
		return;
	}
	if (len > 0)
		memcpy(sp->buf + sp->buflen, s, len);
	sp->buf[sp->buflen + len] = '\0';
	sp->f[i].off = sp->buflen;
	sp->f[i].len = len;
	sp->buflen += len + 1;
}

static void
header(struct scores_parser *sp, long line)
{
	int		 seen[COL__COUNT] = { 0 };
	char		 name[24];
	const char	*s;
	size_t		 i, j, len, known = 0, missing = 0;
	long long	 n;
	int		 id;

	sp->have_header = 1;
	if (sp->nf > SCORES_COLS_MAX) {
		err_add(sp, line, 0, ERR_TE_VEEL_KOLOMMEN, "De kopregel heeft meer "
		    "dan %d kolommen", SCORES_COLS_MAX);
		stop(sp, SCORES_INVALID);
		return;
	}
	sp->ncols = sp->nf;
	for (i = 0; i < sp->ncols; i++) {
		field_get(sp, i, &s, &len);
		id = -1;
		name[0] = '\0';
		if (len < sizeof(name)) {
			for (j = 0; j < len; j++)
				name[j] = (char)(s[j] >= 'A' && s[j] <= 'Z' ?
				    s[j] - 'A' + 'a' : s[j]);
			name[len] = '\0';
		}
		memcpy(sp->colname[i], name, sizeof(name));
		if (len == 0)
			id = COL_IGNORED;
		for (j = 0; id == -1 && j < ARRAY_LEN(columns); j++)
			if (strcmp(name, columns[j].name) == 0)
				id = (int)columns[j].id;
		if (id == -1 && strncmp(name, "gas_", 4) == 0 &&
		    util_memtonum(name + 4, strlen(name + 4), 1,
		    GAS_GOALS_MAX, &n) == 0 && name[4] != '0')
			id = COL_GAS + (int)n - 1;
		if (id == -1 && strncmp(name, "gewicht_", 8) == 0 &&
		    util_memtonum(name + 8, strlen(name + 8), 1,
		    GAS_GOALS_MAX, &n) == 0 && name[8] != '0')
			id = COL_GEWICHT + (int)n - 1;
		if (id == -1) {
			/* Data minimisation: nothing unknown is accepted. */
			sp->colname[i][0] = '\0';
			err_add(sp, line, (int)i + 1, ERR_KOLOM_ONBEKEND, "Onbekende "
			    "kolomnaam; alleen de kolommen uit de "
			    "aanleverspecificatie zijn toegestaan");
			id = COL_IGNORED;
		} else if (id != COL_IGNORED && seen[id]++) {
			err_add(sp, line, (int)i + 1, ERR_KOLOM_DUBBEL, "Deze kolom "
			    "komt twee keer voor");
			id = COL_IGNORED;
		} else if (id != COL_IGNORED)
			known++;
		sp->col[i] = id;
	}
	for (j = 0; j < ARRAY_LEN(columns); j++) {
		if (columns[j].required && !seen[columns[j].id]) {
			missing++;
			err_add(sp, line, 0, ERR_KOLOM_ONTBREEKT, "De verplichte "
			    "kolom '%s' ontbreekt in de kopregel",
			    columns[j].name);
		}
	}
	/* No known column at all: this is not a scores file. */
	if (known == 0) {
		sp->total = 0;
		sp->nerr = 0;
		err_add(sp, 0, 0, ERR_GEEN_CSV, "Dit is geen scorebestand: de "
		    "eerste regel moet de kolomnamen bevatten (bsn; "
		    "toewijzingnummer; gemeente; agb; meetdatum; meetmoment; "
		    "...)");
		stop(sp, SCORES_NOT_CSV);
	} else if (missing > 0)
		stop(sp, SCORES_INVALID);
}

/* An integer in [min, max], with an optional '+'. */
static int
small_int(const char *s, size_t len, long long min, long long max, int *out)
{
	long long	v;

	if (len > 1 && s[0] == '+') {
		if (s[1] == '-')
			return -1;
		s++;
		len--;
	}
	if (util_memtonum(s, len, min, max, &v) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * Digits whose leading zeros Excel may have dropped: "363" is gemeente
 * 0363, a 7-digit AGB lost its leading 0. width is the full length.
 */
static int
padded_code(const char *s, size_t len, size_t width, char *out)
{
	if (len == 0 || len > width || len + 1 < width ||
	    !util_all_digits(s, len))
		return -1;
	memset(out, '0', width - len);
	memcpy(out + width - len, s, len);
	out[width] = '\0';
	return 0;
}

static int
categorie_valid(int c)
{
	return (c >= 31 && c <= 38) || (c >= 40 && c <= 55);
}

static int
word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

/*
 * One field of a data row into sp->row. Returns 0, or -1 after recording
 * an error. Empty optional fields leave their default.
 */
static int
value(struct scores_parser *sp, long line, int c, int id, const char *s,
    size_t len)
{
	const struct cfg_gemeente	*g;
	struct scores_row		*r = &sp->row;
	enum bsn_result			 b;
	char				 code[9];
	int				 v, gi;

	switch (id) {
	case COL_BSN:
		if ((b = pseudo_bsn_canon(s, len, r->bsn)) != BSN_OK)
			goto bad_bsn;
		return 0;
	case COL_TOEWIJZING:
		if (len > PSEUDO_TOEWIJZING_MAX || !util_all_digits(s, len)) {
			err_add(sp, line, c, ERR_TOEWIJZINGNUMMER_ONGELDIG,
			    "ToewijzingNummer moet uit 1 tot 9 cijfers "
			    "bestaan");
			return -1;
		}
		memcpy(r->toewijzing, s, len);
		r->toewijzing[len] = '\0';
		r->toewijzing_len = len;
		return 0;
	case COL_GEMEENTE:
		if (padded_code(s, len, 4, code) == -1) {
			err_add(sp, line, c, ERR_GEMEENTE_ONGELDIG, "Gemeentecode "
			    "moet de CBS-code van 4 cijfers zijn");
			return -1;
		}
		if ((g = config_gemeente(sp->p.cfg, code, NULL)) == NULL) {
			err_add(sp, line, c, ERR_GEMEENTE_ONBEKEND, "Deze "
			    "gemeentecode hoort niet bij de regio");
			return -1;
		}
		memcpy(r->gemeente, g->code, 5);
		memcpy(r->gemeente_issuer, code, 5);
		return 0;
	case COL_AGB:
		if (padded_code(s, len, 8, code) == -1) {
			err_add(sp, line, c, ERR_AGB_ONGELDIG, "AGB-code moet uit "
			    "8 cijfers bestaan");
			return -1;
		}
		if (strcmp(code, sp->p.agb) != 0) {
			err_add(sp, line, c, ERR_AGB_NIET_EIGEN, "De AGB-code is "
			    "niet die van uw organisatie; u kunt alleen eigen "
			    "trajecten aanleveren");
			return -1;
		}
		memcpy(r->agb, code, 9);
		return 0;
	case COL_MEETDATUM:
	case COL_GEBOORTEDATUM:
		if (len == 0)
			return 0;	/* meetdatum: checked by the caller */
		if (date_parse(s, len, &v) == -1) {
			err_add(sp, line, c, ERR_DATUM_ONGELDIG, "Datum moet "
			    "DD-MM-JJJJ of JJJJ-MM-DD zijn en bestaan");
			return -1;
		}
		if (v > sp->p.today) {
			err_add(sp, line, c, ERR_DATUM_IN_TOEKOMST, "Datum ligt "
			    "in de toekomst");
			return -1;
		}
		if (id == COL_MEETDATUM)
			r->meetdatum = v;
		else
			r->leeftijd = v;	/* birth date; made a band later */
		return 0;
	case COL_MEETMOMENT:
		if (word_is(s, len, "begin"))
			r->meetmoment = MOMENT_BEGIN;
		else if (word_is(s, len, "tussen"))
			r->meetmoment = MOMENT_TUSSEN;
		else if (word_is(s, len, "eind"))
			r->meetmoment = MOMENT_EIND;
		else {
			err_add(sp, line, c, ERR_MEETMOMENT_ONGELDIG, "Meetmoment "
			    "moet begin, tussen of eind zijn");
			return -1;
		}
		return 0;
	case COL_PROBLEEMAFNAME:
		if (len == 0)
			return 0;
		if (small_int(s, len, 1, 3, &r->probleemafname) == -1) {
			err_add(sp, line, c, ERR_PROBLEEMAFNAME_ONGELDIG,
			    "Probleemafname moet 1, 2 of 3 zijn");
			return -1;
		}
		return 0;
	case COL_ZONDER_HULP:
		if (len == 0)
			return 0;
		if (word_is(s, len, "ja"))
			r->zonder_hulp = 1;
		else if (word_is(s, len, "nee"))
			r->zonder_hulp = 0;
		else {
			err_add(sp, line, c, ERR_ZONDER_HULP_ONGELDIG, "Zonder "
			    "hulp verder moet ja of nee zijn");
			return -1;
		}
		return 0;
	case COL_OPT_OUT:
		if (len == 0)
			return 0;
		if (word_is(s, len, "ja"))
			r->opt_out = 1;
		else if (word_is(s, len, "nee"))
			r->opt_out = 0;
		else {
			err_add(sp, line, c, ERR_OPT_OUT_ONGELDIG, "Opt-out "
			    "moet ja of nee zijn");
			return -1;
		}
		return 0;
	case COL_PRODUCTCATEGORIE:
		if (len == 0)
			return 0;
		if (len != 2 || small_int(s, len, 0, 99, &v) == -1 ||
		    !categorie_valid(v)) {
			err_add(sp, line, c, ERR_PRODUCTCATEGORIE_ONGELDIG,
			    "Productcategorie moet een iJw-categorie (JZ020) "
			    "van 2 cijfers zijn");
			return -1;
		}
		r->productcategorie = v;
		return 0;
	case COL_POSTCODE:
		/* Only its area is kept (gebied.h); the row is wiped. */
		if (len == 0)
			return 0;
		if (gebied_postcode(s, len, &r->pc4) == -1) {
			err_add(sp, line, c, ERR_POSTCODE_ONGELDIG, "Postcode "
			    "moet 4 cijfers zijn, eventueel met 2 letters");
			return -1;
		}
		return 0;
	case COL_GESLACHT:
		if (len == 0)
			return 0;
		if (small_int(s, len, 0, 2, &r->geslacht) == -1) {
			err_add(sp, line, c, ERR_GESLACHT_ONGELDIG, "Geslacht moet "
			    "0 (onbekend), 1 (man) of 2 (vrouw) zijn");
			return -1;
		}
		return 0;
	default:
		break;
	}
	if (id >= COL_GAS && id < COL_GAS + GAS_GOALS_MAX) {
		gi = id - COL_GAS;
		if (len == 0)
			return 0;
		if (small_int(s, len, -2, 2, &r->gas[gi]) == -1) {
			err_add(sp, line, c, ERR_GAS_ONGELDIG, "GAS-score moet een "
			    "geheel getal van -2 tot en met +2 zijn");
			return -1;
		}
		r->ngoals |= 1 << gi;	/* a bit per goal until the end */
		return 0;
	}
	if (id >= COL_GEWICHT && id < COL_GEWICHT + GAS_GOALS_MAX) {
		gi = id - COL_GEWICHT;
		if (len == 0)
			return 0;
		if (small_int(s, len, 1, 10, &r->gewicht[gi]) == -1) {
			err_add(sp, line, c, ERR_GEWICHT_ONGELDIG, "Gewicht moet "
			    "een geheel getal van 1 tot en met 10 zijn");
			return -1;
		}
		return 0;
	}
	return 0;	/* COL_IGNORED */
bad_bsn:
	err_add(sp, line, c, pseudo_bsn_code(b), "%s", pseudo_bsn_message(b));
	return -1;
}

static void
row_reset(struct scores_row *r, long line)
{
	int	i;

	explicit_bzero(r, sizeof(*r));
	r->line = line;
	r->zonder_hulp = -1;
	r->leeftijd = -1;
	r->geslacht = -1;
	r->opt_out = -1;
	for (i = 0; i < GAS_GOALS_MAX; i++)
		r->gewicht[i] = 1;
}

/*
 * Packs the goals that were filled in (any of gas_1..gas_10) to the front,
 * with their weights, and turns the birth date into an age band.
 */
static int
row_finish(struct scores_parser *sp, long line)
{
	struct scores_row	*r = &sp->row;
	int			 mask = r->ngoals, i, n = 0, age;

	for (i = 0; i < GAS_GOALS_MAX; i++) {
		if (!(mask & (1 << i)))
			continue;
		r->gas[n] = r->gas[i];
		r->gewicht[n] = r->gewicht[i];
		n++;
	}
	r->ngoals = n;
	/*
	 * Under opt-out no doelrealisatie is measured (seed 000): its end
	 * may come without goals, and says the trajectory ended.
	 */
	if (r->meetmoment == MOMENT_EIND && n == 0 && r->opt_out != 1) {
		err_add(sp, line, 0, ERR_EIND_ZONDER_DOELEN, "Bij meetmoment eind "
		    "moet ten minste een doel een GAS-score hebben");
		return -1;
	}
	if (r->leeftijd != -1) {
		if ((age = date_age(r->leeftijd, r->meetdatum)) < 0) {
			err_add(sp, line, 0, ERR_GEBOORTEDATUM_NA_MEETDATUM,
			    "De geboortedatum ligt na de meetdatum");
			return -1;
		}
		r->leeftijd = date_age_band(age);
	}
	return 0;
}

/* Is every field of the current record empty? (A blank Excel row.) */
static int
row_blank(const struct scores_parser *sp)
{
	const char	*s;
	size_t		 i, len;

	for (i = 0; i < sp->nf && i <= SCORES_COLS_MAX; i++) {
		field_get(sp, i, &s, &len);
		if (len > 0)
			return 0;
	}
	return 1;
}

static void
data_row(struct scores_parser *sp, long line)
{
	const char	*s;
	size_t		 i, len;
	int		 bad = 0, id, rc;

	if (row_blank(sp))
		return;
	if (++sp->rows > sp->p.rows_max) {
		err_add(sp, line, 0, ERR_TE_VEEL_RIJEN, "Het bestand heeft meer "
		    "dan %lld rijen; splits het in kleinere bestanden",
		    sp->p.rows_max);
		stop(sp, SCORES_INVALID);
		return;
	}
	row_reset(&sp->row, line);
	if (sp->extra_col > 0) {
		err_add(sp, line, sp->extra_col, ERR_AANTAL_VELDEN, "Deze rij "
		    "heeft meer velden dan de kopregel kolommen");
		bad = 1;
	}
	for (i = 0; i < sp->ncols; i++) {
		id = sp->col[i];
		field_get(sp, i, &s, &len);
		if (len == 0 && id >= COL_BSN && id <= COL_MEETMOMENT) {
			err_add(sp, line, (int)i + 1, ERR_WAARDE_ONTBREEKT,
			    "Dit veld is verplicht");
			bad = 1;
			continue;
		}
		if (value(sp, line, (int)i + 1, id, s, len) == -1)
			bad = 1;
	}
	if (!bad && row_finish(sp, line) == -1)
		bad = 1;
	if (!bad) {
		rc = sp->p.row(sp->p.arg, &sp->row);
		if (rc != 1)
			sp->valid++;
		if (rc == 1)
			err_add(sp, line, 0, ERR_RIJ_DUBBEL, "Deze rij staat al "
			    "eerder in het bestand (zelfde toewijzing, "
			    "meetdatum en meetmoment)");
		else if (rc == -1)
			stop(sp, SCORES_FAILED);
	}
	explicit_bzero(&sp->row, sizeof(sp->row));
}

/* libcsv: the end of a record. */
static void
on_record(int c, void *arg)
{
	struct scores_parser	*sp = arg;
	long			 line = sp->done + 1;

	(void)c;
	if (sp->stopped)
		goto out;
	if (!sp->have_header)
		header(sp, line);
	else
		data_row(sp, line);
out:
	explicit_bzero(sp->buf, sp->buflen);
	sp->buflen = 0;
	sp->nf = 0;
	sp->extra_col = 0;
}

/* Is s[0..len) valid UTF-8? (The header only; values are checked.) */
static int
utf8_valid(const unsigned char *s, size_t len)
{
	size_t	i = 0, n, k;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3;
		else
			return 0;
		if (n >= len - i)
			return 0;
		for (k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* ';' unless the header has more commas than semicolons (outside quotes). */
static char
sniff_delimiter(const char *s, size_t len)
{
	size_t	i, semi = 0, comma = 0;
	int	inq = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			inq = !inq;
		else if (!inq && s[i] == ';')
			semi++;
		else if (!inq && s[i] == ',')
			comma++;
	}
	return comma > semi ? ',' : ';';
}

/* Feeds one piece of a record to libcsv; a syntax error stops parsing. */
static void
csv_piece(struct scores_parser *sp, const char *s, size_t len)
{
	if (len == 0 || sp->stopped)
		return;
	if (csv_parse(&sp->csv, s, len, on_field, on_record, sp) == len)
		return;
	if (!sp->have_header) {
		/* Not even the first record is CSV. */
		err_add(sp, 0, 0, ERR_GEEN_CSV, "Dit is geen CSV-bestand: de "
		    "eerste regel moet de kolomnamen bevatten");
		stop(sp, SCORES_NOT_CSV);
		return;
	}
	err_add(sp, sp->done + 1, 0, ERR_CSV_SYNTAXFOUT, "De CSV-opmaak klopt "
	    "niet (bijvoorbeeld een aanhalingsteken dat niet wordt "
	    "afgesloten); verder lezen is niet mogelijk");
	stop(sp, SCORES_INVALID);
}

/* The header record is complete in sp->hdr: start libcsv on it. */
static void
start_csv(struct scores_parser *sp)
{
	const char	*h = sp->hdr;
	size_t		 len = sp->hdrlen;

	if (len >= 3 && memcmp(h, "\xef\xbb\xbf", 3) == 0) {
		h += 3;
		len -= 3;
	}
	if (!utf8_valid((const unsigned char *)h, len)) {
		err_add(sp, 0, 0, ERR_GEEN_CSV, "Dit is geen tekstbestand in "
		    "UTF-8; sla het bestand op als CSV UTF-8");
		stop(sp, SCORES_NOT_CSV);
		return;
	}
	if (csv_init(&sp->csv, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_APPEND_NULL) != 0) {
		stop(sp, SCORES_FAILED);
		return;
	}
	sp->csv_ready = 1;
	/* libcsv's field buffer holds BSNs: wiped when it grows or goes. */
	csv_set_realloc_func(&sp->csv, wipe_realloc);
	csv_set_free_func(&sp->csv, wipe_free);
	csv_set_delim(&sp->csv, (unsigned char)sniff_delimiter(h, len));
	csv_piece(sp, h, len);
}

/*
 * Bytes of the current record: buffered while it is the header (the
 * delimiter is sniffed from the whole header), parsed otherwise. The
 * record length limit bounds the header buffer.
 */
static void
pending(struct scores_parser *sp, const char *s, size_t len)
{
	if (len == 0 || sp->stopped)
		return;
	if (sp->csv_ready) {
		csv_piece(sp, s, len);
		return;
	}
	memcpy(sp->hdr + sp->hdrlen, s, len);
	sp->hdrlen += len;
}

/* Only a BOM, spaces, tabs and line ends? */
static int
blank(const char *s, size_t len)
{
	size_t	i = 0;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

enum scores_status
scores_feed(struct scores_parser *sp, const char *data, size_t len)
{
	size_t	i, start = 0;
	int	end;

	for (i = 0; i < len && !sp->stopped; i++) {
		if (data[i] == '\0') {
			/*
			 * What came before in this record is parsed first, so
			 * the answer does not depend on how the body was cut
			 * into chunks.
			 */
			pending(sp, data + start, i - start);
			if (!sp->stopped) {
				err_add(sp, sp->done + 1, 0, ERR_GEEN_CSV, "Het "
				    "bestand bevat binaire gegevens; dit is "
				    "geen CSV-bestand");
				stop(sp, SCORES_NOT_CSV);
			}
			break;
		}
		if (data[i] == '"')
			sp->inq = !sp->inq;
		/*
		 * A record ends at CR, LF or CRLF outside quotes (Excel for
		 * Mac wrote bare CRs); the LF of a CRLF belongs to its CR.
		 */
		end = !sp->inq && (data[i] == '\r' ||
		    (data[i] == '\n' && !sp->prev_cr));
		sp->prev_cr = !sp->inq && data[i] == '\r';
		if (++sp->reclen > SCORES_LINE_MAX) {
			pending(sp, data + start, i - start);
			if (!sp->stopped) {
				err_add(sp, sp->done + 1, 0, ERR_REGEL_TE_LANG,
				    "Deze rij is langer dan %d bytes",
				    SCORES_LINE_MAX);
				stop(sp, sp->have_header ? SCORES_INVALID :
				    SCORES_NOT_CSV);
			}
			break;
		}
		if (!end)
			continue;
		/* data[start..i] completes a record. */
		pending(sp, data + start, i + 1 - start);
		if (!sp->csv_ready && !sp->stopped) {
			if (blank(sp->hdr, sp->hdrlen))
				sp->hdrlen = 0;	/* blank rows before the header */
			else
				start_csv(sp);
		}
		sp->done++;
		sp->reclen = 0;
		start = i + 1;
	}
	if (!sp->stopped && start < len)
		pending(sp, data + start, len - start);
	return sp->status;
}

void
scores_add_error(struct scores_parser *sp, long line, int column,
    const char *code, const char *message)
{
	err_add(sp, line, column, code, "%s", message);
}

static int
err_cmp(const void *a, const void *b)
{
	const struct scores_error	*x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->column > y->column) - (x->column < y->column);
}

enum scores_status
scores_finish(struct scores_parser *sp)
{
	if (!sp->stopped && !sp->csv_ready && sp->hdrlen > 0)
		start_csv(sp);
	if (!sp->stopped && sp->csv_ready &&
	    csv_fini(&sp->csv, on_field, on_record, sp) != 0) {
		err_add(sp, sp->done + 1, 0, ERR_CSV_SYNTAXFOUT, "Het bestand "
		    "eindigt midden in een veld tussen aanhalingstekens");
		stop(sp, SCORES_INVALID);
	}
	if (!sp->stopped && !sp->have_header) {
		err_add(sp, 0, 0, ERR_GEEN_CSV, "Het bestand is leeg");
		stop(sp, SCORES_NOT_CSV);
	}
	if (sp->status == SCORES_OK && sp->rows == 0)
		err_add(sp, 0, 0, ERR_GEEN_RIJEN, "Het bestand heeft geen "
		    "gegevensrijen, alleen een kopregel");
	sp->stopped = 1;
	return sp->status;
}

struct scores_parser *
scores_new(const struct scores_params *p)
{
	struct scores_parser	*sp;

	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->p = *p;
	if (sp->p.errors_max == 0)
		sp->p.errors_max = 1;
	if ((sp->hdr = malloc(SCORES_LINE_MAX + 1)) == NULL ||
	    (sp->buf = malloc(SCORES_LINE_MAX + SCORES_COLS_MAX + 2)) ==
	    NULL) {
		scores_free(sp);
		return NULL;
	}
	return sp;
}

enum scores_status
scores_status(const struct scores_parser *sp)
{
	return sp->status;
}

long long
scores_rows(const struct scores_parser *sp)
{
	return sp->valid;
}

const struct scores_error *
scores_errors(struct scores_parser *sp, size_t *n, long long *total)
{
	/*
	 * Late errors (repeated rows) arrive out of order; list by line. A
	 * full list is a heap that err_add relies on, so it is restored if
	 * an error is added after this.
	 */
	if (sp->nerr > 1)
		qsort(sp->err, sp->nerr, sizeof(*sp->err), err_cmp);
	sp->sorted = 1;
	*n = sp->nerr;
	*total = sp->total;
	return sp->err;
}

void
scores_free(struct scores_parser *sp)
{
	if (sp == NULL)
		return;
	if (sp->csv_ready)
		csv_free(&sp->csv);
	if (sp->hdr != NULL)
		explicit_bzero(sp->hdr, SCORES_LINE_MAX + 1);
	if (sp->buf != NULL)
		explicit_bzero(sp->buf, SCORES_LINE_MAX + SCORES_COLS_MAX + 2);
	free(sp->hdr);
	free(sp->buf);
	free(sp->err);
	explicit_bzero(sp, sizeof(*sp));
	free(sp);
}

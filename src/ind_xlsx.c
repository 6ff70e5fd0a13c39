/*
 * An indicator answer as .xlsx (see ind_xlsx.h).
 *
 * Why from the CSV: the CSV is the answer after scope, disclosure control
 * and the audit, written from the same list of fields as the JSON
 * (ind_write.c). Reading it back here keeps one writer of figures, so the
 * workbook cannot differ from the CSV, and whatever column the CSV gains
 * (a flag, another figure) arrives here without a change. The dialect is
 * our own and strict: text quoted, numbers and booleans bare.
 *
 * Where the bytes go: libxlsxwriter 1.1.4 (Debian 12) writes a workbook
 * to a file name only (its memory output came in 1.1.5) and stages every
 * XML part in a scratch file. Both stay in the data folder, on the volume
 * the operator chose for pseudonymised data: the workbook is an O_TMPFILE
 * file (else a unique name unlinked at once), opened again by libxlsx-
 * writer through /proc/self/fd, and the scratch files come from its
 * tmpfileplus, created O_EXCL mode 0600 and unlinked as soon as opened.
 * Only aggregates ever pass through them, never an identifier.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "ind_impl.h"
#include "ind_xlsx.h"
#include "util.h"

#define XLSX_MAX	((size_t)512 * 1024 * 1024)	/* the workbook read back */
#define SHEET_CIJFERS	"Cijfers"
#define SHEET_UITLEG	"Toelichting"

/* ------------------------------------------------------------------ */
/* The CSV, read back. */

/* A bare field: empty, true, false, *, or -?digits[,digits]. */
static int
bare_field(const char *s, size_t len, struct ind_xfield *x)
{
	long long	mant = 0;
	size_t		i = 0, digits = 0;
	int		neg = 0, dec = -1;
	double		scale = 1;

	if (len == 0) {
		x->kind = IND_X_EMPTY;
		return 0;
	}
	if ((len == 4 && memcmp(s, "true", 4) == 0) ||
	    (len == 5 && memcmp(s, "false", 5) == 0)) {
		x->kind = IND_X_BOOL;
		x->b = len == 4;
		return 0;
	}
	if (len == 1 && s[0] == '*') {
		x->kind = IND_X_MARK;
		return 0;
	}
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < len; i++) {
		if (s[i] == ',' && dec == -1 && digits > 0) {
			dec = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ++digits > 15)
			return -1;
		mant = mant * 10 + (s[i] - '0');
		if (dec >= 0) {
			dec++;
			scale *= 10;
		}
	}
	if (digits == 0 || dec == 0)
		return -1;
	x->kind = IND_X_NUM;
	x->dec = dec < 0 ? 0 : dec;
	/* Both exact, and one correctly rounded division: as JSON's parse. */
	x->num = (double)(neg ? -mant : mant) / scale;
	return 0;
}

long
ind_xlsx_rows(char *s, size_t len,
    int (*fn)(void *, long, const struct ind_xfield *, size_t), void *arg)
{
	struct ind_xfield	*f, *x;
	size_t			 i = 0, j, w, n, ncols = 0;
	long			 row = 0;
	char			 sep, lf;

	if ((f = calloc(IND_XLSX_COLS_MAX, sizeof(*f))) == NULL)
		return -1;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		for (n = 0;;) {
			if (n == IND_XLSX_COLS_MAX)
				goto fail;
			x = &f[n++];
			memset(x, 0, sizeof(*x));
			if (i < len && s[i] == '"') {
				/* Unquoted in place: w stays two behind j. */
				for (w = i, j = i + 1;; ) {
					if (j >= len)
						goto fail;
					if (s[j] == '"' && j + 1 < len &&
					    s[j + 1] == '"') {
						s[w++] = '"';
						j += 2;
					} else if (s[j] == '"') {
						j++;
						break;
					} else if (s[j] == '\0')
						goto fail;
					else
						s[w++] = s[j++];
				}
				s[w] = '\0';
				x->kind = IND_X_TEXT;
				x->text = s + i;
				i = j;
			} else {
				for (j = i; j < len && s[j] != ';' &&
				    s[j] != '\r' && s[j] != '\n' &&
				    s[j] != '"' && s[j] != '\0'; j++)
					;
				if (row == 0 && j > i) {
					/* The header's names are bare words. */
					x->kind = IND_X_TEXT;
					x->text = s + i;
				} else if (bare_field(s + i, j - i, x) == -1)
					goto fail;
				i = j;
			}
			/* What follows, read before a name's end is marked. */
			sep = i < len ? s[i] : '\0';
			lf = i + 1 < len ? s[i + 1] : '\0';
			if (row == 0 && i < len)
				s[i] = '\0';
			if (sep == ';') {
				i++;
				continue;
			}
			if (sep == '\r' && lf == '\n') {
				i += 2;
				break;
			}
			goto fail;
		}
		if (row == 0)
			ncols = n;
		else if (n != ncols)
			goto fail;
		if (fn != NULL && fn(arg, row, f, n) != 0)
			goto fail;
		row++;
	}
	free(f);
	return row;
fail:
	free(f);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The workbook. */

struct xw {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*f_text, *f_head, *f_sym, *f_num[3], *f_wrap;
	const char	*head[IND_XLSX_COLS_MAX];
	size_t		 ncols;
	int		 col_sup, col_verg, col_nab, col_voorl;
	int		 too_many;
	int		 failed;
};

static int
col_of(const struct xw *x, const char *name)
{
	size_t	i;

	for (i = 0; i < x->ncols; i++)
		if (strcmp(x->head[i], name) == 0)
			return (int)i;
	return -1;
}

/* An empty figure: "." in a suppressed cell, "–" where none can be. */
static void
empty_figure(struct xw *x, lxw_row_t r, lxw_col_t c, int sup, int verg)
{
	if ((int)c <= x->col_sup)
		return;			/* a code or a name left out */
	if ((int)c == x->col_nab && !verg)
		return;			/* only comparisons have it */
	if ((int)c == x->col_voorl)
		return;			/* not voorlopig: no mark, as the CSV */
	if (worksheet_write_string(x->ws, r, c, sup ? "." : "\xE2\x80\x93",
	    x->f_sym) != LXW_NO_ERROR)
		x->failed = 1;
}

static int
on_row(void *arg, long row, const struct ind_xfield *f, size_t n)
{
	struct xw	*x = arg;
	lxw_row_t	 r = (lxw_row_t)row;
	lxw_col_t	 c;
	lxw_error	 e = LXW_NO_ERROR;
	int		 sup, verg;

	if (row == 0) {
		for (c = 0; c < n; c++) {
			if (f[c].kind != IND_X_TEXT)
				return -1;
			x->head[c] = f[c].text;
			if (worksheet_write_string(x->ws, 0, c, f[c].text,
			    x->f_head) != LXW_NO_ERROR)
				x->failed = 1;
		}
		x->ncols = n;
		x->col_sup = col_of(x, "suppressed");
		x->col_verg = col_of(x, "vergelijking");
		x->col_nab = col_of(x, "n_aanbieders");
		x->col_voorl = col_of(x, "voorlopig");
		return x->col_sup < 0 ? -1 : 0;
	}
	if (row > IND_XLSX_ROWS_MAX) {
		x->too_many = 1;
		return -1;
	}
	sup = f[x->col_sup].kind == IND_X_BOOL && f[x->col_sup].b;
	verg = x->col_verg >= 0 && f[x->col_verg].kind == IND_X_BOOL &&
	    f[x->col_verg].b;
	for (c = 0; c < n && e == LXW_NO_ERROR; c++) {
		switch (f[c].kind) {
		case IND_X_TEXT:
			e = worksheet_write_string(x->ws, r, c, f[c].text,
			    x->f_text);
			break;
		case IND_X_NUM:
			e = worksheet_write_number(x->ws, r, c, f[c].num,
			    x->f_num[f[c].dec > 2 ? 2 : f[c].dec]);
			break;
		case IND_X_BOOL:
			e = worksheet_write_boolean(x->ws, r, c, f[c].b, NULL);
			break;
		case IND_X_MARK:
			/* As the CSV: "*" beside the row's figures (CBS). */
			e = worksheet_write_string(x->ws, r, c, "*", x->f_sym);
			break;
		default:
			empty_figure(x, r, c, sup, verg);
			break;
		}
	}
	if (e != LXW_NO_ERROR)
		x->failed = 1;
	return x->failed ? -1 : 0;
}

/* What a column holds, in Dutch, for the Toelichting. */
struct coldesc {
	const char	*name;
	const char	*text;
};

static const struct coldesc coldescs[] = {
	{ "aanbieder", "AGB-code van de aanbieder (8 cijfers, als tekst)" },
	{ "aanbieder_naam", "naam van de aanbieder" },
	{ "gemeente", "CBS-code van de gemeente (4 cijfers, als tekst)" },
	{ "gemeente_naam", "naam van de gemeente" },
	{ "cluster", "cluster van gemeenten in de regio-indeling" },
	{ "period", "periode, als tekst: JJJJ-MM (maand), JJJJ-Qn (kwartaal) "
	    "of JJJJ (jaar)" },
	{ "uitsplitsing", "het cliëntkenmerk waarnaar de cellen zijn "
	    "uitgesplitst: leeftijd, geslacht, productcategorie of gebied" },
	{ "groep", "de groep van de uitsplitsing: totaal (de cel zelf), een "
	    "leeftijdsklasse, geslacht 0/1/2, een productcategorie (JZ020), "
	    "een gebied GGGG-NN, of onbekend" },
	{ "groep_naam", "naam van de groep (gebied, geslacht), als die er is" },
	{ "vergelijking", "WAAR: een vergelijkingscel, alle aanbieders in het "
	    "cluster samen, naast de eigen cijfers van een aanbieder" },
	{ "suppressed", "WAAR: de cel is afgeschermd en toont geen enkel "
	    "getal (.)" },
	{ "n_aanbieders", "aantal aanbieders met eenheden in het cluster "
	    "(alleen bij vergelijkingscellen)" },
	{ "n_clients", "aantal verschillende cliënten in de cel" },
	{ "n", "aantal eenheden: trajecten (doelrealisatie), ingevulde "
	    "vragenlijsten (tevredenheid) of beëindigde producten (uitval)" },
	{ "gas_t_mean", "gemiddelde GAS T-score van de trajecten (Kiresuk & "
	    "Sherman, ρ = 0,3); 50 is: de doelen precies gehaald" },
	{ "doelen_behaald_pct", "percentage doelen met een GAS-score van 0 of "
	    "hoger, over alle doelen samen" },
	{ "probleemafname_1_pct", "percentage eenheden met probleemafname 1 "
	    "(niet afgenomen)" },
	{ "probleemafname_2_pct", "percentage eenheden met probleemafname 2 "
	    "(deels afgenomen)" },
	{ "probleemafname_3_pct", "percentage eenheden met probleemafname 3 "
	    "(afgenomen)" },
	{ "zonder_hulp_verder_pct", "percentage eenheden waarbij de jeugdige "
	    "zonder hulp verder kan (ja)" },
	{ "volgens_plan_pct", "percentage beëindigde producten met reden 31: "
	    "volgens plan" },
	{ "voortijdig_pct", "percentage voortijdig beëindigd: redenen 32 tot "
	    "en met 35" },
	{ "eenzijdig_client_pct", "percentage voortijdig, eenzijdig door de "
	    "cliënt beëindigd: reden 32" },
	{ "herinstroom_window_closed", "WAAR: de termijn voor een nieuwe "
	    "start na een beëindiging volgens plan is voorbij, zodat de "
	    "herinstroom vaststaat" },
	{ "herinstroom_n", "aantal beëindigingen volgens plan waarvan de "
	    "termijn voorbij is" },
	{ "herinstroom_geen_nieuwe_start_pct", "percentage daarvan zonder "
	    "nieuwe start binnen de termijn" },
	{ "gas_eind_pct", "percentage beëindigde producten met een "
	    "GAS-eindmeting (niet onder opt-out)" },
	{ "cem_pct", "percentage beëindigde producten met ten minste één "
	    "CEM+-respons van de cliënt rond de einddatum" },
	{ "opt_out_pct", "percentage beëindigde producten onder opt-out: "
	    "daar wordt geen doelrealisatie gemeten" },
	{ "voorlopig", "* als de cijfers van de rij voorlopig zijn: ze "
	    "kunnen nog veranderen (late berichten, een termijn die nog "
	    "loopt, of een periode die nog niet voorbij is)" },
	{ NULL, NULL }
};

static void
describe(const char *h, const struct ind_items *items, char *out,
    size_t len)
{
	const struct coldesc	*d;
	const char		*rn, *rest, *lbl;
	size_t			 rl, k;
	int			 resp;

	for (d = coldescs; d->name != NULL; d++)
		if (strcmp(d->name, h) == 0) {
			util_fmt(out, len, "%s", d->text);
			return;
		}
	if (strncmp(h, "reden_", 6) == 0 &&
	    (lbl = ind_reden_label(h + 6)) != NULL) {
		util_fmt(out, len, "aantal beëindigde producten met "
		    "RedenBeeindiging %s (JZ588): %s", h + 6, lbl);
		return;
	}
	for (resp = 0; resp < QUEST__NRESPONDENTS; resp++) {
		rn = quest_respondent_name((enum quest_respondent)resp);
		rl = strlen(rn);
		if (strncmp(h, rn, rl) != 0 || h[rl] != '_')
			continue;
		rest = h + rl + 1;
		if (strcmp(rest, "n") == 0)
			util_fmt(out, len, "aantal ingevulde vragenlijsten, "
			    "respondent %s", rn);
		else if (strcmp(rest, "rapportcijfer_mean") == 0)
			util_fmt(out, len, "gemiddeld rapportcijfer (1–10), "
			    "respondent %s", rn);
		else if (strcmp(rest, "positief_pct") == 0)
			util_fmt(out, len, "percentage positieve antwoorden op "
			    "de stellingen, respondent %s", rn);
		else {
			lbl = NULL;
			for (k = 0; items != NULL && k < items->n[resp]; k++)
				if (strcmp(items->code[resp][k], rest) == 0)
					lbl = items->text[resp][k];
			util_fmt(out, len, "gemiddelde score (1–5), respondent "
			    "%s, op: %s", rn, lbl != NULL ? lbl : rest);
		}
		return;
	}
	util_fmt(out, len, "zie docs/indicators.md");
}

static void
line(struct xw *x, lxw_worksheet *ws, lxw_row_t *r, const char *a,
    const char *b)
{
	if (worksheet_write_string(ws, *r, 0, a, x->f_head) != LXW_NO_ERROR ||
	    (b != NULL && worksheet_write_string(ws, *r, 1, b, x->f_wrap) !=
	    LXW_NO_ERROR))
		x->failed = 1;
	(*r)++;
}

static void
toelichting(struct xw *x, const struct ind_query *q, long long k,
    const struct quest_set *qs)
{
	static const char *const by[] = { "aanbieder", "gemeente", "cluster",
	    "regio" };
	static const char *const per[] = { "maand", "kwartaal", "jaar" };
	struct ind_items	*items = NULL;
	lxw_worksheet		*ws;
	lxw_row_t		 r = 0;
	char			 t[512];
	size_t			 c;

	if ((ws = workbook_add_worksheet(x->wb, SHEET_UITLEG)) == NULL) {
		x->failed = 1;
		return;
	}
	worksheet_set_column(ws, 0, 0, 36, NULL);
	worksheet_set_column(ws, 1, 1, 100, x->f_wrap);
	util_fmt(t, sizeof(t), "%s per %s per %s, %04d-%02d tot en met "
	    "%04d-%02d", ind_kind_name(q->kind), by[q->by], per[q->period],
	    IND_YEAR0 + q->from / 12, q->from % 12 + 1, IND_YEAR0 + q->to / 12,
	    q->to % 12 + 1);
	line(x, ws, &r, "Indicator", t);
	line(x, ws, &r, "Bron", "sorttp, de TTP van Sturen op Resultaat: "
	    "dezelfde cijfers als het CSV- en JSON-antwoord op deze vraag, na "
	    "afscherming van kleine aantallen. Uitleg van elk getal: "
	    "docs/indicators.md.");
	util_fmt(t, sizeof(t), "Een cel of een getal wordt afgeschermd als het "
	    "op minder dan %lld verschillende cliënten berust, of als het uit "
	    "andere getallen zou zijn af te leiden.", k);
	line(x, ws, &r, "Afscherming", t);
	r++;
	line(x, ws, &r, "Tekens", NULL);
	line(x, ws, &r, ".", "afgeschermd: te weinig cliënten");
	line(x, ws, &r, "\xE2\x80\x93", "niet te berekenen (geen waarnemingen, "
	    "de termijn is nog niet voorbij, of een onderdeel van de cel dat "
	    "te weinig cliënten telt)");
	if (x->col_voorl >= 0)
		line(x, ws, &r, "*", "voorlopig: kan nog veranderen (kolom "
		    "voorlopig)");
	line(x, ws, &r, "WAAR / ONWAAR", "ja / nee");
	line(x, ws, &r, "Codes", "Codes (gemeente, aanbieder, periode) staan "
	    "als tekst, zodat 0363 zo blijft en 2026-01 geen datum wordt.");
	line(x, ws, &r, "Afronding", "percentages met één decimaal, gemiddelden "
	    "met twee");
	r++;
	line(x, ws, &r, "Kolom", "Betekenis (blad " SHEET_CIJFERS ")");
	if (q->kind == IND_TEVREDENHEID && qs != NULL &&
	    (items = calloc(1, sizeof(*items))) != NULL)
		ind_items_build(qs, items);
	for (c = 0; c < x->ncols; c++) {
		describe(x->head[c], items, t, sizeof(t));
		line(x, ws, &r, x->head[c], t);
	}
	free(items);
}

/* An unnamed file in dir, mode 0600: O_TMPFILE, else unlinked at once. */
static int
open_unnamed(const char *dir)
{
	char	path[CFG_PATH_MAX + 32];
	int	fd;

#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return fd;
#endif
	if (util_fmt(path, sizeof(path), "%s/.xlsx-XXXXXX", dir) == -1 ||
	    (fd = mkostemp(path, O_CLOEXEC)) == -1)
		return -1;
	unlink(path);
	return fd;
}

/* The whole file at fd, into a new buffer. */
static int
read_back(int fd, char **out, size_t *outlen)
{
	struct stat	 sb;
	char		*p;
	size_t		 got = 0;
	ssize_t		 n;

	if (fstat(fd, &sb) == -1 || sb.st_size <= 0 ||
	    (size_t)sb.st_size > XLSX_MAX ||
	    (p = malloc((size_t)sb.st_size + 1)) == NULL)
		return -1;
	while (got < (size_t)sb.st_size) {
		n = pread(fd, p + got, (size_t)sb.st_size - got, (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(p);
			return -1;
		}
		got += (size_t)n;
	}
	p[got] = '\0';
	*out = p;
	*outlen = got;
	return 0;
}

int
ind_xlsx_write(const char *dir, const struct ind_query *q, long long k,
    const struct quest_set *qs, const char *csv, size_t len, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	lxw_workbook_options	 opt;
	struct xw		 x;
	char			 path[64], tmpdir[CFG_PATH_MAX];
	char			*copy = NULL;
	int			 fd = -1, ret = -1, i;
	lxw_error		 e;

	memset(&x, 0, sizeof(x));
	*out = NULL;
	*outlen = 0;
	if (util_fmt(tmpdir, sizeof(tmpdir), "%s", dir) == -1 ||
	    (copy = malloc(len + 1)) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, csv, len);
	copy[len] = '\0';
	if ((fd = open_unnamed(dir)) == -1) {
		util_fmt(err, errlen, "cannot create a file in the data "
		    "folder: %s", strerror(errno));
		goto out;
	}
	util_fmt(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&opt, 0, sizeof(opt));
	opt.tmpdir = tmpdir;
	if ((x.wb = workbook_new_opt(path, &opt)) == NULL) {
		util_fmt(err, errlen, "libxlsxwriter cannot start a workbook");
		goto out;
	}
	x.f_text = workbook_add_format(x.wb);
	format_set_num_format(x.f_text, "@");
	x.f_head = workbook_add_format(x.wb);
	format_set_bold(x.f_head);
	format_set_num_format(x.f_head, "@");
	x.f_sym = workbook_add_format(x.wb);
	format_set_num_format(x.f_sym, "@");
	format_set_align(x.f_sym, LXW_ALIGN_RIGHT);
	x.f_wrap = workbook_add_format(x.wb);
	format_set_text_wrap(x.f_wrap);
	for (i = 0; i < 3; i++)
		x.f_num[i] = workbook_add_format(x.wb);
	format_set_num_format(x.f_num[0], "0");
	format_set_num_format(x.f_num[1], "0.0");
	format_set_num_format(x.f_num[2], "0.00");
	if ((x.ws = workbook_add_worksheet(x.wb, SHEET_CIJFERS)) == NULL) {
		x.failed = 1;
		goto close;
	}
	if (ind_xlsx_rows(copy, len, on_row, &x) < 1)
		x.failed = 1;
	if (!x.failed) {
		worksheet_freeze_panes(x.ws, 1, 0);
		worksheet_set_column(x.ws, 0, (lxw_col_t)(x.ncols - 1), 14,
		    NULL);
		toelichting(&x, q, k, qs);
	}
close:
	/* Closing also frees the workbook, written or not. */
	e = workbook_close(x.wb);
	if (x.too_many) {
		ret = -2;
		util_fmt(err, errlen, "more rows than a sheet takes");
	} else if (x.failed || e != LXW_NO_ERROR)
		util_fmt(err, errlen, "libxlsxwriter: %s", e != LXW_NO_ERROR ?
		    lxw_strerror(e) : "a cell could not be written");
	else if (read_back(fd, out, outlen) == -1)
		util_fmt(err, errlen, "cannot read the workbook back");
	else
		ret = 0;
out:
	if (fd != -1)
		close(fd);
	free(copy);
	return ret;
}

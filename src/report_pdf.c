/*
 * Renders a report (report.h) as an A4 PDF with cairo and pango: a cover,
 * one page per indicator (two vector trend charts and a table with every
 * figure of the answer), and a page with the definitions and how to read
 * the report. Text is real text in DejaVu Sans (embedded as a subset by
 * cairo), so it can be selected and searched.
 *
 * The bytes depend only on the answers and the as-of date: the PDF's
 * creation and modification dates are the as-of date, hinting is off so
 * glyph positions do not follow the machine's font settings, and cairo
 * names font subsets after their glyphs. The file is written beside its
 * final name and renamed into place, mode 0600.
 *
 * Symbols (CBS): "." hidden by disclosure control or not computable; "–"
 * no clients in that period; "n.b." not known yet (the herinstroom window
 * is still open).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "dates.h"
#include "report.h"
#include "util.h"

#define PAGE_W		595.276		/* A4 in points */
#define PAGE_H		841.890
#define MARGIN_X	40.0
#define TOP_Y		70.0		/* below the running head */
#define BOTTOM_Y	790.0		/* above the footer */
#define LABEL_W		112.0		/* table: figure name */
#define TAG_W		30.0		/* table: eigen / cluster */
#define ROW_H		9.2
#define CHART_H		135.0
#define ITEMS_MAX	32		/* questionnaire items in a table */

#define FONT_BODY	"DejaVu Sans 9"
#define FONT_SMALL	"DejaVu Sans 6.5"
#define FONT_SMALL_B	"DejaVu Sans Bold 6.5"
#define FONT_H1		"DejaVu Sans Bold 20"
#define FONT_H2		"DejaVu Sans Bold 14"
#define FONT_H3		"DejaVu Sans Bold 10"

#define LEGEND_TEXT \
	". = afgeschermd: te weinig cliënten (of niet te berekenen)    " \
	"– = geen cliënten in deze periode    n.b. = nog niet bekend"

static const char *const maand_kort[12] = { "jan", "feb", "mrt", "apr",
	"mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec" };
static const char *const maand_lang[12] = { "januari", "februari", "maart",
	"april", "mei", "juni", "juli", "augustus", "september", "oktober",
	"november", "december" };

enum fmt { FMT_INT, FMT_PCT, FMT_MEAN };

static pthread_mutex_t	 font_mu = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap	*font_map;	/* under font_mu */

enum vstate { V_OK, V_HIDDEN, V_NOCELL, V_OPEN };

struct pdf {
	const struct report_doc	*doc;
	cairo_t			*cr;
	PangoContext		*pc;
	PangoLayout		*lay;
	int			 page;
	double			 y;
	char			 head[256];	/* the running head */
};

/* ---- text ---- */

/*
 * Draws s at (x, y) in font, wrapped to w with align; with w < 0 on one
 * line, aligned within -w (table cells never wrap). Returns the height.
 */
static double
text(struct pdf *d, double x, double y, double w, const char *font,
    const char *s, PangoAlignment align)
{
	PangoFontDescription	*fd = pango_font_description_from_string(font);
	int			 pw, ph;

	pango_layout_set_font_description(d->lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(d->lay, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_wrap(d->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(d->lay, w > 0 ? align : PANGO_ALIGN_LEFT);
	pango_layout_set_text(d->lay, s, -1);
	pango_layout_get_size(d->lay, &pw, &ph);
	if (w < 0 && align == PANGO_ALIGN_RIGHT)
		x += -w - (double)pw / PANGO_SCALE;
	else if (w < 0 && align == PANGO_ALIGN_CENTER)
		x += (-w - (double)pw / PANGO_SCALE) / 2;
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, d->lay);
	return (double)ph / PANGO_SCALE;
}

static void
rgb(struct pdf *d, unsigned c)
{
	cairo_set_source_rgb(d->cr, (double)((c >> 16) & 0xff) / 255.0,
	    (double)((c >> 8) & 0xff) / 255.0, (double)(c & 0xff) / 255.0);
}

#define C_TEXT		0x1a1a1a
#define C_OWN		0x1f4e79
#define C_CMP		0xc55a11
#define C_GRID		0xd0d0d0
#define C_BAND		0xeef2f7

/* ---- values ---- */

static void
period_key(const struct report_section *s, int i, char *buf, size_t len)
{
	int	m = s->from + (s->period == IND_MONTH ? i : 3 * i);

	if (s->period == IND_MONTH)
		util_fmt(buf, len, "%04d-%02d", m / 12, m % 12 + 1);
	else
		util_fmt(buf, len, "%04d-Q%d", m / 12, m % 12 / 3 + 1);
}

/* The cell of period i: the party's own (cmp 0) or the vergelijking. */
static const cJSON *
cell_find(const struct report_section *s, int i, int cmp)
{
	const cJSON	*c, *p;
	char		 key[16];

	period_key(s, i, key, sizeof(key));
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(s->answer, "cells")) {
		p = cJSON_GetObjectItem(c, "period");
		if (cJSON_IsString(p) && strcmp(p->valuestring, key) == 0 &&
		    cJSON_IsTrue(cJSON_GetObjectItem(c, "vergelijking")) ==
		    (cmp != 0))
			return c;
	}
	return NULL;
}

/* Follows a dotted path ("values.jeugdige.items.nuttig") in a cell. */
static enum vstate
cell_value(const cJSON *cell, const char *path, double *v)
{
	const cJSON	*o = cell, *hs;
	char		 part[64];
	const char	*p = path, *dot;
	size_t		 n;

	if (cell == NULL)
		return V_NOCELL;
	if (cJSON_IsTrue(cJSON_GetObjectItem(cell, "suppressed")))
		return V_HIDDEN;
	if (strstr(path, "herinstroom.") != NULL &&
	    (hs = cJSON_GetObjectItem(cJSON_GetObjectItem(cell, "values"),
	    "herinstroom")) != NULL &&
	    !cJSON_IsTrue(cJSON_GetObjectItem(hs, "window_closed")))
		return V_OPEN;
	while (*p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(part))
			return V_NOCELL;
		memcpy(part, p, n);
		part[n] = '\0';
		if (cJSON_IsNull(o))
			return V_HIDDEN;
		if ((o = cJSON_GetObjectItem(o, part)) == NULL)
			return V_NOCELL;
		p += n + (dot != NULL);
	}
	if (cJSON_IsNull(o))
		return V_HIDDEN;
	if (!cJSON_IsNumber(o))
		return V_NOCELL;
	*v = o->valuedouble;
	return V_OK;
}

/* A figure as the table prints it: Dutch decimal comma, fixed decimals. */
static void
fmt_value(enum vstate st, double v, enum fmt f, char *buf, size_t len)
{
	char	*c;

	switch (st) {
	case V_HIDDEN:
		util_fmt(buf, len, ".");
		return;
	case V_NOCELL:
		util_fmt(buf, len, "–");
		return;
	case V_OPEN:
		util_fmt(buf, len, "n.b.");
		return;
	case V_OK:
		break;
	}
	util_fmt(buf, len, f == FMT_INT ? "%.0f" : f == FMT_PCT ? "%.1f" :
	    "%.2f", v);
	if ((c = strchr(buf, '.')) != NULL)
		*c = ',';
}

/* ---- pages ---- */

static void
page_end(struct pdf *d)
{
	char	buf[64];

	rgb(d, 0x555555);
	cairo_set_line_width(d->cr, 0.5);
	cairo_move_to(d->cr, MARGIN_X, BOTTOM_Y + 14);
	cairo_line_to(d->cr, PAGE_W - MARGIN_X, BOTTOM_Y + 14);
	cairo_stroke(d->cr);
	text(d, MARGIN_X, BOTTOM_Y + 18, 430, FONT_SMALL,
	    "Sturen op Resultaat · gespreksstof, geen beoordeling · "
	    "alleen cijfers na afscherming van kleine aantallen",
	    PANGO_ALIGN_LEFT);
	util_fmt(buf, sizeof(buf), "pagina %d", d->page);
	text(d, PAGE_W - MARGIN_X - 100, BOTTOM_Y + 18, 100, FONT_SMALL, buf,
	    PANGO_ALIGN_RIGHT);
	cairo_show_page(d->cr);
}

static void
page_begin(struct pdf *d)
{
	d->page++;
	if (d->page > 1) {
		rgb(d, 0x555555);
		text(d, MARGIN_X, 36, PAGE_W - 2 * MARGIN_X, FONT_SMALL,
		    d->head, PANGO_ALIGN_LEFT);
		cairo_set_line_width(d->cr, 0.5);
		cairo_move_to(d->cr, MARGIN_X, 48);
		cairo_line_to(d->cr, PAGE_W - MARGIN_X, 48);
		cairo_stroke(d->cr);
	}
	rgb(d, C_TEXT);
	d->y = TOP_Y;
}

static void
para(struct pdf *d, const char *font, const char *s, double gap)
{
	rgb(d, C_TEXT);
	d->y += text(d, MARGIN_X, d->y, PAGE_W - 2 * MARGIN_X, font, s,
	    PANGO_ALIGN_LEFT) + gap;
}

/* ---- charts ---- */

struct chart_spec {
	const char	*title;
	const char	*path;
	double		 ymin, ymax, ystep;
};

static void
chart_series(struct pdf *d, const struct report_section *s,
    const struct chart_spec *c, int cmp, double x0, double y0, double w,
    double h)
{
	double	v, px, py, dx = w / (double)s->nperiods;
	int	i, pen = 0;

	rgb(d, cmp ? C_CMP : C_OWN);
	cairo_set_line_width(d->cr, 1.4);
	if (cmp) {
		static const double dash[] = { 3.0, 2.0 };
		cairo_set_dash(d->cr, dash, 2, 0);
	}
	for (i = 0; i < s->nperiods; i++) {
		if (cell_value(cell_find(s, i, cmp), c->path, &v) != V_OK) {
			pen = 0;
			continue;
		}
		if (v < c->ymin)
			v = c->ymin;
		if (v > c->ymax)
			v = c->ymax;
		px = x0 + dx * ((double)i + 0.5);
		py = y0 + h - h * (v - c->ymin) / (c->ymax - c->ymin);
		if (pen)
			cairo_line_to(d->cr, px, py);
		else
			cairo_move_to(d->cr, px, py);
		pen = 1;
	}
	cairo_stroke(d->cr);
	cairo_set_dash(d->cr, NULL, 0, 0);
	/* Markers, so that a single visible period shows too. */
	for (i = 0; i < s->nperiods; i++) {
		if (cell_value(cell_find(s, i, cmp), c->path, &v) != V_OK)
			continue;
		v = fmin(fmax(v, c->ymin), c->ymax);
		px = x0 + dx * ((double)i + 0.5);
		py = y0 + h - h * (v - c->ymin) / (c->ymax - c->ymin);
		if (cmp)
			cairo_rectangle(d->cr, px - 1.8, py - 1.8, 3.6, 3.6);
		else
			cairo_arc(d->cr, px, py, 2.0, 0, 2 * M_PI);
		cairo_fill(d->cr);
	}
}

static void
period_label(const struct report_section *s, int i, char *buf, size_t len)
{
	int	m = s->from + (s->period == IND_MONTH ? i : 3 * i);

	if (s->period == IND_MONTH)
		util_fmt(buf, len, "%s\n%04d", maand_kort[m % 12], m / 12);
	else
		util_fmt(buf, len, "K%d\n%04d", m % 12 / 3 + 1, m / 12);
}

static void
chart(struct pdf *d, const struct report_section *s,
    const struct chart_spec *c, double x, double y, double w)
{
	double	x0 = x + 22, y0 = y + 14, cw = w - 26, ch = CHART_H - 44, v;
	double	dx = cw / (double)s->nperiods;
	char	buf[32];
	int	i, agg = d->doc->info->kind == REPORT_AANBIEDER;

	rgb(d, C_TEXT);
	text(d, x, y, w, FONT_SMALL_B, c->title, PANGO_ALIGN_LEFT);
	cairo_set_line_width(d->cr, 0.4);
	for (v = c->ymin; v <= c->ymax + 1e-9; v += c->ystep) {
		double gy = y0 + ch - ch * (v - c->ymin) / (c->ymax - c->ymin);

		rgb(d, C_GRID);
		cairo_move_to(d->cr, x0, gy);
		cairo_line_to(d->cr, x0 + cw, gy);
		cairo_stroke(d->cr);
		rgb(d, 0x555555);
		util_fmt(buf, sizeof(buf), "%.0f", v);
		text(d, x, gy - 4, 19, FONT_SMALL, buf, PANGO_ALIGN_RIGHT);
	}
	for (i = 0; i < s->nperiods; i++) {
		int m = s->from + (s->period == IND_MONTH ? i : 3 * i);

		/* Months are narrow: the year only where it begins. */
		if (s->period == IND_MONTH)
			util_fmt(buf, sizeof(buf), "%s", maand_kort[m % 12]);
		else
			util_fmt(buf, sizeof(buf), "K%d", m % 12 / 3 + 1);
		text(d, x0 + dx * i, y0 + ch + 2, -dx, FONT_SMALL, buf,
		    PANGO_ALIGN_CENTER);
		if (i == 0 || s->period == IND_QUARTER || m % 12 == 0) {
			util_fmt(buf, sizeof(buf), "%04d", m / 12);
			text(d, x0 + dx * i - 10, y0 + ch + 10, -(dx + 20),
			    FONT_SMALL, buf, PANGO_ALIGN_CENTER);
		}
	}
	chart_series(d, s, c, 0, x0, y0, cw, ch);
	if (agg)
		chart_series(d, s, c, 1, x0, y0, cw, ch);
	/* The legend. */
	y = y0 + ch + 20;
	rgb(d, C_OWN);
	cairo_set_line_width(d->cr, 1.4);
	cairo_move_to(d->cr, x0, y + 4);
	cairo_line_to(d->cr, x0 + 14, y + 4);
	cairo_stroke(d->cr);
	rgb(d, C_TEXT);
	text(d, x0 + 17, y, 90, FONT_SMALL, agg ? "eigen organisatie" :
	    "clustergemiddelde", PANGO_ALIGN_LEFT);
	if (agg) {
		static const double dash[] = { 3.0, 2.0 };

		rgb(d, C_CMP);
		cairo_set_dash(d->cr, dash, 2, 0);
		cairo_move_to(d->cr, x0 + 100, y + 4);
		cairo_line_to(d->cr, x0 + 114, y + 4);
		cairo_stroke(d->cr);
		cairo_set_dash(d->cr, NULL, 0, 0);
		rgb(d, C_TEXT);
		text(d, x0 + 117, y, 110, FONT_SMALL, "clustergemiddelde",
		    PANGO_ALIGN_LEFT);
	}
}

/* ---- tables ---- */

struct row_spec {
	const char	*label;		/* NULL: a group heading */
	const char	*path;
	enum fmt	 fmt;
	int		 cmp_only;	/* n_aanbieders */
};

static void
table_head(struct pdf *d, const struct report_section *s)
{
	double	x = MARGIN_X + LABEL_W + TAG_W;
	double	dx = (PAGE_W - MARGIN_X - x) / (double)s->nperiods;
	char	buf[32];
	int	i;

	rgb(d, C_BAND);
	cairo_rectangle(d->cr, MARGIN_X, d->y - 1, PAGE_W - 2 * MARGIN_X, 18);
	cairo_fill(d->cr);
	rgb(d, C_TEXT);
	text(d, MARGIN_X + 2, d->y + 3, LABEL_W, FONT_SMALL_B, "Cijfer",
	    PANGO_ALIGN_LEFT);
	for (i = 0; i < s->nperiods; i++) {
		period_label(s, i, buf, sizeof(buf));
		text(d, x + dx * i, d->y, dx - 2, FONT_SMALL_B, buf,
		    PANGO_ALIGN_RIGHT);
	}
	d->y += 20;
}

/* One row: the label, the series tag and a figure per period. */
static void
table_row(struct pdf *d, const struct report_section *s,
    const struct row_spec *r, int cmp, int first)
{
	double	x = MARGIN_X + LABEL_W + TAG_W, v = 0;
	double	dx = (PAGE_W - MARGIN_X - x) / (double)s->nperiods;
	char	buf[32];
	int	i;
	enum vstate st;

	rgb(d, C_TEXT);
	if (first)
		text(d, MARGIN_X + 2, d->y, -(LABEL_W - 2), FONT_SMALL,
		    r->label, PANGO_ALIGN_LEFT);
	if (d->doc->info->kind == REPORT_AANBIEDER) {
		rgb(d, cmp ? C_CMP : C_OWN);
		text(d, MARGIN_X + LABEL_W, d->y, -TAG_W, FONT_SMALL,
		    cmp ? "cluster" : "eigen", PANGO_ALIGN_LEFT);
		rgb(d, C_TEXT);
	}
	for (i = 0; i < s->nperiods; i++) {
		st = cell_value(cell_find(s, i, cmp), r->path, &v);
		fmt_value(st, v, r->fmt, buf, sizeof(buf));
		text(d, x + dx * i, d->y, -(dx - 2), FONT_SMALL, buf,
		    PANGO_ALIGN_RIGHT);
	}
	d->y += ROW_H;
}

static void
table(struct pdf *d, const struct report_section *s,
    const struct row_spec *rows, size_t n, const char *title)
{
	int	agg = d->doc->info->kind == REPORT_AANBIEDER;
	size_t	i, need;

	table_head(d, s);
	for (i = 0; i < n; i++) {
		need = rows[i].label == NULL ? 2 : (agg ? 2 : 1);
		if (d->y + ROW_H * (double)need > BOTTOM_Y) {
			page_end(d);
			page_begin(d);
			para(d, FONT_H3, title, 4);
			table_head(d, s);
		}
		if (rows[i].label == NULL) {
			d->y += 2;
			rgb(d, C_TEXT);
			text(d, MARGIN_X + 2, d->y, 300, FONT_SMALL_B,
			    rows[i].path, PANGO_ALIGN_LEFT);
			d->y += ROW_H;
			continue;
		}
		if (rows[i].cmp_only) {
			if (!agg)
				continue;
			table_row(d, s, &rows[i], 1, 1);
		} else {
			table_row(d, s, &rows[i], 0, 1);
			if (agg)
				table_row(d, s, &rows[i], 1, 0);
		}
		cairo_set_line_width(d->cr, 0.3);
		rgb(d, C_GRID);
		cairo_move_to(d->cr, MARGIN_X, d->y - 0.6);
		cairo_line_to(d->cr, PAGE_W - MARGIN_X, d->y - 0.6);
		cairo_stroke(d->cr);
	}
	d->y += 4;
	rgb(d, 0x555555);
	d->y += text(d, MARGIN_X, d->y, PAGE_W - 2 * MARGIN_X, FONT_SMALL,
	    LEGEND_TEXT, PANGO_ALIGN_LEFT);
}

/* ---- the sections ---- */

static void
section_head(struct pdf *d, const struct report_section *s,
    const char *title, const char *intro)
{
	char	buf[512];
	int	last = s->from + (s->period == IND_MONTH ? s->nperiods - 1 :
		    3 * (s->nperiods - 1));

	page_begin(d);
	para(d, FONT_H2, title, 4);
	if (s->period == IND_MONTH)
		util_fmt(buf, sizeof(buf), "%s Trend over %d maanden, %s %04d "
		    "tot en met %s %04d.", intro, s->nperiods,
		    maand_kort[s->from % 12], s->from / 12,
		    maand_kort[last % 12], last / 12);
	else
		util_fmt(buf, sizeof(buf), "%s Trend over %d kwartalen, "
		    "K%d %04d tot en met K%d %04d (per maand waren te veel "
		    "cijfers afgeschermd).", intro, s->nperiods,
		    s->from % 12 / 3 + 1, s->from / 12, last % 12 / 3 + 1,
		    last / 12);
	para(d, FONT_BODY, buf, 8);
}

static void
charts(struct pdf *d, const struct report_section *s,
    const struct chart_spec *a, const struct chart_spec *b)
{
	double	w = (PAGE_W - 2 * MARGIN_X - 20) / 2;

	chart(d, s, a, MARGIN_X, d->y, w);
	chart(d, s, b, MARGIN_X + w + 20, d->y, w);
	d->y += CHART_H + 6;
}

static const struct row_spec common_rows[] = {
	{ "Cliënten (aantal)", "n_clients", FMT_INT, 0 },
	{ "Aanbieders (aantal)", "n_aanbieders", FMT_INT, 1 },
};

static void
sec_doelrealisatie(struct pdf *d, const struct report_section *s)
{
	static const struct chart_spec a = { "GAS T-score (gemiddelde)",
		"values.gas_t_mean", 30, 70, 10 };
	static const struct chart_spec b = { "Doelen behaald (%)",
		"values.doelen_behaald_pct", 0, 100, 25 };
	static const struct row_spec rows[] = {
		{ "Trajecten (aantal)", "n", FMT_INT, 0 },
		{ "Cliënten (aantal)", "n_clients", FMT_INT, 0 },
		{ "Aanbieders (aantal)", "n_aanbieders", FMT_INT, 1 },
		{ "GAS T-score (gem.)", "values.gas_t_mean", FMT_MEAN, 0 },
		{ "Doelen behaald (%)", "values.doelen_behaald_pct", FMT_PCT,
		    0 },
		{ NULL, "Probleemafname (% van de trajecten)", FMT_INT, 0 },
		{ "Afgenomen (%)", "values.probleemafname.3", FMT_PCT, 0 },
		{ "Deels afgenomen (%)", "values.probleemafname.2", FMT_PCT,
		    0 },
		{ "Niet afgenomen (%)", "values.probleemafname.1", FMT_PCT,
		    0 },
		{ NULL, "Na afloop", FMT_INT, 0 },
		{ "Zonder hulp verder (%)", "values.zonder_hulp_verder_pct",
		    FMT_PCT, 0 },
	};

	section_head(d, s, "Doelrealisatie", "Per traject de laatste "
	    "eindmeting in de periode: de GAS T-score (50 = doelen precies "
	    "gehaald), het aandeel doelen met score 0 of hoger, de "
	    "probleemafname en of de jeugdige zonder hulp verder kan.");
	charts(d, s, &a, &b);
	table(d, s, rows, sizeof(rows) / sizeof(rows[0]),
	    "Doelrealisatie (vervolg)");
	page_end(d);
}

static void
sec_uitval(struct pdf *d, const struct report_section *s)
{
	static const struct chart_spec a = { "Volgens plan beëindigd (%)",
		"values.volgens_plan_pct", 0, 100, 25 };
	static const struct chart_spec b = { "Voortijdig beëindigd (%)",
		"values.voortijdig_pct", 0, 100, 25 };
	static const struct row_spec rows[] = {
		{ "Beëindigd (aantal)", "n", FMT_INT, 0 },
		{ "Cliënten (aantal)", "n_clients", FMT_INT, 0 },
		{ "Aanbieders (aantal)", "n_aanbieders", FMT_INT, 1 },
		{ "Volgens plan (%)", "values.volgens_plan_pct", FMT_PCT, 0 },
		{ "Voortijdig (%)", "values.voortijdig_pct", FMT_PCT, 0 },
		{ "Eenzijdig door cliënt (%)", "values.eenzijdig_client_pct",
		    FMT_PCT, 0 },
		{ NULL, "Per reden van beëindiging (aantal)", FMT_INT, 0 },
		{ "02 overlijden", "values.per_reden.02", FMT_INT, 0 },
		{ "31 volgens plan", "values.per_reden.31", FMT_INT, 0 },
		{ "32 eenzijdig cliënt", "values.per_reden.32", FMT_INT, 0 },
		{ "33 eenzijdig aanbieder", "values.per_reden.33", FMT_INT, 0 },
		{ "34 in overeenstemming", "values.per_reden.34", FMT_INT, 0 },
		{ "35 externe omstandigh.", "values.per_reden.35", FMT_INT, 0 },
		{ "36 door de gemeente", "values.per_reden.36", FMT_INT, 0 },
		{ "37 wijzigingsverzoek", "values.per_reden.37", FMT_INT, 0 },
		{ "38 andere aanbieder", "values.per_reden.38", FMT_INT, 0 },
		{ "39 ander domein", "values.per_reden.39", FMT_INT, 0 },
		{ "overige redenen", "values.per_reden.overig", FMT_INT, 0 },
		{ NULL, "Herinstroom (na beëindiging volgens plan)", FMT_INT,
		    0 },
		{ "Volgens plan (aantal)", "values.herinstroom.n", FMT_INT, 0 },
		{ "Geen nieuwe start (%)",
		    "values.herinstroom.geen_nieuwe_start_pct", FMT_PCT, 0 },
	};

	section_head(d, s, "Uitval", "Definitief beëindigde producten "
	    "naar reden van beëindiging (iJw JW307), in de periode van de "
	    "einddatum; herinstroom: geen nieuwe start binnen het venster "
	    "na een beëindiging volgens plan.");
	charts(d, s, &a, &b);
	table(d, s, rows, sizeof(rows) / sizeof(rows[0]),
	    "Uitval (vervolg)");
	page_end(d);
}

/* The item codes of the answer, in the order they first appear. */
static size_t
item_codes(const struct report_section *s, const char **codes, size_t max)
{
	static const char *const types[] = { "jeugdige", "ouder" };
	const cJSON	*c, *it, *e;
	size_t		 n = 0, i, t;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(s->answer, "cells")) {
		for (t = 0; t < 2; t++) {
			it = cJSON_GetObjectItem(cJSON_GetObjectItem(
			    cJSON_GetObjectItem(c, "values"), types[t]),
			    "items");
			cJSON_ArrayForEach(e, it) {
				for (i = 0; i < n; i++)
					if (strcmp(codes[i], e->string) == 0)
						break;
				if (i == n && n < max)
					codes[n++] = e->string;
			}
		}
	}
	return n;
}

static void
sec_tevredenheid(struct pdf *d, const struct report_section *s)
{
	static const struct chart_spec a = { "Positief (%), jeugdigen",
		"values.jeugdige.positief_pct", 0, 100, 25 };
	static const struct chart_spec b = { "Positief (%), ouders",
		"values.ouder.positief_pct", 0, 100, 25 };
	static const char *const types[] = { "jeugdige", "ouder" };
	static const char *const heads[] = { "Jeugdigen", "Ouders" };
	static const char *const sheads[] = { "Jeugdigen: stellingen "
	    "(gemiddelde, 1–5)", "Ouders: stellingen (gemiddelde, 1–5)" };
	struct row_spec	 rows[5 + 2 * (5 + ITEMS_MAX)];
	const char	*codes[ITEMS_MAX];
	char		 paths[2][4 + ITEMS_MAX][96], labels[ITEMS_MAX][64];
	size_t		 n = 0, ncodes, i, t;

	ncodes = item_codes(s, codes, ITEMS_MAX);
	for (i = 0; i < ncodes; i++) {
		char *p;

		util_fmt(labels[i], sizeof(labels[i]), "  %s", codes[i]);
		for (p = labels[i]; *p != '\0'; p++)
			if (*p == '_')
				*p = ' ';
	}
	rows[n++] = (struct row_spec){ "Responses (aantal)", "n", FMT_INT, 0 };
	rows[n++] = common_rows[0];
	rows[n++] = common_rows[1];
	for (t = 0; t < 2; t++) {
		rows[n++] = (struct row_spec){ NULL, heads[t], FMT_INT, 0 };
		util_fmt(paths[t][0], 96, "values.%s.n", types[t]);
		util_fmt(paths[t][1], 96, "values.%s.rapportcijfer_mean",
		    types[t]);
		util_fmt(paths[t][2], 96, "values.%s.positief_pct", types[t]);
		rows[n++] = (struct row_spec){ "Responses (aantal)",
		    paths[t][0], FMT_INT, 0 };
		rows[n++] = (struct row_spec){ "Rapportcijfer (gem.)",
		    paths[t][1], FMT_MEAN, 0 };
		rows[n++] = (struct row_spec){ "Positief (%)", paths[t][2],
		    FMT_PCT, 0 };
		if (ncodes > 0)
			rows[n++] = (struct row_spec){ NULL, sheads[t],
			    FMT_INT, 0 };
		for (i = 0; i < ncodes; i++) {
			util_fmt(paths[t][3 + i], 96, "values.%s.items.%s",
			    types[t], codes[i]);
			rows[n++] = (struct row_spec){ labels[i],
			    paths[t][3 + i], FMT_MEAN, 0 };
		}
	}
	section_head(d, s, "Cliënttevredenheid (CEM+)", "Ingevulde "
	    "vragenlijsten in de periode, per respondenttype: het "
	    "rapportcijfer, het aandeel positieve antwoorden op de "
	    "stellingen (4 of 5 op de schaal van 1 tot 5) en het gemiddelde "
	    "per stelling.");
	charts(d, s, &a, &b);
	table(d, s, rows, n, "Cliënttevredenheid (vervolg)");
	page_end(d);
}

/* ---- cover and definitions ---- */

static void
cover(struct pdf *d)
{
	const struct report_doc		*doc = d->doc;
	const struct report_info	*r = doc->info;
	const struct config		*cfg = doc->cfg;
	char				 buf[1024], gem[512], date[11];
	size_t				 g, off = 0;

	gem[0] = '\0';
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		if (cfg->ref.gemeenten[g].cluster != r->cluster)
			continue;
		util_fmt(gem + off, sizeof(gem) - off, "%s%s", off ? ", " : "",
		    cfg->ref.gemeenten[g].naam);
		off = strlen(gem);
	}
	page_begin(d);
	d->y = 110;
	rgb(d, C_OWN);
	cairo_rectangle(d->cr, MARGIN_X, 90, 6, 70);
	cairo_fill(d->cr);
	d->y += text(d, MARGIN_X + 16, d->y - 12, 440, FONT_H1,
	    "Sturen op Resultaat", PANGO_ALIGN_LEFT);
	util_fmt(buf, sizeof(buf), "Maandrapportage %s %04d",
	    maand_lang[r->month % 12], r->month / 12);
	d->y += text(d, MARGIN_X + 16, d->y - 8, 440, FONT_H2, buf,
	    PANGO_ALIGN_LEFT) + 40;
	if (r->kind == REPORT_AANBIEDER)
		util_fmt(buf, sizeof(buf), "Aanbieder: %s (AGB-code %s)",
		    doc->aanbieder_naam[0] ? doc->aanbieder_naam :
		    "naam onbekend", r->agb);
	else
		util_fmt(buf, sizeof(buf), "Clustergemiddelde: alle "
		    "aanbieders in het cluster samen");
	para(d, FONT_H3, buf, 6);
	util_fmt(buf, sizeof(buf), "Cluster: %s (gemeenten: %s)",
	    cfg->ref.clusters[r->cluster].name, gem);
	para(d, FONT_BODY, buf, 4);
	util_fmt(buf, sizeof(buf), "Verslagmaand: %s %04d; trend over de "
	    "13 maanden (of 5 kwartalen) tot en met die maand.",
	    maand_lang[r->month % 12], r->month / 12);
	para(d, FONT_BODY, buf, 4);
	if (doc->asof > 0) {
		date_format(doc->asof, date);
		util_fmt(buf, sizeof(buf), "Gegevens zoals ontvangen tot en "
		    "met %d %s %d (peildatum).", doc->asof % 100,
		    maand_lang[(doc->asof / 100) % 100 - 1], doc->asof / 10000);
	} else
		util_fmt(buf, sizeof(buf), "Er waren nog geen gegevens "
		    "ontvangen.");
	para(d, FONT_BODY, buf, 4);
	util_fmt(buf, sizeof(buf), "Afscherming: elk getal rust op ten "
	    "minste k = %lld verschillende cliënten; kleinere aantallen, en "
	    "getallen waaruit die af te leiden zijn, staan als \".\".",
	    doc->k);
	para(d, FONT_BODY, buf, 24);
	para(d, FONT_H3, "Inhoud", 4);
	para(d, FONT_BODY, "1. Cliënttevredenheid (CEM+)\n2. Doelrealisatie"
	    "\n3. Uitval\n4. Definities en leeswijzer", 24);
	rgb(d, C_BAND);
	cairo_rectangle(d->cr, MARGIN_X, d->y - 6, PAGE_W - 2 * MARGIN_X, 92);
	cairo_fill(d->cr);
	d->y += 2;
	para(d, FONT_H3, "Gespreksstof, geen beoordeling", 4);
	para(d, FONT_BODY, r->kind == REPORT_AANBIEDER ?
	    "Deze rapportage bevat dezelfde cijfers die uw contractmanager "
	    "ziet: uw eigen organisatie in dit cluster, naast het gemiddelde "
	    "van alle aanbieders in het cluster. Verschillen zijn een "
	    "aanleiding voor het gesprek (casemix, werkwijze, registratie), "
	    "geen oordeel. Niemand wordt op deze cijfers afgerekend." :
	    "Deze rapportage bevat het gemiddelde van alle aanbieders in dit "
	    "cluster, zoals een analist van de gemeenten het ziet. Ze is "
	    "bedoeld als gespreksstof in de prestatiedialoog, niet als "
	    "beoordeling.", 16);
	rgb(d, 0x555555);
	para(d, FONT_SMALL, LEGEND_TEXT, 0);
	page_end(d);
}

static void
definitions(struct pdf *d)
{
	page_begin(d);
	para(d, FONT_H2, "Definities en leeswijzer", 8);
	para(d, FONT_H3, "Cliënttevredenheid (CEM+)", 2);
	para(d, FONT_BODY, "Eenheid: één ingevulde vragenlijst (respons), in "
	    "de periode waarin hij is ingevuld. Per respondenttype "
	    "(jeugdige, ouder): het gemiddelde per stelling (schaal 1–5; "
	    "overgeslagen vragen tellen niet mee), het gemiddelde "
	    "rapportcijfer (1–10) en het aandeel positieve antwoorden: van "
	    "alle antwoorden op stellingen het deel dat 4 of 5 is.", 8);
	para(d, FONT_H3, "Doelrealisatie", 2);
	para(d, FONT_BODY, "Eenheid: een traject (toewijzing bij één "
	    "aanbieder) met zijn laatste eindmeting in de periode. GAS "
	    "T-score volgens Kiresuk & Sherman (ρ = 0,3): 50 betekent dat "
	    "de doelen precies zijn gehaald, hoger is beter dan verwacht. "
	    "Doelen behaald: doelen met score 0 of hoger, gedeeld door alle "
	    "doelen. Probleemafname en zonder hulp verder: aandeel van alle "
	    "trajecten (ontbreekt het antwoord, dan telt het traject niet "
	    "mee als afgenomen of als ja).", 8);
	para(d, FONT_H3, "Uitval", 2);
	para(d, FONT_BODY, "Eenheid: een definitief beëindigd product "
	    "(JW307 met een reden anders dan 20), in de periode van de "
	    "einddatum. Volgens plan: reden 31. Voortijdig: redenen 32 tot "
	    "en met 35. Eenzijdig door de cliënt: reden 32. Herinstroom: van "
	    "de beëindigingen volgens plan het aandeel zonder nieuwe start "
	    "(bij welke aanbieder ook) binnen het venster na de einddatum; "
	    "zolang dat venster open is, staat er n.b.", 8);
	para(d, FONT_H3, "Clustergemiddelde en vergelijking", 2);
	para(d, FONT_BODY, "De rij \"cluster\" beschrijft alle aanbieders "
	    "in het cluster samen, de eigen organisatie inbegrepen. Met "
	    "minder dan drie aanbieders, of als het cluster zonder de eigen "
	    "organisatie te weinig cliënten heeft, wordt het "
	    "clustergemiddelde afgeschermd: anders zou het de cijfers van "
	    "andere aanbieders verraden.", 8);
	para(d, FONT_H3, "Afscherming van kleine aantallen", 2);
	para(d, FONT_BODY, "Elk getal in deze rapportage komt uit hetzelfde "
	    "antwoord dat de ontvanger zelf bij de TTP kan opvragen, na "
	    "dezelfde afscherming. Een getal dat op minder dan k cliënten "
	    "rust, of waaruit zo'n klein aantal af te leiden is (door "
	    "optellen of aftrekken over maanden, gemeenten of aanbieders), "
	    "staat als \".\": afgeschermd: te weinig cliënten. Een 0 is een "
	    "echte nul. Cijfers van recente perioden kunnen nog veranderen "
	    "als gegevens later binnenkomen.", 8);
	para(d, FONT_H3, "Hoe leest u deze rapportage?", 2);
	para(d, FONT_BODY, "Gespreksstof, geen beoordeling. Kleine "
	    "verschillen zeggen weinig; kijk naar de trend over meerdere "
	    "perioden en naar het aantal cliënten erachter. Zoek bij een "
	    "verschil eerst naar verklaringen: een andere casemix, een "
	    "andere werkwijze of een andere manier van registreren. De "
	    "volledige definities staan in docs/indicators.md van sorttp.", 10);
	rgb(d, 0x555555);
	para(d, FONT_SMALL, LEGEND_TEXT, 0);
	page_end(d);
}

/* ---- the file ---- */

static cairo_status_t
write_fd(void *arg, const unsigned char *data, unsigned int len)
{
	int	fd = *(int *)arg;
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		data += n;
		len -= (unsigned)n;
	}
	return CAIRO_STATUS_SUCCESS;
}

static void
metadata(cairo_surface_t *sf, const struct report_doc *doc)
{
	const struct report_info	*r = doc->info;
	char				 buf[256], date[32];
	int				 asof = doc->asof;

	if (r->kind == REPORT_AANBIEDER)
		util_fmt(buf, sizeof(buf), "Sturen op Resultaat – "
		    "maandrapportage %04d-%02d – aanbieder %s – %s",
		    r->month / 12, r->month % 12 + 1, r->agb,
		    doc->cfg->ref.clusters[r->cluster].name);
	else
		util_fmt(buf, sizeof(buf), "Sturen op Resultaat – "
		    "maandrapportage %04d-%02d – clustergemiddelde – %s",
		    r->month / 12, r->month % 12 + 1,
		    doc->cfg->ref.clusters[r->cluster].name);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, buf);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT,
	    "Cliënttevredenheid (CEM+), doelrealisatie en uitval, na "
	    "afscherming van kleine aantallen");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR,
	    "TTP Sturen op Resultaat");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
	    "sorttp " SORTTP_VERSION);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_KEYWORDS,
	    "Sturen op Resultaat, jeugdhulp, gespreksstof");
	/* The as-of date, never the clock: a regenerated report compares. */
	if (asof == 0)
		asof = (r->month / 12) * 10000 + (r->month % 12 + 1) * 100 + 1;
	util_fmt(date, sizeof(date), "%04d-%02d-%02dT00:00:00Z", asof / 10000,
	    (asof / 100) % 100, asof % 100);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE,
	    date);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static void
render(struct pdf *d)
{
	static const char *const secs[] = { "Cliënttevredenheid (CEM+)",
		"Doelrealisatie", "Uitval", "Definities en leeswijzer" };
	const struct report_doc	*doc = d->doc;
	int			 i;

	util_fmt(d->head, sizeof(d->head), "Sturen op Resultaat · %s %04d · "
	    "%s%s · cluster %s", maand_lang[doc->info->month % 12],
	    doc->info->month / 12, doc->info->kind == REPORT_AANBIEDER ?
	    "AGB " : "clustergemiddelde", doc->info->kind == REPORT_AANBIEDER ?
	    doc->info->agb : "", doc->cfg->ref.clusters[doc->info->cluster].name);
	cover(d);
	cairo_pdf_surface_add_outline(cairo_get_target(d->cr),
	    CAIRO_PDF_OUTLINE_ROOT, "Voorblad", "page=1", 0);
	i = d->page + 1;
	sec_tevredenheid(d, &doc->sec[IND_TEVREDENHEID]);
	{
		char	dest[32];

		util_fmt(dest, sizeof(dest), "page=%d", i);
		cairo_pdf_surface_add_outline(cairo_get_target(d->cr),
		    CAIRO_PDF_OUTLINE_ROOT, secs[0], dest, 0);
		i = d->page + 1;
		sec_doelrealisatie(d, &doc->sec[IND_DOELREALISATIE]);
		util_fmt(dest, sizeof(dest), "page=%d", i);
		cairo_pdf_surface_add_outline(cairo_get_target(d->cr),
		    CAIRO_PDF_OUTLINE_ROOT, secs[1], dest, 0);
		i = d->page + 1;
		sec_uitval(d, &doc->sec[IND_UITVAL]);
		util_fmt(dest, sizeof(dest), "page=%d", i);
		cairo_pdf_surface_add_outline(cairo_get_target(d->cr),
		    CAIRO_PDF_OUTLINE_ROOT, secs[2], dest, 0);
		i = d->page + 1;
		definitions(d);
		util_fmt(dest, sizeof(dest), "page=%d", i);
		cairo_pdf_surface_add_outline(cairo_get_target(d->cr),
		    CAIRO_PDF_OUTLINE_ROOT, secs[3], dest, 0);
	}
}

int
report_pdf_write(const struct report_doc *doc, const char *path, char *err,
    size_t errlen)
{
	cairo_surface_t		*sf = NULL;
	cairo_font_options_t	*fo = NULL;
	PangoFontMap		*fm = NULL;
	struct pdf		 d;
	char			 tmp[CFG_PATH_MAX];
	int			 fd = -1, ret = -1;
	cairo_status_t		 cs;

	memset(&d, 0, sizeof(d));
	d.doc = doc;
	/* Per process: the daemon and `sorttp report` may write at once. */
	if (util_fmt(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) == -1) {
		util_fmt(err, errlen, "path too long");
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		util_fmt(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	sf = cairo_pdf_surface_create_for_stream(write_fd, &fd, PAGE_W, PAGE_H);
	cairo_pdf_surface_restrict_to_version(sf, CAIRO_PDF_VERSION_1_5);
	metadata(sf, doc);
	d.cr = cairo_create(sf);
	/*
	 * One font map for the process, made once: loading the fonts is
	 * most of a report's time. One report renders at a time.
	 */
	pthread_mutex_lock(&font_mu);
	if (font_map == NULL)
		font_map = pango_cairo_font_map_new();
	fm = font_map;
	d.pc = pango_font_map_create_context(fm);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d.pc, fo);
	pango_cairo_update_context(d.cr, d.pc);
	d.lay = pango_layout_new(d.pc);
	render(&d);
	g_object_unref(d.lay);
	g_object_unref(d.pc);
	pthread_mutex_unlock(&font_mu);
	cairo_font_options_destroy(fo);
	cairo_destroy(d.cr);
	cairo_surface_finish(sf);
	cs = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (cs != CAIRO_STATUS_SUCCESS) {
		util_fmt(err, errlen, "PDF: %s", cairo_status_to_string(cs));
		goto fail;
	}
	/*
	 * No fsync: a report can always be made again, and the rename
	 * already keeps a half-written file from ever being served.
	 */
	if (close(fd) == -1) {
		fd = -1;
		util_fmt(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		util_fmt(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	ret = 0;
fail:
	if (fd != -1)
		close(fd);
	if (ret == -1)
		unlink(tmp);
	return ret;
}

/*
 * Releases fontconfig's and cairo's process-wide caches, so that a leak
 * checker sees only real leaks. Only when no report is being rendered.
 */
void
report_pdf_cleanup(void)
{
	pthread_mutex_lock(&font_mu);
	if (font_map != NULL)
		g_object_unref(font_map);
	font_map = NULL;
	pthread_mutex_unlock(&font_mu);
	cairo_debug_reset_static_data();
	FcFini();
}

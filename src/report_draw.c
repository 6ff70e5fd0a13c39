/*
 * Drawing for the reports (report_impl.h): text with pango (one reused
 * layout), the trend charts as cairo paths, and the tables. A figure is
 * looked up in the engine's answer by period and a dotted path, and
 * printed by the CBS conventions: "." hidden or not computable, "–" no
 * clients in the period, "n.b." not known yet.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_impl.h"
#include "util.h"

const char *const rdraw_maand_kort[12] = { "jan", "feb", "mrt", "apr",
	"mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec" };
const char *const rdraw_maand_lang[12] = { "januari", "februari", "maart",
	"april", "mei", "juni", "juli", "augustus", "september", "oktober",
	"november", "december" };

enum vstate { V_OK, V_HIDDEN, V_NOCELL, V_OPEN };

/* ---- text ---- */

double
rdraw_text(struct pdf *d, double x, double y, double w, const char *font,
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

void
rdraw_rgb(struct pdf *d, unsigned c)
{
	cairo_set_source_rgb(d->cr, (double)((c >> 16) & 0xff) / 255.0,
	    (double)((c >> 8) & 0xff) / 255.0, (double)(c & 0xff) / 255.0);
}

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

void
rdraw_page_end(struct pdf *d)
{
	char	buf[64];

	rdraw_rgb(d, 0x555555);
	cairo_set_line_width(d->cr, 0.5);
	cairo_move_to(d->cr, MARGIN_X, BOTTOM_Y + 14);
	cairo_line_to(d->cr, PAGE_W - MARGIN_X, BOTTOM_Y + 14);
	cairo_stroke(d->cr);
	rdraw_text(d, MARGIN_X, BOTTOM_Y + 18, 430, FONT_SMALL,
	    "Sturen op Resultaat · gespreksstof, geen beoordeling · "
	    "alleen cijfers na afscherming van kleine aantallen",
	    PANGO_ALIGN_LEFT);
	util_fmt(buf, sizeof(buf), "pagina %d", d->page);
	rdraw_text(d, PAGE_W - MARGIN_X - 100, BOTTOM_Y + 18, 100, FONT_SMALL, buf,
	    PANGO_ALIGN_RIGHT);
	cairo_show_page(d->cr);
}

void
rdraw_page_begin(struct pdf *d)
{
	d->page++;
	if (d->page > 1) {
		rdraw_rgb(d, 0x555555);
		rdraw_text(d, MARGIN_X, 36, PAGE_W - 2 * MARGIN_X, FONT_SMALL,
		    d->head, PANGO_ALIGN_LEFT);
		cairo_set_line_width(d->cr, 0.5);
		cairo_move_to(d->cr, MARGIN_X, 48);
		cairo_line_to(d->cr, PAGE_W - MARGIN_X, 48);
		cairo_stroke(d->cr);
	}
	rdraw_rgb(d, C_TEXT);
	d->y = TOP_Y;
}

void
rdraw_para(struct pdf *d, const char *font, const char *s, double gap)
{
	rdraw_rgb(d, C_TEXT);
	d->y += rdraw_text(d, MARGIN_X, d->y, PAGE_W - 2 * MARGIN_X, font, s,
	    PANGO_ALIGN_LEFT) + gap;
}

/* ---- charts ---- */


static void
chart_series(struct pdf *d, const struct report_section *s,
    const struct chart_spec *c, int cmp, double x0, double y0, double w,
    double h)
{
	double	v, px, py, dx = w / (double)s->nperiods;
	int	i, pen = 0;

	rdraw_rgb(d, cmp ? C_CMP : C_OWN);
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
		util_fmt(buf, len, "%s\n%04d", rdraw_maand_kort[m % 12], m / 12);
	else
		util_fmt(buf, len, "K%d\n%04d", m % 12 / 3 + 1, m / 12);
}

void
rdraw_chart(struct pdf *d, const struct report_section *s,
    const struct chart_spec *c, double x, double y, double w)
{
	double	x0 = x + 22, y0 = y + 14, cw = w - 26, ch = CHART_H - 44, v;
	double	dx = cw / (double)s->nperiods;
	char	buf[32];
	int	i, agg = d->doc->info->kind == REPORT_AANBIEDER;

	rdraw_rgb(d, C_TEXT);
	rdraw_text(d, x, y, w, FONT_SMALL_B, c->title, PANGO_ALIGN_LEFT);
	cairo_set_line_width(d->cr, 0.4);
	for (v = c->ymin; v <= c->ymax + 1e-9; v += c->ystep) {
		double gy = y0 + ch - ch * (v - c->ymin) / (c->ymax - c->ymin);

		rdraw_rgb(d, C_GRID);
		cairo_move_to(d->cr, x0, gy);
		cairo_line_to(d->cr, x0 + cw, gy);
		cairo_stroke(d->cr);
		rdraw_rgb(d, 0x555555);
		util_fmt(buf, sizeof(buf), "%.0f", v);
		rdraw_text(d, x, gy - 4, 19, FONT_SMALL, buf, PANGO_ALIGN_RIGHT);
	}
	for (i = 0; i < s->nperiods; i++) {
		int m = s->from + (s->period == IND_MONTH ? i : 3 * i);

		/* Months are narrow: the year only where it begins. */
		if (s->period == IND_MONTH)
			util_fmt(buf, sizeof(buf), "%s", rdraw_maand_kort[m % 12]);
		else
			util_fmt(buf, sizeof(buf), "K%d", m % 12 / 3 + 1);
		rdraw_text(d, x0 + dx * i, y0 + ch + 2, -dx, FONT_SMALL, buf,
		    PANGO_ALIGN_CENTER);
		if (i == 0 || s->period == IND_QUARTER || m % 12 == 0) {
			util_fmt(buf, sizeof(buf), "%04d", m / 12);
			rdraw_text(d, x0 + dx * i - 10, y0 + ch + 10, -(dx + 20),
			    FONT_SMALL, buf, PANGO_ALIGN_CENTER);
		}
	}
	chart_series(d, s, c, 0, x0, y0, cw, ch);
	if (agg)
		chart_series(d, s, c, 1, x0, y0, cw, ch);
	/* The legend. */
	y = y0 + ch + 20;
	rdraw_rgb(d, C_OWN);
	cairo_set_line_width(d->cr, 1.4);
	cairo_move_to(d->cr, x0, y + 4);
	cairo_line_to(d->cr, x0 + 14, y + 4);
	cairo_stroke(d->cr);
	rdraw_rgb(d, C_TEXT);
	rdraw_text(d, x0 + 17, y, 90, FONT_SMALL, agg ? "eigen organisatie" :
	    "clustergemiddelde", PANGO_ALIGN_LEFT);
	if (agg) {
		static const double dash[] = { 3.0, 2.0 };

		rdraw_rgb(d, C_CMP);
		cairo_set_dash(d->cr, dash, 2, 0);
		cairo_move_to(d->cr, x0 + 100, y + 4);
		cairo_line_to(d->cr, x0 + 114, y + 4);
		cairo_stroke(d->cr);
		cairo_set_dash(d->cr, NULL, 0, 0);
		rdraw_rgb(d, C_TEXT);
		rdraw_text(d, x0 + 117, y, 110, FONT_SMALL, "clustergemiddelde",
		    PANGO_ALIGN_LEFT);
	}
}

/* ---- tables ---- */


static void
table_head(struct pdf *d, const struct report_section *s)
{
	double	x = MARGIN_X + LABEL_W + TAG_W;
	double	dx = (PAGE_W - MARGIN_X - x) / (double)s->nperiods;
	char	buf[32];
	int	i;

	rdraw_rgb(d, C_BAND);
	cairo_rectangle(d->cr, MARGIN_X, d->y - 1, PAGE_W - 2 * MARGIN_X, 18);
	cairo_fill(d->cr);
	rdraw_rgb(d, C_TEXT);
	rdraw_text(d, MARGIN_X + 2, d->y + 3, LABEL_W, FONT_SMALL_B, "Cijfer",
	    PANGO_ALIGN_LEFT);
	for (i = 0; i < s->nperiods; i++) {
		period_label(s, i, buf, sizeof(buf));
		rdraw_text(d, x + dx * i, d->y, dx - 2, FONT_SMALL_B, buf,
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
	const cJSON *cell;
	const char *path = r->path;
	struct report_section cov;

	/* A coverage row: the same periods, from the aanlevering answer. */
	if (strncmp(path, COVER_PREFIX, strlen(COVER_PREFIX)) == 0) {
		cov = *s;
		cov.answer = s->cover;
		s = &cov;
		path += strlen(COVER_PREFIX);
	}

	rdraw_rgb(d, C_TEXT);
	if (first)
		rdraw_text(d, MARGIN_X + 2, d->y, -(LABEL_W - 2), FONT_SMALL,
		    r->label, PANGO_ALIGN_LEFT);
	if (d->doc->info->kind == REPORT_AANBIEDER) {
		rdraw_rgb(d, cmp ? C_CMP : C_OWN);
		rdraw_text(d, MARGIN_X + LABEL_W, d->y, -TAG_W, FONT_SMALL,
		    cmp ? "cluster" : "eigen", PANGO_ALIGN_LEFT);
		rdraw_rgb(d, C_TEXT);
	}
	for (i = 0; i < s->nperiods; i++) {
		cell = cell_find(s, i, cmp);
		st = cell_value(cell, path, &v);
		fmt_value(st, v, r->fmt, buf, sizeof(buf));
		/* CBS: a figure that may still change is marked "*". */
		if (st == V_OK && cJSON_IsTrue(cJSON_GetObjectItem(cell,
		    "voorlopig")) && strlen(buf) + 2 <= sizeof(buf))
			memcpy(buf + strlen(buf), "*", 2);
		rdraw_text(d, x + dx * i, d->y, -(dx - 2), FONT_SMALL, buf,
		    PANGO_ALIGN_RIGHT);
	}
	d->y += ROW_H;
}

void
rdraw_table(struct pdf *d, const struct report_section *s,
    const struct row_spec *rows, size_t n, const char *title)
{
	int	agg = d->doc->info->kind == REPORT_AANBIEDER;
	size_t	i, need;

	table_head(d, s);
	for (i = 0; i < n; i++) {
		need = rows[i].label == NULL ? 2 : (agg ? 2 : 1);
		if (d->y + ROW_H * (double)need > BOTTOM_Y) {
			rdraw_page_end(d);
			rdraw_page_begin(d);
			rdraw_para(d, FONT_H3, title, 4);
			table_head(d, s);
		}
		if (rows[i].label == NULL) {
			d->y += 2;
			rdraw_rgb(d, C_TEXT);
			rdraw_text(d, MARGIN_X + 2, d->y, 300, FONT_SMALL_B,
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
		rdraw_rgb(d, C_GRID);
		cairo_move_to(d->cr, MARGIN_X, d->y - 0.6);
		cairo_line_to(d->cr, PAGE_W - MARGIN_X, d->y - 0.6);
		cairo_stroke(d->cr);
	}
	d->y += 4;
	rdraw_rgb(d, 0x555555);
	d->y += rdraw_text(d, MARGIN_X, d->y, PAGE_W - 2 * MARGIN_X, FONT_SMALL,
	    LEGEND_TEXT, PANGO_ALIGN_LEFT);
}

/*
 * What report_pdf.c (the pages) and report_draw.c (text, charts and
 * tables with cairo and pango) share: the A4 layout, the fonts and the
 * drawing state.
 */
#ifndef SORTTP_REPORT_IMPL_H
#define SORTTP_REPORT_IMPL_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "report.h"

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
	". = afgeschermd: te weinig cliënten of niet te berekenen   " \
	"– = geen cliënten   n.b. = nog niet bekend   * = voorlopig"

/* A row path with this prefix reads the section's aanlevering answer. */
#define COVER_PREFIX	"aanlevering:"

#define C_TEXT		0x1a1a1a
#define C_OWN		0x1f4e79
#define C_CMP		0xc55a11
#define C_GRID		0xd0d0d0
#define C_BAND		0xeef2f7

extern const char *const rdraw_maand_kort[12];	/* "jan" */
extern const char *const rdraw_maand_lang[12];	/* "januari" */

enum fmt { FMT_INT, FMT_PCT, FMT_MEAN };

struct pdf {
	const struct report_doc	*doc;
	cairo_t			*cr;
	PangoContext		*pc;
	PangoLayout		*lay;
	int			 page;
	double			 y;
	char			 head[256];	/* the running head */
};

/* A trend chart of one figure (a dotted path in a cell), fixed axis. */
struct chart_spec {
	const char	*title;
	const char	*path;
	double		 ymin, ymax, ystep;
};

/* A table row: a figure, or with label NULL a group heading (path). */
struct row_spec {
	const char	*label;		/* NULL: a group heading */
	const char	*path;
	enum fmt	 fmt;
	int		 cmp_only;	/* n_aanbieders */
};

/*
 * Draws s at (x, y) in font, wrapped to w with align; with w < 0 on one
 * line, aligned within -w. Returns the height used.
 */
double	rdraw_text(struct pdf *, double x, double y, double w,
	    const char *font, const char *s, PangoAlignment);
void	rdraw_rgb(struct pdf *, unsigned rgb);
/* A new page with the running head; the footer and the page's end. */
void	rdraw_page_begin(struct pdf *);
void	rdraw_page_end(struct pdf *);
/* A paragraph across the page at d->y; d->y moves below it plus gap. */
void	rdraw_para(struct pdf *, const char *font, const char *s,
	    double gap);
/* A chart at (x, y), w wide, CHART_H high: own and vergelijking. */
void	rdraw_chart(struct pdf *, const struct report_section *,
	    const struct chart_spec *, double x, double y, double w);
/* The table of rows at d->y, continued on new pages under title. */
void	rdraw_table(struct pdf *, const struct report_section *,
	    const struct row_spec *, size_t n, const char *title);

#endif

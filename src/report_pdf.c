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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>

#include "dates.h"
#include "report_impl.h"
#include "util.h"

static pthread_mutex_t	 font_mu = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap	*font_map;	/* under font_mu */

/* ---- the sections ---- */

static void
section_head(struct pdf *d, const struct report_section *s,
    const char *title, const char *intro)
{
	char	buf[512];
	int	last = s->from + (s->period == IND_MONTH ? s->nperiods - 1 :
		    3 * (s->nperiods - 1));

	rdraw_page_begin(d);
	rdraw_para(d, FONT_H2, title, 4);
	if (s->period == IND_MONTH)
		util_fmt(buf, sizeof(buf), "%s Trend over %d maanden, %s %04d "
		    "tot en met %s %04d.", intro, s->nperiods,
		    rdraw_maand_kort[s->from % 12], s->from / 12,
		    rdraw_maand_kort[last % 12], last / 12);
	else
		util_fmt(buf, sizeof(buf), "%s Trend over %d kwartalen, "
		    "K%d %04d tot en met K%d %04d (per maand waren te veel "
		    "cijfers afgeschermd).", intro, s->nperiods,
		    s->from % 12 / 3 + 1, s->from / 12, last % 12 / 3 + 1,
		    last / 12);
	rdraw_para(d, FONT_BODY, buf, 8);
}

static void
charts(struct pdf *d, const struct report_section *s,
    const struct chart_spec *a, const struct chart_spec *b)
{
	double	w = (PAGE_W - 2 * MARGIN_X - 20) / 2;

	rdraw_chart(d, s, a, MARGIN_X, d->y, w);
	rdraw_chart(d, s, b, MARGIN_X + w + 20, d->y, w);
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
		{ NULL, "Aanlevering (% van de beëindigde trajecten)",
		    FMT_INT, 0 },
		{ "Met GAS-eindmeting (%)", COVER_PREFIX
		    "values.gas_eind_pct", FMT_PCT, 0 },
		{ "Onder opt-out (%)", COVER_PREFIX "values.opt_out_pct",
		    FMT_PCT, 0 },
	};

	section_head(d, s, "Doelrealisatie", "Per traject de laatste "
	    "eindmeting in de periode: de GAS T-score (50 = doelen precies "
	    "gehaald), het aandeel doelen met score 0 of hoger, de "
	    "probleemafname en of de jeugdige zonder hulp verder kan.");
	charts(d, s, &a, &b);
	rdraw_table(d, s, rows, sizeof(rows) / sizeof(rows[0]),
	    "Doelrealisatie (vervolg)");
	rdraw_page_end(d);
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
		{ NULL, "Aanlevering (% van de beëindigde trajecten)",
		    FMT_INT, 0 },
		{ "Onder opt-out (%)", COVER_PREFIX "values.opt_out_pct",
		    FMT_PCT, 0 },
	};

	section_head(d, s, "Uitval", "Definitief beëindigde producten "
	    "naar reden van beëindiging (iJw JW307), in de periode van de "
	    "einddatum; herinstroom: geen nieuwe start binnen het venster "
	    "na een beëindiging volgens plan.");
	charts(d, s, &a, &b);
	rdraw_table(d, s, rows, sizeof(rows) / sizeof(rows[0]),
	    "Uitval (vervolg)");
	rdraw_page_end(d);
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
	struct row_spec	 rows[7 + 2 * (5 + ITEMS_MAX)];
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
	/* Coverage, one row: of the ended trajectories, with a response. */
	rows[n++] = (struct row_spec){ "Aanlevering CEM+ (%)", COVER_PREFIX
	    "values.cem_pct", FMT_PCT, 0 };
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
	/* Short: the table, with its coverage row, must fit the page. */
	section_head(d, s, "Cliënttevredenheid (CEM+)", "Vragenlijsten per "
	    "respondenttype: rapportcijfer, aandeel positief (4 of 5 op "
	    "1–5) en gemiddelde per stelling.");
	charts(d, s, &a, &b);
	rdraw_table(d, s, rows, n, "Cliënttevredenheid (vervolg)");
	rdraw_page_end(d);
}

/* ---- cover and definitions ---- */

static void
cover(struct pdf *d)
{
	const struct report_doc		*doc = d->doc;
	const struct report_info	*r = doc->info;
	const struct config		*cfg = doc->cfg;
	char				 buf[1024], gem[768], date[11];
	size_t				 g, off = 0, n = 0;
	int				 cut = 0;

	/*
	 * The names of the cluster's gemeenten; a cluster too large to list
	 * on the cover (a national config allows 512) gets its count, never
	 * a list cut short in the middle of a name.
	 */
	gem[0] = '\0';
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		if (cfg->ref.gemeenten[g].cluster != r->cluster)
			continue;
		n++;
		if (!cut && util_fmt(gem + off, sizeof(gem) - off, "%s%s",
		    off ? ", " : "", cfg->ref.gemeenten[g].naam) == -1)
			cut = 1;
		off = strlen(gem);
	}
	if (cut)
		util_fmt(gem, sizeof(gem), "%zu gemeenten", n);
	rdraw_page_begin(d);
	d->y = 110;
	rdraw_rgb(d, C_OWN);
	cairo_rectangle(d->cr, MARGIN_X, 90, 6, 70);
	cairo_fill(d->cr);
	d->y += rdraw_text(d, MARGIN_X + 16, d->y - 12, 440, FONT_H1,
	    "Sturen op Resultaat", PANGO_ALIGN_LEFT);
	util_fmt(buf, sizeof(buf), "Maandrapportage %s %04d",
	    rdraw_maand_lang[r->month % 12], r->month / 12);
	d->y += rdraw_text(d, MARGIN_X + 16, d->y - 8, 440, FONT_H2, buf,
	    PANGO_ALIGN_LEFT) + 40;
	if (r->kind == REPORT_AANBIEDER)
		util_fmt(buf, sizeof(buf), "Aanbieder: %s (AGB-code %s)",
		    doc->aanbieder_naam[0] ? doc->aanbieder_naam :
		    "naam onbekend", r->agb);
	else
		util_fmt(buf, sizeof(buf), "Clustergemiddelde: alle "
		    "aanbieders in het cluster samen");
	rdraw_para(d, FONT_H3, buf, 6);
	util_fmt(buf, sizeof(buf), "Cluster: %s (%s%s)",
	    cfg->ref.clusters[r->cluster].name, cut ? "" : "gemeenten: ", gem);
	rdraw_para(d, FONT_BODY, buf, 4);
	util_fmt(buf, sizeof(buf), "Verslagmaand: %s %04d; trend over de "
	    "13 maanden (of 5 kwartalen) tot en met die maand.",
	    rdraw_maand_lang[r->month % 12], r->month / 12);
	rdraw_para(d, FONT_BODY, buf, 4);
	if (doc->asof > 0) {
		date_format(doc->asof, date);
		util_fmt(buf, sizeof(buf), "Gegevens zoals ontvangen tot en "
		    "met %d %s %d (peildatum).", doc->asof % 100,
		    rdraw_maand_lang[(doc->asof / 100) % 100 - 1], doc->asof / 10000);
	} else
		util_fmt(buf, sizeof(buf), "Er waren nog geen gegevens "
		    "ontvangen.");
	rdraw_para(d, FONT_BODY, buf, 4);
	util_fmt(buf, sizeof(buf), "Afscherming: elk getal rust op ten "
	    "minste k = %lld verschillende cliënten; kleinere aantallen, en "
	    "getallen waaruit die af te leiden zijn, staan als \".\".",
	    doc->k);
	rdraw_para(d, FONT_BODY, buf, 24);
	rdraw_para(d, FONT_H3, "Inhoud", 4);
	rdraw_para(d, FONT_BODY, "1. Cliënttevredenheid (CEM+)\n2. Doelrealisatie"
	    "\n3. Uitval\n4. Definities en leeswijzer", 24);
	rdraw_rgb(d, C_BAND);
	cairo_rectangle(d->cr, MARGIN_X, d->y - 6, PAGE_W - 2 * MARGIN_X, 92);
	cairo_fill(d->cr);
	d->y += 2;
	rdraw_para(d, FONT_H3, "Gespreksstof, geen beoordeling", 4);
	rdraw_para(d, FONT_BODY, r->kind == REPORT_AANBIEDER ?
	    "Deze rapportage bevat dezelfde cijfers die uw contractmanager "
	    "ziet: uw eigen organisatie in dit cluster, naast het gemiddelde "
	    "van alle aanbieders in het cluster. Verschillen zijn een "
	    "aanleiding voor het gesprek (casemix, werkwijze, registratie), "
	    "geen oordeel. Niemand wordt op deze cijfers afgerekend." :
	    "Deze rapportage bevat het gemiddelde van alle aanbieders in dit "
	    "cluster, zoals een analist van de gemeenten het ziet. Ze is "
	    "bedoeld als gespreksstof in de prestatiedialoog, niet als "
	    "beoordeling.", 16);
	rdraw_rgb(d, 0x555555);
	rdraw_para(d, FONT_SMALL, LEGEND_TEXT, 0);
	rdraw_page_end(d);
}

static void
definitions(struct pdf *d)
{
	rdraw_page_begin(d);
	rdraw_para(d, FONT_H2, "Definities en leeswijzer", 8);
	rdraw_para(d, FONT_H3, "Cliënttevredenheid (CEM+)", 2);
	rdraw_para(d, FONT_BODY, "Eenheid: één ingevulde vragenlijst (respons), in "
	    "de periode waarin hij is ingevuld. Per respondenttype "
	    "(jeugdige, ouder): het gemiddelde per stelling (schaal 1–5; "
	    "overgeslagen vragen tellen niet mee), het gemiddelde "
	    "rapportcijfer (1–10) en het aandeel positieve antwoorden: van "
	    "alle antwoorden op stellingen het deel dat 4 of 5 is.", 8);
	rdraw_para(d, FONT_H3, "Doelrealisatie", 2);
	rdraw_para(d, FONT_BODY, "Eenheid: een traject (toewijzing bij één "
	    "aanbieder) met zijn laatste eindmeting in de periode. GAS "
	    "T-score volgens Kiresuk & Sherman (ρ = 0,3): 50 betekent dat "
	    "de doelen precies zijn gehaald, hoger is beter dan verwacht. "
	    "Doelen behaald: doelen met score 0 of hoger, gedeeld door alle "
	    "doelen. Probleemafname en zonder hulp verder: aandeel van alle "
	    "trajecten (ontbreekt het antwoord, dan telt het traject niet "
	    "mee als afgenomen of als ja).", 8);
	rdraw_para(d, FONT_H3, "Uitval", 2);
	rdraw_para(d, FONT_BODY, "Eenheid: een definitief beëindigd product "
	    "(JW307 met een reden anders dan 20), in de periode van de "
	    "einddatum. Volgens plan: reden 31. Voortijdig: redenen 32 tot "
	    "en met 35. Eenzijdig door de cliënt: reden 32. Herinstroom: van "
	    "de beëindigingen volgens plan het aandeel zonder nieuwe start "
	    "(bij welke aanbieder ook) binnen het venster na de einddatum; "
	    "zolang dat venster open is, staat er n.b.", 8);
	rdraw_para(d, FONT_H3, "Aanlevering", 2);
	rdraw_para(d, FONT_BODY, "Van de beëindigde trajecten: het aandeel "
	    "met een GAS-eindmeting, met een CEM+-respons rond de einddatum, "
	    "en onder opt-out (telt niet voor doelrealisatie).", 8);
	rdraw_para(d, FONT_H3, "Clustergemiddelde en vergelijking", 2);
	rdraw_para(d, FONT_BODY, "De rij \"cluster\" beschrijft alle aanbieders "
	    "in het cluster samen, de eigen organisatie inbegrepen. Met "
	    "minder dan drie aanbieders, of als het cluster zonder de eigen "
	    "organisatie te weinig cliënten heeft, wordt het "
	    "clustergemiddelde afgeschermd: anders zou het de cijfers van "
	    "andere aanbieders verraden.", 8);
	rdraw_para(d, FONT_H3, "Afscherming van kleine aantallen", 2);
	rdraw_para(d, FONT_BODY, "Elk getal in deze rapportage komt uit hetzelfde "
	    "antwoord dat de ontvanger zelf bij de TTP kan opvragen, na "
	    "dezelfde afscherming. Een getal dat op minder dan k cliënten "
	    "rust, of waaruit zo'n klein aantal af te leiden is (door "
	    "optellen of aftrekken over maanden, gemeenten of aanbieders), "
	    "staat als \".\": afgeschermd: te weinig cliënten. Een 0 is een "
	    "echte nul. Een cijfer met * is voorlopig: het kan nog veranderen "
	    "als gegevens later binnenkomen.", 8);
	rdraw_para(d, FONT_H3, "Hoe leest u deze rapportage?", 2);
	rdraw_para(d, FONT_BODY, "Gespreksstof, geen beoordeling. Kleine "
	    "verschillen zeggen weinig; kijk naar de trend over meerdere "
	    "perioden en naar het aantal cliënten erachter. Zoek bij een "
	    "verschil eerst naar verklaringen: een andere casemix, een "
	    "andere werkwijze of een andere manier van registreren. De "
	    "volledige definities staan in docs/indicators.md van sorttp.", 10);
	rdraw_rgb(d, 0x555555);
	rdraw_para(d, FONT_SMALL, LEGEND_TEXT, 0);
	rdraw_page_end(d);
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
	    "%s%s · cluster %s", rdraw_maand_lang[doc->info->month % 12],
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
 * Makes the font map and has fontconfig find and read the fonts now, while
 * the daemon may still read its configuration and write font caches: after
 * the privilege drop, seccomp allows no chmod or cache writing, and a
 * report thread that first touched fontconfig then would be killed.
 */
void
report_pdf_preload(void)
{
	static const char *const fonts[] = { FONT_BODY, FONT_SMALL_B };
	PangoContext		*pc;
	PangoLayout		*lay;
	PangoFontDescription	*fd;
	size_t			 i;
	int			 w, h;

	pthread_mutex_lock(&font_mu);
	if (font_map == NULL)
		font_map = pango_cairo_font_map_new();
	pc = pango_font_map_create_context(font_map);
	lay = pango_layout_new(pc);
	for (i = 0; i < sizeof(fonts) / sizeof(fonts[0]); i++) {
		fd = pango_font_description_from_string(fonts[i]);
		pango_layout_set_font_description(lay, fd);
		pango_layout_set_text(lay, "Cliënttevredenheid 0,1 .", -1);
		pango_layout_get_pixel_size(lay, &w, &h);
		pango_font_description_free(fd);
	}
	g_object_unref(lay);
	g_object_unref(pc);
	pthread_mutex_unlock(&font_mu);
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

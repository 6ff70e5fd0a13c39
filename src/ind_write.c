/*
 * Writing an indicator answer: the selected cells (ind_select.c) as JSON,
 * or as CSV for Dutch Excel (BOM, ';', decimal comma). Each cell is first
 * a list of fields, so both formats always say the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "disclosure.h"
#include "ind_impl.h"
#include "util.h"

/*
 * The largest answer: far above what the region's cells come to, low
 * enough that a runaway cannot take the daemon's memory. Over it, the
 * query is answered 500 as when memory runs out.
 */
#define IND_ANSWER_MAX	((size_t)256 * 1024 * 1024)

static const char *const reden_keys[IND_NREDEN] = {
	"02", "31", "32", "33", "34", "35", "36", "37", "38", "39", "overig"
};

/* The meaning of each, for people reading an answer (JZ588; domain.md). */
static const char *const reden_labels[IND_NREDEN] = {
	"overlijden", "volgens plan beëindigd",
	"voortijdig, eenzijdig door de cliënt",
	"voortijdig, eenzijdig door de aanbieder",
	"voortijdig, in overeenstemming",
	"voortijdig, wegens externe omstandigheden",
	"geïnitieerd door de gemeente", "in verband met wijzigingsverzoek",
	"overstap naar andere aanbieder", "uitstroom naar ander domein",
	"overige redenen"
};

const char *
ind_reden_label(const char *key)
{
	size_t	i;

	for (i = 0; i < IND_NREDEN; i++)
		if (strcmp(reden_keys[i], key) == 0)
			return reden_labels[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Writing: JSON, and CSV for Dutch Excel (BOM, ';', decimal comma). */

/* v in decimal; no locale, no printf. */
static void
put_ll(struct buf *b, long long v)
{
	char			 tmp[24];
	int			 n = (int)sizeof(tmp);
	unsigned long long	 u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--n] = '-';
	buf_add(b, tmp + n, sizeof(tmp) - (size_t)n);
}

/* x with dec decimals (0..2), rounded half away from zero, no locale. */
static void
put_fixed(struct buf *b, double x, int dec, char point)
{
	long long	scale = dec == 0 ? 1 : dec == 1 ? 10 : 100, v;
	char		frac[3];

	v = llround(x * (double)scale);
	if (v < 0) {
		buf_add(b, "-", 1);
		v = -v;
	}
	put_ll(b, v / scale);
	if (dec > 0) {
		frac[0] = point;
		frac[1] = (char)('0' + (dec == 2 ? v % 100 / 10 : v % 10));
		frac[2] = (char)('0' + v % 10);
		buf_add(b, frac, (size_t)dec + 1);
	}
}

/* A JSON string; the values are codes and names, escaped all the same. */
static void
put_json_str(struct buf *b, const char *s)
{
	char	esc[8];
	size_t	run;

	buf_add(b, "\"", 1);
	while (*s != '\0') {
		for (run = 0; s[run] != '\0' && s[run] != '"' &&
		    s[run] != '\\' && (unsigned char)s[run] >= 0x20; run++)
			;
		buf_add(b, s, run);
		s += run;
		if (*s == '\0')
			break;
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			buf_add(b, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned)(unsigned char)*s);
			buf_add(b, esc, 6);
		}
		s++;
	}
	buf_add(b, "\"", 1);
}

/* A CSV text field: quoted, quotes doubled. */
static void
put_csv_str(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_add(b, "\"", 1);
		buf_add(b, s, 1);
	}
	buf_add(b, "\"", 1);
}

/* ------------------------------------------------------------------ */
/*
 * A cell as a list of fields: JSON keys with nesting marks, each leaf
 * also naming its CSV column. The JSON writer walks the list; the CSV
 * writer puts each leaf in its column. One list, so both formats always
 * agree.
 */

enum fkind {
	F_OPEN,		/* "key":{ */
	F_CLOSE,	/* } */
	F_STR,
	F_BOOL,
	F_INT,
	F_NUM,
	F_NULL,
	F_AGB,		/* i as an 8-digit code */
	F_PERIOD,	/* i as a period label */
	F_MARK		/* i: JSON true/false, CSV "*" or empty (CBS) */
};

struct field {
	const char	*key;
	enum fkind	 kind;
	int		 col;		/* CSV column, -1 for none */
	int		 dec;		/* F_NUM: decimals */
	double		 num;
	long long	 i;
	const char	*str;
};

struct fields {
	struct field	*f;
	size_t		 n, max;
	char		 bdcode[16];	/* the cell's uitsplitsing group */
	char		 bdnaam[CFG_NAME_MAX + 16];
};

/*
 * The CSV columns of an answer: the common ones first (which of them
 * depends on by and on whether the answer has vergelijkingen), then the
 * indicator's own from base on.
 */
struct cols {
	int		 aanbieder, anaam, gemeente, gnaam, cluster, period;
	int		 bd, bdgroep, bdnaam;	/* uitsplitsing */
	int		 verg, sup, nab;
	int		 ncl, n, base, count;
	int		 voorl;		/* the last column: voorlopig */
	int		 tev0[QUEST__NRESPONDENTS];	/* tevredenheid blocks */
};

/* Offsets from cols.base. */
enum { DC_GAS, DC_DOELEN, DC_PA1, DC_PA2, DC_PA3, DC_ZH, DC__N };
enum { UC_PLAN, UC_VOORT, UC_EENZ, UC_REDEN, UC_HER_WC = UC_REDEN +
    IND_NREDEN, UC_HER_N, UC_HER_PCT, UC__N };
enum { TC_N, TC_CIJFER, TC_POS, TC_ITEMS };
enum { AC_GAS, AC_CEM, AC_OPT, AC__N };

static void
cols_init(const struct run *r, struct cols *c)
{
	int	n = 0, i;

	c->aanbieder = r->q->by == IND_BY_AANBIEDER ? n++ : -1;
	c->anaam = c->aanbieder >= 0 ? n++ : -1;		/* issue #13 */
	/* by=aanbieder has gemeente cells where a cluster is not whole. */
	c->gemeente = r->q->by == IND_BY_AANBIEDER ||
	    r->q->by == IND_BY_GEMEENTE ? n++ : -1;
	c->gnaam = c->gemeente >= 0 ? n++ : -1;		/* issue #13 */
	c->cluster = n++;
	c->period = n++;
	c->bd = r->q->bd != IND_BD_NONE ? n++ : -1;
	c->bdgroep = c->bd >= 0 ? n++ : -1;
	c->bdnaam = c->bd >= 0 ? n++ : -1;
	c->verg = r->pop->vergelijking ? n++ : -1;
	c->sup = n++;
	c->nab = r->pop->vergelijking ? n++ : -1;
	c->ncl = n++;
	c->n = n++;
	c->base = n;
	switch (r->q->kind) {
	case IND_DOELREALISATIE:
		n += DC__N;
		break;
	case IND_UITVAL:
		n += UC__N;
		break;
	case IND_AANLEVERING:
		n += AC__N;
		break;
	default:
		for (i = 0; i < QUEST__NRESPONDENTS; i++) {
			c->tev0[i] = n - c->base;
			n += TC_ITEMS + r->lay->nitems[i];
		}
		break;
	}
	/* Last, so that readers of the earlier columns see them unmoved. */
	c->voorl = n++;
	c->count = n;
}

static void
csv_head(const struct run *r, const struct cols *c, struct buf *b)
{
	const char	*rn;
	int		 i, k;

#define H(s) do { buf_str(b, s); buf_add(b, ";", 1); } while (0)
	buf_str(b, "\xEF\xBB\xBF");
	if (c->aanbieder >= 0) {
		H("aanbieder");
		H("aanbieder_naam");
	}
	if (c->gemeente >= 0) {
		H("gemeente");
		H("gemeente_naam");
	}
	H("cluster");
	H("period");
	if (c->bd >= 0) {
		H("uitsplitsing");
		H("groep");
		H("groep_naam");
	}
	if (c->verg >= 0)
		H("vergelijking");
	H("suppressed");
	if (c->nab >= 0)
		H("n_aanbieders");
	H("n_clients");
	H("n");
	switch (r->q->kind) {
	case IND_DOELREALISATIE:
		H("gas_t_mean");
		H("doelen_behaald_pct");
		H("probleemafname_1_pct");
		H("probleemafname_2_pct");
		H("probleemafname_3_pct");
		H("zonder_hulp_verder_pct");
		break;
	case IND_UITVAL:
		H("volgens_plan_pct");
		H("voortijdig_pct");
		H("eenzijdig_client_pct");
		for (i = 0; i < IND_NREDEN; i++) {
			buf_str(b, "reden_");
			H(reden_keys[i]);
		}
		H("herinstroom_window_closed");
		H("herinstroom_n");
		H("herinstroom_geen_nieuwe_start_pct");
		break;
	case IND_AANLEVERING:
		H("gas_eind_pct");
		H("cem_pct");
		H("opt_out_pct");
		break;
	default:
		for (i = 0; i < QUEST__NRESPONDENTS; i++) {
			rn = quest_respondent_name((enum quest_respondent)i);
			buf_str(b, rn);
			H("_n");
			buf_str(b, rn);
			H("_rapportcijfer_mean");
			buf_str(b, rn);
			H("_positief_pct");
			for (k = 0; k < r->lay->nitems[i]; k++) {
				buf_str(b, rn);
				buf_str(b, "_");
				H(r->items->code[i][k]);
			}
		}
		break;
	}
	H("voorlopig");
#undef H
	if (!buf_failed(b))
		b->len--;	/* the last ';' */
	buf_add(b, "\r\n", 2);
}

static struct field *
fld(struct fields *fs, enum fkind kind, const char *key, int col)
{
	static struct field	 spare;
	struct field		*f;

	if (fs->n == fs->max)
		return &spare;		/* cannot happen: max covers all */
	f = &fs->f[fs->n++];
	f->kind = kind;
	f->key = key;
	f->col = col;
	return f;
}

static void
fld_num(struct fields *fs, const char *key, int col, int ok, double v,
    int dec)
{
	struct field	*f = fld(fs, ok ? F_NUM : F_NULL, key, col);

	f->num = v;
	f->dec = dec;
}

static void
fld_int(struct fields *fs, const char *key, int col, int ok, long long v)
{
	fld(fs, ok ? F_INT : F_NULL, key, col)->i = v;
}

static void
values_doel(const struct run *r, const struct dc_table *t,
    const struct cell *c, const struct cell *own, int base,
    struct fields *fs)
{
	static const char *const pa_keys[] = { "1", "2", "3" };
	double		 n = (double)c->tot.units;
	int		 i;

	fld_num(fs, "gas_t_mean", base + DC_GAS, c->sub[0].units > 0 &&
	    ind_sub_clients(c, own, 0) >= r->k, c->sub[0].units ?
	    c->sum[0] / (double)c->sub[0].units : 0, 2);
	fld_num(fs, "doelen_behaald_pct", base + DC_DOELEN, c->num[0] > 0,
	    c->num[0] ? 100.0 * (double)c->num[1] / (double)c->num[0] : 0, 1);
	fld(fs, F_OPEN, "probleemafname", -1);
	for (i = 1; i <= 3; i++)
		fld_num(fs, pa_keys[i - 1], base + DC_PA1 + i - 1,
		    !dc_suppressed(t, c->it_cat + (uint32_t)(D_PA0 + i)),
		    100.0 * (double)c->cat[D_PA0 + i].units / n, 1);
	fld(fs, F_CLOSE, NULL, -1);
	fld_num(fs, "zonder_hulp_verder_pct", base + DC_ZH,
	    !dc_suppressed(t, c->it_cat + D_ZH_JA) &&
	    !dc_suppressed(t, c->it_cat + D_ZH_NIET),
	    100.0 * (double)c->cat[D_ZH_JA].units / n, 1);
}

static void
values_uit(const struct run *r, const struct dc_table *t,
    const struct cell *c, int base, struct fields *fs)
{
	double		 n = (double)c->tot.units;
	int		 i, ok;
	int64_t		 sum;

#define SUP(i)	dc_suppressed(t, c->it_cat + (uint32_t)(i))
	/* Counts only: the pattern checks what they reveal of the rest. */
	fld_num(fs, "volgens_plan_pct", base + UC_PLAN, !SUP(1),
	    100.0 * (double)c->cat[1].units / n, 1);
	for (i = 2, ok = 1, sum = 0; i <= 5; i++) {
		ok &= !SUP(i);
		sum += c->cat[i].units;
	}
	fld_num(fs, "voortijdig_pct", base + UC_VOORT, ok,
	    100.0 * (double)sum / n, 1);
	fld_num(fs, "eenzijdig_client_pct", base + UC_EENZ, !SUP(2),
	    100.0 * (double)c->cat[2].units / n, 1);
	fld(fs, F_OPEN, "per_reden", -1);
	for (i = 0; i < IND_NREDEN; i++)
		fld_int(fs, reden_keys[i], base + UC_REDEN + i, !SUP(i),
		    c->cat[i].units);
	fld(fs, F_CLOSE, NULL, -1);
	fld(fs, F_OPEN, "herinstroom", -1);
	if (!ind_run_window_closed(r, c->period)) {
		fld(fs, F_BOOL, "window_closed", base + UC_HER_WC)->i = 0;
	} else {
		fld(fs, F_BOOL, "window_closed", base + UC_HER_WC)->i = 1;
		fld_int(fs, "n", base + UC_HER_N, !SUP(1), c->cat[1].units);
		fld_num(fs, "geen_nieuwe_start_pct", base + UC_HER_PCT,
		    !SUP(1) && !SUP(U_HER_NEW) && !SUP(U_HER_NONE) &&
		    c->cat[1].units > 0, c->cat[1].units ? 100.0 *
		    (double)c->cat[U_HER_NONE].units /
		    (double)c->cat[1].units : 0, 1);
	}
	fld(fs, F_CLOSE, NULL, -1);
#undef SUP
}

/*
 * Aanlevering: the shares of the ended trajectories with a GAS eind
 * measurement (not under opt-out), with a CEM+ response in the window,
 * and under opt-out. Each share publishes its count and the rest; the
 * pattern decides which may be shown.
 */
static void
values_aan(const struct dc_table *t, const struct cell *c, int base,
    struct fields *fs)
{
	double	n = (double)c->tot.units;

#define SUP(i)	dc_suppressed(t, c->it_cat + (uint32_t)(i))
	fld_num(fs, "gas_eind_pct", base + AC_GAS, !SUP(A_GAS),
	    100.0 * (double)c->cat[A_GAS].units / n, 1);
	fld_num(fs, "cem_pct", base + AC_CEM, !SUP(A_CEM) && !SUP(A_NOCEM),
	    100.0 * (double)c->cat[A_CEM].units / n, 1);
	fld_num(fs, "opt_out_pct", base + AC_OPT, !SUP(A_OPT),
	    100.0 * (double)c->cat[A_OPT].units / n, 1);
#undef SUP
}

static void
values_tev(const struct run *r, const struct dc_table *t,
    const struct cell *c, const struct cell *own, const struct cols *cs,
    struct fields *fs)
{
	const struct layout	*l = r->lay;
	int			 resp, i, ni, col;
	const double		*sum;
	const int64_t		*num;

	for (resp = 0; resp < QUEST__NRESPONDENTS; resp++) {
		const char *name = quest_respondent_name(
		    (enum quest_respondent)resp);

		col = cs->base + cs->tev0[resp];
		if (dc_suppressed(t, c->it_cat + (uint32_t)resp)) {
			fld(fs, F_NULL, name, -1);
			continue;
		}
		ni = l->nitems[resp];
		sum = c->sum + l->sum0[resp];
		num = c->num + l->num0[resp];
		fld(fs, F_OPEN, name, -1);
		fld(fs, F_INT, "n", col + TC_N)->i = c->cat[resp].units;
		fld(fs, F_OPEN, "items", -1);
		for (i = 0; i < ni; i++)
			fld_num(fs, r->items->code[resp][i],
			    col + TC_ITEMS + i, num[i] > 0 && ind_sub_clients(c,
			    own, l->sub0[resp] + i) >= r->k, num[i] ?
			    sum[i] / (double)num[i] : 0, 2);
		fld(fs, F_CLOSE, NULL, -1);
		fld_num(fs, "rapportcijfer_mean", col + TC_CIJFER,
		    num[ni] > 0 && ind_sub_clients(c, own, l->sub0[resp] + ni) >=
		    r->k, num[ni] ? sum[ni] / (double)num[ni] : 0, 2);
		fld_num(fs, "positief_pct", col + TC_POS, num[ni + 2] > 0,
		    num[ni + 2] ? 100.0 * (double)num[ni + 1] /
		    (double)num[ni + 2] : 0, 1);
		fld(fs, F_CLOSE, NULL, -1);
	}
}

/* ------------------------------------------------------------------ */
/*
 * The values of a cell under the cell-key method (docs/indicators.md 9a):
 * the cube holds perturbed counts, shares are worked out from them and
 * are null only where the perturbed denominator is 0 (capped at 100%
 * where two perturbed counts cross). A mean is the mean of what was
 * measured, shown where the perturbed count of the clients behind it
 * reaches k: it is judged on a published figure, so a null says nothing
 * the count does not.
 */

static void
ck_pct(struct fields *fs, const char *key, int col, int64_t num, int64_t den)
{
	double	v = den > 0 ? 100.0 * (double)num / (double)den : 0;

	fld_num(fs, key, col, den > 0, v > 100 ? 100 : v, 1);
}

static void
ck_values_doel(const struct run *r, const struct cell *c, int base,
    struct fields *fs)
{
	static const char *const pa_keys[] = { "1", "2", "3" };
	int	i;

	fld_num(fs, "gas_t_mean", base + DC_GAS, c->sub[0].units > 0 &&
	    c->sub[0].clients >= r->k, c->sub[0].units ?
	    c->sum[0] / (double)c->sub[0].units : 0, 2);
	ck_pct(fs, "doelen_behaald_pct", base + DC_DOELEN, c->num[1],
	    c->num[0]);
	fld(fs, F_OPEN, "probleemafname", -1);
	for (i = 1; i <= 3; i++)
		ck_pct(fs, pa_keys[i - 1], base + DC_PA1 + i - 1,
		    c->cat[D_PA0 + i].units, c->tot.units);
	fld(fs, F_CLOSE, NULL, -1);
	ck_pct(fs, "zonder_hulp_verder_pct", base + DC_ZH,
	    c->cat[D_ZH_JA].units, c->tot.units);
}

static void
ck_values_uit(const struct run *r, const struct cell *c, int base,
    struct fields *fs)
{
	int64_t	sum = 0;
	int	i;

	ck_pct(fs, "volgens_plan_pct", base + UC_PLAN, c->cat[1].units,
	    c->tot.units);
	/* The sum of the published categories: the table stays additive. */
	for (i = 2; i <= 5; i++)
		sum += c->cat[i].units;
	ck_pct(fs, "voortijdig_pct", base + UC_VOORT, sum, c->tot.units);
	ck_pct(fs, "eenzijdig_client_pct", base + UC_EENZ, c->cat[2].units,
	    c->tot.units);
	fld(fs, F_OPEN, "per_reden", -1);
	for (i = 0; i < IND_NREDEN; i++)
		fld_int(fs, reden_keys[i], base + UC_REDEN + i, 1,
		    c->cat[i].units);
	fld(fs, F_CLOSE, NULL, -1);
	fld(fs, F_OPEN, "herinstroom", -1);
	if (!ind_run_window_closed(r, c->period)) {
		fld(fs, F_BOOL, "window_closed", base + UC_HER_WC)->i = 0;
	} else {
		fld(fs, F_BOOL, "window_closed", base + UC_HER_WC)->i = 1;
		fld_int(fs, "n", base + UC_HER_N, 1, c->cat[1].units);
		ck_pct(fs, "geen_nieuwe_start_pct", base + UC_HER_PCT,
		    c->cat[U_HER_NONE].units, c->cat[1].units);
	}
	fld(fs, F_CLOSE, NULL, -1);
}

/* Aanlevering under the cell-key method: shares of perturbed counts. */
static void
ck_values_aan(const struct cell *c, int base, struct fields *fs)
{
	ck_pct(fs, "gas_eind_pct", base + AC_GAS, c->cat[A_GAS].units,
	    c->tot.units);
	ck_pct(fs, "cem_pct", base + AC_CEM, c->cat[A_CEM].units,
	    c->tot.units);
	ck_pct(fs, "opt_out_pct", base + AC_OPT, c->cat[A_OPT].units,
	    c->tot.units);
}

static void
ck_values_tev(const struct run *r, const struct cell *c,
    const struct cols *cs, struct fields *fs)
{
	const struct layout	*l = r->lay;
	int			 resp, i, ni, col, s0;
	const double		*sum;
	const int64_t		*num;

	for (resp = 0; resp < QUEST__NRESPONDENTS; resp++) {
		col = cs->base + cs->tev0[resp];
		ni = l->nitems[resp];
		s0 = l->sub0[resp];
		sum = c->sum + l->sum0[resp];
		num = c->num + l->num0[resp];
		fld(fs, F_OPEN, quest_respondent_name(
		    (enum quest_respondent)resp), -1);
		fld(fs, F_INT, "n", col + TC_N)->i = c->cat[resp].units;
		fld(fs, F_OPEN, "items", -1);
		for (i = 0; i < ni; i++)
			fld_num(fs, r->items->code[resp][i],
			    col + TC_ITEMS + i, num[i] > 0 &&
			    c->sub[s0 + i].clients >= r->k, num[i] ?
			    sum[i] / (double)num[i] : 0, 2);
		fld(fs, F_CLOSE, NULL, -1);
		fld_num(fs, "rapportcijfer_mean", col + TC_CIJFER,
		    num[ni] > 0 && c->sub[s0 + ni].clients >= r->k, num[ni] ?
		    sum[ni] / (double)num[ni] : 0, 2);
		ck_pct(fs, "positief_pct", col + TC_POS, num[ni + 1],
		    num[ni + 2]);
		fld(fs, F_CLOSE, NULL, -1);
	}
}

/*
 * Whether an answer cell is withheld. Under the cell-key method only a
 * vergelijking of fewer than 3 aanbieders is: with one other aanbieder
 * in the cluster its noise alone would stand between the asker and that
 * aanbieder's figures.
 */
static int
out_suppressed(const struct run *r, const struct out *o)
{
	if (r->snap->cellkey)
		return o->verg && o->c->naanbieders < 3;
	return dc_suppressed(o->dc, o->c->it_tot);
}

static void
period_label(int p, enum ind_period t, char out[16])
{
	switch (t) {
	case IND_MONTH:
		util_fmt(out, 16, "%04d-%02d", IND_YEAR0 + p / 12, p % 12 + 1);
		break;
	case IND_QUARTER:
		util_fmt(out, 16, "%04d-Q%d", IND_YEAR0 + p / 4, p % 4 + 1);
		break;
	default:
		util_fmt(out, 16, "%04d", IND_YEAR0 + p);
		break;
	}
}


/* The fields of one answer cell. */
static void
cell_fields(const struct run *r, const struct out *o, const struct cols *cs,
    struct fields *fs)
{
	const struct cell	*c = o->c;
	const struct dc_table	*t = o->dc;
	const char		*naam;
	int			 cl = ind_geo_cluster(r, c->geo);

	fs->n = 0;
	if (o->verg)
		fld(fs, F_BOOL, "vergelijking", cs->verg)->i = 1;
	else if (r->q->by == IND_BY_AANBIEDER) {
		fld(fs, F_AGB, "aanbieder", cs->aanbieder)->i =
		    r->snap->agbs[c->agb];
		if ((naam = config_aanbieder_naam(r->cfg,
		    r->snap->agbs[c->agb])) != NULL)
			fld(fs, F_STR, "aanbieder_naam", cs->anaam)->str = naam;
	}
	if (!o->verg && c->geo < r->snap->ngem && cs->gemeente >= 0) {
		fld(fs, F_STR, "gemeente", cs->gemeente)->str =
		    r->cfg->ref.gemeenten[c->geo].code;
		fld(fs, F_STR, "gemeente_naam", cs->gnaam)->str =
		    r->cfg->ref.gemeenten[c->geo].naam;
	}
	if (cl >= 0)
		fld(fs, F_STR, "cluster", cs->cluster)->str =
		    r->cfg->ref.clusters[cl].name;
	fld(fs, F_PERIOD, "period", cs->period)->i = c->period;
	if (o->bdv != 0) {
		fld(fs, F_STR, "uitsplitsing", cs->bd)->str =
		    ind_bd_name(r->q->bd);
		if (o->bdv < 0)
			fld(fs, F_STR, "groep", cs->bdgroep)->str = "totaal";
		else {
			ind_bd_label(r->cfg, r->q->bd, o->bdv - 1, fs->bdcode,
			    sizeof(fs->bdcode), fs->bdnaam,
			    sizeof(fs->bdnaam));
			fld(fs, F_STR, "groep", cs->bdgroep)->str = fs->bdcode;
			if (fs->bdnaam[0] != '\0')
				fld(fs, F_STR, "groep_naam", cs->bdnaam)->str =
				    fs->bdnaam;
		}
	}
	fld(fs, F_BOOL, "suppressed", cs->sup)->i = out_suppressed(r, o);
	fld(fs, F_MARK, "voorlopig", cs->voorl)->i = ind_voorlopig(r, c);
	if (out_suppressed(r, o))
		return;
	if (o->verg)
		fld_int(fs, "n_aanbieders", cs->nab, 1, c->naanbieders);
	fld_int(fs, "n_clients", cs->ncl, 1, c->tot.clients);
	fld_int(fs, "n", cs->n, 1, c->tot.units);
	fld(fs, F_OPEN, "values", -1);
	if (r->snap->cellkey) {
		if (r->q->kind == IND_DOELREALISATIE)
			ck_values_doel(r, c, cs->base, fs);
		else if (r->q->kind == IND_UITVAL)
			ck_values_uit(r, c, cs->base, fs);
		else if (r->q->kind == IND_AANLEVERING)
			ck_values_aan(c, cs->base, fs);
		else
			ck_values_tev(r, c, cs, fs);
		fld(fs, F_CLOSE, NULL, -1);
		return;
	}
	switch (r->q->kind) {
	case IND_DOELREALISATIE:
		values_doel(r, t, c, o->own, cs->base, fs);
		break;
	case IND_UITVAL:
		values_uit(r, t, c, cs->base, fs);
		break;
	case IND_AANLEVERING:
		values_aan(t, c, cs->base, fs);
		break;
	default:
		values_tev(r, t, c, o->own, cs, fs);
		break;
	}
	fld(fs, F_CLOSE, NULL, -1);
}

static void
field_value(const struct run *r, struct buf *b, const struct field *f,
    int csv)
{
	char	lbl[16];

	switch (f->kind) {
	case F_STR:
		if (csv)
			put_csv_str(b, f->str);
		else
			put_json_str(b, f->str);
		break;
	case F_PERIOD:
	case F_AGB:
		if (f->kind == F_PERIOD)
			period_label((int)f->i, r->q->period, lbl);
		else
			util_fmt(lbl, sizeof(lbl), "%08lld", f->i);
		if (csv)
			put_csv_str(b, lbl);
		else
			put_json_str(b, lbl);
		break;
	case F_BOOL:
		buf_str(b, f->i ? "true" : "false");
		break;
	case F_MARK:
		if (!csv)
			buf_str(b, f->i ? "true" : "false");
		else if (f->i)
			buf_add(b, "*", 1);
		break;
	case F_INT:
		put_ll(b, f->i);
		break;
	case F_NUM:
		put_fixed(b, f->num, f->dec, csv ? ',' : '.');
		break;
	case F_NULL:
		if (!csv)
			buf_add(b, "null", 4);
		break;
	default:
		break;
	}
}

/* One cell as a JSON object. */
static void
json_cell(const struct run *r, struct buf *b, const struct fields *fs)
{
	size_t	i;
	int	first = 1;

	buf_add(b, "{", 1);
	for (i = 0; i < fs->n; i++) {
		const struct field *f = &fs->f[i];

		if (f->kind == F_CLOSE) {
			buf_add(b, "}", 1);
			first = 0;
			continue;
		}
		if (!first)
			buf_add(b, ",", 1);
		buf_add(b, "\"", 1);
		buf_str(b, f->key);
		buf_add(b, "\":", 2);
		if (f->kind == F_OPEN) {
			buf_add(b, "{", 1);
			first = 1;
			continue;
		}
		field_value(r, b, f, 0);
		first = 0;
	}
	buf_add(b, "}", 1);
}

/* One cell as a CSV row; row is scratch for cs->count fields. */
static void
csv_row(const struct run *r, struct buf *b, const struct fields *fs,
    const struct cols *cs, const struct field **row)
{
	size_t	i;
	int	c;

	memset(row, 0, (size_t)cs->count * sizeof(*row));
	for (i = 0; i < fs->n; i++)
		if (fs->f[i].col >= 0 && fs->f[i].col < cs->count)
			row[fs->f[i].col] = &fs->f[i];
	for (c = 0; c < cs->count; c++) {
		if (c > 0)
			buf_add(b, ";", 1);
		if (row[c] != NULL)
			field_value(r, b, row[c], 1);
		else if (c == cs->verg)
			buf_str(b, "false");
	}
	buf_add(b, "\r\n", 2);
}

/*
 * ,"labels": the Dutch meaning of the codes the answer's keys use, so that
 * a page or a reader needs no code list: per_reden's JZ588 codes,
 * probleemafname's 1..3, and for tevredenheid the item texts of the
 * questionnaire definitions.
 */
static void
json_labels(const struct run *r, struct buf *b)
{
	size_t	i, k;

	if (r->q->kind == IND_AANLEVERING)
		return;		/* its keys are words already */
	buf_str(b, ",\"labels\":{");
	if (r->q->kind == IND_DOELREALISATIE) {
		/* probleemafname's keys are codes (PRODUCT.md section 4). */
		buf_str(b, "\"probleemafname\":{\"1\":\"niet afgenomen\","
		    "\"2\":\"deels afgenomen\",\"3\":\"afgenomen\"}");
	} else if (r->q->kind == IND_UITVAL) {
		buf_str(b, "\"reden\":{");
		for (i = 0; i < IND_NREDEN; i++) {
			if (i > 0)
				buf_add(b, ",", 1);
			put_json_str(b, reden_keys[i]);
			buf_add(b, ":", 1);
			put_json_str(b, reden_labels[i]);
		}
		buf_add(b, "}", 1);
	} else if (r->q->kind == IND_TEVREDENHEID) {
		buf_str(b, "\"items\":{");
		for (i = 0; i < QUEST__NRESPONDENTS; i++) {
			if (i > 0)
				buf_add(b, ",", 1);
			put_json_str(b, quest_respondent_name(
			    (enum quest_respondent)i));
			buf_str(b, ":{");
			for (k = 0; k < r->items->n[i]; k++) {
				if (k > 0)
					buf_add(b, ",", 1);
				put_json_str(b, r->items->code[i][k]);
				buf_add(b, ":", 1);
				put_json_str(b, r->items->text[i][k] != NULL ?
				    r->items->text[i][k] : "");
			}
			buf_add(b, "}", 1);
		}
		buf_add(b, "}", 1);
	}
	buf_add(b, "}", 1);
}

/* The head of a JSON answer, up to the opening of "cells". */
static void
json_head(const struct run *r, struct buf *b)
{
	char	 tmp[64];
	size_t	 g, i;
	int	 n = 0;

	buf_str(b, "{\"indicator\":");
	put_json_str(b, ind_kind_name(r->q->kind));
	if (r->snap->cellkey)
		buf_str(b, ",\"disclosure\":\"cellkey\"");
	buf_str(b, ",\"by\":");
	put_json_str(b, ind_by_name(r->q->by));
	buf_str(b, ",\"period\":");
	put_json_str(b, ind_period_name(r->q->period));
	if (r->q->bd != IND_BD_NONE) {
		buf_str(b, ",\"uitsplitsing\":");
		put_json_str(b, ind_bd_name(r->q->bd));
	}
	util_fmt(tmp, sizeof(tmp), ",\"from\":\"%04d-%02d\",\"to\":"
	    "\"%04d-%02d\",\"k\":%lld,\"filters\":{",
	    IND_YEAR0 + r->q->from / 12, r->q->from % 12 + 1,
	    IND_YEAR0 + r->q->to / 12, r->q->to % 12 + 1, r->k);
	buf_str(b, tmp);
	if (r->pop->ngem_ok < r->cfg->ref.ngemeenten) {
		buf_str(b, "\"gemeente\":[");
		for (g = 0; g < r->cfg->ref.ngemeenten; g++)
			if (r->pop->gem_ok[g]) {
				if (n++ > 0)
					buf_str(b, ",");
				put_json_str(b, r->cfg->ref.gemeenten[g].code);
			}
		buf_str(b, "]");
	}
	if (r->pop->agb_filter) {
		buf_str(b, n > 0 ? ",\"aanbieder\":[" : "\"aanbieder\":[");
		for (i = 0; i < r->pop->nagbs; i++) {
			util_fmt(tmp, sizeof(tmp), "%s\"%08d\"", i ? "," : "",
			    r->pop->agbs[i]);
			buf_str(b, tmp);
		}
		buf_str(b, "]");
	}
	buf_str(b, "}");
	json_labels(r, b);
	buf_str(b, ",\"cells\":[");
}


/*
 * Writes the answer to the selected cells s as JSON or CSV: 0 with
 * *body (malloc'd) and *len, or -1 when memory ran out.
 */
int
ind_write_answer(const struct run *r, const struct sel *s, char **body,
    size_t *len, long *ncells, long *nsup)
{
	struct buf	 b;
	struct fields	 fs = { NULL, 0, 0, "", "" };
	struct cols	 cs;
	const struct field **row = NULL;
	size_t		 i;
	int		 ret = -1;

	buf_init(&b, IND_ANSWER_MAX, 0);
	cols_init(r, &cs);
	fs.max = 64 + QUEST__NRESPONDENTS * (8 + r->items->n[0] +
	    r->items->n[1]);
	if ((fs.f = calloc(fs.max, sizeof(*fs.f))) == NULL ||
	    (row = calloc((size_t)cs.count, sizeof(*row))) == NULL)
		goto out;
	if (r->q->csv)
		csv_head(r, &cs, &b);
	else
		json_head(r, &b);
	for (i = 0; i < s->n; i++) {
		cell_fields(r, &s->v[i], &cs, &fs);
		if (r->q->csv)
			csv_row(r, &b, &fs, &cs, row);
		else {
			if (i > 0)
				buf_add(&b, ",", 1);
			json_cell(r, &b, &fs);
		}
		(*ncells)++;
		*nsup += out_suppressed(r, &s->v[i]);
	}
	if (!r->q->csv)
		buf_str(&b, "]}");
	if ((*body = buf_take(&b, len)) == NULL)
		goto out;
	ret = 0;
out:
	buf_free(&b);
	free(row);
	free(fs.f);
	return ret;
}

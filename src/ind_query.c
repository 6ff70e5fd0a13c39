/*
 * Indicator queries: the parameters of a request into a validated
 * struct ind_query, and the scope of the asking party applied to it (the
 * population it may see). The engine (indicators.c) answers from these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "ind_impl.h"
#include "util.h"

static const char *const kind_names[IND__NKINDS] = {
	[IND_DOELREALISATIE] = "doelrealisatie",
	[IND_TEVREDENHEID] = "tevredenheid",
	[IND_UITVAL] = "uitval",
	[IND_AANLEVERING] = "aanlevering",
};
static const char *const by_names[] = {
	"aanbieder", "gemeente", "cluster", "regio"
};
static const char *const period_names[IND__NPERIODS] = {
	"month", "quarter", "year"
};
static const char *const bd_names[IND__NBD] = {
	"", "leeftijd", "geslacht", "productcategorie", "gebied"
};

const char *
ind_bd_name(enum ind_bd b)
{
	return bd_names[b];
}

int
ind_kind_parse(const char *s, enum ind_kind *k)
{
	int	i;

	for (i = 0; i < IND__NKINDS; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum ind_kind)i;
			return 0;
		}
	return -1;
}

const char *
ind_kind_name(enum ind_kind k)
{
	return kind_names[k];
}

const char *
ind_by_name(enum ind_by b)
{
	return by_names[b];
}

const char *
ind_period_name(enum ind_period p)
{
	return period_names[p];
}

/* ------------------------------------------------------------------ */
/* Query parameters */

static int
bad(char *code, size_t codelen, char *msg, size_t msglen, const char *c,
    const char *text)
{
	util_fmt(code, codelen, "%s", c);
	util_fmt(msg, msglen, "%s", text);
	return -1;
}

/* "YYYY-MM" into a month index. */
static int
parse_month(const char *s, int *mi)
{
	int	y, m;

	if (strlen(s) != 7 || s[4] != '-' || !util_all_digits(s, 4) ||
	    !util_all_digits(s + 5, 2))
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < IND_YEAR0 || y >= IND_YEAR0 + IND_YEARS || m < 1 || m > 12)
		return -1;
	*mi = (y - IND_YEAR0) * 12 + m - 1;
	return 0;
}

/*
 * Splits a comma-separated value into at most IND_FILTER_MAX items and
 * calls one() on each; -1 when an item is refused or there are too many.
 */
static int
each_value(const char *v, int (*one)(const char *, size_t, void *),
    void *arg, size_t *count)
{
	const char	*p = v, *e;
	size_t		 n = 0;

	for (;;) {
		e = strchr(p, ',');
		if (n == IND_FILTER_MAX)
			return -1;
		if (one(p, e ? (size_t)(e - p) : strlen(p), arg) == -1)
			return -1;
		n++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	*count = n;
	return 0;
}

struct filt_ctx {
	const struct config	*cfg;
	struct ind_query	*q;
};

static int
one_gemeente(const char *s, size_t len, void *arg)
{
	struct filt_ctx			*c = arg;
	const struct cfg_gemeente	*g;
	int				 retired;

	if (len != 4 || !util_all_digits(s, 4) ||
	    (g = config_gemeente(c->cfg, s, &retired)) == NULL)
		return -1;
	c->q->gemeenten[c->q->ngemeenten++] =
	    (size_t)(g - c->cfg->ref.gemeenten);
	return 0;
}

static int
one_cluster(const char *s, size_t len, void *arg)
{
	struct filt_ctx			*c = arg;
	char				 name[CFG_NAME_MAX];
	const struct cfg_cluster	*cl;

	if (len == 0 || len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	if ((cl = config_cluster(c->cfg, name)) == NULL)
		return -1;
	c->q->clusters[c->q->nclusters++] =
	    (size_t)(cl - c->cfg->ref.clusters);
	return 0;
}

static int
one_aanbieder(const char *s, size_t len, void *arg)
{
	struct filt_ctx	*c = arg;
	long long	 v;

	if (len != 8 || util_memtonum(s, len, 0, 99999999, &v) == -1)
		return -1;
	c->q->aanbieders[c->q->naanbieders++] = (int)v;
	return 0;
}

int
ind_query_parse(const struct config *cfg, int today, enum ind_kind kind,
    const char *(*get)(void *, const char *), void *arg,
    const char *const *names, struct ind_query *q, char *code,
    size_t codelen, char *msg, size_t msglen)
{
	static const char *const known[] = { "by", "period", "from", "to",
	    "cluster", "gemeente", "aanbieder", "format", "uitsplitsing",
	    NULL };
	struct filt_ctx	 fc = { cfg, q };
	const char	*v;
	size_t		 i, j, n;
	int		 cur;

	memset(q, 0, sizeof(*q));
	q->kind = kind;
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		for (j = 0; known[j] != NULL; j++)
			if (strcmp(names[i], known[j]) == 0)
				break;
		if (known[j] == NULL)
			return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
			    "onbekende parameter; bekend zijn by, period, "
			    "from, to, cluster, gemeente, aanbieder, format, "
			    "uitsplitsing");
	}
	q->by = IND_BY_AANBIEDER;
	if ((v = get(arg, "by")) != NULL) {
		for (i = 0; i < 4; i++)
			if (strcmp(v, by_names[i]) == 0)
				break;
		if (i == 4)
			return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
			    "by moet aanbieder, gemeente, cluster of "
			    "regio zijn");
		q->by = (enum ind_by)i;
	}
	q->period = IND_QUARTER;
	if ((v = get(arg, "period")) != NULL) {
		for (i = 0; i < IND__NPERIODS; i++)
			if (strcmp(v, period_names[i]) == 0)
				break;
		if (i == IND__NPERIODS)
			return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
			    "period moet month, quarter of year zijn");
		q->period = (enum ind_period)i;
	}
	if ((v = get(arg, "format")) != NULL) {
		if (strcmp(v, "csv") == 0)
			q->csv = 1;
		else if (strcmp(v, "xlsx") == 0)
			q->csv = q->xlsx = 1;	/* written from the CSV */
		else if (strcmp(v, "json") != 0)
			return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
			    "format moet json, csv of xlsx zijn");
	}
	if ((v = get(arg, "uitsplitsing")) != NULL) {
		for (i = 1; i < IND__NBD; i++)
			if (strcmp(v, bd_names[i]) == 0)
				break;
		if (i == IND__NBD)
			return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
			    "uitsplitsing moet leeftijd, geslacht, "
			    "productcategorie of gebied zijn");
		q->bd = (enum ind_bd)i;
	}
	cur = ind_period_of(today, IND_MONTH);
	q->to = cur < 0 ? 0 : cur;
	if ((v = get(arg, "to")) != NULL && parse_month(v, &q->to) == -1)
		return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
		    "to moet een maand JJJJ-MM zijn, vanaf 2000-01");
	q->from = q->to - 11 < 0 ? 0 : q->to - 11;
	if ((v = get(arg, "from")) != NULL && parse_month(v, &q->from) == -1)
		return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
		    "from moet een maand JJJJ-MM zijn, vanaf 2000-01");
	if (q->from > q->to)
		return bad(code, codelen, msg, msglen, ERR_BAD_RANGE,
		    "from ligt na to");
	if ((long long)(q->to - q->from + 1) >
	    config_limit(cfg, LIMIT_IND_MONTHS_MAX)) {
		char	text[96];

		util_fmt(text, sizeof(text), "from..to beslaat meer dan %lld "
		    "maanden", config_limit(cfg, LIMIT_IND_MONTHS_MAX));
		return bad(code, codelen, msg, msglen, ERR_BAD_RANGE, text);
	}
	if ((v = get(arg, "gemeente")) != NULL &&
	    each_value(v, one_gemeente, &fc, &n) == -1)
		return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
		    "gemeente moet een of meer gemeentecodes (4 cijfers) uit "
		    "de regio zijn, gescheiden door komma's");
	if ((v = get(arg, "cluster")) != NULL &&
	    each_value(v, one_cluster, &fc, &n) == -1)
		return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
		    "cluster moet een of meer clusternamen uit de regio zijn, "
		    "gescheiden door komma's");
	if ((v = get(arg, "aanbieder")) != NULL &&
	    each_value(v, one_aanbieder, &fc, &n) == -1)
		return bad(code, codelen, msg, msglen, ERR_BAD_PARAMETER,
		    "aanbieder moet een of meer AGB-codes (8 cijfers) zijn, "
		    "gescheiden door komma's");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Scope: who may see which population */

/*
 * The population q may see for party p: filters narrow the party's
 * scope, never widen it, and a filter naming something outside the scope
 * is refused (403) rather than quietly dropped.
 */
int
ind_scope_apply(const struct config *cfg, const struct party *p,
    const struct ind_query *q, struct pop *pop, char *code, size_t codelen,
    char *msg, size_t msglen)
{
	uint8_t		 scope[CFG_MAX_GEMEENTEN], filt[CFG_MAX_GEMEENTEN];
	size_t		 i, j, g;
	int		 any_filter = q->ngemeenten || q->nclusters;
	const struct cfg_gemeente *ge;
	int		 retired;

	memset(pop, 0, sizeof(*pop));
	pop->own_agb = -1;
	memset(scope, 1, sizeof(scope));
	if (p != NULL && p->role == ROLE_ANALIST) {
		memset(scope, 0, sizeof(scope));
		for (i = 0; i < p->nscopes; i++) {
			const struct party_scope *s = &p->scopes[i];

			for (g = 0; g < cfg->ref.ngemeenten; g++) {
				ge = &cfg->ref.gemeenten[g];
				if ((s->kind == SCOPE_CLUSTER && strcmp(
				    cfg->ref.clusters[ge->cluster].name,
				    s->value) == 0) ||
				    (s->kind == SCOPE_GEMEENTE &&
				    config_gemeente(cfg, s->value, &retired) ==
				    ge))
					scope[g] = 1;
			}
		}
	} else if (p != NULL && p->role != ROLE_AANBIEDER) {
		util_fmt(code, codelen, "%s", ERR_FORBIDDEN);
		util_fmt(msg, msglen, "deze rol mag geen indicatoren opvragen");
		return -1;
	}
	/* The filters, as a set of gemeenten. */
	memset(filt, any_filter ? 0 : 1, sizeof(filt));
	for (i = 0; i < q->ngemeenten; i++)
		filt[q->gemeenten[i]] = 1;
	for (i = 0; i < q->nclusters; i++)
		for (g = 0; g < cfg->ref.ngemeenten; g++)
			if (cfg->ref.gemeenten[g].cluster == q->clusters[i])
				filt[g] = 1;
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		if (any_filter && filt[g] && !scope[g]) {
			util_fmt(code, codelen, "%s", ERR_OUT_OF_SCOPE);
			util_fmt(msg, msglen, "een gemeente- of clusterfilter "
			    "ligt buiten uw scope");
			return -1;
		}
		pop->gem_ok[g] = filt[g] && scope[g];
		pop->ngem_ok += pop->gem_ok[g];
	}
	if (p != NULL && p->role == ROLE_AANBIEDER && q->bd != IND_BD_NONE) {
		util_fmt(code, codelen, "%s", ERR_UITSPLITSING_NIET_TOEGESTAAN);
		util_fmt(msg, msglen, "uitsplitsingen naar cliëntkenmerken zijn "
		    "alleen voor analisten: de eigen cliënten van een "
		    "aanbieder zijn te weinig om ze veilig uit te splitsen");
		return -1;
	}
	if (p != NULL && p->role == ROLE_AANBIEDER) {
		long long	own;

		if (util_memtonum(p->agb, strlen(p->agb), 0, 99999999,
		    &own) == -1) {
			util_fmt(code, codelen, "%s", ERR_FORBIDDEN);
			util_fmt(msg, msglen, "de partij heeft geen AGB-code");
			return -1;
		}
		for (i = 0; i < q->naanbieders; i++)
			if (q->aanbieders[i] != (int)own) {
				util_fmt(code, codelen, "%s", ERR_OUT_OF_SCOPE);
				util_fmt(msg, msglen, "een aanbieder ziet "
				    "alleen de eigen AGB-code");
				return -1;
			}
		pop->agb_filter = 1;
		pop->agbs[0] = (int)own;
		pop->nagbs = 1;
		pop->vergelijking = 1;
		pop->own_agb = (int)own;
	} else if (q->naanbieders > 0) {
		/* Distinct and ascending: the order of the answer's cells. */
		pop->agb_filter = 1;
		for (i = 0; i < q->naanbieders; i++) {
			for (j = 0; j < pop->nagbs; j++)
				if (pop->agbs[j] >= q->aanbieders[i])
					break;
			if (j < pop->nagbs && pop->agbs[j] == q->aanbieders[i])
				continue;
			memmove(pop->agbs + j + 1, pop->agbs + j,
			    (pop->nagbs - j) * sizeof(pop->agbs[0]));
			pop->agbs[j] = q->aanbieders[i];
			pop->nagbs++;
		}
	}
	return 0;
}

/*
 * The population a query asked for, before any scope: for auditing a
 * refusal. Only validated codes go in (ind_query_parse checked them).
 */
void
ind_requested_pop(const struct config *cfg, const struct ind_query *q,
    struct pop *pop)
{
	size_t	i, g;

	memset(pop, 0, sizeof(*pop));
	for (g = 0; g < cfg->ref.ngemeenten; g++)
		pop->gem_ok[g] = q->ngemeenten == 0 && q->nclusters == 0;
	for (i = 0; i < q->ngemeenten; i++)
		pop->gem_ok[q->gemeenten[i]] = 1;
	for (i = 0; i < q->nclusters; i++)
		for (g = 0; g < cfg->ref.ngemeenten; g++)
			if (cfg->ref.gemeenten[g].cluster == q->clusters[i])
				pop->gem_ok[g] = 1;
	for (g = 0; g < cfg->ref.ngemeenten; g++)
		pop->ngem_ok += pop->gem_ok[g];
	pop->agb_filter = q->naanbieders > 0;
	for (i = 0; i < q->naanbieders; i++)
		pop->agbs[pop->nagbs++] = q->aanbieders[i];
}

/* The query as audited: parameters after scope, codes only. */
void
ind_audit_params(const struct ind_query *q, const struct pop *pop,
    const struct config *cfg, char *out, size_t len)
{
	size_t	o = 0, g, i;
	int	n = 0;

#define ADD(...) do {							\
	if (o < len)							\
		o += (size_t)snprintf(out + o, len - o, __VA_ARGS__);	\
} while (0)
	ADD("by=%s&period=%s&from=%04d-%02d&to=%04d-%02d&format=%s",
	    ind_by_name(q->by), ind_period_name(q->period),
	    IND_YEAR0 + q->from / 12, q->from % 12 + 1,
	    IND_YEAR0 + q->to / 12, q->to % 12 + 1, q->xlsx ? "xlsx" :
	    q->csv ? "csv" : "json");
	if (pop->ngem_ok < cfg->ref.ngemeenten) {
		ADD("&gemeente=");
		for (g = 0; g < cfg->ref.ngemeenten; g++)
			if (pop->gem_ok[g])
				ADD("%s%s", n++ ? "," : "",
				    cfg->ref.gemeenten[g].code);
	}
	if (pop->agb_filter) {
		ADD("&aanbieder=");
		for (i = 0; i < pop->nagbs; i++)
			ADD("%s%08d", i ? "," : "", pop->agbs[i]);
	}
	if (q->bd != IND_BD_NONE)
		ADD("&uitsplitsing=%s", bd_names[q->bd]);
#undef ADD
	if (o >= len && len > 0)
		out[len - 1] = '\0';
}

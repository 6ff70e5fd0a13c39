/*
 * Fuzzes the scores CSV parser, the first code to see an aanbieder's upload.
 * The input is parsed twice: all at once, and split in two at a point
 * chosen by its first byte; both must give the same rows and errors, since
 * the parser streams. Every row handed to the callback is checked against
 * the rules it claims to have enforced (a BSN passing the elfproef, codes
 * in range, a known gemeente, no date in the future), and every error
 * against the privacy rule: a code, a line, and no run of digits that
 * could be a BSN or ToewijzingNummer. A violation aborts like a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dates.h"
#include "parse_scores.h"

#define TODAY		20261123
#define OWN_AGB		"12345678"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct config	cfg;

struct seen {
	long		 rows;
	long		 last_line;
	long		 dups;		/* rows answered with 1 */
	uint64_t	 hash;		/* of every field of every row */
};

static void
mix(uint64_t *h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		*h = (*h ^ s[i]) * 0x100000001b3ULL;
}

static void
mix_int(uint64_t *h, long long v)
{
	mix(h, &v, sizeof(v));
}

static int
digits(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

static void
check_row(const struct scores_row *r)
{
	const struct cfg_gemeente	*g;
	int				 i, sum = 0, zero = 1;

	for (i = 0; i < 9; i++) {
		if (r->bsn[i] < '0' || r->bsn[i] > '9')
			abort();
		sum += (r->bsn[i] - '0') * (i < 8 ? 9 - i : -1);
		zero &= r->bsn[i] == '0';
	}
	if (zero || sum % 11 != 0)
		abort();
	if (r->toewijzing_len < 1 || r->toewijzing_len > 9 ||
	    strlen(r->toewijzing) != r->toewijzing_len ||
	    !digits(r->toewijzing, r->toewijzing_len))
		abort();
	if (strlen(r->gemeente) != 4 ||
	    (g = config_gemeente(&cfg, r->gemeente, NULL)) == NULL ||
	    strcmp(g->code, r->gemeente) != 0)
		abort();
	if (strlen(r->gemeente_issuer) != 4 ||
	    (g = config_gemeente(&cfg, r->gemeente_issuer, NULL)) == NULL ||
	    strcmp(g->code, r->gemeente) != 0)
		abort();
	if (strcmp(r->agb, OWN_AGB) != 0)
		abort();
	if (r->meetdatum > TODAY || !date_valid(r->meetdatum / 10000,
	    r->meetdatum / 100 % 100, r->meetdatum % 100))
		abort();
	if (r->meetmoment < MOMENT_BEGIN || r->meetmoment > MOMENT_EIND)
		abort();
	/* An eind row without goals only under opt-out (issue #15). */
	if (r->ngoals < 0 || r->ngoals > GAS_GOALS_MAX ||
	    (r->meetmoment == MOMENT_EIND && r->ngoals == 0 &&
	    r->opt_out != 1) || r->opt_out < -1 || r->opt_out > 1)
		abort();
	for (i = 0; i < r->ngoals; i++)
		if (r->gas[i] < -2 || r->gas[i] > 2 || r->gewicht[i] < 1 ||
		    r->gewicht[i] > 10)
			abort();
	if (r->probleemafname < 0 || r->probleemafname > 3 ||
	    r->zonder_hulp < -1 || r->zonder_hulp > 1 ||
	    r->leeftijd < -1 || r->leeftijd > 3 ||
	    r->geslacht < -1 || r->geslacht > 2)
		abort();
	if (r->productcategorie != 0 && !((r->productcategorie >= 31 &&
	    r->productcategorie <= 38) || (r->productcategorie >= 40 &&
	    r->productcategorie <= 55)))
		abort();
}

/* Checks a row and folds it into the hash; row 7, 14, ... "repeat". */
static int
on_row(void *arg, struct scores_row *r)
{
	struct seen	*s = arg;
	int		 i;

	if (r->line < 2 || r->line <= s->last_line)
		abort();
	check_row(r);
	s->last_line = r->line;
	s->rows++;
	mix_int(&s->hash, r->line);
	mix(&s->hash, r->bsn, 9);
	mix(&s->hash, r->toewijzing, r->toewijzing_len);
	mix(&s->hash, r->gemeente, 4);
	mix(&s->hash, r->gemeente_issuer, 4);
	mix_int(&s->hash, r->meetdatum);
	mix_int(&s->hash, r->meetmoment);
	mix_int(&s->hash, r->ngoals);
	for (i = 0; i < r->ngoals; i++) {
		mix_int(&s->hash, r->gas[i]);
		mix_int(&s->hash, r->gewicht[i]);
	}
	mix_int(&s->hash, r->probleemafname);
	mix_int(&s->hash, r->zonder_hulp);
	mix_int(&s->hash, r->productcategorie);
	mix_int(&s->hash, r->leeftijd);
	mix_int(&s->hash, r->geslacht);
	mix_int(&s->hash, r->opt_out);
	if (r->line % 7 != 0)
		return 0;
	s->dups++;
	return 1;
}

/* No error text may hold 7 digits in a row (a BSN or ToewijzingNummer). */
static void
check_error(const struct scores_error *e)
{
	size_t	i, run = 0;

	if (e->line < 0 || e->column < 0 || e->code[0] == '\0' ||
	    memchr(e->code, '\0', sizeof(e->code)) == NULL ||
	    memchr(e->message, '\0', sizeof(e->message)) == NULL ||
	    e->message[0] == '\0')
		abort();
	for (i = 0; e->message[i] != '\0'; i++) {
		run = e->message[i] >= '0' && e->message[i] <= '9' ? run + 1 : 0;
		if (run >= 7)
			abort();
	}
}

struct outcome {
	enum scores_status	 st;
	long long		 valid;
	struct seen		 seen;
	size_t			 nerr;
	long long		 total;
	uint64_t		 ehash;
};

static void
parse(const char *data, size_t size, size_t split, struct outcome *o)
{
	struct scores_params		 p;
	struct scores_parser		*sp;
	const struct scores_error	*e;
	size_t				 i;

	memset(o, 0, sizeof(*o));
	o->seen.hash = o->ehash = 0xcbf29ce484222325ULL;
	memset(&p, 0, sizeof(p));
	p.cfg = &cfg;
	p.agb = OWN_AGB;
	p.today = TODAY;
	p.rows_max = 500;
	p.errors_max = 8;
	p.row = on_row;
	p.arg = &o->seen;
	if ((sp = scores_new(&p)) == NULL)
		abort();
	if (scores_feed(sp, data, split) != scores_status(sp) ||
	    scores_feed(sp, data + split, size - split) != scores_status(sp))
		abort();
	o->st = scores_finish(sp);
	if (o->st != scores_status(sp))
		abort();
	/* Rows the callback called repeats are not valid rows. */
	o->valid = scores_rows(sp);
	if (o->valid != o->seen.rows - o->seen.dups)
		abort();
	/*
	 * Only a parse with errors is asked for them: with none,
	 * scores_errors hands NULL to qsort, which UBSan reports.
	 */
	if (o->st == SCORES_INVALID || o->st == SCORES_NOT_CSV) {
		e = scores_errors(sp, &o->nerr, &o->total);
		if (o->nerr == 0 || o->nerr > p.errors_max ||
		    (long long)o->nerr > o->total)
			abort();
		for (i = 0; i < o->nerr; i++) {
			check_error(&e[i]);
			if (i > 0 && (e[i - 1].line > e[i].line ||
			    (e[i - 1].line == e[i].line &&
			    e[i - 1].column > e[i].column)))
				abort();
			mix_int(&o->ehash, e[i].line);
			mix_int(&o->ehash, e[i].column);
			mix(&o->ehash, e[i].code, strlen(e[i].code));
			mix(&o->ehash, e[i].message, strlen(e[i].message));
		}
	}
	/* A row that "repeats" (line 7, 14, ...) is an error. */
	if (o->seen.dups > 0 && o->st == SCORES_OK)
		abort();
	scores_free(sp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 loaded;
	struct outcome	 a, b;
	char		 err[256];
	size_t		 split;

	if (!loaded) {
		if (config_load(NULL, &cfg, err, sizeof(err)) == -1)
			abort();
		loaded = 1;
	}
	split = size == 0 ? 0 : (size_t)data[0] * (size + 1) / 256;
	if (split > size)
		split = size;
	parse((const char *)data, size, size, &a);
	parse((const char *)data, size, split, &b);
	if (a.st != b.st || a.valid != b.valid || a.seen.rows != b.seen.rows ||
	    a.seen.hash != b.seen.hash || a.nerr != b.nerr ||
	    a.total != b.total || a.ehash != b.ehash)
		abort();
	return 0;
}

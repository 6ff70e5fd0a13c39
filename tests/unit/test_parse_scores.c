/*
 * Unit tests for parse_scores.c: an Excel export (BOM, ';', CRLF, quotes,
 * Dutch dates, trailing empty rows) and a plain comma file with their exact
 * fields; every validation rule with its row, column and code; Excel row
 * numbers; the error cap; the row callback's answers; and the privacy rule
 * that no error ever carries a BSN, ToewijzingNummer or birth date.
 *
 * Every input is parsed five ways (all at once, a byte at a time, and in
 * random chunks with three seeds); the five results must be identical, so
 * each case also proves that the parser streams.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "parse_scores.h"
#include "test.h"

#define TODAY		20261123
#define OWN_AGB		"12345678"

static struct config	cfg;

/*
 * What must never appear in an error: the public test BSNs, an 8-digit
 * BSN, the ToewijzingNummers, birth dates and a value of an unknown column.
 * (Any run of 7 or more digits is refused as well, see check_private.)
 */
static const char *const secrets[] = {
	"999993847", "999992077", "999993483", "999990482", "999993653",
	"999995017", "999990408", "999994669", "999992806", "999993926",
	"999991905", "12345672", "999993846", "4711", "8123456",
	"123456789", "15-06-2010", "01-01-2000", "2014-11-23", "01-03-2023",
	"Jansen", "achternaam"
};

/* ---- a growing byte buffer to build inputs ---- */

struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
bput_n(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL) {
			perror("realloc");
			exit(1);
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
bput(struct buf *b, const char *s)
{
	bput_n(b, s, strlen(s));
}

static void bprintf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
bprintf(struct buf *b, const char *fmt, ...)
{
	char	tmp[512];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(stderr, "bprintf: too long\n");
		exit(1);
	}
	bput_n(b, tmp, (size_t)n);
}

static void
bfree(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- parsing, collecting rows and errors ---- */

struct collect {
	struct scores_row	*rows;
	size_t			 n, cap;
	long			 dup_line;	/* answer 1 for this row */
	long			 fail_line;	/* answer -1 for this row */
};

static int
on_row(void *arg, struct scores_row *row)
{
	struct collect	*c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		if ((c->rows = realloc(c->rows, c->cap * sizeof(*c->rows))) ==
		    NULL) {
			perror("realloc");
			exit(1);
		}
	}
	c->rows[c->n++] = *row;
	if (row->line == c->fail_line)
		return -1;
	if (row->line == c->dup_line)
		return 1;
	return 0;
}

struct result {
	enum scores_status	 status;
	long long		 valid;		/* scores_rows() */
	struct collect		 c;
	struct scores_error	*err;
	size_t			 nerr;
	long long		 total;
};

enum feed_mode {
	FEED_WHOLE,
	FEED_BYTES,
	FEED_RANDOM
};

static struct scores_params
params(void)
{
	struct scores_params	p;

	memset(&p, 0, sizeof(p));
	p.cfg = &cfg;
	p.agb = OWN_AGB;
	p.today = TODAY;
	p.rows_max = 100000;
	p.errors_max = 100;
	return p;
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* No error may echo a value of the file (PRODUCT.md section 3). */
static void
check_private(const struct scores_error *e)
{
	const char	*texts[2] = { e->message, e->code };
	size_t		 i, j, run;

	CHECK(memchr(e->message, '\0', sizeof(e->message)) != NULL);
	CHECK(memchr(e->code, '\0', sizeof(e->code)) != NULL);
	CHECK(e->code[0] != '\0');
	CHECK(e->message[0] != '\0');
	for (i = 0; i < 2; i++) {
		for (j = 0; j < sizeof(secrets) / sizeof(secrets[0]); j++)
			if (strstr(texts[i], secrets[j]) != NULL) {
				CHECK(!"error text contains a value");
				fprintf(stderr, "  \"%s\" in \"%s\"\n",
				    secrets[j], texts[i]);
			}
		for (j = 0, run = 0; texts[i][j] != '\0'; j++) {
			run = texts[i][j] >= '0' && texts[i][j] <= '9' ?
			    run + 1 : 0;
			if (run == 7) {
				CHECK(!"error text has 7 digits in a row");
				fprintf(stderr, "  \"%s\"\n", texts[i]);
			}
		}
	}
}

/*
 * Parses data[0..len) one way. scores_errors is asked only when the status
 * says there are errors (see test_errors_empty for why).
 */
static void
parse(const char *data, size_t len, const struct scores_params *base,
    long dup_line, long fail_line, enum feed_mode mode, uint32_t seed,
    struct result *r)
{
	struct scores_params		 p = *base;
	struct scores_parser		*sp;
	const struct scores_error	*e;
	enum scores_status		 st;
	size_t				 off = 0, n, i;

	memset(r, 0, sizeof(*r));
	r->c.dup_line = dup_line;
	r->c.fail_line = fail_line;
	p.row = on_row;
	p.arg = &r->c;
	if ((sp = scores_new(&p)) == NULL) {
		fprintf(stderr, "scores_new failed\n");
		exit(1);
	}
	while (off < len) {
		if (mode == FEED_WHOLE)
			n = len;
		else if (mode == FEED_BYTES)
			n = 1;
		else
			n = 1 + rnd(&seed) % ((rnd(&seed) & 3) == 0 ? 9000 :
			    17);
		if (n > len - off)
			n = len - off;
		st = scores_feed(sp, data + off, n);
		CHECK_EQ_INT(st, scores_status(sp));
		off += n;
	}
	r->status = scores_finish(sp);
	CHECK_EQ_INT(r->status, scores_status(sp));
	r->valid = scores_rows(sp);
	if (r->status == SCORES_INVALID || r->status == SCORES_NOT_CSV) {
		e = scores_errors(sp, &r->nerr, &r->total);
		CHECK(r->nerr > 0 && (long long)r->nerr <= r->total);
		CHECK(r->nerr <= (p.errors_max ? p.errors_max : 1));
		if ((r->err = calloc(r->nerr + 1, sizeof(*r->err))) == NULL) {
			perror("calloc");
			exit(1);
		}
		if (r->nerr > 0)
			memcpy(r->err, e, r->nerr * sizeof(*e));
		for (i = 0; i < r->nerr; i++) {
			check_private(&r->err[i]);
			CHECK(r->err[i].line >= 0);
			CHECK(r->err[i].column >= 0);
			/* Listed by line, then column. */
			if (i > 0)
				CHECK(r->err[i - 1].line < r->err[i].line ||
				    (r->err[i - 1].line == r->err[i].line &&
				    r->err[i - 1].column <= r->err[i].column));
		}
	}
	scores_free(sp);
}

static void
result_free(struct result *r)
{
	free(r->c.rows);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static int
rows_equal(const struct scores_row *a, const struct scores_row *b)
{
	return a->line == b->line && memcmp(a->bsn, b->bsn, 9) == 0 &&
	    a->toewijzing_len == b->toewijzing_len &&
	    strcmp(a->toewijzing, b->toewijzing) == 0 &&
	    strcmp(a->gemeente, b->gemeente) == 0 &&
	    strcmp(a->gemeente_issuer, b->gemeente_issuer) == 0 &&
	    strcmp(a->agb, b->agb) == 0 && a->meetdatum == b->meetdatum &&
	    a->meetmoment == b->meetmoment && a->ngoals == b->ngoals &&
	    memcmp(a->gas, b->gas, sizeof(a->gas)) == 0 &&
	    memcmp(a->gewicht, b->gewicht, sizeof(a->gewicht)) == 0 &&
	    a->probleemafname == b->probleemafname &&
	    a->zonder_hulp == b->zonder_hulp &&
	    a->productcategorie == b->productcategorie &&
	    a->leeftijd == b->leeftijd && a->geslacht == b->geslacht &&
	    a->opt_out == b->opt_out;
}

static int
results_equal(const struct result *a, const struct result *b)
{
	size_t	i;

	if (a->status != b->status || a->valid != b->valid ||
	    a->c.n != b->c.n || a->nerr != b->nerr || a->total != b->total)
		return 0;
	for (i = 0; i < a->c.n; i++)
		if (!rows_equal(&a->c.rows[i], &b->c.rows[i]))
			return 0;
	for (i = 0; i < a->nerr; i++)
		if (a->err[i].line != b->err[i].line ||
		    a->err[i].column != b->err[i].column ||
		    strcmp(a->err[i].code, b->err[i].code) != 0 ||
		    strcmp(a->err[i].message, b->err[i].message) != 0)
			return 0;
	return 1;
}

/*
 * Parses all at once into *r, then a byte at a time and in random chunks;
 * every way must give the same rows, errors and status.
 */
static void
run_cb(const char *what, const char *data, size_t len,
    const struct scores_params *p, long dup_line, long fail_line,
    struct result *r)
{
	static const uint32_t	seeds[] = { 0x9e3779b9u, 12345u, 0xdeadbeefu };
	struct result		other;
	size_t			i;

	parse(data, len, p, dup_line, fail_line, FEED_WHOLE, 1, r);
	parse(data, len, p, dup_line, fail_line, FEED_BYTES, 1, &other);
	if (!results_equal(r, &other)) {
		CHECK(!"byte-at-a-time result differs");
		fprintf(stderr, "  case: %s\n", what);
	}
	result_free(&other);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		parse(data, len, p, dup_line, fail_line, FEED_RANDOM, seeds[i],
		    &other);
		if (!results_equal(r, &other)) {
			CHECK(!"random-chunk result differs");
			fprintf(stderr, "  case: %s (seed %u)\n", what,
			    seeds[i]);
		}
		result_free(&other);
	}
}

static void
run(const char *what, const char *data, const struct scores_params *p,
    struct result *r)
{
	run_cb(what, data, strlen(data), p, 0, 0, r);
}

static void
dump(const char *what, const struct result *r)
{
	size_t	i;

	fprintf(stderr, "  case: %s: status %d, %zu rows, %zu errors (%lld)\n",
	    what, (int)r->status, r->c.n, r->nerr, r->total);
	for (i = 0; i < r->nerr && i < 8; i++)
		fprintf(stderr, "    %ld:%d %s %s\n", r->err[i].line,
		    r->err[i].column, r->err[i].code, r->err[i].message);
}

/*
 * Expects exactly one error, at line:col with code, and the status st.
 * Returns the result for more checks (free it), or frees it when r is NULL.
 */
static void
expect1_n(const char *what, const char *data, size_t len,
    const struct scores_params *p, enum scores_status st, long line, int col,
    const char *code, struct result *out)
{
	struct result	r;
	int		before = test_failures;

	run_cb(what, data, len, p, 0, 0, &r);
	CHECK_EQ_INT(r.status, st);
	CHECK_EQ_INT(r.nerr, 1);
	CHECK_EQ_INT(r.total, 1);
	if (r.nerr >= 1) {
		CHECK_EQ_INT(r.err[0].line, line);
		CHECK_EQ_INT(r.err[0].column, col);
		CHECK_STR(r.err[0].code, code);
	}
	if (test_failures != before)
		dump(what, &r);
	if (out != NULL)
		*out = r;
	else
		result_free(&r);
}

static void
expect1(const char *what, const char *data, enum scores_status st, long line,
    int col, const char *code)
{
	struct scores_params	p = params();

	expect1_n(what, data, strlen(data), &p, st, line, col, code, NULL);
}

static void
expect_ok(const char *what, const char *data, const struct scores_params *p,
    size_t nrows, struct result *out)
{
	struct result	r;
	int		before = test_failures;

	run(what, data, p, &r);
	CHECK_EQ_INT(r.status, SCORES_OK);
	CHECK_EQ_INT(r.c.n, nrows);
	CHECK_EQ_INT(r.valid, nrows);
	if (test_failures != before)
		dump(what, &r);
	if (out != NULL)
		*out = r;
	else
		result_free(&r);
}

/* Valid BSNs other than the public test list: 8 digits and a check digit. */
static void
next_bsn(unsigned *k, char out[10])
{
	unsigned	v, sum;
	int		i;

	for (;;) {
		v = 10000000u + (*k)++;
		snprintf(out, 10, "%08u", v);
		for (i = 0, sum = 0; i < 8; i++)
			sum += (unsigned)(9 - i) * (unsigned)(out[i] - '0');
		if (sum % 11 == 10)
			continue;
		out[8] = (char)('0' + sum % 11);
		out[9] = '\0';
		return;
	}
}

/* ---- the Excel export ---- */

static const char excel[] =
    "\xef\xbb\xbf"
    "\"bsn\";\"ToewijzingNummer\";\"Gemeente\";\"AGB\";\"Meetdatum\";"
    "\"Meetmoment\";\"gas_1\";\"gewicht_1\";\"gas_2\";\"gewicht_2\";"
    "\"gas_3\";\"gewicht_3\";\"probleemafname\";\"zonder_hulp_verder\";"
    "\"productcategorie\";\"geboortedatum\";\"geslacht\"\r\n"
    /* line 2: goal 2 left empty, goals 1 and 3 packed to the front */
    "\"999993847\";4711;0363;12345678;01-03-2026;\"begin\";-1;2;;;1;3;"
    "2;nee;45;15-06-2010;2\r\n"
    /* line 3: eind, '+2', weight defaults to 1, retired gemeente */
    "999992077;\"8123456\";0439;\"12345678\";15-09-2026;\"Eind\";+2;;0;10;"
    ";;3;JA;31;01-01-2000;1\r\n"
    /* line 4: only the required columns */
    "999993483;12;0385;12345678;31-12-2025;tussen;;;;;;;;;;;\r\n"
    /* line 5: D-M-YYYY, age exactly 3 on the meetdatum */
    "999990482;\"4711\";0363;12345678;1-3-2026;begin;2;;;;;;1;;55;"
    "01-03-2023;0\r\n"
    /* line 6: 8-digit BSN, ISO dates, meetdatum is today, age exactly 12 */
    "\"12345672\";\"4711\";\"0363\";\"12345678\";\"2026-11-23\";\"tussen\";"
    "\"0\";\"1\";\"\";\"\";\"\";\"\";\"\";\"\";\"\";\"2014-11-23\";\"\"\r\n"
    /* Excel's empty rows at the end */
    ";;;;;;;;;;;;;;;;\r\n"
    "\r\n"
    "\r\n";

static void
test_excel(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	const struct scores_row	*w;

	expect_ok("excel", excel, &p, 5, &r);
	if (r.c.n != 5) {
		result_free(&r);
		return;
	}

	w = &r.c.rows[0];
	CHECK_EQ_INT(w->line, 2);
	CHECK(memcmp(w->bsn, "999993847", 9) == 0);
	CHECK_STR(w->toewijzing, "4711");
	CHECK_EQ_INT(w->toewijzing_len, 4);
	CHECK_STR(w->gemeente, "0363");
	CHECK_STR(w->gemeente_issuer, "0363");
	CHECK_STR(w->agb, "12345678");
	CHECK_EQ_INT(w->meetdatum, 20260301);
	CHECK_EQ_INT(w->meetmoment, MOMENT_BEGIN);
	CHECK_EQ_INT(w->ngoals, 2);
	CHECK_EQ_INT(w->gas[0], -1);
	CHECK_EQ_INT(w->gewicht[0], 2);
	CHECK_EQ_INT(w->gas[1], 1);
	CHECK_EQ_INT(w->gewicht[1], 3);
	CHECK_EQ_INT(w->probleemafname, 2);
	CHECK_EQ_INT(w->zonder_hulp, 0);
	CHECK_EQ_INT(w->productcategorie, 45);
	CHECK_EQ_INT(w->leeftijd, 2);		/* 15 years */
	CHECK_EQ_INT(w->geslacht, 2);

	w = &r.c.rows[1];
	CHECK_EQ_INT(w->line, 3);
	CHECK(memcmp(w->bsn, "999992077", 9) == 0);
	CHECK_STR(w->toewijzing, "8123456");
	CHECK_EQ_INT(w->toewijzing_len, 7);
	CHECK_STR(w->gemeente, "0439");
	CHECK_STR(w->gemeente_issuer, "0439");
	CHECK_STR(w->agb, "12345678");
	CHECK_EQ_INT(w->meetdatum, 20260915);
	CHECK_EQ_INT(w->meetmoment, MOMENT_EIND);
	CHECK_EQ_INT(w->ngoals, 2);
	CHECK_EQ_INT(w->gas[0], 2);
	CHECK_EQ_INT(w->gewicht[0], 1);
	CHECK_EQ_INT(w->gas[1], 0);
	CHECK_EQ_INT(w->gewicht[1], 10);
	CHECK_EQ_INT(w->probleemafname, 3);
	CHECK_EQ_INT(w->zonder_hulp, 1);
	CHECK_EQ_INT(w->productcategorie, 31);
	CHECK_EQ_INT(w->leeftijd, 3);		/* 26 years */
	CHECK_EQ_INT(w->geslacht, 1);

	w = &r.c.rows[2];
	CHECK_EQ_INT(w->line, 4);
	CHECK(memcmp(w->bsn, "999993483", 9) == 0);
	CHECK_STR(w->toewijzing, "12");
	CHECK_EQ_INT(w->toewijzing_len, 2);
	CHECK_STR(w->gemeente, "0385");
	CHECK_STR(w->gemeente_issuer, "0385");
	CHECK_EQ_INT(w->meetdatum, 20251231);
	CHECK_EQ_INT(w->meetmoment, MOMENT_TUSSEN);
	CHECK_EQ_INT(w->ngoals, 0);
	CHECK_EQ_INT(w->probleemafname, 0);
	CHECK_EQ_INT(w->zonder_hulp, -1);
	CHECK_EQ_INT(w->productcategorie, 0);
	CHECK_EQ_INT(w->leeftijd, -1);
	CHECK_EQ_INT(w->geslacht, -1);

	w = &r.c.rows[3];
	CHECK_EQ_INT(w->line, 5);
	CHECK(memcmp(w->bsn, "999990482", 9) == 0);
	CHECK_STR(w->toewijzing, "4711");
	CHECK_EQ_INT(w->meetdatum, 20260301);
	CHECK_EQ_INT(w->meetmoment, MOMENT_BEGIN);
	CHECK_EQ_INT(w->ngoals, 1);
	CHECK_EQ_INT(w->gas[0], 2);
	CHECK_EQ_INT(w->gewicht[0], 1);
	CHECK_EQ_INT(w->probleemafname, 1);
	CHECK_EQ_INT(w->zonder_hulp, -1);
	CHECK_EQ_INT(w->productcategorie, 55);
	CHECK_EQ_INT(w->leeftijd, 0);		/* exactly 3 */
	CHECK_EQ_INT(w->geslacht, 0);

	w = &r.c.rows[4];
	CHECK_EQ_INT(w->line, 6);
	CHECK(memcmp(w->bsn, "012345672", 9) == 0);
	CHECK_STR(w->toewijzing, "4711");
	CHECK_STR(w->gemeente, "0363");
	CHECK_EQ_INT(w->meetdatum, TODAY);
	CHECK_EQ_INT(w->meetmoment, MOMENT_TUSSEN);
	CHECK_EQ_INT(w->ngoals, 1);
	CHECK_EQ_INT(w->gas[0], 0);
	CHECK_EQ_INT(w->gewicht[0], 1);
	CHECK_EQ_INT(w->probleemafname, 0);
	CHECK_EQ_INT(w->zonder_hulp, -1);
	CHECK_EQ_INT(w->productcategorie, 0);
	CHECK_EQ_INT(w->leeftijd, 2);		/* exactly 12 */
	CHECK_EQ_INT(w->geslacht, -1);
	result_free(&r);
}

/* ---- comma files, header forms, line ends, padded codes ---- */

static const char comma_lf[] =
    "MeetMoment,GEMEENTE,bsn,gas_10,Gewicht_10,Agb,toewijzingnummer,"
    "meetdatum\n"
    "begin,363,999993653,-2,7,12345678,1,2026-01-31\n"
    "tussen,457,999995017,,,12345678,99,31-1-2026\n"
    "eind,0370,999990408,1,,2345678,123456789,1/2/2026\n";

static char *
line_ends(const char *in, const char *nl)
{
	struct buf	b = { 0 };
	const char	*s, *e;

	for (s = in; (e = strchr(s, '\n')) != NULL; s = e + 1) {
		bput_n(&b, s, (size_t)(e - s));
		bput(&b, nl);
	}
	bput(&b, s);
	return b.p;
}

static void
test_comma(void)
{
	struct scores_params	 p = params();
	struct result		 r, r2;
	const struct scores_row	*w;
	char			*crlf, *cr;

	/* Row 4's "2345678" is AGB 02345678, not ours (12345678). */
	expect1_n("comma, padded agb not own", comma_lf, strlen(comma_lf), &p,
	    SCORES_INVALID, 4, 6, "agb_niet_eigen", &r);
	CHECK_EQ_INT(r.c.n, 2);
	result_free(&r);

	{
		struct buf	b = { 0 };

		bput(&b, "bsn;toewijzingnummer;gemeente;agb;meetdatum;"
		    "meetmoment\n"
		    "999993847;4711;0363;2345678;01-03-2026;begin\n"
		    "999992077;4711;0363;02345678;01-03-2026;begin\n");
		p.agb = "02345678";
		expect_ok("agb padded", b.p, &p, 2, &r);
		if (r.c.n == 2) {
			CHECK_STR(r.c.rows[0].agb, "02345678");
			CHECK_STR(r.c.rows[1].agb, "02345678");
		}
		result_free(&r);
		bfree(&b);
		p = params();
	}

	{
		/* The same comma file with the own AGB in every row. */
		struct buf	b = { 0 };

		bput(&b, "MeetMoment,GEMEENTE,bsn,gas_10,Gewicht_10,Agb,"
		    "toewijzingnummer,meetdatum\n"
		    "begin,363,999993653,-2,7,12345678,1,2026-01-31\n"
		    "tussen,457,999995017,,,12345678,99,31-1-2026\n"
		    "eind,0370,999990408,1,,12345678,123456789,1/2/2026\n");
		expect_ok("comma lf", b.p, &p, 3, &r);
		crlf = line_ends(b.p, "\r\n");
		cr = line_ends(b.p, "\r");
		expect_ok("comma crlf", crlf, &p, 3, &r2);
		CHECK(results_equal(&r, &r2));
		result_free(&r2);
		expect_ok("comma bare cr", cr, &p, 3, &r2);
		CHECK(results_equal(&r, &r2));
		result_free(&r2);
		free(crlf);
		free(cr);
		bfree(&b);
	}
	if (r.c.n == 3) {
		w = &r.c.rows[0];
		CHECK_EQ_INT(w->line, 2);
		CHECK(memcmp(w->bsn, "999993653", 9) == 0);
		CHECK_STR(w->toewijzing, "1");
		CHECK_EQ_INT(w->toewijzing_len, 1);
		CHECK_STR(w->gemeente, "0363");		/* "363" padded */
		CHECK_STR(w->gemeente_issuer, "0363");
		CHECK_EQ_INT(w->meetdatum, 20260131);
		CHECK_EQ_INT(w->meetmoment, MOMENT_BEGIN);
		CHECK_EQ_INT(w->ngoals, 1);		/* goal 10 only */
		CHECK_EQ_INT(w->gas[0], -2);
		CHECK_EQ_INT(w->gewicht[0], 7);
		CHECK_EQ_INT(w->probleemafname, 0);
		CHECK_EQ_INT(w->zonder_hulp, -1);
		CHECK_EQ_INT(w->productcategorie, 0);
		CHECK_EQ_INT(w->leeftijd, -1);
		CHECK_EQ_INT(w->geslacht, -1);

		w = &r.c.rows[1];
		CHECK_EQ_INT(w->line, 3);
		CHECK(memcmp(w->bsn, "999995017", 9) == 0);
		CHECK_STR(w->toewijzing, "99");
		CHECK_STR(w->gemeente, "0363");		/* Weesp → Amsterdam */
		CHECK_STR(w->gemeente_issuer, "0457");
		CHECK_EQ_INT(w->meetdatum, 20260131);
		CHECK_EQ_INT(w->meetmoment, MOMENT_TUSSEN);
		CHECK_EQ_INT(w->ngoals, 0);

		w = &r.c.rows[2];
		CHECK_EQ_INT(w->line, 4);
		CHECK(memcmp(w->bsn, "999990408", 9) == 0);
		CHECK_STR(w->toewijzing, "123456789");
		CHECK_EQ_INT(w->toewijzing_len, 9);
		CHECK_STR(w->gemeente, "0439");
		CHECK_STR(w->gemeente_issuer, "0370");
		CHECK_EQ_INT(w->meetdatum, 20260201);
		CHECK_EQ_INT(w->meetmoment, MOMENT_EIND);
		CHECK_EQ_INT(w->ngoals, 1);
		CHECK_EQ_INT(w->gas[0], 1);
		CHECK_EQ_INT(w->gewicht[0], 1);
	}
	result_free(&r);
}

/* ---- validation, one field at a time ---- */

/* Columns 1..13 of the validation header. */
enum {
	F_BSN = 1, F_TW, F_GEM, F_AGB, F_MEET, F_MOMENT, F_GAS1, F_GEW1,
	F_PROBLEEM, F_ZONDER, F_PRODUCT, F_GEBOORTE, F_GESLACHT, F__N
};

static const char hdr13[] =
    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1;"
    "gewicht_1;probleemafname;zonder_hulp_verder;productcategorie;"
    "geboortedatum;geslacht\r\n";

static const char *const base13[F__N] = {
	NULL, "999993847", "4711", "0363", "12345678", "01-03-2026", "tussen",
	"1", "2", "3", "ja", "45", "15-06-2010", "1"
};

/* The header and one row: base13 with column col set to val. */
static char *
doc13(int col, const char *val, int col2, const char *val2)
{
	struct buf	b = { 0 };
	int		i;

	bput(&b, hdr13);
	for (i = 1; i < F__N; i++) {
		if (i > 1)
			bput(&b, ";");
		bput(&b, i == col ? val : i == col2 ? val2 : base13[i]);
	}
	bput(&b, "\r\n");
	return b.p;
}

static void
field_bad(int col, const char *val, int ecol, const char *code)
{
	char	*d = doc13(col, val, 0, NULL), what[128];

	snprintf(what, sizeof(what), "column %d = \"%s\" → %s", col, val,
	    code);
	expect1(what, d, SCORES_INVALID, 2, ecol, code);
	free(d);
}

static void
field_bad2(int col, const char *val, int col2, const char *val2, int ecol,
    const char *code)
{
	char	*d = doc13(col, val, col2, val2), what[160];

	snprintf(what, sizeof(what), "column %d = \"%s\", %d = \"%s\" → %s",
	    col, val, col2, val2, code);
	expect1(what, d, SCORES_INVALID, 2, ecol, code);
	free(d);
}

/* The row is accepted; returns it through *w. */
static int
field_ok(int col, const char *val, int col2, const char *val2,
    struct scores_row *w)
{
	struct scores_params	p = params();
	struct result		r;
	char			*d = doc13(col, val, col2, val2), what[160];
	int			ok;

	snprintf(what, sizeof(what), "column %d = \"%s\", %d = \"%s\" ok",
	    col, val, col2, val2 ? val2 : "");
	expect_ok(what, d, &p, 1, &r);
	if ((ok = r.c.n == 1))
		*w = r.c.rows[0];
	result_free(&r);
	free(d);
	return ok;
}

static void
test_fields(void)
{
	static const struct {
		const char	*geboorte, *meet;
		int		 band;
	} ages[] = {
		{ "02-03-2022", "01-03-2026", 0 },	/* 3 */
		{ "01-03-2022", "01-03-2026", 1 },	/* 4 today */
		{ "02-03-2014", "01-03-2026", 1 },	/* 11 */
		{ "01-03-2014", "01-03-2026", 2 },	/* 12 today */
		{ "02-03-2008", "01-03-2026", 2 },	/* 17 */
		{ "01-03-2008", "01-03-2026", 3 },	/* 18 today */
		{ "01-03-2026", "01-03-2026", 0 },	/* born that day */
		{ "29-02-2008", "28-02-2026", 2 },	/* 17 */
	};
	struct scores_row	w;
	char			*d;
	size_t			i;
	int			c;

	/* The base row itself is valid. */
	if (field_ok(0, NULL, 0, NULL, &w)) {
		CHECK_EQ_INT(w.ngoals, 1);
		CHECK_EQ_INT(w.gas[0], 1);
		CHECK_EQ_INT(w.gewicht[0], 2);
		CHECK_EQ_INT(w.leeftijd, 2);
	}

	/* Every required column, empty. */
	for (c = F_BSN; c <= F_MOMENT; c++)
		field_bad(c, "", c, "waarde_ontbreekt");
	field_bad(F_BSN, "  ", F_BSN, "waarde_ontbreekt");
	field_bad(F_MOMENT, "\"\"", F_MOMENT, "waarde_ontbreekt");

	/* BSN */
	field_bad(F_BSN, "999993846", F_BSN, "bsn_elfproef");
	field_bad(F_BSN, "99999384a", F_BSN, "bsn_geen_cijfers");
	field_bad(F_BSN, "999-99-3847", F_BSN, "bsn_geen_cijfers");
	field_bad(F_BSN, "9999938470", F_BSN, "bsn_lengte");
	field_bad(F_BSN, "1234567", F_BSN, "bsn_lengte");
	field_bad(F_BSN, "000000000", F_BSN, "bsn_nul");
	field_bad(F_BSN, "00000000", F_BSN, "bsn_nul");
	if (field_ok(F_BSN, " 999993847 ", 0, NULL, &w))
		CHECK(memcmp(w.bsn, "999993847", 9) == 0);

	/* ToewijzingNummer */
	field_bad(F_TW, "1234567890", F_TW, "toewijzingnummer_ongeldig");
	field_bad(F_TW, "47a1", F_TW, "toewijzingnummer_ongeldig");
	field_bad(F_TW, "-4711", F_TW, "toewijzingnummer_ongeldig");
	if (field_ok(F_TW, "000004711", 0, NULL, &w)) {
		CHECK_STR(w.toewijzing, "000004711");	/* as given */
		CHECK_EQ_INT(w.toewijzing_len, 9);
	}

	/* Gemeente */
	field_bad(F_GEM, "36", F_GEM, "gemeente_ongeldig");
	field_bad(F_GEM, "03630", F_GEM, "gemeente_ongeldig");
	field_bad(F_GEM, "03a3", F_GEM, "gemeente_ongeldig");
	field_bad(F_GEM, "GM0363", F_GEM, "gemeente_ongeldig");
	field_bad(F_GEM, "0599", F_GEM, "gemeente_onbekend");
	field_bad(F_GEM, "599", F_GEM, "gemeente_onbekend");
	if (field_ok(F_GEM, "457", 0, NULL, &w)) {
		CHECK_STR(w.gemeente, "0363");
		CHECK_STR(w.gemeente_issuer, "0457");
	}
	if (field_ok(F_GEM, "0370", 0, NULL, &w)) {
		CHECK_STR(w.gemeente, "0439");
		CHECK_STR(w.gemeente_issuer, "0370");
	}

	/* AGB */
	field_bad(F_AGB, "123456", F_AGB, "agb_ongeldig");
	field_bad(F_AGB, "123456789", F_AGB, "agb_ongeldig");
	field_bad(F_AGB, "1234567a", F_AGB, "agb_ongeldig");
	field_bad(F_AGB, "87654321", F_AGB, "agb_niet_eigen");

	/* Dates */
	field_bad(F_MEET, "31-02-2026", F_MEET, "datum_ongeldig");
	field_bad(F_MEET, "2026-13-01", F_MEET, "datum_ongeldig");
	field_bad(F_MEET, "gisteren", F_MEET, "datum_ongeldig");
	field_bad(F_MEET, "2026-3-1", F_MEET, "datum_ongeldig");
	field_bad(F_MEET, "1-3-26", F_MEET, "datum_ongeldig");
	field_bad(F_MEET, "24-11-2026", F_MEET, "datum_in_toekomst");
	field_bad(F_MEET, "2027-01-01", F_MEET, "datum_in_toekomst");
	field_bad(F_GEBOORTE, "31-02-2010", F_GEBOORTE, "datum_ongeldig");
	field_bad(F_GEBOORTE, "2026-11-24", F_GEBOORTE, "datum_in_toekomst");
	field_bad(F_GEBOORTE, "02-03-2026", 0, "geboortedatum_na_meetdatum");
	if (field_ok(F_MEET, "23-11-2026", 0, NULL, &w))
		CHECK_EQ_INT(w.meetdatum, TODAY);
	if (field_ok(F_MEET, "29/2/2024", 0, NULL, &w))
		CHECK_EQ_INT(w.meetdatum, 20240229);
	if (field_ok(F_GEBOORTE, "", 0, NULL, &w))
		CHECK_EQ_INT(w.leeftijd, -1);
	for (i = 0; i < sizeof(ages) / sizeof(ages[0]); i++)
		if (field_ok(F_GEBOORTE, ages[i].geboorte, F_MEET, ages[i].meet,
		    &w))
			CHECK_EQ_INT(w.leeftijd, ages[i].band);

	/* Meetmoment */
	field_bad(F_MOMENT, "midden", F_MOMENT, "meetmoment_ongeldig");
	field_bad(F_MOMENT, "beginn", F_MOMENT, "meetmoment_ongeldig");
	field_bad(F_MOMENT, "1", F_MOMENT, "meetmoment_ongeldig");
	if (field_ok(F_MOMENT, "BEGIN", 0, NULL, &w))
		CHECK_EQ_INT(w.meetmoment, MOMENT_BEGIN);
	if (field_ok(F_MOMENT, "eind", 0, NULL, &w))
		CHECK_EQ_INT(w.meetmoment, MOMENT_EIND);

	/* GAS and weights */
	field_bad(F_GAS1, "3", F_GAS1, "gas_ongeldig");
	field_bad(F_GAS1, "-3", F_GAS1, "gas_ongeldig");
	field_bad(F_GAS1, "1.5", F_GAS1, "gas_ongeldig");
	field_bad(F_GAS1, "1,0", F_GAS1, "gas_ongeldig");
	field_bad(F_GAS1, "x", F_GAS1, "gas_ongeldig");
	field_bad(F_GAS1, "+", F_GAS1, "gas_ongeldig");
	field_bad(F_GAS1, "+-1", F_GAS1, "gas_ongeldig");	/* not -1 */
	field_bad(F_GAS1, "++1", F_GAS1, "gas_ongeldig");
	field_bad(F_GEW1, "0", F_GEW1, "gewicht_ongeldig");
	field_bad(F_GEW1, "11", F_GEW1, "gewicht_ongeldig");
	field_bad(F_GEW1, "-1", F_GEW1, "gewicht_ongeldig");
	field_bad(F_GEW1, "2.5", F_GEW1, "gewicht_ongeldig");
	field_bad2(F_MOMENT, "eind", F_GAS1, "", 0, "eind_zonder_doelen");
	if (field_ok(F_GAS1, "+2", 0, NULL, &w))
		CHECK_EQ_INT(w.gas[0], 2);
	if (field_ok(F_GAS1, "-2", F_GEW1, "10", &w)) {
		CHECK_EQ_INT(w.gas[0], -2);
		CHECK_EQ_INT(w.gewicht[0], 10);
	}
	if (field_ok(F_GAS1, "", F_MOMENT, "begin", &w))
		CHECK_EQ_INT(w.ngoals, 0);

	/* Optional codes */
	field_bad(F_PROBLEEM, "0", F_PROBLEEM, "probleemafname_ongeldig");
	field_bad(F_PROBLEEM, "4", F_PROBLEEM, "probleemafname_ongeldig");
	field_bad(F_PROBLEEM, "ja", F_PROBLEEM, "probleemafname_ongeldig");
	field_bad(F_ZONDER, "misschien", F_ZONDER, "zonder_hulp_ongeldig");
	field_bad(F_ZONDER, "1", F_ZONDER, "zonder_hulp_ongeldig");
	if (field_ok(F_ZONDER, "Nee", 0, NULL, &w))
		CHECK_EQ_INT(w.zonder_hulp, 0);
	field_bad(F_PRODUCT, "39", F_PRODUCT, "productcategorie_ongeldig");
	field_bad(F_PRODUCT, "56", F_PRODUCT, "productcategorie_ongeldig");
	field_bad(F_PRODUCT, "4", F_PRODUCT, "productcategorie_ongeldig");
	field_bad(F_PRODUCT, "30", F_PRODUCT, "productcategorie_ongeldig");
	field_bad(F_PRODUCT, "045", F_PRODUCT, "productcategorie_ongeldig");
	field_bad(F_PRODUCT, "JZ", F_PRODUCT, "productcategorie_ongeldig");
	if (field_ok(F_PRODUCT, "38", 0, NULL, &w))
		CHECK_EQ_INT(w.productcategorie, 38);
	if (field_ok(F_PRODUCT, "40", 0, NULL, &w))
		CHECK_EQ_INT(w.productcategorie, 40);
	field_bad(F_GESLACHT, "3", F_GESLACHT, "geslacht_ongeldig");
	field_bad(F_GESLACHT, "-1", F_GESLACHT, "geslacht_ongeldig");
	field_bad(F_GESLACHT, "m", F_GESLACHT, "geslacht_ongeldig");
	if (field_ok(F_GESLACHT, "0", 0, NULL, &w))
		CHECK_EQ_INT(w.geslacht, 0);

	/* An extra non-empty field; extra empty ones are Excel's habit. */
	d = doc13(0, NULL, 0, NULL);
	d[strlen(d) - 2] = '\0';
	{
		struct buf	b = { 0 };

		bput(&b, d);
		bput(&b, ";x\r\n");
		expect1("extra field", b.p, SCORES_INVALID, 2, 14,
		    "aantal_velden");
		bfree(&b);
		bput(&b, d);
		bput(&b, ";;;\r\n");
		{
			struct scores_params	p = params();

			expect_ok("extra empty fields", b.p, &p, 1, NULL);
		}
		bfree(&b);
		/*
		 * Far beyond the header's columns: a name in column 77 must
		 * not be accepted silently either.
		 */
		bput(&b, d);
		for (i = 0; i < 63; i++)
			bput(&b, ";");
		bput(&b, ";Jansen\r\n");
		expect1("extra field in column 77", b.p, SCORES_INVALID, 2, 77,
		    "aantal_velden");
		bfree(&b);
	}
	free(d);

	/* Several errors in one row: each column, in column order. */
	{
		struct result	r;
		char		*dd = doc13(F_BSN, "999993846", F_GESLACHT, "9");
		struct scores_params p = params();

		run("two errors in a row", dd, &p, &r);
		CHECK_EQ_INT(r.status, SCORES_INVALID);
		CHECK_EQ_INT(r.nerr, 2);
		if (r.nerr == 2) {
			CHECK_EQ_INT(r.err[0].column, F_BSN);
			CHECK_STR(r.err[0].code, "bsn_elfproef");
			CHECK_EQ_INT(r.err[1].column, F_GESLACHT);
			CHECK_STR(r.err[1].code, "geslacht_ongeldig");
			/* "Kolom C (naam): " in front of a column's error. */
			CHECK(strncmp(r.err[0].message, "Kolom A (bsn): ",
			    15) == 0);
			CHECK(strncmp(r.err[1].message, "Kolom M (geslacht): ",
			    20) == 0);
		}
		CHECK_EQ_INT(r.c.n, 0);
		result_free(&r);
		free(dd);
	}
}

/* Column letters beyond Z, as Excel shows them. */
static void
test_column_letters(void)
{
	struct buf	b = { 0 };
	struct result	r;
	struct scores_params p = params();
	int		i;

	bput(&b, "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment");
	for (i = 1; i <= 10; i++)
		bprintf(&b, ";gas_%d", i);
	for (i = 1; i <= 10; i++)
		bprintf(&b, ";gewicht_%d", i);
	bput(&b, ";geslacht\n999993847;4711;0363;12345678;01-03-2026;begin");
	for (i = 0; i < 20; i++)
		bput(&b, ";");
	bput(&b, ";7\n");
	expect1_n("column AA", b.p, b.len, &p, SCORES_INVALID, 2, 27,
	    "geslacht_ongeldig", &r);
	if (r.nerr == 1)
		CHECK(strncmp(r.err[0].message, "Kolom AA (geslacht): ", 21) ==
		    0);
	result_free(&r);
	bfree(&b);
}

/* ---- the header ---- */

static void
test_header(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	struct buf		 b = { 0 };
	int			 i;

	static const char	 no_agb[] =
	    "bsn;toewijzingnummer;gemeente;meetdatum;meetmoment\n"
	    "999993847;4711;0363;01-03-2026;begin\n";
	static const char	 unknown[] =
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;"
	    "achternaam\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin;Jansen\n";

	expect1_n("missing agb", no_agb, strlen(no_agb), &p, SCORES_INVALID,
	    1, 0, "kolom_ontbreekt", &r);
	if (r.nerr == 1)
		CHECK(strstr(r.err[0].message, "'agb'") != NULL);
	CHECK_EQ_INT(r.c.n, 0);
	result_free(&r);

	run("missing two", "bsn;gemeente;agb;meetdatum\n"
	    "999993847;0363;12345678;01-03-2026\n", &p, &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.nerr, 2);
	CHECK_EQ_INT(r.total, 2);
	if (r.nerr == 2) {
		CHECK_EQ_INT(r.err[0].line, 1);
		CHECK_EQ_INT(r.err[1].line, 1);
		CHECK_STR(r.err[0].code, "kolom_ontbreekt");
		CHECK_STR(r.err[1].code, "kolom_ontbreekt");
	}
	CHECK_EQ_INT(r.c.n, 0);
	result_free(&r);

	/* Unknown column: the rows are still checked, not accepted. */
	expect1_n("unknown column", unknown, strlen(unknown), &p,
	    SCORES_INVALID, 1, 7, "kolom_onbekend", &r);
	if (r.nerr == 1)
		CHECK(strncmp(r.err[0].message, "Kolom G: ", 9) == 0);
	result_free(&r);
	expect1("unknown gas_11",
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_11\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin;1\n",
	    SCORES_INVALID, 1, 7, "kolom_onbekend");
	expect1("unknown gas_01",
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_01\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin;1\n",
	    SCORES_INVALID, 1, 7, "kolom_onbekend");
	expect1("unknown gewicht_0",
	    "gewicht_0;bsn;toewijzingnummer;gemeente;agb;meetdatum;"
	    "meetmoment\n"
	    "1;999993847;4711;0363;12345678;01-03-2026;begin\n",
	    SCORES_INVALID, 1, 1, "kolom_onbekend");

	expect1("duplicate column",
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;BSN\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin;999993847\n",
	    SCORES_INVALID, 1, 7, "kolom_dubbel");
	expect1("duplicate gas column",
	    "bsn;gas_2;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;"
	    "GAS_2\n"
	    "999993847;1;4711;0363;12345678;01-03-2026;begin;1\n",
	    SCORES_INVALID, 1, 8, "kolom_dubbel");

	/* Names with spaces around them, quoted, mixed case. */
	expect_ok("header spaces",
	    " \"BSN\" ; ToewijzingNummer ;GEMEENTE;Agb;MeetDatum;meetMOMENT\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin\n", &p, 1, NULL);

	bput(&b, "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment");
	for (i = 6; i < SCORES_COLS_MAX + 1; i++)
		bput(&b, ";");
	bput(&b, "\n999993847;4711;0363;12345678;01-03-2026;begin\n");
	expect1("65 columns", b.p, SCORES_INVALID, 1, 0, "te_veel_kolommen");
	bfree(&b);
}

/* ---- not a CSV file, or no rows ---- */

static void
test_not_csv(void)
{
	static const char	 nul[] = "bsn;toewijzingnummer\0\x01\x02\x03"
				    "\n";
	static const char	 png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	struct scores_params	 p = params();

	expect1("empty body", "", SCORES_NOT_CSV, 0, 0, "geen_csv");
	expect1("only a BOM", "\xef\xbb\xbf", SCORES_NOT_CSV, 0, 0,
	    "geen_csv");
	expect1("only empty lines", "\r\n\r\n  \r\n", SCORES_NOT_CSV, 0, 0,
	    "geen_csv");
	expect1_n("NUL bytes", nul, sizeof(nul) - 1, &p, SCORES_NOT_CSV, 1, 0,
	    "geen_csv", NULL);
	expect1_n("PNG", png, sizeof(png) - 1, &p, SCORES_NOT_CSV, 0, 0,
	    "geen_csv", NULL);
	expect1("latin-1 header",
	    "bsn;toewijzingnummer;gem\xe9\xe9nte;agb;meetdatum;meetmoment\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin\n",
	    SCORES_NOT_CSV, 0, 0, "geen_csv");
	expect1("truncated utf-8 header", "bsn;toewijzingnummer\xc3\n",
	    SCORES_NOT_CSV, 0, 0, "geen_csv");
	expect1("json", "{\"bsn\": \"999993847\", \"toewijzingnummer\": "
	    "\"4711\"}\n", SCORES_NOT_CSV, 0, 0, "geen_csv");
	expect1("json array", "[\n  {\"bsn\": \"999993847\", "
	    "\"toewijzingnummer\": 4711}\n]\n", SCORES_NOT_CSV, 0, 0,
	    "geen_csv");
	expect1("no known column", "naam;adres;achternaam\n"
	    "Jan;Dorpsstraat 1;Jansen\n", SCORES_NOT_CSV, 0, 0, "geen_csv");
	expect1("no known column, unterminated", "achternaam",
	    SCORES_NOT_CSV, 0, 0, "geen_csv");

	/* A header and nothing else is a CSV file without rows. */
	expect1("header only", "bsn;toewijzingnummer;gemeente;agb;meetdatum;"
	    "meetmoment\r\n", SCORES_INVALID, 0, 0, "geen_rijen");
	expect1("header only, no newline", "bsn;toewijzingnummer;gemeente;"
	    "agb;meetdatum;meetmoment", SCORES_INVALID, 0, 0, "geen_rijen");
	expect1("header and empty rows", "\xef\xbb\xbf" "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment\r\n;;;;;\r\n\r\n",
	    SCORES_INVALID, 0, 0, "geen_rijen");
}

/* ---- limits and CSV syntax ---- */

static const char hdr6[] =
    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment\n";
static const char row6[] = "999993847;4711;0363;12345678;01-03-2026;begin";

static void
test_limits(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	struct buf		 b = { 0 };
	size_t			 i;

	p.rows_max = 3;
	bput(&b, hdr6);
	for (i = 0; i < 4; i++)
		bprintf(&b, "%s\n", row6);
	expect1_n("rows_max 3, 4 rows", b.p, b.len, &p, SCORES_INVALID, 5, 0,
	    "te_veel_rijen", &r);
	CHECK_EQ_INT(r.c.n, 3);
	result_free(&r);
	bfree(&b);

	bput(&b, hdr6);
	for (i = 0; i < 3; i++)
		bprintf(&b, "%s\n\n", row6);	/* blank rows do not count */
	expect_ok("rows_max 3, 3 rows", b.p, &p, 3, NULL);
	bfree(&b);
	p = params();

	/* A record of SCORES_LINE_MAX bytes, newline included, is fine. */
	bput(&b, hdr6);
	bput(&b, row6);
	while (b.len - strlen(hdr6) < SCORES_LINE_MAX - 1)
		bput(&b, " ");
	bput(&b, "\n");
	bput(&b, row6);
	bput(&b, "\n");
	expect_ok("record of SCORES_LINE_MAX", b.p, &p, 2, NULL);
	bfree(&b);

	/* One byte more than that, and the second row is too long. */
	bput(&b, hdr6);
	bprintf(&b, "%s\n", row6);
	bput(&b, row6);
	while (b.len - strlen(hdr6) - strlen(row6) - 1 < SCORES_LINE_MAX + 1)
		bput(&b, " ");
	bput(&b, "\n");
	bprintf(&b, "%s\n", row6);
	expect1_n("record over SCORES_LINE_MAX", b.p, b.len, &p,
	    SCORES_INVALID, 3, 0, "regel_te_lang", &r);
	CHECK_EQ_INT(r.c.n, 1);
	result_free(&r);
	bfree(&b);

	/* A quote that never closes makes the rest one record. */
	bput(&b, hdr6);
	bprintf(&b, "%s\n", row6);
	bput(&b, "999992077;\"4711;0363;12345678;01-03-2026;begin\n");
	for (i = 0; i < 2000; i++)
		bprintf(&b, "%s\n", row6);
	expect1_n("unterminated quote, long", b.p, b.len, &p, SCORES_INVALID,
	    3, 0, "regel_te_lang", NULL);
	bfree(&b);

	/* A 70 kB header: not a CSV file we can read. */
	for (i = 0; i < 7000; i++)
		bput(&b, "bsn;xxxxx;");
	bput(&b, "\n");
	expect1_n("header too long", b.p, b.len, &p, SCORES_NOT_CSV, 1, 0,
	    "regel_te_lang", NULL);
	bfree(&b);
}

static void
test_syntax(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	struct buf		 b = { 0 };

	/* Mid-file: the quote opened on line 3 is closed on line 5. */
	bput(&b, hdr6);
	bprintf(&b, "%s\n", row6);
	bput(&b, "999992077;\"4711;0363;12345678;01-03-2026;begin\n");
	bprintf(&b, "%s\n", row6);
	bput(&b, "999993483;4711;0363;12345678;\"01-03-2026\";begin\n");
	bprintf(&b, "%s\n", row6);
	expect1_n("unterminated quote mid-file", b.p, b.len, &p,
	    SCORES_INVALID, 3, 0, "csv_syntaxfout", &r);
	CHECK_EQ_INT(r.c.n, 1);
	result_free(&r);
	bfree(&b);

	/* At the end of the file. */
	bput(&b, hdr6);
	bprintf(&b, "%s\n", row6);
	bput(&b, "999992077;\"4711;0363;12345678;01-03-2026;begin\n");
	bprintf(&b, "%s\n", row6);
	expect1_n("unterminated quote at EOF", b.p, b.len, &p,
	    SCORES_INVALID, 3, 0, "csv_syntaxfout", &r);
	CHECK_EQ_INT(r.c.n, 1);
	result_free(&r);
	bfree(&b);

	/* Text after a closing quote, and a quote inside a plain field. */
	bput(&b, hdr6);
	bprintf(&b, "%s\n", row6);
	bput(&b, "\"999992077\"x;4711;0363;12345678;01-03-2026;begin\n");
	expect1("text after closing quote", b.p, SCORES_INVALID, 3, 0,
	    "csv_syntaxfout");
	bfree(&b);
	bput(&b, hdr6);
	bput(&b, "9999\"92077;4711;0363;12345678;01-03-2026;begin\n");
	bprintf(&b, "%s\n", row6);
	bput(&b, "999992077;4711;0363;12345678;01-03-2026;\"begin\n");
	expect1("quote inside a plain field", b.p, SCORES_INVALID, 2, 0,
	    "csv_syntaxfout");
	bfree(&b);

	/*
	 * A syntax error, then a NUL byte or an overlong record: the
	 * answer must not depend on where the body was split (run_cb
	 * compares), whichever of the two problems is reported.
	 */
	{
		static const char	bad_then_nul[] =
		    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment\n"
		    "999993847;47\"11;0363;12345678;01-03-2026;begin\n"
		    "999992077;4711;0363;12345678;01-03-2026;begin\0\n";

		run_cb("syntax error, then a NUL byte", bad_then_nul,
		    sizeof(bad_then_nul) - 1, &p, 0, 0, &r);
		CHECK(r.status == SCORES_INVALID ||
		    r.status == SCORES_NOT_CSV);
		CHECK_EQ_INT(r.nerr, 1);
		if (r.nerr == 1)
			CHECK_EQ_INT(r.err[0].line, 2);
		result_free(&r);
	}
	bput(&b, hdr6);
	bput(&b, "999993847;47\"11;0363;12345678;01-03-2026;begin;");
	while (b.len < SCORES_LINE_MAX + 1000)
		bput(&b, "x");
	bput(&b, "\n");
	run_cb("syntax error in an overlong record", b.p, b.len, &p, 0, 0,
	    &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.nerr, 1);
	if (r.nerr == 1)
		CHECK_EQ_INT(r.err[0].line, 2);
	result_free(&r);
	bfree(&b);

	/* Escaped quotes in a quoted field are CSV, just not a valid value. */
	bput(&b, hdr6);
	bput(&b, "999992077;4711;0363;12345678;01-03-2026;\"be\"\"gin\"\n");
	bprintf(&b, "%s\n", row6);
	expect1("escaped quote", b.p, SCORES_INVALID, 2, 6,
	    "meetmoment_ongeldig");
	bfree(&b);
}

/* ---- row numbers as Excel shows them ---- */

static void
test_lines(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	static const char	 doc[] =
	    "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment\r\n"
	    "999993847;4711;0363;12345678;01-03-2026;begin\r\n"	/* 2 */
	    "\r\n"							/* 3 */
	    ";;;;;\r\n"							/* 4 */
	    "999992077;4711;0363;12345678;01-03-2026;\"be\r\ngin\"\r\n" /* 5 */
	    "999993483;4711;0363;12345678;01-03-2026;begin\r\n"	/* 6 */
	    "999990482;\"47\n11\";0363;12345678;01-03-2026;begin\n"	/* 7 */
	    "\n"							/* 8 */
	    "\n"							/* 9 */
	    "999993653;4711;0363;12345678;01-03-2026;tussen\r\n"	/* 10 */
	    "999995017;4711;0363;12345678;32-03-2026;begin\r\n"	/* 11 */
	    "999990408;4711;0363;12345678;01-03-2026;eind\r\n"	/* 12 */
	    "\r\n";

	run("line numbers", doc, &p, &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.c.n, 3);
	if (r.c.n == 3) {
		CHECK_EQ_INT(r.c.rows[0].line, 2);
		CHECK_EQ_INT(r.c.rows[1].line, 6);
		CHECK_EQ_INT(r.c.rows[2].line, 10);
	}
	CHECK_EQ_INT(r.nerr, 4);
	CHECK_EQ_INT(r.total, 4);
	if (r.nerr == 4) {
		CHECK_EQ_INT(r.err[0].line, 5);
		CHECK_EQ_INT(r.err[0].column, 6);
		CHECK_STR(r.err[0].code, "meetmoment_ongeldig");
		CHECK_EQ_INT(r.err[1].line, 7);
		CHECK_EQ_INT(r.err[1].column, 2);
		CHECK_STR(r.err[1].code, "toewijzingnummer_ongeldig");
		CHECK_EQ_INT(r.err[2].line, 11);
		CHECK_EQ_INT(r.err[2].column, 5);
		CHECK_STR(r.err[2].code, "datum_ongeldig");
		CHECK_EQ_INT(r.err[3].line, 12);
		CHECK_EQ_INT(r.err[3].column, 0);
		CHECK_STR(r.err[3].code, "eind_zonder_doelen");
	}
	result_free(&r);
}

/* ---- the error cap, and errors added later ---- */

/* n rows from line 2; rows in [bad_from, bad_to] fail the elfproef. */
static char *
rows_doc(size_t n, long bad_from, long bad_to)
{
	struct buf	b = { 0 };
	size_t		i;
	long		line;

	bput(&b, hdr6);
	for (i = 0; i < n; i++) {
		line = (long)i + 2;
		bprintf(&b, "%s;4711;0363;12345678;01-03-2026;begin\n",
		    line >= bad_from && line <= bad_to ? "999993846" :
		    "999993847");
	}
	return b.p;
}

static struct scores_parser *
parse_direct(const char *doc, const struct scores_params *base,
    struct collect *c)
{
	struct scores_params	 p = *base;
	struct scores_parser	*sp;

	memset(c, 0, sizeof(*c));
	p.row = on_row;
	p.arg = c;
	if ((sp = scores_new(&p)) == NULL)
		exit(1);
	scores_feed(sp, doc, strlen(doc));
	scores_finish(sp);
	return sp;
}

static void
check_errs(struct scores_parser *sp, const long *lines, const int *cols,
    size_t n, long long total)
{
	const struct scores_error	*e;
	size_t				 ne, i;
	long long			 tot;

	e = scores_errors(sp, &ne, &tot);
	CHECK_EQ_INT(ne, n);
	CHECK_EQ_INT(tot, total);
	for (i = 0; i < n && i < ne; i++) {
		CHECK_EQ_INT(e[i].line, lines[i]);
		CHECK_EQ_INT(e[i].column, cols[i]);
		check_private(&e[i]);
	}
}

static int
pair_cmp(const void *a, const void *b)
{
	const long	*x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static void
test_error_cap(void)
{
	struct scores_params	 p = params();
	struct scores_parser	*sp;
	struct collect		 c;
	struct result		 r;
	char			*doc;
	size_t			 i;

	/* 20 bad rows, 5 kept: the first five, in order; 20 counted. */
	p.errors_max = 5;
	doc = rows_doc(20, 2, 21);
	run("20 bad rows", doc, &p, &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.nerr, 5);
	CHECK_EQ_INT(r.total, 20);
	for (i = 0; i < r.nerr; i++) {
		CHECK_EQ_INT(r.err[i].line, (long)i + 2);
		CHECK_EQ_INT(r.err[i].column, 1);
		CHECK_STR(r.err[i].code, "bsn_elfproef");
	}
	result_free(&r);
	free(doc);

	/*
	 * The caller finds repeated rows when buffered rows are written,
	 * after the parser has listed later errors: rows 12..21 are bad,
	 * then rows 3 and 5 turn out to repeat, then row 30.
	 */
	doc = rows_doc(20, 12, 21);
	sp = parse_direct(doc, &p, &c);
	CHECK_EQ_INT(scores_status(sp), SCORES_INVALID);
	CHECK_EQ_INT(c.n, 10);
	scores_add_error(sp, 3, 0, "rij_dubbel", "Deze rij staat al eerder "
	    "in het bestand");
	scores_add_error(sp, 5, 0, "rij_dubbel", "Deze rij staat al eerder "
	    "in het bestand");
	scores_add_error(sp, 30, 0, "rij_dubbel", "Deze rij staat al eerder "
	    "in het bestand");
	{
		static const long	lines[] = { 3, 5, 12, 13, 14 };
		static const int	cols[] = { 0, 0, 1, 1, 1 };

		check_errs(sp, lines, cols, 5, 13);
	}
	{
		const struct scores_error	*e;
		size_t				 ne;
		long long			 tot;

		e = scores_errors(sp, &ne, &tot);
		if (ne == 5) {
			CHECK_STR(e[0].code, "rij_dubbel");
			CHECK_STR(e[1].code, "rij_dubbel");
			CHECK_STR(e[2].code, "bsn_elfproef");
		}
	}
	scores_free(sp);
	free(c.rows);

	/*
	 * The same when the list was read in between (say, for a progress
	 * report): reading it must not spoil what is kept afterwards.
	 */
	free(doc);
	doc = rows_doc(20, 2, 21);
	sp = parse_direct(doc, &p, &c);
	{
		static const long	lines[] = { 2, 3, 4, 5, 6 };
		static const int	cols[] = { 1, 1, 1, 1, 1 };

		check_errs(sp, lines, cols, 5, 20);
	}
	scores_add_error(sp, 4, 0, "rij_dubbel", "Deze rij staat al eerder "
	    "in het bestand");
	{
		static const long	lines[] = { 2, 3, 4, 4, 5 };
		static const int	cols[] = { 1, 1, 0, 1, 1 };

		check_errs(sp, lines, cols, 5, 21);
	}
	scores_free(sp);
	free(c.rows);
	free(doc);

	/*
	 * Errors in random order, against a plain sort, for caps below,
	 * at and above the parser's first allocation.
	 */
	{
		static const size_t	caps[] = { 1, 2, 3, 5, 15, 16, 17, 40 };
		long			all[300][2];
		uint32_t		seed = 777;
		size_t			k, n, ne, j;
		long long		tot;
		const struct scores_error *e;
		int			ok;

		memset(&c, 0, sizeof(c));
		for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
			p.errors_max = caps[k];
			p.row = on_row;
			p.arg = &c;
			if ((sp = scores_new(&p)) == NULL)
				exit(1);
			n = 50 + rnd(&seed) % 250;
			for (j = 0; j < n; j++) {
				all[j][0] = (long)(rnd(&seed) % 120);
				all[j][1] = (long)(rnd(&seed) % 3);
				scores_add_error(sp, all[j][0],
				    (int)all[j][1], "rij_dubbel", "Dubbel");
			}
			qsort(all, n, sizeof(all[0]), pair_cmp);
			e = scores_errors(sp, &ne, &tot);
			CHECK_EQ_INT(ne, caps[k] < n ? caps[k] : n);
			CHECK_EQ_INT(tot, n);
			CHECK_EQ_INT(scores_status(sp), SCORES_INVALID);
			for (j = 0, ok = 1; j < ne; j++)
				ok &= e[j].line == all[j][0] &&
				    e[j].column == all[j][1];
			CHECK(ok);
			scores_free(sp);
		}
	}
}

/* ---- the row callback's answers ---- */

static void
test_callback(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	char			*doc = rows_doc(4, 0, -1);

	run_cb("duplicate row 3", doc, strlen(doc), &p, 3, 0, &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.c.n, 4);
	CHECK_EQ_INT(r.nerr, 1);
	if (r.nerr == 1) {
		CHECK_EQ_INT(r.err[0].line, 3);
		CHECK_EQ_INT(r.err[0].column, 0);
		CHECK_STR(r.err[0].code, "rij_dubbel");
	}
	result_free(&r);

	/* A failure stops the parse: no later row reaches the callback. */
	run_cb("callback fails on row 3", doc, strlen(doc), &p, 0, 3, &r);
	CHECK_EQ_INT(r.status, SCORES_FAILED);
	CHECK_EQ_INT(r.c.n, 2);
	result_free(&r);

	/* Also after errors elsewhere, FAILED wins. */
	free(doc);
	doc = rows_doc(4, 2, 2);
	run_cb("callback fails after an error", doc, strlen(doc), &p, 0, 4,
	    &r);
	CHECK_EQ_INT(r.status, SCORES_FAILED);
	CHECK_EQ_INT(r.c.n, 2);
	result_free(&r);
	free(doc);

	/* A header error stops before any row. */
	run_cb("fails, but header bad", "bsn\n999993847\n",
	    strlen("bsn\n999993847\n"), &p, 0, 2, &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.c.n, 0);
	result_free(&r);
}

/*
 * scores_errors on a parse without errors: nothing listed, nothing
 * counted. Run in a child, because it may trip UBSan (qsort of a NULL
 * array) and that must fail this check, not end the whole test.
 */
static void
test_errors_empty(void)
{
	pid_t	pid;
	int	status;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		struct scores_params	 p = params();
		struct scores_parser	*sp;
		struct collect		 c;
		size_t			 n = 99;
		long long		 total = 99;

		sp = parse_direct("bsn;toewijzingnummer;gemeente;agb;"
		    "meetdatum;meetmoment\n999993847;4711;0363;12345678;"
		    "01-03-2026;begin\n", &p, &c);
		if (scores_status(sp) != SCORES_OK)
			_exit(2);
		(void)scores_errors(sp, &n, &total);
		scores_free(sp);
		free(c.rows);
		_exit(n == 0 && total == 0 ? 0 : 3);
	}
	if (waitpid(pid, &status, 0) == -1) {
		perror("waitpid");
		exit(1);
	}
	CHECK(WIFEXITED(status));
	if (WIFEXITED(status))
		CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

/* ---- a large file ---- */

static void
test_large(void)
{
	struct scores_params	 p = params();
	struct result		 r;
	struct buf		 b = { 0 };
	char			 bsn[10];
	unsigned		 k = 0;
	size_t			 i;
	int			 ok;

	bput(&b, "\xef\xbb\xbf" "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment;gas_1;gewicht_1\r\n");
	for (i = 1; i <= 10000; i++) {
		next_bsn(&k, bsn);
		if (i == 5000)
			bprintf(&b, "%s;%zu;0363;12345678;01-03-2026;eind;;\r\n",
			    bsn, i);
		else
			bprintf(&b, "%s;%zu;0363;12345678;%02zu-03-2026;"
			    "%s;%d;%zu\r\n", bsn, i, 1 + i % 28,
			    i % 3 == 0 ? "begin" : "eind", (int)(i % 5) - 2,
			    1 + i % 10);
	}
	bput(&b, "\r\n");
	run("10,000 rows", b.p, &p, &r);
	CHECK_EQ_INT(r.status, SCORES_INVALID);
	CHECK_EQ_INT(r.nerr, 1);
	CHECK_EQ_INT(r.total, 1);
	if (r.nerr == 1) {
		CHECK_EQ_INT(r.err[0].line, 5001);
		CHECK_EQ_INT(r.err[0].column, 0);
		CHECK_STR(r.err[0].code, "eind_zonder_doelen");
	}
	/* The valid rows still reached the callback; the caller rolls back. */
	CHECK_EQ_INT(r.c.n, 9999);
	CHECK_EQ_INT(r.valid, 9999);
	for (i = 0, ok = 1; i < r.c.n; i++)
		ok &= r.c.rows[i].line == (long)(i < 4999 ? i + 2 : i + 3);
	CHECK(ok);
	result_free(&r);
	bfree(&b);
}

/*
 * The optional opt_out column (issue #15): ja/nee in any case, empty is
 * absent; anything else is opt_out_ongeldig at its row and column. Under
 * opt-out an eind row may come without goals; without it, not.
 */
static void
test_opt_out(void)
{
	static const char hdr[] = "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment;gas_1;opt_out\r\n";
	static const char pre[] = "999993847;4711;0363;12345678;01-03-2026;";
	struct scores_params	 p = params();
	struct result		 r;
	struct buf		 b = { 0 };

	bput(&b, hdr);
	bput(&b, pre);
	bput(&b, "begin;1;JA\r\n");
	bput(&b, "999992077;4712;0363;12345678;01-03-2026;begin;1;nee\r\n");
	bput(&b, "999993483;4713;0363;12345678;01-03-2026;begin;1;\r\n");
	bput(&b, "999990482;4714;0363;12345678;01-03-2026;eind;;ja\r\n");
	expect_ok("opt_out ja, nee, empty, eind without goals", b.p, &p, 4,
	    &r);
	if (r.c.n == 4) {
		CHECK_EQ_INT(r.c.rows[0].opt_out, 1);
		CHECK_EQ_INT(r.c.rows[1].opt_out, 0);
		CHECK_EQ_INT(r.c.rows[2].opt_out, -1);
		CHECK_EQ_INT(r.c.rows[3].opt_out, 1);
		CHECK_EQ_INT(r.c.rows[3].meetmoment, MOMENT_EIND);
		CHECK_EQ_INT(r.c.rows[3].ngoals, 0);
	}
	result_free(&r);
	bfree(&b);

	bput(&b, hdr);
	bput(&b, pre);
	bput(&b, "begin;1;misschien\r\n");
	expect1("opt_out misschien", b.p, SCORES_INVALID, 2, 8,
	    "opt_out_ongeldig");
	bfree(&b);
	bput(&b, hdr);
	bput(&b, pre);
	bput(&b, "begin;1;1\r\n");
	expect1("opt_out 1", b.p, SCORES_INVALID, 2, 8, "opt_out_ongeldig");
	bfree(&b);
	/* Without opt-out an eind row still needs a goal. */
	bput(&b, hdr);
	bput(&b, pre);
	bput(&b, "eind;;nee\r\n");
	expect1("eind, no goals, opt_out nee", b.p, SCORES_INVALID, 2, 0,
	    "eind_zonder_doelen");
	bfree(&b);
	/* Absent column: every row reads as absent. */
	bput(&b, hdr6);
	bput(&b, row6);
	bput(&b, "\r\n");
	expect_ok("no opt_out column", b.p, &p, 1, &r);
	if (r.c.n == 1)
		CHECK_EQ_INT(r.c.rows[0].opt_out, -1);
	result_free(&r);
	bfree(&b);
}

int
main(void)
{
	char	err[256];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "config_load: %s\n", err);
		return 1;
	}
	CHECK_EQ_INT(cfg.ref.ngemeenten, 13);

	test_excel();
	test_comma();
	test_fields();
	test_column_letters();
	test_header();
	test_not_csv();
	test_limits();
	test_syntax();
	test_lines();
	test_error_cap();
	test_callback();
	test_large();
	test_errors_empty();
	test_opt_out();
	return test_done("parse_scores");
}

/*
 * Indicators as .xlsx: the answer's CSV read back field by field (text,
 * numbers with their decimals, booleans, empty), every break of the
 * writer's dialect refused; then a workbook written from a CSV answer
 * into a scratch folder that is empty again afterwards, opened as the
 * zip it must be.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ind_xlsx.h"
#include "test.h"

struct got {
	char	 out[2048];
	size_t	 len;
};

static int
collect(void *arg, long row, const struct ind_xfield *f, size_t n)
{
	struct got	*g = arg;
	size_t		 i;
	int		 k;

	for (i = 0; i < n; i++) {
		switch (f[i].kind) {
		case IND_X_TEXT:
			k = snprintf(g->out + g->len, sizeof(g->out) - g->len,
			    "T(%s)", f[i].text);
			break;
		case IND_X_NUM:
			k = snprintf(g->out + g->len, sizeof(g->out) - g->len,
			    "N(%.*f/%d)", f[i].dec, f[i].num, f[i].dec);
			break;
		case IND_X_BOOL:
			k = snprintf(g->out + g->len, sizeof(g->out) - g->len,
			    "B(%d)", f[i].b);
			break;
		case IND_X_MARK:
			k = snprintf(g->out + g->len, sizeof(g->out) - g->len,
			    "M");
			break;
		default:
			k = snprintf(g->out + g->len, sizeof(g->out) - g->len,
			    "E");
			break;
		}
		g->len += (size_t)k;
	}
	g->len += (size_t)snprintf(g->out + g->len, sizeof(g->out) - g->len,
	    "|%ld\n", row);
	return 0;
}

static long
rows(const char *csv, struct got *g)
{
	char	*copy = strdup(csv);
	long	 n;

	memset(g, 0, sizeof(*g));
	n = ind_xlsx_rows(copy, strlen(copy), collect, g);
	free(copy);
	return n;
}

static void
test_rows(void)
{
	struct got	g;
	size_t		i;
	static const char *const bad[] = {
		"a;b\r\n\"x\";1;2\r\n",		/* more fields than the header */
		"a;b\r\n\"x\"\r\n",		/* fewer */
		"a;b\r\n\"x\";1",		/* no CRLF at the end */
		"a;b\n\"x\";1\n",		/* LF alone */
		"a;b\r\n\"x;1\r\n",		/* an open quote */
		"a;b\r\nx;1\r\n",		/* bare text: not ours */
		"a;b\r\n1,;2\r\n",		/* a comma without decimals */
		"a;b\r\n,5;2\r\n",		/* nor without an integer part */
		"a;b\r\n1234567890123456;2\r\n",	/* too many digits */
		"a;b\r\n\"x\"y;2\r\n",		/* text after a quote */
		"a;b\r\nTRUE;2\r\n",
		"a;b\r\n**;2\r\n",		/* the mark is one star */
		"a;b\r\n*1;2\r\n",
	};

	CHECK_EQ_INT(rows("\xEF\xBB\xBF" "gemeente;period;suppressed;n;pct;"
	    "mean;x\r\n\"0363\";\"2026-01\";false;12;67,9;-0,25;\r\n"
	    "\"Q\"\"uote;d\";\"2026\";true;;;;\r\n", &g), 3);
	CHECK_STR(g.out, "T(gemeente)T(period)T(suppressed)T(n)T(pct)T(mean)"
	    "T(x)|0\nT(0363)T(2026-01)B(0)N(12/0)N(67.9/1)N(-0.25/2)E|1\n"
	    "T(Q\"uote;d)T(2026)B(1)EEEE|2\n");
	/* Exact values: as a JSON parser reads 67.9 and -0.25. */
	CHECK_EQ_INT(rows("a;b\r\n67,9;-0,25\r\n", &g), 2);
	/* voorlopig, the last column: "*" bare, or empty (ind_write.c). */
	CHECK_EQ_INT(rows("n;voorlopig\r\n3;*\r\n4;\r\n", &g), 3);
	CHECK_STR(g.out, "T(n)T(voorlopig)|0\nN(3/0)M|1\nN(4/0)E|2\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rows(bad[i], &g) != -1)
			fprintf(stderr, "bad case %zu\n", i);
		CHECK_EQ_INT(rows(bad[i], &g), -1);
	}
	CHECK_EQ_INT(rows("", &g), 0);
}

static double	seen_num;

static int
take_num(void *arg, long row, const struct ind_xfield *f, size_t n)
{
	(void)arg;
	if (row == 1 && n == 1)
		seen_num = f[0].num;
	return 0;
}

static void
test_exact(void)
{
	char	csv[] = "a\r\n67,9\r\n";

	CHECK_EQ_INT(ind_xlsx_rows(csv, strlen(csv), take_num, NULL), 2);
	CHECK(seen_num == 67.9);
}

/* A workbook from a small answer; the scratch folder stays empty. */
static void
test_write(void)
{
	static const char csv[] = "\xEF\xBB\xBF" "aanbieder;aanbieder_naam;"
	    "cluster;period;suppressed;n_clients;n;gas_t_mean;voorlopig\r\n"
	    "\"11110001\";\"Eén\";\"Amsterdam\";\"2025\";false;12;12;50,79;*"
	    "\r\n"
	    "\"11110004\";;\"Zaanstreek-Waterland\";\"2025\";true;;;;*\r\n"
	    "\"11110005\";;\"Amsterdam\";\"2025\";false;11;11;49,5;\r\n";
	struct ind_query q;
	char		 dir[] = "/tmp/test_ind_xlsx.XXXXXX", err[256];
	char		*out = NULL;
	size_t		 len = 0;
	DIR		*d;
	struct dirent	*de;
	int		 files = 0;

	memset(&q, 0, sizeof(q));
	q.kind = IND_DOELREALISATIE;
	q.by = IND_BY_AANBIEDER;
	q.period = IND_YEAR;
	q.from = 25 * 12;
	q.to = 25 * 12 + 11;
	q.csv = q.xlsx = 1;
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ_INT(ind_xlsx_write(dir, &q, 10, NULL, csv, sizeof(csv) - 1,
	    &out, &len, err, sizeof(err)), 0);
	CHECK(len > 1000);
	CHECK(out != NULL && memcmp(out, "PK\x03\x04", 4) == 0);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			files += de->d_name[0] != '.' ||
			    strlen(de->d_name) > 2;
		closedir(d);
	}
	CHECK_EQ_INT(files, 0);
	free(out);
	/* Not our CSV: refused, nothing written. */
	CHECK_EQ_INT(ind_xlsx_write(dir, &q, 10, NULL, "a;b\r\nx;y\r\n", 10,
	    &out, &len, err, sizeof(err)), -1);
	CHECK(out == NULL);
	rmdir(dir);
}

int
main(void)
{
	test_rows();
	test_exact();
	test_write();
	return test_done("ind_xlsx");
}

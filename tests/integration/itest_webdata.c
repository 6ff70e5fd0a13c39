/*
 * The web app's data routes (issue #13), against the real daemon over
 * TLS:
 *  - indicators as .xlsx (format=xlsx and the Accept type, bearer and
 *    session): read back with unzip, sheet by sheet, and compared with
 *    the JSON answer to the same query figure by figure; codes are text
 *    cells, suppressed figures ".", figures that cannot be computed "–";
 *    the columns are the CSV's; the query is audited as xlsx; nothing is
 *    left in the data folder;
 *  - POST /v1/scores as multipart/form-data: with the curl program (-F)
 *    and with libcurl's mime API, the same receipt as text/csv for the
 *    same file, the same 422 list, a body streamed in small chunks, every
 *    refusal (no file, two files, bad boundary, broken framing, wrong
 *    type) with its code, nothing stored on any refusal, CSRF for a
 *    browser session;
 *  - POST /v1/scores/handmatig: a good entry's receipt and, after the
 *    snapshot refresh, the figures it changes; each bad field with its
 *    code and "veld"; bad JSON and unknown keys; CSRF; nothing stored on
 *    any refusal;
 *  - finally the privacy scan: no identifier, file name or free text
 *    sent in any of these on disk or in the log.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "demo.h"
#include "harness.h"

#define A1	"11110001"	/* Amsterdam: 30 clients, has a name */
#define A4	"11110004"	/* Zaanstad: 4 clients, k - 1 */
#define A5	"11110005"	/* Diemen 5 and Uithoorn 2 */
#define A6	"11110006"	/* Amstelveen: 5 clients, k */
#define A7	"11110007"	/* Zaanstad: 6 clients beside A4 */
#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define Q_DOEL	"/v1/indicators/doelrealisatie?by=aanbieder&period=year&" \
	"from=2025-01&to=2025-12"
#define COOKIE_NAME	"__Host-sorttp="

static struct h_env	e;
static char		tok_a1[128], tok_a4[128], tok_an[128];
static char		tok_other[3][128];	/* A5, A6, A7 */

static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };

/* Identifiers and free text sent; none may reach disk or the log. */
static const char *secrets[64];
static size_t	nsecrets;

static void
secret(const char *s)
{
	if (nsecrets < sizeof(secrets) / sizeof(secrets[0]))
		secrets[nsecrets++] = strdup(s);
}

static long long
nscores(void)
{
	return h_db_count(&e, "SELECT count(*) FROM scores");
}

/* ------------------------------------------------------------------ */
/* Sessions, as a browser has them. */

struct sess {
	char	cookie[160];	/* "Cookie: __Host-sorttp=..." */
	char	csrf[96];	/* "X-CSRF-Token: ..." */
};

static void
login(const char *token, struct sess *s)
{
	struct h_resp	 r;
	const char	*p, *c;
	size_t		 n;

	memset(s, 0, sizeof(*s));
	h_request(&e, "POST", "/v1/session", token, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	if (r.status == 200 &&
	    (p = strstr(r.headers, "Set-Cookie: " COOKIE_NAME)) != NULL &&
	    (c = strstr(r.body, "\"csrf\":\"")) != NULL) {
		p += strlen("Set-Cookie: " COOKIE_NAME);
		n = strcspn(p, ";\r\n");
		snprintf(s->cookie, sizeof(s->cookie), "Cookie: %s%.*s",
		    COOKIE_NAME, (int)n, p);
		snprintf(s->csrf, sizeof(s->csrf), "X-CSRF-Token: %.64s",
		    c + 8);
	}
	h_resp_free(&r);
}

/* ------------------------------------------------------------------ */
/* Data. */

/*
 * n eind measurements of aanbieder agb in February 2025, one per client
 * from client number first on, in gemeente gem, or gem2 from row split
 * on (the other aanbieders of itest_indicators, so that A4's cell is the
 * one suppressed and the others can be shown).
 */
static void
uniform(const char *token, const char *agb, unsigned first, int n,
    const char *gem, int split, const char *gem2)
{
	struct h_resp	r;
	char		csv[4096], bsn[10];
	size_t		o;
	int		i;

	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1\n");
	for (i = 0; i < n; i++) {
		demo_bsn(0, first + (unsigned)i, bsn);
		secret(bsn);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%u;%s;%s;12-02-2025;eind;0\n", bsn,
		    710000 + first * 10 + (unsigned)i,
		    gem2 != NULL && i >= split ? gem2 : gem, agb);
	}
	h_request(&e, "POST", "/v1/scores", token, csv_hdr, csv, o, 0, &r);
	CHECK_EQ_INT(r.status, 201);
	h_resp_free(&r);
}

/*
 * A1: 30 clients in Amsterdam with an eind measurement on 10 February
 * 2025, goals 1;0;-1, probleemafname 1 for 2 and 3 for 28, zonder hulp
 * verder "ja" for 27 and "nee" for 3 (below k = 5: those shares cannot be
 * shown, "–"). A4: 4
 * clients in Zaanstad (k - 1: the cell is suppressed, ".").
 */
static void
send_scores(void)
{
	struct h_resp	r;
	char		csv[8192], bsn[10];
	size_t		o;
	int		i;

	o = (size_t)snprintf(csv, sizeof(csv), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment;gas_1;gas_2;gas_3;"
	    "probleemafname;zonder_hulp_verder\n");
	for (i = 0; i < 30; i++) {
		demo_bsn(0, (unsigned)(1 + i), bsn);
		secret(bsn);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%s;%d;0363;" A1 ";10-02-2025;eind;1;0;-1;%s;%s\n", bsn,
		    700001 + i, i < 2 ? "1" : "3", i < 27 ? "ja" : "nee");
	}
	h_request(&e, "POST", "/v1/scores", tok_a1, csv_hdr, csv, o, 0, &r);
	CHECK_EQ_INT(r.status, 201);
	h_resp_free(&r);
	uniform(tok_a4, A4, 101, 4, "0479", 0, NULL);
	uniform(tok_other[0], A5, 201, 7, "0384", 5, "0451");
	uniform(tok_other[1], A6, 301, 5, "0362", 0, NULL);
	uniform(tok_other[2], A7, 311, 6, "0479", 0, NULL);
}

static cJSON *
get_json(const char *token, const char *path)
{
	struct h_resp	 r;
	cJSON		*j = NULL;

	h_request(&e, "GET", path, token, NULL, NULL, 0, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	if (r.status == 200)
		j = cJSON_Parse(r.body);
	h_resp_free(&r);
	return j;
}

/* A1's own cell of Q_DOEL: its "n" (-1 when missing or hidden). */
static double
a1_n(void)
{
	cJSON	*j = get_json(tok_an, Q_DOEL), *c, *v;
	double	 n = -1;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "cells")) {
		v = cJSON_GetObjectItem(c, "aanbieder");
		if (cJSON_IsString(v) && strcmp(v->valuestring, A1) == 0 &&
		    cJSON_IsNumber(cJSON_GetObjectItem(c, "n")))
			n = cJSON_GetObjectItem(c, "n")->valuedouble;
	}
	cJSON_Delete(j);
	return n;
}

/* Waits for the answers to show A1's n. */
static double
a1_wait(double want)
{
	double	n = -1;
	int	tries;

	for (tries = 0; tries < 300; tries++) {
		if ((n = a1_n()) == want)
			break;
		usleep(100 * 1000);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Reading a workbook back: unzip, and the two XML parts that matter. */

/* The output of a shell command, NUL-terminated; NULL on failure. */
static char *
command(const char *cmd)
{
	FILE	*f;
	char	*p = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4097) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(p, cap)) == NULL)
				break;
		}
		if ((n = fread(p + len, 1, cap - len - 1, f)) == 0)
			break;
		len += n;
	}
	if (pclose(f) != 0 && p != NULL) {
		free(p);
		return NULL;
	}
	if (p != NULL)
		p[len] = '\0';
	return p;
}

static char *
unzip_part(const char *file, const char *part)
{
	char	cmd[H_PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", file, part);
	return command(cmd);
}

/* XML text with the five predefined entities resolved, in place. */
static void
unescape(char *s)
{
	static const struct { const char *ent; char c; } t[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' } };
	char	*w = s;
	size_t	 i;

	while (*s != '\0') {
		for (i = 0; i < 5; i++)
			if (strncmp(s, t[i].ent, strlen(t[i].ent)) == 0)
				break;
		if (i < 5) {
			*w++ = t[i].c;
			s += strlen(t[i].ent);
		} else
			*w++ = *s++;
	}
	*w = '\0';
}

#define SST_MAX		4096
#define CELLS_MAX	4096

struct xcell {
	int	 row, col;	/* 1-based row, 0-based column */
	char	 t;		/* 's' string, 'b' boolean, 'n' number */
	char	*s;
	double	 v;
};

struct book {
	char		*sst[SST_MAX];
	size_t		 nsst;
	struct xcell	 c[CELLS_MAX];
	size_t		 n;
	int		 rows;
	char		*sheets;	/* workbook.xml */
	char		*sheet2;	/* the Toelichting, strings resolved */
};

static void
read_sst(struct book *b, char *xml)
{
	char	*p = xml, *t, *end;

	while (p != NULL && (p = strstr(p, "<si>")) != NULL &&
	    b->nsst < SST_MAX) {
		if ((t = strstr(p, "<t")) == NULL ||
		    (t = strchr(t, '>')) == NULL ||
		    (end = strstr(t, "</t>")) == NULL)
			break;
		*end = '\0';
		b->sst[b->nsst] = strdup(t + 1);
		unescape(b->sst[b->nsst++]);
		p = end + 1;
	}
}

static int
read_sheet(struct book *b, char *xml)
{
	char	*p = xml, *q, *v, *tag_end;
	int	 col, row;

	while ((p = strstr(p, "<c r=\"")) != NULL && b->n < CELLS_MAX) {
		struct xcell	*x = &b->c[b->n];

		p += 6;
		for (col = 0; *p >= 'A' && *p <= 'Z'; p++)
			col = col * 26 + (*p - 'A' + 1);
		row = (int)strtol(p, &q, 10);
		if ((tag_end = strchr(q, '>')) == NULL)
			return -1;
		x->row = row;
		x->col = col - 1;
		x->t = 'n';
		if ((v = strstr(q, " t=\"")) != NULL && v < tag_end)
			x->t = v[4];
		if (tag_end[-1] == '/') {	/* empty, styled */
			p = tag_end;
			continue;
		}
		if ((v = strstr(tag_end, "<v>")) == NULL)
			return -1;
		x->v = strtod(v + 3, NULL);
		if (x->t == 's') {
			if ((size_t)x->v >= b->nsst)
				return -1;
			x->s = b->sst[(size_t)x->v];
		}
		if (row > b->rows)
			b->rows = row;
		b->n++;
		p = v;
	}
	return 0;
}

static const struct xcell *
book_cell(const struct book *b, int row, int col)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		if (b->c[i].row == row && b->c[i].col == col)
			return &b->c[i];
	return NULL;
}

static void
book_free(struct book *b)
{
	size_t	i;

	for (i = 0; i < b->nsst; i++)
		free(b->sst[i]);
	free(b->sheets);
	free(b->sheet2);
	memset(b, 0, sizeof(*b));
}

/* Writes body to root/name and reads the workbook back into b. */
static int
book_read(const char *body, size_t len, const char *name, struct book *b)
{
	char	 path[H_PATH_MAX];
	char	*sst, *s1;
	FILE	*f;
	size_t	 i;

	memset(b, 0, sizeof(*b));
	h_path(&e, path, sizeof(path), name);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fwrite(body, 1, len, f);
	fclose(f);
	sst = unzip_part(path, "xl/sharedStrings.xml");
	s1 = unzip_part(path, "xl/worksheets/sheet1.xml");
	b->sheets = unzip_part(path, "xl/workbook.xml");
	b->sheet2 = unzip_part(path, "xl/worksheets/sheet2.xml");
	if (sst == NULL || s1 == NULL || b->sheets == NULL ||
	    b->sheet2 == NULL) {
		free(sst);
		free(s1);
		return -1;
	}
	read_sst(b, sst);
	if (read_sheet(b, s1) == -1) {
		free(sst);
		free(s1);
		return -1;
	}
	/* The Toelichting's strings, joined, for a search. */
	{
		size_t	 cap = 1;
		char	*all;

		for (i = 0; i < b->nsst; i++)
			cap += strlen(b->sst[i]) + 1;
		if ((all = calloc(1, cap)) != NULL)
			for (i = 0; i < b->nsst; i++) {
				strncat(all, b->sst[i], cap - strlen(all) - 1);
				strncat(all, "\n", cap - strlen(all) - 1);
			}
		free(b->sheet2);
		b->sheet2 = all;
	}
	free(sst);
	free(s1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Comparing a workbook with the JSON answer. */

/* The JSON value a CSV column holds: top level, in values, or nested. */
static const cJSON *
json_field(const cJSON *cell, const char *h)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(cell, "values");
	char		 k[2];

	if (cJSON_HasObjectItem(cell, h))
		return cJSON_GetObjectItemCaseSensitive(cell, h);
	if (cJSON_HasObjectItem(v, h))
		return cJSON_GetObjectItemCaseSensitive(v, h);
	if (strncmp(h, "probleemafname_", 15) == 0 && strlen(h) == 20) {
		k[0] = h[15];
		k[1] = '\0';
		return cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(v, "probleemafname"), k);
	}
	return NULL;
}

/*
 * Every JSON cell against its row, every column against its field.
 * Returns the figures compared; counts the "." and "–" seen.
 */
static int
compare(const struct book *b, const cJSON *answer, const char *csv_head,
    int *dots, int *dashes, int *texts)
{
	const cJSON		*cells = cJSON_GetObjectItem(answer, "cells");
	const cJSON		*cell, *v;
	const struct xcell	*x, *hx;
	char			 head[64][48];
	int			 ncols = 0, row, col, figures = 0, sup, verg;
	int			 col_sup = -1;
	const char		*p = csv_head;
	size_t			 n;

	/* The header: the CSV's, in its order. */
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p != '\0' && *p != '\r' && ncols < 64) {
		n = strcspn(p, ";\r");
		snprintf(head[ncols], sizeof(head[0]), "%.*s", (int)n, p);
		hx = book_cell(b, 1, ncols);
		CHECK(hx != NULL && hx->t == 's');
		if (hx != NULL && hx->t == 's')
			CHECK_STR(hx->s, head[ncols]);
		if (strcmp(head[ncols], "suppressed") == 0)
			col_sup = ncols;
		ncols++;
		p += n;
		if (*p == ';')
			p++;
	}
	CHECK(col_sup > 0);
	CHECK(book_cell(b, 1, ncols) == NULL);
	CHECK_EQ_INT(b->rows, cJSON_GetArraySize(cells) + 1);
	row = 2;
	cJSON_ArrayForEach(cell, cells) {
		sup = cJSON_IsTrue(cJSON_GetObjectItem(cell, "suppressed"));
		verg = cJSON_IsTrue(cJSON_GetObjectItem(cell,
		    "vergelijking"));
		for (col = 0; col < ncols; col++) {
			v = json_field(cell, head[col]);
			x = book_cell(b, row, col);
			/* The CSV says false where JSON leaves it out. */
			if (v == NULL && strcmp(head[col], "vergelijking") == 0)
				v = cJSON_CreateFalse();
			else if (v != NULL)
				v = cJSON_Duplicate(v, 0);
			if (strcmp(head[col], "voorlopig") == 0) {
				/* As the CSV: "*" as text, or no cell (CBS). */
				if (cJSON_IsTrue(v)) {
					CHECK(x != NULL && x->t == 's');
					if (x != NULL && x->t == 's')
						CHECK_STR(x->s, "*");
				} else
					CHECK(x == NULL);
			} else if (cJSON_IsString(v)) {
				/* Codes and names: text cells, as is. */
				CHECK(x != NULL && x->t == 's');
				if (x != NULL && x->t == 's')
					CHECK_STR(x->s, v->valuestring);
				(*texts)++;
			} else if (cJSON_IsBool(v)) {
				CHECK(x != NULL && x->t == 'b');
				if (x != NULL)
					CHECK_EQ_INT(x->v, cJSON_IsTrue(v));
			} else if (cJSON_IsNumber(v)) {
				CHECK(x != NULL && x->t == 'n');
				if (x != NULL && fabs(x->v - v->valuedouble) >
				    1e-9) {
					fprintf(stderr, "row %d %s: %g != %g\n",
					    row, head[col], x->v,
					    v->valuedouble);
					CHECK(0);
				}
				figures++;
			} else if (col > col_sup && (verg || strcmp(head[col],
			    "n_aanbieders") != 0)) {
				/* null or absent: "." or "–" as text. */
				CHECK(x != NULL && x->t == 's');
				if (x != NULL && x->t == 's') {
					CHECK_STR(x->s, sup ? "." :
					    "\xE2\x80\x93");
					if (sup)
						(*dots)++;
					else
						(*dashes)++;
				}
			} else
				CHECK(x == NULL);	/* a code left out */
			cJSON_Delete((cJSON *)(uintptr_t)v);
		}
		row++;
	}
	return figures;
}

/* GET path with extra headers; the whole response. */
static void
fetch(const char *token, const char *path, const char *h1, const char *h2,
    struct h_resp *r)
{
	const char	*hdr[3] = { h1, h2, NULL };

	h_request(&e, "GET", path, token, h1 != NULL ? hdr : NULL, NULL, 0, 0,
	    r);
}

static void
check_book(const char *token, const char *what, int want_figures,
    int want_dots, int want_dashes)
{
	struct h_resp	 r, rc;
	struct book	 b;
	cJSON		*j;
	int		 dots = 0, dashes = 0, texts = 0, figures;
	char		 name[64];

	fetch(token, Q_DOEL "&format=xlsx", NULL, NULL, &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.headers, "Content-Type: " XLSX_TYPE) != NULL);
	CHECK(strstr(r.headers, "Content-Disposition: attachment; filename=\""
	    "doelrealisatie_per_aanbieder_per_jaar_2025-01_tot_2025-12.xlsx\"")
	    != NULL);
	CHECK(r.len > 2000 && memcmp(r.body, "PK\x03\x04", 4) == 0);
	fetch(token, Q_DOEL "&format=csv", NULL, NULL, &rc);
	CHECK_EQ_INT(rc.status, 200);
	j = get_json(token, Q_DOEL);
	snprintf(name, sizeof(name), "%s.xlsx", what);
	CHECK_EQ_INT(book_read(r.body, r.len, name, &b), 0);
	CHECK(strstr(b.sheets, "<sheet name=\"Cijfers\"") != NULL);
	CHECK(strstr(b.sheets, "<sheet name=\"Toelichting\"") != NULL);
	CHECK(strstr(b.sheet2, "afgeschermd: te weinig cliënten") != NULL);
	CHECK(strstr(b.sheet2, "niet te berekenen") != NULL);
	CHECK(strstr(b.sheet2, "gemiddelde GAS T-score") != NULL);
	figures = compare(&b, j, rc.body, &dots, &dashes, &texts);
	printf("xlsx %s: %d figures, %d texts, %d '.', %d '–' compared\n",
	    what, figures, texts, dots, dashes);
	CHECK(figures >= want_figures);
	CHECK(dots >= want_dots);
	CHECK(dashes >= want_dashes);
	CHECK(texts >= 4);
	book_free(&b);
	cJSON_Delete(j);
	h_resp_free(&r);
	h_resp_free(&rc);
}

static void
test_xlsx(void)
{
	struct h_resp	 r1, r2;
	struct book	 b1, b2;
	struct sess	 s;
	const struct xcell *x;
	char		 dir[H_PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	int		 stray = 0, i;
	long long	 audits;

	audits = h_db_count(&e, "SELECT count(*) FROM audit WHERE action = "
	    "'indicator_query' AND detail LIKE '%format=xlsx%'");
	/* The analist: A1 in full, A4 suppressed. */
	check_book(tok_an, "analist", 10, 8, 3);
	/* The aanbieder: its own beside the vergelijking of its cluster. */
	check_book(tok_a1, "aanbieder", 5, 0, 3);
	/* Each download and its JSON twin were audited: two as xlsx. */
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action "
	    "= 'indicator_query' AND detail LIKE '%format=xlsx%'"),
	    audits + 2);

	/* The Accept type, and a browser session, give the same sheet. */
	fetch(tok_an, Q_DOEL, "Accept: " XLSX_TYPE, NULL, &r1);
	CHECK_EQ_INT(r1.status, 200);
	CHECK(strstr(r1.headers, "Content-Type: " XLSX_TYPE) != NULL);
	login(tok_an, &s);
	fetch(NULL, Q_DOEL "&format=xlsx", s.cookie, NULL, &r2);
	CHECK_EQ_INT(r2.status, 200);
	CHECK_EQ_INT(book_read(r1.body, r1.len, "accept.xlsx", &b1), 0);
	CHECK_EQ_INT(book_read(r2.body, r2.len, "session.xlsx", &b2), 0);
	CHECK_EQ_INT(b1.n, b2.n);
	for (i = 0; i < (int)b1.n && i < (int)b2.n; i++)
		CHECK(b1.c[i].t == b2.c[i].t && b1.c[i].v == b2.c[i].v);
	/* Codes are text: the AGB and period, never numbers or dates. */
	x = book_cell(&b1, 2, 0);
	CHECK(x != NULL && x->t == 's' && strcmp(x->s, A1) == 0);
	book_free(&b1);
	book_free(&b2);
	h_resp_free(&r1);
	h_resp_free(&r2);

	/* format= wins over Accept; an unknown format is refused. */
	fetch(tok_an, Q_DOEL "&format=json", "Accept: " XLSX_TYPE, NULL, &r1);
	CHECK(r1.status == 200 && r1.body[0] == '{');
	h_resp_free(&r1);
	fetch(tok_an, Q_DOEL "&format=xls", NULL, NULL, &r1);
	CHECK_EQ_INT(r1.status, 400);
	CHECK(strstr(r1.body, "bad_parameter") != NULL);
	CHECK(strstr(r1.body, "xlsx") != NULL);
	h_resp_free(&r1);
	/* The scope holds for a workbook too. */
	fetch(tok_a1, Q_DOEL "&aanbieder=" A4 "&format=xlsx", NULL, NULL, &r1);
	CHECK_EQ_INT(r1.status, 403);
	h_resp_free(&r1);

	/* Nothing stays behind in the data folder. */
	snprintf(dir, sizeof(dir), "%s", e.data);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strncmp(de->d_name, "tmp", 3) == 0 ||
			    strstr(de->d_name, "xlsx") != NULL) {
				fprintf(stderr, "left behind: %s\n",
				    de->d_name);
				stray++;
			}
		closedir(d);
	}
	CHECK_EQ_INT(stray, 0);
}

/* ------------------------------------------------------------------ */
/* multipart/form-data uploads. */

struct part {
	const char	*name;
	const char	*filename;	/* NULL: a plain field */
	const char	*data;
};

/* POST /v1/scores with libcurl's mime API, over the verified TLS. */
static long
post_mime(const char *token, const struct sess *s, int with_csrf,
    const struct part *parts, size_t nparts, char **body)
{
	struct curl_slist	*hl = NULL;
	curl_mime		*mime;
	curl_mimepart		*mp;
	CURL			*c;
	FILE			*out;
	char			*buf = NULL, url[256], cafile[H_PATH_MAX + 16];
	char			 auth[256];
	size_t			 blen = 0, i;
	long			 status = 0;

	if ((c = curl_easy_init()) == NULL)
		return 0;
	snprintf(url, sizeof(url), "%s/v1/scores", e.url);
	snprintf(cafile, sizeof(cafile), "%s/tls/cert.pem", e.data);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    token);
		hl = curl_slist_append(hl, auth);
	}
	if (s != NULL) {
		hl = curl_slist_append(hl, s->cookie);
		if (with_csrf)
			hl = curl_slist_append(hl, s->csrf);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	mime = curl_mime_init(c);
	for (i = 0; i < nparts; i++) {
		mp = curl_mime_addpart(mime);
		curl_mime_name(mp, parts[i].name);
		curl_mime_data(mp, parts[i].data, CURL_ZERO_TERMINATED);
		if (parts[i].filename != NULL) {
			curl_mime_filename(mp, parts[i].filename);
			curl_mime_type(mp, "text/csv");
		}
	}
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	out = open_memstream(&buf, &blen);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	fclose(out);
	curl_mime_free(mime);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	if (body != NULL)
		*body = buf;
	else
		free(buf);
	return status;
}

/* The value of "key":"..." in a flat JSON answer. */
static void
json_str(const char *json, const char *key, char *out, size_t len)
{
	cJSON	*j = cJSON_Parse(json);
	cJSON	*v = cJSON_GetObjectItem(j, key);

	snprintf(out, len, "%s", cJSON_IsString(v) ? v->valuestring : "");
	cJSON_Delete(j);
}

static void
test_form(void)
{
	static const char good_name[] = "scores_familie_Jansen.csv";
	char		 good[2048], bad[1024], bsn[10], path[H_PATH_MAX];
	char		 cmd[H_PATH_MAX * 3], sha_form[80], sha_csv[80];
	char		*body = NULL, *out, big_part[256];
	struct h_resp	 r;
	struct sess	 s;
	struct buf_s { char *p; size_t len; } big;
	long long	 before;
	size_t		 o, i;
	long		 st;

	secret("Jansen");
	secret("Pietje Puk");
	o = (size_t)snprintf(good, sizeof(good), "bsn;toewijzingnummer;"
	    "gemeente;agb;meetdatum;meetmoment\r\n");
	for (i = 0; i < 3; i++) {
		demo_bsn(0, 201 + i, bsn);
		secret(bsn);
		o += (size_t)snprintf(good + o, sizeof(good) - o,
		    "%s;%zu;0363;" A1 ";01-03-2025;begin\r\n", bsn,
		    720001 + i);
	}
	demo_bsn(0, 211, bsn);
	secret(bsn);
	snprintf(bad, sizeof(bad), "bsn;toewijzingnummer;gemeente;agb;"
	    "meetdatum;meetmoment\r\n%s;7x;0363;" A1 ";31-02-2025;later\r\n"
	    "123456789;720101;9999;" A4 ";01-03-2025;eind\r\n", bsn);

	/* The curl program, -F as a user types it: 201. */
	h_path(&e, path, sizeof(path), good_name);
	h_write_file(path, good, 0600);
	before = nscores();
	snprintf(cmd, sizeof(cmd), "curl -sS --cacert '%s/tls/cert.pem' "
	    "-H 'Authorization: Bearer %s' -F 'opmerking=Pietje Puk' "
	    "-F 'bestand=@%s;type=text/csv' '%s/v1/scores'", e.data, tok_a1,
	    path, e.url);
	out = command(cmd);
	CHECK(out != NULL && strstr(out, "\"upload_id\":\"u_") != NULL);
	CHECK(out != NULL && strstr(out, "\"rows\":3") != NULL);
	CHECK(out != NULL && strstr(out, "\"duplicate\":false") != NULL);
	json_str(out != NULL ? out : "{}", "sha256", sha_form,
	    sizeof(sha_form));
	free(out);
	CHECK_EQ_INT(nscores(), before + 3);
	/* The same bytes as text/csv: the same file, the same receipt. */
	h_request(&e, "POST", "/v1/scores", tok_a1, csv_hdr, good, o, 0, &r);
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"duplicate\":true") != NULL);
	json_str(r.body, "sha256", sha_csv, sizeof(sha_csv));
	CHECK_STR(sha_form, sha_csv);
	CHECK(strlen(sha_csv) == 64);
	h_resp_free(&r);

	/* libcurl mime, a file with errors: the same 422 as text/csv. */
	{
		struct part p[] = { { "bestand", "fout.csv", bad } };

		before = nscores();
		st = post_mime(tok_a1, NULL, 0, p, 1, &body);
		CHECK_EQ_INT(st, 422);
		h_request(&e, "POST", "/v1/scores", tok_a1, csv_hdr, bad,
		    strlen(bad), 0, &r);
		CHECK_EQ_INT(r.status, 422);
		CHECK(body != NULL && strcmp(body, r.body) == 0);
		CHECK(strstr(r.body, "\"code\":\"datum_ongeldig\"") != NULL);
		CHECK(strstr(r.body, "\"code\":\"agb_niet_eigen\"") != NULL);
		h_resp_free(&r);
		free(body);
		CHECK_EQ_INT(nscores(), before);
	}
	/* Fields around the file are read past and dropped. */
	{
		char	 one[512];
		struct part p[] = { { "a", NULL, "x" },
		    { "bestand", "b.csv", one }, { "z", NULL, "Pietje Puk" } };

		demo_bsn(0, 221, bsn);
		secret(bsn);
		snprintf(one, sizeof(one), "bsn;toewijzingnummer;gemeente;agb;"
		    "meetdatum;meetmoment\r\n%s;720201;0363;" A1 ";01-03-2025;"
		    "begin\r\n", bsn);
		before = nscores();
		CHECK_EQ_INT(post_mime(tok_a1, NULL, 0, p, 3, NULL), 201);
		CHECK_EQ_INT(nscores(), before + 1);
	}
	/* Refusals, each with its code; nothing stored. */
	before = nscores();
	{
		struct part two[] = { { "bestand", "a.csv", good },
		    { "ander", "b.csv", good } };
		struct part none[] = { { "bestand", NULL, good } };
		struct part empty_name[] = { { "bestand", "", good } };

		CHECK_EQ_INT(post_mime(tok_a1, NULL, 0, two, 2, &body), 400);
		CHECK(body != NULL && strstr(body,
		    "\"error\":\"meer_dan_een_bestand\"") != NULL);
		free(body);
		CHECK_EQ_INT(post_mime(tok_a1, NULL, 0, none, 1, &body), 400);
		CHECK(body != NULL && strstr(body,
		    "\"error\":\"geen_bestand\"") != NULL);
		free(body);
		/* A file input left empty sends filename="": no file. */
		CHECK_EQ_INT(post_mime(tok_a1, NULL, 0, empty_name, 1, &body),
		    400);
		CHECK(body != NULL && strstr(body,
		    "\"error\":\"geen_bestand\"") != NULL);
		free(body);
	}
	{
		static const char *const nob[] = {
			"Content-Type: multipart/form-data", NULL };
		static const char *const bnd[] = {
			"Content-Type: multipart/form-data; boundary=xyz",
			NULL };
		static const char *const xml[] = {
			"Content-Type: application/xml", NULL };
		static const char trunc[] = "--xyz\r\nContent-Disposition: "
		    "form-data; name=\"f\"; filename=\"a.csv\"\r\n\r\nbsn;";
		static const char badhdr[] = "--xyz\r\nContent-Disposition: "
		    "attachment\r\n\r\nx\r\n--xyz--\r\n";

		h_request(&e, "POST", "/v1/scores", tok_a1, nob, good, o, 0,
		    &r);
		CHECK_EQ_INT(r.status, 400);
		CHECK(strstr(r.body, "\"error\":\"multipart_boundary\"") !=
		    NULL);
		h_resp_free(&r);
		h_request(&e, "POST", "/v1/scores", tok_a1, bnd, trunc,
		    strlen(trunc), 0, &r);
		CHECK_EQ_INT(r.status, 400);
		CHECK(strstr(r.body, "\"error\":\"formulier_ongeldig\"") !=
		    NULL);
		h_resp_free(&r);
		h_request(&e, "POST", "/v1/scores", tok_a1, bnd, badhdr,
		    strlen(badhdr), 0, &r);
		CHECK_EQ_INT(r.status, 400);
		CHECK(strstr(r.body, "\"error\":\"formulier_ongeldig\"") !=
		    NULL);
		h_resp_free(&r);
		h_request(&e, "POST", "/v1/scores", tok_a1, xml, good, o, 0,
		    &r);
		CHECK_EQ_INT(r.status, 415);
		CHECK(strstr(r.body, "text/csv") != NULL);
		CHECK(strstr(r.body, "multipart/form-data") != NULL);
		h_resp_free(&r);
	}
	CHECK_EQ_INT(nscores(), before);

	/*
	 * Streamed: a 3 MB file in a form, sent in chunks of 1000 bytes (no
	 * Content-Length), so delimiters and rows straddle the chunks.
	 */
	{
		static const char *const bnd[] = {
			"Content-Type: multipart/form-data; "
			"boundary=----sorttp-test", NULL };
		size_t	 rows = 0;

		big.len = 0;
		big.p = malloc(4 * 1024 * 1024);
		o = (size_t)snprintf(big_part, sizeof(big_part),
		    "------sorttp-test\r\nContent-Disposition: form-data; "
		    "name=\"bestand\"; filename=\"groot.csv\"\r\nContent-Type: "
		    "text/csv\r\n\r\n");
		memcpy(big.p, big_part, o);
		big.len = o;
		big.len += (size_t)snprintf(big.p + big.len, 128, "bsn;"
		    "toewijzingnummer;gemeente;agb;meetdatum;meetmoment\r\n");
		while (big.len < 3 * 1024 * 1024) {
			demo_bsn(0, 10000 + rows, bsn);
			big.len += (size_t)snprintf(big.p + big.len, 128,
			    "%s;%zu;0479;" A1 ";01-04-2025;begin\r\n", bsn,
			    730000 + rows);
			rows++;
		}
		big.len += (size_t)snprintf(big.p + big.len, 64,
		    "\r\n------sorttp-test--\r\n");
		before = nscores();
		h_request_stream(&e, "POST", "/v1/scores", tok_a1, bnd, big.p,
		    big.len, 1000, 0, &r);
		CHECK_EQ_INT(r.status, 201);
		CHECK_EQ_INT(nscores(), before + (long long)rows);
		printf("form upload streamed: %zu rows, %zu bytes\n", rows,
		    big.len);
		h_resp_free(&r);
		free(big.p);
	}

	/* A browser session: the CSRF token is required. */
	login(tok_a1, &s);
	{
		char	 one[512];
		struct part p[] = { { "bestand", "c.csv", one } };

		demo_bsn(0, 231, bsn);
		secret(bsn);
		snprintf(one, sizeof(one), "bsn;toewijzingnummer;gemeente;agb;"
		    "meetdatum;meetmoment\r\n%s;720301;0363;" A1 ";01-03-2025;"
		    "begin\r\n", bsn);
		before = nscores();
		CHECK_EQ_INT(post_mime(NULL, &s, 0, p, 1, &body), 403);
		CHECK(body != NULL && strstr(body, "csrf_ongeldig") != NULL);
		free(body);
		CHECK_EQ_INT(nscores(), before);
		CHECK_EQ_INT(post_mime(NULL, &s, 1, p, 1, NULL), 201);
		CHECK_EQ_INT(nscores(), before + 1);
	}
}

/* ------------------------------------------------------------------ */
/* Manual entry. */

static long
handmatig(const char *token, const struct sess *s, int with_csrf,
    const char *json, char **body)
{
	const char	*hdr[4] = { "Content-Type: application/json", NULL,
			    NULL, NULL };
	struct h_resp	 r;
	long		 st;

	if (s != NULL) {
		hdr[1] = s->cookie;
		hdr[2] = with_csrf ? s->csrf : NULL;
	}
	h_request(&e, "POST", "/v1/scores/handmatig", token, hdr, json,
	    strlen(json), 0, &r);
	st = r.status;
	if (body != NULL) {
		*body = r.body;
		r.body = NULL;
	}
	h_resp_free(&r);
	return st;
}

/* An entry of client n with one field replaced (or left out: value NULL). */
static void
entry(char *out, size_t len, unsigned n, const char *meetmoment,
    const char *field, const char *value)
{
	static const char *const keys[] = { "bsn", "toewijzingnummer",
	    "gemeente", "meetdatum", "meetmoment", "gas_1", "gewicht_1",
	    "probleemafname", "zonder_hulp_verder", "productcategorie",
	    "geboortedatum", "geslacht", "agb" };
	char		 bsn[10], toew[16];
	const char	*vals[13];
	size_t		 o, i;

	demo_bsn(0, n, bsn);
	snprintf(toew, sizeof(toew), "%u", 740000 + n);
	vals[0] = bsn;
	vals[1] = toew;
	vals[2] = "0363";
	vals[3] = "01-03-2025";
	vals[4] = meetmoment;
	vals[5] = "1";
	vals[6] = "2";
	vals[7] = "3";
	vals[8] = "ja";
	vals[9] = "45";
	vals[10] = "01-05-2012";
	vals[11] = "1";
	vals[12] = "";
	o = (size_t)snprintf(out, len, "{");
	for (i = 0; i < 13; i++) {
		const char *v = field != NULL && strcmp(field, keys[i]) == 0 ?
		    value : vals[i];

		if (v == NULL)
			continue;
		o += (size_t)snprintf(out + o, len - o, "%s\"%s\": \"%s\"",
		    o > 1 ? ", " : "", keys[i], v);
	}
	snprintf(out + o, len - o, "}");
	secret(bsn);
	secret(toew);
}

static void
test_handmatig(void)
{
	static const struct {
		const char	*field, *value, *code, *veld, *moment;
	} bad[] = {
		{ "bsn", "123456789", "bsn_elfproef", "bsn", "eind" },
		{ "bsn", NULL, "waarde_ontbreekt", "bsn", "eind" },
		{ "toewijzingnummer", "12a", "toewijzingnummer_ongeldig",
		    "toewijzingnummer", "eind" },
		{ "gemeente", "9999", "gemeente_onbekend", "gemeente", "eind" },
		{ "agb", A4, "agb_niet_eigen", "agb", "eind" },
		{ "meetdatum", "31-02-2025", "datum_ongeldig", "meetdatum",
		    "eind" },
		{ "meetdatum", "01-01-2099", "datum_in_toekomst", "meetdatum",
		    "eind" },
		{ "meetmoment", "later", "meetmoment_ongeldig", "meetmoment",
		    NULL },
		{ "gas_1", "3", "gas_ongeldig", "gas_1", "eind" },
		{ "gas_1", "", "eind_zonder_doelen", "gas_1", "eind" },
		{ "gewicht_1", "11", "gewicht_ongeldig", "gewicht_1", "eind" },
		{ "probleemafname", "4", "probleemafname_ongeldig",
		    "probleemafname", "eind" },
		{ "zonder_hulp_verder", "misschien", "zonder_hulp_ongeldig",
		    "zonder_hulp_verder", "eind" },
		{ "productcategorie", "99", "productcategorie_ongeldig",
		    "productcategorie", "eind" },
		{ "geboortedatum", "01-06-2025", "geboortedatum_na_meetdatum",
		    "geboortedatum", "eind" },
		{ "geslacht", "5", "geslacht_ongeldig", "geslacht", "eind" },
	};
	char		 json[1024], *body;
	struct sess	 s;
	long long	 before;
	cJSON		*j, *err0;
	size_t		 i;
	long		 st;
	double		 n0;

	n0 = a1_wait(30);
	CHECK(n0 == 30);
	login(tok_a1, &s);
	before = nscores();

	/* Without the CSRF token a session may not enter anything. */
	entry(json, sizeof(json), 301, "eind", NULL, NULL);
	CHECK_EQ_INT(handmatig(NULL, &s, 0, json, &body), 403);
	CHECK(strstr(body, "csrf_ongeldig") != NULL);
	free(body);
	CHECK_EQ_INT(nscores(), before);

	/* A good entry: the receipt of an upload of one row. */
	CHECK_EQ_INT(handmatig(NULL, &s, 1, json, &body), 201);
	j = cJSON_Parse(body);
	CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "upload_id")));
	CHECK_EQ_INT(cJSON_GetObjectItem(j, "rows") != NULL ?
	    cJSON_GetObjectItem(j, "rows")->valueint : -1, 1);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "duplicate")));
	CHECK(cJSON_GetObjectItem(j, "sha256") == NULL);
	cJSON_Delete(j);
	free(body);
	CHECK_EQ_INT(nscores(), before + 1);
	/* The very same entry again: the first receipt, nothing doubled. */
	CHECK_EQ_INT(handmatig(NULL, &s, 1, json, &body), 200);
	CHECK(strstr(body, "\"duplicate\":true") != NULL);
	free(body);
	CHECK_EQ_INT(nscores(), before + 1);
	/* After the refresh it is in A1's figures (the default AGB). */
	CHECK(a1_wait(31) == 31);
	/* A bearer token needs no CSRF token. */
	entry(json, sizeof(json), 302, "begin", NULL, NULL);
	CHECK_EQ_INT(handmatig(tok_a1, NULL, 0, json, NULL), 201);
	before = nscores();

	/* Each bad field: 422, its code and veld, nothing stored. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		entry(json, sizeof(json), 400 + (unsigned)i, bad[i].moment !=
		    NULL ? bad[i].moment : "eind", bad[i].field, bad[i].value);
		st = handmatig(NULL, &s, 1, json, &body);
		CHECK_EQ_INT(st, 422);
		j = cJSON_Parse(body);
		err0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "errors"), 0);
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j,
		    "errors")), 1);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(err0,
		    "code")), bad[i].code);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(err0,
		    "veld")), bad[i].veld);
		if (st != 422 || j == NULL)
			fprintf(stderr, "case %s: %s\n", bad[i].code, body);
		cJSON_Delete(j);
		free(body);
	}
	/* 400: not JSON, unknown key, not a string, wrong type. */
	CHECK_EQ_INT(handmatig(NULL, &s, 1, "{\"bsn\": ", &body), 400);
	CHECK(strstr(body, "\"error\":\"invoer_ongeldig\"") != NULL);
	free(body);
	CHECK_EQ_INT(handmatig(NULL, &s, 1, "{\"naam\": \"Pietje Puk\"}",
	    &body), 400);
	CHECK(strstr(body, "\"error\":\"veld_onbekend\"") != NULL);
	CHECK(strstr(body, "naam") == NULL && strstr(body, "Pietje") == NULL);
	free(body);
	CHECK_EQ_INT(handmatig(NULL, &s, 1, "{\"gas_1\": 1}", &body), 400);
	CHECK(strstr(body, "\"veld\":\"gas_1\"") != NULL);
	free(body);
	{
		const char	*hdr[] = { "Content-Type: text/csv", s.cookie,
				    s.csrf, NULL };
		struct h_resp	 r;

		h_request(&e, "POST", "/v1/scores/handmatig", NULL, hdr, "{}",
		    2, 0, &r);
		CHECK_EQ_INT(r.status, 415);
		CHECK(strstr(r.body, "application/json") != NULL);
		h_resp_free(&r);
	}
	{
		const char	*hdr[] = { "Content-Type: application/json",
				    NULL };
		struct h_resp	 r;

		/* Over 16 KB is no manual entry. */
		h_request(&e, "POST", "/v1/scores/handmatig", tok_a1, hdr,
		    NULL, 0, 20000, &r);
		CHECK_EQ_INT(r.status, 413);
		h_resp_free(&r);
		/* An analist may not enter scores. */
		h_request(&e, "POST", "/v1/scores/handmatig", tok_an, hdr,
		    "{}", 2, 0, &r);
		CHECK_EQ_INT(r.status, 403);
		h_resp_free(&r);
	}
	CHECK_EQ_INT(nscores(), before);
	/* The receipts list holds the entries. */
	{
		struct h_resp	r;

		h_request(&e, "GET", "/v1/uploads", tok_a1, NULL, NULL, 0, 0,
		    &r);
		CHECK_EQ_INT(r.status, 200);
		CHECK(strstr(r.body, "\"rows\":1") != NULL);
		h_resp_free(&r);
	}
}

int
main(int argc, char **argv)
{
	char	cfg[H_PATH_MAX];
	size_t	i;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_webdata SORTTP\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_a1, sizeof(tok_a1), "a1",
	    "aanbieder", "--agb", A1, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_a4, sizeof(tok_a4), "a4",
	    "aanbieder", "--agb", A4, NULL), 0);
	for (i = 0; i < 3; i++) {
		char	name[16], agb[9];

		snprintf(name, sizeof(name), "a%zu", i + 5);
		snprintf(agb, sizeof(agb), "1111000%zu", i + 5);
		CHECK_EQ_INT(h_party_add(&e, tok_other[i],
		    sizeof(tok_other[i]), name, "aanbieder", "--agb", agb,
		    NULL), 0);
	}
	CHECK_EQ_INT(h_party_add(&e, tok_an, sizeof(tok_an), "an",
	    "analist", "--scope", "cluster:Amsterdam", "--scope",
	    "cluster:Amstelveen-Aalsmeer", "--scope", "cluster:DUO",
	    "--scope", "cluster:Zaanstreek-Waterland", NULL), 0);
	h_path(&e, cfg, sizeof(cfg), "aanbieders.json");
	h_write_file(cfg, "{\"aanbieders\": [{\"agb\": \"" A1 "\", "
	    "\"naam\": \"Jeugdhulp Eén & Co\"}]}", 0600);
	/*
	 * k = 5 keeps the data small. No background refresher: every query
	 * builds a snapshot of all data committed before it. With one, a
	 * snapshot could be built between two of send_scores' uploads, and
	 * the disclosure history (dc_history.h) would then keep the 2025
	 * pattern of that partial state, which this test does not expect.
	 */
	h_config(&e, "k5r0.json", "{\"k\": 5, \"limits\": "
	    "{\"indicator_refresh_s\": 0}, \"reference\": {\"aanbieders\": "
	    "\"aanbieders.json\"}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);

	send_scores();
	CHECK(a1_wait(30) == 30);
	test_xlsx();
	test_form();
	test_handmatig();

	CHECK_EQ_INT(h_leaks(&e, secrets, nsecrets), 0);
	CHECK_EQ_INT(h_stop(&e), 0);
	for (i = 0; i < nsecrets; i++)
		free((void *)(uintptr_t)secrets[i]);
	h_teardown(&e);
	curl_global_cleanup();
	return test_done("integration_webdata");
}

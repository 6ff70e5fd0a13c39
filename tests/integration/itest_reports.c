/*
 * The monthly PDF reports end to end, on a small demo region (sorttp
 * demo, through the real ingest paths): the daemon makes the previous
 * month's reports at start (the catch-up of a missed report_day); GET
 * /v1/reports lists what each party may see and GET /v1/reports/{id}
 * serves it (404 for another party's); the PDF's figures, read back with
 * pdftotext, equal the API's answer for the same party and query, with
 * "." where the answer has a suppressed or null figure; pdffonts shows
 * only embedded fonts; pdftoppm renders every page (PNGs under
 * BUILD/review for a person to look at); the CLI makes the same bytes
 * twice and the daemon's bytes; the retention deletes old reports and the
 * month is not made again; downloads and generation are audited.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dates.h"
#include "demo.h"
#include "harness.h"

#define CLIENTS		"600"
#define WAIT_S		600	/* for the daemon's run, under ASan */

static struct h_env	e;
static char		tok_mine[128], tok_other[128], tok_ams[128];
static char		tok_0431[128], tok_bergop[128];
static char		agb_mine[9], agb_other[9];
static char		month_s[16];	/* "YYYY-MM" of the previous month */
static int		month;		/* year * 12 + month - 1 */

/* Runs a shell command; its stdout, NUL-terminated, or NULL. */
static char *
capture(const char *fmt, ...)
{
	char	 cmd[2048], *buf = NULL;
	size_t	 len = 0, cap = 0, n;
	va_list	 ap;
	FILE	*f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		if ((n = fread(buf + len, 1, cap - len - 1, f)) == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (pclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static cJSON *
get(const char *token, const char *path, long *status, struct h_resp *keep)
{
	struct h_resp	r;
	cJSON		*j = NULL;

	h_request(&e, "GET", path, token, NULL, NULL, 0, 0, &r);
	*status = r.status;
	if (r.status == 200 && r.body && r.body[0] == '{')
		j = cJSON_Parse(r.body);
	if (keep != NULL)
		*keep = r;
	else
		h_resp_free(&r);
	return j;
}

/* A whole binary file (h_slurp stops at a NUL byte). */
static char *
slurp(const char *path, size_t *len)
{
	struct stat	 sb;
	FILE		*f;
	char		*buf;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &sb) == -1 || (buf = malloc((size_t)sb.st_size +
	    1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	return buf;
}

static int
file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void
report_file(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/reports/%s.pdf", e.data, id);
}

/* The AGB of the n-th demo aanbieder in `party list`. */
static int
listed_agb(int n, char *out)
{
	struct h_out	 o;
	const char	*p;
	int		 i = 0;

	if (h_run(&e, &o, "party", "list", "--data", e.data, NULL) != 0)
		return -1;
	for (p = o.out; (p = strstr(p, "demo-aanbieder-")) != NULL; p++)
		if (i++ == n) {
			memcpy(out, p + 15, 8);
			out[8] = '\0';
			h_out_free(&o);
			return 0;
		}
	h_out_free(&o);
	return -1;
}

static void
setup(void)
{
	struct h_out	o;
	int		today = date_today(time(NULL));

	month = (today / 10000) * 12 + (today / 100) % 100 - 1 - 1;
	snprintf(month_s, sizeof(month_s), "%04d-%02d", month / 12,
	    month % 12 + 1);
	h_init(&e);
	CHECK_EQ_INT(h_run(&e, &o, "demo", "--data", e.data, "--clients",
	    CLIENTS, NULL), 0);
	h_out_free(&o);
	CHECK_EQ_INT(listed_agb(0, agb_mine), 0);
	CHECK_EQ_INT(listed_agb(1, agb_other), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_mine, sizeof(tok_mine), "mine",
	    "aanbieder", "--agb", agb_mine, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_other, sizeof(tok_other), "other",
	    "aanbieder", "--agb", agb_other, NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_ams, sizeof(tok_ams), "an-ams",
	    "analist", "--scope", "cluster:Amsterdam", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_0431, sizeof(tok_0431), "an-0431",
	    "analist", "--scope", "gemeente:0431", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_bergop, sizeof(tok_bergop),
	    "bergop", "bergop", NULL), 0);
}

/* Waits for the daemon's run of month to be marked done. */
static int
wait_for_run(void)
{
	char	path[1024];
	int	i;

	snprintf(path, sizeof(path), "%s/reports/.done-%s", e.data, month_s);
	for (i = 0; i < WAIT_S * 4; i++) {
		if (file_exists(path))
			return 0;
		usleep(250 * 1000);
	}
	return -1;
}

/* ---- the list and the downloads ---- */

static int
listed(const cJSON *j, const char *id)
{
	const cJSON	*r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "reports"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "id")),
		    id) == 0)
			return 1;
	return 0;
}

static char	id_mine_ams[96], id_gem_ams[96], id_other_ams[96];

static void
test_access(void)
{
	const cJSON	*r;
	struct h_resp	 resp;
	char		 path[256], file[1024];
	long		 st;
	long long	 before;
	cJSON		*j;
	size_t		 len;
	char		*disk;
	int		 n;

	snprintf(id_mine_ams, sizeof(id_mine_ams), "%s-a%s-amsterdam",
	    month_s, agb_mine);
	snprintf(id_other_ams, sizeof(id_other_ams), "%s-a%s-amsterdam",
	    month_s, agb_other);
	snprintf(id_gem_ams, sizeof(id_gem_ams), "%s-gemiddelde-amsterdam",
	    month_s);
	report_file(id_mine_ams, file, sizeof(file));
	CHECK(file_exists(file));
	report_file(id_other_ams, file, sizeof(file));
	CHECK(file_exists(file));

	/* The aanbieder: its own and its clusters' averages, nothing else. */
	j = get(tok_mine, "/v1/reports", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(listed(j, id_mine_ams));
	CHECK(listed(j, id_gem_ams));
	CHECK(!listed(j, id_other_ams));
	n = 0;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "reports")) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(r,
		    "aanbieder"));
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(r,
		    "soort"));

		CHECK(s != NULL);
		if (s != NULL && strcmp(s, "aanbieder") == 0)
			CHECK(a != NULL && strcmp(a, agb_mine) == 0);
		n++;
	}
	CHECK(n >= 2);
	cJSON_Delete(j);

	/* The Amsterdam analist: Amsterdam's reports only. */
	j = get(tok_ams, "/v1/reports", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(listed(j, id_mine_ams));
	CHECK(listed(j, id_other_ams));
	CHECK(listed(j, id_gem_ams));
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "reports"))
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(r,
		    "cluster")), "Amsterdam");
	cJSON_Delete(j);

	/* One gemeente of a cluster is not the cluster: nothing. */
	j = get(tok_0431, "/v1/reports", &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "reports")), 0);
	cJSON_Delete(j);
	get(tok_bergop, "/v1/reports", &st, NULL);
	CHECK_EQ_INT(st, 403);
	get(NULL, "/v1/reports", &st, NULL);
	CHECK_EQ_INT(st, 401);

	/* Another party's report, a made-up one, a path: all 404. */
	before = h_db_count(&e, "SELECT count(*) FROM audit WHERE action = "
	    "'report_download'");
	snprintf(path, sizeof(path), "/v1/reports/%s", id_other_ams);
	get(tok_mine, path, &st, NULL);
	CHECK_EQ_INT(st, 404);
	get(tok_0431, path, &st, NULL);
	CHECK_EQ_INT(st, 404);
	get(tok_mine, "/v1/reports/2001-01-gemiddelde-duo", &st, NULL);
	CHECK_EQ_INT(st, 404);
	get(tok_mine, "/v1/reports/..%2fsorttp.key", &st, NULL);
	CHECK_EQ_INT(st, 404);
	snprintf(path, sizeof(path), "/v1/reports/%s-gemiddelde-duo", month_s);
	get(tok_ams, path, &st, NULL);
	CHECK_EQ_INT(st, 404);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action "
	    "= 'report_download'"), before);

	/* The own report: the file's bytes, as an attachment, audited. */
	snprintf(path, sizeof(path), "/v1/reports/%s", id_mine_ams);
	get(tok_mine, path, &st, &resp);
	CHECK_EQ_INT(st, 200);
	CHECK(resp.headers != NULL && strstr(resp.headers,
	    "Content-Type: application/pdf") != NULL);
	snprintf(file, sizeof(file), "Content-Disposition: attachment; "
	    "filename=\"rapportage-%s-", month_s);
	CHECK(resp.headers != NULL && strstr(resp.headers, file) != NULL);
	CHECK(resp.headers != NULL && strstr(resp.headers,
	    "-amsterdam.pdf\"") != NULL);
	report_file(id_mine_ams, file, sizeof(file));
	disk = slurp(file, &len);
	CHECK(disk != NULL && len == resp.len && len > 1000 &&
	    memcmp(disk, resp.body, len) == 0);
	CHECK(resp.len > 5 && memcmp(resp.body, "%PDF-", 5) == 0);
	free(disk);
	h_resp_free(&resp);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action "
	    "= 'report_download'"), before + 1);
	snprintf(path, sizeof(path), "/v1/reports/%s", id_gem_ams);
	get(tok_mine, path, &st, NULL);
	CHECK_EQ_INT(st, 200);
	get(tok_ams, path, &st, NULL);
	CHECK_EQ_INT(st, 200);
	CHECK(h_db_count(&e, "SELECT count(*) FROM audit WHERE action = "
	    "'report_generate'") >= 3);

	/* Files private to the daemon. */
	{
		struct stat sb;

		report_file(id_mine_ams, file, sizeof(file));
		CHECK(stat(file, &sb) == 0 && (sb.st_mode & 0777) == 0600);
		snprintf(file, sizeof(file), "%s/reports", e.data);
		CHECK(stat(file, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	}
}

/* ---- the figures ---- */

struct row {
	const char	*label;
	int		 nth;		/* which occurrence on the page */
	const char	*path;
	int		 decimals;
};

/* What the report prints for a cell's figure (report_pdf.c's rules). */
static void
expect(const cJSON *cell, const char *path, int decimals, char *buf,
    size_t len)
{
	const cJSON	*o = cell, *hs;
	char		 part[64], *c;
	size_t		 n;

	if (cell == NULL) {
		snprintf(buf, len, "–");
		return;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItem(cell, "suppressed"))) {
		snprintf(buf, len, ".");
		return;
	}
	hs = cJSON_GetObjectItem(cJSON_GetObjectItem(cell, "values"),
	    "herinstroom");
	if (strstr(path, "herinstroom.") != NULL && hs != NULL &&
	    !cJSON_IsTrue(cJSON_GetObjectItem(hs, "window_closed"))) {
		snprintf(buf, len, "n.b.");
		return;
	}
	while (*path) {
		if (cJSON_IsNull(o)) {
			snprintf(buf, len, ".");
			return;
		}
		n = strcspn(path, ".");
		memcpy(part, path, n);
		part[n] = '\0';
		if ((o = cJSON_GetObjectItem(o, part)) == NULL) {
			snprintf(buf, len, "–");
			return;
		}
		path += n + (path[n] == '.');
	}
	if (cJSON_IsNull(o)) {
		snprintf(buf, len, ".");
		return;
	}
	snprintf(buf, len, "%.*f", decimals, o->valuedouble);
	if ((c = strchr(buf, '.')) != NULL)
		*c = ',';
	/* A figure that may still change carries "*" (issue #15). */
	if (cJSON_IsTrue(cJSON_GetObjectItem(cell, "voorlopig")) &&
	    strlen(buf) + 2 <= len)
		memcpy(buf + strlen(buf), "*", 2);
}

static const cJSON *
find_cell(const cJSON *ans, const char *period, int cmp)
{
	const cJSON	*c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(ans, "cells"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c,
		    "period")), period) == 0 &&
		    cJSON_IsTrue(cJSON_GetObjectItem(c, "vergelijking")) == cmp)
			return c;
	return NULL;
}

/* The tokens after the word tag on a line, space-separated. */
static void
tokens_after(const char *line, const char *tag, char *out, size_t len)
{
	const char	*p = line, *t;
	size_t		 o = 0, n, tl = strlen(tag);

	out[0] = '\0';
	while ((p = strstr(p, tag)) != NULL) {
		if ((p == line || p[-1] == ' ') && (p[tl] == ' '))
			break;
		p += tl;
	}
	if (p == NULL)
		return;
	p += tl;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		t = p;
		while (*p != ' ' && *p != '\0' && *p != '\n')
			p++;
		n = (size_t)(p - t);
		if (o + n + 2 > len)
			break;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, t, n);
		o += n;
		out[o] = '\0';
	}
}

/* The line on which label starts for the nth time, and the next one. */
static int
find_rows(const char *text, const char *label, int nth, char *own,
    char *cmp, size_t len)
{
	const char	*p = text, *q, *eol;
	int		 seen = 0;

	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		q = p;
		while (*q == ' ')
			q++;
		if (strncmp(q, label, strlen(label)) != 0 ||
		    strstr(q, " eigen ") == NULL || (size_t)(strstr(q,
		    " eigen ") - q) > strlen(label) + 40)
			continue;
		if (++seen < nth)
			continue;
		snprintf(own, len, "%.*s", (int)(eol - p), p);
		p = *eol ? eol + 1 : eol;
		eol = strchr(p, '\n');
		snprintf(cmp, len, "%.*s", eol ? (int)(eol - p) : (int)strlen(p),
		    p);
		return 0;
	}
	return -1;
}

static int	n_dots, n_numbers;

/* Compares one page's rows with the API's answer for the same query. */
static void
check_page(const char *pdf, int page, const char *indicator,
    const struct row *rows, size_t nrows)
{
	char	*text, url[512], from[16], key[24], want[1024], got[1024];
	char	 own[2048], cmp[2048], fig[32];
	int	 quarters, nper, i, first, m;
	long	 st;
	size_t	 r, s;
	cJSON	*ans;

	text = capture("pdftotext -layout -f %d -l %d '%s' -", page, page,
	    pdf);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	quarters = strstr(text, "5 kwartalen") != NULL;
	CHECK(quarters || strstr(text, "13 maanden") != NULL);
	nper = quarters ? 5 : 13;
	first = quarters ? month - month % 3 - 12 : month - 12;
	snprintf(from, sizeof(from), "%04d-%02d", first / 12, first % 12 + 1);
	snprintf(url, sizeof(url), "/v1/indicators/%s?by=aanbieder&period=%s"
	    "&from=%s&to=%s&cluster=Amsterdam", indicator, quarters ?
	    "quarter" : "month", from, month_s);
	ans = get(tok_mine, url, &st, NULL);
	CHECK_EQ_INT(st, 200);
	for (r = 0; r < nrows && ans != NULL; r++) {
		CHECK_EQ_INT(find_rows(text, rows[r].label, rows[r].nth, own,
		    cmp, sizeof(own)), 0);
		for (s = 0; s < 2; s++) {
			want[0] = '\0';
			for (i = 0; i < nper; i++) {
				m = first + (quarters ? 3 * i : i);
				if (quarters)
					snprintf(key, sizeof(key), "%04d-Q%d",
					    m / 12, m % 12 / 3 + 1);
				else
					snprintf(key, sizeof(key), "%04d-%02d",
					    m / 12, m % 12 + 1);
				expect(find_cell(ans, key, (int)s),
				    rows[r].path, rows[r].decimals, fig,
				    sizeof(fig));
				if (strcmp(fig, ".") == 0)
					n_dots++;
				else if (fig[0] >= '0' && fig[0] <= '9')
					n_numbers++;
				snprintf(want + strlen(want), sizeof(want) -
				    strlen(want), "%s%s", i ? " " : "", fig);
			}
			tokens_after(s == 0 ? own : cmp, s == 0 ? "eigen" :
			    "cluster", got, sizeof(got));
			if (strcmp(want, got) != 0)
				fprintf(stderr, "page %d, %s (%s): pdf \"%s\","
				    " api \"%s\"\n", page, rows[r].label,
				    s ? "cluster" : "eigen", got, want);
			CHECK_STR(got, want);
		}
	}
	cJSON_Delete(ans);
	free(text);
}

static void
test_figures(void)
{
	/* Every row of every table, except the cluster-only n_aanbieders. */
	static const struct row tev[] = {
		{ "Responses (aantal)", 1, "n", 0 },
		{ "Cliënten (aantal)", 1, "n_clients", 0 },
		{ "Responses (aantal)", 2, "values.jeugdige.n", 0 },
		{ "Rapportcijfer (gem.)", 1, "values.jeugdige.rapportcijfer_mean",
		    2 },
		{ "Positief (%)", 1, "values.jeugdige.positief_pct", 1 },
		{ "serieus genomen", 1, "values.jeugdige.items.serieus_genomen",
		    2 },
		{ "luisteren", 1, "values.jeugdige.items.luisteren", 2 },
		{ "meebeslissen", 1, "values.jeugdige.items.meebeslissen", 2 },
		{ "doelen samen", 1, "values.jeugdige.items.doelen_samen", 2 },
		{ "nuttig", 1, "values.jeugdige.items.nuttig", 2 },
		{ "beter omgaan", 1, "values.jeugdige.items.beter_omgaan", 2 },
		{ "gaat beter", 1, "values.jeugdige.items.gaat_beter", 2 },
		{ "Responses (aantal)", 3, "values.ouder.n", 0 },
		{ "Rapportcijfer (gem.)", 2, "values.ouder.rapportcijfer_mean",
		    2 },
		{ "Positief (%)", 2, "values.ouder.positief_pct", 1 },
		{ "serieus genomen", 2, "values.ouder.items.serieus_genomen", 2 },
		{ "luisteren", 2, "values.ouder.items.luisteren", 2 },
		{ "meebeslissen", 2, "values.ouder.items.meebeslissen", 2 },
		{ "doelen samen", 2, "values.ouder.items.doelen_samen", 2 },
		{ "nuttig", 2, "values.ouder.items.nuttig", 2 },
		{ "beter omgaan", 2, "values.ouder.items.beter_omgaan", 2 },
		{ "gaat beter", 2, "values.ouder.items.gaat_beter", 2 },
	};
	static const struct row doel[] = {
		{ "Trajecten (aantal)", 1, "n", 0 },
		{ "Cliënten (aantal)", 1, "n_clients", 0 },
		{ "GAS T-score (gem.)", 1, "values.gas_t_mean", 2 },
		{ "Doelen behaald (%)", 1, "values.doelen_behaald_pct", 1 },
		{ "Afgenomen (%)", 1, "values.probleemafname.3", 1 },
		{ "Deels afgenomen (%)", 1, "values.probleemafname.2", 1 },
		{ "Niet afgenomen (%)", 1, "values.probleemafname.1", 1 },
		{ "Zonder hulp verder (%)", 1, "values.zonder_hulp_verder_pct",
		    1 },
	};
	static const struct row uit[] = {
		{ "Beëindigd (aantal)", 1, "n", 0 },
		{ "Cliënten (aantal)", 1, "n_clients", 0 },
		{ "Volgens plan (%)", 1, "values.volgens_plan_pct", 1 },
		{ "Voortijdig (%)", 1, "values.voortijdig_pct", 1 },
		{ "Eenzijdig door cliënt (%)", 1, "values.eenzijdig_client_pct",
		    1 },
		{ "02 overlijden", 1, "values.per_reden.02", 0 },
		{ "31 volgens plan", 1, "values.per_reden.31", 0 },
		{ "32 eenzijdig cliënt", 1, "values.per_reden.32", 0 },
		{ "33 eenzijdig aanbieder", 1, "values.per_reden.33", 0 },
		{ "34 in overeenstemming", 1, "values.per_reden.34", 0 },
		{ "35 externe omstandigh.", 1, "values.per_reden.35", 0 },
		{ "36 door de gemeente", 1, "values.per_reden.36", 0 },
		{ "37 wijzigingsverzoek", 1, "values.per_reden.37", 0 },
		{ "38 andere aanbieder", 1, "values.per_reden.38", 0 },
		{ "39 ander domein", 1, "values.per_reden.39", 0 },
		{ "overige redenen", 1, "values.per_reden.overig", 0 },
		{ "Volgens plan (aantal)", 1, "values.herinstroom.n", 0 },
		{ "Geen nieuwe start (%)", 1,
		    "values.herinstroom.geen_nieuwe_start_pct", 1 },
	};
	char	pdf[1024], *text;

	snprintf(pdf, sizeof(pdf), "%s/reports/%s.pdf", e.data, id_mine_ams);
	text = capture("pdftotext '%s' -", pdf);
	CHECK(text != NULL);
	if (text != NULL) {
		CHECK(strstr(text, "Maandrapportage") != NULL);
		CHECK(strstr(text, "Gespreksstof, geen beoordeling") != NULL);
		CHECK(strstr(text, "afgeschermd: te weinig cliënten") != NULL);
		CHECK(strstr(text, "Cliënttevredenheid (CEM+)") != NULL);
		CHECK(strstr(text, "Definities en leeswijzer") != NULL);
		CHECK(strstr(text, agb_mine) != NULL);
		CHECK(strstr(text, "Cluster: Amsterdam") != NULL);
		free(text);
	}
	/* No client identifier: the demo's BSNs are nowhere in the text. */
	text = capture("pdftotext '%s' -", pdf);
	CHECK(text != NULL);
	if (text != NULL) {
		char		bsn[10];
		unsigned	i;

		for (i = 1; i <= 600; i++) {
			demo_bsn(DEMO_SEED_DEFAULT, i, bsn);
			CHECK(strstr(text, bsn) == NULL);
		}
		free(text);
	}
	/* The report's own queries are audited apart from the parties'. */
	CHECK(h_db_count(&e, "SELECT count(*) FROM audit WHERE action = "
	    "'report_query' AND detail LIKE '%\"via\":\"report\"%'") >= 3);
	CHECK_EQ_INT(h_db_count(&e, "SELECT count(*) FROM audit WHERE action "
	    "= 'indicator_query' AND detail LIKE '%\"via\":\"report\"%'"), 0);
	check_page(pdf, 2, "tevredenheid", tev, sizeof(tev) / sizeof(tev[0]));
	check_page(pdf, 3, "doelrealisatie", doel,
	    sizeof(doel) / sizeof(doel[0]));
	check_page(pdf, 4, "uitval", uit, sizeof(uit) / sizeof(uit[0]));
	/* Both kinds were compared: hidden figures and visible ones. */
	CHECK(n_dots > 0);
	CHECK(n_numbers > 0);
}

/* ---- fonts, pages, metadata ---- */

static void
test_render(const char *id, const char *name)
{
	char	pdf[1024], *out, *p;
	int	fonts = 0, pages = 0, pngs = 0;

	snprintf(pdf, sizeof(pdf), "%s/reports/%s.pdf", e.data, id);
	out = capture("pdffonts '%s'", pdf);
	CHECK(out != NULL);
	/* Per font line, "emb" is the fifth column from the end. */
	for (p = out; p != NULL && (p = strchr(p, '\n')) != NULL; p++) {
		char	 line[512], *tok[16], *q;
		size_t	 nt = 0;

		if (p[1] == '\0' || strncmp(p + 1, "name", 4) == 0 ||
		    strncmp(p + 1, "----", 4) == 0)
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p + 1,
		    "\n"), p + 1);
		/* Split on spaces by hand. */
		for (q = line; *q != '\0' && nt < 16;) {
			while (*q == ' ')
				*q++ = '\0';
			if (*q == '\0')
				break;
			tok[nt++] = q;
			while (*q != ' ' && *q != '\0')
				q++;
		}
		fonts++;
		CHECK(nt >= 6 && strcmp(tok[nt - 5], "yes") == 0);
	}
	CHECK(fonts >= 2);
	free(out);
	out = capture("pdfinfo '%s'", pdf);
	CHECK(out != NULL);
	if (out != NULL) {
		CHECK(strstr(out, "Title:           Sturen op Resultaat") !=
		    NULL);
		CHECK(strstr(out, "Creator:         sorttp") != NULL);
		CHECK(strstr(out, "A4") != NULL);
		if ((p = strstr(out, "Pages:")) != NULL)
			pages = (int)strtol(p + 6, NULL, 10);
		free(out);
	}
	CHECK(pages >= 5);
	/* Every page renders; the PNGs stay for review. */
	CHECK_EQ_INT(system("mkdir -p " SORTTP_REVIEW_DIR), 0);
	out = capture("pdftoppm -r 60 -png '%s' '%s/%s' && ls '%s' | grep -c "
	    "'^%s-.*png$'", pdf, SORTTP_REVIEW_DIR, name, SORTTP_REVIEW_DIR,
	    name);
	CHECK(out != NULL);
	if (out != NULL) {
		pngs = (int)strtol(out, NULL, 10);
		free(out);
	}
	CHECK_EQ_INT(pngs, pages);
}

/* ---- bytes and retention ---- */

static void
test_same_bytes(void)
{
	struct h_out	 o;
	char		 out1[1024], out2[1024], a[1200], b[1200], d[1200];
	char		*x, *y, *z;
	size_t		 lx, ly, lz;

	snprintf(out1, sizeof(out1), "%s/r1", e.root);
	snprintf(out2, sizeof(out2), "%s/r2", e.root);
	CHECK_EQ_INT(h_run(&e, &o, "report", "--month", month_s,
	    "--aanbieder", agb_mine, "--cluster", "Amsterdam", "--data",
	    e.data, "--out", out1, NULL), 0);
	CHECK(strstr(o.out, ": 2 reports in ") != NULL);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "report", "--month", month_s,
	    "--aanbieder", agb_mine, "--cluster", "Amsterdam", "--data",
	    e.data, "--out", out2, NULL), 0);
	h_out_free(&o);
	snprintf(a, sizeof(a), "%s/%s.pdf", out1, id_mine_ams);
	snprintf(b, sizeof(b), "%s/%s.pdf", out2, id_mine_ams);
	report_file(id_mine_ams, d, sizeof(d));
	x = slurp(a, &lx);
	y = slurp(b, &ly);
	z = slurp(d, &lz);
	CHECK(x != NULL && y != NULL && lx == ly && memcmp(x, y, lx) == 0);
	/* The daemon's run made the very same bytes. */
	CHECK(x != NULL && z != NULL && lx == lz && memcmp(x, z, lx) == 0);
	free(x);
	free(y);
	free(z);
	snprintf(a, sizeof(a), "%s/%s.pdf", out1, id_gem_ams);
	CHECK(file_exists(a));

	/* Usage errors. */
	CHECK_EQ_INT(h_run(&e, &o, "report", "--data", e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "report", "--month", "2026-13", "--data",
	    e.data, NULL), 2);
	h_out_free(&o);
	CHECK_EQ_INT(h_run(&e, &o, "report", "--month", month_s,
	    "--cluster", "Nergens", "--data", e.data, NULL), 2);
	h_out_free(&o);
}

static void
set_age(const char *id, int days)
{
	struct timeval	tv[2];
	char		file[1024];

	report_file(id, file, sizeof(file));
	tv[0].tv_sec = tv[1].tv_sec = time(NULL) - (time_t)days * 86400;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	CHECK_EQ_INT(utimes(file, tv), 0);
}

static void
test_retention(void)
{
	char	old[1024], young[1024];
	int	i;

	CHECK_EQ_INT(h_stop(&e), 0);
	set_age(id_other_ams, 30);
	set_age(id_gem_ams, 10);
	report_file(id_other_ams, old, sizeof(old));
	report_file(id_gem_ams, young, sizeof(young));
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	for (i = 0; i < 240 && file_exists(old); i++)
		usleep(250 * 1000);
	CHECK(!file_exists(old));
	CHECK(file_exists(young));
	/* The month is marked done: the deleted report is not made again. */
	sleep(2);
	CHECK(!file_exists(old));
}

/* With report_day after today, the daemon waits: no run at start. */
static void
test_report_day(void)
{
	char	cfg[1024], marker[1024], *log;
	size_t	len;
	int	i, seen = 0;

	if (date_today(time(NULL)) % 100 >= 28)
		return;		/* no later day to configure */
	CHECK_EQ_INT(h_stop(&e), 0);
	snprintf(marker, sizeof(marker), "%s/reports/.done-%s", e.data,
	    month_s);
	CHECK_EQ_INT(unlink(marker), 0);
	h_config(&e, "day28.json", "{\"limits\": {\"report_day\": 28}}", cfg,
	    sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	for (i = 0; i < 240 && !seen; i++) {
		if ((log = h_slurp(e.log, &len)) != NULL) {
			seen = strstr(log, "due on day 28 of the month") != NULL;
			free(log);
		}
		if (!seen)
			usleep(250 * 1000);
	}
	CHECK(seen);
	CHECK(!file_exists(marker));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SORTTP_BINARY\n", argv[0]);
		return 2;
	}
	h_setup(&e, argv[1]);
	setup();
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(wait_for_run(), 0);
	test_access();
	test_figures();
	test_render(id_mine_ams, "aanbieder");
	test_render(id_gem_ams, "clustergemiddelde");
	test_same_bytes();
	test_retention();
	test_report_day();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("itest_reports");
}

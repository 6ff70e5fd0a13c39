/*
 * Scores benchmark helper (bench/bench_scores.sh drives it):
 *
 *   bench_scores gen N FILE AGB   writes a realistic N-row scores CSV
 *   bench_scores bare-rows CSV DB inserts the rows of CSV, fields as they
 *                                 are, into an unindexed SQLite table in
 *                                 one transaction; prints rows/s (the
 *                                 issue's baseline)
 *   bench_scores bare N DB        the same for N rows already minimised to
 *                                 what sorttp stores (a stricter baseline)
 *
 * The CSV is what a large aanbieder exports from Excel: ';', CRLF, a BOM,
 * DD-MM-YYYY dates, elfproef-valid BSNs, 13 gemeenten, trajectories with a
 * begin, sometimes a tussen and an eind measurement, 1-10 goals.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "demo.h"

static const char *const gemeenten[] = {
	"0363", "0362", "0358", "0384", "0451", "0437", "0479", "0439",
	"0385", "0415", "0431", "0852", "0880"
};

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
gen(long n, const char *file, const char *agb)
{
	static const char *const moments[] = { "begin", "tussen", "eind" };
	FILE		*f;
	long		 rows = 0;
	uint32_t	 traj = 0;
	char		 bsn[10];
	int		 m, g, ngoals, day, month;

	if ((f = fopen(file, "w")) == NULL)
		return 1;
	fputs("\xef\xbb\xbf" "bsn;toewijzingnummer;gemeente;agb;meetdatum;"
	    "meetmoment;gas_1;gas_2;gas_3;gas_4;gas_5;gas_6;gas_7;gas_8;gas_9;"
	    "gas_10;gewicht_1;gewicht_2;gewicht_3;probleemafname;"
	    "zonder_hulp_verder;productcategorie;geboortedatum;geslacht\r\n",
	    f);
	while (rows < n) {
		traj++;
		demo_bsn(0, traj, bsn);
		ngoals = 1 + (int)rnd(10);
		for (m = 0; m < 3 && rows < n; m++) {
			if (m == 1 && rnd(2))
				continue;	/* not every trajectory has tussen */
			day = 1 + (int)rnd(28);
			month = 1 + m * 4 + (int)rnd(3);
			fprintf(f, "%s;%u;%s;%s;%02d-%02d-2025;%s", bsn,
			    traj, gemeenten[rnd(13)], agb, day, month,
			    moments[m]);
			for (g = 0; g < 10; g++) {
				if (m > 0 && g < ngoals)
					fprintf(f, ";%d", (int)rnd(5) - 2);
				else
					fputs(";", f);
			}
			fprintf(f, ";%d;%d;;%d;%s;%d;%02d-%02d-%d;%d\r\n",
			    1 + (int)rnd(10), 1 + (int)rnd(3),
			    m == 2 ? 1 + (int)rnd(3) : 1,
			    m == 2 ? (rnd(3) ? "ja" : "nee") : "",
			    40 + (int)rnd(16), 1 + (int)rnd(28),
			    1 + (int)rnd(12), 2005 + (int)rnd(18),
			    (int)rnd(3));
			rows++;
		}
	}
	fputs("\r\n\r\n", f);	/* Excel's trailing empty lines */
	return fclose(f) == 0 ? 0 : 1;
}

/*
 * The baseline: the same rows, as the file has them (every field
 * of every data row, split beforehand, not timed), inserted as they are
 * into an unindexed table in one transaction.
 */
static int
bare_rows(const char *csv, const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	FILE		*f;
	char		*line = NULL, *p, *q, sql[1024];
	char	       **fields = NULL;
	size_t		 cap = 0, nf = 0, capf = 0, i, rows = 0;
	ssize_t		 len;
	double		 t0, t;
	int		 k, ncols = 0;

	if ((f = fopen(csv, "r")) == NULL)
		return 1;
	/* Split every data row into its fields first; this is not timed. */
	while ((len = getline(&line, &cap, f)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (ncols == 0) {
			for (ncols = 1, p = line; *p; p++)
				ncols += *p == ';';
			continue;
		}
		for (p = line, k = 0; k < ncols; k++) {
			if (nf == capf) {
				capf = capf ? capf * 2 : 1 << 20;
				fields = realloc(fields, capf * sizeof(*fields));
			}
			q = strchr(p, ';');
			fields[nf++] = strndup(p, q ? (size_t)(q - p) : strlen(p));
			p = q ? q + 1 : p + strlen(p);
		}
		rows++;
	}
	fclose(f);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
	    NULL, NULL, NULL);
	p = sql;
	p += snprintf(p, sizeof(sql), "CREATE TABLE r (c0");
	for (k = 1; k < ncols; k++)
		p += snprintf(p, sizeof(sql) - (size_t)(p - sql), ", c%d", k);
	snprintf(p, sizeof(sql) - (size_t)(p - sql), ")");
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	p = sql;
	p += snprintf(p, sizeof(sql), "INSERT INTO r VALUES (?");
	for (k = 1; k < ncols; k++)
		p += snprintf(p, sizeof(sql) - (size_t)(p - sql), ", ?");
	snprintf(p, sizeof(sql) - (size_t)(p - sql), ")");
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return 1;
	t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < rows; i++) {
		for (k = 0; k < ncols; k++)
			sqlite3_bind_text(s, k + 1, fields[i * (size_t)ncols +
			    (size_t)k], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			return 1;
		sqlite3_reset(s);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	t = now_s() - t0;
	printf("%.0f\n", (double)rows / t);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return 0;
}

/*
 * A second, stricter baseline: rows already minimised to what sorttp
 * stores (17 columns, pseudonyms as 16-byte blobs).
 */
static int
bare(long n, const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	unsigned char	 blob[16];
	double		 t0, t;
	long		 i;
	int		 k;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, traj INTEGER, traj_ps BLOB,"
	    " client BLOB, key_version INTEGER, agb INTEGER, gemeente INTEGER,"
	    " meetdatum INTEGER, meetmoment INTEGER, gas_t REAL, doelen INTEGER,"
	    " doelen_behaald INTEGER, probleemafname INTEGER, zonder_hulp"
	    " INTEGER, productcategorie INTEGER, leeftijd INTEGER, geslacht"
	    " INTEGER, upload_id INTEGER)", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO t (traj, traj_ps, client,"
	    " key_version, agb, gemeente, meetdatum, meetmoment, gas_t, doelen,"
	    " doelen_behaald, probleemafname, zonder_hulp, productcategorie,"
	    " leeftijd, geslacht, upload_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)", -1, &s,
	    NULL) != SQLITE_OK)
		return 1;
	t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < n; i++) {
		for (k = 0; k < 16; k++)
			blob[k] = (unsigned char)rnd(256);
		sqlite3_bind_int64(s, 1, (sqlite3_int64)rng);
		sqlite3_bind_blob(s, 2, blob, 16, SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 3, blob, 16, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 4, 1);
		sqlite3_bind_int(s, 5, 12345678);
		sqlite3_bind_int(s, 6, 363);
		sqlite3_bind_int(s, 7, 20250101 + (int)rnd(28));
		sqlite3_bind_int(s, 8, 1 + (int)rnd(3));
		sqlite3_bind_double(s, 9, 50.0 + rnd(100) / 10.0);
		sqlite3_bind_int(s, 10, 3);
		sqlite3_bind_int(s, 11, 2);
		sqlite3_bind_int(s, 12, 3);
		sqlite3_bind_int(s, 13, 1);
		sqlite3_bind_int(s, 14, 45);
		sqlite3_bind_int(s, 15, 2);
		sqlite3_bind_int(s, 16, 1);
		sqlite3_bind_int(s, 17, 1);
		if (sqlite3_step(s) != SQLITE_DONE)
			return 1;
		sqlite3_reset(s);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	t = now_s() - t0;
	printf("%.0f\n", (double)n / t);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(strtol(argv[2], NULL, 10), argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "bare-rows") == 0)
		return bare_rows(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "bare") == 0)
		return bare(strtol(argv[2], NULL, 10), argv[3]);
	fprintf(stderr, "usage: bench_scores gen N FILE AGB | bare-rows CSV DB "
	    "| bare N DB\n");
	return 2;
}

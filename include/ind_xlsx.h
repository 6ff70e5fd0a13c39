/*
 * An indicator answer as an Excel workbook (.xlsx, issue #13), written
 * with libxlsxwriter from the answer's CSV: the very bytes a CSV
 * download of the same query gets, after the same scope, disclosure
 * control and audit (indicators.c). So the workbook can hold nothing the
 * CSV does not, and gains every column the CSV gains.
 *
 * Sheet "Cijfers" has the CSV's columns and rows: codes (gemeente,
 * aanbieder, period, cluster and every name) as text cells, so 0363
 * stays 0363 and 2026-01 is no date; figures as numbers with their
 * decimals as the number format; true/false as booleans. An empty
 * figure is "." (text) when its cell is suppressed, "–" when it cannot
 * be computed. Sheet "Toelichting" explains the query, the symbols and
 * every column.
 */
#ifndef SORTTP_IND_XLSX_H
#define SORTTP_IND_XLSX_H

#include <stddef.h>

#include "indicators.h"

struct quest_set;

#define IND_XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define IND_XLSX_COLS_MAX	1024	/* columns of an answer's CSV */
#define IND_XLSX_ROWS_MAX	1048575	/* Excel's rows, less the header */

/* One field of the answer's CSV, typed by how the writer wrote it. */
enum ind_xkind {
	IND_X_EMPTY,	/* nothing between the separators */
	IND_X_TEXT,	/* quoted: a code or a name */
	IND_X_NUM,	/* digits, with a decimal comma */
	IND_X_BOOL,	/* true or false */
	IND_X_MARK	/* a bare "*": voorlopig (CBS), docs/indicators.md 7a */
};

struct ind_xfield {
	enum ind_xkind	 kind;
	const char	*text;		/* IND_X_TEXT: NUL-terminated */
	double		 num;
	int		 dec;		/* IND_X_NUM: decimals written */
	int		 b;
};

/*
 * Splits an answer's CSV (ind_write.c's dialect: BOM, ';', CRLF, text
 * quoted with quotes doubled, numbers bare with a decimal comma) into
 * rows of typed fields. csv is modified (text is unquoted in place).
 * fn gets each row, the header first (row 0); it returns 0 to go on.
 * Every row must have the header's number of fields. Returns the rows,
 * header included, or -1 when the text is not of that dialect or fn
 * stopped. Pure; public for its fuzzer.
 */
long	ind_xlsx_rows(char *csv, size_t len,
	    int (*fn)(void *, long row, const struct ind_xfield *, size_t n),
	    void *arg);

/*
 * The workbook for q's CSV answer csv[0..len), k the threshold it was
 * answered with; qs gives the questionnaire item texts. dir is the
 * folder for libxlsxwriter's scratch files: created there mode 0600
 * and unlinked at once (the workbook itself is an O_TMPFILE file, never
 * named), so nothing stays behind. Returns 0 with *out (malloc'd) and
 * *outlen; -2 when the answer has more rows than a sheet takes; -1 on a
 * fault, with a message (no figures in it) in err.
 */
int	ind_xlsx_write(const char *dir, const struct ind_query *q,
	    long long k, const struct quest_set *qs, const char *csv,
	    size_t len, char **out, size_t *outlen, char *err, size_t errlen);

#endif

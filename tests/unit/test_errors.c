/*
 * Error codes are defined once (errors.h) and documented once
 * (docs/errors.md): every code in the table has a row there with the same
 * Dutch text and status, every row names a code the table has, no code is
 * in either twice. scripts/check-errors.sh checks the other half: that
 * the code emits no code the table lacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "test.h"
#include "util.h"

#define ROWS_MAX	512

struct row {
	char	code[64];
	char	status[8];
	char	text[256];
};

/* "| `code` | status | where | text |" into r; 0, or -1 for other lines. */
static int
parse_row(const char *line, struct row *r)
{
	const char	*p = line, *e;
	const char	*cell[5];
	size_t		 len[5], n = 0;

	if (strncmp(p, "| `", 3) != 0)
		return -1;
	p += 2;
	while (n < 5 && (e = strstr(p, " |")) != NULL) {
		cell[n] = p;
		len[n] = (size_t)(e - p);
		n++;
		p = e + 2;
		if (*p == ' ')
			p++;
	}
	if (n != 4 || len[0] < 3 || len[0] - 2 >= sizeof(r->code) ||
	    len[1] >= sizeof(r->status) || len[3] >= sizeof(r->text))
		return -1;
	memcpy(r->code, cell[0] + 1, len[0] - 2);
	r->code[len[0] - 2] = '\0';
	memcpy(r->status, cell[1], len[1]);
	r->status[len[1]] = '\0';
	memcpy(r->text, cell[3], len[3]);
	r->text[len[3]] = '\0';
	return 0;
}

int
main(void)
{
	static struct row	 rows[ROWS_MAX];
	char			*doc, *line, *next, want[8];
	size_t			 len, n = 0, i, j;
	const struct err_code	*c;

	if (util_read_file(SORTTP_SOURCE_DIR "/docs/errors.md", 1 << 20,
	    &doc, &len) == -1) {
		fprintf(stderr, "cannot read docs/errors.md\n");
		return 1;
	}
	for (line = doc; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "| `", 3) != 0)
			continue;
		CHECK(n < ROWS_MAX);
		if (n == ROWS_MAX)
			break;
		CHECK_EQ_INT(parse_row(line, &rows[n]), 0);
		n++;
	}
	free(doc);
	CHECK(n >= 60);
	CHECK_EQ_INT(n, err_ncodes);
	/* Every documented code exists, once. */
	for (i = 0; i < n; i++) {
		if (err_find(rows[i].code) == NULL)
			fprintf(stderr, "docs/errors.md: %s is no code\n",
			    rows[i].code);
		CHECK(err_find(rows[i].code) != NULL);
		for (j = 0; j < i; j++)
			CHECK(strcmp(rows[i].code, rows[j].code) != 0);
	}
	/* Every code is documented, with its text and status. */
	for (i = 0; i < err_ncodes; i++) {
		c = &err_codes[i];
		for (j = 0; j < n; j++)
			if (strcmp(rows[j].code, c->code) == 0)
				break;
		if (j == n) {
			fprintf(stderr, "%s is not in docs/errors.md\n",
			    c->code);
			CHECK(j < n);
			continue;
		}
		CHECK_STR(rows[j].text, c->text);
		if (c->status == 0)
			util_fmt(want, sizeof(want), "-");
		else
			util_fmt(want, sizeof(want), "%u", c->status);
		CHECK_STR(rows[j].status, want);
		for (j = 0; c->code[j] != '\0'; j++)
			CHECK((c->code[j] >= 'a' && c->code[j] <= 'z') ||
			    c->code[j] == '_');
		for (j = 0; j < i; j++)
			CHECK(strcmp(err_codes[j].code, c->code) != 0);
	}
	/* The two spellings of one meaning both stay (clients use both). */
	CHECK(err_find("datum_ongeldig") != NULL);
	CHECK(err_find("ongeldige_datum") != NULL);
	CHECK(err_find("no_such_code") == NULL);
	return test_done("errors");
}

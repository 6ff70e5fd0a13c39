/*
 * Calendar dates as the streams carry them.
 *
 * Internally a date is an int yyyymmdd (20260315): compact, ordered, and
 * readable in the database. Input forms: ISO "YYYY-MM-DD", and the Dutch
 * Excel forms "D-M-YYYY" / "DD-MM-YYYY" (also with '/').
 */
#ifndef SORTTP_DATES_H
#define SORTTP_DATES_H

#include <stddef.h>
#include <time.h>

/* Parses s[0..len) into yyyymmdd; -1 when it is no valid calendar date. */
int	date_parse(const char *s, size_t len, int *ymd);

/* Only "YYYY-MM-DD" (the iJw/JSON form). */
int	date_parse_iso(const char *s, size_t len, int *ymd);

int	date_valid(int y, int m, int d);

/*
 * Today's date in the Netherlands (CET, or CEST under the EU summer-time
 * rule), as yyyymmdd, whatever the server's time zone: a date entered in
 * the Dutch evening is never "in the future".
 */
int	date_today(time_t now);

/* Whole years from birth to date (both yyyymmdd); -1 when date < birth. */
int	date_age(int birth, int date);

/* Age band of PRODUCT.md: 0 = 0-3, 1 = 4-11, 2 = 12-17, 3 = 18+. */
int	date_age_band(int age);

/* "YYYY-MM-DD" of a yyyymmdd into out[11]. */
void	date_format(int ymd, char out[11]);

#endif

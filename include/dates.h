/*
 * Calendar dates as the streams carry them.
 *
 * Internally a date is an int yyyymmdd (20260315): compact, ordered, and
 * readable in the database. Input forms: ISO "YYYY-MM-DD", and the Dutch
 * Excel forms "D-M-YYYY" / "DD-MM-YYYY" (also with '/').
 *
 * This is the one calendar of sorttp (proleptic Gregorian): every stream,
 * the configuration and the demo generator check and count dates here.
 * A valid date lies in the years DATE_YEAR_MIN..DATE_YEAR_MAX: no child in
 * youth care was born before 1900, and a year past 2999 is a typing
 * error, never a planned end date.
 */
#ifndef SORTTP_DATES_H
#define SORTTP_DATES_H

#include <stddef.h>
#include <time.h>

#define DATE_YEAR_MIN	1900
#define DATE_YEAR_MAX	2999

/* Parses s[0..len) into yyyymmdd; -1 when it is no valid calendar date. */
int	date_parse(const char *s, size_t len, int *ymd);

/* Only "YYYY-MM-DD" (the iJw/JSON form). */
int	date_parse_iso(const char *s, size_t len, int *ymd);

/* 1 when y-m-d is a day of the calendar within the year range. */
int	date_valid(int y, int m, int d);

/* Days in month m (1..12) of year y. */
int	date_month_days(int y, int m);

/* Days since 1970-01-01 of a yyyymmdd, and the yyyymmdd of such a count. */
long	date_days(int ymd);
int	date_from_days(long days);

/* ymd plus n days (n may be negative). */
int	date_add_days(int ymd, long n);

/* Days from one yyyymmdd to another (negative when to is earlier). */
long	date_days_between(int from, int to);

/* ymd plus n months, the day clamped to the month's end. */
int	date_add_months(int ymd, int n);

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

/*
 * The calendar: date parsing and validity (one year range, dates.h), day
 * and month arithmetic, today in the Netherlands, and the age bands used
 * for minimisation.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "util.h"

int
date_month_days(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
date_valid(int y, int m, int d)
{
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 ||
	    d < 1)
		return 0;
	return d <= date_month_days(y, m);
}

/* Digits s[0..len) as a number; -1 when empty or not all digits. */
static int
digits(const char *s, size_t len)
{
	long long	v;

	if (len == 0 || !util_all_digits(s, len) ||
	    util_memtonum(s, len, 0, 9999, &v) == -1)
		return -1;
	return (int)v;
}

static int
make(int y, int m, int d, int *ymd)
{
	if (!date_valid(y, m, d))
		return -1;
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}

int
date_parse_iso(const char *s, size_t len, int *ymd)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	return make(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2), ymd);
}

int
date_parse(const char *s, size_t len, int *ymd)
{
	size_t	a, b;
	char	sep;

	if (date_parse_iso(s, len, ymd) == 0)
		return 0;
	/* D-M-YYYY, DD-MM-YYYY, with '-' or '/'. */
	for (a = 0; a < len && s[a] >= '0' && s[a] <= '9'; a++)
		;
	if (a < 1 || a > 2 || a == len)
		return -1;
	sep = s[a];
	if (sep != '-' && sep != '/')
		return -1;
	for (b = a + 1; b < len && s[b] >= '0' && s[b] <= '9'; b++)
		;
	if (b - a - 1 < 1 || b - a - 1 > 2 || b == len || s[b] != sep ||
	    len - b - 1 != 4)
		return -1;
	return make(digits(s + b + 1, 4), digits(s + a + 1, b - a - 1),
	    digits(s, a), ymd);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil (H. Hinnant). */
static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

long
date_days(int ymd)
{
	return (long)days_from_civil(ymd / 10000, (unsigned)(ymd / 100 % 100),
	    (unsigned)(ymd % 100));
}

int
date_from_days(long days)
{
	long long	y;
	int		m, d;

	civil_from_days(days, &y, &m, &d);
	return (int)(y * 10000 + m * 100 + d);
}

int
date_add_days(int ymd, long n)
{
	return date_from_days(date_days(ymd) + n);
}

long
date_days_between(int from, int to)
{
	return date_days(to) - date_days(from);
}

int
date_add_months(int ymd, int n)
{
	int	y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100, mi;

	mi = y * 12 + (m - 1) + n;
	y = mi / 12;
	m = mi % 12 + 1;
	if (d > date_month_days(y, m))
		d = date_month_days(y, m);
	return y * 10000 + m * 100 + d;
}

/* 01:00 UTC on the last Sunday of March or October, in epoch seconds. */
static long long
last_sunday(long long y, unsigned m)
{
	long long	days = days_from_civil(y, m, 31);
	long long	wd = ((days % 7) + 11) % 7;	/* 0 = Sunday */

	return (days - wd) * 86400 + 3600;
}

int
date_today(time_t now)
{
	struct tm	tm;
	time_t		local;

	if (gmtime_r(&now, &tm) == NULL)
		return 0;
	/*
	 * CET is UTC+1; summer time (UTC+2) runs from 01:00 UTC on the last
	 * Sunday of March to 01:00 UTC on the last Sunday of October (EU
	 * directive 2000/84), whatever the server's own time zone.
	 */
	if ((long long)now >= last_sunday(tm.tm_year + 1900LL, 3) &&
	    (long long)now < last_sunday(tm.tm_year + 1900LL, 10))
		local = now + 7200;
	else
		local = now + 3600;
	if (gmtime_r(&local, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

int
date_age(int birth, int date)
{
	int	age;

	if (date < birth)
		return -1;
	age = date / 10000 - birth / 10000;
	if (date % 10000 < birth % 10000)
		age--;
	return age;
}

int
date_age_band(int age)
{
	if (age <= 3)
		return 0;
	if (age <= 11)
		return 1;
	if (age <= 17)
		return 2;
	return 3;
}

void
date_format(int ymd, char out[11])
{
	if (util_fmt(out, 11, "%04d-%02d-%02d", ymd / 10000,
	    ymd / 100 % 100, ymd % 100) == -1)
		memcpy(out, "0000-00-00", 11);
}

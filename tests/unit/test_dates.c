/*
 * The calendar: validity and its year range, parsing, day counts both
 * ways across leap days and century years, adding days and months, age
 * and age bands, and today in the Netherlands around the clock change.
 */
#include <time.h>

#include "dates.h"
#include "test.h"

static void
test_valid(void)
{
	CHECK(date_valid(2024, 2, 29));
	CHECK(!date_valid(2023, 2, 29));
	CHECK(date_valid(2000, 2, 29));		/* divisible by 400 */
	CHECK(!date_valid(2100, 2, 29));	/* by 100, not by 400 */
	CHECK(!date_valid(2024, 4, 31));
	CHECK(!date_valid(2024, 13, 1));
	CHECK(!date_valid(2024, 0, 1));
	CHECK(!date_valid(2024, 1, 0));
	CHECK(date_valid(DATE_YEAR_MIN, 1, 1));
	CHECK(!date_valid(DATE_YEAR_MIN - 1, 12, 31));
	CHECK(date_valid(DATE_YEAR_MAX, 12, 31));
	CHECK(!date_valid(DATE_YEAR_MAX + 1, 1, 1));
	CHECK_EQ_INT(date_month_days(2024, 2), 29);
	CHECK_EQ_INT(date_month_days(1900, 2), 28);
	CHECK_EQ_INT(date_month_days(2025, 12), 31);
	CHECK_EQ_INT(date_month_days(2025, 11), 30);
}

static void
test_parse(void)
{
	int	d = 0;

	CHECK_EQ_INT(date_parse_iso("2025-03-12", 10, &d), 0);
	CHECK_EQ_INT(d, 20250312);
	CHECK_EQ_INT(date_parse_iso("2025-3-12", 9, &d), -1);
	CHECK_EQ_INT(date_parse_iso("2025-02-30", 10, &d), -1);
	CHECK_EQ_INT(date_parse_iso("0000-03-12", 10, &d), -1);
	CHECK_EQ_INT(date_parse_iso("3000-01-01", 10, &d), -1);
	CHECK_EQ_INT(date_parse_iso("2025-03-1x", 10, &d), -1);
	CHECK_EQ_INT(date_parse_iso("2025-03-12T", 11, &d), -1);
	CHECK_EQ_INT(date_parse("1-2-2024", 8, &d), 0);
	CHECK_EQ_INT(d, 20240201);
	CHECK_EQ_INT(date_parse("29/02/2024", 10, &d), 0);
	CHECK_EQ_INT(d, 20240229);
	CHECK_EQ_INT(date_parse("29/02-2024", 10, &d), -1);
	CHECK_EQ_INT(date_parse("123-02-2024", 11, &d), -1);
}

static void
test_days(void)
{
	CHECK_EQ_INT(date_days(19700101), 0);
	CHECK_EQ_INT(date_days(19700102), 1);
	CHECK_EQ_INT(date_days(19691231), -1);
	CHECK_EQ_INT(date_days(20000301) - date_days(20000228), 2);
	CHECK_EQ_INT(date_days(21000301) - date_days(21000228), 1);
	CHECK_EQ_INT(date_from_days(0), 19700101);
	CHECK_EQ_INT(date_from_days(-1), 19691231);
	CHECK_EQ_INT(date_from_days(date_days(20240229)), 20240229);
	CHECK_EQ_INT(date_add_days(20241231, 1), 20250101);
	CHECK_EQ_INT(date_add_days(20240301, -1), 20240229);
	CHECK_EQ_INT(date_add_days(20230301, -1), 20230228);
	CHECK_EQ_INT(date_add_days(20250101, 365), 20260101);
	CHECK_EQ_INT(date_days_between(20240101, 20250101), 366);
	CHECK_EQ_INT(date_days_between(20250101, 20240101), -366);
}

static void
test_months(void)
{
	CHECK_EQ_INT(date_add_months(20250131, 1), 20250228);
	CHECK_EQ_INT(date_add_months(20240131, 1), 20240229);
	CHECK_EQ_INT(date_add_months(20251130, 4), 20260330);
	CHECK_EQ_INT(date_add_months(20251231, 2), 20260228);
	CHECK_EQ_INT(date_add_months(20250315, 0), 20250315);
	CHECK_EQ_INT(date_add_months(20250315, 12), 20260315);
}

static void
test_age(void)
{
	CHECK_EQ_INT(date_age(20100315, 20250314), 14);
	CHECK_EQ_INT(date_age(20100315, 20250315), 15);
	CHECK_EQ_INT(date_age(20100315, 20100314), -1);
	CHECK_EQ_INT(date_age(20080229, 20250228), 16);
	CHECK_EQ_INT(date_age(20080229, 20250301), 17);
	CHECK_EQ_INT(date_age_band(0), 0);
	CHECK_EQ_INT(date_age_band(3), 0);
	CHECK_EQ_INT(date_age_band(4), 1);
	CHECK_EQ_INT(date_age_band(11), 1);
	CHECK_EQ_INT(date_age_band(12), 2);
	CHECK_EQ_INT(date_age_band(17), 2);
	CHECK_EQ_INT(date_age_band(18), 3);
}

static void
test_today(void)
{
	char	out[11];

	/* 2025-03-30 00:30 UTC: still winter time, 01:30 in Amsterdam. */
	CHECK_EQ_INT(date_today((time_t)1743294600), 20250330);
	/* 2025-06-30 22:30 UTC: 00:30 on 1 July in summer time. */
	CHECK_EQ_INT(date_today((time_t)1751322600), 20250701);
	/* 2025-12-31 23:30 UTC: 00:30 on New Year's day in winter time. */
	CHECK_EQ_INT(date_today((time_t)1767223800), 20260101);
	/* 2025-12-31 22:30 UTC: still the old year. */
	CHECK_EQ_INT(date_today((time_t)1767220200), 20251231);
	date_format(20250102, out);
	CHECK_STR(out, "2025-01-02");
}

int
main(void)
{
	test_valid();
	test_parse();
	test_days();
	test_months();
	test_age();
	test_today();
	return test_done("dates");
}

/*
 * GAS T-scores against the check values of domain.md (rho = 0.3), and the
 * date helpers used to minimise birth dates into age bands.
 */
#include <math.h>
#include <time.h>

#include "dates.h"
#include "gas.h"
#include "test.h"

#define CHECK_T(got, want)	CHECK(fabs((got) - (want)) < 0.00005)

static void
test_gas(void)
{
	int	x1[] = { -2, 0, -1, 2, 0, 1 }, w1[] = { 3, 5, 1, 4, 2, 6 };
	int	zero[] = { 0, 0, 0 }, ones[] = { 1, 1, 1 };
	int	m2[] = { -2, -2, -2 }, one[] = { 1 };
	int	ten[10] = { -2, -2, -2, -2, -2, -2, -2, -2, -2, -2 };
	int	x2[] = { 1, 0, -1 }, w2[] = { 1, 2, 3 };
	int	x3[] = { 2, 1, 0 }, w3[] = { 3, 2, 1 };

	CHECK_T(gas_tscore(x1, w1, 6), 55.0000);
	CHECK_T(gas_tscore(zero, NULL, 3), 50.0000);
	CHECK_T(gas_tscore(ones, NULL, 3), 63.6931);
	CHECK_T(gas_tscore(m2, NULL, 3), 22.6139);
	CHECK_T(gas_tscore(one, NULL, 1), 60.0000);
	CHECK_T(gas_tscore(ten, NULL, 10), 17.1202);
	CHECK_T(gas_tscore(x2, w2, 3), 45.5935);
	CHECK_T(gas_tscore(x3, w3, 3), 67.6261);
	/* Equal weights other than 1 give the unweighted score. */
	CHECK_T(gas_tscore(ones, (int[]){ 4, 4, 4 }, 3), 63.6931);
}

static void
test_dates(void)
{
	int	d = 0;
	char	buf[11];

	CHECK_EQ_INT(date_parse("2026-03-15", 10, &d), 0);
	CHECK_EQ_INT(d, 20260315);
	CHECK_EQ_INT(date_parse("15-03-2026", 10, &d), 0);
	CHECK_EQ_INT(d, 20260315);
	CHECK_EQ_INT(date_parse("5-3-2026", 8, &d), 0);
	CHECK_EQ_INT(d, 20260305);
	CHECK_EQ_INT(date_parse("05/03/2026", 10, &d), 0);
	CHECK_EQ_INT(d, 20260305);
	CHECK_EQ_INT(date_parse("29-02-2024", 10, &d), 0);
	CHECK_EQ_INT(date_parse("29-02-2026", 10, &d), -1);
	CHECK_EQ_INT(date_parse("2026-02-30", 10, &d), -1);
	CHECK_EQ_INT(date_parse("2026-13-01", 10, &d), -1);
	CHECK_EQ_INT(date_parse("15-03-26", 8, &d), -1);
	CHECK_EQ_INT(date_parse("15-03/2026", 10, &d), -1);
	CHECK_EQ_INT(date_parse("2026/03/15", 10, &d), -1);
	CHECK_EQ_INT(date_parse("", 0, &d), -1);
	CHECK_EQ_INT(date_parse("115-3-2026", 10, &d), -1);
	CHECK_EQ_INT(date_parse_iso("15-03-2026", 10, &d), -1);
	CHECK_EQ_INT(date_parse_iso("2026-3-15", 9, &d), -1);
	CHECK_EQ_INT(date_parse_iso("1899-12-31", 10, &d), -1);

	CHECK_EQ_INT(date_age(20100315, 20260314), 15);
	CHECK_EQ_INT(date_age(20100315, 20260315), 16);
	CHECK_EQ_INT(date_age(20080229, 20260228), 17);
	CHECK_EQ_INT(date_age(20260316, 20260315), -1);
	CHECK_EQ_INT(date_age_band(0), 0);
	CHECK_EQ_INT(date_age_band(3), 0);
	CHECK_EQ_INT(date_age_band(4), 1);
	CHECK_EQ_INT(date_age_band(11), 1);
	CHECK_EQ_INT(date_age_band(12), 2);
	CHECK_EQ_INT(date_age_band(17), 2);
	CHECK_EQ_INT(date_age_band(18), 3);

	/*
	 * 2026-11-23 22:30 UTC is 23:30 CET: still the 23rd; an hour later
	 * it is the 24th. 2026-07-01 22:30 UTC is 00:30 CEST on 2 July.
	 * Summer time 2026 starts 29 March 01:00 UTC, ends 25 October.
	 */
	CHECK_EQ_INT(date_today((time_t)1795473000), 20261123);
	CHECK_EQ_INT(date_today((time_t)1795473000 + 3600), 20261124);
	CHECK_EQ_INT(date_today((time_t)1782945000), 20260702);
	/* 22:30 UTC the evening before (CET) and after (CEST) the switch. */
	CHECK_EQ_INT(date_today((time_t)1774737000), 20260328);
	CHECK_EQ_INT(date_today((time_t)1774823400), 20260330);
	date_format(20260305, buf);
	CHECK_STR(buf, "2026-03-05");
}

int
main(void)
{
	test_gas();
	test_dates();
	return test_done("gas");
}

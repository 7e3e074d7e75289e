/* test_civil.c - calendar arithmetic and ISO formatting against the C
 * library's gmtime over four centuries, and the edges by hand. */
#include <time.h>

#include "testutil.h"
#include "hubtop/civil.h"

static void test_known_dates(void **state)
{
	char buf[32];
	(void)state;
	assert_int_equal(civil_days(1970, 1, 1), 0);
	assert_int_equal(civil_days(2000, 3, 1), 11017);
	assert_int_equal(civil_days(1969, 12, 31), -1);
	assert_int_equal(civil_year_start(2024), 1704067200);
	assert_int_equal(civil_iso_time(1714564800, buf, sizeof buf), 0);
	assert_string_equal(buf, "2024-05-01T12:00:00Z");
	assert_int_equal(civil_iso_date(1714564800, buf, sizeof buf), 0);
	assert_string_equal(buf, "2024-05-01");
	/* Unknown times print nothing: each caller says "unknown" its way. */
	assert_int_equal(civil_iso_time(0, buf, sizeof buf), -1);
	assert_string_equal(buf, "");
	assert_int_equal(civil_iso_date(-5, buf, sizeof buf), -1);
	assert_string_equal(buf, "");
}

static void test_matches_gmtime(void **state)
{
	(void)state;
	/* Every 7th day from 1900 to 2300: leap years, centuries, 2000. */
	for (int64_t z = -25567; z < 120000; z += 7) {
		int y;
		unsigned m, d;
		time_t tt = (time_t)(z * 86400 + 3723);
		struct tm tm;
		char want[32], got[32];
		civil_date(z, &y, &m, &d);
		assert_int_equal(civil_days(y, m, d), z);
		assert_non_null(gmtime_r(&tt, &tm));
		assert_int_equal(y, tm.tm_year + 1900);
		assert_int_equal(m, (unsigned)tm.tm_mon + 1);
		assert_int_equal(d, (unsigned)tm.tm_mday);
		if (z > 0) {
			strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
			civil_iso_time((int64_t)tt, got, sizeof got);
			assert_string_equal(got, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_matches_gmtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

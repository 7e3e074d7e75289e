/* test_country.c - ISO 3166-1 table and country groups. */
#include "testutil.h"

#include "hubtop/country.h"

static void test_unknown_is_zero(void **state)
{
	(void)state;
	assert_string_equal(country_code(COUNTRY_UNKNOWN), "");
	assert_string_equal(country_name(COUNTRY_UNKNOWN), "Unknown");
	assert_int_equal(country_group_of(COUNTRY_UNKNOWN), CG_UNKNOWN);
	/* Out of range behaves as unknown, never reads past the table. */
	assert_string_equal(country_code(100000), "");
	assert_string_equal(country_name(100000), "Unknown");
	assert_int_equal(country_group_of(100000), CG_UNKNOWN);
}

static void test_full_list(void **state)
{
	unsigned n = country_count();
	(void)state;
	/* 249 ISO 3166-1 codes plus "unknown", within the 256-bit filter sets. */
	assert_int_equal(n, 250);
	assert_true(n <= 256);
	for (unsigned i = 1; i < n; i++) {
		const char *c = country_code(i);
		assert_int_equal(strlen(c), 2);
		assert_true(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z');
		assert_int_equal(country_find(c), (int)i);
		assert_true(country_name(i)[0] != '\0');
		assert_int_not_equal(country_group_of(i), CG_UNKNOWN);
		if (i > 1)
			assert_true(strcmp(country_code(i - 1), c) < 0);
	}
}

static void test_lookup(void **state)
{
	int us = country_find("US");
	(void)state;
	assert_true(us > 0);
	assert_int_equal(country_find("us"), us);
	assert_int_equal(country_find("uS"), us);
	assert_string_equal(country_name((unsigned)us), "United States");
	assert_string_equal(country_name((unsigned)country_find("kr")), "South Korea");
	assert_string_equal(country_name((unsigned)country_find("TW")), "Taiwan");
	assert_string_equal(country_name((unsigned)country_find("GB")), "United Kingdom");
	assert_true(country_find("AX") > 0);
	assert_true(country_find("ZW") > 0);
}

static void test_invalid_codes(void **state)
{
	(void)state;
	assert_int_equal(country_find(NULL), -1);
	assert_int_equal(country_find(""), -1);
	assert_int_equal(country_find("U"), -1);
	assert_int_equal(country_find("USA"), -1);
	assert_int_equal(country_find("XX"), -1);
	assert_int_equal(country_find("UK"), -1); /* not ISO: the United Kingdom is GB */
	assert_int_equal(country_find("EU"), -1);
	assert_int_equal(country_find("\xff\xfe"), -1);
	assert_int_equal(country_find("1A"), -1);
}

static unsigned count_group(enum country_group g)
{
	unsigned n = 0;
	for (unsigned i = 0; i < country_count(); i++)
		n += country_group_of(i) == g;
	return n;
}

static void assert_group(const char *codes, enum country_group g)
{
	char buf[256], *save = NULL;
	snprintf(buf, sizeof buf, "%s", codes);
	for (char *c = strtok_r(buf, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		int idx = country_find(c);
		if (idx <= 0)
			fail_msg("%s not found", c);
		if (country_group_of((unsigned)idx) != g)
			fail_msg("%s is in group %s, expected %s", c,
				 country_group_key(country_group_of((unsigned)idx)), country_group_key(g));
	}
}

static void test_groups(void **state)
{
	(void)state;
	assert_int_equal(count_group(CG_US), 1);
	assert_int_equal(count_group(CG_CN), 3);
	assert_int_equal(count_group(CG_EU), 27);
	assert_int_equal(count_group(CG_UNKNOWN), 1);
	assert_group("US", CG_US);
	assert_group("CN HK MO", CG_CN);
	assert_group("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE",
		     CG_EU);
	assert_group("GB CH NO IS LI UA RU TR RS BY MD AL", CG_EUROPE_OTHER);
	assert_group("JP KR IN IL AE SA QA TW SG VN ID KZ IR AM GE", CG_ASIA_OTHER);
	assert_group("CA BR MX AR AU NZ ZA NG EG KE PR GU AQ", CG_WORLD_OTHER);
}

static void test_group_keys(void **state)
{
	(void)state;
	for (int g = 0; g < CG_COUNT; g++) {
		assert_int_equal(country_group_find(country_group_key((enum country_group)g)), g);
		assert_true(country_group_name((enum country_group)g)[0] != '\0');
	}
	assert_string_equal(country_group_key(CG_EUROPE_OTHER), "europe-other");
	assert_string_equal(country_group_name(CG_EU), "European Union");
	assert_int_equal(country_group_find("EU"), CG_EU);
	assert_int_equal(country_group_find("Asia-Other"), CG_ASIA_OTHER);
	assert_int_equal(country_group_find("europe"), -1);
	assert_int_equal(country_group_find("us "), -1);
	assert_int_equal(country_group_find(""), -1);
	assert_int_equal(country_group_find(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_is_zero),
		cmocka_unit_test(test_full_list),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_invalid_codes),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_group_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_draw.c - display width, truncation that keeps columns aligned with
 * wide characters, bars, number formats.  No terminal needed. */
#include <locale.h>
#include <math.h>

#include "testutil.h"
#include "hubtop/draw.h"

static int utf8_locale(void)
{
	return setlocale(LC_ALL, "C.UTF-8") != NULL || setlocale(LC_ALL, "en_US.UTF-8") != NULL;
}

static void test_width(void **state)
{
	(void)state;
	if (!utf8_locale())
		skip();
	draw_utf8 = 1;
	assert_int_equal(draw_width("abc"), 3);
	assert_int_equal(draw_width("模型"), 4);
	assert_int_equal(draw_width("café"), 4);
	assert_int_equal(draw_width("a\tb"), 3);          /* control: one '?' */
	assert_int_equal(draw_width("\xff\xfe"), 2);      /* invalid bytes: one each */
	draw_utf8 = 0;
	assert_int_equal(draw_width("模型"), 6);           /* ASCII mode: bytes */
}

static void test_fit_keeps_columns(void **state)
{
	char out[256];
	(void)state;
	if (!utf8_locale())
		skip();
	draw_utf8 = 1;
	draw_fit_str(out, sizeof out, "abc", 6, 0);
	assert_string_equal(out, "abc   ");
	draw_fit_str(out, sizeof out, "abc", 6, 1);
	assert_string_equal(out, "   abc");
	draw_fit_str(out, sizeof out, "abcdefgh", 6, 0);
	assert_string_equal(out, "abcde\xe2\x80\xa6");
	/* A wide character that would straddle the edge is dropped and the
	 * gap padded: still exactly 7 columns. */
	draw_fit_str(out, sizeof out, "a/模型测试", 7, 0);
	assert_int_equal(draw_width(out), 7);
	assert_string_equal(out, "a/模型\xe2\x80\xa6");
	draw_fit_str(out, sizeof out, "a/模型测试", 6, 0);
	assert_string_equal(out, "a/模 \xe2\x80\xa6");   /* 模 fits, 型 would straddle */
	for (int w = 1; w < 14; w++) {
		draw_fit_str(out, sizeof out, "someone/模型-中文-测试", w, w & 1);
		assert_int_equal(draw_width(out), w);
	}
	draw_fit_str(out, sizeof out, "x\x01y", 5, 0);
	assert_string_equal(out, "x?y  ");
	draw_fit_str(out, sizeof out, "anything", 0, 0);
	assert_string_equal(out, "");
	/* ASCII: '~' marks the cut, non-ASCII bytes become '?'. */
	draw_utf8 = 0;
	draw_fit_str(out, sizeof out, "abcdefgh", 6, 0);
	assert_string_equal(out, "abcde~");
	draw_fit_str(out, sizeof out, "é", 3, 0);
	assert_string_equal(out, "?? ");
}

static void test_bars(void **state)
{
	char out[256];
	(void)state;
	draw_utf8 = 1;
	draw_bar_str(out, sizeof out, 0.5, 4);
	assert_string_equal(out, "\xe2\x96\x88\xe2\x96\x88  ");
	draw_bar_str(out, sizeof out, 1.0 / 16, 2);        /* one eighth of a cell */
	assert_string_equal(out, "\xe2\x96\x8f ");
	draw_bar_str(out, sizeof out, 2.0, 3);             /* clamped */
	assert_int_equal(draw_width(out), 3);
	draw_bar_str(out, sizeof out, -1, 3);
	assert_string_equal(out, "   ");
	draw_utf8 = 0;
	draw_bar_str(out, sizeof out, 0.5, 4);
	assert_string_equal(out, "##  ");
	draw_bar_str(out, sizeof out, NAN, 2);             /* NaN: empty */
	assert_string_equal(out, "  ");
}

static void test_numbers(void **state)
{
	char b[32];
	(void)state;
	assert_string_equal(draw_human(0, b, sizeof b), "0");
	assert_string_equal(draw_human(9999, b, sizeof b), "9999");
	assert_string_equal(draw_human(12345, b, sizeof b), "12.3k");
	assert_string_equal(draw_human(999999, b, sizeof b), "1.00M");
	assert_string_equal(draw_human(4560000, b, sizeof b), "4.56M");
	assert_string_equal(draw_human(1200000000ULL, b, sizeof b), "1.20B");
	assert_string_equal(draw_human(25400000000ULL, b, sizeof b), "25.4B");
	assert_string_equal(draw_human(UINT64_MAX, b, sizeof b), "18.4E");
	assert_string_equal(draw_thousands(1234567, b, sizeof b), "1,234,567");
	assert_string_equal(draw_thousands(100, b, sizeof b), "100");
	assert_string_equal(draw_percent(0.4531, b, sizeof b), "45.3%");
	assert_string_equal(draw_percent(NAN, b, sizeof b), "n/a"); /* cannot be computed: never 0 */
	assert_string_equal(draw_date(0, b, sizeof b), "-");
	assert_string_equal(draw_date(1714521600, b, sizeof b), "2024-05-01");
}

static void test_themes(void **state)
{
	(void)state;
	assert_int_equal(draw_theme_find("default"), 0);
	assert_int_equal(draw_theme_find("MONO"), 2);
	assert_int_equal(draw_theme_find("neon"), -1);
	/* No screen: monochrome attributes, and never colour. */
	draw_init(1, 1, "default", 0);
	assert_int_equal(draw_utf8, 0);
	assert_int_equal(draw_color, 0);
	assert_true(draw_attr(DR_SELECTED) & A_REVERSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit_keeps_columns),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_themes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

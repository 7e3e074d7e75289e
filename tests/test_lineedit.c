/* test_lineedit.c - the line editor of the prompts: UTF-8 aware edits and
 * moves, the buffer's bound. */
#include "testutil.h"
#include "hubtop/lineedit.h"

static void test_edits(void **state)
{
	struct line_edit e;
	(void)state;
	lineedit_init(&e, "hello", 64);
	assert_int_equal(e.cur, 5);
	assert_int_equal(lineedit_insert(&e, " world", 6), 1);
	assert_string_equal(e.text, "hello world");
	lineedit_home(&e);
	assert_int_equal(lineedit_backspace(&e), 0);
	assert_int_equal(lineedit_delete(&e), 1);
	assert_string_equal(e.text, "ello world");
	lineedit_end(&e);
	assert_int_equal(lineedit_delete(&e), 0);
	assert_int_equal(lineedit_delete_word(&e), 1);
	assert_string_equal(e.text, "ello ");
	assert_int_equal(lineedit_delete_word(&e), 1);
	assert_string_equal(e.text, "");
	assert_int_equal(lineedit_delete_word(&e), 0);
	lineedit_init(&e, "1000", 64);
	lineedit_left(&e);
	lineedit_left(&e);
	assert_int_equal(lineedit_backspace(&e), 1);
	assert_string_equal(e.text, "100");
	assert_int_equal(e.cur, 1);
	assert_int_equal(lineedit_clear(&e), 1);
	assert_int_equal(lineedit_clear(&e), 0);
	assert_int_equal(e.cur, 0);
}

static void test_utf8(void **state)
{
	struct line_edit e;
	(void)state;
	lineedit_init(&e, "a\xe6\xa8\xa1" "b", 64);   /* a模b */
	lineedit_left(&e);
	assert_int_equal(e.cur, 4);
	lineedit_left(&e);
	assert_int_equal(e.cur, 1);
	lineedit_right(&e);
	assert_int_equal(e.cur, 4);
	assert_int_equal(lineedit_backspace(&e), 1);
	assert_string_equal(e.text, "ab");
	assert_int_equal(lineedit_insert(&e, "\xc3\xa9", 2), 1);
	assert_string_equal(e.text, "a\xc3\xa9" "b");
	lineedit_home(&e);
	lineedit_right(&e);
	assert_int_equal(lineedit_delete(&e), 1);
	assert_string_equal(e.text, "ab");
}

static void test_bounds(void **state)
{
	struct line_edit e;
	(void)state;
	/* max 6 holds 5 bytes: a 2-byte character does not fit after 4. */
	lineedit_init(&e, "abcd", 6);
	assert_int_equal(lineedit_insert(&e, "\xc3\xa9", 2), 0);
	assert_string_equal(e.text, "abcd");
	assert_int_equal(lineedit_insert(&e, "e", 1), 1);
	assert_int_equal(lineedit_insert(&e, "f", 1), 0);
	/* A text too long is cut on a character boundary. */
	lineedit_init(&e, "ab\xe6\xa8\xa1", 5);
	assert_string_equal(e.text, "ab");
	lineedit_init(&e, NULL, 8);
	assert_string_equal(e.text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

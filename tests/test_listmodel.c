/* test_listmodel.c - selection, scrolling and sort stepping of a list,
 * without a terminal. */
#include "testutil.h"
#include "hubtop/listmodel.h"

static void test_moves_stop_at_the_ends(void **state)
{
	struct list_model l = { 10, 0, 0 };
	(void)state;
	list_move(&l, -1);
	assert_int_equal(l.sel, 0);
	list_move(&l, 3);
	assert_int_equal(l.sel, 3);
	list_move(&l, 100);
	assert_int_equal(l.sel, 9);
	list_move(&l, -4);
	assert_int_equal(l.sel, 5);
	list_first(&l);
	assert_int_equal(l.sel, 0);
	list_last(&l);
	assert_int_equal(l.sel, 9);
	list_select(&l, 10);
	assert_int_equal(l.sel, 9);
	list_select(&l, 2);
	assert_int_equal(l.sel, 2);
	/* An empty list stays at 0 whatever is asked. */
	struct list_model e = { 0, 0, 0 };
	list_move(&e, 1);
	list_last(&e);
	list_page(&e, 1, 5);
	assert_int_equal(e.sel, 0);
}

static void test_pages_and_scrolling(void **state)
{
	struct list_model l = { 100, 0, 0 };
	(void)state;
	list_page(&l, 1, 20);
	assert_int_equal(l.sel, 20);
	assert_int_equal(l.top, 20);
	list_page(&l, -1, 30);
	assert_int_equal(l.sel, 0);
	assert_int_equal(l.top, 0);
	/* The selection below the screen pulls the top down... */
	l.sel = 50;
	list_scroll(&l, 20);
	assert_int_equal(l.top, 31);
	assert_int_equal(list_row_at(&l, 19), 50);
	/* ...above it, up; at the end no empty line shows. */
	l.sel = 10;
	list_scroll(&l, 20);
	assert_int_equal(l.top, 10);
	l.sel = 99;
	l.top = 95;
	list_scroll(&l, 20);
	assert_int_equal(l.top, 80);
	assert_int_equal(list_row_at(&l, 25), 100);
	/* A list shorter than the screen starts at its first row. */
	struct list_model s = { 5, 4, 3 };
	list_scroll(&s, 20);
	assert_int_equal(s.top, 0);
	/* Fewer rows after a filter: the selection follows. */
	l.n = 7;
	list_clamp(&l);
	assert_int_equal(l.sel, 6);
}

static void test_sort_stepping(void **state)
{
	/* Columns: rank (unsorted), name 5, downloads 0, likes 1, trend 2. */
	const int sorts[5] = { -1, 5, 0, 1, 2 };
	int shown[5] = { 1, 1, 1, 1, 1 };
	int sort = 0, desc = 1;
	(void)state;
	assert_int_equal(list_sort_step(sorts, shown, 5, 0, 1), 1);
	assert_int_equal(list_sort_step(sorts, shown, 5, 0, -1), 5);
	assert_int_equal(list_sort_step(sorts, shown, 5, 2, 1), 5);
	/* Columns the screen dropped are skipped. */
	shown[3] = 0;
	assert_int_equal(list_sort_step(sorts, shown, 5, 0, 1), 2);
	/* A sort no column has counts from the first column. */
	assert_int_equal(list_sort_step(sorts, shown, 5, 7, 1), 5);
	const int none[2] = { -1, -1 };
	assert_int_equal(list_sort_step(none, shown, 2, 0, 1), -1);
	/* The same key again reverses; name sorts ascending first. */
	list_sort_choose(&sort, &desc, 0, 5);
	assert_int_equal(desc, 0);
	list_sort_choose(&sort, &desc, 5, 5);
	assert_int_equal(sort, 5);
	assert_int_equal(desc, 0);
	list_sort_choose(&sort, &desc, 1, 5);
	assert_int_equal(sort, 1);
	assert_int_equal(desc, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moves_stop_at_the_ends),
		cmocka_unit_test(test_pages_and_scrolling),
		cmocka_unit_test(test_sort_stepping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_strarena.c - the string arena: copies stay put and whole. */
#include "testutil.h"
#include "hubtop/strarena.h"

static void test_copies_stay(void **state)
{
	struct strarena a = { NULL };
	char *keep[5000], want[64];
	(void)state;
	/* Enough strings for several chunks: earlier copies must not move. */
	for (int i = 0; i < 5000; i++) {
		int len = snprintf(want, sizeof want, "account-%d", i);
		keep[i] = strarena_dup(&a, want, (size_t)len);
		assert_non_null(keep[i]);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(want, sizeof want, "account-%d", i);
		assert_string_equal(keep[i], want);
	}
	strarena_free(&a);
	assert_null(a.chunks);
}

static void test_lengths(void **state)
{
	struct strarena a = { NULL };
	size_t big = 40000;
	char *src = malloc(big + 1), *c;
	(void)state;
	memset(src, 'x', big);
	src[big] = 'y';
	/* Longer than a chunk: a chunk of its own, cut at len, NUL-terminated. */
	c = strarena_dup(&a, src, big);
	assert_non_null(c);
	assert_int_equal(strlen(c), big);
	assert_memory_equal(c, src, big);
	/* Empty and cut copies. */
	assert_string_equal(strarena_dup(&a, "abc", 0), "");
	assert_string_equal(strarena_dup(&a, "abcdef", 3), "abc");
	strarena_free(&a);
	strarena_free(&a);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copies_stay),
		cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_safetext.c - the one text rule: what it forbids, what it lets
 * through, and how text is cleaned for the screen, the streams and files. */
#include "testutil.h"
#include "hubtop/safetext.h"

/* Every forbidden class, as the bytes a hostile file could hold. */
static const char *const bad[] = {
	"\x1b[2J", "bell\x07", "nul-free\x01", "tab\there", "cr\r", "lf\n", "del\x7f",
	"c1 csi \xc2\x9b" "31m", "c1 nel \xc2\x85", "soft\xc2\xadhyphen",
	"zwsp\xe2\x80\x8b", "zwj\xe2\x80\x8d", "lrm\xe2\x80\x8e", "rlm\xe2\x80\x8f",
	"ls\xe2\x80\xa8", "ps\xe2\x80\xa9", "lre\xe2\x80\xaa", "rlo\xe2\x80\xae", "wj\xe2\x81\xa0",
	"lri\xe2\x81\xa6", "pdi\xe2\x81\xa9", "bom\xef\xbb\xbf", "iaa\xef\xbf\xb9",
	"stray\x80", "lead\xc3", "cut\xe2\x80", "overlong\xc0\xaf", "overlong3\xe0\x80\xaf",
	"surrogate\xed\xa0\x80", "beyond\xf4\x90\x80\x80", "f5\xf5\x80\x80\x80", "ff\xff",
};
static const char *const good[] = {
	"", "plain ascii ~!@#$%^&*()", "caf\xc3\xa9", "\xe4\xb8\xad\xe6\x96\x87", "emoji \xf0\x9f\x98\x80",
	"nbsp\xc2\xa0ok", "arabic \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a", "U+FFFD \xef\xbf\xbd",
};

static void test_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (safetext_valid(bad[i], SIZE_MAX) || safetext_valid_n(bad[i], strlen(bad[i])))
			fail_msg("allowed: %zu", i);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!safetext_valid(good[i], SIZE_MAX))
			fail_msg("refused: %s", good[i]);
	assert_false(safetext_valid(NULL, 10));
	assert_true(safetext_valid("abc", 3));
	assert_false(safetext_valid("abcd", 3));
	/* The ids and texts of table.h follow the same rule. */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char id[128];
		snprintf(id, sizeof id, "owner/x%s", bad[i]);
		assert_false(table_id_valid(id));
		assert_false(table_text_valid(bad[i], 300));
	}
	assert_true(table_id_valid("owner/caf\xc3\xa9"));
	/* Every code point of the first two planes: one decision per character. */
	for (unsigned cp = 0x80; cp < 0x20000; cp++) {
		unsigned char b[4];
		size_t n;
		if (cp < 0x800) {
			b[0] = (unsigned char)(0xc0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
		} else if (cp < 0x10000) {
			b[0] = (unsigned char)(0xe0 | cp >> 12), b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			b[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
		} else {
			b[0] = (unsigned char)(0xf0 | cp >> 18), b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
		}
		int want = !(cp < 0xa0 || cp == 0xad || (cp >= 0x200b && cp <= 0x200f) ||
			     (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
			     cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xd800 && cp <= 0xdfff));
		size_t got = safetext_char(b, n);
		if (got != (want ? n : 0))
			fail_msg("U+%04X: %zu", cp, got);
		if (!want && cp >= 0xa0 && !(cp >= 0xd800 && cp <= 0xdfff))
			assert_int_equal(safetext_bad_len(b, n), n);
	}
}

static void test_clean(void **state)
{
	char buf[64], small[6];
	char *in;
	(void)state;
	/* One '?' a forbidden character, one a byte of invalid UTF-8. */
	assert_string_equal(safetext_clean(buf, sizeof buf, "a\x1b]\x07\xc2\x9b\xe2\x80\xae" "b"), "a?]???b");
	assert_string_equal(safetext_clean(buf, sizeof buf, "x\xff\xfey"), "x??y");
	assert_string_equal(safetext_clean(buf, sizeof buf, "caf\xc3\xa9"), "caf\xc3\xa9");
	/* Cut at a character boundary. */
	assert_string_equal(safetext_clean(small, sizeof small, "ab\xc3\xa9\xc3\xa9"), "ab\xc3\xa9");
	in = strdup("z\xe2\x80\xae\x1b[31m\xc3\xa9");
	assert_string_equal(safetext_clean_inplace(in), "z??[31m\xc3\xa9");
	free(in);
	assert_string_equal(safetext_show("fine", buf, sizeof buf), "fine");
	assert_string_equal(safetext_show("\x9b", buf, sizeof buf), "?");
}

static void test_streams(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	(void)state;
	assert_non_null(fp);
	assert_int_equal(safetext_fputs("l1\tx\n\x1b[2J\r", fp, 1), 0);
	assert_int_equal(safetext_fputs("\n\t", fp, 0), 0);
	assert_true(safetext_fprintf(fp, "[%s]%d\n", "\xe2\x80\xae" "fdp.exe", 7) > 0);
	fclose(fp);
	assert_string_equal(out, "l1\tx\n?[2J???[?fdp.exe]7\n");
	free(out);
	/* Longer than the fixed buffer of safetext_vfprintf. */
	out = NULL;
	fp = open_memstream(&out, &len);
	{
		char *big = malloc(5000);
		memset(big, 'a', 4999);
		big[4999] = '\0';
		big[2500] = '\x07';
		assert_int_equal(safetext_fprintf(fp, "%s", big), 4999);
		free(big);
	}
	fclose(fp);
	assert_int_equal(len, 4999);
	assert_int_equal(out[2500], '?');
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

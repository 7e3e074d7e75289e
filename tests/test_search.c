/* test_search.c - the id search against a brute-force reference: random
 * tables (ids over a small alphabet, so needles match often, with upper
 * case, UTF-8, odd bytes, short and long ids) and thousands of needles
 * typed, erased, retyped and pasted; then the edge cases. */
#include "testutil.h"
#include "hubtop/listing.h"
#include "hubtop/search.h"
#include "hubtop/table.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t below(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

/* Letters of ids; "\xc3\xa9" is é, "\xc3\x89" É. */
static const char *const id_parts[] = { "a", "A", "b", "B", "l", "L", "0", "7", "-", "_", ".",
					"\xc3\xa9", "\xc3\x89", "ll", "ama", "gguf" };

/* Builds a table of about n ids (the builder drops invalid and repeated
 * ones), one in 8 made of up to max_len parts, the others of up to 12.
 * Some bytes are then overwritten with ones the builder refuses ('+', ' ',
 * 0x01, 0xff), since a loaded file may hold anything. */
static struct ht_snapshot *make_table(uint32_t n, uint32_t max_len)
{
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct ht_item it;
	char id[256];
	assert_non_null(b);
	for (uint32_t i = 0; i < n; i++) {
		size_t len = 0, want = 1 + below(below(8) == 0 ? max_len : 12);
		int slash = below(4) != 0;
		memset(&it, 0, sizeof it);
		while (len < want) {
			const char *p = id_parts[below(sizeof id_parts / sizeof id_parts[0])];
			if (len + strlen(p) + 2 >= sizeof id || len + strlen(p) > 190)
				break;
			memcpy(id + len, p, strlen(p));
			len += strlen(p);
			if (slash && len >= 2 && below(6) == 0) {
				id[len++] = '/';
				slash = 0;
			}
		}
		id[len] = '\0';
		it.id = id;
		it.downloads = below(1000);
		(void)table_builder_add(b, HT_MODELS, &it);
	}
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	for (uint32_t r = 0; r < s->t[HT_MODELS].n; r++) {
		char *p = s->pool + s->t[HT_MODELS].id[r];
		static const char odd[] = { '+', ' ', 0x01, (char)0xff };
		if (below(20) == 0)
			p[below((uint32_t)strlen(p))] = odd[below(4)];
	}
	return s;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static int bf_contains(const char *id, const char *needle)
{
	size_t k = strlen(needle);
	for (const char *p = id; *p; p++) {
		size_t j = 0;
		while (j < k && p[j] && lower(p[j]) == lower(needle[j]))
			j++;
		if (j == k)
			return 1;
	}
	return 0;
}

/* search_match(needle) against the reference, every bit of every word. */
static void check(struct search_index *x, const struct ht_snapshot *s, const char *needle)
{
	uint32_t n = s->t[HT_MODELS].n, count = 12345, want = 0;
	const uint64_t *bits = search_match(x, needle, &count);
	if (!*needle) {
		assert_null(bits);
		assert_int_equal(count, 0);
		return;
	}
	assert_non_null(bits);
	for (uint32_t w = 0; w < (n + 63) / 64; w++) {
		uint64_t ref = 0;
		for (uint32_t b = 0; b < 64 && w * 64 + b < n; b++)
			if (bf_contains(ht_id(s, HT_MODELS, w * 64 + b), needle))
				ref |= (uint64_t)1 << b;
		if (bits[w] != ref)
			fail_msg("needle \"%s\": word %u is %016llx, want %016llx", needle, w,
				 (unsigned long long)bits[w], (unsigned long long)ref);
		want += (uint32_t)__builtin_popcountll(ref);
	}
	assert_int_equal(count, want);
}

/* Characters typed: the ids' alphabet in both cases, '/', bytes of é, and
 * some found in no id. */
static const char typed[] = "aAbBlL07-_./mM+ z\xc3\xa9\x89\x01\xff";

/* Random typing on one table: letters, erasing one or three, clearing,
 * pasting a piece of an id (long matches), retyping what was erased. */
static void session(const struct ht_snapshot *s, unsigned steps)
{
	struct search_index *x = search_new(s, HT_MODELS);
	char needle[200] = "", erased[200] = "";
	uint32_t n = s->t[HT_MODELS].n;
	assert_non_null(x);
	assert_true(search_memory(x) > 0);
	for (unsigned i = 0; i < steps; i++) {
		size_t l = strlen(needle);
		unsigned mode = below(20);
		if (mode < 9 && l + 1 < sizeof needle) {
			needle[l] = typed[below(sizeof typed - 1)];
			needle[l + 1] = '\0';
		} else if (mode < 12 && l) {
			size_t e = mode == 11 && l >= 3 ? 3 : 1;
			memcpy(erased, needle, l + 1);
			needle[l - e] = '\0';
		} else if (mode < 14 && strlen(erased) > l && !strncmp(erased, needle, l)) {
			/* Retyping what was erased, one letter at a time. */
			for (size_t j = l; erased[j]; j++) {
				needle[j] = erased[j];
				needle[j + 1] = '\0';
				check(x, s, needle);
			}
			continue;
		} else if (mode < 16 && n) {
			const char *id = ht_id(s, HT_MODELS, below(n));
			size_t il = strlen(id), a = below((uint32_t)il), len = 1 + below((uint32_t)(il - a));
			memcpy(needle, id + a, len);
			needle[len] = '\0';
			if (below(2))
				needle[0] = (char)(needle[0] >= 'a' && needle[0] <= 'z' ? needle[0] - 32 : needle[0]);
		} else if (mode < 17) {
			needle[0] = '\0';
		} else if (mode < 19 && n) {
			/* A whole id, then typed on past its end. */
			snprintf(needle, sizeof needle, "%s%s", ht_id(s, HT_MODELS, below(n)), below(2) ? "a" : "");
		}
		check(x, s, needle);
		/* Idle time between keys, half the time: the answer stays the
		 * same, the next letters read what it kept. */
		if (below(2)) {
			int rc = search_refine(x);
			assert_true(rc >= 0);
			if (rc) {
				check(x, s, needle);
				assert_int_equal(search_refine(x), 0);
			}
			/* and at times what earlier needles kept goes */
			if (below(3) == 0) {
				search_trim(x);
				check(x, s, needle);
			}
		}
	}
	search_free(x);
}

/* Refining has work only for an answer made from the pair sets (two
 * letters), once; the letters typed after it use what it kept. */
static void test_refine(void **state)
{
	struct ht_snapshot *s = make_table(5000, 40);
	struct search_index *x = search_new(s, HT_MODELS);
	static const char *const words[] = { "ab", "ba-", "l0", "-_", "./" };
	char needle[8];
	(void)state;
	assert_non_null(x);
	assert_int_equal(search_refine(x), 0); /* nothing searched yet */
	check(x, s, "a");
	assert_int_equal(search_refine(x), 0); /* one letter: the class bitmap, nothing to keep */
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		check(x, s, words[w]);
		if (strlen(words[w]) == 2)
			assert_int_equal(search_refine(x), 1);
		assert_int_equal(search_refine(x), 0);
		for (const char *c = "abl0-_./"; *c; c++) {
			snprintf(needle, sizeof needle, "%s%c", words[w], *c);
			check(x, s, needle);
			check(x, s, words[w]);
		}
	}
	search_free(x);
	table_free(s);
}

/* Trimming gives back what the needles no longer typed kept, and only
 * that: the answers stay, to the needle typed last too. */
static void test_trim(void **state)
{
	struct ht_snapshot *s = make_table(20000, 60);
	struct search_index *x = search_new(s, HT_MODELS);
	size_t m0, m1, m2;
	(void)state;
	assert_non_null(x);
	m0 = search_memory(x);
	assert_int_equal(search_trim(x), 0); /* nothing kept yet */
	check(x, s, "a");
	check(x, s, "ab");
	check(x, s, "abl");
	check(x, s, "abl0");
	m1 = search_memory(x);
	assert_true(m1 > m0);
	assert_int_equal(search_trim(x), 0); /* all of them prefixes of the last */
	assert_int_equal(search_memory(x), m1);
	check(x, s, "b");
	check(x, s, "b-");
	check(x, s, "b-l");
	m2 = search_memory(x);
	assert_true(search_trim(x) > 0); /* "ab", "abl", "abl0" go */
	assert_true(search_memory(x) < m2);
	assert_int_equal(search_trim(x), 0);
	check(x, s, "b-l");
	check(x, s, "b-");
	check(x, s, "abl0");
	check(x, s, "ab");
	check(x, s, "abl");
	search_free(x);
	table_free(s);
}

static void test_random_tables(void **state)
{
	static const uint32_t sizes[][3] = {
		/* ids, longest, needles */
		{ 20000, 150, 1500 }, { 9000, 30, 2500 }, { 3000, 190, 2500 }, { 300, 60, 3000 },
		{ 65, 20, 2000 },     { 5, 12, 1000 },    { 1, 8, 300 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct ht_snapshot *s = make_table(sizes[i][0], sizes[i][1]);
		session(s, sizes[i][2]);
		table_free(s);
	}
}

/* Letter by letter past the longest cached prefix, and back. */
static void test_long_needles(void **state)
{
	struct ht_snapshot *s = make_table(2000, 190);
	struct search_index *x = search_new(s, HT_MODELS);
	char needle[256];
	uint32_t longest = 0;
	(void)state;
	assert_non_null(x);
	for (uint32_t r = 1; r < s->t[HT_MODELS].n; r++)
		if (strlen(ht_id(s, HT_MODELS, r)) > strlen(ht_id(s, HT_MODELS, longest)))
			longest = r;
	snprintf(needle, sizeof needle, "%s", ht_id(s, HT_MODELS, longest));
	assert_true(strlen(needle) > 100);
	for (size_t l = 1; l <= strlen(ht_id(s, HT_MODELS, longest)); l++) {
		needle[l] = '\0';
		check(x, s, needle);
		needle[l] = ht_id(s, HT_MODELS, longest)[l];
	}
	for (size_t l = strlen(needle); l > 0; l -= l > 7 ? 7 : l) {
		needle[l] = '\0';
		check(x, s, needle);
	}
	/* Longer than any id. */
	memset(needle, 'a', 250);
	needle[250] = '\0';
	check(x, s, needle);
	search_free(x);
	table_free(s);
}

static struct ht_snapshot *table_of(const char *const *ids, size_t n)
{
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct ht_item it;
	for (size_t i = 0; i < n; i++) {
		memset(&it, 0, sizeof it);
		it.id = ids[i];
		it.downloads = 100 - i;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	return s;
}

static void test_edges(void **state)
{
	static const char *const ids[] = { "Meta-Llama/Llama-3.1-8B_Instruct", "gpt2", "caf\xc3\xa9/mod\xc3\xa9le-7" };
	static const char *const needles[] = {
		"", "a", "A", "z", "3", "-", "_", ".", "/", "\xc3", "\xa9", "+", "ll", "LL", "a/", "/l", "3.1",
		"meta-llama/llama-3.1-8b_instruct", "META-LLAMA/LLAMA-3.1-8B_INSTRUCT!", "gpt2", "gpt22", "pt",
		"\xc3\xa9", "\xc3\xa9/", "mod\xc3\xa9le", "MOD\xc3\x89LE", "-7", "7", "8b_i", "nothing",
	};
	struct ht_snapshot *s;
	struct search_index *x;
	uint32_t count = 1;
	(void)state;

	/* No rows: an empty answer, never NULL for a needle. */
	s = table_of(ids, 0);
	x = search_new(s, HT_MODELS);
	assert_non_null(x);
	assert_non_null(search_match(x, "a", &count));
	assert_int_equal(count, 0);
	assert_null(search_match(x, "", &count));
	search_free(x);
	x = search_new(s, HT_DATASETS);
	assert_non_null(x);
	check(x, s, "x");
	search_free(x);
	table_free(s);

	/* One row, then three: every class alone, the whole id, one byte more. */
	for (size_t n = 1; n <= 3; n += 2) {
		s = table_of(ids, n);
		x = search_new(s, HT_MODELS);
		assert_non_null(x);
		for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
			check(x, s, needles[i]);
		/* The same again, backwards: other cached prefixes. */
		for (size_t i = sizeof needles / sizeof needles[0]; i-- > 0;)
			check(x, s, needles[i]);
		search_free(x);
		table_free(s);
	}
	search_free(NULL);
}

/* The real 2022 listing (55,524 ids), when ../shared is there: real words
 * typed letter by letter and erased, then random typing. */
static void test_hubdata(void **state)
{
	static const char *const words[] = { "bert-base-uncased", "Helsinki-NLP/opus-mt-", "gpt2",
					     "distilbert", "roberta-large", "t5-small", "wav2vec2", "/",
					     "sentence-transformers/", "facebook/bart", "finetuned-ner" };
	struct listing_stats st;
	struct ht_snapshot *s;
	struct search_index *x;
	char needle[64];
	(void)state;
	s = testutil_hubdata(&st);
	x = search_new(s, HT_MODELS);
	assert_non_null(x);
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		size_t len = strlen(words[w]);
		for (size_t l = 1; l <= len; l++) {
			snprintf(needle, sizeof needle, "%.*s", (int)l, words[w]);
			check(x, s, needle);
		}
		for (size_t l = len; l-- > 0;) {
			snprintf(needle, sizeof needle, "%.*s", (int)l, words[w]);
			check(x, s, needle);
		}
	}
	search_free(x);
	session(s, 400);
	table_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_refine),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_long_needles),
		cmocka_unit_test(test_random_tables),
		cmocka_unit_test(test_hubdata),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

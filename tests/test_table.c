/* test_table.c - builder, ids, lookups, time parsing. */
#include "testutil.h"
#include "hubtop/table.h"

static struct ht_snapshot *build_small(void)
{
	struct ht_builder *b = table_builder_new();
	struct ht_item it;
	struct ht_meta m = { 0 };

	memset(&it, 0, sizeof it);
	it.id = "Qwen/Qwen2.5-7B";
	it.downloads = 500;
	it.oid = "a1";
	it.pipeline = "text-generation";
	it.tags[it.n_tags++] = "license:apache-2.0";
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);

	memset(&it, 0, sizeof it);
	it.id = "bob/qwen-ft";
	it.oid = "a2";
	it.downloads = 900;
	it.tags[it.n_tags++] = "base_model:Qwen/Qwen2.5-7B";
	it.tags[it.n_tags++] = "base_model:finetune:Qwen/Qwen2.5-7B";
	it.tags[it.n_tags++] = "base_model:adapter:other/base";
	it.tags[it.n_tags++] = "region:us";
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);

	/* Same _id again (the listing moved during a crawl): dropped. */
	it.id = "bob/qwen-ft-renamed";
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 1);
	/* Same id, no _id: dropped. */
	memset(&it, 0, sizeof it);
	it.id = "Qwen/Qwen2.5-7B";
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 1);
	/* Legacy id: its own owner. */
	it.id = "gpt2";
	it.downloads = 900;
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	/* Hostile id: refused. */
	it.id = "evil/\x1b[2Jx";
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), -1);

	memset(&it, 0, sizeof it);
	it.id = "stanfordnlp/imdb";
	it.downloads = 7;
	it.tags[it.n_tags++] = "task_categories:text-classification";
	it.tags[it.n_tags++] = "language:en";
	assert_int_equal(table_builder_add(b, HT_DATASETS, &it), 0);
	assert_int_equal(table_builder_count(b, HT_MODELS), 3);
	assert_int_equal(table_builder_set_account_kind(b, "stanfordnlp", HT_ACCT_ORG), 0);
	m.complete = 1;
	return table_builder_finish(b, &m);
}

static void test_builder(void **state)
{
	struct ht_snapshot *s = build_small();
	const struct ht_table *t;
	uint32_t r, a;

	(void)state;
	assert_non_null(s);
	t = &s->t[HT_MODELS];
	assert_int_equal(t->n, 3);
	/* Sorted by downloads descending, ties by id. */
	assert_string_equal(ht_id(s, HT_MODELS, 0), "bob/qwen-ft");
	assert_string_equal(ht_id(s, HT_MODELS, 1), "gpt2");
	assert_string_equal(ht_id(s, HT_MODELS, 2), "Qwen/Qwen2.5-7B");
	assert_string_equal(ht_author(s, HT_MODELS, 1), "gpt2");
	assert_string_equal(ht_author(s, HT_MODELS, 2), "Qwen");
	assert_string_equal(ht_term(s, t->pipeline[2]), "text-generation");
	assert_string_equal(ht_term(s, t->license[2]), "apache-2.0");
	/* Lineage: the plain tag upgraded by its relation, no duplicate link. */
	assert_int_equal(t->link_count[0], 2);
	assert_string_equal(ht_str(s, s->link_base[t->link_first[0]]), "Qwen/Qwen2.5-7B");
	assert_int_equal(s->link_rel[t->link_first[0]], HT_REL_FINETUNE);
	assert_int_equal(s->link_rel[t->link_first[0] + 1], HT_REL_ADAPTER);
	/* Links resolved to rows: the base is row 2, the other base is absent. */
	assert_int_equal(s->link_row[t->link_first[0]], 2);
	assert_int_equal(s->link_row[t->link_first[0] + 1], UINT32_MAX);
	/* Datasets: task category and language terms. */
	t = &s->t[HT_DATASETS];
	assert_int_equal(t->n, 1);
	assert_string_equal(ht_term(s, t->pipeline[0]), "text-classification");
	assert_int_equal(t->list_count[0], 2);
	assert_string_equal(ht_term(s, s->lists[t->list_first[0] + 1]), "language:en");
	/* Lookups. */
	r = table_find_id(s, HT_MODELS, "gpt2");
	assert_int_equal(r, 1);
	assert_int_equal(table_find_id(s, HT_MODELS, "nope/nope"), UINT32_MAX);
	a = table_find_account(s, "stanfordnlp");
	assert_int_not_equal(a, UINT32_MAX);
	assert_int_equal(s->acct_kind[a], HT_ACCT_ORG);
	assert_int_equal(table_find_account(s, "nobody"), UINT32_MAX);
	assert_int_not_equal(table_find_term(s, "text-generation"), 0);
	assert_int_equal(table_find_term(s, "unknown-term"), 0);
	table_free(s);
}

static void test_ids(void **state)
{
	char buf[64];
	(void)state;
	assert_true(table_id_valid("meta-llama/Llama-3.1-8B"));
	assert_true(table_id_valid("gpt2"));
	assert_true(table_id_valid("a_b.c/d-e_f.g"));
	assert_false(table_id_valid(""));
	assert_false(table_id_valid("/x"));
	assert_false(table_id_valid("x/"));
	assert_false(table_id_valid("a/b/c"));
	assert_false(table_id_valid("a/../b"));
	assert_false(table_id_valid("a b/c"));
	assert_false(table_id_valid("a/b\n"));
	assert_false(table_id_valid("-a/b"));
	/* Wide characters are fine; invisible or reordering ones are not. */
	assert_true(table_id_valid("\xe6\x99\xba\xe8\xb0\xb1/\xe6\xa8\xa1\xe5\x9e\x8b" "-7B"));
	assert_false(table_id_valid("a/b\xe2\x80\xaegpj.exe"));
	assert_false(table_id_valid("a/b\xc2\x9b" "2J"));
	assert_false(table_id_valid("a/\xff\xfe"));
	assert_false(table_id_valid("a/\xe6\x99"));
	table_owner_of("Qwen/Qwen2", buf, sizeof buf);
	assert_string_equal(buf, "Qwen");
	table_owner_of("bert-base-uncased", buf, sizeof buf);
	assert_string_equal(buf, "bert-base-uncased");
}

static void test_ids_more(void **state)
{
	char id[HT_ID_MAX + 8];
	(void)state;
	assert_true(table_id_valid("a-b.c/d--e"));
	assert_true(table_id_valid("a.-b/c"));
	assert_false(table_id_valid("a-/b"));
	assert_false(table_id_valid("a/b."));
	assert_false(table_id_valid("a/.b"));
	assert_false(table_id_valid("a..b/c"));
	assert_false(table_id_valid("a/b..c"));
	assert_false(table_id_valid("/"));
	assert_false(table_id_valid("a//b"));
	assert_true(table_id_valid("\xc3\xa9t\xc3\xa9/\xc3\xa9"));
	assert_false(table_id_valid("a/\xc3"));
	assert_false(table_id_valid("a/b\x7f"));
	/* Legacy ids of the Hub reach 257 bytes: up to HT_ID_MAX are kept. */
	memset(id, 'x', sizeof id);
	id[0] = 'a';
	id[1] = '/';
	id[257] = '\0';
	assert_true(table_id_valid(id));
	id[257] = 'x';
	id[HT_ID_MAX] = '\0';
	assert_true(table_id_valid(id));
	id[HT_ID_MAX] = 'x';
	id[HT_ID_MAX + 1] = '\0';
	assert_false(table_id_valid(id));
	assert_string_equal(table_id_problem(id), "an id longer than 1024 bytes");
}

static void test_text(void **state)
{
	char s[400];
	size_t at;
	(void)state;
	assert_true(table_text_valid("", 10));
	assert_true(table_text_valid("text-generation", 300));
	assert_true(table_text_valid("caf\xc3\xa9 \xe6\x99\xba\xe8\xb0\xb1, more text after it", 300));
	assert_false(table_text_valid(NULL, 10));
	assert_false(table_text_valid("a\xe2\x80\xae" "b", 300));
	assert_false(table_text_valid("\xc2\x9b", 300));
	assert_false(table_text_valid("ab\xff", 300));
	/* A control byte or DEL anywhere, in short and long text alike. */
	for (at = 0; at < 40; at++) {
		memset(s, 'a', 41);
		s[41] = '\0';
		s[at] = '\x1b';
		assert_false(table_text_valid(s, 300));
		s[at] = '\x7f';
		assert_false(table_text_valid(s, 300));
		s[at] = '~';
		assert_true(table_text_valid(s, 300));
		s[at + 1] = '\0';
		s[at] = '\t';
		assert_false(table_text_valid(s, 300));
	}
	/* At most max bytes, a multi-byte character counting all of its. */
	memset(s, 'a', 300);
	s[300] = '\0';
	assert_true(table_text_valid(s, 300));
	assert_false(table_text_valid(s, 299));
	memcpy(s + 298, "\xc3\xa9", 3);
	assert_true(table_text_valid(s, 300));
	assert_false(table_text_valid(s, 299));
	assert_true(table_text_valid(s, SIZE_MAX));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rows with equal downloads are ordered by id, however long the prefix
 * ids share, and an id that is a prefix of another comes first. */
static void test_sort_ties(void **state)
{
	static const char *const stems[] = {
		"a", "ab", "a/b", "a/bb", "z/", "org-12345/model-1234567", "org-12345/model-123456",
		"org-12345/model-1234567890", "org-12345/model-1234567891", "user-1/x", "user-10/x",
		"user-1/xx", "\xc3\xa9t\xc3\xa9/a", "A/b", "a-very-long-organisation-name/m",
		"a-very-long-organisation-name/model-with-a-long-name-1",
		"a-very-long-organisation-name/model-with-a-long-name-10",
		"a-very-long-organisation-name/model-with-a-long-name-2",
	};
	enum { N = sizeof stems / sizeof stems[0] };
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct ht_item it;
	char ids[3][N][80];
	const char *want[3 * N];
	uint32_t i, k, n = 0;

	(void)state;
	for (k = 0; k < 3; k++) {
		for (i = 0; i < N; i++) {
			/* Two groups of equal downloads; a third apart, added first. */
			snprintf(ids[k][i], sizeof ids[k][i], "%s%s", stems[(i * 7 + k) % N],
				 k == 1 ? "-1" : k == 2 ? "-2" : "");
			memset(&it, 0, sizeof it);
			it.id = ids[k][i];
			if (!table_id_valid(it.id))
				continue;
			it.downloads = k == 2 ? 9 : 3;
			assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
			if (k != 2)
				want[n++] = ids[k][i];
		}
	}
	qsort(want, n, sizeof want[0], cmp_str);
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	for (i = 0; i < s->t[HT_MODELS].n; i++)
		if (s->t[HT_MODELS].downloads[i] == 9)
			assert_true(i == 0 || s->t[HT_MODELS].downloads[i - 1] == 9);
	for (i = 0, k = 0; i < s->t[HT_MODELS].n; i++)
		if (s->t[HT_MODELS].downloads[i] == 3)
			assert_string_equal(ht_id(s, HT_MODELS, i), want[k++]);
	assert_int_equal(k, n);
	table_free(s);
}

/* Duplicates by _id and by id, across the growth of the maps; base models
 * named before, after or without their own row. */
static void test_dups_and_links(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct ht_item it;
	char id[64], oid[32], base[80];
	uint32_t i, row;

	(void)state;
	for (i = 0; i < 20000; i++) {
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "u%u/m-%u", i % 311, i);
		snprintf(oid, sizeof oid, "%024x", i);
		it.id = id;
		it.oid = oid;
		it.downloads = i;
		/* Each model names the next one as its base: not added yet. */
		snprintf(base, sizeof base, "base_model:adapter:u%u/m-%u", (i + 1) % 311, i + 1);
		it.tags[it.n_tags++] = base;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	for (i = 0; i < 20000; i += 7) {
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "u%u/m-%u", i % 311, i);
		snprintf(oid, sizeof oid, "%024x", i);
		it.id = id;
		it.oid = oid;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 1);
		/* Same _id, renamed. */
		snprintf(id, sizeof id, "renamed/m-%u", i);
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 1);
		/* Same id, another _id. */
		snprintf(id, sizeof id, "u%u/m-%u", i % 311, i);
		snprintf(oid, sizeof oid, "f%023x", i);
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 1);
	}
	assert_int_equal(table_builder_count(b, HT_MODELS), 20000);
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	assert_int_equal(s->n_links, 20000);
	assert_int_equal(s->n_accounts, 311);
	for (i = 0; i < 20000; i += 997) {
		snprintf(id, sizeof id, "u%u/m-%u", i % 311, i);
		row = table_find_id(s, HT_MODELS, id);
		assert_int_not_equal(row, UINT32_MAX);
		assert_int_equal(s->t[HT_MODELS].link_count[row], 1);
		snprintf(id, sizeof id, "u%u/m-%u", (i + 1) % 311, i + 1);
		assert_string_equal(ht_str(s, s->link_base[s->t[HT_MODELS].link_first[row]]), id);
		assert_int_equal(s->link_rel[s->t[HT_MODELS].link_first[row]], HT_REL_ADAPTER);
		assert_int_equal(s->link_row[s->t[HT_MODELS].link_first[row]],
				 table_find_id(s, HT_MODELS, id));
	}
	/* The last model's base was never added. */
	row = table_find_id(s, HT_MODELS, "u95/m-19999");
	assert_int_not_equal(row, UINT32_MAX);
	assert_int_equal(s->link_row[s->t[HT_MODELS].link_first[row]], UINT32_MAX);
	table_free(s);
}

static void test_time(void **state)
{
	(void)state;
	assert_int_equal(table_parse_time("1970-01-01T00:00:00.000Z"), 0);
	assert_int_equal(table_parse_time("2022-03-02T23:29:04.000Z"), 1646263744);
	assert_int_equal(table_parse_time("2024-02-29"), 1709164800);
	assert_int_equal(table_parse_time("2024-13-01"), -1);
	assert_int_equal(table_parse_time("yesterday"), -1);
	assert_int_equal(table_parse_time(NULL), -1);
}

static void test_many(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct ht_item it;
	char id[64];
	uint32_t i;

	(void)state;
	for (i = 0; i < 50000; i++) {
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "user%u/model-%u", i % 977, i);
		it.id = id;
		it.downloads = (i * 2654435761u) % 100000;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	assert_int_equal(s->t[HT_MODELS].n, 50000);
	assert_int_equal(s->n_accounts, 977);
	for (i = 1; i < 50000; i++)
		assert_true(s->t[HT_MODELS].downloads[i - 1] >= s->t[HT_MODELS].downloads[i]);
	for (i = 0; i < 50000; i += 997) {
		snprintf(id, sizeof id, "user%u/model-%u", i % 977, i);
		assert_string_equal(ht_id(s, HT_MODELS, table_find_id(s, HT_MODELS, id)), id);
	}
	for (i = 1; i < s->n_accounts; i++)
		assert_true(strcmp(ht_str(s, s->acct_name[i - 1]), ht_str(s, s->acct_name[i])) < 0);
	table_free(s);
}

/* Maps sized ahead (table_builder_reserve) and keys made apart
 * (table_item_keys, as an import's parser threads make them) drop the same
 * duplicates and give the same snapshot as the plain builder. */
static void test_reserve_keyed(void **state)
{
	struct ht_builder *b0 = table_builder_new(), *b1 = table_builder_new();
	struct ht_snapshot *s0, *s1;
	struct ht_item it;
	struct ht_item_keys k;
	char id[64], oid[32];
	uint32_t i;

	(void)state;
	assert_int_equal(table_builder_reserve(b1, HT_MODELS, 30000), 0);
	for (i = 0; i < 40000; i++) {
		memset(&it, 0, sizeof it);
		/* Every tenth id again under a new _id, every seventh _id again. */
		snprintf(id, sizeof id, "user%u/model-%u", i % 613, i % 10 ? i : i / 10);
		snprintf(oid, sizeof oid, "%024x", i % 7 ? i : i / 7);
		it.id = id;
		it.oid = oid;
		it.author = i % 3 ? NULL : "someone";
		it.downloads = (i * 2654435761u) % 100000;
		assert_int_equal(table_item_keys(&it, &k), 0);
		assert_int_equal(table_builder_add_keyed(b1, HT_MODELS, &it, &k),
				 table_builder_add(b0, HT_MODELS, &it));
	}
	it.id = "bad//id";
	assert_int_equal(table_item_keys(&it, &k), -1);
	s0 = table_builder_finish(b0, NULL);
	s1 = table_builder_finish(b1, NULL);
	assert_non_null(s0);
	assert_non_null(s1);
	assert_true(s0->t[HT_MODELS].n > 20000 && s0->t[HT_MODELS].n < 40000);
	assert_int_equal(s1->t[HT_MODELS].n, s0->t[HT_MODELS].n);
	assert_int_equal(s1->n_accounts, s0->n_accounts);
	for (i = 0; i < s0->t[HT_MODELS].n; i++) {
		assert_string_equal(ht_id(s1, HT_MODELS, i), ht_id(s0, HT_MODELS, i));
		assert_string_equal(ht_author(s1, HT_MODELS, i), ht_author(s0, HT_MODELS, i));
	}
	table_free(s0);
	table_free(s1);
}

/* A table finished on two threads (table_builder_tune) is the same as on
 * one: every column, the account map and the links' rows, with downloads
 * tied, ids sharing more than the sort key's 24-byte prefix, and odd and
 * even counts of rows. */
static struct ht_snapshot *build_for_finish(uint32_t n, unsigned threads, size_t min)
{
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	char id[96], base[96], tag[128];
	assert_non_null(b);
	for (uint32_t i = 0; i < n; i++) {
		struct ht_item it;
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "org%u/a-very-long-shared-model-name-prefix-%u", i % 97, (i * 2654435761u) % 100003);
		it.id = id;
		it.downloads = i % 5 ? (i * 40503u) % 300 : 0;
		it.flags = i % 11 ? 0 : HT_F_DL_UNKNOWN;
		it.likes = i;
		it.created = 1600000000 + i;
		it.pipeline = i % 2 ? "text-generation" : NULL;
		snprintf(base, sizeof base, "org%u/a-very-long-shared-model-name-prefix-%u", (i + 3) % 97,
			 (i * 7u) % 100003);
		snprintf(tag, sizeof tag, "base_model:finetune:%s", base);
		it.tags[0] = tag;
		it.tags[1] = "language:en";
		it.n_tags = i % 3 ? 2 : 0;
		(void)table_builder_add(b, HT_MODELS, &it);
	}
	table_builder_tune(threads, min);
	s = table_builder_finish(b, NULL);
	table_builder_tune(0, 100000);
	assert_non_null(s);
	return s;
}

static void test_finish_threads(void **state)
{
	static const uint32_t sizes[] = { 2, 3, 17, 1000, 4001, 30000 };
	(void)state;
	for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
		struct ht_snapshot *one = build_for_finish(sizes[z], 1, 0);
		struct ht_snapshot *two = build_for_finish(sizes[z], 2, 0);
		const struct ht_table *a = &one->t[HT_MODELS], *c = &two->t[HT_MODELS];
		assert_int_equal(a->n, c->n);
		assert_true(a->n > sizes[z] / 2);
		assert_int_equal(one->pool_len, two->pool_len);
		assert_memory_equal(one->pool, two->pool, one->pool_len);
		assert_memory_equal(a->id, c->id, a->n * 4u);
		assert_memory_equal(a->author, c->author, a->n * 4u);
		assert_memory_equal(a->downloads, c->downloads, a->n * 8u);
		assert_memory_equal(a->likes, c->likes, a->n * 4u);
		assert_memory_equal(a->created, c->created, a->n * 8u);
		assert_memory_equal(a->pipeline, c->pipeline, a->n * 4u);
		assert_memory_equal(a->flags, c->flags, a->n);
		assert_memory_equal(a->list_first, c->list_first, a->n * 4u);
		assert_memory_equal(a->link_first, c->link_first, a->n * 4u);
		assert_memory_equal(a->link_count, c->link_count, a->n * 4u);
		assert_int_equal(one->n_links, two->n_links);
		if (one->n_links)
			assert_memory_equal(one->link_row, two->link_row, one->n_links * 4u);
		/* Sorted: more downloads first, unknown last, then by id. */
		for (uint32_t i = 1; i < a->n; i++) {
			int ua = (a->flags[i - 1] & HT_F_DL_UNKNOWN) != 0, ub = (a->flags[i] & HT_F_DL_UNKNOWN) != 0;
			assert_true(ua <= ub);
			if (ua == ub && a->downloads[i - 1] == a->downloads[i])
				assert_true(strcmp(ht_id(one, HT_MODELS, i - 1), ht_id(one, HT_MODELS, i)) < 0);
			else if (ua == ub)
				assert_true(a->downloads[i - 1] > a->downloads[i]);
		}
		table_free(one);
		table_free(two);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_ids_more),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_dups_and_links),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_reserve_keyed),
		cmocka_unit_test(test_finish_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

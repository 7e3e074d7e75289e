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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

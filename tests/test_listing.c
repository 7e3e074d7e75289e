/* test_listing.c - Hub listing items into the builder. */
#include <pthread.h>
#include "testutil.h"
#include "hubtop/listing.h"
#include "hubtop/store.h"

static struct ht_snapshot *import_text(const char *text, enum ht_kind kind,
				       struct listing_stats *st, int *rc, char *err)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct ht_builder *b = table_builder_new();
	assert_non_null(fp);
	memset(st, 0, sizeof *st);
	*rc = listing_import(fp, "input.jsonl", b, kind, st, err, 512);
	fclose(fp);
	return table_builder_finish(b, NULL);
}

/* Sizes from safetensors (its total, else the sum by dtype) and gguf
 * (only without safetensors); none, null or a bad value: unknown, never 0.
 * A model's language: tags are kept, in its list. */
static void test_sizes_and_languages(void **state)
{
	const char *page =
		"[{\"id\":\"a/st\",\"downloads\":9,\"safetensors\":{\"parameters\":{\"BF16\":7000000000,"
		"\"F32\":1000},\"total\":7000001000},\"tags\":[\"language:en\",\"language:zh\"]},"
		"{\"id\":\"a/sum\",\"downloads\":8,\"safetensors\":{\"parameters\":{\"BF16\":300,\"F16\":200}}},"
		"{\"id\":\"a/gguf\",\"downloads\":7,\"gguf\":{\"total\":1500000000,\"architecture\":\"llama\"}},"
		"{\"id\":\"a/both\",\"downloads\":6,\"gguf\":{\"total\":5},\"safetensors\":{\"total\":125000000}},"
		"{\"id\":\"a/none\",\"downloads\":5,\"tags\":[\"language:fr\"]},"
		"{\"id\":\"a/null\",\"downloads\":4,\"safetensors\":null,\"gguf\":null},"
		"{\"id\":\"a/bad\",\"downloads\":3,\"safetensors\":{\"total\":-4}}]";
	static const uint64_t want[] = { 7000001000ull, 500, 1500000000ull, 125000000ull, 0, 0, 0 };
	struct ht_builder *b = table_builder_new();
	struct listing_stats st = { 0 };
	struct ht_snapshot *s;
	const struct ht_table *t;
	(void)state;
	assert_int_equal(listing_add_page(b, HT_MODELS, page, strlen(page), &st, NULL), 0);
	assert_int_equal(st.items, 7);
	assert_int_equal(st.warnings, 1); /* the negative total */
	s = table_builder_finish(b, NULL);
	t = &s->t[HT_MODELS];
	for (uint32_t i = 0; i < 7; i++) {
		assert_true(ht_params(s, HT_MODELS, i) == want[i]);
		assert_int_equal((t->flags[i] & HT_F_PARAMS_UNKNOWN) != 0, want[i] == 0);
	}
	assert_int_equal(t->list_count[0], 2);
	assert_string_equal(ht_term(s, s->lists[t->list_first[0]]), "language:en");
	assert_string_equal(ht_term(s, s->lists[t->list_first[0] + 1]), "language:zh");
	/* No "tags" member, or null: relation and languages unknown. */
	assert_false(t->flags[0] & HT_F_NO_TAGS);
	assert_true(t->flags[1] & HT_F_NO_TAGS);
	assert_int_equal(t->list_count[4], 1);
	assert_string_equal(ht_term(s, s->lists[t->list_first[4]]), "language:fr");
	table_free(s);
}

static void test_item_fields(void **state)
{
	const char *page =
		"[{\"_id\":\"1\",\"id\":\"moonshotai/Kimi-K2-Thinking\",\"likes\":578,\"trendingScore\":580,"
		"\"downloads\":5119,\"downloadsAllTime\":9000,\"tags\":[\"transformers\",\"license:other\","
		"\"base_model:quantized:moonshotai/Kimi-K2\",\"region:us\"],\"pipeline_tag\":\"text-generation\","
		"\"library_name\":\"transformers\",\"createdAt\":\"2025-11-04T08:25:31.000Z\","
		"\"gated\":\"manual\",\"author\":\"moonshotai\"}]";
	struct ht_builder *b = table_builder_new();
	struct listing_stats st = { 0 };
	struct ht_snapshot *s;
	const struct ht_table *t;
	(void)state;
	assert_int_equal(listing_add_page(b, HT_MODELS, page, strlen(page), &st, NULL), 0);
	assert_int_equal(st.items, 1);
	assert_int_equal(st.warnings, 0);
	s = table_builder_finish(b, NULL);
	t = &s->t[HT_MODELS];
	assert_string_equal(ht_id(s, HT_MODELS, 0), "moonshotai/Kimi-K2-Thinking");
	assert_int_equal(t->downloads[0], 5119);
	assert_int_equal(t->downloads_all[0], 9000);
	assert_int_equal(t->likes[0], 578);
	assert_int_equal(t->trending[0], 580);
	assert_int_equal(t->created[0], 1762244731);
	assert_int_equal(t->flags[0], HT_F_GATED | HT_F_GATED_MAN | HT_F_PARAMS_UNKNOWN);
	assert_string_equal(ht_term(s, t->license[0]), "other");
	assert_string_equal(ht_term(s, t->library[0]), "transformers");
	assert_int_equal(t->link_count[0], 1);
	assert_int_equal(s->link_rel[t->link_first[0]], HT_REL_QUANTIZED);
	table_free(s);
}

/* Each member by its exact name only: near names are other members. */
static void test_member_names(void **state)
{
	const char *text =
		"{\"idx\":\"no/no\",\"i\":\"no/no\",\"modelId\":\"legacy/name\",\"download\":7,"
		"\"downloadsAll\":8,\"downloads\":9,\"downloadsAllTime\":10,\"like\":1,\"likes\":2,"
		"\"lastModified\":\"2024-01-02T00:00:00.000Z\",\"lastModifie\":\"1999-01-01\","
		"\"private\":true,\"disabled\":true,\"privat\":false,\"gated\":true,\"tag\":[\"license:no\"],"
		"\"tags\":[\"license:mit\"],\"_idx\":\"no\",\"_id\":\"abc\",\"authors\":\"no\","
		"\"author\":\"legacy\",\"trendingScor\":5,\"trendingScore\":6,\"library\":\"no\","
		"\"library_name\":\"lib\",\"pipeline\":\"no\",\"pipeline_tag\":\"pipe\","
		"\"createdAtX\":\"1999-01-01\",\"createdAt\":\"2023-01-01\"}";
	cJSON *obj = cJSON_Parse(text);
	struct ht_item it;
	unsigned w = 0;
	(void)state;
	assert_non_null(obj);
	assert_int_equal(listing_item(obj, &it, &w), 0);
	assert_int_equal(w, 0);
	assert_string_equal(it.id, "legacy/name");
	assert_string_equal(it.oid, "abc");
	assert_string_equal(it.author, "legacy");
	assert_int_equal(it.downloads, 9);
	assert_int_equal(it.downloads_all, 10);
	assert_int_equal(it.likes, 2);
	assert_int_equal(it.trending, 6);
	assert_int_equal(it.created, 1672531200);
	assert_int_equal(it.modified, 1704153600);
	assert_string_equal(it.library, "lib");
	assert_string_equal(it.pipeline, "pipe");
	assert_int_equal(it.flags, HT_F_GATED | HT_F_PRIVATE | HT_F_DISABLED | HT_F_PARAMS_UNKNOWN);
	assert_int_equal(it.n_tags, 1);
	assert_string_equal(it.tags[0], "license:mit");
	cJSON_Delete(obj);
}

static void test_tolerant(void **state)
{
	struct listing_stats st;
	char err[512] = "";
	int rc;
	struct ht_snapshot *s = import_text(
		"{\"id\":\"a/ok\",\"downloads\":\"many\",\"likes\":null,\"tags\":7}\n"
		"not json at all\n"
		"\n"
		"{\"id\":\"bad id with spaces\",\"downloads\":3}\n"
		"{\"id\":\"b/ok\",\"downloads\":12,\"pipeline_tag\":\"x\\u001b[31m\"}\n"
		"{\"id\":\"b/ok\",\"downloads\":12}\n"
		"[1,2]\n",
		HT_MODELS, &st, &rc, err);
	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(st.items, 2);
	assert_int_equal(st.bad_lines, 2);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.duplicates, 1);
	/* "many", null likes, tags 7, escape in pipeline_tag. */
	assert_int_equal(st.warnings, 4);
	assert_non_null(strstr(st.first_problem, "input.jsonl:2:"));
	assert_int_equal(s->t[HT_MODELS].n, 2);
	assert_int_equal(s->t[HT_MODELS].pipeline[0], 0);
	table_free(s);
}

/* A null or missing count is unknown, not 0; an id as long as the Hub's
 * longest legacy ones is kept; a refusal names what is wrong. */
static void test_unknowns_and_ids(void **state)
{
	struct listing_stats st;
	char err[512] = "", text[4096], longid[300];
	int rc;
	struct ht_snapshot *s;
	const struct ht_table *t;
	uint32_t row;
	(void)state;
	memset(longid, 'x', sizeof longid);
	memcpy(longid, "espnet/", 7);
	longid[257] = '\0';
	snprintf(text, sizeof text,
		 "{\"id\":\"a/null\",\"downloads\":null,\"downloadsAllTime\":null}\n"
		 "{\"id\":\"a/missing\"}\n"
		 "{\"id\":\"a/zero\",\"downloads\":0,\"downloadsAllTime\":0}\n"
		 "{\"id\":\"%s\",\"downloads\":5}\n"
		 "{\"id\":\"a/b\\u0007c\",\"downloads\":5}\n",
		 longid);
	s = import_text(text, HT_MODELS, &st, &rc, err);
	assert_int_equal(rc, 0);
	assert_int_equal(st.items, 4);
	assert_int_equal(st.rejected, 1);
	/* null is not a wrong type: no warning. */
	assert_int_equal(st.warnings, 0);
	if (!strstr(st.first_problem, "input.jsonl:5: item refused: a control character in its id"))
		fail_msg("first problem: %s", st.first_problem);
	t = &s->t[HT_MODELS];
	/* Rows: the 257-byte id (5), the known 0, then the two unknown. */
	assert_string_equal(ht_id(s, HT_MODELS, 0), longid);
	assert_string_equal(ht_id(s, HT_MODELS, 1), "a/zero");
	assert_int_equal(t->flags[1] & (HT_F_DL_UNKNOWN | HT_F_DLA_UNKNOWN), 0);
	for (row = 2; row < 4; row++)
		assert_int_equal(t->flags[row] & (HT_F_DL_UNKNOWN | HT_F_DLA_UNKNOWN),
				 HT_F_DL_UNKNOWN | HT_F_DLA_UNKNOWN);
	assert_true(t->flags[0] & HT_F_DLA_UNKNOWN);
	assert_int_equal(s->meta.no_alltime, 0); /* a/zero has one */
	table_free(s);
}

/* An escaped NUL must not cut an id short: "a/b\u0000x" is not "a/b". */
static void test_escaped_nul(void **state)
{
	struct listing_stats st;
	char err[512] = "";
	int rc;
	struct ht_snapshot *s = import_text(
		"{\"id\":\"meta-llama/Llama-3.1-8B\\u0000evil\",\"downloads\":5}\n"
		"{\"id\":\"ok/one\",\"pipeline_tag\":\"x\\u0000y\",\"downloads\":4}\n"
		"{\"id\":\"ok/two\",\"pipeline_tag\":\"x\\\\u0000y\",\"downloads\":3}\n",
		HT_MODELS, &st, &rc, err);
	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.items, 2);
	assert_int_equal(table_find_id(s, HT_MODELS, "meta-llama/Llama-3.1-8B"), UINT32_MAX);
	/* Dropped with a warning; an escaped backslash before "u0000" is plain text. */
	assert_int_equal(s->t[HT_MODELS].pipeline[table_find_id(s, HT_MODELS, "ok/one")], 0);
	assert_string_equal(ht_term(s, s->t[HT_MODELS].pipeline[table_find_id(s, HT_MODELS, "ok/two")]),
			    "x\\u0000y");
	table_free(s);
	/* The same through a page. */
	{
		const char *page = "[{\"id\":\"a/b\\u0000c\"},{\"id\":\"a/d\"}]";
		struct ht_builder *b = table_builder_new();
		memset(&st, 0, sizeof st);
		assert_int_equal(listing_add_page(b, HT_MODELS, page, strlen(page), &st, NULL), 0);
		assert_int_equal(st.items, 1);
		assert_int_equal(st.rejected, 1);
		table_builder_free(b);
	}
}

/* A raw NUL byte inside a JSON string (not valid JSON: raw control
 * characters are not allowed in strings) must not cut the string: the item
 * with it is rejected and counted, the real item it would pose as is kept. */
static void test_raw_nul(void **state)
{
	static const char lines[] =
		"{\"id\":\"bert-base-uncased\0evil\",\"downloads\":5}\n"
		"{\"id\":\"bert-base-uncased\",\"downloads\":100}\n"
		"{\"id\":\"ok/one\",\"pipeline_tag\":\"x\0y\",\"downloads\":4}\n";
	static const char page[] = "[{\"id\":\"a/b\0c\",\"downloads\":1},{\"id\":\"a/b\",\"downloads\":9}]";
	struct listing_stats st;
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	char err[512] = "";
	FILE *fp = fmemopen((void *)lines, sizeof lines - 1, "r");
	uint32_t row;
	(void)state;
	assert_non_null(fp);
	memset(&st, 0, sizeof st);
	assert_int_equal(listing_import(fp, "input.jsonl", b, HT_MODELS, &st, err, sizeof err), 0);
	fclose(fp);
	assert_int_equal(st.items, 2);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.duplicates, 0);
	s = table_builder_finish(b, NULL);
	row = table_find_id(s, HT_MODELS, "bert-base-uncased");
	assert_int_not_equal(row, UINT32_MAX);
	assert_int_equal(s->t[HT_MODELS].downloads[row], 100);
	/* In another field: the field is left out, as for any control character. */
	assert_int_equal(s->t[HT_MODELS].pipeline[table_find_id(s, HT_MODELS, "ok/one")], 0);
	table_free(s);
	/* The same through a page, as a fetch reads it. */
	b = table_builder_new();
	memset(&st, 0, sizeof st);
	assert_int_equal(listing_add_page(b, HT_MODELS, page, sizeof page - 1, &st, NULL), 0);
	assert_int_equal(st.items, 1);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.duplicates, 0);
	s = table_builder_finish(b, NULL);
	assert_int_equal(s->t[HT_MODELS].downloads[table_find_id(s, HT_MODELS, "a/b")], 9);
	table_free(s);
}

/* An arena with a limit refuses a page whose values would pass it (a short
 * text of countless tiny values), adds none of them, and takes the next
 * page as usual. */
static void test_arena_limit(void **state)
{
	struct listing_arena *a = listing_arena_new(4u << 20);
	struct ht_builder *b = table_builder_new();
	struct listing_stats st;
	const char *ok = "[{\"_id\":\"000000000000000000000001\",\"id\":\"u/m\",\"downloads\":3}]";
	size_t n = 200000, i, len = 0;
	char *many = malloc(2 * n + 3);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(many);
	/* 200,000 values take some 13 MB as a tree from 400 kB of text. */
	many[len++] = '[';
	for (i = 0; i < n; i++) {
		many[len++] = i ? ',' : '0';
		if (i)
			many[len++] = '0';
	}
	many[len++] = ']';
	memset(&st, 0, sizeof st);
	assert_int_equal(listing_add_page(b, HT_MODELS, many, len, &st, a), -2);
	assert_int_equal(st.items + st.rejected, 0);
	assert_int_equal(listing_add_page(b, HT_MODELS, ok, strlen(ok), &st, a), 0);
	assert_int_equal(st.items, 1);
	assert_int_equal(table_builder_count(b, HT_MODELS), 1);
	free(many);
	table_builder_free(b);
	listing_arena_free(a);
}

/* One arena for a run of pages, small, large and broken: every page's items
 * arrive whole, none mixed with another page's. */
static void test_arena_reuse(void **state)
{
	struct listing_arena *a = listing_arena_new(0);
	struct ht_builder *b = table_builder_new();
	struct listing_stats st;
	struct ht_snapshot *s;
	size_t cap = 32u << 20, len;
	char *page = malloc(cap), id[64];
	uint32_t round, i, next = 0, row;

	(void)state;
	assert_non_null(a);
	assert_non_null(page);
	for (round = 0; round < 7; round++) {
		/* 40,000 items take several times the memory an arena keeps. */
		uint32_t n = round % 3 == 1 ? 40000 : 2 + round;
		if (round == 4) {
			const char *broken = "[{\"id\":\"x/broken\"},{\"id\":";
			memset(&st, 0, sizeof st);
			assert_int_equal(listing_add_page(b, HT_MODELS, broken, strlen(broken), &st, a), -1);
			assert_int_equal(st.items, 0);
		}
		len = (size_t)snprintf(page, cap, "[");
		for (i = 0; i < n; i++, next++)
			len += (size_t)snprintf(page + len, cap - len,
						"%s{\"_id\":\"%024x\",\"id\":\"u%u/m-%u\",\"downloads\":%u,"
						"\"pipeline_tag\":\"p%u\",\"tags\":[\"license:l%u\",\"x\"]}",
						i ? "," : "", next, next % 97, next, next, next % 5, next % 3);
		len += (size_t)snprintf(page + len, cap - len, "]");
		assert_true(len < cap);
		memset(&st, 0, sizeof st);
		assert_int_equal(listing_add_page(b, HT_MODELS, page, len, &st, a), 0);
		assert_int_equal(st.items, n);
		assert_int_equal(st.warnings, 0);
	}
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	assert_int_equal(s->t[HT_MODELS].n, next);
	for (i = 0; i < next; i += 1009) {
		snprintf(id, sizeof id, "u%u/m-%u", i % 97, i);
		row = table_find_id(s, HT_MODELS, id);
		assert_int_not_equal(row, UINT32_MAX);
		assert_int_equal(s->t[HT_MODELS].downloads[row], i);
		snprintf(id, sizeof id, "p%u", i % 5);
		assert_string_equal(ht_term(s, s->t[HT_MODELS].pipeline[row]), id);
		snprintf(id, sizeof id, "l%u", i % 3);
		assert_string_equal(ht_term(s, s->t[HT_MODELS].license[row]), id);
	}
	table_free(s);
	listing_arena_free(a);
	free(page);
}

/* The two halves of listing_add_page as the crawl's pipeline runs them: a
 * page parsed on one thread into one arena while the page before, parsed
 * into the other arena, is added on another thread. */
struct parse_job {
	const char *text;
	struct listing_arena *a;
	cJSON *root;
	int rc;
};

static void *parse_thread(void *arg)
{
	struct parse_job *j = arg;
	j->root = listing_parse_page(j->text, strlen(j->text), j->a, &j->rc);
	return NULL;
}

static void test_parse_then_add(void **state)
{
	struct listing_arena *a0 = listing_arena_new(4u << 20), *a1 = listing_arena_new(4u << 20);
	struct ht_builder *b = table_builder_new();
	struct listing_stats st;
	struct parse_job j;
	pthread_t t;
	cJSON *root;
	char *many;
	size_t i;
	int rc;
	const char *p1 = "[{\"_id\":\"000000000000000000000001\",\"id\":\"u/a\",\"downloads\":3},"
			 "{\"_id\":\"000000000000000000000002\",\"id\":\"u/b\\u0000evil\"}]";
	const char *p2 = "[{\"_id\":\"000000000000000000000003\",\"id\":\"v/c\",\"downloads\":2},"
			 "{\"_id\":\"000000000000000000000001\",\"id\":\"u/a\",\"downloads\":3}]";

	(void)state;
	assert_non_null(a0);
	assert_non_null(a1);
	assert_non_null(b);
	memset(&st, 0, sizeof st);
	root = listing_parse_page(p1, strlen(p1), a0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(root);
	j.text = p2;
	j.a = a1;
	assert_int_equal(pthread_create(&t, NULL, parse_thread, &j), 0);
	listing_add_parsed(b, HT_MODELS, root, &st);
	assert_int_equal(pthread_join(t, NULL), 0);
	listing_arena_reset(a0);
	assert_int_equal(j.rc, 0);
	listing_add_parsed(b, HT_MODELS, j.root, &st);
	listing_arena_reset(a1);
	/* The escaped NUL refuses its item, as listing_add_page does. */
	assert_int_equal(st.items, 2);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(table_builder_count(b, HT_MODELS), 2);
	/* Not an array, cut short: -1; more values than the arena allows: -2. */
	assert_null(listing_parse_page("{\"a\":1}", 7, a0, &rc));
	assert_int_equal(rc, -1);
	assert_null(listing_parse_page("[{\"id\":", 7, a0, &rc));
	assert_int_equal(rc, -1);
	/* 200,000 values take some 13 MB as a tree, more than a0's 4 MiB. */
	many = malloc(2 * 200000 + 3);
	assert_non_null(many);
	many[0] = '[';
	for (i = 0; i < 200000; i++)
		memcpy(many + 1 + 2 * i, i ? ",0" : " 0", 2);
	memcpy(many + 1 + 2 * 200000, "]", 2);
	assert_null(listing_parse_page(many, strlen(many), a0, &rc));
	assert_int_equal(rc, -2);
	/* The arena serves the next page after a refusal. */
	assert_non_null(listing_parse_page(p2, strlen(p2), a0, &rc));
	assert_int_equal(rc, 0);
	listing_arena_reset(a0);
	free(many);
	table_builder_free(b);
	listing_arena_free(a0);
	listing_arena_free(a1);
}

static void test_empty_and_broken(void **state)
{
	struct listing_stats st;
	char err[512] = "";
	int rc;
	struct ht_snapshot *s = import_text("  \n", HT_MODELS, &st, &rc, err);
	(void)state;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "no input"));
	table_free(s);
	s = import_text("[{\"id\":\"a/b\"},\n{broken", HT_MODELS, &st, &rc, err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "input.jsonl:2: not valid JSON"));
	table_free(s);
}

static void test_api_example(void **state)
{
	const char *p = testutil_shared("api-examples/models-page-2025-11.json");
	struct ht_builder *b;
	struct listing_stats st = { 0 };
	struct ht_snapshot *s;
	char err[512];
	FILE *fp;
	(void)state;
	if (!p)
		skip();
	fp = fopen(p, "r");
	b = table_builder_new();
	assert_int_equal(listing_import(fp, p, b, HT_MODELS, &st, err, sizeof err), 0);
	fclose(fp);
	assert_int_equal(st.items, 2);
	assert_int_equal(st.warnings, 0);
	s = table_builder_finish(b, NULL);
	assert_string_equal(ht_id(s, HT_MODELS, 0), "MiniMaxAI/MiniMax-M2");
	assert_int_equal(s->t[HT_MODELS].downloads[0], 846249);
	table_free(s);
}

static void test_hubdata(void **state)
{
	const char *p = testutil_shared("hubdata/models-2022-07.jsonl");
	struct ht_builder *b;
	struct listing_stats st = { 0 };
	struct ht_snapshot *s;
	uint64_t sum = 0;
	uint32_t i, legacy;
	char err[512];
	FILE *fp;
	(void)state;
	if (!p) {
		print_message("../shared/hubdata absent: skipping the real-listing import\n");
		skip();
	}
	fp = fopen(p, "r");
	b = table_builder_new();
	assert_int_equal(listing_import(fp, p, b, HT_MODELS, &st, err, sizeof err), 0);
	fclose(fp);
	assert_int_equal(st.items + st.rejected + st.duplicates, 55524);
	/* Nothing lost: the four legacy ids of 214 to 257 bytes included. */
	assert_int_equal(st.items, 55524);
	assert_int_equal(st.rejected, 0);
	s = table_builder_finish(b, NULL);
	for (i = 0; i < s->t[HT_MODELS].n; i++)
		sum += s->t[HT_MODELS].downloads[i];
	/* The README's figure. */
	assert_int_equal(sum, 199235153);
	assert_int_not_equal(table_find_id(s, HT_MODELS,
					   "espnet/kamo-naoyuki_reverb_asr_train_asr_transformer2_raw_en_char_rir_"
					   "scpdatareverb_rir_singlewav.scp_noise_db_range12_17_noise_scpdatareverb_"
					   "noise_singlewav.scp_speech_volume_normalize1.0_num_workers2_rir_apply_"
					   "prob0.999_noise_apply_prob1._sp_valid.acc.ave"), UINT32_MAX);
	/* The listing has no all-time counts and no dates. */
	assert_int_equal(s->meta.no_alltime, 1u << HT_MODELS);
	assert_true(s->meta.as_of == 0);
	assert_string_equal(ht_id(s, HT_MODELS, 0), "bert-base-uncased");
	legacy = table_find_account(s, "gpt2");
	assert_int_not_equal(legacy, UINT32_MAX);
	table_free(s);
}

/* A JSON Lines text with everything an import meets: items, duplicates by
 * id and by _id, refused ids, lines that are not JSON or not objects,
 * blank and white lines, CRLF, escaped and raw NULs, a line longer than a
 * batch, and no newline at the end. */
static char *mixed_lines(size_t *len)
{
	size_t cap = 1 << 22, n = 0;
	char *t = malloc(cap);
	assert_non_null(t);
#define PUT(...) (n += (size_t)snprintf(t + n, cap - n, __VA_ARGS__))
	for (unsigned i = 0; i < 3000; i++) {
		switch (i % 13) {
		case 0: PUT("\n"); break;
		case 1: PUT("   \t\r\n"); break;
		case 2: PUT("{\"id\":\"acct%u/dup\",\"downloads\":%u}\n", i % 7, i); break;
		case 3: PUT("not json %u\n", i); break;
		case 4: PUT("[1,2,3]\n"); break;
		case 5: PUT("{\"id\":\"bad id %u\"}\n", i); break;
		case 6: PUT("{\"_id\":\"oid%u\",\"id\":\"o/x%u\",\"likes\":%u}\r\n", i % 50, i, i); break;
		case 7: PUT("{\"id\":\"a/b\\u0000evil%u\",\"downloads\":1}\n", i); break;
		case 8:
			PUT("{\"id\":\"raw/nul%u\",\"pipeline_tag\":\"x", i);
			t[n++] = '\0';
			PUT("y\"}\n");
			break;
		case 9:
			/* longer than the smallest batch the test asks for */
			PUT("{\"id\":\"long/tags%u\",\"tags\":[", i);
			/* what the tag keys decide: an empty licence, plain,
			 * unknown and invalid bases, task categories */
			PUT("\"license:\",\"base_model:org/plain%u\",\"base_model:bogus:org/x\","
			    "\"base_model:finetune:bad id\",\"base_model:org/plain%u\",\"task_categories:tc%u\","
			    "\"base_model:quantized:org/plain%u\",\"task_categories:tc%u\",\"license:\",", i % 5, i % 5,
			    i % 3, i % 5, i % 4);
			for (unsigned k = 0; k < 40; k++)
				PUT("\"language:l%u\",\"license:mit\",\"base_model:finetune:org/base%u\",", k, k);
			PUT("\"x\"],\"downloads\":%u,\"downloadsAllTime\":null,\"gated\":\"manual\"}\n", i * 3);
			break;
		default:
			PUT("{\"id\":\"acct%u/m%u\",\"author\":\"acct%u\",\"downloads\":%u,\"likes\":\"x\","
			    "\"createdAt\":\"2024-0%u-01T00:00:00Z\"}\n", i % 97, i, i % 97, i * 7 % 1000, 1 + i % 9);
			break;
		}
	}
	PUT("{\"id\":\"last/line\",\"downloads\":5}");
#undef PUT
	*len = n;
	return t;
}

/* file: from a regular file (its length known: the id maps sized from the
 * first batch), else from memory. */
static void *import_tuned(const char *text, size_t len, unsigned threads, size_t batch,
			  struct listing_stats *st, size_t *out_len, int file, enum ht_kind kind)
{
	FILE *fp = file ? tmpfile() : fmemopen((void *)text, len, "r");
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct store_err serr;
	char err[512];
	void *out = NULL;
	assert_non_null(fp);
	if (file) {
		assert_int_equal(fwrite(text, 1, len, fp), len);
		rewind(fp);
	}
	memset(st, 0, sizeof *st);
	listing_import_tune(threads, batch);
	assert_int_equal(listing_import(fp, "input.jsonl", b, kind, st, err, sizeof err), 0);
	listing_import_tune(0, 0);
	fclose(fp);
	s = table_builder_finish(b, NULL);
	assert_non_null(s);
	assert_int_equal(store_serialize(s, &out, out_len, &serr), 0);
	table_free(s);
	return out;
}

/* Parsed on several threads in batches, from memory or from a file, the
 * import gives the snapshot and the figures of the line-by-line reader,
 * byte for byte, for models and for datasets (whose tags count apart). */
static void test_import_threads(void **state)
{
	static const struct { unsigned threads; size_t batch; } runs[] = {
		{ 2, 0 }, { 2, 256 }, { 3, 1000 }, { 4, 4093 }, { 2, 1 << 16 },
	};
	size_t len, one_len;
	char *text = mixed_lines(&len);
	struct listing_stats st1, st;
	void *one;
	(void)state;
	for (int kind = 0; kind < HT_KIND_COUNT; kind++) {
		one = import_tuned(text, len, 1, 0, &st1, &one_len, 0, (enum ht_kind)kind);
		assert_true(st1.items > 1000);
		assert_true(st1.duplicates > 0);
		assert_true(st1.rejected > 0);
		assert_true(st1.bad_lines > 0);
		assert_true(st1.warnings > 0);
		for (size_t i = 0; i < 2 * (sizeof runs / sizeof runs[0]); i++) {
			size_t n, r = i % (sizeof runs / sizeof runs[0]);
			void *other = import_tuned(text, len, runs[r].threads, runs[r].batch, &st, &n,
						   i >= sizeof runs / sizeof runs[0], (enum ht_kind)kind);
			assert_int_equal(n, one_len);
			assert_memory_equal(other, one, n);
			assert_int_equal(st.items, st1.items);
			assert_int_equal(st.duplicates, st1.duplicates);
			assert_int_equal(st.rejected, st1.rejected);
			assert_int_equal(st.warnings, st1.warnings);
			assert_int_equal(st.bad_lines, st1.bad_lines);
			assert_string_equal(st.first_problem, st1.first_problem);
			free(other);
		}
		free(one);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_item_fields),
		cmocka_unit_test(test_sizes_and_languages),
		cmocka_unit_test(test_member_names),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_unknowns_and_ids),
		cmocka_unit_test(test_escaped_nul),
		cmocka_unit_test(test_raw_nul),
		cmocka_unit_test(test_arena_limit),
		cmocka_unit_test(test_arena_reuse),
		cmocka_unit_test(test_parse_then_add),
		cmocka_unit_test(test_empty_and_broken),
		cmocka_unit_test(test_api_example),
		cmocka_unit_test(test_hubdata),
		cmocka_unit_test(test_import_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_demo.c - the demo snapshot generator: determinism, marking, valid
 * ids and lineage, and the published shape (long tail, top-200
 * concentration, country and organisation-type shares). */
#include "testutil.h"

#include <math.h>
#include <stdint.h>

#include "hubtop/attrib.h"
#include "hubtop/country.h"
#include "hubtop/demo.h"
#include "hubtop/orgdir.h"
#include "hubtop/store.h"
#include "hubtop/table.h"

#define T_FETCHED 1775001600LL /* 2026-04-01T00:00:00Z */
#define T_LEGACY 1646263744LL  /* 2022-03-02T23:29:04Z */
#define T_2019 1546300800LL
#define T_2022 1640995200LL
#define T_2023 1672531200LL
#define T_2025 1735689600LL
#define T_2026 1767225600LL

/* A small directory of our own, so the shape tests do not depend on the
 * shipped data file. */
static const char test_orgs[] =
	"account\tname\tcountries\ttype\tsame_as\tnote\n"
	"Qwen\tQwen (Alibaba Cloud)\tCN\tindustry\t\ttest\n"
	"deepseek-ai\tDeepSeek\tCN\tindustry\t\ttest\n"
	"BAAI\tBeijing Academy of AI\tCN\tnon-profit\t\ttest\n"
	"zai-org\tZhipu AI\tCN\tindustry\tTHUDM\ttest\n"
	"moonshotai\tMoonshot AI\tCN\tindustry\t\ttest\n"
	"tsinghua-lab\tA university lab\tCN\tacademia\t\ttest\n"
	"meta-llama\tMeta\tUS\tindustry\tfacebook\ttest\n"
	"google\tGoogle\tUS\tindustry\t\ttest\n"
	"microsoft\tMicrosoft\tUS\tindustry\t\ttest\n"
	"openai\tOpenAI\tUS\tindustry\t\ttest\n"
	"allenai\tAi2\tUS\tnon-profit\t\ttest\n"
	"stanford-lab\tA university lab\tUS\tacademia\t\ttest\n"
	"unsloth\tUnsloth AI\tUS\tindustry\t\ttest\n"
	"mistralai\tMistral AI\tFR\tindustry\t\ttest\n"
	"sentence-transformers\tSentence Transformers\tDE\tacademia\t\ttest\n"
	"tiiuae\tTechnology Innovation Institute\tAE\tgovernment\t\ttest\n"
	"rinna\trinna\tJP\tindustry\t\ttest\n"
	"bigscience\tBigScience\t\tcommunity\t\ttest\n"
	"bartowski\tbartowski\t\tindependent\t\ttest\n"
	"mradermacher\tmradermacher\t\tindependent\t\ttest\n";

static struct orgdir *test_dir(void)
{
	struct orgdir *d = orgdir_new();
	struct orgdir_diag diag = { NULL, NULL, 0 };
	assert_non_null(d);
	assert_int_equal(orgdir_load_string(d, test_orgs, sizeof test_orgs - 1, "test-orgs", &diag), 0);
	assert_int_equal(diag.errors, 0);
	assert_true(orgdir_count(d) >= 20);
	return d;
}

static void serialize(const struct ht_snapshot *s, void **buf, size_t *len)
{
	struct store_err err;
	assert_int_equal(store_serialize(s, buf, len, &err), 0);
}

static void test_deterministic(void **state)
{
	struct orgdir *d = test_dir();
	struct ht_snapshot *a, *b, *c;
	void *ba, *bb, *bc;
	size_t la, lb, lc;
	(void)state;

	a = demo_generate(3000, 500, 42, d);
	b = demo_generate(3000, 500, 42, d);
	c = demo_generate(3000, 500, 43, d);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	serialize(a, &ba, &la);
	serialize(b, &bb, &lb);
	serialize(c, &bc, &lc);
	assert_int_equal(la, lb);
	assert_memory_equal(ba, bb, la);
	/* Another seed: other data. */
	assert_true(la != lc || memcmp(ba, bc, la) != 0);
	free(ba);
	free(bb);
	free(bc);
	table_free(a);
	table_free(b);
	table_free(c);
	orgdir_free(d);
}

/* Marked demo, counts as asked, valid and unique ids, lineage links to
 * rows that exist, dates in range. */
static void check_snapshot(const struct ht_snapshot *s, uint32_t n_models, uint32_t n_datasets)
{
	const struct ht_table *m = &s->t[HT_MODELS], *ds = &s->t[HT_DATASETS];
	uint32_t legacy = 0, derived = 0, with_task = 0, with_lang = 0, gated = 0;
	uint32_t per_year[8] = { 0 };

	assert_int_equal(s->meta.demo, 1);
	assert_int_equal(s->meta.complete, 1);
	assert_string_equal(s->meta.endpoint, "demo");
	assert_int_equal(s->meta.fetched_at, T_FETCHED);
	assert_int_equal(m->n, n_models);
	assert_int_equal(ds->n, n_datasets);

	for (uint32_t i = 0; i < m->n; i++) {
		const char *id = ht_id(s, HT_MODELS, i);
		int64_t c = m->created[i];
		if (!table_id_valid(id))
			fail_msg("invalid model id '%s'", id);
		if (table_find_id(s, HT_MODELS, id) != i)
			fail_msg("model id '%s' not unique", id);
		assert_true(c >= T_2019 && c < T_FETCHED);
		assert_true(m->modified[i] >= c && m->modified[i] <= T_FETCHED);
		assert_true(m->downloads[i] <= m->downloads_all[i]);
		legacy += c == T_LEGACY;
		if (c != T_LEGACY)
			per_year[(c - T_2019) / (365 * 86400 + 21600)]++;
		gated += (m->flags[i] & HT_F_GATED) != 0;
		if (m->link_count[i])
			derived++;
		for (uint32_t l = m->link_first[i]; l < m->link_first[i] + m->link_count[i]; l++) {
			const char *base = ht_str(s, s->link_base[l]);
			uint32_t row = table_find_id(s, HT_MODELS, base);
			if (row == UINT32_MAX || row == i)
				fail_msg("model '%s' names base '%s', not another row", id, base);
			assert_true(s->link_rel[l] >= HT_REL_FINETUNE && s->link_rel[l] <= HT_REL_MERGE);
		}
	}
	for (uint32_t i = 0; i < ds->n; i++) {
		const char *id = ht_id(s, HT_DATASETS, i);
		if (!table_id_valid(id))
			fail_msg("invalid dataset id '%s'", id);
		if (table_find_id(s, HT_DATASETS, id) != i)
			fail_msg("dataset id '%s' not unique", id);
		for (uint32_t l = ds->list_first[i]; l < ds->list_first[i] + ds->list_count[i]; l++) {
			const char *t = ht_term(s, s->lists[l]);
			with_task += strncmp(t, "task_categories:", 16) == 0;
			with_lang += strncmp(t, "language:", 9) == 0;
		}
	}
	if (n_models >= 2000) {
		/* Lineage, legacy dates, growth by year, a few gated. */
		assert_true(derived > n_models / 5);
		assert_true(legacy > 0);
		assert_true(gated > 0 && gated < n_models / 10);
		assert_true(per_year[6] > per_year[4] && per_year[4] > per_year[2]);
	}
	if (n_datasets >= 500) {
		assert_true(with_task >= n_datasets);
		assert_true(with_lang > n_datasets / 2);
	}
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static double top200_share(const uint64_t *col, uint32_t n)
{
	uint64_t *v = malloc(n * sizeof *v);
	double top = 0, all = 0;
	assert_non_null(v);
	memcpy(v, col, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_desc);
	for (uint32_t i = 0; i < n; i++) {
		all += (double)v[i];
		if (i < 200)
			top += (double)v[i];
	}
	free(v);
	return top / all;
}

/* The shares of the report, through attribution and plain sums. */
static void check_shape(const struct ht_snapshot *s, const struct orgdir *d, double tol)
{
	const struct ht_table *m = &s->t[HT_MODELS];
	struct attrib *a = attrib_build(s, d);
	double grp[CG_COUNT] = { 0 }, grp_all = 0, year_total = 0;
	double ind25 = 0, tot25 = 0, ind22 = 0, tot22 = 0;
	uint32_t under = 0;
	double share;

	assert_non_null(a);
	for (uint32_t i = 0; i < m->n; i++)
		under += m->downloads_all[i] < 200;
	share = (double)under / m->n;
	print_message("under 200 all-time downloads: %.3f\n", share);
	assert_true(share >= 0.4 && share <= 0.6);
	share = top200_share(m->downloads_all, m->n);
	print_message("top-200 share, all-time: %.3f\n", share);
	assert_true(share >= 0.4 && share <= 0.6);
	share = top200_share(m->downloads, m->n);
	print_message("top-200 share, 30 days: %.3f\n", share);
	assert_true(share >= 0.4 && share <= 0.6);

	for (uint32_t i = 0; i < m->n; i++) {
		int64_t c = m->created[i];
		double dl = (double)m->downloads[i];
		if (c >= T_FETCHED - 365 * 86400LL) {
			uint32_t acct = a->item_acct[HT_MODELS][ATTRIB_LINEAGE][i];
			grp[a->acct_group[acct]] += dl;
			grp_all += dl;
		}
		if (c >= T_2025 && c < T_2026) {
			uint32_t acct = a->item_acct[HT_MODELS][ATTRIB_UPLOADER][i];
			tot25 += dl;
			ind25 += a->acct_type[acct] == OT_INDEPENDENT ? dl : 0;
		}
		if (c >= T_2022 && c < T_2023) {
			uint32_t acct = a->item_acct[HT_MODELS][ATTRIB_UPLOADER][i];
			tot22 += dl;
			ind22 += a->acct_type[acct] == OT_INDEPENDENT ? dl : 0;
		}
		year_total += dl;
	}
	assert_true(grp_all > 0 && tot25 > 0 && tot22 > 0);
	print_message("last year by lineage: China %.1f%%, U.S. %.1f%%; independents 2025 %.1f%%, "
		      "2022 %.1f%%\n", 100 * grp[CG_CN] / grp_all, 100 * grp[CG_US] / grp_all,
		      100 * ind25 / tot25, 100 * ind22 / tot22);
	assert_true(fabs(100 * grp[CG_CN] / grp_all - 41) <= tol);
	assert_true(fabs(100 * grp[CG_US] / grp_all - 36) <= tol);
	assert_true(fabs(100 * ind25 / tot25 - 39) <= tol);
	/* Toward independents. */
	assert_true(ind25 / tot25 > ind22 / tot22 + 0.05);
	attrib_free(a);
}

static void test_default_size(void **state)
{
	struct orgdir *d = test_dir();
	struct ht_snapshot *s = demo_generate(DEMO_DEFAULT_MODELS, DEMO_DEFAULT_DATASETS,
					      DEMO_DEFAULT_SEED, d);
	(void)state;
	assert_non_null(s);
	check_snapshot(s, DEMO_DEFAULT_MODELS, DEMO_DEFAULT_DATASETS);
	check_shape(s, d, 4.0);
	/* Organisations the directory does not know are marked as such. */
	{
		uint32_t orgs = 0;
		for (uint32_t i = 0; i < s->n_accounts; i++)
			orgs += s->acct_kind[i] == HT_ACCT_ORG;
		assert_true(orgs > 0);
	}
	table_free(s);
	orgdir_free(d);
}

/* The same with the shipped directory, as mkdemo builds the embedded demo. */
static void test_shipped_directory(void **state)
{
	const char *path = getenv("HUBTOP_ORGS");
	struct orgdir_diag diag = { NULL, NULL, 0 };
	struct orgdir *d;
	struct ht_snapshot *s;
	(void)state;

	if (!path || !*path) {
		skip();
		return;
	}
	d = orgdir_new();
	assert_non_null(d);
	if (orgdir_load_file(d, path, &diag) < 0 || orgdir_count(d) < 50) {
		print_message("%s: absent or nearly empty; skipped\n", path);
		orgdir_free(d);
		skip();
		return;
	}
	s = demo_generate(DEMO_DEFAULT_MODELS, DEMO_DEFAULT_DATASETS, DEMO_DEFAULT_SEED, d);
	assert_non_null(s);
	check_snapshot(s, DEMO_DEFAULT_MODELS, DEMO_DEFAULT_DATASETS);
	check_shape(s, d, 4.0);
	table_free(s);
	orgdir_free(d);
}

static void test_builtin_accounts(void **state)
{
	struct orgdir *empty = orgdir_new();
	struct ht_snapshot *a = demo_generate(2000, 200, 5, NULL);
	struct ht_snapshot *b = demo_generate(2000, 200, 5, empty);
	void *ba, *bb;
	size_t la, lb;
	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	check_snapshot(a, 2000, 200);
	/* The built-in list names well-known accounts. */
	assert_true(table_find_account(a, "Qwen") != UINT32_MAX ||
		    table_find_account(a, "meta-llama") != UINT32_MAX);
	/* An empty directory is the same as none. */
	serialize(a, &ba, &la);
	serialize(b, &bb, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(ba, bb, la);
	free(ba);
	free(bb);
	table_free(a);
	table_free(b);
	orgdir_free(empty);
}

static void test_small_sizes(void **state)
{
	uint64_t sizes[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 7, 3 }, { 250, 40 } };
	(void)state;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		struct ht_snapshot *s = demo_generate(sizes[k][0], sizes[k][1], 1, NULL);
		assert_non_null(s);
		check_snapshot(s, (uint32_t)sizes[k][0], (uint32_t)sizes[k][1]);
		table_free(s);
	}
	/* Beyond the limit: refused, not attempted. */
	assert_null(demo_generate(100000001ull, 0, 1, NULL));
}

static void test_large(void **state)
{
	struct orgdir *d = test_dir();
	struct ht_snapshot *s = demo_generate(200000, 20000, 9, d);
	(void)state;
	assert_non_null(s);
	check_snapshot(s, 200000, 20000);
	check_shape(s, d, 4.0);
	table_free(s);
	orgdir_free(d);
}

static void test_write(void **state)
{
	const char *dir = testutil_tmpdir("demo");
	struct orgdir *d = test_dir();
	struct store_err serr;
	struct ht_snapshot *s;
	char path[1200], bad[1200], err[1024];
	(void)state;

	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/demo.snap", dir);
	assert_int_equal(demo_write(1000, 100, 3, d, path, err, sizeof err), 0);
	s = store_load(path, &serr);
	if (!s)
		fail_msg("%s", serr.msg);
	assert_int_equal(s->meta.demo, 1);
	assert_int_equal(s->t[HT_MODELS].n, 1000);
	assert_int_equal(s->t[HT_DATASETS].n, 100);
	table_free(s);

	/* A folder that does not exist: an error naming it. */
	snprintf(bad, sizeof bad, "%s/missing/sub/demo.snap", dir);
	err[0] = '\0';
	assert_int_equal(demo_write(10, 1, 3, d, bad, err, sizeof err), -1);
	assert_non_null(strstr(err, "missing"));
	/* Too many: refused with a message, nothing written. */
	err[0] = '\0';
	assert_int_equal(demo_write(200000000ull, 0, 3, d, path, err, sizeof err), -1);
	assert_true(strlen(err) > 10);
	s = store_load(path, &serr);
	assert_non_null(s);
	assert_int_equal(s->t[HT_MODELS].n, 1000);
	table_free(s);
	orgdir_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_default_size),
		cmocka_unit_test(test_shipped_directory),
		cmocka_unit_test(test_builtin_accounts),
		cmocka_unit_test(test_small_sizes),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

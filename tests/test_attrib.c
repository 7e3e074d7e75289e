/* test_attrib.c - attribution by uploader and by lineage, directory fields
 * per account, unknown-org bucket, unattributed accounts. */
#include "testutil.h"

#include "hubtop/attrib.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"
#include "hubtop/table.h"

/* A model: id, 30-day downloads, all-time downloads, up to 3 bases. */
struct m {
	const char *id;
	uint64_t dl;
	const char *base[3];
};

static char g_tags[64][300];

static void add(struct ht_builder *b, enum ht_kind kind, const char *id, uint64_t dl,
		const char *const *bases, size_t nb)
{
	struct ht_item it;
	memset(&it, 0, sizeof it);
	it.id = id;
	it.downloads = dl;
	it.downloads_all = dl * 10;
	for (size_t i = 0; i < nb && bases[i]; i++) {
		snprintf(g_tags[i], sizeof g_tags[i], "base_model:finetune:%s", bases[i]);
		it.tags[it.n_tags++] = g_tags[i];
	}
	assert_int_equal(table_builder_add(b, kind, &it), 0);
}

static struct ht_snapshot *build(const struct m *models, size_t n, const char *const *datasets,
				 const char *const *org_accounts)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		add(b, HT_MODELS, models[i].id, models[i].dl, models[i].base, 3);
	for (size_t i = 0; datasets && datasets[i]; i++)
		add(b, HT_DATASETS, datasets[i], 100 + i, NULL, 0);
	for (size_t i = 0; org_accounts && org_accounts[i]; i++)
		assert_int_equal(table_builder_set_account_kind(b, org_accounts[i], HT_ACCT_ORG), 0);
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	return s;
}

static struct orgdir *directory(void)
{
	static const char text[] =
		"meta-llama\tMeta\tUS\tindustry\tfacebook\t\n"
		"Qwen\tQwen\tCN\tindustry\t\t\n"
		"zai-org\tZ.ai\tCN\tindustry\tTHUDM\trenamed from THUDM\n"
		"mistralai\tMistral AI\tFR\tindustry\t\t\n"
		"allenai\tAi2\tUS\tnon-profit\t\t\n"
		"EleutherAI\tEleutherAI\tUS,CA\tcommunity\t\t\n"
		"stanford\tStanford\tUS\tacademia\t\t\n";
	struct orgdir *d = orgdir_new();
	struct orgdir_diag diag = {NULL, NULL, 0};
	assert_non_null(d);
	assert_int_equal(orgdir_load_string(d, text, sizeof text - 1, "test", &diag), 0);
	assert_int_equal(diag.errors, 0);
	return d;
}

static uint32_t row(const struct ht_snapshot *s, const char *id)
{
	uint32_t r = table_find_id(s, HT_MODELS, id);
	if (r == UINT32_MAX)
		fail_msg("model %s not in the snapshot", id);
	return r;
}

static uint32_t acct(const struct attrib *a, const char *name)
{
	for (uint32_t i = 0; i < a->n_accounts; i++)
		if (strcmp(a->acct_name[i], name) == 0)
			return i;
	fail_msg("account %s not in the attribution", name);
	return UINT32_MAX;
}

/* Account name a model counts for by lineage. */
static const char *lin(const struct attrib *a, const struct ht_snapshot *s, const char *id)
{
	return a->acct_name[a->item_acct[HT_MODELS][ATTRIB_LINEAGE][row(s, id)]];
}

static uint8_t depth(const struct attrib *a, const struct ht_snapshot *s, const char *id)
{
	return a->lineage_depth[row(s, id)];
}

static uint8_t flags(const struct attrib *a, const struct ht_snapshot *s, const char *id)
{
	return a->lineage_flags[row(s, id)];
}

static void test_uploader_and_directory(void **state)
{
	static const struct m models[] = {
		{"meta-llama/Llama-3-8B", 1000, {0}},
		{"Qwen/Qwen2-7B", 900, {0}},
		{"THUDM/chatglm3-6b", 800, {0}},
		{"facebook/opt-1.3b", 700, {0}},
		{"EleutherAI/pythia-1b", 600, {0}},
		{"someone/tiny", 500, {0}},
		{"mystery-lab/model", 400, {0}},
		{"gpt2", 300, {0}},
	};
	static const char *const ds[] = {"allenai/c4", "someone/data", NULL};
	static const char *const orgs[] = {"mystery-lab", NULL};
	struct ht_snapshot *s = build(models, sizeof models / sizeof models[0], ds, orgs);
	struct orgdir *d = directory();
	struct attrib *a = attrib_build(s, d);
	uint32_t i;
	(void)state;
	assert_non_null(a);
	assert_int_equal(a->n_accounts, s->n_accounts);

	i = acct(a, "meta-llama");
	assert_int_equal(a->acct_country[i], country_find("US"));
	assert_int_equal(a->acct_group[i], CG_US);
	assert_int_equal(a->acct_type[i], OT_INDUSTRY);
	assert_ptr_equal(orgdir_entry(d, (size_t)a->acct_entry[i]), orgdir_lookup(d, "meta-llama"));

	i = acct(a, "Qwen");
	assert_int_equal(a->acct_group[i], CG_CN);

	/* Renamed namespaces count for the canonical entry. */
	i = acct(a, "THUDM");
	assert_ptr_equal(orgdir_entry(d, (size_t)a->acct_entry[i]), orgdir_lookup(d, "zai-org"));
	assert_int_equal(a->acct_country[i], country_find("CN"));
	assert_int_equal(a->acct_type[i], OT_INDUSTRY);
	i = acct(a, "facebook");
	assert_ptr_equal(orgdir_entry(d, (size_t)a->acct_entry[i]), orgdir_lookup(d, "meta-llama"));

	/* Multi-country: the first country is the primary. */
	i = acct(a, "EleutherAI");
	assert_int_equal(a->acct_country[i], country_find("US"));
	assert_int_equal(a->acct_type[i], OT_COMMUNITY);

	i = acct(a, "allenai");
	assert_int_equal(a->acct_type[i], OT_NONPROFIT);

	/* Unknown accounts: independent, unless known to be an organisation. */
	i = acct(a, "someone");
	assert_int_equal(a->acct_entry[i], -1);
	assert_int_equal(a->acct_type[i], OT_INDEPENDENT);
	assert_int_equal(a->acct_country[i], COUNTRY_UNKNOWN);
	assert_int_equal(a->acct_group[i], CG_UNKNOWN);
	i = acct(a, "mystery-lab");
	assert_int_equal(a->acct_type[i], OT_UNKNOWN_ORG);
	assert_int_equal(a->acct_country[i], COUNTRY_UNKNOWN);
	assert_int_equal(a->acct_entry[i], -1);
	i = acct(a, "gpt2"); /* legacy id without namespace owns itself */
	assert_int_equal(a->acct_type[i], OT_INDEPENDENT);

	/* By uploader: the author; no base, so lineage is the same. */
	for (uint32_t r = 0; r < s->t[HT_MODELS].n; r++) {
		assert_int_equal(a->item_acct[HT_MODELS][ATTRIB_UPLOADER][r], s->t[HT_MODELS].author[r]);
		assert_int_equal(a->item_acct[HT_MODELS][ATTRIB_LINEAGE][r], s->t[HT_MODELS].author[r]);
		assert_int_equal(a->lineage_depth[r], 0);
		assert_int_equal(a->lineage_flags[r], 0);
	}
	/* Datasets: both modes are the uploader. */
	for (uint32_t r = 0; r < s->t[HT_DATASETS].n; r++) {
		assert_int_equal(a->item_acct[HT_DATASETS][ATTRIB_UPLOADER][r], s->t[HT_DATASETS].author[r]);
		assert_int_equal(a->item_acct[HT_DATASETS][ATTRIB_LINEAGE][r], s->t[HT_DATASETS].author[r]);
	}
	attrib_free(a);

	/* Without a directory every account is independent or unknown-org. */
	a = attrib_build(s, NULL);
	assert_non_null(a);
	assert_int_equal(a->acct_type[acct(a, "meta-llama")], OT_INDEPENDENT);
	assert_int_equal(a->acct_type[acct(a, "mystery-lab")], OT_UNKNOWN_ORG);
	attrib_free(a);
	orgdir_free(d);
	table_free(s);
}

static void test_lineage_chain(void **state)
{
	static const struct m models[] = {
		{"bob/Qwen2-7B-ft-GGUF", 5000, {"alice/Qwen2-7B-ft"}},
		{"alice/Qwen2-7B-ft", 10, {"Qwen/Qwen2-7B"}},
		{"Qwen/Qwen2-7B", 900, {0}},
		{"carol/llama-ft", 50, {"meta-llama/Llama-9-secret"}},
		{"dave/llama-ft-ft", 60, {"carol/llama-ft"}},
		{"erin/qwen-thing", 70, {"QWEN/not-here"}},
		{"frank/old", 80, {"gpt2"}},
		{"gpt2", 1, {0}},
	};
	struct ht_snapshot *s = build(models, sizeof models / sizeof models[0], NULL, NULL);
	struct orgdir *d = directory();
	struct attrib *a = attrib_build(s, d);
	const char *ids[8];
	uint32_t extra;
	(void)state;
	assert_non_null(a);

	assert_string_equal(lin(a, s, "bob/Qwen2-7B-ft-GGUF"), "Qwen");
	assert_int_equal(depth(a, s, "bob/Qwen2-7B-ft-GGUF"), 2);
	assert_int_equal(flags(a, s, "bob/Qwen2-7B-ft-GGUF"), 0);
	assert_string_equal(lin(a, s, "alice/Qwen2-7B-ft"), "Qwen");
	assert_int_equal(depth(a, s, "alice/Qwen2-7B-ft"), 1);
	assert_string_equal(lin(a, s, "Qwen/Qwen2-7B"), "Qwen");
	assert_int_equal(depth(a, s, "Qwen/Qwen2-7B"), 0);
	assert_string_equal(lin(a, s, "frank/old"), "gpt2");
	/* Uploader mode is untouched by lineage. */
	assert_string_equal(a->acct_name[a->item_acct[HT_MODELS][ATTRIB_UPLOADER][row(s, "bob/Qwen2-7B-ft-GGUF")]],
			    "bob");

	/* A base missing from the snapshot: its owner counts, as an extra
	 * account with the directory's fields. */
	assert_int_equal(a->n_accounts, s->n_accounts + 1);
	extra = s->n_accounts;
	assert_string_equal(a->acct_name[extra], "meta-llama");
	assert_int_equal(a->acct_type[extra], OT_INDUSTRY);
	assert_int_equal(a->acct_group[extra], CG_US);
	assert_string_equal(lin(a, s, "carol/llama-ft"), "meta-llama");
	assert_int_equal(depth(a, s, "carol/llama-ft"), 1);
	assert_int_equal(flags(a, s, "carol/llama-ft"), ATTRIB_LIN_MISSING);
	assert_string_equal(lin(a, s, "dave/llama-ft-ft"), "meta-llama");
	assert_int_equal(depth(a, s, "dave/llama-ft-ft"), 2);
	assert_int_equal(flags(a, s, "dave/llama-ft-ft"), ATTRIB_LIN_MISSING);
	/* A missing base whose owner is a known account (other case): no extra. */
	assert_string_equal(lin(a, s, "erin/qwen-thing"), "Qwen");

	/* The chain, root last. */
	assert_int_equal(attrib_chain(a, s, row(s, "bob/Qwen2-7B-ft-GGUF"), ids, 8), 3);
	assert_string_equal(ids[0], "bob/Qwen2-7B-ft-GGUF");
	assert_string_equal(ids[1], "alice/Qwen2-7B-ft");
	assert_string_equal(ids[2], "Qwen/Qwen2-7B");
	assert_int_equal(attrib_chain(a, s, row(s, "bob/Qwen2-7B-ft-GGUF"), ids, 2), 2);
	assert_int_equal(attrib_chain(a, s, row(s, "dave/llama-ft-ft"), ids, 8), 3);
	assert_string_equal(ids[2], "meta-llama/Llama-9-secret");
	assert_int_equal(attrib_chain(a, s, row(s, "Qwen/Qwen2-7B"), ids, 8), 1);
	assert_int_equal(attrib_chain(a, s, s->t[HT_MODELS].n, ids, 8), 0);

	assert_int_equal(attrib_children(a, row(s, "Qwen/Qwen2-7B")), 1);
	assert_int_equal(attrib_children(a, row(s, "alice/Qwen2-7B-ft")), 1);
	assert_int_equal(attrib_children(a, row(s, "bob/Qwen2-7B-ft-GGUF")), 0);
	assert_int_equal(attrib_children(a, s->t[HT_MODELS].n + 5), 0);
	attrib_free(a);
	orgdir_free(d);
	table_free(s);
}

/* The same cycle, with rows in two different orders: results must agree. */
static void check_cycle(const uint64_t *dl)
{
	struct m models[] = {
		{"ua/a", dl[0], {"ub/b"}},
		{"ub/b", dl[1], {"uc/c"}},
		{"uc/c", dl[2], {"ua/a"}},
		{"ut/tail", dl[3], {"ua/a"}},
		{"us/self", dl[4], {"us/self"}},
		{"uk/kid-of-self", dl[5], {"us/self"}},
	};
	struct ht_snapshot *s = build(models, sizeof models / sizeof models[0], NULL, NULL);
	struct attrib *a = attrib_build(s, NULL);
	const char *ids[8];
	assert_non_null(a);
	/* From each member the chain runs round and stops at the last new id. */
	assert_string_equal(lin(a, s, "ua/a"), "uc");
	assert_string_equal(lin(a, s, "ub/b"), "ua");
	assert_string_equal(lin(a, s, "uc/c"), "ub");
	assert_string_equal(lin(a, s, "ut/tail"), "uc");
	assert_int_equal(depth(a, s, "ua/a"), 2);
	assert_int_equal(depth(a, s, "ut/tail"), 3);
	assert_int_equal(flags(a, s, "ub/b"), ATTRIB_LIN_CYCLE);
	assert_int_equal(flags(a, s, "ut/tail"), ATTRIB_LIN_CYCLE);
	/* Self-reference. */
	assert_string_equal(lin(a, s, "us/self"), "us");
	assert_int_equal(depth(a, s, "us/self"), 0);
	assert_int_equal(flags(a, s, "us/self"), ATTRIB_LIN_CYCLE);
	assert_string_equal(lin(a, s, "uk/kid-of-self"), "us");
	assert_int_equal(depth(a, s, "uk/kid-of-self"), 1);

	assert_int_equal(attrib_chain(a, s, row(s, "ut/tail"), ids, 8), 4);
	assert_string_equal(ids[3], "uc/c");
	assert_int_equal(attrib_chain(a, s, row(s, "us/self"), ids, 8), 1);
	assert_int_equal(attrib_children(a, row(s, "ua/a")), 2);
	assert_int_equal(attrib_children(a, row(s, "us/self")), 1); /* itself not counted */
	attrib_free(a);
	table_free(s);
}

static void test_lineage_cycles(void **state)
{
	static const uint64_t up[6] = {1, 2, 3, 4, 5, 6};
	static const uint64_t down[6] = {60, 50, 40, 30, 20, 10};
	static const uint64_t mixed[6] = {10, 60, 30, 50, 5, 40};
	(void)state;
	check_cycle(up);
	check_cycle(down);
	check_cycle(mixed);
}

static void test_multi_base(void **state)
{
	static const struct m models[] = {
		{"m/merge", 100, {"ma/A", "mb/B"}},
		{"ma/A", 50, {0}},
		{"mb/B", 40, {0}},
		{"k/kid", 30, {"m/merge"}},
		{"m/twice", 20, {"ma/A", "ma/A"}},
	};
	struct ht_snapshot *s = build(models, sizeof models / sizeof models[0], NULL, NULL);
	struct attrib *a = attrib_build(s, NULL);
	(void)state;
	assert_string_equal(lin(a, s, "m/merge"), "ma");
	assert_int_equal(flags(a, s, "m/merge"), ATTRIB_LIN_MULTI);
	assert_string_equal(lin(a, s, "k/kid"), "ma");
	assert_int_equal(depth(a, s, "k/kid"), 2);
	assert_int_equal(flags(a, s, "k/kid"), ATTRIB_LIN_MULTI);
	assert_int_equal(flags(a, s, "m/twice"), 0); /* one base named twice */
	assert_int_equal(attrib_children(a, row(s, "ma/A")), 2);
	assert_int_equal(attrib_children(a, row(s, "mb/B")), 1);
	attrib_free(a);
	table_free(s);
}

/* The definition, model by model, to compare with the memoised build. */
static void reference(const struct ht_snapshot *s, uint32_t r, char *owner, size_t len,
		      unsigned *dep, unsigned *fl)
{
	uint32_t seen[ATTRIB_MAX_DEPTH + 1];
	uint32_t x = r, k = 0;
	*fl = 0;
	for (;;) {
		const struct ht_table *t = &s->t[HT_MODELS];
		uint32_t p;
		int cyc = 0;
		seen[k] = x;
		if (t->link_count[x] > 1)
			*fl |= ATTRIB_LIN_MULTI;
		if (k == ATTRIB_MAX_DEPTH || !t->link_count[x]) {
			snprintf(owner, len, "%s", ht_author(s, HT_MODELS, x));
			break;
		}
		p = table_find_id(s, HT_MODELS, ht_str(s, s->link_base[t->link_first[x]]));
		if (p == UINT32_MAX) {
			table_owner_of(ht_str(s, s->link_base[t->link_first[x]]), owner, len);
			*fl |= ATTRIB_LIN_MISSING;
			k++;
			break;
		}
		for (uint32_t i = 0; i <= k; i++)
			cyc |= seen[i] == p;
		if (cyc) {
			snprintf(owner, len, "%s", ht_author(s, HT_MODELS, x));
			*fl |= ATTRIB_LIN_CYCLE;
			break;
		}
		x = p;
		k++;
	}
	*dep = k;
}

/* A chain of 200: m0 <- m1 <- ... <- m199, owner u<i>.  The walk is capped
 * at ATTRIB_MAX_DEPTH links. */
static void check_long_chain(int leaf_first, int root_kind)
{
	enum { N = 200 };
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	char id[64], base[64], name[32];
	const char *ids[ATTRIB_MAX_DEPTH + 8];
	assert_non_null(b);
	for (int i = 0; i < N; i++) {
		const char *bp = base;
		snprintf(id, sizeof id, "u%d/m%d", i, i);
		snprintf(base, sizeof base, "u%d/m%d", i - 1, i - 1);
		/* root_kind 1: m0's base is missing; 2: m0's base is m199 (a
		 * cycle longer than the cap). */
		if (i == 0 && root_kind)
			snprintf(base, sizeof base, root_kind == 1 ? "gone/m" : "u%d/m%d", N - 1, N - 1);
		add(b, HT_MODELS, id, (uint64_t)(leaf_first ? i + 1 : N - i), &bp,
		    i || root_kind ? 1 : 0);
	}
	memset(&meta, 0, sizeof meta);
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	a = attrib_build(s, NULL);
	assert_non_null(a);
	for (uint32_t r = 0; r < s->t[HT_MODELS].n; r++) {
		char owner[256];
		unsigned dep, fl;
		reference(s, r, owner, sizeof owner, &dep, &fl);
		assert_string_equal(a->acct_name[a->item_acct[HT_MODELS][ATTRIB_LINEAGE][r]], owner);
		assert_int_equal(a->lineage_depth[r], dep);
		assert_int_equal(a->lineage_flags[r], fl);
	}
	if (root_kind == 1) {
		assert_string_equal(lin(a, s, "u63/m63"), "gone");
		assert_int_equal(depth(a, s, "u63/m63"), 64);
		assert_int_equal(flags(a, s, "u63/m63"), ATTRIB_LIN_MISSING);
		assert_string_equal(lin(a, s, "u64/m64"), "u0");
		assert_int_equal(flags(a, s, "u64/m64"), 0);
	}
	if (root_kind == 2) {
		assert_string_equal(lin(a, s, "u0/m0"), "u136");
		assert_int_equal(depth(a, s, "u0/m0"), 64);
	}
	for (int i = 0; i < N && !root_kind; i++) {
		int root = i <= ATTRIB_MAX_DEPTH ? 0 : i - ATTRIB_MAX_DEPTH;
		unsigned n;
		snprintf(id, sizeof id, "u%d/m%d", i, i);
		snprintf(name, sizeof name, "u%d", root);
		assert_string_equal(lin(a, s, id), name);
		assert_int_equal(depth(a, s, id), i - root);
		assert_int_equal(flags(a, s, id), 0);
		n = attrib_chain(a, s, row(s, id), ids, ATTRIB_MAX_DEPTH + 8);
		assert_int_equal(n, (unsigned)(i - root + 1));
		snprintf(base, sizeof base, "u%d/m%d", root, root);
		assert_string_equal(ids[n - 1], base);
	}
	attrib_free(a);
	table_free(s);
}

static void test_long_chain(void **state)
{
	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		check_long_chain(1, kind);
		check_long_chain(0, kind);
	}
}

static void test_random_graph_matches_definition(void **state)
{
	enum { N = 4000 };
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	uint32_t x = 987654321u;
	char id[64], bases[3][64];
	(void)state;
	assert_non_null(b);
	for (int i = 0; i < N; i++) {
		const char *bp[3] = {bases[0], bases[1], bases[2]};
		size_t nb;
		x = x * 1664525u + 1013904223u;
		nb = (x >> 8) % 4 ? 1 : (x >> 12) % 3;
		if ((x >> 20) % 5 == 0)
			nb = 2;
		for (size_t j = 0; j < nb; j++) {
			uint32_t target;
			x = x * 1664525u + 1013904223u;
			/* Mostly older models (chains), some newer (cycles), some missing. */
			target = (x >> 4) % 10 == 0 ? (uint32_t)((x >> 8) % N)
						    : (i ? (uint32_t)((x >> 8) % (uint32_t)i) : 0);
			if ((x >> 16) % 17 == 0)
				snprintf(bases[j], sizeof bases[j], "gone%u/m%u", target % 7, target);
			else
				snprintf(bases[j], sizeof bases[j], "o%u/m%u", target % 97, target);
		}
		snprintf(id, sizeof id, "o%u/m%d", (unsigned)i % 97, i);
		x = x * 1664525u + 1013904223u;
		add(b, HT_MODELS, id, (x >> 8) % 1000, bp, nb);
	}
	memset(&meta, 0, sizeof meta);
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	a = attrib_build(s, NULL);
	assert_non_null(a);
	for (uint32_t r = 0; r < s->t[HT_MODELS].n; r++) {
		char owner[256];
		unsigned dep, fl;
		reference(s, r, owner, sizeof owner, &dep, &fl);
		if (strcmp(a->acct_name[a->item_acct[HT_MODELS][ATTRIB_LINEAGE][r]], owner) != 0 ||
		    a->lineage_depth[r] != dep || a->lineage_flags[r] != fl)
			fail_msg("%s: got %s depth %u flags %u, expected %s depth %u flags %u",
				 ht_id(s, HT_MODELS, r),
				 a->acct_name[a->item_acct[HT_MODELS][ATTRIB_LINEAGE][r]],
				 a->lineage_depth[r], a->lineage_flags[r], owner, dep, fl);
	}
	attrib_free(a);
	table_free(s);
}

static void test_unattributed(void **state)
{
	static const struct m models[] = {
		{"meta-llama/Llama-3-8B", 1000000, {0}},
		{"bartowski/a-GGUF", 5000, {"meta-llama/Llama-3-8B"}},
		{"bartowski/b-GGUF", 4000, {0}},
		{"mystery-lab/x", 6000, {0}},
		{"smalltime/y", 10, {"nowhere-org/base"}},
	};
	static const char *const ds[] = {"bartowski/data", "THUDM/data", NULL};
	static const char *const orgs[] = {"mystery-lab", NULL};
	struct ht_snapshot *s = build(models, sizeof models / sizeof models[0], ds, orgs);
	struct orgdir *d = directory();
	struct attrib *a = attrib_build(s, d);
	struct attrib_unknown *u = NULL;
	size_t n;
	(void)state;
	n = attrib_unattributed(a, s, 0, 0, &u);
	/* Known (meta-llama, THUDM as an alias) and extra accounts without items
	 * (nowhere-org) are not listed. */
	assert_int_equal(n, 3);
	assert_non_null(u);
	assert_string_equal(u[0].account, "bartowski");
	/* Datasets get downloads 100 + index in build(). */
	assert_int_equal(u[0].downloads, 5000 + 4000 + 100);
	assert_int_equal(u[0].items, 3);
	assert_int_equal(u[0].kind, HT_ACCT_UNCHECKED);
	assert_string_equal(u[1].account, "mystery-lab");
	assert_int_equal(u[1].kind, HT_ACCT_ORG);
	assert_string_equal(u[2].account, "smalltime");
	free(u);

	n = attrib_unattributed(a, s, 1, 2, &u);
	assert_int_equal(n, 2);
	assert_int_equal(u[0].downloads, (5000 + 4000 + 100) * 10);
	free(u);
	attrib_free(a);
	table_free(s);

	/* Everything known: nothing to list. */
	{
		static const struct m known[] = {{"Qwen/q", 5, {0}}};
		s = build(known, 1, NULL, NULL);
		a = attrib_build(s, d);
		u = (struct attrib_unknown *)&n;
		assert_int_equal(attrib_unattributed(a, s, 0, 10, &u), 0);
		assert_null(u);
		attrib_free(a);
		table_free(s);
	}
	orgdir_free(d);
}

static void test_empty_snapshot(void **state)
{
	struct ht_snapshot *s = build(NULL, 0, NULL, NULL);
	struct attrib *a = attrib_build(s, NULL);
	struct attrib_unknown *u;
	(void)state;
	assert_non_null(a);
	assert_int_equal(a->n_accounts, 0);
	assert_int_equal(attrib_unattributed(a, s, 0, 0, &u), 0);
	assert_int_equal(attrib_children(a, 0), 0);
	attrib_free(a);
	attrib_free(NULL);
	table_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uploader_and_directory),
		cmocka_unit_test(test_lineage_chain),
		cmocka_unit_test(test_lineage_cycles),
		cmocka_unit_test(test_multi_base),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_random_graph_matches_definition),
		cmocka_unit_test(test_unattributed),
		cmocka_unit_test(test_empty_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

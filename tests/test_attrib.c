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
	/* Beyond the snapshot's accounts, only the accounts that stand for an
	 * organisation none of whose items are under that name. */
	assert_true(a->n_accounts >= s->n_accounts);
	for (i = s->n_accounts; i < a->n_accounts; i++) {
		assert_int_equal(a->acct_org[i], i);
		assert_true(a->acct_entry[i] >= 0);
	}

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

/* ---- Every field against a plain reference, on random snapshots ---------
 * The reference follows the definition model by model, recursively, reads
 * the resolved links as the snapshot holds them, and numbers the extra
 * accounts in row order of the models naming them. */

struct ref {
	const struct ht_snapshot *s;
	char **name;             /* the snapshot's accounts, then the extra ones */
	uint32_t n, cap;
};

static void ref_add(struct ref *f, const char *name)
{
	if (f->n == f->cap) {
		f->cap = f->cap * 2 + 16;
		f->name = realloc(f->name, f->cap * sizeof *f->name);
		assert_non_null(f->name);
	}
	f->name[f->n] = strdup(name);
	assert_non_null(f->name[f->n]);
	f->n++;
}

/* The first account of that name but for case, added if none. */
static uint32_t ref_account(struct ref *f, const char *owner)
{
	for (uint32_t i = 0; i < f->n; i++)
		if (orgdir_name_eq(f->name[i], owner))
			return i;
	ref_add(f, owner);
	return f->n - 1;
}

/* Model x's first base: its row, or UINT32_MAX with the owner of a missing
 * base in owner ("" when there is no base, or it names no owner). */
static uint32_t ref_base(const struct ht_snapshot *s, uint32_t x, char *owner, size_t len)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t par;
	owner[0] = '\0';
	if (!t->link_count[x])
		return UINT32_MAX;
	par = s->link_row[t->link_first[x]];
	if (par == UINT32_MAX)
		table_owner_of(ht_str(s, s->link_base[t->link_first[x]]), owner, len);
	return par;
}

/* The chain from x, k links followed so far, seen[0..k-1] before it. */
static void ref_follow(struct ref *f, uint32_t x, unsigned k, uint32_t *seen, uint32_t *acct,
		       unsigned *dep, unsigned *fl)
{
	const struct ht_table *t = &f->s->t[HT_MODELS];
	char owner[256];
	uint32_t par = ref_base(f->s, x, owner, sizeof owner);
	seen[k] = x;
	if (t->link_count[x] > 1)
		*fl |= ATTRIB_LIN_MULTI;
	if (k == ATTRIB_MAX_DEPTH || (par == UINT32_MAX && !owner[0])) {
		*acct = t->author[x];
		*dep = k;
		return;
	}
	if (par == UINT32_MAX) {
		*acct = ref_account(f, owner);
		*fl |= ATTRIB_LIN_MISSING;
		*dep = k + 1;
		return;
	}
	for (unsigned i = 0; i <= k; i++) {
		if (seen[i] == par) {
			*acct = t->author[x];
			*fl |= ATTRIB_LIN_CYCLE;
			*dep = k;
			return;
		}
	}
	ref_follow(f, par, k + 1, seen, acct, dep, fl);
}

static unsigned ref_chain(const struct ht_snapshot *s, uint32_t r, const char **ids, unsigned max)
{
	uint32_t rows[ATTRIB_MAX_DEPTH + 1], x = r;
	unsigned n = 0, k = 0;
	for (;;) {
		char owner[256];
		uint32_t par = ref_base(s, x, owner, sizeof owner);
		int seen = 0;
		if (n < max)
			ids[n++] = ht_id(s, HT_MODELS, x);
		rows[k] = x;
		if (k == ATTRIB_MAX_DEPTH || (par == UINT32_MAX && !owner[0]))
			break;
		if (par == UINT32_MAX) {
			if (n < max)
				ids[n++] = ht_str(s, s->link_base[s->t[HT_MODELS].link_first[x]]);
			break;
		}
		for (unsigned i = 0; i <= k; i++)
			seen |= rows[i] == par;
		if (seen)
			break;
		x = par;
		k++;
	}
	return n;
}

static uint32_t ref_children(const struct ht_snapshot *s, uint32_t x)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t n = 0;
	for (uint32_t r = 0; r < t->n; r++) {
		int names = 0;
		for (uint32_t j = 0; j < t->link_count[r]; j++)
			names |= s->link_row[t->link_first[r] + j] == x;
		n += names && r != x;
	}
	return n;
}

static void check_against_reference(const struct ht_snapshot *s, const struct orgdir *d)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	struct attrib *a = attrib_build(s, d);
	struct ref f = {s, NULL, 0, 0};
	uint32_t seen[ATTRIB_MAX_DEPTH + 1];
	const char *ids[ATTRIB_MAX_DEPTH + 2], *want[ATTRIB_MAX_DEPTH + 2];
	assert_non_null(a);

	for (uint32_t i = 0; i < s->n_accounts; i++)
		ref_add(&f, ht_str(s, s->acct_name[i]));
	/* Extra accounts are numbered in row order of the models naming them. */
	for (uint32_t r = 0; r < t->n; r++) {
		char owner[256];
		if (ref_base(s, r, owner, sizeof owner) == UINT32_MAX && owner[0])
			ref_account(&f, owner);
	}
	assert_int_equal(a->n_accounts, f.n);
	for (uint32_t i = 0; i < f.n; i++) {
		const struct org_entry *e = d ? orgdir_lookup(d, f.name[i]) : NULL;
		int32_t entry = -1;
		unsigned country = COUNTRY_UNKNOWN, type;
		if (e) {
			const struct org_entry *ce;
			entry = e->canonical >= 0 ? e->canonical : (int32_t)(e - orgdir_entry(d, 0));
			ce = orgdir_entry(d, (size_t)entry);
			country = ce->n_countries ? ce->countries[0] : COUNTRY_UNKNOWN;
			type = ce->type;
		} else {
			type = i < s->n_accounts && s->acct_kind[i] == HT_ACCT_ORG ? OT_UNKNOWN_ORG
										     : OT_INDEPENDENT;
		}
		assert_string_equal(a->acct_name[i], f.name[i]);
		assert_int_equal(a->acct_entry[i], entry);
		assert_int_equal(a->acct_country[i], country);
		assert_int_equal(a->acct_type[i], type);
		assert_int_equal(a->acct_group[i], country_group_of(country));
	}
	for (int k = 0; k < HT_KIND_COUNT; k++)
		for (uint32_t r = 0; r < s->t[k].n; r++) {
			assert_int_equal(a->item_acct[k][ATTRIB_UPLOADER][r], s->t[k].author[r]);
			if (k == HT_DATASETS)
				assert_int_equal(a->item_acct[k][ATTRIB_LINEAGE][r], s->t[k].author[r]);
		}
	for (uint32_t r = 0; r < t->n; r++) {
		uint32_t acct;
		unsigned dep, fl = 0, n;
		ref_follow(&f, r, 0, seen, &acct, &dep, &fl);
		if (a->item_acct[HT_MODELS][ATTRIB_LINEAGE][r] != acct || a->lineage_depth[r] != dep ||
		    a->lineage_flags[r] != fl)
			fail_msg("%s: got %s depth %u flags %u, expected %s depth %u flags %u",
				 ht_id(s, HT_MODELS, r),
				 a->acct_name[a->item_acct[HT_MODELS][ATTRIB_LINEAGE][r]],
				 a->lineage_depth[r], a->lineage_flags[r], f.name[acct], dep, fl);
		n = ref_chain(s, r, want, ATTRIB_MAX_DEPTH + 2);
		assert_int_equal(attrib_chain(a, s, r, ids, ATTRIB_MAX_DEPTH + 2), n);
		for (unsigned i = 0; i < n; i++)
			assert_ptr_equal(ids[i], want[i]);
		assert_int_equal(attrib_chain(a, s, r, ids, 2), n < 2 ? n : 2);
		if (r % 7 == 0 || r < 50)
			assert_int_equal(attrib_children(a, r), ref_children(s, r));
	}
	for (uint32_t i = 0; i < f.n; i++)
		free(f.name[i]);
	free(f.name);
	attrib_free(a);
}

static uint32_t rnd(uint32_t *x, uint32_t n)
{
	*x = *x * 1664525u + 1013904223u;
	return (uint32_t)(((uint64_t)(*x >> 8) * n) >> 24);
}

/* Owners, some equal but for case to each other or to directory entries. */
static const char *const g_owners[] = {
	"o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", "Qwen", "QWEN", "qwen",
	"meta-llama", "Meta-Llama", "facebook", "THUDM", "thudm", "EleutherAI", "eleutherai",
	"zai-org", "stanford", "someone-with-a-long-name", "Someone-With-A-Long-Name",
};
/* Owners of bases that are not in the snapshot. */
static const char *const g_gone[] = {
	"gone1", "Gone1", "GONE1", "gone2", "QWEN", "o3", "O3", "allenai", "AllenAI", "mistralai",
	"vanished-lab", "Vanished-Lab", "someone-with-a-long-name",
};

/* Model i's id, the same whenever drawn for one seed. */
static void random_id(char *buf, size_t len, uint32_t i, uint32_t seed)
{
	uint32_t x = seed ^ (i * 2654435761u);
	if (rnd(&x, 25) == 0)
		snprintf(buf, len, "legacy%u", i);
	else
		snprintf(buf, len, "%s/m%u", g_owners[rnd(&x, sizeof g_owners / sizeof *g_owners)], i);
}

/* A random snapshot: chains, merges, bases later in row order, missing
 * bases, cycles, self-links, a chain of 150 (a cycle of 150 when closed);
 * then, for damage percent of the models, links rewritten as a damaged or
 * hostile file may hold them: self-links, one base named twice, empty or
 * ownerless missing bases, bases anywhere. */
static struct ht_snapshot *random_snapshot(uint32_t seed, uint32_t n, unsigned damage, int closed)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct ht_table *t;
	uint32_t x = seed;
	char id[64], base[4][64], tag[4][80];
	assert_non_null(b);
	for (uint32_t i = 0; i < n; i++) {
		struct ht_item it;
		unsigned nb = rnd(&x, 3) ? rnd(&x, 2) + (rnd(&x, 6) == 0 ? 2 : 0) : 0;
		memset(&it, 0, sizeof it);
		random_id(id, sizeof id, i, seed);
		for (unsigned j = 0; j < nb; j++) {
			uint32_t kind = rnd(&x, 20);
			if (kind == 0)
				snprintf(base[j], sizeof base[j], "%s/x%u",
					 g_gone[rnd(&x, sizeof g_gone / sizeof *g_gone)], rnd(&x, 5));
			else if (kind == 1)
				snprintf(base[j], sizeof base[j], "nothere%u", rnd(&x, 3));
			else if (kind == 2)
				snprintf(base[j], sizeof base[j], "%s", id);
			else
				/* Mostly an earlier model (a base is older), some later. */
				random_id(base[j], sizeof base[j], kind < 15 && i ? rnd(&x, i) : rnd(&x, n), seed);
			snprintf(tag[j], sizeof tag[j], "base_model:%.63s", base[j]);
			it.tags[it.n_tags++] = tag[j];
		}
		it.id = id;
		it.downloads = rnd(&x, 1000000);
		assert_true(table_builder_add(b, HT_MODELS, &it) >= 0);
	}
	for (uint32_t i = 0; i < 150; i++) {
		struct ht_item it;
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "c%u/chain", i);
		snprintf(tag[0], sizeof tag[0], "base_model:c%u/chain", i ? i - 1 : 149);
		it.id = id;
		it.downloads = rnd(&x, 1000000);
		it.tags[0] = tag[0];
		it.n_tags = i || closed ? 1 : 0;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	for (uint32_t i = 0; i < 20; i++) {
		struct ht_item it;
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "%s/data%u", g_owners[rnd(&x, sizeof g_owners / sizeof *g_owners)], i);
		it.id = id;
		it.downloads = rnd(&x, 1000);
		assert_true(table_builder_add(b, HT_DATASETS, &it) >= 0);
	}
	assert_int_equal(table_builder_set_account_kind(b, "o4", HT_ACCT_ORG), 0);
	assert_int_equal(table_builder_set_account_kind(b, "THUDM", HT_ACCT_ORG), 0);
	memset(&meta, 0, sizeof meta);
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	t = &s->t[HT_MODELS];
	for (uint32_t r = 0; r < t->n && damage; r++) {
		uint32_t first = t->link_first[r], cnt = t->link_count[r];
		const char *own = ht_id(s, HT_MODELS, r), *slash = strchr(own, '/');
		if (!cnt || rnd(&x, 100) >= damage)
			continue;
		switch (rnd(&x, 5)) {
		case 0:
			s->link_row[first] = r;
			break;
		case 1:
			if (cnt > 1)
				s->link_row[first + 1] = s->link_row[first];
			break;
		case 2:
			s->link_row[first] = UINT32_MAX;
			s->link_base[first] = 0;
			break;
		case 3:
			if (slash) {
				s->link_row[first] = UINT32_MAX;
				s->link_base[first] = t->id[r] + (uint32_t)(slash - own);
			}
			break;
		default:
			s->link_row[first + rnd(&x, cnt)] = rnd(&x, t->n);
			break;
		}
	}
	return s;
}

static void test_random_snapshots_match_reference(void **state)
{
	struct orgdir *d = directory();
	(void)state;
	for (uint32_t seed = 1; seed <= 12; seed++) {
		struct ht_snapshot *s = random_snapshot(seed * 2654435761u, 200 + seed * 150,
							 seed % 3 ? (seed % 4) * 10 : 0, seed & 1);
		check_against_reference(s, seed % 5 ? d : NULL);
		table_free(s);
	}
	orgdir_free(d);
}

/* Few accounts: bases anywhere in the table, then also more owners of
 * missing bases than accounts.  Built with a small ATTRIB_NARROW_BITS, the
 * packed layout holds the first and runs out of room midway for the second. */
static void test_few_accounts(void **state)
{
	struct orgdir *d = directory();
	(void)state;
	for (int lost = 0; lost < 2; lost++) {
		struct ht_builder *b = table_builder_new();
		struct ht_meta meta;
		struct ht_snapshot *s;
		char id[64], tag[2][80];
		assert_non_null(b);
		for (unsigned i = 0; i < 60; i++) {
			struct ht_item it;
			unsigned j = i % 3 || !lost ? (i * 7 + 3) % 60 : i;
			memset(&it, 0, sizeof it);
			snprintf(id, sizeof id, "%c/m%u", "abcAB"[i % 5], i);
			if (j == i)
				snprintf(tag[0], sizeof tag[0], "base_model:%s%u/x", i % 2 ? "lost" : "LOST", i % 20);
			else
				snprintf(tag[0], sizeof tag[0], "base_model:%c/m%u", "abcAB"[j % 5], j);
			snprintf(tag[1], sizeof tag[1], "base_model:%s/y", i % 4 ? "QWEN" : "zai-ORG");
			it.id = id;
			it.downloads = 1000 - i * 7 % 300;
			it.tags[0] = tag[0];
			it.tags[1] = tag[1];
			it.n_tags = i % 11 == 5 ? 0 : i % 7 ? 1 : 2;
			assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
		}
		memset(&meta, 0, sizeof meta);
		s = table_builder_finish(b, &meta);
		assert_non_null(s);
		assert_true(s->n_accounts < 8);
		check_against_reference(s, d);
		check_against_reference(s, NULL);
		table_free(s);
	}
	orgdir_free(d);
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
		cmocka_unit_test(test_random_snapshots_match_reference),
		cmocka_unit_test(test_few_accounts),
		cmocka_unit_test(test_unattributed),
		cmocka_unit_test(test_empty_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

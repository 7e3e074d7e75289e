/* test_dims.c - relation, depth, language and size (dims.h): the words,
 * a hand-made listing with every relation, chains, a cycle, several
 * languages and sizes from safetensors, gguf and none, with its exact
 * figures; random listings against a brute-force oracle (matches, shares,
 * medians, bases). */
#include <ctype.h>
#include "testutil.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"
#include "hubtop/listing.h"
#include "hubtop/dims.h"
#include "hubtop/language.h"
#include "engine_fixture.h"

static void test_words(void **state)
{
	static const struct { const char *in; uint64_t v; } ok[] = {
		{ "7B", 7000000000ull }, { "1.5B", 1500000000ull }, { "350M", 350000000ull },
		{ "20k", 20000ull }, { "125000000", 125000000ull }, { "0.5b", 500000000ull },
		{ "2T", 2000000000000ull },
	};
	static const char *const bad[] = { "", "B", "7X", "1.5", "-1", "7B7", ".5B", "99999999999999999999" };
	char buf[32], err[512];
	uint64_t v;
	struct filter f, g;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(dims_parse_count(ok[i].in, &v), 0);
		assert_true(v == ok[i].v);
		dims_fmt_exact(v, buf, sizeof buf);
		assert_int_equal(dims_parse_count(buf, &v), 0);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(dims_parse_count(bad[i], &v), -1);
	dims_fmt_count(7241748480ull, buf, sizeof buf);
	assert_string_equal(buf, "7.2B");
	dims_fmt_count(70000000000ull, buf, sizeof buf);
	assert_string_equal(buf, "70B");
	dims_fmt_count(124439808ull, buf, sizeof buf);
	assert_string_equal(buf, "124M");
	assert_int_equal(dims_size_bucket(0), DSIZE_UNKNOWN);
	assert_int_equal(dims_size_bucket(99999999ull), DSIZE_100M);
	assert_int_equal(dims_size_bucket(100000000ull), DSIZE_1B);
	assert_int_equal(dims_size_bucket(1000000000ull), DSIZE_10B);
	assert_int_equal(dims_size_bucket(10000000000ull), DSIZE_100B);
	assert_int_equal(dims_size_bucket(100000000000ull), DSIZE_HUGE);
	for (int r = 0; r < DREL_COUNT; r++)
		assert_int_equal(dims_rel_find(dims_rel_key(r)), r);
	assert_int_equal(dims_rel_find("fork"), -1);
	assert_string_equal(language_name("zh"), "Chinese");
	assert_string_equal(language_name("zh-Hans"), "Chinese");
	assert_null(language_name("xx"));
	assert_string_equal(language_code_of("french"), "fr");
	assert_true(language_code_valid("en"));
	assert_true(language_code_valid("zh-Hans"));
	assert_true(language_code_valid("code"));
	assert_false(language_code_valid("e"));
	assert_false(language_code_valid("en-"));
	assert_false(language_code_valid("en--x"));
	assert_false(language_code_valid("e1"));

	/* The filter keys: set, get, round trip, refusals naming the valid values. */
	filter_init(&f);
	assert_int_equal(filter_set(&f, "relation", "merge,original", err, sizeof err), 0);
	assert_int_equal(f.relations, (1u << DREL_MERGE) | (1u << DREL_ORIGINAL));
	assert_int_equal(filter_set(&f, "language", "ZH,en,Chinese,French,unknown", err, sizeof err), 0);
	assert_int_equal(f.n_langs, 4);
	assert_string_equal(f.langs[0], "zh");
	assert_string_equal(f.langs[2], "fr");
	assert_int_equal(filter_set(&f, "size", "7B..70B", err, sizeof err), 0);
	assert_true(f.size_from == 7000000000ull && f.size_to == 70000000000ull);
	filter_get(&f, "size", buf, sizeof buf);
	assert_string_equal(buf, "7B..70B");
	assert_true(filter_active(&f));
	{
		char args[1024];
		filter_to_args(&f, args, sizeof args);
		assert_string_equal(args, "--relation original,merge --language zh,en,fr,unknown --size 7B..70B");
	}
	g = f;
	assert_true(filter_equal(&f, &g));
	assert_int_equal(filter_set(&g, "size", "..1.5B", err, sizeof err), 0);
	assert_true(g.size_from == 0 && g.size_to == 1500000000ull);
	filter_get(&g, "size", buf, sizeof buf);
	assert_string_equal(buf, "..1500M");
	assert_false(filter_equal(&f, &g));
	assert_int_equal(filter_set(&g, "size", "100M..", err, sizeof err), 0);
	assert_true(g.size_from == 100000000ull && g.size_to == 0);
	assert_int_equal(filter_set(&g, "relation", "fork", err, sizeof err), -1);
	assert_non_null(strstr(err, "quantized"));
	assert_int_equal(filter_set(&g, "size", "70B..7B", err, sizeof err), -1);
	assert_non_null(strstr(err, "..1B"));
	assert_int_equal(filter_set(&g, "size", "7B", err, sizeof err), -1);
	assert_int_equal(filter_set(&g, "size", "..", err, sizeof err), -1);
	assert_int_equal(filter_set(&g, "language", "e$", err, sizeof err), -1);
	assert_non_null(strstr(err, "ISO 639"));
	assert_int_equal(filter_set(&g, "relation", "", err, sizeof err), 0);
	assert_int_equal(filter_set(&g, "language", "", err, sizeof err), 0);
	assert_int_equal(filter_set(&g, "size", "", err, sizeof err), 0);
	assert_false(filter_active(&g));
}

/* ---- hand-made ------------------------------------------------------------ */

struct hm {
	const char *id;
	uint64_t dl, params;
	const char *tags[5];
	int rel, depth;
	const char *lang;
	int notags;   /* the listing gave none: relation unknown */
};

/* Rows in download order (the builder sorts by downloads). */
static const struct hm hand[] = {
	{ "org/base", 1000, 7000000000ull, { "language:en" }, DREL_ORIGINAL, 0, "en", 0 },
	{ "x/ft", 900, 7000000000ull, { "base_model:org/base", "base_model:finetune:org/base", "language:en",
					"language:zh" }, DREL_FINETUNE, 1, "multilingual", 0 },
	{ "x/ad", 800, 0, { "base_model:adapter:x/ft" }, DREL_ADAPTER, 2, "unknown", 0 },
	{ "x/q", 700, 3500000000ull, { "base_model:quantized:x/ad", "language:zh" }, DREL_QUANTIZED, 3, "zh", 0 },
	{ "x/m", 600, 14000000000ull, { "base_model:merge:org/base", "base_model:merge:x/ft",
					"language:multilingual" }, DREL_MERGE, 2, "multilingual", 0 },
	{ "x/plain", 500, 50000000ull, { "base_model:outside/model", "language:fr" }, DREL_FINETUNE, 1, "fr", 0 },
	{ "c/a", 400, 400000000000ull, { "base_model:c/b" }, DREL_FINETUNE, -1, "unknown", 0 },
	{ "c/b", 300, 500000000ull, { "base_model:c/a" }, DREL_FINETUNE, -1, "unknown", 0 },
	{ "org/small", 200, 120000000ull, { "language:en" }, DREL_ORIGINAL, 0, "en", 0 },
	{ "z/notags", 100, 0, { NULL }, DREL_UNKNOWN, 0, "unknown", 1 },
};
#define N_HAND (sizeof hand / sizeof hand[0])

static struct ht_snapshot *hand_snapshot(void)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	for (size_t i = 0; i < N_HAND; i++) {
		struct ht_item it;
		memset(&it, 0, sizeof it);
		it.id = hand[i].id;
		it.downloads = hand[i].dl;
		it.downloads_all = hand[i].dl * 10;
		it.params = hand[i].params;
		it.created = 1700000000 - (int64_t)i * 31536000; /* one a year back from 2023 */
		if (hand[i].notags)
			it.flags |= HT_F_NO_TAGS;
		for (size_t k = 0; k < 5 && hand[i].tags[k]; k++)
			it.tags[it.n_tags++] = hand[i].tags[k];
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	return table_builder_finish(b, &meta);
}

static void test_hand_made(void **state)
{
	struct ht_snapshot *s = hand_snapshot();
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct eng_result *r;
	struct dims_shares *d;
	struct dims_base *bases;
	const uint8_t *rel, *depth;
	struct filter f;
	char err[256];
	size_t nb;
	uint32_t *der;
	(void)state;
	assert_non_null(e);
	rel = dims_relations(e, HT_MODELS);
	depth = dims_depths(e, HT_MODELS);
	assert_non_null(rel);
	for (uint32_t i = 0; i < N_HAND; i++) {
		assert_string_equal(ht_id(s, HT_MODELS, i), hand[i].id);
		assert_int_equal(rel[i], hand[i].rel);
		if (hand[i].depth >= 0)
			assert_int_equal(depth[i], hand[i].depth);
		else /* the cycle: cut, finite */
			assert_true(depth[i] >= 1 && depth[i] <= 2);
		assert_string_equal(dims_lang_code(e, dims_item_lang(e, HT_MODELS, i)), hand[i].lang);
		assert_true(ht_params(s, HT_MODELS, i) == hand[i].params);
	}
	filter_init(&f);
	r = engine_apply(e, &f, HT_MODELS);
	d = dims_shares(e, r);
	assert_non_null(d);
	assert_true(d->rel[DREL_ORIGINAL].count == 2 && d->rel[DREL_ORIGINAL].downloads == 1200);
	assert_true(d->rel[DREL_FINETUNE].count == 4 && d->rel[DREL_FINETUNE].downloads == 2100);
	assert_true(d->rel[DREL_ADAPTER].count == 1 && d->rel[DREL_ADAPTER].downloads == 800);
	assert_true(d->rel[DREL_QUANTIZED].count == 1 && d->rel[DREL_MERGE].count == 1);
	assert_true(d->rel[DREL_UNKNOWN].count == 1 && d->rel[DREL_UNKNOWN].downloads == 100);
	assert_true(d->size[DSIZE_UNKNOWN].count == 2 && d->size[DSIZE_UNKNOWN].downloads == 900);
	assert_true(d->size[DSIZE_100M].count == 1 && d->size[DSIZE_1B].count == 2);
	assert_true(d->size[DSIZE_10B].count == 3 && d->size[DSIZE_100B].count == 1);
	assert_true(d->size[DSIZE_HUGE].count == 1 && d->size[DSIZE_HUGE].downloads == 400);
	/* 8 known sizes: 50M 120M 500M 3.5B 7B 7B 14B 400B; lower median 3.5B */
	assert_true(d->size_known[ENG_YEARS] == 8);
	assert_true(d->size_median[ENG_YEARS] == 3500000000ull);
	{
		double num = 7e9 * 1000 + 7e9 * 900 + 3.5e9 * 700 + 14e9 * 600 + 5e7 * 500 + 4e11 * 400 +
			     5e8 * 300 + 1.2e8 * 200;
		assert_true(fabs(d->size_wmean[ENG_YEARS] - num / 4600.0) < 1.0);
	}
	assert_true(d->depth[0] == 3 && d->depth[1] >= 2 && d->depth[3] == 1);
	/* languages: multilingual 2, en 2, unknown 4, zh 1, fr 1 */
	assert_int_equal(d->n_lang_used, 5);
	assert_string_equal(dims_lang_code(e, d->lang_order[0]), "unknown");
	assert_true(d->lang[d->lang_order[0]].count == 4);
	assert_string_equal(dims_lang_code(e, d->lang_order[1]), "en");
	assert_string_equal(dims_lang_code(e, d->lang_order[2]), "multilingual");
	assert_true(d->lang[d->lang_order[2]].downloads == 1500);
	dims_shares_free(d);

	/* Bases: org/base is named by x/ft and x/m; through the chain also by
	 * x/ad and x/q (via x/ft), each once. */
	nb = dims_bases(e, r, 0, &bases);
	assert_true(nb != (size_t)-1);
	assert_int_equal(nb, 6); /* org/base, x/ft, x/ad, outside/model, c/a, c/b */
	assert_string_equal(bases[0].id, "org/base");
	assert_true(bases[0].direct == 2 && bases[0].chain == 4);
	assert_true(bases[0].direct_downloads == 1500 && bases[0].chain_downloads == 3000);
	assert_true(bases[0].by_rel[DREL_FINETUNE] == 1 && bases[0].by_rel[DREL_MERGE] == 1);
	assert_int_equal(bases[0].row, 0);
	assert_string_equal(bases[1].id, "x/ft");
	assert_true(bases[1].direct == 2 && bases[1].chain == 3);
	for (size_t i = 0; i < nb; i++)
		if (!strcmp(bases[i].id, "outside/model")) {
			assert_true(bases[i].row == UINT32_MAX);
			assert_true(bases[i].direct == 1 && bases[i].chain == 1);
		} else if (!strcmp(bases[i].id, "c/a")) {
			/* the cycle: c/b names c/a; c/a (via c/b) names it too */
			assert_true(bases[i].direct == 1 && bases[i].chain == 2);
		}
	free(bases);
	nb = dims_bases(e, r, 1, &bases);
	assert_int_equal(nb, 4); /* org, x, outside, c */
	assert_true(bases[0].id_len == 1 && !strncmp(bases[0].id, "x", 1));
	assert_true(bases[0].direct == 3 && bases[0].chain == 4);
	/* org and c tie (2 direct, 4 through the chain): by name */
	assert_true(bases[1].id_len == 1 && !strncmp(bases[1].id, "c", 1));
	assert_true(bases[2].id_len == 3 && !strncmp(bases[2].id, "org", 3));
	assert_true(bases[2].direct == 2 && bases[2].chain == 4);
	free(bases);
	nb = dims_derivatives(e, r, "org/base", &der);
	assert_int_equal(nb, 2);
	assert_int_equal(der[0], 1);
	assert_int_equal(der[1], 4);
	free(der);
	engine_result_free(r);

	/* Filters. */
	assert_int_equal(filter_set(&f, "relation", "quantized,merge", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 2);
	assert_true(r->downloads == 1300);
	engine_result_free(r);
	filter_init(&f);
	assert_int_equal(filter_set(&f, "size", "1B..10B", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 3); /* 7B, 7B, 3.5B; the unknown never */
	engine_result_free(r);
	assert_int_equal(filter_set(&f, "size", "..1B", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 3); /* 50M, 120M, 500M */
	engine_result_free(r);
	filter_init(&f);
	assert_int_equal(filter_set(&f, "language", "zh", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 2); /* x/ft (en+zh) and x/q */
	engine_result_free(r);
	assert_int_equal(filter_set(&f, "language", "unknown,multilingual", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 6);
	engine_result_free(r);
	filter_init(&f);
	assert_int_equal(filter_set(&f, "relation", "unknown", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 1);
	assert_int_equal(engine_row_at(e, r, 0), N_HAND - 1);
	engine_result_free(r);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* ---- random, against the oracle ------------------------------------------ */

static const char *const rnd_langs[] = { "en", "zh", "fr", "de", "ja", "multilingual" };
static const char *const rnd_rels[] = { "", "finetune:", "adapter:", "quantized:", "merge:" };

/* Models whose bases are earlier ids (so no cycle: the oracle's depth is
 * then unique), some outside the snapshot; datasets with languages. */
static struct ht_snapshot *rnd_snapshot(unsigned n, unsigned nd)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	static char tagbuf[8][96];
	char (*ids)[64] = calloc((size_t)n + 1, sizeof *ids);
	assert_non_null(ids);
	for (int k = 0; k < 2; k++) {
		unsigned cnt = k ? nd : n;
		for (unsigned i = 0; i < cnt; i++) {
			struct ht_item it;
			char id[64];
			unsigned nt = 0;
			memset(&it, 0, sizeof it);
			snprintf(id, sizeof id, "acct%u/%s-%u", fx_below(40), k ? "d" : "m", i);
			if (!k)
				snprintf(ids[i], sizeof ids[i], "%s", id);
			it.id = id;
			it.downloads = fx_below(3) ? fx_below(100000) : fx_below(50);
			it.downloads_all = it.downloads * 3;
			if (!fx_below(10))
				it.flags |= HT_F_DL_UNKNOWN;
			it.created = fx_below(8) ? 1400000000 + (int64_t)fx_below(400000000) : 0;
			if (!k && fx_below(3)) {
				static const uint64_t sz[] = { 22000000ull, 99999999ull, 100000000ull, 350000000ull,
							       1000000000ull, 7000000000ull, 7241748480ull,
							       70000000000ull, 405000000000ull };
				it.params = sz[fx_below(9)] + (fx_below(2) ? fx_below(1000) : 0);
			}
			if (!fx_below(25))
				it.flags |= HT_F_NO_TAGS; /* then no tags either */
			else if (!k && i && fx_below(2)) {
				unsigned nbase = 1 + (fx_below(4) == 0);
				for (unsigned j = 0; j < nbase && nt < 4; j++) {
					unsigned base = fx_below(i);
					const char *rel = rnd_rels[fx_below(5)];
					if (fx_below(6) == 0)
						snprintf(tagbuf[nt], sizeof tagbuf[nt], "base_model:%sfar/away-%u", rel, base % 5);
					else
						snprintf(tagbuf[nt], sizeof tagbuf[nt], "base_model:%s%s", rel, ids[base]);
					it.tags[it.n_tags++] = tagbuf[nt++];
				}
			}
			if (!(it.flags & HT_F_NO_TAGS)) {
				unsigned nl = fx_below(4) ? fx_below(3) : 0;
				for (unsigned j = 0; j < nl && nt < 8; j++) {
					snprintf(tagbuf[nt], sizeof tagbuf[nt], "language:%s", rnd_langs[fx_below(6)]);
					it.tags[it.n_tags++] = tagbuf[nt++];
				}
			}
			assert_true(table_builder_add(b, (enum ht_kind)k, &it) >= 0);
		}
	}
	free(ids);
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	return table_builder_finish(b, &meta);
}

/* Models naming any models as bases, themselves and later ones too: chains
 * with cycles, several bases a model, bases outside; ids of a few owners
 * so that bases tie on their counts and owners hold several. */
static struct ht_snapshot *rnd_snapshot_cycles(unsigned n)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	char (*ids)[64] = calloc((size_t)n + 1, sizeof *ids), tags[4][96];
	assert_non_null(ids);
	for (unsigned i = 0; i < n; i++)
		snprintf(ids[i], sizeof ids[i], "o%u/m-%u", fx_below(6), i);
	for (unsigned i = 0; i < n; i++) {
		struct ht_item it;
		unsigned nbase = fx_below(3) ? fx_below(4) : 0;
		memset(&it, 0, sizeof it);
		it.id = ids[i];
		it.downloads = fx_below(1000);
		it.downloads_all = it.downloads * 2;
		for (unsigned j = 0; j < nbase; j++) {
			const char *rel = rnd_rels[fx_below(5)];
			if (fx_below(8) == 0)
				snprintf(tags[j], sizeof tags[j], "base_model:%so%u/gone-%u", rel, fx_below(3), fx_below(4));
			else
				snprintf(tags[j], sizeof tags[j], "base_model:%s%s", rel, ids[fx_below(n)]);
			it.tags[it.n_tags++] = tags[j];
		}
		assert_true(table_builder_add(b, HT_MODELS, &it) >= 0);
	}
	free(ids);
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	return table_builder_finish(b, &meta);
}

/* The oracle's depth: plain recursion (the links form no cycle here). */
static int bf_depth(const struct ht_snapshot *s, uint32_t row)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	int d = 0;
	if (!t->link_count[row])
		return 0;
	for (uint32_t i = 0; i < t->link_count[row]; i++) {
		uint32_t b = s->link_row[t->link_first[row] + i];
		int x = b == UINT32_MAX ? 1 : 1 + bf_depth(s, b);
		d = x > d ? x : d;
	}
	return d;
}

static const char *bf_lang_bucket(const struct ht_snapshot *s, enum ht_kind k, uint32_t row)
{
	const struct ht_table *t = &s->t[k];
	int has;
	unsigned n = bf_lang_count(s, k, row, NULL, &has);
	if (!n)
		return "unknown";
	if (n > 1)
		return "multilingual";
	for (uint32_t i = 0; i < t->list_count[row]; i++) {
		const char *term = ht_term(s, s->lists[t->list_first[row] + i]);
		if (!strncmp(term, "language:", 9))
			return term + 9;
	}
	return "?";
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void check_shares(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
			 const struct filter *f, enum ht_kind k, const struct eng_result *r)
{
	const struct ht_table *t = &s->t[k];
	struct dims_shares *d = dims_shares(e, r);
	struct eng_bucket rel[DREL_COUNT], size[DSIZE_COUNT];
	uint64_t *sizes = malloc(((size_t)t->n + 1) * sizeof *sizes), nk = 0, depth[8] = { 0 };
	double wsum = 0, wdl = 0;
	assert_non_null(d);
	memset(rel, 0, sizeof rel);
	memset(size, 0, sizeof size);
	for (uint32_t b = 0; b < d->n_lang; b++) {
		uint64_t cnt = 0, dl = 0;
		const char *code = dims_lang_code(e, b);
		for (uint32_t row = 0; row < t->n; row++)
			if (bf_match(s, a, f, k, row) && !strcmp(bf_lang_bucket(s, k, row), code)) {
				cnt++;
				dl += bf_known(s, k, f->window, row) ?
				      (f->window == WIN_ALL ? t->downloads_all[row] : t->downloads[row]) : 0;
			}
		assert_true(d->lang[b].count == cnt);
		assert_true(d->lang[b].downloads == dl);
	}
	for (uint32_t row = 0; row < t->n; row++) {
		uint64_t dl, p;
		int sb, dp;
		if (!bf_match(s, a, f, k, row))
			continue;
		dl = bf_known(s, k, f->window, row) ? (f->window == WIN_ALL ? t->downloads_all[row] : t->downloads[row]) : 0;
		p = !(t->flags[row] & HT_F_PARAMS_UNKNOWN) ? t->params[row] : 0;
		sb = !p ? DSIZE_UNKNOWN : p < 100000000ull ? 0 : p < 1000000000ull ? 1 : p < 10000000000ull ? 2 :
		     p < 100000000000ull ? 3 : 4;
		rel[bf_relation(s, k, row)].count++;
		rel[bf_relation(s, k, row)].downloads += dl;
		size[sb].count++;
		size[sb].downloads += dl;
		dp = k == HT_MODELS ? bf_depth(s, row) : 0;
		depth[dp > 7 ? 7 : dp]++;
		if (p) {
			sizes[nk++] = p;
			wsum += (double)p * (double)dl;
			wdl += (double)dl;
		}
	}
	for (int i = 0; i < DREL_COUNT; i++)
		assert_true(d->rel[i].count == rel[i].count && d->rel[i].downloads == rel[i].downloads);
	for (int i = 0; i < DSIZE_COUNT; i++)
		assert_true(d->size[i].count == size[i].count && d->size[i].downloads == size[i].downloads);
	for (int i = 0; i < 8; i++)
		assert_true(d->depth[i] == depth[i]);
	assert_true(d->size_known[ENG_YEARS] == nk);
	if (nk) {
		qsort(sizes, nk, sizeof *sizes, cmp_u64);
		assert_true(d->size_median[ENG_YEARS] == sizes[(nk - 1) / 2]);
	}
	/* each year's lower median, against a sort of that year's sizes */
	for (unsigned y = 0; y < ENG_YEARS; y++) {
		uint64_t ny = 0;
		for (uint32_t row = 0; row < t->n; row++) {
			uint64_t p = !(t->flags[row] & HT_F_PARAMS_UNKNOWN) ? t->params[row] : 0;
			if (p && bf_match(s, a, f, k, row) && bf_year(t->created[row]) == y)
				sizes[ny++] = p;
		}
		assert_true(d->size_known[y] == ny);
		if (ny) {
			qsort(sizes, ny, sizeof *sizes, cmp_u64);
			assert_true(d->size_median[y] == sizes[(ny - 1) / 2]);
		}
	}
	if (wdl > 0)
		assert_true(fabs(d->size_wmean[ENG_YEARS] - wsum / wdl) <= 1e-6 * (wsum / wdl));
	else
		assert_true(isnan(d->size_wmean[ENG_YEARS]));
	free(sizes);
	dims_shares_free(d);
}

/* A base by brute force: the matches naming it (direct, each link) and
 * those with it anywhere up their chains (chain, once each). */
static void bf_base(const struct ht_snapshot *s, const struct attrib *a, const struct filter *f, const char *id,
		    uint64_t *direct, uint64_t *chain)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	*direct = *chain = 0;
	for (uint32_t row = 0; row < t->n; row++) {
		uint8_t *seen;
		uint32_t *stack, sp = 0;
		int hit = 0, dhit = 0;
		if (!bf_match(s, a, f, HT_MODELS, row))
			continue;
		seen = calloc((size_t)t->n + 1, 1);
		stack = malloc(((size_t)s->n_links + 1) * sizeof *stack);
		for (uint32_t l = 0; l < t->link_count[row]; l++) {
			uint32_t li = t->link_first[row] + l;
			if (!strcmp(ht_str(s, s->link_base[li]), id))
				(*direct)++, dhit = 1;
			stack[sp++] = li;
		}
		while (sp && !hit) {
			uint32_t li = stack[--sp], up = s->link_row[li];
			if (!strcmp(ht_str(s, s->link_base[li]), id))
				hit = 1;
			if (up == UINT32_MAX || seen[up])
				continue;
			seen[up] = 1;
			for (uint32_t l = 0; l < t->link_count[up]; l++)
				stack[sp++] = t->link_first[up] + l;
		}
		*chain += hit;
		assert_true(hit || !dhit);
		free(seen);
		free(stack);
	}
}

/* Bases by brute force, each listed one and every base any match has up
 * its chain (all of them listed). */
static void check_bases(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
			const struct filter *f, const struct eng_result *r)
{
	struct dims_base *bases;
	size_t nb = dims_bases(e, r, 0, &bases), reached = 0;
	assert_true(nb != (size_t)-1);
	for (size_t i = 0; i < nb; i++) {
		uint64_t direct, chain;
		bf_base(s, a, f, bases[i].id, &direct, &chain);
		assert_true(bases[i].direct == direct);
		assert_true(bases[i].chain == chain);
		if (i)
			assert_true(bases[i - 1].direct >= bases[i].direct);
	}
	for (uint32_t l = 0; l < s->n_links; l++) {
		const char *id = ht_str(s, s->link_base[l]);
		uint64_t direct, chain;
		uint32_t m;
		for (m = 0; m < l && strcmp(ht_str(s, s->link_base[m]), id); m++)
			;
		if (m < l)
			continue; /* counted at its first link */
		bf_base(s, a, f, id, &direct, &chain);
		reached += chain > 0;
	}
	assert_int_equal(nb, reached);
	free(bases);
}

/* The order of dims_bases: direct descending, then chain, then name. */
static int bf_base_cmp(const struct dims_base *x, const struct dims_base *y)
{
	size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
	int c;
	if (x->direct != y->direct)
		return x->direct > y->direct ? -1 : 1;
	if (x->chain != y->chain)
		return x->chain > y->chain ? -1 : 1;
	c = memcmp(x->id, y->id, n);
	return c ? c : x->id_len < y->id_len ? -1 : x->id_len > y->id_len;
}

static void same_base(const struct dims_base *x, const struct dims_base *y)
{
	assert_int_equal(x->id_len, y->id_len);
	assert_memory_equal(x->id, y->id, x->id_len);
	assert_int_equal(x->row, y->row);
	assert_true(x->direct == y->direct && x->chain == y->chain);
	assert_true(x->direct_downloads == y->direct_downloads && x->chain_downloads == y->chain_downloads);
	assert_memory_equal(x->by_rel, y->by_rel, sizeof x->by_rel);
}

/* The ranking's order and its top: the whole list is in bf_base_cmp's
 * order (a total one: no two rows tie), dims_bases_top gives its first
 * rows; a base's row is its id's; an owner's counts are its bases' added
 * up, and every owner of a listed base is listed. */
static void check_base_order(struct engine *e, const struct ht_snapshot *s, const struct eng_result *r)
{
	struct dims_base *bases, *owners, *top;
	size_t nb = dims_bases(e, r, 0, &bases), no = dims_bases(e, r, 1, &owners), n_prefixes = 0;
	assert_true(nb != (size_t)-1 && no != (size_t)-1);
	for (int by_owner = 0; by_owner < 2; by_owner++) {
		struct dims_base *all = by_owner ? owners : bases;
		size_t n = by_owner ? no : nb;
		const size_t limits[] = { 1, 2, 3, 10, 20, n, n + 5 };
		for (size_t i = 1; i < n; i++)
			assert_true(bf_base_cmp(&all[i - 1], &all[i]) < 0);
		for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
			size_t m = dims_bases_top(e, r, by_owner, limits[k], &top);
			assert_true(m == (limits[k] && limits[k] < n ? limits[k] : n));
			for (size_t i = 0; i < m; i++)
				same_base(&top[i], &all[i]);
			free(top);
		}
	}
	for (size_t i = 0; i < nb; i++) {
		assert_int_equal(bases[i].row, table_find_id(s, HT_MODELS, bases[i].id));
		assert_int_equal(bases[i].id_len, strlen(bases[i].id));
	}
	for (size_t o = 0; o < no; o++) {
		struct dims_base sum;
		memset(&sum, 0, sizeof sum);
		for (size_t i = 0; i < nb; i++) {
			if (strcspn(bases[i].id, "/") != owners[o].id_len ||
			    memcmp(bases[i].id, owners[o].id, owners[o].id_len))
				continue;
			sum.direct += bases[i].direct;
			sum.chain += bases[i].chain;
			sum.direct_downloads += bases[i].direct_downloads;
			sum.chain_downloads += bases[i].chain_downloads;
			for (int k = 0; k < DREL_COUNT; k++)
				sum.by_rel[k] += bases[i].by_rel[k];
		}
		sum.id = owners[o].id;
		sum.id_len = owners[o].id_len;
		sum.row = UINT32_MAX;
		same_base(&owners[o], &sum);
	}
	for (size_t i = 0; i < nb; i++) {
		size_t ol = strcspn(bases[i].id, "/"), j;
		for (j = 0; j < i; j++)
			if (strcspn(bases[j].id, "/") == ol && !memcmp(bases[j].id, bases[i].id, ol))
				break;
		n_prefixes += j == i;
	}
	assert_int_equal(no, n_prefixes);
	free(bases);
	free(owners);
}

static void test_random(void **state)
{
	(void)state;
	static const unsigned sizes[][2] = { { 2000, 300 }, { 70, 65 }, { 1, 1 }, { 0, 0 } };
	for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
		struct ht_snapshot *s = rnd_snapshot(sizes[z][0], sizes[z][1]);
		assert_non_null(s);
		{
			struct attrib *a = fx_attrib(s);
			struct engine *e = engine_new(s, a, NULL);
			struct filter f;
			char err[256];
			assert_non_null(e);
			for (unsigned i = 0; i < (z == 0 ? 300u : 100u); i++) {
				enum ht_kind k = fx_below(4) == 0 ? HT_DATASETS : HT_MODELS;
				struct eng_result *r;
				static const char *const rels[] = { "original", "finetune", "adapter,quantized", "merge",
								    "original,merge,unknown" };
				static const char *const langs[] = { "en", "zh,fr", "unknown", "multilingual", "de,unknown",
								     "ja" };
				static const char *const szs[] = { "..1B", "7B..70B", "100M..", "1B..10B", "..100M",
								   "100B.." };
				fx_filter(&f, s, a);
				if (fx_below(3) == 0)
					assert_int_equal(filter_set(&f, "relation", rels[fx_below(5)], err, sizeof err), 0);
				if (fx_below(3) == 0)
					assert_int_equal(filter_set(&f, "language", langs[fx_below(6)], err, sizeof err), 0);
				if (fx_below(3) == 0)
					assert_int_equal(filter_set(&f, "size", szs[fx_below(6)], err, sizeof err), 0);
				r = engine_apply(e, &f, k);
				assert_non_null(r);
				{
					uint32_t bn = 0;
					for (uint32_t row = 0; row < s->t[k].n; row++)
						bn += (uint32_t)bf_match(s, a, &f, k, row);
					if (bn != r->n) {
						char args[2048];
						filter_to_args(&f, args, sizeof args);
						fail_msg("kind %d: engine %u, oracle %u matches of %s", k, r->n, bn, args);
					}
				}
				bf_check_result(e, s, a, &f, k, r);
				check_shares(e, s, a, &f, k, r);
				if (k == HT_MODELS && i % 10 == 0)
					check_bases(e, s, a, &f, r);
				if (k == HT_MODELS && i % 5 == 0)
					check_base_order(e, s, r);
				engine_result_free(r);
			}
			/* depth against the oracle */
			{
				const uint8_t *dp = dims_depths(e, HT_MODELS);
				for (uint32_t row = 0; row < s->t[HT_MODELS].n; row++)
					assert_int_equal(dp[row], bf_depth(s, row));
			}
			engine_free(e);
			fx_attrib_free(a);
		}
		table_free(s);
	}
}

/* Bases through cycles: counts against the brute force, the order and the
 * top against a plain check of the whole list. */
static void test_random_cycles(void **state)
{
	(void)state;
	static const unsigned sizes[] = { 400, 60, 3, 1 };
	for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
		struct ht_snapshot *s = rnd_snapshot_cycles(sizes[z]);
		struct attrib *a;
		struct engine *e;
		assert_non_null(s);
		a = fx_attrib(s);
		e = engine_new(s, a, NULL);
		assert_non_null(e);
		for (unsigned i = 0; i < 20; i++) {
			struct filter f;
			struct eng_result *r;
			fx_filter(&f, s, a);
			r = engine_apply(e, &f, HT_MODELS);
			assert_non_null(r);
			check_bases(e, s, a, &f, r);
			check_base_order(e, s, r);
			engine_result_free(r);
		}
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

/* More language buckets than 16 bits number (the wide form): buckets,
 * shares and the language filter, in the 30-day and the all-time order. */
static void test_many_languages(void **state)
{
	enum { N = 70000 };
	struct ht_builder *b = table_builder_new();
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct ht_meta meta;
	(void)state;
	for (unsigned i = 0; i < N; i++) {
		struct ht_item it;
		char id[32], t0[32], t1[32];
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "o/m-%u", i);
		it.id = id;
		it.downloads = i + 1;
		it.downloads_all = 2 * (uint64_t)(N - i);
		/* one language each (zz-00000 ...), a second for every 7th: several */
		snprintf(t0, sizeof t0, "language:zz-%05u", i);
		it.tags[it.n_tags++] = t0;
		if (i % 7 == 0) {
			snprintf(t1, sizeof t1, "language:zz-%05u", (i + 1) % N);
			it.tags[it.n_tags++] = t1;
		}
		assert_true(table_builder_add(b, HT_MODELS, &it) >= 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	a = fx_attrib(s);
	e = engine_new(s, a, NULL);
	assert_non_null(e);
	assert_int_equal(dims_lang_count(e), N + 2);
	for (int win = 0; win < 2; win++) {
		static const char *const langs[] = { "zz-69999", "zz-00001,zz-69998", "multilingual", "unknown" };
		for (size_t q = 0; q < sizeof langs / sizeof langs[0]; q++) {
			struct filter f;
			struct eng_result *r;
			struct dims_shares *d;
			char err[256];
			uint32_t want = 0;
			filter_init(&f);
			assert_int_equal(filter_set(&f, "window", win ? "all" : "30d", err, sizeof err), 0);
			assert_int_equal(filter_set(&f, "language", langs[q], err, sizeof err), 0);
			r = engine_apply(e, &f, HT_MODELS);
			assert_non_null(r);
			for (uint32_t row = 0; row < s->t[HT_MODELS].n; row++)
				want += (uint32_t)bf_match(s, a, &f, HT_MODELS, row);
			assert_int_equal(r->n, want);
			d = dims_shares(e, r);
			assert_non_null(d);
			if (q == 0) {
				/* zz-69999: its own model only (m-69993 names
				 * zz-69993 and zz-69994) */
				assert_int_equal(r->n, 1);
				assert_string_equal(dims_lang_code(e, d->lang_order[0]), "zz-69999");
			}
			if (q == 2)
				assert_true(d->lang[DLANG_MULTI].count == r->n && r->n == (N + 6) / 7);
			dims_shares_free(d);
			engine_result_free(r);
		}
	}
	{
		struct filter f;
		struct eng_result *r;
		struct dims_shares *d;
		filter_init(&f);
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		d = dims_shares(e, r);
		assert_non_null(d);
		assert_int_equal(d->n_lang_used, N - (N + 6) / 7 + 1);
		assert_true(d->lang[DLANG_MULTI].count == (N + 6) / 7);
		assert_true(d->lang[DLANG_UNKNOWN].count == 0);
		dims_shares_free(d);
		engine_result_free(r);
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_hand_made),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_random_cycles),
		cmocka_unit_test(test_many_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

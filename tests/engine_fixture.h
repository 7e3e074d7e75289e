/* engine_fixture.h - random snapshots, hand-made attribution and a plain
 * brute-force reference for the engine, shared by the engine, export and
 * report suites. */
#ifndef HUBTOP_ENGINE_FIXTURE_H
#define HUBTOP_ENGINE_FIXTURE_H

#include <math.h>
#include <strings.h>
#include "hubtop/table.h"
#include "hubtop/attrib.h"
#include "hubtop/engine.h"
#include "hubtop/country.h"

static uint64_t fx_rng = 88172645463325252ull;
static inline uint64_t fx_rnd(void)
{
	fx_rng ^= fx_rng << 13;
	fx_rng ^= fx_rng >> 7;
	fx_rng ^= fx_rng << 17;
	return fx_rng;
}
static inline uint32_t fx_below(uint32_t n)
{
	return n ? (uint32_t)(fx_rnd() % n) : 0;
}

static const char *const fx_tasks[] = { NULL, "text-generation", "fill-mask", "image-classification" };
static const char *const fx_libs[] = { NULL, "transformers", "gguf", "diffusers" };
static const char *const fx_lics[] = { NULL, "mit", "apache-2.0" };
static const char fx_chars[] = "abcxyzLlAM0-._";

static inline struct ht_snapshot *fx_snapshot(unsigned n_models, unsigned n_datasets, unsigned n_accts,
					      int complete)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	static const uint64_t common[] = { 0, 1, 7, 199, 200, 201, 5000 };
	int odd_dates = !fx_below(3);
	/* Unknown counts: now and then null 30-day or all-time counts, and
	 * one snapshot in five without any all-time count. */
	int no_alltime = !fx_below(5), unknowns = fx_below(3);
	assert_non_null(b);
	for (int k = 0; k < 2; k++) {
		unsigned n = k ? n_datasets : n_models;
		assert_true(n_accts > 0);
		for (unsigned i = 0; i < n; i++) {
			struct ht_item it;
			char id[96];
			int len = snprintf(id, sizeof id, "%s%u/", (fx_rnd() & 3) ? "acct" : "Team",
					   fx_below(n_accts));
			unsigned extra = 1 + fx_below(10);
			for (unsigned j = 0; j < extra; j++)
				id[len++] = fx_chars[fx_below(sizeof fx_chars - 1)];
			snprintf(id + len, sizeof id - (size_t)len, "z%u", i);
			if (!table_id_valid(id))
				snprintf(id, sizeof id, "acct%u/plain-%u", fx_below(n_accts), i);
			memset(&it, 0, sizeof it);
			it.id = id;
			switch (fx_below(4)) {
			case 0: it.downloads = common[fx_below(7)]; break;
			case 1: it.downloads = fx_below(200); break;
			case 2: it.downloads = fx_below(100000); break;
			default: it.downloads = fx_rnd() % 5000000000ull; break;
			}
			it.downloads_all = fx_below(5) ? it.downloads + fx_below(1000000) : 0;
			it.likes = fx_below(3) ? fx_below(50) : fx_below(100000);
			{
				/* Now and then a score near 2^32: sums of a few overflow 32 bits. */
				uint64_t x = fx_rnd();
				it.trending = x % 16 ? (uint32_t)((x >> 4) % 30) : (uint32_t)(x >> 32) | 0xf0000000u;
			}
			it.created = fx_below(10) ? 1400000000 + (int64_t)fx_below(420000000) : 0;
			if (odd_dates && !fx_below(40)) /* before 1970, after 2106 */
				it.created = fx_below(2) ? -1 - 86400 * (int64_t)fx_below(9000)
							 : 4294967295ll + fx_below(3);
			it.modified = it.created ? it.created + fx_below(1000) : 0;
			it.pipeline = fx_tasks[fx_below(4)];
			it.library = fx_libs[fx_below(4)];
			it.license = fx_lics[fx_below(3)];
			it.flags = fx_below(5) == 0 ? HT_F_GATED : 0;
			if (unknowns && !fx_below(unknowns == 1 ? 3 : 15))
				it.flags |= HT_F_DL_UNKNOWN;
			if (no_alltime || (unknowns && !fx_below(6)))
				it.flags |= HT_F_DLA_UNKNOWN;
			assert_true(table_builder_add(b, (enum ht_kind)k, &it) >= 0);
		}
	}
	memset(&meta, 0, sizeof meta);
	meta.format_version = 1;
	meta.demo = 1;
	meta.complete = complete;
	meta.fetched_at = 1700000000;
	snprintf(meta.endpoint, sizeof meta.endpoint, "test");
	{
		struct ht_snapshot *s = table_builder_finish(b, &meta);
		assert_non_null(s);
		return s;
	}
}

static const char *const fx_codes[] = { "US", "CN", "FR", "DE", "GB", "JP", "AE" };

/* Attribution filled by hand: random country, group, type per account and
 * a random lineage account per model (some of them extra accounts); about
 * a quarter of the accounts join the organisation of an earlier one, and
 * then carry its country, group and type, as attrib_build gives them. */
static inline struct attrib *fx_attrib(const struct ht_snapshot *s)
{
	struct attrib *a = calloc(1, sizeof *a);
	uint32_t extra = 3;
	assert_non_null(a);
	a->n_accounts = s->n_accounts + extra;
	a->acct_name = calloc(a->n_accounts, sizeof *a->acct_name);
	a->acct_country = calloc(a->n_accounts, sizeof *a->acct_country);
	a->acct_group = calloc(a->n_accounts, 1);
	a->acct_type = calloc(a->n_accounts, 1);
	a->acct_entry = calloc(a->n_accounts, sizeof *a->acct_entry);
	a->acct_org = calloc(a->n_accounts, sizeof *a->acct_org);
	for (uint32_t i = 0; i < a->n_accounts; i++) {
		int c = fx_below(4) == 0 ? 0 : country_find(fx_codes[fx_below(7)]);
		assert_true(c >= 0);
		a->acct_name[i] = i < s->n_accounts ? ht_str(s, s->acct_name[i])
			: i == s->n_accounts ? "extra-one" : i == s->n_accounts + 1 ? "Extra-Two" : "extra-3";
		a->acct_country[i] = (uint16_t)c;
		/* Mostly the country's group; sometimes another, which the engine must honour. */
		a->acct_group[i] = (uint8_t)(fx_below(20) ? country_group_of((unsigned)c) : fx_below(CG_COUNT));
		a->acct_type[i] = (uint8_t)fx_below(OT_COUNT);
		a->acct_entry[i] = -1;
		a->acct_org[i] = i;
		if (i && fx_below(4) == 0) {
			uint32_t o = a->acct_org[fx_below(i)];
			a->acct_org[i] = o;
			a->acct_country[i] = a->acct_country[o];
			a->acct_group[i] = a->acct_group[o];
			a->acct_type[i] = a->acct_type[o];
		}
	}
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		uint32_t n = s->t[k].n;
		for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
			a->item_acct[k][m] = malloc(((size_t)n + 1) * sizeof(uint32_t));
			for (uint32_t r = 0; r < n; r++)
				a->item_acct[k][m][r] = (m == ATTRIB_LINEAGE && k == HT_MODELS && fx_below(3) == 0)
					? fx_below(a->n_accounts) : s->t[k].author[r];
		}
	}
	return a;
}

static inline void fx_attrib_free(struct attrib *a)
{
	for (int k = 0; k < HT_KIND_COUNT; k++)
		for (int m = 0; m < ATTRIB_MODE_COUNT; m++)
			free(a->item_acct[k][m]);
	free(a->acct_name);
	free(a->acct_country);
	free(a->acct_group);
	free(a->acct_type);
	free(a->acct_entry);
	free(a->acct_org);
	free(a);
}

/* How many accounts of organisation o hold items of table k under mode by. */
static inline uint32_t bf_org_accounts(const struct ht_snapshot *s, const struct attrib *a, enum ht_kind k,
				       int by, uint32_t o)
{
	uint8_t *holds = calloc(a->n_accounts + 1, 1);
	uint32_t n = 0;
	for (uint32_t row = 0; row < s->t[k].n; row++)
		holds[a->item_acct[k][by][row]] = 1;
	for (uint32_t x = 0; x < a->n_accounts; x++)
		n += holds[x] && a->acct_org[x] == o;
	free(holds);
	return n;
}

/* Whether the account an item counts for belongs to an organisation the
 * filter names (by any of its accounts: the fixture has no directory). */
static inline int bf_org_named(const struct attrib *a, const struct filter *f, uint32_t ac)
{
	for (uint32_t x = 0; x < a->n_accounts; x++) {
		if (a->acct_org[x] != a->acct_org[ac])
			continue;
		for (unsigned i = 0; i < f->n_orgs; i++)
			if (!strcasecmp(f->orgs[i], a->acct_name[x]))
				return 1;
	}
	return 0;
}

/* ---- brute force ---------------------------------------------------------- */

/* The period window's downloads and whether each is known, by row of the
 * end snapshot: computed apart by the test that sets a period. */
static const uint64_t *bf_pdl[HT_KIND_COUNT];
static const uint8_t *bf_pknown[HT_KIND_COUNT];

/* 1 when row has a download count in the window. */
static inline int bf_known(const struct ht_snapshot *s, enum ht_kind k, int window, uint32_t row)
{
	if (window == WIN_PERIOD)
		return bf_pknown[k] && bf_pknown[k][row];
	if (window == WIN_ALL)
		return !((s->meta.no_alltime >> k) & 1) && !(s->t[k].flags[row] & HT_F_DLA_UNKNOWN);
	return !(s->t[k].flags[row] & HT_F_DL_UNKNOWN);
}

/* The window order's key: unknown counts after every known one. */
/* A row's downloads in the window as stored (0 when unknown). */
static inline uint64_t bf_dl(const struct ht_snapshot *s, enum ht_kind k, int window, uint32_t row)
{
	const struct ht_table *t = &s->t[k];
	if (window == WIN_PERIOD)
		return bf_pdl[k] ? bf_pdl[k][row] : 0;
	return window == WIN_ALL ? t->downloads_all[row] : t->downloads[row];
}

static inline uint64_t bf_key(const struct ht_snapshot *s, enum ht_kind k, int window, uint32_t row)
{
	if (!bf_known(s, k, window, row))
		return 0;
	return bf_dl(s, k, window, row) + 1;
}

/* A figure that is NAN exactly when it cannot be computed, else near b. */
#define FX_NA_OR(a, na, b) do { if (na) assert_true(isnan((double)(a))); \
	else assert_true(fabs((double)(a) - (double)(b)) < 1e-9); } while (0)

/* The relation of a model (dims.h), from its links: none original (0),
 * else the highest of finetune 1 (or a plain base), adapter 2, quantized
 * 3, merge 4; unknown 5 when the listing gave no tags. */
static inline int bf_relation(const struct ht_snapshot *s, enum ht_kind k, uint32_t row)
{
	static const int rel_of[HT_REL_COUNT] = { 1, 1, 2, 3, 4, 1 };
	const struct ht_table *t = &s->t[k];
	int rel = 0;
	if (t->flags[row] & HT_F_NO_TAGS)
		return 5;
	for (uint32_t i = 0; i < t->link_count[row]; i++) {
		int r = rel_of[s->link_rel[t->link_first[row] + i]];
		rel = r > rel ? r : rel;
	}
	return rel;
}

/* How many language tags an item has ("language:multilingual" counts 2). */
static inline unsigned bf_lang_count(const struct ht_snapshot *s, enum ht_kind k, uint32_t row,
				     const char *want, int *has)
{
	const struct ht_table *t = &s->t[k];
	unsigned n = 0;
	*has = 0;
	for (uint32_t i = 0; i < t->list_count[row]; i++) {
		const char *term = ht_term(s, s->lists[t->list_first[row] + i]);
		if (strncmp(term, "language:", 9) || !term[9])
			continue;
		n += strcmp(term + 9, "multilingual") ? 1 : 2;
		if (want && !strcasecmp(term + 9, want) && strcmp(term + 9, "multilingual"))
			*has = 1;
	}
	return n;
}

/* The relation, language and size keys of a filter (dims.h). */
static inline int bf_dims_match(const struct ht_snapshot *s, const struct filter *f, enum ht_kind k,
				uint32_t row)
{
	const struct ht_table *t = &s->t[k];
	if (f->relations && !(f->relations & (1u << bf_relation(s, k, row))))
		return 0;
	if (f->size_from || f->size_to) {
		uint64_t p = t->params && !(t->flags[row] & HT_F_PARAMS_UNKNOWN) ? t->params[row] : 0;
		if (!p || p < f->size_from || (f->size_to && p >= f->size_to))
			return 0;
	}
	if (f->n_langs) {
		int hit = 0, has;
		for (unsigned i = 0; i < f->n_langs; i++) {
			unsigned n = bf_lang_count(s, k, row, f->langs[i], &has);
			if (!strcmp(f->langs[i], "unknown"))
				hit |= n == 0;
			else if (!strcmp(f->langs[i], "multilingual"))
				hit |= n > 1;
			else
				hit |= has;
		}
		if (!hit)
			return 0;
	}
	return 1;
}

static inline int bf_match(const struct ht_snapshot *s, const struct attrib *a, const struct filter *f,
			   enum ht_kind k, uint32_t row)
{
	const struct ht_table *t = &s->t[k];
	uint32_t ac = a->item_acct[k][f->by][row];
	uint64_t dl = bf_dl(s, k, f->window, row);
	if (filter_any_country(f) && !filter_has_country(f, a->acct_country[ac]))
		return 0;
	if (f->groups && !(f->groups & (1u << a->acct_group[ac])))
		return 0;
	if (f->types && !(f->types & (1u << a->acct_type[ac])))
		return 0;
	if (f->n_authors) {
		int hit = 0;
		for (unsigned i = 0; i < f->n_authors; i++)
			hit |= !strcasecmp(f->authors[i], a->acct_name[ac]);
		if (!hit)
			return 0;
	}
	if (f->n_orgs && !bf_org_named(a, f, ac))
		return 0;
	if (f->task[0] && (!t->pipeline[row] || strcmp(ht_term(s, t->pipeline[row]), f->task)))
		return 0;
	if (f->library[0] && (!t->library[row] || strcmp(ht_term(s, t->library[row]), f->library)))
		return 0;
	if (f->license[0] && (!t->license[row] || strcmp(ht_term(s, t->license[row]), f->license)))
		return 0;
	if (f->search[0] && !strcasestr(ht_id(s, k, row), f->search))
		return 0;
	if (f->created_from || f->created_to) {
		int64_t c = t->created[row];
		if (!c || (f->created_from && c < f->created_from) || (f->created_to && c >= f->created_to))
			return 0;
	}
	if (dl < f->min_downloads)
		return 0;
	if (f->gated >= 0 && ((t->flags[row] & HT_F_GATED) != 0) != (f->gated == 1))
		return 0;
	return bf_dims_match(s, f, k, row);
}

static inline unsigned bf_year(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0)
		return 0;
	gmtime_r(&tt, &tm);
	if (tm.tm_year + 1900 < ENG_YEAR_FIRST)
		return 0;
	if (tm.tm_year + 1900 - ENG_YEAR_FIRST + 1 >= ENG_YEARS)
		return ENG_YEARS - 1;
	return (unsigned)(tm.tm_year + 1900 - ENG_YEAR_FIRST + 1);
}

struct bf_ctx {
	const struct ht_snapshot *s;
	enum ht_kind k;
	int window;
	enum eng_sort sort;
};
static struct bf_ctx bf_c;

static inline int bf_cmp_window(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct ht_table *t = &bf_c.s->t[bf_c.k];
	uint64_t x = bf_key(bf_c.s, bf_c.k, bf_c.window, a), y = bf_key(bf_c.s, bf_c.k, bf_c.window, b);
	(void)t;
	if (x != y)
		return x > y ? -1 : 1;
	return a < b ? -1 : a > b;
}

static inline int bf_cmp_sort(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct ht_table *t = &bf_c.s->t[bf_c.k];
	long double x, y;
	switch (bf_c.sort) {
	case SORT_LIKES: x = t->likes[a]; y = t->likes[b]; break;
	case SORT_TRENDING: x = t->trending[a]; y = t->trending[b]; break;
	case SORT_CREATED: x = (long double)t->created[a]; y = (long double)t->created[b]; break;
	case SORT_NAME: {
		int r = strcasecmp(ht_id(bf_c.s, bf_c.k, a), ht_id(bf_c.s, bf_c.k, b));
		if (r)
			return -r;
		x = y = 0;
		break;
	}
	default: return bf_cmp_window(pa, pb);
	}
	if (x != y)
		return x > y ? -1 : 1;
	return a < b ? -1 : a > b;
}

#define FX_NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

/* Checks every figure of r against a brute-force computation. */
static inline void bf_check_result(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
				   const struct filter *f, enum ht_kind k, const struct eng_result *r)
{
	const struct ht_table *t = &s->t[k];
	uint32_t n = 0, nk = 0, *rows = malloc(((size_t)t->n + 1) * sizeof *rows);
	uint64_t S = 0, under = 0;
	unsigned nc = country_count();
	struct eng_bucket *bc = calloc(nc, sizeof *bc), *byc = calloc((size_t)ENG_YEARS * nc, sizeof *byc);
	struct eng_bucket bg[CG_COUNT], bt[OT_COUNT], by[ENG_YEARS], byt[ENG_YEARS][OT_COUNT],
		byg[ENG_YEARS][CG_COUNT];
	memset(bg, 0, sizeof bg);
	memset(bt, 0, sizeof bt);
	memset(by, 0, sizeof by);
	memset(byt, 0, sizeof byt);
	memset(byg, 0, sizeof byg);
	for (uint32_t row = 0; row < t->n; row++) {
		uint32_t ac;
		uint64_t dl;
		unsigned y;
		if (!bf_match(s, a, f, k, row))
			continue;
		rows[n++] = row;
		ac = a->item_acct[k][f->by][row];
		dl = bf_dl(s, k, f->window, row);
		y = bf_year(t->created[row]);
		assert_true(bf_known(s, k, f->window, row) || dl == 0);
		nk += bf_known(s, k, f->window, row);
		S += dl;
		under += dl < 200 && bf_known(s, k, f->window, row);
#define B(x) do { (x).count++; (x).downloads += dl; } while (0)
		B(bc[a->acct_country[ac]]);
		B(bg[a->acct_group[ac]]);
		B(bt[a->acct_type[ac]]);
		B(by[y]);
		B(byt[y][a->acct_type[ac]]);
		B(byg[y][a->acct_group[ac]]);
		B(byc[(size_t)y * nc + a->acct_country[ac]]);
#undef B
	}
	bf_c.s = s;
	bf_c.k = k;
	bf_c.window = f->window;
	qsort(rows, n, sizeof *rows, bf_cmp_window);
	assert_int_equal(r->kind, k);
	assert_int_equal(r->n, n);
	assert_int_equal(r->count, n);
	assert_true(r->downloads == S);
	assert_true(r->under_count == under);
	assert_true(r->counted == nk);
	assert_true((r->na_reason != NULL) == (!n || !nk || !S));
	assert_int_equal(r->partial, !s->meta.complete);
	{
		/* The match list three ways: whole, one at a time, and back. */
		const uint32_t *got = engine_result_rows(e, r);
		uint32_t top[40];
		assert_non_null(got);
		if (n)
			assert_memory_equal(got, rows, n * sizeof *rows);
		for (uint32_t i = 0; i < n; i++) {
			assert_int_equal(engine_row_at(e, r, i), rows[i]);
			assert_int_equal(engine_row_pos(e, r, rows[i]), i);
		}
		assert_int_equal(engine_row_at(e, r, n), UINT32_MAX);
		for (uint32_t row = 0; row < t->n; row++)
			if (!bf_match(s, a, f, k, row))
				assert_int_equal(engine_row_pos(e, r, row), UINT32_MAX);
		assert_int_equal(engine_sort_top(e, r, SORT_DOWNLOADS, 1, 40, top), n < 40 ? n : 40);
		for (uint32_t i = 0; i < n && i < 40; i++)
			assert_int_equal(top[i], rows[i]);
	}
	assert_memory_equal(r->by_country, bc, nc * sizeof *bc);
	assert_memory_equal(r->by_group, bg, sizeof bg);
	assert_memory_equal(r->by_type, bt, sizeof bt);
	assert_memory_equal(r->by_year, by, sizeof by);
	assert_memory_equal(r->year_type, byt, sizeof byt);
	assert_memory_equal(r->year_group, byg, sizeof byg);
	assert_memory_equal(r->year_country, byc, (size_t)ENG_YEARS * nc * sizeof *byc);
	{
		/* Concentration: downloads descending in rows[], the items with
		 * a count first (the first nk); only they count. */
		long double acc = 0, sum_i = 0;
		uint64_t *dls = malloc(((size_t)n + 1) * sizeof *dls);
		int na = !n || !nk || !S;
		for (uint32_t i = 0; i < n; i++) {
			dls[i] = bf_dl(s, k, f->window, rows[i]);
			assert_true(bf_known(s, k, f->window, rows[i]) == (i < nk));
		}
		uint32_t n_all = n;
		n = nk; /* the figures below are over the items with a count */
		for (unsigned j = 0; j < ENG_TOP_N; j++) {
			uint64_t top = 0;
			for (uint32_t i = 0; i < n && i < eng_top_n[j]; i++)
				top += dls[i];
			assert_true(r->top_downloads[j] == top);
			FX_NA_OR(r->top_share[j], na, S ? (double)top / (double)S : 0.0);
		}
		FX_NA_OR(r->under_share, !n, n ? (double)under / n : 0.0);
		/* Gini over ascending values: sum (2i - n - 1) x_i / (n S). */
		for (uint32_t i = 0; i < n; i++) {
			uint32_t asc = n - i; /* 1-based ascending index */
			sum_i += (2.0L * asc - n - 1) * (long double)dls[i];
		}
		FX_NA_OR(r->gini, na, n && S ? (double)(sum_i / ((long double)n * S)) : 0.0);
		for (unsigned p = 0; p <= 100; p++) {
			uint64_t kk = (uint64_t)p * n / 100, bottom = 0;
			for (uint64_t i = 0; i < kk; i++)
				bottom += dls[n - 1 - i];
			FX_NA_OR(r->lorenz[p], na, S ? (double)bottom / (double)S : p / 100.0);
		}
		(void)acc;
		free(dls);
		n = n_all;
	}
	/* Item orders. */
	for (int so = 0; so < SORT_KEY_COUNT; so++) {
		uint32_t *got = engine_sort_items(e, r, (enum eng_sort)so, 1);
		uint32_t *want = malloc(((size_t)n + 1) * sizeof *want);
		assert_non_null(got);
		memcpy(want, rows, n * sizeof *want);
		bf_c.sort = (enum eng_sort)so;
		qsort(want, n, sizeof *want, bf_cmp_sort);
		if (n)
			assert_memory_equal(got, want, n * sizeof *want);
		free(got);
		{
			uint32_t top[25];
			size_t kk = engine_sort_top(e, r, (enum eng_sort)so, 1, 25, top);
			assert_int_equal(kk, n < 25 ? n : 25);
			for (size_t i = 0; i < kk; i++)
				assert_int_equal(top[i], want[i]);
			kk = engine_sort_top(e, r, (enum eng_sort)so, 0, 25, top);
			for (size_t i = 0; i < kk; i++)
				assert_int_equal(top[i], want[n - 1 - i]);
		}
		got = engine_sort_items(e, r, (enum eng_sort)so, 0);
		for (uint32_t i = 0; i < n; i++)
			assert_int_equal(got[i], want[n - 1 - i]);
		free(got);
		free(want);
	}
	free(rows);
	free(bc);
	free(byc);
}

/* Aggregate rankings against brute force. */
struct bf_row {
	uint32_t key;
	const char *label;
	uint64_t count, downloads, likes, trending;
	int64_t created;
};
static enum eng_sort bf_rank_sort;
static inline int bf_cmp_rank(const void *pa, const void *pb)
{
	const struct bf_row *a = pa, *b = pb;
	long double x, y;
	switch (bf_rank_sort) {
	case SORT_LIKES: x = a->likes; y = b->likes; break;
	case SORT_TRENDING: x = a->trending; y = b->trending; break;
	case SORT_CREATED: x = (long double)a->created; y = (long double)b->created; break;
	case SORT_COUNT: x = a->count; y = b->count; break;
	case SORT_NAME: {
		int r = strcasecmp(a->label, b->label);
		if (r)
			return -r;
		x = y = 0;
		break;
	}
	default: x = a->downloads; y = b->downloads; break;
	}
	if (x != y)
		return x > y ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static inline void bf_check_rank(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
				 const struct eng_result *r, enum eng_pane pane)
{
	const struct ht_table *t = &s->t[r->kind];
	int org = r->filter.level != LEVEL_ACCOUNT;
	uint32_t *nacc = calloc(a->n_accounts + 1, sizeof *nacc);
	uint8_t *holds = calloc(a->n_accounts + 1, 1);
	uint32_t nk = pane == PANE_ORGS ? a->n_accounts : pane == PANE_COUNTRIES ? country_count()
		: pane == PANE_GROUPS ? CG_COUNT : pane == PANE_ORGTYPES ? OT_COUNT
		: pane == PANE_YEARS ? ENG_YEARS : s->n_terms;
	struct bf_row *agg = calloc(nk, sizeof *agg), *list = calloc(nk, sizeof *list);
	size_t m = 0;
	for (uint32_t i = 0; i < nk; i++) {
		agg[i].key = i;
		agg[i].created = INT64_MAX;
	}
	const uint32_t *matches = engine_result_rows(e, r);
	assert_non_null(matches);
	/* An organisation's accounts: those holding items of this table
	 * under this mode, filtered or not. */
	for (uint32_t row = 0; row < t->n; row++)
		holds[a->item_acct[r->kind][r->filter.by][row]] = 1;
	for (uint32_t x = 0; x < a->n_accounts; x++)
		nacc[a->acct_org[x]] += holds[x];
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t row = matches[i], ac = a->item_acct[r->kind][r->filter.by][row], key;
		switch (pane) {
		case PANE_ORGS: key = org ? a->acct_org[ac] : ac; break;
		case PANE_COUNTRIES: key = a->acct_country[ac]; break;
		case PANE_GROUPS: key = a->acct_group[ac]; break;
		case PANE_ORGTYPES: key = a->acct_type[ac]; break;
		case PANE_YEARS: key = bf_year(t->created[row]); break;
		case PANE_TASKS: key = t->pipeline[row]; break;
		default: key = t->library[row]; break;
		}
		agg[key].count++;
		agg[key].downloads += bf_dl(s, r->kind, r->filter.window, row);
		agg[key].likes += t->likes[row];
		agg[key].trending += t->trending[row];
		if (t->created[row] > 0 && t->created[row] < agg[key].created)
			agg[key].created = t->created[row];
	}
	for (uint32_t i = 0; i < nk; i++) {
		int always = (pane == PANE_COUNTRIES && i == COUNTRY_UNKNOWN) ||
			     (pane == PANE_GROUPS && i == CG_UNKNOWN) ||
			     (pane == PANE_ORGTYPES && (i == OT_INDEPENDENT || i == OT_UNKNOWN_ORG));
		if (!agg[i].count && !always)
			continue;
		list[m] = agg[i];
		if (list[m].created == INT64_MAX)
			list[m].created = 0;
		switch (pane) {
		case PANE_ORGS: list[m].label = a->acct_name[i]; break;
		case PANE_COUNTRIES: list[m].label = i ? country_code(i) : "unknown"; break;
		case PANE_GROUPS: list[m].label = country_group_key((enum country_group)i); break;
		case PANE_ORGTYPES: list[m].label = orgdir_type_key((enum org_type)i); break;
		case PANE_YEARS: list[m].label = NULL; break;
		default: list[m].label = ht_term(s, i); break;
		}
		m++;
	}
	for (int so = 0; so < SORT_KEY_COUNT; so++) {
		for (int desc = 0; desc < 2; desc++) {
			struct eng_row *rows = NULL;
			size_t got;
			char yb[16];
			/* Trending sums are made only when asked for: each order is
			 * checked with and without them, whole and one screen. */
			int with_tr = (so + desc) % 2, tr_full = with_tr || so == SORT_TRENDING,
			    tr_top = !with_tr || so == SORT_TRENDING;
			if (pane == PANE_YEARS)
				for (size_t i = 0; i < m; i++)
					list[i].label = NULL;
			if (pane == PANE_YEARS && so == SORT_NAME) {
				/* labels of years: use the engine's */
				static char lab[ENG_YEARS][16];
				for (size_t i = 0; i < m; i++) {
					engine_year_label(list[i].key, lab[list[i].key], 16);
					list[i].label = lab[list[i].key];
				}
			}
			bf_rank_sort = (enum eng_sort)so;
			qsort(list, m, sizeof *list, bf_cmp_rank);
			got = with_tr ? engine_rank_with_trending(e, r, pane, (enum eng_sort)so, desc, 0, &rows)
				      : engine_rank(e, r, pane, (enum eng_sort)so, desc, &rows);
			assert_int_equal(got, m);
			for (size_t i = 0; i < m; i++) {
				const struct bf_row *w = &list[desc ? i : m - 1 - i];
				assert_int_equal(rows[i].key, w->key);
				assert_true(rows[i].count == w->count);
				assert_true(rows[i].downloads == w->downloads);
				assert_true(rows[i].likes == w->likes);
				assert_true(rows[i].trending == (tr_full ? w->trending : 0));
				assert_true(rows[i].created == w->created);
				{
					/* --of attributed: the unknown bucket out of the denominator. */
					uint64_t den = r->downloads;
					int out = 0;
					if (r->filter.of == OF_ATTRIBUTED && pane == PANE_COUNTRIES)
						den -= r->by_country[COUNTRY_UNKNOWN].downloads, out = w->key == COUNTRY_UNKNOWN;
					else if (r->filter.of == OF_ATTRIBUTED && pane == PANE_GROUPS)
						den -= r->by_group[CG_UNKNOWN].downloads, out = w->key == CG_UNKNOWN;
					else if (r->filter.of == OF_ATTRIBUTED && pane == PANE_ORGTYPES)
						den -= r->by_type[OT_UNKNOWN_ORG].downloads, out = w->key == OT_UNKNOWN_ORG;
					FX_NA_OR(rows[i].share, out || !den, den ? (double)w->downloads / den : 0);
				}
				FX_NA_OR(rows[i].count_share, !r->count, r->count ? (double)w->count / r->count : 0);
				if (pane == PANE_YEARS)
					assert_string_equal(rows[i].label, engine_year_label(w->key, yb, sizeof yb));
				else
					assert_string_equal(rows[i].label, w->label);
				if (pane == PANE_ORGS) {
					assert_int_equal(rows[i].country, a->acct_country[w->key]);
					assert_int_equal(rows[i].group, a->acct_group[w->key]);
					assert_int_equal(rows[i].type, a->acct_type[w->key]);
					assert_int_equal(rows[i].accounts, org ? nacc[w->key] : 1);
				}
			}
			/* Sums asked for after the ranking (a list that shows them
			 * only once on screen): the same as ranked with them. */
			assert_int_equal(engine_rank_trending(e, r, pane, rows, m), 0);
			for (size_t i = 0; i < m; i++)
				assert_true(rows[i].trending == list[desc ? i : m - 1 - i].trending);
			free(rows);
			/* One screen of it: the same first rows. */
			{
				size_t lim = 1 + fx_below(8);
				got = with_tr ? engine_rank_top(e, r, pane, (enum eng_sort)so, desc, lim, &rows)
					      : engine_rank_with_trending(e, r, pane, (enum eng_sort)so, desc, lim, &rows);
				assert_int_equal(got, m < lim ? m : lim);
				for (size_t i = 0; i < m && i < lim; i++) {
					const struct bf_row *w = &list[desc ? i : m - 1 - i];
					assert_int_equal(rows[i].key, w->key);
					assert_true(rows[i].count == w->count);
					assert_true(rows[i].downloads == w->downloads);
					assert_true(rows[i].likes == w->likes);
					assert_true(rows[i].trending == (tr_top ? w->trending : 0));
					assert_true(rows[i].created == w->created);
				}
				assert_int_equal(engine_rank_trending(e, r, pane, rows, got), 0);
				for (size_t i = 0; i < got; i++)
					assert_true(rows[i].trending == list[desc ? i : m - 1 - i].trending);
				free(rows);
			}
		}
	}
	free(agg);
	free(list);
	free(nacc);
	free(holds);
}

/* The roll-up: at the organisation level every row's sums equal the sums
 * of its accounts' rows at the account level, for the same filter. */
static inline void bf_check_rollup(struct engine *e, const struct attrib *a, const struct filter *f,
				   enum ht_kind k)
{
	struct filter fo = *f, fa = *f;
	struct eng_result *ro, *ra;
	struct eng_row *rows_o = NULL, *rows_a = NULL;
	size_t no, na;
	uint64_t *cnt = calloc(a->n_accounts + 1, sizeof *cnt), *dl = calloc(a->n_accounts + 1, sizeof *dl);
	uint64_t *lk = calloc(a->n_accounts + 1, sizeof *lk);
	fo.level = LEVEL_ORG;
	fa.level = LEVEL_ACCOUNT;
	ro = engine_apply(e, &fo, k);
	ra = engine_apply(e, &fa, k);
	assert_non_null(ro);
	assert_non_null(ra);
	/* The level changes only the grouping: the same matches. */
	assert_int_equal(ro->n, ra->n);
	assert_true(ro->downloads == ra->downloads);
	no = engine_rank(e, ro, PANE_ORGS, SORT_DOWNLOADS, 1, &rows_o);
	na = engine_rank(e, ra, PANE_ORGS, SORT_DOWNLOADS, 1, &rows_a);
	assert_true(no <= na);
	for (size_t i = 0; i < na; i++) {
		uint32_t o = a->acct_org[rows_a[i].key];
		cnt[o] += rows_a[i].count;
		dl[o] += rows_a[i].downloads;
		lk[o] += rows_a[i].likes;
	}
	for (size_t i = 0; i < no; i++) {
		uint32_t o = rows_o[i].key;
		assert_int_equal(a->acct_org[o], o);
		assert_true(rows_o[i].count == cnt[o]);
		assert_true(rows_o[i].downloads == dl[o]);
		assert_true(rows_o[i].likes == lk[o]);
		cnt[o] = 0;
	}
	for (uint32_t x = 0; x < a->n_accounts; x++)
		assert_true(cnt[x] == 0); /* no organisation left out */
	free(rows_o);
	free(rows_a);
	free(cnt);
	free(dl);
	free(lk);
	engine_result_free(ro);
	engine_result_free(ra);
}

/* A random filter over the snapshot's values. */
static inline void fx_filter(struct filter *f, const struct ht_snapshot *s, const struct attrib *a)
{
	static const char *const created[] = { "2020", "2019..2022", "2021-03..2023-07", "..2020",
					       "2022-05-06..", "2016..2016", "2024-02-29.." };
	static const char *const mins[] = { "1", "50", "199", "200", "201", "100000" };
	char err[256];
	filter_init(f);
	f->window = fx_below(2) ? WIN_ALL : WIN_30D;
	f->of = fx_below(3) ? OF_ALL : OF_ATTRIBUTED;
	f->by = fx_below(2) ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	f->level = fx_below(2) ? LEVEL_ACCOUNT : LEVEL_ORG;
	if (fx_below(5) == 0) {
		unsigned n = 1 + fx_below(3);
		for (unsigned i = 0; i < n; i++) {
			int c = fx_below(4) == 0 ? 0 : country_find(fx_codes[fx_below(7)]);
			f->countries[c >> 6] |= (uint64_t)1 << (c & 63);
		}
	}
	if (fx_below(8) == 0)
		f->groups = 1u << fx_below(CG_COUNT) | (fx_below(2) ? 1u << fx_below(CG_COUNT) : 0);
	if (fx_below(6) == 0)
		f->types = 1u << fx_below(OT_COUNT) | (fx_below(2) ? 1u << fx_below(OT_COUNT) : 0);
	if (fx_below(8) == 0) {
		unsigned n = 1 + fx_below(2);
		for (unsigned i = 0; i < n; i++) {
			const char *nm = fx_below(6) ? a->acct_name[fx_below(a->n_accounts)] : "nobody-here";
			snprintf(f->authors[f->n_authors], FILTER_NAME_MAX, "%s", nm);
			if (fx_below(2))
				f->authors[f->n_authors][0] = (char)toupper((unsigned char)f->authors[f->n_authors][0]);
			f->n_authors++;
		}
	}
	if (fx_below(8) == 0) {
		unsigned n = 1 + fx_below(2);
		for (unsigned i = 0; i < n; i++) {
			const char *nm = fx_below(6) ? a->acct_name[fx_below(a->n_accounts)] : "no-such-org";
			snprintf(f->orgs[f->n_orgs], FILTER_NAME_MAX, "%s", nm);
			if (fx_below(2))
				f->orgs[f->n_orgs][0] = (char)toupper((unsigned char)f->orgs[f->n_orgs][0]);
			f->n_orgs++;
		}
	}
	if (fx_below(8) == 0)
		snprintf(f->task, sizeof f->task, "%s", fx_below(5) ? fx_tasks[1 + fx_below(3)] : "no-such-task");
	if (fx_below(10) == 0)
		snprintf(f->library, sizeof f->library, "%s", fx_libs[1 + fx_below(3)]);
	if (fx_below(10) == 0)
		snprintf(f->license, sizeof f->license, "%s", fx_lics[1 + fx_below(2)]);
	if (fx_below(4) == 0 && s->t[HT_MODELS].n) {
		const char *id = ht_id(s, HT_MODELS, fx_below(s->t[HT_MODELS].n));
		size_t l = strlen(id), at = fx_below((uint32_t)l), len = 1 + fx_below(4);
		if (at + len > l)
			len = l - at;
		memcpy(f->search, id + at, len);
		f->search[len] = '\0';
		for (size_t i = 0; i < len; i++)
			if (fx_below(2))
				f->search[i] = (char)toupper((unsigned char)f->search[i]);
	}
	if (fx_below(7) == 0)
		assert_int_equal(filter_set(f, "created", created[fx_below(7)], err, sizeof err), 0);
	if (fx_below(7) == 0)
		assert_int_equal(filter_set(f, "min-downloads", mins[fx_below(6)], err, sizeof err), 0);
	if (fx_below(7) == 0)
		f->gated = (int)fx_below(2);
}

#endif

/* test_engine.c - every engine answer against a brute-force computation:
 * random tables with thousands of random filters (including typed and
 * erased search strings, which exercise the search cache), the demo
 * snapshot, and the real 2022 listing when ../shared is present. */
#include <ctype.h>
#include "testutil.h"
#include "hubtop/conc.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"
#include "hubtop/listing.h"
#include "hubtop/demo.h"
#include "hubtop/orgdir.h"
#include "hubtop/store.h"
#include <fcntl.h>
#include <unistd.h>
#include "engine_fixture.h"

static const enum eng_pane agg_panes[] = { PANE_ORGS, PANE_COUNTRIES, PANE_GROUPS, PANE_ORGTYPES,
					   PANE_TASKS, PANE_LIBRARIES, PANE_YEARS };

/* Runs nf filters; every rank_every-th also checks all aggregate panes. */
static void run_filters(struct engine *e, const struct ht_snapshot *s, const struct attrib *a, unsigned nf,
			unsigned rank_every)
{
	struct filter f;
	filter_init(&f);
	for (unsigned i = 0; i < nf; i++) {
		enum ht_kind k = fx_below(4) == 0 ? HT_DATASETS : HT_MODELS;
		struct eng_result *r;
		unsigned mode = fx_below(10);
		size_t l = strlen(f.search);
		if (mode < 3 && l + 1 < sizeof f.search) {
			/* typing: one more character */
			f.search[l] = fx_chars[fx_below(sizeof fx_chars - 1)];
			f.search[l + 1] = '\0';
		} else if (mode < 4 && l) {
			f.search[l - 1] = '\0'; /* erasing */
		} else {
			fx_filter(&f, s, a);
		}
		r = engine_apply(e, &f, k);
		assert_non_null(r);
		bf_check_result(e, s, a, &f, k, r);
		if (rank_every && i % rank_every == 0) {
			for (size_t p = 0; p < sizeof agg_panes / sizeof agg_panes[0]; p++)
				bf_check_rank(e, s, a, r, agg_panes[p]);
			bf_check_rollup(e, a, &f, k);
		}
		engine_result_free(r);
	}
}

static void test_random_tables(void **state)
{
	(void)state;
	static const unsigned sizes[][3] = { { 3000, 700, 120 }, { 500, 100, 400 }, { 6000, 50, 30 },
					     { 1, 1, 1 }, { 64, 63, 5 }, { 0, 0, 1 } };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct ht_snapshot *s = fx_snapshot(sizes[i][0], sizes[i][1], sizes[i][2], (int)(i & 1));
		struct attrib *a = fx_attrib(s);
		struct engine *e = engine_new(s, a, NULL);
		assert_non_null(e);
		assert_ptr_equal(engine_snapshot(e), s);
		assert_ptr_equal(engine_attrib(e), a);
		if (i % 2) {
			/* Every lazily made structure made up front must answer the same. */
			int rc;
			while ((rc = engine_prepare_step(e)) == 1)
				;
			assert_int_equal(rc, 0);
		}
		run_filters(e, s, a, i == 0 ? 3000 : 800, 25);
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

/* Counts past 32 bits, many or few: the account groups keep a window's
 * counts in 32 bits with the few larger ones listed apart, or in 64 bits
 * when more than 1 in 8 are larger, and creation times in 32 bits only
 * when all fit; every ranking must read the same sums either way. */
static void test_wide_counts(void **state)
{
	(void)state;
	for (int variant = 0; variant < 2; variant++) {
		struct ht_builder *b = table_builder_new();
		struct ht_meta meta;
		struct ht_snapshot *s;
		struct attrib *a;
		struct engine *e;
		assert_non_null(b);
		for (int k = 0; k < 2; k++)
			for (unsigned i = 0; i < (k ? 300u : 1500u); i++) {
				struct ht_item it;
				char id[64];
				snprintf(id, sizeof id, "%s%u/m-%u", fx_below(3) ? "acct" : "Team", fx_below(60), i);
				memset(&it, 0, sizeof it);
				it.id = id;
				/* 30-day: a fifth of them 2^32 - 1 or more (64 bits);
				 * all-time: 1 in 20 (listed apart). */
				it.downloads = fx_below(5) ? fx_below(100000) : 4294967295ull + fx_rnd() % 9000000000ull;
				it.downloads_all = fx_below(20) ? fx_below(100000) : ((uint64_t)1 << 33) + fx_below(1000);
				it.likes = fx_below(100);
				it.created = fx_below(10) ? 1400000000 + (int64_t)fx_below(420000000) : 0;
				if (variant && !fx_below(50))
					it.created = 4294967295ll + fx_below(3); /* past 2106: 64 bits */
				assert_true(table_builder_add(b, (enum ht_kind)k, &it) >= 0);
			}
		memset(&meta, 0, sizeof meta);
		meta.format_version = 1;
		meta.demo = 1;
		meta.complete = 1;
		meta.fetched_at = 1700000000;
		snprintf(meta.endpoint, sizeof meta.endpoint, "test");
		s = table_builder_finish(b, &meta);
		assert_non_null(s);
		a = fx_attrib(s);
		e = engine_new(s, a, NULL);
		assert_non_null(e);
		/* Prepared: the 30-day rank records (when creation times fit),
		 * whose downloads of 2^32 - 1 or more are read from the order. */
		if (!variant)
			while (engine_prepare_step(e) == 1)
				;
		run_filters(e, s, a, 300, 3);
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

/* The author and organisation tests at the organisation level read each
 * rank's own account, which the all-time and period orders make only for
 * them: asked first, on an engine that has made nothing else. */
static void test_author_first(void **state)
{
	(void)state;
	for (int i = 0; i < 12; i++) {
		struct ht_snapshot *s = fx_snapshot(2000, 300, 40, 1);
		struct attrib *a = fx_attrib(s);
		struct engine *e = engine_new(s, a, NULL);
		enum ht_kind k = i % 3 ? HT_MODELS : HT_DATASETS;
		struct eng_result *r;
		struct filter f;
		assert_non_null(e);
		filter_init(&f);
		f.window = WIN_ALL;
		f.level = LEVEL_ORG;
		f.by = i % 2 ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
		if (i % 4 < 2) {
			snprintf(f.authors[0], FILTER_NAME_MAX, "%s", a->acct_name[fx_below(a->n_accounts)]);
			f.n_authors = 1;
		} else {
			snprintf(f.orgs[0], FILTER_NAME_MAX, "%s", a->acct_name[fx_below(a->n_accounts)]);
			f.n_orgs = 1;
		}
		if (i >= 6)
			snprintf(f.search, sizeof f.search, "%c", fx_chars[fx_below(sizeof fx_chars - 1)]);
		r = engine_apply(e, &f, k);
		assert_non_null(r);
		bf_check_result(e, s, a, &f, k, r);
		for (size_t p = 0; p < sizeof agg_panes / sizeof agg_panes[0]; p++)
			bf_check_rank(e, s, a, r, agg_panes[p]);
		engine_result_free(r);
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

/* Unknown counts are left out of every figure, never read as 0; a window
 * without counts is n/a; shares of attributed downloads. */
static void test_unknown_values(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct eng_result *r;
	struct filter f;
	struct eng_row *rows = NULL;
	size_t n;
	/* us/a 1000, xx/b 100 (no country), xx/c and xx/d null counts */
	static const char *const ids[] = { "us/a", "xx/b", "xx/c", "xx/d" };
	static const uint64_t dls[] = { 1000, 100, 0, 0 };
	int us = country_find("US");
	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		struct ht_item it;
		memset(&it, 0, sizeof it);
		it.id = ids[i];
		it.downloads = dls[i];
		it.flags = HT_F_DLA_UNKNOWN | (i >= 2 ? HT_F_DL_UNKNOWN : 0);
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_int_equal(s->meta.no_alltime, 1u << HT_MODELS);
	a = fx_attrib(s);
	for (uint32_t ac = 0; ac < a->n_accounts; ac++) {
		int is_us = ac < s->n_accounts && !strcmp(ht_str(s, s->acct_name[ac]), "us");
		a->acct_country[ac] = (uint16_t)(is_us ? us : (int)COUNTRY_UNKNOWN);
		a->acct_group[ac] = (uint8_t)(is_us ? CG_US : CG_UNKNOWN);
		a->acct_type[ac] = OT_INDUSTRY;
	}
	for (uint32_t row = 0; row < 4; row++)
		a->item_acct[HT_MODELS][ATTRIB_LINEAGE][row] = s->t[HT_MODELS].author[row];
	e = engine_new(s, a, NULL);
	filter_init(&f);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->count, 4);
	assert_int_equal(r->counted, 2);
	assert_true(r->downloads == 1100);
	assert_null(r->na_reason);
	/* Of the two with a count, one is under 200: half, not three in four. */
	assert_int_equal(r->under_count, 1);
	FX_NEAR(r->under_share, 0.5);
	/* Gini of (1000, 100): sum of |xi - xj| / (2 n^2 mean) = 1800 / 4400. */
	FX_NEAR(r->gini, 1800.0 / 4400.0);
	FX_NEAR(r->top_share[0], 1.0);
	FX_NEAR(r->lorenz[50], 100.0 / 1100.0);
	/* The null counts come last among the matches. */
	assert_string_equal(ht_id(s, HT_MODELS, engine_row_at(e, r, 2)), "xx/c");
	assert_false(engine_item_counted(e, r, engine_row_at(e, r, 2)));
	assert_true(engine_item_counted(e, r, engine_row_at(e, r, 1)));
	/* Attributed: the US holds all of the downloads with a country. */
	assert_true(r->attributed_downloads == 1000);
	FX_NEAR(engine_attributed_share(r), 1000.0 / 1100.0);
	n = engine_rank(e, r, PANE_COUNTRIES, SORT_DOWNLOADS, 1, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].key, (uint32_t)us);
	FX_NEAR(rows[0].share, 1000.0 / 1100.0);
	free(rows);
	engine_result_free(r);
	f.of = OF_ATTRIBUTED;
	r = engine_apply(e, &f, HT_MODELS);
	n = engine_rank(e, r, PANE_COUNTRIES, SORT_DOWNLOADS, 1, &rows);
	assert_int_equal(n, 2);
	FX_NEAR(rows[0].share, 1.0);
	assert_int_equal(rows[1].key, COUNTRY_UNKNOWN);
	assert_true(isnan(rows[1].share));
	free(rows);
	engine_result_free(r);
	/* Only the null counts: nothing to measure. */
	filter_init(&f);
	snprintf(f.search, sizeof f.search, "xx/");
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->count, 3);
	assert_int_equal(r->counted, 1);
	engine_result_free(r);
	snprintf(f.search, sizeof f.search, "xx/c");
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->counted, 0);
	assert_string_equal(r->na_reason, "no matching item has a download count");
	assert_true(isnan(r->gini) && isnan(r->top_share[2]) && isnan(r->under_share));
	engine_result_free(r);
	/* All time: the listing had no all-time counts. */
	filter_init(&f);
	f.window = WIN_ALL;
	assert_false(engine_has_alltime(e, HT_MODELS));
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->count, 4);
	assert_int_equal(r->counted, 0);
	assert_string_equal(r->na_reason, "the snapshot has no all-time download counts");
	assert_true(isnan(r->gini) && isnan(r->lorenz[50]) && isnan(r->under_share));
	engine_result_free(r);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* Hand-checked figures on a tiny table. */
static void test_known_values(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct eng_result *r;
	struct filter f;
	static const uint64_t dls[] = { 600, 300, 100, 0 };
	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		struct ht_item it;
		char id[32];
		snprintf(id, sizeof id, "org%u/Model-%u", i % 2, i);
		memset(&it, 0, sizeof it);
		it.id = id;
		it.downloads = dls[i];
		it.downloads_all = 1000 - dls[i];
		it.created = 1700000000; /* 2023 */
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	a = fx_attrib(s);
	e = engine_new(s, a, NULL);
	filter_init(&f);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 4);
	assert_true(r->downloads == 1000);
	assert_true(r->under_count == 2);
	FX_NEAR(r->under_share, 0.5);
	FX_NEAR(r->top_share[0], 1.0);
	/* ascending 0,100,300,600: G = (2*(1*0+2*100+3*300+4*600))/(4*1000) - 5/4 = 0.5 */
	FX_NEAR(r->gini, 0.5);
	FX_NEAR(r->lorenz[0], 0.0);
	FX_NEAR(r->lorenz[50], 0.1);
	FX_NEAR(r->lorenz[75], 0.4);
	FX_NEAR(r->lorenz[100], 1.0);
	assert_true(r->by_year[2023 - ENG_YEAR_FIRST + 1].count == 4);
	assert_int_equal(engine_row_at(e, r, 0), 0);
	assert_string_equal(ht_id(s, HT_MODELS, engine_row_at(e, r, 0)), "org0/Model-0");
	engine_result_free(r);
	/* all-time window reverses the order */
	f.window = WIN_ALL;
	r = engine_apply(e, &f, HT_MODELS);
	assert_string_equal(ht_id(s, HT_MODELS, engine_row_at(e, r, 0)), "org1/Model-3");
	assert_true(engine_item_downloads(e, r, engine_row_at(e, r, 0)) == 1000);
	assert_int_equal(engine_item_account(e, r, engine_row_at(e, r, 0)), a->item_acct[HT_MODELS][0][engine_row_at(e, r, 0)]);
	engine_result_free(r);
	/* search is case-insensitive and extends */
	filter_init(&f);
	snprintf(f.search, sizeof f.search, "MODEL");
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 4);
	engine_result_free(r);
	snprintf(f.search, sizeof f.search, "model-2");
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 1);
	engine_result_free(r);
	snprintf(f.search, sizeof f.search, "1/");
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 2);
	engine_result_free(r);
	/* unknown task matches nothing */
	filter_init(&f);
	snprintf(f.task, sizeof f.task, "no-such-task");
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 0);
	/* An empty view has no concentration: n/a with its reason, never 0. */
	assert_true(isnan(r->gini));
	assert_true(isnan(r->lorenz[30]));
	assert_true(isnan(r->top_share[0]));
	assert_true(isnan(r->under_share));
	assert_string_equal(r->na_reason, "no item matches");
	engine_result_free(r);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

static void test_names(void **state)
{
	char buf[16];
	(void)state;
	for (int p = 0; p < PANE_COUNT; p++)
		assert_int_equal(engine_pane_find(engine_pane_key((enum eng_pane)p)), p);
	for (int so = 0; so < SORT_KEY_COUNT; so++)
		assert_int_equal(engine_sort_find(engine_sort_key((enum eng_sort)so)), so);
	assert_int_equal(engine_pane_find("org-types"), PANE_ORGTYPES);
	assert_int_equal(engine_pane_find("nope"), -1);
	assert_int_equal(engine_sort_find("nope"), -1);
	assert_string_equal(engine_year_label(0, buf, sizeof buf), "legacy");
	assert_string_equal(engine_year_label(10, buf, sizeof buf), "2024");
}

/* The text a sorted column shows for a row (what the list's cell shows). */
static const char *col_text(const struct engine *e, const struct eng_result *r, enum eng_sort so, uint32_t row)
{
	const struct ht_snapshot *s = engine_snapshot(e);
	const struct attrib *a = engine_attrib(e);
	uint32_t acct = engine_item_account(e, r, row);
	const uint32_t *terms = so == SORT_TASK ? s->t[r->kind].pipeline : so == SORT_LIBRARY ? s->t[r->kind].library
			      : so == SORT_LICENSE ? s->t[r->kind].license : NULL;
	if (terms)
		return terms[row] ? ht_term(s, terms[row]) : "-";
	if (acct >= a->n_accounts)
		return so == SORT_COUNTRY ? COUNTRY_UNKNOWN_KEY : "-";
	if (so == SORT_COUNTRY)
		return a->acct_country[acct] ? country_code(a->acct_country[acct]) : COUNTRY_UNKNOWN_KEY;
	return orgdir_type_key((enum org_type)a->acct_type[acct]);
}

/* The text columns' keys: every match once, in the text's order (A to Z,
 * or Z to A when desc), ties in the downloads order; engine_sort_top's
 * first rows are the same. */
/* The value an aggregate key orders by, larger first (display names apart). */
static uint64_t agg_value(const struct eng_row *w, int so)
{
	switch (so) {
	case SORT_ACCOUNTS: return w->accounts;
	case SORT_SHARE: return isnan(w->share) ? 0 : w->downloads + 1;
	default: return w->downloads;
	}
}

/* Orgs and Regions sort by every column they show: the display name (A to
 * Z first), the number of accounts, the share (an n/a share last); every
 * row once, whole or one screen of it; the export's key names find them. */
static void test_aggregate_column_sorts(void **state)
{
	static const enum eng_pane panes[] = { PANE_ORGS, PANE_COUNTRIES, PANE_GROUPS, PANE_ORGTYPES };
	static const int keys[] = { SORT_DISPLAY, SORT_ACCOUNTS, SORT_SHARE };
	(void)state;
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 0);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	filter_init(&f);
	for (unsigned t = 0; t < 12; t++) {
		struct eng_result *r;
		if (t)
			fx_filter(&f, s, a);
		f.of = t % 3 == 1 ? OF_ATTRIBUTED : f.of;
		f.level = t % 2 ? LEVEL_ACCOUNT : f.level;
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		for (size_t p = 0; p < sizeof panes / sizeof panes[0]; p++)
			for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
				int so = keys[k];
				if (!engine_sort_valid(so, panes[p]))
					continue;
				for (int desc = 0; desc < 2; desc++) {
					struct eng_row *w = NULL, *dl = NULL, *top = NULL;
					size_t n = engine_rank(e, r, panes[p], (enum eng_sort)so, desc, &w);
					size_t nd = engine_rank(e, r, panes[p], SORT_DOWNLOADS, 1, &dl), nt;
					uint8_t *seen = calloc(a->n_accounts + 1024, 1);
					assert_int_equal(n, nd);
					for (size_t i = 0; i < nd; i++)
						seen[dl[i].key] = 1;
					for (size_t i = 0; i < n; i++) {
						assert_true(seen[w[i].key] == 1);
						seen[w[i].key] = 2;
						if (!i)
							continue;
						const struct eng_row *x = desc ? &w[i - 1] : &w[i], *y = desc ? &w[i] : &w[i - 1];
						int c;
						if (so == SORT_DISPLAY) {
							/* desc: Z to A */
							c = strcasecmp(y->name ? y->name : y->label, x->name ? x->name : x->label);
							assert_true(c <= 0);
						} else {
							assert_true(agg_value(x, so) >= agg_value(y, so));
						}
					}
					nt = engine_rank_top(e, r, panes[p], (enum eng_sort)so, desc, 5, &top);
					assert_int_equal(nt, n < 5 ? n : 5);
					for (size_t i = 0; i < nt; i++)
						assert_int_equal(top[i].key, w[i].key);
					free(seen);
					free(w);
					free(dl);
					free(top);
				}
			}
		engine_result_free(r);
	}
	/* By a name, once the engine's pieces (the name ranks) are made: the
	 * first rows, few or more than 64, are the whole ranking's. */
	while (engine_prepare_step(e) > 0)
		;
	for (unsigned t = 0; t < 12; t++) {
		struct eng_result *r;
		fx_filter(&f, s, a);
		f.level = t % 2 ? LEVEL_ACCOUNT : LEVEL_ORG;
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		for (int so = SORT_NAME; so <= SORT_DISPLAY; so += SORT_DISPLAY - SORT_NAME)
			for (int desc = 0; desc < 2; desc++)
				for (size_t lim = 5; lim <= 70; lim += 65) {
					struct eng_row *w = NULL, *top = NULL;
					size_t n = engine_rank(e, r, PANE_ORGS, (enum eng_sort)so, desc, &w);
					size_t nt = engine_rank_top(e, r, PANE_ORGS, (enum eng_sort)so, desc, lim, &top);
					assert_int_equal(nt, n < lim ? n : lim);
					for (size_t i = 0; i < nt; i++)
						assert_int_equal(top[i].key, w[i].key);
					free(w);
					free(top);
				}
		engine_result_free(r);
	}
	assert_int_equal(engine_sort_find("display-name"), SORT_DISPLAY);
	assert_int_equal(engine_sort_find("cum_share"), SORT_SHARE);
	assert_int_equal(engine_sort_find("accounts"), SORT_ACCOUNTS);
	assert_int_equal(engine_sort_find("org-type"), SORT_ORGTYPE);
	assert_int_equal(engine_sort_find("country"), SORT_COUNTRY);
	assert_true(engine_sort_valid(SORT_DISPLAY, PANE_COUNTRIES));
	assert_false(engine_sort_valid(SORT_ACCOUNTS, PANE_COUNTRIES));
	assert_false(engine_sort_valid(SORT_DISPLAY, PANE_MODELS));
	assert_false(engine_sort_valid(SORT_MODIFIED, PANE_ORGS));
	assert_true(engine_sort_valid(SORT_ORGTYPE, PANE_ORGS));
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* engine_rank_count: the rows engine_rank gives, for every pane, under
 * random filters (cell-only ones, few matches, many, either level and
 * mode), before and after the engine's pieces are prepared; at the
 * account level also the distinct accounts of the matches, counted by
 * brute force. */
static void test_rank_count(void **state)
{
	static const enum eng_pane panes[] = { PANE_ORGS, PANE_COUNTRIES, PANE_GROUPS, PANE_ORGTYPES,
					       PANE_TASKS, PANE_LIBRARIES, PANE_YEARS };
	(void)state;
	struct ht_snapshot *s = fx_snapshot(6000, 300, 120, 0);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	uint8_t *seen = calloc(a->n_accounts + 1, 1);
	assert_non_null(seen);
	for (unsigned t = 0; t < 160; t++) {
		if (t == 80)
			while (engine_prepare_step(e) > 0)
				;
		if (t % 40 == 0) {
			filter_init(&f);
		} else if (t % 40 == 1) {
			filter_init(&f);
			f.countries[0] = 1; /* the unknown country alone: a cell-only filter */
			f.types = 1u << OT_INDUSTRY;
		} else {
			fx_filter(&f, s, a);
		}
		engine_focus(e, f.by);
		for (int kind = 0; kind < 2; kind++) {
			struct eng_result *r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_non_null(r);
			for (size_t p = 0; p < sizeof panes / sizeof panes[0]; p++) {
				struct eng_row *w = NULL;
				size_t n = engine_rank(e, r, panes[p], SORT_DOWNLOADS, 1, &w);
				assert_non_null(w);
				assert_int_equal(engine_rank_count(e, r, panes[p]), n);
				if (panes[p] == PANE_ORGS && f.level == LEVEL_ACCOUNT) {
					const uint32_t *rows = engine_result_rows(e, r);
					size_t m = 0;
					memset(seen, 0, a->n_accounts + 1);
					for (uint32_t i = 0; i < r->n; i++) {
						uint32_t ac = engine_item_account(e, r, rows[i]);
						ac = ac < a->n_accounts ? ac : 0;
						m += !seen[ac];
						seen[ac] = 1;
					}
					assert_int_equal(n, m);
				}
				free(w);
			}
			engine_result_free(r);
		}
	}
	free(seen);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* engine_rows_downloads: the counted rows' window downloads, as
 * engine_item_counted and engine_item_downloads give them one by one, for
 * any rows in any order; over every match, the result's downloads. */
static void test_rows_downloads(void **state)
{
	(void)state;
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 0);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	for (unsigned t = 0; t < 40; t++) {
		for (int kind = 0; kind < 2; kind++) {
			struct eng_result *r;
			uint32_t *o;
			uint64_t want = 0;
			fx_filter(&f, s, a);
			r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_non_null(r);
			o = engine_sort_items(e, r, t % 2 ? SORT_LIKES : SORT_NAME, 1);
			assert_non_null(o);
			for (uint32_t i = 0; i < r->n; i++) {
				uint32_t from = i % 7 ? 0 : i / 2;
				if (engine_item_counted(e, r, o[i]))
					want += engine_item_downloads(e, r, o[i]);
				if (i % 97 == 0) {
					uint64_t part = 0;
					for (uint32_t j = from; j <= i; j++)
						part += engine_item_counted(e, r, o[j]) ? engine_item_downloads(e, r, o[j]) : 0;
					assert_int_equal(engine_rows_downloads(e, r, o + from, i + 1 - from), part);
				}
			}
			assert_int_equal(engine_rows_downloads(e, r, o, r->n), want);
			assert_int_equal(want, r->downloads);
			free(o);
			engine_result_free(r);
		}
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* conc_compute's half: the fewest top items holding half the counted
 * downloads, as a walk over every match gives it, whether the walk ends
 * within the ranks read by position or past them (a table whose
 * downloads are nearly even: thousands of items hold half). */
static void test_conc_half(void **state)
{
	(void)state;
	struct ht_snapshot *s = fx_snapshot(20000, 300, 120, 1); /* >= 13,000 counted: half past 4096 */
	struct attrib *a = fx_attrib(s);
	struct engine *e;
	struct filter f;
	uint64_t most = 0;
	/* Nearly even 30-day downloads, still in the rows' order. */
	for (uint32_t i = 0; i < s->t[HT_MODELS].n; i++)
		if (!(s->t[HT_MODELS].flags[i] & HT_F_DL_UNKNOWN))
			s->t[HT_MODELS].downloads[i] = 1000000 - i;
	e = engine_new(s, a, NULL);
	for (unsigned t = 0; t < 40; t++) {
		struct eng_result *r;
		struct conc_figures cf;
		const uint32_t *rows;
		uint64_t sum = 0, i;
		if (t < 2)
			filter_init(&f);
		else
			fx_filter(&f, s, a);
		if (t == 1)
			f.window = WIN_30D;
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		assert_int_equal(conc_compute(e, r, &cf), 0);
		if (!r->partial && r->counted && r->downloads) {
			rows = engine_result_rows(e, r);
			for (i = 0; i < r->counted; i++) {
				sum += engine_item_downloads(e, r, rows[i]);
				if (sum >= r->downloads - sum)
					break;
			}
			assert_true(cf.known);
			assert_int_equal(cf.half_items, i < r->counted ? i + 1 : r->counted);
			most = cf.half_items > most ? cf.half_items : most;
		}
		engine_result_free(r);
	}
	assert_true(most > 4096); /* the walk past the ranks read by position ran */
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* Items by last modification: newest first, or oldest first; unknown
 * last both ways; the hf names find the key. */
static void test_modified_sort(void **state)
{
	(void)state;
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 0);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	filter_init(&f);
	for (unsigned t = 0; t < 10; t++) {
		for (int kind = 0; kind < 2; kind++) {
			const int64_t *mod = s->t[kind].modified;
			struct eng_result *r;
			if (t)
				fx_filter(&f, s, a);
			r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_non_null(r);
			for (int desc = 0; desc < 2; desc++) {
				uint32_t *o = engine_sort_items(e, r, SORT_MODIFIED, desc), top[10];
				uint8_t *seen = calloc((size_t)s->t[kind].n + 1, 1);
				size_t nt, unknown = 0;
				assert_true(o != NULL && seen != NULL);
				for (uint32_t i = 0; i < r->n; i++) {
					assert_true(o[i] < s->t[kind].n && !seen[o[i]]);
					seen[o[i]] = 1;
					assert_int_not_equal(engine_row_pos(e, r, o[i]), UINT32_MAX);
					if (!mod[o[i]]) {
						unknown++;
						continue;
					}
					assert_int_equal(unknown, 0); /* unknown only after every date */
					if (i && mod[o[i - 1]])
						assert_true(desc ? mod[o[i - 1]] >= mod[o[i]] : mod[o[i - 1]] <= mod[o[i]]);
				}
				nt = engine_sort_top(e, r, SORT_MODIFIED, desc, 10, top);
				assert_int_equal(nt, r->n < 10 ? r->n : 10);
				assert_memory_equal(top, o, nt * sizeof *top);
				free(seen);
				free(o);
			}
			engine_result_free(r);
		}
	}
	assert_int_equal(engine_sort_find("last_modified"), SORT_MODIFIED);
	assert_int_equal(engine_sort_find("lastModified"), SORT_MODIFIED);
	assert_string_equal(engine_sort_key(SORT_MODIFIED), "modified");
	assert_true(engine_sort_valid(SORT_MODIFIED, PANE_DATASETS));
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* Case-insensitive substring, for the brute force below. */
static int bf_has(const char *hay, const char *term)
{
	size_t n = strlen(term);
	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, term, n))
			return 1;
	return 0;
}

/* The text filter of Orgs and Regions (search_names): an item matches when
 * a term is in its id, in the name of the account it counts for, or names
 * that account's country (its name, or its code exactly); "a|b" either. */
static void test_search_names(void **state)
{
	(void)state;
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 0);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	for (unsigned t = 0; t < 60; t++) {
		struct filter f;
		int kind = t % 4 == 3 ? HT_DATASETS : HT_MODELS;
		char terms[2][FILTER_SEARCH_MAX];
		unsigned nt = 1 + (t % 3 == 2);
		filter_init(&f);
		f.by = (int)(t % 2) && kind == HT_MODELS ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
		for (unsigned k = 0; k < nt; k++) {
			unsigned pick = fx_below(4);
			if (pick == 0) {
				/* a country's code, in either case */
				unsigned c = 1 + fx_below(country_count() - 1);
				snprintf(terms[k], sizeof terms[k], "%s", country_code(c));
				if (fx_below(2))
					terms[k][0] = (char)tolower((unsigned char)terms[k][0]);
			} else if (pick == 1) {
				/* a piece of a country's name */
				const char *nm = country_name(1 + fx_below(country_count() - 1));
				snprintf(terms[k], sizeof terms[k], "%.5s", nm + (strlen(nm) > 6 ? 2 : 0));
			} else {
				/* a piece of an account's name */
				const char *nm = a->acct_name[fx_below(a->n_accounts)];
				size_t l = strlen(nm), from = l > 4 ? fx_below((unsigned)(l - 3)) : 0;
				snprintf(terms[k], sizeof terms[k], "%.4s", nm + from);
			}
		}
		snprintf(f.search, sizeof f.search, nt == 2 ? "%s|%s" : "%s", terms[0], nt == 2 ? terms[1] : "");
		for (int names = 0; names < 2; names++) {
			struct eng_result *r;
			const uint32_t *rows;
			uint8_t *want = calloc((size_t)s->t[kind].n + 1, 1);
			uint32_t nwant = 0;
			f.search_names = names;
			r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_non_null(r);
			for (uint32_t row = 0; row < s->t[kind].n; row++) {
				uint32_t ac = a->item_acct[kind][f.by][row];
				unsigned c = a->acct_country[ac];
				int m = 0;
				for (unsigned k = 0; k < nt; k++) {
					if (!terms[k][0])
						continue;
					m |= bf_has(ht_id(s, (enum ht_kind)kind, row), terms[k]);
					if (names)
						m |= bf_has(a->acct_name[ac], terms[k]) ||
						     (c && !strcasecmp(country_code(c), terms[k])) ||
						     bf_has(country_name(c), terms[k]);
				}
				want[row] = (uint8_t)m;
				nwant += (uint32_t)m;
			}
			assert_int_equal(r->n, nwant);
			rows = engine_result_rows(e, r);
			for (uint32_t i = 0; i < r->n; i++)
				assert_true(want[rows[i]]);
			/* The same answer again (its rows are kept for the next key). */
			engine_result_free(r);
			r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_int_equal(r->n, nwant);
			f.window = WIN_ALL;
			engine_result_free(r);
			r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_non_null(r);
			f.window = WIN_30D;
			engine_result_free(r);
			free(want);
		}
	}
	/* A country by its code exactly ("cn" is not in "China"), or by its name. */
	assert_true(engine_search_names_country("cn", (unsigned)country_find("CN")));
	assert_true(engine_search_names_country("xx|chin", (unsigned)country_find("CN")));
	assert_false(engine_search_names_country("zz", (unsigned)country_find("CN")));
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

static void test_text_sorts(void **state)
{
	(void)state;
	for (int kind = 0; kind < 2; kind++) {
		struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 0);
		struct attrib *a = fx_attrib(s);
		struct engine *e = engine_new(s, a, NULL);
		struct filter f;
		filter_init(&f);
		for (unsigned t = 0; t < 6; t++) {
			struct eng_result *r;
			if (t)
				fx_filter(&f, s, a);
			r = engine_apply(e, &f, (enum ht_kind)kind);
			assert_non_null(r);
			for (int so = SORT_COUNTRY; so < SORT_ITEM_KEY_END; so++)
				for (int desc = 0; desc < 2; desc++) {
					uint32_t *o = engine_sort_items(e, r, (enum eng_sort)so, desc), top[10];
					uint8_t *seen = calloc((size_t)s->t[kind].n + 1, 1);
					size_t nt;
					assert_true(engine_sort_is_text(so));
					assert_true(o != NULL && seen != NULL);
					for (uint32_t i = 0; i < r->n; i++) {
						assert_true(o[i] < s->t[kind].n && !seen[o[i]]);
						seen[o[i]] = 1;
						assert_int_not_equal(engine_row_pos(e, r, o[i]), UINT32_MAX);
						if (i) {
							int c = strcmp(col_text(e, r, (enum eng_sort)so, o[i - 1]),
								       col_text(e, r, (enum eng_sort)so, o[i]));
							assert_true(desc ? c >= 0 : c <= 0);
							if (!c)
								assert_true(engine_row_pos(e, r, o[i - 1]) < engine_row_pos(e, r, o[i]));
						}
					}
					nt = engine_sort_top(e, r, (enum eng_sort)so, desc, 10, top);
					assert_int_equal(nt, r->n < 10 ? r->n : 10);
					assert_memory_equal(top, o, nt * sizeof *top);
					free(seen);
					free(o);
				}
			engine_result_free(r);
		}
		/* Orgs by country and type: A to Z (desc 0), ties by downloads. */
		for (int so = SORT_COUNTRY; so <= SORT_ORGTYPE; so++) {
			struct eng_row *w = NULL;
			struct eng_result *r;
			filter_init(&f);
			r = engine_apply(e, &f, (enum ht_kind)kind);
			size_t n = engine_rank(e, r, PANE_ORGS, (enum eng_sort)so, 0, &w);
			assert_true(n > 1 && w != NULL);
			for (size_t i = 1; i < n; i++) {
				const char *pa = so == SORT_COUNTRY ? (w[i - 1].country ? country_code(w[i - 1].country) : "unknown")
								    : orgdir_type_key((enum org_type)w[i - 1].type);
				const char *pb = so == SORT_COUNTRY ? (w[i].country ? country_code(w[i].country) : "unknown")
								    : orgdir_type_key((enum org_type)w[i].type);
				int c = strcmp(pa, pb);
				assert_true(c <= 0);
				if (!c)
					assert_true(w[i - 1].downloads >= w[i].downloads);
			}
			free(w);
			engine_result_free(r);
		}
		assert_string_equal(engine_sort_key(SORT_COUNTRY), "country");
		assert_false(engine_sort_is_text(SORT_DOWNLOADS));
		assert_true(engine_sort_is_text(SORT_NAME));
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

static void check_real(struct ht_snapshot *s, unsigned nf)
{
	struct orgdir *d = orgdir_new();
	struct attrib *a;
	struct engine *e;
	orgdir_load_default(d, NULL, NULL);
	a = attrib_build(s, d);
	assert_non_null(a);
	e = engine_new(s, a, d);
	assert_non_null(e);
	run_filters(e, s, a, nf, 40);
	engine_free(e);
	attrib_free(a);
	orgdir_free(d);
}

static void test_demo(void **state)
{
	struct ht_snapshot *s = demo_generate(20000, 4000, DEMO_DEFAULT_SEED, NULL);
	(void)state;
	if (!s)
		skip();
	assert_true(s->meta.demo);
	check_real(s, 300);
	table_free(s);
}

static void test_hubdata(void **state)
{
	const char *path = testutil_shared("hubdata/models-2022-07.jsonl");
	struct listing_stats st;
	struct ht_snapshot *s;
	struct orgdir *d;
	struct attrib *a;
	struct engine *e;
	struct eng_result *r;
	struct filter f;
	FILE *fp;
	(void)state;
	s = testutil_hubdata(&st);
	/* The figures stated in hubdata/README.md. */
	d = orgdir_new();
	orgdir_load_default(d, NULL, NULL);
	a = attrib_build(s, d);
	e = engine_new(s, a, d);
	filter_init(&f);
	r = engine_apply(e, &f, HT_MODELS);
	print_message("hubdata: %u models, %llu downloads, %llu rejected, %llu duplicates\n", r->n,
		      (unsigned long long)r->downloads, (unsigned long long)st.rejected,
		      (unsigned long long)st.duplicates);
	{
		/* Independent sum over the file: every line, and the lines whose id
		 * the table accepts. */
		char line[4096];
		uint64_t sum_all = 0, sum_valid = 0, n_valid = 0;
		fp = fopen(path, "r");
		while (fgets(line, sizeof line, fp)) {
			cJSON *o = cJSON_Parse(line), *id = cJSON_GetObjectItem(o, "id"),
			      *dl = cJSON_GetObjectItem(o, "downloads");
			uint64_t x = cJSON_IsNumber(dl) ? (uint64_t)dl->valuedouble : 0;
			sum_all += x;
			if (cJSON_IsString(id) && table_id_valid(id->valuestring)) {
				sum_valid += x;
				n_valid++;
			}
			cJSON_Delete(o);
		}
		fclose(fp);
		assert_true(sum_all == 199235153ull);
		assert_true(r->downloads == sum_valid);
		assert_true(r->n == n_valid);
	}
	assert_int_equal(r->n, s->t[HT_MODELS].n);
	assert_true(fabs(r->top_share[2] - 0.901) < 0.0005);
	assert_true(fabs(r->under_share - 0.925) < 0.0005);
	engine_result_free(r);
	run_filters(e, s, a, 300, 50);
	engine_free(e);
	attrib_free(a);
	orgdir_free(d);
	table_free(s);
}

/* engine_memory: what the engine holds, piece by piece. */
struct mem_seen {
	size_t total, n, search, at_rec, ds_groups, ds_lineage;
};

static void on_mem_piece(void *ctx, enum ht_kind kind, const char *piece, const char *view, size_t bytes)
{
	struct mem_seen *m = ctx;
	assert_non_null(piece);
	assert_true(bytes > 0);
	m->total += bytes;
	m->n++;
	if (kind == HT_MODELS && !strcmp(piece, "search index"))
		m->search += bytes;
	if (!strcmp(piece, "all-time rank records"))
		m->at_rec++;
	/* The datasets' two attribution modes share one grouping. */
	if (kind == HT_DATASETS && !strcmp(piece, "account groups (rows)") && view)
		m->ds_groups++;
	if (kind == HT_DATASETS && view && strstr(view, "/lineage"))
		m->ds_lineage++;
}

static void test_memory(void **state)
{
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct mem_seen start = { 0 }, all = { 0 };
	struct filter f;
	struct eng_result *r;
	int rc;
	(void)state;
	assert_non_null(e);
	engine_memory(e, on_mem_piece, &start);
	assert_true(start.total > 0);
	assert_int_equal(start.search, 0);
	while ((rc = engine_prepare_step(e)) == 1)
		;
	assert_int_equal(rc, 0);
	engine_memory(e, on_mem_piece, &all);
	assert_true(all.total > start.total);
	assert_true(all.n > start.n);
	assert_true(all.search > 0);
	/* Made ahead for the 30-day window only. */
	assert_int_equal(all.at_rec, 0);
	/* Made ahead for the mode shown only (engine_focus). */
	assert_int_equal(all.ds_groups, 1);
	/* The other mode's made on use: one grouping when the two modes
	 * read one account per item. */
	filter_init(&f);
	f.by = ATTRIB_LINEAGE;
	r = engine_apply(e, &f, HT_DATASETS);
	assert_non_null(r);
	bf_check_rank(e, s, a, r, PANE_ORGS);
	engine_result_free(r);
	memset(&all, 0, sizeof all);
	engine_memory(e, on_mem_piece, &all);
	assert_int_equal(all.ds_groups, a->item_acct[HT_DATASETS][0] == a->item_acct[HT_DATASETS][1] ? 1 : 2);
	filter_init(&f);
	r = engine_apply(e, &f, HT_MODELS);
	assert_non_null(r);
	assert_true(engine_result_memory(r) >= (3000 + 7) / 8);
	assert_int_equal(engine_result_memory(NULL), 0);
	engine_result_free(r);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* The all-time order's own copy of the trending scores: made for an
 * all-time answer's trending sums, dropped in idle time once the answers
 * are in another window, and made again (the same sums) on return. */
static void on_all_time_piece(void *ctx, enum ht_kind kind, const char *piece, const char *view, size_t bytes)
{
	size_t *b = ctx;
	(void)view;
	if (kind == HT_MODELS && !strcmp(piece, "all-time order and copies"))
		*b += bytes;
}

static size_t all_time_bytes(const struct engine *e)
{
	size_t b = 0;
	engine_memory(e, on_all_time_piece, &b);
	return b;
}

static void test_trending_copy(void **state)
{
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	size_t before, with_copy;
	struct eng_result *r;
	struct eng_row *rows = NULL;
	struct filter f;
	(void)state;
	assert_non_null(e);
	while (engine_prepare_step(e) == 1)
		;
	filter_init(&f);
	f.window = WIN_ALL;
	f.min_downloads = 3; /* not a filter on cells alone */
	for (int turn = 0; turn < 2; turn++) {
		before = all_time_bytes(e);
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		assert_true(engine_rank_with_trending(e, r, PANE_COUNTRIES, SORT_TRENDING, 1, 0, &rows) > 0);
		free(rows);
		with_copy = all_time_bytes(e);
		assert_true(with_copy >= before + 3000 * sizeof(uint32_t));
		bf_check_rank(e, s, a, r, PANE_COUNTRIES);
		bf_check_rank(e, s, a, r, PANE_ORGS);
		engine_result_free(r);
		/* Idle in the same window: kept. */
		while (engine_prepare_step(e) == 1)
			;
		assert_int_equal(all_time_bytes(e), with_copy);
		/* An answer in the 30-day window, then idle: dropped. */
		f.window = WIN_30D;
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		engine_result_free(r);
		while (engine_prepare_step(e) == 1)
			;
		assert_true(all_time_bytes(e) + 3000 * sizeof(uint32_t) <= with_copy);
		f.window = WIN_ALL;
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* The search indexes, orders by name and accounts' ranks by name, made on
 * a worker from the first idle step: an answer that needs one before it is done waits for it and
 * is the same as without the worker; once taken in, they are the engine's
 * pieces; an engine freed while the worker runs frees them (ASan). */
struct bg_seen {
	size_t search[HT_KIND_COUNT], names[HT_KIND_COUNT], ranks;
};

static void on_bg_piece(void *ctx, enum ht_kind kind, const char *piece, const char *view, size_t bytes)
{
	struct bg_seen *b = ctx;
	(void)view;
	if (!strcmp(piece, "search index"))
		b->search[kind] += bytes;
	if (!strcmp(piece, "items by name"))
		b->names[kind] += bytes;
	if (!strcmp(piece, "accounts' ranks by name"))
		b->ranks += bytes;
}

static void test_background(void **state)
{
	struct ht_snapshot *s = fx_snapshot(30000, 6000, 400, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL), *plain = engine_new(s, a, NULL), *gone = engine_new(s, a, NULL);
	static const char *const needles[] = { "a", "ab", "e-1", "zz", "/" };
	uint32_t *top = malloc(30000 * sizeof *top), *want = malloc(30000 * sizeof *want);
	struct bg_seen seen = { { 0 }, { 0 }, 0 };
	struct filter f;
	int rc;
	(void)state;
	assert_non_null(e);
	assert_non_null(plain);
	assert_non_null(gone);
	assert_non_null(top);
	assert_non_null(want);
	/* Freed with its worker running (or just done). */
	assert_true(engine_prepare_step(gone) >= 0);
	engine_free(gone);
	/* The worker starts; answers come at once, as the plain engine's. */
	assert_true(engine_prepare_step(e) >= 0);
	filter_init(&f);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
			struct eng_result *r, *rp;
			size_t n, np;
			snprintf(f.search, sizeof f.search, "%s", needles[i]);
			r = engine_apply(e, &f, (enum ht_kind)k);
			rp = engine_apply(plain, &f, (enum ht_kind)k);
			assert_non_null(r);
			assert_non_null(rp);
			bf_check_result(e, s, a, &f, (enum ht_kind)k, r);
			assert_int_equal(r->n, rp->n);
			n = engine_sort_top(e, r, SORT_NAME, i % 2, r->n, top);
			np = engine_sort_top(plain, rp, SORT_NAME, i % 2, rp->n, want);
			assert_int_equal(n, np);
			assert_memory_equal(top, want, n * sizeof *top);
			/* The first screen of Orgs by a name: the accounts' ranks. */
			for (int so = 0; so < 2; so++) {
				enum eng_sort sort = so ? SORT_DISPLAY : SORT_NAME;
				struct eng_row *rows = NULL, *prows = NULL;
				n = engine_rank_top(e, r, PANE_ORGS, sort, i % 2, 20, &rows);
				np = engine_rank_top(plain, rp, PANE_ORGS, sort, i % 2, 20, &prows);
				assert_int_equal(n, np);
				for (size_t j = 0; j < n; j++)
					assert_int_equal(rows[j].key, prows[j].key);
				free(rows);
				free(prows);
			}
			engine_result_free(r);
			engine_result_free(rp);
		}
	}
	while ((rc = engine_prepare_step(e)) == 1)
		;
	assert_int_equal(rc, 0);
	engine_memory(e, on_bg_piece, &seen);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		assert_true(seen.search[k] > 0);
		assert_true(seen.names[k] > 0);
	}
	assert_true(seen.ranks >= 2 * a->n_accounts * sizeof(uint32_t));
	free(top);
	free(want);
	engine_free(e);
	engine_free(plain);
	fx_attrib_free(a);
	table_free(s);
}

/* The models' organisation-view pieces of one attribution mode. */
static void on_view_piece(void *ctx, enum ht_kind kind, const char *piece, const char *view, size_t bytes)
{
	size_t *n = ctx;
	(void)piece;
	(void)bytes;
	if (kind == HT_MODELS && view && !strcmp(view, "org/lineage"))
		n[1]++;
	if (kind == HT_MODELS && view && !strcmp(view, "org/uploader"))
		n[0]++;
}

/* engine_focus: one attribution mode's organisation view at a time; the
 * other's, dropped, is made again on its first use and answers the same
 * (its cells numbered as the rank records copied them). */
static void test_focus(void **state)
{
	struct ht_snapshot *s = fx_snapshot(3000, 700, 120, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	int rc;
	(void)state;
	assert_non_null(e);
	assert_true(a->item_acct[HT_MODELS][0] != a->item_acct[HT_MODELS][1]);
	assert_int_equal(engine_mode_ready(e, ATTRIB_UPLOADER), 1);
	for (int turn = 0; turn < 6; turn++) {
		enum attrib_mode by = turn % 2 ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
		size_t views[2] = { 0, 0 };
		struct filter f;
		engine_focus(e, by);
		assert_int_equal(engine_mode_ready(e, by), 1);
		if (turn % 3 != 2)
			while ((rc = engine_prepare_step(e)) == 1)
				;
		engine_memory(e, on_view_piece, views);
		/* Prepared ahead: the mode shown only. */
		assert_int_equal(views[!by], 0);
		if (turn % 3 != 2)
			assert_true(views[by] > 0);
		filter_init(&f);
		for (unsigned i = 0; i < 150; i++) {
			enum ht_kind k = i % 4 == 0 ? HT_DATASETS : HT_MODELS;
			struct eng_result *r;
			fx_filter(&f, s, a);
			f.by = by;
			if (i % 2)
				f.level = LEVEL_ORG;
			r = engine_apply(e, &f, k);
			assert_non_null(r);
			bf_check_result(e, s, a, &f, k, r);
			if (i % 10 == 0)
				for (size_t p = 0; p < sizeof agg_panes / sizeof agg_panes[0]; p++)
					bf_check_rank(e, s, a, r, agg_panes[p]);
			engine_result_free(r);
		}
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* Two engines' answers to one filter are the same: the result's figures
 * and every aggregate ranking, rows and trending included. */
static void same_answers(struct engine *e, struct engine *ref, const struct filter *f, enum ht_kind k)
{
	struct eng_result *r = engine_apply(e, f, k), *q = engine_apply(ref, f, k);
	assert_non_null(r);
	assert_non_null(q);
	assert_int_equal(r->n, q->n);
	assert_int_equal(r->count, q->count);
	assert_int_equal(r->downloads, q->downloads);
	assert_int_equal(r->counted, q->counted);
	assert_int_equal(r->under_count, q->under_count);
	for (int i = 0; i < ENG_TOP_N; i++)
		assert_int_equal(r->top_downloads[i], q->top_downloads[i]);
	for (uint32_t i = 0; i < r->n && i < 50; i++)
		assert_int_equal(engine_row_at(e, r, i), engine_row_at(ref, q, i));
	for (size_t p = 0; p < sizeof agg_panes / sizeof agg_panes[0]; p++) {
		struct eng_row *x = NULL, *y = NULL;
		int sort = p % 2 ? SORT_TRENDING : SORT_DOWNLOADS;
		size_t nx = engine_rank_with_trending(e, r, agg_panes[p], sort, 1, 0, &x);
		size_t ny = engine_rank_with_trending(ref, q, agg_panes[p], sort, 1, 0, &y);
		assert_int_equal(nx, ny);
		assert_int_equal(engine_rank_count(e, r, agg_panes[p]), nx);
		for (size_t i = 0; i < nx; i++) {
			assert_int_equal(x[i].key, y[i].key);
			assert_int_equal(x[i].count, y[i].count);
			assert_int_equal(x[i].downloads, y[i].downloads);
			assert_int_equal(x[i].likes, y[i].likes);
			assert_int_equal(x[i].trending, y[i].trending);
			assert_int_equal(x[i].created, y[i].created);
			assert_int_equal(x[i].accounts, y[i].accounts);
		}
		free(x);
		free(y);
	}
	engine_result_free(r);
	engine_result_free(q);
}

/* engine_focus_begin: the other mode's view made on a worker while the
 * engine answers in the mode shown, as an engine on one thread does; once
 * swapped, the new mode answers as a fresh engine does; a cancelled build
 * leaves nothing; engine_free joins a build.  (Run once by hand under
 * -fsanitize=thread as well.) */
static void test_focus_thread(void **state)
{
	struct ht_snapshot *s = fx_snapshot(40000, 3000, 900, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL), *ref = engine_new(s, a, NULL);
	int rc;
	(void)state;
	assert_non_null(e);
	assert_non_null(ref);
	while ((rc = engine_prepare_step(e)) == 1)
		;
	assert_int_equal(rc, 0);
	for (int turn = 0; turn < 4; turn++) {
		enum attrib_mode shown = turn % 2 ? ATTRIB_LINEAGE : ATTRIB_UPLOADER, next = !shown;
		struct engine *fresh;
		size_t views[2] = { 0, 0 };
		struct filter f;
		unsigned during = 0, overlapped = 0;
		assert_int_equal(engine_mode_ready(e, next), 0);
		assert_int_equal(engine_focus_begin(e, next), 0);
		assert_int_equal(engine_focus_building(e), 1);
		/* (nothing of the mode shown is made meanwhile) */
		assert_int_equal(engine_prepare_step(e), 1);
		engine_focus(e, shown);
		engine_focus(ref, shown);
		filter_init(&f);
		/* Answers in the mode shown, at both levels, while it builds
		 * (and at least a few, whether or not it is done). */
		do {
			fx_filter(&f, s, a);
			f.by = shown;
			same_answers(e, ref, &f, during % 4 == 0 ? HT_DATASETS : HT_MODELS);
			during++;
			overlapped += engine_focus_building(e);
		} while (!engine_focus_poll(e) || during < 4);
		print_message("answers while the %s view was built: %u\n", next == ATTRIB_LINEAGE ? "lineage" : "uploader",
			      overlapped);
		assert_int_equal(engine_focus_building(e), 0);
		assert_int_equal(engine_mode_ready(e, next), 1);
		/* The swap: the old mode's view goes. */
		engine_focus(e, next);
		engine_memory(e, on_view_piece, views);
		assert_int_equal(views[shown], 0);
		assert_true(views[next] > 0);
		fresh = engine_new(s, a, NULL);
		assert_non_null(fresh);
		engine_focus(fresh, next);
		for (unsigned i = 0; i < 40; i++) {
			fx_filter(&f, s, a);
			f.by = next;
			same_answers(e, fresh, &f, i % 4 == 0 ? HT_DATASETS : HT_MODELS);
			if (i % 8 == 0) {
				struct eng_result *r = engine_apply(e, &f, HT_MODELS);
				bf_check_result(e, s, a, &f, HT_MODELS, r);
				for (size_t p = 0; p < sizeof agg_panes / sizeof agg_panes[0]; p++)
					bf_check_rank(e, s, a, r, agg_panes[p]);
				engine_result_free(r);
			}
		}
		engine_free(fresh);
		while ((rc = engine_prepare_step(e)) == 1)
			;
		assert_int_equal(rc, 0);
	}
	/* Cancelled: nothing of it stays; begun again: made. */
	{
		enum attrib_mode next = ATTRIB_LINEAGE;
		size_t views[2] = { 0, 0 };
		assert_int_equal(engine_focus_begin(e, next), 0);
		engine_focus_cancel(e);
		assert_int_equal(engine_focus_building(e), 0);
		engine_focus_wait(e);
		assert_int_equal(engine_mode_ready(e, next), 0);
		engine_memory(e, on_view_piece, views);
		assert_int_equal(views[next], 0);
		assert_int_equal(engine_focus_begin(e, next), 0);
		engine_focus_cancel(e);
		assert_int_equal(engine_focus_begin(e, next), 0); /* the cancel withdrawn */
		assert_int_equal(engine_focus_building(e), 1);
		while (!engine_focus_poll(e))
			;
		if (!engine_mode_ready(e, next)) /* it had stopped before the withdrawal */
			assert_int_equal(engine_focus_begin(e, next), 0);
		engine_focus_wait(e);
		assert_int_equal(engine_mode_ready(e, next), 1);
		/* Made, not swapped in: both views, as when made on first
		 * use, until the next change of mode drops the one left. */
		assert_int_equal(engine_focus_begin(e, next), 1);
		engine_focus(e, ATTRIB_UPLOADER);
		engine_memory(e, on_view_piece, views);
		assert_true(views[0] > 0 && views[1] > 0);
		engine_focus(e, next);
		engine_focus(e, ATTRIB_UPLOADER);
		views[0] = views[1] = 0;
		engine_memory(e, on_view_piece, views);
		assert_int_equal(views[next], 0);
		/* engine_free joins a build still running. */
		assert_int_equal(engine_focus_begin(e, next), 0);
	}
	engine_free(e);
	engine_free(ref);
	fx_attrib_free(a);
	table_free(s);
}

/* Datasets, whose two attribution modes read one account per item (as
 * attribution makes them): the lineage reads the uploader's views (account
 * and organisation), every piece of them, and answers as the brute force
 * does. */
static void test_datasets_one_view(void **state)
{
	struct ht_snapshot *s = fx_snapshot(2000, 900, 80, 1);
	struct attrib *a = fx_attrib(s);
	uint32_t *own = a->item_acct[HT_DATASETS][ATTRIB_LINEAGE];
	struct engine *e;
	struct mem_seen seen = { 0 };
	struct filter f;
	int rc;
	(void)state;
	a->item_acct[HT_DATASETS][ATTRIB_LINEAGE] = a->item_acct[HT_DATASETS][ATTRIB_UPLOADER];
	e = engine_new(s, a, NULL);
	assert_non_null(e);
	while ((rc = engine_prepare_step(e)) == 1)
		;
	assert_int_equal(rc, 0);
	engine_focus(e, ATTRIB_LINEAGE);
	while ((rc = engine_prepare_step(e)) == 1)
		;
	filter_init(&f);
	for (unsigned i = 0; i < 200; i++) {
		struct eng_result *r;
		fx_filter(&f, s, a);
		f.by = ATTRIB_LINEAGE;
		r = engine_apply(e, &f, HT_DATASETS);
		assert_non_null(r);
		bf_check_result(e, s, a, &f, HT_DATASETS, r);
		if (i % 10 == 0)
			for (size_t p = 0; p < sizeof agg_panes / sizeof agg_panes[0]; p++)
				bf_check_rank(e, s, a, r, agg_panes[p]);
		engine_result_free(r);
	}
	engine_memory(e, on_mem_piece, &seen);
	assert_int_equal(seen.ds_lineage, 0);
	assert_true(seen.ds_groups > 0);
	engine_free(e);
	a->item_acct[HT_DATASETS][ATTRIB_LINEAGE] = own;
	fx_attrib_free(a);
	table_free(s);
}


/* Pages of [p, p + len) present in this process (the present bit of
 * /proc/self/pagemap); -1 when it cannot be read. */
static long present_pages(const void *p, size_t len)
{
	const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	long n = 0;
	if (fd < 0)
		return -1;
	for (uintptr_t a = (uintptr_t)p & ~(pg - 1); a < (uintptr_t)p + len; a += pg) {
		uint64_t v;
		if (pread(fd, &v, sizeof v, (off_t)(a / pg * sizeof v)) != (ssize_t)sizeof v) {
			close(fd);
			return -1;
		}
		n += (long)(v >> 63 & 1);
	}
	close(fd);
	return n;
}

/* A snapshot mapped from its file: once every piece is made, the columns
 * the engine has copied leave the resident memory (eng_release_unused),
 * those it reads stay, and every answer is still the brute force's (what
 * is read again comes back from the file). */
static void test_mapped_release(void **state)
{
	const char *dir = testutil_tmpdir("test_engine_mapped");
	struct ht_snapshot *b = fx_snapshot(300000, 20000, 3000, 1), *s;
	struct store_err err;
	struct attrib *a;
	struct engine *e;
	char path[1200];
	long before, after;
	int rc;
	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/s.hts", dir);
	assert_int_equal(store_write(b, path, &err), 0);
	table_free(b);
	s = store_load(path, &err);
	assert_non_null(s);
	assert_true(s->blob_mapped);
	a = fx_attrib(s);
	e = engine_new(s, a, NULL);
	assert_non_null(e);
	before = present_pages(s->t[HT_MODELS].modified, (size_t)s->t[HT_MODELS].n * 8);
	while ((rc = engine_prepare_step(e)) == 1)
		;
	assert_int_equal(rc, 0);
	after = present_pages(s->t[HT_MODELS].modified, (size_t)s->t[HT_MODELS].n * 8);
	if (before >= 0) {
		/* 2.4 MB: at least one whole 2 MB block of it goes. */
		assert_true(after >= 0 && after + 256 <= before);
		/* The 30-day downloads, read by every answer, stay whole. */
		const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
		uintptr_t lo = (uintptr_t)s->t[HT_MODELS].downloads, hi = lo + (size_t)s->t[HT_MODELS].n * 8;
		assert_int_equal(present_pages(s->t[HT_MODELS].downloads, hi - lo),
				 (long)((hi - 1) / pg - lo / pg + 1));
	}
	run_filters(e, s, a, 120, 20);
	{
		/* A sort by modification reads the column again. */
		struct filter f;
		struct eng_result *r;
		uint32_t top[20];
		filter_init(&f);
		r = engine_apply(e, &f, HT_MODELS);
		assert_non_null(r);
		assert_int_equal(engine_sort_top(e, r, SORT_MODIFIED, 1, 20, top), 20);
		for (int i = 1; i < 20; i++)
			assert_true(s->t[HT_MODELS].modified[top[i - 1]] >= s->t[HT_MODELS].modified[top[i]]);
		engine_result_free(r);
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_text_sorts),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_unknown_values),
		cmocka_unit_test(test_random_tables),
		cmocka_unit_test(test_wide_counts),
		cmocka_unit_test(test_author_first),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_focus),
		cmocka_unit_test(test_trending_copy),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_focus_thread),
		cmocka_unit_test(test_datasets_one_view),
		cmocka_unit_test(test_mapped_release),
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_hubdata),
		/* Last: the fixture's random stream before the others stays as it was. */
		cmocka_unit_test(test_aggregate_column_sorts),
		cmocka_unit_test(test_rank_count),
		cmocka_unit_test(test_rows_downloads),
		cmocka_unit_test(test_conc_half),
		cmocka_unit_test(test_modified_sort),
		cmocka_unit_test(test_search_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

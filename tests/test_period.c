/* test_period.c - the period window (engine_set_period) and the movers:
 * hand-checked figures on two small snapshots with new, deleted, renamed
 * and unknown items; the refusals (partial snapshots, another endpoint,
 * a start after the end); and every answer of random period filters
 * against the brute force of engine_fixture.h, with the period's
 * downloads computed here apart, by id. */
#include <ctype.h>
#include <pthread.h>
#include "testutil.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"
#include "hubtop/config.h"
#include "engine_fixture.h"

#define DAY 86400
#define T_START 1735689600 /* 2025-01-01 */
#define T_END 1751328000   /* 2025-07-01 */

struct pitem {
	const char *id;
	uint64_t d30, dall;
	int64_t created;
	uint8_t flags;
};

static struct ht_snapshot *build(const struct pitem *it, size_t n, int64_t as_of, const char *endpoint,
				 int complete)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		struct ht_item x;
		memset(&x, 0, sizeof x);
		x.id = it[i].id;
		x.downloads = it[i].d30;
		x.downloads_all = it[i].dall;
		x.created = it[i].created;
		x.flags = it[i].flags;
		assert_int_equal(table_builder_add(b, HT_MODELS, &x), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.format_version = 1;
	meta.complete = complete;
	meta.top_n = complete ? 0 : 1000;
	meta.as_of = as_of;
	meta.fetched_at = as_of;
	snprintf(meta.endpoint, sizeof meta.endpoint, "%s", endpoint);
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	return s;
}

static const struct pitem start_items[] = {
	{ "a/keep1", 100, 1000, T_START - 400 * DAY, 0 },
	{ "a/keep2", 50, 200, T_START - 300 * DAY, 0 },
	{ "b/down", 80, 900, T_START - 200 * DAY, 0 },
	{ "b/unk", 90, 0, T_START - 100 * DAY, HT_F_DLA_UNKNOWN },
	{ "b/endunk", 5, 100, T_START - 100 * DAY, 0 },
	{ "c/gone", 40, 700, T_START - 50 * DAY, 0 },
	{ "c/old-name", 30, 300, T_START - 500 * DAY, 0 },
};

static const struct pitem end_items[] = {
	{ "a/keep1", 300, 1500, T_START - 400 * DAY, 0 },
	{ "a/keep2", 10, 200, T_START - 300 * DAY, 0 },
	{ "b/down", 80, 800, T_START - 200 * DAY, 0 },        /* fewer all-time: reported */
	{ "b/unk", 20, 400, T_START - 100 * DAY, 0 },          /* unknown at the start */
	{ "b/endunk", 5, 0, T_START - 100 * DAY, HT_F_DLA_UNKNOWN },
	{ "c/new", 150, 250, T_START + 59 * DAY, 0 },          /* created within: from zero */
	{ "c/new-name", 60, 350, T_START - 500 * DAY, 0 },     /* renamed: unknown */
};

static uint32_t row_of(const struct ht_snapshot *s, const char *id)
{
	uint32_t r = table_find_id(s, HT_MODELS, id);
	assert_int_not_equal(r, UINT32_MAX);
	return r;
}

static void test_known_period(void **state)
{
	struct ht_snapshot *st = build(start_items, 7, T_START, "https://huggingface.co", 1);
	struct ht_snapshot *en = build(end_items, 7, T_END, "https://huggingface.co", 1);
	struct attrib *a = fx_attrib(en);
	struct engine *e = engine_new(en, a, NULL);
	const struct eng_period *p;
	struct eng_result *r;
	struct eng_mover *mv;
	struct filter f;
	char err[512];
	size_t n;
	(void)state;
	assert_non_null(e);
	/* Before any period: a period filter is unknown, with its reason. */
	filter_init(&f);
	f.window = WIN_PERIOD;
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->counted, 0);
	assert_string_equal(r->na_reason, "no period set: its start snapshot is missing");
	assert_true(isnan(r->gini));
	engine_result_free(r);
	assert_true(engine_movers(e, r = engine_apply(e, &f, HT_MODELS), PANE_MODELS, &mv) == (size_t)-1);
	engine_result_free(r);

	assert_int_equal(engine_set_period(e, st, err, sizeof err), 0);
	assert_ptr_equal(engine_period_start(e), st);
	p = engine_period(e);
	assert_int_equal(p->set, 1);
	assert_true(p->start_as_of == T_START && p->end_as_of == T_END);
	assert_int_equal(p->items[HT_MODELS], 7);
	assert_int_equal(p->counted[HT_MODELS], 3);
	assert_int_equal(p->fresh[HT_MODELS], 1);
	assert_int_equal(p->unmatched[HT_MODELS], 1);
	assert_int_equal(p->unknown[HT_MODELS], 2);
	assert_int_equal(p->negative[HT_MODELS], 1);
	assert_int_equal(p->negative_sum[HT_MODELS], 100);
	assert_int_equal(p->gone[HT_MODELS], 2);
	assert_int_equal(p->gone_downloads[HT_MODELS], 1000);

	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 7);
	assert_int_equal(r->counted, 3);
	assert_true(r->downloads == 750);
	assert_null(r->na_reason);
	assert_int_equal(engine_row_at(e, r, 0), row_of(en, "a/keep1"));
	assert_int_equal(engine_row_at(e, r, 1), row_of(en, "c/new"));
	assert_int_equal(engine_row_at(e, r, 2), row_of(en, "a/keep2"));
	assert_true(engine_item_downloads(e, r, row_of(en, "a/keep1")) == 500);
	assert_true(engine_item_downloads(e, r, row_of(en, "c/new")) == 250);
	assert_true(engine_item_counted(e, r, row_of(en, "a/keep2")));
	assert_true(engine_item_downloads(e, r, row_of(en, "a/keep2")) == 0);
	assert_false(engine_item_counted(e, r, row_of(en, "b/down")));
	assert_false(engine_item_counted(e, r, row_of(en, "b/unk")));
	assert_false(engine_item_counted(e, r, row_of(en, "b/endunk")));
	assert_false(engine_item_counted(e, r, row_of(en, "c/new-name")));
	FX_NEAR(r->top_share[0], 750.0 / 750.0);
	assert_true(r->under_count == 1); /* a/keep2: 0 over the period */
	/* ascending 0, 250, 500: G = 2 (1*0 + 2*250 + 3*500) / (3 * 750) - 4/3 = 4/9 */
	FX_NEAR(r->gini, 4.0 / 9.0);
	engine_result_free(r);
	/* The minimum applies to the period's downloads. */
	assert_int_equal(filter_set(&f, "min-downloads", "300", err, sizeof err), 0);
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->n, 1);
	assert_true(r->downloads == 500);
	engine_result_free(r);
	f.min_downloads = 0;

	/* Movers per item: 30-day downloads at each end. */
	r = engine_apply(e, &f, HT_MODELS);
	n = engine_movers(e, r, PANE_MODELS, &mv);
	assert_int_equal(n, 7);
	{
		static const char *const order[] = { "a/keep1", "c/new", "c/new-name", "b/down", "b/endunk",
						     "a/keep2", "b/unk" };
		static const int64_t growth[] = { 200, 150, 60, 0, 0, -40, -70 };
		static const uint32_t rank_end[] = { 1, 2, 4, 3, 7, 6, 5 };
		static const uint32_t rank_start[] = { 1, 0, 0, 3, 5, 4, 2 };
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(mv[i].label, order[i]);
			assert_true(mv[i].growth == growth[i]);
			assert_int_equal(mv[i].rank_end, rank_end[i]);
			assert_int_equal(mv[i].rank_start, rank_start[i]);
			assert_true(mv[i].rank_change == (rank_start[i] ? (int64_t)rank_start[i] - rank_end[i] : 0));
			assert_int_equal(mv[i].entrant, i == 1 || i == 2);
		}
		assert_true(mv[0].period == 500 && mv[0].period_counted == 1);
		assert_true(mv[3].period_counted == 0);
	}
	free(mv);
	/* Per account: sums of their items. */
	f.level = LEVEL_ACCOUNT;
	engine_result_free(r);
	r = engine_apply(e, &f, HT_MODELS);
	n = engine_movers(e, r, PANE_ORGS, &mv);
	assert_int_equal(n, 3);
	assert_string_equal(mv[0].label, "c");
	assert_true(mv[0].entrant && mv[0].growth == 210 && mv[0].rank_end == 2 && mv[0].rank_start == 0);
	assert_true(mv[0].count == 2 && mv[0].count_start == 0 && mv[0].period == 250);
	assert_string_equal(mv[1].label, "a");
	assert_true(mv[1].growth == 160 && mv[1].rank_start == 2 && mv[1].rank_end == 1 && mv[1].rank_change == 1);
	assert_true(mv[1].period == 500 && mv[1].period_counted == 2);
	assert_string_equal(mv[2].label, "b");
	assert_true(mv[2].growth == -70 && mv[2].rank_start == 1 && mv[2].rank_end == 3 && mv[2].rank_change == -2);
	assert_true(mv[2].dl_start == 175 && mv[2].dl_end == 105 && mv[2].count_start == 3);
	free(mv);
	/* Per country: the same totals, however the accounts fall. */
	n = engine_movers(e, r, PANE_COUNTRIES, &mv);
	{
		uint64_t s0 = 0, s1 = 0, c = 0;
		for (size_t i = 0; i < n; i++) {
			s0 += mv[i].dl_start;
			s1 += mv[i].dl_end;
			c += mv[i].count;
		}
		assert_true(s0 == 100 + 50 + 80 + 90 + 5 && s1 == 625 && c == 7);
	}
	free(mv);
	assert_true(engine_movers(e, r, PANE_GROUPS, &mv) == (size_t)-1);
	engine_result_free(r);

	/* Clearing the period. */
	assert_int_equal(engine_set_period(e, NULL, err, sizeof err), 0);
	assert_int_equal(engine_period(e)->set, 0);
	engine_free(e);
	fx_attrib_free(a);
	table_free(en);
	table_free(st);
}

static void test_refusals(void **state)
{
	struct ht_snapshot *en = build(end_items, 7, T_END, "https://huggingface.co", 1);
	struct ht_snapshot *partial = build(start_items, 7, T_START, "https://huggingface.co", 0);
	struct ht_snapshot *mirror = build(start_items, 7, T_START, "https://hf-mirror.com", 1);
	struct ht_snapshot *later = build(start_items, 7, T_END + DAY, "https://huggingface.co", 1);
	struct ht_snapshot *good = build(start_items, 7, T_START, "https://huggingface.co", 1);
	struct attrib *a = fx_attrib(en);
	struct engine *e = engine_new(en, a, NULL);
	struct eng_result *r;
	struct filter f;
	char err[512];
	(void)state;
	assert_int_equal(engine_set_period(e, good, err, sizeof err), 0);
	err[0] = '\0';
	assert_int_equal(engine_set_period(e, partial, err, sizeof err), -1);
	assert_non_null(strstr(err, "the snapshot of 2025-01-01 holds only the top 1000 items"));
	assert_non_null(strstr(err, "two complete snapshots"));
	/* A refusal clears the period before: nothing half made. */
	assert_int_equal(engine_period(e)->set, 0);
	filter_init(&f);
	f.window = WIN_PERIOD;
	r = engine_apply(e, &f, HT_MODELS);
	assert_int_equal(r->counted, 0);
	engine_result_free(r);
	assert_int_equal(engine_set_period(e, mirror, err, sizeof err), -1);
	assert_non_null(strstr(err, "different sources (https://hf-mirror.com and https://huggingface.co)"));
	assert_int_equal(engine_set_period(e, later, err, sizeof err), -1);
	assert_non_null(strstr(err, "the period's start (the snapshot of 2025-07-02) is not before its end"));
	/* Demo data against real data. */
	good->meta.demo = 1;
	assert_int_equal(engine_set_period(e, good, err, sizeof err), -1);
	assert_non_null(strstr(err, "demo https://huggingface.co"));
	good->meta.demo = 0;
	/* Two imports of different files are one source. */
	snprintf(good->meta.endpoint, sizeof good->meta.endpoint, "import:jan.jsonl");
	snprintf(en->meta.endpoint, sizeof en->meta.endpoint, "import:jul.jsonl");
	assert_int_equal(engine_set_period(e, good, err, sizeof err), 0);
	engine_free(e);
	fx_attrib_free(a);
	table_free(en);
	table_free(partial);
	table_free(mirror);
	table_free(later);
	table_free(good);
}

/* A start for end: most items with fewer all-time downloads, some
 * unknown, some with more (reported as negative), some missing (new or
 * renamed), and items the end lacks (gone). */
static struct ht_snapshot *derive_start(const struct ht_snapshot *end, int64_t as_of)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta = end->meta;
	struct ht_snapshot *s;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &end->t[k];
		for (uint32_t i = 0; i < t->n; i++) {
			struct ht_item x;
			unsigned dice = fx_below(20);
			if (dice == 0)
				continue; /* new, or renamed */
			memset(&x, 0, sizeof x);
			x.id = ht_id(end, (enum ht_kind)k, i);
			x.downloads = fx_below(100000);
			x.downloads_all = t->downloads_all[i];
			if (dice == 1)
				x.downloads_all += 1 + fx_below(1000); /* more than at the end */
			else if (dice > 3)
				x.downloads_all -= fx_below(2) ? x.downloads_all : fx_below((uint32_t)(x.downloads_all % 1000000 + 1));
			x.created = t->created[i];
			x.flags = (uint8_t)(t->flags[i] & HT_F_GATED);
			if (dice == 2)
				x.flags |= HT_F_DLA_UNKNOWN;
			if (dice == 3)
				x.flags |= HT_F_DL_UNKNOWN;
			assert_true(table_builder_add(b, (enum ht_kind)k, &x) >= 0);
		}
		for (unsigned g = 0; g < 5 + fx_below(20); g++) {
			struct ht_item x;
			char id[64];
			memset(&x, 0, sizeof x);
			snprintf(id, sizeof id, "gone%u/deleted-%u", fx_below(9), g);
			x.id = id;
			x.downloads_all = fx_below(1000);
			assert_true(table_builder_add(b, (enum ht_kind)k, &x) >= 0);
		}
	}
	meta.as_of = as_of;
	meta.no_alltime = 0;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	return s;
}

/* The period's downloads by brute force: a linear search by id. */
static void bf_period(const struct ht_snapshot *end, const struct ht_snapshot *start, uint64_t *pdl[2],
		      uint8_t *pk[2], uint64_t *gone)
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &end->t[k], *st = &start->t[k];
		uint8_t *hit = calloc(st->n + 1, 1);
		pdl[k] = calloc(t->n + 1, sizeof *pdl[k]);
		pk[k] = calloc(t->n + 1, 1);
		for (uint32_t i = 0; i < t->n; i++) {
			uint32_t j = 0;
			int end_known = !((end->meta.no_alltime >> k) & 1) && !(t->flags[i] & HT_F_DLA_UNKNOWN);
			while (j < st->n && strcmp(ht_id(start, (enum ht_kind)k, j), ht_id(end, (enum ht_kind)k, i)))
				j++;
			if (j == st->n) {
				int fresh = t->created[i] > 0 && t->created[i] >= start->meta.as_of;
				pk[k][i] = (uint8_t)(fresh && end_known);
				pdl[k][i] = pk[k][i] ? t->downloads_all[i] : 0;
				continue;
			}
			hit[j] = 1;
			pk[k][i] = (uint8_t)(end_known && !(st->flags[j] & HT_F_DLA_UNKNOWN) &&
					     t->downloads_all[i] >= st->downloads_all[j]);
			pdl[k][i] = pk[k][i] ? t->downloads_all[i] - st->downloads_all[j] : 0;
		}
		gone[k] = 0;
		for (uint32_t j = 0; j < st->n; j++)
			gone[k] += !hit[j];
		free(hit);
	}
}

static const enum eng_pane agg_panes[] = { PANE_ORGS, PANE_COUNTRIES, PANE_GROUPS, PANE_ORGTYPES,
					   PANE_TASKS, PANE_LIBRARIES, PANE_YEARS };

static void test_random_periods(void **state)
{
	static const unsigned sizes[][3] = { { 2000, 400, 100 }, { 300, 60, 300 }, { 64, 63, 5 }, { 1, 1, 1 } };
	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct ht_snapshot *en = fx_snapshot(sizes[i][0], sizes[i][1], sizes[i][2], 1);
		struct ht_snapshot *st[2];
		struct attrib *a;
		struct engine *e;
		char err[512];
		en->meta.as_of = 1800000000;
		en->meta.demo = 0;
		a = fx_attrib(en);
		e = engine_new(en, a, NULL);
		assert_non_null(e);
		st[0] = derive_start(en, 1700000000);
		st[1] = derive_start(en, 1600000000);
		/* Made before the period: the account groups and cells, which
		 * the period then fills. */
		{
			struct filter f;
			struct eng_result *r;
			filter_init(&f);
			f.window = WIN_PERIOD;
			r = engine_apply(e, &f, HT_MODELS);
			for (size_t pn = 0; pn < sizeof agg_panes / sizeof agg_panes[0]; pn++) {
				struct eng_row *rows = NULL;
				engine_rank(e, r, agg_panes[pn], SORT_DOWNLOADS, 1, &rows);
				free(rows);
			}
			engine_result_free(r);
		}
		for (int which = 0; which < 2; which++) {
			uint64_t *pdl[2], gone[2];
			uint8_t *pk[2];
			assert_int_equal(engine_set_period(e, st[which], err, sizeof err), 0);
			bf_period(en, st[which], pdl, pk, gone);
			for (int k = 0; k < HT_KIND_COUNT; k++) {
				uint64_t counted = 0;
				bf_pdl[k] = pdl[k];
				bf_pknown[k] = pk[k];
				for (uint32_t row = 0; row < en->t[k].n; row++)
					counted += pk[k][row];
				assert_true(engine_period(e)->counted[k] == counted);
				assert_true(engine_period(e)->gone[k] == gone[k]);
			}
			for (unsigned q = 0; q < 60; q++) {
				struct filter f;
				enum ht_kind k = fx_below(4) == 0 ? HT_DATASETS : HT_MODELS;
				struct eng_result *r;
				fx_filter(&f, en, a);
				f.window = WIN_PERIOD;
				r = engine_apply(e, &f, k);
				assert_non_null(r);
				bf_check_result(e, en, a, &f, k, r);
				if (q % 6 == 0)
					for (size_t pn = 0; pn < sizeof agg_panes / sizeof agg_panes[0]; pn++)
						bf_check_rank(e, en, a, r, agg_panes[pn]);
				if (q % 10 == 0)
					bf_check_rollup(e, a, &f, k);
				{
					/* Movers: every match once, sums kept. */
					struct eng_mover *mv;
					size_t n = engine_movers(e, r, k == HT_MODELS ? PANE_MODELS : PANE_DATASETS, &mv);
					uint64_t per = 0, want = 0;
					assert_int_equal(n, r->n);
					for (size_t j = 0; j < n; j++)
						per += mv[j].period;
					for (uint32_t j = 0; j < r->n; j++)
						want += bf_dl(en, k, WIN_PERIOD, engine_row_at(e, r, j));
					assert_true(per == want && want == r->downloads);
					free(mv);
				}
				engine_result_free(r);
			}
			for (int k = 0; k < HT_KIND_COUNT; k++) {
				free(pdl[k]);
				free(pk[k]);
				bf_pdl[k] = NULL;
				bf_pknown[k] = NULL;
			}
		}
		engine_free(e);
		fx_attrib_free(a);
		table_free(st[0]);
		table_free(st[1]);
		table_free(en);
	}
}

/* engine_period_prepare on a second thread while the engine is built
 * (as the session's start-up with a period does), then given to it: the
 * same figures as engine_set_period, every answer right against the brute
 * force, and the first answer's rows the order's; a prepared period
 * refused for another snapshot, refusals as engine_set_period's, one
 * freed unused. */
struct prep_job {
	const struct ht_snapshot *end, *start;
	struct eng_period_prep *p;
	char err[512];
};

static void *prep_thread(void *arg)
{
	struct prep_job *j = arg;
	j->p = engine_period_prepare(j->end, j->start, NULL, j->err, sizeof j->err);
	return NULL;
}

static void test_prepared_period(void **state)
{
	struct ht_snapshot *en = NULL, *st, *later;
	struct attrib *a;
	struct engine *e, *e2;
	struct eng_period want;
	struct prep_job job;
	pthread_t th;
	char err[512];
	uint64_t *pdl[2], gone[2];
	uint8_t *pk[2];
	(void)state;
	/* One with all-time counts, so that the period has some. */
	for (int tries = 0; tries < 50 && !en; tries++)
		if ((en = fx_snapshot(1500, 300, 80, 1))->meta.no_alltime) {
			table_free(en);
			en = NULL;
		}
	assert_non_null(en);
	en->meta.as_of = 1800000000;
	en->meta.demo = 0;
	st = derive_start(en, 1700000000);
	a = fx_attrib(en);
	memset(&job, 0, sizeof job);
	job.end = en;
	job.start = st;
	assert_int_equal(pthread_create(&th, NULL, prep_thread, &job), 0);
	e = engine_new(en, a, NULL);
	assert_non_null(e);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_non_null(job.p);
	assert_int_equal(engine_set_period_prepared(e, job.p, err, sizeof err), 0);
	assert_ptr_equal(engine_period_start(e), st);
	/* The same as the period set in one go. */
	e2 = engine_new(en, a, NULL);
	assert_int_equal(engine_set_period(e2, st, err, sizeof err), 0);
	want = *engine_period(e2);
	assert_memory_equal(engine_period(e), &want, sizeof want);
	for (int k = 0; k < HT_KIND_COUNT; k++)
		assert_memory_equal(engine_period_match(e, (enum ht_kind)k), engine_period_match(e2, (enum ht_kind)k),
				    (size_t)en->t[k].n * sizeof(uint32_t));
	bf_period(en, st, pdl, pk, gone);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		bf_pdl[k] = pdl[k];
		bf_pknown[k] = pk[k];
	}
	for (unsigned q = 0; q < 40; q++) {
		struct filter f;
		enum ht_kind k = q % 4 == 3 ? HT_DATASETS : HT_MODELS;
		struct eng_result *r, *r2;
		if (q)
			fx_filter(&f, en, a);
		else
			filter_init(&f); /* first: the whole period, as a start-up shows it */
		f.window = WIN_PERIOD;
		r = engine_apply(e, &f, k);
		r2 = engine_apply(e2, &f, k);
		assert_non_null(r);
		if (!q)
			assert_true(r->counted > r->n / 2);
		bf_check_result(e, en, a, &f, k, r);
		assert_int_equal(r->n, r2->n);
		for (uint32_t i = 0; i < r->n && i < 50; i++)
			assert_int_equal(engine_row_at(e, r, i), engine_row_at(e2, r2, i));
		if (q % 8 == 0)
			for (size_t pn = 0; pn < sizeof agg_panes / sizeof agg_panes[0]; pn++)
				bf_check_rank(e, en, a, r, agg_panes[pn]);
		engine_result_free(r);
		engine_result_free(r2);
	}
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		free(pdl[k]);
		free(pk[k]);
		bf_pdl[k] = NULL;
		bf_pknown[k] = NULL;
	}
	/* The match handed over rather than copied: the same period; one
	 * out of range refused, the arrays freed either way. */
	{
		uint32_t *own[HT_KIND_COUNT];
		struct eng_period_prep *tp;
		for (int bad = 0; bad < 2; bad++) {
			for (int k = 0; k < HT_KIND_COUNT; k++) {
				own[k] = malloc(((size_t)en->t[k].n + 1) * sizeof *own[k]);
				assert_non_null(own[k]);
				memcpy(own[k], engine_period_match(e2, (enum ht_kind)k), (size_t)en->t[k].n * sizeof *own[k]);
			}
			if (bad)
				own[HT_MODELS][3] = st->t[HT_MODELS].n;
			tp = engine_period_prepare_taking(en, st, own, err, sizeof err);
			if (bad) {
				assert_null(tp);
				assert_non_null(strstr(err, "does not fit"));
				continue;
			}
			assert_non_null(tp);
			assert_int_equal(engine_set_period_prepared(e, tp, err, sizeof err), 0);
			assert_memory_equal(engine_period(e), &want, sizeof want);
		}
	}
	/* Made for another snapshot (e2's end is en, this one's end is st). */
	later = derive_start(en, 1750000000);
	job.p = engine_period_prepare(later, st, NULL, job.err, sizeof job.err);
	assert_non_null(job.p);
	err[0] = '\0';
	assert_int_equal(engine_set_period_prepared(e2, job.p, err, sizeof err), -1);
	assert_non_null(strstr(err, "another snapshot"));
	assert_int_equal(engine_period(e2)->set, 0);
	/* Refused as engine_set_period refuses, nothing made. */
	err[0] = '\0';
	assert_null(engine_period_prepare(st, en, NULL, err, sizeof err));
	assert_non_null(strstr(err, "is not before its end"));
	/* Freed unused (the sanitizers' run sees a leak). */
	job.p = engine_period_prepare(en, st, NULL, job.err, sizeof job.err);
	assert_non_null(job.p);
	engine_period_prep_free(job.p);
	engine_period_prep_free(NULL);
	/* NULL: no period. */
	assert_int_equal(engine_set_period_prepared(e, NULL, err, sizeof err), 0);
	assert_int_equal(engine_period(e)->set, 0);
	engine_free(e);
	engine_free(e2);
	fx_attrib_free(a);
	table_free(later);
	table_free(st);
	table_free(en);
}

/* --window's period forms: parsed, refused with what is expected, and
 * written back as they were given (the status line, the config file). */
static void test_window_values(void **state)
{
	struct filter f, g;
	char err[512], buf[256];
	(void)state;
	filter_init(&f);
	assert_int_equal(filter_set(&f, "window", "since:2025-01-01", err, sizeof err), 0);
	assert_int_equal(f.window, WIN_PERIOD);
	assert_true(f.period_from == T_START && f.period_to == 0);
	filter_get(&f, "window", buf, sizeof buf);
	assert_string_equal(buf, "since:2025-01-01");
	filter_to_args(&f, buf, sizeof buf);
	assert_string_equal(buf, "--window since:2025-01-01");
	assert_int_equal(filter_set(&f, "window", "2025-01-01..2025-07-01", err, sizeof err), 0);
	assert_true(f.window == WIN_PERIOD && f.period_from == T_START && f.period_to == T_END);
	filter_get(&f, "window", buf, sizeof buf);
	assert_string_equal(buf, "2025-01-01..2025-07-01");
	/* Two periods differ; back to 30d forgets the dates. */
	filter_init(&g);
	assert_int_equal(filter_set(&g, "window", "since:2025-01-01", err, sizeof err), 0);
	assert_false(filter_equal(&f, &g));
	assert_int_equal(filter_set(&g, "window", "2025-01-01..2025-07-01", err, sizeof err), 0);
	assert_true(filter_equal(&f, &g));
	assert_int_equal(filter_set(&g, "window", "30d", err, sizeof err), 0);
	assert_true(g.window == WIN_30D && !g.period_from && !g.period_to);
	assert_int_equal(filter_set(&g, "window", "ALL", err, sizeof err), 0);
	assert_int_equal(g.window, WIN_ALL);
	/* Refusals: what was wrong and what is expected. */
	assert_int_equal(filter_set(&f, "window", "since:2025-02-30", err, sizeof err), -1);
	assert_string_equal(err, "bad value 'since:2025-02-30' for --window: expected since: followed by a "
			    "date YYYY-MM-DD, such as since:2025-01-01");
	assert_int_equal(filter_set(&f, "window", "since:2025-01", err, sizeof err), -1);
	assert_non_null(strstr(err, "since: followed by a date YYYY-MM-DD"));
	assert_int_equal(filter_set(&f, "window", "2025-07-01..2025-01-01", err, sizeof err), -1);
	assert_string_equal(err, "bad value '2025-07-01..2025-01-01' for --window: expected a period whose end "
			    "comes after its start, such as 2025-01-01..2025-07-01");
	assert_int_equal(filter_set(&f, "window", "2025-01-01..", err, sizeof err), -1);
	assert_non_null(strstr(err, "two dates YYYY-MM-DD..YYYY-MM-DD"));
	assert_int_equal(filter_set(&f, "window", "7d", err, sizeof err), -1);
	assert_non_null(strstr(err, "expected 30d (downloads of the last 30 days), all (all-time), "
				    "since:YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"));
	/* A refusal leaves the filter as it was. */
	assert_true(f.window == WIN_PERIOD && f.period_to == T_END);
}

static void keep_msg(void *ctx, const char *msg)
{
	snprintf(ctx, 512, "%s", msg);
}

/* The configuration file takes a period as any other window, and says
 * where a bad one is. */
static void test_config_window(void **state)
{
	struct config c;
	char msg[512] = "";
	(void)state;
	config_init(&c);
	assert_int_equal(config_load_string(&c, "window = since:2025-01-01\n", "cfg", keep_msg, msg), 0);
	assert_true(c.filter.window == WIN_PERIOD && c.filter.period_from == T_START && !c.filter.period_to);
	config_init(&c);
	assert_int_equal(config_load_string(&c, "pane = movers\nwindow = 2025-01-01..2025-07-01\n", "cfg",
					    keep_msg, msg), 0);
	assert_string_equal(c.pane, "movers");
	assert_true(c.filter.period_from == T_START && c.filter.period_to == T_END);
	assert_int_equal(config_load_string(&c, "window = since:yesterday\n", "cfg", keep_msg, msg), 1);
	assert_non_null(strstr(msg, "cfg:1"));
	assert_non_null(strstr(msg, "since: followed by a date YYYY-MM-DD"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_values),
		cmocka_unit_test(test_config_window),
		cmocka_unit_test(test_known_period),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_random_periods),
		cmocka_unit_test(test_prepared_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

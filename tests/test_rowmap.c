/* test_rowmap.c - strmatch (two lists of strings matched by content, on
 * one thread and on two) against a brute force, with equal strings and
 * strings that differ in one byte; the period's row map kept in the cache
 * (rowmap.h): read back as written, refused when stale, damaged,
 * truncated or missing; and a period opened through it
 * (engine_set_period_matched) equal to one that matched the ids. */
#include <ctype.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "hubtop/demo.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"
#include "hubtop/rowmap.h"
#include "hubtop/strmatch.h"
#include "engine_fixture.h"

/* n strings "s<k>" of a pool, k drawn from 0..range, some with a byte
 * changed at the end; offsets into *pool. */
static uint32_t *make_list(uint32_t n, uint32_t range, uint64_t seed, char **pool)
{
	uint32_t *off = malloc(((size_t)n + 1) * sizeof *off);
	char *p = malloc((size_t)n * 24 + 1);
	size_t at = 0;
	assert_non_null(off);
	assert_non_null(p);
	for (uint32_t i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t k = (uint32_t)(seed >> 33) % range;
		off[i] = (uint32_t)at;
		at += (size_t)sprintf(p + at, "org%u/model-%u%s", k % 97, k, (seed >> 20) % 17 ? "" : "x") + 1;
	}
	*pool = p;
	return off;
}

static void check_match(uint32_t na, uint32_t nb, uint32_t range)
{
	char *ap, *bp;
	uint32_t *ao = make_list(na, range, 1, &ap), *bo = make_list(nb, range, 2, &bp);
	uint32_t *at = malloc(((size_t)na + 1) * sizeof *at);
	uint32_t hits = 0;
	assert_non_null(at);
	assert_int_equal(strmatch(ap, ao, na, bp, bo, nb, at), 0);
	/* The brute force, through a sort-free way: the first equal in b. */
	for (uint32_t i = 0; i < na; i++) {
		uint32_t want = STRMATCH_NONE;
		if (i % 97 == 0 || na < 5000) {
			for (uint32_t j = 0; j < nb; j++)
				if (!strcmp(ap + ao[i], bp + bo[j])) {
					want = j;
					break;
				}
			assert_int_equal(at[i], want);
		} else if (at[i] != STRMATCH_NONE) {
			assert_string_equal(ap + ao[i], bp + bo[at[i]]);
			/* The first of equal strings: none before it. */
			for (uint32_t j = 0; j < at[i]; j += 61)
				assert_true(strcmp(bp + bo[j], ap + ao[i]) != 0 || j == at[i]);
		}
		hits += at[i] != STRMATCH_NONE;
	}
	if (na >= 1000)
		assert_true(hits > 0 && hits < na);
	free(ap);
	free(bp);
	free(ao);
	free(bo);
	free(at);
}

static void test_strmatch_small(void **state)
{
	(void)state;
	check_match(3000, 2000, 2500); /* one thread; many equal strings in b */
	check_match(1, 0, 10);
	check_match(0, 5, 10);
}

static void test_strmatch_threads(void **state)
{
	(void)state;
	check_match(90000, 70000, 120000); /* past the threshold: two threads */
}

static void test_strmatch_hash(void **state)
{
	(void)state;
	/* Every byte counts, lengths too. */
	assert_true(strmatch_hash("abcdefgh1", 9) != strmatch_hash("abcdefgh2", 9));
	assert_true(strmatch_hash("abc", 3) != strmatch_hash("abc", 2));
	assert_true(strmatch_hash("a\0b", 3) != strmatch_hash("a\0c", 3));
}

struct pair {
	struct ht_snapshot *end, *start;
	const char *dir;
};

static void pair_make(struct pair *p)
{
	p->end = demo_generate(3000, 500, DEMO_DEFAULT_SEED, NULL);
	assert_non_null(p->end);
	p->start = demo_back(p->end, 6, DEMO_DEFAULT_SEED);
	assert_non_null(p->start);
	p->dir = testutil_tmpdir("test_rowmap");
	assert_non_null(p->dir);
}

static void pair_free(struct pair *p)
{
	table_free(p->end);
	table_free(p->start);
}

static void save_matched(const struct pair *p, uint32_t *m[HT_KIND_COUNT])
{
	const uint32_t *c[HT_KIND_COUNT];
	struct store_err err;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		m[k] = malloc(((size_t)p->end->t[k].n + 1) * sizeof *m[k]);
		assert_non_null(m[k]);
		assert_int_equal(strmatch_rows(p->end, p->start, (enum ht_kind)k, m[k]), 0);
		c[k] = m[k];
	}
	assert_int_equal(rowmap_save(p->dir, p->end, p->start, c, &err), 0);
}

static void test_rowmap_file(void **state)
{
	struct pair p;
	uint32_t *m[HT_KIND_COUNT], *got[HT_KIND_COUNT];
	char path[1024];
	FILE *fp;
	(void)state;
	pair_make(&p);
	/* Missing. */
	assert_int_equal(rowmap_load(p.dir, p.end, p.start, got), -1);
	assert_null(got[0]);
	save_matched(&p, m);
	/* Read back as written. */
	assert_int_equal(rowmap_load(p.dir, p.end, p.start, got), 0);
	for (int k = 0; k < HT_KIND_COUNT; k++)
		assert_memory_equal(got[k], m[k], (size_t)p.end->t[k].n * 4);
	rowmap_free(got);
	/* Stale: another pair (the start and end swapped, another start). */
	assert_int_equal(rowmap_load(p.dir, p.start, p.end, got), -1);
	{
		struct ht_snapshot *other = demo_back(p.end, 3, DEMO_DEFAULT_SEED);
		assert_non_null(other);
		assert_int_equal(rowmap_load(p.dir, p.end, other, got), -1);
		table_free(other);
	}
	/* Damaged: a row that still names a row of the start, but another. */
	assert_int_equal(rowmap_path(p.dir, path, sizeof path), 0);
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	{
		uint32_t v = m[HT_MODELS][17] == 0 ? 1 : 0;
		assert_int_equal(fseek(fp, 64 + 4 * 17, SEEK_SET), 0);
		assert_int_equal(fwrite(&v, 4, 1, fp), 1);
	}
	fclose(fp);
	assert_int_equal(rowmap_load(p.dir, p.end, p.start, got), -1);
	/* Truncated. */
	save_matched(&p, got);
	rowmap_free(got);
	assert_int_equal(truncate(path, 64 + 40), 0);
	assert_int_equal(rowmap_load(p.dir, p.end, p.start, got), -1);
	/* A folder where the file should be. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(rowmap_load(p.dir, p.end, p.start, got), -1);
	{
		struct store_err err;
		const uint32_t *c[HT_KIND_COUNT] = { m[0], m[1] };
		assert_int_equal(rowmap_save(p.dir, p.end, p.start, c, &err), -1);
	}
	assert_int_equal(rmdir(path), 0);
	rowmap_free(m);
	pair_free(&p);
}

/* Every figure of a period, and a period answer's rows. */
static void period_figures(struct engine *e, struct eng_period *out, uint32_t *top, size_t *ntop)
{
	struct filter f;
	struct eng_result *r;
	*out = *engine_period(e);
	filter_init(&f);
	f.window = WIN_PERIOD;
	r = engine_apply(e, &f, HT_MODELS);
	assert_non_null(r);
	*ntop = engine_sort_top(e, r, SORT_DOWNLOADS, 1, 100, top);
	engine_result_free(r);
}

static void test_period_matched(void **state)
{
	struct pair p;
	uint32_t *m[HT_KIND_COUNT], *got[HT_KIND_COUNT], top1[100], top2[100];
	const uint32_t *c[HT_KIND_COUNT];
	struct eng_period a, b;
	size_t n1, n2;
	char err[512];
	(void)state;
	pair_make(&p);
	struct attrib *at = fx_attrib(p.end);
	struct engine *e = engine_new(p.end, at, NULL);
	assert_non_null(e);
	assert_int_equal(engine_set_period(e, p.start, err, sizeof err), 0);
	period_figures(e, &a, top1, &n1);
	assert_true(a.counted[HT_MODELS] > 0 && a.gone[HT_MODELS] > 0 && a.fresh[HT_MODELS] > 0);
	/* What the engine matched is what strmatch_rows gives. */
	save_matched(&p, m);
	for (int k = 0; k < HT_KIND_COUNT; k++)
		assert_memory_equal(engine_period_match(e, (enum ht_kind)k), m[k], (size_t)p.end->t[k].n * 4);
	assert_int_equal(engine_set_period(e, NULL, err, sizeof err), 0);
	assert_null(engine_period_match(e, HT_MODELS));
	/* Through the kept map: the same figures and rows. */
	assert_int_equal(rowmap_load(p.dir, p.end, p.start, got), 0);
	for (int k = 0; k < HT_KIND_COUNT; k++)
		c[k] = got[k];
	assert_int_equal(engine_set_period_matched(e, p.start, c, err, sizeof err), 0);
	period_figures(e, &b, top2, &n2);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(n1, n2);
	assert_memory_equal(top1, top2, n1 * sizeof *top1);
	/* A row past the start's is refused, and the period cleared. */
	got[HT_MODELS][5] = p.start->t[HT_MODELS].n;
	assert_int_equal(engine_set_period_matched(e, p.start, c, err, sizeof err), -1);
	assert_int_equal(engine_period(e)->set, 0);
	rowmap_free(got);
	rowmap_free(m);
	engine_free(e);
	fx_attrib_free(at);
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strmatch_small),
		cmocka_unit_test(test_strmatch_threads),
		cmocka_unit_test(test_strmatch_hash),
		cmocka_unit_test(test_rowmap_file),
		cmocka_unit_test(test_period_matched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

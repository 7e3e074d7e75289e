/* test_session.c - what every command opens: an explicit snapshot, the
 * cache's, the demo when the cache is empty; a corrupted file refused with
 * its name, and a reload that fails leaving the session as it was. */
#include "testutil.h"
#include <sys/stat.h>
#include <unistd.h>
#include "hubtop/session.h"
#include "hubtop/store.h"
#include "hubtop/history.h"
#include "hubtop/timeline.h"
#include "hubtop/demo.h"
#include <math.h>

static char dir[1024], snap_path[1200];

static struct ht_snapshot *build(unsigned n)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta m = { 0 };
	struct ht_item it;
	char id[64];

	for (unsigned i = 0; i < n; i++) {
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "org%u/m-%u", i % 7, i);
		it.id = id;
		it.downloads = (uint64_t)(n - i) * 11;
		it.downloads_all = (uint64_t)(n - i) * 50;
		it.created = 1600000000 + (int64_t)i * 86400;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	m.complete = 1;
	m.fetched_at = 1764000000;
	m.as_of = 1764000000;
	return table_builder_finish(b, &m);
}

static void write_snapshot(const char *path, unsigned n)
{
	struct ht_snapshot *s = build(n);
	struct store_err err;
	assert_non_null(s);
	if (store_write(s, path, &err) != 0)
		fail_msg("%s", err.msg);
	table_free(s);
}

/* Flips one byte in the middle of a file. */
static void corrupt(const char *path)
{
	FILE *fp = fopen(path, "r+b");
	struct stat st;
	int c;
	assert_non_null(fp);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(fseek(fp, st.st_size / 2, SEEK_SET), 0);
	c = fgetc(fp);
	assert_int_equal(fseek(fp, st.st_size / 2, SEEK_SET), 0);
	fputc(c ^ 0x10, fp);
	fclose(fp);
}

static int setup(void **state)
{
	const char *t = testutil_tmpdir("hubtop-test-session");
	(void)state;
	assert_non_null(t);
	snprintf(dir, sizeof dir, "%s", t);
	snprintf(snap_path, sizeof snap_path, "%s/a.hts", dir);
	return 0;
}

/* Options opening the snapshot at path, quietly. */
static struct session_opts opts_for(const char *path)
{
	struct session_opts o = { 0 };
	o.snapshot = path;
	o.quiet = 1;
	return o;
}

static void test_explicit_snapshot(void **state)
{
	struct session_opts o = opts_for(snap_path);
	struct session s;
	char err[1024];
	(void)state;
	write_snapshot(snap_path, 300);
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	assert_int_equal(s.demo_fallback, 0);
	assert_int_equal(s.snap->t[HT_MODELS].n, 300);
	assert_non_null(s.attr);
	assert_non_null(s.eng);
	session_close(&s);

	/* The snapshot alone, for commands that need no engine. */
	o.snapshot_only = 1;
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	assert_int_equal(s.snap->t[HT_MODELS].n, 300);
	assert_null(s.eng);
	session_close(&s);
}

static void test_empty_cache_opens_demo(void **state)
{
	struct session_opts o = opts_for(NULL);
	struct session s;
	char err[1024], cache[1100];
	(void)state;
	snprintf(cache, sizeof cache, "%s/empty-cache", dir);
	o.cache_dir = cache;
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	assert_int_equal(s.demo_fallback, 1);
	assert_true(s.snap->meta.demo);
	assert_string_equal(s.snapshot_path, "");
	session_close(&s);
}

static void test_corrupted_refused(void **state)
{
	struct session_opts o = opts_for(snap_path);
	struct session s;
	char err[1024];
	(void)state;
	write_snapshot(snap_path, 300);
	corrupt(snap_path);
	for (int only = 0; only < 2; only++) {
		o.snapshot_only = only;
		err[0] = '\0';
		assert_int_equal(session_open(&s, &o, err, sizeof err), -1);
		if (!strstr(err, "checksum mismatch") || !strstr(err, snap_path))
			fail_msg("message '%s' lacks the cause or the path", err);
		assert_null(s.snap);
		assert_null(s.eng);
	}
}

static void test_failed_reload_keeps_session(void **state)
{
	struct session_opts o = opts_for(snap_path);
	struct session s;
	struct ht_snapshot *before;
	struct engine *eng_before;
	char err[1024];
	(void)state;
	write_snapshot(snap_path, 300);
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	before = s.snap;
	eng_before = s.eng;

	/* A new file that is damaged: refused, the open one kept and usable. */
	write_snapshot(snap_path, 500);
	corrupt(snap_path);
	assert_int_equal(session_reload(&s, err, sizeof err), -1);
	assert_non_null(strstr(err, "checksum mismatch"));
	assert_ptr_equal(s.snap, before);
	assert_ptr_equal(s.eng, eng_before);
	assert_int_equal(s.snap->t[HT_MODELS].n, 300);
	assert_string_equal(s.snapshot_path, snap_path);
	{
		struct filter f;
		struct eng_result *r;
		filter_init(&f);
		r = engine_apply(s.eng, &f, HT_MODELS);
		assert_non_null(r);
		assert_int_equal(r->n, 300);
		engine_result_free(r);
	}

	/* A good one: taken. */
	write_snapshot(snap_path, 500);
	assert_int_equal(session_reload(&s, err, sizeof err), 0);
	assert_int_equal(s.snap->t[HT_MODELS].n, 500);
	session_close(&s);
}

/* The built-in demo's series: six months derived from it, consistent. */
static void test_timeline_builtin(void **state)
{
	struct session_opts o = opts_for(NULL);
	struct session s;
	struct timeline t;
	struct filter f;
	char err[1024], cache[1100];
	size_t i;
	(void)state;
	snprintf(cache, sizeof cache, "%s/empty-cache-tl", dir);
	o.cache_dir = cache;
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	filter_init(&f);
	assert_int_equal(timeline_build(&s, &f, HT_MODELS, &t, err, sizeof err), 0);
	assert_int_equal(t.n, TIMELINE_DEMO_MONTHS);
	assert_true(t.builtin_demo);
	assert_true(t.p[t.n - 1].current);
	assert_int_equal(t.p[t.n - 1].count, s.snap->t[HT_MODELS].n);
	for (i = 0; i < t.n; i++) {
		double sum = 0;
		assert_true(t.p[i].demo);
		assert_false(t.p[i].failed);
		if (i)
			assert_true(t.p[i - 1].as_of < t.p[i].as_of && t.p[i - 1].count < t.p[i].count);
		for (unsigned c = 0; c < CG_COUNT; c++)
			sum += timeline_share(&t.p[i], TL_GROUP, c, 0);
		assert_true(fabs(sum - 1.0) < 1e-9);
	}
	timeline_free(&t);
	/* A country filter: every point's downloads are that country's. */
	assert_int_equal(filter_set(&f, "country", "CN", err, sizeof err), 0);
	assert_int_equal(timeline_build(&s, &f, HT_MODELS, &t, err, sizeof err), 0);
	for (i = 0; i < t.n; i++)
		assert_true(fabs(timeline_share(&t.p[i], TL_COUNTRY, (unsigned)country_find("CN"), 0) - 1.0) < 1e-9);
	timeline_free(&t);
	session_close(&s);
}

/* The series in pieces (the explorer's idle steps): several steps a
 * snapshot, the same figures as timeline_build, and a filter seen before
 * is complete at once. */
static void test_timeline_steps(void **state)
{
	struct session_opts o = opts_for(NULL);
	struct session s;
	struct timeline t, whole;
	struct filter f, cn;
	char err[1024], cache[1100];
	size_t i, steps = 0;
	int rc;
	(void)state;
	snprintf(cache, sizeof cache, "%s/empty-cache-steps", dir);
	o.cache_dir = cache;
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	filter_init(&f);
	assert_int_equal(timeline_begin(&s, &f, HT_MODELS, &t, err, sizeof err), 0);
	assert_int_equal(t.n, TIMELINE_DEMO_MONTHS);
	assert_int_equal(t.ready, 0);
	for (i = 0; i < t.n; i++)
		assert_true(t.p[i].pending);
	while ((rc = timeline_step(&s, &t, err, sizeof err)) > 0) {
		steps++;
		assert_true(t.ready < t.n);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(t.ready, t.n);
	/* Loading, attribution, engine and filter apart for each derived month. */
	assert_true(steps >= 4 * (TIMELINE_DEMO_MONTHS - 1));
	assert_int_equal(timeline_step(&s, &t, err, sizeof err), 0);
	timeline_cache_free(&s); /* timeline_build computes again from nothing */
	assert_int_equal(timeline_build(&s, &f, HT_MODELS, &whole, err, sizeof err), 0);
	for (i = 0; i < t.n; i++) {
		assert_false(t.p[i].pending);
		assert_int_equal(t.p[i].count, whole.p[i].count);
		assert_int_equal(t.p[i].downloads, whole.p[i].downloads);
		assert_memory_equal(t.p[i].by_group, whole.p[i].by_group, sizeof t.p[i].by_group);
	}
	timeline_free(&t);
	/* Another filter is computed; going back to the first is not. */
	cn = f;
	assert_int_equal(filter_set(&cn, "country", "CN", err, sizeof err), 0);
	assert_int_equal(timeline_begin(&s, &cn, HT_MODELS, &t, err, sizeof err), 0);
	assert_int_equal(t.ready, 0);
	timeline_free(&t);
	assert_int_equal(timeline_begin(&s, &f, HT_MODELS, &t, err, sizeof err), 0);
	assert_int_equal(t.ready, t.n);
	assert_int_equal(timeline_step(&s, &t, err, sizeof err), 0);
	for (i = 0; i < t.n; i++) {
		assert_false(t.p[i].pending);
		assert_int_equal(t.p[i].count, whole.p[i].count);
		assert_int_equal(t.p[i].by_country[0], whole.p[i].by_country[0]);
	}
	timeline_free(&t);
	timeline_free(&whole);
	session_close(&s);
}

/* demo_back: earlier months hold fewer items, smaller all-time counts,
 * names since changed and items since deleted. */
static void test_demo_back(void **state)
{
	char err[256];
	struct ht_snapshot *now = session_embedded_demo(err, sizeof err), *then;
	uint32_t r, renamed = 0, deleted = 0, grew = 0;
	(void)state;
	assert_non_null(now);
	then = demo_back(now, 3, DEMO_DEFAULT_SEED);
	assert_non_null(then);
	assert_true(then->meta.demo);
	assert_int_equal(then->meta.as_of, demo_month_back(now->meta.as_of, 3));
	assert_true(then->t[HT_MODELS].n < now->t[HT_MODELS].n);
	for (r = 0; r < then->t[HT_MODELS].n; r++) {
		const char *id = ht_id(then, HT_MODELS, r);
		uint32_t nr = table_find_id(now, HT_MODELS, id);
		size_t len = strlen(id);
		if (nr == UINT32_MAX) {
			renamed += len > 8 && !strcmp(id + len - 8, "-preview");
			deleted += len > 4 && !strcmp(id + len - 4, "-old");
			continue;
		}
		assert_true(then->t[HT_MODELS].downloads_all[r] <= now->t[HT_MODELS].downloads_all[nr]);
		grew += then->t[HT_MODELS].downloads_all[r] < now->t[HT_MODELS].downloads_all[nr];
		assert_true(then->t[HT_MODELS].created[r] <= then->meta.as_of);
	}
	assert_true(renamed > 0);
	assert_true(deleted > 0);
	assert_true(grew > then->t[HT_MODELS].n / 2);
	/* The same inputs, the same bytes. */
	{
		struct ht_snapshot *again = demo_back(now, 3, DEMO_DEFAULT_SEED);
		void *a, *b;
		size_t la, lb;
		struct store_err se;
		assert_int_equal(store_serialize(then, &a, &la, &se), 0);
		assert_int_equal(store_serialize(again, &b, &lb, &se), 0);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		free(a);
		free(b);
		table_free(again);
	}
	table_free(then);
	table_free(now);
}

/* The series of a cache's history: its snapshots, the open one for its
 * day, partial ones marked, demo ones beside real data left out. */
static void test_timeline_history(void **state)
{
	struct session_opts o = opts_for(NULL);
	struct session s;
	struct timeline t;
	struct filter f;
	struct history_keep all;
	struct store_err se;
	char err[1024], cache[1100], path[1200];
	(void)state;
	snprintf(cache, sizeof cache, "%s/cache-tl", dir);
	assert_int_equal(store_mkdirs(cache, &se), 0);
	history_parse_keep("all", &all, NULL);
	for (unsigned g = 0; g < 3; g++) {
		struct ht_snapshot *x = build(100 + 50 * g);
		x->meta.as_of = 1750000000 + (int64_t)g * 30 * 86400;
		x->meta.complete = g != 1;
		x->meta.top_n = g == 1 ? 150 : 0;
		assert_int_equal(history_add_keep(cache, x, &all, &se), 0);
		table_free(x);
	}
	{
		struct ht_snapshot *x = build(80);
		x->meta.as_of = 1740000000;
		x->meta.demo = 1;
		assert_int_equal(history_add_keep(cache, x, &all, &se), 0);
		table_free(x);
	}
	snprintf(path, sizeof path, "%s/snapshot.hts", cache);
	write_snapshot(path, 300);
	o.cache_dir = cache;
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	filter_init(&f);
	assert_int_equal(timeline_build(&s, &f, HT_MODELS, &t, err, sizeof err), 0);
	assert_int_equal(t.n, 4);
	assert_false(t.builtin_demo);
	assert_int_equal(t.p[0].count, 100);
	assert_int_equal(t.p[1].count, 150);
	assert_false(t.p[1].complete);
	assert_int_equal(t.p[2].count, 200);
	assert_true(t.p[3].current);
	assert_int_equal(t.p[3].count, 300);
	assert_non_null(strstr(t.note, "1 snapshot(s) of the history left out"));
	timeline_free(&t);
	session_close(&s);
}

/* What a period gives: its figures and the whole period's first rows. */
struct period_seen {
	struct eng_period p;
	uint64_t downloads, counted;
	uint32_t n, top[20];
};

static void period_seen(struct session *s, struct period_seen *out)
{
	struct filter f;
	struct eng_result *r;
	memset(out, 0, sizeof *out);
	out->p = *engine_period(s->eng);
	filter_init(&f);
	f.window = WIN_PERIOD;
	r = engine_apply(s->eng, &f, HT_MODELS);
	assert_non_null(r);
	out->downloads = r->downloads;
	out->counted = r->counted;
	out->n = r->n;
	for (uint32_t i = 0; i < 20 && i < r->n; i++)
		out->top[i] = engine_row_at(s->eng, r, i);
	engine_result_free(r);
}

/* A cache whose history holds start (a whole snapshot) and end (a delta
 * of it, with its row map), end also the cache's snapshot; with
 * !end_in_history, end only as the cache's snapshot. */
static void period_cache(const char *cache, int end_in_history)
{
	struct history_keep all;
	struct store_err se;
	struct ht_snapshot *st = build(100), *en = build(150);
	char path[1200];
	assert_int_equal(store_mkdirs(cache, &se), 0);
	history_parse_keep("all", &all, NULL);
	st->meta.as_of = 1750000000; /* 2025-06-15 */
	assert_int_equal(history_add_keep(cache, st, &all, &se), 0);
	if (end_in_history)
		assert_int_equal(history_add_keep(cache, en, &all, &se), 0);
	snprintf(path, sizeof path, "%s/snapshot.hts", cache);
	if (store_write(en, path, &se) != 0)
		fail_msg("%s", se.msg);
	table_free(st);
	table_free(en);
}

/* A period since a date given to session_open is resolved on a second
 * thread while the engine is built; session_set_window takes it: the same
 * period as resolved after.  Another window asked for, a failure, a close
 * or a reload before it is taken: as without it. */
static void test_period_while_opening(void **state)
{
	struct session_opts o = opts_for(NULL);
	struct session s;
	struct period_seen want, got;
	struct filter f, other;
	struct stat st;
	char err[1024], err2[1024], cache[1100], map[1200];
	(void)state;
	filter_init(&f);
	assert_int_equal(filter_set(&f, "window", "since:2025-06-15", err, sizeof err), 0);
	filter_init(&other);
	assert_int_equal(filter_set(&other, "window", "since:2025-06-01", err, sizeof err), 0);
	for (int in_history = 1; in_history >= 0; in_history--) {
		snprintf(cache, sizeof cache, "%s/cache-period-%d", dir, in_history);
		period_cache(cache, in_history);
		o.cache_dir = cache;
		/* Resolved after opening, as before. */
		o.window = NULL;
		assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
		assert_null(s.pending);
		assert_int_equal(session_set_window(&s, &f, err, sizeof err), 0);
		assert_int_equal(s.period_early, 0);
		period_seen(&s, &want);
		assert_int_equal(want.p.set, 1);
		assert_int_equal(want.p.items[HT_MODELS], 150);
		assert_true(want.counted == 100 && want.downloads == 100 * 2500);
		session_close(&s);
		/* While opening. */
		snprintf(map, sizeof map, "%s/history/period.map", cache);
		unlink(map);
		o.window = &f;
		assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
		assert_non_null(s.pending);
		assert_int_equal(session_set_window(&s, &f, err, sizeof err), 0);
		assert_null(s.pending);
		assert_int_equal(s.period_early, 1);
		assert_true(session_period_ready(&s, &f));
		period_seen(&s, &got);
		assert_memory_equal(&got, &want, sizeof got);
		/* The ids matched (the end not in the history): the map kept. */
		assert_int_equal(stat(map, &st) == 0, !in_history);
		session_close(&s);
		/* Another period asked for than the one resolved. */
		assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
		assert_int_equal(session_set_window(&s, &other, err, sizeof err), 0);
		assert_null(s.pending);
		assert_int_equal(s.period_early, 0);
		assert_true(session_period_ready(&s, &other));
		period_seen(&s, &got);
		assert_memory_equal(&got, &want, sizeof got); /* the same start, nearest to both */
		session_close(&s);
		/* Begun for an end of another date than the one given (the
		 * file replaced between its header and its load): not taken. */
		o.window = NULL;
		assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
		session_period_begin(&s, &f, s.snap->meta.as_of - 86400);
		session_period_end(&s, s.snap);
		assert_int_equal(session_set_window(&s, &f, err, sizeof err), 0);
		assert_int_equal(s.period_early, 0);
		period_seen(&s, &got);
		assert_memory_equal(&got, &want, sizeof got);
		/* Begun, and told no end comes (the demo stood in): dropped. */
		session_period_begin(&s, &f, s.snap->meta.as_of);
		session_period_end(&s, NULL);
		assert_int_equal(session_set_window(&s, &f, err, sizeof err), 0);
		assert_int_equal(s.period_early, 0);
		session_close(&s);
		o.window = &f;
		/* Closed, or reloaded, before it is taken. */
		assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
		session_close(&s);
		assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
		assert_int_equal(session_reload(&s, err, sizeof err), 0);
		assert_null(s.pending);
		assert_int_equal(session_set_window(&s, &f, err, sizeof err), 0);
		period_seen(&s, &got);
		assert_memory_equal(&got, &want, sizeof got);
		session_close(&s);
	}
	/* Nothing before the end: the thread fails, the message is the one
	 * resolving after gives. */
	snprintf(cache, sizeof cache, "%s/cache-period-none", dir);
	{
		struct history_keep all;
		struct store_err se;
		struct ht_snapshot *en = build(150);
		char path[1200];
		assert_int_equal(store_mkdirs(cache, &se), 0);
		history_parse_keep("all", &all, NULL);
		assert_int_equal(history_add_keep(cache, en, &all, &se), 0);
		snprintf(path, sizeof path, "%s/snapshot.hts", cache);
		assert_int_equal(store_write(en, path, &se), 0);
		table_free(en);
	}
	o.cache_dir = cache;
	o.window = NULL;
	assert_int_equal(session_open(&s, &o, err, sizeof err), 0);
	err[0] = '\0';
	assert_int_equal(session_set_window(&s, &f, err, sizeof err), -1);
	session_close(&s);
	o.window = &f;
	assert_int_equal(session_open(&s, &o, err2, sizeof err2), 0);
	err2[0] = '\0';
	assert_int_equal(session_set_window(&s, &f, err2, sizeof err2), -1);
	assert_non_null(strstr(err, "nothing to compare it with"));
	assert_string_equal(err2, err);
	assert_int_equal(engine_period(s.eng)->set, 0);
	session_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explicit_snapshot),
		cmocka_unit_test(test_empty_cache_opens_demo),
		cmocka_unit_test(test_corrupted_refused),
		cmocka_unit_test(test_failed_reload_keeps_session),
		cmocka_unit_test(test_timeline_builtin),
		cmocka_unit_test(test_timeline_steps),
		cmocka_unit_test(test_demo_back),
		cmocka_unit_test(test_timeline_history),
		cmocka_unit_test(test_period_while_opening),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

/* test_session.c - what every command opens: an explicit snapshot, the
 * cache's, the demo when the cache is empty; a corrupted file refused with
 * its name, and a reload that fails leaving the session as it was. */
#include "testutil.h"
#include <sys/stat.h>
#include "hubtop/session.h"
#include "hubtop/store.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explicit_snapshot),
		cmocka_unit_test(test_empty_cache_opens_demo),
		cmocka_unit_test(test_corrupted_refused),
		cmocka_unit_test(test_failed_reload_keeps_session),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

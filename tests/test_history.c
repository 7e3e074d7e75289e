/* test_history.c - the snapshot history: deltas that give back every
 * column, retention, damaged files, partial snapshots and endpoints. */
#include "testutil.h"
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "hubtop/history.h"
#include "hubtop/rowmap.h"
#include "hubtop/strmatch.h"
#include "hubtop/store.h"
#include "hubtop/civil.h"

static int64_t day(int y, unsigned m, unsigned d)
{
	return civil_days(y, m, d) * 86400 + 3600;
}

/* Generation g of a small hub: all-time counts grow, some items go, new
 * ones come, one is renamed, a new account and a new term appear. */
static struct ht_snapshot *gen(unsigned g, unsigned n, int64_t as_of, int complete,
			       const char *endpoint)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta m = { 0 };
	struct ht_item it;
	char id[64], base[96], lic[64];
	unsigned i;

	for (i = 0; i < n + g * 3; i++) {
		memset(&it, 0, sizeof it);
		if (i < n && g && i % 17 == g)
			continue; /* deleted in this generation */
		if (i >= n)
			snprintf(id, sizeof id, "new%u/model-%u", i % 4, i);
		else if (i == 5 && g)
			snprintf(id, sizeof id, "org5/renamed-%u", g);
		else
			snprintf(id, sizeof id, "org%u/m-%u", i % 13, i);
		it.id = id;
		it.downloads = (uint64_t)((n - i % n) * 3 + (i % 7 == 0 ? g * 5 : 0));
		it.downloads_all = (uint64_t)(n - i % n) * 70 + (i % 3 == 0 ? g * 1000u : 0);
		if (i % 11 == 3)
			it.flags |= HT_F_DLA_UNKNOWN, it.downloads_all = 0;
		it.likes = i % 101 + (i % 10 == 0 ? g : 0);
		it.trending = i % 7;
		it.created = 1600000000 + i;
		it.modified = 1700000000 + i + (i % 5 == 0 ? g : 0);
		it.pipeline = i % 3 ? "text-generation" : g == 2 ? "new-task" : NULL;
		it.library = "transformers";
		if (i % 5 == 0)
			it.flags |= HT_F_GATED;
		if (i > 0) {
			snprintf(base, sizeof base, "base_model:quantized:org%u/m-%u", (i - 1) % 13, i - 1);
			it.tags[it.n_tags++] = base;
		}
		snprintf(lic, sizeof lic, "license:%s", i % 4 ? "mit" : "apache-2.0");
		it.tags[it.n_tags++] = lic;
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	for (i = 0; i < 4 + g; i++) {
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "ds%u/set-%u", i % 2, i);
		it.id = id;
		it.downloads = 10 * i + g;
		it.downloads_all = 100 * i + g * 7;
		it.tags[0] = i % 2 ? "language:fr" : "task_categories:translation";
		it.n_tags = 1;
		assert_int_equal(table_builder_add(b, HT_DATASETS, &it), 0);
	}
	table_builder_set_account_kind(b, "org3", HT_ACCT_ORG);
	m.complete = complete;
	m.top_n = complete ? 0 : 1000;
	m.fetched_at = as_of + 60;
	m.as_of = as_of;
	snprintf(m.endpoint, sizeof m.endpoint, "%s", endpoint);
	return table_builder_finish(b, &m);
}

/* Every section equal: pool offsets compared as the strings they name
 * (the history lays its pool out anew), everything else byte for byte. */
static void assert_same(const struct ht_snapshot *a, const struct ht_snapshot *b)
{
	struct store_section sa[STORE_MAX_SECTIONS], sb[STORE_MAX_SECTIONS];
	size_t na = store_sections(a, sa), nb = store_sections(b, sb), i;
	uint64_t j;

	assert_int_equal(a->meta.complete, b->meta.complete);
	assert_int_equal(a->meta.as_of, b->meta.as_of);
	assert_int_equal(a->meta.fetched_at, b->meta.fetched_at);
	assert_int_equal(a->meta.top_n, b->meta.top_n);
	assert_string_equal(a->meta.endpoint, b->meta.endpoint);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(sa[i].id, sb[i].id);
		if (sa[i].id == STORE_SEC_POOL)
			continue;
		assert_int_equal(sa[i].len, sb[i].len);
		if (sa[i].ref != STORE_REF_POOL) {
			assert_memory_equal(sa[i].data, sb[i].data, (size_t)sa[i].len);
			continue;
		}
		for (j = 0; j < sa[i].len / 4; j++)
			assert_string_equal(a->pool + ((const uint32_t *)sa[i].data)[j],
					    b->pool + ((const uint32_t *)sb[i].data)[j]);
	}
}

static const char *setup_dir(const char *name)
{
	const char *d = testutil_tmpdir(name);
	assert_non_null(d);
	return d;
}

static struct history_keep keep_all(void)
{
	struct history_keep k;
	assert_int_equal(history_parse_keep("all", &k, NULL), 0);
	return k;
}

static void test_round_trip(void **state)
{
	char dir[1024];
	struct history_keep all = keep_all();
	struct ht_snapshot *s[4];
	struct store_err err;
	struct history *h;
	unsigned g;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-rt"));
	for (g = 0; g < 4; g++) {
		s[g] = gen(g, 3000, day(2025, g + 1, 1), 1, "https://huggingface.co");
		assert_non_null(s[g]);
		assert_int_equal(history_add_keep(dir, s[g], &all, &err), 0);
	}
	h = history_open(dir, &err);
	assert_non_null(h);
	assert_string_equal(err.msg, "");
	assert_int_equal(history_count(h), 4);
	for (g = 0; g < 4; g++) {
		const struct history_entry *e = history_at(h, g);
		struct ht_snapshot *l;
		char want[11];
		history_date(day(2025, g + 1, 1), want);
		assert_string_equal(e->date, want);
		assert_int_equal(e->items[HT_MODELS], s[g]->t[HT_MODELS].n);
		assert_int_equal(e->complete, 1);
		/* The first is whole; the others are deltas, smaller by far. */
		assert_int_equal(e->base[0] != '\0', g > 0);
		if (g)
			assert_true(e->disk_bytes * 3 < history_at(h, 0)->disk_bytes);
		l = history_load(h, g, &err);
		if (!l)
			fail_msg("%s", err.msg);
		assert_same(s[g], l);
		table_free(l);
	}
	assert_int_equal(history_find_date(h, "2025-03-01"), 2);
	assert_int_equal(history_find_date(h, "2025-03-02"), -1);
	assert_int_equal(history_nearest(h, day(2025, 2, 20)), 2);
	assert_int_equal(history_nearest(h, day(2020, 1, 1)), 0);
	history_free(h);

	/* Removing the base keeps it, hidden, for the deltas. */
	assert_int_equal(history_remove(dir, "2025-01-01", &err), 0);
	assert_int_equal(history_remove(dir, "2025-01-01", &err), 1);
	h = history_open(dir, &err);
	assert_int_equal(history_count(h), 3);
	for (g = 1; g < 4; g++) {
		struct ht_snapshot *l = history_load(h, g - 1, &err);
		if (!l)
			fail_msg("%s", err.msg);
		assert_same(s[g], l);
		table_free(l);
	}
	history_free(h);
	for (g = 0; g < 4; g++)
		table_free(s[g]);
}

static void test_endpoints_partial(void **state)
{
	char dir[1024];
	struct history_keep all = keep_all();
	struct ht_snapshot *a = gen(0, 100, day(2025, 5, 1), 1, "https://huggingface.co");
	struct ht_snapshot *p = gen(1, 100, day(2025, 5, 1), 0, "https://mirror.example");
	struct ht_snapshot *q = gen(1, 100, day(2025, 5, 2), 0, "https://mirror.example");
	struct store_err err;
	struct history *h;
	struct ht_snapshot *l;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-ep"));
	assert_int_equal(history_add_keep(dir, a, &all, &err), 0);
	/* A partial listing never replaces the complete one of its day. */
	assert_int_equal(history_add_keep(dir, p, &all, &err), 1);
	assert_non_null(strstr(err.msg, "complete snapshot of 2025-05-01"));
	assert_int_equal(history_add_keep(dir, q, &all, &err), 0);
	h = history_open(dir, &err);
	assert_int_equal(history_count(h), 2);
	assert_int_equal(history_at(h, 0)->complete, 1);
	assert_string_equal(history_at(h, 0)->endpoint, "https://huggingface.co");
	assert_int_equal(history_at(h, 1)->complete, 0);
	assert_int_equal(history_at(h, 1)->top_n, 1000);
	assert_string_equal(history_at(h, 1)->endpoint, "https://mirror.example");
	l = history_load(h, 1, &err);
	assert_non_null(l);
	assert_same(q, l);
	table_free(l);
	history_free(h);
	/* A complete one replaces a partial one of its day. */
	table_free(a);
	a = gen(2, 100, day(2025, 5, 2), 1, "https://huggingface.co");
	assert_int_equal(history_add_keep(dir, a, &all, &err), 0);
	h = history_open(dir, &err);
	assert_int_equal(history_count(h), 2);
	assert_int_equal(history_at(h, 1)->complete, 1);
	history_free(h);
	/* A snapshot without a date of the data is refused. */
	p->meta.as_of = 0;
	assert_int_equal(history_add_keep(dir, p, &all, &err), -1);
	table_free(a);
	table_free(p);
	table_free(q);
}

static void test_retention(void **state)
{
	char dir[1024];
	struct history_keep k;
	struct store_err err;
	struct history *h;
	/* Two a month for six months, then daily for the last ten days. */
	static const int dates[][3] = {
		{ 2025, 1, 5 }, { 2025, 1, 20 }, { 2025, 2, 5 }, { 2025, 2, 20 }, { 2025, 3, 5 },
		{ 2025, 3, 20 }, { 2025, 4, 5 }, { 2025, 4, 20 }, { 2025, 5, 5 }, { 2025, 5, 20 },
		{ 2025, 6, 21 }, { 2025, 6, 25 }, { 2025, 6, 30 },
	};
	size_t i, n = sizeof dates / sizeof dates[0];
	char text[64];
	(void)state;

	assert_int_equal(history_parse_keep("30d,monthly", &k, NULL), 0);
	history_keep_text(&k, text, sizeof text);
	assert_string_equal(text, "30d,monthly");
	assert_int_equal(history_parse_keep("2w", &k, &err), -1);
	assert_non_null(strstr(err.msg, "history-keep '2w'"));
	assert_int_equal(history_parse_keep("30d,yearly", &k, &err), -1);

	snprintf(dir, sizeof dir, "%s", setup_dir("history-keep"));
	assert_int_equal(history_parse_keep("30d,monthly", &k, NULL), 0);
	for (i = 0; i < n; i++) {
		struct ht_snapshot *s = gen((unsigned)i % 5, 60,
					    day(dates[i][0], (unsigned)dates[i][1], (unsigned)dates[i][2]),
					    1, "https://huggingface.co");
		assert_int_equal(history_add_keep(dir, s, &k, &err), 0);
		table_free(s);
	}
	h = history_open(dir, &err);
	/* Within 30 days of 2025-06-30: 06-21, 06-25, 06-30 (and 05-20,
	 * 41 days back, is the latest of May); before: the latest of each
	 * month. */
	{
		static const char *want[] = { "2025-01-20", "2025-02-20", "2025-03-20", "2025-04-20",
					      "2025-05-20", "2025-06-21", "2025-06-25", "2025-06-30" };
		assert_int_equal(history_count(h), sizeof want / sizeof want[0]);
		for (i = 0; i < history_count(h); i++)
			assert_string_equal(history_at(h, i)->date, want[i]);
		for (i = 0; i < history_count(h); i++) {
			struct ht_snapshot *l = history_load(h, i, &err);
			if (!l)
				fail_msg("%s", err.msg);
			table_free(l);
		}
	}
	history_free(h);
	/* "7d" alone keeps the last week. */
	assert_int_equal(history_parse_keep("7d", &k, NULL), 0);
	assert_int_equal(history_prune(dir, &k, &err), 6);
	h = history_open(dir, &err);
	assert_int_equal(history_count(h), 2);
	assert_string_equal(history_at(h, 0)->date, "2025-06-25");
	history_free(h);
}

static void test_broken_index(void **state)
{
	char dir[1024], path[1100];
	struct history_keep all = keep_all();
	struct store_err err;
	struct history *h;
	struct stat st;
	unsigned g;
	FILE *fp;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-broken"));
	/* Missing: empty, no warning. */
	h = history_open(dir, &err);
	assert_non_null(h);
	assert_int_equal(history_count(h), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(history_nearest(h, 0), -1);
	history_free(h);
	for (g = 0; g < 3; g++) {
		struct ht_snapshot *s = gen(g, 50, day(2025, g + 1, 1), 1, "https://huggingface.co");
		assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
		table_free(s);
	}
	assert_int_equal(history_index_path(dir, path, sizeof path), 0);
	/* Cut short in the last line: the two lines before are read. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 10), 0);
	h = history_open(dir, &err);
	assert_non_null(h);
	assert_int_equal(history_count(h), 2);
	assert_non_null(strstr(err.msg, "damaged"));
	assert_non_null(strstr(err.msg, path));
	history_free(h);
	/* A byte changed in the middle line: its checksum fails. */
	fp = fopen(path, "r+");
	assert_non_null(fp);
	fseek(fp, 80, SEEK_SET);
	{
		int c = fgetc(fp);
		fseek(fp, 80, SEEK_SET);
		fputc(c == '9' ? '8' : '9', fp);
	}
	fclose(fp);
	h = history_open(dir, &err);
	assert_non_null(h);
	assert_true(history_count(h) < 2);
	assert_true(err.msg[0] != '\0');
	history_free(h);
	/* Garbage. */
	fp = fopen(path, "w");
	fputs("\x1b[31mnot an index\n", fp);
	fclose(fp);
	h = history_open(dir, &err);
	assert_non_null(h);
	assert_int_equal(history_count(h), 0);
	assert_non_null(strstr(err.msg, "damaged"));
	history_free(h);
	/* Empty. */
	fp = fopen(path, "w");
	fclose(fp);
	h = history_open(dir, &err);
	assert_int_equal(history_count(h), 0);
	assert_true(err.msg[0] != '\0');
	history_free(h);
	/* The history recovers: an add writes a readable index again. */
	{
		struct ht_snapshot *s = gen(3, 50, day(2025, 7, 1), 1, "https://huggingface.co");
		assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
		table_free(s);
	}
	h = history_open(dir, &err);
	assert_int_equal(history_count(h), 1);
	assert_string_equal(err.msg, "");
	history_free(h);
}

static void test_damaged_delta(void **state)
{
	char dir[1024], path[1200];
	struct history_keep all = keep_all();
	struct store_err err;
	struct history *h;
	unsigned g;
	FILE *fp;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-delta"));
	for (g = 0; g < 2; g++) {
		struct ht_snapshot *s = gen(g, 200, day(2025, g + 1, 1), 1, "https://huggingface.co");
		assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
		table_free(s);
	}
	h = history_open(dir, &err);
	assert_non_null(history_at(h, 1));
	snprintf(path, sizeof path, "%s/history/%s", dir, history_at(h, 1)->file);
	fp = fopen(path, "r+");
	assert_non_null(fp);
	fseek(fp, 2000, SEEK_SET);
	fputc(0x5a, fp);
	fclose(fp);
	assert_null(history_load(h, 1, &err));
	assert_non_null(strstr(err.msg, "damaged"));
	assert_non_null(strstr(err.msg, path));
	history_free(h);
}

static size_t count_files(const char *d)
{
	char cmd[1200], out[64] = "";
	FILE *p;
	snprintf(cmd, sizeof cmd, "ls '%s' | wc -l", d);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	return (size_t)atoi(out);
}

/* A failed add leaves the history as it was: here the index cannot be
 * replaced (a folder stands where its temporary file goes). */
static void test_failed_add(void **state)
{
	char dir[1024], hdir[1100], idx[1100], tmp[1200], before[4096], after[4096];
	struct history_keep all = keep_all();
	struct store_err err;
	struct ht_snapshot *s;
	size_t nb, na, files;
	FILE *fp;
	unsigned g;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-fail"));
	for (g = 0; g < 2; g++) {
		s = gen(g, 100, day(2025, g + 1, 1), 1, "https://huggingface.co");
		assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
		table_free(s);
	}
	snprintf(hdir, sizeof hdir, "%s/history", dir);
	assert_int_equal(history_index_path(dir, idx, sizeof idx), 0);
	fp = fopen(idx, "r");
	nb = fread(before, 1, sizeof before, fp);
	fclose(fp);
	files = count_files(hdir);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", idx, (long)getpid());
	assert_int_equal(mkdir(tmp, 0700), 0);
	s = gen(2, 100, day(2025, 3, 1), 1, "https://huggingface.co");
	assert_int_equal(history_add_keep(dir, s, &all, &err), -1);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(rmdir(tmp), 0);
	fp = fopen(idx, "r");
	na = fread(after, 1, sizeof after, fp);
	fclose(fp);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb);
	assert_int_equal(count_files(hdir), files);
	/* And it works again once the obstacle is gone. */
	assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
	table_free(s);
	assert_int_equal(count_files(hdir), files + 1);
}

/* A writer that finds the lock held waits, then fails naming the lock
 * file, and leaves the history as it was. */
static void test_lock_held(void **state)
{
	char dir[1024], lock[1200];
	struct history_keep all = keep_all();
	struct history_keep one = { 0, 1, 0 };
	struct store_err err, w;
	struct ht_snapshot *s;
	struct history *h;
	int fd;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-lock"));
	s = gen(0, 50, day(2025, 1, 1), 1, "https://huggingface.co");
	assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
	table_free(s);
	snprintf(lock, sizeof lock, "%s/history/index.lock", dir);
	fd = open(lock, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	history_set_lock_wait(200);
	s = gen(1, 50, day(2025, 2, 1), 1, "https://huggingface.co");
	assert_int_equal(history_add_keep(dir, s, &all, &err), -1);
	assert_non_null(strstr(err.msg, "index.lock"));
	assert_non_null(strstr(err.msg, "another hubtop process"));
	assert_int_equal(history_remove(dir, "2025-01-01", &err), -1);
	assert_non_null(strstr(err.msg, "index.lock"));
	assert_int_equal(history_prune(dir, &one, &err), -1);
	h = history_open(dir, &w);
	assert_int_equal(history_count(h), 1);
	history_free(h);
	/* Released: the add goes through. */
	close(fd);
	assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
	table_free(s);
	history_set_lock_wait(HISTORY_LOCK_WAIT_MS);
	h = history_open(dir, &w);
	assert_int_equal(history_count(h), 2);
	history_free(h);
}

/* Two processes adding at once: every entry is kept. */
static void test_concurrent_adds(void **state)
{
	char dir[1024];
	struct history *h;
	struct store_err w;
	pid_t pid[2];
	int k, status;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-concurrent"));
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (pid[k] == 0) {
			struct history_keep all = keep_all();
			struct store_err err;
			unsigned m;
			for (m = 0; m < 6; m++) {
				struct ht_snapshot *s = gen(m, 400, day(2020 + k, m + 1, 1), 1, "https://huggingface.co");
				if (!s || history_add_keep(dir, s, &all, &err) != 0)
					_exit(1);
				table_free(s);
			}
			_exit(0);
		}
	}
	for (k = 0; k < 2; k++) {
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	h = history_open(dir, &w);
	assert_non_null(h);
	assert_int_equal(history_count(h), 12);
	history_free(h);
}

/* The rows each delta's add matched to its base (history_load_map),
 * composed for every pair on that base (rowmap_compose), are the rows
 * strmatch matches between the two; a wrong map gives other rows. */
static void test_composed_maps(void **state)
{
	char dir[1024];
	struct history_keep all = keep_all();
	struct ht_snapshot *l[4];
	uint32_t *map[4][HT_KIND_COUNT];
	struct store_err err;
	struct history *h;
	uint64_t added[4];
	unsigned g, a, k;
	(void)state;

	snprintf(dir, sizeof dir, "%s", setup_dir("history-maps"));
	for (g = 0; g < 4; g++) {
		struct ht_snapshot *s = gen(g, 3000, day(2025, g + 1, 1), 1, "https://huggingface.co");
		assert_non_null(s);
		added[g] = rowmap_fingerprint(s);
		assert_int_equal(history_add_keep(dir, s, &all, &err), 0);
		table_free(s);
	}
	h = history_open(dir, &err);
	assert_non_null(h);
	assert_int_equal(history_count(h), 4);
	for (g = 0; g < 4; g++) {
		l[g] = history_load_map(h, g, map[g], &err);
		if (!l[g])
			fail_msg("%s", err.msg);
		/* The base has no map; the deltas name it as their base. */
		for (k = 0; k < HT_KIND_COUNT; k++)
			assert_true((map[g][k] != NULL) == (g > 0));
		assert_string_equal(history_base_of(history_at(h, g)), history_at(h, 0)->file);
	}
	/* The map alone, for the ids of the snapshot it was added from (the
	 * cache's own file; the history lays its pool out anew): the same map;
	 * for other ids, or the base, none. */
	for (g = 0; g < 4; g++) {
		uint32_t *m[HT_KIND_COUNT];
		uint64_t ids = added[g];
		assert_int_equal(history_row_map(h, g, ids, m), g > 0 ? 0 : -1);
		for (k = 0; k < HT_KIND_COUNT; k++) {
			assert_true((m[k] != NULL) == (g > 0));
			if (m[k])
				assert_memory_equal(m[k], map[g][k], l[g]->t[k].n * sizeof *m[k]);
			free(m[k]);
		}
		assert_int_equal(history_row_map(h, g, ids + 1, m), -1);
		for (k = 0; k < HT_KIND_COUNT; k++)
			assert_null(m[k]);
	}
	for (g = 1; g < 4; g++)
		for (a = 0; a < 4; a++) {
			if (a == g)
				continue;
			for (k = 0; k < HT_KIND_COUNT; k++) {
				uint32_t n = l[g]->t[k].n, i, diff = 0, nnew = 0;
				uint32_t *want = malloc((n + 1) * sizeof *want), *got = malloc((n + 1) * sizeof *got);
				assert_non_null(want);
				assert_non_null(got);
				assert_int_equal(strmatch_rows(l[g], l[a], (enum ht_kind)k, want), 0);
				assert_int_equal(rowmap_compose(l[g], map[g][k], l[a], map[a][k], (enum ht_kind)k, got), 0);
				assert_memory_equal(got, want, n * sizeof *got);
				for (i = 0; i < n; i++)
					nnew += map[g][k][i] == STRMATCH_NONE && want[i] != STRMATCH_NONE;
				if (k == HT_MODELS && a > 0)
					assert_true(nnew > 0); /* rows new to the base in both */
				/* A row mapped to another base row: another answer. */
				for (i = 0; i < n && map[g][k][i] == STRMATCH_NONE; i++)
					;
				assert_true(i + 1 < n);
				{
					uint32_t keep = map[g][k][i];
					map[g][k][i] = map[g][k][i + 1];
					assert_int_equal(rowmap_compose(l[g], map[g][k], l[a], map[a][k],
									(enum ht_kind)k, got), 0);
					for (uint32_t j = 0; j < n; j++)
						diff += got[j] != want[j];
					assert_true(diff > 0);
					map[g][k][i] = keep;
				}
				free(want);
				free(got);
			}
		}
	/* The end as the base is left to strmatch. */
	{
		uint32_t *at = malloc(((size_t)l[0]->t[HT_MODELS].n + 1) * sizeof *at);
		assert_non_null(at);
		assert_int_equal(rowmap_compose(l[0], NULL, l[1], map[1][HT_MODELS], HT_MODELS, at), -1);
		free(at);
	}
	history_free(h);
	for (g = 0; g < 4; g++) {
		for (k = 0; k < HT_KIND_COUNT; k++)
			free(map[g][k]);
		table_free(l[g]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_composed_maps),
		cmocka_unit_test(test_endpoints_partial),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_broken_index),
		cmocka_unit_test(test_damaged_delta),
		cmocka_unit_test(test_failed_add),
		cmocka_unit_test(test_lock_held),
		cmocka_unit_test(test_concurrent_adds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

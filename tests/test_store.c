/* test_store.c - snapshot format: round trip, refusal of bad files,
 * atomic replacement. */
#include "testutil.h"
#include <signal.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "hubtop/store.h"

static struct ht_snapshot *build(unsigned n, int demo)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta m = { 0 };
	struct ht_item it;
	char id[64], base[64];
	unsigned i;

	for (i = 0; i < n; i++) {
		memset(&it, 0, sizeof it);
		snprintf(id, sizeof id, "org%u/m-%u", i % 13, i);
		it.id = id;
		it.downloads = (uint64_t)(n - i) * 3;
		it.downloads_all = (uint64_t)(n - i) * 70 + 5000000000ull;
		it.likes = i % 101;
		it.trending = i % 7;
		it.created = 1600000000 + i;
		it.modified = 1700000000 + i;
		it.pipeline = i % 3 ? "text-generation" : NULL;
		it.library = "transformers";
		it.flags = i % 5 == 0 ? HT_F_GATED : 0;
		if (i > 0) {
			snprintf(base, sizeof base, "base_model:quantized:org%u/m-%u", (i - 1) % 13, i - 1);
			it.tags[it.n_tags++] = base;
		}
		it.tags[it.n_tags++] = "license:mit";
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	memset(&it, 0, sizeof it);
	it.id = "ds/one";
	it.downloads = 3;
	it.tags[0] = "language:fr";
	it.n_tags = 1;
	assert_int_equal(table_builder_add(b, HT_DATASETS, &it), 0);
	table_builder_set_account_kind(b, "org3", HT_ACCT_ORG);
	m.demo = demo;
	m.complete = 0;
	m.top_n = 1000;
	m.fetched_at = 1764000000;
	snprintf(m.endpoint, sizeof m.endpoint, "http://127.0.0.1:9/");
	return table_builder_finish(b, &m);
}

#define COL_EQ(col, sz) assert_memory_equal(a->t[k].col, b->t[k].col, (size_t)a->t[k].n * (sz))

static void assert_same(const struct ht_snapshot *a, const struct ht_snapshot *b)
{
	int k;
	assert_int_equal(a->meta.demo, b->meta.demo);
	assert_int_equal(a->meta.complete, b->meta.complete);
	assert_int_equal(a->meta.top_n, b->meta.top_n);
	assert_int_equal(a->meta.fetched_at, b->meta.fetched_at);
	assert_string_equal(a->meta.endpoint, b->meta.endpoint);
	assert_int_equal(a->pool_len, b->pool_len);
	assert_memory_equal(a->pool, b->pool, a->pool_len);
	assert_int_equal(a->n_accounts, b->n_accounts);
	assert_memory_equal(a->acct_name, b->acct_name, a->n_accounts * 4u);
	assert_memory_equal(a->acct_kind, b->acct_kind, a->n_accounts);
	assert_int_equal(a->n_terms, b->n_terms);
	assert_memory_equal(a->terms, b->terms, a->n_terms * 4u);
	assert_int_equal(a->n_links, b->n_links);
	assert_memory_equal(a->link_base, b->link_base, a->n_links * 4u);
	assert_memory_equal(a->link_row, b->link_row, a->n_links * 4u);
	assert_memory_equal(a->link_rel, b->link_rel, a->n_links);
	assert_int_equal(a->n_lists, b->n_lists);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		assert_int_equal(a->t[k].n, b->t[k].n);
		COL_EQ(id, 4); COL_EQ(author, 4); COL_EQ(downloads, 8); COL_EQ(downloads_all, 8);
		COL_EQ(likes, 4); COL_EQ(trending, 4); COL_EQ(created, 8); COL_EQ(modified, 8);
		COL_EQ(pipeline, 4); COL_EQ(library, 4); COL_EQ(license, 4); COL_EQ(flags, 1);
		COL_EQ(list_first, 4); COL_EQ(list_count, 4); COL_EQ(link_first, 4);
		COL_EQ(link_count, 4);
	}
}

static char path[1100];

static void test_round_trip(void **state)
{
	struct ht_snapshot *s = build(3000, 1), *l;
	struct store_err err = { { 0 } };
	(void)state;
	assert_non_null(s);
	assert_int_equal(store_write(s, path, &err), 0);
	l = store_load(path, &err);
	if (!l)
		fail_msg("%s", err.msg);
	assert_same(s, l);
	assert_int_equal(l->acct_kind[table_find_account(l, "org3")], HT_ACCT_ORG);
	table_free(s);
	table_free(l);
}

/* store_peek reads the header alone: the metadata and the item counts of a
 * snapshot, and -1 for a missing, short or foreign file. */
static void test_peek(void **state)
{
	struct ht_snapshot *s = build(500, 0);
	struct store_err err = { { 0 } };
	struct ht_meta m;
	uint32_t counts[HT_KIND_COUNT];
	char other[1200];
	FILE *fp;
	(void)state;
	assert_non_null(s);
	assert_int_equal(store_write(s, path, &err), 0);
	assert_int_equal(store_peek(path, &m, counts), 0);
	assert_int_equal(counts[HT_MODELS], 500);
	assert_int_equal(counts[HT_DATASETS], 1);
	assert_int_equal(m.complete, 0);
	assert_int_equal(m.demo, 0);
	assert_int_equal(m.top_n, 1000);
	assert_int_equal(m.fetched_at, 1764000000);
	assert_string_equal(m.endpoint, s->meta.endpoint);
	table_free(s);
	snprintf(other, sizeof other, "%s.peek", path);
	assert_int_equal(store_peek(other, &m, counts), -1);
	fp = fopen(other, "wb");
	assert_non_null(fp);
	fputs(STORE_MAGIC, fp); /* the magic, then nothing */
	fclose(fp);
	assert_int_equal(store_peek(other, &m, counts), -1);
	unlink(other);
}

static void *read_file(const char *p, size_t *len)
{
	FILE *fp = fopen(p, "rb");
	char *buf;
	long n;
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *p, const void *data, size_t len)
{
	FILE *fp = fopen(p, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

/* store_write streams, section by section, the bytes store_serialize
 * builds in memory: sections of every length, so pads of every size. */
static void test_write_is_serialize(void **state)
{
	struct store_err err = { { 0 } };
	unsigned n;
	(void)state;
	for (n = 1; n <= 9; n++) {
		struct ht_snapshot *s = build(n * 37, n % 2);
		void *img, *file;
		size_t len, flen;
		assert_non_null(s);
		assert_int_equal(store_write(s, path, &err), 0);
		assert_int_equal(store_serialize(s, &img, &len, &err), 0);
		file = read_file(path, &flen);
		assert_int_equal(flen, len);
		assert_memory_equal(file, img, len);
		free(file);
		free(img);
		table_free(s);
	}
}

/* Refused, with the same message, whether the checksum runs in line
 * (store_load) or on its own thread (store_load_start, then finish). */
static void expect_refused(const char *p, const char *needle)
{
	struct store_err err = { { 0 } }, err2 = { { 0 } };
	struct store_check *check = NULL;
	struct ht_snapshot *l = store_load(p, &err);
	assert_null(l);
	if (!strstr(err.msg, needle) || !strstr(err.msg, p))
		fail_msg("message '%s' lacks '%s' or the path", err.msg, needle);
	l = store_load_start(p, &check, &err2);
	if (l) {
		assert_non_null(check);
		assert_int_equal(store_check_finish(check, &err2), -1);
		table_free(l);
	} else {
		assert_null(check);
	}
	assert_string_equal(err.msg, err2.msg);
}

static void test_bad_files(void **state)
{
	struct ht_snapshot *s = build(500, 0);
	struct store_err err = { { 0 } };
	char bad[1200];
	unsigned char *img;
	size_t len, i;
	(void)state;
	assert_int_equal(store_write(s, path, &err), 0);
	table_free(s);
	img = read_file(path, &len);
	snprintf(bad, sizeof bad, "%s.bad", path);

	/* Every truncation point is refused, never half-read. */
	for (i = 0; i < len; i += len / 37 + 1) {
		write_file(bad, img, i);
		expect_refused(bad, i < 1024 ? "snapshot" : "truncated");
	}
	/* A corrupted byte anywhere: checksum, even where the byte also breaks
	 * an index (the section table at 352 and the columns after it). */
	for (i = 360; i < len; i += len / 23 + 1) {
		img[i] ^= 0x40;
		write_file(bad, img, len);
		expect_refused(bad, "checksum mismatch");
		img[i] ^= 0x40;
	}
	/* Wrong magic. */
	img[0] = 'X';
	write_file(bad, img, len);
	expect_refused(bad, "wrong magic");
	img[0] = 'H';
	/* A newer format version. */
	img[8] = 9;
	write_file(bad, img, len);
	expect_refused(bad, "newer");
	img[8] = STORE_FORMAT_VERSION;
	/* Intact again: loads, either way. */
	write_file(bad, img, len);
	s = store_load(bad, &err);
	assert_non_null(s);
	table_free(s);
	{
		struct store_check *check = NULL;
		s = store_load_start(bad, &check, &err);
		assert_non_null(s);
		assert_int_equal(store_check_finish(check, &err), 0);
		assert_int_equal(s->t[HT_MODELS].n, 500);
		table_free(s);
	}
	/* Missing file. */
	expect_refused("/nonexistent/dir/snap.hts", "cannot open");
	free(img);
}

/* A writer that stops half-way and waits to be killed. */
static int half_writer(void *ctx, void *fp)
{
	int *fd = ctx;
	char junk[4096];
	memset(junk, 'j', sizeof junk);
	fwrite(junk, 1, sizeof junk, fp);
	fflush(fp);
	if (write(*fd, "x", 1) != 1)
		_exit(3);
	for (;;)
		pause();
	return 0;
}

/* Unknown counts and the data's date survive a write, flags and all. */
static void test_unknowns_round_trip(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta m = { 0 };
	struct ht_item it;
	struct ht_snapshot *s, *l;
	struct store_err err;
	void *img;
	size_t len;
	(void)state;
	memset(&it, 0, sizeof it);
	it.id = "a/known";
	it.downloads = 0;
	it.flags = HT_F_DLA_UNKNOWN;
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	it.id = "a/null";
	it.flags = HT_F_DL_UNKNOWN | HT_F_DLA_UNKNOWN;
	it.modified = 1656720000; /* 2022-07-02 */
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	m.complete = 1;
	m.fetched_at = 1764000000;
	m.refused = 4;
	s = table_builder_finish(b, &m);
	assert_non_null(s);
	/* No all-time count at all; the date inferred from the data. */
	assert_int_equal(s->meta.no_alltime, 1u << HT_MODELS);
	assert_true(s->meta.as_of == 1656720000);
	assert_int_equal(s->meta.as_of_inferred, 1);
	assert_int_equal(store_serialize(s, &img, &len, &err), 0);
	l = store_load_mem(img, len, "mem", &err);
	assert_non_null(l);
	assert_int_equal(l->meta.format_version, STORE_FORMAT_VERSION);
	assert_int_equal(l->meta.no_alltime, 1u << HT_MODELS);
	assert_true(l->meta.as_of == 1656720000);
	assert_int_equal(l->meta.as_of_inferred, 1);
	assert_int_equal(l->meta.refused, 4);
	/* The null count is the last row, flagged, not a measured 0. */
	assert_string_equal(ht_id(l, HT_MODELS, 1), "a/null");
	assert_true(l->t[HT_MODELS].flags[1] & HT_F_DL_UNKNOWN);
	assert_false(l->t[HT_MODELS].flags[0] & HT_F_DL_UNKNOWN);
	table_free(l); /* frees img */
	table_free(s);
}

/* A version-1 file (no date of the data, unknown all-time counts stored as
 * 0 without a flag) still loads: all-zero all-time counts read as none. */
static void test_version_1(void **state)
{
	struct ht_snapshot *s = build(40, 0), *l;
	struct store_err err;
	unsigned char *img;
	void *p;
	size_t len;
	uint64_t zero = 0, cs, as_of;
	uint32_t ver = 1, flags;
	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		if (pass) /* the listing had no all-time counts: version 1 stored 0 */
			memset(s->t[HT_MODELS].downloads_all, 0, s->t[HT_MODELS].n * sizeof(uint64_t));
		/* Versions 1 and 2 share one layout (a 40-entry section table in
		 * the 1024-byte header, no params column). */
		assert_int_equal(store_serialize_version(s, 2, &p, &len, &err), 0);
		img = p;
		/* What hubtop 1 wrote: version 1, two flags, no date field. */
		memcpy(img + 8, &ver, 4);
		memcpy(&flags, img + 32, 4);
		flags &= 3;
		memcpy(img + 32, &flags, 4);
		memcpy(img + 992, &zero, 8);
		memcpy(img + 24, &zero, 8);
		cs = store_checksum(img, len);
		memcpy(img + 24, &cs, 8);
		l = store_load_mem(img, len, "v1", &err);
		if (!l)
			fail_msg("version 1 refused: %s", err.msg);
		assert_int_equal(l->meta.format_version, 1);
		assert_int_equal(l->t[HT_MODELS].n, 40);
		/* The fetch's time is the only date a version-1 file has. */
		as_of = (uint64_t)l->meta.as_of;
		assert_true(as_of == 1764000000);
		assert_int_equal(l->meta.as_of_inferred, 1);
		assert_int_equal((l->meta.no_alltime >> HT_MODELS) & 1, pass);
		table_free(l);
	}
	table_free(s);
}

/* A version-2 file (before the params column) loads, every size unknown;
 * a version-3 file keeps the sizes. */
static void test_version_2_sizes(void **state)
{
	struct ht_snapshot *s = build(40, 0), *l;
	struct store_err err;
	void *p;
	size_t len;
	(void)state;
	for (uint32_t i = 0; i < s->t[HT_MODELS].n; i++) {
		s->t[HT_MODELS].params[i] = i % 3 ? 7000000000ull + i : 0;
		if (i % 3)
			s->t[HT_MODELS].flags[i] &= (uint8_t)~HT_F_PARAMS_UNKNOWN;
		else
			s->t[HT_MODELS].flags[i] |= HT_F_PARAMS_UNKNOWN;
	}
	assert_int_equal(store_serialize_version(s, 2, &p, &len, &err), 0);
	l = store_load_mem(p, len, "v2", &err);
	if (!l)
		fail_msg("version 2 refused: %s", err.msg);
	assert_int_equal(l->meta.format_version, 2);
	assert_null(l->t[HT_MODELS].params);
	for (uint32_t i = 0; i < l->t[HT_MODELS].n; i++)
		assert_true(ht_params(l, HT_MODELS, i) == 0);
	table_free(l);
	assert_int_equal(store_serialize(s, &p, &len, &err), 0);
	l = store_load_mem(p, len, "v3", &err);
	if (!l)
		fail_msg("version 3 refused: %s", err.msg);
	assert_int_equal(l->meta.format_version, 3);
	assert_non_null(l->t[HT_MODELS].params);
	for (uint32_t i = 0; i < l->t[HT_MODELS].n; i++)
		assert_true(ht_params(l, HT_MODELS, i) == (i % 3 ? 7000000000ull + i : 0));
	table_free(l);
	table_free(s);
}

static void test_killed_writer(void **state)
{
	struct ht_snapshot *s = build(200, 0), *l;
	struct store_err err = { { 0 } };
	int pfd[2], st;
	char c;
	pid_t pid;
	(void)state;
	assert_int_equal(store_write(s, path, &err), 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		store_atomic_write(path, half_writer, &pfd[1], &err);
		_exit(0);
	}
	close(pfd[1]);
	/* Blocks until the child is mid-write. */
	assert_int_equal(read(pfd[0], &c, 1), 1);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(pfd[0]);
	l = store_load(path, &err);
	if (!l)
		fail_msg("old snapshot lost: %s", err.msg);
	assert_same(s, l);
	table_free(s);
	table_free(l);
}

/* Temporary files of dead writers are removed by the next write; those of
 * live processes are left alone. */
static void test_stale_temps(void **state)
{
	struct ht_snapshot *s = build(10, 0);
	struct store_err err = { { 0 } };
	char dead[1200], live[1200];
	pid_t pid = fork();
	int st;
	(void)state;
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	snprintf(dead, sizeof dead, "%s.tmp.%ld", path, (long)pid);
	snprintf(live, sizeof live, "%s.tmp.%ld", path, (long)getppid());
	write_file(dead, "junk", 4);
	write_file(live, "junk", 4);
	assert_int_equal(store_write(s, path, &err), 0);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	unlink(live);
	table_free(s);
}

static void test_unwritable(void **state)
{
	struct ht_snapshot *s = build(10, 0);
	struct store_err err = { { 0 } };
	(void)state;
	assert_int_equal(store_write(s, "/nonexistent-dir/x.hts", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent-dir"));
	table_free(s);
}

static int put_text(void *ctx, void *fp)
{
	return fputs(ctx, fp) == EOF ? -1 : 0;
}

static void slurp_is(const char *file, const char *want)
{
	char buf[256] = "";
	FILE *fp = fopen(file, "r");
	assert_non_null(fp);
	buf[fread(buf, 1, sizeof buf - 1, fp)] = '\0';
	fclose(fp);
	assert_string_equal(buf, want);
}

/* The -o semantics of store_atomic_write: a regular file keeps its mode; a
 * link is followed and stays a link; a FIFO is written to, not replaced; a
 * folder and a dangling link are refused.  A FIFO is never waited on when
 * read as a snapshot. */
static void test_output_kinds(void **state)
{
	const char *dir = testutil_tmpdir("test_store_kinds");
	char f[1100], l[1100], fifo[1100], d[1100];
	struct store_err err = { { 0 } };
	struct stat st;
	(void)state;
	assert_non_null(dir);
	snprintf(f, sizeof f, "%s/file", dir);
	snprintf(l, sizeof l, "%s/link", dir);
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	snprintf(d, sizeof d, "%s/dir", dir);
	assert_int_equal(store_atomic_write(f, put_text, "one", &err), 0);
	assert_int_equal(chmod(f, 0604), 0);
	assert_int_equal(store_atomic_write(f, put_text, "two", &err), 0);
	slurp_is(f, "two");
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(symlink("file", l), 0);
	assert_int_equal(store_atomic_write(l, put_text, "three", &err), 0);
	assert_int_equal(lstat(l, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	slurp_is(f, "three");
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(store_atomic_write(d, put_text, "x", &err), -1);
	assert_non_null(strstr(err.msg, "is a folder"));
	assert_int_equal(unlink(l), 0);
	assert_int_equal(symlink("missing/x", l), 0);
	assert_int_equal(store_atomic_write(l, put_text, "x", &err), -1);
	assert_non_null(strstr(err.msg, "symbolic link"));
	/* A FIFO: a child reads it; the FIFO stays. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	{
		int fds[2];
		pid_t pid;
		char buf[64] = "";
		ssize_t n;
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int fd = open(fifo, O_RDONLY);
			n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
			_exit(n > 0 && write(fds[1], buf, (size_t)n) == n ? 0 : 1);
		}
		close(fds[1]);
		assert_int_equal(store_atomic_write(fifo, put_text, "via fifo", &err), 0);
		n = read(fds[0], buf, sizeof buf - 1);
		close(fds[0]);
		waitpid(pid, NULL, 0);
		assert_int_equal(n, 8);
		assert_memory_equal(buf, "via fifo", 8);
		assert_int_equal(lstat(fifo, &st), 0);
		assert_true(S_ISFIFO(st.st_mode));
	}
	/* Read as a snapshot: refused at once, no writer needed. */
	assert_null(store_load(fifo, &err));
	assert_non_null(strstr(err.msg, "not a regular file"));
	{
		struct ht_meta meta;
		uint32_t counts[HT_KIND_COUNT];
		assert_int_equal(store_peek(fifo, &meta, counts), -1);
	}
}

/* The cache's own files are never opened through a link: a link at the
 * name is removed and a fresh file made; the file it named is untouched. */
static void test_cache_files(void **state)
{
	const char *dir = testutil_tmpdir("test_store_cache");
	char victim[1100], name[1100];
	struct stat st;
	FILE *fp;
	int fd;
	(void)state;
	assert_non_null(dir);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	snprintf(name, sizeof name, "%s/fetch.lock", dir);
	fp = fopen(victim, "w");
	assert_non_null(fp);
	fputs("precious", fp);
	fclose(fp);
	assert_int_equal(symlink(victim, name), 0);
	fd = store_cache_open(name, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1234\n", 5), 5);
	close(fd);
	slurp_is(victim, "precious");
	assert_int_equal(lstat(name, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A hard link too. */
	assert_int_equal(unlink(name), 0);
	assert_int_equal(link(victim, name), 0);
	fd = store_cache_open(name, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	slurp_is(victim, "precious");
	/* Read: a link or a FIFO is as good as absent. */
	assert_int_equal(unlink(name), 0);
	assert_int_equal(symlink(victim, name), 0);
	assert_null(store_cache_read(name));
	assert_int_equal(unlink(name), 0);
	assert_int_equal(mkfifo(name, 0600), 0);
	assert_null(store_cache_read(name));
	/* A FIFO at a name to write: replaced, never waited on. */
	fd = store_cache_open(name, O_RDWR);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(lstat(name, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void test_paths(void **state)
{
	char buf[512], dir[1200];
	struct store_err err = { { 0 } };
	(void)state;
	setenv("HUBTOP_CACHE_DIR", "/x/y", 1);
	assert_int_equal(store_cache_dir(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/y");
	assert_int_equal(store_cache_dir("/o", buf, sizeof buf), 0);
	assert_string_equal(buf, "/o");
	unsetenv("HUBTOP_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/c", 1);
	assert_int_equal(store_cache_dir(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "/c/hubtop");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/h", 1);
	assert_int_equal(store_cache_dir(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "/h/.cache/hubtop");
	snprintf(dir, sizeof dir, "%s.d/a/b", path);
	assert_int_equal(store_mkdirs(dir, &err), 0);
	/* A file where the folder should be. */
	assert_int_equal(store_mkdirs(path, &err), -1);
	assert_non_null(strstr(err.msg, "not a folder"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_write_is_serialize),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_unknowns_round_trip),
		cmocka_unit_test(test_version_1),
		cmocka_unit_test(test_version_2_sizes),
		cmocka_unit_test(test_killed_writer),
		cmocka_unit_test(test_stale_temps),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_output_kinds),
		cmocka_unit_test(test_cache_files),
		cmocka_unit_test(test_paths),
	};
	const char *dir = testutil_tmpdir("store");
	if (!dir)
		return 1;
	snprintf(path, sizeof path, "%s/snap.hts", dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

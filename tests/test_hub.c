/* test_hub.c - the hub client against the test hub (tests/testhub), a real
 * HTTP server on 127.0.0.1: complete crawls, every fault, resumption after
 * errors, Ctrl-C and SIGKILL, the lock, the token's whereabouts. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "testutil.h"
#include "hubtop/hub.h"
#include "hubtop/orgdir.h"
#include "hubtop/store.h"
#include "hubtop/table.h"

#define TOKEN "hf_TestSecretToken0123456789abcdef"

static const char *testhub_bin;
static char fixtures[1024];
static char work[1024];

struct hubproc {
	pid_t pid;
	int port;
	char endpoint[64];
	char log[1200], served[1200], cache[1200], snap[1300];
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts the test hub with args (NULL-terminated) and reads its port. */
static void hub_start(struct hubproc *h, const char *name, const char *const *args)
{
	int fds[2];
	char buf[64] = "";
	size_t have = 0;
	struct pollfd p;
	double end = now_s() + 20;
	char cmd[8192];

	memset(h, 0, sizeof *h);
	snprintf(h->log, sizeof h->log, "%s/%s.log", work, name);
	snprintf(h->served, sizeof h->served, "%s/%s.served", work, name);
	snprintf(h->cache, sizeof h->cache, "%s/%s.cache", work, name);
	snprintf(h->snap, sizeof h->snap, "%s/snapshot.bin", h->cache);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", h->log, h->served, h->cache);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pipe(fds), 0);
	h->pid = fork();
	assert_true(h->pid >= 0);
	if (h->pid == 0) {
		const char *argv[64];
		size_t n = 0;
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		argv[n++] = testhub_bin;
		argv[n++] = "--log";
		argv[n++] = h->log;
		argv[n++] = "--served";
		argv[n++] = h->served;
		argv[n++] = "--max-seconds";
		argv[n++] = "120";
		for (; args && *args && n < 62; args++)
			argv[n++] = *args;
		argv[n] = NULL;
		execv(testhub_bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	p.fd = fds[0];
	p.events = POLLIN;
	while (!strchr(buf, '\n') && now_s() < end && have < sizeof buf - 1) {
		ssize_t r;
		if (poll(&p, 1, 1000) <= 0)
			continue;
		r = read(fds[0], buf + have, sizeof buf - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
	}
	close(fds[0]);
	if (sscanf(buf, "PORT %d", &h->port) != 1)
		fail_msg("the test hub did not print its port (got '%s')", buf);
	snprintf(h->endpoint, sizeof h->endpoint, "http://127.0.0.1:%d", h->port);
}

static void hub_stop(struct hubproc *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGTERM);
		waitpid(h->pid, NULL, 0);
		h->pid = 0;
	}
}

static void opts_for(struct hub_opts *o, const struct hubproc *h)
{
	hub_opts_init(o);
	o->endpoint = h->endpoint;
	o->cache_dir = h->cache;
	o->snapshot = h->snap;
	o->backoff_base = 0.001;
	o->max_retries = 3;
	o->timeout_s = 1;
	o->orgs_check = 0;
}

/* ---- sets of ids ------------------------------------------------------------ */

struct ids {
	char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ids_free(struct ids *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void ids_push(struct ids *s, const char *id)
{
	s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
	assert_non_null(s->v);
	s->v[s->n++] = strdup(id);
}

/* What the hub served for a kind, unique, valid ids only. */
static void served_ids(const struct hubproc *h, const char *kind, struct ids *out)
{
	FILE *fp = fopen(h->served, "r");
	char line[4096];
	size_t i, o = 0;
	memset(out, 0, sizeof *out);
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\n")] = '\0';
		if (!strcmp(line, kind) && table_id_valid(tab + 1))
			ids_push(out, tab + 1);
	}
	fclose(fp);
	qsort(out->v, out->n, sizeof *out->v, cmp_str);
	for (i = 0; i < out->n; i++) {
		if (o && !strcmp(out->v[o - 1], out->v[i])) {
			free(out->v[i]);
			continue;
		}
		out->v[o++] = out->v[i];
	}
	out->n = o;
}

static struct ht_snapshot *load_snap(const char *path)
{
	struct store_err e;
	struct ht_snapshot *s = store_load(path, &e);
	if (!s)
		fail_msg("snapshot %s: %s", path, e.msg);
	return s;
}

/* The snapshot holds exactly the served items of the kind: none lost, none twice. */
static void assert_exactly_served(const struct hubproc *h, const struct ht_snapshot *s,
				  enum ht_kind k, const char *kind)
{
	struct ids want, got = { 0 };
	uint32_t r;
	size_t i;
	served_ids(h, kind, &want);
	for (r = 0; r < s->t[k].n; r++)
		ids_push(&got, ht_id(s, k, r));
	qsort(got.v, got.n, sizeof *got.v, cmp_str);
	for (i = 1; i < got.n; i++)
		if (!strcmp(got.v[i - 1], got.v[i]))
			fail_msg("%s: %s is in the snapshot twice", kind, got.v[i]);
	for (i = 0; i < got.n && i < want.n; i++)
		if (strcmp(got.v[i], want.v[i]))
			fail_msg("%s: snapshot has %s where the hub served %s", kind, got.v[i], want.v[i]);
	if (got.n != want.n)
		fail_msg("%s: snapshot has %zu items, the hub served %zu", kind, got.n, want.n);
	assert_true(want.n > 0);
	ids_free(&want);
	ids_free(&got);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

static int file_contains(const char *path, const char *needle)
{
	size_t len;
	char *b = slurp(path, &len);
	int found;
	if (!b)
		return 0;
	found = memmem(b, len, needle, strlen(needle)) != NULL;
	free(b);
	return found;
}

static int count_lines_with(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "r");
	char line[16384];
	int n = 0;
	if (!fp)
		return 0;
	while (fgets(line, sizeof line, fp))
		if (strstr(line, needle))
			n++;
	fclose(fp);
	return n;
}

static int exists(const char *dir, const char *name)
{
	char p[1400];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void fixture_args(const char **a, size_t *n, const char *page_size)
{
	static char m[1100], d[1100];
	snprintf(m, sizeof m, "%s/hub-models.jsonl", fixtures);
	snprintf(d, sizeof d, "%s/hub-datasets.jsonl", fixtures);
	a[(*n)++] = "--models";
	a[(*n)++] = m;
	a[(*n)++] = "--datasets";
	a[(*n)++] = d;
	a[(*n)++] = "--page-size";
	a[(*n)++] = page_size;
	a[(*n)++] = "--org";
	a[(*n)++] = "google";
	a[(*n)++] = "--org";
	a[(*n)++] = "facebook";
}

/* ---- tests ------------------------------------------------------------------- */

static void test_complete_crawl(void **state)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s;
	struct orgdir *d = orgdir_new();
	uint32_t a;
	(void)state;

	fixture_args(args, &n, "7");
	args[n] = NULL;
	hub_start(&h, "complete", args);
	opts_for(&o, &h);
	o.orgs_check = 6;
	assert_non_null(d);
	assert_int_equal(orgdir_load_string(d, "account\tname\tcountries\ttype\tsame_as\tnote\n"
					       "meta-llama\tMeta\tUS\tindustry\t\t\n",
					    strlen("account\tname\tcountries\ttype\tsame_as\tnote\n"
						   "meta-llama\tMeta\tUS\tindustry\t\t\n"),
					    "test", NULL),
			 0);
	if (hub_fetch(&o, d, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	assert_non_null(strstr(err, "Fetched"));
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	assert_int_equal(s->meta.complete, 1);
	assert_int_equal(s->meta.demo, 0);
	assert_string_equal(s->meta.endpoint, h.endpoint);
	/* The top model comes first: rows are sorted by downloads. */
	assert_string_equal(ht_id(s, HT_MODELS, 0), "bert-base-uncased");
	/* Organisation check: google answers 200, someuser 404, meta-llama is in the
	 * directory and is never asked. */
	a = table_find_account(s, "google");
	assert_true(a != UINT32_MAX);
	assert_int_equal(s->acct_kind[a], HT_ACCT_ORG);
	a = table_find_account(s, "google-bert");
	if (a != UINT32_MAX)
		assert_int_equal(s->acct_kind[a], HT_ACCT_USER);
	assert_int_equal(count_lines_with(h.log, "/api/organizations/meta-llama/"), 0);
	assert_int_equal(count_lines_with(h.log, "/api/organizations/"), 6);
	/* Every listing request asks for downloads explicitly, sorted by downloads. */
	assert_int_equal(count_lines_with(h.log, "GET /api/models?") +
				 count_lines_with(h.log, "GET /api/datasets?"),
			 count_lines_with(h.log, "expand%5B%5D=downloads&"));
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 6);
	assert_int_equal(count_lines_with(h.log, "GET /api/datasets?"), 3);
	assert_true(count_lines_with(h.log, "sort=downloads&limit=1000") >= 2);
	assert_int_equal(count_lines_with(h.log, "expand%5B%5D=pipeline_tag"),
			 count_lines_with(h.log, "GET /api/models?"));
	/* Keep-alive: every request of the crawl, listings and organisations,
	 * on the first connection; compression offered on each. */
	assert_int_equal(count_lines_with(h.log, "\tconn=1\n"), 6 + 3 + 6);
	assert_int_equal(count_lines_with(h.log, "\tconn="), 6 + 3 + 6);
	assert_int_equal(count_lines_with(h.log, "Accept-Encoding: "), 6 + 3 + 6);
	/* Journal gone after success, and the state with its spare file. */
	assert_false(exists(h.cache, "fetch.journal"));
	assert_false(exists(h.cache, "fetch.state"));
	assert_false(exists(h.cache, "fetch.state.tmp"));
	/* No token configured: none sent. */
	assert_int_equal(count_lines_with(h.log, "uthorization"), 0);
	table_free(s);
	orgdir_free(d);
	hub_stop(&h);
}

static void test_limit_fallback_and_top(void **state)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s;
	(void)state;

	fixture_args(args, &n, "1000");
	args[n++] = "--max-limit";
	args[n++] = "500";
	args[n] = NULL;
	hub_start(&h, "fallback", args);
	opts_for(&o, &h);
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	table_free(s);
	assert_true(count_lines_with(h.log, "limit=1000") >= 1);
	assert_true(count_lines_with(h.log, "limit=500") >= 2);
	hub_stop(&h);

	/* --top 10 over pages of 7: exactly the 10 most downloaded, marked partial. */
	n = 0;
	fixture_args(args, &n, "7");
	args[n] = NULL;
	hub_start(&h, "top", args);
	opts_for(&o, &h);
	o.top_n = 10;
	o.datasets = 0;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_int_equal(s->t[HT_MODELS].n, 10);
	assert_int_equal(s->t[HT_DATASETS].n, 0);
	assert_int_equal(s->meta.complete, 0);
	assert_int_equal(s->meta.top_n, 10);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_int_equal(count_lines_with(h.log, "limit=10&"), 1);
	assert_int_equal(count_lines_with(h.log, "limit=3&"), 1);
	table_free(s);
	hub_stop(&h);

	/* The same with the second page cut short: asked again, still exactly 10. */
	n = 0;
	fixture_args(args, &n, "7");
	args[n++] = "--fault";
	args[n++] = "truncate@2";
	args[n] = NULL;
	hub_start(&h, "top-cut", args);
	opts_for(&o, &h);
	o.top_n = 10;
	o.datasets = 0;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_int_equal(s->t[HT_MODELS].n, 10);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_int_equal(count_lines_with(h.log, "limit=3&"), 2);
	table_free(s);
	hub_stop(&h);
}

/* Faults the crawl must get through with exactly the served items. */
static void run_transient(const char *fault, const char *extra, double min_s)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048], name[64];
	struct ht_snapshot *s;
	double t0;

	fixture_args(args, &n, "6");
	args[n++] = "--fault";
	args[n++] = fault;
	if (extra)
		args[n++] = extra;
	args[n] = NULL;
	snprintf(name, sizeof name, "t-%s", fault);
	for (n = 0; name[n]; n++)
		if (name[n] == '@' || name[n] == ':')
			name[n] = '_';
	hub_start(&h, name, args);
	opts_for(&o, &h);
	o.orgs_check = 3;
	t0 = now_s();
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fault %s: fetch failed: %s", fault, err);
	if (now_s() - t0 < min_s)
		fail_msg("fault %s: done in %.2f s, expected a wait of %.1f s", fault, now_s() - t0,
			 min_s);
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	if (!strncmp(fault, "change", 6))
		assert_non_null(strstr(err, "seen twice"));
	table_free(s);
	assert_false(exists(h.cache, "fetch.journal"));
	hub_stop(&h);
}

static void test_transient_faults(void **state)
{
	static const char *const faults[] = {
		"500@2x2", "502@3", "503@1", "504@4x3", "408@2", "reset@2", "reset@5x2",
		"truncate@3", "malformed@2", "html@4", "empty@2", "deep@3", "redirect@2",
		/* Not JSON: found while the next page downloads; the last page of a
		 * kind, and several answers in a row. */
		"malformed@7", "html@7x2", "malformed@2x3", "empty@9x3", "truncate@2x3",
		"redirect@1", "change@3", "change@9", "bigstring@2", "badutf8@3", "org:503@1x2",
		"org:429@2", NULL
	};
	size_t i;
	(void)state;
	for (i = 0; faults[i]; i++)
		run_transient(faults[i], NULL, 0);
	run_transient("503@2", "--chunked", 0);
}

/* Pages sent gzip-encoded, as a server that compresses does: the client asks
 * for it, decodes it, and keeps exactly the items served. */
static void test_compressed(void **state)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s;
	int asked;
	(void)state;

	fixture_args(args, &n, "5");
	args[n++] = "--gzip";
	args[n] = NULL;
	hub_start(&h, "gzip", args);
	opts_for(&o, &h);
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	table_free(s);
	/* Every listing request accepted gzip, so every page came encoded. */
	asked = count_lines_with(h.log, "GET /api/models?") + count_lines_with(h.log, "GET /api/datasets?");
	assert_int_equal(asked, 9 + 4);
	assert_int_equal(count_lines_with(h.log, "gzip"), count_lines_with(h.log, "\tconn="));
	hub_stop(&h);
}

static void test_rate_limit_waits(void **state)
{
	(void)state;
	/* The backoff is a millisecond: a full second shows the header was obeyed. */
	run_transient("429@2", NULL, 0.9);
	run_transient("429retry@3", NULL, 0.9);
}

static void test_slow_server(void **state)
{
	(void)state;
	/* A stalled body is abandoned after timeout_s (1 s) and asked again. */
	run_transient("slow@2", NULL, 0.9);
}

/* Faults that must stop the crawl with a clear error, the old snapshot intact. */
static void run_fatal(const char *fault, const char *const *extra, const char *const *expect,
		      struct hubproc *h, int keep_running)
{
	const char *args[40];
	size_t n = 0, i;
	struct hub_opts o;
	char err[2048], name[64], cmd[8192], *before, *after;
	size_t lb, la;
	struct ht_snapshot *s;

	fixture_args(args, &n, "6");
	if (fault) {
		args[n++] = "--fault";
		args[n++] = fault;
	}
	for (; extra && *extra; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	snprintf(name, sizeof name, "f-%s", fault ? fault : "none");
	for (i = 0; name[i]; i++)
		if (name[i] == '@' || name[i] == ':')
			name[i] = '_';
	hub_start(h, name, args);
	/* An old snapshot from an earlier fetch. */
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s/old.snap' '%s'", h->cache, work, h->snap);
	assert_int_equal(system(cmd), 0);
	before = slurp(h->snap, &lb);
	opts_for(&o, h);
	if (hub_fetch(&o, NULL, err, sizeof err) == 0)
		fail_msg("fault %s: the fetch succeeded: %s", fault, err);
	for (; expect && *expect; expect++)
		if (!strstr(err, *expect))
			fail_msg("fault %s: the error lacks '%s': %s", fault, *expect, err);
	after = slurp(h->snap, &la);
	assert_true(lb == la && !memcmp(before, after, la));
	s = load_snap(h->snap);
	table_free(s);
	free(before);
	free(after);
	if (!keep_running)
		hub_stop(h);
}

static void make_old_snapshot(void)
{
	struct ht_builder *b = table_builder_new();
	struct ht_item it;
	struct ht_meta m;
	struct ht_snapshot *s;
	struct store_err e;
	char path[1200];
	memset(&it, 0, sizeof it);
	it.id = "old/model";
	it.oid = "0123456789abcdef01234567";
	it.downloads = 42;
	assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	memset(&m, 0, sizeof m);
	m.format_version = STORE_FORMAT_VERSION;
	m.complete = 1;
	snprintf(m.endpoint, sizeof m.endpoint, "old");
	s = table_builder_finish(b, &m);
	assert_non_null(s);
	snprintf(path, sizeof path, "%s/old.snap", work);
	if (store_write(s, path, &e))
		fail_msg("%s", e.msg);
	table_free(s);
}

static void test_fatal_faults(void **state)
{
	struct hubproc h;
	static const char *const e500[] = { "HTTP 500", "gave up after 4 attempts", "127.0.0.1",
					    "run the same command again", NULL };
	static const char *const e404[] = { "HTTP 404", "Injected failure", "Hugging Face Hub", NULL };
	static const char *const e403[] = { "HTTP 403", "access", NULL };
	static const char *const ehuge[] = { "larger than 64 MiB", NULL };
	static const char *const edeep[] = { "not a JSON array", "after 4 attempts", NULL };
	static const char *const elink[] = { "localhost", "not the endpoint", "refusing", NULL };
	static const char *const eredir[] = { "redirected to", "localhost", "refusing", NULL };
	static const char *const eloop[] = { "redirects more than", NULL };
	static const char *const emany[] = { "far more JSON values", NULL };
	static const char *const e429[] = { "HTTP 429", "rate limited", NULL };
	static const char *const eempty[] = { "keeps sending empty pages", NULL };
	static const char *const tfast[] = { "--ratelimit-t", "0", NULL };
	(void)state;

	make_old_snapshot();
	run_fatal("500@3x0", NULL, e500, &h, 0);
	run_fatal("404@2", NULL, e404, &h, 0);
	run_fatal("403@1", NULL, e403, &h, 0);
	run_fatal("huge@2", NULL, ehuge, &h, 0);
	run_fatal("endless@3", NULL, ehuge, &h, 0);
	run_fatal("deep@2x0", NULL, edeep, &h, 0);
	run_fatal("manyvalues@2", NULL, emany, &h, 0);
	run_fatal("emptypages@2x0", NULL, eempty, &h, 0);
	run_fatal("429@2x0", tfast, e429, &h, 0);
	run_fatal("linkhost@2", NULL, elink, &h, 1);
	assert_int_equal(count_lines_with(h.log, "Host: localhost"), 0);
	hub_stop(&h);
	run_fatal("redirectoff@3", NULL, eredir, &h, 1);
	assert_int_equal(count_lines_with(h.log, "Host: localhost"), 0);
	hub_stop(&h);
	run_fatal("loop@2x0", NULL, eloop, &h, 0);
}

/* An error stops the crawl; the next fetch resumes from the journal. */
static void test_resume_after_error(void **state)
{
	struct hubproc h;
	static const char *const e500[] = { "HTTP 503", NULL };
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s;
	int before;
	(void)state;

	make_old_snapshot();
	/* Requests 4..7 fail: the first fetch gives up after 4 attempts. */
	run_fatal("503@4x4", NULL, e500, &h, 1);
	assert_true(exists(h.cache, "fetch.journal"));
	assert_true(exists(h.cache, "fetch.state"));
	before = count_lines_with(h.log, "GET /api/models?");
	opts_for(&o, &h);
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("resumed fetch failed: %s", err);
	assert_non_null(strstr(err, "Resumed"));
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	table_free(s);
	/* Pages 1-3 were not asked again: 42 models at 6 a page is 7 pages. */
	assert_int_equal(before, 7);
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 7 + 4);
	hub_stop(&h);
}

static int cancel_after_two(void *ctx, const struct hub_progress *p)
{
	(void)ctx;
	return p->pages >= 2;
}

static void test_cancel_and_resume(void **state)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s;
	(void)state;

	fixture_args(args, &n, "5");
	args[n] = NULL;
	hub_start(&h, "cancel", args);
	opts_for(&o, &h);
	o.progress = cancel_after_two;
	assert_int_equal(hub_fetch(&o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "interrupted"));
	assert_non_null(strstr(err, "resume"));
	assert_false(exists(h.cache, "snapshot.bin"));
	o.progress = NULL;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("resumed fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	table_free(s);
	hub_stop(&h);
}

static void test_lock(void **state)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048], path[1400];
	int fd;
	(void)state;

	fixture_args(args, &n, "50");
	args[n] = NULL;
	hub_start(&h, "lock", args);
	opts_for(&o, &h);
	assert_int_equal(mkdir(h.cache, 0700), 0);
	snprintf(path, sizeof path, "%s/fetch.lock", h.cache);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "4242\n", 5), 5);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(hub_fetch(&o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "another hubtop fetch (pid 4242)"));
	assert_non_null(strstr(err, h.cache));
	assert_int_equal(count_lines_with(h.log, "GET"), 0);
	close(fd);
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch after unlock failed: %s", err);
	hub_stop(&h);
}

static void test_offline_and_bad_endpoint(void **state)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048];
	(void)state;

	fixture_args(args, &n, "50");
	args[n] = NULL;
	hub_start(&h, "offline", args);
	opts_for(&o, &h);
	setenv("HF_HUB_OFFLINE", "1", 1);
	assert_int_equal(hub_fetch(&o, NULL, err, sizeof err), -1);
	unsetenv("HF_HUB_OFFLINE");
	assert_non_null(strstr(err, "HF_HUB_OFFLINE"));
	assert_int_equal(count_lines_with(h.log, "GET"), 0);
	hub_stop(&h);

	o.endpoint = "ftp://example.invalid";
	assert_int_equal(hub_fetch(&o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "not http or https"));
	o.endpoint = "https://user:secret@example.invalid";
	assert_int_equal(hub_fetch(&o, NULL, err, sizeof err), -1);
	assert_null(strstr(err, "secret"));
	/* Nobody listens there: a connection error, retried, then a clear message. */
	o.endpoint = "http://127.0.0.1:1";
	o.max_retries = 1;
	assert_int_equal(hub_fetch(&o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "127.0.0.1:1"));
	assert_non_null(strstr(err, "after 2 attempts"));
}

static void test_token(void **state)
{
	struct hubproc h;
	const char *args[40];
	size_t n = 0;
	struct hub_opts o;
	char err[2048], tok[256], warn[512], path[1400], cmd[8192];
	struct ht_snapshot *s;
	static const char *const e500[] = { "HTTP 500", NULL };
	static const char *const e401[] = { "HTTP 401", "Invalid credentials", "token", NULL };
	static const char *const need[] = { "--require-token", TOKEN, NULL };
	FILE *fp;
	(void)state;

	/* hub_token: environment first, then the file; a readable file warns. */
	setenv("HF_TOKEN", "  " TOKEN "\n", 1);
	assert_int_equal(hub_token(tok, sizeof tok, warn, sizeof warn), 1);
	assert_string_equal(tok, TOKEN);
	setenv("HF_TOKEN", "abc\r\nX-Injected: 1", 1);
	assert_int_equal(hub_token(tok, sizeof tok, warn, sizeof warn), 0);
	assert_non_null(strstr(warn, "ignored"));
	unsetenv("HF_TOKEN");
	snprintf(path, sizeof path, "%s/hfhome/token", work);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(TOKEN "\n", fp);
	fclose(fp);
	chmod(path, 0644);
	assert_int_equal(hub_token(tok, sizeof tok, warn, sizeof warn), 1);
	assert_string_equal(tok, TOKEN);
	assert_non_null(strstr(warn, "chmod 600"));
	chmod(path, 0600);
	assert_int_equal(hub_token(tok, sizeof tok, warn, sizeof warn), 1);
	assert_string_equal(warn, "");

	/* With the token: sent on every request to the hub, and nowhere else. */
	fixture_args(args, &n, "6");
	args[n++] = "--require-token";
	args[n++] = TOKEN;
	args[n] = NULL;
	hub_start(&h, "token", args);
	opts_for(&o, &h);
	o.orgs_check = 4;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch with token failed: %s", err);
	assert_null(strstr(err, TOKEN));
	assert_int_equal(count_lines_with(h.log, "GET "),
			 count_lines_with(h.log, "authorization: Bearer " TOKEN));
	assert_false(file_contains(h.snap, TOKEN));
	assert_false(file_contains(h.snap, "hf_TestSecret"));
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_null(strstr(s->meta.endpoint, TOKEN));
	table_free(s);
	hub_stop(&h);

	/* A crawl cut off with the token: journal and state hold no token. */
	make_old_snapshot();
	run_fatal("500@3x0", need, e500, &h, 0);
	assert_true(exists(h.cache, "fetch.journal"));
	snprintf(cmd, sizeof cmd, "grep -r -l -a 'TestSecret' '%s'", h.cache);
	assert_true(system(cmd) != 0);

	/* Off-host link and redirect with a token: never followed. */
	{
		static const char *const elink[] = { "refusing", NULL };
		static const char *const extra_need[] = { "--require-token", TOKEN, NULL };
		run_fatal("linkhost@2", extra_need, elink, &h, 1);
		assert_int_equal(count_lines_with(h.log, "Host: localhost"), 0);
		hub_stop(&h);
		run_fatal("redirectoff@2", extra_need, elink, &h, 1);
		assert_int_equal(count_lines_with(h.log, "Host: localhost"), 0);
		hub_stop(&h);
	}

	/* The wrong token: 401, the server's message, what to do. */
	unlink(path);
	setenv("HF_TOKEN", "hf_wrong", 1);
	run_fatal(NULL, need, e401, &h, 0);
	unsetenv("HF_TOKEN");
}

/* SIGKILL at random moments, then resume: exactly the served items. */
static void test_sigkill_resume(void **state)
{
	struct hubproc h;
	static const char *const args[] = { "--generate", "3000", "--generate-datasets", "400",
					    "--page-size", "40", "--delay-ms", "2", NULL };
	struct hub_opts o;
	char err[2048], statepath[1400];
	struct ht_snapshot *s;
	int round, kills = 0;
	(void)state;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	hub_start(&h, "sigkill", args);
	opts_for(&o, &h);
	o.orgs_check = 40;
	snprintf(statepath, sizeof statepath, "%s/fetch.state", h.cache);
	for (round = 0; round < 6; round++) {
		pid_t pid;
		int status, target = 1 + rand() % 20;
		double end = now_s() + 20;
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			char e[2048];
			_exit(hub_fetch(&o, NULL, e, sizeof e) ? 1 : 0);
		}
		/* Wait until the journal shows some more progress, then kill at a random instant. */
		for (;;) {
			char *st = slurp(statepath, NULL);
			int pages = 0;
			const char *p = st ? strstr(st, "\npages ") : NULL;
			if (p)
				pages = atoi(p + 7);
			free(st);
			if (pages >= target * (round + 1) / 2 + round || waitpid(pid, &status, WNOHANG) == pid ||
			    now_s() > end)
				break;
			usleep(1000);
		}
		{
			struct timespec ts = { 0, (long)(rand() % 3000) * 1000L };
			nanosleep(&ts, NULL);
		}
		if (kill(pid, SIGKILL) == 0) {
			waitpid(pid, &status, 0);
			if (WIFSIGNALED(status))
				kills++;
		}
	}
	assert_true(kills >= 1);
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("final fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_int_equal(s->t[HT_MODELS].n, 3000);
	assert_int_equal(s->t[HT_DATASETS].n, 400);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	table_free(s);
	hub_stop(&h);
}

static void test_real_listing_2022(void **state)
{
	struct hubproc h;
	const char *path = testutil_shared("hubdata/models-2022-07.jsonl");
	const char *args[8];
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s;
	(void)state;
	if (!path) {
		skip();
		return;
	}
	args[0] = "--models";
	args[1] = path;
	args[2] = NULL;
	hub_start(&h, "real2022", args);
	opts_for(&o, &h);
	o.datasets = 0;
	o.orgs_check = 20;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_true(s->t[HT_MODELS].n > 55000);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_string_equal(ht_id(s, HT_MODELS, 0), "bert-base-uncased");
	table_free(s);
	/* 55,524 items at 1,000 a page. */
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 56);
	hub_stop(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_crawl),
		cmocka_unit_test(test_limit_fallback_and_top),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_transient_faults),
		cmocka_unit_test(test_rate_limit_waits),
		cmocka_unit_test(test_slow_server),
		cmocka_unit_test(test_fatal_faults),
		cmocka_unit_test(test_resume_after_error),
		cmocka_unit_test(test_cancel_and_resume),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_offline_and_bad_endpoint),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_sigkill_resume),
		cmocka_unit_test(test_real_listing_2022),
	};
	const char *src = getenv("HUBTOP_SRCDIR");
	const char *tmp;
	char hfhome[1200];

	testhub_bin = getenv("TESTHUB");
	if (!testhub_bin || access(testhub_bin, X_OK)) {
		fprintf(stderr, "test_hub: $TESTHUB does not name the test hub program; skipped\n");
		return 77;
	}
	snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures", src && *src ? src : ".");
	tmp = testutil_tmpdir("hub");
	if (!tmp)
		return 1;
	snprintf(work, sizeof work, "%s", tmp);
	/* Never the user's own token or Hub. */
	snprintf(hfhome, sizeof hfhome, "%s/hfhome", work);
	mkdir(hfhome, 0700);
	setenv("HF_HOME", hfhome, 1);
	unsetenv("HF_TOKEN");
	unsetenv("HUGGING_FACE_HUB_TOKEN");
	unsetenv("HF_TOKEN_PATH");
	unsetenv("HF_ENDPOINT");
	unsetenv("HF_HUB_OFFLINE");
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_hub.c - the hub client against the test hub (tests/testhub), a real
 * HTTP server on 127.0.0.1: complete crawls and the fields they store, every
 * fault, the backoff, resumption after errors, Ctrl-C and SIGKILL, the lock,
 * the token's whereabouts, organisation answers kept between fetches. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
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

/* ---- stored fields ------------------------------------------------------------- */

/* What an item the hub served becomes in a snapshot, worked out from its
 * JSON here rather than by the listing parser under test. */
static uint64_t want_count(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (uint64_t)v->valuedouble : 0;
}

static const char *want_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static int64_t want_time(const cJSON *o, const char *k)
{
	const char *v = want_str(o, k);
	int64_t t = *v ? table_parse_time(v) : 0;
	return t > 0 ? t : 0;
}

/* The rest of the first tag that starts with prefix, or "". */
static const char *want_tag(const cJSON *o, const char *prefix)
{
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tags"), *t;
	size_t n = strlen(prefix);
	if (!cJSON_IsArray(tags))
		return "";
	cJSON_ArrayForEach(t, tags)
		if (cJSON_IsString(t) && !strncmp(t->valuestring, prefix, n))
			return t->valuestring + n;
	return "";
}

static uint8_t want_gated(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "gated");
	if (cJSON_IsString(v))
		return !strcmp(v->valuestring, "manual") ? HT_F_GATED | HT_F_GATED_MAN : HT_F_GATED;
	return cJSON_IsTrue(v) ? HT_F_GATED : 0;
}

static int want_rel(const char *s, size_t n)
{
	static const struct { const char *name; int rel; } rels[] = {
		{ "finetune", HT_REL_FINETUNE }, { "adapter", HT_REL_ADAPTER },
		{ "quantized", HT_REL_QUANTIZED }, { "merge", HT_REL_MERGE }
	};
	size_t i;
	for (i = 0; i < sizeof rels / sizeof rels[0]; i++)
		if (strlen(rels[i].name) == n && !memcmp(rels[i].name, s, n))
			return rels[i].rel;
	return 0;
}

/* Fields seen with something other than their empty value, by kind: each
 * field the crawl asks for must be, or dropping it would go unnoticed. */
struct fields_seen {
	unsigned downloads, downloads_all, likes, trending, created, modified, pipeline, library,
		gated, author, other_owner, license, links, lists;
};

static void check_u64(const char *id, const char *field, uint64_t got, uint64_t want,
		      unsigned *seen)
{
	if (got != want)
		fail_msg("%s: %s is %llu in the snapshot, the hub served %llu", id, field,
			 (unsigned long long)got, (unsigned long long)want);
	*seen += want != 0;
}

static void check_text(const char *id, const char *field, const char *got, const char *want,
		       unsigned *seen)
{
	if (strcmp(got, want))
		fail_msg("%s: %s is '%s' in the snapshot, the hub served '%s'", id, field, got, want);
	*seen += *want != 0;
}

/* The base models of a model row against its base_model: tags. */
static void check_links(const struct ht_snapshot *s, uint32_t r, const char *id, const cJSON *o,
			unsigned *seen)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tags"), *tag;
	const char *base[16];
	int rel[16];
	size_t n = 0, i;
	uint32_t j;

	if (cJSON_IsArray(tags)) {
		cJSON_ArrayForEach(tag, tags) {
			const char *b, *rest, *colon;
			int rl = HT_REL_UNSPECIFIED;
			if (!cJSON_IsString(tag) || strncmp(tag->valuestring, "base_model:", 11))
				continue;
			rest = tag->valuestring + 11;
			colon = strchr(rest, ':');
			b = rest;
			if (colon) {
				if (!(rl = want_rel(rest, (size_t)(colon - rest))))
					continue;
				b = colon + 1;
			}
			/* A relation tag names the link of the plain one. */
			for (i = 0; i < n && strcmp(base[i], b); i++)
				;
			if (i == n) {
				assert_true(n < 16);
				base[n] = b;
				rel[n++] = rl;
			} else if (rel[i] == HT_REL_UNSPECIFIED) {
				rel[i] = rl;
			}
		}
	}
	if (t->link_count[r] != n)
		fail_msg("%s: %u base models in the snapshot, the hub served %zu", id,
			 t->link_count[r], n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			uint32_t l = t->link_first[r] + j;
			if (!strcmp(ht_str(s, s->link_base[l]), base[i]) && s->link_rel[l] == rel[i])
				break;
		}
		if (j == n)
			fail_msg("%s: base model %s (relation %d) is not in the snapshot", id, base[i],
				 rel[i]);
	}
	*seen += n != 0;
}

/* The extra terms of a dataset row against its task_categories: and language: tags. */
static void check_lists(const struct ht_snapshot *s, uint32_t r, const char *id, const cJSON *o,
			unsigned *seen)
{
	const struct ht_table *t = &s->t[HT_DATASETS];
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tags"), *tag;
	uint32_t n = 0, j;

	if (cJSON_IsArray(tags)) {
		cJSON_ArrayForEach(tag, tags) {
			const char *v = cJSON_IsString(tag) ? tag->valuestring : "";
			if (strncmp(v, "task_categories:", 16) && strncmp(v, "language:", 9))
				continue;
			n++;
			for (j = 0; j < t->list_count[r]; j++)
				if (!strcmp(ht_term(s, s->lists[t->list_first[r] + j]), v))
					break;
			if (j == t->list_count[r])
				fail_msg("%s: the tag %s is not in the snapshot", id, v);
		}
	}
	if (t->list_count[r] != n)
		fail_msg("%s: %u listed tags in the snapshot, the hub served %u", id,
			 t->list_count[r], n);
	*seen += n != 0;
}

/* Every stored field of the row of the item o against what the hub served. */
static void check_row(const struct ht_snapshot *s, enum ht_kind k, const cJSON *o,
		      struct fields_seen *seen)
{
	const struct ht_table *t = &s->t[k];
	const char *id = want_str(o, "id"), *author = want_str(o, "author");
	const cJSON *trend = cJSON_GetObjectItemCaseSensitive(o, "trendingScore");
	char owner[256];
	uint32_t r;

	if (!table_id_valid(id))
		return;
	r = table_find_id(s, k, id);
	if (r == UINT32_MAX)
		fail_msg("%s: served but not in the snapshot", id);
	check_u64(id, "downloads", t->downloads[r], want_count(o, "downloads"), &seen->downloads);
	check_u64(id, "downloadsAllTime", t->downloads_all[r], want_count(o, "downloadsAllTime"),
		  &seen->downloads_all);
	check_u64(id, "likes", t->likes[r], want_count(o, "likes"), &seen->likes);
	check_u64(id, "trendingScore", t->trending[r],
		  cJSON_IsNumber(trend) && trend->valuedouble > 0 ? (uint64_t)trend->valuedouble : 0,
		  &seen->trending);
	check_u64(id, "createdAt", (uint64_t)t->created[r], (uint64_t)want_time(o, "createdAt"),
		  &seen->created);
	check_u64(id, "lastModified", (uint64_t)t->modified[r],
		  (uint64_t)want_time(o, "lastModified"), &seen->modified);
	check_u64(id, "gated", t->flags[r] & (HT_F_GATED | HT_F_GATED_MAN), want_gated(o),
		  &seen->gated);
	check_text(id, "pipeline", ht_term(s, t->pipeline[r]),
		   k == HT_MODELS ? want_str(o, "pipeline_tag") : want_tag(o, "task_categories:"),
		   &seen->pipeline);
	check_text(id, "library", ht_term(s, t->library[r]),
		   k == HT_MODELS ? want_str(o, "library_name") : "", &seen->library);
	check_text(id, "license", ht_term(s, t->license[r]), want_tag(o, "license:"),
		   &seen->license);
	/* The account: the author, else the id's owner (a legacy id owns itself). */
	table_owner_of(id, owner, sizeof owner);
	check_text(id, "author", ht_author(s, k, r),
		   *author && table_id_valid(author) && !strchr(author, '/') ? author : owner,
		   &seen->author);
	seen->other_owner += strcmp(ht_author(s, k, r), owner) != 0;
	if (k == HT_MODELS)
		check_links(s, r, id, o, &seen->links);
	else
		check_lists(s, r, id, o, &seen->lists);
}

/* check_row for every item of a JSON Lines fixture. */
static void check_rows_of(const struct ht_snapshot *s, enum ht_kind k, const char *file,
			  struct fields_seen *seen)
{
	char path[1200], *text, *line, *end;
	size_t len, rows = 0;

	snprintf(path, sizeof path, "%s/%s", fixtures, file);
	text = slurp(path, &len);
	assert_non_null(text);
	for (line = text; line < text + len; line = end + 1) {
		cJSON *o;
		end = memchr(line, '\n', (size_t)(text + len - line));
		if (!end)
			end = text + len;
		if (end == line)
			continue;
		o = cJSON_ParseWithLength(line, (size_t)(end - line));
		assert_true(cJSON_IsObject(o));
		check_row(s, k, o, seen);
		cJSON_Delete(o);
		rows++;
	}
	assert_true(rows > 0);
	free(text);
}

/* Listing requests of a kind, and those of them whose query holds param. */
static void count_param(const char *log, const char *kind, const char *param, int *all, int *with)
{
	FILE *fp = fopen(log, "r");
	char line[16384], pre[64];
	*all = *with = 0;
	assert_non_null(fp);
	snprintf(pre, sizeof pre, "GET /api/%s?", kind);
	while (fgets(line, sizeof line, fp)) {
		char *q, *save = NULL, *tok;
		if (strncmp(line, pre, strlen(pre)))
			continue;
		(*all)++;
		q = line + strlen(pre);
		q[strcspn(q, "\t")] = '\0';
		for (tok = strtok_r(q, "&", &save); tok; tok = strtok_r(NULL, "&", &save))
			if (!strcmp(tok, param)) {
				(*with)++;
				break;
			}
	}
	fclose(fp);
}

/* After a complete crawl every field the snapshot keeps holds what the hub
 * served, and every listing request asked for each of those fields (the
 * hub, like the Hub, sends only what is asked for). */
static void test_stored_fields(void **state)
{
	static const char *const model_fields[] = {
		"downloads", "downloadsAllTime", "likes", "trendingScore", "createdAt",
		"lastModified", "pipeline_tag", "library_name", "tags", "gated", "author", NULL
	};
	static const char *const dataset_fields[] = {
		"downloads", "downloadsAllTime", "likes", "trendingScore", "createdAt",
		"lastModified", "tags", "gated", "author", NULL
	};
	const char *const *fields[HT_KIND_COUNT] = { model_fields, dataset_fields };
	static const char *const kinds[HT_KIND_COUNT] = { "models", "datasets" };
	struct fields_seen seen[HT_KIND_COUNT];
	char m[2][1100], d[2][1100], err[2048];
	const char *args[24];
	struct hubproc h;
	struct hub_opts o;
	struct ht_snapshot *s;
	size_t n = 0;
	int k;
	(void)state;

	snprintf(m[0], sizeof m[0], "%s/hub-models.jsonl", fixtures);
	snprintf(m[1], sizeof m[1], "%s/hub-models-fields.jsonl", fixtures);
	snprintf(d[0], sizeof d[0], "%s/hub-datasets.jsonl", fixtures);
	snprintf(d[1], sizeof d[1], "%s/hub-datasets-fields.jsonl", fixtures);
	args[n++] = "--models";
	args[n++] = m[0];
	args[n++] = "--models";
	args[n++] = m[1];
	args[n++] = "--datasets";
	args[n++] = d[0];
	args[n++] = "--datasets";
	args[n++] = d[1];
	args[n++] = "--page-size";
	args[n++] = "9";
	args[n] = NULL;
	hub_start(&h, "fields", args);
	opts_for(&o, &h);
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	s = load_snap(h.snap);
	assert_exactly_served(&h, s, HT_MODELS, "models");
	assert_exactly_served(&h, s, HT_DATASETS, "datasets");
	memset(seen, 0, sizeof seen);
	check_rows_of(s, HT_MODELS, "hub-models.jsonl", &seen[HT_MODELS]);
	check_rows_of(s, HT_MODELS, "hub-models-fields.jsonl", &seen[HT_MODELS]);
	check_rows_of(s, HT_DATASETS, "hub-datasets.jsonl", &seen[HT_DATASETS]);
	check_rows_of(s, HT_DATASETS, "hub-datasets-fields.jsonl", &seen[HT_DATASETS]);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct fields_seen *f = &seen[k];
		assert_true(f->downloads && f->downloads_all && f->likes && f->trending &&
			    f->created && f->modified && f->gated && f->license && f->pipeline);
		/* An author other than the id's owner: the account comes from it. */
		assert_true(f->other_owner > 0);
	}
	assert_true(seen[HT_MODELS].library && seen[HT_MODELS].links);
	assert_true(seen[HT_DATASETS].lists);
	table_free(s);

	for (k = 0; k < HT_KIND_COUNT; k++) {
		const char *const *f;
		for (f = fields[k]; *f; f++) {
			char param[80];
			int all, with;
			snprintf(param, sizeof param, "expand%%5B%%5D=%s", *f);
			count_param(h.log, kinds[k], param, &all, &with);
			assert_true(all >= 2);
			if (with != all)
				fail_msg("%s: %d of %d listing requests ask for %s", kinds[k], with, all,
					 *f);
		}
	}
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

/* Faults the crawl must get through with exactly the served items, in no
 * less than min_s seconds, retrying after backoff_base (see hub_backoff). */
static void run_transient_backoff(const char *fault, const char *extra, double min_s,
				  double backoff_base)
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
	o.backoff_base = backoff_base;
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

static void run_transient(const char *fault, const char *extra, double min_s)
{
	run_transient_backoff(fault, extra, min_s, 0.001);
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

/* The wait before each retry: base * 2^attempt with a jitter of half of it
 * at most, never past the cap, for any state of the generator. */
static void test_backoff_bounds(void **state)
{
	static const double bases[] = { 0.001, 0.25, 1.0, 7.0 };
	double lo_ratio = 1.0, hi_ratio = 0.0;
	unsigned b, seed, a, rng;
	(void)state;

	for (b = 0; b < sizeof bases / sizeof bases[0]; b++) {
		for (seed = 0; seed < 500; seed++) {
			rng = seed * 2654435761u;
			for (a = 0; a < 24; a++) {
				double full = bases[b] * ldexp(1.0, (int)(a < 16 ? a : 16));
				double lo = full / 2 < HUB_BACKOFF_MAX_S ? full / 2 : HUB_BACKOFF_MAX_S;
				double hi = full < HUB_BACKOFF_MAX_S ? full : HUB_BACKOFF_MAX_S;
				double w = hub_backoff(bases[b], a, &rng);
				if (w < lo * (1 - 1e-12) || w > hi * (1 + 1e-12))
					fail_msg("base %g attempt %u: waited %g s, outside [%g, %g]",
						 bases[b], a, w, lo, hi);
				if (full <= HUB_BACKOFF_MAX_S) {
					if (w / full < lo_ratio)
						lo_ratio = w / full;
					if (w / full > hi_ratio)
						hi_ratio = w / full;
				}
			}
		}
	}
	/* The jitter spans its whole range, not a fixed point of it. */
	assert_true(lo_ratio < 0.51);
	assert_true(hi_ratio > 0.99);
	/* Long past the cap: exactly the cap. */
	rng = 1;
	assert_true(hub_backoff(1.0, 7, &rng) == HUB_BACKOFF_MAX_S);
	assert_true(hub_backoff(0.01, 200, &rng) == HUB_BACKOFF_MAX_S);
}

/* A crawl that fails three times in a row waits at least half of
 * base * (1 + 2 + 4) in all. */
static void test_backoff_waits(void **state)
{
	(void)state;
	run_transient_backoff("500@2x3", NULL, 0.1 * 7 / 2, 0.1);
}

/* The error of the last run_fatal. */
static char fatal_err[2048];

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
	snprintf(fatal_err, sizeof fatal_err, "%s", err);
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

/* Every request the hub logged was addressed to it: none followed a link
 * or a redirect to another origin. */
static void assert_only_origin(const struct hubproc *h)
{
	char host[64];
	int n = count_lines_with(h->log, "\tconn=");
	snprintf(host, sizeof host, "\tHost: 127.0.0.1:%d\t", h->port);
	assert_true(n > 0);
	assert_int_equal(count_lines_with(h->log, host), n);
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
	static const char *const elinkport[] = { "next-page link", "not the endpoint", "refusing",
						 NULL };
	static const char *const elinkscheme[] = { "https://127.0.0.1:", "not the endpoint",
						   "refusing", NULL };
	static const char *const ebody[] = { "HTTP 404", ": \"Listing gone, said in the body\"",
					     NULL };
	static const char *const ebodies[] = { "HTTP 404", ": \"First of the errors\"", NULL };
	static const char *const ehead[] = { "HTTP 404", ": \"Listing gone, said in the header\"",
					     NULL };
	static const char *const eboth[] = { "HTTP 404", ": \"Said in the header\"", NULL };
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
	/* Next links to the same host on another port (where the hub answers
	 * too), or with another scheme: refused, never asked. */
	run_fatal("linkport@2", NULL, elinkport, &h, 1);
	assert_only_origin(&h);
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 2);
	hub_stop(&h);
	run_fatal("linkscheme@2", NULL, elinkscheme, &h, 1);
	assert_only_origin(&h);
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 2);
	hub_stop(&h);
	run_fatal("loop@2x0", NULL, eloop, &h, 0);
	/* The server's own words wherever it puts them; the header first. */
	run_fatal("jsonerr@2", NULL, ebody, &h, 0);
	run_fatal("jsonerrs@2", NULL, ebodies, &h, 0);
	run_fatal("hdrerr@2", NULL, ehead, &h, 0);
	assert_null(strstr(fatal_err, "Not Found</body>"));
	run_fatal("botherr@2", NULL, eboth, &h, 0);
	assert_null(strstr(fatal_err, "Said in the body"));
}

static long file_size(const char *dir, const char *name)
{
	char p[1400];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) ? -1 : (long)st.st_size;
}

/* Listing requests the hub logged, models and datasets. */
static int listing_requests(const struct hubproc *h)
{
	return count_lines_with(h->log, "GET /api/models?") +
	       count_lines_with(h->log, "GET /api/datasets?");
}

/* A hostile server (tests/testhub's hostile faults): pagination that never
 * ends, next links that cannot be followed, huge headers, a trickle.  Each
 * stops the crawl with its own message after a bounded number of requests,
 * the journal bounded, the previous snapshot intact (run_fatal). */
static void test_hostile_pagination(void **state)
{
	struct hubproc h;
	static const char *const ecycle[] = { "leads back to a page already fetched", NULL };
	static const char *const esame[] = { "points to the same page", NULL };
	static const char *const eidle[] = { "do not move on", "in a row", NULL };
	static const char *const eidletot[] = { "do not move on", "of this fetch", NULL };
	static const char *const epad[] = { "far more bytes than the items", "16 KiB an item",
					    NULL };
	static const char *const elong[] = { "next-page link", "bytes long",
					     "rather than take the listing as complete", NULL };
	static const char *const ebad[] = { "next-page link", "cannot be read",
					    "rather than take the listing as complete", NULL };
	static const char *const enotaurl[] = { "next-page link", "is not a URL",
						"rather than take the listing as complete", NULL };
	static const char *const ehdr[] = { "headers larger than libcurl accepts", NULL };
	static const char *const emany[] = { "more than 256 KiB of headers", NULL };
	static const char *const eslow[] = { "less than 1024 bytes a second", "3 attempts", NULL };
	static const char *const gen[] = { "--generate", "300", NULL };
	static const char *const cycle4[] = { "--cycle-pages", "4", NULL };
	/* Pages without a new item (empty, each with a next link never seen
	 * before) 5 at a time, a new page between: never more than 5 in a row,
	 * 21 in all by the fifth run. */
	static const char *const idle_runs[] = { "--fault", "emptypages@8x5", "--fault",
						 "emptypages@14x5", "--fault", "emptypages@20x5",
						 "--fault", "emptypages@26x5", NULL };
	double t0;
	(void)state;

	make_old_snapshot();
	/* Cycles of 2 and of 4 pages: stopped when the page that closes the
	 * cycle is accepted, one request later at most.  Bounded faults (x200),
	 * so that a client without the check ends, as if complete. */
	run_fatal("cycle@1x200", NULL, ecycle, &h, 1);
	assert_true(listing_requests(&h) <= 3);
	hub_stop(&h);
	run_fatal("cycle@1x200", cycle4, ecycle, &h, 1);
	assert_true(listing_requests(&h) <= 5);
	hub_stop(&h);
	/* The same page spelled otherwise (parameters reordered, a letter
	 * percent-encoded): never asked for. */
	run_fatal("respell@2x200", NULL, esame, &h, 1);
	assert_int_equal(listing_requests(&h), 2);
	hub_stop(&h);
	run_fatal("selflink@2x200", NULL, esame, &h, 1);
	assert_int_equal(listing_requests(&h), 2);
	hub_stop(&h);
	/* The cursor ignored: page 1 forever, each time with a fresh cursor. */
	run_fatal("ignorecursor@2x200", NULL, eidle, &h, 1);
	assert_true(listing_requests(&h) <= 1 + 6 + 1);
	assert_true(file_size(h.cache, "fetch.journal") < 64 * 1024);
	hub_stop(&h);
	run_fatal("emptypages@2x5", idle_runs, eidletot, &h, 1);
	assert_true(listing_requests(&h) <= 5 * 6 + 1);
	hub_stop(&h);
	/* Each page 1 MiB of padding for 6 new items: the journal stops at
	 * 16 MiB and 16 KiB an item. */
	run_fatal("padded@1x0", gen, epad, &h, 1);
	assert_true(file_size(h.cache, "fetch.journal") <= (16l << 20) + 20 * 6 * (16l << 10));
	hub_stop(&h);
	/* Next links that cannot be followed: never the end of the listing. */
	run_fatal("longlink@2", NULL, elong, &h, 0);
	run_fatal("longlink@4", NULL, elong, &h, 0);
	run_fatal("badlink@3", NULL, ebad, &h, 0);
	run_fatal("notaurl@2", NULL, enotaurl, &h, 0);
	/* Headers libcurl refuses, or that pass the client's own bound: said
	 * so, not "Out of memory". */
	run_fatal("hugeheader@2", NULL, ehdr, &h, 0);
	assert_null(strstr(fatal_err, "Out of memory"));
	run_fatal("hugelink@2", NULL, ehdr, &h, 0);
	assert_null(strstr(fatal_err, "Out of memory"));
	run_fatal("manyheaders@2", NULL, emany, &h, 0);
	/* Two bytes a second: below the low-speed limit for timeout_s (1 s),
	 * given up three times, then a clear error, in seconds. */
	t0 = now_s();
	run_fatal("trickle@2x0", NULL, eslow, &h, 1);
	if (now_s() - t0 > 15)
		fail_msg("a trickling server held the fetch %.1f s", now_s() - t0);
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 1 + 3);
	hub_stop(&h);
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
		run_fatal("linkport@2", extra_need, elink, &h, 1);
		assert_only_origin(&h);
		hub_stop(&h);
		run_fatal("linkscheme@2", extra_need, elink, &h, 1);
		assert_only_origin(&h);
		assert_null(strstr(fatal_err, TOKEN));
		hub_stop(&h);
	}

	/* The wrong token: 401, the server's message, what to do. */
	unlink(path);
	setenv("HF_TOKEN", "hf_wrong", 1);
	run_fatal(NULL, need, e401, &h, 0);
	unsetenv("HF_TOKEN");
}

/* Writes a private token file, making its folders. */
static void write_token(const char *path, const char *token)
{
	char cmd[2400];
	FILE *fp;
	snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", token);
	fclose(fp);
	chmod(path, 0600);
}

/* hub_token finds want (or nothing, want NULL) in the environment as it is;
 * with it, a crawl of a hub that accepts only want succeeds, sending
 * "authorization: Bearer want" on every request and showing it nowhere. */
static void expect_token(const char *want)
{
	struct hubproc h;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char tok[256], warn[512], err[2048], hdr[300];
	int gets;

	if (!want) {
		assert_int_equal(hub_token(tok, sizeof tok, warn, sizeof warn), 0);
		return;
	}
	assert_int_equal(hub_token(tok, sizeof tok, warn, sizeof warn), 1);
	assert_string_equal(tok, want);
	assert_string_equal(warn, "");
	fixture_args(args, &n, "20");
	args[n++] = "--require-token";
	args[n++] = want;
	args[n] = NULL;
	hub_start(&h, "tokensrc", args);
	opts_for(&o, &h);
	o.orgs_check = 2;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch with the token %s failed: %s", want, err);
	assert_null(strstr(err, want));
	snprintf(hdr, sizeof hdr, "\tauthorization: Bearer %s\t", want);
	gets = count_lines_with(h.log, "GET ");
	assert_true(gets > 2);
	assert_int_equal(count_lines_with(h.log, hdr), gets);
	assert_int_equal(count_lines_with(h.log, "uthorization"), gets);
	assert_false(file_contains(h.snap, want));
	hub_stop(&h);
}

/* Where the token comes from, in huggingface_hub's order: $HF_TOKEN, then
 * $HUGGING_FACE_HUB_TOKEN, then one file: $HF_TOKEN_PATH, else
 * $HF_HOME/token, else ${XDG_CACHE_HOME:-~/.cache}/huggingface/token. */
static void test_token_sources(void **state)
{
	static const char *const tok_env = "hf_FromHfTokenVariable0001";
	static const char *const tok_legacy = "hf_FromLegacyVariable0002";
	static const char *const tok_path = "hf_FromTokenPathFile0003";
	static const char *const tok_home = "hf_FromHfHomeFile0004";
	static const char *const tok_xdg = "hf_FromXdgCacheFile0005";
	static const char *const tok_dot = "hf_FromDotCacheFile0006";
	char path_file[1200], home_file[1300], xdg[1200], xdg_file[1300], home[1200],
		dot_file[1300], hfhome[1200], *saved_home;
	(void)state;

	saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	snprintf(hfhome, sizeof hfhome, "%s/hfhome", work);
	snprintf(path_file, sizeof path_file, "%s/tokens/elsewhere", work);
	snprintf(home_file, sizeof home_file, "%s/token", hfhome);
	snprintf(xdg, sizeof xdg, "%s/xdg", work);
	snprintf(xdg_file, sizeof xdg_file, "%s/huggingface/token", xdg);
	snprintf(home, sizeof home, "%s/home", work);
	snprintf(dot_file, sizeof dot_file, "%s/.cache/huggingface/token", home);
	write_token(path_file, tok_path);
	write_token(home_file, tok_home);
	write_token(xdg_file, tok_xdg);
	write_token(dot_file, tok_dot);

	setenv("HF_TOKEN", tok_env, 1);
	setenv("HUGGING_FACE_HUB_TOKEN", tok_legacy, 1);
	setenv("HF_TOKEN_PATH", path_file, 1);
	setenv("XDG_CACHE_HOME", xdg, 1);
	setenv("HOME", home, 1);
	expect_token(tok_env);
	/* An empty variable counts as unset. */
	setenv("HF_TOKEN", "", 1);
	expect_token(tok_legacy);
	unsetenv("HF_TOKEN");
	expect_token(tok_legacy);
	unsetenv("HUGGING_FACE_HUB_TOKEN");
	expect_token(tok_path);
	/* $HF_TOKEN_PATH names the file even when there is none: no other is read. */
	setenv("HF_TOKEN_PATH", "/nonexistent/hubtop-test/token", 1);
	expect_token(NULL);
	unsetenv("HF_TOKEN_PATH");
	expect_token(tok_home);
	unsetenv("HF_HOME");
	expect_token(tok_xdg);
	unsetenv("XDG_CACHE_HOME");
	expect_token(tok_dot);
	unsetenv("HOME");
	expect_token(NULL);

	if (saved_home)
		setenv("HOME", saved_home, 1);
	free(saved_home);
	setenv("HF_HOME", hfhome, 1);
	unlink(home_file);
	expect_token(NULL);
}

/* The names asked about on /api/organizations/NAME/overview, each at most once. */
static int orgs_asked_once(const char *log)
{
	FILE *fp = fopen(log, "r");
	char line[16384];
	struct ids asked = { 0 };
	size_t i;
	int n;
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp)) {
		char *p = strstr(line, "GET /api/organizations/"), *e;
		if (!p)
			continue;
		p += strlen("GET /api/organizations/");
		e = strchr(p, '/');
		assert_non_null(e);
		*e = '\0';
		ids_push(&asked, p);
	}
	fclose(fp);
	qsort(asked.v, asked.n, sizeof *asked.v, cmp_str);
	for (i = 1; i < asked.n; i++)
		if (!strcmp(asked.v[i - 1], asked.v[i]))
			fail_msg("%s was asked about twice", asked.v[i]);
	n = (int)asked.n;
	ids_free(&asked);
	return n;
}

/* Organisation answers live with the snapshot: the next fetch from the same
 * endpoint asks only about accounts it has no answer for, and keeps the
 * answers it did not ask again. */
static void test_org_answers_kept(void **state)
{
	struct hubproc h, h2;
	const char *args[32];
	size_t n = 0;
	struct hub_opts o;
	char err[2048];
	struct ht_snapshot *s1, *s2;
	uint32_t a, orgs = 0, users = 0;
	(void)state;

	fixture_args(args, &n, "7");
	args[n] = NULL;
	hub_start(&h, "orgkeep", args);
	opts_for(&o, &h);
	o.orgs_check = 3;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch failed: %s", err);
	assert_int_equal(orgs_asked_once(h.log), 3);
	/* Three more: only those are asked. */
	o.orgs_check = 6;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("second fetch failed: %s", err);
	assert_int_equal(orgs_asked_once(h.log), 6);
	assert_non_null(strstr(err, "3 accounts checked"));
	assert_non_null(strstr(err, "3 organisation answers kept"));
	s1 = load_snap(h.snap);
	/* The same again: nothing asked, every answer kept. */
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("third fetch failed: %s", err);
	assert_int_equal(count_lines_with(h.log, "/api/organizations/"), 6);
	assert_non_null(strstr(err, "0 accounts checked"));
	assert_non_null(strstr(err, "6 organisation answers kept"));
	assert_int_equal(count_lines_with(h.log, "GET /api/models?"), 3 * 6);
	s2 = load_snap(h.snap);
	assert_int_equal(s1->n_accounts, s2->n_accounts);
	for (a = 0; a < s2->n_accounts; a++) {
		assert_string_equal(ht_str(s1, s1->acct_name[a]), ht_str(s2, s2->acct_name[a]));
		assert_int_equal(s1->acct_kind[a], s2->acct_kind[a]);
		orgs += s2->acct_kind[a] == HT_ACCT_ORG;
		users += s2->acct_kind[a] == HT_ACCT_USER;
	}
	assert_int_equal(orgs + users, 6);
	assert_true(orgs > 0 && users > 0);
	a = table_find_account(s2, "google");
	assert_true(a != UINT32_MAX);
	assert_int_equal(s2->acct_kind[a], HT_ACCT_ORG);
	table_free(s1);
	table_free(s2);
	/* Asked to, it asks every one of them again, with the same answers. */
	o.orgs_recheck = 1;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch with orgs_recheck failed: %s", err);
	assert_int_equal(count_lines_with(h.log, "/api/organizations/"), 12);
	assert_non_null(strstr(err, "6 accounts checked"));
	assert_null(strstr(err, "answers kept"));
	s2 = load_snap(h.snap);
	a = table_find_account(s2, "google");
	assert_true(a != UINT32_MAX);
	assert_int_equal(s2->acct_kind[a], HT_ACCT_ORG);
	table_free(s2);
	o.orgs_recheck = 0;
	hub_stop(&h);

	/* Answers from another endpoint are not taken for this one's. */
	hub_start(&h2, "orgkeep-other", args);
	o.endpoint = h2.endpoint;
	if (hub_fetch(&o, NULL, err, sizeof err))
		fail_msg("fetch from another endpoint failed: %s", err);
	assert_int_equal(orgs_asked_once(h2.log), 6);
	assert_null(strstr(err, "answers kept"));
	hub_stop(&h2);
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

/* ---- the rate limit --------------------------------------------------------- */

/* A value of the test hub's --stats file ("name N" lines); -1 absent. */
static long long stat_of(const char *path, const char *name)
{
	FILE *fp = fopen(path, "r");
	char line[256], key[64];
	long long v, got = -1;
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, "%63s %lld", key, &v) == 2 && !strcmp(key, name))
			got = v;
	fclose(fp);
	return got;
}

/* One GET on a connection of its own, its whole answer into buf; the status. */
static int raw_get(int port, const char *target, char *buf, size_t len)
{
	struct sockaddr_in sa;
	char req[512];
	size_t have = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
		 target);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;
		if (poll(&p, 1, 10000) <= 0)
			break;
		r = read(fd, buf + have, len - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		if (have == len - 1)
			break;
	}
	buf[have] = '\0';
	close(fd);
	sscanf(buf, "HTTP/1.1 %d", &status);
	return status;
}

/* The test hub's policy itself: both headers on every answer, 429 past the
 * quota, counted.  What makes a count of zero below mean something. */
static void test_quota_enforced(void **state)
{
	struct hubproc h;
	const char *args[] = { "--generate", "50", "--quota", "5", "--window", "60", "--stats", NULL,
			       NULL };
	char stats[1300], buf[65536];
	int i, ok = 0, limited = 0;
	(void)state;

	snprintf(stats, sizeof stats, "%s/quota.stats", work);
	unlink(stats);
	args[7] = stats;
	hub_start(&h, "quota", args);
	for (i = 0; i < 8; i++) {
		int st = raw_get(h.port, "/api/models?limit=10", buf, sizeof buf);
		assert_non_null(strstr(buf, "RateLimit-Policy: \"fixed window\";\"api\";q=5;w=60\r\n"));
		assert_non_null(strstr(buf, "RateLimit: \"api\";r="));
		if (st == 200)
			ok++;
		else if (st == 429)
			limited++, assert_non_null(strstr(buf, "RateLimit: \"api\";r=0;t="));
	}
	assert_int_equal(ok, 5);
	assert_int_equal(limited, 3);
	assert_int_equal(stat_of(stats, "limited"), 3);
	assert_int_equal(stat_of(stats, "requests"), 8);
	assert_int_equal(stat_of(stats, "max_in_window"), 5);
	hub_stop(&h);
}

struct quota_seen {
	int quota_waits;       /* reports in a quota wait */
	int bad_policy;        /* a quota wait without the policy */
	int eta_known;         /* reports with an estimate */
	int eta_short;         /* an estimate shorter than the wait under way */
	int retries;           /* the most retries reported */
};

static int quota_progress(void *ctx, const struct hub_progress *p)
{
	struct quota_seen *q = ctx;
	if (p->wait_s > 0 && p->quota_wait) {
		q->quota_waits++;
		if (p->quota != 20 || p->window_s != 2)
			q->bad_policy++;
		if (p->eta_s >= 0 && p->eta_s + 1.0 < p->wait_s)
			q->eta_short++;
	}
	if (p->eta_s >= 0)
		q->eta_known++;
	if ((int)p->retries > q->retries)
		q->retries = (int)p->retries;
	return 0;
}

/* A crawl that needs several windows of a small policy (20 requests every
 * 2 s, 50 pages and more): paced by the headers, it meets no 429 at all,
 * never passes the quota in a window and gets every item; its progress
 * shows the quota waits and an estimate that counts them. */
static void test_polite_crawl(void **state)
{
	struct hubproc h;
	const char *args[] = { "--generate", "1000", "--page-size", "20", "--quota", "20",
			       "--window", "2", "--stats", NULL, NULL };
	char stats[1300], err[2048];
	struct hub_opts o;
	struct quota_seen seen;
	struct ht_snapshot *s;
	int rc;
	(void)state;

	snprintf(stats, sizeof stats, "%s/polite.stats", work);
	unlink(stats);
	args[9] = stats;
	hub_start(&h, "polite", args);
	opts_for(&o, &h);
	o.datasets = 0;
	memset(&seen, 0, sizeof seen);
	o.progress = quota_progress;
	o.ctx = &seen;
	rc = hub_fetch(&o, NULL, err, sizeof err);
	if (rc)
		fail_msg("fetch: %s", err);
	assert_non_null(strstr(err, "Fetched 1000 models"));
	assert_int_equal(stat_of(stats, "limited"), 0);
	assert_non_null(strstr(err, "pauses for the Hub's rate limit (20 requests per 2 s)"));
	assert_true(stat_of(stats, "requests") >= 50);
	assert_true(stat_of(stats, "max_in_window") <= 20);
	assert_true(stat_of(stats, "windows") >= 3);
	assert_true(seen.quota_waits > 0);
	assert_int_equal(seen.bad_policy, 0);
	assert_int_equal(seen.retries, 0);
	s = load_snap(h.snap);
	assert_int_equal(s->t[HT_MODELS].n, 1000);
	table_free(s);

	/* Again, the top 600 only: with the count known, the estimate counts
	 * the waits still to come. */
	memset(&seen, 0, sizeof seen);
	o.top_n = 600;
	rc = hub_fetch(&o, NULL, err, sizeof err);
	if (rc)
		fail_msg("second fetch: %s", err);
	assert_int_equal(stat_of(stats, "limited"), 0);
	assert_true(stat_of(stats, "max_in_window") <= 20);
	assert_true(seen.quota_waits > 0);
	assert_true(seen.eta_known > 0);
	assert_int_equal(seen.eta_short, 0);
	hub_stop(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_crawl),
		cmocka_unit_test(test_stored_fields),
		cmocka_unit_test(test_org_answers_kept),
		cmocka_unit_test(test_limit_fallback_and_top),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_transient_faults),
		cmocka_unit_test(test_rate_limit_waits),
		cmocka_unit_test(test_slow_server),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_backoff_waits),
		cmocka_unit_test(test_fatal_faults),
		cmocka_unit_test(test_hostile_pagination),
		cmocka_unit_test(test_resume_after_error),
		cmocka_unit_test(test_cancel_and_resume),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_offline_and_bad_endpoint),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_token_sources),
		cmocka_unit_test(test_sigkill_resume),
		cmocka_unit_test(test_real_listing_2022),
		cmocka_unit_test(test_quota_enforced),
		cmocka_unit_test(test_polite_crawl),
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
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HF_ENDPOINT");
	unsetenv("HF_HUB_OFFLINE");
	signal(SIGPIPE, SIG_IGN);
	/* HUBTOP_TEST_FILTER=test_x: that test alone (a glob). */
	if ((tmp = getenv("HUBTOP_TEST_FILTER")) && *tmp)
		cmocka_set_test_filter(tmp);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

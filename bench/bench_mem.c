/* bench_mem.c - where the explorer's memory goes once every piece is made:
 * the snapshot loaded as the explorer loads it, attribution, engine_new,
 * engine_prepare_step until nothing is left (what the explorer does while
 * it waits for keys), a search typed and the rankings opened; then the
 * resident memory (anonymous and file-mapped, from /proc) and the engine's
 * pieces one by one (engine_memory), largest first; then the attribution
 * key both ways as the explorer answers it (the other mode's view built on
 * the engine's worker, then the swap: engine_focus), its CPU times, the
 * resident memory while both views exist, and the engine's total with
 * one mode's organisation view (what the explorer holds) and with both.
 * The file-mapped part section by section: the snapshot's columns and how
 * much of each is resident (/proc/self/pagemap) once every piece is made
 * and after a session of keys (a search typed, the windows, filters,
 * sorts, the rankings, the datasets).
 * Usage: bench_mem SNAPSHOT [ORGS.tsv]   Target: resident <= 700 MB for 2M
 * models + 500K datasets. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "hubtop/attrib.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"
#include "hubtop/orgdir.h"
#include "hubtop/store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A field of /proc/self/status, in kB; -1 when absent. */
static long status_kb(const char *field)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	size_t n = strlen(field);
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (!strncmp(line, field, n) && line[n] == ':') {
			kb = atol(line + n + 1);
			break;
		}
	fclose(fp);
	return kb;
}

struct piece {
	char name[96];
	size_t bytes;
};

static struct piece pieces[512];
static size_t n_pieces;

static void on_piece(void *ctx, enum ht_kind kind, const char *piece, const char *view, size_t bytes)
{
	struct piece *p;
	(void)ctx;
	if (n_pieces == sizeof pieces / sizeof pieces[0])
		return;
	p = &pieces[n_pieces++];
	snprintf(p->name, sizeof p->name, "%s%s%s%s%s", kind == HT_MODELS ? "models: " :
		 kind == HT_DATASETS ? "datasets: " : "", piece, view ? " [" : "", view ? view : "",
		 view ? "]" : "");
	p->bytes = bytes;
}

/* The engine's pieces now, into pieces[]: their total, and in *view the
 * part of it that serves the organisation view named. */
static size_t collect(const struct engine *e, const char *view_name, size_t *view)
{
	size_t total = 0, n = strlen(view_name);
	n_pieces = 0;
	*view = 0;
	engine_memory(e, on_piece, NULL);
	for (size_t i = 0; i < n_pieces; i++) {
		size_t len = strlen(pieces[i].name);
		total += pieces[i].bytes;
		if (len > n + 2 && !strncmp(pieces[i].name + len - n - 1, view_name, n))
			*view += pieces[i].bytes;
	}
	return total;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The attribution key as the explorer answers it on the Orgs pane: the
 * other mode's organisation view built on the engine's worker
 * (engine_focus_begin, joined here), then the swap: the mode shown, the
 * models' answer, a screen of organisations with their trending column.
 * Returns the swap's CPU ms; the key's own, the build's (wall, and the
 * process's CPU meanwhile: the worker's) and the resident memory with
 * both views (until the swap) in the statics. */
static double drop_ms, key_ms, build_ms, build_cpu_ms, both_mb;

static double switch_mode(struct engine *e, enum attrib_mode by)
{
	struct filter f;
	struct eng_result *r;
	struct eng_row *rows = NULL;
	double k0 = cpu_ms(), w0 = now_ms(), t0;
	size_t n;
	if (engine_focus_begin(e, by) < 0)
		fprintf(stderr, "bench_mem: no worker for the view: built at the swap\n");
	key_ms = cpu_ms() - k0;
	engine_focus_wait(e);
	build_ms = now_ms() - w0;
	build_cpu_ms = cpu_ms() - k0 - key_ms;
	both_mb = status_kb("VmRSS") / 1024.0;
	t0 = cpu_ms();
	filter_init(&f);
	f.by = by;
	engine_focus(e, by);
	drop_ms = cpu_ms() - t0;
	r = engine_apply(e, &f, HT_MODELS);
	n = r ? engine_rank_top(e, r, PANE_ORGS, SORT_DOWNLOADS, 1, 64, &rows) : 0;
	if (n && n != (size_t)-1)
		engine_rank_trending(e, r, PANE_ORGS, rows, n);
	free(rows);
	engine_result_free(r);
	return cpu_ms() - t0;
}

static void prepare_all(struct engine *e)
{
	while (engine_prepare_step(e) > 0)
		;
}

static int cmp_piece(const void *a, const void *b)
{
	size_t x = ((const struct piece *)a)->bytes, y = ((const struct piece *)b)->bytes;
	return (x < y) - (x > y);
}


/* Bytes of [p, p + len) resident in this process: the present bit of
 * /proc/self/pagemap, page by page.  0 when it cannot be read. */
static size_t resident_of(int fd, const void *p, size_t len)
{
	const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(pg - 1), end = (uintptr_t)p + len;
	uint64_t v[512];
	size_t res = 0;
	while (fd >= 0 && a < end) {
		size_t k = (end - a + pg - 1) / pg;
		ssize_t got;
		if (k > 512)
			k = 512;
		got = pread(fd, v, k * 8, (off_t)(a / pg * 8));
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got / 8; i++)
			res += (v[i] >> 63 & 1) ? pg : 0;
		a += (uintptr_t)(got / 8) * pg;
	}
	return res;
}

/* The snapshot's sections, largest first, with their resident part. */
static void snapshot_sections(const struct ht_snapshot *s, const char *when)
{
	static const char *const col[] = { "id", "author", "downloads", "downloads_all", "likes",
					   "trending", "created", "modified", "pipeline", "library",
					   "license", "flags", "list_first", "list_count", "link_first",
					   "link_count", "params" };
	struct store_section sec[STORE_MAX_SECTIONS];
	size_t n = store_sections(s, sec), total = 0, res_total = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	n_pieces = 0;
	for (size_t i = 0; i < n; i++) {
		struct piece *p = &pieces[n_pieces++];
		const struct ht_table *t = sec[i].table >= 0 ? &s->t[sec[i].table] : NULL;
		const char *name = "?";
		if (t) {
			const void *c[] = { t->id, t->author, t->downloads, t->downloads_all, t->likes,
					    t->trending, t->created, t->modified, t->pipeline, t->library,
					    t->license, t->flags, t->list_first, t->list_count, t->link_first,
					    t->link_count, t->params };
			for (size_t j = 0; j < sizeof c / sizeof c[0]; j++)
				if (c[j] == sec[i].data)
					name = col[j];
		} else {
			name = sec[i].data == s->pool ? "string pool" : sec[i].data == s->terms ? "terms" :
			       sec[i].data == s->acct_name ? "account names" :
			       sec[i].data == s->acct_kind ? "account kinds" : sec[i].data == s->lists ? "term lists" :
			       sec[i].data == s->link_base ? "link bases" : sec[i].data == s->link_rel ? "link relations" :
			       sec[i].data == s->link_row ? "link rows" : "?";
		}
		snprintf(p->name, sizeof p->name, "%s%s", t ? (sec[i].table == HT_MODELS ? "models: " : "datasets: ") : "",
			 name);
		p->bytes = resident_of(fd, sec[i].data, (size_t)sec[i].len);
		total += (size_t)sec[i].len;
		res_total += p->bytes;
	}
	if (fd >= 0)
		close(fd);
	qsort(pieces, n_pieces, sizeof pieces[0], cmp_piece);
	printf("snapshot sections resident %s (%.0f of %.0f MB; the rest under 0.5 MB each):\n", when,
	       res_total / 1048576.0, total / 1048576.0);
	for (size_t i = 0; i < n_pieces && pieces[i].bytes >= (1u << 19); i++)
		printf("  %-62s %8.1f MB\n", pieces[i].name, pieces[i].bytes / 1048576.0);
}

/* What a session asks after the first screens: a search typed letter by
 * letter and erased, the all-time window, the lineage attribution, task,
 * creation and download filters, the items sorted by likes, creation and
 * trending, every ranking with its trending column, the datasets; with
 * the idle work between keys (engine_prepare_step) as the explorer does. */
static void session_keys(struct engine *e)
{
	static const char *const steps[][2] = {
		{ "search", "l" }, { "search", "ll" }, { "search", "lla" }, { "search", "llam" },
		{ "search", "llama" }, { "search", "llama-" }, { "search", "llama-i" }, { "search", "" },
		{ "window", "all" }, { "task", "text-generation" }, { "library", "transformers" },
		{ "created", "2024..2025" }, { "min-downloads", "10" }, { "country", "CN,US" },
		{ "window", "30d" }, { "task", "" }, { "library", "" }, { "created", "" },
		{ "min-downloads", "" }, { "country", "" }, { "search", "qwen" }, { "search", "" },
	};
	static const enum eng_sort sorts[] = { SORT_DOWNLOADS, SORT_LIKES, SORT_CREATED, SORT_TRENDING };
	struct filter f;
	char err[256];
	filter_init(&f);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		for (int k = 0; k < HT_KIND_COUNT; k++) {
			struct eng_result *r;
			uint32_t top[50];
			if (filter_set(&f, steps[i][0], steps[i][1], err, sizeof err))
				continue;
			r = engine_apply(e, &f, (enum ht_kind)k);
			if (!r)
				continue;
			engine_sort_top(e, r, sorts[i % 4], 1, 50, top);
			for (int p = PANE_ORGS; p < PANE_COUNT; p++) {
				struct eng_row *rows = NULL;
				size_t n = engine_rank_top(e, r, (enum eng_pane)p, SORT_DOWNLOADS, 1, 64, &rows);
				if (n && n != (size_t)-1)
					engine_rank_trending(e, r, (enum eng_pane)p, rows, n);
				free(rows);
			}
			engine_result_free(r);
		}
		prepare_all(e);
	}
}

static void rss(const char *when)
{
	printf("%-34s resident %6.0f MB (anonymous %6.0f MB, file-mapped %6.0f MB)\n", when,
	       status_kb("VmRSS") / 1024.0, status_kb("RssAnon") / 1024.0, status_kb("RssFile") / 1024.0);
}

int main(int argc, char **argv)
{
	struct orgdir *d = orgdir_new();
	struct store_err err;
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct eng_result *r[4] = { NULL, NULL, NULL, NULL };
	struct filter f;
	size_t total = 0, up_view = 0, lin_view = 0;
	double t0, rss_one;
	int rc, steps = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_mem SNAPSHOT [ORGS.tsv]\n");
		return 2;
	}
	if (orgdir_load_default(d, argc > 2 ? argv[2] : NULL, NULL) != 0)
		fprintf(stderr, "bench_mem: no organisation directory; every account counts as independent\n");
	rss("at start");
	if (!(s = store_load(argv[1], &err))) {
		fprintf(stderr, "bench_mem: %s\n", err.msg);
		return 1;
	}
	printf("snapshot: %u models, %u datasets, %u accounts, %.0f MB file\n", s->t[HT_MODELS].n,
	       s->t[HT_DATASETS].n, s->n_accounts, s->blob_len / 1048576.0);
	rss("snapshot loaded");
	if (!(a = attrib_build(s, d)) || !(e = engine_new(s, a, d))) {
		fprintf(stderr, "bench_mem: out of memory\n");
		return 1;
	}
	rss("attribution and engine_new");
	t0 = now_ms();
	while ((rc = engine_prepare_step(e)) > 0)
		steps++;
	if (rc < 0) {
		fprintf(stderr, "bench_mem: out of memory while preparing\n");
		return 1;
	}
	printf("engine_prepare_step: %d steps, %.0f ms\n", steps, now_ms() - t0);
	rss("every piece prepared");
	snapshot_sections(s, "once every piece is made");
	/* What a session then adds: a search, the rankings.  The first open
	 * of each ranking pane, as the explorer draws it (a screen of rows
	 * and their trending column) once every piece is prepared: the slow
	 * keys, apart from the terminal. */
	filter_init(&f);
	r[0] = engine_apply(e, &f, HT_MODELS);
	{
		double worst = 0;
		int worst_pane = PANE_ORGS;
		for (int p = PANE_ORGS; p < PANE_COUNT && r[0]; p++) {
			struct eng_row *rows = NULL;
			double p0 = now_ms(), dt;
			/* Orgs: its number of rows and the first rows of two
			 * screens and a margin (view_rank_open); the others
			 * are ranked whole there, and hold a few hundred rows. */
			size_t n = p == PANE_ORGS && engine_rank_count(e, r[0], PANE_ORGS) == (size_t)-1 ? 0
				   : engine_rank_top(e, r[0], (enum eng_pane)p, SORT_DOWNLOADS, 1,
						     p == PANE_ORGS ? 384 : 0, &rows);
			if (n && n != (size_t)-1)
				engine_rank_trending(e, r[0], (enum eng_pane)p, rows, n < 64 ? n : 64);
			dt = now_ms() - p0;
			free(rows);
			printf("  first open of %-10s %6.1f ms\n", engine_pane_key((enum eng_pane)p), dt);
			if (dt > worst) {
				worst = dt;
				worst_pane = p;
			}
		}
		printf("first open of a ranking (as the explorer: Orgs its count and 384 rows, 64 with trending): worst %.1f ms (%s) (target <= 33)\n",
		       worst, engine_pane_key((enum eng_pane)worst_pane));

	}
	snprintf(f.search, sizeof f.search, "llama");
	r[1] = engine_apply(e, &f, HT_MODELS);
	f.search[0] = '\0';
	r[2] = engine_apply(e, &f, HT_DATASETS);
	for (int p = PANE_ORGS; p < PANE_COUNT; p++) {
		struct eng_row *rows = NULL;
		if (r[0])
			engine_rank_top(e, r[0], (enum eng_pane)p, SORT_DOWNLOADS, 1, 50, &rows);
		free(rows);
	}
	rss("after a search and the rankings");
	rss_one = status_kb("VmRSS") / 1024.0;
	total = collect(e, "org/uploader", &up_view);
	qsort(pieces, n_pieces, sizeof pieces[0], cmp_piece);
	printf("engine pieces (%zu) with the uploader mode shown, largest first:\n", n_pieces);
	for (size_t i = 0; i < n_pieces; i++) {
		if (pieces[i].bytes < (1u << 20) && i >= 24) {
			size_t rest = 0;
			for (size_t j = i; j < n_pieces; j++)
				rest += pieces[j].bytes;
			printf("  %-62s %8.1f MB\n", "(the rest, each under 1 MB)", rest / 1048576.0);
			break;
		}
		printf("  %-62s %8.1f MB\n", pieces[i].name, pieces[i].bytes / 1048576.0);
	}
	printf("  %-62s %8.1f MB\n", "engine total", total / 1048576.0);
	printf("  %-62s %8.1f MB\n", "results held (3)",
	       (engine_result_memory(r[0]) + engine_result_memory(r[1]) + engine_result_memory(r[2])) /
		       1048576.0);
	printf("  %-62s %8.1f MB\n", "undo stack (64 filters at most)", 64.0 * sizeof(struct filter) / 1048576.0);
	printf("  %-62s %8.1f MB\n", "snapshot mapping (file)", s->blob_len / 1048576.0);
	/* The other mode: the explorer drops the uploader's organisation view
	 * and builds the lineage's (the attribution key), then back. */
	{
		double to_lin = switch_mode(e, ATTRIB_LINEAGE), back, drop_lin = drop_ms;
		double key_lin = key_ms, build_lin = build_ms, bcpu_lin = build_cpu_ms, both_lin = both_mb;
		size_t lin_total, up_again;
		prepare_all(e);
		rss("lineage mode, every piece made");
		lin_total = collect(e, "org/lineage", &lin_view);
		back = switch_mode(e, ATTRIB_UPLOADER);
		prepare_all(e);
		collect(e, "org/uploader", &up_again);
		printf("attribution key on Orgs (CPU ms): to lineage: the key %.2f, the view built on the worker in %.0f ms (%.0f CPU), the swap %.1f (the other view dropped in %.1f); back to uploader: the key %.2f, built in %.0f ms (%.0f CPU), the swap %.1f (%.1f) (target: key and swap <= 33)\n",
		       key_lin, build_lin, bcpu_lin, to_lin, drop_lin, key_ms, build_ms, build_cpu_ms, back, drop_ms);
		printf("  %-62s %8.0f MB\n", "resident with both views, built and not swapped: to lineage", both_lin);
		printf("  %-62s %8.0f MB\n", "resident with both views, built and not swapped: to uploader", both_mb);
		printf("  %-62s %8.1f MB\n", "organisation view [org/uploader]", up_view / 1048576.0);
		printf("  %-62s %8.1f MB\n", "organisation view [org/lineage]", lin_view / 1048576.0);
		printf("  %-62s %8.1f MB\n", "engine total, uploader mode shown", total / 1048576.0);
		printf("  %-62s %8.1f MB\n", "engine total, lineage mode shown", lin_total / 1048576.0);
		printf("  %-62s %8.1f MB\n", "engine total if both modes were kept", (total + lin_view) / 1048576.0);
	}
	session_keys(e);
	rss("after a session of keys");
	snapshot_sections(s, "after a session of keys");
	printf("memory: resident %.0f MB once every piece is made, one attribution mode at a time (target <= 700); %.0f MB with both modes' views; %.0f MB after a session of keys\n",
	       rss_one, rss_one + lin_view / 1048576.0, status_kb("VmRSS") / 1024.0);
	{
		/* What G or a search on Orgs makes (last: the memory it leaves
		 * in the heap would count in the figures above). */
		struct eng_row *rows = NULL;
		double p0 = cpu_ms();
		size_t n = r[0] ? engine_rank(e, r[0], PANE_ORGS, SORT_DOWNLOADS, 1, &rows) : 0;
		double p1 = cpu_ms();
		free(rows);
		rows = NULL;
		n = r[0] ? engine_rank(e, r[0], PANE_ORGS, SORT_DOWNLOADS, 1, &rows) : 0;
		printf("the whole Orgs ranking (G, a search on Orgs): %zu rows, %.1f ms of CPU, %.1f ms again\n", n,
		       p1 - p0, cpu_ms() - p1);
		free(rows);
	}
	for (int i = 0; i < 4; i++)
		engine_result_free(r[i]);
	engine_free(e);
	attrib_free(a);
	table_free(s);
	orgdir_free(d);
	return 0;
}

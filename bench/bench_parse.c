/* bench_parse.c - CPU time of reading listing pages, apart from the network:
 * one page (a JSON array as /api/models answers it) parsed over and over
 * until ITEMS items have been read, three ways:
 *   cjson        cJSON_ParseWithLength and cJSON_Delete, the library's own
 *                allocator: the parser alone
 *   cjson-bump   the same with a bump allocator reset per page, as the
 *                crawl's worker allocates
 *   listing      listing_add_page into a table builder: parse, item checks,
 *                de-duplication and string interning, as the crawl does
 * Usage: bench_parse PAGE.json [ITEMS]   (ITEMS default 2,000,000) */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "hubtop/listing.h"
#include "hubtop/table.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A bump allocator for the cjson-bump run; free does nothing. */
static char *bump_mem, *bump_next, *bump_end;

static void *bump_malloc(size_t n)
{
	char *p;
	n = (n + 7) & ~(size_t)7;
	if ((size_t)(bump_end - bump_next) < n)
		return NULL;
	p = bump_next;
	bump_next += n;
	return p;
}

static void bump_free(void *p)
{
	(void)p;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

static void report(const char *what, double s, unsigned long long items, size_t bytes,
		   unsigned long long target)
{
	printf("%-11s %6.2f s CPU for %llu items (%.2f s per %llu; %.0f MB/s)\n", what, s, items,
	       s * (double)target / (double)items, target, (double)bytes / s / 1e6);
}

int main(int argc, char **argv)
{
	unsigned long long target = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000000ULL;
	unsigned long long per_page, pages, i;
	size_t len;
	char *page;
	cJSON *root;
	double t0;
	struct listing_arena *arena;

	if (argc < 2 || target == 0) {
		fprintf(stderr, "usage: bench_parse PAGE.json [ITEMS]\n");
		return 2;
	}
	if (!(page = read_all(argv[1], &len))) {
		fprintf(stderr, "bench_parse: cannot read %s: %s\n", argv[1],
			errno ? strerror(errno) : "empty file");
		return 1;
	}
	root = cJSON_ParseWithLength(page, len);
	if (!cJSON_IsArray(root) || !(per_page = (unsigned long long)cJSON_GetArraySize(root))) {
		fprintf(stderr, "bench_parse: %s is not a JSON array of items\n", argv[1]);
		return 1;
	}
	cJSON_Delete(root);
	pages = (target + per_page - 1) / per_page;
	printf("page: %zu bytes, %llu items; %llu passes\n", len, per_page, pages);

	t0 = cpu_s();
	for (i = 0; i < pages; i++)
		cJSON_Delete(cJSON_ParseWithLength(page, len));
	report("cjson", cpu_s() - t0, pages * per_page, len * pages, target);

	{
		cJSON_Hooks h = { bump_malloc, bump_free };
		size_t cap = len * 16 + (64u << 20);
		if (!(bump_mem = malloc(cap))) {
			fprintf(stderr, "bench_parse: out of memory\n");
			return 1;
		}
		bump_end = bump_mem + cap;
		cJSON_InitHooks(&h);
		t0 = cpu_s();
		for (i = 0; i < pages; i++) {
			bump_next = bump_mem;
			if (!cJSON_ParseWithLength(page, len)) {
				fprintf(stderr, "bench_parse: the bump allocator is too small\n");
				return 1;
			}
		}
		report("cjson-bump", cpu_s() - t0, pages * per_page, len * pages, target);
		cJSON_InitHooks(NULL);
		free(bump_mem);
	}

	/* A fresh builder per page: the same page again would be all duplicates. */
	arena = listing_arena_new(0);
	t0 = cpu_s();
	for (i = 0; i < pages; i++) {
		struct ht_builder *b = table_builder_new();
		struct listing_stats st;
		memset(&st, 0, sizeof st);
		if (!b || listing_add_page(b, HT_MODELS, page, len, &st, arena) != 0 ||
		    st.items != per_page) {
			fprintf(stderr, "bench_parse: the page did not read as %llu items\n", per_page);
			return 1;
		}
		table_builder_free(b);
	}
	report("listing", cpu_s() - t0, pages * per_page, len * pages, target);
	listing_arena_free(arena);
	free(page);
	return 0;
}

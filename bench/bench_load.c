/* bench_load.c - time and memory of loading a snapshot (store_load:
 * mmap, whole-file checksum, bounds checks).  Usage: bench_load FILE [RUNS] */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hubtop/store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Resident set size in kB, from /proc. */
static long rss_kb(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 7, i;
	double t[64];
	struct store_err err;
	long before, after = 0;
	uint64_t n = 0, pool = 0;

	if (argc < 2 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: bench_load SNAPSHOT [RUNS<=64]\n");
		return 2;
	}
	for (i = 0; i < runs; i++) {
		struct ht_snapshot *s;
		double t0;
		before = rss_kb();
		t0 = now_ms();
		s = store_load(argv[1], &err);
		t[i] = now_ms() - t0;
		if (!s) {
			fprintf(stderr, "bench_load: %s\n", err.msg);
			return 1;
		}
		after = rss_kb() - before;
		n = s->t[HT_MODELS].n + s->t[HT_DATASETS].n;
		pool = s->pool_len;
		table_free(s);
	}
	qsort(t, (size_t)runs, sizeof t[0], cmp_double);
	printf("load: %llu items, median %.1f ms, worst %.1f ms over %d runs (target < 150 ms)\n",
	       (unsigned long long)n, t[runs / 2], t[runs - 1], runs);
	printf("memory: %.1f MB resident for the snapshot, of which %.1f MB strings; "
	       "%.1f bytes an item on top of the strings (target < 100)\n",
	       after / 1024.0, pool / 1048576.0, n ? (after * 1024.0 - (double)pool) / (double)n : 0);
	return 0;
}

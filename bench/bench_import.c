/* bench_import.c - the import of a JSON Lines listing, apart from the
 * process around it: listing_import into a builder, then
 * table_builder_finish, on one thread (line by line) and on every core.
 * Per run: wall time, the process's CPU and the CPU of the thread that
 * builds (the critical path: on an idle machine the wall time cannot go
 * below it).  Usage: bench_import FILE.jsonl [RUNS [THREADS]] (THREADS:
 * only that setting of listing_import_tune, 0 every core). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hubtop/listing.h"
#include "hubtop/table.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	unsigned threads[2] = { 1, 0 };
	int first = 0;
	uint64_t items = 0;

	if (argc < 2 || runs < 1 || runs > 16) {
		fprintf(stderr, "usage: bench_import FILE.jsonl [RUNS<=16]\n");
		return 2;
	}
	if (argc > 3) {
		threads[1] = (unsigned)atoi(argv[3]);
		first = 1;
	}
	for (int k = first; k < 2; k++) {
		double wall[16], cpu[16], main_cpu[16];
		for (int i = 0; i < runs; i++) {
			FILE *fp = fopen(argv[1], "rb");
			struct ht_builder *b = table_builder_new();
			struct listing_stats st;
			struct ht_snapshot *s;
			char err[512];
			double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID),
			       t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
			if (!fp || !b) {
				fprintf(stderr, "bench_import: cannot open %s\n", argv[1]);
				return 1;
			}
			memset(&st, 0, sizeof st);
			listing_import_tune(threads[k], 0);
			if (listing_import(fp, argv[1], b, HT_MODELS, &st, err, sizeof err) != 0) {
				fprintf(stderr, "bench_import: %s\n", err);
				return 1;
			}
			fclose(fp);
			s = table_builder_finish(b, NULL);
			wall[i] = clock_s(CLOCK_MONOTONIC) - w0;
			cpu[i] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
			main_cpu[i] = clock_s(CLOCK_THREAD_CPUTIME_ID) - t0;
			items = st.items;
			table_free(s);
		}
		qsort(wall, (size_t)runs, sizeof wall[0], cmp_double);
		qsort(cpu, (size_t)runs, sizeof cpu[0], cmp_double);
		qsort(main_cpu, (size_t)runs, sizeof main_cpu[0], cmp_double);
		printf("import %-13s %llu items: wall best %.2f s, median %.2f s; CPU best %.2f s, median %.2f s, "
		       "of it the building thread best %.2f s, median %.2f s (%d runs)\n",
		       k ? "(every core):" : "(one thread):", (unsigned long long)items, wall[0],
		       wall[runs / 2], cpu[0], cpu[runs / 2], main_cpu[0], main_cpu[runs / 2], runs);
	}
	listing_import_tune(0, 0);
	return 0;
}

/* bench_history.c CACHE_DIR - the history's disk use against whole
 * snapshots, and the time to load each snapshot and to add one.
 * bench/bench_history.sh fills CACHE_DIR with a series first. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hubtop/history.h"
#include "hubtop/store.h"

/* CPU time of the process (every thread), in seconds. */
static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The size of the snapshot's file, were it kept whole. */
static uint64_t whole_size(const struct ht_snapshot *s)
{
	struct store_section sec[STORE_MAX_SECTIONS];
	size_t n = store_sections(s, sec), i;
	uint64_t size = STORE_HEADER_SIZE;

	for (i = 0; i < n; i++)
		size += (sec[i].len + 7) & ~(uint64_t)7;
	return size;
}

int main(int argc, char **argv)
{
	struct store_err err;
	struct history *h;
	uint64_t stored = 0, whole = 0;
	double worst = 0;
	size_t i, n;
	struct ht_snapshot *last = NULL, *first = NULL;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_history CACHE_DIR\n");
		return 2;
	}
	h = history_open(argv[1], &err);
	if (!h || !(n = history_count(h))) {
		fprintf(stderr, "bench_history: no history in %s %s\n", argv[1], err.msg);
		return 1;
	}
	printf("%-10s %-6s %12s %12s %9s\n", "date", "kept", "on disk", "whole", "load ms");
	for (i = 0; i < n; i++) {
		const struct history_entry *e = history_at(h, i);
		double t0 = now(), dt;
		struct ht_snapshot *s = history_load(h, i, &err);
		dt = (now() - t0) * 1e3;
		if (!s) {
			fprintf(stderr, "bench_history: %s\n", err.msg);
			return 1;
		}
		stored += e->disk_bytes;
		whole += whole_size(s);
		if (e->base[0] && dt > worst)
			worst = dt;
		printf("%-10s %-6s %12" PRIu64 " %12" PRIu64 " %9.0f\n", e->date, e->base[0] ? "delta" : "whole",
		       e->disk_bytes, whole_size(s), dt);
		if (i == 0)
			first = s;
		else if (i + 1 == n)
			last = s;
		else
			table_free(s);
	}
	printf("history of %zu snapshots: %.1f MB on disk; as whole snapshots: %.1f MB (%.0f%%)\n", n,
	       stored / 1e6, whole / 1e6, 100.0 * (double)stored / (double)whole);
	printf("slowest load of a delta: %.0f ms\n", worst);
	if (first && last) {
		char dir[4096];
		struct history_keep all;
		double t0, c0;
		snprintf(dir, sizeof dir, "%s/bench-add.%ld", argv[1], (long)getpid());
		history_parse_keep("all", &all, NULL);
		t0 = now();
		if (history_add_keep(dir, first, &all, &err) != 0) {
			fprintf(stderr, "bench_history: %s\n", err.msg);
			return 1;
		}
		printf("add a whole snapshot (the first): %.0f ms\n", (now() - t0) * 1e3);
		t0 = now();
		c0 = cpu();
		if (history_add_keep(dir, last, &all, &err) != 0) {
			fprintf(stderr, "bench_history: %s\n", err.msg);
			return 1;
		}
		printf("add a delta (the last, against the first): %.0f ms, CPU %.0f ms\n", (now() - t0) * 1e3,
		       (cpu() - c0) * 1e3);
		{
			char cmd[4200];
			snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
			if (system(cmd) != 0)
				return 1;
		}
	}
	table_free(first);
	table_free(last);
	history_free(h);
	return 0;
}

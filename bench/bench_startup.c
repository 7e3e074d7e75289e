/* bench_startup.c - the explorer's whole start-up on a period window, as
 * `hubtop --window since:DATE` runs it: the session opened (the cache's
 * snapshot loaded, attribution, engine), the period set from the cache's
 * history (session_set_window: the start snapshot loaded, its rows matched
 * to the end's) and the first screen's answer (engine_apply on the period
 * window, the rows of one screen), in wall and CPU time.  The process
 * start and the terminal's set-up are not in it (bench_tui.sh times them).
 * Usage: bench_startup CACHE_DIR DATE [RUNS] [ORGS_TSV]
 * CACHE_DIR holds snapshot.hts and a history with a snapshot at or before
 * DATE (bench/run.sh makes one with `hubtop demo --history 2`).  Every run
 * is a new process (this program again), so that none finds the last
 * one's memory; the best and the median are printed. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "hubtop/session.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the process (every thread). */
static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* CPU time of the calling thread alone. */
static double thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One start-up; prints "open W C set W C first W C main C" (wall, CPU,
 * ms; main: the CPU of the calling thread alone). */
static int one(const char *cache, const char *date, const char *orgs)
{
	struct session_opts o = { NULL, cache, orgs && *orgs ? orgs : NULL, 1, 0, NULL };
	struct session s;
	struct filter f;
	struct eng_result *r;
	char err[2048], arg[64];
	double t0, c0, t1, c1, t2, c2, t3, c3, m0, m3;
	uint64_t check = 0;

	filter_init(&f);
	snprintf(arg, sizeof arg, "since:%s", date);
	if (filter_set(&f, "window", arg, err, sizeof err) != 0) {
		fprintf(stderr, "bench_startup: --window %s: %s\n", arg, err);
		return 1;
	}
	/* As the explorer opens: the period resolved beside the engine
	 * (HUBTOP_BENCH_SERIAL=1: after it, as before). */
	if (!getenv("HUBTOP_BENCH_SERIAL"))
		o.window = &f;
	t0 = now_ms();
	c0 = cpu_ms();
	m0 = thread_cpu_ms();
	if (session_open(&s, &o, err, sizeof err) != 0) {
		fprintf(stderr, "bench_startup: %s\n", err);
		return 1;
	}
	t1 = now_ms();
	c1 = cpu_ms();
	if (session_set_window(&s, &f, err, sizeof err) != 0) {
		fprintf(stderr, "bench_startup: --window %s: %s\n", arg, err);
		return 1;
	}
	t2 = now_ms();
	c2 = cpu_ms();
	if (o.window && !s.period_early) {
		fprintf(stderr, "bench_startup: the period was not resolved while the session opened\n");
		return 1;
	}
	/* The explorer's first screen: the Models pane by period downloads
	 * (its header reads the result's figures, its list one screen of
	 * rows by position). */
	engine_focus(s.eng, f.by);
	r = engine_apply(s.eng, &f, HT_MODELS);
	if (!r) {
		fprintf(stderr, "bench_startup: out of memory\n");
		return 1;
	}
	for (uint32_t i = 0; i < 40 && i < r->n; i++)
		check += engine_item_downloads(s.eng, r, engine_row_at(s.eng, r, i));
	check += r->downloads + (uint64_t)(r->gini * 1e6);
	t3 = now_ms();
	c3 = cpu_ms();
	m3 = thread_cpu_ms();
	if (getenv("HUBTOP_BENCH_FAULTS")) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "faults %ld\n", ru.ru_minflt);
	}
	printf("open %.1f %.1f set %.1f %.1f first %.1f %.1f main %.1f check %llu\n", t1 - t0, c1 - c0, t2 - t1,
	       c2 - c1, t3 - t2, c3 - c2, m3 - m0, (unsigned long long)check);
	engine_result_free(r);
	session_close(&s);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	const char *orgs = argc > 4 ? argv[4] : NULL;
	double w[6][32], best[7] = { 0 };
	unsigned long long first_check = 0;
	int got = 0;

	if (argc < 3 || runs < 1 || runs > 32) {
		fprintf(stderr, "usage: bench_startup CACHE_DIR DATE [RUNS<=32] [ORGS_TSV]\n");
		return 2;
	}
	if (getenv("HUBTOP_BENCH_STARTUP_ONE"))
		return one(argv[1], argv[2], orgs);
	if (setenv("HUBTOP_BENCH_STARTUP_ONE", "1", 1) != 0)
		return 1;
	for (int i = 0; i < runs; i++) {
		char line[512];
		double v[7];
		unsigned long long check;
		FILE *p;
		char cmd[8192];
		snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' 1 '%s'", argv[0], argv[1], argv[2], orgs ? orgs : "");
		if (!(p = popen(cmd, "r")) || !fgets(line, sizeof line, p) ||
		    sscanf(line, "open %lf %lf set %lf %lf first %lf %lf main %lf check %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &check) != 8) {
			if (p)
				pclose(p);
			fprintf(stderr, "bench_startup: run %d failed\n", i + 1);
			return 1;
		}
		if (pclose(p) != 0)
			return 1;
		if (got && check != first_check) {
			fprintf(stderr, "bench_startup: run %d answered differently\n", i + 1);
			return 1;
		}
		first_check = check;
		/* Per phase and in all: wall, CPU. */
		w[0][got] = v[0] + v[2] + v[4];
		w[1][got] = v[1] + v[3] + v[5];
		w[2][got] = v[0];
		w[3][got] = v[2];
		w[4][got] = v[4];
		/* On two idle cores: at least the calling thread's own CPU,
		 * and at least half of all of it. */
		w[5][got] = v[6] > (v[1] + v[3] + v[5]) / 2 ? v[6] : (v[1] + v[3] + v[5]) / 2;
		if (!got || v[0] + v[2] + v[4] < best[0] + best[2] + best[4])
			memcpy(best, v, sizeof best);
		got++;
	}
	for (int k = 0; k < 6; k++)
		qsort(w[k], (size_t)got, sizeof w[k][0], cmp_double);
	printf("whole start-up with --window since:%s: best %.0f ms (CPU %.0f), median %.0f ms (CPU %.0f) over %d "
	       "runs (target <= 300)\n", argv[2], w[0][0], w[1][0], w[0][got / 2], w[1][got / 2], got);
	printf("  best run: open the snapshot (load, attribution, engine) %.0f ms (CPU %.0f) + set the period "
	       "(start snapshot from the history, rows matched) %.0f ms (CPU %.0f) + first screen's answer %.0f ms "
	       "(CPU %.0f)\n", best[0], best[1], best[2], best[3], best[4], best[5]);
	printf("  medians: open %.0f ms, set the period %.0f ms, first answer %.0f ms\n", w[2][got / 2],
	       w[3][got / 2], w[4][got / 2]);
	printf("  CPU of the calling thread alone %.0f ms (best run), of the others %.0f ms: on two idle cores "
	       "the start-up takes at least max(that, half of all), best %.0f ms, median %.0f ms\n", best[6],
	       best[1] + best[3] + best[5] - best[6], w[5][0], w[5][got / 2]);
	return 0;
}

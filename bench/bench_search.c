/* bench_search.c - the id search: index build time and memory, then a
 * scripted typing session (letter by letter, erasing, retyping, short
 * needles), timing every search_match call but those with an empty needle.  Times are wall
 * clock; the thread's CPU time is shown too, since on a shared machine the
 * difference is time spent waiting for a core.
 * Usage: bench_search SNAPSHOT [ROUNDS] */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hubtop/search.h"
#include "hubtop/store.h"

#define MAX_CALLS 4096

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct session {
	double ms[MAX_CALLS], cpu[MAX_CALLS];
	char needle[MAX_CALLS][64];
	uint32_t count[MAX_CALLS];
	int n;
};

static void call(struct search_index *x, struct session *se, const char *needle)
{
	uint32_t count;
	double c0 = cpu_ms(), t0 = now_ms();
	(void)search_match(x, needle, &count);
	if (*needle && se->n < MAX_CALLS) {
		se->ms[se->n] = now_ms() - t0;
		se->cpu[se->n] = cpu_ms() - c0;
		snprintf(se->needle[se->n], sizeof se->needle[0], "%s", needle);
		se->count[se->n++] = count;
	}
}

/* The first len letters of word. */
static void prefix(struct search_index *x, struct session *se, const char *word, size_t len)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.*s", (int)len, word);
	call(x, se, buf);
}

/* Types word letter by letter, erases half of it (one letter, then three
 * at a time), types it again, then erases it all, three at a time. */
static void type_word(struct search_index *x, struct session *se, const char *word)
{
	size_t len = strlen(word), at;
	for (at = 1; at <= len; at++)
		prefix(x, se, word, at);
	prefix(x, se, word, at = len - 1);
	while (at > len / 2)
		prefix(x, se, word, at = at > 3 ? at - 3 : 0);
	while (at < len)
		prefix(x, se, word, ++at);
	while (at > 0)
		prefix(x, se, word, at = at > 3 ? at - 3 : 0);
}

int main(int argc, char **argv)
{
	static const char *const words[] = { "llama-instruct", "qwen", "gguf", "mistral-chat", "bert" };
	static const char *const shorts[] = { "l", "q", "g", "m", "b", "ll", "gg", "mi", "e", "-", "x",
					      "7b", "ab", "in", "e-", "/", "_", "zz" };
	static struct session se;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	struct store_err err;
	struct ht_snapshot *s;
	struct search_index *x;
	uint64_t bytes = 0;
	double t0, c0, build, build_cpu, sorted[MAX_CALLS], sorted_cpu[MAX_CALLS];
	int worst = 0;

	if (argc < 2 || rounds < 1 || rounds > 20) {
		fprintf(stderr, "usage: bench_search SNAPSHOT [ROUNDS<=20]\n");
		return 2;
	}
	if (!(s = store_load(argv[1], &err))) {
		fprintf(stderr, "bench_search: %s\n", err.msg);
		return 1;
	}
	for (uint32_t r = 0; r < s->t[HT_MODELS].n; r++)
		bytes += strlen(ht_id(s, HT_MODELS, r));
	c0 = cpu_ms();
	t0 = now_ms();
	x = search_new(s, HT_MODELS);
	build = now_ms() - t0;
	build_cpu = cpu_ms() - c0;
	if (!x) {
		fprintf(stderr, "bench_search: out of memory\n");
		return 1;
	}
	printf("index: %u models, %.1f MB of ids, built in %.0f ms (%.0f ms CPU), %.1f MB (%.2f x the ids)\n",
	       s->t[HT_MODELS].n, bytes / 1048576.0, build, build_cpu, search_memory(x) / 1048576.0,
	       bytes ? (double)search_memory(x) / (double)bytes : 0);

	for (int round = 0; round < rounds; round++) {
		for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
			type_word(x, &se, words[w]);
		for (size_t w = 0; w < sizeof shorts / sizeof shorts[0]; w++) {
			call(x, &se, shorts[w]);
			call(x, &se, "");
		}
	}
	for (int i = 0; i < se.n; i++) {
		sorted[i] = se.ms[i];
		sorted_cpu[i] = se.cpu[i];
		if (se.ms[i] > se.ms[worst])
			worst = i;
	}
	qsort(sorted, (size_t)se.n, sizeof sorted[0], cmp_double);
	qsort(sorted_cpu, (size_t)se.n, sizeof sorted_cpu[0], cmp_double);
	printf("session: %d calls, median %.3f ms, 90%% %.3f ms, worst %.3f ms (\"%s\", %u matches)\n",
	       se.n, sorted[se.n / 2], sorted[se.n * 9 / 10], se.ms[worst], se.needle[worst], se.count[worst]);
	printf("         CPU time: median %.3f ms, 90%% %.3f ms, worst %.3f ms\n", sorted_cpu[se.n / 2],
	       sorted_cpu[se.n * 9 / 10], sorted_cpu[se.n - 1]);
	/* The first round in detail. */
	for (int i = 0; i < se.n / rounds; i++)
		if (se.ms[i] >= 1.0)
			printf("  %-16s %8u matches %7.3f ms (%.3f CPU)\n", se.needle[i], se.count[i], se.ms[i],
			       se.cpu[i]);
	printf("memory after the session: %.1f MB\n", search_memory(x) / 1048576.0);
	search_free(x);
	table_free(s);
	return 0;
}

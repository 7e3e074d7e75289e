/* test_outbuf.c - the export writer's buffer and its number formats,
 * against printf and civil.c at the edges and over many random values. */
#include <errno.h>
#include <float.h>
#include <math.h>

#include "testutil.h"
#include "hubtop/civil.h"
#include "hubtop/outbuf.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void check_u64(uint64_t v)
{
	char got[24], want[24];
	size_t n = outbuf_fmt_u64(got, v);
	got[n] = '\0';
	snprintf(want, sizeof want, "%llu", (unsigned long long)v);
	if (strcmp(got, want))
		fail_msg("outbuf_fmt_u64(%s) = \"%s\"", want, got);
}

static void test_u64(void **state)
{
	(void)state;
	check_u64(0);
	check_u64(9);
	check_u64(10);
	check_u64(99);
	check_u64(100);
	check_u64(UINT32_MAX);
	check_u64(9000000000000000ull); /* never 9e+15 */
	check_u64(UINT64_MAX);
	check_u64(UINT64_MAX - 1);
	for (uint64_t p = 1; p && p <= UINT64_MAX / 10; p *= 10) {
		check_u64(p - 1);
		check_u64(p);
		check_u64(p + 1);
	}
	for (int i = 0; i < 200000; i++)
		check_u64(next() >> (next() % 64));
}

static void check_fixed6(double d)
{
	char got[OUTBUF_FIXED6_MAX], want[OUTBUF_FIXED6_MAX];
	size_t n = outbuf_fmt_fixed6(got, d);
	snprintf(want, sizeof want, "%.6f", d);
	if (strcmp(got, want) || n != strlen(want))
		fail_msg("outbuf_fmt_fixed6(%.17g) = \"%s\", printf gives \"%s\"", d, got, want);
}

static void test_fixed6(void **state)
{
	(void)state;
	check_fixed6(0);
	check_fixed6(-0.0);
	check_fixed6(1);
	check_fixed6(0.5);
	check_fixed6(0.123456);
	check_fixed6(0.9999995);    /* rounds up to 1.000000 */
	check_fixed6(0.0000005);    /* near a half */
	check_fixed6(0.0078125);    /* exactly a half: printf rounds to even */
	check_fixed6(1.0 / 3);
	check_fixed6(2.0 / 3);
	check_fixed6(1e-7);
	check_fixed6(DBL_MIN);
	check_fixed6(999999.9999995);
	check_fixed6(1e6);
	check_fixed6(-0.25);
	check_fixed6(DBL_MAX);      /* 309 digits: not cut */
	check_fixed6(NAN);
	check_fixed6(INFINITY);
	/* Shares are count / total: every fraction of a few small totals. */
	for (unsigned tot = 1; tot < 3000; tot++)
		for (unsigned c = 0; c <= tot; c += 1 + tot / 97)
			check_fixed6((double)c / tot);
	for (int i = 0; i < 300000; i++) {
		double d = (double)(next() >> 11) / 9007199254740992.0;
		check_fixed6(d);
		check_fixed6(d * 1000);
	}
}

static void test_iso(void **state)
{
	char got[40], want[40];
	(void)state;
	assert_int_equal(outbuf_fmt_iso(got, 0), 0);
	assert_string_equal(got, "");
	assert_int_equal(outbuf_fmt_iso(got, -86400), 0);
	assert_string_equal(got, "");
	assert_int_equal(outbuf_fmt_iso(got, 1), 20);
	assert_string_equal(got, "1970-01-01T00:00:01Z");
	assert_int_equal(outbuf_fmt_iso(got, 1714564800 + 3599), 20);
	assert_string_equal(got, "2024-05-01T12:59:59Z");
	/* From the year 10000 on, and up to the largest time a crafted file
	 * can hold, a time is unknown: an empty cell, never a year that wrapped
	 * to a negative number (a TSV cell starting with '-'). */
	for (int64_t t = INT64_MAX; t >= 253402300800LL; t = t / 3 < 253402300800LL && t > 253402300800LL ? 253402300800LL : t / 3) {
		strcpy(got, "x");
		assert_int_equal(outbuf_fmt_iso(got, t), 0);
		assert_string_equal(got, "");
		if (t == 253402300800LL)
			break;
	}
	assert_int_equal(outbuf_fmt_iso(got, 253402300799LL), 20);
	assert_string_equal(got, "9999-12-31T23:59:59Z");
	for (int i = 0; i < 200000; i++) {
		int64_t t = (int64_t)(next() % 8000000000ull) + 1;
		civil_iso_time(t, want, sizeof want);
		outbuf_fmt_iso(got, t);
		if (strcmp(got, want))
			fail_msg("outbuf_fmt_iso(%lld) = \"%s\", want \"%s\"", (long long)t, got, want);
	}
}

/* Many small puts and a few large ones come out in order, whole. */
static void test_stream(void **state)
{
	char *mem = NULL;
	size_t len = 0, want_len = 0;
	FILE *fp = open_memstream(&mem, &len);
	struct outbuf o;
	char *big = malloc(OUTBUF_SIZE);
	(void)state;
	assert_non_null(fp);
	assert_non_null(big);
	memset(big, 'x', OUTBUF_SIZE);
	assert_int_equal(outbuf_init(&o, fp), 0);
	for (int i = 0; i < 300000; i++) {
		outbuf_u64(&o, (uint64_t)i);
		outbuf_putc(&o, ',');
		want_len += (size_t)snprintf(NULL, 0, "%d", i) + 1;
		if (i % 100000 == 7) {
			outbuf_put(&o, big, OUTBUF_SIZE);
			want_len += OUTBUF_SIZE;
		}
	}
	outbuf_puts(&o, "end");
	want_len += 3;
	assert_int_equal(outbuf_flush(&o), 0);
	outbuf_free(&o);
	fclose(fp);
	assert_int_equal(len, want_len);
	assert_memory_equal(mem, "0,1,2,3,4,5,6,7,", 16);
	assert_memory_equal(mem + len - 3, "end", 3);
	free(mem);
	free(big);
}

/* The same puts into memory (outbuf_init_mem, growing) and into a regular
 * file (past OUTBUF_KICK: its writeback started on the way) give the same
 * bytes. */
static void test_memory_and_file(void **state)
{
	FILE *fp = tmpfile();
	struct outbuf m, f;
	char *big = malloc(OUTBUF_SIZE), *back;
	uint64_t total = 0;
	(void)state;
	assert_non_null(fp);
	assert_non_null(big);
	memset(big, 'y', OUTBUF_SIZE);
	assert_int_equal(outbuf_init_mem(&m, 10), 0);
	assert_int_equal(outbuf_init(&f, fp), 0);
	for (int i = 0; total < OUTBUF_KICK + (5u << 20); i++) {
		struct outbuf *o[2] = { &m, &f };
		for (int k = 0; k < 2; k++) {
			outbuf_u64(o[k], (uint64_t)i * 7919u);
			outbuf_putc(o[k], ';');
			outbuf_iso(o[k], 1500000000 + i);
			if (i % 50000 == 3)
				outbuf_put(o[k], big, OUTBUF_SIZE - (size_t)(i % 7));
		}
		total = f.written + f.len;
	}
	assert_int_equal(m.err, 0);
	assert_int_equal(outbuf_flush(&m), 0);
	assert_int_equal(outbuf_flush(&f), 0);
	assert_true(f.kicked > 0);
	assert_int_equal((uint64_t)m.len, f.written);
	back = malloc(m.len);
	assert_non_null(back);
	rewind(fp);
	assert_int_equal(fread(back, 1, m.len, fp), m.len);
	assert_memory_equal(back, m.buf, m.len);
	free(back);
	outbuf_free(&m);
	outbuf_free(&f);
	fclose(fp);
	free(big);
}

/* A write error is kept and reported once, at the flush. */
static void test_error_sticky(void **state)
{
	FILE *fp = fopen("/dev/full", "w");
	struct outbuf o;
	(void)state;
	if (!fp)
		skip();
	assert_int_equal(outbuf_init(&o, fp), 0);
	for (int i = 0; i < 500000; i++)
		outbuf_u64(&o, UINT64_MAX);
	assert_int_not_equal(o.err, 0);
	assert_int_equal(outbuf_flush(&o), -1);
	assert_int_equal(errno, ENOSPC);
	outbuf_free(&o);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_fixed6),
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_memory_and_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* outbuf.c - a large output buffer and printf-free number formats (see
 * outbuf.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hubtop/civil.h"
#include "hubtop/outbuf.h"
#include "hubtop/table.h"

int outbuf_init(struct outbuf *o, FILE *fp)
{
	struct stat st;
	memset(o, 0, sizeof *o);
	o->fp = fp;
	o->buf = malloc(OUTBUF_SIZE);
	if (!o->buf) {
		errno = ENOMEM;
		return -1;
	}
	o->cap = OUTBUF_SIZE;
#ifdef SYNC_FILE_RANGE_WRITE
	o->kick = fp && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
	if (o->kick) {
		off_t at = ftello(fp);
		o->kicked = o->written = at > 0 ? (uint64_t)at : 0;
	}
#else
	(void)st;
#endif
	return 0;
}

int outbuf_init_mem(struct outbuf *o, size_t cap)
{
	memset(o, 0, sizeof *o);
	/* As large as a stream's, so that a put the stream's buffer holds
	 * fits even after a failure to grow. */
	o->cap = cap < OUTBUF_SIZE ? OUTBUF_SIZE : cap;
	/* A large one on huge pages: fresh 4K pages cost a fault each. */
	o->buf = table_big_alloc(o->cap);
	if (!o->buf) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = 0;
}

/* Starts the writeback of what was written since the last kick, without
 * waiting for it: the fsync at the end then finds most of the file on its
 * way to the disk.  A hint: a failure changes nothing. */
static void kick_writeback(struct outbuf *o)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (fflush(o->fp) != 0) {
		o->err = errno ? errno : EIO;
		return;
	}
	(void)sync_file_range(fileno(o->fp), (off_t)o->kicked, (off_t)(o->written - o->kicked),
			      SYNC_FILE_RANGE_WRITE);
	o->kicked = o->written;
#else
	(void)o;
#endif
}

static void write_out(struct outbuf *o, const void *p, size_t n)
{
	if (o->err || !n)
		return;
	errno = 0;
	if (fwrite(p, 1, n, o->fp) != n) {
		o->err = errno ? errno : EIO;
		return;
	}
	o->written += n;
	if (o->kick && o->written - o->kicked >= OUTBUF_KICK)
		kick_writeback(o);
}

/* In memory: room for need more bytes and the slack, or ENOMEM (the
 * buffer is then reused as scratch, as after a write error). */
static void grow(struct outbuf *o, size_t need)
{
	size_t cap = o->cap;
	char *nb;
	while (cap - o->len < need + OUTBUF_SLACK)
		cap *= 2;
	if (o->err || !(nb = realloc(o->buf, cap))) {
		o->err = o->err ? o->err : ENOMEM;
		o->len = 0;
		return;
	}
	o->buf = nb;
	o->cap = cap;
}

void outbuf_drain(struct outbuf *o, size_t need)
{
	if (!o->fp) {
		grow(o, need);
		return;
	}
	write_out(o, o->buf, o->len);
	/* After an error the buffer is reused as scratch: nothing more is
	 * written, and outbuf_flush reports the error. */
	o->len = 0;
}

void outbuf_put(struct outbuf *o, const void *p, size_t n)
{
	if (!o->fp) {
		outbuf_reserve(o, n);
		if (o->cap - o->len >= n) { /* else out of memory: dropped */
			memcpy(o->buf + o->len, p, n);
			o->len += n;
		}
		return;
	}
	if (n >= OUTBUF_SIZE / 2) {
		outbuf_drain(o, 0);
		write_out(o, p, n);
		return;
	}
	outbuf_reserve(o, n);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

int outbuf_flush(struct outbuf *o)
{
	if (!o->fp) {
		errno = o->err;
		return o->err ? -1 : 0;
	}
	outbuf_drain(o, 0);
	if (!o->err && fflush(o->fp) != 0)
		o->err = errno ? errno : EIO;
	if (o->err) {
		errno = o->err;
		return -1;
	}
	return 0;
}

/* Two digits at a time, from a table: the divisions halve. */
static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

size_t outbuf_fmt_u64(char *dst, uint64_t v)
{
	char tmp[20];
	size_t at = sizeof tmp, n;
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		tmp[--at] = digits2[d + 1];
		tmp[--at] = digits2[d];
	}
	if (v >= 10) {
		tmp[--at] = digits2[v * 2 + 1];
		tmp[--at] = digits2[v * 2];
	} else {
		tmp[--at] = (char)('0' + v);
	}
	n = sizeof tmp - at;
	memcpy(dst, tmp + at, n);
	return n;
}

size_t outbuf_fmt_fixed6(char *dst, double d)
{
	double v, r, frac;
	uint64_t u, whole, part;
	size_t n;

	/* The fast path covers the shares (0..1) and much more; d * 1e6 is then
	 * below 2^40, where the product's error is far under 0.01, so rounding
	 * it gives printf's digits unless the value is within 0.01 of a half
	 * (where printf looks at the exact binary value): those, negative,
	 * huge and non-finite values go to snprintf. */
	if (!(d >= 0 && d < 1e6) || signbit(d)) {
		int k = snprintf(dst, OUTBUF_FIXED6_MAX, "%.6f", d);
		return k < 0 ? 0 : (size_t)k;
	}
	v = d * 1e6;
	r = floor(v);
	frac = v - r;
	if (fabs(frac - 0.5) < 0.01) {
		int k = snprintf(dst, OUTBUF_FIXED6_MAX, "%.6f", d);
		return k < 0 ? 0 : (size_t)k;
	}
	u = (uint64_t)r + (frac > 0.5);
	whole = u / 1000000;
	part = u % 1000000;
	n = outbuf_fmt_u64(dst, whole);
	dst[n++] = '.';
	for (int i = 5; i >= 0; i--) {
		dst[n + (size_t)i] = (char)('0' + part % 10);
		part /= 10;
	}
	n += 6;
	dst[n] = '\0';
	return n;
}

static void put2(char *p, unsigned v)
{
	p[0] = digits2[v * 2];
	p[1] = digits2[v * 2 + 1];
}

size_t outbuf_fmt_iso(char *dst, int64_t t)
{
	int y;
	unsigned m, d, sec;

	dst[0] = '\0';
	if (t <= 0)
		return 0;
	/* From the year 10000 on a time is no date a listing can mean (a
	 * crafted file's; its year may not even fit an int): unknown, as 0. */
	if (t >= 253402300800LL)
		return 0;
	civil_date(t / 86400, &y, &m, &d);
	sec = (unsigned)(t % 86400);
	put2(dst, (unsigned)y / 100);
	put2(dst + 2, (unsigned)y % 100);
	dst[4] = '-';
	put2(dst + 5, m);
	dst[7] = '-';
	put2(dst + 8, d);
	dst[10] = 'T';
	put2(dst + 11, sec / 3600);
	dst[13] = ':';
	put2(dst + 14, sec / 60 % 60);
	dst[16] = ':';
	put2(dst + 17, sec % 60);
	dst[19] = 'Z';
	dst[20] = '\0';
	return 20;
}

void outbuf_u64(struct outbuf *o, uint64_t v)
{
	outbuf_reserve(o, 20);
	o->len += outbuf_fmt_u64(o->buf + o->len, v);
}

void outbuf_i64(struct outbuf *o, int64_t v)
{
	outbuf_reserve(o, 21);
	if (v < 0) {
		o->buf[o->len++] = '-';
		/* -(v + 1) + 1: INT64_MIN has no positive counterpart. */
		o->len += outbuf_fmt_u64(o->buf + o->len, (uint64_t)-(v + 1) + 1);
	} else {
		o->len += outbuf_fmt_u64(o->buf + o->len, (uint64_t)v);
	}
}

void outbuf_fixed6(struct outbuf *o, double d)
{
	outbuf_reserve(o, OUTBUF_FIXED6_MAX);
	o->len += outbuf_fmt_fixed6(o->buf + o->len, d);
}

void outbuf_iso(struct outbuf *o, int64_t t)
{
	outbuf_reserve(o, 32);
	o->len += outbuf_fmt_iso(o->buf + o->len, t);
}

/* outbuf.h - one large output buffer in front of a stream, with the number
 * and date formats the exports write, made without printf.
 *
 * An export writes millions of short fields; through stdio and printf each
 * costs a call, a locale lookup and a format parse.  Here a field is a
 * bounds check and a few stores into a buffer of OUTBUF_SIZE bytes, written
 * to the stream in whole blocks (fwrite of a block larger than stdio's own
 * buffer goes straight to write(2)).
 *
 * Errors are sticky: the first failed write sets `err` (an errno value) and
 * every later call does nothing, so a writer checks once, at
 * outbuf_flush.  The struct is owned by its caller; one per output, one
 * thread.  An outbuf in memory (outbuf_init_mem) has no stream: it grows
 * instead of writing, so that a thread can format a part of an export
 * while another writes the part before (its err is then ENOMEM or 0).
 * Into a regular file, every OUTBUF_KICK bytes written are handed to the
 * kernel's writeback at once (sync_file_range), so that a writer that
 * fsyncs at the end waits for the last part only.  Formats (every one the same bytes printf would give):
 *   outbuf_u64    decimal, in full ("18446744073709551615"), never 1e+19;
 *   outbuf_fixed6 a double with six decimals ("0.123456", as "%.6f");
 *   outbuf_iso    ISO 8601 UTC time ("2024-03-01T12:00:00Z"), nothing for
 *                 t <= 0 (unknown), as civil_iso_time.
 */
#ifndef HUBTOP_OUTBUF_H
#define HUBTOP_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OUTBUF_SIZE (1u << 20)
/* Room every single small put may take without a flush check of its own. */
#define OUTBUF_SLACK 64
/* Bytes written to a regular file between two starts of its writeback. */
#define OUTBUF_KICK ((uint64_t)32 << 20)

struct outbuf {
	FILE *fp;               /* NULL: in memory */
	char *buf;
	size_t len, cap;
	int err;                /* 0, or the errno of the first failure */
	int kick;               /* fp is a regular file: start its writeback on the way */
	uint64_t kicked, written; /* bytes of the file handed to writeback; written */
};

/* 0, or -1 (errno ENOMEM) when the buffer cannot be allocated. */
int outbuf_init(struct outbuf *o, FILE *fp);
/* In memory: a buffer of cap bytes (at least OUTBUF_SIZE) to start with
 * that doubles as needed.
 * 0, or -1 (errno ENOMEM). */
int outbuf_init_mem(struct outbuf *o, size_t cap);
/* Writes what is buffered and flushes the stream: 0, or -1 with errno
 * set to the first error met since outbuf_init. */
int outbuf_flush(struct outbuf *o);
/* Frees the buffer (without writing it). */
void outbuf_free(struct outbuf *o);

/* Writes the buffer out (in memory: grows it) when fewer than need bytes
 * are left; the buffer always keeps at least OUTBUF_SLACK free after
 * this, and need bytes when need < OUTBUF_SIZE / 2. */
void outbuf_drain(struct outbuf *o, size_t need);

static inline void outbuf_reserve(struct outbuf *o, size_t need)
{
	if (o->len + need > o->cap)
		outbuf_drain(o, need);
}

static inline void outbuf_putc(struct outbuf *o, char c)
{
	outbuf_reserve(o, 1);
	o->buf[o->len++] = c;
}

/* n bytes; a large block is written through. */
void outbuf_put(struct outbuf *o, const void *p, size_t n);

static inline void outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

/* Formats into dst (at least 20 bytes), no terminator; returns the length. */
size_t outbuf_fmt_u64(char *dst, uint64_t v);
/* "%.6f" of d into dst (OUTBUF_FIXED6_MAX bytes: DBL_MAX has 309 digits),
 * terminated; returns the length. */
#define OUTBUF_FIXED6_MAX 330
size_t outbuf_fmt_fixed6(char *dst, double d);
/* civil_iso_time of t into dst (at least 32 bytes), terminated; 0 for t <= 0. */
size_t outbuf_fmt_iso(char *dst, int64_t t);

void outbuf_u64(struct outbuf *o, uint64_t v);
void outbuf_i64(struct outbuf *o, int64_t v); /* "-12", "0", "34" */
void outbuf_fixed6(struct outbuf *o, double d);
void outbuf_iso(struct outbuf *o, int64_t t);

#endif

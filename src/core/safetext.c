/* safetext.c - the one rule for text that leaves hubtop (see safetext.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/safetext.h"

/* Length of the valid UTF-8 sequence at p (code point in *cp), or 0. */
static size_t utf8_decode(const unsigned char *p, size_t avail, unsigned *cp)
{
	unsigned c, need, i;

	if (!avail)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, *cp = c & 0x07;
	else
		return 0;
	if (avail <= need)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 2 && *cp < 0x800) || (need == 3 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return need + 1;
}

static int forbidden(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

size_t safetext_char(const unsigned char *p, size_t avail)
{
	unsigned cp;
	size_t n;

	if (avail && p[0] >= 0x20 && p[0] < 0x7f)
		return 1;
	n = utf8_decode(p, avail, &cp);
	return n && !forbidden(cp) ? n : 0;
}

size_t safetext_bad_len(const unsigned char *p, size_t avail)
{
	unsigned cp;
	size_t n = utf8_decode(p, avail, &cp);

	return n ? n : 1;
}

/* 1 when the eight bytes at p are all printable ASCII (0x20..0x7e). */
static int ascii8_printable(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w, del;

	memcpy(&w, p, 8);
	del = w ^ (0x7f * ones);
	return !((w | ((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) & highs);
}

/* 1 when the n bytes at p are all printable ASCII, as most text is. */
static int ascii_printable(const unsigned char *p, size_t n)
{
	unsigned char pad[8];
	size_t i;

	if (n < 8) {
		memset(pad, ' ', sizeof pad);
		memcpy(pad, p, n);
		return ascii8_printable(pad);
	}
	/* Eight at a time; the last eight overlap what was checked. */
	for (i = 0; i + 8 < n; i += 8)
		if (!ascii8_printable(p + i))
			return 0;
	return ascii8_printable(p + n - 8);
}

int safetext_valid_n(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (ascii_printable(p, n))
		return 1;
	while (i < n) {
		size_t len = safetext_char(p + i, n - i);
		if (!len)
			return 0;
		i += len;
	}
	return 1;
}

int safetext_valid(const char *s, size_t max)
{
	size_t n;

	if (!s || (n = strnlen(s, max < SIZE_MAX ? max + 1 : max)) > max)
		return 0;
	return safetext_valid_n(s, n);
}

char *safetext_clean(char *dst, size_t dstlen, const char *src)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t n = strlen((const char *)p), i = 0, o = 0;

	if (!dstlen)
		return dst;
	while (i < n) {
		size_t len = safetext_char(p + i, n - i);
		if (!len) {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = SAFETEXT_REPLACEMENT;
			i += safetext_bad_len(p + i, n - i);
			continue;
		}
		if (o + len >= dstlen)
			break;
		memcpy(dst + o, p + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
	return dst;
}

char *safetext_clean_inplace(char *s)
{
	/* Each step writes no more bytes than it reads, so dst never passes src. */
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;

	while (i < n) {
		size_t len = safetext_char(p + i, n - i);
		if (!len) {
			/* Measured before the write, which may land on it. */
			i += safetext_bad_len(p + i, n - i);
			p[o++] = SAFETEXT_REPLACEMENT;
			continue;
		}
		memmove(p + o, p + i, len);
		o += len;
		i += len;
	}
	p[o] = '\0';
	return s;
}

const char *safetext_show(const char *s, char *buf, size_t len)
{
	if (!s)
		return "";
	if (safetext_valid(s, SIZE_MAX))
		return s;
	return safetext_clean(buf, len, s);
}

int safetext_fputs(const char *s, FILE *fp, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;

	while (i < n) {
		size_t start = i, len;
		/* The longest allowed run, written at once. */
		while (i < n && (len = safetext_char(p + i, n - i)) != 0)
			i += len;
		if (i > start && fwrite(p + start, 1, i - start, fp) != i - start)
			return EOF;
		if (i < n) {
			int c = keep_newlines && (p[i] == '\n' || p[i] == '\t') ? p[i]
										   : SAFETEXT_REPLACEMENT;
			if (putc(c, fp) == EOF)
				return EOF;
			i += safetext_bad_len(p + i, n - i);
		}
	}
	return 0;
}

int safetext_vfprintf(FILE *fp, const char *fmt, va_list ap)
{
	char small[1024], *text = small;
	va_list aq;
	int n, rc;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof small) {
		text = malloc((size_t)n + 1);
		if (!text)
			return -1;
		vsnprintf(text, (size_t)n + 1, fmt, ap);
	}
	rc = safetext_fputs(text, fp, 1) == EOF ? -1 : n;
	if (text != small)
		free(text);
	return rc;
}

int safetext_fprintf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = safetext_vfprintf(fp, fmt, ap);
	va_end(ap);
	return rc;
}

/* draw.c - text width, truncation, bars, numbers and themes (see draw.h). */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "hubtop/civil.h"
#include "hubtop/draw.h"
#include "hubtop/safetext.h"

const char *const draw_themes[] = { "default", "light", "mono", NULL };
int draw_utf8;
int draw_color;

static int draw_attrs[DR_COUNT];

struct draw_look { short fg, bg; int attr; };

#define DRAW_DARK(r, f1, b1, a1, f2, b2, a2, m) { f1, b1, (int)(a1) },
#define DRAW_LIGHT(r, f1, b1, a1, f2, b2, a2, m) { f2, b2, (int)(a2) },
#define DRAW_MONO(r, f1, b1, a1, f2, b2, a2, m) (int)(m),
static const struct draw_look draw_dark[DR_COUNT] = { DRAW_ROLES(DRAW_DARK) };
static const struct draw_look draw_light[DR_COUNT] = { DRAW_ROLES(DRAW_LIGHT) };
static const int draw_mono[DR_COUNT] = { DRAW_ROLES(DRAW_MONO) };

int draw_theme_find(const char *name)
{
	for (int i = 0; draw_themes[i]; i++)
		if (strcasecmp(draw_themes[i], name) == 0)
			return i;
	return -1;
}

void draw_init(int ascii, int color, const char *theme, int have_screen)
{
	const char *cs = nl_langinfo(CODESET);
	const char *nc = getenv("NO_COLOR");
	int t = theme && *theme ? draw_theme_find(theme) : 0;

	draw_utf8 = !ascii && cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
	if (t < 0)
		t = 0;
	/* https://no-color.org: any non-empty value turns colour off. */
	if ((nc && *nc) || !color || t == 2)
		color = 0;
	if (have_screen && color && !has_colors())
		color = 0;
	draw_color = have_screen && color;
	if (have_screen && color) {
		const struct draw_look *look = t == 1 ? draw_light : draw_dark;
		start_color();
		use_default_colors();
		for (int i = 0; i < DR_COUNT; i++) {
			init_pair((short)(i + 1), look[i].fg, look[i].bg);
			draw_attrs[i] = (int)COLOR_PAIR(i + 1) | look[i].attr;
		}
	} else {
		for (int i = 0; i < DR_COUNT; i++)
			draw_attrs[i] = draw_mono[i];
	}
}

int draw_attr(enum draw_role r)
{
	return r < DR_COUNT ? draw_attrs[r] : (int)A_NORMAL;
}

/* Decodes one character at s; returns its byte length (>= 1) and sets *wc
 * (L'?' for an invalid sequence) and *cols. */
static size_t draw_next(const char *s, wchar_t *wc, int *cols)
{
	if (!draw_utf8 || (unsigned char)*s < 0x80) {
		unsigned char c = (unsigned char)*s;
		*wc = (c >= 0x20 && c < 0x7f) ? (wchar_t)c : L'?';
		*cols = 1;
		return 1;
	}
	/* The one text rule first: wcwidth lets bidirectional and zero-width
	 * formatting characters through as width 0. */
	if (!safetext_char((const unsigned char *)s, 4)) {
		*wc = L'?';
		*cols = 1;
		return safetext_bad_len((const unsigned char *)s, 4);
	}
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*cols = 1;
		return 1;
	}
	int w = wcwidth(*wc);
	if (w < 0) {
		*wc = L'?';
		w = 1;
	}
	*cols = w;
	return n;
}

int draw_width(const char *s)
{
	int total = 0, cols;
	wchar_t wc;
	while (*s) {
		s += draw_next(s, &wc, &cols);
		total += cols;
	}
	return total;
}

/* Appends the bytes of one character (the original bytes when they decode,
 * '?' otherwise). */
static size_t draw_put(char *out, size_t pos, size_t outlen, const char *s, size_t n, wchar_t wc)
{
	if (wc == L'?' && !(n == 1 && *s == '?')) {
		s = "?";
		n = 1;
	}
	if (pos + n >= outlen)
		return pos;
	memcpy(out + pos, s, n);
	return pos + n;
}

size_t draw_fit_str(char *out, size_t outlen, const char *s, int width, int right)
{
	const char *ell = draw_utf8 ? "\xe2\x80\xa6" : "~";
	size_t pos = 0;
	int used = 0, cols;
	wchar_t wc;

	if (!outlen)
		return 0;
	if (width <= 0) {
		out[0] = '\0';
		return 0;
	}
	int total = draw_width(s);
	if (total <= width) {
		if (right)
			for (; used < width - total && pos + 1 < outlen; used++)
				out[pos++] = ' ';
		while (*s) {
			size_t n = draw_next(s, &wc, &cols);
			pos = draw_put(out, pos, outlen, s, n, wc);
			s += n;
		}
		for (used += total; used < width && pos + 1 < outlen; used++)
			out[pos++] = ' ';
		out[pos] = '\0';
		return pos;
	}
	/* Too long: keep what fits in width - 1 columns, then the ellipsis. */
	while (*s) {
		size_t n = draw_next(s, &wc, &cols);
		if (used + cols > width - 1)
			break;
		pos = draw_put(out, pos, outlen, s, n, wc);
		used += cols;
		s += n;
	}
	for (; used < width - 1 && pos + 1 < outlen; used++)
		out[pos++] = ' ';
	if (pos + strlen(ell) < outlen) {
		memcpy(out + pos, ell, strlen(ell));
		pos += strlen(ell);
	}
	out[pos] = '\0';
	return pos;
}

size_t draw_bar_str(char *out, size_t outlen, double frac, int width)
{
	static const char *const eighths[8] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
	};
	size_t pos = 0;
	int used = 0;

	if (!outlen)
		return 0;
	if (!(frac >= 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	if (width > 0) {
		long units = (long)(frac * width * 8 + 0.5);
		int full = (int)(units / 8), part = (int)(units % 8);
		for (; used < full && pos + 4 < outlen; used++) {
			const char *b = draw_utf8 ? "\xe2\x96\x88" : "#";
			memcpy(out + pos, b, strlen(b));
			pos += strlen(b);
		}
		if (used < width && part) {
			const char *b = draw_utf8 ? eighths[part] : (part >= 4 ? "#" : "");
			if (*b && pos + strlen(b) < outlen) {
				memcpy(out + pos, b, strlen(b));
				pos += strlen(b);
				used++;
			}
		}
		for (; used < width && pos + 1 < outlen; used++)
			out[pos++] = ' ';
	}
	out[pos] = '\0';
	return pos;
}

const char *draw_human(uint64_t v, char *buf, size_t len)
{
	/* B for billions, as analysts write it (G reads as giga). */
	static const char units[] = "kMBTPE";
	if (v < 10000) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	double d = (double)v;
	int u = -1;
	while (d >= 999.5 && u < 5) {
		d /= 1000;
		u++;
	}
	snprintf(buf, len, d < 9.995 ? "%.2f%c" : d < 99.95 ? "%.1f%c" : "%.0f%c", d, units[u]);
	return buf;
}

const char *draw_thousands(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
	size_t pos = 0;
	for (int i = 0; i < n && pos + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && pos + 2 < len)
			buf[pos++] = ',';
		buf[pos++] = tmp[i];
	}
	if (len)
		buf[pos < len ? pos : len - 1] = '\0';
	return buf;
}

const char *draw_percent(double frac, char *buf, size_t len)
{
	if (!(frac >= 0))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f%%", frac * 100);
	return buf;
}

const char *draw_date(int64_t t, char *buf, size_t len)
{
	if (civil_iso_date(t, buf, len) != 0)
		snprintf(buf, len, "-");
	return buf;
}

void draw_text(WINDOW *w, int y, int x, int width, const char *s, int right, enum draw_role r)
{
	char buf[2048];
	if (width <= 0)
		return;
	if (width > 500)
		width = 500;
	draw_fit_str(buf, sizeof buf, s, width, right);
	wattrset(w, draw_attr(r));
	mvwaddstr(w, y, x, buf);
	wattrset(w, draw_attr(DR_NORMAL));
}

void draw_bar(WINDOW *w, int y, int x, int width, double frac, enum draw_role r)
{
	char buf[2048];
	if (width <= 0)
		return;
	if (width > 500)
		width = 500;
	draw_bar_str(buf, sizeof buf, frac, width);
	wattrset(w, draw_attr(r));
	mvwaddstr(w, y, x, buf);
	wattrset(w, draw_attr(DR_NORMAL));
}

void draw_clear_line(WINDOW *w, int y, int x, enum draw_role r)
{
	int maxx = getmaxx(w);
	wattrset(w, draw_attr(r));
	wmove(w, y, x);
	for (int i = x; i < maxx; i++)
		waddch(w, ' ');
	wattrset(w, draw_attr(DR_NORMAL));
}

void draw_line_only(WINDOW *w, int y, const char *s, enum draw_role r)
{
	draw_clear_line(w, y, 0, r);
	draw_text(w, y, 0, getmaxx(w), s, 0, r);
}

void draw_blank_box(WINDOW *w, int y, int x, int width, int h)
{
	for (int i = 0; i < h; i++)
		draw_text(w, y + i, x, width, "", 0, DR_NORMAL);
}

void draw_stacked(WINDOW *w, int y, int x, int width, const uint64_t *vals, unsigned n, const char *letters)
{
	int cells[32] = { 0 }, used = 0;
	double rem[32] = { 0 };
	uint64_t total = 0;
	size_t nl = strlen(letters);

	if (n > 32)
		n = 32;
	for (unsigned c = 0; c < n; c++)
		total += vals[c];
	if (!total || width <= 0)
		return;
	for (unsigned c = 0; c < n; c++) {
		double exact = (double)vals[c] * width / (double)total;
		cells[c] = (int)exact;
		rem[c] = exact - cells[c];
		used += cells[c];
	}
	while (used < width) {
		unsigned best = 0;
		for (unsigned c = 1; c < n; c++)
			if (rem[c] > rem[best])
				best = c;
		cells[best]++;
		rem[best] = -1;
		used++;
	}
	for (unsigned c = 0; c < n; c++) {
		char seg[1024];
		size_t pos = 0;
		for (int k = 0; k < cells[c] && pos + 4 < sizeof seg; k++) {
			if (draw_color && draw_utf8) {
				memcpy(seg + pos, "\xe2\x96\x88", 3);
				pos += 3;
			} else {
				seg[pos++] = nl ? letters[c % nl] : '#';
			}
		}
		seg[pos] = '\0';
		if (cells[c])
			draw_text(w, y, x, cells[c], seg, 0, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
		x += cells[c];
	}
}

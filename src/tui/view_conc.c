/* view_conc.c - the Concentration pane: how much of the downloads the top
 * items hold (top 10/100/200/1000, the share under 200 downloads, Gini) and
 * the Lorenz curve of the filtered set.  Models or datasets ('S').  A
 * partial snapshot (fetch --top) shows the long-tail figures as unknown. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/conc.h"
#include "hubtop/draw.h"
#include "hubtop/view.h"

static void conc_open(struct tui *t, struct view *v)
{
	(void)tui_result(t, v->mode ? HT_DATASETS : HT_MODELS);
	v->n = 1;
}

/* The figures take CONC_FIG_LINES lines; the first skip are scrolled off. */
#define CONC_FIG_LINES 11
/* Below the figures on a narrow screen: the least the curve needs. */
#define CONC_LORENZ_MIN 8

static void conc_figures(struct tui *t, struct view *v, const struct eng_result *r, int y, int h, int x0, int w,
			 int skip)
{
	char buf[256], b1[32], b2[32];
	struct conc_figures cf;
	int line = 0, bar_w = w - 24;
	if (bar_w > 30)
		bar_w = 30;
	y -= skip;
	h += skip;
#define CONC_SHOWN (line >= skip && line < h)
#define CONC_LINE(role, ...) do { if (CONC_SHOWN) { snprintf(buf, sizeof buf, __VA_ARGS__); \
	draw_text(stdscr, y + line, x0, w, buf, 0, role); } line++; } while (0)
	CONC_LINE(DR_FIGLABEL, "%s", v->mode ? "Datasets" : "Models");
	CONC_LINE(DR_NORMAL, "Items       %s", draw_thousands(r->count, b1, sizeof b1));
	CONC_LINE(DR_NORMAL, "Downloads   %s",
		  r->count && !r->counted ? "n/a" : draw_thousands(r->downloads, b1, sizeof b1));
	if (r->na_reason)
		CONC_LINE(DR_DIM, "n/a: %s", r->na_reason);
	else if (r->count > r->counted)
		CONC_LINE(DR_DIM, "%s without a download count", draw_thousands(r->count - r->counted, b1, sizeof b1));
	else
		CONC_LINE(DR_NORMAL, "%s", "");
	for (int i = 0; i < ENG_TOP_N; i++) {
		if (CONC_SHOWN) {
			snprintf(buf, sizeof buf, "Top %-5u %7s ", eng_top_n[i], draw_percent(r->top_share[i], b1, sizeof b1));
			draw_text(stdscr, y + line, x0, 18, buf, 0, DR_NORMAL);
			if (bar_w > 3 && !isnan(r->top_share[i]))
				draw_bar(stdscr, y + line, x0 + 18, bar_w, r->top_share[i], DR_BAR);
		}
		line++;
	}
	if (r->partial) {
		CONC_LINE(DR_NORMAL, "Under %u   n/a", ENG_UNDER);
		CONC_LINE(DR_NORMAL, "%s", "Gini        n/a");
		CONC_LINE(DR_DIM, "(partial snapshot: top %llu only)", (unsigned long long)t->s->snap->meta.top_n);
	} else {
		CONC_LINE(DR_NORMAL, "Under %u   %s of items (%s)", ENG_UNDER, draw_percent(r->under_share, b1, sizeof b1),
			  draw_thousands(r->under_count, b2, sizeof b2));
		if (isnan(r->gini))
			CONC_LINE(DR_NORMAL, "%s", "Gini        n/a");
		else
			CONC_LINE(DR_NORMAL, "Gini        %.3f", r->gini);
		/* "How many items make half the downloads?" at a glance. */
		if (conc_compute(t->s->eng, r, &cf) == 0 && cf.known) {
			CONC_LINE(DR_NORMAL, "%s items hold 50%% of downloads", draw_thousands(cf.half_items, b1, sizeof b1));
			CONC_LINE(DR_NORMAL, "Median      %s downloads per item", draw_thousands(cf.median, b1, sizeof b1));
		} else {
			CONC_LINE(DR_NORMAL, "%s", "50% of downloads: n/a");
			CONC_LINE(DR_NORMAL, "%s", "Median      n/a");
		}
	}
#undef CONC_LINE
#undef CONC_SHOWN
}

/* Word-wraps ASCII text into the box; what does not fit is left out. */
static void conc_wrap(const char *s, int y, int h, int x0, int w, enum draw_role role)
{
	char line[256];
	int row = 0;
	while (*s && row < h) {
		int len = 0, brk = 0;
		while (*s == ' ')
			s++;
		while (s[len] && len < w && len < (int)sizeof line - 1) {
			if (s[len] == ' ')
				brk = len;
			len++;
		}
		if (s[len] && brk > 0)
			len = brk;
		snprintf(line, sizeof line, "%.*s", len, s);
		draw_text(stdscr, y + row++, x0, w, line, 0, role);
		s += len;
	}
}

/* A partial snapshot lacks the long tail, so no curve can be drawn. */
static void conc_lorenz_unknown(struct tui *t, int y, int h, int x0, int w)
{
	unsigned long long top = (unsigned long long)t->s->snap->meta.top_n;
	char buf[256];
	if (h < 1 || w < 12)
		return;
	snprintf(buf, sizeof buf, "Lorenz curve: n/a (partial snapshot: top %llu only)", top);
	draw_text(stdscr, y, x0, w, buf, 0, DR_FIGLABEL);
	snprintf(buf, sizeof buf, "The snapshot holds only the %llu most downloaded items of each kind, "
		 "so how the rest of the downloads is spread is unknown. Run `hubtop fetch` "
		 "without --top for the curve and the Gini coefficient.", top);
	conc_wrap(buf, y + 2, h - 2, x0, w, DR_DIM);
}

/* The x axis under a curve of pw columns: 0% under its first column,
 * 100% ending under its last, 50% under its middle, and the words as
 * room allows. */
static void conc_axis(int y, int x0, int pw)
{
	char line[512];
	int mid = (pw - 1) / 2 - 1;
	static const char *const words[] = { " of items, poorest first", " of items", "" };
	if (pw < 8 || pw >= (int)sizeof line)
		return;
	memset(line, ' ', (size_t)pw);
	line[pw] = '\0';
	memcpy(line, "0%", 2);
	memcpy(line + pw - 4, "100%", 4);
	if (pw >= 20)
		memcpy(line + mid, "50%", 3);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		int n = (int)strlen(words[i]);
		if (2 + n < (pw >= 20 ? mid - 1 : pw - 5)) {
			memcpy(line + 2, words[i], (size_t)n);
			break;
		}
	}
	draw_text(stdscr, y, x0, pw, line, 0, DR_DIM);
}

static void conc_lorenz(const struct eng_result *r, int y, int h, int x0, int w)
{
	char title[160];
	if (h < 4 || w < 12)
		return;
	if (r->na_reason) {
		/* Nothing to draw: say why rather than a curve of zeros. */
		snprintf(title, sizeof title, "Lorenz curve: n/a (%s)", r->na_reason);
		draw_text(stdscr, y, x0, w, title, 0, DR_FIGLABEL);
		return;
	}
	snprintf(title, sizeof title, "Lorenz curve: downloads held by the poorest items");
	draw_text(stdscr, y, x0, w, title, 0, DR_FIGLABEL);
	int ph = h - 2, pw = w - 5;
	int base = y + 1 + ph - 1;   /* line of 0% */
	for (int row = 0; row < ph; row++) {
		const char *lab = row == 0 ? "100%" : row == ph - 1 ? "  0%" : "    ";
		draw_text(stdscr, y + 1 + row, x0, 4, lab, 0, DR_DIM);
		draw_text(stdscr, y + 1 + row, x0 + 4, 1, draw_utf8 ? "\xe2\x94\x82" : "|", 0, DR_DIM);
	}
	for (int c = 0; c < pw; c++) {
		double px = pw > 1 ? (double)c / (pw - 1) : 0;
		double pos = px * ENG_LORENZ;
		int i0 = (int)pos;
		double frac = pos - i0;
		double yv = i0 >= ENG_LORENZ ? r->lorenz[ENG_LORENZ]
					     : r->lorenz[i0] * (1 - frac) + r->lorenz[i0 + 1] * frac;
		int ly = base - (int)(yv * (ph - 1) + 0.5);
		int ld = base - (int)(px * (ph - 1) + 0.5);
		if (ld != ly)
			draw_text(stdscr, ld, x0 + 5 + c, 1, draw_utf8 ? "\xc2\xb7" : ".", 0, DR_DIM);
		for (int k = ly + 1; k <= base; k++)
			draw_text(stdscr, k, x0 + 5 + c, 1, draw_utf8 ? "\xe2\x96\x91" : " ", 0, DR_BAR);
		draw_text(stdscr, ly, x0 + 5 + c, 1, "*", 0, DR_MARK);
	}
	conc_axis(y + h - 1, x0 + 5, pw);
}

/* Lines the pane needs at width w; on a shorter screen it scrolls by
 * v->top lines. */
struct conc_priv {
	int h;              /* lines of the pane when last drawn */
};

static int conc_need(int w)
{
	return w >= 72 ? CONC_FIG_LINES : CONC_FIG_LINES + CONC_LORENZ_MIN;
}

static void conc_draw(struct tui *t, struct view *v, int y, int h, int w)
{
	struct eng_result *r = tui_result(t, v->mode ? HT_DATASETS : HT_MODELS);
	int need = conc_need(w), skip;
	struct conc_priv *p = v->priv;
	p->h = h;
	if (!r || h < 1)
		return;
	if ((int)v->top > (need > h ? need - h : 0))
		v->top = (size_t)(need > h ? need - h : 0);
	skip = (int)v->top;
	if (w >= 72) {
		conc_figures(t, v, r, y, h, 1, 40, skip);
		if (r->partial)
			conc_lorenz_unknown(t, y, h, 42, w - 43);
		else
			conc_lorenz(r, y, h, 42, w - 43);
	} else {
		int fh = (h + skip < CONC_FIG_LINES ? h + skip : CONC_FIG_LINES) - skip;
		if (fh < 0)
			fh = 0;
		conc_figures(t, v, r, y, fh, 0, w, skip);
		if (r->partial)
			conc_lorenz_unknown(t, y + fh, h - fh, 0, w);
		else
			conc_lorenz(r, y + fh, h - fh, 0, w);
	}
}

/* Up, Down and the pages scroll the pane when the screen is too short. */
static int conc_scroll(struct tui *t, struct view *v, enum request r)
{
	const struct conc_priv *p = v->priv;
	int h = p->h, need = conc_need(t->cols);
	size_t max = (size_t)(need > h ? need - h : 0);
	switch (r) {
	case REQ_MOVE_UP: v->top = v->top ? v->top - 1 : 0; break;
	case REQ_MOVE_DOWN: v->top = v->top < max ? v->top + 1 : max; break;
	case REQ_PAGE_UP: case REQ_FIRST: v->top = 0; break;
	case REQ_PAGE_DOWN: case REQ_LAST: v->top = max; break;
	default: return 0;
	}
	return VIEW_DONE;
}

static int conc_request(struct tui *t, struct view *v, enum request r)
{
	if (r != REQ_TOGGLE_GROUPS)
		return conc_scroll(t, v, r);
	v->mode = !v->mode;
	tui_message(t, 0, "Concentration of %s (%s: switch)", v->mode ? "datasets" : "models",
		    request_key_hint(REQ_TOGGLE_GROUPS));
	return VIEW_REOPEN;
}

static void conc_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len, double *bar)
{
	(void)t; (void)v; (void)i; (void)col; (void)bar;
	snprintf(buf, len, "%s", "");
}

static void conc_export(struct tui *t, struct view *v, struct export_req *q)
{
	(void)t;
	q->view = EXPORT_CONCENTRATION;
	q->pane = v->mode ? PANE_DATASETS : PANE_MODELS;
	q->items = v->mode ? HT_DATASETS : HT_MODELS;
	q->sort = SORT_DOWNLOADS;
	q->desc = 1;
}

static enum ht_kind conc_kind(const struct view *v)
{
	return v->mode ? HT_DATASETS : HT_MODELS;
}

const struct view_ops view_conc_ops = {
	.title = "Concentration", .help = "Concentration pane (Lorenz curve, top-N shares)",
	.default_sort = SORT_DOWNLOADS, .kind = conc_kind, .priv_size = sizeof(struct conc_priv),
	.open = conc_open, .cell = conc_cell, .draw = conc_draw, .request = conc_request,
	.export_req = conc_export,
};

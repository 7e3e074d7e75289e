/* view_trends.c - the Trends pane: shares by year of creation, stacked, by
 * organisation type or country group, of downloads or of model counts ('g'
 * cycles).  Enter lists the models created that year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/civil.h"
#include "hubtop/draw.h"
#include "hubtop/view.h"

#define TRENDS_MODES 4
static const char *const trends_titles[TRENDS_MODES] = {
	"downloads by organisation type", "downloads by country group",
	"models by organisation type", "models by country group",
};

struct trends_priv {
	unsigned years[ENG_YEARS];   /* bucket of each row, newest first */
};

static int trends_by_group(const struct view *v) { return v->mode % 2 == 1; }
static int trends_by_count(const struct view *v) { return v->mode >= 2; }
static unsigned trends_ncat(const struct view *v) { return trends_by_group(v) ? CG_COUNT : OT_COUNT; }

static const char *trends_cat_key(const struct view *v, unsigned c)
{
	return trends_by_group(v) ? country_group_key((enum country_group)c) : orgdir_type_key((enum org_type)c);
}

static uint64_t trends_value(const struct view *v, const struct eng_result *r, unsigned y, unsigned c)
{
	const struct eng_bucket *b = trends_by_group(v) ? &r->year_group[y][c] : &r->year_type[y][c];
	return trends_by_count(v) ? b->count : b->downloads;
}

static void trends_open(struct tui *t, struct view *v)
{
	struct trends_priv *p = v->priv;
	struct eng_result *r = tui_result(t, HT_MODELS);
	v->n = 0;
	if (!r)
		return;
	for (unsigned y = ENG_YEARS; y-- > 0;)
		if (r->by_year[y].count)
			p->years[v->n++] = y;
}

/* Segment character of a category when there is no colour to tell them apart. */
static char trends_letter(const struct view *v, unsigned c)
{
	static const char types[] = "IANGCiU";
	static const char groups[] = "UCEOAW?";
	return trends_by_group(v) ? groups[c % 7] : types[c % 7];
}

static void trends_draw(struct tui *t, struct view *v, int y, int h, int w)
{
	struct trends_priv *p = v->priv;
	struct eng_result *r = tui_result(t, HT_MODELS);
	unsigned ncat = trends_ncat(v);
	char buf[256], b1[32];
	int x;

	if (h < 1 || !p || !r)
		return;
	/* Legend. */
	draw_clear_line(stdscr, y, 0, DR_COLHDR);
	snprintf(buf, sizeof buf, "Shares of %s, by year of creation (%s: next) ", trends_titles[v->mode],
		 request_key_hint(REQ_TOGGLE_GROUPS));
	draw_text(stdscr, y, 0, w, buf, 0, DR_COLHDR);
	if (h < 2)
		return;
	draw_clear_line(stdscr, y + 1, 0, DR_NORMAL);
	x = 1;
	for (unsigned c = 0; c < ncat && x < w; c++) {
		char sw[8];
		snprintf(sw, sizeof sw, "%s", draw_color && draw_utf8 ? "\xe2\x96\x88" : (char[]){ trends_letter(v, c), 0 });
		draw_text(stdscr, y + 1, x, 1, sw, 0, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
		snprintf(buf, sizeof buf, " %s  ", trends_cat_key(v, c));
		int bw = draw_width(buf);
		if (x + 1 + bw > w)
			break;
		draw_text(stdscr, y + 1, x + 1, bw, buf, 0, DR_NORMAL);
		x += 1 + bw;
	}
	int rows = h - 2;
	if (v->sel < v->top)
		v->top = v->sel;
	if (rows > 0 && v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	int label_w = 19;
	int pct_w = w >= 90 ? (int)ncat * 5 : 0;
	int bar_w = w - label_w - pct_w - 2;
	if (bar_w < 4) {
		bar_w = w - 7;
		label_w = 6;
	}
	for (int i = 0; i < rows; i++) {
		size_t row = v->top + (size_t)i;
		int ly = y + 2 + i;
		draw_clear_line(stdscr, ly, 0, DR_NORMAL);
		if (row >= v->n)
			continue;
		unsigned yb = p->years[row];
		uint64_t total = 0;
		for (unsigned c = 0; c < ncat; c++)
			total += trends_value(v, r, yb, c);
		engine_year_label(yb, b1, sizeof b1);
		if (label_w > 6)
			snprintf(buf, sizeof buf, "%-6s %5s %6s", b1, draw_human(r->by_year[yb].count, (char[16]){ 0 }, 16),
				 draw_human(r->by_year[yb].downloads, (char[16]){ 0 }, 16));
		else
			snprintf(buf, sizeof buf, "%s", b1);
		draw_text(stdscr, ly, 0, label_w, buf, 0, row == v->sel ? DR_SELECTED : DR_NORMAL);
		/* Stacked bar: each category gets its rounded share of the width;
		 * the largest remainders take the columns rounding left over. */
		int cells[16] = { 0 };
		double rem[16] = { 0 };
		int used = 0;
		for (unsigned c = 0; c < ncat && total; c++) {
			double exact = (double)trends_value(v, r, yb, c) * bar_w / (double)total;
			cells[c] = (int)exact;
			rem[c] = exact - cells[c];
			used += cells[c];
		}
		while (total && used < bar_w) {
			unsigned best = 0;
			for (unsigned c = 1; c < ncat; c++)
				if (rem[c] > rem[best])
					best = c;
			cells[best]++;
			rem[best] = -1;
			used++;
		}
		x = label_w + 1;
		for (unsigned c = 0; c < ncat; c++) {
			char seg[1024];
			size_t pos = 0;
			for (int k = 0; k < cells[c] && pos + 4 < sizeof seg; k++) {
				if (draw_color && draw_utf8) {
					memcpy(seg + pos, "\xe2\x96\x88", 3);
					pos += 3;
				} else {
					seg[pos++] = trends_letter(v, c);
				}
			}
			seg[pos] = '\0';
			if (cells[c])
				draw_text(stdscr, ly, x, cells[c], seg, 0, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
			x += cells[c];
		}
		if (pct_w) {
			x = label_w + 1 + bar_w + 1;
			for (unsigned c = 0; c < ncat; c++) {
				/* A share of no downloads is unknown, not 0%. */
				if (total)
					snprintf(buf, sizeof buf, "%3.0f%%",
						 100.0 * (double)trends_value(v, r, yb, c) / (double)total);
				else
					snprintf(buf, sizeof buf, "n/a");
				draw_text(stdscr, ly, x, 5, buf, 1, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
				x += 5;
			}
		}
	}
	if (!v->n && rows > 0)
		view_draw_nothing(y + 2, w);
}

static int trends_request(struct tui *t, struct view *v, enum request r)
{
	if (r != REQ_TOGGLE_GROUPS)
		return 0;
	v->mode = (v->mode + 1) % TRENDS_MODES;
	tui_message(t, 0, "Trends: %s", trends_titles[v->mode]);
	return 1;
}

static uint64_t trends_ident(struct tui *t, struct view *v, size_t i)
{
	struct trends_priv *p = v->priv;
	(void)t;
	return p->years[i];
}

static void trends_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
			double *bar)
{
	struct trends_priv *p = v->priv;
	(void)t;
	(void)col;
	(void)bar;
	engine_year_label(p->years[i], buf, len);
}

static void trends_enter(struct tui *t, struct view *v)
{
	struct trends_priv *p = v->priv;
	unsigned yb = p->years[v->sel];
	struct filter f = t->filter;
	if (yb == 0) {
		tui_message(t, 0, "Items with a legacy or unknown date have no year to filter on");
		return;
	}
	f.created_from = civil_year_start(ENG_YEAR_FIRST + yb - 1);
	if (yb + 1 < ENG_YEARS)
		f.created_to = civil_year_start(ENG_YEAR_FIRST + yb);
	else
		f.created_to = 0;   /* the last bucket holds every later year */
	tui_push(t, "models", &f);
	tui_message(t, 0, "Models created in %u (%s: back)", ENG_YEAR_FIRST + yb - 1, request_key_hint(REQ_BACK));
}

static void trends_export(struct tui *t, struct view *v, struct export_req *q)
{
	(void)t;
	(void)v;
	q->pane = PANE_YEARS;
	q->items = HT_MODELS;
	q->sort = SORT_NAME;
	q->desc = 0;
}

const struct view_ops view_trends_ops = {
	.title = "Trends", .help = "Trends pane (shares by year of creation)",
	.priv_size = sizeof(struct trends_priv), .default_sort = SORT_NAME,
	.open = trends_open, .cell = trends_cell, .ident = trends_ident,
	.draw = trends_draw, .request = trends_request, .enter = trends_enter,
	.export_req = trends_export,
};

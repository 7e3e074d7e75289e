/* view_trends.c - the Trends pane: shares by year of creation, stacked, by
 * organisation type or country group, of downloads or of model counts, then
 * by relation to a base model, size and language (dims.h) ('S' cycles).
 * Enter lists the models created that year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/civil.h"
#include "hubtop/dims.h"
#include "hubtop/draw.h"
#include "hubtop/view.h"

/* What a mode stacks: one row per source, each of downloads then of models. */
enum trends_src { TS_TYPE, TS_GROUP, TS_REL, TS_SIZE, TS_LANG, TS_COUNT };
#define TRENDS_LANGS EXPORT_TRENDS_LANGS /* languages shown; the rest are "other" */
#define TRENDS_MODES (2 * TS_COUNT)
/* Modes 0-3 as they always were; the dimensions after them. */
static const struct { enum trends_src src; int count; const char *title; } trends_modes[TRENDS_MODES] = {
	{ TS_TYPE, 0, "downloads by organisation type" }, { TS_GROUP, 0, "downloads by country group" },
	{ TS_TYPE, 1, "models by organisation type" }, { TS_GROUP, 1, "models by country group" },
	{ TS_REL, 0, "downloads by relation to a base model" }, { TS_SIZE, 0, "downloads by size" },
	{ TS_LANG, 0, "downloads by language" }, { TS_REL, 1, "models by relation to a base model" },
	{ TS_SIZE, 1, "models by size" }, { TS_LANG, 1, "models by language" },
};

struct trends_priv {
	unsigned years[ENG_YEARS];   /* bucket of each row, newest first */
	struct dims_shares *ds;      /* the dimension modes' figures, for result ds_of */
	const struct eng_result *ds_of;
	uint64_t ds_gen;
	uint32_t lang[TRENDS_LANGS]; /* language buckets shown, then "other" */
	unsigned n_lang;
};

static enum trends_src trends_src(const struct view *v) { return trends_modes[v->mode % TRENDS_MODES].src; }
static int trends_by_count(const struct view *v) { return trends_modes[v->mode % TRENDS_MODES].count; }

static unsigned trends_ncat(const struct view *v)
{
	const struct trends_priv *p = v->priv;
	static const unsigned n[TS_COUNT] = { OT_COUNT, CG_COUNT, DREL_COUNT, DSIZE_COUNT, 0 };
	return trends_src(v) == TS_LANG ? p->n_lang + 1 : n[trends_src(v)];
}

static const char *trends_cat_key(struct tui *t, const struct view *v, unsigned c)
{
	const struct trends_priv *p = v->priv;
	switch (trends_src(v)) {
	case TS_GROUP: return country_group_key((enum country_group)c);
	case TS_REL: return dims_rel_key((int)c);
	case TS_SIZE: return dims_size_key((int)c);
	case TS_LANG: return c < p->n_lang ? dims_lang_code(t->s->eng, p->lang[c]) : "other";
	default: return orgdir_type_key((enum org_type)c);
	}
}

/* The dimension modes' shares of r, made once per result. */
static const struct dims_shares *trends_dims(struct tui *t, struct view *v, const struct eng_result *r)
{
	struct trends_priv *p = v->priv;
	if (p->ds && p->ds_of == r && p->ds_gen == t->gen)
		return p->ds;
	dims_shares_free(p->ds);
	p->ds = dims_shares(t->s->eng, r);
	p->ds_of = r;
	p->ds_gen = t->gen;
	p->n_lang = 0;
	for (uint32_t i = 0; p->ds && i < p->ds->n_lang_used && p->n_lang < TRENDS_LANGS; i++)
		p->lang[p->n_lang++] = p->ds->lang_order[i];
	return p->ds;
}

static uint64_t trends_value(struct tui *t, struct view *v, const struct eng_result *r, unsigned y, unsigned c)
{
	struct trends_priv *p = v->priv;
	const struct dims_shares *d = trends_src(v) >= TS_REL ? trends_dims(t, v, r) : NULL;
	struct eng_bucket other = { 0, 0 };
	const struct eng_bucket *b;
	switch (trends_src(v)) {
	case TS_GROUP: b = &r->year_group[y][c]; break;
	case TS_REL: b = d ? &d->rel_year[y][c] : &other; break;
	case TS_SIZE: b = d ? &d->size_year[y][c] : &other; break;
	case TS_LANG:
		if (d && c < p->n_lang) {
			b = &d->lang_year[(size_t)y * d->n_lang + p->lang[c]];
		} else if (d) {
			/* the year's matches less the languages shown */
			other.count = r->by_year[y].count;
			other.downloads = r->by_year[y].downloads;
			for (unsigned i = 0; i < p->n_lang; i++) {
				other.count -= d->lang_year[(size_t)y * d->n_lang + p->lang[i]].count;
				other.downloads -= d->lang_year[(size_t)y * d->n_lang + p->lang[i]].downloads;
			}
			b = &other;
		} else {
			b = &other;
		}
		break;
	default: b = &r->year_type[y][c]; break;
	}
	return trends_by_count(v) ? b->count : b->downloads;
}

static void trends_done(struct view *v)
{
	struct trends_priv *p = v->priv;
	if (!p)
		return;
	dims_shares_free(p->ds);
	p->ds = NULL;
	p->ds_of = NULL;
}

static void trends_open(struct tui *t, struct view *v)
{
	struct trends_priv *p = v->priv;
	struct eng_result *r = tui_result(t, t->items);
	v->n = 0;
	if (!r)
		return;
	if (trends_src(v) >= TS_REL)
		trends_dims(t, v, r);
	for (unsigned y = ENG_YEARS; y-- > 0;)
		if (r->by_year[y].count)
			p->years[v->n++] = y;
}

/* Segment character of a category when there is no colour to tell them apart. */
static char trends_letter(const struct view *v, unsigned c)
{
	static const char *const letters[TS_COUNT] = { "IANGCiU", "UCEOAW?", "OFAQM?", "smlXH?", "12345678" };
	const char *l = letters[trends_src(v)];
	return l[c % strlen(l)];
}

static void trends_draw(struct tui *t, struct view *v, int y, int h, int w)
{
	struct trends_priv *p = v->priv;
	struct eng_result *r = tui_result(t, t->items);
	unsigned ncat;
	const char *title;
	char buf[256], b1[32], b2[96];
	int x;

	if (h < 1 || !p || !r)
		return;
	if (trends_src(v) >= TS_REL)
		trends_dims(t, v, r);
	ncat = trends_ncat(v);
	/* Legend. */
	draw_clear_line(stdscr, y, 0, DR_COLHDR);
	title = trends_modes[v->mode % TRENDS_MODES].title;
	if (t->items == HT_DATASETS && !strncmp(title, "models", 6))
		snprintf(b2, sizeof b2, "datasets%s", title + 6);
	else
		snprintf(b2, sizeof b2, "%s%s", t->items == HT_DATASETS ? "dataset " : "", title);
	snprintf(buf, sizeof buf, "Shares of %s, by year of creation (%s: next) ", b2,
		 request_key_hint(REQ_TOGGLE_GROUPS));
	draw_text(stdscr, y, 0, w, buf, 0, DR_COLHDR);
	if (h < 2)
		return;
	/* The legend names every category: what does not fit on its line
	 * goes on a second one (when the pane has the room), never cut. */
	int ly0 = y + 1, legend_h = 1;
	draw_clear_line(stdscr, ly0, 0, DR_NORMAL);
	x = 1;
	for (unsigned c = 0; c < ncat; c++) {
		char sw[8];
		snprintf(buf, sizeof buf, " %s  ", trends_cat_key(t, v, c));
		int bw = draw_width(buf);
		if (x + 1 + bw > w) {
			if (legend_h == 2 || h < 5)
				break;
			legend_h = 2;
			draw_clear_line(stdscr, ++ly0, 0, DR_NORMAL);
			x = 1;
		}
		snprintf(sw, sizeof sw, "%s", draw_color && draw_utf8 ? "\xe2\x96\x88" : (char[]){ trends_letter(v, c), 0 });
		draw_text(stdscr, ly0, x, 1, sw, 0, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
		draw_text(stdscr, ly0, x + 1, bw, buf, 0, DR_NORMAL);
		x += 1 + bw;
	}
	y += legend_h - 1;
	h -= legend_h - 1;
	int rows = h - 2;
	if (v->sel < v->top)
		v->top = v->sel;
	if (rows > 0 && v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	int label_w = 19;
	/* The percentages are what the bars say in numbers: shown from 70
	 * columns, so industry against independent reads at 80. */
	int pct_w = w >= 70 ? (int)ncat * 5 : 0;
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
			total += trends_value(t, v, r, yb, c);
		engine_year_label(yb, b1, sizeof b1);
		if (label_w > 6)
			snprintf(buf, sizeof buf, "%-6s %5s %6s", b1, draw_human(r->by_year[yb].count, (char[16]){ 0 }, 16),
				 draw_human(r->by_year[yb].downloads, (char[16]){ 0 }, 16));
		else
			snprintf(buf, sizeof buf, "%s", b1);
		draw_text(stdscr, ly, 0, label_w, buf, 0, row == v->sel ? DR_SELECTED : DR_NORMAL);
		/* Stacked bar: each category gets its rounded share of the width. */
		uint64_t vals[32];
		char letters[33];
		for (unsigned c = 0; c < ncat && c < 32; c++) {
			vals[c] = trends_value(t, v, r, yb, c);
			letters[c] = trends_letter(v, c);
		}
		letters[ncat < 32 ? ncat : 32] = '\0';
		draw_stacked(stdscr, ly, label_w + 1, bar_w, vals, ncat, letters);
		if (pct_w) {
			x = label_w + 1 + bar_w + 1;
			for (unsigned c = 0; c < ncat; c++) {
				/* A share of no downloads is unknown, not 0%. */
				if (total)
					snprintf(buf, sizeof buf, "%3.0f%%",
						 100.0 * (double)trends_value(t, v, r, yb, c) / (double)total);
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
	tui_message(t, 0, "Trends: %s", trends_modes[v->mode].title);
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
	tui_push(t, t->items == HT_DATASETS ? "datasets" : "models", &f);
	tui_message(t, 0, "%s created in %u (%s: back)", t->items == HT_DATASETS ? "Datasets" : "Models", ENG_YEAR_FIRST + yb - 1, request_key_hint(REQ_BACK));
}

static void trends_export(struct tui *t, struct view *v, struct export_req *q)
{
	/* The export's split and measure of the mode on screen. */
	static const unsigned split[TS_COUNT] = {
		0, EXPORT_TRENDS_BY_GROUP, 1u << EXPORT_TRENDS_DIM_SHIFT, 2u << EXPORT_TRENDS_DIM_SHIFT,
		3u << EXPORT_TRENDS_DIM_SHIFT
	};
	q->view = EXPORT_TRENDS;
	q->mode = split[trends_src(v)] | (trends_by_count(v) ? EXPORT_TRENDS_BY_COUNT : 0);
	q->pane = PANE_YEARS;
	q->items = t->items;
	q->sort = SORT_NAME;
	q->desc = 0;
}

const struct view_ops view_trends_ops = {
	.title = "Trends", .help = "Trends pane (shares by year of creation)",
	.priv_size = sizeof(struct trends_priv), .default_sort = SORT_NAME,
	.open = trends_open, .done = trends_done, .cell = trends_cell, .ident = trends_ident,
	.draw = trends_draw, .request = trends_request, .enter = trends_enter,
	.export_req = trends_export,
};

/* view_items.c - the Models and Datasets panes: every matching item, one
 * row each, read lazily from the result (only the rows on screen are
 * formatted, so millions scroll as fast as ten). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

enum { IC_RANK, IC_ID, IC_COUNTRY, IC_TYPE, IC_DOWNLOADS, IC_SHARE, IC_CUM, IC_LIKES, IC_TREND,
       IC_CREATED, IC_TASK, IC_LIBRARY, IC_LICENSE, IC_COUNT };

static const struct view_col items_cols[IC_COUNT] = {
	[IC_RANK]      = { "#",          7, 0, 1, -1,             6, 0 },
	[IC_ID]        = { "Id",        20, 1, 0, SORT_NAME,      99, 0 },
	[IC_COUNTRY]   = { "Ctry",       7, 0, 0, SORT_COUNTRY,   9, 0 },
	[IC_TYPE]      = { "Org type",  11, 0, 0, SORT_ORGTYPE,   8, 0 },
	[IC_DOWNLOADS] = { "Downloads", 10, 0, 1, SORT_DOWNLOADS, 98, 0 },
	[IC_SHARE]     = { "Share",      8, 0, 0, -1,             7, 1 },
	[IC_CUM]       = { "Cum %",      6, 0, 1, -1,             6, 0 },
	[IC_LIKES]     = { "Likes",      7, 0, 1, SORT_LIKES,     5, 0 },
	[IC_TREND]     = { "Trend",      5, 0, 1, SORT_TRENDING,  2, 0 },
	[IC_CREATED]   = { "Created",   10, 0, 0, SORT_CREATED,   3, 0 },
	[IC_TASK]      = { "Task",      16, 0, 0, SORT_TASK,      4, 0 },
	[IC_LIBRARY]   = { "Library",   12, 0, 0, SORT_LIBRARY,   1, 0 },
	[IC_LICENSE]   = { "Licence",   12, 0, 0, SORT_LICENSE,   1, 0 },
};

/* The export column each shows (view.h). */
static const char *const items_keys[IC_COUNT] = {
	[IC_RANK] = "rank",
	[IC_ID] = "id",
	[IC_COUNTRY] = "country",
	[IC_TYPE] = "org_type",
	[IC_DOWNLOADS] = "downloads",
	[IC_SHARE] = "share",
	[IC_CUM] = "cum_share",
	[IC_LIKES] = "likes",
	[IC_TREND] = "trending",
	[IC_CREATED] = "created",
	[IC_TASK] = "pipeline_tag",
	[IC_LIBRARY] = "library",
	[IC_LICENSE] = "license",
};

static enum ht_kind items_kind(const struct view *v)
{
	return v->ops == &view_datasets_ops ? HT_DATASETS : HT_MODELS;
}

struct items_priv {
	/* By downloads the result's own order serves, read by position
	 * (engine_row_at), or its row list once a scan needs every row;
	 * another order is a sorted copy (owned). */
	const uint32_t *rows;
	int owned;
	/* The array another order is written into, kept from one order to
	 * the next (room for every item of the table), and how much of it
	 * idle time has touched: the first order then writes into pages
	 * already there (engine_sort_items_into). */
	uint32_t *buf;
	size_t cap, touched;
	int by_result;      /* rows come from the result, reversed when !desc */
	uint64_t max_dl;    /* for the bars: the largest window downloads shown */
	/* Cum %: the window downloads of positions [0, cum_pos), walked from
	 * the last row asked, so the rows of a screen cost one step each. */
	size_t cum_pos;
	uint64_t cum_sum;
};

/* The item shown at position i. */
static uint32_t items_row(struct tui *t, struct view *v, size_t i)
{
	struct items_priv *p = v->priv;
	struct eng_result *r;
	size_t pos;
	if (!p->by_result)
		return p->rows[i];
	pos = v->desc ? i : v->n - 1 - i;
	if (p->rows)
		return p->rows[pos];
	r = tui_result(t, items_kind(v));
	return r ? engine_row_at(t->s->eng, r, (uint32_t)pos) : 0;
}

static void items_done(struct view *v)
{
	struct items_priv *p = v->priv;
	if (p->owned)
		free((void *)p->rows);
	free(p->buf);
	memset(p, 0, sizeof *p);
	v->n = 0;
	v->gen = 0;
}

static void items_open(struct tui *t, struct view *v)
{
	struct items_priv *p = v->priv;
	enum ht_kind k = items_kind(v);
	struct eng_result *r;

	if (p->owned)
		free((void *)p->rows);
	p->rows = NULL;
	p->owned = 0;
	p->by_result = 0;
	v->n = 0;
	r = tui_result(t, k);
	if (!r)
		return;
	if (v->sort == SORT_DOWNLOADS) {
		/* Nothing listed up front: the screen reads its rows by position. */
		p->by_result = 1;
	} else {
		size_t need = (size_t)t->s->snap->t[k].n + 1;
		if (need < (size_t)r->n + 1)
			need = (size_t)r->n + 1;
		if (p->cap < need) {
			free(p->buf);
			p->buf = malloc(need * sizeof *p->buf);
			p->cap = p->buf ? need : 0;
		}
		/* (its pages are written now: idle time has nothing left to touch) */
		p->touched = p->cap;
		if (p->buf && engine_sort_items_into(t->s->eng, r, (enum eng_sort)v->sort, v->desc, p->buf) == 0)
			p->rows = p->buf;
		if (!p->rows && r->n) {
			tui_message(t, 1, "Out of memory sorting %u rows", r->n);
			return;
		}
	}
	v->n = r->n;
	p->cum_pos = 0;
	p->cum_sum = 0;
	p->max_dl = r->n ? engine_item_downloads(t->s->eng, r, engine_row_at(t->s->eng, r, 0)) : 0;
}

static uint64_t items_dl_at(struct tui *t, struct view *v, const struct eng_result *r, size_t pos)
{
	uint32_t row = items_row(t, v, pos);
	return engine_item_counted(t->s->eng, r, row) ? engine_item_downloads(t->s->eng, r, row) : 0;
}

/* The window downloads of the rows at positions [a, b). */
static uint64_t items_dl_range(struct tui *t, struct view *v, const struct eng_result *r, size_t a, size_t b)
{
	struct items_priv *p = v->priv;
	uint64_t sum = 0;
	if (a >= b)
		return 0;
	if (p->rows)
		/* (the result's own order is reversed when !desc) */
		return engine_rows_downloads(t->s->eng, r, p->by_result && !v->desc ? p->rows + (v->n - b)
							     : p->rows + a, b - a);
	for (size_t i = a; i < b; i++)
		sum += items_dl_at(t, v, r, i);
	return sum;
}

/* The window downloads of the rows up to and including position i, of
 * every match's: the export's cum_share, in the list's order.  Walked from
 * the last position asked, from the top or, as the rest taken from the
 * result's downloads, from the end: whichever is shortest. */
static double items_cum(struct tui *t, struct view *v, const struct eng_result *r, size_t i)
{
	struct items_priv *p = v->priv;
	size_t want = i + 1, far = want > p->cum_pos ? want - p->cum_pos : p->cum_pos - want;
	/* A long walk reads rows one after another: list them once. */
	if (far > 4096 && p->by_result && !p->rows)
		p->rows = engine_result_rows(t->s->eng, r);
	if (p->rows && v->n - want < far && v->n - want < want) {
		p->cum_sum = r->downloads - items_dl_range(t, v, r, want, v->n);
		p->cum_pos = want;
	} else if (far > want) {
		p->cum_pos = 0;
		p->cum_sum = 0;
	}
	if (p->cum_pos < want)
		p->cum_sum += items_dl_range(t, v, r, p->cum_pos, want);
	else
		p->cum_sum -= items_dl_range(t, v, r, want, p->cum_pos);
	p->cum_pos = want;
	return engine_share(p->cum_sum, r->downloads);
}

static void items_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
		       double *bar)
{
	struct items_priv *p = v->priv;
	enum ht_kind k = items_kind(v);
	struct eng_result *r = tui_result(t, k);
	const struct ht_snapshot *s = t->s->snap;
	const struct attrib *a = t->s->attr;
	uint32_t row = items_row(t, v, i);
	uint32_t acct;

	switch (col) {
	case IC_RANK:
		snprintf(buf, len, "%zu", i + 1);
		break;
	case IC_ID:
		snprintf(buf, len, "%s", ht_id(s, k, row));
		break;
	case IC_COUNTRY:
		acct = engine_item_account(t->s->eng, r, row);
		snprintf(buf, len, "%s", acct < a->n_accounts && a->acct_country[acct]
			 ? country_code(a->acct_country[acct]) : COUNTRY_UNKNOWN_KEY);
		break;
	case IC_TYPE:
		acct = engine_item_account(t->s->eng, r, row);
		snprintf(buf, len, "%s", acct < a->n_accounts ? orgdir_type_key((enum org_type)a->acct_type[acct]) : "-");
		break;
	case IC_DOWNLOADS:
		if (!engine_item_counted(t->s->eng, r, row))
			snprintf(buf, len, "n/a"); /* no count: never shown as 0 */
		else
			draw_human(engine_item_downloads(t->s->eng, r, row), buf, len);
		break;
	case IC_SHARE: {
		uint64_t d = engine_item_downloads(t->s->eng, r, row);
		if (!engine_item_counted(t->s->eng, r, row)) {
			*bar = 0;
			snprintf(buf, len, "n/a");
			break;
		}
		/* Share of the filtered total; the bar is scaled to the largest so
		 * that the long tail is not a column of empty bars. */
		*bar = p->max_dl ? (double)d / (double)p->max_dl : 0;
		draw_percent(engine_share(d, r->downloads), buf, len);
		break;
	}
	case IC_CUM:
		draw_percent(items_cum(t, v, r, i), buf, len);
		break;
	case IC_LIKES:
		draw_human(s->t[k].likes[row], buf, len);
		break;
	case IC_TREND:
		snprintf(buf, len, "%u", s->t[k].trending[row]);
		break;
	case IC_CREATED:
		draw_date(s->t[k].created[row], buf, len);
		break;
	case IC_TASK:
		snprintf(buf, len, "%s", s->t[k].pipeline[row] ? ht_term(s, s->t[k].pipeline[row]) : "-");
		break;
	case IC_LIBRARY:
		snprintf(buf, len, "%s", s->t[k].library[row] ? ht_term(s, s->t[k].library[row]) : "-");
		break;
	case IC_LICENSE:
		snprintf(buf, len, "%s", s->t[k].license[row] ? ht_term(s, s->t[k].license[row]) : "-");
		break;
	}
}

static uint64_t items_ident(struct tui *t, struct view *v, size_t i)
{
	struct items_priv *p = v->priv;
	return p && (p->rows || p->by_result) && i < v->n ? items_row(t, v, i) : 0;
}

static size_t items_find(struct tui *t, struct view *v, uint64_t id)
{
	struct items_priv *p = v->priv;
	struct eng_result *r;
	if (!p || (!p->rows && !p->by_result) || id > UINT32_MAX)
		return v->n;
	if (p->by_result) {
		/* The result's own order: its position, without a scan. */
		uint32_t pos = (r = tui_result(t, items_kind(v))) ? engine_row_pos(t->s->eng, r, (uint32_t)id)
								 : UINT32_MAX;
		if (pos >= v->n)
			return v->n;
		return v->desc ? pos : v->n - 1 - pos;
	}
	for (size_t i = 0; i < v->n; i++)
		if (p->rows[i] == (uint32_t)id)
			return i;
	return v->n;
}

static const char *items_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	struct items_priv *p = v->priv;
	struct eng_result *r;
	(void)buf;
	(void)len;
	/* A text search reads row after row: list them once. */
	if (p->by_result && !p->rows && (r = tui_result(t, items_kind(v))))
		p->rows = engine_result_rows(t->s->eng, r);
	return ht_id(t->s->snap, items_kind(v), items_row(t, v, i));
}

static void items_enter(struct tui *t, struct view *v)
{
	struct items_priv *p = v->priv;
	if (p && v->sel < v->n)
		view_detail_show(t, items_kind(v), items_row(t, v, v->sel));
}

/* While idle on the pane: the array of another order made and its pages
 * touched, a megabyte a step, so that the first sort key does not wait
 * for them. */
static int items_idle(struct tui *t, struct view *v)
{
	struct items_priv *p = v->priv;
	size_t step = 262144;
	if (!p || p->touched >= p->cap) {
		if (!p || p->buf)
			return VIEW_IDLE_NONE;
		if (!(p->buf = malloc(((size_t)t->s->snap->t[items_kind(v)].n + 1) * sizeof *p->buf)))
			return VIEW_IDLE_NONE;
		p->cap = (size_t)t->s->snap->t[items_kind(v)].n + 1;
		p->touched = 0;
	}
	if (step > p->cap - p->touched)
		step = p->cap - p->touched;
	memset(p->buf + p->touched, 0, step * sizeof *p->buf);
	p->touched += step;
	return p->touched < p->cap;
}

static void items_export(struct tui *t, struct view *v, struct export_req *q)
{
	(void)t;
	q->pane = items_kind(v) == HT_DATASETS ? PANE_DATASETS : PANE_MODELS;
	q->items = items_kind(v);
}

const struct view_ops view_models_ops = {
	.title = "Models", .help = "Models pane", .priv_size = sizeof(struct items_priv), .kind = items_kind,
	.cols = items_cols, .n_cols = IC_COUNT, .default_sort = SORT_DOWNLOADS,
	.open = items_open, .done = items_done, .cell = items_cell, .ident = items_ident, .find = items_find,
	.text = items_text, .enter = items_enter, .export_req = items_export, .idle = items_idle,
	.col_keys = items_keys,
};

const struct view_ops view_datasets_ops = {
	.title = "Datasets", .help = "Datasets pane", .priv_size = sizeof(struct items_priv), .kind = items_kind,
	.cols = items_cols, .n_cols = IC_COUNT, .default_sort = SORT_DOWNLOADS,
	.open = items_open, .done = items_done, .cell = items_cell, .ident = items_ident, .find = items_find,
	.text = items_text, .enter = items_enter, .export_req = items_export, .idle = items_idle,
	.col_keys = items_keys,
};

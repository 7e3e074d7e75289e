/* view_rank.c - what the panes that show one engine ranking (Regions,
 * Orgs) share: the ranked rows (for the organisations, the first screens
 * and the last until a row between them is asked for), and their Trending sums made a
 * block of 64 rows at a time as they are shown (see view.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hubtop/draw.h"
#include "hubtop/tui_kernel.h"
#include "hubtop/view.h"

/* The rows made at the end of a long ranking: two screens and a margin. */
static size_t view_rank_tail_want(const struct tui *t)
{
	return (2 * (size_t)(t->rows > 0 ? t->rows : 24) + VIEW_RANK_FIRST + 63) / 64 * 64;
}

static int view_rank_tail(struct tui *t, struct view *v);

static void view_rank_tail_free(struct view_rank *p)
{
	free(p->tail);
	free(p->tail_cum);
	p->tail = NULL;
	p->tail_cum = NULL;
	p->tail_n = 0;
	p->tail_tr = 0;
}

/* The Cum % of rows [from, p->have), from the rows' shares: an unknown
 * share (the unknown bucket under --of attributed) adds nothing, as in
 * the export. */
static int view_rank_cum(struct view_rank *p, size_t from)
{
	double sum, *cum;
	if (!p->cum)
		from = 0; /* (memory ran out before: all of them) */
	sum = from ? p->cum[from - 1] : 0;
	if (!p->have)
		return 0;
	if (!(cum = realloc(p->cum, p->have * sizeof *cum)))
		return -1;
	p->cum = cum;
	for (size_t i = from; i < p->have; i++) {
		if (!isnan(p->rows[i].share))
			sum += p->rows[i].share;
		cum[i] = sum;
	}
	return 0;
}

void *view_rank_open(struct tui *t, struct view *v, enum eng_pane pane)
{
	struct view_rank *p = v->priv;
	struct eng_result *r = tui_result(t, t->items);
	struct engine *e = t->s->eng;

	if (!p) {
		v->n = 0;
		return NULL;
	}
	/* The last rows go, but not the generation tui_view_open has just
	 * set: done's reset would have the next draw open the view again. */
	{
		uint64_t gen = v->gen;
		view_rank_done(v);
		v->gen = gen;
	}
	p->pane = pane;
	p->gen = t->gen;
	p->items = t->items;
	/* A ranking by trending has every row's sums; others make them a block
	 * of rows at a time, once shown (view_rank_trending). */
	p->tr_all = v->sort == SORT_TRENDING;
	if (r && pane == PANE_ORGS) {
		/* Hundreds of thousands of organisations: their number, and the
		 * rows a screen shows around the selection, a few ms; the whole
		 * ranking (0.1-0.3 s on 2M models) once a row past them is
		 * asked for (view_rank_row). */
		size_t n = engine_rank_count(e, r, pane), at = v->sel > v->top ? v->sel : v->top;
		size_t want = (at + 2 * (size_t)(t->rows > 0 ? t->rows : 24) + VIEW_RANK_FIRST + 63) / 64 * 64;
		size_t first = view_rank_tail_want(t);
		/* A selection kept near the end: the first rows and the last. */
		int tail = n != (size_t)-1 && want >= n / 4 && at + first >= n && 2 * first < n / 4;
		if (tail)
			want = first;
		if (n != (size_t)-1 && want < n / 4) {
			p->have = engine_rank_top(e, r, pane, (enum eng_sort)v->sort, v->desc, want, &p->rows);
			v->n = n;
			if (!p->rows || p->have != want) {
				free(p->rows);
				p->rows = NULL;
			}
		}
		if (tail && p->rows)
			(void)view_rank_tail(t, v); /* else made whole when read */
	}
	if (!p->rows) {
		v->n = r ? engine_rank(e, r, pane, (enum eng_sort)v->sort, v->desc, &p->rows) : 0;
		p->have = p->rows ? v->n : 0;
	}
	if (!p->rows)
		v->n = 0;
	view_rank_cum(p, 0);
	return p;
}

/* The last rows of a ranking of which only the first are made: the first
 * rows of the reverse order, reversed (engine_rank lists the ascending
 * order as the descending one reversed).  Their Cum % is the result's
 * downloads less those of the rows after them: every match counts in
 * one row. */
static int view_rank_tail(struct tui *t, struct view *v)
{
	struct view_rank *p = v->priv;
	struct eng_result *r;
	struct eng_row *rows = NULL;
	size_t want = view_rank_tail_want(t), got;
	uint64_t after = 0;
	double *cum;
	if (p->pane != PANE_ORGS || p->gen != t->gen || p->items != t->items || v->gen != t->gen ||
	    p->have + want >= v->n || !(r = tui_result(t, t->items)))
		return -1;
	tui_trace("tail", 0);
	got = engine_rank_top(t->s->eng, r, p->pane, (enum eng_sort)v->sort, !v->desc, want, &rows);
	if (!rows || got != want || !(cum = malloc(want * sizeof *cum))) {
		free(rows);
		return -1;
	}
	for (size_t i = 0; i < want / 2; i++) {
		struct eng_row tmp = rows[i];
		rows[i] = rows[want - 1 - i];
		rows[want - 1 - i] = tmp;
	}
	for (size_t i = want; i-- > 0;) {
		/* (no downloads: every share unknown, their sum 0, as forward) */
		cum[i] = r->downloads ? engine_share(after < r->downloads ? r->downloads - after : 0, r->downloads) : 0;
		after += rows[i].downloads;
	}
	view_rank_tail_free(p);
	p->tail = rows;
	p->tail_n = want;
	p->tail_cum = cum;
	p->tail_tr = p->tr_all;
	return 0;
}

/* The whole ranking in place of its first rows. */
static int view_rank_whole(struct tui *t, struct view *v)
{
	struct view_rank *p = v->priv;
	struct eng_result *r;
	struct eng_row *rows = NULL;
	size_t n, had = p->have;
	/* Only the rows of the answer the first ones came from (a filter
	 * change re-opens the view before it is drawn again). */
	if (p->gen != t->gen || p->items != t->items || v->gen != t->gen || !(r = tui_result(t, t->items)))
		return -1;
	tui_trace("whole", 0);
	n = engine_rank(t->s->eng, r, p->pane, (enum eng_sort)v->sort, v->desc, &rows);
	tui_trace("wholed", (int)n);
	if (!rows)
		return -1;
	free(p->rows);
	view_rank_tail_free(p);
	p->rows = rows;
	p->have = n;
	/* engine_rank_count counts what engine_rank lists (tests/test_engine.c). */
	v->n = n;
	list_clamp(&v->list);
	/* The first rows are the same, their trending sums not made. */
	free(p->tr_made);
	p->tr_made = NULL;
	if (view_rank_cum(p, had)) {
		free(p->cum);
		p->cum = NULL;
	}
	return 0;
}

const struct eng_row *view_rank_row(struct tui *t, struct view *v, size_t i)
{
	struct view_rank *p = v->priv;
	if (!p || i >= v->n)
		return NULL;
	if (i < p->have)
		return &p->rows[i];
	if (!p->tail && i + view_rank_tail_want(t) >= v->n)
		(void)view_rank_tail(t, v); /* else whole, below */
	if (p->tail && i >= v->n - p->tail_n)
		return &p->tail[i - (v->n - p->tail_n)];
	if (view_rank_whole(t, v))
		return NULL;
	return i < p->have ? &p->rows[i] : NULL;
}

double view_rank_max_share(struct tui *t, struct view *v)
{
	struct view_rank *p = v->priv;
	struct eng_result *r;
	struct eng_row *top = NULL;
	double max = 0;
	if (!p || !p->rows)
		return 0;
	if (p->have == v->n || !(r = tui_result(t, t->items))) {
		for (size_t i = 0; i < p->have; i++)
			if (p->rows[i].share > max)
				max = p->rows[i].share;
		return max;
	}
	/* The largest share is the most downloaded row's. */
	if ((v->sort == SORT_DOWNLOADS || v->sort == SORT_SHARE) && v->desc)
		return p->rows[0].share > 0 ? p->rows[0].share : 0;
	if (engine_rank_top(t->s->eng, r, p->pane, SORT_DOWNLOADS, 1, 1, &top) == 1 && top[0].share > 0)
		max = top[0].share;
	free(top);
	return max;
}

static int view_rank_trending(struct tui *t, struct view *v, size_t i)
{
	struct view_rank *p = v->priv;
	struct eng_result *r;
	size_t b = i / 64, n;
	if (!p || i >= v->n)
		return -1;
	if (p->tr_all)
		return 0;
	if (i >= p->have && p->tail && i >= v->n - p->tail_n) {
		/* The last rows: all of theirs at once. */
		if (!p->tail_tr) {
			r = tui_result(t, t->items);
			if (!r || engine_rank_trending(t->s->eng, r, p->pane, p->tail, p->tail_n) != 0)
				return -1;
			p->tail_tr = 1;
		}
		return 0;
	}
	if (!p->tr_made && !(p->tr_made = calloc(v->n / 4096 + 1, sizeof *p->tr_made)))
		return -1;
	if (p->tr_made[b / 64] >> (b % 64) & 1)
		return 0;
	/* The rows are those of the current result: a filter change re-opens
	 * the view before it is drawn again. */
	r = tui_result(t, t->items);
	if (b * 64 >= p->have)
		return -1;
	n = p->have - b * 64 < 64 ? p->have - b * 64 : 64;
	if (!r || engine_rank_trending(t->s->eng, r, p->pane, p->rows + b * 64, n) != 0)
		return -1;
	p->tr_made[b / 64] |= (uint64_t)1 << (b % 64);
	return 0;
}

void view_rank_trending_cell(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	const struct eng_row *row = view_rank_row(t, v, i);
	if (row && view_rank_trending(t, v, i) == 0)
		draw_human(row->trending, buf, len);
	else
		snprintf(buf, len, "?");
}

void view_rank_cum_cell(struct view *v, size_t i, char *buf, size_t len)
{
	const struct view_rank *p = v->priv;
	if (p && p->cum && i < p->have)
		draw_percent(p->cum[i], buf, len);
	else if (p && p->tail_cum && i < v->n && i >= v->n - p->tail_n)
		draw_percent(p->tail_cum[i - (v->n - p->tail_n)], buf, len);
	else
		snprintf(buf, len, "?");
}

void view_rank_done(struct view *v)
{
	struct view_rank *p = v->priv;
	if (p) {
		free(p->rows);
		free(p->tr_made);
		free(p->cum);
		view_rank_tail_free(p);
		p->rows = NULL;
		p->tr_made = NULL;
		p->cum = NULL;
		p->have = 0;
	}
	v->n = 0;
	v->gen = 0;
}

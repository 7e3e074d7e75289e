/* view_rank.c - what the panes that show one engine ranking (Regions,
 * Orgs) share: the ranked rows, and their Trending sums made a block of
 * 64 rows at a time as they are shown (see view.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

void *view_rank_open(struct tui *t, struct view *v, enum eng_pane pane)
{
	struct view_rank *p = v->priv;
	struct eng_result *r = tui_result(t, t->items);

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
	/* A ranking by trending has every row's sums; others make them a block
	 * of rows at a time, once shown (view_rank_trending). */
	p->tr_all = v->sort == SORT_TRENDING;
	v->n = r ? engine_rank(t->s->eng, r, pane, (enum eng_sort)v->sort, v->desc, &p->rows) : 0;
	if (!p->rows)
		v->n = 0;
	/* An unknown share (the unknown bucket under --of attributed) adds
	 * nothing, as in the export. */
	if (v->n && (p->cum = malloc(v->n * sizeof *p->cum)) != NULL) {
		double sum = 0;
		for (size_t i = 0; i < v->n; i++) {
			if (!isnan(p->rows[i].share))
				sum += p->rows[i].share;
			p->cum[i] = sum;
		}
	}
	return p;
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
	if (!p->tr_made && !(p->tr_made = calloc(v->n / 4096 + 1, sizeof *p->tr_made)))
		return -1;
	if (p->tr_made[b / 64] >> (b % 64) & 1)
		return 0;
	/* The rows are those of the current result: a filter change re-opens
	 * the view before it is drawn again. */
	r = tui_result(t, t->items);
	n = v->n - b * 64 < 64 ? v->n - b * 64 : 64;
	if (!r || engine_rank_trending(t->s->eng, r, p->pane, p->rows + b * 64, n) != 0)
		return -1;
	p->tr_made[b / 64] |= (uint64_t)1 << (b % 64);
	return 0;
}

void view_rank_trending_cell(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	const struct view_rank *p = v->priv;
	if (view_rank_trending(t, v, i) == 0)
		draw_human(p->rows[i].trending, buf, len);
	else
		snprintf(buf, len, "?");
}

void view_rank_cum_cell(struct view *v, size_t i, char *buf, size_t len)
{
	const struct view_rank *p = v->priv;
	if (p && p->cum && i < v->n)
		draw_percent(p->cum[i], buf, len);
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
		p->rows = NULL;
		p->tr_made = NULL;
		p->cum = NULL;
	}
	v->n = 0;
	v->gen = 0;
}

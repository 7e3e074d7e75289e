/* view_movers.c - the Movers pane: who moved between the period's two
 * snapshots (engine_movers), per model, dataset, organisation or country
 * ('S' cycles): the rank by 30-day downloads at the start and now, the
 * move, those downloads then and now, the growth and the downloads over
 * the period; new entrants say "new".  Ordered by growth.  Unless the
 * window is a period, one row says how to pick one (the window key). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

enum { MC_NAME, MC_WAS, MC_NOW, MC_MOVE, MC_THEN, MC_LATER, MC_GROWTH, MC_PERIOD, MC_N };

/* At 80 columns: every column (70 + separators); narrower, the 30-day
 * figures go first. */
static const struct view_col movers_cols[MC_N] = {
	[MC_NAME]   = { "Name",     18, 1, 0, SORT_NAME,      99, 0 },
	[MC_WAS]    = { "Was",       6, 0, 1, -1,             5, 0 },
	[MC_NOW]    = { "Now",       6, 0, 1, -1,             6, 0 },
	[MC_MOVE]   = { "Move",      6, 0, 1, -1,             7, 0 },
	[MC_THEN]   = { "30d then",  8, 0, 1, -1,             2, 0 },
	[MC_LATER]  = { "30d now",   8, 0, 1, -1,             3, 0 },
	[MC_GROWTH] = { "Growth",    8, 0, 1, SORT_DOWNLOADS, 98, 0 },
	[MC_PERIOD] = { "Period",    8, 0, 1, -1,             4, 0 },
};

struct movers_priv {
	struct eng_mover *rows;
	int none;               /* no period: one row says how to get one */
};

static const enum eng_pane movers_panes[4] = { PANE_MODELS, PANE_DATASETS, PANE_ORGS, PANE_COUNTRIES };
static const char *const movers_titles[4] = { "models", "datasets", "organisations", "countries" };

static enum ht_kind movers_kind(const struct view *v)
{
	return v->mode % 4 == 1 ? HT_DATASETS : HT_MODELS;
}

static int cmp_name(const void *a, const void *b)
{
	const struct eng_mover *x = a, *y = b;
	int r = strcasecmp(x->name, y->name);
	return r ? r : (x->key > y->key) - (x->key < y->key);
}

static void movers_done(struct view *v)
{
	struct movers_priv *p = v->priv;
	free(p->rows);
	p->rows = NULL;
}

static void movers_open(struct tui *t, struct view *v)
{
	struct movers_priv *p = v->priv;
	struct eng_result *r = tui_result(t, movers_kind(v));
	size_t n;
	movers_done(v);
	p->none = 0;
	v->n = 0;
	if (!r)
		return;
	if (t->filter.window != WIN_PERIOD || !engine_period(t->s->eng)->set) {
		p->none = 1;
		v->n = 1;
		return;
	}
	n = engine_movers(t->s->eng, r, movers_panes[v->mode % 4], &p->rows);
	if (n == (size_t)-1) {
		tui_message(t, 1, "Movers: out of memory");
		return;
	}
	if (v->sort == SORT_NAME)
		qsort(p->rows, n, sizeof *p->rows, cmp_name);
	if (!v->desc == (v->sort != SORT_NAME)) {
		/* The other way round. */
		for (size_t i = 0; i < n / 2; i++) {
			struct eng_mover x = p->rows[i];
			p->rows[i] = p->rows[n - 1 - i];
			p->rows[n - 1 - i] = x;
		}
	}
	v->n = n;
}

static void movers_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
			double *bar)
{
	struct movers_priv *p = v->priv;
	const struct eng_mover *m;
	(void)bar;
	buf[0] = '\0';
	if (p->none) {
		if (col == MC_NAME)
			snprintf(buf, len, "No period: %s picks one since an earlier snapshot of the history",
				 request_key_hint(REQ_TOGGLE_WINDOW));
		(void)t;
		return;
	}
	m = &p->rows[i];
	switch (col) {
	case MC_NAME: snprintf(buf, len, "%s", m->name); break;
	case MC_WAS: if (m->rank_start) snprintf(buf, len, "%u", m->rank_start); else snprintf(buf, len, "-"); break;
	case MC_NOW: if (m->rank_end) snprintf(buf, len, "%u", m->rank_end); else snprintf(buf, len, "-"); break;
	case MC_MOVE:
		if (m->entrant)
			snprintf(buf, len, "new");
		else if (!m->rank_start || !m->rank_end)
			snprintf(buf, len, "n/a");
		else if (m->rank_change)
			snprintf(buf, len, "%+lld", (long long)m->rank_change);
		else
			snprintf(buf, len, "=");
		break;
	case MC_THEN:
		if (m->start_known) draw_human(m->dl_start, buf, len); else snprintf(buf, len, "n/a");
		break;
	case MC_LATER:
		if (m->end_known) draw_human(m->dl_end, buf, len); else snprintf(buf, len, "n/a");
		break;
	case MC_GROWTH:
		if (!m->start_known || !m->end_known) {
			snprintf(buf, len, "n/a");
		} else {
			char h[32];
			draw_human((uint64_t)(m->growth < 0 ? -m->growth : m->growth), h, sizeof h);
			snprintf(buf, len, "%s%s", m->growth < 0 ? "-" : "+", h);
		}
		break;
	case MC_PERIOD:
		if (m->period_counted) draw_human(m->period, buf, len); else snprintf(buf, len, "n/a");
		break;
	}
}

static uint64_t movers_ident(struct tui *t, struct view *v, size_t i)
{
	struct movers_priv *p = v->priv;
	(void)t;
	return p->none ? UINT64_MAX : ((uint64_t)(v->mode % 4) << 32) | p->rows[i].key;
}

static const char *movers_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	struct movers_priv *p = v->priv;
	(void)t;
	snprintf(buf, len, "%s %s", p->none ? "" : p->rows[i].label, p->none ? "" : p->rows[i].name);
	return buf;
}

static void movers_enter(struct tui *t, struct view *v)
{
	struct movers_priv *p = v->priv;
	if (!p->none && v->mode % 4 < 2)
		view_detail_show(t, movers_kind(v), p->rows[v->sel].key);
}

static int movers_request(struct tui *t, struct view *v, enum request r)
{
	if (r != REQ_TOGGLE_GROUPS)
		return 0;
	v->mode = (v->mode + 1) % 4;
	v->sel = v->top = 0;
	v->has_sel_id = 0;
	tui_message(t, 0, "Movers: %s (%s: next)", movers_titles[v->mode], request_key_hint(REQ_TOGGLE_GROUPS));
	return VIEW_REOPEN;
}

static void movers_export(struct tui *t, struct view *v, struct export_req *q)
{
	(void)t;
	q->movers = 1;
	q->pane = movers_panes[v->mode % 4];
	q->items = movers_kind(v);
}

static enum ht_kind movers_kind_hook(const struct view *v)
{
	return movers_kind(v);
}

const struct view_ops view_movers_ops = {
	.title = "Movers", .help = "Movers pane (between the period's two snapshots)",
	.priv_size = sizeof(struct movers_priv),
	.cols = movers_cols, .n_cols = MC_N, .default_sort = SORT_DOWNLOADS,
	.open = movers_open, .done = movers_done, .cell = movers_cell, .ident = movers_ident,
	.text = movers_text, .enter = movers_enter, .request = movers_request,
	.export_req = movers_export, .kind = movers_kind_hook,
};

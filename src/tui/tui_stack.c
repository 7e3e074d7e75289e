/* tui_stack.c - the explorer's state: results per filter, the filter and
 * its undo steps, and the stack of views (see tui_kernel.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/tui_kernel.h"

/* ---- results and filters ------------------------------------------------- */

/* 1 when the pane shown (the top view that is a pane, below any help,
 * detail or prompt) matches the text filter against its rows' names too. */
static int tui_search_names(const struct tui *t)
{
	if (!t->filter.search[0])
		return 0;
	for (unsigned i = t->depth; i-- > 0;)
		if (t->stack[i].v->key)
			return t->stack[i].v->ops->search_names;
	return 0;
}

struct eng_result *tui_result(struct tui *t, enum ht_kind k)
{
	int names = tui_search_names(t);
	if (!t->res[k] || t->res_gen[k] != t->gen || t->res_names[k] != names) {
		struct filter f = t->filter;
		char err[1024];
		/* A period (a window, an undo, a refresh) needs its start
		 * snapshot in the engine; said once per failure. */
		if (!session_period_ready(t->s, &t->filter) &&
		    session_set_window_here(t->s, &t->filter, err, sizeof err) != 0)
			tui_message(t, 1, "%s", err);
		engine_result_free(t->res[k]);
		/* One attribution mode's organisation view at a time. */
		engine_focus(t->s->eng, t->filter.by);
		tui_trace("apply", (int)k);
		f.search_names = names;
		t->res[k] = engine_apply(t->s->eng, &f, k);
		tui_trace("applied", t->res[k] ? (int)t->res[k]->n : -1);
		t->res_gen[k] = t->gen;
		t->res_names[k] = names;
		t->prepared = NULL; /* a new answer may leave idle work (a search's next letter) */
	}
	return t->res[k];
}

void tui_results_free(struct tui *t)
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		engine_result_free(t->res[k]);
		t->res[k] = NULL;
		t->res_gen[k] = 0;
	}
}

void tui_undo_push(struct tui *t, const struct filter *old)
{
	if (t->n_undo == TUI_UNDO_MAX) {
		memmove(t->undo, t->undo + 1, sizeof t->undo[0] * (TUI_UNDO_MAX - 1));
		t->n_undo--;
	}
	t->undo[t->n_undo++] = *old;
}

void tui_filter_replace(struct tui *t, const struct filter *f, int undo)
{
	if (filter_equal(&t->filter, f))
		return;
	if (undo)
		tui_undo_push(t, &t->filter);
	t->filter = *f;
	t->gen++;
}

void tui_set_filter(struct tui *t, const struct filter *f)
{
	tui_filter_replace(t, f, 1);
}

void tui_message(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_err = error;
}

/* ---- views ------------------------------------------------------------------- */

struct view *tui_view(struct tui *t, const char *key)
{
	int i = pane_index(key);
	return i >= 0 ? &t->views[i] : NULL;
}

void tui_view_open(struct tui *t, struct view *v)
{
	/* The rows of an old result may be gone: use the identity recorded
	 * when the row was last shown, not the old rows themselves. */
	uint64_t id = v->sel_id;
	int had = v->has_sel_id && v->ops->ident;
	/* The selected row's line on screen: the item keeps it when it moves,
	 * and the list scrolls no further than that (rows above it that fit
	 * stay in view). */
	size_t line = v->sel >= v->top ? v->sel - v->top : 0;
	v->gen = t->gen;
	if (!v->ops->open)
		return;
	tui_trace("open", 0);
	v->ops->open(t, v);
	tui_trace("opened", (int)v->n);
	list_clamp(&v->list);
	if (had && v->ops->find) {
		list_select(&v->list, v->ops->find(t, v, id));
	} else if (had) {
		for (size_t i = 0; i < v->n; i++) {
			if (v->ops->ident(t, v, i) == id) {
				v->sel = i;
				break;
			}
		}
	}
	v->top = v->sel > line ? v->sel - line : 0;
}

void tui_view_mark(struct tui *t, struct view *v)
{
	v->has_sel_id = v->gen == t->gen && v->n && v->ops->ident;
	if (v->has_sel_id)
		v->sel_id = v->ops->ident(t, v, v->sel);
}

void tui_view_ready(struct tui *t, struct view *v)
{
	if (v->gen != t->gen)
		tui_view_open(t, v);
}

/* ---- the stack ----------------------------------------------------------------- */

struct view *tui_top(struct tui *t)
{
	return t->stack[t->depth - 1].v;
}

struct view *tui_shown(struct tui *t)
{
	unsigned i = t->depth;
	while (i > 1 && t->stack[i - 1].v->ops->overlay)
		i--;
	return t->stack[i - 1].v;
}

static void tui_frame_free(struct tui *t, struct tui_frame *f)
{
	if (!f->owned)
		return;
	if (f->v->ops->close)
		f->v->ops->close(t, f->v);
	if (f->v->ops->done)
		f->v->ops->done(f->v);
	free(f->v->priv);
	free(f->v);
	f->v = NULL;
	f->owned = 0;
}

static int tui_push_frame(struct tui *t, struct view *v, int owned, const struct filter *f)
{
	if (t->depth == TUI_STACK_MAX) {
		/* The oldest drill-down step is forgotten, never the pane under
		 * an open prompt. */
		if (t->stack[1].owned)
			return -1;
		memmove(t->stack + 1, t->stack + 2, sizeof t->stack[0] * (TUI_STACK_MAX - 2));
		t->depth--;
	}
	t->stack[t->depth].v = v;
	t->stack[t->depth].owned = owned;
	t->stack[t->depth].filter = t->filter;
	t->stack[t->depth].filter_set = f != NULL;
	t->depth++;
	if (f)
		tui_set_filter(t, f);
	return 0;
}

void tui_push(struct tui *t, const char *key, const struct filter *f)
{
	struct view *v = tui_view(t, key);
	if (v)
		tui_push_frame(t, v, 0, f);
}

struct view *tui_open(struct tui *t, const struct view_ops *ops)
{
	struct view *v = calloc(1, sizeof *v);
	if (v && ops->priv_size && !(v->priv = calloc(1, ops->priv_size))) {
		free(v);
		v = NULL;
	}
	if (!v) {
		tui_message(t, 1, "Out of memory opening a view");
		return NULL;
	}
	v->ops = ops;
	v->sort = ops->default_sort;
	v->desc = v->sort != SORT_NAME;
	if (tui_push_frame(t, v, 1, NULL) != 0) {
		free(v->priv);
		free(v);
		tui_message(t, 1, "Too many views open: go back first");
		return NULL;
	}
	return v;
}

void tui_pop(struct tui *t)
{
	struct tui_frame f;
	if (t->depth <= 1)
		return;
	f = t->stack[--t->depth];
	if (f.filter_set)
		tui_set_filter(t, &f.filter);
	tui_frame_free(t, &f);
}

void tui_switch(struct tui *t, struct view *pane)
{
	if (!pane)
		return;
	while (t->depth > 1) {
		struct tui_frame f = t->stack[--t->depth];
		if (f.filter_set) {
			/* The drill-down's filter stays on the new pane; back there
			 * takes it away (the lowest step's filter is the base). */
			t->drill_base = f.filter;
			t->drill_filter = t->filter;
			t->has_drill = 1;
		}
		tui_frame_free(t, &f);
	}
	t->stack[0].v = pane;
	t->stack[0].owned = 0;
	t->stack[0].filter_set = 0;
}

int tui_back_drill(struct tui *t)
{
	char args[512];
	if (!t->has_drill || t->depth > 1 || !filter_equal(&t->filter, &t->drill_filter)) {
		t->has_drill = 0;
		return 0;
	}
	t->has_drill = 0;
	tui_set_filter(t, &t->drill_base);
	filter_to_args(&t->filter, args, sizeof args);
	tui_message(t, 0, "Back: the drill-down's filter is left (%s)", args[0] ? args : "no filter");
	return 1;
}

void tui_cycle(struct tui *t, int dir)
{
	/* From a pane reached by drill-down, its own tab; from a pushed view,
	 * the pane the user started from. */
	int tab = tui_shown(t)->tab ? tui_shown(t)->tab : t->stack[0].v->tab;
	int want = ((tab ? tab : 1) - 1 + dir + HT_PANE_COUNT) % HT_PANE_COUNT;
	tui_switch(t, &t->views[want]);
}

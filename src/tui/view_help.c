/* view_help.c - the keys, generated from the request table (request.h) and
 * the pane registry (panes.h), so help, dispatch and the ':' prompt never
 * disagree.  Pushed over the pane it was opened from; Enter on a line runs
 * that request there. */
#include <stdio.h>
#include <string.h>

#include "hubtop/view.h"

static const struct view_col help_cols[3] = {
	{ "Keys",     19, 0, 0, -1, 99, 0 },
	{ "Action",   16, 1, 0, -1, 98, 0 },
	{ ":command", 21, 0, 0, -1, 1, 0 },   /* the longest name, :filter-min-downloads */
};

#define HELP_ROWS 256

/* The mouse is no request (no key, no ':' name): its lines follow the
 * table's, under their own title. */
static const struct { const char *what, *does; } help_mouse[] = {
	{ NULL, "Mouse" },
	{ "Click", "Select a row; on a pane tab: that pane" },
	{ "Click a title", "Sort by that column (again: reverse)" },
	{ "Double click", "Drill down, as Enter" },
	{ "Wheel", "Scroll three rows" },
};
#define HELP_MOUSE (int)(sizeof help_mouse / sizeof help_mouse[0])

/* A line: a row of the request table, or (the pane number keys) a pane. */
struct help_priv {
	struct help_row {
		unsigned req;   /* index into request_table */
		int pane;       /* registry index, -1: the request itself,
				 * <= -2: line -2 - pane of help_mouse */
	} rows[HELP_ROWS];
};

static void help_open(struct tui *t, struct view *v)
{
	struct help_priv *p = v->priv;
	(void)t;
	v->n = 0;
	for (unsigned i = 0; i < request_table_len; i++) {
		int n = request_table[i].req == REQ_PANE_GOTO ? HT_PANE_COUNT : 1;
		for (int k = 0; k < n && v->n < HELP_ROWS; k++) {
			p->rows[v->n].req = i;
			p->rows[v->n].pane = request_table[i].req == REQ_PANE_GOTO ? k : -1;
			v->n++;
		}
	}
	for (int k = 0; k < HELP_MOUSE && v->n < HELP_ROWS; k++) {
		p->rows[v->n].req = 0;
		p->rows[v->n].pane = -2 - k;
		v->n++;
	}
}

static void help_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
		      double *bar)
{
	const struct help_priv *p = v->priv;
	const struct request_info *r = &request_table[p->rows[i].req];
	int pane = p->rows[i].pane;
	(void)bar;
	if (pane <= -2) {
		int k = -2 - pane;
		if (!help_mouse[k].what && col == 1)
			snprintf(buf, len, "-- %s --", help_mouse[k].does);
		else if (help_mouse[k].what && col < 2)
			snprintf(buf, len, "%s", col ? help_mouse[k].does : help_mouse[k].what);
		return;
	}
	if (r->group) {
		if (col == 1)
			snprintf(buf, len, "-- %s --", r->group);
		return;
	}
	switch (col) {
	case 0:
		if (pane >= 0)
			snprintf(buf, len, "%d", pane + 1);
		else
			snprintf(buf, len, "%s", r->keys);
		break;
	case 1: snprintf(buf, len, "%s", pane >= 0 ? t->views[pane].ops->help : r->help); break;
	default: snprintf(buf, len, ":%s", pane >= 0 ? pane_keys[pane] : r->name); break;
	}
}

/* What '/' finds a line by: its keys, action and name (without ':'). */
static const char *help_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	char keys[64] = "", action[256] = "", name[64] = "";
	double bar;
	help_cell(t, v, i, 0, keys, sizeof keys, &bar);
	help_cell(t, v, i, 1, action, sizeof action, &bar);
	help_cell(t, v, i, 2, name, sizeof name, &bar);
	snprintf(buf, len, "%s %s %s", keys, action, name[0] == ':' ? name + 1 : name);
	return buf;
}

static uint64_t help_ident(struct tui *t, struct view *v, size_t i)
{
	(void)t;
	(void)v;
	return i;
}

static int help_request(struct tui *t, struct view *v, enum request r)
{
	const struct help_priv *p = v->priv;
	const struct request_info *ri;
	if (r == REQ_HELP)
		return VIEW_DONE;
	if (r != REQ_ENTER || !v->n)
		return VIEW_PASS;
	if (p->rows[v->sel].pane <= -2)
		return VIEW_DONE;
	ri = &request_table[p->rows[v->sel].req];
	/* Only a pane's requests run from here: a picker's mean nothing
	 * without the picker. */
	if (ri->group || ri->req == REQ_HELP || ri->context != REQ_CTX_PANE)
		return VIEW_DONE;
	if (p->rows[v->sel].pane >= 0)
		t->key = '1' + p->rows[v->sel].pane;
	t->queued = ri->req;
	return VIEW_POP;
}

const struct view_ops view_help_ops = {
	.title = "Help", .priv_size = sizeof(struct help_priv),
	.cols = help_cols, .n_cols = 3, .default_sort = -1,
	.open = help_open, .cell = help_cell, .text = help_text, .ident = help_ident,
	.request = help_request,
};

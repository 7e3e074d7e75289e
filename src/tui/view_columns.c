/* view_columns.c - which columns a list shows: the configuration's
 * columns.PANE at start, the column chooser (F2 / H) over any pane drawn
 * by the generic list, and the list of columns `e` then exports.  The
 * choice lives in the pane's struct view (col_hidden) for the session;
 * nothing is written to the configuration file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hubtop/draw.h"
#include "hubtop/tui_kernel.h"

int view_col_fixed(const struct view_ops *o, unsigned c)
{
	return c < o->n_cols && (o->cols[c].flex || !strcmp(o->cols[c].title, "#"));
}

/* 1 when name is one of the comma-separated names of list. */
static int columns_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	while (*list) {
		size_t l = strcspn(list, ",");
		if (l == n && !strncmp(list, name, n))
			return 1;
		list += l + (list[l] == ',');
	}
	return 0;
}

static int columns_pane(const struct tui *t, const struct view *v)
{
	return v >= t->views && v < t->views + HT_PANE_COUNT ? (int)(v - t->views) : -1;
}

void columns_from_config(struct tui *t)
{
	for (unsigned i = 0; i < HT_PANE_COUNT; i++) {
		struct view *v = &t->views[i];
		const struct view_ops *o = v->ops;
		const char *list = t->cfg.columns[i];
		if (!list[0] || !o->col_keys || o->draw)
			continue;
		for (unsigned c = 0; c < o->n_cols && c < 32; c++)
			if (!view_col_fixed(o, c) && (!o->col_keys[c] || !columns_listed(list, o->col_keys[c])))
				v->col_hidden |= 1u << c;
	}
}

static int columns_shown(const struct view *v, unsigned c)
{
	const struct view_col *k = &v->ops->cols[c];
	return !((v->col_hidden >> c) & 1u) || view_col_fixed(v->ops, c) || (k->sort >= 0 && k->sort == v->sort);
}

static void columns_add(char *out, size_t len, const char *name)
{
	size_t at = strlen(out);
	if (!name || columns_listed(out, name) || at + strlen(name) + 2 > len)
		return;
	snprintf(out + at, len - at, "%s%s", at ? "," : "", name);
}

int columns_export_list(const struct tui *t, const struct view *v, char *out, size_t len)
{
	const struct view_ops *o = v->ops;
	int pane = columns_pane(t, v);
	const char *cfg = pane >= 0 ? t->cfg.columns[pane] : "";
	out[0] = '\0';
	if (!o->col_keys || o->draw)
		return 0;
	/* As the configuration chose them: the same columns as `hubtop
	 * export PANE`, in its order. */
	if (cfg[0] && !v->col_chosen) {
		snprintf(out, len, "%s", cfg);
		return 1;
	}
	if (!v->col_hidden)
		return 0;
	/* The columns shown, in the screen's order, then those of the
	 * configuration the screen has not (author, licence, ...). */
	for (unsigned c = 0; c < o->n_cols && c < 32; c++)
		if (columns_shown(v, c))
			columns_add(out, len, o->col_keys[c]);
	while (*cfg) {
		char name[64];
		size_t l = strcspn(cfg, ","), c;
		snprintf(name, sizeof name, "%.*s", (int)(l < 63 ? l : 63), cfg);
		cfg += l + (cfg[l] == ',');
		for (c = 0; c < o->n_cols && !(o->col_keys[c] && !strcmp(o->col_keys[c], name)); c++)
			;
		if (c == o->n_cols)
			columns_add(out, len, name);
	}
	if (!out[0])
		snprintf(out, len, "rank");
	return 1;
}

/* ---- the chooser --------------------------------------------------------------- */

struct columns_entry {
	char title[24];
	uint32_t mask;      /* the columns it shows or hides (a bar with its share) */
	unsigned first;     /* the first of them */
	int fixed;
};

struct columns_priv {
	struct view *pane;  /* the view whose columns are chosen, under the chooser */
	uint32_t before;    /* its hidden columns when opened: Esc puts them back */
	int chosen_before;
	struct columns_entry e[32];
	int apply;
};

static int columns_on(const struct columns_priv *p, const struct columns_entry *e)
{
	return e->fixed || !(p->pane->col_hidden & e->mask);
}

static void columns_draw(struct tui *t, struct view *v, int y, int h_body, int w_body)
{
	static const struct request_hint hints[] = {
		{ REQ_PICK_TOGGLE, "show/hide" }, { REQ_PICK_ALL, "all" }, { REQ_PICK_NONE, "fewest" },
		{ REQ_PICK_APPLY, "keep" }, { REQ_PICK_CANCEL, "undo" },
	};
	struct columns_priv *p = v->priv;
	char buf[256];
	int w = t->cols - 4 < 48 ? t->cols - 4 : 48;
	int h = t->rows - 4 < (int)v->n + 3 ? t->rows - 4 : (int)v->n + 3;
	int x0 = (t->cols - w) / 2, y0 = (t->rows - h) / 2, rows = h - 3;
	size_t on = 0;
	(void)y;
	(void)h_body;
	(void)w_body;
	for (size_t i = 0; i < v->n; i++)
		on += columns_on(p, &p->e[i]) != 0;
	if (w < 16 || rows < 1) {
		/* Too small for a box: the entry under the cursor on the message line. */
		snprintf(buf, sizeof buf, "Columns [%s] %s", columns_on(p, &p->e[v->sel]) ? "x" : " ", p->e[v->sel].title);
		draw_line_only(stdscr, t->rows - 1, buf, DR_PROMPT);
		return;
	}
	list_scroll(&v->list, (size_t)rows);
	draw_blank_box(stdscr, y0, x0, w, h);
	snprintf(buf, sizeof buf, " Columns of %s: %zu of %zu shown ", p->pane->ops->title, on, v->n);
	draw_text(stdscr, y0, x0, w, buf, 0, DR_COLHDR);
	for (int i = 0; i < rows; i++) {
		size_t k = v->top + (size_t)i;
		const struct columns_entry *e = &p->e[k];
		if (k >= v->n)
			break;
		snprintf(buf, sizeof buf, " [%s] %-12s%s", columns_on(p, e) ? (draw_utf8 ? "\xe2\x9c\x93" : "x") : " ",
			 e->title, e->fixed ? " always (identifies the row)" : "");
		draw_text(stdscr, y0 + 1 + i, x0, w, buf, 0, k == v->sel ? DR_SELECTED : e->fixed ? DR_DIM : DR_NORMAL);
	}
	draw_text(stdscr, y0 + h - 2, x0, w, " Shown on screen and written by export", 0, DR_DIM);
	buf[0] = ' ';
	request_hints(buf + 1, sizeof buf - 1, hints, sizeof hints / sizeof hints[0], " ");
	draw_text(stdscr, y0 + h - 1, x0, w, buf, 0, DR_STATUS);
}

static void columns_toggle(struct tui *t, struct columns_priv *p, const struct columns_entry *e)
{
	const struct view_ops *o = p->pane->ops;
	if (e->fixed) {
		tui_message(t, 1, "%s identifies the rows: it cannot be hidden", e->title);
		return;
	}
	p->pane->col_hidden ^= e->mask;
	p->pane->col_chosen = 1;
	for (unsigned c = 0; c < o->n_cols && c < 32; c++)
		if ((e->mask >> c & 1u) && (p->pane->col_hidden >> c & 1u) && o->cols[c].sort >= 0 &&
		    o->cols[c].sort == p->pane->sort)
			tui_message(t, 0, "%s stays shown while the list is sorted by it", e->title);
}

static int columns_request(struct tui *t, struct view *v, enum request r)
{
	struct columns_priv *p = v->priv;
	switch (r) {
	case REQ_PICK_APPLY: p->apply = 1; return VIEW_POP;
	case REQ_PICK_CANCEL: return VIEW_POP;
	case REQ_PICK_TOGGLE:
		if (v->n)
			columns_toggle(t, p, &p->e[v->sel]);
		break;
	case REQ_PICK_ALL:
	case REQ_PICK_NONE:
		for (size_t i = 0; i < v->n; i++)
			if (!p->e[i].fixed) {
				if (r == REQ_PICK_ALL)
					p->pane->col_hidden &= ~p->e[i].mask;
				else
					p->pane->col_hidden |= p->e[i].mask;
			}
		p->pane->col_chosen = 1;
		break;
	case REQ_PICK_UP: list_move(&v->list, -1); break;
	case REQ_PICK_DOWN: list_move(&v->list, 1); break;
	case REQ_PICK_PAGE_UP: list_move(&v->list, -10); break;
	case REQ_PICK_PAGE_DOWN: list_move(&v->list, 10); break;
	case REQ_PICK_FIRST: list_first(&v->list); break;
	case REQ_PICK_LAST: list_last(&v->list); break;
	default: break;
	}
	return VIEW_DONE;
}

/* Typing a title's first letters goes to it. */
static enum view_next columns_type(struct tui *t, struct view *v, const char *mb, size_t len)
{
	struct columns_priv *p = v->priv;
	(void)t;
	for (size_t i = 1; len == 1 && i <= v->n; i++) {
		size_t k = (v->sel + i) % v->n;
		if (!strncasecmp(p->e[k].title, mb, 1)) {
			v->sel = k;
			break;
		}
	}
	return VIEW_DONE;
}

static void columns_close(struct tui *t, struct view *v)
{
	struct columns_priv *p = v->priv;
	size_t on = 0;
	if (!p->apply) {
		p->pane->col_hidden = p->before;
		p->pane->col_chosen = p->chosen_before;
		tui_message(t, 0, "Columns of %s unchanged", p->pane->ops->title);
		return;
	}
	for (size_t i = 0; i < v->n; i++)
		on += columns_on(p, &p->e[i]) != 0;
	tui_message(t, 0, "Columns of %s: %zu of %zu shown, for this session (%s writes them; "
		    "columns.%s in the configuration file keeps a choice)", p->pane->ops->title, on, v->n,
		    request_key_hint(REQ_EXPORT), p->pane->key ? p->pane->key : "PANE");
}

static const struct view_ops view_columns_ops = {
	.title = "Columns", .keys = REQ_CTX_PICKER, .overlay = 1, .priv_size = sizeof(struct columns_priv),
	.default_sort = -1, .draw = columns_draw, .request = columns_request, .type = columns_type,
	.close = columns_close,
};

void columns_open(struct tui *t)
{
	struct view *pane = tui_top(t), *v;
	const struct view_ops *o = pane->ops;
	struct columns_priv *p;
	size_t n = 0;
	if (!o->cols || o->draw || !o->export_req || o->n_cols < 2) {
		tui_message(t, 1, "No columns to choose on %s", o->title);
		return;
	}
	if (!(v = tui_open(t, &view_columns_ops)))
		return;
	p = v->priv;
	p->pane = pane;
	p->before = pane->col_hidden;
	p->chosen_before = pane->col_chosen;
	for (unsigned c = 0; c < o->n_cols && c < 32; c++) {
		const char *key = o->col_keys ? o->col_keys[c] : NULL;
		size_t j = n;
		/* A bar goes with the share it draws: one entry. */
		if (key)
			for (j = 0; j < n; j++)
				if (o->col_keys[p->e[j].first] && !strcmp(o->col_keys[p->e[j].first], key))
					break;
		if (j < n) {
			p->e[j].mask |= 1u << c;
			continue;
		}
		snprintf(p->e[n].title, sizeof p->e[n].title, "%s", o->cols[c].title[0] ? o->cols[c].title : "Bar");
		/* The aggregate panes count what t->items says. */
		if (!o->kind && t->items == HT_DATASETS && !strcmp(o->cols[c].title, "Models"))
			snprintf(p->e[n].title, sizeof p->e[n].title, "Datasets");
		p->e[n].mask = 1u << c;
		p->e[n].first = c;
		p->e[n].fixed = view_col_fixed(o, c);
		n++;
	}
	v->n = n;
}

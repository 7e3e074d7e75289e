/* view.h - the panes of the explorer and the state they share.
 *
 * Each pane is a struct view_ops filled in statically by its own file
 * (view_items.c, view_regions.c, ...) and listed in tui.c; adding a pane is
 * adding a file.  A list pane describes its columns and answers cell(); the
 * generic list in tui.c draws, scrolls, sorts and searches it.  A pane with
 * its own drawing (trends, concentration, detail, help) sets draw().
 *
 * Owns: struct tui is written by tui.c (filters, results, view stack) and by
 * a pane only for its own struct view.  Results are recomputed by
 * tui_results() once per filter change, never per draw; panes read them.
 */
#ifndef HUBTOP_VIEW_H
#define HUBTOP_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <curses.h>

#include "hubtop/config.h"
#include "hubtop/engine.h"
#include "hubtop/export.h"
#include "hubtop/filter.h"
#include "hubtop/request.h"
#include "hubtop/session.h"

struct tui;
struct view;

struct view_col {
	const char *title;
	int width;          /* columns; for the flexible column, its minimum */
	int flex;           /* 1: takes the room left over */
	int right;          /* right-aligned (numbers) */
	int sort;           /* enum eng_sort it sorts by, -1 none */
	int prio;           /* lower is dropped first when the screen is narrow */
	int bar;            /* 1: cell() gives a fraction drawn as a bar */
};

struct view_ops {
	const char *key;    /* ":" name and export name: "models", "regions", ... */
	const char *title;  /* tab title */
	int tab;            /* 1.. position in the tab bar; 0 = pushed, not a tab */
	const struct view_col *cols;
	unsigned n_cols;
	int default_sort;   /* enum eng_sort */
	/* Recomputes the rows from the current results (after a filter, sort or
	 * mode change).  Sets v->n. */
	void (*open)(struct tui *t, struct view *v);
	void (*done)(struct view *v);
	/* Text of one cell into buf; for a bar column, *bar gets 0..1. */
	void (*cell)(struct tui *t, struct view *v, size_t row, unsigned col, char *buf, size_t len,
		     double *bar);
	/* Identity of a row that survives re-opening (table row, account...). */
	uint64_t (*ident)(struct tui *t, struct view *v, size_t row);
	/* Optional: the row with an identity (v->n if none), faster than
	 * calling ident() on every row of a long list. */
	size_t (*find)(struct tui *t, struct view *v, uint64_t id);
	/* Text '/' searches in. */
	const char *(*text)(struct tui *t, struct view *v, size_t row, char *buf, size_t len);
	/* NULL: the generic list.  Otherwise draws lines [y, y+h) of the screen. */
	void (*draw)(struct tui *t, struct view *v, int y, int h, int w);
	/* Pane-specific handling of a request; 1 if handled. */
	int (*request)(struct tui *t, struct view *v, enum request r);
	/* Enter on the selected row. */
	void (*enter)(struct tui *t, struct view *v);
	/* What an export of this pane writes (pane and item table). */
	void (*export_req)(struct tui *t, struct view *v, struct export_req *q);
};

struct view {
	const struct view_ops *ops;
	size_t n;           /* rows */
	size_t sel, top;    /* selected row, first row shown */
	int sort;           /* enum eng_sort */
	int desc;
	int mode;           /* pane-specific toggle (regions: countries/groups) */
	uint64_t gen;       /* results generation it was opened for; 0 never */
	uint32_t item;      /* detail: table row; kind in mode */
	uint64_t sel_id;    /* ident of the selected row when last shown */
	int has_sel_id;
	void *priv;
	/* Filled by the generic list when drawn: column x positions, for clicks. */
	int col_x[16], col_w[16];
	int list_y;
};

#define TUI_UNDO_MAX 64
#define TUI_STACK_MAX 32

struct tui_frame {
	int view;           /* index into tui.views */
	struct filter filter;
	int filter_set;     /* 1: the drill-down changed the filter; back restores it */
};

struct tui {
	struct session *s;
	struct config cfg;
	struct filter filter;
	struct filter undo[TUI_UNDO_MAX];
	unsigned n_undo;
	struct eng_result *res[HT_KIND_COUNT];
	uint64_t res_gen[HT_KIND_COUNT];
	uint64_t gen;       /* bumps on every filter change */
	struct view *views;
	unsigned n_views;
	int cur;
	struct tui_frame stack[TUI_STACK_MAX];
	unsigned depth;
	char msg[1024];
	int msg_err;
	char search[FILTER_SEARCH_MAX];
	int rows, cols;
	int quit;
	const struct engine *prepared; /* engine_prepare_step has finished on it */
};

/* The result for an item table under the current filter (computed at most
 * once per filter change). */
struct eng_result *tui_result(struct tui *t, enum ht_kind k);

/* Panes that show one engine ranking (Regions, Orgs) keep a private state
 * whose first member is a struct view_rank.  view_rank_open (re)computes the
 * ranking of pane into a state of size bytes and returns it (NULL: no rows);
 * view_rank_done frees it. */
struct view_rank {
	struct eng_row *rows;
	enum eng_pane pane;
	int tr_all;         /* sorted by trending: every rows[].trending is made */
	uint64_t *tr_made;  /* else a bit per 64 rows whose trending is made; NULL: none */
};
void *view_rank_open(struct tui *t, struct view *v, enum eng_pane pane, size_t size);
void view_rank_done(struct view *v);
/* The Trending cell of row i: makes rows[i].trending, with the rest of its
 * block of 64 rows, the first time it is asked after an open, so the column
 * costs nothing until shown, then about a pass over the matches for the
 * first block (engine_rank_trending) and little for the next ones.  "?"
 * when memory ran out. */
void view_rank_trending_cell(struct tui *t, struct view *v, size_t i, char *buf, size_t len);
/* Changes the filter: pushes the old one for undo, recomputes. */
void tui_set_filter(struct tui *t, const struct filter *f);
/* Switches to a pane by key, pushing the current one on the back stack;
 * with f, the new filter is set too and back restores the old one. */
void tui_push(struct tui *t, const char *key, const struct filter *f);
struct view *tui_view(struct tui *t, const char *key);
void tui_message(struct tui *t, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A line prompt that edits like a shell line.  1 accepted, 0 cancelled.
 * changed (may be NULL) is called after every edit with the text so far. */
int tui_prompt(struct tui *t, const char *label, char *buf, size_t len,
	       void (*changed)(struct tui *t, const char *text, void *ctx), void *ctx);
/* Leaves a pushed view (help) and runs a request on the pane below. */
void tui_run_request(struct tui *t, enum request r);
/* Redraws the whole screen. */
void tui_draw(struct tui *t);

/* Pickers (picker.c): multi-select of countries, country groups and
 * organisation types, each entry with its share; a change goes through
 * tui_set_filter. */
void picker_country(struct tui *t);
void picker_group(struct tui *t);
void picker_orgtype(struct tui *t);

/* Panes. */
extern const struct view_ops view_models_ops, view_datasets_ops, view_regions_ops,
	view_orgs_ops, view_trends_ops, view_conc_ops, view_detail_ops, view_help_ops;

/* Opens the detail view of one item. */
void view_detail_show(struct tui *t, enum ht_kind k, uint32_t row);

#endif

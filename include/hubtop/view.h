/* view.h - what a view of the explorer is, and the calls a view may make.
 *
 * Every screen is a view on one stack: the panes (one file each, listed in
 * panes.h), and the views pushed over them - detail, help, a picker, a line
 * prompt, a yes/no question.  The kernel (tui*.c) reads every key in one
 * place, maps it to a request of the top view's context (request.h), and
 * hands it to the view; the view answers what must happen next (enum
 * view_next) and never draws or reads keys outside its draw() and
 * request() hooks.  A view with columns is drawn, scrolled, sorted and
 * searched by the kernel's generic list; one with draw() paints itself.
 *
 * Owns: struct tui is written by the kernel (filters, results, stack) and
 * by a view only for its own struct view.  The kernel allocates a view's
 * private state (priv_size bytes, zeroed) and frees it; done() frees what
 * open() made inside it.  Results are recomputed by tui_result() once per
 * filter change, never per draw; views read them.
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
#include "hubtop/listmodel.h"
#include "hubtop/panes.h"
#include "hubtop/request.h"
#include "hubtop/session.h"

struct tui;
struct view;

/* What a view's request() answers. */
enum view_next {
	VIEW_PASS = 0,      /* not taken: the kernel's own meaning of the request applies */
	VIEW_DONE,          /* taken; the screen is redrawn */
	VIEW_REOPEN,        /* taken; the view's rows are recomputed (sort, mode) */
	VIEW_POP,           /* the view leaves the stack (its close() runs) */
	VIEW_QUIT,          /* the explorer ends */
};

/* What an idle hook answers when it had nothing to do. */
#define VIEW_IDLE_NONE (-1000)

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
	const char *title;  /* tab title */
	const char *help;   /* a pane's line in the help ("Models pane") */
	enum req_context keys; /* the requests its keys mean */
	int overlay;        /* 1: drawn over the view below it (pickers, prompts) */
	size_t priv_size;   /* private state the kernel allocates, zeroed */
	const struct view_col *cols;
	unsigned n_cols;
	int default_sort;   /* enum eng_sort */
	int search_names;   /* 1: the text filter also matches the rows' names (filter.search_names) */
	/* Recomputes the rows from the current results (after a filter, sort or
	 * mode change).  Sets v->n. */
	void (*open)(struct tui *t, struct view *v);
	/* Frees what open() made (not priv itself). */
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
	/* NULL: the generic list.  Otherwise draws lines [y, y+h) of the screen
	 * (an overlay: anywhere, over the pane drawn before it). */
	void (*draw)(struct tui *t, struct view *v, int y, int h, int w);
	/* The view's own meaning of a request (an int holding enum view_next). */
	int (*request)(struct tui *t, struct view *v, enum request r);
	/* A printable character no request of the context takes (UTF-8). */
	enum view_next (*type)(struct tui *t, struct view *v, const char *mb, size_t len);
	/* Enter on the selected row. */
	void (*enter)(struct tui *t, struct view *v);
	/* What an export of this view writes (pane and item table). */
	void (*export_req)(struct tui *t, struct view *v, struct export_req *q);
	/* The item table the header's figures are about; NULL: models. */
	enum ht_kind (*kind)(const struct view *v);
	/* A pushed view leaving the stack (before its state is freed). */
	void (*close)(struct tui *t, struct view *v);
	/* Optional: one piece of work while no key waits, for the pane shown
	 * (the screen is drawn again after each).  >0: more to do;
	 * VIEW_IDLE_NONE: nothing was done (no draw). */
	int (*idle)(struct tui *t, struct view *v);
	/* Optional: the export column (export.h) each column shows, NULL
	 * where none; columns.PANE and the export of the columns shown
	 * (view_columns.c) read it. */
	const char *const *col_keys;
};

struct view {
	const struct view_ops *ops;
	const char *key;    /* a pane's name (panes.h); NULL for a pushed view */
	int tab;            /* a pane's number in the tab bar, 0 for a pushed view */
	/* The list position, as the list model sees it (listmodel.h). */
	union {
		struct list_model list;
		struct { size_t n, sel, top; };
	};
	int sort;           /* enum eng_sort */
	int desc;
	int mode;           /* view-specific toggle (regions: countries/groups) */
	uint64_t gen;       /* results generation it was opened for; 0 never */
	uint32_t item;      /* detail: table row; kind in mode */
	uint64_t sel_id;    /* ident of the selected row when last shown */
	int has_sel_id;
	void *priv;
	/* Filled by the generic list when drawn: column x positions, for clicks. */
	int col_x[16], col_w[16];
	int list_y;
	/* Sideways scroll (Left/Right when the columns do not fit): the
	 * columns right of the flexible one skipped, 0 none; col_more: the
	 * last draw left a column out that Right would bring. */
	int col_off, col_more;
	/* Columns hidden (a bit per column) by columns.PANE or the column
	 * chooser; col_chosen: the chooser changed them this session. */
	uint32_t col_hidden;
	int col_chosen;
};

#define TUI_UNDO_MAX 64
#define TUI_STACK_MAX 32

struct tui_frame {
	struct view *v;
	int owned;          /* a pushed view: closed and freed when it leaves */
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
	int res_names[HT_KIND_COUNT]; /* the search_names each result was made with */
	uint64_t gen;       /* bumps on every filter change */
	struct view views[HT_PANE_COUNT];  /* the panes, in registry order */
	struct tui_frame stack[TUI_STACK_MAX];  /* stack[0] is a pane */
	unsigned depth;     /* frames in use, at least 1 */
	/* A pane change left a drill-down: its filter stays (drill_filter)
	 * and back on the pane restores the one before it (drill_base). */
	struct filter drill_base, drill_filter;
	int has_drill;
	enum request queued; /* run after the request being handled */
	int key;            /* the key being handled (the pane number keys read it) */
	int key_seq;        /* the first key of a sequence ("gg"), waiting for the second; 0 none */
	char msg[1024];
	int msg_err;
	char search[FILTER_SEARCH_MAX];
	int rows, cols;
	int cursor_y, cursor_x; /* where a prompt wants the cursor, -1: hidden */
	int quit;
	const struct engine *prepared; /* engine_prepare_step has finished on it */
	/* The tab bar as last drawn, for clicks. */
	int tab_x[HT_PANE_COUNT], tab_w[HT_PANE_COUNT], n_tabs;
	/* What Regions, Orgs, Trends and Concentration count: models or
	 * datasets (REQ_TOGGLE_ITEMS); the header and the tab bar say which. */
	enum ht_kind items;
	/* The attribution key's switch while the other mode's view is built
	 * on the engine's worker (tui_focus.c): the engine it runs on (NULL:
	 * none), whether the switch is still wanted (0: cancelled, the build
	 * winding down), and the mode it switches to. */
	struct engine *focus_eng;
	int focus_want;
	enum attrib_mode focus_to;
};

/* The result for an item table under the current filter (computed at most
 * once per filter change). */
struct eng_result *tui_result(struct tui *t, enum ht_kind k);

/* Panes that show one engine ranking (Regions, Orgs) keep a private state
 * whose first member is a struct view_rank.  view_rank_open (re)computes the
 * ranking of pane and returns v->priv (NULL: no rows); view_rank_done
 * frees the rows.  The organisations' ranking (hundreds of thousands of
 * rows, 0.1-0.3 s to make whole on 2M models) opens with its number of
 * rows (v->n, engine_rank_count) and only its first rows, enough for the
 * screens around the selection (engine_rank_top, a few ms).  Its last rows
 * (G, a selection kept near the end) are the first of the reverse order,
 * made as such (a few ms); the first view_rank_row between the two makes
 * it whole (scrolling on, a search). */
struct view_rank {
	struct eng_row *rows;
	size_t have;        /* rows made: the first have of the v->n rows */
	enum eng_pane pane;
	uint64_t gen;       /* the tui generation and item table they rank */
	enum ht_kind items;
	int tr_all;         /* sorted by trending: every rows[].trending is made */
	uint64_t *tr_made;  /* else a bit per 64 rows whose trending is made; NULL: none */
	double *cum;        /* Cum %: the shares of rows [0, i], i < have */
	/* The last tail_n rows, while the rows made are the first ones only
	 * (NULL: not made); their Trending made once for all (tail_tr), their
	 * Cum % from the downloads after them. */
	struct eng_row *tail;
	size_t tail_n;
	int tail_tr;
	double *tail_cum;
};
/* Rows a ranking opens with beyond two screens from the selection (and
 * makes at its end). */
#define VIEW_RANK_FIRST 256
void *view_rank_open(struct tui *t, struct view *v, enum eng_pane pane);
void view_rank_done(struct view *v);
/* Row i (< v->n) of the ranking: near its end the last rows made first,
 * elsewhere past the rows made the whole ranking; NULL when it cannot be
 * (memory). */
const struct eng_row *view_rank_row(struct tui *t, struct view *v, size_t i);
/* The largest share of a row (the bars' scale): from the rows when whole,
 * else the most downloaded row's (engine_rank_top of one row). */
double view_rank_max_share(struct tui *t, struct view *v);
/* The Cum % cell of row i: the shares of the rows up to it (the export's
 * cum_share). */
void view_rank_cum_cell(struct view *v, size_t i, char *buf, size_t len);
/* The Trending cell of row i: makes rows[i].trending, with the rest of its
 * block of 64 rows, the first time it is asked after an open, so the column
 * costs nothing until shown, then about a pass over the matches for the
 * first block (engine_rank_trending) and little for the next ones.  "?"
 * when memory ran out. */
void view_rank_trending_cell(struct tui *t, struct view *v, size_t i, char *buf, size_t len);

/* Line y of a view with no row: what to do about it (keys from the table). */
void view_draw_nothing(int y, int w);

/* Changes the filter: pushes the old one for undo; views re-open. */
void tui_set_filter(struct tui *t, const struct filter *f);
/* Drill-down: pushes a pane by name over the current view; with f, the
 * new filter is set too and back restores the old one. */
void tui_push(struct tui *t, const char *key, const struct filter *f);
/* Pushes a new view of ops (detail, help, picker, prompt, question) and
 * returns it, its private state allocated; NULL when memory ran out (the
 * message line says so). */
struct view *tui_open(struct tui *t, const struct view_ops *ops);
/* The view on top of the stack, and the pane or full-screen view under the
 * overlays (what the header and status line are about). */
struct view *tui_top(struct tui *t);
struct view *tui_shown(struct tui *t);
void tui_message(struct tui *t, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Line prompts (prompt.c): a view over the message line that edits a line
 * (lineedit.h).  changed (may be NULL) runs after each edit; done runs once
 * as the prompt leaves, accepted or not.  ctx (ctx_size bytes) is copied
 * and handed back to both.  Returns 0, or -1 when memory ran out. */
typedef void (*prompt_changed_fn)(struct tui *t, const char *text, void *ctx);
typedef void (*prompt_done_fn)(struct tui *t, const char *text, int accepted, void *ctx);
int prompt_open(struct tui *t, const char *label, const char *text, size_t max,
		prompt_changed_fn changed, prompt_done_fn done, const void *ctx, size_t ctx_size);
/* Tab at the prompt on top: complete(t, text, out, len) writes the
 * completed line into out and returns 1, or 0 when nothing completes (it
 * may say the choices in the message line). */
typedef int (*prompt_complete_fn)(struct tui *t, const char *text, char *out, size_t len);
void prompt_set_complete(struct tui *t, prompt_complete_fn complete);
/* A yes/no question on the message line; done gets 1 for yes. */
typedef void (*confirm_done_fn)(struct tui *t, int yes, void *ctx);
int confirm_open(struct tui *t, const char *question, confirm_done_fn done, const void *ctx, size_t ctx_size);

/* Pickers (picker.c): multi-select of the values of one filter dimension
 * (countries, country groups, organisation types), each with its share;
 * a change goes through tui_set_filter. */
enum picker_dim { PICKER_COUNTRY, PICKER_GROUP, PICKER_ORGTYPE, PICKER_RELATION, PICKER_LANGUAGE, PICKER_SIZE,
		  PICKER_TERM };
void picker_open(struct tui *t, enum picker_dim dim);
/* The values of a one-value filter of the snapshot's terms (key "task",
 * "library" or "license") with their shares and counts under the other
 * filters; one is chosen (Space, or Enter on it), none means any.
 * O(matches log matches) to open. */
void picker_open_term(struct tui *t, const char *key);

/* The column chooser (view_columns.c): a list of the columns of the view
 * on top, Space shows or hides one; the identifying columns (the rank and
 * the flexible one: id, account, name) cannot be hidden. */
void columns_open(struct tui *t);
/* 1: column c of o is never hidden (the rank, the flexible column). */
int view_col_fixed(const struct view_ops *o, unsigned c);
/* Hides the columns the configuration's columns.PANE leaves out. */
void columns_from_config(struct tui *t);
/* The columns `e` writes for v, as export_columns_set takes them, into
 * out: 1, or 0 when every column is written (none hidden, none chosen). */
int columns_export_list(const struct tui *t, const struct view *v, char *out, size_t len);

/* Panes (panes.h) and the views pushed over them. */
#define VIEW_PANE_DECL(sym, key) extern const struct view_ops view_##sym##_ops;
HT_PANES(VIEW_PANE_DECL)
#undef VIEW_PANE_DECL
extern const struct view_ops view_detail_ops, view_help_ops;

/* Opens the detail view of one item. */
void view_detail_show(struct tui *t, enum ht_kind k, uint32_t row);
/* The Hub URL of an item. */
void view_detail_url(const struct tui *t, enum ht_kind k, uint32_t row, char *buf, size_t len);
/* Puts text on the terminal's clipboard (OSC 52) where the terminal is
 * known to take it, and says so in the message line, or says why not and
 * shows the text to select by hand. */
void tui_copy(struct tui *t, const char *text);

#endif

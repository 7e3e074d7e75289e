/* tui_kernel.h - what the files of the explorer's kernel share and the
 * views do not see: the stack's own moves, the screen's layout and
 * painting, the panes' default requests and the background refresh.
 *
 *   tui.c          the loop: reads every key, runs requests, mouse, start
 *   tui_stack.c    results, filters and undo, the view stack
 *   tui_chrome.c   layout, header figures, tabs, status, hints, the generic list
 *   tui_actions.c  what a request means on a pane: moves, sorts, search,
 *                  filter prompts, export, ':' commands
 *   tui_refresh.c  the refresh from the Hub on a second thread
 *   tui_focus.c    the attribution key's switch, its view built on the engine's worker
 *
 * Owns nothing beyond struct tui (view.h) and the refresh thread's state.
 */
#ifndef HUBTOP_TUI_KERNEL_H
#define HUBTOP_TUI_KERNEL_H

#include "hubtop/draw.h"
#include "hubtop/view.h"

/* tui.c */
/* HUBTOP_TRACE=FILE: one line per event, for the benchmark: "what NS ARG
 * CPU OWN", NS the wall clock's nanoseconds, CPU the process's CPU time,
 * OWN the calling (main) thread's. */
void tui_trace(const char *what, int arg);
/* 1 when typed keys are already waiting. */
int tui_input_pending(void);

/* tui_stack.c */
void tui_results_free(struct tui *t);
void tui_undo_push(struct tui *t, const struct filter *old);
/* Replaces the filter, with or without an undo step. */
void tui_filter_replace(struct tui *t, const struct filter *f, int undo);
struct view *tui_view(struct tui *t, const char *key);
/* Re-opens a view for the current results, keeping the selected row. */
void tui_view_open(struct tui *t, struct view *v);
/* Opens a view whose results changed since it was last opened. */
void tui_view_ready(struct tui *t, struct view *v);
/* Records the selected row's identity (after every key and draw). */
void tui_view_mark(struct tui *t, struct view *v);
/* Leaves the top view (a pushed one is closed and freed). */
void tui_pop(struct tui *t);
/* Leaves every view pushed and shows pane alone (a tab). */
void tui_switch(struct tui *t, struct view *pane);
/* Back on a pane left by a drill-down: restores the filter from before
 * the drill-down when it is still in effect; 0 when there is none. */
int tui_back_drill(struct tui *t);
/* The tab pane dir steps from the current one. */
void tui_cycle(struct tui *t, int dir);

/* tui_chrome.c */
struct tui_layout {
	int figures;        /* header lines of figures (0..2) */
	int tabs_y;
	int body_y, body_h;
	int status_y, msg_y;
};
struct tui_layout tui_layout(const struct tui *t);
/* Rows the generic list shows. */
int tui_list_height(const struct tui *t);
/* Paints the whole screen into stdscr (no refresh). */
void tui_paint(struct tui *t);

/* tui_actions.c */
/* The request r on the top view: the view's own meaning, else the
 * kernel's for its context. */
enum view_next tui_request(struct tui *t, enum request r);
void tui_sort(struct tui *t, struct view *v, int sort);
/* tui_window.c: the window after f's in the window key's cycle, into f
 * (a period's start resolved); -1 with the message line set when it
 * cannot be had. */
int tui_next_window(struct tui *t, struct filter *f);

/* tui_refresh.c */
void tui_refresh_start(struct tui *t);
/* A hub error with its cause first and the URL last, without its query. */
void tui_refresh_cause_first(const char *err, char *out, size_t len);
/* Takes the new snapshot in when the thread has finished. */
void tui_refresh_poll(struct tui *t);
int tui_refresh_running(void);
void tui_refresh_cancel(struct tui *t);
/* Waits for the thread (at exit). */
void tui_refresh_stop(void);
/* The status line while refreshing, from x on line y. */
void tui_refresh_status(struct tui *t, int y, int *x);

/* tui_focus.c: the attribution key (REQ_TOGGLE_ATTRIB).  When the other
 * mode's organisation view is not made, it is built on the engine's
 * worker (engine_focus_begin) while the keys still answer in the mode
 * shown (the filter's `by` stays until the swap, so the screen, its
 * header and an export agree); the key again meanwhile cancels the switch. */
void tui_focus_toggle(struct tui *t);
/* Called by the loop while t->focus_eng, between two panes' keys (never
 * under a prompt or picker, which may hold the filter): never blocks.
 * Takes a finished build in: the switch (an undo step, as the key makes
 * when the view is ready) when still wanted.  1 when the screen changed. */
int tui_focus_poll(struct tui *t);
/* Cancels a build and waits for it (0.1-0.3 s at most): before the
 * engine goes (refresh, quit). */
void tui_focus_stop(struct tui *t);
/* The status line's note while a switch waits, from x on line y. */
void tui_focus_status(struct tui *t, int y, int *x);

/* Text at *x on line y, advanced by its width, never past maxx. */
void tui_put(int y, int *x, int maxx, const char *s, enum draw_role r);

#endif

/* tui_window.c - the window key's cycle: 30 days, all-time, then the
 * periods since each earlier snapshot of the history (session_windows),
 * the shortest first. */
#include <stdio.h>
#include <string.h>

#include "hubtop/view.h"
#include "hubtop/tui_kernel.h"

#define TUI_WINDOWS 40

int tui_next_window(struct tui *t, struct filter *f)
{
	struct filter w[TUI_WINDOWS], next;
	size_t n = session_windows(t->s, w, TUI_WINDOWS), at = n;
	char err[1024];
	for (size_t i = 0; i < n; i++)
		if (w[i].window == f->window && w[i].period_from == f->period_from &&
		    w[i].period_to == f->period_to)
			at = i;
	/* A period the cycle does not hold (A..B, or given by hand) goes back
	 * to the first window. */
	next = w[at < n ? (at + 1) % n : 0];
	if (next.window == WIN_PERIOD && session_set_window_here(t->s, &next, err, sizeof err) != 0) {
		tui_message(t, 1, "%s", err);
		return -1;
	}
	f->window = next.window;
	f->period_from = next.period_from;
	f->period_to = next.period_to;
	return 0;
}

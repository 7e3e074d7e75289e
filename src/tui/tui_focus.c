/* tui_focus.c - the attribution key without a frozen screen: the other
 * mode's organisation view (0.1-0.3 s of CPU on 2M models) is built on
 * the engine's worker while the keys answer in the mode shown; the loop
 * polls the build (tui.c) and swaps once it is made.  As in htop's and
 * VisiData's long operations, the key that started it cancels it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hubtop/engine.h"
#include "hubtop/request.h"
#include "hubtop/session.h"
#include "hubtop/view.h"
#include "hubtop/tui_kernel.h"

static const char *mode_name(enum attrib_mode by)
{
	return by == ATTRIB_LINEAGE ? "lineage" : "uploader";
}

/* The switch itself, as the key made it before the build could wait:
 * an undo step, the views re-open on the next draw. */
static void focus_switch(struct tui *t, enum attrib_mode to)
{
	struct filter f = t->filter;
	f.by = to;
	tui_set_filter(t, &f);
	tui_message(t, 0, "Attribution: %s", to == ATTRIB_LINEAGE ? "lineage (root base model's owner)" : "uploader");
}

void tui_focus_toggle(struct tui *t)
{
	struct engine *e = t->s->eng;
	enum attrib_mode to = t->filter.by == ATTRIB_LINEAGE ? ATTRIB_UPLOADER : ATTRIB_LINEAGE;
	if (t->focus_eng == e && t->focus_want) {
		engine_focus_cancel(e);
		t->focus_want = 0;
		tui_message(t, 0, "Attribution stays %s: the %s view's build is cancelled (%s: switch again)",
			    mode_name(t->filter.by), mode_name(t->focus_to), request_key_hint(REQ_TOGGLE_ATTRIB));
		return;
	}
	/* At the account level the mode's organisation view is not what the
	 * answer waits for: the switch is at once, as before. */
	if (t->filter.level == LEVEL_ORG && !engine_mode_ready(e, to) && engine_focus_begin(e, to) == 0) {
		t->focus_eng = e;
		t->focus_want = 1;
		t->focus_to = to;
		tui_trace("focus", (int)to);
		tui_message(t, 0, "Building the %s view... keys still answer by %s (%s: cancel)", mode_name(to),
			    mode_name(t->filter.by), request_key_hint(REQ_TOGGLE_ATTRIB));
		return;
	}
	focus_switch(t, to);
}

int tui_focus_poll(struct tui *t)
{
	/* Tests: the build counts as running until this file exists, so a
	 * key surely comes in the middle of it (tests/tui_attrib.sh). */
	const char *hold = getenv("HUBTOP_TEST_FOCUS_HOLD");
	struct engine *e = t->focus_eng;
	if (!e)
		return 0;
	if (t->focus_want && hold && *hold && access(hold, F_OK) != 0)
		return 0;
	if (!engine_focus_poll(e))
		return 0;
	t->focus_eng = NULL;
	if (!t->focus_want)
		return 0; /* cancelled: thrown away */
	t->focus_want = 0;
	if (t->filter.by == (int)t->focus_to)
		return 1; /* already switched (an undo): nothing more */
	/* A view left incomplete (the worker out of memory, or stopped by a
	 * cancel withdrawn too late) is completed on the switch's answer, as
	 * before the worker. */
	tui_trace("swap", (int)t->focus_to);
	focus_switch(t, t->focus_to);
	return 1;
}

void tui_focus_stop(struct tui *t)
{
	if (!t->focus_eng)
		return;
	engine_focus_cancel(t->focus_eng);
	engine_focus_wait(t->focus_eng);
	t->focus_eng = NULL;
	t->focus_want = 0;
}

void tui_focus_status(struct tui *t, int y, int *x)
{
	char buf[128];
	if (!t->focus_eng || !t->focus_want)
		return;
	snprintf(buf, sizeof buf, " building the %s view... ", mode_name(t->focus_to));
	tui_put(y, x, t->cols, buf, DR_SELECTED);
}

/* tui.c - the explorer's loop: it draws the screen, lets the engine work
 * while no key waits, reads each key (the only place that does), maps it to
 * a request of the top view's context (request.h), runs it and does what
 * the view answered (view.h).  The rest of the kernel is in tui_*.c (see
 * tui_kernel.h); panes in view_*.c. */
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>

#include "hubtop/draw.h"
#include "hubtop/safetext.h"
#include "hubtop/tui.h"
#include "hubtop/tui_kernel.h"

static FILE *tui_trace_fp;

void tui_trace(const char *what, int arg)
{
	struct timespec ts, cpu, own;
	if (!tui_trace_fp)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* The process's CPU time too: on a loaded machine the wall time
	 * between two lines counts the other programs' turns.  And this
	 * thread's (the keys'), which the workers' do not count in (the
	 * attribution key's build, the checksum at start). */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &own);
	fprintf(tui_trace_fp, "%s %lld %d %lld %lld\n", what,
		(long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, arg,
		(long long)cpu.tv_sec * 1000000000LL + cpu.tv_nsec,
		(long long)own.tv_sec * 1000000000LL + own.tv_nsec);
	fflush(tui_trace_fp);
}

/* A recompute now would be thrown away by the next key. */
int tui_input_pending(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	return poll(&pfd, 1, 0) > 0;
}

static void tui_draw(struct tui *t)
{
	tui_paint(t);
	if (t->cursor_y >= 0) {
		move(t->cursor_y, t->cursor_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
	tui_trace("draw", t->cursor_y >= 0);
}

static int tui_getkey(struct tui *t, wint_t *wc)
{
	wint_t ch;
	int rc = get_wch(&ch);
	*wc = 0;
	if (rc == ERR)
		return ERR;
	if (rc == KEY_CODE_YES) {
		if (ch == KEY_RESIZE) {
			getmaxyx(stdscr, t->rows, t->cols);
			tui_trace("resize", 0);
		}
		tui_trace("key", (int)ch);
		return (int)ch;
	}
	tui_trace("key", (int)ch);
	if (ch >= 0x20 && ch != 0x7f)
		*wc = ch;
	return ch < 0x80 ? (int)ch : 0x80;
}

/* Ctrl-S and Ctrl-Q reach the explorer (Ctrl-S exports) instead of
 * stopping the terminal's output (XOFF); Ctrl-C and Ctrl-Z still
 * interrupt and suspend, as in every program.  ncurses saves this as the
 * program's mode, so it comes back after a suspend and goes at endwin(). */
static void tui_no_flow_control(void)
{
	struct termios tio;
	if (tcgetattr(STDIN_FILENO, &tio) != 0)
		return;
	tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
		def_prog_mode();
}

/* ---- mouse ------------------------------------------------------------------- */

/* A click or the wheel on a pane (never on a picker or prompt). */
static void tui_mouse(struct tui *t)
{
	MEVENT ev;
	struct view *v = tui_top(t);
	struct tui_layout l = tui_layout(t);
	if (getmouse(&ev) != OK)
		return;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		list_move(&v->list, 3);
		return;
	}
#endif
	if (ev.bstate & BUTTON4_PRESSED) {
		list_move(&v->list, -3);
		return;
	}
	/* Press, not release: a click must sort once, not twice. */
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return;
	if (ev.y == l.tabs_y) {
		for (int i = 0; i < t->n_tabs; i++)
			if (ev.x >= t->tab_x[i] && ev.x < t->tab_x[i] + t->tab_w[i])
				tui_switch(t, &t->views[i]);
		return;
	}
	if (v->ops->draw || ev.y < v->list_y)
		return;
	if (ev.y == v->list_y) {
		for (unsigned c = 0; c < v->ops->n_cols && c < 16; c++)
			if (v->col_w[c] && ev.x >= v->col_x[c] && ev.x < v->col_x[c] + v->col_w[c] &&
			    v->ops->cols[c].sort >= 0)
				tui_sort(t, v, v->ops->cols[c].sort);
		return;
	}
	size_t row = v->top + (size_t)(ev.y - v->list_y - 1);
	if (ev.y < l.status_y && row < v->n) {
		/* ncurses reports the two clicks of a double click as one event. */
		v->sel = row;
		if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
			t->queued = REQ_ENTER;
	}
}

/* Does what a view answered. */
static void tui_apply(struct tui *t, struct view *v, enum view_next next)
{
	switch (next) {
	case VIEW_REOPEN: tui_view_open(t, v); break;
	case VIEW_POP: tui_pop(t); break;
	case VIEW_QUIT: t->quit = 1; break;
	case VIEW_PASS:
	case VIEW_DONE: break;
	}
}

/* One key, from the top view's context to what happens next. */
static void tui_key(struct tui *t, int key, wint_t wc)
{
	struct view *v = tui_top(t);
	enum req_context ctx = v->ops->keys;
	enum request r;

	if (ctx == REQ_CTX_PANE && tui_refresh_running() && request_key_is(REQ_REFRESH_CANCEL, key)) {
		tui_refresh_cancel(t);
		return;
	}
	if (t->key_seq) {
		/* The second key of a sequence; another key than the table's
		 * drops the first (as vim does) and means what it means alone. */
		int first = t->key_seq;
		t->key_seq = 0;
		if ((r = request_for_seq(ctx, first, key)) != REQ_NONE) {
			t->key = key;
			tui_apply(t, v, tui_request(t, r));
			return;
		}
	}
	if (key == KEY_MOUSE) {
		if (ctx == REQ_CTX_PANE)
			tui_mouse(t);
	} else if ((r = request_for_key(ctx, key)) != REQ_NONE) {
		t->key = key;
		tui_apply(t, v, tui_request(t, r));
	} else if (request_seq_starts(ctx, key)) {
		t->key_seq = key;
	} else if (wc && v->ops->type) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t n = wcrtomb(mb, (wchar_t)wc, &st);
		if (n != (size_t)-1)
			tui_apply(t, v, v->ops->type(t, v, mb, n));
	} else if (ctx == REQ_CTX_PANE && key >= 0x20 && key < 0x7f) {
		tui_message(t, 0, "No action on '%c' (%s lists the keys)", key, request_key_hint(REQ_HELP));
	}
	/* A request a view queued (help's Enter, a ':' command) runs on the
	 * view below it once it has left. */
	while (t->queued != REQ_NONE && !t->quit) {
		r = t->queued;
		t->queued = REQ_NONE;
		tui_apply(t, tui_top(t), tui_request(t, r));
	}
}

int tui_run(struct session *s, const struct config *c)
{
	static struct tui tt;
	struct tui *t = &tt;
	const char *trace = getenv("HUBTOP_TRACE");
	const char *idle_wait = getenv("HUBTOP_TEST_IDLE_WAIT");
	static const struct view_ops *const panes[HT_PANE_COUNT] = {
#define TUI_PANE_OPS(sym, key) &view_##sym##_ops,
		HT_PANES(TUI_PANE_OPS)
#undef TUI_PANE_OPS
	};

	memset(t, 0, sizeof *t);
	t->s = s;
	t->cfg = *c;
	t->filter = c->filter;
	t->gen = 1;
	for (unsigned i = 0; i < HT_PANE_COUNT; i++) {
		struct view *v = &t->views[i];
		v->ops = panes[i];
		v->key = pane_keys[i];
		v->tab = (int)i + 1;
		v->sort = v->ops->default_sort;
		v->desc = v->sort != SORT_NAME;
		if (v->ops->priv_size && !(v->priv = calloc(1, v->ops->priv_size))) {
			fprintf(stderr, "hubtop: out of memory starting the explorer\n");
			return 1;
		}
	}
	columns_from_config(t);
	t->depth = 1;
	t->stack[0].v = &t->views[c->pane[0] && pane_index(c->pane) >= 0 ? pane_index(c->pane) : 0];
	if (trace && *trace)
		tui_trace_fp = fopen(trace, "a");
	tui_trace("start", 0);

	setlocale(LC_ALL, "");
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	if (!initscr()) {
		safetext_fprintf(stderr, "hubtop: cannot start the terminal (TERM=%s); try `hubtop report`\n",
			getenv("TERM") ? getenv("TERM") : "unset");
		return 1;
	}
	cbreak();
	tui_no_flow_control();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		  | BUTTON5_PRESSED
#endif
		  , NULL);
	/* Long enough for a double click to be one, short enough that a
	 * single click still feels immediate. */
	mouseinterval(200);
	draw_init(c->ascii, c->color, c->theme, 1);
	getmaxyx(stdscr, t->rows, t->cols);
	if (c->n_problems)
		/* Shown before the demo's note: a bad line may be why the
		 * explorer does not start as configured. */
		tui_message(t, 1, "config: %u problem%s, lines skipped; %s%s", c->n_problems,
			    c->n_problems == 1 ? "" : "s", c->problem,
			    c->n_problems > 1 ? " (all printed when hubtop ends)" : "");
	else if (s->demo_fallback)
		tui_message(t, 0, "No snapshot in the cache: DEMO data. `hubtop fetch` or R fetches the Hub's.");
	else if (s->history_warning[0])
		tui_message(t, 1, "%s", s->history_warning);

	while (!t->quit) {
		/* A new snapshot is taken in only between two panes' keys, never
		 * under a prompt or picker that holds rows of the old one. */
		if (tui_top(t)->ops->keys == REQ_CTX_PANE)
			tui_refresh_poll(t);
		/* The attribution key's build, once made: the switch, drawn
		 * without waiting for a key (between two panes' keys too). */
		if (tui_top(t)->ops->keys == REQ_CTX_PANE)
			tui_focus_poll(t);
		tui_draw(t);
		/* Idle after the screen is drawn: the engine makes, one piece
		 * per turn, what the next answers would otherwise build (not
		 * while its worker builds a view: engine.h). */
		while (!t->focus_eng && t->prepared != t->s->eng && !tui_input_pending()) {
			int rc = engine_prepare_step(t->s->eng);
			tui_trace("prepare", rc);
			if (rc <= 0)
				t->prepared = t->s->eng;
		}
		/* Then the shown pane's own work (the Timeline's series), one
		 * piece at a time, drawn after each: a key is answered between
		 * two pieces. */
		for (struct view *sv = tui_shown(t); sv->ops->idle && !tui_input_pending();) {
			int rc = sv->ops->idle(t, sv);
			if (rc == VIEW_IDLE_NONE)
				break;
			tui_trace("idle", rc);
			tui_draw(t);
			if (rc <= 0)
				break;
			/* Tests: wait once (60 s at most) for a key with work
			 * left, so that the key surely comes in the middle of
			 * it (tests/history.sh). */
			if (idle_wait && *idle_wait) {
				struct pollfd pfd = { .fd = 0, .events = POLLIN };
				idle_wait = NULL;
				poll(&pfd, 1, 60000);
			}
		}
		/* A build is polled every 15 ms, without a redraw, until it is
		 * done or a key comes: its swap is drawn within a frame. */
		timeout(t->focus_eng && tui_top(t)->ops->keys == REQ_CTX_PANE ? 15 : tui_refresh_running() ? 100 : -1);
		wint_t wc;
		int key = tui_getkey(t, &wc);
		while (key == ERR && t->focus_eng && !tui_refresh_running() &&
		       !(tui_top(t)->ops->keys == REQ_CTX_PANE && tui_focus_poll(t)))
			key = tui_getkey(t, &wc);
		if (key == ERR || key == KEY_RESIZE)
			continue;
		if (tui_top(t)->ops->keys == REQ_CTX_PANE) {
			t->msg[0] = '\0';
			t->msg_err = 0;
		}
		tui_key(t, key, wc);
	}
	tui_refresh_stop();
	tui_focus_stop(t);
	endwin();
	tui_switch(t, t->stack[0].v);
	for (unsigned i = 0; i < HT_PANE_COUNT; i++) {
		if (t->views[i].ops->done)
			t->views[i].ops->done(&t->views[i]);
		free(t->views[i].priv);
	}
	tui_results_free(t);
	if (tui_trace_fp) {
		fclose(tui_trace_fp);
		tui_trace_fp = NULL;
	}
	return 0;
}

/* prompt.c - the views that ask something on the message line: a line
 * prompt (its text in a line editor, lineedit.h) and a yes/no question.
 * Their keys are requests of their own contexts (request.h); what they
 * answer reaches the asker through a done() callback as they leave the
 * stack (see view.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/draw.h"
#include "hubtop/lineedit.h"
#include "hubtop/tui_kernel.h"

struct prompt_priv {
	char label[128];
	struct line_edit ed;
	prompt_changed_fn changed;
	prompt_done_fn done;
	prompt_complete_fn complete;
	void *ctx;          /* the asker's copy, owned */
	int accepted;
	int hist;           /* lines back in the history shown, 0: the line typed */
	char draft[LINEEDIT_MAX]; /* the line typed, while the history is shown */
};

/* ---- history: the lines accepted at each prompt, by its label --------------- */

#define PROMPT_HIST_KINDS 16
#define PROMPT_HIST_LINES 32

static struct prompt_hist {
	char label[128];
	unsigned n;                         /* lines, oldest first */
	char line[PROMPT_HIST_LINES][256];
} prompt_hist[PROMPT_HIST_KINDS];

static struct prompt_hist *prompt_hist_of(const char *label, int make)
{
	for (unsigned i = 0; i < PROMPT_HIST_KINDS; i++) {
		if (!strcmp(prompt_hist[i].label, label))
			return &prompt_hist[i];
		if (!prompt_hist[i].label[0]) {
			if (!make)
				return NULL;
			snprintf(prompt_hist[i].label, sizeof prompt_hist[i].label, "%s", label);
			return &prompt_hist[i];
		}
	}
	return NULL;
}

static void prompt_hist_add(const char *label, const char *text)
{
	struct prompt_hist *h;
	if (!text[0] || strlen(text) >= sizeof h->line[0] || !(h = prompt_hist_of(label, 1)))
		return;
	if (h->n && !strcmp(h->line[h->n - 1], text))
		return;
	if (h->n == PROMPT_HIST_LINES) {
		memmove(h->line, h->line + 1, sizeof h->line[0] * (PROMPT_HIST_LINES - 1));
		h->n--;
	}
	memcpy(h->line[h->n++], text, strlen(text) + 1);   /* fits: checked above */
}

/* Up (dir 1) and Down (-1): an older or newer line, the typed one last. */
static int prompt_hist_step(struct prompt_priv *p, int dir)
{
	struct prompt_hist *h = prompt_hist_of(p->label, 0);
	int want = p->hist + dir;
	if (!h || want < 0 || want > (int)h->n)
		return 0;
	if (p->hist == 0)
		snprintf(p->draft, sizeof p->draft, "%s", p->ed.text);
	p->hist = want;
	lineedit_init(&p->ed, want ? h->line[h->n - (unsigned)want] : p->draft, p->ed.max);
	return 1;
}

static void prompt_draw(struct tui *t, struct view *v, int y, int h, int w)
{
	struct prompt_priv *p = v->priv;
	struct tui_layout l = tui_layout(t);
	char head[LINEEDIT_MAX];
	size_t start = 0;
	(void)y;
	(void)h;
	(void)w;
	/* Label, then the text scrolled so the cursor stays visible. */
	int lw = draw_width(p->label);
	if (lw > t->cols / 2)
		lw = t->cols / 2;
	/* What the last key said (the choices of a completion, an error)
	 * goes above the prompt, which holds the message line. */
	if (t->msg[0] && l.status_y - 1 > l.tabs_y) {
		draw_clear_line(stdscr, l.status_y - 1, 0, DR_NORMAL);
		draw_text(stdscr, l.status_y - 1, 0, t->cols, t->msg, 0, t->msg_err ? DR_ERROR : DR_MESSAGE);
	}
	draw_clear_line(stdscr, l.msg_y, 0, DR_NORMAL);
	draw_text(stdscr, l.msg_y, 0, lw, p->label, 0, DR_PROMPT);
	int room = t->cols - lw - 1;
	snprintf(head, sizeof head, "%.*s", (int)p->ed.cur, p->ed.text);
	while (draw_width(head + start) >= room && head[start]) {
		start++;
		while (((unsigned char)head[start] & 0xc0) == 0x80)
			start++;
	}
	if (room > 0)
		draw_text(stdscr, l.msg_y, lw, room, p->ed.text + start, 0, DR_NORMAL);
	int cx = lw + draw_width(head + start);
	t->cursor_y = l.msg_y;
	t->cursor_x = cx < t->cols ? cx : t->cols - 1;
}

static int prompt_request(struct tui *t, struct view *v, enum request r)
{
	struct prompt_priv *p = v->priv;
	int edited = 0;
	t->msg[0] = '\0';
	switch (r) {
	case REQ_EDIT_ACCEPT:
		p->accepted = 1;
		prompt_hist_add(p->label, p->ed.text);
		return VIEW_POP;
	case REQ_EDIT_HIST_PREV: edited = prompt_hist_step(p, 1); break;
	case REQ_EDIT_HIST_NEXT: edited = prompt_hist_step(p, -1); break;
	case REQ_EDIT_COMPLETE: {
		char line[LINEEDIT_MAX];
		if (p->complete && p->complete(t, p->ed.text, line, sizeof line)) {
			lineedit_init(&p->ed, line, p->ed.max);
			edited = 1;
		}
		break;
	}
	case REQ_EDIT_CANCEL: return VIEW_POP;
	case REQ_EDIT_LEFT: lineedit_left(&p->ed); break;
	case REQ_EDIT_RIGHT: lineedit_right(&p->ed); break;
	case REQ_EDIT_HOME: lineedit_home(&p->ed); break;
	case REQ_EDIT_END: lineedit_end(&p->ed); break;
	case REQ_EDIT_BACKSPACE: edited = lineedit_backspace(&p->ed); break;
	case REQ_EDIT_DELETE: edited = lineedit_delete(&p->ed); break;
	case REQ_EDIT_WORD: edited = lineedit_delete_word(&p->ed); break;
	case REQ_EDIT_CLEAR: edited = lineedit_clear(&p->ed); break;
	default: return VIEW_DONE;
	}
	if (edited && p->changed)
		p->changed(t, p->ed.text, p->ctx);
	return VIEW_DONE;
}

static enum view_next prompt_type(struct tui *t, struct view *v, const char *mb, size_t len)
{
	struct prompt_priv *p = v->priv;
	if (lineedit_insert(&p->ed, mb, len) && p->changed)
		p->changed(t, p->ed.text, p->ctx);
	return VIEW_DONE;
}

static void prompt_close(struct tui *t, struct view *v)
{
	struct prompt_priv *p = v->priv;
	if (p->done)
		p->done(t, p->ed.text, p->accepted, p->ctx);
	free(p->ctx);
	p->ctx = NULL;
}

static const struct view_ops view_prompt_ops = {
	.title = "a prompt", .keys = REQ_CTX_PROMPT, .overlay = 1, .priv_size = sizeof(struct prompt_priv),
	.default_sort = -1, .draw = prompt_draw, .request = prompt_request, .type = prompt_type,
	.close = prompt_close,
};

/* Pushes a view of ops with a copy of the asker's context in *ctx_copy
 * (NULL when there is none); NULL when memory ran out (the message line
 * says so). */
static struct view *prompt_push(struct tui *t, const struct view_ops *ops, const void *ctx, size_t size,
				void **ctx_copy)
{
	struct view *v;
	*ctx_copy = NULL;
	if (ctx && size && !(*ctx_copy = malloc(size))) {
		tui_message(t, 1, "Out of memory opening %s", ops->title);
		return NULL;
	}
	if (*ctx_copy)
		memcpy(*ctx_copy, ctx, size);
	if (!(v = tui_open(t, ops))) {
		free(*ctx_copy);
		*ctx_copy = NULL;
	}
	return v;
}

void prompt_set_complete(struct tui *t, prompt_complete_fn complete)
{
	struct view *v = tui_top(t);
	if (v->ops == &view_prompt_ops)
		((struct prompt_priv *)v->priv)->complete = complete;
}

int prompt_open(struct tui *t, const char *label, const char *text, size_t max,
		prompt_changed_fn changed, prompt_done_fn done, const void *ctx, size_t ctx_size)
{
	void *c;
	struct view *v = prompt_push(t, &view_prompt_ops, ctx, ctx_size, &c);
	struct prompt_priv *p;
	if (!v)
		return -1;
	p = v->priv;
	snprintf(p->label, sizeof p->label, "%s", label);
	lineedit_init(&p->ed, text, max);
	p->changed = changed;
	p->done = done;
	p->ctx = c;
	return 0;
}

/* ---- yes/no ------------------------------------------------------------------ */

struct confirm_priv {
	char question[1200];
	confirm_done_fn done;
	void *ctx;
	int yes;
};

static void confirm_draw(struct tui *t, struct view *v, int y, int h, int w)
{
	struct confirm_priv *p = v->priv;
	struct tui_layout l = tui_layout(t);
	const char *q = p->question, *more = draw_utf8 ? "\xe2\x80\xa6" : "...";
	char buf[sizeof p->question + 4];
	(void)y;
	(void)h;
	/* Too long (a deep path): the start goes, the question and its keys
	 * at the end stay. */
	if (draw_width(q) > w) {
		while (*q && draw_width(q) > w - draw_width(more)) {
			q++;
			while (((unsigned char)*q & 0xc0) == 0x80)
				q++;
		}
		snprintf(buf, sizeof buf, "%s%s", more, q);
		q = buf;
	}
	draw_clear_line(stdscr, l.msg_y, 0, DR_NORMAL);
	draw_text(stdscr, l.msg_y, 0, w, q, 0, DR_PROMPT);
}

static int confirm_request(struct tui *t, struct view *v, enum request r)
{
	struct confirm_priv *p = v->priv;
	(void)t;
	if (r == REQ_CONFIRM_YES)
		p->yes = 1;
	return r == REQ_CONFIRM_YES || r == REQ_CONFIRM_NO ? VIEW_POP : VIEW_DONE;
}

static void confirm_close(struct tui *t, struct view *v)
{
	struct confirm_priv *p = v->priv;
	if (p->done)
		p->done(t, p->yes, p->ctx);
	free(p->ctx);
	p->ctx = NULL;
}

static const struct view_ops view_confirm_ops = {
	.title = "a question", .keys = REQ_CTX_CONFIRM, .overlay = 1, .priv_size = sizeof(struct confirm_priv),
	.default_sort = -1, .draw = confirm_draw, .request = confirm_request, .close = confirm_close,
};

int confirm_open(struct tui *t, const char *question, confirm_done_fn done, const void *ctx, size_t ctx_size)
{
	void *c;
	struct view *v = prompt_push(t, &view_confirm_ops, ctx, ctx_size, &c);
	struct confirm_priv *p;
	if (!v)
		return -1;
	p = v->priv;
	snprintf(p->question, sizeof p->question, "%s", question);
	p->done = done;
	p->ctx = c;
	return 0;
}

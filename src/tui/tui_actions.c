/* tui_actions.c - what a request means on a pane when the pane does not
 * say otherwise: moving, sorting, searching, the filter prompts and
 * toggles, undo, export and the ':' commands (see tui_kernel.h).  Whatever
 * asks the user something pushes a prompt, picker or question and goes on
 * in that view's done() callback: nothing here reads a key. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <curses.h>

#include "hubtop/draw.h"
#include "hubtop/tui_kernel.h"

/* ---- sorting ----------------------------------------------------------------- */

void tui_sort(struct tui *t, struct view *v, int sort)
{
	list_sort_choose(&v->sort, &v->desc, sort, engine_sort_is_text(sort) ? sort : SORT_NAME);
	tui_view_open(t, v);
}

static void tui_sort_step(struct tui *t, struct view *v, int dir)
{
	const struct view_ops *o = v->ops;
	int sorts[16], shown[16], s;
	unsigned n = o->n_cols < 16 ? o->n_cols : 16;
	if (!n)
		return;
	for (unsigned i = 0; i < n; i++) {
		sorts[i] = o->cols[i].sort;
		/* Columns the screen is too narrow for are skipped. */
		shown[i] = v->col_w[i] > 0;
	}
	if ((s = list_sort_step(sorts, shown, n, v->sort, dir)) >= 0) {
		v->sort = s;
		v->desc = !engine_sort_is_text(s);
		tui_view_open(t, v);
	}
}

/* ---- searching and the text filter ----------------------------------------- */

static int tui_row_matches(struct tui *t, struct view *v, size_t row, const char *needle)
{
	char buf[512];
	const char *s;
	double bar;
	if (v->ops->text) {
		s = v->ops->text(t, v, row, buf, sizeof buf);
	} else {
		buf[0] = '\0';
		v->ops->cell(t, v, row, 0, buf, sizeof buf, &bar);
		s = buf;
	}
	if (!s)
		return 0;
	/* "a|b": any of the terms, as the text filter takes them. */
	while (*needle) {
		char term[FILTER_SEARCH_MAX];
		size_t n = strcspn(needle, "|");
		snprintf(term, sizeof term, "%.*s", (int)n, needle);
		if (term[0] && strcasestr(s, term))
			return 1;
		needle += n + (needle[n] == '|');
	}
	return 0;
}

static int tui_find(struct tui *t, struct view *v, const char *needle, size_t from, int dir)
{
	if (!*needle || !v->n || !v->ops->cell)
		return 0;
	for (size_t i = 0; i < v->n; i++) {
		size_t row = dir > 0 ? (from + i) % v->n : (from + v->n - i % v->n) % v->n;
		if (tui_row_matches(t, v, row, needle)) {
			v->sel = row;
			return 1;
		}
	}
	return 0;
}

struct tui_search_ctx {
	struct view *v;     /* the pane searched, under the prompt */
	size_t origin;      /* its selection before: Esc goes back there */
};

static void tui_search_changed(struct tui *t, const char *text, void *ctx)
{
	struct tui_search_ctx *c = ctx;
	snprintf(t->search, sizeof t->search, "%s", text);
	tui_find(t, c->v, text, c->v->sel, 1);
}

static void tui_search_done(struct tui *t, const char *text, int accepted, void *ctx)
{
	struct tui_search_ctx *c = ctx;
	if (!accepted) {
		c->v->sel = c->origin;
		return;
	}
	snprintf(t->search, sizeof t->search, "%s", text);
	if (text[0] && !tui_row_matches(t, c->v, c->v->sel, text))
		tui_message(t, 1, "No row matches '%s'", text);
}

static void tui_filter_text(struct tui *t, const char *text)
{
	struct filter f = t->filter;
	char err[256];
	if (filter_set(&f, "search", text, err, sizeof err) == 0) {
		if (filter_equal(&f, &t->filter))
			return;
		tui_filter_replace(t, &f, 0);
		/* A new text filter starts from its best match, row 1. */
		for (unsigned i = 0; i < HT_PANE_COUNT; i++) {
			t->views[i].has_sel_id = 0;
			t->views[i].sel = t->views[i].top = 0;
		}
	} else
		tui_message(t, 1, "%s", err);
}

static void tui_filter_changed(struct tui *t, const char *text, void *ctx)
{
	(void)ctx;
	if (!tui_input_pending())   /* otherwise: with the last key, or on Enter */
		tui_filter_text(t, text);
}

static void tui_filter_text_done(struct tui *t, const char *text, int accepted, void *ctx)
{
	const struct filter *old = ctx;
	if (accepted) {
		/* Applied while typing (unless keys came faster than the engine):
		 * make sure the final text is in, then remember the change for
		 * undo. */
		tui_filter_text(t, text);
		if (!filter_equal(old, &t->filter))
			tui_undo_push(t, old);
	} else {
		tui_filter_replace(t, old, 0);
	}
}

/* ---- filter prompts ------------------------------------------------------- */

/* filter_set, and for a task, library or licence the snapshot's check too:
 * of that key alone, so a value kept from elsewhere does not block it. */
static int tui_filter_set(struct tui *t, struct filter *f, const char *key, const char *value,
			  char *err, size_t len)
{
	struct filter one;
	if (filter_set(f, key, value, err, len) != 0)
		return -1;
	if (!strcmp(key, "org"))
		return filter_check_orgs(f, t->s->attr, t->s->dir, err, len);
	if (!strcmp(key, "author"))
		return filter_check_authors(f, t->s->attr, err, len);
	if (strcmp(key, "task") && strcmp(key, "library") && strcmp(key, "license"))
		return 0;
	filter_init(&one);
	filter_set(&one, key, value, NULL, 0);
	return filter_check_terms(&one, t->s->snap, err, len);
}

struct tui_filter_ctx {
	char key[32];
};

static void tui_filter_prompt_done(struct tui *t, const char *text, int accepted, void *ctx)
{
	const struct tui_filter_ctx *c = ctx;
	struct filter f = t->filter;
	char err[1024];
	if (!accepted)
		return;
	if (tui_filter_set(t, &f, c->key, text, err, sizeof err) != 0) {
		tui_message(t, 1, "%s", err);
		return;
	}
	tui_set_filter(t, &f);
	if (text[0])
		tui_message(t, 0, "%s = %s", c->key, text);
	else
		tui_message(t, 0, "%s cleared", c->key);
}

static void tui_filter_prompt(struct tui *t, const char *key, const char *label)
{
	struct tui_filter_ctx c;
	char buf[256];
	snprintf(c.key, sizeof c.key, "%s", key);
	filter_get(&t->filter, key, buf, sizeof buf);
	prompt_open(t, label, buf, sizeof buf, NULL, tui_filter_prompt_done, &c, sizeof c);
}

/* ---- export ------------------------------------------------------------------ */

struct tui_export_ctx {
	struct export_req q;
	char path[1024];
};

static void tui_export_write(struct tui *t, const struct tui_export_ctx *c)
{
	char err[1024];
	struct eng_result *r = tui_result(t, c->q.items);
	long n = export_to_path(c->path, t->s->eng, r, &c->q, err, sizeof err);
	if (n < 0)
		tui_message(t, 1, "Export failed: %s", err);
	else
		tui_message(t, 0, "Exported %ld rows (%s) as %s to %s", n, export_req_name(&c->q),
			    export_format_name((int)c->q.format), c->path);
}

static void tui_export_confirmed(struct tui *t, int yes, void *ctx)
{
	struct tui_export_ctx *c = ctx;
	if (yes)
		tui_export_write(t, c);
	else
		tui_message(t, 0, "Not overwritten: %s", c->path);
}

static void tui_export_named(struct tui *t, const char *path, int accepted, void *ctx)
{
	struct tui_export_ctx *c = ctx;
	char question[1200];
	const char *base, *ext;
	struct stat st;
	int fmt;
	if (!accepted || !path[0]) {
		tui_message(t, 0, "Export cancelled");
		return;
	}
	if (strcmp(path, "-") == 0) {
		tui_message(t, 1, "Export to standard output is for `hubtop export`; give a file name");
		return;
	}
	if (export_expand_path(path, c->path, sizeof c->path) != 0) {
		tui_message(t, 1, "Export: cannot expand %s (HOME unset, or too long)", path);
		return;
	}
	/* The format is the extension's; one that names none is refused, not
	 * written as CSV under a name that says otherwise. */
	base = strrchr(c->path, '/');
	base = base ? base + 1 : c->path;
	ext = strrchr(base, '.');
	fmt = export_format_for_path(base);
	if (fmt >= 0) {
		c->q.format = (enum export_format)fmt;
	} else if (ext && ext != base && strncmp(c->path, "/dev/", 5) != 0 &&
		   !(stat(c->path, &st) == 0 && !S_ISREG(st.st_mode))) {
		tui_message(t, 1, "Export: '%s' is not an export format; name the file .csv, .tsv, .jsonl or .json", ext);
		return;
	}
	if (stat(c->path, &st) == 0) {
		snprintf(question, sizeof question, "%s exists. Overwrite it? (%s/%s) ", c->path,
			 request_key_hint(REQ_CONFIRM_YES), request_key_hint(REQ_CONFIRM_NO));
		confirm_open(t, question, tui_export_confirmed, c, sizeof *c);
		return;
	}
	tui_export_write(t, c);
}

/* What the view on top exports, with a proposed path; -1 (and a message)
 * when it has nothing of its own (help, detail). */
static int tui_export_begin(struct tui *t, struct view *v, struct tui_export_ctx *c)
{
	char day[16], list[256], err[1200];
	time_t now = time(NULL);
	struct tm tm;

	memset(c, 0, sizeof *c);
	if (!v->ops->export_req) {
		tui_message(t, 1, "Nothing to export on %s: %s back to the pane, then %s writes its rows",
			    v->ops->title, request_key_hint(REQ_BACK), request_key_hint(REQ_EXPORT));
		return -1;
	}
	c->q.view = EXPORT_RANKING;
	c->q.pane = PANE_MODELS;
	c->q.items = HT_MODELS;
	c->q.sort = (enum eng_sort)v->sort;
	c->q.desc = v->desc;
	c->q.format = EXPORT_CSV;
	v->ops->export_req(t, v, &c->q);
	/* The columns shown (columns.PANE, the chooser), and the identifying ones. */
	if (columns_export_list(t, v, list, sizeof list) && export_columns_set(&c->q, list, err, sizeof err) != 0) {
		tui_message(t, 1, "Export: %s", err);
		return -1;
	}
	/* The local day: the name is for the user, not a timestamp. */
	localtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	snprintf(c->path, sizeof c->path, "./hubtop-%s-%s.csv", export_req_name(&c->q), day);
	return 0;
}

static void tui_export(struct tui *t, struct view *v)
{
	struct tui_export_ctx c;
	if (tui_export_begin(t, v, &c) != 0)
		return;
	prompt_open(t, "Export to (.csv .tsv .jsonl): ", c.path, sizeof c.path, NULL, tui_export_named, &c,
		    sizeof c);
}

/* ---- copying ------------------------------------------------------------------ */

/* Terminals known to take OSC 52 (some ask the user first); elsewhere the
 * sequence would be ignored or, on a Linux console, printed.
 * HUBTOP_OSC52=1 or 0 overrides. */
static int tui_osc52_ok(void)
{
	static const char *const known[] = { "xterm", "tmux", "screen", "kitty", "alacritty", "foot",
					     "wezterm", "rxvt", "st-", "contour", "ghostty" };
	const char *force = getenv("HUBTOP_OSC52"), *term = getenv("TERM");
	if (force && *force)
		return *force == '1' || *force == 'y';
	for (size_t i = 0; term && i < sizeof known / sizeof known[0]; i++)
		if (!strncmp(term, known[i], strlen(known[i])))
			return 1;
	return 0;
}

void tui_copy(struct tui *t, const char *text)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char seq[4096];
	size_t n = strlen(text), at;
	if (!tui_osc52_ok() || n > (sizeof seq - 16) / 4 * 3) {
		tui_message(t, 0, "This terminal takes no copy (OSC 52); select it by hand: %s", text);
		return;
	}
	at = (size_t)snprintf(seq, sizeof seq, "\033]52;c;");
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)text[i] << 16 | (i + 1 < n ? (unsigned char)text[i + 1] << 8 : 0) |
			     (i + 2 < n ? (unsigned char)text[i + 2] : 0);
		seq[at++] = b64[(v >> 18) & 63];
		seq[at++] = b64[(v >> 12) & 63];
		seq[at++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		seq[at++] = i + 2 < n ? b64[v & 63] : '=';
	}
	seq[at++] = '\a';
	/* Straight to the terminal: it draws nothing, so ncurses need not know. */
	fflush(stdout);
	if (fwrite(seq, 1, at, stdout) != at || fflush(stdout) != 0) {
		tui_message(t, 1, "Cannot write to the terminal; select it by hand: %s", text);
		return;
	}
	tui_message(t, 0, "Copied (if the terminal allows OSC 52): %s", text);
}

/* ---- the ':' prompt -------------------------------------------------------- */

static void tui_command_done(struct tui *t, const char *text, int accepted, void *ctx)
{
	char line[512], err[1024];
	struct view *v = tui_top(t);
	(void)ctx;
	snprintf(line, sizeof line, "%s", text);
	if (!accepted || !line[0])
		return;
	char *save = NULL, *cmd = strtok_r(line, " ", &save);
	if (!cmd)
		return;
	if (strcmp(cmd, "filter") == 0 || strcmp(cmd, "f") == 0) {
		char *key = strtok_r(NULL, " ", &save);
		char *val = save ? save : (char *)"";
		struct filter f = t->filter;
		if (!key) {
			tui_message(t, 1, "Usage: filter KEY VALUE (keys: country group org-type author task library license search created min-downloads gated window by)");
			return;
		}
		while (*val == ' ')
			val++;
		if (tui_filter_set(t, &f, key, val, err, sizeof err) != 0) {
			tui_message(t, 1, "%s", err);
			return;
		}
		tui_set_filter(t, &f);
		return;
	}
	if (strcmp(cmd, "sort") == 0) {
		char *key = strtok_r(NULL, " ", &save);
		int s = key ? engine_sort_find(key) : -1, shown = s >= 0 && s < SORT_KEY_COUNT;
		/* Past the common keys, a pane sorts by its own columns; the
		 * item lists also by the last modification, which no column shows. */
		for (unsigned i = 0; s >= 0 && i < v->ops->n_cols; i++)
			shown |= v->ops->cols[i].sort == s;
		shown |= s == SORT_MODIFIED && (v->ops == &view_models_ops || v->ops == &view_datasets_ops);
		if (s < 0) {
			tui_message(t, 1, "Usage: sort KEY (downloads, likes, trending, created, count, name, "
				    "or a column's: country, org-type, task, library, license, display-name, share, "
				    "accounts; "
				    "modified on Models and Datasets)");
			return;
		}
		if (!shown) {
			tui_message(t, 1, "sort %s: this view has no such column (%s: through the columns)",
				    engine_sort_key((enum eng_sort)s), request_key_hint(REQ_SORT_NEXT));
			return;
		}
		v->sort = s;
		v->desc = !engine_sort_is_text(s);
		tui_view_open(t, v);
		return;
	}
	if (pane_index(cmd) >= 0) {
		tui_switch(t, tui_view(t, cmd));
		return;
	}
	if (strcmp(cmd, "export") == 0 && save && *save) {
		/* :export PATH writes there at once, as the prompt would. */
		struct tui_export_ctx c;
		while (*save == ' ')
			save++;
		if (*save && tui_export_begin(t, v, &c) == 0)
			tui_export_named(t, save, 1, &c);
		if (*save)
			return;
	}
	enum request r = request_find(cmd);
	if (r == REQ_NONE || request_info(r)->context != REQ_CTX_PANE) {
		tui_message(t, 1, "Unknown command '%s' (%s: the names; or filter KEY VALUE, sort KEY)",
			    cmd, request_key_hint(REQ_HELP));
		return;
	}
	t->queued = r;
}

/* Tab at the ':' prompt: the word being typed completed against the
 * request names and panes (first word), the filter keys (after filter)
 * or the sort keys (after sort). */
static int tui_command_complete(struct tui *t, const char *text, char *out, size_t len)
{
	const char *cand[REQ_COUNT + HT_PANE_COUNT + 64];
	size_t nc = 0, lcp = 0;
	const char *word = strrchr(text, ' ');
	word = word ? word + 1 : text;
	size_t pre = (size_t)(word - text), wl = strlen(word);
	if (pre == 0) {
		for (unsigned i = 0; i < request_table_len; i++)
			if (request_table[i].name && request_table[i].context == REQ_CTX_PANE &&
			    request_table[i].req != REQ_PANE_GOTO)
				cand[nc++] = request_table[i].name;
		for (unsigned i = 0; i < HT_PANE_COUNT; i++)
			cand[nc++] = pane_keys[i];
		cand[nc++] = "filter";
		cand[nc++] = "sort";
	} else if (!strncmp(text, "filter ", 7) && !strchr(text + 7, ' ')) {
		for (unsigned i = 0; filter_keys[i] && nc < sizeof cand / sizeof cand[0]; i++)
			cand[nc++] = filter_keys[i];
	} else if (!strncmp(text, "sort ", 5) && !strchr(text + 5, ' ')) {
		for (int i = 0; i < SORT_END && nc < sizeof cand / sizeof cand[0]; i++)
			cand[nc++] = engine_sort_key((enum eng_sort)i);
	}
	const char *match[sizeof cand / sizeof cand[0]];
	size_t nm = 0;
	for (size_t i = 0; i < nc; i++)
		if (!strncasecmp(cand[i], word, wl))
			match[nm++] = cand[i];
	if (!nm) {
		tui_message(t, 1, "Nothing completes '%s'", word);
		return 0;
	}
	lcp = strlen(match[0]);
	for (size_t i = 1; i < nm; i++) {
		size_t k = 0;
		while (k < lcp && match[i][k] && tolower((unsigned char)match[i][k]) == tolower((unsigned char)match[0][k]))
			k++;
		lcp = k;
	}
	if (nm > 1 && lcp <= wl) {
		/* Nothing more in common: the choices, as many as fit. */
		char list[512];
		size_t at = 0;
		for (size_t i = 0; i < nm && at < sizeof list; i++)
			at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? " " : "", match[i]);
		tui_message(t, 0, "%s", list);
		return 0;
	}
	snprintf(out, len, "%.*s%.*s%s", (int)pre, text, (int)lcp, match[0], nm == 1 ? " " : "");
	return 1;
}

/* ---- the default meaning of each request on a pane -------------------------- */

static enum view_next tui_pane_request(struct tui *t, struct view *v, enum request r)
{
	size_t page = (size_t)tui_list_height(t);
	struct filter f;

	switch (r) {
	case REQ_PANE_NEXT: tui_cycle(t, 1); break;
	case REQ_PANE_PREV: tui_cycle(t, -1); break;
	case REQ_PANE_GOTO: {
		char names[256];
		if (t->key >= '1' && t->key < '1' + HT_PANE_COUNT)
			tui_switch(t, &t->views[t->key - '1']);
		else if (t->key >= '1' && t->key <= '9')
			tui_message(t, 0, "No action on '%c' (%s lists the keys)", t->key, request_key_hint(REQ_HELP));
		else
			tui_message(t, 1, "Which pane? Its number, or :NAME (%s)", pane_names(names, sizeof names));
		break;
	}
	case REQ_ENTER:
		if (v->ops->enter && v->n)
			v->ops->enter(t, v);
		break;
	case REQ_BACK:
		if (t->depth > 1)
			return VIEW_POP;
		if (!tui_back_drill(t))
			tui_message(t, 0, "Nothing to go back to (%s: undo a filter change)", request_key_hint(REQ_UNDO));
		break;
	case REQ_MOVE_UP: list_move(&v->list, -1); break;
	case REQ_MOVE_DOWN: list_move(&v->list, 1); break;
	case REQ_PAGE_UP: list_page(&v->list, -1, page); break;
	case REQ_PAGE_DOWN: list_page(&v->list, 1, page); break;
	case REQ_FIRST: list_first(&v->list); break;
	case REQ_LAST: list_last(&v->list); break;
	case REQ_SORT_PREV: tui_sort_step(t, v, -1); break;
	case REQ_SORT_NEXT: tui_sort_step(t, v, 1); break;
	case REQ_SORT_REVERSE: v->desc = !v->desc; return VIEW_REOPEN;
	case REQ_SORT_DOWNLOADS: tui_sort(t, v, SORT_DOWNLOADS); break;
	case REQ_SORT_LIKES: tui_sort(t, v, SORT_LIKES); break;
	case REQ_SORT_TRENDING: tui_sort(t, v, SORT_TRENDING); break;
	case REQ_SORT_CREATED: tui_sort(t, v, SORT_CREATED); break;
	case REQ_SORT_COUNT: tui_sort(t, v, SORT_COUNT); break;
	case REQ_SORT_NAME: tui_sort(t, v, SORT_NAME); break;
	case REQ_SEARCH: {
		struct tui_search_ctx c = { v, v->sel };
		prompt_open(t, "Search: ", "", FILTER_SEARCH_MAX, tui_search_changed, tui_search_done, &c, sizeof c);
		break;
	}
	case REQ_FIND_NEXT:
	case REQ_FIND_PREV: {
		size_t before = v->sel;
		int fwd = r == REQ_FIND_NEXT;
		if (!t->search[0])
			tui_message(t, 0, "No search yet: press %s first", request_key_hint(REQ_SEARCH));
		else if (!tui_find(t, v, t->search, fwd ? v->sel + 1 : (v->sel ? v->sel - 1 : v->n - 1),
				   fwd ? 1 : -1))
			tui_message(t, 1, "No row matches '%s'", t->search);
		else if (v->sel == before)
			tui_message(t, 0, "'%s': the only match", t->search);
		else if (fwd ? v->sel < before : v->sel > before)
			/* As less and vim say it: the search went round the end. */
			tui_message(t, 0, "Search wrapped to the %s ('%s')", fwd ? "top" : "bottom", t->search);
		break;
	}
	case REQ_FILTER_TEXT:
		prompt_open(t, "Filter: ", t->filter.search, FILTER_SEARCH_MAX, tui_filter_changed,
			    tui_filter_text_done, &t->filter, sizeof t->filter);
		break;
	case REQ_PICK_COUNTRY: picker_open(t, PICKER_COUNTRY); break;
	case REQ_PICK_ORGTYPE: picker_open(t, PICKER_ORGTYPE); break;
	case REQ_PICK_GROUP: picker_open(t, PICKER_GROUP); break;
	case REQ_PICK_RELATION: picker_open(t, PICKER_RELATION); break;
	case REQ_PICK_LANGUAGE: picker_open(t, PICKER_LANGUAGE); break;
	case REQ_PICK_SIZE: picker_open(t, PICKER_SIZE); break;
	case REQ_FILTER_TASK: picker_open_term(t, "task"); break;
	case REQ_FILTER_LIBRARY: picker_open_term(t, "library"); break;
	case REQ_FILTER_LICENSE: picker_open_term(t, "license"); break;
	case REQ_FILTER_MINDL: tui_filter_prompt(t, "min-downloads", "Minimum downloads (empty: none): "); break;
	case REQ_FILTER_DATES: tui_filter_prompt(t, "created", "Created (2024..2025, 2024-03-01.., ..2023): "); break;
	case REQ_TOGGLE_WINDOW:
		f = t->filter;
		if (tui_next_window(t, &f))
			break;
		tui_set_filter(t, &f);
		if (f.window == WIN_PERIOD) {
			char wl[64];
			tui_message(t, 0, "Downloads: between the snapshots of %s (%s: next window)",
				    engine_window_label(t->s->eng, &f, wl, sizeof wl), request_key_hint(REQ_TOGGLE_WINDOW));
		} else if (f.window == WIN_ALL && !engine_has_alltime(t->s->eng, HT_MODELS))
			tui_message(t, 0, "Downloads: all time: n/a, the snapshot has no all-time counts "
				    "(%s: back to 30 days)", request_key_hint(REQ_TOGGLE_WINDOW));
		else
			tui_message(t, 0, "Downloads: %s", f.window == WIN_ALL ? "all time" : "last 30 days");
		break;
	case REQ_TOGGLE_OF:
		f = t->filter;
		f.of = f.of == OF_ATTRIBUTED ? OF_ALL : OF_ATTRIBUTED;
		tui_set_filter(t, &f);
		tui_message(t, 0, "Shares: %s", f.of == OF_ATTRIBUTED
			    ? "of attributed downloads (unknown country, group or type left out)"
			    : "of all downloads");
		break;
	case REQ_TOGGLE_LEVEL:
		f = t->filter;
		f.level = f.level == LEVEL_ACCOUNT ? LEVEL_ORG : LEVEL_ACCOUNT;
		tui_set_filter(t, &f);
		tui_message(t, 0, "Orgs: %s", f.level == LEVEL_ACCOUNT ? "single accounts"
					   : "organisations (all their accounts together)");
		break;
	case REQ_TOGGLE_ATTRIB: tui_focus_toggle(t); break;
	case REQ_TOGGLE_ITEMS:
		/* Every aggregate pane counts the same table; each re-opens on it
		 * when next shown. */
		t->items = t->items == HT_DATASETS ? HT_MODELS : HT_DATASETS;
		t->views[HT_PANE_conc].mode = t->items == HT_DATASETS;
		for (int p = 0; p < HT_PANE_COUNT; p++)
			t->views[p].gen = 0;
		tui_message(t, 0, "Regions, Orgs, Trends and Concentration: %s (%s: %s)",
			    t->items == HT_DATASETS ? "datasets" : "models", request_key_hint(REQ_TOGGLE_ITEMS),
			    t->items == HT_DATASETS ? "models" : "datasets");
		return VIEW_REOPEN;
	case REQ_UNDO:
		if (!t->n_undo) {
			tui_message(t, 0, "Nothing to undo");
		} else {
			t->filter = t->undo[--t->n_undo];
			t->gen++;
			tui_message(t, 0, "Filter change undone");
		}
		break;
	case REQ_CLEAR:
		filter_init(&f);
		f.window = t->filter.window;
		f.period_from = t->filter.period_from;
		f.period_to = t->filter.period_to;
		f.by = t->filter.by;
		f.level = t->filter.level;
		tui_set_filter(t, &f);
		tui_message(t, 0, "All filters cleared (%s: undo)", request_key_hint(REQ_UNDO));
		break;
	case REQ_EXPORT: tui_export(t, v); break;
	case REQ_PICK_COLUMNS: columns_open(t); break;
	case REQ_COPY_URL:
		/* The Models and Datasets panes: the selected item's id is their
		 * search text. */
		if (v->n && v->ops->text && v->key && (!strcmp(v->key, "models") || !strcmp(v->key, "datasets"))) {
			char id[HT_ID_MAX + 8], url[HT_ID_MAX + 64];
			snprintf(url, sizeof url, "https://huggingface.co/%s%s",
				 !strcmp(v->key, "datasets") ? "datasets/" : "", v->ops->text(t, v, v->sel, id, sizeof id));
			tui_copy(t, url);
		} else {
			tui_message(t, 0, "%s copies an item's Hub URL: on Models, Datasets or an item's detail",
				    request_key_hint(REQ_COPY_URL));
		}
		break;
	case REQ_REFRESH: tui_refresh_start(t); break;
	case REQ_REFRESH_CANCEL:
		if (tui_refresh_running())
			tui_refresh_cancel(t);
		break;
	case REQ_HELP: tui_open(t, &view_help_ops); break;
	case REQ_PROMPT:
		if (prompt_open(t, ":", "", 512, NULL, tui_command_done, NULL, 0) == 0)
			prompt_set_complete(t, tui_command_complete);
		break;
	case REQ_REDRAW: clearok(curscr, TRUE); break;
	case REQ_QUIT_BACK: return t->depth > 1 ? VIEW_POP : VIEW_QUIT;
	case REQ_QUIT: return VIEW_QUIT;
	default: break; /* a toggle no view of this pane has (g), or another context's */
	}
	return VIEW_DONE;
}

enum view_next tui_request(struct tui *t, enum request r)
{
	struct view *v = tui_top(t);
	enum view_next next = VIEW_PASS;
	if (v->ops->keys == REQ_CTX_PANE)
		tui_view_ready(t, v);
	/* Left and Right scroll a list whose columns do not fit; Left goes
	 * back, and Right drills down, once there is nothing to scroll. */
	if (v->ops->keys == REQ_CTX_PANE && !v->ops->draw && v->ops->n_cols) {
		if (r == REQ_ENTER && t->key == KEY_RIGHT && v->col_more) {
			v->col_off++;
			return VIEW_DONE;
		}
		if (r == REQ_BACK && t->key == KEY_LEFT && v->col_off > 0) {
			v->col_off--;
			return VIEW_DONE;
		}
	}
	if (v->ops->request)
		next = (enum view_next)v->ops->request(t, v, r);
	if (next == VIEW_PASS && v->ops->keys == REQ_CTX_PANE)
		next = tui_pane_request(t, v, r);
	return next;
}

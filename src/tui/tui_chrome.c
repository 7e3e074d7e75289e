/* tui_chrome.c - the screen around and under the views: layout, the
 * header's figures, the tab bar, the status line, the message line and its
 * key hints (from the request table), and the generic list that draws any
 * view with columns (see tui_kernel.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <curses.h>

#include "hubtop/draw.h"
#include "hubtop/tui_kernel.h"

struct tui_layout tui_layout(const struct tui *t)
{
	struct tui_layout l;
	l.figures = t->rows >= 16 ? 2 : t->rows >= 12 ? 1 : 0;
	l.tabs_y = l.figures;
	l.body_y = l.tabs_y + 1;
	l.status_y = t->rows - 2;
	l.msg_y = t->rows - 1;
	l.body_h = l.status_y - l.body_y;
	if (l.body_h < 0)
		l.body_h = 0;
	return l;
}

int tui_list_height(const struct tui *t)
{
	struct tui_layout l = tui_layout(t);
	return l.body_h > 2 ? l.body_h - 1 : 1;
}

static enum ht_kind tui_view_kind(const struct tui *t, const struct view *v)
{
	return v->ops->kind ? v->ops->kind(v) : t->items;
}

void tui_put(int y, int *x, int maxx, const char *s, enum draw_role r)
{
	int w = draw_width(s);
	if (*x >= maxx)
		return;
	if (w > maxx - *x)
		w = maxx - *x;
	draw_text(stdscr, y, *x, w, s, 0, r);
	*x += w;
}

static void tui_draw_figures(struct tui *t, const struct tui_layout *l)
{
	enum ht_kind k = tui_view_kind(t, tui_shown(t));
	struct eng_result *r = tui_result(t, k);
	char b1[32], b2[32], b3[32], b4[32], line[512];
	int x = 0;

	if (l->figures < 1 || !r)
		return;
	draw_clear_line(stdscr, 0, 0, DR_NORMAL);
	tui_put(0, &x, t->cols, k == HT_MODELS ? "Models " : "Datasets ", DR_FIGLABEL);
	snprintf(line, sizeof line, "%s", draw_thousands(r->count, b1, sizeof b1));
	tui_put(0, &x, t->cols, line, DR_FIGURES);
	if (t->filter.window == WIN_PERIOD) {
		/* Which two snapshots: the period's own dates. */
		char wl[64];
		snprintf(line, sizeof line, "  Downloads (%s) ", engine_window_label(t->s->eng, &t->filter, wl, sizeof wl));
		tui_put(0, &x, t->cols, line, DR_FIGLABEL);
	} else {
		tui_put(0, &x, t->cols, t->filter.window == WIN_ALL ? "  Downloads (all time) " : "  Downloads (30d) ",
			DR_FIGLABEL);
	}
	/* Unknown is n/a, never 0: no item with a count, no figure. */
	tui_put(0, &x, t->cols, r->count && !r->counted ? "n/a" : draw_human(r->downloads, b1, sizeof b1),
		DR_FIGURES);
	tui_put(0, &x, t->cols, "  Top-200 ", DR_FIGLABEL);
	tui_put(0, &x, t->cols, draw_percent(r->top_share[2], b2, sizeof b2), DR_FIGURES);
	if (r->partial) {
		/* Without the long tail, its share and the Gini are unknown. */
		tui_put(0, &x, t->cols, "  Long tail ", DR_FIGLABEL);
		snprintf(line, sizeof line, "n/a (partial snapshot: top %llu only)",
			 (unsigned long long)t->s->snap->meta.top_n);
		tui_put(0, &x, t->cols, line, DR_FIGURES);
	} else {
		tui_put(0, &x, t->cols, "  Under 200 dl ", DR_FIGLABEL);
		tui_put(0, &x, t->cols, draw_percent(r->under_share, b3, sizeof b3), DR_FIGURES);
		tui_put(0, &x, t->cols, "  Gini ", DR_FIGLABEL);
		if (isnan(r->gini))
			snprintf(b4, sizeof b4, "n/a");
		else
			snprintf(b4, sizeof b4, "%.3f", r->gini);
		tui_put(0, &x, t->cols, b4, DR_FIGURES);
	}
	if (r->na_reason) {
		snprintf(line, sizeof line, "  (%s)", r->na_reason);
		tui_put(0, &x, t->cols, line, DR_FIGLABEL);
	} else if (r->count > r->counted) {
		snprintf(line, sizeof line, "  %s without a download count",
			 draw_thousands(r->count - r->counted, b1, sizeof b1));
		tui_put(0, &x, t->cols, line, DR_FIGLABEL);
	}

	if (l->figures < 2)
		return;
	/* The leading countries and organisation types by downloads. */
	draw_clear_line(stdscr, 1, 0, DR_NORMAL);
	x = 0;
	if (r->partial) {
		/* Every share below, and in the panes, is of the top N alone. */
		snprintf(line, sizeof line, "Shares of the top %llu only: ",
			 (unsigned long long)t->s->snap->meta.top_n);
		tui_put(1, &x, t->cols, line, DR_FIGLABEL);
	}
	tui_put(1, &x, t->cols, "Countries ", DR_FIGLABEL);
	unsigned nc = country_count(), top[3] = { 0, 0, 0 };
	int ntop = 0;
	for (int pick = 0; pick < 3; pick++) {
		unsigned best = 0;
		int found = 0;
		for (unsigned i = 0; i < nc; i++) {
			int used = 0;
			for (int j = 0; j < pick; j++)
				used |= top[j] == i;
			if (used || !r->by_country[i].downloads)
				continue;
			if (!found || r->by_country[i].downloads > r->by_country[best].downloads) {
				best = i;
				found = 1;
			}
		}
		if (!found)
			break;
		top[ntop++] = best;
	}
	for (int i = 0; i < ntop; i++) {
		double sh = t->filter.of == OF_ATTRIBUTED
				    ? (top[i] == COUNTRY_UNKNOWN ? NAN
				       : engine_share(r->by_country[top[i]].downloads, r->attributed_downloads))
				    : engine_share(r->by_country[top[i]].downloads, r->downloads);
		snprintf(line, sizeof line, "%s %s  ", top[i] ? country_code(top[i]) : COUNTRY_UNKNOWN_KEY,
			 draw_percent(sh, b1, sizeof b1));
		tui_put(1, &x, t->cols, line, DR_FIGURES);
	}
	/* How much of the downloads has a country (under --of attributed the
	 * shares are of that part), and what a country filter leaves out. */
	snprintf(line, sizeof line, "attributed: %s of downloads%s ",
		 draw_percent(engine_attributed_share(r), b1, sizeof b1),
		 filter_any_country(&t->filter) && !filter_has_country(&t->filter, COUNTRY_UNKNOWN)
			 ? " (items without a country left out)" : "");
	tui_put(1, &x, t->cols, line, DR_FIGLABEL);
	tui_put(1, &x, t->cols, " Types ", DR_FIGLABEL);
	int used_t[OT_COUNT] = { 0 };
	for (int pick = 0; pick < 3; pick++) {
		int best = -1;
		for (int i = 0; i < OT_COUNT; i++)
			if (!used_t[i] && r->by_type[i].downloads &&
			    (best < 0 || r->by_type[i].downloads > r->by_type[best].downloads))
				best = i;
		if (best < 0)
			break;
		used_t[best] = 1;
		double sh = t->filter.of == OF_ATTRIBUTED
				    ? (best == OT_UNKNOWN_ORG ? NAN
				       : engine_share(r->by_type[best].downloads, r->attributed_type_downloads))
				    : engine_share(r->by_type[best].downloads, r->downloads);
		snprintf(line, sizeof line, "%s %s  ", orgdir_type_key((enum org_type)best),
			 draw_percent(sh, b1, sizeof b1));
		tui_put(1, &x, t->cols, line, DR_FIGURES);
	}
}

static void tui_draw_tabs(struct tui *t, const struct tui_layout *l)
{
	struct view *shown = tui_shown(t);
	char buf[64], state[64];
	int x = 0, titles = 0, digits = 0, fit, sw;
	/* Every tab must show, and the state at the right with them: the
	 * titles lose their padding, then shrink to three letters, before
	 * anything is cut. */
	for (unsigned i = 0; i < HT_PANE_COUNT; i++) {
		titles += draw_width(t->views[i].ops->title);
		digits += 1 + (t->views[i].tab >= 10);
	}
	snprintf(state, sizeof state, " %s%s %s %s%s ",
		 t->items == HT_DATASETS ? "datasets " : "",
		 t->filter.window == WIN_ALL ? "all-time" : t->filter.window == WIN_PERIOD ? "period" : "30d",
		 t->filter.by == ATTRIB_LINEAGE ? "lineage" : "uploader",
		 t->filter.level == LEVEL_ACCOUNT ? "accounts" : "orgs",
		 t->filter.of == OF_ATTRIBUTED ? " %attributed" : "");
	sw = draw_width(state);
	if (titles + digits + 3 * (int)HT_PANE_COUNT + sw <= t->cols)
		fit = 0;        /* " 1 Models " */
	else if (titles + digits + 2 * (int)HT_PANE_COUNT + sw <= t->cols)
		fit = 1;        /* "1 Models " */
	else
		fit = 2;        /* "1Mod " */
	draw_clear_line(stdscr, l->tabs_y, 0, DR_TAB);
	t->n_tabs = 0;
	for (unsigned i = 0; i < HT_PANE_COUNT; i++) {
		const struct view *v = &t->views[i];
		/* A pushed view (detail, help) keeps the tab it was opened from lit. */
		int active = v == shown || (!shown->tab && t->stack[0].v == v);
		if (fit == 2)
			snprintf(buf, sizeof buf, "%d%.3s ", v->tab, v->ops->title);
		else
			snprintf(buf, sizeof buf, "%s%d %s ", fit ? "" : " ", v->tab, v->ops->title);
		t->tab_x[t->n_tabs] = x;
		tui_put(l->tabs_y, &x, t->cols, buf, active ? DR_TAB_ACTIVE : DR_TAB);
		t->tab_w[t->n_tabs] = x - t->tab_x[t->n_tabs];
		t->n_tabs++;
	}
	if (x + sw <= t->cols)
		draw_text(stdscr, l->tabs_y, t->cols - sw, sw, state, 0, DR_TAB);
}

/* "data as of 2022-07-02 (4 years)": the date the data describes, and its
 * age in words that cannot be misread ("6 min", "5 months", never "6m"). */
static void tui_age(const struct ht_meta *m, char *buf, size_t len)
{
	int64_t d = (int64_t)time(NULL) - m->as_of;
	char date[32], age[32];
	if (m->as_of <= 0) {
		snprintf(buf, len, "data as of: unknown");
		return;
	}
	draw_date(m->as_of, date, sizeof date);
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(age, sizeof age, "%lld s", (long long)d);
	else if (d < 7200)
		snprintf(age, sizeof age, "%lld min", (long long)d / 60);
	else if (d < 172800)
		snprintf(age, sizeof age, "%lld hours", (long long)d / 3600);
	else if (d < 61 * 86400LL)
		snprintf(age, sizeof age, "%lld days", (long long)d / 86400);
	else if (d < 730 * 86400LL)
		snprintf(age, sizeof age, "%lld months", (long long)(d / (86400LL * 30)));
	else
		snprintf(age, sizeof age, "%lld years", (long long)(d / (86400LL * 365)));
	snprintf(buf, len, "data as of %s%s (%s)", date, m->as_of_inferred ? ", inferred" : "", age);
}

static void tui_draw_status(struct tui *t, const struct tui_layout *l)
{
	const struct ht_snapshot *snap = t->s->snap;
	struct view *v = tui_shown(t);
	char buf[1024], age[96], pos[64];
	int x = 0;

	if (l->status_y < 0)
		return;
	draw_clear_line(stdscr, l->status_y, 0, DR_STATUS);
	if (snap->meta.demo || t->s->demo_fallback)
		tui_put(l->status_y, &x, t->cols, " DEMO DATA ", DR_DEMO);

	if (tui_refresh_running()) {
		tui_refresh_status(t, l->status_y, &x);
		return;
	}
	tui_focus_status(t, l->status_y, &x);

	char args[900], when[128], date[32];
	if (v->n)
		snprintf(pos, sizeof pos, " %zu/%zu ", v->sel + 1, v->n);
	else
		snprintf(pos, sizeof pos, " 0/0 ");
	int pw = draw_width(pos);

	filter_to_args(&t->filter, args, sizeof args);
	snprintf(buf, sizeof buf, "| %s", filter_active(&t->filter) || args[0] ? args : "no filter");
	/* The filter is what a user pastes after `hubtop export`: when both do
	 * not fit, the data's date gives up its age and words, then its place
	 * (`hubtop info` still says it). */
	tui_age(&snap->meta, age, sizeof age);
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 2)
			age[0] = '\0';
		else if (pass == 1 && snap->meta.as_of > 0)
			snprintf(age, sizeof age, "as of %s", draw_date(snap->meta.as_of, date, sizeof date));
		if (!age[0] && snap->meta.complete)
			snprintf(when, sizeof when, " ");
		else if (snap->meta.complete)
			snprintf(when, sizeof when, " %s ", age);
		else
			snprintf(when, sizeof when, " %s%stop %llu ", age, age[0] ? ", " : "",
				 (unsigned long long)snap->meta.top_n);
		if (x + draw_width(when) + draw_width(buf) + pw <= t->cols)
			break;
	}
	tui_put(l->status_y, &x, t->cols, when, DR_STATUS);
	int room = t->cols - x - pw;
	if (room > 2)
		draw_text(stdscr, l->status_y, x, room, buf, 0, DR_STATUS);
	if (t->cols - pw >= 0)
		draw_text(stdscr, l->status_y, t->cols - pw, pw, pos, 0, DR_STATUS);
}

static void tui_draw_message(struct tui *t, const struct tui_layout *l)
{
	static const struct request_hint hints[] = {
		{ REQ_HELP, "help" }, { REQ_PANE_NEXT, "panes" }, { REQ_SEARCH, "search" },
		{ REQ_FILTER_TEXT, "filter" }, { REQ_PICK_COUNTRY, "countries" },
		{ REQ_PICK_ORGTYPE, "types" }, { REQ_EXPORT, "export" }, { REQ_QUIT_BACK, "quit" },
	};
	char buf[256];
	enum draw_role role = t->msg_err ? DR_ERROR : DR_MESSAGE;
	draw_clear_line(stdscr, l->msg_y, 0, DR_NORMAL);
	if (t->msg[0] && draw_width(t->msg) > t->cols && l->status_y - 1 > l->tabs_y) {
		/* Too long for one line: it takes the list's last line too (the
		 * status line stays), cut at the last space that fits, rather
		 * than lose its end. */
		char first[sizeof t->msg];
		size_t cut = 0, len = strlen(t->msg);
		for (size_t i = 1; i < len; i++) {
			if (t->msg[i] != ' ')
				continue;
			snprintf(first, sizeof first, "%.*s", (int)i, t->msg);
			if (draw_width(first) > t->cols)
				break;
			cut = i;
		}
		if (!cut)
			cut = len / 2;
		snprintf(first, sizeof first, "%.*s", (int)cut, t->msg);
		draw_clear_line(stdscr, l->status_y - 1, 0, DR_NORMAL);
		draw_text(stdscr, l->status_y - 1, 0, t->cols, first, 0, role);
		draw_text(stdscr, l->msg_y, 0, t->cols, t->msg + cut + (t->msg[cut] == ' '), 0, role);
	} else if (t->msg[0])
		draw_text(stdscr, l->msg_y, 0, t->cols, t->msg, 0, role);
	else if (t->cols >= 40)
		draw_text(stdscr, l->msg_y, 0, t->cols,
			  request_hints(buf, sizeof buf, hints, sizeof hints / sizeof hints[0], ":"), 0, DR_DIM);
}

/* ---- the generic list ------------------------------------------------------ */

void view_draw_nothing(int y, int w)
{
	char buf[128];
	snprintf(buf, sizeof buf, "Nothing matches the filters (%s: undo, %s: clear all)",
		 request_key_hint(REQ_UNDO), request_key_hint(REQ_CLEAR));
	draw_text(stdscr, y, 1, w - 1, buf, 0, DR_DIM);
}

static void tui_list_layout(const struct view_ops *o, uint32_t hidden, int width, int sort, int *off, int *more,
			    int *xs, int *ws)
{
	unsigned n = o->n_cols < 16 ? o->n_cols : 16, nv = 0;
	int shown[16], vis[16], total = 0, flex = -1, fpos = -1;
	for (unsigned i = 0; i < n; i++) {
		if (o->cols[i].flex && flex < 0)
			flex = (int)i;
		/* Hidden by choice (columns.PANE, the chooser), unless the list
		 * is sorted by it or it identifies the rows. */
		shown[i] = !((hidden >> i) & 1u) || view_col_fixed(o, i) ||
			   (o->cols[i].sort >= 0 && o->cols[i].sort == sort);
		if (!shown[i])
			continue;
		if ((int)i == flex)
			fpos = (int)nv;
		total += o->cols[i].width + (nv ? 1 : 0);
		vis[nv++] = (int)i;
	}
	if (*off > 0 && total <= width)
		*off = 0; /* all fit now: nothing to scroll */
	if (*off > 0 && fpos >= 0 && (unsigned)fpos + 1 < nv) {
		/* Scrolled sideways: the columns up to the flexible one (rank,
		 * id) stay; of the rest shown, the first *off are skipped and
		 * the next ones follow in order while they fit. */
		int last = -1, stop = 0;
		if (*off > (int)nv - fpos - 2)
			*off = (int)nv - fpos - 2;
		total = 0;
		for (unsigned p = 0; p < nv; p++) {
			int i = vis[p], w = o->cols[i].width + (p ? 1 : 0);
			shown[i] = (int)p <= fpos || (!stop && (int)p > fpos + *off && total + w <= width);
			stop |= (int)p > fpos + *off && !shown[i];
			if (shown[i]) {
				total += w;
				last = (int)p;
			}
		}
		*more = last < (int)nv - 1;
	} else {
		*off = 0;
		*more = 0;
	}
	/* Drop the least important columns until the rest fit, never the one
	 * the list is sorted by: an order must come with the values it follows. */
	while (!*off && total > width) {
		int drop = -1;
		for (unsigned i = 0; i < n; i++)
			if (shown[i] && (int)i != flex && o->cols[i].prio > 0 &&
			    !(o->cols[i].sort >= 0 && o->cols[i].sort == sort) &&
			    (drop < 0 || o->cols[i].prio < o->cols[drop].prio))
				drop = (int)i;
		if (drop < 0)
			break;
		shown[drop] = 0;
		total -= o->cols[drop].width + 1;
		*more = 1;
	}
	int x = 0;
	for (unsigned i = 0; i < n; i++) {
		int w = shown[i] ? o->cols[i].width : 0;
		if ((int)i == flex && shown[i])
			w += width > total ? width - total : 0;
		if (shown[i] && x + w > width)
			w = width - x > 0 ? width - x : 0;
		xs[i] = x;
		ws[i] = w;
		if (w)
			x += w + 1;
	}
}

/* The room the flexible column got beyond its minimum is shared, a cell at
 * a time, among the text columns whose values on screen are cut (the flexible
 * one among them), so a wide terminal shows whole names, not only whole ids;
 * what nobody needs goes back to the flexible column. */
static void tui_list_widen(struct tui *t, struct view *v, int rows, int *xs, int *ws)
{
	const struct view_ops *o = v->ops;
	unsigned n = o->n_cols < 16 ? o->n_cols : 16;
	int need[16] = { 0 }, flex = -1, extra, x = 0;
	char buf[1024];
	double bar;

	for (unsigned c = 0; c < n; c++)
		if (o->cols[c].flex && ws[c] && flex < 0)
			flex = (int)c;
	if (flex < 0 || (extra = ws[flex] - o->cols[flex].width) <= 0 || !o->cell)
		return;
	for (unsigned c = 0; c < n; c++) {
		if (!ws[c] || o->cols[c].bar || o->cols[c].right)
			continue;
		for (int i = 0; i < rows && v->top + (size_t)i < v->n; i++) {
			buf[0] = '\0';
			o->cell(t, v, v->top + (size_t)i, c, buf, sizeof buf, &bar);
			int w = draw_width(buf);
			if (w > need[c])
				need[c] = w;
		}
	}
	ws[flex] = o->cols[flex].width;
	for (int given = 1; extra > 0 && given;) {
		given = 0;
		for (unsigned c = 0; c < n && extra > 0; c++)
			if (ws[c] && need[c] > ws[c] && !o->cols[c].bar && !o->cols[c].right) {
				ws[c]++;
				extra--;
				given = 1;
			}
	}
	ws[flex] += extra;
	for (unsigned c = 0; c < n; c++) {
		xs[c] = x;
		if (ws[c])
			x += ws[c] + 1;
	}
}

/* The search's match inside a cell drawn at x, in the mark role, when it
 * is on screen whole (not in the part an ellipsis cut off). */
static void tui_list_mark(int y, int x, int w, const char *cell, const char *search)
{
	char pre[1024], hit[256], needle[256];
	const char *m = NULL;
	size_t n = 0;
	/* "a|b": the first term found in the cell. */
	while (*search && !m) {
		n = strcspn(search, "|");
		snprintf(needle, sizeof needle, "%.*s", (int)n, search);
		m = needle[0] ? strcasestr(cell, needle) : NULL;
		search += n + (search[n] == '|');
	}
	if (!m || n >= sizeof hit || (size_t)(m - cell) >= sizeof pre)
		return;
	snprintf(pre, sizeof pre, "%.*s", (int)(m - cell), cell);
	snprintf(hit, sizeof hit, "%.*s", (int)n, m);
	int px = draw_width(pre), hw = draw_width(hit);
	/* A cell wider than its column ends in an ellipsis: its last column
	 * is not the text's. */
	int room = draw_width(cell) > w ? w - 1 : w;
	if (px + hw <= room)
		draw_text(stdscr, y, x + px, hw, hit, 0, DR_MARK);
}

static void tui_list_draw(struct tui *t, struct view *v, int y, int h, int width)
{
	const struct view_ops *o = v->ops;
	int xs[16], ws[16];
	char buf[1024];
	unsigned n = o->n_cols < 16 ? o->n_cols : 16;

	if (h < 1)
		return;
	tui_list_layout(o, v->col_hidden, width, v->sort, &v->col_off, &v->col_more, xs, ws);
	tui_list_widen(t, v, h - 1, xs, ws);
	memcpy(v->col_x, xs, sizeof xs);
	memcpy(v->col_w, ws, sizeof ws);
	v->list_y = y;
	draw_clear_line(stdscr, y, 0, DR_COLHDR);
	for (unsigned c = 0; c < n; c++) {
		if (!ws[c])
			continue;
		int sorted = o->cols[c].sort >= 0 && o->cols[c].sort == v->sort;
		const char *arrow = !sorted ? "" : draw_utf8 ? (v->desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2")
							      : (v->desc ? "v" : "^");
		const char *title = o->cols[c].title;
		/* The aggregate panes count what t->items says. */
		if (!o->kind && t->items == HT_DATASETS)
			title = !strcmp(title, "Models") ? "Datasets" : !strcmp(title, "Of models") ? "Of datasets" : title;
		snprintf(buf, sizeof buf, "%s%s", title, arrow);
		if (sorted && ws[c] > 1 && draw_width(buf) > ws[c]) {
			/* Too narrow: the title gives way, the arrow stays. */
			draw_text(stdscr, y, xs[c], ws[c] - 1, title, 0, DR_COLHDR_SORT);
			draw_text(stdscr, y, xs[c] + ws[c] - 1, 1, arrow, 0, DR_COLHDR_SORT);
		} else {
			draw_text(stdscr, y, xs[c], ws[c], buf, o->cols[c].right, sorted ? DR_COLHDR_SORT : DR_COLHDR);
		}
	}
	int rows = h - 1;
	if (rows < 1)
		return;
	list_scroll(&v->list, (size_t)rows);
	for (int i = 0; i < rows; i++) {
		size_t row = v->top + (size_t)i;
		int ly = y + 1 + i;
		int selected = row == v->sel && row < v->n;
		draw_clear_line(stdscr, ly, 0, selected ? DR_SELECTED : DR_NORMAL);
		if (row >= v->n)
			continue;
		for (unsigned c = 0; c < n; c++) {
			double bar = 0;
			if (!ws[c])
				continue;
			buf[0] = '\0';
			o->cell(t, v, row, c, buf, sizeof buf, &bar);
			if (o->cols[c].bar)
				draw_bar(stdscr, ly, xs[c], ws[c], bar, selected ? DR_SELECTED : DR_BAR);
			else
				draw_text(stdscr, ly, xs[c], ws[c], buf, o->cols[c].right,
					  selected ? DR_SELECTED : DR_NORMAL);
			if (t->search[0] && !o->cols[c].bar && !o->cols[c].right)
				tui_list_mark(ly, xs[c], ws[c], buf, t->search);
		}
	}
	if (!v->n && rows > 0)
		view_draw_nothing(y + 1, width);
}

/* ---- painting ---------------------------------------------------------------- */

void tui_paint(struct tui *t)
{
	struct tui_layout l = tui_layout(t);
	struct view *v = tui_shown(t);

	if (t->filter.level == LEVEL_ORG && t->rows >= 3 && t->cols >= 10 &&
	    !engine_mode_ready(t->s->eng, t->filter.by)) {
		/* The attribution key's first answer builds that mode's
		 * organisation view (0.1-0.2 s on 2M models): said first. */
		char keep[sizeof t->msg];
		int keep_err = t->msg_err;
		memcpy(keep, t->msg, sizeof keep);
		snprintf(t->msg, sizeof t->msg, "Building the %s attribution's organisation view...",
			 t->filter.by == ATTRIB_LINEAGE ? "lineage" : "uploader");
		t->msg_err = 0;
		tui_draw_message(t, &l);
		wnoutrefresh(stdscr);
		doupdate();
		tui_trace("building", t->filter.by);
		memcpy(t->msg, keep, sizeof keep);
		t->msg_err = keep_err;
	}
	tui_view_ready(t, v);
	wattrset(stdscr, draw_attr(DR_NORMAL));
	erase();
	t->cursor_y = t->cursor_x = -1;
	if (t->rows < 3 || t->cols < 10) {
		mvaddstr(0, 0, "too small");
		return;
	}
	tui_draw_figures(t, &l);
	tui_draw_tabs(t, &l);
	if (v->ops->draw)
		v->ops->draw(t, v, l.body_y, l.body_h, t->cols);
	else
		tui_list_draw(t, v, l.body_y, l.body_h, t->cols);
	tui_draw_status(t, &l);
	tui_draw_message(t, &l);
	tui_view_mark(t, v);
	/* The views pushed over it, bottom up: a picker, then a prompt... */
	unsigned base = t->depth;
	while (base > 1 && t->stack[base - 1].v->ops->overlay)
		base--;
	for (unsigned i = base; i < t->depth; i++)
		t->stack[i].v->ops->draw(t, t->stack[i].v, l.body_y, l.body_h, t->cols);
}

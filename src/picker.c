/* picker.c - multi-select pickers for countries, country groups and
 * organisation types.  Each entry shows its share of downloads under the
 * other filters (the picker's own key left out, so the shares do not
 * change while choosing); type-ahead jumps, '*' selects all, '-' none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

struct picker_entry {
	char key[16];
	char label[64];
	uint64_t count, downloads;
	double share;
	unsigned idx;
	int on;
};

static int picker_cmp(const void *a, const void *b)
{
	const struct picker_entry *x = a, *y = b;
	if (x->downloads != y->downloads)
		return x->downloads > y->downloads ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int picker_match(const struct picker_entry *e, const char *typed, int prefix)
{
	size_t n = strlen(typed);
	if (prefix)
		return strncasecmp(e->key, typed, n) == 0 || strncasecmp(e->label, typed, n) == 0;
	return strcasestr(e->key, typed) || strcasestr(e->label, typed);
}

static void picker_paint(struct tui *t, const char *title, struct picker_entry *e, size_t n, size_t sel,
			 size_t *top, const char *typed)
{
	char buf[512], b1[32], b2[32];
	int w = t->cols - 4 < 64 ? t->cols - 4 : 64;
	int h = t->rows - 6 < (int)n + 4 ? t->rows - 6 : (int)n + 4;
	int x0 = (t->cols - w) / 2, y0 = (t->rows - h) / 2;
	int rows = h - 4;

	if (w < 16 || h < 5) {
		/* Too small for a box: one line per selected entry would not fit
		 * either; show the entry under the cursor on the message line. */
		snprintf(buf, sizeof buf, "%s [%c] %s %s", title, e[sel].on ? 'x' : ' ', e[sel].key,
			 draw_percent(e[sel].share, b1, sizeof b1));
		draw_clear_line(stdscr, t->rows - 1, 0, DR_PROMPT);
		draw_text(stdscr, t->rows - 1, 0, t->cols, buf, 0, DR_PROMPT);
		return;
	}
	if (sel < *top)
		*top = sel;
	if (sel >= *top + (size_t)rows)
		*top = sel - (size_t)rows + 1;
	for (int i = 0; i < h; i++)
		draw_text(stdscr, y0 + i, x0, w, "", 0, DR_NORMAL);
	/* A frame, when there is room, so the box stands out from the list. */
	if (x0 >= 1 && y0 >= 1 && x0 + w < t->cols && y0 + h < t->rows) {
		const char *hz = draw_utf8 ? "\xe2\x94\x80" : "-", *vt = draw_utf8 ? "\xe2\x94\x82" : "|";
		const char *c[4] = { draw_utf8 ? "\xe2\x94\x8c" : "+", draw_utf8 ? "\xe2\x94\x90" : "+",
				     draw_utf8 ? "\xe2\x94\x94" : "+", draw_utf8 ? "\xe2\x94\x98" : "+" };
		for (int i = 0; i < w; i++) {
			draw_text(stdscr, y0 - 1, x0 + i, 1, hz, 0, DR_DIM);
			draw_text(stdscr, y0 + h, x0 + i, 1, hz, 0, DR_DIM);
		}
		for (int i = 0; i < h; i++) {
			draw_text(stdscr, y0 + i, x0 - 1, 1, vt, 0, DR_DIM);
			draw_text(stdscr, y0 + i, x0 + w, 1, vt, 0, DR_DIM);
		}
		draw_text(stdscr, y0 - 1, x0 - 1, 1, c[0], 0, DR_DIM);
		draw_text(stdscr, y0 - 1, x0 + w, 1, c[1], 0, DR_DIM);
		draw_text(stdscr, y0 + h, x0 - 1, 1, c[2], 0, DR_DIM);
		draw_text(stdscr, y0 + h, x0 + w, 1, c[3], 0, DR_DIM);
	}
	size_t non = 0;
	for (size_t i = 0; i < n; i++)
		non += e[i].on != 0;
	snprintf(buf, sizeof buf, " %s: %zu of %zu chosen%s ", title, non, n, non ? "" : " (none = any)");
	draw_text(stdscr, y0, x0, w, buf, 0, DR_COLHDR);
	int bar_w = w - 40 > 12 ? 12 : w - 40;
	int kw = 2;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(e[i].key) > kw)
			kw = (int)strlen(e[i].key);
	for (int i = 0; i < rows; i++) {
		size_t k = *top + (size_t)i;
		int ly = y0 + 1 + i;
		if (k >= n)
			break;
		enum draw_role role = k == sel ? DR_SELECTED : DR_NORMAL;
		snprintf(buf, sizeof buf, " [%s] %-*s %s", e[k].on ? (draw_utf8 ? "\xe2\x9c\x93" : "x") : " ", kw,
			 e[k].key, e[k].label);
		int lw = w - 16 - (bar_w > 0 ? bar_w + 1 : 0);
		draw_text(stdscr, ly, x0, lw, buf, 0, e[k].on && k != sel ? DR_MARK : role);
		snprintf(buf, sizeof buf, "%6s %7s ", draw_percent(e[k].share, b1, sizeof b1),
			 draw_human(e[k].count, b2, sizeof b2));
		draw_text(stdscr, ly, x0 + lw, 15, buf, 1, role);
		if (bar_w > 0)
			draw_bar(stdscr, ly, x0 + lw + 16, bar_w, e[k].share, k == sel ? DR_SELECTED : DR_BAR);
	}
	draw_text(stdscr, y0 + h - 3, x0, w, " share of downloads, models", 0, DR_DIM);
	snprintf(buf, sizeof buf, " Find: %s", typed);
	draw_text(stdscr, y0 + h - 2, x0, w, typed[0] ? buf : " Type to find", 0, DR_PROMPT);
	draw_text(stdscr, y0 + h - 1, x0, w, " Space toggle  * all  - none  Enter apply  Esc cancel", 0, DR_STATUS);
}

/* Runs the picker; 1 when the user applied the choice. */
static int picker_run(struct tui *t, const char *title, struct picker_entry *e, size_t n)
{
	size_t sel = 0, top = 0;
	char typed[64] = "";
	if (!n)
		return 0;
	for (;;) {
		tui_draw(t);
		picker_paint(t, title, e, n, sel, &top, typed);
		wnoutrefresh(stdscr);
		doupdate();
		wint_t ch;
		int rc = get_wch(&ch);
		if (rc == ERR)
			continue;
		if (rc == KEY_CODE_YES) {
			switch (ch) {
			case KEY_RESIZE: getmaxyx(stdscr, t->rows, t->cols); break;
			case KEY_UP: if (sel) sel--; break;
			case KEY_DOWN: if (sel + 1 < n) sel++; break;
			case KEY_PPAGE: sel = sel > 10 ? sel - 10 : 0; break;
			case KEY_NPAGE: sel = sel + 10 < n ? sel + 10 : n - 1; break;
			case KEY_HOME: sel = 0; break;
			case KEY_END: sel = n - 1; break;
			case KEY_BACKSPACE:
				if (typed[0])
					typed[strlen(typed) - 1] = '\0';
				break;
			case KEY_ENTER: return 1;
			default: break;
			}
			continue;
		}
		switch (ch) {
		case 27: return 0;
		case '\n': case '\r': return 1;
		case ' ': e[sel].on = !e[sel].on; typed[0] = '\0'; break;
		case '*': for (size_t i = 0; i < n; i++) e[i].on = 1; break;
		case '-': for (size_t i = 0; i < n; i++) e[i].on = 0; break;
		case 127: case 8:
			if (typed[0])
				typed[strlen(typed) - 1] = '\0';
			break;
		case 0x15: typed[0] = '\0'; break;
		default:
			if (ch > 0x20 && ch < 0x7f && strlen(typed) + 1 < sizeof typed) {
				size_t l = strlen(typed);
				typed[l] = (char)ch;
				typed[l + 1] = '\0';
				/* Prefix matches first, then anywhere in the name. */
				for (int pass = 1; pass >= 0; pass--) {
					size_t i;
					for (i = 0; i < n; i++)
						if (picker_match(&e[i], typed, pass))
							break;
					if (i < n) {
						sel = i;
						break;
					}
				}
			}
			break;
		}
	}
}

static struct eng_result *picker_base(struct tui *t, struct filter *f)
{
	return engine_apply(t->s->eng, f, HT_MODELS);
}

static size_t picker_selected(const struct picker_entry *e, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += e[i].on != 0;
	return k;
}

void picker_country(struct tui *t)
{
	struct filter f = t->filter;
	unsigned nc = country_count();
	struct picker_entry *e = calloc(nc, sizeof *e);
	size_t n = 0;
	if (!e) {
		tui_message(t, 1, "Out of memory");
		return;
	}
	memset(f.countries, 0, sizeof f.countries);
	struct eng_result *r = picker_base(t, &f);
	if (!r) {
		free(e);
		tui_message(t, 1, "The engine could not compute the country shares");
		return;
	}
	for (unsigned i = 0; i < nc; i++) {
		int on = filter_has_country(&t->filter, i);
		if (!r->by_country[i].count && !on)
			continue;
		snprintf(e[n].key, sizeof e[n].key, "%s", i ? country_code(i) : "??");
		snprintf(e[n].label, sizeof e[n].label, "%s", country_name(i));
		e[n].count = r->by_country[i].count;
		e[n].downloads = r->by_country[i].downloads;
		e[n].share = r->downloads ? (double)e[n].downloads / (double)r->downloads : 0;
		e[n].idx = i;
		e[n].on = on;
		n++;
	}
	engine_result_free(r);
	qsort(e, n, sizeof *e, picker_cmp);
	if (picker_run(t, "Countries", e, n)) {
		f = t->filter;
		memset(f.countries, 0, sizeof f.countries);
		size_t k = picker_selected(e, n);
		if (k < n)
			for (size_t i = 0; i < n; i++)
				if (e[i].on)
					filter_toggle_country(&f, e[i].idx);
		tui_set_filter(t, &f);
		tui_message(t, 0, k == 0 || k == n ? "Countries: any" : "Countries: %zu chosen", k);
	}
	free(e);
}

void picker_orgtype(struct tui *t)
{
	struct filter f = t->filter;
	struct picker_entry e[OT_COUNT];
	size_t n = 0;
	memset(e, 0, sizeof e);
	f.types = 0;
	struct eng_result *r = picker_base(t, &f);
	if (!r) {
		tui_message(t, 1, "The engine could not compute the type shares");
		return;
	}
	for (unsigned i = 0; i < OT_COUNT; i++) {
		snprintf(e[n].key, sizeof e[n].key, "%.15s", orgdir_type_key((enum org_type)i));
		e[n].label[0] = '\0';   /* the key says it all */
		e[n].count = r->by_type[i].count;
		e[n].downloads = r->by_type[i].downloads;
		e[n].share = r->downloads ? (double)e[n].downloads / (double)r->downloads : 0;
		e[n].idx = i;
		e[n].on = (t->filter.types >> i) & 1u;
		n++;
	}
	engine_result_free(r);
	qsort(e, n, sizeof *e, picker_cmp);
	if (picker_run(t, "Organisation types", e, n)) {
		f = t->filter;
		f.types = 0;
		size_t k = picker_selected(e, n);
		if (k < n)
			for (size_t i = 0; i < n; i++)
				if (e[i].on)
					f.types |= 1u << e[i].idx;
		tui_set_filter(t, &f);
		tui_message(t, 0, k == 0 || k == n ? "Organisation types: any" : "Organisation types: %zu chosen", k);
	}
}

void picker_group(struct tui *t)
{
	struct filter f = t->filter;
	struct picker_entry e[CG_COUNT];
	size_t n = 0;
	memset(e, 0, sizeof e);
	f.groups = 0;
	struct eng_result *r = picker_base(t, &f);
	if (!r) {
		tui_message(t, 1, "The engine could not compute the group shares");
		return;
	}
	for (unsigned i = 0; i < CG_COUNT; i++) {
		snprintf(e[n].key, sizeof e[n].key, "%.15s", country_group_key((enum country_group)i));
		snprintf(e[n].label, sizeof e[n].label, "%s", country_group_name((enum country_group)i));
		e[n].count = r->by_group[i].count;
		e[n].downloads = r->by_group[i].downloads;
		e[n].share = r->downloads ? (double)e[n].downloads / (double)r->downloads : 0;
		e[n].idx = i;
		e[n].on = (t->filter.groups >> i) & 1u;
		n++;
	}
	engine_result_free(r);
	qsort(e, n, sizeof *e, picker_cmp);
	if (picker_run(t, "Country groups", e, n)) {
		f = t->filter;
		f.groups = 0;
		size_t k = picker_selected(e, n);
		if (k < n)
			for (size_t i = 0; i < n; i++)
				if (e[i].on)
					f.groups |= 1u << e[i].idx;
		tui_set_filter(t, &f);
		tui_message(t, 0, k == 0 || k == n ? "Country groups: any" : "Country groups: %zu chosen", k);
	}
}

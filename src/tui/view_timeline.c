/* view_timeline.c - the Timeline pane: shares of downloads by organisation
 * type, country group or country at each snapshot of the history (calendar
 * time, timeline.h), one stacked bar a snapshot, oldest first.  Not the
 * Trends pane, which splits one snapshot by year of creation.  'S' cycles
 * the breakdown; Enter opens the Regions pane; e exports the series. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hubtop/draw.h"
#include "hubtop/store.h"
#include "hubtop/timeline.h"
#include "hubtop/view.h"

#define TL_MODES 3
#define TL_SHOWN 7 /* categories drawn, the most downloaded first; countries: 6 and the rest */
static const enum timeline_dim tl_dims[TL_MODES] = { TL_TYPE, TL_GROUP, TL_COUNTRY };
static const char *const tl_titles[TL_MODES] = { "org type", "country group", "country" };

struct tl_priv {
	struct timeline tl;
	uint64_t gen;           /* results generation the series was made for */
	int made, failed;
	unsigned cats[TL_SHOWN];
	unsigned ncats;         /* categories drawn */
	int other;              /* the last drawn is the rest (countries) */
	char err[512];
};

static enum timeline_dim tl_dim(const struct view *v) { return tl_dims[v->mode % TL_MODES]; }

/* The categories drawn: the most downloaded over the points computed so far. */
static void tl_cats(struct view *v)
{
	struct tl_priv *p = v->priv;

	v->n = p->failed ? 0 : p->tl.n;
	p->other = tl_dim(v) == TL_COUNTRY;
	p->ncats = timeline_top(&p->tl, tl_dim(v), p->cats, p->other ? TL_SHOWN - 1 : TL_SHOWN);
	if (p->other)
		p->ncats++;
	if (v->sel >= v->n && v->n)
		v->sel = v->n - 1;
}

/* The series is begun here and computed in idle time (tl_idle), one piece
 * at a time, so that a filter change never waits for every snapshot. */
static void tl_open(struct tui *t, struct view *v)
{
	struct tl_priv *p = v->priv;

	if (!p)
		return;
	if (!p->made || p->gen != t->gen) {
		timeline_free(&p->tl);
		p->made = 1;
		p->gen = t->gen;
		p->failed = timeline_begin(t->s, &t->filter, HT_MODELS, &p->tl, p->err, sizeof p->err) != 0;
	}
	tl_cats(v);
}

static int tl_idle(struct tui *t, struct view *v)
{
	struct tl_priv *p = v->priv;
	int rc;

	if (!p || !p->made || p->failed || p->gen != t->gen || p->tl.ready >= p->tl.n)
		return 0;
	rc = timeline_step(t->s, &p->tl, p->err, sizeof p->err);
	if (rc < 0) {
		timeline_free(&p->tl);
		p->failed = 1;
	}
	tl_cats(v);
	return rc;
}

static void tl_done(struct view *v)
{
	struct tl_priv *p = v->priv;
	if (p)
		timeline_free(&p->tl);
}

/* Downloads of drawn category i at point k (countries: the last is the rest). */
static uint64_t tl_value(const struct view *v, const struct timeline_point *pt, unsigned i)
{
	const struct tl_priv *p = v->priv;
	enum timeline_dim d = tl_dim(v);

	if (pt->failed || pt->pending)
		return 0;
	if (p->other && i + 1 == p->ncats) {
		uint64_t shown = 0;
		for (unsigned j = 0; j + 1 < p->ncats; j++)
			shown += pt->by_country[p->cats[j]];
		return pt->downloads > shown ? pt->downloads - shown : 0;
	}
	if (d == TL_TYPE)
		return pt->by_type[p->cats[i]];
	if (d == TL_GROUP)
		return pt->by_group[p->cats[i]];
	return pt->by_country[p->cats[i]];
}

static const char *tl_label(const struct view *v, unsigned i)
{
	const struct tl_priv *p = v->priv;
	enum timeline_dim d = tl_dim(v);

	if (p->other && i + 1 == p->ncats)
		return "other";
	return timeline_cat_key(d, p->cats[i]);
}

/* Segment character of drawn category i when there is no colour. */
static char tl_letter(const struct view *v, unsigned i)
{
	static const char types[] = "IANGCiU";
	static const char groups[] = "UCEOAW?";
	const struct tl_priv *p = v->priv;
	enum timeline_dim d = tl_dim(v);
	if (d == TL_COUNTRY)
		return p->other && i + 1 == p->ncats ? '.' : (char)('1' + i);
	return d == TL_TYPE ? types[p->cats[i] % 7] : groups[p->cats[i] % 7];
}

static void tl_draw(struct tui *t, struct view *v, int y, int h, int w)
{
	struct tl_priv *p = v->priv;
	const struct timeline *tl = &p->tl;
	char buf[512], b1[32], b2[64];
	int x;

	if (h < 1 || !p)
		return;
	draw_clear_line(stdscr, y, 0, DR_COLHDR);
	if (p->failed) {
		draw_text(stdscr, y, 0, w, p->err, 0, DR_COLHDR);
		return;
	}
	/* Which snapshots the series uses: the first line says it. */
	snprintf(b2, sizeof b2, ", computing %zu/%zu", tl->ready + 1, tl->n);
	snprintf(buf, sizeof buf, "%s shares by %s, %zu snapshot%s %s..%s%s%s (%s: next)",
		 t->filter.window == WIN_ALL ? "All-time" : "30-day", tl_titles[v->mode % TL_MODES],
		 tl->n, tl->n == 1 ? "" : "s", tl->n ? tl->p[0].date : "-", tl->n ? tl->p[tl->n - 1].date : "-",
		 tl->builtin_demo ? ", demo-derived" : "", tl->ready < tl->n ? b2 : "",
		 request_key_hint(REQ_TOGGLE_GROUPS));
	draw_text(stdscr, y, 0, w, buf, 0, DR_COLHDR);
	if (h < 2)
		return;
	draw_clear_line(stdscr, y + 1, 0, DR_NORMAL);
	x = 1;
	for (unsigned c = 0; c < p->ncats && x < w; c++) {
		char sw[8];
		snprintf(sw, sizeof sw, "%s", draw_color && draw_utf8 ? "\xe2\x96\x88" : (char[]){ tl_letter(v, c), 0 });
		snprintf(buf, sizeof buf, " %s  ", tl_label(v, c));
		int bw = draw_width(buf);
		if (x + 1 + bw > w)
			break;
		draw_text(stdscr, y + 1, x, 1, sw, 0, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
		draw_text(stdscr, y + 1, x + 1, bw, buf, 0, DR_NORMAL);
		x += 1 + bw;
	}
	int rows = h - 2 - (tl->note[0] ? 1 : 0);
	if (v->sel < v->top)
		v->top = v->sel;
	if (rows > 0 && v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	/* "2025-11-01 p 10.0M": date, mark (* open, p partial, ! unreadable), downloads. */
	int label_w = 19;
	int pct_w = w >= 60 + (int)p->ncats * 5 ? (int)p->ncats * 5 : w >= 80 ? 3 * 5 : 0;
	unsigned pct_n = (unsigned)pct_w / 5;
	int bar_w = w - label_w - pct_w - 2;
	if (bar_w < 4) {
		bar_w = w - 12;
		label_w = 10;
		pct_w = 0;
		pct_n = 0;
	}
	for (int i = 0; i < rows; i++) {
		size_t row = v->top + (size_t)i;
		int ly = y + 2 + i;
		draw_clear_line(stdscr, ly, 0, DR_NORMAL);
		if (row >= v->n)
			continue;
		const struct timeline_point *pt = &tl->p[row];
		uint64_t total = 0;
		for (unsigned c = 0; c < p->ncats; c++)
			total += tl_value(v, pt, c);
		snprintf(buf, sizeof buf, "%-10s %c %6s", pt->date,
			 pt->failed ? '!' : pt->current ? '*' : !pt->complete ? 'p' : ' ',
			 pt->failed || pt->pending ? "n/a" : draw_human(pt->downloads, b1, sizeof b1));
		draw_text(stdscr, ly, 0, label_w, buf, 0, row == v->sel ? DR_SELECTED : DR_NORMAL);
		if (pt->pending) {
			draw_text(stdscr, ly, label_w + 1, w - label_w - 1, "computing...", 0, DR_NORMAL);
			continue;
		}
		{
			uint64_t vals[32];
			char letters[33];
			unsigned n = p->ncats < 32 ? p->ncats : 32;
			for (unsigned c = 0; c < n; c++) {
				vals[c] = tl_value(v, pt, c);
				letters[c] = tl_letter(v, c);
			}
			letters[n] = '\0';
			draw_stacked(stdscr, ly, label_w + 1, bar_w, vals, n, letters);
		}
		x = label_w + 1 + bar_w + 1;
		for (unsigned c = 0; c < pct_n && c < p->ncats; c++) {
			/* A share of no downloads is unknown, not 0%. */
			if (total)
				snprintf(buf, sizeof buf, "%3.0f%%", 100.0 * (double)tl_value(v, pt, c) / (double)total);
			else
				snprintf(buf, sizeof buf, "n/a");
			draw_text(stdscr, ly, x, 5, buf, 1, (enum draw_role)(DR_SEG0 + c % DR_SEGMENTS));
			x += 5;
		}
	}
	if (tl->note[0] && h > 2)
		draw_text(stdscr, y + h - 1, 0, w, tl->note, 0, DR_NORMAL);
	if (!v->n && rows > 0)
		view_draw_nothing(y + 2, w);
}

struct tl_export_ctx {
	char path[1024];
};

struct tl_write_ctx {
	const struct timeline *tl;
	enum export_format fmt;
};

static int tl_write(void *ctx, void *fp)
{
	const struct tl_write_ctx *c = ctx;
	return timeline_write(fp, c->tl, c->fmt) < 0 ? -1 : 0;
}

/* The series to a file, in the format its name asks for (CSV otherwise). */
static void tl_export_named(struct tui *t, const char *path, int accepted, void *ctx)
{
	struct view *v = tui_shown(t);
	struct tl_priv *p = v ? v->priv : NULL;
	struct tl_write_ctx w;
	struct store_err e;
	int fmt = export_format_for_path(path);
	(void)ctx;

	if (!accepted || !path[0] || !p || p->failed) {
		tui_message(t, 0, "Export cancelled");
		return;
	}
	if (p->tl.ready < p->tl.n) {
		tui_message(t, 1, "The series is still being computed (%zu/%zu snapshots): export it when it is complete",
			    p->tl.ready, p->tl.n);
		return;
	}
	w.tl = &p->tl;
	w.fmt = fmt >= 0 ? (enum export_format)fmt : EXPORT_CSV;
	if (store_atomic_write(path, tl_write, &w, &e) != 0)
		tui_message(t, 1, "Export failed: %s", e.msg);
	else
		tui_message(t, 0, "Exported the series (%zu snapshots) to %s", p->tl.n, path);
}

static int tl_request(struct tui *t, struct view *v, enum request r)
{
	if (r == REQ_TOGGLE_GROUPS) {
		v->mode = (v->mode + 1) % TL_MODES;
		tui_message(t, 0, "Timeline: by %s", tl_titles[v->mode]);
		return VIEW_REOPEN;
	}
	if (r == REQ_EXPORT) {
		struct tl_export_ctx c;
		snprintf(c.path, sizeof c.path, "./hubtop-timeline.csv");
		prompt_open(t, "Export the series to (.csv .tsv .jsonl): ", c.path, sizeof c.path, NULL,
			    tl_export_named, &c, sizeof c);
		return VIEW_DONE;
	}
	return VIEW_PASS;
}

static uint64_t tl_ident(struct tui *t, struct view *v, size_t i)
{
	struct tl_priv *p = v->priv;
	(void)t;
	return (uint64_t)p->tl.p[i].as_of;
}

static void tl_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
		    double *bar)
{
	struct tl_priv *p = v->priv;
	(void)t;
	(void)col;
	(void)bar;
	snprintf(buf, len, "%s", p->tl.p[i].date);
}

static void tl_enter(struct tui *t, struct view *v)
{
	struct tl_priv *p = v->priv;
	const struct timeline_point *pt = &p->tl.p[v->sel];
	char line[600];
	size_t at = 0;
	unsigned c;

	if (pt->pending) {
		tui_message(t, 0, "%s: still being computed (%zu/%zu snapshots done)", pt->date, p->tl.ready, p->tl.n);
		return;
	}
	/* The selected snapshot's shares in words, on the message line. */
	at += (size_t)snprintf(line + at, sizeof line - at, "%s%s:", pt->date,
			       pt->current ? " (open)" : !pt->complete ? " (partial)" : "");
	for (c = 0; c < p->ncats && at < sizeof line - 32; c++) {
		uint64_t total = 0;
		for (unsigned j = 0; j < p->ncats; j++)
			total += tl_value(v, pt, j);
		if (total)
			at += (size_t)snprintf(line + at, sizeof line - at, " %s %.1f%%", tl_label(v, c),
					       100.0 * (double)tl_value(v, pt, c) / (double)total);
	}
	tui_message(t, 0, "%s", line);
}

const struct view_ops view_timeline_ops = {
	.title = "Timeline", .help = "Timeline pane (shares at each snapshot of the history, by calendar date)",
	.priv_size = sizeof(struct tl_priv), .default_sort = SORT_NAME,
	.open = tl_open, .done = tl_done, .cell = tl_cell, .ident = tl_ident,
	.draw = tl_draw, .request = tl_request, .enter = tl_enter, .idle = tl_idle,
};

/* picker.c - the picker: a multi-select of the values of one filter
 * dimension (countries, country groups, organisation types, relation to a
 * base model, language, size), pushed over
 * the pane.  Each entry shows its share of downloads under the other
 * filters (the picker's own dimension left out, so the shares do not
 * change while choosing); typing jumps to a match, the keys are the
 * picker's requests (request.h).  A dimension is one row of picker_dims. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hubtop/dims.h"
#include "hubtop/draw.h"
#include "hubtop/language.h"
#include "hubtop/tui_kernel.h"

struct picker_entry {
	char key[16];
	char label[64];
	uint64_t count, downloads;
	double share;
	unsigned idx;
	int on;
};

/* One filter dimension: its values, their buckets in a result, and how
 * the filter holds a choice. */
struct picker_dim_info {
	const char *title;
	unsigned (*count)(void);
	void (*name)(unsigned i, struct picker_entry *e);
	const struct eng_bucket *(*bucket)(const struct eng_result *r, unsigned i);
	int (*has)(const struct filter *f, unsigned i);
	void (*unset)(struct filter *f);
	void (*add)(struct filter *f, unsigned i);
	int keep_empty;     /* list values with no item too */
};

static unsigned picker_n_country(void) { return country_count(); }
static unsigned picker_n_group(void) { return CG_COUNT; }
static unsigned picker_n_type(void) { return OT_COUNT; }

static void picker_name_country(unsigned i, struct picker_entry *e)
{
	snprintf(e->key, sizeof e->key, "%s", i ? country_code(i) : COUNTRY_UNKNOWN_KEY);
	snprintf(e->label, sizeof e->label, "%s", country_name(i));
}

static void picker_name_group(unsigned i, struct picker_entry *e)
{
	snprintf(e->key, sizeof e->key, "%.15s", country_group_key((enum country_group)i));
	snprintf(e->label, sizeof e->label, "%s", country_group_name((enum country_group)i));
}

static void picker_name_type(unsigned i, struct picker_entry *e)
{
	snprintf(e->key, sizeof e->key, "%.15s", orgdir_type_key((enum org_type)i));
	e->label[0] = '\0';   /* the key says it all */
}

static const struct eng_bucket *picker_b_country(const struct eng_result *r, unsigned i) { return &r->by_country[i]; }
static const struct eng_bucket *picker_b_group(const struct eng_result *r, unsigned i) { return &r->by_group[i]; }
static const struct eng_bucket *picker_b_type(const struct eng_result *r, unsigned i) { return &r->by_type[i]; }

static int picker_has_country(const struct filter *f, unsigned i) { return filter_has_country(f, i); }
static int picker_has_group(const struct filter *f, unsigned i) { return (f->groups >> i) & 1u; }
static int picker_has_type(const struct filter *f, unsigned i) { return (f->types >> i) & 1u; }

static void picker_clear_country(struct filter *f) { memset(f->countries, 0, sizeof f->countries); }
static void picker_clear_group(struct filter *f) { f->groups = 0; }
static void picker_clear_type(struct filter *f) { f->types = 0; }

static void picker_add_country(struct filter *f, unsigned i) { filter_toggle_country(f, i); }
static void picker_add_group(struct filter *f, unsigned i) { f->groups |= 1u << i; }
static void picker_add_type(struct filter *f, unsigned i) { f->types |= 1u << i; }

/* The dimensions of dims.h: their buckets come from dims_shares, made by
 * picker_open for the one picker open (the explorer has one thread). */
static struct dims_shares *picker_ds;
static struct engine *picker_eng;

static unsigned picker_n_rel(void) { return DREL_COUNT; }
static unsigned picker_n_lang(void) { return picker_ds ? picker_ds->n_lang : 0; }
/* The unknown size is no range: it cannot be chosen, so it is not listed. */
static unsigned picker_n_size(void) { return DSIZE_COUNT - 1; }

static void picker_name_rel(unsigned i, struct picker_entry *e)
{
	snprintf(e->key, sizeof e->key, "%s", dims_rel_key((int)i));
	e->label[0] = '\0';
}

static void picker_name_lang(unsigned i, struct picker_entry *e)
{
	const char *code = dims_lang_code(picker_eng, i), *name = language_name(code);
	snprintf(e->key, sizeof e->key, "%.15s", code);
	snprintf(e->label, sizeof e->label, "%s", i == DLANG_UNKNOWN ? "no language tag" :
		 i == DLANG_MULTI ? "several languages" : name ? name : "");
}

static void picker_name_size(unsigned i, struct picker_entry *e)
{
	snprintf(e->key, sizeof e->key, "%s", dims_size_key((int)i));
	snprintf(e->label, sizeof e->label, "parameters");
}

static const struct eng_bucket *picker_b_rel(const struct eng_result *r, unsigned i)
{
	(void)r;
	return &picker_ds->rel[i];
}
static const struct eng_bucket *picker_b_lang(const struct eng_result *r, unsigned i)
{
	(void)r;
	return &picker_ds->lang[i];
}
static const struct eng_bucket *picker_b_size(const struct eng_result *r, unsigned i)
{
	(void)r;
	return &picker_ds->size[i];
}

/* Size buckets as ranges [lo, hi), 0 = open. */
static const uint64_t size_lo[DSIZE_COUNT] = { 0, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 0 };
static const uint64_t size_hi[DSIZE_COUNT] = { 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 0, 0 };

static int picker_has_rel(const struct filter *f, unsigned i) { return (f->relations >> i) & 1u; }
static int picker_has_lang(const struct filter *f, unsigned i)
{
	const char *code = dims_lang_code(picker_eng, i);
	for (unsigned k = 0; k < f->n_langs && k < FILTER_MAX_LANGS; k++)
		if (!strcasecmp(f->langs[k], code))
			return 1;
	return 0;
}
static int picker_has_size(const struct filter *f, unsigned i)
{
	return (f->size_from || f->size_to) && f->size_from <= size_lo[i] &&
	       (!f->size_to || (size_hi[i] && size_hi[i] <= f->size_to));
}

static void picker_clear_rel(struct filter *f) { f->relations = 0; }
static void picker_clear_lang(struct filter *f) { f->n_langs = 0; memset(f->langs, 0, sizeof f->langs); }
static void picker_clear_size(struct filter *f) { f->size_from = f->size_to = 0; }

static void picker_add_rel(struct filter *f, unsigned i) { f->relations |= 1u << i; }
static void picker_add_lang(struct filter *f, unsigned i)
{
	if (f->n_langs < FILTER_MAX_LANGS && !picker_has_lang(f, i))
		snprintf(f->langs[f->n_langs++], FILTER_LANG_MAX, "%s", dims_lang_code(picker_eng, i));
}
/* Sizes chosen: the range from the smallest to the largest (a gap between
 * them is taken in too: the filter holds one range). */
static void picker_add_size(struct filter *f, unsigned i)
{
	if (!f->size_from && !f->size_to) {
		f->size_from = size_lo[i];
		f->size_to = size_hi[i];
		if (!f->size_from && !f->size_to)
			f->size_from = 1;
		return;
	}
	if (size_lo[i] < f->size_from)
		f->size_from = size_lo[i];
	if (f->size_to && (!size_hi[i] || size_hi[i] > f->size_to))
		f->size_to = size_hi[i];
}

static const struct picker_dim_info picker_dims[] = {
	[PICKER_COUNTRY] = { "Countries", picker_n_country, picker_name_country, picker_b_country,
			     picker_has_country, picker_clear_country, picker_add_country, 0 },
	[PICKER_GROUP] = { "Country groups", picker_n_group, picker_name_group, picker_b_group,
			   picker_has_group, picker_clear_group, picker_add_group, 1 },
	[PICKER_ORGTYPE] = { "Organisation types", picker_n_type, picker_name_type, picker_b_type,
			     picker_has_type, picker_clear_type, picker_add_type, 1 },
	[PICKER_RELATION] = { "Relations to a base model", picker_n_rel, picker_name_rel, picker_b_rel,
			      picker_has_rel, picker_clear_rel, picker_add_rel, 1 },
	[PICKER_LANGUAGE] = { "Languages", picker_n_lang, picker_name_lang, picker_b_lang,
			      picker_has_lang, picker_clear_lang, picker_add_lang, 0 },
	[PICKER_SIZE] = { "Sizes", picker_n_size, picker_name_size, picker_b_size,
			  picker_has_size, picker_clear_size, picker_add_size, 1 },
};

struct picker_priv {
	enum picker_dim dim;
	struct picker_entry *e;
	char typed[64];
	int apply;
	/* PICKER_TERM: the filter key, its title, and whether Space was used
	 * (if not, Enter takes the entry under the cursor). */
	char term_key[16];
	char term_title[48];
	int toggled;
};

static const char *picker_title(const struct picker_priv *p)
{
	return p->dim == PICKER_TERM ? p->term_title : picker_dims[p->dim].title;
}

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

static void picker_draw(struct tui *t, struct view *v, int y, int h_body, int w_body)
{
	static const struct request_hint hints[] = {
		{ REQ_PICK_TOGGLE, "toggle" }, { REQ_PICK_ALL, "all" }, { REQ_PICK_NONE, "none" },
		{ REQ_PICK_APPLY, "apply" }, { REQ_PICK_CANCEL, "cancel" },
	};
	struct picker_priv *p = v->priv;
	const char *title = picker_title(p), *typed = p->typed;
	const struct picker_entry *e = p->e;
	size_t n = v->n, sel = v->sel;
	char buf[512], b1[32], b2[32];
	int w = t->cols - 4 < 64 ? t->cols - 4 : 64;
	int h = t->rows - 6 < (int)n + 4 ? t->rows - 6 : (int)n + 4;
	int x0 = (t->cols - w) / 2, y0 = (t->rows - h) / 2;
	int rows = h - 4;
	(void)y;
	(void)h_body;
	(void)w_body;
	if (!n)
		return;

	if (w < 16 || h < 5) {
		/* Too small for a box: one line per selected entry would not fit
		 * either; show the entry under the cursor on the message line. */
		snprintf(buf, sizeof buf, "%s [%c] %s %s", title, e[sel].on ? 'x' : ' ', e[sel].key,
			 draw_percent(e[sel].share, b1, sizeof b1));
		draw_line_only(stdscr, t->rows - 1, buf, DR_PROMPT);
		return;
	}
	list_scroll(&v->list, (size_t)rows);
	draw_blank_box(stdscr, y0, x0, w, h);
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
		size_t k = v->top + (size_t)i;
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
	buf[0] = ' ';
	request_hints(buf + 1, sizeof buf - 1, hints, sizeof hints / sizeof hints[0], " ");
	draw_text(stdscr, y0 + h - 1, x0, w, buf, 0, DR_STATUS);
}

static enum view_next picker_type(struct tui *t, struct view *v, const char *mb, size_t len);

static int picker_request(struct tui *t, struct view *v, enum request r)
{
	struct picker_priv *p = v->priv;
	size_t len = strlen(p->typed);
	/* Names of tasks and licences hold '-' and '*': typed after a letter,
	 * they are letters to find too. */
	if ((r == REQ_PICK_NONE || r == REQ_PICK_ALL) && p->typed[0])
		return picker_type(t, v, r == REQ_PICK_NONE ? "-" : "*", 1);
	switch (r) {
	case REQ_PICK_APPLY: p->apply = 1; return VIEW_POP;
	case REQ_PICK_CANCEL: return VIEW_POP;
	case REQ_PICK_TOGGLE:
		if (v->n) {
			int on = !p->e[v->sel].on;
			/* A term filter holds one value: choosing one unchooses the rest. */
			for (size_t i = 0; p->dim == PICKER_TERM && i < v->n; i++)
				p->e[i].on = 0;
			p->e[v->sel].on = on;
		}
		p->typed[0] = '\0';
		p->toggled = 1;
		break;
	case REQ_PICK_ALL:
		if (p->dim == PICKER_TERM) {
			tui_message(t, 0, "One %s at a time (%s: any)", p->term_key, request_key_hint(REQ_PICK_NONE));
			break;
		}
		/* fall through */
	case REQ_PICK_NONE:
		p->toggled = 1;
		for (size_t i = 0; i < v->n; i++)
			p->e[i].on = r == REQ_PICK_ALL;
		break;
	case REQ_PICK_UP: list_move(&v->list, -1); break;
	case REQ_PICK_DOWN: list_move(&v->list, 1); break;
	case REQ_PICK_PAGE_UP: list_move(&v->list, -10); break;
	case REQ_PICK_PAGE_DOWN: list_move(&v->list, 10); break;
	case REQ_PICK_FIRST: list_first(&v->list); break;
	case REQ_PICK_LAST: list_last(&v->list); break;
	case REQ_PICK_ERASE:
		if (len)
			p->typed[len - 1] = '\0';
		break;
	case REQ_PICK_FORGET: p->typed[0] = '\0'; break;
	default: break;
	}
	return VIEW_DONE;
}

/* Typing finds: prefix matches first, then anywhere in the name. */
static enum view_next picker_type(struct tui *t, struct view *v, const char *mb, size_t len)
{
	struct picker_priv *p = v->priv;
	size_t have = strlen(p->typed);
	(void)t;
	if (len != 1 || mb[0] <= 0x20 || mb[0] >= 0x7f || have + 1 >= sizeof p->typed)
		return VIEW_DONE;
	p->typed[have] = mb[0];
	p->typed[have + 1] = '\0';
	for (int pass = 1; pass >= 0; pass--) {
		size_t i;
		for (i = 0; i < v->n; i++)
			if (picker_match(&p->e[i], p->typed, pass))
				break;
		if (i < v->n) {
			v->sel = i;
			break;
		}
	}
	return VIEW_DONE;
}

static void picker_close_term(struct tui *t, struct view *v)
{
	struct picker_priv *p = v->priv;
	struct filter f = t->filter;
	const char *value = "";
	char err[256];
	if (!p->toggled && v->n)
		p->e[v->sel].on = 1;
	for (size_t i = 0; i < v->n; i++)
		if (p->e[i].on)
			value = p->e[i].label;
	if (filter_set(&f, p->term_key, value, err, sizeof err) != 0) {
		tui_message(t, 1, "%s", err);
		return;
	}
	tui_set_filter(t, &f);
	tui_message(t, 0, "%s: %s", p->term_title, value[0] ? value : "any");
}

static void picker_close(struct tui *t, struct view *v)
{
	struct picker_priv *p = v->priv;
	const struct picker_dim_info *d;
	struct filter f = t->filter;
	size_t k = 0;
	if (!p->apply)
		return;
	picker_eng = t->s->eng;
	if (p->dim == PICKER_TERM) {
		picker_close_term(t, v);
		return;
	}
	d = &picker_dims[p->dim];
	for (size_t i = 0; i < v->n; i++)
		k += p->e[i].on != 0;
	d->unset(&f);
	/* All chosen is the same as none: any. */
	if (k < v->n)
		for (size_t i = 0; i < v->n; i++)
			if (p->e[i].on)
				d->add(&f, p->e[i].idx);
	tui_set_filter(t, &f);
	if (k == 0 || k == v->n)
		tui_message(t, 0, "%s: any", d->title);
	else
		tui_message(t, 0, "%s: %zu chosen", d->title, k);
}

static void picker_done(struct view *v)
{
	struct picker_priv *p = v->priv;
	free(p->e);
	p->e = NULL;
}

static const struct view_ops view_picker_ops = {
	.title = "Picker", .keys = REQ_CTX_PICKER, .overlay = 1, .priv_size = sizeof(struct picker_priv),
	.default_sort = -1, .draw = picker_draw, .request = picker_request, .type = picker_type,
	.close = picker_close, .done = picker_done,
};

void picker_open(struct tui *t, enum picker_dim dim)
{
	const struct picker_dim_info *d = &picker_dims[dim];
	struct filter f = t->filter;
	unsigned nv;
	struct picker_entry *e;
	struct eng_result *r;
	struct view *v;
	size_t n = 0;
	d->unset(&f);
	if (!(r = engine_apply(t->s->eng, &f, HT_MODELS))) {
		tui_message(t, 1, "The engine could not compute the shares of %s", d->title);
		return;
	}
	if (dim >= PICKER_RELATION) {
		picker_eng = t->s->eng;
		if (!(picker_ds = dims_shares(t->s->eng, r))) {
			engine_result_free(r);
			tui_message(t, 1, "Out of memory");
			return;
		}
	}
	nv = d->count();
	if (!(e = calloc(nv ? nv : 1, sizeof *e))) {
		engine_result_free(r);
		dims_shares_free(picker_ds);
		picker_ds = NULL;
		tui_message(t, 1, "Out of memory");
		return;
	}
	for (unsigned i = 0; i < nv; i++) {
		const struct eng_bucket *b = d->bucket(r, i);
		int on = d->has(&t->filter, i);
		if (!d->keep_empty && !b->count && !on)
			continue;
		d->name(i, &e[n]);
		e[n].count = b->count;
		e[n].downloads = b->downloads;
		e[n].share = r->downloads ? (double)e[n].downloads / (double)r->downloads : 0;
		e[n].idx = i;
		e[n].on = on;
		n++;
	}
	engine_result_free(r);
	dims_shares_free(picker_ds);
	picker_ds = NULL;
	qsort(e, n, sizeof *e, picker_cmp);
	if (!n || !(v = tui_open(t, &view_picker_ops))) {
		free(e);
		return;
	}
	struct picker_priv *p = v->priv;
	p->dim = dim;
	p->e = e;
	v->n = n;
}

/* ---- the values of a term filter (task, library, licence) ----------------- */

struct picker_tally {
	uint32_t term;
	uint64_t downloads;
};

static int picker_tally_cmp(const void *a, const void *b)
{
	const struct picker_tally *x = a, *y = b;
	return x->term < y->term ? -1 : x->term > y->term;
}

void picker_open_term(struct tui *t, const char *key)
{
	const struct ht_snapshot *s = t->s->snap;
	struct view *shown = tui_shown(t);
	enum ht_kind k = shown->ops->kind ? shown->ops->kind(shown) : HT_MODELS;
	const struct ht_table *tb = &s->t[k];
	const uint32_t *col = !strcmp(key, "task") ? tb->pipeline : !strcmp(key, "library") ? tb->library : tb->license;
	struct filter f = t->filter;
	char cur[256];
	struct eng_result *r;
	uint32_t *rows = NULL;
	struct picker_tally *tl = NULL;
	struct picker_entry *e = NULL;
	size_t n = 0, ne = 0;
	uint64_t total = 0;

	filter_get(&t->filter, key, cur, sizeof cur);
	filter_set(&f, key, "", NULL, 0);
	if (!(r = engine_apply(t->s->eng, &f, k)) || (r->n && !(rows = engine_sort_items(t->s->eng, r, SORT_DOWNLOADS, 1))) ||
	    !(tl = malloc(sizeof *tl * (r->n ? r->n : 1)))) {
		tui_message(t, 1, "The engine could not compute the shares of the %s values", key);
		goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		uint32_t row = rows[i];
		uint64_t dl = f.window == WIN_ALL ? tb->downloads_all[row] : tb->downloads[row];
		if (tb->flags[row] & (f.window == WIN_ALL ? HT_F_DLA_UNKNOWN : HT_F_DL_UNKNOWN))
			dl = 0;
		total += dl;
		if (col[row]) {
			tl[n].term = col[row];
			tl[n++].downloads = dl;
		}
	}
	qsort(tl, n, sizeof *tl, picker_tally_cmp);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		distinct += !i || tl[i].term != tl[i - 1].term;
	if (!(e = calloc(distinct ? distinct : 1, sizeof *e))) {
		tui_message(t, 1, "Out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!i || tl[i].term != tl[i - 1].term) {
			struct picker_entry *x = &e[ne++];
			snprintf(x->label, sizeof x->label, "%s", ht_term(s, tl[i].term));
			x->idx = tl[i].term;
			x->on = !strcmp(x->label, cur);
		}
		e[ne - 1].count++;
		e[ne - 1].downloads += tl[i].downloads;
	}
	for (size_t i = 0; i < ne; i++)
		e[i].share = total ? (double)e[i].downloads / (double)total : 0;
	qsort(e, ne, sizeof *e, picker_cmp);
	if (!ne) {
		tui_message(t, 0, "No item under the other filters has a %s", key);
		goto out;
	}
	struct view *v = tui_open(t, &view_picker_ops);
	if (!v)
		goto out;
	struct picker_priv *p = v->priv;
	p->dim = PICKER_TERM;
	p->e = e;
	e = NULL;
	snprintf(p->term_key, sizeof p->term_key, "%s", key);
	snprintf(p->term_title, sizeof p->term_title, "%s",
		 !strcmp(key, "task") ? (k == HT_DATASETS ? "Task categories" : "Tasks (pipeline tags)")
		 : !strcmp(key, "library") ? "Libraries" : "Licences");
	v->n = ne;
	for (size_t i = 0; i < ne; i++)
		if (p->e[i].on)
			v->sel = i;
out:
	free(e);
	free(tl);
	free(rows);
	engine_result_free(r);
}

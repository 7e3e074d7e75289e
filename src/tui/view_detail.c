/* view_detail.c - one model or dataset: every field, where it is
 * attributed (uploader and lineage), its lineage chain to the root base
 * model, the models that name it as a base, and its Hub URL (y copies
 * it).  Enter on a base model or a derivative opens that model. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

#define DETAIL_MAX 320

struct detail_line {
	char field[24];
	char value[HT_ID_MAX + 64]; /* a whole id in its Hub URL */
	uint32_t open;      /* the model row Enter opens, UINT32_MAX: none */
};

/* Derivatives listed by name, the most downloaded first; the rest counted. */
#define DETAIL_CHILDREN 20

struct detail_priv {
	struct detail_line lines[DETAIL_MAX];
	size_t n;
};

static const struct view_col detail_cols[2] = {
	{ "Field", 18, 0, 0, -1, 99, 0 },
	{ "Value", 20, 1, 0, -1, 99, 0 },
};

static void detail_add(struct detail_priv *p, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void detail_add(struct detail_priv *p, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (p->n >= DETAIL_MAX)
		return;
	snprintf(p->lines[p->n].field, sizeof p->lines[p->n].field, "%s", field);
	p->lines[p->n].open = UINT32_MAX;
	va_start(ap, fmt);
	vsnprintf(p->lines[p->n].value, sizeof p->lines[p->n].value, fmt, ap);
	va_end(ap);
	p->n++;
}

static void detail_account(struct detail_priv *p, const struct attrib *a, const char *field, uint32_t acct)
{
	if (acct >= a->n_accounts) {
		detail_add(p, field, "-");
		return;
	}
	unsigned c = a->acct_country[acct];
	detail_add(p, field, "%s  (%s, %s, %s)", a->acct_name[acct],
		   c ? country_name(c) : "country unknown",
		   country_group_name((enum country_group)a->acct_group[acct]),
		   orgdir_type_name((enum org_type)a->acct_type[acct]));
}

static int detail_by_downloads(const void *pa, const void *pb, void *ctx)
{
	const struct ht_table *tb = ctx;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	if (tb->downloads[x] != tb->downloads[y])
		return tb->downloads[x] < tb->downloads[y] ? 1 : -1;
	return x < y ? -1 : x > y;
}

/* The models that name row as a base: one pass over the models' links
 * (milliseconds on two million models), the most downloaded listed. */
static void detail_children(struct detail_priv *p, const struct ht_snapshot *s, uint32_t row)
{
	const struct ht_table *tb = &s->t[HT_MODELS];
	uint32_t *kids = NULL, n = 0, cap = 0;
	for (uint32_t m = 0; m < tb->n; m++) {
		for (uint32_t i = 0; i < tb->link_count[m]; i++) {
			uint32_t l = tb->link_first[m] + i;
			if (l >= s->n_links || s->link_row[l] != row)
				continue;
			if (n == cap) {
				uint32_t *nk = realloc(kids, sizeof *kids * (cap ? cap * 2 : 64));
				if (!nk)
					goto done;
				kids = nk;
				cap = cap ? cap * 2 : 64;
			}
			kids[n++] = m;
			break;
		}
	}
done:
	if (!n) {
		detail_add(p, "Derivatives", "no model names it as a base");
		free(kids);
		return;
	}
	qsort_r(kids, n, sizeof *kids, detail_by_downloads, (void *)tb);
	detail_add(p, "Derivatives", "%u model%s name%s it as a base%s", n, n == 1 ? "" : "s", n == 1 ? "s" : "",
		   n > DETAIL_CHILDREN ? ", the most downloaded:" : ":");
	for (uint32_t i = 0; i < n && i < DETAIL_CHILDREN; i++) {
		char b[32];
		detail_add(p, "", "%s (%s downloads)", ht_id(s, HT_MODELS, kids[i]),
			   draw_human(tb->downloads[kids[i]], b, sizeof b));
		if (p->n)
			p->lines[p->n - 1].open = kids[i];
	}
	if (n > DETAIL_CHILDREN)
		detail_add(p, "", "... and %u more", n - DETAIL_CHILDREN);
	free(kids);
}

static void detail_open(struct tui *t, struct view *v)
{
	static const char *const rels[HT_REL_COUNT] = {
		"", "fine-tune", "adapter", "quantized", "merge", "base"
	};
	struct detail_priv *p = v->priv;
	const struct ht_snapshot *s = t->s->snap;
	const struct attrib *a = t->s->attr;
	enum ht_kind k = v->mode == HT_DATASETS ? HT_DATASETS : HT_MODELS;
	const struct ht_table *tb = &s->t[k];
	uint32_t row = v->item;
	char b1[64], b2[64];

	p->n = 0;
	if (row >= tb->n) {
		detail_add(p, "", "This item is not in the snapshot any more");
		v->n = p->n;
		return;
	}
	const char *id = ht_id(s, k, row);
	detail_add(p, "Id", "%s", id);
	detail_add(p, "Kind", "%s", k == HT_MODELS ? "model" : "dataset");
	detail_add(p, "Hub URL", "https://huggingface.co/%s%s  (%s: copy)", k == HT_DATASETS ? "datasets/" : "", id,
		   request_key_hint(REQ_COPY_URL));
	detail_add(p, "Author", "%s", ht_author(s, k, row));
	detail_account(p, a, "By uploader", a->item_acct[k][ATTRIB_UPLOADER][row]);
	if (k == HT_MODELS)
		detail_account(p, a, "By lineage", a->item_acct[k][ATTRIB_LINEAGE][row]);
	detail_add(p, "Downloads (30d)", "%s", tb->flags[row] & HT_F_DL_UNKNOWN
		   ? "unknown (the listing gave none)" : draw_thousands(tb->downloads[row], b1, sizeof b1));
	detail_add(p, "Downloads (all)", "%s",
		   (tb->flags[row] & HT_F_DLA_UNKNOWN) || !engine_has_alltime(t->s->eng, k)
		   ? "unknown (the listing gave none)" : draw_thousands(tb->downloads_all[row], b2, sizeof b2));
	detail_add(p, "Likes", "%u", tb->likes[row]);
	detail_add(p, "Trending score", "%u", tb->trending[row]);
	detail_add(p, "Created", "%s", tb->created[row] > 0 ? draw_date(tb->created[row], b1, sizeof b1) : "unknown");
	detail_add(p, "Modified", "%s", tb->modified[row] > 0 ? draw_date(tb->modified[row], b2, sizeof b2) : "unknown");
	detail_add(p, k == HT_MODELS ? "Pipeline tag" : "Task category", "%s",
		   tb->pipeline[row] ? ht_term(s, tb->pipeline[row]) : "-");
	detail_add(p, "Library", "%s", tb->library[row] ? ht_term(s, tb->library[row]) : "-");
	detail_add(p, "Licence", "%s", tb->license[row] ? ht_term(s, tb->license[row]) : "-");
	detail_add(p, "Gated", "%s", tb->flags[row] & HT_F_GATED_MAN ? "yes (manual approval)"
				      : tb->flags[row] & HT_F_GATED ? "yes (automatic)" : "no");
	if (tb->flags[row] & (HT_F_PRIVATE | HT_F_DISABLED))
		detail_add(p, "Flags", "%s%s", tb->flags[row] & HT_F_PRIVATE ? "private " : "",
			   tb->flags[row] & HT_F_DISABLED ? "disabled" : "");
	for (uint32_t i = 0; i < tb->link_count[row]; i++) {
		uint32_t l = tb->link_first[row] + i;
		if (l >= s->n_links)
			break;
		detail_add(p, i ? "" : "Base models", "%s (%s)%s", ht_str(s, s->link_base[l]),
			   s->link_rel[l] < HT_REL_COUNT ? rels[s->link_rel[l]] : "?",
			   s->link_row[l] == UINT32_MAX ? ", not in the snapshot" : "");
		if (p->n && s->link_row[l] != UINT32_MAX)
			p->lines[p->n - 1].open = s->link_row[l];
	}
	if (k == HT_MODELS) {
		const char *chain[ATTRIB_MAX_DEPTH + 1];
		unsigned n = attrib_chain(a, s, row, chain, ATTRIB_MAX_DEPTH + 1);
		if (n == 0 || (n == 1 && strcmp(chain[0], id) == 0)) {
			detail_add(p, "Lineage", "a root: derives from no model in the snapshot");
		} else {
			for (unsigned i = 0; i < n; i++)
				detail_add(p, i ? "" : "Lineage", "%s%s%s", i ? "-> " : "", chain[i],
					   i + 1 == n ? "  (root)" : "");
		}
		if (a->lineage_flags && a->lineage_flags[row]) {
			uint8_t fl = a->lineage_flags[row];
			detail_add(p, "Lineage notes", "%s%s%s", fl & ATTRIB_LIN_CYCLE ? "cycle cut; " : "",
				   fl & ATTRIB_LIN_MISSING ? "a base is not in the snapshot; " : "",
				   fl & ATTRIB_LIN_MULTI ? "several bases, the first followed" : "");
		}
		detail_children(p, s, row);
	}
	for (uint32_t i = 0; i < tb->list_count[row]; i++) {
		uint32_t l = tb->list_first[row] + i;
		if (l >= s->n_lists)
			break;
		detail_add(p, i ? "" : "Tags", "%s", ht_term(s, s->lists[l]));
	}
	v->n = p->n;
}

static void detail_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
			double *bar)
{
	struct detail_priv *p = v->priv;
	(void)t;
	(void)bar;
	snprintf(buf, len, "%s", col == 0 ? p->lines[i].field : p->lines[i].value);
}

static const char *detail_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	struct detail_priv *p = v->priv;
	(void)t;
	snprintf(buf, len, "%s %s", p->lines[i].field, p->lines[i].value);
	return buf;
}

static uint64_t detail_ident(struct tui *t, struct view *v, size_t i)
{
	(void)t;
	(void)v;
	return i;
}

void view_detail_show(struct tui *t, enum ht_kind k, uint32_t row)
{
	struct view *v = tui_open(t, &view_detail_ops);
	if (!v)
		return;
	v->mode = (int)k;
	v->item = row;
}

static enum ht_kind detail_kind(const struct view *v);

/* Enter on a base model or a derivative: its own detail, over this one
 * (Backspace comes back). */
static void detail_enter(struct tui *t, struct view *v)
{
	const struct detail_priv *p = v->priv;
	if (v->sel >= p->n || p->lines[v->sel].open == UINT32_MAX) {
		tui_message(t, 0, "Enter opens a base model or a derivative (the lines under them)");
		return;
	}
	view_detail_show(t, HT_MODELS, p->lines[v->sel].open);
}

void view_detail_url(const struct tui *t, enum ht_kind k, uint32_t row, char *buf, size_t len)
{
	snprintf(buf, len, "https://huggingface.co/%s%s", k == HT_DATASETS ? "datasets/" : "",
		 row < t->s->snap->t[k].n ? ht_id(t->s->snap, k, row) : "");
}

static int detail_request(struct tui *t, struct view *v, enum request r)
{
	char url[HT_ID_MAX + 64];
	if (r != REQ_COPY_URL)
		return VIEW_PASS;
	view_detail_url(t, detail_kind(v), v->item, url, sizeof url);
	tui_copy(t, url);
	return VIEW_DONE;
}

static enum ht_kind detail_kind(const struct view *v)
{
	return v->mode == HT_DATASETS ? HT_DATASETS : HT_MODELS;
}

const struct view_ops view_detail_ops = {
	.title = "Detail", .priv_size = sizeof(struct detail_priv), .kind = detail_kind,
	.cols = detail_cols, .n_cols = 2, .default_sort = -1,
	.open = detail_open, .cell = detail_cell, .text = detail_text,
	.ident = detail_ident, .enter = detail_enter,
	.request = detail_request,
};

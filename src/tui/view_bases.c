/* view_bases.c - the Bases pane: the base models the matching models name
 * in their base_model: tags, by number of derivatives (direct, and through
 * the whole chain), by relation, with the downloads of those derivatives
 * (dims.h).  'S' switches to their organisations (owners) and back; Enter
 * on an organisation lists its base models; on a base, its direct
 * derivatives, each with its own derivatives, and Enter again goes down
 * the tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/dims.h"
#include "hubtop/draw.h"
#include "hubtop/view.h"

enum { BC_RANK, BC_NAME, BC_REL, BC_DIRECT, BC_CHAIN, BC_FT, BC_AD, BC_QU, BC_ME, BC_DOWNLOADS, BC_BAR, BC_N };

static const struct view_col bases_cols[BC_N] = {
	[BC_RANK]      = { "#",           6, 0, 1, -1,             3, 0 },
	[BC_NAME]      = { "Base model", 24, 1, 0, SORT_NAME,      99, 0 },
	[BC_REL]       = { "Relation",    9, 0, 0, -1,             4, 0 },
	[BC_DIRECT]    = { "Direct",      7, 0, 1, SORT_COUNT,     98, 0 },
	[BC_CHAIN]     = { "Chain",       7, 0, 1, -1,             8, 0 },
	[BC_FT]        = { "Fine",        6, 0, 1, -1,             5, 0 },
	[BC_AD]        = { "Adapt",       6, 0, 1, -1,             5, 0 },
	[BC_QU]        = { "Quant",       6, 0, 1, -1,             5, 0 },
	[BC_ME]        = { "Merge",       6, 0, 1, -1,             5, 0 },
	[BC_DOWNLOADS] = { "Deriv dl",   10, 0, 1, SORT_DOWNLOADS, 9, 0 },
	[BC_BAR]       = { "",           10, 0, 0, -1,             2, 1 },
};

struct bases_row {
	const char *id;
	size_t id_len;
	int rel;                 /* derivatives: its relation to the base; -1 for a base */
	uint64_t direct, chain, downloads;
	uint64_t by_rel[DREL_COUNT];
};

struct bases_priv {
	struct bases_row *rows;
	uint64_t max_dl;
	char base[HT_ID_MAX + 1]; /* derivatives of this base; "" = the ranking */
	char owner[128];          /* the ranking: only this owner's bases ("" = all) */
};

static int by_owner(const struct view *v)
{
	return v->mode % 2 == 1;
}

static int cmp_name(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : al < bl ? -1 : al > bl;
}

static int sort_desc;
static int sort_key;
static int bases_row_cmp(const void *pa, const void *pb)
{
	const struct bases_row *a = pa, *b = pb;
	int c = 0;
	if (sort_key == SORT_DOWNLOADS && a->downloads != b->downloads)
		c = a->downloads < b->downloads ? -1 : 1;
	else if (sort_key == SORT_COUNT && a->direct != b->direct)
		c = a->direct < b->direct ? -1 : 1;
	else if (sort_key == SORT_COUNT && a->chain != b->chain)
		c = a->chain < b->chain ? -1 : 1;
	if (c)
		return sort_desc ? -c : c;
	c = cmp_name(a->id, a->id_len, b->id, b->id_len);
	return sort_key == SORT_NAME && sort_desc ? -c : c;
}

static int base_by_name(const void *pa, const void *pb)
{
	const struct dims_base *a = pa, *b = pb;
	return cmp_name(a->id, a->id_len, b->id, b->id_len);
}

static void bases_done(struct view *v)
{
	struct bases_priv *p = v->priv;
	free(p->rows);
	p->rows = NULL;
	v->n = 0;
}

static void bases_open(struct tui *t, struct view *v)
{
	struct bases_priv *p = v->priv;
	struct eng_result *r = tui_result(t, HT_MODELS);
	struct dims_base *b = NULL;
	size_t nb;
	bases_done(v);
	if (!r)
		return;
	nb = dims_bases(t->s->eng, r, p->base[0] ? 0 : by_owner(v), &b);
	if (nb == (size_t)-1) {
		tui_message(t, 1, "Out of memory ranking the base models");
		return;
	}
	if (!p->base[0]) {
		size_t ol = strlen(p->owner), k = 0;
		p->rows = calloc(nb ? nb : 1, sizeof *p->rows);
		for (size_t i = 0; p->rows && i < nb; i++) {
			struct bases_row *x = &p->rows[k];
			if (ol && (b[i].id_len <= ol || memcmp(b[i].id, p->owner, ol) || b[i].id[ol] != '/'))
				continue;
			k++;
			x->id = b[i].id;
			x->id_len = b[i].id_len;
			x->rel = -1;
			x->direct = b[i].direct;
			x->chain = b[i].chain;
			x->downloads = b[i].chain_downloads;
			memcpy(x->by_rel, b[i].by_rel, sizeof x->by_rel);
		}
		v->n = p->rows ? k : 0;
	} else {
		/* The direct derivatives of p->base, each with its own
		 * derivatives (looked up among the bases by name). */
		const struct ht_snapshot *s = engine_snapshot(t->s->eng);
		const struct ht_table *tb = &s->t[HT_MODELS];
		const uint8_t *rel = dims_relations(t->s->eng, HT_MODELS);
		uint32_t *der = NULL;
		size_t nd = dims_derivatives(t->s->eng, r, p->base, &der);
		if (nd == (size_t)-1 || !rel) {
			free(b);
			tui_message(t, 1, "Out of memory listing the derivatives");
			return;
		}
		qsort(b, nb, sizeof *b, base_by_name);
		p->rows = calloc(nd ? nd : 1, sizeof *p->rows);
		for (size_t i = 0; p->rows && i < nd; i++) {
			struct bases_row *x = &p->rows[i];
			struct dims_base key, *hit;
			x->id = ht_id(s, HT_MODELS, der[i]);
			x->id_len = strlen(x->id);
			x->rel = rel[der[i]];
			x->downloads = engine_item_downloads(t->s->eng, r, der[i]);
			key.id = x->id;
			key.id_len = x->id_len;
			hit = bsearch(&key, b, nb, sizeof *b, base_by_name);
			if (hit) {
				x->direct = hit->direct;
				x->chain = hit->chain;
				memcpy(x->by_rel, hit->by_rel, sizeof x->by_rel);
			}
		}
		(void)tb;
		v->n = p->rows ? nd : 0;
		free(der);
	}
	free(b);
	sort_key = v->sort;
	sort_desc = v->desc;
	if (v->n)
		qsort(p->rows, v->n, sizeof *p->rows, bases_row_cmp);
	p->max_dl = 0;
	for (size_t i = 0; i < v->n; i++)
		if (p->rows[i].downloads > p->max_dl)
			p->max_dl = p->rows[i].downloads;
}

static void bases_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
		       double *bar)
{
	struct bases_priv *p = v->priv;
	const struct bases_row *x = &p->rows[i];
	(void)t;
	switch (col) {
	case BC_RANK: snprintf(buf, len, "%zu", i + 1); break;
	case BC_NAME: snprintf(buf, len, "%.*s", (int)x->id_len, x->id); break;
	case BC_REL: snprintf(buf, len, "%s", x->rel < 0 ? "-" : dims_rel_key(x->rel)); break;
	case BC_DIRECT: draw_human(x->direct, buf, len); break;
	case BC_CHAIN: draw_human(x->chain, buf, len); break;
	case BC_FT: draw_human(x->by_rel[DREL_FINETUNE], buf, len); break;
	case BC_AD: draw_human(x->by_rel[DREL_ADAPTER], buf, len); break;
	case BC_QU: draw_human(x->by_rel[DREL_QUANTIZED], buf, len); break;
	case BC_ME: draw_human(x->by_rel[DREL_MERGE], buf, len); break;
	case BC_DOWNLOADS: draw_human(x->downloads, buf, len); break;
	case BC_BAR: *bar = p->max_dl ? (double)x->downloads / (double)p->max_dl : 0; break;
	}
}

/* A name's hash: the row survives a filter change by it. */
static uint64_t bases_ident(struct tui *t, struct view *v, size_t i)
{
	struct bases_priv *p = v->priv;
	uint64_t h = 1469598103934665603ull;
	(void)t;
	for (size_t k = 0; k < p->rows[i].id_len; k++)
		h = (h ^ (unsigned char)p->rows[i].id[k]) * 1099511628211ull;
	return h;
}

static const char *bases_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	struct bases_priv *p = v->priv;
	(void)t;
	snprintf(buf, len, "%.*s", (int)p->rows[i].id_len, p->rows[i].id);
	return buf;
}

extern const struct view_ops view_bases_ops;

static void bases_enter(struct tui *t, struct view *v)
{
	struct bases_priv *p = v->priv, *q;
	const struct bases_row *x;
	struct view *nv;
	if (!v->n)
		return;
	x = &p->rows[v->sel];
	if (!p->base[0] && by_owner(v)) {
		/* An organisation: its base models. */
		if (!(nv = tui_open(t, &view_bases_ops)))
			return;
		q = nv->priv;
		snprintf(q->owner, sizeof q->owner, "%.*s", (int)(x->id_len < 120 ? x->id_len : 120), x->id);
		tui_message(t, 0, "Base models of %s (%s: back)", q->owner, request_key_hint(REQ_BACK));
		return;
	}
	if (p->base[0] && !x->direct) {
		tui_message(t, 0, "%.*s: no derivative among the matching models", (int)x->id_len, x->id);
		return;
	}
	if (!(nv = tui_open(t, &view_bases_ops)))
		return;
	q = nv->priv;
	snprintf(q->base, sizeof q->base, "%.*s", (int)x->id_len, x->id);
	tui_message(t, 0, "Derivatives of %s (%s: back)", q->base, request_key_hint(REQ_BACK));
}

static int bases_request(struct tui *t, struct view *v, enum request r)
{
	struct bases_priv *p = v->priv;
	char args[1024];
	if (r == REQ_TOGGLE_GROUPS && !p->base[0] && !p->owner[0]) {
		v->mode = (v->mode + 1) % 2;
		tui_message(t, 0, "Bases: %s", by_owner(v) ? "organisations of the base models" : "base models");
		return VIEW_REOPEN;
	}
	if (r == REQ_EXPORT && (p->base[0] || p->owner[0])) {
		/* A base's derivatives are models: their export is the models
		 * export with the same filter. */
		filter_to_args(&t->filter, args, sizeof args);
		tui_message(t, 0, "e exports the ranking of base models (Backspace to it); these models: "
			    "hubtop export models %s", args);
		return VIEW_DONE;
	}
	return 0;
}

static void bases_export(struct tui *t, struct view *v, struct export_req *q)
{
	(void)t;
	q->dim = by_owner(v) ? EXPORT_DIM_BASE_ORGS : EXPORT_DIM_BASES;
	q->pane = PANE_MODELS;
	q->items = HT_MODELS;
}

const struct view_ops view_bases_ops = {
	.title = "Bases", .help = "Bases pane (base models by derivatives; g: their organisations)",
	.priv_size = sizeof(struct bases_priv), .cols = bases_cols, .n_cols = BC_N, .default_sort = SORT_COUNT,
	.open = bases_open, .done = bases_done, .cell = bases_cell, .ident = bases_ident, .text = bases_text,
	.enter = bases_enter, .request = bases_request, .export_req = bases_export,
};

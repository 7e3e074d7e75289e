/* dims.c - relation, depth, language and size of items; their shares and
 * the ranking of base models (see dims.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "hubtop/dims.h"
#include "hubtop/language.h"
#include "engine_priv.h"

/* Per table: made by dims_prepare. */
struct dims_kind {
	uint8_t *rel;     /* enum dims_rel by row */
	uint8_t *depth;   /* by row, capped at 255 */
	/* Language bucket by row: 16 bits, or 32 (lang_wide, lang NULL) in a
	 * snapshot of more than 65,536 language buckets. */
	uint16_t *lang;
	uint32_t *lang_wide;
	int made;
	/* The all-time order's copies (the 30-day order is the rows'). */
	uint8_t *rel_all;
	uint16_t *lang_all;
	uint32_t *lang_all_wide;
	uint64_t *params_all;
};

static uint32_t kind_lang(const struct dims_kind *dk, uint32_t row)
{
	return dk->lang ? dk->lang[row] : dk->lang_wide[row];
}

struct dims_data {
	struct dims_kind k[HT_KIND_COUNT];
	/* Language buckets: term index of each (0 for the first two), and a
	 * term -> bucket map (0 for a term that is no language). */
	uint32_t n_lang;
	uint32_t *lang_term;
	uint32_t *term_lang;
	uint32_t multi_term;  /* the term "language:multilingual", 0 when absent */
	int lang_made;
	struct dims_lineage *lin;  /* the bases of the links, made by dims_bases */
};

static const char *const rel_keys[DREL_COUNT] = {
	"original", "finetune", "adapter", "quantized", "merge", "unknown"
};
static const char *const size_keys[DSIZE_COUNT] = {
	"<100M", "100M-1B", "1B-10B", "10B-100B", ">100B", "unknown"
};

const char *dims_rel_key(int rel)
{
	return rel >= 0 && rel < DREL_COUNT ? rel_keys[rel] : "?";
}

int dims_rel_find(const char *key)
{
	for (int i = 0; i < DREL_COUNT; i++)
		if (!strcasecmp(key, rel_keys[i]))
			return i;
	return -1;
}

const char *dims_size_key(int bucket)
{
	return bucket >= 0 && bucket < DSIZE_COUNT ? size_keys[bucket] : "?";
}

int dims_size_bucket(uint64_t p)
{
	return !p ? DSIZE_UNKNOWN : p < 100000000ull ? DSIZE_100M : p < 1000000000ull ? DSIZE_1B :
	       p < 10000000000ull ? DSIZE_10B : p < 100000000000ull ? DSIZE_100B : DSIZE_HUGE;
}

int dims_parse_count(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, fdiv = 1, mult = 1;
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > UINT64_MAX / 10 - 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++)
			if (fdiv < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fdiv *= 10;
			}
	}
	switch (*p) {
	case 'k': case 'K': mult = 1000ull; p++; break;
	case 'm': case 'M': mult = 1000000ull; p++; break;
	case 'b': case 'B': case 'g': case 'G': mult = 1000000000ull; p++; break;
	case 't': case 'T': mult = 1000000000000ull; p++; break;
	default: break;
	}
	if (*p || (fdiv > 1 && mult == 1) || whole > UINT64_MAX / mult)
		return -1;
	*out = whole * mult + frac * mult / fdiv;
	return 0;
}

void dims_fmt_count(uint64_t n, char *buf, size_t len)
{
	static const struct { uint64_t unit; char c; } u[] = {
		{ 1000000000000ull, 'T' }, { 1000000000ull, 'B' }, { 1000000ull, 'M' }, { 1000ull, 'k' }
	};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
		if (n < u[i].unit)
			continue;
		if (n % u[i].unit == 0 || n >= 100 * u[i].unit)
			snprintf(buf, len, "%llu%c", (unsigned long long)((n + u[i].unit / 2) / u[i].unit), u[i].c);
		else
			snprintf(buf, len, "%.1f%c", (double)n / (double)u[i].unit, u[i].c);
		return;
	}
	snprintf(buf, len, "%llu", (unsigned long long)n);
}

void dims_fmt_exact(uint64_t n, char *buf, size_t len)
{
	static const struct { uint64_t unit; char c; } u[] = {
		{ 1000000000000ull, 'T' }, { 1000000000ull, 'B' }, { 1000000ull, 'M' }, { 1000ull, 'k' }
	};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		if (n && n % u[i].unit == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(n / u[i].unit), u[i].c);
			return;
		}
	snprintf(buf, len, "%llu", (unsigned long long)n);
}

/* ---- per-row data --------------------------------------------------------- */

static void lineage_free(struct dims_lineage *lin);

static struct dims_data *data_of(struct engine *e)
{
	if (!e->dims)
		e->dims = calloc(1, sizeof *e->dims);
	return e->dims;
}

void eng_dims_free(struct engine *e)
{
	struct dims_data *d = e->dims;
	if (!d)
		return;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		free(d->k[k].rel);
		free(d->k[k].depth);
		free(d->k[k].lang);
		free(d->k[k].lang_wide);
		free(d->k[k].rel_all);
		free(d->k[k].lang_all);
		free(d->k[k].lang_all_wide);
		free(d->k[k].params_all);
	}
	free(d->lang_term);
	free(d->term_lang);
	lineage_free(d->lin);
	free(d);
	e->dims = NULL;
}

static int lang_cmp(const void *a, const void *b, void *ctx)
{
	const struct ht_snapshot *s = ctx;
	return strcmp(ht_term(s, *(const uint32_t *)a), ht_term(s, *(const uint32_t *)b));
}

/* The languages are the terms "language:CODE" (a few hundred): buckets in
 * the order of their codes. */
static int make_langs(struct engine *e, struct dims_data *d)
{
	const struct ht_snapshot *s = e->s;
	uint32_t n = 2;
	if (d->lang_made)
		return 0;
	d->term_lang = calloc((size_t)s->n_terms + 1, sizeof *d->term_lang);
	d->lang_term = calloc((size_t)s->n_terms + 2, sizeof *d->lang_term);
	if (!d->term_lang || !d->lang_term)
		return -1;
	for (uint32_t t = 1; t < s->n_terms; t++) {
		const char *name = ht_term(s, t);
		if (strncmp(name, "language:", 9) || !name[9])
			continue;
		if (!strcmp(name + 9, "multilingual")) {
			d->multi_term = t;
			continue;
		}
		d->lang_term[n++] = t;
	}
	qsort_r(d->lang_term + 2, n - 2, sizeof *d->lang_term, lang_cmp, (void *)s);
	for (uint32_t b = 2; b < n; b++)
		d->term_lang[d->lang_term[b]] = b;
	d->n_lang = n;
	d->lang_made = 1;
	return 0;
}

/* How many rows ahead a pass over rows asks for what the row's links (or
 * lists) point to: enough to cover a memory access with the work between. */
#define DIMS_AHEAD 16

/* Depth by an explicit stack: 0 unvisited, 1 on the stack, 2 done.  A link
 * to a model on the stack closes a cycle: it counts as a base outside.
 * The stack holds each model with the next of its links to visit; it is
 * as deep as the longest chain, grown when one is deeper. */
struct dfs_frame {
	uint32_t v, next;
};

static int make_depths(const struct ht_snapshot *s, uint8_t *depth)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t n = t->n;
	uint8_t *state = table_big_alloc((size_t)n + 1);
	size_t cap = 256;
	struct dfs_frame *stack = malloc(cap * sizeof *stack);
	if (!state || !stack) {
		free(state);
		free(stack);
		return -1;
	}
	memset(state, 0, (size_t)n + 1);
	for (uint32_t root = 0; root < n; root++) {
		size_t sp = 0;
		/* Ahead: a root's first link, then its base (two steps, the
		 * second reading what the first brought in). */
		if (root + 2 * DIMS_AHEAD < n && t->link_count[root + 2 * DIMS_AHEAD])
			__builtin_prefetch(&s->link_row[t->link_first[root + 2 * DIMS_AHEAD]]);
		if (root + DIMS_AHEAD < n && t->link_count[root + DIMS_AHEAD]) {
			uint32_t b = s->link_row[t->link_first[root + DIMS_AHEAD]];
			if (b != UINT32_MAX) {
				__builtin_prefetch(&state[b]);
				__builtin_prefetch(&t->link_count[b]);
				__builtin_prefetch(&t->link_first[b]);
				__builtin_prefetch(&depth[b]);
			}
		}
		if (state[root])
			continue;
		if (!t->link_count[root]) {
			/* an original the walk has not met: nothing to walk */
			state[root] = 2;
			depth[root] = 0;
			continue;
		}
		stack[sp++] = (struct dfs_frame){ root, 0 };
		state[root] = 1;
		depth[root] = t->link_count[root] ? 1 : 0;
		while (sp) {
			struct dfs_frame *f = &stack[sp - 1];
			uint32_t v = f->v;
			if (f->next < t->link_count[v]) {
				uint32_t l = t->link_first[v] + f->next++, b = s->link_row[l];
				if (b == UINT32_MAX || state[b] == 1)
					continue;
				if (state[b] == 0) {
					if (sp == cap) {
						struct dfs_frame *p = realloc(stack, 2 * cap * sizeof *p);
						if (!p) {
							free(state);
							free(stack);
							return -1;
						}
						stack = p;
						cap *= 2;
					}
					state[b] = 1;
					depth[b] = t->link_count[b] ? 1 : 0;
					stack[sp++] = (struct dfs_frame){ b, 0 };
					continue;
				}
				if (depth[b] + 1u > depth[v])
					depth[v] = depth[b] == 255 ? 255 : (uint8_t)(depth[b] + 1);
				continue;
			}
			state[v] = 2;
			sp--;
			if (sp) {
				uint32_t u = stack[sp - 1].v;
				if (depth[v] + 1u > depth[u])
					depth[u] = depth[v] == 255 ? 255 : (uint8_t)(depth[v] + 1);
			}
		}
	}
	free(state);
	free(stack);
	return 0;
}

static int link_rel(uint8_t stored)
{
	switch (stored) {
	case HT_REL_ADAPTER: return DREL_ADAPTER;
	case HT_REL_QUANTIZED: return DREL_QUANTIZED;
	case HT_REL_MERGE: return DREL_MERGE;
	default: return DREL_FINETUNE; /* finetune, or a plain base_model:X */
	}
}

int dims_prepare(struct engine *e, enum ht_kind kind)
{
	struct dims_data *d = data_of(e);
	const struct ht_snapshot *s = e->s;
	const struct ht_table *t = &s->t[kind];
	struct dims_kind *dk;
	uint32_t n = t->n;

	if (!d || make_langs(e, d))
		return -1;
	dk = &d->k[kind];
	if (dk->made)
		return 0;
	/* rel and lang are written for every row below, depth by make_depths
	 * (datasets: all 0) */
	dk->rel = table_big_alloc((size_t)n + 1);
	dk->depth = table_big_alloc((size_t)n + 1);
	if (d->n_lang <= 65536)
		dk->lang = table_big_alloc(((size_t)n + 1) * sizeof *dk->lang);
	else
		dk->lang_wide = table_big_alloc(((size_t)n + 1) * sizeof *dk->lang_wide);
	if (!dk->rel || !dk->depth || (!dk->lang && !dk->lang_wide))
		return -1;
	if (kind != HT_MODELS)
		memset(dk->depth, 0, (size_t)n + 1);
	dk->rel[n] = dk->depth[n] = 0;
	if (dk->lang)
		dk->lang[n] = 0;
	else
		dk->lang_wide[n] = 0;
	for (uint32_t i = 0; i < n; i++) {
		int rel = DREL_ORIGINAL;
		uint32_t lb = DLANG_UNKNOWN, nl = 0;
		/* The links and term lists are in the listing's order, not
		 * the rows': each row's first read of them is a cache miss,
		 * asked for ahead. */
		if (i + DIMS_AHEAD < n) {
			if (t->link_count[i + DIMS_AHEAD])
				__builtin_prefetch(&s->link_rel[t->link_first[i + DIMS_AHEAD]]);
			if (t->list_count[i + DIMS_AHEAD])
				__builtin_prefetch(&s->lists[t->list_first[i + DIMS_AHEAD]]);
		}
		for (uint32_t l = t->link_first[i]; l < t->link_first[i] + t->link_count[i]; l++) {
			/* merge > quantized > adapter > finetune: the enum's order */
			int r = link_rel(s->link_rel[l]);
			if (r > rel)
				rel = r;
		}
		dk->rel[i] = (uint8_t)(t->flags[i] & HT_F_NO_TAGS ? DREL_UNKNOWN : rel);
		for (uint32_t l = t->list_first[i]; l < t->list_first[i] + t->list_count[i]; l++) {
			uint32_t term = s->lists[l];
			if (term == d->multi_term && term) {
				nl += 2;
			} else if (d->term_lang[term]) {
				lb = d->term_lang[term];
				nl++;
			}
		}
		if (dk->lang)
			dk->lang[i] = (uint16_t)(nl > 1 ? DLANG_MULTI : lb);
		else
			dk->lang_wide[i] = nl > 1 ? DLANG_MULTI : lb;
	}
	if (kind == HT_MODELS && make_depths(s, dk->depth))
		return -1;
	dk->made = 1;
	return 0;
}

int dims_ready(const struct engine *e, enum ht_kind kind)
{
	return e->dims && e->dims->k[kind].made;
}

const uint8_t *dims_relations(struct engine *e, enum ht_kind kind)
{
	return dims_prepare(e, kind) ? NULL : e->dims->k[kind].rel;
}

const uint8_t *dims_depths(struct engine *e, enum ht_kind kind)
{
	return dims_prepare(e, kind) ? NULL : e->dims->k[kind].depth;
}

uint32_t dims_lang_count(struct engine *e)
{
	struct dims_data *d = data_of(e);
	return d && !make_langs(e, d) ? d->n_lang : 2;
}

const char *dims_lang_code(struct engine *e, uint32_t b)
{
	struct dims_data *d = data_of(e);
	if (b == DLANG_UNKNOWN)
		return "unknown";
	if (b == DLANG_MULTI)
		return "multilingual";
	if (!d || make_langs(e, d) || b >= d->n_lang)
		return "?";
	return ht_term(e->s, d->lang_term[b]) + 9;
}

uint32_t dims_item_lang(struct engine *e, enum ht_kind kind, uint32_t row)
{
	return dims_prepare(e, kind) ? DLANG_UNKNOWN : kind_lang(&e->dims->k[kind], row);
}

/* ---- filter ---------------------------------------------------------------- */

int dims_filter_active(const struct filter *f)
{
	return f->relations || f->n_langs || f->size_from || f->size_to;
}

/* Does the item name the language code (a tag language:CODE, compared
 * without case)? */
static int has_lang(const struct ht_snapshot *s, const struct ht_table *t, uint32_t row, const char *code)
{
	for (uint32_t l = t->list_first[row]; l < t->list_first[row] + t->list_count[row]; l++) {
		const char *name = ht_term(s, s->lists[l]);
		if (!strncmp(name, "language:", 9) && !strcasecmp(name + 9, code))
			return 1;
	}
	return 0;
}

int dims_row_matches(struct engine *e, const struct filter *f, enum ht_kind kind, uint32_t row)
{
	const struct ht_snapshot *s = e->s;
	const struct ht_table *t = &s->t[kind];
	struct dims_kind *dk;

	if (!dims_filter_active(f))
		return 1;
	if (dims_prepare(e, kind))
		return 0;
	dk = &e->dims->k[kind];
	if (f->relations && !(f->relations & (1u << dk->rel[row])))
		return 0;
	if (f->size_from || f->size_to) {
		uint64_t p = ht_params(s, kind, row);
		if (!p || p < f->size_from || (f->size_to && p >= f->size_to))
			return 0;
	}
	if (f->n_langs) {
		int ok = 0;
		for (unsigned i = 0; i < f->n_langs && i < FILTER_MAX_LANGS && !ok; i++) {
			const char *c = f->langs[i];
			if (!strcmp(c, "unknown"))
				ok = kind_lang(dk, row) == DLANG_UNKNOWN;
			else if (!strcmp(c, "multilingual"))
				ok = kind_lang(dk, row) == DLANG_MULTI;
			else
				ok = kind_lang(dk, row) != DLANG_UNKNOWN && has_lang(s, t, row, c);
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* ---- the filter pass ------------------------------------------------------ */

int dims_test_init(struct dims_test *t, struct engine *e, const struct filter *f, enum ht_kind kind, int win,
		   const uint32_t *perm)
{
	const struct ht_table *tb = &e->s->t[kind];
	struct dims_kind *dk;
	uint32_t n = tb->n;
	memset(t, 0, sizeof *t);
	if (dims_prepare(e, kind))
		return -1;
	dk = &e->dims->k[kind];
	t->perm = win ? perm : NULL;
	t->e = e;
	t->f = f;
	t->kind = kind;
	if (t->perm && ((f->relations && !dk->rel_all) || (f->n_langs && !dk->lang_all && !dk->lang_all_wide) ||
			((f->size_from || f->size_to) && tb->params && !dk->params_all))) {
		if (f->relations && !dk->rel_all) {
			if (!(dk->rel_all = malloc((size_t)n + 1)))
				return -1;
			for (uint32_t i = 0; i < n; i++)
				dk->rel_all[i] = dk->rel[perm[i]];
		}
		if (f->n_langs && dk->lang && !dk->lang_all) {
			if (!(dk->lang_all = malloc(((size_t)n + 1) * sizeof *dk->lang_all)))
				return -1;
			for (uint32_t i = 0; i < n; i++)
				dk->lang_all[i] = dk->lang[perm[i]];
		}
		if (f->n_langs && dk->lang_wide && !dk->lang_all_wide) {
			if (!(dk->lang_all_wide = malloc(((size_t)n + 1) * sizeof *dk->lang_all_wide)))
				return -1;
			for (uint32_t i = 0; i < n; i++)
				dk->lang_all_wide[i] = dk->lang_wide[perm[i]];
		}
		if ((f->size_from || f->size_to) && tb->params && !dk->params_all) {
			if (!(dk->params_all = malloc(((size_t)n + 1) * sizeof *dk->params_all)))
				return -1;
			for (uint32_t i = 0; i < n; i++)
				dk->params_all[i] = tb->params[perm[i]];
		}
	}
	if (f->relations) {
		t->rel = t->perm ? dk->rel_all : dk->rel;
		t->rel_mask = f->relations;
	}
	if (f->size_from || f->size_to) {
		/* The column holds 0 for an unknown size (the builder's rule). */
		t->use_size = 1;
		t->params = !tb->params ? NULL : t->perm ? dk->params_all : tb->params;
		t->from = f->size_from ? f->size_from : 1;
		t->to = f->size_to ? f->size_to : UINT64_MAX;
	}
	if (f->n_langs) {
		struct dims_data *d = e->dims;
		t->lang = t->perm ? dk->lang_all : dk->lang;
		t->lang_wide = t->perm ? dk->lang_all_wide : dk->lang_wide;
		if (!(t->lang_pass = calloc(d->n_lang, 1)))
			return -1;
		for (unsigned i = 0; i < f->n_langs && i < FILTER_MAX_LANGS; i++) {
			const char *c = f->langs[i];
			if (!strcmp(c, "unknown")) {
				t->lang_pass[DLANG_UNKNOWN] = 1;
			} else if (!strcmp(c, "multilingual")) {
				t->lang_pass[DLANG_MULTI] = 1;
			} else {
				if (!t->lang_pass[DLANG_MULTI])
					t->lang_pass[DLANG_MULTI] = 2;
				for (uint32_t b = 2; b < d->n_lang; b++)
					if (!strcasecmp(ht_term(e->s, d->lang_term[b]) + 9, c))
						t->lang_pass[b] = 1;
			}
		}
	}
	return 0;
}

void dims_test_free(struct dims_test *t)
{
	free(t->lang_pass);
	t->lang_pass = NULL;
}

/* A multilingual item under codes: does it name one of them? */
static int ask_tags(const struct dims_test *t, uint32_t r)
{
	uint32_t row = t->perm ? t->perm[r] : r;
	const struct ht_table *tb = &t->e->s->t[t->kind];
	for (unsigned i = 0; i < t->f->n_langs && i < FILTER_MAX_LANGS; i++)
		if (has_lang(t->e->s, tb, row, t->f->langs[i]))
			return 1;
	return 0;
}

static int test_rank(const struct dims_test *t, uint32_t r)
{
	if (t->rel && !((t->rel_mask >> t->rel[r]) & 1u))
		return 0;
	if (t->use_size && (!t->params || t->params[r] < t->from || t->params[r] >= t->to))
		return 0;
	if (t->lang || t->lang_wide) {
		uint8_t v = t->lang_pass[t->lang ? t->lang[r] : t->lang_wide[r]];
		return v == 1 || (v == 2 && ask_tags(t, r));
	}
	return 1;
}

uint64_t dims_test_word(const struct dims_test *t, uint32_t base, unsigned cnt, uint64_t cand)
{
	uint64_t m = cand;
	if (cnt < 64) {
		/* the last word: one rank at a time, nothing read past the end */
		uint64_t keep = 0;
		for (uint64_t bits = m; bits; bits &= bits - 1) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			keep |= (uint64_t)test_rank(t, base + b) << b;
		}
		return keep;
	}
	if (t->rel && m) {
		const uint8_t *p = t->rel + base;
		uint64_t g = 0;
		for (unsigned b = 0; b < 64; b++)
			g |= (uint64_t)((t->rel_mask >> p[b]) & 1u) << b;
		m &= g;
	}
	if (t->use_size && m) {
		uint64_t g = 0;
		if (t->params) {
			const uint64_t *p = t->params + base;
			for (unsigned b = 0; b < 64; b++)
				g |= (uint64_t)(p[b] >= t->from && p[b] < t->to) << b;
		}
		m &= g;
	}
	if ((t->lang || t->lang_wide) && m) {
		uint64_t g = 0, ask = 0;
		if (t->lang) {
			const uint16_t *p = t->lang + base;
			for (unsigned b = 0; b < 64; b++) {
				uint8_t v = t->lang_pass[p[b]];
				g |= (uint64_t)(v & 1u) << b;
				ask |= (uint64_t)(v >> 1) << b;
			}
		} else {
			const uint32_t *p = t->lang_wide + base;
			for (unsigned b = 0; b < 64; b++) {
				uint8_t v = t->lang_pass[p[b]];
				g |= (uint64_t)(v & 1u) << b;
				ask |= (uint64_t)(v >> 1) << b;
			}
		}
		for (ask &= m; ask; ask &= ask - 1) {
			unsigned b = (unsigned)__builtin_ctzll(ask);
			g |= (uint64_t)ask_tags(t, base + b) << b;
		}
		m &= g;
	}
	return m;
}

/* ---- shares ---------------------------------------------------------------- */

/* The k-th smallest of a[0..n) (k < n), a reordered: a quickselect with
 * three-way partitions (sizes repeat a lot) around pseudo-random pivots.
 * O(n) expected, where sorting for a median was O(n log n). */
static uint64_t u64_select(uint64_t *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n; /* the k-th is in [lo, hi) */
	uint64_t x = 0x9e3779b97f4a7c15ull ^ n;
	while (hi - lo > 1) {
		uint64_t p;
		size_t lt = lo, i = lo, gt = hi;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p = a[lo + x % (hi - lo)];
		/* [lo, lt) < p, [lt, i) == p, [gt, hi) > p */
		while (i < gt) {
			uint64_t v = a[i];
			if (v < p) {
				a[i++] = a[lt];
				a[lt++] = v;
			} else if (v > p) {
				a[i] = a[--gt];
				a[gt] = v;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return p;
	}
	return a[k];
}

struct lang_sort {
	const struct dims_shares *d;
	struct engine *e;
};

static int lang_order_cmp(const void *a, const void *b, void *ctx)
{
	const struct lang_sort *ls = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t cx = ls->d->lang[x].count, cy = ls->d->lang[y].count;
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(dims_lang_code(ls->e, x), dims_lang_code(ls->e, y));
}

struct dims_shares *dims_shares(struct engine *e, const struct eng_result *r)
{
	enum ht_kind kind = r->kind;
	const struct kdata *kd = &e->k[kind];
	const struct ht_snapshot *s = e->s;
	const uint64_t *bits;
	const uint64_t *wdl_col = win_downloads(e, kind, filter_win(&r->filter)); /* engine_item_downloads */
	size_t nw = words_of(s->t[kind].n);
	struct dims_shares *d;
	struct dims_kind *dk;
	uint64_t ny[ENG_YEARS + 1] = { 0 };
	unsigned __int128 wsum[ENG_YEARS + 1] = { 0 };
	uint64_t wdl[ENG_YEARS + 1] = { 0 };
	uint64_t nk = 0;

	if (dims_prepare(e, kind))
		return NULL;
	dk = &e->dims->k[kind];
	d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->n_lang = e->dims->n_lang;
	d->lang = calloc(d->n_lang, sizeof *d->lang);
	d->lang_year = calloc((size_t)ENG_YEARS * d->n_lang, sizeof *d->lang_year);
	d->lang_order = malloc(d->n_lang * sizeof *d->lang_order);
	/* The matches by row (the order does not change a sum): in row
	 * order the columns are read in sequence. */
	bits = r->n ? eng_result_rbits(e, r) : NULL;
	if (!d->lang || !d->lang_year || !d->lang_order || (r->n && !bits))
		goto fail;
	for (size_t w = 0; r->n && w < nw; w++)
		for (uint64_t m = bits[w]; m; m &= m - 1) {
			uint32_t row = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(m));
			unsigned y = kd->year[row];
			uint64_t dl = wdl_col ? wdl_col[row] : 0;
			uint64_t p = ht_params(s, kind, row);
			int rel = dk->rel[row], sb = dims_size_bucket(p);
			uint32_t lb = kind_lang(dk, row);
			d->rel[rel].count++;
			d->rel[rel].downloads += dl;
			d->rel_year[y][rel].count++;
			d->rel_year[y][rel].downloads += dl;
			d->depth[dk->depth[row] > 7 ? 7 : dk->depth[row]]++;
			d->size[sb].count++;
			d->size[sb].downloads += dl;
			d->size_year[y][sb].count++;
			d->size_year[y][sb].downloads += dl;
			d->lang[lb].count++;
			d->lang[lb].downloads += dl;
			d->lang_year[(size_t)y * d->n_lang + lb].count++;
			d->lang_year[(size_t)y * d->n_lang + lb].downloads += dl;
			if (p) {
				nk++;
				ny[y]++;
				wsum[y] += (unsigned __int128)p * dl;
				wdl[y] += dl;
			}
		}
	/* Medians: the known sizes grouped by year (a counting sort, a
	 * second pass), the lower median of each group by selection; the
	 * whole array holds them all for the overall one. */
	{
		uint64_t *by = table_big_alloc(((size_t)nk + 1) * sizeof *by);
		uint64_t off[ENG_YEARS + 1], at[ENG_YEARS];
		if (!by)
			goto fail;
		off[0] = 0;
		for (unsigned y = 0; y < ENG_YEARS; y++)
			off[y + 1] = off[y] + ny[y];
		memcpy(at, off, sizeof at);
		for (size_t w = 0; nk && w < nw; w++)
			for (uint64_t m = bits[w]; m; m &= m - 1) {
				uint32_t row = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(m));
				uint64_t p = ht_params(s, kind, row);
				if (p)
					by[at[kd->year[row]]++] = p;
			}
		for (unsigned y = 0; y < ENG_YEARS; y++) {
			d->size_known[y] = ny[y];
			if (!ny[y])
				continue;
			/* the lower median: a size some model has */
			d->size_median[y] = u64_select(by + off[y], ny[y], (ny[y] - 1) / 2);
			d->size_wmean[y] = wdl[y] ? (double)wsum[y] / (double)wdl[y] : NAN;
			wsum[ENG_YEARS] += wsum[y];
			wdl[ENG_YEARS] += wdl[y];
		}
		d->size_known[ENG_YEARS] = nk;
		if (nk)
			d->size_median[ENG_YEARS] = u64_select(by, nk, (nk - 1) / 2);
		free(by);
		d->size_wmean[ENG_YEARS] = wdl[ENG_YEARS] ? (double)wsum[ENG_YEARS] / (double)wdl[ENG_YEARS] : NAN;
		for (unsigned y = 0; y < ENG_YEARS; y++)
			if (!ny[y])
				d->size_wmean[y] = NAN;
	}
	for (uint32_t b = 0; b < d->n_lang; b++)
		if (d->lang[b].count)
			d->lang_order[d->n_lang_used++] = b;
	{
		struct lang_sort ls = { d, e };
		qsort_r(d->lang_order, d->n_lang_used, sizeof *d->lang_order, lang_order_cmp, &ls);
	}
	return d;
fail:
	dims_shares_free(d);
	return NULL;
}

void dims_shares_free(struct dims_shares *d)
{
	if (!d)
		return;
	free(d->lang);
	free(d->lang_year);
	free(d->lang_order);
	free(d);
}

/* ---- bases ------------------------------------------------------------------ */

/* The distinct bases of the links, made on first use (O(links + the
 * bases' chains)) and kept.  The builder stores a base id once in the
 * pool, so a base is a pool offset; bases are numbered as the links name
 * them.  Owners (the part of an id before '/') are numbered too:
 * grouping by owner then adds up arrays instead of sorting names.  Each
 * base's chain (itself and every base up from it, once each) is listed:
 * a match naming one base counts in exactly those, so the matches are
 * added up by base first and spread up the chains after. */
struct dims_lineage {
	uint32_t n;            /* bases */
	uint32_t *link_base;   /* per link: its base's number */
	uint32_t *off;         /* per base: pool offset of its id */
	uint32_t *row;         /* per base: its model row, UINT32_MAX outside */
	uint32_t *owner;       /* per base: its owner's number */
	uint32_t n_owners;
	uint32_t *owner_base;  /* per owner: its first base (whose id starts with it) */
	uint32_t *owner_len;   /* per owner: its length */
	uint32_t *up_first;    /* per base (n + 1): where its chain starts in up */
	uint32_t *up;          /* the chains, base numbers */
};

static void lineage_free(struct dims_lineage *lin)
{
	if (!lin)
		return;
	free(lin->link_base);
	free(lin->off);
	free(lin->row);
	free(lin->owner);
	free(lin->owner_base);
	free(lin->owner_len);
	free(lin->up_first);
	free(lin->up);
	free(lin);
}

void eng_dims_memory(const struct engine *e, enum ht_kind kind, size_t (*size_of)(const void *), size_t *rows,
		     size_t *lineage)
{
	const struct dims_data *d = e->dims;
	const struct dims_kind *dk = d ? &d->k[kind] : NULL;
	const struct dims_lineage *lin = d ? d->lin : NULL;
	*rows = *lineage = 0;
	if (dk)
		*rows = size_of(dk->rel) + size_of(dk->depth) + size_of(dk->lang) + size_of(dk->lang_wide) +
			size_of(dk->rel_all) + size_of(dk->lang_all) + size_of(dk->lang_all_wide) +
			size_of(dk->params_all);
	if (lin && kind == HT_MODELS)
		*lineage = size_of(lin->link_base) + size_of(lin->off) + size_of(lin->row) + size_of(lin->owner) +
			   size_of(lin->owner_base) + size_of(lin->owner_len) + size_of(lin->up_first) +
			   size_of(lin->up);
}

/* Numbers the bases of the links that none numbered yet (outside: only
 * those outside the snapshot), in the order the links name them: a map
 * from pool offset to number (offset << 32 | number + 1 a slot), grown
 * at half full.  0 ok, -1 out of memory. */
static int number_by_offset(const struct ht_snapshot *s, struct dims_lineage *lin, int outside)
{
	uint64_t cap = 1 << 12, *slot = calloc(cap, sizeof *slot);
	uint32_t first = lin->n;
	if (!slot)
		return -1;
	for (uint32_t l = 0; l < s->n_links; l++) {
		uint32_t key = s->link_base[l];
		uint64_t h = ((uint64_t)key * 0x9e3779b97f4a7c15ull) >> 20 & (cap - 1);
		if (outside && s->link_row[l] != UINT32_MAX)
			continue;
		for (; slot[h] && slot[h] >> 32 != key; h = (h + 1) & (cap - 1))
			;
		if (!slot[h]) {
			uint32_t b = lin->n++;
			lin->off[b] = key;
			lin->row[b] = s->link_row[l];
			slot[h] = (uint64_t)key << 32 | (b + 1u);
			if (2 * (uint64_t)(lin->n - first) > cap) {
				uint64_t *ns = calloc(2 * cap, sizeof *ns);
				if (!ns) {
					free(slot);
					return -1;
				}
				cap *= 2;
				for (uint32_t c = first; c < lin->n; c++) {
					uint64_t g = ((uint64_t)lin->off[c] * 0x9e3779b97f4a7c15ull) >> 20 & (cap - 1);
					while (ns[g])
						g = (g + 1) & (cap - 1);
					ns[g] = (uint64_t)lin->off[c] << 32 | (c + 1u);
				}
				free(slot);
				slot = ns;
			}
			lin->link_base[l] = b;
		} else {
			lin->link_base[l] = (uint32_t)slot[h] - 1;
		}
	}
	free(slot);
	return 0;
}

/* The bases in the snapshot are numbered by their rows: a bitmap of the
 * rows that are bases, and its ranks (both fit a core's cache, where a map
 * of offsets would not); then those outside by offset.  A base is one
 * pool string and one row (the builder resolved each once): when two
 * strings name one row all are numbered by offset instead.  off must be
 * cleared (no base id is at offset 0).  0 ok, -1 out of memory. */
static int number_bases(const struct ht_snapshot *s, struct dims_lineage *lin)
{
	size_t nw = words_of(s->t[HT_MODELS].n);
	uint64_t *is_base = calloc(nw + 1, sizeof *is_base);
	uint32_t *rank = malloc((nw + 1) * sizeof *rank), n_in = 0;
	int one_string = 1;
	if (!is_base || !rank) {
		free(is_base);
		free(rank);
		return -1;
	}
	for (uint32_t l = 0; l < s->n_links; l++) {
		uint32_t r = s->link_row[l];
		if (r != UINT32_MAX)
			is_base[r / 64] |= 1ull << (r % 64);
	}
	for (size_t w = 0; w < nw; w++) {
		rank[w] = n_in;
		n_in += (uint32_t)__builtin_popcountll(is_base[w]);
	}
	for (uint32_t l = 0; l < s->n_links && one_string; l++) {
		uint32_t r = s->link_row[l], b;
		if (r == UINT32_MAX)
			continue;
		b = rank[r / 64] + (uint32_t)__builtin_popcountll(is_base[r / 64] & ((1ull << (r % 64)) - 1));
		if (!lin->off[b]) {
			lin->off[b] = s->link_base[l];
			lin->row[b] = r;
		}
		one_string = lin->off[b] == s->link_base[l];
		lin->link_base[l] = b;
	}
	free(is_base);
	free(rank);
	if (!one_string) {
		memset(lin->off, 0, (size_t)n_in * sizeof *lin->off);
		return number_by_offset(s, lin, 0);
	}
	lin->n = n_in;
	return number_by_offset(s, lin, 1);
}

static uint64_t owner_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h ^ h >> 29;
}

/* Each base's chain, as dims_bases walked it for a match naming only that
 * base: breadth first, through the rows of the bases in the snapshot,
 * each base once (so a cycle ends). */
static int up_push(struct dims_lineage *lin, size_t *cap, size_t *len, uint32_t c)
{
	if (*len == *cap) {
		uint32_t *p;
		if (*cap >= UINT32_MAX / 2 || !(p = realloc(lin->up, 2 * *cap * sizeof *p)))
			return -1;
		lin->up = p;
		*cap *= 2;
	}
	lin->up[(*len)++] = c;
	return 0;
}

static int lineage_chains(const struct ht_snapshot *s, struct dims_lineage *lin)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t *stamp = calloc((size_t)lin->n + 1, sizeof *stamp);
	size_t cap = (size_t)lin->n + 16, len = 0;

	lin->up_first = malloc(((size_t)lin->n + 1) * sizeof *lin->up_first);
	lin->up = malloc(cap * sizeof *lin->up);
	if (!stamp || !lin->up_first || !lin->up)
		goto fail;
	for (uint32_t b = 0; b < lin->n; b++) {
		size_t at = len;
		/* ahead: the base's row's links, then the first link's base */
		if (b + 2 * DIMS_AHEAD < lin->n && lin->row[b + 2 * DIMS_AHEAD] != UINT32_MAX) {
			__builtin_prefetch(&t->link_first[lin->row[b + 2 * DIMS_AHEAD]]);
			__builtin_prefetch(&t->link_count[lin->row[b + 2 * DIMS_AHEAD]]);
		}
		if (b + DIMS_AHEAD < lin->n && lin->row[b + DIMS_AHEAD] != UINT32_MAX &&
		    t->link_count[lin->row[b + DIMS_AHEAD]])
			__builtin_prefetch(&lin->link_base[t->link_first[lin->row[b + DIMS_AHEAD]]]);
		lin->up_first[b] = (uint32_t)len;
		stamp[b] = b + 1;
		if (up_push(lin, &cap, &len, b))
			goto fail;
		for (; at < len; at++) {
			uint32_t row = lin->row[lin->up[at]];
			if (row == UINT32_MAX)
				continue;
			for (uint32_t m = t->link_first[row]; m < t->link_first[row] + t->link_count[row]; m++) {
				uint32_t c = lin->link_base[m];
				if (stamp[c] == b + 1)
					continue;
				stamp[c] = b + 1;
				if (up_push(lin, &cap, &len, c))
					goto fail;
			}
		}
	}
	lin->up_first[lin->n] = (uint32_t)len;
	free(stamp);
	return 0;
fail:
	free(stamp);
	return -1;
}

/* Numbers the owners of the bases (by_owner's first use). */
static int lineage_owners(const struct ht_snapshot *s, struct dims_lineage *lin)
{
	uint64_t cap = 16;
	uint32_t *slot;

	lin->owner = malloc(((size_t)lin->n + 1) * sizeof *lin->owner);
	lin->owner_base = malloc(((size_t)lin->n + 1) * sizeof *lin->owner_base);
	lin->owner_len = malloc(((size_t)lin->n + 1) * sizeof *lin->owner_len);
	while (cap < 2 * (uint64_t)lin->n)
		cap *= 2;
	slot = calloc(cap, sizeof *slot); /* owner number + 1, 0 empty */
	if (!lin->owner || !lin->owner_base || !lin->owner_len || !slot) {
		free(lin->owner);
		free(lin->owner_base);
		free(lin->owner_len);
		lin->owner = lin->owner_base = lin->owner_len = NULL;
		free(slot);
		return -1;
	}
	for (uint32_t b = 0; b < lin->n; b++) {
		const char *id = ht_str(s, lin->off[b]);
		size_t ol;
		uint64_t h;
		uint32_t o;
		if (b + DIMS_AHEAD < lin->n)
			__builtin_prefetch(ht_str(s, lin->off[b + DIMS_AHEAD]));
		ol = strcspn(id, "/");
		for (h = owner_hash(id, ol) & (cap - 1); slot[h]; h = (h + 1) & (cap - 1)) {
			o = slot[h] - 1;
			if (lin->owner_len[o] == ol && !memcmp(ht_str(s, lin->off[lin->owner_base[o]]), id, ol))
				break;
		}
		if (!slot[h]) {
			o = lin->n_owners++;
			slot[h] = o + 1;
			lin->owner_base[o] = b;
			lin->owner_len[o] = (uint32_t)ol;
		}
		lin->owner[b] = slot[h] - 1;
	}
	free(slot);
	return 0;
}

/* The engine's lineage pieces, made on first use; by_owner: with owners. */
static struct dims_lineage *lineage_of(struct engine *e, int by_owner)
{
	struct dims_data *d = data_of(e);
	const struct ht_snapshot *s = e->s;
	struct dims_lineage *lin;

	if (!d)
		return NULL;
	if (!(lin = d->lin)) {
		if (!(lin = calloc(1, sizeof *lin)))
			return NULL;
		/* off and row: room for a base a link, only the bases' pages touched */
		lin->link_base = table_big_alloc(((size_t)s->n_links + 1) * sizeof *lin->link_base);
		lin->off = calloc((size_t)s->n_links + 1, sizeof *lin->off);
		lin->row = malloc(((size_t)s->n_links + 1) * sizeof *lin->row);
		if (!lin->link_base || !lin->off || !lin->row || number_bases(s, lin)) {
			lineage_free(lin);
			return NULL;
		}
		/* a base a link was room enough: keep what the bases use */
		{
			uint32_t *p;
			if ((p = realloc(lin->off, ((size_t)lin->n + 1) * sizeof *p)))
				lin->off = p;
			if ((p = realloc(lin->row, ((size_t)lin->n + 1) * sizeof *p)))
				lin->row = p;
		}
		if (lineage_chains(s, lin)) {
			lineage_free(lin);
			return NULL;
		}
		d->lin = lin;
	}
	if (by_owner && !lin->owner && lineage_owners(s, lin))
		return NULL;
	return lin;
}

/* A base's (or an owner's) counts while they are added up: one cache
 * line, the one miss of a link.  one, one_downloads: the matches that
 * name only this base (spread up its chain at the end); seen: the last
 * match of several links counted in its chain (its row + 1). */
struct base_acc {
	uint64_t direct, chain;
	uint64_t direct_downloads, chain_downloads, one_downloads;
	uint32_t one, seen;
	uint32_t by_rel[4];   /* DREL_FINETUNE .. DREL_MERGE */
};

/* n + 1 of them, cleared, each on one cache line (64 bytes, 64-aligned). */
static struct base_acc *acc_alloc(uint32_t n)
{
	size_t size = ((size_t)n + 1) * sizeof(struct base_acc);
	struct base_acc *a = size >= ((size_t)4 << 20) ? table_big_alloc(size) : aligned_alloc(64, size);
	if (a)
		memset(a, 0, size);
	return a;
}

/* One of the ranked: its counts and its number (base or owner). */
struct base_key {
	uint64_t direct, chain;
	uint32_t no;
};

struct base_order {
	const struct ht_snapshot *s;
	const struct dims_lineage *lin;
	int by_owner;
};

/* Direct descending, then chain, then name; then the pool offset, so that
 * two bases of one name (two pool strings) keep the order of their offsets. */
static int key_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct base_key *x = pa, *y = pb;
	const struct base_order *o = ctx;
	int c;
	if (x->direct != y->direct)
		return x->direct > y->direct ? -1 : 1;
	if (x->chain != y->chain)
		return x->chain > y->chain ? -1 : 1;
	if (o->by_owner) {
		uint32_t lx = o->lin->owner_len[x->no], ly = o->lin->owner_len[y->no];
		c = memcmp(ht_str(o->s, o->lin->off[o->lin->owner_base[x->no]]),
			   ht_str(o->s, o->lin->off[o->lin->owner_base[y->no]]), lx < ly ? lx : ly);
		if (!c)
			c = lx < ly ? -1 : lx > ly;
	} else {
		uint32_t ox = o->lin->off[x->no], oy = o->lin->off[y->no];
		c = strcmp(ht_str(o->s, ox), ht_str(o->s, oy));
		if (!c)
			c = ox < oy ? -1 : ox > oy;
	}
	return c;
}

/* The first limit of keys[0..n) in key_cmp's order, sorted, moved to the
 * front; returns how many.  A heap of the best limit seen (its root the
 * worst of them): O(n log limit). */
static size_t keys_top(struct base_key *k, size_t n, size_t limit, struct base_order *o)
{
	size_t h = 0;
	if (!limit || limit >= n) {
		qsort_r(k, n, sizeof *k, key_cmp, o);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		struct base_key x = k[i];
		size_t at;
		if (h < limit) {
			/* sift up */
			for (at = h++; at && key_cmp(&k[(at - 1) / 2], &x, o) < 0; at = (at - 1) / 2)
				k[at] = k[(at - 1) / 2];
			k[at] = x;
			continue;
		}
		if (key_cmp(&x, &k[0], o) >= 0)
			continue;
		/* replace the root, sift down */
		for (at = 0;;) {
			size_t c = 2 * at + 1;
			if (c >= h)
				break;
			if (c + 1 < h && key_cmp(&k[c + 1], &k[c], o) > 0)
				c++;
			if (key_cmp(&k[c], &x, o) <= 0)
				break;
			k[at] = k[c];
			at = c;
		}
		k[at] = x;
	}
	qsort_r(k, h, sizeof *k, key_cmp, o);
	return h;
}

size_t dims_bases_top(struct engine *e, const struct eng_result *r, int by_owner, size_t limit,
		      struct dims_base **out)
{
	const struct ht_snapshot *s = e->s;
	const struct ht_table *t = &s->t[HT_MODELS];
	const struct dims_lineage *lin;
	const uint64_t *bits = NULL;
	const uint64_t *wdl_col = win_downloads(e, HT_MODELS, filter_win(&r->filter)); /* engine_item_downloads */
	size_t nw = words_of(t->n);
	struct base_acc *acc = NULL, *oacc = NULL, *sum;
	struct base_key *keys = NULL;
	struct base_order order;
	struct dims_base *res;
	uint32_t n_sum;
	size_t nk = 0;

	*out = NULL;
	if (r->kind != HT_MODELS)
		return 0;
	if (r->n && !(bits = eng_result_rbits(e, r)))
		return (size_t)-1;
	if (!(lin = lineage_of(e, by_owner)))
		return (size_t)-1;
	if (!(acc = acc_alloc(lin->n)))
		goto fail;
	/* The matches by row: the counts do not depend on their order, and
	 * a row stamps the bases it counted in its chain. */
	for (size_t w = 0; r->n && w < nw; w++)
		for (uint64_t bm = bits[w]; bm; bm &= bm - 1) {
			uint32_t row = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bm));
			uint32_t first = t->link_first[row], cnt = t->link_count[row];
			uint64_t dl;
			/* Ahead (by row: the links are in the listing's order),
			 * in two steps, the second reading what the first
			 * brought in: a row's first link, that base's counts. */
			if (row + 2 * DIMS_AHEAD < t->n && t->link_count[row + 2 * DIMS_AHEAD]) {
				__builtin_prefetch(&lin->link_base[t->link_first[row + 2 * DIMS_AHEAD]]);
				__builtin_prefetch(&s->link_rel[t->link_first[row + 2 * DIMS_AHEAD]]);
			}
			if (row + DIMS_AHEAD < t->n && t->link_count[row + DIMS_AHEAD])
				__builtin_prefetch(&acc[lin->link_base[t->link_first[row + DIMS_AHEAD]]]);
			if (!cnt)
				continue;
			dl = wdl_col ? wdl_col[row] : 0;
			for (uint32_t l = first; l < first + cnt; l++) {
				struct base_acc *a = &acc[lin->link_base[l]];
				a->direct++;
				a->direct_downloads += dl;
				a->by_rel[link_rel(s->link_rel[l]) - DREL_FINETUNE]++;
			}
			if (cnt == 1) {
				struct base_acc *a = &acc[lin->link_base[first]];
				a->one++;
				a->one_downloads += dl;
				continue;
			}
			/* Several links: the union of their chains, each base once. */
			for (uint32_t l = first; l < first + cnt; l++) {
				uint32_t b = lin->link_base[l];
				for (uint32_t u = lin->up_first[b]; u < lin->up_first[b + 1]; u++) {
					struct base_acc *c = &acc[lin->up[u]];
					if (c->seen != row + 1) {
						c->seen = row + 1;
						c->chain++;
						c->chain_downloads += dl;
					}
				}
			}
		}
	for (uint32_t b = 0; b < lin->n; b++) {
		uint32_t one = acc[b].one;
		uint64_t one_dl = acc[b].one_downloads;
		if (!one)
			continue;
		for (uint32_t u = lin->up_first[b]; u < lin->up_first[b + 1]; u++) {
			acc[lin->up[u]].chain += one;
			acc[lin->up[u]].chain_downloads += one_dl;
		}
	}
	sum = acc;
	n_sum = lin->n;
	if (by_owner) {
		/* One row per owner: a chain count adds its bases' counts (a
		 * derivative of two of one owner's bases counts twice there). */
		if (!(oacc = acc_alloc(lin->n_owners)))
			goto fail;
		for (uint32_t b = 0; b < lin->n; b++) {
			struct base_acc *o = &oacc[lin->owner[b]];
			if (!acc[b].direct && !acc[b].chain)
				continue;
			o->direct += acc[b].direct;
			o->chain += acc[b].chain;
			o->direct_downloads += acc[b].direct_downloads;
			o->chain_downloads += acc[b].chain_downloads;
			for (int k = 0; k < 4; k++)
				o->by_rel[k] += acc[b].by_rel[k];
		}
		sum = oacc;
		n_sum = lin->n_owners;
	}
	if (!(keys = malloc(((size_t)n_sum + 1) * sizeof *keys)))
		goto fail;
	for (uint32_t b = 0; b < n_sum; b++)
		if (sum[b].direct || sum[b].chain)
			keys[nk++] = (struct base_key){ sum[b].direct, sum[b].chain, b };
	order = (struct base_order){ s, lin, by_owner };
	nk = keys_top(keys, nk, limit, &order);
	if (!(res = malloc((nk + 1) * sizeof *res)))
		goto fail;
	for (size_t i = 0; i < nk; i++) {
		const struct base_acc *a = &sum[keys[i].no];
		struct dims_base *x = &res[i];
		uint32_t b = by_owner ? lin->owner_base[keys[i].no] : keys[i].no;
		x->id = ht_str(s, lin->off[b]);
		x->id_len = by_owner ? lin->owner_len[keys[i].no] : strlen(x->id);
		x->row = by_owner ? UINT32_MAX : lin->row[b];
		x->direct = a->direct;
		x->chain = a->chain;
		x->direct_downloads = a->direct_downloads;
		x->chain_downloads = a->chain_downloads;
		for (int k = 0; k < DREL_COUNT; k++)
			x->by_rel[k] = k >= DREL_FINETUNE && k <= DREL_MERGE ? a->by_rel[k - DREL_FINETUNE] : 0;
	}
	free(acc);
	free(oacc);
	free(keys);
	*out = res;
	return nk;
fail:
	free(acc);
	free(oacc);
	free(keys);
	return (size_t)-1;
}

size_t dims_bases(struct engine *e, const struct eng_result *r, int by_owner, struct dims_base **out)
{
	return dims_bases_top(e, r, by_owner, 0, out);
}

size_t dims_derivatives(struct engine *e, const struct eng_result *r, const char *base, uint32_t **out)
{
	const struct ht_snapshot *s = e->s;
	const struct ht_table *t = &s->t[HT_MODELS];
	const uint32_t *rows = NULL;
	size_t n = 0;

	*out = NULL;
	if (r->kind != HT_MODELS || !r->n)
		return 0;
	if (!(rows = engine_result_rows(e, r)) || !(*out = malloc((size_t)r->n * sizeof **out)))
		return (size_t)-1;
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t row = rows[i];
		for (uint32_t l = t->link_first[row]; l < t->link_first[row] + t->link_count[row]; l++)
			if (!strcmp(ht_str(s, s->link_base[l]), base)) {
				(*out)[n++] = row;
				break;
			}
	}
	return n;
}

/* engine_rank.c - orders of a result's items (engine_sort_top,
 * engine_sort_items) and the aggregate rankings by account, organisation,
 * country, group and type (engine_rank*). */
#include "engine_priv.h"
#include "hubtop/dims.h"

/* In perm[lo, hi), rows by creation descending, the first position whose
 * creation is below t (hi when none). */
static uint32_t created_bound(const int64_t *cr, const uint32_t *cr32, const uint32_t *perm, uint32_t lo,
			      uint32_t hi, int64_t t)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if ((cr32 ? (int64_t)cr32[perm[mid]] : cr[perm[mid]]) >= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Items, oldest modification first, unknown last: the newest-first order
 * (unknown last) with its known part reversed.  O(n). */
static size_t modified_ascending(struct engine *e, const struct eng_result *r, size_t limit, uint32_t *out)
{
	const int64_t *mod = e->s->t[r->kind].modified;
	uint32_t n = r->n, want = limit < n ? (uint32_t)limit : n, known, j = 0;
	uint32_t *all = malloc(((size_t)n + 1) * sizeof *all);
	if (!all || engine_sort_top(e, r, SORT_MODIFIED, 1, n, all) != n) {
		free(all);
		return (size_t)-1;
	}
	for (known = n; known && !mod[all[known - 1]]; known--)
		;
	for (uint32_t i = known; i > 0 && j < want; i--)
		out[j++] = all[i - 1];
	for (uint32_t i = known; i < n && j < want; i++)
		out[j++] = all[i];
	free(all);
	return j;
}

size_t engine_sort_top(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc,
		       size_t limit, uint32_t *out)
{
	uint32_t n = r->n, want = limit < n ? (uint32_t)limit : n, j = 0;
	if (sort == SORT_MODIFIED && !desc)
		return modified_ascending(e, r, limit, out);
	if (sort >= SORT_COUNTRY && sort < SORT_ITEM_KEY_END) {
		uint32_t *all = malloc(((size_t)n + 1) * sizeof *all);
		if (!all || eng_sort_text_col(e, r, sort, desc, all)) {
			free(all);
			return (size_t)-1;
		}
		memcpy(out, all, (size_t)want * sizeof *out);
		free(all);
		return want;
	}
	if (sort == SORT_DOWNLOADS || sort == SORT_COUNT || ((unsigned)sort >= SORT_KEY_COUNT && sort != SORT_MODIFIED)) {
		for (uint32_t i = 0; i < want; i++)
			out[i] = engine_row_at(e, r, desc ? i : n - 1 - i);
		return want;
	}
	if ((uint64_t)n * 32 <= e->k[r->kind].n) {
		/* A small result: sorting it beats a walk over the whole order. */
		const uint32_t *rows = engine_result_rows(e, r);
		int rc;
		if (!rows)
			return (size_t)-1;
		const struct ord *o0 = &e->k[r->kind].o[WIN_30D];
		rc = eng_sort_rows_radix(e->s, r->kind, sort, o0->perm ? NULL : o0->created, rows, n, want, desc, out);
		if (rc < 0)
			return (size_t)-1;
		if (rc == 0)
			return want;
		{
			struct sort_ctx c = { e->s, r->kind, sort };
			uint32_t *all = malloc(((size_t)n + 1) * sizeof *all);
			if (!all)
				return (size_t)-1;
			memcpy(all, rows, (size_t)n * sizeof *all);
			qsort_r(all, n, sizeof *all, eng_cmp_rows, &c);
			for (uint32_t i = 0; i < want; i++)
				out[i] = all[desc ? i : n - 1 - i];
			free(all);
		}
		return want;
	}
	{
		struct kdata *kd = &e->k[r->kind];
		const uint32_t *perm = eng_get_perm(e, r->kind, sort), *rank = result_ord(e, r)->rank;
		/* The whole order: the bits by row (made once); a first screen:
		 * each row's rank looked up, for the few rows visited. */
		const uint64_t *bits = want == n || !rank ? eng_result_rbits(e, r) : ((const struct result_priv *)r)->ms.bits;
		if (!perm || !bits)
			return (size_t)-1;
		uint32_t lo = 0, hi = kd->n, len;
		if (bits != ((const struct result_priv *)r)->ms.bits)
			rank = NULL;
		if (sort == SORT_CREATED) {
			/* Sorted by the very date the filter bounds: the rows
			 * outside the range, a run at each end, are not read. */
			const int64_t *cr = e->s->t[r->kind].created;
			/* (the narrow copy by row, when there is one: equal values) */
			const uint32_t *cr32 = kd->o[WIN_30D].perm ? NULL : kd->o[WIN_30D].created;
			if (r->filter.created_to)
				lo = created_bound(cr, cr32, perm, 0, kd->n, r->filter.created_to);
			if (r->filter.created_from)
				hi = created_bound(cr, cr32, perm, lo, kd->n, r->filter.created_from);
		}
		len = hi - lo;
		if (rank) {
			/* Each rank is a miss: fetched a stretch ahead, so the
			 * misses overlap (a first screen may pass over a million
			 * rows that do not match). */
			const uint32_t lag = 24;
			for (uint32_t i = 0; i < len && j < want; i++) {
				uint32_t row = perm[desc ? lo + i : hi - 1 - i], rk = rank[row];
				if (i + lag < len)
					__builtin_prefetch(&rank[perm[desc ? lo + i + lag : hi - 1 - i - lag]]);
				if ((bits[rk >> 6] >> (rk & 63)) & 1)
					out[j++] = row;
			}
		} else {
			for (uint32_t i = 0; i < len && j < want; i++) {
				uint32_t row = perm[desc ? lo + i : hi - 1 - i];
				if ((bits[row >> 6] >> (row & 63)) & 1)
					out[j++] = row;
			}
		}
	}
	return j;
}

int engine_sort_items_into(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc,
			   uint32_t *out)
{
	if (sort >= SORT_COUNTRY && sort < SORT_ITEM_KEY_END)
		return eng_sort_text_col(e, r, sort, desc, out) ? -1 : 0;
	if (sort == SORT_DOWNLOADS || sort == SORT_COUNT || ((unsigned)sort >= SORT_KEY_COUNT && sort != SORT_MODIFIED)) {
		const uint32_t *rows = engine_result_rows(e, r);
		uint32_t n = r->n;
		if (!rows)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			out[i] = rows[desc ? i : n - 1 - i];
		return 0;
	}
	return engine_sort_top(e, r, sort, desc, r->n, out) == (size_t)-1 ? -1 : 0;
}

uint32_t *engine_sort_items(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc)
{
	/* On huge pages: an export's order of millions of rows is otherwise
	 * thousands of fresh-page faults. */
	uint32_t *out = table_big_alloc(((size_t)r->n + 1) * sizeof *out);
	if (!out)
		return NULL;
	if (engine_sort_items_into(e, r, sort, desc, out)) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- aggregate rankings ------------------------------------------------- */

const char *const eng_year_labels[ENG_YEARS] = {
	"legacy", "2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022",
	"2023", "2024", "2025", "2026", "2027", "2028", "2029", "2030"
};

static uint64_t row_value(const struct eng_row *w, enum eng_sort s);

/* Descending key, ties by label then key index ascending. */
static int cmp_rank(const void *pa, const void *pb, void *pc)
{
	const struct eng_row *a = pa, *b = pb;
	enum eng_sort s = *(const enum eng_sort *)pc;
	int r;
	switch (s) {
	case SORT_LIKES:
		r = (a->likes < b->likes) - (a->likes > b->likes);
		break;
	case SORT_TRENDING:
		r = (a->trending < b->trending) - (a->trending > b->trending);
		break;
	case SORT_CREATED:
		r = (a->created < b->created) - (a->created > b->created);
		break;
	case SORT_COUNT:
		r = (a->count < b->count) - (a->count > b->count);
		break;
	case SORT_NAME:
		r = -strcasecmp(a->label, b->label);
		break;
	case SORT_DISPLAY:
		r = -strcasecmp(a->name ? a->name : a->label, b->name ? b->name : b->label);
		if (!r)
			r = -strcasecmp(a->label, b->label);
		break;
	case SORT_ACCOUNTS:
	case SORT_SHARE:
	case SORT_COUNTRY:
	case SORT_ORGTYPE: {
		uint64_t va = row_value(a, s), vb = row_value(b, s);
		r = (va < vb) - (va > vb);
		break;
	}
	default:
		r = (a->downloads < b->downloads) - (a->downloads > b->downloads);
		break;
	}
	if (r)
		return r;
	return (a->key > b->key) - (a->key < b->key);
}

/* A text column's order: its text's rank above, then the fewer downloads
 * (so that A to Z, the reversed order, lists the most downloaded first). */
#define ROW_DL_BITS 36
static uint64_t row_text_value(const struct eng_row *w, enum eng_sort s)
{
	const uint64_t mask = ((uint64_t)1 << ROW_DL_BITS) - 1;
	uint32_t rank = eng_text_rank(s, s == SORT_COUNTRY ? w->country : w->type);
	return ((uint64_t)rank << ROW_DL_BITS) | (mask - (w->downloads < mask ? w->downloads : mask));
}

static uint64_t row_value(const struct eng_row *w, enum eng_sort s)
{
	switch (s) {
	case SORT_COUNTRY:
	case SORT_ORGTYPE: return row_text_value(w, s);
	case SORT_LIKES: return w->likes;
	case SORT_TRENDING: return w->trending;
	case SORT_CREATED: return (uint64_t)w->created ^ ((uint64_t)1 << 63); /* signed order */
	case SORT_COUNT: return w->count;
	case SORT_ACCOUNTS: return w->accounts;
	/* A share is downloads over one denominator per ranking; an n/a
	 * share (the unknown bucket of --of attributed) goes after the rest. */
	case SORT_SHARE: return isnan(w->share) ? 0 : w->downloads + (w->downloads < UINT64_MAX);
	default: return w->downloads;
	}
}

/* cmp_rank's order for a long ranking (every account): a radix sort of
 * (value, position) when the rows come by key ascending, so that the
 * positions break ties as the keys would: a comparison sort of 300,000
 * accounts becomes a few linear passes.  A name's value is its key's
 * text_rank.  Non-zero when it does not apply (names without ranks, rows
 * out of key order, values too wide, out of memory): sort otherwise. */
static int sort_rows_by_value(struct eng_row **rowsp, size_t n, enum eng_sort sort, const uint32_t *text_rank)
{
	struct eng_row *rows = *rowsp;
	uint64_t max = 0, min = UINT64_MAX, *v, *done, mask;
	unsigned rb = bits_of(n), kb;
	if (!text_rank && (sort == SORT_NAME || sort == SORT_DISPLAY))
		return 1;
#define ROW_VALUE(w) (text_rank ? text_rank[(w)->key] : row_value((w), sort))
	for (size_t i = 0; i < n; i++) {
		uint64_t x = ROW_VALUE(&rows[i]);
		max = x > max ? x : max;
		min = x < min ? x : min;
		if (i && rows[i].key <= rows[i - 1].key)
			return 1;
	}
	kb = bits_of(max - min);
	if (rb + kb > 64)
		return 1;
	mask = ((uint64_t)1 << rb) - 1;
	v = malloc(n * sizeof *v);
	done = calloc(n / 64 + 1, sizeof *done);
	table_huge_hint(v, n * sizeof *v);
	if (!v || !done) {
		free(v);
		free(done);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = ((max - ROW_VALUE(&rows[i])) << rb) | i;
#undef ROW_VALUE
	if (eng_radix_sort(v, n, rb, rb + kb)) {
		free(v);
		free(done);
		return 1;
	}
	/* Rows moved in place, cycle by cycle (position i takes the row at
	 * v[i]'s index): no second array of rows, whose fresh pages cost more
	 * than the moves (0.1 s for the 31 MB of 352,000 organisations). */
	for (size_t i = 0; i < n; i++) {
		size_t j = i, src = v[i] & mask;
		struct eng_row tmp;
		if ((done[i >> 6] >> (i & 63)) & 1)
			continue;
		tmp = rows[i];
		while (src != i) {
			rows[j] = rows[src];
			done[j >> 6] |= (uint64_t)1 << (j & 63);
			j = src;
			src = v[j] & mask;
		}
		rows[j] = tmp;
		done[j >> 6] |= (uint64_t)1 << (j & 63);
	}
	free(v);
	free(done);
	return 0;
}

/* Accounts by a name, for name_rank(): the name, then the account name,
 * then the account, last first (cmp_rank lists equal names by key). */
struct name_rank_ctx {
	const struct engine *e;
	int which;  /* 0 the account's name, 1 its organisation's, 2 its own display name */
};

static const char *rank_text(const struct engine *e, int which, uint32_t ac)
{
	return which ? eng_acct_display(e, ac, which == 2) : e->a->acct_name[ac];
}

static int cmp_name_rank(const void *pa, const void *pb, void *pc)
{
	const struct name_rank_ctx *c = pc;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	int r = strcasecmp(rank_text(c->e, c->which, x), rank_text(c->e, c->which, y));
	if (!r && c->which)
		r = strcasecmp(c->e->a->acct_name[x], c->e->a->acct_name[y]);
	return r ? r : (x < y) - (x > y);
}

/* e->name_rank[which], made on first use: one comparison sort of the
 * accounts (about 0.1 s for 300,000), then every ranking by that name is a
 * radix sort.  NULL when memory runs out. */
uint32_t *eng_name_rank_make(const struct engine *e, int which)
{
	uint32_t na = e->a->n_accounts, *idx, *rank;
	struct name_rank_ctx c = { e, which };
	idx = malloc(((size_t)na + 1) * sizeof *idx);
	rank = malloc(((size_t)na + 1) * sizeof *rank);
	if (!idx || !rank) {
		free(idx);
		free(rank);
		return NULL;
	}
	for (uint32_t i = 0; i < na; i++)
		idx[i] = i;
	qsort_r(idx, na, sizeof *idx, cmp_name_rank, &c);
	for (uint32_t i = 0; i < na; i++)
		rank[idx[i]] = i;
	free(idx);
	return rank;
}

static const uint32_t *name_rank(struct engine *e, int which)
{
	if (!e->name_rank[which] && which < ENG_BG_RANKS)
		eng_bg_collect(e, HT_KIND_COUNT, which, -1); /* a worker may be making it */
	if (!e->name_rank[which])
		e->name_rank[which] = eng_name_rank_make(e, which);
	return e->name_rank[which];
}

static void row_set(struct eng_row *w, const struct eng_result *r, uint32_t key, const char *label,
		    const char *name, uint64_t count, uint64_t downloads, uint64_t likes, uint64_t created)
{
	memset(w, 0, sizeof *w);
	w->key = key;
	w->label = label;
	w->name = name;
	w->count = count;
	w->downloads = downloads;
	w->likes = likes;
	w->created = created == UINT64_MAX ? 0 : (int64_t)created;
	w->share = engine_share(downloads, r->downloads);
	w->count_share = engine_share(count, r->count);
	w->country = COUNTRY_UNKNOWN;
	w->group = CG_UNKNOWN;
	w->type = OT_INDEPENDENT;
}

/* Sums per key (account or term) over the result's items, and with
 * with_tr their trending into e->key_trending. Returns the number of keys touched
 * (listed in e->touched). */
/* kd->ttot of a pane (PANE_TASKS or PANE_LIBRARIES): one pass over the
 * rows, in the order sum_by_key reads them when every row matches. */
static int term_totals(struct engine *e, enum ht_kind kind, int lib)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const uint32_t *keys = lib ? t->library : t->pipeline;
	/* Term indexes (checked at load) are below n_terms <= key_sums_n. */
	const uint32_t nt = e->s->n_terms < e->key_sums_n ? e->s->n_terms : e->key_sums_n;
	struct term_tot *tt;
	uint32_t *order, n = 0;
	if (kd->ttot[lib])
		return 0;
	tt = calloc((size_t)nt + 1, sizeof *tt);
	order = malloc(((size_t)nt + 1) * sizeof *order);
	if (!tt || !order) {
		free(tt);
		free(order);
		return -1;
	}
	for (uint32_t row = 0; row < kd->n; row++) {
		uint32_t key = keys[row] < nt ? keys[row] : 0;
		int64_t cr = t->created[row];
		uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
		struct term_tot *k = &tt[key];
		if (!k->count) {
			k->created = UINT64_MAX;
			order[n++] = key;
		}
		k->count++;
		k->downloads[0] += t->downloads[row];
		k->downloads[1] += t->downloads_all[row];
		k->likes += t->likes[row];
		k->trending += t->trending[row];
		if (ck < k->created)
			k->created = ck;
	}
	kd->ttot[lib] = tt;
	kd->ttot_order[lib] = order;
	kd->ttot_n[lib] = n;
	return 0;
}

static uint32_t sum_by_key(struct engine *e, const struct eng_result *r, enum eng_pane pane, int with_tr)
{
	const struct ht_table *t = &e->s->t[r->kind];
	const uint64_t *dl = win_downloads(e, r->kind, filter_win(&r->filter));
	const uint32_t *keys = pane == PANE_ORGS ? eng_view_acct(e, r->kind, eng_view(e, r->kind, &r->filter))
			       : pane == PANE_TASKS ? t->pipeline : t->library;
	const struct kdata *kd = &e->k[r->kind];
	const int lib = pane == PANE_LIBRARIES;
	const uint32_t *rows, *cr32 = kd->o[WIN_30D].perm ? NULL : kd->o[WIN_30D].created;
	/* The engine's own copies where it has them, so that the table's
	 * columns are not read once the pieces are made (eng_release_unused):
	 * a row's term as its 30-day code (codes are numbered in the order
	 * the rows first hold the terms, as ttot_order lists them), its
	 * all-time count through its all-time rank. */
	const uint16_t *code = pane != PANE_ORGS && kd->ttot_order[lib] && !kd->o[WIN_30D].perm
				       ? kd->o[WIN_30D].term[lib ? TERM_LIB : TERM_TASK] : NULL;
	const struct ord *oa = &kd->o[WIN_ALL];
	const int all_own = filter_win(&r->filter) == WIN_ALL && oa->rank && oa->dl;
	uint32_t m = 0, gen;
	if (pane != PANE_ORGS && r->n == kd->n && kd->ttot[lib]) {
		/* Every row matches: the unfiltered sums, in the pass's order. */
		const int all = r->filter.window == WIN_ALL;
		if (++e->gen == 0) {
			for (uint32_t i = 0; i < e->key_sums_n; i++)
				e->key_sums[i].gen = 0;
			e->gen = 1;
		}
		for (uint32_t i = 0; i < kd->ttot_n[lib]; i++) {
			uint32_t key = kd->ttot_order[lib][i];
			const struct term_tot *tt = &kd->ttot[lib][key];
			struct key_acc *k = &e->key_sums[key];
			k->gen = e->gen;
			k->count = (uint32_t)tt->count;
			k->downloads = tt->downloads[all];
			k->likes = tt->likes;
			k->created = tt->created;
			if (with_tr)
				e->key_trending[key] = tt->trending;
			e->touched[m++] = key;
		}
		return m;
	}
	rows = engine_result_rows(e, r);
	if (!rows || !keys)
		return 0;
	if (++e->gen == 0) {
		for (uint32_t i = 0; i < e->key_sums_n; i++)
			e->key_sums[i].gen = 0;
		e->gen = 1;
	}
	gen = e->gen;
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t row = rows[i], key = code ? kd->ttot_order[lib][code[row]] : keys[row];
		/* Creation from the 30-day order's narrow copy (rank == row)
		 * when there is one: the table's column is then not read once
		 * the pieces are made (eng_release_unused). */
		int64_t cr = cr32 ? (int64_t)cr32[row] : t->created[row];
		uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
		struct key_acc *k;
		if (key >= e->key_sums_n)
			key = 0;
		k = &e->key_sums[key];
		if (k->gen != gen) {
			k->gen = gen;
			k->count = 0;
			k->downloads = k->likes = 0;
			k->created = UINT64_MAX;
			if (with_tr)
				e->key_trending[key] = 0;
			e->touched[m++] = key;
		}
		k->count++;
		k->downloads += all_own ? oa->dl[oa->rank[row]] : dl[row];
		k->likes += t->likes[row];
		if (with_tr)
			e->key_trending[key] += t->trending[row];
		if (ck < k->created)
			k->created = ck;
	}
	return m;
}

/* An account's display name: its organisation's (the canonical entry's),
 * or with own, its own entry's ("Meta (FAIR)" for facebook). */
const char *eng_acct_display(const struct engine *e, uint32_t ac, int own)
{
	const struct attrib *a = e->a;
	if (own && e->d && a->acct_entry && a->acct_entry[ac] >= 0) {
		const struct org_entry *oe = orgdir_lookup(e->d, a->acct_name[ac]);
		if (oe && oe->name && oe->name[0])
			return oe->name;
	}
	if (e->d && a->acct_entry && a->acct_entry[ac] >= 0) {
		const struct org_entry *oe = orgdir_entry(e->d, (size_t)a->acct_entry[ac]);
		if (oe && oe->name && oe->name[0])
			return oe->name;
	}
	return a->acct_name[ac];
}

static uint64_t sort_value(const struct engine *e, enum eng_sort sort, uint32_t key)
{
	const struct key_acc *k = &e->key_sums[key];
	switch (sort) {
	case SORT_LIKES: return k->likes;
	case SORT_TRENDING: return e->key_trending[key];
	case SORT_COUNT: return k->count;
	case SORT_CREATED: return k->created == UINT64_MAX ? 0 : k->created;
	default: return k->downloads;
	}
}

/* Keeps in heap[0..k) the first k of the m touched keys; heap[0] is the
 * last of them.  Returns how many were kept.  With text_rank, by a name:
 * its rank among the accounts' (name_rank: no two equal). */
static size_t select_top(struct engine *e, uint32_t m, enum eng_sort sort, int desc, size_t k,
			 const uint32_t *text_rank, struct cand *heap)
{
	size_t n = 0;
	for (uint32_t i = 0; i < m; i++) {
		struct cand c;
		if (i + 16 < m)
			__builtin_prefetch(&e->key_sums[e->touched[i + 16]]);
		c.key = e->touched[i];
		c.v = text_rank ? text_rank[c.key] : sort_value(e, sort, c.key);
		heap_offer(heap, &n, k, c, desc);
	}
	return n;
}

struct acct_dl_ctx {
	const struct kdata *kd;
	int mode;
	int all; /* the window */
};

static int cmp_acct_dl(const void *pa, const void *pb, void *pc)
{
	const struct acct_dl_ctx *c = pc;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	uint64_t dx = acct_dl(c->kd, c->mode, x, c->all), dy = acct_dl(c->kd, c->mode, y, c->all);
	if (dx != dy)
		return dx < dy ? 1 : -1;
	return (x > y) - (x < y);
}

/* kd->aorder[mode][all] and kd->acls_n[mode] (see struct kdata). */
static int acct_order(struct engine *e, struct kdata *kd, int mode, int all)
{
	const struct attrib *a = e->a;
	const struct acct_tot *at = kd->atot[mode];
	uint32_t na = a->n_accounts < e->key_sums_n ? a->n_accounts : e->key_sums_n, k = 0;
	uint32_t *ord;
	if (kd->aorder[mode][all])
		return 0;
	if (!kd->acls_n[mode]) {
		uint32_t *cn = calloc((size_t)OT_COUNT * e->n_cg, sizeof *cn);
		if (!cn)
			return -1;
		for (uint32_t ac = 0; ac < na; ac++) {
			unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
			if (at[ac].count)
				cn[type * e->n_cg + e->acct_cg[ac]]++;
		}
		kd->acls_n[mode] = cn;
	}
	ord = malloc(((size_t)na + 1) * sizeof *ord);
	if (!ord)
		return -1;
	for (uint32_t ac = 0; ac < na; ac++)
		if (at[ac].count)
			ord[k++] = ac;
	{
		uint64_t max = 0, *v;
		unsigned rb = bits_of(na), kb;
		int sorted = 0;
		for (uint32_t i = 0; i < k; i++)
			max = acct_dl(kd, mode, ord[i], all) > max ? acct_dl(kd, mode, ord[i], all) : max;
		kb = bits_of(max);
		v = rb + kb <= 64 ? malloc(((size_t)k + 1) * sizeof *v) : NULL;
		if (v) {
			/* Radix sort of (max - downloads, account): stable, exact. */
			for (uint32_t i = 0; i < k; i++)
				v[i] = (max - acct_dl(kd, mode, ord[i], all)) << rb | ord[i];
			if (!eng_radix_sort(v, k, rb, rb + kb)) {
				for (uint32_t i = 0; i < k; i++)
					ord[i] = (uint32_t)(v[i] & (((uint64_t)1 << rb) - 1));
				sorted = 1;
			}
			free(v);
		}
		if (!sorted) {
			struct acct_dl_ctx ctx = { kd, mode, all };
			qsort_r(ord, k, sizeof *ord, cmp_acct_dl, &ctx);
		}
	}
	ord[k] = UINT32_MAX; /* end */
	{
		uint32_t ncls = (uint32_t)OT_COUNT * e->n_cg, *off = kd->acls_off[mode], *pos;
		uint32_t *next = malloc(((size_t)ncls + 1) * sizeof *next);
		uint32_t *ap = malloc(((size_t)k + 1) * sizeof *ap);
		if (!off && next && (off = malloc(((size_t)ncls + 1) * sizeof *off))) {
			off[0] = 0;
			for (uint32_t c = 0; c < ncls; c++)
				off[c + 1] = off[c] + kd->acls_n[mode][c];
			kd->acls_off[mode] = off;
		}
		if (!off || !next || !ap) {
			free(next);
			free(ap);
			free(ord);
			return -1;
		}
		pos = next;
		memcpy(pos, off, (size_t)ncls * sizeof *pos);
		for (uint32_t i = 0; i < k; i++) {
			uint32_t ac = ord[i];
			unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
			ap[pos[type * e->n_cg + e->acct_cg[ac]]++] = i;
		}
		free(next);
		kd->apos[mode][all] = ap;
	}
	kd->aorder[mode][all] = ord;
	return 0;
}

static int take_total(struct engine *e, const struct result_priv *p, const struct kdata *kd, int mode,
		      uint32_t ac, int all);

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The first `limit` accounts of the unfiltered order whose class passes,
 * into e->touched, from the heads of the passing classes' lists: -1 when
 * the classes that pass are so many that the plain walk is as cheap. */
static int64_t orgs_class_heads(struct engine *e, const struct result_priv *p, const struct kdata *kd,
				int mode, int all, size_t limit)
{
	uint32_t ncls = (uint32_t)OT_COUNT * e->n_cg, passing = 0, *cand, nc = 0, m = 0;
	const uint32_t *off = kd->acls_off[mode], *ap = kd->apos[mode][all], *ord = kd->aorder[mode][all];
	if (!p->cls_ok || !off || !ap)
		return -1;
	for (uint32_t c = 0; c < ncls; c++)
		passing += p->cls_ok[c] ? off[c + 1] - off[c] : 0;
	if ((uint64_t)passing * 8 > off[ncls])
		return -1;
	if (!(cand = malloc(((size_t)passing + 1) * sizeof *cand)))
		return -2;
	for (uint32_t c = 0; c < ncls; c++)
		if (p->cls_ok[c])
			for (uint32_t j = off[c]; j < off[c + 1] && j - off[c] < limit; j++)
				cand[nc++] = ap[j];
	qsort(cand, nc, sizeof *cand, cmp_u32);
	for (uint32_t i = 0; i < nc && m < limit; i++)
		if (take_total(e, p, kd, mode, ord[cand[i]], all))
			e->touched[m++] = ord[cand[i]];
	free(cand);
	return m;
}

/* Whether an account's class (organisation type, country and group)
 * passes the filter and, when known, whether it has a match: the items of
 * one that does not cannot match. */
static int acct_passes(const struct engine *e, const struct result_priv *p, uint32_t ac)
{
	const struct attrib *a = e->a;
	unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
	if (p->aseen && !((p->aseen[ac >> 6] >> (ac & 63)) & 1))
		return 0;
	return !p->cls_ok || p->cls_ok[type * e->n_cg + e->acct_cg[ac]];
}

/* Copies an account's unfiltered totals into e->key_sums when its class
 * (organisation type, country and group) passes the filter. */
static int take_total(struct engine *e, const struct result_priv *p, const struct kdata *kd, int mode,
		      uint32_t ac, int all)
{
	struct key_acc *ka = &e->key_sums[ac];

	if (!acct_passes(e, p, ac))
		return 0;
	ka->count = kd->atot[mode][ac].count;
	ka->downloads = acct_dl(kd, mode, ac, all);
	ka->likes = kd->atot[mode][ac].likes;
	ka->created = acct_created(kd, mode, ac);
	return 1;
}

/* The ranks of a mode's account groups in a window's order (30-day: the
 * rows themselves). */
static const uint32_t *group_ranks(struct engine *e, enum ht_kind kind, int mode, int all)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[all];
	if (eng_kd_mode(e, kind, mode, 1) || eng_ord_base(e, kind, all, mode))
		return NULL;
	if (!o->perm)
		return kd->gperm[mode];
	if (!o->grank[mode])
		o->grank[mode] = gather32(o->rank, kd->gperm[mode], kd->n);
	return o->grank[mode];
}

/* One account's matching items: count, downloads, likes, earliest creation. */
static void group_sum(const struct kdata *kd, const struct result_priv *p, const uint32_t *gr, int mode,
		      int all, uint32_t ac, struct key_acc *k)
{
	const uint32_t *off = kd->goff[mode], *gl = kd->glikes[mode], *gc32 = kd->gcreated32[mode];
	const struct gcol *gd = &kd->gdownloads[mode][all];
	const uint64_t *gc = kd->gcreated[mode], *bits = p->ms.bits;
	uint32_t c = 0;
	uint64_t d = 0, likes = 0, created = UINT64_MAX;
	for (uint32_t j = off[ac]; j < off[ac + 1]; j++) {
		uint32_t rk = gr[j];
		uint64_t b = (bits[rk >> 6] >> (rk & 63)) & 1, mask = 0 - b;
		/* No branch on the match: matches are unpredictable. */
		uint64_t cr = eng_gcreated(gc, gc32, j) | ~mask;
		c += (uint32_t)b;
		d += eng_gdownloads(gd, j) & mask;
		likes += gl[j] & mask;
		created = cr < created ? cr : created;
	}
	k->count = c;
	k->downloads = d;
	k->likes = likes;
	k->created = created;
}

/* One account's matching items: from its own class's cells when it has
 * one, else from its items. */
static void acct_sum(const struct engine *e, const struct kdata *kd, const struct result_priv *p,
		     const uint32_t *gr, int mode, int all, uint32_t ac, struct key_acc *k)
{
	uint32_t base = (uint32_t)OT_COUNT * e->n_cg, cls = kd->acct_cls[mode][ac];
	const struct cell_acc *own;
	if (cls < base) {
		group_sum(kd, p, gr, mode, all, ac, k);
		return;
	}
	own = &p->own[cls - base];
	k->count = (uint32_t)own->count;
	k->downloads = own->downloads;
	k->likes = own->likes;
	k->created = own->created;
}

/* One match for an account's sums (orgs_few). */
struct acct_add {
	uint32_t acct, likes;
	uint64_t dl, created;
};

/* Few matches: their sums by account, one match at a time, in two passes
 * so that both random reads are fetched ahead: the matches' records (in
 * rank order) into a list, then the accounts' sums along the list. */
static int64_t orgs_few(struct engine *e, const struct result_priv *p, int mode, int all)
{
	const struct kdata *kd = &e->k[p->pub.kind];
	const struct ord *o = &kd->o[all];
	const uint32_t *acct = o->acct[mode], *likes = o->likes, *perm = o->perm;
	const uint64_t *dl = o->dl;
	const int64_t *created = e->s->t[p->pub.kind].created;
	uint32_t m = 0, gen, na = e->a->n_accounts < e->key_sums_n ? e->a->n_accounts : e->key_sums_n, nl = 0;
	struct acct_add *list = malloc(((size_t)p->ms.n + 1) * sizeof *list);
	if (!list)
		return -1;
	if (++e->gen == 0) {
		for (uint32_t i = 0; i < e->key_sums_n; i++)
			e->key_sums[i].gen = 0;
		e->gen = 1;
	}
	gen = e->gen;
	if (o->rec && mode >= VIEW_DEF) {
		const struct rank_rec *rec = o->rec;
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&rec[rk]);
			__builtin_prefetch((const char *)&rec[rk + 1] - 1);
		}, {
			const struct rank_rec *q = &rec[rk];
			struct acct_add *x = &list[nl++];
			x->acct = q->acct[mode - VIEW_DEF] < na ? q->acct[mode - VIEW_DEF] : 0;
			x->likes = q->likes;
			x->dl = rec_dl(q, dl, rk);
			x->created = q->created ? q->created : UINT64_MAX;
		});
	} else {
		/* Creation from the window's narrow copy when there is one (the
		 * table's column is then not read, eng_release_unused). */
		const uint32_t *cr32 = o->created;
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&acct[rk]);
			__builtin_prefetch(&dl[rk]);
			__builtin_prefetch(&likes[rk]);
			__builtin_prefetch(cr32 ? (const void *)&cr32[rk] : (const void *)&created[perm ? perm[rk] : rk]);
		}, {
			struct acct_add *x = &list[nl++];
			int64_t cr = cr32 ? (int64_t)cr32[rk] : created[perm ? perm[rk] : rk];
			x->acct = acct[rk] < na ? acct[rk] : 0;
			x->likes = likes[rk];
			x->dl = dl[rk];
			x->created = cr > 0 ? (uint64_t)cr : UINT64_MAX;
		});
	}
	for (uint32_t i = 0; i < nl; i++) {
		const struct acct_add *x = &list[i];
		struct key_acc *k = &e->key_sums[x->acct];
		if (i + 16 < nl)
			__builtin_prefetch(&e->key_sums[list[i + 16].acct], 1);
		if (k->gen != gen) {
			k->gen = gen;
			k->count = 0;
			k->downloads = k->likes = 0;
			k->created = UINT64_MAX;
			e->touched[m++] = x->acct;
		}
		k->count++;
		k->downloads += x->dl;
		k->likes += x->likes;
		k->created = x->created < k->created ? x->created : k->created;
	}
	free(list);
	return m;
}

/* Per-account sums of a result's items, for the orgs pane, left in e->key_sums
 * for the accounts in e->touched[0..return) (-1: out of memory).
 *  - Filters on country, group and type alone: the unfiltered totals of the
 *    accounts that pass; for the first screen by downloads, the first
 *    accounts that pass in the unfiltered order.
 *  - Other filters: a pass over the matches when they are few (under 1/32
 *    of the items), else per account its own class's sums (p->own) or a
 *    sequential pass over its items, testing the match bitmap; for the
 *    first screen by downloads, the accounts are walked in the order of
 *    their unfiltered downloads, and the walk stops at the first one whose
 *    unfiltered downloads are below the last one kept (filtered downloads
 *    are never above). */
static int64_t orgs_sums(struct engine *e, const struct result_priv *p, enum eng_sort sort, int desc,
			 size_t limit)
{
	const struct eng_result *r = &p->pub;
	const struct attrib *a = e->a;
	struct kdata *kd = &e->k[r->kind];
	int mode = eng_view(e, r->kind, &r->filter);
	int all = filter_win(&r->filter);
	const struct acct_tot *at;
	const uint32_t *gr;
	uint32_t m = 0, na = a->n_accounts < e->key_sums_n ? a->n_accounts : e->key_sums_n;
	int top = sort == SORT_DOWNLOADS && desc && limit;
	if (eng_kd_mode(e, r->kind, mode, 1))
		return -1;
	at = kd->atot[mode];
	if (top && acct_order(e, kd, mode, all))
		return -1;
	if (p->cell_only) {
		if (top) {
			/* The first accounts that pass, in the unfiltered order:
			 * the same as selecting them from all that pass. */
			const uint32_t *ord = kd->aorder[mode][all];
			int64_t got = orgs_class_heads(e, p, kd, mode, all, limit);
			if (got != -1)
				return got < 0 ? -1 : got;
			for (uint32_t i = 0; ord[i] != UINT32_MAX && m < limit; i++)
				if (take_total(e, p, kd, mode, ord[i], all))
					e->touched[m++] = ord[i];
			return m;
		}
		for (uint32_t ac = 0; ac < na; ac++)
			if (at[ac].count && take_total(e, p, kd, mode, ac, all))
				e->touched[m++] = ac;
		return m;
	}
	if ((uint64_t)p->ms.n * 32 < kd->n)
		return orgs_few(e, p, mode, all);
	if (!(gr = group_ranks(e, r->kind, mode, all)))
		return -1;
	if (top) {
		const uint32_t *ord = kd->aorder[mode][all];
		struct cand *heap = malloc(limit * sizeof *heap);
		size_t nh = 0;
		if (!heap)
			return -1;
		for (uint32_t i = 0; ord[i] != UINT32_MAX; i++) {
			uint32_t ac = ord[i];
			struct cand cd;
			if (nh == limit && acct_dl(kd, mode, ac, all) < heap[0].v)
				break;
			if (!acct_passes(e, p, ac))
				continue;
			acct_sum(e, kd, p, gr, mode, all, ac, &e->key_sums[ac]);
			if (!e->key_sums[ac].count)
				continue;
			cd.v = e->key_sums[ac].downloads;
			cd.key = ac;
			heap_offer(heap, &nh, limit, cd, 1);
		}
		for (size_t i = 0; i < nh; i++)
			e->touched[i] = heap[i].key;
		free(heap);
		return (int64_t)nh;
	}
	for (uint32_t ac = 0; ac < na; ac++) {
		if (!at[ac].count || !acct_passes(e, p, ac))
			continue;
		acct_sum(e, kd, p, gr, mode, all, ac, &e->key_sums[ac]);
		if (e->key_sums[ac].count)
			e->touched[m++] = ac;
	}
	return m;
}

/* p->ctr, and the trending of the share panes' keys (p->country_x ..
 * p->year_x): the matches' scores summed by cell, from the cells' totals
 * when the filter tests cells only, else by a pass over the matches or,
 * when most rows match, over the rest (taken from the totals).  Once per
 * result. */
static int result_trending(struct engine *e, struct result_priv *p)
{
	const struct eng_result *r = &p->pub;
	struct kdata *kd = &e->k[r->kind];
	int mode = eng_view(e, r->kind, &r->filter);
	int win = filter_win(&r->filter);
	const struct ord *o = &kd->o[win];
	const uint16_t *cell = o->cell[mode];
	const uint32_t *tr;
	const uint64_t *ct;
	uint32_t year = 0;
	uint64_t *ctr;
	if (p->ctr)
		return 0;
	if (eng_kd_trending(e, r->kind, mode) || !(tr = eng_ord_trending(e, r->kind, win)) ||
	    !(ctr = calloc((size_t)e->n_cells + 1, sizeof *ctr)))
		return -1;
	ct = kd->cell_trending[mode];
	if (p->cell_only) {
		for (uint32_t j = 0; j < kd->ncused[mode]; j++) {
			uint32_t i = kd->cused[mode][j], cls = i % e->n_cls;
			uint32_t bc = kd->cls_type[mode][cls] * e->n_cg + kd->cls_cg[mode][cls];
			if (!p->cls_ok || p->cls_ok[bc])
				ctr[i] = ct[i];
		}
	} else if (p->ms.n * 2 <= kd->n) {
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&tr[rk]);
			__builtin_prefetch(&cell[rk]);
		}, {
			ctr[cell[rk]] += tr[rk];
		});
	} else {
		for (uint32_t j = 0; j < kd->ncused[mode]; j++)
			ctr[kd->cused[mode][j]] = ct[kd->cused[mode][j]];
		FOR_EACH_VISITED(&p->ms, kd->n, 1, rk, {
			__builtin_prefetch(&tr[rk]);
			__builtin_prefetch(&cell[rk]);
		}, {
			ctr[cell[rk]] -= tr[rk];
		});
	}
	for (uint32_t j = 0; j < kd->ncused[mode]; j++) {
		uint32_t i = kd->cused[mode][j], cls;
		unsigned cg;
		while (i >= (year + 1) * e->n_cls)
			year++;
		cls = i - year * e->n_cls;
		cg = kd->cls_cg[mode][cls];
		p->country_x[e->cg_country[cg]].trending += ctr[i];
		p->group_x[e->cg_group[cg]].trending += ctr[i];
		p->type_x[kd->cls_type[mode][cls]].trending += ctr[i];
		p->year_x[year].trending += ctr[i];
	}
	p->ctr = ctr;
	return 0;
}

/* e->key_trending of the accounts keys[0..m): their matches' trending.  The
 * unfiltered totals when the filter tests cells only; else for few matches
 * one pass over them, and otherwise per account its own class's cells or
 * a pass over its items. */
static int orgs_trending(struct engine *e, struct result_priv *p, const uint32_t *keys, uint32_t m)
{
	const struct eng_result *r = &p->pub;
	struct kdata *kd = &e->k[r->kind];
	int mode = eng_view(e, r->kind, &r->filter);
	int all = filter_win(&r->filter);
	uint32_t base = (uint32_t)OT_COUNT * e->n_cg,
		 na = e->a->n_accounts < e->key_sums_n ? e->a->n_accounts : e->key_sums_n;
	const uint32_t *gr, *off, *gt;
	const uint64_t *bits = p->ms.bits;
	if (p->cell_only) {
		if (eng_kd_trending(e, r->kind, mode))
			return -1;
		for (uint32_t i = 0; i < m; i++)
			e->key_trending[keys[i]] = kd->acct_trending[mode][keys[i]];
		return 0;
	}
	if ((uint64_t)p->ms.n * 32 < kd->n) {
		const uint32_t *acct = kd->o[all].acct[mode], *tr = eng_ord_trending(e, r->kind, all);
		if (!tr)
			return -1;
		/* Accounts with a match but not listed are summed too, unread. */
		for (uint32_t i = 0; i < m; i++)
			e->key_trending[keys[i]] = 0;
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&acct[rk]);
			__builtin_prefetch(&tr[rk]);
		}, {
			e->key_trending[acct[rk] < na ? acct[rk] : 0] += tr[rk];
		});
		return 0;
	}
	if (result_trending(e, p) || !(gr = group_ranks(e, r->kind, mode, all)) ||
	    !(gt = kd_gtrending(e, r->kind, mode)))
		return -1;
	off = kd->goff[mode];
	for (uint32_t i = 0; i < m; i++) {
		uint32_t ac = keys[i], cls = kd->acct_cls[mode][ac];
		uint64_t sum = 0;
		if (cls >= base) {
			for (uint32_t y = 0; y < ENG_YEARS; y++)
				sum += p->ctr[y * e->n_cls + cls];
		} else {
			for (uint32_t j = off[ac]; j < off[ac + 1]; j++) {
				uint32_t rk = gr[j];
				sum += gt[j] & (0 - ((bits[rk >> 6] >> (rk & 63)) & 1));
			}
		}
		e->key_trending[ac] = sum;
	}
	return 0;
}

/* The number of rows orgs_sums would list (accounts or organisations with
 * a match), without their sums: per passing class the accounts it holds
 * (or one test per account), the distinct accounts of few matches, or per
 * account its own class's count or its items until the first match.  -1:
 * out of memory. */
static int64_t orgs_count(struct engine *e, const struct result_priv *p)
{
	const struct eng_result *r = &p->pub;
	struct kdata *kd = &e->k[r->kind];
	int mode = eng_view(e, r->kind, &r->filter);
	int all = filter_win(&r->filter);
	uint32_t na = e->a->n_accounts < e->key_sums_n ? e->a->n_accounts : e->key_sums_n, base;
	const struct acct_tot *at;
	const uint32_t *gr, *off;
	const uint64_t *bits = p->ms.bits;
	int64_t m = 0;
	if (eng_kd_mode(e, r->kind, mode, 1))
		return -1;
	at = kd->atot[mode];
	if (p->cell_only) {
		if (kd->acls_n[mode] && !p->aseen && na == e->a->n_accounts) {
			/* acct_order counted each class's accounts with items. */
			for (uint32_t c = 0; c < (uint32_t)OT_COUNT * e->n_cg; c++)
				if (!p->cls_ok || p->cls_ok[c])
					m += kd->acls_n[mode][c];
			return m;
		}
		for (uint32_t ac = 0; ac < na; ac++)
			m += at[ac].count && acct_passes(e, p, ac);
		return m;
	}
	if ((uint64_t)p->ms.n * 32 < kd->n) {
		/* As orgs_few: the matches' accounts, an account past the
		 * accumulators' counted as the first. */
		const struct ord *o = &kd->o[all];
		const struct rank_rec *rec = mode >= VIEW_DEF ? o->rec : NULL;
		const uint32_t *acct = o->acct[mode];
		uint64_t *seen = calloc(words_of(na) + 1, sizeof *seen);
		if (!seen || (!rec && !acct)) {
			free(seen);
			return -1;
		}
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(rec ? (const void *)&rec[rk] : (const void *)&acct[rk]);
		}, {
			uint32_t ac = rec ? rec[rk].acct[mode - VIEW_DEF] : acct[rk];
			ac = ac < na ? ac : 0;
			seen[ac >> 6] |= (uint64_t)1 << (ac & 63);
		});
		for (size_t w = 0; w < words_of(na) + 1; w++)
			m += __builtin_popcountll(seen[w]);
		free(seen);
		return m;
	}
	if (!(gr = group_ranks(e, r->kind, mode, all)))
		return -1;
	off = kd->goff[mode];
	base = (uint32_t)OT_COUNT * e->n_cg;
	for (uint32_t ac = 0; ac < na; ac++) {
		uint32_t cls;
		if (!at[ac].count || !acct_passes(e, p, ac))
			continue;
		cls = kd->acct_cls[mode][ac];
		if (cls >= base) {
			m += p->own[cls - base].count != 0;
			continue;
		}
		for (uint32_t j = off[ac]; j < off[ac + 1]; j++)
			if ((bits[gr[j] >> 6] >> (gr[j] & 63)) & 1) {
				m++;
				break;
			}
	}
	return m;
}

size_t engine_rank_count(struct engine *e, const struct eng_result *r, enum eng_pane pane)
{
	struct eng_row *rows = NULL;
	size_t n;
	if (!e || !r)
		return (size_t)-1;
	if (pane == PANE_ORGS) {
		int64_t m = orgs_count(e, (const struct result_priv *)r);
		return m < 0 ? (size_t)-1 : (size_t)m;
	}
	/* The other rankings hold a few hundred keys at most (the terms:
	 * a pass over the matches): made and counted. */
	n = engine_rank(e, r, pane, SORT_DOWNLOADS, 1, &rows);
	if (!rows)
		return (size_t)-1;
	free(rows);
	return n;
}

size_t engine_rank(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		   enum eng_sort sort, int desc, struct eng_row **out)
{
	return engine_rank_top(e, r, pane, sort, desc, 0, out);
}

/* engine_rank_top; with_tr: every row's trending, whatever the order. */
static size_t rank_rows(struct engine *e, const struct eng_result *r, enum eng_pane pane, enum eng_sort sort,
			int desc, size_t limit, int with_tr, struct eng_row **out)
{
	struct result_priv *p = (struct result_priv *)r; /* the trending sums are a cache */
	struct eng_row *rows = NULL;
	size_t n = 0, cap;
	*out = NULL;
	if (!e || !r)
		return 0;
	if (!engine_sort_valid(sort, pane))
		sort = SORT_DOWNLOADS;
	/* An organisation's share is its downloads over the result's: the
	 * same order, and the first screen's shortcut applies. */
	if (pane == PANE_ORGS && sort == SORT_SHARE)
		sort = SORT_DOWNLOADS;
	with_tr |= sort == SORT_TRENDING;
	if (with_tr && (pane == PANE_ORGS || pane == PANE_TASKS || pane == PANE_LIBRARIES) &&
	    !e->key_trending &&
	    !(e->key_trending = malloc(((size_t)e->key_sums_n + 1) * sizeof *e->key_trending)))
		return 0;
	switch (pane) {
	case PANE_ORGS:
	case PANE_TASKS:
	case PANE_LIBRARIES: {
		uint32_t m = 0, mk = 0;
		const struct attrib *a = e->a;
		int view = eng_view(e, r->kind, &r->filter);
		const uint32_t *nacc = view >= ATTRIB_MODE_COUNT
				       ? e->k[r->kind].org_nacc[view - ATTRIB_MODE_COUNT] : NULL;
		if (pane == PANE_ORGS) {
			int64_t got = orgs_sums(e, p, sort, desc, limit);
			if (got < 0)
				return 0;
			m = (uint32_t)got;
			/* A ranking by trending needs every key's; otherwise only
			 * the rows shown need theirs (below). */
			if (sort == SORT_TRENDING && orgs_trending(e, p, e->touched, m))
				return 0;
		} else {
			m = sum_by_key(e, r, pane, with_tr);
		}
		mk = m;
		/* By a name, with its ranks among the accounts' made
		 * (engine_prepare_step): selected as by a number. */
		const uint32_t *nr = pane == PANE_ORGS && limit && limit < m && (sort == SORT_NAME || sort == SORT_DISPLAY)
					     ? e->name_rank[sort == SORT_NAME ? 0 : nacc ? 1 : 2] : NULL;
		if (limit && limit < m && (nr || (!engine_sort_is_text(sort) && sort != SORT_ACCOUNTS))) {
			/* One screen of a long ranking: select, do not sort everything. */
			struct cand *heap = malloc(limit * sizeof *heap);
			if (!heap)
				return 0;
			mk = (uint32_t)select_top(e, m, sort, desc, limit, nr, heap);
			for (uint32_t i = 0; i < mk; i++)
				e->touched[i] = heap[i].key;
			free(heap);
		}
		if (pane == PANE_ORGS && with_tr && sort != SORT_TRENDING && orgs_trending(e, p, e->touched, mk))
			return 0;
		rows = malloc(((size_t)mk + 1) * sizeof *rows);
		if (!rows)
			return 0;
		/* The whole Orgs ranking is 26 MB of rows on 2M models: on 4 KiB
		 * pages, its first fill is mostly page faults. */
		table_huge_hint(rows, ((size_t)mk + 1) * sizeof *rows);
		for (uint32_t i = 0; i < mk; i++) {
			uint32_t key = e->touched[i];
			const struct key_acc *k = &e->key_sums[key];
			struct eng_row *w = &rows[n++];
			if (pane == PANE_ORGS) {
				row_set(w, r, key, a->acct_name[key], eng_acct_display(e, key, !nacc), k->count,
					k->downloads, k->likes, k->created);
				w->country = a->acct_country[key];
				w->group = a->acct_group[key];
				w->type = a->acct_type[key];
				w->accounts = nacc ? nacc[key] : 1;
			} else {
				const char *label = ht_term(e->s, key);
				row_set(w, r, key, label,
					key ? label : pane == PANE_TASKS ? "(no task)" : "(no library)",
					k->count, k->downloads, k->likes, k->created);
			}
			if (with_tr)
				w->trending = e->key_trending[key];
		}
		break;
	}
	case PANE_COUNTRIES:
		rows = malloc(((size_t)e->n_countries + 1) * sizeof *rows);
		if (!rows || (with_tr && result_trending(e, p))) {
			free(rows);
			return 0;
		}
		for (unsigned c = 0; c < e->n_countries; c++) {
			const struct eng_bucket *b = &r->by_country[c];
			struct eng_row *w;
			if (!b->count && c != COUNTRY_UNKNOWN)
				continue;
			w = &rows[n++];
			row_set(w, r, c, c == COUNTRY_UNKNOWN ? "unknown" : country_code(c), country_name(c),
				b->count, b->downloads, p->country_x[c].likes, p->country_x[c].created);
			w->trending = with_tr ? p->country_x[c].trending : 0;
			if (r->filter.of == OF_ATTRIBUTED)
				w->share = c == COUNTRY_UNKNOWN ? NAN : engine_share(b->downloads, r->attributed_downloads);
			w->country = (uint16_t)c;
			w->group = (uint8_t)country_group_of(c);
		}
		break;
	case PANE_GROUPS:
		rows = malloc(CG_COUNT * sizeof *rows);
		if (!rows || (with_tr && result_trending(e, p))) {
			free(rows);
			return 0;
		}
		for (unsigned g = 0; g < CG_COUNT; g++) {
			const struct eng_bucket *b = &r->by_group[g];
			if (!b->count && g != CG_UNKNOWN)
				continue;
			row_set(&rows[n], r, g, country_group_key((enum country_group)g),
				country_group_name((enum country_group)g), b->count, b->downloads,
				p->group_x[g].likes, p->group_x[g].created);
			rows[n].trending = with_tr ? p->group_x[g].trending : 0;
			if (r->filter.of == OF_ATTRIBUTED)
				rows[n].share = g == CG_UNKNOWN ? NAN
						: engine_share(b->downloads, r->attributed_group_downloads);
			rows[n++].group = (uint8_t)g;
		}
		break;
	case PANE_ORGTYPES:
		rows = malloc(OT_COUNT * sizeof *rows);
		if (!rows || (with_tr && result_trending(e, p))) {
			free(rows);
			return 0;
		}
		for (unsigned ty = 0; ty < OT_COUNT; ty++) {
			const struct eng_bucket *b = &r->by_type[ty];
			if (!b->count && ty != OT_INDEPENDENT && ty != OT_UNKNOWN_ORG)
				continue;
			row_set(&rows[n], r, ty, orgdir_type_key((enum org_type)ty),
				orgdir_type_name((enum org_type)ty), b->count, b->downloads,
				p->type_x[ty].likes, p->type_x[ty].created);
			rows[n].trending = with_tr ? p->type_x[ty].trending : 0;
			if (r->filter.of == OF_ATTRIBUTED)
				rows[n].share = ty == OT_UNKNOWN_ORG ? NAN
						: engine_share(b->downloads, r->attributed_type_downloads);
			rows[n++].type = (uint8_t)ty;
		}
		break;
	case PANE_YEARS:
		rows = malloc(ENG_YEARS * sizeof *rows);
		if (!rows || (with_tr && result_trending(e, p))) {
			free(rows);
			return 0;
		}
		for (unsigned y = 0; y < ENG_YEARS; y++) {
			const struct eng_bucket *b = &r->by_year[y];
			if (!b->count)
				continue;
			row_set(&rows[n], r, y, eng_year_labels[y], eng_year_labels[y], b->count, b->downloads,
				p->year_x[y].likes, p->year_x[y].created);
			rows[n++].trending = with_tr ? p->year_x[y].trending : 0;
		}
		break;
	default:
		return 0;
	}
	cap = n;
	{
		const uint32_t *text_rank = NULL;
		if (pane == PANE_ORGS && n >= 64 && (sort == SORT_NAME || sort == SORT_DISPLAY)) {
			/* The rows' names are those of their keys (row_set above). */
			int view = eng_view(e, r->kind, &r->filter);
			int org = view >= ATTRIB_MODE_COUNT && e->k[r->kind].org_nacc[view - ATTRIB_MODE_COUNT];
			text_rank = name_rank(e, sort == SORT_NAME ? 0 : org ? 1 : 2);
		}
		if (n < 64 || sort_rows_by_value(&rows, n, sort, text_rank))
			qsort_r(rows, n, sizeof *rows, cmp_rank, &sort);
	}
	if (!desc)
		for (size_t i = 0; i < cap / 2; i++) {
			struct eng_row tmp = rows[i];
			rows[i] = rows[cap - 1 - i];
			rows[cap - 1 - i] = tmp;
		}
	*out = rows;
	return limit && n > limit ? limit : n;
}

size_t engine_rank_top(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		       enum eng_sort sort, int desc, size_t limit, struct eng_row **out)
{
	return rank_rows(e, r, pane, sort, desc, limit, 0, out);
}

size_t engine_rank_with_trending(struct engine *e, const struct eng_result *r, enum eng_pane pane,
				 enum eng_sort sort, int desc, size_t limit, struct eng_row **out)
{
	return rank_rows(e, r, pane, sort, desc, limit, 1, out);
}

int engine_rank_trending(struct engine *e, const struct eng_result *r, enum eng_pane pane,
			 struct eng_row *rows, size_t n)
{
	struct result_priv *p = (struct result_priv *)r; /* the trending sums are a cache */
	if (!e || !r || (n && !rows))
		return -1;
	if ((pane == PANE_ORGS || pane == PANE_TASKS || pane == PANE_LIBRARIES) && !e->key_trending &&
	    !(e->key_trending = malloc(((size_t)e->key_sums_n + 1) * sizeof *e->key_trending)))
		return -1;
	switch (pane) {
	case PANE_ORGS: {
		/* The rows' accounts in account order, into the rankings'
		 * scratch list: their items are then read in storage order, not
		 * in the ranking's (about twice as fast on a long list). */
		size_t nw = (size_t)e->key_sums_n / 64 + 1;
		uint64_t *mark = calloc(nw, sizeof *mark);
		uint32_t m = 0;
		if (!mark)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (rows[i].key < e->key_sums_n)
				mark[rows[i].key >> 6] |= (uint64_t)1 << (rows[i].key & 63);
		for (size_t w = 0; w < nw; w++)
			for (uint64_t b = mark[w]; b; b &= b - 1)
				e->touched[m++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(b));
		free(mark);
		if (orgs_trending(e, p, e->touched, m))
			return -1;
		for (size_t i = 0; i < n; i++)
			rows[i].trending = rows[i].key < e->key_sums_n ? e->key_trending[rows[i].key] : 0;
		return 0;
	}
	case PANE_TASKS:
	case PANE_LIBRARIES:
		if (!sum_by_key(e, r, pane, 1) && r->n)
			return -1;
		for (size_t i = 0; i < n; i++)
			rows[i].trending = e->key_trending[rows[i].key];
		return 0;
	case PANE_COUNTRIES:
	case PANE_GROUPS:
	case PANE_ORGTYPES:
	case PANE_YEARS:
		if (result_trending(e, p))
			return -1;
		for (size_t i = 0; i < n; i++) {
			uint32_t k = rows[i].key;
			rows[i].trending = pane == PANE_COUNTRIES ? p->country_x[k].trending
					   : pane == PANE_GROUPS ? p->group_x[k].trending
					   : pane == PANE_ORGTYPES ? p->type_x[k].trending
					   : p->year_x[k].trending;
		}
		return 0;
	default:
		return -1;
	}
}

/* ---- preparation -------------------------------------------------------- */

int eng_view_piece(struct engine *e, enum ht_kind kind, int m, unsigned piece)
{
	enum { LAST = 9 };
	int rc;
	switch (piece) {
	case 0:
	case 1: rc = eng_ord_base(e, kind, (int)piece, m); break;
	case 2: rc = eng_kd_mode(e, kind, m, 1); break;
	case 3:
	case 4: rc = acct_order(e, &e->k[kind], m, (int)piece - 3); break;
	case 5: rc = group_ranks(e, kind, m, 1) ? 0 : -1; break;
	case 6: rc = eng_kd_cell_by_created(e, kind, m); break;
	case 7:
	case 8: rc = eng_ord_cell_ranks(e, kind, (int)piece - 7, m); break;
	case LAST: rc = eng_kd_trending(e, kind, m) || !kd_gtrending(e, kind, m) ? -1 : 0; break;
	default: return 0;
	}
	return rc ? -1 : piece < LAST;
}

/* The pieces in the order a session is likely to need them; each is one
 * lazily made structure, so one step is at most one such build (the
 * longest, the order by name, about a second on 2M ids). */
int engine_prepare_step(struct engine *e)
{
	enum { P_BASE, P_TERM = P_BASE + 4, P_CREATED = P_TERM + 2 * TERM_COLS, P_EVERY = P_CREATED + 2,
	       P_SEARCH = P_EVERY + 2, P_GROUPS, P_AORDER = P_GROUPS + 2, P_GRANK = P_AORDER + 4,
	       P_CBY = P_GRANK + 2, P_CRK = P_CBY + 2, P_REC = P_CRK + 4, P_SORTS = P_REC + 2,
	       P_AUTHORS = P_SORTS + 4, P_NAMES, P_DIMS = P_NAMES + 2, P_TREND, P_TERMTOT = P_TREND + 2,
	       P_PER_KIND = P_TERMTOT + 2 };
	static const enum eng_sort sorts[4] = { SORT_LIKES, SORT_CREATED, SORT_TRENDING, SORT_NAME };
	if (!e)
		return -1;
	/* (engine.h: while the other mode's view is built, nothing; some
	 * steps read or drop both modes' pieces) */
	if (e->job)
		return 1;
	/* The old mode's view, freed on its thread since the swap (10-15 ms
	 * on 2M models): joined here, between keys. */
	if (e->grave) {
		eng_grave_join(e);
		return 1;
	}
	/* The search indexes and orders by name, on a worker (engine_bg.c):
	 * taken in here once made. */
	eng_bg_start(e);
	if (eng_bg_collect(e, -1, 0, 0) && e->prep >= HT_KIND_COUNT * P_PER_KIND) {
		/* Every other piece made: a short wait (a key is answered
		 * within it), not a spin. */
		eng_bg_collect(e, -1, 0, 20);
		return 1;
	}
	if (e->prep >= HT_KIND_COUNT * P_PER_KIND) {
		/* Every piece made: what the next letter of the last search
		 * would otherwise read (search_refine), once per answer. */
		for (int k = 0; k < HT_KIND_COUNT; k++) {
			int rc = e->k[k].sx ? search_refine(e->k[k].sx) : 0;
			if (rc)
				return rc < 0 ? -1 : 1;
		}
		eng_idle_tidy(e);
		return 0;
	}
	while (e->prep < HT_KIND_COUNT * P_PER_KIND) {
		enum ht_kind kind = (enum ht_kind)(e->prep / P_PER_KIND);
		unsigned step = e->prep % P_PER_KIND;
		struct kdata *kd = &e->k[kind];
		int rc = 0, did = 1, mi = -1;
		e->prep++;
		if (!kd->n)
			continue;
		/* The organisation view of the mode shown only (engine_focus). */
		if (step < P_TERM)
			mi = (int)(step % 2);
		else if (step >= P_GROUPS && step < P_AORDER)
			mi = (int)(step - P_GROUPS);
		else if (step >= P_AORDER && step < P_GRANK)
			mi = (int)((step - P_AORDER) / 2);
		else if (step >= P_GRANK && step < P_CBY)
			mi = (int)(step - P_GRANK);
		else if (step >= P_CBY && step < P_CRK)
			mi = (int)(step - P_CBY);
		else if (step >= P_CRK && step < P_REC)
			mi = (int)((step - P_CRK) % 2);
		else if (step >= P_TREND && step < P_TERMTOT)
			mi = (int)(step - P_TREND);
		/* (the datasets' modes share one view: the uploader's) */
		if (mi >= 0 && mi != (eng_view_at(e, kind, VIEW_DEF + 1) == VIEW_DEF ? 0 : e->focus))
			continue;
		if (step < P_TERM) {
			did = !kd->o[step / 2].cell[VIEW_DEF + step % 2];
			rc = eng_ord_base(e, kind, (int)(step / 2), (int)(VIEW_DEF + step % 2));
		} else if (step < P_CREATED) {
			unsigned k = step - P_TERM;
			did = !kd->o[k / TERM_COLS].term[k % TERM_COLS];
			rc = eng_ord_term(e, kind, (int)(k / TERM_COLS), (int)(k % TERM_COLS));
		} else if (step < P_EVERY) {
			did = !kd->o[step - P_CREATED].created;
			rc = eng_ord_created(e, kind, (int)(step - P_CREATED));
		} else if (step < P_SEARCH) {
			did = !kd->o[step - P_EVERY].every.bits;
			rc = eng_every_match(e, kind, (int)(step - P_EVERY)) ? 0 : -1;
		} else if (step == P_SEARCH) {
			did = !kd->sx && e->bg.state != ENG_BG_RUNNING;
			rc = did && !(kd->sx = search_new(e->s, kind)) ? -1 : 0;
		} else if (step < P_AORDER) {
			did = !kd->atot[VIEW_DEF + step - P_GROUPS];
			rc = eng_kd_mode(e, kind, (int)(VIEW_DEF + step - P_GROUPS), 1);
		} else if (step < P_GRANK) {
			unsigned k = step - P_AORDER;
			did = !kd->aorder[VIEW_DEF + k / 2][k % 2];
			rc = eng_kd_mode(e, kind, (int)(VIEW_DEF + k / 2), 1) ||
			     acct_order(e, kd, (int)(VIEW_DEF + k / 2), (int)(k % 2));
		} else if (step < P_CBY) {
			did = !kd->o[1].grank[VIEW_DEF + step - P_GRANK];
			rc = group_ranks(e, kind, (int)(VIEW_DEF + step - P_GRANK), 1) ? 0 : -1;
		} else if (step < P_CRK) {
			did = !kd->cell_by_created[VIEW_DEF + step - P_CBY];
			rc = eng_kd_cell_by_created(e, kind, (int)(VIEW_DEF + step - P_CBY));
		} else if (step < P_REC) {
			unsigned k = step - P_CRK;
			did = !kd->o[k / 2].cell_ranks[VIEW_DEF + k % 2];
			rc = eng_ord_cell_ranks(e, kind, (int)(k / 2), (int)(VIEW_DEF + k % 2));
		} else if (step < P_SORTS) {
			/* The 30-day window's only: the all-time one's (64 MB on 2M
			 * models) would speed up only its sparse share passes,
			 * which read the columns instead. */
			int had = kd->org_item[!e->focus] != NULL;
			did = step == P_REC && !kd->o[0].rec;
			rc = did ? eng_ord_rec(e, kind, 0) : 0;
			/* The records copy both modes' cells and accounts: the
			 * other mode's view made for them alone goes again. */
			if (did && !had)
				eng_view_drop(e, kind, VIEW_DEF + !e->focus);
		} else if (step < P_AUTHORS) {
			did = !kd->perm[sorts[step - P_SORTS]] &&
			      (sorts[step - P_SORTS] != SORT_NAME || e->bg.state != ENG_BG_RUNNING);
			rc = did && !eng_get_perm(e, kind, sorts[step - P_SORTS]) ? -1 : 0;
		} else if (step == P_AUTHORS) {
			did = !e->acct_sorted;
			rc = eng_sort_accounts(e);
		} else if (step < P_DIMS) {
			/* The accounts by name and by their organisation's name
			 * (Orgs by Account or Name at the default level), shared
			 * by the tables: 0.1-0.7 s each if left to the first sort. */
			did = !e->name_rank[step - P_NAMES] && e->bg.state != ENG_BG_RUNNING;
			rc = did && !name_rank(e, (int)(step - P_NAMES)) ? -1 : 0;
		} else if (step >= P_TERMTOT) {
			did = !kd->ttot[step - P_TERMTOT];
			rc = term_totals(e, kind, (int)(step - P_TERMTOT));
		} else if (step == P_DIMS) {
			/* relation, depth, language by row (dims.h) */
			did = !dims_ready(e, kind);
			rc = dims_prepare(e, kind);
		} else {
			/* The trending column of a ranking's first screen: per
			 * cell and account the unfiltered sums, the scores in
			 * account order (30-50 ms on 2M models if left to the
			 * first open of Orgs or Countries). */
			int m = (int)(VIEW_DEF + step - P_TREND);
			did = !kd->cell_trending[m] || !kd->gtrending[m];
			rc = eng_kd_trending(e, kind, m) || !kd_gtrending(e, kind, m);
		}
		if (rc)
			return -1;
		if (did)
			break;
	}
	if (e->prep < HT_KIND_COUNT * P_PER_KIND)
		return 1;
	/* The last piece is made: what only the builds read goes (not the
	 * ids and their strings, which the worker reads). */
	eng_release_unused(e);
	return e->bg.state == ENG_BG_RUNNING;
}

/* engine.c - filters, rankings, concentration and shares (see engine.h and
 * docs/architecture.md, "The engine's hot path").
 *
 * Layout of the derived data, per table (struct kdata):
 *  - per window, struct ord: the rank order (30-day: the rows themselves,
 *    which are stored that way; all-time: a permutation and its inverse)
 *    and, in rank order, the narrow columns the filter pass reads: cells,
 *    term codes, creation, likes, flags, accounts, and per cell its ranks.
 *  - per attribution mode, one "cell" per item: (year, class) in 2 bytes,
 *    the class being (org type, country+group), or the item's account
 *    itself when it is one of the accounts with most items; so the
 *    country, group and type filters are one table of passing cells, every
 *    share breakdown is one bucket update, and the largest accounts' sums
 *    come out of the same pass; the cells' unfiltered totals.
 *  - per attribution mode, the items grouped by account (a counting sort)
 *    with their downloads, likes and creation copied in that order, so a
 *    per-account sum is a sequential pass testing the match bitmap.
 *  - the ids' search index (search.c), made on first search or by
 *    engine_prepare_step.
 * A result (struct result_priv) is a match bitmap by rank with per-word
 * counts and downloads (struct match_set), the buckets and the
 * concentration figures.  No threads: what engine_new does not build is
 * built on first use or by engine_prepare_step, and kept.
 */
#include "engine_priv.h"

const unsigned eng_top_n[ENG_TOP_N] = { 10, 100, 200, 1000 };

static const char *name_of(const struct name_ctx *c, uint32_t i)
{
	return c->ptr ? c->ptr[i] : c->base + c->off[i];
}

static int cmp_name_idx(const void *pa, const void *pb, void *pc)
{
	const struct name_ctx *c = pc;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	int r = strcasecmp(name_of(c, x), name_of(c, y));
	if (r)
		return c->desc ? -r : r;
	return (x > y) - (x < y);
}

int eng_sort_names_at(const struct name_ctx *c, uint32_t *idx, size_t n, size_t depth,
			 struct name_key *v, struct name_key *tmp)
{
	size_t cnt[256];
	struct name_key *src = v, *dst = tmp;
	if (n < 48) {
		qsort_r(idx, n, sizeof *idx, cmp_name_idx, (void *)c);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		/* Only names longer than depth get here (see the recursion). */
		const unsigned char *q = (const unsigned char *)name_of(c, idx[i]) + depth;
		uint64_t k = 0;
		size_t j = 0;
		for (; j < 8 && q[j]; j++)
			k |= (uint64_t)(unsigned char)tolower(q[j]) << (56 - 8 * j);
		v[i].key = c->desc ? ~k : k;
		v[i].idx = idx[i];
		v[i].ended = j < 8;
	}
	for (unsigned sh = 0; sh < 64; sh += 8) {
		size_t sum = 0;
		struct name_key *sw;
		memset(cnt, 0, sizeof cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(src[i].key >> sh) & 255]++;
		if (cnt[(src[0].key >> sh) & 255] == n)
			continue;
		for (size_t d = 0; d < 256; d++) {
			size_t x = cnt[d];
			cnt[d] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i].key >> sh) & 255]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = src[i].idx;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && src[j].key == src[i].key; j++)
			;
		/* Equal chunks that reach the end: equal names, already by index. */
		if (j - i > 1 && !src[i].ended &&
		    eng_sort_names_at(c, idx + i, j - i, depth + 8, dst + i, src + i))
			return -1;
	}
	return 0;
}

/* ---- sorting helpers ---------------------------------------------------- */

/* The all-time order's key: an unknown count sorts after every known one,
 * a known 0 included, so the rows without one are a suffix of the ranks. */
static inline uint64_t dla_key(const struct ht_table *t, uint32_t row)
{
	uint64_t v = t->downloads_all[row];
	if (t->flags[row] & HT_F_DLA_UNKNOWN)
		return 0;
	return v == UINT64_MAX ? v : v + 1;
}

/* The last modification as an unsigned key, unknown (0) below every date. */
static inline uint64_t modified_key(const struct ht_table *t, uint32_t row)
{
	int64_t m = t->modified[row];
	return m ? ((uint64_t)m ^ ((uint64_t)1 << 63)) | (m == INT64_MIN) : 0;
}

/* Descending key, ties by row ascending. */
int eng_cmp_rows(const void *pa, const void *pb, void *pc)
{
	const struct sort_ctx *c = pc;
	const struct ht_table *t = &c->s->t[c->kind];
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int r = 0;
	switch (c->key) {
	case SORT_LIKES:
		r = (t->likes[a] < t->likes[b]) - (t->likes[a] > t->likes[b]);
		break;
	case SORT_TRENDING:
		r = (t->trending[a] < t->trending[b]) - (t->trending[a] > t->trending[b]);
		break;
	case SORT_CREATED:
		r = (t->created[a] < t->created[b]) - (t->created[a] > t->created[b]);
		break;
	case SORT_NAME:
		r = -strcasecmp(ht_id(c->s, c->kind, a), ht_id(c->s, c->kind, b));
		break;
	case SORT_DOWNLOADS:
		r = (t->downloads[a] < t->downloads[b]) - (t->downloads[a] > t->downloads[b]);
		break;
	case SORT_MODIFIED: {
		uint64_t x = modified_key(t, a), y = modified_key(t, b);
		r = (x < y) - (x > y);
		break;
	}
	default: /* SORT_COUNT here means all-time downloads */
		r = (dla_key(t, a) < dla_key(t, b)) - (dla_key(t, a) > dla_key(t, b));
		break;
	}
	if (r)
		return r;
	return (a > b) - (a < b);
}

/* Sorts v ascending on bits [lo, hi): LSD radix, 11-bit digits, stable, so
 * values packed as (key << lo) | row keep row order among equal keys. */
int eng_radix_sort(uint64_t *v, size_t n, unsigned lo, unsigned hi)
{
	uint64_t *tmp, *src = v, *dst;
	size_t *cnt;
	if (n < 2 || hi <= lo)
		return 0;
	tmp = table_big_alloc(n * sizeof *tmp); /* huge pages: a fault every 2 MiB */
	cnt = malloc(2048 * sizeof *cnt);
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -1;
	}
	dst = tmp;
	for (unsigned sh = lo; sh < hi; sh += 11) {
		unsigned bits = hi - sh < 11 ? hi - sh : 11;
		uint64_t mask = ((uint64_t)1 << bits) - 1;
		size_t sum = 0;
		uint64_t *sw;
		memset(cnt, 0, 2048 * sizeof *cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> sh) & mask]++;
		if (cnt[(src[0] >> sh) & mask] == n)
			continue; /* one digit value: nothing moves */
		for (size_t d = 0; d <= mask; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> sh) & mask]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
	free(cnt);
	return 0;
}

/* The key of a row as an unsigned value in the same order, larger first
 * (creation, signed: offset by 2^63). */
static uint64_t sort_key(const struct ht_table *t, enum eng_sort key, uint32_t row)
{
	switch (key) {
	case SORT_LIKES: return t->likes[row];
	case SORT_TRENDING: return t->trending[row];
	case SORT_CREATED: return (uint64_t)t->created[row] ^ ((uint64_t)1 << 63);
	case SORT_DOWNLOADS: return t->downloads[row];
	case SORT_MODIFIED: return modified_key(t, row);
	default: return dla_key(t, row); /* SORT_COUNT: all-time */
	}
}

/* The first `want` of rows[0..n) in eng_cmp_rows order (desc) or its reverse,
 * by a radix sort of (key, row) packed in 64 bits: a few linear passes
 * where a comparison sort paid a random read per comparison.  1 when the
 * key does not fit (names, huge values): the caller sorts otherwise. */
int eng_sort_rows_radix(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key,
			   const uint32_t *cr32, const uint32_t *rows, uint32_t n, uint32_t want, int desc,
			   uint32_t *out)
{
	const struct ht_table *t = &s->t[kind];
	unsigned rb = bits_of(t->n ? t->n - 1 : 0), kb;
	uint64_t max = 0, min = UINT64_MAX, *v;
	int ascending = 1;
	if (key == SORT_NAME || n == 0)
		return n ? 1 : 0;
	if (!(v = malloc((size_t)n * sizeof *v)))
		return -1;
	/* One read of the table per row (they may be scattered). */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k;
		if (i + 16 < n) {
			uint32_t r = rows[i + 16];
			__builtin_prefetch(key == SORT_CREATED ? (cr32 ? (const void *)&cr32[r] : (const void *)&t->created[r]) :
					   key == SORT_LIKES ? (const void *)&t->likes[r] :
					   key == SORT_TRENDING ? (const void *)&t->trending[r] :
					   key == SORT_DOWNLOADS ? (const void *)&t->downloads[r] :
					   key == SORT_MODIFIED ? (const void *)&t->modified[r] :
					   (const void *)&t->downloads_all[r]);
		}
		/* The same key from the narrow copy (the values are equal). */
		k = key == SORT_CREATED && cr32 ? (uint64_t)cr32[rows[i]] ^ ((uint64_t)1 << 63)
						: sort_key(t, key, rows[i]);
		v[i] = k;
		max = k > max ? k : max;
		min = k < min ? k : min;
		ascending &= i == 0 || rows[i] > rows[i - 1];
	}
	kb = bits_of(max - min);
	if (rb + kb > 64 || rb >= 64) {
		free(v);
		return 1;
	}
	for (uint32_t i = 0; i < n; i++)
		v[i] = ((max - v[i]) << rb) | rows[i];
	/* Ties go by row: already so when the rows come in row order (30-day
	 * ranks are rows); else the row bits are sorted too. */
	if (eng_radix_sort(v, n, ascending ? rb : 0, rb + kb)) {
		free(v);
		return -1;
	}
	for (uint32_t i = 0; i < want; i++)
		out[i] = (uint32_t)(v[desc ? i : n - 1 - i] & (rb ? ((uint64_t)1 << rb) - 1 : 0));
	free(v);
	return 0;
}

/* perm: the rows in eng_cmp_rows order (key descending, ties by row).  Radix
 * sort when the key and the row fit in 64 bits together, else qsort. */
int eng_build_perm(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key, uint32_t *perm)
{
	const struct ht_table *t = &s->t[kind];
	uint32_t n = t->n;
	int rc;
	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	if (key == SORT_NAME) {
		struct name_ctx nc = { s->pool, t->id, NULL, 1 };
		return sort_names(&nc, perm, n);
	}
	/* The rows in row order are their own ties' order; the output may
	 * overwrite them (they are all read first). */
	rc = n < 64 ? 1 : eng_sort_rows_radix(s, kind, key, NULL, perm, n, n, 1, perm);
	if (rc > 0) {
		struct sort_ctx c = { s, kind, key };
		qsort_r(perm, n, sizeof *perm, eng_cmp_rows, &c);
		rc = 0;
	}
	return rc;
}

/* ---- names -------------------------------------------------------------- */

static const char *const pane_keys[PANE_COUNT] = {
	"models", "datasets", "orgs", "countries", "groups", "org-types", "tasks", "libraries", "years"
};
static const char *const sort_keys[SORT_KEY_COUNT] = {
	"downloads", "likes", "trending", "created", "count", "name"
};

const char *engine_pane_key(enum eng_pane p)
{
	return (unsigned)p < PANE_COUNT ? pane_keys[p] : "";
}

int engine_pane_find(const char *key)
{
	for (int i = 0; key && i < PANE_COUNT; i++)
		if (!strcasecmp(key, pane_keys[i]))
			return i;
	return -1;
}

/* The keys past SORT_KEY_COUNT, from SORT_COUNTRY on. */
static const char *const col_keys[SORT_END - SORT_COUNTRY] = {
	"country", "org-type", "task", "library", "license", "modified", "display-name", "accounts", "share"
};

const char *engine_sort_key(enum eng_sort s)
{
	if ((unsigned)s < SORT_KEY_COUNT)
		return sort_keys[s];
	return s >= SORT_COUNTRY && s < SORT_END ? col_keys[s - SORT_COUNTRY] : "";
}

int engine_sort_find(const char *key)
{
	/* The names the Hub's API and `hf` use for the same orders, and the
	 * export's column names for the orders they follow. */
	static const struct { const char *name; enum eng_sort sort; } hf_names[] = {
		{ "trending_score", SORT_TRENDING }, { "trendingScore", SORT_TRENDING },
		{ "created_at", SORT_CREATED }, { "createdAt", SORT_CREATED },
		{ "last_modified", SORT_MODIFIED }, { "lastModified", SORT_MODIFIED },
		{ "id", SORT_NAME }, { "org_type", SORT_ORGTYPE }, { "display_name", SORT_DISPLAY },
		{ "cum_share", SORT_SHARE }, { "count_share", SORT_COUNT },
		{ "pipeline_tag", SORT_TASK }, { "library_name", SORT_LIBRARY }, { "licence", SORT_LICENSE },
	};
	for (int i = 0; key && i < SORT_KEY_COUNT; i++)
		if (!strcasecmp(key, sort_keys[i]))
			return i;
	for (int i = SORT_COUNTRY; key && i < SORT_END; i++)
		if (!strcasecmp(key, col_keys[i - SORT_COUNTRY]))
			return i;
	for (size_t i = 0; key && i < sizeof hf_names / sizeof hf_names[0]; i++)
		if (!strcasecmp(key, hf_names[i].name))
			return (int)hf_names[i].sort;
	return -1;
}

int engine_sort_valid(int sort, enum eng_pane pane)
{
	int items = pane == PANE_MODELS || pane == PANE_DATASETS;
	if (sort < 0 || sort >= SORT_END)
		return 0;
	if (sort < SORT_KEY_COUNT)
		return 1;
	if (items)
		return sort < SORT_ITEM_KEY_END || sort == SORT_MODIFIED;
	switch (sort) {
	case SORT_COUNTRY:
	case SORT_ORGTYPE:
	case SORT_ACCOUNTS: return pane == PANE_ORGS;
	case SORT_DISPLAY:
	case SORT_SHARE: return 1;
	default: return 0;
	}
}

const char *engine_year_label(unsigned bucket, char *buf, size_t len)
{
	if (!len)
		return buf;
	snprintf(buf, len, "%s", bucket < ENG_YEARS ? eng_year_labels[bucket] : "");
	return buf;
}

/* engine.c - filters, rankings, concentration and shares (see engine.h).
 *
 * Layout of the derived data, per table:
 *  - window rank: for the 30-day window the rank of a row is the row itself
 *    (rows are sorted that way); for all-time downloads a permutation and its
 *    inverse are built once, with the downloads in rank order.
 *  - per attribution mode, one "cell" per item: (year, org type, country+group)
 *    packed in one integer, so the country, group and type filters are one
 *    table lookup and every share breakdown is one bucket update.
 *  - per attribution mode, the items grouped by account (a counting sort)
 *    with their downloads, likes and creation copied in that order, so the
 *    orgs ranking is one sequential pass testing a bitmap of the matches.
 *  - ids lower-cased into one buffer, in string-pool order, for the search.
 * engine_apply makes one pass over the rows (accumulating cells, marking
 * matches in a bitmap indexed by window rank) and one pass over the matches
 * in rank order (rows[], top-N, Gini, Lorenz); in the 30-day window the
 * two are one pass.  No threads: what engine_new does not build (the
 * lineage mode's cells and groups, the all-time order, the item orders by
 * likes, trending, creation and name, the accounts by name) is built on
 * first use and kept.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "hubtop/engine.h"

const unsigned eng_top_n[ENG_TOP_N] = { 10, 100, 200, 1000 };

/* One accumulation bucket of the hot loop. */
struct cell_acc {
	uint64_t count, downloads, likes;
	uint64_t created; /* earliest creation; UINT64_MAX = none known */
};

/* Unfiltered totals of one cell (year, type, country+group), both windows:
 * filters on country, group and type alone are sums of these. */
struct cell_tot {
	uint64_t count, likes, created;
	uint64_t downloads[2], under[2]; /* by enum filter_window */
};

/* Unfiltered totals of one account, both windows. */
struct acct_tot {
	uint64_t downloads[2];
	uint64_t count, likes, created;
};

/* Per-result extras the aggregate panes need beyond struct eng_result. */
struct agg_x {
	uint64_t likes;
	uint64_t created; /* UINT64_MAX = none known */
};

struct result_priv {
	struct eng_result pub; /* first: the caller sees only this */
	struct agg_x *country_x;
	struct agg_x group_x[CG_COUNT], type_x[OT_COUNT], year_x[ENG_YEARS];
	/* The filter only tests country, group and type: per-account
	 * answers come from the unfiltered totals of the accounts in cls_ok. */
	int cell_only;
	uint8_t *cls_ok;       /* per (type, country+group) class; NULL = all */
	uint64_t *rbits;       /* matches by row; NULL until first needed (a cache) */
};

/* Per-account (or per-term) accumulator for the org, task and library panes. */
struct key_acc {
	uint64_t downloads, likes, created;
	uint32_t count, gen;
};

struct kdata {
	uint32_t n;
	uint32_t *perm_all;     /* all-time rank -> row */
	uint32_t *rank_all;     /* row -> all-time rank */
	uint64_t *dl_rank_all;  /* all-time downloads in rank order */
	uint8_t *year;          /* year bucket per row */
	uint32_t *cell[ATTRIB_MODE_COUNT];
	uint32_t *cell_all[ATTRIB_MODE_COUNT]; /* the same in all-time rank order */
	struct cell_tot *ctot[ATTRIB_MODE_COUNT];
	struct acct_tot *atot[ATTRIB_MODE_COUNT];
	/* Items grouped by account (counting sort, rows ascending within an
	 * account): goff[ac]..goff[ac+1] index gperm (rows) and gdl (window
	 * downloads in that order), so a per-account sum is a sequential pass. */
	uint32_t *goff[ATTRIB_MODE_COUNT];
	uint32_t *gperm[ATTRIB_MODE_COUNT];
	uint64_t *gdl[ATTRIB_MODE_COUNT][2];
	uint32_t *glikes[ATTRIB_MODE_COUNT];  /* likes in that order */
	/* Accounts with items by unfiltered window downloads, descending, and
	 * how many of them each (type, country+group) class holds: the orgs
	 * ranking of a country/group/type filter is then the first accounts
	 * that pass.  Made on first use. */
	uint32_t *aorder[ATTRIB_MODE_COUNT][2];
	uint32_t *acls_n[ATTRIB_MODE_COUNT];
	uint64_t *gcreated[ATTRIB_MODE_COUNT]; /* creation in that order, UINT64_MAX unknown */
	uint64_t *chk;          /* scratch: prefix sums every 64 matches */
	char *lid;              /* lower-cased ids, each NUL-terminated */
	uint32_t *lid_off;      /* n + 1 offsets into lid */
	uint32_t *lid_row;      /* row of each id of lid */
	uint64_t *sbits;        /* rows matching the cached search */
	uint64_t *skbits;       /* the same by position in lid */
	char sprev[FILTER_SEARCH_MAX];
	int svalid;
	uint32_t scount;
	uint64_t *mbits;        /* scratch: matches by window rank */
	uint32_t *perm[SORT_KEY_COUNT]; /* rows by key, descending; built on first use */
	uint64_t *rowbits;      /* scratch: matches by row (all-time window) */
};

struct engine {
	const struct ht_snapshot *s;
	const struct attrib *a;
	const struct orgdir *d;
	unsigned n_countries;
	unsigned n_cg;
	uint16_t *cg_country;
	uint8_t *cg_group;
	uint16_t *acct_cg;
	uint32_t n_cells;
	struct cell_acc *cube;  /* 2 * n_cells: alternate copies break store chains */
	uint8_t *cell_ok;
	uint32_t *acct_sorted;  /* accounts by name, case-insensitive; built on first author filter */
	uint64_t *acct_bits;
	struct key_acc *kacc;   /* max(accounts, terms) */
	uint32_t kacc_n, gen;
	uint32_t *touched;
	struct kdata k[HT_KIND_COUNT];
};

/* Large per-item arrays on huge pages where the system allows: random
 * access into them (the cube's cells, account groups) then misses the TLB
 * far less.  Freed with free(). */
static void *big_alloc(size_t size)
{
	const size_t huge = (size_t)2 << 20;
	void *p;
	if (size < 2 * huge)
		return malloc(size ? size : 1);
	size = (size + huge - 1) & ~(huge - 1);
	p = aligned_alloc(huge, size);
	if (p)
		madvise(p, size, MADV_HUGEPAGE); /* a hint: failure is harmless */
	return p;
}

static size_t words_of(uint32_t n)
{
	return ((size_t)n + 63) / 64;
}

/* Days from 1970-01-01 to y-01-01 (proleptic Gregorian). */
static int64_t days_to_year(int64_t y)
{
	int64_t era, yoe, doy = 306; /* Jan 1 is day 306 of the March-based year */
	y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Year bucket: 0 unknown or before ENG_YEAR_FIRST, later years clamp. */
static unsigned year_bucket(int64_t t, const int64_t *bound)
{
	int64_t g;
	unsigned y;
	if (t < bound[1])
		return 0;
	if (t >= bound[ENG_YEARS - 1])
		return ENG_YEARS - 1;
	/* A guess from the mean year length, then at most a step each way. */
	g = 1 + (t - bound[1]) / 31556952;
	y = g < ENG_YEARS - 1 ? (unsigned)g : ENG_YEARS - 1;
	while (y > 1 && t < bound[y])
		y--;
	while (y + 1 < ENG_YEARS && t >= bound[y + 1])
		y++;
	return y;
}

/* bound[y]: first second of bucket y (y >= 1). */
static void year_bounds(int64_t *bound)
{
	bound[0] = INT64_MIN;
	for (unsigned y = 1; y < ENG_YEARS; y++)
		bound[y] = days_to_year(ENG_YEAR_FIRST + (int64_t)y - 1) * 86400;
}

/* ---- name order ---------------------------------------------------------- */

/* Orders indexes by name, case-insensitively (as strcasecmp in the C
 * locale), ties by index ascending: an MSD pass on 8 lower-cased bytes at a
 * time (a stable LSD radix sort of each range on that chunk), recursing only
 * into runs whose chunk is equal and not past the end of the names; small
 * runs go to qsort.  About 150 ms for 2M ids, against seconds for a qsort. */
struct name_ctx {
	const char *base;        /* names are base + off[i] ... */
	const uint32_t *off;
	const char *const *ptr;  /* ... or ptr[i] */
	int desc;
};

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

struct name_key {
	uint64_t key;
	uint32_t idx, ended;
};

static int sort_names_at(const struct name_ctx *c, uint32_t *idx, size_t n, size_t depth,
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
		    sort_names_at(c, idx + i, j - i, depth + 8, dst + i, src + i))
			return -1;
	}
	return 0;
}

static int sort_names(const struct name_ctx *c, uint32_t *idx, size_t n)
{
	struct name_key *v, *tmp;
	int rc;
	if (n < 2)
		return 0;
	v = malloc(n * sizeof *v);
	tmp = malloc(n * sizeof *tmp);
	rc = v && tmp ? sort_names_at(c, idx, n, 0, v, tmp) : -1;
	free(v);
	free(tmp);
	return rc;
}

/* ---- sorting helpers ---------------------------------------------------- */

struct sort_ctx {
	const struct ht_snapshot *s;
	enum ht_kind kind;
	enum eng_sort key;
};

/* Descending key, ties by row ascending. */
static int cmp_rows(const void *pa, const void *pb, void *pc)
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
	default: /* SORT_COUNT here means all-time downloads */
		r = (t->downloads_all[a] < t->downloads_all[b]) -
		    (t->downloads_all[a] > t->downloads_all[b]);
		break;
	}
	if (r)
		return r;
	return (a > b) - (a < b);
}

static unsigned bits_of(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

/* Sorts v ascending on bits [lo, hi): LSD radix, 11-bit digits, stable, so
 * values packed as (key << lo) | row keep row order among equal keys. */
static int radix_sort(uint64_t *v, size_t n, unsigned lo, unsigned hi)
{
	uint64_t *tmp, *src = v, *dst;
	size_t *cnt;
	if (n < 2 || hi <= lo)
		return 0;
	tmp = malloc(n * sizeof *tmp);
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

/* The key of a row as an unsigned value, larger first. */
static uint64_t sort_key(const struct ht_table *t, enum eng_sort key, uint32_t row, int64_t cmin)
{
	switch (key) {
	case SORT_LIKES: return t->likes[row];
	case SORT_TRENDING: return t->trending[row];
	case SORT_CREATED: return (uint64_t)t->created[row] - (uint64_t)cmin;
	case SORT_DOWNLOADS: return t->downloads[row];
	default: return t->downloads_all[row]; /* SORT_COUNT: all-time */
	}
}

/* perm: the rows in cmp_rows order (key descending, ties by row).  Radix
 * sort when the key and the row fit in 64 bits together, else qsort. */
static int build_perm(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key, uint32_t *perm)
{
	const struct ht_table *t = &s->t[kind];
	uint32_t n = t->n;
	uint64_t max = 0, *v;
	int64_t cmin = 0;
	unsigned rb = bits_of(n ? n - 1 : 0), kb;
	if (key == SORT_CREATED && n) {
		cmin = t->created[0];
		for (uint32_t i = 1; i < n; i++)
			cmin = t->created[i] < cmin ? t->created[i] : cmin;
	}
	if (key != SORT_NAME)
		for (uint32_t i = 0; i < n; i++) {
			uint64_t k = sort_key(t, key, i, cmin);
			max = k > max ? k : max;
		}
	kb = bits_of(max);
	if (key == SORT_NAME) {
		struct name_ctx nc = { s->pool, t->id, NULL, 1 };
		for (uint32_t i = 0; i < n; i++)
			perm[i] = i;
		return sort_names(&nc, perm, n);
	}
	if (rb + kb > 64 || n < 64) {
		struct sort_ctx c = { s, kind, key };
		for (uint32_t i = 0; i < n; i++)
			perm[i] = i;
		qsort_r(perm, n, sizeof *perm, cmp_rows, &c);
		return 0;
	}
	v = malloc((size_t)n * sizeof *v);
	if (!v)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		v[i] = (rb < 64 ? (max - sort_key(t, key, i, cmin)) << rb : 0) | i;
	if (radix_sort(v, n, rb, rb + kb)) {
		free(v);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		perm[i] = (uint32_t)(v[i] & (rb ? ((uint64_t)1 << rb) - 1 : 0));
	free(v);
	return 0;
}

/* ---- construction ------------------------------------------------------- */

/* The ids lower-cased into one buffer for the search, in the order they
 * sit in the string pool (rows are not: reading the pool in row order would
 * be one cache miss per id).  lid_row maps a position to its row. */
static int build_lid(const struct ht_snapshot *s, enum ht_kind kind, struct kdata *kd)
{
	const struct ht_table *t = &s->t[kind];
	uint32_t n = kd->n;
	size_t total = 0, cap;
	unsigned rb = bits_of(n ? n - 1 : 0);
	uint64_t *v = big_alloc(((size_t)n + 1) * sizeof *v);
	uint32_t *off = big_alloc(((size_t)n + 1) * sizeof *off);
	uint32_t *lrow = big_alloc(((size_t)n + 1) * sizeof *lrow);
	char *lid = NULL;
	kd->lid_off = off;
	kd->lid_row = lrow;
	if (!v || !off || !lrow || s->pool_len > UINT32_MAX)
		goto fail;
	for (uint32_t i = 0; i < n; i++)
		v[i] = (uint64_t)t->id[i] << rb | i;
	if (radix_sort(v, n, rb, rb + bits_of(s->pool_len)))
		goto fail;
	/* Ids are distinct strings of the pool: they fit in its size (pages
	 * past the end are never touched); a damaged file may say otherwise,
	 * so the buffer grows when needed. */
	cap = s->pool_len + 2;
	lid = big_alloc(cap);
	if (!lid)
		goto fail;
	for (uint32_t k = 0; k < n; k++) {
		const unsigned char *id = (const unsigned char *)s->pool + (v[k] >> rb);
		size_t len = strlen((const char *)id);
		char *o;
		if (total + len + 2 > cap) {
			char *nl;
			if (total + len + 2 > (size_t)UINT32_MAX)
				goto fail; /* offsets are 32-bit */
			cap = (total + len + 2) * 2;
			cap = cap > (size_t)UINT32_MAX ? (size_t)UINT32_MAX : cap;
			if (!(nl = realloc(lid, cap)))
				goto fail;
			lid = nl;
		}
		o = lid + total;
		lrow[k] = (uint32_t)(v[k] & (((uint64_t)1 << rb) - 1));
		off[k] = (uint32_t)total;
		for (size_t j = 0; j < len; j++) {
			unsigned char ch = id[j];
			o[j] = (char)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
		}
		o[len] = '\0';
		total += len + 1;
	}
	off[n] = (uint32_t)total;
	lid[total] = '\0';
	free(v);
	kd->lid = lid;
	return 0;
fail:
	free(v);
	free(lid);
	return -1;
}

/* Items grouped by account for one attribution mode (counting sort), with
 * the window downloads in that order and the per-account totals. */
static int build_groups(struct engine *e, const struct ht_table *t, struct kdata *kd, int m,
			const uint32_t *acct)
{
	uint32_t na = e->a->n_accounts, n = kd->n;
	uint32_t *off = calloc((size_t)na + 2, sizeof *off);
	uint32_t *pos = malloc(((size_t)na + 1) * sizeof *pos);
	uint32_t *gp = big_alloc(((size_t)n + 1) * sizeof *gp);
	uint64_t *g0 = big_alloc(((size_t)n + 1) * sizeof *g0);
	uint64_t *g1 = big_alloc(((size_t)n + 1) * sizeof *g1);
	uint32_t *gl = big_alloc(((size_t)n + 1) * sizeof *gl);
	uint64_t *gc = big_alloc(((size_t)n + 1) * sizeof *gc);
	struct acct_tot *at = calloc((size_t)na + 1, sizeof *at);
	kd->goff[m] = off;
	kd->gperm[m] = gp;
	kd->gdl[m][0] = g0;
	kd->gdl[m][1] = g1;
	kd->glikes[m] = gl;
	kd->gcreated[m] = gc;
	kd->atot[m] = at;
	if (!off || !pos || !gp || !g0 || !g1 || !gl || !gc || !at) {
		free(pos);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		off[(acct[i] < na ? acct[i] : 0) + 1]++;
	for (uint32_t ac = 0; ac < na; ac++) {
		off[ac + 1] += off[ac];
		pos[ac] = off[ac];
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = pos[acct[i] < na ? acct[i] : 0]++;
		int64_t cr = t->created[i];
		if (i + 16 < n) {
			/* Random writes: start the misses of a later item now. */
			uint32_t q = pos[acct[i + 16] < na ? acct[i + 16] : 0];
			__builtin_prefetch(&gp[q], 1);
			__builtin_prefetch(&g0[q], 1);
			__builtin_prefetch(&g1[q], 1);
			__builtin_prefetch(&gl[q], 1);
			__builtin_prefetch(&gc[q], 1);
		}
		gp[j] = i;
		g0[j] = t->downloads[i];
		g1[j] = t->downloads_all[i];
		gl[j] = t->likes[i];
		gc[j] = cr > 0 ? (uint64_t)cr : UINT64_MAX;
	}
	free(pos);
	for (uint32_t ac = 0; ac < na; ac++) {
		at[ac].count = off[ac + 1] - off[ac];
		at[ac].created = UINT64_MAX;
		for (uint32_t j = off[ac]; j < off[ac + 1]; j++) {
			at[ac].downloads[0] += g0[j];
			at[ac].downloads[1] += g1[j];
			at[ac].likes += gl[j];
			at[ac].created = gc[j] < at[ac].created ? gc[j] : at[ac].created;
		}
	}
	return 0;
}

/* The cells, cell totals and account groups of one attribution mode. */
/* A mode's per-item cells and cell totals; with groups, also its items
 * grouped by account (only the organisations ranking needs them, so they
 * wait for it). */
static int kd_mode(struct engine *e, enum ht_kind kind, int m, int groups)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const struct attrib *a = e->a;
	const uint32_t *acct = a->item_acct[kind][m];
	uint32_t n = kd->n, *cell;
	struct cell_tot *ct;
	if (kd->cell[m] && (!groups || kd->atot[m]))
		return 0;
	if (!kd->cell[m]) {
		ct = calloc(e->n_cells, sizeof *ct);
		cell = big_alloc(((size_t)n + 1) * sizeof *cell);
		if (!ct || !cell) {
			free(ct);
			free(cell);
			return -1;
		}
		for (uint32_t c = 0; c < e->n_cells; c++)
			ct[c].created = UINT64_MAX;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t ac = acct[i] < a->n_accounts ? acct[i] : 0;
			unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
			uint32_t cl = ((uint32_t)kd->year[i] * OT_COUNT + type) * e->n_cg + e->acct_cg[ac];
			uint64_t d30 = t->downloads[i], dall = t->downloads_all[i];
			int64_t cr = t->created[i];
			uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
			struct cell_tot *b = &ct[cl];
			cell[i] = cl;
			b->count++;
			b->likes += t->likes[i];
			b->created = ck < b->created ? ck : b->created;
			b->downloads[0] += d30;
			b->downloads[1] += dall;
			b->under[0] += d30 < ENG_UNDER;
			b->under[1] += dall < ENG_UNDER;
		}
		kd->cell[m] = cell;
		kd->ctot[m] = ct;
	}
	if (!groups)
		return 0;
	if (m && acct == a->item_acct[kind][0]) {
		if (kd_mode(e, kind, 0, 1))
			return -1;
		/* Datasets: both modes are the uploader, one grouping serves. */
		kd->goff[1] = kd->goff[0];
		kd->gperm[1] = kd->gperm[0];
		kd->gdl[1][0] = kd->gdl[0][0];
		kd->gdl[1][1] = kd->gdl[0][1];
		kd->glikes[1] = kd->glikes[0];
		kd->gcreated[1] = kd->gcreated[0];
		kd->atot[1] = kd->atot[0];
		return 0;
	}
	if (build_groups(e, t, kd, m, acct)) {
		/* Leave nothing half made: the next call starts again. */
		free(kd->goff[m]);
		free(kd->gperm[m]);
		free(kd->gdl[m][0]);
		free(kd->gdl[m][1]);
		free(kd->glikes[m]);
		free(kd->gcreated[m]);
		free(kd->atot[m]);
		kd->goff[m] = kd->gperm[m] = kd->glikes[m] = NULL;
		kd->gdl[m][0] = kd->gdl[m][1] = kd->gcreated[m] = NULL;
		kd->atot[m] = NULL;
		return -1;
	}
	return 0;
}

/* The all-time window's order (rows by all-time downloads), its inverse,
 * the downloads and a mode's cells in that order. */
static int kd_all(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = kd->n;
	if (!kd->perm_all) {
		uint32_t *perm = big_alloc(((size_t)n + 1) * sizeof *perm);
		uint32_t *rank = big_alloc(((size_t)n + 1) * sizeof *rank);
		uint64_t *dl = big_alloc(((size_t)n + 1) * sizeof *dl);
		if (!perm || !rank || !dl || build_perm(e->s, kind, SORT_COUNT, perm)) {
			free(perm);
			free(rank);
			free(dl);
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			if (i + 16 < n) {
				/* Random accesses: start the misses of a later row now. */
				__builtin_prefetch(&rank[perm[i + 16]], 1);
				__builtin_prefetch(&t->downloads_all[perm[i + 16]], 0);
			}
			rank[perm[i]] = i;
			dl[i] = t->downloads_all[perm[i]];
		}
		kd->perm_all = perm;
		kd->rank_all = rank;
		kd->dl_rank_all = dl;
	}
	if (!kd->cell_all[m]) {
		const uint32_t *cell = kd->cell[m], *perm = kd->perm_all;
		uint32_t *ca = big_alloc(((size_t)n + 1) * sizeof *ca);
		if (!ca)
			return -1;
		for (uint32_t i = 0; i < n; i++) {
			if (i + 16 < n)
				__builtin_prefetch(&cell[perm[i + 16]], 0);
			ca[i] = cell[perm[i]];
		}
		kd->cell_all[m] = ca;
	}
	return 0;
}

/* What every answer needs; the lineage mode and the all-time window are
 * made on their first use (kd_mode, kd_all: about 100 ms each on 2M
 * models), so start-up pays only for the default view and the search. */
static int kdata_init(struct engine *e, enum ht_kind kind)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = t->n;
	int64_t bound[ENG_YEARS];

	kd->n = n;
	kd->year = malloc((size_t)n + 1);
	kd->sbits = calloc(words_of(n) + 1, sizeof *kd->sbits);
	kd->skbits = calloc(words_of(n) + 1, sizeof *kd->skbits);
	kd->mbits = calloc(words_of(n) + 1, sizeof *kd->mbits);
	kd->rowbits = calloc(words_of(n) + 1, sizeof *kd->rowbits);
	kd->chk = malloc(((size_t)n / 64 + 2) * sizeof *kd->chk);
	if (!kd->year || !kd->sbits || !kd->skbits || !kd->mbits || !kd->rowbits || !kd->chk)
		return -1;
	year_bounds(bound);
	for (uint32_t i = 0; i < n; i++)
		kd->year[i] = (uint8_t)year_bucket(t->created[i], bound);
	if (kd_mode(e, kind, ATTRIB_UPLOADER, 0))
		return -1;
	/* The search buffer (a lower-cased copy of every id) waits for the
	 * first search: most sessions start by looking, not typing. */
	return 0;
}

static void kdata_free(struct kdata *kd)
{
	free(kd->perm_all);
	free(kd->rank_all);
	free(kd->dl_rank_all);
	free(kd->year);
	for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
		free(kd->cell[m]);
		free(kd->cell_all[m]);
		free(kd->ctot[m]);
		free(kd->aorder[m][0]);
		free(kd->aorder[m][1]);
		free(kd->acls_n[m]);
		if (m && kd->goff[1] == kd->goff[0])
			continue; /* shared with mode 0 */
		free(kd->atot[m]);
		free(kd->goff[m]);
		free(kd->gperm[m]);
		free(kd->gdl[m][0]);
		free(kd->gdl[m][1]);
		free(kd->glikes[m]);
		free(kd->gcreated[m]);
	}
	free(kd->chk);
	free(kd->lid);
	free(kd->lid_off);
	free(kd->lid_row);
	free(kd->sbits);
	free(kd->skbits);
	free(kd->mbits);
	free(kd->rowbits);
	for (int i = 0; i < SORT_KEY_COUNT; i++)
		free(kd->perm[i]);
}

struct engine *engine_new(const struct ht_snapshot *s, const struct attrib *a, const struct orgdir *d)
{
	struct engine *e;
	uint16_t *map;
	if (!s || !a)
		return NULL;
	e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->s = s;
	e->a = a;
	e->d = d;
	e->n_countries = country_count();
	if (e->n_countries < 1)
		e->n_countries = 1;
	map = malloc((size_t)e->n_countries * CG_COUNT * sizeof *map);
	e->acct_cg = malloc(((size_t)a->n_accounts + 1) * sizeof *e->acct_cg);
	e->cg_country = malloc(((size_t)e->n_countries * CG_COUNT + 1) * sizeof *e->cg_country);
	e->cg_group = malloc((size_t)e->n_countries * CG_COUNT + 1);
	if (!map || !e->acct_cg || !e->cg_country || !e->cg_group)
		goto fail;
	memset(map, 0xff, (size_t)e->n_countries * CG_COUNT * sizeof *map);
	for (uint32_t i = 0; i < a->n_accounts; i++) {
		unsigned c = a->acct_country[i] < e->n_countries ? a->acct_country[i] : COUNTRY_UNKNOWN;
		unsigned g = a->acct_group[i] < CG_COUNT ? a->acct_group[i] : CG_UNKNOWN;
		uint16_t *slot = &map[c * CG_COUNT + g];
		if (*slot == 0xffff) {
			*slot = (uint16_t)e->n_cg;
			e->cg_country[e->n_cg] = (uint16_t)c;
			e->cg_group[e->n_cg] = (uint8_t)g;
			e->n_cg++;
		}
		e->acct_cg[i] = *slot;
	}
	free(map);
	map = NULL;
	if (!e->n_cg) {
		e->cg_country[0] = COUNTRY_UNKNOWN;
		e->cg_group[0] = CG_UNKNOWN;
		e->n_cg = 1;
	}
	e->n_cells = (uint32_t)ENG_YEARS * OT_COUNT * e->n_cg;
	e->cube = calloc(2 * (size_t)e->n_cells + 1, sizeof *e->cube); /* + a bin for non-matches */
	e->cell_ok = malloc(e->n_cells);
	e->acct_bits = calloc(words_of(a->n_accounts) + 1, sizeof *e->acct_bits);
	e->kacc_n = a->n_accounts > s->n_terms ? a->n_accounts : s->n_terms;
	e->kacc = calloc((size_t)e->kacc_n + 1, sizeof *e->kacc);
	e->touched = malloc(((size_t)e->kacc_n + 1) * sizeof *e->touched);
	if (!e->cube || !e->cell_ok || !e->acct_bits || !e->kacc || !e->touched)
		goto fail;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if (kdata_init(e, (enum ht_kind)k))
			goto fail;
	return e;
fail:
	free(map);
	engine_free(e);
	return NULL;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		kdata_free(&e->k[k]);
	free(e->acct_cg);
	free(e->cg_country);
	free(e->cg_group);
	free(e->cube);
	free(e->cell_ok);
	free(e->acct_sorted);
	free(e->acct_bits);
	free(e->kacc);
	free(e->touched);
	free(e);
}

const struct ht_snapshot *engine_snapshot(const struct engine *e)
{
	return e->s;
}

const struct attrib *engine_attrib(const struct engine *e)
{
	return e->a;
}

/* ---- search ------------------------------------------------------------- */

/* Largest r in [lo, n) with off[r] <= pos, galloping from lo. */
static uint32_t row_at(const uint32_t *off, uint32_t n, uint32_t lo, uint32_t pos)
{
	uint32_t step = 1, hi;
	while (lo + step < n && off[lo + step] <= pos) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < n ? lo + step : n; /* off[hi] > pos or hi == n */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (off[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Brings kd->sbits up to date for this search string: a memmem over the
 * whole buffer, or, when the string extends the previous one and that
 * matched few ids, a test of the previous matches only. */
static void search_update(struct kdata *kd, const char *search)
{
	char needle[FILTER_SEARCH_MAX];
	size_t nl = 0, nw = words_of(kd->n);
	uint32_t cnt = 0;
	for (; search[nl] && nl < sizeof needle - 1; nl++)
		needle[nl] = (char)tolower((unsigned char)search[nl]);
	needle[nl] = '\0';
	if (kd->svalid && !strcmp(needle, kd->sprev))
		return;
	if (kd->svalid && strstr(needle, kd->sprev) && kd->scount <= kd->n / 4) {
		for (size_t w = 0; w < nw; w++) {
			uint64_t bits = kd->skbits[w], keep = bits;
			while (bits) {
				unsigned b = (unsigned)__builtin_ctzll(bits);
				uint32_t k = (uint32_t)(w * 64 + b);
				bits &= bits - 1;
				if (!strstr(kd->lid + kd->lid_off[k], needle))
					keep &= ~((uint64_t)1 << b);
			}
			kd->skbits[w] = keep;
			cnt += (uint32_t)__builtin_popcountll(keep);
		}
	} else {
		const char *base = kd->lid;
		uint32_t total = kd->lid_off[kd->n], pos = 0, k = 0;
		memset(kd->skbits, 0, nw * sizeof *kd->skbits);
		while (pos < total) {
			const char *q = memmem(base + pos, total - pos, needle, nl);
			if (!q)
				break;
			k = row_at(kd->lid_off, kd->n, k, (uint32_t)(q - base));
			kd->skbits[k >> 6] |= (uint64_t)1 << (k & 63);
			cnt++;
			pos = kd->lid_off[k + 1];
		}
	}
	memset(kd->sbits, 0, nw * sizeof *kd->sbits);
	for (size_t w = 0; w < nw; w++) {
		uint64_t bits = kd->skbits[w];
		while (bits) {
			uint32_t row = kd->lid_row[w * 64 + (unsigned)__builtin_ctzll(bits)];
			bits &= bits - 1;
			kd->sbits[row >> 6] |= (uint64_t)1 << (row & 63);
		}
	}
	memcpy(kd->sprev, needle, nl + 1);
	kd->svalid = 1;
	kd->scount = cnt;
}

/* ---- apply -------------------------------------------------------------- */

static uint32_t find_term(const struct ht_snapshot *s, const char *term)
{
	uint32_t t = table_find_term(s, term);
	return t ? t : UINT32_MAX; /* unknown term: matches nothing */
}

/* Marks the accounts named by the filter (case-insensitive, as the Hub).
 * The first author filter sorts the accounts by name (once, ~30 ms for
 * 300k accounts). */
static int mark_authors(struct engine *e, const struct filter *f)
{
	const struct attrib *a = e->a;
	if (!e->acct_sorted) {
		struct name_ctx nc = { NULL, NULL, a->acct_name, 0 };
		uint32_t *idx = malloc(((size_t)a->n_accounts + 1) * sizeof *idx);
		if (!idx)
			return -1;
		for (uint32_t i = 0; i < a->n_accounts; i++)
			idx[i] = i;
		if (sort_names(&nc, idx, a->n_accounts)) {
			free(idx);
			return -1;
		}
		e->acct_sorted = idx;
	}
	memset(e->acct_bits, 0, words_of(a->n_accounts) * sizeof *e->acct_bits);
	for (unsigned i = 0; i < f->n_authors && i < FILTER_MAX_AUTHORS; i++) {
		const char *name = f->authors[i];
		uint32_t lo = 0, hi = a->n_accounts;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (strcasecmp(a->acct_name[e->acct_sorted[mid]], name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < a->n_accounts && !strcasecmp(a->acct_name[e->acct_sorted[lo]], name); lo++) {
			uint32_t ac = e->acct_sorted[lo];
			e->acct_bits[ac >> 6] |= (uint64_t)1 << (ac & 63);
		}
	}
	return 0;
}

struct apply_ctx {
	const struct ht_table *t;
	const uint32_t *cell;
	const uint64_t *dl;
	const uint32_t *rank_all; /* NULL: 30-day window, rank == row */
	uint64_t *mbits;
	uint64_t *rowbits;        /* all-time window: matches by row */
	/* 30-day window (rank == row): the rank pass is fused in. */
	uint32_t *rows;
	uint64_t *chk, P;
	unsigned __int128 SP;
	struct cell_acc *cube;
	uint32_t n_cells;
	uint64_t under, matched;
	/* tests */
	int use_cell, use_auth, use_task, use_lib, use_lic, use_created, use_min, use_gated;
	const uint8_t *cell_ok;
	const uint32_t *acct;
	const uint64_t *acct_bits;
	uint32_t task, lib, lic;
	int64_t from, to;
	uint64_t min;
	int gated;
};

static inline int row_matches(const struct apply_ctx *c, uint32_t row)
{
	/* Every active test is evaluated, none short-cuts: the use_* tests
	 * are the same for every row (predicted), the values are not. */
	const struct ht_table *t = c->t;
	int ok = 1;
	if (c->use_cell)
		ok &= c->cell_ok[c->cell[row]] != 0;
	if (c->use_min)
		ok &= c->dl[row] >= c->min;
	if (c->use_task)
		ok &= t->pipeline[row] == c->task;
	if (c->use_lib)
		ok &= t->library[row] == c->lib;
	if (c->use_lic)
		ok &= t->license[row] == c->lic;
	if (c->use_gated)
		ok &= ((t->flags[row] & HT_F_GATED) != 0) == c->gated;
	if (c->use_created) {
		int64_t cr = t->created[row];
		ok &= cr != 0 && (!c->from || cr >= c->from) && (!c->to || cr < c->to);
	}
	if (c->use_auth) {
		uint32_t ac = c->acct[row];
		ok &= (int)((c->acct_bits[ac >> 6] >> (ac & 63)) & 1);
	}
	return ok;
}

/* Pass 1 of engine_apply: tests rows [0, lim) (only those set in sel when
 * sel is given), adds the matches to the cube and marks them.  Inputs are
 * read through local restrict pointers: otherwise every store into the
 * cube may change them as far as the compiler knows, and each row reloads
 * them (twice the time). */
static void scan_rows(struct apply_ctx *c, const uint64_t *sel, uint32_t lim, int any)
{
	const struct apply_ctx cc = *c;
	const uint64_t *restrict dl = cc.dl;
	const int64_t *restrict created = cc.t->created;
	const uint32_t *restrict likes = cc.t->likes;
	const uint32_t *restrict cell = cc.cell;
	const uint32_t *restrict rank_all = cc.rank_all;
	uint64_t *restrict mbits = cc.mbits;
	uint64_t *restrict rowbits = cc.rowbits;
	struct cell_acc *restrict cube = cc.cube;
	uint32_t ncell = cc.n_cells;
	uint32_t *restrict rows = cc.rows;
	uint64_t *restrict chk = cc.chk;
	uint64_t under = 0, matched = 0, P = 0;
	unsigned __int128 SP = 0;
	size_t lw = words_of(lim);
	for (size_t w = 0; w < lw; w++) {
		uint64_t bits = sel ? sel[w] : ~(uint64_t)0;
		if (w == lw - 1 && (lim & 63))
			bits &= ((uint64_t)1 << (lim & 63)) - 1;
		while (bits) {
			uint32_t row = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
			uint64_t x = dl[row];
			int64_t cr = created[row];
			uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
			uint32_t rank = rank_all ? rank_all[row] : row, at;
			uint64_t ok = !any || row_matches(&cc, row), mask = 0 - ok;
			struct cell_acc *b;
			bits &= bits - 1;
			/* No branch on the test (matches are unpredictable): a
			 * non-match goes to the bin past the cube and adds 0.
			 * Two copies, alternating: consecutive matches in one
			 * cell do not wait for each other's stores. */
			at = ok ? (uint32_t)(matched & 1) * ncell + cell[row] : 2 * ncell;
			b = &cube[at];
			b->count++;
			b->downloads += x;
			b->likes += likes[row];
			b->created = ck < b->created ? ck : b->created;
			under += ok & (x < ENG_UNDER);
			mbits[rank >> 6] |= ok << (rank & 63);
			if (rowbits)
				rowbits[row >> 6] |= ok << (row & 63);
			if (rows) {
				rows[matched] = row;
				P += x & mask;
				SP += P & mask;
				if (!((matched + ok) & 63) && ok)
					chk[(matched + 1) >> 6] = P;
			}
			matched += ok;
		}
	}
	c->under = under;
	c->matched = matched;
	c->P = P;
	c->SP = SP;
}

/* Checkpoints of the rank pass: prefix sums wanted at given match counts. */
struct checkpoints {
	uint64_t pos[ENG_LORENZ + 1 + ENG_TOP_N];
	uint64_t *dst[ENG_LORENZ + 1 + ENG_TOP_N];
	unsigned n;
};

static int cmp_cp(const void *pa, const void *pb, void *pc)
{
	const struct checkpoints *c = pc;
	unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
	return (c->pos[a] > c->pos[b]) - (c->pos[a] < c->pos[b]);
}

static void finish_buckets(struct engine *e, struct result_priv *p)
{
	struct eng_result *r = &p->pub;
	for (uint32_t i = 0; i < e->n_cells; i++) {
		struct cell_acc *b0 = &e->cube[i], *b1 = &e->cube[e->n_cells + i];
		uint64_t cnt = b0->count + b1->count, dl, lk, cr;
		unsigned cg, type, year, country, group;
		if (!cnt)
			continue;
		dl = b0->downloads + b1->downloads;
		lk = b0->likes + b1->likes;
		cr = b0->created < b1->created ? b0->created : b1->created;
		cg = i % e->n_cg;
		type = (i / e->n_cg) % OT_COUNT;
		year = i / e->n_cg / OT_COUNT;
		country = e->cg_country[cg];
		group = e->cg_group[cg];
#define ADD(B, X)                                                        \
	do {                                                             \
		(B).count += cnt;                                        \
		(B).downloads += dl;                                     \
		(X).likes += lk;                                         \
		(X).created = cr < (X).created ? cr : (X).created;       \
	} while (0)
		ADD(r->by_country[country], p->country_x[country]);
		ADD(r->by_group[group], p->group_x[group]);
		ADD(r->by_type[type], p->type_x[type]);
		ADD(r->by_year[year], p->year_x[year]);
#undef ADD
		r->year_type[year][type].count += cnt;
		r->year_type[year][type].downloads += dl;
		r->year_group[year][group].count += cnt;
		r->year_group[year][group].downloads += dl;
		r->count += cnt;
		r->downloads += dl;
	}
}

/* Shares, Lorenz curve and Gini from the prefix sums of the rank pass:
 * lor[i] = downloads of the first (m - floor(i m / 100)) matches, SP = the
 * sum of all prefix sums. */
static void finish_conc(struct eng_result *r, const uint64_t *lor, unsigned __int128 SP)
{
	long double S = (long double)r->downloads;
	uint64_t m = r->n;
	for (unsigned i = 0; i < ENG_TOP_N; i++)
		r->top_share[i] = r->downloads ? (double)((long double)r->top_downloads[i] / S) : 0.0;
	for (unsigned i = 0; i <= ENG_LORENZ; i++)
		r->lorenz[i] = r->downloads ? (double)((long double)(r->downloads - lor[i]) / S)
					    : (double)i / ENG_LORENZ;
	r->under_share = m ? (double)r->under_count / (double)m : 0.0;
	if (m && r->downloads)
		r->gini = (double)(2.0L * (long double)SP / ((long double)m * S) -
				   ((long double)m + 1) / (long double)m);
	else
		r->gini = 0.0;
	if (r->gini < 0)
		r->gini = 0.0;
}

/* Downloads of the first pos matches: the checkpoint every 64 matches plus
 * at most 63 items. */
static uint64_t prefix_at(const uint64_t *chk, const uint32_t *rows, const uint64_t *dl, uint64_t pos)
{
	uint64_t v = chk[pos >> 6];
	for (uint64_t j = pos & ~(uint64_t)63; j < pos; j++)
		v += dl[rows[j]];
	return v;
}

/* Top-N, Lorenz and Gini from rows[0..m) and the prefix sums every 64. */
static void finish_from_chk(struct eng_result *r, const uint64_t *chk, const uint32_t *rows,
			    const uint64_t *dl, uint64_t m, unsigned __int128 SP)
{
	uint64_t lor[ENG_LORENZ + 1];
	for (unsigned i = 0; i < ENG_TOP_N; i++)
		r->top_downloads[i] = prefix_at(chk, rows, dl, eng_top_n[i] < m ? eng_top_n[i] : m);
	for (unsigned i = 0; i <= ENG_LORENZ; i++)
		lor[i] = prefix_at(chk, rows, dl, m - (uint64_t)((unsigned __int128)i * m / ENG_LORENZ));
	finish_conc(r, lor, SP);
}

/* Filters on country, group and type alone: the buckets are sums of the
 * unfiltered cell totals, and one sequential pass in rank order gives
 * rows[], the prefix sums and the concentration figures. */
static int apply_cells(struct engine *e, struct result_priv *p, const struct kdata *kd, int mode, int all,
		       int use_cell)
{
	struct eng_result *r = &p->pub;
	const struct ht_table *t = &e->s->t[r->kind];
	const struct cell_tot *ct = kd->ctot[mode];
	const uint32_t *cl = all ? kd->cell_all[mode] : kd->cell[mode];
	const uint64_t *dlr = all ? kd->dl_rank_all : t->downloads;
	const uint32_t *perm = all ? kd->perm_all : NULL;
	const uint8_t *ok = e->cell_ok;
	uint64_t *chk = kd->chk, P = 0, m;
	unsigned __int128 SP = 0;
	uint32_t *rows, cnt = 0, n = kd->n;
	uint64_t under = 0;

	for (uint32_t i = 0; i < e->n_cells; i++) {
		struct cell_acc *b = &e->cube[i];
		if (use_cell && !ok[i])
			continue;
		b->count = ct[i].count;
		b->downloads = ct[i].downloads[all];
		b->likes = ct[i].likes;
		b->created = ct[i].created;
		under += ct[i].under[all];
	}
	finish_buckets(e, p);
	r->under_count = under;
	r->n = (uint32_t)r->count;
	rows = r->rows = malloc(((size_t)r->n + 1) * sizeof *r->rows);
	if (!rows)
		return -1;
	chk[0] = 0;
	if (!use_cell) {
		if (perm)
			memcpy(rows, perm, (size_t)n * sizeof *rows);
		else
			for (uint32_t i = 0; i < n; i++)
				rows[i] = i;
		for (uint32_t i = 0; i < n; i++) {
			P += dlr[i];
			SP += P;
			if (!((i + 1) & 63))
				chk[(i + 1) >> 6] = P;
		}
		cnt = n;
	} else {
		for (uint32_t i = 0; i < n; i++) {
			if (!ok[cl[i]])
				continue;
			rows[cnt++] = perm ? perm[i] : i;
			P += dlr[i];
			SP += P;
			if (!(cnt & 63))
				chk[cnt >> 6] = P;
		}
	}
	m = cnt;
	finish_from_chk(r, chk, rows, all ? t->downloads_all : t->downloads, m, SP);
	return 0;
}

struct eng_result *engine_apply(struct engine *e, const struct filter *f, enum ht_kind kind)
{
	struct result_priv *p;
	struct eng_result *r;
	struct kdata *kd;
	const struct ht_table *t;
	struct apply_ctx c;
	int mode, all, use_search;
	uint32_t lim, n;
	size_t nw;

	if (!e || !f || (unsigned)kind >= HT_KIND_COUNT)
		return NULL;
	p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	r = &p->pub;
	r->kind = kind;
	r->filter = *f;
	r->partial = !e->s->meta.complete;
	r->by_country = calloc(e->n_countries, sizeof *r->by_country);
	p->country_x = calloc(e->n_countries, sizeof *p->country_x);
	if (!r->by_country || !p->country_x) {
		engine_result_free(r);
		return NULL;
	}
	for (unsigned i = 0; i < e->n_countries; i++)
		p->country_x[i].created = UINT64_MAX;
	for (int i = 0; i < CG_COUNT; i++)
		p->group_x[i].created = UINT64_MAX;
	for (int i = 0; i < OT_COUNT; i++)
		p->type_x[i].created = UINT64_MAX;
	for (int i = 0; i < ENG_YEARS; i++)
		p->year_x[i].created = UINT64_MAX;

	kd = &e->k[kind];
	t = &e->s->t[kind];
	n = kd->n;
	nw = words_of(n);
	mode = f->by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	all = f->window == WIN_ALL;
	if (kd_mode(e, kind, mode, 0) || (all && kd_all(e, kind, mode))) {
		engine_result_free(r);
		return NULL;
	}

	memset(&c, 0, sizeof c);
	c.t = t;
	c.cell = kd->cell[mode];
	c.dl = all ? t->downloads_all : t->downloads;
	c.rank_all = all ? kd->rank_all : NULL;
	c.mbits = kd->mbits;
	c.cube = e->cube;
	c.n_cells = e->n_cells;
	c.acct = e->a->item_acct[kind][mode];
	c.acct_bits = e->acct_bits;
	c.cell_ok = e->cell_ok;

	c.use_cell = filter_any_country(f) || f->groups || f->types;
	if (c.use_cell) {
		for (uint32_t i = 0; i < e->n_cells; i++) {
			unsigned cg = i % e->n_cg, type = (i / e->n_cg) % OT_COUNT;
			int ok = 1;
			if (filter_any_country(f) && !filter_has_country(f, e->cg_country[cg]))
				ok = 0;
			if (f->groups && !(f->groups & (1u << e->cg_group[cg])))
				ok = 0;
			if (f->types && !(f->types & (1u << type)))
				ok = 0;
			e->cell_ok[i] = (uint8_t)ok;
		}
	}
	c.use_auth = f->n_authors > 0;
	if (c.use_auth && mark_authors(e, f)) {
		engine_result_free(r);
		return NULL;
	}
	c.use_task = f->task[0] != '\0';
	c.task = c.use_task ? find_term(e->s, f->task) : 0;
	c.use_lib = f->library[0] != '\0';
	c.lib = c.use_lib ? find_term(e->s, f->library) : 0;
	c.use_lic = f->license[0] != '\0';
	c.lic = c.use_lic ? find_term(e->s, f->license) : 0;
	c.use_created = f->created_from || f->created_to;
	c.from = f->created_from;
	c.to = f->created_to;
	c.use_gated = f->gated >= 0;
	c.gated = f->gated > 0;
	c.min = f->min_downloads;
	lim = n;
	if (f->min_downloads && !all) {
		/* Rows are sorted by 30-day downloads: the rest cannot match. */
		uint32_t lo = 0, hi = n;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (t->downloads[mid] >= f->min_downloads)
				lo = mid + 1;
			else
				hi = mid;
		}
		lim = lo;
	} else {
		c.use_min = f->min_downloads > 0;
	}
	use_search = f->search[0] != '\0';
	if (use_search) {
		if (!kd->lid && build_lid(e->s, kind, kd)) {
			engine_result_free(r);
			return NULL;
		}
		search_update(kd, f->search);
	}

	memset(e->cube, 0, 2 * (size_t)e->n_cells * sizeof *e->cube);
	for (uint32_t i = 0; i < 2 * e->n_cells; i++)
		e->cube[i].created = UINT64_MAX;
	p->cell_only = !c.use_auth && !c.use_task && !c.use_lib && !c.use_lic && !c.use_created &&
		       !c.use_gated && !f->min_downloads && !use_search;
	if (p->cell_only && c.use_cell) {
		uint32_t ncls = OT_COUNT * e->n_cg;
		p->cls_ok = malloc(ncls);
		if (!p->cls_ok) {
			engine_result_free(r);
			return NULL;
		}
		/* cell = (year * OT_COUNT + type) * n_cg + cg; class = type * n_cg + cg */
		memcpy(p->cls_ok, e->cell_ok, ncls);
	}
	if (p->cell_only) {
		if (apply_cells(e, p, kd, mode, all, c.use_cell)) {
			engine_result_free(r);
			return NULL;
		}
		return r;
	}
	memset(kd->mbits, 0, nw * sizeof *kd->mbits);
	if (all) {
		c.rowbits = kd->rowbits;
		memset(kd->rowbits, 0, nw * sizeof *kd->rowbits);
	}

	/* Pass 1: filter and accumulate. */
	{
		int any = c.use_cell || c.use_auth || c.use_task || c.use_lib || c.use_lic ||
			  c.use_created || c.use_gated || c.use_min;
		if (!all) {
			/* rows[] at its largest; shrunk below. */
			c.rows = malloc(((size_t)(use_search && kd->scount < lim ? kd->scount : lim) + 1) *
					sizeof *c.rows);
			c.chk = kd->chk;
			if (!c.rows) {
				engine_result_free(r);
				return NULL;
			}
			c.chk[0] = 0;
		}
		scan_rows(&c, use_search ? kd->sbits : NULL, lim, any);
	}
	finish_buckets(e, p);
	r->under_count = c.under;
	r->n = (uint32_t)r->count;
	p->rbits = malloc((nw + 1) * sizeof *p->rbits);
	if (p->rbits)
		memcpy(p->rbits, all ? kd->rowbits : kd->mbits, nw * sizeof *p->rbits);
	if (!all) {
		uint32_t *sh = realloc(c.rows, ((size_t)r->n + 1) * sizeof *sh);
		r->rows = sh ? sh : c.rows;
		finish_from_chk(r, kd->chk, r->rows, t->downloads, r->n, c.SP);
		return r;
	}

	/* Pass 2: the matches in rank order. */
	r->rows = malloc(((size_t)r->n + 1) * sizeof *r->rows);
	if (!r->rows) {
		engine_result_free(r);
		return NULL;
	}
	{
		struct checkpoints cp;
		unsigned order[ENG_LORENZ + 1 + ENG_TOP_N], oi = 0;
		uint64_t lor[ENG_LORENZ + 1];
		uint64_t m = r->n, cnt = 0, P = 0, next;
		unsigned __int128 SP = 0;
		const uint64_t *dlr = all ? kd->dl_rank_all : t->downloads;
		const uint32_t *perm = all ? kd->perm_all : NULL;
		uint32_t *rows = r->rows;

		cp.n = 0;
		for (unsigned i = 0; i <= ENG_LORENZ; i++) {
			/* The bottom i% of items are the last floor(i*m/100) in rank order. */
			cp.pos[cp.n] = m - (uint64_t)((unsigned __int128)i * m / ENG_LORENZ);
			cp.dst[cp.n++] = &lor[i];
		}
		for (unsigned i = 0; i < ENG_TOP_N; i++) {
			cp.pos[cp.n] = eng_top_n[i] < m ? eng_top_n[i] : m;
			cp.dst[cp.n++] = &r->top_downloads[i];
		}
		for (unsigned i = 0; i < cp.n; i++)
			order[i] = i;
		qsort_r(order, cp.n, sizeof order[0], cmp_cp, &cp);
		while (oi < cp.n && cp.pos[order[oi]] == 0)
			*cp.dst[order[oi++]] = 0;
		next = oi < cp.n ? cp.pos[order[oi]] : UINT64_MAX;

		for (size_t w = 0; w < nw; w++) {
			uint64_t bits = kd->mbits[w];
			while (bits) {
				uint32_t rank = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
				bits &= bits - 1;
				rows[cnt] = perm ? perm[rank] : rank;
				P += dlr[rank];
				cnt++;
				SP += P;
				if (cnt == next) {
					while (oi < cp.n && cp.pos[order[oi]] == cnt)
						*cp.dst[order[oi++]] = P;
					next = oi < cp.n ? cp.pos[order[oi]] : UINT64_MAX;
				}
			}
		}
		finish_conc(r, lor, SP);
	}
	return r;
}

void engine_result_free(struct eng_result *r)
{
	struct result_priv *p = (struct result_priv *)r;
	if (!r)
		return;
	free(r->rows);
	free(r->by_country);
	free(p->country_x);
	free(p->cls_ok);
	free(p->rbits);
	free(p);
}

uint64_t engine_item_downloads(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	const struct ht_table *t = &e->s->t[r->kind];
	return r->filter.window == WIN_ALL ? t->downloads_all[row] : t->downloads[row];
}

uint32_t engine_item_account(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	int mode = r->filter.by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	return e->a->item_acct[r->kind][mode][row];
}

/* The matches of a result as a bitmap by row, made once per result. */
static const uint64_t *result_rbits(struct engine *e, const struct eng_result *r)
{
	struct result_priv *p = (struct result_priv *)r; /* rbits is a cache */
	if (!p->rbits) {
		uint64_t *bits = calloc(words_of(e->k[r->kind].n) + 1, sizeof *bits);
		if (!bits)
			return NULL;
		for (uint32_t i = 0; i < r->n; i++)
			bits[r->rows[i] >> 6] |= (uint64_t)1 << (r->rows[i] & 63);
		p->rbits = bits;
	}
	return p->rbits;
}

/* ---- item order --------------------------------------------------------- */

static const uint32_t *get_perm(struct engine *e, enum ht_kind kind, enum eng_sort sort)
{
	struct kdata *kd = &e->k[kind];
	if (!kd->perm[sort]) {
		/* First use of this order: about 30 ms for 2M rows, 150 ms by name. */
		uint32_t *p = malloc(((size_t)kd->n + 1) * sizeof *p);
		if (!p || build_perm(e->s, kind, sort, p)) {
			free(p);
			return NULL;
		}
		kd->perm[sort] = p;
	}
	return kd->perm[sort];
}

uint32_t *engine_sort_items(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc)
{
	uint32_t *out = malloc(((size_t)r->n + 1) * sizeof *out);
	uint32_t n = r->n;
	if (!out)
		return NULL;
	if (sort == SORT_DOWNLOADS || sort == SORT_COUNT || (unsigned)sort >= SORT_KEY_COUNT) {
		if (desc)
			memcpy(out, r->rows, (size_t)n * sizeof *out);
		else
			for (uint32_t i = 0; i < n; i++)
				out[i] = r->rows[n - 1 - i];
		return out;
	}
	if ((uint64_t)n * 32 <= e->k[r->kind].n) {
		/* A small result: sorting it beats a walk over the whole order. */
		struct sort_ctx c = { e->s, r->kind, sort };
		memcpy(out, r->rows, (size_t)n * sizeof *out);
		qsort_r(out, n, sizeof *out, cmp_rows, &c);
		if (!desc)
			for (uint32_t i = 0; i < n / 2; i++) {
				uint32_t tmp = out[i];
				out[i] = out[n - 1 - i];
				out[n - 1 - i] = tmp;
			}
		return out;
	}
	{
		struct kdata *kd = &e->k[r->kind];
		const uint32_t *perm = get_perm(e, r->kind, sort);
		const uint64_t *bits = result_rbits(e, r);
		uint32_t j = 0;
		if (!perm || !bits) {
			free(out);
			return NULL;
		}
		for (uint32_t i = 0; i < kd->n && j < n; i++) {
			uint32_t row = perm[desc ? i : kd->n - 1 - i];
			if ((bits[row >> 6] >> (row & 63)) & 1)
				out[j++] = row;
		}
	}
	return out;
}

/* ---- aggregate rankings ------------------------------------------------- */

static const char *const year_labels[ENG_YEARS] = {
	"legacy", "2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022",
	"2023", "2024", "2025", "2026", "2027", "2028", "2029", "2030"
};

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
	case SORT_CREATED:
		r = (a->created < b->created) - (a->created > b->created);
		break;
	case SORT_COUNT:
		r = (a->count < b->count) - (a->count > b->count);
		break;
	case SORT_NAME:
		r = -strcasecmp(a->label, b->label);
		break;
	default: /* downloads; trending has no aggregate meaning: downloads */
		r = (a->downloads < b->downloads) - (a->downloads > b->downloads);
		break;
	}
	if (r)
		return r;
	return (a->key > b->key) - (a->key < b->key);
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
	w->share = r->downloads ? (double)downloads / (double)r->downloads : 0.0;
	w->count_share = r->count ? (double)count / (double)r->count : 0.0;
	w->country = COUNTRY_UNKNOWN;
	w->group = CG_UNKNOWN;
	w->type = OT_INDEPENDENT;
}

/* Sums per key (account or term) over the result's items. Returns the
 * number of keys touched (listed in e->touched). */
static uint32_t sum_by_key(struct engine *e, const struct eng_result *r, enum eng_pane pane)
{
	const struct ht_table *t = &e->s->t[r->kind];
	const uint64_t *dl = r->filter.window == WIN_ALL ? t->downloads_all : t->downloads;
	int mode = r->filter.by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	const uint32_t *keys = pane == PANE_ORGS ? e->a->item_acct[r->kind][mode]
			       : pane == PANE_TASKS ? t->pipeline : t->library;
	uint32_t m = 0, gen;
	if (++e->gen == 0) {
		for (uint32_t i = 0; i < e->kacc_n; i++)
			e->kacc[i].gen = 0;
		e->gen = 1;
	}
	gen = e->gen;
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t row = r->rows[i], key = keys[row];
		int64_t cr = t->created[row];
		uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
		struct key_acc *k;
		if (key >= e->kacc_n)
			key = 0;
		k = &e->kacc[key];
		if (k->gen != gen) {
			k->gen = gen;
			k->count = 0;
			k->downloads = k->likes = 0;
			k->created = UINT64_MAX;
			e->touched[m++] = key;
		}
		k->count++;
		k->downloads += dl[row];
		k->likes += t->likes[row];
		if (ck < k->created)
			k->created = ck;
	}
	return m;
}

static const char *acct_display(const struct engine *e, uint32_t ac)
{
	const struct attrib *a = e->a;
	if (e->d && a->acct_entry && a->acct_entry[ac] >= 0) {
		const struct org_entry *oe = orgdir_entry(e->d, (size_t)a->acct_entry[ac]);
		if (oe && oe->name && oe->name[0])
			return oe->name;
	}
	return a->acct_name[ac];
}

struct cand {
	uint64_t v;
	uint32_t key;
};

/* Whether a comes before b in the ranking (descending value, ties by key). */
static inline int cand_before(const struct cand *a, const struct cand *b, int desc)
{
	if (!desc) {
		const struct cand *t = a;
		a = b;
		b = t;
	}
	return a->v > b->v || (a->v == b->v && a->key < b->key);
}

/* Offers c to heap[0..*n) (at most k): keeps the first k candidates of the
 * ranking; heap[0] is the last of them. */
static inline void heap_offer(struct cand *heap, size_t *n, size_t k, struct cand c, int desc)
{
	size_t at = 0;
	if (*n < k) {
		/* sift up: the root is the element that comes last */
		at = (*n)++;
		while (at && cand_before(&heap[(at - 1) / 2], &c, desc)) {
			heap[at] = heap[(at - 1) / 2];
			at = (at - 1) / 2;
		}
		heap[at] = c;
		return;
	}
	if (!cand_before(&c, &heap[0], desc))
		return;
	for (;;) {
		size_t l = 2 * at + 1, big = at;
		const struct cand *bigc = &c;
		if (l < *n && cand_before(bigc, &heap[l], desc))
			big = l, bigc = &heap[l];
		if (l + 1 < *n && cand_before(bigc, &heap[l + 1], desc))
			big = l + 1, bigc = &heap[l + 1];
		if (big == at)
			break;
		heap[at] = heap[big];
		at = big;
	}
	heap[at] = c;
}

static uint64_t sort_value(enum eng_sort sort, uint64_t count, uint64_t downloads, uint64_t likes,
			   uint64_t created)
{
	return sort == SORT_LIKES ? likes : sort == SORT_COUNT ? count
	       : sort == SORT_CREATED ? (created == UINT64_MAX ? 0 : created) : downloads;
}

/* Keeps in heap[0..k) the first k of the m touched keys; heap[0] is the
 * last of them.  Returns how many were kept. */
static size_t select_top(struct engine *e, uint32_t m, enum eng_sort sort, int desc, size_t k,
			 struct cand *heap)
{
	size_t n = 0;
	for (uint32_t i = 0; i < m; i++) {
		const struct key_acc *ka = &e->kacc[e->touched[i]];
		struct cand c;
		c.key = e->touched[i];
		c.v = sort_value(sort, ka->count, ka->downloads, ka->likes, ka->created);
		heap_offer(heap, &n, k, c, desc);
	}
	return n;
}

static int cmp_acct_dl(const void *pa, const void *pb, void *pc)
{
	const struct acct_tot *at = ((const struct acct_tot **)pc)[0];
	int all = ((const struct acct_tot **)pc)[1] != NULL;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	uint64_t dx = at[x].downloads[all], dy = at[y].downloads[all];
	if (dx != dy)
		return dx < dy ? 1 : -1;
	return (x > y) - (x < y);
}

/* kd->aorder[mode][all] and kd->acls_n[mode] (see struct kdata). */
static int acct_order(struct engine *e, struct kdata *kd, int mode, int all)
{
	const struct attrib *a = e->a;
	const struct acct_tot *at = kd->atot[mode];
	uint32_t na = a->n_accounts < e->kacc_n ? a->n_accounts : e->kacc_n, k = 0;
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
			max = at[ord[i]].downloads[all] > max ? at[ord[i]].downloads[all] : max;
		kb = bits_of(max);
		v = rb + kb <= 64 ? malloc(((size_t)k + 1) * sizeof *v) : NULL;
		if (v) {
			/* Radix sort of (max - downloads, account): stable, exact. */
			for (uint32_t i = 0; i < k; i++)
				v[i] = (max - at[ord[i]].downloads[all]) << rb | ord[i];
			if (!radix_sort(v, k, rb, rb + kb)) {
				for (uint32_t i = 0; i < k; i++)
					ord[i] = (uint32_t)(v[i] & (((uint64_t)1 << rb) - 1));
				sorted = 1;
			}
			free(v);
		}
		if (!sorted) {
			const struct acct_tot *ctx[2] = { at, all ? at : NULL };
			qsort_r(ord, k, sizeof *ord, cmp_acct_dl, (void *)ctx);
		}
	}
	ord[k] = UINT32_MAX; /* end */
	kd->aorder[mode][all] = ord;
	return 0;
}

/* Copies an account's unfiltered totals into e->kacc when its class
 * (organisation type, country and group) passes the filter. */
static int take_total(struct engine *e, const struct result_priv *p, const struct acct_tot *at,
		      uint32_t ac, int all)
{
	const struct attrib *a = e->a;
	struct key_acc *ka = &e->kacc[ac];

	if (p->cls_ok) {
		unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
		if (!p->cls_ok[type * e->n_cg + e->acct_cg[ac]])
			return 0;
	}
	ka->count = (uint32_t)at[ac].count;
	ka->downloads = at[ac].downloads[all];
	ka->likes = at[ac].likes;
	ka->created = at[ac].created;
	return 1;
}

/* Per-account count and window downloads of a result's items, for the orgs
 * pane.  Filters on country, group and type alone: the unfiltered totals of
 * the accounts that pass, O(accounts).  Small results: a sum over their
 * items (likes and created too: *extras = 1).  Others: one sequential pass
 * over the items grouped by account, testing the match bitmap.  Leaves the
 * accounts with matches in e->touched[0..return) and their sums in e->kacc;
 * -1 when memory runs out. */
static int64_t orgs_sums(struct engine *e, const struct result_priv *p, int *extras,
			 enum eng_sort sort, int desc, size_t limit, uint32_t *presel)
{
	const struct eng_result *r = &p->pub;
	const struct attrib *a = e->a;
	const struct kdata *kd = &e->k[r->kind];
	int mode = r->filter.by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	int all = r->filter.window == WIN_ALL;
	const struct acct_tot *at;
	const uint32_t *off, *gp;
	const uint64_t *gd, *bits;
	uint32_t m = 0, na = a->n_accounts < e->kacc_n ? a->n_accounts : e->kacc_n;
	*extras = 0;
	if (kd_mode(e, r->kind, mode, 1))
		return -1;
	at = kd->atot[mode];
	off = kd->goff[mode];
	gp = kd->gperm[mode];
	gd = kd->gdl[mode][all];
	*presel = UINT32_MAX;
	if (p->cell_only && sort == SORT_DOWNLOADS && desc && limit &&
	    !acct_order(e, &e->k[r->kind], mode, all)) {
		/* The first `limit` accounts that pass, in the unfiltered order:
		 * the same as selecting them from all the accounts that pass. */
		const uint32_t *ord = kd->aorder[mode][all], *cn = kd->acls_n[mode];
		uint32_t ncls = OT_COUNT * e->n_cg, k = 0;
		for (uint32_t c = 0; c < ncls; c++)
			if (!p->cls_ok || p->cls_ok[c])
				m += cn[c];
		for (uint32_t i = 0; ord[i] != UINT32_MAX && k < limit; i++)
			if (take_total(e, p, at, ord[i], all))
				e->touched[k++] = ord[i];
		*presel = k;
		*extras = 1;
		return m;
	}
	if (p->cell_only) {
		for (uint32_t ac = 0; ac < na; ac++)
			if (at[ac].count && take_total(e, p, at, ac, all))
				e->touched[m++] = ac;
		*extras = 1;
		return m;
	}
	if ((uint64_t)r->n * 16 < kd->n) {
		*extras = 1;
		return sum_by_key(e, r, PANE_ORGS);
	}
	bits = result_rbits(e, r);
	if (!bits)
		return -1;
	for (uint32_t ac = 0; ac < na; ac++) {
		uint32_t c = 0;
		uint64_t d = 0;
		for (uint32_t j = off[ac]; j < off[ac + 1]; j++) {
			uint32_t row = gp[j];
			uint64_t b = (bits[row >> 6] >> (row & 63)) & 1;
			c += (uint32_t)b;
			d += gd[j] & (0 - b); /* no branch: matches are unpredictable */
		}
		if (c) {
			e->kacc[ac].count = c;
			e->kacc[ac].downloads = d;
			e->touched[m++] = ac;
		}
	}
	return m;
}

/* Likes and earliest creation of the matching items of some accounts:
 * a walk over their items only. */
static int orgs_extras(struct engine *e, const struct result_priv *p, const uint32_t *keys, uint32_t nk)
{
	const struct eng_result *r = &p->pub;
	const struct kdata *kd = &e->k[r->kind];
	int mode = r->filter.by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	const uint32_t *off = kd->goff[mode], *gp = kd->gperm[mode], *gl = kd->glikes[mode];
	const uint64_t *gc = kd->gcreated[mode];
	const uint64_t *bits = result_rbits(e, r);
	if (!bits)
		return -1;
	for (uint32_t i = 0; i < nk; i++) {
		struct key_acc *k = &e->kacc[keys[i]];
		uint64_t likes = 0, created = UINT64_MAX;
		for (uint32_t j = off[keys[i]]; j < off[keys[i] + 1]; j++) {
			uint32_t row = gp[j];
			if (!((bits[row >> 6] >> (row & 63)) & 1))
				continue;
			likes += gl[j];
			created = gc[j] < created ? gc[j] : created;
		}
		k->likes = likes;
		k->created = created;
	}
	return 0;
}

size_t engine_rank(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		   enum eng_sort sort, int desc, struct eng_row **out)
{
	return engine_rank_top(e, r, pane, sort, desc, 0, out);
}

size_t engine_rank_top(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		       enum eng_sort sort, int desc, size_t limit, struct eng_row **out)
{
	size_t total;
	const struct result_priv *p = (const struct result_priv *)r;
	struct eng_row *rows = NULL;
	size_t n = 0, cap;
	*out = NULL;
	if (!e || !r)
		return 0;
	switch (pane) {
	case PANE_ORGS:
	case PANE_TASKS:
	case PANE_LIBRARIES: {
		uint32_t m = 0, mk = 0;
		const struct attrib *a = e->a;
		int extras = 1;
		if (pane == PANE_ORGS) {
			uint32_t presel;
			int64_t got = orgs_sums(e, p, &extras, sort, desc, limit, &presel);
			if (got < 0)
				return 0;
			m = (uint32_t)got;
			if (presel != UINT32_MAX) {
				mk = presel;
				goto make_rows;
			}
			/* Likes and creation dates: of every account when the
			 * order needs them, else of the chosen ones only. */
			if (!extras && (sort == SORT_LIKES || sort == SORT_CREATED || !limit || limit >= m)) {
				if (orgs_extras(e, p, e->touched, m))
					return 0;
				extras = 1;
			}
		} else {
			m = sum_by_key(e, r, pane);
		}
		mk = m;
		if (limit && limit < m && sort != SORT_NAME) {
			/* One screen of a long ranking: select, do not sort everything. */
			struct cand *heap = malloc(limit * sizeof *heap);
			if (!heap)
				return 0;
			mk = (uint32_t)select_top(e, m, sort, desc, limit, heap);
			for (uint32_t i = 0; i < mk; i++)
				e->touched[i] = heap[i].key;
			free(heap);
		}
		if (!extras && orgs_extras(e, p, e->touched, mk))
			return 0;
make_rows:
		total = m;
		rows = malloc(((size_t)mk + 1) * sizeof *rows);
		if (!rows)
			return 0;
		for (uint32_t i = 0; i < mk; i++) {
			uint32_t key = e->touched[i];
			const struct key_acc *k = &e->kacc[key];
			struct eng_row *w = &rows[n++];
			if (pane == PANE_ORGS) {
				row_set(w, r, key, a->acct_name[key], acct_display(e, key), k->count,
					k->downloads, k->likes, k->created);
				w->country = a->acct_country[key];
				w->group = a->acct_group[key];
				w->type = a->acct_type[key];
			} else {
				const char *label = ht_term(e->s, key);
				row_set(w, r, key, label,
					key ? label : pane == PANE_TASKS ? "(no task)" : "(no library)",
					k->count, k->downloads, k->likes, k->created);
			}
		}
		break;
	}
	case PANE_COUNTRIES:
		rows = malloc(((size_t)e->n_countries + 1) * sizeof *rows);
		if (!rows)
			return 0;
		for (unsigned c = 0; c < e->n_countries; c++) {
			const struct eng_bucket *b = &r->by_country[c];
			struct eng_row *w;
			if (!b->count && c != COUNTRY_UNKNOWN)
				continue;
			w = &rows[n++];
			row_set(w, r, c, c == COUNTRY_UNKNOWN ? "unknown" : country_code(c), country_name(c),
				b->count, b->downloads, p->country_x[c].likes, p->country_x[c].created);
			w->country = (uint16_t)c;
			w->group = (uint8_t)country_group_of(c);
		}
		break;
	case PANE_GROUPS:
		rows = malloc(CG_COUNT * sizeof *rows);
		if (!rows)
			return 0;
		for (unsigned g = 0; g < CG_COUNT; g++) {
			const struct eng_bucket *b = &r->by_group[g];
			if (!b->count && g != CG_UNKNOWN)
				continue;
			row_set(&rows[n], r, g, country_group_key((enum country_group)g),
				country_group_name((enum country_group)g), b->count, b->downloads,
				p->group_x[g].likes, p->group_x[g].created);
			rows[n++].group = (uint8_t)g;
		}
		break;
	case PANE_ORGTYPES:
		rows = malloc(OT_COUNT * sizeof *rows);
		if (!rows)
			return 0;
		for (unsigned ty = 0; ty < OT_COUNT; ty++) {
			const struct eng_bucket *b = &r->by_type[ty];
			if (!b->count && ty != OT_INDEPENDENT && ty != OT_UNKNOWN_ORG)
				continue;
			row_set(&rows[n], r, ty, orgdir_type_key((enum org_type)ty),
				orgdir_type_name((enum org_type)ty), b->count, b->downloads,
				p->type_x[ty].likes, p->type_x[ty].created);
			rows[n++].type = (uint8_t)ty;
		}
		break;
	case PANE_YEARS:
		rows = malloc(ENG_YEARS * sizeof *rows);
		if (!rows)
			return 0;
		for (unsigned y = 0; y < ENG_YEARS; y++) {
			const struct eng_bucket *b = &r->by_year[y];
			if (!b->count)
				continue;
			row_set(&rows[n++], r, y, year_labels[y], year_labels[y], b->count, b->downloads,
				p->year_x[y].likes, p->year_x[y].created);
		}
		break;
	default:
		return 0;
	}
	if (pane != PANE_ORGS && pane != PANE_TASKS && pane != PANE_LIBRARIES)
		total = n;
	cap = n;
	qsort_r(rows, n, sizeof *rows, cmp_rank, &sort);
	if (!desc)
		for (size_t i = 0; i < cap / 2; i++) {
			struct eng_row tmp = rows[i];
			rows[i] = rows[cap - 1 - i];
			rows[cap - 1 - i] = tmp;
		}
	*out = rows;
	return total;
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

const char *engine_sort_key(enum eng_sort s)
{
	return (unsigned)s < SORT_KEY_COUNT ? sort_keys[s] : "";
}

int engine_sort_find(const char *key)
{
	for (int i = 0; key && i < SORT_KEY_COUNT; i++)
		if (!strcasecmp(key, sort_keys[i]))
			return i;
	return -1;
}

const char *engine_year_label(unsigned bucket, char *buf, size_t len)
{
	if (!len)
		return buf;
	snprintf(buf, len, "%s", bucket < ENG_YEARS ? year_labels[bucket] : "");
	return buf;
}

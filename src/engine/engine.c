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
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hubtop/civil.h"
#include "hubtop/engine.h"
#include "hubtop/search.h"

const unsigned eng_top_n[ENG_TOP_N] = { 10, 100, 200, 1000 };

/* The engine's "modes": (attribution mode, level).  Views below
 * ATTRIB_MODE_COUNT group items by account, the others by organisation;
 * each view has its own cells, groups and orders, made on first use, so
 * the machinery is the same for both levels. */
#define ENG_VIEWS (2 * ATTRIB_MODE_COUNT)
/* The default level's views: those start-up, engine_prepare_step and the
 * side-by-side records (struct rank_rec) serve. */
#define VIEW_DEF ATTRIB_MODE_COUNT

static int filter_view(const struct filter *f)
{
	int m = f->by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	return f->level == LEVEL_ACCOUNT ? m : ATTRIB_MODE_COUNT + m;
}

/* One accumulation bucket of the hot loop. */
struct cell_acc {
	uint64_t count, downloads, likes;
	uint64_t created; /* earliest creation; UINT64_MAX = none known */
};

/* Unfiltered totals of one cell (year, class), both windows:
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
	uint64_t trending; /* made by result_trending */
};

/* The matches of a filter in one window's rank order: a bitmap by rank and,
 * per 64-rank word, the matches and their downloads before it, so the k-th
 * match and the downloads of the first k are a binary search and one word
 * away. */
struct match_set {
	size_t nw;               /* words */
	uint64_t *bits;          /* nw + 1 */
	uint32_t *wcnt;          /* nw + 1: matches before word w */
	uint64_t *wdl;           /* nw + 1: their downloads */
	uint64_t n, P, under;
	uint64_t nk;             /* matches among the ranks with a count (ord.known) */
	unsigned __int128 SP;    /* sum of the prefix sums (Gini) */
};

struct result_priv {
	struct eng_result pub; /* first: the caller sees only this */
	struct agg_x *country_x;
	struct agg_x group_x[CG_COUNT], type_x[OT_COUNT], year_x[ENG_YEARS];
	/* The filter only tests country, group and type: per-account
	 * answers come from the unfiltered totals of the accounts in cls_ok. */
	int cell_only;
	uint8_t *cls_ok;       /* per (type, country+group) class: passes; NULL = all */
	struct match_set ms;   /* by window rank */
	uint32_t *rows;        /* every match in rank order; NULL until first needed */
	uint64_t *rbits;       /* matches by row; NULL until first needed (30-day: ms.bits) */
	uint64_t *aseen;       /* accounts with a match; NULL: not known */
	struct cell_acc *own;  /* per own class (kdata.acct_cls): its account's matches */
	/* Per cell, its matches' trending: only a ranking that shows or sorts
	 * by trending needs it, so the share pass leaves it to
	 * result_trending.  NULL until made. */
	uint64_t *ctr;
};

/* Per-account (or per-term) accumulator for the org, task and library panes. */
struct key_acc {
	uint64_t downloads, likes, created;
	uint32_t count, gen;
};

enum { TERM_TASK = 0, TERM_LIB, TERM_LIC, TERM_COLS };

/* What the share pass reads of one sparse match, together: one cache line
 * fetched instead of five. */
struct rank_rec {
	uint64_t dl;
	uint32_t likes;
	uint32_t created;                   /* 0 unknown */
	uint32_t acct[ATTRIB_MODE_COUNT];
	uint16_t cell[ATTRIB_MODE_COUNT];
	uint32_t pad;
};

/* One window's rank order (30-day: the rows themselves, which are stored
 * that way; all-time: rows by all-time downloads) and, in that order,
 * compact copies of what the filter pass reads: the scan then streams a few
 * narrow arrays instead of the table's wide columns.  Each array is made on
 * first use, or by engine_prepare. */
struct ord {
	uint32_t *perm;          /* rank -> row; NULL: rank == row */
	uint32_t *rank;          /* row -> rank; NULL likewise */
	const uint64_t *dl;      /* window downloads by rank */
	uint64_t *dl_own;
	uint64_t *uni;           /* per 64-rank word: its downloads are all equal */
	struct rank_rec *rec;    /* by rank, when every creation time fits 32 bits */
	uint16_t *cell[ENG_VIEWS];
	uint32_t *crk[ENG_VIEWS];      /* ranks grouped by cell, ascending */
	uint32_t *crk_off[ENG_VIEWS];  /* n_cells + 1 offsets into crk */
	const uint32_t *acct[ENG_VIEWS]; /* the account each rank counts for */
	uint32_t *acct_own[ENG_VIEWS];
	uint32_t *grank[ENG_VIEWS];  /* kdata.gperm's rows as ranks (all-time) */
	uint16_t *term[TERM_COLS];  /* dense term codes (kdata.term_code) */
	uint32_t *created;       /* creation, seconds (kdata.created_exact) */
	const uint32_t *likes;
	uint32_t *likes_own;
	const uint32_t *trending; /* made on first use (ord_trending) */
	uint32_t *trending_own;
	const uint8_t *flags;
	uint8_t *flags_own;
	struct match_set every;  /* the unfiltered answer; every.bits NULL until made */
	uint64_t *sbits;         /* all-time: the cached search by rank */
	/* Ranks [0, known) have a download count in this window; the rest
	 * (flagged unknown, stored as 0) follow them.  Set by ord_base. */
	uint32_t known;
	char skey[FILTER_SEARCH_MAX];
	int svalid;
};

struct kdata {
	uint32_t n;
	struct ord o[2];         /* by enum filter_window */
	uint8_t *year;           /* year bucket per row */
	uint16_t *term_code[TERM_COLS]; /* term index -> dense code, TERM_NONE if absent */
	uint32_t term_codes[TERM_COLS]; /* codes in use; > TERM_MAX: the wide column is read */
	int created_exact;       /* every creation time fits o[].created (0 <= t < 2^32 - 1) */
	struct cell_tot *ctot[ENG_VIEWS];
	/* The cells that hold items, ascending: the only ones a pass touches,
	 * so the only ones cleared and read back (a third of them on 2M
	 * models). */
	uint32_t *cused[ENG_VIEWS];
	uint32_t ncused[ENG_VIEWS];
	struct acct_tot *atot[ENG_VIEWS];
	/* Items grouped by account (counting sort, rows ascending within an
	 * account): goff[ac]..goff[ac+1] index gperm (rows) and the columns in
	 * that order, so a per-account sum is a sequential pass.  atot: the
	 * accounts' unfiltered totals. */
	uint32_t *goff[ENG_VIEWS];
	uint32_t *gperm[ENG_VIEWS];
	uint64_t *gdl[ENG_VIEWS][2];  /* window downloads in that order */
	uint32_t *glikes[ENG_VIEWS];  /* likes in that order */
	uint64_t *gcreated[ENG_VIEWS]; /* creation in that order, UINT64_MAX unknown */
	/* Per cell, its rows with a known creation time, earliest first: the
	 * earliest match of a cell is the first of them that matches. */
	uint32_t *cby[ENG_VIEWS];
	uint32_t *cby_off[ENG_VIEWS];
	/* Accounts with items by unfiltered window downloads, descending, and
	 * how many of them each (type, country+group) class holds: the orgs
	 * ranking of a country/group/type filter is then the first accounts
	 * that pass.  Made on first use. */
	uint32_t *aorder[ENG_VIEWS][2];
	uint32_t *acls_n[ENG_VIEWS];
	/* The positions in aorder grouped by class, ascending within one:
	 * class c holds apos[acls_off[c] .. acls_off[c + 1]).  A filter that
	 * passes a few small classes reads their heads, not the whole order. */
	uint32_t *acls_off[ENG_VIEWS];
	uint32_t *apos[ENG_VIEWS][2];
	/* The accounts with most items (at least OWN_MIN_ITEMS, at most
	 * engine.n_own of them) have classes of their own, after the
	 * (type, country+group) ones: their matches' sums are then a few
	 * cells of the share pass, which the organisations ranking reads
	 * instead of walking their items.  Made with the mode's cells. */
	uint16_t *acct_cls[ENG_VIEWS];  /* account -> its class */
	uint8_t *cls_type[ENG_VIEWS];   /* class -> its organisation type */
	uint16_t *cls_cg[ENG_VIEWS];    /* class -> its country+group */
	/* Trending, which only a ranking by it or an export's column reads,
	 * so made on first use: per cell and per account, the unfiltered
	 * sums; the scores in account-group order (kdata.gperm). */
	uint64_t *ttot[ENG_VIEWS];
	uint64_t *atr[ENG_VIEWS];
	uint32_t *gtrending[ENG_VIEWS];
	/* The organisation views (ENG_VIEWS above ATTRIB_MODE_COUNT): per
	 * mode, the item -> organisation map (the representative account of
	 * the item's account, attrib.h) and per representative how many of
	 * its accounts hold items here.  Made on first use. */
	uint32_t *org_item[ATTRIB_MODE_COUNT];
	uint32_t *org_nacc[ATTRIB_MODE_COUNT];
	struct search_index *sx; /* the ids' search index */
	uint32_t *perm[SORT_KEY_COUNT]; /* rows by key, descending; built on first use */
};

#define TERM_NONE 0xffffu
#define TERM_MAX 0xfffeu

/* Own classes: an account with fewer items is walked as cheaply as its
 * cells are summed; more of them would make the cube outgrow the cache. */
#define OWN_MIN_ITEMS 128u
#define OWN_SAMPLE 16u
#define OWN_MAX 256u

struct engine {
	const struct ht_snapshot *s;
	const struct attrib *a;
	const struct orgdir *d;
	unsigned n_countries;
	unsigned n_cg;
	uint32_t n_cls;         /* classes: OT_COUNT * n_cg, then n_own of single accounts */
	uint32_t n_own;
	uint16_t *cg_country;
	uint8_t *cg_group;
	uint16_t *acct_cg;
	uint32_t n_cells;       /* ENG_YEARS * n_cls: cell = year * n_cls + class */
	struct cell_acc *cube;  /* 2 * n_cells: alternate copies break store chains */
	uint8_t *cell_ok;
	uint64_t *cbits;        /* scratch: ranks whose cell passes */
	uint32_t *acct_sorted;  /* accounts by name, case-insensitive; built on first author filter */
	uint64_t *acct_bits;
	uint64_t *org_bits;     /* organisations a --org filter names; made on first one */
	struct key_acc *kacc;   /* max(accounts, terms) */
	uint64_t *ktr;          /* the same keys' trending, when a ranking asks; made on first use */
	uint32_t kacc_n, gen;
	uint32_t *touched;
	unsigned prep;          /* engine_prepare_step: the next piece */
	struct kdata k[HT_KIND_COUNT];
};

static size_t words_of(uint32_t n)
{
	return ((size_t)n + 63) / 64;
}

/* bound[y]: first second of bucket y (y >= 1). */
static void year_bounds(int64_t *bound)
{
	bound[0] = INT64_MIN;
	for (unsigned y = 1; y < ENG_YEARS; y++)
		bound[y] = civil_year_start(ENG_YEAR_FIRST + (int64_t)y - 1);
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

/* The all-time order's key: an unknown count sorts after every known one,
 * a known 0 included, so the rows without one are a suffix of the ranks. */
static inline uint64_t dla_key(const struct ht_table *t, uint32_t row)
{
	uint64_t v = t->downloads_all[row];
	if (t->flags[row] & HT_F_DLA_UNKNOWN)
		return 0;
	return v == UINT64_MAX ? v : v + 1;
}

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
		r = (dla_key(t, a) < dla_key(t, b)) - (dla_key(t, a) > dla_key(t, b));
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

/* The key of a row as an unsigned value in the same order, larger first
 * (creation, signed: offset by 2^63). */
static uint64_t sort_key(const struct ht_table *t, enum eng_sort key, uint32_t row)
{
	switch (key) {
	case SORT_LIKES: return t->likes[row];
	case SORT_TRENDING: return t->trending[row];
	case SORT_CREATED: return (uint64_t)t->created[row] ^ ((uint64_t)1 << 63);
	case SORT_DOWNLOADS: return t->downloads[row];
	default: return dla_key(t, row); /* SORT_COUNT: all-time */
	}
}

/* The first `want` of rows[0..n) in cmp_rows order (desc) or its reverse,
 * by a radix sort of (key, row) packed in 64 bits: a few linear passes
 * where a comparison sort paid a random read per comparison.  1 when the
 * key does not fit (names, huge values): the caller sorts otherwise. */
static int sort_rows_radix(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key,
			   const uint32_t *rows, uint32_t n, uint32_t want, int desc, uint32_t *out)
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
			__builtin_prefetch(key == SORT_CREATED ? (const void *)&t->created[r] :
					   key == SORT_LIKES ? (const void *)&t->likes[r] :
					   key == SORT_TRENDING ? (const void *)&t->trending[r] :
					   key == SORT_DOWNLOADS ? (const void *)&t->downloads[r] :
					   (const void *)&t->downloads_all[r]);
		}
		k = sort_key(t, key, rows[i]);
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
	if (radix_sort(v, n, ascending ? rb : 0, rb + kb)) {
		free(v);
		return -1;
	}
	for (uint32_t i = 0; i < want; i++)
		out[i] = (uint32_t)(v[desc ? i : n - 1 - i] & (rb ? ((uint64_t)1 << rb) - 1 : 0));
	free(v);
	return 0;
}

/* perm: the rows in cmp_rows order (key descending, ties by row).  Radix
 * sort when the key and the row fit in 64 bits together, else qsort. */
static int build_perm(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key, uint32_t *perm)
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
	rc = n < 64 ? 1 : sort_rows_radix(s, kind, key, perm, n, n, 1, perm);
	if (rc > 0) {
		struct sort_ctx c = { s, kind, key };
		qsort_r(perm, n, sizeof *perm, cmp_rows, &c);
		rc = 0;
	}
	return rc;
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

/* ---- construction ------------------------------------------------------- */

static const uint32_t *get_perm(struct engine *e, enum ht_kind kind, enum eng_sort sort);

/* The account each item counts for in view m: attribution's for the
 * account views; for the organisation views, made on first use from them
 * (datasets: both modes share one array, as in attribution).  NULL when
 * memory runs out. */
static const uint32_t *view_acct(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const struct attrib *a = e->a;
	const uint32_t *acct;
	uint32_t *oi, *nacc, na = a->n_accounts;
	uint64_t *seen;
	int b;
	if (m < ATTRIB_MODE_COUNT)
		return a->item_acct[kind][m];
	b = m - ATTRIB_MODE_COUNT;
	if (kd->org_item[b])
		return kd->org_item[b];
	acct = a->item_acct[kind][b];
	if (b && acct == a->item_acct[kind][0]) {
		if (!view_acct(e, kind, ATTRIB_MODE_COUNT))
			return NULL;
		kd->org_item[b] = kd->org_item[0];
		kd->org_nacc[b] = kd->org_nacc[0];
		return kd->org_item[b];
	}
	oi = table_big_alloc(((size_t)kd->n + 1) * sizeof *oi);
	nacc = calloc((size_t)na + 1, sizeof *nacc);
	seen = calloc(words_of(na) + 1, sizeof *seen);
	if (!oi || !nacc || !seen) {
		free(oi);
		free(nacc);
		free(seen);
		return NULL;
	}
	for (uint32_t i = 0; i < kd->n; i++) {
		uint32_t ac = acct[i] < na ? acct[i] : 0;
		oi[i] = a->acct_org[ac];
		seen[ac >> 6] |= (uint64_t)1 << (ac & 63);
	}
	for (uint32_t ac = 0; ac < na; ac++)
		if ((seen[ac >> 6] >> (ac & 63)) & 1)
			nacc[a->acct_org[ac]]++;
	free(seen);
	kd->org_item[b] = oi;
	kd->org_nacc[b] = nacc;
	return oi;
}

/* Items grouped by account for one attribution mode (see struct kdata)
 * and the per-account totals: a counting sort, reading the table in row
 * order and writing each item to its account's next slot. */
static int build_groups(struct engine *e, enum ht_kind kind, struct kdata *kd, int m, const uint32_t *acct)
{
	const struct ht_table *t = &e->s->t[kind];
	uint32_t na = e->a->n_accounts, n = kd->n;
	uint32_t *off = calloc((size_t)na + 2, sizeof *off);
	uint32_t *pos = malloc(((size_t)na + 1) * sizeof *pos);
	uint32_t *gp = table_big_alloc(((size_t)n + 1) * sizeof *gp);
	uint64_t *g0 = table_big_alloc(((size_t)n + 1) * sizeof *g0);
	uint64_t *g1 = table_big_alloc(((size_t)n + 1) * sizeof *g1);
	uint32_t *gl = table_big_alloc(((size_t)n + 1) * sizeof *gl);
	uint64_t *gc = table_big_alloc(((size_t)n + 1) * sizeof *gc);
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

/* kd->acct_cls, kd->cls_type and kd->cls_cg of a mode.  Which accounts
 * have classes of their own changes only the speed, so every OWN_SAMPLE-th
 * item is counted to find the largest: e->n_own of them at most, by count
 * (ties by account), with at least OWN_MIN_ITEMS / OWN_SAMPLE sampled
 * items. */
static int kd_own(struct engine *e, struct kdata *kd, int m, const uint32_t *acct)
{
	const struct attrib *a = e->a;
	uint32_t na = a->n_accounts, n = kd->n, base = (uint32_t)OT_COUNT * e->n_cg;
	uint32_t *cnt = calloc((size_t)na + 1, sizeof *cnt);
	uint8_t *ty = malloc((size_t)e->n_cls + 1);
	uint16_t *cg = malloc(((size_t)e->n_cls + 1) * sizeof *cg);
	uint16_t *cls = malloc(((size_t)na + 1) * sizeof *cls);
	struct cand *heap = malloc(((size_t)e->n_own + 1) * sizeof *heap);
	size_t nh = 0;
	if (!cnt || !ty || !cg || !cls || !heap) {
		free(cnt);
		free(ty);
		free(cg);
		free(cls);
		free(heap);
		return -1;
	}
	for (uint32_t i = 0; i < n; i += OWN_SAMPLE)
		cnt[acct[i] < na ? acct[i] : 0]++;
	for (uint32_t ac = 0; ac < na && e->n_own; ac++)
		if (cnt[ac] >= OWN_MIN_ITEMS / OWN_SAMPLE) {
			struct cand c = { cnt[ac], ac };
			heap_offer(heap, &nh, e->n_own, c, 1);
		}
	for (uint32_t ac = 0; ac < na; ac++) {
		unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
		cls[ac] = (uint16_t)(type * e->n_cg + e->acct_cg[ac]);
	}
	for (uint32_t c = 0; c < e->n_cls; c++) {
		/* Unused own classes hold nothing: any parts do. */
		uint32_t tc = c < base ? c : 0;
		if (c >= base && c - base < nh)
			tc = cls[heap[c - base].key];
		ty[c] = (uint8_t)(tc / e->n_cg);
		cg[c] = (uint16_t)(tc % e->n_cg);
	}
	for (uint32_t j = 0; j < nh; j++)
		cls[heap[j].key] = (uint16_t)(base + j);
	free(cnt);
	free(heap);
	kd->cls_type[m] = ty;
	kd->cls_cg[m] = cg;
	kd->acct_cls[m] = cls;
	return 0;
}

/* A mode's per-item cells (30-day order) and cell totals; with groups,
 * also its items grouped by account (only the organisations ranking needs
 * them, so they wait for it). */
static int kd_mode(struct engine *e, enum ht_kind kind, int m, int groups)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const struct attrib *a = e->a;
	const uint32_t *acct = view_acct(e, kind, m);
	uint32_t n = kd->n;
	uint16_t *cell;
	if (!acct)
		return -1;
	uint32_t *used;
	struct cell_tot *ct;
	if (kd->o[0].cell[m] && (!groups || kd->atot[m]))
		return 0;
	if (!kd->o[0].cell[m]) {
		if (!kd->acct_cls[m] && kd_own(e, kd, m, acct))
			return -1;
		ct = calloc(e->n_cells, sizeof *ct);
		cell = table_big_alloc(((size_t)n + 1) * sizeof *cell);
		used = malloc(((size_t)e->n_cells + 1) * sizeof *used);
		if (!ct || !cell || !used) {
			free(ct);
			free(cell);
			free(used);
			return -1;
		}
		for (uint32_t c = 0; c < e->n_cells; c++)
			ct[c].created = UINT64_MAX;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t ac = acct[i] < a->n_accounts ? acct[i] : 0;
			uint32_t cl = (uint32_t)kd->year[i] * e->n_cls + kd->acct_cls[m][ac];
			uint64_t d30 = t->downloads[i], dall = t->downloads_all[i];
			int64_t cr = t->created[i];
			uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
			struct cell_tot *b = &ct[cl];
			cell[i] = (uint16_t)cl;
			b->count++;
			b->likes += t->likes[i];
			b->created = ck < b->created ? ck : b->created;
			b->downloads[0] += d30;
			b->downloads[1] += dall;
			b->under[0] += d30 < ENG_UNDER;
			b->under[1] += dall < ENG_UNDER;
		}
		kd->ncused[m] = 0;
		for (uint32_t c = 0; c < e->n_cells; c++)
			if (ct[c].count)
				used[kd->ncused[m]++] = c;
		kd->o[0].cell[m] = cell;
		kd->ctot[m] = ct;
		kd->cused[m] = used;
	}
	if (!groups)
		return 0;
	if (m % ATTRIB_MODE_COUNT && acct == view_acct(e, kind, m - 1)) {
		if (kd_mode(e, kind, m - 1, 1))
			return -1;
		/* Datasets: both modes are the uploader, one grouping serves. */
		kd->goff[m] = kd->goff[m - 1];
		kd->gperm[m] = kd->gperm[m - 1];
		kd->gdl[m][0] = kd->gdl[m - 1][0];
		kd->gdl[m][1] = kd->gdl[m - 1][1];
		kd->glikes[m] = kd->glikes[m - 1];
		kd->gcreated[m] = kd->gcreated[m - 1];
		kd->atot[m] = kd->atot[m - 1];
		return 0;
	}
	if (build_groups(e, kind, kd, m, acct)) {
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

/* dst[i] = src[perm[i]]: a gather, with the misses of later items started
 * early. */
#define DEFINE_GATHER(NAME, T)                                                     \
	static T *NAME(const T *src, const uint32_t *perm, uint32_t n)             \
	{                                                                          \
		T *dst = table_big_alloc(((size_t)n + 1) * sizeof *dst);                 \
		if (!dst)                                                          \
			return NULL;                                               \
		for (uint32_t i = 0; i < n; i++) {                                 \
			if (i + 16 < n)                                            \
				__builtin_prefetch(&src[perm[i + 16]], 0);         \
			dst[i] = src[perm[i]];                                     \
		}                                                                  \
		return dst;                                                        \
	}
DEFINE_GATHER(gather8, uint8_t)
DEFINE_GATHER(gather16, uint16_t)
DEFINE_GATHER(gather32, uint32_t)
DEFINE_GATHER(gather64, uint64_t)

static int ord_uni(struct ord *o, uint32_t n)
{
	size_t nw = words_of(n);
	if (o->uni)
		return 0;
	if (!(o->uni = calloc(words_of((uint32_t)nw) + 1, sizeof *o->uni)))
		return -1;
	for (size_t w = 0; w < nw; w++) {
		uint32_t last = (uint32_t)(w * 64 + 63 < n ? w * 64 + 63 : n - 1);
		if (o->dl[w * 64] == o->dl[last])
			o->uni[w >> 6] |= (uint64_t)1 << (w & 63);
	}
	return 0;
}

/* o->known: the rows without a count are the last ranks (the table's
 * order and dla_key put them there).  O(rows without a count). */
static void ord_known(struct ord *o, uint32_t n, uint8_t flag, int none)
{
	uint32_t k = n;
	if (none) {
		o->known = 0;
		return;
	}
	while (k > 0 && (o->flags[k - 1] & flag))
		k--;
	o->known = k;
}

/* A window's order and the columns every filter pass reads (downloads,
 * likes, flags, the cells of mode m). */
static int ord_base(struct engine *e, enum ht_kind kind, int win, int m)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = kd->n;
	if (kd_mode(e, kind, m, 0))
		return -1;
	if (!win) {
		o->dl = t->downloads;
		o->likes = t->likes;
		o->flags = t->flags;
		o->acct[m] = view_acct(e, kind, m);
		if (m % ATTRIB_MODE_COUNT != m)
			o->acct[m % ATTRIB_MODE_COUNT] = e->a->item_acct[kind][m % ATTRIB_MODE_COUNT];
		ord_known(o, n, HT_F_DL_UNKNOWN, 0);
		return ord_uni(o, n);
	}
	if (!o->perm) {
		uint32_t *perm = table_big_alloc(((size_t)n + 1) * sizeof *perm);
		uint32_t *rank = table_big_alloc(((size_t)n + 1) * sizeof *rank);
		if (!perm || !rank || build_perm(e->s, kind, SORT_COUNT, perm)) {
			free(perm);
			free(rank);
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			if (i + 16 < n)
				__builtin_prefetch(&rank[perm[i + 16]], 1);
			rank[perm[i]] = i;
		}
		o->perm = perm;
		o->rank = rank;
	}
	if (!o->dl_own && !(o->dl_own = gather64(t->downloads_all, o->perm, n)))
		return -1;
	o->dl = o->dl_own;
	if (!o->likes_own && !(o->likes_own = gather32(t->likes, o->perm, n)))
		return -1;
	o->likes = o->likes_own;
	if (!o->flags_own && !(o->flags_own = gather8(t->flags, o->perm, n)))
		return -1;
	o->flags = o->flags_own;
	if (!o->cell[m] && !(o->cell[m] = gather16(kd->o[0].cell[m], o->perm, n)))
		return -1;
	if (!o->acct_own[m] && !(o->acct_own[m] = gather32(view_acct(e, kind, m), o->perm, n)))
		return -1;
	o->acct[m] = o->acct_own[m];
	if (m >= ATTRIB_MODE_COUNT) {
		/* The author and organisation tests read the account. */
		int b = m - ATTRIB_MODE_COUNT;
		if (!o->acct_own[b] && !(o->acct_own[b] = gather32(e->a->item_acct[kind][b], o->perm, n)))
			return -1;
		o->acct[b] = o->acct_own[b];
	}
	ord_known(o, n, HT_F_DLA_UNKNOWN, (e->s->meta.no_alltime >> kind) & 1);
	return ord_uni(o, n);
}

/* o->crk and o->crk_off of a mode: a counting sort of the ranks by cell. */
static int ord_crk(struct engine *e, enum ht_kind kind, int win, int m)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	uint32_t n = kd->n, nc = e->n_cells, *off, *pos, *rk;
	const uint16_t *cell;
	if (o->crk[m])
		return 0;
	if (ord_base(e, kind, win, m))
		return -1;
	cell = o->cell[m];
	off = calloc((size_t)nc + 2, sizeof *off);
	pos = malloc(((size_t)nc + 1) * sizeof *pos);
	rk = table_big_alloc(((size_t)n + 1) * sizeof *rk);
	if (!off || !pos || !rk) {
		free(off);
		free(pos);
		free(rk);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		off[cell[i] + 1]++;
	for (uint32_t c = 0; c < nc; c++) {
		off[c + 1] += off[c];
		pos[c] = off[c];
	}
	for (uint32_t i = 0; i < n; i++)
		rk[pos[cell[i]]++] = i;
	free(pos);
	o->crk[m] = rk;
	o->crk_off[m] = off;
	return 0;
}

static const uint32_t *term_column(const struct ht_table *t, int col)
{
	return col == TERM_TASK ? t->pipeline : col == TERM_LIB ? t->library : t->license;
}

/* Dense codes of one term column (tasks, libraries or licences are a few
 * hundred distinct terms among all the snapshot's): 2 bytes a row instead
 * of 4.  More than TERM_MAX distinct terms: the filter reads the table. */
static int ord_term(struct engine *e, enum ht_kind kind, int win, int col)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const uint32_t *v = term_column(t, col);
	uint32_t n = kd->n, nt = e->s->n_terms + 1;
	if (!kd->term_code[col]) {
		uint16_t *code = malloc((size_t)nt * sizeof *code), *c0;
		uint32_t next = 0;
		if (!code)
			return -1;
		memset(code, 0xff, (size_t)nt * sizeof *code);
		for (uint32_t i = 0; i < n && next <= TERM_MAX; i++) {
			uint32_t x = v[i] < nt ? v[i] : 0;
			if (code[x] == TERM_NONE)
				code[x] = (uint16_t)next++;
		}
		kd->term_code[col] = code;
		kd->term_codes[col] = next;
		if (next > TERM_MAX)
			return 0;
		c0 = table_big_alloc(((size_t)n + 1) * sizeof *c0);
		if (!c0)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			c0[i] = code[v[i] < nt ? v[i] : 0];
		kd->o[0].term[col] = c0;
	}
	if (kd->term_codes[col] > TERM_MAX || kd->o[win].term[col])
		return 0;
	if (ord_base(e, kind, win, 0))
		return -1;
	kd->o[win].term[col] = gather16(kd->o[0].term[col], kd->o[win].perm, n);
	return kd->o[win].term[col] ? 0 : -1;
}

/* Creation times as 32-bit seconds (0 unknown), when every one fits. */
static int ord_created(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = kd->n;
	if (!kd->o[0].created && kd->created_exact >= 0) {
		uint32_t *c = table_big_alloc(((size_t)n + 1) * sizeof *c);
		if (!c)
			return -1;
		for (uint32_t i = 0; i < n; i++) {
			int64_t cr = t->created[i];
			if (cr < 0 || cr >= (int64_t)UINT32_MAX) {
				kd->created_exact = -1;
				free(c);
				return 0;
			}
			c[i] = (uint32_t)cr;
		}
		kd->o[0].created = c;
		kd->created_exact = 1;
	}
	if (kd->created_exact < 0 || kd->o[win].created)
		return 0;
	if (ord_base(e, kind, win, 0))
		return -1;
	kd->o[win].created = gather32(kd->o[0].created, kd->o[win].perm, n);
	return kd->o[win].created ? 0 : -1;
}

/* Trending scores by rank (30-day: the table's own column): only rankings
 * by trending read them, so the all-time copy waits for the first. */
static const uint32_t *ord_trending(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	if (o->trending)
		return o->trending;
	if (!win)
		return o->trending = e->s->t[kind].trending;
	if ((!o->perm && ord_base(e, kind, win, 0)) ||
	    !(o->trending_own = gather32(e->s->t[kind].trending, o->perm, kd->n)))
		return NULL;
	return o->trending = o->trending_own;
}

/* kd->ttot and kd->atr of a mode: one pass over the rows. */
static int kd_trending(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const uint32_t *tr = e->s->t[kind].trending, *acct;
	uint32_t na = e->a->n_accounts;
	const uint16_t *cell;
	uint64_t *ct, *at;
	if (kd->ttot[m])
		return 0;
	if (kd_mode(e, kind, m, 0) || !(acct = view_acct(e, kind, m)))
		return -1;
	cell = kd->o[0].cell[m];
	ct = calloc((size_t)e->n_cells + 1, sizeof *ct);
	at = calloc((size_t)na + 1, sizeof *at);
	if (!ct || !at) {
		free(ct);
		free(at);
		return -1;
	}
	for (uint32_t i = 0; i < kd->n; i++) {
		ct[cell[i]] += tr[i];
		at[acct[i] < na ? acct[i] : 0] += tr[i];
	}
	kd->ttot[m] = ct;
	kd->atr[m] = at;
	return 0;
}

/* kd->gtrending of a mode (with its account groups). */
static const uint32_t *kd_gtrending(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	if (!kd->gtrending[m] && !kd_mode(e, kind, m, 1))
		kd->gtrending[m] = gather32(e->s->t[kind].trending, kd->gperm[m], kd->n);
	return kd->gtrending[m];
}

/* kd->cby and kd->cby_off of a mode (see struct kdata): the rows with a
 * known creation time sorted on (cell, creation order, row), by one radix
 * sort of those three packed in 64 bits; a qsort when they do not fit. */
struct cby_ctx {
	const uint16_t *cell;
	const int64_t *created;
};

static int cmp_cby(const void *pa, const void *pb, void *pc)
{
	const struct cby_ctx *c = pc;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	if (c->cell[x] != c->cell[y])
		return c->cell[x] < c->cell[y] ? -1 : 1;
	if (c->created[x] != c->created[y])
		return c->created[x] < c->created[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static int kd_cby(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const uint16_t *cell;
	const uint32_t *byc;
	uint32_t n = kd->n, nc = e->n_cells, *off, *cby, *crank = NULL, k = 0;
	unsigned rb = bits_of(n ? n - 1 : 0), cb = bits_of(nc);
	uint64_t *v = NULL;
	if (kd->cby[m])
		return 0;
	if (kd_mode(e, kind, m, 0) || !(byc = get_perm(e, kind, SORT_CREATED)))
		return -1;
	cell = kd->o[0].cell[m];
	off = calloc((size_t)nc + 2, sizeof *off);
	cby = table_big_alloc(((size_t)n + 1) * sizeof *cby);
	if (!off || !cby)
		goto fail;
	for (uint32_t i = 0; i < n; i++)
		if (t->created[i] > 0)
			off[cell[i] + 1]++;
	for (uint32_t c = 0; c < nc; c++)
		off[c + 1] += off[c];
	if (2 * rb + cb <= 64) {
		/* crank: a row's place in creation order (byc is descending). */
		crank = table_big_alloc(((size_t)n + 1) * sizeof *crank);
		v = table_big_alloc(((size_t)n + 1) * sizeof *v);
		if (!crank || !v)
			goto fail;
		for (uint32_t j = 0; j < n; j++) {
			if (j + 16 < n)
				__builtin_prefetch(&crank[byc[j + 16]], 1);
			crank[byc[j]] = n - 1 - j;
		}
		for (uint32_t i = 0; i < n; i++)
			if (t->created[i] > 0)
				v[k++] = ((uint64_t)cell[i] << (2 * rb)) | ((uint64_t)crank[i] << rb) | i;
		if (radix_sort(v, k, rb, 2 * rb + cb))
			goto fail;
		for (uint32_t j = 0; j < k; j++)
			cby[j] = (uint32_t)(v[j] & (((uint64_t)1 << rb) - 1));
	} else {
		struct cby_ctx c = { cell, t->created };
		for (uint32_t i = 0; i < n; i++)
			if (t->created[i] > 0)
				cby[k++] = i;
		qsort_r(cby, k, sizeof *cby, cmp_cby, &c);
	}
	free(crank);
	free(v);
	kd->cby[m] = cby;
	kd->cby_off[m] = off;
	return 0;
fail:
	free(off);
	free(cby);
	free(crank);
	free(v);
	return -1;
}

/* o->rec: the columns of a window's order side by side. */
static int ord_rec(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	uint32_t n = kd->n;
	struct rank_rec *rec;
	if (o->rec)
		return 0;
	if (ord_base(e, kind, win, VIEW_DEF) || ord_base(e, kind, win, VIEW_DEF + 1) || ord_created(e, kind, win))
		return -1;
	if (!o->created)
		return 0;
	if (!(rec = table_big_alloc(((size_t)n + 1) * sizeof *rec)))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		rec[i].dl = o->dl[i];
		rec[i].likes = o->likes[i];
		rec[i].created = o->created[i];
		for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
			rec[i].acct[m] = o->acct[VIEW_DEF + m][i];
			rec[i].cell[m] = o->cell[VIEW_DEF + m][i];
		}
		rec[i].pad = 0;
	}
	o->rec = rec;
	return 0;
}

/* What every answer needs; the rest (lineage cells, the all-time order,
 * term codes, the search buffer, account groups) is made on first use or
 * by engine_prepare, so start-up pays only for the default view. */
static int kdata_init(struct engine *e, enum ht_kind kind)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = t->n;
	int64_t bound[ENG_YEARS];

	kd->n = n;
	kd->year = malloc((size_t)n + 1);
	if (!kd->year)
		return -1;
	year_bounds(bound);
	/* Buckets start at midnight, so a table by day answers with one
	 * multiply and one load per item (16 compares each were 50 ms). */
	{
		int64_t first = bound[1], span = bound[ENG_YEARS - 1] - first;
		uint64_t days = (uint64_t)(span / 86400);
		uint8_t *by_day = malloc(days + 1);
		if (!by_day)
			return -1;
		for (unsigned y = 1, d = 0; d < days; d++) {
			while (y + 1 < ENG_YEARS && first + (int64_t)d * 86400 >= bound[y + 1])
				y++;
			by_day[d] = (uint8_t)y;
		}
		for (uint32_t i = 0; i < n; i++) {
			int64_t cr = t->created[i];
			uint8_t y;
			if (cr < first)
				y = 0;
			else if (cr - first >= span)
				y = ENG_YEARS - 1;
			else
				y = by_day[(uint64_t)(cr - first) / 86400];
			kd->year[i] = y;
		}
		free(by_day);
	}
	return ord_base(e, kind, 0, VIEW_DEF + ATTRIB_UPLOADER);
}

static void match_set_free(struct match_set *ms)
{
	free(ms->bits);
	free(ms->wcnt);
	free(ms->wdl);
	memset(ms, 0, sizeof *ms);
}

static void kdata_free(struct kdata *kd)
{
	for (int w = 0; w < 2; w++) {
		struct ord *o = &kd->o[w];
		free(o->perm);
		free(o->rank);
		free(o->dl_own);
		free(o->uni);
		free(o->rec);
		free(o->likes_own);
		free(o->trending_own);
		free(o->flags_own);
		free(o->created);
		for (int m = 0; m < ENG_VIEWS; m++) {
			free(o->cell[m]);
			free(o->acct_own[m]);
			free(o->grank[m]);
			free(o->crk[m]);
			free(o->crk_off[m]);
		}
		for (int c = 0; c < TERM_COLS; c++)
			free(o->term[c]);
		match_set_free(&o->every);
		free(o->sbits);
	}
	free(kd->year);
	for (int c = 0; c < TERM_COLS; c++)
		free(kd->term_code[c]);
	for (int m = 0; m < ATTRIB_MODE_COUNT; m++)
		if (!m || kd->org_item[m] != kd->org_item[m - 1]) {
			free(kd->org_item[m]);
			free(kd->org_nacc[m]);
		}
	for (int m = 0; m < ENG_VIEWS; m++) {
		free(kd->ctot[m]);
		free(kd->cused[m]);
		free(kd->cby[m]);
		free(kd->cby_off[m]);
		free(kd->aorder[m][0]);
		free(kd->aorder[m][1]);
		free(kd->apos[m][0]);
		free(kd->apos[m][1]);
		free(kd->acls_off[m]);
		free(kd->acls_n[m]);
		free(kd->cls_type[m]);
		free(kd->cls_cg[m]);
		free(kd->acct_cls[m]);
		free(kd->ttot[m]);
		free(kd->atr[m]);
		free(kd->gtrending[m]);
		if (m % ATTRIB_MODE_COUNT && kd->goff[m] == kd->goff[m - 1])
			continue; /* shared with the uploader mode */
		free(kd->atot[m]);
		free(kd->goff[m]);
		free(kd->gperm[m]);
		free(kd->gdl[m][0]);
		free(kd->gdl[m][1]);
		free(kd->glikes[m]);
		free(kd->gcreated[m]);
	}
	search_free(kd->sx);
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
	{
		/* Own classes in what the 16-bit cells leave. */
		uint32_t room = 65536u / ENG_YEARS, base = (uint32_t)OT_COUNT * e->n_cg;
		e->n_own = room > base ? (room - base < OWN_MAX ? room - base : OWN_MAX) : 0;
		e->n_cls = base + e->n_own;
	}
	e->n_cells = (uint32_t)ENG_YEARS * e->n_cls;
	e->cube = calloc(2 * (size_t)e->n_cells + 1, sizeof *e->cube); /* + a bin for non-matches */
	e->cell_ok = malloc(e->n_cells);
	e->cbits = malloc((words_of(s->t[HT_MODELS].n > s->t[HT_DATASETS].n ? s->t[HT_MODELS].n
								      : s->t[HT_DATASETS].n) + 1) * sizeof *e->cbits);
	e->acct_bits = calloc(words_of(a->n_accounts) + 1, sizeof *e->acct_bits);
	e->kacc_n = a->n_accounts > s->n_terms ? a->n_accounts : s->n_terms;
	/* Random access per item: on huge pages where the system allows. */
	e->kacc = table_big_alloc(((size_t)e->kacc_n + 1) * sizeof *e->kacc);
	if (e->kacc)
		memset(e->kacc, 0, ((size_t)e->kacc_n + 1) * sizeof *e->kacc);
	e->touched = malloc(((size_t)e->kacc_n + 1) * sizeof *e->touched);
	if (!e->cube || !e->cell_ok || !e->cbits || !e->acct_bits || !e->kacc || !e->touched)
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
	free(e->cbits);
	free(e->acct_sorted);
	free(e->acct_bits);
	free(e->org_bits);
	free(e->kacc);
	free(e->ktr);
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

/* ---- apply -------------------------------------------------------------- */

static uint32_t find_term(const struct ht_snapshot *s, const char *term)
{
	uint32_t t = table_find_term(s, term);
	return t ? t : UINT32_MAX; /* unknown term: matches nothing */
}

/* Marks the accounts named by the filter (case-insensitive, as the Hub).
 * The first author filter sorts the accounts by name (once, ~30 ms for
 * 300k accounts). */
static int sort_accounts(struct engine *e)
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
	return 0;
}

/* The accounts named name (case-insensitive): [*lo, return) in acct_sorted. */
static uint32_t find_accounts(const struct engine *e, const char *name, uint32_t *lo_out)
{
	const struct attrib *a = e->a;
	uint32_t lo = 0, hi = a->n_accounts;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(a->acct_name[e->acct_sorted[mid]], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*lo_out = lo;
	while (lo < a->n_accounts && !strcasecmp(a->acct_name[e->acct_sorted[lo]], name))
		lo++;
	return lo;
}

/* Marks in e->org_bits the organisations (representative accounts) the
 * filter names: by any of their accounts, or by a directory entry's
 * display name.  O(names * (log accounts + directory entries)). */
static void mark_orgs(struct engine *e, const struct filter *f)
{
	const struct attrib *a = e->a;
	size_t nd = orgdir_count(e->d);
	memset(e->org_bits, 0, words_of(a->n_accounts) * sizeof *e->org_bits);
	for (unsigned i = 0; i < f->n_orgs && i < FILTER_MAX_AUTHORS; i++) {
		uint32_t lo, hi = find_accounts(e, f->orgs[i], &lo);
		for (; lo < hi; lo++) {
			uint32_t o = a->acct_org[e->acct_sorted[lo]];
			e->org_bits[o >> 6] |= (uint64_t)1 << (o & 63);
		}
		for (size_t k = 0; k < nd; k++) {
			const struct org_entry *oe = orgdir_entry(e->d, k), *ce;
			if (strcasecmp(oe->name, f->orgs[i]))
				continue;
			ce = oe->canonical >= 0 ? orgdir_entry(e->d, (size_t)oe->canonical) : oe;
			for (hi = find_accounts(e, ce->account, &lo); lo < hi; lo++) {
				uint32_t o = a->acct_org[e->acct_sorted[lo]];
				e->org_bits[o >> 6] |= (uint64_t)1 << (o & 63);
			}
		}
	}
}

/* e->acct_bits: the accounts whose items pass the author and organisation
 * tests (both, when both are set). */
static int mark_authors(struct engine *e, const struct filter *f)
{
	const struct attrib *a = e->a;
	if (sort_accounts(e))
		return -1;
	memset(e->acct_bits, 0, words_of(a->n_accounts) * sizeof *e->acct_bits);
	for (unsigned i = 0; i < f->n_authors && i < FILTER_MAX_AUTHORS; i++) {
		uint32_t lo, hi = find_accounts(e, f->authors[i], &lo);
		for (; lo < hi; lo++) {
			uint32_t ac = e->acct_sorted[lo];
			e->acct_bits[ac >> 6] |= (uint64_t)1 << (ac & 63);
		}
	}
	if (f->n_orgs) {
		if (!e->org_bits && !(e->org_bits = calloc(words_of(a->n_accounts) + 1, sizeof *e->org_bits)))
			return -1;
		mark_orgs(e, f);
		for (uint32_t ac = 0; ac < a->n_accounts; ac++) {
			uint32_t o = a->acct_org[ac];
			uint64_t in = (e->org_bits[o >> 6] >> (o & 63)) & 1, bit = (uint64_t)1 << (ac & 63);
			if (!in || (f->n_authors && !(e->acct_bits[ac >> 6] & bit)))
				e->acct_bits[ac >> 6] &= ~bit;
			else
				e->acct_bits[ac >> 6] |= bit;
		}
	}
	return 0;
}

/* The filter's tests, in rank order.  Narrow columns are tested 64 rows at
 * a time into a bit mask; what has no narrow copy (authors, a term column
 * with too many terms, creation times that do not fit 32 bits) is tested
 * on the table's own columns through the order's permutation. */
struct scan {
	const struct ord *o;
	uint32_t n;               /* rows */
	uint32_t lim;             /* ranks [0, lim) can match */
	const uint64_t *sel;      /* only these ranks (the search); NULL all */
	const uint64_t *sel2;     /* and these (the cells that pass); NULL all */
	const uint16_t *cell;
	int use_term[TERM_COLS];
	const uint16_t *term[TERM_COLS];
	uint16_t term_v[TERM_COLS];
	int use_created;
	const uint32_t *created;
	uint32_t c_from, c_to;    /* created in [c_from, c_to), 0 excluded */
	int use_gated;
	uint8_t gated;
	int use_auth;
	const uint32_t *acct;     /* by rank: the view's account (organisation views: the organisation's) */
	const uint32_t *aacct;    /* by rank: the account, which the author and organisation tests read */
	const uint64_t *acct_bits;
	/* wide tests, by row */
	int wide;
	const struct ht_table *t;
	int wide_term[TERM_COLS], wide_created;
	uint32_t term_id[TERM_COLS];
	int64_t from, to;
};

static uint64_t mask_eq16(const uint16_t *p, uint16_t v)
{
	uint64_t m = 0;
#ifdef __SSE2__
	const __m128i vv = _mm_set1_epi16((short)v);
	for (unsigned b = 0; b < 64; b += 16) {
		__m128i a = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(p + b)), vv);
		__m128i c = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(p + b + 8)), vv);
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_packs_epi16(a, c)) << b;
	}
#else
	for (unsigned b = 0; b < 64; b++)
		m |= (uint64_t)(p[b] == v) << b;
#endif
	return m;
}

/* Bits of the 64 values with the flag set. */
static uint64_t mask_flag8(const uint8_t *p, uint8_t flag)
{
	uint64_t m = 0;
#ifdef __SSE2__
	const __m128i f = _mm_set1_epi8((char)flag), zero = _mm_setzero_si128();
	for (unsigned b = 0; b < 64; b += 16) {
		__m128i x = _mm_and_si128(_mm_loadu_si128((const __m128i *)(p + b)), f);
		m |= (uint64_t)(uint16_t)~_mm_movemask_epi8(_mm_cmpeq_epi8(x, zero)) << b;
	}
#else
	for (unsigned b = 0; b < 64; b++)
		m |= (uint64_t)((p[b] & flag) != 0) << b;
#endif
	return m;
}

/* Bits of the 64 values with lo <= x < hi and x != 0. */
static uint64_t mask_range32(const uint32_t *p, uint32_t lo, uint32_t hi)
{
	uint64_t m = 0;
#ifdef __SSE2__
	/* Unsigned compares as signed ones on values shifted by 2^31. */
	const __m128i bias = _mm_set1_epi32((int)0x80000000u), zero = _mm_setzero_si128();
	const __m128i l = _mm_set1_epi32((int)(lo ^ 0x80000000u)), h = _mm_set1_epi32((int)(hi ^ 0x80000000u));
	for (unsigned b = 0; b < 64; b += 4) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + b)), xs = _mm_xor_si128(x, bias);
		__m128i below = _mm_cmplt_epi32(xs, l), ok = _mm_cmplt_epi32(xs, h);
		ok = _mm_andnot_si128(_mm_or_si128(below, _mm_cmpeq_epi32(x, zero)), ok);
		m |= (uint64_t)(unsigned)_mm_movemask_ps(_mm_castsi128_ps(ok)) << b;
	}
#else
	for (unsigned b = 0; b < 64; b++)
		m |= (uint64_t)(p[b] && p[b] >= lo && p[b] < hi) << b;
#endif
	return m;
}

static int wide_matches(const struct scan *c, uint32_t row)
{
	const struct ht_table *t = c->t;
	int ok = 1;
	for (int k = 0; k < TERM_COLS; k++)
		if (c->wide_term[k])
			ok &= term_column(t, k)[row] == c->term_id[k];
	if (c->wide_created) {
		int64_t cr = t->created[row];
		ok &= cr != 0 && (!c->from || cr >= c->from) && (!c->to || cr < c->to);
	}
	return ok;
}

/* Which of the 64 ranks from base (cnt of them, cnt < 64 only at the end)
 * pass every test. */
static uint64_t scan_word(const struct scan *c, uint32_t base, unsigned cnt, uint64_t cand)
{
	const struct ord *o = c->o;
	uint64_t m = cand;
	if (cnt < 64 || !m) {
		/* The last word: one rank at a time, nothing read past the end. */
		uint64_t keep = 0;
		for (uint64_t bits = m; bits; bits &= bits - 1) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			uint32_t r = base + b;
			int ok = 1;
			for (int k = 0; k < TERM_COLS; k++)
				if (c->use_term[k])
					ok &= c->term[k][r] == c->term_v[k];
			if (c->use_created) {
				uint32_t x = c->created[r];
				ok &= x && x >= c->c_from && x < c->c_to;
			}
			if (c->use_gated)
				ok &= ((o->flags[r] & HT_F_GATED) != 0) == c->gated;
			if (c->use_auth)
				ok &= (int)((c->acct_bits[c->aacct[r] >> 6] >> (c->aacct[r] & 63)) & 1);
			if (c->wide)
				ok &= wide_matches(c, o->perm ? o->perm[r] : r);
			keep |= (uint64_t)ok << b;
		}
		return keep;
	}
	for (int k = 0; k < TERM_COLS && m; k++)
		if (c->use_term[k])
			m &= mask_eq16(c->term[k] + base, c->term_v[k]);
	if (c->use_created && m)
		m &= mask_range32(c->created + base, c->c_from, c->c_to);
	if (c->use_gated && m) {
		uint64_t g = mask_flag8(o->flags + base, HT_F_GATED);
		m &= c->gated ? g : ~g;
	}
	if (c->use_auth && m) {
		uint64_t g = 0;
		for (unsigned b = 0; b < 64; b++) {
			uint32_t ac = c->aacct[base + b];
			g |= ((c->acct_bits[ac >> 6] >> (ac & 63)) & 1) << b;
		}
		m &= g;
	}
	if (c->wide && m) {
		uint64_t keep = 0;
		for (uint64_t bits = m; bits; bits &= bits - 1) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			uint32_t r = base + b;
			keep |= (uint64_t)wide_matches(c, o->perm ? o->perm[r] : r) << b;
		}
		m = keep;
	}
	return m;
}

static int match_set_alloc(struct match_set *ms, uint32_t n)
{
	size_t nw = words_of(n);
	memset(ms, 0, sizeof *ms);
	ms->bits = malloc((nw + 1) * sizeof *ms->bits);
	ms->wcnt = malloc((nw + 1) * sizeof *ms->wcnt);
	ms->wdl = malloc((nw + 1) * sizeof *ms->wdl);
	if (!ms->bits || !ms->wcnt || !ms->wdl) {
		match_set_free(ms);
		return -1;
	}
	ms->nw = nw;
	return 0;
}

static int match_set_copy(struct match_set *dst, const struct match_set *src, uint32_t n)
{
	if (match_set_alloc(dst, n))
		return -1;
	memcpy(dst->bits, src->bits, (src->nw + 1) * sizeof *dst->bits);
	memcpy(dst->wcnt, src->wcnt, (src->nw + 1) * sizeof *dst->wcnt);
	memcpy(dst->wdl, src->wdl, (src->nw + 1) * sizeof *dst->wdl);
	dst->n = src->n;
	dst->P = src->P;
	dst->SP = src->SP;
	dst->under = src->under;
	dst->nk = src->nk;
	return 0;
}

/* Adds word w's matches (bits) to the running prefix sums. */
static inline void conc_word(const uint64_t *dl, const uint64_t *uni, size_t w, uint64_t bits, uint64_t *P,
			     unsigned __int128 *SP)
{
	uint32_t base = (uint32_t)(w * 64);
	if ((uni[w >> 6] >> (w & 63)) & 1) {
		uint64_t x = dl[base], k = (uint64_t)__builtin_popcountll(bits);
		*SP += (unsigned __int128)k * *P + (unsigned __int128)x * (k * (k + 1) / 2);
		*P += k * x;
		return;
	}
	if (bits && dl[base + (unsigned)__builtin_ctzll(bits)] < ((uint64_t)1 << 52)) {
		/* The word's sums in 64 bits (its largest value, the first, under
		 * 2^52: 64 prefix sums of 64 of them fit), added to the 128-bit
		 * total once per word: the loop carries no 128-bit chain. */
		uint64_t s = 0, ss = 0, k = (uint64_t)__builtin_popcountll(bits);
		for (; bits; bits &= bits - 1) {
			s += dl[base + (unsigned)__builtin_ctzll(bits)];
			ss += s;
		}
		*SP += (unsigned __int128)k * *P + ss;
		*P += s;
		return;
	}
	for (; bits; bits &= bits - 1) {
		*P += dl[base + (unsigned)__builtin_ctzll(bits)];
		*SP += *P;
	}
}

#define CONC_LAG 8u

/* Matches at ranks [0, r), from the per-word counts. */
static inline uint64_t matches_before(const uint64_t *bits, const uint32_t *wcnt, uint32_t r)
{
	return wcnt[r >> 6] + (uint64_t)__builtin_popcountll(bits[r >> 6] & (((uint64_t)1 << (r & 63)) - 1));
}

/* The filter pass, in rank order: which ranks match, and per word the
 * matches before it. */
static void scan_pass(const struct scan *c, struct match_set *ms)
{
	const uint64_t *restrict dl = c->o->dl;
	uint64_t *restrict bits_out = ms->bits;
	uint32_t *restrict wcnt = ms->wcnt;
	const uint32_t lim = c->lim;
	const int tests = c->use_term[0] || c->use_term[1] || c->use_term[2] || c->use_created ||
			  c->use_gated || c->use_auth || c->wide;
	uint64_t m = 0;
	size_t lw = words_of(lim);
	uint32_t lo = 0, hi = lim;

	for (size_t w = 0; w < lw; w++) {
		uint32_t base = (uint32_t)(w * 64);
		unsigned cnt = lim - base < 64 ? lim - base : 64;
		uint64_t bits = (c->sel ? c->sel[w] : ~(uint64_t)0) & (c->sel2 ? c->sel2[w] : ~(uint64_t)0);
		if (cnt < 64)
			bits &= ((uint64_t)1 << cnt) - 1;
		if (tests && bits)
			bits = scan_word(c, base, cnt, bits);
		bits_out[w] = bits;
		wcnt[w] = (uint32_t)m;
		m += (uint64_t)__builtin_popcountll(bits);
	}
	for (size_t w = lw; w < ms->nw; w++) {
		bits_out[w] = 0;
		wcnt[w] = (uint32_t)m;
	}
	wcnt[ms->nw] = (uint32_t)m;
	bits_out[ms->nw] = 0;
	ms->n = m;
	/* Ranks are by downloads: those under the threshold are the last ones
	 * with a count, [lo, known). */
	if (c->o->known < hi)
		hi = c->o->known;
	ms->nk = matches_before(bits_out, wcnt, hi);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (dl[mid] >= ENG_UNDER)
			lo = mid + 1;
		else
			hi = mid;
	}
	ms->under = ms->nk - matches_before(bits_out, wcnt, lo);
}

/* The downloads before each word and the sum of the prefix sums (Gini).
 * Downloads are non-increasing by rank and the long tail is made of long
 * runs of equal values: a word whose downloads are all equal (o->uni) adds
 * its matches in one step.  The downloads of sparse matches miss the
 * cache: they are fetched CONC_LAG words ahead. */
static void conc_pass(const struct ord *o, struct match_set *ms)
{
	const uint64_t *restrict dl = o->dl;
	const uint64_t *restrict bits_in = ms->bits;
	uint64_t *restrict wdl = ms->wdl;
	uint64_t P = 0;
	unsigned __int128 SP = 0;
	size_t ring[CONC_LAG], done = 0;
	unsigned rh = 0, rn = 0;

	for (size_t w = 0; w < ms->nw; w++) {
		uint64_t bits = bits_in[w];
		uint32_t base = (uint32_t)(w * 64);
		if (!bits)
			continue;
		__builtin_prefetch(&dl[base + (unsigned)__builtin_ctzll(bits)]);
		__builtin_prefetch(&dl[base + 63 - (unsigned)__builtin_clzll(bits)]);
		if (rn < CONC_LAG) {
			ring[rn++] = w;
			continue;
		}
		{
			size_t v = ring[rh];
			ring[rh] = w;
			rh = (rh + 1) % CONC_LAG;
			for (; done <= v; done++)
				wdl[done] = P;
			conc_word(dl, o->uni, v, bits_in[v], &P, &SP);
		}
	}
	for (unsigned i = 0; i < rn; i++) {
		size_t v = ring[(rh + i) % CONC_LAG];
		for (; done <= v; done++)
			wdl[done] = P;
		conc_word(dl, o->uni, v, bits_in[v], &P, &SP);
	}
	for (; done <= ms->nw; done++)
		wdl[done] = P;
	ms->P = P;
	ms->SP = SP;
}

/* The word holding match k (k < ms->n): the last word w with wcnt[w] <= k. */
static size_t match_word(const struct match_set *ms, uint64_t k)
{
	size_t lo = 0, hi = ms->nw;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->wcnt[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static unsigned bit_select(uint64_t bits, unsigned k)
{
	while (k--)
		bits &= bits - 1;
	return (unsigned)__builtin_ctzll(bits);
}

/* Rank of match k (k < ms->n). */
static uint32_t match_rank(const struct match_set *ms, uint64_t k)
{
	size_t w = match_word(ms, k);
	return (uint32_t)(w * 64 + bit_select(ms->bits[w], (unsigned)(k - ms->wcnt[w])));
}

/* Downloads of the first pos matches (pos <= ms->n). */
static uint64_t match_prefix(const struct match_set *ms, const uint64_t *dl, uint64_t pos)
{
	size_t w;
	unsigned need;
	uint64_t v, bits;
	if (pos >= ms->n)
		return ms->P;
	w = match_word(ms, pos);
	v = ms->wdl[w];
	need = (unsigned)(pos - ms->wcnt[w]);
	for (bits = ms->bits[w]; need--; bits &= bits - 1)
		v += dl[w * 64 + (unsigned)__builtin_ctzll(bits)];
	return v;
}

/* Top-N shares, Lorenz curve and Gini of a result's match set, over the
 * matches with a count (the first ms->nk: the others follow them, with 0
 * stored); NAN with a reason when they cannot be computed. */
static void finish_conc(const struct engine *e, struct eng_result *r, const struct match_set *ms,
			const uint64_t *dl)
{
	long double S = (long double)r->downloads;
	uint64_t m = ms->n, mk = ms->nk;
	r->n = (uint32_t)m;
	r->counted = mk;
	r->under_count = ms->under;
	if (!m)
		r->na_reason = "no item matches";
	else if (!mk)
		r->na_reason = r->filter.window == WIN_ALL && ((e->s->meta.no_alltime >> r->kind) & 1)
				       ? "the snapshot has no all-time download counts"
				       : "no matching item has a download count";
	else if (!r->downloads)
		r->na_reason = "the matching items have no downloads";
	for (unsigned i = 0; i < ENG_TOP_N; i++) {
		r->top_downloads[i] = match_prefix(ms, dl, eng_top_n[i] < mk ? eng_top_n[i] : mk);
		r->top_share[i] = r->na_reason ? NAN : (double)((long double)r->top_downloads[i] / S);
	}
	for (unsigned i = 0; i <= ENG_LORENZ; i++) {
		/* The bottom i% of items are the last floor(i mk / 100) in rank order. */
		uint64_t top = match_prefix(ms, dl, mk - (uint64_t)((unsigned __int128)i * mk / ENG_LORENZ));
		r->lorenz[i] = r->na_reason ? NAN : (double)((long double)(r->downloads - top) / S);
	}
	r->under_share = mk ? (double)r->under_count / (double)mk : NAN;
	if (r->na_reason) {
		r->gini = NAN;
	} else {
		/* The unknown matches, last with 0 stored, each added P to SP. */
		unsigned __int128 SP = ms->SP - (unsigned __int128)(m - mk) * ms->P;
		r->gini = (double)(2.0L * (long double)SP / ((long double)mk * S) -
				   ((long double)mk + 1) / (long double)mk);
		if (r->gini < 0)
			r->gini = 0.0;
	}
	r->attributed_downloads = r->downloads - r->by_country[COUNTRY_UNKNOWN].downloads;
	r->attributed_group_downloads = r->downloads - r->by_group[CG_UNKNOWN].downloads;
	r->attributed_type_downloads = r->downloads - r->by_type[OT_UNKNOWN_ORG].downloads;
}

double engine_share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : NAN;
}

double engine_attributed_share(const struct eng_result *r)
{
	return engine_share(r->attributed_downloads, r->downloads);
}

/* The ranks a pass visits: the matches (direct), or every rank that does
 * not match (complement: the caller starts from the unfiltered totals and
 * takes these away).  Whichever is fewer. */
#define FOR_EACH_VISITED(MS, N, COMPLEMENT, RK, PREFETCH, BODY)                         \
	do {                                                                            \
		/* Sparse ranks miss the cache: each is fetched VISIT_LAG ranks    \
		 * before its turn (a ring keeps the order). */                      \
		uint32_t ring_[VISIT_LAG];                                              \
		unsigned rh_ = 0, rn_ = 0;                                              \
		const size_t nw_ = words_of(N);                                         \
		for (size_t w_ = 0; w_ < nw_; w_++) {                                   \
			uint64_t b_ = (COMPLEMENT) ? ~(MS)->bits[w_] : (MS)->bits[w_];    \
			if (w_ == nw_ - 1 && ((N) & 63))                                 \
				b_ &= ((uint64_t)1 << ((N) & 63)) - 1;                     \
			for (; b_; b_ &= b_ - 1) {                                      \
				uint32_t next_ = (uint32_t)(w_ * 64 + (unsigned)__builtin_ctzll(b_)); \
				{                                                       \
					uint32_t RK = next_;                            \
					PREFETCH;                                       \
				}                                                       \
				if (rn_ < VISIT_LAG) {                                  \
					ring_[rn_++] = next_;                           \
					continue;                                       \
				}                                                       \
				{                                                       \
					uint32_t RK = ring_[rh_];                       \
					ring_[rh_] = next_;                             \
					rh_ = (rh_ + 1) % VISIT_LAG;                    \
					BODY;                                           \
				}                                                       \
			}                                                               \
		}                                                                       \
		for (unsigned i_ = 0; i_ < rn_; i_++) {                                 \
			uint32_t RK = ring_[(rh_ + i_) % VISIT_LAG];                    \
			BODY;                                                           \
		}                                                                       \
	} while (0)
#define VISIT_LAG 32u

/* The earliest creation among a cell's matches: its rows in creation order
 * (kd->cby), the first that matches.  Only rows that do not match are
 * passed over, so a complement pass costs no more than it was. */
static uint64_t cell_first_created(const struct kdata *kd, const struct ord *o, int mode,
				   const struct match_set *ms, const int64_t *created, uint32_t cell)
{
	const uint32_t *cby = kd->cby[mode];
	for (uint32_t j = kd->cby_off[mode][cell]; j < kd->cby_off[mode][cell + 1]; j++) {
		uint32_t row = cby[j], rk = o->rank ? o->rank[row] : row;
		if ((ms->bits[rk >> 6] >> (rk & 63)) & 1)
			return (uint64_t)created[row];
	}
	return UINT64_MAX;
}

/* One match into a cell's sums. */
static inline void cell_add(struct cell_acc *b, uint64_t dl, uint32_t likes, uint64_t created)
{
	b->count++;
	b->downloads += dl;
	b->likes += likes;
	b->created = created < b->created ? created : b->created;
}

/* A rank's creation as a sum key: the narrow copy when there is one, else
 * the table's; UINT64_MAX unknown. */
static inline uint64_t rank_created(const uint32_t *cr32, const int64_t *cr64, const uint32_t *perm, uint32_t rk)
{
	int64_t v;
	if (cr32)
		return cr32[rk] ? cr32[rk] : UINT64_MAX;
	v = cr64[perm ? perm[rk] : rk];
	return v > 0 ? (uint64_t)v : UINT64_MAX;
}

/* Sums by cell of a general filter's matches into the cube (its cells in
 * use cleared). */
static int cube_pass(struct engine *e, enum ht_kind kind, const struct scan *c, struct match_set *ms,
		     int mode, int win, uint64_t **aseen)
{
	struct kdata *kd = &e->k[kind];
	const struct ord *o = c->o;
	const uint64_t *restrict dl = o->dl;
	const uint32_t *restrict likes = o->likes;
	const uint16_t *restrict cell = c->cell;
	struct cell_acc *restrict cube = e->cube;
	uint32_t ncell = e->n_cells;
	if (ms->n * 8 < kd->n) {
		const uint32_t *restrict cr32 = o->created;
		const int64_t *restrict cr64 = c->t->created;
		const uint32_t *restrict perm = o->perm;
		const uint32_t *restrict acct = c->acct;
		const uint32_t na = e->a->n_accounts;
		uint64_t k = 0, *restrict seen, *restrict wdl = ms->wdl, P = 0;
		unsigned __int128 SP = 0;
		size_t done = 0;
		/* The accounts with a match, for the organisations ranking; and
		 * the prefix sums (conc_pass) on the way, one match at a time. */
		if (!(*aseen = seen = calloc(words_of(na) + 1, sizeof *seen)))
			return -1;
		if (o->rec && mode >= VIEW_DEF) {
			const struct rank_rec *restrict rec = o->rec;
			const int rm = mode - VIEW_DEF;
			FOR_EACH_VISITED(ms, kd->n, 0, rk, {
				__builtin_prefetch(&rec[rk]);
			}, {
				const struct rank_rec *q = &rec[rk];
				uint32_t ac = q->acct[rm] < na ? q->acct[rm] : 0;
				for (; done <= (size_t)(rk >> 6); done++)
					wdl[done] = P;
				P += q->dl;
				SP += P;
				seen[ac >> 6] |= (uint64_t)1 << (ac & 63);
				cell_add(&cube[(uint32_t)(k++ & 1) * ncell + q->cell[rm]], q->dl, q->likes,
					 q->created ? q->created : UINT64_MAX);
			});
		} else FOR_EACH_VISITED(ms, kd->n, 0, rk, {
			__builtin_prefetch(&dl[rk]);
			__builtin_prefetch(&likes[rk]);
			__builtin_prefetch(&cell[rk]);
			__builtin_prefetch(&acct[rk]);
			if (cr32)
				__builtin_prefetch(&cr32[rk]);
		}, {
			uint32_t ac = acct[rk] < na ? acct[rk] : 0;
			for (; done <= (size_t)(rk >> 6); done++)
				wdl[done] = P;
			P += dl[rk];
			SP += P;
			seen[ac >> 6] |= (uint64_t)1 << (ac & 63);
			/* Two copies, alternating: consecutive matches in one cell
			 * do not wait for each other's stores. */
			cell_add(&cube[(uint32_t)(k++ & 1) * ncell + cell[rk]], dl[rk], likes[rk],
				 rank_created(cr32, cr64, perm, rk));
		});
		for (; done <= ms->nw; done++)
			wdl[done] = P;
		ms->P = P;
		ms->SP = SP;
		return 0;
	}
	if (ms->n * 2 <= kd->n) {
		/* Dense enough for the hardware to fetch ahead: a plain walk,
		 * with the prefix sums of each word (conc_pass) while its
		 * downloads are in the cache.  Most accounts have a match: not
		 * worth noting which. */
		const uint32_t *restrict cr32 = o->created;
		const int64_t *restrict cr64 = c->t->created;
		const uint32_t *restrict perm = o->perm;
		const uint64_t *restrict bits = ms->bits;
		uint64_t k = 0, P = 0;
		unsigned __int128 SP = 0;
		for (size_t w = 0; w < ms->nw; w++) {
			ms->wdl[w] = P;
			conc_word(dl, o->uni, w, bits[w], &P, &SP);
			for (uint64_t b_ = bits[w]; b_; b_ &= b_ - 1) {
				uint32_t rk = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(b_));
				cell_add(&cube[(uint32_t)(k++ & 1) * ncell + cell[rk]], dl[rk], likes[rk],
					 rank_created(cr32, cr64, perm, rk));
			}
		}
		ms->wdl[ms->nw] = P;
		ms->P = P;
		ms->SP = SP;
		return 0;
	}
	{
		const struct cell_tot *ct = kd->ctot[mode];
		uint64_t k = 0;
		if (kd_cby(e, kind, mode))
			return -1;
#define NON_MATCH_ADD(RK)                                                       \
	do {                                                                    \
		struct cell_acc *b = &cube[(uint32_t)(k++ & 1) * ncell + cell[RK]]; \
		b->count++;                                                     \
		b->downloads += dl[RK];                                         \
		b->likes += likes[RK];                                          \
	} while (0)
		if ((uint64_t)(kd->n - ms->n) * 8 >= kd->n) {
			/* Dense non-matches: the hardware fetches ahead on its own;
			 * the prefix sums of the matches word by word on the way. */
			const uint64_t *restrict bits = ms->bits;
			uint64_t P = 0;
			unsigned __int128 SP = 0;
			size_t nw = ms->nw;
			for (size_t w = 0; w < nw; w++) {
				uint64_t b_ = ~bits[w];
				if (w == nw - 1 && (kd->n & 63))
					b_ &= ((uint64_t)1 << (kd->n & 63)) - 1;
				ms->wdl[w] = P;
				conc_word(dl, o->uni, w, bits[w], &P, &SP);
				for (; b_; b_ &= b_ - 1)
					NON_MATCH_ADD((uint32_t)(w * 64 + (unsigned)__builtin_ctzll(b_)));
			}
			ms->wdl[nw] = P;
			ms->P = P;
			ms->SP = SP;
		} else {
			conc_pass(o, ms);
			FOR_EACH_VISITED(ms, kd->n, 1, rk, {
				__builtin_prefetch(&dl[rk]);
				__builtin_prefetch(&likes[rk]);
				__builtin_prefetch(&cell[rk]);
			}, {
				NON_MATCH_ADD(rk);
			});
		}
#undef NON_MATCH_ADD
		for (uint32_t j = 0; j < kd->ncused[mode]; j++) {
			uint32_t i = kd->cused[mode][j];
			struct cell_acc *b0 = &cube[i], *b1 = &cube[ncell + i];
			uint64_t cnt = ct[i].count - b0->count - b1->count;
			b0->downloads = ct[i].downloads[win] - b0->downloads - b1->downloads;
			b0->likes = ct[i].likes - b0->likes - b1->likes;
			b0->count = cnt;
			b0->created = cnt ? cell_first_created(kd, o, mode, ms, c->t->created, i) : UINT64_MAX;
			b1->count = b1->downloads = b1->likes = 0;
			b1->created = UINT64_MAX;
		}
	}
	return 0;
}

/* The buckets of a result from the cube, and the own classes' accounts'
 * sums (p->own). */
static void finish_buckets(struct engine *e, struct result_priv *p, const struct kdata *kd, int mode)
{
	struct eng_result *r = &p->pub;
	uint32_t base = (uint32_t)OT_COUNT * e->n_cg, year = 0;
	for (uint32_t j = 0; j < e->n_own; j++)
		p->own[j].created = UINT64_MAX;
	for (uint32_t j = 0; j < kd->ncused[mode]; j++) {
		uint32_t i = kd->cused[mode][j], cls;
		struct cell_acc *b0 = &e->cube[i], *b1 = &e->cube[e->n_cells + i];
		uint64_t cnt = b0->count + b1->count, dl, lk, cr;
		unsigned cg, type, country, group;
		struct eng_bucket *yc;
		/* Cells in use are ascending: the year only grows. */
		while (i >= (year + 1) * e->n_cls)
			year++;
		if (!cnt)
			continue;
		dl = b0->downloads + b1->downloads;
		lk = b0->likes + b1->likes;
		cr = b0->created < b1->created ? b0->created : b1->created;
		cls = i - year * e->n_cls;
		type = kd->cls_type[mode][cls];
		cg = kd->cls_cg[mode][cls];
		country = e->cg_country[cg];
		group = e->cg_group[cg];
#define ADD(B, X)                                                        \
	do {                                                             \
		(B).count += cnt;                                        \
		(B).downloads += dl;                                     \
		(X).likes += lk;                                         \
		(X).created = cr < (X).created ? cr : (X).created;       \
	} while (0)
		if (cls >= base)
			ADD(p->own[cls - base], p->own[cls - base]);
		ADD(r->by_country[country], p->country_x[country]);
		ADD(r->by_group[group], p->group_x[group]);
		ADD(r->by_type[type], p->type_x[type]);
		ADD(r->by_year[year], p->year_x[year]);
#undef ADD
		r->year_type[year][type].count += cnt;
		r->year_type[year][type].downloads += dl;
		r->year_group[year][group].count += cnt;
		r->year_group[year][group].downloads += dl;
		yc = &r->year_country[(size_t)year * e->n_countries + country];
		yc->count += cnt;
		yc->downloads += dl;
		r->count += cnt;
		r->downloads += dl;
	}
}

/* The search as a bitmap by the window's rank (30-day: by row, as the
 * index answers; all-time: remapped, and kept for the next filter change). */
static const uint64_t *search_by_rank(struct engine *e, enum ht_kind kind, int win, const char *search)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	size_t nw = words_of(kd->n);
	const uint64_t *rows;
	uint32_t count;
	if (!kd->sx && !(kd->sx = search_new(e->s, kind)))
		return NULL;
	if (win && o->svalid && !strcmp(o->skey, search))
		return o->sbits;
	if (!(rows = search_match(kd->sx, search, &count)) || !win)
		return rows;
	if (!o->sbits && !(o->sbits = malloc((nw + 1) * sizeof *o->sbits)))
		return NULL;
	memset(o->sbits, 0, nw * sizeof *o->sbits);
	for (size_t w = 0; w < nw; w++)
		for (uint64_t bits = rows[w]; bits; bits &= bits - 1) {
			uint32_t rk = o->rank[w * 64 + (unsigned)__builtin_ctzll(bits)];
			o->sbits[rk >> 6] |= (uint64_t)1 << (rk & 63);
		}
	snprintf(o->skey, sizeof o->skey, "%s", search);
	o->svalid = 1;
	return o->sbits;
}

/* The unfiltered match set of a window: every row. */
static const struct match_set *every_match(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	struct scan c;
	if (o->every.bits)
		return &o->every;
	memset(&c, 0, sizeof c);
	c.o = o;
	c.t = &e->s->t[kind];
	c.n = c.lim = kd->n;
	if (match_set_alloc(&o->every, kd->n))
		return NULL;
	scan_pass(&c, &o->every);
	conc_pass(o, &o->every);
	return &o->every;
}

/* The ranks whose cell passes (e->cell_ok), as a bitmap in e->cbits: set
 * from the passing cells' rank lists, or cleared from the others' when
 * most rows pass. */
static const uint64_t *cell_bits(struct engine *e, enum ht_kind kind, int win, int mode)
{
	struct kdata *kd = &e->k[kind];
	const struct ord *o = &kd->o[win];
	uint32_t n = kd->n, pass = 0;
	size_t nw = words_of(n);
	int most;
	if (ord_crk(e, kind, win, mode))
		return NULL;
	for (uint32_t i = 0; i < e->n_cells; i++)
		if (e->cell_ok[i])
			pass += o->crk_off[mode][i + 1] - o->crk_off[mode][i];
	most = (uint64_t)pass * 2 > n;
	memset(e->cbits, most ? 0xff : 0, (nw + 1) * sizeof *e->cbits);
	for (uint32_t i = 0; i < e->n_cells; i++) {
		const uint32_t *rk = o->crk[mode];
		if ((e->cell_ok[i] != 0) == most)
			continue;
		for (uint32_t j = o->crk_off[mode][i]; j < o->crk_off[mode][i + 1]; j++)
			e->cbits[rk[j] >> 6] ^= (uint64_t)1 << (rk[j] & 63);
	}
	return e->cbits;
}

struct eng_result *engine_apply(struct engine *e, const struct filter *f, enum ht_kind kind)
{
	struct result_priv *p;
	struct eng_result *r;
	struct kdata *kd;
	struct ord *o;
	const struct ht_table *t;
	struct scan c;
	int mode, win, use_cell;
	uint32_t n;

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
	r->year_country = calloc((size_t)ENG_YEARS * e->n_countries, sizeof *r->year_country);
	p->country_x = calloc(e->n_countries, sizeof *p->country_x);
	p->own = calloc((size_t)e->n_own + 1, sizeof *p->own);
	if (!r->by_country || !r->year_country || !p->country_x || !p->own)
		goto fail;
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
	mode = filter_view(f);
	win = f->window == WIN_ALL;
	o = &kd->o[win];
	if (ord_base(e, kind, win, mode))
		goto fail;

	memset(&c, 0, sizeof c);
	c.o = o;
	c.t = t;
	c.n = n;
	c.lim = n;
	c.cell = o->cell[mode];
	c.acct = o->acct[mode];
	c.aacct = o->acct[mode % ATTRIB_MODE_COUNT];
	use_cell = filter_any_country(f) || f->groups || f->types;
	if (use_cell) {
		for (uint32_t i = 0; i < e->n_cls; i++) {
			unsigned cg = kd->cls_cg[mode][i], type = kd->cls_type[mode][i];
			int ok = 1;
			if (filter_any_country(f) && !filter_has_country(f, e->cg_country[cg]))
				ok = 0;
			if (f->groups && !(f->groups & (1u << e->cg_group[cg])))
				ok = 0;
			if (f->types && !(f->types & (1u << type)))
				ok = 0;
			e->cell_ok[i] = (uint8_t)ok;
		}
		for (uint32_t i = e->n_cls; i < e->n_cells; i++)
			e->cell_ok[i] = e->cell_ok[i % e->n_cls];
		if (!(c.sel2 = cell_bits(e, kind, win, mode)))
			goto fail;
		/* cell = year * n_cls + class; the (type, country+group) classes
		 * are the first, class = type * n_cg + cg */
		if (!(p->cls_ok = malloc((size_t)OT_COUNT * e->n_cg)))
			goto fail;
		memcpy(p->cls_ok, e->cell_ok, (size_t)OT_COUNT * e->n_cg);
	}
	if (f->n_authors > 0 || f->n_orgs > 0) {
		if (mark_authors(e, f))
			goto fail;
		c.use_auth = 1;
		c.acct_bits = e->acct_bits;
	}
	{
		const char *terms[TERM_COLS] = { f->task, f->library, f->license };
		for (int k = 0; k < TERM_COLS; k++) {
			uint32_t id;
			if (!terms[k][0])
				continue;
			if (ord_term(e, kind, win, k))
				goto fail;
			id = find_term(e->s, terms[k]);
			if (o->term[k]) {
				c.use_term[k] = 1;
				c.term[k] = o->term[k];
				c.term_v[k] = id < e->s->n_terms + 1 ? kd->term_code[k][id] : TERM_NONE;
			} else {
				c.wide_term[k] = c.wide = 1;
				c.term_id[k] = id;
			}
		}
	}
	if (ord_created(e, kind, win))
		goto fail;
	if (f->created_from || f->created_to) {
		if (o->created) {
			int64_t from = f->created_from, to = f->created_to;
			c.use_created = 1;
			c.created = o->created;
			c.c_from = from <= 0 ? 0 : from >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)from;
			c.c_to = !to ? UINT32_MAX : to <= 0 ? 0 : to >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)to;
		} else {
			c.wide_created = c.wide = 1;
			c.from = f->created_from;
			c.to = f->created_to;
		}
	}
	c.use_gated = f->gated >= 0;
	c.gated = f->gated > 0;
	if (f->min_downloads) {
		/* Ranks are by window downloads: the rest cannot match. */
		uint32_t lo = 0, hi = n;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (o->dl[mid] >= f->min_downloads)
				lo = mid + 1;
			else
				hi = mid;
		}
		c.lim = lo;
	}
	if (f->search[0] && !(c.sel = search_by_rank(e, kind, win, f->search)))
		goto fail;

	p->cell_only = !c.wide && !c.use_auth && !c.use_term[0] && !c.use_term[1] && !c.use_term[2] && !c.use_created &&
		       !c.use_gated && !f->min_downloads && !c.sel;
	for (uint32_t j = 0; j < kd->ncused[mode]; j++) {
		static const struct cell_acc empty = { 0, 0, 0, UINT64_MAX };
		e->cube[kd->cused[mode][j]] = e->cube[e->n_cells + kd->cused[mode][j]] = empty;
	}
	if (p->cell_only) {
		/* The buckets are sums of the unfiltered cell totals. */
		const struct cell_tot *ct = kd->ctot[mode];
		for (uint32_t j = 0; j < kd->ncused[mode]; j++) {
			uint32_t i = kd->cused[mode][j];
			struct cell_acc *b = &e->cube[i];
			if (use_cell && !e->cell_ok[i])
				continue;
			b->count = ct[i].count;
			b->downloads = ct[i].downloads[win];
			b->likes = ct[i].likes;
			b->created = ct[i].created;
		}
		if (use_cell) {
			if (match_set_alloc(&p->ms, n))
				goto fail;
			scan_pass(&c, &p->ms);
			conc_pass(o, &p->ms);
		} else {
			const struct match_set *every = every_match(e, kind, win);
			if (!every || match_set_copy(&p->ms, every, n))
				goto fail;
		}
	} else {
		if (match_set_alloc(&p->ms, n))
			goto fail;
		scan_pass(&c, &p->ms);
		if (cube_pass(e, kind, &c, &p->ms, mode, win, &p->aseen))
			goto fail;
	}
	finish_buckets(e, p, kd, mode);
	finish_conc(e, r, &p->ms, o->dl);
	return r;
fail:
	engine_result_free(r);
	return NULL;
}

void engine_result_free(struct eng_result *r)
{
	struct result_priv *p = (struct result_priv *)r;
	if (!r)
		return;
	free(r->by_country);
	free(r->year_country);
	free(p->country_x);
	free(p->ctr);
	free(p->cls_ok);
	if (p->rbits != p->ms.bits)
		free(p->rbits);
	match_set_free(&p->ms);
	free(p->rows);
	free(p->aseen);
	free(p->own);
	free(p);
}

int engine_item_counted(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	const struct ht_table *t = &e->s->t[r->kind];
	if (r->filter.window == WIN_ALL)
		return !((e->s->meta.no_alltime >> r->kind) & 1) && !(t->flags[row] & HT_F_DLA_UNKNOWN);
	return !(t->flags[row] & HT_F_DL_UNKNOWN);
}

int engine_has_alltime(const struct engine *e, enum ht_kind kind)
{
	return !((e->s->meta.no_alltime >> kind) & 1);
}

uint64_t engine_item_downloads(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	const struct ht_table *t = &e->s->t[r->kind];
	return r->filter.window == WIN_ALL ? t->downloads_all[row] : t->downloads[row];
}

uint32_t engine_item_account(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	int mode = filter_view(&r->filter) % ATTRIB_MODE_COUNT;
	return e->a->item_acct[r->kind][mode][row];
}

static const struct ord *result_ord(const struct engine *e, const struct eng_result *r)
{
	return &e->k[r->kind].o[r->filter.window == WIN_ALL];
}

uint32_t engine_row_at(const struct engine *e, const struct eng_result *r, uint32_t i)
{
	const struct result_priv *p = (const struct result_priv *)r;
	const struct ord *o = result_ord(e, r);
	uint32_t rk;
	if (i >= r->n)
		return UINT32_MAX;
	if (p->rows)
		return p->rows[i];
	rk = match_rank(&p->ms, i);
	return o->perm ? o->perm[rk] : rk;
}

uint32_t engine_row_pos(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	const struct result_priv *p = (const struct result_priv *)r;
	const struct ord *o = result_ord(e, r);
	const struct match_set *ms = &p->ms;
	uint32_t rk;
	uint64_t word;
	if (row >= e->k[r->kind].n)
		return UINT32_MAX;
	rk = o->rank ? o->rank[row] : row;
	word = ms->bits[rk >> 6];
	if (!((word >> (rk & 63)) & 1))
		return UINT32_MAX;
	return ms->wcnt[rk >> 6] + (uint32_t)__builtin_popcountll(word & (((uint64_t)1 << (rk & 63)) - 1));
}

const uint32_t *engine_result_rows(const struct engine *e, const struct eng_result *r)
{
	struct result_priv *p = (struct result_priv *)r; /* rows is a cache */
	const struct ord *o = result_ord(e, r);
	size_t nw = words_of(e->k[r->kind].n);
	uint32_t k = 0, *rows;
	if (p->rows)
		return p->rows;
	if (!(rows = malloc(((size_t)r->n + 1) * sizeof *rows)))
		return NULL;
	for (size_t w = 0; w < nw; w++)
		for (uint64_t bits = p->ms.bits[w]; bits; bits &= bits - 1) {
			uint32_t rk = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
			rows[k++] = o->perm ? o->perm[rk] : rk;
		}
	p->rows = rows;
	return rows;
}

/* The matches of a result as a bitmap by row, made once per result. */
static const uint64_t *result_rbits(struct engine *e, const struct eng_result *r)
{
	struct result_priv *p = (struct result_priv *)r; /* rbits is a cache */
	const struct ord *o = result_ord(e, r);
	size_t nw = words_of(e->k[r->kind].n);
	uint64_t *bits;
	if (p->rbits)
		return p->rbits;
	if (!o->perm)
		return p->rbits = p->ms.bits;
	if (!(bits = calloc(nw + 1, sizeof *bits)))
		return NULL;
	for (size_t w = 0; w < nw; w++)
		for (uint64_t b = p->ms.bits[w]; b; b &= b - 1) {
			uint32_t row = o->perm[w * 64 + (unsigned)__builtin_ctzll(b)];
			bits[row >> 6] |= (uint64_t)1 << (row & 63);
		}
	return p->rbits = bits;
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

/* In perm[lo, hi), rows by creation descending, the first position whose
 * creation is below t (hi when none). */
static uint32_t created_bound(const int64_t *cr, const uint32_t *perm, uint32_t lo, uint32_t hi, int64_t t)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cr[perm[mid]] >= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t engine_sort_top(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc,
		       size_t limit, uint32_t *out)
{
	uint32_t n = r->n, want = limit < n ? (uint32_t)limit : n, j = 0;
	if (sort == SORT_DOWNLOADS || sort == SORT_COUNT || (unsigned)sort >= SORT_KEY_COUNT) {
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
		rc = sort_rows_radix(e->s, r->kind, sort, rows, n, want, desc, out);
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
			qsort_r(all, n, sizeof *all, cmp_rows, &c);
			for (uint32_t i = 0; i < want; i++)
				out[i] = all[desc ? i : n - 1 - i];
			free(all);
		}
		return want;
	}
	{
		struct kdata *kd = &e->k[r->kind];
		const uint32_t *perm = get_perm(e, r->kind, sort), *rank = result_ord(e, r)->rank;
		/* The whole order: the bits by row (made once); a first screen:
		 * each row's rank looked up, for the few rows visited. */
		const uint64_t *bits = want == n || !rank ? result_rbits(e, r) : ((const struct result_priv *)r)->ms.bits;
		if (!perm || !bits)
			return (size_t)-1;
		uint32_t lo = 0, hi = kd->n, len;
		if (bits != ((const struct result_priv *)r)->ms.bits)
			rank = NULL;
		if (sort == SORT_CREATED) {
			/* Sorted by the very date the filter bounds: the rows
			 * outside the range, a run at each end, are not read. */
			const int64_t *cr = e->s->t[r->kind].created;
			if (r->filter.created_to)
				lo = created_bound(cr, perm, 0, kd->n, r->filter.created_to);
			if (r->filter.created_from)
				hi = created_bound(cr, perm, lo, kd->n, r->filter.created_from);
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

uint32_t *engine_sort_items(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc)
{
	uint32_t *out = malloc(((size_t)r->n + 1) * sizeof *out);
	if (!out)
		return NULL;
	if (sort == SORT_DOWNLOADS || sort == SORT_COUNT || (unsigned)sort >= SORT_KEY_COUNT) {
		const uint32_t *rows = engine_result_rows(e, r);
		uint32_t n = r->n;
		if (!rows) {
			free(out);
			return NULL;
		}
		for (uint32_t i = 0; i < n; i++)
			out[i] = rows[desc ? i : n - 1 - i];
		return out;
	}
	if (engine_sort_top(e, r, sort, desc, r->n, out) == (size_t)-1) {
		free(out);
		return NULL;
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
	default:
		r = (a->downloads < b->downloads) - (a->downloads > b->downloads);
		break;
	}
	if (r)
		return r;
	return (a->key > b->key) - (a->key < b->key);
}

static uint64_t row_value(const struct eng_row *w, enum eng_sort s)
{
	switch (s) {
	case SORT_LIKES: return w->likes;
	case SORT_TRENDING: return w->trending;
	case SORT_CREATED: return (uint64_t)w->created ^ ((uint64_t)1 << 63); /* signed order */
	case SORT_COUNT: return w->count;
	default: return w->downloads;
	}
}

/* cmp_rank's order for a long ranking (every account): a radix sort of
 * (value, position) when the rows come by key ascending, so that the
 * positions break ties as the keys would: a comparison sort of 300,000
 * accounts becomes a few linear passes.  Non-zero when it does not apply (names,
 * rows out of key order, values too wide, out of memory): sort otherwise. */
static int sort_rows_by_value(struct eng_row **rowsp, size_t n, enum eng_sort sort)
{
	struct eng_row *rows = *rowsp, *out;
	uint64_t max = 0, min = UINT64_MAX, *v;
	unsigned rb = bits_of(n), kb;
	if (sort == SORT_NAME)
		return 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = row_value(&rows[i], sort);
		max = x > max ? x : max;
		min = x < min ? x : min;
		if (i && rows[i].key <= rows[i - 1].key)
			return 1;
	}
	kb = bits_of(max - min);
	if (rb + kb > 64)
		return 1;
	v = malloc(n * sizeof *v);
	out = malloc((n + 1) * sizeof *out);
	if (!v || !out) {
		free(v);
		free(out);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = ((max - row_value(&rows[i], sort)) << rb) | i;
	if (radix_sort(v, n, rb, rb + kb)) {
		free(v);
		free(out);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		/* Rows are read in the new order, scattered: fetched ahead. */
		if (i + 16 < n)
			__builtin_prefetch(&rows[v[i + 16] & (((uint64_t)1 << rb) - 1)]);
		out[i] = rows[v[i] & (((uint64_t)1 << rb) - 1)];
	}
	free(v);
	free(rows);
	*rowsp = out;
	return 0;
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
 * with_tr their trending into e->ktr. Returns the number of keys touched
 * (listed in e->touched). */
static uint32_t sum_by_key(struct engine *e, const struct eng_result *r, enum eng_pane pane, int with_tr)
{
	const struct ht_table *t = &e->s->t[r->kind];
	const uint64_t *dl = r->filter.window == WIN_ALL ? t->downloads_all : t->downloads;
	const uint32_t *keys = pane == PANE_ORGS ? view_acct(e, r->kind, filter_view(&r->filter))
			       : pane == PANE_TASKS ? t->pipeline : t->library;
	const uint32_t *rows = engine_result_rows(e, r);
	uint32_t m = 0, gen;
	if (!rows || !keys)
		return 0;
	if (++e->gen == 0) {
		for (uint32_t i = 0; i < e->kacc_n; i++)
			e->kacc[i].gen = 0;
		e->gen = 1;
	}
	gen = e->gen;
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t row = rows[i], key = keys[row];
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
			if (with_tr)
				e->ktr[key] = 0;
			e->touched[m++] = key;
		}
		k->count++;
		k->downloads += dl[row];
		k->likes += t->likes[row];
		if (with_tr)
			e->ktr[key] += t->trending[row];
		if (ck < k->created)
			k->created = ck;
	}
	return m;
}

/* An account's display name: its organisation's (the canonical entry's),
 * or with own, its own entry's ("Meta (FAIR)" for facebook). */
static const char *acct_display(const struct engine *e, uint32_t ac, int own)
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
	const struct key_acc *k = &e->kacc[key];
	switch (sort) {
	case SORT_LIKES: return k->likes;
	case SORT_TRENDING: return e->ktr[key];
	case SORT_COUNT: return k->count;
	case SORT_CREATED: return k->created == UINT64_MAX ? 0 : k->created;
	default: return k->downloads;
	}
}

/* Keeps in heap[0..k) the first k of the m touched keys; heap[0] is the
 * last of them.  Returns how many were kept. */
static size_t select_top(struct engine *e, uint32_t m, enum eng_sort sort, int desc, size_t k,
			 struct cand *heap)
{
	size_t n = 0;
	for (uint32_t i = 0; i < m; i++) {
		struct cand c;
		if (i + 16 < m)
			__builtin_prefetch(&e->kacc[e->touched[i + 16]]);
		c.key = e->touched[i];
		c.v = sort_value(e, sort, c.key);
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

static int take_total(struct engine *e, const struct result_priv *p, const struct acct_tot *at,
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
		if (take_total(e, p, kd->atot[mode], ord[cand[i]], all))
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

/* Copies an account's unfiltered totals into e->kacc when its class
 * (organisation type, country and group) passes the filter. */
static int take_total(struct engine *e, const struct result_priv *p, const struct acct_tot *at,
		      uint32_t ac, int all)
{
	struct key_acc *ka = &e->kacc[ac];

	if (!acct_passes(e, p, ac))
		return 0;
	ka->count = (uint32_t)at[ac].count;
	ka->downloads = at[ac].downloads[all];
	ka->likes = at[ac].likes;
	ka->created = at[ac].created;
	return 1;
}

/* The ranks of a mode's account groups in a window's order (30-day: the
 * rows themselves). */
static const uint32_t *group_ranks(struct engine *e, enum ht_kind kind, int mode, int all)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[all];
	if (kd_mode(e, kind, mode, 1) || ord_base(e, kind, all, mode))
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
	const uint32_t *off = kd->goff[mode], *gl = kd->glikes[mode];
	const uint64_t *gd = kd->gdl[mode][all], *gc = kd->gcreated[mode], *bits = p->ms.bits;
	uint32_t c = 0;
	uint64_t d = 0, likes = 0, created = UINT64_MAX;
	for (uint32_t j = off[ac]; j < off[ac + 1]; j++) {
		uint32_t rk = gr[j];
		uint64_t b = (bits[rk >> 6] >> (rk & 63)) & 1, mask = 0 - b;
		/* No branch on the match: matches are unpredictable. */
		uint64_t cr = gc[j] | ~mask;
		c += (uint32_t)b;
		d += gd[j] & mask;
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
	uint32_t m = 0, gen, na = e->a->n_accounts < e->kacc_n ? e->a->n_accounts : e->kacc_n, nl = 0;
	struct acct_add *list = malloc(((size_t)p->ms.n + 1) * sizeof *list);
	if (!list)
		return -1;
	if (++e->gen == 0) {
		for (uint32_t i = 0; i < e->kacc_n; i++)
			e->kacc[i].gen = 0;
		e->gen = 1;
	}
	gen = e->gen;
	if (o->rec && mode >= VIEW_DEF) {
		const struct rank_rec *rec = o->rec;
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&rec[rk]);
		}, {
			const struct rank_rec *q = &rec[rk];
			struct acct_add *x = &list[nl++];
			x->acct = q->acct[mode - VIEW_DEF] < na ? q->acct[mode - VIEW_DEF] : 0;
			x->likes = q->likes;
			x->dl = q->dl;
			x->created = q->created ? q->created : UINT64_MAX;
		});
	} else {
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&acct[rk]);
			__builtin_prefetch(&dl[rk]);
			__builtin_prefetch(&likes[rk]);
			__builtin_prefetch(&created[perm ? perm[rk] : rk]);
		}, {
			struct acct_add *x = &list[nl++];
			int64_t cr = created[perm ? perm[rk] : rk];
			x->acct = acct[rk] < na ? acct[rk] : 0;
			x->likes = likes[rk];
			x->dl = dl[rk];
			x->created = cr > 0 ? (uint64_t)cr : UINT64_MAX;
		});
	}
	for (uint32_t i = 0; i < nl; i++) {
		const struct acct_add *x = &list[i];
		struct key_acc *k = &e->kacc[x->acct];
		if (i + 16 < nl)
			__builtin_prefetch(&e->kacc[list[i + 16].acct], 1);
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

/* Per-account sums of a result's items, for the orgs pane, left in e->kacc
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
	int mode = filter_view(&r->filter);
	int all = r->filter.window == WIN_ALL;
	const struct acct_tot *at;
	const uint32_t *gr;
	uint32_t m = 0, na = a->n_accounts < e->kacc_n ? a->n_accounts : e->kacc_n;
	int top = sort == SORT_DOWNLOADS && desc && limit;
	if (kd_mode(e, r->kind, mode, 1))
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
				if (take_total(e, p, at, ord[i], all))
					e->touched[m++] = ord[i];
			return m;
		}
		for (uint32_t ac = 0; ac < na; ac++)
			if (at[ac].count && take_total(e, p, at, ac, all))
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
			if (nh == limit && at[ac].downloads[all] < heap[0].v)
				break;
			if (!acct_passes(e, p, ac))
				continue;
			acct_sum(e, kd, p, gr, mode, all, ac, &e->kacc[ac]);
			if (!e->kacc[ac].count)
				continue;
			cd.v = e->kacc[ac].downloads;
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
		acct_sum(e, kd, p, gr, mode, all, ac, &e->kacc[ac]);
		if (e->kacc[ac].count)
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
	int mode = filter_view(&r->filter);
	int win = r->filter.window == WIN_ALL;
	const struct ord *o = &kd->o[win];
	const uint16_t *cell = o->cell[mode];
	const uint32_t *tr;
	const uint64_t *ct;
	uint32_t year = 0;
	uint64_t *ctr;
	if (p->ctr)
		return 0;
	if (kd_trending(e, r->kind, mode) || !(tr = ord_trending(e, r->kind, win)) ||
	    !(ctr = calloc((size_t)e->n_cells + 1, sizeof *ctr)))
		return -1;
	ct = kd->ttot[mode];
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

/* e->ktr of the accounts keys[0..m): their matches' trending.  The
 * unfiltered totals when the filter tests cells only; else for few matches
 * one pass over them, and otherwise per account its own class's cells or
 * a pass over its items. */
static int orgs_trending(struct engine *e, struct result_priv *p, const uint32_t *keys, uint32_t m)
{
	const struct eng_result *r = &p->pub;
	struct kdata *kd = &e->k[r->kind];
	int mode = filter_view(&r->filter);
	int all = r->filter.window == WIN_ALL;
	uint32_t base = (uint32_t)OT_COUNT * e->n_cg, na = e->a->n_accounts < e->kacc_n ? e->a->n_accounts : e->kacc_n;
	const uint32_t *gr, *off, *gt;
	const uint64_t *bits = p->ms.bits;
	if (p->cell_only) {
		if (kd_trending(e, r->kind, mode))
			return -1;
		for (uint32_t i = 0; i < m; i++)
			e->ktr[keys[i]] = kd->atr[mode][keys[i]];
		return 0;
	}
	if ((uint64_t)p->ms.n * 32 < kd->n) {
		const uint32_t *acct = kd->o[all].acct[mode], *tr = ord_trending(e, r->kind, all);
		if (!tr)
			return -1;
		/* Accounts with a match but not listed are summed too, unread. */
		for (uint32_t i = 0; i < m; i++)
			e->ktr[keys[i]] = 0;
		FOR_EACH_VISITED(&p->ms, kd->n, 0, rk, {
			__builtin_prefetch(&acct[rk]);
			__builtin_prefetch(&tr[rk]);
		}, {
			e->ktr[acct[rk] < na ? acct[rk] : 0] += tr[rk];
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
		e->ktr[ac] = sum;
	}
	return 0;
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
	with_tr |= sort == SORT_TRENDING;
	if (with_tr && (pane == PANE_ORGS || pane == PANE_TASKS || pane == PANE_LIBRARIES) && !e->ktr &&
	    !(e->ktr = malloc(((size_t)e->kacc_n + 1) * sizeof *e->ktr)))
		return 0;
	switch (pane) {
	case PANE_ORGS:
	case PANE_TASKS:
	case PANE_LIBRARIES: {
		uint32_t m = 0, mk = 0;
		const struct attrib *a = e->a;
		int view = filter_view(&r->filter);
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
		if (pane == PANE_ORGS && with_tr && sort != SORT_TRENDING && orgs_trending(e, p, e->touched, mk))
			return 0;
		rows = malloc(((size_t)mk + 1) * sizeof *rows);
		if (!rows)
			return 0;
		for (uint32_t i = 0; i < mk; i++) {
			uint32_t key = e->touched[i];
			const struct key_acc *k = &e->kacc[key];
			struct eng_row *w = &rows[n++];
			if (pane == PANE_ORGS) {
				row_set(w, r, key, a->acct_name[key], acct_display(e, key, !nacc), k->count,
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
				w->trending = e->ktr[key];
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
			row_set(&rows[n], r, y, year_labels[y], year_labels[y], b->count, b->downloads,
				p->year_x[y].likes, p->year_x[y].created);
			rows[n++].trending = with_tr ? p->year_x[y].trending : 0;
		}
		break;
	default:
		return 0;
	}
	cap = n;
	if (n < 64 || sort_rows_by_value(&rows, n, sort))
		qsort_r(rows, n, sizeof *rows, cmp_rank, &sort);
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
	if ((pane == PANE_ORGS || pane == PANE_TASKS || pane == PANE_LIBRARIES) && !e->ktr &&
	    !(e->ktr = malloc(((size_t)e->kacc_n + 1) * sizeof *e->ktr)))
		return -1;
	switch (pane) {
	case PANE_ORGS: {
		/* The rows' accounts in account order, into the rankings'
		 * scratch list: their items are then read in storage order, not
		 * in the ranking's (about twice as fast on a long list). */
		size_t nw = (size_t)e->kacc_n / 64 + 1;
		uint64_t *mark = calloc(nw, sizeof *mark);
		uint32_t m = 0;
		if (!mark)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (rows[i].key < e->kacc_n)
				mark[rows[i].key >> 6] |= (uint64_t)1 << (rows[i].key & 63);
		for (size_t w = 0; w < nw; w++)
			for (uint64_t b = mark[w]; b; b &= b - 1)
				e->touched[m++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(b));
		free(mark);
		if (orgs_trending(e, p, e->touched, m))
			return -1;
		for (size_t i = 0; i < n; i++)
			rows[i].trending = rows[i].key < e->kacc_n ? e->ktr[rows[i].key] : 0;
		return 0;
	}
	case PANE_TASKS:
	case PANE_LIBRARIES:
		if (!sum_by_key(e, r, pane, 1) && r->n)
			return -1;
		for (size_t i = 0; i < n; i++)
			rows[i].trending = e->ktr[rows[i].key];
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

/* The pieces in the order a session is likely to need them; each is one
 * lazily made structure, so one step is at most one such build (the
 * longest, the order by name, about a second on 2M ids). */
int engine_prepare_step(struct engine *e)
{
	enum { P_BASE, P_TERM = P_BASE + 4, P_CREATED = P_TERM + 2 * TERM_COLS, P_EVERY = P_CREATED + 2,
	       P_SEARCH = P_EVERY + 2, P_GROUPS, P_AORDER = P_GROUPS + 2, P_GRANK = P_AORDER + 4,
	       P_CBY = P_GRANK + 2, P_CRK = P_CBY + 2, P_REC = P_CRK + 4, P_SORTS = P_REC + 2,
	       P_AUTHORS = P_SORTS + 4, P_PER_KIND };
	static const enum eng_sort sorts[4] = { SORT_LIKES, SORT_CREATED, SORT_TRENDING, SORT_NAME };
	if (!e)
		return -1;
	if (e->prep >= HT_KIND_COUNT * P_PER_KIND) {
		/* Every piece made: what the next letter of the last search
		 * would otherwise read (search_refine), once per answer. */
		for (int k = 0; k < HT_KIND_COUNT; k++) {
			int rc = e->k[k].sx ? search_refine(e->k[k].sx) : 0;
			if (rc)
				return rc < 0 ? -1 : 1;
		}
		return 0;
	}
	while (e->prep < HT_KIND_COUNT * P_PER_KIND) {
		enum ht_kind kind = (enum ht_kind)(e->prep / P_PER_KIND);
		unsigned step = e->prep % P_PER_KIND;
		struct kdata *kd = &e->k[kind];
		int rc = 0, did = 1;
		e->prep++;
		if (!kd->n)
			continue;
		if (step < P_TERM) {
			did = !kd->o[step / 2].cell[VIEW_DEF + step % 2];
			rc = ord_base(e, kind, (int)(step / 2), (int)(VIEW_DEF + step % 2));
		} else if (step < P_CREATED) {
			unsigned k = step - P_TERM;
			did = !kd->o[k / TERM_COLS].term[k % TERM_COLS];
			rc = ord_term(e, kind, (int)(k / TERM_COLS), (int)(k % TERM_COLS));
		} else if (step < P_EVERY) {
			did = !kd->o[step - P_CREATED].created;
			rc = ord_created(e, kind, (int)(step - P_CREATED));
		} else if (step < P_SEARCH) {
			did = !kd->o[step - P_EVERY].every.bits;
			rc = every_match(e, kind, (int)(step - P_EVERY)) ? 0 : -1;
		} else if (step == P_SEARCH) {
			did = !kd->sx;
			rc = did && !(kd->sx = search_new(e->s, kind)) ? -1 : 0;
		} else if (step < P_AORDER) {
			did = !kd->atot[VIEW_DEF + step - P_GROUPS];
			rc = kd_mode(e, kind, (int)(VIEW_DEF + step - P_GROUPS), 1);
		} else if (step < P_GRANK) {
			unsigned k = step - P_AORDER;
			did = !kd->aorder[VIEW_DEF + k / 2][k % 2];
			rc = kd_mode(e, kind, (int)(VIEW_DEF + k / 2), 1) ||
			     acct_order(e, kd, (int)(VIEW_DEF + k / 2), (int)(k % 2));
		} else if (step < P_CBY) {
			did = !kd->o[1].grank[VIEW_DEF + step - P_GRANK];
			rc = group_ranks(e, kind, (int)(VIEW_DEF + step - P_GRANK), 1) ? 0 : -1;
		} else if (step < P_CRK) {
			did = !kd->cby[VIEW_DEF + step - P_CBY];
			rc = kd_cby(e, kind, (int)(VIEW_DEF + step - P_CBY));
		} else if (step < P_REC) {
			unsigned k = step - P_CRK;
			did = !kd->o[k / 2].crk[VIEW_DEF + k % 2];
			rc = ord_crk(e, kind, (int)(k / 2), (int)(VIEW_DEF + k % 2));
		} else if (step < P_SORTS) {
			did = !kd->o[step - P_REC].rec;
			rc = ord_rec(e, kind, (int)(step - P_REC));
		} else if (step < P_AUTHORS) {
			did = !kd->perm[sorts[step - P_SORTS]];
			rc = get_perm(e, kind, sorts[step - P_SORTS]) ? 0 : -1;
		} else {
			did = !e->acct_sorted;
			rc = sort_accounts(e);
		}
		if (rc)
			return -1;
		if (did)
			break;
	}
	return e->prep < HT_KIND_COUNT * P_PER_KIND ? 1 : 0;
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

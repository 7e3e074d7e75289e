/* engine.c - filters, rankings, concentration and shares (see engine.h).
 *
 * Layout of the derived data, per table:
 *  - window rank: for the 30-day window the rank of a row is the row itself
 *    (rows are sorted that way); for all-time downloads a permutation and its
 *    inverse are built once, with the downloads in rank order.
 *  - per attribution mode, one "cell" per item: (year, org type, country+group)
 *    packed in one integer, so the country, group and type filters are one
 *    table lookup and every share breakdown is one bucket update.
 *  - ids lower-cased into one buffer for the substring search.
 * engine_apply makes one pass over the rows (accumulating cells, marking
 * matches in a bitmap indexed by window rank) and one pass over the matches
 * in rank order (rows[], top-N, Gini, Lorenz).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	uint64_t downloads[2], likes, created;
	uint64_t count;
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
	uint64_t *chk;          /* scratch: prefix sums every 64 matches */
	/* Built by the background workers (see bg_join). */
	char *lid;              /* lower-cased ids, each NUL-terminated */
	uint32_t *lid_off;      /* n + 1 offsets into lid */
	uint64_t *sbits;        /* rows matching the cached search */
	char sprev[FILTER_SEARCH_MAX];
	int svalid;
	uint32_t scount;
	uint64_t *mbits;        /* scratch: matches by window rank */
	uint32_t *perm[SORT_KEY_COUNT]; /* rows by key, descending */
};

/* Work done off the caller's thread after engine_new returns: the search
 * buffer and the item sort orders (BG_FAST), the name order (BG_NAME).
 * Whoever needs one of them joins its worker first. */
enum { BG_ACCT = 0, BG_FAST, BG_NAME, BG_COUNT };

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
	uint32_t *acct_sorted;  /* accounts by name, case-insensitive */
	uint64_t *acct_bits;
	struct key_acc *kacc;   /* max(accounts, terms) */
	uint32_t kacc_n, gen;
	uint32_t *touched;
	struct kdata k[HT_KIND_COUNT];
	pthread_t bg[BG_COUNT];
	int bg_running[BG_COUNT];
	int bg_failed[BG_COUNT];
};

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
	unsigned y = ENG_YEARS - 1;
	if (t < bound[1])
		return 0;
	while (t < bound[y])
		y--;
	return y;
}

/* bound[y]: first second of bucket y (y >= 1). */
static void year_bounds(int64_t *bound)
{
	bound[0] = INT64_MIN;
	for (unsigned y = 1; y < ENG_YEARS; y++)
		bound[y] = days_to_year(ENG_YEAR_FIRST + (int64_t)y - 1) * 86400;
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

static int cmp_names(const void *pa, const void *pb, void *pc)
{
	const struct attrib *a = pc;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	int r = strcasecmp(a->acct_name[x], a->acct_name[y]);
	return r ? r : (x > y) - (x < y);
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
	if (key == SORT_NAME || rb + kb > 64 || n < 64) {
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

/* ---- background work ---------------------------------------------------- */

static int build_lid(const struct ht_snapshot *s, enum ht_kind kind, struct kdata *kd)
{
	uint32_t n = kd->n;
	size_t total = 0;
	char *lid;
	uint32_t *off = malloc(((size_t)n + 1) * sizeof *off);
	if (!off)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		off[i] = (uint32_t)total;
		total += strlen(ht_id(s, kind, i)) + 1;
		if (total > UINT32_MAX) {
			free(off);
			return -1;
		}
	}
	off[n] = (uint32_t)total;
	lid = malloc(total + 1);
	if (!lid) {
		free(off);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		const char *id = ht_id(s, kind, i);
		char *o = lid + off[i];
		while (*id)
			*o++ = (char)tolower((unsigned char)*id++);
		*o = '\0';
	}
	lid[total] = '\0';
	kd->lid = lid;
	kd->lid_off = off;
	return 0;
}

static void *bg_fast(void *arg)
{
	struct engine *e = arg;
	static const enum eng_sort keys[] = { SORT_LIKES, SORT_TRENDING, SORT_CREATED };
	for (uint32_t i = 0; i < e->a->n_accounts; i++)
		e->acct_sorted[i] = i;
	qsort_r(e->acct_sorted, e->a->n_accounts, sizeof *e->acct_sorted, cmp_names, (void *)e->a);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		if (build_lid(e->s, (enum ht_kind)k, kd))
			e->bg_failed[BG_FAST] = 1;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			uint32_t *p = malloc(((size_t)kd->n + 1) * sizeof *p);
			if (!p || build_perm(e->s, (enum ht_kind)k, keys[i], p)) {
				free(p);
				e->bg_failed[BG_FAST] = 1;
				continue;
			}
			kd->perm[keys[i]] = p;
		}
	}
	return NULL;
}

/* Unfiltered per-account totals, per attribution mode. */
static void *bg_acct(void *arg)
{
	struct engine *e = arg;
	const struct attrib *a = e->a;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		const struct ht_table *t = &e->s->t[k];
		for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
			const uint32_t *acct = a->item_acct[k][m];
			struct acct_tot *at = calloc((size_t)a->n_accounts + 1, sizeof *at);
			if (!at) {
				e->bg_failed[BG_ACCT] = 1;
				continue;
			}
			for (uint32_t i = 0; i < kd->n; i++) {
				uint32_t ac = acct[i] < a->n_accounts ? acct[i] : 0;
				int64_t cr = t->created[i];
				uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
				struct acct_tot *u = &at[ac];
				if (!u->count)
					u->created = UINT64_MAX;
				u->count++;
				u->downloads[0] += t->downloads[i];
				u->downloads[1] += t->downloads_all[i];
				u->likes += t->likes[i];
				u->created = ck < u->created ? ck : u->created;
			}
			kd->atot[m] = at;
		}
	}
	return NULL;
}

static void *bg_name(void *arg)
{
	struct engine *e = arg;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		uint32_t *p = malloc(((size_t)kd->n + 1) * sizeof *p);
		if (!p || build_perm(e->s, (enum ht_kind)k, SORT_NAME, p)) {
			free(p);
			e->bg_failed[BG_NAME] = 1;
			continue;
		}
		kd->perm[SORT_NAME] = p;
	}
	return NULL;
}

/* Waits for a worker; 0 when its results are there. */
static int bg_join(struct engine *e, int w)
{
	if (e->bg_running[w]) {
		pthread_join(e->bg[w], NULL);
		e->bg_running[w] = 0;
	}
	return e->bg_failed[w] ? -1 : 0;
}

/* ---- construction ------------------------------------------------------- */

static int kdata_init(struct engine *e, enum ht_kind kind)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const struct attrib *a = e->a;
	uint32_t n = t->n;
	int64_t bound[ENG_YEARS];

	kd->n = n;
	kd->perm_all = malloc(((size_t)n + 1) * sizeof *kd->perm_all);
	kd->rank_all = malloc(((size_t)n + 1) * sizeof *kd->rank_all);
	kd->dl_rank_all = malloc(((size_t)n + 1) * sizeof *kd->dl_rank_all);
	kd->year = malloc((size_t)n + 1);
	kd->sbits = calloc(words_of(n) + 1, sizeof *kd->sbits);
	kd->mbits = calloc(words_of(n) + 1, sizeof *kd->mbits);
	kd->chk = malloc(((size_t)n / 64 + 2) * sizeof *kd->chk);
	for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
		kd->cell[m] = malloc(((size_t)n + 1) * sizeof *kd->cell[m]);
		kd->cell_all[m] = malloc(((size_t)n + 1) * sizeof *kd->cell_all[m]);
		kd->ctot[m] = calloc(e->n_cells, sizeof *kd->ctot[m]);
		if (!kd->cell[m] || !kd->cell_all[m] || !kd->ctot[m])
			return -1;
	}
	if (!kd->perm_all || !kd->rank_all || !kd->dl_rank_all || !kd->year || !kd->sbits ||
	    !kd->mbits || !kd->chk)
		return -1;

	year_bounds(bound);
	for (uint32_t i = 0; i < n; i++)
		kd->year[i] = (uint8_t)year_bucket(t->created[i], bound);
	if (build_perm(e->s, kind, SORT_COUNT, kd->perm_all))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		kd->rank_all[kd->perm_all[i]] = i;
		kd->dl_rank_all[i] = t->downloads_all[kd->perm_all[i]];
	}
	for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
		const uint32_t *acct = a->item_acct[kind][m];
		uint32_t *cell = kd->cell[m];
		struct cell_tot *ct = kd->ctot[m];
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
		for (uint32_t i = 0; i < n; i++)
			kd->cell_all[m][i] = cell[kd->perm_all[i]];
	}
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
		free(kd->atot[m]);
	}
	free(kd->chk);
	free(kd->lid);
	free(kd->lid_off);
	free(kd->sbits);
	free(kd->mbits);
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
	e->cube = malloc(2 * (size_t)e->n_cells * sizeof *e->cube);
	e->cell_ok = malloc(e->n_cells);
	e->acct_sorted = malloc(((size_t)a->n_accounts + 1) * sizeof *e->acct_sorted);
	e->acct_bits = calloc(words_of(a->n_accounts) + 1, sizeof *e->acct_bits);
	e->kacc_n = a->n_accounts > s->n_terms ? a->n_accounts : s->n_terms;
	e->kacc = calloc((size_t)e->kacc_n + 1, sizeof *e->kacc);
	e->touched = malloc(((size_t)e->kacc_n + 1) * sizeof *e->touched);
	if (!e->cube || !e->cell_ok || !e->acct_sorted || !e->acct_bits || !e->kacc || !e->touched)
		goto fail;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if (kdata_init(e, (enum ht_kind)k))
			goto fail;
	/* The search buffer and the sort orders are needed only on the first
	 * search or sort: build them while the caller draws its first screen. */
	{
		void *(*const fn[BG_COUNT])(void *) = { bg_acct, bg_fast, bg_name };
		for (int w = 0; w < BG_COUNT; w++) {
			if (pthread_create(&e->bg[w], NULL, fn[w], e) == 0)
				e->bg_running[w] = 1;
			else
				fn[w](e);
		}
	}
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
	for (int w = 0; w < BG_COUNT; w++)
		bg_join(e, w);
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

/* Brings kd->sbits up to date for this search string. */
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
		/* The new string contains the old one: only old matches can match. */
		for (size_t w = 0; w < nw; w++) {
			uint64_t bits = kd->sbits[w], keep = bits;
			while (bits) {
				unsigned b = (unsigned)__builtin_ctzll(bits);
				uint32_t row = (uint32_t)(w * 64 + b);
				bits &= bits - 1;
				if (!strstr(kd->lid + kd->lid_off[row], needle))
					keep &= ~((uint64_t)1 << b);
			}
			kd->sbits[w] = keep;
			cnt += (uint32_t)__builtin_popcountll(keep);
		}
	} else {
		const char *base = kd->lid;
		uint32_t total = kd->lid_off[kd->n], pos = 0, row = 0;
		memset(kd->sbits, 0, nw * sizeof *kd->sbits);
		while (pos < total) {
			const char *q = memmem(base + pos, total - pos, needle, nl);
			if (!q)
				break;
			row = row_at(kd->lid_off, kd->n, row, (uint32_t)(q - base));
			kd->sbits[row >> 6] |= (uint64_t)1 << (row & 63);
			cnt++;
			pos = kd->lid_off[row + 1];
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

/* Marks the accounts named by the filter (case-insensitive, as the Hub). */
static void mark_authors(struct engine *e, const struct filter *f)
{
	const struct attrib *a = e->a;
	bg_join(e, BG_FAST); /* acct_sorted */
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
}

struct apply_ctx {
	const struct ht_table *t;
	const uint32_t *cell;
	const uint64_t *dl;
	const uint32_t *rank_all; /* NULL: 30-day window, rank == row */
	uint64_t *mbits;
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
	const struct ht_table *t = c->t;
	if (c->use_cell && !c->cell_ok[c->cell[row]])
		return 0;
	if (c->use_min && c->dl[row] < c->min)
		return 0;
	if (c->use_task && t->pipeline[row] != c->task)
		return 0;
	if (c->use_lib && t->library[row] != c->lib)
		return 0;
	if (c->use_lic && t->license[row] != c->lic)
		return 0;
	if (c->use_gated && ((t->flags[row] & HT_F_GATED) != 0) != c->gated)
		return 0;
	if (c->use_created) {
		int64_t cr = t->created[row];
		if (!cr || (c->from && cr < c->from) || (c->to && cr >= c->to))
			return 0;
	}
	if (c->use_auth) {
		uint32_t ac = c->acct[row];
		if (!((c->acct_bits[ac >> 6] >> (ac & 63)) & 1))
			return 0;
	}
	return 1;
}

static inline void accumulate(struct apply_ctx *c, uint32_t row)
{
	uint64_t x = c->dl[row];
	int64_t cr = c->t->created[row];
	uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
	uint32_t rank = c->rank_all ? c->rank_all[row] : row;
	struct cell_acc *b = &c->cube[(c->matched & 1) * c->n_cells + c->cell[row]];
	b->count++;
	b->downloads += x;
	b->likes += c->t->likes[row];
	b->created = ck < b->created ? ck : b->created;
	c->under += x < ENG_UNDER;
	c->matched++;
	c->mbits[rank >> 6] |= (uint64_t)1 << (rank & 63);
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
	uint64_t *chk = kd->chk, P = 0, lor[ENG_LORENZ + 1], m;
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
	{
		const uint64_t *dl = all ? t->downloads_all : t->downloads;
		for (unsigned i = 0; i < ENG_TOP_N; i++)
			r->top_downloads[i] = prefix_at(chk, rows, dl, eng_top_n[i] < m ? eng_top_n[i] : m);
		for (unsigned i = 0; i <= ENG_LORENZ; i++)
			lor[i] = prefix_at(chk, rows, dl, m - (uint64_t)((unsigned __int128)i * m / ENG_LORENZ));
	}
	finish_conc(r, lor, SP);
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
	if (c.use_auth)
		mark_authors(e, f);
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
		bg_join(e, BG_FAST);
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

	/* Pass 1: filter and accumulate. */
	{
		int any = c.use_cell || c.use_auth || c.use_task || c.use_lib || c.use_lic ||
			  c.use_created || c.use_gated || c.use_min;
		if (use_search) {
			size_t lw = words_of(lim);
			for (size_t w = 0; w < lw; w++) {
				uint64_t bits = kd->sbits[w];
				if (w == lw - 1 && (lim & 63))
					bits &= ((uint64_t)1 << (lim & 63)) - 1;
				while (bits) {
					uint32_t row = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
					bits &= bits - 1;
					if (!any || row_matches(&c, row))
						accumulate(&c, row);
				}
			}
		} else if (!any) {
			for (uint32_t row = 0; row < lim; row++)
				accumulate(&c, row);
		} else {
			for (uint32_t row = 0; row < lim; row++)
				if (row_matches(&c, row))
					accumulate(&c, row);
		}
	}
	finish_buckets(e, p);
	r->under_count = c.under;
	r->n = (uint32_t)r->count;

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

/* ---- item order --------------------------------------------------------- */

static const uint32_t *get_perm(struct engine *e, enum ht_kind kind, enum eng_sort sort)
{
	struct kdata *kd = &e->k[kind];
	bg_join(e, sort == SORT_NAME ? BG_NAME : BG_FAST);
	if (!kd->perm[sort]) {
		/* The worker ran out of memory: try again here. */
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
		uint64_t *bits = calloc(words_of(kd->n) + 1, sizeof *bits);
		uint32_t j = 0;
		if (!perm || !bits) {
			free(bits);
			free(out);
			return NULL;
		}
		for (uint32_t i = 0; i < n; i++)
			bits[r->rows[i] >> 6] |= (uint64_t)1 << (r->rows[i] & 63);
		for (uint32_t i = 0; i < kd->n && j < n; i++) {
			uint32_t row = perm[desc ? i : kd->n - 1 - i];
			if ((bits[row >> 6] >> (row & 63)) & 1)
				out[j++] = row;
		}
		free(bits);
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

/* The orgs pane for a filter on country, group and type only: the
 * unfiltered per-account totals of the accounts that pass, O(accounts).
 * Leaves the chosen keys in e->touched[0..*mk) with their sums in e->kacc
 * and returns the number of rows of the whole ranking, or -1 when the
 * totals are not there (out of memory) or memory runs out. */
static int64_t orgs_from_totals(struct engine *e, const struct result_priv *p, enum eng_sort sort,
				int desc, size_t limit, uint32_t *mk)
{
	const struct eng_result *r = &p->pub;
	const struct attrib *a = e->a;
	int mode = r->filter.by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	int all = r->filter.window == WIN_ALL;
	const struct acct_tot *at;
	struct cand *heap = NULL;
	size_t hn = 0;
	uint32_t m = 0, gen;
	int select = limit && sort != SORT_NAME;
	bg_join(e, BG_ACCT);
	at = e->k[r->kind].atot[mode];
	if (!at)
		return -1;
	if (select) {
		heap = malloc(limit * sizeof *heap);
		if (!heap)
			return -1;
	}
	if (++e->gen == 0) {
		for (uint32_t i = 0; i < e->kacc_n; i++)
			e->kacc[i].gen = 0;
		e->gen = 1;
	}
	gen = e->gen;
	for (uint32_t ac = 0; ac < a->n_accounts && ac < e->kacc_n; ac++) {
		const struct acct_tot *u = &at[ac];
		if (!u->count)
			continue;
		if (p->cls_ok) {
			unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
			if (!p->cls_ok[type * e->n_cg + e->acct_cg[ac]])
				continue;
		}
		m++;
		if (select) {
			struct cand c;
			c.key = ac;
			c.v = sort_value(sort, u->count, u->downloads[all], u->likes, u->created);
			heap_offer(heap, &hn, limit, c, desc);
		} else {
			e->touched[m - 1] = ac;
		}
	}
	if (select)
		for (size_t i = 0; i < hn; i++)
			e->touched[i] = heap[i].key;
	*mk = select ? (uint32_t)hn : m;
	for (uint32_t i = 0; i < *mk; i++) {
		uint32_t ac = e->touched[i];
		struct key_acc *k = &e->kacc[ac];
		k->gen = gen;
		k->count = (uint32_t)at[ac].count;
		k->downloads = at[ac].downloads[all];
		k->likes = at[ac].likes;
		k->created = at[ac].created;
	}
	free(heap);
	return m;
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
		int64_t fast = pane == PANE_ORGS && p->cell_only
			       ? orgs_from_totals(e, p, sort, desc, limit, &mk) : -1;
		if (fast >= 0) {
			m = (uint32_t)fast;
		} else {
			m = sum_by_key(e, r, pane);
			mk = m;
		}
		total = m;
		if (fast < 0 && limit && limit < m && sort != SORT_NAME) {
			/* One screen of a long ranking: select, do not sort everything. */
			struct cand *heap = malloc(limit * sizeof *heap);
			if (!heap)
				return 0;
			mk = (uint32_t)select_top(e, m, sort, desc, limit, heap);
			for (uint32_t i = 0; i < mk; i++)
				e->touched[i] = heap[i].key;
			free(heap);
		}
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

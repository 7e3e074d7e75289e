/* engine_apply.c - engine_apply: which ranks match a filter, the
 * concentration figures and the shares by cell (docs/architecture.md,
 * "The engine's hot path"), and the per-item answers on a result. */
#include "engine_priv.h"
#include "hubtop/dims.h"

/* Marks the accounts named by the filter (case-insensitive, as the Hub).
 * The first author filter sorts the accounts by name (once, ~30 ms for
 * 300k accounts). */
int eng_sort_accounts(struct engine *e)
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
	if (eng_sort_accounts(e))
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
	/* relation, language, size (dims.h): narrow arrays by rank */
	int use_dims;
	struct dims_test dt;
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
			if (c->use_dims && ok)
				ok &= (int)(dims_test_word(&c->dt, r, 1, 1) & 1);
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
	if (c->use_dims && m)
		m = dims_test_word(&c->dt, base, 64, m);
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
			  c->use_gated || c->use_auth || c->wide || c->use_dims;
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
		r->na_reason = r->filter.window == WIN_PERIOD && win_none(e, r->kind, WIN_PERIOD)
				       ? "no period set: its start snapshot is missing"
				       : r->filter.window == WIN_ALL && win_none(e, r->kind, WIN_ALL)
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

/* The earliest creation among a cell's matches: its rows in creation order
 * (kd->cell_by_created), the first that matches.  Only rows that do not match are
 * passed over, so a complement pass costs no more than it was. */
static uint64_t cell_first_created(const struct kdata *kd, const struct ord *o, int mode,
				   const struct match_set *ms, const int64_t *created, uint32_t cell)
{
	const uint32_t *cell_by_created = kd->cell_by_created[mode];
	for (uint32_t j = kd->cell_by_created_off[mode][cell]; j < kd->cell_by_created_off[mode][cell + 1];
	     j++) {
		uint32_t row = cell_by_created[j], rk = o->rank ? o->rank[row] : row;
		/* The narrow copy when there is one: the table's column is
		 * then not read once the pieces are made (eng_release_unused). */
		if ((ms->bits[rk >> 6] >> (rk & 63)) & 1)
			return o->created ? (uint64_t)o->created[rk] : (uint64_t)created[row];
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
				/* 24 bytes: a third of them cross a cache line */
				__builtin_prefetch(&rec[rk]);
				__builtin_prefetch((const char *)&rec[rk + 1] - 1);
			}, {
				const struct rank_rec *q = &rec[rk];
				uint32_t ac = q->acct[rm] < na ? q->acct[rm] : 0;
				uint64_t d = rec_dl(q, dl, rk);
				for (; done <= (size_t)(rk >> 6); done++)
					wdl[done] = P;
				P += d;
				SP += P;
				seen[ac >> 6] |= (uint64_t)1 << (ac & 63);
				cell_add(&cube[(uint32_t)(k++ & 1) * ncell + q->cell[rm]], d, q->likes,
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
		if (eng_kd_cell_by_created(e, kind, mode))
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
static const uint64_t *search_by_rank(struct engine *e, enum ht_kind kind, int win, const char *search,
				      int names, int mode)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	size_t nw = words_of(kd->n);
	const uint64_t *rows;
	uint32_t count;
	int snames = names ? mode + 1 : 0;
	if (!kd->sx)
		eng_bg_collect(e, (int)kind, ENG_BG_SEARCH, -1); /* a worker may be making it */
	if (!kd->sx && !(kd->sx = search_new(e->s, kind)))
		return NULL;
	if (win && o->svalid && !strcmp(o->skey, search) && o->snames == snames)
		return o->sbits;
	if (names && kd->snamed_mode == snames && !strcmp(kd->snamed_key, search)) {
		/* The same search and mode as last: its rows are made. */
		rows = kd->snamed;
		if (!win)
			return rows;
	} else if (strchr(search, '|')) {
		/* Several terms, as htop takes them: an id with any of them.
		 * Empty terms ("a|") are left out; each costs one search. */
		char term[FILTER_SEARCH_MAX];
		const char *p = search;
		if (!kd->sunion && !(kd->sunion = malloc((nw + 1) * sizeof *kd->sunion)))
			return NULL;
		memset(kd->sunion, 0, (nw + 1) * sizeof *kd->sunion);
		while (*p) {
			size_t n = strcspn(p, "|");
			const uint64_t *m;
			snprintf(term, sizeof term, "%.*s", (int)n, p);
			if (term[0] && (m = search_match(kd->sx, term, &count)))
				for (size_t w = 0; w < nw; w++)
					kd->sunion[w] |= m[w];
			p += n + (p[n] == '|');
		}
		rows = kd->sunion;
	} else if (!(rows = search_match(kd->sx, search, &count))) {
		return NULL;
	}
	if (names && rows != kd->snamed) {
		/* The ids' matches, and the items of the accounts the terms name. */
		kd->snamed_mode = 0;
		if (!kd->snamed && !(kd->snamed = malloc((nw + 1) * sizeof *kd->snamed)))
			return NULL;
		memcpy(kd->snamed, rows, nw * sizeof *kd->snamed);
		if (eng_search_names(e, kind, mode, search, kd->snamed))
			return NULL;
		snprintf(kd->snamed_key, sizeof kd->snamed_key, "%s", search);
		kd->snamed_mode = snames;
		rows = kd->snamed;
	}
	if (!win)
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
	o->snames = snames;
	o->svalid = 1;
	return o->sbits;
}

/* The unfiltered match set of a window: every row. */
const struct match_set *eng_every_match(struct engine *e, enum ht_kind kind, int win)
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
	if (eng_ord_cell_ranks(e, kind, win, mode))
		return NULL;
	for (uint32_t i = 0; i < e->n_cells; i++)
		if (e->cell_ok[i])
			pass += o->cell_ranks_off[mode][i + 1] - o->cell_ranks_off[mode][i];
	most = (uint64_t)pass * 2 > n;
	memset(e->cbits, most ? 0xff : 0, (nw + 1) * sizeof *e->cbits);
	for (uint32_t i = 0; i < e->n_cells; i++) {
		const uint32_t *rk = o->cell_ranks[mode];
		if ((e->cell_ok[i] != 0) == most)
			continue;
		for (uint32_t j = o->cell_ranks_off[mode][i]; j < o->cell_ranks_off[mode][i + 1]; j++)
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
	struct scan c = { 0 };
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
	mode = eng_view(e, kind, f);
	win = filter_win(f);
	o = &kd->o[win];
	e->last_win = win;
	if (eng_ord_base(e, kind, win, mode))
		goto fail;

	memset(&c, 0, sizeof c);
	c.o = o;
	c.t = t;
	c.n = n;
	c.lim = n;
	c.cell = o->cell[mode];
	c.acct = o->acct[mode];
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
		if (mark_authors(e, f) || !(c.aacct = eng_ord_acct(e, kind, win, mode % ATTRIB_MODE_COUNT)))
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
			if (eng_ord_term(e, kind, win, k))
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
	if (eng_ord_created(e, kind, win))
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
	if (dims_filter_active(f)) {
		if (dims_test_init(&c.dt, e, &r->filter, kind, win, o->perm))
			goto fail;
		c.use_dims = 1;
	}
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
	if (f->search[0] && !(c.sel = search_by_rank(e, kind, win, f->search, f->search_names, f->by)))
		goto fail;

	p->cell_only = !c.wide && !c.use_auth && !c.use_term[0] && !c.use_term[1] && !c.use_term[2] && !c.use_created &&
		       !c.use_gated && !f->min_downloads && !c.sel && !c.use_dims;
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
			const struct match_set *every = eng_every_match(e, kind, win);
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
	dims_test_free(&c.dt);
	return r;
fail:
	dims_test_free(&c.dt);
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
	return win_known(e, r->kind, filter_win(&r->filter), row);
}

int engine_has_alltime(const struct engine *e, enum ht_kind kind)
{
	return !((e->s->meta.no_alltime >> kind) & 1);
}

uint64_t engine_item_downloads(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	const uint64_t *dl = win_downloads(e, r->kind, filter_win(&r->filter));
	return dl ? dl[row] : 0;
}

uint64_t engine_rows_downloads(const struct engine *e, const struct eng_result *r, const uint32_t *rows,
			       size_t n)
{
	const int win = filter_win(&r->filter);
	const uint64_t *dl = win_downloads(e, r->kind, win);
	const uint8_t *fl = win_flags(e, r->kind, win);
	const uint8_t unknown = win ? HT_F_DLA_UNKNOWN : HT_F_DL_UNKNOWN;
	uint64_t sum = 0;
	if (!dl || win_none(e, r->kind, win))
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t row = rows[i];
		/* Rows in another order than the table's: each a miss, so
		 * fetched a stretch ahead. */
		if (i + 16 < n) {
			__builtin_prefetch(&dl[rows[i + 16]]);
			__builtin_prefetch(&fl[rows[i + 16]]);
		}
		if (!(fl[row] & unknown))
			sum += dl[row];
	}
	return sum;
}

uint32_t engine_item_account(const struct engine *e, const struct eng_result *r, uint32_t row)
{
	int mode = eng_view(e, r->kind, &r->filter) % ATTRIB_MODE_COUNT;
	return e->a->item_acct[r->kind][mode][row];
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
	if (!(rows = table_big_alloc(((size_t)r->n + 1) * sizeof *rows)))
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
const uint64_t *eng_result_rbits(struct engine *e, const struct eng_result *r)
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

const uint32_t *eng_get_perm(struct engine *e, enum ht_kind kind, enum eng_sort sort)
{
	struct kdata *kd = &e->k[kind];
	if (!kd->perm[sort] && sort == SORT_NAME)
		eng_bg_collect(e, (int)kind, ENG_BG_NAMES, -1); /* a worker may be making it */
	if (!kd->perm[sort]) {
		/* First use of this order: about 30 ms for 2M rows, 150 ms by name. */
		uint32_t *p = malloc(((size_t)kd->n + 1) * sizeof *p);
		if (!p || eng_build_perm(e->s, kind, sort, p)) {
			free(p);
			return NULL;
		}
		kd->perm[sort] = p;
	}
	return kd->perm[sort];
}

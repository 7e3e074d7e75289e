/* search.c - substring search over ids (see search.h).
 *
 * Reading all the ids (80 MB for 2M models) takes longer than a keystroke
 * may, and so does reading every id that holds the needle's first letter,
 * so answers come from an index:
 *  - per character class (a-z 0-9 - _ . / and "other"), the rows holding
 *    it: a one-letter needle is that bitmap as is;
 *  - per pair of classes (41 x 41), the rows holding it, per chunk of 4,096
 *    rows a sorted list of rows or, when the list would take 512 bytes or
 *    more, a bitmap (as in Roaring bitmaps): a two-letter needle is that
 *    set, and a longer one is tested only on the rows holding its rarest
 *    pairs.  A list is coded in bytes, each the gap from the row before
 *    (below 240), or 0xF0 | the row's high 4 bits followed by its low 8:
 *    1.1 bytes a row instead of 2, read in order as the sets always are;
 *  - the ids themselves, read where the snapshot holds them (its string
 *    pool) with ASCII letters folded as they are compared, and each id's
 *    length: candidates come in row order, and each row's id is fetched
 *    well before its test.  (A lower-cased copy in row order would be read
 *    front to back, but costs as much memory again as the pair sets.)
 * Typing extends a needle: the answer for each prefix is kept with, per
 * match, where its first match starts and the 8 bytes after it.  An
 * occurrence of the longer needle starts with one of the prefix, so none
 * starts earlier: when those bytes go on with the new letters, that is the
 * first match again, and the id is not read; when they do not and the
 * prefix occurs only once, there is none.  Erasing finds the shorter
 * answers still there.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hubtop/search.h"

#define SX_OTHER 40            /* bytes outside a-z 0-9 - _ . / (an inexact class) */
#define SX_NCLS 41
#define SX_NKEYS (SX_NCLS * SX_NCLS)
#define SX_KEYS_PAD 1688       /* SX_NKEYS rounded up, off a power of two */
#define SX_CHUNK_BITS 12       /* a chunk's build scratch stays in L2 */
#define SX_CHUNK ((uint32_t)1 << SX_CHUNK_BITS)
#define SX_CWORDS (SX_CHUNK / 64)
#define SX_CBYTES (SX_CHUNK / 8)  /* a chunk's bitmap; a list as long is one */
#define SX_ESC 0xf0u               /* a list byte from here on: a row, not a gap */
#define SX_LEVELS 64           /* prefixes kept: needle lengths 1..64 */
#define SX_PICK 3              /* pairs intersected before testing */
#define SX_FEW 2048            /* fewer candidates: test them without intersecting */
#define SX_RING 64             /* candidates in flight (a power of two) */
#define SX_AHEAD 32            /* fetches run this many candidates ahead of the tests */
#define SX_BLOCK 1024          /* rows decided from hints before their text is read */

/* One cached answer: the rows matching the first len bytes of cur, and
 * per match (in row order) what the next letter needs to know, so that
 * typing reads these arrays, not the ids. */
struct sx_level {
	int valid;
	int used;         /* bits has been written (counts in search_memory) */
	int has_at;       /* the arrays below are filled */
	uint32_t count;
	uint64_t *bits;
	uint32_t *at;     /* where the first match starts in the id */
	uint64_t *next;   /* the bytes after it, lowest first */
	uint8_t *flags;   /* SX_NEXT_N: how many of them are known; SX_ONCE */
	size_t cap;
};

#define SX_NEXT_N 0x0fu
#define SX_ONCE 0x10u         /* the needle occurs only once in the id */
#define SX_DEAD 0x80u         /* a staged entry whose row does not match */

/* The entries of one block of SX_BLOCK rows extending a prefix with
 * hints, in row order, before they go to the level's arrays; the open
 * ones (the hints could not decide) wait there for their text. */
struct sx_stage {
	uint32_t at[SX_BLOCK];
	uint64_t next[SX_BLOCK];
	uint8_t flags[SX_BLOCK];
	uint32_t open_row[SX_BLOCK];
	uint16_t open_slot[SX_BLOCK];  /* which entry */
	uint32_t n, nopen;
};

/* The build's scratch for one chunk: the rows holding each pair, as words
 * of 64 rows, word-major, so the 64 rows being read update 13 KB (L1);
 * used says which words of a pair are not zero.  All zero between chunks. */
struct sx_scratch {
	uint64_t w[SX_CWORDS][SX_KEYS_PAD];
	uint64_t used[SX_NKEYS];
	uint32_t count[SX_NKEYS]; /* rows set in the used words */
	uint64_t cls[SX_NCLS];    /* the 64 rows being read, per class */
};

#define SX_LONG 255u           /* sx_index.len: the id is at least this long */
#define SX_PAD 64u             /* bytes readable past the end of every id */

struct search_index {
	uint32_t n, nch;
	size_t nw;                /* words of a row bitmap */
	uint32_t max_len;         /* longest id */
	/* The ids, borrowed from the snapshot: row r's is at pool + id[r]
	 * (sx_row), len[r] bytes long (SX_LONG: strlen).  Tests read up to
	 * SX_PAD bytes past an id's end, which the pool may not hold for its
	 * last ids: those starting at tail_at or later are read from tail, a
	 * copy of the pool's end followed by SX_PAD zero bytes. */
	const char *pool;
	const uint32_t *id;
	uint8_t *len;
	uint64_t tail_at;
	char *tail;
	size_t tail_len;
	uint64_t *uni;            /* SX_NCLS bitmaps of nw words */
	uint32_t uni_count[SX_NCLS];
	/* Pair sets: chunk ch of pair key is bytes [dir[i], dir[i + 1]) of
	 * cont, i = ch * SX_NKEYS + key: a sorted list of rows within the
	 * chunk coded as above (sx_next_row), or its bitmap when it has
	 * SX_CBYTES bytes. */
	uint32_t *dir;
	uint8_t *cont;
	size_t cont_len, cont_cap;
	uint32_t key_count[SX_NKEYS]; /* rows holding each pair */
	uint8_t cls[256];

	/* The needle the cached prefixes belong to (lower-cased). */
	char cur[SX_LEVELS + 1];
	size_t cur_len;
	struct sx_level lv[SX_LEVELS + 1]; /* lv[len], len 1..SX_LEVELS */
	struct sx_level scratch;           /* answers to longer needles */
	uint64_t *cand;
	uint64_t *zero;                    /* an empty answer */
	uint64_t *words;                   /* the row bitmaps above, one block */
	char *needle;                      /* max_len + 1 */
	struct sx_stage *stage;            /* two: one decided, one being read */
};

/* On x86-64 the popcount builtin is a library call unless the target has
 * the instruction, which every x86-64 CPU of the last 15 years has: the
 * functions that count bits by the million get a second copy built for it,
 * chosen when the program starts. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__POPCNT__) && \
	defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define SX_POPCNT __attribute__((target_clones("popcnt", "default")))
#endif
#endif
#ifndef SX_POPCNT
#define SX_POPCNT
#endif

static inline unsigned sx_pop(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

static unsigned char sx_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Lower-cases 8 bytes at once (ASCII letters only). */
static uint64_t sx_lower8(uint64_t v)
{
	const uint64_t h = 0x8080808080808080ull;
	uint64_t x = v & ~h;
	uint64_t ge_a = x + 0x3f3f3f3f3f3f3f3full; /* bit 7 set: x >= 'A' */
	uint64_t gt_z = x + 0x2525252525252525ull; /* bit 7 set: x > 'Z' */
	return v | ((ge_a & ~gt_z & ~v & h) >> 2);
}

/* Row r's id (see struct search_index). */
static inline const char *sx_row(const struct search_index *x, uint32_t r)
{
	uint32_t o = x->id[r];
	return o < x->tail_at ? x->pool + o : x->tail + (o - x->tail_at);
}

static inline size_t sx_len(const struct search_index *x, uint32_t r)
{
	return x->len[r] != SX_LONG ? x->len[r] : strlen(sx_row(x, r));
}

static void sx_init_classes(uint8_t *cls)
{
	memset(cls, SX_OTHER, 256);
	for (int c = 0; c < 26; c++) {
		cls['a' + c] = (uint8_t)c;
		cls['A' + c] = (uint8_t)c;
	}
	for (int c = 0; c < 10; c++)
		cls['0' + c] = (uint8_t)(26 + c);
	cls['-'] = 36;
	cls['_'] = 37;
	cls['.'] = 38;
	cls['/'] = 39;
}

static int sx_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc = *cap;
	void *np;
	if (need <= nc)
		return 0;
	while (nc < need)
		nc = nc ? nc * 2 : 1024;
	if (nc > SIZE_MAX / elem || !(np = realloc(*p, nc * elem)))
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}


/* Returns unused room to the system (large blocks shrink in place). */
static void sx_trim(void **p, size_t *cap, size_t len, size_t elem)
{
	void *np;
	if (len && len < *cap && (np = realloc(*p, len * elem))) {
		*p = np;
		*cap = len;
	}
}

/* ---- construction ------------------------------------------------------- */

/* Marks the pairs of the 64 rows just read as used, and stores their classes. */
SX_POPCNT static void sx_end_block(struct search_index *x, struct sx_scratch *b, uint32_t r0)
{
	unsigned lw = (r0 & (SX_CHUNK - 1)) >> 6;
	const uint64_t *w = b->w[lw];
	for (unsigned c = 0; c < SX_NCLS; c++) {
		x->uni[c * x->nw + (r0 >> 6)] = b->cls[c];
		b->cls[c] = 0;
	}
	/* Branch-free: which pairs these rows hold is anybody's guess. */
	for (unsigned key = 0; key < SX_NKEYS; key++) {
		b->used[key] |= (uint64_t)(w[key] != 0) << lw;
		b->count[key] += sx_pop(w[key]);
	}
}

/* The next row of a coded list (struct search_index): *row holds the one
 * before (0 for the first). */
static inline const uint8_t *sx_next_row(const uint8_t *p, unsigned *row)
{
	unsigned c = *p++;
	if (c >= SX_ESC)
		*row = (c & 0x0fu) << 8 | *p++;
	else
		*row += c;
	return p;
}

/* Moves chunk ch's pair sets from the scratch into the index: a coded list
 * of rows, or the bitmap when the list would not be smaller. */
SX_POPCNT static int sx_end_chunk(struct search_index *x, uint32_t ch, struct sx_scratch *b)
{
	for (unsigned key = 0; key < SX_NKEYS; key++) {
		uint64_t used = b->used[key], u;
		unsigned prev = 0;
		size_t nb = 0;
		uint8_t *o;
		x->dir[(size_t)ch * SX_NKEYS + key] = (uint32_t)x->cont_len;
		if (!used)
			continue;
		x->key_count[key] += b->count[key];
		b->used[key] = 0;
		b->count[key] = 0;
		/* A list stops at SX_CBYTES (+ 1 for an escape): room for either. */
		if (sx_grow((void **)&x->cont, &x->cont_cap, x->cont_len + SX_CBYTES + 2, sizeof *x->cont))
			return -1;
		o = x->cont + x->cont_len;
		for (u = used; u && nb < SX_CBYTES; u &= u - 1) {
			unsigned lw = (unsigned)__builtin_ctzll(u);
			for (uint64_t v = b->w[lw][key]; v && nb < SX_CBYTES; v &= v - 1) {
				unsigned row = lw * 64 + (unsigned)__builtin_ctzll(v);
				if (row - prev < SX_ESC) {
					o[nb++] = (uint8_t)(row - prev);
				} else {
					o[nb++] = (uint8_t)(SX_ESC | row >> 8);
					o[nb++] = (uint8_t)(row & 0xffu);
				}
				prev = row;
			}
		}
		if (nb >= SX_CBYTES) {
			for (unsigned lw = 0; lw < SX_CWORDS; lw++) {
				uint64_t v = used >> lw & 1 ? b->w[lw][key] : 0;
				memcpy(o + lw * sizeof v, &v, sizeof v);
			}
			nb = SX_CBYTES;
		}
		for (u = used; u; u &= u - 1)
			b->w[__builtin_ctzll(u)][key] = 0;
		x->cont_len += nb;
	}
	return 0;
}

/* Notes one id's length and marks its classes and pairs. */
static void sx_add_row(struct search_index *x, const char *id, uint32_t r, struct sx_scratch *b)
{
	const unsigned char *o = (const unsigned char *)id;
	size_t len = strlen(id);
	uint64_t bit = (uint64_t)1 << (r & 63), *w = b->w[(r & (SX_CHUNK - 1)) >> 6], m;
	unsigned prev;
	x->len[r] = (uint8_t)(len < SX_LONG ? len : SX_LONG);
	if (len > x->max_len)
		x->max_len = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
	if (!len)
		return;
	/* Classes in a register: repeated letters would chain the stores. */
	prev = x->cls[o[0]];
	m = (uint64_t)1 << prev;
	for (size_t j = 1; j < len; j++) {
		unsigned c = x->cls[o[j]];
		m |= (uint64_t)1 << c;
		w[prev * SX_NCLS + c] |= bit;
		prev = c;
	}
	for (; m; m &= m - 1)
		b->cls[__builtin_ctzll(m)] |= bit;
}

static int sx_build(struct search_index *x, const struct ht_snapshot *s, const struct ht_table *t)
{
	struct sx_scratch *b = calloc(1, sizeof *b);
	int rc = -1;
	if (!b)
		return -1;
	for (uint32_t ch = 0; ch < x->nch; ch++) {
		uint32_t lo = ch << SX_CHUNK_BITS, hi = x->n - lo > SX_CHUNK ? lo + SX_CHUNK : x->n;
		for (uint32_t r = lo; r < hi; r++) {
			/* The pool is not in row order: fetch ids ahead (two lines). */
			if (r + 16 < x->n) {
				const char *a = s->pool + t->id[r + 16];
				__builtin_prefetch(a);
				__builtin_prefetch(a + 63);
			}
			sx_add_row(x, s->pool + t->id[r], r, b);
			if ((r & 63) == 63 || r + 1 == hi)
				sx_end_block(x, b, r & ~(uint32_t)63);
		}
		if (sx_end_chunk(x, ch, b))
			goto out;
	}
	x->dir[(size_t)x->nch * SX_NKEYS] = (uint32_t)x->cont_len;
	if (x->cont_len > UINT32_MAX)
		goto out;
	/* The ids that end within SX_PAD bytes of the pool's end start at
	 * tail_at or later: a copy of them is padded. */
	x->tail_at = s->pool_len > (uint64_t)x->max_len + SX_PAD ? s->pool_len - x->max_len - SX_PAD : 0;
	x->tail_len = (size_t)(s->pool_len - x->tail_at);
	if (!(x->tail = calloc(x->tail_len + SX_PAD, 1)))
		goto out;
	memcpy(x->tail, s->pool + x->tail_at, x->tail_len);
	for (unsigned c = 0; c < SX_NCLS; c++) {
		uint32_t k = 0;
		for (size_t w = 0; w < x->nw; w++)
			k += sx_pop(x->uni[c * x->nw + w]);
		x->uni_count[c] = k;
	}
	rc = 0;
out:
	free(b);
	return rc;
}

struct search_index *search_new(const struct ht_snapshot *s, enum ht_kind kind)
{
	const struct ht_table *t = &s->t[kind];
	struct search_index *x = calloc(1, sizeof *x);
	size_t nblk;
	if (!x)
		return NULL;
	x->n = t->n;
	x->nw = ((size_t)t->n + 63) / 64;
	x->nch = (uint32_t)(((size_t)t->n + SX_CHUNK - 1) >> SX_CHUNK_BITS);
	sx_init_classes(x->cls);
	/* Ids are distinct strings of the pool, so it bounds the pair sets
	 * (at most two bytes a byte), which grow if a damaged snapshot says
	 * otherwise.  Pages past the end are never touched. */
	x->pool = s->pool;
	x->id = t->id;
	x->cont_cap = 2 * (size_t)s->pool_len + SX_CBYTES + 2;
	x->cont = malloc(x->cont_cap * sizeof *x->cont);
	x->len = malloc((size_t)x->n + 1);
	x->uni = calloc(SX_NCLS * x->nw + 1, sizeof *x->uni);
	x->dir = malloc(((size_t)SX_NKEYS * x->nch + 1) * sizeof *x->dir);
	/* Level bitmaps, the candidates: pages are touched only when used. */
	nblk = (SX_LEVELS + 3) * (x->nw + 1);
	x->words = malloc(nblk * sizeof *x->words);
	x->zero = calloc(x->nw + 1, sizeof *x->zero);
	if (!x->cont || !x->len || !x->uni || !x->dir || !x->words || !x->zero) {
		search_free(x);
		return NULL;
	}
	/* on huge pages: fewer faults to fill, fewer TLB misses to read at random */
	table_huge_hint(x->cont, x->cont_cap * sizeof *x->cont);
	table_huge_hint(x->uni, (SX_NCLS * x->nw + 1) * sizeof *x->uni);
	if (sx_build(x, s, t) || !(x->needle = malloc((size_t)x->max_len + 1)) ||
	    !(x->stage = malloc(2 * sizeof *x->stage))) {
		search_free(x);
		return NULL;
	}
	for (unsigned l = 0; l <= SX_LEVELS; l++)
		x->lv[l].bits = x->words + l * (x->nw + 1);
	x->scratch.bits = x->words + (SX_LEVELS + 1) * (x->nw + 1);
	x->cand = x->words + (SX_LEVELS + 2) * (x->nw + 1);
	sx_trim((void **)&x->cont, &x->cont_cap, x->cont_len, sizeof *x->cont);
	return x;
}

void search_free(struct search_index *x)
{
	if (!x)
		return;
	for (unsigned l = 0; l <= SX_LEVELS; l++) {
		free(x->lv[l].at);
		free(x->lv[l].next);
		free(x->lv[l].flags);
	}
	free(x->zero);
	free(x->tail);
	free(x->len);
	free(x->uni);
	free(x->dir);
	free(x->cont);
	free(x->words);
	free(x->needle);
	free(x->stage);
	free(x);
}

size_t search_memory(const struct search_index *x)
{
	size_t b = sizeof *x + (size_t)x->n + 1 + (x->tail ? x->tail_len + SX_PAD : 0) +
		   (SX_NCLS * x->nw + 1) * sizeof *x->uni + ((size_t)SX_NKEYS * x->nch + 1) * sizeof *x->dir +
		   x->cont_cap * sizeof *x->cont + (size_t)x->max_len + 1 + 2 * sizeof *x->stage +
		   2 * (x->nw + 1) * sizeof *x->cand; /* candidates, the empty answer */
	for (unsigned l = 0; l <= SX_LEVELS; l++)
		b += (x->lv[l].used ? x->nw * sizeof(uint64_t) : 0) +
		     x->lv[l].cap * (sizeof(uint32_t) + sizeof(uint64_t) + 1);
	return b + (x->scratch.used ? x->nw * sizeof(uint64_t) : 0);
}

/* ---- pair sets ---------------------------------------------------------- */

static unsigned sx_key(const struct search_index *x, const char *nd, size_t i)
{
	return x->cls[(unsigned char)nd[i]] * SX_NCLS + x->cls[(unsigned char)nd[i + 1]];
}

static int sx_exact(const struct search_index *x, char c)
{
	return x->cls[(unsigned char)c] != SX_OTHER;
}

/* Words [w0, w1) of the chunk's part of a row bitmap. */
static void sx_chunk_words(const struct search_index *x, uint32_t ch, size_t *w0, size_t *w1)
{
	*w0 = (size_t)ch * SX_CWORDS;
	*w1 = *w0 + SX_CWORDS < x->nw ? *w0 + SX_CWORDS : x->nw;
}

/* dst = the rows holding pair key. */
static void sx_pair_set(const struct search_index *x, unsigned key, uint64_t *dst)
{
	for (uint32_t ch = 0; ch < x->nch; ch++) {
		const uint32_t *d = x->dir + (size_t)ch * SX_NKEYS + key;
		const uint8_t *l = x->cont + d[0], *le = x->cont + d[1];
		unsigned row = 0;
		size_t w0, w1;
		sx_chunk_words(x, ch, &w0, &w1);
		if (le - l == SX_CBYTES) {
			memcpy(dst + w0, l, (w1 - w0) * sizeof *dst);
			continue;
		}
		memset(dst + w0, 0, (w1 - w0) * sizeof *dst);
		while (l < le) {
			l = sx_next_row(l, &row);
			dst[w0 + (row >> 6)] |= (uint64_t)1 << (row & 63);
		}
	}
}

/* dst &= the rows holding pair key. */
static void sx_pair_and(const struct search_index *x, unsigned key, uint64_t *dst)
{
	for (uint32_t ch = 0; ch < x->nch; ch++) {
		const uint32_t *d = x->dir + (size_t)ch * SX_NKEYS + key;
		const uint8_t *l = x->cont + d[0], *le = x->cont + d[1];
		unsigned row = 0;
		int have = l < le;
		size_t w0, w1;
		sx_chunk_words(x, ch, &w0, &w1);
		if (le - l == SX_CBYTES) {
			for (size_t w = w0; w < w1; w++) {
				uint64_t m;
				memcpy(&m, l + (w - w0) * sizeof m, sizeof m);
				dst[w] &= m;
			}
			continue;
		}
		/* The list is sorted: one mask per word; words it skips clear. */
		if (have)
			l = sx_next_row(l, &row);
		for (size_t w = w0; w < w1; w++) {
			uint64_t m = 0;
			while (have && (size_t)(row >> 6) == w - w0) {
				m |= (uint64_t)1 << (row & 63);
				if ((have = l < le))
					l = sx_next_row(l, &row);
			}
			dst[w] &= m;
		}
	}
}

/* ---- tests -------------------------------------------------------------- */

/* Whether the id bytes t, ASCII letters folded, and the (lower-cased)
 * needle nd agree on n bytes: 8 at a time, then one by one. */
static int sx_same(const char *t, const char *nd, size_t n)
{
	size_t j = 0;
	for (; j + 8 <= n; j += 8) {
		uint64_t a, b;
		memcpy(&a, t + j, 8);
		memcpy(&b, nd + j, 8);
		if (sx_lower8(a) != b)
			return 0;
	}
	for (; j < n; j++)
		if (sx_lower((unsigned char)t[j]) != (unsigned char)nd[j])
			return 0;
	return 1;
}

/* 0x20 when c is a lower-case ASCII letter: an id byte b then matches c
 * when (b | 0x20) == c, which only c and its upper case pass. */
static char sx_fold_bit(char c)
{
	return c >= 'a' && c <= 'z' ? 0x20 : 0;
}

/* Where the k-byte needle nd (lower-cased) first occurs in the id bytes
 * t[from, end), letters folded, or -1.  *once is set when that is also
 * the last occurrence and it costs nothing to know (the match is in the
 * last block read), else cleared.  Reads up to 16 bytes past end (ids are
 * padded, struct search_index). */
static long sx_find(const char *t, size_t from, size_t end, const char *nd, size_t k, int *once)
{
	*once = 0;
	if (from + k > end)
		return -1;
#ifdef __SSE2__
	{
		/* Positions holding the first and the last byte, then the rest. */
		const __m128i f = _mm_set1_epi8(nd[0]), l = _mm_set1_epi8(nd[k - 1]);
		const __m128i ff = _mm_set1_epi8(sx_fold_bit(nd[0])), lf = _mm_set1_epi8(sx_fold_bit(nd[k - 1]));
		size_t last = end - k; /* the last possible start */
		for (size_t i = from; i <= last; i += 16) {
			__m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + i)), ff);
			__m128i z = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + i + k - 1)), lf);
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, f),
									       _mm_cmpeq_epi8(z, l)));
			if (last - i < 15)
				m &= (2u << (last - i)) - 1;
			for (; m; m &= m - 1) {
				size_t p = i + (unsigned)__builtin_ctz(m);
				if (k > 2 && !sx_same(t + p + 1, nd + 1, k - 2))
					continue;
				if (last - i < 16) {
					*once = 1;
					for (m &= m - 1; m; m &= m - 1) {
						size_t q = i + (unsigned)__builtin_ctz(m);
						if (k <= 2 || sx_same(t + q + 1, nd + 1, k - 2))
							*once = 0;
					}
				}
				return (long)p;
			}
		}
		return -1;
	}
#else
	{
		const char *p = t + from, *e = t + (end - k) + 1;
		const char fb = sx_fold_bit(nd[0]);
		for (; p < e; p++)
			if ((char)(*p | fb) == nd[0] && sx_same(p + 1, nd + 1, k - 1)) {
				*once = (size_t)(e - p) <= 1;
				return p - t;
			}
		return -1;
	}
#endif
}

/* Room for n matches in a level's arrays; 0 when it cannot be had (the
 * answer is then kept without them). */
static int sx_level_room(struct sx_level *l, size_t n)
{
	size_t cap = l->cap * 2 > n ? l->cap * 2 : n;
	void *p;
	if (n <= l->cap)
		return 1;
	/* cap stays a lower bound of the three sizes whatever fails. */
	if (!(p = realloc(l->at, cap * sizeof *l->at)))
		return 0;
	l->at = p;
	if (!(p = realloc(l->next, cap * sizeof *l->next)))
		return 0;
	l->next = p;
	if (!(p = realloc(l->flags, cap)))
		return 0;
	l->flags = p;
	l->cap = cap;
	return 1;
}

/* The 8 bytes of an id at p, letters folded, lowest first. */
static uint64_t sx_load8(const char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	v = sx_lower8(v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* The j <= 8 bytes of the needle at nd, lowest first. */
static uint64_t sx_bytes(const char *nd, size_t j)
{
	uint64_t v = 0;
	for (size_t i = 0; i < j; i++)
		v |= (uint64_t)(unsigned char)nd[i] << (8 * i);
	return v;
}

/* Tests candidate rows against the k-byte needle by reading each from its
 * start.  Rows are scattered, which hardware cannot guess: each one's
 * offset is fetched SX_AHEAD candidates before its test, its text half
 * that later. */
static void sx_test_rows(struct search_index *x, size_t k, struct sx_level *dst, int keep)
{
	const char *nd = x->needle;
	uint32_t ring[SX_RING];
	uint32_t head = 0, tail = 0, cnt = 0;
	for (size_t w = 0; w <= x->nw; w++) {
		uint64_t cw = w < x->nw ? x->cand[w] : 0;
		while (cw || (w == x->nw && head != tail)) {
			uint32_t r;
			const char *text;
			long at;
			int once;
			if (cw) {
				r = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(cw));
				cw &= cw - 1;
				ring[tail++ % SX_RING] = r;
				__builtin_prefetch(x->id + r);
				__builtin_prefetch(x->len + r);
				/* The offsets fetched earlier have come: fetch their id. */
				if (tail - head > SX_AHEAD / 2)
					__builtin_prefetch(sx_row(x, ring[(tail - 1 - SX_AHEAD / 2) % SX_RING]));
				if (tail - head < SX_AHEAD)
					continue;
			}
			r = ring[head++ % SX_RING];
			text = sx_row(x, r);
			if ((at = sx_find(text, 0, sx_len(x, r), nd, k, &once)) < 0)
				continue;
			dst->bits[r >> 6] |= (uint64_t)1 << (r & 63);
			if (keep) {
				dst->at[cnt] = (uint32_t)at;
				dst->next[cnt] = sx_load8(text + at + k);
				dst->flags[cnt] = (uint8_t)(8 | (once ? SX_ONCE : 0));
			}
			cnt++;
		}
	}
	dst->count = cnt;
}

/* Reads the open rows of a block (sx_stage), whose text was fetched while
 * the next block was decided: the parent's first match, p bytes at the
 * entry's at, most often goes on with the new bytes; else, unless it was
 * the only one, the needle is looked for after it.  Then moves the block's
 * entries of matching rows to dst's arrays (when kept) after the cnt
 * there; returns the new count. */
static uint32_t sx_flush(struct search_index *x, struct sx_stage *s, size_t p, size_t k, uint64_t want,
			 uint64_t mask, struct sx_level *dst, int keep, uint32_t cnt)
{
	const size_t more = k - p;
	uint32_t m = s->n, dead = 0, first_dead = 0;
	for (uint32_t j = 0; j < s->nopen; j++) {
		uint32_t row = s->open_row[j], slot = s->open_slot[j];
		int once = s->flags[slot] & SX_ONCE;
		long at = s->at[slot];
		const char *text = sx_row(x, row);
		if (more <= 8 ? (sx_load8(text + at + p) & mask) != want : !sx_same(text + at + p, x->needle + p, more))
			at = once ? -1 : sx_find(text, (size_t)at + 1, sx_len(x, row), x->needle, k, &once);
		if (at < 0) {
			s->flags[slot] = SX_DEAD;
			first_dead = dead++ ? first_dead : slot;
			continue;
		}
		dst->bits[row >> 6] |= (uint64_t)1 << (row & 63);
		/* Whether it occurs again is known only when that is free:
		 * finding out costs more here than it saves later. */
		s->at[slot] = (uint32_t)at;
		s->next[slot] = sx_load8(text + at + k);
		s->flags[slot] = (uint8_t)(8 | (once ? SX_ONCE : 0));
	}
	if (!keep)
		return cnt + m - dead;
	if (dead) {
		/* Open rows come in row order: the first dead one is first. */
		uint32_t d = first_dead;
		for (uint32_t j = first_dead + 1; j < m; j++) {
			s->at[d] = s->at[j];
			s->next[d] = s->next[j];
			s->flags[d] = s->flags[j];
			d += s->flags[j] != SX_DEAD;
		}
		m = d;
	}
	memcpy(dst->at + cnt, s->at, m * sizeof *s->at);
	memcpy(dst->next + cnt, s->next, m * sizeof *s->next);
	memcpy(dst->flags + cnt, s->flags, m);
	return cnt + m;
}

/* Stages the candidates of words [w0, w1) against the more bytes want
 * that follow the parent's p: rows decided by the bytes kept after the
 * parent's match get their entry; open ones get one too, holding the
 * parent's, and their text is fetched.  *rank: the parent's matches before
 * word w0, then w1.  Inline, so that more is a constant when it is 1. */
static inline __attribute__((always_inline)) void sx_stage_words(const struct search_index *x,
								  const struct sx_level *parent, uint64_t *bits,
								  struct sx_stage *s, size_t w0, size_t w1,
								  uint32_t *rank, size_t more, uint64_t want)
{
	/* Locals, not fields: stores through the byte arrays may alias any. */
	const uint32_t *pat = parent->at;
	const uint64_t *cand = x->cand, *pb = parent->bits, *pnext = parent->next;
	const uint8_t *pflags = parent->flags;
	const uint64_t mask = more < 8 ? ((uint64_t)1 << (8 * more)) - 1 : ~(uint64_t)0;
	/* The bytes known after the new match are the parent's past the new
	 * ones: next >> 8 * more, in two shifts since more may be 8. */
	const unsigned shift = more <= 8 ? (unsigned)(8 * more - 1) : 0;
	uint32_t *sat = s->at, *orow = s->open_row;
	uint64_t *snext = s->next;
	uint8_t *sflags = s->flags;
	uint16_t *oslot = s->open_slot;
	uint32_t m = 0, no = 0, r = *rank;
	for (size_t w = w0; w < w1; w++) {
		uint64_t cw = cand[w], pw = pb[w], yes = cw;
		for (; cw; cw &= cw - 1) {
			uint64_t low = cw & -cw;
			uint32_t i = r + sx_pop(pw & (low - 1));
			unsigned f = pflags[i];
			uint64_t nx = pnext[i];
			/* Written as if it goes on (f - more: SX_ONCE kept, n less
			 * more); else overwritten or dropped. */
			sat[m] = pat[i];
			snext[m] = nx >> shift >> 1;
			sflags[m] = (uint8_t)(f - more);
			if (__builtin_expect(more > (f & SX_NEXT_N) || (nx & mask) != want, 0)) {
				uint32_t row = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(low));
				yes &= ~low;
				if (more <= (f & SX_NEXT_N) && (f & SX_ONCE))
					continue; /* its only occurrence does not go on */
				sflags[m] = (uint8_t)f;
				orow[no] = row;
				oslot[no++] = (uint16_t)m;
				__builtin_prefetch(sx_row(x, row) + pat[i]);
				__builtin_prefetch(x->len + row);
			}
			m++;
		}
		bits[w] |= yes;
		r += sx_pop(pw);
	}
	s->n = m;
	s->nopen = no;
	*rank = r;
}

/* Tests candidate rows against the k-byte needle with the arrays of their
 * parent (the first p bytes; its matches hold all candidates), block by
 * block: most rows are decided from the bytes kept after the parent's
 * match; the text of the others is read once the next block is staged
 * (sx_flush).  Rows that need no text cost little more than their entry. */
SX_POPCNT static void sx_test_hinted(struct search_index *x, const struct sx_level *parent, size_t p, size_t k,
				     struct sx_level *dst, int keep)
{
	const size_t nw = x->nw, more = k - p;
	const uint64_t want = more <= 8 ? sx_bytes(x->needle + p, more) : 0;
	const uint64_t mask = more < 8 ? ((uint64_t)1 << (8 * more)) - 1 : ~(uint64_t)0;
	uint32_t cnt = 0, rank = 0;
	struct sx_stage *prev = NULL;
	for (size_t w0 = 0; w0 < nw; w0 += SX_BLOCK / 64) {
		struct sx_stage *s = &x->stage[prev == x->stage];
		size_t w1 = nw - w0 > SX_BLOCK / 64 ? w0 + SX_BLOCK / 64 : nw;
		if (more == 1) /* typing */
			sx_stage_words(x, parent, dst->bits, s, w0, w1, &rank, 1, want);
		else
			sx_stage_words(x, parent, dst->bits, s, w0, w1, &rank, more, want);
		if (prev)
			cnt = sx_flush(x, prev, p, k, want, mask, dst, keep, cnt);
		prev = s;
	}
	if (prev)
		cnt = sx_flush(x, prev, p, k, want, mask, dst, keep, cnt);
	dst->count = cnt;
}

/* Tests the candidate rows cand against the k-byte needle into dst: from
 * the hints of the parent (the first p bytes) when it has them, else by
 * reading each row.  dst keeps per match its arrays when they can be had. */
static void sx_test(struct search_index *x, const struct sx_level *parent, size_t p, size_t k,
		    struct sx_level *dst, uint32_t ncand)
{
	int keep = dst != &x->scratch && sx_level_room(dst, ncand ? ncand : 1);
	memset(dst->bits, 0, x->nw * sizeof *dst->bits);
	if (parent && parent->has_at)
		sx_test_hinted(x, parent, p, k, dst, keep);
	else
		sx_test_rows(x, k, dst, keep);
	dst->has_at = keep;
	dst->valid = 1;
	dst->used = 1;
}

SX_POPCNT static uint32_t sx_popcount(const uint64_t *b, size_t nw)
{
	uint32_t c = 0;
	for (size_t w = 0; w < nw; w++)
		c += sx_pop(b[w]);
	return c;
}

/* Answers the k-byte needle (x->needle) into dst from the longest cached
 * prefix, or from the pair sets alone. */
static void sx_compute(struct search_index *x, size_t k, struct sx_level *dst)
{
	const char *nd = x->needle;
	const struct sx_level *parent = NULL;
	unsigned pick[SX_PICK], npick = 0;
	size_t p = k - 1 < SX_LEVELS ? k - 1 : SX_LEVELS;

	while (p >= 1 && !x->lv[p].valid)
		p--;
	if (p >= 1) {
		parent = &x->lv[p];
		memcpy(x->cand, parent->bits, x->nw * sizeof *x->cand);
	} else if (sx_exact(x, nd[0])) {
		/* The class bitmap is the first letter's answer. */
		unsigned c = x->cls[(unsigned char)nd[0]];
		memcpy(x->cand, x->uni + c * x->nw, x->nw * sizeof *x->cand);
		if (x->uni_count[c] <= SX_FEW)
			p = k; /* no pairs: few enough */
		else
			p = 1;
	}
	/* Pairs not already implied by the prefix, rarest first. */
	if (!parent || parent->count > SX_FEW) {
		for (size_t i = p ? p - 1 : 0; i + 1 < k; i++) {
			unsigned key = sx_key(x, nd, i), j, worst = 0;
			for (j = 0; j < npick && pick[j] != key; j++)
				if (x->key_count[pick[j]] > x->key_count[pick[worst]])
					worst = j;
			if (j < npick)
				continue;
			if (npick < SX_PICK)
				pick[npick++] = key;
			else if (x->key_count[key] < x->key_count[pick[worst]])
				pick[worst] = key;
		}
	}
	if (!p && npick)
		sx_pair_set(x, pick[--npick], x->cand);
	else if (!p)
		memcpy(x->cand, x->uni + SX_OTHER * x->nw, x->nw * sizeof *x->cand); /* one odd byte */
	for (unsigned i = 0; i < npick; i++)
		sx_pair_and(x, pick[i], x->cand);
	sx_test(x, parent, parent ? p : 0, k, dst, sx_popcount(x->cand, x->nw));
}

const uint64_t *search_match(struct search_index *x, const char *needle, uint32_t *count)
{
	size_t k = strlen(needle), d = 0, keep;
	struct sx_level *dst;
	*count = 0;
	if (!k)
		return NULL;
	if (k > x->max_len)
		return x->zero;
	for (size_t i = 0; i < k; i++)
		x->needle[i] = (char)sx_lower((unsigned char)needle[i]);
	x->needle[k] = '\0';
	/* Cached prefixes of the new needle stay, and so do the longer ones
	 * while it is a prefix of cur (erasing, then retyping). */
	keep = k < SX_LEVELS ? k : SX_LEVELS;
	while (d < keep && d < x->cur_len && x->cur[d] == x->needle[d])
		d++;
	if (d < keep) {
		for (size_t l = d + 1; l <= x->cur_len; l++)
			x->lv[l].valid = 0;
		memcpy(x->cur, x->needle, keep);
		x->cur_len = keep;
	}

	if (k <= SX_LEVELS && x->lv[k].valid) {
		*count = x->lv[k].count;
		return x->lv[k].bits;
	}
	if (k == 1 && sx_exact(x, x->needle[0])) {
		unsigned c = x->cls[(unsigned char)x->needle[0]];
		*count = x->uni_count[c];
		return x->uni + c * x->nw;
	}
	dst = k <= SX_LEVELS ? &x->lv[k] : &x->scratch;
	if (k == 2 && sx_exact(x, x->needle[0]) && sx_exact(x, x->needle[1])) {
		unsigned key = sx_key(x, x->needle, 0);
		sx_pair_set(x, key, dst->bits);
		dst->count = x->key_count[key];
		dst->has_at = 0;
		dst->valid = 1;
		dst->used = 1;
	} else {
		sx_compute(x, k, dst);
	}
	if (dst == &x->scratch)
		dst->valid = 0;
	*count = dst->count;
	return dst->bits;
}

size_t search_trim(struct search_index *x)
{
	size_t freed = 0;
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	for (unsigned l = 1; l <= SX_LEVELS + 1; l++) {
		struct sx_level *v = l <= SX_LEVELS ? &x->lv[l] : &x->scratch;
		if (v->valid)
			continue;
		freed += v->cap * (sizeof *v->at + sizeof *v->next + sizeof *v->flags);
		free(v->at);
		free(v->next);
		free(v->flags);
		v->at = NULL;
		v->next = NULL;
		v->flags = NULL;
		v->cap = 0;
		v->has_at = 0;
		if (v->used) {
			/* the whole pages of the bitmap: they read as zeros again */
			uintptr_t lo = ((uintptr_t)v->bits + page - 1) & ~(page - 1);
			uintptr_t hi = ((uintptr_t)(v->bits + x->nw)) & ~(page - 1);
			if (hi > lo)
				madvise((void *)lo, hi - lo, MADV_DONTNEED);
			freed += x->nw * sizeof *v->bits;
			v->used = 0;
		}
	}
	return freed;
}

int search_refine(struct search_index *x)
{
	size_t k = x->cur_len;
	/* The longest cached answer to the needle typed last, if it lacks
	 * what its extensions read: with it, the next letter is decided by
	 * the bytes kept per match instead of by reading the ids. */
	while (k >= 2 && !x->lv[k].valid)
		k--;
	if (k < 2 || x->lv[k].has_at)
		return 0;
	memcpy(x->needle, x->cur, k);
	x->needle[k] = '\0';
	memcpy(x->cand, x->lv[k].bits, x->nw * sizeof *x->cand);
	sx_test(x, NULL, 0, k, &x->lv[k], x->lv[k].count);
	return x->lv[k].has_at ? 1 : -1;
}

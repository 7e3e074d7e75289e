/* table.c - string pool, builder and lookups of the in-memory data model. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hubtop/civil.h"
#include "hubtop/table.h"
#include "hubtop/safetext.h"

/* ---- string pool and hash maps (build time) --------------------------- */

struct pool {
	char *buf;
	size_t len, cap;
};

/* Eight bytes a step; the final mix makes every bit of a slot index depend
 * on every byte. */
static uint64_t hash_mem(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 29;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ w) * 0x94d049bb133111ebull;
	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return h;
}

static uint64_t hash_str(const char *s)
{
	return hash_mem(s, strlen(s));
}

static uint32_t hash32(const char *s, size_t n)
{
	uint64_t h = hash_mem(s, n);
	return (uint32_t)(h ^ (h >> 32));
}

#define HUGE_MIN ((size_t)4 << 20)

/* The builder's big arrays are written once end to end: on huge pages that
 * is a page fault every 2 MiB instead of every 4 KiB.  A hint, failure is
 * harmless, on the block's pages from the first to the last: a block this
 * large is a mapping of its own (M_MMAP_THRESHOLD), and advice on only a
 * part of it would split it in two, after which realloc can no longer grow
 * it in place (mremap) and copies it whole at every doubling. */
static void huge_hint(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(page - 1);
	uintptr_t e = ((uintptr_t)p + size + page - 1) & ~(page - 1);
	if (size >= HUGE_MIN)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)size;
#endif
}

static int pool_init(struct pool *p)
{
	p->cap = 1 << 16;
	p->buf = malloc(p->cap);
	if (!p->buf)
		return -1;
	p->buf[0] = '\0';
	p->len = 1;
	return 0;
}

/* Room for about want bytes in all (at most what offsets can reach). */
static int pool_reserve(struct pool *p, double want)
{
	size_t cap;
	char *nb;

	if (want > UINT32_MAX)
		want = UINT32_MAX;
	cap = (size_t)want;
	if (cap <= p->cap)
		return 0;
	if (!(nb = realloc(p->buf, cap)))
		return -1;
	huge_hint(nb, cap);
	p->buf = nb;
	p->cap = cap;
	return 0;
}

/* Appends the n bytes of s and a NUL; returns the offset, or UINT32_MAX
 * when the pool is full. */
static uint32_t pool_add(struct pool *p, const char *s, size_t n)
{
	uint32_t off;

	if (n == 0)
		return 0;
	if (p->len + n + 1 > UINT32_MAX)
		return UINT32_MAX;
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap;
		char *nb;
		while (p->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(p->buf, cap);
		if (!nb)
			return UINT32_MAX;
		huge_hint(nb, cap);
		p->buf = nb;
		p->cap = cap;
	}
	off = (uint32_t)p->len;
	memcpy(p->buf + p->len, s, n);
	p->buf[p->len + n] = '\0';
	p->len += n + 1;
	return off;
}

/* Open-addressing map from pool strings to uint32 values.  A slot keeps its
 * key's hash beside the key and the value, so a probe reads one cache line,
 * rarely compares strings, and growing never rehashes them. */
struct slot {
	uint32_t hash;
	uint32_t key;    /* pool offset + 1; 0 = empty slot */
	uint32_t val;
};

struct strmap {
	struct slot *slot;
	const struct pool *keys;
	size_t cap, n;
};

/* A map of millions of ids is probed at random: on huge pages a probe costs
 * a cache miss, not also a page walk. */

static struct slot *slots_new(size_t cap)
{
	size_t size = cap * sizeof(struct slot);
	void *p;

	if (size < HUGE_MIN)
		return calloc(cap, sizeof(struct slot));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

unsigned table_threads(unsigned tuned, unsigned max)
{
	long n;
	if (tuned)
		return tuned < max ? tuned : max;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1u : n > (long)max ? max : (unsigned)n;
}

void *table_big_alloc(size_t size)
{
	const size_t huge = (size_t)2 << 20;
	void *p;
	if (size < 2 * huge)
		return malloc(size ? size : 1);
	size = (size + huge - 1) & ~(huge - 1);
	p = aligned_alloc(huge, size);
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, size, MADV_HUGEPAGE); /* a hint: failure is harmless */
#endif
	return p;
}

void table_huge_hint(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + len) & ~(huge - 1);
	if (p && hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

static void slots_free(struct slot *slot, size_t cap)
{
	if (cap * sizeof *slot < HUGE_MIN)
		free(slot);
	else if (slot)
		munmap(slot, cap * sizeof *slot);
}

static int strmap_init(struct strmap *m, const struct pool *keys, size_t cap)
{
	m->slot = slots_new(cap);
	m->keys = keys;
	m->cap = cap;
	m->n = 0;
	return m->slot ? 0 : -1;
}

static void strmap_free(struct strmap *m)
{
	slots_free(m->slot, m->cap);
	m->slot = NULL;
}

/* Starts loading the slot where a key of hash h is looked for first. */
static void strmap_prefetch(const struct strmap *m, uint32_t h)
{
	__builtin_prefetch(&m->slot[h & (m->cap - 1)]);
}

/* The slot of the n bytes at s (hash h): its own, or the empty slot where
 * it belongs. */
static struct slot *strmap_find(const struct strmap *m, const char *s, size_t n, uint32_t h)
{
	size_t i = h & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		const struct slot *e = &m->slot[i];
		const char *k;
		if (!e->key)
			break;
		if (e->hash != h)
			continue;
		k = m->keys->buf + e->key - 1;
		if (strncmp(k, s, n) == 0 && k[n] == '\0')
			break;
	}
	return &m->slot[i];
}

/* Moves the keys into a map of cap slots (a power of two, larger). */
static int strmap_resize(struct strmap *m, size_t cap)
{
	size_t i, j;
	struct slot *g = slots_new(cap);

	if (!g)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (!m->slot[i].key)
			continue;
		for (j = m->slot[i].hash & (cap - 1); g[j].key; j = (j + 1) & (cap - 1))
			;
		g[j] = m->slot[i];
	}
	slots_free(m->slot, m->cap);
	m->slot = g;
	m->cap = cap;
	return 0;
}

static int strmap_grow(struct strmap *m)
{
	return strmap_resize(m, m->cap * 2);
}

/* Fills the empty slot e found for a key of hash h; grows past half full,
 * after which e no longer points into the map. */
static int strmap_put(struct strmap *m, struct slot *e, uint32_t off, uint32_t val, uint32_t h)
{
	e->hash = h;
	e->key = off + 1;
	e->val = val;
	return ++m->n * 2 > m->cap ? strmap_grow(m) : 0;
}

/* Sort keys: 40 bytes a row, not the whole row.  The id's first 24 bytes,
 * big-endian, order most ties of downloads without reading the pool (most
 * rows have next to no downloads, and an account's ids share a prefix).
 * Made as each row is added, while its id is at hand. */
struct skey {
	uint64_t dl;
	uint64_t pre[3];
	uint32_t id, idx;
};

static uint64_t load_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The first 24 bytes of the n bytes of an id at s. */
static void id_prefix(const char *s, size_t n, uint64_t pre[3])
{
	unsigned char b[24] = { 0 };

	memcpy(b, s, n < sizeof b ? n : sizeof b);
	pre[0] = load_be64(b);
	pre[1] = load_be64(b + 8);
	pre[2] = load_be64(b + 16);
}

/* ---- builder ------------------------------------------------------------ */

struct brow {
	uint32_t id, author;
	uint64_t dl, dla;
	uint32_t likes, trending;
	int64_t created, modified;
	uint32_t pipeline, library, license;
	uint8_t flags;
	uint32_t list_first, list_count, link_first, link_count;
	uint64_t params;
};

struct vec {
	void *p;
	size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		void *np = realloc(v->p, cap * v->size);
		if (!np)
			return NULL;
		huge_hint(np, cap * v->size);
		v->p = np;
		v->cap = cap;
	}
	return (char *)v->p + v->size * v->n++;
}

/* Room for cap entries in all. */
static int vec_reserve(struct vec *v, size_t cap)
{
	void *np;

	if (cap <= v->cap)
		return 0;
	if (cap > SIZE_MAX / v->size || !(np = realloc(v->p, cap * v->size)))
		return -1;
	huge_hint(np, cap * v->size);
	v->p = np;
	v->cap = cap;
	return 0;
}

/* A set of strings numbered in order of arrival: accounts, terms, base models. */
struct dict {
	struct pool keys;        /* the strings again, packed: a look-up stays in cache */
	struct strmap map;       /* string (in keys) -> number */
	struct vec str;          /* uint32_t pool offset of each number */
};

struct ht_builder {
	struct pool pool;
	struct pool scratch;     /* oids: kept apart so they never reach the snapshot */
	struct dict accounts;
	struct dict terms;
	struct dict bases;       /* base model ids, each stored once for all its links */
	struct strmap ids[HT_KIND_COUNT];  /* id (main pool) -> row */
	struct strmap oids[HT_KIND_COUNT]; /* _id (scratch pool) -> 0 */
	struct vec acct_kind;    /* uint8_t */
	struct vec rows[HT_KIND_COUNT];
	struct vec keys[HT_KIND_COUNT];    /* struct skey of each row */
	struct vec lists;        /* uint32_t term */
	struct vec link_base;    /* uint32_t base number */
	struct vec link_rel;     /* uint8_t */
	uint64_t dla_known[HT_KIND_COUNT]; /* rows with an all-time count */
	int64_t latest;          /* latest lastModified/createdAt seen (as_of) */
};

static int dict_init(struct dict *d)
{
	d->str.size = sizeof(uint32_t);
	return pool_init(&d->keys) || strmap_init(&d->map, &d->keys, 1024) ? -1 : 0;
}

static void dict_free(struct dict *d)
{
	free(d->keys.buf);
	strmap_free(&d->map);
	free(d->str.p);
}

struct ht_builder *table_builder_new(void)
{
	struct ht_builder *b;
	int k;

#ifdef M_MMAP_THRESHOLD
	/* The builder's arrays double up to hundreds of MB.  Above a fixed
	 * threshold they are mappings that grow in place (mremap), instead of
	 * heap blocks copied whole at each doubling; malloc would otherwise raise
	 * its threshold past them after the first one is freed. */
	mallopt(M_MMAP_THRESHOLD, (int)HUGE_MIN);
#endif
	b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	if (pool_init(&b->pool) || pool_init(&b->scratch) || dict_init(&b->accounts) ||
	    dict_init(&b->terms) || dict_init(&b->bases))
		goto fail;
	for (k = 0; k < HT_KIND_COUNT; k++) {
		if (strmap_init(&b->ids[k], &b->pool, 4096) ||
		    strmap_init(&b->oids[k], &b->scratch, 4096))
			goto fail;
		b->rows[k].size = sizeof(struct brow);
		b->keys[k].size = sizeof(struct skey);
	}
	b->acct_kind.size = 1;
	b->lists.size = sizeof(uint32_t);
	b->link_base.size = sizeof(uint32_t);
	b->link_rel.size = 1;
	/* Term 0 is the empty term, so 0 can mean "none" in every column. */
	{
		uint32_t *t = vec_push(&b->terms.str);
		if (!t)
			goto fail;
		*t = 0;
	}
	return b;
fail:
	table_builder_free(b);
	return NULL;
}

void table_builder_free(struct ht_builder *b)
{
	int k;

	if (!b)
		return;
	free(b->pool.buf);
	free(b->scratch.buf);
	dict_free(&b->accounts);
	dict_free(&b->terms);
	dict_free(&b->bases);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		strmap_free(&b->ids[k]);
		strmap_free(&b->oids[k]);
		free(b->rows[k].p);
		free(b->keys[k].p);
	}
	free(b->acct_kind.p);
	free(b->lists.p);
	free(b->link_base.p);
	free(b->link_rel.p);
	free(b);
}

/* Number of the n bytes at s (hash h) in d, added (to the pool too) if new. */
static int intern_h(struct ht_builder *b, struct dict *d, const char *s, size_t n, uint32_t h,
		    uint32_t *out)
{
	uint32_t off, key, *np;
	struct slot *e = strmap_find(&d->map, s, n, h);

	if (e->key) {
		*out = e->val;
		return 0;
	}
	off = pool_add(&b->pool, s, n);
	key = pool_add(&d->keys, s, n);
	if (off == UINT32_MAX || key == UINT32_MAX)
		return -1;
	np = vec_push(&d->str);
	if (!np)
		return -1;
	*np = off;
	*out = (uint32_t)(d->str.n - 1);
	if (d == &b->accounts) {
		uint8_t *kind = vec_push(&b->acct_kind);
		if (!kind)
			return -1;
		*kind = HT_ACCT_UNCHECKED;
	}
	return strmap_put(&d->map, e, key, *out, h);
}

static int intern(struct ht_builder *b, struct dict *d, const char *s, size_t n, uint32_t *out)
{
	return intern_h(b, d, s, n, hash32(s, n), out);
}

/* term() of a string whose length n (0: none) and hash h are known. */
static int term_h(struct ht_builder *b, const char *s, size_t n, uint32_t h, uint32_t *out)
{
	if (!n) {
		*out = 0;
		return 0;
	}
	return intern_h(b, &b->terms, s, n, h, out);
}

/* Marks an _id (n bytes, hash h) as seen for kind; returns 1 if it was already. */
static int oid_seen(struct ht_builder *b, enum ht_kind kind, const char *oid, size_t n, uint32_t h)
{
	struct strmap *m = &b->oids[kind];
	struct slot *e = strmap_find(m, oid, n, h);
	uint32_t off;

	if (e->key)
		return 1;
	off = pool_add(&b->scratch, oid, n);
	if (off == UINT32_MAX)
		return -1;
	return strmap_put(m, e, off, 0, h);
}

static int rel_from(const char *s, size_t n)
{
	static const char *const names[HT_REL_COUNT] = {
		[HT_REL_FINETUNE] = "finetune", [HT_REL_ADAPTER] = "adapter",
		[HT_REL_QUANTIZED] = "quantized", [HT_REL_MERGE] = "merge",
	};
	int r;
	for (r = 1; r < HT_REL_COUNT; r++)
		if (names[r] && strlen(names[r]) == n && memcmp(names[r], s, n) == 0)
			return r;
	return 0;
}

/* Adds or upgrades a base-model link of the row being built: to the valid
 * id of n bytes at base, of hash h. */
static int add_link_h(struct ht_builder *b, struct brow *r, const char *base, size_t n, uint32_t h,
		      int rel)
{
	uint32_t *bases = b->link_base.p;
	uint8_t *rels = b->link_rel.p;
	uint32_t i, base_no, *np;
	uint8_t *rp;

	if (intern_h(b, &b->bases, base, n, h, &base_no))
		return -1;
	for (i = r->link_first; i < r->link_first + r->link_count; i++) {
		if (bases[i] == base_no) {
			if (rels[i] == HT_REL_UNSPECIFIED)
				rels[i] = (uint8_t)rel;
			return 0;
		}
	}
	if (r->link_count >= 255)
		return 0;
	np = vec_push(&b->link_base);
	rp = vec_push(&b->link_rel);
	if (!np || !rp)
		return -1;
	*np = base_no;
	*rp = (uint8_t)rel;
	r->link_count++;
	return 0;
}

/* Adds the term of n bytes at t (hash h) to the row's list, once. */
static int add_list_term_h(struct ht_builder *b, struct brow *r, const char *t, size_t n, uint32_t h)
{
	uint32_t idx, *np, i;
	uint32_t *lists = b->lists.p;

	if (term_h(b, t, n, h, &idx))
		return -1;
	for (i = r->list_first; i < r->list_first + r->list_count; i++)
		if (lists[i] == idx)
			return 0;
	if (r->list_count >= 1024)
		return 0;
	np = vec_push(&b->lists);
	if (!np)
		return -1;
	*np = idx;
	r->list_count++;
	return 0;
}

/* 1 when s starts with the n bytes of prefix; stops at s's end. */
static int has_prefix(const char *s, const char *prefix, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != prefix[i])
			return 0;
	return 1;
}

/* The tags the model keeps (lineage, licence, dataset tasks, languages),
 * from the tag keys table_item_tag_keys made. */
static int take_tag_keys(struct ht_builder *b, struct brow *r, const struct ht_item_keys *k)
{
	r->link_first = (uint32_t)b->link_base.n;
	r->list_first = (uint32_t)b->lists.n;
	for (size_t i = 0; i < k->n_tag_keys; i++) {
		const struct ht_tag_key *t = &k->tag_keys[i];
		switch (t->op) {
		case HT_TAG_LINK:
			if (add_link_h(b, r, t->s, t->len, t->hash, t->rel))
				return -1;
			break;
		case HT_TAG_LICENSE:
			if (!r->license && term_h(b, t->s, t->len, t->hash, &r->license))
				return -1;
			break;
		case HT_TAG_PIPELINE:
			if (!r->pipeline && term_h(b, t->s, t->len, t->hash, &r->pipeline))
				return -1;
			break;
		default:
			if (add_list_term_h(b, r, t->s, t->len, t->hash))
				return -1;
			break;
		}
	}
	return 0;
}

static size_t tag_key(struct ht_tag_key *out, size_t n, enum ht_tag_op op, const char *s, int rel)
{
	size_t len = strlen(s);

	out[n].s = s;
	out[n].len = (uint32_t)len;
	out[n].hash = len ? hash32(s, len) : 0;
	out[n].op = (uint8_t)op;
	out[n].rel = (uint8_t)rel;
	return n + 1;
}

size_t table_item_tag_keys(const struct ht_item *it, enum ht_kind kind, struct ht_tag_key *out)
{
	size_t i, n = 0, nt = it->n_tags < HT_ITEM_MAX_TAGS ? it->n_tags : HT_ITEM_MAX_TAGS;
	/* A row's licence and (datasets) pipeline are its first: later ones
	 * change nothing. */
	int licensed = it->license && *it->license, piped = it->pipeline && *it->pipeline;

	for (i = 0; i < nt; i++) {
		const char *t = it->tags[i];
		if (!t)
			continue;
		if (kind == HT_MODELS && has_prefix(t, "base_model:", 11)) {
			const char *rest = t + 11, *colon = strchr(rest, ':');
			int rel = colon ? rel_from(rest, (size_t)(colon - rest)) : 0;
			const char *base = colon && rel ? colon + 1 : !colon ? rest : NULL;
			if (base && table_id_valid(base) && strlen(base) <= UINT32_MAX)
				n = tag_key(out, n, HT_TAG_LINK, base, colon ? rel : HT_REL_UNSPECIFIED);
		} else if (has_prefix(t, "license:", 8)) {
			if (!licensed) {
				n = tag_key(out, n, HT_TAG_LICENSE, t + 8, 0);
				licensed = t[8] != '\0';
			}
		} else if (kind == HT_DATASETS && has_prefix(t, "task_categories:", 16)) {
			if (!piped) {
				n = tag_key(out, n, HT_TAG_PIPELINE, t + 16, 0);
				piped = t[16] != '\0';
			}
			n = tag_key(out, n, HT_TAG_LIST, t, 0);
		} else if (has_prefix(t, "language:", 9)) {
			n = tag_key(out, n, HT_TAG_LIST, t, 0);
		}
	}
	return n;
}

/* The tags of an item whose keys no parser thread made: the same
 * decisions, made here. */
static int take_tags(struct ht_builder *b, enum ht_kind kind, struct brow *r, const struct ht_item *it)
{
	struct ht_tag_key keys[HT_ITEM_MAX_TAG_KEYS];
	struct ht_item_keys k = { 0 };

	k.tag_keys = keys;
	k.n_tag_keys = table_item_tag_keys(it, kind, keys);
	return take_tag_keys(b, r, &k);
}

/* The account an item belongs to: its author when that is a plain name,
 * else the owner part of its id (idlen bytes). */
static const char *owner_of(const struct ht_item *it, size_t idlen, size_t *olen)
{
	const char *slash = memchr(it->id, '/', idlen);
	size_t n = slash ? (size_t)(slash - it->id) : idlen;

	*olen = n;
	/* Most often the author is the id's owner, a part of a valid id: valid
	 * itself, and without a '/'. */
	if (!it->author || !*it->author ||
	    (slash && has_prefix(it->author, it->id, n) && it->author[n] == '\0'))
		return it->id;
	if (table_id_valid(it->author) && !strchr(it->author, '/')) {
		*olen = strlen(it->author);
		return it->author;
	}
	return it->id;
}

/* Fills the row for it, owned by the olen bytes at owner (hash oh); the id
 * is the caller's to add. */
static int fill_row(struct ht_builder *b, enum ht_kind kind, struct brow *r,
		    const struct ht_item *it, const struct ht_item_keys *k)
{
	memset(r, 0, sizeof *r);
	if (intern_h(b, &b->accounts, k->owner, k->owner_len, k->owner_hash, &r->author))
		return -1;
	/* An unknown count is stored as 0 and flagged, never read as 0. */
	r->dl = it->flags & HT_F_DL_UNKNOWN ? 0 : it->downloads;
	r->dla = it->flags & HT_F_DLA_UNKNOWN ? 0 : it->downloads_all;
	b->dla_known[kind] += !(it->flags & HT_F_DLA_UNKNOWN);
	if (it->modified > b->latest)
		b->latest = it->modified;
	if (it->created > b->latest)
		b->latest = it->created;
	r->likes = it->likes;
	r->trending = it->trending;
	r->created = it->created > 0 ? it->created : 0;
	r->modified = it->modified > 0 ? it->modified : 0;
	r->flags = it->flags;
	/* No model has 0 parameters: 0 is unknown, whoever made the item. */
	r->params = it->flags & HT_F_PARAMS_UNKNOWN ? 0 : it->params;
	if (!r->params)
		r->flags |= HT_F_PARAMS_UNKNOWN;
	if (term_h(b, it->pipeline, k->term_len[0], k->term_hash[0], &r->pipeline) ||
	    term_h(b, it->library, k->term_len[1], k->term_hash[1], &r->library) ||
	    term_h(b, it->license, k->term_len[2], k->term_hash[2], &r->license))
		return -1;
	return k->tag_keys ? take_tag_keys(b, r, k) : take_tags(b, kind, r, it);
}

int table_item_keys(const struct ht_item *it, struct ht_item_keys *k)
{
	if (!it || !it->id || !table_id_valid(it->id))
		return -1;
	k->id_len = strlen(it->id);
	k->id_hash = hash32(it->id, k->id_len);
	k->owner = owner_of(it, k->id_len, &k->owner_len);
	k->owner_hash = hash32(k->owner, k->owner_len);
	k->tag_keys = NULL;
	k->n_tag_keys = 0;
	k->oid_len = it->oid ? strlen(it->oid) : 0;
	k->oid_hash = k->oid_len ? hash32(it->oid, k->oid_len) : 0;
	{
		const char *t[3] = { it->pipeline, it->library, it->license };
		for (int i = 0; i < 3; i++) {
			size_t n = t[i] ? strlen(t[i]) : 0;
			/* A term is at most a few hundred bytes (listing.c's TEXT_MAX). */
			if (n > UINT32_MAX)
				return -1;
			k->term_len[i] = (uint32_t)n;
			k->term_hash[i] = n ? hash32(t[i], n) : 0;
		}
	}
	return 0;
}

int table_builder_add_keyed(struct ht_builder *b, enum ht_kind kind, const struct ht_item *it,
			    const struct ht_item_keys *k)
{
	struct strmap *ids;
	struct slot *e;
	struct brow *r;
	struct skey *sk;
	size_t row;
	int dup;

	if (!b || kind >= HT_KIND_COUNT || !it || !it->id)
		return -1;
	/* The look-ups miss the cache: start them together. */
	ids = &b->ids[kind];
	strmap_prefetch(ids, k->id_hash);
	strmap_prefetch(&b->accounts.map, k->owner_hash);
	if (k->oid_len) {
		strmap_prefetch(&b->oids[kind], k->oid_hash);
		dup = oid_seen(b, kind, it->oid, k->oid_len, k->oid_hash);
		if (dup)
			return dup;
	}
	e = strmap_find(ids, it->id, k->id_len, k->id_hash);
	if (e->key)
		return 1;
	/* Filling the row touches other maps only: e stays valid, and the id
	 * enters the map with its row once the row is whole. */
	row = b->rows[kind].n;
	r = vec_push(&b->rows[kind]);
	if (!r)
		return -1;
	if (fill_row(b, kind, r, it, k) != 0 ||
	    (r->id = pool_add(&b->pool, it->id, k->id_len)) == UINT32_MAX ||
	    !(sk = vec_push(&b->keys[kind]))) {
		b->rows[kind].n--;
		return -1;
	}
	/* Rows without a count sort after every row with one, a known 0
	 * included: they are a suffix of the ranks. */
	sk->dl = r->flags & HT_F_DL_UNKNOWN ? 0 : r->dl == UINT64_MAX ? UINT64_MAX : r->dl + 1;
	id_prefix(it->id, k->id_len, sk->pre);
	sk->id = r->id;
	sk->idx = (uint32_t)row;
	return strmap_put(ids, e, r->id, (uint32_t)row, k->id_hash);
}

/* Stage 1: the slot where a key of hash h is looked for first; stage 2
 * (once that slot is in cache): the key of the first slot of that hash,
 * which a look-up that finds it compares. */
static void strmap_prefetch_key(const struct strmap *m, uint32_t h, int stage)
{
	size_t i = h & (m->cap - 1);

	if (stage == 1) {
		__builtin_prefetch(&m->slot[i]);
		return;
	}
	for (;; i = (i + 1) & (m->cap - 1)) {
		const struct slot *e = &m->slot[i];
		if (!e->key)
			return;
		if (e->hash == h) {
			__builtin_prefetch(m->keys->buf + e->key - 1);
			return;
		}
	}
}

void table_builder_prefetch(const struct ht_builder *b, enum ht_kind kind, const struct ht_item_keys *k,
			    int stage)
{
	if (stage == 1) {
		strmap_prefetch(&b->ids[kind], k->id_hash);
		if (k->oid_len)
			strmap_prefetch(&b->oids[kind], k->oid_hash);
	}
	strmap_prefetch_key(&b->accounts.map, k->owner_hash, stage);
	for (size_t i = 0; k->tag_keys && i < k->n_tag_keys; i++)
		if (k->tag_keys[i].op == HT_TAG_LINK)
			strmap_prefetch_key(&b->bases.map, k->tag_keys[i].hash, stage);
}

int table_builder_reserve(struct ht_builder *b, enum ht_kind kind, size_t items)
{
	size_t cap;

	if (!b || kind >= HT_KIND_COUNT)
		return -1;
	/* strmap_put keeps a map at most half full. */
	for (cap = b->ids[kind].cap; cap / 2 < items + 1; cap *= 2)
		if (cap > SIZE_MAX / 4 / sizeof(struct slot))
			return -1;
	if (cap > b->ids[kind].cap && strmap_resize(&b->ids[kind], cap))
		return -1;
	for (cap = b->oids[kind].cap; cap / 2 < items + 1; cap *= 2)
		;
	if (cap > b->oids[kind].cap && strmap_resize(&b->oids[kind], cap))
		return -1;
	/* The rows and their keys in one block each, from the start on huge
	 * pages (a block grown by doubling keeps its first pages small).  A
	 * quarter more than asked: only the pages written take memory. */
	if (vec_reserve(&b->rows[kind], items + items / 4) || vec_reserve(&b->keys[kind], items + items / 4))
		return -1;
	/* The pools likewise, at the bytes a row has taken so far (when the
	 * pools hold rows of this kind alone). */
	if (b->rows[kind].n && !b->rows[kind == HT_MODELS ? HT_DATASETS : HT_MODELS].n) {
		double more = (double)(items + items / 4) / (double)b->rows[kind].n;
		if (pool_reserve(&b->pool, (double)b->pool.len * more) ||
		    pool_reserve(&b->scratch, (double)b->scratch.len * more))
			return -1;
	}
	return 0;
}

int table_builder_add(struct ht_builder *b, enum ht_kind kind, const struct ht_item *it)
{
	struct ht_item_keys k;

	if (!b || kind >= HT_KIND_COUNT || table_item_keys(it, &k) != 0)
		return -1;
	return table_builder_add_keyed(b, kind, it, &k);
}

int table_builder_set_account_kind(struct ht_builder *b, const char *account, enum ht_acct_kind kind)
{
	uint32_t idx;

	if (!b || !account || !table_id_valid(account) || strchr(account, '/'))
		return -1;
	if (intern(b, &b->accounts, account, strlen(account), &idx))
		return -1;
	((uint8_t *)b->acct_kind.p)[idx] = (uint8_t)kind;
	return 0;
}

uint64_t table_builder_count(const struct ht_builder *b, enum ht_kind kind)
{
	return b && kind < HT_KIND_COUNT ? b->rows[kind].n : 0;
}

/* 1 when a sorts before b: more downloads first, then by id. */
static int key_before(const struct skey *a, const struct skey *b, const char *pool)
{
	if (a->dl != b->dl)
		return a->dl > b->dl;
	if (a->pre[0] != b->pre[0])
		return a->pre[0] < b->pre[0];
	if (a->pre[1] != b->pre[1])
		return a->pre[1] < b->pre[1];
	if (a->pre[2] != b->pre[2])
		return a->pre[2] < b->pre[2];
	return strcmp(pool + a->id, pool + b->id) < 0;
}

/* Merge sort with the comparison inlined: two million rows take some forty
 * million comparisons.  Sorts a[0..n) into a, or into tmp when into_tmp;
 * the other array is scratch. */
static void sort_keys(struct skey *a, struct skey *tmp, size_t n, int into_tmp, const char *pool)
{
	const struct skey *src;
	struct skey *dst;
	size_t h = n / 2, i = 0, j = h, o = 0;

	if (n <= 16) {
		size_t x, y;
		for (x = 1; x < n; x++) {
			struct skey k = a[x];
			for (y = x; y > 0 && key_before(&k, &a[y - 1], pool); y--)
				a[y] = a[y - 1];
			a[y] = k;
		}
		if (into_tmp)
			memcpy(tmp, a, n * sizeof *a);
		return;
	}
	/* Each half sorted into the other array, then merged back. */
	sort_keys(a, tmp, h, !into_tmp, pool);
	sort_keys(a + h, tmp + h, n - h, !into_tmp, pool);
	src = into_tmp ? a : tmp;
	dst = into_tmp ? tmp : a;
	if (key_before(&src[h], &src[h - 1], pool)) {
		while (i < h && j < n)
			dst[o++] = key_before(&src[j], &src[i], pool) ? src[j++] : src[i++];
	}
	memcpy(dst + o, src + i, (h - i) * sizeof *src);
	memcpy(dst + o + (h - i), src + j, (n - j) * sizeof *src);
}

/* The accounts in name order: 350,000 names, sorted by their first eight
 * bytes and only on a tie by the names, read from the dict's packed copy
 * (a few MB) rather than from the pool where they lie among the ids. */
struct akey {
	uint64_t pre;            /* the first 8 bytes, big-endian, 0-padded */
	uint32_t key, no;        /* offset in the dict's keys; account number */
};

static int akey_before(const struct akey *a, const struct akey *b, const char *keys)
{
	if (a->pre != b->pre)
		return a->pre < b->pre;
	return strcmp(keys + a->key, keys + b->key) < 0;
}

/* Sorts a[0..n) into a (tmp: scratch of n). */
static void sort_akeys(struct akey *a, struct akey *tmp, size_t n, const char *keys)
{
	size_t h = n / 2, i = 0, j = h, o = 0;

	if (n <= 16) {
		for (size_t x = 1; x < n; x++) {
			struct akey k = a[x];
			size_t y;
			for (y = x; y > 0 && akey_before(&k, &a[y - 1], keys); y--)
				a[y] = a[y - 1];
			a[y] = k;
		}
		return;
	}
	sort_akeys(a, tmp, h, keys);
	sort_akeys(a + h, tmp + h, n - h, keys);
	if (!akey_before(&a[h], &a[h - 1], keys))
		return;
	memcpy(tmp, a, n * sizeof *a);
	while (i < h && j < n)
		a[o++] = akey_before(&tmp[j], &tmp[i], keys) ? tmp[j++] : tmp[i++];
	memcpy(a + o, tmp + i, (h - i) * sizeof *a);
	memcpy(a + o + (h - i), tmp + j, (n - j) * sizeof *a);
}

/* order[i]: the number of the i-th account by name.  -1 on out of memory. */
static int sort_accounts(const struct ht_builder *b, uint32_t *order)
{
	const struct strmap *m = &b->accounts.map;
	size_t na = b->accounts.str.n, n = 0;
	struct akey *a = malloc((na ? na : 1) * sizeof *a), *tmp = malloc((na ? na : 1) * sizeof *tmp);

	if (!a || !tmp) {
		free(a);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < m->cap && n < na; i++) {
		const char *k;
		unsigned char pre[8] = { 0 };
		if (!m->slot[i].key)
			continue;
		k = m->keys->buf + m->slot[i].key - 1;
		memcpy(pre, k, strnlen(k, sizeof pre));
		a[n].pre = load_be64(pre);
		a[n].key = m->slot[i].key - 1;
		a[n].no = m->slot[i].val;
		n++;
	}
	sort_akeys(a, tmp, n, m->keys->buf);
	for (size_t i = 0; i < n; i++)
		order[i] = a[i].no;
	free(a);
	free(tmp);
	return 0;
}

/* Allocates an array owned by the snapshot. */
static void *own(struct ht_snapshot *s, size_t n, size_t size)
{
	size_t i;
	void *p = calloc(n ? n : 1, size);

	if (!p)
		return NULL;
	huge_hint(p, n * size);
	for (i = 0; i < sizeof s->owned / sizeof s->owned[0]; i++) {
		if (!s->owned[i]) {
			s->owned[i] = p;
			return p;
		}
	}
	free(p);
	return NULL;
}

/* ---- finishing a table on two threads ---------------------------------------
 *
 * Past finish_min rows, the sort and the columns are made by this
 * thread and one more: each half sorted on its own thread, then both
 * threads merge, one from the front into the first half of the places and
 * one from the back into the second (ids are unique, so the order has no
 * ties and the two meet exactly), and each fills the columns of half the
 * rows.  The snapshot is the same as from one thread. */

static unsigned finish_threads = 2;      /* 1: this thread alone */
static size_t finish_min = 100000;       /* fewer rows: this thread alone */

void table_builder_tune(unsigned threads, size_t parallel_min)
{
	finish_threads = threads ? threads : 2;
	finish_min = parallel_min;
}

struct finish_job {
	const struct brow *rows;
	const char *pool;
	struct ht_table *t;
	const uint32_t *acct_map;
	uint32_t *row_of;
	struct skey *keys, *tmp;
	size_t n, h;             /* rows; the first half's */
	int failed;              /* the columns could not be allocated */
	pthread_barrier_t bar;
};

/* The columns of ranks lo..hi-1, from the sorted keys. */
static void finish_columns(struct finish_job *j, size_t lo, size_t hi)
{
	struct ht_table *t = j->t;
	for (size_t i = lo; i < hi; i++) {
		const struct brow *r = &j->rows[j->keys[i].idx];
		/* Rows are read in rank order, at random: the misses overlap. */
		if (i + 16 < hi) {
			const char *ahead = (const char *)&j->rows[j->keys[i + 16].idx];
			__builtin_prefetch(ahead);
			__builtin_prefetch(ahead + sizeof *r - 1);
		}
		if (j->row_of)
			j->row_of[j->keys[i].idx] = (uint32_t)i;
		t->id[i] = r->id;
		t->author[i] = j->acct_map[r->author];
		t->downloads[i] = r->dl;
		t->downloads_all[i] = r->dla;
		t->likes[i] = r->likes;
		t->trending[i] = r->trending;
		t->created[i] = r->created;
		t->modified[i] = r->modified;
		t->pipeline[i] = r->pipeline;
		t->library[i] = r->library;
		t->license[i] = r->license;
		t->flags[i] = r->flags;
		t->list_first[i] = r->list_count ? r->list_first : 0;
		t->list_count[i] = r->list_count;
		t->link_first[i] = r->link_count ? r->link_first : 0;
		t->link_count[i] = r->link_count;
		t->params[i] = r->params;
	}
}

/* The two sorted halves of tmp merged into keys: from the front, the
 * first h places (front), else from the back, the last n - h. */
static void finish_merge(struct finish_job *j, int front)
{
	const struct skey *src = j->tmp;
	struct skey *dst = j->keys;
	size_t h = j->h, n = j->n;
	if (front) {
		size_t i = 0, k = h, o = 0;
		while (o < h) {
			if (k < n && (i >= h || key_before(&src[k], &src[i], j->pool)))
				dst[o++] = src[k++];
			else
				dst[o++] = src[i++];
		}
	} else {
		/* i, k: one past the last of each half not yet placed. */
		size_t i = h, k = n, o = n;
		while (o > h) {
			if (i > 0 && (k == h || key_before(&src[k - 1], &src[i - 1], j->pool)))
				dst[--o] = src[--i];
			else
				dst[--o] = src[--k];
		}
	}
}

/* The second thread's part: the second half's sort, the merge
 * from the back, then (once the first thread has allocated them) the
 * second half's columns. */
static void *finish_helper(void *arg)
{
	struct finish_job *j = arg;
	sort_keys(j->keys + j->h, j->tmp + j->h, j->n - j->h, 1, j->pool);
	pthread_barrier_wait(&j->bar);
	finish_merge(j, 0);
	pthread_barrier_wait(&j->bar);
	pthread_barrier_wait(&j->bar);
	if (!j->failed)
		finish_columns(j, j->h, j->n);
	return NULL;
}

static int finish_alloc(struct ht_snapshot *s, struct ht_table *t, size_t n)
{
	return !(t->id = own(s, n, 4)) || !(t->author = own(s, n, 4)) || !(t->downloads = own(s, n, 8)) ||
	       !(t->downloads_all = own(s, n, 8)) || !(t->likes = own(s, n, 4)) ||
	       !(t->trending = own(s, n, 4)) || !(t->created = own(s, n, 8)) ||
	       !(t->modified = own(s, n, 8)) || !(t->pipeline = own(s, n, 4)) ||
	       !(t->library = own(s, n, 4)) || !(t->license = own(s, n, 4)) || !(t->flags = own(s, n, 1)) ||
	       !(t->list_first = own(s, n, 4)) || !(t->list_count = own(s, n, 4)) ||
	       !(t->link_first = own(s, n, 4)) || !(t->link_count = own(s, n, 4)) ||
	       !(t->params = own(s, n, 8)) ? -1 : 0;
}

/* Sorts the rows of kind k into the snapshot; row_of (may be NULL) receives
 * each build row's place. */
static int finish_table(struct ht_builder *b, struct ht_snapshot *s, enum ht_kind k,
			const uint32_t *acct_map, uint32_t *row_of)
{
	struct ht_table *t = &s->t[k];
	struct finish_job j;
	size_t n = b->rows[k].n;
	pthread_t th;
	int two;

	if (n > UINT32_MAX - 1)
		return -1;
	memset(&j, 0, sizeof j);
	j.rows = b->rows[k].p;
	j.pool = b->pool.buf;
	j.t = t;
	j.acct_map = acct_map;
	j.row_of = row_of;
	j.n = n;
	j.h = n / 2;
	/* The keys were made row by row: the builder hands them over. */
	j.keys = b->keys[k].p ? b->keys[k].p : malloc(sizeof *j.keys);
	b->keys[k].p = NULL;
	j.tmp = malloc((n ? n : 1) * sizeof *j.tmp);
	t->n = (uint32_t)n;
	if (!j.keys || !j.tmp) {
		free(j.keys);
		free(j.tmp);
		return -1;
	}
	huge_hint(j.tmp, n * sizeof *j.tmp);
	two = finish_threads > 1 && n >= finish_min && n >= 2;
	if (two && pthread_barrier_init(&j.bar, NULL, 2) != 0)
		two = 0;
	if (two && pthread_create(&th, NULL, finish_helper, &j) != 0) {
		pthread_barrier_destroy(&j.bar);
		two = 0;
	}
	/* The sort's scratch goes before the columns come: the peak is one
	 * array of keys lower. */
	if (two) {
		sort_keys(j.keys, j.tmp, j.h, 1, j.pool);
		pthread_barrier_wait(&j.bar);
		finish_merge(&j, 1);
		pthread_barrier_wait(&j.bar);
		free(j.tmp);
		j.failed = finish_alloc(s, t, n);
		pthread_barrier_wait(&j.bar);
		if (!j.failed)
			finish_columns(&j, 0, j.h);
		pthread_join(th, NULL);
		pthread_barrier_destroy(&j.bar);
	} else {
		sort_keys(j.keys, j.tmp, n, 0, j.pool);
		free(j.tmp);
		j.failed = finish_alloc(s, t, n);
		if (!j.failed)
			finish_columns(&j, 0, n);
	}
	free(j.keys);
	return j.failed ? -1 : 0;
}

/* Lineage links point at ids; resolving them to rows once, here, spares
 * every start-up a hash lookup per link.  One look-up per distinct base,
 * through the model ids map, which knows each id's build row: with the
 * hash the bases' map keeps, and the next look-ups' slots prefetched. */
struct base_probe {
	uint32_t hash, key, no;  /* in the bases' map: hash, offset in its keys, number */
};

static int finish_links(struct ht_builder *b, struct ht_snapshot *s, const uint32_t *model_row_of)
{
	const uint32_t *base_str = b->bases.str.p, *link_base = b->link_base.p;
	const struct strmap *bm = &b->bases.map, *ids = &b->ids[HT_MODELS];
	size_t nb = b->bases.str.n, i, n = 0;
	uint32_t *base_row = malloc((nb ? nb : 1) * sizeof *base_row);
	struct base_probe *p = malloc((nb ? nb : 1) * sizeof *p);

	if (!base_row || !p) {
		free(base_row);
		free(p);
		return -1;
	}
	for (i = 0; i < bm->cap && n < nb; i++) {
		if (!bm->slot[i].key)
			continue;
		p[n].hash = bm->slot[i].hash;
		p[n].key = bm->slot[i].key - 1;
		p[n].no = bm->slot[i].val;
		n++;
	}
	for (i = 0; i < n; i++) {
		const char *id = bm->keys->buf + p[i].key;
		size_t j = p[i].hash & (ids->cap - 1);
		if (i + 16 < n)
			strmap_prefetch(ids, p[i + 16].hash);
		for (;; j = (j + 1) & (ids->cap - 1)) {
			const struct slot *e = &ids->slot[j];
			if (!e->key) {
				base_row[p[i].no] = UINT32_MAX;
				break;
			}
			if (e->hash == p[i].hash && strcmp(ids->keys->buf + e->key - 1, id) == 0) {
				base_row[p[i].no] = model_row_of[e->val];
				break;
			}
		}
	}
	free(p);
	for (i = 0; i < s->n_links; i++) {
		s->link_base[i] = base_str[link_base[i]];
		s->link_row[i] = base_row[link_base[i]];
	}
	free(base_row);
	return 0;
}

struct ht_snapshot *table_builder_finish(struct ht_builder *b, const struct ht_meta *meta)
{
	struct ht_snapshot *s;
	uint32_t *map = NULL, *order = NULL, *model_row = NULL;
	size_t i, na;
	int k;

	if (!b)
		return NULL;
	/* The _ids only served to drop duplicates: their memory goes first. */
	for (k = 0; k < HT_KIND_COUNT; k++)
		strmap_free(&b->oids[k]);
	free(b->scratch.buf);
	b->scratch.buf = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		goto fail;
	if (meta)
		s->meta = *meta;
	s->meta.format_version = 2;
	s->meta.no_alltime = 0;
	for (k = 0; k < HT_KIND_COUNT; k++)
		if (b->rows[k].n && !b->dla_known[k])
			s->meta.no_alltime |= 1u << k;
	/* Without a date from the caller, the data's own latest date. */
	if (s->meta.as_of <= 0 && b->latest > 0) {
		s->meta.as_of = b->latest;
		s->meta.as_of_inferred = 1;
	}

	/* Accounts sorted by name so lookups can bisect; rows remapped. */
	na = b->accounts.str.n;
	map = malloc((na ? na : 1) * sizeof *map);
	order = malloc((na ? na : 1) * sizeof *order);
	if (!map || !order)
		goto fail;
	if (sort_accounts(b, order))
		goto fail;
	s->n_accounts = (uint32_t)na;
	s->acct_name = own(s, na, 4);
	s->acct_kind = own(s, na, 1);
	if (!s->acct_name || !s->acct_kind)
		goto fail;
	for (i = 0; i < na; i++) {
		map[order[i]] = (uint32_t)i;
		s->acct_name[i] = ((const uint32_t *)b->accounts.str.p)[order[i]];
		s->acct_kind[i] = ((const uint8_t *)b->acct_kind.p)[order[i]];
	}
	/* Where each model went, for the links. */
	model_row = malloc((b->rows[HT_MODELS].n ? b->rows[HT_MODELS].n : 1) * sizeof *model_row);
	if (!model_row || finish_table(b, s, HT_MODELS, map, model_row) ||
	    finish_table(b, s, HT_DATASETS, map, NULL))
		goto fail;

	s->n_terms = (uint32_t)b->terms.str.n;
	s->n_lists = (uint32_t)b->lists.n;
	s->n_links = (uint32_t)b->link_base.n;
	if (!(s->terms = own(s, s->n_terms, 4)) || !(s->lists = own(s, s->n_lists, 4)) ||
	    !(s->link_base = own(s, s->n_links, 4)) || !(s->link_rel = own(s, s->n_links, 1)) ||
	    !(s->link_row = own(s, s->n_links, 4)))
		goto fail;
	memcpy(s->terms, b->terms.str.p, s->n_terms * 4u);
	if (s->n_lists)
		memcpy(s->lists, b->lists.p, s->n_lists * 4u);
	if (s->n_links) {
		memcpy(s->link_rel, b->link_rel.p, s->n_links);
		if (finish_links(b, s, model_row) != 0)
			goto fail;
	}
	/* The pool moves to the snapshot as it is. */
	s->pool = b->pool.buf;
	s->pool_len = b->pool.len;
	b->pool.buf = NULL;
	for (i = 0; i < sizeof s->owned / sizeof s->owned[0]; i++) {
		if (!s->owned[i]) {
			s->owned[i] = s->pool;
			break;
		}
	}
	free(map);
	free(order);
	free(model_row);
	table_builder_free(b);
	return s;
fail:
	free(map);
	free(order);
	free(model_row);
	table_free(s);
	table_builder_free(b);
	return NULL;
}


void table_free(struct ht_snapshot *s)
{
	size_t i;
	int k;

	if (!s)
		return;
	for (i = 0; i < sizeof s->owned / sizeof s->owned[0]; i++)
		free(s->owned[i]);
	for (k = 0; k < HT_KIND_COUNT; k++)
		free(s->id_index[k]);
	if (s->blob) {
		if (s->blob_mapped)
			munmap(s->blob, s->blob_len);
		else
			free(s->blob);
	}
	free(s);
}

/* ---- ids and lookups ------------------------------------------------------ */

/* Character classes of ids: 1 plain (letter, digit, '_'), 2 '-' or '.',
 * 3 '/', 0 anything else; bytes >= 0x80 are checked as UTF-8. */
static const unsigned char id_class[256] = {
	['-'] = 2, ['.'] = 2, ['/'] = 3, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* Length of the allowed non-ASCII character at p, or 0: the one rule of
 * safetext.h (the string's NUL ends any sequence early, so reading stops). */
static size_t utf8_letter(const unsigned char *p)
{
	return safetext_char(p, 4);
}

/* 1 when p starts a well-formed UTF-8 sequence, whatever its character. */
static int utf8_wellformed(const unsigned char *p)
{
	unsigned c = p[0], need, i;

	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3;
	else
		return 0;
	for (i = 1; i <= need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return 1;
}

const char *table_id_problem(const char *id)
{
	const unsigned char *p = (const unsigned char *)id, *seg = p;
	int slashes = 0;

	if (!id || !*id)
		return "no id";
	for (;;) {
		unsigned c;
		/* Most bytes are plain: skip them in a tight loop. */
		while (id_class[*p] == 1)
			p++;
		c = *p;
		if (c == '\0' || c == '/') {
			/* A segment is non-empty and does not end with '-' or '.'. */
			if (p == seg)
				return "an empty part before or after '/' in its id";
			if (id_class[p[-1]] == 2)
				return "a part of its id ending in '-' or '.'";
			if (c == '\0')
				break;
			if (++slashes > 1)
				return "more than one '/' in its id (expected \"owner/name\")";
			seg = ++p;
		} else if (c >= 0x80) {
			size_t len = utf8_letter(p);
			if (!len)
				return utf8_wellformed(p) ? "a control or invisible formatting character in its id"
							  : "invalid UTF-8 in its id";
			p += len;
		} else if (id_class[c] == 2) {
			/* Not first in a segment; no "..". */
			if (p == seg)
				return "a part of its id starting with '-' or '.'";
			if (c == '.' && p[-1] == '.')
				return "\"..\" in its id";
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			return "a control character in its id";
		} else {
			return "a character in its id that ids never hold (only letters, digits, '-', '_', '.')";
		}
	}
	if (p - (const unsigned char *)id > HT_ID_MAX)
		return "an id longer than 1024 bytes";
	return NULL;
}

int table_id_valid(const char *id)
{
	return table_id_problem(id) == NULL;
}

int table_text_valid(const char *s, size_t max)
{
	return safetext_valid(s, max);
}

void table_owner_of(const char *id, char *buf, size_t len)
{
	const char *slash = strchr(id, '/');
	size_t n = slash ? (size_t)(slash - id) : strlen(id);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, id, n);
	buf[n] = '\0';
}

uint32_t table_find_account(const struct ht_snapshot *s, const char *name)
{
	uint32_t lo = 0, hi = s->n_accounts;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->pool + s->acct_name[mid], name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT32_MAX;
}

struct id_index {
	uint64_t mask;
	uint32_t slot[]; /* row + 1; 0 = empty */
};

uint32_t table_find_id(const struct ht_snapshot *cs, enum ht_kind k, const char *id)
{
	/* The index is a cache: building it does not change what the snapshot says. */
	struct ht_snapshot *s = (struct ht_snapshot *)cs;
	const struct ht_table *t = &s->t[k];
	struct id_index *ix = s->id_index[k];
	uint64_t i;

	if (!ix) {
		uint64_t cap = 16;
		uint32_t r;
		while (cap < (uint64_t)t->n * 2)
			cap *= 2;
		ix = calloc(1, sizeof *ix + cap * sizeof(uint32_t));
		if (!ix)
			return UINT32_MAX;
		ix->mask = cap - 1;
		for (r = 0; r < t->n; r++) {
			i = hash_str(s->pool + t->id[r]) & ix->mask;
			while (ix->slot[i])
				i = (i + 1) & ix->mask;
			ix->slot[i] = r + 1;
		}
		s->id_index[k] = ix;
	}
	i = hash_str(id) & ix->mask;
	while (ix->slot[i]) {
		uint32_t r = ix->slot[i] - 1;
		if (strcmp(s->pool + t->id[r], id) == 0)
			return r;
		i = (i + 1) & ix->mask;
	}
	return UINT32_MAX;
}

uint32_t table_find_term(const struct ht_snapshot *s, const char *t)
{
	uint32_t i;

	if (!t || !*t)
		return 0;
	for (i = 1; i < s->n_terms; i++)
		if (strcmp(s->pool + s->terms[i], t) == 0)
			return i;
	return 0;
}

/* ---- time ----------------------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
	int i, v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int64_t table_parse_time(const char *iso)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n;

	if (!iso || (n = strlen(iso)) < 10)
		return -1;
	if (digits(iso, 4, &y) || iso[4] != '-' || digits(iso + 5, 2, &mo) || iso[7] != '-' ||
	    digits(iso + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (iso[10] == 'T' || iso[10] == ' ') {
		if (n < 19 || digits(iso + 11, 2, &h) || iso[13] != ':' ||
		    digits(iso + 14, 2, &mi) || iso[16] != ':' || digits(iso + 17, 2, &sec))
			return -1;
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
	} else if (iso[10] != '\0') {
		return -1;
	}
	return civil_days(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
}

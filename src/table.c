/* table.c - string pool, builder and lookups of the in-memory data model. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hubtop/table.h"

/* ---- string pool and hash maps (build time) --------------------------- */

struct pool {
	char *buf;
	size_t len, cap;
};

static uint64_t hash_str(const char *s)
{
	/* FNV-1a with a final mix: cheap, good enough for open addressing. */
	uint64_t h = 1469598103934665603ull;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
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

/* Appends s; returns its offset or UINT32_MAX when the pool is full. */
static uint32_t pool_add(struct pool *p, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off;

	if (n == 1)
		return 0;
	if (p->len + n > UINT32_MAX)
		return UINT32_MAX;
	if (p->len + n > p->cap) {
		size_t cap = p->cap;
		char *nb;
		while (p->len + n > cap)
			cap *= 2;
		nb = realloc(p->buf, cap);
		if (!nb)
			return UINT32_MAX;
		p->buf = nb;
		p->cap = cap;
	}
	off = (uint32_t)p->len;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	return off;
}

/* Open-addressing map from pool strings to uint32 values.  Each slot keeps
 * its key's 32-bit hash, so probing rarely compares strings and growing never
 * rehashes them. */
struct strmap {
	uint32_t *key;   /* pool offset + 1; 0 = empty slot */
	uint32_t *val;
	uint32_t *hash;
	size_t cap, n;
};

static int strmap_init(struct strmap *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->key = calloc(cap, sizeof *m->key);
	m->val = malloc(cap * sizeof *m->val);
	m->hash = malloc(cap * sizeof *m->hash);
	return m->key && m->val && m->hash ? 0 : -1;
}

static void strmap_free(struct strmap *m)
{
	free(m->key);
	free(m->val);
	free(m->hash);
	m->key = m->val = m->hash = NULL;
}

static uint32_t hash32(const char *s)
{
	uint64_t h = hash_str(s);
	return (uint32_t)(h ^ (h >> 32));
}

/* Slot of s (hash h): either its slot or the empty slot where it belongs. */
static size_t strmap_slot_h(const struct strmap *m, const char *pool, const char *s, uint32_t h)
{
	size_t i = h & (m->cap - 1);
	while (m->key[i] && (m->hash[i] != h || strcmp(pool + m->key[i] - 1, s) != 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static size_t strmap_slot(const struct strmap *m, const char *pool, const char *s)
{
	return strmap_slot_h(m, pool, s, hash32(s));
}

static int strmap_grow(struct strmap *m)
{
	struct strmap g;
	size_t i;

	if (strmap_init(&g, m->cap * 2) != 0) {
		strmap_free(&g);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;
		if (!m->key[i])
			continue;
		j = m->hash[i] & (g.cap - 1);
		while (g.key[j])
			j = (j + 1) & (g.cap - 1);
		g.key[j] = m->key[i];
		g.val[j] = m->val[i];
		g.hash[j] = m->hash[i];
	}
	g.n = m->n;
	strmap_free(m);
	*m = g;
	return 0;
}

/* Fills the empty slot found for a key of hash h; grows past half full. */
static int strmap_put(struct strmap *m, size_t slot, uint32_t off, uint32_t val, uint32_t h)
{
	m->key[slot] = off + 1;
	m->val[slot] = val;
	m->hash[slot] = h;
	m->n++;
	return m->n * 2 > m->cap ? strmap_grow(m) : 0;
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
		v->p = np;
		v->cap = cap;
	}
	return (char *)v->p + v->size * v->n++;
}

struct ht_builder {
	struct pool pool;
	struct strmap accounts;  /* name -> account index */
	struct strmap terms;     /* term -> term index */
	struct strmap ids[HT_KIND_COUNT];  /* id (main pool) -> 1 */
	struct strmap oids[HT_KIND_COUNT]; /* _id (scratch pool) -> 1 */
	struct strmap bases;     /* base model id -> its pool offset, shared by all links */
	struct vec acct_name;    /* uint32_t */
	struct vec acct_kind;    /* uint8_t */
	struct vec term_str;     /* uint32_t */
	struct vec rows[HT_KIND_COUNT];
	struct vec lists;        /* uint32_t */
	struct vec link_base;    /* uint32_t */
	struct vec link_rel;     /* uint8_t */
	struct pool scratch;     /* oids: kept apart so they never reach the snapshot */
};

struct ht_builder *table_builder_new(void)
{
	struct ht_builder *b = calloc(1, sizeof *b);
	int k;

	if (!b)
		return NULL;
	if (pool_init(&b->pool) || pool_init(&b->scratch) || strmap_init(&b->accounts, 1024) ||
	    strmap_init(&b->terms, 1024) || strmap_init(&b->bases, 1024))
		goto fail;
	for (k = 0; k < HT_KIND_COUNT; k++) {
		if (strmap_init(&b->ids[k], 4096) || strmap_init(&b->oids[k], 16))
			goto fail;
		b->rows[k].size = sizeof(struct brow);
	}
	b->acct_name.size = sizeof(uint32_t);
	b->acct_kind.size = 1;
	b->term_str.size = sizeof(uint32_t);
	b->lists.size = sizeof(uint32_t);
	b->link_base.size = sizeof(uint32_t);
	b->link_rel.size = 1;
	/* Term 0 is the empty term, so 0 can mean "none" in every column. */
	{
		uint32_t *t = vec_push(&b->term_str);
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
	strmap_free(&b->accounts);
	strmap_free(&b->terms);
	strmap_free(&b->bases);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		strmap_free(&b->ids[k]);
		strmap_free(&b->oids[k]);
		free(b->rows[k].p);
	}
	free(b->acct_name.p);
	free(b->acct_kind.p);
	free(b->term_str.p);
	free(b->lists.p);
	free(b->link_base.p);
	free(b->link_rel.p);
	free(b);
}

/* Index of s in map m (interning into the pool and names vector). */
static int intern(struct ht_builder *b, struct strmap *m, struct vec *names, const char *s,
		  uint32_t *out)
{
	size_t slot;
	uint32_t off, *np, h;

	if (!*s && m == &b->terms) {
		*out = 0;
		return 0;
	}
	h = hash32(s);
	slot = strmap_slot_h(m, b->pool.buf, s, h);
	if (m->key[slot]) {
		*out = m->val[slot];
		return 0;
	}
	off = pool_add(&b->pool, s);
	if (off == UINT32_MAX)
		return -1;
	np = vec_push(names);
	if (!np)
		return -1;
	*np = off;
	*out = (uint32_t)(names->n - 1);
	if (m == &b->accounts) {
		uint8_t *kind = vec_push(&b->acct_kind);
		if (!kind)
			return -1;
		*kind = HT_ACCT_UNCHECKED;
	}
	return strmap_put(m, slot, off, *out, h);
}

static int term(struct ht_builder *b, const char *s, uint32_t *out)
{
	if (!s) {
		*out = 0;
		return 0;
	}
	return intern(b, &b->terms, &b->term_str, s, out);
}

/* Marks an _id as seen for kind; returns 1 if it was already. */
static int oid_seen(struct ht_builder *b, enum ht_kind kind, const char *oid)
{
	struct strmap *m = &b->oids[kind];
	uint32_t h = hash32(oid), off;
	size_t slot = strmap_slot_h(m, b->scratch.buf, oid, h);

	if (m->key[slot])
		return 1;
	off = pool_add(&b->scratch, oid);
	if (off == UINT32_MAX)
		return -1;
	return strmap_put(m, slot, off, 1, h);
}

/* Adds the id to the pool unless kind has it already (returns 1 then). */
static int id_add(struct ht_builder *b, enum ht_kind kind, const char *id, uint32_t *off)
{
	struct strmap *m = &b->ids[kind];
	uint32_t h = hash32(id);
	size_t slot = strmap_slot_h(m, b->pool.buf, id, h);

	if (m->key[slot])
		return 1;
	*off = pool_add(&b->pool, id);
	if (*off == UINT32_MAX)
		return -1;
	return strmap_put(m, slot, *off, 1, h);
}

/* A base model id, stored once however many derivatives name it. */
static uint32_t base_off(struct ht_builder *b, const char *base)
{
	uint32_t h = hash32(base), off;
	size_t slot = strmap_slot_h(&b->bases, b->pool.buf, base, h);

	if (b->bases.key[slot])
		return b->bases.val[slot];
	off = pool_add(&b->pool, base);
	if (off == UINT32_MAX || strmap_put(&b->bases, slot, off, off, h) != 0)
		return UINT32_MAX;
	return off;
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

/* Adds or upgrades a base-model link of the row being built. */
static int add_link(struct ht_builder *b, struct brow *r, const char *base, int rel)
{
	uint32_t *bases = b->link_base.p;
	uint8_t *rels = b->link_rel.p;
	uint32_t i, off, *np;
	uint8_t *rp;

	if (!table_id_valid(base))
		return 0;
	for (i = r->link_first; i < r->link_first + r->link_count; i++) {
		if (strcmp(b->pool.buf + bases[i], base) == 0) {
			if (rels[i] == HT_REL_UNSPECIFIED)
				rels[i] = (uint8_t)rel;
			return 0;
		}
	}
	if (r->link_count >= 255)
		return 0;
	off = base_off(b, base);
	if (off == UINT32_MAX)
		return -1;
	np = vec_push(&b->link_base);
	rp = vec_push(&b->link_rel);
	if (!np || !rp)
		return -1;
	*np = off;
	*rp = (uint8_t)rel;
	r->link_count++;
	return 0;
}

static int add_list_term(struct ht_builder *b, struct brow *r, const char *t)
{
	uint32_t idx, *np, i;
	uint32_t *lists = b->lists.p;

	if (term(b, t, &idx))
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

/* The tags the model keeps: lineage, licence, dataset tasks and languages. */
static int take_tags(struct ht_builder *b, enum ht_kind kind, struct brow *r, const struct ht_item *it)
{
	size_t i, n = it->n_tags < HT_ITEM_MAX_TAGS ? it->n_tags : HT_ITEM_MAX_TAGS;

	r->link_first = (uint32_t)b->link_base.n;
	r->list_first = (uint32_t)b->lists.n;
	for (i = 0; i < n; i++) {
		const char *t = it->tags[i];
		if (!t)
			continue;
		if (kind == HT_MODELS && strncmp(t, "base_model:", 11) == 0) {
			const char *rest = t + 11, *colon = strchr(rest, ':');
			int rel = colon ? rel_from(rest, (size_t)(colon - rest)) : 0;
			if (colon && rel) {
				if (add_link(b, r, colon + 1, rel))
					return -1;
			} else if (!colon) {
				if (add_link(b, r, rest, HT_REL_UNSPECIFIED))
					return -1;
			}
		} else if (strncmp(t, "license:", 8) == 0) {
			if (!r->license && term(b, t + 8, &r->license))
				return -1;
		} else if (kind == HT_DATASETS && strncmp(t, "task_categories:", 16) == 0) {
			if (!r->pipeline && term(b, t + 16, &r->pipeline))
				return -1;
			if (add_list_term(b, r, t))
				return -1;
		} else if (kind == HT_DATASETS && strncmp(t, "language:", 9) == 0) {
			if (add_list_term(b, r, t))
				return -1;
		}
	}
	return 0;
}

int table_builder_add(struct ht_builder *b, enum ht_kind kind, const struct ht_item *it)
{
	char owner[256];
	struct brow r;
	struct brow *slot;
	int dup;

	if (!b || kind >= HT_KIND_COUNT || !it || !it->id || !table_id_valid(it->id))
		return -1;
	if (it->oid && *it->oid) {
		dup = oid_seen(b, kind, it->oid);
		if (dup)
			return dup;
	}
	memset(&r, 0, sizeof r);
	dup = id_add(b, kind, it->id, &r.id);
	if (dup)
		return dup;
	if (it->author && *it->author && table_id_valid(it->author) && !strchr(it->author, '/'))
		snprintf(owner, sizeof owner, "%s", it->author);
	else
		table_owner_of(it->id, owner, sizeof owner);
	if (intern(b, &b->accounts, &b->acct_name, owner, &r.author))
		return -1;
	r.dl = it->downloads;
	r.dla = it->downloads_all;
	r.likes = it->likes;
	r.trending = it->trending;
	r.created = it->created > 0 ? it->created : 0;
	r.modified = it->modified > 0 ? it->modified : 0;
	r.flags = it->flags;
	if (term(b, it->pipeline, &r.pipeline) || term(b, it->library, &r.library) ||
	    term(b, it->license, &r.license))
		return -1;
	if (take_tags(b, kind, &r, it))
		return -1;
	slot = vec_push(&b->rows[kind]);
	if (!slot)
		return -1;
	*slot = r;
	return 0;
}

int table_builder_set_account_kind(struct ht_builder *b, const char *account, enum ht_acct_kind kind)
{
	uint32_t idx;

	if (!b || !account || !table_id_valid(account) || strchr(account, '/'))
		return -1;
	if (intern(b, &b->accounts, &b->acct_name, account, &idx))
		return -1;
	((uint8_t *)b->acct_kind.p)[idx] = (uint8_t)kind;
	return 0;
}

uint64_t table_builder_count(const struct ht_builder *b, enum ht_kind kind)
{
	return b && kind < HT_KIND_COUNT ? b->rows[kind].n : 0;
}

/* Sort keys: small, so the sort moves 16 bytes a row, not the whole row. */
struct skey {
	uint64_t dl;
	uint32_t id, idx;
};

static int cmp_keys(const void *pa, const void *pb, void *ctx)
{
	const struct skey *a = pa, *b = pb;
	const char *pool = ctx;

	if (a->dl != b->dl)
		return a->dl > b->dl ? -1 : 1;
	return strcmp(pool + a->id, pool + b->id);
}

static int cmp_acct(const void *pa, const void *pb, void *ctx)
{
	const uint32_t *a = pa, *b = pb;
	const char *pool = ctx;
	return strcmp(pool + *a, pool + *b);
}

/* Allocates an array owned by the snapshot. */
static void *own(struct ht_snapshot *s, size_t n, size_t size)
{
	size_t i;
	void *p = calloc(n ? n : 1, size);

	if (!p)
		return NULL;
	for (i = 0; i < sizeof s->owned / sizeof s->owned[0]; i++) {
		if (!s->owned[i]) {
			s->owned[i] = p;
			return p;
		}
	}
	free(p);
	return NULL;
}

static int finish_table(struct ht_builder *b, struct ht_snapshot *s, enum ht_kind k,
			const uint32_t *acct_map)
{
	struct ht_table *t = &s->t[k];
	const struct brow *rows = b->rows[k].p;
	size_t i, n = b->rows[k].n;
	struct skey *keys;

	if (n > UINT32_MAX - 1)
		return -1;
	keys = malloc((n ? n : 1) * sizeof *keys);
	if (!keys)
		return -1;
	for (i = 0; i < n; i++) {
		keys[i].dl = rows[i].dl;
		keys[i].id = rows[i].id;
		keys[i].idx = (uint32_t)i;
	}
	if (n)
		qsort_r(keys, n, sizeof *keys, cmp_keys, b->pool.buf);
	t->n = (uint32_t)n;
	if (!(t->id = own(s, n, 4)) || !(t->author = own(s, n, 4)) ||
	    !(t->downloads = own(s, n, 8)) || !(t->downloads_all = own(s, n, 8)) ||
	    !(t->likes = own(s, n, 4)) || !(t->trending = own(s, n, 4)) ||
	    !(t->created = own(s, n, 8)) || !(t->modified = own(s, n, 8)) ||
	    !(t->pipeline = own(s, n, 4)) || !(t->library = own(s, n, 4)) ||
	    !(t->license = own(s, n, 4)) || !(t->flags = own(s, n, 1)) ||
	    !(t->list_first = own(s, n, 4)) || !(t->list_count = own(s, n, 4)) ||
	    !(t->link_first = own(s, n, 4)) || !(t->link_count = own(s, n, 4))) {
		free(keys);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct brow *r = &rows[keys[i].idx];
		t->id[i] = r->id;
		t->author[i] = acct_map[r->author];
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
	}
	free(keys);
	return 0;
}

/* Lineage links point at ids; resolving them to rows once, here, spares
 * every start-up a hash lookup per link. */
static int resolve_link_rows(struct ht_builder *b, struct ht_snapshot *s)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	struct strmap m;
	size_t cap = 16, i;

	while (cap < (size_t)t->n * 2)
		cap *= 2;
	if (strmap_init(&m, cap) != 0) {
		strmap_free(&m);
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		const char *id = b->pool.buf + t->id[i];
		uint32_t h = hash32(id);
		size_t slot = strmap_slot_h(&m, b->pool.buf, id, h);
		m.key[slot] = t->id[i] + 1;
		m.val[slot] = (uint32_t)i;
		m.hash[slot] = h;
	}
	for (i = 0; i < s->n_links; i++) {
		size_t slot = strmap_slot(&m, b->pool.buf, b->pool.buf + s->link_base[i]);
		s->link_row[i] = m.key[slot] ? m.val[slot] : UINT32_MAX;
	}
	strmap_free(&m);
	return 0;
}

struct ht_snapshot *table_builder_finish(struct ht_builder *b, const struct ht_meta *meta)
{
	struct ht_snapshot *s;
	uint32_t *map = NULL;
	size_t i, na;
	int k;

	if (!b)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		goto fail;
	if (meta)
		s->meta = *meta;
	s->meta.format_version = 1;

	/* Accounts sorted by name so lookups can bisect; rows remapped. */
	na = b->acct_name.n;
	map = malloc((na ? na : 1) * sizeof *map);
	if (!map)
		goto fail;
	{
		/* Sort indexes by name: compare through the names vector. */
		uint32_t *names = b->acct_name.p;
		uint32_t *offs = malloc((na ? na : 1) * sizeof *offs);
		if (!offs)
			goto fail;
		if (na)
			memcpy(offs, names, na * sizeof *offs);
		qsort_r(offs, na, sizeof *offs, cmp_acct, b->pool.buf);
		s->n_accounts = (uint32_t)na;
		s->acct_name = own(s, na, 4);
		s->acct_kind = own(s, na, 1);
		if (!s->acct_name || !s->acct_kind) {
			free(offs);
			goto fail;
		}
		for (i = 0; i < na; i++) {
			/* The account's build index is found through the name map. */
			size_t slot = strmap_slot(&b->accounts, b->pool.buf, b->pool.buf + offs[i]);
			uint32_t old = b->accounts.val[slot];
			map[old] = (uint32_t)i;
			s->acct_name[i] = offs[i];
			s->acct_kind[i] = ((uint8_t *)b->acct_kind.p)[old];
		}
		free(offs);
	}
	for (k = 0; k < HT_KIND_COUNT; k++)
		if (finish_table(b, s, (enum ht_kind)k, map))
			goto fail;

	s->n_terms = (uint32_t)b->term_str.n;
	s->n_lists = (uint32_t)b->lists.n;
	s->n_links = (uint32_t)b->link_base.n;
	if (!(s->terms = own(s, s->n_terms, 4)) || !(s->lists = own(s, s->n_lists, 4)) ||
	    !(s->link_base = own(s, s->n_links, 4)) || !(s->link_rel = own(s, s->n_links, 1)) ||
	    !(s->link_row = own(s, s->n_links, 4)))
		goto fail;
	memcpy(s->terms, b->term_str.p, s->n_terms * 4u);
	if (s->n_lists)
		memcpy(s->lists, b->lists.p, s->n_lists * 4u);
	if (s->n_links) {
		memcpy(s->link_base, b->link_base.p, s->n_links * 4u);
		memcpy(s->link_rel, b->link_rel.p, s->n_links);
		if (resolve_link_rows(b, s) != 0)
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
	table_builder_free(b);
	return s;
fail:
	free(map);
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
 * 3 '/', 0 anything else ASCII; bytes >= 0x80 are checked as UTF-8. */
static const unsigned char id_class[128] = {
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

/* Length of a valid UTF-8 sequence for a printable non-ASCII character at p,
 * or 0.  C1 controls and the bidirectional and zero-width formatting
 * characters are refused: they can disguise what a terminal shows. */
static size_t utf8_letter(const unsigned char *p)
{
	unsigned c = p[0], cp, need, i;

	if (c >= 0xc2 && c <= 0xdf)
		need = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0xa0 || cp == 0xad || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb))
		return 0;
	return need + 1;
}

int table_id_valid(const char *id)
{
	const unsigned char *p = (const unsigned char *)id;
	size_t n = 0, seg = 0, slashes = 0;
	unsigned prev = 3; /* as if after a '/': a segment may not start with '-' or '.' */

	if (!id)
		return 0;
	for (;; p++, n++) {
		unsigned c = *p, cls;
		if (c == '\0' || c == '/') {
			/* A segment is non-empty and does not end with '-' or '.'. */
			if (seg == 0 || prev == 2)
				return 0;
			if (c == '\0')
				break;
			if (++slashes > 1)
				return 0;
			seg = 0;
			prev = 3;
			continue;
		}
		if (c >= 0x80) {
			size_t len = utf8_letter(p);
			if (!len)
				return 0;
			p += len - 1;
			n += len - 1;
			seg += len;
			prev = 1;
			continue;
		}
		cls = id_class[c];
		if (!cls || (cls == 2 && prev >= 2 && (prev == 3 || (c == '.' && p[-1] == '.'))))
			return 0;
		prev = cls;
		seg++;
	}
	return n > 0 && n <= 200;
}

int table_text_valid(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (!s)
		return 0;
	while (*p) {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return 0;
			p++;
			n++;
		} else {
			size_t len = utf8_letter(p);
			if (!len)
				return 0;
			p += len;
			n += len;
		}
		if (n > max)
			return 0;
	}
	return 1;
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

/* Days since 1970-01-01 of a proleptic Gregorian date (no TZ, no locale). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

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

	if (!iso || strlen(iso) < 10)
		return -1;
	if (digits(iso, 4, &y) || iso[4] != '-' || digits(iso + 5, 2, &mo) || iso[7] != '-' ||
	    digits(iso + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (iso[10] == 'T' || iso[10] == ' ') {
		if (strlen(iso) < 19 || digits(iso + 11, 2, &h) || iso[13] != ':' ||
		    digits(iso + 14, 2, &mi) || iso[16] != ':' || digits(iso + 17, 2, &sec))
			return -1;
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
	} else if (iso[10] != '\0') {
		return -1;
	}
	return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
}

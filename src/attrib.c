/* attrib.c - who each item counts for: by uploader, or by lineage back to
 * the root base model, and that account's country, group and type.
 *
 * Lineage, for a model x0: follow the FIRST base of each model, x0 -> x1 ->
 * ..., and stop at the first of:
 *   - a model with no base: it is the root, its uploader counts;
 *   - a base that is not in the snapshot: its owner (the part of its id
 *     before '/') counts (ATTRIB_LIN_MISSING);
 *   - a base already met on this chain: stop at the last new id, whose
 *     uploader counts (ATTRIB_LIN_CYCLE);
 *   - ATTRIB_MAX_DEPTH links followed: the model reached counts.
 * depth = links followed (a missing base counts as one).  ATTRIB_LIN_MULTI:
 * some model of the chain, the root included, lists several bases.
 *
 * Cost: one array read per link (links are resolved to rows when the
 * snapshot is built), then each model's result is derived
 * from its base's (memoised, iterative walk with an explicit path).  Only
 * chains deeper than ATTRIB_MAX_DEPTH, which the Hub does not have, fall
 * back to a walk of at most ATTRIB_MAX_DEPTH steps per model.
 */
#include "hubtop/attrib.h"

#include <stdlib.h>
#include <string.h>

/* parent[] encoding: a row, no base, or a missing base with its owner's
 * account index in the low 31 bits. */
#define P_NONE UINT32_MAX
#define P_MISSING 0x80000000u
#define P_IS_ROW(p) ((p) < P_MISSING)
#define P_ACCT(p) ((p) & 0x7fffffffu)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct attrib_priv {
	uint32_t n_models;
	uint32_t n_snap_accounts;
	uint32_t *parent;        /* per model, see P_* */
	uint32_t *children;      /* per model: direct derivatives */
	uint32_t *slot;          /* account hash: index + 1, 0 empty */
	size_t slot_cap;
	const char **names;      /* growing list, becomes a->acct_name */
	uint32_t *hash;          /* orgdir_name_hash of each name (names_cap entries) */
	size_t n_names, names_cap;
	struct chunk *chunks;    /* extra account names */
	uint32_t *stamp;         /* capped walks: cycle detection */
};


static int acct_rehash(struct attrib_priv *p, size_t want)
{
	size_t cap = 64;
	uint32_t *slot;
	while (cap < want * 2)
		cap *= 2;
	slot = calloc(cap, sizeof *slot);
	if (!slot)
		return -1;
	free(p->slot);
	p->slot = slot;
	p->slot_cap = cap;
	for (size_t i = 0; i < p->n_names; i++) {
		size_t h = p->hash[i] & (cap - 1);
		while (slot[h]) {
			/* Two accounts equal but for case: the first keeps the slot. */
			uint32_t o = slot[h] - 1;
			if (p->hash[o] == p->hash[i] && orgdir_name_eq(p->names[o], p->names[i]))
				break;
			h = (h + 1) & (cap - 1);
		}
		if (!slot[h])
			slot[h] = (uint32_t)i + 1;
	}
	return 0;
}

static uint32_t acct_find(const struct attrib_priv *p, const char *name, uint32_t hv)
{
	size_t h = hv & (p->slot_cap - 1);
	while (p->slot[h]) {
		uint32_t i = p->slot[h] - 1;
		if (p->hash[i] == hv && orgdir_name_eq(p->names[i], name))
			return i;
		h = (h + 1) & (p->slot_cap - 1);
	}
	return UINT32_MAX;
}

/* Account index of name, adding it as an extra account if new. */
static uint32_t acct_intern(struct attrib_priv *p, const char *name)
{
	uint32_t hv = orgdir_name_hash(name), i = acct_find(p, name, hv);
	size_t len = strlen(name), h;
	struct chunk *c = p->chunks;
	char *copy;
	if (i != UINT32_MAX)
		return i;
	if (p->n_names >= 0x7fffffffu)
		return UINT32_MAX;
	if (p->n_names == p->names_cap) {
		size_t cap = p->names_cap * 2 + 64;
		const char **nn = realloc(p->names, cap * sizeof *nn);
		uint32_t *nh;
		if (!nn)
			return UINT32_MAX;
		p->names = nn;
		nh = realloc(p->hash, cap * sizeof *nh);
		if (!nh)
			return UINT32_MAX;
		p->hash = nh;
		p->names_cap = cap;
	}
	if ((p->n_names + 1) * 2 > p->slot_cap && acct_rehash(p, p->n_names + 1) < 0)
		return UINT32_MAX;
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > 16384 ? len + 1 : 16384;
		c = malloc(sizeof *c + cap);
		if (!c)
			return UINT32_MAX;
		c->used = 0;
		c->cap = cap;
		c->next = p->chunks;
		p->chunks = c;
	}
	copy = c->data + c->used;
	memcpy(copy, name, len + 1);
	c->used += len + 1;
	p->names[p->n_names] = copy;
	p->hash[p->n_names] = hv;
	h = hv & (p->slot_cap - 1);
	while (p->slot[h])
		h = (h + 1) & (p->slot_cap - 1);
	p->slot[h] = (uint32_t)p->n_names + 1;
	return (uint32_t)p->n_names++;
}

/* Resolves every model's first base (parent) and counts direct children.
 * Returns -1 on out of memory. */
static int resolve_links(struct attrib_priv *p, const struct ht_snapshot *s)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	char owner[256];
	for (uint32_t r = 0; r < t->n; r++) {
		uint32_t first = t->link_first[r], cnt = t->link_count[r];
		/* Links are stored in arrival order, rows by downloads: fetch ahead. */
		if (r + 16 < t->n && t->link_count[r + 16])
			__builtin_prefetch(&s->link_row[t->link_first[r + 16]]);
		if (r + 8 < t->n && t->link_count[r + 8]) {
			uint32_t b8 = s->link_row[t->link_first[r + 8]];
			if (b8 < t->n)
				__builtin_prefetch(&p->children[b8], 1);
		}
		p->parent[r] = P_NONE;
		for (uint32_t j = 0; j < cnt; j++) {
			uint32_t b = s->link_row[first + j], k;
			int dup = 0;
			/* A resolved base is a model id, never empty: the pool (a
			 * cache miss per link) is read only for missing bases. */
			if (b == UINT32_MAX && !ht_str(s, s->link_base[first + j])[0])
				continue;
			if (j == 0) {
				if (b != UINT32_MAX) {
					p->parent[r] = b;
				} else {
					uint32_t acc;
					table_owner_of(ht_str(s, s->link_base[first + j]), owner, sizeof owner);
					if (owner[0]) {
						acc = acct_intern(p, owner);
						if (acc == UINT32_MAX)
							return -1;
						p->parent[r] = P_MISSING | acc;
					}
				}
			}
			if (b == UINT32_MAX || b == r)
				continue;
			/* A model naming the same base twice is one child. */
			for (k = 0; k < j && !dup; k++)
				dup = s->link_row[first + k] == b;
			if (!dup)
				p->children[b]++;
		}
	}
	return 0;
}

struct lin {
	uint32_t *acct;    /* a->item_acct[HT_MODELS][ATTRIB_LINEAGE] */
	uint8_t *depth;
	uint8_t *flags;
	uint8_t *state;    /* 0 new, 1 on the current path, 2 done */
	uint32_t *pos;     /* position on the current path */
	uint32_t *path;
};

static uint8_t multi_of(const struct ht_snapshot *s, uint32_t r)
{
	return s->t[HT_MODELS].link_count[r] > 1 ? ATTRIB_LIN_MULTI : 0;
}

/* The definition itself, bounded by ATTRIB_MAX_DEPTH steps. */
static void walk_bounded(const struct attrib_priv *p, const struct ht_snapshot *s, struct lin *l,
			 uint32_t *stamp, uint32_t r)
{
	uint32_t x = r, k = 0;
	uint8_t flags = 0;
	for (;;) {
		uint32_t par = p->parent[x];
		stamp[x] = r + 1;
		flags |= multi_of(s, x);
		if (k == ATTRIB_MAX_DEPTH || par == P_NONE) {
			l->acct[r] = s->t[HT_MODELS].author[x];
			break;
		}
		if (!P_IS_ROW(par)) {
			l->acct[r] = P_ACCT(par);
			flags |= ATTRIB_LIN_MISSING;
			k++;
			break;
		}
		if (stamp[par] == r + 1) {
			l->acct[r] = s->t[HT_MODELS].author[x];
			flags |= ATTRIB_LIN_CYCLE;
			break;
		}
		x = par;
		k++;
	}
	l->depth[r] = (uint8_t)k;
	l->flags[r] = flags;
}

static int lineage(struct attrib_priv *p, const struct ht_snapshot *s, struct lin *l)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t n = t->n;

	for (uint32_t r = 0; r < n; r++) {
		uint32_t len = 0, x = r, stop;
		if (r + 16 < n && P_IS_ROW(p->parent[r + 16])) {
			/* A base is anywhere in the table: fetch what its
			 * derivative will read of it. */
			uint32_t b = p->parent[r + 16];
			__builtin_prefetch(&l->state[b]);
			__builtin_prefetch(&l->acct[b]);
			__builtin_prefetch(&l->depth[b]);
			__builtin_prefetch(&l->flags[b]);
		}
		if (l->state[r] == 2)
			continue;
		/* Walk up until a model whose result is known or can be set. */
		for (;;) {
			uint32_t par = p->parent[x];
			l->state[x] = 1;
			l->pos[x] = len;
			l->path[len++] = x;
			if (par == P_NONE || !P_IS_ROW(par)) {
				int missing = par != P_NONE;
				l->acct[x] = missing ? P_ACCT(par) : t->author[x];
				l->depth[x] = missing ? 1 : 0;
				l->flags[x] = (uint8_t)(multi_of(s, x) | (missing ? ATTRIB_LIN_MISSING : 0));
				l->state[x] = 2;
				len--;
				break;
			}
			if (l->state[par] == 2)
				break;
			if (l->state[par] == 1) {
				/* Cycle path[c0..len-1]: from member o the chain runs
				 * round to its predecessor, c-1 links. */
				uint32_t c0 = l->pos[par], c = len - c0;
				uint8_t mf = 0;
				for (uint32_t i = c0; i < len; i++)
					mf |= multi_of(s, l->path[i]);
				for (uint32_t o = 0; o < c; o++) {
					uint32_t m = l->path[c0 + o];
					if (c - 1 > ATTRIB_MAX_DEPTH) {
						if (!p->stamp)
							return -1;
						walk_bounded(p, s, l, p->stamp, m);
					} else {
						uint32_t root = l->path[c0 + (o + c - 1) % c];
						l->acct[m] = t->author[root];
						l->depth[m] = (uint8_t)(c - 1);
						l->flags[m] = (uint8_t)(mf | ATTRIB_LIN_CYCLE);
					}
				}
				for (uint32_t o = 0; o < c; o++)
					l->state[l->path[c0 + o]] = 2;
				len = c0;
				break;
			}
			x = par;
		}
		/* Unwind: each model's result is its base's, one link longer. */
		stop = len;
		while (stop-- > 0) {
			uint32_t m = l->path[stop], y = p->parent[m];
			if (l->depth[y] >= ATTRIB_MAX_DEPTH) {
				if (!p->stamp)
					return -1;
				walk_bounded(p, s, l, p->stamp, m);
			} else {
				l->acct[m] = l->acct[y];
				l->depth[m] = (uint8_t)(l->depth[y] + 1);
				l->flags[m] = (uint8_t)(l->flags[y] | multi_of(s, m));
			}
			l->state[m] = 2;
		}
	}
	return 0;
}

/* Directory entries for every account.  The directory is small (hundreds
 * of entries): a table of the hashes of its accounts (same case-insensitive
 * hash as the account names, already computed) says which accounts may be
 * in it, and only those are looked up. */
static int fill_directory(struct attrib *a, const struct ht_snapshot *s, const struct orgdir *d)
{
	const struct org_entry *base = orgdir_entry(d, 0);
	const struct attrib_priv *p = a->priv;
	size_t nd = orgdir_count(d), cap = 64;
	uint32_t *dh;
	while (cap < nd * 4)
		cap *= 2;
	dh = calloc(cap, sizeof *dh); /* hash | 1, 0 empty */
	if (!dh)
		return -1;
	for (size_t i = 0; i < nd; i++) {
		uint32_t v = orgdir_name_hash(orgdir_entry(d, i)->account) | 1u;
		size_t h = v & (cap - 1);
		while (dh[h] && dh[h] != v)
			h = (h + 1) & (cap - 1);
		dh[h] = v;
	}
	for (uint32_t i = 0; i < a->n_accounts; i++) {
		const struct org_entry *e = NULL;
		uint32_t v = p->hash[i] | 1u;
		size_t h = v & (cap - 1);
		while (dh[h] && dh[h] != v)
			h = (h + 1) & (cap - 1);
		if (dh[h])
			e = orgdir_lookup(d, a->acct_name[i]);
		if (e && base) {
			int32_t ci = e->canonical >= 0 ? e->canonical : (int32_t)(e - base);
			const struct org_entry *ce = orgdir_entry(d, (size_t)ci);
			if (!ce)
				ce = e;
			a->acct_entry[i] = ci;
			a->acct_country[i] = ce->n_countries ? ce->countries[0] : COUNTRY_UNKNOWN;
			a->acct_type[i] = ce->type;
		} else {
			int org = i < p->n_snap_accounts && s->acct_kind &&
				  s->acct_kind[i] == HT_ACCT_ORG;
			a->acct_entry[i] = -1;
			a->acct_country[i] = COUNTRY_UNKNOWN;
			a->acct_type[i] = org ? OT_UNKNOWN_ORG : OT_INDEPENDENT;
		}
		a->acct_group[i] = (uint8_t)country_group_of(a->acct_country[i]);
	}
	free(dh);
	return 0;
}

static void *alloc_n(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

struct attrib *attrib_build(const struct ht_snapshot *s, const struct orgdir *d)
{
	struct attrib *a = calloc(1, sizeof *a);
	struct attrib_priv *p = calloc(1, sizeof *p);
	const struct ht_table *m = &s->t[HT_MODELS], *ds = &s->t[HT_DATASETS];
	struct lin l = {0};
	uint32_t n = m->n;

	if (!a || !p) {
		free(a);
		free(p);
		return NULL;
	}
	a->priv = p;
	p->n_models = n;
	p->n_snap_accounts = s->n_accounts;
	p->names_cap = (size_t)s->n_accounts + 64;
	p->names = malloc(p->names_cap * sizeof *p->names);
	p->hash = malloc(p->names_cap * sizeof *p->hash);
	if (!p->names || !p->hash)
		goto fail;
	for (uint32_t i = 0; i < s->n_accounts; i++) {
		/* Names lie anywhere in the pool: fetch ahead. */
		if (i + 8 < s->n_accounts)
			__builtin_prefetch(ht_str(s, s->acct_name[i + 8]));
		p->names[i] = ht_str(s, s->acct_name[i]);
		p->hash[i] = orgdir_name_hash(p->names[i]);
	}
	p->n_names = s->n_accounts;
	if (acct_rehash(p, p->n_names + 64) < 0)
		goto fail;

	p->parent = alloc_n(n, sizeof *p->parent);
	p->children = alloc_n(n, sizeof *p->children);
	p->stamp = alloc_n(n, sizeof *p->stamp);
	a->item_acct[HT_MODELS][ATTRIB_UPLOADER] = alloc_n(n, sizeof(uint32_t));
	a->item_acct[HT_MODELS][ATTRIB_LINEAGE] = alloc_n(n, sizeof(uint32_t));
	/* Datasets have no lineage: both modes share one array. */
	a->item_acct[HT_DATASETS][ATTRIB_UPLOADER] = alloc_n(ds->n, sizeof(uint32_t));
	a->item_acct[HT_DATASETS][ATTRIB_LINEAGE] = a->item_acct[HT_DATASETS][ATTRIB_UPLOADER];
	a->lineage_depth = alloc_n(n, 1);
	a->lineage_flags = alloc_n(n, 1);
	l.state = alloc_n(n, 1);
	l.pos = alloc_n(n, sizeof *l.pos);
	l.path = alloc_n(n, sizeof *l.path);
	if (!p->parent || !p->children || !p->stamp || !a->item_acct[HT_MODELS][0] ||
	    !a->item_acct[HT_MODELS][1] || !a->item_acct[HT_DATASETS][0] || !a->lineage_depth ||
	    !a->lineage_flags || !l.state || !l.pos || !l.path)
		goto fail;
	if (n) {
		memcpy(a->item_acct[HT_MODELS][ATTRIB_UPLOADER], m->author, n * sizeof(uint32_t));
	}
	if (ds->n)
		memcpy(a->item_acct[HT_DATASETS][ATTRIB_UPLOADER], ds->author, ds->n * sizeof(uint32_t));

	if (resolve_links(p, s) < 0)
		goto fail;
	l.acct = a->item_acct[HT_MODELS][ATTRIB_LINEAGE];
	l.depth = a->lineage_depth;
	l.flags = a->lineage_flags;
	if (lineage(p, s, &l) < 0)
		goto fail;
	free(l.state);
	free(l.pos);
	free(l.path);
	l.state = NULL;
	l.pos = l.path = NULL;

	a->n_accounts = (uint32_t)p->n_names;
	a->acct_name = p->names;
	a->acct_country = alloc_n(a->n_accounts, sizeof *a->acct_country);
	a->acct_group = alloc_n(a->n_accounts, 1);
	a->acct_type = alloc_n(a->n_accounts, 1);
	a->acct_entry = alloc_n(a->n_accounts, sizeof *a->acct_entry);
	if (!a->acct_country || !a->acct_group || !a->acct_type || !a->acct_entry)
		goto fail;
	if (fill_directory(a, s, d))
		goto fail;
	return a;
fail:
	free(l.state);
	free(l.pos);
	free(l.path);
	attrib_free(a);
	return NULL;
}

void attrib_free(struct attrib *a)
{
	struct attrib_priv *p;
	if (!a)
		return;
	p = a->priv;
	if (p) {
		struct chunk *c = p->chunks;
		while (c) {
			struct chunk *next = c->next;
			free(c);
			c = next;
		}
		free(p->parent);
		free(p->children);
		free(p->slot);
		free(p->names);
		free(p->hash);
		free(p->stamp);
		free(p);
	}
	free(a->acct_country);
	free(a->acct_group);
	free(a->acct_type);
	free(a->acct_entry);
	free(a->item_acct[HT_MODELS][ATTRIB_UPLOADER]);
	free(a->item_acct[HT_MODELS][ATTRIB_LINEAGE]);
	free(a->item_acct[HT_DATASETS][ATTRIB_UPLOADER]); /* shared by both modes */
	free(a->lineage_depth);
	free(a->lineage_flags);
	free(a);
}

unsigned attrib_chain(const struct attrib *a, const struct ht_snapshot *s, uint32_t model_row,
		      const char **ids, unsigned max)
{
	const struct attrib_priv *p = a ? a->priv : NULL;
	uint32_t rows[ATTRIB_MAX_DEPTH + 1];
	uint32_t x = model_row, k = 0;
	unsigned n = 0;
	if (!p || model_row >= p->n_models || model_row >= s->t[HT_MODELS].n)
		return 0;
	for (;;) {
		uint32_t par = p->parent[x];
		int seen = 0;
		if (n < max)
			ids[n++] = ht_id(s, HT_MODELS, x);
		rows[k] = x;
		if (k == ATTRIB_MAX_DEPTH || par == P_NONE)
			break;
		if (!P_IS_ROW(par)) {
			if (n < max)
				ids[n++] = ht_str(s, s->link_base[s->t[HT_MODELS].link_first[x]]);
			break;
		}
		for (uint32_t i = 0; i <= k && !seen; i++)
			seen = rows[i] == par;
		if (seen)
			break;
		x = par;
		k++;
	}
	return n;
}

uint32_t attrib_children(const struct attrib *a, uint32_t model_row)
{
	const struct attrib_priv *p = a ? a->priv : NULL;
	if (!p || model_row >= p->n_models)
		return 0;
	return p->children[model_row];
}

static int unknown_cmp(const void *va, const void *vb)
{
	const struct attrib_unknown *x = va, *y = vb;
	if (x->downloads != y->downloads)
		return x->downloads > y->downloads ? -1 : 1;
	if (x->items != y->items)
		return x->items > y->items ? -1 : 1;
	return strcmp(x->account, y->account);
}

size_t attrib_unattributed(const struct attrib *a, const struct ht_snapshot *s, int all_time,
			   size_t top, struct attrib_unknown **out)
{
	struct attrib_unknown *u;
	size_t n = 0;
	*out = NULL;
	if (!a || !a->n_accounts)
		return 0;
	u = calloc(a->n_accounts, sizeof *u);
	if (!u)
		return 0;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s->t[k];
		for (uint32_t r = 0; r < t->n; r++) {
			uint32_t acc = t->author[r];
			if (acc >= a->n_accounts || a->acct_entry[acc] >= 0)
				continue;
			u[acc].downloads += all_time ? t->downloads_all[r] : t->downloads[r];
			u[acc].items++;
		}
	}
	for (uint32_t i = 0; i < a->n_accounts; i++) {
		if (!u[i].items)
			continue;
		u[n].account = a->acct_name[i];
		u[n].downloads = u[i].downloads;
		u[n].items = u[i].items;
		u[n].kind = i < s->n_accounts && s->acct_kind ? s->acct_kind[i] : HT_ACCT_UNCHECKED;
		n++;
	}
	if (!n) {
		free(u);
		return 0;
	}
	qsort(u, n, sizeof *u, unknown_cmp);
	if (top && top < n)
		n = top;
	*out = u;
	return n;
}

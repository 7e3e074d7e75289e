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
 * Cost: one pass over the models in row order, then one over the few left
 * pending.  Links are resolved to rows when the snapshot is built, and a
 * model's result is its base's, one link longer.  Rows are sorted by
 * downloads and a base is nearly always more downloaded than its
 * derivatives, so its result is known when they are met; a model whose
 * base's is not is left pending.  Each pending model is then walked up
 * through pending ones to a done model with an explicit path, and the path
 * unwound (a mark per model on the path finds cycles), so every model is
 * resolved once.  Only chains deeper than ATTRIB_MAX_DEPTH, which the Hub
 * does not have, fall back to a walk of at most ATTRIB_MAX_DEPTH steps per
 * model.  The pass is bound by reads at random (a model's link, its base's
 * result): they are fetched ahead, and a result is one word on huge pages.
 * Each account name is read once, for its first eight bytes; only names
 * that may be in the directory or be an owner of a missing base are
 * compared in full.
 */
#include "hubtop/attrib.h"
#include "hubtop/strarena.h"

#include <stdlib.h>
#include <string.h>

/* A model's first base: a row, none, or a missing base with the number of
 * its owner (struct lin_owner) in the low 31 bits. */
#define P_NONE UINT32_MAX
#define P_MISSING 0x80000000u
#define P_IS_ROW(p) ((p) < P_MISSING)
#define P_OWNER(p) ((p) & 0x7fffffffu)

struct attrib_priv {
	const struct ht_snapshot *s;
	struct strarena names;   /* extra account names */
};

/* The owner of a missing base, case-insensitively distinct.  Its account
 * is known once every model has been seen: the first snapshot account of
 * that name, else an extra account; extras are numbered in the order of the
 * first model naming them, with that model's spelling. */
struct lin_owner {
	const char *name;
	uint32_t hash;
	uint32_t first_row;
	uint32_t acct;           /* UINT32_MAX until known */
};

/* While building, a model's result is packed in its acct entry when the
 * accounts and owners of missing bases fit in NARROW_BITS (narrow): account
 * | depth << NARROW_BITS | flags << NARROW_FLAGS, so that a derivative reads
 * all of its base's with one memory access.  Otherwise (wide) it is spread
 * over the three arrays from the start. */
#ifndef ATTRIB_NARROW_BITS
#define ATTRIB_NARROW_BITS 22 /* tests build it smaller, to cover the wide layout */
#endif
#define NARROW_BITS ATTRIB_NARROW_BITS
#define NARROW_MAX (1u << NARROW_BITS)
#define NARROW_FLAGS 29
#define NARROW_DEPTH(v) ((v) >> NARROW_BITS & 0x7fu)
_Static_assert(NARROW_BITS + 7 <= NARROW_FLAGS, "depth and flags overlap");

/* The lineage pass.  Until the owners' accounts are known, a model flagged
 * ATTRIB_LIN_MISSING has its owner's number for account. */
struct lin {
	const struct ht_snapshot *s;
	struct attrib_priv *p;
	int wide;
	int narrow_full;         /* too many owners for narrow: start again wide */
	uint32_t *acct;          /* a->item_acct[HT_MODELS][ATTRIB_LINEAGE] */
	uint8_t *depth;
	uint8_t *flags;
	uint32_t *pend;          /* the pending models, in row order */
	size_t n_pend, pend_cap;
	uint64_t *onpath;        /* bitmap: on the path being walked */
	uint32_t *path;
	size_t path_cap;
	uint32_t *stamp;         /* capped walks: cycle detection; on first need */
	struct lin_owner *own;
	size_t n_own, own_cap;
	uint32_t *own_slot;      /* hash of own: index + 1, 0 empty */
	size_t own_slot_cap;
	int failed;              /* out of memory */
};

static int bit_get(const uint64_t *b, uint32_t i)
{
	return (int)(b[i >> 6] >> (i & 63)) & 1;
}

static void bit_set(uint64_t *b, uint32_t i)
{
	b[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void bit_clear(uint64_t *b, uint32_t i)
{
	b[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

static uint8_t multi_of(const struct ht_snapshot *s, uint32_t r)
{
	return s->t[HT_MODELS].link_count[r] > 1 ? ATTRIB_LIN_MULTI : 0;
}

static void lin_set(struct lin *l, uint32_t m, uint32_t acct, uint32_t depth, uint32_t flags)
{
	if (l->wide) {
		l->acct[m] = acct;
		l->depth[m] = (uint8_t)depth;
		l->flags[m] = (uint8_t)flags;
	} else {
		l->acct[m] = acct | depth << NARROW_BITS | flags << NARROW_FLAGS;
	}
}

/* A pending model: its base's result was not known when it was met.  Its
 * entry holds its base's row, under a depth no result has (narrow: the
 * row's high bits where the flags go).  A derivative sees a pending base
 * as one too deep for its result to be derived, and takes the slow way. */
#define PEND_DEPTH 0x7fu

static int lin_pending(const struct lin *l, uint32_t x)
{
	if (l->wide)
		return l->depth[x] == PEND_DEPTH;
	return NARROW_DEPTH(l->acct[x]) == PEND_DEPTH;
}

static uint32_t lin_pending_base(const struct lin *l, uint32_t x)
{
	uint32_t v = l->acct[x];
	return l->wide ? v : (v & (NARROW_MAX - 1)) | (v >> NARROW_FLAGS) << NARROW_BITS;
}

/* Room for need entries in *a (capacity *cap), grown by doubling plus step. */
static int u32_room(uint32_t **a, size_t *cap, size_t need, size_t step)
{
	size_t nc;
	uint32_t *na;
	if (need <= *cap)
		return 0;
	nc = *cap * 2 + step;
	if (!(na = realloc(*a, nc * sizeof *na)))
		return -1;
	*a = na;
	*cap = nc;
	return 0;
}

static int lin_pend(struct lin *l, uint32_t x, uint32_t b)
{
	if (u32_room(&l->pend, &l->pend_cap, l->n_pend + 1, 1024))
		return -1;
	l->pend[l->n_pend++] = x;
	if (l->wide) {
		l->acct[x] = b;
		l->depth[x] = PEND_DEPTH;
	} else {
		l->acct[x] = (b & (NARROW_MAX - 1)) | PEND_DEPTH << NARROW_BITS |
			     (b >> NARROW_BITS) << NARROW_FLAGS;
	}
	return 0;
}

static int own_rehash(struct lin *l, size_t want)
{
	size_t cap = 64;
	uint32_t *slot;
	while (cap < want * 2)
		cap *= 2;
	slot = calloc(cap, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t i = 0; i < l->n_own; i++) {
		size_t h = l->own[i].hash & (cap - 1);
		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = (uint32_t)i + 1;
	}
	free(l->own_slot);
	l->own_slot = slot;
	l->own_slot_cap = cap;
	return 0;
}

/* P_MISSING and the number of the owner of a missing base named by row;
 * P_NONE and failed set on out of memory. */
static uint32_t own_intern(struct lin *l, const char *owner, uint32_t row)
{
	uint32_t hv = orgdir_name_hash(owner);
	struct lin_owner *o;
	size_t h;
	if ((l->n_own + 1) * 2 > l->own_slot_cap && own_rehash(l, l->n_own + 1) < 0)
		goto oom;
	for (h = hv & (l->own_slot_cap - 1); l->own_slot[h]; h = (h + 1) & (l->own_slot_cap - 1)) {
		uint32_t i = l->own_slot[h] - 1;
		o = &l->own[i];
		if (o->hash != hv || !orgdir_name_eq(o->name, owner))
			continue;
		if (row < o->first_row) {
			o->first_row = row;
			if (strcmp(o->name, owner) != 0 && !(o->name = strarena_dup(&l->p->names, owner, strlen(owner))))
				goto oom;
		}
		return P_MISSING | i;
	}
	if (!l->wide && l->n_own >= NARROW_MAX - 1) {
		l->narrow_full = 1;
		return P_NONE;
	}
	if (l->n_own >= P_MISSING - 1)
		goto oom;
	if (l->n_own == l->own_cap) {
		size_t cap = l->own_cap * 2 + 64;
		struct lin_owner *no = realloc(l->own, cap * sizeof *no);
		if (!no)
			goto oom;
		l->own = no;
		l->own_cap = cap;
	}
	o = &l->own[l->n_own];
	if (!(o->name = strarena_dup(&l->p->names, owner, strlen(owner))))
		goto oom;
	o->hash = hv;
	o->first_row = row;
	o->acct = UINT32_MAX;
	l->own_slot[h] = (uint32_t)l->n_own + 1;
	return P_MISSING | (uint32_t)l->n_own++;
oom:
	l->failed = 1;
	return P_NONE;
}

/* Snapshot account i, named name, is the account of the missing owner of
 * that name if no earlier account was. */
static void own_match(struct lin *l, const char *name, uint32_t hv, uint32_t i)
{
	size_t mask = l->own_slot_cap - 1;
	for (size_t h = hv & mask; l->own_slot[h]; h = (h + 1) & mask) {
		struct lin_owner *o = &l->own[l->own_slot[h] - 1];
		if (o->hash == hv && orgdir_name_eq(o->name, name)) {
			if (o->acct == UINT32_MAX)
				o->acct = i;
			return;
		}
	}
}

/* The first base of model x, see P_*. */
static uint32_t lin_base(struct lin *l, uint32_t x)
{
	const struct ht_snapshot *s = l->s;
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t b;
	char owner[256];
	if (!t->link_count[x])
		return P_NONE;
	b = s->link_row[t->link_first[x]];
	if (b != UINT32_MAX)
		return b;
	table_owner_of(ht_str(s, s->link_base[t->link_first[x]]), owner, sizeof owner);
	return owner[0] ? own_intern(l, owner, x) : P_NONE;
}

/* The definition itself, bounded by ATTRIB_MAX_DEPTH steps. */
static int walk_bounded(struct lin *l, uint32_t r)
{
	const struct ht_table *t = &l->s->t[HT_MODELS];
	uint32_t x = r, k = 0, acct, flags = 0;
	if (!l->stamp && !(l->stamp = calloc(t->n, sizeof *l->stamp)))
		return -1;
	for (;;) {
		uint32_t par = lin_base(l, x);
		l->stamp[x] = r + 1;
		flags |= multi_of(l->s, x);
		if (k == ATTRIB_MAX_DEPTH || par == P_NONE) {
			acct = t->author[x];
			break;
		}
		if (!P_IS_ROW(par)) {
			acct = P_OWNER(par);
			flags |= ATTRIB_LIN_MISSING;
			k++;
			break;
		}
		if (l->stamp[par] == r + 1) {
			acct = t->author[x];
			flags |= ATTRIB_LIN_CYCLE;
			break;
		}
		x = par;
		k++;
	}
	lin_set(l, r, acct, k, flags);
	return 0;
}

/* Model m's result from its base y's, which is known: one link longer. */
static int lin_from_base(struct lin *l, uint32_t m, uint32_t y)
{
	uint32_t v = l->acct[y];
	if (l->wide) {
		if (l->depth[y] >= ATTRIB_MAX_DEPTH)
			return walk_bounded(l, m);
		lin_set(l, m, v, l->depth[y] + 1u, l->flags[y] | multi_of(l->s, m));
	} else {
		if (NARROW_DEPTH(v) >= ATTRIB_MAX_DEPTH)
			return walk_bounded(l, m);
		l->acct[m] = (v + NARROW_MAX) | (uint32_t)multi_of(l->s, m) << NARROW_FLAGS;
	}
	return 0;
}

/* Cycle path[c0..len-1], closed by the last one's base path[c0]: from
 * member o the chain runs round to its predecessor, c-1 links. */
static int lin_cycle(struct lin *l, uint32_t c0, uint32_t len)
{
	const struct ht_table *t = &l->s->t[HT_MODELS];
	uint32_t c = len - c0, mf = 0;
	for (uint32_t i = c0; i < len; i++)
		mf |= multi_of(l->s, l->path[i]);
	for (uint32_t o = 0; o < c; o++) {
		uint32_t m = l->path[c0 + o];
		if (c - 1 > ATTRIB_MAX_DEPTH) {
			if (walk_bounded(l, m) < 0)
				return -1;
		} else {
			uint32_t last = l->path[c0 + (o + c - 1) % c];
			lin_set(l, m, t->author[last], c - 1, mf | ATTRIB_LIN_CYCLE);
		}
	}
	for (uint32_t i = c0; i < len; i++)
		bit_clear(l->onpath, l->path[i]);
	return 0;
}

/* Model x, whose first base par is none or missing. */
static void lin_root(struct lin *l, uint32_t x, uint32_t par)
{
	if (par == P_NONE)
		lin_set(l, x, l->s->t[HT_MODELS].author[x], 0, multi_of(l->s, x));
	else
		lin_set(l, x, P_OWNER(par), 1, multi_of(l->s, x) | ATTRIB_LIN_MISSING);
}

/* Pending model r: walk up through pending models to a done one or a
 * cycle, then unwind.  path[i+1] is path[i]'s base; the entry above the
 * top one is done. */
static int lin_walk(struct lin *l, uint32_t r)
{
	uint32_t len = 0, x = r;
	for (;;) {
		uint32_t par = lin_pending_base(l, x);
		if (u32_room(&l->path, &l->path_cap, (size_t)len + 2, 64))
			return -1;
		l->path[len++] = x;
		bit_set(l->onpath, x);
		if (!lin_pending(l, par)) {
			l->path[len] = par;
			break;
		}
		if (bit_get(l->onpath, par)) {
			uint32_t c0 = len - 1;
			while (l->path[c0] != par)
				c0--;
			if (lin_cycle(l, c0, len) < 0)
				return -1;
			len = c0;
			break;
		}
		x = par;
	}
	while (len-- > 0) {
		uint32_t m = l->path[len];
		if (lin_from_base(l, m, l->path[len + 1]) < 0)
			return -1;
		bit_clear(l->onpath, m);
	}
	return 0;
}

/* Every model's lineage: in row order, then the pending models. */
static int lin_pass(struct lin *l)
{
	const struct ht_snapshot *s = l->s;
	const struct ht_table *t = &s->t[HT_MODELS];
	static const uint32_t no_link = 0;
	const uint32_t *link_row = s->n_links ? s->link_row : &no_link;
	uint32_t n = t->n;

	for (uint32_t r = 0; r < n; r++) {
		uint32_t cnt = t->link_count[r], b;
		/* Links are stored in arrival order and a base is anywhere in
		 * the table: fetch the link, then the base's result.  Whether a
		 * row has links is unpredictable, and a branch on it costs more
		 * than reading one anyway (the first, or no_link). */
		if (r + 48 < n)
			__builtin_prefetch(&link_row[t->link_first[r + 48]]);
		if (r + 24 < n) {
			uint32_t c = t->link_count[r + 24], f = c ? t->link_first[r + 24] : 0;
			b = link_row[f];
			if (c && b == UINT32_MAX) /* missing: its id, for its owner */
				__builtin_prefetch(&s->link_base[f]);
			b = c && b < n ? b : r;
			__builtin_prefetch(&l->acct[b]);
			if (l->wide) {
				__builtin_prefetch(&l->depth[b]);
				__builtin_prefetch(&l->flags[b]);
			}
		}
		if (!cnt) {
			lin_set(l, r, t->author[r], 0, 0);
			continue;
		}
		b = link_row[t->link_first[r]];
		if (b < r) {
			/* The common case, lin_from_base() inline. */
			uint32_t v = l->acct[b];
			if (!l->wide && NARROW_DEPTH(v) < ATTRIB_MAX_DEPTH)
				l->acct[r] = (v + NARROW_MAX) |
					     (cnt > 1 ? (uint32_t)ATTRIB_LIN_MULTI << NARROW_FLAGS : 0);
			else if (lin_pending(l, b) ? lin_pend(l, r, b) : lin_from_base(l, r, b))
				return -1;
		} else if (b < n) {
			if (lin_pend(l, r, b) < 0)
				return -1;
		} else {
			uint32_t par = lin_base(l, r);
			if (l->failed || l->narrow_full)
				return -1;
			lin_root(l, r, par);
		}
	}
	if (l->failed || l->narrow_full)
		return -1;
	for (size_t k = 0; k < l->n_pend; k++) {
		/* Pending models are few and far apart: fetch ahead. */
		if (k + 16 < l->n_pend)
			__builtin_prefetch(&l->acct[l->pend[k + 16]]);
		if (k + 8 < l->n_pend && lin_pending(l, l->pend[k + 8])) {
			uint32_t b = lin_pending_base(l, l->pend[k + 8]);
			__builtin_prefetch(&l->acct[b]);
		}
		if (lin_pending(l, l->pend[k]) && lin_walk(l, l->pend[k]) < 0)
			return -1;
	}
	return l->failed ? -1 : 0;
}

/* The results into the attribution's arrays, owners' numbers into their
 * accounts. */
static void lin_finish(struct lin *l, uint32_t n)
{
	for (uint32_t r = 0; r < n && !l->wide; r++) {
		uint32_t v = l->acct[r];
		l->depth[r] = (uint8_t)NARROW_DEPTH(v);
		l->flags[r] = (uint8_t)(v >> NARROW_FLAGS);
		l->acct[r] = v & (NARROW_MAX - 1);
	}
	if (l->n_own)
		for (uint32_t r = 0; r < n; r++)
			if (l->flags[r] & ATTRIB_LIN_MISSING)
				l->acct[r] = l->own[l->acct[r]].acct;
}

static void lin_free(struct lin *l)
{
	free(l->pend);
	free(l->onpath);
	free(l->path);
	free(l->stamp);
	free(l->own);
	free(l->own_slot);
	memset(l, 0, sizeof *l);
}

/* A name's first eight bytes with bit 0x20 set (ASCII case folded), zero
 * past its end, as a little-endian number: names equal but for case have
 * the same key.  It says which of the hundreds of thousands of accounts
 * may be in the directory or be a missing owner; only those are compared
 * in full. */
static uint64_t name_key(const char *name)
{
	uint64_t k = 0;
	for (unsigned i = 0; i < 8 && name[i]; i++)
		k |= (uint64_t)((unsigned char)name[i] | 0x20u) << (8 * i);
	return k;
}

/* The same for a name of the snapshot's pool, with one read and no branch
 * when eight bytes from it are in the pool. */
static uint64_t pool_key(const struct ht_snapshot *s, uint32_t off)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if ((uint64_t)off + 8 <= s->pool_len) {
		const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
		uint64_t w, z, below;
		memcpy(&w, s->pool + off, 8);
		/* The lowest set bit of z is the high bit of the first zero byte. */
		z = (w - ones) & ~w & highs;
		below = z ? ((z & -z) >> 7) - 1 : UINT64_MAX;
		return (w | 0x2020202020202020u) & below;
	}
#endif
	return name_key(ht_str(s, off));
}

/* A set of name keys (0, the empty name's, is never in it). */
struct key_set {
	uint64_t *k;
	size_t cap;
};

static size_t key_slot(const struct key_set *f, uint64_t k)
{
	size_t h = (size_t)((k * 0x9e3779b97f4a7c15u) >> 32) & (f->cap - 1);
	while (f->k[h] && f->k[h] != k)
		h = (h + 1) & (f->cap - 1);
	return h;
}

static int key_set_init(struct key_set *f, size_t n)
{
	f->cap = 64;
	while (f->cap < n * 4)
		f->cap *= 2;
	f->k = calloc(f->cap, sizeof *f->k);
	return f->k ? 0 : -1;
}

static void key_set_add(struct key_set *f, uint64_t k)
{
	if (k)
		f->k[key_slot(f, k)] = k;
}

static int key_set_has(const struct key_set *f, uint64_t k)
{
	return k && f->k[key_slot(f, k)] == k;
}

/* Fields of account i, which the directory does not know (unknown_group:
 * the unknown country's). */
static void acct_unknown(struct attrib *a, const struct ht_snapshot *s, uint32_t i,
			 uint8_t unknown_group)
{
	int org = i < s->n_accounts && s->acct_kind && s->acct_kind[i] == HT_ACCT_ORG;
	a->acct_entry[i] = -1;
	a->acct_country[i] = COUNTRY_UNKNOWN;
	a->acct_type[i] = org ? OT_UNKNOWN_ORG : OT_INDEPENDENT;
	a->acct_group[i] = unknown_group;
}

/* Fields of account i, from its directory entry e (NULL: none). */
static void dir_fill(struct attrib *a, const struct ht_snapshot *s, const struct orgdir *d,
		     uint32_t i, const struct org_entry *e, uint8_t unknown_group)
{
	const struct org_entry *base = e ? orgdir_entry(d, 0) : NULL;
	if (base) {
		int32_t ci = e->canonical >= 0 ? e->canonical : (int32_t)(e - base);
		const struct org_entry *ce = orgdir_entry(d, (size_t)ci);
		if (!ce)
			ce = e;
		a->acct_entry[i] = ci;
		a->acct_country[i] = ce->n_countries ? ce->countries[0] : COUNTRY_UNKNOWN;
		a->acct_type[i] = ce->type;
		a->acct_group[i] = (uint8_t)country_group_of(a->acct_country[i]);
	} else {
		acct_unknown(a, s, i, unknown_group);
	}
}

/* a->acct_org: every account to the account of its organisation's
 * canonical entry, made an extra account when no account of this space has
 * that name (room for one per directory entry was left).  Deterministic:
 * the canonical entry is fixed by the directory (orgdir.c), and extras are
 * numbered in the order of the first account needing them. */
static int orgs(struct attrib *a, const struct ht_snapshot *s, const struct orgdir *d,
		struct attrib_priv *p)
{
	size_t nd = orgdir_count(d);
	const struct org_entry *base = nd ? orgdir_entry(d, 0) : NULL;
	uint32_t *ent_acct = malloc((nd + 1) * sizeof *ent_acct);
	uint32_t na = a->n_accounts;
	uint8_t unknown_group = (uint8_t)country_group_of(COUNTRY_UNKNOWN);
	if (!ent_acct)
		return -1;
	for (size_t i = 0; i < nd; i++)
		ent_acct[i] = UINT32_MAX;
	for (uint32_t i = 0; i < na; i++) {
		const struct org_entry *own;
		a->acct_org[i] = i;
		if (a->acct_entry[i] < 0 || !(own = orgdir_lookup(d, a->acct_name[i])))
			continue;
		if (ent_acct[own - base] == UINT32_MAX)
			ent_acct[own - base] = i;
	}
	for (uint32_t i = 0; i < na; i++) {
		int32_t ci = a->acct_entry[i];
		if (ci < 0 || (size_t)ci >= nd)
			continue;
		if (ent_acct[ci] == UINT32_MAX) {
			const char *name = orgdir_entry(d, (size_t)ci)->account;
			uint32_t x = a->n_accounts++;
			if (!(a->acct_name[x] = strarena_dup(&p->names, name, strlen(name)))) {
				free(ent_acct);
				return -1;
			}
			dir_fill(a, s, d, x, orgdir_entry(d, (size_t)ci), unknown_group);
			a->acct_org[x] = x;
			ent_acct[ci] = x;
		}
		a->acct_org[i] = ent_acct[ci];
	}
	free(ent_acct);
	return 0;
}

static int own_first_cmp(const void *va, const void *vb)
{
	const struct lin_owner *x = *(const struct lin_owner *const *)va;
	const struct lin_owner *y = *(const struct lin_owner *const *)vb;
	return x->first_row < y->first_row ? -1 : x->first_row > y->first_row;
}

/* Every account: its name and directory fields, the snapshot's then the
 * extra ones (missing owners that are no snapshot account).  The account
 * arrays have room for the snapshot's accounts and every missing owner.
 * Returns -1 on out of memory. */
static int accounts(struct attrib *a, const struct ht_snapshot *s, const struct orgdir *d,
		    struct lin *l)
{
	struct key_set dir, own;
	struct lin_owner **extra;
	size_t nd = orgdir_count(d);
	uint32_t n = s->n_accounts, n_extra = 0;
	uint8_t unknown_group = (uint8_t)country_group_of(COUNTRY_UNKNOWN);

	if (key_set_init(&dir, nd) < 0)
		return -1;
	if (key_set_init(&own, l->n_own) < 0) {
		free(dir.k);
		return -1;
	}
	for (size_t i = 0; i < nd; i++)
		key_set_add(&dir, name_key(orgdir_entry(d, i)->account));
	for (size_t i = 0; i < l->n_own; i++)
		key_set_add(&own, name_key(l->own[i].name));
	for (uint32_t i = 0; i < n; i++) {
		const char *name;
		uint64_t k;
		/* Names lie anywhere in the pool: fetch ahead. */
		if (i + 16 < n)
			__builtin_prefetch(ht_str(s, s->acct_name[i + 16]));
		name = ht_str(s, s->acct_name[i]);
		k = pool_key(s, s->acct_name[i]);
		a->acct_name[i] = name;
		if (key_set_has(&dir, k))
			dir_fill(a, s, d, i, orgdir_lookup(d, name), unknown_group);
		else
			acct_unknown(a, s, i, unknown_group);
		if (key_set_has(&own, k))
			own_match(l, name, orgdir_name_hash(name), i);
	}
	free(dir.k);
	free(own.k);
	extra = malloc((l->n_own ? l->n_own : 1) * sizeof *extra);
	if (!extra)
		return -1;
	for (size_t i = 0; i < l->n_own; i++)
		if (l->own[i].acct == UINT32_MAX)
			extra[n_extra++] = &l->own[i];
	qsort(extra, n_extra, sizeof *extra, own_first_cmp);
	for (uint32_t i = 0; i < n_extra; i++) {
		extra[i]->acct = n + i;
		a->acct_name[n + i] = extra[i]->name;
		dir_fill(a, s, d, n + i, orgdir_lookup(d, extra[i]->name), unknown_group);
	}
	a->n_accounts = n + n_extra;
	free(extra);
	return orgs(a, s, d, l->p);
}

static void *alloc_n(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

/* The account arrays, for na accounts, in one block: acct_name first (the
 * widest), then acct_entry, acct_org, acct_country, acct_group and
 * acct_type. */
static int acct_alloc(struct attrib *a, size_t na)
{
	char *b = table_big_alloc(na * (sizeof *a->acct_name + sizeof *a->acct_entry +
				  sizeof *a->acct_org + sizeof *a->acct_country + 2));
	if (!b)
		return -1;
	a->acct_name = (const char **)(void *)b;
	b += na * sizeof *a->acct_name;
	a->acct_entry = (int32_t *)(void *)b;
	b += na * sizeof *a->acct_entry;
	a->acct_org = (uint32_t *)(void *)b;
	b += na * sizeof *a->acct_org;
	a->acct_country = (uint16_t *)(void *)b;
	b += na * sizeof *a->acct_country;
	a->acct_group = (uint8_t *)b;
	a->acct_type = (uint8_t *)b + na;
	return 0;
}

struct attrib *attrib_build(const struct ht_snapshot *s, const struct orgdir *d)
{
	struct attrib *a = calloc(1, sizeof *a);
	struct attrib_priv *p = calloc(1, sizeof *p);
	const struct ht_table *m = &s->t[HT_MODELS], *ds = &s->t[HT_DATASETS];
	struct lin l = {0};
	uint32_t n = m->n;
	size_t na;

	if (!a || !p || n > P_MISSING - 1) {
		free(a);
		free(p);
		return NULL;
	}
	a->priv = p;
	p->s = s;
	/* By uploader, an item counts for its author: the snapshot's own
	 * arrays serve (an attribution never outlives its snapshot). */
	a->item_acct[HT_MODELS][ATTRIB_UPLOADER] = m->author;
	a->item_acct[HT_DATASETS][ATTRIB_UPLOADER] = ds->author;
	/* Datasets have no lineage: both modes share one array. */
	a->item_acct[HT_DATASETS][ATTRIB_LINEAGE] = ds->author;

	l.s = s;
	l.p = p;
	/* Every entry is written before it is read.  Depth and flags share
	 * one block. */
	l.acct = a->item_acct[HT_MODELS][ATTRIB_LINEAGE] = table_big_alloc((size_t)n * sizeof(uint32_t));
	l.depth = a->lineage_depth = table_big_alloc((size_t)n * 2);
	l.flags = a->lineage_flags = l.depth ? l.depth + n : NULL;
	l.onpath = alloc_n(n / 64 + 1, sizeof *l.onpath);
	if (!l.acct || !l.depth || !l.flags || !l.onpath)
		goto fail;
	/* Narrow holds a pending model's base row in NARROW_BITS + 3 bits. */
	l.wide = s->n_accounts >= NARROW_MAX || n > NARROW_MAX * 8u;
	while (lin_pass(&l) < 0) {
		if (!l.narrow_full)
			goto fail;
		/* Start again wide; the owners met so far keep their numbers. */
		l.wide = 1;
		l.narrow_full = 0;
		l.n_pend = 0;
		memset(l.onpath, 0, (n / 64 + 1) * sizeof *l.onpath);
		free(l.stamp);
		l.stamp = NULL;
	}

	/* Room for the snapshot's accounts, every missing owner and an
	 * account per directory entry (organisations, see orgs()). */
	na = (size_t)s->n_accounts + l.n_own + orgdir_count(d);
	if (na > 0x7fffffffu || acct_alloc(a, na) < 0 || accounts(a, s, d, &l) < 0)
		goto fail;
	lin_finish(&l, n);
	lin_free(&l);
	return a;
fail:
	lin_free(&l);
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
		strarena_free(&p->names);
		free(p);
	}
	free((void *)a->acct_name); /* and the other account arrays */
	/* The uploader arrays are the snapshot's. */
	free(a->item_acct[HT_MODELS][ATTRIB_LINEAGE]);
	free(a->lineage_depth); /* and flags */
	free(a);
}

unsigned attrib_chain(const struct attrib *a, const struct ht_snapshot *s, uint32_t model_row,
		      const char **ids, unsigned max)
{
	const struct ht_table *t = &s->t[HT_MODELS];
	uint32_t rows[ATTRIB_MAX_DEPTH + 1];
	uint32_t x = model_row, k = 0;
	unsigned n = 0;
	if (!a || model_row >= t->n)
		return 0;
	for (;;) {
		uint32_t par;
		int seen = 0;
		if (n < max)
			ids[n++] = ht_id(s, HT_MODELS, x);
		rows[k] = x;
		if (k == ATTRIB_MAX_DEPTH || !t->link_count[x])
			break;
		par = s->link_row[t->link_first[x]];
		if (par == UINT32_MAX) {
			/* A missing base, listed unless it names no owner. */
			const char *base = ht_str(s, s->link_base[t->link_first[x]]);
			if (n < max && base[0] && base[0] != '/')
				ids[n++] = base;
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
	const struct ht_snapshot *s = p ? p->s : NULL;
	const struct ht_table *t;
	uint64_t *hit;
	uint32_t n_hits = 0, count = 0;
	if (!s || model_row >= s->t[HT_MODELS].n)
		return 0;
	t = &s->t[HT_MODELS];
	/* The links naming it, in sequential passes (most models have none),
	 * then the models holding one, each counted once. */
	for (uint32_t i = 0; i < s->n_links; i++)
		n_hits += s->link_row[i] == model_row;
	if (!n_hits)
		return 0;
	hit = calloc(s->n_links / 64 + 1, sizeof *hit);
	if (hit)
		for (uint32_t i = 0; i < s->n_links; i++)
			if (s->link_row[i] == model_row)
				bit_set(hit, i);
	for (uint32_t r = 0; r < t->n; r++) {
		uint32_t first = t->link_first[r], cnt = t->link_count[r], j = 0;
		if (!cnt)
			continue;
		if (hit)
			while (j < cnt && !bit_get(hit, first + j))
				j++;
		else
			while (j < cnt && s->link_row[first + j] != model_row)
				j++;
		count += j < cnt && r != model_row;
	}
	free(hit);
	return count;
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

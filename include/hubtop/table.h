/* table.h - the in-memory data model: string pool, term dictionary,
 * column-oriented tables of models and datasets, the accounts that own them.
 *
 * Owns: struct ht_snapshot and everything it points to.  Only table.c (the
 * builder) and store.c (the loader) create snapshots; everything downstream
 * (attribution, engine, front ends) treats a snapshot as read-only.
 *
 * Layout: plain arrays indexed by row number, strings as byte offsets into one
 * pool (offset 0 is the empty string).  A loaded snapshot points straight into
 * the file image read by store_load(), so loading costs one read and one
 * checksum, no parsing.  Rows of both tables are sorted by 30-day downloads,
 * descending, ties broken by id, so row order is deterministic.
 */
#ifndef HUBTOP_TABLE_H
#define HUBTOP_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum ht_kind { HT_MODELS = 0, HT_DATASETS = 1, HT_KIND_COUNT };

/* How a model derives from one of its base models (from base_model:* tags). */
enum ht_rel {
	HT_REL_NONE = 0,
	HT_REL_FINETUNE,
	HT_REL_ADAPTER,
	HT_REL_QUANTIZED,
	HT_REL_MERGE,
	HT_REL_UNSPECIFIED, /* plain base_model:X without a relation tag */
	HT_REL_COUNT
};

/* Row flags. */
#define HT_F_GATED      0x01u /* gated: "auto" or "manual" */
#define HT_F_GATED_MAN  0x02u /* gated: "manual" */
#define HT_F_PRIVATE    0x04u
#define HT_F_DISABLED   0x08u
/* The listing gave no usable count (missing or null): the column holds 0,
 * which figures must not read as a measured 0.  Rows without a 30-day count
 * sort after every row with one. */
#define HT_F_DL_UNKNOWN  0x10u
#define HT_F_DLA_UNKNOWN 0x20u
/* The listing gave no parameter count (neither safetensors nor gguf): the
 * params column holds 0, which is unknown, not a size. */
#define HT_F_PARAMS_UNKNOWN 0x40u
/* The listing gave no tags at all (no "tags" member, or null): the
 * relation to a base model and the languages are unknown, not "none".
 * Format version 3 on; older files never set it. */
#define HT_F_NO_TAGS 0x80u

/* What the hub client learned about an account (organisation check). */
enum ht_acct_kind { HT_ACCT_UNCHECKED = 0, HT_ACCT_USER = 1, HT_ACCT_ORG = 2 };

/* One table (models or datasets).  All arrays have n entries. */
struct ht_table {
	uint32_t n;
	uint32_t *id;            /* pool offset of "owner/name" */
	uint32_t *author;        /* account index */
	uint64_t *downloads;     /* last 30 days; 0 with HT_F_DL_UNKNOWN when unknown */
	uint64_t *downloads_all; /* since creation; 0 with HT_F_DLA_UNKNOWN (or
				  * meta.no_alltime) when unknown */
	uint32_t *likes;
	uint32_t *trending;      /* trendingScore, clamped at 0 */
	int64_t *created;        /* unix seconds, 0 = unknown */
	int64_t *modified;       /* unix seconds, 0 = unknown */
	uint32_t *pipeline;      /* term index, 0 = none (datasets: first task category) */
	uint32_t *library;       /* term index, 0 = none */
	uint32_t *license;       /* term index, 0 = none */
	uint8_t *flags;          /* HT_F_* */
	uint32_t *list_first;    /* into snapshot lists[]: extra terms (language:xx, task_categories:xx) */
	uint32_t *list_count;
	uint32_t *link_first;    /* into snapshot links: base models (models only, 0 count for datasets) */
	uint32_t *link_count;
	/* Total parameters (safetensors, else gguf); 0 with
	 * HT_F_PARAMS_UNKNOWN when unknown.  NULL in snapshots older than
	 * format version 3: every size unknown (see ht_params). */
	uint64_t *params;
};

struct ht_meta {
	uint32_t format_version;
	int demo;               /* 1: generated demo data, never real figures */
	int complete;           /* 1: the whole listing; 0: only the top N */
	uint64_t top_n;         /* when !complete: the N asked for */
	int64_t fetched_at;     /* unix seconds: when the snapshot was made */
	/* The date the data describes (unix seconds, 0 unknown): the crawl's
	 * time for a fetch; for an import the --as-of date, else the latest
	 * lastModified/createdAt in the data (as_of_inferred = 1). */
	int64_t as_of;
	int as_of_inferred;
	/* Bit k (enum ht_kind): that table has no all-time counts at all (the
	 * listing did not carry them), so the all-time window is unknown. */
	unsigned no_alltime;
	/* Items of the listing refused (an id that could harm a terminal or a
	 * file): a "complete" listing is complete but for them. */
	uint64_t refused;
	char endpoint[256];     /* where it came from ("demo", "import:FILE", URL) */
};

struct ht_snapshot {
	struct ht_meta meta;
	char *pool;             /* NUL-terminated strings; pool[0] == '\0' */
	uint64_t pool_len;
	uint32_t n_terms;       /* terms[0] is the empty term */
	uint32_t *terms;        /* pool offsets */
	uint32_t n_accounts;
	uint32_t *acct_name;    /* pool offsets */
	uint8_t *acct_kind;     /* enum ht_acct_kind */
	uint32_t n_lists;
	uint32_t *lists;        /* term indexes */
	uint32_t n_links;
	uint32_t *link_base;    /* pool offset of the base model id */
	uint8_t *link_rel;      /* enum ht_rel */
	uint32_t *link_row;     /* model row of the base, UINT32_MAX when not in the snapshot */
	struct ht_table t[HT_KIND_COUNT];
	void *blob;             /* loaded: the file image everything points into */
	size_t blob_len;
	int blob_mapped;        /* 1: blob is an mmap of the file */
	void *owned[48];        /* built: separately allocated arrays */
	void *id_index[HT_KIND_COUNT]; /* lazy hash indexes of table_find_id */
};

static inline const char *ht_str(const struct ht_snapshot *s, uint32_t off)
{
	return s->pool + off;
}
static inline const char *ht_id(const struct ht_snapshot *s, enum ht_kind k, uint32_t row)
{
	return s->pool + s->t[k].id[row];
}
static inline const char *ht_author(const struct ht_snapshot *s, enum ht_kind k, uint32_t row)
{
	return s->pool + s->acct_name[s->t[k].author[row]];
}
/* Total parameters of a row, 0 when unknown (HT_F_PARAMS_UNKNOWN, or a
 * snapshot without the column). */
static inline uint64_t ht_params(const struct ht_snapshot *s, enum ht_kind k, uint32_t row)
{
	const struct ht_table *t = &s->t[k];
	return t->params && !(t->flags[row] & HT_F_PARAMS_UNKNOWN) ? t->params[row] : 0;
}
static inline const char *ht_term(const struct ht_snapshot *s, uint32_t term)
{
	return s->pool + s->terms[term];
}

/* One listing item as a plain C value, before it enters a table.
 * Strings are borrowed; NULL means absent.  flags HT_F_DL_UNKNOWN and
 * HT_F_DLA_UNKNOWN say which download counts are unknown; created and
 * modified are 0 when unknown. */
#define HT_ITEM_MAX_TAGS 256
struct ht_item {
	const char *oid;        /* the Hub's "_id", used to drop items seen twice */
	const char *id;
	const char *author;     /* NULL: derived from id (owner part, or id itself if legacy) */
	uint64_t downloads, downloads_all;
	uint32_t likes, trending;
	int64_t created, modified;
	const char *pipeline, *library, *license;
	uint8_t flags;
	uint64_t params;        /* total parameters; HT_F_PARAMS_UNKNOWN in flags when unknown */
	size_t n_tags;
	const char *tags[HT_ITEM_MAX_TAGS];
};

/* Builder: collects items, then produces a sorted, de-duplicated snapshot.
 * Cost: amortised O(1) per item, O(n log n) at finish. */
struct ht_builder;
struct ht_builder *table_builder_new(void);
/* Returns 0 added, 1 duplicate dropped (same oid, or same id when no oid),
 * -1 out of memory or invalid id (see table_id_valid). */
int table_builder_add(struct ht_builder *b, enum ht_kind kind, const struct ht_item *it);
/* What the builder looks an item up by: its id, _id and owning account,
 * each with its length and hash.  table_item_keys is pure and thread-safe:
 * an import makes them on its parser threads, so that the one building
 * thread only probes.  It returns -1 (and the item is refused) when the id
 * is not valid (table_id_valid). */
struct ht_item_keys {
	const char *owner;      /* the account's name: in it->author or it->id */
	size_t id_len, oid_len, owner_len;  /* oid_len 0: no _id */
	uint32_t id_hash, oid_hash, owner_hash;
	/* it->pipeline, library, license: length (0: none) and hash. */
	uint32_t term_len[3], term_hash[3];
	/* NULL: the builder reads it->tags itself; else what
	 * table_item_tag_keys made of them, and it->tags is not read. */
	const struct ht_tag_key *tag_keys;
	size_t n_tag_keys;
};

/* One thing a kept tag does to its row, its string measured and hashed
 * (base_model:..., license:..., language:..., task_categories:...), in tag
 * order: what the builder would read from the tags, prepared on another
 * thread. */
enum ht_tag_op { HT_TAG_LINK, HT_TAG_LICENSE, HT_TAG_PIPELINE, HT_TAG_LIST };
struct ht_tag_key {
	const char *s;           /* the base model id, licence or term (borrowed) */
	uint32_t len, hash;
	uint8_t op;              /* enum ht_tag_op */
	uint8_t rel;             /* HT_TAG_LINK: enum ht_rel */
};
/* The most tag keys an item gives: two for a tag at most. */
#define HT_ITEM_MAX_TAG_KEYS (2 * HT_ITEM_MAX_TAGS)
int table_item_keys(const struct ht_item *it, struct ht_item_keys *k);
/* The tag keys of it (of kind) into out (HT_ITEM_MAX_TAG_KEYS entries);
 * returns how many.  Pure and thread-safe, like table_item_keys; ops that
 * would change nothing (a second licence) are left out. */
size_t table_item_tag_keys(const struct ht_item *it, enum ht_kind kind, struct ht_tag_key *out);
/* table_builder_add with the keys table_item_keys made from the same item:
 * the same answers, without validating and hashing again. */
int table_builder_add_keyed(struct ht_builder *b, enum ht_kind kind, const struct ht_item *it,
			    const struct ht_item_keys *k);
/* Starts loading what table_builder_add_keyed will look up for k, so that
 * a caller that adds many items in a row has the cache misses of later
 * items overlap: stage 1 (some items ahead) the maps' slots, stage 2
 * (fewer items ahead, the slots then in cache) the keys they hold.  A
 * hint: it changes nothing. */
void table_builder_prefetch(const struct ht_builder *b, enum ht_kind kind, const struct ht_item_keys *k,
			    int stage);
/* Sizes the id maps of kind for about items items in all at once, instead
 * of doubling on the way (each doubling rehashes and zeroes a new map),
 * and reserves the rows (address space only, until written): for a caller
 * that can tell the count ahead.  An estimate too large costs memory: 24
 * to 48 bytes a reserved item in each of the two maps.  -1 on out of
 * memory. */
int table_builder_reserve(struct ht_builder *b, enum ht_kind kind, size_t items);
/* Records what the hub client learned of an account. */
int table_builder_set_account_kind(struct ht_builder *b, const char *account, enum ht_acct_kind kind);
uint64_t table_builder_count(const struct ht_builder *b, enum ht_kind kind);
/* Consumes the builder.  NULL on out of memory.  A table of many rows is
 * sorted and laid out on two threads (table_builder_tune). */
struct ht_snapshot *table_builder_finish(struct ht_builder *b, const struct ht_meta *meta);
/* table_builder_finish on threads threads (1: this one alone; 0, the
 * default: two) for tables of at least parallel_min rows (default
 * 100,000); the snapshot is the same either way.  Not thread-safe: call
 * before building. */
void table_builder_tune(unsigned threads, size_t parallel_min);
void table_builder_free(struct ht_builder *b);

void table_free(struct ht_snapshot *s);

/* The longest id kept, in bytes.  The Hub's own limit has varied (legacy
 * ids of 2021 reach 257 bytes): generous, so that no item it ever served is
 * lost, yet bounded so a hostile listing cannot make one id megabytes. */
#define HT_ID_MAX 1024
/* A repository id the Hub could produce: 1..HT_ID_MAX bytes, "name" or
 * "owner/name", ASCII letters, digits, '-', '_', '.' (and printable
 * non-ASCII letters in valid UTF-8), no control, bidirectional or
 * zero-width characters, no "..", no leading or trailing '/' '-' '.'.
 * Items with other ids are rejected. */
int table_id_valid(const char *id);
/* Why an id is refused, as a phrase ("no id", "an id longer than 1024
 * bytes", "invalid UTF-8 in its id", ...), NULL when it is valid. */
const char *table_id_problem(const char *id);

/* Text that may reach a terminal or a spreadsheet: valid UTF-8, at most max
 * bytes, no control, C1, bidirectional or zero-width formatting characters. */
int table_text_valid(const char *s, size_t max);

/* Owner part of an id into buf ("gpt2" owns itself). */
void table_owner_of(const char *id, char *buf, size_t len);

/* Account index by name, or UINT32_MAX.  Binary search: accounts are sorted. */
uint32_t table_find_account(const struct ht_snapshot *s, const char *name);
/* Row of an id in a table, or UINT32_MAX.  Builds a hash index on first use
 * (not thread-safe; O(n) once, O(1) after). */
uint32_t table_find_id(const struct ht_snapshot *s, enum ht_kind k, const char *id);
/* Term index, or 0 when the term is not in the snapshot. */
uint32_t table_find_term(const struct ht_snapshot *s, const char *term);

/* Parses "2024-05-01T12:00:00.000Z" (and date-only) into unix seconds; -1 on error. */
int64_t table_parse_time(const char *iso);

/* A large array for the derived data of a snapshot, on huge pages where the
 * system allows: arrays read at random then miss the TLB far less, and
 * fresh memory costs fewer page faults.  Not cleared; release with free(). */
/* The threads a bulk job (import, export) runs on: tuned when not 0, else
 * one per online core; at most max. */
unsigned table_threads(unsigned tuned, unsigned max);
void *table_big_alloc(size_t size);
/* Asks for huge pages under the whole 2 MiB blocks inside [p, p + len) of
 * a block from malloc: a fault every 2 MiB instead of every 4 KiB when it
 * is first written, while the block stays the allocator's to reuse.  A
 * hint: failure is harmless.  A system call. */
void table_huge_hint(void *p, size_t len);

#endif

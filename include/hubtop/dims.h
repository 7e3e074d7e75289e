/* dims.h - the layers of the ecosystem as dimensions of items: a model's
 * relation to its base (and its depth in the chain of bases), the
 * language(s) of models and datasets, a model's size in parameters; their
 * buckets and words, the filter's tests, shares over a result, and the
 * ranking of base models by their derivatives.
 *
 * Relation (from the base_model: tags, stored as lineage links): a model
 * without a link is an original; with links, the most telling of their
 * relations, merge > quantized > adapter > finetune (a plain base_model:X
 * counts as finetune).  Depth: 0 for an original, else 1 + the deepest of
 * its bases in the snapshot (a base outside it counts 0); a cycle of links
 * is cut where the walk meets it again.  Datasets are originals.  An item
 * the listing gave no tags (HT_F_NO_TAGS) is of unknown relation, depth 0.
 *
 * Language: the item's language:xx tags.  Bucket "unknown" for none,
 * "multilingual" for several (or the tag language:multilingual), else the
 * one language.  Size: the listing's safetensors total, else gguf's;
 * unknown (never 0) without them.
 *
 * Owns: the per-row relation, depth, language (16 bits a row; 32 past
 * 65,536 language buckets) and size bucket of each table, made by
 * dims_prepare on first use (O(rows + links), 40-90 ms of CPU for 2M
 * models: the links and lists are in the listing's order, read at random)
 * and kept by the engine; the lineage's bases and their chains, made by
 * the first dims_bases (30-60 ms for 2M models, about 4 bytes a link and
 * 20 a base) and kept; the shares and bases it hands out (free them).
 * Not thread-safe, as the engine.
 */
#ifndef HUBTOP_DIMS_H
#define HUBTOP_DIMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "hubtop/engine.h"

/* DREL_UNKNOWN: the listing gave the item no tags (HT_F_NO_TAGS). */
enum dims_rel { DREL_ORIGINAL = 0, DREL_FINETUNE, DREL_ADAPTER, DREL_QUANTIZED, DREL_MERGE, DREL_UNKNOWN,
		DREL_COUNT };
enum dims_size {
	DSIZE_100M = 0, /* < 100M */
	DSIZE_1B,       /* 100M - 1B */
	DSIZE_10B,      /* 1B - 10B */
	DSIZE_100B,     /* 10B - 100B */
	DSIZE_HUGE,     /* >= 100B */
	DSIZE_UNKNOWN,
	DSIZE_COUNT
};
/* Language buckets 0 and 1; a result's other buckets are one language each. */
enum { DLANG_UNKNOWN = 0, DLANG_MULTI = 1 };

const char *dims_rel_key(int rel);        /* "original", "finetune", ... */
int dims_rel_find(const char *key);       /* -1 when unknown */
const char *dims_size_key(int bucket);    /* "<100M", "100M-1B", ..., "unknown" */
int dims_size_bucket(uint64_t params);    /* 0 (unknown) -> DSIZE_UNKNOWN */
/* A parameter count as written by a user: "7B", "1.5B", "350M", "20k",
 * "125000000".  0 ok; -1 when it is not one. */
int dims_parse_count(const char *s, uint64_t *out);
/* A count in the same words, rounded to 2 or 3 digits: 7B, 1.5B, 350M, 20k. */
void dims_fmt_count(uint64_t n, char *buf, size_t len);
/* A count exactly, with the largest suffix that keeps it whole: 7B, 1500M,
 * 123456 (dims_parse_count reads it back). */
void dims_fmt_exact(uint64_t n, char *buf, size_t len);

/* Readies the per-row dimensions of kind (done on first use otherwise).
 * 0 ok, -1 out of memory. */
int dims_prepare(struct engine *e, enum ht_kind kind);
/* 1 when dims_prepare has made them (engine_prepare_step makes them too). */
int dims_ready(const struct engine *e, enum ht_kind kind);
/* Per row of kind: enum dims_rel, depth (capped at 255), and the language
 * bucket in the snapshot's numbering (dims_lang_*).  NULL when memory ran out. */
const uint8_t *dims_relations(struct engine *e, enum ht_kind kind);
const uint8_t *dims_depths(struct engine *e, enum ht_kind kind);
/* The snapshot's languages: bucket b >= 2 is the term of "language:CODE";
 * dims_lang_code gives CODE ("unknown", "multilingual" for 0 and 1). */
uint32_t dims_lang_count(struct engine *e);
const char *dims_lang_code(struct engine *e, uint32_t bucket);
/* An item's language bucket. */
uint32_t dims_item_lang(struct engine *e, enum ht_kind kind, uint32_t row);

/* Whether the dimension keys of f (relation, language, size) pass row of
 * kind.  1 when f sets none of them.  O(the row's languages). */
int dims_filter_active(const struct filter *f);
int dims_row_matches(struct engine *e, const struct filter *f, enum ht_kind kind, uint32_t row);

/* The filter pass's form of the same tests (engine_apply): narrow arrays
 * in the window's rank order (made on first use: the 30-day order is the
 * rows', the all-time one a copy), tested 64 ranks at a time.  Only the
 * multilingual items under a --language naming codes read their tags. */
struct dims_test {
	const uint8_t *rel;        /* by rank; NULL: no relation test */
	uint32_t rel_mask;
	int use_size;
	const uint64_t *params;    /* by rank, 0 unknown; NULL: no sizes at all */
	uint64_t from, to;
	const uint16_t *lang;      /* by rank; both NULL: no language test */
	const uint32_t *lang_wide; /* instead, past 65,536 language buckets */
	uint8_t *lang_pass;        /* per bucket: 1 passes, 2 ask the item's tags */
	const uint32_t *perm;      /* rank -> row; NULL: rank == row */
	struct engine *e;
	const struct filter *f;
	enum ht_kind kind;
};
/* 0 ok (t ready, free it with dims_test_free), -1 out of memory. */
int dims_test_init(struct dims_test *t, struct engine *e, const struct filter *f, enum ht_kind kind, int win,
		   const uint32_t *perm);
/* The ranks base .. base + 63 among cand that pass (cnt < 64: only the
 * first cnt are read). */
uint64_t dims_test_word(const struct dims_test *t, uint32_t base, unsigned cnt, uint64_t cand);
void dims_test_free(struct dims_test *t);

/* Shares of a result by each dimension, overall and by year (the year
 * buckets of engine.h).  Counts every match; downloads are those with a
 * count in the window.  O(matches + languages log languages); the size
 * medians select among the known sizes of each year (O(n) expected). */
struct dims_shares {
	struct eng_bucket rel[DREL_COUNT];
	struct eng_bucket rel_year[ENG_YEARS][DREL_COUNT];
	uint64_t depth[8];               /* matches at depth 0..6, 7 and more */
	struct eng_bucket size[DSIZE_COUNT];
	struct eng_bucket size_year[ENG_YEARS][DSIZE_COUNT];
	/* Per year (index ENG_YEARS: overall), the matches of known size:
	 * how many, the median and the mean weighted by window downloads
	 * (NAN without downloads). */
	uint64_t size_known[ENG_YEARS + 1];
	uint64_t size_median[ENG_YEARS + 1];
	double size_wmean[ENG_YEARS + 1];
	uint32_t n_lang;                 /* buckets (dims_lang_count) */
	struct eng_bucket *lang;         /* n_lang */
	struct eng_bucket *lang_year;    /* ENG_YEARS * n_lang, year-major */
	/* Bucket numbers ordered by count, descending, then code; the
	 * buckets with no match left out: n_lang_used of them. */
	uint32_t *lang_order;
	uint32_t n_lang_used;
};
struct dims_shares *dims_shares(struct engine *e, const struct eng_result *r);
void dims_shares_free(struct dims_shares *d);

/* One base model: the matches that name it (direct) and those that have
 * it anywhere up their chain (chain, each counted once), with their
 * window downloads, and the direct ones by relation.  Grouped by
 * organisation (dims_bases' by_owner), the name is the owner part. */
struct dims_base {
	const char *id;                  /* its first id_len bytes name the row */
	size_t id_len;
	uint32_t row;                    /* its row among the models, UINT32_MAX outside */
	uint64_t direct, chain;
	uint64_t direct_downloads, chain_downloads;
	uint64_t by_rel[DREL_COUNT];     /* direct, by the link's relation */
};
/* The bases of the matches of r (models), by direct derivatives
 * descending, then chain, then id; by_owner: by the owner of the base id.
 * Returns how many (*out malloc'd, the caller frees it), (size_t)-1 when
 * memory runs out.  O(matches + links of matches naming several bases x
 * their chains + bases' chains + bases log bases): a match naming one
 * base is added to it, and each base's count spread up its chain once.
 * The first call makes the lineage's pieces (see above). */
size_t dims_bases(struct engine *e, const struct eng_result *r, int by_owner, struct dims_base **out);
/* The same, only the first limit of that order (0: all): O(matches x
 * chain length + bases log limit), what the report prints. */
size_t dims_bases_top(struct engine *e, const struct eng_result *r, int by_owner, size_t limit,
		      struct dims_base **out);
/* The matches of r that name base (an id) directly, in rank order, into a
 * malloc'd array (*out).  Returns how many, (size_t)-1 out of memory. */
size_t dims_derivatives(struct engine *e, const struct eng_result *r, const char *base, uint32_t **out);

/* The report's parts for these dimensions (report_dims.c), for one table:
 * JSON members by_relation, relation_by_year, depth, by_language,
 * by_size, size_by_year, bases and base_orgs added to section (a cJSON
 * object); the text, a few blocks.  A dimension the snapshot does not know
 * for any match (no tags, no sizes) says so instead of showing zeros.
 * 0 ok, -1 out of memory. */
struct cJSON;
int dims_report_json(struct cJSON *section, struct engine *e, const struct eng_result *r);
int dims_report_text(FILE *fp, struct engine *e, const struct eng_result *r);
/* How many bases the report lists. */
#define DIMS_REPORT_BASES 20

#endif

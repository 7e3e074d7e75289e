/* listing.h - Hub listing items (JSON, as /api/models and /api/datasets
 * answer them) into struct ht_item, and whole files of them into a builder.
 *
 * Tolerant by design: a field missing, null or of the wrong type is left
 * out and counted as a warning; the item is kept if its id is valid.
 */
#ifndef HUBTOP_LISTING_H
#define HUBTOP_LISTING_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "hubtop/table.h"

struct listing_stats {
	uint64_t items;        /* added to the builder */
	uint64_t duplicates;   /* dropped: seen before */
	uint64_t rejected;     /* dropped: no valid id */
	uint64_t warnings;     /* fields left out */
	uint64_t bad_lines;    /* JSON Lines: lines that are not JSON */
	/* First problems, for the user: "FILE:LINE: what". */
	char first_problem[512];
};

/* Fills it from one JSON object (strings borrowed from obj; tags past
 * n_tags are left as they were).  Returns 0, or -1 when the item has no
 * usable id. */
int listing_item(const cJSON *obj, struct ht_item *it, unsigned *warnings);

/* The memory for a page's JSON values, kept from one page to the next by a
 * caller that adds many in a row (a crawl, a journal replay).  One page at
 * a time: an arena is not shared by pages parsed at once. */
struct listing_arena;
/* limit: the most bytes the values of one page may take (0: as many as
 * fit), so that a small text of countless tiny values cannot take all
 * memory. */
struct listing_arena *listing_arena_new(size_t limit);
void listing_arena_free(struct listing_arena *a);

/* Adds every item of a JSON array text (one page), its values in arena
 * (NULL: memory of its own, returned before it returns).  Returns 0, -1
 * when the text is not a JSON array, -2 when its values pass the arena's
 * limit or memory is short (nothing added either way). */
int listing_add_page(struct ht_builder *b, enum ht_kind kind, const char *text, size_t len,
		     struct listing_stats *st, struct listing_arena *arena);

/* listing_add_page in two halves, for a caller that parses one page on a
 * thread while another thread adds the page before (the crawl's pipeline).
 * listing_parse_page parses the text into arena (required; the text may go
 * once it returns): the array, valid until listing_arena_reset(arena), or
 * NULL with *rc -1 (not a JSON array) or -2 (past the arena's limit, or
 * memory short).  listing_add_parsed adds its items to the builder; it
 * allocates nothing from the arena, so it may run on another thread. */
cJSON *listing_parse_page(const char *text, size_t len, struct listing_arena *arena, int *rc);
void listing_add_parsed(struct ht_builder *b, enum ht_kind kind, const cJSON *root,
			struct listing_stats *st);
void listing_arena_reset(struct listing_arena *a);

/* Reads a JSON array or JSON Lines stream.  JSON Lines are parsed on every
 * core (listing_import_tune): batches of whole lines, read and parsed ahead
 * on other threads (which also check the ids, hash the keys and copy what
 * the builder reads of an item together) while this one adds the items in
 * file order, so the builder gets the same items in the same order as from
 * one thread, and the same stats. */
/* Reads a JSON array or JSON Lines stream.  Returns 0, or -1 with a message
 * in err (unreadable, empty, not JSON at all). */
int listing_import(FILE *fp, const char *name, struct ht_builder *b, enum ht_kind kind,
		   struct listing_stats *st, char *err, size_t errlen);

/* Threads that parse JSON Lines (0, the default: one per core, at most 4;
 * 1: this thread alone, line by line) and the bytes of lines a batch (0:
 * 1 MB).  Not thread-safe: call before importing. */
void listing_import_tune(unsigned threads, size_t batch_bytes);

#endif

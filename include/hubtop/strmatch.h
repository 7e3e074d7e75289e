/* strmatch.h - matching two lists of strings by content: the rows of two
 * snapshots by id (a period's start and end, a history delta and its
 * base) and the strings of two pools (a delta's new strings).  The one
 * place hubtop hashes strings in bulk; history.c and engine_period.c both
 * call it.
 *
 * How: the strings of the list looked in are hashed (a word at a time)
 * into two open-addressing tables of (hash tag, index) in 64 bits, one per
 * half of the hash space, each filled in index order by one of two
 * threads; the strings looked for are then split between the two threads,
 * in batches whose table slots are fetched ahead.  A string is compared
 * only when its 32-bit tag agrees.  Cost: 2M ids against 1.25M, 0.33-0.45 s
 * of CPU on a host loaded 4 times over (most of it cache misses), less
 * wall time when the second core is free; memory 8 bytes per string looked
 * in (its hash) and 16 (two slots), freed on return.
 * The result does not depend on the threads: equal strings in the list
 * looked in give the first (lowest index) of them, as table_find_id. */
#ifndef HUBTOP_STRMATCH_H
#define HUBTOP_STRMATCH_H

#include <stdint.h>

#include "hubtop/table.h"

#define STRMATCH_NONE UINT32_MAX

/* at[i]: the lowest j with strings bpool + boff[j] and apool + aoff[i]
 * equal, STRMATCH_NONE when there is none.  0, or -1 when memory runs out
 * (at[] is then undefined). */
int strmatch(const char *apool, const uint32_t *aoff, uint32_t na, const char *bpool,
	     const uint32_t *boff, uint32_t nb, uint32_t *at);

/* at[i]: the row of `from` whose id is the id of row i of `to` (kind's
 * table), STRMATCH_NONE when from has no such id.  0, or -1 out of memory. */
int strmatch_rows(const struct ht_snapshot *to, const struct ht_snapshot *from, enum ht_kind kind,
		  uint32_t *at);

/* The hash strmatch uses, of n bytes at p (exposed for its tests). */
uint64_t strmatch_hash(const char *p, size_t n);

#endif

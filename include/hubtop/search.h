/* search.h - case-insensitive substring search over the ids of one table.
 *
 * A needle matches a row when its id contains the needle, comparing bytes
 * with ASCII letters folded to lower case (other bytes, UTF-8 included,
 * must be equal).  Answers are bitmaps indexed by table row, so they combine
 * with the engine's other per-row tests word by word.
 *
 * Owns: struct search_index and everything it points to, but the ids:
 *  - per row, its id's length (the ids are read where the snapshot keeps
 *    them, letters folded as they are compared; a copy of the pool's last
 *    bytes, padded);
 *  - per character class (a-z 0-9 - _ . / and "any other byte"), a bitmap
 *    of the rows holding it;
 *  - per pair of classes, the rows holding it (per 4,096 rows a sorted
 *    list coded in bytes, about 1.1 a row, or a bitmap when that list
 *    would take 512 bytes or more);
 *  - the answers to the prefixes of the needle typed last, each with, per
 *    match, where its first match starts and the 8 bytes after it.
 * It borrows the snapshot's string pool and id column: it must not
 * outlive the snapshot.  Only search.c writes this state; search_match
 * changes it, so an index serves one thread at a time.
 *
 * Memory: about the bytes of the ids (the pair sets 0.78x, lengths, class
 * bitmaps and their directory 8 bytes an id: 71 MB for 2M models), 40 KB of
 * scratch, plus, while cached, n / 8 bytes and 13 bytes a match per prefix
 * of the needle (about 14 MB for "llama-instruct" typed over 2M models).
 *
 * Cost: search_new is one pass over the ids in row order, O(bytes): 0.8 to
 * 1 s of CPU for 2M models (78 MB of ids) on a 2-core VM shared with other
 * work, so build it ahead of the first keystroke.  search_match:
 *  - one letter of a-z 0-9 - _ . /: O(1), the class bitmap itself;
 *  - two such letters: a copy of the pair's rows, O(n / 64);
 *  - anything else: a few passes over n / 64 words (under 1 ms for 2M
 *    rows), plus:
 *    - extending a cached prefix (typing): per match of the prefix holding
 *      the new pairs, a look at the bytes kept after its first match
 *      (about 6 ns, mostly copying them to the new answer); the id is
 *      read (about 30 ns) only when those run out, every 8 letters, or
 *      differ and the prefix may occur again;
 *    - otherwise (the third letter, a pasted needle, a needle with bytes
 *      outside the classes): the ids holding the needle's three rarest
 *      pairs are read, about 45 ns each (at random in the snapshot's pool).
 *      This is the costliest call: the third letter of a common word
 *      reads 100 to 350 thousand of 2M ids, 6 to 15 ms on an idle
 *      machine (search_refine does it in idle time after two letters);
 *  - a needle equal to a cached prefix (erasing back, retyping): O(1).
 * Needles longer than the longest id answer at once, with no matches.
 */
#ifndef HUBTOP_SEARCH_H
#define HUBTOP_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "hubtop/table.h"

struct search_index;

/* Indexes the ids of table kind of s.  NULL on out of memory, or when the
 * ids (with a NUL each) pass 4 GB. */
struct search_index *search_new(const struct ht_snapshot *s, enum ht_kind kind);
void search_free(struct search_index *x);

/* Rows whose id contains needle: a bitmap by table row, (n + 63) / 64
 * words, bit r % 64 of word r / 64 for row r, no bits set past n.  Owned by
 * the index, read-only, valid until the next call on x.  *count: number of
 * matching rows.  NULL (count 0) for an empty needle. */
const uint64_t *search_match(struct search_index *x, const char *needle, uint32_t *count);

/* Work for idle time: the answer to the needle given last, when it came
 * from the pair sets alone (two letters), gets per match where it first
 * occurs and the bytes after it, so the next letter reads those instead of
 * the ids (the third letter of a common word: 4-5 ms instead of 6-15 ms on
 * 2M models).  Costs what that next letter would have: the ids of the
 * matches are read once.  Answers are unchanged.  1 when it did that work,
 * 0 when there is none, -1 on out of memory (the answer stays valid). */
int search_refine(struct search_index *x);

/* Idle time: the cached answers to needles no longer typed (prefixes of
 * an earlier needle) give back their memory (their arrays freed, their
 * bitmaps' pages returned to the system); the needle typed last keeps
 * its prefixes.  Answers are unchanged; a bitmap search_match returned
 * before is no longer valid.  Returns the bytes given back.  O(levels). */
size_t search_trim(struct search_index *x);

/* Bytes held by the index, cached answers included. */
size_t search_memory(const struct search_index *x);

#endif

/* strarena.h - strings copied into chunks that never move.
 *
 * For names read once and kept as long as their owner (directory entries,
 * attribution's extra accounts): pointers into the arena stay valid until
 * strarena_free.  Owns the chunks; one writer.
 *
 * Cost: O(len) a copy, one allocation per 16 KB of strings (or per longer
 * string).
 */
#ifndef HUBTOP_STRARENA_H
#define HUBTOP_STRARENA_H

#include <stddef.h>

struct strarena_chunk;

struct strarena {
	struct strarena_chunk *chunks;   /* zero-initialise before use */
};

/* A NUL-terminated copy of s[0..len); NULL when memory runs out. */
char *strarena_dup(struct strarena *a, const char *s, size_t len);
void strarena_free(struct strarena *a);

#endif

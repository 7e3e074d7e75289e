/* strarena.c - strings copied into chunks that never move (see strarena.h). */
#include <stdlib.h>
#include <string.h>

#include "hubtop/strarena.h"

#define STRARENA_CHUNK 16384

struct strarena_chunk {
	struct strarena_chunk *next;
	size_t used, cap;
	char data[];
};

char *strarena_dup(struct strarena *a, const char *s, size_t len)
{
	struct strarena_chunk *c = a->chunks;
	char *out;
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > STRARENA_CHUNK ? len + 1 : STRARENA_CHUNK;
		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = a->chunks;
		a->chunks = c;
	}
	out = c->data + c->used;
	memcpy(out, s, len);
	out[len] = '\0';
	c->used += len + 1;
	return out;
}

void strarena_free(struct strarena *a)
{
	struct strarena_chunk *c = a->chunks;
	while (c) {
		struct strarena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->chunks = NULL;
}

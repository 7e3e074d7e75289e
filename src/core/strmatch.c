/* strmatch.c - two lists of strings matched by content (strmatch.h). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/strmatch.h"

/* Below this many strings a second thread costs more than it saves. */
#define STRMATCH_THREAD_MIN 65536u
#define BATCH 32u

uint64_t strmatch_hash(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 29;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	h = (h ^ w) * 0x94d049bb133111ebull;
	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return h;
}

static inline uint64_t hash_at(const char *pool, uint32_t off)
{
	const char *s = pool + off;
	return strmatch_hash(s, strlen(s));
}

/* Two tables, one per value of the hash's top bit: each is filled by one
 * thread alone, in index order, so that the first of equal strings is the
 * first met on its probe path whichever thread ran when. */
struct sm {
	const char *apool, *bpool;
	const uint32_t *aoff, *boff;
	uint32_t na, nb;
	uint32_t *at;
	uint64_t *h;       /* the b strings' hashes */
	uint64_t *slot[2]; /* tag (hash's high 32 bits) << 32 | (index + 1); 0 empty */
	uint64_t mask;     /* of one table */
};

static void sm_hash_part(struct sm *m, int part)
{
	uint32_t lo = part ? m->nb / 2 : 0, hi = part ? m->nb : m->nb / 2;
	for (uint32_t j = lo; j < hi; j++) {
		if (j + 8 < hi)
			__builtin_prefetch(m->bpool + m->boff[j + 8]);
		m->h[j] = hash_at(m->bpool, m->boff[j]);
	}
}

static void sm_build_part(struct sm *m, int part)
{
	uint64_t *slot = m->slot[part];
	for (uint32_t j0 = 0; j0 < m->nb; j0 += BATCH) {
		uint32_t nj = m->nb - j0 < BATCH ? m->nb - j0 : BATCH;
		for (uint32_t j = j0; j < j0 + nj; j++)
			if ((int)(m->h[j] >> 63) == part)
				__builtin_prefetch(&slot[m->h[j] & m->mask], 1);
		for (uint32_t j = j0; j < j0 + nj; j++) {
			uint64_t h = m->h[j], i = h & m->mask;
			if ((int)(h >> 63) != part)
				continue;
			while (slot[i])
				i = (i + 1) & m->mask;
			slot[i] = (h & 0xffffffff00000000ull) | ((uint64_t)j + 1);
		}
	}
}

/* The first index of b equal to s (hash h) past the slot's candidate. */
static uint32_t sm_walk(const struct sm *m, uint64_t h, const char *s)
{
	const uint64_t *slot = m->slot[h >> 63];
	uint64_t i = h & m->mask, tag = h & 0xffffffff00000000ull;
	for (; slot[i]; i = (i + 1) & m->mask)
		if ((slot[i] & 0xffffffff00000000ull) == tag) {
			uint32_t j = (uint32_t)(slot[i] & 0xffffffffu) - 1;
			if (!strcmp(m->bpool + m->boff[j], s))
				return j;
		}
	return STRMATCH_NONE;
}

/* Each lookup touches four random places (its string, the slot, the
 * candidate's offset and string): a batch goes through them stage by
 * stage, each stage fetching what the next reads, so the misses overlap. */
static void sm_probe_part(struct sm *m, int part)
{
	uint32_t lo = part ? m->na / 2 : 0, hi = part ? m->na : m->na / 2;
	uint64_t h[BATCH];
	uint32_t cand[BATCH];
	for (uint32_t i0 = lo; i0 < hi; i0 += BATCH) {
		uint32_t nb = hi - i0 < BATCH ? hi - i0 : BATCH;
		for (uint32_t j = 0; j < nb; j++) {
			h[j] = hash_at(m->apool, m->aoff[i0 + j]);
			__builtin_prefetch(&m->slot[h[j] >> 63][h[j] & m->mask]);
		}
		for (uint32_t j = i0 + BATCH; j < i0 + 2 * BATCH && j < hi; j++)
			__builtin_prefetch(m->apool + m->aoff[j]);
		for (uint32_t j = 0; j < nb; j++) {
			const uint64_t *slot = m->slot[h[j] >> 63];
			uint64_t i = h[j] & m->mask, tag = h[j] & 0xffffffff00000000ull;
			cand[j] = STRMATCH_NONE;
			for (; slot[i]; i = (i + 1) & m->mask)
				if ((slot[i] & 0xffffffff00000000ull) == tag) {
					cand[j] = (uint32_t)(slot[i] & 0xffffffffu) - 1;
					__builtin_prefetch(&m->boff[cand[j]]);
					break;
				}
		}
		for (uint32_t j = 0; j < nb; j++)
			if (cand[j] != STRMATCH_NONE)
				__builtin_prefetch(m->bpool + m->boff[cand[j]]);
		for (uint32_t j = 0; j < nb; j++) {
			const char *s = m->apool + m->aoff[i0 + j];
			/* The first candidate is nearly always the one; else the
			 * plain walk, which compares at every equal tag. */
			if (cand[j] == STRMATCH_NONE || !strcmp(m->bpool + m->boff[cand[j]], s))
				m->at[i0 + j] = cand[j];
			else
				m->at[i0 + j] = sm_walk(m, h[j], s);
		}
	}
}

enum { STAGE_HASH, STAGE_BUILD, STAGE_PROBE };

struct sm_job {
	struct sm *m;
	int stage, part;
};

static void sm_run(struct sm *m, int stage, int part)
{
	if (stage == STAGE_HASH)
		sm_hash_part(m, part);
	else if (stage == STAGE_BUILD)
		sm_build_part(m, part);
	else
		sm_probe_part(m, part);
}

static void *sm_thread(void *arg)
{
	struct sm_job *j = arg;
	sm_run(j->m, j->stage, j->part);
	return NULL;
}

/* Both parts of a stage: the second on a thread of its own when the lists
 * are long enough (or inline when no thread can be made). */
static void sm_stage(struct sm *m, int stage, int threads)
{
	struct sm_job job = { m, stage, 1 };
	pthread_t th;
	if (threads && pthread_create(&th, NULL, sm_thread, &job) == 0) {
		sm_run(m, stage, 0);
		pthread_join(th, NULL);
		return;
	}
	sm_run(m, stage, 0);
	sm_run(m, stage, 1);
}

int strmatch(const char *apool, const uint32_t *aoff, uint32_t na, const char *bpool,
	     const uint32_t *boff, uint32_t nb, uint32_t *at)
{
	struct sm m = { apool, bpool, aoff, boff, na, nb, at, NULL, { NULL, NULL }, 0 };
	uint64_t cap = 8; /* of one table: the two hold 2 slots a string */
	int threads = (uint64_t)na + nb >= STRMATCH_THREAD_MIN;

	while (cap < nb)
		cap *= 2;
	m.mask = cap - 1;
	m.h = table_big_alloc(((size_t)nb + 1) * sizeof *m.h);
	m.slot[0] = table_big_alloc(cap * sizeof *m.slot[0]);
	m.slot[1] = table_big_alloc(cap * sizeof *m.slot[1]);
	if (!m.h || !m.slot[0] || !m.slot[1]) {
		free(m.h);
		free(m.slot[0]);
		free(m.slot[1]);
		return -1;
	}
	memset(m.slot[0], 0, cap * sizeof *m.slot[0]);
	memset(m.slot[1], 0, cap * sizeof *m.slot[1]);
	sm_stage(&m, STAGE_HASH, threads);
	sm_stage(&m, STAGE_BUILD, threads);
	sm_stage(&m, STAGE_PROBE, threads);
	free(m.h);
	free(m.slot[0]);
	free(m.slot[1]);
	return 0;
}

int strmatch_rows(const struct ht_snapshot *to, const struct ht_snapshot *from, enum ht_kind kind,
		  uint32_t *at)
{
	return strmatch(to->pool, to->t[kind].id, to->t[kind].n, from->pool, from->t[kind].id,
			from->t[kind].n, at);
}

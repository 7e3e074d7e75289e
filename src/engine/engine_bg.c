/* engine_bg.c - the pieces that are functions of the snapshot and the
 * attribution alone (each table's search index and order by name, the
 * accounts' ranks by name: on 2M models 0.7-1.2 s, 1.0-1.7 s and 0.1-0.2 s
 * each, the longest of the idle work), made on a worker thread.  Made in an
 * idle step of the main thread, each held the keys for as long; on the
 * worker, the main thread answers keys and makes the other pieces
 * meanwhile.  The worker reads the snapshot (never written) and writes only
 * its own results; the main thread takes each in once made
 * (eng_bg_collect), waiting for it when an answer needs it first. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <time.h>

#include "engine_priv.h"

#define BG_BIT(kind, piece) (1u << ((kind) * ENG_BG_PIECES + (piece)))
/* The accounts' ranks by name (engine_rank.c, name_rank): kind
 * HT_KIND_COUNT, piece the name they rank by. */
#define BG_ALL ((1u << ((HT_KIND_COUNT + 1) * ENG_BG_PIECES)) - 1)

static void bg_ready(struct eng_bg *b, unsigned bit)
{
	pthread_mutex_lock(&b->lock);
	b->ready |= bit;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

/* One table's pieces, each written before it is said ready. */
static void bg_table(struct eng_bg *b, enum ht_kind k)
{
	uint32_t n = b->e->s->t[k].n, *p = NULL;
	/* The search index first: the first key typed may be a search. */
	if (n && (b->want & BG_BIT(k, ENG_BG_SEARCH)))
		b->sx[k] = search_new(b->e->s, k);
	bg_ready(b, BG_BIT(k, ENG_BG_SEARCH));
	if (n && (b->want & BG_BIT(k, ENG_BG_NAMES)) && (p = malloc(((size_t)n + 1) * sizeof *p)) &&
	    eng_build_perm(b->e->s, k, SORT_NAME, p)) {
		free(p);
		p = NULL;
	}
	b->name_perm[k] = p;
	bg_ready(b, BG_BIT(k, ENG_BG_NAMES));
}

static void *bg_main(void *arg)
{
	struct eng_bg *b = arg;
	bg_table(b, HT_MODELS);
	/* Reads the attribution and the directory, set before the engine
	 * was made and never written after. */
	for (int w = 0; w < ENG_BG_PIECES; w++) {
		if (w < ENG_BG_RANKS && (b->want & BG_BIT(HT_KIND_COUNT, w)))
			b->acct_rank[w] = eng_name_rank_make(b->e, w);
		bg_ready(b, BG_BIT(HT_KIND_COUNT, w)); /* (every bit of the slot) */
	}
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if (k != HT_MODELS)
			bg_table(b, (enum ht_kind)k);
	return NULL;
}

void eng_bg_start(struct engine *e)
{
	struct eng_bg *b = &e->bg;
	if (b->state != ENG_BG_IDLE)
		return;
	b->state = ENG_BG_OFF; /* one try: else the idle steps make them */
	b->want = 0;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		if (e->k[k].n && !e->k[k].sx)
			b->want |= BG_BIT(k, ENG_BG_SEARCH);
		if (e->k[k].n && !e->k[k].perm[SORT_NAME])
			b->want |= BG_BIT(k, ENG_BG_NAMES);
	}
	for (int w = 0; w < ENG_BG_RANKS; w++)
		if (e->a->n_accounts && !e->name_rank[w])
			b->want |= BG_BIT(HT_KIND_COUNT, w);
	if (!b->want)
		return;
	b->e = e;
	b->ready = b->taken = 0;
	if (pthread_mutex_init(&b->lock, NULL))
		return;
	if (pthread_cond_init(&b->cond, NULL)) {
		pthread_mutex_destroy(&b->lock);
		return;
	}
#ifdef __GLIBC__
	/* One heap for every thread: in a heap of its own, the worker's
	 * pieces and what its scratch left around them cost 15 MB more
	 * resident on 2M + 500K items; the threads that share it allocate
	 * seldom. */
	mallopt(M_ARENA_MAX, 1);
#endif
	if (pthread_create(&b->thread, NULL, bg_main, b)) {
		pthread_cond_destroy(&b->cond);
		pthread_mutex_destroy(&b->lock);
		return;
	}
	b->state = ENG_BG_RUNNING;
}

/* Takes in the pieces made and not yet taken (under the lock). */
static void bg_take(struct engine *e)
{
	struct eng_bg *b = &e->bg;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		if ((b->ready & ~b->taken) & BG_BIT(k, ENG_BG_SEARCH)) {
			/* A piece the worker could not make (memory) is made
			 * again on first use or in an idle step. */
			if (!kd->sx)
				kd->sx = b->sx[k];
			else
				search_free(b->sx[k]);
			b->sx[k] = NULL;
			b->taken |= BG_BIT(k, ENG_BG_SEARCH);
		}
		if ((b->ready & ~b->taken) & BG_BIT(k, ENG_BG_NAMES)) {
			if (!kd->perm[SORT_NAME])
				kd->perm[SORT_NAME] = b->name_perm[k];
			else
				free(b->name_perm[k]);
			b->name_perm[k] = NULL;
			b->taken |= BG_BIT(k, ENG_BG_NAMES);
		}
	}
	for (int w = 0; w < ENG_BG_RANKS; w++)
		if ((b->ready & ~b->taken) & BG_BIT(HT_KIND_COUNT, w)) {
			if (!e->name_rank[w])
				e->name_rank[w] = b->acct_rank[w];
			else
				free(b->acct_rank[w]);
			b->acct_rank[w] = NULL;
			b->taken |= BG_BIT(HT_KIND_COUNT, w);
		}
}

int eng_bg_collect(struct engine *e, int kind, int piece, long wait_ms)
{
	struct eng_bg *b = &e->bg;
	unsigned need, all = BG_ALL;
	int rc;
	if (b->state != ENG_BG_RUNNING)
		return 0;
	need = kind < 0 ? all : BG_BIT(kind, piece);
	pthread_mutex_lock(&b->lock);
	if (wait_ms < 0) {
		while ((b->ready & need) != need)
			pthread_cond_wait(&b->cond, &b->lock);
	} else if (wait_ms > 0 && (b->ready & need) != need) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait_ms / 1000;
		ts.tv_nsec += (wait_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while ((b->ready & need) != need && pthread_cond_timedwait(&b->cond, &b->lock, &ts) != ETIMEDOUT)
			;
	}
	bg_take(e);
	rc = (b->ready & need) != need;
	if (b->ready != all) {
		pthread_mutex_unlock(&b->lock);
		return rc;
	}
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->thread, NULL);
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
	b->state = ENG_BG_OFF;
#ifdef __GLIBC__
	/* The worker's scratch, freed around its pieces, left pages in the
	 * heap that eng_release_unused may have trimmed before (a few ms). */
	malloc_trim(0);
#endif
	return 0;
}

/* engine_focus.c - the other attribution mode's organisation view made on
 * a worker thread (engine_focus_begin, engine.h).
 *
 * The worker gets a copy of struct engine: every lazily made piece it
 * finds missing, and every field it sets, it sets in that copy; the
 * arrays it makes are its own.  What it reads through the copy's pointers
 * (the snapshot's columns, the attribution, the windows' orders, the
 * order by creation, the years and the period's columns) is made before
 * it starts and is neither changed nor freed by the asking thread while
 * it runs: engine_prepare_step does nothing meanwhile, and the calls that
 * would free those (engine_focus to the other mode, a period's change,
 * engine_free) wait for it first.  Once joined, the new view's slots move
 * from the copy to the engine: a swap of pointers.
 */
#include "engine_priv.h"
#include <pthread.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

struct eng_focus_job {
	pthread_t th;
	struct engine sh;  /* the worker's copy of the engine */
	int m;             /* the organisation view it makes: VIEW_DEF + mode */
	unsigned kinds;    /* bit k: kind k's view is made */
	atomic_int cancel; /* set by the asking thread: stop and throw away */
	atomic_int done;   /* set by the worker when it ends */
	int rc;            /* the worker's: 0 made, 1 stopped early, -1 out of memory */
};

static void *focus_main(void *arg)
{
	struct eng_focus_job *j = arg;
	int rc = 0;
	for (int k = 0; k < HT_KIND_COUNT && !rc; k++) {
		if (!((j->kinds >> k) & 1))
			continue;
		for (unsigned piece = 0;; piece++) {
			int r;
			if (atomic_load_explicit(&j->cancel, memory_order_relaxed)) {
				rc = 1;
				break;
			}
			if ((r = eng_view_piece(&j->sh, (enum ht_kind)k, j->m, piece)) <= 0) {
				rc = r;
				break;
			}
		}
	}
	j->rc = rc;
	atomic_store_explicit(&j->done, 1, memory_order_release);
	return NULL;
}

/* The slots of organisation view m of one table (those eng_view_drop
 * frees), from the worker's copy to the engine: the engine's are empty
 * (engine_focus_begin dropped any part made before). */
static void view_move(struct kdata *to, struct kdata *from, int m)
{
	int b = m - VIEW_DEF;
	for (int w = 0; w < ENG_WINDOWS; w++) {
		struct ord *o = &to->o[w], *f = &from->o[w];
		o->cell[m] = f->cell[m];
		o->acct_own[m] = f->acct_own[m];
		o->acct[m] = f->acct[m];
		o->grank[m] = f->grank[m];
		o->cell_ranks[m] = f->cell_ranks[m];
		o->cell_ranks_off[m] = f->cell_ranks_off[m];
		to->aorder[m][w] = from->aorder[m][w];
		to->apos[m][w] = from->apos[m][w];
		to->gdownloads[m][w] = from->gdownloads[m][w];
	}
	to->ctot[m] = from->ctot[m];
	to->cused[m] = from->cused[m];
	to->ncused[m] = from->ncused[m];
	to->atot[m] = from->atot[m];
	to->aperiod[m] = from->aperiod[m];
	to->acreated[m] = from->acreated[m];
	to->goff[m] = from->goff[m];
	to->gperm[m] = from->gperm[m];
	to->glikes[m] = from->glikes[m];
	to->gcreated[m] = from->gcreated[m];
	to->gcreated32[m] = from->gcreated32[m];
	to->cell_by_created[m] = from->cell_by_created[m];
	to->cell_by_created_off[m] = from->cell_by_created_off[m];
	to->acls_n[m] = from->acls_n[m];
	to->acls_off[m] = from->acls_off[m];
	to->acct_cls[m] = from->acct_cls[m];
	to->cls_type[m] = from->cls_type[m];
	to->cls_cg[m] = from->cls_cg[m];
	to->cell_trending[m] = from->cell_trending[m];
	to->acct_trending[m] = from->acct_trending[m];
	to->gtrending[m] = from->gtrending[m];
	to->org_item[b] = from->org_item[b];
	to->org_nacc[b] = from->org_nacc[b];
}

struct eng_grave {
	pthread_t th;
	struct engine g;   /* a copy holding the view's slots */
	int m;
	unsigned kinds;
};

static void *grave_main(void *arg)
{
	struct eng_grave *gr = arg;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if ((gr->kinds >> k) & 1)
			eng_view_drop(&gr->g, (enum ht_kind)k, gr->m);
	return NULL;
}

int eng_view_bury(struct engine *e, int m)
{
	int b = m - VIEW_DEF;
	struct eng_grave *gr;
	struct kdata *none;
	eng_grave_join(e);
	if (!(gr = calloc(1, sizeof *gr)) || !(none = calloc(1, sizeof *none))) {
		free(gr);
		return -1;
	}
	gr->g = *e;
	gr->m = m;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		/* (as eng_view_drop: a view shared by the two modes stays) */
		if (eng_view_owned(e, (enum ht_kind)k, b))
			gr->kinds |= 1u << k;
	if (!gr->kinds || pthread_create(&gr->th, NULL, grave_main, gr) != 0) {
		int none_to_free = !gr->kinds;
		free(gr);
		free(none);
		return none_to_free ? 0 : -1;
	}
	/* The engine forgets the view now: the thread's copy alone holds it. */
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if ((gr->kinds >> k) & 1)
			view_move(&e->k[k], none, m);
	free(none);
	e->grave = gr;
	return 0;
}

void eng_grave_join(struct engine *e)
{
	if (!e->grave)
		return;
	pthread_join(e->grave->th, NULL);
	free(e->grave);
	e->grave = NULL;
#ifdef __GLIBC__
	/* The view's arrays came partly from the heap: give its free pages
	 * back, or the other mode's view stays resident. */
	malloc_trim(0);
#endif
}

/* Joins the worker and hands its view to the engine, or frees it when
 * the build was cancelled. */
static void focus_end(struct engine *e)
{
	struct eng_focus_job *j = e->job;
	int keep;
	pthread_join(j->th, NULL);
	e->job = NULL;
	keep = !atomic_load_explicit(&j->cancel, memory_order_relaxed) && j->rc >= 0;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		if (!((j->kinds >> k) & 1))
			continue;
		if (keep)
			view_move(&e->k[k], &j->sh.k[k], j->m);
		else
			eng_view_drop(&j->sh, (enum ht_kind)k, j->m);
	}
	free(j);
#ifdef __GLIBC__
	if (!keep)
		malloc_trim(0);
#endif
}

int engine_focus_begin(struct engine *e, enum attrib_mode by)
{
	int m = VIEW_DEF + (by == ATTRIB_LINEAGE);
	unsigned kinds = 0;
	struct eng_focus_job *j;
	if (!e)
		return -1;
	if (e->job) {
		if (e->job->m != m) {
			/* (the mode shown: the build of the other is not wanted) */
			engine_focus_cancel(e);
			return 1;
		}
		atomic_store_explicit(&e->job->cancel, 0, memory_order_relaxed);
		return 0;
	}
	if (engine_mode_ready(e, by))
		return 1;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		if (!kd->n || eng_view_at(e, k, m) != m || kd->atot[m])
			continue;
		/* Any part of the view made on first use goes: the worker makes
		 * all of it, and the engine's slots must be empty to take it. */
		eng_view_drop(e, (enum ht_kind)k, m);
		/* What the worker reads and would otherwise make (engine.h). */
		if (eng_ord_perm(e, (enum ht_kind)k, 0) || eng_ord_perm(e, (enum ht_kind)k, 1) ||
		    !eng_get_perm(e, (enum ht_kind)k, SORT_CREATED))
			return -1;
		kinds |= 1u << k;
	}
	if (!kinds)
		return 1;
	if (!(j = calloc(1, sizeof *j)))
		return -1;
	j->sh = *e;
	/* The scratch the asking thread writes is not the worker's: it has
	 * none (a path that wanted one would fault here, in the tests, rather
	 * than race). */
	j->sh.touched = NULL;
	j->sh.key_sums = NULL;
	j->sh.key_trending = NULL;
	j->sh.cube = NULL;
	j->sh.cell_ok = NULL;
	j->sh.cbits = NULL;
	j->sh.acct_bits = NULL;
	j->sh.org_bits = NULL;
	j->sh.job = NULL;
	j->sh.grave = NULL;
	/* Nor the pieces of engine_bg.c's worker: the copy neither waits
	 * for nor takes them. */
	j->sh.bg.state = ENG_BG_OFF;
	j->m = m;
	j->kinds = kinds;
	atomic_init(&j->cancel, 0);
	atomic_init(&j->done, 0);
	if (pthread_create(&j->th, NULL, focus_main, j) != 0) {
		free(j);
		return -1;
	}
	e->job = j;
	return 0;
}

int engine_focus_poll(struct engine *e)
{
	if (!e || !e->job)
		return 1;
	if (!atomic_load_explicit(&e->job->done, memory_order_acquire))
		return 0;
	focus_end(e);
	return 1;
}

void engine_focus_wait(struct engine *e)
{
	if (e && e->job)
		focus_end(e);
}

void engine_focus_cancel(struct engine *e)
{
	if (e && e->job)
		atomic_store_explicit(&e->job->cancel, 1, memory_order_relaxed);
}

int engine_focus_building(const struct engine *e)
{
	return e && e->job && !atomic_load_explicit(&e->job->cancel, memory_order_relaxed);
}

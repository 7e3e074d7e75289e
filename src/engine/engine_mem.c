/* engine_mem.c - what the engine's derived data holds, piece by piece
 * (engine_memory, engine_result_memory): the figures `make bench` prints
 * and the explorer's memory budget is checked against.
 *
 * Every piece is a malloc'd array (table_big_alloc included), so its size
 * is what the allocator handed out for it; nothing here allocates, a
 * piece not yet made counts 0, and an array two views share counts once.
 * Not thread-safe (neither is the engine).
 */
#include "engine_priv.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Pieces shared by two views (the datasets' two modes are one) count once:
 * the arrays reported so far in this call. */
#define SEEN_MAX 1024
static const void *seen[SEEN_MAX];
static unsigned n_seen;

static size_t sz(const void *p)
{
	if (!p)
		return 0;
	for (unsigned i = 0; i < n_seen; i++)
		if (seen[i] == p)
			return 0;
	if (n_seen < SEEN_MAX)
		seen[n_seen++] = p;
#ifdef __GLIBC__
	return malloc_usable_size((void *)p);
#else
	return 0;
#endif
}

static size_t ms_size(const struct match_set *ms)
{
	return sz(ms->bits) + sz(ms->wcnt) + sz(ms->wdl);
}

static const char *const view_names[ENG_VIEWS] = { "account/uploader", "account/lineage",
						     "org/uploader", "org/lineage" };

/* Reports one piece when it holds anything. */
static void put(eng_memory_fn fn, void *ctx, enum ht_kind kind, const char *piece, int view,
		size_t bytes)
{
	if (bytes)
		fn(ctx, kind, piece, view >= 0 ? view_names[view] : NULL, bytes);
}

static void ord_memory(const struct ord *o, enum ht_kind kind, int win, eng_memory_fn fn, void *ctx)
{
	static const char *const order[2] = { "30-day rank copies", "all-time order and copies" };
	size_t b = sz(o->perm) + sz(o->rank) + sz(o->dl_own) + sz(o->uni) + sz(o->likes_own) +
		   sz(o->flags_own) + sz(o->created) + sz(o->trending_own) + sz(o->sbits);
	for (int c = 0; c < TERM_COLS; c++)
		b += sz(o->term[c]);
	put(fn, ctx, kind, order[win], -1, b);
	put(fn, ctx, kind, win ? "all-time rank records" : "30-day rank records", -1, sz(o->rec));
	put(fn, ctx, kind, win ? "all-time unfiltered answer" : "30-day unfiltered answer", -1,
	    ms_size(&o->every));
	for (int v = 0; v < ENG_VIEWS; v++) {
		put(fn, ctx, kind, win ? "all-time cells by rank" : "30-day cells by rank", v,
		    sz(o->cell[v]));
		put(fn, ctx, kind, win ? "all-time ranks by cell" : "30-day ranks by cell", v,
		    sz(o->cell_ranks[v]) + sz(o->cell_ranks_off[v]));
		put(fn, ctx, kind, win ? "all-time accounts by rank" : "30-day accounts by rank", v,
		    sz(o->acct_own[v]));
		put(fn, ctx, kind, "account groups as all-time ranks", v, sz(o->grank[v]));
	}
}

void engine_memory(const struct engine *e, eng_memory_fn fn, void *ctx)
{
	static const char *const sort_piece[SORT_KEY_COUNT] = {
		"items by downloads", "items by likes", "items by trending",
		"items by creation", "items by count", "items by name"
	};
	if (!e || !fn)
		return;
	n_seen = 0;
	{
		size_t b = sizeof *e + sz(e->cg_country) + sz(e->cg_group) + sz(e->acct_cg) + sz(e->cube) +
			   sz(e->cell_ok) + sz(e->cbits) + sz(e->acct_bits) + sz(e->org_bits) +
			   sz(e->key_sums) + sz(e->key_trending) + sz(e->touched);
		put(fn, ctx, HT_KIND_COUNT, "scratch: cube, bitmaps, sums", -1, b);
		put(fn, ctx, HT_KIND_COUNT, "accounts by name", -1, sz(e->acct_sorted));
		put(fn, ctx, HT_KIND_COUNT, "accounts' ranks by name", -1,
		    sz(e->name_rank[0]) + sz(e->name_rank[1]) + sz(e->name_rank[2]));
		put(fn, ctx, HT_KIND_COUNT, "accounts' names for the text filter", -1,
		    sz(e->names_buf) + sz(e->names_off) + sz(e->names_listed));
	}
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const struct kdata *kd = &e->k[k];
		enum ht_kind kind = (enum ht_kind)k;
		size_t b = sz(kd->year);
		for (int c = 0; c < TERM_COLS; c++)
			b += sz(kd->term_code[c]);
		put(fn, ctx, kind, "years and term codes", -1, b);
		for (int w = 0; w < 2; w++)
			ord_memory(&kd->o[w], kind, w, fn, ctx);
		for (int v = 0; v < ENG_VIEWS; v++) {
			put(fn, ctx, kind, "cell and account totals", v,
			    sz(kd->ctot[v]) + sz(kd->cused[v]) + sz(kd->atot[v]) + sz(kd->aperiod[v]) +
				    sz(kd->acreated[v]) + sz(kd->acct_cls[v]) +
				    sz(kd->cls_type[v]) + sz(kd->cls_cg[v]));
			put(fn, ctx, kind, "account groups (rows)", v, sz(kd->goff[v]) + sz(kd->gperm[v]));
			{
				size_t cb = sz(kd->glikes[v]) + sz(kd->gcreated[v]) + sz(kd->gcreated32[v]);
				for (int w = 0; w < ENG_WINDOWS; w++)
					cb += sz(kd->gdownloads[v][w].d64) + sz(kd->gdownloads[v][w].d32) +
					     sz(kd->gdownloads[v][w].big);
				put(fn, ctx, kind, "account groups (columns)", v, cb);
			}
			put(fn, ctx, kind, "cells by creation", v,
			    sz(kd->cell_by_created[v]) + sz(kd->cell_by_created_off[v]));
			put(fn, ctx, kind, "accounts by downloads", v,
			    sz(kd->aorder[v][0]) + sz(kd->aorder[v][1]) + sz(kd->acls_n[v]) +
				    sz(kd->acls_off[v]) + sz(kd->apos[v][0]) + sz(kd->apos[v][1]));
			put(fn, ctx, kind, "trending totals", v,
			    sz(kd->cell_trending[v]) + sz(kd->acct_trending[v]) + sz(kd->gtrending[v]));
		}
		for (int m = 0; m < ATTRIB_MODE_COUNT; m++)
			put(fn, ctx, kind, "item organisations", ATTRIB_MODE_COUNT + m,
			    sz(kd->org_item[m]) + sz(kd->org_nacc[m]));
		put(fn, ctx, kind, "search index", -1, kd->sx ? search_memory(kd->sx) : 0);
		{
			size_t rows, lineage;
			eng_dims_memory(e, kind, sz, &rows, &lineage);
			put(fn, ctx, kind, "relation, depth, language by row", -1, rows);
			put(fn, ctx, kind, "lineage: bases and their chains", -1, lineage);
		}
		put(fn, ctx, kind, "task and library totals", -1,
		    sz(kd->ttot[0]) + sz(kd->ttot[1]) + sz(kd->ttot_order[0]) + sz(kd->ttot_order[1]));
		for (int s = 0; s < SORT_KEY_COUNT; s++)
			put(fn, ctx, kind, sort_piece[s], -1, sz(kd->perm[s]));
		put(fn, ctx, kind, "items by modification", -1, sz(kd->perm[SORT_MODIFIED]));
	}
}

size_t engine_result_memory(const struct eng_result *r)
{
	const struct result_priv *p = (const struct result_priv *)r;
	if (!r)
		return 0;
	n_seen = 0;
	return sz(p) + sz(r->by_country) + sz(r->year_country) + sz(p->country_x) + sz(p->ctr) +
	       sz(p->cls_ok) + (p->rbits != p->ms.bits ? sz(p->rbits) : 0) + ms_size(&p->ms) +
	       sz(p->rows) + sz(p->aseen) + sz(p->own);
}

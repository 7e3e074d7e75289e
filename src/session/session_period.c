/* session_period.c - a period window (--window since:DATE, A..B) resolved
 * to two snapshots of the cache's history and handed to the engine
 * (session.h, session_set_window). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/civil.h"
#include "hubtop/demo.h"
#include "hubtop/history.h"
#include "hubtop/rowmap.h"
#include "hubtop/session.h"

#define NO_HISTORY_HINT                                                                  \
	"every complete `hubtop fetch` and every `hubtop import FILE --as-of DATE` adds one " \
	"to the history; `hubtop history` lists them"

static void day_of(int64_t t, char *buf, size_t len)
{
	if (civil_iso_date(t, buf, len) < 0)
		snprintf(buf, len, "an unknown date");
}

/* Drops the period: the engine forgets its start before it is freed. */
static void clear_period(struct session *s)
{
	char err[8];
	s->period_early = 0;
	if (s->eng)
		engine_set_period(s->eng, NULL, err, sizeof err);
	table_free(s->period_start);
	s->period_start = NULL;
}

void session_clear_period(struct session *s)
{
	clear_period(s);
}

/* Makes snap (from the history) the open snapshot: its attribution and
 * engine replace the session's.  On failure the session is unchanged. */
static int open_end(struct session *s, struct ht_snapshot *snap, const char *date, char *err, size_t errlen)
{
	struct attrib *a = attrib_build(snap, s->dir);
	struct engine *e = a ? engine_new(snap, a, s->dir) : NULL;
	if (!a || !e) {
		attrib_free(a);
		table_free(snap);
		snprintf(err, errlen, "out of memory while opening the snapshot of %s", date);
		return -1;
	}
	clear_period(s);
	engine_free(s->eng);
	attrib_free(s->attr);
	table_free(s->snap);
	s->snap = snap;
	s->attr = a;
	s->eng = e;
	/* As --snapshot DATE: a reload opens the same day again. */
	snprintf(s->snapshot_path, sizeof s->snapshot_path, "%s", date);
	snprintf(s->history_date, sizeof s->history_date, "%s", date);
	s->demo_fallback = 0;
	return 0;
}

/* The built-in demo with an empty history (a fresh machine): its months
 * before, derived from it (demo_back), stand for the history, as the
 * Timeline pane's series does.  The month nearest to the start asked for,
 * 1 .. DEMO_PERIOD_MONTHS back. */
#define DEMO_PERIOD_MONTHS 5u

static unsigned demo_months_back(const struct session *s, int64_t from)
{
	unsigned best = 1;
	int64_t bestd = INT64_MAX;
	for (unsigned m = 1; m <= DEMO_PERIOD_MONTHS; m++) {
		int64_t d = demo_month_back(s->snap->meta.as_of, m) - from;
		d = d < 0 ? -d : d;
		if (d < bestd) {
			bestd = d;
			best = m;
		}
	}
	return best;
}

static int demo_period(struct session *s, const struct filter *f, const char *asked, char *err, size_t errlen)
{
	struct ht_snapshot *start;
	char end_day[16];
	if (f->period_to > 0) {
		day_of(s->snap->meta.as_of, end_day, sizeof end_day);
		if (f->period_to - s->snap->meta.as_of > 86400 * 16 || s->snap->meta.as_of - f->period_to > 86400 * 16) {
			snprintf(err, errlen, "--window %s: on the built-in demo a period ends at its date, %s: "
				 "use --window since:DATE (or make a history: hubtop demo --history 6)",
				 asked, end_day);
			return -1;
		}
	}
	if (!(start = demo_back(s->snap, demo_months_back(s, f->period_from), DEMO_DEFAULT_SEED))) {
		snprintf(err, errlen, "out of memory while deriving the demo's earlier months");
		return -1;
	}
	if (engine_set_period(s->eng, start, err, errlen) != 0) {
		table_free(start);
		return -1;
	}
	s->period_start = start;
	s->period_from = f->period_from;
	s->period_to = f->period_to;
	return 0;
}

/* The period's start matched to end through the maps of both against the
 * base they share in the history (history_load_map, rowmap_compose): no
 * id hashed but those new to the base in both.  NULL when a map is
 * missing, refused or out of memory: the caller then matches as without. */
static struct eng_period_prep *period_composed(const struct ht_snapshot *end, const struct ht_snapshot *start,
					       uint32_t *const emap[HT_KIND_COUNT],
					       uint32_t *const smap[HT_KIND_COUNT], char *err, size_t errlen)
{
	uint32_t *at[HT_KIND_COUNT] = { NULL };
	int k;
	for (k = 0; k < HT_KIND_COUNT; k++) {
		at[k] = table_big_alloc(((size_t)end->t[k].n + 1) * sizeof *at[k]);
		if (!at[k] || rowmap_compose(end, emap[k], start, smap[k], (enum ht_kind)k, at[k]) != 0) {
			for (int j = 0; j <= k; j++)
				free(at[j]);
			return NULL;
		}
	}
	/* The composed maps become the period's: no copy. */
	return engine_period_prepare_taking(end, start, at, err, errlen);
}

/* The period's start matched to end through the row map kept by the last
 * start-up with the same two snapshots (rowmap.h); else by its ids, and
 * *keep is set: the map made is then to be kept (period_keep_map) for the
 * next time.  A missing, stale or damaged map only costs the matching. */
static struct eng_period_prep *period_matched(const char *cache_dir, const struct ht_snapshot *end,
					      const struct ht_snapshot *start, int *keep, char *err, size_t errlen)
{
	uint32_t *map[HT_KIND_COUNT];
	struct eng_period_prep *p;
	*keep = 0;
	if (rowmap_load(cache_dir, end, start, map) == 0 &&
	    (p = engine_period_prepare_taking(end, start, map, err, errlen)))
		return p;
	if ((p = engine_period_prepare(end, start, NULL, err, errlen)))
		*keep = 1;
	return p;
}

/* Keeps the map of the period just set; one that cannot be written costs
 * nothing but the next start-up's matching. */
static void period_keep_map(struct session *s)
{
	const uint32_t *match[HT_KIND_COUNT];
	struct store_err se;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		match[k] = engine_period_match(s->eng, (enum ht_kind)k);
	memset(&se, 0, sizeof se);
	(void)rowmap_save(s->cache_dir, s->snap, engine_period_start(s->eng), match, &se);
}

static void free_maps(uint32_t *map[HT_KIND_COUNT])
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		free(map[k]);
		map[k] = NULL;
	}
}

/* The history's entry of a period's start since `from`, for an end of the
 * date end_as_of: the nearest, or when that is the end itself or later,
 * the latest before.  Its index, or -1 with err. */
static long pick_start(struct history *h, int64_t end_as_of, int64_t from, const char *asked, char *err,
		       size_t errlen)
{
	long i = history_nearest(h, from);
	char end_day[16];
	if (end_as_of <= 0 || history_at(h, (size_t)i)->as_of >= end_as_of) {
		long before = -1;
		for (size_t j = 0; j < history_count(h); j++)
			if (history_at(h, j)->as_of < end_as_of)
				before = (long)j;
		if (before < 0 || end_as_of <= 0) {
			day_of(end_as_of, end_day, sizeof end_day);
			snprintf(err, errlen, "--window %s: the history holds no snapshot before the end of the "
				 "period (the snapshot of %s), so there is nothing to compare it with: %s",
				 asked, end_day, NO_HISTORY_HINT);
			return -1;
		}
		i = before;
	}
	return i;
}

/* The start, entry i of the history h, loaded (*startp; its checksum on a
 * thread of its own until store_check_finish(*check), and its map against
 * its base in smap).  0, or -1 with err. */
static int load_start(struct history *h, long i, const char *asked, struct ht_snapshot **startp,
		      uint32_t *smap[HT_KIND_COUNT], struct store_check **check, char *err, size_t errlen)
{
	struct store_err se;
	memset(&se, 0, sizeof se);
	if (!(*startp = history_load_map_start(h, (size_t)i, smap, check, &se))) {
		snprintf(err, errlen, "--window %s: cannot load the snapshot of %s from the history: %s", asked,
			 history_at(h, (size_t)i)->date, se.msg);
		return -1;
	}
	return 0;
}

/* The start loaded (load_start) matched to end (the open snapshot): the
 * engine's half of the period (*prep; *keep: keep its map).  emap: end's
 * map against its base when a period A..B loaded it (end_base names the
 * base), else looked for here.  Takes start and check: on failure the
 * start is freed.  Reads only the snapshots and the cache: safe on
 * another thread (session_period_begin).  0, or -1 with err. */
static int match_start(struct history *h, long i, struct ht_snapshot *start, uint32_t *smap[HT_KIND_COUNT],
		       struct store_check *check, const char *cache_dir, const struct ht_snapshot *end,
		       uint32_t *emap[HT_KIND_COUNT], const char *end_base_in, const char *asked,
		       struct eng_period_prep **prep, int *keep, char *err, size_t errlen)
{
	const struct history_entry *he = history_at(h, (size_t)i);
	struct store_err se;
	char end_day[16], end_base[64];
	*prep = NULL;
	*keep = 0;
	snprintf(end_base, sizeof end_base, "%s", end_base_in);
	day_of(end->meta.as_of, end_day, sizeof end_day);
	/* The open snapshot as the history's of its day, added as a delta:
	 * its map against the base, when the ids are those it was added with. */
	if (!end_base[0]) {
		long e = history_find_date(h, end_day);
		const struct history_entry *ee = e >= 0 ? history_at(h, (size_t)e) : NULL;
		if (ee && ee->base[0] && !strcmp(ee->base, history_base_of(he)) &&
		    history_row_map(h, (size_t)e, rowmap_fingerprint(end), emap) == 0)
			snprintf(end_base, sizeof end_base, "%s", ee->base);
	}
	/* Both ends from the history on one base: their maps against it
	 * make the period's (a delta's map is the one its add matched). */
	if (end_base[0] && !strcmp(end_base, history_base_of(he)))
		*prep = period_composed(end, start, emap, smap, err, errlen);
	free_maps(smap);
	if (!*prep && !(*prep = period_matched(cache_dir, end, start, keep, err, errlen))) {
		size_t l = strlen(err);
		snprintf(err + l, errlen > l ? errlen - l : 0, " (--window %s)", asked);
		memset(&se, 0, sizeof se);
		store_check_finish(check, &se);
		table_free(start);
		return -1;
	}
	memset(&se, 0, sizeof se);
	if (store_check_finish(check, &se) != 0) {
		snprintf(err, errlen, "--window %s: cannot load the snapshot of %s from the history: %s", asked,
			 he->date, se.msg);
		engine_period_prep_free(*prep);
		*prep = NULL;
		table_free(start);
		return -1;
	}
	return 0;
}

/* The start of a period since `from` ending at end: picked, loaded and
 * matched (above), in one go.  0 (*startp, *prep, *keep), or -1 with err. */
static int resolve_start(struct history *h, const char *cache_dir, const struct ht_snapshot *end,
			 uint32_t *emap[HT_KIND_COUNT], const char *end_base, int64_t from, const char *asked,
			 struct ht_snapshot **startp, struct eng_period_prep **prep, int *keep, char *err,
			 size_t errlen)
{
	uint32_t *smap[HT_KIND_COUNT] = { NULL };
	struct store_check *check;
	long i = pick_start(h, end->meta.as_of, from, asked, err, errlen);
	*startp = NULL;
	*prep = NULL;
	*keep = 0;
	if (i < 0 || load_start(h, i, asked, startp, smap, &check, err, errlen) != 0)
		return -1;
	if (match_start(h, i, *startp, smap, check, cache_dir, end, emap, end_base, asked, prep, keep, err,
			errlen) != 0) {
		*startp = NULL;
		return -1;
	}
	return 0;
}

/* Gives the engine the period resolved (start, prep), for filter f. */
static int period_adopt(struct session *s, const struct filter *f, struct ht_snapshot *start,
			struct eng_period_prep *prep, int keep, char *err, size_t errlen)
{
	clear_period(s);
	if (engine_set_period_prepared(s->eng, prep, err, errlen) != 0) {
		table_free(start);
		return -1;
	}
	s->period_start = start;
	s->period_from = f->period_from;
	s->period_to = f->period_to;
	if (keep)
		period_keep_map(s);
	return 0;
}

/* ---- a period resolved while the session opens -------------------------- */

struct session_pending {
	pthread_t th;
	char cache_dir[4096];
	int64_t from, end_as_of; /* end_as_of: the date of the end, from its header */
	char asked[64];
	/* The end, once the session has loaded it (session_period_end):
	 * ready 0 while it waits, 1 given (end), -1 none to come. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready;
	const struct ht_snapshot *end;
	/* What the thread made: */
	int rc, keep;
	struct ht_snapshot *start;
	struct eng_period_prep *prep;
	char err[1024];
};

/* The start picked and loaded while the session loads the end; then,
 * once it has the end, matched to it. */
static void *pending_main(void *arg)
{
	struct session_pending *p = arg;
	struct store_err se;
	struct history *h = history_open(p->cache_dir, &se);
	uint32_t *emap[HT_KIND_COUNT] = { NULL }, *smap[HT_KIND_COUNT] = { NULL };
	struct ht_snapshot *start = NULL;
	struct store_check *check = NULL;
	long i = -1;
	p->rc = -1;
	if (h && history_count(h) >= 1 &&
	    (i = pick_start(h, p->end_as_of, p->from, p->asked, p->err, sizeof p->err)) >= 0 &&
	    load_start(h, i, p->asked, &start, smap, &check, p->err, sizeof p->err) != 0)
		i = -1;
	pthread_mutex_lock(&p->mu);
	while (!p->ready)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	if (start && (p->ready < 0 || p->end->meta.as_of != p->end_as_of)) {
		/* No end, or not the one whose header was read: none of it. */
		free_maps(smap);
		store_check_finish(check, &se);
		table_free(start);
		start = NULL;
	}
	if (start) {
		p->rc = match_start(h, i, start, smap, check, p->cache_dir, p->end, emap, "", p->asked, &p->prep,
				    &p->keep, p->err, sizeof p->err);
		p->start = p->rc == 0 ? start : NULL;
	}
	free_maps(emap);
	history_free(h);
	return NULL;
}

void session_period_begin(struct session *s, const struct filter *f, int64_t end_as_of)
{
	struct session_pending *p;
	session_period_drop(s);
	if (!f || f->window != WIN_PERIOD || f->period_to > 0 || !(p = calloc(1, sizeof *p)))
		return;
	p->from = f->period_from;
	p->end_as_of = end_as_of;
	snprintf(p->cache_dir, sizeof p->cache_dir, "%s", s->cache_dir);
	filter_get(f, "window", p->asked, sizeof p->asked);
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return;
	}
	if (pthread_cond_init(&p->cv, NULL) != 0 || pthread_create(&p->th, NULL, pending_main, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		free(p);
		return;
	}
	s->pending = p;
}

void session_period_end(struct session *s, const struct ht_snapshot *end)
{
	struct session_pending *p = s->pending;
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	if (!p->ready) {
		p->end = end;
		p->ready = end ? 1 : -1;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Waits for the thread; its answer, when it resolved f for the open
 * snapshot (not the demo standing in for the cache's), else NULL. */
static struct session_pending *pending_take(struct session *s, const struct filter *f)
{
	struct session_pending *p = s->pending;
	if (!p)
		return NULL;
	session_period_end(s, NULL); /* never given: it stops waiting */
	s->pending = NULL;
	pthread_join(p->th, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	if (p->rc == 0 && f && f->window == WIN_PERIOD && f->period_to <= 0 && p->from == f->period_from &&
	    s->snap && p->end == s->snap && !s->demo_fallback)
		return p;
	engine_period_prep_free(p->prep);
	table_free(p->start);
	free(p);
	return NULL;
}

void session_period_drop(struct session *s)
{
	free(pending_take(s, NULL)); /* (none fits no filter) */
}

static int set_window(struct session *s, const struct filter *f, int reopen, char *err, size_t errlen)
{
	struct store_err se;
	struct history *h;
	const struct history_entry *he;
	struct ht_snapshot *start;
	struct eng_period_prep *prep;
	struct session_pending *p;
	char end_day[16], asked[64], end_base[64] = "";
	uint32_t *emap[HT_KIND_COUNT] = { NULL };
	int rc, keep;
	long i;
	if (f->window != WIN_PERIOD) {
		session_period_drop(s);
		return 0;
	}
	clear_period(s);
	/* Resolved while the session opened: taken as it is.  Else (another
	 * window, or it failed: the message is made again here) as without. */
	if ((p = pending_take(s, f))) {
		rc = period_adopt(s, f, p->start, p->prep, p->keep, err, errlen);
		s->period_early = rc == 0;
		free(p);
		return rc;
	}
	filter_get(f, "window", asked, sizeof asked);
	memset(&se, 0, sizeof se);
	if (!(h = history_open(s->cache_dir, &se))) {
		snprintf(err, errlen, "out of memory while reading the history");
		return -1;
	}
	if (history_count(h) < 1 && s->demo_fallback && s->snap->meta.as_of > 0) {
		history_free(h);
		clear_period(s);
		return demo_period(s, f, asked, err, errlen);
	}
	if (history_count(h) < 1) {
		snprintf(err, errlen, "--window %s: the history in %s holds no snapshot, and a period needs "
			 "two (the one at its start and the one at its end): %s%s%s", asked, s->cache_dir,
			 NO_HISTORY_HINT, se.msg[0] ? "; " : "", se.msg);
		history_free(h);
		return -1;
	}
	if (f->period_to > 0 || s->demo_fallback) {
		/* The end: the snapshot nearest to the date asked for; without
		 * one, the open snapshot, unless that is the built-in demo
		 * standing in for an empty cache: then the history's latest. */
		i = f->period_to > 0 ? history_nearest(h, f->period_to) : (long)history_count(h) - 1;
		he = history_at(h, (size_t)i);
		day_of(s->snap->meta.as_of, end_day, sizeof end_day);
		/* The built-in demo is the history's latest when the latter was
		 * made by `hubtop demo --history` with the same sizes. */
		int other = strcmp(he->date, end_day) != 0 ||
			    (s->demo_fallback && (he->items[HT_MODELS] != s->snap->t[HT_MODELS].n ||
						  he->items[HT_DATASETS] != s->snap->t[HT_DATASETS].n));
		if (other) {
			struct ht_snapshot *end;
			if (!reopen) {
				snprintf(err, errlen, "--window %s: the period ends at the snapshot of %s, which is "
					 "not the one open here (%s): start hubtop with --window %s to open it, or "
					 "pick a period since a date", asked, he->date, end_day, asked);
				history_free(h);
				return -1;
			}
			end = history_load_map(h, (size_t)i, emap, &se);
			if (end)
				snprintf(end_base, sizeof end_base, "%s", history_base_of(he));
			if (!end) {
				snprintf(err, errlen, "--window %s: cannot load the snapshot of %s from the history: %s",
					 asked, he->date, se.msg);
				history_free(h);
				return -1;
			}
			if (open_end(s, end, he->date, err, errlen)) {
				free_maps(emap);
				history_free(h);
				return -1;
			}
		}
	}
	rc = resolve_start(h, s->cache_dir, s->snap, emap, end_base, f->period_from, asked, &start, &prep, &keep,
			   err, errlen);
	history_free(h);
	free_maps(emap);
	if (rc != 0) {
		clear_period(s);
		return -1;
	}
	return period_adopt(s, f, start, prep, keep, err, errlen);
}

int session_set_window(struct session *s, const struct filter *f, char *err, size_t errlen)
{
	return set_window(s, f, 1, err, errlen);
}

int session_set_window_here(struct session *s, const struct filter *f, char *err, size_t errlen)
{
	return set_window(s, f, 0, err, errlen);
}

int session_period_ready(const struct session *s, const struct filter *f)
{
	if (f->window != WIN_PERIOD)
		return 1;
	return s->period_start && s->eng && engine_period_start(s->eng) == s->period_start &&
	       s->period_from == f->period_from && s->period_to == f->period_to;
}

size_t session_windows(struct session *s, struct filter *out, size_t max)
{
	struct store_err se;
	struct history *h;
	size_t n = 0;
	if (max < 2)
		return 0;
	filter_init(&out[n]);
	out[n++].window = WIN_30D;
	filter_init(&out[n]);
	out[n++].window = WIN_ALL;
	if (!s->snap || s->snap->meta.as_of <= 0 || !(h = history_open(s->cache_dir, &se)))
		return n;
	if (!history_count(h) && s->demo_fallback) {
		/* A fresh machine: the built-in demo's months before it. */
		for (unsigned m = 1; m <= DEMO_PERIOD_MONTHS && n < max; m++) {
			filter_init(&out[n]);
			out[n].window = WIN_PERIOD;
			out[n++].period_from = demo_month_back(s->snap->meta.as_of, m);
		}
	}
	/* The latest earlier snapshot first: the shortest period. */
	for (size_t j = history_count(h); j-- > 0 && n < max;) {
		const struct history_entry *he = history_at(h, j);
		if (he->as_of >= s->snap->meta.as_of || !he->complete || he->demo != s->snap->meta.demo)
			continue;
		filter_init(&out[n]);
		out[n].window = WIN_PERIOD;
		out[n].period_from = he->as_of - he->as_of % 86400; /* its day */
		n++;
	}
	history_free(h);
	return n;
}

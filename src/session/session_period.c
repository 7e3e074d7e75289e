/* session_period.c - a period window (--window since:DATE, A..B) resolved
 * to two snapshots of the cache's history and handed to the engine
 * (session.h, session_set_window). */
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

/* engine_set_period_matched through the maps of end and start against
 * the base they share in the history (history_load_map, rowmap_compose):
 * no id hashed but those new to the base in both.  -1 when a map is
 * missing or out of memory: the caller then opens it as without. */
static int period_composed(struct session *s, const struct ht_snapshot *start, uint32_t *const emap[HT_KIND_COUNT],
			   uint32_t *const smap[HT_KIND_COUNT], char *err, size_t errlen)
{
	uint32_t *at[HT_KIND_COUNT] = { NULL };
	const uint32_t *match[HT_KIND_COUNT];
	int k, rc = -1;
	for (k = 0; k < HT_KIND_COUNT; k++) {
		at[k] = table_big_alloc(((size_t)s->snap->t[k].n + 1) * sizeof *at[k]);
		if (!at[k] || rowmap_compose(s->snap, emap[k], start, smap[k], (enum ht_kind)k, at[k]) != 0)
			goto done;
		match[k] = at[k];
	}
	rc = engine_set_period_matched(s->eng, start, match, err, errlen);
done:
	for (k = 0; k < HT_KIND_COUNT; k++)
		free(at[k]);
	return rc;
}

/* engine_set_period through the row map kept by the last start-up with
 * the same two snapshots (rowmap.h); else it matches the ids, and the map
 * it made is kept for the next time.  A missing, stale or damaged map only
 * costs the matching; one that cannot be written, nothing. */
static int period_open(struct session *s, const struct ht_snapshot *start, char *err, size_t errlen)
{
	uint32_t *map[HT_KIND_COUNT];
	const uint32_t *match[HT_KIND_COUNT];
	struct store_err se;
	int rc;
	if (rowmap_load(s->cache_dir, s->snap, start, map) == 0) {
		for (int k = 0; k < HT_KIND_COUNT; k++)
			match[k] = map[k];
		rc = engine_set_period_matched(s->eng, start, match, err, errlen);
		rowmap_free(map);
		if (rc == 0)
			return 0;
	}
	if (engine_set_period(s->eng, start, err, errlen) != 0)
		return -1;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		match[k] = engine_period_match(s->eng, (enum ht_kind)k);
	memset(&se, 0, sizeof se);
	(void)rowmap_save(s->cache_dir, s->snap, start, match, &se);
	return 0;
}

static void free_maps(uint32_t *map[HT_KIND_COUNT])
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		free(map[k]);
		map[k] = NULL;
	}
}

static int set_window(struct session *s, const struct filter *f, int reopen, char *err, size_t errlen)
{
	struct store_err se;
	struct history *h;
	const struct history_entry *he;
	struct ht_snapshot *start;
	char end_day[16], asked[64], end_base[64] = "";
	uint32_t *emap[HT_KIND_COUNT] = { NULL }, *smap[HT_KIND_COUNT] = { NULL };
	int rc;
	long i;
	if (f->window != WIN_PERIOD)
		return 0;
	clear_period(s);
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
	day_of(s->snap->meta.as_of, end_day, sizeof end_day);
	i = history_nearest(h, f->period_from);
	he = history_at(h, (size_t)i);
	if (s->snap->meta.as_of <= 0 || he->as_of >= s->snap->meta.as_of) {
		/* The nearest is the end itself or later: take the latest before. */
		long before = -1;
		for (size_t j = 0; j < history_count(h); j++)
			if (history_at(h, j)->as_of < s->snap->meta.as_of)
				before = (long)j;
		if (before < 0 || s->snap->meta.as_of <= 0) {
			snprintf(err, errlen, "--window %s: the history holds no snapshot before the end of the "
				 "period (the snapshot of %s), so there is nothing to compare it with: %s",
				 asked, end_day, NO_HISTORY_HINT);
			free_maps(emap);
			history_free(h);
			return -1;
		}
		i = before;
		he = history_at(h, (size_t)i);
	}
	if (!(start = history_load_map(h, (size_t)i, smap, &se))) {
		snprintf(err, errlen, "--window %s: cannot load the snapshot of %s from the history: %s", asked,
			 he->date, se.msg);
		free_maps(emap);
		history_free(h);
		return -1;
	}
	/* The open snapshot as the history's of its day, added as a delta:
	 * its map against the base, when the ids are those it was added with. */
	if (!end_base[0]) {
		long e = history_find_date(h, end_day);
		const struct history_entry *ee = e >= 0 ? history_at(h, (size_t)e) : NULL;
		if (ee && ee->base[0] && !strcmp(ee->base, history_base_of(he)) &&
		    history_row_map(h, (size_t)e, rowmap_fingerprint(s->snap), emap) == 0)
			snprintf(end_base, sizeof end_base, "%s", ee->base);
	}
	/* Both ends from the history on one base: their maps against it
	 * make the period's (a delta's map is the one its add matched). */
	rc = end_base[0] && !strcmp(end_base, history_base_of(he)) ? 0 : -1;
	history_free(h);
	clear_period(s);
	if (rc == 0)
		rc = period_composed(s, start, emap, smap, err, errlen);
	free_maps(emap);
	free_maps(smap);
	if (rc != 0 && period_open(s, start, err, errlen) != 0) {
		size_t l = strlen(err);
		snprintf(err + l, errlen > l ? errlen - l : 0, " (--window %s)", asked);
		table_free(start);
		return -1;
	}
	s->period_start = start;
	s->period_from = f->period_from;
	s->period_to = f->period_to;
	return 0;
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

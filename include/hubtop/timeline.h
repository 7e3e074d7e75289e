/* timeline.h - shares over calendar time: the shares of downloads by
 * country, country group and organisation type at each snapshot of the
 * history, under one filter (`hubtop export timeline`, the explorer's
 * Timeline pane).  Not to be confused with the Trends pane, which shows
 * shares by year of *creation* within one snapshot.
 *
 * The series: the snapshots of the cache's history (history.h) whose demo
 * mark matches the open snapshot's, one a day, with the open snapshot
 * itself in place of the history's entry of its day; for the built-in demo
 * (no snapshot in the cache), five months derived from it (demo_back) and
 * the demo itself.  Partial snapshots are kept, marked partial: their
 * shares are those of the top N only.
 *
 * Owns: struct timeline (its points); the session's cache of the
 * series' snapshots, attribution and engines (struct session.series,
 * freed by session_close through timeline_cache_free).
 *
 * Cost: the first call loads every snapshot of the series and builds its
 * attribution and engine (history_load + attrib_build + engine_new: about
 * 0.3 s a million models each); they are kept while the series holds fewer
 * than TIMELINE_KEEP_ROWS rows in all, so later calls cost one engine_apply
 * per snapshot.  Beyond that each call loads them again, one at a time;
 * the points of the last TIMELINE_MEMO filters are kept in any case, so
 * going back to a filter costs nothing.
 */
#ifndef HUBTOP_TIMELINE_H
#define HUBTOP_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include "hubtop/country.h"
#include "hubtop/engine.h"
#include "hubtop/filter.h"
#include "hubtop/orgdir.h"
#include "hubtop/session.h"

#define TIMELINE_KEEP_ROWS 6000000u
#define TIMELINE_DEMO_MONTHS 6u
#define TIMELINE_MEMO 16u

/* The three dimensions a point is broken down by. */
enum timeline_dim { TL_TYPE = 0, TL_GROUP, TL_COUNTRY, TL_DIM_COUNT };

struct timeline_point {
	char date[11];           /* YYYY-MM-DD of the data */
	int64_t as_of;
	int complete;            /* 0: a partial listing (the top N) */
	int demo;
	int current;             /* the snapshot open in the session */
	int failed;              /* could not be read: no figures (timeline.note says why) */
	int pending;             /* not computed yet (timeline_step): no figures */
	char endpoint[256];
	uint64_t count;          /* matching items */
	uint64_t downloads;      /* their downloads in the filter's window */
	/* The denominators of --of attributed: downloads whose type, group or
	 * country is known. */
	uint64_t known[TL_DIM_COUNT];
	uint64_t by_type[OT_COUNT];
	uint64_t by_group[CG_COUNT];
	uint64_t *by_country;    /* country_count() entries */
};

struct timeline {
	enum ht_kind kind;
	struct filter filter;
	size_t n;
	struct timeline_point *p; /* oldest first */
	int builtin_demo;         /* the series is derived from the built-in demo */
	char note[1200];          /* snapshots left out or unreadable, and why; "" none */
	size_t ready;             /* points computed (or failed); n when complete */
	const void *for_snap;     /* the open snapshot it was begun for */
};

/* The series for filter f over table kind.  0, or -1 with err (out of
 * memory; a snapshot that cannot be read is a failed point, not an
 * error). */
int timeline_build(struct session *s, const struct filter *f, enum ht_kind kind,
		   struct timeline *out, char *err, size_t errlen);
/* The same in pieces, for an idle loop: timeline_begin fills the points
 * kept from an earlier call with the same filter and kind (a few per
 * snapshot, TIMELINE_MEMO) and marks the others pending; each
 * timeline_step then does one piece of work (load a snapshot, build its
 * attribution, its engine, or apply the filter: at most about 0.5 s a
 * million models).  timeline_step returns 1 while points are pending, 0
 * when the series is complete, -1 with err (out of memory). */
int timeline_begin(struct session *s, const struct filter *f, enum ht_kind kind,
		   struct timeline *out, char *err, size_t errlen);
int timeline_step(struct session *s, struct timeline *out, char *err, size_t errlen);
void timeline_free(struct timeline *t);

/* A point's figures from a result: the engine-level step, one per snapshot. */
int timeline_point_fill(struct timeline_point *p, const struct eng_result *r);

/* The share of category c of dimension d at point p: of its downloads, or
 * (of_attributed) of those whose category is known; NAN when the
 * denominator is 0, when the point failed, or for the unknown category
 * under of_attributed. */
double timeline_share(const struct timeline_point *p, enum timeline_dim d, unsigned c, int of_attributed);
/* Categories of a dimension, their keys ("industry", "us", "CN") and names. */
unsigned timeline_ncat(enum timeline_dim d);
const char *timeline_cat_key(enum timeline_dim d, unsigned c);
const char *timeline_cat_name(enum timeline_dim d, unsigned c);
const char *timeline_dim_key(enum timeline_dim d); /* "org-types", "groups", "countries" */
/* The categories of a dimension most downloaded over the whole series,
 * largest first, into out (room for max); returns how many. */
unsigned timeline_top(const struct timeline *t, enum timeline_dim d, unsigned *out, unsigned max);

/* Writes the series, one row per snapshot, dimension and category with
 * downloads somewhere in the series (docs/export.md, "timeline"): date,
 * listing, demo, current, dimension, key, name, downloads, share,
 * attributed_share.  Returns the rows written, -1 on a write error. */
#include "hubtop/export.h"
long timeline_write(FILE *fp, const struct timeline *t, enum export_format fmt);

/* Frees the session's cache of the series (session_close calls it). */
void timeline_cache_free(struct session *s);

#endif

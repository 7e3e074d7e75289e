/* history.h - the cache's history of snapshots: every complete fetch and
 * every import with a date of the data, kept as a series.  See
 * docs/snapshot-format.md ("The history").
 *
 * Owns: CACHE/history/ (the index file "index", its lock file
 * "index.lock" and one data file per snapshot).  Only history.c writes
 * there, always through store_atomic_write and under the lock: a failed
 * add or remove leaves the history as it was, and two processes adding at
 * once both get their entry.
 *
 * Storage: a snapshot is kept whole (a "base", an ordinary snapshot file)
 * or as a delta against the latest base: its strings are the base's pool
 * plus the new ones, its rows are matched to the base's by id, and each
 * column keeps only the values that differ from the matched row (or the
 * whole column when most differ).  New, deleted and renamed items cost
 * only their own rows.  When a delta would exceed a third of a whole
 * snapshot, the snapshot becomes the new base.  The walk is generic over
 * the sections store_sections lists, so new columns need no change here.
 *
 * One snapshot a day: an add for a day already held replaces it, except
 * that a partial listing never replaces a complete one.
 *
 * Cost: history_open reads the index (a few hundred bytes a snapshot).
 * history_load maps the base (as store_load) and applies one delta: one
 * pass per column into a fresh image, 0.3-0.45 s of CPU a million rows
 * (a whole snapshot: store_load).  history_add loads the base, hashes its
 * strings, matches rows by id and compares every column (pool offsets
 * translated once a column): about 1.5-2 s of CPU a million rows.
 * Measured: bench/bench_history.sh.
 */
#ifndef HUBTOP_HISTORY_H
#define HUBTOP_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include "hubtop/table.h"
#include "hubtop/store.h"

struct history_entry {
	int64_t as_of;          /* the date of the data (unix seconds) */
	int64_t fetched_at;
	char endpoint[256];
	int complete;           /* 0: a partial listing (top N) */
	int demo;
	int as_of_inferred;
	uint64_t top_n;
	unsigned no_alltime;    /* as ht_meta: bit k, table k has no all-time counts */
	uint32_t items[HT_KIND_COUNT];
	uint64_t downloads_all[HT_KIND_COUNT]; /* known all-time sum */
	uint64_t downloads[HT_KIND_COUNT];     /* known 30-day sum */
	uint64_t disk_bytes;    /* its data file */
	char date[11];          /* YYYY-MM-DD of as_of, UTC */
	char file[64];          /* its data file in CACHE/history/ */
	char base[64];          /* the base a delta applies to; "" for a base */
};

struct history;

/* Opens CACHE/history/index.  Never fails for a missing or broken index: a
 * missing one gives an empty history; a damaged one gives the entries that
 * could be read, with a warning in err->msg (err->msg is "" otherwise).
 * NULL only when out of memory.  Entries are oldest first (by as_of). */
struct history *history_open(const char *cache_dir, struct store_err *err);
void history_free(struct history *h);
size_t history_count(const struct history *h);
const struct history_entry *history_at(const struct history *h, size_t i);
/* The entry nearest to when by as_of (the earlier on a tie); -1 if empty. */
long history_nearest(const struct history *h, int64_t when);
/* The entry of that day (YYYY-MM-DD), or -1. */
long history_find_date(const struct history *h, const char *yyyy_mm_dd);
/* Loads entry i as a verified snapshot (release with table_free).  NULL
 * with err filled when its files are missing or damaged. */
struct ht_snapshot *history_load(struct history *h, size_t i, struct store_err *err);
/* history_load, and the rows of entry i matched to its base's by id, as
 * the add matched them (a delta stores that map): map[k][r] the base's
 * row of row r of table k, UINT32_MAX when the base has no such id; all
 * NULL for a base (each row is itself).  No cost beyond history_load.
 * Free each map with free().  Two entries with the same history_base_of
 * give a period's row map by composing theirs (rowmap_compose). */
struct ht_snapshot *history_load_map(struct history *h, size_t i, uint32_t *map[HT_KIND_COUNT],
				     struct store_err *err);
/* As history_load_map, but a whole snapshot's checksum runs on another
 * thread (store_load_start) while the caller works on it: call
 * store_check_finish(*check) once, before trusting its values or freeing
 * it (*check is NULL for a delta, which is verified before it returns).
 * With check NULL, history_load_map: verified before it returns. */
struct ht_snapshot *history_load_map_start(struct history *h, size_t i, uint32_t *map[HT_KIND_COUNT],
					   struct store_check **check, struct store_err *err);
/* Only entry i's row map against its base (as history_load_map), when it
 * is a delta added from a snapshot whose ids had the fingerprint ids
 * (rowmap_fingerprint): the map of the open snapshot when the history
 * holds it.  Reads and checksums the delta file and decodes its maps,
 * without the base: tens of ms on 2M models.  0, or -1 (map[] all NULL)
 * for a base, a delta written before the fingerprint was stored, another
 * snapshot's, or a file that cannot be read or is damaged. */
int history_row_map(struct history *h, size_t i, uint64_t ids, uint32_t *map[HT_KIND_COUNT]);
/* The file entry e's rows are matched to: its base's, or its own. */
const char *history_base_of(const struct history_entry *e);

/* Retention: every snapshot of the last `days` days (counted back from the
 * newest snapshot's date), then one a month (the month's latest) when
 * monthly, or one a week when weekly; `all` keeps everything.  Text form:
 * "all", "30d", "30d,monthly", "90d,weekly".  The default is
 * HISTORY_KEEP_DEFAULT. */
#define HISTORY_KEEP_DEFAULT "30d,monthly"
struct history_keep {
	int all;
	int days;
	int every;              /* 0 none, 7 weekly, 31 monthly */
};
/* 0, or -1 with a message in err. */
int history_parse_keep(const char *text, struct history_keep *keep, struct store_err *err);
/* The canonical text of a rule into buf. */
void history_keep_text(const struct history_keep *keep, char *buf, size_t len);

/* Adds s to the history (default retention), or replaces the entry of its
 * day.  0, or -1 with err filled and the history as it was.  s must carry
 * a date of the data (meta.as_of > 0). */
int history_add(const char *cache_dir, const struct ht_snapshot *s, struct store_err *err);
/* As history_add with a retention rule (NULL: the default). */
int history_add_keep(const char *cache_dir, const struct ht_snapshot *s,
		     const struct history_keep *keep, struct store_err *err);
/* Removes the entry of that day.  0; 1 when no entry has that date; -1
 * with err filled on a write error (the history as it was). */
int history_remove(const char *cache_dir, const char *yyyy_mm_dd, struct store_err *err);
/* Applies a retention rule now.  The number of entries dropped, or -1. */
int history_prune(const char *cache_dir, const struct history_keep *keep, struct store_err *err);

/* Writers (add, remove, prune) take an flock on CACHE/history/index.lock
 * for their read-change-write of the index, waiting at most this long for
 * another process to finish; then they fail with a message naming the
 * lock file. */
#define HISTORY_LOCK_WAIT_MS 60000u
/* Sets that wait (tests). */
void history_set_lock_wait(unsigned ms);

/* The path of the index file (for messages and tests). */
int history_index_path(const char *cache_dir, char *buf, size_t len);
/* YYYY-MM-DD of a unix time (UTC) into buf[11]. */
void history_date(int64_t t, char buf[11]);

#endif

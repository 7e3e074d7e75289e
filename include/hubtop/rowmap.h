/* rowmap.h - the last period's row map kept in the cache
 * (CACHE/history/period.map, docs/snapshot-format.md): for each row of the
 * period's end, the row of its start with the same id (strmatch_rows), so
 * that opening the same period again maps the rows instead of matching
 * 2M ids (about 0.3 s of CPU).  Only the session reads and writes it.
 *
 * The file names both snapshots by a fingerprint of their ids (the pool's
 * and the id columns' checksums, about 10 ms on 2M models) and carries a
 * checksum of its own: a map of other snapshots (stale), a damaged,
 * truncated or missing file is never used, and the caller then matches
 * the ids as without it.  Nothing here ever stops hubtop opening. */
#ifndef HUBTOP_ROWMAP_H
#define HUBTOP_ROWMAP_H

#include <stdint.h>

#include "hubtop/store.h"
#include "hubtop/table.h"

/* What names a snapshot's ids: equal for snapshots with the same pool and
 * id columns.  O(pool + rows), at the checksum's speed. */
uint64_t rowmap_fingerprint(const struct ht_snapshot *s);

/* CACHE/history/period.map into buf; -1 when too long. */
int rowmap_path(const char *cache_dir, char *buf, size_t len);

/* Writes the map of end against start (map[k][i]: start row of end row i
 * of kind k, STRMATCH_NONE when absent) over the previous one: a
 * temporary file renamed over it, not fsynced (a torn file fails its
 * checksum).  0, or -1 with err filled; failing to write it is harmless. */
int rowmap_save(const char *cache_dir, const struct ht_snapshot *end, const struct ht_snapshot *start,
		const uint32_t *const map[HT_KIND_COUNT], struct store_err *err);

/* The map of end against start into map[k] (arrays of end's rows, freed
 * with rowmap_free), when the file holds exactly that pair, whole, every
 * row in range.  0 loaded; -1 missing, stale or damaged (map[] all NULL). */
int rowmap_load(const char *cache_dir, const struct ht_snapshot *end, const struct ht_snapshot *start,
		uint32_t *map[HT_KIND_COUNT]);
void rowmap_free(uint32_t *map[HT_KIND_COUNT]);

/* at[i]: the row of start with the id of row i of end (table k), as
 * strmatch_rows(end, start, k, at), from the two snapshots' maps against
 * one base (history_load_map; NULL: the snapshot is that base): an O(n)
 * scatter and gather; only the rows new to the base in both are matched
 * by strmatch.  The maps must be right for these two snapshots.  0, or -1
 * out of memory or when a map is out of range (at[] then undefined). */
int rowmap_compose(const struct ht_snapshot *end, const uint32_t *emap, const struct ht_snapshot *start,
		   const uint32_t *smap, enum ht_kind k, uint32_t *at);

#endif

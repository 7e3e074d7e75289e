/* demo.h - the deterministic demo snapshot: synthetic data shaped like the
 * Hub's published figures (long tail, top-200 concentration, country and
 * organisation-type shares, their shift by year, base-model lineage).
 * Always marked demo.  Same seed and sizes give the same bytes. */
#ifndef HUBTOP_DEMO_H
#define HUBTOP_DEMO_H

#include <stddef.h>
#include <stdint.h>
#include "hubtop/table.h"
#include "hubtop/orgdir.h"

#define DEMO_DEFAULT_MODELS 22000u   /* with the datasets: about 3.8 MB embedded */
#define DEMO_DEFAULT_DATASETS 4000u
#define DEMO_DEFAULT_SEED 20260401u

/* d gives the organisations authors are drawn from, with their country and
 * type (NULL or empty: a built-in list of well-known accounts), plus
 * synthetic individuals and a few synthetic organisations marked
 * HT_ACCT_ORG.  Downloads are split so that, through attrib, models created
 * in the last year (from 2025-04-01) count China about 41% and the U.S.
 * about 36% by lineage, and independents hold about 39% of the downloads
 * of 2025's models by uploader (less in earlier years).  fetched_at is
 * 2026-04-01T00:00:00Z.  NULL on out of memory, or beyond 100,000,000
 * items of a kind.  Cost: O(n log n); at its peak about 100
 * bytes a model on top of the table builder. */
struct ht_snapshot *demo_generate(uint64_t n_models, uint64_t n_datasets, uint64_t seed,
				  const struct orgdir *d);

/* Generates and writes a demo snapshot atomically (`hubtop demo`).
 * 0, or -1 with a message in err. */
int demo_write(uint64_t n_models, uint64_t n_datasets, uint64_t seed, const struct orgdir *d,
	       const char *path, char *err, size_t errlen);

/* The demo as it would have been `back` months before its date (the first
 * of that month): items created later are left out, all-time counts are
 * smaller by the 30-day downloads of the months between, 30-day counts and
 * likes vary; some items (about 1 in 89) had another name then ("ID-preview")
 * and some (1 in 67) had a sibling "ID-old" deleted since.  Still marked
 * demo; back 0 gives a copy.  Same inputs, same bytes.  NULL on out of
 * memory.  Cost: one table build, about a second a million items. */
struct ht_snapshot *demo_back(const struct ht_snapshot *now, unsigned back, uint64_t seed);
/* The first of the month `months` before t (UTC). */
int64_t demo_month_back(int64_t t, unsigned months);
/* Adds n monthly snapshots ending with now (demo_back 0 .. n-1) to the
 * history of cache_dir (`hubtop demo --history N`).  0, or -1 with err. */
int demo_write_history(const struct ht_snapshot *now, unsigned n, uint64_t seed,
		       const char *cache_dir, char *err, size_t errlen);

/* The demo snapshot embedded in the binary at build time (a snapshot file
 * image), and its size. */
extern const unsigned char demo_blob[];
extern const unsigned char demo_blob_end[];

#endif

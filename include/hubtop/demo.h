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

/* The demo snapshot embedded in the binary at build time (a snapshot file
 * image), and its size. */
extern const unsigned char demo_blob[];
extern const unsigned char demo_blob_end[];

#endif

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

#define DEMO_DEFAULT_MODELS 40000u
#define DEMO_DEFAULT_DATASETS 8000u
#define DEMO_DEFAULT_SEED 20260401u

/* d gives the organisations authors are drawn from (NULL: a built-in list). */
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

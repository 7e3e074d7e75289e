/* fuzz_orgdir.c - libFuzzer target: the organisation directory parser.
 *
 * The input is split at the first form feed (if any) into a shipped file
 * and a user file that overrides it, as orgdir_load_default does.  Every
 * entry must then be found by its account and every alias chain must end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/orgdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	if (!msg || !*msg)
		abort(); /* every problem comes with words */
}

static void load(struct orgdir *d, const uint8_t *p, size_t n, const char *name)
{
	struct orgdir_diag diag = { quiet, NULL, 0 };
	char *copy = malloc(n ? n : 1); /* exact size: no terminator to lean on */

	if (!copy)
		return;
	memcpy(copy, p, n);
	orgdir_load_string(d, copy, n, name, &diag);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orgdir *d = orgdir_new();
	const uint8_t *ff = memchr(data, '\f', size);
	size_t i, n;

	if (!d)
		return 0;
	if (ff) {
		load(d, data, (size_t)(ff - data), "shipped.tsv");
		load(d, ff + 1, size - (size_t)(ff - data) - 1, "user.tsv");
	} else {
		load(d, data, size, "orgs.tsv");
	}
	n = orgdir_count(d);
	for (i = 0; i < n; i++) {
		const struct org_entry *e = orgdir_entry(d, i), *c = e;
		size_t steps = 0;
		if (!e || !e->account || !orgdir_lookup(d, e->account))
			abort();
		if (e->type >= OT_COUNT || e->n_countries > ORGDIR_MAX_COUNTRIES)
			abort();
		while (c->canonical >= 0) {
			if ((size_t)c->canonical >= n || ++steps > n)
				abort();
			c = orgdir_entry(d, (size_t)c->canonical);
		}
	}
	orgdir_free(d);
	return 0;
}

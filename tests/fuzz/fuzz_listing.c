/* fuzz_listing.c - libFuzzer target: one page of Hub listing JSON.
 *
 * First byte picks the table (models or datasets); the rest is the page.
 * Whatever the page holds, the snapshot built from it must keep only text
 * that is safe for a terminal (no C0/C1 control, no DEL), keep the rows
 * without a download count last, and must survive a serialise/load round
 * trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/listing.h"
#include "hubtop/safetext.h"
#include "hubtop/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The one text rule (safetext.h): no C0/C1 control, DEL, bidirectional or
 * zero-width formatting character, nothing but valid UTF-8. */
static void check_text(const char *s, const char *what)
{
	if (!safetext_valid(s, SIZE_MAX)) {
		fprintf(stderr, "forbidden text kept in %s: %s\n", what, s);
		abort();
	}
}

static void check_snapshot(const struct ht_snapshot *s)
{
	uint32_t i, r;
	int k;

	for (i = 0; i < s->n_terms; i++)
		check_text(ht_term(s, i), "a term");
	for (i = 0; i < s->n_accounts; i++)
		check_text(ht_str(s, s->acct_name[i]), "an account");
	for (i = 0; i < s->n_links; i++)
		check_text(ht_str(s, s->link_base[i]), "a base model");
	for (k = 0; k < HT_KIND_COUNT; k++) {
		for (r = 0; r < s->t[k].n; r++) {
			const char *id = ht_id(s, k, r);
			check_text(id, "an id");
			if (!table_id_valid(id)) {
				fprintf(stderr, "invalid id kept: %s\n", id);
				abort();
			}
			if (table_find_id(s, k, id) != r) {
				fprintf(stderr, "id %s not found at its row\n", id);
				abort();
			}
			/* Rows without a 30-day count are the last ones (the engine
			 * relies on it), and hold 0. */
			if (r && (s->t[k].flags[r - 1] & HT_F_DL_UNKNOWN) && !(s->t[k].flags[r] & HT_F_DL_UNKNOWN)) {
				fprintf(stderr, "row %u has a count after a row without one\n", r);
				abort();
			}
			if ((s->t[k].flags[r] & HT_F_DL_UNKNOWN) && s->t[k].downloads[r]) {
				fprintf(stderr, "row %u: unknown count stored as %llu\n", r,
					(unsigned long long)s->t[k].downloads[r]);
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ht_builder *b;
	struct ht_snapshot *s, *back;
	struct listing_stats st;
	struct ht_meta meta;
	struct store_err err;
	char *text;
	void *img;
	size_t len;

	if (size < 1)
		return 0;
	/* An exact-size copy: reading one byte past the page is caught. */
	text = malloc(size - 1 ? size - 1 : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	b = table_builder_new();
	if (!b) {
		free(text);
		return 0;
	}
	memset(&st, 0, sizeof st);
	listing_add_page(b, (data[0] & 1) ? HT_DATASETS : HT_MODELS, text, size - 1, &st, NULL);
	free(text);

	memset(&meta, 0, sizeof meta);
	meta.format_version = STORE_FORMAT_VERSION;
	snprintf(meta.endpoint, sizeof meta.endpoint, "fuzz");
	s = table_builder_finish(b, &meta);
	if (!s)
		return 0;
	check_snapshot(s);
	if (store_serialize(s, &img, &len, &err) == 0) {
		back = store_load_mem(img, len, "fuzz", &err);
		if (!back) {
			fprintf(stderr, "a snapshot just built does not load: %s\n", err.msg);
			abort();
		}
		if (back->t[HT_MODELS].n != s->t[HT_MODELS].n ||
		    back->t[HT_DATASETS].n != s->t[HT_DATASETS].n)
			abort();
		check_snapshot(back);
		table_free(back);
	}
	table_free(s);
	return 0;
}

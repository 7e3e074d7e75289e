/* mkseed.c - writes a tiny valid snapshot for the loader's seed corpus, so
 * that the seed always follows the current format.
 *   mkseed OUT.hts MODELS.jsonl [DATASETS.jsonl] */
#include <stdio.h>
#include <string.h>

#include "hubtop/listing.h"
#include "hubtop/store.h"

static int add(struct ht_builder *b, enum ht_kind kind, const char *path)
{
	struct listing_stats st;
	char err[1024];
	FILE *fp = fopen(path, "r");
	int rc;

	if (!fp) {
		perror(path);
		return -1;
	}
	memset(&st, 0, sizeof st);
	rc = listing_import(fp, path, b, kind, &st, err, sizeof err);
	fclose(fp);
	if (rc != 0)
		fprintf(stderr, "mkseed: %s\n", err);
	return rc;
}

int main(int argc, char **argv)
{
	struct ht_builder *b;
	struct ht_snapshot *s;
	struct ht_meta meta;
	struct store_err err;

	if (argc < 3) {
		fprintf(stderr, "usage: mkseed OUT.hts MODELS.jsonl [DATASETS.jsonl]\n");
		return 2;
	}
	b = table_builder_new();
	if (!b || add(b, HT_MODELS, argv[2]) != 0 || (argc > 3 && add(b, HT_DATASETS, argv[3]) != 0))
		return 1;
	memset(&meta, 0, sizeof meta);
	meta.format_version = STORE_FORMAT_VERSION;
	meta.complete = 1;
	meta.fetched_at = 1714521600;
	snprintf(meta.endpoint, sizeof meta.endpoint, "import:seed");
	s = table_builder_finish(b, &meta);
	if (!s || store_write(s, argv[1], &err) != 0) {
		fprintf(stderr, "mkseed: %s\n", s ? err.msg : "out of memory");
		return 1;
	}
	table_free(s);
	return 0;
}

/* testutil.h - shared helpers for the cmocka suites. */
#ifndef HUBTOP_TESTUTIL_H
#define HUBTOP_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hubtop/table.h"
#include "hubtop/listing.h"

/* A scratch directory for this test program, under $HUBTOP_TEST_TMP (or /tmp). */
static inline const char *testutil_tmpdir(const char *name)
{
	static char buf[1024];
	const char *base = getenv("HUBTOP_TEST_TMP");
	char cmd[2200];
	snprintf(buf, sizeof buf, "%s/%s", base && *base ? base : "/tmp", name);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
	if (system(cmd) != 0)
		return NULL;
	return buf;
}

/* Path of a file in ../shared, or NULL when that folder is absent. */
static inline const char *testutil_shared(const char *rel)
{
	static char buf[1024];
	const char *base = getenv("HUBTOP_SHARED");
	FILE *fp;
	if (!base || !*base)
		return NULL;
	snprintf(buf, sizeof buf, "%s/%s", base, rel);
	fp = fopen(buf, "r");
	if (!fp)
		return NULL;
	fclose(fp);
	return buf;
}

/* The real listing of ../shared/hubdata as a complete snapshot of models,
 * with the import's counts in *st; skips the test when it is absent. */
static inline struct ht_snapshot *testutil_hubdata(struct listing_stats *st)
{
	const char *path = testutil_shared("hubdata/models-2022-07.jsonl");
	struct ht_builder *b;
	struct ht_meta meta;
	struct ht_snapshot *s;
	char err[512];
	FILE *fp;
	if (!path) {
		print_message("../shared/hubdata/models-2022-07.jsonl absent: real-listing checks skipped\n");
		skip();
		return NULL;
	}
	fp = fopen(path, "r");
	assert_non_null(fp);
	b = table_builder_new();
	memset(st, 0, sizeof *st);
	assert_int_equal(listing_import(fp, path, b, HT_MODELS, st, err, sizeof err), 0);
	fclose(fp);
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	return s;
}

#endif

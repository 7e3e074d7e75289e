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

#endif

/* fuzz_export.c - libFuzzer target: a snapshot, whatever it holds, through
 * the exports.
 *
 * The input is a snapshot file image whose size and checksum fields are made
 * right (as a crafted file or an older version could be), so only the
 * structural checks stand between it and the exports.  Every row of the
 * models, datasets, orgs, tasks and libraries views is written as CSV, TSV
 * and JSON Lines; each must pass the one text rule (safetext.h) but for the
 * format's own tabs and line ends, no TSV or CSV cell may start as a formula
 * would, and every JSON Lines count must be written as an integer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/attrib.h"
#include "hubtop/engine.h"
#include "hubtop/export.h"
#include "hubtop/filter.h"
#include "hubtop/orgdir.h"
#include "hubtop/safetext.h"
#include "hubtop/store.h"

#define HEADER_SIZE 1024u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(char *line, size_t len, enum export_format fmt)
{
	size_t i, cell = 0;

	if (fmt == EXPORT_CSV && len && line[len - 1] == '\r')
		len--;
	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == '\t' || (fmt == EXPORT_CSV && line[i] == ',')) {
			cell = i + 1;
			continue;
		}
		if (i == cell && fmt == EXPORT_TSV &&
		    (line[i] == '=' || line[i] == '+' || line[i] == '-' || line[i] == '@' || line[i] == '"')) {
			fprintf(stderr, "TSV cell starts with '%c': %.*s\n", line[i], (int)len, line);
			abort();
		}
	}
	for (i = 0; i < len; i++)
		if (line[i] == '\t')
			line[i] = ' ';
	if (!safetext_valid_n(line, len)) {
		fprintf(stderr, "forbidden text in an export line: %.*s\n", (int)len, line);
		abort();
	}
	if (fmt == EXPORT_JSONL) {
		const char *p = line, *end = line + len;
		while ((p = memmem(p, (size_t)(end - p), "\"downloads\":", 12)) != NULL) {
			p += 12;
			/* An unknown count is null, never 0 nor a float. */
			if ((size_t)(end - p) >= 4 && !memcmp(p, "null", 4))
				p += 4;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			if (p < end && *p != ',' && *p != '}') {
				fprintf(stderr, "a count not written as an integer: %.*s\n", (int)len, line);
				abort();
			}
		}
	}
}

static void export_all(struct engine *e)
{
	static const enum eng_pane panes[] = { PANE_MODELS, PANE_DATASETS, PANE_ORGS, PANE_TASKS,
					       PANE_LIBRARIES };
	struct filter f;

	filter_init(&f);
	for (size_t p = 0; p < sizeof panes / sizeof panes[0]; p++) {
		enum ht_kind kind = panes[p] == PANE_DATASETS ? HT_DATASETS : HT_MODELS;
		struct eng_result *r = engine_apply(e, &f, kind);
		if (!r)
			continue;
		for (int fmt = 0; fmt < 3; fmt++) {
			struct export_req q = { panes[p], kind, SORT_DOWNLOADS, 1, 50, (enum export_format)fmt, 0, EXPORT_RANKING, 0, EXPORT_DIM_NONE, "" };
			char *buf = NULL, *line, *nl;
			size_t len = 0;
			FILE *mem = open_memstream(&buf, &len);
			if (!mem)
				continue;
			export_write(mem, e, r, &q);
			fclose(mem);
			for (line = buf; line && (nl = memchr(line, '\n', len - (size_t)(line - buf))) != NULL;
			     line = nl + 1)
				check_line(line, (size_t)(nl - line), (enum export_format)fmt);
			free(buf);
		}
		engine_result_free(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_err err;
	struct ht_snapshot *s;
	struct orgdir *d;
	struct attrib *a;
	struct engine *e;
	unsigned char *buf;
	uint64_t v = size, sum;

	if (size < HEADER_SIZE || !(buf = malloc(size)))
		return 0;
	memcpy(buf, data, size);
	memcpy(buf + 16, &v, 8);
	memset(buf + 24, 0, 8);
	sum = store_checksum(buf, size);
	memcpy(buf + 24, &sum, 8);
	s = store_load_mem(buf, size, "fuzz.hts", &err); /* takes buf */
	if (!s)
		return 0;
	d = orgdir_new();
	a = d ? attrib_build(s, d) : NULL;
	e = a ? engine_new(s, a, d) : NULL;
	if (e)
		export_all(e);
	engine_free(e);
	attrib_free(a);
	orgdir_free(d);
	table_free(s);
	return 0;
}

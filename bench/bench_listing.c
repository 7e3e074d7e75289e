/* bench_listing.c - writes the models of a snapshot as the Hub's listing
 * API would give them, one JSON object a line (JSON Lines), with the fields
 * a crawl asks for (_id, id, author, counts, dates, pipeline and library,
 * tags, gated, private): the input of the import benchmark.
 * Usage: bench_listing SNAPSHOT > FILE.jsonl */
#include "config.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/civil.h"
#include "hubtop/store.h"

/* A JSON string; the snapshot's text is checked, but quotes and
 * backslashes are escaped all the same. */
static void put_str(FILE *fp, const char *s)
{
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

static void put_time(FILE *fp, const char *name, int64_t t)
{
	char buf[40];
	if (t > 0 && civil_iso_time(t, buf, sizeof buf) == 0)
		fprintf(fp, ",\"%s\":\"%s\"", name, buf);
}

int main(int argc, char **argv)
{
	struct store_err err;
	struct ht_snapshot *s;
	const struct ht_table *t;
	static const char *const rel[HT_REL_COUNT] = { "", "finetune", "adapter", "quantized", "merge", "" };

	if (argc < 2) {
		fprintf(stderr, "usage: bench_listing SNAPSHOT > FILE.jsonl\n");
		return 2;
	}
	if (!(s = store_load(argv[1], &err))) {
		fprintf(stderr, "bench_listing: %s\n", err.msg);
		return 1;
	}
	t = &s->t[HT_MODELS];
	for (uint32_t r = 0; r < t->n; r++) {
		const char *id = s->pool + t->id[r];
		uint8_t f = t->flags[r];
		int first = 1;
		fprintf(stdout, "{\"_id\":\"%024" PRIx32 "\",\"id\":", r * 2654435761u);
		put_str(stdout, id);
		fputs(",\"author\":", stdout);
		put_str(stdout, s->pool + s->acct_name[t->author[r]]);
		if (f & HT_F_DL_UNKNOWN)
			fputs(",\"downloads\":null", stdout);
		else
			printf(",\"downloads\":%" PRIu64, t->downloads[r]);
		if (!(f & HT_F_DLA_UNKNOWN))
			printf(",\"downloadsAllTime\":%" PRIu64, t->downloads_all[r]);
		printf(",\"likes\":%" PRIu32 ",\"trendingScore\":%" PRIu32, t->likes[r], t->trending[r]);
		put_time(stdout, "createdAt", t->created[r]);
		put_time(stdout, "lastModified", t->modified[r]);
		if (t->pipeline[r]) {
			fputs(",\"pipeline_tag\":", stdout);
			put_str(stdout, s->pool + s->terms[t->pipeline[r]]);
		}
		if (t->library[r]) {
			fputs(",\"library_name\":", stdout);
			put_str(stdout, s->pool + s->terms[t->library[r]]);
		}
		fputs(",\"tags\":[", stdout);
		if (t->license[r]) {
			char tag[512];
			snprintf(tag, sizeof tag, "license:%s", s->pool + s->terms[t->license[r]]);
			put_str(stdout, tag);
			first = 0;
		}
		for (uint32_t i = 0; i < t->list_count[r]; i++) {
			if (!first)
				putc(',', stdout);
			put_str(stdout, s->pool + s->terms[s->lists[t->list_first[r] + i]]);
			first = 0;
		}
		for (uint32_t i = 0; i < t->link_count[r]; i++) {
			char tag[512];
			uint32_t l = t->link_first[r] + i;
			if (!first)
				putc(',', stdout);
			snprintf(tag, sizeof tag, "base_model:%s%s%s", rel[s->link_rel[l]][0] ? rel[s->link_rel[l]] : "",
				 rel[s->link_rel[l]][0] ? ":" : "", s->pool + s->link_base[l]);
			put_str(stdout, tag);
			first = 0;
		}
		if (!first)
			putc(',', stdout);
		fputs("\"region:us\"]", stdout);
		printf(",\"gated\":%s%s}\n", (f & HT_F_GATED_MAN) ? "\"manual\"" : (f & HT_F_GATED) ? "\"auto\"" : "false",
		       (f & HT_F_PRIVATE) ? ",\"private\":true" : "");
	}
	table_free(s);
	return ferror(stdout) ? 1 : 0;
}

/* report.c - `hubtop report`: headline figures as text or as the stable JSON
 * documented in docs/report-json.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "hubtop/civil.h"
#include "hubtop/report.h"

static const char partial_note[] =
	"the snapshot holds only the most downloaded items: the share under 200 downloads, "
	"the Gini coefficient and the Lorenz curve are unknown; shares are of the downloads "
	"in the snapshot";

static void iso_time(int64_t t, char *buf, size_t len)
{
	civil_iso_time(t, buf, len);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

static const char *country_key(unsigned c)
{
	return c == COUNTRY_UNKNOWN ? "unknown" : country_code(c);
}

static int cmp_year_country(const void *pa, const void *pb, void *ctx)
{
	const struct eng_bucket *b = ctx;
	unsigned x = *(const unsigned *)pa, y = *(const unsigned *)pb;
	if (b[x].downloads != b[y].downloads)
		return b[x].downloads < b[y].downloads ? 1 : -1;
	return (x > y) - (x < y);
}

/* The countries of year bucket y in the order of by_country: those with
 * items, and always the unknown bucket, by downloads descending (ties by
 * index).  idx has room for country_count(); returns how many. */
static unsigned year_countries(const struct eng_result *r, unsigned y, unsigned *idx)
{
	unsigned nc = country_count(), n = 0;
	const struct eng_bucket *b = &r->year_country[(size_t)y * nc];
	for (unsigned c = 0; c < nc; c++)
		if (b[c].count || c == COUNTRY_UNKNOWN)
			idx[n++] = c;
	qsort_r(idx, n, sizeof *idx, cmp_year_country, (void *)b);
	return n;
}

/* ---- JSON ---------------------------------------------------------------- */

static cJSON *bucket_json(const char *key, const char *name, uint64_t count, uint64_t dl, uint64_t total_dl,
			  uint64_t total_count)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", key);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddNumberToObject(o, "downloads", (double)dl);
	cJSON_AddNumberToObject(o, "share", share(dl, total_dl));
	cJSON_AddNumberToObject(o, "count", (double)count);
	cJSON_AddNumberToObject(o, "count_share", share(count, total_count));
	return o;
}

static cJSON *rank_json(struct engine *e, const struct eng_result *r, enum eng_pane pane)
{
	cJSON *arr = cJSON_CreateArray();
	struct eng_row *rows = NULL;
	size_t n = engine_rank(e, r, pane, SORT_DOWNLOADS, 1, &rows);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, bucket_json(rows[i].label, rows[i].name, rows[i].count,
						      rows[i].downloads, r->downloads, r->count));
	free(rows);
	return arr;
}

static cJSON *section_json(struct engine *e, const struct eng_result *r)
{
	cJSON *o = cJSON_CreateObject(), *top, *lor, *years;
	unsigned nc = country_count(), *idx = malloc(nc * sizeof *idx);
	char key[16];
	if (!o || !idx) {
		cJSON_Delete(o);
		free(idx);
		return NULL;
	}
	cJSON_AddNumberToObject(o, "count", (double)r->count);
	cJSON_AddNumberToObject(o, "downloads", (double)r->downloads);
	cJSON_AddBoolToObject(o, "partial", r->partial);
	if (r->partial)
		cJSON_AddStringToObject(o, "note", partial_note);
	top = cJSON_AddObjectToObject(o, "top_share");
	for (unsigned i = 0; i < ENG_TOP_N; i++) {
		snprintf(key, sizeof key, "%u", eng_top_n[i]);
		cJSON_AddNumberToObject(top, key, r->top_share[i]);
	}
	top = cJSON_AddObjectToObject(o, "top_downloads");
	for (unsigned i = 0; i < ENG_TOP_N; i++) {
		snprintf(key, sizeof key, "%u", eng_top_n[i]);
		cJSON_AddNumberToObject(top, key, (double)r->top_downloads[i]);
	}
	if (r->partial) {
		cJSON_AddNullToObject(o, "under_200_share");
		cJSON_AddNullToObject(o, "gini");
		cJSON_AddNullToObject(o, "lorenz");
	} else {
		cJSON_AddNumberToObject(o, "under_200_share", r->under_share);
		cJSON_AddNumberToObject(o, "gini", r->gini);
		lor = cJSON_AddArrayToObject(o, "lorenz");
		for (unsigned i = 0; i <= ENG_LORENZ; i++)
			cJSON_AddItemToArray(lor, cJSON_CreateNumber(r->lorenz[i]));
	}
	cJSON_AddItemToObject(o, "by_country", rank_json(e, r, PANE_COUNTRIES));
	cJSON_AddItemToObject(o, "by_group", rank_json(e, r, PANE_GROUPS));
	cJSON_AddItemToObject(o, "by_org_type", rank_json(e, r, PANE_ORGTYPES));
	years = cJSON_AddArrayToObject(o, "by_year");
	for (unsigned y = 0; y < ENG_YEARS; y++) {
		const struct eng_bucket *b = &r->by_year[y];
		cJSON *yo, *arr;
		if (!b->count)
			continue;
		yo = cJSON_CreateObject();
		if (y)
			cJSON_AddNumberToObject(yo, "year", (double)(ENG_YEAR_FIRST + y - 1));
		else
			cJSON_AddNullToObject(yo, "year");
		cJSON_AddStringToObject(yo, "label", engine_year_label(y, key, sizeof key));
		cJSON_AddNumberToObject(yo, "downloads", (double)b->downloads);
		cJSON_AddNumberToObject(yo, "share", share(b->downloads, r->downloads));
		cJSON_AddNumberToObject(yo, "count", (double)b->count);
		arr = cJSON_AddArrayToObject(yo, "by_org_type");
		for (unsigned t = 0; t < OT_COUNT; t++)
			cJSON_AddItemToArray(arr, bucket_json(orgdir_type_key((enum org_type)t),
							      orgdir_type_name((enum org_type)t),
							      r->year_type[y][t].count,
							      r->year_type[y][t].downloads, b->downloads, b->count));
		arr = cJSON_AddArrayToObject(yo, "by_group");
		for (unsigned g = 0; g < CG_COUNT; g++)
			cJSON_AddItemToArray(arr, bucket_json(country_group_key((enum country_group)g),
							      country_group_name((enum country_group)g),
							      r->year_group[y][g].count,
							      r->year_group[y][g].downloads, b->downloads, b->count));
		arr = cJSON_AddArrayToObject(yo, "by_country");
		for (unsigned i = 0, n = year_countries(r, y, idx); i < n; i++) {
			const struct eng_bucket *yc = &r->year_country[(size_t)y * nc + idx[i]];
			cJSON_AddItemToArray(arr, bucket_json(country_key(idx[i]), country_name(idx[i]), yc->count,
							      yc->downloads, b->downloads, b->count));
		}
		cJSON_AddItemToArray(years, yo);
	}
	free(idx);
	return o;
}

/* ---- text ---------------------------------------------------------------- */

static void thousands(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v), j = 0;
	for (int i = 0; i < n && (size_t)j + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
}

static void text_rank(FILE *fp, struct engine *e, const struct eng_result *r, enum eng_pane pane,
		      const char *title, size_t limit)
{
	struct eng_row *rows = NULL;
	size_t n = engine_rank(e, r, pane, SORT_DOWNLOADS, 1, &rows);
	char a[32], b[32];
	fprintf(fp, "\n  %s\n", title);
	for (size_t i = 0; i < n && i < limit; i++) {
		thousands(rows[i].downloads, a, sizeof a);
		thousands(rows[i].count, b, sizeof b);
		fprintf(fp, "    %-28.28s %6.1f%% %17s downloads %12s items\n", rows[i].name,
			100.0 * rows[i].share, a, b);
	}
	if (n > limit)
		fprintf(fp, "    ... %zu more\n", n - limit);
	free(rows);
}

/* Per year, its first countries by downloads; the unknown bucket is
 * always shown, so that what is not attributed is seen. */
static void text_year_countries(FILE *fp, const struct eng_result *r)
{
	enum { SHOWN = 6 };
	unsigned nc = country_count(), *idx = malloc(nc * sizeof *idx);
	if (!idx)
		return;
	fprintf(fp, "\n  Countries by year of creation (share of that year's downloads)\n");
	for (unsigned y = 0; y < ENG_YEARS; y++) {
		const struct eng_bucket *bk = &r->by_year[y], *yc = &r->year_country[(size_t)y * nc];
		unsigned n, shown = 0, unknown_shown = 0;
		char lab[16];
		if (!bk->count)
			continue;
		n = year_countries(r, y, idx);
		fprintf(fp, "    %-7s", engine_year_label(y, lab, sizeof lab));
		for (unsigned i = 0; i < n && shown < SHOWN; i++, shown++) {
			fprintf(fp, " %s %.1f%%", country_key(idx[i]), 100 * share(yc[idx[i]].downloads, bk->downloads));
			unknown_shown |= idx[i] == COUNTRY_UNKNOWN;
		}
		if (!unknown_shown)
			fprintf(fp, " ... unknown %.1f%%", 100 * share(yc[COUNTRY_UNKNOWN].downloads, bk->downloads));
		if (n > shown + !unknown_shown)
			fprintf(fp, " (%u more)", n - shown - !unknown_shown);
		fputc('\n', fp);
	}
	free(idx);
}

static void text_section(FILE *fp, struct engine *e, const struct eng_result *r, const char *what)
{
	char a[32], b[32];
	thousands(r->count, a, sizeof a);
	thousands(r->downloads, b, sizeof b);
	fprintf(fp, "\n%s\n  %s %s, %s downloads\n", what, a, what[0] == 'M' ? "models" : "datasets", b);
	if (!r->count)
		return;
	fprintf(fp, "  Concentration: the top 10 hold %.1f%% of downloads, the top 100 %.1f%%, "
		"the top 200 %.1f%%, the top 1000 %.1f%%\n",
		100 * r->top_share[0], 100 * r->top_share[1], 100 * r->top_share[2], 100 * r->top_share[3]);
	if (r->partial)
		fprintf(fp, "  Long tail: unknown (%s)\n", partial_note);
	else
		fprintf(fp, "  Long tail: %.1f%% have fewer than %u downloads; Gini coefficient %.3f\n",
			100 * r->under_share, ENG_UNDER, r->gini);
	text_rank(fp, e, r, PANE_COUNTRIES, "By country", 12);
	text_rank(fp, e, r, PANE_GROUPS, "By country group", CG_COUNT);
	text_rank(fp, e, r, PANE_ORGTYPES, "By organisation type", OT_COUNT);
	fprintf(fp, "\n  Trend by year of creation (share of that year's downloads)\n    %-7s %10s",
		"year", "items");
	for (unsigned t = 0; t < OT_COUNT; t++)
		fprintf(fp, " %11.11s", orgdir_type_key((enum org_type)t));
	for (unsigned g = 0; g < CG_COUNT; g++)
		fprintf(fp, " %7.7s", country_group_key((enum country_group)g));
	fputc('\n', fp);
	for (unsigned y = 0; y < ENG_YEARS; y++) {
		const struct eng_bucket *bk = &r->by_year[y];
		char lab[16];
		if (!bk->count)
			continue;
		fprintf(fp, "    %-7s %10llu", engine_year_label(y, lab, sizeof lab), (unsigned long long)bk->count);
		for (unsigned t = 0; t < OT_COUNT; t++)
			fprintf(fp, " %10.1f%%", 100 * share(r->year_type[y][t].downloads, bk->downloads));
		for (unsigned g = 0; g < CG_COUNT; g++)
			fprintf(fp, " %6.1f%%", 100 * share(r->year_group[y][g].downloads, bk->downloads));
		fputc('\n', fp);
	}
	text_year_countries(fp, r);
}

int report_write(FILE *fp, struct engine *e, const struct filter *f, enum report_format fmt)
{
	const struct ht_meta *m = &engine_snapshot(e)->meta;
	struct eng_result *rm = engine_apply(e, f, HT_MODELS);
	struct eng_result *rd = rm ? engine_apply(e, f, HT_DATASETS) : NULL;
	/* Sized to the filter: 32 long authors and quoted terms exceed any fixed buffer. */
	size_t args_len = filter_to_args(f, NULL, 0) + 1;
	char *args = malloc(args_len), when[32];
	int rc = 0;
	if (!rm || !rd || !args) {
		engine_result_free(rm);
		engine_result_free(rd);
		free(args);
		return -1;
	}
	filter_to_args(f, args, args_len);
	iso_time(m->fetched_at, when, sizeof when);
	if (fmt == REPORT_JSON) {
		cJSON *root = cJSON_CreateObject(), *snap;
		char *txt;
		snap = cJSON_AddObjectToObject(root, "snapshot");
		cJSON_AddBoolToObject(snap, "demo", m->demo);
		cJSON_AddBoolToObject(snap, "complete", m->complete);
		if (when[0])
			cJSON_AddStringToObject(snap, "fetched_at", when);
		else
			cJSON_AddNullToObject(snap, "fetched_at");
		cJSON_AddStringToObject(snap, "endpoint", m->endpoint);
		cJSON_AddStringToObject(root, "filter", args);
		cJSON_AddStringToObject(root, "window", f->window == WIN_ALL ? "all" : "30d");
		cJSON_AddStringToObject(root, "by", f->by == ATTRIB_LINEAGE ? "lineage" : "uploader");
		/* A section that could not be made must not go missing silently. */
		if (!cJSON_AddItemToObject(root, "models", section_json(e, rm)) ||
		    !cJSON_AddItemToObject(root, "datasets", section_json(e, rd)))
			rc = -1;
		txt = rc ? NULL : cJSON_Print(root);
		cJSON_Delete(root);
		if (!txt || fputs(txt, fp) == EOF || fputc('\n', fp) == EOF)
			rc = -1;
		cJSON_free(txt);
	} else {
		if (m->demo)
			fprintf(fp, "*** DEMO DATA: generated figures, not the Hub's. Run `hubtop fetch` for real ones. ***\n\n");
		fprintf(fp, "Hugging Face Hub: who gets the downloads\n");
		fprintf(fp, "Snapshot: %s, %s%s%s\n", m->endpoint[0] ? m->endpoint : "unknown source",
			m->complete ? "complete listing" : "top of the listing only",
			when[0] ? ", fetched " : "", when);
		fprintf(fp, "Filter: %s\nDownloads: %s; attribution by %s\n", args[0] ? args : "(none)",
			f->window == WIN_ALL ? "all-time" : "last 30 days",
			f->by == ATTRIB_LINEAGE ? "lineage (derivatives count for their base model's developer)"
						: "uploader");
		text_section(fp, e, rm, "Models");
		text_section(fp, e, rd, "Datasets");
		if (ferror(fp))
			rc = -1;
	}
	engine_result_free(rm);
	engine_result_free(rd);
	free(args);
	return rc;
}

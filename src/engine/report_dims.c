/* report_dims.c - the report's figures by relation, language and size,
 * and its bases (dims.h; the JSON in docs/report-json.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "hubtop/dims.h"
#include "hubtop/language.h"

static void add_fig(cJSON *o, const char *key, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

static cJSON *bucket(const char *key, const char *name, const struct eng_bucket *b, uint64_t dl, uint64_t count)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", key);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddNumberToObject(o, "downloads", (double)b->downloads);
	add_fig(o, "share", engine_share(b->downloads, dl));
	cJSON_AddNumberToObject(o, "count", (double)b->count);
	add_fig(o, "count_share", engine_share(b->count, count));
	return o;
}

static const char *lang_name(struct engine *e, uint32_t b)
{
	const char *code = dims_lang_code(e, b), *name = language_name(code);
	return b == DLANG_UNKNOWN ? "unknown" : b == DLANG_MULTI ? "several languages" : name ? name : code;
}

/* Year buckets with matches: totals of that year, from one of the
 * per-year tables (each partitions the year). */
static void year_total(const struct eng_bucket *row, unsigned n, struct eng_bucket *out)
{
	out->count = out->downloads = 0;
	for (unsigned i = 0; i < n; i++) {
		out->count += row[i].count;
		out->downloads += row[i].downloads;
	}
}

static cJSON *bases_json(struct engine *e, const struct eng_result *r, int by_owner)
{
	cJSON *arr = cJSON_CreateArray();
	struct dims_base *b = NULL;
	size_t n = dims_bases_top(e, r, by_owner, DIMS_REPORT_BASES, &b);
	if (n == (size_t)-1) {
		cJSON_Delete(arr);
		return NULL;
	}
	for (size_t i = 0; i < n && i < DIMS_REPORT_BASES; i++) {
		cJSON *o = cJSON_CreateObject(), *rel;
		char id[1100];
		snprintf(id, sizeof id, "%.*s", (int)b[i].id_len, b[i].id);
		cJSON_AddStringToObject(o, by_owner ? "owner" : "id", id);
		if (!by_owner)
			cJSON_AddBoolToObject(o, "in_snapshot", b[i].row != UINT32_MAX);
		cJSON_AddNumberToObject(o, "direct", (double)b[i].direct);
		cJSON_AddNumberToObject(o, "chain", (double)b[i].chain);
		cJSON_AddNumberToObject(o, "direct_downloads", (double)b[i].direct_downloads);
		cJSON_AddNumberToObject(o, "chain_downloads", (double)b[i].chain_downloads);
		rel = cJSON_AddObjectToObject(o, "direct_by_relation");
		for (int k = DREL_FINETUNE; k <= DREL_MERGE; k++)
			cJSON_AddNumberToObject(rel, dims_rel_key(k), (double)b[i].by_rel[k]);
		cJSON_AddItemToArray(arr, o);
	}
	free(b);
	return arr;
}

int dims_report_json(cJSON *o, struct engine *e, const struct eng_result *r)
{
	struct dims_shares *d = dims_shares(e, r);
	uint64_t dl = r->downloads, cnt = r->count;
	char lab[16];
	cJSON *arr, *years;
	int models = r->kind == HT_MODELS;
	if (!d)
		return -1;
	if (models) {
		arr = cJSON_AddArrayToObject(o, "by_relation");
		for (int k = 0; k < DREL_COUNT; k++)
			cJSON_AddItemToArray(arr, bucket(dims_rel_key(k), dims_rel_key(k), &d->rel[k], dl, cnt));
		arr = cJSON_AddArrayToObject(o, "depth");
		for (int k = 0; k < 8; k++)
			cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)d->depth[k]));
		years = cJSON_AddArrayToObject(o, "relation_by_year");
		for (unsigned y = 0; y < ENG_YEARS; y++) {
			struct eng_bucket t;
			cJSON *yo;
			year_total(d->rel_year[y], DREL_COUNT, &t);
			if (!t.count)
				continue;
			yo = cJSON_CreateObject();
			cJSON_AddStringToObject(yo, "label", engine_year_label(y, lab, sizeof lab));
			cJSON_AddNumberToObject(yo, "count", (double)t.count);
			arr = cJSON_AddArrayToObject(yo, "by_relation");
			for (int k = 0; k < DREL_COUNT; k++)
				cJSON_AddItemToArray(arr, bucket(dims_rel_key(k), dims_rel_key(k), &d->rel_year[y][k],
								 t.downloads, t.count));
			cJSON_AddItemToArray(years, yo);
		}
	}
	arr = cJSON_AddArrayToObject(o, "by_language");
	for (uint32_t i = 0; i < d->n_lang_used; i++) {
		uint32_t b = d->lang_order[i];
		cJSON_AddItemToArray(arr, bucket(dims_lang_code(e, b), lang_name(e, b), &d->lang[b], dl, cnt));
	}
	if (models) {
		cJSON *sz;
		arr = cJSON_AddArrayToObject(o, "by_size");
		for (int k = 0; k < DSIZE_COUNT; k++)
			cJSON_AddItemToArray(arr, bucket(dims_size_key(k), dims_size_key(k), &d->size[k], dl, cnt));
		sz = cJSON_AddObjectToObject(o, "size");
		cJSON_AddNumberToObject(sz, "known", (double)d->size_known[ENG_YEARS]);
		if (d->size_known[ENG_YEARS])
			cJSON_AddNumberToObject(sz, "median", (double)d->size_median[ENG_YEARS]);
		else
			cJSON_AddNullToObject(sz, "median");
		add_fig(sz, "download_weighted_mean", d->size_wmean[ENG_YEARS]);
		years = cJSON_AddArrayToObject(o, "size_by_year");
		for (unsigned y = 0; y < ENG_YEARS; y++) {
			struct eng_bucket t;
			cJSON *yo;
			year_total(d->size_year[y], DSIZE_COUNT, &t);
			if (!t.count)
				continue;
			yo = cJSON_CreateObject();
			cJSON_AddStringToObject(yo, "label", engine_year_label(y, lab, sizeof lab));
			cJSON_AddNumberToObject(yo, "count", (double)t.count);
			cJSON_AddNumberToObject(yo, "known", (double)d->size_known[y]);
			if (d->size_known[y])
				cJSON_AddNumberToObject(yo, "median", (double)d->size_median[y]);
			else
				cJSON_AddNullToObject(yo, "median");
			add_fig(yo, "download_weighted_mean", d->size_wmean[y]);
			arr = cJSON_AddArrayToObject(yo, "by_size");
			for (int k = 0; k < DSIZE_COUNT; k++)
				cJSON_AddItemToArray(arr, bucket(dims_size_key(k), dims_size_key(k), &d->size_year[y][k],
								 t.downloads, t.count));
			cJSON_AddItemToArray(years, yo);
		}
		if (!cJSON_AddItemToObject(o, "bases", bases_json(e, r, 0)) ||
		    !cJSON_AddItemToObject(o, "base_orgs", bases_json(e, r, 1))) {
			dims_shares_free(d);
			return -1;
		}
	}
	dims_shares_free(d);
	return 0;
}

/* ---- text ----------------------------------------------------------------- */

static const char *pct(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * v);
	return buf;
}

static void line(FILE *fp, const char *name, const struct eng_bucket *b, uint64_t dl, uint64_t cnt)
{
	char p1[16], p2[16];
	fprintf(fp, "    %-20.20s %7s of downloads %7s of items %15llu downloads %10llu items\n", name,
		pct(engine_share(b->downloads, dl), p1, sizeof p1), pct(engine_share(b->count, cnt), p2, sizeof p2),
		(unsigned long long)b->downloads, (unsigned long long)b->count);
}

static void size_text(FILE *fp, uint64_t known, uint64_t median, double wmean)
{
	char a[16], b[16];
	if (!known) {
		fprintf(fp, " %8s %10s", "n/a", "n/a");
		return;
	}
	dims_fmt_count(median, a, sizeof a);
	if (isnan(wmean))
		snprintf(b, sizeof b, "n/a");
	else
		dims_fmt_count((uint64_t)llround(wmean), b, sizeof b);
	fprintf(fp, " %8s %10s", a, b);
}

int dims_report_text(FILE *fp, struct engine *e, const struct eng_result *r)
{
	struct dims_shares *d = dims_shares(e, r);
	uint64_t dl = r->downloads, cnt = r->count;
	int models = r->kind == HT_MODELS;
	char lab[16], p[16];
	if (!d)
		return -1;
	if (!cnt) {
		dims_shares_free(d);
		return 0;
	}
	if (models) {
		if (d->rel[DREL_UNKNOWN].count == cnt) {
			fprintf(fp, "\n  By relation to a base model: unknown for all %llu models (the listing gave "
				"no tags)\n", (unsigned long long)cnt);
		} else {
			fprintf(fp, "\n  By relation to a base model (base_model: tags)\n");
			for (int k = 0; k < DREL_COUNT; k++)
				if (k != DREL_UNKNOWN || d->rel[k].count)
					line(fp, dims_rel_key(k), &d->rel[k], dl, cnt);
			fprintf(fp, "    depth in the chain:");
			for (int k = 0; k < 8; k++)
				fprintf(fp, " %s%d: %llu", k == 7 ? ">=" : "", k, (unsigned long long)d->depth[k]);
			fprintf(fp, "\n  Relation by year of creation (share of that year's downloads)\n    %-7s %10s",
				"year", "items");
			for (int k = 0; k < DREL_COUNT; k++)
				fprintf(fp, " %9.9s", dims_rel_key(k));
			fputc('\n', fp);
			for (unsigned y = 0; y < ENG_YEARS; y++) {
				struct eng_bucket t;
				year_total(d->rel_year[y], DREL_COUNT, &t);
				if (!t.count)
					continue;
				fprintf(fp, "    %-7s %10llu", engine_year_label(y, lab, sizeof lab),
					(unsigned long long)t.count);
				for (int k = 0; k < DREL_COUNT; k++)
					fprintf(fp, " %9s", pct(engine_share(d->rel_year[y][k].downloads, t.downloads), p,
								sizeof p));
				fputc('\n', fp);
			}
		}
	}
	if (d->n_lang_used == 1 && d->lang_order[0] == DLANG_UNKNOWN) {
		fprintf(fp, "\n  By language: unknown for all %llu %s (%s)\n", (unsigned long long)cnt,
			models ? "models" : "datasets", d->rel[DREL_UNKNOWN].count == cnt ? "the listing gave no tags" :
			"no language: tags");
	} else {
		enum { SHOWN = 12 };
		int unknown_shown = 0;
		fprintf(fp, "\n  By language (language: tags; several: multilingual)\n");
		for (uint32_t i = 0; i < d->n_lang_used && i < SHOWN; i++) {
			uint32_t b = d->lang_order[i];
			char name[64];
			snprintf(name, sizeof name, "%s %s", dims_lang_code(e, b),
				 b > DLANG_MULTI && language_name(dims_lang_code(e, b)) ? language_name(dims_lang_code(e, b)) : "");
			line(fp, name, &d->lang[b], dl, cnt);
			unknown_shown |= b == DLANG_UNKNOWN;
		}
		if (!unknown_shown)
			line(fp, "unknown", &d->lang[DLANG_UNKNOWN], dl, cnt);
		if (d->n_lang_used > SHOWN + !unknown_shown)
			fprintf(fp, "    (%u more)\n", d->n_lang_used - SHOWN - !unknown_shown);
	}
	if (models) {
		if (!d->size_known[ENG_YEARS]) {
			fprintf(fp, "\n  By size: unknown for all %llu models (the listing gave no safetensors or "
				"gguf parameter counts)\n", (unsigned long long)cnt);
		} else {
			fprintf(fp, "\n  By size (total parameters, from safetensors or gguf)\n");
			for (int k = 0; k < DSIZE_COUNT; k++)
				line(fp, dims_size_key(k), &d->size[k], dl, cnt);
			fprintf(fp, "  Size by year of creation (models of known size)\n    %-7s %10s %10s %8s %10s\n",
				"year", "items", "known", "median", "dl-mean");
			for (unsigned y = 0; y <= ENG_YEARS; y++) {
				struct eng_bucket t;
				if (y < ENG_YEARS)
					year_total(d->size_year[y], DSIZE_COUNT, &t);
				else
					t.count = cnt;
				if (!t.count)
					continue;
				fprintf(fp, "    %-7s %10llu %10llu", y < ENG_YEARS ? engine_year_label(y, lab, sizeof lab) : "all",
					(unsigned long long)t.count, (unsigned long long)d->size_known[y]);
				size_text(fp, d->size_known[y], d->size_median[y], d->size_wmean[y]);
				fputc('\n', fp);
			}
		}
		{
			struct dims_base *b = NULL;
			size_t n = dims_bases_top(e, r, 0, 10, &b);
			if (n == (size_t)-1) {
				dims_shares_free(d);
				return -1;
			}
			if (n) {
				fprintf(fp, "\n  Base models by derivatives (direct; through the whole chain)\n");
				for (size_t i = 0; i < n && i < 10; i++)
					fprintf(fp, "    %-40.*s %8llu direct %8llu chain %15llu downloads of derivatives\n",
						(int)(b[i].id_len > 40 ? 40 : b[i].id_len), b[i].id,
						(unsigned long long)b[i].direct, (unsigned long long)b[i].chain,
						(unsigned long long)b[i].chain_downloads);
			}
			free(b);
		}
	}
	dims_shares_free(d);
	return 0;
}

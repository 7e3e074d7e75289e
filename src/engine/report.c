/* report.c - `hubtop report`: headline figures as text or as the stable JSON
 * documented in docs/report-json.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "hubtop/civil.h"
#include "hubtop/dims.h"
#include "hubtop/report.h"
#include "hubtop/safetext.h"

static const char partial_note[] =
	"the snapshot holds only the most downloaded items: the share under 200 downloads, "
	"the Gini coefficient and the Lorenz curve are unknown; shares are of the downloads "
	"in the snapshot";

static void iso_time(int64_t t, char *buf, size_t len)
{
	civil_iso_time(t, buf, len);
}

/* NAN when whole is 0: a share of nothing is unknown, never 0. */
static double share(uint64_t part, uint64_t whole)
{
	return engine_share(part, whole);
}

/* A figure, or null when it cannot be computed. */
static void add_fig(cJSON *o, const char *key, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

/* "12.3%" or "n/a". */
static const char *pct(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * v);
	return buf;
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
	add_fig(o, "share", share(dl, total_dl));
	cJSON_AddNumberToObject(o, "count", (double)count);
	add_fig(o, "count_share", share(count, total_count));
	return o;
}

/* The attributed denominator of a pane: downloads whose key is known. */
static uint64_t attributed_of(const struct eng_result *r, enum eng_pane pane)
{
	return pane == PANE_COUNTRIES ? r->attributed_downloads
	       : pane == PANE_GROUPS ? r->attributed_group_downloads : r->attributed_type_downloads;
}

/* 1 when a pane's key is the unattributed one (left out of the shares of
 * attributed downloads). */
static int unattributed_key(enum eng_pane pane, uint32_t key)
{
	return pane == PANE_COUNTRIES ? key == COUNTRY_UNKNOWN
	       : pane == PANE_GROUPS ? key == CG_UNKNOWN : key == OT_UNKNOWN_ORG;
}

static cJSON *rank_json(struct engine *e, const struct eng_result *r, enum eng_pane pane)
{
	cJSON *arr = cJSON_CreateArray();
	struct eng_row *rows = NULL;
	size_t n = engine_rank(e, r, pane, SORT_DOWNLOADS, 1, &rows);
	for (size_t i = 0; i < n; i++) {
		cJSON *b = bucket_json(rows[i].label, rows[i].name, rows[i].count, rows[i].downloads,
				       r->downloads, r->count);
		/* Both kinds of share, whatever --of says. */
		add_fig(b, "share_of_attributed", unattributed_key(pane, rows[i].key) ? NAN :
			share(rows[i].downloads, attributed_of(r, pane)));
		cJSON_AddItemToArray(arr, b);
	}
	free(rows);
	return arr;
}

/* How many organisations (or accounts, --group-by account) the report
 * lists. */
#define REPORT_TOP_ORGS 20

/* The first organisations by downloads, at the filter's level, with the
 * number of accounts each holds. */
static cJSON *orgs_json(struct engine *e, const struct eng_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	struct eng_row *rows = NULL;
	size_t n = engine_rank_top(e, r, PANE_ORGS, SORT_DOWNLOADS, 1, REPORT_TOP_ORGS, &rows);
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "account", rows[i].label);
		cJSON_AddStringToObject(o, "name", rows[i].name);
		cJSON_AddNumberToObject(o, "accounts", (double)rows[i].accounts);
		cJSON_AddStringToObject(o, "country", country_key(rows[i].country));
		cJSON_AddStringToObject(o, "org_type", orgdir_type_key((enum org_type)rows[i].type));
		cJSON_AddNumberToObject(o, "downloads", (double)rows[i].downloads);
		add_fig(o, "share", rows[i].share);
		cJSON_AddNumberToObject(o, "count", (double)rows[i].count);
		cJSON_AddItemToArray(arr, o);
	}
	free(rows);
	return arr;
}

static cJSON *section_json(struct engine *e, const struct eng_result *r, const struct eng_result *wide)
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
	if (r->counted || !r->count)
		cJSON_AddNumberToObject(o, "downloads", (double)r->downloads);
	else
		cJSON_AddNullToObject(o, "downloads");
	cJSON_AddNumberToObject(o, "without_download_count", (double)(r->count - r->counted));
	if (r->na_reason)
		cJSON_AddStringToObject(o, "na_reason", r->na_reason);
	else
		cJSON_AddNullToObject(o, "na_reason");
	add_fig(o, "attributed_share", engine_attributed_share(r));
	if (wide) {
		cJSON *lo = cJSON_AddObjectToObject(o, "left_out_by_country_filter");
		cJSON_AddNumberToObject(lo, "count", (double)wide->by_country[COUNTRY_UNKNOWN].count);
		cJSON_AddNumberToObject(lo, "downloads", (double)wide->by_country[COUNTRY_UNKNOWN].downloads);
	}
	cJSON_AddNumberToObject(o, "attributed_downloads", (double)r->attributed_downloads);
	cJSON_AddBoolToObject(o, "partial", r->partial);
	if (r->partial)
		cJSON_AddStringToObject(o, "note", partial_note);
	top = cJSON_AddObjectToObject(o, "top_share");
	for (unsigned i = 0; i < ENG_TOP_N; i++) {
		snprintf(key, sizeof key, "%u", eng_top_n[i]);
		add_fig(top, key, r->top_share[i]);
	}
	top = cJSON_AddObjectToObject(o, "top_downloads");
	for (unsigned i = 0; i < ENG_TOP_N; i++) {
		snprintf(key, sizeof key, "%u", eng_top_n[i]);
		cJSON_AddNumberToObject(top, key, (double)r->top_downloads[i]);
	}
	if (r->partial || isnan(r->gini)) {
		if (r->partial)
			cJSON_AddNullToObject(o, "under_200_share");
		else
			add_fig(o, "under_200_share", r->under_share);
		cJSON_AddNullToObject(o, "gini");
		cJSON_AddNullToObject(o, "lorenz");
	} else {
		add_fig(o, "under_200_share", r->under_share);
		cJSON_AddNumberToObject(o, "gini", r->gini);
		lor = cJSON_AddArrayToObject(o, "lorenz");
		for (unsigned i = 0; i <= ENG_LORENZ; i++)
			cJSON_AddItemToArray(lor, cJSON_CreateNumber(r->lorenz[i]));
	}
	cJSON_AddItemToObject(o, "by_country", rank_json(e, r, PANE_COUNTRIES));
	cJSON_AddItemToObject(o, "by_group", rank_json(e, r, PANE_GROUPS));
	cJSON_AddItemToObject(o, "by_org_type", rank_json(e, r, PANE_ORGTYPES));
	cJSON_AddItemToObject(o, "top_orgs", orgs_json(e, r));
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
		add_fig(yo, "share", share(b->downloads, r->downloads));
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
	if (dims_report_json(o, e, r)) {
		cJSON_Delete(o);
		return NULL;
	}
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

/* The first organisations (or accounts) by downloads, with their account
 * counts. */
static void text_orgs(FILE *fp, struct engine *e, const struct eng_result *r)
{
	struct eng_row *rows = NULL;
	size_t n = engine_rank_top(e, r, PANE_ORGS, SORT_DOWNLOADS, 1, REPORT_TOP_ORGS, &rows);
	int org = r->filter.level != LEVEL_ACCOUNT;
	char a[32], b[32];
	fprintf(fp, "\n  %s\n", org ? "Top organisations (all their accounts together)" : "Top accounts");
	for (size_t i = 0; i < n; i++) {
		char acc[32] = "";
		thousands(rows[i].downloads, a, sizeof a);
		thousands(rows[i].count, b, sizeof b);
		if (org)
			snprintf(acc, sizeof acc, "%4u account%s", rows[i].accounts, rows[i].accounts == 1 ? "" : "s");
		fprintf(fp, "    %-28.28s %-2.2s %6.1f%% %17s downloads %12s items%s%s\n", rows[i].name,
			country_key(rows[i].country), 100.0 * rows[i].share, a, b,
			org ? " " : "", acc);
	}
	free(rows);
}

static void text_rank(FILE *fp, struct engine *e, const struct eng_result *r, enum eng_pane pane,
		      const char *title, size_t limit)
{
	struct eng_row *rows = NULL;
	size_t n = engine_rank(e, r, pane, SORT_DOWNLOADS, 1, &rows);
	char a[32], b[32], p1[16], p2[16];
	uint64_t att = attributed_of(r, pane);
	fprintf(fp, "\n  %s (share of all downloads, of attributed downloads)\n", title);
	for (size_t i = 0; i < n && i < limit; i++) {
		thousands(rows[i].downloads, a, sizeof a);
		thousands(rows[i].count, b, sizeof b);
		fprintf(fp, "    %-28.28s %6s %6s %17s downloads %12s items\n", rows[i].name,
			pct(share(rows[i].downloads, r->downloads), p1, sizeof p1),
			unattributed_key(pane, rows[i].key) ? "-" : pct(share(rows[i].downloads, att), p2, sizeof p2),
			a, b);
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
			char p1[16];
			fprintf(fp, " %s %s", country_key(idx[i]), pct(share(yc[idx[i]].downloads, bk->downloads), p1, sizeof p1));
			unknown_shown |= idx[i] == COUNTRY_UNKNOWN;
		}
		if (!unknown_shown) {
			char p1[16];
			fprintf(fp, " ... unknown %s", pct(share(yc[COUNTRY_UNKNOWN].downloads, bk->downloads), p1, sizeof p1));
		}
		if (n > shown + !unknown_shown)
			fprintf(fp, " (%u more)", n - shown - !unknown_shown);
		fputc('\n', fp);
	}
	free(idx);
}

static void text_section(FILE *fp, struct engine *e, const struct eng_result *r, const char *what,
			 const struct eng_result *wide)
{
	char a[32], b[32], c[32], p[4][16];
	const char *items = what[0] == 'M' ? "models" : "datasets";
	thousands(r->count, a, sizeof a);
	thousands(r->downloads, b, sizeof b);
	if (r->count && !r->counted)
		fprintf(fp, "\n%s\n  %s %s, downloads n/a (%s)\n", what, a, items, r->na_reason);
	else
		fprintf(fp, "\n%s\n  %s %s, %s downloads\n", what, a, items, b);
	if (r->count > r->counted && r->counted) {
		thousands(r->count - r->counted, c, sizeof c);
		fprintf(fp, "  %s %s without a download count: left out of the downloads and of every figure "
			"below but the counts\n", c, items);
	}
	if (wide) {
		/* A country filter cannot pass items without a country: say so. */
		thousands(wide->by_country[COUNTRY_UNKNOWN].count, c, sizeof c);
		thousands(wide->by_country[COUNTRY_UNKNOWN].downloads, b, sizeof b);
		fprintf(fp, "  Left out by the country filter: %s %s without a known country "
			"(independents and unattributed accounts), %s downloads\n", c, items, b);
	}
	if (!r->count)
		return;
	fprintf(fp, "  Attributed: %s of downloads have a known country\n",
		pct(engine_attributed_share(r), p[0], sizeof p[0]));
	if (r->na_reason) {
		fprintf(fp, "  Concentration: n/a (%s)\n", r->na_reason);
	} else {
		fprintf(fp, "  Concentration: the top 10 hold %s of downloads, the top 100 %s, "
			"the top 200 %s, the top 1000 %s\n", pct(r->top_share[0], p[0], sizeof p[0]),
			pct(r->top_share[1], p[1], sizeof p[1]), pct(r->top_share[2], p[2], sizeof p[2]),
			pct(r->top_share[3], p[3], sizeof p[3]));
	}
	if (r->partial)
		fprintf(fp, "  Long tail: unknown (%s)\n", partial_note);
	else if (r->na_reason)
		fprintf(fp, "  Long tail: %s have fewer than %u downloads; Gini coefficient n/a (%s)\n",
			pct(r->under_share, p[0], sizeof p[0]), ENG_UNDER, r->na_reason);
	else
		fprintf(fp, "  Long tail: %s have fewer than %u downloads; Gini coefficient %.3f\n",
			pct(r->under_share, p[0], sizeof p[0]), ENG_UNDER, r->gini);
	text_rank(fp, e, r, PANE_COUNTRIES, "By country", 12);
	text_rank(fp, e, r, PANE_GROUPS, "By country group", CG_COUNT);
	text_rank(fp, e, r, PANE_ORGTYPES, "By organisation type", OT_COUNT);
	text_orgs(fp, e, r);
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
			fprintf(fp, " %11s", pct(share(r->year_type[y][t].downloads, bk->downloads), p[0], sizeof p[0]));
		for (unsigned g = 0; g < CG_COUNT; g++)
			fprintf(fp, " %7s", pct(share(r->year_group[y][g].downloads, bk->downloads), p[0], sizeof p[0]));
		fputc('\n', fp);
	}
	text_year_countries(fp, r);
	dims_report_text(fp, e, r);
}

/* The period's two snapshots and the items that are not in both. */
static void period_json(cJSON *root, const struct engine *e)
{
	const struct eng_period *p = engine_period(e);
	cJSON *o = cJSON_AddObjectToObject(root, "period");
	char d[32];
	if (!o)
		return;
	iso_time(p->start_as_of, d, sizeof d);
	cJSON_AddStringToObject(o, "start_as_of", d);
	iso_time(p->end_as_of, d, sizeof d);
	cJSON_AddStringToObject(o, "end_as_of", d);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		cJSON *x = cJSON_AddObjectToObject(o, k == HT_MODELS ? "models" : "datasets");
		if (!x)
			return;
		cJSON_AddNumberToObject(x, "counted", (double)p->counted[k]);
		cJSON_AddNumberToObject(x, "new", (double)p->fresh[k]);
		cJSON_AddNumberToObject(x, "absent_at_start", (double)p->unmatched[k]);
		cJSON_AddNumberToObject(x, "unknown", (double)p->unknown[k]);
		cJSON_AddNumberToObject(x, "fewer_at_end", (double)p->negative[k]);
		cJSON_AddNumberToObject(x, "gone", (double)p->gone[k]);
		cJSON_AddNumberToObject(x, "gone_downloads_at_start", (double)p->gone_downloads[k]);
	}
}

static void period_text(FILE *fp, const struct engine *e)
{
	const struct eng_period *p = engine_period(e);
	char d1[32], d2[32];
	iso_time(p->start_as_of, d1, sizeof d1);
	iso_time(p->end_as_of, d2, sizeof d2);
	fprintf(fp, "Period: all-time downloads at the snapshot of %.10s minus those at the snapshot of %.10s\n",
		d2[0] ? d2 : "unknown", d1[0] ? d1 : "unknown");
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const char *what = k == HT_MODELS ? "models" : "datasets";
		fprintf(fp, "  %s: %llu new (counted from 0); %llu gone since the start (deleted or renamed), "
			"their %llu downloads at the start left out", what,
			(unsigned long long)p->fresh[k], (unsigned long long)p->gone[k],
			(unsigned long long)p->gone_downloads[k]);
		if (p->negative[k] || p->unmatched[k] || p->unknown[k])
			fprintf(fp, "; unknown: %llu with fewer all-time downloads at the end, %llu absent "
				"at the start though older (renamed?), %llu without a count",
				(unsigned long long)p->negative[k], (unsigned long long)p->unmatched[k],
				(unsigned long long)p->unknown[k]);
		fputc('\n', fp);
	}
}

static int report_write_raw(FILE *fp, struct engine *e, const struct filter *f,
			    enum report_format fmt)
{
	const struct ht_meta *m = &engine_snapshot(e)->meta;
	struct eng_result *rm = engine_apply(e, f, HT_MODELS);
	struct eng_result *rd = rm ? engine_apply(e, f, HT_DATASETS) : NULL;
	/* A country filter leaves out the items without a country: the same
	 * filter without it says how many. */
	int country_cut = filter_any_country(f) && !filter_has_country(f, COUNTRY_UNKNOWN);
	struct eng_result *wm = NULL, *wd = NULL;
	char as_of[32];
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
	iso_time(m->as_of, as_of, sizeof as_of);
	if (country_cut) {
		struct filter w = *f;
		memset(w.countries, 0, sizeof w.countries);
		wm = engine_apply(e, &w, HT_MODELS);
		wd = wm ? engine_apply(e, &w, HT_DATASETS) : NULL;
		if (!wd) {
			engine_result_free(rm);
			engine_result_free(rd);
			engine_result_free(wm);
			free(args);
			return -1;
		}
	}
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
		if (as_of[0])
			cJSON_AddStringToObject(snap, "as_of", as_of);
		else
			cJSON_AddNullToObject(snap, "as_of");
		cJSON_AddBoolToObject(snap, "as_of_inferred", m->as_of_inferred);
		cJSON_AddBoolToObject(snap, "has_all_time_counts", !m->no_alltime);
		cJSON_AddStringToObject(root, "filter", args);
		{
			char w[64];
			filter_get(f, "window", w, sizeof w);
			cJSON_AddStringToObject(root, "window", w);
			if (f->window == WIN_PERIOD && engine_period(e)->set)
				period_json(root, e);
		}
		cJSON_AddStringToObject(root, "by", f->by == ATTRIB_LINEAGE ? "lineage" : "uploader");
		cJSON_AddStringToObject(root, "group_by", f->level == LEVEL_ACCOUNT ? "account" : "organisation");
		cJSON_AddStringToObject(root, "of", f->of == OF_ATTRIBUTED ? "attributed" : "all");
		/* A section that could not be made must not go missing silently. */
		if (!cJSON_AddItemToObject(root, "models", section_json(e, rm, wm)) ||
		    !cJSON_AddItemToObject(root, "datasets", section_json(e, rd, wd)))
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
			when[0] ? ", made " : "", when);
		if (as_of[0])
			fprintf(fp, "Data as of %.10s%s\n", as_of,
				m->as_of_inferred ? " (inferred: the latest date in the data)" : "");
		else
			fprintf(fp, "Data as of: unknown\n");
		char wl[64];
		fprintf(fp, "Filter: %s\nDownloads: %s; attribution by %s\n", args[0] ? args : "(none)",
			engine_window_label(e, f, wl, sizeof wl),
			f->by == ATTRIB_LINEAGE ? "lineage (derivatives count for their base model's developer)"
						: "uploader");
		if (f->window == WIN_PERIOD && engine_period(e)->set)
			period_text(fp, e);
		text_section(fp, e, rm, "Models", wm);
		text_section(fp, e, rd, "Datasets", wd);
		if (ferror(fp))
			rc = -1;
	}
	engine_result_free(rm);
	engine_result_free(rd);
	engine_result_free(wm);
	engine_result_free(wd);
	free(args);
	return rc;
}

/* The report is made in memory, then goes out through the one text rule
 * (safetext.h): names and terms come from a snapshot, which may be crafted. */
int report_write(FILE *fp, struct engine *e, const struct filter *f, enum report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc;

	if (!mem)
		return -1;
	rc = report_write_raw(mem, e, f, fmt);
	if (fclose(mem) != 0)
		rc = -1;
	if (rc == 0 && (safetext_fputs(buf, fp, 1) == EOF || ferror(fp)))
		rc = -1;
	free(buf);
	return rc;
}

/* test_report.c - `hubtop report`: the JSON parsed back with cJSON and every
 * figure checked against a brute-force computation (random tables, random
 * filters, the demo snapshot); partial snapshots; the text form. */
#include <ctype.h>
#include <cjson/cJSON.h>
#include "testutil.h"
#include "hubtop/engine.h"
#include "hubtop/report.h"
#include "hubtop/filter.h"
#include "hubtop/demo.h"
#include "hubtop/orgdir.h"
#include "engine_fixture.h"

static char *report_mem(struct engine *e, const struct filter *f, enum report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(report_write(fp, e, f, fmt), 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		fail_msg("report JSON lacks \"%s\"", key);
	return v;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);
	if (!cJSON_IsNumber(v))
		fail_msg("report JSON \"%s\" is not a number", key);
	return v->valuedouble;
}

static double frac(const cJSON *o, const char *key)
{
	double v = num(o, key);
	if (!(v >= 0.0 && v <= 1.0))
		fail_msg("report JSON \"%s\" = %g is not a fraction", key, v);
	return v;
}

/* A figure that is null exactly when it cannot be computed (na), else the
 * fraction want. */
static void fig_is(const cJSON *o, const char *key, int na, double want)
{
	if (na) {
		if (!cJSON_IsNull(get(o, key)))
			fail_msg("report JSON \"%s\" should be null (n/a), not a figure", key);
		return;
	}
	FX_NEAR(frac(o, key), want);
}

static void share_is(const cJSON *o, const char *key, uint64_t part, uint64_t whole)
{
	fig_is(o, key, !whole, whole ? (double)part / (double)whole : 0.0);
}

/* Brute-force figures of one table under a filter. */
struct bf_fig {
	uint64_t n, S, under, nk;
	uint64_t top[ENG_TOP_N];
	double gini;
	struct eng_bucket *bc, bg[CG_COUNT], bt[OT_COUNT], by[ENG_YEARS], byt[ENG_YEARS][OT_COUNT],
		byg[ENG_YEARS][CG_COUNT];
	struct eng_bucket *byc; /* [year * country_count() + country] */
};

static int cmp_desc_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a < b) - (a > b);
}

static void bf_figures(const struct ht_snapshot *s, const struct attrib *a, const struct filter *f,
		       enum ht_kind k, struct bf_fig *g)
{
	const struct ht_table *t = &s->t[k];
	uint64_t *dls = malloc(((size_t)t->n + 1) * sizeof *dls);
	long double sum_i = 0;
	memset(g, 0, sizeof *g);
	g->bc = calloc(country_count(), sizeof *g->bc);
	g->byc = calloc((size_t)ENG_YEARS * country_count(), sizeof *g->byc);
	assert_non_null(dls);
	assert_non_null(g->bc);
	assert_non_null(g->byc);
	for (uint32_t row = 0; row < t->n; row++) {
		uint32_t ac;
		uint64_t dl;
		unsigned y;
		if (!bf_match(s, a, f, k, row))
			continue;
		ac = a->item_acct[k][f->by][row];
		dl = f->window == WIN_ALL ? t->downloads_all[row] : t->downloads[row];
		y = bf_year(t->created[row]);
		g->n++;
		/* Only the items with a count enter the concentration figures. */
		if (bf_known(s, k, f->window, row)) {
			dls[g->nk++] = dl;
			g->under += dl < ENG_UNDER;
		}
		g->S += dl;
#define B(x) do { (x).count++; (x).downloads += dl; } while (0)
		B(g->bc[a->acct_country[ac]]);
		B(g->bg[a->acct_group[ac]]);
		B(g->bt[a->acct_type[ac]]);
		B(g->by[y]);
		B(g->byt[y][a->acct_type[ac]]);
		B(g->byg[y][a->acct_group[ac]]);
		B(g->byc[(size_t)y * country_count() + a->acct_country[ac]]);
#undef B
	}
	qsort(dls, g->nk, sizeof *dls, cmp_desc_u64);
	for (unsigned j = 0; j < ENG_TOP_N; j++)
		for (uint64_t i = 0; i < g->nk && i < eng_top_n[j]; i++)
			g->top[j] += dls[i];
	for (uint64_t i = 0; i < g->nk; i++)
		sum_i += (2.0L * (long double)(g->nk - i) - (long double)g->nk - 1) * (long double)dls[i];
	g->gini = g->nk && g->S ? (double)(sum_i / ((long double)g->nk * g->S)) : 0.0;
	free(dls);
}

/* An array of {key, name, downloads, share, count, count_share}: each entry
 * equal to its bucket, ordered by downloads, every non-empty bucket (and the
 * always-shown ones) present once, downloads summing to the total. */
static void check_buckets(const cJSON *arr, const char *what, const struct eng_bucket *b, unsigned nb,
			  int (*find)(const char *), const unsigned *always, unsigned n_always,
			  uint64_t total_dl, uint64_t total_n, int unknown_idx)
{
	const cJSON *it;
	uint64_t sum = 0, cnt = 0, prev = UINT64_MAX;
	double shares = 0, cshares = 0;
	unsigned want = 0, got = 0;
	char *seen = calloc(nb, 1);
	assert_non_null(seen);
	if (!cJSON_IsArray(arr))
		fail_msg("%s is not an array", what);
	for (unsigned i = 0; i < nb; i++) {
		int is_always = 0;
		for (unsigned j = 0; j < n_always; j++)
			is_always |= always[j] == i;
		want += b[i].count || is_always;
	}
	cJSON_ArrayForEach(it, arr) {
		const cJSON *key = get(it, "key");
		int idx;
		uint64_t dl, c;
		assert_true(cJSON_IsString(key));
		assert_true(cJSON_IsString(get(it, "name")));
		idx = find(key->valuestring);
		if (idx < 0 || (unsigned)idx >= nb)
			fail_msg("%s: unknown key '%s'", what, key->valuestring);
		if (seen[idx]++)
			fail_msg("%s: key '%s' twice", what, key->valuestring);
		dl = (uint64_t)num(it, "downloads");
		c = (uint64_t)num(it, "count");
		if (dl != b[idx].downloads || c != b[idx].count)
			fail_msg("%s '%s': %llu downloads, %llu items; brute force %llu, %llu", what,
				 key->valuestring, (unsigned long long)dl, (unsigned long long)c,
				 (unsigned long long)b[idx].downloads, (unsigned long long)b[idx].count);
		share_is(it, "share", dl, total_dl);
		share_is(it, "count_share", c, total_n);
		if (unknown_idx >= 0) {
			/* Of attributed downloads: the unknown bucket out of the denominator. */
			uint64_t den = total_dl - b[unknown_idx].downloads;
			fig_is(it, "share_of_attributed", idx == unknown_idx || !den,
			       den ? (double)dl / (double)den : 0.0);
		}
		assert_true(dl <= prev);
		prev = dl;
		sum += dl;
		cnt += c;
		if (total_dl)
			shares += num(it, "share");
		if (total_n)
			cshares += num(it, "count_share");
		got++;
	}
	assert_int_equal(got, want);
	assert_true(sum == total_dl);
	assert_true(cnt == total_n);
	if (total_dl)
		assert_true(fabs(shares - 1.0) < 1e-9);
	if (total_n)
		assert_true(fabs(cshares - 1.0) < 1e-9);
	free(seen);
}

static int find_country(const char *k)
{
	return !strcmp(k, "unknown") ? (int)COUNTRY_UNKNOWN : country_find(k);
}

/* models or datasets section against the brute force. */
/* top_orgs: the first organisations (or accounts) by downloads, each with
 * the sums of the matching items whose account belongs to it. */
static void check_top_orgs(const cJSON *arr, const struct ht_snapshot *s, const struct attrib *a,
			   const struct filter *f, enum ht_kind k, uint64_t total_dl)
{
	const struct ht_table *t = &s->t[k];
	uint64_t *dl = calloc(a->n_accounts + 1, sizeof *dl), *cnt = calloc(a->n_accounts + 1, sizeof *cnt);
	uint64_t prev = UINT64_MAX;
	uint32_t keys = 0;
	const cJSON *it;
	int got = 0;
	assert_true(cJSON_IsArray(arr));
	for (uint32_t row = 0; row < t->n; row++) {
		uint32_t ac, key;
		if (!bf_match(s, a, f, k, row))
			continue;
		ac = a->item_acct[k][f->by][row];
		key = f->level == LEVEL_ACCOUNT ? ac : a->acct_org[ac];
		keys += !cnt[key];
		cnt[key]++;
		dl[key] += f->window == WIN_ALL ? t->downloads_all[row] : t->downloads[row];
	}
	cJSON_ArrayForEach(it, arr) {
		const cJSON *acc = get(it, "account");
		uint32_t key = UINT32_MAX;
		uint64_t d = (uint64_t)num(it, "downloads");
		assert_true(cJSON_IsString(acc));
		for (uint32_t x = 0; x < a->n_accounts && key == UINT32_MAX; x++)
			if (!strcmp(a->acct_name[x], acc->valuestring) &&
			    (f->level == LEVEL_ACCOUNT || a->acct_org[x] == x))
				key = x;
		assert_true(key != UINT32_MAX);
		assert_true(d == dl[key]);
		assert_true((uint64_t)num(it, "count") == cnt[key]);
		if (total_dl)
			FX_NEAR(frac(it, "share"), (double)d / (double)total_dl);
		else
			assert_true(cJSON_IsNull(get(it, "share")));
		assert_true(num(it, "accounts") == (f->level == LEVEL_ACCOUNT ? 1
			    : (double)bf_org_accounts(s, a, k, f->by, key)));
		assert_true(d <= prev);
		prev = d;
		got++;
	}
	assert_int_equal(got, keys < 20 ? keys : 20);
	free(dl);
	free(cnt);
}

static void check_section(const cJSON *sec, const struct ht_snapshot *s, const struct attrib *a,
			  const struct filter *f, enum ht_kind k)
{
	struct bf_fig g;
	const cJSON *top, *years, *it;
	static const unsigned c_always[] = { COUNTRY_UNKNOWN };
	static const unsigned g_always[] = { CG_UNKNOWN };
	static const unsigned t_always[] = { OT_INDEPENDENT, OT_UNKNOWN_ORG };
	char key[16];
	unsigned n_years = 0;
	bf_figures(s, a, f, k, &g);
	assert_true(cJSON_IsObject(sec));
	assert_true(num(sec, "count") == (double)g.n);
	if (g.n && !g.nk)
		assert_true(cJSON_IsNull(get(sec, "downloads")));
	else
		assert_true(num(sec, "downloads") == (double)g.S);
	assert_true(num(sec, "without_download_count") == (double)(g.n - g.nk));
	assert_int_equal(cJSON_IsString(get(sec, "na_reason")), !g.n || !g.nk || !g.S);
	check_top_orgs(get(sec, "top_orgs"), s, a, f, k, g.S);
	top = get(sec, "top_share");
	assert_true(cJSON_IsObject(top));
	assert_int_equal(cJSON_GetArraySize(top), ENG_TOP_N);
	for (unsigned j = 0; j < ENG_TOP_N; j++) {
		snprintf(key, sizeof key, "%u", eng_top_n[j]);
		fig_is(top, key, !g.n || !g.nk || !g.S, g.S ? (double)g.top[j] / (double)g.S : 0.0);
		assert_true(num(get(sec, "top_downloads"), key) == (double)g.top[j]);
	}
	assert_string_equal(get(top, "10")->string, "10");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(top, "100"));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(top, "200"));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(top, "1000"));
	if (s->meta.complete && (!g.n || !g.nk || !g.S)) {
		fig_is(sec, "under_200_share", !g.nk, g.nk ? (double)g.under / (double)g.nk : 0.0);
		assert_true(cJSON_IsNull(get(sec, "gini")));
		assert_true(cJSON_IsNull(get(sec, "lorenz")));
	} else if (s->meta.complete) {
		const cJSON *lor = get(sec, "lorenz");
		double prev = 0;
		assert_true(cJSON_IsFalse(get(sec, "partial")));
		assert_null(cJSON_GetObjectItemCaseSensitive(sec, "note"));
		FX_NEAR(frac(sec, "under_200_share"), (double)g.under / (double)g.nk);
		FX_NEAR(frac(sec, "gini"), g.gini);
		assert_true(cJSON_IsArray(lor));
		assert_int_equal(cJSON_GetArraySize(lor), ENG_LORENZ + 1);
		cJSON_ArrayForEach(it, lor) {
			assert_true(cJSON_IsNumber(it));
			assert_true(it->valuedouble >= prev - 1e-12 && it->valuedouble <= 1.0 + 1e-12);
			prev = it->valuedouble;
		}
		FX_NEAR(cJSON_GetArrayItem(lor, 0)->valuedouble, 0.0);
		FX_NEAR(cJSON_GetArrayItem(lor, ENG_LORENZ)->valuedouble, 1.0);
	} else {
		const cJSON *note = get(sec, "note");
		assert_true(cJSON_IsTrue(get(sec, "partial")));
		assert_true(cJSON_IsNull(get(sec, "under_200_share")));
		assert_true(cJSON_IsNull(get(sec, "gini")));
		assert_true(cJSON_IsNull(get(sec, "lorenz")));
		assert_true(cJSON_IsString(note) && strlen(note->valuestring) > 20);
	}
	check_buckets(get(sec, "by_country"), "by_country", g.bc, country_count(), find_country, c_always, 1,
		      g.S, g.n, COUNTRY_UNKNOWN);
	check_buckets(get(sec, "by_group"), "by_group", g.bg, CG_COUNT, country_group_find, g_always, 1, g.S, g.n,
		      CG_UNKNOWN);
	check_buckets(get(sec, "by_org_type"), "by_org_type", g.bt, OT_COUNT, orgdir_type_find, t_always, 2,
		      g.S, g.n, OT_UNKNOWN_ORG);
	years = get(sec, "by_year");
	assert_true(cJSON_IsArray(years));
	{
		uint64_t sum = 0;
		int prev_year = -1;
		cJSON_ArrayForEach(it, years) {
			const cJSON *yv = get(it, "year");
			unsigned y;
			char lab[16];
			if (cJSON_IsNull(yv)) {
				y = 0;
			} else {
				assert_true(cJSON_IsNumber(yv));
				assert_true(yv->valuedouble >= ENG_YEAR_FIRST &&
					    yv->valuedouble < ENG_YEAR_FIRST + ENG_YEARS - 1);
				y = (unsigned)yv->valuedouble - ENG_YEAR_FIRST + 1;
			}
			assert_true((int)y > prev_year); /* chronological, legacy first */
			prev_year = (int)y;
			assert_string_equal(get(it, "label")->valuestring, engine_year_label(y, lab, sizeof lab));
			assert_true(g.by[y].count > 0);
			assert_true(num(it, "count") == (double)g.by[y].count);
			assert_true(num(it, "downloads") == (double)g.by[y].downloads);
			share_is(it, "share", g.by[y].downloads, g.S);
			sum += g.by[y].downloads;
			n_years++;
			{
				/* Within the year: every type and group, shares of that year. */
				const cJSON *ty = get(it, "by_org_type"), *gr = get(it, "by_group"), *x;
				unsigned i = 0;
				uint64_t ysum = 0;
				assert_int_equal(cJSON_GetArraySize(ty), OT_COUNT);
				assert_int_equal(cJSON_GetArraySize(gr), CG_COUNT);
				cJSON_ArrayForEach(x, ty) {
					int t = orgdir_type_find(get(x, "key")->valuestring);
					assert_int_equal(t, (int)i);
					assert_true(num(x, "downloads") == (double)g.byt[y][t].downloads);
					assert_true(num(x, "count") == (double)g.byt[y][t].count);
					share_is(x, "share", g.byt[y][t].downloads, g.by[y].downloads);
					ysum += g.byt[y][t].downloads;
					i++;
				}
				assert_true(ysum == g.by[y].downloads);
				i = 0;
				ysum = 0;
				cJSON_ArrayForEach(x, gr) {
					int c = country_group_find(get(x, "key")->valuestring);
					assert_int_equal(c, (int)i);
					assert_true(num(x, "downloads") == (double)g.byg[y][c].downloads);
					assert_true(num(x, "count") == (double)g.byg[y][c].count);
					ysum += g.byg[y][c].downloads;
					i++;
				}
				assert_true(ysum == g.by[y].downloads);
				/* And its countries, as the section's by_country: shares of that year's. */
				check_buckets(get(it, "by_country"), "by_year.by_country",
					      &g.byc[(size_t)y * country_count()], country_count(), find_country, c_always, 1,
					      g.by[y].downloads, g.by[y].count, -1);
			}
		}
		assert_true(sum == g.S);
		for (unsigned y = 0; y < ENG_YEARS; y++)
			n_years -= g.by[y].count > 0;
		assert_int_equal(n_years, 0);
	}
	free(g.bc);
	free(g.byc);
}

static void check_json(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
		       const struct filter *f)
{
	char *out = report_mem(e, f, REPORT_JSON), *args;
	cJSON *root = cJSON_Parse(out);
	const cJSON *snap;
	size_t need;
	if (!cJSON_IsObject(root))
		fail_msg("report JSON does not parse:\n%.2000s", out);
	snap = get(root, "snapshot");
	assert_true(cJSON_IsBool(get(snap, "demo")));
	assert_int_equal(cJSON_IsTrue(get(snap, "demo")), s->meta.demo != 0);
	assert_int_equal(cJSON_IsTrue(get(snap, "complete")), s->meta.complete != 0);
	assert_true(cJSON_IsBool(get(snap, "complete")));
	assert_string_equal(get(snap, "endpoint")->valuestring, s->meta.endpoint);
	if (s->meta.fetched_at)
		assert_true(cJSON_IsString(get(snap, "fetched_at")));
	need = filter_to_args(f, NULL, 0) + 1;
	args = malloc(need);
	filter_to_args(f, args, need);
	assert_string_equal(get(root, "filter")->valuestring, args);
	free(args);
	assert_string_equal(get(root, "window")->valuestring, f->window == WIN_ALL ? "all" : "30d");
	assert_string_equal(get(root, "by")->valuestring, f->by == ATTRIB_LINEAGE ? "lineage" : "uploader");
	check_section(get(root, "models"), s, a, f, HT_MODELS);
	check_section(get(root, "datasets"), s, a, f, HT_DATASETS);
	cJSON_Delete(root);
	free(out);
}

static void test_json_random(void **state)
{
	static const unsigned sizes[][3] = { { 2500, 400, 90 }, { 300, 40, 300 }, { 1, 1, 1 }, { 0, 0, 1 } };
	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (int complete = 0; complete < 2; complete++) {
			struct ht_snapshot *s = fx_snapshot(sizes[i][0], sizes[i][1], sizes[i][2], complete);
			struct attrib *a = fx_attrib(s);
			struct engine *e = engine_new(s, a, NULL);
			struct filter f;
			assert_non_null(e);
			filter_init(&f);
			for (unsigned j = 0; j < (i == 0 ? 60u : 15u); j++) {
				s->meta.demo = (int)(j & 1);
				check_json(e, s, a, &f);
				fx_filter(&f, s, a);
			}
			engine_free(e);
			fx_attrib_free(a);
			table_free(s);
		}
	}
}

/* A filter longer than any fixed buffer: the JSON holds it whole. */
static void test_long_filter(void **state)
{
	struct ht_snapshot *s = fx_snapshot(50, 10, 5, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	char list[FILTER_MAX_AUTHORS * FILTER_NAME_MAX + 64], name[97], q[128], err[256];
	size_t at = 0;
	(void)state;
	filter_init(&f);
	memset(name, 'n', 96);
	name[96] = '\0';
	for (unsigned i = 0; i < FILTER_MAX_AUTHORS; i++) {
		name[0] = (char)('a' + i % 26);
		name[1] = (char)('a' + i / 26);
		at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? "," : "", name);
	}
	assert_int_equal(filter_set(&f, "author", list, err, sizeof err), 0);
	memset(q, '\'', 127);
	q[127] = '\0';
	assert_int_equal(filter_set(&f, "search", q, err, sizeof err), 0);
	assert_int_equal(filter_set(&f, "task", q, err, sizeof err), 0);
	assert_int_equal(filter_set(&f, "library", q, err, sizeof err), 0);
	assert_true(filter_to_args(&f, NULL, 0) > 4096);
	check_json(e, s, a, &f);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

static void check_text(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
		       const struct filter *f)
{
	char *out = report_mem(e, f, REPORT_TEXT), line[256];
	struct bf_fig g;
	static const char *const heads[] = { "Hugging Face Hub: who gets the downloads\n", "\nSnapshot: ",
					     "\nFilter: ", "\nDownloads: ", "\nModels\n", "\nDatasets\n", NULL };
	for (int i = 0; heads[i]; i++)
		if (!strstr(out, heads[i]))
			fail_msg("text report lacks \"%s\":\n%s", heads[i], out);
	if (s->meta.demo) {
		assert_memory_equal(out, "*** DEMO DATA", 13);
	} else {
		assert_null(strstr(out, "DEMO"));
		assert_memory_equal(out, "Hugging Face Hub", 16);
	}
	/* No control character but newlines. */
	for (const char *p = out; *p; p++)
		assert_false(((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f);
	bf_figures(s, a, f, HT_MODELS, &g);
	if (g.n && (!g.nk || !g.S)) {
		/* Nothing to measure: n/a with the reason, never 0. */
		assert_non_null(strstr(out, "Concentration: n/a ("));
	} else if (g.n) {
		snprintf(line, sizeof line, "the top 10 hold %.1f%% of downloads, the top 100 %.1f%%",
			 100.0 * (double)g.top[0] / (double)g.S, 100.0 * (double)g.top[1] / (double)g.S);
		if (!strstr(out, line))
			fail_msg("text report lacks \"%s\":\n%s", line, out);
	}
	if (g.n) {
		assert_non_null(strstr(out, "  By country (share of all downloads, of attributed downloads)\n"));
		assert_non_null(strstr(out, "  By country group (share"));
		assert_non_null(strstr(out, "  By organisation type (share"));
		assert_non_null(strstr(out, "  Trend by year of creation"));
		assert_non_null(strstr(out, "  Countries by year of creation"));
		if (s->meta.complete && g.nk && g.S) {
			snprintf(line, sizeof line, "Long tail: %.1f%% have fewer than 200 downloads; Gini coefficient %.3f",
				 100.0 * (double)g.under / (double)g.nk, g.gini);
			if (!strstr(out, line))
				fail_msg("text report lacks \"%s\":\n%s", line, out);
		} else if (!s->meta.complete) {
			assert_non_null(strstr(out, "Long tail: unknown"));
		} else {
			assert_non_null(strstr(out, "Gini coefficient n/a ("));
		}
	}
	free(g.bc);
	free(g.byc);
	free(out);
}

static void test_text(void **state)
{
	(void)state;
	for (int complete = 0; complete < 2; complete++) {
		struct ht_snapshot *s = fx_snapshot(1500, 200, 60, complete);
		struct attrib *a = fx_attrib(s);
		struct engine *e = engine_new(s, a, NULL);
		struct filter f;
		filter_init(&f);
		for (unsigned j = 0; j < 20; j++) {
			s->meta.demo = (int)(j & 1);
			check_text(e, s, a, &f);
			fx_filter(&f, s, a);
		}
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

/* The demo snapshot with the real directory and attribution. */
static void test_demo(void **state)
{
	struct ht_snapshot *s = demo_generate(2000, 300, DEMO_DEFAULT_SEED, NULL);
	struct orgdir *d;
	struct attrib *a;
	struct engine *e;
	struct filter f;
	char err[256];
	(void)state;
	if (!s)
		skip();
	assert_true(s->meta.demo);
	d = orgdir_new();
	orgdir_load_default(d, NULL, NULL);
	a = attrib_build(s, d);
	assert_non_null(a);
	e = engine_new(s, a, d);
	assert_non_null(e);
	filter_init(&f);
	check_json(e, s, a, &f);
	check_text(e, s, a, &f);
	assert_int_equal(filter_set(&f, "by", "lineage", err, sizeof err), 0);
	assert_int_equal(filter_set(&f, "created", "2025..", err, sizeof err), 0);
	check_json(e, s, a, &f);
	assert_int_equal(filter_set(&f, "window", "all", err, sizeof err), 0);
	assert_int_equal(filter_set(&f, "country", "CN,US", err, sizeof err), 0);
	check_json(e, s, a, &f);
	check_text(e, s, a, &f);
	engine_free(e);
	attrib_free(a);
	orgdir_free(d);
	table_free(s);
}

/* Countries by year on a hand-made table: the JSON's shape and order, and
 * the text line. */
static void test_year_countries(void **state)
{
	static const struct {
		const char *id, *country;
		uint64_t downloads;
		int64_t created;
	} items[] = {
		{ "cnlab/a", "CN", 500, 1700000000 }, /* 2023 */
		{ "cnlab/b", "CN", 100, 1690000000 },
		{ "uslab/c", "US", 300, 1680000000 },
		{ "someone/d", NULL, 50, 1685000000 },
		{ "uslab/e", "US", 70, 1710000000 }, /* 2024 */
	};
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct filter f;
	cJSON *root;
	const cJSON *years, *it;
	char *out;
	unsigned seen = 0;
	(void)state;
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		struct ht_item x;
		memset(&x, 0, sizeof x);
		x.id = items[i].id;
		x.downloads = items[i].downloads;
		x.created = items[i].created;
		assert_true(table_builder_add(b, HT_MODELS, &x) >= 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	a = fx_attrib(s);
	/* The table keeps its own row order: rows are found by id. */
	for (uint32_t row = 0; row < s->t[HT_MODELS].n; row++) {
		uint32_t ac = s->t[HT_MODELS].author[row];
		for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
			int c = items[i].country ? country_find(items[i].country) : (int)COUNTRY_UNKNOWN;
			if (strcmp(ht_id(s, HT_MODELS, row), items[i].id))
				continue;
			assert_true(c >= 0);
			a->acct_country[ac] = (uint16_t)c;
			a->acct_group[ac] = (uint8_t)country_group_of((unsigned)c);
			a->item_acct[HT_MODELS][ATTRIB_UPLOADER][row] = ac;
			/* Each account its own organisation: fx_attrib groups some at random. */
			a->acct_org[ac] = ac;
		}
	}
	e = engine_new(s, a, NULL);
	assert_non_null(e);
	filter_init(&f);
	out = report_mem(e, &f, REPORT_JSON);
	root = cJSON_Parse(out);
	assert_non_null(root);
	years = get(get(root, "models"), "by_year");
	cJSON_ArrayForEach(it, years) {
		const cJSON *arr = get(it, "by_country"), *c;
		int year = (int)num(it, "year");
		assert_true(cJSON_IsArray(arr));
		if (year == 2023) {
			static const char *const keys[] = { "CN", "US", "unknown" };
			static const double dls[] = { 600, 300, 50 }, counts[] = { 2, 1, 1 };
			unsigned i = 0;
			assert_int_equal(cJSON_GetArraySize(arr), 3);
			cJSON_ArrayForEach(c, arr) {
				assert_string_equal(get(c, "key")->valuestring, keys[i]);
				assert_true(cJSON_IsString(get(c, "name")));
				assert_true(num(c, "downloads") == dls[i]);
				assert_true(num(c, "count") == counts[i]);
				FX_NEAR(num(c, "share"), dls[i] / 950.0);
				FX_NEAR(num(c, "count_share"), counts[i] / 4.0);
				i++;
			}
			seen |= 1;
		} else if (year == 2024) {
			/* The unknown bucket is listed even when empty. */
			assert_int_equal(cJSON_GetArraySize(arr), 2);
			c = cJSON_GetArrayItem(arr, 0);
			assert_string_equal(get(c, "key")->valuestring, "US");
			FX_NEAR(num(c, "share"), 1.0);
			c = cJSON_GetArrayItem(arr, 1);
			assert_string_equal(get(c, "key")->valuestring, "unknown");
			assert_true(num(c, "downloads") == 0 && num(c, "count") == 0);
			FX_NEAR(num(c, "share"), 0.0);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	cJSON_Delete(root);
	free(out);
	out = report_mem(e, &f, REPORT_TEXT);
	if (!strstr(out, "    2023    CN 63.2% US 31.6% unknown 5.3%\n") ||
	    !strstr(out, "    2024    US 100.0% unknown 0.0%\n"))
		fail_msg("text report lacks the countries by year:\n%s", out);
	free(out);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* A stream that cannot be written is an error, not a crash. */
static void test_write_error(void **state)
{
	struct ht_snapshot *s = fx_snapshot(200, 20, 10, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	FILE *fp = fopen("/dev/full", "w");
	(void)state;
	filter_init(&f);
	if (fp) {
		setvbuf(fp, NULL, _IONBF, 0);
		assert_int_equal(report_write(fp, e, &f, REPORT_JSON), -1);
		assert_int_equal(report_write(fp, e, &f, REPORT_TEXT), -1);
		fclose(fp);
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_random),
		cmocka_unit_test(test_long_filter),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_year_countries),
		cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

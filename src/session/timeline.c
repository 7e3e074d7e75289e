/* timeline.c - shares by country, group and organisation type at each
 * snapshot of the history (timeline.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/demo.h"
#include "hubtop/history.h"
#include "hubtop/timeline.h"

struct series_item {
	char date[11];
	int64_t as_of;
	int complete, demo, current, failed;
	char endpoint[256];
	size_t hist;            /* its history entry; builtin: months back */
	uint32_t rows;
	struct ht_snapshot *snap;
	struct attrib *attr;
	struct engine *eng;
	/* The points computed for the last filters (filter, kind): going back
	 * to a filter costs nothing.  A ring of TIMELINE_MEMO. */
	struct tl_memo *memo;
	unsigned nmemo, memo_next;
};

struct tl_memo {
	struct filter f;
	enum ht_kind kind;
	struct timeline_point p;
};

struct series {
	const struct ht_snapshot *for_snap; /* the open snapshot it was made for */
	struct history *h;
	int builtin;
	int keep;               /* small enough to keep every engine */
	size_t n;
	struct series_item *it;
	char note[1200];
};

void timeline_cache_free(struct session *s)
{
	struct series *se = s->series;
	size_t i;

	if (!se)
		return;
	for (i = 0; i < se->n; i++) {
		engine_free(se->it[i].eng);
		attrib_free(se->it[i].attr);
		table_free(se->it[i].snap);
		for (unsigned k = 0; k < se->it[i].nmemo; k++)
			free(se->it[i].memo[k].p.by_country);
		free(se->it[i].memo);
	}
	free(se->it);
	history_free(se->h);
	free(se);
	s->series = NULL;
}

/* Appends a, b and c (each may be "") to the note. */
static void note(struct series *se, const char *a, const char *b, const char *c)
{
	size_t n = strlen(se->note);
	if (n + 2 < sizeof se->note)
		snprintf(se->note + n, sizeof se->note - n, "%s%s%s", a, b, c);
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct series_item *a = pa, *b = pb;
	return a->as_of < b->as_of ? -1 : a->as_of > b->as_of;
}

static struct series *series_make(struct session *s)
{
	struct series *se = calloc(1, sizeof *se);
	const struct ht_meta *m = &s->snap->meta;
	int64_t cur = m->as_of > 0 ? m->as_of : m->fetched_at;
	char curday[11];
	size_t i, cap;

	if (!se)
		return NULL;
	se->for_snap = s->snap;
	history_date(cur, curday);
	if (s->demo_fallback) {
		se->builtin = 1;
		cap = TIMELINE_DEMO_MONTHS;
	} else {
		struct store_err e;
		se->h = history_open(s->cache_dir, &e);
		if (!se->h) {
			free(se);
			return NULL;
		}
		if (e.msg[0])
			note(se, e.msg, " ", "");
		cap = history_count(se->h) + 1;
	}
	se->it = calloc(cap, sizeof *se->it);
	if (!se->it) {
		history_free(se->h);
		free(se);
		return NULL;
	}
	if (se->builtin) {
		for (i = TIMELINE_DEMO_MONTHS - 1; i > 0; i--) {
			struct series_item *it = &se->it[se->n++];
			it->as_of = demo_month_back(cur, (unsigned)i);
			history_date(it->as_of, it->date);
			it->complete = it->demo = 1;
			it->hist = i;
			it->rows = s->snap->t[HT_MODELS].n + s->snap->t[HT_DATASETS].n;
			snprintf(it->endpoint, sizeof it->endpoint, "demo");
		}
	} else {
		size_t skipped = 0;
		for (i = 0; i < history_count(se->h); i++) {
			const struct history_entry *e = history_at(se->h, i);
			struct series_item *it;
			if (!strcmp(e->date, curday))
				continue; /* the open snapshot stands for its day */
			if (e->demo != m->demo) {
				skipped++;
				continue;
			}
			it = &se->it[se->n++];
			memcpy(it->date, e->date, sizeof it->date);
			it->as_of = e->as_of;
			it->complete = e->complete;
			it->demo = e->demo;
			it->hist = i;
			it->rows = e->items[HT_MODELS] + e->items[HT_DATASETS];
			snprintf(it->endpoint, sizeof it->endpoint, "%s", e->endpoint);
		}
		if (skipped) {
			char num[32];
			snprintf(num, sizeof num, "%zu", skipped);
			note(se, num, " snapshot(s) of the history left out: ",
			     m->demo ? "real data beside a demo snapshot. " : "demo data beside real data. ");
		}
	}
	{
		struct series_item *it = &se->it[se->n++];
		memcpy(it->date, curday, sizeof it->date);
		it->as_of = cur;
		it->complete = m->complete;
		it->demo = m->demo;
		it->current = 1;
		snprintf(it->endpoint, sizeof it->endpoint, "%s", m->endpoint);
	}
	qsort(se->it, se->n, sizeof *se->it, cmp_item);
	{
		uint64_t rows = 0;
		for (i = 0; i < se->n; i++)
			rows += se->it[i].rows;
		se->keep = rows <= TIMELINE_KEEP_ROWS;
	}
	return se;
}

/* One piece of loading a point's snapshot and building its engine: the
 * snapshot, then its attribution, then its engine, one a call, so that an
 * idle loop can answer keys between them.  1 when more is to do, 0 when
 * the engine is ready (nothing was done), -1 (failed). */
static int item_load_step(struct session *s, struct series *se, struct series_item *it)
{
	struct store_err e;

	if (it->failed)
		return -1;
	if (it->eng)
		return 0;
	if (!it->snap) {
		if (se->builtin)
			it->snap = demo_back(s->snap, (unsigned)it->hist, DEMO_DEFAULT_SEED);
		else
			it->snap = history_load(se->h, it->hist, &e);
		if (!it->snap) {
			it->failed = 1;
			note(se, it->date, ": ", se->builtin ? "out of memory. " : e.msg);
			return -1;
		}
		return 1;
	}
	if (!it->attr) {
		it->attr = attrib_build(it->snap, s->dir);
		if (it->attr)
			return 1;
	} else {
		it->eng = engine_new(it->snap, it->attr, s->dir);
		if (it->eng)
			return 1; /* the filter is applied at the next step */
	}
	attrib_free(it->attr);
	table_free(it->snap);
	it->attr = NULL;
	it->snap = NULL;
	it->failed = 1;
	note(se, it->date, ": ", "out of memory. ");
	return -1;
}

static void item_unload(struct series_item *it)
{
	engine_free(it->eng);
	attrib_free(it->attr);
	table_free(it->snap);
	it->eng = NULL;
	it->attr = NULL;
	it->snap = NULL;
}

int timeline_point_fill(struct timeline_point *p, const struct eng_result *r)
{
	unsigned c, nc = country_count();

	p->count = r->count;
	p->downloads = r->downloads;
	p->known[TL_TYPE] = r->attributed_type_downloads;
	p->known[TL_GROUP] = r->attributed_group_downloads;
	p->known[TL_COUNTRY] = r->attributed_downloads;
	for (c = 0; c < OT_COUNT; c++)
		p->by_type[c] = r->by_type[c].downloads;
	for (c = 0; c < CG_COUNT; c++)
		p->by_group[c] = r->by_group[c].downloads;
	if (!p->by_country)
		p->by_country = calloc(nc ? nc : 1, sizeof *p->by_country);
	if (!p->by_country)
		return -1;
	for (c = 0; c < nc; c++)
		p->by_country[c] = r->by_country ? r->by_country[c].downloads : 0;
	return 0;
}

void timeline_free(struct timeline *t)
{
	size_t i;

	for (i = 0; t->p && i < t->n; i++)
		free(t->p[i].by_country);
	free(t->p);
	t->p = NULL;
	t->n = 0;
	t->ready = 0;
}

/* A copy of a point's figures (by_country its own). */
static int point_copy(struct timeline_point *dst, const struct timeline_point *src)
{
	unsigned nc = country_count();
	uint64_t *bc = dst->by_country;

	if (!bc && src->by_country && !(bc = malloc((nc ? nc : 1) * sizeof *bc)))
		return -1;
	*dst = *src;
	dst->by_country = src->by_country ? bc : NULL;
	if (src->by_country)
		memcpy(bc, src->by_country, nc * sizeof *bc);
	else
		free(bc);
	return 0;
}

static const struct tl_memo *memo_find(const struct series_item *it, const struct filter *f, enum ht_kind kind)
{
	for (unsigned k = 0; k < it->nmemo; k++)
		if (it->memo[k].kind == kind && filter_equal(&it->memo[k].f, f))
			return &it->memo[k];
	return NULL;
}

/* Keeps a point's figures for (f, kind); out of memory only forgets. */
static void memo_put(struct series_item *it, const struct filter *f, enum ht_kind kind,
		     const struct timeline_point *p)
{
	struct tl_memo *m;

	if (!it->memo && !(it->memo = calloc(TIMELINE_MEMO, sizeof *it->memo)))
		return;
	if (it->nmemo < TIMELINE_MEMO) {
		m = &it->memo[it->nmemo++];
	} else {
		m = &it->memo[it->memo_next];
		it->memo_next = (it->memo_next + 1) % TIMELINE_MEMO;
	}
	m->f = *f;
	m->kind = kind;
	if (point_copy(&m->p, p) != 0) {
		m->kind = HT_KIND_COUNT; /* never matches */
		return;
	}
}

/* The series for the open snapshot, made when missing or stale. */
static struct series *series_get(struct session *s)
{
	struct series *se = s->series;

	if (se && se->for_snap != s->snap) {
		timeline_cache_free(s);
		se = NULL;
	}
	if (!se) {
		se = series_make(s);
		s->series = se;
	}
	return se;
}

int timeline_begin(struct session *s, const struct filter *f, enum ht_kind kind,
		   struct timeline *out, char *err, size_t errlen)
{
	struct series *se;
	size_t i;

	memset(out, 0, sizeof *out);
	out->kind = kind;
	out->filter = *f;
	se = series_get(s);
	if (!se) {
		snprintf(err, errlen, "out of memory while reading the history");
		return -1;
	}
	out->for_snap = s->snap;
	out->builtin_demo = se->builtin;
	out->p = calloc(se->n ? se->n : 1, sizeof *out->p);
	if (!out->p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < se->n; i++) {
		struct series_item *it = &se->it[i];
		struct timeline_point *p = &out->p[out->n++];
		const struct tl_memo *m = memo_find(it, f, kind);
		if (m) {
			if (point_copy(p, &m->p) != 0) {
				timeline_free(out);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			out->ready++;
			continue;
		}
		memcpy(p->date, it->date, sizeof p->date);
		p->as_of = it->as_of;
		p->complete = it->complete;
		p->demo = it->demo;
		p->current = it->current;
		snprintf(p->endpoint, sizeof p->endpoint, "%s", it->endpoint);
		if (it->failed) {
			p->failed = 1;
			out->ready++;
		} else {
			p->pending = 1;
		}
	}
	snprintf(out->note, sizeof out->note, "%s", se->note);
	return 0;
}

int timeline_step(struct session *s, struct timeline *out, char *err, size_t errlen)
{
	struct series *se = s->series;
	struct series_item *it;
	struct timeline_point *p;
	struct engine *eng;
	struct eng_result *r;
	size_t k;

	if (out->ready >= out->n)
		return 0;
	if (!se || out->for_snap != s->snap || se->for_snap != s->snap) {
		/* The snapshot changed under the series: start it again. */
		struct filter f = out->filter;
		enum ht_kind kind = out->kind;
		timeline_free(out);
		return timeline_begin(s, &f, kind, out, err, errlen) != 0 ? -1 : out->ready < out->n;
	}
	for (k = 0; k < out->n && !out->p[k].pending; k++)
		;
	if (k == out->n) {
		out->ready = out->n;
		return 0;
	}
	it = &se->it[k];
	p = &out->p[k];
	if (it->current) {
		eng = s->eng;
	} else {
		int rc = item_load_step(s, se, it);
		if (rc > 0)
			return 1;
		if (rc < 0) {
			p->pending = 0;
			p->failed = 1;
			out->ready++;
			snprintf(out->note, sizeof out->note, "%s", se->note);
			return out->ready < out->n;
		}
		eng = it->eng;
	}
	r = engine_apply(eng, &out->filter, out->kind);
	if (!r || timeline_point_fill(p, r) != 0) {
		engine_result_free(r);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	engine_result_free(r);
	p->pending = 0;
	out->ready++;
	memo_put(it, &out->filter, out->kind, p);
	if (!it->current && !se->keep)
		item_unload(it);
	return out->ready < out->n;
}

int timeline_build(struct session *s, const struct filter *f, enum ht_kind kind,
		   struct timeline *out, char *err, size_t errlen)
{
	int rc;

	if (timeline_begin(s, f, kind, out, err, errlen) != 0)
		return -1;
	while ((rc = timeline_step(s, out, err, errlen)) > 0)
		;
	if (rc < 0) {
		timeline_free(out);
		return -1;
	}
	return 0;
}

double timeline_share(const struct timeline_point *p, enum timeline_dim d, unsigned c, int of_attributed)
{
	uint64_t part, whole = of_attributed ? p->known[d] : p->downloads;

	if (p->failed || c >= timeline_ncat(d))
		return NAN;
	part = d == TL_TYPE ? p->by_type[c] : d == TL_GROUP ? p->by_group[c] :
	       p->by_country ? p->by_country[c] : 0;
	if (of_attributed && ((d == TL_TYPE && c == OT_UNKNOWN_ORG) || (d == TL_GROUP && c == CG_UNKNOWN) ||
			      (d == TL_COUNTRY && c == 0)))
		return NAN;
	return engine_share(part, whole);
}

unsigned timeline_ncat(enum timeline_dim d)
{
	return d == TL_TYPE ? OT_COUNT : d == TL_GROUP ? CG_COUNT : country_count();
}

const char *timeline_cat_key(enum timeline_dim d, unsigned c)
{
	if (d == TL_TYPE)
		return orgdir_type_key((enum org_type)c);
	if (d == TL_GROUP)
		return country_group_key((enum country_group)c);
	return c == 0 ? "unknown" : country_code(c);
}

const char *timeline_cat_name(enum timeline_dim d, unsigned c)
{
	if (d == TL_TYPE)
		return orgdir_type_name((enum org_type)c);
	if (d == TL_GROUP)
		return country_group_name((enum country_group)c);
	return country_name(c);
}

const char *timeline_dim_key(enum timeline_dim d)
{
	return d == TL_TYPE ? "org-types" : d == TL_GROUP ? "groups" : "countries";
}

unsigned timeline_top(const struct timeline *t, enum timeline_dim d, unsigned *out, unsigned max)
{
	unsigned nc = timeline_ncat(d), c, n = 0, i;
	uint64_t *sum = calloc(nc ? nc : 1, sizeof *sum);
	size_t k;

	if (!sum)
		return 0;
	for (k = 0; k < t->n; k++) {
		const struct timeline_point *p = &t->p[k];
		if (p->failed || p->pending)
			continue;
		for (c = 0; c < nc; c++)
			sum[c] += d == TL_TYPE ? p->by_type[c] : d == TL_GROUP ? p->by_group[c] :
				  p->by_country ? p->by_country[c] : 0;
	}
	/* Insertion into the top max, largest first, ties by category. */
	for (c = 0; c < nc; c++) {
		if (!sum[c])
			continue;
		for (i = n; i > 0 && sum[out[i - 1]] < sum[c]; i--)
			if (i < max)
				out[i] = out[i - 1];
		if (i < max) {
			out[i] = c;
			if (n < max)
				n++;
		}
	}
	free(sum);
	return n;
}

/* ---- export ---------------------------------------------------------------- */

static int put_text(FILE *fp, enum export_format fmt, const char *s, int last)
{
	int rc;

	if (fmt == EXPORT_CSV) {
		rc = export_csv_field(fp, s);
	} else if (fmt == EXPORT_TSV) {
		for (; *s; s++)
			if (fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp) == EOF)
				return -1;
		rc = 0;
	} else {
		rc = 0;
	}
	if (rc != 0)
		return -1;
	if (fmt != EXPORT_JSONL && fputs(last ? (fmt == EXPORT_CSV ? "\r\n" : "\n") :
					 (fmt == EXPORT_CSV ? "," : "\t"), fp) == EOF)
		return -1;
	return 0;
}

static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void num_or_empty(char *buf, size_t len, double v, enum export_format fmt)
{
	if (isnan(v))
		snprintf(buf, len, "%s", fmt == EXPORT_JSONL ? "null" : "");
	else
		snprintf(buf, len, "%.6f", v);
}

long timeline_write(FILE *fp, const struct timeline *t, enum export_format fmt)
{
	static const char *const cols[] = { "date", "listing", "demo", "current", "dimension", "key",
					    "name", "downloads", "share", "attributed_share" };
	long rows = 0;
	size_t k, i;
	int d;

	if (fmt != EXPORT_JSONL)
		for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
			if (put_text(fp, fmt, cols[i], i + 1 == sizeof cols / sizeof cols[0]) != 0)
				return -1;
	for (d = 0; d < TL_DIM_COUNT; d++) {
		unsigned nc = timeline_ncat((enum timeline_dim)d), *cats = malloc((nc ? nc : 1) * sizeof *cats);
		unsigned n;
		if (!cats)
			return -1;
		n = timeline_top(t, (enum timeline_dim)d, cats, nc);
		for (k = 0; k < t->n; k++) {
			const struct timeline_point *p = &t->p[k];
			for (i = 0; i < n; i++) {
				unsigned c = cats[i];
				uint64_t dl = p->failed ? 0 : d == TL_TYPE ? p->by_type[c] : d == TL_GROUP ?
					      p->by_group[c] : p->by_country ? p->by_country[c] : 0;
				char s1[32], s2[32], dls[32];
				const char *listing = p->complete ? "complete" : "partial";
				num_or_empty(s1, sizeof s1, timeline_share(p, (enum timeline_dim)d, c, 0), fmt);
				num_or_empty(s2, sizeof s2, timeline_share(p, (enum timeline_dim)d, c, 1), fmt);
				if (p->failed)
					snprintf(dls, sizeof dls, "%s", fmt == EXPORT_JSONL ? "null" : "");
				else
					snprintf(dls, sizeof dls, "%llu", (unsigned long long)dl);
				if (fmt == EXPORT_JSONL) {
					fputs("{\"date\":", fp);
					json_str(fp, p->date);
					fprintf(fp, ",\"listing\":\"%s\",\"demo\":%s,\"current\":%s,\"dimension\":\"%s\",\"key\":",
						listing, p->demo ? "true" : "false", p->current ? "true" : "false",
						timeline_dim_key((enum timeline_dim)d));
					json_str(fp, timeline_cat_key((enum timeline_dim)d, c));
					fputs(",\"name\":", fp);
					json_str(fp, timeline_cat_name((enum timeline_dim)d, c));
					fprintf(fp, ",\"downloads\":%s,\"share\":%s,\"attributed_share\":%s}\n",
						dls, s1, s2);
				} else if (put_text(fp, fmt, p->date, 0) || put_text(fp, fmt, listing, 0) ||
					   put_text(fp, fmt, p->demo ? "yes" : "no", 0) ||
					   put_text(fp, fmt, p->current ? "yes" : "no", 0) ||
					   put_text(fp, fmt, timeline_dim_key((enum timeline_dim)d), 0) ||
					   put_text(fp, fmt, timeline_cat_key((enum timeline_dim)d, c), 0) ||
					   put_text(fp, fmt, timeline_cat_name((enum timeline_dim)d, c), 0) ||
					   put_text(fp, fmt, dls, 0) || put_text(fp, fmt, s1, 0) ||
					   put_text(fp, fmt, s2, 1)) {
					free(cats);
					return -1;
				}
				rows++;
			}
		}
		free(cats);
	}
	return ferror(fp) ? -1 : rows;
}

/* export.c - the current view as CSV, TSV or JSON Lines (see export.h and
 * docs/export.md for the columns). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>

#include "hubtop/civil.h"
#include "hubtop/dims.h"
#include "hubtop/language.h"
#include "hubtop/export.h"
#include "hubtop/store.h"
#include "hubtop/safetext.h"


/* A spreadsheet evaluates cells that begin with these. */
static int risky_start(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
}

/* The one text rule (safetext.h) for a cell: at p, the bytes to copy (n > 0)
 * or, for a forbidden character, the byte that stands for it (*sub): a space
 * for a control character (a line break in a cell stays readable), '?' for
 * anything else (C1, bidirectional or zero-width formatting, invalid UTF-8). */
static size_t cell_char(const char *p, int *sub, size_t *skip)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c >= 0x20 && c < 0x7f ? 1 : safetext_char((const unsigned char *)p, 4);

	if (!n) {
		*sub = c < 0x80 ? ' ' : SAFETEXT_REPLACEMENT;
		*skip = safetext_bad_len((const unsigned char *)p, 4);
	}
	return n;
}

/* Writes s through cell_char; doubles '"' when dq. */
static int put_cell(FILE *fp, const char *s, int dq)
{
	while (*s) {
		int sub;
		size_t skip, n = cell_char(s, &sub, &skip);
		if (!n) {
			if (putc(sub, fp) == EOF)
				return -1;
			s += skip;
			continue;
		}
		if (dq && *s == '"' && putc('"', fp) == EOF)
			return -1;
		if (fwrite(s, 1, n, fp) != n)
			return -1;
		s += n;
	}
	return 0;
}

int export_csv_field(FILE *fp, const char *s)
{
	int quote = 0;
	if (!s)
		s = "";
	for (const char *p = s; *p; p++)
		if (*p == ',' || *p == '"')
			quote = 1;
	if (quote && putc('"', fp) == EOF)
		return -1;
	if (risky_start(s) && putc('\'', fp) == EOF)
		return -1;
	if (put_cell(fp, s, 1))
		return -1;
	if (quote && putc('"', fp) == EOF)
		return -1;
	return 0;
}

static int tsv_field(FILE *fp, const char *s)
{
	if (!s)
		s = "";
	/* A quote-aware TSV reader unquotes "=1+1" into a formula: a leading
	 * double quote is neutralised as well. */
	if ((risky_start(s) || s[0] == '"') && putc('\'', fp) == EOF)
		return -1;
	return put_cell(fp, s, 0);
}

/* The formats, by enum export_format.  sep 0: one JSON object a line. */
static const struct export_fmt {
	const char *name;       /* --format */
	const char *ext[2];     /* file extensions that choose it in the explorer */
	char sep;               /* between fields */
	const char *eol;        /* after each line */
	int (*field)(FILE *fp, const char *s); /* a text field */
} formats[EXPORT_FORMAT_COUNT] = {
	[EXPORT_CSV] = { "csv", { ".csv", NULL }, ',', "\r\n", export_csv_field },
	[EXPORT_TSV] = { "tsv", { ".tsv", NULL }, '\t', "\n", tsv_field },
	[EXPORT_JSONL] = { "jsonl", { ".jsonl", ".json" }, 0, "\n", NULL },
};

int export_format_find(const char *key)
{
	for (int i = 0; key && i < EXPORT_FORMAT_COUNT; i++)
		if (!strcasecmp(key, formats[i].name))
			return i;
	return -1;
}

const char *export_format_name(int format)
{
	return format >= 0 && format < EXPORT_FORMAT_COUNT ? formats[format].name : NULL;
}

int export_format_for_path(const char *path)
{
	const char *ext = path ? strrchr(path, '.') : NULL;
	for (int i = 0; ext && i < EXPORT_FORMAT_COUNT; i++)
		for (int x = 0; x < 2 && formats[i].ext[x]; x++)
			if (!strcasecmp(ext, formats[i].ext[x]))
				return i;
	return -1;
}

/* One cell of a row: text, unsigned number, or a share. */
enum cell_kind { C_TEXT, C_UINT, C_SHARE, C_INT };
struct cell {
	const char *name;
	enum cell_kind kind;
	const char *s;
	uint64_t u;
	double d;
};

#define MAX_CELLS 24

struct sink {
	FILE *fp;
	enum export_format fmt;
	struct cell c[MAX_CELLS];
	size_t n;
	char text[MAX_CELLS][32]; /* storage for formatted dates */
};

static void add_text(struct sink *k, const char *name, const char *s)
{
	k->c[k->n++] = (struct cell){ name, C_TEXT, s ? s : "", 0, 0 };
}
static void add_uint(struct sink *k, const char *name, uint64_t u)
{
	k->c[k->n++] = (struct cell){ name, C_UINT, NULL, u, 0 };
}
/* A count that may be unknown: null in JSON, an empty field in CSV/TSV. */
static void add_count(struct sink *k, const char *name, uint64_t u, int known)
{
	k->c[k->n++] = known ? (struct cell){ name, C_UINT, NULL, u, 0 } : (struct cell){ name, C_SHARE, NULL, 0, NAN };
}
/* A share; NAN (cannot be computed) is written like an unknown count. */
static void add_share(struct sink *k, const char *name, double d)
{
	k->c[k->n++] = (struct cell){ name, C_SHARE, NULL, 0, d };
}
/* A signed number (movers: rank change, growth); NAN-like null when unknown. */
static void add_int(struct sink *k, const char *name, int64_t v, int known)
{
	k->c[k->n++] = known ? (struct cell){ name, C_INT, NULL, (uint64_t)v, 0 } : (struct cell){ name, C_SHARE, NULL, 0, NAN };
}
static void add_time(struct sink *k, const char *name, int64_t t)
{
	char *buf = k->text[k->n];
	civil_iso_time(t, buf, sizeof k->text[0]);
	add_text(k, name, buf);
}

static int emit(struct sink *k, int header)
{
	FILE *fp = k->fp;
	const struct export_fmt *fm = &formats[k->fmt];
	if (!fm->sep) {
		cJSON *o;
		char *txt;
		int rc;
		if (header)
			return 0;
		o = cJSON_CreateObject();
		if (!o)
			return -1;
		for (size_t i = 0; i < k->n; i++) {
			const struct cell *c = &k->c[i];
			char *clean;
			if (c->kind == C_UINT || c->kind == C_INT) {
				/* As an integer: cJSON prints doubles as 9e+15. */
				char num[24];
				if (c->kind == C_INT)
					snprintf(num, sizeof num, "%lld", (long long)(int64_t)c->u);
				else
					snprintf(num, sizeof num, "%llu", (unsigned long long)c->u);
				if (!cJSON_AddRawToObject(o, c->name, num)) {
					cJSON_Delete(o);
					return -1;
				}
			} else if (c->kind == C_SHARE) {
				if (isnan(c->d))
					cJSON_AddNullToObject(o, c->name);
				else
					cJSON_AddNumberToObject(o, c->name, c->d);
			} else {
				/* Whole, never cut: a cut could split a UTF-8 sequence.
				 * Never longer than the text: a substitute is one byte. */
				const char *p = c->s;
				size_t at = 0;
				clean = malloc(strlen(c->s) + 1);
				if (!clean) {
					cJSON_Delete(o);
					return -1;
				}
				while (*p) {
					int sub;
					size_t skip, n = cell_char(p, &sub, &skip);
					if (n) {
						memcpy(clean + at, p, n);
						at += n;
						p += n;
					} else {
						clean[at++] = (char)sub;
						p += skip;
					}
				}
				clean[at] = '\0';
				cJSON_AddStringToObject(o, c->name, clean);
				free(clean);
			}
		}
		txt = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (!txt)
			return -1;
		rc = fputs(txt, fp) == EOF || putc('\n', fp) == EOF ? -1 : 0;
		cJSON_free(txt);
		return rc;
	}
	for (size_t i = 0; i < k->n; i++) {
		const struct cell *c = &k->c[i];
		int rc = 0;
		if (i && putc(fm->sep, fp) == EOF)
			return -1;
		if (header)
			rc = fputs(c->name, fp) == EOF ? -1 : 0;
		else if (c->kind == C_UINT)
			rc = fprintf(fp, "%llu", (unsigned long long)c->u) < 0 ? -1 : 0;
		else if (c->kind == C_INT)
			rc = fprintf(fp, "%lld", (long long)(int64_t)c->u) < 0 ? -1 : 0;
		else if (c->kind == C_SHARE)
			rc = isnan(c->d) ? 0 : fprintf(fp, "%.6f", c->d) < 0 ? -1 : 0;
		else
			rc = fm->field(fp, c->s);
		if (rc)
			return -1;
	}
	return fputs(fm->eol, fp) == EOF ? -1 : 0;
}

/* The movers of the period (engine_movers), by growth: docs/export.md. */
static long write_movers(struct sink *k, struct engine *e, const struct eng_result *r,
			 const struct export_req *q, const char *data)
{
	const struct eng_period *p = engine_period(e);
	struct eng_mover *mv = NULL;
	size_t n = engine_movers(e, r, q->pane, &mv);
	char d1[32], d2[32];
	if (n == (size_t)-1) {
		errno = p->set ? ENOMEM : EINVAL;
		return -1;
	}
	civil_iso_date(p->start_as_of, d1, sizeof d1);
	civil_iso_date(p->end_as_of, d2, sizeof d2);
	if (q->limit && q->limit < n)
		n = q->limit;
	for (size_t i = 0; i <= n; i++) {
		int header = i == 0;
		const struct eng_mover *m = header ? NULL : &mv[i - 1];
		int items = q->pane == PANE_MODELS || q->pane == PANE_DATASETS;
		k->n = 0;
		add_uint(k, "rank", i);
		add_text(k, items ? "id" : "key", header ? "" : m->label);
		add_text(k, "name", header ? "" : m->name);
		add_count(k, "rank_start", header ? 0 : m->rank_start, header || m->rank_start);
		add_count(k, "rank_end", header ? 0 : m->rank_end, header || m->rank_end);
		add_int(k, "rank_change", header ? 0 : m->rank_change, header || (m->rank_start && m->rank_end));
		add_count(k, "downloads_30d_start", header ? 0 : m->dl_start, header || m->start_known);
		add_count(k, "downloads_30d_end", header ? 0 : m->dl_end, header || m->end_known);
		add_int(k, "growth", header ? 0 : m->growth, header || (m->start_known && m->end_known));
		add_share(k, "growth_ratio", header || !m->start_known || !m->end_known || !m->dl_start ? NAN
					     : (double)m->growth / (double)m->dl_start);
		add_count(k, "downloads_period", header ? 0 : m->period, header || m->period_counted);
		add_text(k, "new", header ? "" : m->entrant ? "yes" : "no");
		add_uint(k, "items", header ? 0 : m->count);
		add_uint(k, "items_at_start", header ? 0 : m->count_start);
		add_text(k, "start_as_of", d1);
		add_text(k, "end_as_of", d2);
		add_text(k, "data", data);
		if (emit(k, header)) {
			free(mv);
			return -1;
		}
	}
	free(mv);
	return (long)n;
}

static const char *gated_text(uint8_t flags)
{
	if (!(flags & HT_F_GATED))
		return "no";
	return flags & HT_F_GATED_MAN ? "manual" : "auto";
}

static long write_items(struct sink *k, struct engine *e, const struct eng_result *r,
			const struct export_req *q, const char *data)
{
	const struct ht_snapshot *s = engine_snapshot(e);
	const struct attrib *a = engine_attrib(e);
	const struct ht_table *t = &s->t[r->kind];
	uint32_t *order = engine_sort_items(e, r, q->sort, q->desc);
	size_t n = r->n;
	long rows = 0;
	if (!order)
		return -1;
	if (q->limit && q->limit < n)
		n = q->limit;
	for (size_t i = 0; i <= n; i++) {
		int header = i == 0;
		uint32_t row = header ? 0 : order[i - 1], ac = 0;
		k->n = 0;
		if (!header)
			ac = engine_item_account(e, r, row);
		add_uint(k, "rank", i);
		add_text(k, "id", header ? "" : ht_id(s, r->kind, row));
		add_text(k, "author", header ? "" : ht_author(s, r->kind, row));
		add_text(k, "attributed_to", header ? "" : a->acct_name[ac]);
		add_text(k, "country", header ? "" : country_code(a->acct_country[ac]));
		add_text(k, "country_group",
			 header ? "" : country_group_key((enum country_group)a->acct_group[ac]));
		add_text(k, "org_type", header ? "" : orgdir_type_key((enum org_type)a->acct_type[ac]));
		add_count(k, "downloads", header ? 0 : t->downloads[row],
			  header || !(t->flags[row] & HT_F_DL_UNKNOWN));
		add_count(k, "downloads_all_time", header ? 0 : t->downloads_all[row],
			  header || (!(t->flags[row] & HT_F_DLA_UNKNOWN) && engine_has_alltime(e, r->kind)));
		if (r->filter.window == WIN_PERIOD)
			add_count(k, "downloads_period", header ? 0 : engine_item_downloads(e, r, row),
				  header || engine_item_counted(e, r, row));
		add_uint(k, "likes", header ? 0 : t->likes[row]);
		add_uint(k, "trending", header ? 0 : t->trending[row]);
		add_time(k, "created", header ? 0 : t->created[row]);
		add_time(k, "last_modified", header ? 0 : t->modified[row]);
		add_text(k, "pipeline_tag", header ? "" : ht_term(s, t->pipeline[row]));
		add_text(k, "library", header ? "" : ht_term(s, t->library[row]));
		add_text(k, "license", header ? "" : ht_term(s, t->license[row]));
		add_text(k, "gated", header ? "" : gated_text(t->flags[row]));
		add_text(k, "data", data);
		if (emit(k, header)) {
			free(order);
			return -1;
		}
		rows += !header;
	}
	free(order);
	return rows;
}

static long write_aggregate(struct sink *k, struct engine *e, const struct eng_result *r,
			    const struct export_req *q, const char *data)
{
	struct eng_row *rows = NULL;
	size_t n = engine_rank_with_trending(e, r, q->pane, q->sort, q->desc, 0, &rows);
	const char *items = r->kind == HT_DATASETS ? "datasets" : "models";
	long out = 0;
	if (!rows && n)
		return -1;
	if (q->limit && q->limit < n)
		n = q->limit;
	for (size_t i = 0; i <= n; i++) {
		int header = i == 0;
		const struct eng_row *w = header ? NULL : &rows[i - 1];
		k->n = 0;
		add_uint(k, "rank", i);
		switch (q->pane) {
		case PANE_ORGS:
			add_text(k, "account", header ? "" : w->label);
			add_text(k, "name", header ? "" : w->name);
			add_text(k, "country", header ? "" : country_code(w->country));
			add_text(k, "country_group", header ? "" : country_group_key((enum country_group)w->group));
			add_text(k, "org_type", header ? "" : orgdir_type_key((enum org_type)w->type));
			add_uint(k, items, header ? 0 : w->count);
			add_uint(k, "downloads", header ? 0 : w->downloads);
			add_share(k, "share", header ? 0 : w->share);
			/* Organisation level: the accounts it holds; account: 1. */
			add_uint(k, "accounts", header ? 0 : w->accounts);
			break;
		case PANE_COUNTRIES:
			add_text(k, "country", header ? "" : w->key ? w->label : "");
			add_text(k, "name", header ? "" : w->name);
			add_text(k, "country_group", header ? "" : country_group_key((enum country_group)w->group));
			add_uint(k, items, header ? 0 : w->count);
			add_uint(k, "downloads", header ? 0 : w->downloads);
			add_share(k, "share", header ? 0 : w->share);
			add_share(k, "count_share", header ? 0 : w->count_share);
			break;
		default:
			add_text(k, "key", header ? "" : w->label);
			add_text(k, "name", header ? "" : w->name);
			add_uint(k, "count", header ? 0 : w->count);
			add_uint(k, "downloads", header ? 0 : w->downloads);
			add_share(k, "share", header ? 0 : w->share);
			add_share(k, "count_share", header ? 0 : w->count_share);
			break;
		}
		/* After the first columns, which keep their places. */
		add_uint(k, "trending", header ? 0 : w->trending);
		add_text(k, "data", data);
		if (emit(k, header)) {
			free(rows);
			return -1;
		}
		out += !header;
	}
	free(rows);
	return out;
}

/* ---- the dimensions' tables (dims.h) ------------------------------------- */

static const char *const dim_keys[EXPORT_DIM_COUNT] = {
	NULL, "relations", "languages", "sizes", "bases", "base-orgs"
};

int export_dim_find(const char *key)
{
	for (int i = 1; i < EXPORT_DIM_COUNT; i++)
		if (!strcmp(key, dim_keys[i]))
			return i;
	return -1;
}

const char *export_dim_key(int dim)
{
	return dim > 0 && dim < EXPORT_DIM_COUNT ? dim_keys[dim] : NULL;
}

static int dim_row(struct sink *k, int header, const char *key, const char *name, const struct eng_bucket *b,
		   const struct eng_result *r, const char *data)
{
	k->n = 0;
	add_text(k, "key", header ? "" : key);
	add_text(k, "name", header ? "" : name);
	add_uint(k, "count", header ? 0 : b->count);
	add_share(k, "count_share", header ? 0 : engine_share(b->count, r->count));
	add_uint(k, "downloads", header ? 0 : b->downloads);
	add_share(k, "share", header ? 0 : engine_share(b->downloads, r->downloads));
	add_text(k, "data", data);
	return emit(k, header);
}

static long write_bases(struct sink *k, struct engine *e, const struct eng_result *r, enum export_dim dim,
			const struct export_req *q, const char *data)
{
	struct dims_base *b = NULL;
	size_t n = dims_bases(e, r, dim == EXPORT_DIM_BASE_ORGS, &b);
	long rows = 0;
	char id[HT_ID_MAX + 1];
	if (n == (size_t)-1)
		return -1;
	if (q->limit && q->limit < n)
		n = q->limit;
	for (size_t i = 0; i <= n; i++) {
		int header = i == 0;
		const struct dims_base *x = header ? NULL : &b[i - 1];
		k->n = 0;
		if (x)
			snprintf(id, sizeof id, "%.*s", (int)x->id_len, x->id);
		add_uint(k, "rank", i);
		add_text(k, dim == EXPORT_DIM_BASES ? "base" : "owner", header ? "" : id);
		if (dim == EXPORT_DIM_BASES)
			add_text(k, "in_snapshot", header ? "" : x->row != UINT32_MAX ? "yes" : "no");
		add_uint(k, "direct", header ? 0 : x->direct);
		add_uint(k, "chain", header ? 0 : x->chain);
		add_uint(k, "direct_downloads", header ? 0 : x->direct_downloads);
		add_uint(k, "chain_downloads", header ? 0 : x->chain_downloads);
		for (int rel = DREL_FINETUNE; rel <= DREL_MERGE; rel++)
			add_uint(k, dims_rel_key(rel), header ? 0 : x->by_rel[rel]);
		add_text(k, "data", data);
		if (emit(k, header)) {
			free(b);
			return -1;
		}
		rows += !header;
	}
	free(b);
	return rows;
}

/* One row per bucket, in the order of the report (relations and sizes as
 * their enums, languages by count); every bucket, the unknown one too. */
static long write_dims(struct sink *k, struct engine *e, const struct eng_result *r, enum export_dim dim,
		       const struct export_req *q, const char *data)
{
	struct dims_shares *d;
	long rows = 0;
	size_t n;
	if (dim == EXPORT_DIM_BASES || dim == EXPORT_DIM_BASE_ORGS)
		return write_bases(k, e, r, dim, q, data);
	if (!(d = dims_shares(e, r)))
		return -1;
	n = dim == EXPORT_DIM_RELATIONS ? DREL_COUNT : dim == EXPORT_DIM_SIZES ? DSIZE_COUNT : d->n_lang_used;
	if (q->limit && q->limit < n)
		n = q->limit;
	for (size_t i = 0; i <= n; i++) {
		static const struct eng_bucket none;
		const struct eng_bucket *b = &none;
		const char *key = "", *name = "";
		int rc;
		if (i && dim == EXPORT_DIM_RELATIONS) {
			b = &d->rel[i - 1];
			key = name = dims_rel_key((int)i - 1);
		} else if (i && dim == EXPORT_DIM_SIZES) {
			b = &d->size[i - 1];
			key = name = dims_size_key((int)i - 1);
		} else if (i) {
			uint32_t lb = d->lang_order[i - 1];
			b = &d->lang[lb];
			key = dims_lang_code(e, lb);
			name = lb == DLANG_UNKNOWN ? "unknown" : lb == DLANG_MULTI ? "several languages" :
			       language_name(key) ? language_name(key) : key;
		}
		rc = dim_row(k, i == 0, key, name, b, r, data);
		if (rc) {
			dims_shares_free(d);
			return -1;
		}
		rows += i > 0;
	}
	dims_shares_free(d);
	return rows;
}

long export_dim_write(FILE *fp, struct engine *e, const struct eng_result *r, enum export_dim dim,
		      const struct export_req *q)
{
	struct sink k;
	if (!fp || !e || !r || !q || dim <= EXPORT_DIM_NONE || dim >= EXPORT_DIM_COUNT) {
		errno = EINVAL;
		return -1;
	}
	memset(&k, 0, sizeof k);
	k.fp = fp;
	k.fmt = q->format;
	return write_dims(&k, e, r, dim, q, engine_snapshot(e)->meta.demo ? "demo" : "hub");
}

long export_write(FILE *fp, struct engine *e, const struct eng_result *r, const struct export_req *q)
{
	struct sink k;
	const char *data;
	if (!fp || !e || !r || !q || (unsigned)q->pane >= PANE_COUNT) {
		errno = EINVAL;
		return -1;
	}
	memset(&k, 0, sizeof k);
	k.fp = fp;
	k.fmt = q->format;
	/* Demo figures must never pass for real ones, even out of context. */
	data = engine_snapshot(e)->meta.demo ? "demo" : "hub";
	if (q->movers)
		return write_movers(&k, e, r, q, data);
	if (q->pane == PANE_MODELS || q->pane == PANE_DATASETS)
		return write_items(&k, e, r, q, data);
	return write_aggregate(&k, e, r, q, data);
}

struct path_ctx {
	struct engine *e;
	const struct eng_result *r;
	const struct export_req *q;
	long rows;
	enum export_dim dim;
};

static long write_either(FILE *fp, const struct path_ctx *c)
{
	return c->dim ? export_dim_write(fp, c->e, c->r, c->dim, c->q) : export_write(fp, c->e, c->r, c->q);
}

static int path_writer(void *ctx, void *fp)
{
	struct path_ctx *c = ctx;
	c->rows = write_either(fp, c);
	return c->rows < 0 ? -1 : 0;
}

long export_dim_to_path(const char *path, struct engine *e, const struct eng_result *r, enum export_dim dim,
			const struct export_req *q, char *err, size_t errlen)
{
	struct path_ctx c = { e, r, q, 0, dim };
	struct store_err se;
	if (!path || !strcmp(path, "-")) {
		long n = write_either(stdout, &c);
		if (n < 0 || fflush(stdout) != 0) {
			if (err && errlen)
				snprintf(err, errlen, "cannot write the export to standard output: %s",
					 strerror(errno ? errno : EIO));
			return -1;
		}
		return n;
	}
	memset(&se, 0, sizeof se);
	if (store_atomic_write(path, path_writer, &c, &se) != 0) {
		if (err && errlen)
			snprintf(err, errlen, "cannot write the export to %s: %s", path,
				 se.msg[0] ? se.msg : strerror(errno ? errno : EIO));
		return -1;
	}
	return c.rows;
}

long export_to_path(const char *path, struct engine *e, const struct eng_result *r,
		    const struct export_req *q, char *err, size_t errlen)
{
	return export_dim_to_path(path, e, r, EXPORT_DIM_NONE, q, err, errlen);
}

/* export.c - the current view as CSV, TSV or JSON Lines (see export.h and
 * docs/export.md for the columns). */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hubtop/civil.h"
#include "hubtop/conc.h"
#include "hubtop/dims.h"
#include "hubtop/language.h"
#include "hubtop/export.h"
#include "hubtop/outbuf.h"
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

/* Bytes that a cell copies as they are, in every format: printable ASCII
 * but the quote and the backslash (CSV doubles the one, JSON escapes both)
 * and the comma (CSV quotes the field). */
static int plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ',';
}

/* Writes s through cell_char; doubles '"' when dq; escapes '"' and '\'
 * when json.  Runs of plain bytes are copied at once. */
static void put_cell(struct outbuf *o, const char *s, int dq, int json)
{
	while (*s) {
		int sub;
		size_t skip, n;
		if (plain_byte((unsigned char)*s)) {
			const char *p = s + 1;
			while (plain_byte((unsigned char)*p))
				p++;
			outbuf_put(o, s, (size_t)(p - s));
			s = p;
			continue;
		}
		n = cell_char(s, &sub, &skip);
		if (!n) {
			outbuf_putc(o, (char)sub);
			s += skip;
			continue;
		}
		if (dq && *s == '"')
			outbuf_putc(o, '"');
		else if (json && (*s == '"' || *s == '\\'))
			outbuf_putc(o, '\\');
		outbuf_put(o, s, n);
		s += n;
	}
}

static void csv_field(struct outbuf *o, const char *s)
{
	int quote = 0;
	const char *p;
	if (!s)
		s = "";
	/* Most cells are plain: one scan and one copy. */
	for (p = s; plain_byte((unsigned char)*p); p++)
		;
	if (!*p && !risky_start(s)) {
		outbuf_put(o, s, (size_t)(p - s));
		return;
	}
	for (p = s; *p; p++)
		if (*p == ',' || *p == '"')
			quote = 1;
	if (quote)
		outbuf_putc(o, '"');
	if (risky_start(s))
		outbuf_putc(o, '\'');
	put_cell(o, s, 1, 0);
	if (quote)
		outbuf_putc(o, '"');
}

int export_csv_field(FILE *fp, const char *s)
{
	struct outbuf o;
	if (outbuf_init(&o, fp) != 0)
		return -1;
	csv_field(&o, s);
	outbuf_drain(&o, 0);
	outbuf_free(&o);
	return o.err ? -1 : 0;
}

static void tsv_field(struct outbuf *o, const char *s)
{
	if (!s)
		s = "";
	/* A quote-aware TSV reader unquotes "=1+1" into a formula: a leading
	 * double quote is neutralised as well. */
	if (risky_start(s) || s[0] == '"')
		outbuf_putc(o, '\'');
	put_cell(o, s, 0, 0);
}

/* The formats, by enum export_format.  sep 0: one JSON object a line. */
static const struct export_fmt {
	const char *name;       /* --format */
	const char *ext[2];     /* file extensions that choose it */
	char sep;               /* between fields */
	const char *eol;        /* after each line */
	void (*field)(struct outbuf *o, const char *s); /* a text field */
} formats[EXPORT_FORMAT_COUNT] = {
	[EXPORT_CSV] = { "csv", { ".csv", NULL }, ',', "\r\n", csv_field },
	[EXPORT_TSV] = { "tsv", { ".tsv", NULL }, '\t', "\n", tsv_field },
	[EXPORT_JSONL] = { "jsonl", { ".jsonl", ".json" }, 0, "\n", NULL },
};

int export_format_find(const char *key)
{
	for (int i = 0; key && i < EXPORT_FORMAT_COUNT; i++)
		if (!strcasecmp(key, formats[i].name))
			return i;
	/* JSON is written as JSON Lines wherever hubtop writes JSON rows. */
	if (key && !strcasecmp(key, "json"))
		return EXPORT_JSONL;
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

/* One cell of a row: text, unsigned or signed number, a share, or a time. */
enum cell_kind { C_TEXT, C_UINT, C_SHARE, C_INT, C_TIME };
struct cell {
	const char *name;
	enum cell_kind kind;
	const char *s;
	uint64_t u;
	double d;
	int64_t t;
};

#define MAX_CELLS 32

struct sink {
	struct outbuf o;
	enum export_format fmt;
	struct cell c[MAX_CELLS];
	size_t n;
	char names[MAX_CELLS][40];  /* column names made per table (Trends) */
	/* Columns chosen (export_req.columns), NULL: all.  The header row
	 * makes map: the cells written, in order (every row adds the same
	 * cells in the same order). */
	const char *sel;
	size_t map[MAX_CELLS], n_map;
};

/* The item count's column is named for what it counts. */
static int count_name(const char *s)
{
	return !strcmp(s, "models") || !strcmp(s, "datasets") || !strcmp(s, "count");
}

/* The cells of the chosen columns: the identifying ones (rank, the id,
 * account or key), the chosen ones in their order, then data. */
static void sink_map(struct sink *k)
{
	const char *p = k->sel;
	k->n_map = 0;
	for (size_t i = 0; i < 2 && i < k->n; i++)
		k->map[k->n_map++] = i;
	while (*p) {
		char name[40];
		size_t n = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		p += n + (p[n] == ',');
		for (size_t i = 2; i < k->n; i++) {
			int used = 0;
			if (strcmp(k->c[i].name, name) && !(count_name(name) && count_name(k->c[i].name)))
				continue;
			for (size_t j = 0; j < k->n_map; j++)
				used |= k->map[j] == i;
			if (!used && strcmp(name, "data") && k->n_map < MAX_CELLS)
				k->map[k->n_map++] = i;
			break;
		}
	}
	for (size_t i = 2; i < k->n && k->n_map < MAX_CELLS; i++)
		if (!strcmp(k->c[i].name, "data"))
			k->map[k->n_map++] = i;
}

/* The number of cells a row writes, and the i-th of them. */
static size_t sink_len(const struct sink *k)
{
	return k->n_map ? k->n_map : k->n;
}
static const struct cell *sink_cell(const struct sink *k, size_t i)
{
	return &k->c[k->n_map ? k->map[i] : i];
}

static void add_text(struct sink *k, const char *name, const char *s)
{
	k->c[k->n++] = (struct cell){ name, C_TEXT, s ? s : "", 0, 0, 0 };
}
static void add_uint(struct sink *k, const char *name, uint64_t u)
{
	k->c[k->n++] = (struct cell){ name, C_UINT, NULL, u, 0, 0 };
}
/* A count that may be unknown: null in JSON, an empty field in CSV/TSV. */
static void add_count(struct sink *k, const char *name, uint64_t u, int known)
{
	k->c[k->n++] = known ? (struct cell){ name, C_UINT, NULL, u, 0, 0 }
			     : (struct cell){ name, C_SHARE, NULL, 0, NAN, 0 };
}
/* A share; NAN (cannot be computed) is written like an unknown count. */
static void add_share(struct sink *k, const char *name, double d)
{
	k->c[k->n++] = (struct cell){ name, C_SHARE, NULL, 0, d, 0 };
}
/* A signed number (movers: rank change, growth); NAN-like null when unknown. */
static void add_int(struct sink *k, const char *name, int64_t v, int known)
{
	k->c[k->n++] = known ? (struct cell){ name, C_INT, NULL, (uint64_t)v, 0, 0 }
			     : (struct cell){ name, C_SHARE, NULL, 0, NAN, 0 };
}
static void add_time(struct sink *k, const char *name, int64_t t)
{
	k->c[k->n++] = (struct cell){ name, C_TIME, NULL, 0, 0, t };
}

/* A JSON number as cJSON prints one (the shares were printed by cJSON,
 * and their digits stay the same): an integral value as an integer, else
 * 15 significant digits, 17 when 15 do not read back within an epsilon
 * of the largest (cJSON's own test). */
static void json_double(struct outbuf *o, double d)
{
	char num[40];
	double back = 0;
	if (isnan(d) || isinf(d)) {
		outbuf_puts(o, "null");
		return;
	}
	/* The range first: casting a double past INT_MAX is undefined. */
	if (fabs(d) < 2147483647.0 && d == (double)(int)d) {
		snprintf(num, sizeof num, "%d", (int)d);
	} else {
		snprintf(num, sizeof num, "%1.15g", d);
		if (sscanf(num, "%lg", &back) != 1 ||
		    fabs(back - d) > fmax(fabs(back), fabs(d)) * DBL_EPSILON)
			snprintf(num, sizeof num, "%1.17g", d);
	}
	outbuf_puts(o, num);
}

static void emit_json(struct sink *k)
{
	struct outbuf *o = &k->o;
	outbuf_putc(o, '{');
	for (size_t i = 0; i < sink_len(k); i++) {
		const struct cell *c = sink_cell(k, i);
		if (i)
			outbuf_putc(o, ',');
		/* Column names are lower_snake_case: nothing to escape. */
		outbuf_putc(o, '"');
		outbuf_puts(o, c->name);
		outbuf_put(o, "\":", 2);
		switch (c->kind) {
		case C_UINT: /* an integer in full: never 9e+15 */
			outbuf_u64(o, c->u);
			break;
		case C_INT:
			outbuf_i64(o, (int64_t)c->u);
			break;
		case C_SHARE:
			json_double(o, c->d);
			break;
		case C_TIME:
			outbuf_putc(o, '"');
			outbuf_iso(o, c->t);
			outbuf_putc(o, '"');
			break;
		case C_TEXT:
			/* Whole, never cut: a cut could split a UTF-8 sequence. */
			outbuf_putc(o, '"');
			put_cell(o, c->s, 0, 1);
			outbuf_putc(o, '"');
			break;
		}
	}
	outbuf_put(o, "}\n", 2);
}

static int emit(struct sink *k, int header)
{
	struct outbuf *o = &k->o;
	const struct export_fmt *fm = &formats[k->fmt];
	if (header && k->sel)
		sink_map(k);
	if (!fm->sep) {
		if (!header)
			emit_json(k);
		return o->err ? -1 : 0;
	}
	for (size_t i = 0; i < sink_len(k); i++) {
		const struct cell *c = sink_cell(k, i);
		if (i)
			outbuf_putc(o, fm->sep);
		if (header)
			outbuf_puts(o, c->name);
		else if (c->kind == C_UINT)
			outbuf_u64(o, c->u);
		else if (c->kind == C_INT)
			outbuf_i64(o, (int64_t)c->u);
		else if (c->kind == C_SHARE) {
			if (!isnan(c->d))
				outbuf_fixed6(o, c->d);
		} else if (c->kind == C_TIME)
			outbuf_iso(o, c->t);
		else
			fm->field(o, c->s);
	}
	outbuf_puts(o, fm->eol);
	return o->err ? -1 : 0;
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

/* Rows ahead whose strings write_items asks the cache for (twice as far
 * ahead: the author's entry that says where its name is). */
#define EXPORT_AHEAD 32
#if defined(__GNUC__)
#define EXPORT_PREFETCH(p) __builtin_prefetch(p)
#else
#define EXPORT_PREFETCH(p) ((void)(p))
#endif

/* The unknown country has one name everywhere: "unknown", as --country
 * takes it and the explorer shows it, never an empty cell. */
static const char *country_key_word(unsigned c)
{
	return c == COUNTRY_UNKNOWN ? "unknown" : country_code(c);
}

static const char *gated_text(uint8_t flags)
{
	if (!(flags & HT_F_GATED))
		return "no";
	return flags & HT_F_GATED_MAN ? "manual" : "auto";
}

/* The rows of Models and Datasets, millions of them, are written straight
 * into the buffer: each column a prefix made once (its separator, and in
 * JSON its name) and a value put by the format's own function, chosen once
 * per export, with no cell filled and read back.  The bytes are those
 * emit() writes for the same cells (the header row still goes through it). */
enum {
	IC_RANK, IC_ID, IC_AUTHOR, IC_ATTRIB, IC_COUNTRY, IC_GROUP, IC_ORGTYPE, IC_DL, IC_DLA,
	IC_LIKES, IC_TRENDING, IC_CREATED, IC_MODIFIED, IC_PIPELINE, IC_LIBRARY, IC_LICENSE,
	IC_GATED, IC_DL30, IC_CUM, IC_DATA, IC_COUNT
};

/* Per byte: 1 copied as it is in every format (plain_byte), 2 a
 * spreadsheet formula's first byte (risky_start). */
static const unsigned char byte_class[256] = {
	[' '] = 1, ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1,
	[')'] = 1, ['*'] = 1, ['+'] = 3, ['-'] = 3, ['.'] = 1, ['/'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 3, ['>'] = 1, ['?'] = 1,
	['@'] = 3, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
	['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1,
	['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
	['\t'] = 2, ['\r'] = 2,
};

/* A short run of bytes, the bounds check inline. */
static inline void put_run(struct outbuf *o, const char *s, size_t n)
{
	if (n >= OUTBUF_SIZE / 2) {
		outbuf_put(o, s, n);
		return;
	}
	outbuf_reserve(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* The length of s when every byte of it is plain, else (size_t)-1. */
static inline size_t plain_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (byte_class[*p] & 1)
		p++;
	return *p ? (size_t)-1 : (size_t)((const char *)p - s);
}

static void row_csv_text(struct outbuf *o, const char *s)
{
	size_t n = (byte_class[(unsigned char)s[0]] & 2) ? (size_t)-1 : plain_len(s);
	if (n != (size_t)-1)
		put_run(o, s, n);
	else
		csv_field(o, s);
}

static void row_tsv_text(struct outbuf *o, const char *s)
{
	size_t n = (byte_class[(unsigned char)s[0]] & 2) ? (size_t)-1 : plain_len(s);
	if (n != (size_t)-1)
		put_run(o, s, n);
	else
		tsv_field(o, s);
}

static void row_json_text(struct outbuf *o, const char *s)
{
	size_t n = plain_len(s);
	outbuf_putc(o, '"');
	if (n != (size_t)-1)
		put_run(o, s, n);
	else
		put_cell(o, s, 0, 1);
	outbuf_putc(o, '"');
}

static void row_sep_share(struct outbuf *o, double d)
{
	if (!isnan(d))
		outbuf_fixed6(o, d);
}

struct row_writer {
	void (*text)(struct outbuf *o, const char *s);
	void (*share)(struct outbuf *o, double d);   /* NAN: unknown */
	const char *null;       /* an unknown count */
	size_t null_len;
	int quote_time;         /* JSON: a time is a string */
	const char *eol;
	size_t eol_len;
	char sep;               /* CSV, TSV: the separator, before every column but the first */
	char pre[IC_COUNT][40]; /* JSON: before each column's value */
	size_t pre_len[IC_COUNT];
};

static const char *const item_cols[IC_COUNT] = {
	"rank", "id", "author", "attributed_to", "country", "country_group", "org_type",
	"downloads", "downloads_all_time", "likes", "trending", "created", "last_modified",
	"pipeline_tag", "library", "license", "gated", "downloads_30d", "cum_share", "data",
};

static void row_writer_init(struct row_writer *w, enum export_format fmt)
{
	const struct export_fmt *fm = &formats[fmt];
	memset(w, 0, sizeof *w);
	for (int c = 0; c < IC_COUNT; c++) {
		if (fm->sep)
			snprintf(w->pre[c], sizeof w->pre[c], "%.*s", c ? 1 : 0, &fm->sep);
		else
			snprintf(w->pre[c], sizeof w->pre[c], "%s\"%s\":", c ? "," : "{", item_cols[c]);
		w->pre_len[c] = strlen(w->pre[c]);
	}
	w->text = fmt == EXPORT_CSV ? row_csv_text : fmt == EXPORT_TSV ? row_tsv_text : row_json_text;
	w->share = fm->sep ? row_sep_share : json_double;
	w->null = fm->sep ? "" : "null";
	w->null_len = strlen(w->null);
	w->quote_time = !fm->sep;
	w->sep = fm->sep;
	w->eol = fm->sep ? fm->eol : "}\n";
	w->eol_len = strlen(w->eol);
}

static inline void row_pre(struct outbuf *o, const struct row_writer *w, int c)
{
	if (w->sep) {
		if (c)
			outbuf_putc(o, w->sep);
	} else {
		put_run(o, w->pre[c], w->pre_len[c]);
	}
}

static inline void row_text(struct outbuf *o, const struct row_writer *w, int c, const char *s)
{
	row_pre(o, w, c);
	w->text(o, s ? s : "");
}

static inline void row_uint(struct outbuf *o, const struct row_writer *w, int c, uint64_t u)
{
	row_pre(o, w, c);
	outbuf_u64(o, u);
}

static inline void row_count(struct outbuf *o, const struct row_writer *w, int c, uint64_t u, int known)
{
	row_pre(o, w, c);
	if (known)
		outbuf_u64(o, u);
	else
		put_run(o, w->null, w->null_len);
}

static inline void row_time(struct outbuf *o, const struct row_writer *w, int c, int64_t t)
{
	row_pre(o, w, c);
	if (w->quote_time) {
		outbuf_putc(o, '"');
		outbuf_iso(o, t);
		outbuf_putc(o, '"');
	} else {
		outbuf_iso(o, t);
	}
}

/* What every row of a Models or Datasets export reads. */
struct items_job {
	struct engine *e;
	const struct eng_result *r;
	const struct ht_snapshot *s;
	const struct attrib *a;
	const struct ht_table *t;
	const uint32_t *order;
	size_t n;               /* the rows: ranks 1..n */
	const char *data;
	int alltime;
	struct row_writer w;
};

/* The cells of rank i (row), or of the header when header: the chosen
 * columns' path (sink_map picks from them). */
static void item_cells(struct sink *k, const struct items_job *j, size_t i, uint32_t row, int header,
		       uint64_t *cum)
{
	const struct ht_snapshot *s = j->s;
	const struct attrib *a = j->a;
	const struct ht_table *t = j->t;
	enum ht_kind kind = j->r->kind;
	uint32_t ac = header ? 0 : engine_item_account(j->e, j->r, row);
	int counted;
	uint64_t dl;
	k->n = 0;
	add_uint(k, "rank", i);
	add_text(k, "id", header ? "" : ht_id(s, kind, row));
	add_text(k, "author", header ? "" : ht_author(s, kind, row));
	add_text(k, "attributed_to", header ? "" : a->acct_name[ac]);
	add_text(k, "country", header ? "" : country_key_word(a->acct_country[ac]));
	add_text(k, "country_group", header ? "" : country_group_key((enum country_group)a->acct_group[ac]));
	add_text(k, "org_type", header ? "" : orgdir_type_key((enum org_type)a->acct_type[ac]));
	/* "downloads" is always the filter's window, the one the rows are
	 * ranked by and the screen shows. */
	counted = !header && engine_item_counted(j->e, j->r, row);
	dl = counted ? engine_item_downloads(j->e, j->r, row) : 0;
	*cum += dl;
	add_count(k, "downloads", dl, header || counted);
	add_count(k, "downloads_all_time", header ? 0 : t->downloads_all[row],
		  header || (!(t->flags[row] & HT_F_DLA_UNKNOWN) && j->alltime));
	add_uint(k, "likes", header ? 0 : t->likes[row]);
	add_uint(k, "trending", header ? 0 : t->trending[row]);
	add_time(k, "created", header ? 0 : t->created[row]);
	add_time(k, "last_modified", header ? 0 : t->modified[row]);
	add_text(k, "pipeline_tag", header ? "" : ht_term(s, t->pipeline[row]));
	add_text(k, "library", header ? "" : ht_term(s, t->library[row]));
	add_text(k, "license", header ? "" : ht_term(s, t->license[row]));
	add_text(k, "gated", header ? "" : gated_text(t->flags[row]));
	add_count(k, "downloads_30d", header ? 0 : t->downloads[row], header || !(t->flags[row] & HT_F_DL_UNKNOWN));
	/* The downloads of the rows so far, of every match's. */
	add_share(k, "cum_share", header ? 0 : engine_share(*cum, j->r->downloads));
	add_text(k, "data", j->data);
}

/* Ranks i0..i1-1 into k's buffer, the downloads of the ranks before i0
 * being cum.  0, or -1 on an error of the buffer. */
static int items_rows(struct sink *k, const struct items_job *j, size_t i0, size_t i1, uint64_t cum)
{
	const struct ht_snapshot *s = j->s;
	const struct attrib *a = j->a;
	const struct ht_table *t = j->t;
	const struct row_writer *w = &j->w;
	enum ht_kind kind = j->r->kind;
	const uint32_t *order = j->order;
	size_t n = j->n;
	for (size_t i = i0; i < i1; i++) {
		uint32_t row = order[i - 1], ac;
		uint64_t dl;
		int counted;
		/* The rows go in ranking order, each a cache miss in every
		 * column: where a later row's id and author are, first. */
		if (i + 8 * EXPORT_AHEAD <= n) {
			uint32_t col = order[i + 8 * EXPORT_AHEAD - 1];
			EXPORT_PREFETCH(&t->id[col]);
			EXPORT_PREFETCH(&t->author[col]);
		}
		/* The ids are scattered over the string pool: ask for a later
		 * row's now, so that its cache misses overlap this row's work. */
		if (i + 4 * EXPORT_AHEAD <= n) {
			uint32_t far = order[i + 4 * EXPORT_AHEAD - 1];
			uint32_t fac = engine_item_account(j->e, j->r, far);
			EXPORT_PREFETCH(&s->acct_name[t->author[far]]);
			EXPORT_PREFETCH(&a->acct_name[fac]);
			EXPORT_PREFETCH(&a->acct_country[fac]);
		}
		if (i + EXPORT_AHEAD <= n) {
			uint32_t ahead = order[i + EXPORT_AHEAD - 1];
			EXPORT_PREFETCH(ht_id(s, kind, ahead));
			EXPORT_PREFETCH(ht_author(s, kind, ahead));
			EXPORT_PREFETCH(a->acct_name[engine_item_account(j->e, j->r, ahead)]);
		}
		/* Chosen columns go through the cells, which sink_map picks
		 * from; every column is written straight to the buffer. */
		if (k->sel) {
			item_cells(k, j, i, row, 0, &cum);
			if (emit(k, 0))
				return -1;
			continue;
		} else {
			struct outbuf *o = &k->o;
			const uint8_t flags = t->flags[row];
			ac = engine_item_account(j->e, j->r, row);
			counted = engine_item_counted(j->e, j->r, row);
			dl = counted ? engine_item_downloads(j->e, j->r, row) : 0;
			cum += dl;
			row_uint(o, w, IC_RANK, i);
			row_text(o, w, IC_ID, ht_id(s, kind, row));
			row_text(o, w, IC_AUTHOR, ht_author(s, kind, row));
			row_text(o, w, IC_ATTRIB, a->acct_name[ac]);
			row_text(o, w, IC_COUNTRY, country_key_word(a->acct_country[ac]));
			row_text(o, w, IC_GROUP, country_group_key((enum country_group)a->acct_group[ac]));
			row_text(o, w, IC_ORGTYPE, orgdir_type_key((enum org_type)a->acct_type[ac]));
			row_count(o, w, IC_DL, dl, counted);
			row_count(o, w, IC_DLA, t->downloads_all[row], !(flags & HT_F_DLA_UNKNOWN) && j->alltime);
			row_uint(o, w, IC_LIKES, t->likes[row]);
			row_uint(o, w, IC_TRENDING, t->trending[row]);
			row_time(o, w, IC_CREATED, t->created[row]);
			row_time(o, w, IC_MODIFIED, t->modified[row]);
			row_text(o, w, IC_PIPELINE, ht_term(s, t->pipeline[row]));
			row_text(o, w, IC_LIBRARY, ht_term(s, t->library[row]));
			row_text(o, w, IC_LICENSE, ht_term(s, t->license[row]));
			row_text(o, w, IC_GATED, gated_text(flags));
			row_count(o, w, IC_DL30, t->downloads[row], !(flags & HT_F_DL_UNKNOWN));
			row_pre(o, w, IC_CUM);
			w->share(o, engine_share(cum, j->r->downloads));
			row_text(o, w, IC_DATA, j->data);
			put_run(o, w->eol, w->eol_len);
			if (o->err)
				return -1;
		}
	}
	return 0;
}

/* ---- the rows on every core -------------------------------------------------
 *
 * The ranks are cut into chunks of tune_chunk rows.  Worker threads format
 * chunks into buffers of their own (each with a copy of the sink: the
 * cells path writes into it), chunk c on worker c % threads; this thread
 * writes the buffers to the stream in chunk order, so the bytes are those
 * of one thread.  A chunk's cumulative share starts from the downloads of
 * the chunks before it, summed first. */

static unsigned tune_threads;                 /* 0: one per core, at most EXPORT_THREADS_MAX */
static size_t tune_chunk = 16384;             /* rows a chunk */
#define EXPORT_THREADS_MAX 4u
#define EXPORT_SLOTS_PER_THREAD 2u

void export_tune(unsigned threads, size_t chunk_rows)
{
	tune_threads = threads;
	tune_chunk = chunk_rows ? chunk_rows : 16384;
}

static unsigned export_threads(void)
{
	return table_threads(tune_threads, EXPORT_THREADS_MAX);
}

struct par_slot {
	struct outbuf o;        /* in memory */
	size_t chunk;           /* the chunk it holds when ready */
	int ready;
};

struct par_export {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct items_job *j;
	const struct sink *proto;   /* the sink after the header: its map */
	const uint64_t *cum;        /* per chunk: downloads of the chunks before */
	size_t nchunks, written;    /* chunks; chunks written so far */
	unsigned threads, nslots;
	int stop;
	struct par_slot slot[EXPORT_THREADS_MAX * EXPORT_SLOTS_PER_THREAD];
};

struct par_worker {
	struct par_export *p;
	unsigned id;
	struct sink k;
};

static void *par_worker(void *arg)
{
	struct par_worker *wk = arg;
	struct par_export *p = wk->p;
	for (size_t c = wk->id; c < p->nchunks; c += p->threads) {
		struct par_slot *sl = &p->slot[c % p->nslots];
		size_t i0 = c * tune_chunk + 1, i1 = i0 + tune_chunk;
		int stop;
		pthread_mutex_lock(&p->mu);
		/* The slot is free once the chunk nslots before is written. */
		while (!p->stop && (sl->ready || p->written + p->nslots <= c))
			pthread_cond_wait(&p->cv, &p->mu);
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		wk->k.o = sl->o;
		wk->k.o.len = 0;
		(void)items_rows(&wk->k, p->j, i0, i1 < p->j->n + 1 ? i1 : p->j->n + 1, p->cum[c]);
		pthread_mutex_lock(&p->mu);
		sl->o = wk->k.o;
		sl->chunk = c;
		sl->ready = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* The ranks 1..j->n into k's stream on threads: 0, -1 on an error (errno),
 * 1 when threads cannot be had (nothing written: the caller writes them on
 * its own). */
static int items_rows_parallel(struct sink *k, const struct items_job *j, unsigned threads)
{
	struct par_export p;
	struct par_worker *wk;
	pthread_t th[EXPORT_THREADS_MAX];
	uint64_t *cum, sum = 0;
	unsigned started = 0;
	int rc = 0, e = 0;

	memset(&p, 0, sizeof p);
	p.nchunks = (j->n + tune_chunk - 1) / tune_chunk;
	p.threads = threads;
	p.nslots = threads * EXPORT_SLOTS_PER_THREAD;
	p.j = j;
	cum = malloc(p.nchunks * sizeof *cum);
	wk = calloc(threads, sizeof *wk);
	if (!cum || !wk) {
		free(cum);
		free(wk);
		return 1;
	}
	for (size_t c = 0; c < p.nchunks; c++) {
		size_t i1 = (c + 1) * tune_chunk < j->n ? (c + 1) * tune_chunk : j->n;
		cum[c] = sum;
		for (size_t i = c * tune_chunk; i < i1; i++)
			if (engine_item_counted(j->e, j->r, j->order[i]))
				sum += engine_item_downloads(j->e, j->r, j->order[i]);
	}
	p.cum = cum;
	for (unsigned i = 0; i < p.nslots; i++)
		if (outbuf_init_mem(&p.slot[i].o, (size_t)4 << 20) != 0)
			rc = 1;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (; rc == 0 && started < threads; started++) {
		wk[started].p = &p;
		wk[started].id = started;
		wk[started].k = *k;
		wk[started].k.o.fp = NULL;
		if (pthread_create(&th[started], NULL, par_worker, &wk[started]) != 0)
			break;
	}
	if (started < threads) {
		/* Not every worker: the chunks of the missing ones would never come. */
		pthread_mutex_lock(&p.mu);
		p.stop = 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		rc = 1;
	}
	for (size_t c = 0; rc == 0 && c < p.nchunks; c++) {
		struct par_slot *sl = &p.slot[c % p.nslots];
		pthread_mutex_lock(&p.mu);
		while (!sl->ready)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		if (sl->o.err) {
			e = sl->o.err;
			rc = -1;
		} else {
			outbuf_put(&k->o, sl->o.buf, sl->o.len);
			if (k->o.err) {
				e = k->o.err;
				rc = -1;
			}
		}
		pthread_mutex_lock(&p.mu);
		sl->ready = 0;
		p.written = c + 1;
		p.stop = rc != 0;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (unsigned i = 0; i < p.nslots; i++)
		outbuf_free(&p.slot[i].o);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	free(cum);
	free(wk);
	if (rc < 0)
		errno = e;
	return rc;
}

/* Below this many rows one thread writes them all. */
#define EXPORT_PARALLEL_MIN 65536u

static long write_items(struct sink *k, struct engine *e, const struct eng_result *r,
			const struct export_req *q, const char *data)
{
	struct items_job j;
	uint32_t *order = engine_sort_items(e, r, q->sort, q->desc);
	uint64_t cum = 0;
	unsigned threads = export_threads();
	int rc = 1;
	if (!order)
		return -1;
	memset(&j, 0, sizeof j);
	j.e = e;
	j.r = r;
	j.s = engine_snapshot(e);
	j.a = engine_attrib(e);
	j.t = &j.s->t[r->kind];
	j.order = order;
	j.n = q->limit && q->limit < r->n ? q->limit : r->n;
	j.data = data;
	j.alltime = engine_has_alltime(e, r->kind);
	row_writer_init(&j.w, k->fmt);
	/* The header always through the cells: it makes the chosen columns' map. */
	item_cells(k, &j, 0, 0, 1, &cum);
	if (emit(k, 1)) {
		free(order);
		return -1;
	}
	if (threads > 1 && (j.n >= EXPORT_PARALLEL_MIN || tune_threads > 1))
		rc = items_rows_parallel(k, &j, threads);
	if (rc == 1)
		rc = items_rows(k, &j, 1, j.n + 1, 0);
	free(order);
	return rc ? -1 : (long)j.n;
}

static long write_aggregate(struct sink *k, struct engine *e, const struct eng_result *r,
			    const struct export_req *q, const char *data)
{
	struct eng_row *rows = NULL;
	size_t n = engine_rank_with_trending(e, r, q->pane, q->sort, q->desc, 0, &rows);
	const char *items = r->kind == HT_DATASETS ? "datasets" : "models";
	long out = 0;
	double cum = 0;  /* the shares of the rows so far */
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
			add_text(k, "country", header ? "" : country_key_word(w->country));
			add_text(k, "country_group", header ? "" : country_group_key((enum country_group)w->group));
			add_text(k, "org_type", header ? "" : orgdir_type_key((enum org_type)w->type));
			add_uint(k, items, header ? 0 : w->count);
			add_uint(k, "downloads", header ? 0 : w->downloads);
			add_share(k, "share", header ? 0 : w->share);
			/* Organisation level: the accounts it holds; account: 1. */
			add_uint(k, "accounts", header ? 0 : w->accounts);
			break;
		case PANE_COUNTRIES:
			add_text(k, "country", header ? "" : w->key ? w->label : "unknown");
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
		add_uint(k, "likes", header ? 0 : w->likes);
		add_time(k, "earliest", header ? 0 : w->created);
		if (!header && !isnan(w->share))
			cum += w->share;
		add_share(k, "cum_share", header ? 0 : cum);
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

/* A column name from a category key: lower_snake_case ("non-profit" ->
 * "non_profit_share"), kept in the sink's names[slot]. */
static const char *cat_name(struct sink *k, size_t slot, const char *key, const char *suffix)
{
	char *out = k->names[slot];
	size_t at = 0;
	/* Size buckets ("<100M", "1B-10B") become "lt100m", "1b_10b". */
	for (; *key && at + 3 < sizeof k->names[0]; key++) {
		unsigned char ch = (unsigned char)*key;
		if (ch == '<' || ch == '>') {
			out[at++] = ch == '<' ? 'l' : 'g';
			out[at++] = 't';
		} else if (ch >= 'A' && ch <= 'Z') {
			out[at++] = (char)(ch - 'A' + 'a');
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			out[at++] = (char)ch;
		} else {
			out[at++] = '_';
		}
	}
	for (; *suffix && at + 1 < sizeof k->names[0]; suffix++)
		out[at++] = *suffix;
	out[at] = '\0';
	return out;
}

/* The Trends pane's table: one row per year of creation that has items,
 * newest first; per category of the split, its share of the year's measure
 * (the pane's percentages), then the values themselves. */
/* The categories of a Trends split and their values in year y. */
struct trends_split {
	unsigned dim, by_count, ncat;
	const struct dims_shares *ds;
	uint32_t lang[EXPORT_TRENDS_LANGS];
	unsigned n_lang;
};

static const char *trends_key(struct engine *e, const struct trends_split *t, unsigned c)
{
	switch (t->dim) {
	case 1: return country_group_key((enum country_group)c);
	case 2: return dims_rel_key((int)c);
	case 3: return dims_size_key((int)c);
	case 4: return c < t->n_lang ? dims_lang_code(e, t->lang[c]) : "other";
	default: return orgdir_type_key((enum org_type)c);
	}
}

static uint64_t trends_val(const struct eng_result *r, const struct trends_split *t, unsigned y, unsigned c)
{
	struct eng_bucket other = { 0, 0 };
	const struct eng_bucket *b;
	switch (t->dim) {
	case 1: b = &r->year_group[y][c]; break;
	case 2: b = &t->ds->rel_year[y][c]; break;
	case 3: b = &t->ds->size_year[y][c]; break;
	case 4:
		if (c < t->n_lang) {
			b = &t->ds->lang_year[(size_t)y * t->ds->n_lang + t->lang[c]];
		} else {
			/* the year's matches less the languages shown */
			other.count = r->by_year[y].count;
			other.downloads = r->by_year[y].downloads;
			for (unsigned i = 0; i < t->n_lang; i++) {
				other.count -= t->ds->lang_year[(size_t)y * t->ds->n_lang + t->lang[i]].count;
				other.downloads -= t->ds->lang_year[(size_t)y * t->ds->n_lang + t->lang[i]].downloads;
			}
			b = &other;
		}
		break;
	default: b = &r->year_type[y][c]; break;
	}
	return t->by_count ? b->count : b->downloads;
}

static long write_trends(struct sink *k, struct engine *e, const struct eng_result *r,
			 const struct export_req *q, const char *data)
{
	struct trends_split t;
	struct dims_shares *ds = NULL;
	const char *items = r->kind == HT_DATASETS ? "datasets" : "models";
	long rows = 0, rank = 0;
	int header = 1;
	memset(&t, 0, sizeof t);
	t.by_count = !!(q->mode & EXPORT_TRENDS_BY_COUNT);
	t.dim = (q->mode & EXPORT_TRENDS_DIM_MASK) >> EXPORT_TRENDS_DIM_SHIFT;
	if (!t.dim)
		t.dim = q->mode & EXPORT_TRENDS_BY_GROUP ? 1 : 0;
	else
		t.dim++;
	if (t.dim >= 2) {
		/* The dimensions' shares, as the pane reads them. */
		if (!(ds = dims_shares(e, r)))
			return -1;
		t.ds = ds;
		for (uint32_t i = 0; i < ds->n_lang_used && t.n_lang < EXPORT_TRENDS_LANGS; i++)
			t.lang[t.n_lang++] = ds->lang_order[i];
	}
	t.ncat = t.dim == 1 ? CG_COUNT : t.dim == 2 ? DREL_COUNT : t.dim == 3 ? DSIZE_COUNT :
		 t.dim == 4 ? t.n_lang + 1 : OT_COUNT;
	for (unsigned y = ENG_YEARS; y-- > 0 || header;) {
		char year[16] = "";
		uint64_t total = 0, val[EXPORT_TRENDS_LANGS + 16];
		if (header)
			y = 0;
		else if (!r->by_year[y].count)
			continue;
		else if (q->limit && (size_t)rank >= q->limit)
			break;
		k->n = 0;
		for (unsigned c = 0; c < t.ncat; c++) {
			val[c] = trends_val(r, &t, y, c);
			total += val[c];
		}
		if (!header)
			engine_year_label(y, year, sizeof year);
		add_uint(k, "rank", header ? 0 : (uint64_t)++rank);
		add_text(k, "year", year);
		add_uint(k, items, header ? 0 : r->by_year[y].count);
		add_uint(k, "downloads", header ? 0 : r->by_year[y].downloads);
		for (unsigned c = 0; c < t.ncat; c++)
			add_share(k, cat_name(k, k->n, trends_key(e, &t, c), "_share"),
				  header ? 0 : engine_share(val[c], total));
		for (unsigned c = 0; c < t.ncat; c++)
			add_uint(k, cat_name(k, k->n, trends_key(e, &t, c), t.by_count ? "_count" : "_downloads"),
				 header ? 0 : val[c]);
		add_text(k, "data", data);
		if (emit(k, header)) {
			dims_shares_free(ds);
			return -1;
		}
		rows += !header;
		if (header) {
			header = 0;
			y = ENG_YEARS;
		}
	}
	dims_shares_free(ds);
	return rows;
}

/* One figure of the Concentration pane. */
struct conc_row {
	const char *figure, *name;
	int has_items, has_dl;
	uint64_t items, downloads;
	double item_share, share, value;
};

static int conc_emit(struct sink *k, const struct conc_row *w, int header, const char *data)
{
	k->n = 0;
	add_text(k, "figure", header ? "" : w->figure);
	add_text(k, "name", header ? "" : w->name);
	add_count(k, "items", header ? 0 : w->items, header || w->has_items);
	add_share(k, "item_share", header ? 0 : w->item_share);
	add_count(k, "downloads", header ? 0 : w->downloads, header || w->has_dl);
	add_share(k, "share", header ? 0 : w->share);
	add_share(k, "value", header ? 0 : w->value);
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
	long rows;
	memset(&k, 0, sizeof k);
	if (outbuf_init(&k.o, fp) != 0)
		return -1;
	k.fmt = q->format;
	rows = write_dims(&k, e, r, dim, q, engine_snapshot(e)->meta.demo ? "demo" : "hub");
	if (outbuf_flush(&k.o) != 0)
		rows = -1;
	outbuf_free(&k.o);
	return rows;
}

/* The Concentration pane's figures, one a row, then the Lorenz curve's
 * points (the share of the downloads held by the bottom P% of items). */
static long write_conc(struct sink *k, struct engine *e, const struct eng_result *r, const char *data)
{
	struct conc_figures cf;
	struct conc_row w;
	char fig[ENG_TOP_N + ENG_LORENZ + 1][2][32];
	long rows = 0;
	int known = r->counted > 0;

	if (conc_compute(e, r, &cf) != 0)
		return -1;
	if (conc_emit(k, NULL, 1, data))
		return -1;
#define CONC_ROW(...) do { w = (struct conc_row){ __VA_ARGS__ }; \
	if (conc_emit(k, &w, 0, data)) \
		return -1; \
	rows++; \
} while (0)
	CONC_ROW(.figure = "items", .name = "Items", .has_items = 1, .items = r->count, .has_dl = !r->count || known,
		 .downloads = r->downloads, .item_share = NAN, .share = NAN, .value = NAN);
	CONC_ROW(.figure = "without_count", .name = "Without a download count", .has_items = 1,
		 .items = r->count - r->counted, .item_share = engine_share(r->count - r->counted, r->count),
		 .share = NAN, .value = NAN);
	for (int i = 0; i < ENG_TOP_N; i++) {
		snprintf(fig[i][0], sizeof fig[i][0], "top_%u", eng_top_n[i]);
		snprintf(fig[i][1], sizeof fig[i][1], "Top %u", eng_top_n[i]);
		CONC_ROW(.figure = fig[i][0], .name = fig[i][1], .has_items = 1,
			 .items = eng_top_n[i] < r->counted ? eng_top_n[i] : r->counted,
			 .item_share = known ? (double)(eng_top_n[i] < r->counted ? eng_top_n[i] : r->counted) /
						       (double)r->counted : NAN,
			 .has_dl = !isnan(r->top_share[i]), .downloads = r->top_downloads[i],
			 .share = r->top_share[i], .value = NAN);
	}
	CONC_ROW(.figure = "under_200", .name = "Under 200 downloads", .has_items = !isnan(r->under_share),
		 .items = r->under_count, .item_share = r->under_share, .share = NAN, .value = NAN);
	CONC_ROW(.figure = "gini", .name = "Gini coefficient", .item_share = NAN, .share = NAN, .value = r->gini);
	CONC_ROW(.figure = "half", .name = "Items holding 50% of downloads", .has_items = cf.known,
		 .items = cf.half_items, .item_share = cf.half_share, .share = NAN, .value = NAN);
	CONC_ROW(.figure = "median", .name = "Median downloads per item", .has_dl = cf.known,
		 .downloads = cf.median, .item_share = NAN, .share = NAN, .value = NAN);
	for (int p = 0; p <= ENG_LORENZ; p++) {
		char *f = fig[ENG_TOP_N + p][0], *nm = fig[ENG_TOP_N + p][1];
		snprintf(f, 32, "lorenz_%d", p);
		snprintf(nm, 32, "Lorenz: bottom %d%%", p);
		CONC_ROW(.figure = f, .name = nm, .item_share = (double)p / ENG_LORENZ,
			 .share = r->partial ? NAN : r->lorenz[p], .value = NAN);
	}
#undef CONC_ROW
	return rows;
}

/* The export names: the explorer's panes, then the engine's rankings. */
static const struct export_name {
	const char *name;
	enum export_view view;
	enum eng_pane pane;
} export_names[] = {
	{ "models", EXPORT_RANKING, PANE_MODELS },
	{ "datasets", EXPORT_RANKING, PANE_DATASETS },
	{ "regions", EXPORT_RANKING, PANE_COUNTRIES },
	{ "orgs", EXPORT_RANKING, PANE_ORGS },
	{ "trends", EXPORT_TRENDS, PANE_YEARS },
	{ "concentration", EXPORT_CONCENTRATION, PANE_MODELS },
	{ "countries", EXPORT_RANKING, PANE_COUNTRIES },
	{ "groups", EXPORT_RANKING, PANE_GROUPS },
	{ "org-types", EXPORT_RANKING, PANE_ORGTYPES },
	{ "tasks", EXPORT_RANKING, PANE_TASKS },
	{ "libraries", EXPORT_RANKING, PANE_LIBRARIES },
	{ "years", EXPORT_RANKING, PANE_YEARS },
};

const char *export_req_name(const struct export_req *q)
{
	if (q->movers)
		return "movers";
	if (q->dim)
		return export_dim_key(q->dim);
	if (q->view == EXPORT_TRENDS)
		return "trends";
	if (q->view == EXPORT_CONCENTRATION)
		return "concentration";
	return engine_pane_key(q->pane);
}

int export_req_find(const char *name, struct export_req *q)
{
	for (size_t i = 0; name && i < sizeof export_names / sizeof export_names[0]; i++)
		if (!strcasecmp(name, export_names[i].name)) {
			q->view = export_names[i].view;
			q->pane = export_names[i].pane;
			return 0;
		}
	return -1;
}

const char *export_req_names(char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof export_names / sizeof export_names[0] && at < len; i++) {
		int w = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", export_names[i].name);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return buf;
}

int export_expand_path(const char *path, char *out, size_t len)
{
	const char *home = getenv("HOME");
	int w;
	if (path[0] == '~' && (path[1] == '/' || !path[1])) {
		if (!home || !*home)
			return -1;
		w = snprintf(out, len, "%s%s", home, path + 1);
	} else {
		w = snprintf(out, len, "%s", path);
	}
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

long export_write(FILE *fp, struct engine *e, const struct eng_result *r, const struct export_req *q)
{
	struct sink k;
	const char *data;
	long rows;
	if (!fp || !e || !r || !q || (unsigned)q->pane >= PANE_COUNT || (unsigned)q->view >= EXPORT_VIEW_COUNT) {
		errno = EINVAL;
		return -1;
	}
	memset(&k, 0, sizeof k);
	if (outbuf_init(&k.o, fp) != 0)
		return -1;
	k.fmt = q->format;
	/* Demo figures must never pass for real ones, even out of context. */
	data = engine_snapshot(e)->meta.demo ? "demo" : "hub";
	if (q->movers)
		rows = write_movers(&k, e, r, q, data);
	else if (q->view == EXPORT_TRENDS)
		rows = write_trends(&k, e, r, q, data);
	else if (q->view == EXPORT_CONCENTRATION)
		rows = write_conc(&k, e, r, data);
	else {
		k.sel = q->columns[0] ? q->columns : NULL;
		if (q->pane == PANE_MODELS || q->pane == PANE_DATASETS)
			rows = write_items(&k, e, r, q, data);
		else
			rows = write_aggregate(&k, e, r, q, data);
	}
	if (outbuf_flush(&k.o) != 0)
		rows = -1;
	outbuf_free(&k.o);
	return rows;
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
	return export_dim_to_path(path, e, r, q->dim, q, err, errlen);
}

/* ---- choosing the columns of a ranking ---------------------------------------- */

/* The columns write_items and write_aggregate write, in order ("@" is
 * the item count, named for q->items); tests/test_export.c checks them
 * against the header written. */
static const char *const cols_items[] = {
	"rank", "id", "author", "attributed_to", "country", "country_group", "org_type", "downloads",
	"downloads_all_time", "likes", "trending", "created", "last_modified", "pipeline_tag", "library",
	"license", "gated", "downloads_30d", "cum_share", "data", NULL
};
static const char *const cols_orgs[] = {
	"rank", "account", "name", "country", "country_group", "org_type", "@", "downloads", "share",
	"accounts", "trending", "likes", "earliest", "cum_share", "data", NULL
};
static const char *const cols_countries[] = {
	"rank", "country", "name", "country_group", "@", "downloads", "share", "count_share", "trending",
	"likes", "earliest", "cum_share", "data", NULL
};
static const char *const cols_keyed[] = {
	"rank", "key", "name", "count", "downloads", "share", "count_share", "trending", "likes", "earliest",
	"cum_share", "data", NULL
};

/* The explorer's titles and the Hub's names for export columns, after
 * export_column_norm. */
static const struct { const char *alias, *name; } col_aliases[] = {
	{ "#", "rank" }, { "ctry", "country" }, { "task", "pipeline_tag" }, { "cum_%", "cum_share" },
	{ "cum", "cum_share" }, { "trend", "trending" }, { "trending_score", "trending" }, { "accts", "accounts" },
	{ "of_models", "count_share" }, { "of_datasets", "count_share" }, { "created_at", "created" },
	{ "lastmodified", "last_modified" },
};

static const char *const *export_cols(const struct export_req *q)
{
	if (q->movers || q->dim || q->view != EXPORT_RANKING)
		return NULL;
	switch (q->pane) {
	case PANE_MODELS: case PANE_DATASETS: return cols_items;
	case PANE_ORGS: return cols_orgs;
	case PANE_COUNTRIES: return cols_countries;
	default: return cols_keyed;
	}
}

size_t export_column_names(const struct export_req *q, const char **names, size_t max)
{
	const char *const *c = export_cols(q);
	size_t n = 0;
	for (; c && c[n] && n < max; n++)
		names[n] = !strcmp(c[n], "@") ? (q->items == HT_DATASETS ? "datasets" : "models") : c[n];
	return n;
}

/* "Org type" -> "org_type": lower case, spaces and '-' as '_', trimmed. */
static void export_column_norm(const char *name, char *out, size_t len)
{
	size_t at = 0;
	while (*name == ' ' || *name == '\t')
		name++;
	for (; *name && at + 1 < len; name++)
		out[at++] = *name == ' ' || *name == '-' ? '_' : (char)tolower((unsigned char)*name);
	while (at && out[at - 1] == '_')
		at--;
	out[at] = '\0';
}

int export_column_find(const struct export_req *q, const char *name, char *out, size_t len)
{
	const char *names[MAX_CELLS];
	size_t n = export_column_names(q, names, MAX_CELLS);
	char k[64];
	export_column_norm(name, k, sizeof k);
	for (size_t i = 0; i < sizeof col_aliases / sizeof col_aliases[0]; i++)
		if (!strcmp(k, col_aliases[i].alias))
			snprintf(k, sizeof k, "%s", col_aliases[i].name);
	if (!n)
		return -1;
	/* The identifying columns (by their name, or "key", the explorer's
	 * title of the Regions' code, or "id") are always there. */
	if (!strcmp(k, names[0]) || !strcmp(k, names[1]) || !strcmp(k, "key") || !strcmp(k, "id") ||
	    !strcmp(k, "data"))
		return 0;
	/* The explorer's share bar of an item has no column of its own. */
	if (!strcmp(k, "share") && (q->pane == PANE_MODELS || q->pane == PANE_DATASETS)) {
		snprintf(out, len, "share");
		return 1;
	}
	for (size_t i = 2; i < n; i++)
		if (!strcmp(k, names[i]) || (count_name(k) && count_name(names[i]))) {
			snprintf(out, len, "%s", names[i]);
			return 1;
		}
	return -1;
}

/* Edit distance of two names, capped at cap + 1. */
static unsigned export_column_distance(const char *a, const char *b, unsigned cap)
{
	unsigned row[64], nb = (unsigned)strlen(b);
	if (nb >= 64)
		return cap + 1;
	for (unsigned j = 0; j <= nb; j++)
		row[j] = j;
	for (unsigned i = 1; a[i - 1]; i++) {
		unsigned diag = row[0], best;
		row[0] = best = i;
		for (unsigned j = 1; j <= nb; j++) {
			unsigned up = row[j];
			unsigned v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[nb];
}

int export_columns_set(struct export_req *q, const char *list, char *err, size_t errlen)
{
	const char *names[MAX_CELLS];
	size_t n = export_column_names(q, names, MAX_CELLS), at = 0;
	char out[sizeof q->columns];
	const char *p = list ? list : "";
	out[0] = '\0';
	if (!*p) {
		q->columns[0] = '\0';
		return 0;
	}
	if (!n) {
		snprintf(err, errlen, "the columns of %s cannot be chosen (only those of models, datasets, "
			 "regions, orgs and the other rankings)", export_req_name(q));
		return -1;
	}
	while (*p) {
		char name[64], col[40], k[64];
		size_t len = strcspn(p, ",");
		int rc;
		size_t skip = strspn(p, " \t"), end;
		snprintf(name, sizeof name, "%.*s", (int)(len - skip < 63 ? len - skip : 63), p + skip);
		p += len + (p[len] == ',');
		for (end = strlen(name); end && (name[end - 1] == ' ' || name[end - 1] == '\t'); end--)
			name[end - 1] = '\0';
		export_column_norm(name, k, sizeof k);
		if (!k[0])
			continue;
		rc = export_column_find(q, name, col, sizeof col);
		if (rc < 0) {
			/* The closest names first: did you mean. */
			const char *best[2] = { NULL, NULL };
			unsigned bd[2] = { 4, 4 };
			size_t w;
			for (size_t i = 0; i < n; i++) {
				unsigned d = export_column_distance(k, names[i], 3);
				if (d < bd[0]) {
					best[1] = best[0], bd[1] = bd[0];
					best[0] = names[i], bd[0] = d;
				} else if (d < bd[1]) {
					best[1] = names[i], bd[1] = d;
				}
			}
			w = (size_t)snprintf(err, errlen, "unknown column '%s' for %s", name, export_req_name(q));
			if (best[0] && w < errlen)
				w += (size_t)snprintf(err + w, errlen - w, " (did you mean '%s'%s%s%s?)", best[0],
						      best[1] ? " or '" : "", best[1] ? best[1] : "", best[1] ? "'" : "");
			for (size_t i = 0; i < n && w < errlen; i++)
				w += (size_t)snprintf(err + w, errlen - w, "%s%s", i ? ", " : "; its columns: ", names[i]);
			return -1;
		}
		if (rc == 0)
			continue;
		/* Once each. */
		int dup = 0;
		for (const char *o = out; *o && !dup;) {
			size_t l = strcspn(o, ",");
			dup = l == strlen(col) && !strncmp(o, col, l);
			o += l + (o[l] == ',');
		}
		if (dup)
			continue;
		if (at + strlen(col) + 2 > sizeof out) {
			snprintf(err, errlen, "too many columns in '%.60s...'", list);
			return -1;
		}
		at += (size_t)snprintf(out + at, sizeof out - at, "%s%s", at ? "," : "", col);
	}
	/* Only identifying columns: they alone, not every column. */
	snprintf(q->columns, sizeof q->columns, "%s", at ? out : "rank");
	return 0;
}

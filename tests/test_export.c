/* test_export.c - export_write checked by reading its output back: a strict
 * RFC 4180 reader (written here), a TSV splitter and cJSON for JSON Lines.
 * Headers against the columns documented in docs/export.md, every value
 * against a brute-force computation on random tables, every pane, sort key,
 * direction and limit; formula neutralisation, control characters, the demo
 * marker, and atomic writes to a path. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "testutil.h"
#include "hubtop/engine.h"
#include "hubtop/export.h"
#include "hubtop/filter.h"
#include "hubtop/orgdir.h"
#include "hubtop/safetext.h"
#include "engine_fixture.h"

/* ---- a table of strings ---------------------------------------------------- */

struct tab {
	size_t rows, cols; /* rows includes the header row when there is one */
	char **cell;       /* rows * cols, row-major */
	size_t cap;
};

static void tab_free(struct tab *t)
{
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

static const char *tab_at(const struct tab *t, size_t r, size_t c)
{
	assert_true(r < t->rows && c < t->cols);
	return t->cell[r * t->cols + c];
}

/* Cells of the record being read, then appended to the table. */
struct rec {
	char **f;
	size_t n, cap;
};

static void rec_add(struct rec *r, const char *s, size_t len)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->f = realloc(r->f, r->cap * sizeof *r->f);
		assert_non_null(r->f);
	}
	r->f[r->n] = malloc(len + 1);
	assert_non_null(r->f[r->n]);
	memcpy(r->f[r->n], s, len);
	r->f[r->n][len] = '\0';
	r->n++;
}

/* Appends the record; -1 when its field count differs from the first's. */
static int tab_add_rec(struct tab *t, struct rec *r)
{
	if (t->rows == 0)
		t->cols = r->n;
	else if (r->n != t->cols)
		return -1;
	if ((t->rows + 1) * t->cols > t->cap) {
		t->cap = 2 * (t->rows + 1) * (t->cols ? t->cols : 1);
		t->cell = realloc(t->cell, t->cap * sizeof *t->cell);
		assert_non_null(t->cell);
	}
	memcpy(t->cell + t->rows * t->cols, r->f, r->n * sizeof *r->f);
	t->rows++;
	r->n = 0;
	return 0;
}

static void rec_clear(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	memset(r, 0, sizeof *r);
}

/* Valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF). */
static int utf8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i], need, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned j = 1; j <= need; j++) {
			if (i + j >= n || (p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* ---- the strict CSV reader ------------------------------------------------- */

/* RFC 4180, strictly: UTF-8 without BOM; records end with CRLF (the last one
 * too); a quoted field may hold commas, CR, LF and doubled quotes, and must be
 * followed by a comma or the end of the record; an unquoted field holds no
 * quote, CR or LF; every record has the header's field count.  0 ok, -1 with
 * a reason in err. */
static int csv_read(const char *buf, size_t len, struct tab *t, char *err, size_t errlen)
{
	struct rec r = { 0 };
	size_t i = 0, line = 1;
	char *field = malloc(len + 1);
	memset(t, 0, sizeof *t);
	assert_non_null(field);
#define CSV_FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		CSV_FAIL("byte-order mark");
	if (!utf8_valid((const unsigned char *)buf, len))
		CSV_FAIL("not UTF-8");
	if (len && (len < 2 || buf[len - 2] != '\r' || buf[len - 1] != '\n'))
		CSV_FAIL("last record does not end with CRLF");
	while (i < len) {
		size_t fl = 0;
		if (buf[i] == '"') {
			i++;
			for (;;) {
				if (i >= len)
					CSV_FAIL("line %zu: unterminated quoted field", line);
				if (buf[i] == '"') {
					if (i + 1 < len && buf[i + 1] == '"') {
						field[fl++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (buf[i] == '\n')
					line++;
				field[fl++] = buf[i++];
			}
			if (i < len && buf[i] != ',' && buf[i] != '\r')
				CSV_FAIL("line %zu: text after a closing quote", line);
		} else {
			while (i < len && buf[i] != ',' && buf[i] != '\r') {
				if (buf[i] == '"')
					CSV_FAIL("line %zu: quote inside an unquoted field", line);
				if (buf[i] == '\n')
					CSV_FAIL("line %zu: bare LF", line);
				field[fl++] = buf[i++];
			}
		}
		rec_add(&r, field, fl);
		if (i < len && buf[i] == ',') {
			i++;
			if (i == len)
				CSV_FAIL("line %zu: comma at the end of the input", line);
			continue;
		}
		if (i + 1 >= len || buf[i] != '\r' || buf[i + 1] != '\n')
			CSV_FAIL("line %zu: CR without LF", line);
		i += 2;
		if (tab_add_rec(t, &r))
			CSV_FAIL("line %zu: %zu fields, the header has %zu", line, r.n, t->cols);
		line++;
	}
#undef CSV_FAIL
	free(field);
	rec_clear(&r);
	return 0;
fail:
	free(field);
	rec_clear(&r);
	tab_free(t);
	return -1;
}

/* TSV: LF line ends, fields split on TAB, no CR anywhere, equal field counts. */
static int tsv_read(const char *buf, size_t len, struct tab *t, char *err, size_t errlen)
{
	struct rec r = { 0 };
	size_t i = 0;
	memset(t, 0, sizeof *t);
	if (len && buf[len - 1] != '\n') {
		snprintf(err, errlen, "last line does not end with LF");
		return -1;
	}
	if (memchr(buf, '\r', len)) {
		snprintf(err, errlen, "CR in TSV");
		return -1;
	}
	while (i < len) {
		size_t s = i;
		while (buf[i] != '\t' && buf[i] != '\n')
			i++;
		rec_add(&r, buf + s, i - s);
		if (buf[i++] == '\n' && tab_add_rec(t, &r)) {
			snprintf(err, errlen, "record %zu: %zu fields, the header has %zu", t->rows + 1, r.n,
				 t->cols);
			rec_clear(&r);
			tab_free(t);
			return -1;
		}
	}
	rec_clear(&r);
	return 0;
}

static void test_csv_reader(void **state)
{
	static const struct {
		const char *in;
		int ok;
		size_t rows, cols;
		const char *cell11; /* row 1, column 1 when ok */
	} cases[] = {
		{ "a,b\r\n1,2\r\n", 1, 2, 2, "2" },
		{ "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n", 1, 2, 2, "say \"hi\"" },
		{ "a,b\r\n\"1\r\n2\",\"3\n4,\"\r\n", 1, 2, 2, "3\n4," },
		{ "a,b\r\n,\r\n", 1, 2, 2, "" },
		{ "a,b\r\n\"\",\"\"\r\n", 1, 2, 2, "" },
		{ "a\r\n\xc3\xa9\r\n", 1, 2, 1, NULL },
		{ "", 1, 0, 0, NULL },
		{ "a,b\r\n1,2", 0, 0, 0, NULL },          /* no final CRLF */
		{ "a,b\n1,2\n", 0, 0, 0, NULL },          /* LF line ends */
		{ "a,b\r\n1,2,3\r\n", 0, 0, 0, NULL },    /* field count */
		{ "a,b\r\n1\r\n", 0, 0, 0, NULL },
		{ "a,b\r\n1\"x,2\r\n", 0, 0, 0, NULL },   /* quote in unquoted field */
		{ "a,b\r\n\"1\"x,2\r\n", 0, 0, 0, NULL }, /* text after closing quote */
		{ "a,b\r\n\"1,2\r\n", 0, 0, 0, NULL },    /* unterminated */
		{ "\xef\xbb\xbf" "a,b\r\n1,2\r\n", 0, 0, 0, NULL },
		{ "a,b\r\n1\r2,3\r\n", 0, 0, 0, NULL },   /* CR without LF */
		{ "a,b\r\n\xff,2\r\n", 0, 0, 0, NULL },   /* not UTF-8 */
		{ "a,b\r\n\xc3,2\r\n", 0, 0, 0, NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tab t;
		char err[256];
		int rc = csv_read(cases[i].in, strlen(cases[i].in), &t, err, sizeof err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("case %zu: %s", i, rc ? err : "accepted");
		if (rc)
			continue;
		assert_int_equal(t.rows, cases[i].rows);
		assert_int_equal(t.cols, cases[i].cols);
		if (cases[i].cell11)
			assert_string_equal(tab_at(&t, 1, 1), cases[i].cell11);
		tab_free(&t);
	}
}

/* ---- export_csv_field -------------------------------------------------------- */

static char *field_out(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(export_csv_field(fp, s), 0);
	fclose(fp);
	return buf;
}

static void test_csv_field(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "=1+2", "'=1+2" },
		{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "+cmd", "'+cmd" },
		{ "-2", "'-2" },
		{ "@SUM(A1:A2)", "'@SUM(A1:A2)" },
		{ "\t=1", "' =1" },
		{ "\r=1", "' =1" },
		{ "a,b", "\"a,b\"" },
		{ "=a,b", "\"'=a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "a\nb", "a b" },
		{ "a\r\nb", "a  b" },
		{ "\x01\x1f\x7f", "   " },
		{ "\x1b[31mred", " [31mred" },
		{ "1=2", "1=2" },
		{ "a-b", "a-b" },
		{ "caf\xc3\xa9 \xe4\xb8\xad", "caf\xc3\xa9 \xe4\xb8\xad" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = field_out(cases[i].in);
		if (strcmp(got, cases[i].out))
			fail_msg("export_csv_field(\"%s\") = \"%s\", want \"%s\"", cases[i].in, got, cases[i].out);
		free(got);
	}
	{
		char *got = field_out(NULL);
		assert_string_equal(got, "");
		free(got);
	}
	/* Every single-byte start: neutralised exactly when risky, never a control byte out. */
	for (int c = 1; c < 256; c++) {
		char in[3] = { (char)c, 'x', 0 }, *got = field_out(in);
		int risky = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
		for (const char *p = got; *p; p++)
			assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
		assert_int_equal(got[0] == '\'' || (got[0] == '"' && got[1] == '\''), risky || c == '\'');
		free(got);
	}
}

/* ---- docs/export.md ------------------------------------------------------------ */

#define MAX_COLS 24
struct doc_cols {
	char panes[128];
	char name[MAX_COLS][40];
	char type[MAX_COLS][16];
	size_t n;
};
static struct doc_cols doc[16];
static size_t n_doc;

static void load_doc(void)
{
	const char *src = getenv("HUBTOP_SRCDIR");
	char path[1024], line[2048];
	int in_columns = 0;
	FILE *fp;
	if (n_doc)
		return;
	if (src && *src) {
		snprintf(path, sizeof path, "%s/docs/export.md", src);
	} else {
		/* Out of the test harness: next to this source file. */
		const char *f = __FILE__, *slash = strrchr(f, '/');
		snprintf(path, sizeof path, "%.*s../docs/export.md", slash ? (int)(slash - f + 1) : 0, f);
	}
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot read %s (set HUBTOP_SRCDIR): %s", path, strerror(errno));
	while (fgets(line, sizeof line, fp)) {
		if (!strncmp(line, "## ", 3))
			in_columns = !strncmp(line, "## Columns", 10);
		if (!in_columns)
			continue;
		if (!strncmp(line, "### ", 4)) {
			assert_true(n_doc < 16);
			snprintf(doc[n_doc].panes, sizeof doc[n_doc].panes, "%.127s", line + 4);
			doc[n_doc].panes[strcspn(doc[n_doc].panes, "\n")] = '\0';
			n_doc++;
		} else if (!strncmp(line, "| `", 3) && n_doc) {
			struct doc_cols *d = &doc[n_doc - 1];
			char *name = line + 3, *end = strchr(name, '`'), *type, *tend;
			assert_non_null(end);
			assert_true(d->n < MAX_COLS);
			*end = '\0';
			snprintf(d->name[d->n], sizeof d->name[0], "%.39s", name);
			type = strchr(end + 1, '|');
			assert_non_null(type);
			type++;
			while (*type == ' ')
				type++;
			tend = strchr(type, '|');
			assert_non_null(tend);
			while (tend > type && tend[-1] == ' ')
				tend--;
			snprintf(d->type[d->n], sizeof d->type[0], "%.*s", (int)(tend - type), type);
			d->n++;
		}
	}
	fclose(fp);
	assert_true(n_doc >= 4);
}

/* The documented columns of a pane (the items column named for the kind). */
static const struct doc_cols *doc_for(enum eng_pane pane, enum ht_kind kind, struct doc_cols *out)
{
	const char *key = engine_pane_key(pane);
	load_doc();
	for (size_t i = 0; i < n_doc; i++) {
		char list[160], *tok, *save = NULL;
		snprintf(list, sizeof list, "%.159s", doc[i].panes);
		for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			if (strcmp(tok, key))
				continue;
			*out = doc[i];
			for (size_t c = 0; c < out->n; c++)
				if (kind == HT_DATASETS && !strcmp(out->name[c], "models"))
					snprintf(out->name[c], sizeof out->name[c], "datasets");
			return out;
		}
	}
	fail_msg("docs/export.md documents no columns for pane %s", key);
	return NULL;
}

static void test_doc_columns(void **state)
{
	static const char *const models_need[] = { "id", "author", "country", "org_type", "downloads",
						   "downloads_all_time", "likes", "created", "pipeline_tag",
						   "library", "data", NULL };
	static const char *const orgs_want[] = { "rank", "account", "name", "country", "country_group",
						 "org_type", "models", "downloads", "share", "accounts", "trending",
						 "likes", "earliest", "cum_share", "data", NULL };
	struct doc_cols d;
	(void)state;
	for (int p = 0; p < PANE_COUNT; p++) {
		doc_for((enum eng_pane)p, HT_MODELS, &d);
		assert_string_equal(d.name[d.n - 1], "data");
		for (size_t c = 0; c < d.n; c++) {
			const char *t = d.type[c];
			if (strcmp(t, "integer") && strcmp(t, "share") && strcmp(t, "text") && strcmp(t, "date"))
				fail_msg("docs/export.md: column %s has type '%s'", d.name[c], t);
			for (const char *q = d.name[c]; *q; q++)
				/* lower_snake_case: letters, digits (downloads_30d), '_' */
				assert_true(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_');
			assert_true(islower((unsigned char)d.name[c][0]));
		}
	}
	doc_for(PANE_MODELS, HT_MODELS, &d);
	for (int i = 0; models_need[i]; i++) {
		size_t c = 0;
		while (c < d.n && strcmp(d.name[c], models_need[i]))
			c++;
		if (c == d.n)
			fail_msg("docs/export.md: models lack %s", models_need[i]);
	}
	doc_for(PANE_ORGS, HT_MODELS, &d);
	for (size_t c = 0; orgs_want[c] || c < d.n; c++) {
		assert_non_null(orgs_want[c]);
		assert_true(c < d.n);
		assert_string_equal(d.name[c], orgs_want[c]);
	}
}

/* ---- output of export_write ---------------------------------------------------- */

static char *export_mem(struct engine *e, const struct eng_result *r, const struct export_req *q,
			long *rows, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	assert_non_null(fp);
	*rows = export_write(fp, e, r, q);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* What a cell should be: the text with control characters as spaces, and
 * whether its start is risky (a quote is then prefixed in CSV and TSV). */
struct want {
	char text[4096];
	int risky;
	int is_share;
	double share;
};

static void want_text(struct want *w, const char *s)
{
	size_t j = 0;
	memset(w, 0, sizeof *w);
	w->risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	for (; s[j] && j < sizeof w->text - 1; j++)
		w->text[j] = (unsigned char)s[j] < 0x20 || s[j] == 0x7f ? ' ' : s[j];
	w->text[j] = '\0';
}

static void want_uint(struct want *w, uint64_t v)
{
	memset(w, 0, sizeof *w);
	snprintf(w->text, sizeof w->text, "%llu", (unsigned long long)v);
}

static void want_time(struct want *w, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	memset(w, 0, sizeof *w);
	if (t > 0) {
		assert_non_null(gmtime_r(&tt, &tm));
		strftime(w->text, sizeof w->text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
}

static void want_share(struct want *w, uint64_t part, uint64_t whole)
{
	memset(w, 0, sizeof *w);
	w->is_share = 1;
	/* A share of nothing is unknown: an empty field, null in JSON. */
	w->share = whole ? (double)part / (double)whole : NAN;
}

/* A count that may be unknown: empty when it is. */
static void want_count(struct want *w, uint64_t v, int known)
{
	memset(w, 0, sizeof *w);
	if (known)
		snprintf(w->text, sizeof w->text, "%llu", (unsigned long long)v);
}

/* The denominator of a pane's "share" under --of: all downloads, or those
 * whose country (group, type) is known; NAN-making 0 for the unknown key. */
static uint64_t share_den(const struct eng_result *r, enum eng_pane pane, uint32_t key, uint64_t total_dl)
{
	if (r->filter.of != OF_ATTRIBUTED)
		return total_dl;
	switch (pane) {
	case PANE_COUNTRIES: return key == COUNTRY_UNKNOWN ? 0 : total_dl - r->by_country[COUNTRY_UNKNOWN].downloads;
	case PANE_GROUPS: return key == CG_UNKNOWN ? 0 : total_dl - r->by_group[CG_UNKNOWN].downloads;
	case PANE_ORGTYPES: return key == OT_UNKNOWN_ORG ? 0 : total_dl - r->by_type[OT_UNKNOWN_ORG].downloads;
	default: return total_dl;
	}
}

static const char *gated_of(uint8_t flags)
{
	return !(flags & HT_F_GATED) ? "no" : flags & HT_F_GATED_MAN ? "manual" : "auto";
}

/* Brute-force rows of an item pane, in the export's order. */
static uint32_t *bf_items(const struct ht_snapshot *s, const struct attrib *a, const struct eng_result *r,
			  enum eng_sort sort, int desc, size_t *n)
{
	const struct ht_table *t = &s->t[r->kind];
	uint32_t *rows = malloc(((size_t)t->n + 1) * sizeof *rows);
	size_t m = 0;
	assert_non_null(rows);
	for (uint32_t row = 0; row < t->n; row++)
		if (bf_match(s, a, &r->filter, r->kind, row))
			rows[m++] = row;
	bf_c.s = s;
	bf_c.k = r->kind;
	bf_c.window = r->filter.window;
	bf_c.sort = sort;
	qsort(rows, m, sizeof *rows, bf_cmp_sort);
	if (!desc)
		for (size_t i = 0; i < m / 2; i++) {
			uint32_t x = rows[i];
			rows[i] = rows[m - 1 - i];
			rows[m - 1 - i] = x;
		}
	*n = m;
	return rows;
}

/* Brute-force rows of an aggregate pane, in the export's order. */
static struct bf_row *bf_aggs(const struct ht_snapshot *s, const struct attrib *a, const struct eng_result *r,
			      enum eng_pane pane, enum eng_sort sort, int desc, size_t *n, uint64_t *total_dl,
			      uint64_t *total_n)
{
	const struct ht_table *t = &s->t[r->kind];
	const struct filter *f = &r->filter;
	uint32_t nk = pane == PANE_ORGS ? a->n_accounts : pane == PANE_COUNTRIES ? country_count()
		: pane == PANE_GROUPS ? CG_COUNT : pane == PANE_ORGTYPES ? OT_COUNT
		: pane == PANE_YEARS ? ENG_YEARS : s->n_terms;
	struct bf_row *agg = calloc(nk, sizeof *agg), *list = calloc(nk + 1, sizeof *list);
	static char ylab[ENG_YEARS][16];
	size_t m = 0;
	assert_non_null(agg);
	assert_non_null(list);
	*total_dl = *total_n = 0;
	for (uint32_t i = 0; i < nk; i++) {
		agg[i].key = i;
		agg[i].created = INT64_MAX;
	}
	for (uint32_t row = 0; row < t->n; row++) {
		uint32_t ac, key;
		uint64_t dl;
		if (!bf_match(s, a, f, r->kind, row))
			continue;
		ac = a->item_acct[r->kind][f->by][row];
		dl = f->window == WIN_ALL ? t->downloads_all[row] : t->downloads[row];
		switch (pane) {
		case PANE_ORGS: key = f->level == LEVEL_ACCOUNT ? ac : a->acct_org[ac]; break;
		case PANE_COUNTRIES: key = a->acct_country[ac]; break;
		case PANE_GROUPS: key = a->acct_group[ac]; break;
		case PANE_ORGTYPES: key = a->acct_type[ac]; break;
		case PANE_YEARS: key = bf_year(t->created[row]); break;
		case PANE_TASKS: key = t->pipeline[row]; break;
		default: key = t->library[row]; break;
		}
		agg[key].count++;
		agg[key].downloads += dl;
		agg[key].likes += t->likes[row];
		agg[key].trending += t->trending[row];
		if (t->created[row] > 0 && t->created[row] < agg[key].created)
			agg[key].created = t->created[row];
		*total_dl += dl;
		(*total_n)++;
	}
	for (uint32_t i = 0; i < nk; i++) {
		int always = (pane == PANE_COUNTRIES && i == COUNTRY_UNKNOWN) ||
			     (pane == PANE_GROUPS && i == CG_UNKNOWN) ||
			     (pane == PANE_ORGTYPES && (i == OT_INDEPENDENT || i == OT_UNKNOWN_ORG));
		if (!agg[i].count && !always)
			continue;
		list[m] = agg[i];
		if (list[m].created == INT64_MAX)
			list[m].created = 0;
		switch (pane) {
		case PANE_ORGS: list[m].label = a->acct_name[i]; break;
		case PANE_COUNTRIES: list[m].label = i ? country_code(i) : "unknown"; break;
		case PANE_GROUPS: list[m].label = country_group_key((enum country_group)i); break;
		case PANE_ORGTYPES: list[m].label = orgdir_type_key((enum org_type)i); break;
		case PANE_YEARS:
			engine_year_label(i, ylab[i], sizeof ylab[i]);
			list[m].label = ylab[i];
			break;
		default: list[m].label = ht_term(s, i); break;
		}
		m++;
	}
	bf_rank_sort = sort;
	qsort(list, m, sizeof *list, bf_cmp_rank);
	if (!desc)
		for (size_t i = 0; i < m / 2; i++) {
			struct bf_row x = list[i];
			list[i] = list[m - 1 - i];
			list[m - 1 - i] = x;
		}
	free(agg);
	*n = m;
	return list;
}

/* The expected cells of one data row (i from 0), in the documented order. */
static size_t want_row(const struct ht_snapshot *s, const struct attrib *a, const struct eng_result *r,
		       enum eng_pane pane, size_t i, const uint32_t *items, const struct bf_row *aggs,
		       uint64_t total_dl, uint64_t total_n, struct want *w)
{
	const struct ht_table *t = &s->t[r->kind];
	const char *data = s->meta.demo ? "demo" : "hub";
	size_t n = 0;
	want_uint(&w[n++], i + 1);
	if (pane == PANE_MODELS || pane == PANE_DATASETS) {
		uint32_t row = items[i], ac = a->item_acct[r->kind][r->filter.by][row];
		want_text(&w[n++], ht_id(s, r->kind, row));
		want_text(&w[n++], ht_author(s, r->kind, row));
		want_text(&w[n++], a->acct_name[ac]);
		want_text(&w[n++], a->acct_country[ac] ? country_code(a->acct_country[ac]) : "unknown");
		want_text(&w[n++], country_group_key((enum country_group)a->acct_group[ac]));
		want_text(&w[n++], orgdir_type_key((enum org_type)a->acct_type[ac]));
		uint64_t cum = 0;
		/* downloads: the filter's window; downloads_30d: the last 30 days. */
		want_count(&w[n++], r->filter.window == WIN_ALL ? t->downloads_all[row] : t->downloads[row],
			   bf_known(s, r->kind, r->filter.window, row));
		want_count(&w[n++], t->downloads_all[row], bf_known(s, r->kind, WIN_ALL, row));
		want_uint(&w[n++], t->likes[row]);
		want_uint(&w[n++], t->trending[row]);
		want_time(&w[n++], t->created[row]);
		want_time(&w[n++], t->modified[row]);
		want_text(&w[n++], ht_term(s, t->pipeline[row]));
		want_text(&w[n++], ht_term(s, t->library[row]));
		want_text(&w[n++], ht_term(s, t->license[row]));
		want_text(&w[n++], gated_of(t->flags[row]));
		want_count(&w[n++], t->downloads[row], !(t->flags[row] & HT_F_DL_UNKNOWN));
		for (size_t j = 0; j <= i; j++)
			if (bf_known(s, r->kind, r->filter.window, items[j]))
				cum += r->filter.window == WIN_ALL ? t->downloads_all[items[j]] : t->downloads[items[j]];
		want_share(&w[n++], cum, r->downloads);
	} else {
		const struct bf_row *g = &aggs[i];
		uint32_t k = g->key;
		switch (pane) {
		case PANE_ORGS:
			want_text(&w[n++], a->acct_name[k]);
			want_text(&w[n++], a->acct_name[k]); /* no directory: the name is the account */
			want_text(&w[n++], a->acct_country[k] ? country_code(a->acct_country[k]) : "unknown");
			want_text(&w[n++], country_group_key((enum country_group)a->acct_group[k]));
			want_text(&w[n++], orgdir_type_key((enum org_type)a->acct_type[k]));
			want_uint(&w[n++], g->count);
			want_uint(&w[n++], g->downloads);
			want_share(&w[n++], g->downloads, total_dl);
			want_uint(&w[n++], r->filter.level == LEVEL_ACCOUNT ? 1
					   : bf_org_accounts(s, a, r->kind, r->filter.by, k));
			break;
		case PANE_COUNTRIES:
			want_text(&w[n++], k ? country_code(k) : "unknown");
			want_text(&w[n++], country_name(k));
			want_text(&w[n++], country_group_key(country_group_of(k)));
			want_uint(&w[n++], g->count);
			want_uint(&w[n++], g->downloads);
			want_share(&w[n++], g->downloads, share_den(r, pane, k, total_dl));
			want_share(&w[n++], g->count, total_n);
			break;
		default:
			want_text(&w[n++], g->label);
			switch (pane) {
			case PANE_GROUPS: want_text(&w[n++], country_group_name((enum country_group)k)); break;
			case PANE_ORGTYPES: want_text(&w[n++], orgdir_type_name((enum org_type)k)); break;
			case PANE_TASKS: want_text(&w[n++], k ? g->label : "(no task)"); break;
			case PANE_LIBRARIES: want_text(&w[n++], k ? g->label : "(no library)"); break;
			default: want_text(&w[n++], g->label); break;
			}
			want_uint(&w[n++], g->count);
			want_uint(&w[n++], g->downloads);
			want_share(&w[n++], g->downloads, share_den(r, pane, k, total_dl));
			want_share(&w[n++], g->count, total_n);
			break;
		}
		want_uint(&w[n++], g->trending);
		want_uint(&w[n++], g->likes);
		want_time(&w[n++], g->created);
		/* cum_share: the shares of the rows so far (an unknown share adds nothing). */
		{
			double cum = 0;
			for (size_t j = 0; j <= i; j++) {
				uint64_t den = share_den(r, pane, aggs[j].key, total_dl);
				if (den)
					cum += (double)aggs[j].downloads / (double)den;
			}
			w[n].is_share = 1;
			w[n].share = cum;
			n++;
		}
	}
	want_text(&w[n++], data);
	return n;
}

static void check_cell(const char *got, const struct want *w, const char *col, size_t row, const char *fmt)
{
	if (w->is_share && isnan(w->share)) {
		if (*got)
			fail_msg("%s row %zu %s: '%s', want an empty field (n/a)", fmt, row, col, got);
		return;
	}
	if (w->is_share) {
		char *end;
		double v = strtod(got, &end);
		if (*end || !*got || fabs(v - w->share) > 5.1e-7 || v < 0 || v > 1)
			fail_msg("%s row %zu %s: '%s', want %.9f", fmt, row, col, got, w->share);
		/* six decimals, digits only */
		assert_int_equal(strlen(got), 8);
		return;
	}
	if (w->risky ? (got[0] != '\'' || strcmp(got + 1, w->text)) : strcmp(got, w->text) != 0)
		fail_msg("%s row %zu %s: '%s', want %s'%s'", fmt, row, col, got, w->risky ? "'+" : "", w->text);
}

/* Runs one export in every format and checks it against the brute force. */
static void check_export(struct engine *e, const struct ht_snapshot *s, const struct attrib *a,
			 const struct eng_result *r, enum eng_pane pane, enum eng_sort sort, int desc,
			 size_t limit, int all_formats)
{
	struct export_req q;
	struct doc_cols d;
	uint32_t *items = NULL;
	struct bf_row *aggs = NULL;
	uint64_t total_dl = 0, total_n = 0;
	size_t n_all, n, len;
	long rows;
	char *out, err[256];
	struct tab csv, tsv;
	struct want *w = calloc(MAX_COLS, sizeof *w);
	assert_non_null(w);
	memset(&q, 0, sizeof q);
	q.pane = pane;
	q.items = r->kind;
	q.sort = sort;
	q.desc = desc;
	q.limit = limit;
	doc_for(pane, r->kind, &d);
	if (pane == PANE_MODELS || pane == PANE_DATASETS)
		items = bf_items(s, a, r, sort, desc, &n_all);
	else
		aggs = bf_aggs(s, a, r, pane, sort, desc, &n_all, &total_dl, &total_n);
	n = limit && limit < n_all ? limit : n_all;

	/* CSV */
	q.format = EXPORT_CSV;
	out = export_mem(e, r, &q, &rows, &len);
	assert_int_equal(rows, (long)n);
	if (csv_read(out, len, &csv, err, sizeof err))
		fail_msg("%s export is not strict CSV: %s", engine_pane_key(pane), err);
	assert_int_equal(csv.rows, n + 1);
	assert_int_equal(csv.cols, d.n);
	for (size_t c = 0; c < d.n; c++)
		assert_string_equal(tab_at(&csv, 0, c), d.name[c]);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)out[i];
		if (ch == '\r')
			assert_true(i + 1 < len && out[i + 1] == '\n');
		else if (ch == '\n')
			assert_true(i && out[i - 1] == '\r');
		else
			assert_false(ch < 0x20 || ch == 0x7f);
	}
	for (size_t i = 0; i < n; i++) {
		size_t nc = want_row(s, a, r, pane, i, items, aggs, total_dl, total_n, w);
		assert_int_equal(nc, d.n);
		for (size_t c = 0; c < d.n; c++) {
			if (!strcmp(d.type[c], "integer")) {
				const char *v = tab_at(&csv, i + 1, c);
				assert_true(*v || !w[c].text[0]); /* empty: unknown */
				for (; *v; v++)
					assert_true(isdigit((unsigned char)*v));
			}
			assert_int_equal(!strcmp(d.type[c], "share"), w[c].is_share);
			check_cell(tab_at(&csv, i + 1, c), &w[c], d.name[c], i + 1, "csv");
		}
	}
	free(out);

	if (all_formats) {
		/* TSV: the same cells. */
		q.format = EXPORT_TSV;
		out = export_mem(e, r, &q, &rows, &len);
		assert_int_equal(rows, (long)n);
		if (tsv_read(out, len, &tsv, err, sizeof err))
			fail_msg("%s export is not clean TSV: %s", engine_pane_key(pane), err);
		assert_int_equal(tsv.rows, csv.rows);
		assert_int_equal(tsv.cols, csv.cols);
		for (size_t i = 0; i < len; i++)
			assert_false(((unsigned char)out[i] < 0x20 && out[i] != '\t' && out[i] != '\n') ||
				     out[i] == 0x7f);
		for (size_t i = 0; i < csv.rows * csv.cols; i++)
			assert_string_equal(tsv.cell[i], csv.cell[i]);
		tab_free(&tsv);
		free(out);

		/* JSON Lines: the same keys in order, numbers as numbers. */
		q.format = EXPORT_JSONL;
		out = export_mem(e, r, &q, &rows, &len);
		assert_int_equal(rows, (long)n);
		assert_true(!len || out[len - 1] == '\n');
		{
			char *line = out, *nl;
			size_t i = 0;
			for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1, i++) {
				cJSON *o, *it;
				size_t c = 0;
				*nl = '\0';
				assert_true(i < n);
				for (const char *p = line; *p; p++)
					assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
				o = cJSON_Parse(line);
				if (!cJSON_IsObject(o))
					fail_msg("jsonl line %zu does not parse: %s", i + 1, line);
				want_row(s, a, r, pane, i, items, aggs, total_dl, total_n, w);
				cJSON_ArrayForEach(it, o) {
					assert_true(c < d.n);
					assert_string_equal(it->string, d.name[c]);
					if (!strcmp(d.type[c], "integer") && !w[c].text[0]) {
						assert_true(cJSON_IsNull(it));
					} else if (!strcmp(d.type[c], "integer")) {
						assert_true(cJSON_IsNumber(it));
						assert_true(it->valuedouble == strtod(w[c].text, NULL));
					} else if (!strcmp(d.type[c], "share") && isnan(w[c].share)) {
						assert_true(cJSON_IsNull(it));
					} else if (!strcmp(d.type[c], "share")) {
						assert_true(cJSON_IsNumber(it));
						FX_NEAR(it->valuedouble, w[c].share);
					} else {
						assert_true(cJSON_IsString(it));
						assert_string_equal(it->valuestring, w[c].text);
					}
					c++;
				}
				assert_int_equal(c, d.n);
				cJSON_Delete(o);
			}
			assert_int_equal(i, n);
			assert_int_equal(*line, '\0');
		}
		free(out);
	}
	/* Unlimited aggregates add up to the filtered total. */
	if (aggs && !limit) {
		uint64_t sum = 0;
		for (size_t i = 0; i < n_all; i++)
			sum += aggs[i].downloads;
		assert_true(sum == total_dl);
		assert_true(total_dl == r->downloads);
	}
	tab_free(&csv);
	free(items);
	free(aggs);
	free(w);
}

static const enum eng_pane all_panes[] = { PANE_MODELS, PANE_DATASETS, PANE_ORGS, PANE_COUNTRIES, PANE_GROUPS,
					   PANE_ORGTYPES, PANE_TASKS, PANE_LIBRARIES, PANE_YEARS };

static void run_panes(struct engine *e, struct ht_snapshot *s, const struct attrib *a, const struct filter *f)
{
	for (size_t p = 0; p < sizeof all_panes / sizeof all_panes[0]; p++) {
		enum eng_pane pane = all_panes[p];
		for (int k = 0; k < HT_KIND_COUNT; k++) {
			enum ht_kind kind = (enum ht_kind)k;
			struct eng_result *r;
			if ((pane == PANE_MODELS && kind != HT_MODELS) || (pane == PANE_DATASETS && kind != HT_DATASETS))
				continue;
			r = engine_apply(e, f, kind);
			assert_non_null(r);
			for (int so = 0; so < SORT_KEY_COUNT; so++)
				for (int desc = 0; desc < 2; desc++) {
					check_export(e, s, a, r, pane, (enum eng_sort)so, desc, 0, so == 0 || so == SORT_NAME);
					check_export(e, s, a, r, pane, (enum eng_sort)so, desc, 1 + fx_below(12), 0);
				}
			engine_result_free(r);
		}
	}
}

static void test_panes_random(void **state)
{
	static const unsigned sizes[][3] = { { 700, 150, 40 }, { 60, 30, 200 }, { 1, 1, 1 }, { 0, 0, 1 } };
	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct ht_snapshot *s = fx_snapshot(sizes[i][0], sizes[i][1], sizes[i][2], 1);
		struct attrib *a = fx_attrib(s);
		struct engine *e = engine_new(s, a, NULL);
		struct filter f;
		assert_non_null(e);
		for (unsigned j = 0; j < (i == 0 ? 6u : 3u); j++) {
			if (j)
				fx_filter(&f, s, a);
			else
				filter_init(&f);
			s->meta.demo = (int)(j & 1);
			run_panes(e, s, a, &f);
		}
		engine_free(e);
		fx_attrib_free(a);
		table_free(s);
	}
}

/* Terms and names made to break a spreadsheet or a terminal. */
static const char *hostile[] = {
	"=1+2", "+cmd|' /C calc'!A0", "-2", "@SUM(A1:A9)", "\t=tab", "\r=cr", "a,b", "q\"uote\"",
	"line\nbreak", "cr\r\nlf", "\x1b[31mred", "del\x7f", "caf\xc3\xa9, \"x\"", "plain", "=a,\"b\"\n",
	NULL, /* a long text, filled in by test_hostile */
};
#define N_HOSTILE (sizeof hostile / sizeof hostile[0])

static void test_hostile(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct filter f;
	static char long_text[3000];
	(void)state;
	/* Long text of two-byte characters: not cut, in any format. */
	memcpy(long_text, "-", 1);
	for (size_t i = 1; i + 2 < sizeof long_text; i += 2)
		memcpy(long_text + i, "\xc3\xa9", 2);
	hostile[N_HOSTILE - 1] = long_text;
	for (unsigned i = 0; i < 200; i++) {
		struct ht_item it;
		char id[64];
		snprintf(id, sizeof id, "acct%u/m-%u", i % 23, i);
		memset(&it, 0, sizeof it);
		it.id = id;
		it.downloads = fx_below(1000);
		it.downloads_all = it.downloads * 3;
		it.likes = fx_below(40);
		it.created = 1500000000 + (int64_t)fx_below(300000000);
		it.pipeline = hostile[fx_below(N_HOSTILE)];
		it.library = hostile[fx_below(N_HOSTILE)];
		it.license = hostile[fx_below(N_HOSTILE)];
		it.flags = (uint8_t)(i % 3 == 0 ? HT_F_GATED | HT_F_GATED_MAN : i % 3 == 1 ? HT_F_GATED : 0);
		assert_int_equal(table_builder_add(b, i % 4 ? HT_MODELS : HT_DATASETS, &it), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	meta.demo = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	a = fx_attrib(s);
	for (uint32_t i = 0; i < a->n_accounts; i++)
		a->acct_name[i] = hostile[i % N_HOSTILE];
	e = engine_new(s, a, NULL);
	assert_non_null(e);
	filter_init(&f);
	run_panes(e, s, a, &f);
	f.window = WIN_ALL;
	f.by = ATTRIB_LINEAGE;
	run_panes(e, s, a, &f);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* Text a crafted snapshot may hold, that the one text rule (safetext.h)
 * forbids: C1 CSI, RLO, a zero-width space, invalid UTF-8, ESC, BEL; and a
 * cell that a quote-aware TSV reader would unquote into a formula. */
static const char *forbidden[] = {
	"c1\xc2\x9b" "31m", "\xe2\x80\xae" "exe.txt", "zw\xe2\x80\x8bsp", "bad\xff\xfe", "\x1b]0;t\x07",
	"\"=1+1\"", "\"@SUM(A1)\"", "cut\xe2\x80",
};
#define N_FORBIDDEN (sizeof forbidden / sizeof forbidden[0])

static void test_forbidden_text(void **state)
{
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct attrib *a;
	struct engine *e;
	struct filter f;
	(void)state;
	for (unsigned i = 0; i < 60; i++) {
		struct ht_item it;
		char id[64];
		snprintf(id, sizeof id, "acct%u/m-%u", i % 7, i);
		memset(&it, 0, sizeof it);
		it.id = id;
		/* Past 2^53 / 1000: a double would print it with an exponent. */
		it.downloads = 9000000000000000ull - i;
		it.pipeline = forbidden[i % N_FORBIDDEN];
		it.library = forbidden[(i + 1) % N_FORBIDDEN];
		it.license = forbidden[(i + 2) % N_FORBIDDEN];
		assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);
	/* The builder takes terms as given (the listing parser checks them): a
	 * snapshot with these is what a crafted file holds. */
	assert_true(s->n_terms > N_FORBIDDEN);
	a = fx_attrib(s);
	for (uint32_t i = 0; i < a->n_accounts; i++)
		a->acct_name[i] = forbidden[i % N_FORBIDDEN];
	e = engine_new(s, a, NULL);
	assert_non_null(e);
	filter_init(&f);
	for (size_t p = 0; p < sizeof all_panes / sizeof all_panes[0]; p++) {
		struct eng_result *r = engine_apply(e, &f, HT_MODELS);
		if (all_panes[p] == PANE_DATASETS) {
			engine_result_free(r);
			continue;
		}
		for (int fmt = 0; fmt < 3; fmt++) {
			struct export_req q = { all_panes[p], HT_MODELS, SORT_DOWNLOADS, 1, 0, (enum export_format)fmt, 0, EXPORT_RANKING, 0, EXPORT_DIM_NONE, "" };
			size_t len;
			long rows;
			char *out = export_mem(e, r, &q, &rows, &len), *line, *nl;
			assert_true(rows > 0);
			for (line = out; (nl = memchr(line, '\n', len - (size_t)(line - out))) != NULL; line = nl + 1) {
				size_t ll = (size_t)(nl - line);
				if (fmt == EXPORT_CSV && ll && line[ll - 1] == '\r')
					ll--;
				for (size_t i = 0; i < ll; i++)
					if (line[i] == '\t')
						line[i] = ' ';
				if (!safetext_valid_n(line, ll))
					fail_msg("%s %s export holds a forbidden character: %.*s",
						 engine_pane_key(all_panes[p]), fmt == 0 ? "csv" : fmt == 1 ? "tsv" : "jsonl",
						 (int)ll, line);
				if (fmt == EXPORT_TSV)
					for (size_t i = 0; i < ll; i++)
						if (line[i] == '"' && (i == 0 || line[i - 1] == ' ') && i + 1 < ll &&
						    (line[i + 1] == '=' || line[i + 1] == '@'))
							fail_msg("TSV cell starts with a double quote: %.*s", (int)ll, line);
				if (fmt == EXPORT_JSONL && all_panes[p] == PANE_MODELS) {
					if (!memmem(line, ll, "\"downloads\":899999999999", 24) &&
					    !memmem(line, ll, "\"downloads\":9000000000000000,", 29))
						fail_msg("downloads not as an integer: %.*s", (int)ll, line);
					assert_null(memmem(line, ll, "e+", 2));
				}
			}
			free(out);
		}
		engine_result_free(r);
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* The demo marker on every row of every format, and "hub" otherwise. */
static void test_demo_marker(void **state)
{
	struct ht_snapshot *s = fx_snapshot(300, 50, 20, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	(void)state;
	filter_init(&f);
	for (int demo = 0; demo < 2; demo++) {
		s->meta.demo = demo;
		for (size_t p = 0; p < sizeof all_panes / sizeof all_panes[0]; p++) {
			enum ht_kind kind = all_panes[p] == PANE_DATASETS ? HT_DATASETS : HT_MODELS;
			struct eng_result *r = engine_apply(e, &f, kind);
			for (int fmt = 0; fmt < 3; fmt++) {
				struct export_req q = { all_panes[p], kind, SORT_DOWNLOADS, 1, 0, (enum export_format)fmt, 0, EXPORT_RANKING, 0, EXPORT_DIM_NONE, "" };
				size_t len, lines = 0;
				long rows;
				char *out = export_mem(e, r, &q, &rows, &len), *line = out, *nl;
				const char *mark = fmt == EXPORT_JSONL ? (demo ? "\"data\":\"demo\"}" : "\"data\":\"hub\"}")
					: fmt == EXPORT_CSV ? (demo ? ",demo\r" : ",hub\r") : (demo ? "\tdemo" : "\thub");
				assert_true(rows > 0);
				for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1, lines++) {
					size_t ll = (size_t)(nl - line), ml = strlen(mark);
					int header = fmt != EXPORT_JSONL && lines == 0;
					if (header)
						continue;
					assert_true(ll >= ml);
					if (memcmp(line + ll - ml, mark, ml))
						fail_msg("row %zu of %s lacks the %s marker: %.*s", lines,
							 engine_pane_key(all_panes[p]), demo ? "demo" : "hub", (int)ll, line);
				}
				assert_int_equal(lines, (size_t)rows + (fmt != EXPORT_JSONL));
				free(out);
			}
			engine_result_free(r);
		}
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* ---- export_to_path ----------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;
	if (!fp)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Number of entries in a folder, apart from . and .. */
static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_to_path(void **state)
{
	struct ht_snapshot *s = fx_snapshot(3000, 100, 50, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	struct eng_result *r;
	struct export_req q = { PANE_MODELS, HT_MODELS, SORT_DOWNLOADS, 1, 0, EXPORT_CSV, 0, EXPORT_RANKING, 0, EXPORT_DIM_NONE, "" };
	const char *tmp = testutil_tmpdir("test_export");
	char dir[1024], path[1200], err[1500];
	char *want, *got;
	size_t want_len, got_len;
	long rows;
	(void)state;
	assert_non_null(tmp);
	snprintf(dir, sizeof dir, "%s", tmp);
	filter_init(&f);
	r = engine_apply(e, &f, HT_MODELS);
	want = export_mem(e, r, &q, &rows, &want_len);
	assert_int_equal(rows, 3000);

	/* A file: the same bytes, nothing else left in the folder. */
	snprintf(path, sizeof path, "%s/out.csv", dir);
	assert_int_equal(export_to_path(path, e, r, &q, err, sizeof err), 3000);
	got = slurp(path, &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	assert_int_equal(dir_entries(dir), 1);

	/* A folder that does not exist: an error naming the path, no file. */
	snprintf(path, sizeof path, "%s/missing/out.csv", dir);
	err[0] = '\0';
	assert_int_equal(export_to_path(path, e, r, &q, err, sizeof err), -1);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(dir_entries(dir), 1);

	/* A folder in the way of the target: refused, no temporary file left. */
	snprintf(path, sizeof path, "%s/adir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	err[0] = '\0';
	assert_int_equal(export_to_path(path, e, r, &q, err, sizeof err), -1);
	assert_non_null(strstr(err, "adir"));
	assert_int_equal(dir_entries(dir), 2);
	assert_int_equal(rmdir(path), 0);

	/* Writing fails half-way (file size limit): the previous file stays whole. */
	{
		struct rlimit old, lim;
		struct sigaction ign, prev;
		snprintf(path, sizeof path, "%s/out.csv", dir);
		memset(&ign, 0, sizeof ign);
		ign.sa_handler = SIG_IGN;
		assert_int_equal(sigaction(SIGXFSZ, &ign, &prev), 0);
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
		lim = old;
		lim.rlim_cur = 8192;
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		err[0] = '\0';
		rows = export_to_path(path, e, r, &q, err, sizeof err);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		assert_int_equal(sigaction(SIGXFSZ, &prev, NULL), 0);
		assert_int_equal(rows, -1);
		assert_non_null(strstr(err, "out.csv"));
		got = slurp(path, &got_len);
		assert_non_null(got);
		assert_int_equal(got_len, want_len);
		assert_memory_equal(got, want, want_len);
		free(got);
		assert_int_equal(dir_entries(dir), 1);
	}

	/* "-" and NULL: standard output. */
	for (int i = 0; i < 2; i++) {
		int saved = dup(STDOUT_FILENO), fd;
		snprintf(path, sizeof path, "%s/stdout.txt", dir);
		fflush(stdout);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(saved >= 0 && fd >= 0);
		assert_true(dup2(fd, STDOUT_FILENO) >= 0);
		close(fd);
		rows = export_to_path(i ? NULL : "-", e, r, &q, err, sizeof err);
		fflush(stdout);
		assert_true(dup2(saved, STDOUT_FILENO) >= 0);
		close(saved);
		assert_int_equal(rows, 3000);
		got = slurp(path, &got_len);
		assert_non_null(got);
		assert_int_equal(got_len, want_len);
		assert_memory_equal(got, want, want_len);
		free(got);
		unlink(path);
	}

	/* A stream that cannot be written: -1. */
	{
		FILE *fp = fopen("/dev/full", "w");
		if (fp) {
			setvbuf(fp, NULL, _IONBF, 0);
			assert_int_equal(export_write(fp, e, r, &q), -1);
			fclose(fp);
		}
	}
	/* Bad requests. */
	{
		struct export_req bad = q;
		bad.pane = PANE_COUNT;
		errno = 0;
		assert_int_equal(export_write(stdout, e, r, &bad), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(export_write(NULL, e, r, &q), -1);
		assert_int_equal(export_write(stdout, e, NULL, &q), -1);
	}
	assert_int_equal(export_format_find("csv"), EXPORT_CSV);
	assert_int_equal(export_format_find("TSV"), EXPORT_TSV);
	assert_int_equal(export_format_find("jsonl"), EXPORT_JSONL);
	assert_int_equal(export_format_find("xlsx"), -1);
	assert_int_equal(export_format_find(NULL), -1);
	/* The formats table: names, and the extension the explorer's prompt reads. */
	assert_string_equal(export_format_name(EXPORT_JSONL), "jsonl");
	assert_null(export_format_name(EXPORT_FORMAT_COUNT));
	assert_null(export_format_name(-1));
	assert_int_equal(export_format_for_path("out/x.TSV"), EXPORT_TSV);
	assert_int_equal(export_format_for_path("x.json"), EXPORT_JSONL);
	assert_int_equal(export_format_for_path("x.csv"), EXPORT_CSV);
	assert_int_equal(export_format_for_path("x.txt"), -1);
	assert_int_equal(export_format_for_path("noext"), -1);
	assert_int_equal(export_format_for_path(NULL), -1);
	free(want);
	engine_result_free(r);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* ---- the columns chosen (export_columns_set) -------------------------------------- */

/* The first line of an export, without its line end. */
static void header_of(const char *out, char *buf, size_t len)
{
	size_t n = strcspn(out, "\r\n");
	snprintf(buf, len, "%.*s", (int)n, out);
}

/* Names, titles of the explorer, case and spaces; the identifying columns
 * are taken and dropped; each name once; an unknown name is refused with
 * the closest and leaves the request as it was. */
static void test_columns_parse(void **state)
{
	struct export_req q;
	char err[1200];
	(void)state;
	memset(&q, 0, sizeof q);
	q.pane = PANE_MODELS;
	q.items = HT_MODELS;
	assert_int_equal(export_columns_set(&q, " Ctry, Org type ,task,Cum %,#,id,data,downloads,DOWNLOADS", err,
					    sizeof err), 0);
	assert_string_equal(q.columns, "country,org_type,pipeline_tag,cum_share,downloads");
	assert_int_equal(export_columns_set(&q, "id,dowloads", err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown column 'dowloads' for models (did you mean 'downloads'"));
	assert_non_null(strstr(err, "its columns: rank, id, author,"));
	assert_string_equal(q.columns, "country,org_type,pipeline_tag,cum_share,downloads");
	assert_int_equal(export_columns_set(&q, "", err, sizeof err), 0);
	assert_string_equal(q.columns, "");
	assert_int_equal(export_columns_set(&q, "id, rank", err, sizeof err), 0);
	assert_string_equal(q.columns, "rank");
	/* The explorer's share bar is a column of the screen only. */
	assert_int_equal(export_columns_set(&q, "share", err, sizeof err), 0);
	assert_string_equal(q.columns, "share");
	/* The item count is named for what it counts. */
	q.pane = PANE_ORGS;
	q.items = HT_DATASETS;
	assert_int_equal(export_columns_set(&q, "Models,Accts,account,Name", err, sizeof err), 0);
	assert_string_equal(q.columns, "datasets,accounts,name");
	q.pane = PANE_GROUPS;
	assert_int_equal(export_columns_set(&q, "of models,models", err, sizeof err), 0);
	assert_string_equal(q.columns, "count_share,count");
	assert_int_equal(export_columns_set(&q, "country_group", err, sizeof err), -1);
	/* Only the rankings have columns to choose. */
	q.view = EXPORT_TRENDS;
	assert_int_equal(export_columns_set(&q, "likes", err, sizeof err), -1);
	assert_non_null(strstr(err, "the columns of trends cannot be chosen"));
	assert_int_equal(export_column_names(&q, NULL, 0), 0);
}

/* export_column_names is the header every ranking writes (for both item
 * tables), and a choice writes those columns with the same values. */
static void test_columns_write(void **state)
{
	struct ht_snapshot *s = fx_snapshot(500, 60, 40, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	struct filter f;
	char err[1200], want[1024], got[1024];
	(void)state;
	assert_non_null(e);
	filter_init(&f);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct eng_result *r = engine_apply(e, &f, (enum ht_kind)k);
		assert_non_null(r);
		for (size_t p = 0; p < sizeof all_panes / sizeof all_panes[0]; p++) {
			struct export_req q;
			const char *names[40];
			size_t n, len, at = 0;
			long rows;
			char *out;
			if ((all_panes[p] == PANE_MODELS && k == HT_DATASETS) ||
			    (all_panes[p] == PANE_DATASETS && k == HT_MODELS))
				continue;
			memset(&q, 0, sizeof q);
			q.pane = all_panes[p];
			q.items = (enum ht_kind)k;
			q.desc = 1;
			n = export_column_names(&q, names, 40);
			assert_true(n > 4);
			for (size_t i = 0; i < n; i++)
				at += (size_t)snprintf(want + at, sizeof want - at, "%s%s", i ? "," : "", names[i]);
			out = export_mem(e, r, &q, &rows, &len);
			header_of(out, got, sizeof got);
			assert_string_equal(got, want);
			free(out);
			/* The last two columns before data, reversed, after the identifying ones. */
			snprintf(want, sizeof want, "%s,%s", names[n - 2], names[n - 3]);
			assert_int_equal(export_columns_set(&q, want, err, sizeof err), 0);
			out = export_mem(e, r, &q, &rows, &len);
			header_of(out, got, sizeof got);
			snprintf(want, sizeof want, "%s,%s,%s,%s,data", names[0], names[1], names[n - 2], names[n - 3]);
			assert_string_equal(got, want);
			assert_true(rows > 0);
			free(out);
		}
		engine_result_free(r);
	}
	/* The values are those of the full export, row for row (TSV: field 2
	 * id, field 8 downloads; chosen: 2 and 3). */
	{
		struct eng_result *r = engine_apply(e, &f, HT_MODELS);
		struct export_req q;
		char *all, *some, *x, *y;
		size_t la, ls;
		long ra, rs;
		memset(&q, 0, sizeof q);
		q.pane = PANE_MODELS;
		q.items = HT_MODELS;
		q.desc = 1;
		q.format = EXPORT_TSV;
		all = export_mem(e, r, &q, &ra, &la);
		assert_int_equal(export_columns_set(&q, "downloads", err, sizeof err), 0);
		some = export_mem(e, r, &q, &rs, &ls);
		assert_int_equal(ra, rs);
		x = all;
		y = some;
		for (long i = 0; i <= ra; i++) {
			char fa[8][300], fs[4][300];
			int na = 0, ns = 0;
			for (char *c = x; na < 8 && *c != '\n'; na++) {
				size_t w = strcspn(c, "\t\n");
				snprintf(fa[na], sizeof fa[na], "%.*s", (int)w, c);
				c += w + (c[w] == '\t');
			}
			for (char *c = y; ns < 4 && *c != '\n'; ns++) {
				size_t w = strcspn(c, "\t\n");
				snprintf(fs[ns], sizeof fs[ns], "%.*s", (int)w, c);
				c += w + (c[w] == '\t');
			}
			assert_int_equal(ns, 4);
			assert_string_equal(fs[1], fa[1]);
			assert_string_equal(fs[2], fa[7]);
			x = strchr(x, '\n') + 1;
			y = strchr(y, '\n') + 1;
		}
		free(all);
		free(some);
		engine_result_free(r);
	}
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

/* The rows of Models and Datasets formatted on several threads (export_tune)
 * are the bytes of one thread, in every format, for every column and for
 * chosen ones, with a filter and a limit; and every column chosen by name,
 * in order, gives the bytes of every column. */
static void test_threads_same_bytes(void **state)
{
	struct ht_snapshot *s = fx_snapshot(900, 300, 50, 1);
	struct attrib *a = fx_attrib(s);
	struct engine *e = engine_new(s, a, NULL);
	static const unsigned tunes[][2] = { { 2, 7 }, { 3, 1 }, { 4, 100 }, { 2, 0 } };
	static const char *chosen[] = { "", "attributed_to,country,org_type,cum_share", "likes,id,downloads" };
	char err[1200];
	(void)state;
	assert_non_null(e);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		for (unsigned fi = 0; fi < 2; fi++) {
			struct filter f;
			struct eng_result *r;
			if (fi)
				fx_filter(&f, s, a);
			else
				filter_init(&f);
			r = engine_apply(e, &f, (enum ht_kind)k);
			assert_non_null(r);
			for (int fmt = 0; fmt < EXPORT_FORMAT_COUNT; fmt++) {
				for (size_t c = 0; c < sizeof chosen / sizeof chosen[0]; c++) {
					for (size_t lim = 0; lim < 2; lim++) {
						struct export_req q;
						char *one, *many;
						size_t l1, l2;
						long r1, r2;
						memset(&q, 0, sizeof q);
						q.pane = k == HT_MODELS ? PANE_MODELS : PANE_DATASETS;
						q.items = (enum ht_kind)k;
						q.desc = 1;
						q.sort = lim ? SORT_LIKES : SORT_DOWNLOADS;
						q.limit = lim ? 123 : 0;
						q.format = (enum export_format)fmt;
						assert_int_equal(export_columns_set(&q, chosen[c], err, sizeof err), 0);
						export_tune(1, 0);
						one = export_mem(e, r, &q, &r1, &l1);
						for (size_t t = 0; t < sizeof tunes / sizeof tunes[0]; t++) {
							export_tune(tunes[t][0], tunes[t][1]);
							many = export_mem(e, r, &q, &r2, &l2);
							assert_int_equal(r1, r2);
							assert_int_equal(l1, l2);
							assert_memory_equal(one, many, l1);
							free(many);
						}
						free(one);
					}
				}
			}
			/* Every column chosen, in order: the bytes of every column. */
			for (int fmt = 0; fmt < EXPORT_FORMAT_COUNT; fmt++) {
				struct export_req q;
				const char *names[40];
				char list[1024], *all, *named;
				size_t n, at = 0, la, ln;
				long ra, rn;
				memset(&q, 0, sizeof q);
				q.pane = k == HT_MODELS ? PANE_MODELS : PANE_DATASETS;
				q.items = (enum ht_kind)k;
				q.desc = 1;
				q.format = (enum export_format)fmt;
				export_tune(fmt == 1 ? 1 : 2, 5);
				all = export_mem(e, r, &q, &ra, &la);
				n = export_column_names(&q, names, 40);
				for (size_t i = 2; i + 1 < n; i++)
					at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", at ? "," : "", names[i]);
				assert_int_equal(export_columns_set(&q, list, err, sizeof err), 0);
				named = export_mem(e, r, &q, &rn, &ln);
				assert_int_equal(ra, rn);
				assert_int_equal(la, ln);
				assert_memory_equal(all, named, la);
				free(all);
				free(named);
			}
			engine_result_free(r);
		}
	}
	export_tune(0, 0);
	engine_free(e);
	fx_attrib_free(a);
	table_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_reader),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_doc_columns),
		cmocka_unit_test(test_panes_random),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_forbidden_text),
		cmocka_unit_test(test_demo_marker),
		cmocka_unit_test(test_to_path),
		cmocka_unit_test(test_columns_parse),
		cmocka_unit_test(test_columns_write),
		cmocka_unit_test(test_threads_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

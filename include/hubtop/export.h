/* export.h - the current view as CSV, TSV or JSON Lines.  The TUI's export
 * and `hubtop export` both call export_write, so they give the same rows.
 * Column names are stable; see docs/export.md.
 *
 * CSV is RFC 4180: header row, CRLF line ends, fields quoted when they hold
 * a comma, quote, CR or LF, UTF-8 without BOM.  A text cell that begins with
 * '=', '+', '-', '@', TAB or CR is prefixed with a single quote so that a
 * spreadsheet never evaluates it.  Control characters never reach the output.
 */
#ifndef HUBTOP_EXPORT_H
#define HUBTOP_EXPORT_H

#include <stdio.h>
#include "hubtop/engine.h"

/* A format is a value here and a row of export.c's formats table (its
 * name, file extensions, separator, line end and field writer); the
 * command line, its refusal and the explorer's prompt read that table. */
enum export_format { EXPORT_CSV = 0, EXPORT_TSV, EXPORT_JSONL, EXPORT_FORMAT_COUNT };

/* The tables of the dimensions of dims.h, exported beside the panes
 * (hubtop export relations|languages|sizes|bases|base-orgs): one row per
 * bucket (relation, language, size) or per base model (or its owner). */
enum export_dim {
	EXPORT_DIM_NONE = 0, EXPORT_DIM_RELATIONS, EXPORT_DIM_LANGUAGES, EXPORT_DIM_SIZES,
	EXPORT_DIM_BASES, EXPORT_DIM_BASE_ORGS, EXPORT_DIM_COUNT
};
int export_dim_find(const char *key);     /* "relations", ...; -1 if unknown */
const char *export_dim_key(int dim);      /* NULL for none or past the last */

/* What the rows are: a ranking of pane (the default), or the table of a
 * pane that is not a ranking (the explorer's Trends and Concentration). */
enum export_view {
	EXPORT_RANKING = 0,
	EXPORT_TRENDS,          /* one row per year of creation, newest first */
	EXPORT_CONCENTRATION,   /* one row per figure: top-N, under 200, Gini, half, median, Lorenz */
	EXPORT_VIEW_COUNT
};

/* Trends: the split of each year (bit 0: by country group, else by
 * organisation type) and its measure (bit 1: item counts, else downloads),
 * as the Trends pane's modes. */
#define EXPORT_TRENDS_BY_GROUP 1u
#define EXPORT_TRENDS_BY_COUNT 2u
/* Bits 2-3: the split by a dimension of dims.h instead (1 relation to a
 * base, 2 size, 3 language: the languages with most items, then "other"). */
#define EXPORT_TRENDS_DIM_SHIFT 2u
#define EXPORT_TRENDS_DIM_MASK (3u << EXPORT_TRENDS_DIM_SHIFT)
#define EXPORT_TRENDS_LANGS 7u

struct export_req {
	enum eng_pane pane;
	enum ht_kind items;     /* which table the aggregate panes group */
	enum eng_sort sort;
	int desc;
	size_t limit;           /* 0 = every row */
	enum export_format format;
	/* 1: the movers of the engine's period (engine_movers) by pane:
	 * PANE_MODELS or PANE_DATASETS (items), PANE_ORGS, PANE_COUNTRIES;
	 * the sort is theirs (growth).  Without a period, -1 with EINVAL. */
	int movers;
	/* Last, so that initialisers by position still mean a ranking. */
	enum export_view view;
	unsigned mode;          /* EXPORT_TRENDS: EXPORT_TRENDS_BY_* bits */
	enum export_dim dim;    /* not NONE: that dimension's table (export_dim_write) */
	/* "": every column of the view.  Else the columns chosen (set by
	 * export_columns_set), comma-separated: the rows then hold the
	 * identifying columns (rank and the id, account or key), the chosen
	 * ones in this order, and data. */
	char columns[256];
};

int export_format_find(const char *key);  /* "csv", "tsv", "jsonl"; -1 if unknown */
/* The format's name ("csv"), or NULL past the last. */
const char *export_format_name(int format);
/* The format a file name's extension asks for ("x.tsv": EXPORT_TSV), -1
 * when none does. */
int export_format_for_path(const char *path);

/* The name of what q writes, as `hubtop export` takes it and the explorer
 * says it ("models", "countries", "trends", "concentration"). */
const char *export_req_name(const struct export_req *q);
/* The export a name asks for (pane names of the explorer and of the
 * engine: "regions" is "countries", "trends", "concentration"): fills
 * q->view, q->pane (and the Trends default sort).  0, or -1 if unknown. */
int export_req_find(const char *name, struct export_req *q);
/* "models, datasets, regions, ..." (every name export_req_find takes). */
const char *export_req_names(char *buf, size_t len);

/* "~" or "~/..." with $HOME in front into out; other paths are copied.
 * 0, or -1 when it does not fit or $HOME is unset for a "~" path. */
int export_expand_path(const char *path, char *out, size_t len);

/* Writes the view.  Returns the number of data rows written, -1 on a write
 * error (errno set). */
long export_write(FILE *fp, struct engine *e, const struct eng_result *r, const struct export_req *q);

/* Writes to path atomically ("-" = stdout).  Returns rows, or -1 with err. */
long export_to_path(const char *path, struct engine *e, const struct eng_result *r,
		    const struct export_req *q, char *err, size_t errlen);

/* The table of a dimension (export_dim) instead of q's pane, in q's format,
 * with q's limit; export_write's and export_to_path's returns. */
long export_dim_write(FILE *fp, struct engine *e, const struct eng_result *r, enum export_dim dim,
		      const struct export_req *q);
long export_dim_to_path(const char *path, struct engine *e, const struct eng_result *r, enum export_dim dim,
			const struct export_req *q, char *err, size_t errlen);

/* Chooses the columns of a ranking (q->view, q->pane, q->items set):
 * list is comma-separated column names, as export.md and the export's
 * header write them, or as the explorer titles them ("Ctry", "Org type",
 * "Task", "Cum %"); case, spaces and '-' do not matter.  The identifying
 * columns are always written (naming them is allowed); "share" on models
 * and datasets is the explorer's bar, which the export has not.  "" or
 * NULL: every column.  0, or -1 with err naming the column, the closest
 * names (did you mean) and the valid ones; q is left unchanged then.
 * O(names x columns). */
int export_columns_set(struct export_req *q, const char *list, char *err, size_t errlen);
/* The column a name means for q (export_columns_set's rules) into out,
 * e.g. "Ctry" -> "country"; 1 known, 0 an identifying column, -1 unknown. */
int export_column_find(const struct export_req *q, const char *name, char *out, size_t len);
/* The columns of a ranking, in the order written (the item count's name
 * follows q->items), into names; returns their number (0: q is not a
 * ranking whose columns can be chosen). */
size_t export_column_names(const struct export_req *q, const char **names, size_t max);

/* Threads that format the rows of a Models or Datasets export of at least
 * 65,536 rows (0, the default: one per core, at most 4; 1: this thread
 * alone), and the rows a thread formats at a time (0: 16,384).  With more
 * than one thread set here, every export of those panes takes the
 * threads, however few its rows (tests).  The bytes are the same either
 * way.  Not thread-safe: call before exporting. */
void export_tune(unsigned threads, size_t chunk_rows);

/* Neutralises and escapes one CSV field into fp (exposed for tests). */
int export_csv_field(FILE *fp, const char *s);

#endif

/* engine.h - filters, rankings, concentration and share breakdowns.
 *
 * Knows nothing of terminals or HTTP: the TUI, `hubtop report` and `hubtop
 * export` all ask it the same questions and get the same rows.
 *
 * Owns: struct engine (per-snapshot derived data: rank orders, narrow copies
 * of the filtered columns, per-cell and per-account groupings, the search
 * cache) and the results it hands out (free them with engine_result_free).
 * Not thread-safe: one thread asks, results may outlive later calls (the
 * engine's own worker, engine_focus_begin, changes nothing that thread
 * reads).
 *
 * Arithmetic is exact: counts, downloads, likes and trending scores are
 * 64-bit integer sums; shares (double, 0..1) are computed once, at the end,
 * from those sums.
 *
 * Cost: engine_new is a few O(n) passes over the table.  engine_apply reads
 * narrow rank-ordered columns 64 rows at a time and then touches only the
 * matches (or, when most rows match, only the rest): O(n / 64 + min(m,
 * n - m)) plus the tests' columns.  A result holds a bitmap of its matches
 * with per-word counts, so the k-th row is O(log n) and the whole list is
 * made only when asked (engine_result_rows).  Made on first use or by
 * engine_prepare_step, then kept (a mode's organisation view until
 * engine_focus shows the other): the lineage mode's cells, the all-time
 * order and its column copies (100-300 ms each on 2M models), term codes,
 * account groups, the search buffer, item orders by likes, trending,
 * creation and name (about a second), the account order for author
 * filters, the accounts' ranks by name and by organisation name (the Orgs
 * ranking's first screen by a name is then a selection), the trending scores in account order and their unfiltered
 * totals, the unfiltered sums per task and library (the Tasks and
 * Libraries rankings of an answer every row matches).
 *
 * Levels (filter.level): the engine keeps one "view" per (attribution
 * mode, level).  At the organisation level (the default) an item counts
 * for its account's organisation (attrib.h, acct_org); each view has its
 * own item -> account map, cells, groups and orders, all made on first use
 * in that view, so the account level costs memory only once asked for.
 * engine_prepare_step readies the default level's.  Rows of PANE_ORGS are
 * organisations (key: the representative account) or accounts.  --author
 * and --org test the item's account, whatever the level.
 */
#ifndef HUBTOP_ENGINE_H
#define HUBTOP_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "hubtop/table.h"
#include "hubtop/attrib.h"
#include "hubtop/filter.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"

/* What a list shows.  The aggregate panes (orgs and below) group the items
 * of one table (models by default). */
enum eng_pane {
	PANE_MODELS = 0,
	PANE_DATASETS,
	PANE_ORGS,        /* organisations or accounts (filter.level), by the attribution mode */
	PANE_COUNTRIES,
	PANE_GROUPS,
	PANE_ORGTYPES,
	PANE_TASKS,
	PANE_LIBRARIES,
	PANE_YEARS,
	PANE_COUNT
};

enum eng_sort {
	SORT_DOWNLOADS = 0, /* in the filter's window */
	SORT_LIKES,
	SORT_TRENDING,      /* aggregates: sum of the items' trending scores */
	SORT_CREATED,       /* aggregates: earliest creation */
	SORT_COUNT,         /* aggregates: number of items; items: same as downloads */
	SORT_NAME,          /* id, account, key */
	SORT_KEY_COUNT,
	/* Text columns of the Models and Datasets panes (engine_sort_items,
	 * engine_sort_top), country and type also of the orgs ranking: the
	 * cell's text, A to Z when !desc, ties by downloads in the window
	 * whatever the direction.  engine_sort_valid says which pane has which
	 * key past SORT_KEY_COUNT. */
	SORT_COUNTRY = SORT_KEY_COUNT, /* the account's country code, "unknown" */
	SORT_ORGTYPE,       /* the account's organisation type */
	SORT_TASK,          /* the pipeline tag (datasets: first task category) */
	SORT_LIBRARY,       /* the library tag (library_name) */
	SORT_LICENSE,       /* the licence tag */
	SORT_ITEM_KEY_END,
	/* Item lists only (engine_sort_items, engine_sort_top, --sort): the
	 * last modification, newest first when desc; unknown last either way. */
	SORT_MODIFIED = SORT_ITEM_KEY_END,
	/* Aggregate rankings only (engine_rank*: Orgs, Regions, --sort). */
	SORT_DISPLAY,       /* the display name (organisation's, country's), A to Z first */
	SORT_ACCOUNTS,      /* orgs: the organisation's number of accounts */
	SORT_SHARE,         /* the share of downloads (an n/a share after every other) */
	SORT_END
};
/* 1 when pane has that order: every pane the keys below SORT_KEY_COUNT;
 * Models and Datasets also country, org type, task, library, licence and
 * modified; the
 * rankings display name and share, orgs also country, org type, accounts.
 * Front ends refuse the others (engine_rank takes them as downloads). */
int engine_sort_valid(int sort, enum eng_pane pane);
/* 1 for the keys whose natural order is A to Z (desc = 0 first). */
int engine_sort_is_text(int sort);

#define ENG_TOP_N 4            /* top 10, 100, 200, 1000 */
extern const unsigned eng_top_n[ENG_TOP_N];
#define ENG_UNDER 200          /* the long-tail threshold, in downloads */
#define ENG_LORENZ 100         /* Lorenz curve: points 0..100 */
#define ENG_YEAR_FIRST 2015    /* year buckets: 0 = unknown or legacy date, */
#define ENG_YEARS 17           /* 1.. = ENG_YEAR_FIRST .. +15 (later years clamp) */

struct eng_bucket {
	uint64_t count;
	uint64_t downloads;
};

struct eng_result {
	enum ht_kind kind;
	struct filter filter;          /* the filter this answers */
	int partial;                   /* snapshot holds only the top N: long-tail figures unknown */

	uint32_t n;                    /* matching items (engine_row_at, engine_result_rows) */

	/* A figure that cannot be computed (no item, no download count, no
	 * downloads) is NAN, never 0: front ends show it as n/a with
	 * na_reason, JSON as null, CSV as an empty field. */
	uint64_t count, downloads;     /* downloads: of the items with a count */
	/* Matches with a download count in the window.  The others (count -
	 * counted: null counts, or all-time counts the listing lacked) are
	 * last in the rank order, count in the buckets' counts, and are left
	 * out of every figure below. */
	uint64_t counted;
	const char *na_reason;         /* why the figures below are NAN; NULL when known */
	uint64_t top_downloads[ENG_TOP_N];
	double top_share[ENG_TOP_N];
	uint64_t under_count;          /* counted items with < ENG_UNDER downloads in the window */
	double under_share;            /* under_count / counted */
	double gini;                   /* 0 equal .. 1 all in one item */
	double lorenz[ENG_LORENZ + 1]; /* share of downloads held by the bottom i% of items */
	/* Downloads whose country (group, type) is known: the denominators of
	 * the shares of attributed downloads (--of attributed). */
	uint64_t attributed_downloads, attributed_group_downloads, attributed_type_downloads;

	struct eng_bucket *by_country; /* country_count() entries */
	struct eng_bucket by_group[CG_COUNT];
	struct eng_bucket by_type[OT_COUNT];
	struct eng_bucket by_year[ENG_YEARS];
	struct eng_bucket year_type[ENG_YEARS][OT_COUNT];
	struct eng_bucket year_group[ENG_YEARS][CG_COUNT];
	/* ENG_YEARS * country_count() entries: year y, country c at
	 * [y * country_count() + c]. */
	struct eng_bucket *year_country;
};

/* One row of an aggregate ranking. */
struct eng_row {
	uint32_t key;                  /* account, country, group, type, term or year index */
	const char *label;             /* stable key: account name, ISO code, group key, ... */
	const char *name;              /* display name */
	uint64_t count;
	uint64_t downloads;
	uint64_t likes;
	/* Sum of its items' trending scores.  The share pass does not make
	 * it: only a ranking by trending, engine_rank_with_trending or
	 * engine_rank_trending fills it (0 otherwise). */
	uint64_t trending;
	int64_t created;               /* earliest creation among its items, 0 unknown */
	double share;                  /* downloads / result downloads (--of attributed, countries,
					* groups, types: / attributed downloads, NAN for the unknown
					* bucket); NAN when the denominator is 0 */
	double count_share;            /* count / result count */
	uint16_t country;              /* orgs pane: the account's country */
	uint8_t group, type;           /* orgs pane: its group and type */
	/* Orgs pane: at the organisation level (filter.level), how many of
	 * the organisation's accounts hold items of this table under this
	 * attribution mode (filtered out or not); 1 at the account level. */
	uint32_t accounts;
};

struct engine;

struct engine *engine_new(const struct ht_snapshot *s, const struct attrib *a,
			  const struct orgdir *d);
void engine_free(struct engine *e);
const struct ht_snapshot *engine_snapshot(const struct engine *e);
const struct attrib *engine_attrib(const struct engine *e);

/* Validates the filter's terms against the snapshot (unknown task, library,
 * licence or author is not an error: it matches nothing) and runs it. */
struct eng_result *engine_apply(struct engine *e, const struct filter *f, enum ht_kind kind);
void engine_result_free(struct eng_result *r);

/* The i-th match (0-based) by window downloads descending: its table row,
 * UINT32_MAX when i >= r->n.  At most 64 steps: a list shows one screen
 * without making the whole order. */
uint32_t engine_row_at(const struct engine *e, const struct eng_result *r, uint32_t i);
/* The position of a table row among the matches (the inverse of
 * engine_row_at), UINT32_MAX when it does not match.  O(log n). */
uint32_t engine_row_pos(const struct engine *e, const struct eng_result *r, uint32_t row);
/* Every match in that order: made on first call (O(n)), owned by the
 * result.  NULL when memory runs out. */
const uint32_t *engine_result_rows(const struct engine *e, const struct eng_result *r);

/* Items of a result in a given order.  Returns a malloc'd array of r->n rows
 * (the caller frees it).  The text column keys (SORT_COUNTRY, SORT_ORGTYPE,
 * SORT_TASK, SORT_LIBRARY, SORT_LICENSE) cost a pass over the matches and a
 * counting sort by the rank of the few distinct texts: no string comparison
 * per row. */
uint32_t *engine_sort_items(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc);
/* The same into out[] (room for r->n rows): a list that keeps its array
 * from one order to the next writes into pages it has already touched
 * (fresh ones cost about 30 ms per 8 MB on a virtual machine).  0, or -1
 * when memory runs out. */
int engine_sort_items_into(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc,
			   uint32_t *out);
/* The first `limit` items of that order into out[] (room for limit rows):
 * stops as soon as they are found.  Returns how many, (size_t)-1 when
 * memory runs out. */
size_t engine_sort_top(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc,
		       size_t limit, uint32_t *out);

/* Makes now what the engine otherwise makes on first use (the organisation
 * view of the attribution mode shown, engine_focus; the all-time order, the
 * narrow filter columns, the search buffer, the account groups), one piece
 * per call, so a front end
 * can call it between key presses.  The first call starts a worker thread
 * for the pieces that depend on the snapshot alone (each table's search
 * index and order by name); later calls take them in as they are made, and
 * once every other piece is made wait for them 20 ms at most per call.
 * Once they are all made, it readies the
 * next letter of the last search (search_refine), so call it again after
 * each engine_apply.  Returns 1 while work remains, 0 when there is none,
 * -1 when memory runs out. */
int engine_prepare_step(struct engine *e);

/* The attribution mode the front end shows (ATTRIB_UPLOADER until said):
 * engine_prepare_step then readies that mode's organisation view only, and
 * a change drops the other mode's (made again on first use, 0.1-0.3 s on
 * 2M models): the explorer holds one mode's view at a time.  The datasets'
 * modes share their accounts and are kept.  O(1) when the mode is the
 * same; otherwise the dropped view's arrays are freed on a thread of their
 * own (10-15 ms of CPU on 2M models, off the caller's), which the next
 * engine_prepare_step joins (giving the heap's free pages back).  Joins a
 * build of engine_focus_begin first (its view kept). */
void engine_focus(struct engine *e, enum attrib_mode by);
/* 0 when showing mode by would first build its organisation view (it is
 * not the mode shown and its view is not made): a front end can say
 * "building" before.  O(1). */
int engine_mode_ready(const struct engine *e, enum attrib_mode by);

/* ---- building the other mode's view on a worker thread --------------------
 *
 * So that the attribution key does not block the keyboard for the 0.1-0.3 s
 * of a view's build (2M models), a front end can have the other mode's
 * organisation view made on a thread while it goes on answering in the
 * mode shown, then swap (engine_focus) once it is made.  Both views exist
 * only while the build runs and until the swap (memory: the view's size,
 * transient); a build made and not swapped in stays in the engine as a
 * view made on first use does, until a change of mode drops it.
 *
 * The worker writes only its own copy of struct engine and the arrays it
 * allocates for the new view; it reads the snapshot, the attribution and
 * pieces made before it started (engine_focus_begin makes the two windows'
 * orders and the order by creation first, if idle steps have not).
 * While a build runs (from engine_focus_begin until engine_focus_poll
 * says 1 or engine_focus_wait returns), the thread that started it may
 * call:
 *   - every question: engine_apply and the result readers, engine_sort_*,
 *     engine_rank*, engine_movers, engine_search_names_*, engine_item_*,
 *     engine_rows_downloads, engine_memory, engine_mode_ready, exports and
 *     reports over the engine, in the mode shown or at the account level;
 *   - engine_prepare_step: it returns 1 and does nothing (the idle work of
 *     the mode shown waits for the swap);
 *   - engine_focus to the mode shown: O(1), nothing changes;
 * and these first wait for the build (0.1-0.3 s at most on 2M models):
 * engine_focus to the other mode, engine_set_period*, engine_free.
 * Only that one thread may call into the engine, as always. */

/* Starts building mode by's organisation view on a worker thread.
 * Returns 0 started (or a build of that mode already runs: a cancel of it
 * is withdrawn), 1 nothing to build (the mode is shown or its view is
 * made: engine_focus at once), -1 no thread or no memory (engine_focus
 * then builds it, synchronously).  Makes the pieces the worker reads if
 * they are not made yet (the all-time order: 0.1-0.3 s on 2M models; made
 * by the first idle steps), else O(1) plus the thread's start. */
int engine_focus_begin(struct engine *e, enum attrib_mode by);
/* Never blocks: 0 while the build runs; 1 when none runs (any that ran is
 * joined, and its view handed to the engine unless it was cancelled;
 * engine_mode_ready then says whether it is complete: a build cancelled and
 * begun again may have stopped early). */
int engine_focus_poll(struct engine *e);
/* Joins the build, as engine_focus_poll would once it is done. */
void engine_focus_wait(struct engine *e);
/* Asks the build to stop (it does between two pieces, tens of ms at
 * most) and to be thrown away: never blocks; engine_focus_poll frees it.
 * Nothing when no build runs. */
void engine_focus_cancel(struct engine *e);
/* 1 while a build runs and has not been cancelled. */
int engine_focus_building(const struct engine *e);

/* Memory: calls fn once per piece of derived data made so far, with its
 * bytes (kind HT_KIND_COUNT: shared by both tables; view: the attribution
 * view it serves, "org/uploader" ..., or NULL).  Reads sizes only: O(pieces).
 * engine_result_memory: the bytes one result holds. */
typedef void (*eng_memory_fn)(void *ctx, enum ht_kind kind, const char *piece, const char *view,
			      size_t bytes);
void engine_memory(const struct engine *e, eng_memory_fn fn, void *ctx);
size_t engine_result_memory(const struct eng_result *r);

/* Aggregate ranking for PANE_ORGS .. PANE_YEARS over a result.  Rows with
 * no items are left out, except the unattributed buckets (unknown country,
 * independent, unknown organisation), which are always shown.  Returns the
 * number of rows; *out is malloc'd (the caller frees it). */
size_t engine_rank(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		   enum eng_sort sort, int desc, struct eng_row **out);
/* The first `limit` rows (0 = all) of the same ranking, for a pane that
 * shows one screen: O(items + keys log limit) at most, instead of a sort of
 * every key, and for the organisations by downloads usually far less (the
 * accounts are walked by unfiltered downloads until no later one can enter).
 * Returns the number of rows in *out: min(rows of the ranking, limit). */
size_t engine_rank_top(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		       enum eng_sort sort, int desc, size_t limit, struct eng_row **out);
/* How many rows engine_rank gives (whatever the order), without making
 * them: for the organisations, per passing class the accounts it holds,
 * or the distinct accounts of few matches, or per account its items up to
 * the first match (at most one pass over the matches' accounts' items,
 * reading only their ranks: a few ms on 2M models where engine_rank takes
 * 0.1-0.3 s, most of it writing 88 bytes per row); the other panes are
 * ranked and counted.  (size_t)-1 when memory runs out. */
size_t engine_rank_count(struct engine *e, const struct eng_result *r, enum eng_pane pane);
/* engine_rank_top with every row's trending sum, whatever the order (an
 * export's column).  Costs, once per result, a pass over its matches (or
 * over the rest, when most match), and for the organisations one over the
 * listed accounts' items. */
size_t engine_rank_with_trending(struct engine *e, const struct eng_result *r, enum eng_pane pane,
				 enum eng_sort sort, int desc, size_t limit, struct eng_row **out);
/* Fills the trending sums of rows[0..n), any rows of a ranking of pane over
 * r (engine_rank, engine_rank_top), with what engine_rank_with_trending
 * gives them, without ranking again: a list makes those of the rows it
 * shows.  The first call on a result costs a pass over its matches (or the
 * rest); then each call reads the items of the rows' accounts (orgs with
 * few matches: the matches).  On 2M models: 1-5 ms for a first block of 64
 * rows, under 0.1 ms for the next.  0 on success, -1 when memory runs out. */
int engine_rank_trending(struct engine *e, const struct eng_result *r, enum eng_pane pane,
			 struct eng_row *rows, size_t n);

/* ---- the period window (WIN_PERIOD) ---------------------------------------
 *
 * A period's downloads per item of the engine's snapshot (the end) are its
 * all-time count there minus its all-time count in the start snapshot,
 * matched by id.  An item absent from the start and created after the
 * start's date counts from zero; absent from the start but created before
 * it (renamed, made public, or of unknown creation) its count is unknown.
 * An all-time count unknown at either end makes the period's unknown,
 * never 0; so does a count lower at the end than at the start (reported in
 * `negative`).  Items at the start that the end lacks (deleted or renamed)
 * are counted apart in `gone`. */
struct eng_period {
	int set;                          /* 0: no period (WIN_PERIOD matches as unknown) */
	int64_t start_as_of, end_as_of;   /* the dates the two snapshots describe */
	int64_t start_fetched, end_fetched;
	uint64_t items[HT_KIND_COUNT];    /* items at the end */
	uint64_t counted[HT_KIND_COUNT];  /* with a period count */
	uint64_t fresh[HT_KIND_COUNT];    /* absent at the start, created after it: from zero */
	uint64_t unmatched[HT_KIND_COUNT];/* absent at the start, created before it: unknown */
	uint64_t unknown[HT_KIND_COUNT];  /* an all-time count unknown at either end */
	uint64_t negative[HT_KIND_COUNT]; /* fewer all-time downloads at the end: unknown */
	uint64_t negative_sum[HT_KIND_COUNT]; /* by how many downloads, in all */
	uint64_t gone[HT_KIND_COUNT];     /* at the start, not at the end */
	uint64_t gone_downloads[HT_KIND_COUNT]; /* their all-time downloads at the start */
};

/* Sets the period window's start (NULL: no period).  The start must stay
 * alive while the engine uses it.  Refused, with a message in err that
 * says why and what to do, when either snapshot is partial (only the top
 * N: the items below it would look new or gone), when they come from
 * different endpoints (a hub and a mirror, demo and real data), or when
 * the start does not come before the end.  Cost: the ids matched by
 * strmatch_rows (strmatch.h: a hash of every id of both snapshots and a
 * lookup per item of the end, on two threads; about 0.3 s of CPU on 2M
 * models, most of engine_set_period's 0.4 s; engine_set_period_matched
 * skips it), 13 bytes a row, and the period's order with the columns in
 * it that need no attribution (the order, its inverse, the downloads,
 * likes, flags and creation times in it: 25 bytes a row); the columns that
 * need the attribution are then made on the first period answer, as the
 * all-time ones are.  Apply
 * again after a change: a result of the period made before keeps its
 * figures, but its rows follow the new order.  0 ok, -1 refused or out of
 * memory (the previous period is then cleared). */
int engine_set_period(struct engine *e, const struct ht_snapshot *start, char *err, size_t errlen);
/* As engine_set_period, with the end's rows already matched to the
 * start's: match[k][i] the start's row of end row i of kind k, or
 * STRMATCH_NONE (strmatch.h; a row map kept by rowmap.h).  Copied; no id
 * is hashed.  Refused (-1) as engine_set_period, and when a row is past
 * the start's.  The checks, the copy and the order: see engine_period_prepare. */
int engine_set_period_matched(struct engine *e, const struct ht_snapshot *start,
			      const uint32_t *const match[HT_KIND_COUNT], char *err, size_t errlen);
/* engine_set_period_matched in two halves, so that a front end can do the
 * first, which reads only the two snapshots, on another thread while it
 * builds the engine (the session's start-up with a period window):
 * engine_period_prepare checks and refuses as engine_set_period (err), and
 * makes each table's period column, its match (match NULL: the ids
 * matched, strmatch_rows) and its order (a radix sort: about 0.1 s of CPU
 * on 2M models with match given); engine_set_period_prepared then gives
 * it to an engine of end (refused, -1, for another snapshot), taking p
 * whatever it returns (NULL: no period), and sums the period's totals
 * (a pass over the rows).  The start must stay alive while the engine
 * uses it.  engine_period_prep_free frees one not given. */
struct eng_period_prep;
struct eng_period_prep *engine_period_prepare(const struct ht_snapshot *end, const struct ht_snapshot *start,
					      const uint32_t *const match[HT_KIND_COUNT], char *err, size_t errlen);
/* As engine_period_prepare, the arrays of match (malloc'd) becoming the
 * period's instead of copied: freed with it, or at once when it fails. */
struct eng_period_prep *engine_period_prepare_taking(const struct ht_snapshot *end, const struct ht_snapshot *start,
						     uint32_t *const match[HT_KIND_COUNT], char *err, size_t errlen);
int engine_set_period_prepared(struct engine *e, struct eng_period_prep *p, char *err, size_t errlen);
void engine_period_prep_free(struct eng_period_prep *p);
/* The match the period in force uses (the start's row of each end row of
 * kind), NULL without a period: what rowmap_save keeps. */
const uint32_t *engine_period_match(const struct engine *e, enum ht_kind kind);
/* What the last engine_set_period found; set == 0 without a period. */
const struct eng_period *engine_period(const struct engine *e);
/* The period's start snapshot, NULL without one. */
const struct ht_snapshot *engine_period_start(const struct engine *e);
/* What f's window measures, for headers and reports, into buf: "last 30
 * days", "all-time", or the dates of the period's two snapshots
 * ("2025-01-01..2025-07-01"; those of the data, which may differ from the
 * dates asked for).  Returns buf. */
const char *engine_window_label(const struct engine *e, const struct filter *f, char *buf, size_t len);

/* ---- movers ---------------------------------------------------------------
 *
 * Between the period's two snapshots: per item of a result, or per
 * organisation (PANE_ORGS, at the filter's level) or country of its items,
 * the 30-day downloads at the start and at the end (what the Hub counted
 * in the month before each), the rank by them at each, the growth, the
 * downloads over the period, and whether it is a new entrant.  Ranks are
 * taken among the result's items (or their keys) at the end, so an item
 * deleted since the start ranks nowhere (engine_period counts those). */
struct eng_mover {
	uint32_t key;          /* item row, account (or organisation), country index */
	const char *label;     /* id, account name, ISO code ("unknown") */
	const char *name;      /* display name */
	uint64_t count;        /* items at the end (1 for an item) */
	uint64_t count_start;  /* of them, items the start holds */
	uint64_t dl_start, dl_end; /* 30-day downloads (items with a count) */
	int start_known, end_known; /* some item has a count there (an entrant: 0 at the start, known) */
	uint32_t rank_start, rank_end; /* 1 = most downloaded; 0 = unranked (no count there) */
	int64_t rank_change;   /* rank_start - rank_end: > 0 climbed; 0 when either is unranked */
	int64_t growth;        /* dl_end - dl_start, when both are known */
	uint64_t period;       /* downloads over the period (items with a period count) */
	uint64_t period_counted;
	int entrant;           /* no item at the start (a new item, or all its items new) */
};
/* The movers of pane (PANE_MODELS or PANE_DATASETS: the items of r,
 * PANE_ORGS, PANE_COUNTRIES) into *out (malloc'd), ordered by growth,
 * largest first, the unknown last, ties by end rank.  Returns how many,
 * (size_t)-1 without a period, for another pane, or when memory runs out.
 * O(m log m) for m matches. */
size_t engine_movers(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		     struct eng_mover **out);

/* The text filter of Orgs and Regions (filter.search_names): 1 when a term
 * of search ("a|b", case-insensitive) is in the account's name, its
 * organisation's or its own display name, or names its country; a country
 * is named by a term in its name or equal to its ISO code.  Linear in the
 * terms. */
int engine_search_names_account(const struct engine *e, const char *search, uint32_t acct);
int engine_search_names_country(const char *search, unsigned country);

/* Window downloads of one item (0 when unknown: see engine_item_counted). */
uint64_t engine_item_downloads(const struct engine *e, const struct eng_result *r, uint32_t row);
/* The window downloads of rows[0..n) of the result's table, those with a
 * count: engine_item_downloads summed where engine_item_counted, in one
 * pass that fetches each row's count ahead (a list's Cum % far down
 * another order than downloads').  O(n). */
uint64_t engine_rows_downloads(const struct engine *e, const struct eng_result *r, const uint32_t *rows,
			       size_t n);
/* 1 when the item has a download count in the result's window. */
int engine_item_counted(const struct engine *e, const struct eng_result *r, uint32_t row);
/* 1 when the snapshot holds all-time counts for kind (--window all can be
 * answered). */
int engine_has_alltime(const struct engine *e, enum ht_kind kind);
/* The share of a part in a whole, NAN when the whole is 0. */
double engine_share(uint64_t part, uint64_t whole);
/* Share of the result's downloads whose country is known; NAN without
 * downloads. */
double engine_attributed_share(const struct eng_result *r);
/* The account an item counts for under the result's attribution mode. */
uint32_t engine_item_account(const struct engine *e, const struct eng_result *r, uint32_t row);

const char *engine_pane_key(enum eng_pane p);   /* "models", "datasets", "orgs", "countries", "groups", "org-types", "tasks", "libraries", "years" */
int engine_pane_find(const char *key);          /* -1 if unknown */
const char *engine_sort_key(enum eng_sort s);   /* "downloads", "likes", ... */
int engine_sort_find(const char *key);          /* -1 if unknown */
/* Label of a year bucket: "2024", "legacy" for bucket 0. */
const char *engine_year_label(unsigned bucket, char *buf, size_t len);

#endif

/* session.h - what every command opens: the snapshot (explicit, else the
 * cache's, else the embedded demo), the organisation directory, the
 * attribution and the engine over them.  One place, so the TUI and the
 * headless commands can never open different things for the same options.
 */
#ifndef HUBTOP_SESSION_H
#define HUBTOP_SESSION_H

#include "hubtop/table.h"
#include "hubtop/orgdir.h"
#include "hubtop/attrib.h"
#include "hubtop/engine.h"

struct session_opts {
	const char *snapshot;   /* --snapshot FILE or DATE (YYYY-MM-DD, from the history), or NULL */
	const char *cache_dir;  /* --cache-dir DIR, or NULL */
	const char *orgs;       /* shipped directory override, or NULL */
	int quiet;              /* don't report directory problems */
	int snapshot_only;      /* open the snapshot and directory only: no attribution, no engine */
	/* The window the front end opens on, or NULL.  A period since a date
	 * (ending at the snapshot opened) is then resolved on a second
	 * thread while the snapshot is loaded and attribution and the engine
	 * are built: its start loaded from the history, its rows matched, its
	 * order made (session_period_begin); session_set_window with that
	 * window takes it.  The filter is read only during session_open. */
	const struct filter *window;
};

struct session {
	char snapshot_path[4096]; /* "" when the embedded demo is open */
	char cache_dir[4096];
	int demo_fallback;        /* 1: no snapshot in the cache, the embedded demo is open */
	struct ht_snapshot *snap;
	struct orgdir *dir;
	struct attrib *attr;
	struct engine *eng;
	unsigned dir_problems;
	/* The cache's history index could not be read whole (history.h): what
	 * is wrong, said once by the front end; "" when it is fine or absent. */
	char history_warning[1100];
	/* --snapshot DATE, or the end of a period A..B: the day of the
	 * history that is open; "" otherwise. */
	char history_date[11];
	/* The snapshots of the calendar trends, made on first use
	 * (timeline.h); NULL until then. */
	void *series;
	/* The period window's start snapshot (session_set_window), which the
	 * engine borrows; NULL without a period. */
	struct ht_snapshot *period_start;
	int64_t period_from, period_to; /* the dates it was resolved for */
	/* The period being resolved on a second thread (session_opts.window),
	 * NULL when none. */
	struct session_pending *pending;
	/* 1 when the period in force was resolved while the session opened. */
	int period_early;
};

/* 0 on success; -1 with a user-facing message in err. */
int session_open(struct session *s, const struct session_opts *o, char *err, size_t errlen);
/* Swaps in a new snapshot (after a refresh) and rebuilds attribution and
 * engine.  On failure the session is unchanged. */
int session_reload(struct session *s, char *err, size_t errlen);
void session_close(struct session *s);

/* Makes f's window ready (session_period.c).  For WIN_PERIOD: the start is
 * the history's snapshot nearest to period_from (if that is the end or
 * later, the latest one before the end); the end is the open snapshot,
 * or with period_to the history's snapshot nearest to it, which then
 * replaces the open one (attribution and engine rebuilt).  The engine is
 * then given the start (engine_set_period: partial snapshots and other
 * endpoints are refused there).  Other windows leave the period as it is
 * (the explorer's Movers pane keeps showing it).  0, or -1
 * with a message that says what is missing and what to do; on failure
 * the period is dropped.  Cost: reading the history's index, loading one
 * snapshot (two for A..B) and engine_set_period. */
int session_set_window(struct session *s, const struct filter *f, char *err, size_t errlen);
/* As session_set_window, but never replaces the open snapshot: a period
 * A..B whose end is not the open snapshot is refused (the explorer, whose
 * views hold the open engine's answers). */
int session_set_window_here(struct session *s, const struct filter *f, char *err, size_t errlen);
/* 1 when the engine's period is the one f asks for (or f is no period):
 * nothing to resolve.  A refresh (session_reload) makes a new engine,
 * without a period. */
int session_period_ready(const struct session *s, const struct filter *f);
void session_clear_period(struct session *s);
/* Starts resolving the period of f (a period since a date, ending at the
 * snapshot the session is about to open, whose header says it is of the
 * date end_as_of: nothing else) on a second thread, which picks and loads
 * the start from the cache's history at once and, once given the end
 * (session_period_end: the snapshot loaded and its bounds checked, or
 * NULL when none comes), matches the two; it reads only them and the
 * cache.  session_set_window takes its answer (or, for another window or
 * when it failed, waits for it, drops it and resolves as without).
 * session_period_drop waits for it and drops it: before the open snapshot
 * is freed.  session_open and session_close call them. */
void session_period_begin(struct session *s, const struct filter *f, int64_t end_as_of);
void session_period_end(struct session *s, const struct ht_snapshot *end);
void session_period_drop(struct session *s);
/* The windows the explorer's window key cycles through, into out[0..max):
 * 30d, all, then since each earlier complete snapshot of the history,
 * the latest first.  Returns how many. */
size_t session_windows(struct session *s, struct filter *out, size_t max);

/* The embedded demo snapshot, loaded (a private copy). */
struct ht_snapshot *session_embedded_demo(char *err, size_t errlen);

#endif

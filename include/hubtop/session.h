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
	/* --snapshot DATE: the day of the history that is open; "" otherwise. */
	char history_date[11];
	/* The snapshots of the calendar trends, made on first use
	 * (timeline.h); NULL until then. */
	void *series;
};

/* 0 on success; -1 with a user-facing message in err. */
int session_open(struct session *s, const struct session_opts *o, char *err, size_t errlen);
/* Swaps in a new snapshot (after a refresh) and rebuilds attribution and
 * engine.  On failure the session is unchanged. */
int session_reload(struct session *s, char *err, size_t errlen);
void session_close(struct session *s);

/* The embedded demo snapshot, loaded (a private copy). */
struct ht_snapshot *session_embedded_demo(char *err, size_t errlen);

#endif

/* session.c - open the snapshot, directory, attribution and engine. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hubtop/demo.h"
#include "hubtop/history.h"
#include "hubtop/timeline.h"
#include "hubtop/session.h"
#include "hubtop/store.h"
#include "hubtop/safetext.h"

static void report_dir_problem(void *ctx, const char *msg)
{
	const struct session_opts *o = ctx;
	if (!o->quiet)
		safetext_fprintf(stderr, "hubtop: warning: %s (line skipped)\n", msg);
}

struct ht_snapshot *session_embedded_demo(char *err, size_t errlen)
{
	size_t len = (size_t)(demo_blob_end - demo_blob);
	struct store_err e;
	struct ht_snapshot *s;
	void *copy = malloc(len ? len : 1);

	if (!copy) {
		snprintf(err, errlen, "out of memory while opening the demo snapshot");
		return NULL;
	}
	memcpy(copy, demo_blob, len);
	s = store_load_mem(copy, len, "(built-in demo snapshot)", &e);
	if (!s)
		snprintf(err, errlen, "%s", e.msg);
	return s;
}

/* Snapshot, directory, attribution, engine: built in order, kept together.
 * The snapshot's checksum runs meanwhile on the other core; the session
 * takes the new parts only once it has matched, so a corrupted file never
 * replaces what was open.  Finishes the check in every case. */
static int build_derived(struct session *s, struct ht_snapshot *snap, struct store_check *check,
			 char *err, size_t errlen)
{
	struct attrib *a = attrib_build(snap, s->dir);
	struct engine *e = a ? engine_new(snap, a, s->dir) : NULL;
	struct store_err se;

	if (store_check_finish(check, &se) != 0) {
		engine_free(e);
		attrib_free(a);
		snprintf(err, errlen, "%s", se.msg);
		return -1;
	}
	if (!a || !e) {
		attrib_free(a);
		snprintf(err, errlen, "out of memory while %s %u models",
			 a ? "indexing" : "attributing", snap->t[HT_MODELS].n);
		return -1;
	}
	engine_free(s->eng);
	attrib_free(s->attr);
	table_free(s->snap);
	s->snap = snap;
	s->attr = a;
	s->eng = e;
	return 0;
}

/* YYYY-MM-DD. */
static int is_date(const char *v)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? v[i] != '-' : (v[i] < '0' || v[i] > '9'))
			return 0;
	return v[10] == '\0' && table_parse_time(v) > 0;
}

/* --snapshot DATE: that day's snapshot from the history, or the nearest
 * days in the message. */
static struct ht_snapshot *open_from_history(struct session *s, const char *day, char *err,
					     size_t errlen)
{
	struct store_err e;
	struct history *h = history_open(s->cache_dir, &e);
	struct ht_snapshot *snap = NULL;
	char idx[4200];
	long i;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	history_index_path(s->cache_dir, idx, sizeof idx);
	i = history_find_date(h, day);
	if (i < 0) {
		long near = history_nearest(h, table_parse_time(day));
		if (near < 0) {
			snprintf(err, errlen, "no file %s, and the history (%s) holds no snapshot%s%s. "
				 "'hubtop fetch' or 'hubtop import --as-of DATE' add one.",
				 day, idx, e.msg[0] ? ": " : "", e.msg);
		} else {
			const struct history_entry *a = history_at(h, (size_t)near), *b = NULL;
			int64_t want = table_parse_time(day);
			/* The nearest on the other side too. */
			if (a->as_of < want && (size_t)near + 1 < history_count(h))
				b = history_at(h, (size_t)near + 1);
			else if (a->as_of > want && near > 0)
				b = history_at(h, (size_t)near - 1);
			snprintf(err, errlen, "no snapshot of %s in the history (%s). Did you mean %s%s%s? "
				 "'hubtop history' lists them.", day, idx, a->date, b ? " or " : "",
				 b ? b->date : "");
		}
	} else {
		snap = history_load(h, (size_t)i, &e);
		if (!snap)
			snprintf(err, errlen, "%s", e.msg);
		else
			snprintf(s->history_date, sizeof s->history_date, "%s", day);
	}
	history_free(h);
	return snap;
}

static struct ht_snapshot *open_snapshot(struct session *s, const struct session_opts *o,
					 struct store_check **check, char *err, size_t errlen)
{
	struct store_err e;
	struct ht_snapshot *snap;
	struct stat st;

	*check = NULL;
	s->demo_fallback = 0;
	s->history_date[0] = '\0';
	if (o->snapshot && is_date(o->snapshot) && stat(o->snapshot, &st) != 0) {
		snprintf(s->snapshot_path, sizeof s->snapshot_path, "%s", o->snapshot);
		return open_from_history(s, o->snapshot, err, errlen);
	}
	if (o->snapshot && *o->snapshot) {
		snprintf(s->snapshot_path, sizeof s->snapshot_path, "%s", o->snapshot);
	} else {
		if (store_default_path(s->cache_dir, s->snapshot_path, sizeof s->snapshot_path)) {
			snprintf(err, errlen, "cache folder name too long: %s", s->cache_dir);
			return NULL;
		}
		if (stat(s->snapshot_path, &st) != 0 && errno == ENOENT) {
			/* Nothing fetched yet: the demo, so hubtop works at once, offline. */
			s->snapshot_path[0] = '\0';
			s->demo_fallback = 1;
			return session_embedded_demo(err, errlen);
		}
	}
	snap = store_load_start(s->snapshot_path, check, &e);
	if (!snap)
		snprintf(err, errlen, "%s", e.msg);
	return snap;
}

int session_open(struct session *s, const struct session_opts *o, char *err, size_t errlen)
{
	struct orgdir_diag diag = { report_dir_problem, (void *)o, 0 };
	struct store_check *check;
	struct ht_snapshot *snap;

	memset(s, 0, sizeof *s);
	if (store_cache_dir(o->cache_dir, s->cache_dir, sizeof s->cache_dir) != 0) {
		snprintf(err, errlen, "cannot tell where the cache folder is: set HOME, "
			 "XDG_CACHE_HOME or HUBTOP_CACHE_DIR, or pass --cache-dir DIR");
		return -1;
	}
	s->dir = orgdir_new();
	if (!s->dir) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	orgdir_load_default(s->dir, o->orgs, &diag);
	s->dir_problems = diag.errors;
	{
		/* The history is read only when asked for, but a damaged index is
		 * said at once (the front end says it once): it never keeps the
		 * snapshot from opening. */
		struct store_err he;
		struct history *h = history_open(s->cache_dir, &he);
		if (h && he.msg[0])
			snprintf(s->history_warning, sizeof s->history_warning, "%s", he.msg);
		history_free(h);
	}
	if (o->window && !o->snapshot_only) {
		/* A period's start loaded and matched on the other core while
		 * the snapshot is loaded and attribution and the engine are
		 * built; the snapshot's header gives the date it picks by. */
		char path[sizeof s->snapshot_path];
		struct ht_meta m;
		uint32_t counts[HT_KIND_COUNT];
		struct stat st;
		int from_history = o->snapshot && is_date(o->snapshot) && stat(o->snapshot, &st) != 0;
		if (o->snapshot && *o->snapshot)
			snprintf(path, sizeof path, "%s", o->snapshot);
		else if (store_default_path(s->cache_dir, path, sizeof path) != 0)
			path[0] = '\0';
		if (!from_history && path[0] && store_peek(path, &m, counts) == 0)
			session_period_begin(s, o->window, m.as_of);
	}
	snap = open_snapshot(s, o, &check, err, errlen);
	/* The demo standing in for an empty cache ends no period of it. */
	session_period_end(s, s->demo_fallback ? NULL : snap);
	if (snap && o->snapshot_only) {
		struct store_err se;
		if (store_check_finish(check, &se) == 0) {
			s->snap = snap;
			return 0;
		}
		snprintf(err, errlen, "%s", se.msg);
		table_free(snap);
		session_close(s);
		return -1;
	}
	if (!snap || build_derived(s, snap, check, err, errlen) != 0) {
		session_period_drop(s); /* it reads snap */
		if (snap && !s->snap)
			table_free(snap);
		session_close(s);
		return -1;
	}
	return 0;
}

int session_reload(struct session *s, char *err, size_t errlen)
{
	struct session_opts o = { 0 };
	struct store_check *check;
	struct ht_snapshot *snap;
	char keep_path[sizeof s->snapshot_path];
	int keep_demo = s->demo_fallback;

	session_period_drop(s);
	memcpy(keep_path, s->snapshot_path, sizeof keep_path);
	o.snapshot = s->snapshot_path[0] ? keep_path : NULL;
	o.quiet = 1;
	snap = open_snapshot(s, &o, &check, err, errlen);
	if (!snap || build_derived(s, snap, check, err, errlen) != 0) {
		table_free(snap);
		memcpy(s->snapshot_path, keep_path, sizeof keep_path);
		s->demo_fallback = keep_demo;
		return -1;
	}
	timeline_cache_free(s); /* the history may have grown */
	return 0;
}

void session_close(struct session *s)
{
	session_period_drop(s);
	session_clear_period(s);
	timeline_cache_free(s);
	engine_free(s->eng);
	attrib_free(s->attr);
	table_free(s->snap);
	orgdir_free(s->dir);
	s->eng = NULL;
	s->attr = NULL;
	s->snap = NULL;
	s->dir = NULL;
}

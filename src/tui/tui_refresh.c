/* tui_refresh.c - R: a new snapshot fetched from the Hub on a second
 * thread while the explorer stays usable; the progress shows in the status
 * line, Esc cancels, and the new snapshot replaces the old only once it
 * opened (see tui_kernel.h).
 *
 * Owns: the refresh thread's state, shared with the thread under its mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "hubtop/draw.h"
#include "hubtop/history.h"
#include "hubtop/hub.h"
#include "hubtop/store.h"
#include "hubtop/tui_kernel.h"

struct tui_refresh {
	pthread_t th;
	pthread_mutex_t mu;
	int running;        /* a thread exists (joined when done) */
	int done;           /* set by the thread */
	volatile int cancel;
	int rc;
	char err[1024];
	char phase[32];
	struct hub_progress p;
	struct hub_opts o;
	const struct orgdir *dir;
	char keep[64];      /* the history's retention, "" the default */
	char hist[1100];    /* what became of the history add */
};

static struct tui_refresh tui_rf = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int tui_refresh_progress(void *ctx, const struct hub_progress *p)
{
	struct tui_refresh *rf = ctx;
	pthread_mutex_lock(&rf->mu);
	rf->p = *p;
	snprintf(rf->phase, sizeof rf->phase, "%s", p->phase ? p->phase : "");
	rf->p.phase = NULL;
	pthread_mutex_unlock(&rf->mu);
	return rf->cancel;
}

static void *tui_refresh_main(void *arg)
{
	struct tui_refresh *rf = arg;
	char err[1024] = "";
	int rc = hub_fetch(&rf->o, rf->dir, err, sizeof err);
	char path[4096];
	/* Like 'hubtop fetch', the new snapshot joins the history, here on
	 * the refresh's thread so the explorer stays usable meanwhile. */
	if (rc == 0 && store_default_path(rf->o.cache_dir, path, sizeof path) == 0) {
		struct store_err e;
		struct history_keep k;
		struct ht_snapshot *s = store_load(path, &e);
		int hr = -1;
		if (s && history_parse_keep(rf->keep[0] ? rf->keep : HISTORY_KEEP_DEFAULT, &k, &e) == 0)
			hr = history_add_keep(rf->o.cache_dir, s, &k, &e);
		table_free(s);
		snprintf(rf->hist, sizeof rf->hist, "%s%s", hr == 0 ? "kept in the history" :
			 "not kept in the history: ", hr == 0 ? "" : e.msg);
	}
	pthread_mutex_lock(&rf->mu);
	rf->rc = rc;
	snprintf(rf->err, sizeof rf->err, "%s", err);
	rf->done = 1;
	pthread_mutex_unlock(&rf->mu);
	return NULL;
}

void tui_refresh_start(struct tui *t)
{
	struct tui_refresh *rf = &tui_rf;
	const struct ht_snapshot *snap = t->s->snap;
	if (rf->running) {
		tui_message(t, 0, "A refresh is already running (%s cancels it)", request_key_hint(REQ_REFRESH_CANCEL));
		return;
	}
	hub_opts_init(&rf->o);
	rf->o.cache_dir = t->s->cache_dir;
	/* Always into the cache's snapshot: a file opened with --snapshot (a demo,
	 * an import, an old copy) is the user's and is never overwritten. */
	rf->o.snapshot = NULL;
	rf->o.models = 1;
	rf->o.datasets = 1;
	rf->o.top_n = snap && !snap->meta.complete ? snap->meta.top_n : 0;
	rf->o.progress = tui_refresh_progress;
	rf->o.ctx = rf;
	rf->o.cancel = &rf->cancel;
	rf->dir = t->s->dir;
	snprintf(rf->keep, sizeof rf->keep, "%s", t->cfg.history_keep);
	rf->hist[0] = '\0';
	rf->cancel = 0;
	rf->done = 0;
	rf->rc = 0;
	rf->err[0] = '\0';
	rf->phase[0] = '\0';
	memset(&rf->p, 0, sizeof rf->p);
	if (pthread_create(&rf->th, NULL, tui_refresh_main, rf) != 0) {
		tui_message(t, 1, "Cannot start the refresh: %s", strerror(errno));
		return;
	}
	rf->running = 1;
	tui_message(t, 0, "Refreshing from the Hub in the background (%s cancels)", request_key_hint(REQ_REFRESH_CANCEL));
}

/* "HTTP 401 from http://host/api/models?long...: the cause; what to do"
 * becomes "the cause; what to do (HTTP 401 from http://host/api/models)":
 * on one line of the screen the cause must come before the address, and
 * the query string helps nobody there. */
void tui_refresh_cause_first(const char *err, char *out, size_t len)
{
	const char *u = strstr(err, "http://"), *e, *rest;
	if (!u)
		u = strstr(err, "https://");
	if (!u) {
		snprintf(out, len, "%s", err);
		return;
	}
	e = u + strcspn(u, " ");
	rest = e;
	while (*rest == ' ')
		rest++;
	if (!*rest) {
		snprintf(out, len, "%s", err);
		return;
	}
	size_t ulen = strcspn(u, "? ");
	while (ulen && (u[ulen - 1] == ':' || u[ulen - 1] == '.'))
		ulen--;
	size_t plen = (size_t)(u - err);
	while (plen && err[plen - 1] == ' ')
		plen--;
	snprintf(out, len, "%s (%.*s%s%.*s)", rest, (int)plen, err, plen ? " " : "", (int)ulen, u);
}

void tui_refresh_poll(struct tui *t)
{
	struct tui_refresh *rf = &tui_rf;
	int done;
	if (!rf->running)
		return;
	pthread_mutex_lock(&rf->mu);
	done = rf->done;
	pthread_mutex_unlock(&rf->mu);
	if (!done)
		return;
	pthread_join(rf->th, NULL);
	rf->running = 0;
	if (rf->rc != 0) {
		char why[1024];
		tui_refresh_cause_first(rf->err, why, sizeof why);
		tui_message(t, 1, "Refresh %s: %s (the current snapshot stays in use)",
			    rf->cancel ? "cancelled" : "failed", why[0] ? why : "no reason given");
		return;
	}
	char err[1024] = "";
	tui_focus_stop(t); /* the engine goes: its build first */
	tui_results_free(t);
	/* Views pushed over the panes (detail) point at rows of the old
	 * snapshot: the pane shown stays if it is a tab, else the first. */
	tui_switch(t, tui_shown(t)->tab ? tui_shown(t) : &t->views[0]);
	for (unsigned i = 0; i < HT_PANE_COUNT; i++)
		if (t->views[i].ops->done)
			t->views[i].ops->done(&t->views[i]);
	/* Switch to the cache's snapshot, where the refresh wrote; on failure
	 * session_reload keeps the one that is open. */
	char keep[sizeof t->s->snapshot_path];
	memcpy(keep, t->s->snapshot_path, sizeof keep);
	t->s->snapshot_path[0] = '\0';
	if (session_reload(t->s, err, sizeof err) != 0) {
		memcpy(t->s->snapshot_path, keep, sizeof keep);
		tui_message(t, 1, "Refresh done but the new snapshot cannot be opened: %s", err);
	} else {
		tui_message(t, 0, "Refreshed: %llu models, %llu datasets%s%s",
			    (unsigned long long)t->s->snap->t[HT_MODELS].n,
			    (unsigned long long)t->s->snap->t[HT_DATASETS].n, rf->hist[0] ? "; " : "",
			    rf->hist);
	}
	t->gen++;
}

int tui_refresh_running(void)
{
	return tui_rf.running;
}

void tui_refresh_cancel(struct tui *t)
{
	tui_rf.cancel = 1;
	tui_message(t, 0, "Cancelling the refresh...");
}

void tui_refresh_stop(void)
{
	if (tui_rf.running) {
		tui_rf.cancel = 1;
		pthread_join(tui_rf.th, NULL);
		tui_rf.running = 0;
	}
}

void tui_refresh_status(struct tui *t, int y, int *x)
{
	struct hub_progress p;
	char phase[32], b1[32], bar[256], buf[256];
	pthread_mutex_lock(&tui_rf.mu);
	p = tui_rf.p;
	snprintf(phase, sizeof phase, "%s", tui_rf.phase);
	pthread_mutex_unlock(&tui_rf.mu);
	snprintf(buf, sizeof buf, " Refresh %s %s items ", phase[0] ? phase : "starting",
		 draw_thousands(p.items, b1, sizeof b1));
	tui_put(y, x, t->cols, buf, DR_STATUS);
	int bw = t->cols - *x - 24;
	if (bw > 30)
		bw = 30;
	if (bw > 4) {
		double frac = p.expected ? (double)p.items / (double)p.expected : 0;
		if (!p.expected) /* unknown total: a bar that moves with the pages */
			frac = (double)(p.pages % 20) / 20.0;
		draw_bar_str(bar, sizeof bar, frac, bw);
		tui_put(y, x, t->cols, "[", DR_STATUS);
		tui_put(y, x, t->cols, bar, DR_STATUS);
		tui_put(y, x, t->cols, "]", DR_STATUS);
	}
	if (p.wait_s > 0)
		snprintf(buf, sizeof buf, " waiting %ds%s", p.wait_s, p.quota_wait ? " (quota)" : "");
	else
		snprintf(buf, sizeof buf, " %.0f/s %s cancels", p.rate, request_key_hint(REQ_REFRESH_CANCEL));
	tui_put(y, x, t->cols, buf, DR_STATUS);
}

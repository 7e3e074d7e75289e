/* tui.c - the explorer's main loop: screen layout (header figures, tab bar,
 * pane, status and message lines), key dispatch from the request table, the
 * line prompt, the generic list, export and background refresh.
 */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <wchar.h>
#include <curses.h>

#include "hubtop/draw.h"
#include "hubtop/export.h"
#include "hubtop/hub.h"
#include "hubtop/safetext.h"
#include "hubtop/tui.h"
#include "hubtop/view.h"

/* ---- the request table ------------------------------------------------ */

const struct request_info request_table[] = {
#define REQ_ROW(id, name, keys, help) { REQ_##id, name, keys, help, NULL },
#define REQ_GRP(g) { REQ_NONE, NULL, NULL, NULL, g },
	REQ_INFO(REQ_ROW, REQ_GRP)
#undef REQ_ROW
#undef REQ_GRP
};
const unsigned request_table_len = sizeof request_table / sizeof request_table[0];

enum request request_find(const char *name)
{
	for (unsigned i = 0; i < request_table_len; i++)
		if (request_table[i].name && strcasecmp(request_table[i].name, name) == 0)
			return request_table[i].req;
	return REQ_NONE;
}

int request_key_code(const char *k, size_t len)
{
	static const struct { const char *name; int code; } named[] = {
		{ "Enter", '\n' }, { "Esc", 27 }, { "Tab", '\t' }, { "S-Tab", KEY_BTAB },
		{ "Backspace", KEY_BACKSPACE }, { "Space", ' ' }, { "Up", KEY_UP },
		{ "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
		{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME },
		{ "End", KEY_END },
	};
	if (len == 1)
		return (unsigned char)k[0];
	if (len == 2 && k[0] == '^')
		return k[1] & 0x1f;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strlen(named[i].name) == len && strncmp(named[i].name, k, len) == 0)
			return named[i].code;
	if (len >= 2 && len <= 3 && k[0] == 'F') {
		int n = atoi(k + 1);
		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	return -1;
}

enum request request_for_key(int key)
{
	static unsigned char map[KEY_MAX + 1];
	static int built;
	if (!built) {
		for (unsigned i = 0; i < request_table_len; i++) {
			const char *k = request_table[i].keys;
			while (k && *k) {
				size_t n = strcspn(k, " ");
				int code = request_key_code(k, n);
				if (code >= 0 && code <= KEY_MAX && !map[code])
					map[code] = (unsigned char)request_table[i].req;
				k += n;
				while (*k == ' ')
					k++;
			}
		}
		/* Other codes terminals send for the same keys. */
		map['\r'] = REQ_ENTER;
		map[KEY_ENTER] = REQ_ENTER;
		map[127] = REQ_BACK;
		map[8] = REQ_BACK;
		map[KEY_LEFT] = REQ_BACK;
		map[KEY_RIGHT] = REQ_ENTER;
		built = 1;
	}
	return key >= 0 && key <= KEY_MAX ? (enum request)map[key] : REQ_NONE;
}

/* ---- tracing (HUBTOP_TRACE=FILE: timestamps for the benchmark) --------- */

static FILE *tui_trace_fp;

static void tui_trace(const char *what, int arg)
{
	struct timespec ts;
	if (!tui_trace_fp)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(tui_trace_fp, "%s %lld %d\n", what,
		(long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, arg);
	fflush(tui_trace_fp);
}

/* ---- background refresh -------------------------------------------------- */

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
	pthread_mutex_lock(&rf->mu);
	rf->rc = rc;
	snprintf(rf->err, sizeof rf->err, "%s", err);
	rf->done = 1;
	pthread_mutex_unlock(&rf->mu);
	return NULL;
}

static void tui_refresh_start(struct tui *t)
{
	struct tui_refresh *rf = &tui_rf;
	const struct ht_snapshot *snap = t->s->snap;
	if (rf->running) {
		tui_message(t, 0, "A refresh is already running (Esc cancels it)");
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
	tui_message(t, 0, "Refreshing from the Hub in the background (Esc cancels)");
}

static void tui_results_free(struct tui *t)
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		engine_result_free(t->res[k]);
		t->res[k] = NULL;
		t->res_gen[k] = 0;
	}
}

static void tui_refresh_poll(struct tui *t)
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
		tui_message(t, 1, "Refresh %s: %s (the current snapshot stays in use)",
			    rf->cancel ? "cancelled" : "failed", rf->err[0] ? rf->err : "no reason given");
		return;
	}
	char err[1024] = "";
	tui_results_free(t);
	for (unsigned i = 0; i < t->n_views; i++)
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
		tui_message(t, 0, "Refreshed: %llu models, %llu datasets",
			    (unsigned long long)t->s->snap->t[HT_MODELS].n,
			    (unsigned long long)t->s->snap->t[HT_DATASETS].n);
	}
	/* Detail views point at rows of the old snapshot. */
	t->depth = 0;
	if (!t->views[t->cur].ops->tab)
		t->cur = 0;
	t->gen++;
}

/* ---- results and filters ------------------------------------------------- */

void *view_rank_open(struct tui *t, struct view *v, enum eng_pane pane, size_t size)
{
	struct view_rank *p = v->priv;
	struct eng_result *r = tui_result(t, HT_MODELS);

	if (!p) {
		p = calloc(1, size);
		if (!p) {
			v->n = 0;
			return NULL;
		}
		v->priv = p;
	}
	free(p->rows);
	p->rows = NULL;
	free(p->tr_made);
	p->tr_made = NULL;
	p->pane = pane;
	/* A ranking by trending has every row's sums; others make them a block
	 * of rows at a time, once shown (view_rank_trending). */
	p->tr_all = v->sort == SORT_TRENDING;
	v->n = r ? engine_rank(t->s->eng, r, pane, (enum eng_sort)v->sort, v->desc, &p->rows) : 0;
	if (!p->rows)
		v->n = 0;
	return p;
}

static int view_rank_trending(struct tui *t, struct view *v, size_t i)
{
	struct view_rank *p = v->priv;
	struct eng_result *r;
	size_t b = i / 64, n;
	if (!p || i >= v->n)
		return -1;
	if (p->tr_all)
		return 0;
	if (!p->tr_made && !(p->tr_made = calloc(v->n / 4096 + 1, sizeof *p->tr_made)))
		return -1;
	if (p->tr_made[b / 64] >> (b % 64) & 1)
		return 0;
	/* The rows are those of the current result: a filter change re-opens
	 * the view before it is drawn again. */
	r = tui_result(t, HT_MODELS);
	n = v->n - b * 64 < 64 ? v->n - b * 64 : 64;
	if (!r || engine_rank_trending(t->s->eng, r, p->pane, p->rows + b * 64, n) != 0)
		return -1;
	p->tr_made[b / 64] |= (uint64_t)1 << (b % 64);
	return 0;
}

void view_rank_trending_cell(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	const struct view_rank *p = v->priv;
	if (view_rank_trending(t, v, i) == 0)
		draw_human(p->rows[i].trending, buf, len);
	else
		snprintf(buf, len, "?");
}

void view_rank_done(struct view *v)
{
	struct view_rank *p = v->priv;
	if (p) {
		free(p->rows);
		free(p->tr_made);
	}
	free(p);
	v->priv = NULL;
	v->n = 0;
	v->gen = 0;
}

struct eng_result *tui_result(struct tui *t, enum ht_kind k)
{
	if (!t->res[k] || t->res_gen[k] != t->gen) {
		engine_result_free(t->res[k]);
		tui_trace("apply", (int)k);
		t->res[k] = engine_apply(t->s->eng, &t->filter, k);
		tui_trace("applied", t->res[k] ? (int)t->res[k]->n : -1);
		t->res_gen[k] = t->gen;
		t->prepared = NULL; /* a new answer may leave idle work (a search's next letter) */
	}
	return t->res[k];
}

static void tui_undo_push(struct tui *t, const struct filter *old)
{
	if (t->n_undo == TUI_UNDO_MAX) {
		memmove(t->undo, t->undo + 1, sizeof t->undo[0] * (TUI_UNDO_MAX - 1));
		t->n_undo--;
	}
	t->undo[t->n_undo++] = *old;
}

static void tui_filter_replace(struct tui *t, const struct filter *f, int undo)
{
	if (filter_equal(&t->filter, f))
		return;
	if (undo)
		tui_undo_push(t, &t->filter);
	t->filter = *f;
	t->gen++;
}

void tui_set_filter(struct tui *t, const struct filter *f)
{
	tui_filter_replace(t, f, 1);
}

void tui_message(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_err = error;
}

struct view *tui_view(struct tui *t, const char *key)
{
	for (unsigned i = 0; i < t->n_views; i++)
		if (strcmp(t->views[i].ops->key, key) == 0)
			return &t->views[i];
	return NULL;
}

static int tui_view_index(struct tui *t, const char *key)
{
	struct view *v = tui_view(t, key);
	return v ? (int)(v - t->views) : -1;
}

void tui_push(struct tui *t, const char *key, const struct filter *f)
{
	int idx = tui_view_index(t, key);
	if (idx < 0)
		return;
	if (t->depth == TUI_STACK_MAX) {
		memmove(t->stack, t->stack + 1, sizeof t->stack[0] * (TUI_STACK_MAX - 1));
		t->depth--;
	}
	t->stack[t->depth].view = t->cur;
	t->stack[t->depth].filter = t->filter;
	t->stack[t->depth].filter_set = f != NULL;
	t->depth++;
	if (f)
		tui_set_filter(t, f);
	t->cur = idx;
}

static void tui_back(struct tui *t)
{
	if (!t->depth)
		return;
	t->depth--;
	t->cur = t->stack[t->depth].view;
	if (t->stack[t->depth].filter_set)
		tui_set_filter(t, &t->stack[t->depth].filter);
}

/* Re-opens a view for the current results, keeping the selected row when it
 * is still there. */
static void tui_view_open(struct tui *t, struct view *v)
{
	/* The rows of an old result may be gone: use the identity recorded
	 * when the row was last shown, not the old rows themselves. */
	uint64_t id = v->sel_id;
	int had = v->has_sel_id && v->ops->ident;
	tui_trace("open", 0);
	v->ops->open(t, v);
	tui_trace("opened", (int)v->n);
	v->gen = t->gen;
	if (v->sel >= v->n)
		v->sel = v->n ? v->n - 1 : 0;
	if (had && v->ops->find) {
		size_t i = v->ops->find(t, v, id);
		if (i < v->n)
			v->sel = i;
	} else if (had) {
		for (size_t i = 0; i < v->n; i++) {
			if (v->ops->ident(t, v, i) == id) {
				v->sel = i;
				break;
			}
		}
	}
}

/* Records the selected row's identity (after every key and draw). */
static void tui_view_mark(struct tui *t, struct view *v)
{
	v->has_sel_id = v->gen == t->gen && v->n && v->ops->ident;
	if (v->has_sel_id)
		v->sel_id = v->ops->ident(t, v, v->sel);
}

static void tui_view_ready(struct tui *t, struct view *v)
{
	if (v->gen != t->gen)
		tui_view_open(t, v);
}

/* ---- layout ---------------------------------------------------------------- */

struct tui_layout {
	int figures;        /* header lines of figures (0..2) */
	int tabs_y;
	int body_y, body_h;
	int status_y, msg_y;
};

static struct tui_layout tui_layout(const struct tui *t)
{
	struct tui_layout l;
	l.figures = t->rows >= 16 ? 2 : t->rows >= 12 ? 1 : 0;
	l.tabs_y = l.figures;
	l.body_y = l.tabs_y + 1;
	l.status_y = t->rows - 2;
	l.msg_y = t->rows - 1;
	l.body_h = l.status_y - l.body_y;
	if (l.body_h < 0)
		l.body_h = 0;
	return l;
}

static int tui_tab_x[16], tui_tab_w[16], tui_tab_view[16], tui_n_tabs;

static enum ht_kind tui_view_kind(const struct view *v)
{
	/* The detail and concentration panes keep their item table in mode. */
	return strcmp(v->ops->key, "datasets") == 0 ||
	       ((strcmp(v->ops->key, "detail") == 0 || strcmp(v->ops->key, "concentration") == 0) &&
		v->mode == HT_DATASETS) ? HT_DATASETS : HT_MODELS;
}

static void tui_put(int y, int *x, int maxx, const char *s, enum draw_role r)
{
	int w = draw_width(s);
	if (*x >= maxx)
		return;
	if (w > maxx - *x)
		w = maxx - *x;
	draw_text(stdscr, y, *x, w, s, 0, r);
	*x += w;
}

static void tui_draw_figures(struct tui *t, const struct tui_layout *l)
{
	enum ht_kind k = tui_view_kind(&t->views[t->cur]);
	struct eng_result *r = tui_result(t, k);
	char b1[32], b2[32], b3[32], b4[32], line[512];
	int x = 0;

	if (l->figures < 1 || !r)
		return;
	draw_clear_line(stdscr, 0, 0, DR_NORMAL);
	tui_put(0, &x, t->cols, k == HT_MODELS ? "Models " : "Datasets ", DR_FIGLABEL);
	snprintf(line, sizeof line, "%s", draw_thousands(r->count, b1, sizeof b1));
	tui_put(0, &x, t->cols, line, DR_FIGURES);
	tui_put(0, &x, t->cols, t->filter.window == WIN_ALL ? "  Downloads (all time) " : "  Downloads (30d) ",
		DR_FIGLABEL);
	/* Unknown is n/a, never 0: no item with a count, no figure. */
	tui_put(0, &x, t->cols, r->count && !r->counted ? "n/a" : draw_human(r->downloads, b1, sizeof b1),
		DR_FIGURES);
	tui_put(0, &x, t->cols, "  Top-200 ", DR_FIGLABEL);
	tui_put(0, &x, t->cols, draw_percent(r->top_share[2], b2, sizeof b2), DR_FIGURES);
	if (r->partial) {
		/* Without the long tail, its share and the Gini are unknown. */
		tui_put(0, &x, t->cols, "  Long tail ", DR_FIGLABEL);
		snprintf(line, sizeof line, "n/a (partial snapshot: top %llu only)",
			 (unsigned long long)t->s->snap->meta.top_n);
		tui_put(0, &x, t->cols, line, DR_FIGURES);
	} else {
		tui_put(0, &x, t->cols, "  Under 200 dl ", DR_FIGLABEL);
		tui_put(0, &x, t->cols, draw_percent(r->under_share, b3, sizeof b3), DR_FIGURES);
		tui_put(0, &x, t->cols, "  Gini ", DR_FIGLABEL);
		if (isnan(r->gini))
			snprintf(b4, sizeof b4, "n/a");
		else
			snprintf(b4, sizeof b4, "%.3f", r->gini);
		tui_put(0, &x, t->cols, b4, DR_FIGURES);
	}
	if (r->na_reason) {
		snprintf(line, sizeof line, "  (%s)", r->na_reason);
		tui_put(0, &x, t->cols, line, DR_FIGLABEL);
	} else if (r->count > r->counted) {
		snprintf(line, sizeof line, "  %s without a download count",
			 draw_thousands(r->count - r->counted, b1, sizeof b1));
		tui_put(0, &x, t->cols, line, DR_FIGLABEL);
	}

	if (l->figures < 2)
		return;
	/* The leading countries and organisation types by downloads. */
	draw_clear_line(stdscr, 1, 0, DR_NORMAL);
	x = 0;
	tui_put(1, &x, t->cols, "Countries ", DR_FIGLABEL);
	unsigned nc = country_count(), top[3] = { 0, 0, 0 };
	int ntop = 0;
	for (int pick = 0; pick < 3; pick++) {
		unsigned best = 0;
		int found = 0;
		for (unsigned i = 0; i < nc; i++) {
			int used = 0;
			for (int j = 0; j < pick; j++)
				used |= top[j] == i;
			if (used || !r->by_country[i].downloads)
				continue;
			if (!found || r->by_country[i].downloads > r->by_country[best].downloads) {
				best = i;
				found = 1;
			}
		}
		if (!found)
			break;
		top[ntop++] = best;
	}
	for (int i = 0; i < ntop; i++) {
		double sh = t->filter.of == OF_ATTRIBUTED
				    ? (top[i] == COUNTRY_UNKNOWN ? NAN
				       : engine_share(r->by_country[top[i]].downloads, r->attributed_downloads))
				    : engine_share(r->by_country[top[i]].downloads, r->downloads);
		snprintf(line, sizeof line, "%s %s  ", top[i] ? country_code(top[i]) : "??",
			 draw_percent(sh, b1, sizeof b1));
		tui_put(1, &x, t->cols, line, DR_FIGURES);
	}
	/* How much of the downloads has a country (under --of attributed the
	 * shares are of that part), and what a country filter leaves out. */
	snprintf(line, sizeof line, "attributed: %s of downloads%s ",
		 draw_percent(engine_attributed_share(r), b1, sizeof b1),
		 filter_any_country(&t->filter) && !filter_has_country(&t->filter, COUNTRY_UNKNOWN)
			 ? " (items without a country left out)" : "");
	tui_put(1, &x, t->cols, line, DR_FIGLABEL);
	tui_put(1, &x, t->cols, " Types ", DR_FIGLABEL);
	int used_t[OT_COUNT] = { 0 };
	for (int pick = 0; pick < 3; pick++) {
		int best = -1;
		for (int i = 0; i < OT_COUNT; i++)
			if (!used_t[i] && r->by_type[i].downloads &&
			    (best < 0 || r->by_type[i].downloads > r->by_type[best].downloads))
				best = i;
		if (best < 0)
			break;
		used_t[best] = 1;
		double sh = t->filter.of == OF_ATTRIBUTED
				    ? (best == OT_UNKNOWN_ORG ? NAN
				       : engine_share(r->by_type[best].downloads, r->attributed_type_downloads))
				    : engine_share(r->by_type[best].downloads, r->downloads);
		snprintf(line, sizeof line, "%s %s  ", orgdir_type_key((enum org_type)best),
			 draw_percent(sh, b1, sizeof b1));
		tui_put(1, &x, t->cols, line, DR_FIGURES);
	}
}

static void tui_draw_tabs(struct tui *t, const struct tui_layout *l)
{
	char buf[64];
	int x = 0, narrow = t->cols < 78;
	draw_clear_line(stdscr, l->tabs_y, 0, DR_TAB);
	tui_n_tabs = 0;
	for (unsigned i = 0; i < t->n_views && tui_n_tabs < 16; i++) {
		const struct view_ops *o = t->views[i].ops;
		if (!o->tab)
			continue;
		int active = (int)i == t->cur || (!t->views[t->cur].ops->tab && t->depth &&
						  t->stack[0].view == (int)i);
		if (narrow)
			snprintf(buf, sizeof buf, "%d%.3s ", o->tab, o->title);
		else
			snprintf(buf, sizeof buf, " %d %s ", o->tab, o->title);
		tui_tab_x[tui_n_tabs] = x;
		tui_tab_view[tui_n_tabs] = (int)i;
		tui_put(l->tabs_y, &x, t->cols, buf, active ? DR_TAB_ACTIVE : DR_TAB);
		tui_tab_w[tui_n_tabs] = x - tui_tab_x[tui_n_tabs];
		tui_n_tabs++;
	}
	snprintf(buf, sizeof buf, "%s%s %s %s%s ", narrow ? "" : " ",
		 t->filter.window == WIN_ALL ? "all-time" : "30d",
		 t->filter.by == ATTRIB_LINEAGE ? "lineage" : "uploader",
		 t->filter.level == LEVEL_ACCOUNT ? "accounts" : "orgs",
		 t->filter.of == OF_ATTRIBUTED ? " %attributed" : "");
	int w = draw_width(buf);
	if (x + w <= t->cols)
		draw_text(stdscr, l->tabs_y, t->cols - w, w, buf, 0, DR_TAB);
}

/* "data as of 2022-07-02 (4 years)": the date the data describes, and its
 * age in words that cannot be misread ("6 min", "5 months", never "6m"). */
static void tui_age(const struct ht_meta *m, char *buf, size_t len)
{
	int64_t d = (int64_t)time(NULL) - m->as_of;
	char date[32], age[32];
	if (m->as_of <= 0) {
		snprintf(buf, len, "data as of: unknown");
		return;
	}
	draw_date(m->as_of, date, sizeof date);
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(age, sizeof age, "%lld s", (long long)d);
	else if (d < 7200)
		snprintf(age, sizeof age, "%lld min", (long long)d / 60);
	else if (d < 172800)
		snprintf(age, sizeof age, "%lld hours", (long long)d / 3600);
	else if (d < 61 * 86400LL)
		snprintf(age, sizeof age, "%lld days", (long long)d / 86400);
	else if (d < 730 * 86400LL)
		snprintf(age, sizeof age, "%lld months", (long long)(d / (86400LL * 30)));
	else
		snprintf(age, sizeof age, "%lld years", (long long)(d / (86400LL * 365)));
	snprintf(buf, len, "data as of %s%s (%s)", date, m->as_of_inferred ? ", inferred" : "", age);
}

static void tui_draw_status(struct tui *t, const struct tui_layout *l)
{
	const struct ht_snapshot *snap = t->s->snap;
	struct view *v = &t->views[t->cur];
	char buf[1024], age[96], pos[64];
	int x = 0;

	if (l->status_y < 0)
		return;
	draw_clear_line(stdscr, l->status_y, 0, DR_STATUS);
	if (snap->meta.demo || t->s->demo_fallback)
		tui_put(l->status_y, &x, t->cols, " DEMO DATA ", DR_DEMO);

	if (tui_rf.running) {
		struct hub_progress p;
		char phase[32], b1[32], bar[256];
		pthread_mutex_lock(&tui_rf.mu);
		p = tui_rf.p;
		snprintf(phase, sizeof phase, "%s", tui_rf.phase);
		pthread_mutex_unlock(&tui_rf.mu);
		snprintf(buf, sizeof buf, " Refresh %s %s items ", phase[0] ? phase : "starting",
			 draw_thousands(p.items, b1, sizeof b1));
		tui_put(l->status_y, &x, t->cols, buf, DR_STATUS);
		int bw = t->cols - x - 24;
		if (bw > 30)
			bw = 30;
		if (bw > 4) {
			double frac = p.expected ? (double)p.items / (double)p.expected : 0;
			if (!p.expected) /* unknown total: a bar that moves with the pages */
				frac = (double)(p.pages % 20) / 20.0;
			draw_bar_str(bar, sizeof bar, frac, bw);
			tui_put(l->status_y, &x, t->cols, "[", DR_STATUS);
			tui_put(l->status_y, &x, t->cols, bar, DR_STATUS);
			tui_put(l->status_y, &x, t->cols, "]", DR_STATUS);
		}
		if (p.wait_s > 0)
			snprintf(buf, sizeof buf, " waiting %ds", p.wait_s);
		else
			snprintf(buf, sizeof buf, " %.0f/s Esc cancels", p.rate);
		tui_put(l->status_y, &x, t->cols, buf, DR_STATUS);
		return;
	}

	char args[900], when[128], date[32];
	if (v->n)
		snprintf(pos, sizeof pos, " %zu/%zu ", v->sel + 1, v->n);
	else
		snprintf(pos, sizeof pos, " 0/0 ");
	int pw = draw_width(pos);

	filter_to_args(&t->filter, args, sizeof args);
	snprintf(buf, sizeof buf, "| %s", filter_active(&t->filter) || args[0] ? args : "no filter");
	/* The filter is what a user pastes after `hubtop export`: when both do
	 * not fit, the data's date gives up its age and words, then its place
	 * (`hubtop info` still says it). */
	tui_age(&snap->meta, age, sizeof age);
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 2)
			age[0] = '\0';
		else if (pass == 1 && snap->meta.as_of > 0)
			snprintf(age, sizeof age, "as of %s", draw_date(snap->meta.as_of, date, sizeof date));
		if (!age[0] && snap->meta.complete)
			snprintf(when, sizeof when, " ");
		else if (snap->meta.complete)
			snprintf(when, sizeof when, " %s ", age);
		else
			snprintf(when, sizeof when, " %s%stop %llu ", age, age[0] ? ", " : "",
				 (unsigned long long)snap->meta.top_n);
		if (x + draw_width(when) + draw_width(buf) + pw <= t->cols)
			break;
	}
	tui_put(l->status_y, &x, t->cols, when, DR_STATUS);
	int room = t->cols - x - pw;
	if (room > 2)
		draw_text(stdscr, l->status_y, x, room, buf, 0, DR_STATUS);
	if (t->cols - pw >= 0)
		draw_text(stdscr, l->status_y, t->cols - pw, pw, pos, 0, DR_STATUS);
}

static void tui_draw_message(struct tui *t, const struct tui_layout *l)
{
	draw_clear_line(stdscr, l->msg_y, 0, DR_NORMAL);
	if (t->msg[0])
		draw_text(stdscr, l->msg_y, 0, t->cols, t->msg, 0, t->msg_err ? DR_ERROR : DR_MESSAGE);
	else if (t->cols >= 40)
		draw_text(stdscr, l->msg_y, 0, t->cols, "?:help  Tab:panes  /:search  \\:filter  c:countries  o:types  e:export  q:quit",
			  0, DR_DIM);
}

/* ---- the generic list ------------------------------------------------------ */

static void tui_list_layout(const struct view_ops *o, int width, int sort, int *xs, int *ws)
{
	unsigned n = o->n_cols < 16 ? o->n_cols : 16;
	int shown[16], total = 0, flex = -1;
	for (unsigned i = 0; i < n; i++) {
		shown[i] = 1;
		total += o->cols[i].width + (i ? 1 : 0);
		if (o->cols[i].flex && flex < 0)
			flex = (int)i;
	}
	/* Drop the least important columns until the rest fit, never the one
	 * the list is sorted by: an order must come with the values it follows. */
	while (total > width) {
		int drop = -1;
		for (unsigned i = 0; i < n; i++)
			if (shown[i] && (int)i != flex && o->cols[i].prio > 0 &&
			    !(o->cols[i].sort >= 0 && o->cols[i].sort == sort) &&
			    (drop < 0 || o->cols[i].prio < o->cols[drop].prio))
				drop = (int)i;
		if (drop < 0)
			break;
		shown[drop] = 0;
		total -= o->cols[drop].width + 1;
	}
	int x = 0;
	for (unsigned i = 0; i < n; i++) {
		int w = shown[i] ? o->cols[i].width : 0;
		if ((int)i == flex && shown[i])
			w += width > total ? width - total : 0;
		if (shown[i] && x + w > width)
			w = width - x > 0 ? width - x : 0;
		xs[i] = x;
		ws[i] = w;
		if (w)
			x += w + 1;
	}
}

static void tui_list_draw(struct tui *t, struct view *v, int y, int h, int width)
{
	const struct view_ops *o = v->ops;
	int xs[16], ws[16];
	char buf[1024];
	unsigned n = o->n_cols < 16 ? o->n_cols : 16;

	if (h < 1)
		return;
	tui_list_layout(o, width, v->sort, xs, ws);
	memcpy(v->col_x, xs, sizeof xs);
	memcpy(v->col_w, ws, sizeof ws);
	v->list_y = y;
	draw_clear_line(stdscr, y, 0, DR_COLHDR);
	for (unsigned c = 0; c < n; c++) {
		if (!ws[c])
			continue;
		int sorted = o->cols[c].sort >= 0 && o->cols[c].sort == v->sort;
		snprintf(buf, sizeof buf, "%s%s", o->cols[c].title,
			 !sorted ? "" : draw_utf8 ? (v->desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2") : (v->desc ? "v" : "^"));
		draw_text(stdscr, y, xs[c], ws[c], buf, o->cols[c].right, sorted ? DR_COLHDR_SORT : DR_COLHDR);
	}
	int rows = h - 1;
	if (rows < 1)
		return;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	if (v->top + (size_t)rows > v->n)
		v->top = v->n > (size_t)rows ? v->n - (size_t)rows : 0;
	for (int i = 0; i < rows; i++) {
		size_t row = v->top + (size_t)i;
		int ly = y + 1 + i;
		int selected = row == v->sel && row < v->n;
		draw_clear_line(stdscr, ly, 0, selected ? DR_SELECTED : DR_NORMAL);
		if (row >= v->n)
			continue;
		for (unsigned c = 0; c < n; c++) {
			double bar = 0;
			if (!ws[c])
				continue;
			buf[0] = '\0';
			o->cell(t, v, row, c, buf, sizeof buf, &bar);
			if (o->cols[c].bar)
				draw_bar(stdscr, ly, xs[c], ws[c], bar, selected ? DR_SELECTED : DR_BAR);
			else
				draw_text(stdscr, ly, xs[c], ws[c], buf, o->cols[c].right,
					  selected ? DR_SELECTED : DR_NORMAL);
		}
	}
	if (!v->n && rows > 0)
		draw_text(stdscr, y + 1, 1, width - 1, "Nothing matches the filters (u: undo, x: clear all)", 0, DR_DIM);
}

/* ---- painting ---------------------------------------------------------------- */

static void tui_paint(struct tui *t)
{
	struct tui_layout l = tui_layout(t);
	struct view *v = &t->views[t->cur];

	tui_view_ready(t, v);
	wattrset(stdscr, draw_attr(DR_NORMAL));
	erase();
	if (t->rows < 3 || t->cols < 10) {
		mvaddstr(0, 0, "too small");
		return;
	}
	tui_draw_figures(t, &l);
	tui_draw_tabs(t, &l);
	if (v->ops->draw)
		v->ops->draw(t, v, l.body_y, l.body_h, t->cols);
	else
		tui_list_draw(t, v, l.body_y, l.body_h, t->cols);
	tui_draw_status(t, &l);
	tui_draw_message(t, &l);
	tui_view_mark(t, v);
}

void tui_draw(struct tui *t)
{
	tui_paint(t);
	wnoutrefresh(stdscr);
	doupdate();
	tui_trace("draw", 0);
}

/* One key: KEY_RESIZE is handled here for every loop (list, prompt,
 * picker).  Returns the key code; *wc gets a printable character or 0. */
static int tui_getkey(struct tui *t, wint_t *wc)
{
	wint_t ch;
	int rc = get_wch(&ch);
	*wc = 0;
	if (rc == ERR)
		return ERR;
	if (rc == KEY_CODE_YES) {
		if (ch == KEY_RESIZE) {
			getmaxyx(stdscr, t->rows, t->cols);
			tui_trace("resize", 0);
		}
		tui_trace("key", (int)ch);
		return (int)ch;
	}
	tui_trace("key", (int)ch);
	if (ch >= 0x20 && ch != 0x7f)
		*wc = ch;
	return ch < 0x80 ? (int)ch : 0x80;
}

/* ---- the prompt ------------------------------------------------------------ */

static size_t tui_prev_char(const char *s, size_t pos)
{
	while (pos > 0 && ((unsigned char)s[--pos] & 0xc0) == 0x80)
		;
	return pos;
}

static size_t tui_next_char(const char *s, size_t pos)
{
	if (!s[pos])
		return pos;
	pos++;
	while (((unsigned char)s[pos] & 0xc0) == 0x80)
		pos++;
	return pos;
}

int tui_prompt(struct tui *t, const char *label, char *buf, size_t len,
	       void (*changed)(struct tui *t, const char *text, void *ctx), void *ctx)
{
	size_t cur = strlen(buf);
	int result = -1;

	curs_set(1);
	while (result < 0) {
		struct tui_layout l;
		char shown[1024];
		tui_paint(t);
		l = tui_layout(t);
		/* Label, then the text scrolled so the cursor stays visible. */
		int lw = draw_width(label);
		if (lw > t->cols / 2)
			lw = t->cols / 2;
		draw_clear_line(stdscr, l.msg_y, 0, DR_NORMAL);
		draw_text(stdscr, l.msg_y, 0, lw, label, 0, DR_PROMPT);
		int room = t->cols - lw - 1;
		size_t start = 0;
		char head[1024];
		snprintf(head, sizeof head, "%.*s", (int)cur, buf);
		while (draw_width(head + start) >= room && head[start])
			start = tui_next_char(head, start);
		snprintf(shown, sizeof shown, "%s", buf + start);
		if (room > 0)
			draw_text(stdscr, l.msg_y, lw, room, shown, 0, DR_NORMAL);
		int cx = lw + draw_width(head + start);
		move(l.msg_y, cx < t->cols ? cx : t->cols - 1);
		wnoutrefresh(stdscr);
		doupdate();
		tui_trace("draw", 1);

		wint_t wc;
		int key = tui_getkey(t, &wc);
		int edited = 0;
		switch (key) {
		case ERR:
		case KEY_RESIZE:
			break;
		case '\n': case '\r': case KEY_ENTER:
			result = 1;
			break;
		case 27:
			result = 0;
			break;
		case 0x15: /* Ctrl-U: clear */
			buf[0] = '\0';
			cur = 0;
			edited = 1;
			break;
		case 0x17: { /* Ctrl-W: the word before the cursor */
			size_t p = cur;
			while (p > 0 && buf[p - 1] == ' ')
				p--;
			while (p > 0 && buf[p - 1] != ' ')
				p--;
			memmove(buf + p, buf + cur, strlen(buf + cur) + 1);
			cur = p;
			edited = 1;
			break;
		}
		case KEY_BACKSPACE: case 127: case 8:
			if (cur > 0) {
				size_t p = tui_prev_char(buf, cur);
				memmove(buf + p, buf + cur, strlen(buf + cur) + 1);
				cur = p;
				edited = 1;
			}
			break;
		case KEY_DC: case 0x04:
			if (buf[cur]) {
				size_t p = tui_next_char(buf, cur);
				memmove(buf + cur, buf + p, strlen(buf + p) + 1);
				edited = 1;
			}
			break;
		case KEY_LEFT: case 0x02:
			cur = tui_prev_char(buf, cur);
			break;
		case KEY_RIGHT: case 0x06:
			cur = tui_next_char(buf, cur);
			break;
		case KEY_HOME: case 0x01:
			cur = 0;
			break;
		case KEY_END: case 0x05:
			cur = strlen(buf);
			break;
		default:
			if (wc) {
				char mb[8];
				mbstate_t st;
				memset(&st, 0, sizeof st);
				size_t n = wcrtomb(mb, (wchar_t)wc, &st);
				if (n != (size_t)-1 && strlen(buf) + n < len) {
					memmove(buf + cur + n, buf + cur, strlen(buf + cur) + 1);
					memcpy(buf + cur, mb, n);
					cur += n;
					edited = 1;
				}
			}
			break;
		}
		if (edited && changed)
			changed(t, buf, ctx);
	}
	curs_set(0);
	return result;
}

/* Asks a yes/no question on the message line. */
static int tui_confirm(struct tui *t, const char *question)
{
	for (;;) {
		struct tui_layout l;
		tui_paint(t);
		l = tui_layout(t);
		draw_clear_line(stdscr, l.msg_y, 0, DR_NORMAL);
		draw_text(stdscr, l.msg_y, 0, t->cols, question, 0, DR_PROMPT);
		wnoutrefresh(stdscr);
		doupdate();
		wint_t wc;
		int key = tui_getkey(t, &wc);
		if (key == 'y' || key == 'Y')
			return 1;
		if (key == 'n' || key == 'N' || key == 27 || key == '\n' || key == '\r')
			return 0;
	}
}

/* ---- searching and text filter ------------------------------------------- */

static int tui_row_matches(struct tui *t, struct view *v, size_t row, const char *needle)
{
	char buf[512];
	const char *s;
	double bar;
	if (v->ops->text) {
		s = v->ops->text(t, v, row, buf, sizeof buf);
	} else {
		buf[0] = '\0';
		v->ops->cell(t, v, row, 0, buf, sizeof buf, &bar);
		s = buf;
	}
	return s && strcasestr(s, needle) != NULL;
}

static int tui_find(struct tui *t, struct view *v, const char *needle, size_t from, int dir)
{
	if (!*needle || !v->n || !v->ops->cell)
		return 0;
	for (size_t i = 0; i < v->n; i++) {
		size_t row = dir > 0 ? (from + i) % v->n : (from + v->n - i % v->n) % v->n;
		if (tui_row_matches(t, v, row, needle)) {
			v->sel = row;
			return 1;
		}
	}
	return 0;
}

static void tui_search_changed(struct tui *t, const char *text, void *ctx)
{
	struct view *v = ctx;
	snprintf(t->search, sizeof t->search, "%s", text);
	tui_find(t, v, text, v->sel, 1);
}

/* 1 when more typed keys are already waiting: a recompute now would be
 * thrown away by the next one. */
static int tui_input_pending(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	return poll(&pfd, 1, 0) > 0;
}

static void tui_filter_text(struct tui *t, const char *text)
{
	struct filter f = t->filter;
	char err[256];
	if (filter_set(&f, "search", text, err, sizeof err) == 0)
		tui_filter_replace(t, &f, 0);
	else
		tui_message(t, 1, "%s", err);
}

static void tui_filter_changed(struct tui *t, const char *text, void *ctx)
{
	(void)ctx;
	if (!tui_input_pending())   /* otherwise: with the last key, or on Enter */
		tui_filter_text(t, text);
}

/* ---- filter prompts ------------------------------------------------------- */

/* filter_set, and for a task, library or licence the snapshot's check too:
 * of that key alone, so a value kept from elsewhere does not block it. */
static int tui_filter_set(struct tui *t, struct filter *f, const char *key, const char *value,
			  char *err, size_t len)
{
	struct filter one;
	if (filter_set(f, key, value, err, len) != 0)
		return -1;
	if (!strcmp(key, "org"))
		return filter_check_orgs(f, t->s->attr, t->s->dir, err, len);
	if (strcmp(key, "task") && strcmp(key, "library") && strcmp(key, "license"))
		return 0;
	filter_init(&one);
	filter_set(&one, key, value, NULL, 0);
	return filter_check_terms(&one, t->s->snap, err, len);
}

static void tui_filter_prompt(struct tui *t, const char *key, const char *label)
{
	char buf[256], err[1024];
	filter_get(&t->filter, key, buf, sizeof buf);
	if (!tui_prompt(t, label, buf, sizeof buf, NULL, NULL))
		return;
	struct filter f = t->filter;
	if (tui_filter_set(t, &f, key, buf, err, sizeof err) != 0) {
		tui_message(t, 1, "%s", err);
		return;
	}
	tui_set_filter(t, &f);
	if (buf[0])
		tui_message(t, 0, "%s = %s", key, buf);
	else
		tui_message(t, 0, "%s cleared", key);
}

/* ---- export ------------------------------------------------------------------ */

static void tui_export(struct tui *t)
{
	struct view *v = &t->views[t->cur];
	struct export_req q;
	char path[1024], day[16], err[1024], question[1200];
	time_t now = time(NULL);
	struct tm tm;
	struct stat st;

	memset(&q, 0, sizeof q);
	q.pane = PANE_MODELS;
	q.items = HT_MODELS;
	q.sort = (enum eng_sort)v->sort;
	q.desc = v->desc;
	q.format = EXPORT_CSV;
	if (v->ops->export_req)
		v->ops->export_req(t, v, &q);
	localtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	snprintf(path, sizeof path, "./hubtop-%s-%s.csv", engine_pane_key(q.pane), day);
	if (!tui_prompt(t, "Export to (.csv .tsv .jsonl): ", path, sizeof path, NULL, NULL) || !path[0]) {
		tui_message(t, 0, "Export cancelled");
		return;
	}
	const char *ext = strrchr(path, '.');
	if (ext && strcasecmp(ext, ".tsv") == 0)
		q.format = EXPORT_TSV;
	else if (ext && (strcasecmp(ext, ".jsonl") == 0 || strcasecmp(ext, ".json") == 0))
		q.format = EXPORT_JSONL;
	if (strcmp(path, "-") == 0) {
		tui_message(t, 1, "Export to standard output is for `hubtop export`; give a file name");
		return;
	}
	if (stat(path, &st) == 0) {
		snprintf(question, sizeof question, "%s exists. Overwrite it? (y/n) ", path);
		if (!tui_confirm(t, question)) {
			tui_message(t, 0, "Not overwritten: %s", path);
			return;
		}
	}
	struct eng_result *r = tui_result(t, q.items);
	long n = export_to_path(path, t->s->eng, r, &q, err, sizeof err);
	if (n < 0)
		tui_message(t, 1, "Export failed: %s", err);
	else
		tui_message(t, 0, "Exported %ld rows (%s) to %s", n, engine_pane_key(q.pane), path);
}

/* ---- the ':' prompt -------------------------------------------------------- */

static void tui_dispatch(struct tui *t, enum request r);

static void tui_command(struct tui *t)
{
	char line[512] = "", err[1024];
	if (!tui_prompt(t, ":", line, sizeof line, NULL, NULL) || !line[0])
		return;
	char *save = NULL, *cmd = strtok_r(line, " ", &save);
	if (!cmd)
		return;
	if (strcmp(cmd, "filter") == 0 || strcmp(cmd, "f") == 0) {
		char *key = strtok_r(NULL, " ", &save);
		char *val = save ? save : (char *)"";
		struct filter f = t->filter;
		if (!key) {
			tui_message(t, 1, "Usage: filter KEY VALUE (keys: country group org-type author task library license search created min-downloads gated window by)");
			return;
		}
		while (*val == ' ')
			val++;
		if (tui_filter_set(t, &f, key, val, err, sizeof err) != 0) {
			tui_message(t, 1, "%s", err);
			return;
		}
		tui_set_filter(t, &f);
		return;
	}
	if (strcmp(cmd, "sort") == 0) {
		char *key = strtok_r(NULL, " ", &save);
		int s = key ? engine_sort_find(key) : -1;
		struct view *v = &t->views[t->cur];
		if (s < 0) {
			tui_message(t, 1, "Usage: sort KEY (downloads, likes, trending, created, count, name)");
			return;
		}
		v->sort = s;
		v->desc = s != SORT_NAME;
		tui_view_open(t, v);
		return;
	}
	enum request r = request_find(cmd);
	if (r == REQ_NONE) {
		tui_message(t, 1, "Unknown command '%s': see ? for the request names, or filter KEY VALUE, sort KEY", cmd);
		return;
	}
	tui_dispatch(t, r);
}

/* ---- dispatch ------------------------------------------------------------------ */

static void tui_sort(struct tui *t, struct view *v, int sort)
{
	if (v->sort == sort)
		v->desc = !v->desc;
	else {
		v->sort = sort;
		v->desc = sort != SORT_NAME;
	}
	tui_view_open(t, v);
}

static void tui_sort_step(struct tui *t, struct view *v, int dir)
{
	const struct view_ops *o = v->ops;
	int cur = -1;
	if (!o->n_cols)
		return;
	for (unsigned i = 0; i < o->n_cols; i++)
		if (o->cols[i].sort == v->sort && o->cols[i].sort >= 0) {
			cur = (int)i;
			break;
		}
	for (unsigned step = 1; step <= o->n_cols; step++) {
		int i = ((cur < 0 ? 0 : cur) + dir * (int)step + (int)o->n_cols * 2) % (int)o->n_cols;
		/* Columns the screen is too narrow for are skipped. */
		if (o->cols[i].sort >= 0 && o->cols[i].sort != v->sort && (i >= 16 || v->col_w[i] > 0)) {
			v->sort = o->cols[i].sort;
			v->desc = v->sort != SORT_NAME;
			tui_view_open(t, v);
			return;
		}
	}
}

static int tui_list_height(struct tui *t)
{
	struct tui_layout l = tui_layout(t);
	return l.body_h > 2 ? l.body_h - 1 : 1;
}

static void tui_switch(struct tui *t, int idx)
{
	if (idx < 0)
		return;
	t->cur = idx;
	t->depth = 0;
}

static void tui_cycle(struct tui *t, int dir)
{
	int tab = t->views[t->cur].ops->tab;
	int ntabs = 0;
	if (!tab && t->depth)
		tab = t->views[t->stack[0].view].ops->tab;
	for (unsigned i = 0; i < t->n_views; i++)
		if (t->views[i].ops->tab > ntabs)
			ntabs = t->views[i].ops->tab;
	if (!ntabs)
		return;
	int want = ((tab ? tab : 1) - 1 + dir + ntabs) % ntabs + 1;
	for (unsigned i = 0; i < t->n_views; i++)
		if (t->views[i].ops->tab == want)
			tui_switch(t, (int)i);
}

static void tui_dispatch(struct tui *t, enum request r)
{
	struct view *v = &t->views[t->cur];
	size_t page = (size_t)tui_list_height(t);
	struct filter f;

	tui_view_ready(t, v);
	if (v->ops->request && v->ops->request(t, v, r))
		return;
	switch (r) {
	case REQ_NONE:
	case REQ_COUNT:
		break;
	case REQ_PANE_NEXT: tui_cycle(t, 1); break;
	case REQ_PANE_PREV: tui_cycle(t, -1); break;
	case REQ_VIEW_MODELS: tui_switch(t, tui_view_index(t, "models")); break;
	case REQ_VIEW_DATASETS: tui_switch(t, tui_view_index(t, "datasets")); break;
	case REQ_VIEW_REGIONS: tui_switch(t, tui_view_index(t, "regions")); break;
	case REQ_VIEW_ORGS: tui_switch(t, tui_view_index(t, "orgs")); break;
	case REQ_VIEW_TRENDS: tui_switch(t, tui_view_index(t, "trends")); break;
	case REQ_VIEW_CONC: tui_switch(t, tui_view_index(t, "concentration")); break;
	case REQ_ENTER:
		if (v->ops->enter && v->n)
			v->ops->enter(t, v);
		break;
	case REQ_BACK: tui_back(t); break;
	case REQ_MOVE_UP: if (v->sel) v->sel--; break;
	case REQ_MOVE_DOWN: if (v->sel + 1 < v->n) v->sel++; break;
	case REQ_PAGE_UP:
		v->sel = v->sel > page ? v->sel - page : 0;
		v->top = v->top > page ? v->top - page : 0;
		break;
	case REQ_PAGE_DOWN:
		if (v->n) {
			v->sel = v->sel + page < v->n ? v->sel + page : v->n - 1;
			v->top += page;
		}
		break;
	case REQ_FIRST: v->sel = 0; break;
	case REQ_LAST: v->sel = v->n ? v->n - 1 : 0; break;
	case REQ_SORT_PREV: tui_sort_step(t, v, -1); break;
	case REQ_SORT_NEXT: tui_sort_step(t, v, 1); break;
	case REQ_SORT_REVERSE: v->desc = !v->desc; tui_view_open(t, v); break;
	case REQ_SORT_DOWNLOADS: tui_sort(t, v, SORT_DOWNLOADS); break;
	case REQ_SORT_LIKES: tui_sort(t, v, SORT_LIKES); break;
	case REQ_SORT_TRENDING: tui_sort(t, v, SORT_TRENDING); break;
	case REQ_SORT_CREATED: tui_sort(t, v, SORT_CREATED); break;
	case REQ_SORT_COUNT: tui_sort(t, v, SORT_COUNT); break;
	case REQ_SORT_NAME: tui_sort(t, v, SORT_NAME); break;
	case REQ_SEARCH: {
		char buf[FILTER_SEARCH_MAX] = "";
		size_t origin = v->sel;
		if (tui_prompt(t, "Search: ", buf, sizeof buf, tui_search_changed, v)) {
			snprintf(t->search, sizeof t->search, "%s", buf);
			if (buf[0] && !tui_row_matches(t, v, v->sel, buf))
				tui_message(t, 1, "No row matches '%s'", buf);
		} else {
			v->sel = origin;
		}
		break;
	}
	case REQ_FIND_NEXT:
	case REQ_FIND_PREV:
		if (!t->search[0])
			tui_message(t, 0, "No search yet: press / first");
		else if (!tui_find(t, v, t->search, r == REQ_FIND_NEXT ? v->sel + 1 : (v->sel ? v->sel - 1 : v->n - 1),
				   r == REQ_FIND_NEXT ? 1 : -1))
			tui_message(t, 1, "No row matches '%s'", t->search);
		break;
	case REQ_FILTER_TEXT: {
		char buf[FILTER_SEARCH_MAX];
		struct filter old = t->filter;
		snprintf(buf, sizeof buf, "%s", t->filter.search);
		if (tui_prompt(t, "Filter: ", buf, sizeof buf, tui_filter_changed, NULL)) {
			/* Applied while typing (unless keys came faster than the
			 * engine): make sure the final text is in, then remember the
			 * change for undo. */
			tui_filter_text(t, buf);
			if (!filter_equal(&old, &t->filter))
				tui_undo_push(t, &old);
		} else {
			tui_filter_replace(t, &old, 0);
		}
		break;
	}
	case REQ_PICK_COUNTRY: picker_country(t); break;
	case REQ_PICK_ORGTYPE: picker_orgtype(t); break;
	case REQ_PICK_GROUP: picker_group(t); break;
	case REQ_FILTER_TASK: tui_filter_prompt(t, "task", "Task (pipeline tag, empty: any): "); break;
	case REQ_FILTER_LIBRARY: tui_filter_prompt(t, "library", "Library (empty: any): "); break;
	case REQ_FILTER_LICENSE: tui_filter_prompt(t, "license", "Licence (empty: any): "); break;
	case REQ_FILTER_MINDL: tui_filter_prompt(t, "min-downloads", "Minimum downloads (empty: none): "); break;
	case REQ_FILTER_DATES: tui_filter_prompt(t, "created", "Created (2024..2025, 2024-03-01.., ..2023): "); break;
	case REQ_TOGGLE_WINDOW:
		f = t->filter;
		f.window = f.window == WIN_ALL ? WIN_30D : WIN_ALL;
		tui_set_filter(t, &f);
		if (f.window == WIN_ALL && !engine_has_alltime(t->s->eng, HT_MODELS))
			tui_message(t, 0, "Downloads: all time: n/a, the snapshot has no all-time counts "
				    "(w: back to 30 days)");
		else
			tui_message(t, 0, "Downloads: %s", f.window == WIN_ALL ? "all time" : "last 30 days");
		break;
	case REQ_TOGGLE_OF:
		f = t->filter;
		f.of = f.of == OF_ATTRIBUTED ? OF_ALL : OF_ATTRIBUTED;
		tui_set_filter(t, &f);
		tui_message(t, 0, "Shares: %s", f.of == OF_ATTRIBUTED
			    ? "of attributed downloads (unknown country, group or type left out)"
			    : "of all downloads");
		break;
	case REQ_TOGGLE_ATTRIB:
		f = t->filter;
		f.by = f.by == ATTRIB_LINEAGE ? ATTRIB_UPLOADER : ATTRIB_LINEAGE;
		tui_set_filter(t, &f);
		tui_message(t, 0, "Attribution: %s", f.by == ATTRIB_LINEAGE ? "lineage (root base model's owner)" : "uploader");
		break;
	case REQ_TOGGLE_LEVEL:
		f = t->filter;
		f.level = f.level == LEVEL_ACCOUNT ? LEVEL_ORG : LEVEL_ACCOUNT;
		tui_set_filter(t, &f);
		tui_message(t, 0, "Orgs: %s", f.level == LEVEL_ACCOUNT ? "single accounts"
					   : "organisations (all their accounts together)");
		break;
	case REQ_TOGGLE_GROUPS: break; /* panes that have modes handle it */
	case REQ_UNDO:
		if (!t->n_undo) {
			tui_message(t, 0, "Nothing to undo");
		} else {
			t->filter = t->undo[--t->n_undo];
			t->gen++;
			tui_message(t, 0, "Filter change undone");
		}
		break;
	case REQ_CLEAR:
		filter_init(&f);
		f.window = t->filter.window;
		f.by = t->filter.by;
		f.level = t->filter.level;
		tui_set_filter(t, &f);
		tui_message(t, 0, "All filters cleared (u: undo)");
		break;
	case REQ_EXPORT: tui_export(t); break;
	case REQ_REFRESH: tui_refresh_start(t); break;
	case REQ_HELP: tui_push(t, "help", NULL); break;
	case REQ_PROMPT: tui_command(t); break;
	case REQ_REDRAW: clearok(curscr, TRUE); break;
	case REQ_QUIT_BACK:
		if (t->depth)
			tui_back(t);
		else
			t->quit = 1;
		break;
	case REQ_QUIT: t->quit = 1; break;
	}
}

void tui_run_request(struct tui *t, enum request r)
{
	tui_back(t);
	tui_dispatch(t, r);
}

/* ---- mouse ------------------------------------------------------------------- */

static void tui_mouse(struct tui *t)
{
	MEVENT ev;
	struct view *v = &t->views[t->cur];
	struct tui_layout l = tui_layout(t);
	if (getmouse(&ev) != OK)
		return;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		v->sel = v->sel + 3 < v->n ? v->sel + 3 : (v->n ? v->n - 1 : 0);
		return;
	}
#endif
	if (ev.bstate & BUTTON4_PRESSED) {
		v->sel = v->sel > 3 ? v->sel - 3 : 0;
		return;
	}
	/* Press, not release: a click must sort once, not twice. */
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return;
	if (ev.y == l.tabs_y) {
		for (int i = 0; i < tui_n_tabs; i++)
			if (ev.x >= tui_tab_x[i] && ev.x < tui_tab_x[i] + tui_tab_w[i])
				tui_switch(t, tui_tab_view[i]);
		return;
	}
	if (v->ops->draw || ev.y < v->list_y)
		return;
	if (ev.y == v->list_y) {
		for (unsigned c = 0; c < v->ops->n_cols && c < 16; c++)
			if (v->col_w[c] && ev.x >= v->col_x[c] && ev.x < v->col_x[c] + v->col_w[c] &&
			    v->ops->cols[c].sort >= 0)
				tui_sort(t, v, v->ops->cols[c].sort);
		return;
	}
	size_t row = v->top + (size_t)(ev.y - v->list_y - 1);
	if (ev.y < l.status_y && row < v->n) {
		if (row == v->sel && (ev.bstate & BUTTON1_DOUBLE_CLICKED))
			tui_dispatch(t, REQ_ENTER);
		v->sel = row;
	}
}

/* ---- entry point ----------------------------------------------------------- */

static const struct view_ops *const tui_panes[] = {
	&view_models_ops, &view_datasets_ops, &view_regions_ops, &view_orgs_ops,
	&view_trends_ops, &view_conc_ops, &view_detail_ops, &view_help_ops,
};
#define TUI_N_PANES (sizeof tui_panes / sizeof tui_panes[0])

int tui_run(struct session *s, const struct config *c)
{
	static struct tui tt;
	struct tui *t = &tt;
	struct view views[TUI_N_PANES];
	const char *trace = getenv("HUBTOP_TRACE");

	memset(t, 0, sizeof *t);
	memset(views, 0, sizeof views);
	t->s = s;
	t->cfg = *c;
	t->filter = c->filter;
	t->views = views;
	t->n_views = TUI_N_PANES;
	t->gen = 1;
	for (unsigned i = 0; i < TUI_N_PANES; i++) {
		views[i].ops = tui_panes[i];
		views[i].sort = tui_panes[i]->default_sort;
		views[i].desc = views[i].sort != SORT_NAME;
	}
	if (c->pane[0]) {
		int idx = tui_view_index(t, c->pane);
		if (idx < 0 || !views[idx].ops->tab) {
			/* Aliases the command line uses for the same panes. */
			if (strcmp(c->pane, "countries") == 0 || strcmp(c->pane, "groups") == 0)
				idx = tui_view_index(t, "regions");
			else if (strcmp(c->pane, "years") == 0)
				idx = tui_view_index(t, "trends");
		}
		t->cur = idx >= 0 ? idx : 0;
	}
	if (trace && *trace)
		tui_trace_fp = fopen(trace, "a");
	tui_trace("start", 0);

	setlocale(LC_ALL, "");
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	if (!initscr()) {
		safetext_fprintf(stderr, "hubtop: cannot start the terminal (TERM=%s); try `hubtop report`\n",
			getenv("TERM") ? getenv("TERM") : "unset");
		return 1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		  | BUTTON5_PRESSED
#endif
		  , NULL);
	mouseinterval(0);
	draw_init(c->ascii, c->color, c->theme, 1);
	getmaxyx(stdscr, t->rows, t->cols);
	if (s->demo_fallback)
		tui_message(t, 0, "No snapshot in the cache: showing DEMO data. Fetch the real listing with `hubtop fetch` or press R.");

	while (!t->quit) {
		tui_refresh_poll(t);
		tui_draw(t);
		/* Idle after the screen is drawn: the engine makes, one piece
		 * per turn, what the next answers would otherwise build. */
		while (t->prepared != t->s->eng && !tui_input_pending()) {
			int rc = engine_prepare_step(t->s->eng);
			tui_trace("prepare", rc);
			if (rc <= 0)
				t->prepared = t->s->eng;
		}
		timeout(tui_rf.running ? 100 : -1);
		wint_t wc;
		int key = tui_getkey(t, &wc);
		if (key == ERR || key == KEY_RESIZE)
			continue;
		t->msg[0] = '\0';
		t->msg_err = 0;
		if (key == 27 && tui_rf.running) {
			tui_rf.cancel = 1;
			tui_message(t, 0, "Cancelling the refresh...");
			continue;
		}
		if (key == KEY_MOUSE) {
			tui_mouse(t);
			continue;
		}
		enum request r = request_for_key(key);
		if (r == REQ_NONE) {
			if (key >= 0x20 && key < 0x7f)
				tui_message(t, 0, "No action on '%c' (? lists the keys)", key);
			continue;
		}
		tui_dispatch(t, r);
	}
	if (tui_rf.running) {
		tui_rf.cancel = 1;
		pthread_join(tui_rf.th, NULL);
		tui_rf.running = 0;
	}
	endwin();
	for (unsigned i = 0; i < TUI_N_PANES; i++)
		if (views[i].ops->done)
			views[i].ops->done(&views[i]);
	tui_results_free(t);
	if (tui_trace_fp) {
		fclose(tui_trace_fp);
		tui_trace_fp = NULL;
	}
	return 0;
}

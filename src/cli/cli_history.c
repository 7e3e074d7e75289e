/* cli_history.c - `hubtop history` (list, rm, prune) and what fetch and
 * import add to the history. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hubtop/civil.h"
#include "hubtop/config.h"
#include "hubtop/history.h"
#include "hubtop/safetext.h"
#include "hubtop/store.h"
#include "hubtop/timeline.h"

#include "cli_priv.h"

static void quiet_problem(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg; /* the explorer and the commands that read the file say it */
}

/* The rule: --history-keep, else the configuration's, else the default. */
static int keep_rule(const char *opt, struct history_keep *keep)
{
	struct config c;
	struct store_err e;

	if (!opt) {
		config_init(&c);
		config_load(&c, NULL, quiet_problem, NULL);
		opt = c.history_keep[0] ? c.history_keep : HISTORY_KEEP_DEFAULT;
		return history_parse_keep(opt, keep, &e);
	}
	if (history_parse_keep(opt, keep, &e) != 0) {
		cli_err_usage(NULL, "%s", e.msg);
		return -1;
	}
	return 0;
}

int cli_history_keep_opt(struct args *a, const char **out)
{
	struct history_keep k;
	struct store_err e;
	const char *v = cli_opt_value(a, "--history-keep");

	if (!v)
		return -1;
	if (history_parse_keep(v, &k, &e) != 0) {
		cli_err_usage(a->cmd, "%s", e.msg);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_history_record(const char *cache_dir, const struct ht_snapshot *s, const char *keep_opt)
{
	struct history_keep keep;
	struct store_err e;
	struct history *h;
	char size[32], day[11];
	long i;
	int rc;

	if (keep_rule(keep_opt, &keep) != 0)
		return -1;
	rc = history_add_keep(cache_dir, s, &keep, &e);
	if (rc < 0) {
		cli_err_run("the snapshot was written, but not kept in the history: %s", e.msg);
		return -1;
	}
	if (rc > 0) {
		safetext_fprintf(stderr, "history: %s\n", e.msg);
		return 0;
	}
	history_date(s->meta.as_of, day);
	h = history_open(cache_dir, &e);
	i = history_find_date(h, day);
	if (i >= 0) {
		const struct history_entry *en = history_at(h, (size_t)i);
		cli_human_bytes(en->disk_bytes, 1, size, sizeof size);
		safetext_fprintf(stderr, "history: kept as %s%s (%s on disk, %s; %zu in the history)\n",
				 day, en->complete ? "" : ", partial", size,
				 en->base[0] ? "a delta" : "whole", history_count(h));
	}
	history_free(h);
	return 0;
}

static int history_usage(void)
{
	printf("Usage: hubtop history [--json]\n"
	       "       hubtop history rm DATE\n"
	       "       hubtop history prune [--history-keep RULE]\n\n"
	       "Lists the snapshots kept in the cache's history, oldest first: the date\n"
	       "of the data, where it came from, complete or partial (the top N only),\n"
	       "items, downloads (all time, where known), size on disk.  Every complete\n"
	       "'hubtop fetch' (partial ones too, marked partial), every 'hubtop import\n"
	       "--as-of DATE' and 'hubtop demo --history N' add to it; --snapshot DATE\n"
	       "opens one.  One snapshot a day is kept (the latest; a partial one never\n"
	       "replaces a complete one).  'rm DATE' removes that day's; 'prune'\n"
	       "applies the retention rule now.\n\n"
	       "Retention (--history-keep on fetch, import and prune, or 'history-keep'\n"
	       "in the configuration file): 'all', 'Nd' (every snapshot of the last N\n"
	       "days, counted back from the newest), 'Nd,monthly' or 'Nd,weekly' (then\n"
	       "the latest of each month or week).  Default: %s.\n", HISTORY_KEEP_DEFAULT);
	return 0;
}

static int list(const char *cache_dir, int json)
{
	struct store_err e;
	struct history *h = history_open(cache_dir, &e);
	char idx[4200], when[32], size[32];
	size_t i, n;

	if (!h) {
		cli_err_run("out of memory");
		return 1;
	}
	if (e.msg[0])
		cli_err_run("warning: %s", e.msg);
	history_index_path(cache_dir, idx, sizeof idx);
	n = history_count(h);
	if (json) {
		cJSON *o = cJSON_CreateObject(), *arr;
		char *txt;
		cJSON_AddStringToObject(o, "index", idx);
		arr = cJSON_AddArrayToObject(o, "snapshots");
		for (i = 0; i < n; i++) {
			const struct history_entry *en = history_at(h, i);
			cJSON *it = cJSON_CreateObject(), *m, *d;
			cJSON_AddStringToObject(it, "date", en->date);
			civil_iso_time(en->as_of, when, sizeof when);
			cJSON_AddStringToObject(it, "as_of", when);
			cJSON_AddBoolToObject(it, "as_of_inferred", en->as_of_inferred);
			civil_iso_time(en->fetched_at, when, sizeof when);
			cJSON_AddStringToObject(it, "fetched_at", when);
			cJSON_AddStringToObject(it, "endpoint", en->endpoint);
			cJSON_AddBoolToObject(it, "complete", en->complete);
			if (!en->complete)
				cJSON_AddNumberToObject(it, "top_n", (double)en->top_n);
			cJSON_AddBoolToObject(it, "demo", en->demo);
			m = cJSON_AddObjectToObject(it, "models");
			d = cJSON_AddObjectToObject(it, "datasets");
			cJSON_AddNumberToObject(m, "count", en->items[HT_MODELS]);
			cJSON_AddNumberToObject(d, "count", en->items[HT_DATASETS]);
			if (en->no_alltime & (1u << HT_MODELS))
				cJSON_AddNullToObject(m, "downloads_all_time");
			else
				cJSON_AddNumberToObject(m, "downloads_all_time", (double)en->downloads_all[HT_MODELS]);
			if (en->no_alltime & (1u << HT_DATASETS))
				cJSON_AddNullToObject(d, "downloads_all_time");
			else
				cJSON_AddNumberToObject(d, "downloads_all_time", (double)en->downloads_all[HT_DATASETS]);
			cJSON_AddNumberToObject(m, "downloads_30d", (double)en->downloads[HT_MODELS]);
			cJSON_AddNumberToObject(d, "downloads_30d", (double)en->downloads[HT_DATASETS]);
			cJSON_AddNumberToObject(it, "disk_bytes", (double)en->disk_bytes);
			cJSON_AddStringToObject(it, "stored", en->base[0] ? "delta" : "whole");
			cJSON_AddItemToArray(arr, it);
		}
		if (e.msg[0])
			cJSON_AddStringToObject(o, "warning", e.msg);
		else
			cJSON_AddNullToObject(o, "warning");
		txt = cJSON_Print(o);
		safetext_fputs(txt, stdout, 1);
		putchar('\n');
		free(txt);
		cJSON_Delete(o);
		history_free(h);
		return 0;
	}
	if (n == 0) {
		safetext_fprintf(stdout, "The history (%s) holds no snapshot yet: every complete 'hubtop "
				 "fetch' and every 'hubtop import --as-of DATE' adds one ('hubtop demo "
				 "--history N' writes a demo series).\n", idx);
		history_free(h);
		return 0;
	}
	safetext_fprintf(stdout, "%-10s  %-8s  %10s  %9s  %22s  %10s  %s\n", "date", "listing", "models",
			 "datasets", "model downloads (all)", "on disk", "endpoint");
	for (i = 0; i < n; i++) {
		const struct history_entry *en = history_at(h, i);
		char dl[32], kind[16];
		if (en->no_alltime & (1u << HT_MODELS))
			snprintf(dl, sizeof dl, "unknown");
		else
			snprintf(dl, sizeof dl, "%" PRIu64, en->downloads_all[HT_MODELS]);
		snprintf(kind, sizeof kind, "%s", en->complete ? "complete" : "partial");
		cli_human_bytes(en->disk_bytes, 1, size, sizeof size);
		safetext_fprintf(stdout, "%-10s  %-8s  %10" PRIu32 "  %9" PRIu32 "  %22s  %10s  %s%s\n",
				 en->date, kind, en->items[HT_MODELS], en->items[HT_DATASETS], dl, size,
				 en->endpoint, en->demo ? " (DEMO DATA)" : "");
	}
	{
		uint64_t total = 0;
		for (i = 0; i < n; i++)
			total += history_at(h, i)->disk_bytes;
		cli_human_bytes(total, 1, size, sizeof size);
		safetext_fprintf(stdout, "%zu snapshot%s, %s on disk, in %s\n", n, n == 1 ? "" : "s",
				 size, idx);
	}
	history_free(h);
	return 0;
}

int cli_cmd_history(struct args *a, const struct globals *g)
{
	char dir[4096];
	const char *keep_opt = NULL, *sub = NULL, *day = NULL;
	int json = 0;

	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return history_usage();
		if (!strcmp(arg, "--json")) {
			json = 1;
		} else if (cli_opt_is(arg, "--history-keep")) {
			if (cli_history_keep_opt(a, &keep_opt) != 0)
				return EXIT_USAGE;
		} else if (arg[0] == '-') {
			cli_err_usage("history", "unknown option '%s'", arg);
			return EXIT_USAGE;
		} else if (!sub) {
			sub = arg;
			if (strcmp(sub, "rm") && strcmp(sub, "prune") && strcmp(sub, "list")) {
				cli_err_usage("history", "unknown subcommand '%s' (list, rm DATE, prune)", sub);
				return EXIT_USAGE;
			}
		} else if (!strcmp(sub, "rm") && !day) {
			day = arg;
		} else {
			cli_err_usage("history", "unexpected argument '%s'", arg);
			return EXIT_USAGE;
		}
	}
	if (store_cache_dir(g->cache_dir, dir, sizeof dir) != 0) {
		cli_err_run("cannot tell where the cache folder is: pass --cache-dir DIR");
		return 1;
	}
	if (!sub || !strcmp(sub, "list"))
		return list(dir, json);
	if (!strcmp(sub, "rm")) {
		struct store_err e;
		int rc;
		if (!day || strlen(day) != 10 || table_parse_time(day) <= 0) {
			cli_err_usage("history", "'history rm' takes the date of a snapshot, YYYY-MM-DD "
				      "('hubtop history' lists them)%s%s", day ? ", not " : "", day ? day : "");
			return EXIT_USAGE;
		}
		rc = history_remove(dir, day, &e);
		if (rc < 0) {
			cli_err_run("%s", e.msg);
			return 1;
		}
		if (rc > 0) {
			cli_err_run("the history holds no snapshot of %s ('hubtop history' lists them)", day);
			return 1;
		}
		safetext_fprintf(stderr, "removed the snapshot of %s from the history\n", day);
		return 0;
	}
	{
		struct history_keep keep;
		struct store_err e;
		int n;
		char text[64];
		if (keep_rule(keep_opt, &keep) != 0)
			return EXIT_USAGE;
		n = history_prune(dir, &keep, &e);
		if (n < 0) {
			cli_err_run("%s", e.msg);
			return 1;
		}
		history_keep_text(&keep, text, sizeof text);
		safetext_fprintf(stderr, "history: %d snapshot%s dropped by the rule %s\n", n,
				 n == 1 ? "" : "s", text);
	}
	return 0;
}

/* ---- export timeline ------------------------------------------------------- */

struct tl_out {
	const struct timeline *t;
	enum export_format fmt;
	long rows;
};

static int write_timeline(void *ctx, void *fp)
{
	struct tl_out *o = ctx;
	o->rows = timeline_write(fp, o->t, o->fmt);
	return o->rows < 0 ? -1 : 0;
}

int cli_export_timeline(const struct globals *g, const struct filter *f, enum ht_kind items,
			int format, const char *out)
{
	struct session s;
	struct timeline t;
	struct tl_out o;
	struct store_err e;
	char err[1200];
	int rc = 0;

	if (format < 0)
		format = export_format_for_path(out) >= 0 ? export_format_for_path(out) : EXPORT_CSV;
	if (cli_open_session(&s, g, 0) != 0)
		return 1;
	if (timeline_build(&s, f, items, &t, err, sizeof err) != 0) {
		cli_err_run("%s", err);
		session_close(&s);
		return 1;
	}
	if (t.note[0])
		cli_err_run("warning: %s", t.note);
	o.t = &t;
	o.fmt = (enum export_format)format;
	o.rows = 0;
	if (!strcmp(out, "-")) {
		if (write_timeline(&o, stdout) != 0 || fflush(stdout) != 0) {
			cli_err_run("cannot write the timeline to standard output");
			rc = 1;
		}
	} else if (store_atomic_write(out, write_timeline, &o, &e) != 0) {
		cli_err_run("%s", e.msg);
		rc = 1;
	} else {
		safetext_fprintf(stderr, "wrote %s: %ld rows, %zu snapshot%s (%s .. %s)%s\n", out, o.rows,
				 t.n, t.n == 1 ? "" : "s", t.n ? t.p[0].date : "", t.n ? t.p[t.n - 1].date : "",
				 t.builtin_demo ? ", derived from the built-in demo" : "");
	}
	timeline_free(&t);
	session_close(&s);
	return rc;
}

/* cli.c - the command line: global options, subcommands and their help.
 * Each command is a thin face over session + engine; the same filter
 * options mean the same thing everywhere. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hubtop/civil.h"
#include "hubtop/cli.h"
#include "hubtop/config.h"
#include "hubtop/demo.h"
#include "hubtop/export.h"
#include "hubtop/hub.h"
#include "hubtop/listing.h"
#include "hubtop/panes.h"
#include "hubtop/report.h"
#include "hubtop/session.h"
#include "hubtop/store.h"
#include "hubtop/safetext.h"
#include "hubtop/tui.h"

#include "cli_priv.h"

void cli_err_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	safetext_fprintf(stderr, "hubtop%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	safetext_vfprintf(stderr, fmt, ap);
	va_end(ap);
	safetext_fprintf(stderr, "\nTry 'hubtop%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
}

void cli_err_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_err_run(const char *fmt, ...)
{
	va_list ap;
	fputs("hubtop: ", stderr);
	va_start(ap, fmt);
	safetext_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "--name=value" or "--name value"; returns the value or NULL (and says why). */
const char *cli_opt_value(struct args *a, const char *name)
{
	const char *arg = a->argv[a->i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	if (a->i + 1 >= a->argc) {
		cli_err_usage(a->cmd, "option %s needs a value", name);
		return NULL;
	}
	return a->argv[++a->i];
}

int cli_opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Filter options: --KEY VALUE for every key of filter.h.
 * Returns 1 taken, 0 not a filter option, -1 bad value (reported). */
static int take_filter(struct args *a, struct filter *f)
{
	const char *arg = a->argv[a->i], *v;
	char err[512];
	size_t k;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	for (k = 0; filter_keys[k]; k++) {
		if (!cli_opt_is(arg + 2, filter_keys[k]))
			continue;
		{
			char name[64];
			snprintf(name, sizeof name, "--%s", filter_keys[k]);
			v = cli_opt_value(a, name);
		}
		if (!v)
			return -1;
		if (filter_set(f, filter_keys[k], v, err, sizeof err) != 0) {
			cli_err_usage(a->cmd, "%s", err);
			return -1;
		}
		return 1;
	}
	return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	/* 10k and 1.5M as well as 10000: the same counts as --min-downloads. */
	return filter_parse_count(s, out);
}

static void format_time(int64_t t, char *buf, size_t len)
{
	if (civil_iso_time(t, buf, len) != 0)
		snprintf(buf, len, "unknown");
}

/* window: the filter's window, whose period (since a date) is resolved
 * while the session opens (session_opts.window); NULL for none. */
static int open_session_window(struct session *s, const struct globals *g, int quiet, const struct filter *window)
{
	struct session_opts o = { g->snapshot, g->cache_dir, g->orgs, quiet & 1, (quiet >> 1) & 1, window };
	char err[1200];

	if (session_open(s, &o, err, sizeof err) != 0) {
		cli_err_run("%s", err);
		return -1;
	}
	/* The explorer (quiet bit 2) says it on its own message line. */
	if (s->history_warning[0] && !(quiet & 4))
		cli_err_run("warning: %s", s->history_warning);
	return 0;
}

int cli_open_session(struct session *s, const struct globals *g, int quiet)
{
	return open_session_window(s, g, quiet, NULL);
}

/* Task, library and licence values are only known once the snapshot is
 * open: one that no item has is refused as a usage error, like a bad
 * country.  Returns 0 or EXIT_USAGE (reported). */
static int check_terms(const char *cmd, const struct filter *f, const struct session *s)
{
	char err[2048];
	const struct ht_meta *m = &s->snap->meta;

	/* All-time figures from a listing without all-time counts would all be
	 * unknown: refused rather than printed as n/a everywhere (the
	 * explorer, which can switch back, shows them as n/a). */
	if (cmd && f->window == WIN_ALL &&
	    (((m->no_alltime >> HT_MODELS) & 1) || ((m->no_alltime >> HT_DATASETS) & 1))) {
		cli_err_usage(cmd, "--window all: %s has no all-time download counts (%s did not carry "
			  "downloadsAllTime), so every all-time figure would be unknown, not 0. "
			  "Use --window 30d, or fetch the Hub again ('hubtop fetch' asks for all-time counts)",
			  s->demo_fallback ? "the demo snapshot" : s->snapshot_path,
			  m->endpoint[0] ? m->endpoint : "its source");
		return EXIT_USAGE;
	}
	if (filter_check_terms(f, s->snap, err, sizeof err) == 0 &&
	    filter_check_orgs(f, s->attr, s->dir, err, sizeof err) == 0 &&
	    filter_check_authors(f, s->attr, err, sizeof err) == 0)
		return 0;
	cli_err_usage(cmd, "%s", err);
	return EXIT_USAGE;
}

/* A period window (--window since:DATE or A..B): its two snapshots from
 * the history, given to the engine.  Returns 0, or 1 (reported). */
static int open_window(const struct filter *f, struct session *s)
{
	char err[2048];
	if (f->window != WIN_PERIOD || session_set_window(s, f, err, sizeof err) == 0)
		return 0;
	cli_err_run("%s", err);
	return 1;
}

/* ---- help ------------------------------------------------------------------- */

static const char filter_help[] =
	"Filters (the same in every command and in the explorer):\n"
	"  --country CN,US        ISO 3166-1 alpha-2 codes, or 'unknown'\n"
	"  --group us,cn,eu,...   country groups: us cn eu europe-other asia-other\n"
	"                         world-other unknown\n"
	"  --org-type T,...       industry academia non-profit government community\n"
	"                         independent unknown-org\n"
	"  --author NAME,...      accounts (uploader, or lineage root with --by lineage);\n"
	"                         one no item has is refused, with the closest\n"
	"  --org NAME,...         organisations, by name or by any of their accounts\n"
	"                         (an organisation holds every account the directory\n"
	"                         links to it); a name no organisation has is refused\n"
	"  --task TAG             pipeline tag (datasets: task category)\n"
	"  --library NAME         library, e.g. transformers\n"
	"  --license ID           licence, e.g. apache-2.0 (a task, library or licence\n"
	"                         that no item of the snapshot has is refused)\n"
	"  --search TEXT          case-insensitive text in the id; 'a|b': either; export\n"
	"                         orgs, countries, groups, org-types: or in the names of\n"
	"                         the item's account, organisation or country (or its code)\n"
	"  --created RANGE        2024, 2024..2025, 2024-03..2024-06, ..2023\n"
	"  --min-downloads N      at least N downloads in the window (10k, 1.5M, 2B)\n"
	"  --gated yes|no|any\n"
	"  --window 30d|all       30-day (default) or all-time downloads\n"
	"  --window since:DATE    downloads between two snapshots of the history\n"
	"  --window A..B          (YYYY-MM-DD; the nearest snapshots are used)\n"
	"  --by uploader|lineage  count a derivative for its uploader (default) or\n"
	"                         for the developer of its root base model\n"
	"  --group-by organisation|account\n"
	"                         rank organisations (default: all their accounts\n"
	"                         together) or single accounts\n"
	"  --of all|attributed    shares by country, group or type: of all downloads\n"
	"                         (default) or of those whose country (group, type)\n"
	"                         is known\n"
	"  --relation R,...       relation to a base model: original finetune adapter\n"
	"                         quantized merge unknown (no tags in the listing)\n"
	"  --language L,...       ISO 639 codes (zh, en, ...) or names (Chinese),\n"
	"                         unknown (no language tag), multilingual (several)\n"
	"  --size RANGE           total parameters: ..1B, 7B..70B, 100M.. (k M B T;\n"
	"                         an unknown size matches no range)\n";

static const char global_help[] =
	"Global options:\n"
	"  --snapshot FILE        open this snapshot instead of the cache's\n"
	"  --snapshot DATE        open the history's snapshot of that day (YYYY-MM-DD)\n"
	"  --cache-dir DIR        cache folder (default $HUBTOP_CACHE_DIR,\n"
	"                         $XDG_CACHE_HOME/hubtop or ~/.cache/hubtop)\n"
	"  --orgs-file FILE       organisation directory to use instead of the shipped one\n"
	"  -h, --help             this help;  -V, --version  the version\n";

static void help_main(void)
{
	printf("Usage: hubtop [OPTIONS] [FILTERS]        explore the snapshot in the terminal\n"
	       "       hubtop COMMAND [OPTIONS] [FILTERS]\n\n"
	       "hubtop explores the Hugging Face Hub: rankings, concentration and shares of\n"
	       "downloads by country, organisation type and year, live as you filter.\n"
	       "With no snapshot in the cache it opens a built-in demo snapshot (marked DEMO).\n\n"
	       "Commands:\n"
	       "  (none)       the terminal explorer\n"
	       "  info         what the snapshot holds\n"
	       "  report       headline figures of the filtered snapshot (text or JSON)\n"
	       "  export PANE  the rows of a view as CSV, TSV or JSON Lines\n"
	       "  fetch        fetch the Hub's listings into the cache\n"
	       "  import FILE  build a snapshot from Hub listing items (JSON or JSON Lines)\n"
	       "  demo         write a demo snapshot of any size\n"
	       "  orgs         check the organisation directory; unattributed accounts; coverage\n"
	       "  history      the snapshots kept in the cache's history; rm DATE; prune\n"
	       "  keys         the explorer's keys (markdown or man)\n\n"
	       "Explorer options:\n"
	       "  --pane NAME            models datasets regions orgs trends concentration\n"
	       "                         timeline movers bases\n"
	       "  --ascii                ASCII charts even where the locale allows Unicode\n\n"
	       "%s\n%s\n"
	       "Each command has its own --help.  See hubtop(1).\n",
	       global_help, filter_help);
}

/* ---- info ------------------------------------------------------------------- */

static int cmd_info(struct args *a, const struct globals *g)
{
	struct session s;
	int json = 0;
	char when[64], as_of[64];

	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if (!strcmp(arg, "--json")) {
			json = 1;
		} else if (cli_opt_is(arg, "--format")) {
			/* The same words as report and export. */
			const char *v = cli_opt_value(a, "--format");
			if (!v)
				return EXIT_USAGE;
			if (strcmp(v, "json") && strcmp(v, "text")) {
				cli_err_usage("info", "unknown format '%s' (valid: text, json)", v);
				return EXIT_USAGE;
			}
			json = !strcmp(v, "json");
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("Usage: hubtop info [--json | --format text|json] [--snapshot FILE] [--cache-dir DIR]\n\n"
			       "What the snapshot holds: counts, when and where it was fetched,\n"
			       "whether it is complete or only the top N, whether it is demo data.\n");
			return 0;
		} else {
			cli_err_usage("info", "unknown option '%s'", arg);
			return EXIT_USAGE;
		}
	}
	/* 3: quiet, and the snapshot alone: info needs no attribution. */
	if (cli_open_session(&s, g, 3) != 0)
		return 1;
	format_time(s.snap->meta.fetched_at, when, sizeof when);
	format_time(s.snap->meta.as_of, as_of, sizeof as_of);
	if (json) {
		cJSON *o = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(o, "models"),
		      *d = cJSON_AddObjectToObject(o, "datasets");
		char *txt;
		cJSON_AddStringToObject(o, "path", s.demo_fallback ? "" : s.snapshot_path);
		cJSON_AddBoolToObject(o, "demo", s.snap->meta.demo);
		cJSON_AddBoolToObject(o, "builtin_demo", s.demo_fallback);
		cJSON_AddBoolToObject(o, "complete", s.snap->meta.complete);
		if (!s.snap->meta.complete)
			cJSON_AddNumberToObject(o, "top_n", (double)s.snap->meta.top_n);
		cJSON_AddStringToObject(o, "fetched_at", when);
		if (s.snap->meta.as_of > 0)
			cJSON_AddStringToObject(o, "as_of", as_of);
		else
			cJSON_AddNullToObject(o, "as_of");
		cJSON_AddBoolToObject(o, "as_of_inferred", s.snap->meta.as_of_inferred);
		cJSON_AddNumberToObject(o, "refused", (double)s.snap->meta.refused);
		cJSON_AddBoolToObject(m, "all_time_counts", !((s.snap->meta.no_alltime >> HT_MODELS) & 1));
		cJSON_AddBoolToObject(d, "all_time_counts", !((s.snap->meta.no_alltime >> HT_DATASETS) & 1));
		cJSON_AddStringToObject(o, "endpoint", s.snap->meta.endpoint);
		cJSON_AddNumberToObject(o, "format_version", s.snap->meta.format_version);
		cJSON_AddNumberToObject(m, "count", s.snap->t[HT_MODELS].n);
		cJSON_AddNumberToObject(d, "count", s.snap->t[HT_DATASETS].n);
		cJSON_AddNumberToObject(o, "accounts", s.snap->n_accounts);
		cJSON_AddNumberToObject(o, "directory_entries", (double)orgdir_count(s.dir));
		txt = cJSON_Print(o);
		safetext_fputs(txt, stdout, 1);
		putchar('\n');
		free(txt);
		cJSON_Delete(o);
	} else {
		if (s.snap->meta.demo)
			safetext_fprintf(stdout, "DEMO DATA: synthetic figures, not the Hub's. Run 'hubtop fetch' "
			       "for real data.\n");
		safetext_fprintf(stdout, "snapshot:   %s\n", s.demo_fallback ? "(built-in demo; the cache has none)"
							   : s.snapshot_path);
		safetext_fprintf(stdout, "models:     %u\n", s.snap->t[HT_MODELS].n);
		safetext_fprintf(stdout, "datasets:   %u\n", s.snap->t[HT_DATASETS].n);
		safetext_fprintf(stdout, "accounts:   %u\n", s.snap->n_accounts);
		safetext_fprintf(stdout, "fetched:    %s\n", when);
		safetext_fprintf(stdout, "data as of: %s%s\n", as_of,
		       s.snap->meta.as_of <= 0 ? " (the data carries no date; import --as-of DATE gives one)"
		       : s.snap->meta.as_of_inferred ? " (inferred: the latest date in the data)" : "");
		if (s.snap->meta.no_alltime & (1u << HT_MODELS))
			safetext_fprintf(stdout, "all-time:   no all-time download counts (--window all is refused)\n");
		safetext_fprintf(stdout, "endpoint:   %s\n", s.snap->meta.endpoint);
		if (s.snap->meta.complete && s.snap->meta.refused)
			safetext_fprintf(stdout, "coverage:   complete listing but %" PRIu64 " items refused (ids that could "
			       "harm a terminal or a file)\n", s.snap->meta.refused);
		else if (s.snap->meta.complete)
			safetext_fprintf(stdout, "coverage:   complete listing\n");
		else
			safetext_fprintf(stdout, "coverage:   partial: only the top %" PRIu64 " by downloads; long-tail "
			       "figures are unknown\n", s.snap->meta.top_n);
		safetext_fprintf(stdout, "demo:       %s\n", s.snap->meta.demo ? "yes" : "no");
		safetext_fprintf(stdout, "directory:  %zu accounts attributed\n", orgdir_count(s.dir));
	}
	session_close(&s);
	return 0;
}

/* ---- import ----------------------------------------------------------------- */

static int import_one(struct ht_builder *b, const char *file, enum ht_kind kind, uint64_t *refused)
{
	struct listing_stats st;
	char err[1024];
	FILE *fp = strcmp(file, "-") ? fopen(file, "r") : stdin;
	const char *name = strcmp(file, "-") ? file : "(standard input)";
	int rc;

	if (!fp) {
		cli_err_run("cannot open %s: %s", file, strerror(errno));
		return -1;
	}
	memset(&st, 0, sizeof st);
	rc = listing_import(fp, name, b, kind, &st, err, sizeof err);
	if (fp != stdin)
		fclose(fp);
	if (rc != 0) {
		cli_err_run("%s", err);
		return -1;
	}
	safetext_fprintf(stderr, "%s: %" PRIu64 " %s imported", name, st.items,
		kind == HT_MODELS ? "models" : "datasets");
	if (st.duplicates)
		safetext_fprintf(stderr, ", %" PRIu64 " duplicates dropped", st.duplicates);
	if (st.rejected)
		safetext_fprintf(stderr, ", %" PRIu64 " refused for their id (the first problem says why)", st.rejected);
	if (st.bad_lines)
		safetext_fprintf(stderr, ", %" PRIu64 " lines that are not JSON skipped", st.bad_lines);
	if (st.warnings)
		safetext_fprintf(stderr, ", %" PRIu64 " fields of the wrong type left out", st.warnings);
	fputc('\n', stderr);
	*refused += st.rejected;
	if (st.first_problem[0])
		safetext_fprintf(stderr, "  first problem: %s\n", st.first_problem);
	return 0;
}

/* Without -o, an import replaces the cache's snapshot: one fetched from the
 * Hub (hours of crawling) goes only after --replace or a yes on a terminal.
 * 0: go on; -1: refused (said why). */
static int import_keeps_fetched(const char *path, int stdin_used)
{
	struct ht_meta m;
	uint32_t counts[HT_KIND_COUNT];
	char when[32] = "an unknown date", answer[16];
	if (store_peek(path, &m, counts) != 0 || m.demo || !strncmp(m.endpoint, "import:", 7))
		return 0;
	if (m.fetched_at > 0) {
		time_t ft = (time_t)m.fetched_at;
		struct tm tm;
		gmtime_r(&ft, &tm);
		strftime(when, sizeof when, "%Y-%m-%d", &tm);
	}
	if (!stdin_used && isatty(0) && isatty(2)) {
		safetext_fprintf(stderr, "hubtop import: %s holds %u models and %u datasets fetched from %s on %s.\n"
				 "Replace it with the import? [y/N] ", path, counts[HT_MODELS], counts[HT_DATASETS],
				 m.endpoint[0] ? m.endpoint : "the Hub", when);
		if (fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y'))
			return 0;
		cli_err_run("import cancelled: the cache's snapshot is unchanged (-o FILE writes elsewhere)");
		return -1;
	}
	cli_err_usage("import", "the cache's snapshot %s was fetched from %s on %s; the import would replace "
		  "it: pass --replace to do so, or -o FILE to write elsewhere", path,
		  m.endpoint[0] ? m.endpoint : "the Hub", when);
	return -1;
}

static int cmd_import(struct args *a, const struct globals *g)
{
	const char *out = NULL, *files[64], *dsets[64], *keep = NULL;
	size_t nf = 0, nd = 0, i;
	struct ht_builder *b;
	struct ht_snapshot *s;
	struct ht_meta meta;
	struct store_err e;
	char path[4096], dir[4096];
	int datasets_only = 0, replace = 0, stdin_used = 0;
	int64_t as_of = 0;
	uint64_t refused = 0;

	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("Usage: hubtop import [FILE...] [--datasets FILE...] [--as-of DATE] [-o SNAPSHOT]\n"
			       "                     [--history-keep RULE]\n\n"
			       "Builds a snapshot from Hub listing items as /api/models and\n"
			       "/api/datasets return them: a JSON array, or JSON Lines (one item a\n"
			       "line).  '-' reads standard input.  FILEs hold models; each file after\n"
			       "--datasets holds datasets.  Without -o the snapshot replaces the\n"
			       "cache's, atomically.  Items with missing or ill-typed fields are kept\n"
			       "with what is valid; lines that are not JSON are reported and skipped.\n"
			       "A missing or null download count is kept as unknown, never as 0.\n"
			       "--as-of DATE (YYYY-MM-DD) says when the listing was taken; without\n"
			       "it the latest lastModified/createdAt in the data is used, marked as\n"
			       "inferred.  With --as-of the snapshot is also kept in the cache's\n"
			       "history (see 'hubtop history --help'; --history-keep RULE sets the\n"
			       "retention).\n"
			       "A snapshot fetched from the Hub in the cache is replaced only with\n"
			       "--replace, or after a yes on a terminal.\n");
			return 0;
		} else if (cli_opt_is(arg, "--as-of")) {
			const char *v = cli_opt_value(a, "--as-of");
			if (!v)
				return EXIT_USAGE;
			if ((as_of = table_parse_time(v)) <= 0) {
				cli_err_usage("import", "--as-of '%s' is not a date: give the day the listing "
					  "was taken as YYYY-MM-DD (e.g. --as-of 2022-07-02)", v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(arg, "-o") || cli_opt_is(arg, "--output")) {
			if (!(out = cli_opt_value(a, arg[1] == 'o' ? "-o" : "--output")))
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--history-keep")) {
			if (cli_history_keep_opt(a, &keep) != 0)
				return EXIT_USAGE;
		} else if (!strcmp(arg, "--replace")) {
			replace = 1;
		} else if (!strcmp(arg, "--datasets")) {
			datasets_only = 1;
		} else if (!strcmp(arg, "--models")) {
			datasets_only = 0;
		} else if (arg[0] == '-' && arg[1]) {
			cli_err_usage("import", "unknown option '%s'", arg);
			return EXIT_USAGE;
		} else if (datasets_only) {
			if (nd < 64)
				dsets[nd++] = arg;
		} else if (nf < 64) {
			files[nf++] = arg;
		}
	}
	if (nf + nd == 0) {
		cli_err_usage("import", "no input file given (use '-' for standard input)");
		return EXIT_USAGE;
	}
	for (i = 0; i < nf + nd; i++)
		stdin_used |= !strcmp(i < nf ? files[i] : dsets[i - nf], "-");
	if (!out && !replace && store_cache_dir(g->cache_dir, dir, sizeof dir) == 0 &&
	    store_default_path(dir, path, sizeof path) == 0 && import_keeps_fetched(path, stdin_used) != 0)
		return EXIT_USAGE;
	b = table_builder_new();
	if (!b) {
		cli_err_run("out of memory");
		return 1;
	}
	for (i = 0; i < nf; i++)
		if (import_one(b, files[i], HT_MODELS, &refused) != 0)
			goto fail;
	for (i = 0; i < nd; i++)
		if (import_one(b, dsets[i], HT_DATASETS, &refused) != 0)
			goto fail;
	if (table_builder_count(b, HT_MODELS) + table_builder_count(b, HT_DATASETS) == 0) {
		cli_err_run("no valid item in the input: nothing imported, the current snapshot is "
			"unchanged");
		goto fail;
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	meta.fetched_at = (int64_t)time(NULL);
	meta.as_of = as_of; /* 0: the builder infers it from the data */
	meta.refused = refused;
	snprintf(meta.endpoint, sizeof meta.endpoint, "import:%s",
		 nf ? files[0] : dsets[0]);
	s = table_builder_finish(b, &meta);
	if (!s) {
		cli_err_run("out of memory while building the snapshot");
		return 1;
	}
	if (!out) {
		if (store_cache_dir(g->cache_dir, dir, sizeof dir) != 0 ||
		    store_default_path(dir, path, sizeof path) != 0) {
			cli_err_run("cannot tell where the cache folder is: pass --cache-dir or -o");
			table_free(s);
			return 1;
		}
		if (store_mkdirs(dir, &e) != 0) {
			cli_err_run("%s", e.msg);
			table_free(s);
			return 1;
		}
		out = path;
	}
	if (store_write(s, out, &e) != 0) {
		cli_err_run("%s", e.msg);
		table_free(s);
		return 1;
	}
	safetext_fprintf(stderr, "wrote %s: %u models, %u datasets\n", out, s->t[HT_MODELS].n,
		s->t[HT_DATASETS].n);
	if (as_of > 0) {
		if (store_cache_dir(g->cache_dir, dir, sizeof dir) != 0 ||
		    cli_history_record(dir, s, keep) != 0) {
			table_free(s);
			return 1;
		}
	}
	table_free(s);
	return 0;
fail:
	table_builder_free(b);
	return 1;
}

/* ---- demo ------------------------------------------------------------------- */

static int cmd_demo(struct args *a, const struct globals *g)
{
	uint64_t models = DEMO_DEFAULT_MODELS, datasets = DEMO_DEFAULT_DATASETS,
		 seed = DEMO_DEFAULT_SEED, history = 0;
	const char *out = NULL, *v;
	struct orgdir *d;
	struct orgdir_diag diag = { NULL, NULL, 0 };
	char err[1024], dir[4096];
	int rc;

	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		uint64_t *dst = NULL;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("Usage: hubtop demo [--models N] [--datasets M] [--seed S] -o FILE\n"
			       "       hubtop demo [--models N] [--datasets M] [--seed S] --history N [-o FILE]\n\n"
			       "Writes a demo snapshot: synthetic data shaped like the Hub (long\n"
			       "tail, concentration, country and organisation shares), always marked\n"
			       "as demo.  The same options give the same file.  Defaults: %u models,\n"
			       "%u datasets.\n\n"
			       "--history N also writes a series of N monthly demo snapshots, ending\n"
			       "with that one, into the cache's history (see 'hubtop history'):\n"
			       "all-time counts that grow, models that appear, a few deleted and a\n"
			       "few renamed.  -o is then optional.\n", DEMO_DEFAULT_MODELS,
			       DEMO_DEFAULT_DATASETS);
			return 0;
		} else if (!strcmp(arg, "-o") || cli_opt_is(arg, "--output")) {
			if (!(out = cli_opt_value(a, arg[1] == 'o' ? "-o" : "--output")))
				return EXIT_USAGE;
			continue;
		} else if (cli_opt_is(arg, "--models")) {
			dst = &models;
			v = cli_opt_value(a, "--models");
		} else if (cli_opt_is(arg, "--datasets")) {
			dst = &datasets;
			v = cli_opt_value(a, "--datasets");
		} else if (cli_opt_is(arg, "--seed")) {
			dst = &seed;
			v = cli_opt_value(a, "--seed");
		} else if (cli_opt_is(arg, "--history")) {
			dst = &history;
			v = cli_opt_value(a, "--history");
		} else {
			cli_err_usage("demo", "unknown option '%s'", arg);
			return EXIT_USAGE;
		}
		if (!v)
			return EXIT_USAGE;
		if (cli_parse_u64(v, dst) != 0 || (dst != &seed && *dst > 100000000) ||
		    (dst == &history && (*dst < 1 || *dst > 120))) {
			if (dst == &history)
				cli_err_usage("demo", "--history takes a number of months from 1 to 120, "
					      "not '%s'", v);
			else
				cli_err_usage("demo", "'%s' is not a count (a whole number up to 100000000)", v);
			return EXIT_USAGE;
		}
	}
	if (!out && !history) {
		cli_err_usage("demo", "say where to write it: -o FILE (or --history N)");
		return EXIT_USAGE;
	}
	if (history && store_cache_dir(g->cache_dir, dir, sizeof dir) != 0) {
		cli_err_run("cannot tell where the cache folder is: pass --cache-dir DIR");
		return 1;
	}
	d = orgdir_new();
	if (!d) {
		cli_err_run("out of memory");
		return 1;
	}
	orgdir_load_default(d, g->orgs, &diag);
	if (!history) {
		rc = demo_write(models, datasets, seed, d, out, err, sizeof err);
	} else {
		struct ht_snapshot *s = demo_generate(models, datasets, seed, d);
		struct store_err se;
		rc = 0;
		if (!s) {
			snprintf(err, sizeof err, "demo: out of memory generating %" PRIu64 " models and "
				 "%" PRIu64 " datasets: ask for fewer or free memory", models, datasets);
			rc = -1;
		} else if (out && store_write(s, out, &se) != 0) {
			snprintf(err, sizeof err, "%s", se.msg);
			rc = -1;
		} else {
			rc = demo_write_history(s, (unsigned)history, seed, dir, err, sizeof err);
		}
		table_free(s);
	}
	orgdir_free(d);
	if (rc != 0) {
		cli_err_run("%s", err);
		return 1;
	}
	if (out)
		safetext_fprintf(stderr, "wrote %s: demo snapshot, %" PRIu64 " models, %" PRIu64
				 " datasets\n", out, models, datasets);
	if (history)
		safetext_fprintf(stderr, "wrote %" PRIu64 " monthly demo snapshot%s into the history "
				 "of %s ('hubtop history' lists them)\n", history, history == 1 ? "" : "s",
				 dir);
	return 0;
}

/* ---- report and export ------------------------------------------------------ */

static int cmd_report(struct args *a, const struct globals *g)
{
	struct filter f;
	struct session s;
	enum report_format fmt = REPORT_TEXT;
	const char *v;
	int rc;

	filter_init(&f);
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if ((rc = take_filter(a, &f)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("Usage: hubtop report [FILTERS] [--format text|json]\n\n"
			       "The headline figures of the filtered snapshot, computed live: counts,\n"
			       "downloads, top-N shares, share under 200 downloads, Gini, shares by\n"
			       "country, country group and organisation type, and by year of\n"
			       "creation; by relation to a base model, language and size (median and\n"
			       "download-weighted mean by year), and the base models with most\n"
			       "derivatives.  The JSON is stable: see docs/report-json.md.\n\n%s",
			       filter_help);
			return 0;
		} else if (cli_opt_is(arg, "--format")) {
			if (!(v = cli_opt_value(a, "--format")))
				return EXIT_USAGE;
			if (!strcmp(v, "text"))
				fmt = REPORT_TEXT;
			else if (!strcmp(v, "json"))
				fmt = REPORT_JSON;
			else {
				cli_err_usage("report", "unknown format '%s' (valid: text, json)", v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(arg, "--json")) {
			fmt = REPORT_JSON;
		} else {
			cli_err_usage("report", "unknown option '%s'", arg);
			return EXIT_USAGE;
		}
	}
	if (open_session_window(&s, g, 0, &f) != 0)
		return 1;
	if ((rc = check_terms("report", &f, &s)) != 0 || (rc = open_window(&f, &s)) != 0) {
		session_close(&s);
		return rc;
	}
	rc = report_write(stdout, s.eng, &f, fmt);
	if (rc != 0 || fflush(stdout) != 0) {
		cli_err_run("cannot write the report: %s", strerror(errno));
		rc = 1;
	}
	session_close(&s);
	return rc ? 1 : 0;
}

/* The views hubtop export takes beside export_req_names': the history's
 * timeline, the movers and the tables of the dimensions. */
static void print_more_panes(FILE *fp)
{
	fprintf(fp, ", timeline, movers");
	for (int p = 1; export_dim_key(p); p++)
		fprintf(fp, ", %s", export_dim_key(p));
}

/* The format of -o FILE: --format's when given (an extension naming
 * another format is refused), else the extension's; an extension that
 * names no format is refused rather than written as CSV. */
static int export_format_check(const char *out, struct export_req *q, int format_given)
{
	const char *base = strrchr(out, '/'), *ext;
	struct stat st;
	int fmt;
	base = base ? base + 1 : out;
	ext = strrchr(base, '.');
	/* Only a file's name says what it holds: a device, a FIFO or a link
	 * to one (/dev/stdout, /proc/self/fd/1) is written as asked. */
	if (!strcmp(out, "-") || !ext || ext == base || !strncmp(out, "/dev/", 5) || !strncmp(out, "/proc/", 6) ||
	    (stat(out, &st) == 0 && !S_ISREG(st.st_mode)))
		return 0;
	fmt = export_format_for_path(base);
	if (fmt < 0 && !format_given) {
		cli_err_usage("export", "-o %s: '%s' is not an export format (.csv, .tsv, .jsonl or .json); "
			      "name the file so, or say --format csv|tsv|jsonl", out, ext);
		return EXIT_USAGE;
	}
	if (fmt >= 0 && format_given && fmt != (int)q->format) {
		cli_err_usage("export", "-o %s is %s by its name but --format says %s: make them agree", out,
			      export_format_name(fmt), export_format_name((int)q->format));
		return EXIT_USAGE;
	}
	if (fmt >= 0)
		q->format = (enum export_format)fmt;
	return 0;
}

/* A bad columns.PANE line of the configuration: hubtop export writes every
 * column then, and says why (other keys are the explorer's). */
static void export_config_problem(void *ctx, const char *msg)
{
	(void)ctx;
	if (strstr(msg, ": columns."))
		safetext_fprintf(stderr, "hubtop export: warning: %s (line skipped: every column written)\n", msg);
}

/* The columns of q: --columns, else the configuration's columns.PANE for
 * a pane of the explorer; 0, or EXIT_USAGE said. */
static int export_columns_choose(struct export_req *q, const char *pane, const char *given)
{
	char err[1200];
	int i = pane_index(pane);
	if (given) {
		if (export_columns_set(q, given, err, sizeof err) != 0) {
			cli_err_usage("export", "--columns: %s", err);
			return EXIT_USAGE;
		}
		return 0;
	}
	if (i >= 0 && !strcmp(pane_keys[i], pane) && !q->movers && q->view == EXPORT_RANKING) {
		struct config c;
		config_init(&c);
		config_load(&c, NULL, export_config_problem, NULL);
		if (c.columns[i][0] && export_columns_set(q, c.columns[i], err, sizeof err) != 0)
			safetext_fprintf(stderr, "hubtop export: warning: the configuration's columns.%s: %s\n", pane, err);
	}
	return 0;
}

static int cmd_export(struct args *a, const struct globals *g)
{
	struct filter f;
	struct session s;
	struct export_req q;
	enum export_dim dim = EXPORT_DIM_NONE;
	struct eng_result *r;
	const char *out = "-", *v, *pane = NULL, *columns = NULL;
	char err[1200], path[4096], names[256];
	long rows;
	int rc, sort_given = 0, format_given = 0, per = -1;

	filter_init(&f);
	memset(&q, 0, sizeof q);
	q.desc = 1;
	q.items = HT_MODELS;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if ((rc = take_filter(a, &f)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("Usage: hubtop export PANE [FILTERS] [--sort KEY[:asc|:desc]] [--limit N]\n"
			       "                     [--items models|datasets] [--format csv|tsv|jsonl|json]\n"
			       "                     [--split type|group|relation|size|language]\n"
			       "                     [--measure downloads|count]\n"
			       "                     [--columns NAME,NAME,...] [-o FILE]\n"
			       "       hubtop export movers --window since:DATE|A..B [FILTERS]\n"
			       "                     [--items models|datasets]\n"
			       "                     [--per models|datasets|orgs|countries] [--limit N] ...\n\n"
			       "Writes the rows of a view, every row unless --limit, with the columns\n"
			       "the explorer shows for it.  PANE is one of:\n  %s", export_req_names(names, sizeof names));
			print_more_panes(stdout);
			printf(".\n"
			       "regions is countries; trends is one row per year (--split: by\n"
			       "organisation type, country group, relation to a base, size or\n"
			       "language; --measure: shares of downloads or of item counts); concentration is the top-N shares, Gini, the items\n"
			       "holding half of the downloads, the median and the Lorenz curve;\n"
			       "timeline is the shares by country, group and organisation type at each\n"
			       "snapshot of the history (see 'hubtop history'); relations, languages,\n"
			       "sizes, bases and base-orgs are the tables of those dimensions.\n"
			       "movers: between the period's two snapshots, per item (of --items), per\n"
			       "organisation or per country: the 30-day downloads and the rank at each\n"
			       "snapshot, their change, the downloads over the period, new entrants;\n"
			       "by growth, largest first.\n");
			printf("The format is --format's, else the file's extension (.csv .tsv .jsonl\n"
			       ".json); another extension is refused.  ~ is your home folder.\n"
			       "Sort keys: downloads likes trending created count name (default\n"
			       "downloads, descending; the Hub's names trending_score, created_at,\n"
			       "last_modified and id work too; on the aggregate panes, likes and\n"
			       "trending are the sums of their items').  Models and datasets also sort\n"
			       "by modified, country, org-type, task, library, license; orgs by\n"
			       "display-name, share, country, org-type, accounts; countries, groups\n"
			       "and org-types by display-name, share.  Text keys list A to Z unless\n"
			       ":desc.\n"
			       "CSV is RFC 4180, UTF-8; cells a spreadsheet\n"
			       "could run as a formula are neutralised.  -o - (default) writes to\n"
			       "standard output; a file is replaced atomically, keeping its mode\n"
			       "(a link: its target); a device or FIFO (/dev/stdout, /dev/null) is\n"
			       "written to, never replaced.  Columns: see docs/export.md; --columns\n"
			       "(or columns.PANE in the configuration file) writes only those, after\n"
			       "the identifying ones (rank, id, account or key), as the explorer\n"
			       "exports the columns it shows.\n\n%s",
			       filter_help);
			return 0;
		} else if (!strcmp(arg, "-o") || cli_opt_is(arg, "--output")) {
			if (!(out = cli_opt_value(a, arg[1] == 'o' ? "-o" : "--output")))
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--sort")) {
			char key[32];
			const char *colon;
			int sk;
			if (!(v = cli_opt_value(a, "--sort")))
				return EXIT_USAGE;
			colon = strchr(v, ':');
			snprintf(key, sizeof key, "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
			sk = engine_sort_find(key);
			if (sk < 0 || (colon && strcmp(colon, ":asc") && strcmp(colon, ":desc"))) {
				cli_err_usage("export", "unknown sort '%s' (valid: downloads, likes, "
					  "trending (or trending_score), created (or created_at), count, name; "
					  "models and datasets: modified (or last_modified), country, org-type, task, "
					  "library, license (or licence); "
					  "orgs and regions: display-name, share, country, org-type, accounts; "
					  "optionally :asc or :desc)", v);
				return EXIT_USAGE;
			}
			q.sort = (enum eng_sort)sk;
			q.desc = colon ? !strcmp(colon, ":desc") : !engine_sort_is_text(sk);
			sort_given = 1;
		} else if (cli_opt_is(arg, "--columns")) {
			if (!(columns = cli_opt_value(a, "--columns")))
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--limit")) {
			uint64_t n;
			if (!(v = cli_opt_value(a, "--limit")))
				return EXIT_USAGE;
			if (cli_parse_u64(v, &n) != 0) {
				cli_err_usage("export", "--limit takes a whole number, not '%s'", v);
				return EXIT_USAGE;
			}
			q.limit = (size_t)n;
		} else if (cli_opt_is(arg, "--format")) {
			int fmt;
			if (!(v = cli_opt_value(a, "--format")))
				return EXIT_USAGE;
			fmt = export_format_find(v);
			if (fmt < 0) {
				char valid[128];
				size_t at = 0;
				valid[0] = '\0';
				for (int i = 0; export_format_name(i) && at < sizeof valid; i++)
					at += (size_t)snprintf(valid + at, sizeof valid - at, "%s%s", i ? ", " : "",
							       export_format_name(i));
				cli_err_usage("export", "unknown format '%s' (valid: %s)", v, valid);
				return EXIT_USAGE;
			}
			q.format = (enum export_format)fmt;
			format_given = 1;
		} else if (cli_opt_is(arg, "--split")) {
			if (!(v = cli_opt_value(a, "--split")))
				return EXIT_USAGE;
			q.mode &= ~(EXPORT_TRENDS_BY_GROUP | EXPORT_TRENDS_DIM_MASK);
			if (!strcmp(v, "group"))
				q.mode |= EXPORT_TRENDS_BY_GROUP;
			else if (!strcmp(v, "relation"))
				q.mode |= 1u << EXPORT_TRENDS_DIM_SHIFT;
			else if (!strcmp(v, "size"))
				q.mode |= 2u << EXPORT_TRENDS_DIM_SHIFT;
			else if (!strcmp(v, "language"))
				q.mode |= 3u << EXPORT_TRENDS_DIM_SHIFT;
			else if (strcmp(v, "type") != 0) {
				cli_err_usage("export", "--split is type, group, relation, size or language, not '%s'", v);
				return EXIT_USAGE;
			}
		} else if (cli_opt_is(arg, "--measure")) {
			if (!(v = cli_opt_value(a, "--measure")))
				return EXIT_USAGE;
			if (!strcmp(v, "count"))
				q.mode |= EXPORT_TRENDS_BY_COUNT;
			else if (!strcmp(v, "downloads"))
				q.mode &= ~EXPORT_TRENDS_BY_COUNT;
			else {
				cli_err_usage("export", "--measure is downloads or count, not '%s'", v);
				return EXIT_USAGE;
			}
		} else if (cli_opt_is(arg, "--items")) {
			if (!(v = cli_opt_value(a, "--items")))
				return EXIT_USAGE;
			if (!strcmp(v, "models"))
				q.items = HT_MODELS;
			else if (!strcmp(v, "datasets"))
				q.items = HT_DATASETS;
			else {
				cli_err_usage("export", "--items is models or datasets, not '%s'", v);
				return EXIT_USAGE;
			}
		} else if (cli_opt_is(arg, "--per")) {
			static const char *const pers[] = { "models", "datasets", "orgs", "countries" };
			static const enum eng_pane per_pane[] = { PANE_MODELS, PANE_DATASETS, PANE_ORGS,
								  PANE_COUNTRIES };
			if (!(v = cli_opt_value(a, "--per")))
				return EXIT_USAGE;
			for (per = 3; per >= 0 && strcmp(v, pers[per]); per--)
				;
			if (per < 0) {
				cli_err_usage("export", "--per is models, datasets, orgs or countries, not '%s'", v);
				return EXIT_USAGE;
			}
			per = (int)per_pane[per];
		} else if (arg[0] == '-' && arg[1]) {
			cli_err_usage("export", "unknown option '%s'", arg);
			return EXIT_USAGE;
		} else if (!pane) {
			pane = arg;
		} else {
			cli_err_usage("export", "one pane at a time ('%s' and '%s' given)", pane, arg);
			return EXIT_USAGE;
		}
	}
	if (!pane) {
		safetext_fprintf(stderr, "hubtop export: say which view to export: %s\n"
				 "Try 'hubtop export --help'.\n", export_req_names(names, sizeof names));
		return EXIT_USAGE;
	}
	if (strcmp(out, "-") != 0) {
		if (export_expand_path(out, path, sizeof path) != 0) {
			cli_err_usage("export", "cannot expand '%s': HOME is not set or the path is too long", out);
			return EXIT_USAGE;
		}
		out = path;
	}
	if ((rc = export_format_check(out, &q, format_given)) != 0)
		return rc;
	if (!strcmp(pane, "timeline"))
		return cli_export_timeline(g, &f, q.items, (int)q.format, out);
	if (!strcmp(pane, "movers")) {
		/* Who moved between the period's two snapshots. */
		if (f.window != WIN_PERIOD) {
			cli_err_usage("export", "movers compare two snapshots of the history: give the period "
				  "with --window since:YYYY-MM-DD or --window YYYY-MM-DD..YYYY-MM-DD "
				  "('hubtop history' lists the snapshots)");
			return EXIT_USAGE;
		}
		q.movers = 1;
		q.pane = per >= 0 ? (enum eng_pane)per : q.items == HT_DATASETS ? PANE_DATASETS : PANE_MODELS;
	} else if (per >= 0) {
		cli_err_usage("export", "--per is for 'hubtop export movers' only");
		return EXIT_USAGE;
	} else if (export_dim_find(pane) > 0) {
		/* Relations, sizes and bases are the models'; languages follow --items. */
		dim = (enum export_dim)export_dim_find(pane);
		q.pane = q.items == HT_DATASETS && dim == EXPORT_DIM_LANGUAGES ? PANE_DATASETS : PANE_MODELS;
		if (dim != EXPORT_DIM_LANGUAGES)
			q.items = HT_MODELS;
	} else if (export_req_find(pane, &q) != 0) {
		safetext_fprintf(stderr, "hubtop export: unknown pane '%s' (valid: %s", pane,
				 export_req_names(names, sizeof names));
		print_more_panes(stderr);
		safetext_fprintf(stderr, ")\n");
		return EXIT_USAGE;
	}
	if (q.view == EXPORT_CONCENTRATION && q.items == HT_DATASETS)
		q.pane = PANE_DATASETS;
	if (dim == EXPORT_DIM_NONE && q.pane == PANE_DATASETS)
		q.items = HT_DATASETS;
	else if (dim == EXPORT_DIM_NONE && q.pane == PANE_MODELS && !q.movers)
		q.items = HT_MODELS;
	if (!sort_given && q.pane == PANE_YEARS) {
		q.sort = SORT_NAME;
		q.desc = 0;
	}
	if (sort_given && dim == EXPORT_DIM_NONE && !q.movers && q.view == EXPORT_RANKING &&
	    !engine_sort_valid(q.sort, q.pane)) {
		cli_err_usage("export", "--sort %s: the rows of %s have no such column (models and datasets "
			  "also sort by modified, country, org-type, task, library, license; orgs by "
			  "display-name, share, "
			  "country, org-type, accounts; countries, groups, org-types by display-name, share)",
			  engine_sort_key(q.sort), pane);
		return EXIT_USAGE;
	}
	if ((rc = export_columns_choose(&q, pane, columns)) != 0)
		return rc;
	if (open_session_window(&s, g, 0, &f) != 0)
		return 1;
	if ((rc = check_terms("export", &f, &s)) != 0 || (rc = open_window(&f, &s)) != 0) {
		session_close(&s);
		return rc;
	}
	/* The organisations' and regions' rankings: the text filter also
	 * matches their names, as on those panes. */
	f.search_names = dim == EXPORT_DIM_NONE && !q.movers && q.view == EXPORT_RANKING &&
			 q.pane >= PANE_ORGS && q.pane <= PANE_ORGTYPES;
	r = engine_apply(s.eng, &f, q.items);
	if (!r) {
		cli_err_run("out of memory while computing the view");
		session_close(&s);
		return 1;
	}
	rows = export_dim_to_path(out, s.eng, r, dim, &q, err, sizeof err);
	engine_result_free(r);
	session_close(&s);
	if (rows < 0) {
		cli_err_run("%s", err);
		return 1;
	}
	if (strcmp(out, "-") != 0)
		safetext_fprintf(stderr, "wrote %s: %ld rows\n", out, rows);
	return 0;
}

/* ---- fetch ------------------------------------------------------------------ */

static volatile int fetch_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	fetch_cancel = 1;
}

struct fetch_ui {
	int tty;
	int quiet;
	size_t last_len;
};

void cli_human_bytes(uint64_t b, int kb_decimals, char *buf, size_t len)
{
	if (b >= 1000000000)
		snprintf(buf, len, "%.2f GB", b / 1e9);
	else if (b >= 1000000)
		snprintf(buf, len, "%.1f MB", b / 1e6);
	else
		snprintf(buf, len, "%.*f kB", kb_decimals, b / 1e3);
}

/* "40 s", "12 min", "2 h 05 min"; rounded up, so never "0 s" before the end. */
static void human_secs(double s, char *buf, size_t len)
{
	unsigned long long n = (unsigned long long)s;
	if ((double)n < s)
		n++;
	if (n < 90)
		snprintf(buf, len, "%llu s", n);
	else if (n < 90 * 60)
		snprintf(buf, len, "%llu min", (n + 30) / 60);
	else
		snprintf(buf, len, "%llu h %02llu min", n / 3600, n % 3600 / 60);
}

static int fetch_progress(void *ctx, const struct hub_progress *p)
{
	struct fetch_ui *ui = ctx;
	char line[320], bytes[32], items[64], eta[48] = "", left[32];
	const char *approx = p->estimated ? "~" : "";
	struct winsize ws;
	int n;

	if (!ui->tty || ui->quiet)
		return 0;
	cli_human_bytes(p->bytes, 0, bytes, sizeof bytes);
	/* Past the expected total (the Hub grew since): no total, no guess. */
	if (p->expected && p->items < p->expected) {
		snprintf(items, sizeof items, "%" PRIu64 " of %s%" PRIu64 " items", p->items, approx,
			 p->expected);
		/* With the Hub's rate limit known, the hub reckons its waits in;
		 * a retry's wait says nothing of the time left. */
		if ((p->eta_s >= 0 || p->rate > 0) && (p->wait_s <= 0 || p->quota_wait)) {
			human_secs(p->eta_s >= 0 ? p->eta_s : (double)(p->expected - p->items) / p->rate,
				   left, sizeof left);
			snprintf(eta, sizeof eta, ", %s%s left", p->estimated ? "~" : "about ", left);
		}
	} else {
		snprintf(items, sizeof items, "%" PRIu64 " items", p->items);
	}
	n = snprintf(line, sizeof line, "%s: page %" PRIu64 ", %s, %s, %.0f items/s%s", p->phase, p->pages,
		     items, bytes, p->rate, eta);
	if (p->wait_s > 0 && p->quota_wait && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n,
			      " — waiting %d s for the rate limit's next window (%u requests per %u s)",
			      p->wait_s, p->quota, p->window_s);
	else if (p->wait_s > 0 && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, " — waiting %d s (rate limit or retry %u)",
			      p->wait_s, p->retries);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	/* A line longer than the terminal would wrap, and '\r' would redraw only
	 * its last part. */
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) {
		int w = 0, i;
		for (i = 0; i < n; i++) {
			if (((unsigned char)line[i] & 0xc0) == 0x80)
				continue;
			if (w == ws.ws_col - 1)
				break;
			w++;
		}
		line[i] = '\0';
		n = w;
	}
	/* The carriage return is the progress line's own; the text is cleaned. */
	fputc('\r', stderr);
	safetext_fprintf(stderr, "%s%*s", line,
		ui->last_len > (size_t)n ? (int)(ui->last_len - (size_t)n) : 0, "");
	ui->last_len = (size_t)n;
	return 0;
}

/* The snapshot a fetch wrote joins the history, complete or partial. */
static int fetch_to_history(const struct hub_opts *o, const char *dir, const char *keep)
{
	char path[4096];
	struct store_err e;
	struct ht_snapshot *s;
	int rc;

	if (o->snapshot)
		snprintf(path, sizeof path, "%s", o->snapshot);
	else if (store_default_path(dir, path, sizeof path) != 0)
		return 0;
	s = store_load(path, &e);
	if (!s) {
		cli_err_run("the snapshot was written, but cannot be read back for the history: %s",
			    e.msg);
		return 1;
	}
	rc = cli_history_record(dir, s, keep);
	table_free(s);
	return rc ? 1 : 0;
}

static int cmd_fetch(struct args *a, const struct globals *g)
{
	struct hub_opts o;
	struct orgdir *d;
	struct orgdir_diag diag = { NULL, NULL, 0 };
	struct fetch_ui ui = { isatty(2), 0, 0 };
	struct sigaction sa, old;
	char dir[4096], err[2048];
	const char *v, *keep = NULL;
	int rc;

	hub_opts_init(&o);
	o.models = o.datasets = 0;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			printf("Usage: hubtop fetch [--models] [--datasets] [--top N] [--endpoint URL]\n"
			       "                    [--orgs N] [--recheck-orgs] [--ca-bundle FILE]\n"
			       "                    [--quiet] [-o FILE] [--history-keep RULE]\n\n"
			       "Crawls the Hub's listings (most downloaded first) into a new snapshot.\n"
			       "Without --models or --datasets both are fetched.  --top N stops after\n"
			       "the N most downloaded of each: quick, and the snapshot says it is\n"
			       "partial.  Interrupted (Ctrl-C, a lost connection), it resumes where it\n"
			       "stopped when run again; the previous snapshot stays in use until the\n"
			       "new one is complete.  --orgs N asks the Hub which of the N accounts\n"
			       "with most downloads that the directory does not know are\n"
			       "organisations (default 300); answers kept with the previous snapshot\n"
			       "are not asked again unless --recheck-orgs (an account can change).\n"
			       "On a terminal a progress line shows\n"
			       "pages, items, bytes, rate, the wait of a rate limit and the time left\n"
			       "(~: estimated from the previous complete snapshot); --quiet prints\n"
			       "only the summary.  Requests keep to the Hub's rate limit (its\n"
			       "RateLimit headers): once a window's quota is spent, the fetch waits\n"
			       "for the next window instead of being refused.  The new snapshot is\n"
			       "also kept in the cache's history, marked partial after --top (see\n"
			       "'hubtop history --help'; --history-keep RULE sets the retention).\n\n"
			       "Endpoint: --endpoint, else $HF_ENDPOINT, else %s.\n"
			       "Token: $HF_TOKEN, $HUGGING_FACE_HUB_TOKEN, $HF_TOKEN_PATH or\n"
			       "$HF_HOME/token.  HF_HUB_OFFLINE=1 forbids network access.\n",
			       HUB_DEFAULT_ENDPOINT);
			return 0;
		} else if (!strcmp(arg, "--models")) {
			o.models = 1;
		} else if (!strcmp(arg, "--datasets")) {
			o.datasets = 1;
		} else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
			ui.quiet = 1;
		} else if (!strcmp(arg, "--recheck-orgs")) {
			o.orgs_recheck = 1;
		} else if (cli_opt_is(arg, "--endpoint")) {
			if (!(o.endpoint = cli_opt_value(a, "--endpoint")))
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--ca-bundle")) {
			if (!(o.ca_bundle = cli_opt_value(a, "--ca-bundle")))
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--history-keep")) {
			if (cli_history_keep_opt(a, &keep) != 0)
				return EXIT_USAGE;
		} else if (!strcmp(arg, "-o") || cli_opt_is(arg, "--output")) {
			if (!(o.snapshot = cli_opt_value(a, arg[1] == 'o' ? "-o" : "--output")))
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--top") || cli_opt_is(arg, "--orgs")) {
			int top = cli_opt_is(arg, "--top");
			uint64_t n;
			if (!(v = cli_opt_value(a, top ? "--top" : "--orgs")))
				return EXIT_USAGE;
			if (cli_parse_u64(v, &n) != 0 || (top && n == 0) || n > UINT32_MAX) {
				cli_err_usage("fetch", "%s takes a positive whole number, not '%s'",
					  top ? "--top" : "--orgs", v);
				return EXIT_USAGE;
			}
			if (top)
				o.top_n = n;
			else
				o.orgs_check = (unsigned)n;
		} else {
			cli_err_usage("fetch", "unknown option '%s'", arg);
			return EXIT_USAGE;
		}
	}
	if (!o.models && !o.datasets)
		o.models = o.datasets = 1;
	if (store_cache_dir(g->cache_dir, dir, sizeof dir) != 0) {
		cli_err_run("cannot tell where the cache folder is: pass --cache-dir DIR");
		return 1;
	}
	o.cache_dir = dir;
	if (!o.snapshot && g->snapshot)
		o.snapshot = g->snapshot;
	o.progress = fetch_progress;
	o.ctx = &ui;
	o.cancel = &fetch_cancel;
	d = orgdir_new();
	if (!d) {
		cli_err_run("out of memory");
		return 1;
	}
	orgdir_load_default(d, g->orgs, &diag);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, &old);
	rc = hub_fetch(&o, d, err, sizeof err);
	sigaction(SIGINT, &old, NULL);
	orgdir_free(d);
	if (ui.last_len)
		fputc('\n', stderr);
	if (rc != 0) {
		cli_err_run("%s", err);
		return fetch_cancel ? 130 : 1;
	}
	if (err[0])
		safetext_fprintf(stderr, "%s\n", err);
	return fetch_to_history(&o, dir, keep);
}

/* ---- orgs ------------------------------------------------------------------- */

static void print_config_problem(void *ctx, const char *msg)
{
	struct config *c = ctx;
	safetext_fprintf(stderr, "hubtop: %s\n", msg);
	if (c && !c->n_problems++)
		snprintf(c->problem, sizeof c->problem, "%s", msg);
}

static int cmd_tui(struct args *a, const struct globals *g)
{
	struct config c;
	struct filter file, given;
	struct session s;
	const char *v;
	int rc;

	config_init(&c);
	config_load(&c, NULL, print_config_problem, &c);
	file = c.filter;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if ((rc = take_filter(a, &c.filter)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
		} else if (cli_opt_is(arg, "--pane")) {
			char names[256];
			if (!(v = cli_opt_value(a, "--pane")))
				return EXIT_USAGE;
			if (pane_index(v) < 0) {
				cli_err_usage(NULL, "unknown pane '%s' (valid: %s)", v, pane_names(names, sizeof names));
				return EXIT_USAGE;
			}
			snprintf(c.pane, sizeof c.pane, "%s", v);
		} else if (!strcmp(arg, "--ascii")) {
			c.ascii = 1;
		} else {
			cli_err_usage(NULL, "unknown command or option '%s'", arg);
			return EXIT_USAGE;
		}
	}
	if (!isatty(0) || !isatty(1)) {
		cli_err_run("the explorer needs a terminal; for scripts use 'hubtop report' or "
			"'hubtop export' (see hubtop --help)");
		return 1;
	}
	if (open_session_window(&s, g, 4, &c.filter) != 0)
		return 1;
	/* Only the terms given here: one kept in the configuration file, gone
	 * from a newer snapshot, should not keep the explorer from starting. */
	filter_init(&given);
	if (strcmp(c.filter.task, file.task))
		memcpy(given.task, c.filter.task, sizeof given.task);
	if (strcmp(c.filter.library, file.library))
		memcpy(given.library, c.filter.library, sizeof given.library);
	if (strcmp(c.filter.license, file.license))
		memcpy(given.license, c.filter.license, sizeof given.license);
	if (c.filter.n_authors != file.n_authors || memcmp(c.filter.authors, file.authors, sizeof file.authors)) {
		given.n_authors = c.filter.n_authors;
		memcpy(given.authors, c.filter.authors, sizeof given.authors);
	}
	if (c.filter.n_orgs != file.n_orgs || memcmp(c.filter.orgs, file.orgs, sizeof file.orgs)) {
		given.n_orgs = c.filter.n_orgs;
		memcpy(given.orgs, c.filter.orgs, sizeof given.orgs);
	}
	if ((rc = check_terms(NULL, &given, &s)) != 0) {
		session_close(&s);
		return rc;
	}
	if (c.filter.window == WIN_PERIOD) {
		/* A period of the configuration file that the history no longer
		 * holds must not keep the explorer from starting. */
		int given_here = c.filter.window != file.window || c.filter.period_from != file.period_from ||
				 c.filter.period_to != file.period_to;
		char err[2048];
		if (session_set_window(&s, &c.filter, err, sizeof err) != 0) {
			if (given_here) {
				cli_err_run("%s", err);
				session_close(&s);
				return 1;
			}
			safetext_fprintf(stderr, "hubtop: warning: the configuration's window: %s; "
					 "opening on the last 30 days\n", err);
			c.filter.window = WIN_30D;
			c.filter.period_from = c.filter.period_to = 0;
		}
	}
	rc = tui_run(&s, &c);
	session_close(&s);
	if (c.n_problems) {
		/* Said before the screen took over, hidden since: again. */
		struct config again;
		config_init(&again);
		config_load(&again, NULL, print_config_problem, NULL);
	}
	return rc;
}

/* The README's and the man page's key tables come from here. */
static int cmd_keys(struct args *a, const struct globals *g)
{
	const char *format = "markdown";
	(void)g;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i], *v;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			printf("Usage: hubtop keys [--format markdown|man]\n\n"
			       "The explorer's keys, from the table that drives its help and key\n"
			       "dispatch: a markdown table (the README's) or roff (the man page's).\n");
			return 0;
		}
		if (!cli_opt_is(arg, "--format")) {
			cli_err_usage("keys", "unknown option '%s'", arg);
			return EXIT_USAGE;
		}
		if (!(v = cli_opt_value(a, "--format")))
			return EXIT_USAGE;
		format = v;
	}
	if (tui_keys_print(stdout, format) != 0) {
		cli_err_usage("keys", "--format '%s' is not one of markdown, man", format);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- dispatch --------------------------------------------------------------- */

static const struct command {
	const char *name;
	int (*run)(struct args *a, const struct globals *g);
} commands[] = {
	{ "info", cmd_info },     { "import", cmd_import }, { "demo", cmd_demo },
	{ "report", cmd_report }, { "export", cmd_export }, { "fetch", cmd_fetch },
	{ "orgs", cli_cmd_orgs }, { "history", cli_cmd_history }, { "keys", cmd_keys },
};

int cli_main(int argc, char **argv)
{
	struct globals g = { 0 };
	struct args a;
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	int n = 0, i, rc;
	size_t c;
	const struct command *cmd = NULL;

	if (!rest) {
		cli_err_run("out of memory");
		return 1;
	}
	/* Global options may stand anywhere; take them out first. */
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], **dst = NULL, *name = NULL;
		if (cli_opt_is(arg, "--snapshot"))
			dst = &g.snapshot, name = "--snapshot";
		else if (cli_opt_is(arg, "--cache-dir"))
			dst = &g.cache_dir, name = "--cache-dir";
		else if (cli_opt_is(arg, "--orgs-file"))
			dst = &g.orgs, name = "--orgs-file";
		if (dst) {
			size_t len = strlen(name);
			if (arg[len] == '=')
				*dst = arg + len + 1;
			else if (i + 1 < argc)
				*dst = argv[++i];
			else {
				cli_err_usage(NULL, "option %s needs a value", name);
				free(rest);
				return EXIT_USAGE;
			}
			continue;
		}
		if (n == 0 && (!strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help"))) {
			help_main();
			free(rest);
			return 0;
		}
		if (n == 0 && (!strcmp(arg, "-V") || !strcmp(arg, "--version"))) {
			printf("hubtop %s\n", PACKAGE_VERSION);
			free(rest);
			return 0;
		}
		rest[n++] = argv[i];
	}
	a.argc = n;
	a.argv = rest;
	a.i = 0;
	a.cmd = NULL;
	if (n > 0)
		for (c = 0; c < sizeof commands / sizeof commands[0]; c++)
			if (!strcmp(rest[0], commands[c].name))
				cmd = &commands[c];
	if (cmd) {
		a.i = 1;
		a.cmd = cmd->name;
		rc = cmd->run(&a, &g);
	} else {
		rc = cmd_tui(&a, &g);
	}
	free(rest);
	return rc;
}

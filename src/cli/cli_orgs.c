/* cli_orgs.c - `hubtop orgs`: check a directory file, rank the accounts it
 * does not know, measure how much of the downloads it attributes. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hubtop/attrib.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"
#include "hubtop/safetext.h"
#include "hubtop/session.h"
#include "cli_priv.h"

static void print_problem(void *ctx, const char *msg)
{
	(void)ctx;
	safetext_fprintf(stderr, "%s\n", msg);
}

static void print_line(void *ctx, const char *msg)
{
	(void)ctx;
	safetext_fprintf(stdout, "  %s\n", msg);
}

static const char orgs_usage[] =
	"Usage: hubtop orgs check [FILE] [--quiet]\n"
	"       hubtop orgs unattributed [--top N] [--window 30d|all] [--kind org|user|unchecked|any]\n"
	"       hubtop orgs coverage [--top N] [--window 30d|all] [--list]\n\n"
	"check: validates an organisation directory file (the shipped one by default):\n"
	"  columns, country codes, types, accounts listed twice (case-insensitively,\n"
	"  and through same_as columns).  Problems go to standard error as\n"
	"  FILE:LINE: what; then standard output lists the entries without a country\n"
	"  (individuals and communities whose home is not public; --quiet leaves the\n"
	"  list out) and counts entries by type.  Exit status 1 only if there are\n"
	"  problems; entries without a country are not problems.\n"
	"unattributed: the accounts with the most downloads (by uploader) that the\n"
	"  directory does not know, so you can add them to ~/.config/hubtop/orgs.tsv.\n"
	"  --kind keeps those the Hub reports as organisations (org), as users\n"
	"  (user), those it was not asked about (unchecked; see fetch --orgs), or\n"
	"  all (any, the default).  --top N: how many (default 30).\n"
	"coverage: of the downloads of the N accounts with the most downloads (by\n"
	"  uploader; --top, default 200), the share whose account the directory gives\n"
	"  a country, and the share it knows at all (any type, individuals included).\n"
	"  --list prints the accounts among them left without a country.\n";

/* The shipped directory, as the explorer finds it, for `orgs check`. */
static const char *orgs_default_file(const struct globals *g, char *buf, size_t len)
{
	const char *env = getenv("HUBTOP_ORGS");
	if (g->orgs)
		return g->orgs;
	if (env && *env)
		return env;
	snprintf(buf, len, "%s/orgs.tsv", HUBTOP_DATADIR);
	return access(buf, R_OK) == 0 ? buf : "data/orgs.tsv";
}

static int orgs_window(struct args *a, int *all)
{
	const char *v = cli_opt_value(a, "--window");
	if (!v)
		return -1;
	if (strcmp(v, "30d") && strcmp(v, "all")) {
		cli_err_usage("orgs", "--window is 30d or all, not '%s'", v);
		return -1;
	}
	*all = !strcmp(v, "all");
	return 0;
}

static int orgs_top(struct args *a, uint64_t *top)
{
	const char *v = cli_opt_value(a, "--top");
	if (!v)
		return -1;
	if (cli_parse_u64(v, top) != 0 || *top == 0) {
		cli_err_usage("orgs", "--top takes a positive whole number, not '%s'", v);
		return -1;
	}
	return 0;
}

static int orgs_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static int cmd_orgs_check(struct args *a, const struct globals *g)
{
	struct orgdir_diag diag = { print_problem, NULL, 0 };
	struct orgdir_diag none = { print_line, NULL, 0 };
	struct orgdir_check st;
	const char *file = NULL;
	char shipped[4096];
	int quiet = 0;
	unsigned n;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		if (orgs_is_help(arg)) {
			fputs(orgs_usage, stdout);
			return 0;
		} else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
			quiet = 1;
		} else if (arg[0] == '-' && arg[1]) {
			cli_err_usage("orgs", "unknown option '%s' for check (valid: --quiet)", arg);
			return EXIT_USAGE;
		} else if (file) {
			cli_err_usage("orgs", "check takes one FILE, not '%s' too", arg);
			return EXIT_USAGE;
		} else {
			file = arg;
		}
	}
	if (!file)
		file = orgs_default_file(g, shipped, sizeof shipped);
	if (!quiet)
		safetext_fprintf(stdout, "Entries without a country (none of their own nor of their organisation):\n");
	n = orgdir_check_full(file, &diag, quiet ? NULL : &none, &st);
	if (st.entries || !n) {
		safetext_fprintf(stdout, "%s: %u entries (", file, st.entries);
		for (int t = 0; t < OT_UNKNOWN_ORG; t++)
			safetext_fprintf(stdout, "%s%u %s", t ? ", " : "", st.by_type[t],
			       orgdir_type_key((enum org_type)t));
		safetext_fprintf(stdout, "), %u accounts named only in same_as, %u without a country\n", st.aliases,
		       st.no_country);
	}
	if (n) {
		safetext_fprintf(stderr, "%s: %u problem%s\n", file, n, n == 1 ? "" : "s");
		return 1;
	}
	safetext_fprintf(stdout, "%s: valid\n", file);
	return 0;
}

enum { ORGS_OPT_NONE, ORGS_OPT_TAKEN, ORGS_OPT_HELP, ORGS_OPT_BAD };

/* The options unattributed and coverage share: --help, --top N and
 * --window 30d|all. */
static int orgs_ranking_opt(struct args *a, const char *arg, uint64_t *top, int *all)
{
	if (orgs_is_help(arg)) {
		fputs(orgs_usage, stdout);
		return ORGS_OPT_HELP;
	}
	if (cli_opt_is(arg, "--top"))
		return orgs_top(a, top) < 0 ? ORGS_OPT_BAD : ORGS_OPT_TAKEN;
	if (cli_opt_is(arg, "--window"))
		return orgs_window(a, all) < 0 ? ORGS_OPT_BAD : ORGS_OPT_TAKEN;
	return ORGS_OPT_NONE;
}


/* The session of an orgs command; on demo data it says so first. */
static int orgs_open(struct session *s, const struct globals *g)
{
	if (cli_open_session(s, g, 0) != 0)
		return -1;
	if (s->snap->meta.demo)
		safetext_fprintf(stderr, "note: this is DEMO data\n");
	return 0;
}

static int cmd_orgs_unattributed(struct args *a, const struct globals *g)
{
	uint64_t top = 30;
	int all = 0, kind = -1;
	struct session s;
	struct attrib_unknown *u = NULL;
	size_t n, i, shown = 0;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		int rc = orgs_ranking_opt(a, arg, &top, &all);
		if (rc == ORGS_OPT_HELP)
			return 0;
		if (rc == ORGS_OPT_BAD)
			return EXIT_USAGE;
		if (rc == ORGS_OPT_TAKEN) {
			continue;
		} else if (cli_opt_is(arg, "--kind")) {
			const char *v = cli_opt_value(a, "--kind");
			if (!v)
				return EXIT_USAGE;
			if (!strcmp(v, "org") || !strcmp(v, "organisation") || !strcmp(v, "organization"))
				kind = HT_ACCT_ORG;
			else if (!strcmp(v, "user"))
				kind = HT_ACCT_USER;
			else if (!strcmp(v, "unchecked"))
				kind = HT_ACCT_UNCHECKED;
			else if (!strcmp(v, "any"))
				kind = -1;
			else {
				cli_err_usage("orgs", "--kind is org, user, unchecked or any, not '%s'", v);
				return EXIT_USAGE;
			}
		} else {
			cli_err_usage("orgs", "unknown option '%s' for unattributed (valid: --top, --window, "
				  "--kind)", arg);
			return EXIT_USAGE;
		}
	}
	if (orgs_open(&s, g) != 0)
		return 1;
	/* All of them, then the kind asked for: the top N of that kind. */
	n = attrib_unattributed(s.attr, s.snap, all, 0, &u);
	safetext_fprintf(stdout, "%-40s %15s %8s  %s\n", "account", all ? "downloads_all" : "downloads_30d",
	       "items", "hub says");
	for (i = 0; i < n && shown < top; i++) {
		if (kind >= 0 && u[i].kind != kind)
			continue;
		safetext_fprintf(stdout, "%-40s %15" PRIu64 " %8" PRIu64 "  %s\n", u[i].account, u[i].downloads,
		       u[i].items, u[i].kind == HT_ACCT_ORG ? "organisation" :
		       u[i].kind == HT_ACCT_USER ? "user" : "not checked");
		shown++;
	}
	if (kind == HT_ACCT_ORG && !shown && !s.snap->acct_kind)
		safetext_fprintf(stderr, "note: the Hub was not asked which accounts are organisations; "
			"run 'hubtop fetch --orgs N'\n");
	free(u);
	session_close(&s);
	return 0;
}

struct orgs_acct {
	uint32_t acct;
	uint64_t downloads;
};

static int orgs_acct_cmp(const void *pa, const void *pb)
{
	const struct orgs_acct *x = pa, *y = pb;
	if (x->downloads != y->downloads)
		return x->downloads < y->downloads ? 1 : -1;
	return x->acct < y->acct ? -1 : x->acct > y->acct;
}

static int cmd_orgs_coverage(struct args *a, const struct globals *g)
{
	uint64_t top = 200, total = 0, with_country = 0, known = 0;
	unsigned n_country = 0, n_known = 0;
	int all = 0, list = 0;
	struct session s;
	struct orgs_acct *v;
	size_t n = 0;
	for (; a->i < a->argc; a->i++) {
		const char *arg = a->argv[a->i];
		int rc = orgs_ranking_opt(a, arg, &top, &all);
		if (rc == ORGS_OPT_HELP)
			return 0;
		if (rc == ORGS_OPT_BAD)
			return EXIT_USAGE;
		if (rc == ORGS_OPT_TAKEN) {
			continue;
		} else if (!strcmp(arg, "--list")) {
			list = 1;
		} else {
			cli_err_usage("orgs", "unknown option '%s' for coverage (valid: --top, --window, "
				  "--list)", arg);
			return EXIT_USAGE;
		}
	}
	if (orgs_open(&s, g) != 0)
		return 1;
	v = calloc(s.attr->n_accounts + 1, sizeof *v);
	if (!v) {
		cli_err_run("out of memory ranking %u accounts", s.attr->n_accounts);
		session_close(&s);
		return 1;
	}
	for (uint32_t i = 0; i < s.attr->n_accounts; i++)
		v[i].acct = i;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s.snap->t[k];
		for (uint32_t r = 0; r < t->n; r++) {
			uint32_t acc = t->author[r];
			if (acc < s.attr->n_accounts)
				v[acc].downloads += all ? t->downloads_all[r] : t->downloads[r];
		}
	}
	qsort(v, s.attr->n_accounts, sizeof *v, orgs_acct_cmp);
	while (n < s.attr->n_accounts && n < top && v[n].downloads)
		n++;
	for (size_t i = 0; i < n; i++) {
		uint32_t acc = v[i].acct;
		total += v[i].downloads;
		if (s.attr->acct_country[acc] != COUNTRY_UNKNOWN) {
			with_country += v[i].downloads;
			n_country++;
		}
		if (s.attr->acct_entry[acc] >= 0) {
			known += v[i].downloads;
			n_known++;
		}
	}
	safetext_fprintf(stdout, "top %zu accounts by %s downloads (uploader): %" PRIu64 " downloads\n", n,
	       all ? "all-time" : "30-day", total);
	if (!total) {
		safetext_fprintf(stdout, "with a country:   n/a (no downloads)\n");
		safetext_fprintf(stdout, "in the directory: n/a (no downloads)\n");
	} else {
		safetext_fprintf(stdout, "with a country:   %.1f%% of downloads (%u accounts)\n",
		       100.0 * (double)with_country / (double)total, n_country);
		safetext_fprintf(stdout, "in the directory: %.1f%% of downloads (%u accounts; any type, individuals "
		       "included)\n", 100.0 * (double)known / (double)total, n_known);
	}
	if (list) {
		safetext_fprintf(stdout, "\n%-5s %-40s %15s %7s  %s\n", "rank", "account without a country", "downloads",
		       "share", "type");
		for (size_t i = 0; i < n; i++) {
			uint32_t acc = v[i].acct;
			if (s.attr->acct_country[acc] != COUNTRY_UNKNOWN)
				continue;
			safetext_fprintf(stdout, "%-5zu %-40s %15" PRIu64 " %6.2f%%  %s\n", i + 1, s.attr->acct_name[acc],
			       v[i].downloads, 100.0 * (double)v[i].downloads / (double)total,
			       s.attr->acct_entry[acc] >= 0 ?
			       orgdir_type_key((enum org_type)s.attr->acct_type[acc]) : "not in the directory");
		}
	}
	free(v);
	session_close(&s);
	return 0;
}

int cli_cmd_orgs(struct args *a, const struct globals *g)
{
	const char *sub = a->i < a->argc ? a->argv[a->i++] : NULL;

	if (!sub || orgs_is_help(sub)) {
		fputs(orgs_usage, stdout);
		return sub ? 0 : EXIT_USAGE;
	}
	if (!strcmp(sub, "check"))
		return cmd_orgs_check(a, g);
	if (!strcmp(sub, "unattributed"))
		return cmd_orgs_unattributed(a, g);
	if (!strcmp(sub, "coverage"))
		return cmd_orgs_coverage(a, g);
	cli_err_usage("orgs", "unknown subcommand '%s' (valid: check, unattributed, coverage)", sub);
	return EXIT_USAGE;
}

/* ---- explorer --------------------------------------------------------------- */


/* cli_priv.h - what the command line's files share: the parsed global
 * options, one command's arguments, and the helpers that report errors and
 * read options.  Private to src/cli/. */
#ifndef HUBTOP_CLI_PRIV_H
#define HUBTOP_CLI_PRIV_H

#include <stdint.h>
#include "hubtop/session.h"
#include "hubtop/table.h"

#define EXIT_USAGE 2

/* Options every command understands, parsed wherever they appear. */
struct globals {
	const char *snapshot;
	const char *cache_dir;
	const char *orgs;
};

/* One command's arguments after the global options are taken out. */
struct args {
	int argc;
	char **argv;
	int i;
	const char *cmd;
};

/* "hubtop CMD: what" on standard error, then a pointer to --help. */
void cli_err_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "hubtop: what" on standard error. */
void cli_err_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The value of option name (as "--x V" or "--x=V"), or NULL with an error said. */
const char *cli_opt_value(struct args *a, const char *name);
int cli_opt_is(const char *arg, const char *name);
int cli_parse_u64(const char *s, uint64_t *out);
/* Opens the snapshot the global options name, with the directory; 0 or -1 said.
 * quiet: bit 0 no directory warnings, bit 1 the snapshot alone, bit 2 the
 * caller says a damaged history itself (the explorer). */
int cli_open_session(struct session *s, const struct globals *g, int quiet);

/* hubtop orgs (cli_orgs.c). */
int cli_cmd_orgs(struct args *a, const struct globals *g);

/* hubtop history (cli_history.c). */
struct ht_snapshot;
int cli_cmd_history(struct args *a, const struct globals *g);
/* Reads --history-keep RULE (checked) into *out; -1 said. */
int cli_history_keep_opt(struct args *a, const char **out);
/* Adds s to the history of cache_dir and says so on standard error;
 * keep_opt NULL: the configuration's rule.  0, or -1 said. */
int cli_history_record(const char *cache_dir, const struct ht_snapshot *s, const char *keep_opt);
/* hubtop export timeline: shares at each snapshot of the history.  format
 * -1: from the file name, else CSV. */
struct filter;
int cli_export_timeline(const struct globals *g, const struct filter *f, enum ht_kind items,
			int format, const char *out);

/* "1.23 GB", "4.5 MB", "678 kB" (kb_decimals digits after the point in kB). */
void cli_human_bytes(uint64_t b, int kb_decimals, char *buf, size_t len);

#endif

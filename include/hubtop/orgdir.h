/* orgdir.h - the organisation directory: which Hub account is which
 * organisation, from which country, of which type.  See docs/attribution.md.
 *
 * Owns: struct orgdir, built from data/orgs.tsv (shipped, installed under
 * $(pkgdatadir)) and the user's $XDG_CONFIG_HOME/hubtop/orgs.tsv, whose
 * entries add to or override the shipped ones account by account.
 *
 * File format (UTF-8, tab-separated, '#' comments, header line optional):
 *   account  name  countries  type  same_as  note
 * countries: ISO 3166-1 alpha-2 codes separated by ',' (empty = unknown);
 * type: one of orgdir_type_key(); same_as: other accounts (renamed or legacy
 * namespaces) of the same organisation, ',' separated.
 *
 * Cost: lookups are O(1) (hash on account name, case-insensitive as the Hub).
 */
#ifndef HUBTOP_ORGDIR_H
#define HUBTOP_ORGDIR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum org_type {
	OT_INDUSTRY = 0,
	OT_ACADEMIA,
	OT_NONPROFIT,
	OT_GOVERNMENT,
	OT_COMMUNITY,
	OT_INDEPENDENT,   /* individual users; also accounts the directory does not know */
	OT_UNKNOWN_ORG,   /* known to be an organisation (hub check), not in the directory */
	OT_COUNT
};

#define ORGDIR_MAX_COUNTRIES 4

struct org_entry {
	const char *account;     /* as written in the file */
	const char *name;        /* display name */
	uint16_t countries[ORGDIR_MAX_COUNTRIES]; /* country indexes; [0] is the primary */
	uint8_t n_countries;
	uint8_t type;            /* enum org_type */
	const char *note;
	int32_t canonical;       /* entry index of the organisation this account is an alias of, or -1 */
	const char *source;      /* file it came from */
	unsigned line;
};

struct orgdir;

/* Problems found while reading: one message per bad line, "file:line: what". */
struct orgdir_diag {
	void (*report)(void *ctx, const char *msg);
	void *ctx;
	unsigned errors;
};

struct orgdir *orgdir_new(void);
/* Adds (or overrides) entries from a file.  Bad lines are reported through
 * diag and skipped.  Returns -1 only if the file cannot be read (errno set). */
int orgdir_load_file(struct orgdir *d, const char *path, struct orgdir_diag *diag);
int orgdir_load_string(struct orgdir *d, const char *text, size_t len, const char *name,
		       struct orgdir_diag *diag);
/* Loads the shipped directory then the user's file.  shipped_path NULL:
 * $HUBTOP_ORGS, else the installed data file, else ./data/orgs.tsv. */
int orgdir_load_default(struct orgdir *d, const char *shipped_path, struct orgdir_diag *diag);
/* Strict check for `hubtop orgs check`: also duplicates inside one file.
 * Returns the number of problems (0 = valid). */
unsigned orgdir_check_file(const char *path, struct orgdir_diag *diag);

/* What a check counts besides problems. */
struct orgdir_check {
	unsigned entries;              /* lines that define an account */
	unsigned by_type[OT_COUNT];
	unsigned aliases;              /* accounts named only in same_as columns */
	unsigned no_country;           /* entries without a country, own or organisation's */
};
/* orgdir_check_file, plus as problems: an account named twice in one
 * same_as column, and an account without a line of its own named in the
 * same_as of two lines (it would silently merge their groups).  Entries left
 * without a country (neither theirs nor their organisation's) are not
 * problems: each goes to no_country (may be NULL) as
 * "file:line: account<TAB>type<TAB>note", so a reviewer can read them.
 * stats may be NULL.  Returns the number of problems.  Cost: one load. */
unsigned orgdir_check_full(const char *path, struct orgdir_diag *diag,
			   struct orgdir_diag *no_country, struct orgdir_check *stats);

/* Entry for an account (case-insensitive), or NULL.  Aliases resolve to
 * their own entry; use canonical to reach the organisation. */
const struct org_entry *orgdir_lookup(const struct orgdir *d, const char *account);
size_t orgdir_count(const struct orgdir *d);
const struct org_entry *orgdir_entry(const struct orgdir *d, size_t i);
void orgdir_free(struct orgdir *d);

/* Account names compare as on the Hub: ASCII letters case-insensitively.
 * Attribution uses the same hash and equality to meet the directory. */
uint32_t orgdir_name_hash(const char *name);
int orgdir_name_eq(const char *a, const char *b);

const char *orgdir_type_key(enum org_type t);   /* "industry", "academia", ... "unknown-org" */
const char *orgdir_type_name(enum org_type t);  /* "Industry", ... "Unknown organisation" */
int orgdir_type_find(const char *key);          /* -1 if unknown */

#endif

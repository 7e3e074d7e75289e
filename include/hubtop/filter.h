/* filter.h - the filter model shared by every front end: what the user asks
 * to see.  A plain value (copy it with '='), so the TUI can keep an undo
 * stack and the CLI and the TUI speak exactly the same language.
 *
 * Command-line form (the same keys in every command and in the config file):
 *   --country CN,US  --group eu,us  --org-type industry,academia
 *   --author Qwen,meta-llama  --task text-generation  --library transformers
 *   --license apache-2.0  --search llama  --created 2024..2025
 *   --min-downloads 10  --gated yes|no|any
 *   --window 30d|all|since:YYYY-MM-DD|YYYY-MM-DD..YYYY-MM-DD
 *   --by uploader|lineage  --of all|attributed
 *   --org Google,openai  --group-by organisation|account
 *   --relation original,finetune,adapter,quantized,merge
 *   --language zh,en,unknown,multilingual  --size 7B..70B (parameters; ..1B, 10B..)
 * An empty value clears that key.  Bad values are refused with a message
 * listing the valid ones: by filter_set for the fixed vocabularies, by
 * filter_check_terms for task, library and licence, whose valid values are
 * those of the snapshot, and by filter_check_orgs for organisations.
 */
#ifndef HUBTOP_FILTER_H
#define HUBTOP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#define FILTER_MAX_AUTHORS 32
#define FILTER_NAME_MAX 97      /* Hub account names are at most 96 bytes */
#define FILTER_TERM_MAX 128
#define FILTER_SEARCH_MAX 128
#define FILTER_MAX_LANGS 16
#define FILTER_LANG_MAX 16      /* ISO 639 code with a region: "zh-Hans" */

/* WIN_PERIOD: the downloads between two snapshots of the history
 * (period_from .. period_to below; the engine is given the start snapshot
 * by engine_set_period). */
enum filter_window { WIN_30D = 0, WIN_ALL = 1, WIN_PERIOD = 2 };
/* What the organisations ranking lists: organisations (every account the
 * directory links, see attrib.h) or single accounts. */
enum filter_level { LEVEL_ACCOUNT = 0, LEVEL_ORG = 1 };
/* Shares by country, group or type: of all downloads, or of the downloads
 * whose country (group, type) is known. */
enum filter_of { OF_ALL = 0, OF_ATTRIBUTED = 1 };

struct filter {
	int window;                  /* enum filter_window */
	int by;                      /* enum attrib_mode */
	int of;                      /* enum filter_of: the denominator of shares */
	uint64_t countries[4];       /* bitset of country indexes; all 0 = any */
	uint32_t groups;             /* bitmask of 1u << country_group; 0 = any */
	uint32_t types;              /* bitmask of 1u << org_type; 0 = any */
	unsigned n_authors;          /* 0 = any */
	char authors[FILTER_MAX_AUTHORS][FILTER_NAME_MAX];
	char task[FILTER_TERM_MAX];  /* pipeline tag (datasets: task category); "" = any */
	char library[FILTER_TERM_MAX];
	char license[FILTER_TERM_MAX];
	char search[FILTER_SEARCH_MAX]; /* case-insensitive substring of the id */
	/* 1: the search also keeps the items of the accounts it names (the
	 * account's name, its organisation's display name, its country's
	 * name or ISO code: engine_search_names_account).  Set by the front
	 * ends for the Orgs and Regions panes and their exports; not part of
	 * the textual form (the pane decides). */
	int search_names;
	int64_t created_from;        /* unix seconds, inclusive; 0 = open */
	int64_t created_to;          /* unix seconds, exclusive; 0 = open */
	uint64_t min_downloads;      /* in the current window */
	int gated;                   /* -1 any, 0 not gated, 1 gated */
	int level;                   /* enum filter_level; filter_init: LEVEL_ORG */
	/* Organisations, each named by its display name or any of its
	 * accounts (case-insensitive); an item matches when the account it
	 * counts for belongs to one of them.  0 = any. */
	unsigned n_orgs;
	char orgs[FILTER_MAX_AUTHORS][FILTER_NAME_MAX];
	/* WIN_PERIOD: the dates asked for (unix seconds, UTC midnight):
	 * "since:FROM" has period_to 0 (the latest snapshot), "FROM..TO"
	 * both.  The snapshots used are the history's nearest ones. */
	int64_t period_from, period_to;
	/* The dimensions of dims.h.  relations: bitmask of 1u << enum
	 * dims_rel, 0 = any.  langs: codes as the tags write them (lower
	 * case), "unknown" (no language) or "multilingual" (several); an item
	 * matches when it names one of them; 0 = any.  size: total
	 * parameters in [size_from, size_to), 0 = open end; an item of
	 * unknown size never matches a size range. */
	uint32_t relations;
	unsigned n_langs;
	char langs[FILTER_MAX_LANGS][FILTER_LANG_MAX];
	uint64_t size_from, size_to;
};

/* The keys filter_set understands, NULL-terminated, in display order. */
extern const char *const filter_keys[];

void filter_init(struct filter *f);
/* Sets one key from its textual value.  0 ok; -1 with a message in err that
 * names the key, the bad value and the valid ones. */
int filter_set(struct filter *f, const char *key, const char *value, char *err, size_t errlen);
/* Textual value of one key ("" when unset) into buf. */
void filter_get(const struct filter *f, const char *key, char *buf, size_t len);
/* The whole filter as command-line arguments, e.g. "--country CN --window all"
 * (only keys that differ from the defaults).  Returns the length the whole
 * text needs (as snprintf; buf may be NULL when len is 0). */
size_t filter_to_args(const struct filter *f, char *buf, size_t len);
int filter_equal(const struct filter *a, const struct filter *b);
/* Non-zero when any key other than window/by/of is set. */
int filter_active(const struct filter *f);

/* How many valid values a refusal names before "... and N more". */
#define FILTER_VALID_SHOWN 12
struct ht_snapshot;
/* Refuses a task, library or licence that no item of s (model or dataset)
 * carries, since it could only match nothing.  0 ok; -1 with a message in
 * err naming the option, the value and the values some item carries, most
 * common first.  O(items) per value set; O(items + terms log terms) to
 * refuse. */
int filter_check_terms(const struct filter *f, const struct ht_snapshot *s, char *err, size_t errlen);
/* A count as people write it: 1000, 10k, 1.5M, 2B (k, M, B or G: powers
 * of 1000).  0 ok; -1 for anything else (a sign, a fraction finer than
 * the unit, an overflow). */
int filter_parse_count(const char *s, uint64_t *out);

struct attrib;
struct orgdir;
/* Refuses an organisation name (--org) that names no organisation of the
 * attribution a: neither an account nor a directory entry's display name.
 * 0 ok; -1 with a message in err naming the value and the closest names
 * (did you mean).  O(accounts) per name. */
int filter_check_orgs(const struct filter *f, const struct attrib *a, const struct orgdir *d,
		      char *err, size_t errlen);
/* Refuses an account (--author) that no item of the attribution a has,
 * with the closest account names (did you mean), as task and licence
 * are refused.  O(accounts) per name. */
int filter_check_authors(const struct filter *f, const struct attrib *a, char *err, size_t errlen);

static inline int filter_has_country(const struct filter *f, unsigned idx)
{
	return (f->countries[(idx >> 6) & 3] >> (idx & 63)) & 1u;
}
static inline void filter_toggle_country(struct filter *f, unsigned idx)
{
	f->countries[(idx >> 6) & 3] ^= (uint64_t)1 << (idx & 63);
}
static inline int filter_any_country(const struct filter *f)
{
	return (f->countries[0] | f->countries[1] | f->countries[2] | f->countries[3]) != 0;
}

#endif

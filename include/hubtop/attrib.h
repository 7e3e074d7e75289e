/* attrib.h - attribution: for every item of a snapshot, which account it
 * counts for (by uploader, or by lineage back to the root base model), and
 * that account's country, country group and organisation type.
 * See docs/attribution.md for the method and its limits.
 *
 * Owns: struct attrib, computed once per (snapshot, directory) pair and then
 * read-only.  The engine reads its arrays in its hot loop.  It points into
 * its snapshot (names, and the uploader arrays are the snapshot's author
 * arrays): free it before the snapshot.
 *
 * Accounts: attribution may point at accounts that own no item of the
 * snapshot (a base model's owner when the base is missing, or the account
 * that stands for an organisation none of whose items are under that
 * account), so struct attrib has its own account space: indexes [0,
 * snapshot->n_accounts) are the snapshot's accounts, later ones are extra
 * names held here.
 *
 * Organisations: the directory's same_as links group accounts into
 * organisations (a connected component of the links, see orgdir.h).  Each
 * organisation is represented by one account of this space, the one of its
 * canonical directory entry; an account the directory does not know is its
 * own organisation.  acct_org maps every account to its representative.
 * Every account of an organisation has the country, group and type of its
 * canonical entry, so of its representative: the engine's organisation
 * level relies on it.  Cost: O(accounts) more in attrib_build, and one
 * account per directory entry of room.
 *
 * Cost: attrib_build is O(models + accounts): a read of each model's first
 * link and of its base's result, a read of each account name; names are
 * compared in full only when they may be in the directory or be the owner
 * of a missing base.
 */
#ifndef HUBTOP_ATTRIB_H
#define HUBTOP_ATTRIB_H

#include <stdint.h>
#include "hubtop/table.h"
#include "hubtop/orgdir.h"
#include "hubtop/country.h"

enum attrib_mode { ATTRIB_UPLOADER = 0, ATTRIB_LINEAGE = 1, ATTRIB_MODE_COUNT };

struct attrib {
	uint32_t n_accounts;        /* snapshot accounts + extra */
	const char **acct_name;     /* every account's name */
	uint16_t *acct_country;     /* primary country index, COUNTRY_UNKNOWN if none */
	uint8_t *acct_group;        /* enum country_group */
	uint8_t *acct_type;         /* enum org_type */
	int32_t *acct_entry;        /* directory entry index (canonical), -1 if none */
	uint32_t *acct_org;         /* the account that represents its organisation (itself if none) */
	/* Per item, per mode: the account it counts for.  Datasets have no
	 * lineage: both modes are the uploader. */
	uint32_t *item_acct[HT_KIND_COUNT][ATTRIB_MODE_COUNT];
	/* Per model: the root base model's id (pool offset in the snapshot or in
	 * extra), depth of the chain followed, and whether it was cut (cycle,
	 * missing base: then the root is the last id reached). */
	uint8_t *lineage_depth;     /* 0 = not a derivative */
	uint8_t *lineage_flags;     /* ATTRIB_LIN_* */
	void *priv;
};

#define ATTRIB_LIN_CYCLE   0x01u /* a cycle was met; stopped at the last new id */
#define ATTRIB_LIN_MISSING 0x02u /* a base is not in the snapshot; its owner counts */
#define ATTRIB_LIN_MULTI   0x04u /* several bases (merge): the first listed is followed */

#define ATTRIB_MAX_DEPTH 64

struct attrib *attrib_build(const struct ht_snapshot *s, const struct orgdir *d);
void attrib_free(struct attrib *a);

/* The lineage chain of a model, root last: fills up to max ids (pointers into
 * the snapshot pool), returns how many. */
unsigned attrib_chain(const struct attrib *a, const struct ht_snapshot *s, uint32_t model_row,
		      const char **ids, unsigned max);
/* Number of models in the snapshot that name this model as a base (direct).
 * Counted on each call, O(models + links): milliseconds for two million
 * models, nothing kept for it. */
uint32_t attrib_children(const struct attrib *a, uint32_t model_row);

/* For `hubtop orgs unattributed`: an account the directory does not know. */
struct attrib_unknown {
	const char *account;
	uint64_t downloads;   /* 30-day, or all-time, over its models and datasets */
	uint64_t items;       /* models + datasets it uploaded */
	uint8_t kind;         /* enum ht_acct_kind */
};
/* The accounts without a directory entry, by downloads (30-day, or
 * all-time when all_time) summed by uploader over models and datasets,
 * descending; at most top of them (0 = all).  *out is malloc'ed (free()),
 * NULL when none; names point into a or s.  Returns the count; 0 with
 * *out NULL on out of memory.  Cost: O(items + accounts log accounts). */
size_t attrib_unattributed(const struct attrib *a, const struct ht_snapshot *s, int all_time,
			   size_t top, struct attrib_unknown **out);

#endif

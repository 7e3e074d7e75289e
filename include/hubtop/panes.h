/* panes.h - the registry of the explorer's panes: one line each, in the
 * order of the tab bar (the first is pane 1, key "1").  The explorer's
 * tabs, number keys and help, `hubtop --pane`, the config file's pane=
 * and the docs read this list; a pane's code is its own file
 * (src/view_SYM.c, defining view_SYM_ops).
 *
 * X(sym, key): sym names the ops table, key is the name users type.
 * Aliases are other names the command line accepts for a pane.
 *
 * Owns no state; pane_index and pane_names are linear in the list.
 */
#ifndef HUBTOP_PANES_H
#define HUBTOP_PANES_H

#include <stddef.h>

#define HT_PANES(X) \
	X(models,   "models") \
	X(datasets, "datasets") \
	X(regions,  "regions") \
	X(orgs,     "orgs") \
	X(trends,   "trends") \
	X(conc,     "concentration") \
	X(timeline, "timeline") \
	X(movers,   "movers") \
	X(bases,    "bases")

/* A(alias, key) */
#define HT_PANE_ALIASES(A) \
	A("countries", "regions") \
	A("groups",    "regions") \
	A("years",     "trends")

enum {
#define HT_PANE_ENUM(sym, key) HT_PANE_##sym,
	HT_PANES(HT_PANE_ENUM)
#undef HT_PANE_ENUM
	HT_PANE_COUNT
};

/* The keys in registry order. */
extern const char *const pane_keys[HT_PANE_COUNT];
/* Registry index of a key or an alias (exact, case-sensitive), -1 if none. */
int pane_index(const char *name);
/* "models, datasets, ..." into buf (for messages). */
const char *pane_names(char *buf, size_t len);

#endif

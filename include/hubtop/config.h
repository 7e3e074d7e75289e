/* config.h - $XDG_CONFIG_HOME/hubtop/config: defaults for the TUI (pane,
 * window, attribution, filters, theme).  Lines are "key = value"; '#'
 * comments; filter keys are those of filter.h; columns.PANE = a,b,... chooses
 * a pane's columns (export.h).  Errors name file and line. */
#ifndef HUBTOP_CONFIG_H
#define HUBTOP_CONFIG_H

#include <stddef.h>
#include "hubtop/filter.h"
#include "hubtop/panes.h"

struct config {
	char pane[32];
	char theme[32];          /* "default", "mono", "light" */
	int color;               /* 0: NO_COLOR or theme mono */
	int ascii;               /* 1: force ASCII charts */
	char history_keep[64];   /* retention of the history (history.h), "" = its default */
	struct filter filter;
	/* columns.PANE: the columns a pane shows and exports, checked and
	 * named as the export writes them (export_columns_set); "" = all. */
	char columns[HT_PANE_COUNT][256];
	/* Bad lines found by whoever loaded the file (the explorer shows
	 * them: its standard error is hidden behind the screen). */
	unsigned n_problems;
	char problem[512];       /* the first, "file:line: what" */
};

void config_init(struct config *c);
/* Reads path (NULL: the default location; a missing file is fine).
 * Returns the number of bad lines; each is reported as "file:line: what"
 * through report(). */
unsigned config_load(struct config *c, const char *path,
		     void (*report)(void *ctx, const char *msg), void *ctx);
unsigned config_load_string(struct config *c, const char *text, const char *name,
			    void (*report)(void *ctx, const char *msg), void *ctx);
int config_default_path(char *buf, size_t len);

#endif

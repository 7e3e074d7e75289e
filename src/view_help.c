/* view_help.c - the keys, generated from the request table (request.h), so
 * help, dispatch and the ':' prompt never disagree. */
#include <stdio.h>
#include <string.h>

#include "hubtop/view.h"

static const struct view_col help_cols[3] = {
	{ "Keys",     16, 0, 0, -1, 99, 0 },
	{ "Action",   16, 1, 0, -1, 98, 0 },
	{ ":command", 20, 0, 0, -1, 1, 0 },
};

static void help_open(struct tui *t, struct view *v)
{
	(void)t;
	v->n = request_table_len;
}

static void help_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
		      double *bar)
{
	const struct request_info *r = &request_table[i];
	(void)t;
	(void)v;
	(void)bar;
	if (r->group) {
		if (col == 1)
			snprintf(buf, len, "-- %s --", r->group);
		return;
	}
	switch (col) {
	case 0: snprintf(buf, len, "%s", r->keys); break;
	case 1: snprintf(buf, len, "%s", r->help); break;
	default: snprintf(buf, len, ":%s", r->name); break;
	}
}

static const char *help_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	const struct request_info *r = &request_table[i];
	(void)t;
	(void)v;
	snprintf(buf, len, "%s %s %s", r->group ? r->group : r->keys, r->help ? r->help : "",
		 r->name ? r->name : "");
	return buf;
}

static uint64_t help_ident(struct tui *t, struct view *v, size_t i)
{
	(void)t;
	(void)v;
	return i;
}

static void help_enter(struct tui *t, struct view *v)
{
	const struct request_info *r = &request_table[v->sel];
	if (r->group || r->req == REQ_HELP)
		return;
	/* Enter on a line runs it, from the pane help was opened on. */
	tui_run_request(t, r->req);
}

const struct view_ops view_help_ops = {
	.key = "help", .title = "Help", .tab = 0,
	.cols = help_cols, .n_cols = 3, .default_sort = -1,
	.open = help_open, .cell = help_cell, .text = help_text, .ident = help_ident,
	.enter = help_enter,
};

/* view_orgs.c - the Orgs pane: organisations (every account the directory
 * links, filter.level) or single accounts, under the attribution mode, with
 * their name, country and type, number of accounts, models, downloads,
 * share, likes and the sum of their models' trending scores.  Enter on an
 * organisation lists its accounts; on an account, its models. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

enum { OC_RANK, OC_ACCOUNT, OC_NAME, OC_COUNTRY, OC_TYPE, OC_ACCTS, OC_COUNT, OC_DOWNLOADS, OC_SHARE,
       OC_BAR, OC_CUM, OC_LIKES, OC_TREND, OC_N };

/* Trending goes first when the screen is narrow, as on the Models pane,
 * unless the list is sorted by it (the list keeps its sort column); the
 * bar goes before the number of accounts. */
static const struct view_col orgs_cols[OC_N] = {
	[OC_RANK]      = { "#",          6, 0, 1, -1,             3, 0 },
	[OC_ACCOUNT]   = { "Account",   16, 1, 0, SORT_NAME,      99, 0 },
	[OC_NAME]      = { "Name",      19, 0, 0, SORT_DISPLAY,   5, 0 },
	[OC_COUNTRY]   = { "Ctry",       7, 0, 0, SORT_COUNTRY,   7, 0 },
	[OC_TYPE]      = { "Org type",  11, 0, 0, SORT_ORGTYPE,   6, 0 },
	[OC_ACCTS]     = { "Accts",      5, 0, 1, SORT_ACCOUNTS,  4, 0 },
	[OC_COUNT]     = { "Models",     7, 0, 1, SORT_COUNT,     8, 0 },
	[OC_DOWNLOADS] = { "Downloads", 10, 0, 1, SORT_DOWNLOADS, 98, 0 },
	[OC_SHARE]     = { "Share",      6, 0, 1, SORT_SHARE,     9, 0 },
	[OC_BAR]       = { "",          12, 0, 0, -1,             3, 1 },
	[OC_CUM]       = { "Cum %",      6, 0, 1, SORT_SHARE,     2, 0 },
	[OC_LIKES]     = { "Likes",      7, 0, 1, SORT_LIKES,     2, 0 },
	[OC_TREND]     = { "Trending",   9, 0, 1, SORT_TRENDING,  1, 0 },
};

/* The export column each shows (view.h). */
static const char *const orgs_keys[OC_N] = {
	[OC_RANK] = "rank",
	[OC_ACCOUNT] = "account",
	[OC_NAME] = "name",
	[OC_COUNTRY] = "country",
	[OC_TYPE] = "org_type",
	[OC_ACCTS] = "accounts",
	[OC_COUNT] = "models",
	[OC_DOWNLOADS] = "downloads",
	[OC_SHARE] = "share",
	[OC_BAR] = "share",
	[OC_CUM] = "cum_share",
	[OC_LIKES] = "likes",
	[OC_TREND] = "trending",
};

struct orgs_priv {
	struct view_rank rank; /* first */
	double max_share;
};

static void orgs_open(struct tui *t, struct view *v)
{
	struct orgs_priv *p = view_rank_open(t, v, PANE_ORGS);
	if (!p)
		return;
	p->max_share = view_rank_max_share(t, v);
}

static void orgs_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
		      double *bar)
{
	struct orgs_priv *p = v->priv;
	const struct eng_row *row = view_rank_row(t, v, i);
	if (!row) {
		snprintf(buf, len, "?");
		return;
	}
	switch (col) {
	case OC_RANK: snprintf(buf, len, "%zu", i + 1); break;
	case OC_ACCOUNT: snprintf(buf, len, "%s", row->label ? row->label : ""); break;
	case OC_NAME: snprintf(buf, len, "%s", row->name && row->name[0] ? row->name : "-"); break;
	case OC_COUNTRY: snprintf(buf, len, "%s", row->country ? country_code(row->country) : COUNTRY_UNKNOWN_KEY); break;
	case OC_TYPE: snprintf(buf, len, "%s", orgdir_type_key((enum org_type)row->type)); break;
	case OC_ACCTS: snprintf(buf, len, "%u", row->accounts); break;
	case OC_COUNT: draw_human(row->count, buf, len); break;
	case OC_DOWNLOADS: draw_human(row->downloads, buf, len); break;
	case OC_SHARE: draw_percent(row->share, buf, len); break;
	case OC_BAR: *bar = p->max_share > 0 ? row->share / p->max_share : 0; break;
	case OC_CUM: view_rank_cum_cell(v, i, buf, len); break;
	case OC_LIKES: draw_human(row->likes, buf, len); break;
	case OC_TREND: view_rank_trending_cell(t, v, i, buf, len); break;
	}
}

static uint64_t orgs_ident(struct tui *t, struct view *v, size_t i)
{
	const struct eng_row *row = view_rank_row(t, v, i);
	return row ? row->key : UINT64_MAX;
}

/* Among the rows made (the first, the last): a selection that a new answer has moved past them
 * (or taken away) stays on its line, as one that is gone does, instead of
 * making the whole ranking on a filter change. */
static size_t orgs_find(struct tui *t, struct view *v, uint64_t id)
{
	const struct orgs_priv *p = v->priv;
	(void)t;
	for (size_t i = 0; p && i < p->rank.have; i++)
		if (p->rank.rows[i].key == id)
			return i;
	for (size_t i = 0; p && i < p->rank.tail_n; i++)
		if (p->rank.tail[i].key == id)
			return v->n - p->rank.tail_n + i;
	return v->n;
}

static const char *orgs_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	const struct eng_row *row = view_rank_row(t, v, i);
	snprintf(buf, len, "%s %s", row && row->label ? row->label : "", row && row->name ? row->name : "");
	return buf;
}

static void orgs_enter(struct tui *t, struct view *v)
{
	const struct eng_row *row = view_rank_row(t, v, v->sel);
	struct filter f = t->filter;
	char err[512];
	if (!row)
		return;
	/* A row the text filter found by its name holds every item it
	 * counted: its accounts and models are listed without the search. */
	if (f.search[0] && engine_search_names_account(t->s->eng, f.search, row->key))
		f.search[0] = '\0';
	if (row->label && f.level != LEVEL_ACCOUNT) {
		/* Organisation -> its accounts. */
		if (filter_set(&f, "org", row->label, err, sizeof err) != 0) {
			tui_message(t, 1, "Cannot list the accounts of this row: %s", err);
			return;
		}
		f.level = LEVEL_ACCOUNT;
		tui_push(t, "orgs", &f);
		tui_message(t, 0, "Accounts of %s (Backspace: back)", row->name ? row->name : row->label);
		return;
	}
	if (!row->label || filter_set(&f, "author", row->label, err, sizeof err) != 0) {
		tui_message(t, 1, "Cannot list the models of this row: %s", row->label ? err : "no account");
		return;
	}
	tui_push(t, t->items == HT_DATASETS ? "datasets" : "models", &f);
	tui_message(t, 0, "Models of %s (%s: back)", row->label, request_key_hint(REQ_BACK));
}

static void orgs_export(struct tui *t, struct view *v, struct export_req *q)
{
	(void)v;
	q->pane = PANE_ORGS;
	q->items = t->items;
}

const struct view_ops view_orgs_ops = {
	.title = "Orgs", .help = "Organisations pane (organisations or accounts)", .priv_size = sizeof(struct orgs_priv),
	.cols = orgs_cols, .n_cols = OC_N, .default_sort = SORT_DOWNLOADS, .search_names = 1,
	.open = orgs_open, .done = view_rank_done, .cell = orgs_cell, .ident = orgs_ident, .find = orgs_find,
	.text = orgs_text, .enter = orgs_enter, .export_req = orgs_export,
	.col_keys = orgs_keys,
};

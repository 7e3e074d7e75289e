/* view_regions.c - the Regions pane: downloads and model counts by country,
 * by country group or by organisation type ('S' cycles), each with its
 * share of the filtered total and a bar, likes, the sum of the models'
 * trending scores and the earliest creation.  Enter narrows to the row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/draw.h"
#include "hubtop/view.h"

enum { RC_NAME, RC_CODE, RC_COUNT, RC_DOWNLOADS, RC_SHARE, RC_CUM, RC_BAR, RC_CSHARE, RC_LIKES, RC_TREND,
       RC_SINCE, RC_N };

/* Trending goes first when the screen is narrow, as on the Models pane,
 * unless the list is sorted by it (the list keeps its sort column). */
static const struct view_col regions_cols[RC_N] = {
	[RC_NAME]      = { "Name",      16, 1, 0, SORT_DISPLAY,   99, 0 },
	[RC_CODE]      = { "Key",       12, 0, 0, SORT_NAME,      3, 0 },
	[RC_COUNT]     = { "Models",     8, 0, 1, SORT_COUNT,     9, 0 },
	[RC_DOWNLOADS] = { "Downloads", 10, 0, 1, SORT_DOWNLOADS, 97, 0 },
	[RC_SHARE]     = { "Share",      6, 0, 1, SORT_SHARE,     98, 0 },
	[RC_CUM]       = { "Cum %",      6, 0, 1, SORT_SHARE,     2, 0 },
	[RC_BAR]       = { "",          20, 0, 0, -1,             6, 1 },
	[RC_CSHARE]    = { "Of models",  9, 0, 1, SORT_COUNT,     5, 0 },
	[RC_LIKES]     = { "Likes",      7, 0, 1, SORT_LIKES,     4, 0 },
	[RC_TREND]     = { "Trending",   9, 0, 1, SORT_TRENDING,  1, 0 },
	[RC_SINCE]     = { "Earliest",  10, 0, 0, SORT_CREATED,   2, 0 },
};

/* The export column each shows (view.h). */
static const char *const regions_keys[RC_N] = {
	[RC_NAME] = "name",
	[RC_CODE] = "key",
	[RC_COUNT] = "models",
	[RC_DOWNLOADS] = "downloads",
	[RC_SHARE] = "share",
	[RC_CUM] = "cum_share",
	[RC_BAR] = "share",
	[RC_CSHARE] = "count_share",
	[RC_LIKES] = "likes",
	[RC_TREND] = "trending",
	[RC_SINCE] = "earliest",
};

struct regions_priv {
	struct view_rank rank;
};

static const enum eng_pane regions_panes[3] = { PANE_COUNTRIES, PANE_GROUPS, PANE_ORGTYPES };
static const char *const regions_titles[3] = { "countries", "country groups", "organisation types" };

static void regions_open(struct tui *t, struct view *v)
{
	view_rank_open(t, v, regions_panes[v->mode % 3]);
}

static void regions_cell(struct tui *t, struct view *v, size_t i, unsigned col, char *buf, size_t len,
			 double *bar)
{
	struct regions_priv *p = v->priv;
	const struct eng_row *row = &p->rank.rows[i];
	switch (col) {
	case RC_NAME: snprintf(buf, len, "%s", row->name ? row->name : row->label); break;
	case RC_CODE: snprintf(buf, len, "%s", row->label && row->label[0] ? row->label : "-"); break;
	case RC_COUNT: draw_human(row->count, buf, len); break;
	case RC_DOWNLOADS: draw_human(row->downloads, buf, len); break;
	case RC_SHARE: draw_percent(row->share, buf, len); break;
	case RC_CUM: view_rank_cum_cell(v, i, buf, len); break;
	case RC_BAR: *bar = row->share; break;
	case RC_CSHARE: draw_percent(row->count_share, buf, len); break;
	case RC_LIKES: draw_human(row->likes, buf, len); break;
	case RC_TREND: view_rank_trending_cell(t, v, i, buf, len); break;
	case RC_SINCE: draw_date(row->created, buf, len); break;
	}
}

static uint64_t regions_ident(struct tui *t, struct view *v, size_t i)
{
	struct regions_priv *p = v->priv;
	(void)t;
	return ((uint64_t)(v->mode % 3) << 32) | p->rank.rows[i].key;
}

static const char *regions_text(struct tui *t, struct view *v, size_t i, char *buf, size_t len)
{
	struct regions_priv *p = v->priv;
	(void)t;
	snprintf(buf, len, "%s %s", p->rank.rows[i].label ? p->rank.rows[i].label : "",
		 p->rank.rows[i].name ? p->rank.rows[i].name : "");
	return buf;
}

static void regions_enter(struct tui *t, struct view *v)
{
	struct regions_priv *p = v->priv;
	const struct eng_row *row = &p->rank.rows[v->sel];
	struct filter f = t->filter;
	switch (v->mode % 3) {
	case 0:
		/* A country the text filter found by its name: all of its items. */
		if (f.search[0] && engine_search_names_country(f.search, row->key))
			f.search[0] = '\0';
		memset(f.countries, 0, sizeof f.countries);
		filter_toggle_country(&f, row->key);
		break;
	case 1:
		f.groups = 1u << row->key;
		break;
	default:
		f.types = 1u << row->key;
		break;
	}
	tui_push(t, "orgs", &f);
	tui_message(t, 0, "%s: its organisations (%s: its models, %s: back)",
		    row->name ? row->name : row->label, request_key_hint(REQ_ENTER), request_key_hint(REQ_BACK));
}

static int regions_request(struct tui *t, struct view *v, enum request r)
{
	if (r != REQ_TOGGLE_GROUPS)
		return 0;
	v->mode = (v->mode + 1) % 3;
	v->sel = v->top = 0;
	v->has_sel_id = 0;
	tui_message(t, 0, "Regions: %s (%s: next)", regions_titles[v->mode], request_key_hint(REQ_TOGGLE_GROUPS));
	return VIEW_REOPEN;
}

static void regions_export(struct tui *t, struct view *v, struct export_req *q)
{
	q->pane = regions_panes[v->mode % 3];
	q->items = t->items;
}

const struct view_ops view_regions_ops = {
	.title = "Regions", .help = "Regions pane (countries or country groups)",
	.priv_size = sizeof(struct regions_priv),
	.cols = regions_cols, .n_cols = RC_N, .default_sort = SORT_DOWNLOADS, .search_names = 1,
	.open = regions_open, .done = view_rank_done, .cell = regions_cell, .ident = regions_ident,
	.text = regions_text, .enter = regions_enter, .request = regions_request,
	.export_req = regions_export,
	.col_keys = regions_keys,
};

/* hub_crawl.c - the Hub client's crawl: its pipeline (parser and builder threads),
 * budgets, retries of pages that were not JSON, and the organisation checks. */
#include "config.h"

#include "hub_priv.h"

/* ---- the crawl ------------------------------------------------------------ */

/* The pipeline of a kind's crawl, three pages deep: while the calling thread
 * downloads a page, the parser thread parses the one before (cJSON, into
 * one of two arenas) and the builder thread adds the one before that to the
 * builder, journals it and records the resume point.  Each thread is handed
 * one page at a time and says when it is idle; a page goes calling thread
 * -> parser -> builder, and the builder frees it. */
struct worker {
	struct hub *hb;
	pthread_t parser, builder;
	int started;
	/* Under hb->mu. */
	pthread_cond_t wake, idle;   /* the parser's */
	pthread_cond_t bwake, bidle; /* the builder's */
	struct page *pg;             /* handed to the parser */
	int busy, quit, not_json;    /* not_json: the last page parsed was not */
	struct page *bpg;            /* handed to the builder, with its tree */
	const cJSON *btree;
	struct listing_arena *barena;
	int bbusy;
	/* The parser's arenas, in turn: one holds the tree being built. */
	struct listing_arena *arena[2];
	unsigned turn;
	/* The calling thread's: the page handed to the parser, until joined. */
	int pending;
	char url[HUB_MAX_URL], next[HUB_MAX_URL];
	size_t len;
};

/* Adds a parsed page to the builder, journals it and records the resume
 * point (the builder thread). */
static void build_page(struct hub *hb, struct page *pg, const cJSON *tree)
{
	struct listing_stats ps;
	char why[1024];
	int phase;
	uint64_t count, pages;

	memset(&ps, 0, sizeof ps);
	listing_add_parsed(hb->b, pg->kind, tree, &ps);
	count = table_builder_count(hb->b, pg->kind);
	pg->elems = ps.items + ps.duplicates + ps.rejected;
	pg->added = ps.items;
	{
		/* The journal stays proportional to the items it holds, whatever
		 * the server sends again or pads its pages with. */
		uint64_t held = table_builder_count(hb->b, HT_MODELS) +
				table_builder_count(hb->b, HT_DATASETS);
		if (hb->jlen + pg->len + 128 > HUB_JOURNAL_SLACK + held * HUB_JOURNAL_PER_ITEM) {
			char shown[320];
			hub_url_for_msg(shown, sizeof shown, pg->url);
			snprintf(why, sizeof why, "the server's pages take far more bytes than the items "
						  "they bring (padding, or the same items again): with %s the "
						  "journal would pass %llu MiB for %llu items (more than %llu "
						  "KiB an item); stopped. Check that the endpoint is a Hugging "
						  "Face Hub",
				 shown, (unsigned long long)((hb->jlen + pg->len) >> 20),
				 (unsigned long long)held,
				 (unsigned long long)(HUB_JOURNAL_PER_ITEM >> 10));
			goto fail;
		}
	}
	if (hub_journal_append(hb, 'P', (int)pg->kind, pg->body, pg->len, why, sizeof why))
		goto fail;
	pthread_mutex_lock(&hb->mu);
	pages = ++hb->pages;
	pthread_mutex_unlock(&hb->mu);
	if (pg->next[0]) {
		phase = (int)pg->kind;
	} else {
		phase = pg->kind == HT_MODELS && hb->o->datasets ? PHASE_DATASETS : PHASE_ORGS;
	}
	if (hub_state_write(hb, phase, pg->next[0] ? pg->next : "-", pages, why, sizeof why))
		goto fail;
	pthread_mutex_lock(&hb->mu);
	hb->count[pg->kind] = count;
	hb->st.items += ps.items;
	hb->st.duplicates += ps.duplicates;
	hb->st.rejected += ps.rejected;
	hb->st.warnings += ps.warnings;
	if (!hb->st.first_problem[0])
		memcpy(hb->st.first_problem, ps.first_problem, sizeof ps.first_problem);
	/* Pages with a next link that brought no new item (see budgets_ok). */
	if (pg->next[0] && !pg->added) {
		hb->idle_row++;
		hb->idle_total++;
		hb->idle_elems += pg->elems;
	} else {
		hb->idle_row = 0;
		hb->idle_elems = 0;
	}
	pthread_mutex_unlock(&hb->mu);
	return;
fail:
	pthread_mutex_lock(&hb->mu);
	hb->worker_failed = 1;
	snprintf(hb->worker_err, sizeof hb->worker_err, "%s", why);
	pthread_mutex_unlock(&hb->mu);
}

/* Gives a page's body back for a response to come (under hb->mu). */
static void body_recycle(struct hub *hb, struct page *pg)
{
	if (!hb->spare) {
		hb->spare = pg->body;
		hb->spare_cap = pg->cap;
	} else {
		free(pg->body);
	}
	pg->body = NULL;
}

static void *builder_main(void *arg)
{
	struct worker *w = arg;
	struct hub *hb = w->hb;

	pthread_mutex_lock(&hb->mu);
	for (;;) {
		struct page *pg;
		int failed;
		while (!w->bbusy && !w->quit)
			pthread_cond_wait(&w->bwake, &hb->mu);
		if (!w->bbusy)
			break;
		pg = w->bpg;
		failed = hb->worker_failed;
		pthread_mutex_unlock(&hb->mu);
		/* After a failure, pages in flight are dropped, not journaled. */
		if (!failed)
			build_page(hb, pg, w->btree);
		listing_arena_reset(w->barena);
		pthread_mutex_lock(&hb->mu);
		body_recycle(hb, pg);
		free(pg);
		w->bpg = NULL;
		w->btree = NULL;
		w->bbusy = 0;
		pthread_cond_broadcast(&w->bidle);
	}
	pthread_mutex_unlock(&hb->mu);
	return NULL;
}

/* Parses a page and hands it to the builder once the builder is idle; a
 * page that is not JSON is dropped and said so (the crawl asks again). */
static void parse_page(struct hub *hb, struct worker *w, struct page *pg)
{
	struct listing_arena *a = w->arena[w->turn];
	const cJSON *tree;
	int rc;

	tree = listing_parse_page(pg->body, pg->len, a, &rc);
	if (rc == -1) {
		/* Cut short or garbled on the way: the crawl asks again. */
		pthread_mutex_lock(&hb->mu);
		w->not_json = 1;
		body_recycle(hb, pg);
		pthread_mutex_unlock(&hb->mu);
		free(pg);
		return;
	}
	if (rc) {
		char shown[320];
		hub_url_for_msg(shown, sizeof shown, pg->url);
		pthread_mutex_lock(&hb->mu);
		hb->worker_failed = 1;
		snprintf(hb->worker_err, sizeof hb->worker_err,
			 "the answer from %s (%zu bytes) holds far more JSON values than a Hub page "
			 "(its tree passes %zu MiB) or memory is short; stopped. Check that the "
			 "endpoint is a Hugging Face Hub",
			 shown, pg->len, HUB_PAGE_TREE_MAX >> 20);
		body_recycle(hb, pg);
		pthread_mutex_unlock(&hb->mu);
		free(pg);
		return;
	}
	pthread_mutex_lock(&hb->mu);
	while (w->bbusy)
		pthread_cond_wait(&w->bidle, &hb->mu);
	w->bpg = pg;
	w->btree = tree;
	w->barena = a;
	w->bbusy = 1;
	pthread_cond_signal(&w->bwake);
	pthread_mutex_unlock(&hb->mu);
	w->turn ^= 1;
}

static void *parser_main(void *arg)
{
	struct worker *w = arg;
	struct hub *hb = w->hb;

	pthread_mutex_lock(&hb->mu);
	for (;;) {
		while (!w->busy && !w->quit)
			pthread_cond_wait(&w->wake, &hb->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&hb->mu);
		parse_page(hb, w, w->pg);
		pthread_mutex_lock(&hb->mu);
		w->pg = NULL;
		w->busy = 0;
		pthread_cond_signal(&w->idle);
	}
	pthread_mutex_unlock(&hb->mu);
	return NULL;
}

/* Hands pg to the idle parser, starting the threads with the first page. */
static int worker_give(struct hub *hb, struct worker *w, struct page *pg)
{
	if (!w->started) {
		if (!w->arena[0] && !(w->arena[0] = listing_arena_new(HUB_PAGE_TREE_MAX)))
			return -1;
		if (!w->arena[1] && !(w->arena[1] = listing_arena_new(HUB_PAGE_TREE_MAX)))
			return -1;
		if (pthread_create(&w->builder, NULL, builder_main, w))
			return -1;
		if (pthread_create(&w->parser, NULL, parser_main, w)) {
			pthread_mutex_lock(&hb->mu);
			w->quit = 1;
			pthread_cond_signal(&w->bwake);
			pthread_mutex_unlock(&hb->mu);
			pthread_join(w->builder, NULL);
			w->quit = 0;
			return -1;
		}
		w->started = 1;
	}
	snprintf(w->url, sizeof w->url, "%s", pg->url);
	snprintf(w->next, sizeof w->next, "%s", pg->next);
	w->len = pg->len;
	w->pending = 1;
	pthread_mutex_lock(&hb->mu);
	w->pg = pg;
	w->busy = 1;
	w->not_json = 0;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&hb->mu);
	return 0;
}

/* Records the page that an accepted page's next link leads to; -1 with err
 * set when it was asked for before in this listing (a cycle: the crawl
 * would never end) or memory is short. */
static int page_seen(struct hub *hb, const char *url, const char *next)
{
	char shown[320], back[320];
	uint64_t key;
	int rc;
	if (hub_page_key(next, &key) || (rc = hub_seen_add(hb, key)) < 0) {
		hub_set_err(hb, "out of memory");
		return -1;
	}
	if (rc)
		return 0;
	hub_url_for_msg(shown, sizeof shown, url);
	hub_url_for_msg(back, sizeof back, next);
	hub_set_err(hb, "the server's next-page link for %s leads back to a page already fetched "
		    "(%s): the listing would go round for ever; stopped. Check that the endpoint "
		    "is a Hugging Face Hub",
		shown, back);
	return -1;
}

/* The crawl's budgets (see hub.h): 0 within them, -1 with err set past
 * them or after the builder failed. */
static int budgets_ok(struct hub *hb)
{
	unsigned row, total;
	uint64_t elems;
	int failed;
	char why[sizeof hb->worker_err];

	pthread_mutex_lock(&hb->mu);
	row = hb->idle_row;
	total = hb->idle_total;
	elems = hb->idle_elems;
	failed = hb->worker_failed;
	if (failed)
		memcpy(why, hb->worker_err, sizeof why);
	pthread_mutex_unlock(&hb->mu);
	if (failed) {
		hub_set_err(hb, "%s", why);
		return -1;
	}
	if (row > HUB_MAX_IDLE_ROW && !elems) {
		hub_set_err(hb, "the server keeps sending empty pages with a next-page link; "
			    "stopped. Check that the endpoint is a Hugging Face Hub");
		return -1;
	}
	if (row > HUB_MAX_IDLE_ROW || total > HUB_MAX_IDLE_TOTAL) {
		hub_set_err(hb, "the server's next-page links do not move on: %u pages %s brought no "
			    "item not already fetched (empty, or the same items again); stopped. "
			    "Check that the endpoint is a Hugging Face Hub",
			row > HUB_MAX_IDLE_ROW ? row : total,
			row > HUB_MAX_IDLE_ROW ? "in a row" : "of this fetch");
		return -1;
	}
	return 0;
}

/* Waits until the parser is done with the page handed to it (not for the
 * builder).  Returns 0, 1 when the page was not JSON (its URL in
 * hb->retry_url: see hub_page_retry), or -1 with err set when the crawl
 * must stop. */
static int parse_join(struct hub *hb, struct worker *w)
{
	int rc = 0, not_json, failed;

	pthread_mutex_lock(&hb->mu);
	while (w->busy)
		pthread_cond_wait(&w->idle, &hb->mu);
	not_json = w->not_json;
	failed = hb->worker_failed;
	pthread_mutex_unlock(&hb->mu);
	if (w->pending) {
		w->pending = 0;
		if (not_json) {
			snprintf(hb->retry_url, sizeof hb->retry_url, "%s", w->url);
			hb->retry_len = w->len;
			rc = 1;
		} else if (!failed) {
			hb->retry_attempts = 0;
			/* Accepted: a next link back to a page asked for is a cycle. */
			if (w->next[0] && page_seen(hb, w->url, w->next) < 0)
				return -1;
		}
	}
	if (budgets_ok(hb))
		return -1;
	return rc;
}

/* Waits until every page handed over is parsed and built; as parse_join. */
static int worker_join(struct hub *hb, struct worker *w)
{
	int rc = parse_join(hb, w);

	pthread_mutex_lock(&hb->mu);
	while (w->bbusy)
		pthread_cond_wait(&w->bidle, &hb->mu);
	pthread_mutex_unlock(&hb->mu);
	if (rc >= 0 && budgets_ok(hb))
		return -1;
	return rc;
}

/* 1 when a page still in the pipeline (two at most) could pass the budgets
 * of pages that bring nothing new: then the crawl waits for them before it
 * asks for more, so that it never asks for more pages than without the
 * pipeline. */
static int near_budget(struct hub *hb)
{
	int near;
	pthread_mutex_lock(&hb->mu);
	near = hb->idle_row + 1 >= HUB_MAX_IDLE_ROW || hb->idle_total + 1 >= HUB_MAX_IDLE_TOTAL;
	pthread_mutex_unlock(&hb->mu);
	return near;
}

/* After a page that was not JSON (cut short, garbled: a transient failure,
 * found by the worker while the next page downloaded): waits as after any
 * transient failure and points url at that page again.  The answer fetched
 * meanwhile is dropped.  -1 with err set once the retries are spent. */
int hub_page_retry(struct hub *hb, char *url, size_t len)
{
	char shown[320];

	hub_url_for_msg(shown, sizeof shown, hb->retry_url);
	if (hb->retry_attempts >= hb->o->max_retries) {
		hub_set_err(hb, "cannot fetch %s after %u attempts: the answer (%zu bytes) is not a JSON "
			    "array; check the network and run the same command again, it resumes "
			    "where it stopped",
			shown, hb->retry_attempts + 1, hb->retry_len);
		return -1;
	}
	hb->prog.retries++;
	if (hub_wait_for(hb, hub_backoff_s(hb, hb->retry_attempts++))) {
		hub_set_err(hb, "interrupted");
		return -1;
	}
	snprintf(url, len, "%s", hb->retry_url);
	return 0;
}

/* What the listings should hold when done, for the estimate of the time
 * left.  A full crawl guesses from the cache's previous complete snapshot
 * of the same endpoint (its header only); anything less sure leaves it
 * unknown, since no estimate beats a wrong one. */
void hub_expect_items(struct hub *hb)
{
	const struct hub_opts *o = hb->o;
	struct ht_meta meta;
	uint32_t counts[HT_KIND_COUNT];
	char path[4096];
	int want[HT_KIND_COUNT] = { o->models, o->datasets };

	hb->expected = 0;
	hb->estimated = 0;
	if (o->top_n) {
		for (int k = 0; k < HT_KIND_COUNT; k++)
			hb->expected += want[k] ? o->top_n : 0;
		return;
	}
	if (store_default_path(hb->dir, path, sizeof path) || store_peek(path, &meta, counts) ||
	    !meta.complete || meta.demo || strcmp(meta.endpoint, hb->endpoint) != 0)
		return;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		if (want[k] && !counts[k]) {
			hb->expected = 0;
			return;
		}
		hb->expected += want[k] ? counts[k] : 0;
	}
	hb->estimated = 1;
}

/* Ends the pipeline's threads; every path of crawl_pages has joined them. */
static void worker_stop(struct hub *hb, struct worker *w)
{
	if (w->started) {
		pthread_mutex_lock(&hb->mu);
		w->quit = 1;
		pthread_cond_signal(&w->wake);
		pthread_mutex_unlock(&hb->mu);
		pthread_join(w->parser, NULL);
		pthread_mutex_lock(&hb->mu);
		pthread_cond_signal(&w->bwake);
		pthread_mutex_unlock(&hb->mu);
		pthread_join(w->builder, NULL);
		w->started = 0;
	}
	listing_arena_free(w->arena[0]);
	listing_arena_free(w->arena[1]);
	w->arena[0] = w->arena[1] = NULL;
}

static int crawl_pages(struct hub *hb, enum ht_kind kind, const char *resume_next, struct worker *w)
{
	char url[HUB_MAX_URL];
	uint64_t top = hb->o->top_n, limit;

	hb->prog.phase = hub_kind_name[kind];
	hb->prog.expected = hb->expected;
	hb->prog.estimated = hb->estimated;
	hb->retry_attempts = 0;
	hb->idle_row = 0;
	hb->idle_elems = 0;
	if (resume_next && resume_next[0])
		snprintf(url, sizeof url, "%s", resume_next);
	else
		hub_listing_url(hb, kind, top && top < hb->limit ? top : hb->limit, url, sizeof url);
	/* The pages of this listing asked for, from its first. */
	hb->seen_n = 0;
	if (hb->seen)
		memset(hb->seen, 0, hb->seen_cap * sizeof *hb->seen);
	{
		uint64_t key;
		if (hub_page_key(url, &key) || hub_seen_add(hb, key) < 0) {
			hub_set_err(hb, "out of memory");
			return -1;
		}
	}

	for (;;) {
		struct page *pg;
		char next[HUB_MAX_URL];
		int rc;

		if (!url[0] || top || near_budget(hb)) {
			/* The last page, counts that must be exact before asking
			 * for no more than what is missing, or pages in flight that
			 * could pass a budget: wait for the pipeline. */
			uint64_t have;
			if ((rc = worker_join(hb, w)) < 0 || (rc == 1 && hub_page_retry(hb, url, sizeof url)))
				return -1;
			if (rc == 1)
				continue;
			if (!url[0])
				break;
			if (top) {
				have = hb->count[kind];
				if (have >= top)
					break;
				limit = hub_url_limit(url);
				if (limit == 0 || limit > top - have)
					hub_url_set_limit(url, sizeof url, top - have);
			}
		}
		hub_report_progress(hb, 1);
		rc = hub_request(hb, url);
		if (rc == 0 && hb->r.status == 400 && hub_url_limit(url) > 500) {
			/* Some servers cap the page size: ask for 500 from now on. */
			hb->limit = 500;
			hub_url_set_limit(url, sizeof url, 500);
			rc = hub_request(hb, url);
		}
		if (rc) {
			worker_join(hb, w);
			return -1;
		}
		if (hb->r.status != 200) {
			hub_status_error(hb, hb->r.status, url, "");
			worker_join(hb, w);
			return -1;
		}
		next[0] = '\0';
		if (hb->r.link_too_long || hb->r.link_bad) {
			/* Only the absence of a next link means the last page. */
			char shown[320];
			hub_url_for_msg(shown, sizeof shown, url);
			if (hb->r.link_too_long)
				hub_set_err(hb, "the server's next-page link for %s is %zu bytes long, more "
					    "than the %d hubtop follows; stopped rather than take the "
					    "listing as complete. Check that the endpoint is a Hugging "
					    "Face Hub",
					shown, hb->r.link_too_long, HUB_MAX_URL - 1);
			else
				hub_set_err(hb, "the server's next-page link for %s cannot be read (empty, "
					    "or without its closing '>'); stopped rather than take the "
					    "listing as complete. Check that the endpoint is a Hugging "
					    "Face Hub",
					shown);
			worker_join(hb, w);
			return -1;
		}
		if (hb->r.link_next[0]) {
			char *eff = NULL;
			char shown[320];
			uint64_t knext, kurl;
			curl_easy_getinfo(hb->h, CURLINFO_EFFECTIVE_URL, &eff);
			rc = hub_url_resolve(hb, eff ? eff : url, hb->r.link_next, next, sizeof next);
			if (rc < 0) {
				char here[320];
				hub_url_for_msg(here, sizeof here, url);
				hub_url_for_msg(shown, sizeof shown, hb->r.link_next);
				hub_set_err(hb, "the server's next-page link for %s (%s) is not a URL, or one "
					    "longer than %d bytes; stopped rather than take the listing "
					    "as complete. Check that the endpoint is a Hugging Face Hub",
					here, shown, HUB_MAX_URL - 1);
				worker_join(hb, w);
				return -1;
			}
			if (rc != 0) {
				hub_url_for_msg(shown, sizeof shown, hb->r.link_next);
				hub_set_err(hb, "the server's next-page link points to %s, which is not the "
					    "endpoint (%s://%s:%ld); refusing to follow it, so the token is "
					    "sent only to the endpoint. Check --endpoint or HF_ENDPOINT",
					shown, hb->scheme, hb->host, hb->port);
				worker_join(hb, w);
				return -1;
			}
			if (hub_page_key(next, &knext) || hub_page_key(url, &kurl)) {
				hub_set_err(hb, "out of memory");
				worker_join(hb, w);
				return -1;
			}
			/* The same page, however spelled; other pages seen before
			 * are caught when this one is accepted (see page_seen). */
			if (!strcmp(next, url) || knext == kurl) {
				hub_url_for_msg(shown, sizeof shown, url);
				hub_set_err(hb, "the server's next-page link for %s points to the same page; "
					    "stopped. Run again later",
					shown);
				worker_join(hb, w);
				return -1;
			}
		}
		pg = calloc(1, sizeof *pg);
		if (!pg) {
			hub_set_err(hb, "out of memory");
			worker_join(hb, w);
			return -1;
		}
		pg->kind = kind;
		snprintf(pg->url, sizeof pg->url, "%s", url);
		snprintf(pg->next, sizeof pg->next, "%s", next);
		/* The page before is parsed by now, most often: this one downloaded
		 * meanwhile (and the one before that was built). */
		if ((rc = parse_join(hb, w)) != 0) {
			free(pg);
			if (rc < 0 || hub_page_retry(hb, url, sizeof url))
				return -1;
			continue;
		}
		/* Hand the body over; the next response fills the spare buffer. */
		pg->body = hb->r.body;
		pg->len = hb->r.len;
		pg->cap = hb->r.cap;
		pthread_mutex_lock(&hb->mu);
		hb->r.body = hb->spare;
		hb->r.cap = hb->spare_cap;
		hb->r.len = 0;
		hb->spare = NULL;
		hb->spare_cap = 0;
		pthread_mutex_unlock(&hb->mu);
		if (worker_give(hb, w, pg)) {
			hub_set_err(hb, "cannot start a thread");
			free(pg->body);
			free(pg);
			return -1;
		}
		snprintf(url, sizeof url, "%s", next);
		if (hub_cancelled(hb)) {
			worker_join(hb, w);
			hub_set_err(hb, "interrupted");
			return -1;
		}
	}
	hub_report_progress(hb, 1);
	return 0;
}

int hub_crawl_kind(struct hub *hb, enum ht_kind kind, const char *resume_next)
{
	struct worker w;
	int rc;

	memset(&w, 0, sizeof w);
	w.hb = hb;
	pthread_cond_init(&w.wake, NULL);
	pthread_cond_init(&w.idle, NULL);
	pthread_cond_init(&w.bwake, NULL);
	pthread_cond_init(&w.bidle, NULL);
	rc = crawl_pages(hb, kind, resume_next, &w);
	worker_stop(hb, &w);
	pthread_cond_destroy(&w.wake);
	pthread_cond_destroy(&w.idle);
	pthread_cond_destroy(&w.bwake);
	pthread_cond_destroy(&w.bidle);
	return rc;
}

struct acct_rank {
	uint64_t downloads;
	uint32_t idx;
};

static int rank_cmp(const void *a, const void *b)
{
	const struct acct_rank *x = a, *y = b;
	if (x->downloads != y->downloads)
		return x->downloads > y->downloads ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Asks /overview for the biggest accounts the directory does not know. */
int hub_check_orgs(struct hub *hb, struct ht_snapshot *s, const struct orgdir *d)
{
	struct acct_rank *rank;
	uint32_t i, k;
	unsigned asked = 0, failures_in_row = 0;
	char why[1024];

	hb->prog.phase = "orgs";
	hb->prog.expected = 0;
	hb->prog.estimated = 0;
	if (!s->n_accounts || !s->acct_kind || !hb->o->orgs_check)
		return 0;
	rank = calloc(s->n_accounts, sizeof *rank);
	if (!rank) {
		hub_set_err(hb, "out of memory");
		return -1;
	}
	for (i = 0; i < s->n_accounts; i++)
		rank[i].idx = i;
	for (k = 0; k < HT_KIND_COUNT; k++)
		for (i = 0; i < s->t[k].n; i++)
			if (s->t[k].author[i] < s->n_accounts)
				rank[s->t[k].author[i]].downloads += s->t[k].downloads[i];
	qsort(rank, s->n_accounts, sizeof *rank, rank_cmp);
	for (i = 0; i < s->n_accounts && asked < hb->o->orgs_check; i++) {
		const char *name = ht_str(s, s->acct_name[rank[i].idx]);
		char url[HUB_MAX_URL], *esc;
		int known;
		if (!*name || (d && orgdir_lookup(d, name)))
			continue;
		asked++;
		if (s->acct_kind[rank[i].idx] != HT_ACCT_UNCHECKED)
			continue; /* answered for the previous snapshot */
		known = hub_orgs_known_find(hb, name);
		if (known < 0) {
			if (failures_in_row >= 5)
				continue;
			esc = curl_easy_escape(hb->h, name, 0);
			if (!esc)
				continue;
			snprintf(url, sizeof url, "%s/api/organizations/%s/overview", hb->endpoint, esc);
			curl_free(esc);
			hub_report_progress(hb, 0);
			if (hub_request(hb, url)) {
				if (hb->cancelled) {
					free(rank);
					return -1;
				}
				/* Leave it unchecked: attribution treats it as unknown. */
				hb->orgs_failed++;
				failures_in_row++;
				continue;
			}
			if (hb->r.status == 200)
				known = HT_ACCT_ORG;
			else if (hb->r.status == 404)
				known = HT_ACCT_USER;
			else {
				hb->orgs_failed++;
				failures_in_row++;
				continue;
			}
			failures_in_row = 0;
			hb->orgs_checked++;
			if (hub_journal_append(hb, 'O', known, name, strlen(name), why, sizeof why) ||
			    hub_state_write(hb, PHASE_ORGS, "-", hb->pages, why, sizeof why)) {
				hub_set_err(hb, "%s", why);
				free(rank);
				return -1;
			}
			hub_orgs_known_add(hb, name, known);
		}
		/* The builder is consumed; the freshly built snapshot is still ours to fill in. */
		s->acct_kind[rank[i].idx] = (uint8_t)known;
	}
	free(rank);
	if (hb->orgs_failed)
		hub_add_note(hb, "%u organisation checks failed and stay unknown.", hb->orgs_failed);
	return 0;
}

/* Copies the answers of the snapshot at path, when it came from the same
 * endpoint, into s: each account is asked once, not at every fetch.
 * Returns how many answers were kept. */
unsigned hub_orgs_carry_over(const struct hub *hb, struct ht_snapshot *s, const char *path)
{
	struct ht_snapshot *prev;
	struct store_err e;
	char ep[sizeof prev->meta.endpoint];
	unsigned kept = 0;
	uint32_t i, a;

	if (!s->acct_kind || access(path, F_OK))
		return 0;
	prev = store_load(path, &e);
	if (!prev)
		return 0;
	/* The endpoint as the snapshot stores it: cut to its field's size. */
	hub_sfmt(ep, sizeof ep, "%s", hb->endpoint);
	if (prev->acct_kind && !prev->meta.demo && !strcmp(prev->meta.endpoint, ep)) {
		for (i = 0; i < prev->n_accounts; i++) {
			uint8_t k = prev->acct_kind[i];
			if (k != HT_ACCT_USER && k != HT_ACCT_ORG)
				continue;
			a = table_find_account(s, ht_str(prev, prev->acct_name[i]));
			if (a != UINT32_MAX && s->acct_kind[a] == HT_ACCT_UNCHECKED) {
				s->acct_kind[a] = k;
				kept++;
			}
		}
	}
	table_free(prev);
	return kept;
}

/* hub.h - the Hub client: crawls /api/models and /api/datasets into a new
 * snapshot, politely (one keep-alive connection, backoff, rate limits) and
 * resumably (progress journal in the cache directory).
 *
 * Owns: the crawl journal files in the cache directory and the HTTP
 * connection.  The snapshot is replaced only when the crawl is complete,
 * through store_write.
 */
#ifndef HUBTOP_HUB_H
#define HUBTOP_HUB_H

#include <stddef.h>
#include <stdint.h>
#include "hubtop/orgdir.h"

#define HUB_DEFAULT_ENDPOINT "https://huggingface.co"

struct hub_progress {
	const char *phase;      /* "models", "datasets", "orgs", "writing" */
	uint64_t pages, items, bytes; /* items: models and datasets together */
	/* Items the listings should hold when done, counted as items is: with
	 * top N exact (at most N of each kind), else the counts of the cache's
	 * previous complete snapshot of the same endpoint; 0 unknown, and
	 * outside the listing phases. */
	uint64_t expected;
	int estimated;          /* expected comes from the previous snapshot */
	double rate;            /* items per second */
	int wait_s;             /* >0: waiting that many seconds (rate limit, backoff) */
	int quota_wait;         /* the wait is for the next window of the Hub's rate limit,
				 * its quota spent (not a retry) */
	unsigned quota, window_s; /* the Hub's policy: quota requests per window_s; 0 unknown */
	/* Seconds left, reckoned with the rate limit's waits: <0 when the Hub
	 * gave no policy or expected is unknown (then items / rate is the
	 * best guess). */
	double eta_s;
	unsigned retries;
};

struct hub_opts {
	const char *endpoint;   /* NULL: $HF_ENDPOINT, else HUB_DEFAULT_ENDPOINT */
	const char *cache_dir;  /* resolved cache directory */
	const char *snapshot;   /* output path; NULL: the cache's default */
	int models, datasets;   /* what to crawl */
	uint64_t top_n;         /* 0 = everything */
	unsigned orgs_check;    /* accounts to ask /overview for */
	int orgs_recheck;       /* ask again what the previous snapshot answered */
	const char *ca_bundle;  /* extra CA bundle, or NULL */
	unsigned max_retries;   /* per request */
	double backoff_base;    /* seconds */
	unsigned timeout_s;     /* connect timeout; less than 1 KiB a second for this long:
				 * retried, three times in a row: an error (0 = 30) */
	/* Called at most ~10 times a second; return non-zero to cancel. */
	int (*progress)(void *ctx, const struct hub_progress *p);
	void *ctx;
	volatile int *cancel;   /* polled; non-zero cancels (Ctrl-C, Esc) */
};

void hub_opts_init(struct hub_opts *o);

/* The token, from the first of $HF_TOKEN, $HUGGING_FACE_HUB_TOKEN and a
 * file: $HF_TOKEN_PATH, else $HF_HOME/token, else
 * ${XDG_CACHE_HOME:-$HOME/.cache}/huggingface/token (huggingface_hub's
 * order).  Returns 1 found, 0 none.  warn gets a message when a token file is
 * readable by others. */
int hub_token(char *buf, size_t len, char *warn, size_t warnlen);

/* The longest wait between two attempts, whatever the attempt. */
#define HUB_BACKOFF_MAX_S 60.0

/* The wait in seconds before retry number attempt (0: the first) when the
 * server says nothing of when to come back: base * 2^attempt (the exponent
 * capped at 16), times a jitter in [0.5, 1] drawn from *rng, which it
 * advances; at most HUB_BACKOFF_MAX_S.  Public so that its bounds can be
 * tested without waiting. */
double hub_backoff(double base, unsigned attempt, unsigned *rng);

/* Crawls and writes the snapshot.  Organisation answers that the snapshot
 * being replaced holds (same endpoint) are kept and not asked again, unless
 * o->orgs_recheck.
 * A listing ends only at a page without a next link; a next link that
 * cannot be followed (too long, unreadable, another origin) is an error.
 * No server can make a crawl endless: a next link back to a page already
 * asked for (however spelled), more than 5 pages in a row (20 in a fetch)
 * that bring no new item, or a journal past 16 MiB plus 16 KiB an item
 * held, stop it with an error.
 * 0 on success, with a one-line summary
 * (counts, warnings) in err for the caller to print; -1 with a message in err
 * (status, URL without token, server message, what to do).  The previous
 * snapshot is intact on failure; the journal lets the next call resume. */
int hub_fetch(const struct hub_opts *o, const struct orgdir *d, char *err, size_t errlen);

#endif

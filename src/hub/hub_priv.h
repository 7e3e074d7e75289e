/* hub_priv.h - what the files of the Hub client share (src/hub/ only).
 *
 * hub.c is split by concern; one struct hub per fetch is the state of all of
 * them (see hub.c for its flow and files).  Nothing here is public: the
 * interface is include/hubtop/hub.h.
 */
#ifndef HUBTOP_HUB_PRIV_H
#define HUBTOP_HUB_PRIV_H

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "hubtop/hub.h"
#include "hubtop/listing.h"
#include "hubtop/store.h"
#include "hubtop/table.h"


#define HUB_MAX_BODY ((size_t)64 << 20)
#define HUB_MAX_REDIRS 5L
/* The most memory one page's JSON tree may take: a Hub page of 1,000 items
 * takes about 3 MiB. */
#define HUB_PAGE_TREE_MAX ((size_t)256 << 20)
#define HUB_MAX_URL 8192
#define HUB_MAX_WAIT_S 900
/* Headers of one answer: a Hub answer has about 2 KiB. */
#define HUB_MAX_HEADERS ((size_t)256 << 10)
/* Slower than this for timeout_s seconds: the request is given up and retried. */
#define HUB_MIN_RATE 1024L
/* Requests given up for slowness in a row before the crawl stops. */
#define HUB_MAX_SLOW 3u
/* Crawl budgets, so that no server can make a crawl endless: pages with a
 * next link that bring no new item, in a row and in one fetch; and the
 * journal's size, at most HUB_JOURNAL_SLACK plus HUB_JOURNAL_PER_ITEM for
 * each item held (a Hub page takes about 400 bytes an item). */
#define HUB_MAX_IDLE_ROW 5u
#define HUB_MAX_IDLE_TOTAL 20u
#define HUB_JOURNAL_SLACK ((uint64_t)16 << 20)
#define HUB_JOURNAL_PER_ITEM ((uint64_t)16 << 10)


extern const char *const hub_kind_name[HT_KIND_COUNT];

enum { PHASE_MODELS = 0, PHASE_DATASETS = 1, PHASE_ORGS = 2 };

/* One HTTP response. */
struct resp {
	char *body;
	size_t len, cap;
	long status;
	int over_cap;
	int offsite;               /* a redirect left the endpoint: aborted */
	char offsite_url[512];
	char link_next[HUB_MAX_URL];
	size_t link_too_long;      /* a next link of this many bytes, not kept */
	int link_bad;              /* a next link that cannot be read */
	size_t header_bytes;       /* of this answer */
	int headers_done;          /* the blank line after the headers came */
	int header_overflow;       /* more than HUB_MAX_HEADERS: aborted */
	char err_header[512];      /* X-Error-Message */
	double retry_after;        /* seconds, <0 unknown */
	double ratelimit_t;        /* RateLimit t=, <0 unknown */
	double ratelimit_r;        /* RateLimit r= (requests left in the window), <0 unknown */
	double policy_q, policy_w; /* RateLimit-Policy q= and w=, <=0 unknown */
};

/* A page in the crawl's pipeline (see hub_crawl.c). */
struct page {
	enum ht_kind kind;
	char *body;
	size_t len, cap;
	char url[HUB_MAX_URL];     /* where it came from, to ask again */
	char next[HUB_MAX_URL];    /* empty: last page of this kind */
	/* Set by the builder. */
	uint64_t elems;            /* array elements */
	uint64_t added;            /* items new to the builder */
};

struct hub {
	const struct hub_opts *o;
	char endpoint[1024];
	char scheme[16], host[256];
	long port;
	char token[1024];
	int send_token;
	CURL *h;
	struct curl_slist *hdrs;
	char curl_err[CURL_ERROR_SIZE];
	struct resp r;
	/* The body buffer of the page last parsed, for the next response. */
	char *spare;
	size_t spare_cap;
	char *err;
	size_t errlen;
	int cancelled;
	unsigned limit;            /* 1000, or 500 once the server refused 1000 */
	unsigned rng;

	/* The rate limit, from the headers of the last answer that had them
	 * (calling thread only; see hub_pace). */
	double pace_until;         /* no request starts before this hub_now_s() */
	double quota_q, quota_w;   /* the policy: q requests per w seconds; 0 unknown */
	double quota_r;            /* requests left in the window, <0 unknown */
	double quota_reset;        /* hub_now_s() of the window's reset, 0 unknown */
	unsigned quota_waits;      /* pauses made for the quota */
	double quota_waited;       /* seconds spent in them */
	uint64_t requests;         /* requests made (answered or not) */
	double t_requests;         /* seconds spent in them */

	/* Progress (calling thread only). */
	struct hub_progress prog;
	double t_start, t_last_cb, t_sync;
	uint64_t bytes_done, items_at_start;
	uint64_t expected;        /* prog.expected of the listing phases */
	int estimated;

	/* Journal. */
	char dir[1024];
	char path_lock[1100], path_journal[1100], path_state[1100], path_tmp[1100];
	char key[40];
	int lock_fd, jfd;
	uint64_t jlen;
	int phase;

	/* Shared with the worker, under mu. */
	pthread_mutex_t mu;
	struct ht_builder *b;
	struct listing_arena *arena; /* one page parsed at a time: the worker's, or the replay's */
	struct listing_stats st;
	uint64_t count[HT_KIND_COUNT];
	uint64_t pages;
	int worker_failed;
	char worker_err[1024];

	/* The crawl's own (calling thread). */
	char retry_url[HUB_MAX_URL]; /* a page that was not JSON, to ask again */
	size_t retry_len;            /* its size */
	unsigned retry_attempts;     /* answers in a row that were not JSON */
	/* Pages with a next link that brought no new item: in a row (and how
	 * many elements they held), and in this fetch. */
	unsigned idle_row, idle_total;
	uint64_t idle_elems;
	/* Keys of the pages asked for in this listing (see page_key): open
	 * addressing, 0 free. */
	uint64_t *seen;
	size_t seen_n, seen_cap;

	/* Organisation answers from the journal: "kind name" lines. */
	char *orgs_known;
	size_t orgs_known_len;
	unsigned orgs_checked, orgs_failed;
	char notes[1024];
};


/* hub.c: messages, the token, URLs, the pages asked for, progress, hub_fetch */
void hub_sfmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
double hub_now_s(void);
void hub_add_note(struct hub *hb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hub_set_err(struct hub *hb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hub_clean_text(char *dst, size_t dlen, const char *src, size_t slen);
void hub_url_for_msg(char *dst, size_t dlen, const char *url);
int hub_url_resolve(const struct hub *hb, const char *base, const char *ref, char *out,
		       size_t outlen);
void hub_listing_url(const struct hub *hb, enum ht_kind kind, uint64_t limit, char *out,
			size_t len);
void hub_url_set_limit(char *url, size_t len, uint64_t limit);
uint64_t hub_url_limit(const char *url);
int hub_page_key(const char *url, uint64_t *key);
int hub_seen_add(struct hub *hb, uint64_t key);
int hub_cancelled(struct hub *hb);
void hub_report_progress(struct hub *hb, int force);
int hub_on_xfer(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		   curl_off_t ulnow);
int hub_wait_for(struct hub *hb, double s);

/* hub_http.c: one request with its retries, headers and errors */
int hub_curl_setup(struct hub *hb);
void hub_status_error(struct hub *hb, long s, const char *url, const char *prefix);
double hub_backoff_s(struct hub *hb, unsigned attempt);
int hub_request(struct hub *hb, const char *url);
/* Seconds added to the server's time to reset before the first request of
 * a new window, so that a reset rounded down is never met early. */
#define HUB_QUOTA_MARGIN_S 1.0
double hub_eta_s(const struct hub *hb, uint64_t items_left);

/* hub_journal.c: the cache lock, the journal and the resume state */
int hub_state_write(struct hub *hb, int phase, const char *next, uint64_t pages, char *why,
		       size_t whylen);
int hub_journal_append(struct hub *hb, char type, int kind, const char *p, size_t n, char *why,
			  size_t whylen);
void hub_orgs_known_add(struct hub *hb, const char *name, int kind);
int hub_orgs_known_find(const struct hub *hb, const char *name);
int hub_journal_open(struct hub *hb, char *next, size_t nextlen);
int hub_lock_cache(struct hub *hb);

/* hub_crawl.c: the listing crawl, its worker thread, the organisation checks */
int hub_page_retry(struct hub *hb, char *url, size_t len);
void hub_expect_items(struct hub *hb);
int hub_crawl_kind(struct hub *hb, enum ht_kind kind, const char *resume_next);
int hub_check_orgs(struct hub *hb, struct ht_snapshot *s, const struct orgdir *d);
unsigned hub_orgs_carry_over(const struct hub *hb, struct ht_snapshot *s, const char *path);

#endif

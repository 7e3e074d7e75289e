/* hub.c - the Hub client.  See hub.h.
 *
 * Flow: the calling thread does every HTTP request (one easy handle, so one
 * keep-alive connection) with retries, waits and progress; a worker thread
 * parses the page just received, appends it to the journal and records the
 * resume point, while the next page downloads.  At most two page bodies are
 * in memory at once, each at most HUB_MAX_BODY bytes.
 *
 * Files in the cache directory, all private to this module:
 *   fetch.lock     flock()ed for the whole fetch; holds the holder's pid
 *   fetch.journal  records: "HJ1 P|O kind len checksum\n" payload "\n"
 *   fetch.state    where to resume: key, phase, next URL, journal length
 * The state is replaced atomically (written as fetch.state.tmp, then the
 * two names exchanged) after each journal append, so a kill at any moment
 * leaves a state whose journal length is whole; bytes past it are a torn
 * tail and are cut off on resume.  Both files are synced to disk (journal
 * first) at most once a second.
 */
#include "config.h"

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

static const char *const model_fields[] = {
	"downloads", "downloadsAllTime", "likes", "trendingScore", "createdAt", "lastModified",
	"pipeline_tag", "library_name", "tags", "gated", "author", NULL
};
static const char *const dataset_fields[] = {
	"downloads", "downloadsAllTime", "likes", "trendingScore", "createdAt", "lastModified",
	"tags", "gated", "author", NULL
};
static const char *const kind_name[HT_KIND_COUNT] = { "models", "datasets" };

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
};

/* A page handed to the worker. */
struct page {
	enum ht_kind kind;
	char *body;
	size_t len, cap;
	char url[HUB_MAX_URL];     /* where it came from, to ask again */
	char next[HUB_MAX_URL];    /* empty: last page of this kind */
	/* Set by the worker. */
	int not_json;              /* not a JSON array: nothing added, ask again */
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

/* snprintf for messages, where cutting a long path short is acceptable. */
static void sfmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sfmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (!len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_note(struct hub *hb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct hub *hb, const char *fmt, ...)
{
	size_t n = strlen(hb->notes);
	va_list ap;
	if (n + 4 >= sizeof hb->notes)
		return;
	if (n)
		hb->notes[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(hb->notes + n, sizeof hb->notes - n, fmt, ap);
	va_end(ap);
}

static void set_err(struct hub *hb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct hub *hb, const char *fmt, ...)
{
	va_list ap;
	if (!hb->err || !hb->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(hb->err, hb->errlen, fmt, ap);
	va_end(ap);
}

/* Text from a server or a URL, made safe to show: no control bytes, bounded. */
static void clean_text(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t i, o = 0;
	if (!dlen)
		return;
	for (i = 0; i < slen && src[i] && o + 4 < dlen; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	if (i < slen && src[i] && o + 4 >= dlen && dlen > 4) {
		o = dlen - 4;
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/* A URL for messages: without user info, bounded. */
static void url_for_msg(char *dst, size_t dlen, const char *url)
{
	char tmp[HUB_MAX_URL];
	const char *at, *scheme_end = strstr(url, "://");
	size_t n = 0;
	if (scheme_end) {
		const char *host = scheme_end + 3;
		const char *slash = host + strcspn(host, "/?#");
		at = memchr(host, '@', (size_t)(slash - host));
		if (at) {
			n = (size_t)(host - url);
			if (n >= sizeof tmp)
				n = sizeof tmp - 1;
			memcpy(tmp, url, n);
			url = at + 1;
		}
	}
	snprintf(tmp + n, sizeof tmp - n, "%s", url);
	clean_text(dst, dlen < 300 ? dlen : 300, tmp, strlen(tmp));
}

/* ---- token -------------------------------------------------------------- */

static int token_ok(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return 0;
	return 1;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (s[i] && isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

int hub_token(char *buf, size_t len, char *warn, size_t warnlen)
{
	static const char *const envs[] = { "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN" };
	char path[1024];
	const char *p;
	size_t i, n;
	struct stat st;
	FILE *fp;

	if (warn && warnlen)
		warn[0] = '\0';
	if (!buf || len < 2)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < 2; i++) {
		const char *v = getenv(envs[i]);
		if (!v || !*v)
			continue;
		snprintf(buf, len, "%s", v);
		trim(buf);
		if (!*buf)
			continue;
		if (!token_ok(buf)) {
			if (warn)
				snprintf(warn, warnlen,
					 "$%s contains spaces or control characters; it was ignored", envs[i]);
			memset(buf, 0, len);
			return 0;
		}
		return 1;
	}
	if ((p = getenv("HF_TOKEN_PATH")) && *p) {
		snprintf(path, sizeof path, "%s", p);
	} else if ((p = getenv("HF_HOME")) && *p) {
		snprintf(path, sizeof path, "%s/token", p);
	} else if ((p = getenv("XDG_CACHE_HOME")) && *p) {
		snprintf(path, sizeof path, "%s/huggingface/token", p);
	} else if ((p = getenv("HOME")) && *p) {
		snprintf(path, sizeof path, "%s/.cache/huggingface/token", p);
	} else {
		return 0;
	}
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 044) && warn)
		snprintf(warn, warnlen,
			 "the token file %s can be read by other users (mode %03o); "
			 "protect it with: chmod 600 %s",
			 path, (unsigned)(st.st_mode & 0777), path);
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	trim(buf);
	if (!*buf)
		return 0;
	if (!token_ok(buf)) {
		if (warn)
			snprintf(warn, warnlen,
				 "the token in %s contains spaces or control characters; it was ignored",
				 path);
		memset(buf, 0, len);
		return 0;
	}
	return 1;
}

void hub_opts_init(struct hub_opts *o)
{
	memset(o, 0, sizeof *o);
	o->models = 1;
	o->datasets = 1;
	o->orgs_check = 300;
	o->max_retries = 8;
	o->backoff_base = 1.0;
	o->timeout_s = 30;
}

/* ---- URLs ---------------------------------------------------------------- */

/* Resolves ref against base; fills out with the absolute URL and checks that
 * it stays on the endpoint's scheme, host and port.  0 same origin, 1 other
 * origin (out holds it), -1 not a URL. */
static int url_resolve(const struct hub *hb, const char *base, const char *ref, char *out,
		       size_t outlen)
{
	CURLU *u = curl_url();
	char *full = NULL, *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	int rc = -1;
	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
		goto out;
	if (curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (strlen(full) >= outlen)
		goto out;
	snprintf(out, outlen, "%s", full);
	rc = 0;
	if (strcasecmp(scheme, hb->scheme) || strcasecmp(host, hb->host) || atol(port) != hb->port)
		rc = 1;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user)
		rc = 1;
out:
	curl_free(full);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

static int is_loopback(const char *host)
{
	return !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]") ||
	       !strcmp(host, "::1");
}

static int parse_endpoint(struct hub *hb, const char *ep)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *query = NULL;
	char shown[512];
	int rc = -1;
	size_t n;

	snprintf(hb->endpoint, sizeof hb->endpoint, "%s", ep);
	n = strlen(hb->endpoint);
	while (n && hb->endpoint[n - 1] == '/')
		hb->endpoint[--n] = '\0';
	url_for_msg(shown, sizeof shown, ep);
	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, hb->endpoint, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		set_err(hb, "the endpoint '%s' is not a URL; give one like %s (--endpoint or HF_ENDPOINT)",
			shown, HUB_DEFAULT_ENDPOINT);
		goto out;
	}
	if (strcasecmp(scheme, "https") && strcasecmp(scheme, "http")) {
		set_err(hb, "the endpoint '%s' is not http or https; give one like %s", shown,
			HUB_DEFAULT_ENDPOINT);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user) {
		set_err(hb, "the endpoint must not contain a user name or password; "
			    "give the token with HF_TOKEN instead");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
		set_err(hb, "the endpoint '%s' must not carry a query; give just the Hub's address",
			shown);
		goto out;
	}
	snprintf(hb->scheme, sizeof hb->scheme, "%s", scheme);
	snprintf(hb->host, sizeof hb->host, "%s", host);
	hb->port = atol(port);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}

static void listing_url(const struct hub *hb, enum ht_kind kind, uint64_t limit, char *out,
			size_t len)
{
	const char *const *f = kind == HT_MODELS ? model_fields : dataset_fields;
	size_t n = (size_t)snprintf(out, len, "%s/api/%s?sort=downloads&limit=%llu", hb->endpoint,
				    kind_name[kind], (unsigned long long)limit);
	for (; *f && n < len; f++)
		n += (size_t)snprintf(out + n, len - n, "&expand%%5B%%5D=%s", *f);
}

/* Replaces the value of the limit parameter in url (in place). */
static void url_set_limit(char *url, size_t len, uint64_t limit)
{
	char *q = strchr(url, '?'), *p, tail[HUB_MAX_URL];
	if (!q)
		return;
	for (p = q; (p = strstr(p, "limit=")) != NULL; p++) {
		if (p[-1] == '?' || p[-1] == '&') {
			char *e = p + 6 + strcspn(p + 6, "&#");
			snprintf(tail, sizeof tail, "%s", e);
			snprintf(p + 6, len - (size_t)(p + 6 - url), "%llu%s", (unsigned long long)limit,
				 tail);
			return;
		}
	}
}

static uint64_t url_limit(const char *url)
{
	const char *q = strchr(url, '?'), *p;
	if (!q)
		return 0;
	for (p = q; (p = strstr(p, "limit=")) != NULL; p++)
		if (p[-1] == '?' || p[-1] == '&')
			return strtoull(p + 6, NULL, 10);
	return 0;
}

/* ---- pages already asked for --------------------------------------------- */

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the %XX escapes of s[0..n) into out; returns the length. */
static size_t pct_decode(char *out, const char *s, size_t n)
{
	size_t i, o = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			out[o++] = (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What identifies the page an absolute URL of the endpoint asks for,
 * however it is spelled: its path and its parameters, decoded and sorted,
 * without limit (the crawl changes it).  0, or -1 out of memory. */
static int page_key(const char *url, uint64_t *key)
{
	const char *p = strstr(url, "://"), *q, *e, *seg;
	size_t n = strlen(url), np = 0, o, i, k;
	char *buf, **par, *out;

	p = p ? p + 3 : url;
	p += strcspn(p, "/?#");
	e = p + strcspn(p, "#");
	q = memchr(p, '?', (size_t)(e - p));
	buf = malloc(2 * n + 2);
	par = malloc((n / 2 + 2) * sizeof *par);
	if (!buf || !par) {
		free(buf);
		free(par);
		return -1;
	}
	/* The decoded parameters, each NUL-terminated, after the path. */
	o = pct_decode(buf, p, (size_t)((q ? q : e) - p));
	buf[o++] = '\0';
	for (seg = q ? q + 1 : e; seg < e;) {
		size_t sl = strcspn(seg, "&#");
		if (sl) {
			size_t d = pct_decode(buf + o, seg, sl);
			buf[o + d] = '\0';
			if (strncmp(buf + o, "limit=", 6) && strcmp(buf + o, "limit")) {
				par[np++] = buf + o;
				o += d + 1;
			}
		}
		seg += sl;
		if (seg < e && *seg == '&')
			seg++;
	}
	qsort(par, np, sizeof *par, cmp_param);
	/* "path NUL param NUL param NUL ...", after what it is made of (buf
	 * holds twice the URL and more). */
	out = buf + o;
	k = strlen(buf) + 1;
	memcpy(out, buf, k);
	for (i = 0; i < np; i++) {
		size_t l = strlen(par[i]) + 1;
		memcpy(out + k, par[i], l);
		k += l;
	}
	*key = store_checksum(out, k);
	if (!*key)
		*key = 1; /* 0 marks a free slot */
	free(buf);
	free(par);
	return 0;
}

/* Adds key to the pages seen.  1 added, 0 seen before, -1 out of memory. */
static int seen_add(struct hub *hb, uint64_t key)
{
	size_t i, mask;
	if ((hb->seen_n + 1) * 2 > hb->seen_cap) {
		size_t cap = hb->seen_cap ? hb->seen_cap * 2 : 256, j;
		uint64_t *t = calloc(cap, sizeof *t);
		if (!t)
			return -1;
		for (j = 0; j < hb->seen_cap; j++) {
			if (!hb->seen[j])
				continue;
			for (i = hb->seen[j] & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = hb->seen[j];
		}
		free(hb->seen);
		hb->seen = t;
		hb->seen_cap = cap;
	}
	mask = hb->seen_cap - 1;
	for (i = key & mask; hb->seen[i]; i = (i + 1) & mask)
		if (hb->seen[i] == key)
			return 0;
	hb->seen[i] = key;
	hb->seen_n++;
	return 1;
}

/* ---- progress ------------------------------------------------------------ */

static int hub_cancelled(struct hub *hb)
{
	if (hb->o->cancel && *hb->o->cancel)
		hb->cancelled = 1;
	return hb->cancelled;
}

static void report(struct hub *hb, int force)
{
	double t = now_s();
	uint64_t items;
	if (!force && t - hb->t_last_cb < 0.1)
		return;
	hb->t_last_cb = t;
	pthread_mutex_lock(&hb->mu);
	items = hb->count[HT_MODELS] + hb->count[HT_DATASETS];
	hb->prog.pages = hb->pages;
	pthread_mutex_unlock(&hb->mu);
	hb->prog.items = items;
	hb->prog.rate = t > hb->t_start + 0.05 ? (double)(items - hb->items_at_start) / (t - hb->t_start)
					       : 0.0;
	if (hb->o->progress && hb->o->progress(hb->o->ctx, &hb->prog))
		hb->cancelled = 1;
}

static int on_xfer(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		   curl_off_t ulnow)
{
	struct hub *hb = ud;
	(void)dltotal;
	(void)ultotal;
	(void)ulnow;
	hb->prog.bytes = hb->bytes_done + (uint64_t)(dlnow > 0 ? dlnow : 0);
	report(hb, 0);
	return hub_cancelled(hb);
}

/* Sleeps s seconds in slices, showing the countdown; -1 if cancelled. */
static int wait_for(struct hub *hb, double s)
{
	double end = now_s() + s;
	for (;;) {
		double left = end - now_s();
		struct timespec ts;
		if (hub_cancelled(hb))
			return -1;
		if (left <= 0)
			break;
		hb->prog.wait_s = (int)ceil(left);
		report(hb, 0);
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	hb->prog.wait_s = 0;
	report(hb, 1);
	return hub_cancelled(hb) ? -1 : 0;
}

/* ---- HTTP ---------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct hub *hb = ud;
	struct resp *r = &hb->r;
	size_t n = size * nmemb;
	if (r->len + n > HUB_MAX_BODY) {
		r->over_cap = 1;
		return 0;
	}
	if (r->len + n + 1 > r->cap) {
		size_t c = r->cap ? r->cap : 65536;
		char *p;
		while (c < r->len + n + 1)
			c *= 2;
		if (c > HUB_MAX_BODY + 1)
			c = HUB_MAX_BODY + 1;
		p = realloc(r->body, c);
		if (!p)
			return 0;
		r->body = p;
		r->cap = c;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/* 1 when the link parameters in [p, e) hold rel="next" (or rel=next, or
 * next among the space-separated relations of rel="..."). */
static int rel_is_next(const char *p, const char *e)
{
	for (; p + 3 <= e; p++) {
		const char *v;
		if (strncasecmp(p, "rel", 3) ||
		    (p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t'))
			continue;
		for (v = p + 3; v < e && (*v == ' ' || *v == '\t'); v++)
			;
		if (v >= e || *v != '=')
			continue;
		for (v++; v < e && (*v == ' ' || *v == '\t'); v++)
			;
		if (v < e && *v == '"')
			v++;
		while (v < e && *v != '"' && *v != ';' && *v != ',') {
			const char *t = v;
			while (v < e && *v != ' ' && *v != '"' && *v != ';' && *v != ',')
				v++;
			if (v - t == 4 && !strncasecmp(t, "next", 4))
				return 1;
			while (v < e && *v == ' ')
				v++;
		}
	}
	return 0;
}

/* Finds the next link of a Link header's value.  One too long to keep, or
 * one that cannot be read, is noted: only the absence of a next link may
 * end a listing. */
static void parse_link(struct resp *r, const char *v, size_t n)
{
	const char *end = v + n;
	if (r->link_next[0] || r->link_too_long || r->link_bad)
		return; /* the first next link counts */
	while (v < end) {
		const char *lt = memchr(v, '<', (size_t)(end - v)), *gt, *next;
		size_t ulen;
		if (!lt)
			return;
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt) {
			/* An unterminated target: if it is the next link, the
			 * listing cannot go on. */
			r->link_bad = rel_is_next(lt, end);
			return;
		}
		next = memchr(gt, '<', (size_t)(end - gt));
		if (!next)
			next = end;
		if (rel_is_next(gt, next)) {
			ulen = (size_t)(gt - lt - 1);
			if (ulen >= sizeof r->link_next) {
				r->link_too_long = ulen;
			} else if (!ulen) {
				r->link_bad = 1;
			} else {
				memcpy(r->link_next, lt + 1, ulen);
				r->link_next[ulen] = '\0';
			}
			return;
		}
		v = next;
	}
}

static int header_is(const char *h, size_t n, const char *name, const char **val, size_t *vlen)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(h, name, k) || h[k] != ':')
		return 0;
	h += k + 1;
	n -= k + 1;
	while (n && (*h == ' ' || *h == '\t')) {
		h++;
		n--;
	}
	while (n && (h[n - 1] == '\r' || h[n - 1] == '\n' || h[n - 1] == ' '))
		n--;
	*val = h;
	*vlen = n;
	return 1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct hub *hb = ud;
	struct resp *r = &hb->r;
	size_t n = size * nmemb;
	const char *v;
	size_t vl;
	char tmp[HUB_MAX_URL];

	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* A new response (after a redirect): forget the previous one's headers. */
		const char *sp = memchr(data, ' ', n);
		r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		r->link_next[0] = '\0';
		r->link_too_long = 0;
		r->link_bad = 0;
		r->header_bytes = n;
		r->headers_done = 0;
		r->err_header[0] = '\0';
		r->retry_after = -1;
		r->ratelimit_t = -1;
		return n;
	}
	r->header_bytes += n;
	if (r->header_bytes > HUB_MAX_HEADERS) {
		/* libcurl keeps every header in memory: bound them. */
		r->header_overflow = 1;
		return 0;
	}
	if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
		r->headers_done = 1;
		return n;
	}
	if (header_is(data, n, "link", &v, &vl)) {
		parse_link(r, v, vl);
	} else if (header_is(data, n, "x-error-message", &v, &vl)) {
		clean_text(r->err_header, sizeof r->err_header, v, vl);
	} else if (header_is(data, n, "retry-after", &v, &vl) && vl < sizeof tmp) {
		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		if (isdigit((unsigned char)tmp[0])) {
			r->retry_after = strtod(tmp, NULL);
		} else {
			time_t t = curl_getdate(tmp, NULL);
			if (t > 0)
				r->retry_after = difftime(t, time(NULL));
		}
	} else if (header_is(data, n, "ratelimit", &v, &vl) && vl < sizeof tmp) {
		/* "api";r=0;t=55 */
		char *t;
		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		for (t = tmp; (t = strstr(t, "t=")) != NULL; t++)
			if (t == tmp || t[-1] == ';' || t[-1] == ' ') {
				r->ratelimit_t = strtod(t + 2, NULL);
				break;
			}
	} else if (r->status >= 300 && r->status < 400 && header_is(data, n, "location", &v, &vl)) {
		char ref[HUB_MAX_URL], out[HUB_MAX_URL];
		char *eff = NULL;
		if (vl >= sizeof ref) {
			r->offsite = 1;
			snprintf(r->offsite_url, sizeof r->offsite_url, "(a Location too long to follow)");
			return 0;
		}
		memcpy(ref, v, vl);
		ref[vl] = '\0';
		curl_easy_getinfo(hb->h, CURLINFO_EFFECTIVE_URL, &eff);
		if (!eff || url_resolve(hb, eff, ref, out, sizeof out) != 0) {
			r->offsite = 1;
			url_for_msg(r->offsite_url, sizeof r->offsite_url, ref);
			return 0;
		}
	}
	return n;
}

static void resp_reset(struct resp *r)
{
	r->len = 0;
	if (r->body)
		r->body[0] = '\0';
	r->status = 0;
	r->over_cap = 0;
	r->offsite = 0;
	r->offsite_url[0] = '\0';
	r->link_next[0] = '\0';
	r->link_too_long = 0;
	r->link_bad = 0;
	r->header_bytes = 0;
	r->headers_done = 0;
	r->header_overflow = 0;
	r->err_header[0] = '\0';
	r->retry_after = -1;
	r->ratelimit_t = -1;
}

static int curl_setup(struct hub *hb)
{
	CURL *h = curl_easy_init();
	char ua[64], *auth;
	size_t alen;
	long t = hb->o->timeout_s ? (long)hb->o->timeout_s : 30L;
	const char *proto = !strcasecmp(hb->scheme, "https") ? "https" : "http";

	if (!h) {
		set_err(hb, "cannot start libcurl (out of memory?)");
		return -1;
	}
	hb->h = h;
	snprintf(ua, sizeof ua, "hubtop/%s", PACKAGE_VERSION);
	hb->hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (hb->send_token) {
		alen = strlen(hb->token) + 32;
		auth = malloc(alen);
		if (!auth) {
			set_err(hb, "out of memory");
			return -1;
		}
		snprintf(auth, alen, "authorization: Bearer %s", hb->token);
		hb->hdrs = curl_slist_append(hb->hdrs, auth);
		memset(auth, 0, alen);
		free(auth);
	}
	if (!hb->hdrs) {
		set_err(hb, "out of memory");
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hb->hdrs);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, proto);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, proto);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, HUB_MAX_REDIRS);
	curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t);
	/* A server that trickles (a few bytes a second) is as good as stalled. */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, HUB_MIN_RATE);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, t);
	/* A trickle just above the low-speed limit must not hold a request forever. */
	curl_easy_setopt(h, CURLOPT_TIMEOUT, t * 20);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HUB_MAX_BODY);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (hb->o->ca_bundle)
		curl_easy_setopt(h, CURLOPT_CAINFO, hb->o->ca_bundle);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, hb->curl_err);
	/* A page is some 400 KB: read it in a few large pieces, not many 16 KB ones. */
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, hb);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, hb);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_xfer);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, hb);
	return 0;
}

/* The server's own words: X-Error-Message, else JSON error / errors[0].message. */
static void server_message(const struct resp *r, char *out, size_t len)
{
	cJSON *j;
	out[0] = '\0';
	if (r->err_header[0]) {
		sfmt(out, len, "%s", r->err_header);
		return;
	}
	if (!r->body || !r->len)
		return;
	j = cJSON_ParseWithLength(r->body, r->len);
	if (j) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
		const cJSON *es = cJSON_GetObjectItemCaseSensitive(j, "errors");
		if (!cJSON_IsString(e) && cJSON_IsArray(es))
			e = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(es, 0), "message");
		if (cJSON_IsString(e))
			clean_text(out, len < 300 ? len : 300, e->valuestring, strlen(e->valuestring));
		cJSON_Delete(j);
	}
}

static int transient_status(long s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static int transient_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WEIRD_SERVER_REPLY:
		return 1;
	default:
		return 0;
	}
}

static void status_advice(const struct hub *hb, long s, char *out, size_t len)
{
	if (s == 401)
		snprintf(out, len, "the token was refused: check HF_TOKEN (or the token file), "
				   "or unset it to fetch anonymously");
	else if (s == 403)
		snprintf(out, len, "access denied: the token may lack read access");
	else if (s == 404)
		sfmt(out, len, "not found: check that the endpoint (%s) is a Hugging Face Hub",
			 hb->host);
	else if (s == 429)
		snprintf(out, len, "rate limited: wait a few minutes and run the same command again; "
				   "it resumes where it stopped (a token raises the limit)");
	else if (s >= 500)
		snprintf(out, len, "the server is failing: run the same command again later; "
				   "it resumes where it stopped");
	else if (s >= 400)
		sfmt(out, len, "the server refused the request: check that the endpoint (%s) is "
				   "a Hugging Face Hub",
			 hb->host);
	else
		sfmt(out, len, "unexpected answer: check that the endpoint (%s) is a Hugging Face Hub",
			 hb->host);
}

static void status_error(struct hub *hb, long s, const char *url, const char *prefix)
{
	char msg[320], adv[256], shown[320];
	server_message(&hb->r, msg, sizeof msg);
	status_advice(hb, s, adv, sizeof adv);
	url_for_msg(shown, sizeof shown, url);
	set_err(hb, "%sHTTP %ld from %s%s%s%s; %s", prefix, s, shown, msg[0] ? ": \"" : "", msg,
		msg[0] ? "\"" : "", adv);
}

double hub_backoff(double base, unsigned attempt, unsigned *rng)
{
	double d = base * ldexp(1.0, (int)(attempt < 16 ? attempt : 16));
	/* Jitter spreads the retries of many clients that failed together. */
	*rng = *rng * 1103515245u + 12345u;
	d *= 0.5 + 0.5 * (double)((*rng >> 8) & 0xffff) / 65535.0;
	return d > HUB_BACKOFF_MAX_S ? HUB_BACKOFF_MAX_S : d;
}

static double backoff_s(struct hub *hb, unsigned attempt)
{
	return hub_backoff(hb->o->backoff_base, attempt, &hb->rng);
}

/* libcurl refuses a header line over CURL_MAX_HTTP_HEADER, and newer
 * versions too many headers: older versions say "Out of memory", which
 * misleads. */
static int header_refused(CURLcode rc, const char *curl_err)
{
#if LIBCURL_VERSION_NUM >= 0x080600
	if (rc == CURLE_TOO_LARGE)
		return 1;
#endif
	return rc == CURLE_OUT_OF_MEMORY || strstr(curl_err, "oo large") != NULL;
}

/* GETs url into hb->r, retrying transient failures.  A listing's body is
 * checked as JSON by the worker that parses it (see page_retry).  Returns 0
 * with hb->r holding a final answer (any status that is not transient), -1
 * with err set (gave up, refused, cancelled). */
static int hub_request(struct hub *hb, const char *url)
{
	unsigned attempt, slow = 0;
	char why[512], shown[320];
	url_for_msg(shown, sizeof shown, url);

	for (attempt = 0;; attempt++) {
		CURLcode rc;
		double wait = -1;
		struct resp *r = &hb->r;

		if (hub_cancelled(hb)) {
			set_err(hb, "interrupted");
			return -1;
		}
		resp_reset(r);
		hb->curl_err[0] = '\0';
		curl_easy_setopt(hb->h, CURLOPT_URL, url);
		rc = curl_easy_perform(hb->h);
		{
			curl_off_t got = 0;
			curl_easy_getinfo(hb->h, CURLINFO_SIZE_DOWNLOAD_T, &got);
			hb->bytes_done += (uint64_t)(got > 0 ? got : 0);
			hb->prog.bytes = hb->bytes_done;
		}
		if (hub_cancelled(hb)) {
			set_err(hb, "interrupted");
			return -1;
		}
		if (r->offsite) {
			set_err(hb, "%s redirected to %s, which is not the endpoint (%s://%s:%ld); "
				    "refusing to follow it, so the token is sent only to the endpoint. "
				    "Check --endpoint or HF_ENDPOINT",
				shown, r->offsite_url, hb->scheme, hb->host, hb->port);
			return -1;
		}
		if (r->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
			set_err(hb, "the answer from %s is larger than %zu MiB, far more than a Hub "
				    "page; stopped. Check that the endpoint is a Hugging Face Hub",
				shown, HUB_MAX_BODY >> 20);
			return -1;
		}
		if (r->header_overflow) {
			set_err(hb, "the answer from %s has more than %zu KiB of headers, far more "
				    "than a Hub sends; stopped. Check that the endpoint is a Hugging Face Hub",
				shown, HUB_MAX_HEADERS >> 10);
			return -1;
		}
		if (rc != CURLE_OK && !r->headers_done && header_refused(rc, hb->curl_err)) {
			set_err(hb, "the answer from %s has headers larger than libcurl accepts (a "
				    "line over %d KiB, or too many), far more than a Hub sends; stopped. "
				    "Check that the endpoint is a Hugging Face Hub",
				shown, CURL_MAX_HTTP_HEADER >> 10);
			return -1;
		}
		if (rc == CURLE_TOO_MANY_REDIRECTS) {
			set_err(hb, "%s redirects more than %ld times (a redirect loop?); check that the "
				    "endpoint is a Hugging Face Hub",
				shown, HUB_MAX_REDIRS);
			return -1;
		}
		if (rc != CURLE_OK) {
			if (!transient_curl(rc)) {
				set_err(hb, "cannot fetch %s: %s; check the endpoint, the network%s",
					shown, hb->curl_err[0] ? hb->curl_err : curl_easy_strerror(rc),
					hb->o->ca_bundle ? " and the CA bundle" : " and the system's CA certificates");
				return -1;
			}
			snprintf(why, sizeof why, "%s", hb->curl_err[0] ? hb->curl_err : curl_easy_strerror(rc));
			slow = rc == CURLE_OPERATION_TIMEDOUT ? slow + 1 : 0;
		} else if (transient_status(r->status)) {
			char msg[320];
			slow = 0;
			server_message(r, msg, sizeof msg);
			snprintf(why, sizeof why, "HTTP %ld%s%s", r->status, msg[0] ? ": " : "", msg);
			if (r->status == 429)
				wait = r->ratelimit_t >= 0 ? r->ratelimit_t : r->retry_after;
			else if (r->status == 503 && r->retry_after >= 0)
				wait = r->retry_after;
		} else {
			return 0;
		}

		if (slow >= HUB_MAX_SLOW) {
			/* Stalled or trickling each time: more patience is no use. */
			set_err(hb, "cannot fetch %s: %u attempts in a row timed out, with less than "
				    "%ld bytes a second for %u s (%s); check the network and run the "
				    "same command again, it resumes where it stopped",
				shown, slow, HUB_MIN_RATE, hb->o->timeout_s ? hb->o->timeout_s : 30, why);
			return -1;
		}
		if (attempt >= hb->o->max_retries ||
		    /* Nothing listening or no such host: most likely a wrong endpoint,
		     * not worth minutes of patience. */
		    ((rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) && attempt >= 2)) {
			if (r->status && transient_status(r->status)) {
				status_error(hb, r->status, url, "");
				snprintf(why, sizeof why, " (gave up after %u attempts)", attempt + 1);
				if (strlen(hb->err) + strlen(why) < hb->errlen)
					strcat(hb->err, why);
			} else {
				set_err(hb, "cannot fetch %s after %u attempts: %s; check the network and run "
					    "the same command again, it resumes where it stopped",
					shown, attempt + 1, why);
			}
			return -1;
		}
		if (wait < 0)
			wait = backoff_s(hb, attempt);
		if (wait > HUB_MAX_WAIT_S) {
			set_err(hb, "%s: the server asks to wait %.0f s (%s); run the same command again "
				    "later, it resumes where it stopped",
				shown, wait, why);
			return -1;
		}
		hb->prog.retries++;
		if (wait_for(hb, wait)) {
			set_err(hb, "interrupted");
			return -1;
		}
	}
}

/* ---- journal ------------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Puts the state written to the temporary file in place.  Exchanging the
 * names keeps the previous state's file as the next temporary one: creating
 * and deleting a file each page costs ten times the write. */
static int state_install(const struct hub *hb)
{
#ifdef RENAME_EXCHANGE
	if (renameat2(AT_FDCWD, hb->path_tmp, AT_FDCWD, hb->path_state, RENAME_EXCHANGE) == 0)
		return 0;
	/* No state yet, or a file system that cannot exchange names. */
#endif
	return rename(hb->path_tmp, hb->path_state);
}

/* Writes the resume point atomically.  Called by the worker or the
 * calling thread, never both at once. */
static int state_write(struct hub *hb, int phase, const char *next, uint64_t pages, char *why,
		       size_t whylen)
{
	char head[512];
	int fd, n;
	size_t nlen = strlen(next);
	/* Syncing costs milliseconds: at most once a second.  A power cut can
	 * then leave a state ahead of the journal; the record checksums catch
	 * that and the fetch starts over, never builds from damaged pages. */
	int sync = now_s() - hb->t_sync >= 1.0;
	if (sync && fdatasync(hb->jfd)) {
		fd = -1;
		goto fail;
	}
	/* Overwritten, then cut to length: truncating to zero first would make
	 * ext4 flush the file on close. */
	fd = store_cache_open(hb->path_tmp, O_WRONLY);
	if (fd < 0)
		goto fail;
	n = snprintf(head, sizeof head, "hubtop-fetch-state 1\nkey %s\nphase %d\npages %llu\njournal %llu\nnext ",
		     hb->key, phase, (unsigned long long)pages, (unsigned long long)hb->jlen);
	if (write_all(fd, head, (size_t)n) || write_all(fd, next, nlen) || write_all(fd, "\n", 1) ||
	    ftruncate(fd, (off_t)((size_t)n + nlen + 1)) || (sync && fdatasync(fd))) {
		close(fd);
		goto fail;
	}
	if (close(fd) || state_install(hb))
		goto fail;
	if (sync)
		hb->t_sync = now_s();
	return 0;
fail:
	sfmt(why, whylen, "cannot write %s: %s; free space or fix the permissions of %s and run "
			      "the same command again",
		 hb->path_state, strerror(errno), hb->dir);
	unlink(hb->path_tmp);
	return -1;
}

static int journal_append(struct hub *hb, char type, int kind, const char *p, size_t n, char *why,
			  size_t whylen)
{
	char head[128];
	int k = snprintf(head, sizeof head, "HJ1 %c %d %zu %016llx\n", type, kind, n,
			 (unsigned long long)store_checksum(p, n));
	if (write_all(hb->jfd, head, (size_t)k) || write_all(hb->jfd, p, n) ||
	    write_all(hb->jfd, "\n", 1)) {
		int e = errno;
		/* Leave no partial record behind the recorded length. */
		if (ftruncate(hb->jfd, (off_t)hb->jlen) == 0)
			lseek(hb->jfd, (off_t)hb->jlen, SEEK_SET);
		sfmt(why, whylen, "cannot write %s: %s; free space or fix the permissions of %s "
				      "and run the same command again",
			 hb->path_journal, strerror(e), hb->dir);
		return -1;
	}
	hb->jlen += (uint64_t)k + n + 1;
	return 0;
}

static void orgs_known_add(struct hub *hb, const char *name, int kind)
{
	size_t n = strlen(name) + 4;
	char *p = realloc(hb->orgs_known, hb->orgs_known_len + n + 1);
	if (!p)
		return;
	hb->orgs_known = p;
	hb->orgs_known_len += (size_t)sprintf(p + hb->orgs_known_len, "\n%d %s", kind, name);
}

static int orgs_known_find(const struct hub *hb, const char *name)
{
	char pat[300];
	const char *p;
	int k;
	if (!hb->orgs_known)
		return -1;
	for (k = HT_ACCT_USER; k <= HT_ACCT_ORG; k++) {
		snprintf(pat, sizeof pat, "\n%d %s", k, name);
		for (p = hb->orgs_known; (p = strstr(p, pat)) != NULL; p++)
			if (p[strlen(pat)] == '\n' || p[strlen(pat)] == '\0')
				return k;
	}
	return -1;
}

static void options_key(const struct hub *hb, char *out, size_t len)
{
	char k[1200];
	int n = snprintf(k, sizeof k, "v1|%s|%d|%d|%llu", hb->endpoint, hb->o->models ? 1 : 0,
			 hb->o->datasets ? 1 : 0, (unsigned long long)hb->o->top_n);
	snprintf(out, len, "%016llx", (unsigned long long)store_checksum(k, (size_t)n));
}

/* Reads the state and replays the journal into the builder.  Returns 1
 * resumed (next URL in next), 0 fresh start, -1 error. */
static int journal_open(struct hub *hb, char *next, size_t nextlen)
{
	FILE *sf, *jf = NULL;
	char *line = NULL, key[64] = "";
	size_t cap = 0;
	long long jlen = -1, pages = 0;
	int phase = -1, ok = 0;
	ssize_t got;

	next[0] = '\0';
	options_key(hb, hb->key, sizeof hb->key);
	sf = store_cache_read(hb->path_state);
	if (sf) {
		while ((got = getline(&line, &cap, sf)) > 0) {
			if (line[got - 1] == '\n')
				line[--got] = '\0';
			if (!strncmp(line, "key ", 4))
				snprintf(key, sizeof key, "%s", line + 4);
			else if (!strncmp(line, "phase ", 6))
				phase = atoi(line + 6);
			else if (!strncmp(line, "pages ", 6))
				pages = atoll(line + 6);
			else if (!strncmp(line, "journal ", 8))
				jlen = atoll(line + 8);
			else if (!strncmp(line, "next ", 5) && (size_t)got - 5 < nextlen)
				snprintf(next, nextlen, "%s", line + 5);
		}
		fclose(sf);
		ok = !strcmp(key, hb->key) && phase >= 0 && phase <= PHASE_ORGS && jlen >= 0;
		if (!ok)
			add_note(hb, "An unfinished fetch with other options was discarded.");
	}
	hb->jfd = store_cache_open(hb->path_journal, O_RDWR);
	if (hb->jfd < 0) {
		set_err(hb, "cannot open %s: %s; check that %s is writable", hb->path_journal,
			strerror(errno), hb->dir);
		free(line);
		return -1;
	}
	if (ok) {
		struct stat st;
		if (fstat(hb->jfd, &st) || st.st_size < jlen)
			ok = 0;
	}
	if (ok && (jf = fdopen(dup(hb->jfd), "rb")) != NULL) {
		/* Replay what the journal holds up to the recorded length. */
		long long pos = 0;
		char *buf = NULL;
		while (ok && pos < jlen) {
			char type;
			int kind;
			size_t len;
			unsigned long long sum;
			if ((got = getline(&line, &cap, jf)) <= 0 ||
			    sscanf(line, "HJ1 %c %d %zu %llx", &type, &kind, &len, &sum) != 4 ||
			    kind < 0 || kind >= HT_KIND_COUNT + 1 || len > HUB_MAX_BODY ||
			    pos + got + (long long)len + 1 > jlen) {
				ok = 0;
				break;
			}
			free(buf);
			buf = malloc(len + 1);
			if (!buf || fread(buf, 1, len + 1, jf) != len + 1 ||
			    store_checksum(buf, len) != sum) {
				ok = 0;
				break;
			}
			buf[len] = '\0';
			pos += got + (long long)len + 1;
			if (type == 'P' && kind < HT_KIND_COUNT) {
				struct listing_stats ps;
				memset(&ps, 0, sizeof ps);
				if (listing_add_page(hb->b, (enum ht_kind)kind, buf, len, &ps, hb->arena)) {
					ok = 0;
					break;
				}
				hb->st.items += ps.items;
				hb->st.duplicates += ps.duplicates;
				hb->st.rejected += ps.rejected;
				hb->st.warnings += ps.warnings;
				if (!hb->st.first_problem[0])
					memcpy(hb->st.first_problem, ps.first_problem,
					       sizeof ps.first_problem);
			} else if (type == 'O') {
				orgs_known_add(hb, buf, kind);
			}
		}
		free(buf);
		fclose(jf);
		if (!ok)
			add_note(hb, "The journal of the unfinished fetch was damaged; started over.");
	} else {
		ok = 0;
	}
	free(line);
	if (!ok) {
		/* Fresh start: an empty journal and a builder without replayed rows. */
		table_builder_free(hb->b);
		hb->b = table_builder_new();
		memset(&hb->st, 0, sizeof hb->st);
		free(hb->orgs_known);
		hb->orgs_known = NULL;
		hb->orgs_known_len = 0;
		if (!hb->b || ftruncate(hb->jfd, 0)) {
			set_err(hb, "cannot reset %s: %s", hb->path_journal, strerror(errno));
			return -1;
		}
		hb->jlen = 0;
		hb->phase = PHASE_MODELS;
		next[0] = '\0';
		return 0;
	}
	if (ftruncate(hb->jfd, (off_t)jlen) || lseek(hb->jfd, (off_t)jlen, SEEK_SET) < 0) {
		set_err(hb, "cannot truncate %s: %s", hb->path_journal, strerror(errno));
		return -1;
	}
	hb->jlen = (uint64_t)jlen;
	hb->phase = phase;
	hb->pages = (uint64_t)pages;
	if (!strcmp(next, "-"))
		next[0] = '\0';
	return 1;
}

static int lock_cache(struct hub *hb)
{
	char pid[32];
	int n;
	hb->lock_fd = store_cache_open(hb->path_lock, O_RDWR);
	if (hb->lock_fd < 0) {
		set_err(hb, "cannot open %s: %s; check that %s is a writable folder", hb->path_lock,
			strerror(errno), hb->dir);
		return -1;
	}
	if (flock(hb->lock_fd, LOCK_EX | LOCK_NB)) {
		char holder[32] = "";
		ssize_t r = pread(hb->lock_fd, holder, sizeof holder - 1, 0);
		holder[r > 0 ? r : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		set_err(hb, "another hubtop fetch (pid %s) is writing to %s; wait for it to finish "
			    "(or stop it), then run again",
			holder[0] ? holder : "unknown", hb->dir);
		close(hb->lock_fd);
		hb->lock_fd = -1;
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(hb->lock_fd, 0) == 0)
		(void)!pwrite(hb->lock_fd, pid, (size_t)n, 0);
	return 0;
}

/* ---- the crawl ------------------------------------------------------------ */

/* The worker: one thread for the crawl of a kind, handed a page at a time. */
struct worker {
	struct hub *hb;
	pthread_t t;
	int started;
	/* Under hb->mu. */
	pthread_cond_t wake, idle;
	struct page *pg;           /* the page handed over, until worker_join */
	int busy, quit;
};

/* Parses a page, journals it and records the resume point. */
static void worker_page(struct hub *hb, struct page *pg)
{
	struct listing_stats ps;
	char why[1024];
	int phase, rc;
	uint64_t count, pages;

	memset(&ps, 0, sizeof ps);
	rc = listing_add_page(hb->b, pg->kind, pg->body, pg->len, &ps, hb->arena);
	count = table_builder_count(hb->b, pg->kind);
	if (rc == -1) {
		/* Cut short or garbled on the way: the crawl asks again. */
		pg->not_json = 1;
		return;
	}
	if (rc) {
		char shown[320];
		url_for_msg(shown, sizeof shown, pg->url);
		snprintf(why, sizeof why, "the answer from %s (%zu bytes) holds far more JSON values "
					  "than a Hub page (its tree passes %zu MiB) or memory is short; "
					  "stopped. Check that the endpoint is a Hugging Face Hub",
			 shown, pg->len, HUB_PAGE_TREE_MAX >> 20);
		goto fail;
	}
	pg->elems = ps.items + ps.duplicates + ps.rejected;
	pg->added = ps.items;
	{
		/* The journal stays proportional to the items it holds, whatever
		 * the server sends again or pads its pages with. */
		uint64_t held = table_builder_count(hb->b, HT_MODELS) +
				table_builder_count(hb->b, HT_DATASETS);
		if (hb->jlen + pg->len + 128 > HUB_JOURNAL_SLACK + held * HUB_JOURNAL_PER_ITEM) {
			char shown[320];
			url_for_msg(shown, sizeof shown, pg->url);
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
	if (journal_append(hb, 'P', (int)pg->kind, pg->body, pg->len, why, sizeof why))
		goto fail;
	pthread_mutex_lock(&hb->mu);
	pages = ++hb->pages;
	pthread_mutex_unlock(&hb->mu);
	if (pg->next[0]) {
		phase = (int)pg->kind;
	} else {
		phase = pg->kind == HT_MODELS && hb->o->datasets ? PHASE_DATASETS : PHASE_ORGS;
	}
	if (state_write(hb, phase, pg->next[0] ? pg->next : "-", pages, why, sizeof why))
		goto fail;
	pthread_mutex_lock(&hb->mu);
	hb->count[pg->kind] = count;
	hb->st.items += ps.items;
	hb->st.duplicates += ps.duplicates;
	hb->st.rejected += ps.rejected;
	hb->st.warnings += ps.warnings;
	if (!hb->st.first_problem[0])
		memcpy(hb->st.first_problem, ps.first_problem, sizeof ps.first_problem);
	pthread_mutex_unlock(&hb->mu);
	return;
fail:
	pthread_mutex_lock(&hb->mu);
	hb->worker_failed = 1;
	snprintf(hb->worker_err, sizeof hb->worker_err, "%s", why);
	pthread_mutex_unlock(&hb->mu);
}

static void *worker_main(void *arg)
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
		worker_page(hb, w->pg);
		pthread_mutex_lock(&hb->mu);
		w->busy = 0;
		pthread_cond_signal(&w->idle);
	}
	pthread_mutex_unlock(&hb->mu);
	return NULL;
}

/* Hands pg to the idle worker, starting its thread with the first page. */
static int worker_give(struct hub *hb, struct worker *w, struct page *pg)
{
	if (!w->started) {
		if (pthread_create(&w->t, NULL, worker_main, w))
			return -1;
		w->started = 1;
	}
	pthread_mutex_lock(&hb->mu);
	w->pg = pg;
	w->busy = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&hb->mu);
	return 0;
}

/* Records the page that an accepted page's next link leads to; -1 with err
 * set when it was asked for before in this listing (a cycle: the crawl
 * would never end) or memory is short. */
static int page_seen(struct hub *hb, const struct page *pg)
{
	char shown[320], back[320];
	uint64_t key;
	int rc;
	if (page_key(pg->next, &key) || (rc = seen_add(hb, key)) < 0) {
		set_err(hb, "out of memory");
		return -1;
	}
	if (rc)
		return 0;
	url_for_msg(shown, sizeof shown, pg->url);
	url_for_msg(back, sizeof back, pg->next);
	set_err(hb, "the server's next-page link for %s leads back to a page already fetched "
		    "(%s): the listing would go round for ever; stopped. Check that the endpoint "
		    "is a Hugging Face Hub",
		shown, back);
	return -1;
}

/* Waits until the worker is done with its page.  Returns 0, 1 when the page
 * was not JSON (its URL in hb->retry_url: see page_retry), or -1 with err
 * set when the crawl must stop. */
static int worker_join(struct hub *hb, struct worker *w)
{
	struct page *pg;
	int rc = 0;

	pthread_mutex_lock(&hb->mu);
	while (w->busy)
		pthread_cond_wait(&w->idle, &hb->mu);
	pthread_mutex_unlock(&hb->mu);
	if ((pg = w->pg)) {
		if (pg->not_json) {
			snprintf(hb->retry_url, sizeof hb->retry_url, "%s", pg->url);
			hb->retry_len = pg->len;
			rc = 1;
		} else if (!hb->worker_failed) {
			hb->retry_attempts = 0;
			if (pg->next[0] && !pg->added) {
				hb->idle_row++;
				hb->idle_total++;
				hb->idle_elems += pg->elems;
			} else {
				hb->idle_row = 0;
				hb->idle_elems = 0;
			}
			if (pg->next[0] && !rc && page_seen(hb, pg) < 0)
				rc = -1;
		}
		/* The body's buffer takes the response after next. */
		free(hb->spare);
		hb->spare = pg->body;
		hb->spare_cap = pg->cap;
		free(pg);
		w->pg = NULL;
	}
	if (hb->worker_failed) {
		set_err(hb, "%s", hb->worker_err);
		return -1;
	}
	if (rc < 0)
		return -1;
	if (hb->idle_row > HUB_MAX_IDLE_ROW && !hb->idle_elems) {
		set_err(hb, "the server keeps sending empty pages with a next-page link; "
			    "stopped. Check that the endpoint is a Hugging Face Hub");
		return -1;
	}
	if (hb->idle_row > HUB_MAX_IDLE_ROW || hb->idle_total > HUB_MAX_IDLE_TOTAL) {
		set_err(hb, "the server's next-page links do not move on: %u pages %s brought no "
			    "item not already fetched (empty, or the same items again); stopped. "
			    "Check that the endpoint is a Hugging Face Hub",
			hb->idle_row > HUB_MAX_IDLE_ROW ? hb->idle_row : hb->idle_total,
			hb->idle_row > HUB_MAX_IDLE_ROW ? "in a row" : "of this fetch");
		return -1;
	}
	return rc;
}

/* After a page that was not JSON (cut short, garbled: a transient failure,
 * found by the worker while the next page downloaded): waits as after any
 * transient failure and points url at that page again.  The answer fetched
 * meanwhile is dropped.  -1 with err set once the retries are spent. */
static int page_retry(struct hub *hb, char *url, size_t len)
{
	char shown[320];

	url_for_msg(shown, sizeof shown, hb->retry_url);
	if (hb->retry_attempts >= hb->o->max_retries) {
		set_err(hb, "cannot fetch %s after %u attempts: the answer (%zu bytes) is not a JSON "
			    "array; check the network and run the same command again, it resumes "
			    "where it stopped",
			shown, hb->retry_attempts + 1, hb->retry_len);
		return -1;
	}
	hb->prog.retries++;
	if (wait_for(hb, backoff_s(hb, hb->retry_attempts++))) {
		set_err(hb, "interrupted");
		return -1;
	}
	snprintf(url, len, "%s", hb->retry_url);
	return 0;
}

/* What the listings should hold when done, for the estimate of the time
 * left.  A full crawl guesses from the cache's previous complete snapshot
 * of the same endpoint (its header only); anything less sure leaves it
 * unknown, since no estimate beats a wrong one. */
static void expect_items(struct hub *hb)
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

/* Ends the worker's thread; every path of crawl_pages has joined it. */
static void worker_stop(struct hub *hb, struct worker *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&hb->mu);
	w->quit = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&hb->mu);
	pthread_join(w->t, NULL);
	w->started = 0;
}

static int crawl_pages(struct hub *hb, enum ht_kind kind, const char *resume_next, struct worker *w)
{
	char url[HUB_MAX_URL];
	uint64_t top = hb->o->top_n, limit;

	hb->prog.phase = kind_name[kind];
	hb->prog.expected = hb->expected;
	hb->prog.estimated = hb->estimated;
	hb->retry_attempts = 0;
	hb->idle_row = 0;
	hb->idle_elems = 0;
	if (resume_next && resume_next[0])
		snprintf(url, sizeof url, "%s", resume_next);
	else
		listing_url(hb, kind, top && top < hb->limit ? top : hb->limit, url, sizeof url);
	/* The pages of this listing asked for, from its first. */
	hb->seen_n = 0;
	if (hb->seen)
		memset(hb->seen, 0, hb->seen_cap * sizeof *hb->seen);
	{
		uint64_t key;
		if (page_key(url, &key) || seen_add(hb, key) < 0) {
			set_err(hb, "out of memory");
			return -1;
		}
	}

	for (;;) {
		struct page *pg;
		char next[HUB_MAX_URL];
		int rc;

		if (!url[0] || top) {
			/* The last page, or counts that must be exact before asking
			 * for no more than what is missing: wait for the worker. */
			uint64_t have;
			if ((rc = worker_join(hb, w)) < 0 || (rc == 1 && page_retry(hb, url, sizeof url)))
				return -1;
			if (rc == 1)
				continue;
			if (!url[0])
				break;
			have = hb->count[kind];
			if (have >= top)
				break;
			limit = url_limit(url);
			if (limit == 0 || limit > top - have)
				url_set_limit(url, sizeof url, top - have);
		}
		report(hb, 1);
		rc = hub_request(hb, url);
		if (rc == 0 && hb->r.status == 400 && url_limit(url) > 500) {
			/* Some servers cap the page size: ask for 500 from now on. */
			hb->limit = 500;
			url_set_limit(url, sizeof url, 500);
			rc = hub_request(hb, url);
		}
		if (rc) {
			worker_join(hb, w);
			return -1;
		}
		if (hb->r.status != 200) {
			status_error(hb, hb->r.status, url, "");
			worker_join(hb, w);
			return -1;
		}
		next[0] = '\0';
		if (hb->r.link_too_long || hb->r.link_bad) {
			/* Only the absence of a next link means the last page. */
			char shown[320];
			url_for_msg(shown, sizeof shown, url);
			if (hb->r.link_too_long)
				set_err(hb, "the server's next-page link for %s is %zu bytes long, more "
					    "than the %d hubtop follows; stopped rather than take the "
					    "listing as complete. Check that the endpoint is a Hugging "
					    "Face Hub",
					shown, hb->r.link_too_long, HUB_MAX_URL - 1);
			else
				set_err(hb, "the server's next-page link for %s cannot be read (empty, "
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
			rc = url_resolve(hb, eff ? eff : url, hb->r.link_next, next, sizeof next);
			if (rc < 0) {
				char here[320];
				url_for_msg(here, sizeof here, url);
				url_for_msg(shown, sizeof shown, hb->r.link_next);
				set_err(hb, "the server's next-page link for %s (%s) is not a URL, or one "
					    "longer than %d bytes; stopped rather than take the listing "
					    "as complete. Check that the endpoint is a Hugging Face Hub",
					here, shown, HUB_MAX_URL - 1);
				worker_join(hb, w);
				return -1;
			}
			if (rc != 0) {
				url_for_msg(shown, sizeof shown, hb->r.link_next);
				set_err(hb, "the server's next-page link points to %s, which is not the "
					    "endpoint (%s://%s:%ld); refusing to follow it, so the token is "
					    "sent only to the endpoint. Check --endpoint or HF_ENDPOINT",
					shown, hb->scheme, hb->host, hb->port);
				worker_join(hb, w);
				return -1;
			}
			if (page_key(next, &knext) || page_key(url, &kurl)) {
				set_err(hb, "out of memory");
				worker_join(hb, w);
				return -1;
			}
			/* The same page, however spelled; other pages seen before
			 * are caught when this one is accepted (see page_seen). */
			if (!strcmp(next, url) || knext == kurl) {
				url_for_msg(shown, sizeof shown, url);
				set_err(hb, "the server's next-page link for %s points to the same page; "
					    "stopped. Run again later",
					shown);
				worker_join(hb, w);
				return -1;
			}
		}
		pg = calloc(1, sizeof *pg);
		if (!pg) {
			set_err(hb, "out of memory");
			worker_join(hb, w);
			return -1;
		}
		pg->kind = kind;
		snprintf(pg->url, sizeof pg->url, "%s", url);
		snprintf(pg->next, sizeof pg->next, "%s", next);
		/* The page before is parsed by now, most often: this one downloaded
		 * meanwhile. */
		if ((rc = worker_join(hb, w)) != 0) {
			free(pg);
			if (rc < 0 || page_retry(hb, url, sizeof url))
				return -1;
			continue;
		}
		/* Hand the body over; the next response fills the spare buffer. */
		pg->body = hb->r.body;
		pg->len = hb->r.len;
		pg->cap = hb->r.cap;
		hb->r.body = hb->spare;
		hb->r.cap = hb->spare_cap;
		hb->r.len = 0;
		hb->spare = NULL;
		hb->spare_cap = 0;
		if (worker_give(hb, w, pg)) {
			set_err(hb, "cannot start a thread");
			free(pg->body);
			free(pg);
			return -1;
		}
		snprintf(url, sizeof url, "%s", next);
		if (hub_cancelled(hb)) {
			worker_join(hb, w);
			set_err(hb, "interrupted");
			return -1;
		}
	}
	report(hb, 1);
	return 0;
}

static int crawl_kind(struct hub *hb, enum ht_kind kind, const char *resume_next)
{
	struct worker w;
	int rc;

	memset(&w, 0, sizeof w);
	w.hb = hb;
	pthread_cond_init(&w.wake, NULL);
	pthread_cond_init(&w.idle, NULL);
	rc = crawl_pages(hb, kind, resume_next, &w);
	worker_stop(hb, &w);
	pthread_cond_destroy(&w.wake);
	pthread_cond_destroy(&w.idle);
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
static int check_orgs(struct hub *hb, struct ht_snapshot *s, const struct orgdir *d)
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
		set_err(hb, "out of memory");
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
		known = orgs_known_find(hb, name);
		if (known < 0) {
			if (failures_in_row >= 5)
				continue;
			esc = curl_easy_escape(hb->h, name, 0);
			if (!esc)
				continue;
			snprintf(url, sizeof url, "%s/api/organizations/%s/overview", hb->endpoint, esc);
			curl_free(esc);
			report(hb, 0);
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
			if (journal_append(hb, 'O', known, name, strlen(name), why, sizeof why) ||
			    state_write(hb, PHASE_ORGS, "-", hb->pages, why, sizeof why)) {
				set_err(hb, "%s", why);
				free(rank);
				return -1;
			}
			orgs_known_add(hb, name, known);
		}
		/* The builder is consumed; the freshly built snapshot is still ours to fill in. */
		s->acct_kind[rank[i].idx] = (uint8_t)known;
	}
	free(rank);
	if (hb->orgs_failed)
		add_note(hb, "%u organisation checks failed and stay unknown.", hb->orgs_failed);
	return 0;
}

/* Copies the answers of the snapshot at path, when it came from the same
 * endpoint, into s: each account is asked once, not at every fetch.
 * Returns how many answers were kept. */
static unsigned orgs_carry_over(const struct hub *hb, struct ht_snapshot *s, const char *path)
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
	sfmt(ep, sizeof ep, "%s", hb->endpoint);
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

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int env_true(const char *name)
{
	const char *v = getenv(name);
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
		     !strcasecmp(v, "on"));
}

static void hub_cleanup(struct hub *hb)
{
	if (hb->h)
		curl_easy_cleanup(hb->h);
	if (hb->hdrs) {
		struct curl_slist *l;
		for (l = hb->hdrs; l; l = l->next)
			memset(l->data, 0, strlen(l->data));
		curl_slist_free_all(hb->hdrs);
	}
	memset(hb->token, 0, sizeof hb->token);
	free(hb->r.body);
	free(hb->spare);
	listing_arena_free(hb->arena);
	if (hb->b)
		table_builder_free(hb->b);
	free(hb->orgs_known);
	free(hb->seen);
	if (hb->jfd >= 0)
		close(hb->jfd);
	if (hb->lock_fd >= 0)
		close(hb->lock_fd);
	pthread_mutex_destroy(&hb->mu);
}

int hub_fetch(const struct hub_opts *o, const struct orgdir *d, char *err, size_t errlen)
{
	struct hub *hb;
	const char *ep;
	char next[HUB_MAX_URL], snap_path[1100], warn[1024];
	struct ht_snapshot *s = NULL;
	struct store_err serr;
	struct ht_meta meta;
	int resumed, rc = -1;
	double t0 = now_s();

	if (err && errlen)
		err[0] = '\0';
	if (env_true("HF_HUB_OFFLINE")) {
		if (err)
			snprintf(err, errlen, "HF_HUB_OFFLINE is set: fetching needs the network. Unset "
					      "HF_HUB_OFFLINE to fetch, or use the snapshot already cached");
		return -1;
	}
	if (!o || (!o->models && !o->datasets)) {
		if (err)
			snprintf(err, errlen, "nothing to fetch: ask for models, datasets or both");
		return -1;
	}
	hb = calloc(1, sizeof *hb);
	if (!hb) {
		if (err)
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	hb->o = o;
	hb->err = err;
	hb->errlen = errlen;
	hb->jfd = hb->lock_fd = -1;
	hb->limit = 1000;
	hb->rng = (unsigned)getpid() ^ (unsigned)time(NULL);
	hb->prog.phase = "models";
	pthread_mutex_init(&hb->mu, NULL);

	ep = o->endpoint && *o->endpoint ? o->endpoint : getenv("HF_ENDPOINT");
	if (!ep || !*ep)
		ep = HUB_DEFAULT_ENDPOINT;
	if (parse_endpoint(hb, ep))
		goto out;

	if (o->cache_dir && *o->cache_dir)
		snprintf(hb->dir, sizeof hb->dir, "%s", o->cache_dir);
	else if (store_cache_dir(NULL, hb->dir, sizeof hb->dir)) {
		set_err(hb, "cannot find a cache folder: set HUBTOP_CACHE_DIR or use --cache-dir");
		goto out;
	}
	if (store_mkdirs(hb->dir, &serr)) {
		set_err(hb, "%s", serr.msg);
		goto out;
	}
	if (o->snapshot && *o->snapshot)
		snprintf(snap_path, sizeof snap_path, "%s", o->snapshot);
	else if (store_default_path(hb->dir, snap_path, sizeof snap_path)) {
		set_err(hb, "the cache folder path %s is too long", hb->dir);
		goto out;
	}
	snprintf(hb->path_lock, sizeof hb->path_lock, "%s/fetch.lock", hb->dir);
	snprintf(hb->path_journal, sizeof hb->path_journal, "%s/fetch.journal", hb->dir);
	snprintf(hb->path_state, sizeof hb->path_state, "%s/fetch.state", hb->dir);
	snprintf(hb->path_tmp, sizeof hb->path_tmp, "%s/fetch.state.tmp", hb->dir);

	if (hub_token(hb->token, sizeof hb->token, warn, sizeof warn)) {
		hb->send_token = 1;
		if (!strcasecmp(hb->scheme, "http") && !is_loopback(hb->host)) {
			/* Plain http to another machine would expose the token on the wire. */
			hb->send_token = 0;
			add_note(hb, "The token was not sent: the endpoint uses plain http.");
		}
	}
	if (warn[0])
		add_note(hb, "Warning: %s.", warn);

	if (lock_cache(hb))
		goto out;
	hb->b = table_builder_new();
	hb->arena = listing_arena_new(HUB_PAGE_TREE_MAX);
	if (!hb->b || !hb->arena) {
		set_err(hb, "out of memory");
		goto out;
	}
	resumed = journal_open(hb, next, sizeof next);
	if (resumed < 0)
		goto out;
	if (resumed)
		add_note(hb, "Resumed an unfinished fetch (%llu pages from the journal).",
			 (unsigned long long)hb->pages);
	hb->count[HT_MODELS] = table_builder_count(hb->b, HT_MODELS);
	hb->count[HT_DATASETS] = table_builder_count(hb->b, HT_DATASETS);
	hb->items_at_start = hb->count[HT_MODELS] + hb->count[HT_DATASETS];
	hb->t_start = now_s();
	expect_items(hb);

	pthread_once(&curl_once, curl_init_once);
	if (curl_setup(hb))
		goto out;

	if (hb->phase == PHASE_MODELS && o->models) {
		if (crawl_kind(hb, HT_MODELS, next))
			goto fail;
		next[0] = '\0';
	}
	if (hb->phase <= PHASE_DATASETS && o->datasets) {
		if (crawl_kind(hb, HT_DATASETS, hb->phase == PHASE_DATASETS ? next : NULL))
			goto fail;
	}
	{
		char why[1024];
		if (state_write(hb, PHASE_ORGS, "-", hb->pages, why, sizeof why)) {
			set_err(hb, "%s", why);
			goto fail;
		}
	}

	hb->prog.phase = "writing";
	hb->prog.expected = 0;
	report(hb, 1);
	memset(&meta, 0, sizeof meta);
	meta.format_version = STORE_FORMAT_VERSION;
	meta.complete = o->top_n == 0;
	meta.top_n = o->top_n;
	meta.fetched_at = (int64_t)time(NULL);
	meta.as_of = meta.fetched_at; /* the data is the Hub's as crawled */
	meta.refused = hb->st.rejected;
	sfmt(meta.endpoint, sizeof meta.endpoint, "%s", hb->endpoint);
	s = table_builder_finish(hb->b, &meta);
	hb->b = NULL;
	if (!s) {
		set_err(hb, "out of memory while building the snapshot");
		goto fail;
	}
	if (!o->orgs_recheck) {
		unsigned kept = orgs_carry_over(hb, s, snap_path);
		if (kept)
			add_note(hb, "%u organisation answers kept from the previous snapshot.", kept);
	}
	if (check_orgs(hb, s, d))
		goto fail;
	hb->prog.phase = "writing";
	hb->prog.expected = 0;
	report(hb, 1);
	if (store_write(s, snap_path, &serr)) {
		set_err(hb, "%s", serr.msg);
		goto fail;
	}
	unlink(hb->path_state);
	unlink(hb->path_tmp);
	unlink(hb->path_journal);
	{
		char extra[600] = "";
		if (hb->st.duplicates || hb->st.rejected || hb->st.warnings)
			snprintf(extra, sizeof extra,
				 " %llu seen twice, %llu rejected, %llu with fields left out%s%s.",
				 (unsigned long long)hb->st.duplicates, (unsigned long long)hb->st.rejected,
				 (unsigned long long)hb->st.warnings,
				 hb->st.first_problem[0] ? "; first: " : "", hb->st.first_problem);
		set_err(hb, "Fetched %u models and %u datasets%s (%llu pages, %.1f MB in %.1f s); "
			    "%u accounts checked.%s%s%s Snapshot: %s",
			s->t[HT_MODELS].n, s->t[HT_DATASETS].n,
			o->top_n ? " (top only)" : "", (unsigned long long)hb->pages,
			(double)hb->bytes_done / 1e6, now_s() - t0, hb->orgs_checked, extra,
			hb->notes[0] ? " " : "", hb->notes, snap_path);
	}
	rc = 0;
	goto out;
fail:
	if (err && errlen) {
		char tail[512];
		snprintf(tail, sizeof tail,
			 hb->cancelled ? " after %llu pages; run the same command again to resume."
				       : " (%llu pages kept; the next fetch resumes from there; the "
					 "previous snapshot is unchanged)",
			 (unsigned long long)hb->pages);
		if (strlen(err) + strlen(tail) < errlen)
			strcat(err, tail);
	}
out:
	if (s)
		table_free(s);
	hub_cleanup(hb);
	free(hb);
	return rc;
}

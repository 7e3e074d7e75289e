/* hub.c - the Hub client.  See hub.h.
 *
 * Flow: the calling thread does every HTTP request (one easy handle, so one
 * keep-alive connection) with retries, waits for the rate limit and
 * progress; while the next page downloads, a parser thread parses the page
 * just received and a builder thread adds the one before it to the builder,
 * appends it to the journal and records the resume point (hub_crawl.c).
 * At most three page bodies are in memory at once, each at most
 * HUB_MAX_BODY bytes, and two parsed pages.
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

#include "hub_priv.h"

static const char *const model_fields[] = {
	"downloads", "downloadsAllTime", "likes", "trendingScore", "createdAt", "lastModified",
	"pipeline_tag", "library_name", "tags", "gated", "author", "safetensors", "gguf", NULL
};
static const char *const dataset_fields[] = {
	"downloads", "downloadsAllTime", "likes", "trendingScore", "createdAt", "lastModified",
	"tags", "gated", "author", NULL
};
const char *const hub_kind_name[HT_KIND_COUNT] = { "models", "datasets" };
/* snprintf for messages, where cutting a long path short is acceptable. */
void hub_sfmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (!len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

double hub_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hub_add_note(struct hub *hb, const char *fmt, ...)
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

void hub_set_err(struct hub *hb, const char *fmt, ...)
{
	va_list ap;
	if (!hb->err || !hb->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(hb->err, hb->errlen, fmt, ap);
	va_end(ap);
}

/* Text from a server or a URL, made safe to show: no control bytes, bounded. */
void hub_clean_text(char *dst, size_t dlen, const char *src, size_t slen)
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
void hub_url_for_msg(char *dst, size_t dlen, const char *url)
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
	hub_clean_text(dst, dlen < 300 ? dlen : 300, tmp, strlen(tmp));
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
int hub_url_resolve(const struct hub *hb, const char *base, const char *ref, char *out,
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
	hub_url_for_msg(shown, sizeof shown, ep);
	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, hb->endpoint, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		hub_set_err(hb, "the endpoint '%s' is not a URL; give one like %s (--endpoint or HF_ENDPOINT)",
			shown, HUB_DEFAULT_ENDPOINT);
		goto out;
	}
	if (strcasecmp(scheme, "https") && strcasecmp(scheme, "http")) {
		hub_set_err(hb, "the endpoint '%s' is not http or https; give one like %s", shown,
			HUB_DEFAULT_ENDPOINT);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user) {
		hub_set_err(hb, "the endpoint must not contain a user name or password; "
			    "give the token with HF_TOKEN instead");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
		hub_set_err(hb, "the endpoint '%s' must not carry a query; give just the Hub's address",
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

void hub_listing_url(const struct hub *hb, enum ht_kind kind, uint64_t limit, char *out,
			size_t len)
{
	const char *const *f = kind == HT_MODELS ? model_fields : dataset_fields;
	size_t n = (size_t)snprintf(out, len, "%s/api/%s?sort=downloads&limit=%llu", hb->endpoint,
				    hub_kind_name[kind], (unsigned long long)limit);
	for (; *f && n < len; f++)
		n += (size_t)snprintf(out + n, len - n, "&expand%%5B%%5D=%s", *f);
}

/* Replaces the value of the limit parameter in url (in place). */
void hub_url_set_limit(char *url, size_t len, uint64_t limit)
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

uint64_t hub_url_limit(const char *url)
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
int hub_page_key(const char *url, uint64_t *key)
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
int hub_seen_add(struct hub *hb, uint64_t key)
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

int hub_cancelled(struct hub *hb)
{
	if (hb->o->cancel && *hb->o->cancel)
		hb->cancelled = 1;
	return hb->cancelled;
}

void hub_report_progress(struct hub *hb, int force)
{
	double t = hub_now_s();
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
	hb->prog.quota = hb->quota_q > 0 ? (unsigned)hb->quota_q : 0;
	hb->prog.window_s = hb->quota_w > 0 ? (unsigned)ceil(hb->quota_w) : 0;
	hb->prog.eta_s = hb->prog.expected > items ? hub_eta_s(hb, hb->prog.expected - items) : -1;
	if (hb->o->progress && hb->o->progress(hb->o->ctx, &hb->prog))
		hb->cancelled = 1;
}

int hub_on_xfer(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		   curl_off_t ulnow)
{
	struct hub *hb = ud;
	(void)dltotal;
	(void)ultotal;
	(void)ulnow;
	hb->prog.bytes = hb->bytes_done + (uint64_t)(dlnow > 0 ? dlnow : 0);
	hub_report_progress(hb, 0);
	return hub_cancelled(hb);
}

/* Sleeps s seconds in slices, showing the countdown; -1 if cancelled. */
int hub_wait_for(struct hub *hb, double s)
{
	double end = hub_now_s() + s;
	for (;;) {
		double left = end - hub_now_s();
		struct timespec ts;
		if (hub_cancelled(hb))
			return -1;
		if (left <= 0)
			break;
		hb->prog.wait_s = (int)ceil(left);
		hub_report_progress(hb, 0);
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	hb->prog.wait_s = 0;
	hub_report_progress(hb, 1);
	return hub_cancelled(hb) ? -1 : 0;
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
	double t0 = hub_now_s();

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
	hb->prog.eta_s = -1;
	hb->quota_r = -1;
	pthread_mutex_init(&hb->mu, NULL);

	ep = o->endpoint && *o->endpoint ? o->endpoint : getenv("HF_ENDPOINT");
	if (!ep || !*ep)
		ep = HUB_DEFAULT_ENDPOINT;
	if (parse_endpoint(hb, ep))
		goto out;

	if (o->cache_dir && *o->cache_dir)
		snprintf(hb->dir, sizeof hb->dir, "%s", o->cache_dir);
	else if (store_cache_dir(NULL, hb->dir, sizeof hb->dir)) {
		hub_set_err(hb, "cannot find a cache folder: set HUBTOP_CACHE_DIR or use --cache-dir");
		goto out;
	}
	if (store_mkdirs(hb->dir, &serr)) {
		hub_set_err(hb, "%s", serr.msg);
		goto out;
	}
	if (o->snapshot && *o->snapshot)
		snprintf(snap_path, sizeof snap_path, "%s", o->snapshot);
	else if (store_default_path(hb->dir, snap_path, sizeof snap_path)) {
		hub_set_err(hb, "the cache folder path %s is too long", hb->dir);
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
			hub_add_note(hb, "The token was not sent: the endpoint uses plain http.");
		}
	}
	if (warn[0])
		hub_add_note(hb, "Warning: %s.", warn);

	if (hub_lock_cache(hb))
		goto out;
	hb->b = table_builder_new();
	hb->arena = listing_arena_new(HUB_PAGE_TREE_MAX);
	if (!hb->b || !hb->arena) {
		hub_set_err(hb, "out of memory");
		goto out;
	}
	resumed = hub_journal_open(hb, next, sizeof next);
	if (resumed < 0)
		goto out;
	if (resumed)
		hub_add_note(hb, "Resumed an unfinished fetch (%llu pages from the journal).",
			 (unsigned long long)hb->pages);
	hb->count[HT_MODELS] = table_builder_count(hb->b, HT_MODELS);
	hb->count[HT_DATASETS] = table_builder_count(hb->b, HT_DATASETS);
	hb->items_at_start = hb->count[HT_MODELS] + hb->count[HT_DATASETS];
	hb->t_start = hub_now_s();
	hub_expect_items(hb);

	pthread_once(&curl_once, curl_init_once);
	if (hub_curl_setup(hb))
		goto out;

	if (hb->phase == PHASE_MODELS && o->models) {
		if (hub_crawl_kind(hb, HT_MODELS, next))
			goto fail;
		next[0] = '\0';
	}
	if (hb->phase <= PHASE_DATASETS && o->datasets) {
		if (hub_crawl_kind(hb, HT_DATASETS, hb->phase == PHASE_DATASETS ? next : NULL))
			goto fail;
	}
	{
		char why[1024];
		if (hub_state_write(hb, PHASE_ORGS, "-", hb->pages, why, sizeof why)) {
			hub_set_err(hb, "%s", why);
			goto fail;
		}
	}

	hb->prog.phase = "writing";
	hb->prog.expected = 0;
	hub_report_progress(hb, 1);
	memset(&meta, 0, sizeof meta);
	meta.format_version = STORE_FORMAT_VERSION;
	meta.complete = o->top_n == 0;
	meta.top_n = o->top_n;
	meta.fetched_at = (int64_t)time(NULL);
	meta.as_of = meta.fetched_at; /* the data is the Hub's as crawled */
	meta.refused = hb->st.rejected;
	hub_sfmt(meta.endpoint, sizeof meta.endpoint, "%s", hb->endpoint);
	s = table_builder_finish(hb->b, &meta);
	hb->b = NULL;
	if (!s) {
		hub_set_err(hb, "out of memory while building the snapshot");
		goto fail;
	}
	if (!o->orgs_recheck) {
		unsigned kept = hub_orgs_carry_over(hb, s, snap_path);
		if (kept)
			hub_add_note(hb, "%u organisation answers kept from the previous snapshot.", kept);
	}
	if (hub_check_orgs(hb, s, d))
		goto fail;
	hb->prog.phase = "writing";
	hb->prog.expected = 0;
	hub_report_progress(hb, 1);
	if (store_write(s, snap_path, &serr)) {
		hub_set_err(hb, "%s", serr.msg);
		goto fail;
	}
	unlink(hb->path_state);
	unlink(hb->path_tmp);
	unlink(hb->path_journal);
	if (hb->quota_waits)
		hub_add_note(hb, "Waited %.0f s in %u pauses for the Hub's rate limit (%.0f requests "
			     "per %.0f s).",
			 hb->quota_waited, hb->quota_waits, hb->quota_q, hb->quota_w);
	{
		char extra[600] = "";
		if (hb->st.duplicates || hb->st.rejected || hb->st.warnings)
			snprintf(extra, sizeof extra,
				 " %llu seen twice, %llu rejected, %llu with fields left out%s%s.",
				 (unsigned long long)hb->st.duplicates, (unsigned long long)hb->st.rejected,
				 (unsigned long long)hb->st.warnings,
				 hb->st.first_problem[0] ? "; first: " : "", hb->st.first_problem);
		hub_set_err(hb, "Fetched %u models and %u datasets%s (%llu pages, %.1f MB in %.1f s); "
			    "%u accounts checked.%s%s%s Snapshot: %s",
			s->t[HT_MODELS].n, s->t[HT_DATASETS].n,
			o->top_n ? " (top only)" : "", (unsigned long long)hb->pages,
			(double)hb->bytes_done / 1e6, hub_now_s() - t0, hb->orgs_checked, extra,
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

/* hub_http.c - one HTTP request of the Hub client: the curl handle, headers,
 * the Link header, retries, waits and what an error status means.  See hub.c. */
#include "config.h"

#include "hub_priv.h"

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

/* The value of the parameter "k=" of a RateLimit header (a structured
 * field: parameters after ';'), or -1: absent, not a number, negative. */
static double sf_param(const char *v, char k)
{
	const char *p;
	for (p = v; (p = strchr(p, k)) != NULL; p++) {
		char *e;
		double x;
		if (p[1] != '=' || (p != v && p[-1] != ';' && p[-1] != ' '))
			continue;
		x = strtod(p + 2, &e);
		return e == p + 2 || !isfinite(x) || x < 0 ? -1 : x;
	}
	return -1;
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
		r->ratelimit_r = -1;
		r->policy_q = -1;
		r->policy_w = -1;
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
		hub_clean_text(r->err_header, sizeof r->err_header, v, vl);
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
		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		r->ratelimit_t = sf_param(tmp, 't');
		r->ratelimit_r = sf_param(tmp, 'r');
	} else if (header_is(data, n, "ratelimit-policy", &v, &vl) && vl < sizeof tmp) {
		/* "fixed window";"api";q=500;w=300 */
		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		r->policy_q = sf_param(tmp, 'q');
		r->policy_w = sf_param(tmp, 'w');
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
		if (!eff || hub_url_resolve(hb, eff, ref, out, sizeof out) != 0) {
			r->offsite = 1;
			hub_url_for_msg(r->offsite_url, sizeof r->offsite_url, ref);
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
	r->ratelimit_r = -1;
	r->policy_q = -1;
	r->policy_w = -1;
}

int hub_curl_setup(struct hub *hb)
{
	CURL *h = curl_easy_init();
	char ua[64], *auth;
	size_t alen;
	long t = hb->o->timeout_s ? (long)hb->o->timeout_s : 30L;
	const char *proto = !strcasecmp(hb->scheme, "https") ? "https" : "http";

	if (!h) {
		hub_set_err(hb, "cannot start libcurl (out of memory?)");
		return -1;
	}
	hb->h = h;
	snprintf(ua, sizeof ua, "hubtop/%s", PACKAGE_VERSION);
	hb->hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (hb->send_token) {
		alen = strlen(hb->token) + 32;
		auth = malloc(alen);
		if (!auth) {
			hub_set_err(hb, "out of memory");
			return -1;
		}
		snprintf(auth, alen, "authorization: Bearer %s", hb->token);
		hb->hdrs = curl_slist_append(hb->hdrs, auth);
		memset(auth, 0, alen);
		free(auth);
	}
	if (!hb->hdrs) {
		hub_set_err(hb, "out of memory");
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
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, hub_on_xfer);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, hb);
	return 0;
}

/* The server's own words: X-Error-Message, else JSON error / errors[0].message. */
static void server_message(const struct resp *r, char *out, size_t len)
{
	cJSON *j;
	out[0] = '\0';
	if (r->err_header[0]) {
		hub_sfmt(out, len, "%s", r->err_header);
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
			hub_clean_text(out, len < 300 ? len : 300, e->valuestring, strlen(e->valuestring));
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
		hub_sfmt(out, len, "not found: check that the endpoint (%s) is a Hugging Face Hub",
			 hb->host);
	else if (s == 429)
		snprintf(out, len, "rate limited: wait a few minutes and run the same command again; "
				   "it resumes where it stopped (a token raises the limit)");
	else if (s >= 500)
		snprintf(out, len, "the server is failing: run the same command again later; "
				   "it resumes where it stopped");
	else if (s >= 400)
		hub_sfmt(out, len, "the server refused the request: check that the endpoint (%s) is "
				   "a Hugging Face Hub",
			 hb->host);
	else
		hub_sfmt(out, len, "unexpected answer: check that the endpoint (%s) is a Hugging Face Hub",
			 hb->host);
}

void hub_status_error(struct hub *hb, long s, const char *url, const char *prefix)
{
	char msg[320], adv[256], shown[320];
	server_message(&hb->r, msg, sizeof msg);
	status_advice(hb, s, adv, sizeof adv);
	hub_url_for_msg(shown, sizeof shown, url);
	hub_set_err(hb, "%sHTTP %ld from %s%s%s%s; %s", prefix, s, shown, msg[0] ? ": \"" : "", msg,
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

double hub_backoff_s(struct hub *hb, unsigned attempt)
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

/* Notes what an answer says of the rate limit and when the next request
 * may start.  The quota is used as fast as the crawl goes; once an answer
 * says it is spent (r=0), the next request waits for the window's reset
 * (t, plus a margin).  With only a policy (no RateLimit), requests are
 * spread at w/q seconds apart.  A 429 is left to the retry's own wait. */
static void quota_note(struct hub *hb, const struct resp *r, double started, double now)
{
	if (r->policy_q > 0 && r->policy_w > 0) {
		hb->quota_q = r->policy_q;
		hb->quota_w = r->policy_w;
	}
	if (r->ratelimit_r >= 0 && r->ratelimit_t >= 0) {
		hb->quota_r = r->ratelimit_r;
		hb->quota_reset = now + r->ratelimit_t;
		if (r->ratelimit_r < 1 && r->status != 429)
			hb->pace_until = hb->quota_reset + HUB_QUOTA_MARGIN_S;
	} else if (hb->quota_q > 0 && r->status && r->status != 429) {
		hb->quota_r = -1;
		hb->pace_until = started + hb->quota_w / hb->quota_q;
	}
}

/* Waits, when the rate limit says so, before a request; -1 if cancelled. */
static int quota_wait(struct hub *hb)
{
	double t = hub_now_s(), d = hb->pace_until - t;
	int rc;
	if (d <= 0)
		return 0;
	if (d > HUB_MAX_WAIT_S)
		d = HUB_MAX_WAIT_S;
	hb->prog.quota_wait = 1;
	rc = hub_wait_for(hb, d);
	hb->prog.quota_wait = 0;
	hb->quota_waits++;
	hb->quota_waited += hub_now_s() - t;
	return rc;
}

/* Seconds the crawl should still take to fetch items_left items, counting
 * the waits the rate limit will impose; <0 when nothing is known of it. */
double hub_eta_s(const struct hub *hb, uint64_t items_left)
{
	double per_page = hb->limit ? (double)hb->limit : 1000.0, n, spr, now = hub_now_s();
	double r, left, eta, k;

	if (hb->quota_q <= 0 || hb->quota_w <= 0 || !hb->requests)
		return -1;
	n = ceil((double)items_left / per_page);
	spr = hb->t_requests / (double)hb->requests;
	if (hb->quota_r < 0 || hb->quota_reset <= 0)
		/* Spread: one request each w/q seconds at most. */
		return n * fmax(spr, hb->quota_w / hb->quota_q);
	r = hb->quota_r;
	left = fmax(0.0, hb->quota_reset - now);
	if (n <= r)
		return n * spr;
	k = ceil((n - r) / hb->quota_q); /* windows after this one */
	eta = left + HUB_QUOTA_MARGIN_S + (k - 1) * (hb->quota_w + HUB_QUOTA_MARGIN_S) +
	      (n - r - (k - 1) * hb->quota_q) * spr;
	return fmax(eta, n * spr);
}

/* GETs url into hb->r, retrying transient failures.  A listing's body is
 * checked as JSON by the worker that parses it (see hub_page_retry).  Returns 0
 * with hb->r holding a final answer (any status that is not transient), -1
 * with err set (gave up, refused, cancelled). */
int hub_request(struct hub *hb, const char *url)
{
	unsigned attempt, slow = 0;
	char why[512], shown[320];
	hub_url_for_msg(shown, sizeof shown, url);

	for (attempt = 0;; attempt++) {
		CURLcode rc;
		double wait = -1;
		struct resp *r = &hb->r;

		double started;

		if (hub_cancelled(hb) || quota_wait(hb)) {
			hub_set_err(hb, "interrupted");
			return -1;
		}
		resp_reset(r);
		hb->curl_err[0] = '\0';
		curl_easy_setopt(hb->h, CURLOPT_URL, url);
		started = hub_now_s();
		rc = curl_easy_perform(hb->h);
		hb->requests++;
		hb->t_requests += hub_now_s() - started;
		quota_note(hb, r, started, hub_now_s());
		{
			curl_off_t got = 0;
			curl_easy_getinfo(hb->h, CURLINFO_SIZE_DOWNLOAD_T, &got);
			hb->bytes_done += (uint64_t)(got > 0 ? got : 0);
			hb->prog.bytes = hb->bytes_done;
		}
		if (hub_cancelled(hb)) {
			hub_set_err(hb, "interrupted");
			return -1;
		}
		if (r->offsite) {
			hub_set_err(hb, "%s redirected to %s, which is not the endpoint (%s://%s:%ld); "
				    "refusing to follow it, so the token is sent only to the endpoint. "
				    "Check --endpoint or HF_ENDPOINT",
				shown, r->offsite_url, hb->scheme, hb->host, hb->port);
			return -1;
		}
		if (r->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
			hub_set_err(hb, "the answer from %s is larger than %zu MiB, far more than a Hub "
				    "page; stopped. Check that the endpoint is a Hugging Face Hub",
				shown, HUB_MAX_BODY >> 20);
			return -1;
		}
		if (r->header_overflow) {
			hub_set_err(hb, "the answer from %s has more than %zu KiB of headers, far more "
				    "than a Hub sends; stopped. Check that the endpoint is a Hugging Face Hub",
				shown, HUB_MAX_HEADERS >> 10);
			return -1;
		}
		if (rc != CURLE_OK && !r->headers_done && header_refused(rc, hb->curl_err)) {
			hub_set_err(hb, "the answer from %s has headers larger than libcurl accepts (a "
				    "line over %d KiB, or too many), far more than a Hub sends; stopped. "
				    "Check that the endpoint is a Hugging Face Hub",
				shown, CURL_MAX_HTTP_HEADER >> 10);
			return -1;
		}
		if (rc == CURLE_TOO_MANY_REDIRECTS) {
			hub_set_err(hb, "%s redirects more than %ld times (a redirect loop?); check that the "
				    "endpoint is a Hugging Face Hub",
				shown, HUB_MAX_REDIRS);
			return -1;
		}
		if (rc != CURLE_OK) {
			if (!transient_curl(rc)) {
				hub_set_err(hb, "cannot fetch %s: %s; check the endpoint, the network%s",
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
			hub_set_err(hb, "cannot fetch %s: %u attempts in a row timed out, with less than "
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
				hub_status_error(hb, r->status, url, "");
				snprintf(why, sizeof why, " (gave up after %u attempts)", attempt + 1);
				if (strlen(hb->err) + strlen(why) < hb->errlen)
					strcat(hb->err, why);
			} else {
				hub_set_err(hb, "cannot fetch %s after %u attempts: %s; check the network and run "
					    "the same command again, it resumes where it stopped",
					shown, attempt + 1, why);
			}
			return -1;
		}
		if (wait < 0)
			wait = hub_backoff_s(hb, attempt);
		if (wait > HUB_MAX_WAIT_S) {
			hub_set_err(hb, "%s: the server asks to wait %.0f s (%s); run the same command again "
				    "later, it resumes where it stopped",
				shown, wait, why);
			return -1;
		}
		hb->prog.retries++;
		if (hub_wait_for(hb, wait)) {
			hub_set_err(hb, "interrupted");
			return -1;
		}
	}
}

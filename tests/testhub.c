/* testhub.c - a small HTTP/1.1 server that answers like the Hub's listing
 * API, for the hub client's integration tests and benchmark.
 *
 * Binds 127.0.0.1 only, on a free port, and prints "PORT n" as the first
 * line on stdout.  Serves /api/models and /api/datasets (sort=downloads,
 * cursor pages with Link: rel="next", expand[] returning only the fields
 * asked for plus _id and id, limit up to --max-limit), and
 * /api/organizations/NAME/overview.  Faults are injected on demand with
 * --fault (see usage()).  Every request is logged (method, target, headers)
 * to --log, every item served to --served, so tests can check what was sent
 * and to whom.  Exits when its parent dies or after --max-seconds.  With a
 * linkport fault it also listens on a second port of 127.0.0.1.
 *
 * With --quota Q --window W it enforces a rate limit like the Hub's: fixed
 * windows of W seconds from its start, Q requests each (every request
 * counts), both RateLimit headers on every answer and 429 past the quota;
 * --stats FILE is rewritten after every request with what it served and
 * refused, so a test can count the 429s.
 *
 * One mutex guards the listing state; responses are built under it and sent
 * outside it.  A thread per connection, keep-alive.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>

enum { K_MODELS = 0, K_DATASETS = 1, K_COUNT };
static const char *const kind_path[K_COUNT] = { "models", "datasets" };

struct item {
	uint64_t downloads;
	char oid[25];
	int32_t src;      /* index into fixture objects, or -1: generated */
	uint32_t gen;     /* generated row number */
};

struct list {
	struct item *v;
	size_t n, cap;
	cJSON **obj;      /* fixture objects */
	size_t n_obj, cap_obj;
};

/* Fault on the K-th request of a class, for T requests (0: forever). */
struct fault {
	char name[32];
	int orgs;         /* applies to organisation requests, not listings */
	unsigned at, times;
};

static struct list lists[K_COUNT];
static struct fault faults[32];
static size_t n_faults;
static unsigned max_limit = 1000, page_size = 1000000;
static unsigned delay_ms, slow_ms = 20000, ratelimit_t = 1;
static unsigned cycle_pages = 2;  /* the cycle fault's length */
static int chunked_pages;
static int gzip_pages;           /* pages gzip-encoded for clients that accept it */
static unsigned conns;          /* connections accepted, on either port (under mu) */
static const char *require_token;
static char *org_names[64];
static size_t n_org_names;
static FILE *log_fp, *served_fp;
static int port;
/* A second port on 127.0.0.1, served alike, that the linkport fault's next
 * links point to: a client that followed them would show in the log. */
static int other_port;
static unsigned listing_requests, org_requests;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* The rate limit policy (--quota, --window): 0 quota, none.  Under mu. */
static unsigned rl_quota;
static double rl_window = 300;
static struct timespec rl_start;
static uint64_t rl_cur_window, rl_in_window, rl_windows_used;
static uint64_t st_requests, st_limited, st_max_in_window;
static const char *stats_path;
/* The RateLimit headers of the answer this thread is sending. */
static __thread char rl_headers[256];

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("testhub: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* ---- growable buffer ---------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap * 2 : 4096;
		while (c < b->len + n + 1)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof tmp)
		n = sizeof tmp - 1;
	buf_add(b, tmp, (size_t)n);
}

/* ---- items -------------------------------------------------------------- */

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->downloads != y->downloads)
		return x->downloads > y->downloads ? -1 : 1;
	return strcmp(x->oid, y->oid);
}

static void list_push(struct list *l, const struct item *it)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = *it;
}

static uint64_t fnv64(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void add_fixture(int kind, cJSON *obj, size_t line)
{
	struct list *l = &lists[kind];
	struct item it;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");
	const cJSON *oid = cJSON_GetObjectItemCaseSensitive(obj, "_id");
	const cJSON *dl = cJSON_GetObjectItemCaseSensitive(obj, "downloads");

	memset(&it, 0, sizeof it);
	if (cJSON_IsString(oid) && strlen(oid->valuestring) < sizeof it.oid) {
		snprintf(it.oid, sizeof it.oid, "%s", oid->valuestring);
	} else {
		/* The Hub's _id is 24 hex digits; derive a stable one from the id. */
		char key[64];
		uint64_t h1, h2;
		snprintf(key, sizeof key, "%d:%zu:", kind, line);
		h1 = fnv64(key, 0xcbf29ce484222325ull);
		if (cJSON_IsString(id))
			h1 = fnv64(id->valuestring, h1);
		h2 = fnv64("x", h1);
		snprintf(it.oid, sizeof it.oid, "%08x%016llx", (unsigned)(h2 >> 32),
			 (unsigned long long)h1);
	}
	it.downloads = cJSON_IsNumber(dl) && dl->valuedouble > 0 ? (uint64_t)dl->valuedouble : 0;
	if (l->n_obj == l->cap_obj) {
		l->cap_obj = l->cap_obj ? l->cap_obj * 2 : 256;
		l->obj = xrealloc(l->obj, l->cap_obj * sizeof *l->obj);
	}
	it.src = (int32_t)l->n_obj;
	l->obj[l->n_obj++] = obj;
	list_push(l, &it);
}

static void load_file(int kind, const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = { 0 };
	char tmp[65536];
	size_t n, i, line = 0;

	if (!fp)
		die("%s: %s", path, strerror(errno));
	while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
		buf_add(&b, tmp, n);
	fclose(fp);
	for (i = 0; i < b.len && (b.p[i] == ' ' || b.p[i] == '\n' || b.p[i] == '\t'); i++)
		;
	if (i < b.len && b.p[i] == '[') {
		cJSON *arr = cJSON_ParseWithLength(b.p, b.len), *el;
		if (!cJSON_IsArray(arr))
			die("%s: not a JSON array", path);
		while ((el = cJSON_DetachItemFromArray(arr, 0)) != NULL)
			add_fixture(kind, el, ++line);
		cJSON_Delete(arr);
	} else {
		char *s = b.p, *e;
		while (s && s < b.p + b.len) {
			cJSON *o;
			e = memchr(s, '\n', (size_t)(b.p + b.len - s));
			if (!e)
				e = b.p + b.len;
			line++;
			if (e > s) {
				o = cJSON_ParseWithLength(s, (size_t)(e - s));
				if (!cJSON_IsObject(o))
					die("%s:%zu: not a JSON object", path, line);
				add_fixture(kind, o, line);
			}
			s = e + 1;
		}
	}
	free(b.p);
}

/* Generated rows: a long tail, downloads non-increasing with the row number
 * and _id increasing, so generation order is already the listing order. */
static uint64_t gen_downloads(uint32_t g)
{
	return (uint64_t)(5e7 / pow((double)g + 1.0, 1.3));
}

static void generate(int kind, uint32_t n)
{
	struct list *l = &lists[kind];
	uint32_t g;
	for (g = 0; g < n; g++) {
		struct item it;
		memset(&it, 0, sizeof it);
		it.downloads = gen_downloads(g);
		snprintf(it.oid, sizeof it.oid, "%s%020x", kind == K_MODELS ? "6a00" : "6b00", g);
		it.src = -1;
		it.gen = g;
		list_push(l, &it);
	}
}

static void gen_account(int kind, uint32_t g, char *buf, size_t len)
{
	uint32_t a = (uint32_t)((uint64_t)g * 2654435761u % 50000u);
	(void)kind;
	/* Big accounts first: rows near the top belong to a few accounts. */
	if (g < 2000)
		a = g % 40;
	snprintf(buf, len, "%s-%u", a % 3 == 0 ? "org" : "user", a);
}

static const char *const pipelines[] = {
	"text-generation", "fill-mask", "text-classification", "image-classification",
	"automatic-speech-recognition", "feature-extraction", "token-classification",
	"text-to-image", "sentence-similarity", "translation"
};
static const char *const libraries[] = {
	"transformers", "diffusers", "sentence-transformers", "peft", "gguf", "timm"
};
static const char *const licenses[] = { "apache-2.0", "mit", "other", "cc-by-4.0", "llama3" };

static void gen_field(struct buf *b, int kind, const struct item *it, const char *f)
{
	uint32_t g = it->gen;
	char acct[32];
	gen_account(kind, g, acct, sizeof acct);
	if (!strcmp(f, "downloads"))
		buf_fmt(b, "\"downloads\":%llu", (unsigned long long)it->downloads);
	else if (!strcmp(f, "downloadsAllTime"))
		buf_fmt(b, "\"downloadsAllTime\":%llu",
			(unsigned long long)(it->downloads * 7 + g % 13));
	else if (!strcmp(f, "likes"))
		buf_fmt(b, "\"likes\":%llu", (unsigned long long)(it->downloads / 1000 + g % 3));
	else if (!strcmp(f, "trendingScore"))
		buf_fmt(b, "\"trendingScore\":%u", g % 50 == 0 ? 10u + g % 7 : 0u);
	else if (!strcmp(f, "createdAt"))
		buf_fmt(b, "\"createdAt\":\"20%02u-%02u-%02uT10:%02u:00.000Z\"", 22 + g % 4,
			1 + g % 12, 1 + g % 28, g % 60);
	else if (!strcmp(f, "lastModified"))
		buf_fmt(b, "\"lastModified\":\"2025-%02u-%02uT11:%02u:00.000Z\"", 1 + g % 12,
			1 + g % 28, g % 60);
	else if (!strcmp(f, "pipeline_tag") && kind == K_MODELS)
		buf_fmt(b, "\"pipeline_tag\":\"%s\"", pipelines[g % 10]);
	else if (!strcmp(f, "library_name") && kind == K_MODELS)
		buf_fmt(b, "\"library_name\":\"%s\"", libraries[g % 6]);
	else if (!strcmp(f, "gated"))
		buf_str(b, g % 40 == 0 ? "\"gated\":\"manual\"" : g % 17 == 0 ? "\"gated\":\"auto\""
									: "\"gated\":false");
	else if (!strcmp(f, "author"))
		buf_fmt(b, "\"author\":\"%s\"", acct);
	else if (!strcmp(f, "private"))
		buf_str(b, "\"private\":false");
	else if (!strcmp(f, "safetensors") && kind == K_MODELS && g % 3 == 0)
		/* Sizes from 22M to some 70B, by dtype, and their total. */
		buf_fmt(b, "\"safetensors\":{\"parameters\":{\"BF16\":%llu,\"F32\":%u},"
			   "\"total\":%llu}", 22000000ull * (1u + g % 3181) - 1000u, 1000u,
			22000000ull * (1u + g % 3181));
	else if (!strcmp(f, "gguf") && kind == K_MODELS && g % 3 == 1)
		buf_fmt(b, "\"gguf\":{\"total\":%llu,\"architecture\":\"llama\","
			   "\"context_length\":4096}", 1000000000ull + g * 1000ull);
	else if (!strcmp(f, "tags")) {
		if (kind == K_MODELS) {
			buf_fmt(b, "\"tags\":[\"%s\",\"safetensors\",\"%s\",\"license:%s\"",
				libraries[g % 6], pipelines[g % 10], licenses[g % 5]);
			if (g > 10 && g % 4 == 0) {
				char base[32];
				gen_account(kind, g % 10, base, sizeof base);
				buf_fmt(b, ",\"base_model:%s/model-%u\",\"base_model:%s:%s/model-%u\"",
					base, g % 10,
					g % 3 == 0 ? "finetune" : g % 3 == 1 ? "quantized" : "adapter",
					base, g % 10);
			}
			if (g % 5 == 1)
				buf_str(b, ",\"language:en\"");
			else if (g % 5 == 2)
				buf_str(b, ",\"language:zh\",\"language:en\"");
			buf_str(b, ",\"endpoints_compatible\",\"region:us\"]");
		} else {
			buf_fmt(b, "\"tags\":[\"task_categories:%s\",\"language:%s\",\"license:%s\","
				   "\"size_categories:1K<n<10K\",\"region:us\"]",
				pipelines[g % 10], g % 3 ? "en" : "fr", licenses[g % 5]);
		}
	} else
		return;
}

/* ---- HTTP helpers ------------------------------------------------------- */

/* ---- gzip ---------------------------------------------------------------- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t i, k, c;
	for (i = 0; i < 256; i++) {
		for (c = i, k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A gzip member (RFC 1952) whose deflate stream is stored blocks: not
 * smaller, but a real Content-Encoding the client must decode. */
static void gzip_stored(struct buf *out, const char *p, size_t n)
{
	static const char head[10] = { 0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, (char)0xff };
	uint32_t crc = 0xffffffffu;
	unsigned char t[8];
	size_t i, total = n;

	for (i = 0; i < n; i++)
		crc = crc_table[(crc ^ (unsigned char)p[i]) & 0xff] ^ (crc >> 8);
	buf_add(out, head, sizeof head);
	do {
		size_t k = n > 65535 ? 65535 : n;
		char h[5];
		h[0] = k == n;  /* BFINAL; BTYPE 00: stored */
		h[1] = (char)(k & 0xff);
		h[2] = (char)(k >> 8);
		h[3] = (char)(~k & 0xff);
		h[4] = (char)((~k >> 8) & 0xff);
		buf_add(out, h, 5);
		buf_add(out, p, k);
		p += k;
		n -= k;
	} while (n);
	put_le32(t, ~crc);
	put_le32(t + 4, (uint32_t)total);
	buf_add(out, (const char *)t, 8);
}

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_head(int fd, int status, const char *reason, const char *extra, long long clen)
{
	/* extra may be as large as the hostile header faults make it. */
	size_t cap = 512 + strlen(reason) + (extra ? strlen(extra) : 0);
	char *h = xrealloc(NULL, cap);
	int n, rc;
	if (clen >= 0)
		n = snprintf(h, cap,
			     "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
			     "%s%sContent-Length: %lld\r\n\r\n",
			     status, reason, rl_headers, extra ? extra : "", clen);
	else
		n = snprintf(h, cap,
			     "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
			     "%s%sTransfer-Encoding: chunked\r\n\r\n",
			     status, reason, rl_headers, extra ? extra : "");
	rc = n < 0 || (size_t)n >= cap ? -1 : send_all(fd, h, (size_t)n);
	free(h);
	return rc;
}

static int send_chunk(int fd, const char *p, size_t n)
{
	char h[32];
	int k = snprintf(h, sizeof h, "%zx\r\n", n);
	if (send_all(fd, h, (size_t)k) || send_all(fd, p, n) || send_all(fd, "\r\n", 2))
		return -1;
	return 0;
}

static int send_simple(int fd, int status, const char *reason, const char *extra, const char *body)
{
	if (send_head(fd, status, reason, extra, (long long)strlen(body)))
		return -1;
	return send_all(fd, body, strlen(body));
}

static int send_error(int fd, int status, const char *reason, const char *msg, const char *extra)
{
	const char *plain = msg;
	char body[2100], hdr[2048];
	size_t n = (size_t)snprintf(body, sizeof body, "{\"error\":\"");
	for (; *msg && n < sizeof body - 8; msg++) {
		if (*msg == '"' || *msg == '\\')
			body[n++] = '\\';
		body[n++] = *msg;
	}
	snprintf(body + n, sizeof body - n, "\"}");
	snprintf(hdr, sizeof hdr, "X-Error-Message: %s\r\n%s", plain, extra ? extra : "");
	return send_simple(fd, status, reason, hdr, body);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void url_decode(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else if (*s == '+') {
			*o++ = ' ';
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* ---- request ------------------------------------------------------------ */

#define MAX_PARAMS 64
struct request {
	char method[16];
	char target[8192];
	char path[8192];
	char query[8192];       /* raw */
	char host[256];
	char auth[1024];
	int close;
	int gzip;               /* Accept-Encoding names gzip */
	size_t n_params;
	char pkey[MAX_PARAMS][64];
	char pval[MAX_PARAMS][1024];
};

static const char *param(const struct request *r, const char *key)
{
	size_t i;
	for (i = 0; i < r->n_params; i++)
		if (!strcmp(r->pkey[i], key))
			return r->pval[i];
	return NULL;
}

static void parse_query(struct request *r)
{
	char q[8192], *save = NULL, *tok;
	snprintf(q, sizeof q, "%s", r->query);
	for (tok = strtok_r(q, "&", &save); tok && r->n_params < MAX_PARAMS;
	     tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		if (eq)
			*eq++ = '\0';
		snprintf(r->pkey[r->n_params], sizeof r->pkey[0], "%s", tok);
		snprintf(r->pval[r->n_params], sizeof r->pval[0], "%s", eq ? eq : "");
		url_decode(r->pkey[r->n_params]);
		url_decode(r->pval[r->n_params]);
		r->n_params++;
	}
}

/* Which fault, if any, this request gets.  Counted under mu. */
static const char *fault_for(int orgs)
{
	unsigned n = orgs ? ++org_requests : ++listing_requests;
	size_t i;
	for (i = 0; i < n_faults; i++) {
		const struct fault *f = &faults[i];
		if (f->orgs != orgs || n < f->at)
			continue;
		if (f->times == 0 || n < f->at + f->times)
			return f->name;
	}
	return NULL;
}

static void log_request(const char *method, const char *target, const char *headers, unsigned conn)
{
	if (!log_fp)
		return;
	fprintf(log_fp, "%s %s\t%s\tconn=%u\n", method, target, headers, conn);
	fflush(log_fp);
}

static const char *const model_expand[] = {
	"author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt",
	"disabled", "downloads", "downloadsAllTime", "gated", "gguf", "inference",
	"lastModified", "library_name", "likes", "mask_token", "model-index", "pipeline_tag",
	"private", "safetensors", "sha", "siblings", "spaces", "tags", "transformersInfo",
	"trendingScore", "widgetData", "usedStorage", "resourceGroup", NULL
};
static const char *const dataset_expand[] = {
	"author", "cardData", "citation", "createdAt", "description", "disabled", "downloads",
	"downloadsAllTime", "gated", "lastModified", "likes", "mainSize", "paperswithcode_id",
	"private", "sha", "siblings", "tags", "trendingScore", "usedStorage", NULL
};
static const char *const default_fields[] = {
	"likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
	"library_name", "createdAt", NULL
};

static int known_expand(int kind, const char *f)
{
	const char *const *l = kind == K_MODELS ? model_expand : dataset_expand;
	for (; *l; l++)
		if (!strcmp(*l, f))
			return 1;
	return 0;
}

/* Position of the first item after the cursor (downloads, oid). */
static size_t cursor_pos(const struct list *l, const char *cursor)
{
	char dec[128];
	size_t i, n = strlen(cursor) / 2, lo = 0, hi = l->n;
	struct item key;
	char *colon;
	if (n >= sizeof dec)
		return SIZE_MAX;
	for (i = 0; i < n; i++) {
		int a = hexval(cursor[2 * i]), b = hexval(cursor[2 * i + 1]);
		if (a < 0 || b < 0)
			return SIZE_MAX;
		dec[i] = (char)(a * 16 + b);
	}
	dec[n] = '\0';
	/* The ignorecursor fault's fresh cursors: "-N" after the position. */
	dec[strcspn(dec, "-")] = '\0';
	memset(&key, 0, sizeof key);
	key.downloads = strtoull(dec, &colon, 10);
	if (*colon != ':' || strlen(colon + 1) >= sizeof key.oid)
		return SIZE_MAX;
	snprintf(key.oid, sizeof key.oid, "%s", colon + 1);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (item_cmp(&l->v[mid], &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void make_cursor(const struct item *it, char *out, size_t len)
{
	char raw[80];
	size_t i, n = (size_t)snprintf(raw, sizeof raw, "%llu:%s",
				       (unsigned long long)it->downloads, it->oid);
	for (i = 0; i < n && 2 * i + 2 < len; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char)raw[i]);
}

static void emit_item(struct buf *b, int kind, const struct item *it, const char **fields,
		      size_t n_fields)
{
	const struct list *l = &lists[kind];
	size_t i;
	buf_fmt(b, "{\"_id\":\"%s\"", it->oid);
	if (it->src < 0) {
		char acct[32];
		gen_account(kind, it->gen, acct, sizeof acct);
		buf_fmt(b, ",\"id\":\"%s/%s-%u\"", acct, kind == K_MODELS ? "model" : "dataset",
			it->gen);
		for (i = 0; i < n_fields; i++) {
			size_t before = b->len;
			buf_str(b, ",");
			gen_field(b, kind, it, fields[i]);
			if (b->len == before + 1)
				b->len = before;
		}
	} else {
		const cJSON *o = l->obj[it->src];
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
		if (id) {
			char *s = cJSON_PrintUnformatted(id);
			buf_fmt(b, ",\"id\":");
			buf_str(b, s);
			free(s);
		}
		for (i = 0; i < n_fields; i++) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, fields[i]);
			if (!strcmp(fields[i], "downloads")) {
				if (f)
					buf_fmt(b, ",\"downloads\":%llu",
						(unsigned long long)it->downloads);
				continue;
			}
			if (f) {
				char *s = cJSON_PrintUnformatted(f);
				buf_fmt(b, ",\"%s\":", fields[i]);
				buf_str(b, s);
				free(s);
			}
		}
	}
	buf_str(b, "}");
}

static void served(int kind, const struct item *it)
{
	if (!served_fp)
		return;
	if (it->src < 0) {
		char acct[32];
		gen_account(kind, it->gen, acct, sizeof acct);
		fprintf(served_fp, "%s\t%s/%s-%u\n", kind_path[kind], acct,
			kind == K_MODELS ? "model" : "dataset", it->gen);
	} else {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(lists[kind].obj[it->src], "id");
		fprintf(served_fp, "%s\t%s\n", kind_path[kind],
			cJSON_IsString(id) ? id->valuestring : "-");
	}
}

/* The listing moves under the crawl: the top item drops to the bottom (it
 * will be served twice) and the bottom one jumps to the top (it will be missed). */
static void apply_change(int kind)
{
	struct list *l = &lists[kind];
	uint64_t top;
	if (l->n < 3)
		return;
	top = l->v[0].downloads;
	l->v[0].downloads = 0;
	l->v[l->n - 1].downloads = top + 1;
	qsort(l->v, l->n, sizeof *l->v, item_cmp);
}

/* Fault bodies that replace a page's ordinary answer. */
static int send_huge(int fd, int endless)
{
	char chunk[65536];
	size_t i, total = 0, cap = (size_t)70 << 20;
	for (i = 0; i < sizeof chunk; i++)
		chunk[i] = "abcdefgh"[i % 8];
	if (endless) {
		static const char item[] =
			"{\"_id\":\"000000000000000000000000\",\"id\":\"endless/x\",\"downloads\":1},";
		if (send_head(fd, 200, "OK", NULL, -1) || send_chunk(fd, "[", 1))
			return -1;
		for (i = 0; i + sizeof item < sizeof chunk; i += sizeof item - 1)
			memcpy(chunk + i, item, sizeof item - 1);
		for (;;)
			if (send_chunk(fd, chunk, i))
				return -1;
	}
	if (send_head(fd, 200, "OK", NULL, (long long)cap))
		return -1;
	if (send_all(fd, "[{\"_id\":\"0\",\"id\":\"huge/x\",\"tags\":[\"", 36))
		return -1;
	total = 36;
	while (total < cap) {
		size_t n = cap - total < sizeof chunk ? cap - total : sizeof chunk;
		if (send_all(fd, chunk, n))
			return -1;
		total += n;
	}
	return 0;
}

static void lower_priority_close(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

/* The hostile faults that change an ordinary page (see usage()). */
static int hostile_page_fault(const char *f)
{
	static const char *const names[] = { "cycle", "selflink", "respell", "ignorecursor",
					     "padded", "longlink", "badlink", "notaurl", "hugeheader",
					     "hugelink", "manyheaders", "trickle", NULL };
	size_t i;
	for (i = 0; names[i]; i++)
		if (!strcmp(f, names[i]))
			return 1;
	return 0;
}

static int fault_is(const char *fault, const char *name)
{
	return fault && !strcmp(fault, name);
}

/* The ordinary answer, one byte at a time, two a second, until done or the
 * client hangs up. */
static int send_trickle(int fd, const char *extra, const char *p, size_t n)
{
	size_t i;
	if (send_head(fd, 200, "OK", extra, (long long)n))
		return -1;
	for (i = 0; i < n; i++) {
		struct pollfd pf = { fd, POLLIN, 0 };
		if (send_all(fd, p + i, 1))
			return -1;
		/* Readable means closed: the client sends nothing while it reads. */
		if (poll(&pf, 1, 500) != 0)
			return -1;
	}
	return 0;
}

/* Returns 0 keep going, -1 close the connection. */
static int handle_listing(int fd, const struct request *r, int kind, const char *path_prefix)
{
	struct buf b = { 0 }, extra = { 0 };
	const char *fields[64];
	size_t n_fields = 0, i, pos = 0, end;
	const char *fault, *v;
	unsigned limit = 1000;
	struct list *l = &lists[kind];
	char link[12000];
	int rc = 0, has_more;

	pthread_mutex_lock(&mu);
	fault = fault_for(0);
	pthread_mutex_unlock(&mu);

	if (fault && strcmp(fault, "change") && strcmp(fault, "linkhost") &&
	    strcmp(fault, "linkport") && strcmp(fault, "linkscheme") &&
	    strcmp(fault, "bigstring") && strcmp(fault, "badutf8") && strcmp(fault, "slow") &&
	    strcmp(fault, "reset") && strcmp(fault, "truncate") && strcmp(fault, "deep") &&
	    !hostile_page_fault(fault)) {
		int status = atoi(fault);
		char loc[9000];
		if (!strcmp(fault, "429retry"))
			return send_error(fd, 429, "Too Many Requests", "Rate limited, retry later",
					  "Retry-After: 1\r\n");
		if (status == 429) {
			char h[256];
			snprintf(h, sizeof h,
				 "RateLimit: \"api\";r=0;t=%u\r\n"
				 "RateLimit-Policy: \"fixed window\";\"api\";q=500;w=300\r\n",
				 ratelimit_t);
			return send_error(fd, 429, "Too Many Requests",
					  "You have been rate-limited; you can retry this action later",
					  h);
		}
		if (status >= 500 && status != 500)
			return send_simple(fd, status, "Bad Gateway", "X-Error-Message: upstream failed\r\n",
					   "<html><body>upstream failed</body></html>");
		if (status > 0)
			return send_error(fd, status, status == 401 ? "Unauthorized" : "Error",
					  "Injected failure", NULL);
		/* The server's message in one place only, or in both, each its own. */
		if (!strcmp(fault, "jsonerr"))
			return send_simple(fd, 404, "Not Found", NULL,
					   "{\"error\":\"Listing gone, said in the body\"}");
		if (!strcmp(fault, "jsonerrs"))
			return send_simple(fd, 404, "Not Found", NULL,
					   "{\"errors\":[{\"message\":\"First of the errors\"},"
					   "{\"message\":\"Second of the errors\"}]}");
		if (!strcmp(fault, "hdrerr"))
			return send_simple(fd, 404, "Not Found",
					   "X-Error-Message: Listing gone, said in the header\r\n",
					   "<html><body>Not Found</body></html>");
		if (!strcmp(fault, "botherr"))
			return send_simple(fd, 404, "Not Found",
					   "X-Error-Message: Said in the header\r\n",
					   "{\"error\":\"Said in the body\"}");
		if (!strcmp(fault, "malformed"))
			return send_simple(fd, 200, "OK", NULL, "[{\"_id\":\"abc\",\"id\":, }}]");
		if (!strcmp(fault, "html"))
			return send_simple(fd, 200, "OK", NULL, "<html>Service maintenance</html>");
		if (!strcmp(fault, "empty"))
			return send_simple(fd, 200, "OK", NULL, "");
		if (!strcmp(fault, "emptypages")) {
			/* No items, and a next link that differs each time. */
			static unsigned seq;
			char h[9300];
			snprintf(h, sizeof h, "Link: <http://127.0.0.1:%d/api/%s?%.8000s&empty=%u>; "
					      "rel=\"next\"\r\n",
				 port, kind_path[kind], r->query, __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
			return send_simple(fd, 200, "OK", h, "[]");
		}
		if (!strcmp(fault, "manyvalues")) {
			/* Small in bytes, huge as a tree: five million tiny values. */
			struct buf m = { 0 };
			size_t k;
			buf_str(&m, "[0");
			for (k = 0; k < 5000000; k++)
				buf_add(&m, ",0", 2);
			buf_str(&m, "]");
			rc = send_simple(fd, 200, "OK", NULL, m.p);
			free(m.p);
			return rc;
		}
		if (!strcmp(fault, "huge"))
			return send_huge(fd, 0) ? -1 : 0;
		if (!strcmp(fault, "endless"))
			return send_huge(fd, 1) ? -1 : 0;
		if (!strcmp(fault, "redirect")) {
			snprintf(loc, sizeof loc, "Location: /api/moved/%s%s%s\r\n", kind_path[kind],
				 r->query[0] ? "?" : "", r->query);
			return send_simple(fd, 307, "Temporary Redirect", loc, "{}");
		}
		if (!strcmp(fault, "redirectoff")) {
			snprintf(loc, sizeof loc, "Location: http://localhost:%d%s\r\n", port, r->target);
			return send_simple(fd, 307, "Temporary Redirect", loc, "{}");
		}
		if (!strcmp(fault, "loop")) {
			snprintf(loc, sizeof loc, "Location: %s\r\n", r->target);
			return send_simple(fd, 307, "Temporary Redirect", loc, "{}");
		}
		die("unknown fault %s", fault);
	}

	if (require_token) {
		char want[1100];
		snprintf(want, sizeof want, "Bearer %s", require_token);
		if (strcmp(r->auth, want))
			return send_error(fd, 401, "Unauthorized",
					  "Invalid credentials in Authorization header", NULL);
	}
	(void)path_prefix;
	if ((v = param(r, "sort")) && strcmp(v, "downloads"))
		return send_error(fd, 400, "Bad Request", "test hub sorts by downloads only", NULL);
	if ((v = param(r, "direction")) && !strcmp(v, "1"))
		return send_error(fd, 400, "Bad Request", "ascending sort is not supported", NULL);
	if ((v = param(r, "limit"))) {
		char *e;
		unsigned long x = strtoul(v, &e, 10);
		if (*e || x == 0 || x > max_limit) {
			char m[128];
			snprintf(m, sizeof m, "\"limit\" must be less than or equal to %u", max_limit);
			return send_error(fd, 400, "Bad Request", m, NULL);
		}
		limit = (unsigned)x;
	}
	if (limit > max_limit)
		limit = max_limit;
	if (limit > page_size)
		limit = page_size;
	for (i = 0; i < r->n_params; i++) {
		if (strcmp(r->pkey[i], "expand[]"))
			continue;
		if (!known_expand(kind, r->pval[i])) {
			char m[1200];
			snprintf(m, sizeof m, "\"expand[]\" must be one of the allowed values, got %.64s",
				 r->pval[i]);
			return send_error(fd, 400, "Bad Request", m, NULL);
		}
		if (n_fields < 64)
			fields[n_fields++] = r->pval[i];
	}
	if (n_fields == 0)
		for (i = 0; default_fields[i]; i++)
			fields[n_fields++] = default_fields[i];

	if (delay_ms) {
		struct timespec ts = { (time_t)(delay_ms / 1000), (long)(delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}

	pthread_mutex_lock(&mu);
	if (fault && !strcmp(fault, "change"))
		apply_change(kind);
	if ((v = param(r, "cursor"))) {
		pos = cursor_pos(l, v);
		if (pos == SIZE_MAX) {
			pthread_mutex_unlock(&mu);
			return send_error(fd, 400, "Bad Request", "Invalid cursor", NULL);
		}
		if (fault_is(fault, "ignorecursor"))
			pos = 0;
	}
	end = pos + limit < l->n ? pos + limit : l->n;
	buf_str(&b, "[");
	for (i = pos; i < end; i++) {
		if (i > pos)
			buf_str(&b, ",");
		emit_item(&b, kind, &l->v[i], fields, n_fields);
		served(kind, &l->v[i]);
	}
	if (fault && !strcmp(fault, "bigstring")) {
		/* An id far too long for the Hub (rejected), and an item with one huge tag (kept). */
		size_t k;
		buf_str(&b, pos < end ? ",{\"_id\":\"b16000000000000000000001\",\"id\":\"big/"
				      : "{\"_id\":\"b16000000000000000000001\",\"id\":\"big/");
		for (k = 0; k < (8u << 20); k += 64)
			buf_str(&b, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		buf_str(&b, "\",\"downloads\":5},{\"_id\":\"b16000000000000000000002\",\"id\":"
			    "\"big/tag\",\"downloads\":4,\"tags\":[\"");
		for (k = 0; k < (1u << 20); k += 64)
			buf_str(&b, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
		buf_str(&b, "\"]}");
		if (served_fp)
			fprintf(served_fp, "%s\tbig/tag\n", kind_path[kind]);
	}
	if (fault && !strcmp(fault, "badutf8")) {
		buf_str(&b, pos < end ? "," : "");
		buf_str(&b, "{\"_id\":\"bad000000000000000000001\",\"id\":\"bad/utf8-\xff\xfe\","
			    "\"downloads\":3},{\"_id\":\"bad000000000000000000002\",\"id\":\"bad/tag\","
			    "\"downloads\":2,\"pipeline_tag\":\"\xc3\x28\",\"tags\":[\"\xed\xa0\x80\"]}");
		if (served_fp)
			fprintf(served_fp, "%s\tbad/tag\n", kind_path[kind]);
	}
	buf_str(&b, "]");
	if (served_fp)
		fflush(served_fp);
	has_more = end < l->n;
	link[0] = '\0';
	if (has_more) {
		char cur[200], q[9000], *c;
		size_t qn;
		make_cursor(&l->v[end - 1], cur, sizeof cur);
		/* Every parameter of the request, the cursor replaced. */
		q[0] = '\0';
		qn = 0;
		{
			char tmp[8192], *save = NULL, *tok;
			snprintf(tmp, sizeof tmp, "%s", r->query);
			for (tok = strtok_r(tmp, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
				if (!strncmp(tok, "cursor=", 7))
					continue;
				qn += (size_t)snprintf(q + qn, sizeof q - qn, "%s%s", qn ? "&" : "", tok);
				if (qn >= sizeof q)
					qn = sizeof q - 1;
			}
		}
		c = q;
		if (fault_is(fault, "ignorecursor")) {
			/* Page 1 again, with a cursor never sent before. */
			static unsigned seq;
			char raw[120], *x;
			size_t k;
			snprintf(raw, sizeof raw, "%llu:%s-%u", (unsigned long long)l->v[end - 1].downloads,
				 l->v[end - 1].oid, ++seq);
			for (k = 0, x = cur; raw[k] && k < 90; k++, x += 2)
				snprintf(x, 3, "%02x", (unsigned char)raw[k]);
		}
		/* The off-origin faults change one part each: host, port or scheme. */
		snprintf(link, sizeof link,
			 "Link: <%s://%s:%d/api/%s?%s%scursor=%s%s>; rel=\"next\"\r\n",
			 fault && !strcmp(fault, "linkscheme") ? "https" : "http",
			 fault && !strcmp(fault, "linkhost") ? "localhost" : "127.0.0.1",
			 fault && !strcmp(fault, "linkport") ? other_port : port,
			 kind_path[kind], c, *c ? "&" : "", cur,
			 fault_is(fault, "longlink") ? "&pad=" : "");
		if (fault_is(fault, "cycle") && pos >= (size_t)(cycle_pages - 1) * limit) {
			/* Page N of a cycle of N (--cycle-pages) back to the first
			 * page: its query without the cursor. */
			snprintf(link, sizeof link, "Link: <http://127.0.0.1:%d/api/%s?%s>; rel=\"next\"\r\n",
				 port, kind_path[kind], c);
		} else if (fault_is(fault, "notaurl")) {
			/* A host no URL parser takes. */
			snprintf(link, sizeof link, "Link: <http://[::1/api/%s?%s>; rel=\"next\"\r\n",
				 kind_path[kind], c);
		} else if (fault_is(fault, "selflink")) {
			/* This very page, spelled as it was asked for. */
			snprintf(link, sizeof link, "Link: <%.8000s>; rel=\"next\"\r\n", r->target);
		} else if (fault_is(fault, "respell")) {
			/* This very page, its parameters in reverse order and one
			 * letter percent-encoded. */
			char tmp[8192], *save = NULL, *tok, *toks[MAX_PARAMS];
			size_t nt = 0, k, ln;
			snprintf(tmp, sizeof tmp, "%s", r->query);
			for (tok = strtok_r(tmp, "&", &save); tok && nt < MAX_PARAMS;
			     tok = strtok_r(NULL, "&", &save))
				toks[nt++] = tok;
			ln = (size_t)snprintf(link, sizeof link, "Link: </api/%s?", kind_path[kind]);
			for (k = nt; k-- > 0 && ln < sizeof link;) {
				const char *t = toks[k];
				if (!strncmp(t, "sort=d", 6))
					ln += (size_t)snprintf(link + ln, sizeof link - ln, "sort=%%64%s", t + 6);
				else
					ln += (size_t)snprintf(link + ln, sizeof link - ln, "%s", t);
				if (k && ln < sizeof link)
					link[ln++] = '&';
			}
			if (ln < sizeof link)
				snprintf(link + ln, sizeof link - ln, ">; rel=\"next\"\r\n");
		}
	}
	pthread_mutex_unlock(&mu);

	if (fault_is(fault, "badlink") && link[0]) {
		/* The next link without its closing '>'. */
		char *gt = strstr(link, ">; rel");
		if (gt)
			memmove(gt, gt + 1, strlen(gt));
	}
	if (fault_is(fault, "longlink") && link[0]) {
		/* The next link past 8 KiB: "&pad=ppp...". */
		char *gt = strstr(link, "&pad=");
		struct buf ll = { 0 };
		size_t k;
		buf_add(&ll, link, (size_t)(gt - link) + 5);
		for (k = 0; k < 9000; k += 50)
			buf_str(&ll, "pppppppppppppppppppppppppppppppppppppppppppppppppp");
		buf_str(&ll, gt + 5);
		buf_str(&extra, ll.p);
		free(ll.p);
	} else {
		buf_str(&extra, link);
	}
	if (fault_is(fault, "hugeheader") || fault_is(fault, "hugelink")) {
		/* One header line of 200 KiB: an X-Padding, or a Link whose
		 * next URL is that long. */
		size_t k;
		if (fault_is(fault, "hugeheader"))
			buf_str(&extra, "X-Padding: ");
		else
			buf_fmt(&extra, "Link: <http://127.0.0.1:%d/api/%s?cursor=", port, kind_path[kind]);
		for (k = 0; k < (200u << 10); k += 64)
			buf_str(&extra, "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh");
		buf_str(&extra, fault_is(fault, "hugelink") ? ">; rel=\"next\"\r\n" : "\r\n");
	} else if (fault_is(fault, "manyheaders")) {
		/* 1,000 headers of 1 KiB: each line fine, the whole far too much. */
		size_t k, j;
		for (k = 0; k < 1000; k++) {
			buf_fmt(&extra, "X-Padding-%zu: ", k);
			for (j = 0; j < 1024; j += 64)
				buf_str(&extra, "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm");
			buf_str(&extra, "\r\n");
		}
	}
	if (fault_is(fault, "padded") && b.len > 2 && b.p[1] == '{') {
		/* 1 MiB of a field nobody asked for in the first item. */
		struct buf pb = { 0 };
		size_t k;
		buf_str(&pb, "[{\"_pad\":\"");
		for (k = 0; k < (1u << 20); k += 64)
			buf_str(&pb, "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp");
		buf_str(&pb, "\",");
		buf_add(&pb, b.p + 2, b.len - 2);
		free(b.p);
		b = pb;
	}
	if (fault && !strcmp(fault, "deep")) {
		/* Nesting far beyond anything a listing has. */
		struct buf d = { 0 };
		size_t k;
		buf_str(&d, "[{\"_id\":\"dee000000000000000000001\",\"id\":\"deep/x\",\"tags\":");
		for (k = 0; k < 200000; k++)
			buf_add(&d, "[", 1);
		for (k = 0; k < 200000; k++)
			buf_add(&d, "]", 1);
		buf_str(&d, "}]");
		rc = send_simple(fd, 200, "OK", extra.p, d.p);
		free(d.p);
	} else if (fault && (!strcmp(fault, "reset") || !strcmp(fault, "truncate"))) {
		size_t half = b.len / 2;
		rc = send_head(fd, 200, "OK", extra.p, (long long)(!strcmp(fault, "reset") ? b.len : half));
		if (!rc)
			rc = send_all(fd, b.p, half);
		if (!strcmp(fault, "reset")) {
			lower_priority_close(fd);
			rc = -1;
		}
	} else if (fault && !strcmp(fault, "slow")) {
		/* Headers and a few bytes, then silence until the client gives up. */
		struct pollfd p = { fd, POLLIN, 0 };
		size_t part = b.len < 16 ? b.len : 16;
		rc = send_head(fd, 200, "OK", extra.p, (long long)b.len);
		if (!rc)
			rc = send_all(fd, b.p, part);
		if (!rc && poll(&p, 1, (int)slow_ms) == 0)
			rc = send_all(fd, b.p + part, b.len - part);
		else
			rc = -1;
	} else if (fault_is(fault, "trickle")) {
		rc = send_trickle(fd, extra.p, b.p, b.len);
	} else if (chunked_pages) {
		size_t k;
		rc = send_head(fd, 200, "OK", extra.p, -1);
		for (k = 0; !rc && k < b.len; k += 16384)
			rc = send_chunk(fd, b.p + k, b.len - k < 16384 ? b.len - k : 16384);
		if (!rc)
			rc = send_all(fd, "0\r\n\r\n", 5);
	} else if (gzip_pages && r->gzip) {
		struct buf z = { 0 };
		gzip_stored(&z, b.p, b.len);
		buf_str(&extra, "Content-Encoding: gzip\r\n");
		rc = send_head(fd, 200, "OK", extra.p, (long long)z.len);
		if (!rc)
			rc = send_all(fd, z.p, z.len);
		free(z.p);
	} else {
		rc = send_head(fd, 200, "OK", extra.p, (long long)b.len);
		if (!rc)
			rc = send_all(fd, b.p, b.len);
	}
	free(b.p);
	free(extra.p);
	return rc;
}

static int is_org(const char *name)
{
	size_t i;
	if (!strncmp(name, "org-", 4))
		return 1;
	for (i = 0; i < n_org_names; i++)
		if (!strcasecmp(org_names[i], name))
			return 1;
	return 0;
}

static int handle_org(int fd, const char *name)
{
	const char *fault;
	char body[1024];
	pthread_mutex_lock(&mu);
	fault = fault_for(1);
	pthread_mutex_unlock(&mu);
	if (fault) {
		int status = atoi(fault);
		if (status == 429) {
			char h[256];
			snprintf(h, sizeof h, "RateLimit: \"api\";r=0;t=%u\r\n", ratelimit_t);
			return send_error(fd, 429, "Too Many Requests", "rate-limited", h);
		}
		return send_error(fd, status ? status : 500, "Error", "Injected failure", NULL);
	}
	if (!is_org(name))
		return send_error(fd, 404, "Not Found", "Organization not found", NULL);
	snprintf(body, sizeof body,
		 "{\"avatarUrl\":\"https://example.invalid/a.png\",\"name\":\"%s\",\"fullname\":\"%s\","
		 "\"details\":\"\",\"isVerified\":false,\"numUsers\":3,\"numModels\":10,"
		 "\"numSpaces\":0,\"numDatasets\":1,\"numFollowers\":5,\"numPapers\":0,\"plan\":\"team\"}",
		 name, name);
	return send_simple(fd, 200, "OK", NULL, body);
}

/* Rewrites the --stats file (under mu): whole or not at all. */
static void stats_write(void)
{
	char tmp[4200];
	FILE *fp;
	if (!stats_path)
		return;
	snprintf(tmp, sizeof tmp, "%s.tmp", stats_path);
	fp = fopen(tmp, "w");
	if (!fp)
		return;
	fprintf(fp, "requests %llu\nlimited %llu\nwindows %llu\nmax_in_window %llu\n"
		    "quota %u\nwindow %g\n",
		(unsigned long long)st_requests, (unsigned long long)st_limited,
		(unsigned long long)rl_windows_used, (unsigned long long)st_max_in_window, rl_quota,
		rl_window);
	if (fclose(fp) == 0)
		rename(tmp, stats_path);
}

/* Counts the request in its fixed window and sets this thread's RateLimit
 * headers.  1 when it is over the quota: the answer is a 429. */
static int rate_limit(void)
{
	struct timespec ts;
	double el, end;
	uint64_t w;
	int over = 0;

	rl_headers[0] = '\0';
	pthread_mutex_lock(&mu);
	st_requests++;
	if (rl_quota) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		el = (double)(ts.tv_sec - rl_start.tv_sec) + (double)(ts.tv_nsec - rl_start.tv_nsec) / 1e9;
		w = (uint64_t)(el / rl_window);
		if (w != rl_cur_window || !rl_windows_used) {
			rl_cur_window = w;
			rl_in_window = 0;
			rl_windows_used++;
		}
		if (rl_in_window >= rl_quota) {
			over = 1;
			st_limited++;
		} else if (++rl_in_window > st_max_in_window) {
			st_max_in_window = rl_in_window;
		}
		end = (double)(w + 1) * rl_window;
		/* Whole seconds, rounded up: never sooner than the reset. */
		snprintf(rl_headers, sizeof rl_headers,
			 "RateLimit: \"api\";r=%llu;t=%.0f\r\n"
			 "RateLimit-Policy: \"fixed window\";\"api\";q=%u;w=%g\r\n",
			 (unsigned long long)(rl_quota - rl_in_window), ceil(end - el), rl_quota, rl_window);
	}
	stats_write();
	pthread_mutex_unlock(&mu);
	return over;
}

static int handle(int fd, struct request *r)
{
	char *q = strchr(r->target, '?');
	const char *p;
	size_t plen;
	if (rate_limit())
		return send_error(fd, 429, "Too Many Requests",
				  "You have been rate-limited; you can retry this action later", NULL);
	if (q) {
		snprintf(r->query, sizeof r->query, "%s", q + 1);
		snprintf(r->path, sizeof r->path, "%.*s", (int)(q - r->target), r->target);
	} else {
		r->query[0] = '\0';
		snprintf(r->path, sizeof r->path, "%s", r->target);
	}
	parse_query(r);
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return send_error(fd, 405, "Method Not Allowed", "GET only", NULL);
	p = r->path;
	if (!strncmp(p, "/api/moved/", 11))
		p += 10;     /* renamed path: served as the original */
	else if (!strncmp(p, "/api/", 5))
		p += 4;
	else
		return send_error(fd, 404, "Not Found", "Not found", NULL);
	if (!strcmp(p, "/models"))
		return handle_listing(fd, r, K_MODELS, "");
	if (!strcmp(p, "/datasets"))
		return handle_listing(fd, r, K_DATASETS, "");
	if (!strncmp(p, "/organizations/", 15)) {
		char name[256];
		const char *s = p + 15, *e = strchr(s, '/');
		plen = e ? (size_t)(e - s) : 0;
		if (e && !strcmp(e, "/overview") && plen > 0 && plen < sizeof name) {
			memcpy(name, s, plen);
			name[plen] = '\0';
			url_decode(name);
			return handle_org(fd, name);
		}
	}
	return send_error(fd, 404, "Not Found", "Not found", NULL);
}

/* ---- connections -------------------------------------------------------- */

/* One accepted connection, numbered from 1 in the log. */
struct conn {
	int fd;
	unsigned id;
};

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	int fd = c->fd;
	char *in = xrealloc(NULL, 65536);
	size_t have = 0;
	struct request *r = xrealloc(NULL, sizeof *r);

	for (;;) {
		char *end, *line, *save = NULL, hdrlog[16384];
		size_t used, hl = 0;
		long long clen = 0;
		struct pollfd p = { fd, POLLIN, 0 };

		while (!(end = memmem(in, have, "\r\n\r\n", 4))) {
			ssize_t n;
			if (have >= 65535 || poll(&p, 1, 60000) <= 0)
				goto out;
			n = recv(fd, in + have, 65535 - have, 0);
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}
		*end = '\0';
		used = (size_t)(end - in) + 4;
		memset(r, 0, sizeof *r);
		line = strtok_r(in, "\r\n", &save);
		if (!line || sscanf(line, "%15s %8191s", r->method, r->target) != 2)
			goto out;
		hdrlog[0] = '\0';
		while ((line = strtok_r(NULL, "\r\n", &save))) {
			char *colon = strchr(line, ':'), *v;
			if (!colon)
				continue;
			*colon = '\0';
			for (v = colon + 1; *v == ' '; v++)
				;
			if (hl < sizeof hdrlog - 1)
				hl += (size_t)snprintf(hdrlog + hl, sizeof hdrlog - hl, "%s%s: %s",
						       hl ? "\t" : "", line, v);
			if (hl >= sizeof hdrlog)
				hl = sizeof hdrlog - 1;
			if (!strcasecmp(line, "host"))
				snprintf(r->host, sizeof r->host, "%s", v);
			else if (!strcasecmp(line, "authorization"))
				snprintf(r->auth, sizeof r->auth, "%s", v);
			else if (!strcasecmp(line, "connection") && !strcasecmp(v, "close"))
				r->close = 1;
			else if (!strcasecmp(line, "content-length"))
				clen = atoll(v);
			else if (!strcasecmp(line, "accept-encoding"))
				r->gzip = strstr(v, "gzip") != NULL;
		}
		pthread_mutex_lock(&mu);
		log_request(r->method, r->target, hdrlog, c->id);
		pthread_mutex_unlock(&mu);
		/* Request bodies are not used: skip them. */
		memmove(in, in + used, have - used);
		have -= used;
		while (clen > 0) {
			size_t k = (size_t)clen < have ? (size_t)clen : have;
			ssize_t n;
			memmove(in, in + k, have - k);
			have -= k;
			clen -= (long long)k;
			if (clen <= 0)
				break;
			n = recv(fd, in, 65535, 0);
			if (n <= 0)
				goto out;
			have = (size_t)n;
		}
		if (handle(fd, r) || r->close)
			break;
	}
out:
	free(r);
	free(in);
	free(c);
	close(fd);
	return NULL;
}

static time_t started;
static unsigned max_seconds = 120;
static pid_t parent;

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec ts = { 0, 200 * 1000000L };
		nanosleep(&ts, NULL);
		if (getppid() != parent || (max_seconds && time(NULL) - started > (time_t)max_seconds))
			_exit(0);
	}
	return NULL;
}

/* A listening socket on 127.0.0.1, on a free port (into *p). */
static int listen_loopback(int *p)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl))
		die("cannot listen on 127.0.0.1: %s", strerror(errno));
	*p = ntohs(sa.sin_port);
	return fd;
}

/* Accepts connections on the listening socket *arg, a thread for each. */
static void *accept_main(void *arg)
{
	int lfd = *(const int *)arg, one = 1;

	for (;;) {
		pthread_t t;
		pthread_attr_t at;
		struct conn *c;
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			die("accept: %s", strerror(errno));
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&at, 1 << 20);
		c = malloc(sizeof *c);
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		pthread_mutex_lock(&mu);
		c->id = ++conns;
		pthread_mutex_unlock(&mu);
		if (pthread_create(&t, &at, conn_main, c)) {
			close(fd);
			free(c);
		}
		pthread_attr_destroy(&at);
	}
	return NULL;
}

static void usage(void)
{
	fputs("usage: testhub [options]\n"
	      "  --models FILE         JSON Lines (or a JSON array) of model items; repeatable\n"
	      "  --datasets FILE       the same for datasets\n"
	      "  --generate N          N generated models (a long tail)\n"
	      "  --generate-datasets N N generated datasets\n"
	      "  --max-limit N         largest limit accepted, larger answers 400 (1000)\n"
	      "  --page-size N         serve at most N items a page whatever the limit\n"
	      "  --chunked             send pages with chunked transfer encoding\n"
	      "  --gzip                send pages gzip-encoded to clients that accept it\n"
	      "  --org NAME            NAME answers 200 on /api/organizations/NAME/overview\n"
	      "                        (generated accounts named org-* do too); repeatable\n"
	      "  --require-token T     listings answer 401 unless sent 'authorization: Bearer T'\n"
	      "  --log FILE            one line per request: method, target, headers\n"
	      "  --served FILE         one line per item served: kind, id\n"
	      "  --delay-ms N          wait N ms before each listing answer\n"
	      "  --slow-ms N           how long the 'slow' fault stalls (20000)\n"
	      "  --ratelimit-t N       t= of the RateLimit header on 429 (1)\n"
	      "  --quota Q             enforce Q requests per fixed window (see --window):\n"
	      "                        RateLimit and RateLimit-Policy on every answer, 429\n"
	      "                        past the quota (0: no policy, the default)\n"
	      "  --window S            the policy's window in seconds (300)\n"
	      "  --stats FILE          rewritten after every request: requests, limited\n"
	      "                        (429s sent by the policy), windows, max_in_window\n"
	      "  --cycle-pages N       pages in the cycle of the cycle fault (2)\n"
	      "  --max-seconds N       exit after N seconds (120; 0 = never)\n"
	      "  --fault SPEC          [org:]NAME[@K][xT]: the K-th listing (or organisation)\n"
	      "                        request and the T-1 after it get fault NAME; T=0 forever.\n"
	      "                        NAME: an HTTP status (408 429 500 502 503 504 400 401 ...),\n"
	      "                        429retry, reset, truncate, malformed, html, empty,\n"
	      "                        emptypages, slow,\n"
	      "                        change, huge, endless, deep, manyvalues, bigstring, badutf8,\n"
	      "                        linkhost, linkport, linkscheme, redirect, redirectoff, loop,\n"
	      "                        jsonerr, jsonerrs, hdrerr, botherr (404 with the message\n"
	      "                        in the JSON body, its errors[], the header, or both).\n"
	      "                        Hostile pages: cycle (page N of the listing links back\n"
	      "                        to the first page: see --cycle-pages),\n"
	      "                        selflink (next link to this very page), respell (the\n"
	      "                        same, spelled differently),\n"
	      "                        ignorecursor (page 1 again, with a fresh cursor),\n"
	      "                        padded (1 MiB of padding in the first item),\n"
	      "                        longlink (a next link over 8 KiB), badlink (a next\n"
	      "                        link without its closing '>'), notaurl (a next link\n"
	      "                        that is not a URL), hugeheader and\n"
	      "                        hugelink (a 200 KiB header line, or Link), manyheaders\n"
	      "                        (1,000 headers of 1 KiB), trickle (2 bytes a second)\n",
	      stderr);
	exit(2);
}

static void add_fault(const char *spec)
{
	struct fault *f;
	char *at, *x;
	if (n_faults >= sizeof faults / sizeof faults[0])
		die("too many faults");
	f = &faults[n_faults++];
	f->at = 1;
	f->times = 1;
	if (!strncmp(spec, "org:", 4)) {
		f->orgs = 1;
		spec += 4;
	}
	snprintf(f->name, sizeof f->name, "%s", spec);
	if ((x = strchr(f->name, 'x'))) {
		*x = '\0';
		f->times = (unsigned)atoi(x + 1);
	}
	if ((at = strchr(f->name, '@'))) {
		*at = '\0';
		f->at = (unsigned)atoi(at + 1);
	}
}

int main(int argc, char **argv)
{
	int i, lfd;
	pthread_t wd, t;
	const char *log_path = NULL, *served_path = NULL;

	parent = getppid();
	started = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &rl_start);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--gzip")) {
			gzip_pages = 1;
			crc_init();
			continue;
		}
		if (!strcmp(a, "--chunked")) {
			chunked_pages = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--models"))
			load_file(K_MODELS, v);
		else if (!strcmp(a, "--datasets"))
			load_file(K_DATASETS, v);
		else if (!strcmp(a, "--generate"))
			generate(K_MODELS, (uint32_t)strtoul(v, NULL, 10));
		else if (!strcmp(a, "--generate-datasets"))
			generate(K_DATASETS, (uint32_t)strtoul(v, NULL, 10));
		else if (!strcmp(a, "--max-limit"))
			max_limit = (unsigned)atoi(v);
		else if (!strcmp(a, "--page-size"))
			page_size = (unsigned)atoi(v);
		else if (!strcmp(a, "--org") && n_org_names < 64)
			org_names[n_org_names++] = argv[i];
		else if (!strcmp(a, "--require-token"))
			require_token = v;
		else if (!strcmp(a, "--log"))
			log_path = v;
		else if (!strcmp(a, "--served"))
			served_path = v;
		else if (!strcmp(a, "--delay-ms"))
			delay_ms = (unsigned)atoi(v);
		else if (!strcmp(a, "--slow-ms"))
			slow_ms = (unsigned)atoi(v);
		else if (!strcmp(a, "--cycle-pages"))
			cycle_pages = (unsigned)atoi(v) > 1 ? (unsigned)atoi(v) : 2;
		else if (!strcmp(a, "--ratelimit-t"))
			ratelimit_t = (unsigned)atoi(v);
		else if (!strcmp(a, "--quota"))
			rl_quota = (unsigned)atoi(v);
		else if (!strcmp(a, "--window") && atof(v) > 0)
			rl_window = atof(v);
		else if (!strcmp(a, "--stats"))
			stats_path = v;
		else if (!strcmp(a, "--max-seconds"))
			max_seconds = (unsigned)atoi(v);
		else if (!strcmp(a, "--fault"))
			add_fault(v);
		else
			usage();
	}
	if (page_size == 0)
		page_size = 1;
	for (i = 0; i < K_COUNT; i++)
		if (lists[i].n)
			qsort(lists[i].v, lists[i].n, sizeof *lists[i].v, item_cmp);
	if (log_path && !(log_fp = fopen(log_path, "a")))
		die("%s: %s", log_path, strerror(errno));
	if (served_path && !(served_fp = fopen(served_path, "a")))
		die("%s: %s", served_path, strerror(errno));

	lfd = listen_loopback(&port);
	printf("PORT %d\n", port);
	fflush(stdout);
	if (pthread_create(&wd, NULL, watchdog, NULL))
		die("cannot start the watchdog");
	pthread_detach(wd);
	for (i = 0; i < (int)n_faults; i++)
		if (!strcmp(faults[i].name, "linkport"))
			break;
	if (i < (int)n_faults) {
		static int ofd;
		ofd = listen_loopback(&other_port);
		if (pthread_create(&t, NULL, accept_main, &ofd))
			die("cannot start the second listener");
		pthread_detach(t);
	}
	accept_main(&lfd);
	return 0;
}

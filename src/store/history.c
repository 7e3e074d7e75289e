/* history.c - the cache's series of snapshots: an index, whole snapshots
 * (bases) and deltas against them.  Formats in docs/snapshot-format.md. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hubtop/history.h"
#include "hubtop/civil.h"
#include "hubtop/safetext.h"
#include "hubtop/rowmap.h"
#include "hubtop/strmatch.h"

#define INDEX_HEAD "# hubtop history 1"
#define DELTA_MAGIC "HUBTOPHD"
#define DELTA_VERSION 1u
#define DELTA_HEAD 128u
#define ENDIAN_MARK 0x01020304u
#define NO_ROW UINT32_MAX
/* A delta larger than this fraction of the whole snapshot is not worth it. */
#define REBASE_DIVISOR 3u

/* Record modes.  Varints are LEB128 of zigzag-coded differences: counts
 * that grow a little, offsets that follow each other, rows that move a
 * few ranks, take a byte or two instead of eight. */
enum {
	MODE_FULL = 0,       /* the section's bytes */
	MODE_POOL = 2,       /* the new strings, after the base's pool */
	MODE_MAP = 3,        /* per row: 0 new, else zigzag(base row - row) + 1 */
	MODE_SPARSE_VAR = 4, /* bitmap of rows that differ from their base row, then
				per such row zigzag(value - base value, 0 for a new row) */
	MODE_FULL_VAR = 5,   /* per value: zigzag(value - previous value) */
};
#define MAP_ID(k) (0xFFFF0000u + (uint32_t)(k))

/* Entry flags in the index. */
#define EF_COMPLETE 1u
#define EF_DEMO 2u
#define EF_INFERRED 4u
#define EF_HIDDEN 8u /* removed, kept only as the base of others */

struct hent {
	struct history_entry e;
	int hidden;
};

struct history {
	char dir[PATH_MAX];
	struct hent *all;  /* every entry of the index, hidden ones too */
	size_t n_all;
	size_t *vis;       /* the visible ones, oldest first */
	size_t n_vis;
};

static void fail(struct store_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

void history_date(int64_t t, char buf[11])
{
	if (civil_iso_date(t, buf, 11) != 0)
		snprintf(buf, 11, "0000-00-00");
}

static int dir_path(const char *cache_dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/history", cache_dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int history_index_path(const char *cache_dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/history/index", cache_dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ---- the writers' lock ---------------------------------------------------------- */

static unsigned lock_wait_ms = HISTORY_LOCK_WAIT_MS;

void history_set_lock_wait(unsigned ms)
{
	lock_wait_ms = ms;
}

/* Takes CACHE/history/index.lock (flock, exclusive) for one read, change
 * and write of the index: two processes adding at once would otherwise
 * each write the index they read, and one entry would be lost.  A file of
 * its own, since the index itself is replaced by a rename.  Waits at most
 * lock_wait_ms.  The descriptor (history_unlock releases it), or -1 with
 * err filled. */
static int history_lock(const char *cache_dir, struct store_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	unsigned waited = 0;
	int fd, n;

	if (dir_path(cache_dir, dir, sizeof dir) != 0 ||
	    (n = snprintf(path, sizeof path, "%s/index.lock", dir)) < 0 || (size_t)n >= sizeof path) {
		fail(err, "%s/history: path too long", cache_dir);
		return -1;
	}
	if (store_mkdirs(dir, err) != 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fail(err, "cannot open the history's lock file %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		struct timespec ts = { 0, 50 * 1000000L };
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			fail(err, "cannot lock the history's lock file %s: %s", path, strerror(errno));
			break;
		}
		if (waited >= lock_wait_ms) {
			fail(err, "another hubtop process is changing the history: %s was still locked after %u s; "
			     "try again when it has finished (or remove the lock file if no hubtop is running)",
			     path, lock_wait_ms / 1000);
			break;
		}
		nanosleep(&ts, NULL);
		waited += 50;
	}
	close(fd);
	return -1;
}

static void history_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

static int file_path(const struct history *h, const char *file, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", h->dir, file);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ---- the index ---------------------------------------------------------------- */

/* A data file's name: only what history.c itself writes. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 64 || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

static void hex_encode(const char *s, char *out, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		out[o++] = hx[(unsigned char)*s >> 4];
		out[o++] = hx[(unsigned char)*s & 15];
	}
	if (o == 0 && len > 1)
		out[o++] = '-';
	out[o] = '\0';
}

static int hex_val(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int hex_decode(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (!strcmp(s, "-")) {
		out[0] = '\0';
		return 0;
	}
	for (; s[0] && s[1]; s += 2) {
		int a = hex_val(s[0]), b = hex_val(s[1]);
		if (a < 0 || b < 0 || o + 1 >= len)
			return -1;
		out[o++] = (char)(a * 16 + b);
	}
	out[o] = '\0';
	if (*s)
		return -1;
	safetext_clean_inplace(out);
	return 0;
}

/* One line of the index, without its checksum. */
static int entry_line(const struct hent *he, char *buf, size_t len)
{
	const struct history_entry *e = &he->e;
	char ep[sizeof e->endpoint * 2 + 2];
	unsigned flags = (e->complete ? EF_COMPLETE : 0) | (e->demo ? EF_DEMO : 0) |
			 (e->as_of_inferred ? EF_INFERRED : 0) | (he->hidden ? EF_HIDDEN : 0);
	int n;

	hex_encode(e->endpoint, ep, sizeof ep);
	n = snprintf(buf, len,
		     "E %s %" PRId64 " %" PRId64 " %u %" PRIu64 " %u %" PRIu32 " %" PRIu32 " %" PRIu64
		     " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %s %s",
		     e->date, e->as_of, e->fetched_at, flags, e->top_n, e->no_alltime,
		     e->items[HT_MODELS], e->items[HT_DATASETS], e->downloads_all[HT_MODELS],
		     e->downloads_all[HT_DATASETS], e->downloads[HT_MODELS], e->downloads[HT_DATASETS],
		     e->disk_bytes, e->file, e->base[0] ? e->base : "-", ep);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static int parse_line(char *line, struct hent *he)
{
	char date[16], file[64], base[64], ep[600], *sum;
	unsigned flags, noat;
	unsigned long long want;
	struct history_entry *e = &he->e;
	int consumed = 0;

	sum = strrchr(line, ' ');
	if (!sum || strlen(sum + 1) != 16)
		return -1;
	*sum = '\0';
	want = strtoull(sum + 1, NULL, 16);
	if (store_checksum(line, strlen(line)) != want)
		return -1;
	memset(he, 0, sizeof *he);
	if (sscanf(line,
		   "E %15s %" SCNd64 " %" SCNd64 " %u %" SCNu64 " %u %" SCNu32 " %" SCNu32 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %63s %63s %599s%n",
		   date, &e->as_of, &e->fetched_at, &flags, &e->top_n, &noat, &e->items[HT_MODELS],
		   &e->items[HT_DATASETS], &e->downloads_all[HT_MODELS],
		   &e->downloads_all[HT_DATASETS], &e->downloads[HT_MODELS],
		   &e->downloads[HT_DATASETS], &e->disk_bytes, file, base, ep, &consumed) != 16 ||
	    line[consumed] != '\0')
		return -1;
	if (strlen(date) != 10 || !name_ok(file) || (strcmp(base, "-") && !name_ok(base)) ||
	    hex_decode(ep, e->endpoint, sizeof e->endpoint) != 0)
		return -1;
	memcpy(e->date, date, 11);
	snprintf(e->file, sizeof e->file, "%s", file);
	snprintf(e->base, sizeof e->base, "%s", strcmp(base, "-") ? base : "");
	e->complete = (flags & EF_COMPLETE) != 0;
	e->demo = (flags & EF_DEMO) != 0;
	e->as_of_inferred = (flags & EF_INFERRED) != 0;
	e->no_alltime = noat;
	he->hidden = (flags & EF_HIDDEN) != 0;
	return 0;
}

static int cmp_vis(const void *pa, const void *pb, void *ctx)
{
	const struct hent *all = ctx;
	const struct history_entry *a = &all[*(const size_t *)pa].e, *b = &all[*(const size_t *)pb].e;

	if (a->as_of != b->as_of)
		return a->as_of < b->as_of ? -1 : 1;
	return strcmp(a->file, b->file);
}

static int index_visible(struct history *h)
{
	size_t i;

	free(h->vis);
	h->vis = malloc((h->n_all ? h->n_all : 1) * sizeof *h->vis);
	if (!h->vis)
		return -1;
	h->n_vis = 0;
	for (i = 0; i < h->n_all; i++)
		if (!h->all[i].hidden)
			h->vis[h->n_vis++] = i;
	qsort_r(h->vis, h->n_vis, sizeof *h->vis, cmp_vis, h->all);
	return 0;
}

static int push_entry(struct history *h, const struct hent *he)
{
	struct hent *n = realloc(h->all, (h->n_all + 1) * sizeof *n);

	if (!n)
		return -1;
	h->all = n;
	h->all[h->n_all++] = *he;
	return 0;
}

struct history *history_open(const char *cache_dir, struct store_err *err)
{
	struct history *h = calloc(1, sizeof *h);
	char path[PATH_MAX], line[2048];
	unsigned bad = 0, lineno = 0, first_bad = 0;
	FILE *fp;

	if (err)
		err->msg[0] = '\0';
	if (!h)
		return NULL;
	if (dir_path(cache_dir, h->dir, sizeof h->dir) != 0 ||
	    history_index_path(cache_dir, path, sizeof path) != 0) {
		fail(err, "%s: cache folder name too long; the history is not read", cache_dir);
		index_visible(h);
		return h;
	}
	fp = store_cache_read(path);
	if (!fp) {
		if (errno != ENOENT)
			fail(err, "%s: cannot read the history (%s); it is ignored. Remove the file to "
			     "start a new history.", path, strerror(errno));
		if (index_visible(h) != 0) {
			history_free(h);
			return NULL;
		}
		return h;
	}
	while (fgets(line, sizeof line, fp)) {
		size_t n = strlen(line);
		struct hent he;
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(fp)) {
			int c;
			while ((c = fgetc(fp)) != EOF && c != '\n')
				;
			goto broken;
		} else if (n) {
			goto broken; /* cut short: the last line lost its end */
		}
		if (lineno == 1) {
			if (strcmp(line, INDEX_HEAD) != 0)
				goto broken;
			continue;
		}
		if (n == 0)
			continue;
		if (parse_line(line, &he) != 0)
			goto broken;
		if (push_entry(h, &he) != 0) {
			fclose(fp);
			history_free(h);
			return NULL;
		}
		continue;
broken:
		if (!bad++)
			first_bad = lineno;
	}
	fclose(fp);
	if (lineno == 0)
		fail(err, "%s: the history index is empty; no earlier snapshot is listed. "
		     "Remove the file to start a new history.", path);
	else if (bad)
		fail(err, "%s: the history index is damaged (%u unreadable line%s, the first at "
		     "line %u); %zu snapshot%s could be read. Remove the file to start a new history.",
		     path, bad, bad == 1 ? "" : "s", first_bad, h->n_all, h->n_all == 1 ? "" : "s");
	if (index_visible(h) != 0) {
		history_free(h);
		return NULL;
	}
	return h;
}

void history_free(struct history *h)
{
	if (!h)
		return;
	free(h->all);
	free(h->vis);
	free(h);
}

size_t history_count(const struct history *h)
{
	return h ? h->n_vis : 0;
}

const struct history_entry *history_at(const struct history *h, size_t i)
{
	return h && i < h->n_vis ? &h->all[h->vis[i]].e : NULL;
}

long history_nearest(const struct history *h, int64_t when)
{
	long best = -1;
	uint64_t bestd = 0;
	size_t i;

	for (i = 0; h && i < h->n_vis; i++) {
		int64_t a = h->all[h->vis[i]].e.as_of;
		uint64_t d = a > when ? (uint64_t)a - (uint64_t)when : (uint64_t)when - (uint64_t)a;
		if (best < 0 || d < bestd) {
			best = (long)i;
			bestd = d;
		}
	}
	return best;
}

long history_find_date(const struct history *h, const char *day)
{
	size_t i;

	for (i = 0; h && day && i < h->n_vis; i++)
		if (!strcmp(h->all[h->vis[i]].e.date, day))
			return (long)i;
	return -1;
}

struct index_out {
	const struct history *h;
};

static int write_index(void *ctx, void *fpv)
{
	const struct history *h = ((struct index_out *)ctx)->h;
	FILE *fp = fpv;
	char line[2048];
	size_t i;

	if (fprintf(fp, "%s\n", INDEX_HEAD) < 0)
		return -1;
	for (i = 0; i < h->n_all; i++) {
		int n = entry_line(&h->all[i], line, sizeof line);
		if (n < 0)
			return -1;
		if (fprintf(fp, "%s %016" PRIx64 "\n", line, store_checksum(line, (size_t)n)) < 0)
			return -1;
	}
	return 0;
}

static int save_index(const struct history *h, struct store_err *err)
{
	char path[PATH_MAX];
	struct index_out o = { h };

	if (snprintf(path, sizeof path, "%s/index", h->dir) >= (int)sizeof path) {
		fail(err, "%s: path too long", h->dir);
		return -1;
	}
	return store_atomic_write(path, write_index, &o, err);
}

/* ---- strings and rows of the base ----------------------------------------- */

/* Where each string of the new pool lands in the stored one (the base's
 * pool followed by the new strings), in pool order. */
struct xlat {
	uint32_t *from, *to;
	size_t n;
	/* A bit per byte of the new pool, set where a string starts, and the
	 * number set before each word: which string an offset falls in is a
	 * popcount away (rank), where a binary search took 20 misses. */
	uint64_t *starts;
	uint32_t *before;
	uint64_t pool_len;
};

static int xlat_rank_build(struct xlat *x, uint64_t pool_len)
{
	size_t words = (size_t)(pool_len + 63) / 64, i;
	uint32_t count = 0;

	x->pool_len = pool_len;
	x->starts = calloc(words + 1, sizeof *x->starts);
	x->before = malloc((words + 1) * sizeof *x->before);
	if (!x->starts || !x->before)
		return -1;
	for (i = 0; i < x->n; i++)
		x->starts[x->from[i] / 64] |= 1ull << (x->from[i] % 64);
	for (i = 0; i < words; i++) {
		x->before[i] = count;
		count += (uint32_t)__builtin_popcountll(x->starts[i]);
	}
	return 0;
}

/* The index of the string offset v falls in (the last one starting at
 * or before it); x->n > 0 and from[0] == 0. */
static size_t xlat_rank(const struct xlat *x, uint32_t v)
{
	uint64_t at = v < x->pool_len ? v : x->pool_len - 1;
	uint64_t w = x->starts[at / 64] & (~0ull >> (63 - at % 64));
	return (size_t)x->before[at / 64] + (size_t)__builtin_popcountll(w) - 1;
}

static size_t xlat_index(const struct xlat *x, uint32_t v)
{
	size_t lo = 0, hi = x->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (x->from[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t xlat_off(const struct xlat *x, uint32_t v)
{
	size_t lo = xlat_index(x, v);
	return x->to[lo] + (v - x->from[lo]);
}

/* The offset of every string of a pool, in pool order, into a new array
 * (*n of them); NULL when memory runs out. */
static uint32_t *pool_offsets(const char *pool, uint64_t len, size_t *n)
{
	uint64_t off;
	size_t count = 0;
	uint32_t *v;

	for (off = 0; off < len; off += strlen(pool + off) + 1)
		count++;
	v = malloc((count + 1) * sizeof *v);
	if (!v)
		return NULL;
	count = 0;
	for (off = 0; off < len; off += strlen(pool + off) + 1)
		v[count++] = (uint32_t)off;
	*n = count;
	return v;
}

/* A column of pool offsets translated once (rather than at each of the
 * passes over it).  Each value reads four random places (two for its
 * rank, two for its string's shift): a value's are fetched while those
 * before it are finished, AHEAD apart, so the misses overlap. */
static uint32_t *xlat_column(const struct xlat *x, const unsigned char *data, uint64_t n)
{
	enum { AHEAD = 16 };
	uint32_t *tv = malloc((size_t)(n ? n : 1) * sizeof *tv);
	size_t ring[AHEAD];
	uint64_t i;

	if (!tv)
		return NULL;
	if (!x->n || !x->starts) {
		for (i = 0; i < n; i++) {
			uint32_t v;
			size_t at;
			memcpy(&v, data + i * 4, 4);
			at = x->n ? xlat_index(x, v) : 0;
			tv[i] = x->n ? x->to[at] + (v - x->from[at]) : v;
		}
		return tv;
	}
	for (i = 0; i < n + 2 * AHEAD; i++) {
		uint32_t v;
		if (i < n) {
			uint64_t a;
			memcpy(&v, data + i * 4, 4);
			a = v < x->pool_len ? v : x->pool_len - 1;
			__builtin_prefetch(&x->starts[a / 64]);
			__builtin_prefetch(&x->before[a / 64]);
		}
		/* The slot of the value finished here is then refilled. */
		if (i >= 2 * AHEAD) {
			uint64_t j = i - 2 * AHEAD;
			size_t at = ring[j % AHEAD];
			memcpy(&v, data + j * 4, 4);
			tv[j] = x->to[at] + (v - x->from[at]);
		}
		if (i >= AHEAD && i - AHEAD < n) {
			size_t at;
			memcpy(&v, data + (i - AHEAD) * 4, 4);
			at = xlat_rank(x, v);
			__builtin_prefetch(&x->to[at]);
			__builtin_prefetch(&x->from[at]);
			ring[(i - AHEAD) % AHEAD] = at;
		}
	}
	return tv;
}

/* amap[j]: the new account index of base account j (NO_ROW when gone);
 * both lists are sorted by name. */
static uint32_t *account_map(const struct ht_snapshot *b, const char *npool, uint64_t npool_len,
			     const uint32_t *nnames, uint32_t nn)
{
	uint32_t *m = malloc(((size_t)b->n_accounts + 1) * sizeof *m);
	uint32_t i = 0, j = 0;

	if (!m)
		return NULL;
	while (i < b->n_accounts) {
		int c;
		if (j >= nn) {
			m[i++] = NO_ROW;
			continue;
		}
		if (nnames[j] >= npool_len) {
			free(m);
			return NULL;
		}
		c = strcmp(b->pool + b->acct_name[i], npool + nnames[j]);
		if (c == 0)
			m[i++] = j++;
		else if (c < 0)
			m[i++] = NO_ROW;
		else
			j++;
	}
	return m;
}

struct term_ctx {
	const char *pool;
	const uint32_t *terms;
};

static int cmp_term(const void *pa, const void *pb, void *ctx)
{
	const struct term_ctx *c = ctx;
	return strcmp(c->pool + c->terms[*(const uint32_t *)pa], c->pool + c->terms[*(const uint32_t *)pb]);
}

/* tmap[j]: the new term index of base term j, or NO_ROW. */
static uint32_t *term_map(const struct ht_snapshot *b, const char *npool, uint64_t npool_len,
			  const uint32_t *nterms, uint32_t nt)
{
	uint32_t *m = malloc(((size_t)b->n_terms + 1) * sizeof *m);
	uint32_t *ord = malloc(((size_t)nt + 1) * sizeof *ord);
	struct term_ctx c = { npool, nterms };
	uint32_t i;

	if (!m || !ord)
		goto fail;
	for (i = 0; i < nt; i++) {
		if (nterms[i] >= npool_len)
			goto fail;
		ord[i] = i;
	}
	qsort_r(ord, nt, sizeof *ord, cmp_term, &c);
	for (i = 0; i < b->n_terms; i++) {
		const char *want = b->pool + b->terms[i];
		size_t lo = 0, hi = nt;
		m[i] = NO_ROW;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int r = strcmp(npool + nterms[ord[mid]], want);
			if (r == 0) {
				m[i] = ord[mid];
				break;
			}
			if (r < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	free(ord);
	return m;
fail:
	free(m);
	free(ord);
	return NULL;
}

/* ---- a growing buffer ---------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1 << 16;
	unsigned char *n;

	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	n = realloc(b->p, cap);
	if (!n)
		return -1;
	b->p = n;
	b->cap = cap;
	return 0;
}

static int buf_put(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) != 0)
		return -1;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static int buf_pad(struct buf *b)
{
	static const unsigned char z[8];
	return buf_put(b, z, (8 - b->len % 8) % 8);
}

/* A record: id, mode, payload length, payload (padded).  Returns the
 * payload's offset, or (size_t)-1. */
static size_t rec_open(struct buf *b, uint32_t id, uint32_t mode, uint64_t len)
{
	unsigned char h[16];

	put_u32(h, id);
	put_u32(h + 4, mode);
	put_u64(h + 8, len);
	if (buf_put(b, h, 16) != 0 || buf_reserve(b, (size_t)len + 8) != 0)
		return (size_t)-1;
	return b->len;
}

/* ---- making a delta -------------------------------------------------------- */

/* A record of a delta file as read. */
struct rec {
	uint32_t id, mode;
	uint64_t len;
	const unsigned char *p;
};



/* A value of w bytes, as the first w bytes of a zeroed uint64_t.  On a
 * little-endian host each usual width is one load (a memcpy of a size
 * unknown at compile time is a call per value, the bulk of making a delta). */
static inline uint64_t value_at(const unsigned char *p, uint32_t w)
{
	uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v4;
	uint16_t v2;
	switch (w) {
	case 1: return p[0];
	case 2: memcpy(&v2, p, 2); return v2;
	case 4: memcpy(&v4, p, 4); return v4;
	case 8: memcpy(&v, p, 8); return v;
	default: break;
	}
#endif
	memcpy(&v, p, w > 8 ? 8 : w);
	return v;
}

struct delta_in {
	const struct ht_snapshot *s, *b;
	struct xlat x;
	uint32_t *map[HT_KIND_COUNT];
	uint32_t *amap, *tmap;
	uint64_t pool_len; /* stored pool: base pool + new strings */
	const uint32_t *tv; /* the section being written, translated (xlat_column); NULL: none */
};

/* A value of s as stored (pool offsets translated). */
static uint64_t new_value(const struct delta_in *d, const struct store_section *sec, uint64_t i)
{
	uint64_t v;

	if (d->tv)
		return d->tv[i];
	v = value_at((const unsigned char *)sec->data + i * sec->width, sec->width);
	return sec->ref == STORE_REF_POOL && sec->width == 4 ? xlat_off(&d->x, (uint32_t)v) : v;
}

/* The base's value as it would read in the new snapshot, or 0 with *ok = 0. */
static uint64_t base_value(const uint32_t *amap, const uint32_t *tmap, const struct store_section *bs,
			   uint32_t row, int *ok)
{
	uint64_t v = value_at((const unsigned char *)bs->data + (uint64_t)row * bs->width, bs->width);

	*ok = 1;
	if (bs->width == 4 && bs->ref == STORE_REF_ACCOUNT) {
		v = amap[v];
		*ok = v != NO_ROW;
	} else if (bs->width == 4 && bs->ref == STORE_REF_TERM) {
		v = tmap[v];
		*ok = v != NO_ROW;
	}
	return v;
}

static uint64_t zz(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

static uint64_t unzz(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline int put_varint(struct buf *b, uint64_t v)
{
	unsigned char *p;

	if (b->len + 10 > b->cap && buf_reserve(b, 10) != 0)
		return -1;
	p = b->p + b->len;
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	b->len = (size_t)(p - b->p);
	return 0;
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;

	while (*p < end && shift < 64) {
		unsigned char c = *(*p)++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

static uint64_t width_mask(uint32_t w)
{
	return w >= 8 ? UINT64_MAX : (1ull << (w * 8)) - 1;
}

/* values() gives value i of a section of n values of width w: writes it
 * whole or as differences from the one before, whichever is smaller. */
static int put_values(struct buf *out, uint32_t id, uint64_t n, uint32_t w,
		      uint64_t (*values)(const void *ctx, uint64_t i), const void *ctx)
{
	uint64_t i, var = 0, prev = 0;

	for (i = 0; i < n; i++) {
		uint64_t v = values(ctx, i);
		var += varint_len(zz(v - prev));
		prev = v;
	}
	if (var < n * w) {
		if (rec_open(out, id, MODE_FULL_VAR, var) == (size_t)-1)
			return -1;
		for (i = 0, prev = 0; i < n; i++) {
			uint64_t v = values(ctx, i);
			if (put_varint(out, zz(v - prev)) != 0)
				return -1;
			prev = v;
		}
	} else {
		if (rec_open(out, id, MODE_FULL, n * w) == (size_t)-1)
			return -1;
		for (i = 0; i < n; i++) {
			uint64_t v = values(ctx, i);
			if (buf_put(out, &v, w) != 0)
				return -1;
		}
	}
	return buf_pad(out);
}

struct values_ctx {
	const struct delta_in *d;
	const struct store_section *sec;
};

static uint64_t section_value(const void *ctx, uint64_t i)
{
	const struct values_ctx *c = ctx;
	return new_value(c->d, c->sec, i);
}

static int put_column(struct buf *out, const struct delta_in *d, const struct store_section *sec,
		      const struct store_section *bsec)
{
	uint32_t n = d->s->t[sec->table].n, i;
	const uint32_t *map = d->map[sec->table];
	size_t words = ((size_t)n + 63) / 64;
	uint64_t *bits = calloc(words ? words : 1, 8), sparse;
	struct values_ctx c = { d, sec };
	int rc = -1;

	if (!bits)
		return -1;
	sparse = words * 8;
	for (i = 0; i < n; i++) {
		int ok = 0;
		uint64_t v = new_value(d, sec, i), bv = 0;
		/* The base's rows come in no order: fetch ahead. */
		if (bsec && i + 16 < n && map[i + 16] != NO_ROW)
			__builtin_prefetch((const unsigned char *)bsec->data + (uint64_t)map[i + 16] * bsec->width);
		if (bsec && map[i] != NO_ROW)
			bv = base_value(d->amap, d->tmap, bsec, map[i], &ok);
		if (!ok || v != bv) {
			bits[i / 64] |= 1ull << (i % 64);
			sparse += varint_len(zz(v - (ok ? bv : 0)));
		}
	}
	if (sparse < (uint64_t)n * sec->width) {
		/* Against the matched rows, unless writing it whole is smaller. */
		uint64_t var = 0, prev = 0;
		for (i = 0; i < n && var < sparse; i++) {
			uint64_t v = new_value(d, sec, i);
			var += varint_len(zz(v - prev));
			prev = v;
		}
		if (var >= sparse) {
			if (rec_open(out, sec->id, MODE_SPARSE_VAR, sparse) == (size_t)-1 ||
			    buf_put(out, bits, words * 8) != 0)
				goto done;
			for (i = 0; i < n; i++) {
				int ok = 0;
				uint64_t v, bv = 0;
				if (!(bits[i / 64] >> (i % 64) & 1))
					continue;
				v = new_value(d, sec, i);
				if (bsec && map[i] != NO_ROW)
					bv = base_value(d->amap, d->tmap, bsec, map[i], &ok);
				if (put_varint(out, zz(v - (ok ? bv : 0))) != 0)
					goto done;
			}
			rc = buf_pad(out);
			goto done;
		}
	}
	rc = put_values(out, sec->id, n, sec->width, section_value, &c);
done:
	free(bits);
	return rc;
}

static int put_section(struct buf *out, const struct delta_in *d, const struct store_section *sec)
{
	struct values_ctx c = { d, sec };

	return put_values(out, sec->id, sec->width ? sec->len / sec->width : 0, sec->width,
			  section_value, &c);
}

/* Decodes a FULL or FULL_VAR record of n values of width w into dst. */
static int get_values(const struct rec *r, uint64_t n, uint32_t w, unsigned char *dst)
{
	const unsigned char *p = r->p, *end = r->p + r->len;
	uint64_t i, prev = 0, mask = width_mask(w);

	if (r->mode == MODE_FULL) {
		if (r->len != n * w)
			return -1;
		memcpy(dst, r->p, (size_t)r->len);
		return 0;
	}
	if (r->mode != MODE_FULL_VAR)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t z, v;
		if (get_varint(&p, end, &z) != 0)
			return -1;
		v = (prev + unzz(z)) & mask;
		memcpy(dst + i * w, &v, w);
		prev = v;
	}
	return p == end ? 0 : -1;
}

static void delta_in_free(struct delta_in *d)
{
	int k;

	free(d->x.from);
	free(d->x.to);
	free(d->x.starts);
	free(d->x.before);
	for (k = 0; k < HT_KIND_COUNT; k++)
		free(d->map[k]);
	free(d->amap);
	free(d->tmap);
}

/* The records of section i of s (against its base section, if any). */
static int put_one(struct buf *out, const struct delta_in *d0, const struct store_section *sec,
		   const struct store_section *bsec, size_t nb)
{
	const struct store_section *match = NULL;
	struct delta_in d = *d0;
	uint32_t *tv = NULL;
	size_t j;
	int put;

	for (j = 0; j < nb; j++)
		if (bsec[j].id == sec->id && bsec[j].width == sec->width)
			match = &bsec[j];
	if (sec->ref == STORE_REF_POOL && sec->width == 4 && !(tv = xlat_column(&d.x, sec->data, sec->len / 4)))
		return -1;
	d.tv = tv;
	put = sec->table >= 0 ? put_column(out, &d, sec, match) : put_section(out, &d, sec);
	free(tv);
	return put;
}

/* The sections, taken in turn by two threads, each into a buffer of its
 * own, then appended in order.  Every record is padded to 8 bytes and
 * each starts 8-aligned, so the bytes are those of one thread writing
 * them all. */
struct put_job {
	const struct delta_in *d;
	const struct store_section *sec, *bsec;
	size_t nsec, nb, next;
	struct buf *bufs;
	pthread_mutex_t mu;
	int failed;
};

static void *put_worker(void *arg)
{
	struct put_job *j = arg;

	for (;;) {
		size_t i;
		int rc;
		pthread_mutex_lock(&j->mu);
		i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->nsec)
			return NULL;
		if (j->sec[i].id == STORE_SEC_POOL)
			continue;
		rc = put_one(&j->bufs[i], j->d, &j->sec[i], j->bsec, j->nb);
		if (rc != 0) {
			pthread_mutex_lock(&j->mu);
			j->failed = 1;
			pthread_mutex_unlock(&j->mu);
		}
	}
}

static int put_sections(struct buf *out, const struct delta_in *d, const struct store_section *sec, size_t nsec,
			const struct store_section *bsec, size_t nb)
{
	struct put_job j = { d, sec, bsec, nsec, nb, 0, NULL, PTHREAD_MUTEX_INITIALIZER, 0 };
	pthread_t th;
	int threaded, rc = 0;
	size_t i;

	if (out->len % 8 || !(j.bufs = calloc(nsec + 1, sizeof *j.bufs)))
		return -1;
	threaded = pthread_create(&th, NULL, put_worker, &j) == 0;
	put_worker(&j);
	if (threaded)
		pthread_join(th, NULL);
	for (i = 0; i < nsec; i++) {
		if (!j.failed && rc == 0 && j.bufs[i].len)
			rc = buf_put(out, j.bufs[i].p, j.bufs[i].len);
		free(j.bufs[i].p);
	}
	free(j.bufs);
	pthread_mutex_destroy(&j.mu);
	return j.failed ? -1 : rc;
}

/* The delta of s against base b (file name base_file) into out. */
static int make_delta(const struct ht_snapshot *s, struct ht_snapshot *b, const char *base_file,
		      struct buf *out, struct store_err *err)
{
	struct delta_in d;
	uint32_t *boff = NULL, *found = NULL;
	size_t nbs = 0;
	struct store_section sec[STORE_MAX_SECTIONS], bsec[STORE_MAX_SECTIONS];
	size_t nsec, nb, i, at, nstr = 0;
	uint64_t off, suffix = 0;
	struct ht_snapshot shape;
	unsigned char head[DELTA_HEAD];
	int k, rc = -1;

	memset(&d, 0, sizeof d);
	d.s = s;
	d.b = b;
	/* Each string of s's pool found among the base's by content. */
	boff = pool_offsets(b->pool, b->pool_len, &nbs);
	d.x.from = pool_offsets(s->pool, s->pool_len, &d.x.n);
	nstr = d.x.n;
	d.x.to = malloc((nstr + 1) * sizeof *d.x.to);
	found = malloc((nstr + 1) * sizeof *found);
	if (!boff || !d.x.from || !d.x.to || !found ||
	    strmatch(s->pool, d.x.from, (uint32_t)nstr, b->pool, boff, (uint32_t)nbs, found) != 0)
		goto oom;
	/* The header first, then the records; the new strings go into the
	 * pool record as they are found. */
	memset(head, 0, sizeof head);
	if (buf_put(out, head, DELTA_HEAD) != 0 || buf_reserve(out, STORE_HEADER_SIZE) != 0)
		goto oom;
	out->len += STORE_HEADER_SIZE;
	at = rec_open(out, STORE_SEC_POOL, MODE_POOL, 0);
	if (at == (size_t)-1)
		goto oom;
	for (i = 0; i < nstr; i++) {
		uint32_t c;
		off = d.x.from[i];
		if (found[i] != STRMATCH_NONE) {
			c = boff[found[i]];
		} else {
			size_t n = strlen(s->pool + off);
			c = (uint32_t)(b->pool_len + suffix);
			if (buf_put(out, s->pool + off, n + 1) != 0)
				goto oom;
			suffix += n + 1;
		}
		d.x.to[i] = c;
	}
	if (b->pool_len + suffix > UINT32_MAX) {
		fail(err, "the history's string pool would exceed 4 GiB");
		goto done;
	}
	put_u64(out->p + at - 8, suffix);
	if (buf_pad(out) != 0)
		goto oom;
	d.pool_len = b->pool_len + suffix;
	free(boff);
	free(found);
	boff = found = NULL;
	if (nstr && xlat_rank_build(&d.x, s->pool_len) != 0)
		goto oom;

	/* Rows matched by id. */
	for (k = 0; k < HT_KIND_COUNT; k++) {
		uint32_t n = s->t[k].n, r;
		d.map[k] = malloc(((size_t)n + 1) * sizeof *d.map[k]);
		if (!d.map[k] || strmatch_rows(s, b, (enum ht_kind)k, d.map[k]) != 0)
			goto oom;
		{
			uint64_t len = 0;
			for (r = 0; r < n; r++)
				len += d.map[k][r] == NO_ROW ? 1 : varint_len(zz((uint64_t)d.map[k][r] - r) + 1);
			if (rec_open(out, MAP_ID(k), MODE_MAP, len) == (size_t)-1)
				goto oom;
			for (r = 0; r < n; r++)
				if (put_varint(out, d.map[k][r] == NO_ROW ? 0 :
					       zz((uint64_t)d.map[k][r] - r) + 1) != 0)
					goto oom;
			if (buf_pad(out) != 0)
				goto oom;
		}
	}
	d.amap = account_map(b, s->pool, s->pool_len, s->acct_name, s->n_accounts);
	d.tmap = term_map(b, s->pool, s->pool_len, s->terms, s->n_terms);
	if (!d.amap || !d.tmap)
		goto oom;

	nsec = store_sections(s, sec);
	nb = store_sections(b, bsec);
	if (put_sections(out, &d, sec, nsec, bsec, nb) != 0)
		goto oom;
	/* The shape of the stored snapshot: s with the stored pool. */
	shape = *s;
	shape.pool_len = d.pool_len;
	store_header(&shape, out->p + DELTA_HEAD);
	memcpy(out->p, DELTA_MAGIC, 8);
	put_u32(out->p + 8, DELTA_VERSION);
	put_u32(out->p + 12, ENDIAN_MARK);
	put_u64(out->p + 16, out->len);
	snprintf((char *)out->p + 32, 64, "%s", base_file);
	put_u64(out->p + 96, b->pool_len);
	put_u64(out->p + 104, get_u64((const unsigned char *)b->blob + 24));
	/* What names s's ids, so that a period ending at the open snapshot
	 * knows whether this delta's row map is its own (history_row_map). */
	put_u64(out->p + 112, rowmap_fingerprint(s));
	put_u64(out->p + 24, store_checksum(out->p, out->len));
	rc = 0;
	goto done;
oom:
	fail(err, "out of memory while adding to the history");
done:
	free(boff);
	free(found);
	delta_in_free(&d);
	return rc;
}

/* ---- loading a delta ------------------------------------------------------- */

/* The file mapped, private and writable: the caller zeroes the checksum
 * field to check it, which copies that one page; every other page is read
 * from the page cache where it lies.  Reading it into the heap instead
 * cost a copy and a page fault every 4 KiB (about 0.2 s for a 50 MB delta
 * on a virtual machine).  Unmap with unmap_whole. */
static int read_whole(const char *path, unsigned char **out, size_t *len, struct store_err *err)
{
	FILE *fp = store_cache_read(path);
	struct stat st;
	void *p;

	if (!fp) {
		fail(err, "%s: cannot open this snapshot of the history: %s. Remove it with "
		     "'hubtop history rm DATE'.", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) != 0 || st.st_size < (off_t)(DELTA_HEAD + STORE_HEADER_SIZE)) {
		fclose(fp);
		fail(err, "%s: this snapshot of the history is truncated. Remove it with "
		     "'hubtop history rm DATE'.", path);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fileno(fp), 0);
	fclose(fp);
	if (p == MAP_FAILED) {
		fail(err, "%s: cannot read this snapshot of the history: %s", path, strerror(errno));
		return -1;
	}
	*out = p;
	*len = (size_t)st.st_size;
	return 0;
}

static void unmap_whole(unsigned char *f, size_t len)
{
	if (f)
		munmap(f, len);
}

static const struct rec *find_rec(const struct rec *r, size_t n, uint32_t id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (r[i].id == id)
			return &r[i];
	return NULL;
}

/* Decodes a MODE_SPARSE_VAR column of n values of width w into dst: the
 * rows whose bit is clear take their base row's value (through xmap, the
 * account or term map, when given).  0, or -1 when the record is damaged.
 * One loop per width: this is the whole cost of loading a delta. */
static int sparse_decode(const struct rec *r, uint32_t n, uint32_t w, const uint32_t *map,
			 const struct store_section *bs, const uint32_t *xmap, unsigned char *dst)
{
	size_t words = ((size_t)n + 63) / 64, wi;
	const unsigned char *p = r->p + words * 8, *end = r->p + r->len;

	if (r->len < words * 8)
		return -1;
#define SPARSE_LOOP(T)                                                                            \
	do {                                                                                      \
		T *o = (T *)(void *)dst;                                                          \
		const T *bv = bs ? (const T *)bs->data : NULL;                                    \
		for (wi = 0; wi < words; wi++) {                                                  \
			uint64_t word;                                                            \
			uint32_t lo = (uint32_t)(wi * 64), hi = n - lo < 64 ? n : lo + 64, row;  \
			memcpy(&word, r->p + wi * 8, 8);                                          \
			for (row = lo; row < hi; row++) {                                         \
				uint32_t mr = map[row];                                           \
				uint64_t base = 0, z;                                             \
				int ok = 0;                                                       \
				if (bv && mr != NO_ROW) {                                         \
					base = bv[mr];                                            \
					ok = 1;                                                   \
					if (xmap) {                                               \
						base = xmap[base];                                \
						ok = base != NO_ROW;                              \
					}                                                         \
				}                                                                 \
				if (word >> (row - lo) & 1) {                                     \
					if (p < end && *p < 0x80)                                 \
						z = *p++;                                         \
					else if (get_varint(&p, end, &z) != 0)                    \
						return -1;                                        \
					o[row] = (T)((ok ? base : 0) + unzz(z));                  \
				} else if (!ok) {                                                 \
					return -1;                                                \
				} else {                                                          \
					o[row] = (T)base;                                         \
				}                                                                 \
			}                                                                         \
		}                                                                                 \
	} while (0)
	switch (w) {
	case 1: SPARSE_LOOP(uint8_t); break;
	case 2: SPARSE_LOOP(uint16_t); break;
	case 4: SPARSE_LOOP(uint32_t); break;
	case 8: SPARSE_LOOP(uint64_t); break;
	default: return -1;
	}
#undef SPARSE_LOOP
	return p == end ? 0 : -1;
}

static struct ht_snapshot *apply_delta(const char *path, const unsigned char *f, size_t flen,
				       struct ht_snapshot *b, uint32_t *keep[HT_KIND_COUNT], struct store_err *err)
{
	struct ht_snapshot shape;
	struct store_section sec[STORE_MAX_SECTIONS], bsec[STORE_MAX_SECTIONS];
	struct rec recs[STORE_MAX_SECTIONS + HT_KIND_COUNT + 2];
	size_t nrec = 0, nsec, nb, i, off;
	uint64_t size = STORE_HEADER_SIZE, at[STORE_MAX_SECTIONS];
	unsigned char *img = NULL;
	uint32_t *amap = NULL, *tmap = NULL, *maps[HT_KIND_COUNT] = { NULL };
	const char *what = "records";
	const struct rec *r;
	int k;

	if (store_header_shape(f + DELTA_HEAD, &shape) != 0) {
		what = "header";
		goto corrupt;
	}
	for (off = DELTA_HEAD + STORE_HEADER_SIZE; off < flen;) {
		if (flen - off < 16 || nrec == sizeof recs / sizeof recs[0])
			goto corrupt;
		recs[nrec].id = get_u32(f + off);
		recs[nrec].mode = get_u32(f + off + 4);
		recs[nrec].len = get_u64(f + off + 8);
		recs[nrec].p = f + off + 16;
		if (recs[nrec].len > flen - off - 16)
			goto corrupt;
		off += 16 + (((size_t)recs[nrec].len + 7) & ~(size_t)7);
		nrec++;
	}
	nsec = store_sections(&shape, sec);
	nb = store_sections(b, bsec);
	for (i = 0; i < nsec; i++) {
		at[i] = size;
		size += (sec[i].len + 7) & ~(uint64_t)7;
	}
	/* Every byte is written below but the header and the padding. */
	if (size > SIZE_MAX || !(img = table_big_alloc((size_t)size))) {
		fail(err, "%s: out of memory while loading this snapshot of the history", path);
		return NULL;
	}
	memset(img, 0, STORE_HEADER_SIZE);
	for (i = 0; i < nsec; i++)
		memset(img + at[i] + sec[i].len, 0, (size_t)(((sec[i].len + 7) & ~(uint64_t)7) - sec[i].len));
	/* The pool first: the other sections' strings are read from it. */
	r = find_rec(recs, nrec, STORE_SEC_POOL);
	what = "string pool";
	if (!r || r->mode != MODE_POOL || sec[0].id != STORE_SEC_POOL || b->pool_len + r->len != shape.pool_len)
		goto corrupt;
	memcpy(img + at[0], b->pool, b->pool_len);
	memcpy(img + at[0] + b->pool_len, r->p, (size_t)r->len);
	if (shape.pool_len == 0 || img[at[0] + shape.pool_len - 1] != '\0')
		goto corrupt;
	/* Whole sections. */
	what = "section";
	for (i = 1; i < nsec; i++) {
		if (sec[i].table >= 0)
			continue;
		r = find_rec(recs, nrec, sec[i].id);
		if (!r || !sec[i].width ||
		    get_values(r, sec[i].len / sec[i].width, sec[i].width, img + at[i]) != 0)
			goto corrupt;
	}
	/* The maps of accounts and terms, from the sections just placed. */
	for (i = 1; i < nsec; i++) {
		if (sec[i].table >= 0 || sec[i].ref != STORE_REF_POOL || sec[i].width != 4)
			continue;
		const uint32_t *v = (const uint32_t *)(img + at[i]);
		uint64_t n = sec[i].len / 4, j;
		for (j = 0; j < n; j++)
			if (v[j] >= shape.pool_len)
				goto corrupt;
	}
	for (i = 1; i < nsec; i++) {
		if (sec[i].id == STORE_SEC_ACCT_NAME && !amap)
			amap = account_map(b, (const char *)img + at[0], shape.pool_len,
					   (const uint32_t *)(img + at[i]), shape.n_accounts);
		if (sec[i].id == STORE_SEC_TERMS && !tmap)
			tmap = term_map(b, (const char *)img + at[0], shape.pool_len,
					(const uint32_t *)(img + at[i]), shape.n_terms);
	}
	if (!tmap || (!amap && b->n_accounts)) {
		what = "accounts or terms";
		goto corrupt;
	}
	/* The row maps. */
	what = "row map";
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct rec *m = find_rec(recs, nrec, MAP_ID(k));
		const unsigned char *p, *end;
		uint32_t row;
		if (!m || m->mode != MODE_MAP)
			goto corrupt;
		maps[k] = table_big_alloc(((size_t)shape.t[k].n + 1) * sizeof *maps[k]);
		if (!maps[k])
			goto corrupt;
		p = m->p;
		end = m->p + m->len;
		for (row = 0; row < shape.t[k].n; row++) {
			uint64_t z, mr;
			if (get_varint(&p, end, &z) != 0)
				goto corrupt;
			mr = z ? (row + unzz(z - 1)) & 0xffffffffu : NO_ROW;
			if (z && mr >= b->t[k].n)
				goto corrupt;
			maps[k][row] = (uint32_t)mr;
		}
		if (p != end)
			goto corrupt;
	}
	/* Columns. */
	for (i = 1; i < nsec; i++) {
		const struct store_section *bs = NULL;
		uint32_t n, w = sec[i].width;
		size_t j;
		if (sec[i].table < 0)
			continue;
		k = sec[i].table;
		n = shape.t[k].n;
		r = find_rec(recs, nrec, sec[i].id);
		what = "column";
		if (!r || !w)
			goto corrupt;
		if (r->mode != MODE_SPARSE_VAR) {
			if (get_values(r, n, w, img + at[i]) != 0)
				goto corrupt;
			continue;
		}
		for (j = 0; j < nb; j++)
			if (bsec[j].id == sec[i].id && bsec[j].width == w)
				bs = &bsec[j];
		if (sparse_decode(r, n, w, maps[k], bs,
				  bs && w == 4 && bs->ref == STORE_REF_ACCOUNT ? amap :
				  bs && w == 4 && bs->ref == STORE_REF_TERM ? tmap : NULL,
				  img + at[i]) != 0)
			goto corrupt;
	}
	free(amap);
	free(tmap);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		if (keep)
			keep[k] = maps[k];
		else
			free(maps[k]);
		maps[k] = NULL;
	}
	store_image_seal(&shape, img, (size_t)size);
	{
		struct ht_snapshot *s = store_load_built(img, (size_t)size, path, err);
		if (!s && keep)
			for (k = 0; k < HT_KIND_COUNT; k++) {
				free(keep[k]);
				keep[k] = NULL;
			}
		return s;
	}
corrupt:
	free(amap);
	free(tmap);
	for (k = 0; k < HT_KIND_COUNT; k++)
		free(maps[k]);
	free(img);
	fail(err, "%s: this snapshot of the history is damaged (bad %s). Remove it with "
	     "'hubtop history rm DATE'.", path, what);
	return NULL;
}

/* check: a whole snapshot's checksum on another thread (store_load_start;
 * NULL for a delta, verified here); NULL: at once. */
static struct ht_snapshot *load_file_check(struct history *h, const char *file, uint32_t *keep[HT_KIND_COUNT],
					   struct store_check **check, struct store_err *err)
{
	char path[PATH_MAX], bpath[PATH_MAX];
	unsigned char *f = NULL;
	size_t flen = 0;
	struct ht_snapshot *b, *s;

	if (file_path(h, file, path, sizeof path) != 0) {
		fail(err, "%s: path too long", h->dir);
		return NULL;
	}
	if (check)
		*check = NULL;
	if (!strstr(file, ".htd"))
		return check ? store_load_start(path, check, err) : store_load(path, err);
	if (read_whole(path, &f, &flen, err) != 0)
		return NULL;
	{
		uint64_t want = get_u64(f + 24);
		char base[65];
		memset(f + 24, 0, 8);
		if (memcmp(f, DELTA_MAGIC, 8) != 0 || get_u32(f + 8) != DELTA_VERSION ||
		    get_u32(f + 12) != ENDIAN_MARK || get_u64(f + 16) != flen ||
		    store_checksum(f, flen) != want) {
			fail(err, "%s: this snapshot of the history is damaged (%s). Remove it with "
			     "'hubtop history rm DATE'.", path,
			     memcmp(f, DELTA_MAGIC, 8) ? "not a history delta" : "checksum mismatch");
			unmap_whole(f, flen);
			return NULL;
		}
		memcpy(base, f + 32, 64);
		base[64] = '\0';
		if (!name_ok(base) || strstr(base, ".htd") || file_path(h, base, bpath, sizeof bpath)) {
			unmap_whole(f, flen);
			fail(err, "%s: this snapshot of the history names no valid base", path);
			return NULL;
		}
		b = store_load(bpath, err);
		if (!b) {
			unmap_whole(f, flen);
			return NULL;
		}
		if (b->pool_len != get_u64(f + 96) || get_u64((unsigned char *)b->blob + 24) != get_u64(f + 104)) {
			fail(err, "%s: the base it was made against (%s) has changed. Remove it with "
			     "'hubtop history rm DATE'.", path, bpath);
			s = NULL;
		} else {
			s = apply_delta(path, f, flen, b, keep, err);
		}
	}
	table_free(b);
	unmap_whole(f, flen);
	return s;
}

static struct ht_snapshot *load_file(struct history *h, const char *file, uint32_t *keep[HT_KIND_COUNT],
				     struct store_err *err)
{
	return load_file_check(h, file, keep, NULL, err);
}

struct ht_snapshot *history_load(struct history *h, size_t i, struct store_err *err)
{
	const struct history_entry *e = history_at(h, i);

	if (!e) {
		fail(err, "no snapshot %zu in the history", i);
		return NULL;
	}
	return load_file(h, e->file, NULL, err);
}

struct ht_snapshot *history_load_map(struct history *h, size_t i, uint32_t *map[HT_KIND_COUNT],
				     struct store_err *err)
{
	return history_load_map_start(h, i, map, NULL, err);
}

struct ht_snapshot *history_load_map_start(struct history *h, size_t i, uint32_t *map[HT_KIND_COUNT],
					   struct store_check **check, struct store_err *err)
{
	const struct history_entry *e = history_at(h, i);

	if (check)
		*check = NULL;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		map[k] = NULL;
	if (!e) {
		fail(err, "no snapshot %zu in the history", i);
		return NULL;
	}
	return load_file_check(h, e->file, map, check, err);
}

int history_row_map(struct history *h, size_t i, uint64_t ids, uint32_t *map[HT_KIND_COUNT])
{
	const struct history_entry *e = history_at(h, i);
	char path[PATH_MAX];
	unsigned char *f = NULL;
	size_t flen = 0, off;
	struct ht_snapshot shape;
	struct store_err err;
	uint64_t want;
	int k, found = 0;

	for (k = 0; k < HT_KIND_COUNT; k++)
		map[k] = NULL;
	if (!e || !e->base[0] || !ids || file_path(h, e->file, path, sizeof path) != 0 ||
	    read_whole(path, &f, &flen, &err) != 0)
		return -1;
	want = get_u64(f + 24);
	memset(f + 24, 0, 8);
	if (memcmp(f, DELTA_MAGIC, 8) != 0 || get_u32(f + 8) != DELTA_VERSION || get_u32(f + 12) != ENDIAN_MARK ||
	    get_u64(f + 16) != flen || get_u64(f + 112) != ids || store_checksum(f, flen) != want ||
	    store_header_shape(f + DELTA_HEAD, &shape) != 0)
		goto fail;
	for (off = DELTA_HEAD + STORE_HEADER_SIZE; off < flen;) {
		uint32_t id, mode, row;
		uint64_t len;
		const unsigned char *p, *end;
		if (flen - off < 16)
			goto fail;
		id = get_u32(f + off);
		mode = get_u32(f + off + 4);
		len = get_u64(f + off + 8);
		if (len > flen - off - 16)
			goto fail;
		p = f + off + 16;
		end = p + len;
		off += 16 + (((size_t)len + 7) & ~(size_t)7);
		if (id < MAP_ID(0) || id >= MAP_ID(HT_KIND_COUNT))
			continue;
		k = (int)(id - MAP_ID(0));
		if (map[k] || mode != MODE_MAP ||
		    !(map[k] = table_big_alloc(((size_t)shape.t[k].n + 1) * sizeof *map[k])))
			goto fail;
		for (row = 0; row < shape.t[k].n; row++) {
			uint64_t z;
			if (get_varint(&p, end, &z) != 0)
				goto fail;
			map[k][row] = z ? (uint32_t)((row + unzz(z - 1)) & 0xffffffffu) : NO_ROW;
		}
		if (p != end)
			goto fail;
		found++;
	}
	if (found != HT_KIND_COUNT)
		goto fail;
	unmap_whole(f, flen);
	return 0;
fail:
	unmap_whole(f, flen);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		free(map[k]);
		map[k] = NULL;
	}
	return -1;
}

const char *history_base_of(const struct history_entry *e)
{
	return e->base[0] ? e->base : e->file;
}

/* ---- retention ----------------------------------------------------------------- */

int history_parse_keep(const char *text, struct history_keep *keep, struct store_err *err)
{
	char *end;
	long days;

	memset(keep, 0, sizeof *keep);
	if (!text || !strcmp(text, "all")) {
		keep->all = 1;
		return 0;
	}
	errno = 0;
	days = strtol(text, &end, 10);
	if (errno || end == text || *end != 'd' || days < 0 || days > 100000)
		goto bad;
	keep->days = (int)days;
	end++;
	if (*end == '\0')
		return 0;
	if (!strcmp(end, ",monthly"))
		keep->every = 31;
	else if (!strcmp(end, ",weekly"))
		keep->every = 7;
	else
		goto bad;
	return 0;
bad:
	fail(err, "history-keep '%s' is not a retention rule: give 'all', 'Nd' (every snapshot "
	     "of the last N days), 'Nd,monthly' or 'Nd,weekly' (then one a month or a week), "
	     "e.g. %s", text, HISTORY_KEEP_DEFAULT);
	return -1;
}

void history_keep_text(const struct history_keep *keep, char *buf, size_t len)
{
	if (keep->all)
		snprintf(buf, len, "all");
	else
		snprintf(buf, len, "%dd%s", keep->days,
			 keep->every == 31 ? ",monthly" : keep->every == 7 ? ",weekly" : "");
}

static int64_t period_of(int64_t t, int every)
{
	int64_t z = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int y;
	unsigned m, d;

	if (every == 7)
		return (z + 3) >= 0 ? (z + 3) / 7 : -((-(z + 3) + 6) / 7); /* weeks from a Monday */
	civil_date(z, &y, &m, &d);
	return (int64_t)y * 12 + m;
}

/* Marks in drop[] (indexes into h->all) the visible entries keep lets go. */
static void retention(const struct history *h, const struct history_keep *keep, char *drop)
{
	int64_t newest, cutoff;
	size_t i;

	if (keep->all || h->n_vis == 0)
		return;
	newest = h->all[h->vis[h->n_vis - 1]].e.as_of;
	cutoff = newest - (int64_t)keep->days * 86400;
	for (i = 0; i < h->n_vis; i++) {
		const struct history_entry *e = &h->all[h->vis[i]].e;
		if (e->as_of >= cutoff)
			continue;
		/* Older: the latest of its month (week) stays. */
		if (keep->every && (i + 1 == h->n_vis ||
				    period_of(h->all[h->vis[i + 1]].e.as_of, keep->every) !=
				    period_of(e->as_of, keep->every)))
			continue;
		drop[h->vis[i]] = 1;
	}
}

/* Rewrites the index without the entries marked in drop[]: a dropped base
 * others still need stays, hidden; files no entry needs are deleted once
 * the new index is in place.  0 or -1 (the history as it was). */
static int commit_drop(struct history *h, const char *drop, const char *keep_file,
		       struct store_err *err)
{
	struct hent *all = h->all;
	size_t n = h->n_all, i, j, m = 0;
	char *gone = calloc(n ? n : 1, 1);
	struct hent *next = malloc((n ? n : 1) * sizeof *next);
	int rc = -1;

	if (!gone || !next) {
		fail(err, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		gone[i] = drop[i] || all[i].hidden;
	/* A gone base stays (hidden) while a kept delta needs it. */
	for (i = 0; i < n; i++) {
		if (!gone[i] || all[i].e.base[0])
			continue;
		for (j = 0; j < n; j++)
			if (!gone[j] && !strcmp(all[j].e.base, all[i].e.file))
				break;
		if (j < n) {
			next[m] = all[i];
			next[m++].hidden = 1;
		}
	}
	for (i = 0; i < n; i++)
		if (!gone[i])
			next[m++] = all[i];
	h->all = next;
	h->n_all = m;
	rc = save_index(h, err);
	if (rc != 0) {
		h->all = all;
		h->n_all = n;
		goto done;
	}
	/* Files of entries that left the index. */
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		for (j = 0; j < m; j++)
			if (!strcmp(next[j].e.file, all[i].e.file))
				break;
		if (j == m && (!keep_file || strcmp(all[i].e.file, keep_file)) &&
		    file_path(h, all[i].e.file, path, sizeof path) == 0)
			unlink(path);
	}
	free(all);
	next = NULL;
	index_visible(h);
done:
	free(next);
	free(gone);
	return rc;
}

static int history_prune_locked(const char *cache_dir, const struct history_keep *keep,
				struct store_err *err)
{
	struct store_err w;
	struct history *h = history_open(cache_dir, &w);
	char *drop;
	size_t i;
	int n = 0, rc;

	if (!h) {
		fail(err, "out of memory");
		return -1;
	}
	drop = calloc(h->n_all ? h->n_all : 1, 1);
	if (!drop) {
		history_free(h);
		fail(err, "out of memory");
		return -1;
	}
	retention(h, keep, drop);
	for (i = 0; i < h->n_all; i++)
		n += drop[i];
	rc = n ? commit_drop(h, drop, NULL, err) : 0;
	free(drop);
	history_free(h);
	return rc ? -1 : n;
}

int history_prune(const char *cache_dir, const struct history_keep *keep, struct store_err *err)
{
	int fd = history_lock(cache_dir, err), rc;

	if (fd < 0)
		return -1;
	rc = history_prune_locked(cache_dir, keep, err);
	history_unlock(fd);
	return rc;
}

static int history_remove_locked(const char *cache_dir, const char *day, struct store_err *err)
{
	struct store_err w;
	struct history *h = history_open(cache_dir, &w);
	char *drop;
	long i;
	int rc;

	if (!h) {
		fail(err, "out of memory");
		return -1;
	}
	i = history_find_date(h, day);
	if (i < 0) {
		history_free(h);
		return 1;
	}
	drop = calloc(h->n_all, 1);
	if (!drop) {
		history_free(h);
		fail(err, "out of memory");
		return -1;
	}
	drop[h->vis[i]] = 1;
	rc = commit_drop(h, drop, NULL, err);
	free(drop);
	history_free(h);
	return rc;
}

int history_remove(const char *cache_dir, const char *day, struct store_err *err)
{
	int fd = history_lock(cache_dir, err), rc;

	if (fd < 0)
		return -1;
	rc = history_remove_locked(cache_dir, day, err);
	history_unlock(fd);
	return rc;
}

/* ---- adding ---------------------------------------------------------------------- */

static void entry_of(const struct ht_snapshot *s, struct history_entry *e)
{
	int k;

	memset(e, 0, sizeof *e);
	e->as_of = s->meta.as_of;
	e->fetched_at = s->meta.fetched_at;
	snprintf(e->endpoint, sizeof e->endpoint, "%s", s->meta.endpoint);
	safetext_clean_inplace(e->endpoint);
	e->complete = s->meta.complete;
	e->demo = s->meta.demo;
	e->as_of_inferred = s->meta.as_of_inferred;
	e->top_n = s->meta.top_n;
	e->no_alltime = s->meta.no_alltime;
	history_date(s->meta.as_of, e->date);
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s->t[k];
		uint32_t i;
		e->items[k] = t->n;
		for (i = 0; i < t->n; i++) {
			if (!(t->flags[i] & HT_F_DLA_UNKNOWN))
				e->downloads_all[k] += t->downloads_all[i];
			if (!(t->flags[i] & HT_F_DL_UNKNOWN))
				e->downloads[k] += t->downloads[i];
		}
		if (s->meta.no_alltime & (1u << k))
			e->downloads_all[k] = 0;
	}
}

struct buf_out {
	const struct buf *b;
};

static int write_buf(void *ctx, void *fp)
{
	const struct buf *b = ((struct buf_out *)ctx)->b;
	return fwrite(b->p, 1, b->len, fp) == b->len ? 0 : -1;
}

int history_add(const char *cache_dir, const struct ht_snapshot *s, struct store_err *err)
{
	return history_add_keep(cache_dir, s, NULL, err);
}

static int history_add_locked(const char *cache_dir, const struct ht_snapshot *s,
			      const struct history_keep *keep, struct store_err *err);

int history_add_keep(const char *cache_dir, const struct ht_snapshot *s,
		     const struct history_keep *keep, struct store_err *err)
{
	int fd, rc;

	if (s->meta.as_of <= 0) {
		fail(err, "the snapshot carries no date of the data, so it cannot join the history "
		     "(import it with --as-of YYYY-MM-DD)");
		return -1;
	}
	fd = history_lock(cache_dir, err);
	if (fd < 0)
		return -1;
	rc = history_add_locked(cache_dir, s, keep, err);
	history_unlock(fd);
	return rc;
}

static int history_add_locked(const char *cache_dir, const struct ht_snapshot *s,
			      const struct history_keep *keep, struct store_err *err)
{
	struct history_keep dflt;
	struct store_err w;
	struct history *h = NULL;
	struct hent he;
	struct buf delta = { 0 };
	struct store_section sec[STORE_MAX_SECTIONS];
	char path[PATH_MAX], *drop = NULL;
	uint64_t full = STORE_HEADER_SIZE;
	long same, base = -1;
	size_t i, nsec;
	struct stat st;
	int rc = -1, wrote = 0;

	if (!keep) {
		history_parse_keep(HISTORY_KEEP_DEFAULT, &dflt, NULL);
		keep = &dflt;
	}
	if (s->meta.as_of <= 0) {
		fail(err, "the snapshot carries no date of the data, so it cannot join the history "
		     "(import it with --as-of YYYY-MM-DD)");
		return -1;
	}
	h = history_open(cache_dir, &w);
	if (!h) {
		fail(err, "out of memory");
		return -1;
	}
	if (store_mkdirs(h->dir, err) != 0)
		goto done;
	entry_of(s, &he.e);
	he.hidden = 0;
	same = history_find_date(h, he.e.date);
	if (same >= 0 && h->all[h->vis[same]].e.complete && !he.e.complete) {
		fail(err, "the history already holds a complete snapshot of %s; this partial one "
		     "is not added", he.e.date);
		rc = 1;
		goto done;
	}
	/* A unique file name. */
	for (i = 0;; i++) {
		size_t j;
		if (i)
			snprintf(he.e.file, sizeof he.e.file, "%s-%" PRIx64 "-%zu", he.e.date,
				 (uint64_t)s->meta.fetched_at, i);
		else
			snprintf(he.e.file, sizeof he.e.file, "%s-%" PRIx64, he.e.date,
				 (uint64_t)s->meta.fetched_at);
		for (j = 0; j < h->n_all; j++)
			if (!strncmp(h->all[j].e.file, he.e.file, strlen(he.e.file)) &&
			    h->all[j].e.file[strlen(he.e.file)] == '.')
				break;
		if (j == h->n_all)
			break;
	}
	/* The latest base; a delta against it unless it would be large. */
	for (i = 0; i < h->n_all; i++)
		if (!h->all[i].e.base[0] && (base < 0 || h->all[i].e.as_of > h->all[base].e.as_of))
			base = (long)i;
	nsec = store_sections(s, sec);
	for (i = 0; i < nsec; i++)
		full += (sec[i].len + 7) & ~(uint64_t)7;
	if (base >= 0) {
		struct store_err be;
		struct ht_snapshot *b = load_file(h, h->all[base].e.file, NULL, &be);
		if (b && make_delta(s, b, h->all[base].e.file, &delta, err) != 0) {
			table_free(b);
			goto done;
		}
		table_free(b);
		if (b && delta.len <= full / REBASE_DIVISOR)
			snprintf(he.e.base, sizeof he.e.base, "%s", h->all[base].e.file);
	}
	strcat(he.e.file, he.e.base[0] ? ".htd" : ".hts");
	if (file_path(h, he.e.file, path, sizeof path) != 0) {
		fail(err, "%s: path too long", h->dir);
		goto done;
	}
	if (he.e.base[0]) {
		struct buf_out bo = { &delta };
		if (store_atomic_write(path, write_buf, &bo, err) != 0)
			goto done;
	} else if (store_write(s, path, err) != 0) {
		goto done;
	}
	wrote = 1;
	he.e.disk_bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (push_entry(h, &he) != 0 || index_visible(h) != 0) {
		fail(err, "out of memory");
		goto done;
	}
	drop = calloc(h->n_all, 1);
	if (!drop) {
		fail(err, "out of memory");
		goto done;
	}
	if (same >= 0) {
		/* The entry of that day it replaces (index taken before the push). */
		for (i = 0; i + 1 < h->n_all; i++)
			if (!h->all[i].hidden && !strcmp(h->all[i].e.date, he.e.date))
				drop[i] = 1;
	}
	retention(h, keep, drop);
	drop[h->n_all - 1] = 0;
	if (commit_drop(h, drop, he.e.file, err) != 0)
		goto done;
	rc = 0;
done:
	if (rc == -1 && wrote)
		unlink(path);
	free(drop);
	free(delta.p);
	history_free(h);
	return rc;
}

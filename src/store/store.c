/* store.c - snapshot files: format, verification, atomic writes, cache paths.
 * The format is described in docs/snapshot-format.md. */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hubtop/store.h"
#include "hubtop/safetext.h"

#define HEADER_SIZE 1024u          /* the fixed part: magic .. refused, checksummed as is */
#define MAX_SECTIONS 64u
#define SECTION_TABLE_AT 352u       /* versions 1 and 2: at most 40 entries */
#define SECTION_TABLE_AT_V3 1024u   /* version 3 on: after the fixed part, 64 entries */
#define HEAD_LEN_V3 (SECTION_TABLE_AT_V3 + MAX_SECTIONS * 16u)
#define ENDIAN_MARK 0x01020304u
#define FLAG_DEMO 1u
#define FLAG_COMPLETE 2u
#define FLAG_NO_ALLTIME_MODELS 4u   /* version 2 on */
#define FLAG_NO_ALLTIME_DATASETS 8u
#define FLAG_AS_OF_INFERRED 16u
#define AS_OF_AT 992u               /* after the largest section table */
#define REFUSED_AT 1000u

/* Section ids.  Per-table columns are TABLE_BASE + kind * 16 + column. */
enum {
	SEC_POOL = 1, SEC_TERMS, SEC_ACCT_NAME, SEC_ACCT_KIND, SEC_LISTS, SEC_LINK_BASE,
	SEC_LINK_REL, SEC_LINK_ROW,
	SEC_TABLE_BASE = 16
};
/* The columns of a table, in file order: the one list the writer, the
 * loader and the section table read.  A column added by a later version
 * says which (since); older files load without it (its pointer NULL).
 * Columns 16 on have the ids SEC_TABLE_EXT + kind * 16 + (column - 16). */
struct col_desc {
	size_t off;      /* offsetof(struct ht_table, the array) */
	unsigned size;   /* bytes per row */
	uint32_t since;  /* the first format version that has it */
	enum store_ref ref; /* what its values index (history.c remaps them) */
};
#define COL(field, size, since, ref) { offsetof(struct ht_table, field), size, since, ref }
static const struct col_desc table_cols[] = {
	COL(id, 4, 1, STORE_REF_POOL), COL(author, 4, 1, STORE_REF_ACCOUNT),
	COL(downloads, 8, 1, STORE_REF_NONE), COL(downloads_all, 8, 1, STORE_REF_NONE),
	COL(likes, 4, 1, STORE_REF_NONE), COL(trending, 4, 1, STORE_REF_NONE),
	COL(created, 8, 1, STORE_REF_NONE), COL(modified, 8, 1, STORE_REF_NONE),
	COL(pipeline, 4, 1, STORE_REF_TERM), COL(library, 4, 1, STORE_REF_TERM),
	COL(license, 4, 1, STORE_REF_TERM), COL(flags, 1, 1, STORE_REF_NONE),
	COL(list_first, 4, 1, STORE_REF_NONE), COL(list_count, 4, 1, STORE_REF_NONE),
	COL(link_first, 4, 1, STORE_REF_NONE), COL(link_count, 4, 1, STORE_REF_NONE),
	COL(params, 8, 3, STORE_REF_NONE),
};
#undef COL
#define N_COLS (sizeof table_cols / sizeof table_cols[0])
#define SEC_TABLE_EXT 64u

static uint32_t col_section(int kind, size_t c)
{
	return c < 16 ? SEC_TABLE_BASE + (uint32_t)kind * 16 + (uint32_t)c :
			SEC_TABLE_EXT + (uint32_t)kind * 16 + (uint32_t)(c - 16);
}

static void **col_ptr(struct ht_table *t, size_t c)
{
	return (void **)((char *)t + table_cols[c].off);
}

/* Where a version's section table starts, and its data. */
static size_t sectab_at(uint32_t version)
{
	return version >= 3 ? SECTION_TABLE_AT_V3 : SECTION_TABLE_AT;
}
static size_t head_len(uint32_t version)
{
	return version >= 3 ? HEAD_LEN_V3 : HEADER_SIZE;
}

static void header_meta(const unsigned char *buf, struct ht_meta *meta);
static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void fail(struct store_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

/* The header's endpoint text is shown by info, report and the explorer: it
 * goes through the one text rule (safetext.h) when written and when loaded,
 * so a foreign or crafted file, or a file name with an escape sequence,
 * never brings one to a terminal. */
static void clean_text(char *s)
{
	safetext_clean_inplace(s);
}

/* ---- checksum --------------------------------------------------------------- */

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static uint64_t round64(uint64_t acc, uint64_t in)
{
	return rotl(acc + in * P2, 31) * P1;
}

/* Four independent lanes so the CPU overlaps the multiplies.  The state
 * streams over whole 32-byte blocks, so a file can be checked in pieces (the
 * header from a copy with the checksum field zeroed, the rest in place). */
struct cs_state {
	uint64_t v1, v2, v3, v4;
};

static void cs_init(struct cs_state *c)
{
	c->v1 = P1 + P2;
	c->v2 = P2;
	c->v3 = 0;
	c->v4 = 0 - P1;
}

static void cs_blocks(struct cs_state *c, const unsigned char *p, size_t nblocks)
{
	uint64_t v1 = c->v1, v2 = c->v2, v3 = c->v3, v4 = c->v4;

	while (nblocks--) {
		v1 = round64(v1, get_u64(p));
		v2 = round64(v2, get_u64(p + 8));
		v3 = round64(v3, get_u64(p + 16));
		v4 = round64(v4, get_u64(p + 24));
		p += 32;
	}
	c->v1 = v1;
	c->v2 = v2;
	c->v3 = v3;
	c->v4 = v4;
}

static uint64_t cs_final(const struct cs_state *c, const unsigned char *p, size_t tail,
			 uint64_t total)
{
	const unsigned char *end = p + tail;
	uint64_t h = rotl(c->v1, 1) + rotl(c->v2, 7) + rotl(c->v3, 12) + rotl(c->v4, 18) + total;

	while ((size_t)(end - p) >= 8) {
		h = rotl(h ^ round64(0, get_u64(p)), 27) * P1 + P3;
		p += 8;
	}
	while (p < end)
		h = rotl(h ^ (*p++ * P3), 11) * P1;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

/* The checksum of bytes that come in pieces of any size. */
struct cs_stream {
	struct cs_state c;
	unsigned char part[32];
	size_t fill;
	uint64_t total;
};

static void cs_stream_add(struct cs_stream *st, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!len)
		return;
	st->total += len;
	if (st->fill) {
		size_t k = 32 - st->fill < len ? 32 - st->fill : len;
		memcpy(st->part + st->fill, p, k);
		st->fill += k;
		p += k;
		len -= k;
		if (st->fill < 32)
			return;
		cs_blocks(&st->c, st->part, 1);
		st->fill = 0;
	}
	cs_blocks(&st->c, p, len / 32);
	st->fill = len % 32;
	memcpy(st->part, p + len / 32 * 32, st->fill);
}

uint64_t store_checksum(const void *data, size_t len)
{
	struct cs_state c;

	cs_init(&c);
	cs_blocks(&c, data, len / 32);
	return cs_final(&c, (const unsigned char *)data + len / 32 * 32, len % 32, (uint64_t)len);
}

/* The checksum of a file image as if its checksum field were zero, without
 * writing to it (the image may be a read-only mapping). */
static uint64_t image_checksum(const unsigned char *buf, size_t len)
{
	unsigned char head[HEADER_SIZE];
	struct cs_state c;
	size_t rest = len - HEADER_SIZE;

	memcpy(head, buf, HEADER_SIZE);
	memset(head + 24, 0, 8);
	cs_init(&c);
	cs_blocks(&c, head, HEADER_SIZE / 32);
	cs_blocks(&c, buf + HEADER_SIZE, rest / 32);
	return cs_final(&c, buf + HEADER_SIZE + rest / 32 * 32, rest % 32, (uint64_t)len);
}

/* ---- serialisation ---------------------------------------------------------- */

struct section {
	uint32_t id;
	const void *data;
	uint64_t len;
};

static size_t table_sections(const struct ht_snapshot *s, uint32_t version, struct section *sec)
{
	size_t n = 0;
	int k;

	sec[n++] = (struct section){ SEC_POOL, s->pool, s->pool_len };
	sec[n++] = (struct section){ SEC_TERMS, s->terms, (uint64_t)s->n_terms * 4 };
	sec[n++] = (struct section){ SEC_ACCT_NAME, s->acct_name, (uint64_t)s->n_accounts * 4 };
	sec[n++] = (struct section){ SEC_ACCT_KIND, s->acct_kind, (uint64_t)s->n_accounts };
	sec[n++] = (struct section){ SEC_LISTS, s->lists, (uint64_t)s->n_lists * 4 };
	sec[n++] = (struct section){ SEC_LINK_BASE, s->link_base, (uint64_t)s->n_links * 4 };
	sec[n++] = (struct section){ SEC_LINK_REL, s->link_rel, (uint64_t)s->n_links };
	sec[n++] = (struct section){ SEC_LINK_ROW, s->link_row, (uint64_t)s->n_links * 4 };
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s->t[k];
		for (size_t c = 0; c < N_COLS; c++)
			if (table_cols[c].since <= version)
				sec[n++] = (struct section){ col_section(k, c),
							     *col_ptr((struct ht_table *)t, c),
							     (uint64_t)t->n * table_cols[c].size };
	}
	return n;
}

/* The header, checksum left zero, of a file holding sections sec[0..n)
 * one after another, each padded to 8 bytes.  Returns the file's size. */
static uint64_t make_header(const struct ht_snapshot *s, uint32_t version, const struct section *sec,
			    size_t n, unsigned char *head)
{
	uint64_t size = head_len(version), off = head_len(version);
	uint32_t flags = 0;
	size_t i;

	for (i = 0; i < n; i++)
		size += (sec[i].len + 7) & ~(uint64_t)7;
	memset(head, 0, HEAD_LEN_V3);
	memcpy(head, STORE_MAGIC, 8);
	put_u32(head + 8, version);
	put_u32(head + 12, ENDIAN_MARK);
	put_u64(head + 16, size);
	/* head + 24: checksum, filled last */
	if (s->meta.demo)
		flags |= FLAG_DEMO;
	if (s->meta.complete)
		flags |= FLAG_COMPLETE;
	if (s->meta.no_alltime & (1u << HT_MODELS))
		flags |= FLAG_NO_ALLTIME_MODELS;
	if (s->meta.no_alltime & (1u << HT_DATASETS))
		flags |= FLAG_NO_ALLTIME_DATASETS;
	if (s->meta.as_of_inferred)
		flags |= FLAG_AS_OF_INFERRED;
	put_u32(head + 32, flags);
	put_u64(head + AS_OF_AT, (uint64_t)s->meta.as_of);
	put_u64(head + REFUSED_AT, s->meta.refused);
	put_u32(head + 36, (uint32_t)n);
	put_u64(head + 40, (uint64_t)s->meta.fetched_at);
	put_u64(head + 48, s->meta.top_n);
	put_u32(head + 56, s->t[HT_MODELS].n);
	put_u32(head + 60, s->t[HT_DATASETS].n);
	put_u32(head + 64, s->n_accounts);
	put_u32(head + 68, s->n_terms);
	put_u32(head + 72, s->n_lists);
	put_u32(head + 76, s->n_links);
	put_u64(head + 80, s->pool_len);
	memcpy(head + 88, s->meta.endpoint, strnlen(s->meta.endpoint, 255));
	clean_text((char *)head + 88);
	for (i = 0; i < n; i++) {
		unsigned char *e = head + sectab_at(version) + i * 16;
		put_u32(e, sec[i].id);
		put_u32(e + 4, 0); /* reserved */
		put_u64(e + 8, off);
		/* Lengths follow from the counts; only the offset is stored. */
		off += (sec[i].len + 7) & ~(uint64_t)7;
	}
	return size;
}

int store_serialize_version(const struct ht_snapshot *s, uint32_t version, void **out, size_t *outlen,
			    struct store_err *err)
{
	struct section sec[MAX_SECTIONS];
	size_t n, i;
	unsigned char head[HEAD_LEN_V3], *buf;
	uint64_t size, off = head_len(version);

	if (version < 1 || version > STORE_FORMAT_VERSION) {
		fail(err, "cannot write snapshot format version %u", version);
		return -1;
	}
	n = table_sections(s, version, sec);
	size = make_header(s, version, sec, n, head);
	if (size > SIZE_MAX) {
		fail(err, "snapshot too large to write (%llu bytes)", (unsigned long long)size);
		return -1;
	}
	buf = calloc(1, (size_t)size);
	if (!buf) {
		fail(err, "out of memory while preparing a %llu-byte snapshot",
		     (unsigned long long)size);
		return -1;
	}
	memcpy(buf, head, head_len(version));
	for (i = 0; i < n; i++) {
		if (sec[i].len)
			memcpy(buf + off, sec[i].data, (size_t)sec[i].len);
		off += (sec[i].len + 7) & ~(uint64_t)7;
	}
	put_u64(buf + 24, store_checksum(buf, (size_t)size));
	*out = buf;
	*outlen = (size_t)size;
	return 0;
}

/* ---- the image section by section (history.c) ------------------------------ */

_Static_assert(HEAD_LEN_V3 == STORE_HEADER_SIZE, "store.h's header size is the current format's");
_Static_assert(MAX_SECTIONS == STORE_MAX_SECTIONS, "store.h's section bound is the format's");

/* What the values of a section index; a column not listed holds plain values. */
static enum store_ref section_ref(uint32_t id)
{
	switch (id) {
	case SEC_TERMS: case SEC_ACCT_NAME: case SEC_LINK_BASE: return STORE_REF_POOL;
	case SEC_LISTS: return STORE_REF_TERM;
	default: return STORE_REF_NONE;
	}
}

size_t store_sections(const struct ht_snapshot *s, struct store_section *out)
{
	struct section sec[MAX_SECTIONS];
	size_t n = table_sections(s, STORE_FORMAT_VERSION, sec), i, c;
	int k;

	/* The sections before the tables are fixed; then each table's columns
	 * in table_cols order, which says their width and what they index. */
	for (i = 0; i < n && sec[i].id < SEC_TABLE_BASE; i++) {
		out[i].id = sec[i].id;
		out[i].table = -1;
		out[i].width = sec[i].id == SEC_POOL || sec[i].id == SEC_ACCT_KIND ||
			       sec[i].id == SEC_LINK_REL ? 1 : 4;
		out[i].ref = section_ref(sec[i].id);
		out[i].data = sec[i].data;
		out[i].len = sec[i].len;
	}
	for (k = 0; k < HT_KIND_COUNT; k++)
		for (c = 0; c < N_COLS; c++) {
			if (table_cols[c].since > STORE_FORMAT_VERSION)
				continue;
			out[i].id = sec[i].id;
			out[i].table = k;
			out[i].width = table_cols[c].size;
			out[i].ref = table_cols[c].ref;
			out[i].data = sec[i].data;
			out[i].len = sec[i].len;
			i++;
		}
	return n;
}

void store_header(const struct ht_snapshot *s, unsigned char head[STORE_HEADER_SIZE])
{
	struct section sec[MAX_SECTIONS];
	size_t n = table_sections(s, STORE_FORMAT_VERSION, sec);

	make_header(s, STORE_FORMAT_VERSION, sec, n, head);
}

int store_header_shape(const unsigned char head[STORE_HEADER_SIZE], struct ht_snapshot *shape)
{
	uint32_t version = get_u32(head + 8);

	/* Only the header length of version 3 on is STORE_HEADER_SIZE. */
	if (memcmp(head, STORE_MAGIC, 8) != 0 || version < 3 || version > STORE_FORMAT_VERSION ||
	    get_u32(head + 12) != ENDIAN_MARK)
		return -1;
	memset(shape, 0, sizeof *shape);
	header_meta(head, &shape->meta);
	shape->t[HT_MODELS].n = get_u32(head + 56);
	shape->t[HT_DATASETS].n = get_u32(head + 60);
	shape->n_accounts = get_u32(head + 64);
	shape->n_terms = get_u32(head + 68);
	shape->n_lists = get_u32(head + 72);
	shape->n_links = get_u32(head + 76);
	shape->pool_len = get_u64(head + 80);
	return 0;
}

void store_image_seal(const struct ht_snapshot *shape, void *image, size_t len)
{
	(void)len;
	store_header(shape, image);
}

int store_serialize(const struct ht_snapshot *s, void **out, size_t *outlen, struct store_err *err)
{
	return store_serialize_version(s, STORE_FORMAT_VERSION, out, outlen, err);
}

/* ---- loading ---------------------------------------------------------------- */

/* Every offset and index is checked before anyone trusts it: a file that
 * passes the checksum may still have been written by something else. */
static int check_u32_below(const uint32_t *a, uint64_t n, uint64_t bound)
{
	uint64_t i;
	uint32_t m = 0;
	for (i = 0; i < n; i++)
		m = a[i] > m ? a[i] : m;
	return n == 0 || m < bound;
}

static int check_ranges(const uint32_t *first, const uint32_t *count, uint64_t n, uint64_t bound)
{
	uint64_t i;
	for (i = 0; i < n; i++)
		if (count[i] && ((uint64_t)first[i] + count[i] > bound))
			return 0;
	return 1;
}

/* A checksum that runs on its own thread (store_load_start). */
struct store_check {
	pthread_t th;
	int running;
	const unsigned char *buf;
	size_t len;
	uint64_t want, got;
	char name[PATH_MAX];
};

/* Version 1 stored an unknown all-time count as 0 and flagged nothing: a
 * table whose all-time counts are all 0 had none (the listing did not carry
 * them).  One pass over that column, for old files only. */
static void v1_unknowns(struct ht_snapshot *s)
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s->t[k];
		uint32_t i = 0;
		while (i < t->n && t->downloads_all[i] == 0)
			i++;
		if (t->n && i == t->n)
			s->meta.no_alltime |= 1u << k;
	}
}

/* The header's description of the snapshot, for load and peek alike. */
static void header_meta(const unsigned char *buf, struct ht_meta *meta)
{
	uint32_t flags = get_u32(buf + 32);

	meta->format_version = get_u32(buf + 8);
	meta->demo = (flags & FLAG_DEMO) != 0;
	meta->complete = (flags & FLAG_COMPLETE) != 0;
	meta->fetched_at = (int64_t)get_u64(buf + 40);
	meta->top_n = get_u64(buf + 48);
	if (meta->format_version >= 2) {
		meta->no_alltime = ((flags & FLAG_NO_ALLTIME_MODELS) ? 1u << HT_MODELS : 0) |
				   ((flags & FLAG_NO_ALLTIME_DATASETS) ? 1u << HT_DATASETS : 0);
		meta->as_of = (int64_t)get_u64(buf + AS_OF_AT);
		meta->as_of_inferred = (flags & FLAG_AS_OF_INFERRED) != 0;
		meta->refused = get_u64(buf + REFUSED_AT);
	} else {
		/* Version 1 kept no date of the data: the fetch's time is the
		 * best there is (an import's is wrong, hence inferred). */
		meta->no_alltime = 0;
		meta->as_of = meta->fetched_at;
		meta->as_of_inferred = 1;
		meta->refused = 0;
	}
	memcpy(meta->endpoint, buf + 88, 255);
	meta->endpoint[255] = '\0';
	clean_text(meta->endpoint);
}

static void *check_main(void *arg)
{
	struct store_check *c = arg;
	c->got = image_checksum(c->buf, c->len);
	return NULL;
}

/* Waits for the checksum; 0 when it matches, else -1 with err filled. */
static int check_join(struct store_check *c, struct store_err *err)
{
	if (c->running) {
		pthread_join(c->th, NULL);
		c->running = 0;
	}
	if (c->got == c->want)
		return 0;
	fail(err, "%s: snapshot is corrupted (checksum mismatch). "
	     "Delete it and fetch or import again.", c->name);
	return -1;
}

/* trusted: an image built in memory from verified files (history.c): every
 * bound is checked, the checksum is not. */
static struct ht_snapshot *load_image_as(void *mem, size_t len, int mapped, const char *name,
					 struct store_check *check, int trusted, struct store_err *err)
{
	unsigned char *buf = mem;
	struct ht_snapshot *s = NULL;
	uint32_t version, nsec, counts[6], i;
	uint64_t size, sum, pool_len;
	struct section expect[MAX_SECTIONS];
	size_t nexp;
	const char *what = NULL;
	int k;

	if (len < HEADER_SIZE) {
		fail(err, "%s: not a hubtop snapshot (only %zu bytes; truncated or empty). "
		     "Delete it or run 'hubtop fetch' to make a new one.", name, len);
		goto bad;
	}
	if (memcmp(buf, STORE_MAGIC, 8) != 0) {
		fail(err, "%s: not a hubtop snapshot (wrong magic bytes). "
		     "Check the path given with --snapshot.", name);
		goto bad;
	}
	version = get_u32(buf + 8);
	if (version > STORE_FORMAT_VERSION) {
		fail(err, "%s: snapshot format version %u is newer than this hubtop reads (%u). "
		     "Upgrade hubtop, or fetch the snapshot again.", name, version,
		     STORE_FORMAT_VERSION);
		goto bad;
	}
	if (version == 0 || get_u32(buf + 12) != ENDIAN_MARK) {
		fail(err, "%s: unsupported snapshot (version %u, or written on a machine of "
		     "another byte order). Fetch it again on this machine.", name, version);
		goto bad;
	}
	if (len < head_len(version)) {
		fail(err, "%s: snapshot is truncated (%zu bytes, shorter than the header of a version "
		     "%u file). Delete it and fetch or import again.", name, len, version);
		goto bad;
	}
	size = get_u64(buf + 16);
	if (size != len) {
		fail(err, "%s: snapshot is %s: the header says %llu bytes, the file has %zu. "
		     "It was cut short or appended to; delete it and fetch or import again.",
		     name, size > len ? "truncated" : "too long", (unsigned long long)size, len);
		goto bad;
	}
	sum = get_u64(buf + 24);
	if (check) {
		check->buf = buf;
		check->len = len;
		check->want = sum;
		snprintf(check->name, sizeof check->name, "%s", name);
		check->running = pthread_create(&check->th, NULL, check_main, check) == 0;
		if (!check->running)
			check->got = image_checksum(buf, len);
	} else if (!trusted && image_checksum(buf, len) != sum) {
		fail(err, "%s: snapshot is corrupted (checksum mismatch). "
		     "Delete it and fetch or import again.", name);
		goto bad;
	}

	s = calloc(1, sizeof *s);
	if (!s) {
		fail(err, "%s: out of memory", name);
		goto bad;
	}
	nsec = get_u32(buf + 36);
	header_meta(buf, &s->meta);
	for (i = 0; i < 6; i++)
		counts[i] = get_u32(buf + 56 + 4 * i);
	pool_len = get_u64(buf + 80);
	s->t[HT_MODELS].n = counts[0];
	s->t[HT_DATASETS].n = counts[1];
	s->n_accounts = counts[2];
	s->n_terms = counts[3];
	s->n_lists = counts[4];
	s->n_links = counts[5];
	s->pool_len = pool_len;

	/* The sections this version must have, in this order, with these sizes. */
	{
		struct ht_snapshot shape = *s;
		nexp = table_sections(&shape, version, expect);
	}
	if (nsec != nexp) {
		what = "section count";
		goto corrupt;
	}
	{
		uint64_t off = head_len(version);
		void *ptr[MAX_SECTIONS];
		for (i = 0; i < nsec; i++) {
			const unsigned char *e = buf + sectab_at(version) + i * 16;
			if (get_u32(e) != expect[i].id || get_u64(e + 8) != off ||
			    off + expect[i].len > len) {
				what = "section table";
				goto corrupt;
			}
			ptr[i] = buf + off;
			off += (expect[i].len + 7) & ~(uint64_t)7;
		}
		if (off != len) {
			what = "section sizes";
			goto corrupt;
		}
		i = 0;
		s->pool = ptr[i++];
		s->terms = ptr[i++];
		s->acct_name = ptr[i++];
		s->acct_kind = ptr[i++];
		s->lists = ptr[i++];
		s->link_base = ptr[i++];
		s->link_rel = ptr[i++];
		s->link_row = ptr[i++];
		for (k = 0; k < HT_KIND_COUNT; k++) {
			struct ht_table *t = &s->t[k];
			for (size_t c = 0; c < N_COLS; c++)
				*col_ptr(t, c) = table_cols[c].since <= version ? ptr[i++] : NULL;
		}
	}
	if (pool_len == 0 || s->pool[0] != '\0' || s->pool[pool_len - 1] != '\0') {
		what = "string pool";
		goto corrupt;
	}
	if (s->n_terms == 0 || !check_u32_below(s->terms, s->n_terms, pool_len) ||
	    !check_u32_below(s->acct_name, s->n_accounts, pool_len) ||
	    !check_u32_below(s->link_base, s->n_links, pool_len) ||
	    !check_u32_below(s->lists, s->n_lists, s->n_terms)) {
		what = "string or term index";
		goto corrupt;
	}
	for (i = 0; i < s->n_links; i++)
		if (s->link_rel[i] >= HT_REL_COUNT ||
		    (s->link_row[i] != UINT32_MAX && s->link_row[i] >= s->t[HT_MODELS].n)) {
			what = "lineage relation";
			goto corrupt;
		}
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s->t[k];
		if (!check_u32_below(t->id, t->n, pool_len) ||
		    !check_u32_below(t->author, t->n, s->n_accounts) ||
		    !check_u32_below(t->pipeline, t->n, s->n_terms) ||
		    !check_u32_below(t->library, t->n, s->n_terms) ||
		    !check_u32_below(t->license, t->n, s->n_terms) ||
		    !check_ranges(t->list_first, t->list_count, t->n, s->n_lists) ||
		    !check_ranges(t->link_first, t->link_count, t->n, s->n_links)) {
			what = k == HT_MODELS ? "models table" : "datasets table";
			goto corrupt;
		}
	}
	if (s->meta.format_version < 2)
		v1_unknowns(s);
	s->blob = mem;
	s->blob_len = len;
	s->blob_mapped = mapped;
	return s;
corrupt:
	/* A file that fails both checks is reported as damaged, as it always was. */
	if (!check || check_join(check, err) == 0)
		fail(err, "%s: snapshot is corrupted (bad %s) although its checksum matches: it "
		     "was not written by this hubtop. Delete it and fetch or import again.",
		     name, what);
bad:
	if (check && check->running) {
		pthread_join(check->th, NULL);
		check->running = 0;
	}
	free(s);
	if (mapped)
		munmap(mem, len);
	else
		free(mem);
	return NULL;
}

static struct ht_snapshot *load_image(void *mem, size_t len, int mapped, const char *name,
				      struct store_check *check, struct store_err *err)
{
	return load_image_as(mem, len, mapped, name, check, 0, err);
}

struct ht_snapshot *store_load_built(void *mem, size_t len, const char *name, struct store_err *err)
{
	return load_image_as(mem, len, 0, name, NULL, 1, err);
}

struct ht_snapshot *store_load_mem(void *mem, size_t len, const char *name, struct store_err *err)
{
	return load_image(mem, len, 0, name, NULL, err);
}

static struct ht_snapshot *load_file(const char *path, struct store_check *check,
				     struct store_err *err)
{
	struct ht_snapshot *s;
	struct stat st;
	void *map;
	/* Non-blocking: opening a FIFO for reading would wait for a writer
	 * forever; the type is checked before any read. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		fail(err, "%s: cannot open snapshot: %s%s", path, strerror(e),
		     e == ENOTDIR ? " (a file stands where a folder of this path should be: move it "
				    "away, or choose another folder with --cache-dir)" :
		     e == EACCES ? " (check the permissions of the file and its folders)" :
		     e == ENOENT ? " (check the path; 'hubtop fetch' or 'hubtop import' make one)" : "");
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fail(err, "%s: not a regular file (%s): a snapshot is a file that 'hubtop fetch' "
		     "or 'hubtop import' wrote. Give another path with --snapshot.", path,
		     S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a folder" :
		     S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" :
		     S_ISSOCK(st.st_mode) ? "a socket" : "a special file");
		close(fd);
		return NULL;
	}
	if (st.st_size < (off_t)HEADER_SIZE) {
		fail(err, "%s: not a hubtop snapshot (only %lld bytes; truncated or empty). "
		     "Delete it or run 'hubtop fetch' to make a new one.", path,
		     (long long)st.st_size);
		close(fd);
		return NULL;
	}
	/* Read-only: the pages come straight from the page cache, with no copy
	 * (a writable private mapping would copy every page).  Populated up
	 * front, even when a checksum thread reads every page next: mapping
	 * them all at once costs a few ms for 280 MB in the page cache, where
	 * faulting them in 64 KB at a time cost the checksum thread some 30 ms
	 * more on a virtual machine. */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		   fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fail(err, "%s: cannot read snapshot: %s", path, strerror(errno));
		return NULL;
	}
	s = load_image(map, (size_t)st.st_size, 1, path, check, err);
	return s;
}

size_t store_release(const struct ht_snapshot *s, const void *p, size_t len)
{
	/* The page cache may hold the file in 2 MB folios, mapped whole:
	 * giving back part of one gives back all of it, the neighbours' bytes
	 * too.  So only whole 2 MB blocks (whole pages when the page is larger). */
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE) > ((uintptr_t)2 << 20) ?
				 (uintptr_t)sysconf(_SC_PAGESIZE) : (uintptr_t)2 << 20;
	uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1), hi = ((uintptr_t)p + len) & ~(page - 1);
	uintptr_t blo = (uintptr_t)(s ? s->blob : NULL);
	/* Anonymous memory would come back zeroed: mapped files only. */
	if (!s || !s->blob_mapped || !p || hi <= lo || lo < blo || hi > blo + s->blob_len)
		return 0;
	if (madvise((void *)lo, hi - lo, MADV_DONTNEED) != 0)
		return 0; /* a hint: the pages stay, nothing is lost */
	return hi - lo;
}

int store_peek(const char *path, struct ht_meta *meta, uint32_t counts[HT_KIND_COUNT])
{
	unsigned char buf[HEADER_SIZE];
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	got = pread(fd, buf, sizeof buf, 0);
	close(fd);
	if (got != (ssize_t)sizeof buf || memcmp(buf, STORE_MAGIC, 8) != 0 || get_u32(buf + 8) == 0 ||
	    get_u32(buf + 8) > STORE_FORMAT_VERSION || get_u32(buf + 12) != ENDIAN_MARK)
		return -1;
	memset(meta, 0, sizeof *meta);
	header_meta(buf, meta);
	counts[HT_MODELS] = get_u32(buf + 56);
	counts[HT_DATASETS] = get_u32(buf + 60);
	return 0;
}

struct ht_snapshot *store_load(const char *path, struct store_err *err)
{
	return load_file(path, NULL, err);
}

struct ht_snapshot *store_load_start(const char *path, struct store_check **check,
				     struct store_err *err)
{
	struct store_check *c = calloc(1, sizeof *c);
	struct ht_snapshot *s;

	*check = NULL;
	if (!c) {
		fail(err, "%s: out of memory", path);
		return NULL;
	}
	s = load_file(path, c, err);
	if (!s)
		free(c);
	else
		*check = c;
	return s;
}

int store_check_finish(struct store_check *c, struct store_err *err)
{
	int rc;

	if (!c)
		return 0;
	rc = check_join(c, err);
	free(c);
	return rc;
}

/* ---- writing ---------------------------------------------------------------- */

static void dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/* Makes the rename durable: without it a crash can forget the new name. */
static int fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc;

	dir_of(path, dir, sizeof dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* A snapshot written section by section from where its arrays are, with
 * no copy of the whole file in memory. */
struct image {
	struct section sec[MAX_SECTIONS];
	size_t n;
	unsigned char head[HEAD_LEN_V3];
};

static const unsigned char zeros[8];

/* Bytes written between two starts of the file's writeback. */
#define WRITEBACK_KICK ((uint64_t)32 << 20)

static int write_image(void *ctx, void *fp)
{
	const struct image *im = ctx;
	uint64_t written = HEAD_LEN_V3, kicked = 0;
	size_t i;

	if (fwrite(im->head, 1, HEAD_LEN_V3, fp) != HEAD_LEN_V3)
		return -1;
	for (i = 0; i < im->n; i++) {
		size_t len = (size_t)im->sec[i].len, pad = (8 - len % 8) % 8;
		if ((len && fwrite(im->sec[i].data, 1, len, fp) != len) ||
		    (pad && fwrite(zeros, 1, pad, fp) != pad))
			return -1;
		written += len + pad;
#ifdef SYNC_FILE_RANGE_WRITE
		/* The disk starts on what is written while the rest is: the
		 * fsync at the end waits for the last part only.  A hint. */
		if (written - kicked >= WRITEBACK_KICK) {
			if (fflush(fp) != 0)
				return -1;
			(void)sync_file_range(fileno(fp), (off_t)kicked, (off_t)(written - kicked),
					      SYNC_FILE_RANGE_WRITE);
			kicked = written;
		}
#else
		(void)kicked;
#endif
	}
	return 0;
}

/* A writer killed mid-write leaves PATH.tmp.PID behind: never read, but it
 * holds disk space.  Those of processes that no longer exist are removed. */
static void remove_stale_temps(const char *path)
{
	char dir[PATH_MAX], prefix[PATH_MAX], full[PATH_MAX];
	const char *base = strrchr(path, '/');
	size_t plen;
	struct dirent *de;
	DIR *d;

	base = base ? base + 1 : path;
	dir_of(path, dir, sizeof dir);
	if (snprintf(prefix, sizeof prefix, "%s.tmp.", base) >= (int)sizeof prefix)
		return;
	plen = strlen(prefix);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;
		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + plen, &end, 10);
		if (errno || *end || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(full, sizeof full, "%s/%s", dir, de->d_name) < (int)sizeof full)
			unlink(full);
	}
	closedir(d);
}

static int replace_file(const char *path, const struct stat *old, int (*writer)(void *ctx, void *fp),
			void *ctx, struct store_err *err)
{
	char tmp[PATH_MAX];
	FILE *fp;
	int fd, saved;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		fail(err, "%s: path too long", path);
		return -1;
	}
	remove_stale_temps(path);
	/* Exclusive and never through a link planted at the temporary name. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, old ? 0600 : 0666);
	if (fd < 0) {
		char dir[PATH_MAX];
		saved = errno;
		dir_of(path, dir, sizeof dir);
		fail(err, "cannot create a file in %s: %s. Check that the folder exists and is "
		     "writable, or choose another path.", dir, strerror(saved));
		return -1;
	}
	/* The replaced file keeps its mode and, where allowed, its owner. */
	if (old) {
		if (geteuid() == 0 && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
		    fchown(fd, old->st_uid, old->st_gid) != 0) {
			/* Not fatal: the file stays root's, with the same mode. */
		}
		if (fchmod(fd, old->st_mode & 07777) != 0) {
			saved = errno;
			close(fd);
			unlink(tmp);
			fail(err, "%s: cannot give the new file the mode of the old one: %s", path,
			     strerror(saved));
			return -1;
		}
	}
	fp = fdopen(fd, "wb");
	if (!fp) {
		saved = errno;
		close(fd);
		unlink(tmp);
		fail(err, "%s: %s", tmp, strerror(saved));
		return -1;
	}
	errno = 0;
	if (writer(ctx, fp) != 0 || fflush(fp) != 0 || ferror(fp)) {
		saved = errno ? errno : EIO;
		goto fail_write;
	}
	if (fsync(fd) != 0) {
		saved = errno;
		goto fail_write;
	}
	if (fclose(fp) != 0) {
		saved = errno;
		fp = NULL;
		goto fail_write;
	}
	fp = NULL;
	if (rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		fail(err, "cannot replace %s: %s. The previous file is unchanged.", path,
		     strerror(saved));
		return -1;
	}
	fsync_dir(path);
	return 0;
fail_write:
	if (fp)
		fclose(fp);
	unlink(tmp);
	fail(err, "cannot write %s: %s. The previous file is unchanged%s.", path, strerror(saved),
	     saved == ENOSPC ? "; free some space or choose another folder (--cache-dir, -o)" : "");
	return -1;
}

/* A device, FIFO or socket (or anything under /dev or /proc, such as
 * /dev/stdout) is written to as it is: replacing it would hide the output
 * from its reader, and as root would replace the system's own file. */
static int write_direct(const char *path, const struct stat *st, int (*writer)(void *ctx, void *fp),
			void *ctx, struct store_err *err)
{
	struct stat std;
	FILE *fp;
	int fd = -1, saved, i;

	/* The process's own standard output or error (/dev/stdout,
	 * /proc/self/fd/1, a link to them): written through the descriptor it
	 * already has, which may not be opened again (a pipe of another user). */
	for (i = 1; i <= 2 && fd < 0; i++)
		if (fstat(i, &std) == 0 && std.st_dev == st->st_dev && std.st_ino == st->st_ino)
			fd = fcntl(i, F_DUPFD_CLOEXEC, 3);
	/* O_APPEND: a regular file reached through /dev/stdout is the shell's
	 * redirection, whose end is where output goes. */
	if (fd < 0)
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (S_ISREG(st->st_mode) ? O_APPEND : 0));

	if (fd < 0) {
		saved = errno;
		fail(err, "cannot open %s for writing: %s%s", path, strerror(saved),
		     S_ISSOCK(st->st_mode) ? " (a socket: give '-o -' and redirect standard output)" : "");
		return -1;
	}
	fp = fdopen(fd, "wb");
	if (!fp) {
		saved = errno;
		close(fd);
		fail(err, "%s: %s", path, strerror(saved));
		return -1;
	}
	errno = 0;
	if (writer(ctx, fp) != 0 || fflush(fp) != 0 || ferror(fp)) {
		saved = errno ? errno : EIO;
		fclose(fp);
		fail(err, "cannot write %s: %s", path, strerror(saved));
		return -1;
	}
	if (fclose(fp) != 0) {
		fail(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int under_system_dir(const char *p)
{
	return !strncmp(p, "/dev/", 5) || !strncmp(p, "/proc/", 6);
}

int store_atomic_write(const char *path, int (*writer)(void *ctx, void *fp), void *ctx,
		       struct store_err *err)
{
	char real[PATH_MAX];
	struct stat st;
	int exists;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* A link is followed: what it names is written (or replaced). */
		if (stat(path, &st) != 0) {
			fail(err, "%s is a symbolic link to a file that cannot be reached (%s): remove "
			     "the link or give the file's own path.", path, strerror(errno));
			return -1;
		}
		if (under_system_dir(path))
			return write_direct(path, &st, writer, ctx, err);
		if (S_ISREG(st.st_mode)) {
			if (!realpath(path, real)) {
				fail(err, "%s: cannot follow the symbolic link: %s", path, strerror(errno));
				return -1;
			}
			if (under_system_dir(real))
				return write_direct(path, &st, writer, ctx, err);
			path = real;
		}
		exists = 1;
	} else {
		exists = stat(path, &st) == 0;
	}
	if (exists && S_ISDIR(st.st_mode)) {
		fail(err, "%s is a folder: give the path of a file to write.", path);
		return -1;
	}
	if (exists && (!S_ISREG(st.st_mode) || under_system_dir(path)))
		return write_direct(path, &st, writer, ctx, err);
	return replace_file(path, exists ? &st : NULL, writer, ctx, err);
}

int store_write(const struct ht_snapshot *s, const char *path, struct store_err *err)
{
	struct image im;
	struct cs_stream cs;
	size_t i;

	im.n = table_sections(s, STORE_FORMAT_VERSION, im.sec);
	make_header(s, STORE_FORMAT_VERSION, im.sec, im.n, im.head);
	memset(&cs, 0, sizeof cs);
	cs_init(&cs.c);
	cs_stream_add(&cs, im.head, HEAD_LEN_V3);
	for (i = 0; i < im.n; i++) {
		size_t len = (size_t)im.sec[i].len;
		cs_stream_add(&cs, im.sec[i].data, len);
		cs_stream_add(&cs, zeros, (8 - len % 8) % 8);
	}
	put_u64(im.head + 24, cs_final(&cs.c, cs.part, cs.fill, cs.total));
	return store_atomic_write(path, write_image, &im, err);
}

/* ---- the cache's own files ------------------------------------------------- */

int store_cache_open(const char *path, int flags)
{
	int fd, tries;

	flags &= O_RDWR | O_WRONLY | O_RDONLY;
	for (tries = 0; tries < 2; tries++) {
		struct stat st;
		/* O_NONBLOCK: a FIFO at the name must not hold the open. */
		fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
				(tries ? O_EXCL : 0), 0600);
		if (fd >= 0) {
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1) {
				/* Back to blocking for the writes that follow. */
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
				return fd;
			}
			close(fd);
			if (tries)
				break;
		} else if (tries || (errno != ELOOP && errno != ENXIO && errno != EISDIR)) {
			return -1;
		}
		/* A symbolic or hard link, or a special file, stands at the name:
		 * it is removed, never written through. */
		if (unlink(path) != 0)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

FILE *store_cache_read(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	FILE *fp;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(fp = fdopen(fd, "r"))) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	return fp;
}

/* ---- locations ---------------------------------------------------------------- */

int store_cache_dir(const char *override, char *buf, size_t len)
{
	const char *v;
	int n;

	if (override && *override)
		n = snprintf(buf, len, "%s", override);
	else if ((v = getenv("HUBTOP_CACHE_DIR")) && *v)
		n = snprintf(buf, len, "%s", v);
	else if ((v = getenv("XDG_CACHE_HOME")) && *v)
		n = snprintf(buf, len, "%s/hubtop", v);
	else if ((v = getenv("HOME")) && *v)
		n = snprintf(buf, len, "%s/.cache/hubtop", v);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int store_default_path(const char *cache_dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/snapshot.hts", cache_dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int store_mkdirs(const char *dir, struct store_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof path) {
		fail(err, "invalid folder name '%s'", dir);
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, i == n ? 0700 : 0755) != 0 && errno != EEXIST) {
			fail(err, "cannot create folder %s: %s", path, strerror(errno));
			return -1;
		}
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fail(err, "%s exists and is not a folder: move it away or choose another "
			     "cache folder with --cache-dir", path);
			return -1;
		}
		if (i < n)
			path[i] = '/';
	}
	return 0;
}

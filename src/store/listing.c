/* listing.c - Hub listing items (JSON) into the table builder. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hubtop/listing.h"

/* Text fields longer than this are not a tag or a name the Hub produces. */
#define TEXT_MAX 300

static int text_ok(const char *s)
{
	return table_text_valid(s, TEXT_MAX);
}

/* A value's type as cJSON_Is* tell it, without a call into the library for
 * each of the dozen members of an item. */
static int type_of(const cJSON *v)
{
	return v->type & 0xFF;
}

/* 1 when s starts with prefix (s may be shorter). */
static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static const char *str_value(const cJSON *v, unsigned *warnings)
{
	if (type_of(v) == cJSON_NULL)
		return NULL;
	if (type_of(v) != cJSON_String || !v->valuestring || !text_ok(v->valuestring)) {
		(*warnings)++;
		return NULL;
	}
	return v->valuestring;
}

static uint64_t count_value(const cJSON *v, unsigned *warnings)
{
	if (type_of(v) != cJSON_Number || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 9.0e15) {
		(*warnings)++;
		return 0;
	}
	return (uint64_t)v->valuedouble;
}

/* A download count: null or missing is unknown (the flag stays set), not 0. */
static uint64_t dl_value(const cJSON *v, struct ht_item *it, uint8_t flag, unsigned *warnings)
{
	if (type_of(v) == cJSON_NULL)
		return 0;
	if (type_of(v) != cJSON_Number || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 9.0e15) {
		(*warnings)++;
		return 0;
	}
	it->flags &= (uint8_t)~flag;
	return (uint64_t)v->valuedouble;
}

/* An id as given: table_id_problem judges it (text_ok's length is for
 * names and tags, and a long legacy id must not be lost to it). */
static const char *id_value(const cJSON *v, unsigned *warnings)
{
	if (type_of(v) == cJSON_NULL)
		return NULL;
	if (type_of(v) != cJSON_String || !v->valuestring) {
		(*warnings)++;
		return NULL;
	}
	return v->valuestring;
}

static int64_t time_value(const cJSON *v, unsigned *warnings)
{
	const char *s = str_value(v, warnings);
	int64_t t;

	if (!s)
		return 0;
	t = table_parse_time(s);
	if (t < 0) {
		(*warnings)++;
		return 0;
	}
	return t;
}

/* Only the tags the model keeps (see take_tags in table.c) are checked and
 * passed on; the Hub sends many more. */
static int tag_kept(const char *t)
{
	switch (t[0]) {
	case 'b':
		return starts_with(t, "base_model:");
	case 'l':
		return starts_with(t, "license:") || starts_with(t, "language:");
	case 't':
		return starts_with(t, "task_categories:");
	default:
		return 0;
	}
}

static void take_tag_list(const cJSON *v, struct ht_item *it, unsigned *warnings)
{
	const cJSON *t;

	if (type_of(v) == cJSON_NULL)
		return;
	if (type_of(v) != cJSON_Array) {
		(*warnings)++;
		return;
	}
	cJSON_ArrayForEach(t, v) {
		if (type_of(t) != cJSON_String || !t->valuestring) {
			(*warnings)++;
			continue;
		}
		if (!tag_kept(t->valuestring))
			continue;
		if (!text_ok(t->valuestring)) {
			(*warnings)++;
			continue;
		}
		if (it->n_tags < HT_ITEM_MAX_TAGS)
			it->tags[it->n_tags++] = t->valuestring;
	}
}

static void take_gated(const cJSON *v, struct ht_item *it, unsigned *warnings)
{
	if (type_of(v) == cJSON_String && v->valuestring) {
		it->flags |= HT_F_GATED;
		if (strcmp(v->valuestring, "manual") == 0)
			it->flags |= HT_F_GATED_MAN;
	} else if (type_of(v) == cJSON_True) {
		it->flags |= HT_F_GATED;
	} else if (type_of(v) != cJSON_False && type_of(v) != cJSON_NULL) {
		(*warnings)++;
	}
}

static void take_trending(const cJSON *v, struct ht_item *it, unsigned *warnings)
{
	if (type_of(v) == cJSON_Number && isfinite(v->valuedouble))
		it->trending = v->valuedouble <= 0 ? 0 :
			       v->valuedouble >= UINT32_MAX ? UINT32_MAX : (uint32_t)v->valuedouble;
	else if (type_of(v) != cJSON_NULL)
		(*warnings)++;
}

/* The fields of a listing item that the model keeps. */
enum field {
	F_NONE, F_ID, F_MODEL_ID, F_OID, F_AUTHOR, F_DOWNLOADS, F_DOWNLOADS_ALL, F_LIKES,
	F_TRENDING, F_CREATED, F_MODIFIED, F_PIPELINE, F_LIBRARY, F_GATED, F_PRIVATE,
	F_DISABLED, F_TAGS, F_SAFETENSORS, F_GGUF
};

/* 1 when k is name, compared from its second byte (the first picked name). */
static int rest_is(const char *k, const char *name)
{
	for (k++, name++; *name; k++, name++)
		if (*k != *name)
			return 0;
	return *k == '\0';
}

/* A dozen members an item, two million items a crawl: the first byte picks
 * the one or two names worth comparing, and a comparison stops at the first
 * byte that differs, without measuring the name first. */
static enum field field_of(const char *k)
{
#define IS(name, f) if (rest_is(k, name)) return f
	switch (k[0]) {
	case '_': IS("_id", F_OID); break;
	case 'a': IS("author", F_AUTHOR); break;
	case 'c': IS("createdAt", F_CREATED); break;
	case 'd': IS("downloads", F_DOWNLOADS); IS("downloadsAllTime", F_DOWNLOADS_ALL);
		  IS("disabled", F_DISABLED); break;
	case 'g': IS("gated", F_GATED); IS("gguf", F_GGUF); break;
	case 'i': IS("id", F_ID); break;
	case 'l': IS("likes", F_LIKES); IS("lastModified", F_MODIFIED);
		  IS("library_name", F_LIBRARY); break;
	case 'm': IS("modelId", F_MODEL_ID); break;
	case 'p': IS("pipeline_tag", F_PIPELINE); IS("private", F_PRIVATE); break;
	case 's': IS("safetensors", F_SAFETENSORS); break;
	case 't': IS("tags", F_TAGS); IS("trendingScore", F_TRENDING); break;
	default: break;
	}
#undef IS
	return F_NONE;
}

/* The total parameter count of a "safetensors" ({"parameters": {dtype: n},
 * "total": n}) or "gguf" ({"total": n, ...}) member: its "total", else (for
 * safetensors) the sum of its parameters by dtype; 0 when it gives none.
 * null or absent is no size, not a warning. */
static uint64_t params_value(const cJSON *v, unsigned *warnings)
{
	const cJSON *m, *total, *by;
	uint64_t sum = 0;

	if (type_of(v) == cJSON_NULL)
		return 0;
	if (type_of(v) != cJSON_Object) {
		(*warnings)++;
		return 0;
	}
	total = cJSON_GetObjectItemCaseSensitive(v, "total");
	if (total && type_of(total) != cJSON_NULL)
		return count_value(total, warnings);
	by = cJSON_GetObjectItemCaseSensitive(v, "parameters");
	if (!by || type_of(by) != cJSON_Object)
		return 0;
	cJSON_ArrayForEach(m, by) {
		uint64_t x = count_value(m, warnings);
		sum = sum + x < sum ? UINT64_MAX : sum + x;
	}
	return sum;
}

/* listing_item but the check of the id: -1 when obj is not an object or
 * gives no id.  One pass over the members, each dispatched once. */
static int item_read(const cJSON *obj, struct ht_item *it, unsigned *warnings)
{
	const cJSON *v, *model_id = NULL;
	uint64_t n, gguf = 0;

	/* The tags array is 2 KB: only its first n_tags entries are read. */
	memset(it, 0, offsetof(struct ht_item, tags));
	if (!cJSON_IsObject(obj))
		return -1;
	/* Unknown until the item gives a number. */
	it->flags = HT_F_DL_UNKNOWN | HT_F_DLA_UNKNOWN | HT_F_PARAMS_UNKNOWN | HT_F_NO_TAGS;
	cJSON_ArrayForEach(v, obj) {
		if (!v->string)
			continue;
		switch (field_of(v->string)) {
		case F_ID:
			it->id = id_value(v, warnings);
			break;
		case F_MODEL_ID:
			model_id = v;
			break;
		case F_OID:
			it->oid = str_value(v, warnings);
			break;
		case F_AUTHOR:
			it->author = str_value(v, warnings);
			break;
		case F_DOWNLOADS:
			it->downloads = dl_value(v, it, HT_F_DL_UNKNOWN, warnings);
			break;
		case F_DOWNLOADS_ALL:
			it->downloads_all = dl_value(v, it, HT_F_DLA_UNKNOWN, warnings);
			break;
		case F_LIKES:
			n = count_value(v, warnings);
			it->likes = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
			break;
		case F_TRENDING:
			take_trending(v, it, warnings);
			break;
		case F_CREATED:
			it->created = time_value(v, warnings);
			break;
		case F_MODIFIED:
			it->modified = time_value(v, warnings);
			break;
		case F_PIPELINE:
			it->pipeline = str_value(v, warnings);
			break;
		case F_LIBRARY:
			it->library = str_value(v, warnings);
			break;
		case F_GATED:
			take_gated(v, it, warnings);
			break;
		case F_PRIVATE:
			if (type_of(v) == cJSON_True)
				it->flags |= HT_F_PRIVATE;
			break;
		case F_DISABLED:
			if (type_of(v) == cJSON_True)
				it->flags |= HT_F_DISABLED;
			break;
		case F_TAGS:
			if (type_of(v) == cJSON_Array)
				it->flags &= (uint8_t)~HT_F_NO_TAGS;
			take_tag_list(v, it, warnings);
			break;
		case F_SAFETENSORS:
			it->params = params_value(v, warnings);
			break;
		case F_GGUF:
			gguf = params_value(v, warnings);
			break;
		case F_NONE:
			break;
		}
	}
	/* safetensors counts the weights as stored; gguf only when there are none. */
	if (!it->params)
		it->params = gguf;
	if (it->params)
		it->flags &= (uint8_t)~HT_F_PARAMS_UNKNOWN;
	if (!it->id && model_id)
		it->id = id_value(model_id, warnings);
	return it->id ? 0 : -1;
}

int listing_item(const cJSON *obj, struct ht_item *it, unsigned *warnings)
{
	if (item_read(obj, it, warnings) != 0 || !table_id_valid(it->id))
		return -1;
	return 0;
}

static void note_problem(struct listing_stats *st, const char *name, unsigned long line,
			 const char *what)
{
	if (st->first_problem[0])
		return;
	snprintf(st->first_problem, sizeof st->first_problem, "%s:%lu: %s", name, line, what);
}

/* Adds an item listing_item has read from obj (item_rc, w: what it gave),
 * with the keys table_item_keys made of it. */
static void add_read(struct ht_builder *b, enum ht_kind kind, const cJSON *obj, const struct ht_item *it,
		     const struct ht_item_keys *keys, int item_rc, unsigned w, struct listing_stats *st,
		     const char *name, unsigned long line)
{
	int rc;

	if (item_rc != 0) {
		char what[160];
		st->rejected++;
		st->warnings += w;
		/* The reason, never the id itself: it may be what harms a terminal. */
		snprintf(what, sizeof what, "item refused: %s, skipped",
			 cJSON_IsObject(obj) ? table_id_problem(it->id) : "not a JSON object");
		note_problem(st, name, line, what);
		return;
	}
	st->warnings += w;
	rc = table_builder_add_keyed(b, kind, it, keys);
	if (rc == 0)
		st->items++;
	else if (rc == 1)
		st->duplicates++;
	else
		st->rejected++;
}

static void add_one(struct ht_builder *b, enum ht_kind kind, const cJSON *obj,
		    struct listing_stats *st, const char *name, unsigned long line)
{
	struct ht_item it;
	unsigned w = 0;
	int rc;

	if (listing_item(obj, &it, &w) != 0) {
		char what[160];
		st->rejected++;
		st->warnings += w;
		/* The reason, never the id itself: it may be what harms a terminal. */
		snprintf(what, sizeof what, "item refused: %s, skipped",
			 cJSON_IsObject(obj) ? table_id_problem(it.id) : "not a JSON object");
		note_problem(st, name, line, what);
		return;
	}
	st->warnings += w;
	rc = table_builder_add(b, kind, &it);
	if (rc == 0)
		st->items++;
	else if (rc == 1)
		st->duplicates++;
	else
		st->rejected++;
}

/* A page of 1,000 items is some 30,000 cJSON values, each its own malloc.
 * While a page is parsed, this thread's values come from a bump arena that
 * is reset, not freed value by value.  Other threads, and this one outside
 * listing_add_page, allocate as usual. */
#define ARENA_CHUNK (1u << 20)
#define ARENA_MAX_CHUNKS 1024
/* Chunks kept from one page to the next: a Hub page needs two or three. */
#define ARENA_KEEP 8

struct listing_arena {
	char *next, *end;        /* free space of the current chunk */
	unsigned n, cur;
	size_t held, limit;      /* bytes in chunks; most allowed (0: no limit) */
	int full;                /* a value did not fit: the page is refused */
	char *chunk[ARENA_MAX_CHUNKS];
	size_t cap[ARENA_MAX_CHUNKS];
};

static _Thread_local struct listing_arena *tls_arena;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

/* Moves on to the next chunk with room for size bytes, allocating it if
 * need be.  Kept out of line so that arena_malloc stays a few instructions. */
static void *arena_grow(struct listing_arena *a, size_t size) __attribute__((noinline));
static void *arena_grow(struct listing_arena *a, size_t size)
{
	while (a->cur + 1 < a->n && a->cap[a->cur + 1] < size)
		a->cur++;
	if (a->cur + 1 >= a->n) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		if (a->n == ARENA_MAX_CHUNKS || (a->limit && a->held + cap > a->limit) ||
		    !(a->chunk[a->n] = malloc(cap))) {
			a->full = 1;
			return NULL;
		}
		a->held += cap;
		a->cap[a->n++] = cap;
		a->cur = a->n - 1;
	} else {
		a->cur++;
	}
	a->next = a->chunk[a->cur] + size;
	a->end = a->chunk[a->cur] + a->cap[a->cur];
	return a->chunk[a->cur];
}

static void *arena_malloc(size_t size)
{
	struct listing_arena *a = tls_arena;
	char *p;

	if (!a)
		return malloc(size);
	/* cJSON stores pointers, ints and doubles: 8-byte alignment suffices. */
	size = (size + 7) & ~(size_t)7;
	if ((size_t)(a->end - a->next) < size)
		return arena_grow(a, size);
	p = a->next;
	a->next += size;
	return p;
}

static void arena_free(void *p)
{
	/* Inside a page, every value is the arena's: freed by the reset. */
	if (!tls_arena)
		free(p);
}

struct listing_arena *listing_arena_new(size_t limit)
{
	struct listing_arena *a = calloc(1, sizeof(struct listing_arena));
	if (a)
		a->limit = limit;
	return a;
}

/* Empties a for the next page, keeping its first chunks; all of them when
 * keep is 0. */
static void arena_reset(struct listing_arena *a, unsigned keep)
{
	while (a->n > keep) {
		a->n--;
		a->held -= a->cap[a->n];
		free(a->chunk[a->n]);
	}
	a->cur = 0;
	a->full = 0;
	a->next = a->n ? a->chunk[0] : NULL;
	a->end = a->n ? a->chunk[0] + a->cap[0] : NULL;
}

void listing_arena_free(struct listing_arena *a)
{
	if (!a)
		return;
	arena_reset(a, 0);
	free(a);
}

static void install_hooks(void)
{
	cJSON_Hooks h = { arena_malloc, arena_free };
	cJSON_InitHooks(&h);
}

/* A NUL-terminated copy of len bytes of text; NULL with *oom set. */
static char *copy_text(const char *text, size_t len, int *oom)
{
	char *copy = malloc(len + 1);

	if (!copy) {
		*oom = 1;
		return NULL;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	return copy;
}

/* cJSON ends a string at a NUL, escaped or raw, so "a/b\u0000evil" (or the
 * same with a raw NUL byte) would read as "a/b": an item could pose as
 * another and have the real one dropped as its duplicate.  Escaped NULs
 * become \u0001 and raw NULs the raw byte 0x01: a control character, which
 * the checks then refuse like any other (an id with it rejects the item;
 * outside a string cJSON skips it as it skipped the NUL).  Returns a
 * corrected copy, or NULL when the text has none (or memory is short, then
 * the caller refuses the text). */
static char *escape_nuls(const char *text, size_t len, int *oom)
{
	char *copy = NULL;
	const char *z;
	size_t i = 0;

	*oom = 0;
	while (i + 6 <= len) {
		const char *q = memchr(text + i, '\\', len - i);
		size_t j, bs = 0;
		if (!q)
			break;
		j = (size_t)(q - text);
		/* A run of backslashes: only an odd one starts an escape. */
		while (j + bs < len && text[j + bs] == '\\')
			bs++;
		if (bs % 2 == 1 && j + bs + 5 <= len && memcmp(text + j + bs, "u0000", 5) == 0) {
			if (!copy && !(copy = copy_text(text, len, oom)))
				return NULL;
			copy[j + bs + 4] = '1';
		}
		i = j + bs;
	}
	for (i = 0; i < len && (z = memchr(text + i, '\0', len - i)) != NULL; i = (size_t)(z - text) + 1) {
		if (!copy && !(copy = copy_text(text, len, oom)))
			return NULL;
		copy[z - text] = '\1';
	}
	return copy;
}

int listing_add_page(struct ht_builder *b, enum ht_kind kind, const char *text, size_t len,
		     struct listing_stats *st, struct listing_arena *arena)
{
	struct listing_arena *a = arena ? arena : listing_arena_new(0);
	cJSON *root, *item;
	unsigned long i = 0;
	char *fixed;
	int rc = 0, oom;

	if (!a)
		return -2;
	pthread_once(&hooks_once, install_hooks);
	fixed = escape_nuls(text, len, &oom);
	if (oom) {
		if (!arena)
			listing_arena_free(a);
		return -2;
	}
	tls_arena = a;
	root = cJSON_ParseWithLength(fixed ? fixed : text, len);
	tls_arena = NULL;
	if (!root || !cJSON_IsArray(root))
		rc = a->full ? -2 : -1;
	else
		cJSON_ArrayForEach(item, root)
			add_one(b, kind, item, st, "page", ++i);
	if (arena)
		arena_reset(a, ARENA_KEEP);
	else
		listing_arena_free(a);
	free(fixed);
	return rc;
}

cJSON *listing_parse_page(const char *text, size_t len, struct listing_arena *arena, int *rc)
{
	cJSON *root;
	char *fixed;
	int oom;

	pthread_once(&hooks_once, install_hooks);
	fixed = escape_nuls(text, len, &oom);
	if (oom) {
		*rc = -2;
		return NULL;
	}
	tls_arena = arena;
	root = cJSON_ParseWithLength(fixed ? fixed : text, len);
	tls_arena = NULL;
	free(fixed);
	if (!root || !cJSON_IsArray(root)) {
		*rc = arena->full ? -2 : -1;
		arena_reset(arena, ARENA_KEEP);
		return NULL;
	}
	*rc = 0;
	return root;
}

void listing_add_parsed(struct ht_builder *b, enum ht_kind kind, const cJSON *root,
			struct listing_stats *st)
{
	const cJSON *item;
	unsigned long i = 0;

	cJSON_ArrayForEach(item, root)
		add_one(b, kind, item, st, "page", ++i);
}

void listing_arena_reset(struct listing_arena *a)
{
	arena_reset(a, ARENA_KEEP);
}

/* How a JSON Lines import ends: a read error e (errno; 0 none) after
 * line lineno, or no line at all, says so; else 0. */
static int import_end(const char *name, unsigned long lineno, int e, int any, char *err, size_t errlen)
{
	if (e) {
		snprintf(err, errlen, "%s:%lu: read error: %s%s. Nothing is written%s.", name, lineno + 1, strerror(e),
			 e == ENOMEM ? " (a line too long for the memory available)" : "",
			 e == ENOMEM ? ": split the line, or free some memory" : "");
		return -1;
	}
	if (!any) {
		snprintf(err, errlen, "%s: no input: the file holds only blank lines.", name);
		return -1;
	}
	return 0;
}

/* ---- JSON Lines on every core ---------------------------------------------
 *
 * The file is read in batches of whole lines.  Parser threads read each
 * batch and turn it into cJSON values (in the batch's own arena, no malloc
 * per value), then into what the builder reads of each item (keys, tag
 * keys, strings: jl_item); this thread adds them to the builder in file
 * order, so the builder sees exactly what the line-by-line reader gives it,
 * while the next batches are read and parsed on the other cores. */

#define IMPORT_BATCH (1u << 20)
static unsigned tune_threads;           /* 0: one per core, at most IMPORT_THREADS_MAX */
static size_t tune_batch = IMPORT_BATCH;    /* bytes of lines a batch */
#define IMPORT_THREADS_MAX 4u
#define IMPORT_SLOTS 6u

void listing_import_tune(unsigned threads, size_t batch_bytes)
{
	tune_threads = threads;
	tune_batch = batch_bytes ? batch_bytes : IMPORT_BATCH;
}

static unsigned import_threads(void)
{
	return table_threads(tune_threads, IMPORT_THREADS_MAX);
}

enum { SLOT_FREE, SLOT_READ, SLOT_PARSING, SLOT_PARSED };

/* One non-blank line, read as far as the builder's input: listing_item
 * runs on the parser thread too.  The item's tags are in the batch's tag
 * list. */
struct jl_line {
	cJSON *obj;              /* NULL: not JSON (or memory ran out) */
	uint32_t at;             /* line number within the batch, from 1 */
	int item_rc;             /* listing_item's answer; obj an object */
	int is_obj;              /* obj is a JSON object (read here, not from obj, on the building thread) */
	unsigned warnings;
	struct ht_item_keys keys; /* table_item_keys of the item, when item_rc is 0 */
	uint32_t tag_first;      /* its tag keys in the batch's, keys.n_tag_keys of them */
	/* The item but its tags: the bytes of struct ht_item before them. */
	_Alignas(struct ht_item) unsigned char head[offsetof(struct ht_item, tags)];
};

struct jl_slot {
	int state;
	char *text;              /* whole lines, the last one ending the batch */
	size_t len, cap;
	uint32_t nlines;         /* lines in text, blank ones included */
	struct jl_line *line;    /* the non-blank ones */
	uint32_t n, line_cap;
	struct ht_tag_key *tag;  /* the items' tag keys, one after another */
	uint32_t n_tag, tag_cap;
	int oom;
	enum ht_kind kind;       /* of the items */
	struct listing_arena *arena;
	struct listing_arena *strs; /* what the building thread reads (jl_compact) */
};

struct jl_import {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct jl_slot slot[IMPORT_SLOTS];
	uint64_t next_read, next_parse, next_build;
	int done;                /* no more batches will come */
	/* The file is read by the parser threads, one at a time (reading),
	 * each batch then parsed by the thread that read it, so that the
	 * building thread only builds. */
	FILE *fp;
	int reading;
	int read_rc;             /* jl_read's last answer: 1 on, 0 end, -1 error */
	int read_errno;
	char *carry;             /* the start of a line the last read cut */
	size_t carry_len, carry_cap;
};

/* A copy of the n bytes at s, and a NUL, in a; NULL when memory runs out. */
static const char *arena_copy(struct listing_arena *a, const char *s, size_t n)
{
	char *p;

	if ((size_t)(a->end - a->next) > n) {
		p = a->next;
		a->next += n + 1;
	} else if (!(p = arena_grow(a, n + 1))) {
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The strings the building thread reads of an item (its keys and tag
 * keys), copied one after the other into strs: it then reads them in
 * order, from memory the parser left in place, instead of a few bytes
 * here and there in the values of cJSON.  -1 when memory runs out. */
static int jl_compact(struct listing_arena *strs, struct ht_item *it, struct ht_item_keys *k,
		      struct ht_tag_key *tk)
{
	const char *id = arena_copy(strs, it->id, k->id_len);
	const char **term[3] = { &it->pipeline, &it->library, &it->license };

	if (!id)
		return -1;
	/* The owner is most often the id's own first part. */
	if (k->owner >= it->id && k->owner < it->id + k->id_len)
		k->owner = id + (k->owner - it->id);
	else if (!(k->owner = arena_copy(strs, k->owner, k->owner_len)))
		return -1;
	it->id = id;
	if (k->oid_len && !(it->oid = arena_copy(strs, it->oid, k->oid_len)))
		return -1;
	for (int i = 0; i < 3; i++)
		if (k->term_len[i] && !(*term[i] = arena_copy(strs, *term[i], k->term_len[i])))
			return -1;
	for (size_t i = 0; i < k->n_tag_keys; i++)
		if (tk[i].len && !(tk[i].s = arena_copy(strs, tk[i].s, tk[i].len)))
			return -1;
	/* it->author is not read past here: the owner stands for it. */
	return 0;
}

/* Reads obj as an item into ln (listing_item), its tag keys into the
 * batch's list.  -1 when memory runs out. */
static int jl_item(struct jl_slot *sl, struct jl_line *ln, cJSON *obj)
{
	struct ht_item it;
	ln->obj = obj;
	ln->is_obj = obj && cJSON_IsObject(obj);
	ln->warnings = 0;
	ln->item_rc = -1;
	ln->tag_first = sl->n_tag;
	if (!ln->is_obj)
		return 0;
	it.n_tags = 0;
	/* The builder only probes: the id's check and the hashes are made
	 * here, the check once (table_item_keys refuses an id listing_item
	 * would). */
	ln->item_rc = item_read(obj, &it, &ln->warnings);
	if (!ln->item_rc)
		ln->item_rc = table_item_keys(&it, &ln->keys);
	if (ln->item_rc) {
		memcpy(ln->head, &it, sizeof ln->head);
		return 0;
	}
	/* The building thread reads the tag keys, not the tags. */
	if (sl->n_tag + HT_ITEM_MAX_TAG_KEYS > sl->tag_cap) {
		uint32_t c = sl->tag_cap ? sl->tag_cap : 4096;
		struct ht_tag_key *t;
		while (c < sl->n_tag + HT_ITEM_MAX_TAG_KEYS)
			c *= 2;
		if (!(t = realloc(sl->tag, (size_t)c * sizeof *t)))
			return -1;
		sl->tag = t;
		sl->tag_cap = c;
	}
	ln->keys.n_tag_keys = table_item_tag_keys(&it, sl->kind, sl->tag + sl->n_tag);
	if (jl_compact(sl->strs, &it, &ln->keys, sl->tag + sl->n_tag))
		return -1;
	memcpy(ln->head, &it, sizeof ln->head);
	sl->n_tag += (uint32_t)ln->keys.n_tag_keys;
	return 0;
}

/* Parses one batch's lines, as the line-by-line reader does each. */
static void jl_parse(struct jl_slot *sl)
{
	const char *p = sl->text, *end = sl->text + sl->len;
	uint32_t at = 0;
	sl->n = 0;
	sl->n_tag = 0;
	sl->oom = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl + 1 : end, *q = p;
		size_t n = (size_t)(le - p);
		at++;
		/* As getline's NUL-terminated line: blank to its end or first NUL. */
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
			q++;
		if (q < le && *q) {
			int oom;
			char *fixed;
			cJSON *obj = NULL;
			if (sl->n == sl->line_cap) {
				uint32_t c = sl->line_cap ? 2 * sl->line_cap : 4096;
				struct jl_line *nl2 = realloc(sl->line, (size_t)c * sizeof *nl2);
				if (!nl2) {
					sl->oom = 1;
					break;
				}
				sl->line = nl2;
				sl->line_cap = c;
			}
			fixed = escape_nuls(p, n, &oom);
			if (!oom) {
				tls_arena = sl->arena;
				obj = cJSON_ParseWithLength(fixed ? fixed : p, n);
				tls_arena = NULL;
				if (sl->arena->full) {
					/* An arena without a limit fills only when malloc fails. */
					sl->oom = 1;
					free(fixed);
					break;
				}
			} else {
				sl->oom = 1;
				break;
			}
			free(fixed);
			if (jl_item(sl, &sl->line[sl->n], obj)) {
				sl->oom = 1;
				break;
			}
			sl->line[sl->n].at = at;
			sl->n++;
		}
		p = le;
	}
	sl->nlines = at;
	/* The batch's tag keys move no more: each item's keys point at its own. */
	for (uint32_t i = 0; i < sl->n; i++)
		if (sl->line[i].is_obj && !sl->line[i].item_rc)
			sl->line[i].keys.tag_keys = sl->tag + sl->line[i].tag_first;
}

static int jl_read(FILE *fp, struct jl_slot *sl, char **carry, size_t *carry_len, size_t *carry_cap);

/* A parser thread: parses the batches read, else reads the next one (when
 * a slot is free and no other thread reads) and parses it. */
static void *jl_worker(void *arg)
{
	struct jl_import *im = arg;
	pthread_mutex_lock(&im->mu);
	for (;;) {
		struct jl_slot *sl;
		if (im->next_parse < im->next_read) {
			sl = &im->slot[im->next_parse++ % IMPORT_SLOTS];
		} else if (im->done) {
			break;
		} else if (im->read_rc == 1 && !im->reading &&
			   im->next_read - im->next_build < IMPORT_SLOTS) {
			int rc, e;
			sl = &im->slot[im->next_read % IMPORT_SLOTS];
			im->reading = 1;
			pthread_mutex_unlock(&im->mu);
			errno = 0;
			rc = jl_read(im->fp, sl, &im->carry, &im->carry_len, &im->carry_cap);
			e = errno;
			pthread_mutex_lock(&im->mu);
			im->reading = 0;
			im->read_rc = rc;
			if (rc < 0)
				im->read_errno = e ? e : EIO;
			if (rc != 1 || im->done) {
				pthread_cond_broadcast(&im->cv);
				continue;
			}
			/* Nobody parses ahead of the read: this batch is the next. */
			im->next_read++;
			im->next_parse++;
		} else {
			pthread_cond_wait(&im->cv, &im->mu);
			continue;
		}
		sl->state = SLOT_PARSING;
		pthread_mutex_unlock(&im->mu);
		jl_parse(sl);
		pthread_mutex_lock(&im->mu);
		sl->state = SLOT_PARSED;
		pthread_cond_broadcast(&im->cv);
	}
	pthread_mutex_unlock(&im->mu);
	return NULL;
}

/* Reads the next batch into sl: carry (the start of a line the last read
 * cut) then whole lines, the last one up to the end of the file.  Returns
 * 1 with a batch, 0 at the end, -1 on a read error (errno) or no memory
 * (errno ENOMEM). */
static int jl_read(FILE *fp, struct jl_slot *sl, char **carry, size_t *carry_len, size_t *carry_cap)
{
	size_t want = tune_batch;
	sl->len = 0;
	for (;;) {
		size_t need = *carry_len + want, r;
		const char *nl;
		if (need + 1 > sl->cap) {
			char *t = realloc(sl->text, need + 1);
			if (!t) {
				errno = ENOMEM;
				return -1;
			}
			sl->text = t;
			sl->cap = need + 1;
		}
		if (*carry_len) /* no carry yet: *carry may be NULL */
			memcpy(sl->text, *carry, *carry_len);
		r = fread(sl->text + *carry_len, 1, want, fp);
		sl->len = *carry_len + r;
		*carry_len = 0;
		if (r < want && ferror(fp))
			return -1;
		if (r < want) /* the end: the last line needs no newline */
			return sl->len ? 1 : 0;
		for (nl = sl->text + sl->len; nl > sl->text && nl[-1] != '\n'; nl--)
			;
		if (nl > sl->text) {
			size_t keep = (size_t)(sl->text + sl->len - nl);
			if (keep > *carry_cap) {
				char *c = realloc(*carry, keep);
				if (!c) {
					errno = ENOMEM;
					return -1;
				}
				*carry = c;
				*carry_cap = keep;
			}
			if (keep)
				memcpy(*carry, nl, keep);
			*carry_len = keep;
			sl->len -= keep;
			return 1;
		}
		/* One line longer than a batch: read on with it in the carry. */
		if (sl->len > *carry_cap) {
			char *c = realloc(*carry, sl->len);
			if (!c) {
				errno = ENOMEM;
				return -1;
			}
			*carry = c;
			*carry_cap = sl->len;
		}
		if (sl->len)
			memcpy(*carry, sl->text, sl->len);
		*carry_len = sl->len;
		want *= 2;
	}
}

/* Items ahead whose map slots (FAR), then keys (NEAR), are prefetched. */
#define PREFETCH_FAR 32
#define PREFETCH_NEAR 12

static void jl_prefetch(const struct ht_builder *b, enum ht_kind kind, const struct jl_line *ln, int stage)
{
	if (ln->is_obj && !ln->item_rc)
		table_builder_prefetch(b, kind, &ln->keys, stage);
}

static int import_lines_parallel(FILE *fp, const char *name, struct ht_builder *b, enum ht_kind kind,
				 struct listing_stats *st, char *err, size_t errlen)
{
	struct jl_import im;
	pthread_t th[IMPORT_THREADS_MAX];
	unsigned nth = 0, want = import_threads();
	unsigned long lineno = 0;
	int any = 0, oom = 0, read_rc, read_errno;
	struct ht_item it;
	struct stat fst;
	/* The bytes left to read, when the input is a file. */
	off_t here = ftello(fp);
	uint64_t file_len = fstat(fileno(fp), &fst) == 0 && S_ISREG(fst.st_mode) && here >= 0 &&
			    fst.st_size > here ? (uint64_t)(fst.st_size - here) : 0;

	memset(&im, 0, sizeof im);
	pthread_mutex_init(&im.mu, NULL);
	pthread_cond_init(&im.cv, NULL);
	im.fp = fp;
	im.read_rc = 1;
	pthread_once(&hooks_once, install_hooks);
	for (unsigned i = 0; i < IMPORT_SLOTS; i++) {
		im.slot[i].kind = kind;
		if (!(im.slot[i].arena = listing_arena_new(0)) || !(im.slot[i].strs = listing_arena_new(0)))
			oom = 1;
	}
	for (; !oom && nth < want; nth++)
		if (pthread_create(&th[nth], NULL, jl_worker, &im) != 0)
			break;
	if (!nth)
		oom = 1;
	while (!oom) {
		struct jl_slot *sl;
		pthread_mutex_lock(&im.mu);
		/* The next batch: read (and parsed), or the end of the input. */
		while (im.next_build == im.next_read && (im.read_rc == 1 || im.reading))
			pthread_cond_wait(&im.cv, &im.mu);
		if (im.next_build == im.next_read) {
			pthread_mutex_unlock(&im.mu);
			break;
		}
		sl = &im.slot[im.next_build % IMPORT_SLOTS];
		while (sl->state != SLOT_PARSED)
			pthread_cond_wait(&im.cv, &im.mu);
		pthread_mutex_unlock(&im.mu);
		if (sl->oom) {
			oom = 1;
			break;
		}
		for (uint32_t i = 0; i < sl->n; i++) {
			const struct jl_line *ln = &sl->line[i];
			/* The maps' cache misses of the next items overlap. */
			if (i + PREFETCH_FAR < sl->n)
				jl_prefetch(b, kind, &sl->line[i + PREFETCH_FAR], 1);
			if (i + PREFETCH_NEAR < sl->n)
				jl_prefetch(b, kind, &sl->line[i + PREFETCH_NEAR], 2);
			any = 1;
			if (!ln->is_obj) {
				st->bad_lines++;
				note_problem(st, name, lineno + ln->at,
					     "not a JSON object, skipped (one item a line is expected)");
				continue;
			}
			memcpy(&it, ln->head, sizeof ln->head);
			add_read(b, kind, ln->obj, &it, &ln->keys, ln->item_rc, ln->warnings, st, name, lineno + ln->at);
		}
		if (!im.next_build && file_len > sl->len && sl->n) {
			/* The first batch tells the items a byte: the id maps are
			 * sized once for the whole file.  Nine tenths of the
			 * estimate, so that a batch of short lines does not make
			 * them larger than doubling would. */
			double est = (double)sl->n * ((double)file_len / (double)sl->len) * 0.9;
			if (est < 1e9)
				(void)table_builder_reserve(b, kind, (size_t)est); /* a hint */
		}
		lineno += sl->nlines;
		/* Its chunks are kept: the next batch needs as many. */
		arena_reset(sl->arena, ARENA_MAX_CHUNKS);
		arena_reset(sl->strs, ARENA_MAX_CHUNKS);
		pthread_mutex_lock(&im.mu);
		sl->state = SLOT_FREE;
		im.next_build++;
		pthread_cond_broadcast(&im.cv);
		pthread_mutex_unlock(&im.mu);
	}
	pthread_mutex_lock(&im.mu);
	im.done = 1;
	/* Batches read but not yet parsed are dropped unparsed on an error. */
	if (oom)
		im.next_parse = im.next_read;
	pthread_cond_broadcast(&im.cv);
	pthread_mutex_unlock(&im.mu);
	for (unsigned i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	read_rc = im.read_rc;
	read_errno = im.read_errno;
	for (unsigned i = 0; i < IMPORT_SLOTS; i++) {
		free(im.slot[i].text);
		free(im.slot[i].line);
		free(im.slot[i].tag);
		listing_arena_free(im.slot[i].arena);
		listing_arena_free(im.slot[i].strs);
	}
	free(im.carry);
	pthread_cond_destroy(&im.cv);
	pthread_mutex_destroy(&im.mu);
	return import_end(name, lineno, oom ? ENOMEM : read_rc < 0 ? (read_errno ? read_errno : EIO) : 0, any, err, errlen);
}

int listing_import(FILE *fp, const char *name, struct ht_builder *b, enum ht_kind kind,
		   struct listing_stats *st, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int c, any = 0, read_errno;

	/* A JSON array (one page, or a saved listing) or JSON Lines: the first
	 * non-blank byte tells. */
	do
		c = getc(fp);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	if (c == EOF && ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", name, strerror(errno));
		return -1;
	}
	if (c == EOF) {
		snprintf(err, errlen, "%s: no input: the file is empty. Give a JSON array or "
			 "JSON Lines of Hub listing items.", name);
		return -1;
	}
	ungetc(c, fp);
	if (c == '[') {
		size_t len = 0, bufcap = 1 << 20;
		char *buf = malloc(bufcap);
		size_t r;
		if (!buf) {
			snprintf(err, errlen, "%s: out of memory", name);
			return -1;
		}
		while ((r = fread(buf + len, 1, bufcap - len, fp)) > 0) {
			len += r;
			if (len == bufcap) {
				char *nb = realloc(buf, bufcap * 2);
				if (!nb) {
					free(buf);
					snprintf(err, errlen, "%s: out of memory", name);
					return -1;
				}
				buf = nb;
				bufcap *= 2;
			}
		}
		if (ferror(fp)) {
			free(buf);
			snprintf(err, errlen, "%s: read error: %s", name, strerror(errno));
			return -1;
		}
		int rc = listing_add_page(b, kind, buf, len, st, NULL);
		if (rc == -2) {
			free(buf);
			snprintf(err, errlen, "%s: out of memory: the JSON array is too large to read "
				 "at once. Give it as JSON Lines (one item a line).", name);
			return -1;
		}
		if (rc != 0) {
			const char *where = cJSON_GetErrorPtr();
			unsigned long l = 1;
			const char *p;
			for (p = buf; where && p < where && p < buf + len; p++)
				l += *p == '\n';
			free(buf);
			snprintf(err, errlen, "%s:%lu: not valid JSON: the file starts with '[' but "
				 "is not a JSON array of items. Fix the file, or give JSON Lines.",
				 name, l);
			return -1;
		}
		free(buf);
		return 0;
	}
	if (import_threads() > 1)
		return import_lines_parallel(fp, name, b, kind, st, err, errlen);
	/* errno tells a line too long for memory (getline fails with ENOMEM and
	 * no error flag) from the end of the file. */
	while ((errno = 0, n = getline(&line, &cap, fp)) >= 0) {
		cJSON *obj;
		const char *p = line;
		lineno++;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			continue;
		any = 1;
		{
			int oom;
			char *fixed = escape_nuls(line, (size_t)n, &oom);
			/* cJSON copies strings into the tree: the text can go. */
			obj = oom ? NULL : cJSON_ParseWithLength(fixed ? fixed : line, (size_t)n);
			free(fixed);
		}
		if (!obj || !cJSON_IsObject(obj)) {
			st->bad_lines++;
			note_problem(st, name, lineno,
				     "not a JSON object, skipped (one item a line is expected)");
			cJSON_Delete(obj);
			continue;
		}
		add_one(b, kind, obj, st, name, lineno);
		cJSON_Delete(obj);
	}
	read_errno = errno;
	free(line);
	return import_end(name, lineno, ferror(fp) || (read_errno && !feof(fp)) ? (read_errno ? read_errno : EIO) : 0,
			  any, err, errlen);
}

/* listing.c - Hub listing items (JSON) into the table builder. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One pass over the members, each dispatched once. */
int listing_item(const cJSON *obj, struct ht_item *it, unsigned *warnings)
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
	if (!it->id || !table_id_valid(it->id))
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
	if (ferror(fp) || (read_errno && !feof(fp))) {
		int e = read_errno ? read_errno : EIO;
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

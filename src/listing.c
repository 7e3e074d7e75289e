/* listing.c - Hub listing items (JSON) into the table builder. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
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

static const char *str_value(const cJSON *v, unsigned *warnings)
{
	if (cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring || !text_ok(v->valuestring)) {
		(*warnings)++;
		return NULL;
	}
	return v->valuestring;
}

static uint64_t count_value(const cJSON *v, unsigned *warnings)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 9.0e15) {
		(*warnings)++;
		return 0;
	}
	return (uint64_t)v->valuedouble;
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
		return strncmp(t, "base_model:", 11) == 0;
	case 'l':
		return strncmp(t, "license:", 8) == 0 || strncmp(t, "language:", 9) == 0;
	case 't':
		return strncmp(t, "task_categories:", 16) == 0;
	default:
		return 0;
	}
}

static void take_tag_list(const cJSON *v, struct ht_item *it, unsigned *warnings)
{
	const cJSON *t;

	if (cJSON_IsNull(v))
		return;
	if (!cJSON_IsArray(v)) {
		(*warnings)++;
		return;
	}
	cJSON_ArrayForEach(t, v) {
		if (!cJSON_IsString(t) || !t->valuestring) {
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
	if (cJSON_IsString(v) && v->valuestring) {
		it->flags |= HT_F_GATED;
		if (strcmp(v->valuestring, "manual") == 0)
			it->flags |= HT_F_GATED_MAN;
	} else if (cJSON_IsTrue(v)) {
		it->flags |= HT_F_GATED;
	} else if (!cJSON_IsFalse(v) && !cJSON_IsNull(v)) {
		(*warnings)++;
	}
}

static void take_trending(const cJSON *v, struct ht_item *it, unsigned *warnings)
{
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
		it->trending = v->valuedouble <= 0 ? 0 :
			       v->valuedouble >= UINT32_MAX ? UINT32_MAX : (uint32_t)v->valuedouble;
	else if (!cJSON_IsNull(v))
		(*warnings)++;
}

/* One pass over the members: an item has a dozen, and looking each field up
 * by name would compare every key a dozen times. */
int listing_item(const cJSON *obj, struct ht_item *it, unsigned *warnings)
{
	const cJSON *v, *model_id = NULL;
	uint64_t n;

	memset(it, 0, sizeof *it);
	if (!cJSON_IsObject(obj))
		return -1;
	cJSON_ArrayForEach(v, obj) {
		const char *k = v->string;
		if (!k)
			continue;
		if (!strcmp(k, "id")) {
			it->id = str_value(v, warnings);
		} else if (!strcmp(k, "modelId")) {
			model_id = v;
		} else if (!strcmp(k, "_id")) {
			it->oid = str_value(v, warnings);
		} else if (!strcmp(k, "author")) {
			it->author = str_value(v, warnings);
		} else if (!strcmp(k, "downloads")) {
			it->downloads = count_value(v, warnings);
		} else if (!strcmp(k, "downloadsAllTime")) {
			it->downloads_all = count_value(v, warnings);
		} else if (!strcmp(k, "likes")) {
			n = count_value(v, warnings);
			it->likes = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		} else if (!strcmp(k, "trendingScore")) {
			take_trending(v, it, warnings);
		} else if (!strcmp(k, "createdAt")) {
			it->created = time_value(v, warnings);
		} else if (!strcmp(k, "lastModified")) {
			it->modified = time_value(v, warnings);
		} else if (!strcmp(k, "pipeline_tag")) {
			it->pipeline = str_value(v, warnings);
		} else if (!strcmp(k, "library_name")) {
			it->library = str_value(v, warnings);
		} else if (!strcmp(k, "gated")) {
			take_gated(v, it, warnings);
		} else if (!strcmp(k, "private")) {
			if (cJSON_IsTrue(v))
				it->flags |= HT_F_PRIVATE;
		} else if (!strcmp(k, "disabled")) {
			if (cJSON_IsTrue(v))
				it->flags |= HT_F_DISABLED;
		} else if (!strcmp(k, "tags")) {
			take_tag_list(v, it, warnings);
		}
	}
	if (!it->id && model_id)
		it->id = str_value(model_id, warnings);
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
		st->rejected++;
		st->warnings += w;
		note_problem(st, name, line,
			     "item without a valid id (expected \"owner/name\"), skipped");
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

struct arena {
	char *chunk[ARENA_MAX_CHUNKS];
	size_t cap[ARENA_MAX_CHUNKS];
	unsigned n, cur;
	size_t used;
};

static _Thread_local struct arena *tls_arena;
static _Thread_local struct arena tls_arena_store;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *arena_malloc(size_t size)
{
	struct arena *a = tls_arena;

	if (!a)
		return malloc(size);
	size = (size + 15) & ~(size_t)15;
	while (a->cur < a->n && a->used + size > a->cap[a->cur]) {
		a->cur++;
		a->used = 0;
	}
	if (a->cur == a->n) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		if (a->n == ARENA_MAX_CHUNKS || !(a->chunk[a->n] = malloc(cap)))
			return NULL;
		a->cap[a->n++] = cap;
		a->used = 0;
	}
	a->used += size;
	return a->chunk[a->cur] + a->used - size;
}

static void arena_free(void *p)
{
	/* Inside a page, every value is the arena's: freed by the reset. */
	if (!tls_arena)
		free(p);
}

static void install_hooks(void)
{
	cJSON_Hooks h = { arena_malloc, arena_free };
	cJSON_InitHooks(&h);
}

int listing_add_page(struct ht_builder *b, enum ht_kind kind, const char *text, size_t len,
		     struct listing_stats *st)
{
	struct arena *a = &tls_arena_store;
	cJSON *root, *item;
	unsigned long i = 0;
	unsigned c;
	int rc = 0;

	pthread_once(&hooks_once, install_hooks);
	a->cur = 0;
	a->used = 0;
	tls_arena = a;
	root = cJSON_ParseWithLength(text, len);
	if (!root || !cJSON_IsArray(root))
		rc = -1;
	else
		cJSON_ArrayForEach(item, root)
			add_one(b, kind, item, st, "page", ++i);
	tls_arena = NULL;
	/* A few large frees a page; nothing left behind when the thread ends. */
	for (c = 0; c < a->n; c++)
		free(a->chunk[c]);
	a->n = 0;
	return rc;
}

int listing_import(FILE *fp, const char *name, struct ht_builder *b, enum ht_kind kind,
		   struct listing_stats *st, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int c, any = 0;

	/* A JSON array (one page, or a saved listing) or JSON Lines: the first
	 * non-blank byte tells. */
	do
		c = getc(fp);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
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
		if (listing_add_page(b, kind, buf, len, st) != 0) {
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
	while ((n = getline(&line, &cap, fp)) >= 0) {
		cJSON *obj;
		const char *p = line;
		lineno++;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			continue;
		any = 1;
		obj = cJSON_ParseWithLength(line, (size_t)n);
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
	free(line);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", name, strerror(errno));
		return -1;
	}
	if (!any) {
		snprintf(err, errlen, "%s: no input: the file holds only blank lines.", name);
		return -1;
	}
	return 0;
}

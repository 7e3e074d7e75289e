/* listing.c - Hub listing items (JSON) into the table builder. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/listing.h"

/* Text that may reach a terminal or a spreadsheet: valid UTF-8, no control
 * characters, bounded.  Anything else is dropped with a warning. */
static int text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		unsigned c = *p, need, i;
		if (++n > 300)
			return 0;
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			return 0;
		for (i = 1; i <= need; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		/* C1 controls (U+0080..U+009F) are escape sequences to some terminals. */
		if (c == 0xc2 && p[1] < 0xa0)
			return 0;
		p += need + 1;
	}
	return 1;
}

static const char *get_string(const cJSON *obj, const char *key, unsigned *warnings)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring || !text_ok(v->valuestring)) {
		(*warnings)++;
		return NULL;
	}
	return v->valuestring;
}

static uint64_t get_count(const cJSON *obj, const char *key, unsigned *warnings)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 9.0e15) {
		(*warnings)++;
		return 0;
	}
	return (uint64_t)v->valuedouble;
}

static int64_t get_time(const cJSON *obj, const char *key, unsigned *warnings)
{
	const char *s = get_string(obj, key, warnings);
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

int listing_item(const cJSON *obj, struct ht_item *it, unsigned *warnings)
{
	const cJSON *v;
	uint64_t n;

	memset(it, 0, sizeof *it);
	if (!cJSON_IsObject(obj))
		return -1;
	it->id = get_string(obj, "id", warnings);
	if (!it->id)
		it->id = get_string(obj, "modelId", warnings);
	if (!it->id || !table_id_valid(it->id))
		return -1;
	it->oid = get_string(obj, "_id", warnings);
	it->author = get_string(obj, "author", warnings);
	it->downloads = get_count(obj, "downloads", warnings);
	it->downloads_all = get_count(obj, "downloadsAllTime", warnings);
	n = get_count(obj, "likes", warnings);
	it->likes = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	v = cJSON_GetObjectItemCaseSensitive(obj, "trendingScore");
	if (v && cJSON_IsNumber(v) && isfinite(v->valuedouble))
		it->trending = v->valuedouble <= 0 ? 0 :
			       v->valuedouble >= UINT32_MAX ? UINT32_MAX : (uint32_t)v->valuedouble;
	else if (v && !cJSON_IsNull(v))
		(*warnings)++;
	it->created = get_time(obj, "createdAt", warnings);
	it->modified = get_time(obj, "lastModified", warnings);
	it->pipeline = get_string(obj, "pipeline_tag", warnings);
	it->library = get_string(obj, "library_name", warnings);

	v = cJSON_GetObjectItemCaseSensitive(obj, "gated");
	if (cJSON_IsString(v) && v->valuestring) {
		it->flags |= HT_F_GATED;
		if (strcmp(v->valuestring, "manual") == 0)
			it->flags |= HT_F_GATED_MAN;
	} else if (cJSON_IsTrue(v)) {
		it->flags |= HT_F_GATED;
	} else if (v && !cJSON_IsFalse(v) && !cJSON_IsNull(v)) {
		(*warnings)++;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "private")))
		it->flags |= HT_F_PRIVATE;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "disabled")))
		it->flags |= HT_F_DISABLED;

	v = cJSON_GetObjectItemCaseSensitive(obj, "tags");
	if (cJSON_IsArray(v)) {
		const cJSON *t;
		cJSON_ArrayForEach(t, v) {
			if (!cJSON_IsString(t) || !t->valuestring || !text_ok(t->valuestring)) {
				(*warnings)++;
				continue;
			}
			if (it->n_tags < HT_ITEM_MAX_TAGS)
				it->tags[it->n_tags++] = t->valuestring;
		}
	} else if (v && !cJSON_IsNull(v)) {
		(*warnings)++;
	}
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

int listing_add_page(struct ht_builder *b, enum ht_kind kind, const char *text, size_t len,
		     struct listing_stats *st)
{
	cJSON *root = cJSON_ParseWithLength(text, len), *item;
	unsigned long i = 0;

	if (!root || !cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(item, root)
		add_one(b, kind, item, st, "page", ++i);
	cJSON_Delete(root);
	return 0;
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

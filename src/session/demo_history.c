/* demo_history.c - a demo snapshot as it would have been months earlier,
 * and the monthly series `hubtop demo --history N` and the built-in demo
 * show.  Derived from one demo snapshot, so every month is consistent with
 * it: items created later are absent, all-time counts are smaller, some
 * items existed then and were deleted since, some had another name. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/civil.h"
#include "hubtop/demo.h"
#include "hubtop/history.h"
#include "hubtop/store.h"

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t hash_id(const char *s)
{
	uint64_t x = 0xcbf29ce484222325ull;
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 0x100000001b3ull;
	return mix(x);
}

int64_t demo_month_back(int64_t t, unsigned months)
{
	int y;
	unsigned m, d;
	int64_t mm;

	civil_date(t / 86400, &y, &m, &d);
	mm = (int64_t)y * 12 + (m - 1) - months;
	return civil_days(mm / 12, (unsigned)(mm % 12) + 1, 1) * 86400;
}

static const char *const rel_names[HT_REL_COUNT] = {
	[HT_REL_FINETUNE] = "finetune", [HT_REL_ADAPTER] = "adapter",
	[HT_REL_QUANTIZED] = "quantized", [HT_REL_MERGE] = "merge",
};

static const char *term_or_null(const struct ht_snapshot *s, uint32_t t)
{
	return t ? ht_term(s, t) : NULL;
}

/* Months back an item was renamed (its old name before), or deleted (it
 * existed until then under a name of its own); 0: neither. */
static unsigned renamed_at(uint64_t h) { return h % 89 == 7 ? 1 + (unsigned)(h >> 12) % 5 : 0; }
static unsigned deleted_at(uint64_t h) { return h % 67 == 11 ? 1 + (unsigned)(h >> 20) % 5 : 0; }

static int add_row(struct ht_builder *b, const struct ht_snapshot *s, enum ht_kind k, uint32_t r,
		   unsigned back, int64_t when, const char *id, uint64_t h, int ghost)
{
	const struct ht_table *t = &s->t[k];
	struct ht_item it;
	char tagbuf[16][HT_ID_MAX + 32];
	uint64_t dl = t->downloads[r], dla = t->downloads_all[r];
	double noise = 0.75 + 0.5 * (double)(mix(h + back) >> 11) * (1.0 / 9007199254740992.0);
	uint32_t i;

	memset(&it, 0, sizeof it);
	it.id = id;
	it.author = ht_author(s, k, r);
	it.flags = t->flags[r];
	/* Fewer downloads further back; the all-time count less what came since. */
	it.downloads = (uint64_t)((double)dl * noise * (1.0 - back * 0.02));
	if (ghost)
		it.downloads /= 3;
	it.downloads_all = dla - (dla < dl * back ? dla : dl * back);
	if (ghost)
		it.downloads_all /= 2;
	it.likes = t->likes[r] - (uint32_t)((uint64_t)t->likes[r] * back / 30);
	it.trending = t->trending[r];
	it.created = t->created[r];
	it.modified = back && t->modified[r] > when ? when : t->modified[r];
	it.pipeline = term_or_null(s, t->pipeline[r]);
	it.library = term_or_null(s, t->library[r]);
	it.license = term_or_null(s, t->license[r]);
	for (i = 0; i < t->link_count[r] && it.n_tags < 16; i++) {
		uint32_t l = t->link_first[r] + i;
		const char *rel = rel_names[s->link_rel[l]];
		if (rel)
			snprintf(tagbuf[it.n_tags], sizeof tagbuf[0], "base_model:%s:%s", rel,
				 ht_str(s, s->link_base[l]));
		else
			snprintf(tagbuf[it.n_tags], sizeof tagbuf[0], "base_model:%s",
				 ht_str(s, s->link_base[l]));
		it.tags[it.n_tags] = tagbuf[it.n_tags];
		it.n_tags++;
	}
	for (i = 0; i < t->list_count[r] && it.n_tags < HT_ITEM_MAX_TAGS; i++) {
		it.tags[it.n_tags++] = ht_term(s, s->lists[t->list_first[r] + i]);
	}
	return table_builder_add(b, k, &it) < 0 ? -1 : 0;
}

struct ht_snapshot *demo_back(const struct ht_snapshot *now, unsigned back, uint64_t seed)
{
	struct ht_builder *b = table_builder_new();
	int64_t when = demo_month_back(now->meta.as_of, back);
	struct ht_meta meta;
	char id[HT_ID_MAX + 16];
	uint32_t i;
	int k;

	if (!b)
		return NULL;
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &now->t[k];
		for (i = 0; i < t->n; i++) {
			const char *cur = ht_id(now, (enum ht_kind)k, i);
			uint64_t h = hash_id(cur) ^ mix(seed + (uint64_t)k);
			unsigned ren = renamed_at(h), del = deleted_at(h);
			if (back && t->created[i] > when)
				continue;
			if (back && ren && back >= ren && strlen(cur) + 9 <= HT_ID_MAX) {
				snprintf(id, sizeof id, "%s-preview", cur);
				cur = id;
			}
			if (add_row(b, now, (enum ht_kind)k, i, back, when, cur, h, 0) != 0)
				goto fail;
			if (back && del && back >= del && strlen(ht_id(now, (enum ht_kind)k, i)) + 4 <= HT_ID_MAX) {
				snprintf(id, sizeof id, "%s-old", ht_id(now, (enum ht_kind)k, i));
				if (add_row(b, now, (enum ht_kind)k, i, back, when, id, h, 1) != 0)
					goto fail;
			}
		}
	}
	for (i = 0; i < now->n_accounts; i++)
		if (now->acct_kind[i] != HT_ACCT_UNCHECKED &&
		    table_builder_set_account_kind(b, ht_str(now, now->acct_name[i]),
						   (enum ht_acct_kind)now->acct_kind[i]) < 0)
			goto fail;
	meta = now->meta;
	meta.demo = 1;
	meta.complete = 1;
	meta.fetched_at = when;
	meta.as_of = when;
	meta.as_of_inferred = 0;
	return table_builder_finish(b, &meta);
fail:
	table_builder_free(b);
	return NULL;
}

int demo_write_history(const struct ht_snapshot *now, unsigned n, uint64_t seed,
		       const char *cache_dir, char *err, size_t errlen)
{
	struct history_keep all;
	struct store_err e;
	unsigned back;

	history_parse_keep("all", &all, NULL);
	for (back = n; back-- > 0;) {
		struct ht_snapshot *s = back ? demo_back(now, back, seed) : NULL;
		const struct ht_snapshot *use = back ? s : now;
		int rc;
		if (!use) {
			snprintf(err, errlen, "demo: out of memory making the snapshot of %u months "
				 "before", back);
			return -1;
		}
		rc = history_add_keep(cache_dir, use, &all, &e);
		table_free(s);
		if (rc != 0) {
			snprintf(err, errlen, "%s", e.msg);
			return -1;
		}
	}
	return 0;
}

/* rowmap.c - the last period's row map in the cache (rowmap.h). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hubtop/rowmap.h"
#include "hubtop/strmatch.h"

#define MAP_MAGIC "HUBTOPRM"
#define MAP_VERSION 1u
#define MAP_HEAD 64u
#define ENDIAN_MARK 0x01020304u

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

uint64_t rowmap_fingerprint(const struct ht_snapshot *s)
{
	uint64_t f = (s->pool_len ? store_checksum(s->pool, (size_t)s->pool_len) : 0) ^
		     (s->pool_len * 0x9e3779b97f4a7c15ull);
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		f = (f ^ s->t[k].n) * 0xbf58476d1ce4e5b9ull;
		if (s->t[k].n)
			f = (f ^ store_checksum(s->t[k].id, (size_t)s->t[k].n * sizeof *s->t[k].id)) *
			    0x94d049bb133111ebull;
		f ^= f >> 31;
	}
	return f;
}

int rowmap_path(const char *cache_dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/history/period.map", cache_dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The header: magic, version, endian mark, the two fingerprints, the row
 * counts of the end and the start per kind, the file's checksum (taken
 * with that field zero). */
static void head_fill(unsigned char *h, const struct ht_snapshot *end, const struct ht_snapshot *start)
{
	memset(h, 0, MAP_HEAD);
	memcpy(h, MAP_MAGIC, 8);
	put_u32(h + 8, MAP_VERSION);
	put_u32(h + 12, ENDIAN_MARK);
	put_u64(h + 16, rowmap_fingerprint(end));
	put_u64(h + 24, rowmap_fingerprint(start));
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		put_u32(h + 32 + 4 * k, end->t[k].n);
		put_u32(h + 40 + 4 * k, start->t[k].n);
	}
}

int rowmap_save(const char *cache_dir, const struct ht_snapshot *end, const struct ht_snapshot *start,
		const uint32_t *const map[HT_KIND_COUNT], struct store_err *err)
{
	char path[4096], tmp[4200], dir[4096];
	size_t len = MAP_HEAD, at;
	unsigned char *buf;
	int fd, ok;

	if (rowmap_path(cache_dir, path, sizeof path) != 0 ||
	    snprintf(dir, sizeof dir, "%s/history", cache_dir) >= (int)sizeof dir) {
		snprintf(err->msg, sizeof err->msg, "%.900s: path too long", cache_dir);
		return -1;
	}
	for (int k = 0; k < HT_KIND_COUNT; k++)
		len += (size_t)end->t[k].n * 4;
	if (!(buf = malloc(len))) {
		snprintf(err->msg, sizeof err->msg, "out of memory while keeping the period's row map");
		return -1;
	}
	head_fill(buf, end, start);
	at = MAP_HEAD;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		if (end->t[k].n)
			memcpy(buf + at, map[k], (size_t)end->t[k].n * 4);
		at += (size_t)end->t[k].n * 4;
	}
	put_u64(buf + 56, store_checksum(buf, len));
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (store_mkdirs(dir, err) != 0) {
		free(buf);
		return -1;
	}
	unlink(tmp);
	fd = store_cache_open(tmp, O_WRONLY);
	ok = fd >= 0;
	for (at = 0; ok && at < len;) {
		ssize_t w = write(fd, buf + at, len - at);
		if (w <= 0)
			ok = 0;
		else
			at += (size_t)w;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	free(buf);
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		snprintf(err->msg, sizeof err->msg, "%.900s: cannot write the period's row map", path);
		return -1;
	}
	return 0;
}

void rowmap_free(uint32_t *map[HT_KIND_COUNT])
{
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		free(map[k]);
		map[k] = NULL;
	}
}

int rowmap_load(const char *cache_dir, const struct ht_snapshot *end, const struct ht_snapshot *start,
		uint32_t *map[HT_KIND_COUNT])
{
	char path[4096];
	unsigned char want[MAP_HEAD], *buf = NULL;
	size_t len = MAP_HEAD, at = MAP_HEAD;
	struct stat st;
	uint64_t sum;
	FILE *fp;

	for (int k = 0; k < HT_KIND_COUNT; k++)
		map[k] = NULL;
	if (rowmap_path(cache_dir, path, sizeof path) != 0 || !(fp = store_cache_read(path)))
		return -1;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		len += (size_t)end->t[k].n * 4;
	/* The pair first (a stale map costs its header), then the whole file. */
	if (fstat(fileno(fp), &st) != 0 || (uint64_t)st.st_size != len || !(buf = malloc(len)) ||
	    fread(buf, 1, MAP_HEAD, fp) != MAP_HEAD)
		goto bad;
	head_fill(want, end, start);
	if (memcmp(buf, want, 56) != 0 || fread(buf + MAP_HEAD, 1, len - MAP_HEAD, fp) != len - MAP_HEAD)
		goto bad;
	fclose(fp);
	fp = NULL;
	sum = get_u64(buf + 56);
	put_u64(buf + 56, 0);
	if (store_checksum(buf, len) != sum || get_u32(buf + 12) != ENDIAN_MARK)
		goto bad;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		uint32_t n = end->t[k].n, sn = start->t[k].n;
		if (!(map[k] = table_big_alloc(((size_t)n + 1) * sizeof *map[k])))
			goto bad;
		memcpy(map[k], buf + at, (size_t)n * 4);
		at += (size_t)n * 4;
		for (uint32_t i = 0; i < n; i++)
			if (map[k][i] >= sn && map[k][i] != STRMATCH_NONE)
				goto bad;
	}
	free(buf);
	return 0;
bad:
	if (fp)
		fclose(fp);
	free(buf);
	rowmap_free(map);
	return -1;
}

int rowmap_compose(const struct ht_snapshot *end, const uint32_t *emap, const struct ht_snapshot *start,
		   const uint32_t *smap, enum ht_kind k, uint32_t *at)
{
	const struct ht_table *et = &end->t[k], *st = &start->t[k];
	uint32_t nbase = smap ? 0 : st->n, ne = 0, ns = 0, i, j;
	uint32_t *inv = NULL, *erow = NULL, *eoff = NULL, *srow = NULL, *soff = NULL, *got = NULL;
	int rc = -1;

	/* A base's equal ids would each be their own row, where strmatch
	 * gives the first: the end as the base is left to strmatch. */
	if (!emap)
		return -1;
	for (i = 0; i < et->n; i++)
		if (emap[i] != STRMATCH_NONE && emap[i] >= nbase)
			nbase = emap[i] + 1;
	if (smap)
		for (j = 0; j < st->n; j++)
			if (smap[j] != STRMATCH_NONE && smap[j] >= nbase)
				nbase = smap[j] + 1;
	for (i = 0; i < et->n; i++)
		ne += emap[i] == STRMATCH_NONE;
	inv = table_big_alloc(((size_t)nbase + 1) * sizeof *inv);
	erow = malloc(((size_t)ne + 1) * sizeof *erow); /* the rows new to the base: few */
	eoff = malloc(((size_t)ne + 1) * sizeof *eoff);
	ne = 0;
	if (!inv || !erow || !eoff)
		goto done;
	/* inv[b]: the first row of start on base row b (equal ids all map to
	 * the base's first). */
	memset(inv, 0xff, ((size_t)nbase + 1) * sizeof *inv);
	for (j = st->n; j-- > 0;) {
		uint32_t b = smap ? smap[j] : j;
		if (b != STRMATCH_NONE)
			inv[b] = j;
	}
	for (i = 0; i < et->n; i++) {
		if (emap[i] != STRMATCH_NONE) {
			at[i] = inv[emap[i]];
		} else {
			erow[ne] = i;
			eoff[ne++] = et->id[i];
		}
	}
	if (ne) {
		/* Rows new to the base in the end can only be rows new to it in
		 * the start. */
		srow = malloc(((size_t)st->n + 1) * sizeof *srow);
		soff = malloc(((size_t)st->n + 1) * sizeof *soff);
		got = malloc(((size_t)ne + 1) * sizeof *got);
		if (!srow || !soff || !got)
			goto done;
		if (smap)
			for (j = 0; j < st->n; j++)
				if (smap[j] == STRMATCH_NONE) {
					srow[ns] = j;
					soff[ns++] = st->id[j];
				}
		if (!ns) /* nothing new to the base in the start: none of them is there */
			memset(got, 0xff, (size_t)ne * sizeof *got);
		else if (strmatch(end->pool, eoff, ne, start->pool, soff, ns, got) != 0)
			goto done;
		for (i = 0; i < ne; i++)
			at[erow[i]] = got[i] == STRMATCH_NONE ? STRMATCH_NONE : srow[got[i]];
	}
	rc = 0;
done:
	free(inv);
	free(erow);
	free(eoff);
	free(srow);
	free(soff);
	free(got);
	return rc;
}

/* store.h - the on-disk snapshot: versioned binary format, atomic writes,
 * whole-file verification, cache location.  See docs/snapshot-format.md.
 *
 * Owns: files under the cache directory.  Only store.c writes them (through
 * store_write, which every writer - import, demo, fetch - goes through).
 *
 * Cost: store_load maps the file, checks every index against its bounds and
 * checksums it (about 5 GB/s; store_load_start does the checksum on another
 * thread); no per-row work.  store_write writes a temporary file, fsyncs it, renames
 * it over the target and fsyncs the folder: a crash leaves either the old or
 * the new file, whole.
 */
#ifndef HUBTOP_STORE_H
#define HUBTOP_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "hubtop/table.h"

#define STORE_MAGIC "HUBTOPSN"
#define STORE_FORMAT_VERSION 3u

/* Error text for the user: what, where, what to do.  */
struct store_err {
	char msg[1024];
};

/* Loads and verifies a snapshot.  NULL with err filled on any problem:
 * missing, truncated, wrong magic, newer version, bad checksum, bad bounds. */
struct ht_snapshot *store_load(const char *path, struct store_err *err);

/* As store_load, but the checksum runs on another thread while the caller
 * builds on the snapshot (start-up uses both cores).  Everything but the
 * checksum is checked before it returns, so the snapshot is safe to read;
 * its values are trusted, and may be shown, only once store_check_finish
 * has returned 0.  Call store_check_finish exactly once, before table_free:
 * -1 with err filled means the file is corrupted. */
struct store_check;
struct ht_snapshot *store_load_start(const char *path, struct store_check **check,
				     struct store_err *err);
int store_check_finish(struct store_check *c, struct store_err *err);

/* Verifies a file image in memory (used by store_load and the fuzzer).
 * Takes ownership of buf (freed on failure). */
struct ht_snapshot *store_load_mem(void *buf, size_t len, const char *name, struct store_err *err);

/* Reads only the header: the metadata and the item counts, unverified (the
 * rest of the file is not read, so use them as hints, never as figures).
 * Costs one 1 KiB read.  0 ok, -1 missing or not a snapshot. */
int store_peek(const char *path, struct ht_meta *meta, uint32_t counts[HT_KIND_COUNT]);

/* Writes atomically.  0 on success, -1 with err filled; the previous file at
 * path is untouched on failure. */
int store_write(const struct ht_snapshot *s, const char *path, struct store_err *err);

/* Serialises into a malloc'd buffer: the bytes store_write writes (used by
 * tests and the fuzzer; store_write itself holds no copy of the file). */
int store_serialize(const struct ht_snapshot *s, void **out, size_t *len, struct store_err *err);
/* The same in an older layout (1..STORE_FORMAT_VERSION; the columns that
 * version lacks are left out), for tests of old files. */
int store_serialize_version(const struct ht_snapshot *s, uint32_t version, void **out, size_t *len,
			    struct store_err *err);

/* The cache directory: --cache-dir, else $HUBTOP_CACHE_DIR, else
 * $XDG_CACHE_HOME/hubtop, else ~/.cache/hubtop.  override may be NULL. */
int store_cache_dir(const char *override, char *buf, size_t len);
/* The default snapshot path inside the cache directory. */
int store_default_path(const char *cache_dir, char *buf, size_t len);
/* mkdir -p with mode 0700 for the last component.  -1 with err on failure. */
int store_mkdirs(const char *dir, struct store_err *err);

/* Writes whatever writer puts into the FILE to path, the one way every
 * file hubtop writes is written (snapshots, exports, -o):
 *   - a regular file or a new path is replaced atomically: a temporary file
 *     in the same folder (created exclusively, never through a link), fsynced,
 *     renamed over it, the folder fsynced; a replaced file keeps its mode
 *     (and, as root, its owner); on failure the previous file is untouched;
 *   - a symbolic link is followed and its target written as above (a link
 *     to a missing file is refused);
 *   - a device, FIFO or socket, or any path under /dev or /proc (such as
 *     /dev/stdout, /dev/null, /proc/self/fd/1), is written to directly and
 *     never replaced;
 *   - a folder is refused. */
int store_atomic_write(const char *path, int (*writer)(void *ctx, void *fp), void *ctx,
		       struct store_err *err);

/* Opens (creating it, mode 0600) one of the cache's own files (fetch.lock,
 * fetch.journal, fetch.state.tmp) with flags O_RDWR or O_WRONLY, never through a
 * link: a symbolic or hard link or a special file at the name is removed and
 * a fresh file created exclusively.  The fd, or -1 with errno. */
int store_cache_open(const char *path, int flags);
/* Opens one of the cache's own files for reading: NULL (errno set) when it
 * is missing, a link or not a regular file.  Never blocks on a FIFO. */
FILE *store_cache_read(const char *path);

/* The checksum used by the format (64-bit, 4-lane, word-at-a-time). */
uint64_t store_checksum(const void *data, size_t len);

/* Gives back the pages of [p, p + len) of a snapshot that store_load
 * mapped from its file, for a caller that has copied what it reads there:
 * they leave the process's resident memory, and if read again come back
 * from the page cache (or the file) with the same bytes: the mapping is
 * private and read-only, and snapshot files are replaced by rename, never
 * rewritten in place (the kernel may drop such pages under memory pressure
 * anyway).  Only the whole 2 MB blocks inside the range (the page cache
 * may map the file in blocks that size: releasing part of one would release
 * its neighbours' bytes too), so give it runs of sections.  A no-op (0) for a
 * snapshot held in memory (built, read from a pipe, or assembled from the
 * history), whose pages have no file to come back from.  Returns the bytes
 * given back.  One madvise call. */
size_t store_release(const struct ht_snapshot *s, const void *p, size_t len);

/* ---- the file image section by section (history.c stores snapshots as
 * deltas of these) ----------------------------------------------------------
 * A snapshot's file is its header (STORE_HEADER_SIZE bytes) followed by its
 * sections in the order store_sections gives them, each padded to 8 bytes.
 * A section is a column when it holds one value per row of a table; what
 * its values index (the string pool, the accounts, the terms) is said by
 * ref, so that code walking the sections stays right when columns are
 * added: a new column of pool offsets must say STORE_REF_POOL. */
/* The header of the current format: its fixed part and its section table. */
#define STORE_HEADER_SIZE 2048u
#define STORE_MAX_SECTIONS 64u
/* Section ids of the format that others look for. */
#define STORE_SEC_POOL 1u
#define STORE_SEC_TERMS 2u
#define STORE_SEC_ACCT_NAME 3u
enum store_ref {
	STORE_REF_NONE = 0, /* plain values */
	STORE_REF_POOL,     /* u32 offsets into the string pool */
	STORE_REF_ACCOUNT,  /* u32 account indexes */
	STORE_REF_TERM      /* u32 term indexes */
};
struct store_section {
	uint32_t id;
	int table;          /* enum ht_kind when a column (one value a row), else -1 */
	uint32_t width;     /* bytes a value */
	enum store_ref ref;
	const void *data;
	uint64_t len;       /* bytes, unpadded */
};
/* The sections of s (lengths from its counts, data from its arrays: a
 * snapshot with only meta and counts set gives the lengths of its image).
 * Returns how many (at most STORE_MAX_SECTIONS).  O(1). */
size_t store_sections(const struct ht_snapshot *s, struct store_section *sec);
/* The header of s (meta and counts) with a zero checksum.  O(1). */
void store_header(const struct ht_snapshot *s, unsigned char head[STORE_HEADER_SIZE]);
/* The shape a header describes: meta and counts into *shape (pointers
 * NULL).  -1 when head is not a snapshot header this hubtop reads. */
int store_header_shape(const unsigned char head[STORE_HEADER_SIZE], struct ht_snapshot *shape);
/* Finishes a file image of len bytes whose sections are in place: writes
 * the header of shape (checksum 0).  Then store_load_built checks it. */
void store_image_seal(const struct ht_snapshot *shape, void *image, size_t len);
/* As store_load_mem for an image built in memory from files already
 * verified (the history's deltas): every bound, index and section is
 * checked, the checksum is not (nothing was read that it would guard). */
struct ht_snapshot *store_load_built(void *buf, size_t len, const char *name, struct store_err *err);

#endif

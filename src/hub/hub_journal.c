/* hub_journal.c - the Hub client's cache lock, crawl journal and resume
 * state (the files are described in hub.c). */
#include "config.h"

#include "hub_priv.h"

/* ---- journal ------------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Puts the state written to the temporary file in place.  Exchanging the
 * names keeps the previous state's file as the next temporary one: creating
 * and deleting a file each page costs ten times the write. */
static int state_install(const struct hub *hb)
{
#ifdef RENAME_EXCHANGE
	if (renameat2(AT_FDCWD, hb->path_tmp, AT_FDCWD, hb->path_state, RENAME_EXCHANGE) == 0)
		return 0;
	/* No state yet, or a file system that cannot exchange names. */
#endif
	return rename(hb->path_tmp, hb->path_state);
}

/* Writes the resume point atomically.  Called by the worker or the
 * calling thread, never both at once. */
int hub_state_write(struct hub *hb, int phase, const char *next, uint64_t pages, char *why,
		       size_t whylen)
{
	char head[512];
	int fd, n;
	size_t nlen = strlen(next);
	/* Syncing costs milliseconds: at most once a second.  A power cut can
	 * then leave a state ahead of the journal; the record checksums catch
	 * that and the fetch starts over, never builds from damaged pages. */
	int sync = hub_now_s() - hb->t_sync >= 1.0;
	if (sync && fdatasync(hb->jfd)) {
		fd = -1;
		goto fail;
	}
	/* Overwritten, then cut to length: truncating to zero first would make
	 * ext4 flush the file on close. */
	fd = store_cache_open(hb->path_tmp, O_WRONLY);
	if (fd < 0)
		goto fail;
	n = snprintf(head, sizeof head, "hubtop-fetch-state 1\nkey %s\nphase %d\npages %llu\njournal %llu\nnext ",
		     hb->key, phase, (unsigned long long)pages, (unsigned long long)hb->jlen);
	if (write_all(fd, head, (size_t)n) || write_all(fd, next, nlen) || write_all(fd, "\n", 1) ||
	    ftruncate(fd, (off_t)((size_t)n + nlen + 1)) || (sync && fdatasync(fd))) {
		close(fd);
		goto fail;
	}
	if (close(fd) || state_install(hb))
		goto fail;
	if (sync)
		hb->t_sync = hub_now_s();
	return 0;
fail:
	hub_sfmt(why, whylen, "cannot write %s: %s; free space or fix the permissions of %s and run "
			      "the same command again",
		 hb->path_state, strerror(errno), hb->dir);
	unlink(hb->path_tmp);
	return -1;
}

int hub_journal_append(struct hub *hb, char type, int kind, const char *p, size_t n, char *why,
			  size_t whylen)
{
	char head[128];
	int k = snprintf(head, sizeof head, "HJ1 %c %d %zu %016llx\n", type, kind, n,
			 (unsigned long long)store_checksum(p, n));
	if (write_all(hb->jfd, head, (size_t)k) || write_all(hb->jfd, p, n) ||
	    write_all(hb->jfd, "\n", 1)) {
		int e = errno;
		/* Leave no partial record behind the recorded length. */
		if (ftruncate(hb->jfd, (off_t)hb->jlen) == 0)
			lseek(hb->jfd, (off_t)hb->jlen, SEEK_SET);
		hub_sfmt(why, whylen, "cannot write %s: %s; free space or fix the permissions of %s "
				      "and run the same command again",
			 hb->path_journal, strerror(e), hb->dir);
		return -1;
	}
	hb->jlen += (uint64_t)k + n + 1;
	return 0;
}

void hub_orgs_known_add(struct hub *hb, const char *name, int kind)
{
	size_t n = strlen(name) + 4;
	char *p = realloc(hb->orgs_known, hb->orgs_known_len + n + 1);
	if (!p)
		return;
	hb->orgs_known = p;
	hb->orgs_known_len += (size_t)sprintf(p + hb->orgs_known_len, "\n%d %s", kind, name);
}

int hub_orgs_known_find(const struct hub *hb, const char *name)
{
	char pat[300];
	const char *p;
	int k;
	if (!hb->orgs_known)
		return -1;
	for (k = HT_ACCT_USER; k <= HT_ACCT_ORG; k++) {
		snprintf(pat, sizeof pat, "\n%d %s", k, name);
		for (p = hb->orgs_known; (p = strstr(p, pat)) != NULL; p++)
			if (p[strlen(pat)] == '\n' || p[strlen(pat)] == '\0')
				return k;
	}
	return -1;
}

static void options_key(const struct hub *hb, char *out, size_t len)
{
	char k[1200];
	int n = snprintf(k, sizeof k, "v1|%s|%d|%d|%llu", hb->endpoint, hb->o->models ? 1 : 0,
			 hb->o->datasets ? 1 : 0, (unsigned long long)hb->o->top_n);
	snprintf(out, len, "%016llx", (unsigned long long)store_checksum(k, (size_t)n));
}

/* Reads the state and replays the journal into the builder.  Returns 1
 * resumed (next URL in next), 0 fresh start, -1 error. */
int hub_journal_open(struct hub *hb, char *next, size_t nextlen)
{
	FILE *sf, *jf = NULL;
	char *line = NULL, key[64] = "";
	size_t cap = 0;
	long long jlen = -1, pages = 0;
	int phase = -1, ok = 0;
	ssize_t got;

	next[0] = '\0';
	options_key(hb, hb->key, sizeof hb->key);
	sf = store_cache_read(hb->path_state);
	if (sf) {
		while ((got = getline(&line, &cap, sf)) > 0) {
			if (line[got - 1] == '\n')
				line[--got] = '\0';
			if (!strncmp(line, "key ", 4))
				snprintf(key, sizeof key, "%s", line + 4);
			else if (!strncmp(line, "phase ", 6))
				phase = atoi(line + 6);
			else if (!strncmp(line, "pages ", 6))
				pages = atoll(line + 6);
			else if (!strncmp(line, "journal ", 8))
				jlen = atoll(line + 8);
			else if (!strncmp(line, "next ", 5) && (size_t)got - 5 < nextlen)
				snprintf(next, nextlen, "%s", line + 5);
		}
		fclose(sf);
		ok = !strcmp(key, hb->key) && phase >= 0 && phase <= PHASE_ORGS && jlen >= 0;
		if (!ok)
			hub_add_note(hb, "An unfinished fetch with other options was discarded.");
	}
	hb->jfd = store_cache_open(hb->path_journal, O_RDWR);
	if (hb->jfd < 0) {
		hub_set_err(hb, "cannot open %s: %s; check that %s is writable", hb->path_journal,
			strerror(errno), hb->dir);
		free(line);
		return -1;
	}
	if (ok) {
		struct stat st;
		if (fstat(hb->jfd, &st) || st.st_size < jlen)
			ok = 0;
	}
	if (ok && (jf = fdopen(dup(hb->jfd), "rb")) != NULL) {
		/* Replay what the journal holds up to the recorded length. */
		long long pos = 0;
		char *buf = NULL;
		while (ok && pos < jlen) {
			char type;
			int kind;
			size_t len;
			unsigned long long sum;
			if ((got = getline(&line, &cap, jf)) <= 0 ||
			    sscanf(line, "HJ1 %c %d %zu %llx", &type, &kind, &len, &sum) != 4 ||
			    kind < 0 || kind >= HT_KIND_COUNT + 1 || len > HUB_MAX_BODY ||
			    pos + got + (long long)len + 1 > jlen) {
				ok = 0;
				break;
			}
			free(buf);
			buf = malloc(len + 1);
			if (!buf || fread(buf, 1, len + 1, jf) != len + 1 ||
			    store_checksum(buf, len) != sum) {
				ok = 0;
				break;
			}
			buf[len] = '\0';
			pos += got + (long long)len + 1;
			if (type == 'P' && kind < HT_KIND_COUNT) {
				struct listing_stats ps;
				memset(&ps, 0, sizeof ps);
				if (listing_add_page(hb->b, (enum ht_kind)kind, buf, len, &ps, hb->arena)) {
					ok = 0;
					break;
				}
				hb->st.items += ps.items;
				hb->st.duplicates += ps.duplicates;
				hb->st.rejected += ps.rejected;
				hb->st.warnings += ps.warnings;
				if (!hb->st.first_problem[0])
					memcpy(hb->st.first_problem, ps.first_problem,
					       sizeof ps.first_problem);
			} else if (type == 'O') {
				hub_orgs_known_add(hb, buf, kind);
			}
		}
		free(buf);
		fclose(jf);
		if (!ok)
			hub_add_note(hb, "The journal of the unfinished fetch was damaged; started over.");
	} else {
		ok = 0;
	}
	free(line);
	if (!ok) {
		/* Fresh start: an empty journal and a builder without replayed rows. */
		table_builder_free(hb->b);
		hb->b = table_builder_new();
		memset(&hb->st, 0, sizeof hb->st);
		free(hb->orgs_known);
		hb->orgs_known = NULL;
		hb->orgs_known_len = 0;
		if (!hb->b || ftruncate(hb->jfd, 0)) {
			hub_set_err(hb, "cannot reset %s: %s", hb->path_journal, strerror(errno));
			return -1;
		}
		hb->jlen = 0;
		hb->phase = PHASE_MODELS;
		next[0] = '\0';
		return 0;
	}
	if (ftruncate(hb->jfd, (off_t)jlen) || lseek(hb->jfd, (off_t)jlen, SEEK_SET) < 0) {
		hub_set_err(hb, "cannot truncate %s: %s", hb->path_journal, strerror(errno));
		return -1;
	}
	hb->jlen = (uint64_t)jlen;
	hb->phase = phase;
	hb->pages = (uint64_t)pages;
	if (!strcmp(next, "-"))
		next[0] = '\0';
	return 1;
}

int hub_lock_cache(struct hub *hb)
{
	char pid[32];
	int n;
	hb->lock_fd = store_cache_open(hb->path_lock, O_RDWR);
	if (hb->lock_fd < 0) {
		hub_set_err(hb, "cannot open %s: %s; check that %s is a writable folder", hb->path_lock,
			strerror(errno), hb->dir);
		return -1;
	}
	if (flock(hb->lock_fd, LOCK_EX | LOCK_NB)) {
		char holder[32] = "";
		ssize_t r = pread(hb->lock_fd, holder, sizeof holder - 1, 0);
		holder[r > 0 ? r : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		hub_set_err(hb, "another hubtop fetch (pid %s) is writing to %s; wait for it to finish "
			    "(or stop it), then run again",
			holder[0] ? holder : "unknown", hb->dir);
		close(hb->lock_fd);
		hb->lock_fd = -1;
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(hb->lock_fd, 0) == 0)
		(void)!pwrite(hb->lock_fd, pid, (size_t)n, 0);
	return 0;
}

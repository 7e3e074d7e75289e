/* orgdir.c - the organisation directory: parser of the orgs.tsv format,
 * case-insensitive account hash, override by later files, same_as links.
 *
 * Entries read from files ("real" entries) keep their index when a later
 * file overrides them.  Accounts named only in a same_as column get a
 * synthesized entry, rebuilt after every load from the real entries, so an
 * override can never leave a stale alias behind.
 *
 * Canonical entry of a group of linked accounts: the first entry, in load
 * order, that lists others in its same_as column.  Links count both ways:
 * "zai-org ... same_as THUDM" and "THUDM ... same_as zai-org" put both in one
 * group.  Aliases keep their own line (name, note) but count for the
 * canonical entry's country and type (see attrib.c).
 */
#include "hubtop/orgdir.h"
#include "hubtop/safetext.h"
#include "hubtop/strarena.h"
#include "hubtop/country.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ORGDIR_COLS 6
#define ORGDIR_MIN_COLS 4
#define ORGDIR_MAX_LINE 4096
#define ORGDIR_MAX_ACCOUNT 96
#define ORGDIR_MAX_ALIASES 16

static const struct {
	const char *key;
	const char *name;
} types[OT_COUNT] = {
	[OT_INDUSTRY] = {"industry", "Industry"},
	[OT_ACADEMIA] = {"academia", "Academia"},
	[OT_NONPROFIT] = {"non-profit", "Non-profit"},
	[OT_GOVERNMENT] = {"government", "Government"},
	[OT_COMMUNITY] = {"community", "Community"},
	[OT_INDEPENDENT] = {"independent", "Independent"},
	[OT_UNKNOWN_ORG] = {"unknown-org", "Unknown organisation"},
};

#define VALID_TYPES "industry, academia, non-profit, government, community, independent"

struct entry_priv {
	const char *same_as;  /* raw same_as column, "" if none */
	unsigned gen;         /* load call that wrote the entry */
	int synth;            /* made from a same_as column, not a line */
};

struct orgdir {
	struct org_entry *e;
	struct entry_priv *p;
	size_t n, cap;
	size_t n_real;        /* entries [0, n_real) come from lines */
	uint32_t *slot;       /* entry index + 1, 0 = empty */
	size_t slot_cap;      /* power of two */
	struct strarena names; /* entry strings: they never move */
	unsigned gen;
};

/* ---- small helpers ---------------------------------------------------- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int orgdir_name_eq(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return !*a && !*b;
}

uint32_t orgdir_name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint32_t)lower((unsigned char)*s)) * 16777619u;
	return h;
}

static void report(struct orgdir_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct orgdir_diag *diag, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!diag)
		return;
	diag->errors++;
	if (!diag->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag->report(diag->ctx, msg);
}

/* A field quoted in a message: printable, bounded, whatever the file holds. */
static const char *quote(char *buf, size_t cap, const char *s, size_t len)
{
	size_t o = 0;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c >= 0x80) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* 1 if the line passes the one text rule of safetext.h (tab aside, the
 * field separator); else 0 and *why. */
static int text_ok(const char *s, size_t len, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		if (c == '\t') {
			i++;
			continue;
		}
		n = safetext_char(p + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		if (c < 0x80)
			*why = c == 0 ? "NUL byte in the line" : "control character in the line";
		else if (c < 0xc2 || c > 0xf4)
			*why = "not valid UTF-8";
		else
			*why = "control, bidirectional or zero-width formatting character, or invalid "
			       "UTF-8, in the line";
		return 0;
	}
	return 1;
}

/* Hub account names: letters, digits, '-', '_', '.'; no leading or trailing
 * '-' or '.', no "..". */
static int account_ok(const char *s, size_t len)
{
	if (len == 0 || len > ORGDIR_MAX_ACCOUNT)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '-' || c == '_' || c == '.';
		if (!ok)
			return 0;
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return 0;
	}
	if (s[0] == '-' || s[0] == '.' || s[len - 1] == '-' || s[len - 1] == '.')
		return 0;
	return 1;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' '))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' '))
		(*len)--;
}

/* ---- hash ------------------------------------------------------------- */

static int rehash(struct orgdir *d, size_t want)
{
	size_t cap = 64;
	uint32_t *slot;
	while (cap < want * 2)
		cap *= 2;
	slot = calloc(cap, sizeof *slot);
	if (!slot)
		return -1;
	free(d->slot);
	d->slot = slot;
	d->slot_cap = cap;
	for (size_t i = 0; i < d->n; i++) {
		size_t h = orgdir_name_hash(d->e[i].account) & (cap - 1);
		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = (uint32_t)i + 1;
	}
	return 0;
}

static int64_t find(const struct orgdir *d, const char *account)
{
	size_t h;
	if (!d->slot_cap)
		return -1;
	h = orgdir_name_hash(account) & (d->slot_cap - 1);
	while (d->slot[h]) {
		uint32_t i = d->slot[h] - 1;
		if (orgdir_name_eq(d->e[i].account, account))
			return i;
		h = (h + 1) & (d->slot_cap - 1);
	}
	return -1;
}

/* Appends an entry (already filled) and indexes it. */
static int64_t append(struct orgdir *d, const struct org_entry *e, const struct entry_priv *p)
{
	size_t h;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		struct org_entry *ne = realloc(d->e, cap * sizeof *ne);
		struct entry_priv *np;
		if (!ne)
			return -1;
		d->e = ne;
		np = realloc(d->p, cap * sizeof *np);
		if (!np)
			return -1;
		d->p = np;
		d->cap = cap;
	}
	if ((d->n + 1) * 2 > d->slot_cap && rehash(d, d->n + 1) < 0)
		return -1;
	d->e[d->n] = *e;
	d->p[d->n] = *p;
	h = orgdir_name_hash(e->account) & (d->slot_cap - 1);
	while (d->slot[h])
		h = (h + 1) & (d->slot_cap - 1);
	d->slot[h] = (uint32_t)d->n + 1;
	return (int64_t)d->n++;
}

/* ---- same_as resolution ----------------------------------------------- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	uint32_t r = x;
	while (parent[r] != r)
		r = parent[r];
	while (parent[x] != r) {
		uint32_t next = parent[x];
		parent[x] = r;
		x = next;
	}
	return r;
}

/* Calls fn for each account of a ',' separated list. */
static void each_name(const char *list, void (*fn)(void *, const char *, size_t), void *ctx)
{
	const char *p = list;
	while (*p) {
		const char *start = p;
		size_t len;
		while (*p && *p != ',')
			p++;
		len = (size_t)(p - start);
		trim(&start, &len);
		if (len)
			fn(ctx, start, len);
		if (*p == ',')
			p++;
	}
}

struct synth_ctx {
	struct orgdir *d;
	uint32_t owner;
	int oom;
	uint32_t *parent;   /* union-find, pass 2 */
};

static void synth_one(void *vctx, const char *name, size_t len)
{
	struct synth_ctx *c = vctx;
	char buf[ORGDIR_MAX_ACCOUNT + 1];
	struct org_entry e;
	struct entry_priv p = {"", 0, 1};
	const struct org_entry *owner = &c->d->e[c->owner];
	if (len > ORGDIR_MAX_ACCOUNT)
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (find(c->d, buf) >= 0)
		return;
	memset(&e, 0, sizeof e);
	e.account = strarena_dup(&c->d->names, buf, len);
	if (!e.account) {
		c->oom = 1;
		return;
	}
	e.name = owner->name;
	e.note = "";
	e.source = owner->source;
	e.line = owner->line;
	e.canonical = -1;
	if (append(c->d, &e, &p) < 0)
		c->oom = 1;
}

static void union_one(void *vctx, const char *name, size_t len)
{
	struct synth_ctx *c = vctx;
	char buf[ORGDIR_MAX_ACCOUNT + 1];
	int64_t j;
	if (len > ORGDIR_MAX_ACCOUNT)
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	j = find(c->d, buf);
	if (j >= 0) {
		uint32_t a = uf_find(c->parent, c->owner), b = uf_find(c->parent, (uint32_t)j);
		/* The smaller index stays the root: it is the first lister when
		 * canonical entries are chosen below. */
		if (a < b)
			c->parent[b] = a;
		else if (b < a)
			c->parent[a] = b;
	}
}

static int resolve(struct orgdir *d)
{
	struct synth_ctx c = {d, 0, 0, NULL};
	int32_t *canon;

	/* Drop the synthesized aliases of the previous load. */
	d->n = d->n_real;
	if (rehash(d, d->n + 1) < 0)
		return -1;
	for (size_t i = 0; i < d->n_real; i++) {
		if (!d->p[i].same_as[0])
			continue;
		c.owner = (uint32_t)i;
		each_name(d->p[i].same_as, synth_one, &c);
		if (c.oom)
			return -1;
	}
	c.parent = malloc((d->n + 1) * sizeof *c.parent);
	canon = malloc((d->n + 1) * sizeof *canon);
	if (!c.parent || !canon) {
		free(c.parent);
		free(canon);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		c.parent[i] = (uint32_t)i;
		canon[i] = -1;
	}
	for (size_t i = 0; i < d->n_real; i++) {
		if (!d->p[i].same_as[0])
			continue;
		c.owner = (uint32_t)i;
		each_name(d->p[i].same_as, union_one, &c);
	}
	/* Canonical = first lister of the group (lowest index with a same_as). */
	for (size_t i = 0; i < d->n_real; i++) {
		uint32_t r;
		if (!d->p[i].same_as[0])
			continue;
		r = uf_find(c.parent, (uint32_t)i);
		if (canon[r] < 0)
			canon[r] = (int32_t)i;
	}
	for (size_t i = 0; i < d->n; i++) {
		int32_t k = canon[uf_find(c.parent, (uint32_t)i)];
		d->e[i].canonical = (k >= 0 && (size_t)k != i) ? k : -1;
	}
	for (size_t i = d->n_real; i < d->n; i++) {
		const struct org_entry *ce = d->e[i].canonical >= 0 ? &d->e[d->e[i].canonical] : NULL;
		if (!ce)
			continue;
		d->e[i].name = ce->name;
		memcpy(d->e[i].countries, ce->countries, sizeof ce->countries);
		d->e[i].n_countries = ce->n_countries;
		d->e[i].type = ce->type;
	}
	free(c.parent);
	free(canon);
	return 0;
}

/* ---- parser ----------------------------------------------------------- */

struct field {
	const char *s;
	size_t len;
};

/* The next item of a ','-separated list s[*i..len), trimmed, in *item and
 * *ilen; *i moves past its comma.  Call while *i < len. */
static void next_item(const char *s, size_t len, size_t *i, const char **item, size_t *ilen)
{
	size_t start = *i;
	while (*i < len && s[*i] != ',')
		(*i)++;
	*item = s + start;
	*ilen = *i - start;
	trim(item, ilen);
	if (*i < len)
		(*i)++;
}

static int parse_countries(struct org_entry *e, const char *s, size_t len, const char *src,
			   unsigned line, struct orgdir_diag *diag)
{
	size_t i = 0;
	char q[200];
	e->n_countries = 0;
	while (i < len) {
		size_t clen;
		const char *c;
		char code[3];
		int idx;
		next_item(s, len, &i, &c, &clen);
		if (!clen) {
			report(diag, "%s:%u: empty country code in '%s' (valid: ISO 3166-1 alpha-2 codes "
			       "separated by ',', e.g. US,FR)", src, line, quote(q, sizeof q, s, len));
			return -1;
		}
		idx = -1;
		if (clen == 2) {
			code[0] = c[0];
			code[1] = c[1];
			code[2] = '\0';
			idx = country_find(code);
		}
		if (idx <= 0) {
			const char *hint = "";
			if (clen == 2 && lower((unsigned char)c[0]) == 'u' && lower((unsigned char)c[1]) == 'k')
				hint = "; the United Kingdom is GB";
			report(diag, "%s:%u: unknown country code '%s' (valid: ISO 3166-1 alpha-2 codes "
			       "such as US, CN, FR, GB, JP; empty when unknown%s)",
			       src, line, quote(q, sizeof q, c, clen), hint);
			return -1;
		}
		for (unsigned k = 0; k < e->n_countries; k++) {
			if (e->countries[k] == (uint16_t)idx) {
				report(diag, "%s:%u: country %s listed twice (valid: each code once)",
				       src, line, country_code((unsigned)idx));
				return -1;
			}
		}
		if (e->n_countries == ORGDIR_MAX_COUNTRIES) {
			report(diag, "%s:%u: more than %d countries (valid: at most %d codes, the "
			       "primary first)", src, line, ORGDIR_MAX_COUNTRIES, ORGDIR_MAX_COUNTRIES);
			return -1;
		}
		e->countries[e->n_countries++] = (uint16_t)idx;
	}
	return 0;
}

static int parse_same_as(const char *s, size_t len, const char *account, size_t alen,
			 const char *src, unsigned line, struct orgdir_diag *diag)
{
	size_t i = 0, n = 0;
	char q[200];
	while (i < len) {
		size_t nlen;
		const char *nm;
		next_item(s, len, &i, &nm, &nlen);
		if (!nlen)
			continue;
		if (!account_ok(nm, nlen)) {
			report(diag, "%s:%u: invalid account name '%s' in same_as (valid: Hub account "
			       "names of letters, digits, '-', '_', '.', separated by ',')",
			       src, line, quote(q, sizeof q, nm, nlen));
			return -1;
		}
		if (nlen == alen) {
			size_t k = 0;
			while (k < nlen && lower((unsigned char)nm[k]) == lower((unsigned char)account[k]))
				k++;
			if (k == nlen) {
				report(diag, "%s:%u: same_as names the account itself (valid: other "
				       "accounts of the same organisation)", src, line);
				return -1;
			}
		}
		if (++n > ORGDIR_MAX_ALIASES) {
			report(diag, "%s:%u: more than %d accounts in same_as (valid: at most %d)",
			       src, line, ORGDIR_MAX_ALIASES, ORGDIR_MAX_ALIASES);
			return -1;
		}
	}
	return 0;
}

static char *dup_field(struct orgdir *d, struct field f)
{
	return strarena_dup(&d->names, f.s, f.len);
}

/* One line, without its newline.  Returns -1 on out of memory only. */
static int parse_line(struct orgdir *d, const char *s, size_t len, const char *src, unsigned line,
		      int *header_allowed, int strict, struct orgdir_diag *diag)
{
	struct field f[ORGDIR_COLS + 1];
	size_t nf = 0, i = 0;
	struct org_entry e;
	struct entry_priv p = {"", d->gen, 0};
	const char *why = NULL;
	char q[200];
	int type = -1;
	int64_t at;

	if (len && s[len - 1] == '\r')
		len--;
	{
		size_t k = 0;
		while (k < len && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k == len || s[k] == '#')
			return 0;
	}
	if (len > ORGDIR_MAX_LINE) {
		report(diag, "%s:%u: line of %zu bytes is too long (valid: at most %d bytes)", src, line,
		       len, ORGDIR_MAX_LINE);
		*header_allowed = 0;
		return 0;
	}
	if (!text_ok(s, len, &why)) {
		report(diag, "%s:%u: %s (valid: UTF-8 text, columns separated by tabs)", src, line, why);
		*header_allowed = 0;
		return 0;
	}
	while (nf <= ORGDIR_COLS) {
		size_t start = i;
		while (i < len && s[i] != '\t')
			i++;
		f[nf].s = s + start;
		f[nf].len = i - start;
		trim(&f[nf].s, &f[nf].len);
		nf++;
		if (i >= len)
			break;
		i++;
	}
	if (*header_allowed && nf > 1 && f[0].len == 7 && strncmp(f[0].s, "account", 7) == 0 &&
	    f[1].len == 4 && strncmp(f[1].s, "name", 4) == 0) {
		*header_allowed = 0;
		return 0;
	}
	*header_allowed = 0;
	if (nf < ORGDIR_MIN_COLS || nf > ORGDIR_COLS) {
		report(diag, "%s:%u: %s%zu column%s, expected %d separated by tabs%s (valid: account, "
		       "name, countries, type, same_as, note; same_as and note may be left out)",
		       src, line, nf > ORGDIR_COLS ? "more than " : "",
		       nf > ORGDIR_COLS ? (size_t)ORGDIR_COLS : nf, nf == 1 ? "" : "s", ORGDIR_COLS,
		       nf == 1 && memchr(s, ' ', len) ? "; were the tabs turned into spaces?" : "");
		return 0;
	}
	for (; nf < ORGDIR_COLS; nf++) {
		f[nf].s = "";
		f[nf].len = 0;
	}
	if (!f[0].len) {
		report(diag, "%s:%u: empty account (valid: a Hub account name in the first column)", src,
		       line);
		return 0;
	}
	if (!account_ok(f[0].s, f[0].len)) {
		report(diag, "%s:%u: invalid account name '%s' (valid: 1 to %d letters, digits, '-', '_', "
		       "'.'; an owner, not owner/model)", src, line, quote(q, sizeof q, f[0].s, f[0].len),
		       ORGDIR_MAX_ACCOUNT);
		return 0;
	}
	memset(&e, 0, sizeof e);
	if (f[3].len && f[3].len < 32) {
		char key[32];
		memcpy(key, f[3].s, f[3].len);
		key[f[3].len] = '\0';
		type = orgdir_type_find(key);
	}
	if (type < 0 || type == OT_UNKNOWN_ORG) {
		if (type == OT_UNKNOWN_ORG)
			report(diag, "%s:%u: type 'unknown-org' is given by hubtop to organisations the "
			       "directory lacks, not written in it (valid: " VALID_TYPES ")", src, line);
		else if (!f[3].len)
			report(diag, "%s:%u: no type for '%s' (valid: " VALID_TYPES ")", src, line,
			       quote(q, sizeof q, f[0].s, f[0].len));
		else
			report(diag, "%s:%u: unknown type '%s' (valid: " VALID_TYPES ")", src, line,
			       quote(q, sizeof q, f[3].s, f[3].len));
		return 0;
	}
	e.type = (uint8_t)type;
	if (parse_countries(&e, f[2].s, f[2].len, src, line, diag) < 0)
		return 0;
	if (parse_same_as(f[4].s, f[4].len, f[0].s, f[0].len, src, line, diag) < 0)
		return 0;

	e.account = dup_field(d, f[0]);
	e.name = f[1].len ? dup_field(d, f[1]) : e.account;
	e.note = dup_field(d, f[5]);
	if (f[4].len)
		p.same_as = dup_field(d, f[4]);
	e.source = src;
	e.line = line;
	e.canonical = -1;
	if (!e.account || !e.name || !e.note || !p.same_as)
		return -1;

	/* Synthesized aliases were dropped at the start of the load: every
	 * entry found here comes from a line. */
	at = find(d, e.account);
	if (at >= 0) {
		if (strict && d->p[at].gen == d->gen) {
			const struct org_entry *old = &d->e[at];
			report(diag, "%s:%u: duplicate account '%s', first at line %u (valid: one line per "
			       "account; list other names in same_as)", src, line, e.account, old->line);
			return 0;
		}
		d->e[at] = e;
		d->p[at] = p;
		return 0;
	}
	if (append(d, &e, &p) < 0)
		return -1;
	d->n_real = d->n;
	return 0;
}

static int load_text(struct orgdir *d, const char *text, size_t len, const char *name,
		     struct orgdir_diag *diag, int strict)
{
	const char *src;
	size_t i = 0;
	unsigned line = 0;
	int header_allowed = 1;

	src = strarena_dup(&d->names, name ? name : "<string>", strlen(name ? name : "<string>"));
	if (!src) {
		errno = ENOMEM;
		return -1;
	}
	d->gen++;
	/* Synthesized aliases are rebuilt by resolve() at the end. */
	d->n = d->n_real;
	if (rehash(d, d->n + 1) < 0) {
		errno = ENOMEM;
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		line++;
		if (parse_line(d, text + i, end - i, src, line, &header_allowed, strict,
			       diag) < 0) {
			errno = ENOMEM;
			return -1;
		}
		i = end + 1;
	}
	if (resolve(d) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ---- public ----------------------------------------------------------- */

struct orgdir *orgdir_new(void)
{
	return calloc(1, sizeof(struct orgdir));
}

int orgdir_load_string(struct orgdir *d, const char *text, size_t len, const char *name,
		       struct orgdir_diag *diag)
{
	return load_text(d, text, len, name, diag, 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!fp)
		return NULL;
	for (;;) {
		size_t got;
		if (cap - n < 65536) {
			char *nb;
			cap = cap ? cap * 2 : 65536 * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		int err = errno ? errno : EIO;
		free(buf);
		fclose(fp);
		errno = err;
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

static int load_path(struct orgdir *d, const char *path, struct orgdir_diag *diag, int strict)
{
	size_t len = 0;
	char *text = slurp(path, &len);
	int rc;
	if (!text)
		return -1;
	rc = load_text(d, text, len, path, diag, strict);
	free(text);
	return rc;
}

int orgdir_load_file(struct orgdir *d, const char *path, struct orgdir_diag *diag)
{
	return load_path(d, path, diag, 0);
}

int orgdir_load_default(struct orgdir *d, const char *shipped_path, struct orgdir_diag *diag)
{
	const char *env = getenv("HUBTOP_ORGS");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char user[4096];
	int rc = 0;

	if (shipped_path || (env && *env)) {
		const char *p = shipped_path ? shipped_path : env;
		if (orgdir_load_file(d, p, diag) < 0) {
			int err = errno;
			report(diag, "%s: cannot read the organisation directory: %s (%s)", p,
			       strerror(err), shipped_path ? "check the path" : "check $HUBTOP_ORGS");
			errno = err;
			rc = -1;
		}
	} else {
#ifdef HUBTOP_DATADIR
		const char *installed = HUBTOP_DATADIR "/orgs.tsv";
#else
		const char *installed = "/usr/local/share/hubtop/orgs.tsv";
#endif
#ifdef HUBTOP_SRCDATADIR
		/* Not installed yet: the copy in the source tree it was built from. */
		const char *source = HUBTOP_SRCDATADIR "/orgs.tsv";
#else
		const char *source = "data/orgs.tsv";
#endif
		if (orgdir_load_file(d, installed, diag) < 0) {
			int err = errno;
			if (err != ENOENT || (orgdir_load_file(d, source, diag) < 0 &&
					      orgdir_load_file(d, "data/orgs.tsv", diag) < 0)) {
				if (err == ENOENT)
					err = errno;
				report(diag, "%s: cannot read the organisation directory: %s (nor "
				       "./data/orgs.tsv; reinstall hubtop or set HUBTOP_ORGS to the file)",
				       installed, strerror(err));
				errno = err;
				rc = -1;
			}
		}
	}

	user[0] = '\0';
	if (xdg && xdg[0] == '/')
		snprintf(user, sizeof user, "%s/hubtop/orgs.tsv", xdg);
	else if (home && *home)
		snprintf(user, sizeof user, "%s/.config/hubtop/orgs.tsv", home);
	if (user[0] && orgdir_load_file(d, user, diag) < 0 && errno != ENOENT) {
		int err = errno;
		report(diag, "%s: cannot read your organisation file: %s (fix its permissions or "
		       "remove it)", user, strerror(err));
		errno = err;
	}
	return rc;
}

unsigned orgdir_check_file(const char *path, struct orgdir_diag *diag)
{
	return orgdir_check_full(path, diag, NULL, NULL);
}

struct twice_ctx {
	const struct orgdir *d;
	size_t owner;            /* entry whose same_as column is read */
	uint32_t *first;         /* per synthesized entry: first naming entry + 1 */
	const char *seen[ORGDIR_MAX_ALIASES + 1];
	size_t seen_len[ORGDIR_MAX_ALIASES + 1];
	unsigned n_seen;
	struct orgdir_diag *diag;
};

/* An account named twice in one same_as column, or named by two lines while
 * it has no line of its own: the second case silently merges two groups,
 * so the file should say it once. */
static void twice_one(void *vctx, const char *name, size_t len)
{
	struct twice_ctx *c = vctx;
	const struct org_entry *o = &c->d->e[c->owner];
	char buf[ORGDIR_MAX_ACCOUNT + 1];
	int64_t j;
	if (len > ORGDIR_MAX_ACCOUNT)
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (unsigned k = 0; k < c->n_seen; k++) {
		if (c->seen_len[k] == len) {
			size_t m = 0;
			while (m < len && lower((unsigned char)c->seen[k][m]) == lower((unsigned char)name[m]))
				m++;
			if (m == len) {
				report(c->diag, "%s:%u: same_as names '%s' twice (valid: each account once)",
				       o->source, o->line, buf);
				return;
			}
		}
	}
	if (c->n_seen <= ORGDIR_MAX_ALIASES) {
		c->seen[c->n_seen] = name;
		c->seen_len[c->n_seen++] = len;
	}
	j = find(c->d, buf);
	if (j < 0 || (size_t)j < c->d->n_real)
		return;
	if (!c->first[j - (int64_t)c->d->n_real]) {
		c->first[j - (int64_t)c->d->n_real] = (uint32_t)c->owner + 1;
		return;
	}
	{
		const struct org_entry *f = &c->d->e[c->first[j - (int64_t)c->d->n_real] - 1];
		report(c->diag, "%s:%u: '%s' in same_as is also in the same_as of '%s' (line %u) and "
		       "has no line of its own (valid: give '%s' its own line, or name it in one "
		       "same_as column)", o->source, o->line, buf, f->account, f->line, buf);
	}
}

unsigned orgdir_check_full(const char *path, struct orgdir_diag *diag,
			   struct orgdir_diag *no_country, struct orgdir_check *stats)
{
	struct orgdir *d = orgdir_new();
	struct orgdir_diag local = {NULL, NULL, 0};
	struct orgdir_diag *dg = diag ? diag : &local;
	unsigned before = dg->errors;
	struct twice_ctx c;
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (!d) {
		report(dg, "%s: out of memory", path);
		return dg->errors - before;
	}
	if (load_path(d, path, dg, 1) < 0) {
		report(dg, "%s: cannot read: %s (check the path)", path, strerror(errno));
		orgdir_free(d);
		return dg->errors - before;
	}
	memset(&c, 0, sizeof c);
	c.d = d;
	c.diag = dg;
	c.first = calloc(d->n - d->n_real + 1, sizeof *c.first);
	if (!c.first) {
		report(dg, "%s: out of memory", path);
		orgdir_free(d);
		return dg->errors - before;
	}
	for (size_t i = 0; i < d->n_real; i++) {
		const struct org_entry *e = &d->e[i];
		const struct org_entry *ce = e->canonical >= 0 ? &d->e[e->canonical] : e;
		if (d->p[i].same_as[0]) {
			c.owner = i;
			c.n_seen = 0;
			each_name(d->p[i].same_as, twice_one, &c);
		}
		if (stats) {
			stats->entries++;
			stats->by_type[e->type]++;
		}
		/* An alias without a country of its own counts for its
		 * organisation's: only entries that end up with none are listed. */
		if (!e->n_countries && !ce->n_countries) {
			if (stats)
				stats->no_country++;
			if (no_country)
				report(no_country, "%s:%u: %s\t%s\t%s", e->source, e->line, e->account,
				       orgdir_type_key((enum org_type)e->type), e->note);
		}
	}
	if (stats)
		stats->aliases = (unsigned)(d->n - d->n_real);
	free(c.first);
	orgdir_free(d);
	return dg->errors - before;
}

const struct org_entry *orgdir_lookup(const struct orgdir *d, const char *account)
{
	int64_t i;
	if (!d || !account)
		return NULL;
	i = find(d, account);
	return i >= 0 ? &d->e[i] : NULL;
}

size_t orgdir_count(const struct orgdir *d)
{
	return d ? d->n : 0;
}

const struct org_entry *orgdir_entry(const struct orgdir *d, size_t i)
{
	return d && i < d->n ? &d->e[i] : NULL;
}

void orgdir_free(struct orgdir *d)
{
	if (!d)
		return;
	strarena_free(&d->names);
	free(d->e);
	free(d->p);
	free(d->slot);
	free(d);
}

const char *orgdir_type_key(enum org_type t)
{
	return (unsigned)t < OT_COUNT ? types[t].key : "unknown-org";
}

const char *orgdir_type_name(enum org_type t)
{
	return (unsigned)t < OT_COUNT ? types[t].name : "Unknown organisation";
}

int orgdir_type_find(const char *key)
{
	if (!key)
		return -1;
	for (int t = 0; t < OT_COUNT; t++)
		if (orgdir_name_eq(types[t].key, key))
			return t;
	return -1;
}

/* filter.c - parsing and printing of the filter model (see filter.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hubtop/filter.h"
#include "hubtop/civil.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"
#include "hubtop/attrib.h"
#include "hubtop/dims.h"
#include "hubtop/language.h"

const char *const filter_keys[] = {
	"country", "group", "org-type", "author", "task", "library", "license",
	"search", "created", "min-downloads", "gated", "window", "by", "of", "org", "group-by",
	"relation", "language", "size", NULL
};

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof *f);
	f->window = WIN_30D;
	f->by = ATTRIB_UPLOADER;
	f->gated = -1;
	f->level = LEVEL_ORG;
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* A value as it may be echoed in a message: control characters shown as '?'
 * (they would drive the terminal), cut after 48 bytes so that the key and
 * the valid values always fit. */
static void shown(const char *v, char *buf, size_t len)
{
	size_t i = 0, n = strlen(v);
	for (; i < n && i < 48 && i + 1 < len; i++)
		buf[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	while (i < n && i && ((unsigned char)v[i] & 0xc0) == 0x80)
		i--; /* never cut inside a UTF-8 sequence */
	buf[i] = '\0';
	if (i < n && i + 4 < len)
		memcpy(buf + i, "...", 4);
}

static int bad(char *err, size_t errlen, const char *key, const char *value, const char *valid)
{
	char v[64];
	if (err && errlen) {
		shown(value, v, sizeof v);
		snprintf(err, errlen, "bad value '%s' for --%s: expected %s", v, key, valid);
	}
	return -1;
}

/* Copies the next ','-separated token of *p into tok (trimmed); 0 at the end. */
static int next_token(const char **p, char *tok, size_t len, int *too_long)
{
	const char *s = *p, *e;
	size_t n;
	while (*s == ',' || *s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	e = s;
	while (*e && *e != ',')
		e++;
	*p = e;
	n = (size_t)(e - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*too_long = n >= len;
	if (n >= len)
		n = len - 1;
	memcpy(tok, s, n);
	tok[n] = '\0';
	return 1;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int set_countries(struct filter *f, const char *v, char *err, size_t errlen)
{
	uint64_t set[4] = { 0, 0, 0, 0 };
	const char *p = v;
	char tok[64];
	int tl;
	static const char valid[] = "an ISO 3166-1 alpha-2 code such as CN, US, FR, or unknown "
				    "(several separated by commas)";
	while (next_token(&p, tok, sizeof tok, &tl)) {
		int idx;
		if (tl)
			return bad(err, errlen, "country", v, valid);
		if (!strcasecmp(tok, "unknown"))
			idx = (int)COUNTRY_UNKNOWN;
		else
			idx = strlen(tok) == 2 ? country_find(tok) : -1;
		if (idx < 0 && (idx = country_guess(tok)) > 0) {
			/* CHN, China, UK: say which code was meant. */
			char sh[64];
			if (err && errlen) {
				shown(tok, sh, sizeof sh);
				snprintf(err, errlen, "bad value '%s' for --country: did you mean %s (%s)? expected %s",
					 sh, country_code((unsigned)idx), country_name((unsigned)idx), valid);
			}
			return -1;
		}
		if (idx < 0 || idx >= 256 || (idx == 0 && strcasecmp(tok, "unknown")))
			return bad(err, errlen, "country", tok, valid);
		set[idx >> 6] |= (uint64_t)1 << (idx & 63);
	}
	memcpy(f->countries, set, sizeof set);
	return 0;
}

/* A key of two values: empty or the first (the default), or the second. */
static int set_choice(int *out, const char *v, const char *key, const char *first, int first_val,
		      const char *second, int second_val, const char *valid, char *err, size_t errlen)
{
	if (!*v || !strcasecmp(v, first))
		*out = first_val;
	else if (!strcasecmp(v, second))
		*out = second_val;
	else
		return bad(err, errlen, key, v, valid);
	return 0;
}

static const char *group_key(int i)
{
	return country_group_key((enum country_group)i);
}

static const char *type_key(int i)
{
	return orgdir_type_key((enum org_type)i);
}

/* A comma-separated list of names of a fixed vocabulary of n (find, key)
 * as a bitmask in *out; a name not in it is refused with every valid one. */
static int set_mask(uint32_t *out, const char *v, const char *option, int n, int (*find)(const char *),
		    const char *(*key)(int), char *err, size_t errlen)
{
	uint32_t m = 0;
	const char *p = v;
	char tok[64];
	int tl;
	while (next_token(&p, tok, sizeof tok, &tl)) {
		int x = tl ? -1 : find(tok);
		if (x < 0 || x >= n) {
			char valid[256] = "one of";
			for (int i = 0; i < n; i++) {
				size_t l = strlen(valid);
				snprintf(valid + l, sizeof valid - l, "%s %s", i ? "," : "", key(i));
			}
			return bad(err, errlen, option, tok, valid);
		}
		m |= 1u << x;
	}
	*out = m;
	return 0;
}

static int set_groups(struct filter *f, const char *v, char *err, size_t errlen)
{
	return set_mask(&f->groups, v, "group", CG_COUNT, country_group_find, group_key, err, errlen);
}

static int set_types(struct filter *f, const char *v, char *err, size_t errlen)
{
	return set_mask(&f->types, v, "org-type", OT_COUNT, orgdir_type_find, type_key, err, errlen);
}

static int set_relations(struct filter *f, const char *v, char *err, size_t errlen)
{
	return set_mask(&f->relations, v, "relation", DREL_COUNT, dims_rel_find, dims_rel_key, err, errlen);
}

/* Language codes (or English names, "Chinese"), "unknown", "multilingual":
 * stored as lower-case codes, each once. */
static int set_langs(struct filter *f, const char *v, char *err, size_t errlen)
{
	static const char valid[] = "ISO 639 language codes as the Hub's language: tags hold them "
				    "(en, zh, fr, zh-Hans, ...) or English names (Chinese), unknown or "
				    "multilingual, at most 16, separated by commas";
	char langs[FILTER_MAX_LANGS][FILTER_LANG_MAX];
	unsigned n = 0;
	const char *p = v;
	char tok[64];
	int tl;
	while (next_token(&p, tok, sizeof tok, &tl)) {
		const char *code = tok;
		unsigned i;
		if (!tl && !language_code_valid(tok) && language_code_of(tok))
			code = language_code_of(tok);
		if (tl || (!language_code_valid(code) && strcasecmp(code, "unknown") &&
			   strcasecmp(code, "multilingual")) || strlen(code) >= FILTER_LANG_MAX)
			return bad(err, errlen, "language", tok, valid);
		for (i = 0; i < n; i++)
			if (!strcasecmp(langs[i], code))
				break;
		if (i < n)
			continue;
		if (n == FILTER_MAX_LANGS)
			return bad(err, errlen, "language", v, valid);
		memset(langs[n], 0, sizeof langs[n]);
		for (size_t k = 0; code[k]; k++)
			langs[n][k] = (char)tolower((unsigned char)code[k]);
		n++;
	}
	memset(f->langs, 0, sizeof f->langs);
	memcpy(f->langs, langs, n * sizeof langs[0]);
	f->n_langs = n;
	return 0;
}

/* A range of parameter counts: FROM..TO, FROM.., ..TO (k, M, B suffixes). */
static int set_size(struct filter *f, const char *v, char *err, size_t errlen)
{
	static const char valid[] = "a range of parameters such as ..1B, 7B..70B, 100M.. "
				    "(suffixes k, M, B, T; from inclusive, to exclusive)";
	const char *dots = strstr(v, "..");
	uint64_t from = 0, to = 0;
	char a[32];
	if (!*v) {
		f->size_from = f->size_to = 0;
		return 0;
	}
	if (!dots || (size_t)(dots - v) >= sizeof a || strstr(dots + 2, ".."))
		return bad(err, errlen, "size", v, valid);
	memcpy(a, v, (size_t)(dots - v));
	a[dots - v] = '\0';
	if ((a[0] && dims_parse_count(a, &from)) || (dots[2] && dims_parse_count(dots + 2, &to)) ||
	    (!a[0] && !dots[2]) || (to && to <= from) || (dots[2] && !to))
		return bad(err, errlen, "size", v, valid);
	f->size_from = from;
	f->size_to = to;
	return 0;
}

/* A comma-separated list of names into out (at most FILTER_MAX_AUTHORS,
 * each case-insensitively once): --author and --org.  A space is allowed
 * only where an organisation's display name may hold one. */
static int set_names(const char *key, const char *v, int spaces, const char *valid,
		     char out[FILTER_MAX_AUTHORS][FILTER_NAME_MAX], unsigned *n_out, char *err, size_t errlen)
{
	char names[FILTER_MAX_AUTHORS][FILTER_NAME_MAX];
	unsigned n = 0;
	const char *p = v;
	char tok[FILTER_NAME_MAX];
	int tl;
	while (next_token(&p, tok, sizeof tok, &tl)) {
		unsigned i;
		if (tl || has_control(tok) || strchr(tok, '/') || (!spaces && strchr(tok, ' ')))
			return bad(err, errlen, key, v, valid);
		for (i = 0; i < n; i++)
			if (!strcasecmp(names[i], tok))
				break;
		if (i < n)
			continue;
		if (n == FILTER_MAX_AUTHORS)
			return bad(err, errlen, key, v, valid);
		memcpy(names[n++], tok, sizeof tok);
	}
	memset(out, 0, FILTER_MAX_AUTHORS * sizeof out[0]);
	memcpy(out, names, n * sizeof names[0]);
	*n_out = n;
	return 0;
}

static int set_authors(struct filter *f, const char *v, char *err, size_t errlen)
{
	return set_names("author", v, 0,
			 "Hub account names (at most 96 bytes each, at most 32, separated by commas)",
			 f->authors, &f->n_authors, err, errlen);
}

static int set_text(char *dst, size_t dstlen, const char *key, const char *v, char *err, size_t errlen)
{
	char valid[96];
	if (strlen(v) >= dstlen || has_control(v)) {
		snprintf(valid, sizeof valid, "a text of at most %zu bytes without control characters",
			 dstlen - 1);
		return bad(err, errlen, key, v, valid);
	}
	memset(dst, 0, dstlen);
	memcpy(dst, v, strlen(v));
	return 0;
}

/* One end of a date range: YYYY, YYYY-MM or YYYY-MM-DD.  Sets [*from, *to)
 * to the period it names.  0 ok. */
static int parse_period(const char *s, size_t len, int64_t *from, int64_t *to)
{
	int y = 0;
	unsigned m = 0, d = 0;
	size_t i = 0;
	int64_t a, b;
	if (len < 4)
		return -1;
	for (; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	if (y < 1970)
		return -1;
	if (i < len) {
		if (len < 7 || s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6]))
			return -1;
		m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
		if (m < 1 || m > 12)
			return -1;
		i = 7;
		if (i < len) {
			if (len != 10 || s[7] != '-' || !isdigit((unsigned char)s[8]) ||
			    !isdigit((unsigned char)s[9]))
				return -1;
			d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
			if (d < 1 || d > days_in_month(y, m))
				return -1;
		}
	}
	if (d) {
		a = civil_days(y, m, d);
		b = a + 1;
	} else if (m) {
		a = civil_days(y, m, 1);
		b = m == 12 ? civil_days(y + 1, 1, 1) : civil_days(y, m + 1, 1);
	} else {
		a = civil_days(y, 1, 1);
		b = civil_days(y + 1, 1, 1);
	}
	*from = a * 86400;
	*to = b * 86400;
	return 0;
}

static int set_created(struct filter *f, const char *v, char *err, size_t errlen)
{
	static const char valid[] = "a year or a range of dates such as 2024, 2024..2025, "
				    "2024-03..2024-06, 2024-03-01.., ..2023";
	const char *dots = strstr(v, "..");
	/* from 0 means open: a range starting at the first instant of 1970 starts 1 s later. */
	int64_t from = 0, to = 0, a, b;
	if (!dots) {
		if (parse_period(v, strlen(v), &from, &to))
			return bad(err, errlen, "created", v, valid);
		if (!from)
			from = 1;
	} else {
		size_t l1 = (size_t)(dots - v), l2 = strlen(dots + 2);
		if (!l1 && !l2)
			return bad(err, errlen, "created", v, valid);
		if (l1) {
			if (parse_period(v, l1, &a, &b))
				return bad(err, errlen, "created", v, valid);
			from = a ? a : 1;
		}
		if (l2) {
			if (parse_period(dots + 2, l2, &a, &b))
				return bad(err, errlen, "created", v, valid);
			to = b;
		}
		if (from && to && to <= from)
			return bad(err, errlen, "created", v, "a range whose end is not before its start, "
				   "such as 2024..2025, 2024-03..2024-06, 2024-03-01.., ..2023");
	}
	f->created_from = from;
	f->created_to = to;
	return 0;
}

/* One day of a period, "YYYY-MM-DD" exactly (the nearest snapshot is found
 * by day): its first second. */
static int window_day(const char *s, size_t len, int64_t *day)
{
	int64_t to;
	if (len != 10)
		return -1;
	return parse_period(s, len, day, &to);
}

static int set_window(struct filter *f, const char *v, char *err, size_t errlen)
{
	static const char valid[] = "30d (downloads of the last 30 days), all (all-time), "
				    "since:YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (the downloads between "
				    "two snapshots of the history)";
	const char *dots = strstr(v, "..");
	int64_t from = 0, to = 0;
	if (!*v || !strcasecmp(v, "30d")) {
		f->window = WIN_30D;
		f->period_from = f->period_to = 0;
		return 0;
	}
	if (!strcasecmp(v, "all")) {
		f->window = WIN_ALL;
		f->period_from = f->period_to = 0;
		return 0;
	}
	if (!strncasecmp(v, "since:", 6)) {
		if (window_day(v + 6, strlen(v + 6), &from))
			return bad(err, errlen, "window", v, "since: followed by a date YYYY-MM-DD, "
				   "such as since:2025-01-01");
	} else if (dots) {
		size_t l1 = (size_t)(dots - v);
		if (window_day(v, l1, &from) || window_day(dots + 2, strlen(dots + 2), &to))
			return bad(err, errlen, "window", v, "two dates YYYY-MM-DD..YYYY-MM-DD, "
				   "such as 2025-01-01..2025-07-01");
		if (to <= from)
			return bad(err, errlen, "window", v, "a period whose end comes after its start, "
				   "such as 2025-01-01..2025-07-01");
	} else {
		return bad(err, errlen, "window", v, valid);
	}
	f->window = WIN_PERIOD;
	f->period_from = from;
	f->period_to = to;
	return 0;
}

int filter_parse_count(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, mult = 1, scale = 1;
	int digits = 0, fdigits = 0;
	if (!s)
		return -1;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		uint64_t d = (uint64_t)(*s - '0');
		if (whole > UINT64_MAX / 10 || (whole == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return -1;
		whole = whole * 10 + d;
	}
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, fdigits++) {
			if (fdigits >= 9)
				return -1;
			frac = frac * 10 + (uint64_t)(*s - '0');
			scale *= 10;
		}
	if (!digits && !fdigits)
		return -1;
	switch (*s) {
	case 'k': case 'K': mult = 1000ULL; s++; break;
	case 'm': case 'M': mult = 1000000ULL; s++; break;
	case 'b': case 'B': case 'g': case 'G': mult = 1000000000ULL; s++; break;
	default: break;
	}
	/* No fraction without a unit, nor finer than one: 1.5M, never 1.5. */
	if (*s || (fdigits && (mult == 1 || (mult % scale) != 0)))
		return -1;
	if (whole > UINT64_MAX / mult)
		return -1;
	*out = whole * mult + frac * (mult / scale);
	return 0;
}

static int set_min_downloads(struct filter *f, const char *v, char *err, size_t errlen)
{
	static const char valid[] = "a whole number of downloads such as 10, 1000, 10k or 1.5M";
	uint64_t x;
	if (!*v) {
		f->min_downloads = 0;
		return 0;
	}
	if (filter_parse_count(v, &x) != 0)
		return bad(err, errlen, "min-downloads", v, valid);
	f->min_downloads = x;
	return 0;
}

static int set_gated(struct filter *f, const char *v, char *err, size_t errlen)
{
	if (!*v || !strcasecmp(v, "any"))
		f->gated = -1;
	else if (!strcasecmp(v, "yes"))
		f->gated = 1;
	else if (!strcasecmp(v, "no"))
		f->gated = 0;
	else
		return bad(err, errlen, "gated", v, "yes, no or any");
	return 0;
}

/* Organisation names: an account name or a display name, which may hold
 * spaces ("Hugging Face"). */
static int set_orgs(struct filter *f, const char *v, char *err, size_t errlen)
{
	return set_names("org", v, 1,
			 "organisation names or account names (at most 96 bytes each, at most 32, "
			 "separated by commas)", f->orgs, &f->n_orgs, err, errlen);
}

int filter_set(struct filter *f, const char *key, const char *value, char *err, size_t errlen)
{
	const char *v = value ? value : "";
	if (!key)
		key = "";
	if (!strcmp(key, "country"))
		return set_countries(f, v, err, errlen);
	if (!strcmp(key, "group"))
		return set_groups(f, v, err, errlen);
	if (!strcmp(key, "org-type"))
		return set_types(f, v, err, errlen);
	if (!strcmp(key, "author"))
		return set_authors(f, v, err, errlen);
	if (!strcmp(key, "task"))
		return set_text(f->task, sizeof f->task, key, v, err, errlen);
	if (!strcmp(key, "library"))
		return set_text(f->library, sizeof f->library, key, v, err, errlen);
	if (!strcmp(key, "license"))
		return set_text(f->license, sizeof f->license, key, v, err, errlen);
	if (!strcmp(key, "search"))
		return set_text(f->search, sizeof f->search, key, v, err, errlen);
	if (!strcmp(key, "created")) {
		if (!*v) {
			f->created_from = f->created_to = 0;
			return 0;
		}
		return set_created(f, v, err, errlen);
	}
	if (!strcmp(key, "min-downloads"))
		return set_min_downloads(f, v, err, errlen);
	if (!strcmp(key, "gated"))
		return set_gated(f, v, err, errlen);
	if (!strcmp(key, "window"))
		return set_window(f, v, err, errlen);
	if (!strcmp(key, "by"))
		return set_choice(&f->by, v, "by", "uploader", ATTRIB_UPLOADER, "lineage", ATTRIB_LINEAGE,
				  "uploader or lineage", err, errlen);
	if (!strcmp(key, "of"))
		return set_choice(&f->of, v, "of", "all", OF_ALL, "attributed", OF_ATTRIBUTED,
				  "all (shares of all downloads) or attributed (shares of the downloads "
				  "whose country, group or type is known)", err, errlen);
	if (!strcmp(key, "org"))
		return set_orgs(f, v, err, errlen);
	if (!strcmp(key, "relation"))
		return set_relations(f, v, err, errlen);
	if (!strcmp(key, "language"))
		return set_langs(f, v, err, errlen);
	if (!strcmp(key, "size"))
		return set_size(f, v, err, errlen);
	if (!strcmp(key, "group-by")) {
		if (!*v || !strcasecmp(v, "organisation") || !strcasecmp(v, "organization") ||
		    !strcasecmp(v, "org"))
			f->level = LEVEL_ORG;
		else if (!strcasecmp(v, "account"))
			f->level = LEVEL_ACCOUNT;
		else
			return bad(err, errlen, "group-by", v,
				   "organisation (every account of an organisation together) or account");
		return 0;
	}
	if (err && errlen) {
		char keys[256] = "", k[64];
		for (int i = 0; filter_keys[i]; i++) {
			size_t l = strlen(keys);
			snprintf(keys + l, sizeof keys - l, "%s%s", i ? ", " : "", filter_keys[i]);
		}
		shown(key, k, sizeof k);
		snprintf(err, errlen, "unknown filter key '%s': valid keys are %s", k, keys);
	}
	return -1;
}

static void put(char *buf, size_t len, size_t *at, const char *s)
{
	size_t l = strlen(s);
	if (*at < len) {
		size_t room = len - *at - 1;
		memcpy(buf + *at, s, l < room ? l : room);
		buf[*at + (l < room ? l : room)] = '\0';
	}
	*at += l;
}

static void fmt_created(const struct filter *f, char *buf, size_t len)
{
	int y1 = 0, y2 = 0;
	unsigned m1 = 1, d1 = 1, m2 = 1, d2 = 1, lm = 0, ld = 0;
	int ly = 0;
	char a[16] = "", b[16] = "";
	int64_t from = f->created_from, to = f->created_to;
	if (!from && !to) {
		buf[0] = '\0';
		return;
	}
	if (from)
		civil_date((from == 1 ? 0 : from) / 86400, &y1, &m1, &d1);
	if (to) {
		civil_date(to / 86400, &y2, &m2, &d2);
		civil_date(to / 86400 - 1, &ly, &lm, &ld);
	}
	if ((!from || (m1 == 1 && d1 == 1)) && (!to || (m2 == 1 && d2 == 1))) {
		if (from)
			snprintf(a, sizeof a, "%04d", y1);
		if (to)
			snprintf(b, sizeof b, "%04d", ly);
	} else if ((!from || d1 == 1) && (!to || d2 == 1)) {
		if (from)
			snprintf(a, sizeof a, "%04d-%02u", y1, m1);
		if (to)
			snprintf(b, sizeof b, "%04d-%02u", ly, lm);
	} else {
		if (from)
			snprintf(a, sizeof a, "%04d-%02u-%02u", y1, m1, d1);
		if (to)
			snprintf(b, sizeof b, "%04d-%02u-%02u", ly, lm, ld);
	}
	if (from && to && !strcmp(a, b))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s..%s", a, b);
}

void filter_get(const struct filter *f, const char *key, char *buf, size_t len)
{
	size_t at = 0;
	if (!len)
		return;
	buf[0] = '\0';
	if (!strcmp(key, "country")) {
		for (unsigned i = 0; i < 256; i++) {
			if (!filter_has_country(f, i))
				continue;
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, i == COUNTRY_UNKNOWN ? "unknown" : country_code(i));
		}
	} else if (!strcmp(key, "group")) {
		for (int g = 0; g < CG_COUNT; g++) {
			if (!(f->groups & (1u << g)))
				continue;
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, country_group_key((enum country_group)g));
		}
	} else if (!strcmp(key, "org-type")) {
		for (int t = 0; t < OT_COUNT; t++) {
			if (!(f->types & (1u << t)))
				continue;
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, orgdir_type_key((enum org_type)t));
		}
	} else if (!strcmp(key, "author")) {
		for (unsigned i = 0; i < f->n_authors && i < FILTER_MAX_AUTHORS; i++) {
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, f->authors[i]);
		}
	} else if (!strcmp(key, "task")) {
		put(buf, len, &at, f->task);
	} else if (!strcmp(key, "library")) {
		put(buf, len, &at, f->library);
	} else if (!strcmp(key, "license")) {
		put(buf, len, &at, f->license);
	} else if (!strcmp(key, "search")) {
		put(buf, len, &at, f->search);
	} else if (!strcmp(key, "created")) {
		fmt_created(f, buf, len);
	} else if (!strcmp(key, "min-downloads")) {
		if (f->min_downloads)
			snprintf(buf, len, "%llu", (unsigned long long)f->min_downloads);
	} else if (!strcmp(key, "gated")) {
		if (f->gated >= 0)
			put(buf, len, &at, f->gated ? "yes" : "no");
	} else if (!strcmp(key, "window")) {
		char d1[16], d2[16];
		if (f->window != WIN_PERIOD) {
			put(buf, len, &at, f->window == WIN_ALL ? "all" : "30d");
		} else if (civil_iso_date(f->period_from, d1, sizeof d1) < 0) {
			put(buf, len, &at, "30d"); /* no start: not a period */
		} else if (f->period_to <= 0 || civil_iso_date(f->period_to, d2, sizeof d2) < 0) {
			snprintf(buf, len, "since:%s", d1);
		} else {
			snprintf(buf, len, "%s..%s", d1, d2);
		}
	} else if (!strcmp(key, "by")) {
		put(buf, len, &at, f->by == ATTRIB_LINEAGE ? "lineage" : "uploader");
	} else if (!strcmp(key, "org")) {
		for (unsigned i = 0; i < f->n_orgs && i < FILTER_MAX_AUTHORS; i++) {
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, f->orgs[i]);
		}
	} else if (!strcmp(key, "group-by")) {
		put(buf, len, &at, f->level == LEVEL_ACCOUNT ? "account" : "organisation");
	} else if (!strcmp(key, "of")) {
		put(buf, len, &at, f->of == OF_ATTRIBUTED ? "attributed" : "all");
	} else if (!strcmp(key, "relation")) {
		for (int r = 0; r < DREL_COUNT; r++) {
			if (!(f->relations & (1u << r)))
				continue;
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, dims_rel_key(r));
		}
	} else if (!strcmp(key, "language")) {
		for (unsigned i = 0; i < f->n_langs && i < FILTER_MAX_LANGS; i++) {
			if (at)
				put(buf, len, &at, ",");
			put(buf, len, &at, f->langs[i]);
		}
	} else if (!strcmp(key, "size") && (f->size_from || f->size_to)) {
		char a[24] = "", b[24] = "";
		if (f->size_from)
			dims_fmt_exact(f->size_from, a, sizeof a);
		if (f->size_to)
			dims_fmt_exact(f->size_to, b, sizeof b);
		snprintf(buf, len, "%s..%s", a, b);
	}
}

/* Quotes a value for a POSIX shell when it holds anything but plain characters. */
static void put_arg(char *buf, size_t len, size_t *at, const char *v)
{
	int plain = *v != '\0';
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._,:/+-", *p))
			plain = 0;
	if (plain) {
		put(buf, len, at, v);
		return;
	}
	put(buf, len, at, "'");
	for (const char *p = v; *p; p++) {
		char c[2] = { *p, 0 };
		put(buf, len, at, *p == '\'' ? "'\\''" : c);
	}
	put(buf, len, at, "'");
}

size_t filter_to_args(const struct filter *f, char *buf, size_t len)
{
	struct filter def;
	size_t at = 0;
	char v[FILTER_MAX_AUTHORS * FILTER_NAME_MAX + 64];
	filter_init(&def);
	if (len)
		buf[0] = '\0';
	for (int i = 0; filter_keys[i]; i++) {
		char dv[64];
		filter_get(f, filter_keys[i], v, sizeof v);
		filter_get(&def, filter_keys[i], dv, sizeof dv);
		if (!strcmp(v, dv))
			continue;
		if (at)
			put(buf, len, &at, " ");
		put(buf, len, &at, "--");
		put(buf, len, &at, filter_keys[i]);
		put(buf, len, &at, " ");
		put_arg(buf, len, &at, v);
	}
	return at;
}

int filter_equal(const struct filter *a, const struct filter *b)
{
	if (a->window != b->window || a->by != b->by || a->of != b->of || a->groups != b->groups ||
	    a->types != b->types || a->n_authors != b->n_authors ||
	    memcmp(a->countries, b->countries, sizeof a->countries) ||
	    strcmp(a->task, b->task) || strcmp(a->library, b->library) ||
	    strcmp(a->license, b->license) || strcmp(a->search, b->search) ||
	    a->search_names != b->search_names ||
	    a->created_from != b->created_from || a->created_to != b->created_to ||
	    a->min_downloads != b->min_downloads || a->gated != b->gated ||
	    a->level != b->level || a->n_orgs != b->n_orgs ||
	    a->period_from != b->period_from || a->period_to != b->period_to ||
	    a->relations != b->relations || a->n_langs != b->n_langs ||
	    a->size_from != b->size_from || a->size_to != b->size_to)
		return 0;
	for (unsigned i = 0; i < a->n_langs && i < FILTER_MAX_LANGS; i++)
		if (strcmp(a->langs[i], b->langs[i]))
			return 0;
	for (unsigned i = 0; i < a->n_authors && i < FILTER_MAX_AUTHORS; i++)
		if (strcmp(a->authors[i], b->authors[i]))
			return 0;
	for (unsigned i = 0; i < a->n_orgs && i < FILTER_MAX_AUTHORS; i++)
		if (strcmp(a->orgs[i], b->orgs[i]))
			return 0;
	return 1;
}

int filter_active(const struct filter *f)
{
	return filter_any_country(f) || f->groups || f->types || f->n_authors || f->n_orgs || f->task[0] ||
	       f->library[0] || f->license[0] || f->search[0] || f->created_from ||
	       f->created_to || f->min_downloads || f->gated >= 0 || dims_filter_active(f);
}

/* ---- terms against a snapshot --------------------------------------------- */

struct term_use {
	const char *name;
	uint64_t items;
};

static int term_use_cmp(const void *a, const void *b)
{
	const struct term_use *x = a, *y = b;
	if (x->items != y->items)
		return x->items > y->items ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const uint32_t *term_column(const struct ht_table *t, int col)
{
	return col == 0 ? t->pipeline : col == 1 ? t->library : t->license;
}

/* Refuses one term value that no item carries, listing the ones some do. */
static int check_term(const struct ht_snapshot *s, int col, const char *key, const char *value,
		      char *err, size_t errlen)
{
	static const char *const more[3] = { "; see `hubtop export tasks`",
					     "; see `hubtop export libraries`", "" };
	uint32_t id = table_find_term(s, value), n_used = 0;
	uint64_t *items;
	struct term_use *use;
	char v[64], t[64];
	size_t at;

	if (id)
		for (int k = 0; k < HT_KIND_COUNT; k++) {
			const uint32_t *c = term_column(&s->t[k], col);
			for (uint32_t i = 0; i < s->t[k].n; i++)
				if (c[i] == id)
					return 0;
		}
	if (!err || !errlen)
		return -1;
	items = calloc(s->n_terms ? s->n_terms : 1, sizeof *items);
	use = calloc(s->n_terms ? s->n_terms : 1, sizeof *use);
	shown(value, v, sizeof v);
	if (!items || !use) {
		snprintf(err, errlen, "no item in the snapshot has --%s '%s'", key, v);
		free(items);
		free(use);
		return -1;
	}
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		const uint32_t *c = term_column(&s->t[k], col);
		for (uint32_t i = 0; i < s->t[k].n; i++)
			if (c[i] && c[i] < s->n_terms)
				items[c[i]]++;
	}
	for (uint32_t i = 1; i < s->n_terms; i++)
		if (items[i])
			use[n_used++] = (struct term_use){ ht_term(s, i), items[i] };
	qsort(use, n_used, sizeof *use, term_use_cmp);

	at = (size_t)snprintf(err, errlen, "no item in the snapshot has --%s '%s'", key, v);
	for (uint32_t i = 0; i < n_used && at < errlen; i++)
		if (!strcasecmp(use[i].name, value)) {
			shown(use[i].name, t, sizeof t);
			at += (size_t)snprintf(err + at, errlen - at, " (did you mean '%s'?)", t);
			break;
		}
	if (!n_used && at < errlen)
		snprintf(err + at, errlen - at, "; no item has any %s", key);
	for (uint32_t i = 0; i < n_used && at < errlen; i++) {
		if (i == FILTER_VALID_SHOWN) {
			snprintf(err + at, errlen - at, ", ... and %u more%s", n_used - i, more[col]);
			break;
		}
		shown(use[i].name, t, sizeof t);
		at += (size_t)snprintf(err + at, errlen - at, "%s%s", i ? ", " : "; valid, most common first: ", t);
	}
	free(items);
	free(use);
	return -1;
}

int filter_check_terms(const struct filter *f, const struct ht_snapshot *s, char *err, size_t errlen)
{
	const char *const keys[3] = { "task", "library", "license" };
	const char *const values[3] = { f->task, f->library, f->license };

	for (int col = 0; col < 3; col++)
		if (values[col][0] && check_term(s, col, keys[col], values[col], err, errlen))
			return -1;
	return 0;
}

/* ---- organisations against an attribution --------------------------------- */

/* Edit distance of two names, ASCII case-insensitive, capped at cap + 1. */
static unsigned name_distance(const char *a, const char *b, unsigned cap)
{
	unsigned row[FILTER_NAME_MAX + 1];
	size_t la = strlen(a), lb = strlen(b);
	if (la >= FILTER_NAME_MAX || lb >= FILTER_NAME_MAX)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0], best;
		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j], cost = tolower((unsigned char)a[i - 1]) !=
							 tolower((unsigned char)b[j - 1]);
			unsigned v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

#define ORG_SUGGEST 5

/* The nearest names to a value that matched none, nearest first (ties in
 * the order offered), each once. */
struct suggest {
	const char *name[ORG_SUGGEST];
	unsigned dist[ORG_SUGGEST], n;
};

static void suggest_offer(struct suggest *sg, const char *cand, unsigned d)
{
	unsigned j;
	for (j = 0; j < sg->n; j++)
		if (!strcasecmp(sg->name[j], cand))
			return;
	if (sg->n == ORG_SUGGEST && sg->dist[sg->n - 1] <= d)
		return;
	j = sg->n < ORG_SUGGEST ? sg->n++ : ORG_SUGGEST - 1;
	for (; j > 0 && sg->dist[j - 1] > d; j--) {
		sg->name[j] = sg->name[j - 1];
		sg->dist[j] = sg->dist[j - 1];
	}
	sg->name[j] = cand;
	sg->dist[j] = d;
}

/* "OPTION 'value': WHY (did you mean 'a', 'b'?); ADVICE" into err; -1. */
static int suggest_refuse(char *err, size_t errlen, const char *option, const char *value, const char *why,
			  const struct suggest *sg, const char *advice)
{
	char v[64], t[64];
	size_t at;
	shown(value, v, sizeof v);
	at = (size_t)snprintf(err, errlen, "%s '%s': %s", option, v, why);
	for (unsigned j = 0; j < sg->n && at < errlen; j++) {
		shown(sg->name[j], t, sizeof t);
		at += (size_t)snprintf(err + at, errlen - at, "%s'%s'", j ? ", " : " (did you mean ", t);
	}
	if (sg->n && at < errlen)
		at += (size_t)snprintf(err + at, errlen - at, "?)");
	if (at < errlen)
		snprintf(err + at, errlen - at, "; %s", advice);
	return -1;
}

int filter_check_orgs(const struct filter *f, const struct attrib *a, const struct orgdir *d,
		      char *err, size_t errlen)
{
	size_t nd = orgdir_count(d);
	for (unsigned i = 0; i < f->n_orgs && i < FILTER_MAX_AUTHORS; i++) {
		const char *name = f->orgs[i];
		struct suggest sg = { .n = 0 };
		unsigned cap = strlen(name) < 6 ? 1 : 2;
		int found = 0;
		for (uint32_t ac = 0; a && ac < a->n_accounts && !found; ac++)
			found = orgdir_name_eq(a->acct_name[ac], name);
		for (size_t k = 0; k < nd && !found; k++) {
			const struct org_entry *oe = orgdir_entry(d, k);
			found = !strcasecmp(oe->name, name);
		}
		if (found)
			continue;
		if (!err || !errlen)
			return -1;
		/* Suggestions: directory names and accounts close to the value. */
		for (size_t k = 0; k < nd; k++) {
			const struct org_entry *oe = orgdir_entry(d, k);
			const struct org_entry *ce = oe->canonical >= 0 ? orgdir_entry(d, (size_t)oe->canonical) : oe;
			const char *cand[2] = { ce->name, oe->account };
			for (int c = 0; c < 2; c++) {
				unsigned dd = name_distance(cand[c], name, cap);
				if (dd <= cap)
					suggest_offer(&sg, cand[c], dd);
			}
		}
		return suggest_refuse(err, errlen, "--org", name, "no organisation has that name", &sg,
				      "name an organisation by its name or any of its accounts, as "
				      "`hubtop export orgs` lists them");
	}
	return 0;
}

int filter_check_authors(const struct filter *f, const struct attrib *a, char *err, size_t errlen)
{
	for (unsigned i = 0; a && i < f->n_authors && i < FILTER_MAX_AUTHORS; i++) {
		const char *name = f->authors[i];
		struct suggest sg = { .n = 0 };
		unsigned cap = strlen(name) < 6 ? 1 : 2;
		int found = 0;
		for (uint32_t ac = 0; ac < a->n_accounts && !found; ac++)
			found = orgdir_name_eq(a->acct_name[ac], name);
		if (found)
			continue;
		if (!err || !errlen)
			return -1;
		/* The closest accounts, nearest first. */
		for (uint32_t ac = 0; ac < a->n_accounts; ac++) {
			unsigned dd = name_distance(a->acct_name[ac], name, cap);
			if (dd <= cap)
				suggest_offer(&sg, a->acct_name[ac], dd);
		}
		return suggest_refuse(err, errlen, "--author", name, "no item in the snapshot has that account", &sg,
				      "`hubtop export orgs --group-by account` lists the accounts");
	}
	return 0;
}

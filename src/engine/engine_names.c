/* engine_names.c - the text filter of the aggregate panes (Orgs, Regions,
 * filter.search_names): an item also matches when a term names the
 * account it counts for (the account's name, its organisation's or its own
 * display name) or that account's country (its name, or its ISO code
 * exactly).  The accounts a search names are found once per search and
 * attribution mode (a pass over the accounts' names), then the items they
 * hold are added to the search's rows (a pass over the items' accounts). */
#include <ctype.h>
#include <string.h>

#include "engine_priv.h"
#include "hubtop/country.h"

/* Case-insensitive (ASCII) substring. */
static int names_contains(const char *hay, const char *needle, size_t nl)
{
	int lo, up;
	if (!hay || !nl)
		return 0;
	lo = tolower((unsigned char)needle[0]);
	up = toupper((unsigned char)needle[0]);
	for (; *hay; hay++) {
		size_t i = 1;
		if (*hay != lo && *hay != up)
			continue;
		while (i < nl && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == nl)
			return 1;
	}
	return 0;
}

/* Calls the test on each non-empty term of search ("a|b"): 1 when one holds. */
#define NAMES_ANY_TERM(search, term, tl, test)                                   \
	do {                                                                     \
		const char *p_ = (search);                                       \
		while (*p_) {                                                    \
			size_t tl = strcspn(p_, "|");                            \
			const char *term = p_;                                   \
			if (tl && (test))                                        \
				return 1;                                        \
			p_ += tl + (p_[tl] == '|');                              \
		}                                                                \
	} while (0)

int engine_search_names_country(const char *search, unsigned country)
{
	const char *code = country < country_count() ? country_code(country) : "";
	NAMES_ANY_TERM(search, term, tl,
		       (code[0] && strlen(code) == tl && !strncasecmp(code, term, tl)) ||
			       names_contains(country_name(country), term, tl));
	return 0;
}

/* The account's own names, its country apart.  Only an account of the
 * directory has a display name other than its name: the others cost one
 * scan of their name. */
static int account_names(const struct engine *e, const char *search, uint32_t acct)
{
	const struct attrib *a = e->a;
	int listed = a->acct_entry && a->acct_entry[acct] >= 0;
	NAMES_ANY_TERM(search, term, tl,
		       names_contains(a->acct_name[acct], term, tl) ||
			       (listed && (names_contains(eng_acct_display(e, acct, 0), term, tl) ||
					   names_contains(eng_acct_display(e, acct, 1), term, tl))));
	return 0;
}

int engine_search_names_account(const struct engine *e, const char *search, uint32_t acct)
{
	if (acct >= e->a->n_accounts)
		return 0;
	return engine_search_names_country(search, e->a->acct_country[acct]) || account_names(e, search, acct);
}

/* e->names_buf and its offsets, made once: about 4 MB for 300,000 accounts. */
static int names_make(struct engine *e)
{
	const struct attrib *a = e->a;
	uint32_t na = a->n_accounts, nl = 0;
	size_t len = 0;
	char *buf;
	if (e->names_buf)
		return 0;
	for (uint32_t ac = 0; ac < na; ac++) {
		len += strlen(a->acct_name[ac] ? a->acct_name[ac] : "") + 1;
		nl += a->acct_entry && a->acct_entry[ac] >= 0;
	}
	if (len > UINT32_MAX)
		return -1;
	buf = malloc(len + 1);
	e->names_off = malloc(((size_t)na + 1) * sizeof *e->names_off);
	e->names_listed = malloc(((size_t)nl + 1) * sizeof *e->names_listed);
	if (!buf || !e->names_off || !e->names_listed) {
		free(buf);
		free(e->names_off);
		free(e->names_listed);
		e->names_off = e->names_listed = NULL;
		return -1;
	}
	len = 0;
	nl = 0;
	for (uint32_t ac = 0; ac < na; ac++) {
		const char *n = a->acct_name[ac] ? a->acct_name[ac] : "";
		e->names_off[ac] = (uint32_t)len;
		while (*n)
			buf[len++] = (char)tolower((unsigned char)*n++);
		buf[len++] = '\0';
		if (a->acct_entry && a->acct_entry[ac] >= 0)
			e->names_listed[nl++] = ac;
	}
	e->names_off[na] = (uint32_t)len;
	e->n_listed = nl;
	e->names_buf = buf;
	return 0;
}

/* Sets named[] for the accounts whose name holds the term (lower case):
 * memmem over the names one after the other, each hit's account found by
 * a binary search of the offsets. */
static uint32_t names_scan(const struct engine *e, const char *term, size_t tl, uint8_t *named)
{
	uint32_t na = e->a->n_accounts, hits = 0;
	const char *buf = e->names_buf, *p = buf, *end = buf + e->names_off[na];
	const char *h;
	while (p < end && (h = memmem(p, (size_t)(end - p), term, tl))) {
		uint32_t at = (uint32_t)(h - buf), lo = 0, hi = na;
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (e->names_off[mid] <= at)
				lo = mid;
			else
				hi = mid;
		}
		hits += !named[lo];
		named[lo] = 1;
		p = buf + e->names_off[lo + 1];
	}
	return hits;
}

int eng_search_names(struct engine *e, enum ht_kind kind, int mode, const char *search, uint64_t *rows)
{
	const struct attrib *a = e->a;
	const uint32_t *acct = a->item_acct[kind][mode % ATTRIB_MODE_COUNT];
	uint32_t na = a->n_accounts, n = e->s->t[kind].n, hits = 0;
	unsigned nc = country_count();
	uint8_t *named, *cnamed;
	if (names_make(e))
		return -1;
	named = calloc((size_t)na + 1, 1);
	cnamed = calloc((size_t)nc + 1, 1);
	if (!named || !cnamed) {
		free(named);
		free(cnamed);
		return -1;
	}
	for (const char *p = search; *p;) {
		char term[FILTER_SEARCH_MAX];
		size_t tl = strcspn(p, "|");
		for (size_t i = 0; i < tl && i + 1 < sizeof term; i++)
			term[i] = (char)tolower((unsigned char)p[i]);
		tl = tl < sizeof term ? tl : sizeof term - 1;
		if (tl)
			hits += names_scan(e, term, tl, named);
		p += strcspn(p, "|");
		p += *p == '|';
	}
	/* The display names, only the directory's accounts have their own. */
	for (uint32_t i = 0; i < e->n_listed; i++) {
		uint32_t ac = e->names_listed[i];
		if (!named[ac] && account_names(e, search, ac))
			named[ac] = 1, hits++;
	}
	for (unsigned c = 0; c < nc; c++)
		cnamed[c] = (uint8_t)engine_search_names_country(search, c);
	for (uint32_t ac = 0; ac < na; ac++)
		if (!named[ac] && a->acct_country[ac] < nc && cnamed[a->acct_country[ac]])
			named[ac] = 1, hits++;
	if (hits)
		for (uint32_t row = 0; row < n; row++)
			if (acct[row] < na && named[acct[row]])
				rows[row >> 6] |= (uint64_t)1 << (row & 63);
	free(named);
	free(cnamed);
	return 0;
}

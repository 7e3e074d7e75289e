/* test_filter.c - the filter model: every key set, read back and printed as
 * command-line arguments that parse back to the same filter; every bad value
 * refused with a message naming the key and the valid values, the filter
 * left as it was; exact bounds of creation ranges; long and hostile values. */
#include <ctype.h>
#include "testutil.h"
#include "hubtop/filter.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"
#include "hubtop/attrib.h"

/* 2024-01-01, 2025-01-01, ... as unix seconds (checked with date -u). */
#define T_2024 1704067200
#define T_2025 1735689600
#define T_2026 1767225600
#define T_2024_03 1709251200
#define T_2024_07 1719792000

/* Splits a POSIX-shell-quoted argument line as filter_to_args writes it:
 * words separated by blanks; '...' is literal; a backslash outside quotes
 * escapes the next character.  Returns the number of words. */
static size_t split_args(const char *line, char words[][4096], size_t max)
{
	size_t n = 0;
	const char *p = line;
	for (;;) {
		size_t l = 0;
		int any = 0;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		assert_true(n < max);
		while (*p && *p != ' ') {
			any = 1;
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'') {
					assert_true(l < 4095);
					words[n][l++] = *p++;
				}
				assert_int_equal(*p, '\''); /* unterminated quote */
				p++;
			} else if (*p == '\\') {
				p++;
				assert_true(*p != '\0');
				words[n][l++] = *p++;
			} else {
				assert_true(l < 4095);
				words[n][l++] = *p++;
			}
		}
		assert_true(any);
		words[n][l] = '\0';
		n++;
	}
	return n;
}

/* Parses "--key value ..." back into a fresh filter. */
static void parse_args(const char *line, struct filter *out)
{
	static char words[64][4096];
	char err[512];
	size_t n = split_args(line, words, 64);
	filter_init(out);
	assert_int_equal(n % 2, 0);
	for (size_t i = 0; i < n; i += 2) {
		assert_memory_equal(words[i], "--", 2);
		if (filter_set(out, words[i] + 2, words[i + 1], err, sizeof err) != 0)
			fail_msg("'%s' from \"%s\" does not parse back: %s", words[i + 1], line, err);
	}
}

/* to_args, parsed back, gives an equal filter; every key's get value too. */
static void check_round_trip(const struct filter *f)
{
	char line[16384], v[4096], err[512];
	struct filter g, h;
	size_t len = filter_to_args(f, line, sizeof line);
	assert_true(len < sizeof line);
	assert_int_equal(strlen(line), len);
	parse_args(line, &g);
	if (!filter_equal(f, &g))
		fail_msg("filter_to_args \"%s\" does not parse back to the same filter", line);
	filter_init(&h);
	for (int i = 0; filter_keys[i]; i++) {
		filter_get(f, filter_keys[i], v, sizeof v);
		if (filter_set(&h, filter_keys[i], v, err, sizeof err) != 0)
			fail_msg("filter_get %s = '%s' does not parse back: %s", filter_keys[i], v, err);
	}
	assert_true(filter_equal(f, &h));
	assert_int_equal(filter_active(f), filter_active(&g));
}

static void set_ok(struct filter *f, const char *key, const char *value)
{
	char err[512] = "";
	if (filter_set(f, key, value, err, sizeof err) != 0)
		fail_msg("--%s '%s' refused: %s", key, value, err);
}

static void get_is(const struct filter *f, const char *key, const char *want)
{
	char buf[4096];
	filter_get(f, key, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_keys(void **state)
{
	static const char *const expect[] = { "country", "group", "org-type", "author", "task", "library",
					      "license", "search", "created", "min-downloads", "gated",
					      "window", "by", "of", "org", "group-by", "relation", "language",
					      "size", NULL };
	(void)state;
	for (int i = 0; expect[i] || filter_keys[i]; i++) {
		assert_non_null(expect[i]);
		assert_non_null(filter_keys[i]);
		assert_string_equal(filter_keys[i], expect[i]);
	}
}

static void test_defaults(void **state)
{
	struct filter f;
	char buf[64];
	(void)state;
	filter_init(&f);
	assert_int_equal(f.window, WIN_30D);
	assert_int_equal(f.by, ATTRIB_UPLOADER);
	assert_int_equal(f.gated, -1);
	assert_false(filter_active(&f));
	assert_int_equal(filter_to_args(&f, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	get_is(&f, "window", "30d");
	get_is(&f, "by", "uploader");
	assert_int_equal(f.level, LEVEL_ORG);
	get_is(&f, "group-by", "organisation");
	get_is(&f, "of", "all");
	for (int i = 0; filter_keys[i]; i++) {
		if (!strcmp(filter_keys[i], "window") || !strcmp(filter_keys[i], "by") ||
		    !strcmp(filter_keys[i], "group-by") || !strcmp(filter_keys[i], "of"))
			continue;
		get_is(&f, filter_keys[i], "");
	}
	check_round_trip(&f);
}

/* Every key: a value set, read back, round-tripped, then cleared by "". */
static void test_each_key(void **state)
{
	static const struct {
		const char *key, *value, *get;
	} cases[] = {
		{ "country", "CN", "CN" },
		{ "country", "us", "US" },
		{ "country", "unknown", "unknown" },
		{ "country", " fr , Unknown,FR", NULL },
		{ "group", "eu", "eu" },
		{ "group", "CN,us", NULL },
		{ "group", "europe-other", "europe-other" },
		{ "org-type", "industry,academia", NULL },
		{ "org-type", "independent", "independent" },
		{ "author", "Qwen", "Qwen" },
		{ "author", "Qwen,meta-llama,qwen", "Qwen,meta-llama" },
		{ "task", "text-generation", "text-generation" },
		{ "library", "transformers", "transformers" },
		{ "license", "apache-2.0", "apache-2.0" },
		{ "search", "llama", "llama" },
		{ "search", "it's a \"test\", $HOME `x` \\n", "it's a \"test\", $HOME `x` \\n" },
		{ "search", "  padded  ", "  padded  " },
		{ "created", "2024", "2024" },
		{ "created", "2024..2025", "2024..2025" },
		{ "created", "2024-03..2024-06", "2024-03..2024-06" },
		{ "created", "2024-03-05", "2024-03-05" },
		{ "created", "2024-02-29..2024-03-01", "2024-02-29..2024-03-01" },
		{ "created", "..2023", "..2023" },
		{ "created", "2021..", "2021.." },
		{ "created", "1970", "1970" },
		{ "created", "1970-01-01", "1970-01-01" },
		{ "created", "9999-12", "9999-12" },
		{ "min-downloads", "10", "10" },
		{ "min-downloads", "18446744073709551615", "18446744073709551615" },
		{ "gated", "yes", "yes" },
		{ "gated", "NO", "no" },
		{ "window", "all", "all" },
		{ "by", "lineage", "lineage" },
		{ "org", "Google", "Google" },
		{ "org", "Hugging Face,meta-llama", "Hugging Face,meta-llama" },
		{ "group-by", "account", "account" },
		{ "of", "attributed", "attributed" },
		{ "of", "ATTRIBUTED", "attributed" },
	};
	char v[4096];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct filter f, d;
		filter_init(&f);
		filter_init(&d);
		set_ok(&f, cases[i].key, cases[i].value);
		if (cases[i].get)
			get_is(&f, cases[i].key, cases[i].get);
		filter_get(&f, cases[i].key, v, sizeof v);
		assert_true(v[0] != '\0');
		assert_false(filter_equal(&f, &d));
		check_round_trip(&f);
		/* The key appears in the arguments, and only it. */
		{
			char line[8192], want[64];
			filter_to_args(&f, line, sizeof line);
			snprintf(want, sizeof want, "--%s ", cases[i].key);
			assert_memory_equal(line, want, strlen(want));
			assert_null(strstr(line + 2, " --"));
		}
		if (strcmp(cases[i].key, "window") && strcmp(cases[i].key, "by") &&
		    strcmp(cases[i].key, "group-by") && strcmp(cases[i].key, "of"))
			assert_true(filter_active(&f));
		else
			assert_false(filter_active(&f));
		/* An empty value clears that key. */
		set_ok(&f, cases[i].key, "");
		assert_true(filter_equal(&f, &d));
		set_ok(&f, cases[i].key, cases[i].value);
		set_ok(&f, cases[i].key, NULL);
		assert_true(filter_equal(&f, &d));
	}
	{
		/* Set values: what is stored. */
		struct filter f;
		int cn = country_find("CN"), us = country_find("US");
		filter_init(&f);
		set_ok(&f, "country", "cn, US");
		assert_true(filter_has_country(&f, (unsigned)cn));
		assert_true(filter_has_country(&f, (unsigned)us));
		assert_false(filter_has_country(&f, COUNTRY_UNKNOWN));
		set_ok(&f, "group", "us,cn");
		assert_int_equal(f.groups, (1u << CG_US) | (1u << CG_CN));
		set_ok(&f, "org-type", "industry,academia");
		assert_int_equal(f.types, (1u << OT_INDUSTRY) | (1u << OT_ACADEMIA));
		set_ok(&f, "author", "Qwen,meta-llama");
		assert_int_equal(f.n_authors, 2);
		assert_string_equal(f.authors[0], "Qwen");
		assert_string_equal(f.authors[1], "meta-llama");
		set_ok(&f, "gated", "any");
		assert_int_equal(f.gated, -1);
		set_ok(&f, "gated", "yes");
		assert_int_equal(f.gated, 1);
		set_ok(&f, "gated", "no");
		assert_int_equal(f.gated, 0);
		set_ok(&f, "window", "30d");
		assert_int_equal(f.window, WIN_30D);
		set_ok(&f, "min-downloads", "0");
		assert_true(f.min_downloads == 0);
		set_ok(&f, "min-downloads", "42");
		assert_true(f.min_downloads == 42);
		/* Counts as people write them. */
		set_ok(&f, "min-downloads", "10k");
		assert_true(f.min_downloads == 10000);
		set_ok(&f, "min-downloads", "1.5M");
		assert_true(f.min_downloads == 1500000);
		set_ok(&f, "min-downloads", "2B");
		assert_true(f.min_downloads == 2000000000ULL);
		set_ok(&f, "min-downloads", ".5k");
		assert_true(f.min_downloads == 500);
		uint64_t n;
		assert_int_equal(filter_parse_count("1.5", &n), -1);
		assert_int_equal(filter_parse_count("1.2345k", &n), -1);
		assert_int_equal(filter_parse_count("10x", &n), -1);
		assert_int_equal(filter_parse_count("k", &n), -1);
		assert_int_equal(filter_parse_count("20000000000B", &n), -1);
		check_round_trip(&f);
	}
}

/* Every group and organisation type, every country by its code. */
static void test_all_values(void **state)
{
	struct filter f;
	char v[64];
	(void)state;
	for (int g = 0; g < CG_COUNT; g++) {
		filter_init(&f);
		set_ok(&f, "group", country_group_key((enum country_group)g));
		assert_int_equal(f.groups, 1u << g);
		check_round_trip(&f);
	}
	for (int t = 0; t < OT_COUNT; t++) {
		filter_init(&f);
		set_ok(&f, "org-type", orgdir_type_key((enum org_type)t));
		assert_int_equal(f.types, 1u << t);
		check_round_trip(&f);
	}
	filter_init(&f);
	for (unsigned c = 1; c < country_count(); c++) {
		struct filter one;
		filter_init(&one);
		set_ok(&one, "country", country_code(c));
		assert_true(filter_has_country(&one, c));
		get_is(&one, "country", country_code(c));
		filter_toggle_country(&f, c);
	}
	filter_toggle_country(&f, COUNTRY_UNKNOWN);
	/* Every country at once: a long list that still round-trips. */
	check_round_trip(&f);
	filter_get(&f, "country", v, sizeof v); /* truncated, terminated */
	assert_int_equal(strlen(v), sizeof v - 1);
}

struct bad_case {
	const char *key, *value;
	const char *must[6]; /* substrings the message must hold */
};

static void test_bad_values(void **state)
{
	static const struct bad_case cases[] = {
		{ "country", "XX", { "country", "XX", "ISO 3166", "unknown", NULL } },
		{ "country", "CN,XX", { "country", "XX", "ISO 3166", NULL } },
		{ "country", "USA", { "country", "USA", "ISO 3166", NULL } },
		{ "org-type", "martian", { "org-type", "martian", "industry", "academia", "independent", NULL } },
		{ "org-type", "industry,martian", { "org-type", "martian", "non-profit", NULL } },
		{ "group", "mars", { "group", "mars", "us", "cn", "eu", "europe-other" } },
		{ "window", "7d", { "window", "7d", "30d", "all", NULL } },
		{ "of", "known", { "of", "known", "all", "attributed", NULL } },
		{ "by", "magic", { "by", "magic", "uploader", "lineage", NULL } },
		{ "gated", "maybe", { "gated", "maybe", "yes", "no", "any", NULL } },
		{ "created", "2024..2023", { "created", "2024..2023", "2024..2025", NULL } },
		{ "created", "garbage", { "created", "garbage", "2024..2025", "..2023", NULL } },
		{ "created", "2023-02-29", { "created", "2023-02-29", "2024-03..2024-06", NULL } },
		{ "created", "2024-13", { "created", "2024-13", NULL } },
		{ "created", "2024-00", { "created", NULL } },
		{ "created", "2024-3", { "created", NULL } },
		{ "created", "2024-03-1", { "created", NULL } },
		{ "created", "1969", { "created", NULL } },
		{ "created", "24", { "created", NULL } },
		{ "created", "..", { "created", NULL } },
		{ "created", "2024...2025", { "created", NULL } },
		{ "created", "2024..2025..2026", { "created", NULL } },
		{ "created", "2024-06..2024-03", { "created", NULL } },
		{ "created", " 2024", { "created", NULL } },
		{ "min-downloads", "-1", { "min-downloads", "-1", "whole number", NULL } },
		{ "min-downloads", "1e99", { "min-downloads", "1e99", "whole number", NULL } },
		{ "min-downloads", "abc", { "min-downloads", "abc", "whole number", NULL } },
		{ "min-downloads", "18446744073709551616", { "min-downloads", "whole number", NULL } },
		{ "min-downloads", "99999999999999999999999", { "min-downloads", NULL } },
		{ "min-downloads", "10 ", { "min-downloads", NULL } },
		{ "min-downloads", "+5", { "min-downloads", NULL } },
		{ "author", "a/b", { "author", "account names", NULL } },
		{ "author", "a b", { "author", NULL } },
		{ "author", "x\x1b[31m", { "author", NULL } },
		{ "search", "new\nline", { "search", "control", NULL } },
		{ "task", "tab\there", { "task", "control", NULL } },
		{ "license", "del\x7f", { "license", NULL } },
		{ "colour", "red", { "unknown filter key", "colour", "country", "min-downloads", "by" } },
		{ "", "x", { "unknown filter key", NULL } },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct filter f, before;
		char err[1024] = "";
		/* A filter with every key set: a refused value changes none of it. */
		filter_init(&f);
		set_ok(&f, "country", "DE");
		set_ok(&f, "group", "eu");
		set_ok(&f, "org-type", "academia");
		set_ok(&f, "author", "someone");
		set_ok(&f, "task", "t");
		set_ok(&f, "library", "l");
		set_ok(&f, "license", "mit");
		set_ok(&f, "search", "s");
		set_ok(&f, "created", "2020");
		set_ok(&f, "min-downloads", "5");
		set_ok(&f, "gated", "yes");
		set_ok(&f, "window", "all");
		set_ok(&f, "by", "lineage");
		before = f;
		if (filter_set(&f, cases[i].key, cases[i].value, err, sizeof err) != -1)
			fail_msg("--%s '%s' accepted", cases[i].key, cases[i].value);
		if (!filter_equal(&f, &before))
			fail_msg("--%s '%s' refused but the filter changed", cases[i].key, cases[i].value);
		for (int j = 0; j < 6 && cases[i].must[j]; j++)
			if (!strstr(err, cases[i].must[j]))
				fail_msg("--%s '%s': message \"%s\" lacks \"%s\"", cases[i].key,
					 cases[i].value, err, cases[i].must[j]);
		/* Names the key as the user typed it (with --), unless the key is unknown. */
		if (strcmp(cases[i].must[0], "unknown filter key")) {
			char want[64];
			snprintf(want, sizeof want, "--%s", cases[i].key);
			if (!strstr(err, want))
				fail_msg("message \"%s\" does not name %s", err, want);
		}
		/* No message buffer, or a tiny one: still refused, nothing written out of bounds. */
		assert_int_equal(filter_set(&f, cases[i].key, cases[i].value, NULL, 0), -1);
		{
			char tiny[4] = "abc";
			assert_int_equal(filter_set(&f, cases[i].key, cases[i].value, tiny, 1), -1);
			assert_int_equal(tiny[0], '\0');
			assert_int_equal(tiny[1], 'b');
		}
		assert_true(filter_equal(&f, &before));
	}
	/* Every group and every type listed when one is wrong. */
	{
		struct filter f;
		char err[1024];
		filter_init(&f);
		assert_int_equal(filter_set(&f, "group", "mars", err, sizeof err), -1);
		for (int g = 0; g < CG_COUNT; g++)
			assert_non_null(strstr(err, country_group_key((enum country_group)g)));
		assert_int_equal(filter_set(&f, "org-type", "martian", err, sizeof err), -1);
		for (int t = 0; t < OT_COUNT; t++)
			assert_non_null(strstr(err, orgdir_type_key((enum org_type)t)));
		assert_int_equal(filter_set(&f, "by", "magic", err, sizeof err), -1);
		assert_int_equal(filter_set(&f, NULL, "x", err, sizeof err), -1);
		for (int i = 0; filter_keys[i]; i++) {
			assert_int_equal(filter_set(&f, "nope", "x", err, sizeof err), -1);
			assert_non_null(strstr(err, filter_keys[i]));
		}
	}
}

static void check_created(const char *v, int64_t from, int64_t to, const char *get)
{
	struct filter f;
	filter_init(&f);
	set_ok(&f, "created", v);
	if (f.created_from != from || f.created_to != to)
		fail_msg("--created %s: [%lld, %lld), want [%lld, %lld)", v, (long long)f.created_from,
			 (long long)f.created_to, (long long)from, (long long)to);
	get_is(&f, "created", get);
	check_round_trip(&f);
}

static void test_created_bounds(void **state)
{
	(void)state;
	check_created("2024", T_2024, T_2025, "2024");
	check_created("2024..2025", T_2024, T_2026, "2024..2025");
	check_created("2024..2024", T_2024, T_2025, "2024");
	check_created("2024-03..2024-06", T_2024_03, T_2024_07, "2024-03..2024-06");
	check_created("2024-03", T_2024_03, T_2024_03 + 31 * 86400, "2024-03");
	check_created("2024-03-01..", T_2024_03, 0, "2024-03..");
	check_created("..2023", 0, T_2024, "..2023");
	check_created("2024..", T_2024, 0, "2024..");
	check_created("2024-02-29", T_2024_03 - 86400, T_2024_03, "2024-02-29");
	check_created("2024-03-01..2024-03-05", T_2024_03, T_2024_03 + 5 * 86400, "2024-03-01..2024-03-05");
	check_created("2024-12", 1733011200, T_2025, "2024-12");
	check_created("..2024-02", 0, T_2024_03, "..2024-02");
	check_created("2024-01..2024-12", T_2024, T_2025, "2024");
	check_created("2000-02-29", 951782400, 951868800, "2000-02-29");
	/* 1970: "from 0" means open, so a range from the epoch starts 1 s later. */
	check_created("1970", 1, 31536000, "1970");
	check_created("1970..", 1, 0, "1970..");
	{
		/* The bounds select what they say: 2024 is [2024-01-01, 2025-01-01). */
		struct filter f;
		filter_init(&f);
		set_ok(&f, "created", "2024");
		assert_true(f.created_from <= T_2024 && T_2024 < f.created_to);
		assert_false(T_2025 < f.created_to);
		assert_false(T_2024 - 1 >= f.created_from);
	}
}

static void test_authors_limits(void **state)
{
	struct filter f, before;
	char list[FILTER_MAX_AUTHORS * FILTER_NAME_MAX + 64], name[200], err[512];
	size_t at = 0;
	(void)state;
	/* FILTER_MAX_AUTHORS names are fine; one more is refused. */
	for (unsigned i = 0; i < FILTER_MAX_AUTHORS; i++)
		at += (size_t)snprintf(list + at, sizeof list - at, "%sacct-%u", i ? "," : "", i);
	filter_init(&f);
	set_ok(&f, "author", list);
	assert_int_equal(f.n_authors, FILTER_MAX_AUTHORS);
	check_round_trip(&f);
	/* duplicates (any case) do not count */
	snprintf(list + at, sizeof list - at, ",ACCT-0,Acct-31");
	set_ok(&f, "author", list);
	assert_int_equal(f.n_authors, FILTER_MAX_AUTHORS);
	before = f;
	snprintf(list + at, sizeof list - at, ",one-more");
	assert_int_equal(filter_set(&f, "author", list, err, sizeof err), -1);
	assert_non_null(strstr(err, "--author"));
	assert_non_null(strstr(err, "at most 32"));
	assert_true(filter_equal(&f, &before));
	/* A name of 96 bytes is fine, 97 is refused. */
	memset(name, 'a', 96);
	name[96] = '\0';
	filter_init(&f);
	set_ok(&f, "author", name);
	assert_string_equal(f.authors[0], name);
	check_round_trip(&f);
	/* 32 names of 96 bytes: the longest arguments there are. */
	at = 0;
	for (unsigned i = 0; i < FILTER_MAX_AUTHORS; i++) {
		name[0] = (char)('A' + i % 26);
		name[1] = (char)('a' + i / 26);
		at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? "," : "", name);
	}
	set_ok(&f, "author", list);
	assert_int_equal(f.n_authors, FILTER_MAX_AUTHORS);
	check_round_trip(&f);
	name[96] = 'a';
	name[97] = '\0';
	filter_init(&f);
	assert_int_equal(filter_set(&f, "author", name, err, sizeof err), -1);
	assert_int_equal(f.n_authors, 0);
}

/* Values far beyond every buffer: refused or truncated, never overflowing
 * (run under AddressSanitizer). */
static void test_long_values(void **state)
{
	size_t big = 100000;
	char *v = malloc(big + 1), err[256], small[8];
	struct filter f;
	(void)state;
	assert_non_null(v);
	for (int i = 0; filter_keys[i]; i++) {
		static const char fills[] = "a,9.-";
		for (size_t c = 0; c < sizeof fills - 1; c++) {
			int rc;
			memset(v, fills[c], big);
			v[big] = '\0';
			filter_init(&f);
			rc = filter_set(&f, filter_keys[i], v, err, sizeof err);
			if (fills[c] == ',') {
				/* only separators: an empty list, which clears the key (or is refused) */
				(void)rc;
			} else {
				assert_int_equal(rc, -1);
				assert_true(strlen(err) < sizeof err);
				assert_non_null(strstr(err, filter_keys[i]));
			}
			filter_get(&f, filter_keys[i], small, sizeof small);
			assert_true(strlen(small) < sizeof small);
		}
	}
	/* A long value in a message is cut, with "...", on a UTF-8 boundary. */
	for (size_t off = 0; off < 2; off++) {
		size_t lead = 0, cont = 0;
		memset(v, 'x', off);
		for (size_t i = 0; i < 100; i++)
			memcpy(v + off + 2 * i, "\xc3\xa9", 2);
		v[off + 200] = '\0';
		filter_init(&f);
		assert_int_equal(filter_set(&f, "window", v, err, sizeof err), -1);
		assert_non_null(strstr(err, "...' for --window"));
		for (const char *p = err; *p; p++) {
			lead += (unsigned char)*p == 0xc3;
			cont += (unsigned char)*p == 0xa9;
		}
		assert_true(lead > 10);
		assert_int_equal(lead, cont);
	}
	/* Text keys: the longest accepted value, and one byte more. */
	{
		static const char *const keys[] = { "task", "library", "license", "search" };
		for (size_t k = 0; k < 4; k++) {
			memset(v, 'q', 127);
			v[127] = '\0';
			filter_init(&f);
			set_ok(&f, keys[k], v);
			get_is(&f, keys[k], v);
			check_round_trip(&f);
			v[127] = 'q';
			v[128] = '\0';
			assert_int_equal(filter_set(&f, keys[k], v, err, sizeof err), -1);
			assert_non_null(strstr(err, "127"));
		}
	}
	/* Output buffers of every small size: terminated, the length still reported. */
	{
		char line[8192], *buf = malloc(64);
		size_t full;
		filter_init(&f);
		set_ok(&f, "country", "CN,US,unknown");
		set_ok(&f, "search", "it's");
		set_ok(&f, "created", "2024-03..2024-06");
		set_ok(&f, "window", "all");
		full = filter_to_args(&f, line, sizeof line);
		assert_int_equal(strlen(line), full);
		for (size_t len = 0; len < 64; len++) {
			size_t got;
			memset(buf, 'Z', 64);
			got = filter_to_args(&f, buf, len);
			assert_int_equal(got, full);
			if (len) {
				assert_int_equal(strlen(buf), len - 1 < full ? len - 1 : full);
				assert_memory_equal(buf, line, strlen(buf));
			}
			for (size_t j = len; j < 64; j++)
				assert_int_equal(buf[j], 'Z');
		}
		for (int i = 0; filter_keys[i]; i++)
			for (size_t len = 0; len < 8; len++) {
				memset(buf, 'Z', 64);
				filter_get(&f, filter_keys[i], buf, len);
				if (len)
					assert_true(strlen(buf) < len);
				for (size_t j = len; j < 64; j++)
					assert_int_equal(buf[j], 'Z');
			}
		free(buf);
	}
	free(v);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random filters built through filter_set: each round-trips. */
static void test_random_round_trip(void **state)
{
	static const char *const countries[] = { "CN", "US", "FR", "unknown", "JP", "ae" };
	static const char *const groups[] = { "us", "cn", "eu", "europe-other", "asia-other", "unknown" };
	static const char *const types[] = { "industry", "academia", "non-profit", "community", "independent" };
	static const char *const created[] = { "2020", "2019..2022", "2021-03..2023-07", "..2020", "2022-05-06..",
					       "2016..2016", "2024-02-29..", "2024-02-29", "1970..1999" };
	static const char search_chars[] = "ab Z'\"\\$`!*?;&|<>(){}[]#~%^=+,.-_/:\xc3\xa9";
	(void)state;
	for (unsigned it = 0; it < 5000; it++) {
		struct filter f;
		char v[512];
#define RND() rnd()
#define PICK(arr) arr[RND() % (sizeof arr / sizeof arr[0])]
		filter_init(&f);
		if (RND() % 3 == 0) {
			snprintf(v, sizeof v, "%s,%s", PICK(countries), PICK(countries));
			set_ok(&f, "country", v);
		}
		if (RND() % 4 == 0)
			set_ok(&f, "group", PICK(groups));
		if (RND() % 4 == 0) {
			snprintf(v, sizeof v, "%s,%s", PICK(types), PICK(types));
			set_ok(&f, "org-type", v);
		}
		if (RND() % 4 == 0)
			set_ok(&f, "author", RND() % 2 ? "Qwen,meta-llama" : "x.y_z-0");
		if (RND() % 5 == 0)
			set_ok(&f, "task", "text-generation");
		if (RND() % 5 == 0)
			set_ok(&f, "library", "gguf");
		if (RND() % 5 == 0)
			set_ok(&f, "license", "cc-by-4.0");
		if (RND() % 2 == 0) {
			size_t n = RND() % 20;
			for (size_t i = 0; i < n; i++)
				v[i] = search_chars[RND() % (sizeof search_chars - 1)];
			v[n] = '\0';
			set_ok(&f, "search", v);
		}
		if (RND() % 3 == 0)
			set_ok(&f, "created", PICK(created));
		if (RND() % 3 == 0) {
			unsigned shift = (unsigned)(RND() % 64);
			snprintf(v, sizeof v, "%llu", (unsigned long long)(RND() >> shift));
			set_ok(&f, "min-downloads", v);
		}
		if (RND() % 3 == 0)
			set_ok(&f, "gated", RND() % 2 ? "yes" : "no");
		if (RND() % 2 == 0)
			set_ok(&f, "window", "all");
		if (RND() % 2 == 0)
			set_ok(&f, "by", "lineage");
		check_round_trip(&f);
#undef PICK
#undef RND
	}
}

/* Task, library and licence values are checked against the snapshot: a
 * value no item carries in that column is refused, naming the ones some do,
 * most common first, at most FILTER_VALID_SHOWN of them. */
/* --org: a name some organisation has (display name or any account of
 * it), else refused with the closest names. */
static void test_check_orgs(void **state)
{
	static const char dir[] =
		"google\tGoogle\tUS\tindustry\tgoogle-bert\tHQ Mountain View\n"
		"google-bert\tGoogle (BERT legacy models)\tUS\tindustry\tgoogle\tlegacy ids\n"
		"huggingface\tHugging Face\tUS\tindustry\t\tHQ New York\n";
	static const char *const names[] = { "google", "google-bert", "someone", "huggingface" };
	struct orgdir *d = orgdir_new();
	struct attrib a;
	struct filter f;
	char err[1024];
	(void)state;
	assert_int_equal(orgdir_load_string(d, dir, sizeof dir - 1, "test.tsv", NULL), 0);
	memset(&a, 0, sizeof a);
	a.n_accounts = 4;
	a.acct_name = (const char **)names;
	filter_init(&f);
	assert_int_equal(filter_check_orgs(&f, &a, d, err, sizeof err), 0);
	set_ok(&f, "org", "Google,GOOGLE-BERT,someone,hugging face");
	assert_int_equal(filter_check_orgs(&f, &a, d, err, sizeof err), 0);
	set_ok(&f, "org", "google,Gogle");
	assert_int_equal(filter_check_orgs(&f, &a, d, err, sizeof err), -1);
	assert_non_null(strstr(err, "--org 'Gogle': no organisation has that name"));
	assert_non_null(strstr(err, "did you mean 'Google'"));
	assert_null(strstr(err, "'google'")); /* one spelling of a name */
	set_ok(&f, "org", "zzzzzzzz");
	assert_int_equal(filter_check_orgs(&f, &a, d, err, sizeof err), -1);
	assert_null(strstr(err, "did you mean"));
	assert_non_null(strstr(err, "hubtop export orgs"));
	orgdir_free(d);
}

static void test_check_terms(void **state)
{
	static const char *const tasks[] = { "t-a", "t-b", "t-c", "t-d", "t-e", "t-f", "t-g",
					     "t-h", "t-i", "t-j", "t-k", "t-l", "t-m", "t-n" };
	struct ht_builder *b = table_builder_new();
	struct ht_meta meta;
	struct ht_snapshot *s;
	struct filter f;
	char err[2048], id[64];
	unsigned n = 0;
	(void)state;
	assert_non_null(b);
	/* Task i on 14 - i models: t-a the most common, t-n the least. */
	for (unsigned t = 0; t < 14; t++)
		for (unsigned i = 0; i < 14 - t; i++) {
			struct ht_item it;
			memset(&it, 0, sizeof it);
			snprintf(id, sizeof id, "acct/m%u", n++);
			it.id = id;
			it.downloads = n;
			it.pipeline = tasks[t];
			it.library = t ? "transformers" : "gguf";
			it.license = "mit";
			assert_int_equal(table_builder_add(b, HT_MODELS, &it), 0);
		}
	{
		struct ht_item it;
		memset(&it, 0, sizeof it);
		it.id = "acct/d0";
		it.pipeline = "translation";  /* a dataset's task counts too */
		it.n_tags = 1;
		it.tags[0] = "language:en";   /* a term, but no item's task */
		assert_int_equal(table_builder_add(b, HT_DATASETS, &it), 0);
	}
	memset(&meta, 0, sizeof meta);
	meta.complete = 1;
	s = table_builder_finish(b, &meta);
	assert_non_null(s);

	filter_init(&f);
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), 0);
	set_ok(&f, "task", "t-n");
	set_ok(&f, "library", "gguf");
	set_ok(&f, "license", "mit");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), 0);
	set_ok(&f, "task", "translation");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), 0);

	/* Unknown task: the option, the value, the first twelve by count, the rest counted. */
	set_ok(&f, "task", "no-such-task");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), -1);
	assert_non_null(strstr(err, "--task 'no-such-task'"));
	assert_non_null(strstr(err, ": t-a, t-b, t-c, t-d, t-e, t-f, t-g, t-h, t-i, t-j, t-k, t-l, ... and 3 more"));
	assert_non_null(strstr(err, "hubtop export tasks"));
	/* A term of the snapshot that is not in that column is refused too. */
	set_ok(&f, "task", "language:en");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), -1);
	set_ok(&f, "task", "");
	set_ok(&f, "library", "mit");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), -1);
	assert_non_null(strstr(err, "--library 'mit'"));
	assert_non_null(strstr(err, ": transformers, gguf"));
	assert_null(strstr(err, "more"));
	/* The case differs: the right spelling is suggested. */
	set_ok(&f, "library", "GGUF");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), -1);
	assert_non_null(strstr(err, "did you mean 'gguf'?"));
	set_ok(&f, "library", "");
	set_ok(&f, "license", "apache-2.0");
	assert_int_equal(filter_check_terms(&f, s, err, sizeof err), -1);
	assert_non_null(strstr(err, "--license 'apache-2.0'"));
	assert_non_null(strstr(err, ": mit"));
	table_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_each_key),
		cmocka_unit_test(test_all_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_created_bounds),
		cmocka_unit_test(test_authors_limits),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_random_round_trip),
		cmocka_unit_test(test_check_terms),
		cmocka_unit_test(test_check_orgs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

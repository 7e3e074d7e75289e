/* test_orgdir.c - the organisation directory: parsing, lookup, overrides,
 * same_as links, malformed lines, default locations, the shipped file. */
#include "testutil.h"

#include <errno.h>

#include "hubtop/country.h"
#include "hubtop/orgdir.h"

/* Collects diagnostics. */
struct msgs {
	char text[16384];
	size_t len;
	unsigned n;
};

static void collect(void *ctx, const char *msg)
{
	struct msgs *m = ctx;
	int w;
	m->n++;
	w = snprintf(m->text + m->len, sizeof m->text - m->len, "%s\n", msg);
	if (w > 0 && (size_t)w < sizeof m->text - m->len)
		m->len += (size_t)w;
}

static struct msgs g_msgs;
static struct orgdir_diag g_diag;

static struct orgdir_diag *diag_reset(void)
{
	memset(&g_msgs, 0, sizeof g_msgs);
	g_diag.report = collect;
	g_diag.ctx = &g_msgs;
	g_diag.errors = 0;
	return &g_diag;
}

static struct orgdir *load(const char *text, const char *name)
{
	struct orgdir *d = orgdir_new();
	assert_non_null(d);
	assert_int_equal(orgdir_load_string(d, text, strlen(text), name, diag_reset()), 0);
	return d;
}

static unsigned cidx(const char *code)
{
	int i = country_find(code);
	assert_true(i > 0);
	return (unsigned)i;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static const char *BASIC =
	"# hubtop organisation directory\n"
	"\n"
	"account\tname\tcountries\ttype\tsame_as\tnote\n"
	"meta-llama\tMeta\tUS\tindustry\t\tMeta Platforms, Inc.\n"
	"   # an indented comment\n"
	"Qwen\tQwen (Alibaba Cloud)\tCN\tindustry\t\tAlibaba Group\r\n"
	"BigScience\tBigScience\tFR,US\tcommunity\t\tworkshop hosted by Hugging Face\n"
	"some-lab\t\t\tacademia\n"
	"nvidia\t NVIDIA \t us \tIndustry\t\t  trimmed  ";

static void test_basic_lookup(void **state)
{
	struct orgdir *d = load(BASIC, "orgs.tsv");
	const struct org_entry *e;
	(void)state;
	assert_int_equal(g_diag.errors, 0);
	assert_int_equal(orgdir_count(d), 5);

	e = orgdir_lookup(d, "meta-llama");
	assert_non_null(e);
	assert_string_equal(e->account, "meta-llama");
	assert_string_equal(e->name, "Meta");
	assert_int_equal(e->n_countries, 1);
	assert_int_equal(e->countries[0], cidx("US"));
	assert_int_equal(e->type, OT_INDUSTRY);
	assert_string_equal(e->note, "Meta Platforms, Inc.");
	assert_string_equal(e->source, "orgs.tsv");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->canonical, -1);

	/* The Hub's account names are case-insensitive; so is the directory. */
	assert_ptr_equal(orgdir_lookup(d, "META-LLAMA"), e);
	assert_ptr_equal(orgdir_lookup(d, "Meta-Llama"), e);
	assert_null(orgdir_lookup(d, "meta"));
	assert_null(orgdir_lookup(d, ""));
	assert_null(orgdir_lookup(d, NULL));

	e = orgdir_lookup(d, "qwen");
	assert_non_null(e);
	assert_string_equal(e->note, "Alibaba Group"); /* CR stripped */
	assert_int_equal(e->countries[0], cidx("CN"));

	e = orgdir_lookup(d, "bigscience");
	assert_int_equal(e->n_countries, 2);
	assert_int_equal(e->countries[0], cidx("FR")); /* primary first */
	assert_int_equal(e->countries[1], cidx("US"));
	assert_int_equal(e->type, OT_COMMUNITY);

	/* Four columns are enough; an empty name is the account. */
	e = orgdir_lookup(d, "some-lab");
	assert_non_null(e);
	assert_string_equal(e->name, "some-lab");
	assert_int_equal(e->n_countries, 0);
	assert_string_equal(e->note, "");
	assert_int_equal(e->type, OT_ACADEMIA);

	/* Spaces around fields are trimmed; type and codes are case-insensitive;
	 * the last line needs no newline. */
	e = orgdir_lookup(d, "NVIDIA");
	assert_non_null(e);
	assert_string_equal(e->name, "NVIDIA");
	assert_int_equal(e->countries[0], cidx("US"));
	assert_string_equal(e->note, "trimmed");

	for (size_t i = 0; i < orgdir_count(d); i++)
		assert_non_null(orgdir_entry(d, i));
	assert_null(orgdir_entry(d, orgdir_count(d)));
	orgdir_free(d);
}

static void test_override_by_later_file(void **state)
{
	struct orgdir *d = load("acme\tAcme\tUS\tindustry\t\tfirst\n"
				"other\tOther\tDE\tacademia\t\t\n", "shipped.tsv");
	const char *user = "# mine\nACME\tAcme Research\tGB\tnon-profit\t\tcorrected\n"
			   "newlab\tNew Lab\tJP\tgovernment\t\t\n";
	const struct org_entry *e;
	size_t before = orgdir_count(d);
	(void)state;
	assert_int_equal(orgdir_load_string(d, user, strlen(user), "user.tsv", diag_reset()), 0);
	assert_int_equal(g_diag.errors, 0);
	assert_int_equal(orgdir_count(d), before + 1);
	e = orgdir_lookup(d, "acme");
	assert_string_equal(e->name, "Acme Research");
	assert_int_equal(e->countries[0], cidx("GB"));
	assert_int_equal(e->type, OT_NONPROFIT);
	assert_string_equal(e->source, "user.tsv");
	assert_int_equal(e->line, 2);
	/* Untouched entries stay. */
	assert_int_equal(orgdir_lookup(d, "other")->countries[0], cidx("DE"));
	assert_int_equal(orgdir_lookup(d, "newlab")->type, OT_GOVERNMENT);
	orgdir_free(d);
}

static int32_t index_of(const struct orgdir *d, const char *account)
{
	const struct org_entry *e = orgdir_lookup(d, account);
	assert_non_null(e);
	return (int32_t)(e - orgdir_entry(d, 0));
}

static void test_renamed_namespaces(void **state)
{
	struct orgdir *d = load(
		"zai-org\tZ.ai\tCN\tindustry\tTHUDM, thudm-legacy\tformerly Zhipu AI / THUDM\n"
		"facebook\tMeta\tUS\tindustry\tmeta-llama\t\n"
		"meta-llama\tMeta Llama\tUS\tindustry\t\tthe Llama releases\n"
		"CohereLabs\tCohere Labs\tCA\tnon-profit\t\t\n"
		"CohereForAI\tCohere For AI\tCA\tnon-profit\tCohereLabs\told name\n",
		"orgs.tsv");
	const struct org_entry *e, *z;
	int32_t zi, fi, ci;
	(void)state;
	assert_int_equal(g_diag.errors, 0);

	/* Accounts named only in same_as resolve to the organisation. */
	zi = index_of(d, "zai-org");
	z = orgdir_entry(d, (size_t)zi);
	assert_int_equal(z->canonical, -1);
	e = orgdir_lookup(d, "thudm");
	assert_non_null(e);
	assert_string_equal(e->account, "THUDM");
	assert_int_equal(e->canonical, zi);
	assert_string_equal(e->name, "Z.ai");
	assert_int_equal(e->countries[0], cidx("CN"));
	assert_int_equal(e->type, OT_INDUSTRY);
	assert_int_equal(orgdir_lookup(d, "THUDM-LEGACY")->canonical, zi);

	/* An alias with its own line keeps it but links to the lister. */
	fi = index_of(d, "facebook");
	e = orgdir_lookup(d, "meta-llama");
	assert_string_equal(e->name, "Meta Llama");
	assert_int_equal(e->canonical, fi);
	assert_int_equal(orgdir_entry(d, (size_t)fi)->canonical, -1);

	/* Listed the other way round (the old name lists the new one): the
	 * lister is canonical. */
	ci = index_of(d, "CohereForAI");
	assert_int_equal(orgdir_entry(d, (size_t)ci)->canonical, -1);
	assert_int_equal(orgdir_lookup(d, "coherelabs")->canonical, ci);
	orgdir_free(d);
}

static void test_same_as_groups(void **state)
{
	/* a lists b, b lists c, d lists a: one group, canonical = first lister. */
	struct orgdir *d = load("x-first\tX\tUS\tindustry\t\t\n"
				"a-org\tA\tFR\tindustry\tb-org\t\n"
				"b-org\tB\tDE\tindustry\tc-org\t\n"
				"d-org\tD\tIT\tindustry\ta-org\t\n"
				"p1\tP\tJP\tacademia\tp2\t\n"
				"p2\tP2\tJP\tacademia\tp1\t\n",
				"g.tsv");
	int32_t ai = index_of(d, "a-org");
	int32_t p1 = index_of(d, "p1");
	(void)state;
	assert_int_equal(g_diag.errors, 0);
	assert_int_equal(orgdir_lookup(d, "a-org")->canonical, -1);
	assert_int_equal(orgdir_lookup(d, "b-org")->canonical, ai);
	assert_int_equal(orgdir_lookup(d, "c-org")->canonical, ai);
	assert_int_equal(orgdir_lookup(d, "d-org")->canonical, ai);
	assert_int_equal(orgdir_lookup(d, "x-first")->canonical, -1);
	/* Each lists the other: the first line wins. */
	assert_int_equal(orgdir_lookup(d, "p1")->canonical, -1);
	assert_int_equal(orgdir_lookup(d, "p2")->canonical, p1);
	orgdir_free(d);
}

static void test_override_drops_alias(void **state)
{
	struct orgdir *d = load("neworg\tNew\tUS\tindustry\toldorg\t\n", "a.tsv");
	const char *user = "neworg\tNew\tUS\tindustry\t\tno longer linked\n"
			   "third\tThird\tFR\tacademia\tneworg\t\n";
	(void)state;
	assert_non_null(orgdir_lookup(d, "oldorg"));
	assert_int_equal(orgdir_load_string(d, user, strlen(user), "b.tsv", diag_reset()), 0);
	assert_null(orgdir_lookup(d, "oldorg"));
	assert_int_equal(orgdir_lookup(d, "neworg")->canonical, index_of(d, "third"));
	assert_int_equal(orgdir_count(d), 2);
	orgdir_free(d);
}

/* Each bad line: one message "file:line: ... (valid: ...)", the line is
 * skipped, the good lines around it are loaded. */
struct bad_case {
	const char *line;
	const char *expect;   /* a word of the message */
};

static void check_bad(const char *line, size_t len, const char *expect)
{
	char text[20000];
	char prefix[64];
	struct orgdir *d = orgdir_new();
	size_t n = 0;
	const char *head = "good-one\tGood\tUS\tindustry\t\t\n";
	const char *tail = "\ngood-two\tGood\tFR\tacademia\t\t\n";
	assert_true(len + 100 < sizeof text);
	memcpy(text, head, strlen(head));
	n += strlen(head);
	memcpy(text + n, line, len);
	n += len;
	memcpy(text + n, tail, strlen(tail));
	n += strlen(tail);
	assert_int_equal(orgdir_load_string(d, text, n, "bad.tsv", diag_reset()), 0);
	if (g_diag.errors != 1 || g_msgs.n != 1)
		fail_msg("expected one problem for [%.60s], got %u:\n%s", line, g_diag.errors, g_msgs.text);
	snprintf(prefix, sizeof prefix, "bad.tsv:2: ");
	if (strncmp(g_msgs.text, prefix, strlen(prefix)) != 0 || !strstr(g_msgs.text, "(valid: ") ||
	    !strstr(g_msgs.text, expect))
		fail_msg("message for [%.60s] lacks place, valid values or '%s': %s", line, expect,
			 g_msgs.text);
	/* Messages are printable whatever the input. */
	for (const char *c = g_msgs.text; *c; c++)
		assert_true(*c == '\n' || ((unsigned char)*c >= 0x20 && *c != 0x7f));
	assert_int_equal(orgdir_count(d), 2);
	assert_non_null(orgdir_lookup(d, "good-one"));
	assert_non_null(orgdir_lookup(d, "good-two"));
	orgdir_free(d);
}

static void test_malformed_lines(void **state)
{
	static const struct bad_case cases[] = {
		{"acme\tAcme\tUS", "column"},
		{"acme Acme US industry", "column"},               /* spaces, not tabs */
		{"acme\tAcme\tUS\tindustry\t\tnote\textra", "column"},
		{"acme\tAcme\tXX\tindustry\t\t", "unknown country code 'XX'"},
		{"acme\tAcme\tUK\tindustry\t\t", "GB"},
		{"acme\tAcme\tUSA\tindustry\t\t", "country"},
		{"acme\tAcme\tUS,,FR\tindustry\t\t", "empty country"},
		{"acme\tAcme\tUS,FR,DE,IT,ES\tindustry\t\t", "more than 4 countries"},
		{"acme\tAcme\tUS,us\tindustry\t\t", "twice"},
		{"acme\tAcme\tUS\tcompany\t\t", "unknown type 'company'"},
		{"acme\tAcme\tUS\t\t\t", "type"},
		{"acme\tAcme\tUS\tunknown-org\t\t", "unknown-org"},
		{"\tAcme\tUS\tindustry\t\t", "empty account"},
		{"meta-llama/Llama-3\tMeta\tUS\tindustry\t\t", "invalid account"},
		{"-acme\tAcme\tUS\tindustry\t\t", "invalid account"},
		{"ac..me\tAcme\tUS\tindustry\t\t", "invalid account"},
		{"ac me\tAcme\tUS\tindustry\t\t", "invalid account"},
		{"acme\tAcme\tUS\tindustry\tgood/bad\t", "same_as"},
		{"acme\tAcme\tUS\tindustry\tACME\t", "itself"},
		{"acme\tAc\x01me\tUS\tindustry\t\t", "control"},
		{"acme\tAc\xff\xfeme\tUS\tindustry\t\t", "UTF-8"},
		{"acme\tAc\xc3me\tUS\tindustry\t\t", "UTF-8"},      /* truncated sequence */
		{"acme\tAc\xed\xa0\x80me\tUS\tindustry\t\t", "UTF-8"}, /* surrogate */
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_bad(cases[i].line, strlen(cases[i].line), cases[i].expect);

	/* A NUL byte inside a line. */
	{
		static const char nul[] = "acme\tAc\0me\tUS\tindustry\t\t";
		check_bad(nul, sizeof nul - 1, "NUL");
	}

	/* A very long line. */
	{
		static char longline[12000];
		memset(longline, 'a', sizeof longline);
		memcpy(longline, "acme\t", 5);
		check_bad(longline, sizeof longline, "too long");
	}
	/* A long account name. */
	{
		char acct[300];
		memset(acct, 'a', 200);
		memcpy(acct + 200, "\tX\tUS\tindustry\t\t", 17);
		check_bad(acct, strlen(acct), "invalid account");
	}
}

static void test_garbage_never_crashes(void **state)
{
	/* Deterministic random bytes, biased towards tabs and newlines. */
	uint32_t x = 12345;
	static char buf[8192];
	(void)state;
	for (int round = 0; round < 300; round++) {
		struct orgdir *d = orgdir_new();
		size_t len = (size_t)(round * 37 % (int)sizeof buf);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			switch ((x >> 16) % 8) {
			case 0: buf[i] = '\t'; break;
			case 1: buf[i] = '\n'; break;
			case 2: buf[i] = ','; break;
			default: buf[i] = (char)(x >> 8); break;
			}
		}
		assert_int_equal(orgdir_load_string(d, buf, len, "garbage", diag_reset()), 0);
		for (size_t i = 0; i < orgdir_count(d); i++)
			assert_non_null(orgdir_lookup(d, orgdir_entry(d, i)->account));
		orgdir_free(d);
	}
	/* No diag at all is allowed too. */
	{
		struct orgdir *d = orgdir_new();
		assert_int_equal(orgdir_load_string(d, "x\ty\n\xff\n", 6, NULL, NULL), 0);
		assert_int_equal(orgdir_count(d), 0);
		orgdir_free(d);
	}
}

static void test_many_entries(void **state)
{
	struct orgdir *d = orgdir_new();
	size_t cap = 5000 * 64, n = 0;
	char *text = malloc(cap);
	char name[32];
	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(text + n, cap - n, "org-%d\tOrg %d\tUS\tindustry\t%s\t\n", i, i,
				      i % 2 ? "" : "alias-x");
	/* Only the first lister of alias-x is canonical; all even orgs join one
	 * group through it. */
	assert_int_equal(orgdir_load_string(d, text, n, "many", diag_reset()), 0);
	assert_int_equal(g_diag.errors, 0);
	assert_int_equal(orgdir_count(d), 5001);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "ORG-%d", i);
		assert_non_null(orgdir_lookup(d, name));
	}
	assert_int_equal(orgdir_lookup(d, "org-2")->canonical, index_of(d, "org-0"));
	assert_int_equal(orgdir_lookup(d, "alias-x")->canonical, index_of(d, "org-0"));
	assert_int_equal(orgdir_lookup(d, "org-1")->canonical, -1);
	free(text);
	orgdir_free(d);
}

static void test_files_and_check(void **state)
{
	const char *dir = testutil_tmpdir("test_orgdir_files");
	char good[1200], dup[1200], missing[1200];
	const char *g = "account\tname\tcountries\ttype\tsame_as\tnote\n"
			"acme\tAcme\tUS\tindustry\told-acme\t\n";
	const char *du = "acme\tAcme\tUS\tindustry\t\t\n"
			 "bad\tBad\tZZ\tindustry\t\t\n"
			 "ACME\tAcme again\tUS\tindustry\t\t\n";
	struct orgdir *d;
	(void)state;
	assert_non_null(dir);
	snprintf(good, sizeof good, "%s/good.tsv", dir);
	snprintf(dup, sizeof dup, "%s/dup.tsv", dir);
	snprintf(missing, sizeof missing, "%s/missing.tsv", dir);
	write_file(good, g, strlen(g));
	write_file(dup, du, strlen(du));

	d = orgdir_new();
	assert_int_equal(orgdir_load_file(d, good, diag_reset()), 0);
	assert_non_null(orgdir_lookup(d, "old-acme"));
	assert_string_equal(orgdir_lookup(d, "acme")->source, good);
	errno = 0;
	assert_int_equal(orgdir_load_file(d, missing, diag_reset()), -1);
	assert_int_equal(errno, ENOENT);
	orgdir_free(d);

	assert_int_equal(orgdir_check_file(good, diag_reset()), 0);
	assert_int_equal(g_msgs.n, 0);

	/* Strict: duplicates inside one file are problems too. */
	assert_int_equal(orgdir_check_file(dup, diag_reset()), 2);
	assert_non_null(strstr(g_msgs.text, ":2: unknown country code 'ZZ'"));
	assert_non_null(strstr(g_msgs.text, ":3: duplicate account 'ACME', first at line 1"));

	/* Loading (not checking) lets the later line win. */
	d = orgdir_new();
	assert_int_equal(orgdir_load_file(d, dup, diag_reset()), 0);
	assert_int_equal(g_diag.errors, 1);
	assert_string_equal(orgdir_lookup(d, "acme")->name, "Acme again");
	orgdir_free(d);

	assert_int_equal(orgdir_check_file(missing, diag_reset()), 1);
	assert_non_null(strstr(g_msgs.text, "missing.tsv: cannot read"));
	assert_int_equal(orgdir_check_file(missing, NULL), 1);
}

static void test_load_default(void **state)
{
	const char *dir = testutil_tmpdir("test_orgdir_default");
	char shipped[1200], other[1200], cfg[1200], user[1300], cmd[2600];
	const char *s = "acme\tAcme\tUS\tindustry\t\t\nlab\tLab\tFR\tacademia\t\t\n";
	const char *o = "zeta\tZeta\tJP\tindustry\t\t\n";
	const char *u = "acme\tAcme (mine)\tCA\tindustry\t\t\nmyorg\tMine\tDE\tcommunity\t\t\n";
	struct orgdir *d;
	(void)state;
	assert_non_null(dir);
	snprintf(shipped, sizeof shipped, "%s/shipped.tsv", dir);
	snprintf(other, sizeof other, "%s/other.tsv", dir);
	snprintf(cfg, sizeof cfg, "%s/config", dir);
	snprintf(user, sizeof user, "%s/hubtop/orgs.tsv", cfg);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/hubtop'", cfg);
	assert_int_equal(system(cmd), 0);
	write_file(shipped, s, strlen(s));
	write_file(other, o, strlen(o));
	write_file(user, u, strlen(u));

	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("HUBTOP_ORGS", shipped, 1);
	d = orgdir_new();
	assert_int_equal(orgdir_load_default(d, NULL, diag_reset()), 0);
	assert_int_equal(g_diag.errors, 0);
	assert_string_equal(orgdir_lookup(d, "acme")->name, "Acme (mine)");
	assert_int_equal(orgdir_lookup(d, "acme")->countries[0], cidx("CA"));
	assert_non_null(orgdir_lookup(d, "lab"));
	assert_non_null(orgdir_lookup(d, "myorg"));
	orgdir_free(d);

	/* An explicit path wins over $HUBTOP_ORGS. */
	d = orgdir_new();
	assert_int_equal(orgdir_load_default(d, other, diag_reset()), 0);
	assert_non_null(orgdir_lookup(d, "zeta"));
	assert_null(orgdir_lookup(d, "lab"));
	assert_non_null(orgdir_lookup(d, "myorg"));
	orgdir_free(d);

	/* A missing shipped file is reported, the user's file still loads. */
	setenv("HUBTOP_ORGS", "/nonexistent/hubtop/orgs.tsv", 1);
	d = orgdir_new();
	assert_int_equal(orgdir_load_default(d, NULL, diag_reset()), -1);
	assert_non_null(strstr(g_msgs.text, "/nonexistent/hubtop/orgs.tsv: cannot read"));
	assert_non_null(strstr(g_msgs.text, "HUBTOP_ORGS"));
	assert_non_null(orgdir_lookup(d, "myorg"));
	orgdir_free(d);

	/* No user file: nothing to report. */
	setenv("HUBTOP_ORGS", shipped, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	d = orgdir_new();
	assert_int_equal(orgdir_load_default(d, NULL, diag_reset()), 0);
	assert_int_equal(g_diag.errors, 0);
	assert_null(orgdir_lookup(d, "myorg"));
	orgdir_free(d);
}

static void test_types(void **state)
{
	(void)state;
	for (int t = 0; t < OT_COUNT; t++) {
		assert_int_equal(orgdir_type_find(orgdir_type_key((enum org_type)t)), t);
		assert_true(orgdir_type_name((enum org_type)t)[0] != '\0');
	}
	assert_string_equal(orgdir_type_key(OT_NONPROFIT), "non-profit");
	assert_string_equal(orgdir_type_key(OT_UNKNOWN_ORG), "unknown-org");
	assert_string_equal(orgdir_type_name(OT_UNKNOWN_ORG), "Unknown organisation");
	assert_int_equal(orgdir_type_find("ACADEMIA"), OT_ACADEMIA);
	assert_int_equal(orgdir_type_find("company"), -1);
	assert_int_equal(orgdir_type_find(""), -1);
	assert_int_equal(orgdir_type_find(NULL), -1);
}

/* $HUBTOP_ORGS as make check sets it, before test_load_default changes it. */
static char g_shipped[4096];

/* The shipped directory must be valid, whole. */
/* The strict check's extras: same_as names listed twice, entries without a
 * country listed apart (not problems), counts by type. */
static void test_check_full(void **state)
{
	const char *dir = testutil_tmpdir("test_orgdir_check_full");
	char path[1200];
	const char *t = "big\tBig\tUS\tindustry\tbig-old\t\n"
			"big-old\tBig (old)\t\tindustry\tbig\trenamed; counts for big's country\n"
			"one\tOne\tFR\tindustry\tshared\t\n"
			"two\tTwo\tDE\tacademia\tshared,Mirror,mirror\t\n"
			"solo\tSolo\t\tindependent\t\thome not public\n"
			"collective\tCollective\t\tcommunity\t\tno single home\n"
			"notype\tNo type\tUS\t\t\t\n";
	struct msgs none;
	struct orgdir_diag nd = { collect, &none, 0 };
	struct orgdir_check st;
	unsigned n;
	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/full.tsv", dir);
	write_file(path, t, strlen(t));
	memset(&none, 0, sizeof none);
	n = orgdir_check_full(path, diag_reset(), &nd, &st);
	assert_int_equal(n, 3);
	assert_non_null(strstr(g_msgs.text, ":4: 'shared' in same_as is also in the same_as of 'one' "
			       "(line 3) and has no line of its own"));
	assert_non_null(strstr(g_msgs.text, ":4: same_as names 'mirror' twice"));
	assert_non_null(strstr(g_msgs.text, ":7: no type for 'notype'"));
	/* Listed for review: no country of their own nor of their organisation. */
	assert_int_equal(none.n, 2);
	assert_non_null(strstr(none.text, ":5: solo\tindependent\thome not public"));
	assert_non_null(strstr(none.text, ":6: collective\tcommunity\tno single home"));
	assert_null(strstr(none.text, "big-old"));
	assert_int_equal(st.entries, 6);
	assert_int_equal(st.no_country, 2);
	assert_int_equal(st.by_type[OT_INDUSTRY], 3);
	assert_int_equal(st.by_type[OT_ACADEMIA], 1);
	assert_int_equal(st.by_type[OT_INDEPENDENT], 1);
	assert_int_equal(st.aliases, 2);
	/* orgdir_check_file counts the same problems. */
	assert_int_equal(orgdir_check_file(path, diag_reset()), 3);
}

static void test_shipped_file(void **state)
{
	const char *path = g_shipped;
	struct orgdir *d;
	unsigned problems;
	(void)state;
	if (!*path) {
		print_message("HUBTOP_ORGS not set (run through make check): shipped file not checked\n");
		skip();
	}
	d = orgdir_new();
	if (orgdir_load_file(d, path, NULL) < 0 || orgdir_count(d) == 0) {
		orgdir_free(d);
		print_message("%s is missing or has no entries yet: not checked\n", path);
		skip();
	}
	orgdir_free(d);
	{
		struct orgdir_check st;
		problems = orgdir_check_full(path, diag_reset(), NULL, &st);
		if (problems)
			fail_msg("%u problems in %s:\n%s", problems, path, g_msgs.text);
		/* The directory of today's Hub: at least 3,000 accounts. */
		if (st.entries < 3000)
			fail_msg("%s has %u entries, expected at least 3000", path, st.entries);
	}
}

int main(void)
{
	const char *shipped = getenv("HUBTOP_ORGS");
	snprintf(g_shipped, sizeof g_shipped, "%s", shipped ? shipped : "");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_lookup),
		cmocka_unit_test(test_override_by_later_file),
		cmocka_unit_test(test_renamed_namespaces),
		cmocka_unit_test(test_same_as_groups),
		cmocka_unit_test(test_override_drops_alias),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_garbage_never_crashes),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_files_and_check),
		cmocka_unit_test(test_load_default),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_check_full),
		cmocka_unit_test(test_shipped_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

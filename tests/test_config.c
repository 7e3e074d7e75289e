/* test_config.c - the configuration file: keys, filter keys, errors with
 * file and line, the default location. */
#include "testutil.h"

#include "hubtop/config.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"

struct msgs {
	unsigned n;
	char text[8][1200];
};

static void collect(void *ctx, const char *msg)
{
	struct msgs *m = ctx;
	if (m->n < 8)
		snprintf(m->text[m->n], sizeof m->text[0], "%s", msg);
	m->n++;
}

static void test_defaults(void **state)
{
	struct config c;
	(void)state;
	unsetenv("NO_COLOR");
	config_init(&c);
	assert_string_equal(c.pane, "");
	assert_string_equal(c.theme, "default");
	assert_int_equal(c.color, 1);
	assert_int_equal(c.ascii, 0);
	assert_int_equal(c.filter.window, WIN_30D);
	setenv("NO_COLOR", "1", 1);
	config_init(&c);
	assert_int_equal(c.color, 0);
	unsetenv("NO_COLOR");
}

static void test_good_file(void **state)
{
	struct config c;
	struct msgs m = { 0 };
	(void)state;
	config_init(&c);
	unsigned bad = config_load_string(&c,
		"# hubtop settings\n"
		"\n"
		"pane = regions\n"
		"  theme=light  \r\n"
		"ascii = yes\n"
		"window = all\n"
		"by = lineage\n"
		"country = CN,US\n"
		"org-type = industry\n"
		"min-downloads = 10\n"
		"search = \" llama\"\n",
		"cfg", collect, &m);
	assert_int_equal(bad, 0);
	assert_int_equal(m.n, 0);
	assert_string_equal(c.pane, "regions");
	assert_string_equal(c.theme, "light");
	assert_int_equal(c.ascii, 1);
	assert_int_equal(c.filter.window, WIN_ALL);
	assert_int_equal(c.filter.by, 1);
	assert_true(filter_has_country(&c.filter, (unsigned)country_find("CN")));
	assert_true(filter_has_country(&c.filter, (unsigned)country_find("US")));
	assert_false(filter_has_country(&c.filter, (unsigned)country_find("FR")));
	assert_int_equal(c.filter.types, 1u << OT_INDUSTRY);
	assert_int_equal(c.filter.min_downloads, 10);
	assert_string_equal(c.filter.search, " llama");
}

static void test_errors_have_lines(void **state)
{
	struct config c;
	struct msgs m = { 0 };
	(void)state;
	config_init(&c);
	unsigned bad = config_load_string(&c,
		"pane = models\n"
		"no equals sign here\n"
		"colour = maybe\n"
		"country = XX\n"
		"frobnicate = 1\n"
		"theme = neon\n"
		"pane = nowhere\n"
		"window = 30d\n",
		"/etc/hubtop.conf", collect, &m);
	assert_int_equal(bad, 6);
	assert_int_equal(m.n, 6);
	assert_non_null(strstr(m.text[0], "/etc/hubtop.conf:2: "));
	assert_non_null(strstr(m.text[1], "/etc/hubtop.conf:3: "));
	assert_non_null(strstr(m.text[2], "/etc/hubtop.conf:4: "));
	assert_non_null(strstr(m.text[2], "XX"));
	assert_non_null(strstr(m.text[3], ":5: unknown key 'frobnicate'"));
	assert_non_null(strstr(m.text[4], ":6: unknown theme 'neon'"));
	assert_non_null(strstr(m.text[4], "mono"));
	assert_non_null(strstr(m.text[5], ":7: unknown pane 'nowhere'"));
	/* The good lines around the bad ones still apply. */
	assert_string_equal(c.pane, "models");
	assert_string_equal(c.theme, "default");
	assert_int_equal(c.filter.window, WIN_30D);
}

/* columns.PANE: the columns of a pane, as the export names them; an
 * unknown column or a pane without columns to choose is a bad line, with
 * its file and line and the closest name. */
static void test_columns(void **state)
{
	struct config c;
	struct msgs m = { 0 };
	(void)state;
	config_init(&c);
	assert_string_equal(c.columns[HT_PANE_models], "");
	unsigned bad = config_load_string(&c,
		"columns.models = id, Ctry, Downloads, task, author\n"
		"columns.orgs = downloads,contry\n"
		"Columns.Regions = Likes,Of models\n"
		"columns.trends = likes\n"
		"columns.datasets = Org type\n",
		"cfg", collect, &m);
	assert_int_equal(bad, 2);
	assert_string_equal(c.columns[HT_PANE_models], "country,downloads,pipeline_tag,author");
	assert_string_equal(c.columns[HT_PANE_orgs], "");
	assert_string_equal(c.columns[HT_PANE_regions], "likes,count_share");
	assert_string_equal(c.columns[HT_PANE_datasets], "org_type");
	assert_non_null(strstr(m.text[0], "cfg:2: columns.orgs: unknown column 'contry' for orgs (did you mean 'country'"));
	assert_non_null(strstr(m.text[1], "cfg:4: columns.trends: no pane 'trends' with columns to choose"));
}

static void test_mono_turns_colour_off(void **state)
{
	struct config c;
	(void)state;
	unsetenv("NO_COLOR");
	config_init(&c);
	assert_int_equal(config_load_string(&c, "theme = mono\ncolor = yes\n", "x", NULL, NULL), 0);
	assert_int_equal(c.color, 0);
	config_init(&c);
	assert_int_equal(config_load_string(&c, "color = no\n", "x", NULL, NULL), 0);
	assert_int_equal(c.color, 0);
}

static void test_files(void **state)
{
	struct config c;
	struct msgs m = { 0 };
	char path[1300], dflt[1200];
	const char *dir = testutil_tmpdir("test_config");
	(void)state;
	if (!dir) {
		fail_msg("cannot make a scratch folder");
		return;
	}

	/* A missing file is fine: defaults apply. */
	snprintf(path, sizeof path, "%s/missing", dir);
	config_init(&c);
	assert_int_equal(config_load(&c, path, collect, &m), 0);
	assert_int_equal(m.n, 0);

	/* The default location follows $XDG_CONFIG_HOME. */
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(config_default_path(dflt, sizeof dflt), 0);
	snprintf(path, sizeof path, "%s/hubtop/config", dir);
	assert_string_equal(dflt, path);
	snprintf(path, sizeof path, "mkdir -p '%s/hubtop'", dir);
	assert_int_equal(system(path), 0);
	FILE *fp = fopen(dflt, "w");
	assert_non_null(fp);
	fputs("pane = orgs\nbogus line\n", fp);
	fclose(fp);
	config_init(&c);
	assert_int_equal(config_load(&c, NULL, collect, &m), 1);
	assert_string_equal(c.pane, "orgs");
	snprintf(path, sizeof path, "%s:2: ", dflt);
	assert_non_null(strstr(m.text[0], path));

	/* Without XDG_CONFIG_HOME: ~/.config. */
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(config_default_path(dflt, sizeof dflt), 0);
	assert_string_equal(dflt, "/home/someone/.config/hubtop/config");

	/* An unreadable path (a folder) is reported, not fatal. */
	m.n = 0;
	config_init(&c);
	assert_int_equal(config_load(&c, dir, collect, &m), 1);
	assert_int_equal(m.n, 1);
	assert_non_null(strstr(m.text[0], dir));
}

static void test_long_and_odd_lines(void **state)
{
	struct config c;
	struct msgs m = { 0 };
	char *big = malloc(5000);
	(void)state;
	assert_non_null(big);
	memset(big, 'a', 4000);
	memcpy(big + 4000, "\npane = trends\n= x\n", 20);
	config_init(&c);
	assert_int_equal(config_load_string(&c, big, "f", collect, &m), 2);
	assert_non_null(strstr(m.text[0], "f:1: line too long"));
	assert_non_null(strstr(m.text[1], "f:3: missing key"));
	assert_string_equal(c.pane, "trends");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_mono_turns_colour_off),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_long_and_odd_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

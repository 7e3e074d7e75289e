/* keys.c - the explorer's keys as text for the README and the man page
 * (`hubtop keys`), made from the request table (request.h), the pane
 * registry (panes.h) and the help's mouse lines, so the documents say
 * what the help screen and the key dispatch do. */
#include <stdio.h>
#include <string.h>

#include "hubtop/tui.h"
#include "hubtop/view.h"

static const struct view_ops *const keys_panes[HT_PANE_COUNT] = {
#define KEYS_PANE_OPS(sym, key) &view_##sym##_ops,
	HT_PANES(KEYS_PANE_OPS)
#undef KEYS_PANE_OPS
};

/* The mouse is no request; the same lines as the help's. */
static const char *const keys_mouse[][2] = {
	{ "Click", "Select a row; on a pane tab: that pane" },
	{ "Click a title", "Sort by that column (again: reverse)" },
	{ "Double click", "Drill down, as Enter" },
	{ "Wheel", "Scroll three rows" },
};

/* Text for roff: a backslash is \e, a line never starts with . or '. */
static void keys_roff(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

/* "`a` `b`" for markdown, "a, b" in bold for roff. */
static void keys_list(FILE *fp, const char *keys, int man)
{
	int first = 1;
	while (*keys) {
		size_t n = strcspn(keys, " ");
		char k[32];
		snprintf(k, sizeof k, "%.*s", (int)n, keys);
		if (man) {
			fputs(first ? "\\fB" : "\\fR, \\fB", fp);
			keys_roff(fp, k);
		} else {
			/* A backtick inside a code span needs a longer fence. */
			fprintf(fp, "%s%s", first ? "" : " ", strchr(k, '`') ? "`` " : "`");
			fputs(k, fp);
			fputs(strchr(k, '`') ? " ``" : "`", fp);
		}
		first = 0;
		keys += n;
		while (*keys == ' ')
			keys++;
	}
	if (man)
		fputs("\\fR", fp);
}

static void keys_row(FILE *fp, const char *keys, const char *name, const char *help, int man)
{
	if (man) {
		fputs(".TP\n", fp);
		keys_list(fp, keys, 1);
		fputc('\n', fp);
		keys_roff(fp, help);
		if (name) {
			fputs(" (\\fB:", fp);
			keys_roff(fp, name);
			fputs("\\fR)", fp);
		}
		fputc('\n', fp);
	} else {
		fputs("| ", fp);
		keys_list(fp, keys, 0);
		fprintf(fp, " | %s%s%s | ", name ? "`" : "", name ? name : "", name ? "`" : "");
		for (const char *s = help; *s; s++)
			fputs(*s == '|' ? "\\|" : (char[2]){ *s, 0 }, fp);
		fputs(" |\n", fp);
	}
}

static void keys_group(FILE *fp, const char *title, int man)
{
	if (man) {
		fputs(".SS ", fp);
		keys_roff(fp, title);
		fputc('\n', fp);
	} else {
		fprintf(fp, "| **%s** | | |\n", title);
	}
}

int tui_keys_print(FILE *fp, const char *format)
{
	int man = !strcmp(format, "man");
	if (!man && strcmp(format, "markdown"))
		return -1;
	if (!man)
		fputs("| Keys | `:` command | Action |\n| --- | --- | --- |\n", fp);
	for (unsigned i = 0; i < request_table_len; i++) {
		const struct request_info *r = &request_table[i];
		if (r->group) {
			keys_group(fp, r->group, man);
		} else if (r->req == REQ_PANE_GOTO) {
			for (unsigned k = 0; k < HT_PANE_COUNT; k++) {
				char key[4];
				snprintf(key, sizeof key, "%u", k + 1);
				keys_row(fp, key, pane_keys[k], keys_panes[k]->help, man);
			}
		} else {
			keys_row(fp, r->keys, r->name, r->help, man);
		}
	}
	keys_group(fp, "Mouse", man);
	for (size_t i = 0; i < sizeof keys_mouse / sizeof keys_mouse[0]; i++) {
		if (man) {
			fprintf(fp, ".TP\n%s\n%s\n", keys_mouse[i][0], keys_mouse[i][1]);
		} else {
			fprintf(fp, "| %s | | %s |\n", keys_mouse[i][0], keys_mouse[i][1]);
		}
	}
	return 0;
}

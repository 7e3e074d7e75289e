/* config.c - $XDG_CONFIG_HOME/hubtop/config (see config.h).  A bad line is
 * reported with its file and line number and skipped; the rest still
 * applies, so one typo never locks the user out. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hubtop/config.h"
#include "hubtop/export.h"
#include "hubtop/history.h"
#include "hubtop/panes.h"

#define CONFIG_PANE(sym, key) key,
static const char *const config_panes[] = { HT_PANES(CONFIG_PANE) NULL };
#undef CONFIG_PANE
static const char *const config_themes[] = { "default", "light", "mono", NULL };

void config_init(struct config *c)
{
	const char *nc = getenv("NO_COLOR");
	memset(c, 0, sizeof *c);
	snprintf(c->theme, sizeof c->theme, "default");
	c->color = !(nc && *nc);
	c->ascii = 0;
	filter_init(&c->filter);
}

int config_default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg && *xdg)
		n = snprintf(buf, len, "%s/hubtop/config", xdg);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.config/hubtop/config", home);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void config_report(void (*report)(void *, const char *), void *ctx, const char *name,
			  unsigned line, const char *what)
{
	char msg[1200];
	if (!report)
		return;
	snprintf(msg, sizeof msg, "%s:%u: %s", name, line, what);
	report(ctx, msg);
}

static int config_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcmp(v, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int config_in(const char *const *list, const char *v)
{
	for (int i = 0; list[i]; i++)
		if (strcasecmp(list[i], v) == 0)
			return i;
	return -1;
}

static void config_join(const char *const *list, char *buf, size_t len)
{
	size_t pos = 0;
	buf[0] = '\0';
	for (int i = 0; list[i] && pos < len; i++) {
		int n = snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "", list[i]);
		if (n < 0)
			break;
		pos += (size_t)n;
	}
}

/* One "key = value" line (already trimmed, not a comment).  0 ok; -1 with
 * what went wrong in err. */
static int config_line(struct config *c, char *line, char *err, size_t errlen)
{
	char *eq = strchr(line, '=');
	char *key = line, *val, *end;
	char list[512];
	int b, i;

	if (!eq) {
		snprintf(err, errlen, "expected 'key = value', got '%.200s'", line);
		return -1;
	}
	*eq = '\0';
	val = eq + 1;
	for (end = eq; end > key && isspace((unsigned char)end[-1]); end--)
		end[-1] = '\0';
	while (isspace((unsigned char)*val))
		val++;
	if (!*key) {
		snprintf(err, errlen, "missing key before '='");
		return -1;
	}
	/* Values may be quoted to keep leading or trailing spaces. */
	size_t vl = strlen(val);
	if (vl >= 2 && ((val[0] == '"' && val[vl - 1] == '"') || (val[0] == '\'' && val[vl - 1] == '\''))) {
		val[vl - 1] = '\0';
		val++;
	}
	if (!strcasecmp(key, "pane")) {
		i = config_in(config_panes, val);
		if (i < 0) {
			config_join(config_panes, list, sizeof list);
			snprintf(err, errlen, "unknown pane '%.100s': expected one of %s", val, list);
			return -1;
		}
		snprintf(c->pane, sizeof c->pane, "%s", config_panes[i]);
		return 0;
	}
	if (!strcasecmp(key, "theme")) {
		i = config_in(config_themes, val);
		if (i < 0) {
			config_join(config_themes, list, sizeof list);
			snprintf(err, errlen, "unknown theme '%.100s': expected one of %s", val, list);
			return -1;
		}
		snprintf(c->theme, sizeof c->theme, "%s", config_themes[i]);
		if (i == 2)
			c->color = 0;
		return 0;
	}
	if (!strcasecmp(key, "history-keep")) {
		struct history_keep k;
		struct store_err he;
		if (history_parse_keep(val, &k, &he) != 0) {
			snprintf(err, errlen, "%s", he.msg);
			return -1;
		}
		history_keep_text(&k, c->history_keep, sizeof c->history_keep);
		return 0;
	}
	if (!strcasecmp(key, "ascii") || !strcasecmp(key, "color") || !strcasecmp(key, "colour")) {
		if (config_bool(val, &b) != 0) {
			snprintf(err, errlen, "bad value '%.100s' for %.16s: expected yes or no", val, key);
			return -1;
		}
		if (!strcasecmp(key, "ascii"))
			c->ascii = b;
		else
			c->color = b && strcmp(c->theme, "mono") != 0;
		return 0;
	}
	if (!strncasecmp(key, "columns.", 8)) {
		struct export_req q;
		char cerr[900];
		memset(&q, 0, sizeof q);
		q.items = HT_MODELS;
		i = config_in(config_panes, key + 8);
		if (i < 0 || export_req_find(config_panes[i], &q) != 0 || q.view != EXPORT_RANKING ||
		    (q.pane != PANE_MODELS && q.pane != PANE_DATASETS && q.pane != PANE_COUNTRIES && q.pane != PANE_ORGS)) {
			snprintf(err, errlen, "%.40s: no pane '%.40s' with columns to choose: columns.models, "
				 "columns.datasets, columns.regions or columns.orgs", key, key + 8);
			return -1;
		}
		if (q.pane == PANE_DATASETS)
			q.items = HT_DATASETS;
		if (export_columns_set(&q, val, cerr, sizeof cerr) != 0) {
			snprintf(err, errlen, "%.40s: %s", key, cerr);
			return -1;
		}
		snprintf(c->columns[i], sizeof c->columns[i], "%s", q.columns);
		return 0;
	}
	for (i = 0; filter_keys[i]; i++) {
		if (!strcasecmp(key, filter_keys[i])) {
			char ferr[512];
			if (filter_set(&c->filter, filter_keys[i], val, ferr, sizeof ferr) != 0) {
				snprintf(err, errlen, "%s", ferr);
				return -1;
			}
			return 0;
		}
	}
	config_join(filter_keys, list, sizeof list);
	snprintf(err, errlen, "unknown key '%.64s': expected pane, theme, ascii, color, history-keep, columns.PANE or a filter key (%s)",
		 key, list);
	return -1;
}

unsigned config_load_string(struct config *c, const char *text, const char *name,
			    void (*report)(void *ctx, const char *msg), void *ctx)
{
	unsigned bad = 0, lineno = 0;
	const char *p = text;
	char line[2048], err[1024];

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (n >= sizeof line) {
			config_report(report, ctx, name, lineno, "line too long (more than 2047 bytes)");
			bad++;
			p = nl ? nl + 1 : NULL;
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : NULL;
		if (strlen(line) < n) {
			config_report(report, ctx, name, lineno, "NUL byte in the line");
			bad++;
			continue;
		}
		/* Trim; strip a CR of CRLF files; skip blanks and comments. */
		char *s = line, *e = line + n;
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (config_line(c, s, err, sizeof err) != 0) {
			config_report(report, ctx, name, lineno, err);
			bad++;
		}
	}
	return bad;
}

unsigned config_load(struct config *c, const char *path,
		     void (*report)(void *ctx, const char *msg), void *ctx)
{
	char def[4096], msg[4200];
	FILE *fp;
	char *text;
	size_t len = 0, cap = 4096;
	unsigned bad;

	if (!path) {
		if (config_default_path(def, sizeof def) != 0)
			return 0;
		path = def;
	}
	fp = fopen(path, "rb");
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		if (report) {
			snprintf(msg, sizeof msg, "%s: cannot read the configuration: %s", path, strerror(errno));
			report(ctx, msg);
		}
		return 1;
	}
	text = malloc(cap);
	while (text) {
		size_t got = fread(text + len, 1, cap - len - 1, fp);
		len += got;
		if (len + 1 < cap)
			break;
		if (cap >= (1u << 20)) {
			/* A configuration is a few lines; a huge file is a mistake. */
			break;
		}
		char *grown = realloc(text, cap * 2);
		if (!grown) {
			free(text);
			text = NULL;
			break;
		}
		text = grown;
		cap *= 2;
	}
	int rerr = ferror(fp) ? errno : 0;
	fclose(fp);
	if (text && rerr) {
		free(text);
		if (report) {
			snprintf(msg, sizeof msg, "%s: cannot read the configuration: %s", path, strerror(rerr));
			report(ctx, msg);
		}
		return 1;
	}
	if (!text) {
		if (report) {
			snprintf(msg, sizeof msg, "%s: out of memory reading the configuration", path);
			report(ctx, msg);
		}
		return 1;
	}
	text[len] = '\0';
	bad = config_load_string(c, text, path, report, ctx);
	free(text);
	return bad;
}

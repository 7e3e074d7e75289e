/* panes.c - names of the explorer's panes (see panes.h). */
#include <stdio.h>
#include <string.h>

#include "hubtop/panes.h"

#define PANES_KEY(sym, key) key,
const char *const pane_keys[HT_PANE_COUNT] = { HT_PANES(PANES_KEY) };
#undef PANES_KEY

int pane_index(const char *name)
{
	static const char *const alias[][2] = {
#define PANES_ALIAS(a, key) { a, key },
		HT_PANE_ALIASES(PANES_ALIAS)
#undef PANES_ALIAS
	};
	for (int i = 0; i < HT_PANE_COUNT; i++)
		if (strcmp(pane_keys[i], name) == 0)
			return i;
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strcmp(alias[i][0], name) == 0)
			return pane_index(alias[i][1]);
	return -1;
}

const char *pane_names(char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (int i = 0; i < HT_PANE_COUNT && at < len; i++) {
		int n = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", pane_keys[i]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return buf;
}

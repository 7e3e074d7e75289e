/* tui.h - the terminal explorer (ncurses). */
#ifndef HUBTOP_TUI_H
#define HUBTOP_TUI_H

#include <stdio.h>

#include "hubtop/session.h"
#include "hubtop/config.h"

/* Runs the explorer until the user quits.  Returns the process exit code. */
int tui_run(struct session *s, const struct config *c);

/* The explorer's keys, from the request table, as a markdown table
 * ("markdown", the README's) or roff ("man", the man page's).  -1 for
 * another format. */
int tui_keys_print(FILE *fp, const char *format);

#endif

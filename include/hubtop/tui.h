/* tui.h - the terminal explorer (ncurses). */
#ifndef HUBTOP_TUI_H
#define HUBTOP_TUI_H

#include "hubtop/session.h"
#include "hubtop/config.h"

/* Runs the explorer until the user quits.  Returns the process exit code. */
int tui_run(struct session *s, const struct config *c);

#endif

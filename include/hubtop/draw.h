/* draw.h - what the terminal front end draws with: display width of UTF-8
 * text, truncation that keeps columns aligned, share bars, number formats,
 * and the colour themes.
 *
 * Owns: the theme in force and the charset choice (UTF-8 or ASCII), set once
 * by draw_init and read by every pane.  The *_str functions touch no
 * terminal, so tests call them without a screen.
 *
 * Cost: every function is linear in the text it is given.
 */
#ifndef HUBTOP_DRAW_H
#define HUBTOP_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include <curses.h>

/* Roles on screen, with their look in each theme:
 * X(role, dark fg, dark bg, dark attr, light fg, light bg, light attr, mono attr).
 * -1 is the terminal's default colour. */
#define DRAW_ROLES(X) \
	X(NORMAL,     -1, -1, A_NORMAL,                 -1, -1, A_NORMAL,            A_NORMAL) \
	X(FIGURES,    COLOR_CYAN, -1, A_NORMAL,         COLOR_BLUE, -1, A_NORMAL,    A_NORMAL) \
	X(FIGLABEL,   -1, -1, A_BOLD,                   -1, -1, A_BOLD,              A_BOLD) \
	X(TAB,        COLOR_WHITE, COLOR_BLUE, A_NORMAL, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_NORMAL) \
	X(TAB_ACTIVE, COLOR_BLACK, COLOR_CYAN, A_BOLD,  COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD) \
	X(COLHDR,     COLOR_BLACK, COLOR_GREEN, A_NORMAL, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_UNDERLINE) \
	X(COLHDR_SORT, COLOR_BLACK, COLOR_CYAN, A_BOLD, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_UNDERLINE | A_BOLD) \
	X(SELECTED,   COLOR_BLACK, COLOR_CYAN, A_NORMAL, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE) \
	X(STATUS,     COLOR_BLACK, COLOR_WHITE, A_NORMAL, COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_REVERSE) \
	X(DEMO,       COLOR_WHITE, COLOR_RED, A_BOLD,  COLOR_WHITE, COLOR_RED, A_BOLD,   A_BOLD | A_REVERSE) \
	X(MESSAGE,    COLOR_GREEN, -1, A_NORMAL,        COLOR_GREEN, -1, A_NORMAL,   A_NORMAL) \
	X(ERROR,      COLOR_RED, -1, A_BOLD,            COLOR_RED, -1, A_BOLD,       A_BOLD) \
	X(PROMPT,     COLOR_YELLOW, -1, A_BOLD,         COLOR_BLUE, -1, A_BOLD,      A_BOLD) \
	X(BAR,        COLOR_GREEN, -1, A_NORMAL,        COLOR_GREEN, -1, A_NORMAL,   A_NORMAL) \
	X(MARK,       COLOR_YELLOW, -1, A_BOLD,         COLOR_MAGENTA, -1, A_BOLD,   A_BOLD) \
	X(DIM,        COLOR_BLUE, -1, A_BOLD,           COLOR_BLACK, -1, A_DIM,      A_DIM) \
	X(SEG0,       COLOR_BLUE, -1, A_NORMAL,         COLOR_BLUE, -1, A_NORMAL,    A_NORMAL) \
	X(SEG1,       COLOR_GREEN, -1, A_NORMAL,        COLOR_GREEN, -1, A_NORMAL,   A_NORMAL) \
	X(SEG2,       COLOR_MAGENTA, -1, A_NORMAL,      COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL) \
	X(SEG3,       COLOR_YELLOW, -1, A_NORMAL,       COLOR_YELLOW, -1, A_NORMAL,  A_NORMAL) \
	X(SEG4,       COLOR_CYAN, -1, A_NORMAL,         COLOR_CYAN, -1, A_NORMAL,    A_NORMAL) \
	X(SEG5,       COLOR_RED, -1, A_NORMAL,          COLOR_RED, -1, A_NORMAL,     A_NORMAL) \
	X(SEG6,       COLOR_WHITE, -1, A_NORMAL,        COLOR_BLACK, -1, A_NORMAL,   A_NORMAL)

enum draw_role {
#define DRAW_ROLE_ENUM(r, f1, b1, a1, f2, b2, a2, m) DR_##r,
	DRAW_ROLES(DRAW_ROLE_ENUM)
#undef DRAW_ROLE_ENUM
	DR_COUNT
};
#define DR_SEGMENTS 7

/* Theme names, NULL-terminated: "default", "light", "mono". */
extern const char *const draw_themes[];
int draw_theme_find(const char *name);   /* -1 if unknown */

/* 1 when charts and ellipses use Unicode; set by draw_init or tests. */
extern int draw_utf8;
/* 1 when the screen shows colours (charts then tell series apart by colour,
 * otherwise by letter). */
extern int draw_color;

/* Decides the charset (locale codeset unless ascii) and, when the screen is
 * up, the colours (none with NO_COLOR, color == 0, theme "mono" or a
 * terminal without colours). */
void draw_init(int ascii, int color, const char *theme, int have_screen);
int draw_attr(enum draw_role r);

/* Display width of UTF-8 text (invalid bytes and unprintable characters
 * count as one column: they are shown as '?'). */
int draw_width(const char *s);
/* s fitted to exactly width columns into out: truncated with an ellipsis
 * (a wide character that would straddle the edge is dropped), padded with
 * spaces, aligned right when right is set.  Returns bytes written. */
size_t draw_fit_str(char *out, size_t outlen, const char *s, int width, int right);
/* A horizontal bar of width columns filled to frac (0..1). */
size_t draw_bar_str(char *out, size_t outlen, double frac, int width);

/* Numbers for humans: "987", "12.3k", "4.56M", "1.20G"; thousands
 * separators "1,234,567"; percentages "45.3%". */
const char *draw_human(uint64_t v, char *buf, size_t len);
const char *draw_thousands(uint64_t v, char *buf, size_t len);
const char *draw_percent(double frac, char *buf, size_t len); /* "n/a" for NAN */
const char *draw_date(int64_t t, char *buf, size_t len);   /* "2024-05-01", "-" unknown */

/* Screen helpers: text fitted into [x, x+width) of line y, in a role. */
void draw_text(WINDOW *w, int y, int x, int width, const char *s, int right, enum draw_role r);
/* A stacked bar of width columns at (y, x): value i gets its rounded share
 * of the width (the largest remainders take what rounding leaves), drawn
 * in segment role i, as a block or, without colour, as letters[i % len].
 * Nothing is drawn when the values sum to 0.  n at most 32. */
void draw_stacked(WINDOW *w, int y, int x, int width, const uint64_t *vals, unsigned n, const char *letters);
void draw_bar(WINDOW *w, int y, int x, int width, double frac, enum draw_role r);
/* Fills line y from x to the right edge with spaces in a role. */
void draw_clear_line(WINDOW *w, int y, int x, enum draw_role r);
/* Line y of w holds only s, in role r: a box too small to draw shows its
 * current entry this way on the message line. */
void draw_line_only(WINDOW *w, int y, const char *s, enum draw_role r);
/* The h x width box at (y, x) blanked, before a popup draws into it. */
void draw_blank_box(WINDOW *w, int y, int x, int width, int h);

#endif

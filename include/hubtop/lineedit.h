/* lineedit.h - a line of UTF-8 text being edited: the buffer, the cursor
 * and the edits a shell line offers (characters, Backspace, Delete,
 * Ctrl-W, Ctrl-U, moves).  The prompt view draws it and maps keys to
 * these calls through the request table; tests drive it without a screen.
 *
 * Owns its buffer (fixed size, given at init).  Each edit is linear in the
 * length of the line.  An edit that would overflow the buffer or split a
 * character is refused and leaves the line as it was.
 */
#ifndef HUBTOP_LINEEDIT_H
#define HUBTOP_LINEEDIT_H

#include <stddef.h>

#define LINEEDIT_MAX 1024

struct line_edit {
	char text[LINEEDIT_MAX];
	size_t max;         /* the text holds at most max - 1 bytes */
	size_t cur;         /* cursor, a byte offset on a character boundary */
};

/* Starts with text (cut to max - 1 bytes on a character boundary), the
 * cursor at its end.  max is at most LINEEDIT_MAX. */
void lineedit_init(struct line_edit *e, const char *text, size_t max);

/* Edits: each returns 1 when the text changed, 0 otherwise. */
int lineedit_insert(struct line_edit *e, const char *utf8, size_t len);
int lineedit_backspace(struct line_edit *e);
int lineedit_delete(struct line_edit *e);
int lineedit_delete_word(struct line_edit *e);   /* the word before the cursor */
int lineedit_clear(struct line_edit *e);

/* Moves: never change the text. */
void lineedit_left(struct line_edit *e);
void lineedit_right(struct line_edit *e);
void lineedit_home(struct line_edit *e);
void lineedit_end(struct line_edit *e);

#endif

/* lineedit.c - an editable UTF-8 line (see lineedit.h). */
#include <string.h>

#include "hubtop/lineedit.h"

static int lineedit_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t lineedit_prev(const char *s, size_t pos)
{
	while (pos > 0 && lineedit_cont(s[--pos]))
		;
	return pos;
}

static size_t lineedit_next(const char *s, size_t pos)
{
	if (!s[pos])
		return pos;
	pos++;
	while (lineedit_cont(s[pos]))
		pos++;
	return pos;
}

void lineedit_init(struct line_edit *e, const char *text, size_t max)
{
	size_t n = strlen(text ? text : "");
	e->max = max && max <= LINEEDIT_MAX ? max : LINEEDIT_MAX;
	if (n > e->max - 1)
		n = e->max - 1;
	while (n > 0 && lineedit_cont(text[n]))
		n--;
	memcpy(e->text, text ? text : "", n);
	e->text[n] = '\0';
	e->cur = n;
}

int lineedit_insert(struct line_edit *e, const char *utf8, size_t len)
{
	size_t have = strlen(e->text);
	if (!len || have + len >= e->max)
		return 0;
	memmove(e->text + e->cur + len, e->text + e->cur, have - e->cur + 1);
	memcpy(e->text + e->cur, utf8, len);
	e->cur += len;
	return 1;
}

int lineedit_backspace(struct line_edit *e)
{
	size_t p;
	if (!e->cur)
		return 0;
	p = lineedit_prev(e->text, e->cur);
	memmove(e->text + p, e->text + e->cur, strlen(e->text + e->cur) + 1);
	e->cur = p;
	return 1;
}

int lineedit_delete(struct line_edit *e)
{
	size_t p;
	if (!e->text[e->cur])
		return 0;
	p = lineedit_next(e->text, e->cur);
	memmove(e->text + e->cur, e->text + p, strlen(e->text + p) + 1);
	return 1;
}

int lineedit_delete_word(struct line_edit *e)
{
	size_t p = e->cur;
	while (p > 0 && e->text[p - 1] == ' ')
		p--;
	while (p > 0 && e->text[p - 1] != ' ')
		p--;
	if (p == e->cur)
		return 0;
	memmove(e->text + p, e->text + e->cur, strlen(e->text + e->cur) + 1);
	e->cur = p;
	return 1;
}

int lineedit_clear(struct line_edit *e)
{
	int had = e->text[0] != '\0';
	e->text[0] = '\0';
	e->cur = 0;
	return had;
}

void lineedit_left(struct line_edit *e)
{
	e->cur = lineedit_prev(e->text, e->cur);
}

void lineedit_right(struct line_edit *e)
{
	e->cur = lineedit_next(e->text, e->cur);
}

void lineedit_home(struct line_edit *e)
{
	e->cur = 0;
}

void lineedit_end(struct line_edit *e)
{
	e->cur = strlen(e->text);
}

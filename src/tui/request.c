/* request.c - the request table, key names and the key maps of each
 * context (see request.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curses.h>

#include "hubtop/request.h"

const struct request_info request_table[] = {
#define REQ_ROW(id, name, keys, help) { REQ_##id, name, keys, help, NULL, REQ_CONTEXT },
#define REQ_GRP(g) { REQ_NONE, NULL, NULL, NULL, g, REQ_CONTEXT },
#define REQ_CONTEXT REQ_CTX_PANE
	REQ_INFO(REQ_ROW, REQ_GRP)
#undef REQ_CONTEXT
#define REQ_CONTEXT REQ_CTX_PICKER
	REQ_PICKER_INFO(REQ_ROW, REQ_GRP)
#undef REQ_CONTEXT
#define REQ_CONTEXT REQ_CTX_PROMPT
	REQ_PROMPT_INFO(REQ_ROW, REQ_GRP)
#undef REQ_CONTEXT
#define REQ_CONTEXT REQ_CTX_CONFIRM
	REQ_CONFIRM_INFO(REQ_ROW, REQ_GRP)
#undef REQ_CONTEXT
#undef REQ_ROW
#undef REQ_GRP
};
const unsigned request_table_len = sizeof request_table / sizeof request_table[0];

const struct request_info *request_info(enum request r)
{
	for (unsigned i = 0; i < request_table_len; i++)
		if (request_table[i].req == r && !request_table[i].group)
			return &request_table[i];
	return NULL;
}

enum request request_find(const char *name)
{
	for (unsigned i = 0; i < request_table_len; i++)
		if (request_table[i].name && strcasecmp(request_table[i].name, name) == 0)
			return request_table[i].req;
	return REQ_NONE;
}

int request_key_code(const char *k, size_t len)
{
	static const struct { const char *name; int code; } named[] = {
		{ "Enter", '\n' }, { "Esc", 27 }, { "Tab", '\t' }, { "S-Tab", KEY_BTAB },
		{ "Backspace", KEY_BACKSPACE }, { "Del", KEY_DC }, { "Space", ' ' }, { "Up", KEY_UP },
		{ "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
		{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME },
		{ "End", KEY_END },
	};
	if (len == 1)
		return (unsigned char)k[0];
	if (len == 2 && k[0] == '^')
		return k[1] & 0x1f;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strlen(named[i].name) == len && strncmp(named[i].name, k, len) == 0)
			return named[i].code;
	if (len >= 2 && len <= 3 && k[0] == 'F') {
		int n = atoi(k + 1);
		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	return -1;
}

int request_key_seq(const char *k, size_t len, int *first, int *second)
{
	if (len != 2 || k[0] == '^' || k[0] <= ' ' || k[0] > '~' || k[1] <= ' ' || k[1] > '~' ||
	    request_key_code(k, len) >= 0)
		return 0;
	*first = (unsigned char)k[0];
	*second = (unsigned char)k[1];
	return 1;
}

/* The first request of ctx with a sequence first, second (any second when
 * second < 0). */
static enum request seq_find(enum req_context ctx, int first, int second)
{
	for (unsigned i = 0; i < request_table_len; i++) {
		const struct request_info *r = &request_table[i];
		const char *k = r->keys;
		if (r->context != ctx)
			continue;
		while (k && *k) {
			size_t n = strcspn(k, " ");
			int a, b;
			if (request_key_seq(k, n, &a, &b) && a == first && (second < 0 || b == second))
				return r->req;
			k += n;
			while (*k == ' ')
				k++;
		}
	}
	return REQ_NONE;
}

enum request request_for_seq(enum req_context ctx, int first, int second)
{
	return second < 0 ? REQ_NONE : seq_find(ctx, first, second);
}

int request_seq_starts(enum req_context ctx, int key)
{
	return key >= 0 && seq_find(ctx, key, -1) != REQ_NONE;
}

/* The same key as terminals send it in other ways. */
static int request_key_normal(int key)
{
	switch (key) {
	case '\r': case KEY_ENTER: return '\n';
	case 127: case 8: return KEY_BACKSPACE;
	default: return key;
	}
}

_Static_assert(REQ_COUNT <= 256, "the key maps hold a request in a byte");

enum request request_for_key(enum req_context ctx, int key)
{
	static unsigned char map[REQ_CTX_COUNT][KEY_MAX + 1];
	static int built;
	if (!built) {
		for (unsigned i = 0; i < request_table_len; i++) {
			const struct request_info *r = &request_table[i];
			const char *k = r->keys;
			while (k && *k) {
				size_t n = strcspn(k, " ");
				int code = request_key_code(k, n);
				/* The first request of a context to claim a key keeps it. */
				if (code >= 0 && code <= KEY_MAX && !map[r->context][code])
					map[r->context][code] = (unsigned char)r->req;
				k += n;
				while (*k == ' ')
					k++;
			}
		}
		built = 1;
	}
	key = request_key_normal(key);
	return ctx < REQ_CTX_COUNT && key >= 0 && key <= KEY_MAX ? (enum request)map[ctx][key] : REQ_NONE;
}

int request_key_is(enum request r, int key)
{
	const struct request_info *ri = request_info(r);
	const char *k = ri ? ri->keys : NULL;
	key = request_key_normal(key);
	while (k && *k) {
		size_t n = strcspn(k, " ");
		if (request_key_code(k, n) == key)
			return 1;
		k += n;
		while (*k == ' ')
			k++;
	}
	return 0;
}

const char *request_key_hint(enum request r)
{
	static char first[REQ_COUNT][16];
	const struct request_info *ri;
	if (r <= REQ_NONE || r >= REQ_COUNT || !(ri = request_info(r)))
		return "";
	if (!first[r][0])
		snprintf(first[r], sizeof first[r], "%.*s", (int)strcspn(ri->keys, " "), ri->keys);
	return first[r];
}

const char *request_hints(char *buf, size_t len, const struct request_hint *h, size_t n, const char *sep)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++) {
		int w = snprintf(buf + at, len - at, "%s%s%s%s", i ? "  " : "", request_key_hint(h[i].req), sep,
				 h[i].label);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return buf;
}

/* test_request.c - the request table: keys per context, the codes
 * terminals send for the same key, names, and the hints drawn from it. */
#include <curses.h>

#include "testutil.h"
#include "hubtop/request.h"

static void test_keys_per_context(void **state)
{
	(void)state;
	/* The same key means different things in a pane, a picker, a prompt. */
	assert_int_equal(request_for_key(REQ_CTX_PANE, ' '), REQ_PAGE_DOWN);
	assert_int_equal(request_for_key(REQ_CTX_PICKER, ' '), REQ_PICK_TOGGLE);
	assert_int_equal(request_for_key(REQ_CTX_PROMPT, ' '), REQ_NONE);   /* typed */
	assert_int_equal(request_for_key(REQ_CTX_PANE, 'j'), REQ_MOVE_DOWN);
	assert_int_equal(request_for_key(REQ_CTX_PICKER, 'j'), REQ_NONE);   /* type-ahead */
	assert_int_equal(request_for_key(REQ_CTX_PANE, KEY_LEFT), REQ_BACK);
	assert_int_equal(request_for_key(REQ_CTX_PROMPT, KEY_LEFT), REQ_EDIT_LEFT);
	assert_int_equal(request_for_key(REQ_CTX_PROMPT, 0x02), REQ_EDIT_LEFT);
	assert_int_equal(request_for_key(REQ_CTX_PROMPT, KEY_DC), REQ_EDIT_DELETE);
	assert_int_equal(request_for_key(REQ_CTX_CONFIRM, 'Y'), REQ_CONFIRM_YES);
	assert_int_equal(request_for_key(REQ_CTX_CONFIRM, '\n'), REQ_CONFIRM_NO);
	/* Codes terminals send for Backspace and Enter. */
	assert_int_equal(request_for_key(REQ_CTX_PANE, 127), REQ_BACK);
	assert_int_equal(request_for_key(REQ_CTX_PANE, 8), REQ_BACK);
	assert_int_equal(request_for_key(REQ_CTX_PROMPT, 127), REQ_EDIT_BACKSPACE);
	assert_int_equal(request_for_key(REQ_CTX_PANE, '\r'), REQ_ENTER);
	assert_int_equal(request_for_key(REQ_CTX_PICKER, KEY_ENTER), REQ_PICK_APPLY);
	assert_int_equal(request_for_key(REQ_CTX_PANE, '5'), REQ_PANE_GOTO);
	assert_int_equal(request_for_key(REQ_CTX_PANE, KEY_F(1)), REQ_HELP);
	assert_int_equal(request_for_key(REQ_CTX_PANE, -1), REQ_NONE);
	/* Esc is back on a pane, and cancels a refresh when one runs. */
	assert_int_equal(request_for_key(REQ_CTX_PANE, 27), REQ_BACK);
	assert_true(request_key_is(REQ_REFRESH_CANCEL, 27));
	assert_false(request_key_is(REQ_REFRESH_CANCEL, 'q'));
	/* gg goes to the top (vim, less); the groups moved to S so that g waits. */
	assert_int_equal(request_for_key(REQ_CTX_PANE, 'g'), REQ_NONE);
	assert_true(request_seq_starts(REQ_CTX_PANE, 'g'));
	assert_int_equal(request_for_seq(REQ_CTX_PANE, 'g', 'g'), REQ_FIRST);
	assert_int_equal(request_for_seq(REQ_CTX_PANE, 'g', 'j'), REQ_NONE);
	assert_false(request_seq_starts(REQ_CTX_PICKER, 'g'));   /* type-ahead */
	assert_false(request_seq_starts(REQ_CTX_PANE, 'j'));
	assert_int_equal(request_for_key(REQ_CTX_PANE, 'S'), REQ_TOGGLE_GROUPS);
	assert_int_equal(request_for_key(REQ_CTX_PANE, 'G'), REQ_LAST);
	assert_int_equal(request_key_code("gg", 2), -1);
}

static void test_table(void **state)
{
	int seen[REQ_COUNT] = { 0 };
	(void)state;
	/* Every request has one row, a name, keys and help; names are unique. */
	for (unsigned i = 0; i < request_table_len; i++) {
		const struct request_info *r = &request_table[i];
		if (r->group)
			continue;
		assert_true(r->req > REQ_NONE && r->req < REQ_COUNT);
		assert_int_equal(seen[r->req]++, 0);
		assert_non_null(r->name);
		assert_non_null(r->help);
		assert_int_equal(request_find(r->name), r->req);
		for (const char *k = r->keys; *k;) {
			size_t n = strcspn(k, " ");
			int first, second;
			assert_true(request_key_code(k, n) >= 0 || request_key_seq(k, n, &first, &second));
			/* A sequence's first key means nothing alone, or the
			 * second would never be read. */
			if (request_key_seq(k, n, &first, &second))
				assert_int_equal(request_for_key(r->context, first), REQ_NONE);
			k += n;
			while (*k == ' ')
				k++;
		}
	}
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++)
		assert_int_equal(seen[r], 1);
	assert_int_equal(request_find("no-such-request"), REQ_NONE);
	assert_null(request_info(REQ_NONE));
	assert_int_equal(request_info(REQ_PICK_ALL)->context, REQ_CTX_PICKER);
}

/* No key means two things in one context (two branches once both took
 * 'i'), but for the pairs that share a key on purpose. */
static void test_keys_unique(void **state)
{
	static const enum request shared[][2] = {
		{ REQ_BACK, REQ_REFRESH_CANCEL },   /* Esc: back, or stops a refresh under way */
	};
	(void)state;
	for (unsigned i = 0; i < request_table_len; i++) {
		const struct request_info *a = &request_table[i];
		if (a->group)
			continue;
		for (unsigned j = i + 1; j < request_table_len; j++) {
			const struct request_info *b = &request_table[j];
			if (b->group || a->context != b->context)
				continue;
			for (const char *k = a->keys; *k;) {
				size_t n = strcspn(k, " ");
				int code = request_key_code(k, n), ok = 0;
				for (size_t s = 0; s < sizeof shared / sizeof shared[0]; s++)
					ok |= (shared[s][0] == a->req && shared[s][1] == b->req) ||
					      (shared[s][1] == a->req && shared[s][0] == b->req);
				if (!ok && request_key_is(b->req, code))
					fail_msg("key '%.*s' is both %s and %s", (int)n, k, a->name, b->name);
				k += n;
				while (*k == ' ')
					k++;
			}
		}
	}
}

static void test_hints(void **state)
{
	static const struct request_hint main_hints[] = {
		{ REQ_HELP, "help" }, { REQ_PANE_NEXT, "panes" }, { REQ_FILTER_TEXT, "filter" },
		{ REQ_QUIT_BACK, "quit" },
	};
	static const struct request_hint pick[] = { { REQ_PICK_TOGGLE, "toggle" }, { REQ_PICK_CANCEL, "cancel" } };
	char buf[128];
	(void)state;
	assert_string_equal(request_key_hint(REQ_HELP), "?");
	assert_string_equal(request_key_hint(REQ_BACK), "Backspace");
	assert_string_equal(request_key_hint(REQ_NONE), "");
	assert_string_equal(request_hints(buf, sizeof buf, main_hints, 4, ":"), "?:help  Tab:panes  \\:filter  q:quit");
	assert_string_equal(request_hints(buf, sizeof buf, pick, 2, " "), "Space toggle  Esc cancel");
	/* Cut, never overrun. */
	assert_string_equal(request_hints(buf, 8, main_hints, 4, ":"), "?:help ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_per_context),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_keys_unique),
		cmocka_unit_test(test_hints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

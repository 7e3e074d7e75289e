/* request.h - everything a user can ask of the explorer, in one table:
 * X(name, default keys, help).  The same table drives key dispatch, the help
 * screen, the key hints on screen and the ':' command prompt, so they
 * cannot disagree.
 *
 * Requests come in contexts: the panes' (REQ_INFO), and those of the views
 * pushed over a pane to ask something (a picker, a line prompt, a yes/no
 * question).  A key means what its context's table says; a printable
 * character no request of a picker or prompt takes is typed text.
 *
 * Keys are space-separated names: a printable character, "^X" (Ctrl-X),
 * "Enter", "Esc", "Tab", "S-Tab", "Backspace", "Del", "Space", "Up", "Down",
 * "Left", "Right", "PgUp", "PgDn", "Home", "End", "F1".."F12"; or two
 * printable characters, a sequence ("gg", as in vim and less): the first
 * key waits for the second and means nothing alone in that context.
 *
 * Owns: the table (read-only) and, in request.c, the key maps built from
 * it on first use.  Look-ups by key are O(1), by name linear.
 */
#ifndef HUBTOP_REQUEST_H
#define HUBTOP_REQUEST_H

#include <stddef.h>

#define REQ_INFO(X, G) \
	G("Panes") \
	X(PANE_NEXT,       "pane-next",       "Tab",          "Next pane") \
	X(PANE_PREV,       "pane-prev",       "S-Tab",        "Previous pane") \
	X(PANE_GOTO,       "pane",            "1 2 3 4 5 6 7 8 9", "The pane of that number (help lists one line per pane)") \
	X(ENTER,           "enter",           "Enter Right",  "Drill down: country, organisation, its accounts, models, detail (Right: columns left out first)") \
	X(BACK,            "back",            "Backspace Esc Left", "Back to the previous view (Left: a list scrolled sideways scrolls back first)") \
	G("Moving") \
	X(MOVE_UP,         "up",              "Up k",         "Move up") \
	X(MOVE_DOWN,       "down",            "Down j",       "Move down") \
	X(PAGE_UP,         "page-up",         "PgUp ^B",      "Page up") \
	X(PAGE_DOWN,       "page-down",       "PgDn ^F Space", "Page down") \
	X(FIRST,           "first",           "Home gg",      "First row") \
	X(LAST,            "last",            "End G",        "Last row") \
	G("Sorting") \
	X(SORT_PREV,       "sort-prev",       "<",            "Sort by the column to the left") \
	X(SORT_NEXT,       "sort-next",       "> F6",         "Sort by the column to the right") \
	X(SORT_REVERSE,    "sort-reverse",    "I",            "Reverse the sort order") \
	X(SORT_DOWNLOADS,  "sort-downloads",  "D",            "Sort by downloads (again: reverse)") \
	X(SORT_LIKES,      "sort-likes",      "K",            "Sort by likes (again: reverse)") \
	X(SORT_TRENDING,   "sort-trending",   "T",            "Sort by trending score (again: reverse)") \
	X(SORT_CREATED,    "sort-created",    "C",            "Sort by creation date (again: reverse)") \
	X(SORT_COUNT,      "sort-count",      "M",            "Sort by number of models (again: reverse)") \
	X(SORT_NAME,       "sort-name",       "A",            "Sort by name (again: reverse)") \
	G("Searching and filtering") \
	X(SEARCH,          "search",          "/ F3",         "Search: jump to the next row that matches") \
	X(FIND_NEXT,       "find-next",       "n",            "Next match") \
	X(FIND_PREV,       "find-prev",       "N",            "Previous match") \
	X(FILTER_TEXT,     "filter-text",     "\\ F4",        "Filter by text in the id; Orgs, Regions: or in the names (hides the rest; a|b: either)") \
	X(PICK_COUNTRY,    "pick-country",    "c",            "Choose countries") \
	X(PICK_ORGTYPE,    "pick-org-type",   "o",            "Choose organisation types") \
	X(PICK_GROUP,      "pick-group",      "r",            "Choose country groups") \
	X(PICK_RELATION,   "pick-relation",   "b",            "Choose relations to a base model (original, finetune, adapter, ...)") \
	X(PICK_LANGUAGE,   "pick-language",   "v",            "Choose languages") \
	X(PICK_SIZE,       "pick-size",       "s",            "Choose model sizes (parameters)") \
	X(FILTER_TASK,     "filter-task",     "t",            "Choose a task (pipeline tag), with shares") \
	X(FILTER_LIBRARY,  "filter-library",  "L",            "Choose a library, with shares") \
	X(FILTER_LICENSE,  "filter-license",  "l",            "Choose a licence, with shares") \
	X(FILTER_MINDL,    "filter-min-downloads", "m",       "Minimum downloads") \
	X(FILTER_DATES,    "filter-created",  "d",            "Creation date range (e.g. 2024..2025)") \
	X(TOGGLE_WINDOW,   "toggle-window",   "w",            "Downloads: last 30 days / all time / periods of the history") \
	X(TOGGLE_ATTRIB,   "toggle-attribution", "a",         "Attribution: uploader / lineage") \
	X(TOGGLE_LEVEL,    "toggle-level",    "O",            "Orgs, Regions, Trends, report: organisations / single accounts") \
	X(TOGGLE_OF,       "toggle-of",       "%",            "Shares of all downloads / of attributed downloads (known country, group, type)") \
	X(TOGGLE_GROUPS,   "toggle-groups",   "S",            "Split: Regions and Trends by countries / groups / types; Movers: models / datasets / orgs / countries") \
	X(TOGGLE_ITEMS,    "toggle-items",    "i",            "Regions, Orgs, Trends, Concentration: models / datasets") \
	X(UNDO,            "undo",            "u",            "Undo the last filter change") \
	X(CLEAR,           "clear",           "x",            "Clear all filters") \
	G("Other") \
	X(EXPORT,          "export",          "e ^S",         "Export the current view (every row) to CSV, TSV or JSONL") \
	X(PICK_COLUMNS,    "pick-columns",    "F2 H",         "Choose the columns shown and exported (Space: show or hide one)") \
	X(COPY_URL,        "copy-url",        "y",            "Copy the Hub URL of the item (detail, Models, Datasets) to the clipboard") \
	X(REFRESH,         "refresh",         "R F5",         "Refresh the snapshot from the Hub (Esc cancels)") \
	X(REFRESH_CANCEL,  "refresh-cancel",  "Esc",          "Cancel the refresh that is running") \
	X(HELP,            "help",            "? F1 h",       "This help") \
	X(PROMPT,          "prompt",          ":",            "Command prompt: a request name, filter KEY VALUE, sort KEY") \
	X(REDRAW,          "redraw",          "^L",           "Redraw the screen") \
	X(QUIT_BACK,       "quit-back",       "q",            "Back, or quit from a pane") \
	X(QUIT,            "quit",            "Q F10",        "Quit")

/* In a picker (c, o, r, b, v, s, t, L, l): a list of choices, typing jumps to a match. */
#define REQ_PICKER_INFO(X, G) \
	G("In a picker") \
	X(PICK_TOGGLE,     "pick-toggle",     "Space",        "Choose or unchoose the entry") \
	X(PICK_ALL,        "pick-all",        "*",            "Choose every entry") \
	X(PICK_NONE,       "pick-none",       "-",            "Choose none (none: any)") \
	X(PICK_APPLY,      "pick-apply",      "Enter",        "Apply the choice") \
	X(PICK_CANCEL,     "pick-cancel",     "Esc",          "Leave without changing the filter") \
	X(PICK_UP,         "pick-up",         "Up",           "Previous entry") \
	X(PICK_DOWN,       "pick-down",       "Down",         "Next entry") \
	X(PICK_PAGE_UP,    "pick-page-up",    "PgUp",         "Ten entries up") \
	X(PICK_PAGE_DOWN,  "pick-page-down",  "PgDn",         "Ten entries down") \
	X(PICK_FIRST,      "pick-first",      "Home",         "First entry") \
	X(PICK_LAST,       "pick-last",       "End",          "Last entry") \
	X(PICK_ERASE,      "pick-erase",      "Backspace",    "Erase the last letter typed to find") \
	X(PICK_FORGET,     "pick-forget",     "^U",           "Forget the letters typed to find")

/* In a line prompt (/, \\, :, filters, export): edits like a shell line. */
#define REQ_PROMPT_INFO(X, G) \
	G("In a prompt") \
	X(EDIT_ACCEPT,     "edit-accept",     "Enter",        "Accept the line") \
	X(EDIT_CANCEL,     "edit-cancel",     "Esc",          "Cancel") \
	X(EDIT_LEFT,       "edit-left",       "Left ^B",      "Cursor left") \
	X(EDIT_RIGHT,      "edit-right",      "Right ^F",     "Cursor right") \
	X(EDIT_HOME,       "edit-home",       "Home ^A",      "Start of the line") \
	X(EDIT_END,        "edit-end",        "End ^E",       "End of the line") \
	X(EDIT_BACKSPACE,  "edit-backspace",  "Backspace",    "Delete the character before the cursor") \
	X(EDIT_DELETE,     "edit-delete",     "Del ^D",       "Delete the character under the cursor") \
	X(EDIT_WORD,       "edit-delete-word", "^W",          "Delete the word before the cursor") \
	X(EDIT_CLEAR,      "edit-clear",      "^U",           "Clear the line") \
	X(EDIT_HIST_PREV,  "edit-history-prev", "Up ^P",      "The previous line typed at this prompt") \
	X(EDIT_HIST_NEXT,  "edit-history-next", "Down ^N",    "The next line typed at this prompt") \
	X(EDIT_COMPLETE,   "edit-complete",   "Tab",          "Complete the word (the : prompt)")

/* In a yes/no question (export over an existing file). */
#define REQ_CONFIRM_INFO(X, G) \
	G("In a question") \
	X(CONFIRM_YES,     "confirm-yes",     "y Y",          "Yes") \
	X(CONFIRM_NO,      "confirm-no",      "n N Esc Enter", "No")

enum req_context {
	REQ_CTX_PANE,       /* a pane, help, detail */
	REQ_CTX_PICKER,
	REQ_CTX_PROMPT,
	REQ_CTX_CONFIRM,
	REQ_CTX_COUNT
};

enum request {
	REQ_NONE = 0,
#define REQ_ENUM(id, name, keys, help) REQ_##id,
#define REQ_SKIP(g)
	REQ_INFO(REQ_ENUM, REQ_SKIP)
	REQ_PICKER_INFO(REQ_ENUM, REQ_SKIP)
	REQ_PROMPT_INFO(REQ_ENUM, REQ_SKIP)
	REQ_CONFIRM_INFO(REQ_ENUM, REQ_SKIP)
#undef REQ_ENUM
#undef REQ_SKIP
	REQ_COUNT
};

struct request_info {
	enum request req;
	const char *name;
	const char *keys;
	const char *help;
	const char *group;   /* non-NULL: a group title line, req is REQ_NONE */
	enum req_context context;
};

/* The table in display order, group titles included. */
extern const struct request_info request_table[];
extern const unsigned request_table_len;

/* The row of a request (never a group title), NULL for REQ_NONE. */
const struct request_info *request_info(enum request r);
/* Request by name ("export"), REQ_NONE if unknown. */
enum request request_find(const char *name);
/* Request a key code (ncurses) means in a context, REQ_NONE if none.
 * Codes terminals send for the same key (DEL and ^H for Backspace, CR
 * for Enter) count as that key. */
enum request request_for_key(enum req_context ctx, int key);
/* 1 when key (normalised as above) is one of r's keys, in any context:
 * for a key that means r only at times (Esc cancels a refresh). */
int request_key_is(enum request r, int key);
/* Parses one key name of the table into an ncurses key code, -1 if unknown
 * (a sequence too). */
int request_key_code(const char *name, size_t len);
/* A sequence's name ("gg"): 1 with its two keys in *first, *second; 0 for
 * any other name. */
int request_key_seq(const char *name, size_t len, int *first, int *second);
/* The request of the sequence first, second in a context, REQ_NONE if none.
 * Linear in the table (a key no map holds: rare). */
enum request request_for_seq(enum req_context ctx, int first, int second);
/* 1 when a sequence of the context starts with key. */
int request_seq_starts(enum req_context ctx, int key);
/* The first key of a request as the table names it ("?", "Tab", "Space"):
 * what hints on screen show.  Static storage; "" for REQ_NONE. */
const char *request_key_hint(enum request r);

/* A line of hints: "KEY<sep>label" for each request, two spaces apart,
 * keys from the table. */
struct request_hint {
	enum request req;
	const char *label;
};
const char *request_hints(char *buf, size_t len, const struct request_hint *h, size_t n, const char *sep);

#endif

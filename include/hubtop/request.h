/* request.h - everything a user can ask of the explorer, in one table:
 * X(name, default keys, help).  The same table drives key dispatch, the help
 * screen and the ':' command prompt, so they cannot disagree.
 *
 * Keys are space-separated names: a printable character, "^X" (Ctrl-X),
 * "Enter", "Esc", "Tab", "S-Tab", "Backspace", "Space", "Up", "Down",
 * "Left", "Right", "PgUp", "PgDn", "Home", "End", "F1".."F12".
 */
#ifndef HUBTOP_REQUEST_H
#define HUBTOP_REQUEST_H

#define REQ_INFO(X, G) \
	G("Panes") \
	X(PANE_NEXT,       "pane-next",       "Tab",          "Next pane") \
	X(PANE_PREV,       "pane-prev",       "S-Tab",        "Previous pane") \
	X(VIEW_MODELS,     "models",          "1",            "Models pane") \
	X(VIEW_DATASETS,   "datasets",        "2",            "Datasets pane") \
	X(VIEW_REGIONS,    "regions",         "3",            "Regions pane (countries or country groups)") \
	X(VIEW_ORGS,       "orgs",            "4",            "Organisations pane (organisations or accounts)") \
	X(VIEW_TRENDS,     "trends",          "5",            "Trends pane (shares by year of creation)") \
	X(VIEW_CONC,       "concentration",   "6",            "Concentration pane (Lorenz curve, top-N shares)") \
	X(ENTER,           "enter",           "Enter",        "Drill down: country, organisation, its accounts, models, detail") \
	X(BACK,            "back",            "Backspace Esc", "Back to the previous view") \
	G("Moving") \
	X(MOVE_UP,         "up",              "Up k",         "Move up") \
	X(MOVE_DOWN,       "down",            "Down j",       "Move down") \
	X(PAGE_UP,         "page-up",         "PgUp ^B",      "Page up") \
	X(PAGE_DOWN,       "page-down",       "PgDn ^F Space", "Page down") \
	X(FIRST,           "first",           "Home",         "First row") \
	X(LAST,            "last",            "End G",        "Last row") \
	G("Sorting") \
	X(SORT_PREV,       "sort-prev",       "<",            "Sort by the column to the left") \
	X(SORT_NEXT,       "sort-next",       ">",            "Sort by the column to the right") \
	X(SORT_REVERSE,    "sort-reverse",    "I",            "Reverse the sort order") \
	X(SORT_DOWNLOADS,  "sort-downloads",  "D",            "Sort by downloads (again: reverse)") \
	X(SORT_LIKES,      "sort-likes",      "K",            "Sort by likes (again: reverse)") \
	X(SORT_TRENDING,   "sort-trending",   "T",            "Sort by trending score (again: reverse)") \
	X(SORT_CREATED,    "sort-created",    "C",            "Sort by creation date (again: reverse)") \
	X(SORT_COUNT,      "sort-count",      "M",            "Sort by number of models (again: reverse)") \
	X(SORT_NAME,       "sort-name",       "A",            "Sort by name (again: reverse)") \
	G("Searching and filtering") \
	X(SEARCH,          "search",          "/",            "Search: jump to the next row that matches") \
	X(FIND_NEXT,       "find-next",       "n",            "Next match") \
	X(FIND_PREV,       "find-prev",       "N",            "Previous match") \
	X(FILTER_TEXT,     "filter-text",     "\\ F4",        "Filter by text in the id (hides the rest)") \
	X(PICK_COUNTRY,    "pick-country",    "c",            "Choose countries") \
	X(PICK_ORGTYPE,    "pick-org-type",   "o",            "Choose organisation types") \
	X(PICK_GROUP,      "pick-group",      "r",            "Choose country groups") \
	X(FILTER_TASK,     "filter-task",     "t",            "Filter by task (pipeline tag)") \
	X(FILTER_LIBRARY,  "filter-library",  "L",            "Filter by library") \
	X(FILTER_LICENSE,  "filter-license",  "l",            "Filter by licence") \
	X(FILTER_MINDL,    "filter-min-downloads", "m",       "Minimum downloads") \
	X(FILTER_DATES,    "filter-created",  "d",            "Creation date range (e.g. 2024..2025)") \
	X(TOGGLE_WINDOW,   "toggle-window",   "w",            "Downloads: last 30 days / all time") \
	X(TOGGLE_ATTRIB,   "toggle-attribution", "a",         "Attribution: uploader / lineage") \
	X(TOGGLE_LEVEL,    "toggle-level",    "O",            "Orgs, Regions, Trends, report: organisations / single accounts") \
	X(TOGGLE_OF,       "toggle-of",       "%",            "Shares of all downloads / of attributed downloads (known country, group, type)") \
	X(TOGGLE_GROUPS,   "toggle-groups",   "g",            "Regions and Trends: countries / groups / types") \
	X(UNDO,            "undo",            "u",            "Undo the last filter change") \
	X(CLEAR,           "clear",           "x",            "Clear all filters") \
	G("Other") \
	X(EXPORT,          "export",          "e ^S",         "Export the current view (every row) to CSV, TSV or JSONL") \
	X(REFRESH,         "refresh",         "R",            "Refresh the snapshot from the Hub (Esc cancels)") \
	X(HELP,            "help",            "? F1",         "This help") \
	X(PROMPT,          "prompt",          ":",            "Command prompt: a request name, filter KEY VALUE, sort KEY") \
	X(REDRAW,          "redraw",          "^L",           "Redraw the screen") \
	X(QUIT_BACK,       "quit-back",       "q",            "Back, or quit from a pane") \
	X(QUIT,            "quit",            "Q",            "Quit")

enum request {
	REQ_NONE = 0,
#define REQ_ENUM(id, name, keys, help) REQ_##id,
#define REQ_SKIP(g)
	REQ_INFO(REQ_ENUM, REQ_SKIP)
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
};

/* The table in display order, group titles included. */
extern const struct request_info request_table[];
extern const unsigned request_table_len;

/* Request by name ("export"), REQ_NONE if unknown. */
enum request request_find(const char *name);
/* Request bound to an ncurses key code, REQ_NONE if none. */
enum request request_for_key(int key);
/* Parses one key name of the table into an ncurses key code, -1 if unknown. */
int request_key_code(const char *name, size_t len);

#endif

/* listmodel.h - the position in a list of rows: how many rows, which is
 * selected, which is the first shown.  Every list of the explorer (panes,
 * help, detail, pickers) moves through these calls, and the drawing code
 * only reads the result, so scrolling is tested without a terminal.
 *
 * Owns nothing but the three numbers; a view's list is written by the
 * kernel's request handling and by the view when it re-opens.
 *
 * Cost: O(1) each, except list_sort_step (linear in the columns).
 */
#ifndef HUBTOP_LISTMODEL_H
#define HUBTOP_LISTMODEL_H

#include <stddef.h>

struct list_model {
	size_t n;           /* rows */
	size_t sel;         /* selected row (0 when n == 0) */
	size_t top;         /* first row shown */
};

/* Moves the selection by delta rows, stopping at the ends. */
void list_move(struct list_model *l, long delta);
/* A page down (dir > 0) or up: selection and top move together by page. */
void list_page(struct list_model *l, int dir, size_t page);
void list_first(struct list_model *l);
void list_last(struct list_model *l);
/* Selects row i when it exists. */
void list_select(struct list_model *l, size_t i);
/* After the row count changed: the selection stays inside the list. */
void list_clamp(struct list_model *l);
/* Before drawing rows lines: top such that the selection is visible and
 * no empty line shows below the last row when the list is long enough. */
void list_scroll(struct list_model *l, size_t rows);
/* Row shown on screen line i (0 = first list line), or n when none. */
size_t list_row_at(const struct list_model *l, size_t line);

/* Sorting by columns.  col_sort[i] is the sort key of column i (-1: not
 * sortable), shown[i] whether it is on screen.  Returns the key of the
 * next (dir > 0) or previous sortable column shown, counting from the one
 * sorted by cur, or -1 when there is none other. */
int list_sort_step(const int *col_sort, const int *shown, unsigned n_cols, int cur, int dir);
/* Choosing key want: the same key again reverses the order, another one
 * takes its natural order (descending, except for name_key). */
void list_sort_choose(int *sort, int *desc, int want, int name_key);

#endif

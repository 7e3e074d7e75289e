/* listmodel.c - selection, scrolling and sort stepping (see listmodel.h). */
#include "hubtop/listmodel.h"

void list_move(struct list_model *l, long delta)
{
	if (!l->n)
		return;
	if (delta < 0)
		l->sel = (size_t)-delta > l->sel ? 0 : l->sel - (size_t)-delta;
	else
		l->sel = l->sel + (size_t)delta < l->n ? l->sel + (size_t)delta : l->n - 1;
}

void list_page(struct list_model *l, int dir, size_t page)
{
	if (dir < 0) {
		l->sel = l->sel > page ? l->sel - page : 0;
		l->top = l->top > page ? l->top - page : 0;
	} else if (l->n) {
		l->sel = l->sel + page < l->n ? l->sel + page : l->n - 1;
		l->top += page;
	}
}

void list_first(struct list_model *l)
{
	l->sel = 0;
}

void list_last(struct list_model *l)
{
	l->sel = l->n ? l->n - 1 : 0;
}

void list_select(struct list_model *l, size_t i)
{
	if (i < l->n)
		l->sel = i;
}

void list_clamp(struct list_model *l)
{
	if (l->sel >= l->n)
		l->sel = l->n ? l->n - 1 : 0;
}

void list_scroll(struct list_model *l, size_t rows)
{
	if (!rows)
		return;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top + rows > l->n)
		l->top = l->n > rows ? l->n - rows : 0;
}

size_t list_row_at(const struct list_model *l, size_t line)
{
	size_t row = l->top + line;
	return row < l->n ? row : l->n;
}

int list_sort_step(const int *col_sort, const int *shown, unsigned n_cols, int cur, int dir)
{
	int at = -1;
	for (unsigned i = 0; i < n_cols; i++)
		if (col_sort[i] >= 0 && col_sort[i] == cur) {
			at = (int)i;
			break;
		}
	for (unsigned step = 1; step <= n_cols; step++) {
		int i = ((at < 0 ? 0 : at) + dir * (int)step + (int)n_cols * 2) % (int)n_cols;
		if (col_sort[i] >= 0 && col_sort[i] != cur && shown[i])
			return col_sort[i];
	}
	return -1;
}

void list_sort_choose(int *sort, int *desc, int want, int name_key)
{
	if (*sort == want) {
		*desc = !*desc;
	} else {
		*sort = want;
		*desc = want != name_key;
	}
}

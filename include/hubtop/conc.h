/* conc.h - the Concentration figures a result does not hold: how few items
 * hold half of the downloads, and the median downloads per item.  The
 * Concentration pane and `hubtop export concentration` both read them.
 *
 * Owns no state.  conc_compute costs O(1) for the median (two
 * engine_row_at) and, for the half, a walk of the ranks until half the
 * downloads are reached: by position (engine_row_at) for the first 4096,
 * then over the result's row order (engine_result_rows, made once per
 * result: O(matches) the first time).
 */
#ifndef HUBTOP_CONC_H
#define HUBTOP_CONC_H

#include <stdint.h>
#include "hubtop/engine.h"

struct conc_figures {
	int known;              /* 0: no counted item, no downloads or a partial snapshot */
	uint64_t half_items;    /* the fewest items (the top ones) holding >= 50% of the downloads */
	double half_share;      /* half_items / counted items */
	uint64_t median;        /* median window downloads per counted item (of an even
				 * count, the mean of the two middle ones, rounded down) */
};

/* 0, or -1 when memory runs out (figures then unknown). */
int conc_compute(const struct engine *e, const struct eng_result *r, struct conc_figures *out);

#endif

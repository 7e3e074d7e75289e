/* conc.c - how few items hold half of the downloads, and the median (see
 * conc.h). */
#include <math.h>
#include <string.h>

#include "hubtop/conc.h"

/* Ranks read one by one (engine_row_at) before the row list is made. */
#define CONC_BY_POSITION 4096

int conc_compute(const struct engine *e, const struct eng_result *r, struct conc_figures *out)
{
	uint64_t sum = 0, i;

	memset(out, 0, sizeof *out);
	out->half_share = NAN;
	/* Counted items are the first r->counted ranks, by downloads
	 * descending; on a partial snapshot the tail is missing. */
	if (!r || r->partial || !r->counted || !r->downloads)
		return 0;
	out->median = engine_item_downloads(e, r, engine_row_at(e, r, (uint32_t)((r->counted - 1) / 2)));
	if (r->counted % 2 == 0) {
		uint64_t hi = engine_item_downloads(e, r, engine_row_at(e, r, (uint32_t)(r->counted / 2)));
		out->median = out->median / 2 + hi / 2 + (out->median % 2 + hi % 2) / 2;
	}
	/* Half the downloads are most often held by a few hundred items:
	 * read by position, without listing every match (an 8 MB list on 2M
	 * models, most of a first open's 30 ms); a longer walk lists them. */
	for (i = 0; i < r->counted && i < CONC_BY_POSITION; i++) {
		sum += engine_item_downloads(e, r, engine_row_at(e, r, (uint32_t)i));
		/* sum >= downloads / 2, exactly, without overflow */
		if (sum >= r->downloads - sum)
			break;
	}
	if (i < r->counted && sum < r->downloads - sum) {
		const uint32_t *rows = engine_result_rows(e, r);
		if (!rows)
			return -1;
		for (; i < r->counted; i++) {
			sum += engine_item_downloads(e, r, rows[i]);
			if (sum >= r->downloads - sum)
				break;
		}
	}
	out->half_items = i < r->counted ? i + 1 : r->counted;
	out->half_share = (double)out->half_items / (double)r->counted;
	out->known = 1;
	return 0;
}

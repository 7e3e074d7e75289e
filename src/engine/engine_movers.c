/* engine_movers.c - who moved between the period's two snapshots: per item,
 * organisation or country of a result, the 30-day downloads and ranks at
 * the start and at the end (engine.h, engine_movers).  Reads the columns
 * engine_set_period made (kdata.pmatch, pdl, pflags) and the start's. */
#include "engine_priv.h"

struct mover_sort {
	const struct eng_mover *m;
	int end; /* rank by dl_end, else by dl_start */
};

static int cmp_rank(const void *pa, const void *pb, void *pc)
{
	const struct mover_sort *c = pc;
	const struct eng_mover *x = &c->m[*(const uint32_t *)pa], *y = &c->m[*(const uint32_t *)pb];
	uint64_t dx = c->end ? x->dl_end : x->dl_start, dy = c->end ? y->dl_end : y->dl_start;
	if (dx != dy)
		return dx < dy ? 1 : -1;
	return (x->key > y->key) - (x->key < y->key);
}

/* Ranks by one end's downloads among the rows ranked there. */
static int set_ranks(struct eng_mover *m, size_t n, int end)
{
	uint32_t *idx = malloc((n + 1) * sizeof *idx), k = 0;
	struct mover_sort c = { m, end };
	if (!idx)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (end ? m[i].end_known : m[i].start_known && !m[i].entrant)
			idx[k++] = (uint32_t)i;
	qsort_r(idx, k, sizeof *idx, cmp_rank, &c);
	for (uint32_t i = 0; i < k; i++) {
		if (end)
			m[idx[i]].rank_end = i + 1;
		else
			m[idx[i]].rank_start = i + 1;
	}
	free(idx);
	return 0;
}

static int cmp_growth(const void *pa, const void *pb)
{
	const struct eng_mover *x = pa, *y = pb;
	int kx = x->start_known && x->end_known, ky = y->start_known && y->end_known;
	uint32_t rx = x->rank_end ? x->rank_end : UINT32_MAX, ry = y->rank_end ? y->rank_end : UINT32_MAX;
	if (kx != ky)
		return ky - kx;
	if (kx && x->growth != y->growth)
		return x->growth < y->growth ? 1 : -1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

size_t engine_movers(struct engine *e, const struct eng_result *r, enum eng_pane pane,
		     struct eng_mover **out)
{
	const struct kdata *kd;
	const struct ht_table *t, *st;
	const struct attrib *a;
	const uint32_t *rows, *keys = NULL, *nacc = NULL;
	struct eng_mover *acc = NULL, *list;
	uint8_t *used = NULL;
	size_t nkeys, n = 0;
	int items = pane == PANE_MODELS || pane == PANE_DATASETS, view;
	*out = NULL;
	if (!e || !r || (!items && pane != PANE_ORGS && pane != PANE_COUNTRIES))
		return (size_t)-1;
	kd = &e->k[r->kind];
	t = &e->s->t[r->kind];
	a = e->a;
	if (!e->period.set || !e->pstart || !(rows = engine_result_rows(e, r)))
		return (size_t)-1;
	st = &e->pstart->t[r->kind];
	view = eng_view(e, r->kind, &r->filter);
	if (pane == PANE_ORGS) {
		if (!(keys = eng_view_acct(e, r->kind, view)))
			return (size_t)-1;
		nacc = view >= ATTRIB_MODE_COUNT ? kd->org_nacc[view - ATTRIB_MODE_COUNT] : NULL;
		nkeys = a->n_accounts;
	} else if (pane == PANE_COUNTRIES) {
		keys = a->item_acct[r->kind][r->filter.by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER];
		nkeys = country_count();
	} else {
		nkeys = r->n;
	}
	acc = calloc(nkeys + 1, sizeof *acc);
	used = calloc(nkeys + 1, 1);
	if (!acc || !used)
		goto fail;
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t row = rows[i], key = i;
		uint32_t j = kd->pmatch[row];
		struct eng_mover *m;
		if (pane == PANE_ORGS)
			key = keys[row] < nkeys ? keys[row] : 0;
		else if (pane == PANE_COUNTRIES)
			key = keys[row] < a->n_accounts && a->acct_country[keys[row]] < nkeys
			      ? a->acct_country[keys[row]] : 0;
		m = &acc[key];
		if (!used[key]) {
			used[key] = 1;
			m->key = items ? row : key;
		}
		m->count++;
		if (!(t->flags[row] & HT_F_DL_UNKNOWN)) {
			m->end_known = 1;
			m->dl_end += t->downloads[row];
		}
		if (j != UINT32_MAX) {
			m->count_start++;
			if (!(st->flags[j] & HT_F_DL_UNKNOWN)) {
				m->start_known = 1;
				m->dl_start += st->downloads[j];
			}
		}
		if (!(kd->pflags[row] & HT_F_DLA_UNKNOWN)) {
			m->period += kd->pdl[row];
			m->period_counted++;
		}
	}
	if (!(list = malloc((nkeys + 1) * sizeof *list)))
		goto fail;
	for (size_t k = 0; k < nkeys; k++) {
		struct eng_mover *m;
		if (!used[k])
			continue;
		m = &list[n++];
		*m = acc[k];
		if (!m->count_start) {
			/* New: from nothing, a known 0. */
			m->entrant = 1;
			m->start_known = 1;
			m->dl_start = 0;
		}
		if (items) {
			m->label = m->name = ht_id(e->s, r->kind, m->key);
		} else if (pane == PANE_ORGS) {
			m->label = a->acct_name[m->key];
			m->name = eng_acct_display(e, m->key, !nacc);
		} else {
			m->label = m->key ? country_code(m->key) : "unknown";
			m->name = country_name(m->key);
		}
	}
	free(acc);
	free(used);
	if (set_ranks(list, n, 0) || set_ranks(list, n, 1)) {
		free(list);
		return (size_t)-1;
	}
	for (size_t i = 0; i < n; i++) {
		struct eng_mover *m = &list[i];
		if (m->rank_start && m->rank_end)
			m->rank_change = (int64_t)m->rank_start - (int64_t)m->rank_end;
		if (m->start_known && m->end_known)
			m->growth = (int64_t)(m->dl_end - m->dl_start);
	}
	qsort(list, n, sizeof *list, cmp_growth);
	*out = list;
	return n;
fail:
	free(acc);
	free(used);
	return (size_t)-1;
}

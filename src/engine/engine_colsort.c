/* engine_colsort.c - the matches of a result ordered by a text column of
 * the item lists (country, organisation type, task, library, licence).
 * Such a column holds few distinct texts (a few hundred countries, a dozen
 * types, some hundred tasks, libraries or licences), so each row gets the small code of its text, the distinct codes
 * are ranked by their text once, and a counting sort places the rows: two
 * linear passes over the matches, never a string comparison per row, and
 * stable, so ties keep the downloads order they came in. */
#include <pthread.h>

#include "engine_priv.h"
#include "hubtop/country.h"
#include "hubtop/orgdir.h"

int engine_sort_is_text(int sort)
{
	return sort == SORT_NAME || sort == SORT_DISPLAY || (sort >= SORT_COUNTRY && sort < SORT_ITEM_KEY_END);
}

/* The snapshot's term column a key sorts by (task, library, licence), or NULL. */
static const uint32_t *term_col(const struct engine *e, enum ht_kind kind, enum eng_sort sort)
{
	const struct ht_table *t = &e->s->t[kind];
	return sort == SORT_TASK ? t->pipeline : sort == SORT_LIBRARY ? t->library : sort == SORT_LICENSE ? t->license : NULL;
}

/* The code of a row's text in a column, below col_codes(). */
static uint32_t col_code(const struct engine *e, const struct eng_result *r, enum eng_sort sort, uint32_t row)
{
	const uint32_t *terms = term_col(e, r->kind, sort);
	uint32_t acct;
	if (terms)
		return terms[row];
	acct = engine_item_account(e, r, row);
	if (acct >= e->a->n_accounts)
		return sort == SORT_COUNTRY ? COUNTRY_UNKNOWN : OT_COUNT;
	return sort == SORT_COUNTRY ? e->a->acct_country[acct] : e->a->acct_type[acct];
}

static uint32_t col_codes(const struct engine *e, enum eng_sort sort)
{
	if (sort == SORT_TASK || sort == SORT_LIBRARY || sort == SORT_LICENSE)
		return e->s->n_terms ? e->s->n_terms : 1;
	return sort == SORT_COUNTRY ? country_count() : OT_COUNT + 1;
}

/* The text a code shows as: what the list's cell and the export write. */
static const char *col_text(const struct engine *e, enum eng_sort sort, uint32_t code)
{
	if (sort == SORT_TASK || sort == SORT_LIBRARY || sort == SORT_LICENSE)
		return code ? ht_term(e->s, code) : "-";
	if (sort == SORT_COUNTRY)
		return code == COUNTRY_UNKNOWN ? COUNTRY_UNKNOWN_KEY : country_code(code);
	return code < OT_COUNT ? orgdir_type_key((enum org_type)code) : "-";
}

struct col_ctx {
	const struct engine *e;
	enum eng_sort sort;
};

static int cmp_codes(const void *pa, const void *pb, void *pc)
{
	const struct col_ctx *c = pc;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int r = strcmp(col_text(c->e, c->sort, a), col_text(c->e, c->sort, b));
	return r ? r : (a > b) - (a < b);
}

int eng_sort_text_col(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc, uint32_t *out)
{
	const uint32_t *rows = engine_result_rows(e, r);
	uint32_t n = r->n, m = col_codes(e, sort), nd = 0, *code, *rank, *distinct;
	size_t *start;
	struct col_ctx c = { e, sort };
	if (!rows && n)
		return -1;
	code = malloc(((size_t)n + 1) * sizeof *code);
	rank = calloc((size_t)m + 1, sizeof *rank);
	distinct = malloc(((size_t)m + 1) * sizeof *distinct);
	start = calloc((size_t)m + 2, sizeof *start);
	if (!code || !rank || !distinct || !start) {
		free(code);
		free(rank);
		free(distinct);
		free(start);
		return -1;
	}
	/* rank[] first counts the rows of each code (a code past the table,
	 * which should not happen, counts as the last). */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = col_code(e, r, sort, rows[i]);
		code[i] = k = k < m ? k : m;
		if (!rank[k]++)
			distinct[nd++] = k;
	}
	qsort_r(distinct, nd, sizeof *distinct, cmp_codes, &c);
	/* start[j]: where the rows of the j-th text (in the chosen direction) begin. */
	for (uint32_t j = 0; j < nd; j++) {
		uint32_t k = distinct[desc ? nd - 1 - j : j];
		start[j + 1] = start[j] + rank[k];
		rank[k] = j;
	}
	for (uint32_t i = 0; i < n; i++)
		out[start[rank[code[i]]]++] = rows[i];
	free(code);
	free(rank);
	free(distinct);
	free(start);
	return 0;
}

/* ---- the aggregate rankings' text columns (Orgs: country, type) ---------- */

/* The rank of each country code's and each type's text, made once: a
 * ranking compares two small numbers, never two strings. */
#define COLSORT_COUNTRIES 1024
static uint16_t country_rank[COLSORT_COUNTRIES], type_rank[OT_COUNT + 1];
static pthread_once_t ranks_once = PTHREAD_ONCE_INIT;

static int cmp_country_codes(const void *pa, const void *pb, void *pc)
{
	(void)pc;
	return cmp_codes(pa, pb, &(struct col_ctx){ NULL, SORT_COUNTRY });
}

static int cmp_type_codes(const void *pa, const void *pb, void *pc)
{
	(void)pc;
	return cmp_codes(pa, pb, &(struct col_ctx){ NULL, SORT_ORGTYPE });
}

static void ranks_make(void)
{
	uint32_t codes[COLSORT_COUNTRIES];
	unsigned nc = country_count() < COLSORT_COUNTRIES ? country_count() : COLSORT_COUNTRIES;
	for (uint32_t i = 0; i < nc; i++)
		codes[i] = i;
	qsort_r(codes, nc, sizeof *codes, cmp_country_codes, NULL);
	for (uint32_t i = 0; i < nc; i++)
		country_rank[codes[i]] = (uint16_t)i;
	for (uint32_t i = nc; i < COLSORT_COUNTRIES; i++)
		country_rank[i] = (uint16_t)i;
	for (uint32_t i = 0; i <= OT_COUNT; i++)
		codes[i] = i;
	qsort_r(codes, OT_COUNT + 1, sizeof *codes, cmp_type_codes, NULL);
	for (uint32_t i = 0; i <= OT_COUNT; i++)
		type_rank[codes[i]] = (uint16_t)i;
}

uint32_t eng_text_rank(enum eng_sort sort, uint32_t code)
{
	pthread_once(&ranks_once, ranks_make);
	if (sort == SORT_COUNTRY)
		return code < COLSORT_COUNTRIES ? country_rank[code] : code;
	return code <= OT_COUNT ? type_rank[code] : code;
}

/* engine_period.c - the period window: per item of the engine's snapshot
 * (the end), its all-time count minus the start snapshot's, as a third
 * downloads column beside the 30-day and all-time ones (kdata.pdl), so
 * every pass of the engine reads it as it reads those (engine.h,
 * engine_set_period). */
#include "engine_priv.h"
#include "hubtop/strmatch.h"

/* The period order's key: an unknown count after every known one, as
 * dla_key in engine.c. */
static inline uint64_t period_key(const uint64_t *pdl, const uint8_t *pflags, uint32_t row)
{
	uint64_t v = pdl[row];
	if (pflags[row] & HT_F_DLA_UNKNOWN)
		return 0;
	return v == UINT64_MAX ? v : v + 1;
}

struct pkey_ctx {
	const uint64_t *pdl;
	const uint8_t *pflags;
};

static int cmp_period(const void *pa, const void *pb, void *pc)
{
	const struct pkey_ctx *c = pc;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	uint64_t x = period_key(c->pdl, c->pflags, a), y = period_key(c->pdl, c->pflags, b);
	if (x != y)
		return x < y ? 1 : -1;
	return (a > b) - (a < b);
}

/* Without a period, its window is every item unknown: the columns say so
 * (made when that window is first asked for, and dropped with the next
 * engine_set_period). */
static int period_blank(struct engine *e, enum ht_kind kind)
{
	struct kdata *kd = &e->k[kind];
	const uint8_t *fl = e->s->t[kind].flags;
	if (kd->pdl)
		return 0;
	kd->pdl = calloc((size_t)kd->n + 1, sizeof *kd->pdl);
	kd->pflags = malloc((size_t)kd->n + 1);
	if (!kd->pdl || !kd->pflags) {
		free(kd->pdl);
		free(kd->pflags);
		kd->pdl = NULL;
		kd->pflags = NULL;
		return -1;
	}
	for (uint32_t i = 0; i < kd->n; i++)
		kd->pflags[i] = (uint8_t)(fl[i] | HT_F_DLA_UNKNOWN);
	return 0;
}

/* Rows by period downloads descending, unknown last, ties by row.  With
 * dl, the period's downloads in that order too into a new array (*dl;
 * NULL when the sort took the slow path): the sort's keys turned into
 * them in place, instead of a gather through perm of 2M random reads. */
static void period_perm(const uint64_t *pdl, const uint8_t *pflags, uint32_t n, uint32_t *perm, uint64_t **dl)
{
	unsigned rb = bits_of(n ? n - 1 : 0), kb;
	uint64_t max = 0, *v;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k = period_key(pdl, pflags, i);
		max = k > max ? k : max;
	}
	kb = bits_of(max);
	if (rb + kb <= 64 && rb < 64 && (v = table_big_alloc(((size_t)n + 1) * sizeof *v))) {
		/* (max - key, row), in huge pages as the column it becomes
		 * (dl): the rows come in order, so a sort on the key bits
		 * alone keeps ties by row. */
		for (uint32_t i = 0; i < n; i++)
			v[i] = ((max - period_key(pdl, pflags, i)) << rb) | i;
		if (!eng_radix_sort(v, n, rb, rb + kb)) {
			for (uint32_t i = 0; i < n; i++) {
				/* No key saturates here (rb + kb <= 64): key 0 is
				 * an unknown count, whose column holds 0. */
				uint64_t key = max - (v[i] >> rb);
				perm[i] = (uint32_t)(v[i] & (((uint64_t)1 << rb) - 1));
				v[i] = key ? key - 1 : 0;
			}
			if (dl)
				*dl = v;
			else
				free(v);
			return;
		}
		free(v);
	}
	{
		struct pkey_ctx c = { pdl, pflags };
		for (uint32_t i = 0; i < n; i++)
			perm[i] = i;
		qsort_r(perm, n, sizeof *perm, cmp_period, &c);
	}
}

int eng_period_perm(struct engine *e, enum ht_kind kind, uint32_t *perm, uint64_t **dl)
{
	const struct kdata *kd = &e->k[kind];
	if (period_blank(e, kind))
		return -1;
	period_perm(kd->pdl, kd->pflags, kd->n, perm, dl);
	return 0;
}

/* The period's sums in what was made before it changed: the cells' and
 * the accounts' totals; its orders are dropped, made again on first use. */
static void period_refresh(struct engine *e, enum ht_kind kind)
{
	struct kdata *kd = &e->k[kind];
	const uint64_t *pdl = kd->pdl;
	uint32_t n = kd->n;
	eng_ord_free(&kd->o[WIN_PERIOD]);
	for (int m = 0; m < ENG_VIEWS; m++) {
		free(kd->aorder[m][WIN_PERIOD]);
		free(kd->apos[m][WIN_PERIOD]);
		kd->aorder[m][WIN_PERIOD] = kd->apos[m][WIN_PERIOD] = NULL;
		if (kd->ctot[m] && kd->o[0].cell[m]) {
			struct cell_tot *ct = kd->ctot[m];
			const uint16_t *cell = kd->o[0].cell[m];
			for (uint32_t c = 0; c < e->n_cells; c++)
				ct[c].downloads[WIN_PERIOD] = ct[c].under[WIN_PERIOD] = 0;
			for (uint32_t i = 0; i < n; i++) {
				uint64_t d = pdl ? pdl[i] : 0;
				ct[cell[i]].downloads[WIN_PERIOD] += d;
				ct[cell[i]].under[WIN_PERIOD] += d < ENG_UNDER;
			}
		}
		if (kd->atot[m]) {
			/* The period's column only while one is set.  The
			 * datasets' two modes share theirs: made once. */
			struct gcol *g = &kd->gdownloads[m][WIN_PERIOD];
			const uint32_t *gp = kd->gperm[m], *off = kd->goff[m];
			if (m % ATTRIB_MODE_COUNT && gp == kd->gperm[m - 1]) {
				*g = kd->gdownloads[m - 1][WIN_PERIOD];
				kd->aperiod[m] = kd->aperiod[m - 1];
				continue;
			}
			eng_gcol_free(g);
			free(kd->aperiod[m]);
			kd->aperiod[m] = NULL;
			if (pdl && eng_gcol_build(g, pdl, gp, n))
				eng_gcol_free(g); /* out of memory: the period reads 0 */
			/* (out of memory: the accounts' period reads 0 too) */
			if (pdl && (kd->aperiod[m] = malloc(((size_t)e->a->n_accounts + 1) * sizeof *kd->aperiod[m])))
				for (uint32_t ac = 0; ac < e->a->n_accounts; ac++) {
					uint64_t sum = 0;
					for (uint32_t j = off[ac]; j < off[ac + 1]; j++)
						sum += eng_gdownloads(g, j);
					kd->aperiod[m][ac] = sum;
				}
		}
	}
}

static void period_clear(struct engine *e)
{
	/* A view built on the worker reads the period's columns (engine.h):
	 * it is joined first, and its view changes with the others. */
	engine_focus_wait(e);
	memset(&e->period, 0, sizeof e->period);
	e->pstart = NULL;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		int had = kd->pdl != NULL;
		free(kd->pdl);
		free(kd->pflags);
		free(kd->pmatch);
		kd->pdl = NULL;
		kd->pflags = NULL;
		kd->pmatch = NULL;
		if (had)
			period_refresh(e, (enum ht_kind)k);
	}
}

/* Imports of listings name their file, which differs from one import to
 * the next: they count as one source.  Any other pair must match. */
static int same_source(const struct ht_meta *a, const struct ht_meta *b)
{
	if (a->demo != b->demo)
		return 0;
	if (!strncmp(a->endpoint, "import:", 7) && !strncmp(b->endpoint, "import:", 7))
		return 1;
	return !strcmp(a->endpoint, b->endpoint);
}

static const char *date_or(int64_t t, char *buf, size_t len)
{
	if (civil_iso_date(t, buf, len) < 0)
		snprintf(buf, len, "an unknown date");
	return buf;
}

/* What engine_set_period works out from the two snapshots alone, before
 * it touches the engine: each table's period column, its match, its order
 * (engine_period_prepare). */
struct eng_period_prep {
	const struct ht_snapshot *end, *start;
	struct eng_period period;
	struct {
		uint64_t *pdl;
		uint8_t *pflags;
		uint32_t *pmatch;
		uint32_t *perm, *rank; /* the period's order and its inverse */
		uint64_t *dl;          /* pdl in that order; NULL: gathered later */
		/* The likes, flags and creation times in that order (the
		 * columns of the first answer that need no attribution). */
		uint32_t *likes, *created;
		uint8_t *flags;
		int created_exact;     /* as kdata's: 1 all fit in 32 bits, -1 not */
	} k[HT_KIND_COUNT];
};

void engine_period_prep_free(struct eng_period_prep *p)
{
	if (!p)
		return;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		free(p->k[k].pdl);
		free(p->k[k].pflags);
		free(p->k[k].pmatch);
		free(p->k[k].perm);
		free(p->k[k].rank);
		free(p->k[k].dl);
		free(p->k[k].likes);
		free(p->k[k].created);
		free(p->k[k].flags);
	}
	free(p);
}

/* The period column of one table; its rows matched to the start's by
 * id, or by given (the row map kept from an earlier start-up); then its
 * order. */
static int period_table(struct eng_period_prep *pp, enum ht_kind kind, const uint32_t *given, uint32_t *taken)
{
	const struct ht_snapshot *end = pp->end, *start = pp->start;
	const struct ht_table *t = &end->t[kind], *st = &start->t[kind];
	struct eng_period *p = &pp->period;
	int end_none = (end->meta.no_alltime >> kind) & 1, start_none = (start->meta.no_alltime >> kind) & 1;
	int64_t since = start->meta.as_of;
	uint32_t n = t->n;
	uint64_t *seen = calloc(words_of(st->n) + 1, sizeof *seen);
	uint32_t *match = taken ? taken : table_big_alloc(((size_t)n + 1) * sizeof *match);
	uint64_t *pdl = table_big_alloc(((size_t)n + 1) * sizeof *pdl);
	uint8_t *pflags = table_big_alloc((size_t)n + 1);
	pp->k[kind].pmatch = match;
	pp->k[kind].pdl = pdl;
	pp->k[kind].pflags = pflags;
	if (taken)
		given = taken;
	if (seen && match && given) {
		if (!taken)
			memcpy(match, given, (size_t)n * sizeof *match);
		for (uint32_t i = 0; i < n; i++)
			if (match[i] >= st->n && match[i] != STRMATCH_NONE) {
				free(seen);
				return -1;
			}
	}
	if (!seen || !match || !pdl || !pflags || (!given && strmatch_rows(end, start, kind, match))) {
		free(seen);
		return -1;
	}
	p->items[kind] = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = match[i];
		if (i + 16 < n && match[i + 16] != UINT32_MAX) {
			/* The start's rows come in no order: fetch ahead. */
			__builtin_prefetch(&st->downloads_all[match[i + 16]]);
			__builtin_prefetch(&st->flags[match[i + 16]]);
		}
		uint8_t fl = (uint8_t)(t->flags[i] & ~HT_F_DLA_UNKNOWN);
		uint64_t d = 0;
		int known = !end_none && !(t->flags[i] & HT_F_DLA_UNKNOWN);
		if (j == UINT32_MAX) {
			if (t->created[i] > 0 && since > 0 && t->created[i] >= since) {
				p->fresh[kind]++;
				d = t->downloads_all[i];
				p->unknown[kind] += !known;
			} else {
				p->unmatched[kind]++;
				known = 0;
			}
		} else {
			seen[j >> 6] |= (uint64_t)1 << (j & 63);
			if (!known || start_none || (st->flags[j] & HT_F_DLA_UNKNOWN)) {
				known = 0;
				p->unknown[kind]++;
			} else if (t->downloads_all[i] < st->downloads_all[j]) {
				known = 0;
				p->negative[kind]++;
				p->negative_sum[kind] += st->downloads_all[j] - t->downloads_all[i];
			} else {
				d = t->downloads_all[i] - st->downloads_all[j];
			}
		}
		pdl[i] = known ? d : 0;
		pflags[i] = (uint8_t)(fl | (known ? 0 : HT_F_DLA_UNKNOWN));
		p->counted[kind] += known;
	}
	for (uint32_t j = 0; j < st->n; j++)
		if (!((seen[j >> 6] >> (j & 63)) & 1)) {
			p->gone[kind]++;
			if (!start_none && !(st->flags[j] & HT_F_DLA_UNKNOWN))
				p->gone_downloads[kind] += st->downloads_all[j];
		}
	free(seen);
	/* The order the first period answer reads, made here, where a front
	 * end may run it beside other work (engine_period_prepare). */
	{
		uint32_t *perm = table_big_alloc(((size_t)n + 1) * sizeof *perm);
		uint32_t *rank = table_big_alloc(((size_t)n + 1) * sizeof *rank);
		pp->k[kind].perm = perm;
		pp->k[kind].rank = rank;
		if (!perm || !rank)
			return -1;
		period_perm(pdl, pflags, n, perm, &pp->k[kind].dl);
		for (uint32_t i = 0; i < n; i++) {
			if (i + 16 < n)
				__builtin_prefetch(&rank[perm[i + 16]], 1);
			rank[perm[i]] = i;
		}
		if (!(pp->k[kind].likes = gather32(t->likes, perm, n)) ||
		    !(pp->k[kind].flags = gather8(pflags, perm, n)))
			return -1;
		switch (eng_created32(t->created, perm, n, &pp->k[kind].created)) {
		case -1: return -1;
		case 0: pp->k[kind].created_exact = -1; break;
		default: pp->k[kind].created_exact = 1;
		}
	}
	return 0;
}

/* The refusals of engine_set_period: 0, or -1 with err filled. */
static int period_refused(const struct ht_meta *sm, const struct ht_meta *em, char *err, size_t errlen)
{
	char d1[32], d2[32];
	if (!same_source(sm, em)) {
		snprintf(err, errlen,
			 "the snapshots of %s and %s come from different sources (%s%s and %s%s): "
			 "a period compares two snapshots of one hub; pick snapshots of the same endpoint "
			 "(hubtop history lists them)",
			 date_or(sm->as_of, d1, sizeof d1), date_or(em->as_of, d2, sizeof d2),
			 sm->demo ? "demo " : "", sm->endpoint, em->demo ? "demo " : "", em->endpoint);
		return -1;
	}
	if (!sm->complete || !em->complete) {
		const struct ht_meta *m = !sm->complete ? sm : em;
		snprintf(err, errlen,
			 "the snapshot of %s holds only the top %llu items of each listing (a partial fetch): "
			 "a period needs two complete snapshots, else the items below the top would look "
			 "new or gone; fetch a complete one (hubtop fetch without --top) or pick another date",
			 date_or(m->as_of, d1, sizeof d1), (unsigned long long)m->top_n);
		return -1;
	}
	if (sm->as_of > 0 && em->as_of > 0 && sm->as_of >= em->as_of) {
		snprintf(err, errlen,
			 "the period's start (the snapshot of %s) is not before its end (the snapshot of %s): "
			 "pick an earlier start or a later end",
			 date_or(sm->as_of, d1, sizeof d1), date_or(em->as_of, d2, sizeof d2));
		return -1;
	}
	return 0;
}

/* take: match's arrays become the period's (freed with it, whatever it
 * returns) instead of copied. */
static struct eng_period_prep *prepare(const struct ht_snapshot *end, const struct ht_snapshot *start,
				       const uint32_t *const match[HT_KIND_COUNT], uint32_t *const take[HT_KIND_COUNT],
				       char *err, size_t errlen)
{
	struct eng_period_prep *p;
	int k;
	int refused = !end || !start || period_refused(&start->meta, &end->meta, err, errlen);
	if (refused || !(p = calloc(1, sizeof *p))) {
		if (!refused)
			snprintf(err, errlen, "out of memory while comparing the two snapshots");
		for (k = 0; take && k < HT_KIND_COUNT; k++)
			free(take[k]);
		return NULL;
	}
	p->end = end;
	p->start = start;
	for (k = 0; k < HT_KIND_COUNT; k++)
		if (period_table(p, (enum ht_kind)k, match ? match[k] : NULL, take ? take[k] : NULL)) {
			for (int j = k + 1; take && j < HT_KIND_COUNT; j++)
				free(take[j]);
			engine_period_prep_free(p);
			snprintf(err, errlen, match || take ? "the row map given does not fit the two snapshots"
							    : "out of memory while comparing the two snapshots");
			return NULL;
		}
	p->period.set = 1;
	p->period.start_as_of = start->meta.as_of;
	p->period.end_as_of = end->meta.as_of;
	p->period.start_fetched = start->meta.fetched_at;
	p->period.end_fetched = end->meta.fetched_at;
	return p;
}

struct eng_period_prep *engine_period_prepare(const struct ht_snapshot *end, const struct ht_snapshot *start,
					      const uint32_t *const match[HT_KIND_COUNT], char *err, size_t errlen)
{
	return prepare(end, start, match, NULL, err, errlen);
}

struct eng_period_prep *engine_period_prepare_taking(const struct ht_snapshot *end, const struct ht_snapshot *start,
						     uint32_t *const match[HT_KIND_COUNT], char *err, size_t errlen)
{
	return prepare(end, start, NULL, match, err, errlen);
}

int engine_set_period_prepared(struct engine *e, struct eng_period_prep *p, char *err, size_t errlen)
{
	period_clear(e);
	if (!p)
		return 0;
	if (p->end != e->s) {
		engine_period_prep_free(p);
		snprintf(err, errlen, "the period was prepared for another snapshot than the one open");
		return -1;
	}
	e->pstart = p->start;
	e->period = p->period;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		kd->pdl = p->k[k].pdl;
		kd->pflags = p->k[k].pflags;
		kd->pmatch = p->k[k].pmatch;
		period_refresh(e, (enum ht_kind)k); /* drops the period's old order */
		kd->o[WIN_PERIOD].perm = p->k[k].perm;
		kd->o[WIN_PERIOD].rank = p->k[k].rank;
		kd->o[WIN_PERIOD].dl_own = p->k[k].dl;
		kd->o[WIN_PERIOD].likes_own = p->k[k].likes;
		kd->o[WIN_PERIOD].flags_own = p->k[k].flags;
		kd->o[WIN_PERIOD].created = p->k[k].created;
		kd->created_exact = p->k[k].created_exact;
	}
	free(p);
	return 0;
}

int engine_set_period(struct engine *e, const struct ht_snapshot *start, char *err, size_t errlen)
{
	return engine_set_period_matched(e, start, NULL, err, errlen);
}

const uint32_t *engine_period_match(const struct engine *e, enum ht_kind kind)
{
	return e->period.set ? e->k[kind].pmatch : NULL;
}

int engine_set_period_matched(struct engine *e, const struct ht_snapshot *start,
			      const uint32_t *const match[HT_KIND_COUNT], char *err, size_t errlen)
{
	struct eng_period_prep *p;
	period_clear(e);
	if (!start)
		return 0;
	if (!(p = engine_period_prepare(e->s, start, match, err, errlen)))
		return -1;
	return engine_set_period_prepared(e, p, err, errlen);
}

const struct eng_period *engine_period(const struct engine *e)
{
	return &e->period;
}

const struct ht_snapshot *engine_period_start(const struct engine *e)
{
	return e->pstart;
}

const char *engine_window_label(const struct engine *e, const struct filter *f, char *buf, size_t len)
{
	char d1[16], d2[16];
	if (f->window == WIN_ALL) {
		snprintf(buf, len, "all-time");
	} else if (f->window != WIN_PERIOD) {
		snprintf(buf, len, "last 30 days");
	} else if (!e || !e->period.set) {
		snprintf(buf, len, "period: no start snapshot");
	} else {
		date_or(e->period.start_as_of, d1, sizeof d1);
		date_or(e->period.end_as_of, d2, sizeof d2);
		snprintf(buf, len, "%s..%s", d1, d2);
	}
	return buf;
}

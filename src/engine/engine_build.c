/* engine_build.c - the engine's derived data: the views' accounts and
 * groups, the cells, the rank orders and their narrow columns, the
 * orders by trending, creation and the side-by-side records; engine_new and
 * engine_free; what only the builds used, given back once every piece is
 * made.  See engine.c for the layout. */
#include "engine_priv.h"
#include "hubtop/store.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* The account each item counts for in view m: attribution's for the
 * account views; for the organisation views, made on first use from them
 * (datasets: both modes share one array, as in attribution).  NULL when
 * memory runs out. */
const uint32_t *eng_view_acct(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const struct attrib *a = e->a;
	const uint32_t *acct;
	uint32_t *oi, *nacc, na = a->n_accounts;
	uint64_t *seen;
	int b;
	if (m < ATTRIB_MODE_COUNT)
		return a->item_acct[kind][m];
	b = m - ATTRIB_MODE_COUNT;
	if (kd->org_item[b])
		return kd->org_item[b];
	acct = a->item_acct[kind][b];
	if (b && acct == a->item_acct[kind][0]) {
		if (!eng_view_acct(e, kind, ATTRIB_MODE_COUNT))
			return NULL;
		kd->org_item[b] = kd->org_item[0];
		kd->org_nacc[b] = kd->org_nacc[0];
		return kd->org_item[b];
	}
	oi = table_big_alloc(((size_t)kd->n + 1) * sizeof *oi);
	nacc = calloc((size_t)na + 1, sizeof *nacc);
	seen = calloc(words_of(na) + 1, sizeof *seen);
	if (!oi || !nacc || !seen) {
		free(oi);
		free(nacc);
		free(seen);
		return NULL;
	}
	for (uint32_t i = 0; i < kd->n; i++) {
		uint32_t ac = acct[i] < na ? acct[i] : 0;
		oi[i] = a->acct_org[ac];
		seen[ac >> 6] |= (uint64_t)1 << (ac & 63);
	}
	for (uint32_t ac = 0; ac < na; ac++)
		if ((seen[ac >> 6] >> (ac & 63)) & 1)
			nacc[a->acct_org[ac]]++;
	free(seen);
	kd->org_item[b] = oi;
	kd->org_nacc[b] = nacc;
	return oi;
}

/* The count at position j, listed in big (sorted by position). */
uint64_t eng_gbig_find(const struct gbig *big, uint32_t nbig, uint32_t j)
{
	uint32_t lo = 0, hi = nbig;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (big[mid].j < j)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nbig && big[lo].j == j ? big[lo].v : UINT32_MAX;
}

void eng_gcol_free(struct gcol *col)
{
	free(col->d64);
	free(col->d32);
	free(col->big);
	memset(col, 0, sizeof *col);
}

int eng_gcol_build(struct gcol *col, const uint64_t *src, const uint32_t *gp, uint32_t n)
{
	uint32_t nbig = 0;
	memset(col, 0, sizeof *col);
	for (uint32_t i = 0; i < n; i++)
		nbig += src[i] >= UINT32_MAX;
	if (nbig > n / 8) {
		if (!(col->d64 = gather64(src, gp, n)))
			return -1;
		return 0;
	}
	col->d32 = table_big_alloc(((size_t)n + 1) * sizeof *col->d32);
	col->big = malloc(((size_t)nbig + 1) * sizeof *col->big);
	if (!col->d32 || !col->big) {
		eng_gcol_free(col);
		return -1;
	}
	for (uint32_t j = 0; j < n; j++) {
		uint64_t v;
		if (j + 16 < n)
			__builtin_prefetch(&src[gp[j + 16]], 0);
		v = src[gp[j]];
		if (__builtin_expect(v >= UINT32_MAX, 0)) {
			/* Positions ascend: the list is sorted as written. */
			col->big[col->nbig].v = v;
			col->big[col->nbig++].j = j;
			v = UINT32_MAX;
		}
		col->d32[j] = (uint32_t)v;
	}
	return 0;
}

/* Items grouped by account for one attribution mode (see struct kdata)
 * and the per-account totals: a counting sort of the rows, then each
 * column gathered in that order.  The period's column only while a period
 * is set. */
static int build_groups(struct engine *e, enum ht_kind kind, struct kdata *kd, int m, const uint32_t *acct)
{
	const struct ht_table *t = &e->s->t[kind];
	uint32_t na = e->a->n_accounts, n = kd->n;
	uint32_t *off = calloc((size_t)na + 2, sizeof *off);
	uint32_t *pos = malloc(((size_t)na + 1) * sizeof *pos);
	uint32_t *gp = table_big_alloc(((size_t)n + 1) * sizeof *gp);
	const uint64_t *src[ENG_WINDOWS] = { t->downloads, t->downloads_all, e->k[kind].pdl };
	uint32_t *gl = NULL;
	uint64_t *gc = NULL;
	uint32_t *gc32 = NULL;
	struct acct_tot *at = calloc((size_t)na + 1, sizeof *at);
	int fits = 1;
	kd->goff[m] = off;
	kd->gperm[m] = gp;
	kd->atot[m] = at;
	if (!off || !pos || !gp || !at) {
		free(pos);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		off[(acct[i] < na ? acct[i] : 0) + 1]++;
	for (uint32_t ac = 0; ac < na; ac++) {
		off[ac + 1] += off[ac];
		pos[ac] = off[ac];
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = pos[acct[i] < na ? acct[i] : 0]++;
		if (i + 16 < n) /* random writes: start the miss of a later item now */
			__builtin_prefetch(&gp[pos[acct[i + 16] < na ? acct[i + 16] : 0]], 1);
		gp[j] = i;
	}
	free(pos);
	for (int w = 0; w < ENG_WINDOWS; w++)
		if (src[w] && eng_gcol_build(&kd->gdownloads[m][w], src[w], gp, n))
			return -1;
	/* Creation times in 32 bits when all fit (4 bytes less per item). */
	for (uint32_t i = 0; i < n && fits; i++)
		fits = t->created[i] < (int64_t)UINT32_MAX;
	if (!(kd->glikes[m] = gl = gather32(t->likes, gp, n)))
		return -1;
	if (fits)
		kd->gcreated32[m] = gc32 = table_big_alloc(((size_t)n + 1) * sizeof *gc32);
	else
		kd->gcreated[m] = gc = table_big_alloc(((size_t)n + 1) * sizeof *gc);
	if (!gc && !gc32)
		return -1;
	for (uint32_t j = 0; j < n; j++) {
		int64_t cr;
		if (j + 16 < n)
			__builtin_prefetch(&t->created[gp[j + 16]], 0);
		cr = t->created[gp[j]];
		if (gc)
			gc[j] = cr > 0 ? (uint64_t)cr : UINT64_MAX;
		else
			gc32[j] = cr > 0 ? (uint32_t)cr : UINT32_MAX;
	}
	/* (freed by the caller when this fails) */
	if (src[WIN_PERIOD] && !(kd->aperiod[m] = calloc((size_t)na + 1, sizeof *kd->aperiod[m])))
		return -1;
	if (gc && !(kd->acreated[m] = malloc(((size_t)na + 1) * sizeof *kd->acreated[m])))
		return -1;
	for (uint32_t ac = 0; ac < na; ac++) {
		uint64_t first = UINT64_MAX;
		at[ac].count = off[ac + 1] - off[ac];
		for (uint32_t j = off[ac]; j < off[ac + 1]; j++) {
			uint64_t cr = eng_gcreated(gc, gc32, j);
			for (int w = 0; w < 2; w++)
				at[ac].downloads[w] += eng_gdownloads(&kd->gdownloads[m][w], j);
			if (kd->aperiod[m])
				kd->aperiod[m][ac] += eng_gdownloads(&kd->gdownloads[m][WIN_PERIOD], j);
			at[ac].likes += gl[j];
			first = cr < first ? cr : first;
		}
		/* Every time fits 32 bits unless gc: UINT64_MAX reads UINT32_MAX. */
		at[ac].created = (uint32_t)first;
		if (kd->acreated[m])
			kd->acreated[m][ac] = first;
	}
	return 0;
}

/* kd->acct_cls, kd->cls_type and kd->cls_cg of a mode.  Which accounts
 * have classes of their own changes only the speed, so every OWN_SAMPLE-th
 * item is counted to find the largest: e->n_own of them at most, by count
 * (ties by account), with at least OWN_MIN_ITEMS / OWN_SAMPLE sampled
 * items. */
static int kd_own(struct engine *e, struct kdata *kd, int m, const uint32_t *acct)
{
	const struct attrib *a = e->a;
	uint32_t na = a->n_accounts, n = kd->n, base = (uint32_t)OT_COUNT * e->n_cg;
	uint32_t *cnt = calloc((size_t)na + 1, sizeof *cnt);
	uint8_t *ty = malloc((size_t)e->n_cls + 1);
	uint16_t *cg = malloc(((size_t)e->n_cls + 1) * sizeof *cg);
	uint16_t *cls = malloc(((size_t)na + 1) * sizeof *cls);
	struct cand *heap = malloc(((size_t)e->n_own + 1) * sizeof *heap);
	size_t nh = 0;
	if (!cnt || !ty || !cg || !cls || !heap) {
		free(cnt);
		free(ty);
		free(cg);
		free(cls);
		free(heap);
		return -1;
	}
	for (uint32_t i = 0; i < n; i += OWN_SAMPLE)
		cnt[acct[i] < na ? acct[i] : 0]++;
	for (uint32_t ac = 0; ac < na && e->n_own; ac++)
		if (cnt[ac] >= OWN_MIN_ITEMS / OWN_SAMPLE) {
			struct cand c = { cnt[ac], ac };
			heap_offer(heap, &nh, e->n_own, c, 1);
		}
	for (uint32_t ac = 0; ac < na; ac++) {
		unsigned type = a->acct_type[ac] < OT_COUNT ? a->acct_type[ac] : OT_INDEPENDENT;
		cls[ac] = (uint16_t)(type * e->n_cg + e->acct_cg[ac]);
	}
	for (uint32_t c = 0; c < e->n_cls; c++) {
		/* Unused own classes hold nothing: any parts do. */
		uint32_t tc = c < base ? c : 0;
		if (c >= base && c - base < nh)
			tc = cls[heap[c - base].key];
		ty[c] = (uint8_t)(tc / e->n_cg);
		cg[c] = (uint16_t)(tc % e->n_cg);
	}
	for (uint32_t j = 0; j < nh; j++)
		cls[heap[j].key] = (uint16_t)(base + j);
	free(cnt);
	free(heap);
	kd->cls_type[m] = ty;
	kd->cls_cg[m] = cg;
	kd->acct_cls[m] = cls;
	return 0;
}

/* A mode's per-item cells (30-day order) and cell totals; with groups,
 * also its items grouped by account (only the organisations ranking needs
 * them, so they wait for it). */
int eng_kd_mode(struct engine *e, enum ht_kind kind, int m, int groups)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const struct attrib *a = e->a;
	const uint32_t *acct = eng_view_acct(e, kind, m);
	uint32_t n = kd->n;
	uint16_t *cell;
	if (!acct)
		return -1;
	uint32_t *used;
	struct cell_tot *ct;
	if (kd->o[0].cell[m] && (!groups || kd->atot[m]))
		return 0;
	if (!kd->o[0].cell[m]) {
		if (!kd->acct_cls[m] && kd_own(e, kd, m, acct))
			return -1;
		ct = calloc(e->n_cells, sizeof *ct);
		cell = table_big_alloc(((size_t)n + 1) * sizeof *cell);
		used = malloc(((size_t)e->n_cells + 1) * sizeof *used);
		if (!ct || !cell || !used) {
			free(ct);
			free(cell);
			free(used);
			return -1;
		}
		for (uint32_t c = 0; c < e->n_cells; c++)
			ct[c].created = UINT64_MAX;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t ac = acct[i] < a->n_accounts ? acct[i] : 0;
			uint32_t cl = (uint32_t)kd->year[i] * e->n_cls + kd->acct_cls[m][ac];
			uint64_t d30 = t->downloads[i], dall = t->downloads_all[i];
			uint64_t dp = kd->pdl ? kd->pdl[i] : 0;
			int64_t cr = t->created[i];
			uint64_t ck = cr > 0 ? (uint64_t)cr : UINT64_MAX;
			struct cell_tot *b = &ct[cl];
			cell[i] = (uint16_t)cl;
			b->count++;
			b->likes += t->likes[i];
			b->created = ck < b->created ? ck : b->created;
			b->downloads[0] += d30;
			b->downloads[1] += dall;
			b->under[0] += d30 < ENG_UNDER;
			b->under[1] += dall < ENG_UNDER;
			b->downloads[2] += dp;
			b->under[2] += dp < ENG_UNDER;
		}
		kd->ncused[m] = 0;
		for (uint32_t c = 0; c < e->n_cells; c++)
			if (ct[c].count)
				used[kd->ncused[m]++] = c;
		kd->o[0].cell[m] = cell;
		kd->ctot[m] = ct;
		kd->cused[m] = used;
	}
	if (!groups)
		return 0;
	/* (attribution's maps: the uploader's organisation view may be dropped) */
	if (m % ATTRIB_MODE_COUNT && a->item_acct[kind][1] == a->item_acct[kind][0]) {
		if (eng_kd_mode(e, kind, m - 1, 1))
			return -1;
		/* Datasets: both modes are the uploader, one grouping serves. */
		kd->goff[m] = kd->goff[m - 1];
		kd->gperm[m] = kd->gperm[m - 1];
		for (int w = 0; w < ENG_WINDOWS; w++)
			kd->gdownloads[m][w] = kd->gdownloads[m - 1][w];
		kd->glikes[m] = kd->glikes[m - 1];
		kd->gcreated[m] = kd->gcreated[m - 1];
		kd->gcreated32[m] = kd->gcreated32[m - 1];
		kd->atot[m] = kd->atot[m - 1];
		kd->aperiod[m] = kd->aperiod[m - 1];
		kd->acreated[m] = kd->acreated[m - 1];
		return 0;
	}
	if (build_groups(e, kind, kd, m, acct)) {
		/* Leave nothing half made: the next call starts again. */
		free(kd->goff[m]);
		free(kd->gperm[m]);
		for (int w = 0; w < ENG_WINDOWS; w++)
			eng_gcol_free(&kd->gdownloads[m][w]);
		free(kd->glikes[m]);
		free(kd->gcreated[m]);
		free(kd->gcreated32[m]);
		free(kd->atot[m]);
		free(kd->aperiod[m]);
		free(kd->acreated[m]);
		kd->goff[m] = kd->gperm[m] = kd->glikes[m] = kd->gcreated32[m] = NULL;
		kd->gcreated[m] = kd->aperiod[m] = kd->acreated[m] = NULL;
		kd->atot[m] = NULL;
		return -1;
	}
	return 0;
}

/* o->known: the rows without a count are the last ranks (the table's
 * order and dla_key put them there).  O(rows without a count). */
static void ord_known(struct ord *o, uint32_t n, uint8_t flag, int none)
{
	uint32_t k = n;
	if (none) {
		o->known = 0;
		return;
	}
	while (k > 0 && (o->flags[k - 1] & flag))
		k--;
	o->known = k;
}

/* A window's order and the columns every filter pass reads whatever the
 * view (downloads, likes, flags): what the copies in that order need. */
int eng_ord_perm(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = kd->n;
	if (!win) {
		o->dl = t->downloads;
		o->likes = t->likes;
		o->flags = t->flags;
		ord_known(o, n, HT_F_DL_UNKNOWN, 0);
		return ord_uni(o, n);
	}
	if (!o->perm) {
		uint32_t *perm = table_big_alloc(((size_t)n + 1) * sizeof *perm);
		uint32_t *rank = table_big_alloc(((size_t)n + 1) * sizeof *rank);
		if (!perm || !rank ||
		    (win == WIN_PERIOD ? eng_period_perm(e, kind, perm, o->dl_own ? NULL : &o->dl_own)
				       : eng_build_perm(e->s, kind, SORT_COUNT, perm))) {
			free(perm);
			free(rank);
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			if (i + 16 < n)
				__builtin_prefetch(&rank[perm[i + 16]], 1);
			rank[perm[i]] = i;
		}
		o->perm = perm;
		o->rank = rank;
	}
	if (!o->dl_own && !(o->dl_own = gather64(win_downloads(e, kind, win), o->perm, n)))
		return -1;
	o->dl = o->dl_own;
	if (!o->likes_own && !(o->likes_own = gather32(t->likes, o->perm, n)))
		return -1;
	o->likes = o->likes_own;
	if (!o->flags_own && !(o->flags_own = gather8(win_flags(e, kind, win), o->perm, n)))
		return -1;
	o->flags = o->flags_own;
	ord_known(o, n, HT_F_DLA_UNKNOWN, win_none(e, kind, win));
	return ord_uni(o, n);
}

/* A window's order, the columns every filter pass reads and the cells and
 * accounts of view m. */
int eng_ord_base(struct engine *e, enum ht_kind kind, int win, int m)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	uint32_t n = kd->n;
	if (eng_kd_mode(e, kind, m, 0) || eng_ord_perm(e, kind, win))
		return -1;
	if (!win) {
		o->acct[m] = eng_view_acct(e, kind, m);
		if (m % ATTRIB_MODE_COUNT != m)
			o->acct[m % ATTRIB_MODE_COUNT] = e->a->item_acct[kind][m % ATTRIB_MODE_COUNT];
		return 0;
	}
	if (!o->cell[m] && !(o->cell[m] = gather16(kd->o[0].cell[m], o->perm, n)))
		return -1;
	if (!o->acct_own[m] && !(o->acct_own[m] = gather32(eng_view_acct(e, kind, m), o->perm, n)))
		return -1;
	o->acct[m] = o->acct_own[m];
	return 0;
}

const uint32_t *eng_ord_acct(struct engine *e, enum ht_kind kind, int win, int b)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	if (o->acct[b])
		return o->acct[b];
	if (!o->perm)
		return o->acct[b] = e->a->item_acct[kind][b];
	if (!o->acct_own[b] && !(o->acct_own[b] = gather32(e->a->item_acct[kind][b], o->perm, kd->n)))
		return NULL;
	return o->acct[b] = o->acct_own[b];
}

/* o->cell_ranks and o->cell_ranks_off of a mode: a counting sort of the ranks by cell. */
int eng_ord_cell_ranks(struct engine *e, enum ht_kind kind, int win, int m)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	uint32_t n = kd->n, nc = e->n_cells, *off, *pos, *rk;
	const uint16_t *cell;
	if (o->cell_ranks[m])
		return 0;
	if (eng_ord_base(e, kind, win, m))
		return -1;
	cell = o->cell[m];
	off = calloc((size_t)nc + 2, sizeof *off);
	pos = malloc(((size_t)nc + 1) * sizeof *pos);
	rk = table_big_alloc(((size_t)n + 1) * sizeof *rk);
	if (!off || !pos || !rk) {
		free(off);
		free(pos);
		free(rk);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		off[cell[i] + 1]++;
	for (uint32_t c = 0; c < nc; c++) {
		off[c + 1] += off[c];
		pos[c] = off[c];
	}
	for (uint32_t i = 0; i < n; i++)
		rk[pos[cell[i]]++] = i;
	free(pos);
	o->cell_ranks[m] = rk;
	o->cell_ranks_off[m] = off;
	return 0;
}

/* Dense codes of one term column (tasks, libraries or licences are a few
 * hundred distinct terms among all the snapshot's): 2 bytes a row instead
 * of 4.  More than TERM_MAX distinct terms: the filter reads the table. */
int eng_ord_term(struct engine *e, enum ht_kind kind, int win, int col)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const uint32_t *v = term_column(t, col);
	uint32_t n = kd->n, nt = e->s->n_terms + 1;
	if (!kd->term_code[col]) {
		uint16_t *code = malloc((size_t)nt * sizeof *code), *c0;
		uint32_t next = 0;
		if (!code)
			return -1;
		memset(code, 0xff, (size_t)nt * sizeof *code);
		for (uint32_t i = 0; i < n && next <= TERM_MAX; i++) {
			uint32_t x = v[i] < nt ? v[i] : 0;
			if (code[x] == TERM_NONE)
				code[x] = (uint16_t)next++;
		}
		kd->term_code[col] = code;
		kd->term_codes[col] = next;
		if (next > TERM_MAX)
			return 0;
		c0 = table_big_alloc(((size_t)n + 1) * sizeof *c0);
		if (!c0)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			c0[i] = code[v[i] < nt ? v[i] : 0];
		kd->o[0].term[col] = c0;
	}
	if (kd->term_codes[col] > TERM_MAX || kd->o[win].term[col])
		return 0;
	if (eng_ord_perm(e, kind, win))
		return -1;
	kd->o[win].term[col] = gather16(kd->o[0].term[col], kd->o[win].perm, n);
	return kd->o[win].term[col] ? 0 : -1;
}

int eng_created32(const int64_t *created, const uint32_t *perm, uint32_t n, uint32_t **out)
{
	uint32_t *c = table_big_alloc(((size_t)n + 1) * sizeof *c);
	*out = NULL;
	if (!c)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		int64_t cr;
		if (perm && i + 16 < n)
			__builtin_prefetch(&created[perm[i + 16]], 0);
		cr = created[perm ? perm[i] : i];
		if (cr < 0 || cr >= (int64_t)UINT32_MAX) {
			free(c);
			return 0;
		}
		c[i] = (uint32_t)cr;
	}
	*out = c;
	return 1;
}

/* Creation times as 32-bit seconds (0 unknown), when every one fits. */
int eng_ord_created(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = kd->n;
	if (win && !kd->o[0].created && kd->created_exact >= 0 && !kd->o[win].created) {
		/* Straight from the table's column through the window's order:
		 * the 30-day copy waits for that window (a period's first
		 * answer makes one column, not two). */
		int rc;
		if (eng_ord_base(e, kind, win, 0) ||
		    (rc = eng_created32(t->created, kd->o[win].perm, n, &kd->o[win].created)) < 0)
			return -1;
		kd->created_exact = rc ? 1 : -1;
		return 0;
	}
	if (!kd->o[0].created && kd->created_exact >= 0) {
		int rc = eng_created32(t->created, NULL, n, &kd->o[0].created);
		if (rc < 0)
			return -1;
		kd->created_exact = rc ? 1 : -1;
	}
	if (kd->created_exact < 0 || kd->o[win].created)
		return 0;
	if (eng_ord_perm(e, kind, win))
		return -1;
	kd->o[win].created = gather32(kd->o[0].created, kd->o[win].perm, n);
	return kd->o[win].created ? 0 : -1;
}

/* Trending scores by rank (30-day: the table's own column): only rankings
 * by trending read them, so the all-time copy waits for the first. */
const uint32_t *eng_ord_trending(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	if (o->trending)
		return o->trending;
	if (!win)
		return o->trending = e->s->t[kind].trending;
	if ((!o->perm && eng_ord_perm(e, kind, win)) ||
	    !(o->trending_own = gather32(e->s->t[kind].trending, o->perm, kd->n)))
		return NULL;
	return o->trending = o->trending_own;
}

/* kd->cell_trending and kd->acct_trending of a mode: one pass over the rows. */
int eng_kd_trending(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const uint32_t *tr = e->s->t[kind].trending, *acct;
	uint32_t na = e->a->n_accounts;
	const uint16_t *cell;
	uint64_t *ct, *at;
	if (kd->cell_trending[m])
		return 0;
	if (eng_kd_mode(e, kind, m, 0) || !(acct = eng_view_acct(e, kind, m)))
		return -1;
	cell = kd->o[0].cell[m];
	ct = calloc((size_t)e->n_cells + 1, sizeof *ct);
	at = calloc((size_t)na + 1, sizeof *at);
	if (!ct || !at) {
		free(ct);
		free(at);
		return -1;
	}
	for (uint32_t i = 0; i < kd->n; i++) {
		ct[cell[i]] += tr[i];
		at[acct[i] < na ? acct[i] : 0] += tr[i];
	}
	kd->cell_trending[m] = ct;
	kd->acct_trending[m] = at;
	return 0;
}

/* kd->cell_by_created and kd->cell_by_created_off of a mode (see struct kdata): the rows with a
 * known creation time sorted on (cell, creation order, row), by one radix
 * sort of those three packed in 64 bits; a qsort when they do not fit. */
struct cby_ctx {
	const uint16_t *cell;
	const int64_t *created;
};

static int cmp_cell_by_created(const void *pa, const void *pb, void *pc)
{
	const struct cby_ctx *c = pc;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	if (c->cell[x] != c->cell[y])
		return c->cell[x] < c->cell[y] ? -1 : 1;
	if (c->created[x] != c->created[y])
		return c->created[x] < c->created[y] ? -1 : 1;
	return (x > y) - (x < y);
}

int eng_kd_cell_by_created(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	const uint16_t *cell;
	const uint32_t *byc;
	uint32_t n = kd->n, nc = e->n_cells, *off, *cell_by_created, *crank = NULL, k = 0;
	unsigned rb = bits_of(n ? n - 1 : 0), cb = bits_of(nc);
	uint64_t *v = NULL;
	if (kd->cell_by_created[m])
		return 0;
	if (eng_kd_mode(e, kind, m, 0) || !(byc = eng_get_perm(e, kind, SORT_CREATED)))
		return -1;
	cell = kd->o[0].cell[m];
	off = calloc((size_t)nc + 2, sizeof *off);
	cell_by_created = table_big_alloc(((size_t)n + 1) * sizeof *cell_by_created);
	if (!off || !cell_by_created)
		goto fail;
	for (uint32_t i = 0; i < n; i++)
		if (t->created[i] > 0)
			off[cell[i] + 1]++;
	for (uint32_t c = 0; c < nc; c++)
		off[c + 1] += off[c];
	if (2 * rb + cb <= 64) {
		/* crank: a row's place in creation order (byc is descending). */
		crank = table_big_alloc(((size_t)n + 1) * sizeof *crank);
		v = table_big_alloc(((size_t)n + 1) * sizeof *v);
		if (!crank || !v)
			goto fail;
		for (uint32_t j = 0; j < n; j++) {
			if (j + 16 < n)
				__builtin_prefetch(&crank[byc[j + 16]], 1);
			crank[byc[j]] = n - 1 - j;
		}
		for (uint32_t i = 0; i < n; i++)
			if (t->created[i] > 0)
				v[k++] = ((uint64_t)cell[i] << (2 * rb)) | ((uint64_t)crank[i] << rb) | i;
		if (eng_radix_sort(v, k, rb, 2 * rb + cb))
			goto fail;
		for (uint32_t j = 0; j < k; j++)
			cell_by_created[j] = (uint32_t)(v[j] & (((uint64_t)1 << rb) - 1));
	} else {
		struct cby_ctx c = { cell, t->created };
		for (uint32_t i = 0; i < n; i++)
			if (t->created[i] > 0)
				cell_by_created[k++] = i;
		qsort_r(cell_by_created, k, sizeof *cell_by_created, cmp_cell_by_created, &c);
	}
	free(crank);
	free(v);
	kd->cell_by_created[m] = cell_by_created;
	kd->cell_by_created_off[m] = off;
	return 0;
fail:
	free(off);
	free(cell_by_created);
	free(crank);
	free(v);
	return -1;
}

/* o->rec: the columns of a window's order side by side. */
int eng_ord_rec(struct engine *e, enum ht_kind kind, int win)
{
	struct kdata *kd = &e->k[kind];
	struct ord *o = &kd->o[win];
	uint32_t n = kd->n;
	struct rank_rec *rec;
	const uint32_t *acct[ATTRIB_MODE_COUNT];
	const uint16_t *cell[ATTRIB_MODE_COUNT];
	if (o->rec)
		return 0;
	if (eng_ord_base(e, kind, win, VIEW_DEF) || eng_ord_base(e, kind, win, eng_view_at(e, kind, VIEW_DEF + 1)) ||
	    eng_ord_created(e, kind, win))
		return -1;
	if (!o->created)
		return 0;
	if (!(rec = table_big_alloc(((size_t)n + 1) * sizeof *rec)))
		return -1;
	for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
		acct[m] = o->acct[eng_view_at(e, kind, VIEW_DEF + m)];
		cell[m] = o->cell[eng_view_at(e, kind, VIEW_DEF + m)];
	}
	for (uint32_t i = 0; i < n; i++) {
		rec[i].dl = o->dl[i] < RANK_REC_BIG ? (uint32_t)o->dl[i] : RANK_REC_BIG;
		rec[i].likes = o->likes[i];
		rec[i].created = o->created[i];
		for (int m = 0; m < ATTRIB_MODE_COUNT; m++) {
			rec[i].acct[m] = acct[m][i];
			rec[i].cell[m] = cell[m][i];
		}
	}
	o->rec = rec;
	return 0;
}

/* What every answer needs; the rest (lineage cells, the all-time order,
 * term codes, the search buffer, account groups) is made on first use or
 * by engine_prepare, so start-up pays only for the default view. */
static int kdata_init(struct engine *e, enum ht_kind kind)
{
	struct kdata *kd = &e->k[kind];
	const struct ht_table *t = &e->s->t[kind];
	uint32_t n = t->n;
	int64_t bound[ENG_YEARS];

	kd->n = n;
	kd->year = malloc((size_t)n + 1);
	if (!kd->year)
		return -1;
	year_bounds(bound);
	/* Buckets start at midnight, so a table by day answers with one
	 * multiply and one load per item (16 compares each were 50 ms). */
	{
		int64_t first = bound[1], span = bound[ENG_YEARS - 1] - first;
		uint64_t days = (uint64_t)(span / 86400);
		uint8_t *by_day = malloc(days + 1);
		if (!by_day)
			return -1;
		for (unsigned y = 1, d = 0; d < days; d++) {
			while (y + 1 < ENG_YEARS && first + (int64_t)d * 86400 >= bound[y + 1])
				y++;
			by_day[d] = (uint8_t)y;
		}
		for (uint32_t i = 0; i < n; i++) {
			int64_t cr = t->created[i];
			uint8_t y;
			if (cr < first)
				y = 0;
			else if (cr - first >= span)
				y = ENG_YEARS - 1;
			else
				y = by_day[(uint64_t)(cr - first) / 86400];
			kd->year[i] = y;
		}
		free(by_day);
	}
	return eng_ord_base(e, kind, 0, VIEW_DEF + ATTRIB_UPLOADER);
}

void eng_ord_free(struct ord *o)
{
	{
		free(o->perm);
		free(o->rank);
		free(o->dl_own);
		free(o->uni);
		free(o->rec);
		free(o->likes_own);
		free(o->trending_own);
		free(o->flags_own);
		free(o->created);
		for (int m = 0; m < ENG_VIEWS; m++) {
			free(o->cell[m]);
			free(o->acct_own[m]);
			free(o->grank[m]);
			free(o->cell_ranks[m]);
			free(o->cell_ranks_off[m]);
		}
		for (int c = 0; c < TERM_COLS; c++)
			free(o->term[c]);
		match_set_free(&o->every);
		free(o->sbits);
	}
	memset(o, 0, sizeof *o);
}

/* Frees what an organisation view (m >= VIEW_DEF) made, all of it made
 * again on first use: cells, groups, orders, trending, the item -> organisation
 * map.  Its cells come back numbered as before (kd_own is deterministic),
 * so the rank records, which copy them, stay true.  A view sharing its
 * accounts with the other mode's (datasets) is kept. */
void eng_view_drop(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	int b = m - VIEW_DEF;
	if (m < VIEW_DEF || m >= ENG_VIEWS || !eng_view_owned(e, kind, b))
		return;
	for (int w = 0; w < ENG_WINDOWS; w++) {
		struct ord *o = &kd->o[w];
		if (w)
			free(o->cell[m]);
		free(o->acct_own[m]);
		free(o->grank[m]);
		free(o->cell_ranks[m]);
		free(o->cell_ranks_off[m]);
		o->cell[m] = w ? NULL : o->cell[m];
		o->acct_own[m] = o->grank[m] = o->cell_ranks[m] = o->cell_ranks_off[m] = NULL;
		o->acct[m] = NULL;
		free(kd->aorder[m][w]);
		free(kd->apos[m][w]);
		kd->aorder[m][w] = kd->apos[m][w] = NULL;
		eng_gcol_free(&kd->gdownloads[m][w]);
	}
	free(kd->o[0].cell[m]);
	kd->o[0].cell[m] = NULL;
	free(kd->ctot[m]);
	free(kd->cused[m]);
	free(kd->atot[m]);
	free(kd->aperiod[m]);
	free(kd->acreated[m]);
	free(kd->goff[m]);
	free(kd->gperm[m]);
	free(kd->glikes[m]);
	free(kd->gcreated[m]);
	free(kd->gcreated32[m]);
	free(kd->cell_by_created[m]);
	free(kd->cell_by_created_off[m]);
	free(kd->acls_n[m]);
	free(kd->acls_off[m]);
	free(kd->acct_cls[m]);
	free(kd->cls_type[m]);
	free(kd->cls_cg[m]);
	free(kd->cell_trending[m]);
	free(kd->acct_trending[m]);
	free(kd->gtrending[m]);
	free(kd->org_item[b]);
	free(kd->org_nacc[b]);
	kd->ctot[m] = NULL;
	kd->cused[m] = kd->goff[m] = kd->gperm[m] = kd->glikes[m] = kd->gcreated32[m] = NULL;
	kd->atot[m] = NULL;
	kd->gcreated[m] = kd->aperiod[m] = kd->acreated[m] = NULL;
	kd->ncused[m] = 0;
	kd->cell_by_created[m] = kd->cell_by_created_off[m] = kd->acls_n[m] = kd->acls_off[m] = NULL;
	kd->acct_cls[m] = kd->cls_cg[m] = NULL;
	kd->cls_type[m] = NULL;
	kd->cell_trending[m] = kd->acct_trending[m] = NULL;
	kd->gtrending[m] = NULL;
	kd->org_item[b] = kd->org_nacc[b] = NULL;
}

void engine_focus(struct engine *e, enum attrib_mode by)
{
	int f = by == ATTRIB_LINEAGE;
	if (!e || e->focus == f)
		return;
	engine_focus_wait(e); /* its view, when that build was not cancelled */
	e->focus = f;
	e->prep = 0; /* the new mode's pieces, in idle steps */
	/* The other mode's view goes: freed on a thread when one starts. */
	if (eng_view_bury(e, VIEW_DEF + !f) == 0)
		return;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		eng_view_drop(e, (enum ht_kind)k, VIEW_DEF + !f);
#ifdef __GLIBC__
	/* The views' arrays came partly from the heap: give its free pages
	 * back, or the other mode's view stays resident. */
	malloc_trim(0);
#endif
}

int engine_mode_ready(const struct engine *e, enum attrib_mode by)
{
	int m = VIEW_DEF + (by == ATTRIB_LINEAGE);
	if (!e || e->focus == m - VIEW_DEF)
		return 1;
	/* (datasets: the lineage reads the uploader's view, kept) */
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if (e->k[k].n && !e->k[k].atot[eng_view_at(e, k, m)])
			return 0;
	return 1;
}

static void kdata_free(struct kdata *kd)
{
	for (int w = 0; w < ENG_WINDOWS; w++)
		eng_ord_free(&kd->o[w]);
	free(kd->pdl);
	free(kd->pflags);
	free(kd->pmatch);
	free(kd->year);
	for (int c = 0; c < TERM_COLS; c++)
		free(kd->term_code[c]);
	for (int m = 0; m < ATTRIB_MODE_COUNT; m++)
		if (!m || kd->org_item[m] != kd->org_item[m - 1]) {
			free(kd->org_item[m]);
			free(kd->org_nacc[m]);
		}
	for (int m = 0; m < ENG_VIEWS; m++) {
		free(kd->ctot[m]);
		free(kd->cused[m]);
		free(kd->cell_by_created[m]);
		free(kd->cell_by_created_off[m]);
		free(kd->aorder[m][0]);
		free(kd->aorder[m][1]);
		free(kd->aorder[m][2]);
		free(kd->apos[m][0]);
		free(kd->apos[m][1]);
		free(kd->apos[m][2]);
		free(kd->acls_off[m]);
		free(kd->acls_n[m]);
		free(kd->cls_type[m]);
		free(kd->cls_cg[m]);
		free(kd->acct_cls[m]);
		free(kd->cell_trending[m]);
		free(kd->acct_trending[m]);
		free(kd->gtrending[m]);
		if (m % ATTRIB_MODE_COUNT && kd->goff[m] == kd->goff[m - 1])
			continue; /* shared with the uploader mode */
		free(kd->atot[m]);
		free(kd->aperiod[m]);
		free(kd->acreated[m]);
		free(kd->goff[m]);
		free(kd->gperm[m]);
		for (int w = 0; w < ENG_WINDOWS; w++)
			eng_gcol_free(&kd->gdownloads[m][w]);
		free(kd->glikes[m]);
		free(kd->gcreated[m]);
		free(kd->gcreated32[m]);
	}
	search_free(kd->sx);
	free(kd->sunion);
	free(kd->snamed);
	for (int i = 0; i < SORT_END; i++)
		free(kd->perm[i]);
	for (int i = 0; i < 2; i++) {
		free(kd->ttot[i]);
		free(kd->ttot_order[i]);
	}
}

struct engine *engine_new(const struct ht_snapshot *s, const struct attrib *a, const struct orgdir *d)
{
	struct engine *e;
	uint16_t *map;
	if (!s || !a)
		return NULL;
	e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->s = s;
	e->a = a;
	e->d = d;
	e->n_countries = country_count();
	if (e->n_countries < 1)
		e->n_countries = 1;
	map = malloc((size_t)e->n_countries * CG_COUNT * sizeof *map);
	e->acct_cg = malloc(((size_t)a->n_accounts + 1) * sizeof *e->acct_cg);
	e->cg_country = malloc(((size_t)e->n_countries * CG_COUNT + 1) * sizeof *e->cg_country);
	e->cg_group = malloc((size_t)e->n_countries * CG_COUNT + 1);
	if (!map || !e->acct_cg || !e->cg_country || !e->cg_group)
		goto fail;
	memset(map, 0xff, (size_t)e->n_countries * CG_COUNT * sizeof *map);
	for (uint32_t i = 0; i < a->n_accounts; i++) {
		unsigned c = a->acct_country[i] < e->n_countries ? a->acct_country[i] : COUNTRY_UNKNOWN;
		unsigned g = a->acct_group[i] < CG_COUNT ? a->acct_group[i] : CG_UNKNOWN;
		uint16_t *slot = &map[c * CG_COUNT + g];
		if (*slot == 0xffff) {
			*slot = (uint16_t)e->n_cg;
			e->cg_country[e->n_cg] = (uint16_t)c;
			e->cg_group[e->n_cg] = (uint8_t)g;
			e->n_cg++;
		}
		e->acct_cg[i] = *slot;
	}
	free(map);
	map = NULL;
	if (!e->n_cg) {
		e->cg_country[0] = COUNTRY_UNKNOWN;
		e->cg_group[0] = CG_UNKNOWN;
		e->n_cg = 1;
	}
	{
		/* Own classes in what the 16-bit cells leave. */
		uint32_t room = 65536u / ENG_YEARS, base = (uint32_t)OT_COUNT * e->n_cg;
		e->n_own = room > base ? (room - base < OWN_MAX ? room - base : OWN_MAX) : 0;
		e->n_cls = base + e->n_own;
	}
	e->n_cells = (uint32_t)ENG_YEARS * e->n_cls;
	e->cube = calloc(2 * (size_t)e->n_cells + 1, sizeof *e->cube); /* + a bin for non-matches */
	e->cell_ok = malloc(e->n_cells);
	e->cbits = malloc((words_of(s->t[HT_MODELS].n > s->t[HT_DATASETS].n ? s->t[HT_MODELS].n
								      : s->t[HT_DATASETS].n) + 1) * sizeof *e->cbits);
	e->acct_bits = calloc(words_of(a->n_accounts) + 1, sizeof *e->acct_bits);
	e->key_sums_n = a->n_accounts > s->n_terms ? a->n_accounts : s->n_terms;
	/* Random access per item: on huge pages where the system allows. */
	e->key_sums = table_big_alloc(((size_t)e->key_sums_n + 1) * sizeof *e->key_sums);
	if (e->key_sums)
		memset(e->key_sums, 0, ((size_t)e->key_sums_n + 1) * sizeof *e->key_sums);
	e->touched = malloc(((size_t)e->key_sums_n + 1) * sizeof *e->touched);
	if (!e->cube || !e->cell_ok || !e->cbits || !e->acct_bits || !e->key_sums || !e->touched)
		goto fail;
	for (int k = 0; k < HT_KIND_COUNT; k++)
		if (kdata_init(e, (enum ht_kind)k))
			goto fail;
	return e;
fail:
	free(map);
	engine_free(e);
	return NULL;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	engine_focus_cancel(e);
	engine_focus_wait(e);
	eng_grave_join(e);
	eng_bg_collect(e, -1, 0, -1); /* the worker's pieces are freed below */
	for (int k = 0; k < HT_KIND_COUNT; k++)
		kdata_free(&e->k[k]);
	free(e->acct_cg);
	free(e->cg_country);
	free(e->cg_group);
	free(e->cube);
	free(e->cell_ok);
	free(e->cbits);
	free(e->acct_sorted);
	for (int i = 0; i < 3; i++)
		free(e->name_rank[i]);
	free(e->names_buf);
	free(e->names_off);
	free(e->names_listed);
	free(e->acct_bits);
	free(e->org_bits);
	free(e->key_sums);
	free(e->key_trending);
	free(e->touched);
	eng_dims_free(e);
	free(e);
}

const struct ht_snapshot *engine_snapshot(const struct engine *e)
{
	return e->s;
}

const struct attrib *engine_attrib(const struct engine *e)
{
	return e->a;
}

/* Once every piece is made, the keystroke path reads these sections of
 * the snapshot in bulk: the string pool and the ids (the search tests a
 * needle's candidates in place), the accounts' names and the terms, and
 * per table the 30-day downloads, likes, trending scores and flags (the
 * 30-day rank order is the row order, so the filter passes read those
 * columns where they are).  Every other column has been copied into the
 * engine's own orders and codes (creation times, all-time counts, term
 * codes, relations and languages, accounts) or is read a screen of rows
 * at a time (drawing, detail), or by a build (an order by modification, a
 * period's start, an export), which brings back what it reads.  And the
 * heap's free pages go back to the system. */
void eng_idle_tidy(struct engine *e)
{
	size_t freed = 0;
	for (int k = 0; k < HT_KIND_COUNT; k++) {
		struct kdata *kd = &e->k[k];
		if (kd->sx)
			freed += search_trim(kd->sx);
		/* Another window's copy of the trending scores in its order
		 * (9.5 MB on 2M models), made for the trending sums of a
		 * filtered answer there: made again, in 10 ms, on return. */
		for (int w = 0; w < ENG_WINDOWS; w++) {
			struct ord *o = &kd->o[w];
			if (w == e->last_win || !o->trending_own)
				continue;
			freed += ((size_t)kd->n + 1) * sizeof *o->trending_own;
			free(o->trending_own);
			o->trending_own = NULL;
			o->trending = NULL;
		}
	}
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	{
		/* Only when the heap grew since the last time (a larger
		 * scratch than before, a piece made) or a search's answers
		 * went: an answer's usual scratch then finds its pages still
		 * there, where giving them back each time would cost the next
		 * answer their page faults (milliseconds). */
		struct mallinfo2 mi = mallinfo2();
		if (freed || mi.arena > e->heap_tidied) {
			malloc_trim(0);
			e->heap_tidied = mallinfo2().arena;
		}
	}
#elif defined(__GLIBC__)
	if (freed)
		malloc_trim(0);
#endif
}

void eng_release_unused(struct engine *e)
{
	const struct ht_snapshot *s = e->s;
	struct store_section sec[STORE_MAX_SECTIONS];
	size_t n = s->blob_mapped ? store_sections(s, sec) : 0;
	const char *lo = NULL, *hi = NULL; /* the run of sections to give back */
#ifdef __GLIBC__
	/* The builds' scratch, freed, left pages in the middle of the heap
	 * that the allocator keeps unless asked (11 MB on 2M + 500K items). */
	malloc_trim(0);
#endif
	for (size_t i = 0; n && i <= n; i++) {
		const struct ht_table *t = i < n && sec[i].table >= 0 ? &s->t[sec[i].table] : NULL;
		const char *p = i < n ? sec[i].data : NULL;
		const void *v = p;
		int keep = !p || (!t ? v == s->pool || v == s->terms || v == s->acct_name || v == s->acct_kind
				     : v == t->id || v == t->downloads || v == t->likes || v == t->trending ||
				       v == t->flags);
		/* Sections follow each other in the file, padded to 8 bytes. */
		if (!keep && lo && p >= hi && p < hi + 8) {
			hi = p + sec[i].len;
			continue;
		}
		if (lo)
			store_release(s, lo, (size_t)(hi - lo));
		lo = keep ? NULL : p;
		hi = keep ? NULL : p + sec[i].len;
	}
}

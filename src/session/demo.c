/* demo.c - the deterministic demo snapshot generator (see demo.h).
 *
 * Plan: every model first gets an all-time download figure by rank (a
 * Zipf head of 200 about as heavy as the log-normal tail below it, whose
 * median is 200), a creation month and a 30-day figure; then a class (who
 * uploads it, whose lineage it belongs to) chosen so that each period's
 * downloads split by the year's target shares; then, for derivatives, a
 * base among earlier models of the same lineage; last, names, which go to
 * the table builder.  Randomness comes from our own xoshiro256** streams,
 * one per phase, and no clock or locale is read, so the output depends on
 * nothing but the arguments (and the directory).
 */
#include "demo_priv.h"

/* ---- accounts ------------------------------------------------------------ */

static const struct known *known_find(const char *account)
{
	for (size_t i = 0; i < N_KNOWN; i++)
		if (eq_nocase(known_accounts[i].account, account))
			return &known_accounts[i];
	return NULL;
}

static int64_t acct_add(struct gen *g, const char *name, const struct known *kn, double weight)
{
	struct acct *a;
	if (g->n_acct == g->cap_acct) {
		uint32_t cap = g->cap_acct ? g->cap_acct * 2 : 256;
		struct acct *na = realloc(g->acct, cap * sizeof *na);
		if (!na)
			return -1;
		g->acct = na;
		g->cap_acct = cap;
	}
	a = &g->acct[g->n_acct];
	memset(a, 0, sizeof *a);
	a->name = name;
	a->kn = kn;
	a->weight = weight;
	/* Only well-known accounts own families; the range may hold others'
	 * families, which choose_family skips. */
	for (uint32_t f = 0; kn && f < N_FAMILIES; f++) {
		if (families[f].owner && families[f].owner[0] && eq_nocase(families[f].owner, name)) {
			if (!a->fam_count)
				a->fam_first = f;
			a->fam_count = f - a->fam_first + 1;
		}
	}
	return g->n_acct++;
}

static int pool_push(struct pool_t *p, uint32_t acct, double weight)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 64;
		uint32_t *na = realloc(p->acct, cap * sizeof *na);
		double *nc;
		if (!na)
			return -1;
		p->acct = na;
		nc = realloc(p->cum, cap * sizeof *nc);
		if (!nc)
			return -1;
		p->cum = nc;
		p->cap = cap;
	}
	p->acct[p->n] = acct;
	p->cum[p->n] = (p->n ? p->cum[p->n - 1] : 0) + weight;
	p->n++;
	return 0;
}

/* First index whose cumulative weight exceeds x. */
static uint32_t cum_search(const double *cum, uint32_t n, double x)
{
	uint32_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

uint32_t demo_pool_pick(struct gen *g, enum pool p, struct rng *r)
{
	const struct pool_t *pl = &g->pool[p];
	if (p == P_IND_SYN) {
		/* A few individuals upload a lot, most upload little. */
		double u = rng_unit(r);
		return g->syn_first + (uint32_t)((double)g->syn_count * u * u * u);
	}
	return pl->acct[cum_search(pl->cum, pl->n, rng_unit(r) * pl->cum[pl->n - 1])];
}

static int valid_account(const char *name)
{
	return name && *name && !strchr(name, '/') && table_id_valid(name);
}

/* Draws a fresh account name not taken and not in the directory. */
static const char *synth_name(struct gen *g, struct rng *r, int org)
{
	struct sb o;
	for (unsigned attempt = 0;; attempt++) {
		sb_reset(&o);
		if (org) {
			static const char *const ends[] = { "-labs", "-ai", "-research", "AI", "-tech",
							    "-lab", "-studio", "-intelligence" };
			sb_add(&o, rng_below(r, 2) ? adjectives[rng_below(r, NELEM(adjectives))]
						   : nouns[rng_below(r, NELEM(nouns))]);
			if (rng_below(r, 3) == 0)
				sb_add(&o, nouns[rng_below(r, NELEM(nouns))]);
			sb_add(&o, ends[rng_below(r, NELEM(ends))]);
		} else {
			const char *fn = first_names[rng_below(r, NELEM(first_names))];
			const char *ln = last_names[rng_below(r, NELEM(last_names))];
			switch (rng_below(r, 7)) {
			case 0: sb_add(&o, fn); sb_add(&o, ln); break;
			case 1: sb_add(&o, fn); sb_add(&o, "-"); sb_add(&o, ln); break;
			case 2: sb_add(&o, fn); sb_num(&o, 1 + rng_below(r, 99)); break;
			case 3:
				sb_add(&o, adjectives[rng_below(r, NELEM(adjectives))]);
				sb_add(&o, "-");
				sb_add(&o, nouns[rng_below(r, NELEM(nouns))]);
				break;
			case 4: sb_add(&o, fn); sb_add(&o, "_"); sb_add(&o, ln); break;
			case 5:
				sb_addn(&o, fn, 1);
				sb_add(&o, ln);
				break;
			default:
				sb_add(&o, fn);
				sb_addn(&o, ln, 1);
				sb_num(&o, rng_below(r, 1000));
				break;
			}
		}
		if (attempt > 2)
			sb_num(&o, rng_below(r, 100000));
		if (g->dir && orgdir_lookup(g->dir, o.buf))
			continue;
		if (nameset_add(&g->acct_names, o.buf))
			continue;
		return arena_dup(&g->names, o.buf, o.len);
	}
}

static int setup_accounts(struct gen *g, uint64_t n_models, uint64_t n_datasets)
{
	size_t n_dir = g->dir ? orgdir_count(g->dir) : 0;
	uint32_t n_syn = (uint32_t)((n_models + n_datasets) / 6 + 100);
	uint32_t n_unk = (uint32_t)(n_models / 500 + 5);
	struct rng r;

	rng_init(&r, g->seed, 1);
	if (nameset_init(&g->acct_names, n_dir + N_KNOWN + n_syn + n_unk) < 0)
		return -1;
	if (n_dir > 0) {
		for (size_t i = 0; i < n_dir; i++) {
			const struct org_entry *e = orgdir_entry(g->dir, i), *ce = e;
			const struct known *kn;
			enum pool p;
			double w;
			int64_t ai;
			if (!e || !valid_account(e->account))
				continue;
			if (nameset_add(&g->acct_names, e->account))
				continue; /* the same account twice (an override) */
			if (e->canonical >= 0 && orgdir_entry(g->dir, (size_t)e->canonical))
				ce = orgdir_entry(g->dir, (size_t)e->canonical);
			/* Aliases are legacy or renamed namespaces (and legacy model
			 * ids like "gpt2"): new repositories live under the current one. */
			if (ce != e)
				continue;
			if (ce->type == OT_INDEPENDENT) {
				p = P_IND_DIR;
			} else if (ce->type == OT_UNKNOWN_ORG) {
				continue;
			} else {
				enum country_group cg = ce->n_countries
					? country_group_of(ce->countries[0]) : CG_UNKNOWN;
				p = cg == CG_CN ? P_ORG_CN : cg == CG_US ? P_ORG_US : P_ORG_OT;
			}
			kn = known_find(e->account);
			/* Unknown to us: a modest, varied weight; legacy namespaces
			 * carry less than the organisation's current one. */
			w = kn ? kn->weight : 0.5 + 2.0 * rng_unit(&r) * rng_unit(&r);
			if (ce != e)
				w *= 0.5;
			ai = acct_add(g, e->account, kn, w);
			if (ai < 0 || pool_push(&g->pool[p], (uint32_t)ai, w) < 0)
				return -1;
		}
	}
	if (g->pool[P_ORG_CN].n + g->pool[P_ORG_US].n + g->pool[P_ORG_OT].n == 0) {
		/* No directory (or nothing usable in it): the built-in accounts. */
		for (size_t i = 0; i < N_KNOWN; i++) {
			const struct known *kn = &known_accounts[i];
			enum pool p = kn->type == OT_INDEPENDENT ? P_IND_DIR
				      : kn->group == 'C' ? P_ORG_CN
				      : kn->group == 'U' ? P_ORG_US : P_ORG_OT;
			int64_t ai;
			if (nameset_add(&g->acct_names, kn->account))
				continue;
			ai = acct_add(g, kn->account, kn, kn->weight);
			if (ai < 0 || pool_push(&g->pool[p], (uint32_t)ai, kn->weight) < 0)
				return -1;
		}
	}
	for (uint32_t i = 0; i < n_unk; i++) {
		const char *name = synth_name(g, &r, 1);
		int64_t ai = name ? acct_add(g, name, NULL, 1) : -1;
		if (ai < 0 || pool_push(&g->pool[P_UNK], (uint32_t)ai, 1) < 0)
			return -1;
	}
	g->syn_first = g->n_acct;
	for (uint32_t i = 0; i < n_syn; i++) {
		const char *name = synth_name(g, &r, 0);
		if (!name || acct_add(g, name, NULL, 1) < 0)
			return -1;
	}
	g->syn_count = n_syn;
	g->pool[P_IND_SYN].n = n_syn;

	/* Targets per year, moving the share of a missing kind of
	 * organisation to the kind that can stand in for it. */
	for (int y = 0; y < N_YEARS; y++) {
		double *w = g->w[y], sum = 0;
		memcpy(w, year_mass[y], sizeof year_mass[y]);
		if (!g->pool[P_ORG_CN].n) {
			w[C_ORG_OT] += w[C_ORG_CN];
			w[C_IND_OT] += w[C_IND_CN];
			w[C_ORG_CN] = w[C_IND_CN] = 0;
		}
		if (!g->pool[P_ORG_US].n) {
			w[C_ORG_OT] += w[C_ORG_US];
			w[C_IND_OT] += w[C_IND_US];
			w[C_ORG_US] = w[C_IND_US] = 0;
		}
		if (!g->pool[P_ORG_OT].n) {
			w[C_IND_OT] += w[C_ORG_OT];
			w[C_ORG_OT] = 0;
		}
		for (int c = 0; c < C_COUNT; c++)
			sum += w[c];
		for (int c = 0; c < C_COUNT; c++)
			w[c] /= sum;
	}
	return 0;
}

/* ---- dates ----------------------------------------------------------------- */

int64_t demo_month_start(int m)
{
	return civil_days(2019 + m / 12, (unsigned)(m % 12 + 1), 1) * DAY;
}

int demo_month_of(int64_t t)
{
	int lo = 0, hi = N_MONTHS - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (demo_month_start(mid) <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* ---- phase 1: figures and dates --------------------------------------------- */

#define HEAD_MAX 200u
#define TAIL_MEDIAN 200.0
#define TAIL_SIGMA 2.6
#define DEEP_TAIL 2000u /* all-time downloads under which classes follow counts */

uint32_t demo_head_size(uint64_t n)
{
	return n >= 2000 ? HEAD_MAX : (uint32_t)(n / 10);
}

void demo_gen_figures(struct gen *g)
{
	uint64_t n = g->n_models;
	uint32_t k = demo_head_size(n);
	double mcum[N_MONTHS], tail_sum = 0, zipf_sum = 0, a;
	struct rng r;

	rng_init(&r, g->seed, 2);
	for (int m = 0; m < N_MONTHS; m++)
		mcum[m] = (m ? mcum[m - 1] : 0) + year_count[m / 12];
	/* Ranks k..n-1: stratified draws of a log-normal, so the shape holds
	 * at every size; ranks 0..k-1: a Zipf head as heavy as the tail. */
	for (uint64_t i = k; i < n; i++) {
		double u = 1.0 - ((double)i + rng_unit(&r)) / (double)n;
		double v = exp(log(TAIL_MEDIAN) + TAIL_SIGMA * norm_quantile(u));
		g->m[i].all = (uint64_t)v;
		tail_sum += (double)g->m[i].all;
	}
	for (uint32_t i = 0; i < k; i++)
		zipf_sum += 1.0 / pow(i + 1.0, 0.9);
	/* A head a little lighter than the tail: ranked by 30-day downloads,
	 * where young tail models overtake old head ones, it then weighs about
	 * as much as the tail too. */
	a = 0.85 * tail_sum / (zipf_sum ? zipf_sum : 1);
	for (uint32_t i = 0; i < k; i++)
		g->m[i].all = (uint64_t)(a / pow(i + 1.0, 0.9) * (0.9 + 0.2 * rng_unit(&r)));

	for (uint64_t i = 0; i < n; i++) {
		struct dmodel *d = &g->m[i];
		int mo = cum_search(mcum, N_MONTHS, rng_unit(&r) * mcum[N_MONTHS - 1]);
		int64_t start = demo_month_start(mo), len = demo_month_start(mo + 1) - start;
		int64_t t = start + (int64_t)(rng_unit(&r) * (double)len);
		int64_t shown = t;
		double age, frac;
		if (mo < 36 && rng_unit(&r) < 0.5)
			shown = T_LEGACY;
		d->created = (uint32_t)(shown - T_2019);
		d->bucket = (uint8_t)(shown == T_LEGACY ? LEGACY_MONTH : mo);
		age = (double)(T_FETCHED - t) / DAY;
		d->age_days = (uint32_t)age;
		/* Share of its downloads a model got in the last 30 days: all of
		 * them when young, less with age; the head stays in demand. */
		frac = age <= 30 ? 1.0 : pow(30.0 / age, 0.75);
		frac *= exp(0.25 * rng_normal(&r));
		if (frac > 1)
			frac = 1;
		d->d30 = (uint64_t)((double)d->all * frac);
		d->base = d->base2 = UINT32_MAX;
	}
}

/* ---- phase 2: classes, uploaders, roles ------------------------------------- */

int demo_is_ind(int c)
{
	return c == C_IND_CN || c == C_IND_US || c == C_IND_OT;
}

static int pick_weighted(const double *w, int n, struct rng *r)
{
	double sum = 0, x;
	for (int c = 0; c < n; c++)
		sum += w[c] > 0 ? w[c] : 0;
	if (sum <= 0)
		return -1;
	x = rng_unit(r) * sum;
	for (int c = 0; c < n; c++) {
		double v = w[c] > 0 ? w[c] : 0;
		if (x < v)
			return c;
		x -= v;
	}
	for (int c = n - 1; c >= 0; c--)
		if (w[c] > 0)
			return c;
	return -1;
}

int demo_bucket_of(const struct dmodel *d)
{
	return d->bucket;
}

/* Periods the shares are balanced over: whole years, but 2025 split at
 * April so that both "2025" and "the last year" (from 2025-04-01) are
 * unions of balanced periods.  Longer periods than months keep a few large
 * models from tipping the shares. */
#define N_PERIODS 9
static int period_of(int month)
{
	return month < 72 ? month / 12 : month < 75 ? 6 : month < 84 ? 7 : 8;
}
static const int period_year[N_PERIODS] = { 0, 1, 2, 3, 4, 5, 6, 6, 7 };

void demo_gen_classes(struct gen *g)
{
	double total[N_PERIODS], have[N_PERIODS][C_COUNT];
	uint64_t n = g->n_models, deep = n;
	struct rng r;

	memset(total, 0, sizeof total);
	memset(have, 0, sizeof have);
	rng_init(&r, g->seed, 3);
	for (uint64_t i = 0; i < n; i++)
		total[period_of(demo_bucket_of(&g->m[i]))] += (double)g->m[i].d30;
	while (deep > demo_head_size(n) && g->m[deep - 1].all < DEEP_TAIL)
		deep--;
	/* The small models first, by counts: most are individuals'. */
	for (uint64_t i = deep; i < n; i++) {
		struct dmodel *d = &g->m[i];
		int b = period_of(demo_bucket_of(d)), y = period_year[b];
		double w[C_COUNT];
		for (int c = 0; c < C_COUNT; c++)
			w[c] = g->w[y][c] * (demo_is_ind(c) ? 4.0 : 0.3);
		d->cls = (uint8_t)pick_weighted(w, C_COUNT, &r);
		have[b][d->cls] += (double)d->d30;
	}
	/* Then from the largest down, filling each period's target shares:
	 * a large model goes where the deficit is largest, the others at
	 * random in proportion to what is missing. */
	for (uint64_t i = 0; i < deep; i++) {
		struct dmodel *d = &g->m[i];
		int b = period_of(demo_bucket_of(d)), y = period_year[b], c = -1;
		double def[C_COUNT], best = 0;
		for (int k = 0; k < C_COUNT; k++) {
			def[k] = g->w[y][k] > 0 ? g->w[y][k] * total[b] - have[b][k] : 0;
			if (g->w[y][k] > 0 && (c < 0 || def[k] > best)) {
				best = def[k];
				c = k;
			}
		}
		if ((double)d->d30 < 0.05 * total[b] || best <= 0) {
			int p = pick_weighted(def, C_COUNT, &r);
			if (p < 0)
				p = pick_weighted(g->w[y], C_COUNT, &r);
			c = p;
		}
		d->cls = (uint8_t)c;
		have[b][c] += (double)d->d30;
	}
	/* Uploader and role. */
	for (uint64_t i = 0; i < n; i++) {
		struct dmodel *d = &g->m[i];
		double u = rng_unit(&r), root_p = 0;
		switch (d->cls) {
		case C_ORG_CN: case C_ORG_US: case C_ORG_OT:
			d->acct = demo_pool_pick(g, (enum pool)d->cls, &r);
			root_p = g->acct[d->acct].kn && g->acct[d->acct].kn->deriv ? 0
				 : i < 50 ? 0.9 : 0.62;
			break;
		case C_IND_OT:
			/* Individuals' own models are mostly small. */
			root_p = i < 1000 ? 0.1 : 0.45;
			/* fall through */
		case C_IND_CN: case C_IND_US:
			d->acct = demo_pool_pick(g, P_IND_SYN, &r);
			break;
		default:
			d->acct = demo_pool_pick(g, P_UNK, &r);
			root_p = 0.8;
			break;
		}
		if (u < root_p) {
			d->rel = R_NONE;
			continue;
		}
		u = rng_unit(&r);
		if (g->acct[d->acct].kn && g->acct[d->acct].kn->deriv)
			d->rel = u < 0.85 ? R_QUANTIZED : R_FINETUNE;
		else if (d->cls <= C_ORG_OT)
			d->rel = u < 0.55 ? R_FINETUNE : u < 0.95 ? R_QUANTIZED : R_ADAPTER;
		else if (d->cls == C_UNK)
			d->rel = R_FINETUNE;
		else
			d->rel = u < 0.40 ? R_FINETUNE : u < 0.75 ? R_QUANTIZED
				 : u < 0.90 ? R_ADAPTER : R_MERGE;
		/* The famous community quantizers. */
		if (demo_is_ind(d->cls) && g->pool[P_IND_DIR].n &&
		    rng_unit(&r) < (d->rel == R_QUANTIZED ? 0.35 : 0.05)) {
			d->acct = demo_pool_pick(g, P_IND_DIR, &r);
			if (d->rel != R_QUANTIZED && d->rel != R_FINETUNE)
				d->rel = R_QUANTIZED;
		}
	}
}

/* ---- phase 3: lineage ------------------------------------------------------- */

/* Candidate bases of one lineage, by date, with cumulative weights and a
 * coarse copy (every CAND_BLOCK-th sum) small enough to stay in cache. */
#define CAND_BLOCK 64u
struct cands {
	uint32_t *idx;
	uint32_t *created;
	double *cum;
	double *coarse;
	uint32_t n;
};

static int cands_alloc(struct cands *c, uint64_t n)
{
	c->n = 0;
	c->idx = malloc((n ? n : 1) * sizeof *c->idx);
	c->created = malloc((n ? n : 1) * sizeof *c->created);
	c->cum = malloc((n ? n : 1) * sizeof *c->cum);
	c->coarse = malloc((n / CAND_BLOCK + 1) * sizeof *c->coarse);
	return c->idx && c->created && c->cum && c->coarse ? 0 : -1;
}

static void cands_free(struct cands *c)
{
	free(c->idx);
	free(c->created);
	free(c->cum);
	free(c->coarse);
}

static void cands_push(struct cands *c, const struct dmodel *m, uint32_t i)
{
	/* Popular models attract derivatives; originals more than fine-tunes. */
	double w = pow((double)m[i].all + 1.0, 0.75) * (m[i].rel == R_NONE ? 1.0 : 0.3);
	c->idx[c->n] = i;
	c->created[c->n] = m[i].created;
	c->cum[c->n] = (c->n ? c->cum[c->n - 1] : 0) + w;
	if (c->n % CAND_BLOCK == CAND_BLOCK - 1)
		c->coarse[c->n / CAND_BLOCK] = c->cum[c->n];
	c->n++;
}

/* Weighted pick among the first n candidates. */
static uint32_t cands_pick(const struct cands *c, uint32_t n, struct rng *r)
{
	double x = rng_unit(r) * c->cum[n - 1];
	uint32_t full = (n - 1) / CAND_BLOCK; /* blocks wholly before entry n-1 */
	uint32_t blk = full ? cum_search(c->coarse, full, x) : 0, first, len;
	if (full && c->coarse[blk] <= x)
		blk = full; /* beyond every full block: the last, partial one */
	first = blk * CAND_BLOCK;
	len = n - first < CAND_BLOCK ? n - first : CAND_BLOCK;
	return c->idx[first + cum_search(c->cum + first, len, x)];
}

/* Number of candidates created strictly before t. */
static uint32_t cands_before(const struct cands *c, uint32_t t)
{
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->created[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Puts the models in order of creation (ties by rank), in place, and
 * fills rank_pos[rank] = new row.  Radix sort of (created, rank) keys, then
 * the permutation applied cycle by cycle: later passes walk the records in
 * memory order instead of jumping around.  Returns -1 out of memory. */
int demo_sort_by_created(struct gen *g, uint32_t *rank_pos)
{
	uint64_t n = g->n_models;
	uint64_t *key = malloc((n ? n : 1) * sizeof *key), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	uint64_t *cnt = malloc(65536 * sizeof *cnt);
	uint32_t *src = (uint32_t *)tmp; /* reused once the keys are sorted */

	if (!key || !tmp || !cnt) {
		free(key);
		free(tmp);
		free(cnt);
		return -1;
	}
	for (uint64_t i = 0; i < n; i++)
		key[i] = (uint64_t)g->m[i].created << 32 | i;
	for (int shift = 0; shift < 64; shift += 16) {
		uint64_t sum = 0;
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (uint64_t i = 0; i < n; i++)
			cnt[(key[i] >> shift) & 0xffff]++;
		for (size_t b = 0; b < 65536; b++) {
			uint64_t c = cnt[b];
			cnt[b] = sum;
			sum += c;
		}
		for (uint64_t i = 0; i < n; i++)
			tmp[cnt[(key[i] >> shift) & 0xffff]++] = key[i];
		memcpy(key, tmp, n * sizeof *key);
	}
	free(cnt);
	for (uint64_t k = 0; k < n; k++) {
		src[k] = (uint32_t)key[k];
		rank_pos[src[k]] = (uint32_t)k;
	}
	free(key);
	/* Row k takes the record now at src[k]; src[k] = k marks a row done. */
	for (uint64_t k = 0; k < n; k++) {
		struct dmodel held;
		uint64_t j = k;
		if (src[k] == k)
			continue;
		held = g->m[k];
		while (src[j] != k) {
			uint64_t from = src[j];
			g->m[j] = g->m[from];
			src[j] = (uint32_t)j;
			j = from;
		}
		g->m[j] = held;
		src[j] = (uint32_t)j;
	}
	free(tmp);
	return 0;
}

/* Bases are earlier models of the same lineage (a root, or a fine-tune),
 * or when none is earlier, any root of it: chains always end at a root and
 * never loop. */
int demo_gen_lineage(struct gen *g)
{
	struct cands cand[LN_COUNT], roots[LN_COUNT];
	uint64_t n = g->n_models, cnt[LN_COUNT] = { 0 }, rcnt[LN_COUNT] = { 0 };
	struct rng r;
	int rc = -1;

	memset(cand, 0, sizeof cand);
	memset(roots, 0, sizeof roots);
	rng_init(&r, g->seed, 4);
	for (uint64_t i = 0; i < n; i++) {
		int l = cls_lineage[g->m[i].cls];
		if (g->m[i].rel == R_NONE)
			rcnt[l]++;
		if (g->m[i].rel == R_NONE || g->m[i].rel == R_FINETUNE)
			cnt[l]++;
	}
	for (int l = 0; l < LN_COUNT; l++)
		if (cands_alloc(&cand[l], cnt[l]) < 0 || cands_alloc(&roots[l], rcnt[l]) < 0)
			goto out;
	for (uint64_t k = 0; k < n; k++) {
		uint32_t i = (uint32_t)k;
		int l = cls_lineage[g->m[i].cls];
		if (g->m[i].rel == R_NONE)
			cands_push(&roots[l], g->m, i);
		if (g->m[i].rel == R_NONE || g->m[i].rel == R_FINETUNE)
			cands_push(&cand[l], g->m, i);
	}
	for (uint64_t k = 0; k < n; k++) {
		struct dmodel *d = &g->m[k];
		int l = cls_lineage[d->cls];
		uint32_t before;
		const struct cands *from;
		if (d->rel == R_NONE)
			continue;
		before = cands_before(&cand[l], d->created);
		from = &cand[l];
		if (!before) {
			from = &roots[l];
			before = roots[l].n;
		}
		if (!before) {
			d->rel = R_NONE; /* nothing to build on: an original */
			continue;
		}
		d->base = cands_pick(from, before, &r);
		g->m[d->base].mflags |= MF_HAS_CHILD;
		if (d->rel == R_MERGE) {
			uint32_t b2 = cands_pick(from, before, &r);
			if (b2 != d->base) {
				d->base2 = b2;
				g->m[b2].mflags |= MF_HAS_CHILD;
			}
		}
	}
	rc = 0;
out:
	for (int l = 0; l < LN_COUNT; l++) {
		cands_free(&cand[l]);
		cands_free(&roots[l]);
	}
	return rc;
}

/* ---- entry points ------------------------------------------------------------ */

static void gen_free(struct gen *g)
{
	for (int p = 0; p < P_COUNT; p++) {
		free(g->pool[p].acct);
		free(g->pool[p].cum);
	}
	free(g->acct);
	free(g->m);
	free(g->acct_names.slot);
	arena_free(&g->names);
	if (g->b)
		table_builder_free(g->b);
}

struct ht_snapshot *demo_generate(uint64_t n_models, uint64_t n_datasets, uint64_t seed,
				  const struct orgdir *d)
{
	struct gen g;
	struct ht_meta meta;
	struct ht_snapshot *s;

	if (n_models > DEMO_MAX_ITEMS || n_datasets > DEMO_MAX_ITEMS)
		return NULL;
	memset(&g, 0, sizeof g);
	g.seed = seed;
	g.dir = d && orgdir_count(d) ? d : NULL;
	g.n_models = n_models;
	g.m = calloc(n_models ? n_models : 1, sizeof *g.m);
	g.b = table_builder_new();
	if (!g.m || !g.b || setup_accounts(&g, n_models, n_datasets) < 0 ||
	    demo_gen_models(&g) < 0 || demo_gen_datasets(&g, n_datasets) < 0) {
		gen_free(&g);
		return NULL;
	}
	/* Organisations the directory does not know, as the hub client
	 * would have learned them. */
	for (uint32_t i = 0; i < g.pool[P_UNK].n; i++) {
		const struct acct *a = &g.acct[g.pool[P_UNK].acct[i]];
		if (a->used && table_builder_set_account_kind(g.b, a->name, HT_ACCT_ORG) < 0) {
			gen_free(&g);
			return NULL;
		}
	}
	memset(&meta, 0, sizeof meta);
	meta.format_version = STORE_FORMAT_VERSION;
	meta.demo = 1;
	meta.complete = 1;
	meta.fetched_at = T_FETCHED;
	meta.as_of = T_FETCHED;
	memcpy(meta.endpoint, "demo", 5);
	s = table_builder_finish(g.b, &meta);
	g.b = NULL;
	gen_free(&g);
	return s;
}

int demo_write(uint64_t n_models, uint64_t n_datasets, uint64_t seed, const struct orgdir *d,
	       const char *path, char *err, size_t errlen)
{
	struct store_err se;
	struct ht_snapshot *s;

	if (n_models > DEMO_MAX_ITEMS || n_datasets > DEMO_MAX_ITEMS) {
		snprintf(err, errlen,
			 "demo: %llu models and %llu datasets asked; at most %llu of each can be "
			 "generated: ask for fewer",
			 (unsigned long long)n_models, (unsigned long long)n_datasets,
			 (unsigned long long)DEMO_MAX_ITEMS);
		return -1;
	}
	s = demo_generate(n_models, n_datasets, seed, d);
	if (!s) {
		snprintf(err, errlen,
			 "demo: out of memory generating %llu models and %llu datasets: "
			 "ask for fewer or free memory",
			 (unsigned long long)n_models, (unsigned long long)n_datasets);
		return -1;
	}
	if (store_write(s, path, &se) < 0) {
		snprintf(err, errlen, "%s", se.msg);
		table_free(s);
		return -1;
	}
	table_free(s);
	return 0;
}

/* engine_priv.h - what the files of the engine share (src/engine/ only).
 *
 * The engine is one module spread over four files: engine.c (sorting
 * helpers, preparation, names), engine_build.c (the derived data: views,
 * cells, orders), engine_apply.c (a filter's matches, concentration and
 * shares), engine_rank.c (item orders and the aggregate rankings).  The
 * layout of the derived data is described in engine.c.  The helpers the
 * hot loops call are static inline here, so moving them cost nothing.
 * The interface is include/hubtop/engine.h.
 */
#ifndef HUBTOP_ENGINE_PRIV_H
#define HUBTOP_ENGINE_PRIV_H

#include <ctype.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hubtop/civil.h"
#include "hubtop/engine.h"
#include "hubtop/search.h"

/* The engine's "modes": (attribution mode, level).  Views below
 * ATTRIB_MODE_COUNT group items by account, the others by organisation;
 * each view has its own cells, groups and orders, made on first use, so
 * the machinery is the same for both levels. */
#define ENG_VIEWS (2 * ATTRIB_MODE_COUNT)
/* The default level's views: those start-up, engine_prepare_step and the
 * side-by-side records (struct rank_rec) serve. */
#define VIEW_DEF ATTRIB_MODE_COUNT

static inline int filter_view(const struct filter *f)
{
	int m = f->by == ATTRIB_LINEAGE ? ATTRIB_LINEAGE : ATTRIB_UPLOADER;
	return f->level == LEVEL_ACCOUNT ? m : ATTRIB_MODE_COUNT + m;
}

/* The view a filter reads in one table: the datasets' two attribution
 * modes read one account per item, so the lineage's is the uploader's
 * (one set of cells, groups and orders for both). */
#define eng_view(E, KIND, F) eng_view_at((E), (KIND), filter_view(F))
#define eng_view_at(E, KIND, M)                                                          \
	((M) % ATTRIB_MODE_COUNT && (E)->a->item_acct[KIND][1] == (E)->a->item_acct[KIND][0] \
		 ? (M) - 1                                                                 \
		 : (M))

/* One accumulation bucket of the hot loop. */
struct cell_acc {
	uint64_t count, downloads, likes;
	uint64_t created; /* earliest creation; UINT64_MAX = none known */
};

/* The windows: 30-day, all-time and the period (engine_set_period).
 * Everything kept per window is indexed by enum filter_window. */
#define ENG_WINDOWS 3

/* Unfiltered totals of one cell (year, class), every window:
 * filters on country, group and type alone are sums of these. */
struct cell_tot {
	uint64_t count, likes, created;
	uint64_t downloads[ENG_WINDOWS], under[ENG_WINDOWS]; /* by enum filter_window */
};

/* Unfiltered totals of one account: 32 bytes (375,000 accounts, per table
 * and view).  The period's downloads (kdata.aperiod) only while a period
 * is set; creation in 32 bits unless one does not fit (kdata.acreated).
 * Read them through acct_dl and acct_created. */
struct acct_tot {
	uint64_t downloads[2]; /* 30-day, all-time */
	uint64_t likes;
	uint32_t count;
	uint32_t created;      /* seconds; UINT32_MAX unknown */
};

/* Per-result extras the aggregate panes need beyond struct eng_result. */
struct agg_x {
	uint64_t likes;
	uint64_t created; /* UINT64_MAX = none known */
	uint64_t trending; /* made by result_trending */
};

/* The matches of a filter in one window's rank order: a bitmap by rank and,
 * per 64-rank word, the matches and their downloads before it, so the k-th
 * match and the downloads of the first k are a binary search and one word
 * away. */
struct match_set {
	size_t nw;               /* words */
	uint64_t *bits;          /* nw + 1 */
	uint32_t *wcnt;          /* nw + 1: matches before word w */
	uint64_t *wdl;           /* nw + 1: their downloads */
	uint64_t n, P, under;
	uint64_t nk;             /* matches among the ranks with a count (ord.known) */
	unsigned __int128 SP;    /* sum of the prefix sums (Gini) */
};

struct result_priv {
	struct eng_result pub; /* first: the caller sees only this */
	struct agg_x *country_x;
	struct agg_x group_x[CG_COUNT], type_x[OT_COUNT], year_x[ENG_YEARS];
	/* The filter only tests country, group and type: per-account
	 * answers come from the unfiltered totals of the accounts in cls_ok. */
	int cell_only;
	uint8_t *cls_ok;       /* per (type, country+group) class: passes; NULL = all */
	struct match_set ms;   /* by window rank */
	uint32_t *rows;        /* every match in rank order; NULL until first needed */
	uint64_t *rbits;       /* matches by row; NULL until first needed (30-day: ms.bits) */
	uint64_t *aseen;       /* accounts with a match; NULL: not known */
	struct cell_acc *own;  /* per own class (kdata.acct_cls): its account's matches */
	/* Per cell, its matches' trending: only a ranking that shows or sorts
	 * by trending needs it, so the share pass leaves it to
	 * result_trending.  NULL until made. */
	uint64_t *ctr;
};

/* Per-account (or per-term) accumulator for the org, task and library panes. */
struct key_acc {
	uint64_t downloads, likes, created;
	uint32_t count, gen;
};

enum { TERM_TASK = 0, TERM_LIB, TERM_LIC, TERM_COLS };

/* What the share pass reads of one sparse match, together: one cache line
 * fetched instead of five. */
struct rank_rec {
	uint32_t dl;                        /* RANK_REC_BIG: read ord.dl */
	uint32_t likes;
	uint32_t created;                   /* 0 unknown */
	uint32_t acct[ATTRIB_MODE_COUNT];
	uint16_t cell[ATTRIB_MODE_COUNT];
};
/* A count of 2^32 - 1 or more, which its record does not hold (24 bytes
 * instead of 32: 16 MB less on 2M models). */
#define RANK_REC_BIG UINT32_MAX

static inline uint64_t rec_dl(const struct rank_rec *q, const uint64_t *dl, uint32_t rk)
{
	return __builtin_expect(q->dl == RANK_REC_BIG, 0) ? dl[rk] : q->dl;
}

/* One window's rank order (30-day: the rows themselves, which are stored
 * that way; all-time: rows by all-time downloads) and, in that order,
 * compact copies of what the filter pass reads: the scan then streams a few
 * narrow arrays instead of the table's wide columns.  Each array is made on
 * first use, or by engine_prepare. */
struct ord {
	uint32_t *perm;          /* rank -> row; NULL: rank == row */
	uint32_t *rank;          /* row -> rank; NULL likewise */
	const uint64_t *dl;      /* window downloads by rank */
	uint64_t *dl_own;
	uint64_t *uni;           /* per 64-rank word: its downloads are all equal */
	struct rank_rec *rec;    /* by rank, when every creation time fits 32 bits */
	uint16_t *cell[ENG_VIEWS];
	uint32_t *cell_ranks[ENG_VIEWS];      /* ranks grouped by cell, ascending */
	uint32_t *cell_ranks_off[ENG_VIEWS];  /* n_cells + 1 offsets into cell_ranks */
	const uint32_t *acct[ENG_VIEWS]; /* the account each rank counts for */
	uint32_t *acct_own[ENG_VIEWS];
	uint32_t *grank[ENG_VIEWS];  /* kdata.gperm's rows as ranks (all-time) */
	uint16_t *term[TERM_COLS];  /* dense term codes (kdata.term_code) */
	uint32_t *created;       /* creation, seconds (kdata.created_exact) */
	const uint32_t *likes;
	uint32_t *likes_own;
	const uint32_t *trending; /* made on first use (eng_ord_trending) */
	uint32_t *trending_own;
	const uint8_t *flags;
	uint8_t *flags_own;
	struct match_set every;  /* the unfiltered answer; every.bits NULL until made */
	uint64_t *sbits;         /* all-time: the cached search by rank */
	/* Ranks [0, known) have a download count in this window; the rest
	 * (flagged unknown, stored as 0) follow them.  Set by eng_ord_base. */
	uint32_t known;
	char skey[FILTER_SEARCH_MAX];
	int snames;              /* skey's search_names and attribution mode (+1), 0 none */
	int svalid;
};

/* A count too large for a 32-bit column: its position and value. */
struct gbig {
	uint64_t v;
	uint32_t j;
};

/* A column of counts in account-group order (struct kdata): in 32 bits
 * when few pass 2^32 - 2 (at most 1 in 8), those reading UINT32_MAX there
 * and listed in big by position; else in 64 bits.  All NULL: not made
 * (every count reads 0). */
struct gcol {
	uint64_t *d64;
	uint32_t *d32;
	struct gbig *big;
	uint32_t nbig;
};

struct kdata {
	uint32_t n;
	struct ord o[ENG_WINDOWS]; /* by enum filter_window */
	/* The period window (engine_set_period), by row: downloads (0 when
	 * unknown) and the table's flags with HT_F_DLA_UNKNOWN meaning the
	 * period's count is unknown.  NULL: no period set. */
	uint64_t *pdl;
	uint8_t *pflags;
	/* The start's row of the same item (matched by id), UINT32_MAX when
	 * the start lacks it: the movers read the start's columns through it. */
	uint32_t *pmatch;
	uint8_t *year;           /* year bucket per row */
	uint16_t *term_code[TERM_COLS]; /* term index -> dense code, TERM_NONE if absent */
	uint32_t term_codes[TERM_COLS]; /* codes in use; > TERM_MAX: the wide column is read */
	int created_exact;       /* every creation time fits o[].created (0 <= t < 2^32 - 1) */
	struct cell_tot *ctot[ENG_VIEWS];
	/* The cells that hold items, ascending: the only ones a pass touches,
	 * so the only ones cleared and read back (a third of them on 2M
	 * models). */
	uint32_t *cused[ENG_VIEWS];
	uint32_t ncused[ENG_VIEWS];
	struct acct_tot *atot[ENG_VIEWS];
	/* Per account: the period's downloads while a period is set (else
	 * NULL), and the earliest creation when some creation time does not
	 * fit 32 bits (else NULL: acct_tot.created holds it). */
	uint64_t *aperiod[ENG_VIEWS];
	uint64_t *acreated[ENG_VIEWS];
	/* Items grouped by account (counting sort, rows ascending within an
	 * account): goff[ac]..goff[ac+1] index gperm (rows) and the columns in
	 * that order, so a per-account sum is a sequential pass.  atot: the
	 * accounts' unfiltered totals. */
	uint32_t *goff[ENG_VIEWS];
	uint32_t *gperm[ENG_VIEWS];
	/* Window downloads in that order (eng_gdownloads reads them); the
	 * period's only while a period is set. */
	struct gcol gdownloads[ENG_VIEWS][ENG_WINDOWS];
	uint32_t *glikes[ENG_VIEWS];  /* likes in that order */
	uint64_t *gcreated[ENG_VIEWS]; /* creation in that order, UINT64_MAX unknown */
	/* The same in half the room when every time fits (UINT32_MAX unknown);
	 * then gcreated is NULL.  eng_gcreated reads either. */
	uint32_t *gcreated32[ENG_VIEWS];
	/* Per cell, its rows with a known creation time, earliest first: the
	 * earliest match of a cell is the first of them that matches. */
	uint32_t *cell_by_created[ENG_VIEWS];
	uint32_t *cell_by_created_off[ENG_VIEWS];
	/* Accounts with items by unfiltered window downloads, descending, and
	 * how many of them each (type, country+group) class holds: the orgs
	 * ranking of a country/group/type filter is then the first accounts
	 * that pass.  Made on first use. */
	uint32_t *aorder[ENG_VIEWS][ENG_WINDOWS];
	uint32_t *acls_n[ENG_VIEWS];
	/* The positions in aorder grouped by class, ascending within one:
	 * class c holds apos[acls_off[c] .. acls_off[c + 1]).  A filter that
	 * passes a few small classes reads their heads, not the whole order. */
	uint32_t *acls_off[ENG_VIEWS];
	uint32_t *apos[ENG_VIEWS][ENG_WINDOWS];
	/* The accounts with most items (at least OWN_MIN_ITEMS, at most
	 * engine.n_own of them) have classes of their own, after the
	 * (type, country+group) ones: their matches' sums are then a few
	 * cells of the share pass, which the organisations ranking reads
	 * instead of walking their items.  Made with the mode's cells. */
	uint16_t *acct_cls[ENG_VIEWS];  /* account -> its class */
	uint8_t *cls_type[ENG_VIEWS];   /* class -> its organisation type */
	uint16_t *cls_cg[ENG_VIEWS];    /* class -> its country+group */
	/* Trending, which only a ranking by it or an export's column reads,
	 * so made on first use: per cell and per account, the unfiltered
	 * sums; the scores in account-group order (kdata.gperm). */
	uint64_t *cell_trending[ENG_VIEWS];
	uint64_t *acct_trending[ENG_VIEWS];
	uint32_t *gtrending[ENG_VIEWS];
	/* The organisation views (ENG_VIEWS above ATTRIB_MODE_COUNT): per
	 * mode, the item -> organisation map (the representative account of
	 * the item's account, attrib.h) and per representative how many of
	 * its accounts hold items here.  Made on first use. */
	uint32_t *org_item[ATTRIB_MODE_COUNT];
	uint32_t *org_nacc[ATTRIB_MODE_COUNT];
	struct search_index *sx; /* the ids' search index */
	uint64_t *sunion;        /* by row: the matches of a search "a|b" (any term) */
	uint64_t *snamed;        /* by row: a search's matches with the items its names name */
	char snamed_key[FILTER_SEARCH_MAX];
	int snamed_mode;         /* the attribution mode snamed was made for, +1; 0 none */
	uint32_t *perm[SORT_END]; /* rows by key (items' keys), descending; built on first use */
	/* The Tasks and Libraries rankings of an answer every row matches
	 * (the first screen, a cleared filter): per term its unfiltered sums,
	 * and the terms in the order the rows first hold them, as a pass over
	 * the rows would list them.  Made by engine_prepare_step. */
	struct term_tot *ttot[2];       /* 0: tasks, 1: libraries */
	uint32_t *ttot_order[2];
	uint32_t ttot_n[2];
};

/* An account's unfiltered downloads in window win, and its earliest
 * creation (UINT64_MAX unknown), in view m (struct acct_tot). */
static inline uint64_t acct_dl(const struct kdata *kd, int m, uint32_t ac, int win)
{
	if (win == WIN_PERIOD)
		return kd->aperiod[m] ? kd->aperiod[m][ac] : 0;
	return kd->atot[m][ac].downloads[win];
}

static inline uint64_t acct_created(const struct kdata *kd, int m, uint32_t ac)
{
	uint32_t c;
	if (kd->acreated[m])
		return kd->acreated[m][ac];
	c = kd->atot[m][ac].created;
	return c == UINT32_MAX ? UINT64_MAX : c;
}

struct term_tot {
	uint64_t count, likes, created, trending;
	uint64_t downloads[2];
};

#define TERM_NONE 0xffffu
#define TERM_MAX 0xfffeu

/* Own classes: an account with fewer items is walked as cheaply as its
 * cells are summed; more of them would make the cube outgrow the cache. */
#define OWN_MIN_ITEMS 128u
#define OWN_SAMPLE 16u
#define OWN_MAX 256u

/* engine_bg.c: the pieces that depend on the snapshot and attribution alone
 * (each table's search index and order by name, the accounts' ranks by
 * name), made on a worker thread that reads the snapshot, the attribution
 * and the directory and writes only its results and ready (under lock);
 * the main thread takes them into the engine (eng_bg_collect). */
enum { ENG_BG_IDLE, ENG_BG_RUNNING, ENG_BG_OFF };
enum { ENG_BG_SEARCH, ENG_BG_NAMES, ENG_BG_PIECES };
/* The accounts' ranks the worker makes: by account name and by organisation
 * name (name_rank 0 and 1; 2, the own display name, on first use).  They
 * take the bits of one more table's pieces. */
#define ENG_BG_RANKS 2
_Static_assert(ENG_BG_RANKS <= ENG_BG_PIECES, "the ranks' bits are one table's");
struct eng_bg {
	int state;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const struct engine *e;                  /* read: its snapshot, attribution, directory */
	unsigned want;                           /* the pieces asked, a bit per (kind, piece) */
	unsigned ready;                          /* under lock: made (or given up) */
	unsigned taken;                          /* main thread: taken into struct kdata */
	struct search_index *sx[HT_KIND_COUNT];  /* the worker's results, until taken */
	uint32_t *name_perm[HT_KIND_COUNT];
	uint32_t *acct_rank[ENG_BG_RANKS];       /* the accounts' ranks by name (name_rank 0, 1) */
};

struct engine {
	const struct ht_snapshot *s;
	const struct attrib *a;
	const struct orgdir *d;
	unsigned n_countries;
	unsigned n_cg;
	uint32_t n_cls;         /* classes: OT_COUNT * n_cg, then n_own of single accounts */
	uint32_t n_own;
	uint16_t *cg_country;
	uint8_t *cg_group;
	uint16_t *acct_cg;
	uint32_t n_cells;       /* ENG_YEARS * n_cls: cell = year * n_cls + class */
	struct cell_acc *cube;  /* 2 * n_cells: alternate copies break store chains */
	uint8_t *cell_ok;
	uint64_t *cbits;        /* scratch: ranks whose cell passes */
	uint32_t *acct_sorted;  /* accounts by name, case-insensitive; built on first author filter */
	/* Each account's rank by name, by its organisation's display name,
	 * by its own display name (A to Z, case-insensitive, unique): the
	 * orgs ranking sorted by a name is a radix sort.  Made on first use. */
	uint32_t *name_rank[3];
	/* The text filter of Orgs and Regions (engine_names.c): every
	 * account's name in lower case, each ended by '\0', account ac at
	 * names_off[ac] (names_off[n_accounts]: the end); the accounts of the
	 * directory (the only ones with a display name of their own).  Made
	 * on first use. */
	char *names_buf;
	uint32_t *names_off, *names_listed, n_listed;
	uint64_t *acct_bits;
	uint64_t *org_bits;     /* organisations a --org filter names; made on first one */
	struct key_acc *key_sums;   /* max(accounts, terms) */
	uint64_t *key_trending;          /* the same keys' trending, when a ranking asks; made on first use */
	uint32_t key_sums_n, gen;
	uint32_t *touched;
	unsigned prep;          /* engine_prepare_step: the next piece */
	int focus;              /* engine_focus: the attribution mode shown */
	struct kdata k[HT_KIND_COUNT];
	/* The period's start (borrowed, engine_set_period) and what it found. */
	const struct ht_snapshot *pstart;
	struct eng_period period;
	struct dims_data *dims; /* dims.c: relation, depth, language by row; made on first use */
	struct eng_bg bg;       /* engine_bg.c: pieces made on a worker thread */
	size_t heap_tidied;     /* eng_idle_tidy: the heap's size when it last gave pages back */
	int last_win;           /* the window of the last answer made (eng_idle_tidy) */
	/* engine_focus_begin's build of the other mode's view (engine_focus.c),
	 * NULL when none runs.  Only the thread that asks reads or writes it. */
	struct eng_focus_job *job;
	/* The old mode's view after a swap, freed on a thread of its own
	 * (eng_view_bury), NULL when none; joined by the next idle step. */
	struct eng_grave *grave;
};

void eng_dims_free(struct engine *e);
/* dims.c's pieces for engine_memory: a table's per-row dimensions (and
 * their all-time copies), the lineage's bases and chains (models). */
void eng_dims_memory(const struct engine *e, enum ht_kind kind, size_t (*size_of)(const void *), size_t *rows,
		     size_t *lineage);
/* Gives back what only the builds used, once every piece is made
 * (engine_build.c): the pages of the snapshot's columns that the engine no
 * longer reads, when it is mapped from its file (store_release), and the
 * heap's free pages.  engine_prepare_step calls it when it has made the
 * last piece.  A few ms. */
void eng_release_unused(struct engine *e);
/* Idle time once an answer's idle work is done (engine_prepare_step):
 * the searches' cached answers to needles no longer typed go
 * (search_trim), and when that freed some or the heap grew since the last
 * time, the heap's free pages go back to the system (what larger scratch
 * left).  Under 3 ms on 2M + 500K items. */
void eng_idle_tidy(struct engine *e);
/* Starts the worker once, when a piece it makes is missing (the first
 * engine_prepare_step); without a thread, the idle steps make them. */
void eng_bg_start(struct engine *e);
/* Takes in the worker's pieces made so far, waiting up to wait_ms (-1:
 * as long as it takes, 0: not at all) for the piece (ENG_BG_SEARCH or
 * ENG_BG_NAMES) of the kind asked (kind HT_KIND_COUNT: the accounts' ranks
 * by name, piece the name; kind -1: every piece).  1 when that is
 * still to be made; the worker is joined once it has made them all. */
int eng_bg_collect(struct engine *e, int kind, int piece, long wait_ms);
/* The accounts' ranks by a name (engine_rank.c, name_rank): reads only the
 * attribution and the directory (any thread).  NULL: out of memory. */
uint32_t *eng_name_rank_make(const struct engine *e, int which);
/* Whether organisation view VIEW_DEF + b of kind holds pieces of its own:
 * not when it is not made, nor when the two modes read one account per
 * item and share one view. */
static inline int eng_view_owned(const struct engine *e, enum ht_kind kind, int b)
{
	const struct kdata *kd = &e->k[kind];
	return kd->org_item[b] && kd->org_item[b] != kd->org_item[!b] &&
	       e->a->item_acct[kind][b] != e->a->item_acct[kind][!b];
}
/* Frees what organisation view m made (engine_focus). */
void eng_view_drop(struct engine *e, enum ht_kind kind, int m);
/* engine_focus's drop of view m, every table's, off the keys' thread: its
 * slots leave the engine at once (pointers) and a thread frees the arrays
 * (10-15 ms on 2M models, most of the swap otherwise).  0 when handed
 * over, -1 when no thread could start (then nothing is done: the caller
 * drops).  eng_grave_join waits for that thread, and gives the heap's free
 * pages back; engine_prepare_step and engine_free call it. */
int eng_view_bury(struct engine *e, int m);
void eng_grave_join(struct engine *e);
/* Piece `piece` (0, 1, ...) of organisation view m of kind, in
 * engine_prepare_step's order: what engine_focus_begin's worker makes, on
 * its own copy of the engine.  1 when pieces remain, 0 when that was the
 * last, -1 out of memory. */
int eng_view_piece(struct engine *e, enum ht_kind kind, int m, unsigned piece);

/* ---- name order ---------------------------------------------------------- */

/* Orders indexes by name, case-insensitively (as strcasecmp in the C
 * locale), ties by index ascending: an MSD pass on 8 lower-cased bytes at a
 * time (a stable LSD radix sort of each range on that chunk), recursing only
 * into runs whose chunk is equal and not past the end of the names; small
 * runs go to qsort.  About 150 ms for 2M ids, against seconds for a qsort. */
struct name_ctx {
	const char *base;        /* names are base + off[i] ... */
	const uint32_t *off;
	const char *const *ptr;  /* ... or ptr[i] */
	int desc;
};

struct name_key {
	uint64_t key;
	uint32_t idx, ended;
};

struct sort_ctx {
	const struct ht_snapshot *s;
	enum ht_kind kind;
	enum eng_sort key;
};

struct cand {
	uint64_t v;
	uint32_t key;
};

/* The ranks a pass visits: the matches (direct), or every rank that does
 * not match (complement: the caller starts from the unfiltered totals and
 * takes these away).  Whichever is fewer. */
#define FOR_EACH_VISITED(MS, N, COMPLEMENT, RK, PREFETCH, BODY)                         \
	do {                                                                            \
		/* Sparse ranks miss the cache: each is fetched VISIT_LAG ranks    \
		 * before its turn (a ring keeps the order). */                      \
		uint32_t ring_[VISIT_LAG];                                              \
		unsigned rh_ = 0, rn_ = 0;                                              \
		const size_t nw_ = words_of(N);                                         \
		for (size_t w_ = 0; w_ < nw_; w_++) {                                   \
			uint64_t b_ = (COMPLEMENT) ? ~(MS)->bits[w_] : (MS)->bits[w_];    \
			if (w_ == nw_ - 1 && ((N) & 63))                                 \
				b_ &= ((uint64_t)1 << ((N) & 63)) - 1;                     \
			for (; b_; b_ &= b_ - 1) {                                      \
				uint32_t next_ = (uint32_t)(w_ * 64 + (unsigned)__builtin_ctzll(b_)); \
				{                                                       \
					uint32_t RK = next_;                            \
					PREFETCH;                                       \
				}                                                       \
				if (rn_ < VISIT_LAG) {                                  \
					ring_[rn_++] = next_;                           \
					continue;                                       \
				}                                                       \
				{                                                       \
					uint32_t RK = ring_[rh_];                       \
					ring_[rh_] = next_;                             \
					rh_ = (rh_ + 1) % VISIT_LAG;                    \
					BODY;                                           \
				}                                                       \
			}                                                               \
		}                                                                       \
		for (unsigned i_ = 0; i_ < rn_; i_++) {                                 \
			uint32_t RK = ring_[(rh_ + i_) % VISIT_LAG];                    \
			BODY;                                                           \
		}                                                                       \
	} while (0)
#define VISIT_LAG 32u

/* Defined in one file, called from another. */
int eng_sort_names_at(const struct name_ctx *c, uint32_t *idx, size_t n, size_t depth,
			 struct name_key *v, struct name_key *tmp);
int eng_cmp_rows(const void *pa, const void *pb, void *pc);
/* The matches of r by a text column key (SORT_COUNTRY..): out gets r->n
 * rows.  0, or -1 when memory ran out (engine_colsort.c). */
int eng_sort_text_col(struct engine *e, const struct eng_result *r, enum eng_sort sort, int desc, uint32_t *out);
/* The place of a country's (SORT_COUNTRY) or a type's (SORT_ORGTYPE) text
 * among its column's texts, A to Z: O(1) after the first call. */
uint32_t eng_text_rank(enum eng_sort sort, uint32_t code);
int eng_radix_sort(uint64_t *v, size_t n, unsigned lo, unsigned hi);
/* cr32: the creation times by row in 32 bits (kdata.o[0].created) that
 * SORT_CREATED reads instead of the table's column, or NULL. */
int eng_sort_rows_radix(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key,
			   const uint32_t *cr32, const uint32_t *rows, uint32_t n, uint32_t want, int desc,
			   uint32_t *out);
int eng_build_perm(const struct ht_snapshot *s, enum ht_kind kind, enum eng_sort key, uint32_t *perm);
const uint32_t *eng_view_acct(struct engine *e, enum ht_kind kind, int m);
int eng_kd_mode(struct engine *e, enum ht_kind kind, int m, int groups);
/* A window's order and the columns every pass reads (eng_ord_perm); with
 * eng_ord_base, also view m's cells and accounts in that order.  0, or -1
 * when memory runs out. */
int eng_ord_perm(struct engine *e, enum ht_kind kind, int win);
int eng_ord_base(struct engine *e, enum ht_kind kind, int win, int m);
/* The account (mode b's, b < ATTRIB_MODE_COUNT) each rank of window win
 * counts for, which the author and organisation tests read: at the
 * organisation level made on their first use, after eng_ord_base.  NULL
 * when memory runs out. */
const uint32_t *eng_ord_acct(struct engine *e, enum ht_kind kind, int win, int b);
int eng_ord_cell_ranks(struct engine *e, enum ht_kind kind, int win, int m);
int eng_ord_term(struct engine *e, enum ht_kind kind, int win, int col);
int eng_ord_created(struct engine *e, enum ht_kind kind, int win);
/* created[] (through perm when not NULL) as 32-bit seconds into a new
 * array *out: 1; 0 (*out NULL) when one does not fit (negative, or 2^32 - 1
 * on); -1 out of memory. */
int eng_created32(const int64_t *created, const uint32_t *perm, uint32_t n, uint32_t **out);
const uint32_t *eng_ord_trending(struct engine *e, enum ht_kind kind, int win);
int eng_kd_trending(struct engine *e, enum ht_kind kind, int m);
int eng_kd_cell_by_created(struct engine *e, enum ht_kind kind, int m);
int eng_ord_rec(struct engine *e, enum ht_kind kind, int win);
int eng_period_perm(struct engine *e, enum ht_kind kind, uint32_t *perm, uint64_t **dl);
const char *eng_acct_display(const struct engine *e, uint32_t ac, int own);
/* engine_names.c: sets in rows (a bitmap by row) the items of kind whose
 * account under mode a term of search names (filter.search_names).  A pass
 * over the accounts' names and one over the items.  -1: out of memory. */
int eng_search_names(struct engine *e, enum ht_kind kind, int mode, const char *search, uint64_t *rows);
void eng_ord_free(struct ord *o);
int eng_sort_accounts(struct engine *e);
const struct match_set *eng_every_match(struct engine *e, enum ht_kind kind, int win);
const uint64_t *eng_result_rbits(struct engine *e, const struct eng_result *r);
const uint32_t *eng_get_perm(struct engine *e, enum ht_kind kind, enum eng_sort sort);
extern const char *const eng_year_labels[ENG_YEARS];

static inline size_t words_of(uint32_t n)
{
	return ((size_t)n + 63) / 64;
}

/* bound[y]: first second of bucket y (y >= 1). */
static inline void year_bounds(int64_t *bound)
{
	bound[0] = INT64_MIN;
	for (unsigned y = 1; y < ENG_YEARS; y++)
		bound[y] = civil_year_start(ENG_YEAR_FIRST + (int64_t)y - 1);
}

static inline int sort_names(const struct name_ctx *c, uint32_t *idx, size_t n)
{
	struct name_key *v, *tmp;
	int rc;
	if (n < 2)
		return 0;
	v = malloc(n * sizeof *v);
	tmp = malloc(n * sizeof *tmp);
	rc = v && tmp ? eng_sort_names_at(c, idx, n, 0, v, tmp) : -1;
	free(v);
	free(tmp);
	return rc;
}

static inline unsigned bits_of(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

uint64_t eng_gbig_find(const struct gbig *big, uint32_t nbig, uint32_t j);
/* col[j] = src[gp[j]] for j < n, in 32 bits when it can be (struct gcol):
 * 0, or -1 when memory ran out (col then empty). */
int eng_gcol_build(struct gcol *col, const uint64_t *src, const uint32_t *gp, uint32_t n);
void eng_gcol_free(struct gcol *col);

/* The j-th count of a struct gcol. */
static inline uint64_t eng_gdownloads(const struct gcol *col, uint32_t j)
{
	uint32_t v;
	if (col->d64)
		return col->d64[j];
	if (!col->d32)
		return 0;
	v = col->d32[j];
	return __builtin_expect(v == UINT32_MAX, 0) ? eng_gbig_find(col->big, col->nbig, j) : v;
}

/* The creation time of the j-th item of a view's account groups,
 * UINT64_MAX unknown. */
static inline uint64_t eng_gcreated(const uint64_t *gc, const uint32_t *gc32, uint32_t j)
{
	uint64_t c;
	if (gc)
		return gc[j];
	c = gc32[j];
	return c | (0 - (uint64_t)(c == UINT32_MAX));
}

/* Whether a comes before b in the ranking (descending value, ties by key). */
static inline int cand_before(const struct cand *a, const struct cand *b, int desc)
{
	if (!desc) {
		const struct cand *t = a;
		a = b;
		b = t;
	}
	return a->v > b->v || (a->v == b->v && a->key < b->key);
}

/* Offers c to heap[0..*n) (at most k): keeps the first k candidates of the
 * ranking; heap[0] is the last of them. */
static inline void heap_offer(struct cand *heap, size_t *n, size_t k, struct cand c, int desc)
{
	size_t at = 0;
	if (*n < k) {
		/* sift up: the root is the element that comes last */
		at = (*n)++;
		while (at && cand_before(&heap[(at - 1) / 2], &c, desc)) {
			heap[at] = heap[(at - 1) / 2];
			at = (at - 1) / 2;
		}
		heap[at] = c;
		return;
	}
	if (!cand_before(&c, &heap[0], desc))
		return;
	for (;;) {
		size_t l = 2 * at + 1, big = at;
		const struct cand *bigc = &c;
		if (l < *n && cand_before(bigc, &heap[l], desc))
			big = l, bigc = &heap[l];
		if (l + 1 < *n && cand_before(bigc, &heap[l + 1], desc))
			big = l + 1, bigc = &heap[l + 1];
		if (big == at)
			break;
		heap[at] = heap[big];
		at = big;
	}
	heap[at] = c;
}

/* dst[i] = src[perm[i]]: a gather, with the misses of later items started
 * early. */
#define DEFINE_GATHER(NAME, T)                                                     \
	static inline T *NAME(const T *src, const uint32_t *perm, uint32_t n)             \
	{                                                                          \
		T *dst = table_big_alloc(((size_t)n + 1) * sizeof *dst);                 \
		if (!dst)                                                          \
			return NULL;                                               \
		for (uint32_t i = 0; i < n; i++) {                                 \
			if (i + 16 < n)                                            \
				__builtin_prefetch(&src[perm[i + 16]], 0);         \
			dst[i] = src[perm[i]];                                     \
		}                                                                  \
		return dst;                                                        \
	}

DEFINE_GATHER(gather8, uint8_t)
DEFINE_GATHER(gather16, uint16_t)
DEFINE_GATHER(gather32, uint32_t)
DEFINE_GATHER(gather64, uint64_t)

static inline int ord_uni(struct ord *o, uint32_t n)
{
	size_t nw = words_of(n);
	if (o->uni)
		return 0;
	if (!(o->uni = calloc(words_of((uint32_t)nw) + 1, sizeof *o->uni)))
		return -1;
	for (size_t w = 0; w < nw; w++) {
		uint32_t last = (uint32_t)(w * 64 + 63 < n ? w * 64 + 63 : n - 1);
		if (o->dl[w * 64] == o->dl[last])
			o->uni[w >> 6] |= (uint64_t)1 << (w & 63);
	}
	return 0;
}

static inline const uint32_t *term_column(const struct ht_table *t, int col)
{
	return col == TERM_TASK ? t->pipeline : col == TERM_LIB ? t->library : t->license;
}

/* kd->gtrending of a mode (with its account groups). */
static inline const uint32_t *kd_gtrending(struct engine *e, enum ht_kind kind, int m)
{
	struct kdata *kd = &e->k[kind];
	if (!kd->gtrending[m] && !eng_kd_mode(e, kind, m, 1))
		kd->gtrending[m] = gather32(e->s->t[kind].trending, kd->gperm[m], kd->n);
	return kd->gtrending[m];
}

static inline void match_set_free(struct match_set *ms)
{
	free(ms->bits);
	free(ms->wcnt);
	free(ms->wdl);
	memset(ms, 0, sizeof *ms);
}

/* ---- apply -------------------------------------------------------------- */

static inline uint32_t find_term(const struct ht_snapshot *s, const char *term)
{
	uint32_t t = table_find_term(s, term);
	return t ? t : UINT32_MAX; /* unknown term: matches nothing */
}

/* The window of a filter as an index of the per-window arrays. */
static inline int filter_win(const struct filter *f)
{
	return f->window == WIN_ALL || f->window == WIN_PERIOD ? f->window : WIN_30D;
}

static inline const struct ord *result_ord(const struct engine *e, const struct eng_result *r)
{
	return &e->k[r->kind].o[filter_win(&r->filter)];
}

/* A window's downloads by row (0 when unknown) and the flags that say
 * which are unknown: HT_F_DL_UNKNOWN for the 30-day window,
 * HT_F_DLA_UNKNOWN for the others (the period's own flags). */
static inline const uint64_t *win_downloads(const struct engine *e, enum ht_kind kind, int win)
{
	const struct ht_table *t = &e->s->t[kind];
	return win == WIN_PERIOD ? e->k[kind].pdl : win == WIN_ALL ? t->downloads_all : t->downloads;
}
static inline const uint8_t *win_flags(const struct engine *e, enum ht_kind kind, int win)
{
	return win == WIN_PERIOD && e->k[kind].pflags ? e->k[kind].pflags : e->s->t[kind].flags;
}
/* 1 when the window has no count at all for that table. */
static inline int win_none(const struct engine *e, enum ht_kind kind, int win)
{
	if (win == WIN_PERIOD)
		return !e->period.set;
	return win == WIN_ALL && ((e->s->meta.no_alltime >> kind) & 1);
}
/* 1 when the row has a count in the window. */
static inline int win_known(const struct engine *e, enum ht_kind kind, int win, uint32_t row)
{
	if (win_none(e, kind, win))
		return 0;
	return !(win_flags(e, kind, win)[row] & (win ? HT_F_DLA_UNKNOWN : HT_F_DL_UNKNOWN));
}

#endif

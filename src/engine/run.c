/* run.c - one backtest: a single pass over the calendar.
 *
 * In:  the shared precompute (candidates per day), the run's parameters
 *      and window, a workspace allocated once per thread.
 * Out: equity rows, per-trade statistics and, on request, trade records,
 *      all inside the workspace.
 *
 * Each calendar date follows STRATEGY.md 11.10 as docs/methods.md spells
 * it out: (a) exits at the open, (b) entry fills, (c) intraday exits,
 * (d) the close: marking, then the decisions that become tomorrow's
 * orders.
 *
 * A position's exit depends only on its own symbol's bars and the run's
 * parameters, never on the rest of the portfolio. So when an order fills,
 * the position's future is worked out at once: its bars are walked with
 * strat_exit_scan(), the very rule a day-by-day paper trader applies
 * (strat_exit_on_bar) run over the bar arrays, up to the bar where it
 * exits or the window's last date. The daily loop then only acts on
 * exits dated today, in their phase, so nothing is acted on before its
 * date and the portfolio sees exactly the day-by-day sequence. Each position's bars are read once, in order, and the loop
 * over days touches only the marks of open positions, pending orders and
 * the head of the day's candidate list. Nothing is allocated inside the
 * loop (trade records, when asked for, grow geometrically).
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine.h"
#include "strategy/strategy.h"

struct pos {
    const momo_series *s;       /* the symbol's bars */
    uint32_t sym;
    int cls;
    double qty;
    double entry, entry_comm;   /* slipped fill price, its commission */
    size_t cand;                /* the candidate it came from, day d */
    size_t cand_day;
    uint32_t entry_bar;
    int32_t entry_date;
    /* marking when the symbol misses calendar rows while held: the
     * last bar dated <= today, and the next bar's date */
    uint32_t mark_bar;
    int32_t next_date;
    /* the exit worked out at the fill; exit_date INT32_MAX: none in the
     * window (the position closes at the end of the period) */
    int32_t exit_date;
    uint32_t exit_bar;
    struct strat_exit exit;
    double min_low, max_high;   /* over the bars held before the exit */
};

/* An open position as the daily marks read it, in the list of open
 * positions kept in symbol order. When its symbol has a bar on every
 * calendar row while it is held (`off` != ENG_GAPPY), the bar marked on
 * row r is r + off; else the slot's mark_bar tracks it. */
struct held {
    const double *close;        /* the symbol's closes */
    double qty;
    int64_t off;
    uint32_t sym, slot;
};
#define ENG_GAPPY INT64_MIN

/* An exit in the queue, keyed by (exit date, phase, symbol): the order
 * exits are acted on (the open's phase first). */
struct exit_ent {
    uint64_t key;
    uint32_t slot;
};
#define ENG_EXIT_SYM_BITS 31

struct order {
    int32_t target_date;        /* date of bar target, INT32_MAX if none,
                                   INT32_MIN until looked up */
    uint32_t sym;
    uint32_t target;            /* bar index at whose open it fills */
    int cls;
    double units;
    size_t cand, cand_day;      /* where it was decided (score, RSI) */
};

/* A run's candidates that pass its scanner and entry filters, per day. */
struct eng_filter {
    double threshold, rsi_min, rsi_max;
    int trend, built;
    uint32_t *start;            /* n_days + 1 offsets into idx */
    struct { uint32_t i, sym; } *idx;  /* candidate index, its symbol */
    size_t cap;
    unsigned long stamp;        /* last use, for replacing the oldest */
};
#define ENG_N_FILTERS 4

/* An exit worked out by one run of a batch, for the others that fill
 * the same bar under the same exit rule: the rule's numbers and the bar
 * decide the walk (the window is the batch's), so equal keys give equal
 * exits. */
struct eng_plan {
    int32_t date;               /* the fill's date; stale before the
                                   batch's current stretch of days */
    uint32_t sym, bar;
    int max_holding_days;
    double fixed_stop, target, trail_keep;
    int32_t exit_date;
    uint32_t exit_bar;
    struct strat_exit exit;
};
#define ENG_N_PLANS 512        /* a power of 2 */
#define ENG_PLAN_PROBES 8
#define ENG_BATCH_DAYS 16       /* days a batch's run takes at a time */

/* A workspace's filtered lists and, in a batch, its exits of the day;
 * the runs of a batch share their first workspace's. */
struct eng_fcache {
    struct eng_filter filters[ENG_N_FILTERS];
    struct eng_filter seen;     /* filters met once, not yet built */
    int seen_set;
    unsigned long clock;
    unsigned long pinned;       /* stamps above it: in use by a batch */
    int share_plans;            /* in a batch: plans[] is live */
    int32_t plans_from;         /* plans dated before it are stale */
    struct eng_plan plans[ENG_N_PLANS];
};

/* The state of a run between its days (what eng_run_batch interleaves). */
struct day {
    const momo_params *p;
    struct strat_costs costs;
    int32_t date;
    size_t row;                 /* the date's calendar row */
    double cash;
    int record;
    double noise;               /* bps / 10000, 0 for exact fills */
    uint64_t noise_seed;
    size_t d0, d1;              /* the window's calendar rows */
    double growth;              /* a day's cash interest factor */
    double prev;                /* yesterday's equity */
};

struct eng_ws {
    const struct momo_engine *eng;
    struct eng_fcache own;
    struct eng_fcache *fc;      /* &own, or a batch's shared one */
    const struct eng_filter *filter;   /* this run's, or NULL: scan */
    struct day dy;
    struct exit_ent *exits;     /* exits in the window, by key */
    size_t n_exits, ex_head;    /* exits[ex_head ...] are queued */
    float rsi_lo, rsi_hi;       /* the run's RSI bounds rounded to float */
    int32_t last_date;          /* the window's last date */
    size_t cut_n[2];            /* min_rank2 memo: class size ... */
    uint32_t cut[2];            /* ... and its cut, for this run */
    uint8_t *busy;              /* per symbol: held or pending */
    struct pos *slots;          /* n_sym position slots */
    uint32_t *free_slots;       /* n_free unused slots */
    size_t n_free;
    struct held *pos;           /* open positions, by symbol */
    size_t n_pos;
    size_t n_gappy;             /* of them, ENG_GAPPY ones */
    struct order *ord;          /* oldest first; at most n_sym */
    size_t n_ord;
    momo_equity_row *eq;        /* n_days */
    double *ret;                /* n_days daily returns */
    momo_trade *rec;            /* recorded trades */
    size_t cap_rec;
    int rec_failed;
    struct eng_out out;
    struct eng_trade_acc acc;
};

int eng_ws_new(const struct momo_engine *eng, struct eng_ws **out)
{
    struct eng_ws *ws = core_calloc(1, sizeof(*ws));

    *out = NULL;
    if (!ws)
        return MOMO_ENOMEM;
    MOMO_ASSERT(eng->n_sym < (size_t)1 << ENG_EXIT_SYM_BITS);
    ws->eng = eng;
    ws->fc = &ws->own;
    ws->busy = core_calloc(eng->n_sym, 1);
    ws->slots = core_calloc(eng->n_sym, sizeof(*ws->slots));
    ws->free_slots = core_calloc(eng->n_sym, sizeof(*ws->free_slots));
    ws->exits = core_calloc(eng->n_sym, sizeof(*ws->exits));
    ws->pos = core_calloc(eng->n_sym, sizeof(*ws->pos));
    ws->ord = core_calloc(eng->n_sym, sizeof(*ws->ord));
    ws->eq = core_calloc(eng->n_days, sizeof(*ws->eq));
    ws->ret = core_calloc(eng->n_days, sizeof(*ws->ret));
    if (!ws->busy || !ws->slots || !ws->free_slots || !ws->exits ||
        !ws->pos || !ws->ord || !ws->eq || !ws->ret) {
        eng_ws_free(ws);
        return MOMO_ENOMEM;
    }
    *out = ws;
    return MOMO_OK;
}

void eng_ws_free(struct eng_ws *ws)
{
    if (!ws)
        return;
    core_free(ws->busy);
    core_free(ws->slots);
    core_free(ws->free_slots);
    core_free(ws->exits);
    core_free(ws->pos);
    core_free(ws->ord);
    core_free(ws->eq);
    core_free(ws->ret);
    for (size_t k = 0; k < ENG_N_FILTERS; k++) {
        core_free(ws->own.filters[k].start);
        core_free(ws->own.filters[k].idx);
    }
    core_free(ws->rec);
    core_free(ws);
}

/*---- Closing a position ----*/

/* splitmix64: a counter-based generator for fill noise */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static double noise_of(const struct day *dy, double px, uint32_t sym,
                       uint32_t bar, int side)
{
    uint64_t h;
    double u;

    h = mix64(dy->noise_seed ^ mix64(((uint64_t)sym << 33) ^
                                     ((uint64_t)bar << 1) ^ (uint64_t)side));
    u = (double)(h >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    return px * (1.0 + u * dy->noise);
}

/* A fill's price with the run's fill noise, if any. */
static inline double noisy(const struct day *dy, double px, uint32_t sym,
                           uint32_t bar, int side)
{
    return dy->noise == 0 ? px : noise_of(dy, px, sym, bar, side);
}

static void close_pos(struct eng_ws *ws, struct day *dy, struct pos *ps,
                      double raw_px, int type, uint32_t exit_bar)
{
    const momo_params *p = dy->p;
    double px = noisy(dy, strat_sell_price(&dy->costs, ps->cls, raw_px),
                      ps->sym, exit_bar, 1);
    double comm = strat_commission(&dy->costs, ps->cls, ps->qty, px);
    double pnl = (ps->qty * px - comm) - (ps->qty * ps->entry +
                                          ps->entry_comm);
    double risk = ps->entry * strat_stop_frac(p, ps->cls) * ps->qty;
    struct eng_trade_acc *a = &ws->acc;
    double r = pnl / risk, delta;

    dy->cash = dy->cash + (ps->qty * px - comm);
    ws->busy[ps->sym] = 0;
    /* running trade statistics (Welford for the R deviation) */
    a->n++;
    a->sum_pnl += pnl;
    a->sum_bars += (double)(exit_bar - ps->entry_bar);
    if (pnl > 0) {
        a->wins++;
        a->gross_win += pnl;
    } else if (pnl < 0) {
        a->losses++;
        a->gross_loss += -pnl;
    }
    delta = r - a->r_mean;
    a->r_mean += delta / (double)a->n;
    a->r_m2 += delta * (r - a->r_mean);
    if (dy->record && !ws->rec_failed) {
        momo_trade *t;

        if (core_grow((void **)&ws->rec, &ws->cap_rec, a->n,
                      sizeof(*ws->rec), 0) != MOMO_OK) {
            ws->rec_failed = 1;
            return;
        }
        t = &ws->rec[a->n - 1];
        memset(t, 0, sizeof(*t));
        t->sym = ws->eng->syms[ps->sym].ds_sym;
        t->asset_class = ps->cls;
        t->entry_date = ps->entry_date;
        t->exit_date = dy->date;
        t->entry_price = ps->entry;
        t->exit_price = px;
        t->quantity = ps->qty;
        t->exit_type = type;
        t->pnl = pnl;
        t->return_pct = pnl / (ps->entry * ps->qty);
        t->bars_held = (int)(exit_bar - ps->entry_bar);
        t->entry_commission = ps->entry_comm;
        t->exit_commission = comm;
        t->score = eng_cand_score(ws->eng, ps->cand_day, ps->cand);
        t->rsi = ws->eng->cand_rsi[ps->cand];
        t->mae = fmin(ps->min_low, px) / ps->entry - 1.0;
        t->mfe = fmax(ps->max_high, px) / ps->entry - 1.0;
    }
}

/* Take the position of symbol `sym`, in `slot`, out of the list. */
static void remove_position(struct eng_ws *ws, uint32_t sym, uint32_t slot)
{
    size_t i = 0;

    while (ws->pos[i].sym != sym)
        i++;
    ws->n_gappy -= ws->pos[i].off == ENG_GAPPY;
    for (ws->n_pos--; i < ws->n_pos; i++)
        ws->pos[i] = ws->pos[i + 1];
    ws->free_slots[ws->n_free++] = slot;
}

/* The exit queue's key of (date, phase): its bits above the symbol's. */
static inline uint64_t exit_day_key(int32_t date, int at_open)
{
    return ((uint64_t)((uint32_t)date ^ 0x80000000u) << 1) |
           (uint64_t)(at_open ? 0 : 1);
}

static int32_t date_of(const momo_series *s, uint32_t bar)
{
    return bar < s->n ? s->date[bar] : INT32_MAX;
}

/* The plan slot for this fill and rule: the matching one, else a stale
 * one to fill; NULL when the probes find neither. */
static struct eng_plan *plan_slot(struct eng_fcache *fc, const struct pos *ps,
                                  const struct strat_exit_rule *r)
{
    uint64_t h, bits[3];

    memcpy(&bits[0], &r->fixed_stop, sizeof(double));
    memcpy(&bits[1], &r->target, sizeof(double));
    memcpy(&bits[2], &r->trail_keep, sizeof(double));
    h = ((uint64_t)ps->sym << 32 | ps->entry_bar) ^ bits[0] ^
        (bits[1] >> 7) ^ (bits[2] >> 13) ^ (uint64_t)r->max_holding_days;
    h *= 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    for (int k = 0; k < ENG_PLAN_PROBES; k++) {
        struct eng_plan *e = &fc->plans[(h + (uint64_t)k) &
                                        (ENG_N_PLANS - 1)];

        if (e->date < fc->plans_from)
            return e;                   /* stale: free for this one */
        if (e->sym == ps->sym && e->bar == ps->entry_bar &&
            e->max_holding_days == r->max_holding_days &&
            e->fixed_stop == r->fixed_stop && e->target == r->target &&
            e->trail_keep == r->trail_keep)
            return e;
    }
    return NULL;
}

/* The end of a position's walk: the first of its bars after `b` that
 * is past the window's last date, or the end of its series; only bars
 * before `cap` are looked at (the time rule has fired by then). */
static uint32_t walk_end(const struct eng_ws *ws, const struct eng_sym *sy,
                         uint32_t b, uint64_t cap)
{
    const momo_series *s = &sy->s;
    int32_t last_date = ws->last_date;
    size_t lo = (size_t)b + 1, hi = s->n;

    if (b >= sy->dense_from) {          /* the window's last row's bar */
        int64_t last = (int64_t)ws->dy.d1 + sy->dense_off;

        if ((uint64_t)(last + 1) < hi)
            hi = (size_t)(last + 1);
        return (uint32_t)(cap < hi ? cap : hi);
    }
    if (cap <= hi && s->date[cap - 1] <= last_date)
        return (uint32_t)cap;           /* the usual case: one look */
    if (cap < hi)
        hi = (size_t)cap;
    return (uint32_t)eng_first_above(s->date, lo, hi, last_date);
}

/* Walk a new position's bars from the one after its entry bar, up to the
 * window's last date, until the exit rule fires (STRATEGY.md 6). In a
 * batch, a walk another run made today for the same bar and rule is
 * taken as it is. */
static void plan_exit(struct eng_ws *ws, const momo_params *p, int record,
                      struct pos *ps)
{
    const struct eng_sym *sy = &ws->eng->syms[ps->sym];
    const momo_series *s = ps->s;
    uint32_t b = ps->entry_bar, j, end;
    struct strat_exit_rule rule;
    struct eng_plan *memo = NULL;
    double high = s->high[b];
    int held = 1;                          /* the entry bar is bar 1 */

    strat_exit_rule_init(p, ps->cls, ps->entry, &rule);
    if (ws->fc->share_plans && !record) {
        memo = plan_slot(ws->fc, ps, &rule);
        if (memo && memo->date == ps->entry_date) {
            ps->exit_date = memo->exit_date;
            ps->exit_bar = memo->exit_bar;
            ps->exit = memo->exit;
            return;
        }
    }
    /* the time rule fires at bar b + max_holding_days at the latest */
    end = walk_end(ws, sy, b,
                   (uint64_t)b + (uint64_t)rule.max_holding_days + 1);
    j = (uint32_t)strat_exit_scan(&rule, s->open, s->high, s->low, b + 1,
                                  end, &high, &held);
    ps->exit_date = INT32_MAX;
    if (j < end) {
        int fired = strat_exit_on_bar(&rule, high, held, s->open[j],
                                      s->high[j], s->low[j], &ps->exit);

        MOMO_ASSERT(fired);
        (void)fired;
        ps->exit_date = j >= sy->dense_from
                        ? ws->eng->days[(int64_t)j - sy->dense_off]
                        : s->date[j];
        ps->exit_bar = j;
    }
    for (uint32_t k = b + 8; k < j; k += 8)
        __builtin_prefetch(&s->close[k]);   /* the daily marks read them */
    if (memo) {
        memo->date = ps->entry_date;
        memo->sym = ps->sym;
        memo->bar = b;
        memo->max_holding_days = rule.max_holding_days;
        memo->fixed_stop = rule.fixed_stop;
        memo->target = rule.target;
        memo->trail_keep = rule.trail_keep;
        memo->exit_date = ps->exit_date;
        memo->exit_bar = ps->exit_bar;
        memo->exit = ps->exit;
    }
    if (record) {       /* MAE and MFE: the bars held before the exit */
        ps->min_low = s->low[b];
        ps->max_high = s->high[b];
        for (uint32_t k = b + 1; k < j; k++) {
            if (s->high[k] > ps->max_high)
                ps->max_high = s->high[k];
            if (s->low[k] < ps->min_low)
                ps->min_low = s->low[k];
        }
    }
}

/*---- The phases of one date ----*/

/* Exits dated today in one phase ((a) at the open or (c) intraday): the
 * head of the exit queue, already in symbol order. */
static void exits_today(struct eng_ws *ws, struct day *dy, uint64_t today)
{
    const struct exit_ent *q = ws->exits + ws->ex_head;
    size_t k = 0;

    while (k < ws->n_exits && q[k].key >> ENG_EXIT_SYM_BITS == today) {
        uint32_t slot = q[k].slot;
        struct pos *ps = &ws->slots[slot];

        close_pos(ws, dy, ps, ps->exit.raw_px, ps->exit.type, ps->exit_bar);
        remove_position(ws, ps->sym, slot);
        k++;
    }
    ws->n_exits -= k;
    ws->ex_head = ws->n_exits > 0 ? ws->ex_head + k : 0;
}

/* Is an exit of this phase (its exit_day_key) due? The head tells. */
static inline int exit_due(const struct eng_ws *ws, uint64_t today)
{
    return ws->n_exits > 0 &&
           ws->exits[ws->ex_head].key >> ENG_EXIT_SYM_BITS == today;
}

/* Put the new position of the next free slot (filled in by the caller)
 * in the list of open positions and, when it exits in the window, in the
 * exit queue; `off` as in struct held. */
static void insert_position(struct eng_ws *ws, int64_t off)
{
    uint32_t slot = ws->free_slots[--ws->n_free];
    const struct pos *np = &ws->slots[slot];
    size_t i = ws->n_pos;
    struct held hd;

    hd.off = off;
    ws->n_gappy += off == ENG_GAPPY;
    hd.close = np->s->close;
    hd.qty = np->qty;
    hd.sym = np->sym;
    hd.slot = slot;
    while (i > 0 && ws->pos[i - 1].sym > np->sym) {
        ws->pos[i] = ws->pos[i - 1];
        i--;
    }
    ws->pos[i] = hd;
    ws->n_pos++;
    if (np->exit_date == INT32_MAX)
        return;                         /* held to the end of the window */
    {
        struct exit_ent e, *q;

        e.key = exit_day_key(np->exit_date, np->exit.at_open)
                    << ENG_EXIT_SYM_BITS | np->sym;
        e.slot = slot;
        if (ws->ex_head + ws->n_exits == ws->eng->n_sym) {
            memmove(ws->exits, ws->exits + ws->ex_head,
                    ws->n_exits * sizeof(*ws->exits));
            ws->ex_head = 0;            /* the queue reached the end */
        }
        q = ws->exits + ws->ex_head;
        i = ws->n_exits;
        while (i > 0 && q[i - 1].key > e.key) {
            q[i] = q[i - 1];
            i--;
        }
        q[i] = e;
        ws->n_exits++;
    }
}

/* struct held's `off` for a position entered on a row where its symbol
 * is not yet dense: an offset when it has a bar on every calendar row
 * it is marked on (as many bars as rows up to the last one: a symbol's
 * dates are among the calendar's), else ENG_GAPPY and the slot tracks
 * its mark bar from the next bar's date. */
static int64_t gappy_off(struct eng_ws *ws, const struct day *dy,
                         struct pos *np, const momo_series *s)
{
    size_t last_row = dy->d1, last_bar;

    /* marked up to the row before its exit's, or the window's last */
    if (np->exit_date != INT32_MAX &&
        dy->row + (np->exit_bar - np->entry_bar) < dy->d1)
        last_row = dy->row + (np->exit_bar - np->entry_bar);
    last_bar = np->entry_bar + (last_row - dy->row);
    if (last_bar < s->n && s->date[last_bar] == ws->eng->days[last_row])
        return (int64_t)np->entry_bar - (int64_t)dy->row;
    np->next_date = date_of(s, np->entry_bar + 1);
    return ENG_GAPPY;
}

/* (b) entry orders due today, oldest first (the order array's order) */
static void fill_orders(struct eng_ws *ws, struct day *dy)
{
    const momo_params *p = dy->p;
    size_t k = 0;

    for (size_t i = 0; i < ws->n_ord; i++) {
        struct order *o = &ws->ord[i];
        const momo_series *s = &ws->eng->syms[o->sym].s;
        uint32_t b = o->target;
        const struct eng_sym *sy = &ws->eng->syms[o->sym];
        struct pos *np;
        int64_t off;
        double px, units;

        if (o->target_date != dy->date) {
            ws->ord[k++] = *o;            /* still pending */
            continue;
        }
        px = noisy(dy, strat_buy_price(&dy->costs, o->cls, s->open[b]),
                   o->sym, b, 0);
        units = strat_fill_units(p, &dy->costs, o->cls, o->units,
                                 s->volume[b], px, dy->cash);
        if (units <= 0) {
            ws->busy[o->sym] = 0;         /* cancelled */
            continue;
        }
        np = &ws->slots[ws->free_slots[ws->n_free - 1]];
        np->s = s;
        np->sym = o->sym;
        np->cls = o->cls;
        np->qty = units * strat_unit(p, o->cls);
        np->entry = px;
        np->entry_comm = strat_commission(&dy->costs, o->cls, np->qty, px);
        np->cand = o->cand;
        np->cand_day = o->cand_day;
        np->entry_bar = b;
        np->entry_date = dy->date;
        np->mark_bar = b;
        plan_exit(ws, p, dy->record, np);
        off = b >= sy->dense_from ? sy->dense_off
                                  : gappy_off(ws, dy, np, s);
        dy->cash = dy->cash - (np->qty * px + np->entry_comm);
        insert_position(ws, off);
    }
    ws->n_ord = k;
}

static int orders_due(struct eng_ws *ws, int32_t date)
{
    int due = 0;

    for (size_t i = 0; i < ws->n_ord; i++) {
        struct order *o = &ws->ord[i];

        if (o->target_date == INT32_MIN)
            o->target_date = date_of(&ws->eng->syms[o->sym].s, o->target);
        due |= o->target_date == date;
    }
    return due;
}

/* (d) the close's equity: cash plus every position at its last close,
 * summed in symbol order (docs/methods.md). */
static double mark(struct eng_ws *ws, const struct day *dy)
{
    double equity = dy->cash;

    if (ws->n_gappy == 0) {
        for (size_t i = 0; i < ws->n_pos; i++)
            equity = equity + ws->pos[i].qty *
                              ws->pos[i].close[(int64_t)dy->row +
                                               ws->pos[i].off];
        return equity;
    }
    for (size_t i = 0; i < ws->n_pos; i++) {
        const struct held *hd = &ws->pos[i];
        int64_t bar = (int64_t)dy->row + hd->off;

        if (hd->off == ENG_GAPPY) {
            struct pos *ps = &ws->slots[hd->slot];

            if (ps->next_date == dy->date) {
                ps->mark_bar++;
                ps->next_date = date_of(ps->s, ps->mark_bar + 1);
            }
            bar = ps->mark_bar;
        }
        equity = equity + hd->qty * hd->close[bar];
    }
    return equity;
}

/* The smallest rank2 whose score reaches the threshold, for a class of
 * n ranked symbols: scores rise with rank2, so a candidate passes the
 * scanner exactly when its rank2 is at least this. The division is the
 * score's own (strat_score_of_rank2), so the cut is exact. */
static uint32_t min_rank2(size_t n, double threshold)
{
    double guess;
    uint32_t r;

    if (n <= 1)
        return 100.0 >= threshold ? 0 : UINT32_MAX;
    guess = threshold * (double)(n - 1) / 50.0;
    if (guess <= 0)
        return 0;
    if (guess > (double)(2 * (n - 1)))
        return strat_score_of_rank2((uint32_t)(2 * (n - 1)), n) >= threshold
               ? (uint32_t)(2 * (n - 1)) : UINT32_MAX;
    r = (uint32_t)guess;
    while (r > 0 && strat_score_of_rank2(r - 1, n) >= threshold)
        r--;
    while (r <= 2 * (n - 1) && strat_score_of_rank2(r, n) < threshold)
        r++;
    return r <= 2 * (n - 1) ? r : UINT32_MAX;
}

/* The scanner's cut of day d for each class (memoized: class sizes
 * change slowly from day to day). */
static void day_cuts(struct eng_ws *ws, const momo_params *p, size_t d,
                     uint32_t cut[2])
{
    const struct momo_engine *eng = ws->eng;

    for (int k = 0; k < 2; k++) {
        if (eng->n_ranked[d][k] != ws->cut_n[k]) {
            ws->cut_n[k] = eng->n_ranked[d][k];
            ws->cut[k] = min_rank2(ws->cut_n[k], p->momentum_threshold);
        }
        cut[k] = ws->cut[k];
    }
}

/* Candidate i (already past the scanner's cut) meets the entry filters:
 * the RSI range (float first, exact on a tie with a bound's float) and
 * the trend filter (STRATEGY.md 4). Held or pending is checked apart. */
static int entry_filters(const struct eng_ws *ws, const momo_params *p,
                         size_t i)
{
    const struct eng_cand *c = &ws->eng->cands[i];
    uint32_t need = p->trend_filter ? ENG_ABOVE_SMA : 0;

    if (c->rsi_f < ws->rsi_lo || c->rsi_f > ws->rsi_hi ||
        (c->bits & need) != need)
        return 0;
    if ((c->rsi_f == ws->rsi_lo || c->rsi_f == ws->rsi_hi) &&
        (ws->eng->cand_rsi[i] < p->rsi_min ||
         ws->eng->cand_rsi[i] > p->rsi_max))
        return 0;
    return 1;
}

/* Size candidate i of day d and, if the size is not 0, order it for the
 * open of its symbol's bar after the entry delay. 1 when ordered. */
static int order_candidate(struct eng_ws *ws, const momo_params *p,
                           size_t d, size_t i, double equity, double scale)
{
    const struct momo_engine *eng = ws->eng;
    const struct eng_cand *c = &eng->cands[i];
    int cls = (c->bits & ENG_CRYPTO) ? MOMO_CRYPTO : MOMO_STOCK;
    double units = strat_size_units(p, cls, equity, c->close, scale);
    const struct eng_sym *sy;
    const momo_series *s;
    struct order *o;

    if (units <= 0)
        return 0;
    sy = &eng->syms[c->sym];
    s = &sy->s;
    o = &ws->ord[ws->n_ord++];
    o->sym = c->sym;
    o->cls = cls;
    o->target = c->bar + 1 + (uint32_t)p->entry_delay_bars;
    o->target_date = INT32_MIN;     /* read tomorrow, once fetched */
    if (c->bar >= sy->dense_from)   /* or known now */
        o->target_date = o->target < s->n
                         ? eng->days[(int64_t)o->target - sy->dense_off]
                         : INT32_MAX;
    if (o->target < s->n) {
        /* the bars the fill and its exit plan read, a day ahead */
        uint32_t b = o->target;

        __builtin_prefetch(&s->open[b]);
        __builtin_prefetch(&s->high[b]);
        __builtin_prefetch(&s->low[b]);
        __builtin_prefetch(&s->close[b]);
        __builtin_prefetch(&s->volume[b]);
        if (o->target_date == INT32_MIN)
            __builtin_prefetch(&s->date[b]);
    }
    o->units = units;
    o->cand = i;
    o->cand_day = d;
    ws->busy[c->sym] = 1;
    return 1;
}

/* The day's decisions: candidates in score order become orders, from the
 * run's filtered lists when it has them, else by scanning the day's. */
static void decide(struct eng_ws *ws, const momo_params *p, size_t d,
                   double equity)
{
    const struct momo_engine *eng = ws->eng;
    const struct eng_filter *f = ws->filter;
    size_t slots = ws->n_pos + ws->n_ord;
    double scale = 1.0;
    uint32_t cut[2];

    if (slots >= (size_t)p->max_positions ||
        eng->cand_start[d] == eng->cand_start[d + 1])
        return;
    if (p->regime_enabled && eng->regimes[d].regime >= 0)
        scale = p->risk_scale[eng->regimes[d].regime];
    if (!(scale > 0))
        return;
    if (f) {
        for (size_t k = f->start[d]; k < f->start[d + 1]; k++) {
            if (ws->busy[f->idx[k].sym] ||
                !order_candidate(ws, p, d, f->idx[k].i, equity, scale))
                continue;
            if (++slots >= (size_t)p->max_positions)
                return;
        }
        return;
    }
    day_cuts(ws, p, d, cut);
    for (size_t i = eng->cand_start[d]; i < eng->cand_start[d + 1]; i++) {
        const struct eng_cand *c = &eng->cands[i];

        __builtin_prefetch(c + 12);     /* streams too short for hardware */
        if ((c->bits & ENG_RANK_MASK) < cut[c->bits >> 31])
            break;                      /* scores only fall from here */
        if (ws->busy[c->sym] || !entry_filters(ws, p, i) ||
            !order_candidate(ws, p, d, i, equity, scale))
            continue;
        if (++slots >= (size_t)p->max_positions)
            break;
    }
}

/*---- Filtered candidate lists ----*/

/* Runs that share the scanner and entry-filter parameters (an optimizer
 * sweeps exit, sizing and slot parameters for each of a few of them)
 * keep only the candidates that pass those filters, per day, and walk
 * them instead of scanning. A list is built the second time a workspace
 * meets its parameters, so single runs pay nothing for it. */
static int same_filter(const struct eng_filter *f, const momo_params *p)
{
    return f->threshold == p->momentum_threshold &&
           f->rsi_min == p->rsi_min && f->rsi_max == p->rsi_max &&
           f->trend == p->trend_filter;
}

static int build_filter(struct eng_ws *ws, const momo_params *p,
                        struct eng_filter *f)
{
    const struct momo_engine *eng = ws->eng;
    size_t n = 0;

    if (!f->start) {
        f->start = core_malloc((eng->n_days + 1) * sizeof(*f->start));
        if (!f->start)
            return MOMO_ENOMEM;
    }
    ws->cut_n[0] = ws->cut_n[1] = SIZE_MAX;
    for (size_t d = 0; d < eng->n_days; d++) {
        uint32_t cut[2];

        f->start[d] = n;
        day_cuts(ws, p, d, cut);
        for (size_t i = eng->cand_start[d]; i < eng->cand_start[d + 1];
             i++) {
            uint32_t bits = eng->cands[i].bits;

            if ((bits & ENG_RANK_MASK) < cut[bits >> 31])
                break;
            if (!entry_filters(ws, p, i))
                continue;
            if (core_grow((void **)&f->idx, &f->cap, n + 1,
                          sizeof(*f->idx), 0) != MOMO_OK)
                return MOMO_ENOMEM;
            f->idx[n].i = (uint32_t)i;
            f->idx[n++].sym = eng->cands[i].sym;
        }
    }
    f->start[eng->n_days] = n;
    f->threshold = p->momentum_threshold;
    f->rsi_min = p->rsi_min;
    f->rsi_max = p->rsi_max;
    f->trend = p->trend_filter;
    f->built = 1;
    return MOMO_OK;
}

/* Point ws->filter at the list for p's filters, building it when these
 * filters were already seen; NULL (scan) otherwise, without memory, or
 * when every list is in use by the runs of a batch. */
static void pick_filter(struct eng_ws *ws, const momo_params *p)
{
    struct eng_fcache *fc = ws->fc;
    struct eng_filter *f, *oldest = &fc->filters[0];

    ws->filter = NULL;
    for (size_t k = 0; k < ENG_N_FILTERS; k++) {
        f = &fc->filters[k];
        if (f->built && same_filter(f, p)) {
            f->stamp = ++fc->clock;
            ws->filter = f;
            return;
        }
        if (f->stamp < oldest->stamp)
            oldest = f;
    }
    if (!fc->seen_set || !same_filter(&fc->seen, p)) {
        fc->seen.threshold = p->momentum_threshold;   /* first sighting */
        fc->seen.rsi_min = p->rsi_min;
        fc->seen.rsi_max = p->rsi_max;
        fc->seen.trend = p->trend_filter;
        fc->seen_set = 1;
        return;
    }
    if (oldest->built && oldest->stamp > fc->pinned)
        return;                         /* all in use: scan */
    oldest->built = 0;
    if (build_filter(ws, p, oldest) != MOMO_OK)
        return;                         /* scanning works as well */
    oldest->stamp = ++fc->clock;
    ws->filter = oldest;
}

/* Last date: cancel orders, sell everything at its last close. */
static void end_of_period(struct eng_ws *ws, struct day *dy)
{
    for (size_t i = 0; i < ws->n_ord; i++)
        ws->busy[ws->ord[i].sym] = 0;
    ws->n_ord = 0;
    for (size_t i = 0; i < ws->n_pos; i++) {
        const struct held *hd = &ws->pos[i];
        struct pos *ps = &ws->slots[hd->slot];

        if (hd->off != ENG_GAPPY)
            ps->mark_bar = (uint32_t)((int64_t)dy->row + hd->off);
        close_pos(ws, dy, ps, ps->s->close[ps->mark_bar],
                  MOMO_EXIT_END_OF_PERIOD, ps->mark_bar);
        ws->free_slots[ws->n_free++] = hd->slot;
    }
    ws->n_pos = 0;
    ws->n_exits = ws->ex_head = ws->n_gappy = 0;
}

/* Set a run up: its window, state and filtered list. */
static int run_begin(struct eng_ws *ws, const momo_params *p,
                     const struct eng_run_opts *o, momo_err *err)
{
    const struct momo_engine *eng = ws->eng;
    struct day *dy = &ws->dy;
    size_t d0, d1;
    int rc = eng_window(eng, o->from, o->to, &d0, &d1, err);

    if (rc != MOMO_OK)
        return rc;
    memset(ws->busy, 0, eng->n_sym);
    memset(&ws->acc, 0, sizeof(ws->acc));
    ws->n_pos = ws->n_ord = ws->n_exits = ws->ex_head = ws->n_gappy = 0;
    ws->n_free = eng->n_sym;
    for (size_t i = 0; i < eng->n_sym; i++)
        ws->free_slots[i] = (uint32_t)(eng->n_sym - 1 - i);
    ws->rec_failed = 0;
    ws->rsi_lo = (float)p->rsi_min;
    ws->rsi_hi = (float)p->rsi_max;
    pick_filter(ws, p);
    ws->last_date = eng->days[d1];
    ws->cut_n[0] = ws->cut_n[1] = SIZE_MAX;
    ws->out.periods_per_year = eng_periods_per_year(eng, d0, d1);
    dy->p = p;
    strat_costs_init(p, &dy->costs);
    dy->cash = p->initial_capital;
    dy->record = o->record_trades;
    dy->noise = o->noise_bps / 10000.0;
    dy->noise_seed = o->noise_seed;
    dy->d0 = d0;
    dy->d1 = d1;
    dy->growth = 1.0 + p->cash_rate / ws->out.periods_per_year;
    dy->prev = 0;
    return MOMO_OK;
}

/* Calendar row d of the run (STRATEGY.md 11.10). */
static void run_day(struct eng_ws *ws, size_t d)
{
    const struct momo_engine *eng = ws->eng;
    struct day *dy = &ws->dy;
    const momo_params *p = dy->p;
    size_t d0 = dy->d0, d1 = dy->d1;
    momo_equity_row *row = &ws->eq[d - d0];
    uint64_t today;
    double equity;

    dy->date = eng->days[d];
    dy->row = d;
    if (d + 2 <= d1) {
        /* the head of the candidates of two days ahead: the lists are
         * too big for the cache, and each run visits only their heads,
         * so fetch them before they are needed (from a filtered list:
         * its head two days ahead, and the first candidate it names
         * tomorrow) */
        const struct eng_filter *f = ws->filter;

        if (f) {
            __builtin_prefetch(&f->idx[f->start[d + 2]]);
            if (f->start[d + 1] < f->start[d + 2])
                __builtin_prefetch(&eng->cands[f->idx[f->start[d + 1]].i]);
        } else {
            size_t c = eng->cand_start[d + 2];

            __builtin_prefetch(&eng->cands[c]);
            __builtin_prefetch(&eng->cands[c + 4]);
            __builtin_prefetch(&eng->cands[c + 8]);
        }
    }
    today = exit_day_key(dy->date, 1);
    if (exit_due(ws, today))
        exits_today(ws, dy, today);             /* (a) */
    if (ws->n_ord && orders_due(ws, dy->date))
        fill_orders(ws, dy);                    /* (b) */
    today |= 1;                                 /* the intraday phase */
    if (exit_due(ws, today))
        exits_today(ws, dy, today);             /* (c) */
    if (d > d0 && p->cash_rate != 0)
        dy->cash = dy->cash * dy->growth;
    equity = mark(ws, dy);                      /* (d) */
    if (d == d1) {
        end_of_period(ws, dy);
        equity = dy->cash;
    }
    row->date = dy->date;
    row->equity = equity;
    row->cash = dy->cash;
    row->positions = (int)ws->n_pos;
    if (d > d0)
        ws->ret[d - d0 - 1] = equity / dy->prev - 1.0;
    dy->prev = equity;
    if (d < d1)
        decide(ws, p, d, equity);
}

static int run_end(struct eng_ws *ws, int record, const struct eng_out **out,
                   momo_err *err)
{
    if (ws->rec_failed)
        return momo_err_set(err, MOMO_ENOMEM,
                            "out of memory recording trades");
    ws->out.eq = ws->eq;
    ws->out.n_eq = ws->dy.d1 - ws->dy.d0 + 1;
    ws->out.ret = ws->ret;
    ws->out.trades = record ? ws->rec : NULL;
    ws->out.n_trades = ws->acc.n;
    ws->out.acc = ws->acc;
    *out = &ws->out;
    return MOMO_OK;
}

int eng_run(struct eng_ws *ws, const momo_params *p,
            const struct eng_run_opts *o, const struct eng_out **out,
            momo_err *err)
{
    int rc;

    *out = NULL;
    ws->fc = &ws->own;
    ws->own.pinned = 0;
    ws->own.share_plans = 0;
    rc = run_begin(ws, p, o, err);
    if (rc != MOMO_OK)
        return rc;
    for (size_t d = ws->dy.d0; d <= ws->dy.d1; d++)
        run_day(ws, d);
    return run_end(ws, o->record_trades, out, err);
}

int eng_run_batch(struct eng_ws *const *ws, const momo_params *const *p,
                  size_t n, const struct eng_run_opts *o,
                  const struct eng_out **out, momo_err *err)
{
    struct eng_fcache *fc;
    int rc = MOMO_OK;

    if (n == 0)
        return MOMO_OK;
    fc = &ws[0]->own;
    fc->pinned = fc->clock;             /* lists picked from here on stay */
    fc->share_plans = n > 1;
    for (size_t k = 0; k < ENG_N_PLANS; k++)
        fc->plans[k].date = INT32_MIN;  /* stale */
    for (size_t k = 0; k < n; k++) {
        MOMO_ASSERT(ws[k]->eng == ws[0]->eng);
        out[k] = NULL;
        ws[k]->fc = fc;
        rc = run_begin(ws[k], p[k], o, err);
        if (rc != MOMO_OK)
            goto out;
    }
    /* a stretch of days at a time for each run: its own state stays in
     * the nearest cache through the stretch, and the stretch's market
     * data in the next one for the runs after it */
    for (size_t d0 = ws[0]->dy.d0; d0 <= ws[0]->dy.d1;
         d0 += ENG_BATCH_DAYS) {
        size_t d1 = d0 + ENG_BATCH_DAYS - 1;

        if (d1 > ws[0]->dy.d1)
            d1 = ws[0]->dy.d1;
        fc->plans_from = ws[0]->eng->days[d0];
        for (size_t k = 0; k < n; k++)
            for (size_t d = d0; d <= d1; d++)
                run_day(ws[k], d);
    }
    for (size_t k = 0; rc == MOMO_OK && k < n; k++)
        rc = run_end(ws[k], o->record_trades, &out[k], err);
out:
    for (size_t k = 0; k < n; k++)
        ws[k]->fc = &ws[k]->own;
    fc->pinned = 0;
    fc->share_plans = 0;
    return rc;
}

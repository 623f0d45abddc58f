/* run.c - one backtest: a single pass over the calendar.
 *
 * In:  the shared precompute (candidates per day), the run's parameters
 *      and window, a workspace allocated once per thread.
 * Out: equity rows, per-trade statistics and, on request, trade records,
 *      all inside the workspace.
 *
 * Each calendar date follows STRATEGY.md 11.10 as docs/methods.md spells
 * it out: (a) exits at the open, (b) entry fills, (c) intraday exits,
 * (d) the close: highest highs, bars held, marking, then the decisions
 * that become tomorrow's orders. Only open positions, pending orders and
 * the head of the day's candidate list are visited, so a run costs about
 * (days x positions), and nothing is allocated inside the loop (trade
 * records, when asked for, grow geometrically).
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine.h"
#include "strategy/strategy.h"

struct pos {
    const momo_series *s;       /* the symbol's bars */
    int32_t next_date;          /* date of bar next_bar, or INT32_MAX */
    uint32_t sym;
    int cls;
    double units, qty;
    double entry, entry_comm;   /* slipped fill price, its commission */
    double high;                /* H: highest high since entry */
    double min_low, max_high;   /* for MAE / MFE */
    double score, rsi;
    uint32_t entry_bar, next_bar;
    int bars_held, flag_time, sold;
    int exit_type;              /* an intraday exit found this day, or -1 */
    double exit_px;
    int32_t entry_date;
};

struct order {
    int32_t target_date;        /* date of bar target, or INT32_MAX */
    uint32_t sym;
    uint32_t target;            /* bar index at whose open it fills */
    double units, score, rsi;
};

struct eng_ws {
    const struct momo_engine *eng;
    size_t n_sold;              /* positions sold since the last compact */
    float rsi_lo, rsi_hi;       /* the run's RSI range, widened to float */
    uint8_t *busy;              /* per symbol: held or pending */
    struct pos *pos;            /* sorted by sym; at most n_sym */
    size_t n_pos;
    struct order *ord;          /* oldest first; at most n_sym */
    size_t n_ord;
    momo_equity_row *eq;        /* n_days */
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
    ws->eng = eng;
    ws->busy = core_calloc(eng->n_sym, 1);
    ws->pos = core_calloc(eng->n_sym, sizeof(*ws->pos));
    ws->ord = core_calloc(eng->n_sym, sizeof(*ws->ord));
    ws->eq = core_calloc(eng->n_days, sizeof(*ws->eq));
    if (!ws->busy || !ws->pos || !ws->ord || !ws->eq) {
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
    core_free(ws->pos);
    core_free(ws->ord);
    core_free(ws->eq);
    core_free(ws->rec);
    core_free(ws);
}

/*---- Closing a position ----*/

struct day {
    const momo_params *p;
    int32_t date;
    double cash;
    int record;
    double noise;               /* bps / 10000, 0 for exact fills */
    uint64_t noise_seed;
};

/* splitmix64: a counter-based generator for fill noise */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static double noisy(const struct day *dy, double px, uint32_t sym,
                    uint32_t bar, int side)
{
    uint64_t h;
    double u;

    if (dy->noise == 0)
        return px;
    h = mix64(dy->noise_seed ^ mix64(((uint64_t)sym << 33) ^
                                     ((uint64_t)bar << 1) ^ (uint64_t)side));
    u = (double)(h >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    return px * (1.0 + u * dy->noise);
}

static void close_pos(struct eng_ws *ws, struct day *dy, struct pos *ps,
                      double raw_px, int type, uint32_t exit_bar)
{
    const momo_params *p = dy->p;
    double px = noisy(dy, strat_sell_price(p, ps->cls, raw_px), ps->sym,
                      exit_bar, 1);
    double comm = strat_commission(p, ps->cls, ps->qty, px);
    double pnl = (ps->qty * px - comm) - (ps->qty * ps->entry +
                                          ps->entry_comm);
    double risk = ps->entry * strat_stop_frac(p, ps->cls) * ps->qty;
    struct eng_trade_acc *a = &ws->acc;
    double r = pnl / risk, delta;

    dy->cash = dy->cash + (ps->qty * px - comm);
    ps->sold = 1;
    ws->n_sold++;
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
        t->score = ps->score;
        t->rsi = ps->rsi;
        t->mae = fmin(ps->min_low, px) / ps->entry - 1.0;
        t->mfe = fmax(ps->max_high, px) / ps->entry - 1.0;
    }
}

/* Drop sold positions, keeping symbol order. */
static void compact_positions(struct eng_ws *ws)
{
    size_t k = 0;

    if (ws->n_sold == 0)
        return;
    ws->n_sold = 0;
    for (size_t i = 0; i < ws->n_pos; i++)
        if (!ws->pos[i].sold)
            ws->pos[k++] = ws->pos[i];
    ws->n_pos = k;
}

static int32_t date_of(const momo_series *s, uint32_t bar)
{
    return bar < s->n ? s->date[bar] : INT32_MAX;
}

/*---- The phases of one date ----*/

/* (a) for one position with a bar today: a time exit, or a gap through
 * the stop or the target, sold at the open. Returns 1 when sold. */
static int exit_at_open(struct eng_ws *ws, struct day *dy, struct pos *ps,
                        const struct strat_levels *lv)
{
    const momo_series *s = ps->s;
    uint32_t b = ps->next_bar;

    if (ps->flag_time) {
        close_pos(ws, dy, ps, s->open[b], MOMO_EXIT_TIME, b);
        return 1;
    }
    if (s->open[b] <= lv->stop) {
        close_pos(ws, dy, ps, s->open[b],
                  lv->trailing ? MOMO_EXIT_TRAILING_STOP
                               : MOMO_EXIT_STOP_LOSS, b);
        return 1;
    }
    if (s->open[b] >= lv->target && s->low[b] > lv->stop) {
        close_pos(ws, dy, ps, s->open[b], MOMO_EXIT_PROFIT_TARGET, b);
        return 1;
    }
    return 0;
}

/* (a) for every position, before the day's entry fills */
static void exits_at_open(struct eng_ws *ws, struct day *dy)
{
    for (size_t i = 0; i < ws->n_pos; i++) {
        struct pos *ps = &ws->pos[i];
        struct strat_levels lv;

        if (ps->next_date != dy->date)
            continue;
        strat_levels(dy->p, ps->cls, ps->entry, ps->high, &lv);
        exit_at_open(ws, dy, ps, &lv);
    }
    compact_positions(ws);
}

static void insert_position(struct eng_ws *ws, const struct pos *np)
{
    size_t i = ws->n_pos;

    while (i > 0 && ws->pos[i - 1].sym > np->sym) {
        ws->pos[i] = ws->pos[i - 1];
        i--;
    }
    ws->pos[i] = *np;
    ws->n_pos++;
}

static int orders_due(const struct eng_ws *ws, int32_t date)
{
    for (size_t i = 0; i < ws->n_ord; i++)
        if (ws->ord[i].target_date == date)
            return 1;
    return 0;
}

/* (b) entry orders due today, oldest first (the order array's order) */
static void fill_orders(struct eng_ws *ws, struct day *dy)
{
    const momo_params *p = dy->p;
    size_t k = 0;

    for (size_t i = 0; i < ws->n_ord; i++) {
        struct order *o = &ws->ord[i];
        const struct eng_sym *sy = &ws->eng->syms[o->sym];
        const momo_series *s = &sy->s;
        uint32_t b = o->target;
        struct pos np;
        double px, units;

        if (o->target_date != dy->date) {
            ws->ord[k++] = *o;            /* still pending */
            continue;
        }
        px = noisy(dy, strat_buy_price(p, sy->cls, s->open[b]), o->sym, b,
                   0);
        units = strat_fill_units(p, sy->cls, o->units, s->volume[b], px,
                                 dy->cash);
        if (units <= 0) {
            ws->busy[o->sym] = 0;         /* cancelled */
            continue;
        }
        memset(&np, 0, sizeof(np));
        np.s = s;
        np.next_date = dy->date;
        np.sym = o->sym;
        np.cls = sy->cls;
        np.units = units;
        np.qty = units * strat_unit(p, sy->cls);
        np.entry = px;
        np.entry_comm = strat_commission(p, sy->cls, np.qty, px);
        np.high = s->high[b];
        np.min_low = s->low[b];
        np.max_high = s->high[b];
        np.score = o->score;
        np.rsi = o->rsi;
        np.entry_bar = b;
        np.next_bar = b;
        np.entry_date = dy->date;
        dy->cash = dy->cash - (np.qty * px + np.entry_comm);
        insert_position(ws, &np);
    }
    ws->n_ord = k;
}

/* (c) and (d) for every position with a bar today, and (a) as well when
 * `with_open` (a day without entry fills, where nothing comes between
 * them): one pass per position. Intraday exits are only noted in the
 * pass and sold after it, so trades keep the order of the phases. */
static void exits_and_close(struct eng_ws *ws, struct day *dy, int with_open)
{
    size_t n_intraday = 0;

    for (size_t i = 0; i < ws->n_pos; i++) {
        struct pos *ps = &ws->pos[i];
        const momo_series *s = ps->s;
        uint32_t b = ps->next_bar;

        ps->exit_type = -1;
        if (ps->next_date != dy->date)
            continue;
        if (b != ps->entry_bar) {
            struct strat_levels lv;

            strat_levels(dy->p, ps->cls, ps->entry, ps->high, &lv);
            if (with_open && exit_at_open(ws, dy, ps, &lv))
                continue;
            if (s->low[b] <= lv.stop) {
                ps->exit_type = lv.trailing ? MOMO_EXIT_TRAILING_STOP
                                            : MOMO_EXIT_STOP_LOSS;
                ps->exit_px = lv.stop;
            } else if (s->high[b] >= lv.target) {
                ps->exit_type = MOMO_EXIT_PROFIT_TARGET;
                ps->exit_px = lv.target;
            }
            if (ps->exit_type >= 0) {
                n_intraday++;
                continue;
            }
        }
        /* (d): H after the bar's exits, bars held, the time flag */
        if (s->high[b] > ps->high)
            ps->high = s->high[b];
        if (s->high[b] > ps->max_high)
            ps->max_high = s->high[b];
        if (s->low[b] < ps->min_low)
            ps->min_low = s->low[b];
        ps->bars_held++;
        if (ps->bars_held >= dy->p->max_holding_days)
            ps->flag_time = 1;
        ps->next_bar = b + 1;
        ps->next_date = date_of(s, b + 1);
    }
    for (size_t i = 0; n_intraday > 0 && i < ws->n_pos; i++) {
        struct pos *ps = &ws->pos[i];

        if (ps->exit_type < 0 || ps->sold)
            continue;
        close_pos(ws, dy, ps, ps->exit_px, ps->exit_type, ps->next_bar);
        n_intraday--;
    }
    compact_positions(ws);
}

/* The close's equity: cash plus every position at its last close, summed
 * in symbol order (docs/methods.md). */
static double mark(const struct eng_ws *ws, const struct day *dy)
{
    double equity = dy->cash;

    for (size_t i = 0; i < ws->n_pos; i++) {
        const struct pos *ps = &ws->pos[i];

        equity = equity + ps->qty * ps->s->close[ps->next_bar - 1];
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

/* The day's decisions: candidates in score order become orders. */
static void decide(struct eng_ws *ws, const momo_params *p, size_t d,
                   double equity)
{
    const struct momo_engine *eng = ws->eng;
    size_t i = eng->cand_start[d], end = eng->cand_start[d + 1];
    size_t slots = ws->n_pos + ws->n_ord;
    uint32_t cut[2], need = p->trend_filter ? ENG_ABOVE_SMA : 0;
    float lo = ws->rsi_lo, hi = ws->rsi_hi;
    double scale = 1.0;

    if (slots >= (size_t)p->max_positions || i == end)
        return;
    if (p->regime_enabled && eng->regimes[d].regime >= 0)
        scale = p->risk_scale[eng->regimes[d].regime];
    if (!(scale > 0))
        return;
    cut[0] = min_rank2(eng->n_ranked[d][0], p->momentum_threshold);
    cut[1] = min_rank2(eng->n_ranked[d][1], p->momentum_threshold);
    for (; i < end; i++) {
        const struct eng_cand_key *k = &eng->cand_key[i];
        const struct eng_sym *sy;
        uint32_t sym, bar;
        double units;
        struct order *o;

        if ((k->bits & ENG_RANK_MASK) < cut[k->bits >> 31])
            break;                      /* scores only fall from here */
        if (k->rsi_f < lo || k->rsi_f > hi || (k->bits & need) != need)
            continue;
        sym = eng->cand_sym[i];
        if (ws->busy[sym] || eng->cand_rsi[i] < p->rsi_min ||
            eng->cand_rsi[i] > p->rsi_max)
            continue;
        sy = &eng->syms[sym];
        bar = eng->cand_bar[i];
        units = strat_size_units(p, sy->cls, equity, sy->s.close[bar],
                                 scale);
        if (units <= 0)
            continue;
        o = &ws->ord[ws->n_ord++];
        o->sym = sym;
        o->target = bar + 1 + (uint32_t)p->entry_delay_bars;
        o->target_date = date_of(&sy->s, o->target);
        o->units = units;
        o->score = eng_cand_score(eng, d, i);
        o->rsi = eng->cand_rsi[i];
        ws->busy[sym] = 1;
        if (++slots >= (size_t)p->max_positions)
            break;
    }
}

/* Last date: cancel orders, sell everything at its last close. */
static void end_of_period(struct eng_ws *ws, struct day *dy)
{
    for (size_t i = 0; i < ws->n_ord; i++)
        ws->busy[ws->ord[i].sym] = 0;
    ws->n_ord = 0;
    for (size_t i = 0; i < ws->n_pos; i++) {
        struct pos *ps = &ws->pos[i];

        close_pos(ws, dy, ps, ps->s->close[ps->next_bar - 1],
                  MOMO_EXIT_END_OF_PERIOD, ps->next_bar - 1);
    }
    ws->n_pos = 0;
    ws->n_sold = 0;
}

int eng_run(struct eng_ws *ws, const momo_params *p,
            const struct eng_run_opts *o, const struct eng_out **out,
            momo_err *err)
{
    const struct momo_engine *eng = ws->eng;
    struct day dy;
    size_t d0, d1;
    double A, growth;
    int rc;

    *out = NULL;
    rc = eng_window(eng, o->from, o->to, &d0, &d1, err);
    if (rc != MOMO_OK)
        return rc;
    memset(ws->busy, 0, eng->n_sym);
    memset(&ws->acc, 0, sizeof(ws->acc));
    ws->n_pos = ws->n_ord = ws->n_sold = 0;
    ws->rec_failed = 0;
    ws->rsi_lo = nextafterf((float)p->rsi_min, -INFINITY);
    ws->rsi_hi = nextafterf((float)p->rsi_max, INFINITY);
    A = eng_periods_per_year(eng, d0, d1);
    growth = 1.0 + p->cash_rate / A;
    dy.p = p;
    dy.cash = p->initial_capital;
    dy.record = o->record_trades;
    dy.noise = o->noise_bps / 10000.0;
    dy.noise_seed = o->noise_seed;
    for (size_t d = d0; d <= d1; d++) {
        momo_equity_row *row = &ws->eq[d - d0];
        double equity;

        dy.date = eng->days[d];
        if (orders_due(ws, dy.date)) {
            exits_at_open(ws, &dy);
            fill_orders(ws, &dy);
            exits_and_close(ws, &dy, 0);
        } else {
            exits_and_close(ws, &dy, 1);
        }
        if (d > d0 && p->cash_rate != 0)
            dy.cash = dy.cash * growth;
        equity = mark(ws, &dy);
        if (d == d1) {
            end_of_period(ws, &dy);
            equity = dy.cash;
        }
        row->date = dy.date;
        row->equity = equity;
        row->cash = dy.cash;
        row->positions = (int)ws->n_pos;
        if (d < d1)
            decide(ws, p, d, equity);
    }
    if (ws->rec_failed)
        return momo_err_set(err, MOMO_ENOMEM,
                            "out of memory recording trades");
    ws->out.eq = ws->eq;
    ws->out.n_eq = d1 - d0 + 1;
    ws->out.trades = o->record_trades ? ws->rec : NULL;
    ws->out.n_trades = ws->acc.n;
    ws->out.acc = ws->acc;
    ws->out.periods_per_year = A;
    *out = &ws->out;
    return MOMO_OK;
}

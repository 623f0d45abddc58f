/* src/strategy/strategy.h - the strategy's rules as pure functions.
 *
 * Scores (STRATEGY.md 3), sizing (5), stop and target levels (6) and the
 * cost model (7), exactly as docs/methods.md writes them out. The engine
 * drives these for a backtest and ops drives the same ones for paper
 * trading, so both trade by the same arithmetic.
 *
 * Quantities are counted in units: shares for stocks, lots of
 * execution.crypto_lot for crypto. quantity = units * unit size.
 */
#ifndef MOMO_STRATEGY_H
#define MOMO_STRATEGY_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "momo/backtest.h"
#include "momo/config.h"
#include "momo/dataset.h"

/* Ranking (STRATEGY.md 3). An item is one eligible symbol of one class
 * on one day: its momentum m, its symbol index k (ties order) and a
 * payload the caller keeps with it. */
struct strat_rank_item {
    uint64_t key;        /* strat_rank_key(m) */
    uint32_t k;
    uint32_t aux;
};

/* The sort key of a momentum m: ascending keys are descending m, and
 * equal keys are exactly equal m (-0.0 and +0.0 included). */
static inline uint64_t strat_rank_key(double m)
{
    uint64_t b;

    m = m + 0.0;                     /* -0.0 becomes +0.0 */
    memcpy(&b, &m, sizeof(b));
    b = (b & UINT64_C(0x8000000000000000)) ? ~b
                                          : b | UINT64_C(0x8000000000000000);
    return ~b;
}

/* Sort items by key ascending (m descending), then k ascending, given
 * items whose k already ascend (the sort is stable, so equal m keep
 * that order). `tmp` is scratch of n items. A radix sort on the key's
 * top 32 bits, then an insertion pass for the rare neighbours that
 * share them. */
void strat_sort_desc(struct strat_rank_item *v, size_t n,
                     struct strat_rank_item *tmp);

/* For items sorted by strat_sort_desc, rank2[i] = 2 (rank - 1) where
 * rank is item i's ascending rank, equal m sharing their average rank.
 * The score is (100 * (rank2 / 2)) / (n - 1), or 100 when n = 1. */
void strat_rank2_sorted(const struct strat_rank_item *v, size_t n,
                        uint32_t *rank2);

static inline double strat_score_of_rank2(uint32_t rank2, size_t n)
{
    if (n <= 1)
        return 100.0;
    return (100.0 * (0.5 * (double)rank2)) / (double)(n - 1);
}

/* Percentile scores of m[0..n) in input order (a convenience over the
 * two functions above). `items` (2n entries) and `rank2` (n) are
 * scratch. */
void strat_rank_scores(const double *m, size_t n,
                       struct strat_rank_item *items, uint32_t *rank2,
                       double *score);

/* Raw momentum from the four ROCs (NaN when any is undefined). */
static inline double strat_momentum(const momo_params *p, const double *roc)
{
    return ((p->weights[0] * roc[0] + p->weights[1] * roc[1]) +
            p->weights[2] * roc[2]) + p->weights[3] * roc[3];
}

static inline int strat_is_crypto(int cls)
{
    return cls == MOMO_CRYPTO;
}

static inline double strat_stop_frac(const momo_params *p, int cls)
{
    return strat_is_crypto(cls) ? p->stop_loss_crypto : p->stop_loss_stock;
}

static inline double strat_target_frac(const momo_params *p, int cls)
{
    return strat_is_crypto(cls) ? p->profit_target_crypto
                                : p->profit_target_stock;
}

static inline double strat_min_price(const momo_params *p, int cls)
{
    return strat_is_crypto(cls) ? p->min_price_crypto : p->min_price;
}

static inline double strat_unit(const momo_params *p, int cls)
{
    return strat_is_crypto(cls) ? p->crypto_lot : 1.0;
}

/* The cost model of one run (STRATEGY.md 7), its rates worked out once:
 * slippage as a fraction per class (basis points / 10000) and the crypto
 * fee. */
struct strat_costs {
    double slip[2];          /* stock (and anything not crypto), crypto */
    double fee_crypto;
    double commission_min, commission_per_share;
};

static inline void strat_costs_init(const momo_params *p,
                                    struct strat_costs *c)
{
    c->slip[0] = p->slippage_bps_stock / 10000.0;
    c->slip[1] = p->slippage_bps_crypto / 10000.0;
    c->fee_crypto = p->fee_bps_crypto / 10000.0;
    c->commission_min = p->commission_min;
    c->commission_per_share = p->commission_per_share;
}

static inline double strat_buy_price(const struct strat_costs *c, int cls,
                                     double px)
{
    return px * (1.0 + c->slip[strat_is_crypto(cls)]);
}

static inline double strat_sell_price(const struct strat_costs *c, int cls,
                                      double px)
{
    return px * (1.0 - c->slip[strat_is_crypto(cls)]);
}

/* floor(x), without a library call in the common case (0 <= x < 2^63,
 * where truncation is floor); the same value as floor() everywhere. */
static inline double strat_floor(double x)
{
    if (x >= 0 && x < 9.2e18)
        return (double)(int64_t)x;
    return floor(x);
}

/* Commission of one order of quantity `q` at (slipped) price `price`. */
static inline double strat_commission(const struct strat_costs *c, int cls,
                                      double q, double price)
{
    double per_share;

    if (strat_is_crypto(cls))
        return (q * price) * c->fee_crypto;
    per_share = c->commission_per_share * q;
    return per_share > c->commission_min ? per_share : c->commission_min;
}

/* Units to order at a decision (STRATEGY.md 5): from the equity of the
 * close, the close, and the day's risk scale. 0 means no order. */
double strat_size_units(const momo_params *p, int cls, double equity,
                        double close, double scale);

/* Units that fill (STRATEGY.md 11.11): the order's units cut by the fill
 * ratio, the volume participation cap and the cash available. */
double strat_fill_units(const momo_params *p, const struct strat_costs *c,
                        int cls, double units, double bar_volume,
                        double price, double cash);

/* Exit of a held position on one of its bars (STRATEGY.md 6 and 11.10,
 * 11.12-11.14). The levels that do not move while the position is held
 * are fixed once, at the fill, by strat_exit_rule_init; then for each bar
 * after the entry bar, given H (the highest high through the previous
 * bar) and the bars held at the previous close, strat_exit_on_bar
 * applies the rules in their order: a time exit at the open; a gap
 * through the stop at the open; a gap above the target at the open when
 * the low stays above the stop; the stop touched during the bar; the
 * target touched. `raw_px` is the price before slippage; `at_open` says
 * whether the exit belongs to the day's opening phase (its cash then
 * funds the day's entries). The stop is the higher of the fixed and the
 * trailing level, and it is a trailing stop only when the trailing level
 * is strictly above the fixed one (STRATEGY.md 11.13). */
struct strat_exit_rule {
    double fixed_stop;       /* E (1 - stop_loss) */
    double target;           /* E (1 + profit_target) */
    double trail_keep;       /* 1 - trailing_stop_distance */
    int max_holding_days;
};

struct strat_exit {
    int type;              /* enum momo_exit_type */
    int at_open;
    double raw_px;
};

static inline void strat_exit_rule_init(const momo_params *p, int cls,
                                        double entry,
                                        struct strat_exit_rule *r)
{
    r->fixed_stop = entry * (1.0 - strat_stop_frac(p, cls));
    r->target = entry * (1.0 + strat_target_frac(p, cls));
    r->trail_keep = 1.0 - p->trailing_stop_distance;
    r->max_holding_days = p->max_holding_days;
}

static inline int strat_exit_on_bar(const struct strat_exit_rule *r,
                                    double high, int held, double o,
                                    double h, double l,
                                    struct strat_exit *ex)
{
    double trail, stop;

    if (held >= r->max_holding_days) {
        ex->type = MOMO_EXIT_TIME;
        ex->at_open = 1;
        ex->raw_px = o;
        return 1;
    }
    trail = high * r->trail_keep;
    stop = trail > r->fixed_stop ? trail : r->fixed_stop;
    if (o <= stop || l <= stop) {
        ex->type = trail > r->fixed_stop ? MOMO_EXIT_TRAILING_STOP
                                         : MOMO_EXIT_STOP_LOSS;
        ex->at_open = o <= stop;
        ex->raw_px = ex->at_open ? o : stop;
        return 1;
    }
    if (h >= r->target) {    /* o >= target implies h >= target */
        ex->type = MOMO_EXIT_PROFIT_TARGET;
        ex->at_open = o >= r->target;
        ex->raw_px = ex->at_open ? o : r->target;
        return 1;
    }
    return 0;
}

/* The first bar of [j0, j1) on which strat_exit_on_bar fires, for a
 * position that has held `*held` bars with highest high `*high` at the
 * close before bar j0: the same rules, walked over arrays of bars
 * (open, high, low). Returns j1 when none fires. On return *high and
 * *held are those at the close before the returned bar, so for a bar
 * j < j1, strat_exit_on_bar(r, *high, *held, o[j], h[j], l[j], ex) fires
 * and gives the exit. The time rule bounds the walk, so each bar costs
 * one stop level and three comparisons. */
static inline size_t strat_exit_scan(const struct strat_exit_rule *r,
                                     const double *o, const double *h,
                                     const double *l, size_t j0, size_t j1,
                                     double *high, int *held)
{
    double hi = *high, fixed = r->fixed_stop, keep = r->trail_keep;
    double target = r->target;
    size_t j, end = j1;

    if (*held >= r->max_holding_days)
        end = j0;                  /* the time rule fires at j0 */
    else if ((size_t)(r->max_holding_days - *held) < j1 - j0)
        end = j0 + (size_t)(r->max_holding_days - *held);
    for (j = j0; j < end; j++) {
        double trail = hi * keep;
        double stop = trail > fixed ? trail : fixed;

        if ((o[j] <= stop) | (l[j] <= stop) | (h[j] >= target))
            break;
        if (h[j] > hi)
            hi = h[j];
    }
    *held += (int)(j - j0);
    *high = hi;
    return j;
}

#endif

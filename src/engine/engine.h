/* src/engine/engine.h - the engine's interface to other modules.
 *
 * struct momo_engine is the shared precompute (precompute.c); a run
 * (run.c) is one pass over the calendar that fills a workspace with the
 * equity rows, per-trade statistics and, when asked, the trade records.
 * Turning those into metrics is the metrics module's job.
 */
#ifndef MOMO_ENGINE_H
#define MOMO_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "momo/backtest.h"

/* Candidates of one day: every eligible symbol with a bar that day and
 * a defined RSI, sorted by score descending, then symbol. A run's scan
 * reads only these records, in order, and everything an order needs is
 * in them; the exact RSI lives in a parallel array, read for the rare
 * candidate whose float RSI equals a bound's and for trade records.
 *
 * bits holds rank2 = 2 (rank - 1), rank being the average ascending rank
 * of the symbol's momentum within its class that day, so its score is
 * exactly (100 * (rank2 / 2)) / (n - 1) (STRATEGY.md 3; 100 when n = 1).
 * rsi_f is the RSI rounded to float: rounding is monotonic, so a float
 * strictly inside the bounds' floats is certainly inside the bounds. */
struct eng_cand {
    float rsi_f;
    uint32_t bits;           /* rank2 | ENG_ABOVE_SMA | ENG_CRYPTO */
    uint32_t sym;            /* engine symbol index */
    uint32_t bar;            /* bar index of the day */
    double close;            /* the day's close, for sizing */
};
#define ENG_RANK_MASK  0x3fffffffu
#define ENG_ABOVE_SMA  0x40000000u   /* close > SMA(sma_fast) */
#define ENG_CRYPTO     0x80000000u   /* ranked among crypto */

struct eng_sym {
    uint32_t ds_sym;       /* dataset symbol index */
    int cls;               /* asset class (stock or crypto) */
    momo_series s;
    /* From bar `dense_from` on, the symbol has a bar on every calendar
     * row up to its last bar: bar k is on row k - dense_off. Runs then
     * find dates and rows by arithmetic instead of reading dates. */
    uint32_t dense_from;
    int64_t dense_off;
};

struct momo_engine {
    const momo_dataset *ds;
    momo_params pre_params;    /* the parameters the precompute used */
    size_t n_sym;
    struct eng_sym *syms;      /* traded symbols, name order */
    uint32_t *ds_syms;         /* syms[i].ds_sym, for the public getter */
    int has_stock, has_crypto;
    size_t n_days;
    int32_t *days;             /* calendar */
    size_t *cand_start;        /* n_days + 1 offsets into the arrays */
    struct eng_cand *cands;
    double *cand_rsi;          /* exact RSI */
    uint32_t (*n_ranked)[2];   /* per day: eligible stocks, crypto */
    /* regimes (STRATEGY.md 9), per calendar day (regime.c) */
    momo_regime_day *regimes;
    char regime_proxy[MOMO_SYMBOL_MAX + 32];
    char regime_vol[MOMO_SYMBOL_MAX + 32];
};

/* Why a run ended a trade, and when within the day (trades.csv order). */
struct eng_run_opts {
    int32_t from, to;
    int record_trades;
    double noise_bps;          /* 0: exact fills */
    uint64_t noise_seed;
};

/* Running statistics of a run's closed trades. */
struct eng_trade_acc {
    size_t n, wins, losses;
    double gross_win, gross_loss;     /* both >= 0 */
    double sum_pnl, sum_bars;
    double r_mean, r_m2;              /* Welford: R = pnl / (E stop q) */
};

/* What one run leaves in a workspace. */
struct eng_out {
    momo_equity_row *eq;       /* n_eq rows */
    size_t n_eq;
    double *ret;               /* n_eq - 1 daily returns E_t / E_t-1 - 1 */
    size_t n_trades;
    momo_trade *trades;        /* when record_trades; n_trades entries */
    struct eng_trade_acc acc;
    double periods_per_year;
};

struct eng_ws;   /* workspace internals (run.c) */

int eng_ws_new(const struct momo_engine *eng, struct eng_ws **out);
void eng_ws_free(struct eng_ws *ws);
/* One run. `out` points into the workspace until the next run. */
int eng_run(struct eng_ws *ws, const momo_params *p,
            const struct eng_run_opts *o, const struct eng_out **out,
            momo_err *err);
/* n runs over the same window in one pass over the calendar: day by day,
 * ws[k] runs p[k]'s rules, so the runs share the candidates and bars
 * they read while those are in the cache, and ws[0]'s filtered lists.
 * Each out[k] is exactly what eng_run(ws[k], p[k], o) gives. */
int eng_run_batch(struct eng_ws *const *ws, const momo_params *const *p,
                  size_t n, const struct eng_run_opts *o,
                  const struct eng_out **out, momo_err *err);

/* Score of candidate i of day d (see struct eng_cand). */
static inline double eng_cand_score(const struct momo_engine *eng, size_t d,
                                    size_t i)
{
    uint32_t bits = eng->cands[i].bits;
    uint32_t n = eng->n_ranked[d][(bits & ENG_CRYPTO) ? 1 : 0];

    if (n <= 1)
        return 100.0;
    return (100.0 * (0.5 * (double)(bits & ENG_RANK_MASK))) /
           (double)(n - 1);
}

/* The first index of [lo, hi) whose value in the ascending array a is
 * above x, or hi. */
static inline size_t eng_first_above(const int32_t *a, size_t lo, size_t hi,
                                     int32_t x)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Fill eng->regimes from the proxy, the volatility source and the
 * breadth per day (breadth[d], computed with the ranks). */
int eng_regimes(struct momo_engine *eng, const momo_params *p,
                const double *breadth, momo_err *err);

/* Periods per year (STRATEGY.md 11.17) for a window of calendar rows. */
double eng_periods_per_year(const struct momo_engine *eng, size_t d0,
                            size_t d1);
/* Calendar indices of a window: [*d0, *d1]; MOMO_EINVAL when empty. */
int eng_window(const struct momo_engine *eng, int32_t from, int32_t to,
               size_t *d0, size_t *d1, momo_err *err);

#endif

/* include/momo/backtest.h - the engine: precompute once, backtest often.
 *
 * A momo_engine holds everything that does not depend on the tunable
 * parameters of a run: indicators, momentum scores and the per-day
 * candidate lists ordered by score. It is built once per dataset, symbol
 * set and precompute parameters (those flagged MOMO_PARAM_PRECOMPUTE),
 * then shared read-only: any number of threads may run backtests on one
 * engine at the same time, each with its own momo_workspace.
 *
 * A backtest follows STRATEGY.md exactly as docs/methods.md reads it.
 */
#ifndef MOMO_BACKTEST_H
#define MOMO_BACKTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "momo/config.h"
#include "momo/dataset.h"
#include "momo/error.h"

/* Bumped whenever a change to the engine can change a run's results:
 * part of every optimizer cache key. */
#define MOMO_ENGINE_VERSION 1

typedef struct momo_engine momo_engine;        /* opaque, read-only */
typedef struct momo_workspace momo_workspace;  /* opaque, one per thread */
typedef struct momo_result momo_result;        /* opaque */

enum momo_exit_type {
    MOMO_EXIT_STOP_LOSS = 0,
    MOMO_EXIT_TRAILING_STOP,
    MOMO_EXIT_PROFIT_TARGET,
    MOMO_EXIT_TIME,
    MOMO_EXIT_END_OF_PERIOD,
    MOMO_N_EXIT_TYPES
};

/* One closed trade (trades.csv). Prices are after slippage. */
typedef struct momo_trade {
    uint32_t sym;            /* dataset symbol index */
    int asset_class;
    int32_t entry_date, exit_date;
    double entry_price, exit_price;
    double quantity;
    int exit_type;           /* enum momo_exit_type */
    double pnl;              /* net of both legs' commissions */
    double return_pct;       /* pnl / (entry_price * quantity), a fraction */
    int bars_held;           /* exit bar index - entry bar index */
    double entry_commission, exit_commission;
    double score, rsi;       /* at the entry decision */
    double mae, mfe;         /* worst low and best high while held, as
                                fractions of the entry price */
} momo_trade;

/* One equity row (equity.csv): one per calendar date of the window. */
typedef struct momo_equity_row {
    int32_t date;
    double equity, cash;
    int positions;           /* open positions at the close */
} momo_equity_row;

/* Metrics of one run (metrics.json). NaN means undefined (null). */
typedef struct momo_metrics {
    double total_return, cagr, annual_volatility, sharpe, sortino;
    double max_drawdown;             /* positive fraction */
    double max_drawdown_duration;    /* rows */
    double max_drawdown_recovery;    /* rows from trough to recovery */
    double calmar, ulcer_index, recovery_factor;
    double win_rate, profit_factor, avg_win, avg_loss, expectancy;
    double num_trades, sqn, exposure, avg_bars_held, periods_per_year;
    double final_equity;
    double num_days;                 /* equity rows */
} momo_metrics;

/* The metric names of metrics.json, in order, and access by name. */
size_t momo_metric_count(void);
const char *momo_metric_name(size_t i);
/* 1 when larger is better (sharpe), -1 when smaller is (max_drawdown). */
int momo_metric_direction(size_t i);
/* Index of the metric named `name`, or -1. */
long momo_metric_find(const char *name);
double momo_metric_get(const momo_metrics *m, size_t i);

/*---- Engines ----*/

typedef struct momo_engine_opts {
    /* Restrict the traded universe to these symbols (NULL: every stock
     * and crypto symbol). The run behaves exactly as if only these had
     * been loaded, scores included (STRATEGY.md 11.2). */
    const char *const *symbols;
    size_t n_symbols;
    int threads;                     /* precompute threads, 0 = cores */
} momo_engine_opts;

/* Build the engine for `ds` with the precompute parameters of `p`.
 * Borrows `ds` for the engine's lifetime. */
int momo_engine_new(const momo_dataset *ds, const momo_params *p,
                    const momo_engine_opts *opts, momo_engine **out,
                    momo_err *err);
void momo_engine_free(momo_engine *eng);

/* 1 when `p` has the precompute parameters `eng` was built with. */
int momo_engine_accepts(const momo_engine *eng, const momo_params *p);

/* The calendar: the sorted union of the traded symbols' dates. */
const int32_t *momo_engine_calendar(const momo_engine *eng, size_t *n);
const momo_dataset *momo_engine_dataset(const momo_engine *eng);
/* Traded symbols (dataset indices) in name order. */
const uint32_t *momo_engine_symbols(const momo_engine *eng, size_t *n);

/*---- Market regimes (STRATEGY.md 9) ----*/

/* One calendar day's regime inputs, from bars dated <= that day only. */
typedef struct momo_regime_day {
    int32_t date;
    int regime;          /* enum momo_regime, -1 while undefined */
    int trend;           /* SMA(sma_fast) > SMA(sma_slow) of the proxy:
                            1, 0, or -1 while undefined */
    int high_vol;        /* 1, 0, or -1 while undefined */
    double breadth;      /* share of eligible stocks above their
                            SMA(sma_slow); NaN without eligible stocks */
    double proxy;        /* the market proxy's last close (or level) */
    double vol;          /* VIX close, or the proxy's annualized
                            realized volatility */
} momo_regime_day;

/* The regime of every calendar day (n = calendar length). Computed with
 * the precompute, whether or not regime.enabled is set. */
const momo_regime_day *momo_engine_regimes(const momo_engine *eng,
                                           size_t *n);
/* What the regimes were computed from: the proxy's symbol or
 * "equal-weight index", and the volatility source ("VIX symbol" or
 * "realized"). Strings live as long as `eng`. */
const char *momo_engine_regime_proxy(const momo_engine *eng);
const char *momo_engine_regime_vol_source(const momo_engine *eng);
/* "high_vol_trending", ...; "undefined" for -1. */
const char *momo_regime_name(int regime);

/*---- Runs ----*/

/* Window of a run: dates inclusive; 0 for from means the first calendar
 * date, INT32_MAX (or 0) for to means the last. */
typedef struct momo_window {
    int32_t from, to;
} momo_window;

/* Random perturbation of every fill price (Monte Carlo "noise"): each
 * fill is multiplied by 1 + u * bps / 10000, u uniform in [-1, 1], drawn
 * from a counter-based generator keyed by (seed, symbol, bar, side), so
 * a run's noise does not depend on the order of events or on threads.
 * Stops and targets stay where the rules put them; only fill prices
 * move. */
typedef struct momo_fill_noise {
    double bps;
    uint64_t seed;
} momo_fill_noise;

/* Per-thread scratch for repeated runs. Allocates once; a run through a
 * workspace allocates nothing. */
int momo_workspace_new(const momo_engine *eng, momo_workspace **out,
                       momo_err *err);
void momo_workspace_free(momo_workspace *ws);

/* One backtest computing only metrics (the optimizer's path). `p` must be
 * accepted by the engine (MOMO_EINVAL otherwise) and valid. After it,
 * momo_workspace_equity() gives the run's equity curve. */
int momo_backtest_eval(momo_workspace *ws, const momo_params *p,
                       const momo_window *win, momo_metrics *out,
                       momo_err *err);
/* The same with fill prices perturbed by `noise` (NULL: none). */
int momo_backtest_eval_noisy(momo_workspace *ws, const momo_params *p,
                             const momo_window *win,
                             const momo_fill_noise *noise,
                             momo_metrics *out, momo_err *err);

/* n backtests over the same window, computed together in one pass over
 * the calendar: ws[k] runs p[k] into out[k], with rc[k] and errs[k] its
 * outcome. The workspaces must be distinct and of one engine. Each
 * result is exactly momo_backtest_eval's; together they read the shared
 * precompute once instead of n times, which is what makes a batch
 * cheaper than its runs one by one. */
int momo_backtest_eval_batch(momo_workspace *const *ws,
                             const momo_params *p, size_t n,
                             const momo_window *win, momo_metrics *out,
                             int *rc, momo_err *errs);

/* The last run's equity rows, living until the next run on `ws`. */
const momo_equity_row *momo_workspace_equity(const momo_workspace *ws,
                                             size_t *n);
/* Its daily returns E_t / E_t-1 - 1, one fewer than the rows (n may be
 * NULL). */
const double *momo_workspace_returns(const momo_workspace *ws, size_t *n);

/* One full backtest with its trades and equity. */
int momo_backtest_run(const momo_engine *eng, const momo_params *p,
                      const momo_window *win, momo_result **out,
                      momo_err *err);
void momo_result_free(momo_result *res);
const momo_metrics *momo_result_metrics(const momo_result *res);
const momo_trade *momo_result_trades(const momo_result *res, size_t *n);
const momo_equity_row *momo_result_equity(const momo_result *res, size_t *n);

/* Write trades.csv, equity.csv and metrics.json into directory `dir`
 * (created if needed), each atomically. */
int momo_result_write(const momo_result *res, const momo_engine *eng,
                      const char *dir, momo_err *err);

/* Write metrics as a JSON object (null for NaN), `indent` spaces deep. */
int momo_metrics_write_json(const momo_metrics *m, FILE *f, int indent);

const char *momo_exit_type_name(int exit_type);

#endif

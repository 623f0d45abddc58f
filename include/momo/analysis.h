/* include/momo/analysis.h - stress-testing a strategy.
 *
 * Four analyses of the backtest of one config, each built on the same
 * engine runs, trades, equity rows and metrics as `momo backtest`:
 *
 *   Monte Carlo   the range of outcomes: the trades' order shuffled or
 *                 resampled, daily returns block-bootstrapped, or every
 *                 fill price perturbed and the engine re-run;
 *   benchmarks    what could have been bought instead over the same
 *                 dates (the market ETF, the equal-weight universe, a
 *                 60/40 mix, naive momentum), with the same costs;
 *   robustness    where it breaks: other periods, universes, injected
 *                 stress scenarios, harsher execution assumptions, and a
 *                 0-100 score with the weaknesses in words;
 *   regimes       the regime of every day and the strategy's results in
 *                 each regime.
 *
 * Methods and formulas: docs/internals/analysis.md. Every result is
 * reproducible from its inputs and seed, whatever the number of threads.
 * Results own their memory; free each with its _free function (NULL is a
 * harmless no-op). Writers put files into a directory (created when
 * missing), each file atomically.
 */
#ifndef MOMO_ANALYSIS_H
#define MOMO_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "momo/backtest.h"
#include "momo/config.h"
#include "momo/dataset.h"
#include "momo/error.h"
#include "momo/log.h"

/* Five percentiles of a distribution (NaN when no value is defined). */
typedef struct momo_pctl {
    double p5, p25, p50, p75, p95;
} momo_pctl;

/*---- Monte Carlo ----*/

enum momo_mc_method {
    MOMO_MC_SHUFFLE = 0,   /* permute the trades' P&L in money */
    MOMO_MC_RESAMPLE,      /* draw the trades with replacement */
    MOMO_MC_BLOCK,         /* stationary block bootstrap of daily returns */
    MOMO_MC_NOISE,         /* re-run with every fill price perturbed */
    MOMO_MC_N_METHODS
};

/* "shuffle", "resample", "block", "noise"; NULL when out of range. */
const char *momo_mc_method_name(int method);
/* The method named `s`, or -1. */
int momo_mc_method_parse(const char *s);

/* What each simulated path is summarized by (JSON keys). */
enum momo_mc_stat {
    MOMO_MC_FINAL_RETURN = 0,   /* total return, a fraction */
    MOMO_MC_CAGR,
    MOMO_MC_MAX_DRAWDOWN,       /* positive fraction */
    MOMO_MC_SHARPE,
    MOMO_MC_LONGEST_DRAWDOWN,   /* rows (days) under water, longest run */
    MOMO_MC_N_STATS
};

/* "final_return", "cagr", "max_drawdown", "sharpe", "longest_drawdown". */
const char *momo_mc_stat_name(int stat);

#define MOMO_MC_MIN_SIMS      100
#define MOMO_MC_MAX_SIMS      1000000
#define MOMO_MC_FAN_POINTS    120   /* dates of the percentile fan */
#define MOMO_MC_SAMPLE_PATHS  20    /* paths kept whole for charts */

typedef struct momo_mc_opts {
    int method;               /* enum momo_mc_method; MOMO_MC_SHUFFLE */
    size_t sims;              /* 10000 (MOMO_MC_MIN_SIMS .. _MAX_SIMS) */
    uint64_t seed;            /* 1 */
    int threads;              /* 0: one per core */
    double ruin_drawdown;     /* 0.30: a path is ruined when its max
                                 drawdown reaches this, (0, 1] */
    double block_length;      /* 20: mean block length in days, >= 1 */
    double noise_bps;         /* 10: fill noise, (0, 1000] */
    momo_progress_fn progress;       /* chunks of 32 simulations done,
                                        or NULL */
    void *progress_ud;
    const volatile int *interrupt;   /* polled; nonzero: MOMO_EINTR */
} momo_mc_opts;

/* The defaults listed in momo_mc_opts. */
momo_mc_opts momo_mc_default_opts(void);

typedef struct momo_mc_summary {
    int method;
    size_t sims;
    uint64_t seed;
    double ruin_drawdown, block_length, noise_bps;
    size_t n_trades;              /* of the base run */
    size_t n_days;                /* equity rows of every path */
    int32_t first_date, last_date;
    double initial_capital;
    /* The base run summarized as the method builds its paths: for
     * shuffle and resample the path of the trades in their own order,
     * for block and noise the backtest itself. */
    double observed[MOMO_MC_N_STATS];
    momo_pctl pct[MOMO_MC_N_STATS];
    double mean[MOMO_MC_N_STATS];
    size_t n_defined[MOMO_MC_N_STATS];   /* paths where it is defined */
    double prob_loss;             /* share of paths with final_return < 0 */
    double risk_of_ruin;          /* share with max_drawdown >= ruin */
    double end_low, end_high;     /* 2.5th and 97.5th percentiles of
                                     final_return: 95% of paths end
                                     between them */
} momo_mc_summary;

typedef struct momo_mc_result momo_mc_result;   /* opaque */

/* The base of a path simulation: a run's equity rows (dates, starting
 * capital, daily returns) and its trades in exit-date order (as a run
 * records them). Borrowed for the call. */
typedef struct momo_mc_input {
    const momo_equity_row *eq;
    size_t n_eq;                  /* >= 2 */
    const momo_trade *trades;
    size_t n_trades;              /* >= 1 for shuffle and resample */
    double periods_per_year;      /* A of STRATEGY.md 11.17 */
    double risk_free;             /* metrics.risk_free */
} momo_mc_input;

/* Simulate o->sims paths from `in` with method shuffle, resample or
 * block (noise needs the engine: momo_montecarlo_run). Each simulation
 * draws from its own GSL generator seeded from (o->seed, its index), so
 * the result does not depend on o->threads. On MOMO_OK *out is a new
 * result (free with momo_mc_result_free); otherwise *out is NULL and
 * the result is MOMO_EINVAL (a bad option or input, named in `err`),
 * MOMO_ENOMEM or MOMO_EINTR. */
int momo_montecarlo_paths(const momo_mc_input *in, const momo_mc_opts *o,
                          momo_mc_result **out, momo_err *err);

/* Backtest `p` over `win` on `eng` once, then simulate o->sims paths with
 * o->method (noise: one engine run per simulation, fills perturbed by
 * momo_fill_noise with a seed per simulation). Borrows everything for
 * the call. Errors as momo_montecarlo_paths, plus those of the run. */
int momo_montecarlo_run(const momo_engine *eng, const momo_params *p,
                        const momo_window *win, const momo_mc_opts *o,
                        momo_mc_result **out, momo_err *err);

void momo_mc_result_free(momo_mc_result *r);

/* The summary; lives as long as `r`. */
const momo_mc_summary *momo_mc_result_summary(const momo_mc_result *r);

/* The value of `stat` for every simulation, in simulation order (NaN
 * where undefined); *n = sims. Lives as long as `r`. */
const double *momo_mc_result_values(const momo_mc_result *r, int stat,
                                    size_t *n);

/* The percentile fan of the equity paths at up to MOMO_MC_FAN_POINTS
 * dates: band[0..5) are the 5th, 25th, 50th, 75th and 95th percentiles
 * of equity across paths at date[i]; `observed` is the base path. All
 * arrays have n entries and live as long as the result. */
typedef struct momo_mc_fan {
    size_t n;
    const int32_t *date;
    const double *band[5];
    const double *observed;
    size_t n_samples;             /* whole paths kept (the first sims) */
    const double *const *sample;  /* sample[k][i]: equity at date[i] */
} momo_mc_fan;

void momo_mc_result_fan(const momo_mc_result *r, momo_mc_fan *out);

/* montecarlo.json (documented in docs/cli/momo-montecarlo.md) and the
 * text summary. MOMO_EIO when writing to `f` fails. */
int momo_mc_result_write_json(const momo_mc_result *r, FILE *f);
int momo_mc_result_write_text(const momo_mc_result *r, FILE *f);
/* Both, as dir/montecarlo.json and dir/montecarlo.txt. */
int momo_mc_result_write(const momo_mc_result *r, const char *dir,
                         momo_err *err);

/*---- Benchmarks ----*/

enum momo_bench_kind {
    MOMO_BENCH_STRATEGY = 0,
    MOMO_BENCH_MARKET,          /* buy and hold the market ETF */
    MOMO_BENCH_EQUAL_WEIGHT,    /* the traded universe, monthly */
    MOMO_BENCH_SIXTY_FORTY,     /* market ETF / bond ETF, monthly */
    MOMO_BENCH_NAIVE_MOMENTUM,  /* top N by score, monthly */
    MOMO_N_BENCH
};

/* JSON key: "strategy", "market", "equal_weight", "sixty_forty",
 * "naive_momentum". */
const char *momo_bench_name(int kind);

typedef struct momo_bench_opts {
    const char *market;   /* NULL: regime.market_symbol ("SPY") */
    const char *bond;     /* NULL: "AGG" */
    int top_n;            /* naive momentum holdings; 0: max_positions */
    double stock_weight;  /* market share of the mix; 0: 0.6 */
} momo_bench_opts;

/* One row of the table. Relative figures are against the market ETF's
 * buy and hold over the same rows (daily returns). NaN = undefined. */
typedef struct momo_bench_stats {
    double total_return, cagr, annual_volatility, sharpe, sortino;
    double max_drawdown;
    double recovery_days;         /* rows from the max drawdown's trough
                                     to a new peak; NaN if never */
    double monthly_win_rate;      /* share of months with a gain */
    double correlation, beta;
    double alpha;                 /* annualized CAPM intercept */
    double information_ratio;
    double up_capture, down_capture;
    double final_equity;
} momo_bench_stats;

typedef struct momo_bench_result momo_bench_result;   /* opaque */

/* Backtest `p` over `win` on `eng` and simulate each benchmark over the
 * same calendar rows with the same cost model (docs/internals/
 * analysis.md). The market symbol must be in the dataset
 * (MOMO_ENOTFOUND otherwise); without the bond symbol the 60/40 entry is
 * unavailable (with a note), as is naive momentum when no symbol is ever
 * eligible. On MOMO_OK *out is a new result (momo_bench_result_free). */
int momo_benchmark_run(const momo_engine *eng, const momo_params *p,
                       const momo_window *win, const momo_bench_opts *o,
                       momo_bench_result **out, momo_err *err);
void momo_bench_result_free(momo_bench_result *r);

/* 1 when benchmark `kind` was computed; otherwise `note` says why. */
int momo_bench_result_available(const momo_bench_result *r, int kind);
/* A short description ("SPY buy and hold") or why it is unavailable. */
const char *momo_bench_result_label(const momo_bench_result *r, int kind);
const momo_bench_stats *momo_bench_result_stats(const momo_bench_result *r,
                                                int kind);
/* Equity rows of `kind` (the strategy's for MOMO_BENCH_STRATEGY), one
 * per calendar row of the window; NULL with *n = 0 when unavailable. */
const momo_equity_row *momo_bench_result_equity(const momo_bench_result *r,
                                                int kind, size_t *n);
double momo_bench_result_periods_per_year(const momo_bench_result *r);

/* benchmarks.json (keyed by momo_bench_name), the text table, and both
 * plus benchmark_equity.csv (date and one equity column per benchmark)
 * into `dir`. */
int momo_bench_result_write_json(const momo_bench_result *r, FILE *f);
int momo_bench_result_write_text(const momo_bench_result *r, FILE *f);
int momo_bench_result_write(const momo_bench_result *r, const char *dir,
                            momo_err *err);

/*---- Robustness ----*/

/* A named date range (inclusive). */
typedef struct momo_period {
    char name[MOMO_NAME_MAX];
    int32_t from, to;
} momo_period;

/* The built-in periods (bear 2007-10..2009-03, recovery, sideways,
 * volatile 2020, bull 2017-2019); static storage. */
const momo_period *momo_periods_default(size_t *n);

/* Read periods from the YAML file at `path`:
 *
 *   periods:
 *     - name: bear_2008
 *       from: 2007-10-09
 *       to: 2009-03-09
 *
 * On MOMO_OK *out (free with momo_periods_free) holds *n periods;
 * otherwise MOMO_EIO or MOMO_EFORMAT with "file:line: ..." in `err`. */
int momo_periods_load(const char *path, momo_period **out, size_t *n,
                      momo_err *err);
/* The same from `len` bytes of YAML text, named `name` in messages. */
int momo_periods_load_text(const char *text, size_t len, const char *name,
                           momo_period **out, size_t *n, momo_err *err);
void momo_periods_free(momo_period *p);

enum momo_stress_kind {
    MOMO_STRESS_MARKET_MONTH = 0,  /* the market falls 20% over a month */
    MOMO_STRESS_FLASH_CRASH,       /* -10% in a day, recovered in 4 */
    MOMO_STRESS_EXTENDED_DRAWDOWN, /* -35% over six months, no recovery */
    MOMO_STRESS_LOW_VOL_GRIND,     /* six months of quarter-size moves
                                      and a slow drift up */
    MOMO_N_STRESS
};

/* "market_month", "flash_crash", "extended_drawdown", "low_vol_grind". */
const char *momo_stress_name(int kind);

typedef struct momo_stress_opts {
    int kind;            /* enum momo_stress_kind */
    int32_t date;        /* first day of the shock */
    int uniform;         /* 1: every symbol the same shock; 0: scaled by
                            its beta to the market (clamped to
                            [0.25, 2.5]) */
    const char *market;  /* market symbol for betas (NULL: "SPY"); when
                            the dataset lacks it every beta is 1 */
} momo_stress_opts;

/* A copy of `ds` in memory with the shock of `o` applied to every
 * stock, crypto and ETF series from o->date on (bonds and indexes are
 * copied as they are). `ds` is only read. On MOMO_OK *out is a new
 * in-memory dataset (momo_dataset_close). */
int momo_stress_apply(const momo_dataset *ds, const momo_stress_opts *o,
                      momo_dataset **out, momo_err *err);

enum momo_robust_category {
    MOMO_ROBUST_PERIOD = 0,
    MOMO_ROBUST_UNIVERSE,
    MOMO_ROBUST_STRESS,
    MOMO_ROBUST_ASSUMPTION,
    MOMO_N_ROBUST
};

/* "periods", "universes", "stress", "assumptions". */
const char *momo_robust_category_name(int cat);

typedef struct momo_robust_opts {
    const momo_period *periods;   /* NULL: momo_periods_default() */
    size_t n_periods;
    int32_t stress_date;          /* 0: the middle of the window */
    int stress_uniform;           /* see momo_stress_opts */
    const char *market;           /* NULL: regime.market_symbol */
    int threads;                  /* 0: one per core */
    momo_progress_fn progress;    /* tests done, or NULL */
    void *progress_ud;
    const volatile int *interrupt;
} momo_robust_opts;

/* One test: a run with one thing changed, compared with the baseline. */
typedef struct momo_robust_test {
    char name[96];               /* "assumptions.slippage_x2" */
    int category;                /* enum momo_robust_category */
    char what[128];              /* "when slippage doubles" */
    int skipped;                 /* 1: not run; `note` says why */
    char note[256];              /* also: derived size buckets, ... */
    int32_t from, to;            /* its window */
    size_t n_symbols;            /* traded symbols */
    momo_metrics m;              /* NaN when skipped */
    double market_return;        /* periods: the market's buy and hold */
    double value;                /* its part of the score, 0..1 */
} momo_robust_test;

typedef struct momo_robust_result momo_robust_result;   /* opaque */

/* Run the whole suite for `p` over `win` on `eng` (the baseline).
 * Stress tests build in-memory copies of the engine's dataset; the
 * stored dataset is only read. On MOMO_OK *out is a new result. */
int momo_robustness_run(const momo_engine *eng, const momo_params *p,
                        const momo_window *win, const momo_robust_opts *o,
                        momo_robust_result **out, momo_err *err);
void momo_robust_result_free(momo_robust_result *r);

double momo_robust_result_score(const momo_robust_result *r);  /* 0..100 */
/* Score of one category (0..100), NaN when none of its tests ran. */
double momo_robust_result_category_score(const momo_robust_result *r,
                                         int cat);
const momo_metrics *momo_robust_result_baseline(const momo_robust_result *r);
const momo_robust_test *momo_robust_result_tests(const momo_robust_result *r,
                                                 size_t *n);
/* The weaknesses found, in words; strings live as long as `r`. */
const char *const *momo_robust_result_weaknesses(const momo_robust_result *r,
                                                 size_t *n);

/* robustness.json, the text report, and both into `dir`. */
int momo_robust_result_write_json(const momo_robust_result *r, FILE *f);
int momo_robust_result_write_text(const momo_robust_result *r, FILE *f);
int momo_robust_result_write(const momo_robust_result *r, const char *dir,
                             momo_err *err);

/*---- Market regimes ----*/

#define MOMO_REGIME_SLOTS (MOMO_N_REGIMES + 1)  /* the last: undefined */

/* The strategy in one regime. */
typedef struct momo_regime_stats {
    size_t n_days;                /* equity rows whose date is in it */
    double share_days;
    size_t n_trades;              /* by the regime of the entry date */
    double win_rate, avg_return;  /* of those trades (return_pct) */
    double total_pnl;
    double mean_daily_return;     /* of the rows after the first */
    double sharpe;                /* of those daily returns, annualized */
} momo_regime_stats;

typedef struct momo_regime_report {
    momo_regime_stats by[MOMO_REGIME_SLOTS];  /* enum momo_regime, then
                                                 undefined */
    size_t n_days, n_trades;
    double periods_per_year;
    const char *proxy;            /* live as long as the engine */
    const char *vol_source;
} momo_regime_report;

/* Split the run `res` (of `p` on `eng`) by the regime of each day. The
 * trades and days of the slots add up to the run's. */
int momo_regime_analyze(const momo_engine *eng, const momo_result *res,
                        const momo_params *p, momo_regime_report *out,
                        momo_err *err);

/* Slot name: momo_regime_name(k) for k < MOMO_N_REGIMES, "undefined". */
const char *momo_regime_slot_name(int slot);

/* regimes.csv (date,regime,trend,high_vol,breadth for the rows of the
 * run; empty fields where undefined) and regime_performance.json. */
int momo_regime_write_json(const momo_regime_report *rep, FILE *f);
int momo_regime_write_text(const momo_regime_report *rep, FILE *f);
int momo_regime_write(const momo_engine *eng, const momo_result *res,
                      const momo_regime_report *rep, const char *dir,
                      momo_err *err);

/*---- Charts (PNG files, drawn by src/report/analysis_charts.c) ----*/

/* montecarlo_fan.png, montecarlo_final_return.png and
 * montecarlo_max_drawdown.png. */
int momo_mc_write_charts(const momo_mc_result *r, const char *dir,
                         momo_err *err);
/* benchmark_equity.png (log y axis when `log_scale`),
 * benchmark_drawdowns.png, benchmark_risk_return.png and
 * benchmark_rolling_12m.png. */
int momo_bench_write_charts(const momo_bench_result *r, const char *dir,
                            int log_scale, momo_err *err);
/* robustness_sharpe.png: the Sharpe ratio of every test that ran. */
int momo_robust_write_charts(const momo_robust_result *r, const char *dir,
                             momo_err *err);
/* regimes.png: the market proxy over the run's rows, shaded by regime. */
int momo_regime_write_charts(const momo_engine *eng, const momo_result *res,
                             const char *dir, momo_err *err);

#endif

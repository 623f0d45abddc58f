/* include/momo/optimize.h - search the parameters, and say honestly
 * whether what was found holds up out of sample.
 *
 * A parameter space (a YAML file: `grid:` lists, `space:` distributions)
 * becomes a design: the trials to run, either every combination of the
 * grid or a Latin Hypercube sample. A study runs every trial of a design
 * on one engine precompute per distinct value of the precompute
 * parameters, on worker threads, each trial one momo_backtest_eval; it
 * caches every run in SQLite so that a re-run (or a run resumed after a
 * crash) does no work twice, then ranks the trials, scores their
 * robustness, measures each parameter's sensitivity and estimates how
 * much of the best result is overfitting (PBO by CSCV, the Deflated
 * Sharpe Ratio, in- versus out-of-sample degradation). Walk-forward
 * analysis and position sizing build on the same machinery.
 *
 * Methods, formulas and the results.sqlite schema:
 * docs/internals/optimize.md. Results never depend on the number of
 * worker threads or of shards (processes).
 */
#ifndef MOMO_OPTIMIZE_H
#define MOMO_OPTIMIZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "momo/backtest.h"
#include "momo/config.h"
#include "momo/dataset.h"
#include "momo/error.h"
#include "momo/log.h"

/*---- Parameter spaces ----*/

typedef struct momo_space momo_space;     /* opaque */
typedef struct momo_design momo_design;   /* opaque */

/* How one dimension is searched. */
enum momo_dist {
    MOMO_DIST_LIST = 0,      /* grid: exactly these values, in order */
    MOMO_DIST_UNIFORM,       /* uniform on [low, high] */
    MOMO_DIST_LOG_UNIFORM,   /* log-uniform on [low, high], low > 0 */
    MOMO_DIST_INTEGER,       /* integers low..high, equally likely */
    MOMO_DIST_CHOICE         /* one of values[], equally likely */
};

/* One searched parameter. Arrays live as long as their owner (the space
 * or design it came from). */
typedef struct momo_dim {
    const momo_param_info *param;   /* a number, int or bool parameter */
    int dist;                       /* enum momo_dist */
    double low, high;               /* UNIFORM, LOG_UNIFORM, INTEGER */
    const double *values;           /* LIST, CHOICE */
    size_t n_values;
    size_t line;                    /* line in the space file (1-based) */
} momo_dim;

/* Read the space file at `path` (YAML, at most 1 MiB):
 *
 *   grid:                      # every combination (grid search)
 *     scanner.momentum_threshold: [60, 65, 70, 75]
 *     signals:                 # nested maps reach the same names
 *       entry:
 *         rsi_min: [45, 50, 55]
 *   space:                     # distributions (random search)
 *     signals.exit.stop_loss_stock: {type: uniform, low: 0.05, high: 0.12}
 *     risk.risk_per_trade: {type: log-uniform, low: 0.005, high: 0.02}
 *     risk.max_positions: {type: integer, low: 4, high: 12}
 *     signals.exit.max_holding_days: {type: choice, values: [20, 30]}
 *     scanner.momentum_threshold: [60, 70, 80]     # choice, shorter
 *
 * Every name is checked against the parameter registry (with a
 * did-you-mean suggestion) and every value against its bounds. On MOMO_OK
 * *out is a new space (free with momo_space_free); otherwise *out is NULL
 * and `err` reads "file:line: what is wrong" (MOMO_EFORMAT for YAML,
 * MOMO_ENOTFOUND for an unknown name, MOMO_EINVAL for a bad value,
 * MOMO_EIO, MOMO_ENOMEM). */
int momo_space_load(const char *path, momo_space **out, momo_err *err);

/* The same from `len` bytes of text, named `name` in messages. */
int momo_space_load_text(const char *text, size_t len, const char *name,
                         momo_space **out, momo_err *err);

void momo_space_free(momo_space *sp);

/* The `grid:` dimensions, in file order. */
size_t momo_space_n_grid(const momo_space *sp);
const momo_dim *momo_space_grid_dim(const momo_space *sp, size_t i);
/* The `space:` dimensions, in file order. */
size_t momo_space_n_random(const momo_space *sp);
const momo_dim *momo_space_random_dim(const momo_space *sp, size_t i);

/* Number of grid combinations (the product of the list lengths): 0 when
 * the file has no grid, UINT64_MAX when the product overflows. */
uint64_t momo_space_grid_size(const momo_space *sp);

/*---- Designs: the trials of one search ----*/

enum momo_design_kind {
    MOMO_DESIGN_GRID = 0,    /* every combination; the last dimension
                                varies fastest */
    MOMO_DESIGN_RANDOM,      /* Latin Hypercube sample */
    MOMO_DESIGN_LIST         /* explicit value vectors */
};

/* Largest number of trials of one design. */
#define MOMO_MAX_TRIALS ((size_t)20000000)

/* Every combination of the grid of `sp`. MOMO_EINVAL when the space has
 * no grid or more than MOMO_MAX_TRIALS combinations. */
int momo_design_grid(const momo_space *sp, momo_design **out,
                     momo_err *err);

/* `n` Latin Hypercube samples of the `space:` dimensions (or, when the
 * file has none, of the grid lists taken as choices). For each
 * dimension the unit interval is cut into n equal strata, a random
 * permutation assigns one stratum to each sample and a uniform draw
 * places it inside; the draw is mapped through the dimension's
 * distribution. GSL's mt19937 seeded with `seed` makes every draw, on
 * the calling thread, so the samples depend on nothing else. */
int momo_design_random(const momo_space *sp, size_t n, unsigned long seed,
                       momo_design **out, momo_err *err);

/* `n` explicit trials over dims[0..n_dims): values[i * n_dims + j] is
 * trial i's value of dimension j. Copies everything. */
int momo_design_list(const momo_dim *dims, size_t n_dims,
                     const double *values, size_t n, momo_design **out,
                     momo_err *err);

void momo_design_free(momo_design *d);

int momo_design_kind_of(const momo_design *d);   /* enum momo_design_kind */
size_t momo_design_n_trials(const momo_design *d);
size_t momo_design_n_dims(const momo_design *d);
const momo_dim *momo_design_dim(const momo_design *d, size_t j);
/* Trial i's value of dimension j. O(1). */
double momo_design_value(const momo_design *d, size_t i, size_t j);

/*---- Evaluating one parameter set ----*/

typedef struct momo_evaluation {
    momo_params params;                /* base with the trial's values */
    momo_metrics metrics;
    size_t n_trades;
    const momo_equity_row *equity;     /* when asked; lives until the next
                                          run on the workspace */
    size_t n_equity;
} momo_evaluation;

/* One backtest of `base` with dims[j] set to values[j]: parameters,
 * metrics, trade count and, when `want_equity`, the equity curve. An
 * invalid combination (a value out of bounds, rsi_min >= rsi_max, a
 * precompute value the engine was not built for) or a failed run gives
 * no result: MOMO_EINVAL (or the run's code) with the reason in `err`,
 * and a logged warning. Allocates nothing. */
int momo_opt_evaluate(momo_workspace *ws, const momo_params *base,
                      const momo_dim *dims, const double *values,
                      size_t n_dims, const momo_window *win,
                      int want_equity, momo_evaluation *out, momo_err *err);

/*---- Studies: grid and random search ----*/

/* What a study reports after timing its first few evaluations. */
typedef struct momo_opt_estimate {
    size_t n_trials;         /* runs the command plans in all */
    size_t n_cached;         /* of the first phase, found in the cache */
    size_t n_left;           /* left to run (estimated for later phases) */
    int workers;             /* threads x shards */
    double rate;             /* measured backtests per second, all
                                workers together */
    double seconds;          /* n_left / rate */
} momo_opt_estimate;

/* Gather the same-sized contributions of every shard: given this
 * shard's `n` bytes at `mine`, set *all to the concatenation of every
 * shard's bytes in shard order (*n_all bytes, allocated with malloc; the
 * library frees it with free) and return 0, or -1 on failure. Every
 * shard calls it the same number of times (an MPI_Allgatherv). */
typedef int (*momo_exchange_fn)(void *ud, const void *mine, size_t n,
                                void **all, size_t *n_all);

typedef struct momo_opt_opts {
    long metric;             /* momo_metric_find index; -1: sharpe */
    momo_window window;      /* optimization range */
    momo_window validation;  /* out of sample; from = to = 0: none */
    int jobs;                /* worker threads; 0: one per core */
    double min_trades;       /* rank filters; a NaN turns one off */
    double max_drawdown;     /* positive fraction */
    double min_win_rate;
    size_t top;              /* size of top.json */
    size_t subperiods;       /* K sub-periods for robustness (2..16) */
    size_t blocks;           /* S blocks for CSCV (even, 2..32) */
    size_t cscv_max_trials;  /* CSCV subsample size */
    unsigned long seed;      /* CSCV subsample and random designs */
    const char *cache_path;  /* results.sqlite; NULL: no cache */
    /* restrict the traded universe (momo_engine_opts) */
    const char *const *symbols;
    size_t n_symbols;
    /* an engine built for `base` (may be NULL): reused for every trial
     * it accepts instead of a new precompute */
    const momo_engine *engine;
    momo_progress_fn progress;  /* trials done / total, or NULL */
    void *progress_ud;
    void (*on_estimate)(void *ud, const momo_opt_estimate *e);
    void *estimate_ud;
    const volatile int *interrupt;  /* nonzero: stop, save, MOMO_EINTR */
    /* shards (processes): this one evaluates the trials i with
     * i % n_shards == shard and exchanges results through `exchange`;
     * only shard 0 writes the cache */
    size_t shard, n_shards;
    momo_exchange_fn exchange;
    void *exchange_ud;
} momo_opt_opts;

/* Defaults: sharpe, whole data, no validation, all cores, min 20 trades,
 * max drawdown 0.25, min win rate 0.40, top 10, K = 4, S = 16, CSCV on
 * at most 1000 trials, seed 1, no cache, one shard. */
void momo_opt_opts_init(momo_opt_opts *o);

typedef struct momo_opt_result momo_opt_result;   /* opaque */

/* Run every trial of `design` on `base` over o->window (cached runs are
 * read, not run; a trial that fails is recorded with its reason and
 * skipped), then rank, score robustness, evaluate the top N on the
 * validation window, analyse sensitivity and overfitting and re-run the
 * top 5 for their equity curves. Borrows ds, base and design for the
 * call. On MOMO_OK *out is the result (free with momo_opt_result_free).
 * MOMO_EINTR when o->interrupt was raised: what was done is in the
 * cache, and the same call resumes. */
int momo_optimize(const momo_dataset *ds, const momo_params *base,
                  const momo_design *design, const momo_opt_opts *o,
                  momo_opt_result **out, momo_err *err);

void momo_opt_result_free(momo_opt_result *r);

enum momo_trial_state {
    MOMO_TRIAL_PENDING = 0,  /* not run (interrupted, or another shard) */
    MOMO_TRIAL_OK,
    MOMO_TRIAL_FAILED        /* invalid combination or failed run */
};

typedef struct momo_opt_trial {
    int state;               /* enum momo_trial_state */
    const char *status;      /* "ok" or the reason it failed */
    int cached;              /* read from the cache */
    int passed;              /* passed the rank filters */
    size_t rank;             /* 1-based among those that passed; 0 */
    double robustness;       /* 0..1; NaN when not computed */
    momo_metrics metrics;    /* NaN everywhere unless state is OK */
} momo_opt_trial;

const momo_design *momo_opt_design(const momo_opt_result *r);
size_t momo_opt_n_trials(const momo_opt_result *r);
/* Trial i (< n_trials). Strings live as long as `r`. */
void momo_opt_trial_get(const momo_opt_result *r, size_t i,
                        momo_opt_trial *out);
/* Trials that passed the filters, best first: the k-th is a trial
 * index. */
size_t momo_opt_n_ranked(const momo_opt_result *r);
size_t momo_opt_ranked(const momo_opt_result *r, size_t k);
/* The best trial: the first ranked one, or, when none passed the
 * filters, the best valid one (SIZE_MAX when no trial ran). */
size_t momo_opt_best(const momo_opt_result *r);

typedef struct momo_opt_counts {
    size_t tested, ok, failed, cached, passed;
    double seconds;
} momo_opt_counts;
void momo_opt_counts_get(const momo_opt_result *r, momo_opt_counts *out);

/* Overfitting (detect_overfitting). Degradation is (IS - OOS) / |IS|
 * for sharpe and win rate, (OOS - IS) / IS for max drawdown; flagged
 * above 0.30. NaN where not measured. */
typedef struct momo_overfit {
    double score;                 /* 0..100; formula in the docs */
    double pbo;                   /* Probability of Backtest Overfitting */
    double deflated_sharpe;       /* DSR, a probability */
    double expected_max_sharpe;   /* SR0, per period */
    double n_trials;              /* trials behind the DSR */
    double degradation[3];        /* sharpe, max_drawdown, win_rate */
    double is_value[3], oos_value[3];
    int flagged[3];
    int too_many_params, too_few_trades, one_period_only;
    size_t cscv_trials, cscv_combinations;
} momo_overfit;

const momo_overfit *momo_opt_overfit(const momo_opt_result *r);

/* Write results.csv, results.sqlite's trials table (when cached),
 * top.json, sensitivity.json, overfitting.json, equity_top.csv and
 * summary.json into `dir` (created if needed), each file atomically.
 * `mode` names the command ("grid", "random") in summary.json. */
int momo_opt_write(const momo_opt_result *r, const char *dir,
                   const char *mode, momo_err *err);

/* summary.json of the result, to `f`. */
int momo_opt_write_summary(const momo_opt_result *r, const char *mode,
                           FILE *f, momo_err *err);

/*---- Walk-forward ----*/

typedef struct momo_wf_opts {
    size_t n_splits;         /* windows (default 5) */
    double train_frac;       /* training share of a window (0.8) */
    int anchored;            /* training always starts at the range start */
    int random;              /* random search inside each training part;
                                0: grid */
    size_t iterations;       /* random samples per split (100) */
} momo_wf_opts;

void momo_wf_opts_init(momo_wf_opts *o);

typedef struct momo_wf_result momo_wf_result;     /* opaque */

/* Walk-forward analysis of `sp` over o->window: n_splits windows, each
 * searched on its training part and tested on the rest, the test parts
 * tiling the end of the range. Same ownership, caching and interrupt
 * contract as momo_optimize. */
int momo_walk_forward(const momo_dataset *ds, const momo_params *base,
                      const momo_space *sp, const momo_wf_opts *wf,
                      const momo_opt_opts *o, momo_wf_result **out,
                      momo_err *err);

void momo_wf_result_free(momo_wf_result *r);

typedef struct momo_wf_split {
    momo_window train, test;     /* calendar dates, inclusive */
    const double *values;        /* chosen parameters, one per dim */
    double is_metric, oos_metric;
    momo_metrics is, oos;
    double efficiency;           /* oos_metric / is_metric */
    int passed;                  /* the choice passed the filters */
} momo_wf_split;

size_t momo_wf_n_splits(const momo_wf_result *r);
void momo_wf_split_get(const momo_wf_result *r, size_t k,
                       momo_wf_split *out);
size_t momo_wf_n_dims(const momo_wf_result *r);
const momo_dim *momo_wf_dim(const momo_wf_result *r, size_t j);
/* Mean OOS metric over mean IS metric. */
double momo_wf_efficiency(const momo_wf_result *r);
/* The stitched out-of-sample equity curve. */
const momo_equity_row *momo_wf_equity(const momo_wf_result *r, size_t *n);
/* Metrics of the stitched curve (equity-curve metrics only). */
const momo_metrics *momo_wf_oos_metrics(const momo_wf_result *r);
/* The recommendation: the split winner with the best mean OOS metric
 * over every test window (values, one per dim), and that mean. */
const double *momo_wf_recommended(const momo_wf_result *r, double *mean);
const momo_overfit *momo_wf_overfit(const momo_wf_result *r);

/* walk_forward.csv, walk_forward_equity.csv, overfitting.json and
 * summary.json into `dir`. */
int momo_wf_write(const momo_wf_result *r, const char *dir, momo_err *err);
int momo_wf_write_summary(const momo_wf_result *r, FILE *f, momo_err *err);

/*---- Position sizing ----*/

typedef struct momo_sizing_result momo_sizing_result;   /* opaque */

/* Backtest `base` over o->window with risk.risk_per_trade at each of
 * risks[0..n) (NULL: 0.5%, 0.75%, 1%, 1.25%, 1.5%, 2%), find the
 * return-versus-drawdown efficient frontier and recommend the frontier
 * point with the highest CAGR whose max drawdown is at most
 * `max_drawdown`. */
int momo_optimize_sizing(const momo_dataset *ds, const momo_params *base,
                         const double *risks, size_t n, double max_drawdown,
                         const momo_opt_opts *o, momo_sizing_result **out,
                         momo_err *err);
void momo_sizing_result_free(momo_sizing_result *r);

typedef struct momo_sizing_point {
    double risk_per_trade;
    int ok;                      /* the run succeeded */
    momo_metrics metrics;
    int frontier;                /* not dominated in (CAGR up, DD down) */
} momo_sizing_point;

size_t momo_sizing_n_points(const momo_sizing_result *r);
void momo_sizing_point_get(const momo_sizing_result *r, size_t i,
                           momo_sizing_point *out);
/* Index of the recommended point; SIZE_MAX when no run succeeded.
 * *within is 1 when it respects the drawdown tolerance. */
size_t momo_sizing_recommended(const momo_sizing_result *r, int *within);

/* sizing.json and summary.json into `dir`. */
int momo_sizing_write(const momo_sizing_result *r, const char *dir,
                      momo_err *err);
int momo_sizing_write_summary(const momo_sizing_result *r, FILE *f,
                              momo_err *err);

#endif

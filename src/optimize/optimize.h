/* src/optimize/optimize.h - the optimizer's statistics, as other modules
 * (and tests) may call them: the Deflated Sharpe Ratio, the Probability
 * of Backtest Overfitting by CSCV, sensitivity levels and the
 * walk-forward layout. Methods: docs/internals/optimize.md. */
#ifndef MOMO_OPTIMIZE_MODULE_H
#define MOMO_OPTIMIZE_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "momo/optimize.h"

/*---- Deflated Sharpe Ratio (Bailey & Lopez de Prado, 2014) ----*/

struct opt_dsr {
    double sr0;        /* expected maximum Sharpe of n_trials, per period */
    double dsr;        /* P(true SR > sr0), a probability */
};

/* `sr` is the selected trial's per-period (not annualized) Sharpe
 * ratio, `t` its number of returns, `skew` and `kurt` (non-excess, 3
 * for a normal) their moments, `var_sr` the variance of the per-period
 * Sharpe ratios across trials and `n_trials` their number. NaN results
 * when the inputs do not define them (n_trials < 2, t < 2). */
void opt_dsr(double sr, double t, double skew, double kurt, double var_sr,
             double n_trials, struct opt_dsr *out);

/* Skewness and (non-excess) kurtosis of r[0..n), population moments. */
void opt_moments(const double *r, size_t n, double *skew, double *kurt);

/*---- Probability of Backtest Overfitting by CSCV ----*/

/* Trial i's returns are summarized per block b (S blocks of consecutive
 * returns) by blk[(i * S + b) * 2 + 0] = sum of returns and [+1] = sum
 * of squared returns; len[b] is the number of returns in block b (the
 * same for every trial). For every choice of S/2 blocks as the training
 * set (C(S, S/2) of them), the trial with the best training Sharpe is
 * ranked among all trials by its Sharpe on the other blocks: omega =
 * rank / (n + 1) (average ranks for ties), logit = ln(omega / (1 -
 * omega)). PBO is the share of combinations with logit <= 0. `logits`
 * (may be NULL) receives one logit per combination, in increasing order
 * of the training set's bitmask (bit b: block b). `threads` as
 * core_parallel_for. MOMO_EINVAL when S is odd, < 2 or > 20, or n < 2;
 * MOMO_ENOMEM. */
int opt_pbo(const double *blk, const size_t *len, size_t n, size_t S,
            int threads, double *pbo, double *logits, size_t *n_comb,
            momo_err *err);

/* C(n, k), or 0 when it does not fit in size_t. */
size_t opt_binomial(size_t n, size_t k);

/*---- Sensitivity ----*/

struct opt_level {
    double value;          /* the value (discrete) or the bin's mean */
    double lo, hi;         /* bin bounds; lo = hi = value when discrete */
    size_t n;
    double mean, median, spread, min, max;    /* spread: std, ddof 1 */
};

struct opt_sens_dim {
    size_t dim;
    struct opt_level *levels;
    size_t n_levels;
    double importance;     /* main-effect share of the variance, 0..1 */
    double effect;         /* (max - min) of the level means / sd */
    int fragile;           /* effect > OPT_FRAGILE */
};

#define OPT_FRAGILE 0.5
#define OPT_MAX_BINS 5       /* continuous dimensions: quantile bins */
#define OPT_MAX_LEVELS 20    /* more distinct values than this: bins */

struct opt_sensitivity {
    struct opt_sens_dim *dims;     /* one per design dimension */
    size_t n_dims;
    size_t *order;                 /* dims by importance, descending */
    double sd;                     /* of the metric over valid trials */
    size_t n;                      /* valid trials used */
};

/* Analyse metric values y[0..n_trials) (NaN: skip) of `d`. */
int opt_sensitivity_compute(const momo_design *d, const double *y,
                            struct opt_sensitivity *out, momo_err *err);
void opt_sensitivity_release(struct opt_sensitivity *s);

/*---- Walk-forward layout ----*/

struct opt_wf_window {
    size_t train0, train1, test0, test1;   /* calendar indices, inclusive */
};

/* Lay out `n_splits` windows over calendar rows [d0, d1]: test parts of
 * T = floor(D (1 - f) / (f + n (1 - f))) rows tile the end of the
 * range; the first training part has the remaining L = D - n T rows;
 * rolling windows slide by T, anchored ones all start at d0. MOMO_EINVAL
 * when a part would be shorter than 2 rows. */
int opt_wf_layout(size_t d0, size_t d1, size_t n_splits, double train_frac,
                  int anchored, struct opt_wf_window *out, momo_err *err);

#endif

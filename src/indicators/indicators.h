/* src/indicators/indicators.h - indicator kernels (STRATEGY.md section 2).
 *
 * Batch kernels read x[0..len) and write out[0..len): out[t] is day t and
 * reads x[0..t] only; NaN means undefined (the window is not full yet).
 * They never allocate. Step forms advance one bar at a time for paper
 * trading and give the same numbers as the batch kernels, bit for bit.
 * The arithmetic (running sums, order of operations) is the one
 * docs/methods.md spells out.
 */
#ifndef MOMO_INDICATORS_H
#define MOMO_INDICATORS_H

#include <stddef.h>

/* Simple moving average over `n` bars: running sum. NaN for t < n-1. */
void ind_sma(const double *x, size_t len, int n, double *out);

/* Wilder's RSI(n). NaN for t < n. */
void ind_rsi(const double *close, size_t len, int n, double *out);

/* Rate of change close[t] / close[t-k] - 1. NaN for t < k. */
void ind_roc(const double *close, size_t len, int k, double *out);

/* Mean dollar volume close x volume over `n` bars. NaN for t < n-1.
 * `tmp` is scratch of len doubles. */
void ind_adv(const double *close, const double *volume, size_t len, int n,
             double *tmp, double *out);

/*---- Step forms ----*/

struct ind_rsi_state {
    int n;
    size_t count;          /* bars seen */
    double prev, gain, loss;
};
void ind_rsi_init(struct ind_rsi_state *s, int n);
/* Feed the next close; returns the RSI of that bar (NaN until defined). */
double ind_rsi_step(struct ind_rsi_state *s, double close);

/* Running-sum SMA over a ring the caller provides (n doubles). */
struct ind_sma_state {
    int n;
    size_t count;
    double sum;
    double *ring;
};
void ind_sma_init(struct ind_sma_state *s, int n, double *ring);
double ind_sma_step(struct ind_sma_state *s, double x);

/* RSI from average gain and loss (STRATEGY.md 11.7). */
static inline double ind_rsi_value(double gain, double loss)
{
    if (loss == 0.0)
        return gain == 0.0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + gain / loss);
}

#endif

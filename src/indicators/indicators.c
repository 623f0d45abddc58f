/* indicators.c - SMA, RSI, ROC and ADV kernels, batch and step forms.
 *
 * In:  one symbol's back-adjusted closes and volumes, by bar index.
 * Out: arrays aligned with the input, NaN until the window is full.
 *
 * The running sums are the method docs/methods.md fixes: the first
 * window is summed left to right, then each bar adds the new value and
 * subtracts the one that left, in that order. Batch and step forms share
 * this arithmetic, so paper trading sees the numbers a backtest saw.
 */
#include <math.h>

#include "core/core.h"
#include "indicators/indicators.h"

void ind_sma(const double *x, size_t len, int n, double *out)
{
    double sum = 0.0;

    MOMO_ASSERT(n >= 1);
    for (size_t t = 0; t < len; t++) {
        if (t < (size_t)n) {
            sum += x[t];
        } else {
            sum = sum + x[t];
            sum = sum - x[t - (size_t)n];
        }
        out[t] = t + 1 < (size_t)n ? NAN : sum / n;
    }
}

void ind_rsi(const double *close, size_t len, int n, double *out)
{
    double gain = 0.0, loss = 0.0;

    MOMO_ASSERT(n >= 2);
    for (size_t t = 0; t < len; t++) {
        double d = t ? close[t] - close[t - 1] : 0.0;
        double up = d > 0 ? d : 0.0, down = d < 0 ? -d : 0.0;

        if (t == 0) {
            out[t] = NAN;
            continue;
        }
        if (t <= (size_t)n) {           /* seed: sum of the first n */
            gain += up;
            loss += down;
            if (t == (size_t)n) {
                gain /= n;
                loss /= n;
            }
        } else {                        /* Wilder smoothing */
            gain = (gain * (n - 1) + up) / n;
            loss = (loss * (n - 1) + down) / n;
        }
        out[t] = t < (size_t)n ? NAN : ind_rsi_value(gain, loss);
    }
}

void ind_roc(const double *close, size_t len, int k, double *out)
{
    MOMO_ASSERT(k >= 1);
    for (size_t t = 0; t < len; t++)
        out[t] = t < (size_t)k ? NAN : close[t] / close[t - (size_t)k] - 1.0;
}

void ind_adv(const double *close, const double *volume, size_t len, int n,
             double *tmp, double *out)
{
    for (size_t t = 0; t < len; t++)
        tmp[t] = close[t] * volume[t];
    ind_sma(tmp, len, n, out);
}

void ind_rsi_init(struct ind_rsi_state *s, int n)
{
    s->n = n;
    s->count = 0;
    s->prev = 0.0;
    s->gain = 0.0;
    s->loss = 0.0;
}

double ind_rsi_step(struct ind_rsi_state *s, double close)
{
    size_t t = s->count++;
    int n = s->n;
    double d, up, down;

    if (t == 0) {
        s->prev = close;
        return NAN;
    }
    d = close - s->prev;
    s->prev = close;
    up = d > 0 ? d : 0.0;
    down = d < 0 ? -d : 0.0;
    if (t <= (size_t)n) {
        s->gain += up;
        s->loss += down;
        if (t == (size_t)n) {
            s->gain /= n;
            s->loss /= n;
        }
    } else {
        s->gain = (s->gain * (n - 1) + up) / n;
        s->loss = (s->loss * (n - 1) + down) / n;
    }
    return t < (size_t)n ? NAN : ind_rsi_value(s->gain, s->loss);
}

void ind_sma_init(struct ind_sma_state *s, int n, double *ring)
{
    s->n = n;
    s->count = 0;
    s->sum = 0.0;
    s->ring = ring;
}

double ind_sma_step(struct ind_sma_state *s, double x)
{
    size_t t = s->count++, n = (size_t)s->n;

    if (t < n) {
        s->sum += x;
    } else {
        s->sum = s->sum + x;
        s->sum = s->sum - s->ring[t % n];
    }
    s->ring[t % n] = x;
    return t + 1 < n ? NAN : s->sum / s->n;
}

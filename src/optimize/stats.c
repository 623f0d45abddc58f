/* stats.c - how much of a best backtest is selection: the Deflated
 * Sharpe Ratio and the Probability of Backtest Overfitting.
 *
 * In:  the selected trial's Sharpe ratio and return moments with the
 *      spread of every trial's Sharpe ratio (DSR); per-trial block sums
 *      of daily returns (PBO).
 * Out: probabilities. GSL gives the normal quantile and CDF and the
 *      moments.
 *
 * DSR (Bailey & Lopez de Prado, 2014): under N trials whose Sharpe
 * ratios have variance V, the expected maximum is
 *   SR0 = sqrt(V) ((1 - g) Z^-1(1 - 1/N) + g Z^-1(1 - 1/(N e))),
 * g the Euler-Mascheroni constant, and
 *   DSR = Z((SR - SR0) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1)/4 SR^2)).
 *
 * PBO by combinatorially symmetric cross-validation (Bailey, Borwein,
 * Lopez de Prado & Zhu, 2015): the returns are cut into S blocks; each
 * half of the blocks in turn is the training set, the other half the
 * test set. Storing per trial and block the sum of returns and of their
 * squares lets the Sharpe ratio of any union of blocks be computed
 * exactly, with no second pass over the curves.
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "optimize/optimize_int.h"

#define EULER_GAMMA 0.57721566490153286

void opt_dsr(double sr, double t, double skew, double kurt, double var_sr,
             double n_trials, struct opt_dsr *out)
{
    double z1, z2, den;

    out->sr0 = NAN;
    out->dsr = NAN;
    if (!(n_trials >= 2) || !(t >= 2) || !isfinite(sr) || !(var_sr >= 0) ||
        !isfinite(skew) || !isfinite(kurt))
        return;
    z1 = gsl_cdf_ugaussian_Pinv(1.0 - 1.0 / n_trials);
    z2 = gsl_cdf_ugaussian_Pinv(1.0 - 1.0 / (n_trials * M_E));
    out->sr0 = sqrt(var_sr) * ((1.0 - EULER_GAMMA) * z1 + EULER_GAMMA * z2);
    den = 1.0 - skew * sr + (kurt - 1.0) / 4.0 * sr * sr;
    if (!(den > 0))
        return;
    out->dsr = gsl_cdf_ugaussian_P((sr - out->sr0) * sqrt(t - 1.0) /
                                   sqrt(den));
}

void opt_moments(const double *r, size_t n, double *skew, double *kurt)
{
    if (n < 3) {
        *skew = NAN;
        *kurt = NAN;
        return;
    }
    *skew = gsl_stats_skew(r, 1, n);
    *kurt = gsl_stats_kurtosis(r, 1, n) + 3.0;    /* GSL's is excess */
}

size_t opt_binomial(size_t n, size_t k)
{
    size_t c = 1;

    if (k > n)
        return 0;
    if (k > n - k)
        k = n - k;
    for (size_t i = 1; i <= k; i++) {
        size_t num = n - k + i;

        /* c * num / i stays exact: c * num is divisible by i */
        if (c > SIZE_MAX / num)
            return 0;
        c = c * num / i;
    }
    return c;
}

struct cscv {
    const double *blk;
    const size_t *len;
    const double *tot;         /* per trial: sum, sum of squares */
    size_t n, S, n_len, nc, n_chunks;
    const uint32_t *masks;
    double *logit;
    uint8_t *failed;           /* per chunk */
};

static double sharpe_of(double s, double s2, double cnt)
{
    double mean, var;

    if (cnt < 2)
        return 0;
    mean = s / cnt;
    var = (s2 - s * mean) / (cnt - 1);
    return var > 0 ? mean / sqrt(var) : 0;
}

/* Combinations [lo, hi) of one chunk: per combination, every trial's
 * training and test Sharpe ratios (the test sums are the totals minus
 * the training sums), the training winner, its test rank. */
static void one_chunk(void *ctx, size_t ch)
{
    const struct cscv *c = ctx;
    size_t lo = ch * c->nc / c->n_chunks, hi = (ch + 1) * c->nc / c->n_chunks;
    size_t half = c->S / 2, stride = c->S * 2;
    double *test = core_malloc((c->n ? c->n : 1) * sizeof(*test));

    if (!test) {
        c->failed[ch] = 1;
        return;
    }
    for (size_t ci = lo; ci < hi; ci++) {
        uint32_t mask = c->masks[ci];
        size_t idx[OPT_MAX_BLOCKS / 2], k = 0, star = 0;
        double n_in = 0, n_out, best = -INFINITY, x, less = 0, equal = 0;
        double omega;

        for (size_t b = 0; b < c->S; b++)
            if (mask & (1u << b)) {
                idx[k++] = 2 * b;
                n_in += (double)c->len[b];
            }
        n_out = (double)c->n_len - n_in;
        for (size_t i = 0; i < c->n; i++) {
            const double *bl = c->blk + i * stride;
            double s = 0, s2 = 0, sr;

            for (size_t q = 0; q < half; q++) {
                s += bl[idx[q]];
                s2 += bl[idx[q] + 1];
            }
            sr = sharpe_of(s, s2, n_in);
            if (sr > best) {
                best = sr;
                star = i;
            }
            test[i] = sharpe_of(c->tot[2 * i] - s, c->tot[2 * i + 1] - s2,
                                n_out);
        }
        x = test[star];
        for (size_t i = 0; i < c->n; i++) {
            less += test[i] < x;
            equal += test[i] == x;   /* counts the selected trial itself */
        }
        /* average rank among ties, 1 = worst; omega in (0, 1) */
        omega = (less + (equal + 1.0) / 2.0) / ((double)c->n + 1.0);
        c->logit[ci] = log(omega / (1.0 - omega));
    }
    core_free(test);
}

static int popcount32(uint32_t v)
{
    int k = 0;

    for (; v; v &= v - 1)
        k++;
    return k;
}

int opt_pbo(const double *blk, const size_t *len, size_t n, size_t S,
            int threads, double *pbo, double *logits, size_t *n_comb,
            momo_err *err)
{
    struct cscv c;
    double *tot = NULL, *lg = NULL;
    uint32_t *masks = NULL;
    uint8_t *failed = NULL;
    size_t nc, k = 0, below = 0;
    int rc = MOMO_OK;

    *pbo = NAN;
    if (n_comb)
        *n_comb = 0;
    if (S < 2 || S % 2 || S > OPT_MAX_BLOCKS || n < 2)
        return momo_err_set(err, MOMO_EINVAL, "CSCV needs an even number "
                            "of blocks (2..%d) and two trials or more",
                            OPT_MAX_BLOCKS);
    if (threads <= 0)
        threads = core_ncpu();
    memset(&c, 0, sizeof(c));
    nc = opt_binomial(S, S / 2);
    c.n_chunks = (size_t)threads * 4 < nc ? (size_t)threads * 4 : nc;
    tot = core_calloc(n * 2, sizeof(*tot));
    masks = core_malloc(nc * sizeof(*masks));
    failed = core_calloc(c.n_chunks, 1);
    lg = logits ? logits : core_malloc(nc * sizeof(*lg));
    if (!tot || !masks || !failed || !lg) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (uint32_t m = 0; m < (1u << S) && k < nc; m++)
        if (popcount32(m) == (int)(S / 2))
            masks[k++] = m;
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < S; b++) {
            tot[2 * i] += blk[(i * S + b) * 2];
            tot[2 * i + 1] += blk[(i * S + b) * 2 + 1];
        }
    for (size_t b = 0; b < S; b++)
        c.n_len += len[b];
    c.blk = blk;
    c.len = len;
    c.tot = tot;
    c.n = n;
    c.S = S;
    c.nc = nc;
    c.masks = masks;
    c.logit = lg;
    c.failed = failed;
    core_parallel_for(c.n_chunks, threads, one_chunk, &c);
    for (size_t ch = 0; ch < c.n_chunks; ch++)
        if (failed[ch]) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            goto out;
        }
    for (size_t ci = 0; ci < nc; ci++)
        below += lg[ci] <= 0;
    *pbo = (double)below / (double)nc;
    if (n_comb)
        *n_comb = nc;
out:
    core_free(tot);
    core_free(masks);
    core_free(failed);
    if (lg != logits)
        core_free(lg);
    return rc;
}

/*---- Walk-forward layout ----*/

int opt_wf_layout(size_t d0, size_t d1, size_t n_splits, double train_frac,
                  int anchored, struct opt_wf_window *out, momo_err *err)
{
    size_t D = d1 >= d0 ? d1 - d0 + 1 : 0, T, L;
    double f = train_frac;

    if (n_splits < 1 || !(f > 0 && f < 1))
        return momo_err_set(err, MOMO_EINVAL, "walk-forward needs at least "
                            "one split and a training fraction strictly "
                            "between 0 and 1");
    T = (size_t)floor((double)D * (1.0 - f) /
                      (f + (double)n_splits * (1.0 - f)));
    L = T * n_splits <= D ? D - T * n_splits : 0;
    if (T < 2 || L < 2)
        return momo_err_set(err, MOMO_EINVAL, "%zu calendar days are too "
                            "few for %zu walk-forward splits (training "
                            "%zu, test %zu days each)", D, n_splits, L, T);
    for (size_t k = 0; k < n_splits; k++) {
        out[k].train0 = anchored ? d0 : d0 + k * T;
        out[k].train1 = d0 + k * T + L - 1;
        out[k].test0 = out[k].train1 + 1;
        out[k].test1 = out[k].test0 + T - 1;
    }
    return MOMO_OK;
}

/* regime.c - the market regime of each calendar day (STRATEGY.md 9).
 *
 * In:  the market proxy (the `index` or `etf` symbol regime.market_symbol,
 *      else an equal-weight index of the traded universe), the volatility
 *      index regime.vix_symbol when loaded, and the breadth per day that
 *      the ranking pass measured.
 * Out: eng->regimes[d] for every calendar day d, from bars dated <= d.
 *
 * trend    = SMA(sma_fast) > SMA(sma_slow) of the proxy;
 * high vol = VIX close > regime.vix_high, or without VIX the proxy's
 *            vol_window-bar annualized volatility (sample deviation of
 *            daily returns x sqrt(252)) above its median over the last
 *            vol_median_window values;
 * regime   = trend & high vol: high-vol trending; trend & low vol:
 *            low-vol trending; no trend & high vol: high-vol
 *            mean-reverting; no trend & low vol: low-vol sideways.
 * A day whose inputs are not yet defined has regime -1 (no scaling).
 * On a calendar day without a proxy bar the proxy's last bar counts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine.h"
#include "indicators/indicators.h"

static const char *const regime_names[MOMO_N_REGIMES] = {
    "high_vol_trending", "low_vol_trending", "high_vol_mean_reverting",
    "low_vol_sideways"
};

const char *momo_regime_name(int regime)
{
    if (regime < 0 || regime >= MOMO_N_REGIMES)
        return "undefined";
    return regime_names[regime];
}

const momo_regime_day *momo_engine_regimes(const momo_engine *eng,
                                           size_t *n)
{
    *n = eng->n_days;
    return eng->regimes;
}

const char *momo_engine_regime_proxy(const momo_engine *eng)
{
    return eng->regime_proxy;
}

const char *momo_engine_regime_vol_source(const momo_engine *eng)
{
    return eng->regime_vol;
}

/* Insert x into the sorted window w[0..n), keeping it sorted. */
static void window_insert(double *w, size_t n, double x)
{
    size_t i = n;

    while (i > 0 && w[i - 1] > x) {
        w[i] = w[i - 1];
        i--;
    }
    w[i] = x;
}

/* Remove one element equal to x from the sorted window w[0..n). */
static void window_remove(double *w, size_t n, double x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {                 /* first element >= x */
        size_t mid = lo + (hi - lo) / 2;

        if (w[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    MOMO_ASSERT(lo < n && w[lo] == x);
    memmove(w + lo, w + lo + 1, (n - lo - 1) * sizeof(double));
}

/* Realized annualized volatility over `w` returns, and whether it is
 * above its median over the last `mw` values (a sorted sliding window);
 * -1 while undefined. */
static void realized_high_vol(const double *px, size_t n, int w, int mw,
                              double *vol, int8_t *high, double *win)
{
    size_t in_win = 0;

    for (size_t t = 0; t < n; t++) {
        double sum = 0, sq = 0, mean;

        vol[t] = NAN;
        high[t] = -1;
        if (t < (size_t)w)
            continue;
        for (size_t k = t + 1 - (size_t)w; k <= t; k++)
            sum += px[k] / px[k - 1] - 1.0;
        mean = sum / w;
        for (size_t k = t + 1 - (size_t)w; k <= t; k++) {
            double r = px[k] / px[k - 1] - 1.0;

            sq += (r - mean) * (r - mean);
        }
        vol[t] = sqrt(sq / (w - 1)) * sqrt(252.0);
        /* the window holds vol[t - mw + 1 .. t] */
        if (in_win == (size_t)mw)
            window_remove(win, in_win--, vol[t - (size_t)mw]);
        window_insert(win, in_win++, vol[t]);
        if (in_win == (size_t)mw) {
            double med = in_win % 2 ? win[in_win / 2]
                                    : (win[in_win / 2 - 1] +
                                       win[in_win / 2]) / 2.0;

            high[t] = vol[t] > med;
        }
    }
}

/* Index of the proxy symbol in the dataset, or -1. */
static long find_proxy(const struct momo_engine *eng, const char *name)
{
    long k;
    int cls;

    if (!name[0])
        return -1;
    k = momo_dataset_find(eng->ds, name);
    if (k < 0 || momo_dataset_symbol(eng->ds, (size_t)k)->n_bars < 2)
        return -1;
    cls = momo_dataset_symbol(eng->ds, (size_t)k)->asset_class;
    return cls == MOMO_INDEX || cls == MOMO_ETF ? k : -1;
}

/* An equal-weight index over calendar days: each day the mean of the
 * one-bar returns of the traded symbols with a bar that day. */
static void equal_weight_index(const struct momo_engine *eng, double *level,
                               double *sum, double *cnt)
{
    for (size_t d = 0; d < eng->n_days; d++)
        sum[d] = cnt[d] = 0;
    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;
        size_t d = 0;

        for (size_t t = 1; t < s->n; t++) {
            while (eng->days[d] < s->date[t])
                d++;
            sum[d] += s->close[t] / s->close[t - 1] - 1.0;
            cnt[d] += 1;
        }
    }
    for (size_t d = 0; d < eng->n_days; d++)
        level[d] = (d ? level[d - 1] : 100.0) *
                   (1.0 + (cnt[d] > 0 ? sum[d] / cnt[d] : 0.0));
}

int eng_regimes(struct momo_engine *eng, const momo_params *p,
                const double *breadth, momo_err *err)
{
    long proxy = find_proxy(eng, p->market_symbol), vix;
    const int32_t *pdate = eng->days;
    const double *pclose;
    double *own = NULL, *fast = NULL, *slow = NULL, *vol = NULL;
    double *scratch = NULL, *tmp1 = NULL, *tmp2 = NULL;
    int8_t *high = NULL;
    size_t pn = eng->n_days, k = 0, kv = 0;
    momo_series ps, vs;
    int rc = MOMO_OK;

    eng->regimes = core_calloc(eng->n_days, sizeof(*eng->regimes));
    if (!eng->regimes)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (proxy >= 0) {
        momo_dataset_series(eng->ds, (size_t)proxy, &ps);
        pdate = ps.date;
        pclose = ps.close;
        pn = ps.n;
        snprintf(eng->regime_proxy, sizeof(eng->regime_proxy), "%s",
                 p->market_symbol);
    } else {
        own = core_malloc(pn * sizeof(double));
        tmp1 = core_malloc(pn * sizeof(double));
        tmp2 = core_malloc(pn * sizeof(double));
        if (!own || !tmp1 || !tmp2)
            goto nomem;
        equal_weight_index(eng, own, tmp1, tmp2);
        pclose = own;
        snprintf(eng->regime_proxy, sizeof(eng->regime_proxy),
                 "equal-weight index");
    }
    fast = core_malloc(pn * sizeof(double));
    slow = core_malloc(pn * sizeof(double));
    vol = core_malloc(pn * sizeof(double));
    high = core_malloc(pn);
    scratch = core_malloc(((size_t)p->vol_median_window + 1) *
                          sizeof(double));
    if (!fast || !slow || !vol || !high || !scratch)
        goto nomem;
    ind_sma(pclose, pn, p->sma_fast, fast);
    ind_sma(pclose, pn, p->sma_slow, slow);
    vix = p->vix_symbol[0] ? momo_dataset_find(eng->ds, p->vix_symbol) : -1;
    if (vix >= 0 && momo_dataset_symbol(eng->ds, (size_t)vix)->n_bars > 0) {
        momo_dataset_series(eng->ds, (size_t)vix, &vs);
        snprintf(eng->regime_vol, sizeof(eng->regime_vol), "%s > %g",
                 p->vix_symbol, p->vix_high);
    } else {
        vix = -1;
        realized_high_vol(pclose, pn, p->vol_window, p->vol_median_window,
                          vol, high, scratch);
        snprintf(eng->regime_vol, sizeof(eng->regime_vol),
                 "realized volatility above its median");
    }
    for (size_t d = 0; d < eng->n_days; d++) {
        momo_regime_day *r = &eng->regimes[d];
        int32_t day = eng->days[d];

        r->date = day;
        r->breadth = breadth[d];
        r->trend = -1;
        r->high_vol = -1;
        r->regime = -1;
        r->proxy = NAN;
        r->vol = NAN;
        while (k < pn && pdate[k] <= day)    /* proxy bars up to today */
            k++;
        if (k > 0) {
            size_t t = k - 1;

            r->proxy = pclose[t];
            if (!isnan(slow[t]))
                r->trend = fast[t] > slow[t];
            if (vix < 0) {
                r->vol = vol[t];
                r->high_vol = high[t];
            }
        }
        if (vix >= 0) {
            while (kv < vs.n && vs.date[kv] <= day)
                kv++;
            if (kv > 0) {
                r->vol = vs.close[kv - 1];
                r->high_vol = vs.close[kv - 1] > p->vix_high;
            }
        }
        if (r->trend >= 0 && r->high_vol >= 0)
            r->regime = r->trend
                ? (r->high_vol ? MOMO_REGIME_HIGH_VOL_TRENDING
                               : MOMO_REGIME_LOW_VOL_TRENDING)
                : (r->high_vol ? MOMO_REGIME_HIGH_VOL_MEAN_REVERTING
                               : MOMO_REGIME_LOW_VOL_SIDEWAYS);
    }
    goto out;
nomem:
    rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
out:
    core_free(own);
    core_free(tmp1);
    core_free(tmp2);
    core_free(fast);
    core_free(slow);
    core_free(vol);
    core_free(high);
    core_free(scratch);
    return rc;
}

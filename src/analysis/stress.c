/* stress.c - inject a market shock into an in-memory copy of a dataset.
 *
 * In:  a dataset (only read: a stored file stays byte for byte as it
 *      was), a scenario and the date its shock starts.
 * Out: a new in-memory dataset, every stock, crypto and ETF series
 *      multiplied from that date on by the scenario's factor path, bonds
 *      and indexes copied as they are.
 *
 * Each symbol's shock is scaled by its beta to the market symbol
 * (daily log returns over the year before the shock, clamped to
 * [BETA_MIN, BETA_MAX]; 1 for the market itself, or for everyone
 * without a market symbol or with `uniform`). Scenarios, with k the bar
 * index from the first bar dated on or after the shock date:
 *
 *   market_month       f_k = (1 - 0.20 b)^(min(k+1, 21) / 21)
 *   flash_crash        bar 0 opens untouched and closes at (1 - 0.10 b);
 *                      f_k = 1 - 0.10 b (4 - k) / 4 for k = 1..4, then 1
 *   extended_drawdown  f_k = (1 - 0.35 b)^(min(k+1, 126) / 126)
 *   low_vol_grind      for 126 bars each close-to-close log return is
 *                      a quarter of the original plus 0.0003 b, and the
 *                      bar's range shrinks to a quarter around its close;
 *                      later bars keep the level reached
 *
 * Volumes are unchanged. See docs/internals/analysis.md.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "analysis/analysis.h"
#include "core/core.h"

#define BETA_MIN      0.25
#define BETA_MAX      2.5
#define BETA_BARS     252      /* market bars before the shock */
#define BETA_MIN_OBS  60
#define MONTH_BARS    21
#define LONG_BARS     126
#define GRIND_DAMP    0.25
#define GRIND_DRIFT   0.0003

static const char *const stress_names[MOMO_N_STRESS] = {
    "market_month", "flash_crash", "extended_drawdown", "low_vol_grind"
};

const char *momo_stress_name(int kind)
{
    if (kind < 0 || kind >= MOMO_N_STRESS)
        return NULL;
    return stress_names[kind];
}

/* Index of the first bar dated >= date (s->n when none). */
static size_t first_on_or_after(const momo_series *s, int32_t date)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->date[mid] < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Close of the market on exactly `date`, or NaN. */
static double close_on(const momo_series *m, int32_t date)
{
    size_t k = first_on_or_after(m, date);

    return k < m->n && m->date[k] == date ? m->close[k] : NAN;
}

/* Beta of `s` to `m` from daily log returns over the BETA_BARS market
 * bars before `date`; x and y hold scratch room for s->n values. */
static double beta_of(const momo_series *s, const momo_series *m,
                      int32_t date, double *x, double *y)
{
    size_t km = first_on_or_after(m, date), k0, n = 0;
    int32_t start;
    double var, b;

    if (km < 2)
        return 1.0;
    start = m->date[km > BETA_BARS ? km - BETA_BARS : 0];
    k0 = first_on_or_after(s, start);
    for (size_t t = k0 + 1; t < s->n && s->date[t] < date; t++) {
        double m0 = close_on(m, s->date[t - 1]), m1 = close_on(m, s->date[t]);

        if (!isfinite(m0) || !isfinite(m1))
            continue;
        x[n] = log(m1 / m0);
        y[n] = log(s->close[t] / s->close[t - 1]);
        n++;
    }
    if (n < BETA_MIN_OBS)
        return 1.0;
    var = gsl_stats_variance(x, 1, n);
    if (!(var > 0))
        return 1.0;
    b = gsl_stats_covariance(x, 1, y, 1, n) / var;
    return b < BETA_MIN ? BETA_MIN : b > BETA_MAX ? BETA_MAX : b;
}

/* Apply the scenario to bars k0.. of the copy (o, h, l, c arrays). */
static void shock(int kind, double b, size_t k0, size_t n, double *op,
                  double *hi, double *lo, double *cl)
{
    if (kind == MOMO_STRESS_MARKET_MONTH ||
        kind == MOMO_STRESS_EXTENDED_DRAWDOWN) {
        double depth = kind == MOMO_STRESS_MARKET_MONTH ? 0.20 : 0.35;
        double len = kind == MOMO_STRESS_MARKET_MONTH ? MONTH_BARS
                                                      : LONG_BARS;
        double L = log(1.0 - depth * b);

        for (size_t t = k0; t < n; t++) {
            double k = (double)(t - k0) + 1.0;
            double f = exp(L * (k < len ? k : len) / len);

            op[t] *= f;
            hi[t] *= f;
            lo[t] *= f;
            cl[t] *= f;
        }
    } else if (kind == MOMO_STRESS_FLASH_CRASH) {
        double D = 0.10 * b;

        lo[k0] *= 1.0 - D;
        cl[k0] *= 1.0 - D;
        for (size_t t = k0 + 1; t < n && t < k0 + 5; t++) {
            double f = 1.0 - D * (double)(4 - (t - k0)) / 4.0;

            op[t] *= f;
            hi[t] *= f;
            lo[t] *= f;
            cl[t] *= f;
        }
    } else {
        double prev_old = k0 > 0 ? cl[k0 - 1] : cl[k0];
        double prev_new = prev_old, f = 1.0;

        for (size_t t = k0; t < n; t++) {
            if (t < k0 + LONG_BARS) {
                double r = log(cl[t] / prev_old), c;

                prev_old = cl[t];
                c = prev_new * exp(GRIND_DAMP * r + GRIND_DRIFT * b);
                f = c / cl[t];
                prev_new = c;
                op[t] = c + GRIND_DAMP * (op[t] * f - c);
                hi[t] = c + GRIND_DAMP * (hi[t] * f - c);
                lo[t] = c + GRIND_DAMP * (lo[t] * f - c);
                cl[t] = c;
            } else {
                op[t] *= f;
                hi[t] *= f;
                lo[t] *= f;
                cl[t] *= f;
            }
        }
    }
}

static int add_shocked(momo_dataset_builder *bld, const momo_dataset *ds,
                       size_t sym, const momo_stress_opts *o, double b,
                       double *buf, momo_err *err)
{
    const momo_symbol *meta = momo_dataset_symbol(ds, sym);
    momo_series s, c;
    size_t n, k0;

    momo_dataset_series(ds, sym, &s);
    n = s.n;
    k0 = first_on_or_after(&s, o->date);
    if (k0 >= n)
        return momo_dataset_builder_add_from(bld, ds, sym, err);
    memcpy(buf, s.open, n * sizeof(double));
    memcpy(buf + n, s.high, n * sizeof(double));
    memcpy(buf + 2 * n, s.low, n * sizeof(double));
    memcpy(buf + 3 * n, s.close, n * sizeof(double));
    shock(o->kind, b, k0, n, buf, buf + n, buf + 2 * n, buf + 3 * n);
    c = s;
    c.open = buf;
    c.high = buf + n;
    c.low = buf + 2 * n;
    c.close = buf + 3 * n;
    return momo_dataset_builder_add(bld, meta, &c, err);
}

int momo_stress_apply(const momo_dataset *ds, const momo_stress_opts *o,
                      momo_dataset **out, momo_err *err)
{
    momo_dataset_builder *bld = NULL;
    size_t n_sym = momo_dataset_n_symbols(ds), most = 1;
    const char *mname = o->market ? o->market : "SPY";
    long mk = momo_dataset_find(ds, mname);
    momo_series ms;
    double *buf;
    int rc;

    *out = NULL;
    if (o->kind < 0 || o->kind >= MOMO_N_STRESS)
        return momo_err_set(err, MOMO_EINVAL, "unknown stress scenario %d",
                            o->kind);
    if (mk >= 0 && momo_dataset_symbol(ds, (size_t)mk)->n_bars < 2)
        mk = -1;
    if (mk >= 0)
        momo_dataset_series(ds, (size_t)mk, &ms);
    for (size_t i = 0; i < n_sym; i++)
        if (momo_dataset_symbol(ds, i)->n_bars > most)
            most = momo_dataset_symbol(ds, i)->n_bars;
    buf = core_malloc(4 * most * sizeof(double));
    if (!buf)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    rc = momo_dataset_builder_new(&bld, err);
    for (size_t i = 0; rc == MOMO_OK && i < n_sym; i++) {
        int cls = momo_dataset_symbol(ds, i)->asset_class;
        double b = 1.0;

        if (cls != MOMO_STOCK && cls != MOMO_CRYPTO && cls != MOMO_ETF) {
            rc = momo_dataset_builder_add_from(bld, ds, i, err);
            continue;
        }
        if (!o->uniform && mk >= 0 && (long)i != mk) {
            momo_series s;

            momo_dataset_series(ds, i, &s);
            b = beta_of(&s, &ms, o->date, buf, buf + most);
        }
        rc = add_shocked(bld, ds, i, o, b, buf, err);
    }
    core_free(buf);
    if (rc != MOMO_OK) {
        momo_dataset_builder_free(bld);
        return rc;
    }
    return momo_dataset_builder_finish(bld, out, err);
}

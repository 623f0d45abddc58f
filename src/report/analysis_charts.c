/* analysis_charts.c - the charts of `momo montecarlo`, `momo benchmark`,
 * `momo robustness` and `momo regime`.
 *
 * In:  the results of src/analysis/ through include/momo/analysis.h, and
 *      the engine's regimes.
 * Out: PNG files in the command's output directory, drawn with the
 *      chart library (chart.h). Each function draws its charts in turn
 *      and stops at the first error.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "momo/analysis.h"
#include "report/chart.h"

/* Write chart `c` as dir/name and free it. */
static int finish(rpt_chart *c, const char *dir, const char *name, int rc,
                  momo_err *err)
{
    char path[4096];

    if (rc == MOMO_OK) {
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        rc = rpt_chart_write_png(c, path, err);
    }
    rpt_chart_free(c);
    return rc;
}

static int date_axis(rpt_chart *c, momo_err *err)
{
    struct rpt_axis x;

    memset(&x, 0, sizeof(x));
    x.format = RPT_FMT_DATE;
    return rpt_chart_set_axis(c, RPT_AXIS_X, &x, err);
}

static int y_axis(rpt_chart *c, const char *label, int format, int log_scale,
                  momo_err *err)
{
    struct rpt_axis y;

    memset(&y, 0, sizeof(y));
    y.label = label;
    y.format = format;
    y.scale = log_scale ? RPT_SCALE_LOG : RPT_SCALE_LINEAR;
    return rpt_chart_set_axis(c, RPT_AXIS_Y, &y, err);
}

/*---- Monte Carlo ----*/

static int mc_fan(const momo_mc_result *r, const char *dir, momo_err *err)
{
    const momo_mc_summary *s = momo_mc_result_summary(r);
    momo_mc_fan fan;
    rpt_chart *c = NULL;
    struct rpt_style grey = { 0 }, outer = { 0 }, inner = { 0 };
    struct rpt_style median = { 0 }, obs = { 0 };
    double *x;
    char title[128];
    int rc;

    momo_mc_result_fan(r, &fan);
    x = core_malloc(fan.n * sizeof(double));
    if (!x)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t i = 0; i < fan.n; i++)
        x[i] = fan.date[i];
    grey.color = 6;
    grey.width = 0.5;
    outer.color = 2;
    outer.alpha = 0.18;
    inner.color = 2;
    inner.alpha = 0.35;
    median.color = 2;
    median.width = 2.5;
    obs.color = 7;
    obs.width = 2;
    obs.dash = RPT_DASHED;
    snprintf(title, sizeof(title), "Monte Carlo (%s): %zu paths",
             momo_mc_method_name(s->method), s->sims);
    rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, title, "bands: 5-95% and 25-75% of "
                                 "paths at each date; thin lines: the "
                                 "first paths", err);
    if (rc == MOMO_OK)
        rc = date_axis(c, err);
    if (rc == MOMO_OK)
        rc = y_axis(c, "Equity", RPT_FMT_MONEY, 0, err);
    for (size_t k = 0; rc == MOMO_OK && k < fan.n_samples; k++)
        rc = rpt_chart_add_line(c, NULL, x, fan.sample[k], fan.n, &grey,
                                err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_band(c, "5-95%", x, fan.band[0], fan.band[4],
                                fan.n, &outer, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_band(c, "25-75%", x, fan.band[1], fan.band[3],
                                fan.n, &inner, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_line(c, "median", x, fan.band[2], fan.n, &median,
                                err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_line(c, "observed", x, fan.observed, fan.n, &obs,
                                err);
    core_free(x);
    return finish(c, dir, "montecarlo_fan.png", rc, err);
}

static int mc_hist(const momo_mc_result *r, int stat, const char *dir,
                   const char *name, const char *title, momo_err *err)
{
    const momo_mc_summary *s = momo_mc_result_summary(r);
    rpt_chart *c = NULL;
    size_t n;
    const double *v = momo_mc_result_values(r, stat, &n);
    struct rpt_axis x;
    struct rpt_style st = { 0 };
    int rc;

    memset(&x, 0, sizeof(x));
    x.label = stat == MOMO_MC_FINAL_RETURN ? "Total return"
                                           : "Max drawdown";
    x.format = RPT_FMT_PERCENT;
    st.color = 2;
    rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, title, NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_axis(c, RPT_AXIS_X, &x, err);
    if (rc == MOMO_OK)
        rc = y_axis(c, "Paths", RPT_FMT_PLAIN, 0, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_histogram(c, NULL, v, n, 0, &st, err);
    if (rc == MOMO_OK && isfinite(s->observed[stat]))
        rc = rpt_chart_add_vline(c, s->observed[stat], "observed", NULL,
                                 err);
    if (rc == MOMO_OK && stat == MOMO_MC_FINAL_RETURN) {
        rc = rpt_chart_add_vline(c, s->pct[stat].p5, "5%", NULL, err);
        if (rc == MOMO_OK)
            rc = rpt_chart_add_vline(c, s->pct[stat].p95, "95%", NULL,
                                     err);
    }
    if (rc == MOMO_OK && stat == MOMO_MC_MAX_DRAWDOWN)
        rc = rpt_chart_add_vline(c, s->ruin_drawdown, "ruin", NULL, err);
    return finish(c, dir, name, rc, err);
}

int momo_mc_write_charts(const momo_mc_result *r, const char *dir,
                         momo_err *err)
{
    int rc = core_mkdir_p(dir, err);

    if (rc == MOMO_OK)
        rc = mc_fan(r, dir, err);
    if (rc == MOMO_OK)
        rc = mc_hist(r, MOMO_MC_FINAL_RETURN, dir,
                     "montecarlo_final_return.png",
                     "Final return across paths", err);
    if (rc == MOMO_OK)
        rc = mc_hist(r, MOMO_MC_MAX_DRAWDOWN, dir,
                     "montecarlo_max_drawdown.png",
                     "Max drawdown across paths", err);
    return rc;
}

/*---- Benchmarks ----*/

/* Row s of the curve 365 days before row t, or -1. */
static long year_before(const momo_equity_row *eq, size_t t)
{
    int32_t want = eq[t].date - 365;
    size_t lo = 0, hi = t + 1;

    if (eq[0].date > want)
        return -1;
    while (lo < hi) {                       /* first row dated > want */
        size_t mid = lo + (hi - lo) / 2;

        if (eq[mid].date <= want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

enum { B_EQUITY, B_DRAWDOWN, B_ROLLING };

static int bench_lines(const momo_bench_result *r, int what, int log_scale,
                       const char *dir, momo_err *err)
{
    static const char *const file[3] = {
        "benchmark_equity.png", "benchmark_drawdowns.png",
        "benchmark_rolling_12m.png"
    };
    static const char *const title[3] = {
        "Equity: the strategy and its benchmarks",
        "Drawdowns from the running peak",
        "Rolling 12-month return: the strategy minus each benchmark"
    };
    size_t n;
    const momo_equity_row *se = momo_bench_result_equity(r,
                                                         MOMO_BENCH_STRATEGY,
                                                         &n);
    rpt_chart *c = NULL;
    double *x = core_malloc((n + 1) * sizeof(double));
    double *y = core_malloc((n + 1) * sizeof(double));
    int rc = x && y ? MOMO_OK : momo_err_set(err, MOMO_ENOMEM,
                                             "out of memory");

    for (size_t t = 0; x && t < n; t++)
        x[t] = se[t].date;
    if (rc == MOMO_OK)
        rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, title[what], NULL, err);
    if (rc == MOMO_OK)
        rc = date_axis(c, err);
    if (rc == MOMO_OK)
        rc = y_axis(c, what == B_EQUITY ? "Equity" : NULL,
                    what == B_EQUITY ? RPT_FMT_MONEY : RPT_FMT_PERCENT,
                    what == B_EQUITY && log_scale, err);
    for (int k = what == B_ROLLING ? 1 : 0;
         rc == MOMO_OK && k < MOMO_N_BENCH; k++) {
        size_t m;
        const momo_equity_row *eq = momo_bench_result_equity(r, k, &m);
        struct rpt_style st = { 0 };
        double peak = -INFINITY;

        if (!eq)
            continue;
        st.color = k + 1;
        st.width = k == MOMO_BENCH_STRATEGY ? 2.5 : 1.5;
        for (size_t t = 0; t < n; t++) {
            long s;

            switch (what) {
            case B_EQUITY:
                y[t] = eq[t].equity;
                break;
            case B_DRAWDOWN:
                peak = fmax(peak, eq[t].equity);
                y[t] = eq[t].equity / peak - 1.0;
                break;
            default:
                s = year_before(eq, t);
                y[t] = s < 0 ? NAN
                       : (se[t].equity / se[s].equity) -
                         (eq[t].equity / eq[s].equity);
                break;
            }
        }
        rc = rpt_chart_add_line(c, momo_bench_name(k), x, y, n, &st, err);
    }
    if (rc == MOMO_OK && what == B_ROLLING)
        rc = rpt_chart_add_hline(c, 0, NULL, NULL, err);
    core_free(x);
    core_free(y);
    if (!c)
        return rc;
    return finish(c, dir, file[what], rc, err);
}

static int bench_scatter(const momo_bench_result *r, const char *dir,
                         momo_err *err)
{
    double vx[MOMO_N_BENCH], vy[MOMO_N_BENCH];
    const char *names[MOMO_N_BENCH];
    struct rpt_axis x;
    rpt_chart *c = NULL;
    size_t n = 0;
    int rc;

    for (int k = 0; k < MOMO_N_BENCH; k++) {
        const momo_bench_stats *s = momo_bench_result_stats(r, k);

        if (!momo_bench_result_available(r, k))
            continue;
        vx[n] = s->annual_volatility;
        vy[n] = s->cagr;
        names[n++] = momo_bench_name(k);
    }
    memset(&x, 0, sizeof(x));
    x.label = "Annual volatility";
    x.format = RPT_FMT_PERCENT;
    rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, "Risk and return", NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_axis(c, RPT_AXIS_X, &x, err);
    if (rc == MOMO_OK)
        rc = y_axis(c, "CAGR", RPT_FMT_PERCENT, 0, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_scatter(c, NULL, vx, vy, names, n, NULL, err);
    return finish(c, dir, "benchmark_risk_return.png", rc, err);
}

int momo_bench_write_charts(const momo_bench_result *r, const char *dir,
                            int log_scale, momo_err *err)
{
    int rc = core_mkdir_p(dir, err);

    for (int what = B_EQUITY; rc == MOMO_OK && what <= B_ROLLING; what++)
        rc = bench_lines(r, what, log_scale, dir, err);
    if (rc == MOMO_OK)
        rc = bench_scatter(r, dir, err);
    return rc;
}

/*---- Robustness ----*/

int momo_robust_write_charts(const momo_robust_result *r, const char *dir,
                             momo_err *err)
{
    size_t n, m = 0;
    const momo_robust_test *t = momo_robust_result_tests(r, &n);
    const char **names = core_malloc((n + 1) * sizeof(*names));
    double *v = core_malloc((n + 1) * sizeof(double));
    rpt_chart *c = NULL;
    struct rpt_style st = { 0 };
    int rc = names && v ? core_mkdir_p(dir, err)
                        : momo_err_set(err, MOMO_ENOMEM, "out of memory");

    for (size_t i = 0; names && v && i < n; i++) {
        if (t[i].skipped)
            continue;
        names[m] = t[i].name;
        v[m++] = t[i].m.sharpe;
    }
    st.color = 2;
    if (rc == MOMO_OK)
        rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, "Sharpe ratio of each robustness test",
                                 "dashed: the baseline", err);
    if (rc == MOMO_OK)
        rc = y_axis(c, "Sharpe", RPT_FMT_PLAIN, 0, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_categories(c, names, m, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_bars(c, NULL, v, NULL, NULL, m, &st, err);
    if (rc == MOMO_OK && isfinite(momo_robust_result_baseline(r)->sharpe))
        rc = rpt_chart_add_hline(c, momo_robust_result_baseline(r)->sharpe,
                                 "baseline", NULL, err);
    core_free(names);
    core_free(v);
    if (!c)
        return rc;
    return finish(c, dir, "robustness_sharpe.png", rc, err);
}

/*---- Regimes ----*/

int momo_regime_write_charts(const momo_engine *eng, const momo_result *res,
                             const char *dir, momo_err *err)
{
    const char *cats[MOMO_REGIME_SLOTS];
    size_t n_eq, n_rg, n_cal, k = 0, d = 0, n_sh = 0;
    const momo_equity_row *eq = momo_result_equity(res, &n_eq);
    const momo_regime_day *rg = momo_engine_regimes(eng, &n_rg);
    const int32_t *cal = momo_engine_calendar(eng, &n_cal);
    double *x = core_malloc((n_eq + 1) * sizeof(double));
    double *y = core_malloc((n_eq + 1) * sizeof(double));
    double *x0 = core_malloc((n_eq + 1) * sizeof(double));
    double *x1 = core_malloc((n_eq + 1) * sizeof(double));
    int *cat = core_malloc((n_eq + 1) * sizeof(int));
    rpt_chart *c = NULL;
    struct rpt_style st = { 0 };
    char sub[160];
    int rc = x && y && x0 && x1 && cat
             ? core_mkdir_p(dir, err)
             : momo_err_set(err, MOMO_ENOMEM, "out of memory");

    for (int s = 0; s < MOMO_REGIME_SLOTS; s++)
        cats[s] = momo_regime_slot_name(s);
    for (size_t t = 0; rc == MOMO_OK && t < n_eq; t++) {
        int slot;

        while (d < n_cal && cal[d] < eq[t].date)
            d++;
        slot = d < n_rg && rg[d].date == eq[t].date && rg[d].regime >= 0
               ? rg[d].regime : MOMO_N_REGIMES;
        x[k] = eq[t].date;
        y[k++] = d < n_rg && rg[d].date == eq[t].date ? rg[d].proxy : NAN;
        if (n_sh > 0 && cat[n_sh - 1] == slot) {
            x1[n_sh - 1] = eq[t].date + 1;
        } else {
            x0[n_sh] = eq[t].date;
            x1[n_sh] = eq[t].date + 1;
            cat[n_sh++] = slot;
        }
    }
    snprintf(sub, sizeof(sub), "proxy: %s; volatility: %s",
             momo_engine_regime_proxy(eng),
             momo_engine_regime_vol_source(eng));
    st.color = 7;
    st.width = 1.5;
    if (rc == MOMO_OK)
        rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, "Market regimes", sub, err);
    if (rc == MOMO_OK)
        rc = date_axis(c, err);
    if (rc == MOMO_OK)
        rc = y_axis(c, "Market proxy", RPT_FMT_PLAIN, 0, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_shading(c, x0, x1, cat, n_sh, cats,
                                   MOMO_REGIME_SLOTS, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_line(c, NULL, x, y, k, &st, err);
    core_free(x);
    core_free(y);
    core_free(x0);
    core_free(x1);
    core_free(cat);
    if (!c)
        return rc;
    return finish(c, dir, "regimes.png", rc, err);
}

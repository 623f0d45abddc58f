/* metrics.c - returns, risk and trade statistics of one run.
 *
 * In:  equity rows (one per calendar date of the window) and the running
 *      trade statistics of the engine.
 * Out: momo_metrics, NaN where a metric is undefined (no trades, a zero
 *      deviation, a one-row window): written as null, never as 0.
 *
 * Definitions: STRATEGY.md 8 and 11.17, tabulated in docs/methods.md.
 * Means are left-to-right sums divided by the count; deviations are
 * two-pass with ddof = 1.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/core.h"
#include "metrics/metrics.h"

void met_drawdowns(const double *e, size_t n, double *dd)
{
    double peak = -INFINITY;

    for (size_t t = 0; t < n; t++) {
        if (e[t] > peak)
            peak = e[t];
        dd[t] = 1.0 - e[t] / peak;
    }
}

static const struct {
    const char *name;
    size_t offset;
    int direction;
} metric_table[] = {
#define M(f, dir) { #f, offsetof(momo_metrics, f), dir }
    M(total_return, 1), M(cagr, 1), M(annual_volatility, -1), M(sharpe, 1),
    M(sortino, 1), M(max_drawdown, -1), M(max_drawdown_duration, -1),
    M(max_drawdown_recovery, -1), M(calmar, 1), M(ulcer_index, -1),
    M(recovery_factor, 1), M(win_rate, 1), M(profit_factor, 1),
    M(avg_win, 1), M(avg_loss, 1), M(expectancy, 1), M(num_trades, 1),
    M(sqn, 1), M(exposure, 1), M(avg_bars_held, 1),
    M(periods_per_year, 1), M(final_equity, 1), M(num_days, 1),
#undef M
};

size_t momo_metric_count(void)
{
    return sizeof(metric_table) / sizeof(metric_table[0]);
}

const char *momo_metric_name(size_t i)
{
    return i < momo_metric_count() ? metric_table[i].name : NULL;
}

int momo_metric_direction(size_t i)
{
    return i < momo_metric_count() ? metric_table[i].direction : 0;
}

long momo_metric_find(const char *name)
{
    for (size_t i = 0; i < momo_metric_count(); i++)
        if (strcmp(metric_table[i].name, name) == 0)
            return (long)i;
    return -1;
}

double momo_metric_get(const momo_metrics *m, size_t i)
{
    MOMO_ASSERT(i < momo_metric_count());
    return *(const double *)(const void *)((const char *)m +
                                           metric_table[i].offset);
}

/* The return of row t+1 over row t: from the run's own array when there
 * is one, else from the curve (the same expression either way). */
static inline double ret_at(const momo_equity_row *eq, const double *ret,
                            size_t t)
{
    return ret ? ret[t] : eq[t + 1].equity / eq[t].equity - 1.0;
}

/* Return statistics of the k = n - 1 returns of a curve. */
static void returns_stats(const momo_equity_row *eq, const double *ret,
                          size_t n, double A, double rf, momo_metrics *m)
{
    double sum = 0, sum_ex = 0, down = 0, mean, var = 0, sd, rfa = rf / A;
    size_t k = n - 1;

    for (size_t t = 0; t < k; t++) {
        double r = ret_at(eq, ret, t);

        sum += r;
        sum_ex += r - rfa;
        down += r < 0 ? r * r : 0.0;
    }
    mean = sum / (double)k;
    for (size_t t = 0; t < k; t++) {
        double r = ret_at(eq, ret, t);

        var += (r - mean) * (r - mean);
    }
    sd = k > 1 ? sqrt(var / (double)(k - 1)) : NAN;
    m->annual_volatility = sd * sqrt(A);
    m->sharpe = sd > 0 ? (sum_ex / (double)k) / sd * sqrt(A) : NAN;
    down = sqrt(down / (double)k);
    m->sortino = down > 0 ? mean * A / (down * sqrt(A)) : NAN;
}

static void drawdown_stats(const momo_equity_row *eq, size_t n,
                           momo_metrics *m)
{
    double peak = eq[0].equity, max_dd = 0, max_money = 0, sq = 0;
    double trough_peak = 0;
    size_t run = 0, longest = 0, trough = 0;

    for (size_t t = 0; t < n; t++) {
        double e = eq[t].equity, dd;

        if (e >= peak) {
            peak = e;
            run = 0;
        } else {
            run++;
            if (run > longest)
                longest = run;
        }
        dd = 1.0 - e / peak;
        sq += (100.0 * dd) * (100.0 * dd);
        if (dd > max_dd) {
            max_dd = dd;
            trough = t;
            trough_peak = peak;
        }
        if (peak - e > max_money)
            max_money = peak - e;
    }
    m->max_drawdown = max_dd;
    m->max_drawdown_duration = (double)longest;
    m->max_drawdown_recovery = max_dd > 0 ? NAN : 0.0;
    for (size_t t = trough + 1; max_dd > 0 && t < n; t++)
        if (eq[t].equity >= trough_peak) {
            m->max_drawdown_recovery = (double)(t - trough);
            break;
        }
    m->ulcer_index = sqrt(sq / (double)n);
    m->recovery_factor = max_money > 0
        ? (eq[n - 1].equity - eq[0].equity) / max_money : NAN;
}

/* What a curve's metrics need beyond its ends: the return statistics,
 * the drawdown statistics, the count of invested days. */
enum { NEED_RET = 1, NEED_DD = 2, NEED_EXPO = 4, NEED_ALL = 7 };

static void from_equity(const momo_equity_row *eq, const double *ret,
                        size_t n, double A, double rf, unsigned need,
                        momo_metrics *m)
{
    double years, ratio;
    size_t held = 0;

    for (size_t i = 0; i < momo_metric_count(); i++)
        *(double *)(void *)((char *)m + metric_table[i].offset) = NAN;
    m->num_days = (double)n;
    m->periods_per_year = A;
    if (n == 0)
        return;
    m->final_equity = eq[n - 1].equity;
    ratio = eq[n - 1].equity / eq[0].equity;
    m->total_return = ratio - 1.0;
    years = (double)(eq[n - 1].date - eq[0].date) / 365.25;
    m->cagr = years > 0 && ratio > 0 ? pow(ratio, 1.0 / years) - 1.0
                                     : (ratio <= 0 ? -1.0 : NAN);
    if (n >= 2 && (need & NEED_RET))
        returns_stats(eq, ret, n, A, rf, m);
    if (need & NEED_DD) {
        drawdown_stats(eq, n, m);
        m->calmar = m->max_drawdown > 0 ? m->cagr / m->max_drawdown : NAN;
    }
    if (need & NEED_EXPO) {
        for (size_t t = 0; t < n; t++)
            held += eq[t].positions > 0;
        m->exposure = (double)held / (double)n;
    }
}

void met_from_equity(const momo_equity_row *eq, size_t n, double A,
                     double rf, momo_metrics *m)
{
    from_equity(eq, NULL, n, A, rf, NEED_ALL, m);
}

double met_curve_metric(const momo_equity_row *eq, const double *ret,
                        size_t n, double A, double rf, size_t which)
{
    size_t off = metric_table[which].offset;
    unsigned need = 0;
    momo_metrics m;

    if (off == offsetof(momo_metrics, annual_volatility) ||
        off == offsetof(momo_metrics, sharpe) ||
        off == offsetof(momo_metrics, sortino))
        need = NEED_RET;
    else if (off == offsetof(momo_metrics, max_drawdown) ||
             off == offsetof(momo_metrics, max_drawdown_duration) ||
             off == offsetof(momo_metrics, max_drawdown_recovery) ||
             off == offsetof(momo_metrics, calmar) ||
             off == offsetof(momo_metrics, ulcer_index) ||
             off == offsetof(momo_metrics, recovery_factor))
        need = NEED_DD;
    else if (off == offsetof(momo_metrics, exposure))
        need = NEED_EXPO;
    from_equity(eq, ret, n, A, rf, need, &m);
    return momo_metric_get(&m, which);
}

void met_compute(const struct eng_out *o, double rf, momo_metrics *m)
{
    const struct eng_trade_acc *a = &o->acc;
    double n = (double)a->n;

    from_equity(o->eq, o->ret, o->n_eq, o->periods_per_year, rf, NEED_ALL,
                m);
    m->num_trades = n;
    if (a->n == 0)
        return;
    m->win_rate = (double)a->wins / n;
    m->profit_factor = a->gross_loss > 0 ? a->gross_win / a->gross_loss
                                         : NAN;
    m->avg_win = a->wins ? a->gross_win / (double)a->wins : NAN;
    m->avg_loss = a->losses ? -a->gross_loss / (double)a->losses : NAN;
    m->expectancy = a->sum_pnl / n;
    m->avg_bars_held = a->sum_bars / n;
    if (a->n >= 2 && a->r_m2 > 0)
        m->sqn = sqrt(n) * a->r_mean / sqrt(a->r_m2 / (n - 1.0));
}

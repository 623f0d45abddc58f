/* report_fmt.c - how the report writes parameters, metrics and levels
 * for a person, and which levels of a parameter it recommends.
 *
 * Parameters whose registry description says "fraction" are shown as
 * percentages (a stop of 0.08 reads "8%"), integers without decimals,
 * other numbers with four significant digits. Metrics that are
 * fractions (returns, drawdowns, win rate, exposure) are percentages,
 * ratios get three decimals, money two.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"

const char *rpt_short_name(const struct rpt_study *st, size_t j)
{
    const char *name = st->param[j]->name, *dot = strrchr(name, '.');
    const char *last = dot ? dot + 1 : name;

    for (size_t k = 0; k < st->n_dims; k++) {
        const char *o = st->param[k]->name, *od = strrchr(o, '.');

        if (k != j && strcmp(od ? od + 1 : o, last) == 0)
            return name;
    }
    return last;
}

static int is_fraction(const momo_param_info *pi)
{
    return pi->type == MOMO_PARAM_DOUBLE && pi->description &&
           strstr(pi->description, "fraction") != NULL;
}

void rpt_fmt_param(const momo_param_info *pi, double v, char *buf, size_t n)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else if (pi->type == MOMO_PARAM_BOOL)
        snprintf(buf, n, "%s", v != 0 ? "true" : "false");
    else if (pi->type == MOMO_PARAM_INT)
        snprintf(buf, n, "%.0f", v);
    else if (is_fraction(pi))
        snprintf(buf, n, "%.3g%%", 100 * v);
    else
        snprintf(buf, n, "%.4g", v);
}

void rpt_fmt_level(const momo_param_info *pi, const struct opt_level *l,
                   char *buf, size_t n)
{
    char a[32], b[32];

    if (l->lo == l->hi) {
        rpt_fmt_param(pi, l->value, buf, n);
        return;
    }
    rpt_fmt_param(pi, l->lo, a, sizeof(a));
    rpt_fmt_param(pi, l->hi, b, sizeof(b));
    snprintf(buf, n, "%s-%s", a, b);
}

enum { F_RATIO, F_PCT, F_MONEY, F_COUNT };

static const struct metric_look {
    const char *name, *title;
    int kind;
} looks[] = {
    { "total_return", "Total return", F_PCT },
    { "cagr", "CAGR", F_PCT },
    { "annual_volatility", "Annual volatility", F_PCT },
    { "sharpe", "Sharpe ratio", F_RATIO },
    { "sortino", "Sortino ratio", F_RATIO },
    { "max_drawdown", "Max drawdown", F_PCT },
    { "max_drawdown_duration", "Max drawdown duration (days)", F_COUNT },
    { "max_drawdown_recovery", "Drawdown recovery (days)", F_COUNT },
    { "calmar", "Calmar ratio", F_RATIO },
    { "ulcer_index", "Ulcer index", F_RATIO },
    { "recovery_factor", "Recovery factor", F_RATIO },
    { "win_rate", "Win rate", F_PCT },
    { "profit_factor", "Profit factor", F_RATIO },
    { "avg_win", "Average win", F_MONEY },
    { "avg_loss", "Average loss", F_MONEY },
    { "expectancy", "Expectancy per trade", F_MONEY },
    { "num_trades", "Trades", F_COUNT },
    { "sqn", "SQN", F_RATIO },
    { "exposure", "Exposure", F_PCT },
    { "avg_bars_held", "Average bars held", F_RATIO },
    { "periods_per_year", "Periods per year", F_RATIO },
    { "final_equity", "Final equity", F_MONEY },
    { "num_days", "Days", F_COUNT },
};

static const struct metric_look *look(size_t metric)
{
    const char *name = momo_metric_name(metric);

    for (size_t i = 0; i < sizeof(looks) / sizeof(looks[0]); i++)
        if (strcmp(looks[i].name, name) == 0)
            return &looks[i];
    return NULL;
}

const char *rpt_metric_title(size_t metric)
{
    const struct metric_look *l = look(metric);

    return l ? l->title : momo_metric_name(metric);
}

void rpt_fmt_metric(size_t metric, double v, char *buf, size_t n)
{
    const struct metric_look *l = look(metric);
    int kind = l ? l->kind : F_RATIO;

    if (!isfinite(v))
        snprintf(buf, n, "-");
    else if (kind == F_PCT)
        snprintf(buf, n, "%.1f%%", 100 * v);
    else if (kind == F_MONEY)
        snprintf(buf, n, "%.2f", v);
    else if (kind == F_COUNT)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.3f", v);
}

size_t rpt_level_of(const struct opt_sens_dim *sd, double v)
{
    for (size_t k = 0; k < sd->n_levels; k++) {
        const struct opt_level *l = &sd->levels[k];

        if (l->lo == l->hi ? v == l->value : v <= l->hi)
            return k;
    }
    return sd->n_levels ? sd->n_levels - 1 : 0;
}

void rpt_recommended_levels(const struct rpt_study *st, size_t j,
                            size_t *lo, size_t *hi, size_t *best)
{
    const struct opt_sens_dim *sd = &st->sens.dims[j];
    double tol = 0.25 * st->sens.sd, top;
    size_t b = 0;

    *lo = *hi = *best = 0;
    if (sd->n_levels == 0)
        return;
    for (size_t k = 1; k < sd->n_levels; k++)
        if (st->dir * sd->levels[k].mean > st->dir * sd->levels[b].mean)
            b = k;
    top = st->dir * sd->levels[b].mean;
    if (!isfinite(tol))
        tol = 0;
    *best = *lo = *hi = b;
    while (*lo > 0 && st->dir * sd->levels[*lo - 1].mean >= top - tol)
        (*lo)--;
    while (*hi + 1 < sd->n_levels &&
           st->dir * sd->levels[*hi + 1].mean >= top - tol)
        (*hi)++;
}

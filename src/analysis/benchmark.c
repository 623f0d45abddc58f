/* benchmark.c - the strategy against what could have been bought.
 *
 * In:  the engine, parameters and window of a backtest.
 * Out: the strategy's run and four benchmark portfolios over the same
 *      calendar rows with the same cost model (portfolio.c): the market
 *      ETF bought and held, the traded universe in equal weights, 60/40
 *      market and bond ETFs, and naive momentum (the top N of the
 *      engine's momentum ranking each month); for each, the absolute
 *      figures and, against the market ETF, correlation, beta, alpha,
 *      information ratio and up/down capture from daily returns.
 *
 * Every curve is summarized by met_from_equity, the same code as a
 * run's metrics. Formulas: docs/internals/analysis.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/analysis.h"
#include "core/core.h"
#include "metrics/metrics.h"

struct momo_bench_result {
    int avail[MOMO_N_BENCH];
    char label[MOMO_N_BENCH][160];
    momo_bench_stats st[MOMO_N_BENCH];
    momo_equity_row *eq[MOMO_N_BENCH];
    size_t n;
    double A;
    size_t n_trades;
    char market[MOMO_SYMBOL_MAX + 1], bond[MOMO_SYMBOL_MAX + 1];
    int top_n;
    double stock_weight;
};

static const char *const bench_names[MOMO_N_BENCH] = {
    "strategy", "market", "equal_weight", "sixty_forty", "naive_momentum"
};

static const struct {
    const char *key;
    size_t off;
} fields[] = {
#define F(x) { #x, offsetof(momo_bench_stats, x) }
    F(total_return), F(cagr), F(annual_volatility), F(sharpe), F(sortino),
    F(max_drawdown), F(recovery_days), F(monthly_win_rate), F(correlation),
    F(beta), F(alpha), F(information_ratio), F(up_capture),
    F(down_capture), F(final_equity)
#undef F
};

static double field(const momo_bench_stats *s, size_t i)
{
    return *(const double *)(const void *)((const char *)s + fields[i].off);
}

const char *momo_bench_name(int kind)
{
    if (kind < 0 || kind >= MOMO_N_BENCH)
        return NULL;
    return bench_names[kind];
}

/*---- Statistics of one curve ----*/

static void monthly_win_rate(const momo_equity_row *eq, size_t n,
                             momo_bench_stats *out)
{
    double prev = eq[0].equity;
    size_t months = 0, wins = 0;

    for (size_t t = 0; t < n; t++) {
        int y, m, d, y2 = 0, m2 = 0;

        core_civil_from_days(eq[t].date, &y, &m, &d);
        if (t + 1 < n)
            core_civil_from_days(eq[t + 1].date, &y2, &m2, &d);
        if (t + 1 < n && y2 == y && m2 == m)
            continue;
        if (t == 0)
            continue;            /* a month of one row has no return */
        months++;
        wins += eq[t].equity > prev;
        prev = eq[t].equity;
    }
    out->monthly_win_rate = months ? (double)wins / (double)months : NAN;
}

static void relative(const momo_equity_row *s, const momo_equity_row *m,
                     size_t n, double A, double rf, momo_bench_stats *out)
{
    size_t k = n - 1, n_up = 0, n_down = 0;
    double *x = core_malloc(3 * k * sizeof(double)), *y, *d;
    double up_s = 0, up_m = 0, down_s = 0, down_m = 0, sd;

    if (!x)
        return;                  /* the figures stay undefined */
    y = x + k;
    d = y + k;
    for (size_t t = 1; t < n; t++) {
        double rs = s[t].equity / s[t - 1].equity - 1.0;
        double rm = m[t].equity / m[t - 1].equity - 1.0;

        x[t - 1] = rm - rf / A;
        y[t - 1] = rs - rf / A;
        d[t - 1] = rs - rm;
        if (rm > 0) {
            up_s += rs;
            up_m += rm;
            n_up++;
        } else if (rm < 0) {
            down_s += rs;
            down_m += rm;
            n_down++;
        }
    }
    if (k >= 3 && gsl_stats_variance(x, 1, k) > 0) {
        double c0, c1, cov00, cov01, cov11, sumsq;

        gsl_fit_linear(x, 1, y, 1, k, &c0, &c1, &cov00, &cov01, &cov11,
                       &sumsq);
        out->beta = c1;
        out->alpha = c0 * A;
        if (gsl_stats_variance(y, 1, k) > 0)
            out->correlation = gsl_stats_correlation(x, 1, y, 1, k);
    }
    sd = k >= 2 ? gsl_stats_sd(d, 1, k) : NAN;
    if (sd > 0)
        out->information_ratio = gsl_stats_mean(d, 1, k) / sd * sqrt(A);
    if (n_up && up_m != 0)
        out->up_capture = (up_s / (double)n_up) / (up_m / (double)n_up);
    if (n_down && down_m != 0)
        out->down_capture = (down_s / (double)n_down) /
                            (down_m / (double)n_down);
    core_free(x);
}

void ana_bench_stats(const momo_equity_row *s, const momo_equity_row *m,
                     size_t n, double A, double rf, momo_bench_stats *out)
{
    momo_metrics mt;

    out->correlation = out->beta = out->alpha = NAN;
    out->information_ratio = out->up_capture = out->down_capture = NAN;
    met_from_equity(s, n, A, rf, &mt);
    out->total_return = mt.total_return;
    out->cagr = mt.cagr;
    out->annual_volatility = mt.annual_volatility;
    out->sharpe = mt.sharpe;
    out->sortino = mt.sortino;
    out->max_drawdown = mt.max_drawdown;
    out->recovery_days = mt.max_drawdown_recovery;
    out->final_equity = mt.final_equity;
    out->monthly_win_rate = NAN;
    if (n < 2)
        return;
    monthly_win_rate(s, n, out);
    if (m)
        relative(s, m, n, A, rf, out);
}

/*---- Weights of each benchmark ----*/

static void w_single(void *ctx, size_t t, const double *close,
                     const int *recent, size_t n, double *w)
{
    (void)ctx;
    (void)t;
    (void)recent;
    if (n > 0 && isfinite(close[0]))
        w[0] = 1.0;
}

/* symbols: market, bond; a missing one leaves all to the other */
static void w_mix(void *ctx, size_t t, const double *close,
                  const int *recent, size_t n, double *w)
{
    double stock = *(const double *)ctx;
    int a = isfinite(close[0]) && recent[0];
    int b = n > 1 && isfinite(close[1]) && recent[1];

    (void)t;
    if (a && b) {
        w[0] = stock;
        w[1] = 1.0 - stock;
    } else if (a) {
        w[0] = 1.0;
    } else if (b) {
        w[1] = 1.0;
    }
}

static void w_equal(void *ctx, size_t t, const double *close,
                    const int *recent, size_t n, double *w)
{
    size_t k = 0;

    (void)ctx;
    (void)t;
    for (size_t i = 0; i < n; i++)
        k += isfinite(close[i]) && recent[i];
    for (size_t i = 0; i < n && k; i++)
        if (isfinite(close[i]) && recent[i])
            w[i] = 1.0 / (double)k;
}

struct naive_ctx {
    const struct momo_engine *eng;
    size_t d0;
    int top_n;
    size_t n_held;               /* decisions that held anything */
};

/* The engine's candidates of the day are every eligible symbol with a
 * bar that day, by score descending then symbol: the first N are the
 * top N by the strategy's own momentum score. */
static void w_naive(void *ctx, size_t t, const double *close,
                    const int *recent, size_t n, double *w)
{
    struct naive_ctx *c = ctx;
    size_t d = c->d0 + t, lo = c->eng->cand_start[d];
    size_t hi = c->eng->cand_start[d + 1];
    int k = 0;

    (void)recent;
    for (size_t i = lo; i < hi && k < c->top_n; i++) {
        uint32_t s = c->eng->cands[i].sym;

        if (s < n && isfinite(close[s])) {
            w[s] = 1.0 / (double)c->top_n;
            k++;
        }
    }
    c->n_held += k > 0;
}

/*---- Driver ----*/

void momo_bench_result_free(momo_bench_result *r)
{
    if (!r)
        return;
    for (int k = 0; k < MOMO_N_BENCH; k++)
        core_free(r->eq[k]);
    core_free(r);
}

static void set_unavailable(momo_bench_result *r, int k, const char *why)
{
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        *(double *)(void *)((char *)&r->st[k] + fields[i].off) = NAN;
    r->avail[k] = 0;
    snprintf(r->label[k], sizeof(r->label[k]), "%s", why);
    core_free(r->eq[k]);
    r->eq[k] = NULL;
}

static long find_symbol(const momo_dataset *ds, const char *name)
{
    long k = momo_dataset_find(ds, name);

    if (k < 0 || momo_dataset_symbol(ds, (size_t)k)->n_bars == 0)
        return -1;
    return k;
}

double ana_buy_and_hold_return(const momo_dataset *ds, const momo_params *p,
                               uint32_t sym, const int32_t *days, size_t n)
{
    momo_equity_row *eq = core_malloc((n + 1) * sizeof(*eq));
    double r = NAN;
    momo_series s;

    momo_dataset_series(ds, sym, &s);
    if (eq && n >= 2 && s.n > 0 && s.date[0] <= days[n - 2] &&
        ana_pf_simulate(ds, p, &sym, 1, days, n, ANA_ONCE, w_single, NULL,
                        eq, NULL) == MOMO_OK)
        r = eq[n - 1].equity / eq[0].equity - 1.0;
    core_free(eq);
    return r;
}

static int simulate(momo_bench_result *r, int k, const momo_dataset *ds,
                    const momo_params *p, const uint32_t *syms, size_t n,
                    const int32_t *days, int schedule, ana_weights_fn fn,
                    void *ctx, momo_err *err)
{
    r->eq[k] = core_malloc(r->n * sizeof(momo_equity_row));
    if (!r->eq[k])
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    r->avail[k] = 1;
    return ana_pf_simulate(ds, p, syms, n, days, r->n, schedule, fn, ctx,
                           r->eq[k], err);
}

static int run_all(const momo_engine *eng, const momo_params *p,
                   const momo_window *win, momo_bench_result *r,
                   int32_t *days, momo_err *err)
{
    const momo_dataset *ds = eng->ds;
    long mk, bd;
    int rc;
    uint32_t pair[2];
    size_t d0, d1, n_sym;
    const uint32_t *syms = momo_engine_symbols(eng, &n_sym);
    struct naive_ctx nc;

    rc = eng_window(eng, win ? win->from : 0, win ? win->to : 0, &d0, &d1,
                    err);
    if (rc != MOMO_OK)
        return rc;
    mk = find_symbol(ds, r->market);
    if (mk < 0)
        return momo_err_set(err, MOMO_ENOTFOUND,
                            "market symbol '%s' is not in the dataset "
                            "(import its ETF, e.g. etf/SPY.csv.gz with "
                            "universe_extra.csv, or name another with "
                            "--market)", r->market);
    pair[0] = (uint32_t)mk;
    snprintf(r->label[MOMO_BENCH_MARKET], sizeof(r->label[0]),
             "%s buy and hold", r->market);
    rc = simulate(r, MOMO_BENCH_MARKET, ds, p, pair, 1, days, ANA_ONCE,
                  w_single, NULL, err);
    if (rc != MOMO_OK)
        return rc;

    snprintf(r->label[MOMO_BENCH_EQUAL_WEIGHT], sizeof(r->label[0]),
             "equal weight of the %zu traded symbols, monthly", n_sym);
    rc = simulate(r, MOMO_BENCH_EQUAL_WEIGHT, ds, p, syms, n_sym, days,
                  ANA_MONTHLY, w_equal, NULL, err);
    if (rc != MOMO_OK)
        return rc;

    bd = find_symbol(ds, r->bond);
    if (bd < 0) {
        char why[160];

        snprintf(why, sizeof(why), "unavailable: bond symbol '%s' is not "
                 "in the dataset", r->bond);
        set_unavailable(r, MOMO_BENCH_SIXTY_FORTY, why);
    } else {
        pair[1] = (uint32_t)bd;
        snprintf(r->label[MOMO_BENCH_SIXTY_FORTY], sizeof(r->label[0]),
                 "%.0f/%.0f %s/%s, monthly", 100 * r->stock_weight,
                 100 * (1 - r->stock_weight), r->market, r->bond);
        rc = simulate(r, MOMO_BENCH_SIXTY_FORTY, ds, p, pair, 2, days,
                      ANA_MONTHLY, w_mix, &r->stock_weight, err);
        if (rc != MOMO_OK)
            return rc;
    }

    nc.eng = eng;
    nc.d0 = d0;
    nc.top_n = r->top_n;
    nc.n_held = 0;
    snprintf(r->label[MOMO_BENCH_NAIVE_MOMENTUM], sizeof(r->label[0]),
             "top %d by momentum score, equal weight, monthly", r->top_n);
    rc = simulate(r, MOMO_BENCH_NAIVE_MOMENTUM, ds, p, syms, n_sym, days,
                  ANA_MONTHLY, w_naive, &nc, err);
    if (rc == MOMO_OK && nc.n_held == 0)
        set_unavailable(r, MOMO_BENCH_NAIVE_MOMENTUM,
                        "unavailable: no symbol was eligible at any "
                        "month's end");
    return rc;
}

int momo_benchmark_run(const momo_engine *eng, const momo_params *p,
                       const momo_window *win, const momo_bench_opts *o,
                       momo_bench_result **out, momo_err *err)
{
    momo_bench_result *r = NULL;
    momo_result *run = NULL;
    const momo_equity_row *eq;
    int32_t *days = NULL;
    int rc;

    *out = NULL;
    if (o && o->top_n < 0)
        return momo_err_set(err, MOMO_EINVAL, "top n: %d must be >= 0",
                            o->top_n);
    if (o && (o->stock_weight < 0 || o->stock_weight > 1))
        return momo_err_set(err, MOMO_EINVAL,
                            "stock weight: %g is out of range 0..1",
                            o->stock_weight);
    rc = momo_backtest_run(eng, p, win, &run, err);
    if (rc != MOMO_OK)
        return rc;
    r = core_calloc(1, sizeof(*r));
    if (!r)
        goto nomem;
    snprintf(r->market, sizeof(r->market), "%s",
             o && o->market ? o->market : p->market_symbol);
    snprintf(r->bond, sizeof(r->bond), "%s",
             o && o->bond ? o->bond : "AGG");
    r->top_n = o && o->top_n > 0 ? o->top_n : p->max_positions;
    r->stock_weight = o && o->stock_weight > 0 ? o->stock_weight : 0.6;
    eq = momo_result_equity(run, &r->n);
    momo_result_trades(run, &r->n_trades);
    r->A = momo_result_metrics(run)->periods_per_year;
    r->eq[MOMO_BENCH_STRATEGY] = core_malloc(r->n * sizeof(*eq));
    days = core_malloc(r->n * sizeof(*days));
    if (!r->eq[MOMO_BENCH_STRATEGY] || !days)
        goto nomem;
    memcpy(r->eq[MOMO_BENCH_STRATEGY], eq, r->n * sizeof(*eq));
    for (size_t t = 0; t < r->n; t++)
        days[t] = eq[t].date;
    r->avail[MOMO_BENCH_STRATEGY] = 1;
    snprintf(r->label[MOMO_BENCH_STRATEGY], sizeof(r->label[0]),
             "the strategy (%zu trades)", r->n_trades);
    rc = run_all(eng, p, win, r, days, err);
    if (rc != MOMO_OK)
        goto out;
    for (int k = 0; k < MOMO_N_BENCH; k++)
        if (r->avail[k])
            ana_bench_stats(r->eq[k], r->eq[MOMO_BENCH_MARKET], r->n, r->A,
                            p->risk_free, &r->st[k]);
    *out = r;
    r = NULL;
    goto out;
nomem:
    rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
out:
    core_free(days);
    momo_result_free(run);
    momo_bench_result_free(r);
    return rc;
}

/*---- Access ----*/

int momo_bench_result_available(const momo_bench_result *r, int kind)
{
    return kind >= 0 && kind < MOMO_N_BENCH && r->avail[kind];
}

const char *momo_bench_result_label(const momo_bench_result *r, int kind)
{
    return kind >= 0 && kind < MOMO_N_BENCH ? r->label[kind] : NULL;
}

const momo_bench_stats *momo_bench_result_stats(const momo_bench_result *r,
                                                int kind)
{
    return kind >= 0 && kind < MOMO_N_BENCH ? &r->st[kind] : NULL;
}

const momo_equity_row *momo_bench_result_equity(const momo_bench_result *r,
                                                int kind, size_t *n)
{
    if (!momo_bench_result_available(r, kind)) {
        *n = 0;
        return NULL;
    }
    *n = r->n;
    return r->eq[kind];
}

double momo_bench_result_periods_per_year(const momo_bench_result *r)
{
    return r->A;
}

/*---- Output ----*/

int momo_bench_result_write_json(const momo_bench_result *r, FILE *f)
{
    fputs("{\n  \"from\": ", f);
    ana_json_date(f, r->n ? r->eq[0][0].date : 0);
    fputs(",\n  \"to\": ", f);
    ana_json_date(f, r->n ? r->eq[0][r->n - 1].date : 0);
    fprintf(f, ",\n  \"days\": %zu,\n  \"periods_per_year\": ", r->n);
    ana_json_num(f, r->A);
    fputs(",\n  \"market_symbol\": ", f);
    ana_json_str(f, r->market);
    fputs(",\n  \"bond_symbol\": ", f);
    ana_json_str(f, r->bond);
    fprintf(f, ",\n  \"top_n\": %d", r->top_n);
    for (int k = 0; k < MOMO_N_BENCH; k++) {
        fprintf(f, ",\n  \"%s\": {\n    \"available\": %s,\n"
                   "    \"label\": ", bench_names[k],
                r->avail[k] ? "true" : "false");
        ana_json_str(f, r->label[k]);
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            fprintf(f, ",\n    \"%s\": ", fields[i].key);
            ana_json_num(f, field(&r->st[k], i));
        }
        fputs("\n  }", f);
    }
    fputs("\n}\n", f);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

int momo_bench_result_write_text(const momo_bench_result *r, FILE *f)
{
    char a[11], b[11];

    fprintf(f, "benchmarks      %s .. %s, %zu days, same costs as the "
               "strategy\n\n",
            core_format_date(r->eq[0][0].date, a),
            core_format_date(r->eq[0][r->n - 1].date, b), r->n);
    fprintf(f, "%-15s %8s %7s %6s %7s %7s %7s %6s\n", "", "return",
            "CAGR", "Sharpe", "Sortino", "max DD", "recov.", "months");
    for (int k = 0; k < MOMO_N_BENCH; k++) {
        const momo_bench_stats *s = &r->st[k];
        char c[6][32];

        if (!r->avail[k]) {
            fprintf(f, "%-15s %s\n", bench_names[k], r->label[k]);
            continue;
        }
        fprintf(f, "%-15s %8s %7s %6s %7s %7s %6.0fd %6s\n",
                bench_names[k], ana_fmt_pct(s->total_return, c[0]),
                ana_fmt_pct(s->cagr, c[1]), ana_fmt_num(s->sharpe, c[2]),
                ana_fmt_num(s->sortino, c[3]),
                ana_fmt_pct(s->max_drawdown, c[4]), s->recovery_days,
                ana_fmt_pct(s->monthly_win_rate, c[5]));
    }
    fprintf(f, "\nagainst %-7s %6s %6s %7s %6s %6s %6s\n", r->market,
            "corr.", "beta", "alpha", "IR", "up", "down");
    for (int k = 0; k < MOMO_N_BENCH; k++) {
        const momo_bench_stats *s = &r->st[k];
        char c[6][32];

        if (!r->avail[k])
            continue;
        fprintf(f, "%-15s %6s %6s %7s %6s %6s %6s\n", bench_names[k],
                ana_fmt_num(s->correlation, c[0]),
                ana_fmt_num(s->beta, c[1]), ana_fmt_pct(s->alpha, c[2]),
                ana_fmt_num(s->information_ratio, c[3]),
                ana_fmt_num(s->up_capture, c[4]),
                ana_fmt_num(s->down_capture, c[5]));
    }
    fputc('\n', f);
    for (int k = 1; k < MOMO_N_BENCH; k++)
        fprintf(f, "%-15s %s\n", bench_names[k], r->label[k]);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static int equity_csv(const void *obj, FILE *f)
{
    const momo_bench_result *r = obj;

    fputs("date", f);
    for (int k = 0; k < MOMO_N_BENCH; k++)
        fprintf(f, ",%s", bench_names[k]);
    fputc('\n', f);
    for (size_t t = 0; t < r->n; t++) {
        char d[11], b[32];

        fputs(core_format_date(r->eq[0][t].date, d), f);
        for (int k = 0; k < MOMO_N_BENCH; k++)
            fprintf(f, ",%s", r->avail[k]
                    ? core_fmt_double(r->eq[k][t].equity, b) : "");
        fputc('\n', f);
    }
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static int json_cb(const void *obj, FILE *f)
{
    return momo_bench_result_write_json(obj, f);
}

static int text_cb(const void *obj, FILE *f)
{
    return momo_bench_result_write_text(obj, f);
}

int momo_bench_result_write(const momo_bench_result *r, const char *dir,
                            momo_err *err)
{
    int rc = ana_write_file(dir, "benchmarks.json", json_cb, r, err);

    if (rc == MOMO_OK)
        rc = ana_write_file(dir, "benchmarks.txt", text_cb, r, err);
    if (rc == MOMO_OK)
        rc = ana_write_file(dir, "benchmark_equity.csv", equity_csv, r,
                            err);
    return rc;
}

/* tests/analysis/test_benchmark.c - tests for src/analysis/benchmark.c
 * and portfolio.c: SPY buy and hold and 60/40 on the shared data against
 * an independent computation from the raw CSV files, the market against
 * itself, statistics of hand-made curves, costs and cash cuts of a
 * hand-worked market, rebalancing rows, and missing symbols. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "testutil.h"
#include "testmarket.h"
#include "analysis/analysis.h"
#include "core/core.h"
#include "momo/analysis.h"
#include "momo/data.h"

/*---- The independent computation ----*/

#define MAX_ROWS 12000

struct bars {
    size_t n;
    int32_t date[MAX_ROWS];
    double open[MAX_ROWS], close[MAX_ROWS];
};

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return x < y ? -1 : x > y;
}

/* Read a gzip CSV whose columns are date, open, high, low, close,
 * adjusted close (Yahoo: Date,Open,High,Low,Close,Adj Close; Alpha
 * Vantage: timestamp,open,...,adjusted_close): back-adjusted open and
 * close by date, rows with a missing or non-positive price skipped. */
static void read_bars(const char *path, struct bars *b)
{
    gzFile f = gzopen(path, "rb");
    char line[512];
    struct row { int32_t d; double o, c; } *v = calloc(MAX_ROWS, sizeof(*v));
    size_t n = 0;

    assert_non_null(f);
    assert_non_null(gzgets(f, line, sizeof(line)));    /* header */
    while (gzgets(f, line, sizeof(line))) {
        int y, m, d;
        double o, h, l, c, a;
        char *s = line;

        if (sscanf(s, "%d-%d-%d,%lf,%lf,%lf,%lf,%lf", &y, &m, &d, &o, &h,
                   &l, &c, &a) != 8)
            continue;
        if (!(o > 0 && h > 0 && l > 0 && c > 0 && a > 0))
            continue;
        assert_true(n < MAX_ROWS);
        v[n].d = core_days_from_civil(y, m, d);
        v[n].o = o * (a / c);
        v[n].c = a;
        n++;
    }
    gzclose(f);
    qsort(v, n, sizeof(*v), cmp_i32);      /* by date (first member) */
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        b->date[i] = v[i].d;
        b->open[i] = v[i].o;
        b->close[i] = v[i].c;
    }
    free(v);
}

/* One holding of the independent simulation. */
struct hold {
    const struct bars *b;
    size_t cur;            /* bars dated <= today */
    double q, order;
    size_t fill_bar;
};

static double comm(double q)
{
    return fmax(1.0, 0.005 * q);
}

static void sell(double *cash, struct hold *h, double q, double px)
{
    double fill = px * (1 - 0.0005);

    *cash += q * fill - comm(q);
    h->q -= q;
}

static void buy(double *cash, struct hold *h, double want, double px)
{
    double fill = px * (1 + 0.0005), u;

    u = floor(*cash / (fill + 0.005));
    if (0.005 * u < 1.0)
        u = floor((*cash - 1.0) / fill);
    if (u > want)
        u = want;
    while (u > 0 && u * fill + comm(u) > *cash)
        u -= 1;
    if (u <= 0)
        return;
    *cash -= u * fill + comm(u);
    h->q += u;
}

/* Buy and hold (w = {1}) or 60/40 (w = {0.6, 0.4}, monthly) of the
 * holdings h[0..n) over the rows days[0..nd), as
 * docs/internals/analysis.md describes; equity rows into eq. */
static void simulate_ref(struct hold *h, size_t n, const double *w,
                         int monthly, const int32_t *days, size_t nd,
                         double *eq)
{
    double cash = 100000;

    for (size_t t = 0; t < nd; t++) {
        double e = cash;
        int y, m, d, y2, m2, decide;

        for (size_t i = 0; i < n; i++)
            while (h[i].cur < h[i].b->n && h[i].b->date[h[i].cur] <= days[t])
                h[i].cur++;
        for (int side = 0; t > 0 && side < 2; side++)
            for (size_t i = 0; i < n; i++) {
                if (h[i].order == 0 || h[i].fill_bar >= h[i].cur)
                    continue;
                if (side == 0 && h[i].order < 0) {
                    sell(&cash, &h[i], fmin(-h[i].order, h[i].q),
                         h[i].b->open[h[i].fill_bar]);
                    h[i].order = 0;
                } else if (side == 1 && h[i].order > 0) {
                    buy(&cash, &h[i], h[i].order,
                        h[i].b->open[h[i].fill_bar]);
                    h[i].order = 0;
                }
            }
        if (t + 1 == nd)
            for (size_t i = 0; i < n; i++)
                if (h[i].q > 0)
                    sell(&cash, &h[i], h[i].q, h[i].b->close[h[i].cur - 1]);
        e = cash;
        for (size_t i = 0; i < n; i++)
            if (h[i].q > 0)
                e += h[i].q * h[i].b->close[h[i].cur - 1];
        eq[t] = e;
        if (t + 1 == nd)
            break;
        core_civil_from_days(days[t], &y, &m, &d);
        core_civil_from_days(days[t + 1], &y2, &m2, &d);
        decide = t == 0 || (monthly && (y2 != y || m2 != m));
        if (!decide)
            continue;
        for (size_t i = 0; i < n; i++) {
            double px = h[i].b->close[h[i].cur - 1];
            double target = floor(w[i] * e / px);

            h[i].order = 0;
            if (target == h[i].q)
                continue;
            if (target > 0 && h[i].q > 0 &&
                fabs(target - h[i].q) <= 0.1 * target)
                continue;
            h[i].order = target - h[i].q;
            h[i].fill_bar = h[i].cur;
        }
    }
}

/* Dates of two stocks' files within [from, to], merged. */
static size_t calendar_of(const char *a, const char *b, int32_t from,
                          int32_t to, int32_t *days)
{
    static struct bars x, y;
    size_t n = 0, i = 0, j = 0;

    read_bars(a, &x);
    read_bars(b, &y);
    while (i < x.n || j < y.n) {
        int32_t d = j >= y.n || (i < x.n && x.date[i] <= y.date[j])
                    ? x.date[i] : y.date[j];

        if (i < x.n && x.date[i] == d)
            i++;
        if (j < y.n && y.date[j] == d)
            j++;
        if (d >= from && d <= to)
            days[n++] = d;
    }
    return n;
}

static double max_drawdown(const double *e, size_t n)
{
    double peak = e[0], dd = 0;

    for (size_t t = 0; t < n; t++) {
        peak = fmax(peak, e[t]);
        dd = fmax(dd, 1 - e[t] / peak);
    }
    return dd;
}

static double sharpe(const double *e, size_t n)
{
    double mean = 0, var = 0;

    for (size_t t = 1; t < n; t++)
        mean += (e[t] / e[t - 1] - 1) / (double)(n - 1);
    for (size_t t = 1; t < n; t++) {
        double r = e[t] / e[t - 1] - 1;

        var += (r - mean) * (r - mean) / (double)(n - 2);
    }
    return mean / sqrt(var) * sqrt(252.0);
}

static void close_to(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want))))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void spy_and_sixty_forty_match_the_raw_csv_files(void **state)
{
    static struct bars spy, agg;
    static int32_t days[MAX_ROWS];
    static double ref[MAX_ROWS];
    char p[4][4096], u[2][4096];
    const char *paths[4], *uni[2];
    momo_import_opts io = MOMO_IMPORT_OPTS_INIT;
    momo_dataset *ds = NULL;
    momo_engine *eng = NULL;
    momo_bench_result *r = NULL;
    momo_params prm;
    momo_window win;
    momo_err err = { 0 };
    const momo_equity_row *eq;
    size_t n, nd;
    struct hold h[2];
    const double w1[1] = { 1.0 }, w2[2] = { 0.6, 0.4 };

    (void)state;
    TU_SKIP_WITHOUT_SHARED();
    snprintf(p[0], sizeof(p[0]), "%s", tu_shared("sp500/daily/AAPL.csv.gz"));
    snprintf(p[1], sizeof(p[1]), "%s", tu_shared("sp500/daily/MSFT.csv.gz"));
    snprintf(p[2], sizeof(p[2]), "%s", tu_shared("etf/SPY.csv.gz"));
    snprintf(p[3], sizeof(p[3]), "%s", tu_shared("etf/AGG.csv.gz"));
    snprintf(u[0], sizeof(u[0]), "%s", tu_shared("sp500/constituents.csv"));
    snprintf(u[1], sizeof(u[1]), "%s", tu_shared("universe_extra.csv"));
    for (int i = 0; i < 4; i++)
        paths[i] = p[i];
    uni[0] = u[0];
    uni[1] = u[1];
    io.universe = uni;
    io.n_universe = 2;
    io.jobs = 2;
    assert_int_equal(momo_data_import(paths, 4, &io, &ds, NULL, &err),
                     MOMO_OK);
    momo_params_default(&prm);
    win.from = core_days_from_civil(2006, 1, 1);
    win.to = core_days_from_civil(2019, 12, 31);
    assert_int_equal(momo_engine_new(ds, &prm, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_benchmark_run(eng, &prm, &win, NULL, &r, &err),
                     MOMO_OK);

    nd = calendar_of(p[0], p[1], win.from, win.to, days);
    read_bars(p[2], &spy);
    read_bars(p[3], &agg);
    eq = momo_bench_result_equity(r, MOMO_BENCH_MARKET, &n);
    assert_int_equal(n, nd);
    for (size_t t = 0; t < n; t++)
        assert_int_equal(eq[t].date, days[t]);

    memset(h, 0, sizeof(h));
    h[0].b = &spy;
    simulate_ref(h, 1, w1, 0, days, nd, ref);
    for (size_t t = 0; t < n; t++)
        close_to(eq[t].equity, ref[t], 1e-9);
    close_to(momo_bench_result_stats(r, MOMO_BENCH_MARKET)->total_return,
             ref[nd - 1] / ref[0] - 1, 1e-9);
    close_to(momo_bench_result_stats(r, MOMO_BENCH_MARKET)->max_drawdown,
             max_drawdown(ref, nd), 1e-9);
    close_to(momo_bench_result_stats(r, MOMO_BENCH_MARKET)->sharpe,
             sharpe(ref, nd), 1e-9);

    memset(h, 0, sizeof(h));
    h[0].b = &spy;
    h[1].b = &agg;
    simulate_ref(h, 2, w2, 1, days, nd, ref);
    eq = momo_bench_result_equity(r, MOMO_BENCH_SIXTY_FORTY, &n);
    assert_int_equal(n, nd);
    for (size_t t = 0; t < n; t++)
        close_to(eq[t].equity, ref[t], 1e-9);
    close_to(momo_bench_result_stats(r, MOMO_BENCH_SIXTY_FORTY)->sharpe,
             sharpe(ref, nd), 1e-9);
    close_to(momo_bench_result_stats(r, MOMO_BENCH_SIXTY_FORTY)->max_drawdown,
             max_drawdown(ref, nd), 1e-9);
    /* 60/40 is calmer than SPY over 2006-2019 (2008 is in the window) */
    assert_true(momo_bench_result_stats(r, MOMO_BENCH_SIXTY_FORTY)->
                max_drawdown <
                momo_bench_result_stats(r, MOMO_BENCH_MARKET)->max_drawdown);

    momo_bench_result_free(r);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

/*---- Synthetic market ----*/

static momo_dataset *synth_market(void)
{
    return tm_synth(30, 2, 4, 9);
}

static void small_params(momo_params *p)
{
    tm_short_params(p);
    p->momentum_threshold = 50;
}

static momo_bench_result *bench(const momo_dataset *ds, const char *bond,
                                momo_engine **eng_out)
{
    momo_params p;
    momo_engine *eng = NULL;
    momo_bench_result *r = NULL;
    momo_bench_opts o;
    momo_err err = { 0 };

    small_params(&p);
    memset(&o, 0, sizeof(o));
    o.bond = bond;
    if (momo_engine_new(ds, &p, NULL, &eng, &err) != MOMO_OK)
        fail_msg("engine: %s", err.msg);
    if (momo_benchmark_run(eng, &p, NULL, &o, &r, &err) != MOMO_OK)
        fail_msg("benchmark: %s", err.msg);
    *eng_out = eng;
    return r;
}

static void the_market_against_itself_has_beta_1_and_alpha_0(void **st)
{
    momo_dataset *ds = synth_market();
    momo_engine *eng;
    momo_bench_result *r = bench(ds, NULL, &eng);
    const momo_bench_stats *m = momo_bench_result_stats(r, MOMO_BENCH_MARKET);

    (void)st;
    assert_true(fabs(m->beta - 1) < 1e-12);
    assert_true(fabs(m->correlation - 1) < 1e-12);
    assert_true(fabs(m->alpha) < 1e-12);
    assert_true(fabs(m->up_capture - 1) < 1e-12);
    assert_true(fabs(m->down_capture - 1) < 1e-12);
    assert_true(isnan(m->information_ratio));   /* no tracking error */
    momo_bench_result_free(r);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void every_benchmark_runs_on_the_strategys_rows(void **state)
{
    momo_dataset *ds = synth_market();
    momo_engine *eng;
    momo_bench_result *r = bench(ds, NULL, &eng);
    size_t n0, n;
    const momo_equity_row *s = momo_bench_result_equity(r, 0, &n0);
    int max_pos = 0;

    (void)state;
    for (int k = 0; k < MOMO_N_BENCH; k++) {
        const momo_equity_row *e = momo_bench_result_equity(r, k, &n);

        assert_true(momo_bench_result_available(r, k));
        assert_int_equal(n, n0);
        assert_true(e[0].equity == 100000);
        assert_int_equal(e[n - 1].positions, 0);   /* sold at the end */
        for (size_t t = 0; t < n; t++)
            assert_int_equal(e[t].date, s[t].date);
    }
    /* equal weight holds many symbols, naive momentum its top 8 */
    s = momo_bench_result_equity(r, MOMO_BENCH_EQUAL_WEIGHT, &n);
    for (size_t t = 0; t < n; t++)
        max_pos = s[t].positions > max_pos ? s[t].positions : max_pos;
    assert_true(max_pos >= 25);
    s = momo_bench_result_equity(r, MOMO_BENCH_NAIVE_MOMENTUM, &n);
    max_pos = 0;
    for (size_t t = 0; t < n; t++)
        max_pos = s[t].positions > max_pos ? s[t].positions : max_pos;
    assert_true(max_pos >= 4 && max_pos <= 8);
    momo_bench_result_free(r);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void a_missing_bond_leaves_sixty_forty_unavailable(void **state)
{
    momo_dataset *ds = synth_market();
    momo_engine *eng;
    momo_bench_result *r = bench(ds, "NOPE", &eng);
    momo_params p;
    momo_bench_opts o;
    momo_bench_result *r2 = NULL;
    momo_err err = { 0 };
    size_t n;

    (void)state;
    assert_false(momo_bench_result_available(r, MOMO_BENCH_SIXTY_FORTY));
    assert_non_null(strstr(momo_bench_result_label(r, MOMO_BENCH_SIXTY_FORTY),
                           "'NOPE' is not in the dataset"));
    assert_null(momo_bench_result_equity(r, MOMO_BENCH_SIXTY_FORTY, &n));
    assert_true(isnan(momo_bench_result_stats(r, MOMO_BENCH_SIXTY_FORTY)
                      ->sharpe));
    small_params(&p);
    memset(&o, 0, sizeof(o));
    o.market = "QQQ";
    assert_int_equal(momo_benchmark_run(eng, &p, NULL, &o, &r2, &err),
                     MOMO_ENOTFOUND);
    assert_non_null(strstr(err.msg, "market symbol 'QQQ'"));
    assert_null(r2);
    momo_bench_result_free(r);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

/*---- Hand-made markets and curves ----*/

static struct tm_sym hs, hx;

static void all_in(void *ctx, size_t t, const double *close,
                   const int *recent, size_t n, double *w)
{
    (void)ctx;
    (void)t;
    (void)recent;
    (void)n;
    if (isfinite(close[0]))
        w[0] = 1.0;
}

static void a_buy_pays_slippage_and_commission_and_is_cut_to_cash(void **st)
{
    int32_t d0 = core_days_from_civil(2020, 1, 6);   /* a Monday */
    momo_dataset *ds;
    struct tm_sym *v[2] = { &hs, &hx };
    momo_params p;
    int32_t days[4];
    momo_equity_row eq[4];
    uint32_t sym;
    momo_err err = { 0 };
    double fill, cash, sale;

    (void)st;
    tm_init(&hs, "AAA", MOMO_STOCK);
    tm_init(&hx, "ETF", MOMO_ETF);
    for (size_t t = 0; t < 4; t++) {
        double px = 100.0 + 10.0 * (double)t;

        days[t] = tm_day(d0, 0, t);
        tm_bar(&hs, days[t], px, px, px, px, 1e6);
        tm_bar(&hx, days[t], px + 1, px + 2, px, px + 1.5, 1e6);
    }
    ds = tm_build(v, 2);
    momo_params_default(&p);
    p.initial_capital = 10000;
    p.slippage_bps_stock = 10;
    sym = (uint32_t)momo_dataset_find(ds, "ETF");
    assert_int_equal(ana_pf_simulate(ds, &p, &sym, 1, days, 4, ANA_ONCE,
                                     all_in, NULL, eq, &err), MOMO_OK);
    /* decided at the first close (101.5): floor(10000 / 101.5) = 98
     * shares; at the next open 111 x 1.001 cash covers 89 of them with
     * the $1 minimum commission */
    fill = 111.0 * (1.0 + 0.001);
    cash = 10000 - (89 * fill + 1.0);
    assert_true(eq[0].equity == 10000);
    close_to(eq[1].equity, cash + 89 * 111.5, 1e-12);
    close_to(eq[2].equity, cash + 89 * 121.5, 1e-12);
    /* the last row sells at its close, with slippage and commission */
    sale = 89 * (131.5 * (1.0 - 0.001)) - 1.0;
    close_to(eq[3].equity, cash + sale, 1e-12);
    assert_int_equal(eq[1].positions, 1);
    assert_int_equal(eq[3].positions, 0);
    momo_dataset_close(ds);
}

static void rebalances_fall_on_each_months_last_weekday_row(void **st)
{
    int32_t start = core_days_from_civil(2020, 1, 2);
    int32_t stock[60], coin[90];
    int32_t jan31 = core_days_from_civil(2020, 1, 31);
    int32_t feb28 = core_days_from_civil(2020, 2, 28);   /* 29 is a Sat */
    size_t hits = 0;

    (void)st;
    for (size_t t = 0; t < 60; t++)
        stock[t] = tm_day(start, 0, t);
    for (size_t t = 0; t < 90; t++)
        coin[t] = start + (int32_t)t;
    assert_true(ana_is_rebalance_row(stock, 60, 0));
    assert_false(ana_is_rebalance_row(stock, 60, 59));
    for (size_t t = 1; t < 60; t++)
        if (ana_is_rebalance_row(stock, 60, t)) {
            assert_true(stock[t] == jan31 || stock[t] == feb28);
            hits++;
        }
    assert_int_equal(hits, 2);
    hits = 0;
    for (size_t t = 1; t < 90; t++)
        if (ana_is_rebalance_row(coin, 90, t)) {
            assert_true(coin[t] == jan31 || coin[t] == feb28);
            hits++;
        }
    assert_int_equal(hits, 2);   /* the window ends within March */
}

static void a_doubled_market_has_beta_2_and_capture_2(void **state)
{
    enum { N = 300 };
    static momo_equity_row m[N], s[N];
    momo_bench_stats st;
    int32_t d0 = core_days_from_civil(2019, 1, 2);
    size_t months = 0, wins = 0;
    double prev = 100;

    (void)state;
    m[0].date = s[0].date = d0;
    m[0].equity = s[0].equity = 100;
    for (size_t t = 1; t < N; t++) {
        double r = 0.01 * sin(0.7 * (double)t) + 0.002 * cos(2.1 * t);

        m[t].date = s[t].date = tm_day(d0, 0, t);
        m[t].equity = m[t - 1].equity * (1 + r);
        s[t].equity = s[t - 1].equity * (1 + 2 * r);
    }
    ana_bench_stats(s, m, N, 252, 0, &st);
    assert_true(fabs(st.beta - 2) < 1e-9);
    assert_true(fabs(st.correlation - 1) < 1e-9);
    assert_true(fabs(st.alpha) < 1e-9);
    assert_true(fabs(st.up_capture - 2) < 1e-9);
    assert_true(fabs(st.down_capture - 2) < 1e-9);
    /* months: each month's last row against the previous month's */
    for (size_t t = 1; t < N; t++) {
        int y, mo, d, y2 = 0, m2 = 0;

        core_civil_from_days(s[t].date, &y, &mo, &d);
        if (t + 1 < N)
            core_civil_from_days(s[t + 1].date, &y2, &m2, &d);
        if (t + 1 < N && y2 == y && m2 == mo)
            continue;
        months++;
        wins += s[t].equity > prev;
        prev = s[t].equity;
    }
    assert_true(st.monthly_win_rate == (double)wins / (double)months);
    /* without a market curve the relative figures stay undefined */
    ana_bench_stats(s, NULL, N, 252, 0, &st);
    assert_true(isnan(st.beta) && isnan(st.alpha));
    assert_false(isnan(st.sharpe));
}

static void benchmarks_fail_cleanly_on_every_allocation(void **state)
{
    momo_dataset *ds = tm_random(5, 6, 0, 400);
    momo_params p;
    momo_engine *eng = NULL;
    momo_bench_opts o;
    momo_err err = { 0 };

    (void)state;
    tm_easy_params(&p);
    p.max_positions = 3;
    memset(&o, 0, sizeof(o));
    o.market = "S000";          /* a stock stands in for the market */
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    for (int nth = 1;; nth++) {
        momo_bench_result *r = NULL;
        int rc;

        momo_err_clear(&err);
        core_fail_alloc_at(nth);
        rc = momo_benchmark_run(eng, &p, NULL, &o, &r, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_true(nth > 5);
            assert_true(momo_bench_result_available(r, MOMO_BENCH_MARKET));
            momo_bench_result_free(r);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(r);
    }
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spy_and_sixty_forty_match_the_raw_csv_files),
        cmocka_unit_test(the_market_against_itself_has_beta_1_and_alpha_0),
        cmocka_unit_test(every_benchmark_runs_on_the_strategys_rows),
        cmocka_unit_test(a_missing_bond_leaves_sixty_forty_unavailable),
        cmocka_unit_test(a_buy_pays_slippage_and_commission_and_is_cut_to_cash),
        cmocka_unit_test(rebalances_fall_on_each_months_last_weekday_row),
        cmocka_unit_test(a_doubled_market_has_beta_2_and_capture_2),
        cmocka_unit_test(benchmarks_fail_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

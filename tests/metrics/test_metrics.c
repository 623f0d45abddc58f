/* tests/metrics/test_metrics.c - tests for src/metrics/: every metric
 * against a number worked out by hand or by a second, naive formula. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "metrics/metrics.h"

#define CLOSE(a, b) assert_true(fabs((a) - (b)) <= 1e-9 * fmax(1, fabs(b)))

static void equity_metrics_match_hand_computation(void **state)
{
    /* 100 -> 110 -> 99 -> 121 over 3 days, A = 252 */
    momo_equity_row eq[4] = {
        { 18000, 100, 100, 0 }, { 18001, 110, 0, 1 },
        { 18002, 99, 0, 1 }, { 18003, 121, 121, 0 },
    };
    double r[3] = { 0.1, -0.1, 121.0 / 99.0 - 1 };
    double mean = (r[0] + r[1] + r[2]) / 3, var = 0, sd;
    momo_metrics m;

    (void)state;
    for (int i = 0; i < 3; i++)
        var += (r[i] - mean) * (r[i] - mean);
    sd = sqrt(var / 2);
    met_from_equity(eq, 4, 252, 0, &m);
    CLOSE(m.total_return, 0.21);
    CLOSE(m.sharpe, mean / sd * sqrt(252));
    CLOSE(m.annual_volatility, sd * sqrt(252));
    CLOSE(m.sortino, mean * 252 / (sqrt(0.01 / 3) * sqrt(252)));
    CLOSE(m.max_drawdown, 0.1);              /* 110 -> 99 */
    assert_true(m.max_drawdown_duration == 1);
    assert_true(m.max_drawdown_recovery == 1);
    CLOSE(m.ulcer_index, sqrt((10.0 * 10.0) / 4));
    CLOSE(m.recovery_factor, 21.0 / 11.0);
    CLOSE(m.cagr, pow(1.21, 365.25 / 3) - 1);
    CLOSE(m.calmar, m.cagr / 0.1);
    CLOSE(m.exposure, 0.5);
    assert_true(isnan(m.win_rate));          /* no trades: undefined */
}

static void undefined_metrics_are_nan_not_zero(void **state)
{
    momo_equity_row eq[3] = {
        { 18000, 100, 100, 0 }, { 18001, 100, 100, 0 },
        { 18002, 100, 100, 0 },
    };
    momo_metrics m;

    (void)state;
    met_from_equity(eq, 3, 252, 0, &m);
    assert_true(isnan(m.sharpe));            /* zero deviation */
    assert_true(isnan(m.sortino));
    assert_true(m.max_drawdown == 0);
    assert_true(isnan(m.calmar));
    assert_true(isnan(m.recovery_factor));
}

/* A naive O(n^2) drawdown: the worst fall from any earlier row. */
static double naive_max_dd(const momo_equity_row *eq, size_t n)
{
    double worst = 0;

    for (size_t t = 0; t < n; t++)
        for (size_t s = 0; s <= t; s++)
            if (1 - eq[t].equity / eq[s].equity > worst)
                worst = 1 - eq[t].equity / eq[s].equity;
    return worst;
}

static void a_real_run_s_metrics_match_naive_formulas(void **state)
{
    momo_dataset *ds = tm_random(11, 30, 4, 1000);
    momo_params p;
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_err err = { 0 };
    const momo_equity_row *eq;
    const momo_trade *t;
    const momo_metrics *m;
    size_t n, nt, wins = 0;
    double sum = 0, sq = 0, gw = 0, gl = 0, pnl = 0, bars = 0;
    double rs = 0, rq = 0, A;

    (void)state;
    tm_short_params(&p);
    p.min_dollar_volume = 1e6;
    p.max_holding_days = 10;
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_backtest_run(eng, &p, NULL, &res, &err), MOMO_OK);
    m = momo_result_metrics(res);
    eq = momo_result_equity(res, &n);
    t = momo_result_trades(res, &nt);
    assert_true(nt > 30);
    /* mixed stocks and crypto: A = rows / years */
    A = (double)n / ((double)(eq[n - 1].date - eq[0].date) / 365.25);
    CLOSE(m->periods_per_year, A);
    for (size_t i = 1; i < n; i++) {
        double r = eq[i].equity / eq[i - 1].equity - 1;

        sum += r;
        sq += r * r;
    }
    {
        double k = (double)(n - 1), mean = sum / k;
        double sd = sqrt((sq - k * mean * mean) / (k - 1));

        assert_true(fabs(m->sharpe - mean / sd * sqrt(A)) < 1e-7);
    }
    CLOSE(m->max_drawdown, naive_max_dd(eq, n));
    for (size_t i = 0; i < nt; i++) {
        double r = t[i].pnl / (t[i].entry_price * 0.08 * t[i].quantity);

        if (t[i].asset_class == MOMO_CRYPTO)
            r = t[i].pnl / (t[i].entry_price * 0.12 * t[i].quantity);
        wins += t[i].pnl > 0;
        gw += t[i].pnl > 0 ? t[i].pnl : 0;
        gl += t[i].pnl < 0 ? -t[i].pnl : 0;
        pnl += t[i].pnl;
        bars += t[i].bars_held;
        rs += r;
        rq += r * r;
    }
    CLOSE(m->win_rate, (double)wins / (double)nt);
    CLOSE(m->profit_factor, gw / gl);
    CLOSE(m->expectancy, pnl / (double)nt);
    CLOSE(m->avg_bars_held, bars / (double)nt);
    {
        double k = (double)nt, mean = rs / k;
        double sd = sqrt((rq - k * mean * mean) / (k - 1));

        assert_true(fabs(m->sqn - sqrt(k) * mean / sd) < 1e-7);
    }
    /* the final equity is the initial capital plus every trade's pnl */
    CLOSE(eq[n - 1].equity, p.initial_capital + pnl);
    momo_result_free(res);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void metric_names_and_directions_are_a_table(void **state)
{
    (void)state;
    assert_true(momo_metric_count() >= 20);
    assert_int_equal(momo_metric_find("sharpe"), 3);
    assert_int_equal(momo_metric_direction(
                         (size_t)momo_metric_find("max_drawdown")), -1);
    assert_int_equal(momo_metric_find("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equity_metrics_match_hand_computation),
        cmocka_unit_test(undefined_metrics_are_nan_not_zero),
        cmocka_unit_test(a_real_run_s_metrics_match_naive_formulas),
        cmocka_unit_test(metric_names_and_directions_are_a_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

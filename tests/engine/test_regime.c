/* tests/engine/test_regime.c - tests for src/engine/regime.c and the
 * regime scale in runs (STRATEGY.md 9). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"

static struct tm_sym stock, proxy, vix;

/* One stock, an etf proxy that rises then falls, and a VIX that is calm
 * for the first half and stressed for the second. */
static momo_dataset *market(int with_proxy, int with_vix)
{
    struct tm_sym *v[3];
    size_t n = 0;
    int32_t start = core_days_from_civil(2015, 1, 5);

    tm_init(&stock, "AAA", MOMO_STOCK);
    tm_init(&proxy, "SPY", MOMO_ETF);
    tm_init(&vix, "VIX", MOMO_INDEX);
    for (size_t t = 0; t < 400; t++) {
        int32_t d = tm_day(start, 0, t);
        double px = t < 250 ? 100 + t : 350 - 2.0 * (double)(t - 250);
        double vx = t < 200 ? 14 : 30;
        double s = 50 + 10 * sin((double)t / 7.0) + (double)t * 0.05;

        tm_bar(&stock, d, s, s * 1.01, s * 0.99, s, 1e6);
        tm_bar(&proxy, d, px, px, px, px, 1e6);
        tm_bar(&vix, d, vx, vx, vx, vx, 0);
    }
    v[n++] = &stock;
    if (with_proxy)
        v[n++] = &proxy;
    if (with_vix)
        v[n++] = &vix;
    return tm_build(v, n);
}

static void small_periods(momo_params *p)
{
    tm_easy_params(p);
    p->sma_fast = 10;
    p->sma_slow = 30;
    p->vol_window = 5;
    p->vol_median_window = 20;
}

static void regimes_follow_the_proxy_trend_and_the_vix(void **state)
{
    momo_dataset *ds = market(1, 1);
    momo_params p;
    momo_engine *eng = NULL;
    momo_err err = { 0 };
    const momo_regime_day *r;
    size_t n;

    (void)state;
    small_periods(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    r = momo_engine_regimes(eng, &n);
    assert_int_equal(n, 400);
    assert_string_equal(momo_engine_regime_proxy(eng), "SPY");
    assert_int_equal(r[10].regime, -1);           /* SMA(30) undefined */
    assert_int_equal(r[100].regime, MOMO_REGIME_LOW_VOL_TRENDING);
    assert_int_equal(r[220].regime, MOMO_REGIME_HIGH_VOL_TRENDING);
    assert_int_equal(r[300].regime, MOMO_REGIME_HIGH_VOL_MEAN_REVERTING);
    assert_true(r[300].vol == 30);
    assert_int_equal(r[100].trend, 1);
    assert_int_equal(r[100].high_vol, 0);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void without_vix_realized_volatility_decides(void **state)
{
    momo_dataset *ds = market(1, 0);
    momo_params p;
    momo_engine *eng = NULL;
    momo_err err = { 0 };
    const momo_regime_day *r;
    size_t n, defined = 0;

    (void)state;
    small_periods(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    r = momo_engine_regimes(eng, &n);
    assert_non_null(strstr(momo_engine_regime_vol_source(eng), "realized"));
    for (size_t d = 0; d < n; d++) {
        if (r[d].high_vol < 0)
            continue;
        defined++;
        assert_true(r[d].vol >= 0);
    }
    assert_true(defined > 300);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void without_a_proxy_an_equal_weight_index_stands_in(void **st)
{
    momo_dataset *ds = market(0, 1);
    momo_params p;
    momo_engine *eng = NULL;
    momo_err err = { 0 };
    const momo_regime_day *r;
    size_t n;

    (void)st;
    small_periods(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    r = momo_engine_regimes(eng, &n);
    assert_string_equal(momo_engine_regime_proxy(eng), "equal-weight index");
    /* one stock: the index is that stock rebased to 100 */
    assert_true(fabs(r[399].proxy / r[0].proxy -
                     stock.c[399] / stock.c[0]) < 1e-9);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void regimes_up_to_a_date_ignore_later_bars(void **state)
{
    momo_dataset *ds = tm_random(21, 20, 2, 900), *bad;
    momo_dataset_builder *b = NULL;
    momo_params p;
    momo_engine *e1 = NULL, *e2 = NULL;
    momo_err err = { 0 };
    const momo_regime_day *r1, *r2;
    size_t n1, n2, cut;

    (void)state;
    small_periods(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &e1, &err), MOMO_OK);
    r1 = momo_engine_regimes(e1, &n1);
    cut = n1 / 2;
    assert_int_equal(momo_dataset_builder_new(&b, &err), MOMO_OK);
    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        momo_series s, g;
        double *c = malloc(4 * TM_MAX_BARS * sizeof(double));

        momo_dataset_series(ds, k, &s);
        g = s;
        memcpy(c, s.close, s.n * sizeof(double));
        memcpy(c + TM_MAX_BARS, s.high, s.n * sizeof(double));
        memcpy(c + 2 * TM_MAX_BARS, s.low, s.n * sizeof(double));
        memcpy(c + 3 * TM_MAX_BARS, s.open, s.n * sizeof(double));
        for (size_t t = 0; t < s.n; t++)
            if (s.date[t] > r1[cut].date) {
                c[t] = 1000 + (double)t;
                c[TM_MAX_BARS + t] = 5000;
                c[2 * TM_MAX_BARS + t] = 1;
                c[3 * TM_MAX_BARS + t] = 2;
            }
        g.close = c;
        g.high = c + TM_MAX_BARS;
        g.low = c + 2 * TM_MAX_BARS;
        g.open = c + 3 * TM_MAX_BARS;
        assert_int_equal(momo_dataset_builder_add(
                             b, momo_dataset_symbol(ds, k), &g, &err), 0);
        free(c);
    }
    assert_int_equal(momo_dataset_builder_finish(b, &bad, &err), MOMO_OK);
    assert_int_equal(momo_engine_new(bad, &p, NULL, &e2, &err), MOMO_OK);
    r2 = momo_engine_regimes(e2, &n2);
    assert_int_equal(n1, n2);
    for (size_t d = 0; d <= cut; d++) {
        assert_int_equal(r1[d].regime, r2[d].regime);
        assert_memory_equal(&r1[d].proxy, &r2[d].proxy, sizeof(double));
        assert_memory_equal(&r1[d].breadth, &r2[d].breadth, sizeof(double));
    }
    momo_engine_free(e1);
    momo_engine_free(e2);
    momo_dataset_close(bad);
    momo_dataset_close(ds);
}

static momo_result *run(const momo_dataset *ds, const momo_params *p)
{
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_err err = { 0 };

    assert_int_equal(momo_engine_new(ds, p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_backtest_run(eng, p, NULL, &res, &err), MOMO_OK);
    momo_engine_free(eng);
    return res;
}

static void the_regime_scale_sizes_and_pauses_entries(void **state)
{
    momo_dataset *ds = market(1, 1);
    momo_params p;
    momo_result *a, *b, *c;
    const momo_trade *ta, *tb;
    size_t na, nb, nc;

    (void)state;
    small_periods(&p);
    p.max_holding_days = 3;
    a = run(ds, &p);                                /* regimes off */
    p.regime_enabled = 1;
    for (int k = 0; k < MOMO_N_REGIMES; k++)
        p.risk_scale[k] = 0.5;
    b = run(ds, &p);
    for (int k = 0; k < MOMO_N_REGIMES; k++)
        p.risk_scale[k] = 0;
    c = run(ds, &p);
    ta = momo_result_trades(a, &na);
    tb = momo_result_trades(b, &nb);
    momo_result_trades(c, &nc);
    assert_true(na > 10 && nb > 10);
    /* every entry decided where a regime is defined is sized with half
     * the risk: from the equity and close of the decision day */
    {
        size_t ne, checked = 0;
        const momo_equity_row *eq = momo_result_equity(b, &ne);

        for (size_t i = 0; i < nb; i++) {
            size_t d = 0, t = 0;
            double want;

            while (d + 1 < ne && eq[d + 1].date < tb[i].entry_date)
                d++;
            if (eq[d].date < stock.date[30])
                continue;
            while (stock.date[t] != eq[d].date)
                t++;
            want = floor(fmin((eq[d].equity * (0.01 * 0.5)) /
                              (stock.c[t] * 0.08),
                              (0.2 * eq[d].equity) / stock.c[t]));
            assert_true(tb[i].quantity == want);
            checked++;
        }
        assert_true(checked > 5);
    }
    (void)ta;
    /* a scale of 0 pauses entries once regimes are defined */
    {
        const momo_trade *tc = momo_result_trades(c, &nc);

        for (size_t i = 0; i < nc; i++)
            assert_true(tc[i].entry_date <= stock.date[31]);
    }
    momo_result_free(a);
    momo_result_free(b);
    momo_result_free(c);
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regimes_follow_the_proxy_trend_and_the_vix),
        cmocka_unit_test(without_vix_realized_volatility_decides),
        cmocka_unit_test(without_a_proxy_an_equal_weight_index_stands_in),
        cmocka_unit_test(regimes_up_to_a_date_ignore_later_bars),
        cmocka_unit_test(the_regime_scale_sizes_and_pauses_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

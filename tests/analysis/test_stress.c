/* tests/analysis/test_stress.c - tests for src/analysis/stress.c: each
 * scenario's factor path on hand-made markets, betas scaling the shock,
 * and the stored dataset left untouched byte for byte. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "momo/analysis.h"
#include "momo/synth.h"

#define N_BARS 400
#define SHOCK  200           /* bar index of the shock date */

static struct tm_sym spy, lev, half, wild, bnd, vix;

static double walk(size_t t)
{
    return 0.01 * sin(0.37 * (double)t) + 0.006 * cos(1.3 * (double)t);
}

/* SPY a deterministic walk; LEV and HALF with exactly 2 and 0.5 times
 * its daily log returns, WILD 6 times; a bond and an index. */
static momo_dataset *market(void)
{
    struct tm_sym *v[6] = { &spy, &lev, &half, &wild, &bnd, &vix };
    int32_t d0 = core_days_from_civil(2016, 1, 4);
    double ls = 0;

    tm_init(&spy, "SPY", MOMO_ETF);
    tm_init(&lev, "LEV", MOMO_STOCK);
    tm_init(&half, "HALF", MOMO_STOCK);
    tm_init(&wild, "WILD", MOMO_STOCK);
    tm_init(&bnd, "BND", MOMO_BOND);
    tm_init(&vix, "VIX", MOMO_INDEX);
    for (size_t t = 0; t < N_BARS; t++) {
        int32_t d = tm_day(d0, 0, t);
        double s, a, b, c;

        ls += t ? walk(t) : 0;
        s = 100 * exp(ls);
        a = 50 * exp(2 * ls);
        b = 80 * exp(0.5 * ls);
        c = 20 * exp(6 * ls);
        tm_bar(&spy, d, s * 0.995, s * 1.01, s * 0.99, s, 1e6);
        tm_bar(&lev, d, a * 0.995, a * 1.01, a * 0.99, a, 1e6);
        tm_bar(&half, d, b * 0.995, b * 1.01, b * 0.99, b, 1e6);
        tm_bar(&wild, d, c, c * 1.02, c * 0.98, c, 1e6);
        tm_bar(&bnd, d, 100, 100.5, 99.5, 100.2, 1e5);
        tm_bar(&vix, d, 15, 16, 14, 15.5, 0);
    }
    return tm_build(v, 6);
}

static momo_dataset *stressed(const momo_dataset *ds, int kind, int uniform)
{
    momo_stress_opts o;
    momo_dataset *out = NULL;
    momo_err err = { 0 };
    momo_series s;

    momo_dataset_series(ds, 0, &s);
    memset(&o, 0, sizeof(o));
    o.kind = kind;
    o.uniform = uniform;
    o.date = spy.date[SHOCK];
    if (momo_stress_apply(ds, &o, &out, &err) != MOMO_OK)
        fail_msg("stress: %s", err.msg);
    return out;
}

/* Ratio of the stressed close to the original at bar t of `name`. */
static double ratio(const momo_dataset *a, const momo_dataset *b,
                    const char *name, size_t t, int field)
{
    momo_series x, y;
    const double *px, *py;

    momo_dataset_series(a, (size_t)momo_dataset_find(a, name), &x);
    momo_dataset_series(b, (size_t)momo_dataset_find(b, name), &y);
    assert_int_equal(x.n, y.n);
    assert_int_equal(x.date[t], y.date[t]);
    px = field == 0 ? x.open : field == 1 ? x.low : x.close;
    py = field == 0 ? y.open : field == 1 ? y.low : y.close;
    return py[t] / px[t];
}

static void near(double got, double want)
{
    if (!(fabs(got - want) < 1e-12))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void a_market_month_takes_twenty_percent_over_21_bars(void **st)
{
    momo_dataset *ds = market();
    momo_dataset *s = stressed(ds, MOMO_STRESS_MARKET_MONTH, 1);

    (void)st;
    for (size_t t = 0; t < SHOCK; t++)
        near(ratio(ds, s, "LEV", t, 2), 1.0);
    near(ratio(ds, s, "LEV", SHOCK, 2), pow(0.8, 1.0 / 21));
    near(ratio(ds, s, "LEV", SHOCK + 10, 0), pow(0.8, 11.0 / 21));
    near(ratio(ds, s, "SPY", SHOCK + 20, 2), 0.8);
    near(ratio(ds, s, "HALF", N_BARS - 1, 2), 0.8);   /* it persists */
    for (size_t t = 0; t < N_BARS; t++) {
        near(ratio(ds, s, "BND", t, 2), 1.0);          /* bonds, indexes */
        near(ratio(ds, s, "VIX", t, 2), 1.0);
    }
    momo_dataset_close(s);
    momo_dataset_close(ds);
}

static void betas_to_the_market_scale_the_shock(void **state)
{
    momo_dataset *ds = market();
    momo_dataset *s = stressed(ds, MOMO_STRESS_MARKET_MONTH, 0);

    (void)state;
    near(ratio(ds, s, "SPY", SHOCK + 30, 2), 0.8);
    /* log returns exactly 2 and 0.5 times the market's: betas 2, 0.5 */
    assert_true(fabs(ratio(ds, s, "LEV", SHOCK + 30, 2) - 0.6) < 1e-9);
    assert_true(fabs(ratio(ds, s, "HALF", SHOCK + 30, 2) - 0.9) < 1e-9);
    /* beta 6 is clamped to 2.5 */
    assert_true(fabs(ratio(ds, s, "WILD", SHOCK + 30, 2) - 0.5) < 1e-9);
    momo_dataset_close(s);
    momo_dataset_close(ds);
}

static void a_flash_crash_recovers_within_four_bars(void **state)
{
    momo_dataset *ds = market();
    momo_dataset *s = stressed(ds, MOMO_STRESS_FLASH_CRASH, 1);

    (void)state;
    near(ratio(ds, s, "LEV", SHOCK, 0), 1.0);      /* opens untouched */
    near(ratio(ds, s, "LEV", SHOCK, 1), 0.9);
    near(ratio(ds, s, "LEV", SHOCK, 2), 0.9);
    near(ratio(ds, s, "LEV", SHOCK + 1, 2), 1 - 0.1 * 3 / 4.0);
    near(ratio(ds, s, "LEV", SHOCK + 3, 2), 1 - 0.1 * 1 / 4.0);
    for (size_t t = SHOCK + 4; t < N_BARS; t++)
        near(ratio(ds, s, "LEV", t, 2), 1.0);
    momo_dataset_close(s);
    momo_dataset_close(ds);
}

static void an_extended_drawdown_takes_35_percent_over_six_months(void **st)
{
    momo_dataset *ds = market();
    momo_dataset *s = stressed(ds, MOMO_STRESS_EXTENDED_DRAWDOWN, 1);

    (void)st;
    near(ratio(ds, s, "HALF", SHOCK + 62, 2), pow(0.65, 63.0 / 126));
    near(ratio(ds, s, "HALF", SHOCK + 125, 2), 0.65);
    near(ratio(ds, s, "HALF", N_BARS - 1, 2), 0.65);
    momo_dataset_close(s);
    momo_dataset_close(ds);
}

static void a_low_volatility_grind_quarters_the_daily_moves(void **state)
{
    momo_dataset *ds = market();
    momo_dataset *s = stressed(ds, MOMO_STRESS_LOW_VOL_GRIND, 1);
    momo_series x, y;
    long k = momo_dataset_find(ds, "LEV");

    (void)state;
    momo_dataset_series(ds, (size_t)k, &x);
    momo_dataset_series(s, (size_t)k, &y);
    near(y.close[SHOCK - 1], x.close[SHOCK - 1]);
    for (size_t t = SHOCK; t < SHOCK + 126; t++) {
        double r = log(x.close[t] / x.close[t - 1]);
        double g = log(y.close[t] / y.close[t - 1]);

        assert_true(fabs(g - (0.25 * r + 0.0003)) < 1e-9);
        /* the bar's range shrinks to a quarter around its close */
        assert_true(fabs((y.high[t] - y.low[t]) / y.close[t] -
                         0.25 * (x.high[t] - x.low[t]) / x.close[t]) <
                    1e-9);
    }
    /* later bars keep the level reached */
    for (size_t t = SHOCK + 126; t < N_BARS; t++)
        assert_true(fabs(y.close[t] / x.close[t] -
                         y.close[SHOCK + 125] / x.close[SHOCK + 125]) <
                    1e-12);
    momo_dataset_close(s);
    momo_dataset_close(ds);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static void stress_tests_leave_the_stored_dataset_unchanged(void **state)
{
    momo_synth_opts so = momo_synth_default_opts();
    momo_dataset *gen = NULL, *ds = NULL;
    momo_engine *eng = NULL;
    momo_robust_result *r = NULL;
    momo_robust_opts ro;
    momo_params p;
    momo_err err = { 0 };
    char path[4096], *before, *after;
    size_t n_before, n_after;
    uint32_t crc;

    (void)state;
    so.n_stocks = 25;
    so.n_crypto = 2;
    so.years = 3;
    assert_int_equal(momo_synth_generate(&so, &gen, &err), MOMO_OK);
    snprintf(path, sizeof(path), "%s/stored.momo", tu_tmpdir("stress"));
    assert_int_equal(momo_dataset_save(gen, path, &err), MOMO_OK);
    momo_dataset_close(gen);
    before = slurp(path, &n_before);
    assert_int_equal(momo_dataset_open(path, &ds, &err), MOMO_OK);
    crc = momo_dataset_checksum(ds);

    for (int k = 0; k < MOMO_N_STRESS; k++) {
        momo_stress_opts o;
        momo_dataset *s = NULL;

        memset(&o, 0, sizeof(o));
        o.kind = k;
        o.date = core_days_from_civil(2006, 6, 1);
        assert_int_equal(momo_stress_apply(ds, &o, &s, &err), MOMO_OK);
        assert_true(momo_dataset_checksum(s) != crc);   /* it changed */
        assert_null(momo_dataset_path(s));              /* in memory */
        momo_dataset_close(s);
    }
    /* the whole suite too, stress tests included */
    momo_params_default(&p);
    p.roc_periods[2] = 60;
    p.roc_periods[3] = 100;
    memset(&ro, 0, sizeof(ro));
    ro.threads = 2;
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_robustness_run(eng, &p, NULL, &ro, &r, &err),
                     MOMO_OK);
    assert_int_equal(momo_dataset_checksum(ds), crc);
    assert_int_equal(momo_dataset_verify(ds, &err), MOMO_OK);
    momo_robust_result_free(r);
    momo_engine_free(eng);
    momo_dataset_close(ds);

    after = slurp(path, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before);
    assert_int_equal(momo_dataset_open(path, &ds, &err), MOMO_OK);
    assert_int_equal(momo_dataset_checksum(ds), crc);
    assert_int_equal(momo_dataset_verify(ds, &err), MOMO_OK);
    momo_dataset_close(ds);
    free(before);
    free(after);
}

static void stress_fails_cleanly_on_every_allocation(void **state)
{
    momo_dataset *ds = market();
    momo_stress_opts o;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.kind = MOMO_STRESS_FLASH_CRASH;
    o.date = spy.date[SHOCK];
    for (int nth = 1;; nth++) {
        momo_dataset *s = NULL;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_stress_apply(ds, &o, &s, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            momo_dataset_close(s);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(s);
    }
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_market_month_takes_twenty_percent_over_21_bars),
        cmocka_unit_test(betas_to_the_market_scale_the_shock),
        cmocka_unit_test(a_flash_crash_recovers_within_four_bars),
        cmocka_unit_test(an_extended_drawdown_takes_35_percent_over_six_months),
        cmocka_unit_test(a_low_volatility_grind_quarters_the_daily_moves),
        cmocka_unit_test(stress_tests_leave_the_stored_dataset_unchanged),
        cmocka_unit_test(stress_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

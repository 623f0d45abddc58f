/* tests/data/test_synth.c - tests for src/data/synth.c
 *
 * Every statistical property is measured here from the generated bars
 * (returns, correlations, volatilities), never read back from the
 * generator's parameters. The default market of seed 1 is generated once
 * for the group; tests that need another market generate their own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/dataset.h"
#include "momo/synth.h"

/*---- Helpers ----*/

/* The default options; MOMO_SYNTH_TEST_SEED=N runs the tests on seed N
 * (they hold for any seed; the suite uses seed 1). */
static momo_synth_opts test_opts(void)
{
    momo_synth_opts o = momo_synth_default_opts();
    const char *env = getenv("MOMO_SYNTH_TEST_SEED");

    if (env && *env)
        o.seed = strtoull(env, NULL, 10);
    return o;
}

static momo_dataset *generate(const momo_synth_opts *o)
{
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    int rc = momo_synth_generate(o, &ds, &err);

    if (rc != MOMO_OK)
        fail_msg("synth failed: %s", err.msg);
    assert_non_null(ds);
    return ds;
}

static void series_of(const momo_dataset *ds, const char *name,
                      momo_series *s)
{
    long sym = momo_dataset_find(ds, name);

    assert_true(sym >= 0);
    momo_dataset_series(ds, (size_t)sym, s);
}

/* Index of `date` in the sorted dates d[0..n), or -1. */
static long date_index(const int32_t *d, size_t n, int32_t date)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (d[mid] < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && d[lo] == date ? (long)lo : -1;
}

/* The stocks' closes on SPY's calendar: c[k * n_days + t], NaN where
 * stock k has no bar; sector[k] its sector name. Caller frees both. */
struct closes {
    size_t n_stocks, n_days;
    double *c;
    const char **sector;
};

static void stock_closes(const momo_dataset *ds, struct closes *out)
{
    momo_series cal;
    size_t k = 0;

    series_of(ds, "SPY", &cal);
    out->n_days = cal.n;
    out->n_stocks = 0;
    for (size_t sym = 0; sym < momo_dataset_n_symbols(ds); sym++)
        out->n_stocks += momo_dataset_symbol(ds, sym)->asset_class ==
                         MOMO_STOCK;
    out->c = malloc(out->n_stocks * cal.n * sizeof(double));
    out->sector = malloc(out->n_stocks * sizeof(char *));
    assert_non_null(out->c);
    assert_non_null(out->sector);
    for (size_t sym = 0; sym < momo_dataset_n_symbols(ds); sym++) {
        const momo_symbol *m = momo_dataset_symbol(ds, sym);
        double *row = out->c + k * cal.n;
        momo_series s;

        if (m->asset_class != MOMO_STOCK)
            continue;
        out->sector[k++] = m->sector;
        for (size_t t = 0; t < cal.n; t++)
            row[t] = NAN;
        momo_dataset_series(ds, sym, &s);
        for (size_t i = 0; i < s.n; i++) {
            long t = date_index(cal.date, cal.n, s.date[i]);

            assert_true(t >= 0);    /* stocks trade on SPY's days only */
            row[t] = s.close[i];
        }
    }
}

static void closes_release(struct closes *c)
{
    free(c->c);
    free(c->sector);
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0.0;
}

/* Scale x[0..n) to mean 0 and unit norm, so a dot product of two
 * scaled series is their correlation. */
static void standardize(double *x, size_t n)
{
    double m = 0, ss = 0;

    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        x[i] -= m;
        ss += x[i] * x[i];
    }
    assert_true(ss > 0);
    for (size_t i = 0; i < n; i++)
        x[i] /= sqrt(ss);
}

/* Mean pairwise correlation of daily log returns, over the stocks
 * present on every day: pairs in the same sector and pairs across. */
static void sector_correlations(const momo_dataset *ds, double *within,
                                double *across, double *mean_abs)
{
    struct closes c;
    double *r, sw = 0, sa = 0, sabs = 0;
    size_t *keep, n_keep = 0, nw = 0, na = 0, nr;

    stock_closes(ds, &c);
    nr = c.n_days - 1;
    r = malloc(c.n_stocks * nr * sizeof(double));
    keep = malloc(c.n_stocks * sizeof(size_t));
    assert_non_null(r);
    assert_non_null(keep);
    for (size_t k = 0; k < c.n_stocks; k++) {
        const double *p = c.c + k * c.n_days;

        if (isnan(p[0]))
            continue;
        for (size_t t = 1; t < c.n_days; t++)
            r[n_keep * nr + t - 1] = log(p[t] / p[t - 1]);
        standardize(r + n_keep * nr, nr);
        keep[n_keep++] = k;
    }
    for (size_t i = 0; i < n_keep; i++)
        for (size_t j = i + 1; j < n_keep; j++) {
            const double *x = r + i * nr, *y = r + j * nr;
            double rho = 0;

            for (size_t t = 0; t < nr; t++)
                rho += x[t] * y[t];
            sabs += fabs(rho);
            if (strcmp(c.sector[keep[i]], c.sector[keep[j]]) == 0) {
                sw += rho;
                nw++;
            } else {
                sa += rho;
                na++;
            }
        }
    assert_true(nw > 0 && na > 0);
    *within = sw / (double)nw;
    *across = sa / (double)na;
    *mean_abs = sabs / (double)(nw + na);
    free(r);
    free(keep);
    closes_release(&c);
}

/* Mean over months of the cross-sectional correlation between each
 * stock's past 126-day log return and its next 21-day log return. */
static double momentum_ic(const momo_dataset *ds)
{
    struct closes c;
    double *past, *next, sum = 0;
    size_t months = 0;

    stock_closes(ds, &c);
    past = malloc(c.n_stocks * sizeof(double));
    next = malloc(c.n_stocks * sizeof(double));
    assert_non_null(past);
    assert_non_null(next);
    for (size_t t = 126; t + 21 < c.n_days; t += 21) {
        size_t n = 0;

        for (size_t k = 0; k < c.n_stocks; k++) {
            const double *p = c.c + k * c.n_days;

            if (isnan(p[t - 126]))
                continue;
            past[n] = log(p[t] / p[t - 126]);
            next[n] = log(p[t + 21] / p[t]);
            n++;
        }
        if (n < 20)
            continue;
        sum += pearson(past, next, n);
        months++;
    }
    assert_true(months > 100);
    free(past);
    free(next);
    closes_release(&c);
    return sum / (double)months;
}

static void regimes_of(const momo_synth_opts *o, momo_synth_regime *rg,
                       size_t *n)
{
    momo_err err = { 0 };

    assert_int_equal(momo_synth_regimes(o, rg, MOMO_SYNTH_MAX_REGIMES, n,
                                        &err), MOMO_OK);
}

static const momo_synth_regime *find_regime(const momo_synth_regime *rg,
                                            size_t n, int kind)
{
    for (size_t k = 0; k < n; k++)
        if (rg[k].kind == kind)
            return &rg[k];
    fail_msg("no %s stretch", momo_synth_regime_name(kind));
    return NULL;
}

/* Annualized volatility of SPY's daily log returns on the days whose
 * regime is (in_low_vol = 1) or is not (0) the low-volatility one. */
static double spy_vol(const momo_series *spy, const momo_synth_regime *lv,
                      int in_low_vol)
{
    double s = 0, ss = 0;
    size_t n = 0;

    for (size_t t = 1; t < spy->n; t++) {
        int in = spy->date[t] >= lv->first_date &&
                 spy->date[t] <= lv->last_date;
        double x = log(spy->close[t] / spy->close[t - 1]);

        if (in != in_low_vol)
            continue;
        s += x;
        ss += x * x;
        n++;
    }
    return sqrt((ss - s * s / (double)n) / (double)(n - 1) * 252.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/*---- The default market, generated once ----*/

static int group_setup(void **state)
{
    momo_synth_opts o = test_opts();
    momo_dataset *ds = NULL;

    if (momo_synth_generate(&o, &ds, NULL) != MOMO_OK)
        return -1;
    *state = ds;
    return 0;
}

static int group_teardown(void **state)
{
    momo_dataset_close(*state);
    return 0;
}

/*---- Tests ----*/

static void defaults_are_the_documented_ones(void **state)
{
    momo_synth_opts o = momo_synth_default_opts();
    char d[11];

    (void)state;
    assert_true(o.seed == 1);
    assert_int_equal(o.n_stocks, 150);
    assert_int_equal(o.n_crypto, 12);
    assert_int_equal(o.years, 20);
    assert_string_equal(core_format_date(o.start, d), "2005-01-03");
    assert_true(o.momentum == 0.5);
    assert_int_equal(o.random_walk, 0);
}

static void the_same_seed_gives_the_same_checksum_and_others_differ(
    void **state)
{
    momo_synth_opts o = test_opts();
    momo_dataset *again, *other;

    again = generate(&o);
    o.seed++;
    other = generate(&o);
    assert_int_equal(momo_dataset_checksum(*state),
                     momo_dataset_checksum(again));
    assert_int_equal(momo_dataset_n_bars(*state), momo_dataset_n_bars(again));
    assert_int_equal(momo_dataset_verify(again, NULL), MOMO_OK);
    assert_int_not_equal(momo_dataset_checksum(*state),
                         momo_dataset_checksum(other));
    momo_dataset_close(again);
    momo_dataset_close(other);
}

static void the_market_has_its_stocks_sectors_sizes_coins_and_benchmarks(
    void **state)
{
    const momo_dataset *ds = *state;
    const char *sectors[32];
    size_t n_class[MOMO_N_ASSET_CLASSES] = { 0 }, n_size[MOMO_N_SIZES] = { 0 };
    size_t n_sectors = 0;
    long sym;

    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        const momo_symbol *m = momo_dataset_symbol(ds, k);
        size_t j = 0;

        n_class[m->asset_class]++;
        if (m->asset_class != MOMO_STOCK)
            continue;
        n_size[m->size]++;
        assert_true(m->sector[0] != '\0');
        while (j < n_sectors && strcmp(sectors[j], m->sector) != 0)
            j++;
        if (j == n_sectors && n_sectors < 32)
            sectors[n_sectors++] = m->sector;
    }
    assert_true(n_class[MOMO_STOCK] >= 100);
    assert_true(n_sectors >= 8);
    assert_true(n_class[MOMO_CRYPTO] >= 10);
    assert_int_equal(n_size[MOMO_SIZE_NONE], 0);
    assert_true(n_size[MOMO_SIZE_LARGE] >= 10);
    assert_true(n_size[MOMO_SIZE_MID] >= 10);
    assert_true(n_size[MOMO_SIZE_SMALL] >= 10);
    sym = momo_dataset_find(ds, "SPY");
    assert_true(sym >= 0);
    assert_int_equal(momo_dataset_symbol(ds, (size_t)sym)->asset_class,
                     MOMO_ETF);
    sym = momo_dataset_find(ds, "AGG");
    assert_true(sym >= 0);
    assert_int_equal(momo_dataset_symbol(ds, (size_t)sym)->asset_class,
                     MOMO_BOND);
    sym = momo_dataset_find(ds, "VIX");
    assert_true(sym >= 0);
    assert_int_equal(momo_dataset_symbol(ds, (size_t)sym)->asset_class,
                     MOMO_INDEX);
}

static void it_spans_twenty_years_and_most_stocks_trade_throughout(
    void **state)
{
    const momo_dataset *ds = *state;
    momo_series spy;
    size_t whole = 0, late = 0, stocks = 0;
    char d[11];

    series_of(ds, "SPY", &spy);
    assert_string_equal(core_format_date(spy.date[0], d), "2005-01-03");
    assert_string_equal(core_format_date(spy.date[spy.n - 1], d),
                        "2024-12-31");
    assert_true(spy.date[spy.n - 1] - spy.date[0] >= 15 * 365);
    assert_true(spy.n > 15 * 250);
    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        const momo_symbol *m = momo_dataset_symbol(ds, k);

        if (m->asset_class != MOMO_STOCK)
            continue;
        stocks++;
        if (m->n_bars == spy.n)
            whole++;
        else
            late++;
        assert_true(m->n_bars >= 250);
        assert_int_equal(m->last_date, spy.date[spy.n - 1]);
    }
    assert_true(whole >= stocks * 8 / 10);
    assert_true(late >= 1);
}

static void coins_trade_on_weekends_and_stocks_never_do(void **state)
{
    const momo_dataset *ds = *state;
    size_t coin_weekend_bars = 0;

    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        const momo_symbol *m = momo_dataset_symbol(ds, k);
        momo_series s;

        momo_dataset_series(ds, k, &s);
        if (m->asset_class == MOMO_CRYPTO) {
            /* every calendar day from the first bar on */
            assert_int_equal(s.n, (size_t)(m->last_date - m->first_date) + 1);
            for (size_t i = 0; i < s.n; i++)
                coin_weekend_bars += core_weekday(s.date[i]) >= 5;
            continue;
        }
        for (size_t i = 0; i < s.n; i++)
            assert_true(core_weekday(s.date[i]) < 5);
    }
    assert_true(coin_weekend_bars > 1000);
}

static void every_bar_has_consistent_prices_and_a_volume(void **state)
{
    const momo_dataset *ds = *state;

    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        const momo_symbol *m = momo_dataset_symbol(ds, k);
        momo_series s;

        momo_dataset_series(ds, k, &s);
        assert_true(s.n > 0);
        for (size_t i = 0; i < s.n; i++) {
            assert_true(s.low[i] > 0);
            assert_true(s.low[i] <= s.open[i]);
            assert_true(s.low[i] <= s.close[i]);
            assert_true(s.high[i] >= s.open[i]);
            assert_true(s.high[i] >= s.close[i]);
            assert_true(isfinite(s.high[i]));
            if (m->asset_class == MOMO_INDEX)
                assert_true(s.volume[i] == 0);
            else
                assert_true(s.volume[i] >= 1);
        }
        if (m->asset_class == MOMO_STOCK) {
            assert_true(s.open[0] >= 5 && s.open[0] <= 400);
        } else if (m->asset_class == MOMO_CRYPTO) {
            assert_true(s.open[0] >= 0.5 && s.open[0] <= 5000);
        }
    }
}

static void large_and_mid_caps_trade_millions_and_some_small_caps_do_not(
    void **state)
{
    const momo_dataset *ds = *state;
    size_t big = 0, big_liquid = 0, small = 0, small_thin = 0;
    double *dv = NULL;

    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        const momo_symbol *m = momo_dataset_symbol(ds, k);
        momo_series s;
        double med;

        if (m->asset_class != MOMO_STOCK)
            continue;
        momo_dataset_series(ds, k, &s);
        dv = realloc(dv, s.n * sizeof(double));
        assert_non_null(dv);
        for (size_t i = 0; i < s.n; i++)
            dv[i] = s.close[i] * s.volume[i];
        med = median(dv, s.n);
        if (m->size == MOMO_SIZE_SMALL) {
            small++;
            small_thin += med < 5e6;
        } else {
            big++;
            big_liquid += med >= 5e6;
        }
    }
    free(dv);
    assert_true(big_liquid >= big * 9 / 10);
    assert_true(small_thin >= 1);
    assert_true(small_thin < small);
}

static void stocks_correlate_more_within_a_sector_than_across(void **state)
{
    double within, across, mean_abs;

    sector_correlations(*state, &within, &across, &mean_abs);
    print_message("mean correlation within %.3f across %.3f\n", within,
                  across);
    assert_true(across > 0.1);
    assert_true(within > across + 0.05);
}

static void the_regime_schedule_covers_the_span_without_gaps(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    int seen[MOMO_SYNTH_N_REGIMES] = { 0 };
    momo_series spy;
    size_t n;

    series_of(*state, "SPY", &spy);
    regimes_of(&o, rg, &n);
    assert_true(n >= 6);
    assert_int_equal(rg[0].first_date, spy.date[0]);
    assert_int_equal(rg[n - 1].last_date, spy.date[spy.n - 1]);
    for (size_t k = 0; k < n; k++) {
        long a = date_index(spy.date, spy.n, rg[k].first_date);
        long b = date_index(spy.date, spy.n, rg[k].last_date);

        assert_true(a >= 0 && b >= a);
        if (k > 0)
            assert_int_equal(a, date_index(spy.date, spy.n,
                                           rg[k - 1].last_date) + 1);
        if (rg[k].kind == MOMO_SYNTH_CRASH)
            assert_int_equal(b - a + 1, 21);
        if (rg[k].kind == MOMO_SYNTH_FLASH_CRASH)
            assert_int_equal(b - a + 1, 5);
        seen[rg[k].kind] = 1;
    }
    for (int k = 0; k < MOMO_SYNTH_N_REGIMES; k++)
        assert_true(seen[k]);
}

static void spy_falls_about_twenty_percent_in_the_crash_month(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    const momo_synth_regime *crash;
    momo_series spy;
    long a, b;
    double fall;
    size_t n;

    regimes_of(&o, rg, &n);
    crash = find_regime(rg, n, MOMO_SYNTH_CRASH);
    series_of(*state, "SPY", &spy);
    a = date_index(spy.date, spy.n, crash->first_date);
    b = date_index(spy.date, spy.n, crash->last_date);
    assert_true(a > 0 && b > a);
    fall = spy.close[b] / spy.close[a - 1] - 1.0;
    print_message("SPY over the crash: %+.1f%%\n", 100 * fall);
    assert_true(fall > -0.27 && fall < -0.14);
}

static void the_flash_crash_drops_in_a_day_and_recovers_within_days(
    void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    const momo_synth_regime *flash;
    momo_series spy;
    double before, drop, back;
    long a, b;
    size_t n;

    regimes_of(&o, rg, &n);
    flash = find_regime(rg, n, MOMO_SYNTH_FLASH_CRASH);
    series_of(*state, "SPY", &spy);
    a = date_index(spy.date, spy.n, flash->first_date);
    b = date_index(spy.date, spy.n, flash->last_date);
    before = spy.close[a - 1];
    drop = spy.close[a] / before - 1.0;
    back = spy.close[b] / before - 1.0;
    print_message("flash crash: %+.1f%% in a day, %+.1f%% %ld days on\n",
                  100 * drop, 100 * back, b - a);
    assert_true(drop < -0.05);
    assert_true(spy.low[a] < spy.close[a]);
    assert_true(b - a <= 5);
    assert_true(back > -0.03);
}

static void the_low_volatility_stretch_is_calmer_than_the_rest(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    const momo_synth_regime *lv;
    momo_series spy;
    double calm, rest;
    size_t n;

    regimes_of(&o, rg, &n);
    lv = find_regime(rg, n, MOMO_SYNTH_LOW_VOL);
    series_of(*state, "SPY", &spy);
    calm = spy_vol(&spy, lv, 1);
    rest = spy_vol(&spy, lv, 0);
    print_message("SPY annual volatility: low-vol stretch %.3f, rest %.3f\n",
                  calm, rest);
    assert_true(calm < 0.7 * rest);
    assert_true(calm > 0.03 && rest < 0.40);
}

static void vix_is_calm_in_quiet_markets_and_high_in_the_crash(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    const momo_synth_regime *lv, *crash;
    momo_series vix;
    double *calm, peak = 0;
    size_t n, n_calm = 0;

    regimes_of(&o, rg, &n);
    lv = find_regime(rg, n, MOMO_SYNTH_LOW_VOL);
    crash = find_regime(rg, n, MOMO_SYNTH_CRASH);
    series_of(*state, "VIX", &vix);
    calm = malloc(vix.n * sizeof(double));
    assert_non_null(calm);
    for (size_t t = 0; t < vix.n; t++) {
        if (vix.date[t] >= lv->first_date && vix.date[t] <= lv->last_date)
            calm[n_calm++] = vix.close[t];
        if (vix.date[t] >= crash->first_date &&
            vix.date[t] <= crash->last_date && vix.close[t] > peak)
            peak = vix.close[t];
    }
    print_message("VIX median in the low-vol stretch %.1f, crash peak %.1f\n",
                  median(calm, n_calm), peak);
    assert_true(median(calm, n_calm) >= 10 && median(calm, n_calm) <= 20);
    assert_true(peak >= 30 && peak <= 95);
    free(calm);
}

static void agg_is_quiet_and_leans_against_stocks_in_the_crash(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    const momo_synth_regime *crash, *bear;
    momo_series spy, agg;
    double x[2000], y[2000], s = 0, ss = 0, rho;
    size_t n, m = 0;

    regimes_of(&o, rg, &n);
    crash = find_regime(rg, n, MOMO_SYNTH_CRASH);
    bear = find_regime(rg, n, MOMO_SYNTH_BEAR);
    series_of(*state, "SPY", &spy);
    series_of(*state, "AGG", &agg);
    assert_int_equal(spy.n, agg.n);
    for (size_t t = 1; t < agg.n; t++) {
        double ra = log(agg.close[t] / agg.close[t - 1]);

        s += ra;
        ss += ra * ra;
        if ((agg.date[t] >= bear->first_date &&
             agg.date[t] <= bear->last_date) ||
            (agg.date[t] >= crash->first_date &&
             agg.date[t] <= crash->last_date)) {
            assert_true(m < 2000);
            x[m] = log(spy.close[t] / spy.close[t - 1]);
            y[m++] = ra;
        }
    }
    rho = pearson(x, y, m);
    print_message("AGG annual vol %.3f, correlation with SPY in the first "
                  "bear and crash %.2f\n",
                  sqrt(ss / (double)(agg.n - 1) * 252.0), rho);
    assert_true(sqrt(ss / (double)(agg.n - 1) * 252.0) < 0.08);
    assert_true(rho < -0.08 && rho > -0.7);
}

static void strong_momentum_makes_past_winners_keep_winning(void **state)
{
    momo_synth_opts o = test_opts();
    momo_dataset *strong, *none;
    double ic_strong, ic_none;

    (void)state;
    o.n_crypto = 0;
    o.momentum = 1.5;
    strong = generate(&o);
    o.momentum = 0.0;
    none = generate(&o);
    ic_strong = momentum_ic(strong);
    ic_none = momentum_ic(none);
    print_message("mean monthly IC: momentum 1.5 %.3f, momentum 0 %.3f\n",
                  ic_strong, ic_none);
    assert_true(ic_strong > 0.05);
    assert_true(ic_strong > ic_none + 0.05);
    momo_dataset_close(strong);
    momo_dataset_close(none);
}

static void a_random_walk_market_has_no_sector_correlation(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    momo_dataset *ds;
    double within, across, mean_abs;
    size_t n = 99;

    (void)state;
    o.random_walk = 1;
    o.n_crypto = 0;
    ds = generate(&o);
    sector_correlations(ds, &within, &across, &mean_abs);
    print_message("random walk: within %.4f across %.4f mean |rho| %.4f\n",
                  within, across, mean_abs);
    assert_true(fabs(within) < 0.02);
    assert_true(fabs(across) < 0.02);
    assert_true(mean_abs < 0.03);
    regimes_of(&o, rg, &n);
    assert_int_equal(n, 0);
    momo_dataset_close(ds);
}

static void out_of_range_options_are_refused_by_name(void **state)
{
    momo_synth_opts bad[5];
    const char *names[5] = { "stocks", "crypto", "years", "momentum",
                             "start" };

    (void)state;
    for (int k = 0; k < 5; k++)
        bad[k] = momo_synth_default_opts();
    bad[0].n_stocks = 0;
    bad[1].n_crypto = MOMO_SYNTH_MAX_CRYPTO + 1;
    bad[2].years = 0;
    bad[3].momentum = NAN;
    bad[4].start = core_days_from_civil(1800, 1, 1);
    for (int k = 0; k < 5; k++) {
        momo_dataset *ds = (momo_dataset *)(uintptr_t)1; /* becomes NULL */
        momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
        momo_err err = { 0 };
        size_t n = 7;

        assert_int_equal(momo_synth_generate(&bad[k], &ds, &err),
                         MOMO_EINVAL);
        assert_null(ds);
        assert_non_null(strstr(err.msg, names[k]));
        momo_err_clear(&err);
        assert_int_equal(momo_synth_regimes(&bad[k], rg, 16, &n, &err),
                         MOMO_EINVAL);
        assert_int_equal(n, 0);
    }
}

static void a_too_small_regime_buffer_is_refused(void **state)
{
    momo_synth_opts o = test_opts();
    momo_synth_regime rg[2];
    momo_err err = { 0 };
    size_t n = 5;

    (void)state;
    assert_int_equal(momo_synth_regimes(&o, rg, 2, &n, &err), MOMO_EINVAL);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "regimes"));
}

static void generation_fails_cleanly_on_every_allocation(void **state)
{
    momo_synth_opts o = test_opts();
    uint32_t want;
    int nth;

    (void)state;
    o.n_stocks = 4;
    o.n_crypto = 2;
    o.years = 1;
    {
        momo_dataset *ds = generate(&o);

        want = momo_dataset_checksum(ds);
        momo_dataset_close(ds);
    }
    for (nth = 1;; nth++) {
        momo_dataset *ds = NULL;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_synth_generate(&o, &ds, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_int_equal(momo_dataset_checksum(ds), want);
            momo_dataset_close(ds);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(ds);
        assert_non_null(strstr(err.msg, "out of memory"));
    }
    assert_true(nth > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_the_documented_ones),
        cmocka_unit_test(
            the_same_seed_gives_the_same_checksum_and_others_differ),
        cmocka_unit_test(
            the_market_has_its_stocks_sectors_sizes_coins_and_benchmarks),
        cmocka_unit_test(
            it_spans_twenty_years_and_most_stocks_trade_throughout),
        cmocka_unit_test(coins_trade_on_weekends_and_stocks_never_do),
        cmocka_unit_test(every_bar_has_consistent_prices_and_a_volume),
        cmocka_unit_test(
            large_and_mid_caps_trade_millions_and_some_small_caps_do_not),
        cmocka_unit_test(stocks_correlate_more_within_a_sector_than_across),
        cmocka_unit_test(the_regime_schedule_covers_the_span_without_gaps),
        cmocka_unit_test(spy_falls_about_twenty_percent_in_the_crash_month),
        cmocka_unit_test(
            the_flash_crash_drops_in_a_day_and_recovers_within_days),
        cmocka_unit_test(the_low_volatility_stretch_is_calmer_than_the_rest),
        cmocka_unit_test(vix_is_calm_in_quiet_markets_and_high_in_the_crash),
        cmocka_unit_test(
            agg_is_quiet_and_leans_against_stocks_in_the_crash),
        cmocka_unit_test(strong_momentum_makes_past_winners_keep_winning),
        cmocka_unit_test(a_random_walk_market_has_no_sector_correlation),
        cmocka_unit_test(out_of_range_options_are_refused_by_name),
        cmocka_unit_test(a_too_small_regime_buffer_is_refused),
        cmocka_unit_test(generation_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

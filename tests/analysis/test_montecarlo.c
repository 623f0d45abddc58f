/* tests/analysis/test_montecarlo.c - tests for src/analysis/montecarlo.c:
 * what each method keeps and changes, bootstrap percentiles against a
 * known distribution, seeds and threads, the summary, bad input and
 * failing allocations. Trade lists are built in the test; the noise
 * method runs the engine on a random market. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "momo/analysis.h"

#define N_ROWS   400
#define N_TRADES 120

static momo_equity_row rows[N_ROWS];
static momo_trade trades[N_TRADES];

/* A run of N_ROWS weekdays from 100000 and N_TRADES trades with whole-
 * dollar P&L (sums are exact in any order), exiting every third row.
 * The equity rows are those of the trades' realized P&L. */
static momo_mc_input trade_input(void)
{
    momo_mc_input in;
    int32_t d = core_days_from_civil(2015, 1, 5);
    double e = 100000;
    size_t k = 0;

    memset(trades, 0, sizeof(trades));
    for (size_t t = 0; t < N_ROWS; t++) {
        rows[t].date = tm_day(d, 0, t);
        if (t > 0 && t % 3 == 0 && k < N_TRADES) {
            /* a mix of wins and losses with a streak of losses */
            double pnl = (k >= 40 && k < 55) ? -900.0 - 10.0 * (double)k
                         : (k % 3 == 0 ? -700.0 : 1100.0 + (double)k);

            trades[k].exit_date = rows[t].date;
            trades[k].entry_date = rows[t - 2].date;
            trades[k].pnl = pnl;
            e += pnl;
            k++;
        }
        rows[t].equity = e;
        rows[t].cash = e;
    }
    memset(&in, 0, sizeof(in));
    in.eq = rows;
    in.n_eq = N_ROWS;
    in.trades = trades;
    in.n_trades = k;
    in.periods_per_year = 252;
    return in;
}

static momo_mc_result *simulate(const momo_mc_input *in, int method,
                                size_t sims, uint64_t seed, int threads)
{
    momo_mc_opts o = momo_mc_default_opts();
    momo_mc_result *r = NULL;
    momo_err err = { 0 };

    o.method = method;
    o.sims = sims;
    o.seed = seed;
    o.threads = threads;
    if (momo_montecarlo_paths(in, &o, &r, &err) != MOMO_OK)
        fail_msg("montecarlo: %s", err.msg);
    return r;
}

static char *json_of(const momo_mc_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    assert_int_equal(momo_mc_result_write_json(r, f), MOMO_OK);
    fclose(f);
    return text;
}

static void shuffling_keeps_every_paths_final_value(void **state)
{
    momo_mc_input in = trade_input();
    momo_mc_result *r = simulate(&in, MOMO_MC_SHUFFLE, 500, 7, 2);
    const momo_mc_summary *s = momo_mc_result_summary(r);
    size_t n;
    const double *fin = momo_mc_result_values(r, MOMO_MC_FINAL_RETURN, &n);
    double want = rows[N_ROWS - 1].equity / rows[0].equity - 1.0;

    (void)state;
    assert_int_equal(n, 500);
    for (size_t i = 0; i < n; i++)
        assert_true(fin[i] == want);
    assert_true(s->observed[MOMO_MC_FINAL_RETURN] == want);
    assert_true(s->pct[MOMO_MC_FINAL_RETURN].p5 == want);
    assert_true(s->pct[MOMO_MC_FINAL_RETURN].p95 == want);
    momo_mc_result_free(r);
}

static void shuffling_changes_drawdown_and_time_under_water(void **state)
{
    momo_mc_input in = trade_input();
    momo_mc_result *r = simulate(&in, MOMO_MC_SHUFFLE, 500, 7, 2);
    const momo_mc_summary *s = momo_mc_result_summary(r);
    size_t n, distinct_dd = 0, distinct_uw = 0, shallower = 0;
    const double *dd = momo_mc_result_values(r, MOMO_MC_MAX_DRAWDOWN, &n);
    const double *uw = momo_mc_result_values(r, MOMO_MC_LONGEST_DRAWDOWN,
                                             &n);

    (void)state;
    for (size_t i = 1; i < n; i++) {
        distinct_dd += dd[i] != dd[0];
        distinct_uw += uw[i] != uw[0];
        shallower += dd[i] < s->observed[MOMO_MC_MAX_DRAWDOWN];
    }
    /* the losing streak sits together in the run: most orders break it
     * up, so most paths fall less deep than the observed one */
    assert_true(distinct_dd > n / 2);
    assert_true(distinct_uw > n / 4);
    assert_true(shallower > n / 2);
    assert_true(s->pct[MOMO_MC_MAX_DRAWDOWN].p5 <
                s->pct[MOMO_MC_MAX_DRAWDOWN].p95);
    momo_mc_result_free(r);
}

/* Resampling n trades with replacement from P&L values with mean m and
 * standard deviation sd gives a total close to Normal(n m, sqrt(n) sd)
 * (central limit theorem, n = 400). */
static void resampled_percentiles_follow_the_known_distribution(void **st)
{
    enum { N = 400 };
    static momo_equity_row eq[N + 1];
    static momo_trade tr[N];
    momo_mc_input in;
    momo_mc_result *r;
    const momo_mc_summary *s;
    double mean = 0, var = 0, e0 = 1e7, sd_total;
    int32_t d = core_days_from_civil(2012, 1, 2);
    static const double q[5] = { 0.05, 0.25, 0.5, 0.75, 0.95 };

    (void)st;
    memset(tr, 0, sizeof(tr));
    for (size_t k = 0; k < N; k++) {
        /* a population shaped like a normal: its own quantiles */
        tr[k].pnl = 1000.0 * gsl_cdf_ugaussian_Pinv(((double)k + 0.5) / N)
                    + 50.0;
        mean += tr[k].pnl / N;
    }
    for (size_t k = 0; k < N; k++)
        var += (tr[k].pnl - mean) * (tr[k].pnl - mean) / N;
    eq[0].date = d;
    eq[0].equity = e0;
    for (size_t t = 1; t <= N; t++) {
        eq[t].date = tm_day(d, 0, t);
        eq[t].equity = eq[t - 1].equity + tr[t - 1].pnl;
        tr[t - 1].exit_date = eq[t].date;
    }
    memset(&in, 0, sizeof(in));
    in.eq = eq;
    in.n_eq = N + 1;
    in.trades = tr;
    in.n_trades = N;
    in.periods_per_year = 252;
    r = simulate(&in, MOMO_MC_RESAMPLE, 20000, 3, 2);
    s = momo_mc_result_summary(r);
    sd_total = sqrt((double)N * var) / e0;
    for (int i = 0; i < 5; i++) {
        const double *p = &s->pct[MOMO_MC_FINAL_RETURN].p5;
        double want = ((double)N * mean) / e0 +
                      gsl_cdf_ugaussian_Pinv(q[i]) * sd_total;

        /* within 4% of the spread: sampling error is about 1% */
        assert_true(fabs(p[i] - want) < 0.04 * sd_total);
    }
    assert_true(fabs(s->mean[MOMO_MC_FINAL_RETURN] - N * mean / e0) <
                0.02 * sd_total);
    momo_mc_result_free(r);
}

/* Daily returns that alternate +2%, -2%: blocks of mean length 1 mix
 * them freely, blocks of mean length 100 keep their alternation, so the
 * final values spread far less. */
static void longer_blocks_keep_more_of_the_returns_order(void **state)
{
    enum { N = 500 };
    static momo_equity_row eq[N];
    momo_mc_input in;
    momo_mc_opts o = momo_mc_default_opts();
    momo_mc_result *iid = NULL, *blk = NULL;
    const momo_mc_summary *a, *b;
    momo_err err = { 0 };
    int32_t d = core_days_from_civil(2012, 1, 2);

    (void)state;
    eq[0].date = d;
    eq[0].equity = 1000;
    for (size_t t = 1; t < N; t++) {
        eq[t].date = tm_day(d, 0, t);
        eq[t].equity = eq[t - 1].equity * (t % 2 ? 1.02 : 0.98);
    }
    memset(&in, 0, sizeof(in));
    in.eq = eq;
    in.n_eq = N;
    in.periods_per_year = 252;
    o.method = MOMO_MC_BLOCK;
    o.sims = 2000;
    o.block_length = 1;
    assert_int_equal(momo_montecarlo_paths(&in, &o, &iid, &err), MOMO_OK);
    o.block_length = 100;
    assert_int_equal(momo_montecarlo_paths(&in, &o, &blk, &err), MOMO_OK);
    a = momo_mc_result_summary(iid);
    b = momo_mc_result_summary(blk);
    assert_true(b->pct[MOMO_MC_FINAL_RETURN].p95 -
                b->pct[MOMO_MC_FINAL_RETURN].p5 <
                0.2 * (a->pct[MOMO_MC_FINAL_RETURN].p95 -
                       a->pct[MOMO_MC_FINAL_RETURN].p5));
    /* every path keeps the run's dates and starting capital */
    {
        momo_mc_fan fan;

        momo_mc_result_fan(blk, &fan);
        assert_int_equal(fan.date[0], eq[0].date);
        assert_int_equal(fan.date[fan.n - 1], eq[N - 1].date);
        for (size_t k = 0; k < fan.n_samples; k++)
            assert_true(fan.sample[k][0] == 1000);
    }
    momo_mc_result_free(iid);
    momo_mc_result_free(blk);
}

static void one_two_and_four_threads_give_identical_json(void **state)
{
    momo_mc_input in = trade_input();

    (void)state;
    for (int m = MOMO_MC_SHUFFLE; m <= MOMO_MC_BLOCK; m++) {
        momo_mc_result *r1 = simulate(&in, m, 1000, 11, 1);
        momo_mc_result *r2 = simulate(&in, m, 1000, 11, 2);
        momo_mc_result *r4 = simulate(&in, m, 1000, 11, 4);
        char *j1 = json_of(r1), *j2 = json_of(r2), *j4 = json_of(r4);
        size_t n;
        const double *v1 = momo_mc_result_values(r1, MOMO_MC_SHARPE, &n);
        const double *v4 = momo_mc_result_values(r4, MOMO_MC_SHARPE, &n);

        assert_string_equal(j1, j2);
        assert_string_equal(j1, j4);
        assert_memory_equal(v1, v4, n * sizeof(double));
        free(j1);
        free(j2);
        free(j4);
        momo_mc_result_free(r1);
        momo_mc_result_free(r2);
        momo_mc_result_free(r4);
    }
}

static void a_seed_repeats_its_paths_and_another_seed_differs(void **st)
{
    momo_mc_input in = trade_input();
    momo_mc_result *a = simulate(&in, MOMO_MC_RESAMPLE, 300, 5, 2);
    momo_mc_result *b = simulate(&in, MOMO_MC_RESAMPLE, 300, 5, 3);
    momo_mc_result *c = simulate(&in, MOMO_MC_RESAMPLE, 300, 6, 2);
    size_t n;
    const double *va = momo_mc_result_values(a, MOMO_MC_FINAL_RETURN, &n);
    const double *vb = momo_mc_result_values(b, MOMO_MC_FINAL_RETURN, &n);
    const double *vc = momo_mc_result_values(c, MOMO_MC_FINAL_RETURN, &n);

    (void)st;
    assert_memory_equal(va, vb, n * sizeof(double));
    assert_true(memcmp(va, vc, n * sizeof(double)) != 0);
    momo_mc_result_free(a);
    momo_mc_result_free(b);
    momo_mc_result_free(c);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Percentiles as numpy's default (linear) computes them. */
static double percentile(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);

    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static void the_summary_is_that_of_the_simulated_paths(void **state)
{
    momo_mc_input in = trade_input();
    momo_mc_opts o = momo_mc_default_opts();
    momo_mc_result *r = NULL;
    momo_err err = { 0 };
    const momo_mc_summary *s;
    size_t n, ruin = 0, loss = 0;
    const double *dd, *fin;
    double *sorted;

    (void)state;
    o.method = MOMO_MC_RESAMPLE;
    o.sims = 3000;
    o.ruin_drawdown = 0.05;
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_OK);
    s = momo_mc_result_summary(r);
    dd = momo_mc_result_values(r, MOMO_MC_MAX_DRAWDOWN, &n);
    fin = momo_mc_result_values(r, MOMO_MC_FINAL_RETURN, &n);
    for (size_t i = 0; i < n; i++) {
        ruin += dd[i] >= 0.05;
        loss += fin[i] < 0;
    }
    assert_true(ruin > 0 && ruin < n);
    assert_true(s->risk_of_ruin == (double)ruin / (double)n);
    assert_true(s->prob_loss == (double)loss / (double)n);
    sorted = malloc(n * sizeof(double));
    memcpy(sorted, dd, n * sizeof(double));
    qsort(sorted, n, sizeof(double), cmp_double);
    assert_true(fabs(s->pct[MOMO_MC_MAX_DRAWDOWN].p5 -
                     percentile(sorted, n, 0.05)) < 1e-15);
    assert_true(fabs(s->pct[MOMO_MC_MAX_DRAWDOWN].p75 -
                     percentile(sorted, n, 0.75)) < 1e-15);
    memcpy(sorted, fin, n * sizeof(double));
    qsort(sorted, n, sizeof(double), cmp_double);
    assert_true(fabs(s->end_low - percentile(sorted, n, 0.025)) < 1e-15);
    assert_true(fabs(s->end_high - percentile(sorted, n, 0.975)) < 1e-15);
    free(sorted);
    momo_mc_result_free(r);
}

static void the_fan_bands_are_ordered_and_start_at_the_capital(void **st)
{
    momo_mc_input in = trade_input();
    momo_mc_result *r = simulate(&in, MOMO_MC_RESAMPLE, 400, 2, 2);
    momo_mc_fan f;

    (void)st;
    momo_mc_result_fan(r, &f);
    assert_true(f.n >= 2 && f.n <= MOMO_MC_FAN_POINTS);
    assert_int_equal(f.n_samples, MOMO_MC_SAMPLE_PATHS);
    for (int b = 0; b < 5; b++)
        assert_true(f.band[b][0] == rows[0].equity);
    for (size_t i = 0; i < f.n; i++)
        for (int b = 1; b < 5; b++)
            assert_true(f.band[b - 1][i] <= f.band[b][i]);
    /* the observed path books each trade on its exit date */
    assert_true(f.observed[f.n - 1] == rows[N_ROWS - 1].equity);
    momo_mc_result_free(r);
}

static void noise_perturbs_fills_and_reruns_the_engine(void **state)
{
    momo_dataset *ds = tm_random(4, 12, 0, 500);
    momo_params p;
    momo_engine *eng = NULL;
    momo_result *base = NULL;
    momo_mc_result *r1 = NULL, *r3 = NULL;
    momo_mc_opts o = momo_mc_default_opts();
    momo_err err = { 0 };
    size_t n, distinct = 0;
    const double *v;
    char *j1, *j3;

    (void)state;
    tm_easy_params(&p);
    p.max_positions = 4;
    p.slippage_bps_stock = 5;
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_backtest_run(eng, &p, NULL, &base, &err), MOMO_OK);
    o.method = MOMO_MC_NOISE;
    o.sims = 100;
    o.noise_bps = 20;
    o.threads = 1;
    assert_int_equal(momo_montecarlo_run(eng, &p, NULL, &o, &r1, &err),
                     MOMO_OK);
    o.threads = 3;
    assert_int_equal(momo_montecarlo_run(eng, &p, NULL, &o, &r3, &err),
                     MOMO_OK);
    assert_true(momo_mc_result_summary(r1)->observed[MOMO_MC_FINAL_RETURN]
                == momo_result_metrics(base)->total_return);
    v = momo_mc_result_values(r1, MOMO_MC_FINAL_RETURN, &n);
    for (size_t i = 1; i < n; i++)
        distinct += v[i] != v[0];
    assert_true(distinct > n / 2);
    j1 = json_of(r1);
    j3 = json_of(r3);
    assert_string_equal(j1, j3);
    free(j1);
    free(j3);
    momo_mc_result_free(r1);
    momo_mc_result_free(r3);
    momo_result_free(base);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void bad_options_and_inputs_are_refused_by_name(void **state)
{
    momo_mc_input in = trade_input();
    momo_mc_opts o = momo_mc_default_opts();
    momo_mc_result *r = NULL;
    momo_err err = { 0 };

    (void)state;
    o.sims = 10;
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "sims: 10 is out of range"));
    assert_null(r);
    o = momo_mc_default_opts();
    o.ruin_drawdown = 0;
    momo_err_clear(&err);
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "ruin drawdown"));
    o = momo_mc_default_opts();
    o.method = MOMO_MC_NOISE;
    momo_err_clear(&err);
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "momo_montecarlo_run"));
    o = momo_mc_default_opts();
    in.n_trades = 0;
    momo_err_clear(&err);
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "no trade"));
    in = trade_input();
    trades[3].exit_date = trades[1].exit_date - 1;   /* not a row */
    momo_err_clear(&err);
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "trade 4"));
    assert_null(r);
    assert_int_equal(momo_mc_method_parse("block"), MOMO_MC_BLOCK);
    assert_int_equal(momo_mc_method_parse("blocks"), -1);
}

static void simulation_fails_cleanly_on_every_allocation(void **state)
{
    momo_mc_input in = trade_input();
    momo_mc_opts o = momo_mc_default_opts();

    (void)state;
    o.method = MOMO_MC_BLOCK;
    o.sims = 100;
    o.threads = 1;
    for (int nth = 1;; nth++) {
        momo_mc_result *r = NULL;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_montecarlo_paths(&in, &o, &r, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_true(nth > 5);
            momo_mc_result_free(r);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(r);
    }
}

static void interrupting_stops_the_simulation(void **state)
{
    momo_mc_input in = trade_input();
    momo_mc_opts o = momo_mc_default_opts();
    momo_mc_result *r = NULL;
    momo_err err = { 0 };
    volatile int stop = 1;

    (void)state;
    o.interrupt = &stop;
    assert_int_equal(momo_montecarlo_paths(&in, &o, &r, &err), MOMO_EINTR);
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shuffling_keeps_every_paths_final_value),
        cmocka_unit_test(shuffling_changes_drawdown_and_time_under_water),
        cmocka_unit_test(resampled_percentiles_follow_the_known_distribution),
        cmocka_unit_test(longer_blocks_keep_more_of_the_returns_order),
        cmocka_unit_test(one_two_and_four_threads_give_identical_json),
        cmocka_unit_test(a_seed_repeats_its_paths_and_another_seed_differs),
        cmocka_unit_test(the_summary_is_that_of_the_simulated_paths),
        cmocka_unit_test(the_fan_bands_are_ordered_and_start_at_the_capital),
        cmocka_unit_test(noise_perturbs_fills_and_reruns_the_engine),
        cmocka_unit_test(bad_options_and_inputs_are_refused_by_name),
        cmocka_unit_test(simulation_fails_cleanly_on_every_allocation),
        cmocka_unit_test(interrupting_stops_the_simulation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

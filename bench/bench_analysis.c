/* bench_analysis.c - the analyses' figures:
 *
 *   1. 10,000 trade-shuffle simulations of a 1,000-trade backtest (the
 *      first 1,000 trades of the default backtest and the equity rows up
 *      to the last one's exit), on 1 thread and on all cores;
 *   2. the whole robustness suite (periods, universes, stress scenarios,
 *      assumptions) of the default config on the shared S&P 500 data
 *      with SPY, AGG and VIX, full period.
 *
 *   bench_analysis [DATASET]
 *
 * Without DATASET the shared data (MOMO_SHARED_DATA, default
 * ../shared/data next to the source tree) is imported in memory; without
 * that either, the synthetic market stands in for figure 1 and figure 2
 * prints "skipped". Times are medians of repeated runs, wall clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "momo/analysis.h"
#include "bench.h"
#include "momo/synth.h"

static void shuffles(const momo_dataset *ds, const char *what)
{
    enum { REPS = 5 };
    momo_params p;
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_err err = { 0 };
    momo_mc_input in;
    const momo_trade *tr;
    const momo_equity_row *eq;
    size_t n_tr, n_eq;
    double t1[REPS], t2[REPS], c1[REPS];

    momo_params_default(&p);
    if (momo_engine_new(ds, &p, NULL, &eng, &err) != MOMO_OK ||
        momo_backtest_run(eng, &p, NULL, &res, &err) != MOMO_OK) {
        fprintf(stderr, "bench_analysis: %s\n", err.msg);
        exit(1);
    }
    tr = momo_result_trades(res, &n_tr);
    eq = momo_result_equity(res, &n_eq);
    if (n_tr < 1000) {
        printf("shuffle: skipped (the backtest has %zu trades)\n", n_tr);
        goto out;
    }
    memset(&in, 0, sizeof(in));
    in.trades = tr;
    in.n_trades = 1000;
    in.eq = eq;
    while (in.n_eq < n_eq && eq[in.n_eq].date <= tr[999].exit_date)
        in.n_eq++;
    in.periods_per_year = momo_result_metrics(res)->periods_per_year;
    for (int threads = 1; threads <= 2; threads++)
        for (int r = 0; r < REPS; r++) {
            momo_mc_opts o = momo_mc_default_opts();
            momo_mc_result *mc = NULL;
            double t0, cpu0 = bench_thread_cpu();

            o.sims = 10000;
            o.threads = threads == 1 ? 1 : 0;
            t0 = momo_now();
            if (momo_montecarlo_paths(&in, &o, &mc, &err) != MOMO_OK) {
                fprintf(stderr, "bench_analysis: %s\n", err.msg);
                exit(1);
            }
            (threads == 1 ? t1 : t2)[r] = momo_now() - t0;
            if (threads == 1)
                c1[r] = bench_thread_cpu() - cpu0;
            momo_mc_result_free(mc);
        }
    printf("shuffle: 10000 simulations of 1000 trades over %zu rows (%s)\n",
           in.n_eq, what);
    printf("  1 thread:  median %.3f s wall, %.3f s CPU (of %d)\n",
           bench_median(t1, REPS), bench_median(c1, REPS), REPS);
    printf("  all cores: median %.3f s (of %d)\n", bench_median(t2, REPS), REPS);
out:
    momo_result_free(res);
    momo_engine_free(eng);
}

static void robustness(const momo_dataset *ds)
{
    enum { REPS = 3 };
    momo_params p;
    momo_engine *eng = NULL;
    momo_robust_result *r = NULL;
    momo_robust_opts o;
    momo_err err = { 0 };
    double t[REPS], pre;
    size_t n_tests, n_sym;

    momo_params_default(&p);
    memset(&o, 0, sizeof(o));
    pre = momo_now();
    if (momo_engine_new(ds, &p, NULL, &eng, &err) != MOMO_OK) {
        fprintf(stderr, "bench_analysis: %s\n", err.msg);
        exit(1);
    }
    pre = momo_now() - pre;
    for (int i = 0; i < REPS; i++) {
        double t0 = momo_now();

        momo_robust_result_free(r);
        r = NULL;
        if (momo_robustness_run(eng, &p, NULL, &o, &r, &err) != MOMO_OK) {
            fprintf(stderr, "bench_analysis: %s\n", err.msg);
            exit(1);
        }
        t[i] = momo_now() - t0;
    }
    momo_robust_result_tests(r, &n_tests);
    momo_engine_symbols(eng, &n_sym);
    printf("robustness: the whole suite, default config, shared S&P 500 "
           "data (%zu symbols), all cores\n", n_sym);
    printf("  median %.2f s (of %d) for %zu tests, after the baseline "
           "engine (%.2f s); score %.0f\n", bench_median(t, REPS), REPS,
           n_tests, pre, momo_robust_result_score(r));
    momo_robust_result_free(r);
    momo_engine_free(eng);
}

int main(int argc, char **argv)
{
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    int shared = 0;

    if (argc > 1) {
        if (momo_dataset_open(argv[1], &ds, &err) != MOMO_OK) {
            fprintf(stderr, "bench_analysis: %s\n", err.msg);
            return 1;
        }
        shared = 1;
    } else {
        const char *dirs[] = { "sp500/daily", "etf", "macro" };

        ds = bench_load("bench_analysis", NULL, dirs, 3);
        shared = ds != NULL;
    }
    if (!ds) {
        momo_synth_opts so = momo_synth_default_opts();

        if (momo_synth_generate(&so, &ds, &err) != MOMO_OK) {
            fprintf(stderr, "bench_analysis: %s\n", err.msg);
            return 1;
        }
    }
    shuffles(ds, shared ? "default backtest, given or shared data"
                        : "default backtest, synthetic market");
    if (shared)
        robustness(ds);
    else
        printf("robustness: skipped (no shared data)\n");
    momo_dataset_close(ds);
    return 0;
}

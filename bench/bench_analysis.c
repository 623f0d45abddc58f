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
#include "momo/data.h"
#include "momo/momo.h"
#include "momo/synth.h"

#ifndef MOMO_SOURCE_DIR
#define MOMO_SOURCE_DIR "."
#endif

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* CPU seconds of the calling thread: steadier than wall time on a
 * machine shared with other work, for the single-threaded runs. */
static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static momo_dataset *load_shared(void)
{
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    char d[3][4096], u[2][4096];
    const char *base = getenv("MOMO_SHARED_DATA");
    const char *paths[3], *uni[2];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;

    if (!base || !*base)
        base = MOMO_SOURCE_DIR "/../shared/data";
    snprintf(d[0], sizeof(d[0]), "%s/sp500/daily", base);
    snprintf(d[1], sizeof(d[1]), "%s/etf", base);
    snprintf(d[2], sizeof(d[2]), "%s/macro", base);
    snprintf(u[0], sizeof(u[0]), "%s/sp500/constituents.csv", base);
    snprintf(u[1], sizeof(u[1]), "%s/universe_extra.csv", base);
    for (int i = 0; i < 3; i++)
        paths[i] = d[i];
    uni[0] = u[0];
    uni[1] = u[1];
    o.universe = uni;
    o.n_universe = 2;
    if (momo_data_import(paths, 3, &o, &ds, NULL, &err) != MOMO_OK) {
        printf("bench_analysis: no shared data (%s)\n", err.msg);
        return NULL;
    }
    return ds;
}

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
            double t0, cpu0 = cpu_now();

            o.sims = 10000;
            o.threads = threads == 1 ? 1 : 0;
            t0 = momo_now();
            if (momo_montecarlo_paths(&in, &o, &mc, &err) != MOMO_OK) {
                fprintf(stderr, "bench_analysis: %s\n", err.msg);
                exit(1);
            }
            (threads == 1 ? t1 : t2)[r] = momo_now() - t0;
            if (threads == 1)
                c1[r] = cpu_now() - cpu0;
            momo_mc_result_free(mc);
        }
    printf("shuffle: 10000 simulations of 1000 trades over %zu rows (%s)\n",
           in.n_eq, what);
    printf("  1 thread:  median %.3f s wall, %.3f s CPU (of %d)\n",
           median(t1, REPS), median(c1, REPS), REPS);
    printf("  all cores: median %.3f s (of %d)\n", median(t2, REPS), REPS);
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
           "engine (%.2f s); score %.0f\n", median(t, REPS), REPS,
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
        ds = load_shared();
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

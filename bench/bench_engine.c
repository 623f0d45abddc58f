/* bench_engine.c - the engine's figures on the shared S&P 500 data:
 * the shared precompute and one full-period backtest of the default
 * config after it (medians over repeated runs).
 *
 *   bench_engine [DATASET]
 *
 * Without DATASET the shared data (MOMO_SHARED_DATA, default
 * ../shared/data next to the source tree) is imported in memory first;
 * without that either, it prints "skipped". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

int main(int argc, char **argv)
{
    enum { N_PRE = 7, N_RUN = 101 };
    double pre1[N_PRE], pre2[N_PRE], cpu1[N_PRE], run[N_RUN], cpu[N_RUN];
    const char *dirs[] = { "sp500/daily" };
    momo_dataset *ds = bench_load("bench_engine", argc > 1 ? argv[1] : NULL,
                                  dirs, 1);
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_params p;
    momo_metrics m;
    momo_err err = { 0 };
    size_t n_days, n_sym;

    int n_pre = N_PRE, n_run = N_RUN, max_threads = 2;

    if (!ds)
        return argc > 1 ? 1 : 0;
    if (getenv("MOMO_BENCH_QUICK")) {    /* for instruction counting */
        n_pre = 1;
        n_run = 3;
        max_threads = 1;
    }
    if (getenv("MOMO_BENCH_RUNS")) {     /* for profiling the runs */
        n_pre = 1;
        max_threads = 1;
        n_run = atoi(getenv("MOMO_BENCH_RUNS"));
        if (n_run < 1 || n_run > N_RUN)
            n_run = N_RUN;
    }
    momo_params_default(&p);
    for (int threads = 1; threads <= max_threads; threads++) {
        for (int i = 0; i < n_pre; i++) {
            momo_engine_opts o = { 0 };
            double t0;

            double c0 = bench_thread_cpu();

            o.threads = threads;
            momo_engine_free(eng);
            eng = NULL;
            t0 = momo_now();
            if (momo_engine_new(ds, &p, &o, &eng, &err) != MOMO_OK) {
                fprintf(stderr, "bench_engine: %s\n", err.msg);
                return 1;
            }
            (threads == 1 ? pre1 : pre2)[i] = momo_now() - t0;
            cpu1[i] = bench_thread_cpu() - c0;
        }
    }
    momo_engine_calendar(eng, &n_days);
    momo_engine_symbols(eng, &n_sym);
    if (momo_workspace_new(eng, &ws, &err) != MOMO_OK)
        return 1;
    /* a fresh workspace per run: every run scans, as a single run does
     * (a workspace reused with the same filters walks lists instead) */
    for (int i = 0; i < n_run; i++) {
        momo_workspace *fresh = NULL;
        double t0, c0;

        if (momo_workspace_new(eng, &fresh, &err) != MOMO_OK)
            return 1;
        t0 = momo_now();
        c0 = bench_thread_cpu();
        if (momo_backtest_eval(fresh, &p, NULL, &m, &err) != MOMO_OK) {
            fprintf(stderr, "bench_engine: %s\n", err.msg);
            return 1;
        }
        run[i] = momo_now() - t0;
        cpu[i] = bench_thread_cpu() - c0;
        momo_workspace_free(fresh);
    }
    printf("backtest, default config, full period, each on a fresh "
           "workspace: median %.3f ms wall, %.3f ms CPU (of %d)\n",
           1e3 * bench_median(run, (size_t)n_run),
           1e3 * bench_median(cpu, (size_t)n_run), n_run);
    for (int i = 0; i < n_run; i++) {
        double t0 = momo_now(), c0 = bench_thread_cpu();

        if (momo_backtest_eval(ws, &p, NULL, &m, &err) != MOMO_OK) {
            fprintf(stderr, "bench_engine: %s\n", err.msg);
            return 1;
        }
        run[i] = momo_now() - t0;
        cpu[i] = bench_thread_cpu() - c0;
    }
    printf("dataset: %zu traded symbols, %zu calendar days, %zu bars\n",
           n_sym, n_days, momo_dataset_n_bars(ds));
    printf("precompute, 1 thread:  median %.1f ms (of %d)\n",
           1e3 * bench_median(pre1, (size_t)n_pre), n_pre);
    printf("precompute, 2 threads: median %.1f ms wall, %.1f ms on the "
           "calling thread's CPU (of %d)\n",
           1e3 * bench_median(pre2, (size_t)n_pre),
           1e3 * bench_median(cpu1, (size_t)n_pre), n_pre);
    printf("backtest, default config, full period, one workspace reused: "
           "median %.3f ms wall, "
           "%.3f ms CPU (of %d), %.0f runs/s on one core\n",
           1e3 * bench_median(run, (size_t)n_run), 1e3 * bench_median(cpu, (size_t)n_run),
           n_run, 1.0 / bench_median(cpu, (size_t)n_run));
    printf("  (%g trades, sharpe %.4f, final equity %.2f)\n", m.num_trades,
           m.sharpe, m.final_equity);
    momo_workspace_free(ws);
    momo_engine_free(eng);
    momo_dataset_close(ds);
    return 0;
}

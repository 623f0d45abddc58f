/* bench_optimize.c - the optimizer's figures on the shared S&P 500 data:
 * backtests per second per core, the whole seed grid, and a 5-split
 * walk-forward with 1,000 random samples per split.
 *
 *   bench_optimize [DATASET] [--quick | --full]
 *
 * Without DATASET the shared data (MOMO_SHARED_DATA, default
 * ../shared/data next to the source tree) is imported in memory first;
 * without that either, it prints "skipped". --quick times the
 * throughput alone; --full adds examples/seed_grid_full.yaml (209,952
 * runs, about two minutes on 2 cores) with every file written. Caches go to a fresh folder under $TMPDIR (or /tmp)
 * and are removed afterwards, so every figure is of real work; the
 * grid's re-run from its cache is timed too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "momo/optimize.h"

/* examples/seed_grid.yaml */
static const char seed_grid[] =
    "grid:\n"
    "  scanner.momentum_threshold: [60, 65, 70, 75]\n"
    "  signals.entry.rsi_min: [45, 50, 55]\n"
    "  signals.entry.rsi_max: [65, 70, 75]\n"
    "  signals.exit.profit_target_stock: [0.15, 0.20, 0.25]\n"
    "  signals.exit.stop_loss_stock: [0.07, 0.08, 0.10]\n"
    "  signals.exit.trailing_stop_distance: [0.06, 0.08, 0.10]\n"
    "  signals.exit.max_holding_days: [20, 25, 30, 35]\n"
    "  risk.risk_per_trade: [0.008, 0.010, 0.012]\n"
    "  risk.max_positions: [6, 8, 10]\n";

/* examples/random_space.yaml */
static const char random_space[] =
    "space:\n"
    "  scanner.momentum_threshold: {type: uniform, low: 55, high: 85}\n"
    "  signals.entry.rsi_min: {type: integer, low: 40, high: 55}\n"
    "  signals.entry.rsi_max: {type: integer, low: 65, high: 80}\n"
    "  signals.exit.profit_target_stock: {type: log-uniform, low: 0.10, "
    "high: 0.40}\n"
    "  signals.exit.stop_loss_stock: {type: uniform, low: 0.05, "
    "high: 0.12}\n"
    "  signals.exit.trailing_stop_distance: {type: uniform, low: 0.05, "
    "high: 0.12}\n"
    "  signals.exit.max_holding_days: {type: integer, low: 15, high: 40}\n"
    "  risk.risk_per_trade: {type: log-uniform, low: 0.005, high: 0.02}\n"
    "  risk.max_positions: [6, 8, 10]\n";

static momo_space *space(const char *text)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };

    if (momo_space_load_text(text, strlen(text), "bench.yaml", &sp, &err) !=
        MOMO_OK) {
        fprintf(stderr, "bench_optimize: %s\n", err.msg);
        exit(1);
    }
    return sp;
}

static void on_estimate(void *ud, const momo_opt_estimate *e)
{
    (void)ud;
    printf("  estimate after the first runs: %zu to run at %.0f/s "
           "(%d workers): %.0f s\n", e->n_left, e->rate, e->workers,
           e->seconds);
    fflush(stdout);
}

/* Single-threaded throughput of n consecutive trials of the grid run as
 * the optimizer's workers run them: LANES at a time in one batch. */
enum { LANES = 32 };

static void batch_throughput(const momo_engine *eng, const momo_design *d,
                             size_t n)
{
    momo_workspace *ws[LANES];
    momo_params base, p[LANES];
    momo_metrics m[LANES];
    momo_err errs[LANES], err = { 0 };
    int rc[LANES];
    size_t nd = momo_design_n_dims(d), n_trades = 0, first = 0;
    double t0, c0, cpu, wall;

    momo_params_default(&base);
    for (int k = 0; k < LANES; k++)
        if (momo_workspace_new(eng, &ws[k], &err) != MOMO_OK) {
            fprintf(stderr, "bench_optimize: %s\n", err.msg);
            exit(1);
        }
    /* the middle of the grid: a scanner and filter set like any other */
    first = momo_design_n_trials(d) / 2;
    first -= first % 108;
    t0 = momo_now();
    c0 = bench_thread_cpu();
    for (size_t i = 0; i < n; i += LANES) {
        size_t k_n = n - i < LANES ? n - i : LANES;

        for (size_t k = 0; k < k_n; k++) {
            p[k] = base;
            for (size_t j = 0; j < nd; j++)
                if (momo_params_set_number(&p[k], momo_design_dim(d, j)->param,
                                           momo_design_value(d, first + i + k,
                                                             j),
                                           &err) != MOMO_OK) {
                    fprintf(stderr, "bench_optimize: %s\n", err.msg);
                    exit(1);
                }
        }
        momo_backtest_eval_batch(ws, p, k_n, NULL, m, rc, errs);
        for (size_t k = 0; k < k_n; k++) {
            if (rc[k] != MOMO_OK) {
                fprintf(stderr, "bench_optimize: %s\n", errs[k].msg);
                exit(1);
            }
            n_trades += (size_t)m[k].num_trades;
        }
    }
    wall = momo_now() - t0;
    cpu = bench_thread_cpu() - c0;
    printf("throughput, batched %.0f backtests/s per core: %zu consecutive "
           "runs of the seed grid, %d at a time (as the optimizer runs "
           "them), 1 thread, %.2f ms CPU each (%.2f ms wall), %.0f trades "
           "a run\n", (double)n / cpu, n, LANES, 1e3 * cpu / (double)n,
           1e3 * wall / (double)n, (double)n_trades / (double)n);
    for (int k = 0; k < LANES; k++)
        momo_workspace_free(ws[k]);
}

/* Single-threaded throughput over n trials spread over the grid. */
static void throughput(const momo_dataset *ds, const momo_design *d,
                       size_t n)
{
    momo_params p;
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_err err = { 0 };
    momo_evaluation ev;
    double t0, c0, wall, cpu, pre;
    size_t nd = momo_design_n_dims(d), n_trades = 0;
    momo_dim dims[64];
    double vals[64];

    momo_params_default(&p);
    t0 = momo_now();
    if (momo_engine_new(ds, &p, NULL, &eng, &err) != MOMO_OK ||
        momo_workspace_new(eng, &ws, &err) != MOMO_OK) {
        fprintf(stderr, "bench_optimize: %s\n", err.msg);
        exit(1);
    }
    pre = momo_now() - t0;
    for (size_t j = 0; j < nd; j++)
        dims[j] = *momo_design_dim(d, j);
    t0 = momo_now();
    c0 = bench_thread_cpu();
    for (size_t i = 0; i < n; i++) {
        /* spread the sample over the grid */
        size_t t = i * (momo_design_n_trials(d) / n);

        for (size_t j = 0; j < nd; j++)
            vals[j] = momo_design_value(d, t, j);
        if (momo_opt_evaluate(ws, &p, dims, vals, nd, NULL, 1, &ev, &err) !=
            MOMO_OK) {
            fprintf(stderr, "bench_optimize: %s\n", err.msg);
            exit(1);
        }
        n_trades += ev.n_trades;
    }
    wall = momo_now() - t0;
    cpu = bench_thread_cpu() - c0;
    printf("precompute          %.2f s (all cores)\n", pre);
    printf("throughput          %.0f backtests/s per core: %zu full-period "
           "runs spread over the seed grid, one at a time, 1 thread, %.2f "
           "ms CPU each (%.2f ms wall), %.0f trades a run\n",
           (double)n / cpu, n, 1e3 * cpu / (double)n,
           1e3 * wall / (double)n, (double)n_trades / (double)n);
    momo_workspace_free(ws);
    batch_throughput(eng, d, 30 * LANES);
    momo_engine_free(eng);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int quick = 0, full = 0, cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    momo_dataset *ds;
    momo_space *grid_sp, *rand_sp;
    momo_design *grid = NULL;
    momo_opt_opts o;
    momo_params p;
    momo_err err = { 0 };
    char dir[4096], cache[4200], cmd[4300];
    const char *tmp = getenv("TMPDIR");

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--full") == 0)
            full = 1;
        else
            path = argv[i];
    }
    {
        const char *dirs[] = { "sp500/daily", "etf" };

        ds = bench_load("bench_optimize", path, dirs, 2);
    }
    if (!ds)
        return path ? 1 : 0;
    grid_sp = space(seed_grid);
    rand_sp = space(random_space);
    if (momo_design_grid(grid_sp, &grid, &err) != MOMO_OK) {
        fprintf(stderr, "bench_optimize: %s\n", err.msg);
        return 1;
    }
    printf("dataset             %zu symbols, %zu bars\n",
           momo_dataset_n_symbols(ds), momo_dataset_n_bars(ds));
    throughput(ds, grid, 300);
    if (quick)
        goto out;
    snprintf(dir, sizeof(dir), "%s/bench_optimize.%ld",
             tmp && *tmp ? tmp : "/tmp", (long)getpid());
    momo_params_default(&p);

    /* the whole seed grid, fresh cache, then again from the cache */
    snprintf(cache, sizeof(cache), "%s/grid/results.sqlite", dir);
    momo_opt_opts_init(&o);
    o.cache_path = cache;
    o.on_estimate = on_estimate;
    for (int pass = 0; pass < 2; pass++) {
        momo_opt_result *r = NULL;
        momo_opt_counts c;
        double t0 = momo_now(), c0 = bench_process_cpu(), wall, cpu;

        if (momo_optimize(ds, &p, grid, &o, &r, &err) != MOMO_OK) {
            fprintf(stderr, "bench_optimize: %s\n", err.msg);
            return 1;
        }
        wall = momo_now() - t0;
        cpu = bench_process_cpu() - c0;
        momo_opt_counts_get(r, &c);
        printf("seed grid%s  %zu combinations on %d cores: %.1f s wall, "
               "%.1f s CPU, %zu cached (%.0f combinations/s, %.0f per "
               "CPU second)\n",
               pass ? ", cached" : "         ", c.tested, cores, wall,
               cpu, c.cached, (double)c.tested / wall,
               (double)c.tested / cpu);
        fflush(stdout);
        if (pass == 0) {
            t0 = momo_now();
            snprintf(cmd, sizeof(cmd), "%s/grid-out", dir);
            if (momo_opt_write(r, cmd, "grid", &err) != MOMO_OK)
                fprintf(stderr, "bench_optimize: %s\n", err.msg);
            printf("  writing every file: %.1f s\n", momo_now() - t0);
        }
        momo_opt_result_free(r);
        o.on_estimate = NULL;
    }

    /* walk-forward: 5 splits, 1000 random samples each */
    {
        momo_wf_opts wf;
        momo_wf_result *r = NULL;
        double t0 = momo_now(), c0 = bench_process_cpu();

        snprintf(cache, sizeof(cache), "%s/wf/results.sqlite", dir);
        momo_opt_opts_init(&o);
        o.cache_path = cache;
        momo_wf_opts_init(&wf);
        wf.n_splits = 5;
        wf.random = 1;
        wf.iterations = 1000;
        if (momo_walk_forward(ds, &p, rand_sp, &wf, &o, &r, &err) !=
            MOMO_OK) {
            fprintf(stderr, "bench_optimize: %s\n", err.msg);
            return 1;
        }
        printf("walk-forward        5 splits x 1000 samples on %d cores: "
               "%.1f s wall, %.1f s CPU (efficiency %.2f)\n", cores,
               momo_now() - t0, bench_process_cpu() - c0, momo_wf_efficiency(r));
        momo_wf_result_free(r);
    }
    /* --full: examples/seed_grid_full.yaml (209,952 runs), the search and
     * every file, as `momo optimize grid` does them */
    if (full) {
        momo_space *full_sp = NULL;
        momo_design *full_d = NULL;
        momo_opt_result *r = NULL;
        double t0 = momo_now(), c0 = bench_process_cpu();

        snprintf(cache, sizeof(cache), "%s/examples/seed_grid_full.yaml",
                 MOMO_SOURCE_DIR);
        if (momo_space_load(cache, &full_sp, &err) != MOMO_OK ||
            momo_design_grid(full_sp, &full_d, &err) != MOMO_OK) {
            fprintf(stderr, "bench_optimize: %s\n", err.msg);
            return 1;
        }
        snprintf(cache, sizeof(cache), "%s/full/results.sqlite", dir);
        snprintf(cmd, sizeof(cmd), "%s/full", dir);
        momo_opt_opts_init(&o);
        o.cache_path = cache;
        if (momo_optimize(ds, &p, full_d, &o, &r, &err) != MOMO_OK ||
            momo_opt_write(r, cmd, "grid", &err) != MOMO_OK) {
            fprintf(stderr, "bench_optimize: %s\n", err.msg);
            return 1;
        }
        printf("full seed grid      %zu combinations on %d cores, every file "
               "written: %.1f s wall, %.1f s CPU\n",
               momo_design_n_trials(full_d), cores, momo_now() - t0,
               bench_process_cpu() - c0);
        momo_opt_result_free(r);
        momo_design_free(full_d);
        momo_space_free(full_sp);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_optimize: could not remove %s\n", dir);
out:
    momo_design_free(grid);
    momo_space_free(grid_sp);
    momo_space_free(rand_sp);
    momo_dataset_close(ds);
    return 0;
}

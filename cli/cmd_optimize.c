/* cmd_optimize.c - `momo optimize grid|random|walk-forward|sizing`:
 * search the parameters of a space file, rank them and say how much of
 * the best result is likely overfitting. Files go to --out (default
 * output/optimization/); results.sqlite there caches every run, so the
 * same command after an interruption resumes where it stopped.
 *
 * Under mpirun every rank runs this command; the library splits the
 * trials by rank and exchanges results (cli/mpi.c); rank 0 prints and
 * writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "momo/optimize.h"
#include "momo/report.h"
#include "mpi.h"

static const char *const usage[] = {
    "momo optimize grid|random|walk-forward|sizing --data DATASET",
    "              [--space FILE] [--config FILE] [--set NAME=VALUE]...",
    "              [--metric NAME] [--from DATE --to DATE]",
    "              [--validate-from DATE --validate-to DATE] [--jobs N]",
    "              [--iterations N] [--splits N] [--train-frac F]",
    "              [--anchored] [--search grid|random] [--seed N] [--top N]",
    "              [--min-trades N] [--max-dd F] [--min-win-rate F]",
    "              [--max-drawdown F] [--out DIR] [--json] [--report]",
    NULL
};

struct opts {
    struct cli_run r;
    const char *space, *metric, *out, *search;
    int32_t vfrom, vto;
    long iterations, splits, seed, top;
    double train_frac, min_trades, max_dd, min_win_rate, tolerance;
    int anchored, json, report;
};

struct estimate_ud {
    int quiet;
    struct cli_progress *prog;    /* a bar on the same terminal line */
};

static void on_estimate(void *ud, const momo_opt_estimate *e)
{
    const struct estimate_ud *u = ud;
    char t[32];

    if (u->quiet)
        return;
    if (u->prog && u->prog->tty && u->prog->last_draw > 0)
        fputs("\r\033[K", stderr);          /* clear the bar's line */
    if (e->n_left == 0) {
        fprintf(stderr, "momo: %zu runs planned, all found in the cache\n",
                e->n_trials);
        return;
    }
    cli_fmt_secs(e->seconds, t, sizeof(t));
    fprintf(stderr, "momo: %zu runs planned (%zu cached); measured %.0f "
            "backtests/s on %d workers: about %s\n", e->n_trials,
            e->n_cached, e->rate, e->workers, t);
}

static int metric_index(const char *name, long *out, momo_err *e)
{
    long k;

    if (!name) {
        *out = -1;
        return MOMO_OK;
    }
    k = momo_metric_find(name);
    if (k >= 0) {
        *out = k;
        return MOMO_OK;
    }
    momo_err_set(e, MOMO_EINVAL, "--metric: unknown metric '%s' (one of:",
                 name);
    for (size_t i = 0; i < momo_metric_count(); i++) {
        size_t len = strlen(e->msg);

        snprintf(e->msg + len, sizeof(e->msg) - len, " %s",
                 momo_metric_name(i));
    }
    {
        size_t len = strlen(e->msg);

        snprintf(e->msg + len, sizeof(e->msg) - len, ")");
    }
    return MOMO_EINVAL;
}

/*---- Printing ----*/

static void print_params(FILE *f, const momo_design *d, size_t i)
{
    for (size_t j = 0; j < momo_design_n_dims(d); j++) {
        const momo_dim *dm = momo_design_dim(d, j);

        fprintf(f, "                  %-40s %.10g\n", dm->param->name,
                momo_design_value(d, i, j));
    }
}

static void print_overfit(FILE *f, const momo_overfit *of)
{
    fprintf(f, "overfitting     score %.0f/100   PBO %.2f   deflated "
            "Sharpe %.2f   (overfitting.json)\n", of->score, of->pbo,
            of->deflated_sharpe);
}

static void print_study(FILE *f, const momo_opt_result *res,
                        const char *metric, const char *out)
{
    const momo_design *d = momo_opt_design(res);
    momo_opt_counts c;
    size_t best = momo_opt_best(res), n = momo_opt_n_ranked(res);

    momo_opt_counts_get(res, &c);
    fprintf(f, "combinations    %zu tested, %zu failed, %zu cached, %zu "
            "passed the filters (%.1fs)\n", c.tested, c.failed, c.cached,
            c.passed, c.seconds);
    if (best == SIZE_MAX) {
        fprintf(f, "best            none: no combination ran\n");
    } else {
        momo_opt_trial t;

        momo_opt_trial_get(res, best, &t);
        fprintf(f, "best            trial %zu%s: %s %.4g, %g trades, "
                "max drawdown %.1f%%, robustness %.2f\n", best,
                t.passed ? "" : " (passed no filter)", metric,
                momo_metric_get(&t.metrics,
                                (size_t)momo_metric_find(metric)),
                t.metrics.num_trades, 100 * t.metrics.max_drawdown,
                t.robustness);
        print_params(f, d, best);
    }
    if (n > 1) {
        fprintf(f, "top             ");
        for (size_t k = 0; k < n && k < 5; k++) {
            momo_opt_trial t;

            momo_opt_trial_get(res, momo_opt_ranked(res, k), &t);
            fprintf(f, "%s#%zu %.4g", k ? "   " : "", k + 1,
                    momo_metric_get(&t.metrics,
                                    (size_t)momo_metric_find(metric)));
        }
        fputc('\n', f);
    }
    print_overfit(f, momo_opt_overfit(res));
    fprintf(f, "written to      %s/ (results.csv, top.json, "
            "sensitivity.json, overfitting.json,\n                "
            "equity_top.csv, summary.json, results.sqlite)\n", out);
}

static void print_wf(FILE *f, const momo_wf_result *res, const char *metric,
                     const char *out)
{
    size_t n_eq;
    double mean;
    const double *rec = momo_wf_recommended(res, &mean);

    momo_wf_equity(res, &n_eq);
    for (size_t k = 0; k < momo_wf_n_splits(res); k++) {
        momo_wf_split s;
        char a[11], b[11], c[11], d[11];

        momo_wf_split_get(res, k, &s);
        fprintf(f, "split %-3zu train %s..%s  test %s..%s  IS %s %.3f  "
                "OOS %.3f\n", k + 1, momo_format_date(s.train.from, a),
                momo_format_date(s.train.to, b),
                momo_format_date(s.test.from, c),
                momo_format_date(s.test.to, d), metric, s.is_metric,
                s.oos_metric);
    }
    fprintf(f, "efficiency      %.2f (mean OOS / mean IS)\n",
            momo_wf_efficiency(res));
    fprintf(f, "stitched OOS    sharpe %.3f, total return %.1f%%, max "
            "drawdown %.1f%% over %zu days\n",
            momo_wf_oos_metrics(res)->sharpe,
            100 * momo_wf_oos_metrics(res)->total_return,
            100 * momo_wf_oos_metrics(res)->max_drawdown, n_eq);
    if (rec) {
        fprintf(f, "recommended     mean OOS %s %.4g over every test "
                "window\n", metric, mean);
        for (size_t j = 0; j < momo_wf_n_dims(res); j++)
            fprintf(f, "                  %-40s %.10g\n",
                    momo_wf_dim(res, j)->param->name, rec[j]);
    }
    print_overfit(f, momo_wf_overfit(res));
    fprintf(f, "written to      %s/ (walk_forward.csv, "
            "walk_forward_equity.csv, overfitting.json,\n                "
            "summary.json, results.sqlite)\n", out);
}

static void print_sizing(FILE *f, const momo_sizing_result *res,
                         double tolerance, const char *out)
{
    int within = 0;
    size_t rec = momo_sizing_recommended(res, &within);

    fprintf(f, "risk/trade   sharpe  sortino  recovery  ulcer    CAGR    "
            "max DD  frontier\n");
    for (size_t i = 0; i < momo_sizing_n_points(res); i++) {
        momo_sizing_point p;

        momo_sizing_point_get(res, i, &p);
        fprintf(f, "%6.2f%%   %7.3f  %7.3f  %8.2f  %6.2f  %6.1f%%  %6.1f%%  "
                "%s%s\n", 100 * p.risk_per_trade, p.metrics.sharpe,
                p.metrics.sortino, p.metrics.recovery_factor,
                p.metrics.ulcer_index, 100 * p.metrics.cagr,
                100 * p.metrics.max_drawdown, p.frontier ? "yes" : "no",
                i == rec ? "  <- recommended" : "");
    }
    if (rec != SIZE_MAX && !within)
        fprintf(f, "no frontier point keeps the max drawdown within "
                "%.0f%%: the recommendation is the least risky one\n",
                100 * tolerance);
    fprintf(f, "written to      %s/ (sizing.json, summary.json)\n", out);
}

/*---- The command ----*/

static int run(struct opts *op, const char *mode, size_t rank, size_t size,
               momo_err *err)
{
    int rank0 = rank == 0;
    momo_opt_opts o;
    momo_space *sp = NULL;
    momo_design *d = NULL;
    struct cli_progress prog;
    struct estimate_ud eu = { !rank0, NULL };
    char cache[4096];
    int rc, is_sizing = strcmp(mode, "sizing") == 0;

    momo_opt_opts_init(&o);
    rc = metric_index(op->metric, &o.metric, err);
    if (rc == MOMO_OK && !is_sizing && !op->space)
        rc = momo_err_set(err, MOMO_EINVAL, "no parameter space: give "
                          "--space FILE (see examples/seed_grid.yaml)");
    if (rc == MOMO_OK && !is_sizing)
        rc = momo_space_load(op->space, &sp, err);
    if (rc == MOMO_OK)
        rc = cli_run_load(&op->r, err);
    if (rc != MOMO_OK)
        goto out;
    snprintf(cache, sizeof(cache), "%s/results.sqlite", op->out);
    o.window = op->r.win;
    o.validation.from = op->vfrom;
    o.validation.to = op->vto;
    o.jobs = op->r.jobs > 0 ? (int)op->r.jobs : 0;
    o.min_trades = op->min_trades;
    o.max_drawdown = op->max_dd;
    o.min_win_rate = op->min_win_rate;
    o.top = op->top > 0 ? (size_t)op->top : 10;
    o.seed = (unsigned long)op->seed;
    o.cache_path = cache;
    o.symbols = (const char *const *)op->r.syms.v;
    o.n_symbols = op->r.syms.n;
    o.engine = op->r.eng;
    o.interrupt = cli_interrupt_flag();
    if (size > 1) {           /* every rank runs its share */
        o.shard = rank;
        o.n_shards = size;
        o.exchange = cli_mpi_exchange;
    }
    o.on_estimate = on_estimate;
    o.estimate_ud = &eu;
    if (rank0) {
        cli_progress_init(&prog, "optimize");
        o.progress = cli_progress_cb;
        o.progress_ud = &prog;
        eu.prog = &prog;
    }
    if (op->vfrom && op->vto && op->vfrom > op->vto) {
        rc = momo_err_set(err, MOMO_EINVAL, "--validate-from is after "
                          "--validate-to");
        goto out;
    }
    if (strcmp(mode, "grid") == 0 || strcmp(mode, "random") == 0) {
        momo_opt_result *res = NULL;

        if (mode[0] == 'g')
            rc = momo_design_grid(sp, &d, err);
        else
            rc = momo_design_random(sp, (size_t)op->iterations,
                                    (unsigned long)op->seed, &d, err);
        if (rc == MOMO_OK)
            rc = momo_optimize(op->r.ds, momo_config_params(op->r.cfg), d,
                               &o, &res, err);
        if (rank0 && o.progress)
            cli_progress_done(&prog);
        if (rc == MOMO_OK && rank0)
            rc = momo_opt_write(res, op->out, mode, err);
        if (rc == MOMO_OK && rank0) {
            if (op->json)
                rc = momo_opt_write_summary(res, mode, stdout, err);
            else
                print_study(stdout, res, momo_metric_name(
                                o.metric >= 0 ? (size_t)o.metric
                                : (size_t)momo_metric_find("sharpe")),
                            op->out);
        }
        momo_opt_result_free(res);
    } else if (strcmp(mode, "walk-forward") == 0) {
        momo_wf_opts wf;
        momo_wf_result *res = NULL;

        momo_wf_opts_init(&wf);
        wf.n_splits = op->splits > 0 ? (size_t)op->splits : 0;
        wf.train_frac = op->train_frac;
        wf.anchored = op->anchored;
        wf.iterations = op->iterations > 0 ? (size_t)op->iterations : 0;
        if (op->search)
            wf.random = strcmp(op->search, "random") == 0;
        else
            wf.random = momo_space_n_random(sp) > 0 ||
                        momo_space_n_grid(sp) == 0;
        if (op->search && strcmp(op->search, "grid") != 0 &&
            strcmp(op->search, "random") != 0)
            rc = momo_err_set(err, MOMO_EINVAL, "--search: '%s' is not "
                              "grid or random", op->search);
        if (rc == MOMO_OK)
            rc = momo_walk_forward(op->r.ds, momo_config_params(op->r.cfg),
                                   sp, &wf, &o, &res, err);
        if (rank0 && o.progress)
            cli_progress_done(&prog);
        if (rc == MOMO_OK && rank0)
            rc = momo_wf_write(res, op->out, err);
        if (rc == MOMO_OK && rank0) {
            if (op->json)
                rc = momo_wf_write_summary(res, stdout, err);
            else
                print_wf(stdout, res, op->metric ? op->metric : "sharpe",
                         op->out);
        }
        momo_wf_result_free(res);
    } else {
        momo_sizing_result *res = NULL;

        rc = momo_optimize_sizing(op->r.ds, momo_config_params(op->r.cfg),
                                  NULL, 0, op->tolerance, &o, &res, err);
        if (rank0 && o.progress)
            cli_progress_done(&prog);
        if (rc == MOMO_OK && rank0)
            rc = momo_sizing_write(res, op->out, err);
        if (rc == MOMO_OK && rank0) {
            if (op->json)
                rc = momo_sizing_write_summary(res, stdout, err);
            else
                print_sizing(stdout, res, op->tolerance, op->out);
        }
        momo_sizing_result_free(res);
    }
    /* the config behind every run, for recommended.yaml; then the
     * report, from the files just written under op->out */
    if (rc == MOMO_OK && rank0)
        rc = momo_report_save_config(op->out, momo_config_params(op->r.cfg),
                                     err);
    if (rc == MOMO_OK && rank0 && op->report) {
        momo_report_opts ro;
        momo_report_info info;

        momo_report_opts_init(&ro);
        ro.base = momo_config_params(op->r.cfg);
        ro.ds = op->r.ds;
        ro.symbols = (const char *const *)op->r.syms.v;
        ro.n_symbols = op->r.syms.n;
        ro.jobs = o.jobs;
        rc = momo_report_write(op->out, &ro, &info, err);
        if (rc == MOMO_OK)
            fprintf(op->json ? stderr : stdout, "report          %s\n",
                    info.pdf);
    }
out:
    momo_design_free(d);
    momo_space_free(sp);
    return rc;
}

int cmd_optimize(int argc, char **argv)
{
    struct opts op;
    const struct cli_opt opts[] = {
        CLI_RUN_OPTS(&op.r),
        { "space", 0, CLI_STRING, &op.space, "FILE",
          "parameter space: 'grid:' lists, 'space:' distributions" },
        { "metric", 'm', CLI_STRING, &op.metric, "NAME",
          "metric to optimize (default sharpe; any name of metrics.json)" },
        { "validate-from", 0, CLI_DATE, &op.vfrom, "DATE",
          "first date of the out-of-sample validation range" },
        { "validate-to", 0, CLI_DATE, &op.vto, "DATE",
          "last date of the validation range" },
        { "jobs", 'j', CLI_LONG, &op.r.jobs, "N",
          "worker threads (default: all cores)" },
        { "iterations", 'n', CLI_LONG, &op.iterations, "N",
          "random samples (per split in walk-forward; default 100)" },
        { "splits", 0, CLI_LONG, &op.splits, "N",
          "walk-forward windows (default 5)" },
        { "train-frac", 0, CLI_DOUBLE, &op.train_frac, "F",
          "walk-forward training share of a window (default 0.8)" },
        { "anchored", 0, CLI_FLAG, &op.anchored, NULL,
          "walk-forward training always starts at --from" },
        { "search", 0, CLI_STRING, &op.search, "grid|random",
          "walk-forward search (default: random when the space file has "
          "'space:')" },
        { "seed", 0, CLI_LONG, &op.seed, "N",
          "random seed for sampling and CSCV (default 1)" },
        { "top", 0, CLI_LONG, &op.top, "N",
          "parameter sets in top.json and validated (default 10)" },
        { "min-trades", 0, CLI_DOUBLE, &op.min_trades, "N",
          "rank filter: fewest trades (default 20)" },
        { "max-dd", 0, CLI_DOUBLE, &op.max_dd, "F",
          "rank filter: largest max drawdown (default 0.25)" },
        { "min-win-rate", 0, CLI_DOUBLE, &op.min_win_rate, "F",
          "rank filter: lowest win rate (default 0.40)" },
        { "max-drawdown", 0, CLI_DOUBLE, &op.tolerance, "F",
          "sizing: drawdown tolerance of the recommendation (default "
          "0.25)" },
        { "out", 'o', CLI_STRING, &op.out, "DIR",
          "output folder (default output/optimization)" },
        { "json", 0, CLI_FLAG, &op.json, NULL,
          "print summary.json to stdout" },
        { "report", 0, CLI_FLAG, &op.report, NULL,
          "then write the report: charts, optimization_report.pdf and "
          ".txt, recommended.yaml (see 'momo report')" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Search the parameters of a space file (grid: every combination; "
        "random: a Latin\nHypercube sample; walk-forward: search on each "
        "training window, test on the\nnext; sizing: risk per trade from "
        "0.5% to 2%), rank them after the filters,\nand estimate "
        "overfitting (PBO, deflated Sharpe, out-of-sample degradation).\n"
        "Every run is cached in DIR/results.sqlite: the same command "
        "resumes an\ninterrupted run. Under mpirun the work is split "
        "across ranks.",
        opts, 1, 1
    };
    struct cli_args pos;
    momo_err err = { 0 };
    size_t rank = 0, size = 1;
    int rc, mpi = 0;
    const char *mode;

    memset(&op, 0, sizeof(op));
    op.out = "output/optimization";
    op.iterations = 100;
    op.splits = 5;
    op.seed = 1;
    op.top = 10;
    op.train_frac = 0.8;
    op.min_trades = 20;
    op.max_dd = 0.25;
    op.min_win_rate = 0.40;
    op.tolerance = 0.25;
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0) {
        cli_list_release(&op.r.sets);
        return rc == 1 ? EXIT_OK : rc;
    }
    mode = pos.v[0];
    if (strcmp(mode, "grid") != 0 && strcmp(mode, "random") != 0 &&
        strcmp(mode, "walk-forward") != 0 && strcmp(mode, "sizing") != 0) {
        cli_errorf("unknown mode '%s': grid, random, walk-forward or "
                   "sizing", mode);
        cli_args_release(&pos);
        cli_list_release(&op.r.sets);
        return EXIT_USAGE;
    }
    if (op.report && strcmp(mode, "sizing") == 0) {
        cli_errorf("--report: a sizing study has no optimization report "
                   "(its results are in sizing.json)");
        cli_args_release(&pos);
        cli_list_release(&op.r.sets);
        return EXIT_USAGE;
    }
    if (op.iterations < 1 || op.seed < 0 || op.splits < 1) {
        cli_errorf("--iterations and --splits must be at least 1, --seed "
                   "at least 0");
        cli_args_release(&pos);
        cli_list_release(&op.r.sets);
        return EXIT_USAGE;
    }
    if (cli_mpi_launched()) {
        if (cli_mpi_start(&rank, &size) != 0) {
            cli_args_release(&pos);
            cli_list_release(&op.r.sets);
            return EXIT_INTERNAL;
        }
        mpi = 1;
    }
    cli_catch_interrupts();
    rc = run(&op, mode, rank, size, &err);
    cli_run_release(&op.r);
    cli_args_release(&pos);
    if (rc == MOMO_EINTR && rank == 0)
        cli_errorf("interrupted: finished runs are saved in "
                   "%s/results.sqlite; run the same command to resume",
                   op.out);
    else if (rc != MOMO_OK && rank == 0)
        cli_report(&err);
    if (mpi) {
        if (rc != MOMO_OK && rc != MOMO_EINTR)
            cli_mpi_abort(cli_exit_code(rc));
        cli_mpi_stop();
    }
    return cli_exit_code(rc);
}

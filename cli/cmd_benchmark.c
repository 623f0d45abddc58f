/* cmd_benchmark.c - `momo benchmark`: the strategy against the market
 * ETF, the equal-weight universe, 60/40 and naive momentum, as
 * benchmarks.json, a text table and charts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "momo/analysis.h"

static const char *const usage[] = {
    "momo benchmark [--data DATASET] [--config FILE] [--set NAME=VALUE]...",
    "               [--symbols A,B,...] [--from DATE] [--to DATE]",
    "               [--market SYMBOL] [--bond SYMBOL] [--top-n N] [--log]",
    "               [--jobs N] [--seed N] [--json] [--out DIR]",
    NULL
};

int cmd_benchmark(int argc, char **argv)
{
    struct cli_run r = { 0 };
    const char *out = "output/benchmark", *market = NULL, *bond = NULL;
    long top_n = 0, seed = 0;
    int json = 0, log_scale = 0;
    const struct cli_opt opts[] = {
        CLI_RUN_OPTS(&r),
        { "market", 0, CLI_STRING, &market, "SYMBOL",
          "market ETF (default: regime.market_symbol, SPY)" },
        { "bond", 0, CLI_STRING, &bond, "SYMBOL",
          "bond ETF of the 60/40 mix (default AGG)" },
        { "top-n", 0, CLI_LONG, &top_n, "N",
          "holdings of naive momentum (default: risk.max_positions)" },
        { "log", 0, CLI_FLAG, &log_scale, NULL,
          "log scale for the equity chart" },
        { "jobs", 'j', CLI_LONG, &r.jobs, "N",
          "threads for the precompute (default: all cores)" },
        { "seed", 0, CLI_LONG, &seed, "N",
          "accepted for symmetry; benchmarks draw no random numbers" },
        { "json", 0, CLI_FLAG, &json, NULL,
          "print benchmarks.json to stdout" },
        { "out", 'o', CLI_STRING, &out, "DIR",
          "where to write the results (default output/benchmark)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Backtest the strategy, then simulate over the same dates and with\n"
        "the same costs: buy and hold of the market ETF, the traded universe\n"
        "in equal weights and 60/40 market/bond ETFs (both rebalanced\n"
        "monthly), and naive momentum (the top N by momentum score each\n"
        "month). Writes benchmarks.json, benchmarks.txt,\n"
        "benchmark_equity.csv and the charts benchmark_*.png.",
        opts, 0, 0
    };
    momo_bench_opts o;
    momo_bench_result *res = NULL;
    momo_err err = { 0 };
    int rc;

    if (cli_parse_run(argc, argv, &spec, &r, &seed, &rc))
        return rc;
    if (top_n < 0 || top_n > 10000) {
        cli_errorf("benchmark: --top-n: %ld is out of range 1..10000",
                   top_n);
        cli_list_release(&r.sets);
        return EXIT_USAGE;
    }
    memset(&o, 0, sizeof(o));
    o.market = market;
    o.bond = bond;
    o.top_n = (int)top_n;
    rc = cli_run_load(&r, &err);
    if (rc == MOMO_OK)
        rc = momo_benchmark_run(r.eng, momo_config_params(r.cfg), &r.win,
                                &o, &res, &err);
    if (rc == MOMO_OK)
        rc = momo_bench_result_write(res, out, &err);
    if (rc == MOMO_OK)
        rc = momo_bench_write_charts(res, out, log_scale, &err);
    if (rc == MOMO_OK) {
        if (json) {
            momo_bench_result_write_json(res, stdout);
        } else {
            momo_bench_result_write_text(res, stdout);
            printf("\nwritten to      %s/ (benchmarks.json, benchmarks.txt, "
                   "benchmark_equity.csv, benchmark_*.png)\n", out);
        }
    }
    momo_bench_result_free(res);
    cli_run_release(&r);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

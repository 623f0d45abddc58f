/* cmd_regime.c - `momo regime`: the market regime of every day and the
 * strategy's results in each, as regimes.csv, regime_performance.json
 * and a chart of the market proxy shaded by regime. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "momo/analysis.h"

static const char *const usage[] = {
    "momo regime [--data DATASET] [--config FILE] [--set NAME=VALUE]...",
    "            [--symbols A,B,...] [--from DATE] [--to DATE]",
    "            [--jobs N] [--seed N] [--json] [--out DIR]",
    NULL
};

int cmd_regime(int argc, char **argv)
{
    struct cli_run r = { 0 };
    const char *out = "output/regime";
    long seed = 0;
    int json = 0;
    const struct cli_opt opts[] = {
        CLI_RUN_OPTS(&r),
        { "jobs", 'j', CLI_LONG, &r.jobs, "N",
          "threads for the precompute (default: all cores)" },
        { "seed", 0, CLI_LONG, &seed, "N",
          "accepted for symmetry; regimes draw no random numbers" },
        { "json", 0, CLI_FLAG, &json, NULL,
          "print regime_performance.json to stdout" },
        { "out", 'o', CLI_STRING, &out, "DIR",
          "where to write the results (default output/regime)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Classify every day of the window into the four regimes of\n"
        "STRATEGY.md 9 (trend of the market proxy, high or low volatility),\n"
        "and split the strategy's backtest by regime: trades by the regime\n"
        "of their entry date, and the Sharpe ratio of the days in each.\n"
        "Writes regimes.csv (date,regime,trend,high_vol,breadth),\n"
        "regime_performance.json and regimes.png.",
        opts, 0, 0
    };
    momo_regime_report rep;
    momo_result *res = NULL;
    momo_err err = { 0 };
    int rc;

    if (cli_parse_run(argc, argv, &spec, &r, &seed, &rc))
        return rc;
    rc = cli_run_load(&r, &err);
    if (rc == MOMO_OK)
        rc = momo_backtest_run(r.eng, momo_config_params(r.cfg), &r.win,
                               &res, &err);
    if (rc == MOMO_OK)
        rc = momo_regime_analyze(r.eng, res, momo_config_params(r.cfg),
                                 &rep, &err);
    if (rc == MOMO_OK)
        rc = momo_regime_write(r.eng, res, &rep, out, &err);
    if (rc == MOMO_OK)
        rc = momo_regime_write_charts(r.eng, res, out, &err);
    if (rc == MOMO_OK) {
        if (json) {
            momo_regime_write_json(&rep, stdout);
        } else {
            momo_regime_write_text(&rep, stdout);
            printf("\nwritten to      %s/ (regimes.csv, "
                   "regime_performance.json, regimes.png)\n", out);
        }
    }
    momo_result_free(res);
    cli_run_release(&r);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

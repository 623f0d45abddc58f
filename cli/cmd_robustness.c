/* cmd_robustness.c - `momo robustness`: other periods, universes,
 * stress scenarios and harsher execution, a 0-100 score and the
 * weaknesses found, as robustness.json, a text report and a chart. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "momo/analysis.h"

static const char *const usage[] = {
    "momo robustness [--data DATASET] [--config FILE] [--set NAME=VALUE]...",
    "                [--symbols A,B,...] [--from DATE] [--to DATE]",
    "                [--periods FILE] [--stress-date DATE] [--stress-uniform]",
    "                [--market SYMBOL] [--jobs N] [--seed N] [--json]",
    "                [--out DIR]",
    NULL
};

int cmd_robustness(int argc, char **argv)
{
    struct cli_run r = { 0 };
    const char *out = "output/robustness", *periods = NULL, *market = NULL;
    long seed = 0;
    int32_t stress_date = 0;
    int json = 0, uniform = 0;
    const struct cli_opt opts[] = {
        CLI_RUN_OPTS(&r),
        { "periods", 0, CLI_STRING, &periods, "FILE",
          "YAML file of named periods (default: bear 2007-10..2009-03, "
          "recovery, sideways, volatile 2020, bull 2017-2019)" },
        { "stress-date", 0, CLI_DATE, &stress_date, "DATE",
          "first day of the injected shocks (default: mid-window)" },
        { "stress-uniform", 0, CLI_FLAG, &uniform, NULL,
          "shock every symbol alike (default: scaled by its beta)" },
        { "market", 0, CLI_STRING, &market, "SYMBOL",
          "market ETF (default: regime.market_symbol, SPY)" },
        { "jobs", 'j', CLI_LONG, &r.jobs, "N",
          "threads (default: all cores); results do not depend on it" },
        { "seed", 0, CLI_LONG, &seed, "N",
          "accepted for symmetry; the tests draw no random numbers" },
        { "json", 0, CLI_FLAG, &json, NULL,
          "print robustness.json to stdout" },
        { "out", 'o', CLI_STRING, &out, "DIR",
          "where to write the results (default output/robustness)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Run the strategy again with one thing changed at a time: named\n"
        "periods, universes (size buckets, stocks, crypto, sectors),\n"
        "injected stress scenarios (a -20% month, a flash crash, a long\n"
        "drawdown, a low-volatility grind) and harsher execution (slippage\n"
        "x2 and x3, commissions x2, one bar of entry delay, 50% and 80%\n"
        "fills). Scores the strategy 0-100 and lists its weaknesses.\n"
        "Writes robustness.json, robustness.txt and robustness_sharpe.png.",
        opts, 0, 0
    };
    struct cli_progress prog;
    momo_robust_opts o;
    momo_robust_result *res = NULL;
    momo_period *per = NULL;
    momo_err err = { 0 };
    int rc;

    if (cli_parse_run(argc, argv, &spec, &r, &seed, &rc))
        return rc;
    memset(&o, 0, sizeof(o));
    o.stress_date = stress_date;
    o.stress_uniform = uniform;
    o.market = market;
    o.threads = (int)r.jobs;
    cli_progress_init(&prog, "robustness");
    o.progress = cli_progress_cb;
    o.progress_ud = &prog;
    cli_catch_interrupts();
    o.interrupt = cli_interrupt_flag();
    rc = MOMO_OK;
    if (periods)
        rc = momo_periods_load(periods, &per, &o.n_periods, &err);
    o.periods = per;
    if (rc == MOMO_OK)
        rc = cli_run_load(&r, &err);
    if (rc == MOMO_OK)
        rc = momo_robustness_run(r.eng, momo_config_params(r.cfg), &r.win,
                                 &o, &res, &err);
    cli_progress_done(&prog);
    if (rc == MOMO_OK)
        rc = momo_robust_result_write(res, out, &err);
    if (rc == MOMO_OK)
        rc = momo_robust_write_charts(res, out, &err);
    if (rc == MOMO_OK) {
        if (json) {
            momo_robust_result_write_json(res, stdout);
        } else {
            momo_robust_result_write_text(res, stdout);
            printf("\nwritten to      %s/ (robustness.json, robustness.txt, "
                   "robustness_sharpe.png)\n", out);
        }
    }
    momo_robust_result_free(res);
    momo_periods_free(per);
    cli_run_release(&r);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

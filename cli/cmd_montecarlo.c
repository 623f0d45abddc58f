/* cmd_montecarlo.c - `momo montecarlo`: the range of outcomes of one
 * backtest, as montecarlo.json, a text summary and charts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "momo/analysis.h"

static const char *const usage[] = {
    "momo montecarlo [--data DATASET] [--config FILE] [--set NAME=VALUE]...",
    "                [--symbols A,B,...] [--from DATE] [--to DATE]",
    "                [--method shuffle|resample|block|noise] [--sims N]",
    "                [--ruin-drawdown F] [--block-length N] [--noise-bps F]",
    "                [--jobs N] [--seed N] [--json] [--out DIR]",
    NULL
};

/* Range checks of the options: 1 (after a message) when one is out. */
static int bad_args(int m, const char *method, long sims, double ruin,
                    long block, double noise)
{
    if (m < 0)
        cli_errorf("montecarlo: --method: '%s' is not one of shuffle, "
                   "resample, block, noise", method);
    else if (sims < MOMO_MC_MIN_SIMS || sims > MOMO_MC_MAX_SIMS)
        cli_errorf("montecarlo: --sims: %ld is out of range %d..%d", sims,
                   MOMO_MC_MIN_SIMS, MOMO_MC_MAX_SIMS);
    else if (!(ruin > 0 && ruin <= 1))
        cli_errorf("montecarlo: --ruin-drawdown: %g is out of range (0, 1]",
                   ruin);
    else if (block < 1 || block > 100000)
        cli_errorf("montecarlo: --block-length: %ld is out of range "
                   "1..100000", block);
    else if (!(noise > 0 && noise <= 1000))
        cli_errorf("montecarlo: --noise-bps: %g is out of range (0, 1000]",
                   noise);
    else
        return 0;
    return 1;
}

int cmd_montecarlo(int argc, char **argv)
{
    struct cli_run r = { 0 };
    const char *out = "output/montecarlo", *method = "shuffle";
    long sims = 10000, block = 20, seed = 1;
    double ruin = 0.30, noise = 10;
    int json = 0;
    const struct cli_opt opts[] = {
        CLI_RUN_OPTS(&r),
        { "method", 'm', CLI_STRING, &method, "METHOD",
          "shuffle (trade order), resample (trades with replacement), "
          "block (daily returns) or noise (fill prices); default shuffle" },
        { "sims", 'n', CLI_LONG, &sims, "N",
          "simulations, 100..1000000 (default 10000)" },
        { "ruin-drawdown", 0, CLI_DOUBLE, &ruin, "F",
          "drawdown that counts as ruin, (0, 1] (default 0.30)" },
        { "block-length", 0, CLI_LONG, &block, "N",
          "mean block length in days for 'block' (default 20)" },
        { "noise-bps", 0, CLI_DOUBLE, &noise, "F",
          "fill price noise in basis points for 'noise' (default 10)" },
        { "jobs", 'j', CLI_LONG, &r.jobs, "N",
          "threads (default: all cores); results do not depend on it" },
        { "seed", 0, CLI_LONG, &seed, "N", "random seed (default 1)" },
        { "json", 0, CLI_FLAG, &json, NULL,
          "print montecarlo.json to stdout" },
        { "out", 'o', CLI_STRING, &out, "DIR",
          "where to write the results (default output/montecarlo)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Backtest once, then simulate many alternative paths of the same\n"
        "strategy: the trades' order shuffled or resampled, the daily returns\n"
        "block-bootstrapped, or every fill price perturbed. Writes\n"
        "montecarlo.json, montecarlo.txt and the charts montecarlo_fan.png,\n"
        "montecarlo_final_return.png and montecarlo_max_drawdown.png.",
        opts, 0, 0
    };
    struct cli_progress prog;
    momo_mc_opts o = momo_mc_default_opts();
    momo_mc_result *res = NULL;
    momo_err err = { 0 };
    int rc, m;

    if (cli_parse_run(argc, argv, &spec, &r, &seed, &rc))
        return rc;
    m = momo_mc_method_parse(method);
    if (bad_args(m, method, sims, ruin, block, noise)) {
        cli_list_release(&r.sets);
        return EXIT_USAGE;
    }
    o.method = m;
    o.sims = (size_t)sims;
    o.seed = (uint64_t)seed;
    o.threads = (int)r.jobs;
    o.ruin_drawdown = ruin;
    o.block_length = (double)block;
    o.noise_bps = noise;
    cli_progress_init(&prog, "montecarlo");
    o.progress = cli_progress_cb;
    o.progress_ud = &prog;
    cli_catch_interrupts();
    o.interrupt = cli_interrupt_flag();

    rc = cli_run_load(&r, &err);
    if (rc == MOMO_OK)
        rc = momo_montecarlo_run(r.eng, momo_config_params(r.cfg), &r.win,
                                 &o, &res, &err);
    cli_progress_done(&prog);
    if (rc == MOMO_OK)
        rc = momo_mc_result_write(res, out, &err);
    if (rc == MOMO_OK)
        rc = momo_mc_write_charts(res, out, &err);
    if (rc == MOMO_OK) {
        if (json) {
            momo_mc_result_write_json(res, stdout);
        } else {
            momo_mc_result_write_text(res, stdout);
            printf("\nwritten to      %s/ (montecarlo.json, montecarlo.txt, "
                   "montecarlo_*.png)\n", out);
        }
    }
    momo_mc_result_free(res);
    cli_run_release(&r);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

/* cmd_backtest.c - `momo backtest`: one run, printed as a summary and
 * written as trades.csv, equity.csv and metrics.json. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const usage[] = {
    "momo backtest --data DATASET [--config FILE] [--set NAME=VALUE]...",
    "              [--symbols A,B,...] [--from DATE] [--to DATE]",
    "              [--out DIR] [--json] [--jobs N]",
    NULL
};

static void print_summary(FILE *f, const momo_result *res, const char *dir)
{
    const momo_metrics *m = momo_result_metrics(res);
    size_t n_eq, n_tr;
    const momo_equity_row *eq = momo_result_equity(res, &n_eq);
    char a[11], b[11];
    int by_type[MOMO_N_EXIT_TYPES] = { 0 };
    const momo_trade *t = momo_result_trades(res, &n_tr);

    for (size_t i = 0; i < n_tr; i++)
        by_type[t[i].exit_type]++;
    fprintf(f, "period          %s .. %s (%zu days)\n",
            momo_format_date(eq[0].date, a),
            momo_format_date(eq[n_eq - 1].date, b), n_eq);
    fprintf(f, "final equity    %.2f (from %.2f)\n", eq[n_eq - 1].equity,
            eq[0].equity);
    fprintf(f, "total return    %.2f%%   CAGR %.2f%%\n",
            100 * m->total_return, 100 * m->cagr);
    fprintf(f, "sharpe          %.3f     sortino %.3f\n", m->sharpe,
            m->sortino);
    fprintf(f, "max drawdown    %.2f%%   (%g days under water at most)\n",
            100 * m->max_drawdown, m->max_drawdown_duration);
    fprintf(f, "trades          %zu   win rate %.1f%%   profit factor %.2f\n",
            n_tr, 100 * m->win_rate, m->profit_factor);
    fprintf(f, "exits           ");
    for (int k = 0; k < MOMO_N_EXIT_TYPES; k++)
        fprintf(f, "%s %d%s", momo_exit_type_name(k), by_type[k],
                k + 1 < MOMO_N_EXIT_TYPES ? ", " : "\n");
    fprintf(f, "exposure        %.1f%%   avg bars held %.1f\n",
            100 * m->exposure, m->avg_bars_held);
    fprintf(f, "written to      %s/ (trades.csv, equity.csv, metrics.json)\n",
            dir);
}

int cmd_backtest(int argc, char **argv)
{
    struct cli_run r = { 0 };
    const char *out = "output/backtest";
    int json = 0;
    const struct cli_opt opts[] = {
        CLI_RUN_OPTS(&r),
        { "out", 'o', CLI_STRING, &out, "DIR",
          "where to write the results (default output/backtest)" },
        { "json", 0, CLI_FLAG, &json, NULL, "print metrics.json to stdout" },
        { "jobs", 'j', CLI_LONG, &r.jobs, "N",
          "threads for the precompute (default: all cores)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Run the strategy of STRATEGY.md once over the window and write "
        "trades.csv,\nequity.csv and metrics.json.",
        opts, 0, 0
    };
    momo_result *res = NULL;
    momo_err err = { 0 };
    int rc;

    if (cli_parse_run(argc, argv, &spec, &r, NULL, &rc))
        return rc;
    rc = cli_run_load(&r, &err);
    if (rc == MOMO_OK)
        rc = momo_backtest_run(r.eng, momo_config_params(r.cfg), &r.win,
                               &res, &err);
    if (rc == MOMO_OK)
        rc = momo_result_write(res, r.eng, out, &err);
    if (rc == MOMO_OK) {
        if (json) {
            momo_metrics_write_json(momo_result_metrics(res), stdout, 0);
            fputc('\n', stdout);
        } else {
            print_summary(stdout, res, out);
        }
    }
    momo_result_free(res);
    cli_run_release(&r);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

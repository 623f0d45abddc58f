/* cmd_report.c - `momo report`: the charts, the text and PDF report and a
 * recommended config, from the folder of a finished optimization. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "momo/report.h"

static const char *const usage[] = {
    "momo report [--out DIR] [--surface A,B]... [--config FILE]",
    "            [--set NAME=VALUE]... [--data DATASET] [--symbols A,B,...]",
    "            [--jobs N] OPTIMIZATION_DIR",
    NULL
};

int cmd_report(int argc, char **argv)
{
    const char *out = NULL, *config = NULL, *data = NULL, *symbols = NULL;
    struct cli_list surfaces = { 0 }, sets = { 0 };
    long jobs = 0;
    const struct cli_opt opts[] = {
        { "out", 'o', CLI_STRING, &out, "DIR",
          "where to write (default: OPTIMIZATION_DIR itself)" },
        { "surface", 0, CLI_LIST, &surfaces, "A,B",
          "also draw this parameter pair as a surface and a heatmap "
          "(repeatable; dotted or short names)" },
        { "config", 'c', CLI_STRING, &config, "FILE",
          "the config the optimization ran with (default: its "
          "config.yaml)" },
        { "set", 's', CLI_LIST, &sets, "NAME=VALUE",
          "override one parameter of that config (repeatable)" },
        { "data", 'd', CLI_STRING, &data, "DATASET",
          "the optimization's dataset, when its stored path does not "
          "open (walk-forward only)" },
        { "symbols", 0, CLI_STRING, &symbols, "A,B,...",
          "the --symbols the optimization traded (walk-forward only)" },
        { "jobs", 'j', CLI_LONG, &jobs, "N",
          "threads for charts and re-runs (default: all cores)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Read what 'momo optimize grid|random|walk-forward' stored in\n"
        "OPTIMIZATION_DIR and write its charts (PNG and SVG), "
        "optimization_report.txt,\noptimization_report.pdf and "
        "recommended.yaml (the base config with the best\nparameter "
        "set). A walk-forward's top sets are re-run over its "
        "out-of-sample\nspan, so it needs the dataset.",
        opts, 1, 1
    };
    struct cli_args pos;
    struct cli_strs syms = { 0 };
    momo_report_opts o;
    momo_report_info info;
    momo_config *cfg = NULL;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    int rc;

    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0) {
        cli_list_release(&surfaces);
        cli_list_release(&sets);
        return rc == 1 ? EXIT_OK : rc;
    }
    if (jobs < 0 || jobs > 256) {
        cli_errorf("report: --jobs: %ld is out of range 0..256", jobs);
        rc = EXIT_USAGE;
        goto out;
    }
    momo_report_opts_init(&o);
    o.out_dir = out;
    o.surfaces = surfaces.v;
    o.n_surfaces = surfaces.n;
    o.jobs = (int)jobs;
    rc = MOMO_OK;
    if (config || sets.n) {
        rc = momo_config_load(config, sets.v, sets.n, &cfg, &err);
        if (rc == MOMO_OK)
            o.base = momo_config_params(cfg);
    }
    if (rc == MOMO_OK && data) {
        rc = momo_dataset_open(data, &ds, &err);
        o.ds = ds;
    }
    if (rc == MOMO_OK && symbols) {
        if (cli_split_commas(symbols, &syms) != 0)
            rc = momo_err_set(&err, MOMO_ENOMEM, "out of memory");
        o.symbols = (const char *const *)syms.v;
        o.n_symbols = syms.n;
    }
    if (rc == MOMO_OK)
        rc = momo_report_write(pos.v[0], &o, &info, &err);
    if (rc == MOMO_OK) {
        printf("report          %s\n", info.pdf);
        printf("                %s\n", info.txt);
        printf("config          %s (the recommended parameters)\n",
               info.yaml);
        printf("charts          %zu, as PNG and SVG, in %s/ (%.1f s)\n",
               info.n_charts, out ? out : pos.v[0], info.seconds);
        rc = EXIT_OK;
    } else {
        rc = cli_report(&err);
    }
out:
    cli_strs_release(&syms);
    momo_dataset_close(ds);
    momo_config_free(cfg);
    cli_args_release(&pos);
    cli_list_release(&surfaces);
    cli_list_release(&sets);
    return rc;
}

/* cmd_data_export.c - `momo data export`: a dataset back to CSV files,
 * one DIR/<SYMBOL>.csv per symbol (Date,Open,High,Low,Close,Volume,
 * numbers as %.17g) and DIR/universe.csv. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_data_export(int argc, char **argv);

static const char *const usage[] = {
    "momo data export [--symbols A,B,...] --out DIR DATASET",
    NULL
};

int cmd_data_export(int argc, char **argv)
{
    const char *out = NULL, *symbols = NULL;
    const struct cli_opt opts[] = {
        { "out", 'o', CLI_STRING, &out, "DIR",
          "folder to write (created when missing; required)" },
        { "symbols", 's', CLI_STRING, &symbols, "A,B,...",
          "export only these symbols" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Write each symbol of a dataset as DIR/<SYMBOL>.csv with the header\n"
        "Date,Open,High,Low,Close,Volume and every number as %.17g, so that\n"
        "'momo data import --universe DIR/universe.csv --out X DIR' gives\n"
        "back identical bars; DIR/universe.csv holds\n"
        "symbol,asset_class,sector,size.",
        opts, 1, 1
    };
    struct cli_args pos;
    struct cli_strs list = { 0 };
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    size_t n = 0;
    int rc;

    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0)
        return rc == 1 ? EXIT_OK : EXIT_USAGE;
    if (!out || !*out) {
        cli_errorf("data export: --out DIR is required");
        cli_args_release(&pos);
        return EXIT_USAGE;
    }
    if (symbols && cli_split_commas(symbols, &list) != 0) {
        cli_errorf("data export: out of memory");
        cli_args_release(&pos);
        return EXIT_INTERNAL;
    }
    rc = momo_dataset_open(pos.v[0], &ds, &err);
    if (rc == MOMO_OK)
        rc = momo_data_export(ds, out, symbols ? (const char *const *)list.v
                                               : NULL,
                              list.n, &n, &err);
    if (rc == MOMO_OK)
        printf("exported %zu symbols to %s\n", n, out);
    rc = rc == MOMO_OK ? EXIT_OK : cli_report(&err);
    momo_dataset_close(ds);
    cli_strs_release(&list);
    cli_args_release(&pos);
    return rc;
}

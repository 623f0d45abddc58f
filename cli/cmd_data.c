/* cmd_data.c - `momo data <subcommand>`: the data subcommands' table.
 * Each subcommand lives in cmd_data_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_data_import(int argc, char **argv);
int cmd_data_info(int argc, char **argv);
int cmd_data_check(int argc, char **argv);
int cmd_data_export(int argc, char **argv);
int cmd_data_synth(int argc, char **argv);
int cmd_data_fetch(int argc, char **argv);

static const struct cli_command data_commands[] = {
    { "check",  cmd_data_check,  "report data-quality problems" },
    { "export", cmd_data_export, "write a dataset back to CSV files" },
    { "fetch",  cmd_data_fetch,  "download daily CSVs over HTTP (Stooq)" },
    { "import", cmd_data_import, "build a dataset from CSV files" },
    { "info",   cmd_data_info,   "describe a dataset" },
    { "synth",  cmd_data_synth,  "generate the synthetic market" },
    { NULL, NULL, NULL }
};

int cmd_data(int argc, char **argv)
{
    return cli_dispatch("data", data_commands, argc, argv);
}

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

static void usage(FILE *f)
{
    fprintf(f, "usage: momo data <subcommand> [options] [--help]\n\n"
               "subcommands:\n");
    for (const struct cli_command *c = data_commands; c->name; c++)
        fprintf(f, "  %-8s %s\n", c->name, c->summary);
}

int cmd_data(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    for (const struct cli_command *c = data_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(argc - 1, argv + 1);
    cli_errorf("unknown data subcommand '%s' (see 'momo data --help')",
               argv[1]);
    return EXIT_USAGE;
}

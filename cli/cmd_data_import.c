/* cmd_data_import.c - placeholder until `momo data import` is written. */
#include "cli.h"

int cmd_data_import(int argc, char **argv);

int cmd_data_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("'momo data import' is not built yet");
    return EXIT_INTERNAL;
}

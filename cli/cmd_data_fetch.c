/* cmd_data_fetch.c - placeholder until `momo data fetch` is written. */
#include "cli.h"

int cmd_data_fetch(int argc, char **argv);

int cmd_data_fetch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("'momo data fetch' is not built yet");
    return EXIT_INTERNAL;
}

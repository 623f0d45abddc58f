/* cmd_data_info.c - placeholder until `momo data info` is written. */
#include "cli.h"

int cmd_data_info(int argc, char **argv);

int cmd_data_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("'momo data info' is not built yet");
    return EXIT_INTERNAL;
}

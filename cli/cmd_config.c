/* cmd_config.c - placeholder until `momo config` is written. */
#include "cli.h"

int cmd_config(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("'momo config' is not built yet");
    return EXIT_INTERNAL;
}

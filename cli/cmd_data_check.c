/* cmd_data_check.c - placeholder until `momo data check` is written. */
#include "cli.h"

int cmd_data_check(int argc, char **argv);

int cmd_data_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("'momo data check' is not built yet");
    return EXIT_INTERNAL;
}

/* cmd_data_synth.c - placeholder until `momo data synth` is written. */
#include "cli.h"

int cmd_data_synth(int argc, char **argv);

int cmd_data_synth(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("'momo data synth' is not built yet");
    return EXIT_INTERNAL;
}

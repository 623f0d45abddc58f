/* commands.c - every top-level command, in alphabetical order. */
#include <stddef.h>

#include "cli.h"

const struct cli_command cli_commands[] = {
    { "config", cmd_config, "show the effective config or its schema" },
    { "data",   cmd_data,   "import, inspect, check, synthesize, fetch data" },
    { NULL, NULL, NULL }
};

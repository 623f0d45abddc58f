/* commands.c - every top-level command, in alphabetical order. */
#include <stddef.h>

#include "cli.h"

const struct cli_command cli_commands[] = {
    { "backtest", cmd_backtest, "run the strategy once over a window" },
    { "config", cmd_config, "show the effective config or its schema" },
    { "data",   cmd_data,   "import, inspect, check, synthesize, fetch data" },
    { "optimize", cmd_optimize, "search parameters and measure overfitting" },
    { NULL, NULL, NULL }
};

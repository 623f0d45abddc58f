/* commands.c - every top-level command, in alphabetical order. */
#include <stddef.h>

#include "cli.h"

const struct cli_command cli_commands[] = {
    { "backtest", cmd_backtest, "run the strategy once over a window" },
    { "benchmark", cmd_benchmark,
      "compare the strategy with market, 60/40 and other benchmarks" },
    { "config", cmd_config, "show the effective config or its schema" },
    { "data",   cmd_data,   "import, inspect, check, synthesize, fetch data" },
    { "montecarlo", cmd_montecarlo,
      "simulate the range of outcomes of a backtest" },
    { "optimize", cmd_optimize, "search parameters and measure overfitting" },
    { "regime", cmd_regime, "market regimes and the strategy in each" },
    { "report", cmd_report,
      "charts, text and PDF report of an optimization" },
    { "robustness", cmd_robustness,
      "periods, universes, stress and costs: a robustness score" },
    { NULL, NULL, NULL }
};

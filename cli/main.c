/* main.c - `momo`: find the command, run it, turn its result into an
 * exit code. Everything else lives in cmd_<name>.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int print_usage(FILE *f)
{
    fprintf(f, "usage: momo [--version] <command> [options] [--help]\n\n"
               "A momentum-strategy toolkit: data, backtests, "
               "optimization, reports.\n\ncommands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fprintf(f, "\nRun 'momo <command> --help' for a command's options.\n"
               "Set MOMO_LOG=debug|info|warn|error for more or fewer log "
               "lines on stderr.\n");
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    const struct cli_command *cmd = NULL;

    cli_install_logging();
    if (argc < 2)
        return cli_finish(print_usage(stdout));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return cli_finish(print_usage(stdout));
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("momo %s\n", MOMO_VERSION);
        return cli_finish(EXIT_OK);
    }
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            cmd = c;
    if (!cmd) {
        cli_errorf("unknown command '%s' (see 'momo --help')", argv[1]);
        return EXIT_USAGE;
    }
    return cli_finish(cmd->run(argc - 1, argv + 1));
}

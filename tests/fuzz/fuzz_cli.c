/* fuzz_cli.c - the command-line parser (cli/opts.c) on arbitrary argv.
 * Input: NUL-separated arguments; the first is the command name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *argv[64];
    int argc = 0, flag = 0;
    const char *str = NULL;
    long num = 0;
    double dbl = 0;
    int32_t date = 0;
    struct cli_list list = { 0 };
    struct cli_args pos;
    const struct cli_opt opts[] = {
        { "json", 'j', CLI_FLAG, &flag, NULL, "flag" },
        { "data", 'd', CLI_STRING, &str, "FILE", "string" },
        { "set", 's', CLI_LIST, &list, "K=V", "list" },
        { "jobs", 0, CLI_LONG, &num, "N", "long" },
        { "ratio", 0, CLI_DOUBLE, &dbl, "F", "double" },
        { "from", 0, CLI_DATE, &date, "DATE", "date" },
        CLI_OPT_END
    };
    static const char *const usage[] = { "fuzz [options] ARG...", NULL };
    const struct cli_spec spec = { usage, NULL, opts, 0, 3 };
    FILE *devnull = fopen("/dev/null", "w");

    if (!buf || !devnull) {
        free(buf);
        if (devnull)
            fclose(devnull);
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[argc++] = "fuzz";
    for (size_t i = 0; i < size && argc < 63;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    if (cli_parse(argc, argv, &spec, &pos, devnull, devnull) == 0)
        cli_args_release(&pos);
    cli_list_release(&list);
    fclose(devnull);
    free(buf);
    return 0;
}

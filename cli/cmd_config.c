/* cmd_config.c - `momo config show|schema`: the effective config, and
 * the registry of every parameter. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const show_usage[] = {
    "momo config show [--config FILE] [--set NAME=VALUE]... "
    "[--json | --comments]",
    NULL
};

static const char *const schema_usage[] = {
    "momo config schema [--json | --markdown]",
    NULL
};

static int config_show(int argc, char **argv)
{
    const char *path = NULL;
    struct cli_list sets = { 0 };
    int json = 0, comments = 0, rc;
    const struct cli_opt opts[] = {
        { "config", 'c', CLI_STRING, &path, "FILE",
          "YAML config file (defaults when absent)" },
        { "set", 's', CLI_LIST, &sets, "NAME=VALUE",
          "override one parameter, after the file, in order" },
        { "json", 0, CLI_FLAG, &json, NULL,
          "a flat JSON object {\"dotted.name\": value}" },
        { "comments", 0, CLI_FLAG, &comments, NULL,
          "describe each parameter above its value (YAML)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        show_usage,
        "Print the effective parameters: the defaults, then FILE, then "
        "each --set.\nThe YAML printed reads back to the same values "
        "with --config.",
        opts, 0, 0
    };
    struct cli_args pos;
    momo_config *cfg = NULL;
    momo_err err = { 0 };
    char name[] = "config show";

    argv[0] = name;                 /* messages say "momo config show" */
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0) {
        cli_list_release(&sets);
        return rc == 1 ? EXIT_OK : rc;
    }
    cli_args_release(&pos);
    if (json && comments) {
        cli_errorf("config show: --json and --comments do not go together");
        cli_list_release(&sets);
        return EXIT_USAGE;
    }
    rc = momo_config_load(path, sets.v, sets.n, &cfg, &err);
    if (rc == MOMO_OK && json)
        rc = momo_config_write_json(momo_config_params(cfg), stdout, &err);
    else if (rc == MOMO_OK)
        rc = momo_config_write_yaml(momo_config_params(cfg), comments,
                                    stdout, &err);
    momo_config_free(cfg);
    cli_list_release(&sets);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

static int config_schema(int argc, char **argv)
{
    int json = 0, markdown = 0, rc;
    const struct cli_opt opts[] = {
        { "json", 0, CLI_FLAG, &json, NULL,
          "a JSON array of {name, type, count, default, min, max, "
          "description, precompute}" },
        { "markdown", 0, CLI_FLAG, &markdown, NULL,
          "the reference page (docs/config.md)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        schema_usage,
        "Print every parameter: its name, type, default, bounds "
        "(inclusive), whether\nit changes the precompute, and what it "
        "does.",
        opts, 0, 0
    };
    struct cli_args pos;
    momo_err err = { 0 };
    char name[] = "config schema";

    argv[0] = name;
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0)
        return rc == 1 ? EXIT_OK : rc;
    cli_args_release(&pos);
    if (json && markdown) {
        cli_errorf("config schema: --json and --markdown do not go "
                   "together");
        return EXIT_USAGE;
    }
    rc = momo_config_write_schema_as(stdout, json ? MOMO_SCHEMA_JSON
                                     : markdown ? MOMO_SCHEMA_MARKDOWN
                                                : MOMO_SCHEMA_TEXT, &err);
    return rc == MOMO_OK ? EXIT_OK : cli_report(&err);
}

static const struct cli_command config_commands[] = {
    { "schema", config_schema, "every parameter: type, default, bounds" },
    { "show",   config_show,   "the effective config as YAML or JSON" },
    { NULL, NULL, NULL }
};

int cmd_config(int argc, char **argv)
{
    return cli_dispatch("config", config_commands, argc, argv);
}

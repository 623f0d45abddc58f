/* opts.c - the command-line parser every command uses.
 *
 * Options are a table (struct cli_opt), so help text comes from the same
 * data that parses. Accepted forms: --name value, --name=value, -x value,
 * -xvalue for options with a value, grouped short flags are not. "--"
 * ends options. Reentrant and allocation-light, so a fuzz target can
 * drive it with arbitrary argv.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int list_push(struct cli_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        const char **nv = realloc(l->v, ncap * sizeof(*nv));

        if (!nv)
            return -1;
        l->v = nv;
        l->cap = ncap;
    }
    l->v[l->n++] = s;
    return 0;
}

void cli_list_release(struct cli_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

void cli_args_release(struct cli_args *pos)
{
    free(pos->v);
    pos->v = NULL;
    pos->n = 0;
}

static int store(const struct cli_opt *o, const char *cmd, const char *val,
                 FILE *errf)
{
    char *end;

    switch (o->kind) {
    case CLI_STRING:
        *(const char **)o->dest = val;
        return 0;
    case CLI_LIST:
        if (list_push(o->dest, val) != 0) {
            fprintf(errf, "momo %s: out of memory\n", cmd);
            return EXIT_USAGE;
        }
        return 0;
    case CLI_LONG: {
        long v;

        errno = 0;
        v = strtol(val, &end, 10);
        if (end == val || *end || errno == ERANGE) {
            fprintf(errf, "momo %s: --%s: '%s' is not an integer\n", cmd,
                    o->name, val);
            return EXIT_USAGE;
        }
        *(long *)o->dest = v;
        return 0;
    }
    case CLI_DOUBLE: {
        double v;

        if (momo_parse_double(val, &v) != 0) {
            fprintf(errf, "momo %s: --%s: '%s' is not a number\n", cmd,
                    o->name, val);
            return EXIT_USAGE;
        }
        *(double *)o->dest = v;
        return 0;
    }
    case CLI_DATE:
        if (momo_parse_date(val, o->dest) != 0) {
            fprintf(errf, "momo %s: --%s: '%s' is not a date (YYYY-MM-DD)\n",
                    cmd, o->name, val);
            return EXIT_USAGE;
        }
        return 0;
    default:
        return EXIT_USAGE;
    }
}

static const struct cli_opt *find_long(const struct cli_spec *spec,
                                       const char *name, size_t len)
{
    for (const struct cli_opt *o = spec->opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static const struct cli_opt *find_short(const struct cli_spec *spec, char c)
{
    for (const struct cli_opt *o = spec->opts; o && o->name; o++)
        if (o->short_name && o->short_name == c)
            return o;
    return NULL;
}

int cli_parse(int argc, char **argv, const struct cli_spec *spec,
              struct cli_args *pos, FILE *out, FILE *errf)
{
    const char *cmd = argc > 0 ? argv[0] : "?";
    int only_args = 0, rc;

    pos->v = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
    pos->n = 0;
    if (!pos->v) {
        fprintf(errf, "momo %s: out of memory\n", cmd);
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        const struct cli_opt *o;

        if (only_args || a[0] != '-' || a[1] == '\0') {
            pos->v[pos->n++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(out, cmd, spec);
            cli_args_release(pos);
            return 1;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

            o = find_long(spec, a + 2, len);
            if (!o) {
                fprintf(errf, "momo %s: unknown option '%.*s' (see 'momo %s "
                        "--help')\n", cmd, (int)(len + 2), a, cmd);
                goto usage;
            }
            if (eq)
                val = eq + 1;
        } else {
            o = find_short(spec, a[1]);
            if (!o) {
                fprintf(errf, "momo %s: unknown option '-%c' (see 'momo %s "
                        "--help')\n", cmd, a[1], cmd);
                goto usage;
            }
            if (a[2] != '\0') {
                if (o->kind == CLI_FLAG) {
                    fprintf(errf, "momo %s: option '-%c' takes no value\n",
                            cmd, a[1]);
                    goto usage;
                }
                val = a + 2;
            }
        }
        if (o->kind == CLI_FLAG) {
            if (val) {
                fprintf(errf, "momo %s: option '--%s' takes no value\n", cmd,
                        o->name);
                goto usage;
            }
            *(int *)o->dest = 1;
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(errf, "momo %s: option '--%s' needs a value (%s)\n",
                        cmd, o->name, o->arg ? o->arg : "VALUE");
                goto usage;
            }
            val = argv[++i];
        }
        rc = store(o, cmd, val, errf);
        if (rc != 0)
            goto usage;
    }
    if (pos->n < spec->min_args) {
        fprintf(errf, "momo %s: missing argument (see 'momo %s --help')\n",
                cmd, cmd);
        goto usage;
    }
    if (pos->n > spec->max_args) {
        fprintf(errf, "momo %s: unexpected argument '%s' (see 'momo %s "
                "--help')\n", cmd, pos->v[spec->max_args], cmd);
        goto usage;
    }
    return 0;
usage:
    cli_args_release(pos);
    return EXIT_USAGE;
}

void cli_print_help(FILE *f, const char *cmd, const struct cli_spec *spec)
{
    (void)cmd;
    for (size_t i = 0; spec->usage && spec->usage[i]; i++)
        fprintf(f, "%s %s\n", i == 0 ? "usage:" : "      ", spec->usage[i]);
    if (spec->summary)
        fprintf(f, "\n%s\n", spec->summary);
    if (spec->opts && spec->opts->name) {
        fprintf(f, "\noptions:\n");
        for (const struct cli_opt *o = spec->opts; o->name; o++) {
            char left[64];

            if (o->short_name)
                snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
                         o->name, o->kind == CLI_FLAG ? "" : " ",
                         o->kind == CLI_FLAG ? "" : (o->arg ? o->arg
                                                            : "VALUE"));
            else
                snprintf(left, sizeof(left), "    --%s%s%s", o->name,
                         o->kind == CLI_FLAG ? "" : " ",
                         o->kind == CLI_FLAG ? "" : (o->arg ? o->arg
                                                            : "VALUE"));
            fprintf(f, "  %-28s %s\n", left, o->help ? o->help : "");
        }
    }
    fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

/* cmd_data_check.c - `momo data check`: a data-quality report.
 *
 * On a dataset file, or on CSV files and folders read as an import
 * would read them (which also shows malformed rows, duplicate and
 * out-of-order dates and unparseable files). Prints a count per kind,
 * then the findings: at most MAX_SHOWN per kind unless --all; --json
 * prints everything. Exit 0 when nothing is wrong, EXIT_PROBLEMS (1)
 * when a problem was found, other codes for errors. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "data_print.h"

#define MAX_SHOWN 10

int cmd_data_check(int argc, char **argv);

static const char *const usage[] = {
    "momo data check [--all] [--json] DATASET",
    "momo data check [--universe FILE]... [--columns MAP] [--jobs N] [--all] "
    "[--json] PATH...",
    NULL
};

static void print_where(const momo_finding *f)
{
    char d[11];

    if (f->file && f->line)
        printf("%s:%zu", f->file, f->line);
    else if (f->file)
        printf("%s", f->file);
    else
        printf("%s", data_date(d, f->has_date, f->date));
}

static void print_text(const momo_check_report *r, int all)
{
    printf("checked %zu symbols, %zu bars", r->n_symbols, r->n_bars);
    if (r->n_files)
        printf(" from %zu files", r->n_files);
    printf(": %zu problems\n\n", r->n_problems);
    printf("%-20s %9s\n", "kind", "findings");
    for (int k = 0; k < MOMO_N_CHECK_KINDS; k++) {
        printf("%-20s %9zu", momo_check_kind_name(k), r->count[k]);
        if (!momo_check_kind_is_problem(k))
            printf("  (information: %zu bars)", r->n_flat_bars);
        printf("\n");
    }
    for (int k = 0; k < MOMO_N_CHECK_KINDS; k++) {
        size_t shown = 0, total = 0;

        if (!r->count[k])
            continue;
        printf("\n%s (%zu):\n", momo_check_kind_name(k), r->count[k]);
        for (size_t i = 0; i < r->n_findings; i++) {
            const momo_finding *f = &r->findings[i];

            if (f->kind != k)
                continue;
            total++;
            if (!all && shown >= MAX_SHOWN)
                continue;
            printf("  %-10s ", f->symbol[0] ? f->symbol : "-");
            print_where(f);
            printf("  %s\n", f->detail);
            shown++;
        }
        if (r->count[k] > shown)
            printf("  ... %zu more (%s)\n", r->count[k] - shown,
                   total > shown ? "--all shows them"
                                 : "counted, not listed");
    }
    if (r->n_dropped)
        printf("\n%zu findings counted but not listed\n", r->n_dropped);
}

static void print_json(const momo_check_report *r)
{
    printf("{\"symbols\": %zu, \"bars\": %zu, \"files\": %zu, "
           "\"problems\": %zu, \"flat_bars\": %zu, \"not_listed\": %zu,\n",
           r->n_symbols, r->n_bars, r->n_files, r->n_problems,
           r->n_flat_bars, r->n_dropped);
    printf(" \"counts\": {");
    for (int k = 0; k < MOMO_N_CHECK_KINDS; k++)
        printf("%s\"%s\": %zu", k ? ", " : "", momo_check_kind_name(k),
               r->count[k]);
    printf("},\n \"findings\": [");
    for (size_t i = 0; i < r->n_findings; i++) {
        const momo_finding *f = &r->findings[i];

        printf("%s\n  {\"kind\": \"%s\", \"problem\": %s, \"symbol\": ",
               i ? "," : "", momo_check_kind_name(f->kind),
               momo_check_kind_is_problem(f->kind) ? "true" : "false");
        data_json_str(stdout, f->symbol);
        printf(", \"date\": ");
        data_json_date(stdout, f->has_date, f->date);
        printf(", \"file\": ");
        if (f->file)
            data_json_str(stdout, f->file);
        else
            printf("null");
        printf(", \"line\": ");
        if (f->file && f->line)
            printf("%zu", f->line);
        else
            printf("null");
        printf(", \"detail\": ");
        data_json_str(stdout, f->detail);
        printf("}");
    }
    printf("\n]}\n");
}

/* One argument that is not a folder nor named .csv/.csv.gz: a dataset. */
static int is_dataset_arg(const struct cli_args *pos)
{
    struct stat st;

    if (pos->n != 1 || data_is_csv_name(pos->v[0]))
        return 0;
    return !(stat(pos->v[0], &st) == 0 && S_ISDIR(st.st_mode));
}

int cmd_data_check(int argc, char **argv)
{
    struct cli_list universe = { 0 };
    const char *columns = NULL;
    long jobs = 0;
    int json = 0, all = 0, rc;
    const struct cli_opt opts[] = {
        { "universe", 'u', CLI_LIST, &universe, "FILE",
          "symbol metadata for CSV input; repeatable" },
        { "columns", 0, CLI_STRING, &columns, "MAP",
          "column mapping for CSV input (see 'momo data import')" },
        { "jobs", 'j', CLI_LONG, &jobs, "N",
          "parser threads for CSV input (default: one per core)" },
        { "all", 'a', CLI_FLAG, &all, NULL,
          "list every finding (default: 10 per kind)" },
        { "json", 0, CLI_FLAG, &json, NULL, "print everything as JSON" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Report data-quality problems: missing bars against the calendar,\n"
        "stale closes, series that end early, OHLC inconsistencies, zero\n"
        "volume, one-day jumps over 50% or that look like unadjusted splits;\n"
        "on CSV input also unparseable files, malformed rows, missing or\n"
        "non-positive prices, duplicate and out-of-order dates. Exit status:\n"
        "0 nothing wrong, 1 problems found, 2 and above errors.",
        opts, 1, SIZE_MAX
    };
    struct cli_args pos;
    momo_check_report rep;
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    memset(&rep, 0, sizeof(rep));
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0) {
        cli_list_release(&universe);
        return rc == 1 ? EXIT_OK : EXIT_USAGE;
    }
    if (jobs < 0 || jobs > 256) {
        cli_errorf("data check: --jobs must be 0..256");
        cli_args_release(&pos);
        cli_list_release(&universe);
        return EXIT_USAGE;
    }
    if (is_dataset_arg(&pos)) {
        rc = momo_dataset_open(pos.v[0], &ds, &err);
        if (rc == MOMO_OK)
            rc = momo_data_check(ds, &rep, &err);
    } else {
        o.universe = universe.v;
        o.n_universe = universe.n;
        o.columns = columns;
        o.jobs = (int)jobs;
        cli_catch_interrupts();
        o.interrupt = cli_interrupt_flag();
        rc = momo_data_check_files((const char *const *)pos.v, pos.n, &o,
                                   &rep, &err);
    }
    if (rc == MOMO_OK) {
        if (json)
            print_json(&rep);
        else
            print_text(&rep, all);
        rc = rep.n_problems ? EXIT_PROBLEMS : EXIT_OK;
    } else {
        rc = cli_report(&err);
    }
    momo_check_report_release(&rep);
    momo_dataset_close(ds);
    cli_args_release(&pos);
    cli_list_release(&universe);
    return rc;
}

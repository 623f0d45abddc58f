/* cmd_data_import.c - `momo data import`: CSV files into one dataset file.
 *
 * Parses the options, calls momo_data_import, saves the dataset
 * atomically (a failed import leaves --out as it was) and prints the
 * summary: text, or JSON with --json. Skipped rows and files are logged
 * on stderr by the library. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "data_print.h"

int cmd_data_import(int argc, char **argv);

static const char *const usage[] = {
    "momo data import [--universe FILE]... [--columns MAP] [--jobs N] "
    "[--strict] [--json] --out DATASET PATH...",
    NULL
};

static const char *const row_keys[MOMO_N_ROW_ISSUES] = {
    "missing_price", "nonpositive_price", "bad_date", "field_count",
    "bad_number"
};

static void print_text(const char *out, const momo_dataset *ds,
                       const momo_import_summary *s,
                       const momo_dataset_info *info)
{
    const char *sep = "";

    printf("imported %zu symbols, %zu bars from %zu files into %s "
           "(checksum %08x) in %.2f s\n", s->n_symbols, s->n_bars,
           s->n_files_imported, out, momo_dataset_checksum(ds), s->seconds);
    printf("  files:     %zu found, %zu imported, %zu skipped\n", s->n_files,
           s->n_files_imported, s->n_files_skipped);
    printf("  formats:  ");
    for (int f = 0; f < MOMO_N_CSV_FORMATS; f++)
        if (s->n_formats[f]) {
            printf("%s %s %zu", sep, momo_csv_format_name(f), s->n_formats[f]);
            sep = ",";
        }
    printf("\n  classes:  ");
    sep = "";
    for (int c = 0; c < MOMO_N_ASSET_CLASSES; c++)
        if (info->by_class[c].n_symbols) {
            printf("%s %s %zu", sep, momo_asset_class_name(c),
                   info->by_class[c].n_symbols);
            sep = ",";
        }
    printf("\n  rows:      %zu read, %zu skipped", s->n_rows,
           s->n_rows_skipped);
    if (s->n_rows_skipped) {
        sep = " (";
        for (int k = 0; k < MOMO_N_ROW_ISSUES; k++)
            if (s->n_row_issues[k]) {
                printf("%s%s %zu", sep, momo_row_issue_name(k),
                       s->n_row_issues[k]);
                sep = ", ";
            }
        printf(")");
    }
    printf("\n  dates:     %zu duplicates (the later row kept), %zu out of "
           "order (sorted)\n", s->n_duplicates, s->n_unsorted);
    printf("  universe:  %zu symbols listed, %zu without a data file; %zu "
           "data files unlisted (stock, no sector)\n", s->n_universe,
           s->n_universe_unused, s->n_unlisted);
    if (s->n_files_skipped) {
        printf("skipped files:\n");
        for (size_t i = 0; i < s->n_files_skipped; i++)
            printf("  %s\n", s->skipped[i].reason);
    }
}

static void print_json(const char *out, const momo_dataset *ds,
                       const momo_import_summary *s,
                       const momo_dataset_info *info)
{
    const char *sep = "";

    printf("{\"dataset\": ");
    data_json_str(stdout, out);
    printf(", \"checksum\": \"%08x\", \"seconds\": %.3f,\n",
           momo_dataset_checksum(ds), s->seconds);
    printf(" \"files\": {\"found\": %zu, \"imported\": %zu, \"skipped\": %zu},"
           "\n \"skipped_files\": [", s->n_files, s->n_files_imported,
           s->n_files_skipped);
    for (size_t i = 0; i < s->n_files_skipped; i++) {
        printf("%s{\"path\": ", i ? ", " : "");
        data_json_str(stdout, s->skipped[i].path);
        printf(", \"reason\": ");
        data_json_str(stdout, s->skipped[i].reason);
        printf("}");
    }
    printf("],\n \"formats\": {");
    for (int f = 0; f < MOMO_N_CSV_FORMATS; f++) {
        printf("%s\"%s\": %zu", sep, momo_csv_format_name(f), s->n_formats[f]);
        sep = ", ";
    }
    printf("},\n \"symbols\": %zu, \"bars\": %zu,\n \"classes\": {",
           s->n_symbols, s->n_bars);
    for (int c = 0; c < MOMO_N_ASSET_CLASSES; c++)
        printf("%s\"%s\": {\"symbols\": %zu, \"bars\": %zu}", c ? ", " : "",
               momo_asset_class_name(c), info->by_class[c].n_symbols,
               info->by_class[c].n_bars);
    printf("},\n \"rows\": {\"read\": %zu, \"skipped\": %zu", s->n_rows,
           s->n_rows_skipped);
    for (int k = 0; k < MOMO_N_ROW_ISSUES; k++)
        printf(", \"%s\": %zu", row_keys[k], s->n_row_issues[k]);
    printf(", \"duplicates\": %zu, \"unsorted\": %zu},\n", s->n_duplicates,
           s->n_unsorted);
    printf(" \"universe\": {\"listed\": %zu, \"without_data\": %zu, "
           "\"unlisted\": %zu}}\n", s->n_universe, s->n_universe_unused,
           s->n_unlisted);
}

int cmd_data_import(int argc, char **argv)
{
    struct cli_list universe = { 0 };
    const char *out = NULL, *columns = NULL;
    long jobs = 0;
    int json = 0, strict = 0, rc;
    const struct cli_opt opts[] = {
        { "universe", 'u', CLI_LIST, &universe, "FILE",
          "symbol metadata; repeatable, a later file wins" },
        { "columns", 0, CLI_STRING, &columns, "MAP",
          "date=D,open=O,high=H,low=L,close=C[,adj_close=A][,volume=V]" },
        { "jobs", 'j', CLI_LONG, &jobs, "N",
          "parser threads (default: one per core)" },
        { "strict", 0, CLI_FLAG, &strict, NULL,
          "a skipped row or file stops the import" },
        { "json", 0, CLI_FLAG, &json, NULL, "print the summary as JSON" },
        { "out", 'o', CLI_STRING, &out, "DATASET",
          "the dataset file to write (required)" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Build one dataset file from per-symbol daily CSV files (.csv or\n"
        ".csv.gz; folders are searched recursively). The symbol is the file\n"
        "name without .csv/.csv.gz. Formats are recognised from the header:\n"
        "Alpha Vantage (timestamp,...,adjusted_close,...), Yahoo (Adj Close),\n"
        "Stooq (also <TICKER>,<PER>,<DATE>,...) and date+OHLC without volume;\n"
        "--columns names the columns of any other layout. Bad rows are\n"
        "skipped and counted, files with an unknown header are skipped.",
        opts, 1, SIZE_MAX
    };
    struct cli_args pos;
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary sum;
    momo_dataset_info info;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    struct cli_progress prog;

    memset(&sum, 0, sizeof(sum));
    memset(&info, 0, sizeof(info));
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0) {
        cli_list_release(&universe);
        return rc == 1 ? EXIT_OK : EXIT_USAGE;
    }
    if (!out || !*out || jobs < 0 || jobs > 256) {
        cli_errorf(!out || !*out ? "data import: --out DATASET is required"
                                 : "data import: --jobs must be 0..256");
        cli_args_release(&pos);
        cli_list_release(&universe);
        return EXIT_USAGE;
    }
    o.universe = universe.v;
    o.n_universe = universe.n;
    o.columns = columns;
    o.jobs = (int)jobs;
    o.strict = strict;
    cli_progress_init(&prog, "import");
    o.progress = cli_progress_cb;
    o.progress_ud = &prog;
    cli_catch_interrupts();
    o.interrupt = cli_interrupt_flag();
    rc = momo_data_import((const char *const *)pos.v, pos.n, &o, &ds, &sum,
                          &err);
    cli_progress_done(&prog);
    if (rc == MOMO_OK)
        rc = momo_dataset_save(ds, out, &err);
    if (rc == MOMO_OK)
        rc = momo_dataset_describe(ds, &info, &err);
    if (rc == MOMO_OK) {
        if (json)
            print_json(out, ds, &sum, &info);
        else
            print_text(out, ds, &sum, &info);
    }
    rc = rc == MOMO_OK ? EXIT_OK : cli_report(&err);
    momo_dataset_info_release(&info);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
    cli_args_release(&pos);
    cli_list_release(&universe);
    return rc;
}

/* cmd_data_info.c - `momo data info`: what a dataset file holds.
 *
 * Path, checksum, symbols, bars and dates, then per asset class, per
 * sector and per size bucket; --verify recomputes the checksum. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "data_print.h"

int cmd_data_info(int argc, char **argv);

static const char *const usage[] = {
    "momo data info [--verify] [--json] DATASET",
    NULL
};

static void print_text(const momo_dataset *ds, const momo_dataset_info *in,
                       int verified)
{
    char a[11], b[11];

    printf("path        %s\n", momo_dataset_path(ds));
    printf("checksum    %08x%s\n", momo_dataset_checksum(ds),
           verified ? " (verified)" : "");
    printf("symbols     %zu\n", in->n_symbols);
    printf("bars        %zu\n", in->n_bars);
    printf("dates       %s .. %s\n",
           data_date(a, in->n_bars > 0, in->first_date),
           data_date(b, in->n_bars > 0, in->last_date));
    printf("\n%-8s %8s %10s  %-10s  %-10s\n", "class", "symbols", "bars",
           "first", "last");
    for (int c = 0; c < MOMO_N_ASSET_CLASSES; c++) {
        const momo_class_info *ci = &in->by_class[c];

        if (!ci->n_symbols)
            continue;
        printf("%-8s %8zu %10zu  %-10s  %-10s\n", momo_asset_class_name(c),
               ci->n_symbols, ci->n_bars,
               data_date(a, ci->n_bars > 0, ci->first_date),
               data_date(b, ci->n_bars > 0, ci->last_date));
    }
    printf("\n%-32s %8s\n", "sector", "symbols");
    for (size_t i = 0; i < in->n_sectors; i++)
        printf("%-32s %8zu\n", in->sectors[i].name[0] ? in->sectors[i].name
                                                      : "(none)",
               in->sectors[i].n_symbols);
    printf("\n%-32s %8s\n", "size", "symbols");
    for (int z = 0; z < MOMO_N_SIZES; z++)
        if (in->by_size[z])
            printf("%-32s %8zu\n", z ? momo_size_name(z) : "(none)",
                   in->by_size[z]);
}

static void print_json(const momo_dataset *ds, const momo_dataset_info *in,
                       int verified)
{
    printf("{\"path\": ");
    data_json_str(stdout, momo_dataset_path(ds));
    printf(", \"checksum\": \"%08x\", \"verified\": %s,\n",
           momo_dataset_checksum(ds), verified ? "true" : "false");
    printf(" \"symbols\": %zu, \"bars\": %zu, \"first_date\": ",
           in->n_symbols, in->n_bars);
    data_json_date(stdout, in->n_bars > 0, in->first_date);
    printf(", \"last_date\": ");
    data_json_date(stdout, in->n_bars > 0, in->last_date);
    printf(",\n \"classes\": {");
    for (int c = 0; c < MOMO_N_ASSET_CLASSES; c++) {
        const momo_class_info *ci = &in->by_class[c];

        printf("%s\"%s\": {\"symbols\": %zu, \"bars\": %zu, "
               "\"first_date\": ", c ? ", " : "", momo_asset_class_name(c),
               ci->n_symbols, ci->n_bars);
        data_json_date(stdout, ci->n_bars > 0, ci->first_date);
        printf(", \"last_date\": ");
        data_json_date(stdout, ci->n_bars > 0, ci->last_date);
        printf("}");
    }
    printf("},\n \"sectors\": {");
    for (size_t i = 0; i < in->n_sectors; i++) {
        printf("%s", i ? ", " : "");
        data_json_str(stdout, in->sectors[i].name);
        printf(": %zu", in->sectors[i].n_symbols);
    }
    printf("},\n \"sizes\": {");
    for (int z = 0; z < MOMO_N_SIZES; z++)
        printf("%s\"%s\": %zu", z ? ", " : "", z ? momo_size_name(z) : "none",
               in->by_size[z]);
    printf("}}\n");
}

int cmd_data_info(int argc, char **argv)
{
    int json = 0, verify = 0, rc;
    const struct cli_opt opts[] = {
        { "verify", 0, CLI_FLAG, &verify, NULL,
          "also check the payload checksum" },
        { "json", 0, CLI_FLAG, &json, NULL, "print as JSON" },
        CLI_OPT_END
    };
    const struct cli_spec spec = {
        usage,
        "Describe a dataset file: checksum, symbols, bars and dates, and the\n"
        "same per asset class; symbols per sector and per size bucket.",
        opts, 1, 1
    };
    struct cli_args pos;
    momo_dataset *ds = NULL;
    momo_dataset_info info;
    momo_err err = { 0 };

    memset(&info, 0, sizeof(info));
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc != 0)
        return rc == 1 ? EXIT_OK : EXIT_USAGE;
    rc = momo_dataset_open(pos.v[0], &ds, &err);
    if (rc == MOMO_OK && verify)
        rc = momo_dataset_verify(ds, &err);
    if (rc == MOMO_OK)
        rc = momo_dataset_describe(ds, &info, &err);
    if (rc == MOMO_OK) {
        if (json)
            print_json(ds, &info, verify);
        else
            print_text(ds, &info, verify);
    }
    rc = rc == MOMO_OK ? EXIT_OK : cli_report(&err);
    momo_dataset_info_release(&info);
    momo_dataset_close(ds);
    cli_args_release(&pos);
    return rc;
}

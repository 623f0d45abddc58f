/* export.c - a dataset back to plain CSV files.
 *
 * In:  a dataset, a folder, optionally a list of symbols.
 * Out: <folder>/<SYMBOL>.csv with the header Date,Open,High,Low,Close,
 *      Volume (the Stooq layout import reads as is, with no adjustment
 *      to apply) and every number as "%.17g", which reads back to the
 *      same double; <folder>/universe.csv with symbol,asset_class,sector,
 *      size. Importing the folder with --universe <folder>/universe.csv
 *      gives a dataset with identical bars and metadata.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "momo/data.h"

#define MAX_CSV_BYTES  ((size_t)1 << 31)

static int fit_for_file_name(const char *name)
{
    if (name[0] == '.' || strchr(name, '/') || strcmp(name, "universe") == 0)
        return 0;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 32)
            return 0;
    return 1;
}

/* Append `s` as a CSV field, quoted when it needs to be. */
static void put_field(struct core_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        core_buf_append(b, s, strlen(s));
        return;
    }
    core_buf_append(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            core_buf_append(b, "\"", 1);   /* doubled inside quotes */
        core_buf_append(b, p, 1);
    }
    core_buf_append(b, "\"", 1);
}

static int write_buf(const char *dir, const char *name, struct core_buf *b,
                     momo_err *err)
{
    size_t n = strlen(dir) + strlen(name) + 8;
    char *path = core_malloc(n);
    int rc;

    if (!path || b->failed) {
        core_free(path);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    snprintf(path, n, "%s/%s.csv", dir, name);
    rc = core_write_file_atomic(path, core_buf_cstr(b), b->n, err);
    core_free(path);
    return rc;
}

static int export_symbol(const momo_dataset *ds, size_t sym, const char *dir,
                         momo_err *err)
{
    const momo_symbol *sy = momo_dataset_symbol(ds, sym);
    struct core_buf b;
    momo_series s;
    int rc;

    momo_dataset_series(ds, sym, &s);
    core_buf_init(&b, MAX_CSV_BYTES);
    core_buf_printf(&b, "Date,Open,High,Low,Close,Volume\n");
    for (size_t i = 0; i < s.n && !b.failed; i++) {
        char d[11];

        core_buf_printf(&b, "%s,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                        core_format_date(s.date[i], d), s.open[i], s.high[i],
                        s.low[i], s.close[i], s.volume[i]);
    }
    rc = write_buf(dir, sy->name, &b, err);
    core_buf_release(&b);
    return rc;
}

int momo_data_export(const momo_dataset *ds, const char *dir,
                     const char *const *symbols, size_t n_symbols,
                     size_t *n_written, momo_err *err)
{
    size_t n = symbols ? n_symbols : momo_dataset_n_symbols(ds), done = 0;
    size_t *idx;
    unsigned char *seen;
    struct core_buf u;
    int rc;

    if (n_written)
        *n_written = 0;
    idx = core_malloc((n ? n : 1) * sizeof(*idx));
    seen = core_calloc(momo_dataset_n_symbols(ds) + 1, 1);
    if (!idx || !seen) {
        core_free(idx);
        core_free(seen);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    rc = MOMO_OK;
    for (size_t i = 0; i < n && rc == MOMO_OK; i++) {
        long sym = symbols ? momo_dataset_find(ds, symbols[i]) : (long)i;
        const char *name;

        if (sym < 0) {
            rc = momo_err_set(err, MOMO_ENOTFOUND,
                              "symbol '%s' is not in the dataset",
                              symbols[i]);
            break;
        }
        name = momo_dataset_symbol(ds, (size_t)sym)->name;
        if (!fit_for_file_name(name))
            rc = momo_err_set(err, MOMO_EINVAL,
                              "symbol '%s' cannot be a file name", name);
        idx[i] = (size_t)sym;
    }
    if (rc == MOMO_OK)
        rc = core_mkdir_p(dir, err);
    core_buf_init(&u, MAX_CSV_BYTES);
    core_buf_printf(&u, "symbol,asset_class,sector,size\n");
    for (size_t i = 0; i < n && rc == MOMO_OK; i++) {
        const momo_symbol *sy = momo_dataset_symbol(ds, idx[i]);

        if (seen[idx[i]])
            continue;                   /* named twice */
        seen[idx[i]] = 1;
        rc = export_symbol(ds, idx[i], dir, err);
        if (rc != MOMO_OK)
            break;
        done++;
        put_field(&u, sy->name);
        core_buf_printf(&u, ",%s,", momo_asset_class_name(sy->asset_class));
        put_field(&u, sy->sector);
        core_buf_printf(&u, ",%s\n", momo_size_name(sy->size));
    }
    if (rc == MOMO_OK)
        rc = write_buf(dir, "universe", &u, err);
    core_buf_release(&u);
    core_free(idx);
    core_free(seen);
    if (n_written)
        *n_written = done;
    return rc;
}

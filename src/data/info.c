/* info.c - what a dataset holds, aggregated for `momo data info`.
 *
 * In:  an open dataset. Out: counts and date ranges over all symbols and
 * per asset class, symbols per size bucket and per sector.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "momo/data.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void widen(int32_t *first, int32_t *last, size_t *n_seen,
                  const momo_symbol *sy)
{
    if (sy->n_bars == 0)
        return;
    if (*n_seen == 0 || sy->first_date < *first)
        *first = sy->first_date;
    if (*n_seen == 0 || sy->last_date > *last)
        *last = sy->last_date;
    (*n_seen)++;
}

int momo_dataset_describe(const momo_dataset *ds, momo_dataset_info *out,
                          momo_err *err)
{
    size_t n = momo_dataset_n_symbols(ds), seen = 0;
    size_t seen_class[MOMO_N_ASSET_CLASSES] = { 0 };
    const char **names;

    memset(out, 0, sizeof(*out));
    out->n_symbols = n;
    out->n_bars = momo_dataset_n_bars(ds);
    names = core_malloc((n ? n : 1) * sizeof(*names));
    if (!names)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t sym = 0; sym < n; sym++) {
        const momo_symbol *sy = momo_dataset_symbol(ds, sym);
        momo_class_info *ci = &out->by_class[sy->asset_class];

        widen(&out->first_date, &out->last_date, &seen, sy);
        widen(&ci->first_date, &ci->last_date, &seen_class[sy->asset_class],
              sy);
        ci->n_symbols++;
        ci->n_bars += sy->n_bars;
        out->by_size[sy->size]++;
        names[sym] = sy->sector;
    }
    qsort(names, n, sizeof(*names), cmp_str);
    out->sectors = core_calloc(n ? n : 1, sizeof(*out->sectors));
    if (!out->sectors) {
        core_free(names);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (out->n_sectors == 0 ||
            strcmp(out->sectors[out->n_sectors - 1].name, names[i]) != 0)
            out->sectors[out->n_sectors++].name = names[i];
        out->sectors[out->n_sectors - 1].n_symbols++;
    }
    core_free(names);
    return MOMO_OK;
}

void momo_dataset_info_release(momo_dataset_info *info)
{
    if (!info)
        return;
    core_free(info->sectors);
    info->sectors = NULL;
    info->n_sectors = 0;
}

/* fuzz_csv.c - the CSV readers of src/data/csv.c and universe.c on
 * arbitrary bytes, from a memory buffer as the importer calls them.
 * The first byte picks the reader: detected format, an explicit column
 * mapping, or a universe file. Whatever the input, the parse returns a
 * status, and on success its bars are ascending with positive prices. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "data/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bars(const struct csv_bars *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (i > 0 && b->date[i] <= b->date[i - 1])
            abort();
        if (!(b->open[i] > 0) || !(b->high[i] > 0) || !(b->low[i] > 0) ||
            !(b->close[i] > 0) || !(b->volume[i] >= 0) ||
            !isfinite(b->open[i]) || !isfinite(b->close[i]) ||
            !isfinite(b->volume[i]))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data + 1;
    size_t len = size ? size - 1 : 0;
    struct csv_map map;
    struct csv_opts o = { NULL, 8, 100000 };
    struct csv_bars b;
    struct csv_stats st;
    struct csv_issue *iss = NULL;
    momo_err err = { 0 };

    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        break;
    case 1:
        if (ds_csv_map_parse("date=d,open=o,high=h,low=l,close=c,"
                             "adj_close=a,volume=v", &map, NULL) != MOMO_OK)
            abort();
        o.map = &map;
        break;
    default: {
        struct universe u;

        ds_universe_init(&u);
        if (ds_universe_parse(&u, "fuzz.csv", text, len, &err) == MOMO_OK)
            ds_universe_finish(&u, &err);
        ds_universe_release(&u);
        return 0;
    }
    }
    if (ds_csv_parse("fuzz.csv", text, len, &o, &b, &st, &iss, &err) ==
        MOMO_OK) {
        check_bars(&b);
        if ((st.n_issues > 0) != (iss != NULL) || st.n_skipped > st.n_rows)
            abort();
        ds_csv_bars_release(&b);
        core_free(iss);
    }
    return 0;
}

/* include/momo/dataset.h - read-only access to a dataset, and building one.
 *
 * A dataset holds, per symbol, its daily bars (ascending dates, already
 * back-adjusted as STRATEGY.md section 1 says) and its universe metadata.
 * Symbols are sorted by name, so a symbol index order is name order. The
 * same bytes serve on disk and in memory: momo_dataset_open() maps the
 * file read-only, a builder lays out the identical image in memory, and
 * momo_dataset_save() writes that image. Format: src/data/dataset.c.
 */
#ifndef MOMO_DATASET_H
#define MOMO_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "momo/error.h"

typedef struct momo_dataset momo_dataset;                 /* opaque */
typedef struct momo_dataset_builder momo_dataset_builder; /* opaque */

enum momo_asset_class {
    MOMO_STOCK = 0,
    MOMO_CRYPTO,
    MOMO_ETF,
    MOMO_BOND,
    MOMO_INDEX,
    MOMO_N_ASSET_CLASSES
};

enum momo_size {
    MOMO_SIZE_NONE = 0,  /* not known */
    MOMO_SIZE_LARGE,
    MOMO_SIZE_MID,
    MOMO_SIZE_SMALL,
    MOMO_N_SIZES
};

#define MOMO_SYMBOL_MAX 31   /* longest symbol name, bytes */
#define MOMO_SECTOR_MAX 63   /* longest sector name, bytes */

/* One symbol's metadata. Strings live as long as the dataset. */
typedef struct momo_symbol {
    const char *name;       /* "AAPL", unique within a dataset */
    const char *sector;     /* "" when unknown */
    int asset_class;        /* enum momo_asset_class */
    int size;               /* enum momo_size */
    size_t n_bars;
    int32_t first_date;     /* days since 1970-01-01; 0 when n_bars = 0 */
    int32_t last_date;
} momo_symbol;

/* One symbol's bars: n rows with strictly ascending dates. Prices are
 * > 0 and back-adjusted; volume >= 0 (0 when the source had none). */
typedef struct momo_series {
    size_t n;
    const int32_t *date;
    const double *open, *high, *low, *close, *volume;
} momo_series;

/*---- Reading ----*/

/* Map the dataset file at `path` read-only. The header, symbol table and
 * every offset are checked, so a damaged file cannot make a reader stray
 * outside the mapping; the payload checksum is checked by
 * momo_dataset_verify(). On MOMO_OK *out is a new handle (close with
 * momo_dataset_close); otherwise *out is NULL and the result is MOMO_EIO
 * or MOMO_EFORMAT with `err` naming the file. */
int momo_dataset_open(const char *path, momo_dataset **out, momo_err *err);

/* Release `ds`. NULL is a harmless no-op. */
void momo_dataset_close(momo_dataset *ds);

/* Recompute the CRC-32 of the payload and compare it with the header's.
 * MOMO_OK, or MOMO_EFORMAT naming the file. O(size of the dataset). */
int momo_dataset_verify(const momo_dataset *ds, momo_err *err);

size_t momo_dataset_n_symbols(const momo_dataset *ds);
size_t momo_dataset_n_bars(const momo_dataset *ds);    /* all symbols */

/* Metadata of symbol `sym` (< n_symbols). Lives as long as `ds`. */
const momo_symbol *momo_dataset_symbol(const momo_dataset *ds, size_t sym);

/* The bars of symbol `sym`. Arrays live as long as `ds`. O(1). */
void momo_dataset_series(const momo_dataset *ds, size_t sym,
                         momo_series *out);

/* Index of the symbol named `name`, or -1. O(log n). */
long momo_dataset_find(const momo_dataset *ds, const char *name);

/* CRC-32 (zlib) of the payload: identifies the dataset's content. */
uint32_t momo_dataset_checksum(const momo_dataset *ds);

/* The file the dataset was opened from, or NULL when built in memory. */
const char *momo_dataset_path(const momo_dataset *ds);

/* Write `ds` to `path` atomically (temporary file, fsync, rename): on
 * failure whatever was at `path` is untouched. */
int momo_dataset_save(const momo_dataset *ds, const char *path,
                      momo_err *err);

const char *momo_asset_class_name(int asset_class);   /* "stock", ... */
const char *momo_size_name(int size);                 /* "", "large", ... */
/* Parse "stock", "crypto", ... ("" means stock, STRATEGY.md 11.2).
 * Returns the enum value or -1. */
int momo_asset_class_parse(const char *s);
/* Parse "large", "mid", "small" or "" (none). Enum value or -1. */
int momo_size_parse(const char *s);

/*---- Building ----*/

/* A new, empty builder. Caller frees it with momo_dataset_builder_free,
 * or hands it to momo_dataset_builder_finish. */
int momo_dataset_builder_new(momo_dataset_builder **out, momo_err *err);
void momo_dataset_builder_free(momo_dataset_builder *b);

/* Copy one symbol into the builder: `meta` gives name, sector, asset
 * class and size (its counts and dates are ignored); `bars` gives the
 * rows, whose dates must strictly ascend and whose prices must be > 0.
 * A name already added, or bad rows, give MOMO_EINVAL and leave the
 * builder as it was. */
int momo_dataset_builder_add(momo_dataset_builder *b, const momo_symbol *meta,
                             const momo_series *bars, momo_err *err);

/* Lay out the dataset in memory (symbols sorted by name) and free `b`
 * whatever the result. On MOMO_OK *out is a new in-memory dataset. */
int momo_dataset_builder_finish(momo_dataset_builder *b, momo_dataset **out,
                                momo_err *err);

/* Copy symbol `sym` of `ds` (metadata and bars) into the builder; the
 * way to derive a modified dataset (stress scenarios, subsets) without
 * touching the stored one. */
int momo_dataset_builder_add_from(momo_dataset_builder *b,
                                  const momo_dataset *ds, size_t sym,
                                  momo_err *err);

#endif

/* include/momo/data.h - building a dataset from CSV files, describing
 * it, checking its quality and exporting it back to CSV.
 *
 * Import reads per-symbol daily CSV files (plain or .gz) in the formats
 * of docs/cli/momo-data.md, back-adjusts them (STRATEGY.md section 1),
 * attaches universe metadata and builds one dataset (momo/dataset.h).
 * Check reports data-quality problems of a dataset or of raw CSV files.
 * Export writes a dataset back as plain CSV files that import reads
 * back bit for bit.
 */
/* (not MOMO_DATA_H: src/data/data.h, the module header, holds that) */
#ifndef MOMO_DATA_API_H
#define MOMO_DATA_API_H

#include <stddef.h>
#include <stdint.h>

#include "momo/dataset.h"
#include "momo/error.h"
#include "momo/log.h"

/*---- Import ----*/

/* Why a CSV row was skipped (STRATEGY.md 11.1). */
enum momo_row_issue {
    MOMO_ROW_MISSING_PRICE = 0,  /* open, high, low, close or adjusted
                                    close empty or "null" */
    MOMO_ROW_NONPOSITIVE,        /* one of those prices <= 0 */
    MOMO_ROW_BAD_DATE,           /* the date does not parse */
    MOMO_ROW_FIELD_COUNT,        /* not as many fields as the header */
    MOMO_ROW_BAD_NUMBER,         /* a number that does not parse, or a
                                    negative volume */
    MOMO_N_ROW_ISSUES
};

/* "missing price", "non-positive price", ... */
const char *momo_row_issue_name(int issue);

/* The CSV layouts the header is recognised as. */
enum momo_csv_format {
    MOMO_CSV_ALPHA_VANTAGE = 0,  /* timestamp,...,adjusted_close,... */
    MOMO_CSV_YAHOO,              /* Date,...,Adj Close,Volume */
    MOMO_CSV_STOOQ,              /* Date,Open,High,Low,Close,Volume and
                                    <TICKER>,<PER>,<DATE>,... */
    MOMO_CSV_OHLC,               /* date and OHLC, no volume (VIX) */
    MOMO_CSV_MAPPED,             /* named by --columns */
    MOMO_N_CSV_FORMATS
};

/* "alpha-vantage", "yahoo", "stooq", "ohlc", "columns". */
const char *momo_csv_format_name(int format);

typedef struct momo_import_opts {
    const char *const *universe;   /* universe files, later ones win */
    size_t n_universe;
    const char *columns;           /* "date=Day,open=O,..." or NULL */
    int jobs;                      /* worker threads; 0: one per core */
    int strict;                    /* any skipped row or file fails */
    size_t max_warnings;           /* rows logged per file; 0: 5 */
    momo_progress_fn progress;     /* called with files done, or NULL */
    void *progress_ud;
    const volatile int *interrupt; /* polled; nonzero stops: MOMO_EINTR */
} momo_import_opts;

#define MOMO_IMPORT_OPTS_INIT { NULL, 0, NULL, 0, 0, 0, NULL, NULL, NULL }

/* A data file that was not imported, and why. */
typedef struct momo_skipped_file {
    char *path;
    char *reason;     /* "header '{' is not a known format ..." */
} momo_skipped_file;

typedef struct momo_import_summary {
    size_t n_files;                  /* data files found */
    size_t n_files_imported;
    size_t n_files_skipped;          /* entries of skipped[] */
    momo_skipped_file *skipped;
    size_t n_formats[MOMO_N_CSV_FORMATS];  /* imported files per format */
    size_t n_rows;                   /* data rows read */
    size_t n_rows_skipped;
    size_t n_row_issues[MOMO_N_ROW_ISSUES];
    size_t n_duplicates;             /* rows replaced by a later row */
    size_t n_unsorted;               /* rows dated before the row above */
    size_t n_symbols;
    size_t n_bars;
    size_t n_universe;               /* symbols in the universe files */
    size_t n_universe_unused;        /* ... with no data file */
    size_t n_unlisted;               /* data files in no universe file */
    double seconds;                  /* wall time of the import */
} momo_import_summary;

/* Import every data file under paths[0..n_paths) (files ending .csv or
 * .csv.gz, folders recursed; files named as universe files are not data
 * files) into a new in-memory dataset; save it with momo_dataset_save.
 * The symbol is the file name without .csv/.csv.gz. A file whose header
 * is not a known format, or that has no valid row, is skipped and
 * listed in the summary; bad rows are skipped, counted and logged
 * (core_warn, the first opts->max_warnings per file). With opts->strict
 * either is an error naming file and line.
 *
 * The result does not depend on opts->jobs. On MOMO_OK *out is the new
 * dataset (close with momo_dataset_close); otherwise *out is NULL and
 * err says why: MOMO_EINVAL (bad option, two files giving one symbol),
 * MOMO_EFORMAT (a bad universe file, a skipped row or file under
 * strict), MOMO_EIO, MOMO_ENOMEM, MOMO_EINTR. `sum` (may be NULL) is
 * filled in either case; release it with momo_import_summary_release. */
int momo_data_import(const char *const *paths, size_t n_paths,
                     const momo_import_opts *opts, momo_dataset **out,
                     momo_import_summary *sum, momo_err *err);

/* Free what `sum` owns. A zeroed summary is a harmless no-op. */
void momo_import_summary_release(momo_import_summary *sum);

/*---- Description ----*/

typedef struct momo_class_info {
    size_t n_symbols, n_bars;
    int32_t first_date, last_date;   /* 0 when the class is empty */
} momo_class_info;

typedef struct momo_sector_count {
    const char *name;                /* lives as long as the dataset */
    size_t n_symbols;
} momo_sector_count;

typedef struct momo_dataset_info {
    size_t n_symbols, n_bars;
    int32_t first_date, last_date;   /* over all symbols */
    momo_class_info by_class[MOMO_N_ASSET_CLASSES];
    size_t by_size[MOMO_N_SIZES];    /* symbols per size bucket */
    momo_sector_count *sectors;      /* by name; "" (unknown) first */
    size_t n_sectors;
} momo_dataset_info;

/* Aggregate `ds` into *out (release with momo_dataset_info_release).
 * MOMO_OK or MOMO_ENOMEM. */
int momo_dataset_describe(const momo_dataset *ds, momo_dataset_info *out,
                          momo_err *err);
void momo_dataset_info_release(momo_dataset_info *info);

/*---- Data-quality check ----*/

enum momo_check_kind {
    MOMO_CHECK_UNPARSEABLE_FILE = 0, /* CSV input: file skipped */
    MOMO_CHECK_MALFORMED_ROW,        /* CSV input: bad date, field
                                        count or number */
    MOMO_CHECK_MISSING_PRICE,        /* CSV input: empty price */
    MOMO_CHECK_NONPOSITIVE_PRICE,    /* CSV input: price <= 0 */
    MOMO_CHECK_DUPLICATE_DATE,       /* CSV input: a date twice */
    MOMO_CHECK_UNSORTED_DATE,        /* CSV input: a date before the
                                        row above */
    MOMO_CHECK_MISSING_BARS,         /* days absent against the calendar */
    MOMO_CHECK_STALE_CLOSE,          /* the same close >= 5 bars running */
    MOMO_CHECK_ENDS_EARLY,           /* ends > 30 days before its class */
    MOMO_CHECK_OHLC,                 /* high < low, open/close outside */
    MOMO_CHECK_ZERO_VOLUME,          /* volume 0 where the series has
                                        volume elsewhere */
    MOMO_CHECK_JUMP,                 /* one-day move > 50% or split-like */
    MOMO_CHECK_FLAT_BARS,            /* info: open = high = low = close */
    MOMO_N_CHECK_KINDS
};

/* "unparseable_file", "missing_bars", ... (stable, used in JSON). */
const char *momo_check_kind_name(int kind);
/* 1 when findings of `kind` are problems, 0 when informational. */
int momo_check_kind_is_problem(int kind);

typedef struct momo_finding {
    int kind;                         /* enum momo_check_kind */
    char symbol[MOMO_SYMBOL_MAX + 1];
    int32_t date;                     /* when has_date */
    int has_date;
    const char *file;                 /* CSV input, else NULL; owned by
                                         the report */
    size_t line;                      /* with file; 0 for the whole file */
    char detail[200];
} momo_finding;

typedef struct momo_check_report {
    momo_finding *findings;           /* sorted: kind, symbol, date, line */
    size_t n_findings;
    size_t count[MOMO_N_CHECK_KINDS]; /* findings per kind, kept or not */
    size_t n_problems;                /* findings that are problems */
    size_t n_dropped;                 /* beyond the cap, counted only */
    size_t n_symbols, n_bars;         /* checked */
    size_t n_files;                   /* CSV input: data files found */
    size_t n_flat_bars;               /* bars with open = high = low =
                                         close */
    char **files;                     /* names findings point to */
    size_t n_file_names;
} momo_check_report;

/* Check the dataset `ds`. MOMO_OK (problems or not: see n_problems) or
 * MOMO_ENOMEM. Release *out with momo_check_report_release. */
int momo_data_check(const momo_dataset *ds, momo_check_report *out,
                    momo_err *err);

/* Check raw CSV files: as momo_data_import reads them (opts->strict is
 * ignored), plus what only raw rows show (malformed rows, duplicate and
 * out-of-order dates, unparseable files), then the checks of
 * momo_data_check on what would be imported. */
int momo_data_check_files(const char *const *paths, size_t n_paths,
                          const momo_import_opts *opts,
                          momo_check_report *out, momo_err *err);

void momo_check_report_release(momo_check_report *r);

/*---- Export ----*/

/* Write each symbol of `ds` (or only symbols[0..n_symbols) when
 * symbols is not NULL) as dir/<SYMBOL>.csv with the header
 * Date,Open,High,Low,Close,Volume and numbers as "%.17g", plus
 * dir/universe.csv (symbol,asset_class,sector,size). `dir` is created
 * when missing; each file is written atomically. *n_written (may be
 * NULL) counts the symbol files. MOMO_ENOTFOUND names an unknown
 * symbol, MOMO_EINVAL a name unfit for a file name, MOMO_EIO a write. */
int momo_data_export(const momo_dataset *ds, const char *dir,
                     const char *const *symbols, size_t n_symbols,
                     size_t *n_written, momo_err *err);

#endif

/* src/data/import_int.h - the import run, shared by import.c (which
 * builds a dataset from it) and check.c (which also reports what the raw
 * rows show). */
#ifndef MOMO_DATA_IMPORT_INT_H
#define MOMO_DATA_IMPORT_INT_H

#include <stdatomic.h>
#include <stddef.h>

#include "data/csv.h"
#include "momo/data.h"

/* One data file and, once parsed, what it gave. */
struct imp_file {
    char *path;
    char symbol[MOMO_SYMBOL_MAX + 1];
    char *no_symbol;          /* why the name gives no symbol, or NULL */
    int rc;                   /* MOMO_OK, or a fatal code (I/O, memory) */
    momo_err err;             /* with rc: the fatal error */
    int skipped;              /* the file as a whole is unusable: */
    char why[512];            /* "path:line: reason" */
    struct csv_bars bars;
    struct csv_stats st;
    struct csv_issue *iss;    /* the first run->max_issues issues */
    size_t n_iss;
};

struct imp_run {
    const momo_import_opts *opts;
    struct imp_file *files;   /* sorted by path */
    size_t n_files;
    struct universe uni;
    struct csv_map map;
    int have_map;
    size_t max_issues;        /* issues kept per file */
    atomic_size_t next;       /* next file to parse */
    atomic_size_t done;
    atomic_size_t stop_at;    /* files after this one are not parsed */
    atomic_int interrupted;
};

/* Find the data files under paths[0..n), load the universe files and
 * the column mapping. No data file is parsed yet. */
int ds_import_scan(struct imp_run *run, const char *const *paths, size_t n,
                   const momo_import_opts *opts, momo_err *err);

/* Parse every file on opts->jobs threads. With `stop_early`, a file that
 * gives an error (or, when opts->strict, a skipped row) stops the files
 * after it. Fatal errors are left in the files, not in `err`, except
 * an interruption (MOMO_EINTR). */
int ds_import_parse(struct imp_run *run, int stop_early, momo_err *err);

/* The universe metadata of a symbol (stock, no sector when unlisted). */
void ds_import_meta(const struct imp_run *run, const char *symbol,
                    momo_symbol *meta);

void ds_import_release(struct imp_run *run);

#endif

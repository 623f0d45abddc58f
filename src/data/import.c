/* import.c - CSV files and universe files into one dataset.
 *
 * In:  paths (files or folders, recursed) of per-symbol daily CSV files,
 *      plain or .gz; universe files; options (momo/data.h).
 * Out: an in-memory dataset (the builder of dataset.c sorts symbols by
 *      name) and a summary of what was read and skipped.
 *
 * Three steps. Scan: walk the paths, keep files ending .csv or .csv.gz
 * that are not universe files, sort them by path, derive each symbol and
 * refuse two files giving one symbol. Parse: worker threads take files
 * in path order from an atomic counter; each reads and parses its file
 * into its own slot, so no lock is needed and the parse of a file does
 * not depend on which thread did it. Build: the calling thread walks the
 * slots in path order, logs, counts and adds each to the builder. Logs,
 * errors and the dataset are therefore the same for any thread count.
 * docs/internals/import.md has the details.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "data/import_int.h"

#define MAX_FILE_BYTES  ((size_t)1 << 30)
#define MAX_DEPTH       32
#define MAX_FILES       ((size_t)1000000)
#define MAX_JOBS        256

/*---- Scan ----*/

struct found {
    char *path;
    unsigned long long dev, ino;
};

struct found_list {
    struct found *v;
    size_t n, cap;
    const struct found *excl;  /* universe files: not data */
    size_t n_excl;
};

/* Length of a ".csv" or ".csv.gz" ending (any case), or 0. */
static size_t data_suffix(const char *name)
{
    size_t n = strlen(name);

    if (n >= 7 && strcasecmp(name + n - 7, ".csv.gz") == 0)
        return 7;
    if (n >= 4 && strcasecmp(name + n - 4, ".csv") == 0)
        return 4;
    return 0;
}

static int add_found(struct found_list *fl, const char *path,
                     const struct stat *st, momo_err *err)
{
    struct found f;

    for (size_t i = 0; i < fl->n_excl; i++)
        if (fl->excl[i].dev == (unsigned long long)st->st_dev &&
            fl->excl[i].ino == (unsigned long long)st->st_ino)
            return MOMO_OK;
    if (fl->n >= MAX_FILES)
        return momo_err_set(err, MOMO_EINVAL, "more than %zu data files",
                            MAX_FILES);
    f.path = core_strdup(path);
    f.dev = (unsigned long long)st->st_dev;
    f.ino = (unsigned long long)st->st_ino;
    if (!f.path ||
        core_grow((void **)&fl->v, &fl->cap, fl->n + 1, sizeof(*fl->v), 0)
            != MOMO_OK) {
        core_free(f.path);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    fl->v[fl->n++] = f;
    return MOMO_OK;
}

static int walk(struct found_list *fl, const char *path, int depth,
                int explicit, momo_err *err)
{
    struct stat st;
    DIR *d;
    int rc = MOMO_OK;

    if (stat(path, &st) != 0) {
        if (!explicit) {
            core_warn("%s: cannot open: %s (ignored)", path, strerror(errno));
            return MOMO_OK;
        }
        return momo_err_set(err, MOMO_EIO, "%s: cannot open: %s", path,
                            strerror(errno));
    }
    if (S_ISREG(st.st_mode)) {
        if (!data_suffix(path)) {
            if (explicit)
                return momo_err_set(err, MOMO_EINVAL,
                                    "%s: not a .csv or .csv.gz file", path);
            return MOMO_OK;
        }
        return add_found(fl, path, &st, err);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (explicit)
            return momo_err_set(err, MOMO_EINVAL,
                                "%s: not a file or a folder", path);
        return MOMO_OK;
    }
    if (depth >= MAX_DEPTH)
        return momo_err_set(err, MOMO_EINVAL,
                            "%s: folders nested deeper than %d", path,
                            MAX_DEPTH);
    d = opendir(path);
    if (!d)
        return momo_err_set(err, MOMO_EIO, "%s: cannot open: %s", path,
                            strerror(errno));
    while (rc == MOMO_OK) {
        struct dirent *de;
        size_t n;
        char *child;

        errno = 0;
        de = readdir(d);
        if (!de) {
            if (errno)
                rc = momo_err_set(err, MOMO_EIO, "%s: cannot read: %s",
                                  path, strerror(errno));
            break;
        }
        if (de->d_name[0] == '.')
            continue;                   /* ., .., hidden files */
        n = strlen(path) + strlen(de->d_name) + 2;
        child = core_malloc(n);
        if (!child) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        snprintf(child, n, "%s%s%s", path,
                 path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
        rc = walk(fl, child, depth + 1, 0, err);
        core_free(child);
    }
    closedir(d);
    return rc;
}

static int cmp_found_id(const void *a, const void *b)
{
    const struct found *x = a, *y = b;

    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int cmp_found_path(const void *a, const void *b)
{
    return strcmp(((const struct found *)a)->path,
                  ((const struct found *)b)->path);
}

static void name_symbol(struct imp_file *f)
{
    const char *base = strrchr(f->path, '/');
    size_t n;

    base = base ? base + 1 : f->path;
    n = strlen(base) - data_suffix(base);
    if (n == 0)
        f->no_symbol = "the file name gives no symbol";
    else if (n > MOMO_SYMBOL_MAX)
        f->no_symbol = "the file name gives a symbol longer than 31 bytes";
    else
        memcpy(f->symbol, base, n);
    f->symbol[n <= MOMO_SYMBOL_MAX ? n : 0] = '\0';
}

static int cmp_file_symbol(const void *a, const void *b)
{
    const struct imp_file *x = *(const struct imp_file *const *)a;
    const struct imp_file *y = *(const struct imp_file *const *)b;
    int c = strcmp(x->symbol, y->symbol);

    return c ? c : strcmp(x->path, y->path);
}

static int check_symbols(struct imp_run *run, momo_err *err)
{
    struct imp_file **v;
    int rc = MOMO_OK;

    v = core_malloc((run->n_files ? run->n_files : 1) * sizeof(*v));
    if (!v)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t i = 0; i < run->n_files; i++)
        v[i] = &run->files[i];
    qsort(v, run->n_files, sizeof(*v), cmp_file_symbol);
    for (size_t i = 1; i < run->n_files; i++)
        if (!v[i]->no_symbol && !v[i - 1]->no_symbol &&
            strcmp(v[i]->symbol, v[i - 1]->symbol) == 0) {
            rc = momo_err_set(err, MOMO_EINVAL,
                              "symbol '%s' comes from two files: %s and %s",
                              v[i]->symbol, v[i - 1]->path, v[i]->path);
            break;
        }
    core_free(v);
    return rc;
}

int ds_import_scan(struct imp_run *run, const char *const *paths, size_t n,
                   const momo_import_opts *opts, momo_err *err)
{
    struct found_list fl;
    struct found *excl = NULL;
    size_t kept = 0;
    int rc = MOMO_OK;

    memset(run, 0, sizeof(*run));
    memset(&fl, 0, sizeof(fl));
    run->opts = opts;
    ds_universe_init(&run->uni);
    atomic_init(&run->next, 0);
    atomic_init(&run->done, 0);
    atomic_init(&run->stop_at, SIZE_MAX);
    atomic_init(&run->interrupted, 0);
    if (opts->columns) {
        rc = ds_csv_map_parse(opts->columns, &run->map, err);
        run->have_map = 1;
    }
    if (rc == MOMO_OK && opts->n_universe) {
        excl = core_calloc(opts->n_universe, sizeof(*excl));
        if (!excl)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t i = 0; rc == MOMO_OK && i < opts->n_universe; i++) {
        struct stat st;

        rc = ds_universe_load(&run->uni, opts->universe[i], err);
        if (rc == MOMO_OK && stat(opts->universe[i], &st) == 0) {
            excl[fl.n_excl].dev = (unsigned long long)st.st_dev;
            excl[fl.n_excl].ino = (unsigned long long)st.st_ino;
            fl.n_excl++;
        }
    }
    if (rc == MOMO_OK)
        rc = ds_universe_finish(&run->uni, err);
    fl.excl = excl;
    for (size_t i = 0; rc == MOMO_OK && i < n; i++)
        rc = walk(&fl, paths[i], 0, 1, err);
    if (rc == MOMO_OK) {
        /* the same file reached twice (a folder and a file in it) */
        if (fl.n > 1)
            qsort(fl.v, fl.n, sizeof(*fl.v), cmp_found_id);
        for (size_t i = 0; i < fl.n; i++) {
            if (kept > 0 && fl.v[kept - 1].dev == fl.v[i].dev &&
                fl.v[kept - 1].ino == fl.v[i].ino) {
                core_free(fl.v[i].path);
                continue;
            }
            fl.v[kept++] = fl.v[i];
        }
        fl.n = kept;
        if (fl.n > 1)
            qsort(fl.v, fl.n, sizeof(*fl.v), cmp_found_path);
        run->files = core_calloc(fl.n ? fl.n : 1, sizeof(*run->files));
        if (!run->files)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    if (rc == MOMO_OK) {
        for (size_t i = 0; i < fl.n; i++) {
            run->files[i].path = fl.v[i].path;
            fl.v[i].path = NULL;
            name_symbol(&run->files[i]);
        }
        run->n_files = fl.n;
        rc = check_symbols(run, err);
    }
    for (size_t i = 0; i < fl.n; i++)
        core_free(fl.v[i].path);
    core_free(fl.v);
    core_free(excl);
    return rc;
}

/*---- Parse ----*/

static void process(struct imp_run *run, struct imp_file *f)
{
    struct csv_opts co;
    char *text = NULL;
    size_t n = 0;
    momo_err e = { 0 };
    int rc;

    if (f->no_symbol) {
        f->skipped = 1;
        snprintf(f->why, sizeof(f->why), "%s: %s", f->path, f->no_symbol);
        return;
    }
    rc = core_read_file(f->path, MAX_FILE_BYTES, &text, &n, &e);
    if (rc == MOMO_OK) {
        co.map = run->have_map ? &run->map : NULL;
        co.max_issues = run->max_issues;
        co.max_rows = 0;
        rc = ds_csv_parse(f->path, text, n, &co, &f->bars, &f->st, &f->iss,
                          &e);
        core_free(text);
    }
    if (rc == MOMO_EFORMAT) {
        f->skipped = 1;
        snprintf(f->why, sizeof(f->why), "%s", e.msg);
        return;
    }
    if (rc != MOMO_OK) {
        f->rc = rc;
        f->err = e;
        return;
    }
    f->n_iss = f->st.n_issues < run->max_issues ? f->st.n_issues
                                                : run->max_issues;
    if (f->bars.n == 0) {
        f->skipped = 1;
        snprintf(f->why, sizeof(f->why), "%s: no valid rows (%zu read, %zu "
                 "skipped)", f->path, f->st.n_rows, f->st.n_skipped);
    }
}

static void lower_stop(struct imp_run *run, size_t i)
{
    size_t cur = atomic_load(&run->stop_at);

    while (i < cur && !atomic_compare_exchange_weak(&run->stop_at, &cur, i))
        ;
}

struct worker_arg {
    struct imp_run *run;
    int stop_early;
    int is_caller;
};

static void work(const struct worker_arg *a)
{
    struct imp_run *run = a->run;
    const momo_import_opts *o = run->opts;

    for (;;) {
        struct imp_file *f;
        size_t i, done;

        if (o->interrupt && *o->interrupt) {
            atomic_store(&run->interrupted, 1);
            break;
        }
        i = atomic_fetch_add(&run->next, 1);
        if (i >= run->n_files || i > atomic_load(&run->stop_at))
            break;
        f = &run->files[i];
        process(run, f);
        if (a->stop_early &&
            (f->rc != MOMO_OK ||
             (o->strict && (f->skipped || f->st.n_skipped))))
            lower_stop(run, i);
        done = atomic_fetch_add(&run->done, 1) + 1;
        if (a->is_caller && o->progress)
            o->progress(o->progress_ud, done, run->n_files);
    }
}

static void *worker_main(void *arg)
{
    work(arg);
    return NULL;
}

int ds_import_parse(struct imp_run *run, int stop_early, momo_err *err)
{
    pthread_t tid[MAX_JOBS];
    struct worker_arg wa = { run, stop_early, 0 }, ca = { run, stop_early, 1 };
    long jobs = run->opts->jobs;
    size_t started = 0;

    if (jobs <= 0)
        jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1)
        jobs = 1;
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    if ((size_t)jobs > run->n_files)
        jobs = run->n_files ? (long)run->n_files : 1;
    for (long j = 1; j < jobs; j++) {
        if (pthread_create(&tid[started], NULL, worker_main, &wa) != 0)
            break;                      /* fewer threads: same result */
        started++;
    }
    work(&ca);
    for (size_t j = 0; j < started; j++)
        pthread_join(tid[j], NULL);
    if (atomic_load(&run->interrupted))
        return momo_err_set(err, MOMO_EINTR, "import interrupted");
    if (run->opts->progress)
        run->opts->progress(run->opts->progress_ud, run->n_files,
                            run->n_files);
    return MOMO_OK;
}

void ds_import_meta(const struct imp_run *run, const char *symbol,
                    momo_symbol *meta)
{
    const struct uni_entry *e = ds_universe_find(&run->uni, symbol);

    memset(meta, 0, sizeof(*meta));
    meta->name = symbol;
    meta->sector = e ? e->sector : "";
    meta->asset_class = e ? e->asset_class : MOMO_STOCK;
    meta->size = e ? e->size : MOMO_SIZE_NONE;
}

void ds_import_release(struct imp_run *run)
{
    for (size_t i = 0; i < run->n_files; i++) {
        struct imp_file *f = &run->files[i];

        core_free(f->path);
        ds_csv_bars_release(&f->bars);
        core_free(f->iss);
    }
    core_free(run->files);
    ds_universe_release(&run->uni);
    run->files = NULL;
    run->n_files = 0;
}

/*---- Build ----*/

const char *momo_row_issue_name(int issue)
{
    static const char *const names[MOMO_N_ROW_ISSUES] = {
        "missing price", "non-positive price", "bad date",
        "wrong field count", "bad number"
    };

    if (issue < 0 || issue >= MOMO_N_ROW_ISSUES)
        return "?";
    return names[issue];
}

const char *momo_csv_format_name(int format)
{
    static const char *const names[MOMO_N_CSV_FORMATS] = {
        "alpha-vantage", "yahoo", "stooq", "ohlc", "columns"
    };

    if (format < 0 || format >= MOMO_N_CSV_FORMATS)
        return "?";
    return names[format];
}

void momo_import_summary_release(momo_import_summary *sum)
{
    if (!sum)
        return;
    for (size_t i = 0; i < sum->n_files_skipped; i++) {
        core_free(sum->skipped[i].path);
        core_free(sum->skipped[i].reason);
    }
    core_free(sum->skipped);
    sum->skipped = NULL;
    sum->n_files_skipped = 0;
}

static int note_skipped(momo_import_summary *sum, size_t *cap,
                        const struct imp_file *f, momo_err *err)
{
    momo_skipped_file s;

    s.path = core_strdup(f->path);
    s.reason = core_strdup(f->why);
    if (!s.path || !s.reason ||
        core_grow((void **)&sum->skipped, cap, sum->n_files_skipped + 1,
                  sizeof(*sum->skipped), 0) != MOMO_OK) {
        core_free(s.path);
        core_free(s.reason);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    sum->skipped[sum->n_files_skipped++] = s;
    return MOMO_OK;
}

/* The first skipped-row issue of `f` (there is one when rows were
 * skipped: at least one issue is always kept). */
static const struct csv_issue *first_skip(const struct imp_file *f)
{
    for (size_t i = 0; i < f->n_iss; i++)
        if (f->iss[i].kind < MOMO_N_ROW_ISSUES)
            return &f->iss[i];
    return NULL;
}

static void log_file(const struct imp_file *f, size_t max_warn)
{
    size_t logged = 0;

    for (size_t i = 0; i < f->n_iss && logged < max_warn; i++)
        if (f->iss[i].kind < MOMO_N_ROW_ISSUES) {
            core_warn("%s", f->iss[i].msg);
            logged++;
        }
    if (f->st.n_skipped > logged)
        core_warn("%s: %zu more rows skipped", f->path,
                  f->st.n_skipped - logged);
    if (f->st.n_duplicates)
        core_warn("%s: %zu rows replaced by a later row of the same date",
                  f->path, f->st.n_duplicates);
    if (f->st.n_unsorted)
        core_warn("%s: %zu rows dated before the row above them (sorted)",
                  f->path, f->st.n_unsorted);
}

static int add_file(momo_dataset_builder *b, const struct imp_run *run,
                    const struct imp_file *f, momo_err *err)
{
    momo_symbol meta;
    momo_series s;

    ds_import_meta(run, f->symbol, &meta);
    s.n = f->bars.n;
    s.date = f->bars.date;
    s.open = f->bars.open;
    s.high = f->bars.high;
    s.low = f->bars.low;
    s.close = f->bars.close;
    s.volume = f->bars.volume;
    return momo_dataset_builder_add(b, &meta, &s, err);
}

static int build(struct imp_run *run, momo_dataset **out,
                 momo_import_summary *sum, momo_err *err)
{
    const momo_import_opts *o = run->opts;
    size_t max_warn = o->max_warnings ? o->max_warnings : 5, cap = 0;
    momo_dataset_builder *b = NULL;
    int rc = momo_dataset_builder_new(&b, err);

    sum->n_files = run->n_files;
    for (size_t i = 0; rc == MOMO_OK && i < run->n_files; i++) {
        struct imp_file *f = &run->files[i];
        const struct csv_issue *first = first_skip(f);

        if (f->rc != MOMO_OK) {
            rc = momo_err_set(err, f->rc, "%s", f->err.msg);
            break;
        }
        if (o->strict && first) {
            rc = momo_err_set(err, MOMO_EFORMAT, "%s", first->msg);
            break;
        }
        if (o->strict && f->skipped) {
            rc = momo_err_set(err, MOMO_EFORMAT, "%s", f->why);
            break;
        }
        sum->n_rows += f->st.n_rows;
        sum->n_rows_skipped += f->st.n_skipped;
        for (int k = 0; k < MOMO_N_ROW_ISSUES; k++)
            sum->n_row_issues[k] += f->st.skipped[k];
        sum->n_duplicates += f->st.n_duplicates;
        sum->n_unsorted += f->st.n_unsorted;
        log_file(f, max_warn);
        if (f->skipped) {
            core_warn("%s (file skipped)", f->why);
            rc = note_skipped(sum, &cap, f, err);
            continue;
        }
        rc = add_file(b, run, f, err);
        ds_csv_bars_release(&f->bars);
        sum->n_files_imported++;
        sum->n_formats[f->st.format]++;
        if (!ds_universe_find(&run->uni, f->symbol))
            sum->n_unlisted++;
    }
    if (rc == MOMO_OK && sum->n_files_imported == 0)
        rc = momo_err_set(err, MOMO_EFORMAT,
                          "no file could be imported (%zu skipped)",
                          sum->n_files_skipped);
    if (rc != MOMO_OK) {
        momo_dataset_builder_free(b);
        return rc;
    }
    rc = momo_dataset_builder_finish(b, out, err);
    if (rc != MOMO_OK)
        return rc;
    sum->n_symbols = momo_dataset_n_symbols(*out);
    sum->n_bars = momo_dataset_n_bars(*out);
    sum->n_universe = run->uni.n;
    for (size_t i = 0; i < run->uni.n; i++)
        if (momo_dataset_find(*out, run->uni.v[i].symbol) < 0)
            sum->n_universe_unused++;
    return MOMO_OK;
}

int momo_data_import(const char *const *paths, size_t n_paths,
                     const momo_import_opts *opts, momo_dataset **out,
                     momo_import_summary *sum, momo_err *err)
{
    static const momo_import_opts defaults = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary local;
    struct imp_run run;
    double t0 = core_now();
    int rc;

    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof(*sum));
    rc = ds_import_scan(&run, paths, n_paths, opts, err);
    if (rc == MOMO_OK && run.n_files == 0)
        rc = momo_err_set(err, MOMO_ENOTFOUND,
                          "no data files (.csv or .csv.gz) in the given "
                          "paths");
    if (rc == MOMO_OK) {
        run.max_issues = opts->max_warnings ? opts->max_warnings : 5;
        rc = ds_import_parse(&run, 1, err);
    }
    if (rc == MOMO_OK)
        rc = build(&run, out, sum, err);
    ds_import_release(&run);
    sum->seconds = core_now() - t0;
    if (sum == &local)
        momo_import_summary_release(&local);
    return rc;
}

/* bench_data.c - the data layer's two figures, on the shared data:
 *
 *   import: the 505 S&P 500 files (.csv.gz) into a dataset, with the
 *           constituents as universe, then saved to a file, as
 *           `momo data import` does;
 *   open:   momo_dataset_open of that file, then close.
 *
 * Each is the median of several runs (wall clock). Usage:
 *   bench_data [SHARED_DATA_DIR [RUNS [JOBS]]]
 * The folder defaults to $MOMO_SHARED_DATA, else ../shared/data next to
 * the source tree. Without it the program says "skipped" and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "momo/momo.h"

static const char *default_shared(char *buf, size_t n)
{
    const char *env = getenv("MOMO_SHARED_DATA");
    const char *slash;

    if (env && *env)
        return env;
    /* this file is <source>/bench/bench_data.c */
    slash = strrchr(__FILE__, '/');
    if (!slash)
        return "../shared/data";
    snprintf(buf, n, "%.*s/../../shared/data", (int)(slash - __FILE__),
             __FILE__);
    return buf;
}

int main(int argc, char **argv)
{
    char buf[4096], daily[4200], uni[4200], out[4200];
    const char *shared = argc > 1 ? argv[1] : default_shared(buf, sizeof(buf));
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    int jobs = argc > 3 ? atoi(argv[3]) : 0;
    double t_imp[64], t_all[64], t_open[64];
    const char *paths[1], *unis[1];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary sum;
    struct stat st;
    size_t bars = 0, syms = 0;
    int n_open = 21;

    snprintf(daily, sizeof(daily), "%s/sp500/daily", shared);
    snprintf(uni, sizeof(uni), "%s/sp500/constituents.csv", shared);
    if (stat(daily, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("bench_data: shared data absent (%s): skipped\n", daily);
        return 0;
    }
    if (runs < 1 || runs > 64)
        runs = 5;
    snprintf(out, sizeof(out), "%s/bench_data.%ld.momo",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    paths[0] = daily;
    unis[0] = uni;
    o.universe = unis;
    o.n_universe = 1;
    o.jobs = jobs;
    for (int r = 0; r < runs; r++) {
        momo_dataset *ds = NULL;
        momo_err err = { 0 };
        double t0 = momo_now(), t1;
        int rc = momo_data_import(paths, 1, &o, &ds, &sum, &err);

        t1 = momo_now();
        if (rc == MOMO_OK)
            rc = momo_dataset_save(ds, out, &err);
        if (rc != MOMO_OK) {
            fprintf(stderr, "bench_data: %s\n", err.msg);
            momo_dataset_close(ds);
            momo_import_summary_release(&sum);
            return 1;
        }
        t_imp[r] = t1 - t0;
        t_all[r] = momo_now() - t0;
        syms = sum.n_symbols;
        bars = sum.n_bars;
        momo_dataset_close(ds);
        momo_import_summary_release(&sum);
    }
    for (int r = 0; r < n_open; r++) {
        momo_dataset *ds = NULL;
        momo_err err = { 0 };
        double t0 = momo_now();

        if (momo_dataset_open(out, &ds, &err) != MOMO_OK) {
            fprintf(stderr, "bench_data: %s\n", err.msg);
            return 1;
        }
        momo_dataset_close(ds);
        t_open[r] = momo_now() - t0;
    }
    unlink(out);
    printf("import  %zu symbols, %zu bars from %s (jobs %s)\n", syms, bars,
           daily, jobs ? argv[3] : "one per core");
    printf("  parse and build: median %.3f s of %d runs\n",
           bench_median(t_imp, runs), runs);
    printf("  with the save:   median %.3f s of %d runs\n",
           bench_median(t_all, runs), runs);
    printf("open    median %.3f ms of %d runs\n", 1e3 * bench_median(t_open, n_open),
           n_open);
    return 0;
}

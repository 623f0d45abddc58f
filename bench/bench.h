/* bench/bench.h - what the benchmark programs share: medians, CPU
 * clocks, and the shared market data (imported in memory when no dataset
 * file is given; the programs say "skipped" without it). */
#ifndef MOMO_BENCH_H
#define MOMO_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "momo/momo.h"
#include "momo/data.h"

#ifndef MOMO_SOURCE_DIR
#define MOMO_SOURCE_DIR "."
#endif

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median of v[0..n) (sorts v). */
static inline double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* CPU seconds of the calling thread, or of the whole process: steadier
 * than wall time on a machine shared with other work. */
static inline double bench_thread_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_process_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The dataset file `path`, or without one the folders `dirs` of the
 * shared data ($MOMO_SHARED_DATA, else ../shared/data next to the
 * source tree) imported with both universe files. NULL, with a line on
 * stdout saying why, when there is none. */
static inline momo_dataset *bench_load(const char *prog, const char *path,
                                       const char *const *dirs,
                                       size_t n_dirs)
{
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    char d[8][4096], u[2][4096];
    const char *base = getenv("MOMO_SHARED_DATA"), *paths[8], *uni[2];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;

    if (path) {
        if (momo_dataset_open(path, &ds, &err) != MOMO_OK)
            fprintf(stderr, "%s: %s\n", prog, err.msg);
        return ds;
    }
    if (!base || !*base)
        base = MOMO_SOURCE_DIR "/../shared/data";
    for (size_t i = 0; i < n_dirs && i < 8; i++) {
        snprintf(d[i], sizeof(d[i]), "%s/%s", base, dirs[i]);
        paths[i] = d[i];
    }
    snprintf(u[0], sizeof(u[0]), "%s/sp500/constituents.csv", base);
    snprintf(u[1], sizeof(u[1]), "%s/universe_extra.csv", base);
    uni[0] = u[0];
    uni[1] = u[1];
    o.universe = uni;
    o.n_universe = 2;
    if (momo_data_import(paths, n_dirs < 8 ? n_dirs : 8, &o, &ds, NULL,
                         &err) != MOMO_OK) {
        printf("%s: skipped (no shared data: %s)\n", prog, err.msg);
        return NULL;
    }
    return ds;
}

#endif

/* common.c - percentiles, JSON and text formatting, atomic output
 * files and the work queue that the analyses share.
 *
 * The work queue hands jobs to worker threads one at a time from an
 * atomic counter, so long and short jobs balance; every job writes only
 * its own outputs, so which worker ran it never shows in a result.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/analysis.h"
#include "core/core.h"

/*---- Percentiles ----*/

size_t ana_sort_finite(const double *v, size_t n, double *scratch)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            scratch[m++] = v[i];
    if (m > 1)
        gsl_sort(scratch, 1, m);
    return m;
}

double ana_quantile(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, q);
}

void ana_pctl(const double *sorted, size_t n, momo_pctl *out)
{
    out->p5 = ana_quantile(sorted, n, 0.05);
    out->p25 = ana_quantile(sorted, n, 0.25);
    out->p50 = ana_quantile(sorted, n, 0.50);
    out->p75 = ana_quantile(sorted, n, 0.75);
    out->p95 = ana_quantile(sorted, n, 0.95);
}

/*---- Output ----*/

void ana_json_num(FILE *f, double v)
{
    char b[32];

    if (isfinite(v))
        fputs(core_fmt_double(v, b), f);
    else
        fputs("null", f);
}

void ana_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", f);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

void ana_json_date(FILE *f, int32_t date)
{
    char b[11];

    fprintf(f, "\"%s\"", core_format_date(date, b));
}

const char *ana_fmt_pct(double v, char *buf)
{
    if (!isfinite(v))
        snprintf(buf, 32, "n/a");
    else
        snprintf(buf, 32, "%.1f%%", 100.0 * v);
    return buf;
}

const char *ana_fmt_num(double v, char *buf)
{
    if (!isfinite(v))
        snprintf(buf, 32, "n/a");
    else
        snprintf(buf, 32, "%.2f", v);
    return buf;
}

int ana_write_file(const char *dir, const char *name,
                   int (*fn)(const void *obj, FILE *f), const void *obj,
                   momo_err *err)
{
    char *text = NULL, path[4096];
    size_t len = 0;
    FILE *mem;
    int rc = core_mkdir_p(dir, err);

    if (rc != MOMO_OK)
        return rc;
    mem = open_memstream(&text, &len);
    if (!mem)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    rc = fn(obj, mem);
    if (fclose(mem) != 0 && rc == MOMO_OK)
        rc = MOMO_ENOMEM;
    if (rc != MOMO_OK) {
        free(text);
        return momo_err_set(err, rc, "cannot render %s: %s", name,
                            momo_strerror(rc));
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    rc = core_write_file_atomic(path, text, len, err);
    free(text);
    return rc;
}

/*---- Work queue ----*/

struct queue {
    void (*fn)(void *ctx, size_t job, int worker);
    void *ctx;
    size_t n_jobs;
    atomic_size_t next, done;
    atomic_int stop;
    momo_progress_fn progress;
    void *progress_ud;
    const volatile int *interrupt;
};

static void worker(void *arg, size_t w)
{
    struct queue *q = arg;

    for (;;) {
        size_t job;

        if (atomic_load(&q->stop))
            return;
        if (q->interrupt && *q->interrupt) {
            atomic_store(&q->stop, 1);
            return;
        }
        job = atomic_fetch_add(&q->next, 1);
        if (job >= q->n_jobs)
            return;
        q->fn(q->ctx, job, (int)w);
        atomic_fetch_add(&q->done, 1);
        if (w == 0 && q->progress)
            q->progress(q->progress_ud, atomic_load(&q->done), q->n_jobs);
    }
}

int ana_n_workers(size_t n_jobs, int threads)
{
    if (threads <= 0)
        threads = core_ncpu();
    if (n_jobs < (size_t)threads)
        threads = n_jobs ? (int)n_jobs : 1;
    return threads;
}

int ana_run_jobs(size_t n_jobs, int threads,
                 void (*fn)(void *ctx, size_t job, int worker), void *ctx,
                 momo_progress_fn progress, void *progress_ud,
                 const volatile int *interrupt)
{
    struct queue q;
    int nw = ana_n_workers(n_jobs, threads);

    q.fn = fn;
    q.ctx = ctx;
    q.n_jobs = n_jobs;
    atomic_init(&q.next, 0);
    atomic_init(&q.done, 0);
    atomic_init(&q.stop, 0);
    q.progress = progress;
    q.progress_ud = progress_ud;
    q.interrupt = interrupt;
    core_parallel_for((size_t)nw, nw, worker, &q);
    if (atomic_load(&q.done) < n_jobs)
        return MOMO_EINTR;
    return MOMO_OK;
}

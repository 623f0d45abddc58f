/* src/analysis/analysis.h - what the analysis module's files share:
 * percentiles, JSON output, a work queue on threads, the benchmark
 * portfolio simulator and the statistics of one equity curve against
 * another. Public API: include/momo/analysis.h. */
#ifndef MOMO_ANALYSIS_INT_H
#define MOMO_ANALYSIS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"
#include "momo/analysis.h"

/*---- Percentiles (GSL quantiles, linear interpolation) ----*/

/* Copy the finite values of v[0..n) into scratch and sort them; returns
 * how many there were. */
size_t ana_sort_finite(const double *v, size_t n, double *scratch);
/* Quantile q in [0, 1] of sorted[0..n); NaN when n = 0. */
double ana_quantile(const double *sorted, size_t n, double q);
void ana_pctl(const double *sorted, size_t n, momo_pctl *out);

/*---- JSON and text output ----*/

/* A number in the shortest form that reads back exactly; null for NaN
 * and infinities. */
void ana_json_num(FILE *f, double v);
/* A JSON string, escaped. */
void ana_json_str(FILE *f, const char *s);
void ana_json_date(FILE *f, int32_t date);
/* "12.3%" or "n/a" into buf (at least 32 bytes). */
const char *ana_fmt_pct(double v, char *buf);
/* "%.2f" or "n/a". */
const char *ana_fmt_num(double v, char *buf);

/* Render with fn(obj, f) into memory and write dir/name atomically. */
int ana_write_file(const char *dir, const char *name,
                   int (*fn)(const void *obj, FILE *f), const void *obj,
                   momo_err *err);

/*---- Work queue ----*/

/* Run fn(ctx, job, worker) for job in [0, n_jobs) on min(threads,
 * n_jobs) workers (threads 0: one per core), each taking the next job
 * from a shared counter. fn must write only job's outputs (and worker's
 * scratch), so results do not depend on the schedule. Worker 0 calls
 * progress (done, n_jobs) after each of its jobs. When *interrupt
 * becomes nonzero, no new job starts and MOMO_EINTR is returned. */
int ana_run_jobs(size_t n_jobs, int threads,
                 void (*fn)(void *ctx, size_t job, int worker), void *ctx,
                 momo_progress_fn progress, void *progress_ud,
                 const volatile int *interrupt);
/* The number of workers ana_run_jobs will use. */
int ana_n_workers(size_t n_jobs, int threads);

/*---- Benchmark portfolios (portfolio.c) ----*/

enum ana_schedule {
    ANA_ONCE = 0,       /* buy on the first row, then hold */
    ANA_MONTHLY         /* also rebalance at every month's end */
};

/* Target weights at decision row t (an index into the days given to
 * ana_pf_simulate). `close[i]` is symbol i's last close dated <= the
 * row (NaN before its first bar); `recent[i]` is 1 when it has a bar
 * within the last 7 days. Write w[0..n) (>= 0, sum <= 1); a symbol
 * without a close must get 0. */
typedef void (*ana_weights_fn)(void *ctx, size_t t, const double *close,
                               const int *recent, size_t n, double *w);

/* Simulate a portfolio of dataset symbols syms[0..n) over the rows
 * days[0..n_days) (n_days >= 1) starting with p->initial_capital in
 * cash, rebalanced on `schedule` to the weights of `fn`, with the
 * strategy's cost model (docs/internals/analysis.md). Writes n_days
 * rows into eq. MOMO_OK or MOMO_ENOMEM. */
int ana_pf_simulate(const momo_dataset *ds, const momo_params *p,
                    const uint32_t *syms, size_t n, const int32_t *days,
                    size_t n_days, int schedule, ana_weights_fn fn,
                    void *ctx, momo_equity_row *eq, momo_err *err);

/* 1 when row t of days[0..n) decides a monthly rebalance: row 0, or the
 * last weekday row of its month (never the last row). */
int ana_is_rebalance_row(const int32_t *days, size_t n, size_t t);

/*---- One curve against another (benchmark.c) ----*/

/* Every momo_bench_stats field of curve `s` against market curve `m`
 * (the same n rows), with A periods per year and annual risk-free rf.
 * `m` NULL leaves the relative fields NaN. */
void ana_bench_stats(const momo_equity_row *s, const momo_equity_row *m,
                     size_t n, double A, double rf, momo_bench_stats *out);

/* Buy and hold of one dataset symbol over days[0..n): its total return
 * (with costs), NaN when it has no bar in the rows. */
double ana_buy_and_hold_return(const momo_dataset *ds, const momo_params *p,
                               uint32_t sym, const int32_t *days, size_t n);

#endif

/* src/core/core.h - what every module may use: allocation with fault
 * injection, assertions, logging, dates and a bounded string buffer. */
#ifndef MOMO_CORE_H
#define MOMO_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "momo/error.h"
#include "momo/log.h"

/*---- Allocation ----*/

/* malloc/calloc/realloc/free that a test can make fail: after
 * core_fail_alloc_at(n), the n-th allocation from then on returns NULL
 * (n = 0 turns injection off). Thread-safe. */
void *core_malloc(size_t size);
void *core_calloc(size_t n, size_t size);
void *core_realloc(void *p, size_t size);
void  core_free(void *p);
char *core_strdup(const char *s);
/* Aligned allocation for kernel outputs; free with core_free_aligned. */
void *core_malloc_aligned(size_t size, size_t align);
void  core_free_aligned(void *p);
void  core_fail_alloc_at(long nth);
/* Grow *v (element size `elem`) so it holds at least `need` elements,
 * doubling; refuses beyond `max` elements (0 = no limit). */
int core_grow(void **v, size_t *cap, size_t need, size_t elem, size_t max);

/*---- Assertions: documentation of invariants, never for user input ----*/
#if defined(MOMO_DEBUG)
#include <assert.h>
#define MOMO_ASSERT(x) assert(x)
#else
#define MOMO_ASSERT(x) ((void)0)
#endif

/*---- Logging: to the handler the program installed (momo/log.h) ----*/
void core_log(int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
#define core_warn(...)  core_log(MOMO_LOG_WARN, __VA_ARGS__)
#define core_info(...)  core_log(MOMO_LOG_INFO, __VA_ARGS__)
#define core_debug(...) core_log(MOMO_LOG_DEBUG, __VA_ARGS__)

/*---- Dates: int32_t days since 1970-01-01 (proleptic Gregorian) ----*/
int32_t core_days_from_civil(int y, int m, int d);
void    core_civil_from_days(int32_t days, int *y, int *m, int *d);
/* Parse "YYYY-MM-DD" (also "YYYYMMDD" and "YYYY-MM-DD HH:MM:SS" with
 * the time ignored) of exactly `len` bytes. 0 on success, -1 otherwise. */
int     core_parse_date(const char *s, size_t len, int32_t *out);
/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
char   *core_format_date(int32_t days, char *buf);
/* 0 = Monday .. 6 = Sunday */
int     core_weekday(int32_t days);

/*---- Numbers ----*/
/* Parse a decimal number of exactly `len` bytes ("12.5", "-3e-4",
 * "1,5" is not one). Correctly rounded. 0 on success, -1 otherwise. */
int core_parse_double(const char *s, size_t len, double *out);

/* Shortest text that reads back to exactly `v` ("0.1", "1e-06"); "nan"
 * and "inf" as such. buf must hold 32 bytes. Returns buf. */
char *core_fmt_double(double v, char *buf);

/*---- Bounded growing string ----*/
struct core_buf {
    char  *s;       /* NUL-terminated when n > 0 or after core_buf_cstr */
    size_t n, cap, max;
    int    failed;  /* set once an append failed; later appends no-op */
};
void core_buf_init(struct core_buf *b, size_t max);
int  core_buf_append(struct core_buf *b, const char *s, size_t n);
int  core_buf_printf(struct core_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
const char *core_buf_cstr(struct core_buf *b);
void core_buf_release(struct core_buf *b);

/*---- Files ----*/
/* Write `n` bytes to `path` atomically: a temporary file in the same
 * directory, fsync, rename. On failure nothing at `path` changes. */
int core_write_file_atomic(const char *path, const void *data, size_t n,
                           momo_err *err);
/* Create a directory and its parents (like mkdir -p). */
int core_mkdir_p(const char *path, momo_err *err);
/* Read a whole file (gzip is inflated when the name ends in .gz).
 * Caller frees *data with core_free. At most `max` bytes. */
int core_read_file(const char *path, size_t max, char **data, size_t *n,
                   momo_err *err);

/*---- Parallel loops ----*/

/* Run fn(ctx, i) for every i in [0, n) on up to `threads` threads
 * (0 = the number of cores). Items are handed out in fixed contiguous
 * chunks, so which thread runs an item never changes a result as long
 * as fn(ctx, i) writes only item i's outputs. Returns MOMO_OK or
 * MOMO_ENOMEM / MOMO_EINTERNAL when threads could not be started (the
 * loop then runs on the calling thread). */
int core_parallel_for(size_t n, int threads, void (*fn)(void *ctx, size_t i),
                      void *ctx);
/* Number of online cores (at least 1). */
int core_ncpu(void);

/*---- Time ----*/
double core_now(void);   /* monotonic seconds */

#endif

/* include/momo/fetch.h - download daily CSV files over HTTP(S).
 *
 * One CSV per symbol, in Stooq's daily download format
 * (Date,Open,High,Low,Close,Volume), from a URL template, written to
 * DIR/<SYMBOL>.csv atomically: the body goes to a temporary file in DIR
 * and is renamed over the destination only once the transfer completed,
 * the HTTP status was 2xx and the body has the expected header and at
 * least one row. A failed, timed-out or interrupted download leaves
 * whatever was at the destination untouched. The files import with
 * `momo data import`. How it works: docs/internals/fetch.md.
 */
#ifndef MOMO_FETCH_H
#define MOMO_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "momo/error.h"
#include "momo/log.h"

/* Stooq's daily CSV download. {symbol} is the symbol, lower-cased, with
 * the suffix rule applied (momo_fetch_url); {from} and {to} are dates as
 * YYYYMMDD. When a range is asked for and the template is this default,
 * "&d1={from}&d2={to}" is appended. */
#define MOMO_FETCH_DEFAULT_SOURCE "https://stooq.com/q/d/l/?s={symbol}&i=d"
#define MOMO_FETCH_DEFAULT_SUFFIX ".us"
/* An open end of the date range. */
#define MOMO_FETCH_NO_DATE INT32_MIN
/* Longest URL after expansion, bytes including the NUL. */
#define MOMO_FETCH_URL_MAX 2048

typedef struct momo_fetch_opts {
    const char *source;        /* URL template; NULL: the default */
    const char *suffix;        /* NULL: ".us"; "": never append one */
    int32_t from, to;          /* days since 1970-01-01, or NO_DATE */
    double timeout_s;          /* whole transfer, per attempt: 30 */
    double connect_timeout_s;  /* connection, capped by timeout_s: 10 */
    long low_speed_bytes;      /* abort an attempt slower than this */
    long low_speed_s;          /* ... for this long: 100 B/s, 15 s */
    int retries;               /* extra attempts when transient: 3 */
    double backoff_s;          /* first wait before a retry, doubling: 1 */
    double backoff_max_s;      /* longest wait, also for Retry-After: 30 */
    size_t max_body;           /* largest body accepted, bytes: 64 MiB */
    int jobs;                  /* transfers at once: 2 */
    /* Polled during transfers; non-zero stops the run with MOMO_EINTR.
     * NULL: never interrupted. */
    const volatile int *interrupt;
    /* Called as each symbol finishes (done of total), or NULL. */
    momo_progress_fn progress;
    void *progress_ud;
} momo_fetch_opts;

/* The outcome for one symbol. Filled in by momo_fetch_run for every
 * symbol, whatever the run's result. */
typedef struct momo_fetch_result {
    const char *symbol;        /* borrowed from the caller's array */
    int rc;                    /* MOMO_OK when the file was written */
    char url[MOMO_FETCH_URL_MAX]; /* "" when it could not be built */
    long http_status;          /* of the last attempt; 0 if none */
    size_t bytes;              /* body size of the last attempt */
    size_t n_rows;             /* data rows (lines after the header) */
    int attempts;              /* HTTP requests made */
    double seconds;            /* wall time from first request to end */
    momo_err err;              /* why it failed, when rc != MOMO_OK */
} momo_fetch_result;

/* Set every field of `o` to its default (the values noted above). */
void momo_fetch_opts_default(momo_fetch_opts *o);

/* Expand the URL for `symbol` into buf[0..size).
 *
 * Symbol rule: the symbol is lower-cased; the suffix (o->suffix, by
 * default ".us") is appended unless the symbol already contains a '.'
 * or starts with '^' (a Stooq index). Symbols are 1 to 31 characters of
 * letters, digits and . - _ ^ = and do not start with '.'; anything else
 * is MOMO_EINVAL, since the symbol also names the output file.
 *
 * Template: {symbol}, {from} and {to} are replaced (the symbol
 * percent-encoded); an open {from} is 18000101 and an open {to} is
 * today (UTC). Any other {name} is MOMO_EINVAL, as is a date range with
 * a custom template that has neither {from} nor {to}, a template that is
 * not http:// or https://, or a URL of MOMO_FETCH_URL_MAX bytes or more.
 * No network access. */
int momo_fetch_url(const momo_fetch_opts *o, const char *symbol, char *buf,
                   size_t size, momo_err *err);

/* Download symbols[0..n_symbols) into `dir` (created with its parents
 * if missing) as dir/<symbol>.csv, the symbol spelled as given.
 *
 * Transient failures (connection errors, timeouts, a truncated body,
 * HTTP 429 and 5xx) are retried o->retries times, waiting backoff_s,
 * then twice that, and so on (at most backoff_max_s; a Retry-After
 * header counts when longer). Other failures are final at once: HTTP
 * 4xx (404 and 410 give MOMO_ENOTFOUND), a body that is not a Stooq
 * daily CSV (MOMO_EFORMAT), Stooq's "No data" body or a header without
 * rows (MOMO_ENOTFOUND), a body over max_body (MOMO_EFORMAT), a local
 * write error (MOMO_EIO). HTTPS certificates are always verified.
 *
 * results[0..n_symbols) is filled in for every symbol; each failure's
 * message reads "fetch SYMBOL: URL: what is wrong" or "fetch SYMBOL:
 * HTTP 404 from URL". Returns MOMO_OK when every symbol was written;
 * MOMO_EINTR when *o->interrupt was raised (transfers in flight are
 * abandoned, their temporary files removed); otherwise the code of the
 * first failure, with `err` (may be NULL) saying how many failed and
 * why the first did. Retries are logged with core_warn.
 *
 * Runs on the calling thread (parallel transfers are multiplexed by one
 * curl multi handle) and calls curl_global_init/cleanup around the run:
 * safe from several threads only with a thread-safe libcurl (7.84 or
 * later, CURL_VERSION_THREADSAFE), as Debian 12's is. */
int momo_fetch_run(const momo_fetch_opts *o, const char *dir,
                   const char *const *symbols, size_t n_symbols,
                   momo_fetch_result *results, momo_err *err);

#endif

/* include/momo/error.h - status codes and the error record.
 *
 * Every fallible momo function returns one of these codes and, when it
 * fails, describes the failure once in a caller-owned momo_err. The
 * library never prints; the command line prints err.msg.
 */
#ifndef MOMO_ERROR_H
#define MOMO_ERROR_H

enum {
    MOMO_OK = 0,
    MOMO_ENOMEM,     /* allocation failed */
    MOMO_EIO,        /* file, network or database I/O failed */
    MOMO_EFORMAT,    /* malformed input: CSV, YAML, dataset file */
    MOMO_EINVAL,     /* value out of bounds or of the wrong type */
    MOMO_ENOTFOUND,  /* a named thing does not exist */
    MOMO_EINTERNAL,  /* a broken invariant: a bug */
    MOMO_EINTR       /* interrupted on request (e.g. SIGINT); resumable */
};

typedef struct momo_err {
    int code;        /* MOMO_OK while no error has been recorded */
    char msg[512];   /* "file:line: what is wrong", no trailing newline */
} momo_err;

/* Record an error and return `code`. The first error recorded wins: a
 * later call on an `err` that already holds one keeps the first message
 * (the root cause) and still returns `code`. `err` may be NULL. */
int momo_err_set(momo_err *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Forget any recorded error. `err` may be NULL. */
void momo_err_clear(momo_err *err);

/* A short constant name for a status code ("out of memory", ...). */
const char *momo_strerror(int code);

#endif

/* include/momo/log.h - where the library's log lines go.
 *
 * The library never writes to a terminal itself. A program installs one
 * handler (the momo command writes to stderr); without one, log lines
 * are dropped. The handler is process-wide and must be thread-safe; it
 * is the library's only global setting, installed once at start-up. */
#ifndef MOMO_LOG_H
#define MOMO_LOG_H

#include <stddef.h>

enum { MOMO_LOG_ERROR, MOMO_LOG_WARN, MOMO_LOG_INFO, MOMO_LOG_DEBUG };

typedef void (*momo_log_fn)(int level, const char *msg, void *ud);

/* Install `fn` (NULL drops log lines) for levels <= max_level. */
void momo_log_set_handler(momo_log_fn fn, void *ud, int max_level);

/* Progress of long work: `done` of `total` units. Called from the
 * calling thread, at most a few times a second is not guaranteed: a
 * handler must be cheap. `ud` is the caller's pointer, passed through. */
typedef void (*momo_progress_fn)(void *ud, size_t done, size_t total);

#endif

/* log.c - forward log lines to the handler the program installed. */
#include <stdarg.h>
#include <stdio.h>

#include "core/core.h"

static momo_log_fn log_fn;
static void *log_ud;
static int log_max = MOMO_LOG_WARN;

void momo_log_set_handler(momo_log_fn fn, void *ud, int max_level)
{
    log_fn = fn;
    log_ud = ud;
    log_max = max_level;
}

void core_log(int level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!log_fn || level > log_max)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_fn(level, msg, log_ud);
}

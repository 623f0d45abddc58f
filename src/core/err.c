/* err.c - the error record: first error wins, message formatted once. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

int momo_err_set(momo_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err || err->code != MOMO_OK)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void momo_err_clear(momo_err *err)
{
    if (!err)
        return;
    err->code = MOMO_OK;
    err->msg[0] = '\0';
}

const char *momo_strerror(int code)
{
    switch (code) {
    case MOMO_OK:        return "ok";
    case MOMO_ENOMEM:    return "out of memory";
    case MOMO_EIO:       return "i/o error";
    case MOMO_EFORMAT:   return "malformed input";
    case MOMO_EINVAL:    return "invalid value";
    case MOMO_ENOTFOUND: return "not found";
    case MOMO_EINTERNAL: return "internal error";
    case MOMO_EINTR:     return "interrupted";
    default:             return "unknown error";
    }
}

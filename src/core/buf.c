/* buf.c - a growing string with a ceiling (curl's dynbuf "toobig"). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

void core_buf_init(struct core_buf *b, size_t max)
{
    b->s = NULL;
    b->n = b->cap = 0;
    b->max = max;
    b->failed = 0;
}

int core_buf_append(struct core_buf *b, const char *s, size_t n)
{
    int rc;

    if (b->failed)
        return MOMO_ENOMEM;
    rc = core_grow((void **)&b->s, &b->cap, b->n + n + 1, 1, b->max);
    if (rc != MOMO_OK) {
        b->failed = 1;
        return rc == MOMO_EINVAL ? MOMO_ENOMEM : rc;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return MOMO_OK;
}

int core_buf_printf(struct core_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return MOMO_EINTERNAL;
    if ((size_t)n < sizeof(small))
        return core_buf_append(b, small, (size_t)n);
    {
        char *big = core_malloc((size_t)n + 1);
        int rc;

        if (!big) {
            b->failed = 1;
            return MOMO_ENOMEM;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        rc = core_buf_append(b, big, (size_t)n);
        core_free(big);
        return rc;
    }
}

const char *core_buf_cstr(struct core_buf *b)
{
    return b->s ? b->s : "";
}

void core_buf_release(struct core_buf *b)
{
    core_free(b->s);
    core_buf_init(b, b->max);
}

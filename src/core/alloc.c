/* alloc.c - every library allocation, so tests can make the n-th fail.
 *
 * The countdown is the one piece of process-wide state in the library; it
 * exists for fault-injection tests (SQLite's do_faultsim_test) and is
 * zero, and so inert, in normal runs. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static atomic_long fail_countdown;

void core_fail_alloc_at(long nth)
{
    atomic_store(&fail_countdown, nth);
}

static int should_fail(void)
{
    long c = atomic_load(&fail_countdown);

    while (c > 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1))
            return c == 1;
    }
    return 0;
}

void *core_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *core_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *core_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void core_free(void *p)
{
    free(p);
}

char *core_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = core_malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

void *core_malloc_aligned(size_t size, size_t align)
{
    void *p = NULL;

    if (should_fail())
        return NULL;
    if (posix_memalign(&p, align, size ? size : 1) != 0)
        return NULL;
    return p;
}

void core_free_aligned(void *p)
{
    free(p);
}

int core_grow(void **v, size_t *cap, size_t need, size_t elem, size_t max)
{
    size_t ncap;
    void *nv;

    if (need <= *cap)
        return MOMO_OK;
    if (max && need > max)
        return MOMO_EINVAL;
    ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (max && ncap > max)
        ncap = max;
    if (ncap > SIZE_MAX / elem)
        return MOMO_ENOMEM;
    nv = core_realloc(*v, ncap * elem);
    if (!nv)
        return MOMO_ENOMEM;
    *v = nv;
    *cap = ncap;
    return MOMO_OK;
}

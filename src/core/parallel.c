/* parallel.c - a fork-join loop over independent items on pthreads. */
#include <pthread.h>
#include <unistd.h>

#include "core/core.h"

struct chunk {
    void (*fn)(void *ctx, size_t i);
    void *ctx;
    size_t lo, hi;
};

static void *run_chunk(void *arg)
{
    struct chunk *c = arg;

    for (size_t i = c->lo; i < c->hi; i++)
        c->fn(c->ctx, i);
    return NULL;
}

int core_ncpu(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : 1;
}

int core_parallel_for(size_t n, int threads, void (*fn)(void *ctx, size_t i),
                      void *ctx)
{
    struct chunk *chunks;
    pthread_t *tids;
    size_t per;
    int started = 0;

    if (threads <= 0)
        threads = core_ncpu();
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    if (threads <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return MOMO_OK;
    }
    chunks = core_calloc((size_t)threads, sizeof(*chunks));
    tids = core_calloc((size_t)threads, sizeof(*tids));
    if (!chunks || !tids) {
        core_free(chunks);
        core_free(tids);
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return MOMO_OK;
    }
    per = (n + (size_t)threads - 1) / (size_t)threads;
    for (int t = 0; t < threads; t++) {
        chunks[t].fn = fn;
        chunks[t].ctx = ctx;
        chunks[t].lo = (size_t)t * per < n ? (size_t)t * per : n;
        chunks[t].hi = chunks[t].lo + per < n ? chunks[t].lo + per : n;
    }
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, run_chunk, &chunks[t]) != 0)
            break;
        started = t;
    }
    run_chunk(&chunks[0]);
    for (int t = started + 1; t < threads; t++)   /* not started: run here */
        run_chunk(&chunks[t]);
    for (int t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    core_free(chunks);
    core_free(tids);
    return MOMO_OK;
}

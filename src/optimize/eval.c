/* eval.c - running the trials of a design: engines, worker threads,
 * the cache and shards.
 *
 * In:  a design, a window, the study context (base parameters, options,
 *      cache).
 * Out: one row per trial: its metrics, the optimized metric in each of K
 *      sub-periods, the block sums of its daily returns (for CSCV), or
 *      the reason it failed.
 *
 * Trials are grouped by the values of their precompute parameters
 * (MOMO_PARAM_PRECOMPUTE): one engine per group, built once and shared
 * read-only by the worker threads, each with its own workspace. A trial
 * whose key is in the cache is read, not run. Workers take trials one at
 * a time from a shared cursor; which worker runs a trial never changes
 * its row, so results do not depend on the number of threads. The
 * calling thread meanwhile reports progress, watches the interrupt flag
 * (only it reads the flag; it tells the workers under the pool's lock)
 * and, every half second, commits finished rows to the cache in one
 * transaction.
 *
 * Shards (processes, e.g. MPI ranks) split the trials by index (i %
 * n_shards == shard) in batches; after each batch every shard's rows
 * are exchanged, so every shard ends with every row, and shard 0 stores
 * them. An interrupt or a failure on any shard travels with the batch,
 * so all shards stop at the same batch.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"
#include "optimize/optimize_int.h"

#define LANES                   32     /* trials a worker runs together */
#define FIRST_BATCH_PER_WORKER  LANES  /* timed for the estimate */
#define SHARD_BATCH             1024   /* trials per shard per exchange */
#define COMMIT_SECONDS          2.0
#define MAX_WARNINGS            5

/*---- Small pieces ----*/

void opt_metric_slots(size_t *off)
{
    momo_metrics probe;
    double *slot = (double *)(void *)&probe;
    size_t n_slots = sizeof(probe) / sizeof(double);

    MOMO_ASSERT(sizeof(probe) % sizeof(double) == 0);
    MOMO_ASSERT(momo_metric_count() <= 64);
    for (size_t k = 0; k < n_slots; k++)
        slot[k] = (double)k;
    for (size_t j = 0; j < momo_metric_count(); j++)
        off[j] = (size_t)momo_metric_get(&probe, j);
}

static void metrics_nan(momo_metrics *m)
{
    double *slot = (double *)(void *)m;

    for (size_t k = 0; k < sizeof(*m) / sizeof(double); k++)
        slot[k] = NAN;
}

int opt_rows_init(struct opt_rows *r, size_t n, size_t K, size_t S)
{
    memset(r, 0, sizeof(*r));
    r->n = n;
    r->K = K;
    r->S = S;
    r->m = core_malloc((n ? n : 1) * sizeof(*r->m));
    r->sub = core_malloc((n * K + 1) * sizeof(*r->sub));
    r->blk = core_malloc((n * S * 2 + 1) * sizeof(*r->blk));
    r->blk_len = core_calloc(S ? S : 1, sizeof(*r->blk_len));
    r->reason = core_calloc(n ? n : 1, sizeof(*r->reason));
    r->state = core_calloc(n ? n : 1, 1);
    r->cached = core_calloc(n ? n : 1, 1);
    if (!r->m || !r->sub || !r->blk || !r->blk_len || !r->reason ||
        !r->state || !r->cached) {
        opt_rows_release(r);
        return MOMO_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        metrics_nan(&r->m[i]);
    for (size_t i = 0; i < n * K; i++)
        r->sub[i] = NAN;
    memset(r->blk, 0, (n * S * 2 + 1) * sizeof(*r->blk));
    return MOMO_OK;
}

void opt_rows_release(struct opt_rows *r)
{
    if (r->reason)
        for (size_t i = 0; i < r->n; i++)
            core_free(r->reason[i]);
    core_free(r->m);
    core_free(r->sub);
    core_free(r->blk);
    core_free(r->blk_len);
    core_free(r->reason);
    core_free(r->state);
    core_free(r->cached);
    memset(r, 0, sizeof(*r));
}

void opt_block_lengths(size_t n_eq, size_t S, size_t *len)
{
    size_t T = n_eq > 0 ? n_eq - 1 : 0;

    for (size_t b = 0; b < S; b++)
        len[b] = (b + 1) * T / S - b * T / S;
}

void opt_summarize_curve(const momo_equity_row *eq, const double *ret,
                         size_t n, double A, double rf, size_t which,
                         size_t K, size_t S, double *sub, double *blk)
{
    size_t T = n > 0 ? n - 1 : 0;

    for (size_t k = 0; k < K; k++) {
        size_t r0 = k * n / K, r1 = (k + 1) * n / K;

        if (r0 > 0)
            r0--;              /* share the boundary row: returns tile */
        if (r1 < r0 + 2) {
            sub[k] = NAN;
            continue;
        }
        sub[k] = met_curve_metric(eq + r0, ret ? ret + r0 : NULL, r1 - r0,
                                  A, rf, which);
    }
    for (size_t b = 0; b < S; b++) {
        double s = 0, s2 = 0;

        for (size_t t = b * T / S; t < (b + 1) * T / S; t++) {
            double r = ret ? ret[t] : eq[t + 1].equity / eq[t].equity - 1.0;

            s += r;
            s2 += r * r;
        }
        blk[2 * b] = s;
        blk[2 * b + 1] = s2;
    }
}

/*---- The study context ----*/

void momo_opt_opts_init(momo_opt_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->metric = -1;
    o->min_trades = 20;
    o->max_drawdown = 0.25;
    o->min_win_rate = 0.40;
    o->top = 10;
    o->subperiods = 4;
    o->blocks = 16;
    o->cscv_max_trials = 1000;
    o->seed = 1;
    o->n_shards = 1;
}

/* Metrics a sub-period of an equity curve cannot give (they count
 * trades): robustness then measures the Sharpe ratio per sub-period. */
static int trade_metric(const char *name)
{
    static const char *const names[] = {
        "win_rate", "profit_factor", "avg_win", "avg_loss", "expectancy",
        "num_trades", "sqn", "avg_bars_held"
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

int opt_ctx_init(struct opt_ctx *cx, const momo_dataset *ds,
                 const momo_params *base, const momo_opt_opts *o,
                 momo_err *err)
{
    int rc;

    memset(cx, 0, sizeof(*cx));
    cx->ds = ds;
    cx->base = *base;
    cx->o = *o;
    cx->t0 = core_now();
    if (o->metric >= (long)momo_metric_count())
        return momo_err_set(err, MOMO_EINVAL, "no metric number %ld",
                            o->metric);
    cx->metric = o->metric >= 0 ? (size_t)o->metric
                                : (size_t)momo_metric_find("sharpe");
    cx->sub_metric = trade_metric(momo_metric_name(cx->metric))
        ? (size_t)momo_metric_find("sharpe") : cx->metric;
    cx->jobs = o->jobs > 0 ? o->jobs : core_ncpu();
    if (o->subperiods < 1 || o->subperiods > OPT_MAX_SUB)
        return momo_err_set(err, MOMO_EINVAL, "sub-periods: %zu is not "
                            "within 1..%d", o->subperiods, OPT_MAX_SUB);
    if (o->blocks < 2 || o->blocks > OPT_MAX_BLOCKS || o->blocks % 2)
        return momo_err_set(err, MOMO_EINVAL, "CSCV blocks: %zu is not an "
                            "even number within 2..%d", o->blocks,
                            OPT_MAX_BLOCKS);
    if (o->n_shards < 1 || o->shard >= o->n_shards ||
        (o->n_shards > 1 && !o->exchange))
        return momo_err_set(err, MOMO_EINVAL, "shard %zu of %zu: several "
                            "shards need an exchange function", o->shard,
                            o->n_shards);
    if (o->validation.from && o->validation.to &&
        o->validation.from > o->validation.to)
        return momo_err_set(err, MOMO_EINVAL, "the validation range ends "
                            "before it starts");
    opt_key_seed(ds, o->symbols, o->n_symbols, cx->key_seed);
    if (!o->cache_path)
        return MOMO_OK;
    /* shard 0 creates the database; the others open it after it has */
    if (o->shard == 0) {
        rc = opt_cache_open(o->cache_path, 1, &cx->cache, err);
        if (rc != MOMO_OK)
            return rc;
    }
    if (o->n_shards > 1) {
        void *all = NULL;
        size_t n_all = 0;
        unsigned char ok = 1;

        if (o->exchange(o->exchange_ud, &ok, 1, &all, &n_all) != 0)
            return momo_err_set(err, MOMO_EIO, "the shards could not "
                                "exchange results");
        free(all);
        if (o->shard != 0 &&
            opt_cache_open(o->cache_path, 0, &cx->cache, NULL) != MOMO_OK)
            core_info("%s: not readable from shard %zu: running its "
                      "share", o->cache_path, o->shard);
    }
    return MOMO_OK;
}

void opt_ctx_release(struct opt_ctx *cx)
{
    opt_cache_close(cx->cache);
    momo_engine_free(cx->own);
    cx->cache = NULL;
    cx->own = NULL;
}

int opt_ctx_engine(struct opt_ctx *cx, const momo_params *p,
                   const momo_engine **out, momo_err *err)
{
    momo_engine_opts eo;
    int rc;

    *out = NULL;
    if (cx->o.engine && momo_engine_accepts(cx->o.engine, p)) {
        *out = cx->o.engine;
        return MOMO_OK;
    }
    if (cx->own && momo_engine_accepts(cx->own, p)) {
        *out = cx->own;
        return MOMO_OK;
    }
    momo_engine_free(cx->own);
    cx->own = NULL;
    memset(&eo, 0, sizeof(eo));
    eo.symbols = cx->o.symbols;
    eo.n_symbols = cx->o.n_symbols;
    eo.threads = cx->jobs;
    rc = momo_engine_new(cx->ds, p, &eo, &cx->own, err);
    *out = cx->own;
    return rc;
}

/*---- One trial ----*/

static int evaluate(momo_workspace *ws, const momo_params *p,
                    const momo_window *win, int want_equity,
                    momo_evaluation *out, momo_err *err)
{
    int rc;

    memset(out, 0, sizeof(*out));
    out->params = *p;
    metrics_nan(&out->metrics);
    rc = momo_backtest_eval(ws, p, win, &out->metrics, err);
    if (rc != MOMO_OK)
        return rc;
    out->n_trades = (size_t)out->metrics.num_trades;
    if (want_equity)
        out->equity = momo_workspace_equity(ws, &out->n_equity);
    return MOMO_OK;
}

int momo_opt_evaluate(momo_workspace *ws, const momo_params *base,
                      const momo_dim *dims, const double *values,
                      size_t n_dims, const momo_window *win,
                      int want_equity, momo_evaluation *out, momo_err *err)
{
    momo_params p = *base;
    momo_err e = { 0 };
    int rc = MOMO_OK;

    memset(out, 0, sizeof(*out));
    metrics_nan(&out->metrics);
    for (size_t j = 0; rc == MOMO_OK && j < n_dims; j++)
        rc = momo_params_set_number(&p, dims[j].param, values[j], &e);
    if (rc == MOMO_OK)
        rc = momo_params_validate(&p, &e);
    if (rc == MOMO_OK)
        rc = evaluate(ws, &p, win, want_equity, out, &e);
    if (rc != MOMO_OK) {
        core_warn("evaluate: no result: %s", e.msg);
        momo_err_set(err, rc, "%s", e.msg);
    }
    return rc;
}

/*---- Worker threads ----*/

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct opt_ctx *cx;
    const momo_design *d;
    const momo_window *win;
    struct opt_rows *rows;
    momo_workspace **ws;
    const size_t *items;       /* trial indices to run */
    size_t lanes;              /* workspaces per worker (<= LANES) */
    size_t n_items, next, done;
    size_t *finished;          /* trial indices, in finishing order */
    int stop, running;
    int rc;                    /* first hard failure (out of memory) */
    momo_err err;
    size_t warned;
};

struct worker {
    struct pool *pl;
    int id;
};

static int interrupted(const struct opt_ctx *cx)
{
    return cx->o.interrupt && *cx->o.interrupt;
}

/* Record the failure of trial i. Only running out of memory returns
 * non-OK, described in `hard`. */
static int trial_failed(struct pool *pl, size_t i, const momo_err *e,
                        momo_err *hard)
{
    struct opt_rows *rows = pl->rows;

    rows->reason[i] = core_strdup(e->msg);
    if (!rows->reason[i])
        return momo_err_set(hard, MOMO_ENOMEM, "out of memory");
    rows->state[i] = OPT_FAILED;
    pthread_mutex_lock(&pl->mu);
    if (pl->warned++ < MAX_WARNINGS)
        core_warn("trial %zu failed: %s", i, e->msg);
    pthread_mutex_unlock(&pl->mu);
    return MOMO_OK;
}

/* Run trials items[0..n) (n <= LANES) together, one workspace each,
 * into their rows. Only a hard failure (out of memory) returns non-OK,
 * described in `hard`. */
static int run_trials(struct pool *pl, momo_workspace **ws,
                      const size_t *items, size_t n, momo_err *hard)
{
    struct opt_ctx *cx = pl->cx;
    struct opt_rows *rows = pl->rows;
    momo_params p[LANES];
    momo_metrics m[LANES];
    momo_err e[LANES];
    int rc[LANES];
    size_t idx[LANES], k = 0;

    memset(p, 0, sizeof(p));
    for (size_t j = 0; j < n; j++) {
        momo_err pe = { 0 };
        int prc = opt_trial_params(&cx->base, pl->d, items[j], &p[k], &pe);

        if (prc == MOMO_ENOMEM)
            return momo_err_set(hard, prc, "%s", pe.msg);
        if (prc != MOMO_OK) {
            if (trial_failed(pl, items[j], &pe, hard) != MOMO_OK)
                return MOMO_ENOMEM;
            continue;
        }
        idx[k++] = items[j];
    }
    momo_backtest_eval_batch(ws, p, k, pl->win, m, rc, e);
    for (size_t j = 0; j < k; j++) {
        size_t i = idx[j];
        const momo_equity_row *eq;
        size_t n_eq;

        if (rc[j] == MOMO_ENOMEM)
            return momo_err_set(hard, rc[j], "%s", e[j].msg);
        if (rc[j] != MOMO_OK) {
            if (trial_failed(pl, i, &e[j], hard) != MOMO_OK)
                return MOMO_ENOMEM;
            continue;
        }
        rows->m[i] = m[j];
        eq = momo_workspace_equity(ws[j], &n_eq);
        opt_summarize_curve(eq, momo_workspace_returns(ws[j], NULL), n_eq,
                            m[j].periods_per_year, p[j].risk_free,
                            cx->sub_metric, rows->K, rows->S,
                            &rows->sub[i * rows->K],
                            &rows->blk[i * rows->S * 2]);
        rows->state[i] = OPT_OK;
    }
    return MOMO_OK;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct pool *pl = w->pl;

    for (;;) {
        momo_err hard;
        size_t k, n;
        int rc;

        pthread_mutex_lock(&pl->mu);
        if (pl->stop || pl->next >= pl->n_items) {
            pthread_mutex_unlock(&pl->mu);
            break;
        }
        k = pl->next;
        n = pl->n_items - k < pl->lanes ? pl->n_items - k : pl->lanes;
        pl->next += n;
        pthread_mutex_unlock(&pl->mu);
        momo_err_clear(&hard);
        rc = run_trials(pl, pl->ws + (size_t)w->id * pl->lanes, pl->items + k,
                        n, &hard);
        pthread_mutex_lock(&pl->mu);
        if (rc != MOMO_OK) {
            if (pl->rc == MOMO_OK) {
                pl->rc = rc;
                pl->err = hard;
            }
            pl->stop = 1;
        } else {
            for (size_t j = 0; j < n; j++)
                pl->finished[pl->done++] = pl->items[k + j];
        }
        pthread_cond_signal(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
    }
    pthread_mutex_lock(&pl->mu);
    pl->running--;
    pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

/*---- Storing rows ----*/

struct batch {
    struct opt_ctx *cx;
    const momo_design *d;
    const momo_window *win;
    struct opt_rows *rows;
    const struct opt_key *keys;
};

/* Store rows idx[0..n) that ran here (or on another shard) and are not
 * in the cache yet, in one transaction. */
static int store(struct batch *bt, const size_t *idx, size_t n,
                 momo_err *err)
{
    struct opt_cache *c = bt->cx->cache;
    struct core_buf js;
    struct opt_fmt_memo memo;
    int rc, any = 0;

    if (!c || bt->cx->o.shard != 0 || n == 0)
        return MOMO_OK;
    rc = MOMO_OK;
    memset(memo.set, 0, sizeof(memo.set));
    core_buf_init(&js, 1 << 20);
    for (size_t k = 0; rc == MOMO_OK && k < n; k++) {
        size_t i = idx[k];

        if (bt->rows->state[i] != OPT_OK || bt->rows->cached[i])
            continue;
        if (!any) {
            rc = opt_cache_begin(c, err);
            any = 1;
            if (rc != MOMO_OK)
                break;
        }
        js.n = 0;
        opt_json_trial_memo(&js, bt->d, i, &memo);
        if (js.failed)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        else
            rc = opt_cache_put(c, &bt->keys[i], bt->cx, bt->win,
                               core_buf_cstr(&js), bt->rows, i, err);
    }
    core_buf_release(&js);
    if (any && rc == MOMO_OK)
        rc = opt_cache_commit(c, err);
    else if (any)
        opt_cache_rollback(c);
    return rc;
}

/* Run items[0..n) on the worker threads, storing finished rows every
 * COMMIT_SECONDS (one shard only) and reporting progress. */
static int run_pool(struct batch *bt, momo_workspace **ws, size_t lanes,
                    const size_t *items, size_t n, int store_as_done,
                    momo_err *err)
{
    struct opt_ctx *cx = bt->cx;
    struct pool pl;
    struct worker *wk;
    pthread_t *tid;
    int threads = cx->jobs < (int)n ? cx->jobs : (int)n, started = 0;
    size_t stored = 0;
    double last_commit = core_now();
    int rc = MOMO_OK;

    if (n == 0)
        return MOMO_OK;
    memset(&pl, 0, sizeof(pl));
    pl.cx = cx;
    pl.d = bt->d;
    pl.win = bt->win;
    pl.rows = bt->rows;
    pl.ws = ws;
    pl.lanes = lanes;
    pl.items = items;
    pl.n_items = n;
    pl.warned = cx->n_failed_warned;
    pl.finished = core_malloc(n * sizeof(*pl.finished));
    wk = core_calloc((size_t)threads, sizeof(*wk));
    tid = core_calloc((size_t)threads, sizeof(*tid));
    if (!pl.finished || !wk || !tid) {
        core_free(pl.finished);
        core_free(wk);
        core_free(tid);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cv, NULL);
    pl.running = threads;
    for (int t = 0; t < threads; t++) {
        wk[t].pl = &pl;
        wk[t].id = t;
        if (pthread_create(&tid[t], NULL, worker_main, &wk[t]) != 0)
            break;
        started++;
    }
    pthread_mutex_lock(&pl.mu);
    pl.running -= threads - started;
    if (started == 0) {       /* no thread: run here, as worker 0 */
        pl.running = 1;
        pthread_mutex_unlock(&pl.mu);
        worker_main(&wk[0]);
        pthread_mutex_lock(&pl.mu);
    }
    while (pl.running > 0 || stored < pl.done) {
        struct timespec ts;
        size_t done;

        if (pl.running > 0) {
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&pl.cv, &pl.mu, &ts);
        }
        if (interrupted(cx))
            pl.stop = 1;
        done = pl.done;
        pthread_mutex_unlock(&pl.mu);
        if (cx->o.progress)
            cx->o.progress(cx->o.progress_ud, cx->phase_done + done,
                           cx->phase_total);
        /* rows finished[stored..done) are complete: the mutex handed
         * them over */
        if (store_as_done && rc == MOMO_OK &&
            (core_now() - last_commit >= COMMIT_SECONDS ||
             (pl.running == 0 && stored < done))) {
            double t0 = core_now();

            rc = store(bt, pl.finished + stored, done - stored, err);
            cx->store_seconds += core_now() - t0;
            stored = done;
            last_commit = core_now();
            if (rc != MOMO_OK) {
                pthread_mutex_lock(&pl.mu);
                pl.stop = 1;
                pthread_mutex_unlock(&pl.mu);
            }
        } else if (!store_as_done || rc != MOMO_OK) {
            stored = done;
        }
        pthread_mutex_lock(&pl.mu);
    }
    pthread_mutex_unlock(&pl.mu);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    cx->phase_done += pl.done;
    cx->n_run += pl.done;
    cx->n_failed_warned = pl.warned;
    if (rc == MOMO_OK && pl.rc != MOMO_OK)
        rc = momo_err_set(err, pl.rc, "%s", pl.err.msg);
    pthread_cond_destroy(&pl.cv);
    pthread_mutex_destroy(&pl.mu);
    core_free(pl.finished);
    core_free(wk);
    core_free(tid);
    return rc;
}

/*---- Shards: rows in and out of a byte buffer ----*/

enum { X_INTERRUPTED = 1, X_FAILED = 2 };
#define X_CACHED 0x80    /* in a row's state byte: read from the cache */

static int put_bytes(struct core_buf *b, const void *p, size_t n)
{
    return core_buf_append(b, p, n);
}

/* Rows of this shard among trials[0..n) that have a state. */
static void pack(const struct opt_rows *rows, const size_t *trials,
                 size_t n, size_t shard, size_t n_shards, uint32_t flags,
                 struct core_buf *b)
{
    uint32_t count = 0;
    size_t at;

    put_bytes(b, &flags, sizeof(flags));
    at = b->n;
    put_bytes(b, &count, sizeof(count));
    for (size_t k = 0; k < n; k++) {
        size_t i = trials[k];
        uint64_t idx = i;
        uint8_t st = rows->state[i], tag;
        uint16_t len = 0;

        if (i % n_shards != shard || st == OPT_PENDING)
            continue;
        if (st == OPT_FAILED)
            len = (uint16_t)strnlen(rows->reason[i], 4000);
        tag = (uint8_t)(st | (rows->cached[i] ? X_CACHED : 0));
        put_bytes(b, &idx, sizeof(idx));
        put_bytes(b, &tag, 1);
        put_bytes(b, &len, sizeof(len));
        count++;
        if (st == OPT_FAILED) {
            put_bytes(b, rows->reason[i], len);
            continue;
        }
        put_bytes(b, &rows->m[i], sizeof(rows->m[i]));
        put_bytes(b, &rows->sub[i * rows->K], rows->K * sizeof(double));
        put_bytes(b, &rows->blk[i * rows->S * 2],
                  rows->S * 2 * sizeof(double));
    }
    if (!b->failed)
        memcpy(b->s + at, &count, sizeof(count));
}

/* Merge every other shard's rows from the exchanged bytes; *flags gets
 * the union of the shards' flags. MOMO_EINTERNAL on a malformed buffer. */
static int unpack(struct opt_rows *rows, const unsigned char *p, size_t n,
                  size_t self_shard, uint32_t *flags, size_t *got,
                  size_t **got_idx, momo_err *err)
{
    size_t at = 0, shard = 0;
    size_t row_bytes = sizeof(momo_metrics) +
                       (rows->K + rows->S * 2) * sizeof(double);

    *flags = 0;
    while (at < n) {
        uint32_t f, count;

        if (n - at < 8)
            goto bad;
        memcpy(&f, p + at, 4);
        memcpy(&count, p + at + 4, 4);
        at += 8;
        *flags |= f;
        for (uint32_t c = 0; c < count; c++) {
            uint64_t idx;
            uint8_t st, cached;
            uint16_t len;

            if (n - at < 11)
                goto bad;
            memcpy(&idx, p + at, 8);
            st = p[at + 8] & (uint8_t)~X_CACHED;
            cached = (p[at + 8] & X_CACHED) != 0;
            memcpy(&len, p + at + 9, 2);
            at += 11;
            if (idx >= rows->n || (st == OPT_OK && n - at < row_bytes) ||
                (st == OPT_FAILED && n - at < len) ||
                (st != OPT_OK && st != OPT_FAILED))
                goto bad;
            if (shard == self_shard) {
                at += st == OPT_OK ? row_bytes : len;
                continue;
            }
            if (st == OPT_FAILED) {
                char *r = core_malloc((size_t)len + 1);

                if (!r)
                    return momo_err_set(err, MOMO_ENOMEM, "out of memory");
                memcpy(r, p + at, len);
                r[len] = '\0';
                core_free(rows->reason[idx]);
                rows->reason[idx] = r;
                at += len;
            } else {
                memcpy(&rows->m[idx], p + at, sizeof(momo_metrics));
                at += sizeof(momo_metrics);
                memcpy(&rows->sub[idx * rows->K], p + at,
                       rows->K * sizeof(double));
                at += rows->K * sizeof(double);
                memcpy(&rows->blk[idx * rows->S * 2], p + at,
                       rows->S * 2 * sizeof(double));
                at += rows->S * 2 * sizeof(double);
            }
            rows->state[idx] = st;
            rows->cached[idx] = cached;
            if (got_idx)
                (*got_idx)[(*got)++] = (size_t)idx;
        }
        shard++;
    }
    return MOMO_OK;
bad:
    return momo_err_set(err, MOMO_EINTERNAL, "malformed results from "
                        "another shard");
}

/* Exchange this shard's rows of trials[0..n) with every other shard. */
static int exchange(struct batch *bt, const size_t *trials, size_t n,
                    uint32_t my_flags, uint32_t *flags, momo_err *err)
{
    struct opt_ctx *cx = bt->cx;
    struct core_buf b;
    void *all = NULL;
    size_t n_all = 0, got = 0, *got_idx;
    int rc;

    core_buf_init(&b, (size_t)1 << 31);
    pack(bt->rows, trials, n, cx->o.shard, cx->o.n_shards, my_flags, &b);
    if (b.failed) {
        core_buf_release(&b);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    if (cx->o.exchange(cx->o.exchange_ud, b.s, b.n, &all, &n_all) != 0) {
        core_buf_release(&b);
        return momo_err_set(err, MOMO_EIO, "the shards could not exchange "
                            "results");
    }
    core_buf_release(&b);
    got_idx = core_malloc((n ? n : 1) * sizeof(*got_idx));
    if (!got_idx) {
        free(all);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    rc = unpack(bt->rows, all, n_all, cx->o.shard, flags, &got, &got_idx,
                err);
    free(all);
    if (rc == MOMO_OK)
        rc = store(bt, got_idx, got, err);
    core_free(got_idx);
    return rc;
}

/*---- Designs ----*/

/* Trials ordered by their precompute values, then index: a group is a
 * run of equal values. */
struct pre_sort {
    const momo_design *d;
    const size_t *pre;         /* dimensions that change the precompute */
    size_t n_pre;
};

static int pre_cmp(const struct pre_sort *ps, size_t a, size_t b)
{
    for (size_t k = 0; k < ps->n_pre; k++) {
        double va = momo_design_value(ps->d, a, ps->pre[k]);
        double vb = momo_design_value(ps->d, b, ps->pre[k]);

        if (va != vb)
            return va < vb ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

static void merge_sort(const struct pre_sort *ps, size_t *v, size_t *tmp,
                       size_t n)
{
    size_t h = n / 2, i = 0, j = h, k = 0;

    if (n < 2)
        return;
    merge_sort(ps, v, tmp, h);
    merge_sort(ps, v + h, tmp, n - h);
    while (i < h && j < n)
        tmp[k++] = pre_cmp(ps, v[i], v[j]) <= 0 ? v[i++] : v[j++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

static int same_group(const struct pre_sort *ps, size_t a, size_t b)
{
    for (size_t k = 0; k < ps->n_pre; k++)
        if (momo_design_value(ps->d, a, ps->pre[k]) !=
            momo_design_value(ps->d, b, ps->pre[k]))
            return 0;
    return 1;
}

static void call_estimate(struct opt_ctx *cx, size_t n_cached,
                          size_t n_left_here, double rate)
{
    momo_opt_estimate e;

    if (cx->estimated || !cx->o.on_estimate)
        return;
    cx->estimated = 1;
    memset(&e, 0, sizeof(e));
    e.n_trials = cx->n_planned ? cx->n_planned : cx->phase_total;
    e.n_cached = n_cached;
    e.n_left = n_left_here + (e.n_trials > cx->phase_total
                              ? e.n_trials - cx->phase_total : 0);
    e.workers = cx->jobs * (int)cx->o.n_shards;
    e.rate = rate * (double)cx->o.n_shards;
    e.seconds = e.rate > 0 ? (double)e.n_left / e.rate : 0;
    cx->o.on_estimate(cx->o.estimate_ud, &e);
}

/* The trials of one group: engine, workspaces, batches. */
static int run_group(struct batch *bt, const size_t *g, size_t ng,
                     size_t *n_cached_phase, momo_err *err)
{
    struct opt_ctx *cx = bt->cx;
    struct opt_rows *rows = bt->rows;
    size_t shard = cx->o.shard, n_shards = cx->o.n_shards;
    const momo_engine *eng = NULL;
    momo_workspace **ws = NULL;
    size_t *items = NULL, first = SIZE_MAX, lanes = 1;
    int rc = MOMO_OK, n_ws = 0;

    for (size_t k = 0; k < ng && first == SIZE_MAX; k++)
        if (g[k] % n_shards == shard && rows->state[g[k]] == OPT_PENDING)
            first = g[k];
    if (first != SIZE_MAX) {
        momo_params p;
        momo_err e = { 0 };

        rc = opt_trial_params(&cx->base, bt->d, first, &p, &e);
        if (rc == MOMO_OK)
            rc = opt_ctx_engine(cx, &p, &eng, &e);
        if (rc == MOMO_ENOMEM)
            return momo_err_set(err, rc, "%s", e.msg);
        if (rc != MOMO_OK) {
            /* no engine for these precompute values: every trial of
             * the group fails with the reason */
            for (size_t k = 0; k < ng; k++) {
                size_t i = g[k];

                if (i % n_shards != shard || rows->state[i] != OPT_PENDING)
                    continue;
                rows->reason[i] = core_strdup(e.msg);
                if (!rows->reason[i])
                    return momo_err_set(err, MOMO_ENOMEM, "out of memory");
                rows->state[i] = OPT_FAILED;
            }
            core_warn("no engine for a group of trials: %s", e.msg);
            rc = MOMO_OK;
            eng = NULL;
        }
    }
    items = core_malloc((ng ? ng : 1) * sizeof(*items));
    if (!items)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (eng) {
        /* as many lanes as the group's trials fill */
        size_t per_job = (ng / n_shards + (size_t)cx->jobs) /
                         (size_t)cx->jobs;

        lanes = per_job < LANES ? per_job : LANES;
        ws = core_calloc((size_t)cx->jobs * lanes, sizeof(*ws));
        if (!ws)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        for (; rc == MOMO_OK && n_ws < cx->jobs * (int)lanes; n_ws++)
            rc = momo_workspace_new(eng, &ws[n_ws], err);
    }
    for (size_t b0 = 0; rc == MOMO_OK && b0 < ng;) {
        size_t per = cx->estimated
            ? (n_shards > 1 ? SHARD_BATCH : ng)
            : (size_t)FIRST_BATCH_PER_WORKER * (size_t)cx->jobs;
        size_t b1 = b0 + per * n_shards < ng ? b0 + per * n_shards : ng;
        size_t n_items = 0, before = cx->n_run;
        /* with plenty left, the first batch only warms up (page faults,
         * caches, filtered lists): the next one is timed */
        int warm_up = !cx->estimated && !cx->warmed &&
                      ng - b0 > 4 * per * n_shards;
        double t = core_now();
        uint32_t flags = 0;

        for (size_t k = b0; k < b1; k++)
            if (g[k] % n_shards == shard &&
                rows->state[g[k]] == OPT_PENDING && eng)
                items[n_items++] = g[k];
        rc = run_pool(bt, ws, lanes, items, n_items, n_shards == 1, err);
        if (n_shards > 1) {
            uint32_t mine = (interrupted(cx) ? X_INTERRUPTED : 0) |
                            (rc != MOMO_OK ? X_FAILED : 0);
            int xrc = exchange(bt, g + b0, b1 - b0, mine, &flags,
                               rc == MOMO_OK ? err : NULL);

            if (rc == MOMO_OK)
                rc = xrc;
            if (rc == MOMO_OK && (flags & X_FAILED))
                rc = momo_err_set(err, MOMO_EINTERNAL, "another shard "
                                  "failed");
        } else if (interrupted(cx)) {
            flags = X_INTERRUPTED;
        }
        if (rc == MOMO_OK && (flags & X_INTERRUPTED))
            rc = momo_err_set(err, MOMO_EINTR, "interrupted");
        if (rc == MOMO_OK && !cx->estimated && cx->n_run > before &&
            warm_up) {
            cx->warmed = 1;
        } else if (rc == MOMO_OK && !cx->estimated && cx->n_run > before) {
            size_t todo = 0;

            for (size_t k = b1; k < ng; k++)
                todo += rows->state[g[k]] == OPT_PENDING;
            call_estimate(cx, *n_cached_phase, todo,
                          (double)(cx->n_run - before) /
                          (core_now() - t + 1e-9));
        }
        b0 = b1;
    }
    for (int k = 0; k < n_ws; k++)
        momo_workspace_free(ws[k]);
    core_free(ws);
    core_free(items);
    return rc;
}

int opt_eval_design(struct opt_ctx *cx, const momo_design *d,
                    const momo_window *win, struct opt_rows *rows,
                    momo_err *err)
{
    size_t n = d->n_trials, n_pre = 0, pre[OPT_MAX_DIMS], n_cached = 0;
    size_t shard = cx->o.shard, n_shards = cx->o.n_shards;
    struct opt_key *keys = NULL;
    size_t *order = NULL, *tmp = NULL;
    struct batch bt;
    int rc = MOMO_OK;

    MOMO_ASSERT(rows->n == n);
    cx->phase_done = 0;
    cx->phase_total = 0;
    for (size_t i = 0; i < n; i++)
        cx->phase_total += i % n_shards == shard;
    keys = core_calloc(n ? n : 1, sizeof(*keys));
    order = core_malloc((n ? n : 1) * sizeof(*order));
    tmp = core_malloc((n ? n : 1) * sizeof(*tmp));
    if (!keys || !order || !tmp) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    /* invalid combinations fail here; valid ones get a key (every
     * shard's: shard 0 stores them all) and, when cached, their row */
    for (size_t i = 0; rc == MOMO_OK && i < n; i++) {
        momo_params p;
        momo_err e = { 0 };
        int found = 0, prc, mine = i % n_shards == shard;

        if (mine && rows->state[i] != OPT_PENDING)
            continue;
        prc = opt_trial_params(&cx->base, d, i, &p, &e);
        if (prc == MOMO_ENOMEM) {
            rc = momo_err_set(err, prc, "%s", e.msg);
            break;
        }
        if (prc == MOMO_OK)
            opt_key_of(cx, &p, win, &keys[i]);
        if (!mine)
            continue;
        if (prc != MOMO_OK) {
            rows->reason[i] = core_strdup(e.msg);
            if (!rows->reason[i])
                rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            rows->state[i] = OPT_FAILED;
            if (cx->n_failed_warned++ < MAX_WARNINGS)
                core_warn("trial %zu is invalid: %s", i, e.msg);
            cx->phase_done++;
            continue;
        }
        if (cx->cache && opt_cache_has(cx->cache, &keys[i]))
            rc = opt_cache_get(cx->cache, &keys[i], rows, i, &found, err);
        if (found) {
            n_cached++;
            cx->phase_done++;
        }
    }
    core_debug("%zu trials keyed, %zu read from the cache", n, n_cached);
    cx->n_cached_total += n_cached;
    for (size_t j = 0; j < d->n_dims; j++)
        if (d->dims[j].param->flags & MOMO_PARAM_PRECOMPUTE)
            pre[n_pre++] = j;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    if (n_pre) {
        struct pre_sort ps = { d, pre, n_pre };

        merge_sort(&ps, order, tmp, n);
    }
    bt.cx = cx;
    bt.d = d;
    bt.win = win;
    bt.rows = rows;
    bt.keys = keys;
    for (size_t g0 = 0; rc == MOMO_OK && g0 < n;) {
        size_t g1 = g0 + 1;

        if (n_pre) {
            struct pre_sort ps = { d, pre, n_pre };

            while (g1 < n && same_group(&ps, order[g0], order[g1]))
                g1++;
        } else {
            g1 = n;
        }
        rc = run_group(&bt, order + g0, g1 - g0, &n_cached, err);
        g0 = g1;
    }
    if (rc == MOMO_OK && !cx->estimated)
        call_estimate(cx, n_cached, 0, 0);
    core_debug("storing rows in the cache: %.2f s, beside the workers",
               cx->store_seconds);
    if (cx->o.progress && rc == MOMO_OK)
        cx->o.progress(cx->o.progress_ud, cx->phase_done, cx->phase_total);
    for (size_t i = 0; i < n; i++)
        if (rows->state[i] == OPT_OK) {
            opt_block_lengths((size_t)rows->m[i].num_days, rows->S,
                              rows->blk_len);
            break;
        }
out:
    core_free(keys);
    core_free(order);
    core_free(tmp);
    return rc;
}

int opt_run_equity(struct opt_ctx *cx, const momo_params *p,
                   const momo_window *win, momo_metrics *m,
                   momo_equity_row **eq, size_t *n_eq, momo_err *err)
{
    const momo_engine *eng;
    momo_workspace *ws = NULL;
    momo_evaluation ev;
    int rc;

    *eq = NULL;
    *n_eq = 0;
    rc = opt_ctx_engine(cx, p, &eng, err);
    if (rc == MOMO_OK)
        rc = momo_workspace_new(eng, &ws, err);
    if (rc == MOMO_OK)
        rc = evaluate(ws, p, win, 1, &ev, err);
    if (rc == MOMO_OK) {
        *m = ev.metrics;
        *eq = core_malloc((ev.n_equity ? ev.n_equity : 1) * sizeof(**eq));
        if (!*eq)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        else if (ev.n_equity)
            memcpy(*eq, ev.equity, ev.n_equity * sizeof(**eq));
        *n_eq = *eq ? ev.n_equity : 0;
    }
    momo_workspace_free(ws);
    return rc;
}

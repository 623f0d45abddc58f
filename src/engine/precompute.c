/* precompute.c - what every backtest of a dataset shares.
 *
 * In:  a dataset, the precompute parameters (indicator periods, momentum
 *      weights, eligibility thresholds) and optionally a symbol subset.
 * Out: a read-only struct momo_engine: the calendar (union of the traded
 *      symbols' dates) and, per calendar day, the candidate list: every
 *      eligible symbol with a bar that day and a defined RSI, with its
 *      percentile score within its asset class, sorted by score
 *      descending then symbol name (STRATEGY.md 3, docs/methods.md).
 *
 * A backtest then only walks these lists, so an optimizer sweeping the
 * non-precompute parameters pays for this once. Work is split over
 * symbols (indicators) and over days (ranks) on threads; every item
 * writes only its own outputs, so results do not depend on threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/core.h"
#include "engine/engine.h"
#include "indicators/indicators.h"
#include "strategy/strategy.h"

/* Per-bar values of all traded symbols, in one block. */
struct ind_block {
    size_t *off;        /* n_sym + 1 bar offsets */
    double *m, *rsi;
    uint8_t *flags;     /* BAR_* */
};

#define BAR_ELIGIBLE   0x1u
#define BAR_ABOVE_FAST 0x2u    /* close > SMA(sma_fast) */
#define BAR_ABOVE_SLOW 0x4u    /* close > SMA(sma_slow) */
#define BAR_SLOW_DEF   0x8u    /* SMA(sma_slow) defined */

#define SYM_CHUNK 16           /* symbols per indicator work item */
#define DAY_CHUNK 64           /* days per ranking work item */

struct pre_job {
    struct momo_engine *eng;
    const momo_params *p;
    struct ind_block *ib;
    const int32_t *day_of;   /* date - lo_date -> calendar index */
    int32_t lo_date;
    uint32_t *sym_start;     /* per day chunk and symbol: the symbol's
                                first bar inside the chunk */
    size_t *n_elig;          /* per day: eligible bars */
    int *chunk_rc;           /* per work item */
    double *breadth;         /* per day */
};

/*---- Indicators, SYM_CHUNK symbols per item ----*/

static void indicators_of(struct pre_job *job, size_t i, double *adv,
                          double *sma, double *slow)
{
    const momo_params *p = job->p;
    const struct eng_sym *sy = &job->eng->syms[i];
    const momo_series *s = &sy->s;
    size_t o = job->ib->off[i], n = s->n;
    double *m = job->ib->m + o, *rsi = job->ib->rsi + o;
    uint8_t *fl = job->ib->flags + o;
    double min_px = strat_min_price(p, sy->cls);
    int kmax = 0;

    for (int k = 0; k < MOMO_N_ROC; k++)
        if (p->roc_periods[k] > kmax)
            kmax = p->roc_periods[k];
    ind_adv(s->close, s->volume, n, p->adv_period, m, adv);  /* m: scratch */
    ind_rsi(s->close, n, p->rsi_period, rsi);
    ind_sma(s->close, n, p->sma_fast, sma);
    ind_sma(s->close, n, p->sma_slow, slow);
    for (size_t t = 0; t < n; t++) {
        double roc[MOMO_N_ROC];
        unsigned f = 0;

        if (!isnan(sma[t]) && s->close[t] > sma[t])
            f |= BAR_ABOVE_FAST;
        if (!isnan(slow[t])) {
            f |= BAR_SLOW_DEF;
            if (s->close[t] > slow[t])
                f |= BAR_ABOVE_SLOW;
        }
        if (t < (size_t)kmax) {
            m[t] = NAN;
            fl[t] = (uint8_t)f;
            continue;
        }
        for (int k = 0; k < MOMO_N_ROC; k++)
            roc[k] = s->close[t] / s->close[t - (size_t)p->roc_periods[k]]
                     - 1.0;
        m[t] = strat_momentum(p, roc);
        if (!isnan(m[t]) && s->close[t] >= min_px &&
            adv[t] >= p->min_dollar_volume)
            f |= BAR_ELIGIBLE;
        fl[t] = (uint8_t)f;
    }
}

/* Where symbol i's bars become dense in the calendar (struct eng_sym). */
static void dense_tail(struct pre_job *job, size_t i)
{
    struct eng_sym *sy = &job->eng->syms[i];
    const int32_t *date = sy->s.date;
    size_t k = sy->s.n - 1;
    int32_t row = job->day_of[date[k] - job->lo_date];

    while (k > 0 && job->day_of[date[k - 1] - job->lo_date] == row - 1) {
        k--;
        row--;
    }
    sy->dense_from = (uint32_t)k;
    sy->dense_off = (int64_t)k - (int64_t)row;
}

static void indicators_chunk(void *ctx, size_t chunk)
{
    struct pre_job *job = ctx;
    size_t lo = chunk * SYM_CHUNK, hi = lo + SYM_CHUNK, most = 1;
    double *scratch;

    if (hi > job->eng->n_sym)
        hi = job->eng->n_sym;
    for (size_t i = lo; i < hi; i++)
        if (job->eng->syms[i].s.n > most)
            most = job->eng->syms[i].s.n;
    scratch = core_malloc(3 * most * sizeof(double));
    if (!scratch) {
        job->chunk_rc[chunk] = MOMO_ENOMEM;
        return;
    }
    for (size_t i = lo; i < hi; i++) {
        indicators_of(job, i, scratch, scratch + most, scratch + 2 * most);
        dense_tail(job, i);
    }
    core_free(scratch);
}

/*---- Ranks and candidates, DAY_CHUNK days per item ----*/

static size_t lower_bound(const int32_t *date, size_t n, int32_t x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (date[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void chunk_days(const struct momo_engine *eng, size_t chunk,
                       size_t *lo, size_t *hi)
{
    *lo = chunk * DAY_CHUNK;
    *hi = *lo + DAY_CHUNK < eng->n_days ? *lo + DAY_CHUNK : eng->n_days;
}

/* Phase 1: where each symbol enters the chunk, and per day how many bars
 * are eligible and how many of those are candidates (RSI defined). */
static void count_chunk(void *ctx, size_t chunk)
{
    struct pre_job *job = ctx;
    struct momo_engine *eng = job->eng;
    uint32_t *start = job->sym_start + chunk * eng->n_sym;
    size_t lo, hi;
    int32_t first, last;

    chunk_days(eng, chunk, &lo, &hi);
    first = eng->days[lo];
    last = eng->days[hi - 1];
    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;
        const uint8_t *fl = job->ib->flags + job->ib->off[i];
        const double *rsi = job->ib->rsi + job->ib->off[i];
        size_t t = lower_bound(s->date, s->n, first);

        start[i] = (uint32_t)t;
        for (; t < s->n && s->date[t] <= last; t++) {
            size_t d;

            if (!(fl[t] & BAR_ELIGIBLE))
                continue;
            d = (size_t)job->day_of[s->date[t] - job->lo_date];
            job->n_elig[d]++;
            eng->cand_start[d + 1] += !isnan(rsi[t]);
        }
    }
}

/* A chunk's eligible bars bucketed by day, symbols ascending per day. */
struct bucket {
    size_t *off;             /* per day of the chunk, into the arrays */
    uint32_t *sym, *bar;
    double *m, *rsi;
    uint8_t *flags;
};

/* One class's items of one day, sorted, with their rank2; `at` walks
 * them in order. Items carry k = symbol, aux = index in the bucket. */
struct ranked {
    const struct strat_rank_item *v;
    const uint32_t *rank2;
    size_t n, at;
    uint32_t cls_bit;
};

static void emit(struct momo_engine *eng, const struct bucket *bk,
                 const struct ranked *r, size_t out)
{
    const struct strat_rank_item *it = &r->v[r->at];
    double rsi = bk->rsi[it->aux];

    eng->cands[out].sym = it->k;
    eng->cands[out].bar = bk->bar[it->aux];
    eng->cands[out].rsi_f = (float)rsi;
    eng->cands[out].bits = r->rank2[r->at] | r->cls_bit |
        ((bk->flags[it->aux] & BAR_ABOVE_FAST) ? ENG_ABOVE_SMA : 0);
    eng->cands[out].close = eng->syms[it->k].s.close[bk->bar[it->aux]];
    eng->cand_rsi[out] = rsi;
}

/* Skip items whose RSI is undefined: they are ranked, but an undefined
 * indicator never qualifies a symbol as a candidate. */
static void skip_undefined(const struct bucket *bk, struct ranked *r)
{
    while (r->at < r->n && isnan(bk->rsi[r->v[r->at].aux]))
        r->at++;
}

/* Gather one class's items of the bucket range [a, b) in symbol order. */
static size_t gather(const struct momo_engine *eng, const struct bucket *bk,
                     size_t a, size_t b, int crypto,
                     struct strat_rank_item *items)
{
    size_t n = 0;

    for (size_t e = a; e < b; e++) {
        if ((eng->syms[bk->sym[e]].cls == MOMO_CRYPTO) != crypto)
            continue;
        items[n].key = strat_rank_key(bk->m[e]);
        items[n].k = bk->sym[e];
        items[n].aux = (uint32_t)e;
        n++;
    }
    return n;
}

static void rank_day(struct pre_job *job, const struct bucket *bk,
                     size_t d, size_t a, size_t b,
                     struct strat_rank_item *items, uint32_t *rank2)
{
    struct momo_engine *eng = job->eng;
    struct strat_rank_item *tmp = items + (b - a);
    size_t n_st, n_cr, n_slow = 0, n_above = 0;
    size_t out = eng->cand_start[d];
    struct ranked st, cr;

    n_st = gather(eng, bk, a, b, 0, items);
    n_cr = gather(eng, bk, a, b, 1, items + n_st);
    for (size_t k = 0; k < n_st; k++) {          /* breadth of stocks */
        uint8_t f = bk->flags[items[k].aux];

        if (f & BAR_SLOW_DEF) {
            n_slow++;
            n_above += (f & BAR_ABOVE_SLOW) != 0;
        }
    }
    job->breadth[d] = n_slow ? (double)n_above / (double)n_slow : NAN;
    eng->n_ranked[d][0] = (uint32_t)n_st;
    eng->n_ranked[d][1] = (uint32_t)n_cr;
    st.v = items;
    st.n = n_st;
    st.rank2 = rank2;
    st.cls_bit = 0;
    cr.v = items + n_st;
    cr.n = n_cr;
    cr.rank2 = rank2 + n_st;
    cr.cls_bit = ENG_CRYPTO;
    strat_sort_desc(items, n_st, tmp);
    strat_sort_desc(items + n_st, n_cr, tmp);
    strat_rank2_sorted(st.v, st.n, rank2);
    strat_rank2_sorted(cr.v, cr.n, rank2 + n_st);
    st.at = cr.at = 0;
    /* merge the two classes by score descending, then symbol */
    for (;;) {
        struct ranked *take;

        skip_undefined(bk, &st);
        skip_undefined(bk, &cr);
        if (st.at == st.n && cr.at == cr.n)
            break;
        if (st.at == st.n) {
            take = &cr;
        } else if (cr.at == cr.n) {
            take = &st;
        } else {
            double ss = strat_score_of_rank2(st.rank2[st.at], st.n);
            double sc = strat_score_of_rank2(cr.rank2[cr.at], cr.n);

            take = ss > sc || (ss == sc && st.v[st.at].k < cr.v[cr.at].k)
                   ? &st : &cr;
        }
        emit(eng, bk, take, out++);
        take->at++;
    }
    MOMO_ASSERT(out == eng->cand_start[d + 1]);
}

/* Phase 2: bucket the chunk's eligible bars by day, then rank each day
 * and write its candidates where phase 1's counts put them. */
static void rank_chunk(void *ctx, size_t chunk)
{
    struct pre_job *job = ctx;
    struct momo_engine *eng = job->eng;
    const uint32_t *start = job->sym_start + chunk * eng->n_sym;
    struct bucket bk = { 0 };
    struct strat_rank_item *items = NULL;
    uint32_t *rank2 = NULL;
    size_t lo, hi, total = 0, most = 1, *fill = NULL;
    int32_t last;

    chunk_days(eng, chunk, &lo, &hi);
    last = eng->days[hi - 1];
    bk.off = core_malloc((hi - lo + 1) * sizeof(size_t));
    fill = core_calloc(hi - lo + 1, sizeof(size_t));
    if (!bk.off || !fill)
        goto nomem;
    for (size_t d = lo; d < hi; d++) {
        bk.off[d - lo] = total;
        total += job->n_elig[d];
        if (job->n_elig[d] > most)
            most = job->n_elig[d];
    }
    bk.off[hi - lo] = total;
    bk.sym = core_malloc((total + 1) * sizeof(uint32_t));
    bk.bar = core_malloc((total + 1) * sizeof(uint32_t));
    bk.m = core_malloc((total + 1) * sizeof(double));
    bk.rsi = core_malloc((total + 1) * sizeof(double));
    bk.flags = core_malloc(total + 1);
    items = core_malloc(2 * most * sizeof(*items));
    rank2 = core_malloc(most * sizeof(*rank2));
    if (!bk.sym || !bk.bar || !bk.m || !bk.rsi || !bk.flags || !items ||
        !rank2)
        goto nomem;
    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;
        size_t o = job->ib->off[i];

        for (size_t t = start[i]; t < s->n && s->date[t] <= last; t++) {
            size_t dl, at;

            if (!(job->ib->flags[o + t] & BAR_ELIGIBLE))
                continue;
            dl = (size_t)job->day_of[s->date[t] - job->lo_date] - lo;
            at = bk.off[dl] + fill[dl]++;
            bk.sym[at] = (uint32_t)i;
            bk.bar[at] = (uint32_t)t;
            bk.m[at] = job->ib->m[o + t];
            bk.rsi[at] = job->ib->rsi[o + t];
            bk.flags[at] = job->ib->flags[o + t];
        }
    }
    for (size_t d = lo; d < hi; d++)
        rank_day(job, &bk, d, bk.off[d - lo], bk.off[d - lo + 1], items,
                 rank2);
    goto out;
nomem:
    job->chunk_rc[chunk] = MOMO_ENOMEM;
out:
    core_free(bk.off);
    core_free(fill);
    core_free(bk.sym);
    core_free(bk.bar);
    core_free(bk.m);
    core_free(bk.rsi);
    core_free(bk.flags);
    core_free(items);
    core_free(rank2);
}

/*---- The engine ----*/

static int pick_symbols(struct momo_engine *eng, const momo_engine_opts *o,
                        momo_err *err)
{
    size_t n_ds = momo_dataset_n_symbols(eng->ds), n = 0;
    uint8_t *take = core_calloc(n_ds ? n_ds : 1, 1);

    if (!take)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (o && o->symbols) {
        for (size_t i = 0; i < o->n_symbols; i++) {
            long k = momo_dataset_find(eng->ds, o->symbols[i]);
            int cls;

            if (k < 0) {
                core_free(take);
                return momo_err_set(err, MOMO_ENOTFOUND,
                                    "--symbols: '%s' is not in the dataset",
                                    o->symbols[i]);
            }
            cls = momo_dataset_symbol(eng->ds, (size_t)k)->asset_class;
            if (cls != MOMO_STOCK && cls != MOMO_CRYPTO) {
                core_free(take);
                return momo_err_set(err, MOMO_EINVAL,
                                    "--symbols: '%s' is an %s, which the "
                                    "strategy does not trade (only stock "
                                    "and crypto)", o->symbols[i],
                                    momo_asset_class_name(cls));
            }
            take[k] = 1;
        }
    } else {
        for (size_t k = 0; k < n_ds; k++) {
            int cls = momo_dataset_symbol(eng->ds, k)->asset_class;

            take[k] = cls == MOMO_STOCK || cls == MOMO_CRYPTO;
        }
    }
    for (size_t k = 0; k < n_ds; k++)
        n += take[k] && momo_dataset_symbol(eng->ds, k)->n_bars > 0;
    if (n == 0) {
        core_free(take);
        return momo_err_set(err, MOMO_EINVAL,
                            "no tradable symbols: the dataset (or "
                            "--symbols) has no stock or crypto with bars");
    }
    eng->syms = core_calloc(n, sizeof(*eng->syms));
    eng->ds_syms = core_calloc(n, sizeof(*eng->ds_syms));
    if (!eng->syms || !eng->ds_syms) {
        core_free(take);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < n_ds; k++) {
        struct eng_sym *sy;

        if (!take[k] || momo_dataset_symbol(eng->ds, k)->n_bars == 0)
            continue;
        sy = &eng->syms[eng->n_sym];
        sy->ds_sym = (uint32_t)k;
        sy->cls = momo_dataset_symbol(eng->ds, k)->asset_class;
        momo_dataset_series(eng->ds, k, &sy->s);
        eng->ds_syms[eng->n_sym++] = (uint32_t)k;
        eng->has_stock |= sy->cls == MOMO_STOCK;
        eng->has_crypto |= sy->cls == MOMO_CRYPTO;
    }
    core_free(take);
    return MOMO_OK;
}

/* The calendar, and each bar's day index through a dense date map. */
static int build_calendar(struct momo_engine *eng, int32_t **day_of,
                          int32_t *lo_date, momo_err *err)
{
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    size_t span, n = 0;
    int32_t *map;

    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;

        if (s->date[0] < lo)
            lo = s->date[0];
        if (s->date[s->n - 1] > hi)
            hi = s->date[s->n - 1];
    }
    span = (size_t)(hi - lo) + 1;
    map = core_malloc(span * sizeof(*map));
    if (!map)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t k = 0; k < span; k++)
        map[k] = -1;
    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;

        for (size_t t = 0; t < s->n; t++)
            map[s->date[t] - lo] = 0;
    }
    for (size_t k = 0; k < span; k++)
        n += map[k] == 0;
    eng->days = core_malloc(n * sizeof(*eng->days));
    if (!eng->days) {
        core_free(map);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < span; k++) {
        if (map[k] != 0)
            continue;
        map[k] = (int32_t)eng->n_days;
        eng->days[eng->n_days++] = lo + (int32_t)k;
    }
    *day_of = map;
    *lo_date = lo;
    return MOMO_OK;
}

static void ind_block_release(struct ind_block *ib)
{
    core_free(ib->off);
    core_free(ib->m);
    core_free(ib->rsi);
    core_free(ib->flags);
}

static int run_chunks(size_t n_items, int threads,
                      void (*fn)(void *, size_t), struct pre_job *job)
{
    int rc = MOMO_OK;

    job->chunk_rc = core_calloc(n_items + 1, sizeof(int));
    if (!job->chunk_rc)
        return MOMO_ENOMEM;
    core_parallel_for(n_items, threads, fn, job);
    for (size_t c = 0; c < n_items; c++)
        if (job->chunk_rc[c] != MOMO_OK)
            rc = job->chunk_rc[c];
    core_free(job->chunk_rc);
    job->chunk_rc = NULL;
    return rc;
}

static int precompute(struct momo_engine *eng, const momo_params *p,
                      int threads, momo_err *err)
{
    struct ind_block ib = { 0 };
    struct pre_job job = { 0 };
    int32_t *day_of = NULL, lo = 0;
    size_t total = 0, n_cand, n_chunks;
    int rc;

    rc = build_calendar(eng, &day_of, &lo, err);
    if (rc != MOMO_OK)
        return rc;
    ib.off = core_malloc((eng->n_sym + 1) * sizeof(*ib.off));
    if (!ib.off)
        goto nomem;
    for (size_t i = 0; i < eng->n_sym; i++) {
        ib.off[i] = total;
        total += eng->syms[i].s.n;
    }
    ib.off[eng->n_sym] = total;
    ib.m = core_malloc(total * sizeof(double));
    ib.rsi = core_malloc(total * sizeof(double));
    ib.flags = core_malloc(total);
    if (!ib.m || !ib.rsi || !ib.flags)
        goto nomem;
    job.eng = eng;
    job.p = p;
    job.ib = &ib;
    job.day_of = day_of;
    job.lo_date = lo;
    if (run_chunks((eng->n_sym + SYM_CHUNK - 1) / SYM_CHUNK, threads,
                   indicators_chunk, &job) != MOMO_OK)
        goto nomem;

    /* day chunks: count, lay out the candidate arrays, rank */
    n_chunks = (eng->n_days + DAY_CHUNK - 1) / DAY_CHUNK;
    job.sym_start = core_malloc((n_chunks * eng->n_sym + 1) *
                                sizeof(uint32_t));
    job.n_elig = core_calloc(eng->n_days + 1, sizeof(size_t));
    eng->cand_start = core_calloc(eng->n_days + 1, sizeof(size_t));
    job.breadth = core_malloc((eng->n_days + 1) * sizeof(double));
    eng->n_ranked = core_malloc((eng->n_days + 1) * sizeof(*eng->n_ranked));
    if (!job.sym_start || !job.n_elig || !eng->cand_start || !job.breadth ||
        !eng->n_ranked)
        goto nomem;
    if (run_chunks(n_chunks, threads, count_chunk, &job) != MOMO_OK)
        goto nomem;
    for (size_t d = 0; d < eng->n_days; d++)
        eng->cand_start[d + 1] += eng->cand_start[d];
    n_cand = eng->cand_start[eng->n_days] + 1;
    eng->cands = core_malloc(n_cand * sizeof(*eng->cands));
    eng->cand_rsi = core_malloc(n_cand * sizeof(double));
    if (!eng->cands || !eng->cand_rsi)
        goto nomem;
    if (run_chunks(n_chunks, threads, rank_chunk, &job) != MOMO_OK)
        goto nomem;
    rc = eng_regimes(eng, p, job.breadth, err);
    goto out;
nomem:
    rc = momo_err_set(err, MOMO_ENOMEM, "out of memory in the precompute");
out:
    ind_block_release(&ib);
    core_free(day_of);
    core_free(job.sym_start);
    core_free(job.n_elig);
    core_free(job.breadth);
    return rc;
}

int momo_engine_new(const momo_dataset *ds, const momo_params *p,
                    const momo_engine_opts *opts, momo_engine **out,
                    momo_err *err)
{
    struct momo_engine *eng;
    int rc;

    *out = NULL;
    rc = momo_params_validate(p, err);
    if (rc != MOMO_OK)
        return rc;
    eng = core_calloc(1, sizeof(*eng));
    if (!eng)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    eng->ds = ds;
    eng->pre_params = *p;
    rc = pick_symbols(eng, opts, err);
    if (rc == MOMO_OK)
        rc = precompute(eng, p, opts ? opts->threads : 0, err);
    if (rc != MOMO_OK) {
        momo_engine_free(eng);
        return rc;
    }
    *out = eng;
    return MOMO_OK;
}

void momo_engine_free(momo_engine *eng)
{
    if (!eng)
        return;
    core_free(eng->syms);
    core_free(eng->ds_syms);
    core_free(eng->days);
    core_free(eng->cand_start);
    core_free(eng->cands);
    core_free(eng->cand_rsi);
    core_free(eng->n_ranked);
    core_free(eng->regimes);
    core_free(eng);
}

static size_t field_size(const momo_param_info *pi)
{
    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:
    case MOMO_PARAM_DOUBLE_LIST:
        return sizeof(double) * (size_t)pi->count;
    case MOMO_PARAM_INT:
    case MOMO_PARAM_BOOL:
    case MOMO_PARAM_INT_LIST:
        return sizeof(int) * (size_t)pi->count;
    default:
        return MOMO_NAME_MAX;
    }
}

int momo_engine_accepts(const momo_engine *eng, const momo_params *p)
{
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);

        if (!(pi->flags & MOMO_PARAM_PRECOMPUTE))
            continue;
        if (memcmp((const char *)&eng->pre_params + pi->offset,
                   (const char *)p + pi->offset, field_size(pi)) != 0)
            return 0;
    }
    return 1;
}

const int32_t *momo_engine_calendar(const momo_engine *eng, size_t *n)
{
    *n = eng->n_days;
    return eng->days;
}

const momo_dataset *momo_engine_dataset(const momo_engine *eng)
{
    return eng->ds;
}

const uint32_t *momo_engine_symbols(const momo_engine *eng, size_t *n)
{
    *n = eng->n_sym;
    return eng->ds_syms;
}

int eng_window(const struct momo_engine *eng, int32_t from, int32_t to,
               size_t *d0, size_t *d1, momo_err *err)
{
    size_t lo;
    char a[11], b[11], c[11], d[11];

    if (to == 0)
        to = INT32_MAX;
    *d0 = lower_bound(eng->days, eng->n_days, from);   /* first >= from */
    lo = eng_first_above(eng->days, 0, eng->n_days, to);
    if (lo == 0 || *d0 >= lo)
        return momo_err_set(err, MOMO_EINVAL,
                            "the window %s..%s holds no trading day (the "
                            "data covers %s..%s)",
                            from ? core_format_date(from, a) : "start",
                            to != INT32_MAX ? core_format_date(to, b) : "end",
                            core_format_date(eng->days[0], c),
                            core_format_date(eng->days[eng->n_days - 1], d));
    *d1 = lo - 1;
    return MOMO_OK;
}

double eng_periods_per_year(const struct momo_engine *eng, size_t d0,
                            size_t d1)
{
    double years;

    if (!eng->has_crypto)
        return 252.0;
    if (!eng->has_stock)
        return 365.0;
    years = (double)(eng->days[d1] - eng->days[d0]) / 365.25;
    if (!(years > 0))
        return 252.0;
    return (double)(d1 - d0 + 1) / years;
}

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

/* Per-bar indicator values of all traded symbols, in one block. */
struct ind_block {
    size_t *off;        /* n_sym + 1 bar offsets */
    double *m, *rsi, *sma, *adv, *sma_slow;
    uint8_t *elig;      /* eligible (before ranking) */
};

struct pre_job {
    struct momo_engine *eng;
    const momo_params *p;
    struct ind_block *ib;
    /* day buckets of eligible (sym, bar) pairs, sym ascending per day */
    size_t *el_start;
    uint32_t *el_sym, *el_bar;
    size_t n_chunks, per_chunk;
    int *chunk_rc;
    double *breadth;    /* per day */
};

/*---- Indicators, one symbol per item ----*/

static void indicators_of(void *ctx, size_t i)
{
    struct pre_job *job = ctx;
    const momo_params *p = job->p;
    const struct eng_sym *sy = &job->eng->syms[i];
    const momo_series *s = &sy->s;
    size_t o = job->ib->off[i], n = s->n;
    double *m = job->ib->m + o, *rsi = job->ib->rsi + o;
    double *sma = job->ib->sma + o, *adv = job->ib->adv + o;
    double *sma_slow = job->ib->sma_slow + o;
    uint8_t *elig = job->ib->elig + o;
    double min_px = strat_min_price(p, sy->cls);
    int kmax = 0;

    for (int k = 0; k < MOMO_N_ROC; k++)
        if (p->roc_periods[k] > kmax)
            kmax = p->roc_periods[k];
    ind_adv(s->close, s->volume, n, p->adv_period, m, adv);  /* m: scratch */
    ind_rsi(s->close, n, p->rsi_period, rsi);
    ind_sma(s->close, n, p->sma_fast, sma);
    ind_sma(s->close, n, p->sma_slow, sma_slow);
    for (size_t t = 0; t < n; t++) {
        double roc[MOMO_N_ROC];

        if (t < (size_t)kmax) {
            m[t] = NAN;
            elig[t] = 0;
            continue;
        }
        for (int k = 0; k < MOMO_N_ROC; k++)
            roc[k] = s->close[t] / s->close[t - (size_t)p->roc_periods[k]]
                     - 1.0;
        m[t] = strat_momentum(p, roc);
        elig[t] = !isnan(m[t]) && s->close[t] >= min_px &&
                  adv[t] >= p->min_dollar_volume;
    }
}

/*---- Ranks and candidates, one chunk of days per item ----*/

static int cmp_cand(const void *a, const void *b)
{
    const struct eng_cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static void rank_chunk(void *ctx, size_t chunk)
{
    struct pre_job *job = ctx;
    struct momo_engine *eng = job->eng;
    size_t lo = chunk * job->per_chunk, hi = lo + job->per_chunk, most = 0;
    double *mv = NULL, *score = NULL;
    uint32_t *which = NULL;
    struct strat_rank_item *items = NULL;

    if (hi > eng->n_days)
        hi = eng->n_days;
    for (size_t d = lo; d < hi; d++)
        if (job->el_start[d + 1] - job->el_start[d] > most)
            most = job->el_start[d + 1] - job->el_start[d];
    mv = core_malloc((most + 1) * sizeof(*mv));
    score = core_malloc((most + 1) * sizeof(*score));
    which = core_malloc((most + 1) * sizeof(*which));
    items = core_malloc((most + 1) * sizeof(*items));
    if (!mv || !score || !which || !items) {
        job->chunk_rc[chunk] = MOMO_ENOMEM;
        goto out;
    }
    for (size_t d = lo; d < hi; d++) {
        size_t a = job->el_start[d], b = job->el_start[d + 1];
        struct eng_cand *out = eng->cands + eng->cand_start[d];
        size_t n_out = 0, n_stock = 0, n_above = 0;

        for (size_t e = a; e < b; e++) {         /* breadth */
            uint32_t sym = job->el_sym[e];
            size_t at = job->ib->off[sym] + job->el_bar[e];

            if (eng->syms[sym].cls != MOMO_STOCK ||
                isnan(job->ib->sma_slow[at]))
                continue;
            n_stock++;
            n_above += eng->syms[sym].s.close[job->el_bar[e]] >
                       job->ib->sma_slow[at];
        }
        job->breadth[d] = n_stock ? (double)n_above / (double)n_stock : NAN;

        for (int cls = 0; cls < MOMO_N_ASSET_CLASSES; cls++) {
            size_t n = 0;

            for (size_t e = a; e < b; e++) {
                uint32_t sym = job->el_sym[e];

                if (eng->syms[sym].cls != cls)
                    continue;
                mv[n] = job->ib->m[job->ib->off[sym] + job->el_bar[e]];
                which[n++] = (uint32_t)e;
            }
            if (n == 0)
                continue;
            strat_rank_scores(mv, n, items, score);
            for (size_t k = 0; k < n; k++) {
                size_t e = which[k];
                uint32_t sym = job->el_sym[e], bar = job->el_bar[e];
                size_t at = job->ib->off[sym] + bar;
                double rsi = job->ib->rsi[at], sma = job->ib->sma[at];

                if (isnan(rsi))
                    continue;     /* an undefined RSI never qualifies */
                out[n_out].sym = sym;
                out[n_out].bar = bar;
                if (!isnan(sma) && eng->syms[sym].s.close[bar] > sma)
                    out[n_out].bar |= ENG_ABOVE_SMA;
                out[n_out].score = score[k];
                out[n_out].rsi = rsi;
                n_out++;
            }
        }
        MOMO_ASSERT(n_out == eng->cand_start[d + 1] - eng->cand_start[d]);
        qsort(out, n_out, sizeof(*out), cmp_cand);
    }
out:
    core_free(mv);
    core_free(score);
    core_free(which);
    core_free(items);
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
    core_free(ib->sma);
    core_free(ib->adv);
    core_free(ib->sma_slow);
    core_free(ib->elig);
}

static int precompute(struct momo_engine *eng, const momo_params *p,
                      int threads, momo_err *err)
{
    struct ind_block ib = { 0 };
    struct pre_job job = { 0 };
    int32_t *day_of = NULL, lo;
    size_t total = 0, *fill = NULL;
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
    ib.sma = core_malloc(total * sizeof(double));
    ib.adv = core_malloc(total * sizeof(double));
    ib.sma_slow = core_malloc(total * sizeof(double));
    ib.elig = core_malloc(total);
    if (!ib.m || !ib.rsi || !ib.sma || !ib.adv || !ib.sma_slow || !ib.elig)
        goto nomem;
    job.eng = eng;
    job.p = p;
    job.ib = &ib;
    core_parallel_for(eng->n_sym, threads, indicators_of, &job);

    /* bucket eligible bars by day, symbols ascending within a day */
    job.el_start = core_calloc(eng->n_days + 1, sizeof(size_t));
    eng->cand_start = core_calloc(eng->n_days + 1, sizeof(size_t));
    fill = core_calloc(eng->n_days + 1, sizeof(size_t));
    if (!job.el_start || !eng->cand_start || !fill)
        goto nomem;
    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;

        for (size_t t = 0; t < s->n; t++) {
            size_t d;

            if (!ib.elig[ib.off[i] + t])
                continue;
            d = (size_t)day_of[s->date[t] - lo];
            job.el_start[d + 1]++;
            eng->cand_start[d + 1] += !isnan(ib.rsi[ib.off[i] + t]);
        }
    }
    for (size_t d = 0; d < eng->n_days; d++) {
        job.el_start[d + 1] += job.el_start[d];
        eng->cand_start[d + 1] += eng->cand_start[d];
    }
    job.el_sym = core_malloc((job.el_start[eng->n_days] + 1) *
                             sizeof(uint32_t));
    job.el_bar = core_malloc((job.el_start[eng->n_days] + 1) *
                             sizeof(uint32_t));
    eng->cands = core_malloc((eng->cand_start[eng->n_days] + 1) *
                             sizeof(*eng->cands));
    if (!job.el_sym || !job.el_bar || !eng->cands)
        goto nomem;
    for (size_t i = 0; i < eng->n_sym; i++) {
        const momo_series *s = &eng->syms[i].s;

        for (size_t t = 0; t < s->n; t++) {
            size_t d, at;

            if (!ib.elig[ib.off[i] + t])
                continue;
            d = (size_t)day_of[s->date[t] - lo];
            at = job.el_start[d] + fill[d]++;
            job.el_sym[at] = (uint32_t)i;
            job.el_bar[at] = (uint32_t)t;
        }
    }
    job.per_chunk = 64;
    job.n_chunks = (eng->n_days + job.per_chunk - 1) / job.per_chunk;
    job.chunk_rc = core_calloc(job.n_chunks + 1, sizeof(int));
    job.breadth = core_malloc((eng->n_days + 1) * sizeof(double));
    if (!job.chunk_rc || !job.breadth)
        goto nomem;
    core_parallel_for(job.n_chunks, threads, rank_chunk, &job);
    for (size_t c = 0; c < job.n_chunks; c++)
        if (job.chunk_rc[c] != MOMO_OK)
            goto nomem;
    rc = eng_regimes(eng, p, job.breadth, err);
    goto out;
nomem:
    rc = momo_err_set(err, MOMO_ENOMEM, "out of memory in the precompute");
out:
    ind_block_release(&ib);
    core_free(day_of);
    core_free(fill);
    core_free(job.el_start);
    core_free(job.el_sym);
    core_free(job.el_bar);
    core_free(job.chunk_rc);
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
    size_t lo = 0, hi = eng->n_days;
    char a[11], b[11], c[11], d[11];

    if (to == 0)
        to = INT32_MAX;
    while (lo < hi) {                 /* first day >= from */
        size_t mid = lo + (hi - lo) / 2;

        if (eng->days[mid] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    *d0 = lo;
    lo = 0;
    hi = eng->n_days;
    while (lo < hi) {                 /* first day > to */
        size_t mid = lo + (hi - lo) / 2;

        if (eng->days[mid] <= to)
            lo = mid + 1;
        else
            hi = mid;
    }
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

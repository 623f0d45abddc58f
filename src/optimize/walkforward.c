/* walkforward.c - walk-forward analysis: search on the past, test on
 * what follows, slide, repeat.
 *
 * In:  a space, the optimization range, n_splits, the training share,
 *      rolling or anchored windows, grid or random search.
 * Out: per split the chosen parameters with their in-sample and
 *      out-of-sample metrics, walk-forward efficiency (OOS / IS), the
 *      out-of-sample equity curves stitched into one, the recommended
 *      parameters and an overfitting analysis.
 *
 * Layout (opt_wf_layout): the test parts, T calendar rows each, tile the
 * end of the range; each split's training part ends the row before its
 * test part starts, so no test row is ever trained on. Rolling training
 * parts all have the same length; anchored ones start at the range's
 * first row. Indicators read history before a window's start, as every
 * backtest does: that is the past, not the future.
 *
 * The recommendation is the split winner with the best mean metric over
 * all test windows. That pick has itself looked at the test data, so
 * its mean is optimistic; the stitched curve of each split's own choice
 * is the honest out-of-sample estimate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "optimize/optimize_int.h"

struct wf_split {
    momo_window train, test;
    double *values;             /* chosen, one per dim; NULL: none */
    int passed;
    momo_metrics is, oos;
    double pbo, dsr, sr0, n_trials;
    size_t cscv_trials, cscv_comb;
};

struct momo_wf_result {
    momo_wf_opts wf;
    momo_opt_opts o;            /* pointers cleared */
    size_t metric;
    int dir;
    momo_dim *dims;
    size_t n_dims;
    struct wf_split *split;
    size_t n_splits;
    momo_equity_row *eq;        /* stitched out-of-sample curve */
    size_t n_eq;
    size_t *eq_split;           /* split of each stitched row */
    momo_metrics oos_all;
    double efficiency;
    double *recommended;        /* one per dim */
    double rec_mean;
    double *cross;              /* n_splits x n_splits: winner x test */
    momo_overfit of;
    struct opt_advice advice;
    size_t tested, failed, cached;
    double seconds;
    char *dataset_path;
    uint32_t checksum;
    int32_t from, to;
    /* for the trials table */
    struct opt_trial_rec *rec;
    size_t n_rec, cap_rec;
    struct core_buf rec_text;   /* params JSON and reasons, NUL-ended */
    size_t *rec_params, cap_params;
    char *cache_path;
};

static void nan_metrics(momo_metrics *m)
{
    double *slot = (double *)(void *)m;

    for (size_t k = 0; k < sizeof(*m) / sizeof(double); k++)
        slot[k] = NAN;
}

void momo_wf_opts_init(momo_wf_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->n_splits = 5;
    o->train_frac = 0.8;
    o->iterations = 100;
}

static size_t best_of(const struct opt_rows *rows, size_t metric, int dir,
                      const momo_opt_opts *o, int *passed)
{
    size_t best = SIZE_MAX;
    int best_passed = 0;

    for (size_t i = 0; i < rows->n; i++) {
        double y;
        int p;

        if (rows->state[i] != OPT_OK)
            continue;
        y = momo_metric_get(&rows->m[i], metric);
        if (!isfinite(y))
            continue;
        p = (!isfinite(o->min_trades) ||
             rows->m[i].num_trades >= o->min_trades) &&
            (!isfinite(o->max_drawdown) ||
             rows->m[i].max_drawdown <= o->max_drawdown) &&
            (!isfinite(o->min_win_rate) || o->min_win_rate <= 0 ||
             rows->m[i].win_rate >= o->min_win_rate);
        if (best == SIZE_MAX || p > best_passed ||
            (p == best_passed &&
             dir * y > dir * momo_metric_get(&rows->m[best], metric))) {
            best = i;
            best_passed = p;
        }
    }
    *passed = best_passed;
    return best;
}

/* Remember the trials of a phase for results.sqlite's trials table. */
static int record(momo_wf_result *r, const struct opt_ctx *cx,
                  const momo_design *d, const struct opt_rows *rows,
                  const momo_window *win, const char *phase, long split,
                  size_t chosen)
{
    for (size_t i = 0; i < d->n_trials; i++) {
        struct opt_trial_rec *t;
        const char *status;
        momo_params p;

        if (core_grow((void **)&r->rec, &r->cap_rec, r->n_rec + 1,
                      sizeof(*r->rec), 0) != MOMO_OK ||
            core_grow((void **)&r->rec_params, &r->cap_params,
                      r->n_rec + 1, sizeof(*r->rec_params), 0) != MOMO_OK)
            return MOMO_ENOMEM;
        t = &r->rec[r->n_rec];
        memset(t, 0, sizeof(*t));
        t->phase = phase;
        t->split = split;
        t->rank = i == chosen ? 1 : 0;
        t->robustness = NAN;
        if (opt_trial_params(&cx->base, d, i, &p, NULL) == MOMO_OK)
            opt_key_of(cx, &p, win, &t->key);
        status = rows->state[i] == OPT_OK ? "ok"
               : rows->state[i] == OPT_FAILED ? rows->reason[i]
               : "pending";
        r->rec_params[r->n_rec] = r->rec_text.n;
        opt_json_trial(&r->rec_text, d, i);
        core_buf_append(&r->rec_text, "", 1);       /* params, status */
        core_buf_append(&r->rec_text, status, strlen(status) + 1);
        r->n_rec++;
    }
    return r->rec_text.failed ? MOMO_ENOMEM : MOMO_OK;
}

static int run_split(struct opt_ctx *cx, momo_wf_result *r,
                     const momo_space *sp, const momo_design *grid,
                     size_t k, momo_err *err)
{
    struct wf_split *s = &r->split[k];
    momo_design *d = NULL;
    struct opt_rows rows;
    momo_equity_row *eq = NULL;
    size_t n_eq = 0, best;
    momo_params p;
    double *work = NULL;
    int rc;

    memset(&rows, 0, sizeof(rows));
    if (grid) {
        rc = opt_design_clone(grid, &d) == MOMO_OK
            ? MOMO_OK : momo_err_set(err, MOMO_ENOMEM, "out of memory");
    } else {
        rc = momo_design_random(sp, r->wf.iterations,
                                cx->o.seed + (unsigned long)k, &d, err);
    }
    if (rc == MOMO_OK && opt_rows_init(&rows, d->n_trials, cx->o.subperiods,
                                       cx->o.blocks) != MOMO_OK)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (rc == MOMO_OK)
        rc = opt_eval_design(cx, d, &s->train, &rows, err);
    if (rc != MOMO_OK)
        goto out;
    for (size_t i = 0; i < rows.n; i++) {
        r->failed += rows.state[i] == OPT_FAILED;
        r->cached += rows.cached[i];
    }
    r->tested += rows.n;
    best = best_of(&rows, r->metric, r->dir, &cx->o, &s->passed);
    rc = opt_overfit_pbo(cx, &rows, &s->pbo, &s->cscv_trials, &s->cscv_comb,
                         err);
    if (rc == MOMO_OK)
        rc = record(r, cx, d, &rows, &s->train, "wf-train", (long)k, best)
            == MOMO_OK ? MOMO_OK
                       : momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (rc != MOMO_OK || best == SIZE_MAX)
        goto out;
    s->values = core_malloc((d->n_dims + 1) * sizeof(*s->values));
    if (!s->values) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < d->n_dims; j++)
        s->values[j] = momo_design_value(d, best, j);
    s->is = rows.m[best];
    rc = opt_trial_params(&cx->base, d, best, &p, err);
    /* the best's training curve for the DSR moments */
    if (rc == MOMO_OK)
        rc = opt_run_equity(cx, &p, &s->train, &s->is, &eq, &n_eq, err);
    if (rc == MOMO_OK) {
        momo_overfit of;

        work = core_malloc((rows.n > n_eq ? rows.n : n_eq) *
                           sizeof(*work) + 1);
        if (!work) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            goto out;
        }
        opt_overfit_init(&of);
        opt_overfit_dsr(&rows, &s->is, eq, n_eq, &of, work);
        s->dsr = of.deflated_sharpe;
        s->sr0 = of.expected_max_sharpe;
        s->n_trials = of.n_trials;
    }
out:
    core_free(work);
    core_free(eq);
    opt_rows_release(&rows);
    momo_design_free(d);
    return rc;
}

/* Every split's winner on every test window: the test of each split's
 * own choice, and the recommendation. */
static int cross_test(struct opt_ctx *cx, momo_wf_result *r, momo_err *err)
{
    size_t ns = r->n_splits, nd = r->n_dims, nc = 0, *cand = NULL;
    double *x = NULL;
    momo_design *d = NULL;
    struct opt_rows rows;
    int rc = MOMO_OK;

    memset(&rows, 0, sizeof(rows));
    cand = core_malloc((ns + 1) * sizeof(*cand));
    x = core_malloc((ns * nd + 1) * sizeof(*x));
    r->cross = core_malloc((ns * ns + 1) * sizeof(*r->cross));
    if (!cand || !x || !r->cross) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < ns * ns; k++)
        r->cross[k] = NAN;
    for (size_t k = 0; k < ns; k++)
        if (r->split[k].values) {
            memcpy(&x[nc * nd], r->split[k].values, nd * sizeof(*x));
            cand[nc++] = k;
        }
    if (nc == 0)
        goto out;
    rc = momo_design_list(r->dims, nd, x, nc, &d, err);
    if (rc == MOMO_OK && opt_rows_init(&rows, nc, cx->o.subperiods,
                                       cx->o.blocks) != MOMO_OK)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t t = 0; rc == MOMO_OK && t < ns; t++) {
        for (size_t c = 0; c < nc; c++) {
            core_free(rows.reason[c]);
            rows.reason[c] = NULL;
            rows.state[c] = OPT_PENDING;
            rows.cached[c] = 0;
        }
        rc = opt_eval_design(cx, d, &r->split[t].test, &rows, err);
        for (size_t c = 0; rc == MOMO_OK && c < nc; c++) {
            r->cross[cand[c] * ns + t] =
                rows.state[c] == OPT_OK
                ? momo_metric_get(&rows.m[c], r->metric) : NAN;
            if (cand[c] == t && rows.state[c] == OPT_OK)
                r->split[t].oos = rows.m[c];
        }
        if (rc == MOMO_OK)
            rc = record(r, cx, d, &rows, &r->split[t].test, "wf-test",
                        (long)t, SIZE_MAX) == MOMO_OK
                ? MOMO_OK : momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    if (rc != MOMO_OK)
        goto out;
    /* the recommendation: best mean over every test window */
    r->rec_mean = NAN;
    for (size_t c = 0; c < nc; c++) {
        double s = 0;
        size_t n = 0;

        for (size_t t = 0; t < ns; t++)
            if (isfinite(r->cross[cand[c] * ns + t])) {
                s += r->cross[cand[c] * ns + t];
                n++;
            }
        if (n && (!isfinite(r->rec_mean) ||
                  r->dir * s / (double)n > r->dir * r->rec_mean)) {
            r->rec_mean = s / (double)n;
            memcpy(r->recommended, &x[c * nd], nd * sizeof(*x));
        }
    }
out:
    opt_rows_release(&rows);
    momo_design_free(d);
    core_free(cand);
    core_free(x);
    return rc;
}

/* The test curves chained: each starts where the previous one ended. */
static int stitch(struct opt_ctx *cx, momo_wf_result *r, momo_err *err)
{
    size_t cap = 0;
    double A = NAN;
    int rc = MOMO_OK;

    for (size_t k = 0; rc == MOMO_OK && k < r->n_splits; k++) {
        struct wf_split *s = &r->split[k];
        momo_equity_row *eq = NULL;
        momo_metrics m;
        momo_params p;
        size_t n_eq = 0;
        double scale;

        if (!s->values)
            continue;
        p = cx->base;
        for (size_t j = 0; rc == MOMO_OK && j < r->n_dims; j++)
            rc = momo_params_set_number(&p, r->dims[j].param, s->values[j],
                                        err);
        if (rc == MOMO_OK)
            rc = opt_run_equity(cx, &p, &s->test, &m, &eq, &n_eq, err);
        if (rc != MOMO_OK)
            break;
        if (!isfinite(A))
            A = m.periods_per_year;
        if (core_grow((void **)&r->eq, &cap, r->n_eq + n_eq,
                      sizeof(*r->eq), 0) != MOMO_OK ||
            !(r->eq_split = core_realloc(r->eq_split, (r->n_eq + n_eq + 1) *
                                         sizeof(*r->eq_split)))) {
            core_free(eq);
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
        }
        scale = r->n_eq && n_eq ? r->eq[r->n_eq - 1].equity / eq[0].equity
                                : 1.0;
        for (size_t t = 0; t < n_eq; t++) {
            r->eq[r->n_eq] = eq[t];
            r->eq[r->n_eq].equity = eq[t].equity * scale;
            r->eq[r->n_eq].cash = eq[t].cash * scale;
            r->eq_split[r->n_eq] = k;
            r->n_eq++;
        }
        core_free(eq);
    }
    if (rc == MOMO_OK && r->n_eq)
        met_from_equity(r->eq, r->n_eq, A, cx->base.risk_free, &r->oos_all);
    return rc;
}

/* Mean in-sample trade count of the splits' choices. */
static double mean_trades(const momo_wf_result *r)
{
    double s = 0;
    size_t n = 0;

    for (size_t k = 0; k < r->n_splits; k++)
        if (r->split[k].values) {
            s += r->split[k].is.num_trades;
            n++;
        }
    return n ? s / (double)n : NAN;
}

static void summarize(momo_wf_result *r)
{
    momo_metrics is_mean, oos_mean;
    double s_is = 0, s_oos = 0, pbo = 0, dsr = 0, sr0 = 0, nt = 0;
    double *oos = NULL, acc[3][2] = { { 0 } };
    size_t n = 0, n_pbo = 0, n_dsr = 0, cnt[3][2] = { { 0 } };

    memset(&is_mean, 0, sizeof(is_mean));
    memset(&oos_mean, 0, sizeof(oos_mean));
    oos = core_malloc((r->n_splits + 1) * sizeof(*oos));
    for (size_t k = 0; k < r->n_splits; k++) {
        struct wf_split *s = &r->split[k];
        double iv = momo_metric_get(&s->is, r->metric);
        double ov = momo_metric_get(&s->oos, r->metric);
        double pair[3][2] = {
            { s->is.sharpe, s->oos.sharpe },
            { s->is.max_drawdown, s->oos.max_drawdown },
            { s->is.win_rate, s->oos.win_rate },
        };

        if (oos)
            oos[k] = s->values ? ov : NAN;
        if (!s->values)
            continue;
        if (isfinite(iv) && isfinite(ov)) {
            s_is += iv;
            s_oos += ov;
            n++;
        }
        if (isfinite(s->pbo)) {
            pbo += s->pbo;
            n_pbo++;
        }
        if (isfinite(s->dsr)) {
            dsr += s->dsr;
            sr0 += s->sr0;
            nt += s->n_trials;
            n_dsr++;
        }
        for (int q = 0; q < 3; q++)
            for (int side = 0; side < 2; side++)
                if (isfinite(pair[q][side])) {
                    acc[q][side] += pair[q][side];
                    cnt[q][side]++;
                }
        r->of.cscv_trials = s->cscv_trials;
        r->of.cscv_combinations = s->cscv_comb;
    }
    r->efficiency = n && s_is != 0 ? (s_oos / (double)n) / (s_is / (double)n)
                                   : NAN;
    r->of.pbo = n_pbo ? pbo / (double)n_pbo : NAN;
    r->of.deflated_sharpe = n_dsr ? dsr / (double)n_dsr : NAN;
    r->of.expected_max_sharpe = n_dsr ? sr0 / (double)n_dsr : NAN;
    r->of.n_trials = n_dsr ? nt / (double)n_dsr : NAN;
    is_mean.sharpe = cnt[0][0] ? acc[0][0] / (double)cnt[0][0] : NAN;
    oos_mean.sharpe = cnt[0][1] ? acc[0][1] / (double)cnt[0][1] : NAN;
    is_mean.max_drawdown = cnt[1][0] ? acc[1][0] / (double)cnt[1][0] : NAN;
    oos_mean.max_drawdown = cnt[1][1] ? acc[1][1] / (double)cnt[1][1]
                                      : NAN;
    is_mean.win_rate = cnt[2][0] ? acc[2][0] / (double)cnt[2][0] : NAN;
    oos_mean.win_rate = cnt[2][1] ? acc[2][1] / (double)cnt[2][1] : NAN;
    opt_overfit_degradation(&r->of, &is_mean, &oos_mean);
    /* the splits' out-of-sample results play the sub-periods */
    opt_overfit_indicators(&r->of, mean_trades(r), r->n_dims,
                           r->o.min_trades, oos, oos ? r->n_splits : 0,
                           r->dir, n ? s_oos / (double)n : NAN);
    opt_overfit_score(&r->of);
    core_free(oos);
}

int momo_walk_forward(const momo_dataset *ds, const momo_params *base,
                      const momo_space *sp, const momo_wf_opts *wf,
                      const momo_opt_opts *o, momo_wf_result **out,
                      momo_err *err)
{
    struct opt_ctx cx;
    momo_wf_result *r = NULL;
    momo_design *grid = NULL;
    struct opt_wf_window *win = NULL;
    const momo_engine *eng;
    const int32_t *cal;
    const momo_dim *src;
    const char *path = momo_dataset_path(ds);
    size_t n_cal, d0 = SIZE_MAX, d1 = 0, per;
    int rc;

    *out = NULL;
    rc = opt_ctx_init(&cx, ds, base, o, err);
    if (rc == MOMO_OK && (wf->n_splits < 1 || wf->n_splits > 100))
        rc = momo_err_set(err, MOMO_EINVAL, "walk-forward: %zu splits: "
                          "give 1 to 100", wf->n_splits);
    if (rc == MOMO_OK && wf->random && wf->iterations == 0)
        rc = momo_err_set(err, MOMO_EINVAL, "walk-forward: random search "
                          "needs at least one iteration");
    if (rc == MOMO_OK && !wf->random)
        rc = momo_design_grid(sp, &grid, err);
    if (rc == MOMO_OK)
        rc = opt_ctx_engine(&cx, base, &eng, err);
    if (rc != MOMO_OK)
        goto fail;
    r = core_calloc(1, sizeof(*r));
    if (!r) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto fail;
    }
    core_buf_init(&r->rec_text, (size_t)1 << 31);
    r->wf = *wf;
    r->o = cx.o;
    r->o.symbols = NULL;
    r->o.engine = NULL;
    r->o.cache_path = NULL;
    r->o.interrupt = NULL;
    r->o.exchange = NULL;
    r->o.progress = NULL;
    r->o.on_estimate = NULL;
    r->metric = cx.metric;
    r->dir = momo_metric_direction(cx.metric);
    r->n_splits = wf->n_splits;
    r->checksum = momo_dataset_checksum(ds);
    opt_overfit_init(&r->of);
    src = grid ? grid->dims : sp->n_rand ? sp->rand : sp->grid;
    r->n_dims = grid ? grid->n_dims : sp->n_rand ? sp->n_rand : sp->n_grid;
    if (opt_dims_copy(src, r->n_dims, &r->dims) != MOMO_OK ||
        !(r->split = core_calloc(r->n_splits, sizeof(*r->split))) ||
        !(r->recommended = core_calloc(r->n_dims + 1, sizeof(double))) ||
        !(win = core_calloc(r->n_splits, sizeof(*win))) ||
        (path && !(r->dataset_path = core_strdup(path))) ||
        (o->cache_path && !(r->cache_path = core_strdup(o->cache_path)))) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto fail;
    }
    if (!grid)          /* random search: the dims are choices or not */
        for (size_t j = 0; j < r->n_dims && !sp->n_rand; j++)
            r->dims[j].dist = MOMO_DIST_CHOICE;
    cal = momo_engine_calendar(eng, &n_cal);
    for (size_t t = 0; t < n_cal; t++)
        if (cal[t] >= o->window.from &&
            cal[t] <= (o->window.to ? o->window.to : INT32_MAX)) {
            if (d0 == SIZE_MAX)
                d0 = t;
            d1 = t;
        }
    if (d0 == SIZE_MAX) {
        rc = momo_err_set(err, MOMO_EINVAL, "walk-forward: no calendar "
                          "day in the optimization range");
        goto fail;
    }
    rc = opt_wf_layout(d0, d1, r->n_splits, wf->train_frac, wf->anchored,
                       win, err);
    if (rc != MOMO_OK)
        goto fail;
    r->from = cal[d0];
    r->to = cal[d1];
    for (size_t k = 0; k < r->n_splits; k++) {
        r->split[k].train.from = cal[win[k].train0];
        r->split[k].train.to = cal[win[k].train1];
        r->split[k].test.from = cal[win[k].test0];
        r->split[k].test.to = cal[win[k].test1];
        r->split[k].pbo = r->split[k].dsr = NAN;
        r->split[k].sr0 = r->split[k].n_trials = NAN;
        nan_metrics(&r->split[k].is);
        nan_metrics(&r->split[k].oos);
    }
    per = grid ? grid->n_trials : wf->iterations;
    cx.n_planned = r->n_splits * per + r->n_splits * r->n_splits;
    for (size_t k = 0; rc == MOMO_OK && k < r->n_splits; k++)
        rc = run_split(&cx, r, sp, grid, k, err);
    if (rc == MOMO_OK)
        rc = cross_test(&cx, r, err);
    if (rc == MOMO_OK)
        rc = stitch(&cx, r, err);
    if (rc != MOMO_OK)
        goto fail;
    summarize(r);
    if (opt_overfit_advise(&r->of, 1, mean_trades(r), r->n_dims, NULL, NULL,
                           &r->advice) != MOMO_OK) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto fail;
    }
    r->seconds = core_now() - cx.t0;
    core_free(win);
    momo_design_free(grid);
    opt_ctx_release(&cx);
    *out = r;
    return MOMO_OK;
fail:
    core_free(win);
    momo_design_free(grid);
    opt_ctx_release(&cx);
    momo_wf_result_free(r);
    return rc;
}

void momo_wf_result_free(momo_wf_result *r)
{
    if (!r)
        return;
    for (size_t k = 0; r->split && k < r->n_splits; k++)
        core_free(r->split[k].values);
    core_free(r->split);
    opt_dims_free(r->dims, r->n_dims);
    core_free(r->eq);
    core_free(r->eq_split);
    core_free(r->recommended);
    core_free(r->cross);
    opt_advice_release(&r->advice);
    core_free(r->rec);
    core_free(r->rec_params);
    core_buf_release(&r->rec_text);
    core_free(r->dataset_path);
    core_free(r->cache_path);
    core_free(r);
}

/*---- Accessors ----*/

size_t momo_wf_n_splits(const momo_wf_result *r)
{
    return r->n_splits;
}

void momo_wf_split_get(const momo_wf_result *r, size_t k,
                       momo_wf_split *out)
{
    const struct wf_split *s = &r->split[k];

    memset(out, 0, sizeof(*out));
    out->train = s->train;
    out->test = s->test;
    out->values = s->values;
    out->is = s->is;
    out->oos = s->oos;
    out->is_metric = s->values ? momo_metric_get(&s->is, r->metric) : NAN;
    out->oos_metric = s->values ? momo_metric_get(&s->oos, r->metric) : NAN;
    out->efficiency = out->is_metric != 0 ? out->oos_metric / out->is_metric
                                          : NAN;
    out->passed = s->passed;
}

size_t momo_wf_n_dims(const momo_wf_result *r)
{
    return r->n_dims;
}

const momo_dim *momo_wf_dim(const momo_wf_result *r, size_t j)
{
    return j < r->n_dims ? &r->dims[j] : NULL;
}

double momo_wf_efficiency(const momo_wf_result *r)
{
    return r->efficiency;
}

const momo_equity_row *momo_wf_equity(const momo_wf_result *r, size_t *n)
{
    *n = r->n_eq;
    return r->eq;
}

const momo_metrics *momo_wf_oos_metrics(const momo_wf_result *r)
{
    return &r->oos_all;
}

const double *momo_wf_recommended(const momo_wf_result *r, double *mean)
{
    if (mean)
        *mean = r->rec_mean;
    return isfinite(r->rec_mean) ? r->recommended : NULL;
}

const momo_overfit *momo_wf_overfit(const momo_wf_result *r)
{
    return &r->of;
}

/*---- Files ----*/

static void values_json(struct core_buf *b, const momo_wf_result *r,
                        const double *v)
{
    core_buf_append(b, "{", 1);
    for (size_t j = 0; v && j < r->n_dims; j++) {
        char t[40];

        opt_fmt_value(&r->dims[j], v[j], t, sizeof(t));
        if (j)
            core_buf_append(b, ", ", 2);
        opt_json_str(b, r->dims[j].param->name);
        core_buf_printf(b, ": %s", t);
    }
    core_buf_append(b, "}", 1);
}

static void num_csv(struct core_buf *b, double v)
{
    char t[32];

    if (isfinite(v))
        core_buf_printf(b, "%s", core_fmt_double(v, t));
}

static void wf_csv(const momo_wf_result *r, struct core_buf *b)
{
    const char *m = momo_metric_name(r->metric);

    core_buf_printf(b, "split,train_from,train_to,test_from,test_to");
    for (size_t j = 0; j < r->n_dims; j++)
        core_buf_printf(b, ",%s", r->dims[j].param->name);
    core_buf_printf(b, ",is_%s,oos_%s,efficiency,is_trades,oos_trades,"
                    "passed_filters\n", m, m);
    for (size_t k = 0; k < r->n_splits; k++) {
        momo_wf_split s;
        char a[11], bb[11], c[11], d[11];

        momo_wf_split_get(r, k, &s);
        core_buf_printf(b, "%zu,%s,%s,%s,%s", k + 1,
                        core_format_date(s.train.from, a),
                        core_format_date(s.train.to, bb),
                        core_format_date(s.test.from, c),
                        core_format_date(s.test.to, d));
        for (size_t j = 0; j < r->n_dims; j++) {
            char t[40] = "";

            if (s.values)
                opt_fmt_value(&r->dims[j], s.values[j], t, sizeof(t));
            core_buf_printf(b, ",%s", t);
        }
        core_buf_append(b, ",", 1);
        num_csv(b, s.is_metric);
        core_buf_append(b, ",", 1);
        num_csv(b, s.oos_metric);
        core_buf_append(b, ",", 1);
        num_csv(b, s.efficiency);
        core_buf_append(b, ",", 1);
        num_csv(b, s.values ? s.is.num_trades : NAN);
        core_buf_append(b, ",", 1);
        num_csv(b, s.values ? s.oos.num_trades : NAN);
        core_buf_printf(b, ",%s\n", s.passed ? "true" : "false");
    }
}

static void wf_equity_csv(const momo_wf_result *r, struct core_buf *b)
{
    core_buf_printf(b, "date,equity,split\n");
    for (size_t t = 0; t < r->n_eq; t++) {
        char d[11];

        core_buf_printf(b, "%s,", core_format_date(r->eq[t].date, d));
        num_csv(b, r->eq[t].equity);
        core_buf_printf(b, ",%zu\n", r->eq_split[t] + 1);
    }
}

static void wf_summary(const momo_wf_result *r, struct core_buf *b)
{
    char a[11], c[11];

    core_buf_printf(b, "{\n  \"mode\": \"walk-forward\",\n  \"metric\": ");
    opt_json_str(b, momo_metric_name(r->metric));
    core_buf_printf(b, ",\n  \"optimization\": {\"from\": \"%s\", \"to\": "
                    "\"%s\"},\n  \"validation\": null,\n  \"dataset\": "
                    "{\"path\": ", core_format_date(r->from, a),
                    core_format_date(r->to, c));
    if (r->dataset_path)
        opt_json_str(b, r->dataset_path);
    else
        core_buf_printf(b, "null");
    core_buf_printf(b, ", \"checksum\": \"%08x\"},\n  \"engine_version\": "
                    "%d,\n  \"splits\": %zu,\n  \"train_frac\": ",
                    (unsigned)r->checksum, MOMO_ENGINE_VERSION, r->n_splits);
    opt_json_num(b, r->wf.train_frac);
    core_buf_printf(b, ",\n  \"anchored\": %s,\n  \"search\": \"%s\"",
                    r->wf.anchored ? "true" : "false",
                    r->wf.random ? "random" : "grid");
    if (r->wf.random)
        core_buf_printf(b, ",\n  \"iterations\": %zu,\n  \"seed\": %lu",
                        r->wf.iterations, r->o.seed);
    core_buf_printf(b, ",\n  \"combinations\": {\"tested\": %zu, \"failed\": "
                    "%zu, \"cached\": %zu},\n  \"runtime_seconds\": ",
                    r->tested, r->failed, r->cached);
    opt_json_num(b, r->seconds);
    core_buf_printf(b, ",\n  \"efficiency\": ");
    opt_json_num(b, r->efficiency);
    core_buf_printf(b, ",\n  \"oos_stitched\": ");
    opt_json_metrics(b, &r->oos_all, 2);
    core_buf_printf(b, ",\n  \"best\": ");
    if (isfinite(r->rec_mean)) {
        core_buf_printf(b, "{\"params\": ");
        values_json(b, r, r->recommended);
        core_buf_printf(b, ", \"mean_oos_metric\": ");
        opt_json_num(b, r->rec_mean);
        core_buf_printf(b, "}");
    } else {
        core_buf_printf(b, "null");
    }
    core_buf_printf(b, ",\n  \"overfitting_score\": ");
    opt_json_num(b, r->of.score);
    core_buf_printf(b, "\n}\n");
}

int momo_wf_write_summary(const momo_wf_result *r, FILE *f, momo_err *err)
{
    struct core_buf b;
    int rc = MOMO_OK;

    core_buf_init(&b, 1 << 20);
    wf_summary(r, &b);
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else if (fwrite(b.s, 1, b.n, f) != b.n)
        rc = momo_err_set(err, MOMO_EIO, "writing the summary failed");
    core_buf_release(&b);
    return rc;
}

static int wf_trials(const momo_wf_result *r, momo_err *err)
{
    struct opt_cache *c = NULL;
    struct core_buf sum;
    const char *meta[6];
    int rc;

    if (!r->cache_path)
        return MOMO_OK;
    core_buf_init(&sum, 1 << 20);
    wf_summary(r, &sum);
    if (sum.failed || r->rec_text.failed) {
        core_buf_release(&sum);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->n_rec; i++) {
        r->rec[i].params = r->rec_text.s + r->rec_params[i];
        r->rec[i].status = r->rec[i].params + strlen(r->rec[i].params) + 1;
    }
    meta[0] = "mode";
    meta[1] = "walk-forward";
    meta[2] = "metric";
    meta[3] = momo_metric_name(r->metric);
    meta[4] = "summary";
    meta[5] = core_buf_cstr(&sum);
    rc = opt_cache_open(r->cache_path, 1, &c, err);
    if (rc == MOMO_OK)
        rc = opt_cache_write_trials(c, r->rec, r->n_rec, meta, 6, err);
    opt_cache_close(c);
    core_buf_release(&sum);
    return rc;
}

int momo_wf_write(const momo_wf_result *r, const char *dir, momo_err *err)
{
    struct core_buf b;
    int rc = core_mkdir_p(dir, err);

    core_buf_init(&b, (size_t)1 << 31);
    if (rc == MOMO_OK) {
        wf_csv(r, &b);
        rc = opt_write_buf(dir, "walk_forward.csv", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        wf_equity_csv(r, &b);
        rc = opt_write_buf(dir, "walk_forward_equity.csv", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        opt_overfit_json(&b, &r->of, &r->advice, "walk-forward", r->o.seed,
                         r->o.blocks);
        rc = opt_write_buf(dir, "overfitting.json", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        wf_summary(r, &b);
        rc = opt_write_buf(dir, "summary.json", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK)
        rc = wf_trials(r, err);
    return rc;
}

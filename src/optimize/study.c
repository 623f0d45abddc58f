/* study.c - grid and random search: run a design, rank it, and judge it.
 *
 * In:  a dataset, base parameters, a design and the study options.
 * Out: a momo_opt_result: every trial's row, the ranking after the
 *      filters (rank_results), robustness scores, the top N on the
 *      validation range, sensitivity, the overfitting analysis and the
 *      equity curves of the top 5; and the files that show them.
 *
 * Robustness (0..1) is the mean of two parts. Consistency: with the
 * metric's values in K sub-periods of the run's own equity curve (no
 * extra backtest), the share of sub-periods where it is above zero for
 * a metric where higher is better (Sharpe, returns), else 1 - sd / mean
 * floored at 0 (drawdown, volatility: how steady it is).
 * Stability: how far the metric falls when one parameter moves one step
 * (grid neighbours) or to one of the 2d nearest samples (random
 * search): 1 - mean fall / sd of the metric over all trials, floored at
 * 0; a neighbour that failed counts as a fall of one sd.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/optimize_int.h"

struct momo_opt_result {
    momo_design *d;
    struct opt_rows rows;
    size_t metric, sub_metric;
    int dir;
    momo_opt_opts o;               /* pointers cleared */
    char *cache_path;
    char *dataset_path;
    uint32_t checksum;
    momo_params base;
    uint64_t key_seed[2];
    int32_t from, to, vfrom, vto;  /* resolved calendar dates */
    int have_val;
    momo_window val;
    uint8_t *passed;
    size_t *rank;                  /* per trial; 0: not ranked */
    size_t *ranked, n_ranked, best;
    double *robust;
    size_t n_val;                  /* validated trials: the top N */
    size_t *val_trial;
    struct opt_rows val_rows;
    size_t n_top;                  /* equity curves: the top 5 */
    size_t top_trial[OPT_N_TOP_EQUITY];
    int32_t *eq_date;
    double *eq_val;                /* n_eq x n_top */
    size_t n_eq;
    struct opt_sensitivity sens;
    momo_overfit of;
    struct opt_advice advice;
    momo_opt_counts counts;
};

static double metric_of(const struct opt_rows *rows, size_t i, size_t k)
{
    return rows->state[i] == OPT_OK ? momo_metric_get(&rows->m[i], k) : NAN;
}

/*---- rank_results ----*/

static int passes(const momo_opt_opts *o, const momo_metrics *m)
{
    if (isfinite(o->min_trades) && !(m->num_trades >= o->min_trades))
        return 0;
    if (isfinite(o->max_drawdown) && !(m->max_drawdown <= o->max_drawdown))
        return 0;
    if (isfinite(o->min_win_rate) && o->min_win_rate > 0 &&
        !(m->win_rate >= o->min_win_rate))
        return 0;
    return 1;
}

struct by_metric {
    const double *y;
    int dir;
};

static int better(const struct by_metric *bm, size_t a, size_t b)
{
    double ya = bm->dir * bm->y[a], yb = bm->dir * bm->y[b];

    if (ya != yb)
        return ya > yb;
    return a < b;
}

static void sort_by_metric(const struct by_metric *bm, size_t *v,
                           size_t *tmp, size_t n)
{
    size_t h = n / 2, i = 0, j = h, k = 0;

    if (n < 2)
        return;
    sort_by_metric(bm, v, tmp, h);
    sort_by_metric(bm, v + h, tmp, n - h);
    while (i < h && j < n)
        tmp[k++] = better(bm, v[j], v[i]) ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

/* Sort the trials that passed by the metric, best first (ties: lower
 * trial index); best = first ranked, else the best valid trial. */
static int rank_trials(momo_opt_result *r, const double *y, momo_err *err)
{
    size_t n = r->rows.n, *tmp;
    struct by_metric bm = { y, r->dir };

    tmp = core_malloc((n ? n : 1) * sizeof(*tmp));
    if (!tmp)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    r->n_ranked = 0;
    for (size_t i = 0; i < n; i++) {
        r->passed[i] = isfinite(y[i]) && passes(&r->o, &r->rows.m[i]);
        if (r->passed[i])
            r->ranked[r->n_ranked++] = i;
    }
    sort_by_metric(&bm, r->ranked, tmp, r->n_ranked);
    for (size_t k = 0; k < r->n_ranked; k++)
        r->rank[r->ranked[k]] = k + 1;
    r->best = r->n_ranked ? r->ranked[0] : SIZE_MAX;
    for (size_t i = 0; r->n_ranked == 0 && i < n; i++)
        if (isfinite(y[i]) && (r->best == SIZE_MAX || better(&bm, i,
                                                             r->best)))
            r->best = i;
    core_free(tmp);
    return MOMO_OK;
}

/*---- Robustness ----*/

static double consistency(const double *sub, size_t K, int dir)
{
    double s = 0, ss = 0, mean, sd;
    size_t k = 0, good = 0;

    for (size_t j = 0; j < K; j++)
        if (isfinite(sub[j])) {
            s += sub[j];
            good += sub[j] > 0;
            k++;
        }
    if (k < 2)
        return NAN;
    if (dir > 0)                 /* higher is better: how often it wins */
        return (double)good / (double)k;
    mean = s / (double)k;
    for (size_t j = 0; j < K; j++)
        if (isfinite(sub[j]))
            ss += (sub[j] - mean) * (sub[j] - mean);
    sd = sqrt(ss / (double)k);
    if (mean == 0)
        return sd == 0 ? 1 : 0;
    return fmax(0, 1 - sd / fabs(mean));
}

static double fall(const double *y, int dir, size_t i, size_t nb,
                   double sd)
{
    if (!isfinite(y[nb]))
        return sd;
    return fmax(0, dir * (y[i] - y[nb]));
}

/* Grid neighbours: one step along one dimension. */
static double grid_stability(const momo_design *d, const double *y, int dir,
                             double sd, size_t i)
{
    double sum = 0;
    size_t n_nb = 0;

    for (size_t j = 0; j < d->n_dims; j++) {
        size_t nv = d->dims[j].n_values, at = (i / d->stride[j]) % nv;

        if (at > 0) {
            sum += fall(y, dir, i, i - d->stride[j], sd);
            n_nb++;
        }
        if (at + 1 < nv) {
            sum += fall(y, dir, i, i + d->stride[j], sd);
            n_nb++;
        }
    }
    if (n_nb == 0)
        return NAN;
    return sd > 0 ? fmax(0, 1 - sum / (double)n_nb / sd) : 1;
}

/* Samples: the 2d nearest in the unit cube of the distributions. */
static double knn_stability(const momo_design *d, const double *y, int dir,
                            double sd, size_t i, double *dist, size_t *nb)
{
    size_t n = d->n_trials, k = 2 * d->n_dims, have = 0;
    double sum = 0;

    if (k >= n)
        k = n - 1;
    if (k == 0)
        return NAN;
    for (size_t t = 0; t < n; t++) {
        double d2 = 0;
        size_t at;

        if (t == i)
            continue;
        for (size_t j = 0; j < d->n_dims; j++) {
            double u = opt_dim_unit(&d->dims[j], momo_design_value(d, t, j)) -
                       opt_dim_unit(&d->dims[j], momo_design_value(d, i, j));

            d2 += u * u;
        }
        /* keep the k nearest, sorted by (distance, index) */
        if (have == k && d2 >= dist[k - 1])
            continue;
        at = have < k ? have++ : k - 1;
        while (at > 0 && dist[at - 1] > d2) {
            dist[at] = dist[at - 1];
            nb[at] = nb[at - 1];
            at--;
        }
        dist[at] = d2;
        nb[at] = t;
    }
    for (size_t q = 0; q < have; q++)
        sum += fall(y, dir, i, nb[q], sd);
    return sd > 0 ? fmax(0, 1 - sum / (double)have / sd) : 1;
}

static int robustness(momo_opt_result *r, const double *y, momo_err *err)
{
    const momo_design *d = r->d;
    int sub_dir = momo_metric_direction(r->sub_metric);
    double sd = r->sens.sd, *dist = NULL;
    size_t *nb = NULL, n = r->rows.n;

    if (d->kind != MOMO_DESIGN_GRID) {
        dist = core_malloc((2 * d->n_dims + 1) * sizeof(*dist));
        nb = core_malloc((2 * d->n_dims + 1) * sizeof(*nb));
        if (!dist || !nb) {
            core_free(dist);
            core_free(nb);
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < n; i++) {
        double c, s;

        r->robust[i] = NAN;
        if (!isfinite(y[i]))
            continue;
        /* samples: only the ranked top and the best (n^2 otherwise) */
        if (d->kind != MOMO_DESIGN_GRID && i != r->best &&
            !(r->rank[i] && r->rank[i] <= r->o.top))
            continue;
        c = consistency(&r->rows.sub[i * r->rows.K], r->rows.K, sub_dir);
        s = d->kind == MOMO_DESIGN_GRID
            ? grid_stability(d, y, r->dir, sd, i)
            : knn_stability(d, y, r->dir, sd, i, dist, nb);
        if (isfinite(c) && isfinite(s))
            r->robust[i] = (c + s) / 2;
        else
            r->robust[i] = isfinite(c) ? c : s;
    }
    core_free(dist);
    core_free(nb);
    return MOMO_OK;
}

/*---- The study ----*/

static void resolve(const momo_engine *eng, const momo_window *w,
                    int32_t *from, int32_t *to)
{
    size_t n;
    const int32_t *cal = eng ? momo_engine_calendar(eng, &n) : NULL;
    int32_t lo = w->from, hi = w->to ? w->to : INT32_MAX;

    *from = w->from;
    *to = w->to;
    if (!cal || n == 0)
        return;
    *from = 0;
    *to = 0;
    for (size_t t = 0; t < n; t++)
        if (cal[t] >= lo && cal[t] <= hi) {
            if (!*from)
                *from = cal[t];
            *to = cal[t];
        }
}

static int validate_top(struct opt_ctx *cx, momo_opt_result *r,
                        momo_err *err)
{
    size_t want = r->n_ranked < r->o.top ? r->n_ranked : r->o.top, nd;
    momo_design *vd = NULL;
    double *x;
    int rc;

    if (want == 0 && r->best != SIZE_MAX)
        want = 1;                 /* nothing passed: validate the best */
    if (!r->have_val || want == 0)
        return MOMO_OK;
    nd = r->d->n_dims;
    r->val_trial = core_malloc(want * sizeof(*r->val_trial));
    x = core_malloc((want * nd + 1) * sizeof(*x));
    if (!r->val_trial || !x) {
        core_free(x);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < want; k++) {
        r->val_trial[k] = r->n_ranked ? r->ranked[k] : r->best;
        for (size_t j = 0; j < nd; j++)
            x[k * nd + j] = momo_design_value(r->d, r->val_trial[k], j);
    }
    rc = momo_design_list(r->d->dims, nd, x, want, &vd, err);
    core_free(x);
    if (rc == MOMO_OK && opt_rows_init(&r->val_rows, want, r->rows.K,
                                       r->rows.S) != MOMO_OK)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (rc == MOMO_OK) {
        r->n_val = want;
        rc = opt_eval_design(cx, vd, &r->val, &r->val_rows, err);
    }
    momo_design_free(vd);
    return rc;
}

/* The equity curves of the top 5 (or of the best alone). */
static int top_equity(struct opt_ctx *cx, momo_opt_result *r,
                      momo_equity_row **best_eq, size_t *n_best_eq,
                      momo_err *err)
{
    size_t want = r->n_ranked < OPT_N_TOP_EQUITY ? r->n_ranked
                                                 : OPT_N_TOP_EQUITY;
    int rc = MOMO_OK;

    *best_eq = NULL;
    *n_best_eq = 0;
    if (want == 0 && r->best != SIZE_MAX)
        want = 1;
    for (size_t k = 0; rc == MOMO_OK && k < want; k++) {
        size_t i = r->n_ranked ? r->ranked[k] : r->best;
        momo_equity_row *eq = NULL;
        momo_params p;
        momo_metrics m;
        size_t n_eq = 0;

        rc = opt_trial_params(&cx->base, r->d, i, &p, err);
        if (rc == MOMO_OK)
            rc = opt_run_equity(cx, &p, &cx->o.window, &m, &eq, &n_eq,
                                err);
        if (rc != MOMO_OK)
            break;
        if (k == 0) {
            r->n_eq = n_eq;
            r->eq_date = core_malloc((n_eq + 1) * sizeof(*r->eq_date));
            r->eq_val = core_malloc((n_eq * OPT_N_TOP_EQUITY + 1) *
                                    sizeof(*r->eq_val));
            if (!r->eq_date || !r->eq_val) {
                core_free(eq);
                return momo_err_set(err, MOMO_ENOMEM, "out of memory");
            }
            for (size_t t = 0; t < n_eq; t++)
                r->eq_date[t] = eq[t].date;
        }
        for (size_t t = 0; t < r->n_eq; t++)
            r->eq_val[t * OPT_N_TOP_EQUITY + k] =
                t < n_eq ? eq[t].equity : NAN;
        r->top_trial[k] = i;
        r->n_top = k + 1;
        if (k == 0) {
            *best_eq = eq;
            *n_best_eq = n_eq;
        } else {
            core_free(eq);
        }
    }
    return rc;
}

static int overfitting(struct opt_ctx *cx, momo_opt_result *r,
                       const momo_equity_row *eq, size_t n_eq,
                       momo_err *err)
{
    const momo_metrics *best = r->best != SIZE_MAX ? &r->rows.m[r->best]
                                                   : NULL;
    const momo_metrics *oos = NULL;
    double *work;
    int rc;

    opt_overfit_init(&r->of);
    rc = opt_overfit_pbo(cx, &r->rows, &r->of.pbo, &r->of.cscv_trials,
                         &r->of.cscv_combinations, err);
    if (rc != MOMO_OK)
        return rc;
    if (!best)
        return MOMO_OK;
    work = core_malloc((r->rows.n > n_eq ? r->rows.n : n_eq) *
                       sizeof(*work) + 1);
    if (!work)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    opt_overfit_dsr(&r->rows, best, eq, n_eq, &r->of, work);
    core_free(work);
    if (r->n_val && r->val_rows.state[0] == OPT_OK)
        oos = &r->val_rows.m[0];
    opt_overfit_degradation(&r->of, best, oos);
    opt_overfit_indicators(&r->of, best->num_trades, r->d->n_dims,
                           r->o.min_trades,
                           &r->rows.sub[r->best * r->rows.K], r->rows.K,
                           momo_metric_direction(r->sub_metric),
                           momo_metric_get(best, r->sub_metric));
    opt_overfit_score(&r->of);
    if (opt_overfit_advise(&r->of, oos != NULL, best->num_trades,
                           r->d->n_dims, &r->sens, r->d, &r->advice) !=
        MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    return MOMO_OK;
}

static int analyse(struct opt_ctx *cx, momo_opt_result *r, momo_err *err)
{
    size_t n = r->rows.n;
    double *y = core_malloc((n ? n : 1) * sizeof(*y));
    momo_equity_row *eq = NULL;
    size_t n_eq = 0;
    const momo_engine *eng = NULL;
    int rc = MOMO_OK;

    if (!y)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    double t = core_now();

    for (size_t i = 0; i < n; i++)
        y[i] = metric_of(&r->rows, i, r->metric);
    rc = rank_trials(r, y, err);
    if (rc == MOMO_OK)
        rc = opt_sensitivity_compute(r->d, y, &r->sens, err);
    core_debug("analysis: ranking and sensitivity %.2f s", core_now() - t);
    t = core_now();
    if (rc == MOMO_OK)
        rc = robustness(r, y, err);
    core_debug("analysis: robustness scores %.2f s", core_now() - t);
    t = core_now();
    if (rc == MOMO_OK)
        rc = validate_top(cx, r, err);
    if (rc == MOMO_OK)
        rc = top_equity(cx, r, &eq, &n_eq, err);
    core_debug("analysis: validation and top curves %.2f s", core_now() - t);
    t = core_now();
    if (rc == MOMO_OK)
        rc = overfitting(cx, r, eq, n_eq, err);
    core_debug("analysis: overfitting %.2f s", core_now() - t);
    core_free(eq);
    core_free(y);
    if (rc != MOMO_OK)
        return rc;
    eng = cx->o.engine ? cx->o.engine : cx->own;
    resolve(eng, &cx->o.window, &r->from, &r->to);
    resolve(eng, &r->val, &r->vfrom, &r->vto);
    return MOMO_OK;
}

int momo_optimize(const momo_dataset *ds, const momo_params *base,
                  const momo_design *design, const momo_opt_opts *o,
                  momo_opt_result **out, momo_err *err)
{
    struct opt_ctx cx;
    momo_opt_result *r;
    const char *path = momo_dataset_path(ds);
    size_t n = design->n_trials;
    int rc;

    *out = NULL;
    rc = opt_ctx_init(&cx, ds, base, o, err);
    if (rc != MOMO_OK) {
        opt_ctx_release(&cx);
        return rc;
    }
    r = core_calloc(1, sizeof(*r));
    if (!r) {
        opt_ctx_release(&cx);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    r->metric = cx.metric;
    r->sub_metric = cx.sub_metric;
    r->dir = momo_metric_direction(cx.metric);
    r->o = cx.o;
    r->o.metric = (long)cx.metric;
    r->o.symbols = NULL;
    r->o.engine = NULL;
    r->o.cache_path = NULL;
    r->o.interrupt = NULL;
    r->o.exchange = NULL;
    r->o.progress = NULL;
    r->o.on_estimate = NULL;
    r->base = *base;
    memcpy(r->key_seed, cx.key_seed, sizeof(r->key_seed));
    r->checksum = momo_dataset_checksum(ds);
    r->val = o->validation;
    r->have_val = o->validation.from != 0 || o->validation.to != 0;
    r->best = SIZE_MAX;
    opt_overfit_init(&r->of);
    if (opt_design_clone(design, &r->d) != MOMO_OK ||
        opt_rows_init(&r->rows, n, cx.o.subperiods, cx.o.blocks) !=
            MOMO_OK ||
        !(r->passed = core_calloc(n + 1, 1)) ||
        !(r->rank = core_calloc(n + 1, sizeof(*r->rank))) ||
        !(r->ranked = core_malloc((n + 1) * sizeof(*r->ranked))) ||
        !(r->robust = core_malloc((n + 1) * sizeof(*r->robust))) ||
        (path && !(r->dataset_path = core_strdup(path))) ||
        (o->cache_path && !(r->cache_path = core_strdup(o->cache_path)))) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    cx.n_planned = n + (r->have_val ? r->o.top : 0);
    rc = opt_eval_design(&cx, r->d, &cx.o.window, &r->rows, err);
    if (rc == MOMO_OK)
        rc = analyse(&cx, r, err);
    if (rc == MOMO_OK) {
        r->counts.tested = n;
        for (size_t i = 0; i < n; i++) {
            r->counts.ok += r->rows.state[i] == OPT_OK;
            r->counts.failed += r->rows.state[i] == OPT_FAILED;
            r->counts.cached += r->rows.cached[i];
            r->counts.passed += r->passed[i];
        }
        if (r->counts.failed > 5)
            core_warn("%zu of %zu trials failed (reasons in results.csv)",
                      r->counts.failed, n);
        r->counts.seconds = core_now() - cx.t0;
    }
out:
    opt_ctx_release(&cx);
    if (rc != MOMO_OK) {
        momo_opt_result_free(r);
        return rc;
    }
    *out = r;
    return MOMO_OK;
}

void momo_opt_result_free(momo_opt_result *r)
{
    if (!r)
        return;
    momo_design_free(r->d);
    opt_rows_release(&r->rows);
    opt_rows_release(&r->val_rows);
    core_free(r->cache_path);
    core_free(r->dataset_path);
    core_free(r->passed);
    core_free(r->rank);
    core_free(r->ranked);
    core_free(r->robust);
    core_free(r->val_trial);
    core_free(r->eq_date);
    core_free(r->eq_val);
    opt_sensitivity_release(&r->sens);
    opt_advice_release(&r->advice);
    core_free(r);
}

/*---- Accessors ----*/

const momo_design *momo_opt_design(const momo_opt_result *r)
{
    return r->d;
}

size_t momo_opt_n_trials(const momo_opt_result *r)
{
    return r->rows.n;
}

void momo_opt_trial_get(const momo_opt_result *r, size_t i,
                        momo_opt_trial *out)
{
    memset(out, 0, sizeof(*out));
    out->state = r->rows.state[i] == OPT_OK ? MOMO_TRIAL_OK
               : r->rows.state[i] == OPT_FAILED ? MOMO_TRIAL_FAILED
               : MOMO_TRIAL_PENDING;
    out->status = r->rows.state[i] == OPT_OK ? "ok"
                : r->rows.state[i] == OPT_FAILED ? r->rows.reason[i]
                : "pending";
    out->cached = r->rows.cached[i];
    out->passed = r->passed[i];
    out->rank = r->rank[i];
    out->robustness = r->robust[i];
    out->metrics = r->rows.m[i];
}

size_t momo_opt_n_ranked(const momo_opt_result *r)
{
    return r->n_ranked;
}

size_t momo_opt_ranked(const momo_opt_result *r, size_t k)
{
    return k < r->n_ranked ? r->ranked[k] : SIZE_MAX;
}

size_t momo_opt_best(const momo_opt_result *r)
{
    return r->best;
}

void momo_opt_counts_get(const momo_opt_result *r, momo_opt_counts *out)
{
    *out = r->counts;
}

const momo_overfit *momo_opt_overfit(const momo_opt_result *r)
{
    return &r->of;
}

/*---- Files ----*/

static void csv_num(struct core_buf *b, double v)
{
    char t[32];

    if (isfinite(v)) {
        core_fmt_double(v, t);
        core_buf_append(b, t, strlen(t));
    }
}

struct csv_chunks {
    const momo_opt_result *r;
    struct core_buf *part;
    size_t n_parts;
};

/* Rows [lo, hi) of results.csv into part `k`. */
static void csv_rows(void *ctx, size_t k)
{
    const struct csv_chunks *cc = ctx;
    const momo_opt_result *r = cc->r;
    const momo_design *d = r->d;
    struct core_buf *b = &cc->part[k];
    size_t nm = momo_metric_count();
    size_t lo = k * r->rows.n / cc->n_parts;
    size_t hi = (k + 1) * r->rows.n / cc->n_parts;
    struct opt_fmt_memo memo;

    memset(memo.set, 0, sizeof(memo.set));
    for (size_t i = lo; i < hi && !b->failed; i++) {
        momo_opt_trial t;

        momo_opt_trial_get(r, i, &t);
        for (size_t j = 0; j < d->n_dims; j++) {
            const char *v = opt_fmt_trial_value(&memo, d, i, j);

            core_buf_append(b, v, strlen(v));
            core_buf_append(b, ",", 1);
        }
        for (size_t q = 0; q < nm; q++) {
            csv_num(b, momo_metric_get(&t.metrics, q));
            core_buf_append(b, ",", 1);
        }
        opt_csv_field(b, t.status);
        core_buf_append(b, "\n", 1);
    }
}

/* results.csv: formatting shortest round-trip numbers is most of the
 * cost, so chunks of rows are formatted on every core, then joined. */
static void results_csv(const momo_opt_result *r, struct core_buf *b)
{
    const momo_design *d = r->d;
    size_t nm = momo_metric_count();
    struct csv_chunks cc;
    int threads = r->o.jobs > 0 ? r->o.jobs : core_ncpu();

    for (size_t j = 0; j < d->n_dims; j++)
        core_buf_printf(b, "%s,", d->dims[j].param->name);
    for (size_t k = 0; k < nm; k++)
        core_buf_printf(b, "%s,", momo_metric_name(k));
    core_buf_printf(b, "status\n");
    cc.r = r;
    cc.n_parts = r->rows.n < 64 ? 1 : 64;
    cc.part = core_calloc(cc.n_parts, sizeof(*cc.part));
    if (!cc.part) {
        b->failed = 1;
        return;
    }
    for (size_t k = 0; k < cc.n_parts; k++)
        core_buf_init(&cc.part[k], b->max);
    core_parallel_for(cc.n_parts, threads, csv_rows, &cc);
    for (size_t k = 0; k < cc.n_parts; k++) {
        if (cc.part[k].failed)
            b->failed = 1;
        else if (cc.part[k].n)
            core_buf_append(b, cc.part[k].s, cc.part[k].n);
        core_buf_release(&cc.part[k]);
    }
    core_free(cc.part);
}

static const char *date_or_null(int32_t d, char *buf)
{
    char t[11];

    if (!d)
        return "null";
    snprintf(buf, 16, "\"%s\"", core_format_date(d, t));
    return buf;
}

static void top_json(const momo_opt_result *r, struct core_buf *b)
{
    size_t want = r->n_ranked < r->o.top ? r->n_ranked : r->o.top;

    core_buf_printf(b, "{\n  \"metric\": ");
    opt_json_str(b, momo_metric_name(r->metric));
    core_buf_printf(b, ",\n  \"direction\": \"%s\",\n  \"filters\": "
                    "{\"min_trades\": ", r->dir > 0 ? "higher" : "lower");
    opt_json_num(b, r->o.min_trades);
    core_buf_printf(b, ", \"max_drawdown\": ");
    opt_json_num(b, r->o.max_drawdown);
    core_buf_printf(b, ", \"min_win_rate\": ");
    opt_json_num(b, r->o.min_win_rate);
    core_buf_printf(b, "},\n  \"passed\": %zu,", r->n_ranked);
    if (r->n_ranked == 0 && r->best != SIZE_MAX)
        core_buf_printf(b, "\n  \"note\": \"no parameter set passed the "
                        "filters; the best valid one is trial %zu (see "
                        "summary.json)\",", r->best);
    core_buf_printf(b, "\n  \"top\": [");
    for (size_t k = 0; k < want; k++) {
        size_t i = r->ranked[k];

        core_buf_printf(b, "%s\n    {\"rank\": %zu, \"trial\": %zu, "
                        "\"params\": ", k ? "," : "", k + 1, i);
        opt_json_trial(b, r->d, i);
        core_buf_printf(b, ",\n     \"robustness\": ");
        opt_json_num(b, r->robust[i]);
        core_buf_printf(b, ",\n     \"metrics\": ");
        opt_json_metrics(b, &r->rows.m[i], 5);
        core_buf_printf(b, ",\n     \"validation\": ");
        if (k < r->n_val && r->val_rows.state[k] == OPT_OK)
            opt_json_metrics(b, &r->val_rows.m[k], 5);
        else
            core_buf_printf(b, "null");
        core_buf_printf(b, "}");
    }
    core_buf_printf(b, "%s]\n}\n", want ? "\n  " : "");
}

void opt_sensitivity_json(struct core_buf *b, const momo_design *d,
                          const struct opt_sensitivity *s,
                          const char *metric)
{
    core_buf_printf(b, "{\n  \"metric\": ");
    opt_json_str(b, metric);
    core_buf_printf(b, ",\n  \"trials\": %zu,\n  \"sd\": ", s->n);
    opt_json_num(b, s->sd);
    core_buf_printf(b, ",\n  \"fragile_above\": ");
    opt_json_num(b, OPT_FRAGILE);
    core_buf_printf(b, ",\n  \"importance_ranking\": [");
    for (size_t k = 0; k < s->n_dims; k++) {
        if (k)
            core_buf_printf(b, ", ");
        opt_json_str(b, d->dims[s->order[k]].param->name);
    }
    core_buf_printf(b, "],\n  \"parameters\": [");
    for (size_t j = 0; j < s->n_dims; j++) {
        const struct opt_sens_dim *sd = &s->dims[j];
        const momo_dim *dm = &d->dims[j];

        core_buf_printf(b, "%s\n    {\"name\": ", j ? "," : "");
        opt_json_str(b, dm->param->name);
        core_buf_printf(b, ", \"classification\": \"%s\", \"importance\": ",
                        sd->fragile ? "fragile" : "robust");
        opt_json_num(b, sd->importance);
        core_buf_printf(b, ", \"effect\": ");
        opt_json_num(b, sd->effect);
        core_buf_printf(b, ",\n     \"levels\": [");
        for (size_t k = 0; k < sd->n_levels; k++) {
            const struct opt_level *l = &sd->levels[k];

            core_buf_printf(b, "%s\n       {\"value\": ", k ? "," : "");
            opt_json_num(b, l->value);
            if (l->lo != l->hi) {
                core_buf_printf(b, ", \"low\": ");
                opt_json_num(b, l->lo);
                core_buf_printf(b, ", \"high\": ");
                opt_json_num(b, l->hi);
            }
            core_buf_printf(b, ", \"n\": %zu, \"mean\": ", l->n);
            opt_json_num(b, l->mean);
            core_buf_printf(b, ", \"median\": ");
            opt_json_num(b, l->median);
            core_buf_printf(b, ", \"spread\": ");
            opt_json_num(b, l->spread);
            core_buf_printf(b, ", \"min\": ");
            opt_json_num(b, l->min);
            core_buf_printf(b, ", \"max\": ");
            opt_json_num(b, l->max);
            core_buf_printf(b, "}");
        }
        core_buf_printf(b, "%s]}", sd->n_levels ? "\n     " : "");
    }
    core_buf_printf(b, "%s]\n}\n", s->n_dims ? "\n  " : "");
}

static void equity_csv(const momo_opt_result *r, struct core_buf *b)
{
    core_buf_printf(b, "date");
    for (size_t k = 0; k < r->n_top; k++)
        core_buf_printf(b, ",rank_%zu", k + 1);
    core_buf_printf(b, "\n");
    for (size_t t = 0; t < r->n_eq; t++) {
        char d[11];

        core_buf_printf(b, "%s", core_format_date(r->eq_date[t], d));
        for (size_t k = 0; k < r->n_top; k++) {
            core_buf_append(b, ",", 1);
            csv_num(b, r->eq_val[t * OPT_N_TOP_EQUITY + k]);
        }
        core_buf_append(b, "\n", 1);
    }
}

static void summary_json(const momo_opt_result *r, const char *mode,
                         struct core_buf *b)
{
    char d1[16], d2[16];

    core_buf_printf(b, "{\n  \"mode\": ");
    opt_json_str(b, mode);
    core_buf_printf(b, ",\n  \"metric\": ");
    opt_json_str(b, momo_metric_name(r->metric));
    core_buf_printf(b, ",\n  \"optimization\": {\"from\": %s, \"to\": %s}",
                    date_or_null(r->from, d1), date_or_null(r->to, d2));
    if (r->have_val)
        core_buf_printf(b, ",\n  \"validation\": {\"from\": %s, \"to\": "
                        "%s}", date_or_null(r->vfrom, d1),
                        date_or_null(r->vto, d2));
    else
        core_buf_printf(b, ",\n  \"validation\": null");
    core_buf_printf(b, ",\n  \"dataset\": {\"path\": ");
    if (r->dataset_path)
        opt_json_str(b, r->dataset_path);
    else
        core_buf_printf(b, "null");
    core_buf_printf(b, ", \"checksum\": \"%08x\"},\n  \"engine_version\": "
                    "%d,\n  \"combinations\": {\"tested\": %zu, \"ok\": "
                    "%zu, \"failed\": %zu, \"cached\": %zu, \"passed\": "
                    "%zu},\n  \"runtime_seconds\": ", (unsigned)r->checksum,
                    MOMO_ENGINE_VERSION, r->counts.tested, r->counts.ok,
                    r->counts.failed, r->counts.cached, r->counts.passed);
    opt_json_num(b, r->counts.seconds);
    if (momo_design_kind_of(r->d) == MOMO_DESIGN_RANDOM)
        core_buf_printf(b, ",\n  \"seed\": %lu", r->d->seed);
    core_buf_printf(b, ",\n  \"best\": ");
    if (r->best == SIZE_MAX) {
        core_buf_printf(b, "null");
    } else {
        core_buf_printf(b, "{\"trial\": %zu, \"passed_filters\": %s, "
                        "\"params\": ", r->best,
                        r->passed[r->best] ? "true" : "false");
        opt_json_trial(b, r->d, r->best);
        core_buf_printf(b, ", \"metric\": ");
        opt_json_num(b, momo_metric_get(&r->rows.m[r->best], r->metric));
        core_buf_printf(b, ", \"robustness\": ");
        opt_json_num(b, r->robust[r->best]);
        core_buf_printf(b, ", \"validation_metric\": ");
        opt_json_num(b, r->n_val && r->val_rows.state[0] == OPT_OK
                            ? momo_metric_get(&r->val_rows.m[0], r->metric)
                            : NAN);
        core_buf_printf(b, "}");
    }
    core_buf_printf(b, ",\n  \"overfitting_score\": ");
    opt_json_num(b, r->of.score);
    core_buf_printf(b, "\n}\n");
}

int momo_opt_write_summary(const momo_opt_result *r, const char *mode,
                           FILE *f, momo_err *err)
{
    struct core_buf b;
    int rc = MOMO_OK;

    core_buf_init(&b, 1 << 20);
    summary_json(r, mode, &b);
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else if (fwrite(b.s, 1, b.n, f) != b.n)
        rc = momo_err_set(err, MOMO_EIO, "writing the summary failed");
    core_buf_release(&b);
    return rc;
}

/* The trials table: the search, then the validated top trials. */
static int write_trials(const momo_opt_result *r, const char *mode,
                        momo_err *err)
{
    struct opt_ctx kx;
    struct opt_cache *c = NULL;
    struct opt_trial_rec *t = NULL;
    struct core_buf js, sum;
    struct opt_fmt_memo memo;
    size_t n = r->rows.n + r->n_val, *at = NULL;
    const char *meta[6];
    int rc;

    if (!r->cache_path)
        return MOMO_OK;
    memset(memo.set, 0, sizeof(memo.set));
    memset(&kx, 0, sizeof(kx));
    memcpy(kx.key_seed, r->key_seed, sizeof(kx.key_seed));
    core_buf_init(&js, (size_t)1 << 31);
    core_buf_init(&sum, 1 << 20);
    t = core_calloc(n + 1, sizeof(*t));
    at = core_malloc((n + 1) * sizeof(*at));
    if (!t || !at) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        int val = k >= r->rows.n;
        size_t i = val ? r->val_trial[k - r->rows.n] : k;
        const struct opt_rows *rows = val ? &r->val_rows : &r->rows;
        size_t ri = val ? k - r->rows.n : k;
        momo_params p;
        momo_window w = val ? r->val : r->o.window;

        t[k].phase = val ? "validate" : "search";
        t[k].split = -1;
        if (opt_trial_params(&r->base, r->d, i, &p, NULL) == MOMO_OK)
            opt_key_of(&kx, &p, &w, &t[k].key);
        t[k].status = rows->state[ri] == OPT_OK ? "ok"
                    : rows->state[ri] == OPT_FAILED ? rows->reason[ri]
                    : "pending";
        t[k].rank = val ? (long)(ri + 1) : (long)r->rank[i];
        t[k].robustness = val ? NAN : r->robust[i];
        at[k] = js.n;
        opt_json_trial_memo(&js, r->d, i, &memo);
        core_buf_append(&js, "", 1);
    }
    summary_json(r, mode, &sum);
    if (js.failed || sum.failed) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < n; k++)
        t[k].params = js.s + at[k];
    meta[0] = "mode";
    meta[1] = mode;
    meta[2] = "metric";
    meta[3] = momo_metric_name(r->metric);
    meta[4] = "summary";
    meta[5] = core_buf_cstr(&sum);
    rc = opt_cache_open(r->cache_path, 1, &c, err);
    if (rc == MOMO_OK)
        rc = opt_cache_write_trials(c, t, n, meta, 6, err);
out:
    opt_cache_close(c);
    core_buf_release(&js);
    core_buf_release(&sum);
    core_free(t);
    core_free(at);
    return rc;
}

/* The trials table, written on a thread of its own beside the files. */
struct trials_job {
    const momo_opt_result *r;
    const char *mode;
    momo_err err;
    int rc;
};

static void *trials_main(void *arg)
{
    struct trials_job *tj = arg;
    double t = core_now();

    tj->rc = write_trials(tj->r, tj->mode, &tj->err);
    core_debug("writing the trials table %.2f s (beside the files)",
               core_now() - t);
    return NULL;
}

int momo_opt_write(const momo_opt_result *r, const char *dir,
                   const char *mode, momo_err *err)
{
    struct core_buf b;
    struct trials_job tj;
    pthread_t tid;
    int rc = core_mkdir_p(dir, err), threaded;
    double t = core_now();

    if (rc != MOMO_OK)
        return rc;
    tj.r = r;
    tj.mode = mode;
    tj.rc = MOMO_OK;
    momo_err_clear(&tj.err);
    threaded = pthread_create(&tid, NULL, trials_main, &tj) == 0;
    core_buf_init(&b, (size_t)1 << 31);
    results_csv(r, &b);
    rc = opt_write_buf(dir, "results.csv", &b, err);
    core_buf_release(&b);
    core_debug("writing results.csv %.2f s", core_now() - t);
    t = core_now();
    if (rc == MOMO_OK) {
        top_json(r, &b);
        rc = opt_write_buf(dir, "top.json", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        opt_sensitivity_json(&b, r->d, &r->sens,
                             momo_metric_name(r->metric));
        rc = opt_write_buf(dir, "sensitivity.json", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        opt_overfit_json(&b, &r->of, &r->advice, mode, r->o.seed,
                         r->rows.S);
        rc = opt_write_buf(dir, "overfitting.json", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        equity_csv(r, &b);
        rc = opt_write_buf(dir, "equity_top.csv", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        summary_json(r, mode, &b);
        rc = opt_write_buf(dir, "summary.json", &b, err);
        core_buf_release(&b);
    }
    core_debug("writing the JSON files and equity_top.csv %.2f s",
               core_now() - t);
    if (threaded)
        pthread_join(tid, NULL);
    else
        trials_main(&tj);
    if (rc == MOMO_OK && tj.rc != MOMO_OK) {
        *err = tj.err;
        rc = tj.rc;
    }
    return rc;
}

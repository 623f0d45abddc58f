/* sizing.c - optimize_position_sizing: how much to risk per trade.
 *
 * In:  base parameters and a list of risk.risk_per_trade values.
 * Out: per value the run's Sharpe, Sortino, recovery factor, Ulcer
 *      index, CAGR and max drawdown; the return-versus-drawdown
 *      efficient frontier; a recommendation for a drawdown tolerance.
 *
 * A point is on the frontier when no other point has a CAGR at least as
 * high and a max drawdown at least as low, one of them strictly. The
 * recommendation is the frontier point with the highest CAGR among those
 * whose drawdown is within the tolerance; when none is, the point with
 * the smallest drawdown, marked as outside the tolerance.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "optimize/optimize_int.h"

struct momo_sizing_result {
    momo_sizing_point *pt;
    size_t n;
    size_t rec;
    int within;
    double max_drawdown;
    size_t cached;
    double seconds;
    char *dataset_path;
    uint32_t checksum;
};

static const double default_risks[] = {
    0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02
};

static int dominated(const momo_sizing_point *a, const momo_sizing_point *b)
{
    const momo_metrics *x = &a->metrics, *y = &b->metrics;

    return b->ok && y->cagr >= x->cagr && y->max_drawdown <= x->max_drawdown &&
           (y->cagr > x->cagr || y->max_drawdown < x->max_drawdown);
}

int momo_optimize_sizing(const momo_dataset *ds, const momo_params *base,
                         const double *risks, size_t n, double max_drawdown,
                         const momo_opt_opts *o, momo_sizing_result **out,
                         momo_err *err)
{
    struct opt_ctx cx;
    momo_sizing_result *r = NULL;
    momo_design *d = NULL;
    struct opt_rows rows;
    momo_dim dim;
    const char *path = momo_dataset_path(ds);
    int rc;

    *out = NULL;
    memset(&rows, 0, sizeof(rows));
    if (!risks) {
        risks = default_risks;
        n = sizeof(default_risks) / sizeof(default_risks[0]);
    }
    if (n == 0)
        return momo_err_set(err, MOMO_EINVAL, "sizing: no risk value");
    if (!(max_drawdown > 0 && max_drawdown < 1))
        return momo_err_set(err, MOMO_EINVAL, "sizing: the drawdown "
                            "tolerance must be within (0, 1), got %g",
                            max_drawdown);
    memset(&dim, 0, sizeof(dim));
    dim.param = momo_param_find("risk.risk_per_trade");
    dim.dist = MOMO_DIST_LIST;
    dim.values = risks;
    dim.n_values = n;
    rc = opt_ctx_init(&cx, ds, base, o, err);
    if (rc == MOMO_OK)
        rc = momo_design_list(&dim, 1, risks, n, &d, err);
    if (rc == MOMO_OK &&
        (!(r = core_calloc(1, sizeof(*r))) ||
         !(r->pt = core_calloc(n, sizeof(*r->pt))) ||
         (path && !(r->dataset_path = core_strdup(path))) ||
         opt_rows_init(&rows, n, cx.o.subperiods, cx.o.blocks) != MOMO_OK))
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (rc == MOMO_OK) {
        cx.n_planned = n;
        rc = opt_eval_design(&cx, d, &cx.o.window, &rows, err);
    }
    if (rc != MOMO_OK)
        goto out;
    r->n = n;
    r->max_drawdown = max_drawdown;
    r->checksum = momo_dataset_checksum(ds);
    for (size_t i = 0; i < n; i++) {
        r->pt[i].risk_per_trade = risks[i];
        r->pt[i].ok = rows.state[i] == OPT_OK;
        r->pt[i].metrics = rows.m[i];
        r->cached += rows.cached[i];
        if (!r->pt[i].ok)
            core_warn("sizing: risk %g failed: %s", risks[i],
                      rows.reason[i] ? rows.reason[i] : "not run");
    }
    r->rec = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        r->pt[i].frontier = r->pt[i].ok &&
                            isfinite(r->pt[i].metrics.cagr) &&
                            isfinite(r->pt[i].metrics.max_drawdown);
        for (size_t k = 0; k < n && r->pt[i].frontier; k++)
            if (k != i && dominated(&r->pt[i], &r->pt[k]))
                r->pt[i].frontier = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const momo_metrics *m = &r->pt[i].metrics;

        if (!r->pt[i].frontier || !(m->max_drawdown <= max_drawdown))
            continue;
        if (r->rec == SIZE_MAX || m->cagr > r->pt[r->rec].metrics.cagr)
            r->rec = i;
    }
    r->within = r->rec != SIZE_MAX;
    /* none within the tolerance: the frontier's smallest drawdown */
    for (size_t i = 0; !r->within && i < n; i++)
        if (r->pt[i].frontier &&
            (r->rec == SIZE_MAX || r->pt[i].metrics.max_drawdown <
                                       r->pt[r->rec].metrics.max_drawdown))
            r->rec = i;
    r->seconds = core_now() - cx.t0;
out:
    opt_rows_release(&rows);
    momo_design_free(d);
    opt_ctx_release(&cx);
    if (rc != MOMO_OK) {
        momo_sizing_result_free(r);
        return rc;
    }
    *out = r;
    return MOMO_OK;
}

void momo_sizing_result_free(momo_sizing_result *r)
{
    if (!r)
        return;
    core_free(r->pt);
    core_free(r->dataset_path);
    core_free(r);
}

size_t momo_sizing_n_points(const momo_sizing_result *r)
{
    return r->n;
}

void momo_sizing_point_get(const momo_sizing_result *r, size_t i,
                           momo_sizing_point *out)
{
    *out = r->pt[i];
}

size_t momo_sizing_recommended(const momo_sizing_result *r, int *within)
{
    if (within)
        *within = r->within;
    return r->rec;
}

/*---- Files ----*/

static void sizing_json(const momo_sizing_result *r, struct core_buf *b)
{
    static const char *const keys[] = {
        "sharpe", "sortino", "recovery_factor", "ulcer_index", "cagr",
        "max_drawdown", "total_return", "num_trades"
    };

    core_buf_printf(b, "{\n  \"max_drawdown_tolerance\": ");
    opt_json_num(b, r->max_drawdown);
    core_buf_printf(b, ",\n  \"points\": [");
    for (size_t i = 0; i < r->n; i++) {
        const momo_sizing_point *p = &r->pt[i];

        core_buf_printf(b, "%s\n    {\"risk_per_trade\": ", i ? "," : "");
        opt_json_num(b, p->risk_per_trade);
        core_buf_printf(b, ", \"ok\": %s, \"frontier\": %s",
                        p->ok ? "true" : "false",
                        p->frontier ? "true" : "false");
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            core_buf_printf(b, ", \"%s\": ", keys[k]);
            opt_json_num(b, momo_metric_get(&p->metrics,
                                            (size_t)momo_metric_find(
                                                keys[k])));
        }
        core_buf_printf(b, "}");
    }
    core_buf_printf(b, "\n  ],\n  \"frontier\": [");
    for (size_t i = 0, k = 0; i < r->n; i++)
        if (r->pt[i].frontier) {
            core_buf_printf(b, "%s", k++ ? ", " : "");
            opt_json_num(b, r->pt[i].risk_per_trade);
        }
    core_buf_printf(b, "],\n  \"recommended\": ");
    if (r->rec == SIZE_MAX) {
        core_buf_printf(b, "null");
    } else {
        core_buf_printf(b, "{\"risk_per_trade\": ");
        opt_json_num(b, r->pt[r->rec].risk_per_trade);
        core_buf_printf(b, ", \"within_tolerance\": %s, \"cagr\": ",
                        r->within ? "true" : "false");
        opt_json_num(b, r->pt[r->rec].metrics.cagr);
        core_buf_printf(b, ", \"max_drawdown\": ");
        opt_json_num(b, r->pt[r->rec].metrics.max_drawdown);
        core_buf_printf(b, "}");
    }
    core_buf_printf(b, ",\n  \"note\": ");
    opt_json_str(b, r->rec == SIZE_MAX
                 ? "no run succeeded"
                 : r->within
                 ? "the frontier point with the highest CAGR whose max "
                   "drawdown is within the tolerance"
                 : "no frontier point is within the drawdown tolerance: "
                   "this is the one with the smallest drawdown");
    core_buf_printf(b, "\n}\n");
}

static void sizing_summary(const momo_sizing_result *r, struct core_buf *b)
{
    core_buf_printf(b, "{\n  \"mode\": \"sizing\",\n  \"dataset\": "
                    "{\"path\": ");
    if (r->dataset_path)
        opt_json_str(b, r->dataset_path);
    else
        core_buf_printf(b, "null");
    core_buf_printf(b, ", \"checksum\": \"%08x\"},\n  \"engine_version\": "
                    "%d,\n  \"combinations\": {\"tested\": %zu, \"cached\": "
                    "%zu},\n  \"runtime_seconds\": ", (unsigned)r->checksum,
                    MOMO_ENGINE_VERSION, r->n, r->cached);
    opt_json_num(b, r->seconds);
    core_buf_printf(b, ",\n  \"best\": ");
    if (r->rec == SIZE_MAX) {
        core_buf_printf(b, "null");
    } else {
        core_buf_printf(b, "{\"params\": {\"risk.risk_per_trade\": ");
        opt_json_num(b, r->pt[r->rec].risk_per_trade);
        core_buf_printf(b, "}, \"within_tolerance\": %s}",
                        r->within ? "true" : "false");
    }
    core_buf_printf(b, "\n}\n");
}

int momo_sizing_write_summary(const momo_sizing_result *r, FILE *f,
                              momo_err *err)
{
    struct core_buf b;
    int rc = MOMO_OK;

    core_buf_init(&b, 1 << 20);
    sizing_summary(r, &b);
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else if (fwrite(b.s, 1, b.n, f) != b.n)
        rc = momo_err_set(err, MOMO_EIO, "writing the summary failed");
    core_buf_release(&b);
    return rc;
}

int momo_sizing_write(const momo_sizing_result *r, const char *dir,
                      momo_err *err)
{
    struct core_buf b;
    int rc = core_mkdir_p(dir, err);

    core_buf_init(&b, 1 << 20);
    if (rc == MOMO_OK) {
        sizing_json(r, &b);
        rc = opt_write_buf(dir, "sizing.json", &b, err);
        core_buf_release(&b);
    }
    if (rc == MOMO_OK) {
        sizing_summary(r, &b);
        rc = opt_write_buf(dir, "summary.json", &b, err);
        core_buf_release(&b);
    }
    return rc;
}

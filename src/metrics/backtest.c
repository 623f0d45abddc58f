/* backtest.c - the public face of a backtest: run the engine, turn its
 * output into metrics, keep or write the trades and equity.
 *
 * Output files (momo_result_write):
 *   trades.csv   symbol,asset_class,entry_date,entry_price,exit_date,
 *                exit_price,quantity,exit_type,pnl,return_pct,bars_held,
 *                entry_commission,exit_commission,score,rsi,mae,mfe
 *   equity.csv   date,equity,cash,positions
 *   metrics.json every metric of momo_metric_name(), null when undefined
 * Numbers are written in the shortest form that reads back exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine.h"
#include "metrics/metrics.h"

struct momo_workspace {
    const momo_engine *eng;
    struct eng_ws *ws;
    const struct eng_out *last;
};

struct momo_result {
    momo_metrics m;
    momo_trade *trades;
    size_t n_trades;
    momo_equity_row *eq;
    size_t n_eq;
};

static const char *const exit_names[MOMO_N_EXIT_TYPES] = {
    "stop_loss", "trailing_stop", "profit_target", "time_exit",
    "end_of_period"
};

const char *momo_exit_type_name(int exit_type)
{
    if (exit_type < 0 || exit_type >= MOMO_N_EXIT_TYPES)
        return "?";
    return exit_names[exit_type];
}

int momo_workspace_new(const momo_engine *eng, momo_workspace **out,
                       momo_err *err)
{
    momo_workspace *w = core_calloc(1, sizeof(*w));

    *out = NULL;
    if (!w || eng_ws_new(eng, &w->ws) != MOMO_OK) {
        core_free(w);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    w->eng = eng;
    *out = w;
    return MOMO_OK;
}

void momo_workspace_free(momo_workspace *ws)
{
    if (!ws)
        return;
    eng_ws_free(ws->ws);
    core_free(ws);
}

static int check_params(const momo_engine *eng, const momo_params *p,
                        momo_err *err)
{
    int rc = momo_params_validate(p, err);

    if (rc != MOMO_OK)
        return rc;
    if (!momo_engine_accepts(eng, p))
        return momo_err_set(err, MOMO_EINVAL,
                            "the parameters change the precompute "
                            "(indicator periods, weights or eligibility): "
                            "build an engine for them");
    return MOMO_OK;
}

int momo_backtest_eval(momo_workspace *ws, const momo_params *p,
                       const momo_window *win, momo_metrics *out,
                       momo_err *err)
{
    return momo_backtest_eval_noisy(ws, p, win, NULL, out, err);
}

int momo_backtest_eval_noisy(momo_workspace *ws, const momo_params *p,
                             const momo_window *win,
                             const momo_fill_noise *noise,
                             momo_metrics *out, momo_err *err)
{
    struct eng_run_opts o = { 0 };
    int rc = check_params(ws->eng, p, err);

    ws->last = NULL;
    if (rc != MOMO_OK)
        return rc;
    if (win) {
        o.from = win->from;
        o.to = win->to;
    }
    if (noise) {
        o.noise_bps = noise->bps;
        o.noise_seed = noise->seed;
    }
    rc = eng_run(ws->ws, p, &o, &ws->last, err);
    if (rc == MOMO_OK)
        met_compute(ws->last, p->risk_free, out);
    return rc;
}

int momo_backtest_eval_batch(momo_workspace *const *ws,
                             const momo_params *p, size_t n,
                             const momo_window *win, momo_metrics *out,
                             int *rc, momo_err *errs)
{
    enum { CHUNK = 32 };
    struct eng_run_opts o = { 0 };
    struct eng_ws *run_ws[CHUNK];
    const momo_params *run_p[CHUNK];
    const struct eng_out *eo[CHUNK];
    size_t idx[CHUNK];

    if (win) {
        o.from = win->from;
        o.to = win->to;
    }
    for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
        size_t k1 = k0 + CHUNK < n ? k0 + CHUNK : n, m = 0;
        momo_err berr = { 0 };
        int brc;

        for (size_t k = k0; k < k1; k++) {
            ws[k]->last = NULL;
            rc[k] = check_params(ws[k]->eng, &p[k], &errs[k]);
            if (rc[k] != MOMO_OK)
                continue;
            MOMO_ASSERT(ws[k]->eng == ws[k0]->eng);
            run_ws[m] = ws[k]->ws;
            run_p[m] = &p[k];
            idx[m++] = k;
        }
        brc = eng_run_batch(run_ws, run_p, m, &o, eo, &berr);
        for (size_t j = 0; j < m; j++) {
            size_t k = idx[j];

            rc[k] = brc;
            if (brc != MOMO_OK) {
                errs[k] = berr;
                continue;
            }
            ws[k]->last = eo[j];
            met_compute(eo[j], p[k].risk_free, &out[k]);
        }
    }
    return MOMO_OK;
}

const momo_equity_row *momo_workspace_equity(const momo_workspace *ws,
                                             size_t *n)
{
    *n = ws->last ? ws->last->n_eq : 0;
    return ws->last ? ws->last->eq : NULL;
}

const double *momo_workspace_returns(const momo_workspace *ws, size_t *n)
{
    if (n)
        *n = ws->last && ws->last->n_eq > 0 ? ws->last->n_eq - 1 : 0;
    return ws->last ? ws->last->ret : NULL;
}

int momo_backtest_run(const momo_engine *eng, const momo_params *p,
                      const momo_window *win, momo_result **out,
                      momo_err *err)
{
    struct eng_run_opts o = { 0 };
    const struct eng_out *eo;
    struct eng_ws *ws = NULL;
    momo_result *res = NULL;
    int rc;

    *out = NULL;
    o.record_trades = 1;
    rc = check_params(eng, p, err);
    if (rc != MOMO_OK)
        return rc;
    if (win) {
        o.from = win->from;
        o.to = win->to;
    }
    if (eng_ws_new(eng, &ws) != MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    rc = eng_run(ws, p, &o, &eo, err);
    if (rc != MOMO_OK)
        goto out;
    res = core_calloc(1, sizeof(*res));
    if (!res)
        goto nomem;
    met_compute(eo, p->risk_free, &res->m);
    res->n_eq = eo->n_eq;
    res->eq = core_malloc(eo->n_eq * sizeof(*res->eq));
    res->n_trades = eo->n_trades;
    res->trades = core_malloc((eo->n_trades + 1) * sizeof(*res->trades));
    if (!res->eq || !res->trades)
        goto nomem;
    memcpy(res->eq, eo->eq, eo->n_eq * sizeof(*res->eq));
    if (eo->n_trades > 0)
        memcpy(res->trades, eo->trades,
               eo->n_trades * sizeof(*res->trades));
    *out = res;
    res = NULL;
    goto out;
nomem:
    rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
out:
    momo_result_free(res);
    eng_ws_free(ws);
    return rc;
}

void momo_result_free(momo_result *res)
{
    if (!res)
        return;
    core_free(res->trades);
    core_free(res->eq);
    core_free(res);
}

const momo_metrics *momo_result_metrics(const momo_result *res)
{
    return &res->m;
}

const momo_trade *momo_result_trades(const momo_result *res, size_t *n)
{
    *n = res->n_trades;
    return res->trades;
}

const momo_equity_row *momo_result_equity(const momo_result *res, size_t *n)
{
    *n = res->n_eq;
    return res->eq;
}

/*---- Files ----*/

static const char *num(double v, char *buf)
{
    return core_fmt_double(v, buf);
}

int momo_metrics_write_json(const momo_metrics *m, FILE *f, int indent)
{
    char b[32];

    fprintf(f, "{\n");
    for (size_t i = 0; i < momo_metric_count(); i++) {
        double v = momo_metric_get(m, i);

        fprintf(f, "%*s\"%s\": %s%s\n", indent + 2, "", momo_metric_name(i),
                isfinite(v) ? num(v, b) : "null",
                i + 1 < momo_metric_count() ? "," : "");
    }
    fprintf(f, "%*s}", indent, "");
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static int write_buf(const char *dir, const char *name, struct core_buf *b,
                     momo_err *err)
{
    char path[4096];

    if (b->failed)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory writing %s",
                            name);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return core_write_file_atomic(path, core_buf_cstr(b), b->n, err);
}

static void trades_csv(const momo_result *res, const momo_dataset *ds,
                       struct core_buf *b)
{
    core_buf_printf(b, "symbol,asset_class,entry_date,entry_price,"
                       "exit_date,exit_price,quantity,exit_type,pnl,"
                       "return_pct,bars_held,entry_commission,"
                       "exit_commission,score,rsi,mae,mfe\n");
    for (size_t i = 0; i < res->n_trades; i++) {
        const momo_trade *t = &res->trades[i];
        char d1[11], d2[11], n1[32], n2[32], n3[32], n4[32], n5[32],
             n6[32], n7[32], n8[32], n9[32], n10[32], n11[32];

        core_buf_printf(b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%s,"
                           "%s,%s\n",
                        momo_dataset_symbol(ds, t->sym)->name,
                        momo_asset_class_name(t->asset_class),
                        core_format_date(t->entry_date, d1),
                        num(t->entry_price, n1),
                        core_format_date(t->exit_date, d2),
                        num(t->exit_price, n2), num(t->quantity, n3),
                        momo_exit_type_name(t->exit_type), num(t->pnl, n4),
                        num(t->return_pct, n5), t->bars_held,
                        num(t->entry_commission, n6),
                        num(t->exit_commission, n7), num(t->score, n8),
                        num(t->rsi, n9), num(t->mae, n10),
                        num(t->mfe, n11));
    }
}

static void equity_csv(const momo_result *res, struct core_buf *b)
{
    core_buf_printf(b, "date,equity,cash,positions\n");
    for (size_t i = 0; i < res->n_eq; i++) {
        const momo_equity_row *r = &res->eq[i];
        char d[11], n1[32], n2[32];

        core_buf_printf(b, "%s,%s,%s,%d\n", core_format_date(r->date, d),
                        num(r->equity, n1), num(r->cash, n2), r->positions);
    }
}

int momo_result_write(const momo_result *res, const momo_engine *eng,
                      const char *dir, momo_err *err)
{
    struct core_buf b;
    char *text = NULL;
    size_t len = 0;
    FILE *mem;
    int rc = core_mkdir_p(dir, err);

    if (rc != MOMO_OK)
        return rc;
    core_buf_init(&b, (size_t)1 << 31);
    trades_csv(res, momo_engine_dataset(eng), &b);
    rc = write_buf(dir, "trades.csv", &b, err);
    core_buf_release(&b);
    if (rc != MOMO_OK)
        return rc;
    equity_csv(res, &b);
    rc = write_buf(dir, "equity.csv", &b, err);
    core_buf_release(&b);
    if (rc != MOMO_OK)
        return rc;
    mem = open_memstream(&text, &len);
    if (!mem)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    momo_metrics_write_json(&res->m, mem, 0);
    fputc('\n', mem);
    if (fclose(mem) != 0) {
        free(text);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    {
        char path[4096];

        snprintf(path, sizeof(path), "%s/metrics.json", dir);
        rc = core_write_file_atomic(path, text, len, err);
    }
    free(text);
    return rc;
}

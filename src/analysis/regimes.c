/* regimes.c - the strategy's results split by market regime.
 *
 * In:  the engine's regime of every calendar day (STRATEGY.md 9,
 *      src/engine/regime.c) and one run's trades and equity rows.
 * Out: per regime (and "undefined" while the regime inputs lack
 *      history): days, trades by the regime of their entry date, win
 *      rate, average return, and the Sharpe ratio of the daily returns
 *      of the rows dated in that regime; regimes.csv and
 *      regime_performance.json.
 *
 * Every trade and every row lands in exactly one slot, so the slots add
 * up to the run.
 */
#include <math.h>
#include <string.h>

#include "analysis/analysis.h"
#include "core/core.h"

const char *momo_regime_slot_name(int slot)
{
    if (slot >= 0 && slot < MOMO_N_REGIMES)
        return momo_regime_name(slot);
    return "undefined";
}

/* Calendar index of `date`, or -1. */
static long day_index(const int32_t *days, size_t n, int32_t date)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (days[mid] < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && days[lo] == date ? (long)lo : -1;
}

static int slot_of(const momo_regime_day *rg, const int32_t *days,
                   size_t n, int32_t date)
{
    long d = day_index(days, n, date);

    if (d < 0 || rg[d].regime < 0 || rg[d].regime >= MOMO_N_REGIMES)
        return MOMO_N_REGIMES;
    return rg[d].regime;
}

int momo_regime_analyze(const momo_engine *eng, const momo_result *res,
                        const momo_params *p, momo_regime_report *out,
                        momo_err *err)
{
    size_t n_days, n_cal, n_tr, n_rg;
    const int32_t *days = momo_engine_calendar(eng, &n_cal);
    const momo_regime_day *rg = momo_engine_regimes(eng, &n_rg);
    const momo_equity_row *eq = momo_result_equity(res, &n_days);
    const momo_trade *tr = momo_result_trades(res, &n_tr);
    double A = momo_result_metrics(res)->periods_per_year;
    double sum[MOMO_REGIME_SLOTS] = { 0 }, ss[MOMO_REGIME_SLOTS] = { 0 };
    double ret_sum[MOMO_REGIME_SLOTS] = { 0 };
    size_t wins[MOMO_REGIME_SLOTS] = { 0 }, n_ret[MOMO_REGIME_SLOTS] = { 0 };

    memset(out, 0, sizeof(*out));
    if (!rg || n_rg != n_cal)
        return momo_err_set(err, MOMO_EINTERNAL,
                            "the engine has no regime per calendar day");
    out->n_days = n_days;
    out->n_trades = n_tr;
    out->periods_per_year = A;
    out->proxy = momo_engine_regime_proxy(eng);
    out->vol_source = momo_engine_regime_vol_source(eng);
    for (size_t k = 0; k < n_tr; k++) {
        int s = slot_of(rg, days, n_cal, tr[k].entry_date);

        out->by[s].n_trades++;
        wins[s] += tr[k].pnl > 0;
        ret_sum[s] += tr[k].return_pct;
        out->by[s].total_pnl += tr[k].pnl;
    }
    for (size_t t = 0; t < n_days; t++) {
        int s = slot_of(rg, days, n_cal, eq[t].date);

        out->by[s].n_days++;
        if (t > 0) {
            sum[s] += eq[t].equity / eq[t - 1].equity - 1.0;
            n_ret[s]++;
        }
    }
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        momo_regime_stats *b = &out->by[s];

        b->mean_daily_return = n_ret[s] ? sum[s] / (double)n_ret[s] : NAN;
        b->share_days = n_days ? (double)b->n_days / (double)n_days : NAN;
        b->win_rate = b->n_trades ? (double)wins[s] / (double)b->n_trades
                                  : NAN;
        b->avg_return = b->n_trades ? ret_sum[s] / (double)b->n_trades
                                    : NAN;
        b->sharpe = NAN;
    }
    for (size_t t = 1; t < n_days; t++) {
        int s = slot_of(rg, days, n_cal, eq[t].date);
        double r = eq[t].equity / eq[t - 1].equity - 1.0;

        ss[s] += (r - out->by[s].mean_daily_return) *
                 (r - out->by[s].mean_daily_return);
    }
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        momo_regime_stats *b = &out->by[s];
        double sd = n_ret[s] > 1 ? sqrt(ss[s] / (double)(n_ret[s] - 1))
                                 : NAN;

        if (sd > 0)
            b->sharpe = (b->mean_daily_return - p->risk_free / A) / sd *
                        sqrt(A);
    }
    return MOMO_OK;
}

/*---- Output ----*/

int momo_regime_write_json(const momo_regime_report *rep, FILE *f)
{
    fputs("{\n  \"proxy\": ", f);
    ana_json_str(f, rep->proxy ? rep->proxy : "");
    fputs(",\n  \"volatility\": ", f);
    ana_json_str(f, rep->vol_source ? rep->vol_source : "");
    fprintf(f, ",\n  \"days\": %zu,\n  \"trades\": %zu,\n"
               "  \"periods_per_year\": ", rep->n_days, rep->n_trades);
    ana_json_num(f, rep->periods_per_year);
    fputs(",\n  \"regimes\": {", f);
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        const momo_regime_stats *b = &rep->by[s];

        fprintf(f, "%s\n    \"%s\": {\"days\": %zu, \"share_days\": ",
                s ? "," : "", momo_regime_slot_name(s), b->n_days);
        ana_json_num(f, b->share_days);
        fprintf(f, ", \"trades\": %zu, \"win_rate\": ", b->n_trades);
        ana_json_num(f, b->win_rate);
        fputs(", \"avg_return\": ", f);
        ana_json_num(f, b->avg_return);
        fputs(", \"total_pnl\": ", f);
        ana_json_num(f, b->total_pnl);
        fputs(", \"mean_daily_return\": ", f);
        ana_json_num(f, b->mean_daily_return);
        fputs(", \"sharpe\": ", f);
        ana_json_num(f, b->sharpe);
        fputc('}', f);
    }
    fputs("\n  }\n}\n", f);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

int momo_regime_write_text(const momo_regime_report *rep, FILE *f)
{
    fprintf(f, "regimes         proxy %s, volatility: %s\n\n",
            rep->proxy ? rep->proxy : "?",
            rep->vol_source ? rep->vol_source : "?");
    fprintf(f, "%-26s %6s %6s %7s %8s %8s %7s\n", "", "days", "share",
            "trades", "win rate", "avg ret", "Sharpe");
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        const momo_regime_stats *b = &rep->by[s];
        char c[4][32];

        fprintf(f, "%-26s %6zu %6s %7zu %8s %8s %7s\n",
                momo_regime_slot_name(s), b->n_days,
                ana_fmt_pct(b->share_days, c[0]), b->n_trades,
                ana_fmt_pct(b->win_rate, c[1]),
                ana_fmt_pct(b->avg_return, c[2]),
                ana_fmt_num(b->sharpe, c[3]));
    }
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

struct csv_job {
    const momo_engine *eng;
    const momo_result *res;
};

static int regimes_csv(const void *obj, FILE *f)
{
    const struct csv_job *j = obj;
    size_t n_cal, n_rg, n_eq;
    const int32_t *days = momo_engine_calendar(j->eng, &n_cal);
    const momo_regime_day *rg = momo_engine_regimes(j->eng, &n_rg);
    const momo_equity_row *eq = momo_result_equity(j->res, &n_eq);

    fputs("date,regime,trend,high_vol,breadth\n", f);
    for (size_t t = 0; t < n_eq; t++) {
        long d = day_index(days, n_cal, eq[t].date);
        const momo_regime_day *r;
        char b[11], num[32];

        if (d < 0)
            return MOMO_EINTERNAL;
        r = &rg[d];
        fprintf(f, "%s,%s,", core_format_date(eq[t].date, b),
                momo_regime_slot_name(r->regime < 0 ? MOMO_N_REGIMES
                                                    : r->regime));
        if (r->trend >= 0)
            fprintf(f, "%d", r->trend);
        fputc(',', f);
        if (r->high_vol >= 0)
            fprintf(f, "%d", r->high_vol);
        fprintf(f, ",%s\n", isfinite(r->breadth)
                ? core_fmt_double(r->breadth, num) : "");
    }
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static int json_cb(const void *obj, FILE *f)
{
    return momo_regime_write_json(obj, f);
}

int momo_regime_write(const momo_engine *eng, const momo_result *res,
                      const momo_regime_report *rep, const char *dir,
                      momo_err *err)
{
    struct csv_job j;
    int rc;

    j.eng = eng;
    j.res = res;
    rc = ana_write_file(dir, "regimes.csv", regimes_csv, &j, err);
    if (rc == MOMO_OK)
        rc = ana_write_file(dir, "regime_performance.json", json_cb, rep,
                            err);
    return rc;
}

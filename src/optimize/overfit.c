/* overfit.c - detect_overfitting: put the numbers of a search together
 * into degradations, indicators, one score and advice in words.
 *
 * In:  the trials of a search (their Sharpe ratios and block sums), the
 *      chosen trial's in-sample and out-of-sample metrics and equity.
 * Out: a momo_overfit and a list of suggestions.
 *
 * The score (0-100) weighs four parts, each 0 (no sign) to 1 (strong
 * sign of overfitting), over those that could be measured:
 *   30  PBO
 *   30  1 - DSR
 *   25  degradation: the largest over sharpe, max drawdown and win rate
 *       of min(1, max(0, degradation / 0.6)), so the 30% flag is half
 *       way and one metric that collapses out of sample is enough
 *   15  indicators: the share of the three raised (too many parameters
 *       for the trades, too few trades, one good sub-period only)
 * score = 100 * sum(weight * part) / sum(weight of the parts measured).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "optimize/optimize_int.h"

void opt_overfit_init(momo_overfit *of)
{
    memset(of, 0, sizeof(*of));
    of->score = NAN;
    of->pbo = NAN;
    of->deflated_sharpe = NAN;
    of->expected_max_sharpe = NAN;
    of->n_trials = NAN;
    for (int k = 0; k < 3; k++) {
        of->degradation[k] = NAN;
        of->is_value[k] = NAN;
        of->oos_value[k] = NAN;
    }
}

int opt_overfit_pbo(const struct opt_ctx *cx, const struct opt_rows *rows,
                    double *pbo, size_t *n_used, size_t *n_comb,
                    momo_err *err)
{
    size_t n_ok = 0, S = rows->S, T = 0, want, *idx = NULL, *pick = NULL;
    double *blk = NULL;
    gsl_rng *rng = NULL;
    int rc = MOMO_OK;

    *pbo = NAN;
    *n_used = 0;
    *n_comb = 0;
    for (size_t b = 0; b < S; b++)
        T += rows->blk_len[b] > 0;
    if (T < S)                      /* a block without returns */
        return MOMO_OK;
    idx = core_malloc((rows->n ? rows->n : 1) * sizeof(*idx));
    if (!idx)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t i = 0; i < rows->n; i++)
        if (rows->state[i] == OPT_OK)
            idx[n_ok++] = i;
    if (n_ok < 2)
        goto out;
    want = n_ok;
    pick = idx;
    if (n_ok > cx->o.cscv_max_trials && cx->o.cscv_max_trials >= 2) {
        /* a seeded subsample, in trial order (gsl_ran_choose keeps it) */
        want = cx->o.cscv_max_trials;
        pick = core_malloc(want * sizeof(*pick));
        rng = pick ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
        if (!rng) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            goto out;
        }
        gsl_rng_set(rng, cx->o.seed ^ 0x5c5c5c5cUL);
        gsl_ran_choose(rng, pick, want, idx, n_ok, sizeof(*idx));
    }
    blk = core_malloc(want * S * 2 * sizeof(*blk));
    if (!blk) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < want; k++)
        memcpy(&blk[k * S * 2], &rows->blk[pick[k] * S * 2],
               S * 2 * sizeof(*blk));
    rc = opt_pbo(blk, rows->blk_len, want, S, cx->jobs, pbo, NULL, n_comb,
                 err);
    *n_used = want;
out:
    if (pick != idx)
        core_free(pick);
    gsl_rng_free(rng);
    core_free(idx);
    core_free(blk);
    return rc;
}

void opt_overfit_dsr(const struct opt_rows *rows, const momo_metrics *best,
                     const momo_equity_row *eq, size_t n_eq,
                     momo_overfit *of, double *work)
{
    size_t k = 0;
    double mean = 0, var = 0, skew, kurt, sr;
    struct opt_dsr d;

    for (size_t i = 0; i < rows->n; i++) {
        const momo_metrics *m = &rows->m[i];

        if (rows->state[i] == OPT_OK && isfinite(m->sharpe) &&
            m->periods_per_year > 0)
            work[k++] = m->sharpe / sqrt(m->periods_per_year);
    }
    for (size_t i = 0; i < k; i++)
        mean += work[i];
    mean = k ? mean / (double)k : NAN;
    for (size_t i = 0; i < k; i++)
        var += (work[i] - mean) * (work[i] - mean);
    var = k > 1 ? var / (double)(k - 1) : NAN;
    of->n_trials = (double)k;
    if (!eq || n_eq < 4 || !isfinite(best->sharpe))
        return;
    for (size_t t = 1; t < n_eq; t++)
        work[t - 1] = eq[t].equity / eq[t - 1].equity - 1.0;
    opt_moments(work, n_eq - 1, &skew, &kurt);
    sr = best->sharpe / sqrt(best->periods_per_year);
    opt_dsr(sr, (double)(n_eq - 1), skew, kurt, var, (double)k, &d);
    of->deflated_sharpe = d.dsr;
    of->expected_max_sharpe = d.sr0;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

void opt_overfit_degradation(momo_overfit *of, const momo_metrics *is,
                             const momo_metrics *oos)
{
    double iv[3], ov[3];

    if (!is || !oos)
        return;
    iv[0] = is->sharpe;
    ov[0] = oos->sharpe;
    iv[1] = is->max_drawdown;
    ov[1] = oos->max_drawdown;
    iv[2] = is->win_rate;
    ov[2] = oos->win_rate;
    for (int k = 0; k < 3; k++) {
        of->is_value[k] = iv[k];
        of->oos_value[k] = ov[k];
        if (!isfinite(iv[k]) || !isfinite(ov[k]) || iv[k] == 0)
            continue;
        of->degradation[k] = k == 1 ? (ov[k] - iv[k]) / fabs(iv[k])
                                    : (iv[k] - ov[k]) / fabs(iv[k]);
        of->flagged[k] = of->degradation[k] > OPT_DEGRADATION_FLAG;
    }
}

void opt_overfit_indicators(momo_overfit *of, double trades, size_t n_dims,
                            double min_trades, const double *sub, size_t K,
                            int sub_dir, double whole)
{
    size_t good = 0, have = 0;

    of->too_many_params = isfinite(trades) &&
        trades < OPT_TRADES_PER_PARAM * (double)n_dims;
    of->too_few_trades = !isfinite(trades) ||
        trades < fmax(isfinite(min_trades) ? min_trades : 0,
                      OPT_FEW_TRADES);
    for (size_t k = 0; sub && k < K; k++)
        if (isfinite(sub[k])) {
            have++;
            good += sub[k] > 0;
        }
    of->one_period_only = sub_dir > 0 && K >= 2 && have == K &&
        whole > 0 && good * 4 <= K;
}

void opt_overfit_score(momo_overfit *of)
{
    double w = 0, s = 0, g = -1;

    if (isfinite(of->pbo)) {
        s += 30 * of->pbo;
        w += 30;
    }
    if (isfinite(of->deflated_sharpe)) {
        s += 30 * (1 - of->deflated_sharpe);
        w += 30;
    }
    for (int k = 0; k < 3; k++)
        if (isfinite(of->degradation[k]))
            g = fmax(g, clamp01(of->degradation[k] /
                                (2 * OPT_DEGRADATION_FLAG)));
    if (g >= 0) {
        s += 25 * g;
        w += 25;
    }
    s += 15 * (of->too_many_params + of->too_few_trades +
               of->one_period_only) / 3.0;
    w += 15;
    of->score = 100 * s / w;
}

/*---- Advice ----*/

static int say(struct opt_advice *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int say(struct opt_advice *a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    if (a->n >= OPT_MAX_ADVICE)
        return MOMO_OK;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    a->v[a->n] = core_strdup(buf);
    if (!a->v[a->n])
        return MOMO_ENOMEM;
    a->n++;
    return MOMO_OK;
}

static const char *const deg_names[3] = { "sharpe", "max_drawdown",
                                          "win_rate" };

int opt_overfit_advise(const momo_overfit *of, int have_oos, double trades,
                       size_t n_dims, const struct opt_sensitivity *sens,
                       const momo_design *d, struct opt_advice *a)
{
    int rc = MOMO_OK;

    if (isfinite(of->pbo) && of->pbo > 0.5)
        rc |= say(a, "PBO is %.2f: the best in-sample combination falls "
                  "below the median out of sample in most CSCV splits, so "
                  "the search is mostly fitting noise; search fewer "
                  "parameters or coarser values, or use more history",
                  of->pbo);
    else if (isfinite(of->pbo) && of->pbo > 0.2)
        rc |= say(a, "PBO is %.2f: some selection bias; confirm the "
                  "choice on a validation range or by walk-forward",
                  of->pbo);
    if (isfinite(of->deflated_sharpe) && of->deflated_sharpe < 0.95)
        rc |= say(a, "the Deflated Sharpe Ratio is %.2f: after %.0f trials "
                  "the best Sharpe ratio is not significantly above what "
                  "luck alone gives (expected maximum %.3f per period)",
                  of->deflated_sharpe, of->n_trials,
                  of->expected_max_sharpe);
    for (int k = 0; k < 3; k++)
        if (of->flagged[k])
            rc |= say(a, "%s degrades by %.0f%% out of sample (%.3g in "
                      "sample, %.3g out of sample): above the 30%% "
                      "warning level", deg_names[k],
                      100 * of->degradation[k], of->is_value[k],
                      of->oos_value[k]);
    if (!have_oos)
        rc |= say(a, "no out-of-sample range: give --validate-from and "
                  "--validate-to (or use walk-forward) to measure the "
                  "degradation");
    if (of->too_many_params)
        rc |= say(a, "%.0f trades for %zu searched parameters (fewer than "
                  "%.0f per parameter): fix some parameters in the config",
                  trades, n_dims, OPT_TRADES_PER_PARAM);
    if (of->too_few_trades)
        rc |= say(a, "only %.0f trades: too few to tell skill from luck; "
                  "use a longer range or a wider universe", trades);
    if (of->one_period_only)
        rc |= say(a, "the result comes from one sub-period: the other "
                  "sub-periods lose; check the regime it depends on");
    for (size_t j = 0; sens && d && j < sens->n_dims; j++)
        if (sens->dims[j].fragile)
            rc |= say(a, "%s is fragile: across its range the mean metric "
                      "moves %.1f standard deviations; prefer a value in "
                      "a flat region", d->dims[j].param->name,
                      sens->dims[j].effect);
    if (a->n == 0 || (isfinite(of->score) && of->score < 30 &&
                      !of->too_many_params && !of->too_few_trades))
        rc |= say(a, "no strong sign of overfitting (score %.0f); keep a "
                  "final hold-out period untouched for the last check",
                  of->score);
    return rc ? MOMO_ENOMEM : MOMO_OK;
}

void opt_advice_release(struct opt_advice *a)
{
    for (size_t i = 0; i < a->n; i++)
        core_free(a->v[i]);
    a->n = 0;
}

/*---- overfitting.json ----*/

void opt_overfit_json(struct core_buf *b, const momo_overfit *of,
                      const struct opt_advice *a, const char *scope,
                      unsigned long seed, size_t S)
{
    core_buf_printf(b, "{\n  \"score\": ");
    opt_json_num(b, of->score);
    core_buf_printf(b, ",\n  \"pbo\": ");
    opt_json_num(b, of->pbo);
    core_buf_printf(b, ",\n  \"deflated_sharpe\": ");
    opt_json_num(b, of->deflated_sharpe);
    core_buf_printf(b, ",\n  \"expected_max_sharpe\": ");
    opt_json_num(b, of->expected_max_sharpe);
    core_buf_printf(b, ",\n  \"n_trials\": ");
    opt_json_num(b, of->n_trials);
    core_buf_printf(b, ",\n  \"scope\": ");
    opt_json_str(b, scope);
    core_buf_printf(b, ",\n  \"cscv\": {\"blocks\": %zu, \"combinations\": "
                    "%zu, \"trials\": %zu, \"subsample_seed\": %lu},\n"
                    "  \"degradation\": {\n", S, of->cscv_combinations,
                    of->cscv_trials, seed);
    for (int k = 0; k < 3; k++) {
        core_buf_printf(b, "    \"%s\": {\"in_sample\": ", deg_names[k]);
        opt_json_num(b, of->is_value[k]);
        core_buf_printf(b, ", \"out_of_sample\": ");
        opt_json_num(b, of->oos_value[k]);
        core_buf_printf(b, ", \"degradation\": ");
        opt_json_num(b, of->degradation[k]);
        core_buf_printf(b, ", \"flagged\": %s}%s\n",
                        of->flagged[k] ? "true" : "false",
                        k < 2 ? "," : "");
    }
    core_buf_printf(b, "  },\n  \"indicators\": {\"too_many_parameters\": "
                    "%s, \"too_few_trades\": %s, \"one_period_only\": %s},\n"
                    "  \"suggestions\": [",
                    of->too_many_params ? "true" : "false",
                    of->too_few_trades ? "true" : "false",
                    of->one_period_only ? "true" : "false");
    for (size_t i = 0; a && i < a->n; i++) {
        core_buf_printf(b, "%s\n    ", i ? "," : "");
        opt_json_str(b, a->v[i]);
    }
    core_buf_printf(b, "%s]\n}\n", a && a->n ? "\n  " : "");
}

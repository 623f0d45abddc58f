/* montecarlo.c - the range of outcomes of one backtest.
 *
 * In:  a run's equity rows and trades (shuffle, resample, block), or the
 *      engine, parameters and window to re-run (noise).
 * Out: per simulation the final return, CAGR, max drawdown, Sharpe and
 *      longest drawdown of its path; their percentiles, the probability
 *      of a loss and of ruin, and a percentile fan of the equity paths.
 *
 * Paths of the trade methods live on the run's calendar: the k-th trade
 * of the new order books its P&L on the exit date of the run's k-th
 * trade, so every path has the run's rows and dates and its metrics come
 * from met_from_equity like any run's. Each simulation seeds its own
 * MT19937 from (seed, index), so threads never share a generator and the
 * result does not depend on how many there are. Formulas:
 * docs/internals/analysis.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/analysis.h"
#include "core/core.h"
#include "metrics/metrics.h"

#define SIMS_PER_JOB 32
#define FAN_CELLS    ((size_t)25000000)   /* sims x fan points, at most */

struct momo_mc_result {
    momo_mc_summary sum;
    double *values[MOMO_MC_N_STATS];    /* sims each */
    size_t n_fan;
    int32_t *fan_date;
    double *fan_band[5], *fan_obs;
    double *samples;                    /* n_samples x n_fan */
    const double *sample_ptr[MOMO_MC_SAMPLE_PATHS];
    size_t n_samples;
};

static const char *const method_names[MOMO_MC_N_METHODS] = {
    "shuffle", "resample", "block", "noise"
};

static const char *const stat_names[MOMO_MC_N_STATS] = {
    "final_return", "cagr", "max_drawdown", "sharpe", "longest_drawdown"
};

const char *momo_mc_method_name(int method)
{
    if (method < 0 || method >= MOMO_MC_N_METHODS)
        return NULL;
    return method_names[method];
}

int momo_mc_method_parse(const char *s)
{
    for (int k = 0; k < MOMO_MC_N_METHODS; k++)
        if (strcmp(s, method_names[k]) == 0)
            return k;
    return -1;
}

const char *momo_mc_stat_name(int stat)
{
    if (stat < 0 || stat >= MOMO_MC_N_STATS)
        return NULL;
    return stat_names[stat];
}

momo_mc_opts momo_mc_default_opts(void)
{
    momo_mc_opts o;

    memset(&o, 0, sizeof(o));
    o.method = MOMO_MC_SHUFFLE;
    o.sims = 10000;
    o.seed = 1;
    o.ruin_drawdown = 0.30;
    o.block_length = 20;
    o.noise_bps = 10;
    return o;
}

static int check_opts(const momo_mc_opts *o, momo_err *err)
{
    if (o->method < 0 || o->method >= MOMO_MC_N_METHODS)
        return momo_err_set(err, MOMO_EINVAL, "unknown Monte Carlo method %d",
                            o->method);
    if (o->sims < MOMO_MC_MIN_SIMS || o->sims > MOMO_MC_MAX_SIMS)
        return momo_err_set(err, MOMO_EINVAL,
                            "sims: %zu is out of range %d..%d", o->sims,
                            MOMO_MC_MIN_SIMS, MOMO_MC_MAX_SIMS);
    if (!(o->ruin_drawdown > 0 && o->ruin_drawdown <= 1))
        return momo_err_set(err, MOMO_EINVAL,
                            "ruin drawdown: %g is out of range (0, 1]",
                            o->ruin_drawdown);
    if (!(o->block_length >= 1 && o->block_length <= 1e6))
        return momo_err_set(err, MOMO_EINVAL,
                            "block length: %g is out of range 1..1000000",
                            o->block_length);
    if (!(o->noise_bps > 0 && o->noise_bps <= 1000))
        return momo_err_set(err, MOMO_EINVAL,
                            "noise: %g bps is out of range (0, 1000]",
                            o->noise_bps);
    return MOMO_OK;
}

/*---- Seeds ----*/

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The stream of simulation `sim`: MT19937 takes 32 seed bits; offsetting
 * one mixed base by the index keeps the streams of one run distinct. */
static unsigned long sim_seed(uint64_t seed, size_t sim)
{
    return (unsigned long)((splitmix64(seed) + (uint64_t)sim) &
                           0xffffffffULL);
}

/* The fill-noise key of simulation `sim` (64 bits, see momo_fill_noise). */
static uint64_t noise_seed(uint64_t seed, size_t sim)
{
    return splitmix64(seed ^ splitmix64((uint64_t)sim + 1));
}

/*---- One simulation ----*/

struct scratch {
    gsl_rng rng;                 /* state from core_malloc */
    double *work;                /* n_trades P&L, reordered */
    momo_equity_row *rows;       /* n_eq */
    momo_workspace *ws;          /* noise */
};

struct mc_job {
    const momo_mc_opts *o;
    const momo_mc_input *in;
    const size_t *slot;          /* row of each trade's exit date */
    const double *pnl;           /* base P&L of the trades */
    const double *ret;           /* n_eq - 1 daily returns (block) */
    /* noise */
    const momo_params *p;
    const momo_window *win;
    struct scratch *scr;         /* per worker */
    momo_mc_result *res;
    const size_t *fan_row;
    double *paths;               /* n_fan x sims, column j at j * sims */
    int *job_rc;
    momo_err *job_err;
};

/* Equity of the trades work[0..n) booked on the rows of `slot`; once
 * equity reaches 0 the path is ruined and stays at 0. */
static void trade_path(const momo_mc_input *in, const size_t *slot,
                       const double *work, momo_equity_row *rows)
{
    double cum = in->eq[0].equity;
    size_t k = 0;
    int ruined = 0;

    for (size_t t = 0; t < in->n_eq; t++) {
        while (k < in->n_trades && slot[k] == t)
            cum += work[k++];
        if (cum <= 0)
            ruined = 1;
        rows[t].date = in->eq[t].date;
        rows[t].equity = ruined ? 0.0 : cum;
        rows[t].cash = rows[t].equity;
        rows[t].positions = 0;
    }
}

/* Politis and Romano's stationary bootstrap of the returns ret[0..m):
 * blocks start at a uniform index and end with probability 1/L after
 * each day, wrapping around the end. */
static void block_path(const momo_mc_input *in, const double *ret,
                       double block_length, const gsl_rng *r,
                       momo_equity_row *rows)
{
    size_t m = in->n_eq - 1, idx = 0;
    double e = in->eq[0].equity, p_new = 1.0 / block_length;

    rows[0] = in->eq[0];
    rows[0].positions = 0;
    for (size_t t = 1; t < in->n_eq; t++) {
        if (t == 1 || gsl_rng_uniform(r) < p_new)
            idx = (size_t)gsl_rng_uniform_int(r, (unsigned long)m);
        else
            idx = idx + 1 < m ? idx + 1 : 0;
        e *= 1.0 + ret[idx];
        rows[t].date = in->eq[t].date;
        rows[t].equity = e;
        rows[t].cash = e;
        rows[t].positions = 0;
    }
}

static void store(struct mc_job *job, size_t sim, const momo_metrics *m,
                  const momo_equity_row *rows)
{
    momo_mc_result *res = job->res;
    size_t sims = res->sum.sims;

    res->values[MOMO_MC_FINAL_RETURN][sim] = m->total_return;
    res->values[MOMO_MC_CAGR][sim] = m->cagr;
    res->values[MOMO_MC_MAX_DRAWDOWN][sim] = m->max_drawdown;
    res->values[MOMO_MC_SHARPE][sim] = m->sharpe;
    res->values[MOMO_MC_LONGEST_DRAWDOWN][sim] = m->max_drawdown_duration;
    for (size_t j = 0; j < res->n_fan; j++)
        job->paths[j * sims + sim] = rows[job->fan_row[j]].equity;
}

static void simulate(struct mc_job *job, size_t sim, struct scratch *s,
                     momo_err *err, int *rc)
{
    const momo_mc_input *in = job->in;
    momo_metrics m;

    gsl_rng_set(&s->rng, sim_seed(job->o->seed, sim));
    switch (job->o->method) {
    case MOMO_MC_SHUFFLE:
        memcpy(s->work, job->pnl, in->n_trades * sizeof(double));
        gsl_ran_shuffle(&s->rng, s->work, in->n_trades, sizeof(double));
        trade_path(in, job->slot, s->work, s->rows);
        break;
    case MOMO_MC_RESAMPLE:
        gsl_ran_sample(&s->rng, s->work, in->n_trades, (void *)job->pnl,
                       in->n_trades, sizeof(double));
        trade_path(in, job->slot, s->work, s->rows);
        break;
    case MOMO_MC_BLOCK:
        block_path(in, job->ret, job->o->block_length, &s->rng, s->rows);
        break;
    default: {
        momo_fill_noise nz;
        const momo_equity_row *eq;
        size_t n;

        nz.bps = job->o->noise_bps;
        nz.seed = noise_seed(job->o->seed, sim);
        *rc = momo_backtest_eval_noisy(s->ws, job->p, job->win, &nz, &m,
                                       err);
        if (*rc != MOMO_OK)
            return;
        eq = momo_workspace_equity(s->ws, &n);
        if (n != in->n_eq) {
            *rc = momo_err_set(err, MOMO_EINTERNAL,
                               "a noisy run has %zu rows, not %zu", n,
                               in->n_eq);
            return;
        }
        store(job, sim, &m, eq);
        return;
    }
    }
    met_from_equity(s->rows, in->n_eq, in->periods_per_year, in->risk_free,
                    &m);
    store(job, sim, &m, s->rows);
}

static void run_job(void *ctx, size_t j, int worker)
{
    struct mc_job *job = ctx;
    size_t lo = j * SIMS_PER_JOB, hi = lo + SIMS_PER_JOB;

    if (hi > job->res->sum.sims)
        hi = job->res->sum.sims;
    for (size_t sim = lo; sim < hi && job->job_rc[j] == MOMO_OK; sim++)
        simulate(job, sim, &job->scr[worker], &job->job_err[j],
                 &job->job_rc[j]);
}

/*---- Fan and summary ----*/

static void fan_column(void *ctx, size_t j, int worker)
{
    struct mc_job *job = ctx;
    momo_mc_result *res = job->res;
    size_t sims = res->sum.sims, m;
    double *sorted = job->scr[worker].work;
    static const double q[5] = { 0.05, 0.25, 0.50, 0.75, 0.95 };

    m = ana_sort_finite(job->paths + j * sims, sims, sorted);
    for (int b = 0; b < 5; b++)
        res->fan_band[b][j] = ana_quantile(sorted, m, q[b]);
}

static void summarize(momo_mc_result *res, double *scratch)
{
    momo_mc_summary *s = &res->sum;
    size_t n = s->sims, loss = 0, ruin = 0;

    for (int k = 0; k < MOMO_MC_N_STATS; k++) {
        size_t m = ana_sort_finite(res->values[k], n, scratch);

        s->n_defined[k] = m;
        ana_pctl(scratch, m, &s->pct[k]);
        s->mean[k] = m ? gsl_stats_mean(scratch, 1, m) : NAN;
        if (k == MOMO_MC_FINAL_RETURN) {
            s->end_low = ana_quantile(scratch, m, 0.025);
            s->end_high = ana_quantile(scratch, m, 0.975);
        }
    }
    for (size_t i = 0; i < n; i++) {
        loss += res->values[MOMO_MC_FINAL_RETURN][i] < 0;
        ruin += res->values[MOMO_MC_MAX_DRAWDOWN][i] >= s->ruin_drawdown;
    }
    s->prob_loss = (double)loss / (double)n;
    s->risk_of_ruin = (double)ruin / (double)n;
}

/*---- Driver ----*/

void momo_mc_result_free(momo_mc_result *r)
{
    if (!r)
        return;
    for (int k = 0; k < MOMO_MC_N_STATS; k++)
        core_free(r->values[k]);
    for (int b = 0; b < 5; b++)
        core_free(r->fan_band[b]);
    core_free(r->fan_obs);
    core_free(r->fan_date);
    core_free(r->samples);
    core_free(r);
}

static void observe(momo_mc_result *res, const momo_metrics *m)
{
    res->sum.observed[MOMO_MC_FINAL_RETURN] = m->total_return;
    res->sum.observed[MOMO_MC_CAGR] = m->cagr;
    res->sum.observed[MOMO_MC_MAX_DRAWDOWN] = m->max_drawdown;
    res->sum.observed[MOMO_MC_SHARPE] = m->sharpe;
    res->sum.observed[MOMO_MC_LONGEST_DRAWDOWN] = m->max_drawdown_duration;
}

static int check_input(const momo_mc_input *in, int method, size_t *slot,
                       momo_err *err)
{
    size_t t = 0;

    if (!in->eq || in->n_eq < 2)
        return momo_err_set(err, MOMO_EINVAL,
                            "Monte Carlo needs at least 2 equity rows, "
                            "got %zu", in->eq ? in->n_eq : (size_t)0);
    if (!(in->eq[0].equity > 0))
        return momo_err_set(err, MOMO_EINVAL,
                            "the starting equity must be > 0, got %g",
                            in->eq[0].equity);
    if (!(in->periods_per_year > 0))
        return momo_err_set(err, MOMO_EINVAL,
                            "periods per year must be > 0, got %g",
                            in->periods_per_year);
    if ((method == MOMO_MC_SHUFFLE || method == MOMO_MC_RESAMPLE) &&
        in->n_trades == 0)
        return momo_err_set(err, MOMO_EINVAL,
                            "the backtest made no trade: nothing to %s",
                            method_names[method]);
    for (size_t k = 0; k < in->n_trades && slot; k++) {
        while (t < in->n_eq && in->eq[t].date < in->trades[k].exit_date)
            t++;
        if (t == in->n_eq || in->eq[t].date != in->trades[k].exit_date)
            return momo_err_set(err, MOMO_EINVAL,
                                "trade %zu exits on a date that is not "
                                "an equity row, or trades are not in "
                                "exit-date order", k + 1);
        slot[k] = t;
    }
    return MOMO_OK;
}

static int alloc_scratch(struct mc_job *job, int nw, int noise,
                         const momo_engine *eng, momo_err *err)
{
    const momo_mc_input *in = job->in;
    size_t work = in->n_trades > job->res->sum.sims ? in->n_trades
                                                    : job->res->sum.sims;

    job->scr = core_calloc((size_t)nw, sizeof(*job->scr));
    if (!job->scr)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (int w = 0; w < nw; w++) {
        struct scratch *s = &job->scr[w];

        s->rng.type = gsl_rng_mt19937;
        s->rng.state = core_malloc(gsl_rng_mt19937->size);
        s->work = core_malloc((work + 1) * sizeof(double));
        s->rows = core_malloc(in->n_eq * sizeof(momo_equity_row));
        if (!s->rng.state || !s->work || !s->rows)
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
        if (noise) {
            int rc = momo_workspace_new(eng, &s->ws, err);

            if (rc != MOMO_OK)
                return rc;
        }
    }
    return MOMO_OK;
}

static void free_scratch(struct mc_job *job, int nw)
{
    for (int w = 0; job->scr && w < nw; w++) {
        core_free(job->scr[w].rng.state);
        core_free(job->scr[w].work);
        core_free(job->scr[w].rows);
        momo_workspace_free(job->scr[w].ws);
    }
    core_free(job->scr);
}

/* Pick the fan's rows: evenly spaced over the n_eq rows, first and last
 * included, at most MOMO_MC_FAN_POINTS and at most FAN_CELLS / sims. */
static size_t fan_rows(size_t n_eq, size_t sims, size_t *row)
{
    size_t n = MOMO_MC_FAN_POINTS;

    if (n > n_eq)
        n = n_eq;
    if (n * sims > FAN_CELLS)
        n = FAN_CELLS / sims;
    if (n < 2)
        n = 2;
    for (size_t j = 0; j < n; j++)
        row[j] = (size_t)llround((double)j * (double)(n_eq - 1) /
                                 (double)(n - 1));
    return n;
}

static int simulate_all(const momo_mc_input *in, const momo_mc_opts *o,
                        const momo_engine *eng, const momo_params *p,
                        const momo_window *win, const momo_metrics *base,
                        momo_mc_result **out, momo_err *err)
{
    struct mc_job job;
    momo_mc_result *res = NULL;
    size_t *slot = NULL, fan_row[MOMO_MC_FAN_POINTS];
    size_t n_jobs = (o->sims + SIMS_PER_JOB - 1) / SIMS_PER_JOB;
    double *pnl = NULL, *ret = NULL;
    int nw = ana_n_workers(n_jobs, o->threads), rc;

    memset(&job, 0, sizeof(job));
    *out = NULL;
    rc = check_opts(o, err);
    if (rc != MOMO_OK)
        return rc;
    if (o->method != MOMO_MC_NOISE && in->n_trades > 0) {
        slot = core_malloc(in->n_trades * sizeof(*slot));
        pnl = core_malloc(in->n_trades * sizeof(*pnl));
        if (!slot || !pnl)
            goto nomem;
        for (size_t k = 0; k < in->n_trades; k++)
            pnl[k] = in->trades[k].pnl;
    }
    rc = check_input(in, o->method, slot, err);
    if (rc != MOMO_OK)
        goto out;
    res = core_calloc(1, sizeof(*res));
    if (!res)
        goto nomem;
    res->sum.method = o->method;
    res->sum.sims = o->sims;
    res->sum.seed = o->seed;
    res->sum.ruin_drawdown = o->ruin_drawdown;
    res->sum.block_length = o->block_length;
    res->sum.noise_bps = o->noise_bps;
    res->sum.n_trades = in->n_trades;
    res->sum.n_days = in->n_eq;
    res->sum.first_date = in->eq[0].date;
    res->sum.last_date = in->eq[in->n_eq - 1].date;
    res->sum.initial_capital = in->eq[0].equity;
    res->n_fan = fan_rows(in->n_eq, o->sims, fan_row);
    for (int k = 0; k < MOMO_MC_N_STATS; k++)
        if (!(res->values[k] = core_malloc(o->sims * sizeof(double))))
            goto nomem;
    for (int b = 0; b < 5; b++)
        if (!(res->fan_band[b] = core_malloc(res->n_fan * sizeof(double))))
            goto nomem;
    res->fan_obs = core_malloc(res->n_fan * sizeof(double));
    res->fan_date = core_malloc(res->n_fan * sizeof(int32_t));
    job.paths = core_malloc(res->n_fan * o->sims * sizeof(double));
    job.job_rc = core_calloc(n_jobs, sizeof(int));
    job.job_err = core_calloc(n_jobs, sizeof(momo_err));
    if (o->method == MOMO_MC_BLOCK)
        ret = core_malloc((in->n_eq - 1) * sizeof(double));
    if (!res->fan_obs || !res->fan_date || !job.paths || !job.job_rc ||
        !job.job_err || (o->method == MOMO_MC_BLOCK && !ret))
        goto nomem;
    for (size_t t = 1; ret && t < in->n_eq; t++)
        ret[t - 1] = in->eq[t].equity / in->eq[t - 1].equity - 1.0;
    job.o = o;
    job.in = in;
    job.slot = slot;
    job.pnl = pnl;
    job.ret = ret;
    job.p = p;
    job.win = win;
    job.res = res;
    job.fan_row = fan_row;
    rc = alloc_scratch(&job, nw, o->method == MOMO_MC_NOISE, eng, err);
    if (rc != MOMO_OK)
        goto out;

    /* the base path, built as the simulations build theirs */
    if (o->method == MOMO_MC_SHUFFLE || o->method == MOMO_MC_RESAMPLE) {
        momo_metrics m;

        trade_path(in, slot, pnl, job.scr[0].rows);
        met_from_equity(job.scr[0].rows, in->n_eq, in->periods_per_year,
                        in->risk_free, &m);
        observe(res, &m);
        for (size_t j = 0; j < res->n_fan; j++)
            res->fan_obs[j] = job.scr[0].rows[fan_row[j]].equity;
    } else {
        momo_metrics m;

        if (!base) {                /* block from given rows */
            met_from_equity(in->eq, in->n_eq, in->periods_per_year,
                            in->risk_free, &m);
            base = &m;
        }
        observe(res, base);
        for (size_t j = 0; j < res->n_fan; j++)
            res->fan_obs[j] = in->eq[fan_row[j]].equity;
    }
    for (size_t j = 0; j < res->n_fan; j++)
        res->fan_date[j] = in->eq[fan_row[j]].date;

    rc = ana_run_jobs(n_jobs, o->threads, run_job, &job, o->progress,
                      o->progress_ud, o->interrupt);
    if (rc == MOMO_EINTR) {
        rc = momo_err_set(err, MOMO_EINTR, "interrupted");
        goto out;
    }
    for (size_t j = 0; j < n_jobs; j++)
        if (job.job_rc[j] != MOMO_OK) {
            rc = momo_err_set(err, job.job_rc[j], "%s", job.job_err[j].msg);
            goto out;
        }
    ana_run_jobs(res->n_fan, nw, fan_column, &job, NULL, NULL, NULL);
    summarize(res, job.scr[0].work);
    res->n_samples = o->sims < MOMO_MC_SAMPLE_PATHS ? o->sims
                                                    : MOMO_MC_SAMPLE_PATHS;
    res->samples = core_malloc(res->n_samples * res->n_fan *
                               sizeof(double));
    if (!res->samples)
        goto nomem;
    for (size_t k = 0; k < res->n_samples; k++) {
        double *row = res->samples + k * res->n_fan;

        for (size_t j = 0; j < res->n_fan; j++)
            row[j] = job.paths[j * o->sims + k];
        res->sample_ptr[k] = row;
    }
    *out = res;
    res = NULL;
    goto out;
nomem:
    rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
out:
    free_scratch(&job, nw);
    core_free(job.paths);
    core_free(job.job_rc);
    core_free(job.job_err);
    core_free(slot);
    core_free(pnl);
    core_free(ret);
    momo_mc_result_free(res);
    return rc;
}

int momo_montecarlo_paths(const momo_mc_input *in, const momo_mc_opts *o,
                          momo_mc_result **out, momo_err *err)
{
    *out = NULL;
    if (o->method == MOMO_MC_NOISE)
        return momo_err_set(err, MOMO_EINVAL,
                            "the noise method re-runs the engine: use "
                            "momo_montecarlo_run");
    return simulate_all(in, o, NULL, NULL, NULL, NULL, out, err);
}

int momo_montecarlo_run(const momo_engine *eng, const momo_params *p,
                        const momo_window *win, const momo_mc_opts *o,
                        momo_mc_result **out, momo_err *err)
{
    momo_result *base = NULL;
    momo_mc_input in;
    int rc;

    *out = NULL;
    rc = check_opts(o, err);
    if (rc == MOMO_OK)
        rc = momo_backtest_run(eng, p, win, &base, err);
    if (rc != MOMO_OK)
        return rc;
    memset(&in, 0, sizeof(in));
    in.eq = momo_result_equity(base, &in.n_eq);
    in.trades = momo_result_trades(base, &in.n_trades);
    in.periods_per_year = momo_result_metrics(base)->periods_per_year;
    in.risk_free = p->risk_free;
    rc = simulate_all(&in, o, eng, p, win, momo_result_metrics(base), out,
                      err);
    momo_result_free(base);
    return rc;
}

/*---- Access ----*/

const momo_mc_summary *momo_mc_result_summary(const momo_mc_result *r)
{
    return &r->sum;
}

const double *momo_mc_result_values(const momo_mc_result *r, int stat,
                                    size_t *n)
{
    if (stat < 0 || stat >= MOMO_MC_N_STATS) {
        *n = 0;
        return NULL;
    }
    *n = r->sum.sims;
    return r->values[stat];
}

void momo_mc_result_fan(const momo_mc_result *r, momo_mc_fan *out)
{
    out->n = r->n_fan;
    out->date = r->fan_date;
    for (int b = 0; b < 5; b++)
        out->band[b] = r->fan_band[b];
    out->observed = r->fan_obs;
    out->n_samples = r->n_samples;
    out->sample = r->sample_ptr;
}

/*---- Output ----*/

static void json_pctl(FILE *f, const momo_mc_summary *s, int k)
{
    const momo_pctl *q = &s->pct[k];

    fprintf(f, "  \"%s\": {\"p5\": ", stat_names[k]);
    ana_json_num(f, q->p5);
    fputs(", \"p25\": ", f);
    ana_json_num(f, q->p25);
    fputs(", \"p50\": ", f);
    ana_json_num(f, q->p50);
    fputs(", \"p75\": ", f);
    ana_json_num(f, q->p75);
    fputs(", \"p95\": ", f);
    ana_json_num(f, q->p95);
    fputs(", \"mean\": ", f);
    ana_json_num(f, s->mean[k]);
    fputs(", \"observed\": ", f);
    ana_json_num(f, s->observed[k]);
    fprintf(f, ", \"defined\": %zu},\n", s->n_defined[k]);
}

static void statement(const momo_mc_summary *s, char *buf, size_t n)
{
    char a[32], b[32];

    snprintf(buf, n, "95%% of paths end between %s and %s total return",
             ana_fmt_pct(s->end_low, a), ana_fmt_pct(s->end_high, b));
}

int momo_mc_result_write_json(const momo_mc_result *r, FILE *f)
{
    const momo_mc_summary *s = &r->sum;
    char text[160];

    fprintf(f, "{\n  \"method\": \"%s\",\n  \"sims\": %zu,\n",
            method_names[s->method], s->sims);
    fprintf(f, "  \"seed\": %llu,\n", (unsigned long long)s->seed);
    fputs("  \"from\": ", f);
    ana_json_date(f, s->first_date);
    fputs(",\n  \"to\": ", f);
    ana_json_date(f, s->last_date);
    fprintf(f, ",\n  \"days\": %zu,\n  \"trades\": %zu,\n", s->n_days,
            s->n_trades);
    fputs("  \"initial_capital\": ", f);
    ana_json_num(f, s->initial_capital);
    fputs(",\n  \"block_length\": ", f);
    ana_json_num(f, s->method == MOMO_MC_BLOCK ? s->block_length : NAN);
    fputs(",\n  \"noise_bps\": ", f);
    ana_json_num(f, s->method == MOMO_MC_NOISE ? s->noise_bps : NAN);
    fputs(",\n", f);
    for (int k = 0; k < MOMO_MC_N_STATS; k++)
        json_pctl(f, s, k);
    fputs("  \"prob_loss\": ", f);
    ana_json_num(f, s->prob_loss);
    fputs(",\n  \"ruin_drawdown\": ", f);
    ana_json_num(f, s->ruin_drawdown);
    fputs(",\n  \"risk_of_ruin\": ", f);
    ana_json_num(f, s->risk_of_ruin);
    fputs(",\n  \"final_return_95\": [", f);
    ana_json_num(f, s->end_low);
    fputs(", ", f);
    ana_json_num(f, s->end_high);
    statement(s, text, sizeof(text));
    fputs("],\n  \"confidence\": ", f);
    ana_json_str(f, text);
    fputs("\n}\n", f);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static void text_row(FILE *f, const momo_mc_summary *s, int k)
{
    const momo_pctl *q = &s->pct[k];
    const double v[6] = { s->observed[k], q->p5, q->p25, q->p50, q->p75,
                          q->p95 };
    static const char *const label[MOMO_MC_N_STATS] = {
        "final return", "CAGR", "max drawdown", "Sharpe",
        "longest drawdown"
    };

    fprintf(f, "%-18s", label[k]);
    for (int i = 0; i < 6; i++) {
        char b[32];

        if (k == MOMO_MC_SHARPE)
            fprintf(f, " %9s", ana_fmt_num(v[i], b));
        else if (k == MOMO_MC_LONGEST_DRAWDOWN)
            fprintf(f, " %8.0fd", v[i]);
        else
            fprintf(f, " %9s", ana_fmt_pct(v[i], b));
    }
    fputc('\n', f);
}

int momo_mc_result_write_text(const momo_mc_result *r, FILE *f)
{
    const momo_mc_summary *s = &r->sum;
    char a[11], b[11], p1[32], p2[32], text[160];

    fprintf(f, "Monte Carlo     %s, %zu simulations (seed %llu)",
            method_names[s->method], s->sims, (unsigned long long)s->seed);
    if (s->method == MOMO_MC_BLOCK)
        fprintf(f, ", mean block %g days", s->block_length);
    if (s->method == MOMO_MC_NOISE)
        fprintf(f, ", fills +-%g bps", s->noise_bps);
    fprintf(f, "\nbase run        %s .. %s, %zu days, %zu trades\n\n",
            core_format_date(s->first_date, a),
            core_format_date(s->last_date, b), s->n_days, s->n_trades);
    fprintf(f, "%-18s %9s %9s %9s %9s %9s %9s\n", "", "observed", "p5",
            "p25", "p50", "p75", "p95");
    for (int k = 0; k < MOMO_MC_N_STATS; k++)
        text_row(f, s, k);
    fprintf(f, "\nP(loss)         %s\n", ana_fmt_pct(s->prob_loss, p1));
    fprintf(f, "risk of ruin    %s (max drawdown reaching %s)\n",
            ana_fmt_pct(s->risk_of_ruin, p1),
            ana_fmt_pct(s->ruin_drawdown, p2));
    statement(s, text, sizeof(text));
    fprintf(f, "%s.\n", text);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static int write_json_cb(const void *obj, FILE *f)
{
    return momo_mc_result_write_json(obj, f);
}

static int write_text_cb(const void *obj, FILE *f)
{
    return momo_mc_result_write_text(obj, f);
}

int momo_mc_result_write(const momo_mc_result *r, const char *dir,
                         momo_err *err)
{
    int rc = ana_write_file(dir, "montecarlo.json", write_json_cb, r, err);

    if (rc == MOMO_OK)
        rc = ana_write_file(dir, "montecarlo.txt", write_text_cb, r, err);
    return rc;
}

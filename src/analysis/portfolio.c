/* portfolio.c - simulate a benchmark portfolio with the strategy's costs.
 *
 * In:  dataset symbols, the rows (calendar dates) of the strategy's
 *      window, a rebalancing schedule and a function giving the target
 *      weights at each decision.
 * Out: one equity row per date, comparable with the strategy's.
 *
 * The timing and costs are the engine's (STRATEGY.md 7, 11.10): a
 * decision at the close of a row fills at the open of each symbol's
 * next bar, sells before buys, each buy cut to the cash available;
 * every order pays slippage and commission; stocks, ETFs and bonds
 * trade whole shares, crypto whole lots; the last row sells everything
 * at its close. At a rebalance a holding is traded only when it is off
 * its target by more than REBALANCE_BAND of the target quantity, or
 * enters or leaves the portfolio (tolerance-band rebalancing), so a
 * many-symbol portfolio does not pay a minimum commission on every tiny
 * drift each month. docs/internals/analysis.md has the rules in full.
 */
#include <math.h>
#include <string.h>

#include "analysis/analysis.h"
#include "core/core.h"

#define REBALANCE_BAND 0.10
#define RECENT_DAYS    7

struct pf_sym {
    momo_series s;
    int crypto;
    double unit;          /* quantity of one unit: 1 share, or one lot */
    size_t cur;           /* bars dated <= today: s.date[0..cur) */
    double held;          /* units */
    double order;         /* pending change in units: + buy, - sell */
    size_t order_bar;     /* fills at the open of this bar */
};

struct pf {
    const momo_params *p;
    struct pf_sym *sym;
    size_t n;
    double cash;
};

static double slip_of(const struct pf *pf, const struct pf_sym *s)
{
    return (s->crypto ? pf->p->slippage_bps_crypto
                      : pf->p->slippage_bps_stock) / 10000.0;
}

static double commission(const struct pf *pf, const struct pf_sym *s,
                         double qty, double px)
{
    if (s->crypto)
        return (qty * px) * (pf->p->fee_bps_crypto / 10000.0);
    return fmax(pf->p->commission_min, pf->p->commission_per_share * qty);
}

static void sell(struct pf *pf, struct pf_sym *s, double units, double px)
{
    double q = units * s->unit, fill = px * (1.0 - slip_of(pf, s));

    pf->cash += q * fill - commission(pf, s, q, fill);
    s->held -= units;
}

/* The largest number of units, at most `want`, whose cost with
 * commission fits the cash (docs/methods.md's cash cut). */
static double affordable(const struct pf *pf, const struct pf_sym *s,
                         double want, double fill)
{
    double cash = pf->cash, u;

    if (s->crypto) {
        u = floor(cash / ((s->unit * fill) *
                          (1.0 + pf->p->fee_bps_crypto / 10000.0)));
    } else {
        u = floor(cash / (fill + pf->p->commission_per_share));
        if (pf->p->commission_per_share * u < pf->p->commission_min)
            u = floor((cash - pf->p->commission_min) / fill);
    }
    if (u > want)
        u = want;
    while (u > 0 && (u * s->unit) * fill +
                    commission(pf, s, u * s->unit, fill) > cash)
        u -= 1;
    return u > 0 ? u : 0;
}

static void buy(struct pf *pf, struct pf_sym *s, double units, double px)
{
    double fill = px * (1.0 + slip_of(pf, s)), u, q;

    u = affordable(pf, s, units, fill);
    if (u <= 0)
        return;
    q = u * s->unit;
    pf->cash -= q * fill + commission(pf, s, q, fill);
    s->held += u;
}

/* Orders whose fill bar is dated <= today fill at its open: sells of
 * every symbol first, then buys in symbol order. */
static void fill_orders(struct pf *pf)
{
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < pf->n; i++) {
            struct pf_sym *s = &pf->sym[i];

            if (s->order == 0 || s->order_bar >= s->cur)
                continue;
            if (side == 0 && s->order < 0) {
                sell(pf, s, fmin(-s->order, s->held),
                     s->s.open[s->order_bar]);
                s->order = 0;
            } else if (side == 1 && s->order > 0) {
                buy(pf, s, s->order, s->s.open[s->order_bar]);
                s->order = 0;
            }
        }
}

static double mark(const struct pf *pf, int *positions)
{
    double e = pf->cash;

    *positions = 0;
    for (size_t i = 0; i < pf->n; i++) {
        const struct pf_sym *s = &pf->sym[i];

        if (s->held > 0) {
            e += (s->held * s->unit) * s->s.close[s->cur - 1];
            (*positions)++;
        }
    }
    return e;
}

static void liquidate(struct pf *pf)
{
    for (size_t i = 0; i < pf->n; i++) {
        struct pf_sym *s = &pf->sym[i];

        s->order = 0;
        if (s->held > 0)
            sell(pf, s, s->held, s->s.close[s->cur - 1]);
    }
}

static void rebalance(struct pf *pf, const double *w, double equity)
{
    for (size_t i = 0; i < pf->n; i++) {
        struct pf_sym *s = &pf->sym[i];
        double target = 0, px;

        s->order = 0;
        if (s->cur == 0)
            continue;
        px = s->s.close[s->cur - 1];
        if (w[i] > 0)
            target = floor((w[i] * equity) / (px * s->unit));
        if (target == s->held)
            continue;
        if (target > 0 && s->held > 0 &&
            fabs(target - s->held) <= REBALANCE_BAND * target)
            continue;
        s->order = target - s->held;
        s->order_bar = s->cur;
    }
}

int ana_is_rebalance_row(const int32_t *days, size_t n, size_t t)
{
    int y, m, d, y2, m2;

    if (t == 0)
        return n > 1;
    if (t + 1 >= n || core_weekday(days[t]) >= 5)
        return 0;
    core_civil_from_days(days[t], &y, &m, &d);
    for (size_t u = t + 1; u < n; u++) {
        core_civil_from_days(days[u], &y2, &m2, &d);
        if (y2 != y || m2 != m)
            return 1;
        if (core_weekday(days[u]) < 5)
            return 0;            /* a later weekday in the same month */
    }
    return 0;                    /* the window ends within the month */
}

int ana_pf_simulate(const momo_dataset *ds, const momo_params *p,
                    const uint32_t *syms, size_t n, const int32_t *days,
                    size_t n_days, int schedule, ana_weights_fn fn,
                    void *ctx, momo_equity_row *eq, momo_err *err)
{
    struct pf pf;
    double *close = core_malloc((n + 1) * sizeof(double));
    double *w = core_malloc((n + 1) * sizeof(double));
    int *recent = core_malloc((n + 1) * sizeof(int));

    pf.p = p;
    pf.n = n;
    pf.cash = p->initial_capital;
    pf.sym = core_calloc(n + 1, sizeof(*pf.sym));
    if (!close || !w || !recent || !pf.sym) {
        core_free(close);
        core_free(w);
        core_free(recent);
        core_free(pf.sym);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        struct pf_sym *s = &pf.sym[i];

        momo_dataset_series(ds, syms[i], &s->s);
        s->crypto = momo_dataset_symbol(ds, syms[i])->asset_class ==
                    MOMO_CRYPTO;
        s->unit = s->crypto ? p->crypto_lot : 1.0;
    }
    for (size_t t = 0; t < n_days; t++) {
        int last = t + 1 == n_days, positions;
        double e;

        for (size_t i = 0; i < n; i++) {
            struct pf_sym *s = &pf.sym[i];

            while (s->cur < s->s.n && s->s.date[s->cur] <= days[t])
                s->cur++;
        }
        if (t > 0)
            fill_orders(&pf);
        if (last)
            liquidate(&pf);
        e = mark(&pf, &positions);
        eq[t].date = days[t];
        eq[t].equity = e;
        eq[t].cash = pf.cash;
        eq[t].positions = positions;
        if (last || (t > 0 && schedule == ANA_ONCE) ||
            !ana_is_rebalance_row(days, n_days, t))
            continue;
        for (size_t i = 0; i < n; i++) {
            const struct pf_sym *s = &pf.sym[i];

            close[i] = s->cur ? s->s.close[s->cur - 1] : NAN;
            recent[i] = s->cur &&
                        s->s.date[s->cur - 1] >= days[t] - RECENT_DAYS;
            w[i] = 0;
        }
        fn(ctx, t, close, recent, n, w);
        rebalance(&pf, w, e);
    }
    core_free(close);
    core_free(w);
    core_free(recent);
    core_free(pf.sym);
    return MOMO_OK;
}

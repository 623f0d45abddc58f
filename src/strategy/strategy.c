/* strategy.c - scores, sizing and fills: the parts of the rules with
 * more than a line of arithmetic. See strategy.h and docs/methods.md. */
#include <stdlib.h>

#include "core/core.h"
#include "strategy/strategy.h"

static int cmp_item(const void *a, const void *b)
{
    const struct strat_rank_item *x = a, *y = b;

    if (x->m != y->m)
        return x->m < y->m ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

void strat_rank_scores(const double *m, size_t n,
                       struct strat_rank_item *items, double *score)
{
    size_t i = 0;

    if (n == 1) {
        score[0] = 100.0;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        items[k].m = m[k];
        items[k].k = (uint32_t)k;
    }
    qsort(items, n, sizeof(*items), cmp_item);
    while (i < n) {
        size_t j = i;
        double rank, s;

        while (j + 1 < n && items[j + 1].m == items[i].m)
            j++;
        /* ranks i+1 .. j+1 share their mean */
        rank = ((double)(i + 1) + (double)(j + 1)) / 2.0;
        s = (100.0 * (rank - 1.0)) / (double)(n - 1);
        for (size_t k = i; k <= j; k++)
            score[items[k].k] = s;
        i = j + 1;
    }
}

double strat_size_units(const momo_params *p, int cls, double equity,
                        double close, double scale)
{
    double q = (equity * (p->risk_per_trade * scale)) /
               (close * strat_stop_frac(p, cls));
    double cap = (p->max_position_pct * equity) / close;

    if (cap < q)
        q = cap;
    if (!(q > 0))
        return 0.0;
    if (strat_is_crypto(cls))
        return floor(q / p->crypto_lot);
    return floor(q);
}

static double cost_of(const momo_params *p, int cls, double units,
                      double price)
{
    double q = units * strat_unit(p, cls);

    return q * price + strat_commission(p, cls, q, price);
}

double strat_fill_units(const momo_params *p, int cls, double units,
                        double bar_volume, double price, double cash)
{
    double u = floor(units * p->fill_ratio);

    if (p->max_volume_participation > 0) {
        double cap = p->max_volume_participation * bar_volume;
        double ucap = strat_is_crypto(cls) ? floor(cap / p->crypto_lot)
                                           : floor(cap);

        if (ucap < u)
            u = ucap;
    }
    if (u <= 0)
        return 0.0;
    if (cost_of(p, cls, u, price) > cash) {
        double uc;

        if (strat_is_crypto(cls)) {
            uc = floor(cash / ((p->crypto_lot * price) *
                               (1.0 + p->fee_bps_crypto / 10000.0)));
        } else {
            double qb = floor(cash / (price + p->commission_per_share));

            if (p->commission_per_share * qb >= p->commission_min)
                uc = qb;
            else
                uc = floor((cash - p->commission_min) / price);
        }
        while (uc > 0 && cost_of(p, cls, uc, price) > cash)
            uc -= 1.0;
        if (uc < u)
            u = uc;
    }
    return u > 0 ? u : 0.0;
}

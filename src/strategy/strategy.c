/* strategy.c - scores, sizing and fills: the parts of the rules with
 * more than a line of arithmetic. See strategy.h and docs/methods.md. */

#include <string.h>

#include "core/core.h"
#include "strategy/strategy.h"

void strat_sort_desc(struct strat_rank_item *v, size_t n,
                     struct strat_rank_item *tmp)
{
    struct strat_rank_item *src = v, *dst = tmp;
    size_t count[4][256];

    if (n < 2)
        return;
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 4; d++)
            count[d][(v[i].key >> (32 + 8 * d)) & 0xff]++;
    for (int d = 0; d < 4; d++) {
        size_t sum = 0;
        int shift = 32 + 8 * d;

        if (count[d][(v[0].key >> shift) & 0xff] == n)
            continue;                 /* one value: this digit orders nothing */
        for (int b = 0; b < 256; b++) {
            size_t c = count[d][b];

            count[d][b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[d][(src[i].key >> shift) & 0xff]++] = src[i];
        src = dst;
        dst = src == v ? tmp : v;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
    /* order by the low 32 bits within runs of equal high bits: stable */
    for (size_t i = 1; i < n; i++) {
        struct strat_rank_item x = v[i];
        size_t j = i;

        while (j > 0 && v[j - 1].key > x.key &&
               (v[j - 1].key >> 32) == (x.key >> 32)) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

void strat_rank2_sorted(const struct strat_rank_item *v, size_t n,
                        uint32_t *rank2)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;

        while (j + 1 < n && v[j + 1].key == v[i].key)
            j++;
        /* descending positions i..j hold ascending ranks n-j .. n-i */
        for (size_t k = i; k <= j; k++)
            rank2[k] = (uint32_t)(2 * n - i - j - 2);
        i = j + 1;
    }
}

void strat_rank_scores(const double *m, size_t n,
                       struct strat_rank_item *items, uint32_t *rank2,
                       double *score)
{
    for (size_t k = 0; k < n; k++) {
        items[k].key = strat_rank_key(m[k]);
        items[k].k = (uint32_t)k;
        items[k].aux = 0;
    }
    strat_sort_desc(items, n, items + n);
    strat_rank2_sorted(items, n, rank2);
    for (size_t i = 0; i < n; i++)
        score[items[i].k] = strat_score_of_rank2(rank2[i], n);
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
        return strat_floor(q / p->crypto_lot);
    return strat_floor(q);
}

static double cost_of(const momo_params *p, const struct strat_costs *c,
                      int cls, double units, double price)
{
    double q = units * strat_unit(p, cls);

    return q * price + strat_commission(c, cls, q, price);
}

double strat_fill_units(const momo_params *p, const struct strat_costs *c,
                        int cls, double units, double bar_volume,
                        double price, double cash)
{
    double u = strat_floor(units * p->fill_ratio);

    if (p->max_volume_participation > 0) {
        double cap = p->max_volume_participation * bar_volume;
        double ucap = strat_is_crypto(cls) ? strat_floor(cap / p->crypto_lot)
                                           : strat_floor(cap);

        if (ucap < u)
            u = ucap;
    }
    if (u <= 0)
        return 0.0;
    if (cost_of(p, c, cls, u, price) > cash) {
        double uc;

        if (strat_is_crypto(cls)) {
            uc = strat_floor(cash / ((p->crypto_lot * price) *
                               (1.0 + p->fee_bps_crypto / 10000.0)));
        } else {
            double qb = strat_floor(cash / (price + p->commission_per_share));

            if (p->commission_per_share * qb >= p->commission_min)
                uc = qb;
            else
                uc = strat_floor((cash - p->commission_min) / price);
        }
        while (uc > 0 && cost_of(p, c, cls, uc, price) > cash)
            uc -= 1.0;
        if (uc < u)
            u = uc;
    }
    return u > 0 ? u : 0.0;
}

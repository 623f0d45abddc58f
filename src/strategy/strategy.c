/* strategy.c - scores, sizing and fills: the parts of the rules with
 * more than a line of arithmetic. See strategy.h and docs/methods.md. */

#include <string.h>

#include "core/core.h"
#include "strategy/strategy.h"

/* The key whose ascending unsigned order is m's descending order:
 * the usual flip of an IEEE double (sign bit set: all bits inverted,
 * else the sign bit set), then inverted. -0.0 is made +0.0 first so the
 * two zeros, equal as numbers, are equal as keys. */
static uint64_t desc_key(double m)
{
    uint64_t b;

    m = m + 0.0;
    memcpy(&b, &m, sizeof(b));
    b = (b & UINT64_C(0x8000000000000000)) ? ~b
                                          : b | UINT64_C(0x8000000000000000);
    return ~b;
}

void strat_sort_desc(struct strat_rank_item *v, size_t n,
                     struct strat_rank_item *tmp)
{
    struct strat_rank_item *src = v, *dst = tmp;

    if (n < 2)
        return;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[256] = { 0 }, sum = 0;
        uint64_t first = (desc_key(src[0].m) >> shift) & 0xff;
        int same = 1;

        for (size_t i = 0; i < n; i++) {
            uint64_t byte = (desc_key(src[i].m) >> shift) & 0xff;

            count[byte]++;
            same &= byte == first;
        }
        if (same)
            continue;               /* this byte orders nothing */
        for (int b = 0; b < 256; b++) {
            size_t c = count[b];

            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(desc_key(src[i].m) >> shift) & 0xff]++] = src[i];
        src = dst;
        dst = src == v ? tmp : v;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
}

void strat_rank2_sorted(const struct strat_rank_item *v, size_t n,
                        uint32_t *rank2)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;

        while (j + 1 < n && v[j + 1].m == v[i].m)
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
        items[k].m = m[k];
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

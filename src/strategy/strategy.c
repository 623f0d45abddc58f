/* strategy.c - scores, sizing and fills: the parts of the rules with
 * more than a line of arithmetic. See strategy.h and docs/methods.md. */

#include "core/core.h"
#include "strategy/strategy.h"

static inline int before(const struct strat_rank_item *a,
                         const struct strat_rank_item *b)
{
    return a->m > b->m || (a->m == b->m && a->k < b->k);
}

static void insertion_sort(struct strat_rank_item *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct strat_rank_item x = v[i];
        size_t j = i;

        while (j > 0 && before(&x, &v[j - 1])) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void swap_items(struct strat_rank_item *a, struct strat_rank_item *b)
{
    struct strat_rank_item t = *a;

    *a = *b;
    *b = t;
}

/* Quicksort with a median-of-three pivot, recursing into the smaller
 * side (depth <= log2 n) and finishing small ranges by insertion. A
 * total order makes the result independent of the pivots chosen. */
void strat_sort_desc(struct strat_rank_item *v, size_t n)
{
    while (n > 24) {
        size_t mid = n / 2, i = 0, j = n - 1;
        struct strat_rank_item pivot;

        if (before(&v[mid], &v[0]))
            swap_items(&v[mid], &v[0]);
        if (before(&v[n - 1], &v[0]))
            swap_items(&v[n - 1], &v[0]);
        if (before(&v[n - 1], &v[mid]))
            swap_items(&v[n - 1], &v[mid]);
        pivot = v[mid];
        for (;;) {                      /* Hoare partition */
            while (before(&v[i], &pivot))
                i++;
            while (before(&pivot, &v[j]))
                j--;
            if (i >= j)
                break;
            swap_items(&v[i], &v[j]);
            i++;
            j--;
        }
        /* [0, j] and [j + 1, n) */
        if (j + 1 < n - (j + 1)) {
            strat_sort_desc(v, j + 1);
            v += j + 1;
            n -= j + 1;
        } else {
            strat_sort_desc(v + j + 1, n - (j + 1));
            n = j + 1;
        }
    }
    insertion_sort(v, n);
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
    strat_sort_desc(items, n);
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

/* tests/strategy/test_strategy.c - tests for src/strategy/ */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "strategy/strategy.h"

static void scores_are_percentile_ranks_with_average_ties(void **state)
{
    const double m[] = { 0.3, -0.1, 0.3, 0.5, 0.0 };
    struct strat_rank_item items[10];
    uint32_t r2[5];
    double s[5];

    (void)state;
    /* ranks: -0.1 -> 1, 0.0 -> 2, 0.3 x2 -> 3.5, 0.5 -> 5 */
    strat_rank_scores(m, 5, items, r2, s);
    assert_true(s[1] == 0.0);
    assert_true(s[4] == 25.0);
    assert_true(s[0] == 62.5 && s[2] == 62.5);
    assert_true(s[3] == 100.0);
}

static void a_lone_symbol_scores_100(void **state)
{
    const double m[] = { -0.4 };
    struct strat_rank_item items[2];
    uint32_t r2[1];
    double s[1];

    (void)state;
    strat_rank_scores(m, 1, items, r2, s);
    assert_true(s[0] == 100.0);
}

static void sizing_floors_shares_and_lots(void **state)
{
    momo_params p;

    (void)state;
    momo_params_default(&p);
    /* 100000 x 0.01 / (40 x 0.08) = 312.5 -> 312 */
    assert_true(strat_size_units(&p, MOMO_STOCK, 100000, 40, 1.0) == 312);
    /* regime scale halves the risk: 156.25 -> 156 */
    assert_true(strat_size_units(&p, MOMO_STOCK, 100000, 40, 0.5) == 156);
    /* crypto: 1000 / (40 x 0.12) = 208.33 coins = 208333333 lots */
    assert_true(strat_size_units(&p, MOMO_CRYPTO, 100000, 40, 1.0) ==
                floor((100000 * 0.01) / (40 * 0.12) / 1e-6));
    /* cap: 20% of equity at 10 a share = 2000 < 1250? no: risk wins */
    assert_true(strat_size_units(&p, MOMO_STOCK, 100000, 10, 1.0) == 1250);
    /* at 1 a share risk says 12500, the cap 20000: risk wins again;
     * at risk 5%, 62500 > cap 20000 */
    p.risk_per_trade = 0.05;
    assert_true(strat_size_units(&p, MOMO_STOCK, 100000, 1, 1.0) == 20000);
}

static void fills_are_cut_to_the_cash_with_the_minimum_commission(void **st)
{
    momo_params p;
    struct strat_costs c;
    double u;

    (void)st;
    momo_params_default(&p);
    strat_costs_init(&p, &c);
    /* 1000 cash, price 99, min commission 1: 10 x 99 + 1 = 991 fits,
     * 11 x 99 + 1 = 1090 does not */
    u = strat_fill_units(&p, &c, MOMO_STOCK, 50, 1e9, 99, 1000);
    assert_true(u == 10);
    /* enough cash: the order's units, times the fill ratio, floored */
    p.fill_ratio = 0.3;
    assert_true(strat_fill_units(&p, &c, MOMO_STOCK, 50, 1e9, 10, 1e6) == 15);
    /* volume participation */
    p.fill_ratio = 1;
    p.max_volume_participation = 0.01;
    assert_true(strat_fill_units(&p, &c, MOMO_STOCK, 50, 1999, 10, 1e6) == 19);
    /* nothing affordable cancels */
    assert_true(strat_fill_units(&p, &c, MOMO_STOCK, 50, 1e9, 10, 5) == 0);
}

static void crypto_cash_cut_pays_the_fee_on_notional(void **state)
{
    momo_params p;
    struct strat_costs c;
    double u, q, cost;

    (void)state;
    momo_params_default(&p);
    strat_costs_init(&p, &c);
    u = strat_fill_units(&p, &c, MOMO_CRYPTO, 1e9, 1e12, 20000, 1000);
    q = u * p.crypto_lot;
    cost = q * 20000 + strat_commission(&c, MOMO_CRYPTO, q, 20000);
    assert_true(cost <= 1000);
    q = (u + 1) * p.crypto_lot;
    assert_true(q * 20000 + strat_commission(&c, MOMO_CRYPTO, q, 20000) >
                1000);
}

struct naive {
    double m;
    uint32_t k;
};

static int cmp_naive(const void *a, const void *b)
{
    const struct naive *x = a, *y = b;

    if (x->m != y->m)
        return x->m > y->m ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

static void the_sort_agrees_with_qsort_on_random_and_tied_input(void **st)
{
    static struct strat_rank_item a[3000], tmp[3000];
    static struct naive b[3000];
    unsigned seed = 1;

    (void)st;
    for (size_t n = 0; n < 3000; n = n * 2 + 1) {
        for (size_t i = 0; i < n; i++) {
            /* few distinct values: many ties; both zeros; signs; values
             * that differ only in their lowest bits */
            double m = (double)(rand_r(&seed) % (n / 4 + 1)) - 3.0;

            if (rand_r(&seed) % 7 == 0)
                m = rand_r(&seed) % 2 ? 0.0 : -0.0;
            if (rand_r(&seed) % 5 == 0)
                m = ((double)rand_r(&seed) - RAND_MAX / 2.0) * 1e-7;
            if (rand_r(&seed) % 6 == 0)
                m = 1.0 + (double)(rand_r(&seed) % 16) * 0x1p-52;
            a[i].key = strat_rank_key(m);
            a[i].k = (uint32_t)i;           /* k ascends, as callers give */
            a[i].aux = (uint32_t)i;
            b[i].m = m;
            b[i].k = (uint32_t)i;
        }
        strat_sort_desc(a, n, tmp);
        qsort(b, n, sizeof(b[0]), cmp_naive);
        for (size_t i = 0; i < n; i++) {
            assert_true(a[i].key == strat_rank_key(b[i].m));
            assert_int_equal(a[i].k, b[i].k);
        }
    }
}

static void the_exit_rule_applies_the_rules_in_their_order(void **st)
{
    momo_params p;
    struct strat_exit_rule r;
    struct strat_exit ex;

    (void)st;
    momo_params_default(&p);
    p.max_holding_days = 5;
    strat_exit_rule_init(&p, MOMO_STOCK, 100, &r);   /* stop 92, target 120 */
    /* nothing touched: held */
    assert_int_equal(strat_exit_on_bar(&r, 101, 1, 100, 101, 99, &ex), 0);
    /* time first, even through a gap below the stop */
    assert_int_equal(strat_exit_on_bar(&r, 101, 5, 80, 81, 79, &ex), 1);
    assert_int_equal(ex.type, MOMO_EXIT_TIME);
    assert_true(ex.at_open && ex.raw_px == 80);
    /* a gap through the stop sells at the open (H = E: the two levels
     * are equal, so it is the fixed stop) */
    assert_int_equal(strat_exit_on_bar(&r, 100, 1, 85, 86, 84, &ex), 1);
    assert_true(ex.type == MOMO_EXIT_STOP_LOSS && ex.at_open &&
                ex.raw_px == 85);
    /* opening above the target but reaching the stop: the stop, intraday */
    assert_int_equal(strat_exit_on_bar(&r, 100, 1, 125, 126, 90, &ex), 1);
    assert_true(ex.type == MOMO_EXIT_STOP_LOSS && !ex.at_open &&
                ex.raw_px == r.fixed_stop);
    /* a clean gap above the target sells at the open */
    assert_int_equal(strat_exit_on_bar(&r, 101, 1, 125, 126, 124, &ex), 1);
    assert_true(ex.type == MOMO_EXIT_PROFIT_TARGET && ex.at_open);
    /* the target touched during the bar */
    assert_int_equal(strat_exit_on_bar(&r, 101, 1, 101, 121, 100, &ex), 1);
    assert_true(ex.type == MOMO_EXIT_PROFIT_TARGET && !ex.at_open &&
                ex.raw_px == r.target);
    /* a high H lifts the stop above the fixed one: a trailing stop */
    assert_int_equal(strat_exit_on_bar(&r, 115, 2, 110, 111, 105, &ex), 1);
    assert_true(ex.type == MOMO_EXIT_TRAILING_STOP &&
                ex.raw_px == 115 * (1 - 0.08));
}

/* The scan over arrays fires on the bar, and with the exit, that the
 * rule applied bar by bar gives, on random paths with gaps, ties with the
 * levels, every holding limit and windows cut short. */
static void the_exit_scan_agrees_with_the_rule_bar_by_bar(void **st)
{
    enum { N = 64 };
    double o[N], h[N], l[N];
    uint64_t x = 0x1234567;
    momo_params p;

    (void)st;
    momo_params_default(&p);
    for (int trial = 0; trial < 20000; trial++) {
        struct strat_exit_rule r;
        struct strat_exit a, b;
        double px = 100, high_a, high_b;
        int held_a, held_b, fired_a = 0;
        size_t j0, j1, j, ja = 0;

        for (int k = 0; k < N; k++) {
            double u[4];

            for (int m = 0; m < 4; m++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                u[m] = (double)(x >> 11) / 9007199254740992.0;
            }
            o[k] = px * (1 + 0.08 * (u[0] - 0.5));
            h[k] = o[k] * (1 + 0.05 * u[1]);
            l[k] = o[k] * (1 - 0.05 * u[2]);
            if (u[3] < 0.05)
                l[k] = 92;              /* exactly the fixed stop */
            else if (u[3] < 0.10)
                h[k] = 120;             /* exactly the target */
            px = l[k] + (h[k] - l[k]) * u[3];
        }
        p.max_holding_days = 1 + trial % 40;
        p.trailing_stop_distance = 0.04 + 0.02 * (trial % 5);
        strat_exit_rule_init(&p, MOMO_STOCK, 100, &r);
        j0 = 1 + (size_t)(trial % 3);
        j1 = j0 + (size_t)((trial / 3) % (N - 3));
        high_a = high_b = h[j0 - 1];
        held_a = held_b = 1 + trial % 2;
        for (j = j0; j < j1; j++) {         /* the rule, bar by bar */
            if (strat_exit_on_bar(&r, high_a, held_a, o[j], h[j], l[j],
                                  &a)) {
                fired_a = 1;
                ja = j;
                break;
            }
            if (h[j] > high_a)
                high_a = h[j];
            held_a++;
        }
        j = strat_exit_scan(&r, o, h, l, j0, j1, &high_b, &held_b);
        if (!fired_a) {
            assert_int_equal(j, j1);
            continue;
        }
        assert_int_equal(j, ja);
        assert_int_equal(held_b, held_a);
        assert_true(high_b == high_a);
        assert_int_equal(strat_exit_on_bar(&r, high_b, held_b, o[j], h[j],
                                           l[j], &b), 1);
        assert_int_equal(b.type, a.type);
        assert_int_equal(b.at_open, a.at_open);
        assert_true(b.raw_px == a.raw_px);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scores_are_percentile_ranks_with_average_ties),
        cmocka_unit_test(a_lone_symbol_scores_100),
        cmocka_unit_test(the_exit_rule_applies_the_rules_in_their_order),
        cmocka_unit_test(the_exit_scan_agrees_with_the_rule_bar_by_bar),
        cmocka_unit_test(the_sort_agrees_with_qsort_on_random_and_tied_input),
        cmocka_unit_test(sizing_floors_shares_and_lots),
        cmocka_unit_test(fills_are_cut_to_the_cash_with_the_minimum_commission),
        cmocka_unit_test(crypto_cash_cut_pays_the_fee_on_notional),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

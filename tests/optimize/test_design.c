/* tests/optimize/test_design.c - tests for src/optimize/design.c: grid
 * enumeration and Latin Hypercube sampling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/optimize.h"

static momo_space *space_of(const char *text)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };

    if (momo_space_load_text(text, strlen(text), "s.yaml", &sp, &err) !=
        MOMO_OK)
        fail_msg("%s", err.msg);
    return sp;
}

static void a_grid_lists_every_combination_last_dimension_fastest(
    void **state)
{
    momo_space *sp = space_of("grid:\n  risk.max_positions: [4, 6]\n"
                              "  scanner.momentum_threshold: [60, 70, 80]\n"
                              "  signals.exit.max_holding_days: [10, 20]\n");
    momo_design *d = NULL;
    momo_err err = { 0 };
    int seen[2][3][2] = { { { 0 } } };

    (void)state;
    assert_int_equal(momo_design_grid(sp, &d, &err), MOMO_OK);
    assert_int_equal(momo_design_kind_of(d), MOMO_DESIGN_GRID);
    assert_int_equal(momo_design_n_trials(d), 12);
    assert_int_equal(momo_design_n_dims(d), 3);
    assert_true(momo_design_value(d, 0, 0) == 4);
    assert_true(momo_design_value(d, 0, 2) == 10);
    assert_true(momo_design_value(d, 1, 2) == 20);   /* last: fastest */
    assert_true(momo_design_value(d, 1, 1) == 60);
    assert_true(momo_design_value(d, 2, 1) == 70);
    assert_true(momo_design_value(d, 6, 0) == 6);    /* first: slowest */
    for (size_t i = 0; i < 12; i++) {
        int a = momo_design_value(d, i, 0) == 6;
        int b = (int)(momo_design_value(d, i, 1) - 60) / 10;
        int c = momo_design_value(d, i, 2) == 20;

        seen[a][b][c]++;
    }
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 2; c++)
                assert_int_equal(seen[a][b][c], 1);
    momo_design_free(d);
    momo_space_free(sp);
}

static void a_space_without_a_grid_cannot_be_searched_as_one(void **state)
{
    momo_space *sp = space_of("space:\n  risk.max_positions: "
                              "{type: integer, low: 2, high: 9}\n");
    momo_design *d = NULL;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_design_grid(sp, &d, &err), MOMO_EINVAL);
    assert_null(d);
    assert_non_null(strstr(err.msg, "grid"));
    momo_space_free(sp);
}

/* The defining property of a Latin Hypercube: along each dimension the n
 * samples fall one in each of n equal strata. */
static void each_dimension_puts_one_sample_in_each_stratum(void **state)
{
    momo_space *sp = space_of(
        "space:\n"
        "  signals.exit.stop_loss_stock: {type: uniform, low: 0.05, "
        "high: 0.15}\n"
        "  risk.risk_per_trade: {type: log-uniform, low: 0.001, "
        "high: 0.1}\n"
        "  scanner.momentum_threshold: {type: uniform, low: 50, "
        "high: 90}\n");
    const size_t n = 97;
    momo_design *d = NULL;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_design_random(sp, n, 42, &d, &err), MOMO_OK);
    assert_int_equal(momo_design_n_trials(d), n);
    for (size_t j = 0; j < 3; j++) {
        const momo_dim *dm = momo_design_dim(d, j);
        int *hit = calloc(n, sizeof(*hit));

        for (size_t i = 0; i < n; i++) {
            double v = momo_design_value(d, i, j), u;
            long k;

            assert_true(v >= dm->low && v <= dm->high);
            u = dm->dist == MOMO_DIST_LOG_UNIFORM
                ? (log(v) - log(dm->low)) / (log(dm->high) - log(dm->low))
                : (v - dm->low) / (dm->high - dm->low);
            k = (long)floor(u * (double)n);
            if (k == (long)n)
                k--;
            hit[k]++;
        }
        for (size_t k = 0; k < n; k++)
            assert_int_equal(hit[k], 1);
        free(hit);
    }
    momo_design_free(d);
    momo_space_free(sp);
}

static void discrete_dimensions_take_every_value_about_equally(void **state)
{
    momo_space *sp = space_of(
        "space:\n"
        "  risk.max_positions: {type: integer, low: 3, high: 7}\n"
        "  signals.exit.max_holding_days: [10, 20, 30, 40]\n");
    const size_t n = 200;
    momo_design *d = NULL;
    momo_err err = { 0 };
    int a[5] = { 0 }, b[4] = { 0 };

    (void)state;
    assert_int_equal(momo_design_random(sp, n, 7, &d, &err), MOMO_OK);
    for (size_t i = 0; i < n; i++) {
        double v = momo_design_value(d, i, 0), w = momo_design_value(d, i,
                                                                     1);

        assert_true(v == floor(v) && v >= 3 && v <= 7);
        a[(int)v - 3]++;
        b[(int)w / 10 - 1]++;
    }
    /* strata map onto values in equal shares: exactly n / k each */
    for (int k = 0; k < 5; k++)
        assert_int_equal(a[k], 40);
    for (int k = 0; k < 4; k++)
        assert_int_equal(b[k], 50);
    momo_design_free(d);
    momo_space_free(sp);
}

static void the_seed_alone_fixes_the_samples(void **state)
{
    momo_space *sp = space_of("space:\n  signals.exit.stop_loss_stock: "
                              "{type: uniform, low: 0.05, high: 0.15}\n"
                              "  risk.max_positions: [4, 6, 8]\n");
    momo_design *a = NULL, *b = NULL, *c = NULL;
    momo_err err = { 0 };
    int differ = 0;

    (void)state;
    assert_int_equal(momo_design_random(sp, 50, 3, &a, &err), MOMO_OK);
    assert_int_equal(momo_design_random(sp, 50, 3, &b, &err), MOMO_OK);
    assert_int_equal(momo_design_random(sp, 50, 4, &c, &err), MOMO_OK);
    for (size_t i = 0; i < 50; i++)
        for (size_t j = 0; j < 2; j++) {
            assert_true(momo_design_value(a, i, j) ==
                        momo_design_value(b, i, j));
            differ += momo_design_value(a, i, j) !=
                      momo_design_value(c, i, j);
        }
    assert_true(differ > 25);
    momo_design_free(a);
    momo_design_free(b);
    momo_design_free(c);
    momo_space_free(sp);
}

static void grid_lists_become_choices_for_random_search(void **state)
{
    momo_space *sp = space_of("grid:\n  risk.max_positions: [4, 6]\n");
    momo_design *d = NULL;
    momo_err err = { 0 };
    int n4 = 0;

    (void)state;
    assert_int_equal(momo_design_random(sp, 10, 1, &d, &err), MOMO_OK);
    assert_int_equal(momo_design_dim(d, 0)->dist, MOMO_DIST_CHOICE);
    for (size_t i = 0; i < 10; i++)
        n4 += momo_design_value(d, i, 0) == 4;
    assert_int_equal(n4, 5);
    momo_design_free(d);
    momo_space_free(sp);
}

static void designs_fail_cleanly_on_every_allocation(void **state)
{
    momo_space *sp = space_of("space:\n  risk.max_positions: [4, 6, 8]\n"
                              "  signals.exit.stop_loss_stock: {type: "
                              "uniform, low: 0.05, high: 0.15}\n");

    (void)state;
    for (long nth = 1;; nth++) {
        momo_design *d = NULL;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_design_random(sp, 20, 1, &d, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            momo_design_free(d);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(d);
    }
    momo_space_free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            a_grid_lists_every_combination_last_dimension_fastest),
        cmocka_unit_test(a_space_without_a_grid_cannot_be_searched_as_one),
        cmocka_unit_test(each_dimension_puts_one_sample_in_each_stratum),
        cmocka_unit_test(
            discrete_dimensions_take_every_value_about_equally),
        cmocka_unit_test(the_seed_alone_fixes_the_samples),
        cmocka_unit_test(grid_lists_become_choices_for_random_search),
        cmocka_unit_test(designs_fail_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

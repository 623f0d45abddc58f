/* tests/optimize/test_space.c - tests for src/optimize/space.c: reading
 * parameter-space files, every kind of mistake reported with file and
 * line, and failing cleanly on every allocation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/optimize.h"

static momo_space *load_ok(const char *text)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };

    if (momo_space_load_text(text, strlen(text), "space.yaml", &sp, &err) !=
        MOMO_OK)
        fail_msg("unexpected error: %s", err.msg);
    return sp;
}

/* Load `text`, expect failure with `code` and a message that contains
 * every one of the NULL-terminated fragments. */
static void load_fails(const char *text, int code, ...)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };
    va_list ap;
    const char *frag;
    int rc = momo_space_load_text(text, strlen(text), "space.yaml", &sp,
                                  &err);

    if (rc == MOMO_OK)
        fail_msg("accepted: %s", text);
    assert_null(sp);
    if (rc != code)
        fail_msg("code %d, not %d: %s", rc, code, err.msg);
    va_start(ap, code);
    while ((frag = va_arg(ap, const char *)) != NULL)
        if (!strstr(err.msg, frag))
            fail_msg("'%s' not in '%s'", frag, err.msg);
    va_end(ap);
}

static void the_seed_grid_has_every_value_in_file_order(void **state)
{
    char path[4096];
    momo_space *sp = NULL;
    momo_err err = { 0 };
    const momo_dim *d;

    (void)state;
    snprintf(path, sizeof(path), "%s/examples/seed_grid.yaml",
             tu_fixture("../.."));
    if (momo_space_load(path, &sp, &err) != MOMO_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(momo_space_n_grid(sp), 9);
    assert_int_equal(momo_space_n_random(sp), 0);
    d = momo_space_grid_dim(sp, 0);
    assert_string_equal(d->param->name, "scanner.momentum_threshold");
    assert_int_equal(d->n_values, 4);
    assert_true(d->values[0] == 60 && d->values[3] == 75);
    assert_int_equal(d->line, 11);
    d = momo_space_grid_dim(sp, 8);
    assert_string_equal(d->param->name, "risk.max_positions");
    assert_true(d->values[2] == 10);
    /* 4 x 3 x 3 x 3 x 3 x 3 x 4 x 3 x 3 */
    assert_true(momo_space_grid_size(sp) == 34992);
    momo_space_free(sp);
}

static void nested_sections_reach_the_same_names_as_dotted_keys(void **state)
{
    momo_space *sp = load_ok(
        "grid:\n"
        "  signals:\n"
        "    entry:\n"
        "      rsi_min: [40, 45]\n"
        "    exit.max_holding_days: 20\n"
        "  risk.max_positions: [4, 6, 8]\n");

    (void)state;
    assert_int_equal(momo_space_n_grid(sp), 3);
    assert_string_equal(momo_space_grid_dim(sp, 0)->param->name,
                        "signals.entry.rsi_min");
    assert_int_equal(momo_space_grid_dim(sp, 0)->line, 4);
    /* a single value is a one-value list: a fixed parameter */
    assert_string_equal(momo_space_grid_dim(sp, 1)->param->name,
                        "signals.exit.max_holding_days");
    assert_int_equal(momo_space_grid_dim(sp, 1)->n_values, 1);
    assert_true(momo_space_grid_size(sp) == 6);
    momo_space_free(sp);
}

static void distributions_read_with_their_bounds(void **state)
{
    momo_space *sp = load_ok(
        "space:\n"
        "  signals.exit.stop_loss_stock: {type: uniform, low: 0.05, "
        "high: 0.12}\n"
        "  risk.risk_per_trade: {type: log-uniform, low: 0.005, "
        "high: 0.02}\n"
        "  risk.max_positions: {type: integer, low: 4, high: 12}\n"
        "  signals.exit.max_holding_days: {type: choice, values: [20, 30]}\n"
        "  scanner.momentum_threshold: [60, 70, 80]\n"
        "  signals.entry.trend_filter: [true, false]\n");
    const momo_dim *d;

    (void)state;
    assert_int_equal(momo_space_n_random(sp), 6);
    assert_true(momo_space_grid_size(sp) == 0);
    d = momo_space_random_dim(sp, 0);
    assert_int_equal(d->dist, MOMO_DIST_UNIFORM);
    assert_true(d->low == 0.05 && d->high == 0.12);
    assert_int_equal(momo_space_random_dim(sp, 1)->dist,
                     MOMO_DIST_LOG_UNIFORM);
    assert_int_equal(momo_space_random_dim(sp, 2)->dist, MOMO_DIST_INTEGER);
    d = momo_space_random_dim(sp, 3);
    assert_int_equal(d->dist, MOMO_DIST_CHOICE);
    assert_int_equal(d->n_values, 2);
    assert_int_equal(momo_space_random_dim(sp, 4)->dist, MOMO_DIST_CHOICE);
    d = momo_space_random_dim(sp, 5);
    assert_true(d->values[0] == 1 && d->values[1] == 0);
    momo_space_free(sp);
}

static void an_unknown_name_is_reported_with_its_line_and_a_suggestion(
    void **state)
{
    (void)state;
    load_fails("grid:\n  scanner.momentum_threshold: [60]\n"
               "  signals.entry.rsi_mn: [40, 50]\n", MOMO_ENOTFOUND,
               "space.yaml:3:", "signals.entry.rsi_mn",
               "did you mean 'signals.entry.rsi_min'", NULL);
    load_fails("grid:\n  signals:\n    entri:\n      rsi_min: [1]\n",
               MOMO_ENOTFOUND, "space.yaml:3:", "signals.entri", NULL);
    load_fails("grdi:\n  risk.max_positions: [4]\n", MOMO_EINVAL,
               "space.yaml:1:", "did you mean 'grid'", NULL);
    load_fails("risk.max_positions: [4]\n", MOMO_EINVAL, "space.yaml:1:",
               "under 'grid:' or 'space:'", NULL);
}

static void a_value_outside_its_bounds_is_reported_with_its_line(
    void **state)
{
    (void)state;
    load_fails("grid:\n  risk.max_positions:\n    - 4\n    - 0\n",
               MOMO_EINVAL, "space.yaml:4:", "risk.max_positions", NULL);
    load_fails("grid:\n  scanner.momentum_threshold: [60, 101]\n",
               MOMO_EINVAL, "space.yaml:2:", "scanner.momentum_threshold",
               NULL);
    load_fails("space:\n  risk.risk_per_trade: {type: uniform, low: 0.01, "
               "high: 2}\n", MOMO_EINVAL, "space.yaml:2:",
               "risk.risk_per_trade", NULL);
    load_fails("grid:\n  risk.max_positions: [4.5]\n", MOMO_EINVAL,
               "space.yaml:2:", "not an integer", NULL);
    load_fails("grid:\n  risk.max_positions: [four]\n", MOMO_EINVAL,
               "space.yaml:2:", "'four' is not a number", NULL);
    load_fails("grid:\n  signals.entry.trend_filter: [maybe]\n",
               MOMO_EINVAL, "space.yaml:2:", "not true or false", NULL);
}

static void malformed_lists_and_distributions_are_refused(void **state)
{
    (void)state;
    load_fails("grid:\n  risk.max_positions: []\n", MOMO_EINVAL,
               "space.yaml:2:", "empty", NULL);
    load_fails("grid:\n  risk.max_positions: [4, 6, 4]\n", MOMO_EINVAL,
               "space.yaml:2:", "listed twice", NULL);
    load_fails("grid:\n  risk.max_positions: [4]\n"
               "  risk:\n    max_positions: [6]\n", MOMO_EINVAL,
               "space.yaml:4:", "given twice (lines 2 and 4)", NULL);
    load_fails("grid:\n  risk.max_positions: {type: uniform, low: 1, "
               "high: 3}\n", MOMO_EINVAL, "space.yaml:2:",
               "distributions go under 'space:'", NULL);
    load_fails("space:\n  risk.risk_per_trade: {type: normal, low: 0.01, "
               "high: 0.02}\n", MOMO_EINVAL, "space.yaml:2:",
               "uniform, log-uniform, integer or choice", NULL);
    load_fails("space:\n  risk.risk_per_trade: {type: uniform, low: 0.02, "
               "high: 0.01}\n", MOMO_EINVAL, "low must be below high",
               NULL);
    load_fails("space:\n  portfolio.cash_rate: {type: log-uniform, "
               "low: 0, high: 0.05}\n", MOMO_EINVAL, "above 0", NULL);
    load_fails("space:\n  risk.max_positions: {type: integer, low: 4}\n",
               MOMO_EINVAL, "'low' and 'high'", NULL);
    load_fails("space:\n  signals.entry.trend_filter: {type: uniform, "
               "low: 0, high: 1}\n", MOMO_EINVAL, "[true, false]", NULL);
    load_fails("space:\n  risk.max_positions: {type: integer, low: 4, "
               "hi: 8}\n", MOMO_EINVAL, "space.yaml:2:", "unknown key 'hi'",
               NULL);
    load_fails("grid:\n  scanner.weights: [0.1]\n", MOMO_EINVAL,
               "space.yaml:2:", "only single numbers", NULL);
    load_fails("grid:\n  risk.max_positions: [[4]]\n", MOMO_EFORMAT,
               "space.yaml:2:", "single values", NULL);
}

static void yaml_errors_name_the_line_and_aliases_are_refused(void **state)
{
    (void)state;
    load_fails("grid:\n  risk.max_positions: [4]\n   x: 1\n",
               MOMO_EFORMAT, "space.yaml:3:", NULL);
    load_fails("grid:\n  risk.max_positions: &a [4]\n"
               "  risk.max_position_pct: *a\n", MOMO_EFORMAT,
               "space.yaml:3:", "aliases", NULL);
    load_fails("grid:\n  risk.max_positions: [4]\n---\ngrid: {}\n",
               MOMO_EFORMAT, "more than one YAML document", NULL);
    load_fails("", MOMO_EINVAL, "empty", NULL);
    load_fails("grid: {}\n", MOMO_EINVAL, "no parameter to search", NULL);
    load_fails("- 1\n- 2\n", MOMO_EFORMAT, "space.yaml:1:", "a map", NULL);
}

static void a_missing_file_is_an_io_error_naming_it(void **state)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_space_load("/nonexistent/space.yaml", &sp, &err),
                     MOMO_EIO);
    assert_null(sp);
    assert_non_null(strstr(err.msg, "/nonexistent/space.yaml"));
}

static void the_parser_fails_cleanly_on_every_allocation(void **state)
{
    static const char text[] =
        "grid:\n"
        "  scanner.momentum_threshold: [60, 65, 70, 75, 80]\n"
        "  signals: {entry: {rsi_min: [40, 45]}}\n"
        "space:\n"
        "  risk.risk_per_trade: {type: log-uniform, low: 0.005, "
        "high: 0.02}\n"
        "  risk.max_positions: [4, 6, 8]\n";

    (void)state;
    for (long nth = 1;; nth++) {
        momo_space *sp = NULL;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_space_load_text(text, strlen(text), "f.yaml", &sp, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_int_equal(momo_space_n_grid(sp), 2);
            momo_space_free(sp);
            assert_true(nth > 3);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(sp);
        assert_non_null(strstr(err.msg, "out of memory"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_seed_grid_has_every_value_in_file_order),
        cmocka_unit_test(
            nested_sections_reach_the_same_names_as_dotted_keys),
        cmocka_unit_test(distributions_read_with_their_bounds),
        cmocka_unit_test(
            an_unknown_name_is_reported_with_its_line_and_a_suggestion),
        cmocka_unit_test(
            a_value_outside_its_bounds_is_reported_with_its_line),
        cmocka_unit_test(malformed_lists_and_distributions_are_refused),
        cmocka_unit_test(
            yaml_errors_name_the_line_and_aliases_are_refused),
        cmocka_unit_test(a_missing_file_is_an_io_error_naming_it),
        cmocka_unit_test(the_parser_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

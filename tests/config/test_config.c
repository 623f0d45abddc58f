/* tests/config/test_config.c - tests for src/config/config.c: the order
 * defaults < file < --set, override errors, cross-parameter rules, and
 * failures that leave nothing behind. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "config/config.h"
#include "core/core.h"

static int load(const char *text, const char *const *sets, size_t n_sets,
                momo_params *out, momo_err *err)
{
    momo_config *cfg = (momo_config *)&cfg;     /* must become NULL */
    int rc = momo_config_load_text(text, text ? strlen(text) : 0, "t.yaml",
                                   sets, n_sets, &cfg, err);

    if (rc != MOMO_OK) {
        assert_null(cfg);
        return rc;
    }
    if (out)
        *out = *momo_config_params(cfg);
    momo_config_free(cfg);
    return rc;
}

static void expect_error(const char *text, const char *const *sets,
                         size_t n_sets, int code, const char *msg)
{
    momo_err err = { 0 };

    assert_int_equal(load(text, sets, n_sets, NULL, &err), code);
    assert_string_equal(err.msg, msg);
}

static void no_file_and_no_overrides_give_the_defaults(void **state)
{
    momo_config *cfg = NULL;
    momo_params d;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_config_load(NULL, NULL, 0, &cfg, &err), MOMO_OK);
    momo_params_default(&d);
    assert_memory_equal(momo_config_params(cfg), &d, sizeof(d));
    momo_config_free(cfg);
    momo_config_free(NULL);
}

static void overrides_win_over_the_file_and_apply_in_order(void **state)
{
    const char *sets[] = {
        "signals.entry.rsi_min=52",
        "risk.max_positions=3",
        "risk.max_positions = 4",
        "scanner.weights=[0.5,0.5,0,0]",
        "regime.market_symbol=A=B",
    };
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(load("signals:\n  entry:\n    rsi_min: 60\n"
                          "risk:\n  max_positions: 10\n"
                          "  risk_per_trade: 0.02\n", sets, 5, &p, &err),
                     MOMO_OK);
    assert_true(p.rsi_min == 52);
    assert_int_equal(p.max_positions, 4);
    assert_true(p.risk_per_trade == 0.02);      /* from the file */
    assert_true(p.weights[1] == 0.5 && p.weights[3] == 0);
    assert_string_equal(p.market_symbol, "A=B");
}

static void override_errors_quote_the_override(void **state)
{
    const char *bound[] = { "signals.entry.rsi_min=500" };
    const char *unknown[] = { "risk.max_position=3" };
    const char *no_eq[] = { "risk.max_positions" };
    const char *no_name[] = { " =3" };
    const char *type[] = { "risk.max_positions=many" };
    const char *second[] = { "risk.max_positions=3", "scanner.min_price=" };

    (void)state;
    expect_error(NULL, bound, 1, MOMO_EINVAL,
                 "--set signals.entry.rsi_min=500: signals.entry.rsi_min: "
                 "500 is above the maximum 100");
    expect_error(NULL, unknown, 1, MOMO_ENOTFOUND,
                 "--set risk.max_position=3: unknown parameter "
                 "'risk.max_position' (did you mean 'risk.max_positions'?)");
    expect_error(NULL, no_eq, 1, MOMO_EINVAL,
                 "--set risk.max_positions: expected name=value");
    expect_error(NULL, no_name, 1, MOMO_EINVAL,
                 "--set  =3: the parameter name is empty");
    expect_error(NULL, type, 1, MOMO_EINVAL,
                 "--set risk.max_positions=many: risk.max_positions: 'many' "
                 "is not an integer");
    expect_error("risk.max_positions: 5\n", second, 2, MOMO_EINVAL,
                 "--set scanner.min_price=: scanner.min_price: '' is not a "
                 "number");
}

static void parse_set_splits_at_the_first_equals_sign(void **state)
{
    char name[16];
    const char *value;
    const char *arg = "a.b = c=d";
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_config_parse_set(arg, name, sizeof(name), &value,
                                           &err), MOMO_OK);
    assert_string_equal(name, "a.b");
    assert_ptr_equal(value, arg + 5);
    assert_string_equal(value, " c=d");
    assert_int_equal(momo_config_parse_set("x=", name, sizeof(name), &value,
                                           &err), MOMO_OK);
    assert_string_equal(value, "");
    assert_int_equal(momo_config_parse_set("abcdefghijklmnop=1", name,
                                           sizeof(name), &value, &err),
                     MOMO_EINVAL);
    assert_string_equal(err.msg, "--set abcdefghijklmnop=1: the parameter "
                                 "name is longer than 15 bytes");
    assert_null(value);
    assert_string_equal(name, "");
}

static void a_broken_rule_is_reported_at_the_line_that_set_it(void **state)
{
    (void)state;
    expect_error("# entry band\n"
                 "signals:\n"
                 "  entry:\n"
                 "    rsi_min: 75\n", NULL, 0, MOMO_EINVAL,
                 "t.yaml:4: signals.entry.rsi_min (75) must be below "
                 "signals.entry.rsi_max (70)");
    /* both from the file: the later line completes the conflict */
    expect_error("indicators.sma_slow: 40\n"
                 "indicators.sma_fast: 40\n", NULL, 0, MOMO_EINVAL,
                 "t.yaml:2: indicators.sma_fast (40) must be below "
                 "indicators.sma_slow (40)");
    expect_error("scanner:\n  weights: [0, 0, 0, 0]\n", NULL, 0,
                 MOMO_EINVAL, "t.yaml:2: scanner.weights: at least one "
                 "weight must be non-zero");
}

static void a_broken_rule_names_the_override_that_caused_it(void **state)
{
    const char *sets[] = { "risk.max_positions=2",
                           "signals.entry.rsi_max=55" };
    const char *only[] = { "indicators.sma_fast=250" };

    (void)state;
    expect_error("signals.entry.rsi_min: 60\n", sets, 2, MOMO_EINVAL,
                 "--set signals.entry.rsi_max=55: signals.entry.rsi_min (60) "
                 "must be below signals.entry.rsi_max (55)");
    expect_error(NULL, only, 1, MOMO_EINVAL,
                 "--set indicators.sma_fast=250: indicators.sma_fast (250) "
                 "must be below indicators.sma_slow (200)");
}

static void the_fixture_rule_breach_names_its_file_and_line(void **state)
{
    momo_config *cfg = NULL;
    momo_err err = { 0 };
    const char *path = tu_fixture("config/cross.yaml");
    char want[4400];

    (void)state;
    assert_int_equal(momo_config_load(path, NULL, 0, &cfg, &err),
                     MOMO_EINVAL);
    assert_null(cfg);
    snprintf(want, sizeof(want), "%s:4: signals.entry.rsi_min (60) must be "
             "below signals.entry.rsi_max (55)", path);
    assert_string_equal(err.msg, want);
}

static void an_unreadable_file_is_an_io_error(void **state)
{
    momo_config *cfg = NULL;
    momo_err err = { 0 };
    const char *dir = tu_tmpdir("cfg_missing");
    char path[4200], want[4400];

    (void)state;
    snprintf(path, sizeof(path), "%s/absent.yaml", dir);
    assert_int_equal(momo_config_load(path, NULL, 0, &cfg, &err), MOMO_EIO);
    assert_null(cfg);
    snprintf(want, sizeof(want), "%s: cannot open: No such file or "
             "directory", path);
    assert_string_equal(err.msg, want);
}

static void loading_fails_cleanly_on_every_allocation(void **state)
{
    const char *sets[] = { "risk.max_positions=3", "scanner.weights=1,1,1,1" };
    const char *path = tu_fixture("config/flat.yaml");
    int failures = 0;

    (void)state;
    for (long nth = 1;; nth++) {
        momo_config *cfg = (momo_config *)&cfg;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_config_load(path, sets, 2, &cfg, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_int_equal(momo_config_params(cfg)->max_positions, 3);
            momo_config_free(cfg);
            break;
        }
        if (rc != MOMO_ENOMEM)
            fail_msg("allocation %ld: %s", nth, err.msg);
        assert_null(cfg);
        assert_non_null(strstr(err.msg, "out of memory"));
        failures++;
        assert_true(nth < 1000);
    }
    /* the file buffer, the config, its origins, the frames and the
     * sections seen: each was made to fail once */
    assert_true(failures >= 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_file_and_no_overrides_give_the_defaults),
        cmocka_unit_test(overrides_win_over_the_file_and_apply_in_order),
        cmocka_unit_test(override_errors_quote_the_override),
        cmocka_unit_test(parse_set_splits_at_the_first_equals_sign),
        cmocka_unit_test(a_broken_rule_is_reported_at_the_line_that_set_it),
        cmocka_unit_test(a_broken_rule_names_the_override_that_caused_it),
        cmocka_unit_test(the_fixture_rule_breach_names_its_file_and_line),
        cmocka_unit_test(an_unreadable_file_is_an_io_error),
        cmocka_unit_test(loading_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

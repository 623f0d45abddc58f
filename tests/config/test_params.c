/* tests/config/test_params.c - tests for src/config/params.c */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "config/config.h"
#include "core/core.h"

static const momo_param_info *find(const char *name)
{
    const momo_param_info *pi = momo_param_find(name);

    if (!pi)
        fail_msg("no parameter %s", name);
    return pi;
}

/* Set `name` to `value` and expect failure `code` with message `msg`. */
static void expect_set_error(const char *name, const char *value, int code,
                             const char *msg)
{
    momo_params p;
    momo_err err = { 0 };

    momo_params_default(&p);
    assert_int_equal(momo_params_set(&p, name, value, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
}

static void defaults_equal_the_registry(void **state)
{
    momo_params p;

    (void)state;
    momo_params_default(&p);
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);
        char buf[256];

        switch (pi->type) {
        case MOMO_PARAM_DOUBLE:
        case MOMO_PARAM_INT:
        case MOMO_PARAM_BOOL:
            if (momo_params_get_number(&p, pi) != pi->def)
                fail_msg("%s: default %g, registry says %g", pi->name,
                         momo_params_get_number(&p, pi), pi->def);
            break;
        default:
            momo_params_format(&p, pi, buf, sizeof(buf));
            assert_string_equal(buf, pi->def_text);
        }
    }
}

static void defaults_are_the_strategy_contract_values(void **state)
{
    momo_params p;

    (void)state;
    momo_params_default(&p);
    assert_int_equal(p.rsi_period, 14);
    assert_int_equal(p.sma_fast, 50);
    assert_int_equal(p.roc_periods[0], 21);
    assert_int_equal(p.roc_periods[3], 252);
    assert_true(p.weights[0] == 0.1 && p.weights[1] == 0.3 &&
                p.weights[2] == 0.3 && p.weights[3] == 0.3);
    assert_true(p.min_dollar_volume == 5e6);
    assert_true(p.momentum_threshold == 70);
    assert_true(p.rsi_min == 50 && p.rsi_max == 70);
    assert_int_equal(p.trend_filter, 1);
    assert_true(p.stop_loss_stock == 0.08);
    assert_true(p.profit_target_crypto == 0.30);
    assert_int_equal(p.max_holding_days, 30);
    assert_int_equal(p.max_positions, 8);
    assert_true(p.crypto_lot == 1e-6);
    assert_string_equal(p.market_symbol, "SPY");
    assert_true(p.risk_scale[2] == 0.5);
}

static void every_default_lies_within_its_bounds_and_validates(void **state)
{
    momo_params p;

    (void)state;
    momo_params_default(&p);
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);

        assert_true(pi->min <= pi->max);
        if (pi->count == 1 && pi->type != MOMO_PARAM_STRING)
            assert_true(pi->def >= pi->min && pi->def <= pi->max);
        assert_non_null(pi->description);
        assert_true(strlen(pi->description) > 0);
    }
    assert_int_equal(momo_params_validate(&p, NULL), MOMO_OK);
}

static void names_are_unique_dotted_and_found_by_name(void **state)
{
    (void)state;
    assert_true(momo_param_count() > 30);
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);

        assert_non_null(strchr(pi->name, '.'));
        assert_true(strlen(pi->name) < CFG_KEY_MAX);
        assert_ptr_equal(momo_param_find(pi->name), pi);
        assert_int_equal(cfg_param_index(pi), i);
        /* no name is also a section: YAML could not hold both */
        assert_false(cfg_is_section(pi->name));
    }
    assert_null(momo_param_at(momo_param_count()));
    assert_null(momo_param_find("signals.entry"));
    assert_null(momo_param_find("signals.entry.rsi_min "));
}

static void set_parses_every_type(void **state)
{
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    momo_params_default(&p);
    assert_int_equal(momo_params_set(&p, "indicators.rsi_period", " 21 ",
                                     &err), MOMO_OK);
    assert_int_equal(p.rsi_period, 21);
    assert_int_equal(momo_params_set(&p, "scanner.min_price", "2.5e1",
                                     &err), MOMO_OK);
    assert_true(p.min_price == 25.0);
    for (int k = 0; k < 2; k++) {
        static const char *const off[] = { "false", "No" };
        static const char *const on[] = { "ON", "1" };

        assert_int_equal(momo_params_set(&p, "signals.entry.trend_filter",
                                         off[k], &err), MOMO_OK);
        assert_int_equal(p.trend_filter, 0);
        assert_int_equal(momo_params_set(&p, "signals.entry.trend_filter",
                                         on[k], &err), MOMO_OK);
        assert_int_equal(p.trend_filter, 1);
    }
    assert_int_equal(momo_params_set(&p, "regime.market_symbol", "^GSPC",
                                     &err), MOMO_OK);
    assert_string_equal(p.market_symbol, "^GSPC");
    assert_int_equal(momo_params_set(&p, "scanner.weights",
                                     "[0.25, 0.25,0.25 , 0.25]", &err),
                     MOMO_OK);
    assert_true(p.weights[2] == 0.25);
    assert_int_equal(momo_params_set(&p, "scanner.roc_periods",
                                     "10,20,30,40", &err), MOMO_OK);
    assert_int_equal(p.roc_periods[3], 40);
    assert_int_equal(err.code, MOMO_OK);
}

static void out_of_bounds_values_name_key_value_and_bound(void **state)
{
    (void)state;
    expect_set_error("signals.entry.rsi_min", "101", MOMO_EINVAL,
                     "signals.entry.rsi_min: 101 is above the maximum 100");
    expect_set_error("indicators.rsi_period", "1", MOMO_EINVAL,
                     "indicators.rsi_period: 1 is below the minimum 2");
    expect_set_error("signals.exit.stop_loss_stock", "0.0001", MOMO_EINVAL,
                     "signals.exit.stop_loss_stock: 0.0001 is below the "
                     "minimum 0.001");
    expect_set_error("scanner.weights", "[0.1, 0.3, 300, 0.3]", MOMO_EINVAL,
                     "scanner.weights: 300 is above the maximum 100");
}

static void values_of_the_wrong_type_are_refused(void **state)
{
    (void)state;
    expect_set_error("indicators.rsi_period", "14.5", MOMO_EINVAL,
                     "indicators.rsi_period: '14.5' is not an integer");
    expect_set_error("scanner.min_price", "five", MOMO_EINVAL,
                     "scanner.min_price: 'five' is not a number");
    expect_set_error("scanner.min_price", "nan", MOMO_EINVAL,
                     "scanner.min_price: 'nan' is not a number");
    expect_set_error("scanner.min_price", "", MOMO_EINVAL,
                     "scanner.min_price: '' is not a number");
    expect_set_error("signals.entry.trend_filter", "maybe", MOMO_EINVAL,
                     "signals.entry.trend_filter: 'maybe' is not a boolean "
                     "(true or false)");
    expect_set_error("scanner.weights", "0.1, 0.3, 0.3", MOMO_EINVAL,
                     "scanner.weights: '0.1, 0.3, 0.3' has 3 values, "
                     "expected 4");
    expect_set_error("scanner.weights", "[0.1, 0.3, 0.3, 0.3, 1]",
                     MOMO_EINVAL, "scanner.weights: '[0.1, 0.3, 0.3, 0.3, "
                     "1]' has more than 4 values");
    expect_set_error("scanner.weights", "[0.1, 0.3", MOMO_EINVAL,
                     "scanner.weights: '[0.1, 0.3': missing ']'");
    expect_set_error("scanner.roc_periods", "[21, 63, 126.5, 252]",
                     MOMO_EINVAL, "scanner.roc_periods: '126.5' is not an "
                     "integer");
    expect_set_error("regime.market_symbol", "S\tP", MOMO_EINVAL,
                     "regime.market_symbol: 'S\tP' has a character that is "
                     "not printable ASCII");
    expect_set_error("regime.market_symbol",
                     "ABCDEFGHIJABCDEFGHIJABCDEFGHIJAB", MOMO_EINVAL,
                     "regime.market_symbol: 'ABCDEFGHIJABCDEFGHIJABCDEFGHIJ"
                     "AB' is longer than 31 bytes");
}

static void a_refused_value_leaves_the_parameter_unchanged(void **state)
{
    momo_params p, before;

    (void)state;
    momo_params_default(&p);
    before = p;
    assert_int_not_equal(momo_params_set(&p, "scanner.weights",
                                         "1, 2, 3, x", NULL), MOMO_OK);
    assert_int_not_equal(momo_params_set(&p, "scanner.roc_periods",
                                         "1, 2, 3, 4, 5", NULL), MOMO_OK);
    assert_int_not_equal(momo_params_set(&p, "risk.max_positions", "0",
                                         NULL), MOMO_OK);
    assert_int_not_equal(momo_params_set(&p, "regime.vix_symbol",
                                         "\x01", NULL), MOMO_OK);
    assert_memory_equal(&p, &before, sizeof(p));
}

static void unknown_names_suggest_the_nearest_parameter(void **state)
{
    (void)state;
    expect_set_error("signals.entry.rsi_mn", "50", MOMO_ENOTFOUND,
                     "unknown parameter 'signals.entry.rsi_mn' (did you "
                     "mean 'signals.entry.rsi_min'?)");
    /* a right leaf in the wrong section is a near miss too */
    assert_string_equal(momo_param_suggest("rsi_max"),
                        "signals.entry.rsi_max");
    assert_string_equal(momo_param_suggest("risk.max_position"),
                        "risk.max_positions");
    assert_null(momo_param_suggest("completely.unrelated.thing"));
    expect_set_error("zzzzzz", "1", MOMO_ENOTFOUND,
                     "unknown parameter 'zzzzzz' (see 'momo config "
                     "schema')");
}

static void sections_are_the_dotted_prefixes_of_names(void **state)
{
    char buf[CFG_KEY_MAX];

    (void)state;
    assert_true(cfg_is_section("signals"));
    assert_true(cfg_is_section("signals.entry"));
    assert_true(cfg_is_section("regime.risk_scale"));
    assert_false(cfg_is_section("signals.entry.rsi_min"));
    assert_false(cfg_is_section("signal"));
    assert_false(cfg_is_section("sig"));
    assert_false(cfg_is_section(""));
    assert_string_equal(cfg_suggest_section("signal", buf, sizeof(buf)),
                        "signals");
    assert_string_equal(cfg_suggest_section("signals.entri", buf,
                                            sizeof(buf)), "signals.entry");
    assert_null(cfg_suggest_section("qqqqqqqqqqqq", buf, sizeof(buf)));
}

static void numbers_are_written_in_the_shortest_text_that_reads_back(
    void **state)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        { 0.1, "0.1" },         { 5e6, "5000000" },
        { 100000, "100000" },   { 1e-6, "1e-06" },
        { 1e13, "1e+13" },      { 0.001, "0.001" },
        { -0.25, "-0.25" },     { 0, "0" },
        { 1.0 / 3, "0.3333333333333333" },
        { 0.1 + 0.2, "0.30000000000000004" },
        { 123456.789, "123456.789" }, { 2.5e-12, "2.5e-12" },
    };
    char buf[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cfg_format_double(cases[i].v, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].text);
        assert_true(strtod(buf, NULL) == cases[i].v);
    }
}

static unsigned long long next(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void random_doubles_round_trip_through_their_text(void **state)
{
    unsigned long long s = 0x9e3779b97f4a7c15ull;
    char buf[64];

    (void)state;
    for (int i = 0; i < 50000; i++) {
        unsigned long long bits = next(&s);
        double v;

        memcpy(&v, &bits, sizeof(v));
        if (!isfinite(v))
            continue;
        cfg_format_double(v, buf, sizeof(buf));
        if (strtod(buf, NULL) != v)
            fail_msg("%.17g written as %s", v, buf);
    }
}

static void every_parameter_formats_to_text_that_sets_it_back(void **state)
{
    momo_params p, q;

    (void)state;
    momo_params_default(&p);
    p.weights[1] = 1.0 / 3;
    p.crypto_lot = 2.5e-9;
    p.initial_capital = 12345678.9;
    memset(&q, 0, sizeof(q));
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);
        char buf[256];
        momo_err err = { 0 };

        momo_params_format(&p, pi, buf, sizeof(buf));
        if (momo_params_set(&q, pi->name, buf, &err) != MOMO_OK)
            fail_msg("%s", err.msg);
    }
    assert_memory_equal(&p, &q, sizeof(p));
}

static void format_reports_the_length_it_needs(void **state)
{
    momo_params p;
    char small[8];
    int n;

    (void)state;
    momo_params_default(&p);
    n = momo_params_format(&p, find("scanner.weights"), small,
                           sizeof(small));
    assert_int_equal(n, (int)strlen("[0.1, 0.3, 0.3, 0.3]"));
    assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void set_number_checks_integers_and_bounds(void **state)
{
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    momo_params_default(&p);
    assert_int_equal(momo_params_set_number(&p, find("risk.max_positions"),
                                            12, &err), MOMO_OK);
    assert_int_equal(p.max_positions, 12);
    assert_true(momo_params_get_number(&p, find("risk.max_positions")) ==
                12);
    assert_int_equal(momo_params_set_number(&p, find("risk.max_positions"),
                                            2.5, &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "risk.max_positions: 2.5 is not an "
                                 "integer");
    momo_err_clear(&err);
    assert_int_equal(momo_params_set_number(&p, find("risk.risk_per_trade"),
                                            2, &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "risk.risk_per_trade: 2 is above the "
                                 "maximum 1");
    momo_err_clear(&err);
    assert_int_equal(momo_params_set_number(&p, find("scanner.weights"), 1,
                                            &err), MOMO_EINVAL);
    assert_int_equal(p.max_positions, 12);
    assert_true(p.risk_per_trade == 0.01);
}

static void validate_names_both_sides_of_a_broken_rule(void **state)
{
    momo_params p;
    momo_err err = { 0 };
    const momo_param_info *who[2];

    (void)state;
    momo_params_default(&p);
    p.rsi_min = 70;
    assert_int_equal(cfg_validate(&p, who, &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "signals.entry.rsi_min (70) must be below "
                                 "signals.entry.rsi_max (70)");
    assert_ptr_equal(who[0], find("signals.entry.rsi_min"));
    assert_ptr_equal(who[1], find("signals.entry.rsi_max"));

    momo_params_default(&p);
    p.sma_fast = 300;
    momo_err_clear(&err);
    assert_int_equal(momo_params_validate(&p, &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "indicators.sma_fast (300) must be below "
                                 "indicators.sma_slow (200)");

    momo_params_default(&p);
    memset(p.weights, 0, sizeof(p.weights));
    momo_err_clear(&err);
    assert_int_equal(cfg_validate(&p, who, &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "scanner.weights: at least one weight "
                                 "must be non-zero");
    assert_ptr_equal(who[0], find("scanner.weights"));
    assert_null(who[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_equal_the_registry),
        cmocka_unit_test(defaults_are_the_strategy_contract_values),
        cmocka_unit_test(every_default_lies_within_its_bounds_and_validates),
        cmocka_unit_test(names_are_unique_dotted_and_found_by_name),
        cmocka_unit_test(set_parses_every_type),
        cmocka_unit_test(out_of_bounds_values_name_key_value_and_bound),
        cmocka_unit_test(values_of_the_wrong_type_are_refused),
        cmocka_unit_test(a_refused_value_leaves_the_parameter_unchanged),
        cmocka_unit_test(unknown_names_suggest_the_nearest_parameter),
        cmocka_unit_test(sections_are_the_dotted_prefixes_of_names),
        cmocka_unit_test(
            numbers_are_written_in_the_shortest_text_that_reads_back),
        cmocka_unit_test(random_doubles_round_trip_through_their_text),
        cmocka_unit_test(
            every_parameter_formats_to_text_that_sets_it_back),
        cmocka_unit_test(format_reports_the_length_it_needs),
        cmocka_unit_test(set_number_checks_integers_and_bounds),
        cmocka_unit_test(validate_names_both_sides_of_a_broken_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

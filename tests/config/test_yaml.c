/* tests/config/test_yaml.c - tests for src/config/yaml.c, through
 * momo_config_load_text and momo_config_load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "config/config.h"
#include "core/core.h"

/* Load `text` as "t.yaml"; on success copy the parameters to *out. */
static int load(const char *text, momo_params *out, momo_err *err)
{
    momo_config *cfg = (momo_config *)&cfg;     /* must become NULL */
    int rc = momo_config_load_text(text, strlen(text), "t.yaml", NULL, 0,
                                   &cfg, err);

    if (rc != MOMO_OK) {
        assert_null(cfg);
        return rc;
    }
    assert_non_null(cfg);
    if (out)
        *out = *momo_config_params(cfg);
    momo_config_free(cfg);
    return rc;
}

static void expect_error(const char *text, int code, const char *msg)
{
    momo_err err = { 0 };

    assert_int_equal(load(text, NULL, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
}

static void expect_defaults(const char *text)
{
    momo_params p, d;
    momo_err err = { 0 };

    if (load(text, &p, &err) != MOMO_OK)
        fail_msg("%s", err.msg);
    momo_params_default(&d);
    assert_memory_equal(&p, &d, sizeof(p));
}

static void an_empty_file_means_the_defaults(void **state)
{
    (void)state;
    expect_defaults("");
    expect_defaults("\n\n");
    expect_defaults("# only a comment\n");
    expect_defaults("---\n");
    expect_defaults("--- ~\n...\n");
    expect_defaults("{}\n");
    /* a section left empty, its keys commented out */
    expect_defaults("signals:\n  # entry:\n  #   rsi_min: 55\n");
}

static void nested_maps_set_the_dotted_names(void **state)
{
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(load("indicators:\n"
                          "  rsi_period: 10\n"
                          "signals:\n"
                          "  entry:\n"
                          "    rsi_min: 55\n"
                          "    trend_filter: false\n"
                          "  exit: {stop_loss_crypto: 0.2}\n"
                          "regime:\n"
                          "  risk_scale:\n"
                          "    high_vol_mean_reverting: 0.25\n",
                          &p, &err), MOMO_OK);
    assert_int_equal(p.rsi_period, 10);
    assert_true(p.rsi_min == 55);
    assert_int_equal(p.trend_filter, 0);
    assert_true(p.stop_loss_crypto == 0.2);
    assert_true(p.risk_scale[MOMO_REGIME_HIGH_VOL_MEAN_REVERTING] == 0.25);
    assert_true(p.rsi_max == 70);           /* untouched: default */
}

static void flat_dotted_keys_work_at_any_level(void **state)
{
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(load("signals.entry.rsi_min: 55\n"
                          "signals:\n"
                          "  entry.rsi_max: 65\n"
                          "  exit:\n"
                          "    stop_loss_stock: 0.1\n"
                          "regime.risk_scale: {low_vol_sideways: 0}\n"
                          "regime:\n"
                          "  market_symbol: 'BTC-USD'\n",
                          &p, &err), MOMO_OK);
    assert_true(p.rsi_min == 55);
    assert_true(p.rsi_max == 65);
    assert_true(p.stop_loss_stock == 0.1);
    assert_true(p.risk_scale[MOMO_REGIME_LOW_VOL_SIDEWAYS] == 0);
    assert_string_equal(p.market_symbol, "BTC-USD");
}

static void lists_are_read_in_flow_and_block_style(void **state)
{
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(load("scanner:\n"
                          "  weights: [0.4, 0.2, 0.2, 0.2]\n"
                          "  roc_periods:\n"
                          "    - 5\n"
                          "    - \"10\"\n"
                          "    - 20\n"
                          "    - 40\n", &p, &err), MOMO_OK);
    assert_true(p.weights[0] == 0.4 && p.weights[3] == 0.2);
    assert_int_equal(p.roc_periods[0], 5);
    assert_int_equal(p.roc_periods[1], 10);
    assert_int_equal(p.roc_periods[3], 40);
    /* a list across lines, and the --set text form */
    assert_int_equal(load("scanner.weights: [\n  1, 2,\n  3, 4]\n"
                          "scanner.roc_periods: 1, 2, 3, 4\n",
                          &p, &err), MOMO_OK);
    assert_true(p.weights[3] == 4);
    assert_int_equal(p.roc_periods[2], 3);
}

static void both_fixture_forms_load_to_the_same_parameters(void **state)
{
    momo_config *a = NULL, *b = NULL;
    momo_err err = { 0 };
    const momo_params *p;

    (void)state;
    if (momo_config_load(tu_fixture("config/nested.yaml"), NULL, 0, &a,
                         &err) != MOMO_OK)
        fail_msg("%s", err.msg);
    if (momo_config_load(tu_fixture("config/flat.yaml"), NULL, 0, &b,
                         &err) != MOMO_OK)
        fail_msg("%s", err.msg);
    p = momo_config_params(a);
    assert_int_equal(p->rsi_period, 10);
    assert_true(p->min_dollar_volume == 1e6);
    assert_true(p->weights[1] == 0.25);
    assert_int_equal(p->max_holding_days, 20);
    assert_string_equal(p->market_symbol, "QQQ");
    assert_memory_equal(momo_config_params(a), momo_config_params(b),
                        sizeof(momo_params));
    momo_config_free(a);
    momo_config_free(b);
}

/*---- Errors: each with its file, line and key ----*/

static void an_unknown_key_suggests_the_nearest_name(void **state)
{
    (void)state;
    expect_error("signals:\n"
                 "  entry:\n"
                 "    rsi_mn: 50\n", MOMO_ENOTFOUND,
                 "t.yaml:3: unknown parameter 'signals.entry.rsi_mn' (did "
                 "you mean 'signals.entry.rsi_min'?)");
    expect_error("\nrsi_max: 60\n", MOMO_ENOTFOUND,
                 "t.yaml:2: unknown parameter 'rsi_max' (did you mean "
                 "'signals.entry.rsi_max'?)");
    expect_error("foo: 1\n", MOMO_ENOTFOUND,
                 "t.yaml:1: unknown parameter 'foo' (see 'momo config "
                 "schema')");
    expect_error("signal:\n  entry:\n    rsi_min: 50\n", MOMO_ENOTFOUND,
                 "t.yaml:1: unknown section 'signal' (did you mean "
                 "'signals'?)");
    expect_error("xyzzyplugh: {}\n", MOMO_ENOTFOUND,
                 "t.yaml:1: unknown section 'xyzzyplugh' (see 'momo config "
                 "schema')");
}

static void a_value_out_of_bounds_names_the_key_value_and_bound(void **state)
{
    (void)state;
    expect_error("signals:\n  entry:\n    rsi_min: 150\n", MOMO_EINVAL,
                 "t.yaml:3: signals.entry.rsi_min: 150 is above the maximum "
                 "100");
    expect_error("risk.max_positions: 0\n", MOMO_EINVAL,
                 "t.yaml:1: risk.max_positions: 0 is below the minimum 1");
    expect_error("scanner:\n  weights:\n    - 0.1\n    - -200\n"
                 "    - 0.3\n    - 0.3\n", MOMO_EINVAL,
                 "t.yaml:2: scanner.weights: -200 is below the minimum "
                 "-100");
}

static void a_value_of_the_wrong_type_is_refused(void **state)
{
    (void)state;
    expect_error("indicators:\n  rsi_period: 14.5\n", MOMO_EINVAL,
                 "t.yaml:2: indicators.rsi_period: '14.5' is not an "
                 "integer");
    expect_error("scanner.min_price: cheap\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.min_price: 'cheap' is not a number");
    expect_error("signals.entry.trend_filter: sometimes\n", MOMO_EINVAL,
                 "t.yaml:1: signals.entry.trend_filter: 'sometimes' is not "
                 "a boolean (true or false)");
    expect_error("signals.entry.rsi_min:\n", MOMO_EINVAL,
                 "t.yaml:1: signals.entry.rsi_min: no value");
    expect_error("scanner.weights: [0.1, 0.3, 0.3]\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.weights: '[0.1, 0.3, 0.3]' has 3 "
                 "values, expected 4");
    expect_error("scanner.weights: [1, 2, 3, 4, 5]\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.weights: more than 4 values");
    expect_error("scanner.weights: []\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.weights: empty list, expected 4 values");
    expect_error("scanner.weights: [1, '2,3', 4]\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.weights: '2,3' is not a number");
    expect_error("scanner.roc_periods: [1, 2, ~, 4]\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.roc_periods: empty value in the list");
    expect_error("regime.market_symbol: \"S\\tP\"\n", MOMO_EINVAL,
                 "t.yaml:1: regime.market_symbol: 'S\tP' has a character "
                 "that is not printable ASCII");
}

static void a_key_given_twice_names_both_lines(void **state)
{
    (void)state;
    expect_error("signals:\n"
                 "  entry:\n"
                 "    rsi_min: 50\n"
                 "    rsi_min: 55\n", MOMO_EFORMAT,
                 "t.yaml:4: signals.entry.rsi_min: given twice (lines 3 and "
                 "4)");
    /* nested and flat forms reach the same parameter */
    expect_error("signals:\n"
                 "  entry:\n"
                 "    rsi_min: 50\n"
                 "# later\n"
                 "signals.entry.rsi_min: 55\n", MOMO_EFORMAT,
                 "t.yaml:5: signals.entry.rsi_min: given twice (lines 3 and "
                 "5)");
    expect_error("scanner.weights: [1, 1, 1, 1]\n"
                 "scanner:\n"
                 "  weights: [1, 1, 1, 1]\n", MOMO_EFORMAT,
                 "t.yaml:3: scanner.weights: given twice (lines 1 and 3)");
    /* a repeated section would silently drop one half elsewhere */
    expect_error("signals:\n"
                 "  entry: {rsi_min: 50}\n"
                 "risk:\n"
                 "  max_positions: 5\n"
                 "signals:\n"
                 "  exit: {max_holding_days: 5}\n", MOMO_EFORMAT,
                 "t.yaml:5: signals: given twice (lines 1 and 5)");
}

static void a_syntax_error_gives_the_line_and_the_problem(void **state)
{
    (void)state;
    expect_error("signals:\n"
                 "  entry:\n"
                 "    rsi_min: 50\n"
                 "   rsi_max: 60\n", MOMO_EFORMAT,
                 "t.yaml:4: syntax error: did not find expected key "
                 "(while parsing a block mapping)");
    expect_error("scanner.weights: [1, 2\n", MOMO_EFORMAT,
                 "t.yaml:2: syntax error: did not find expected ',' or ']' "
                 "(while parsing a flow sequence)");
    expect_error("a: b: c\n", MOMO_EFORMAT,
                 "t.yaml:1: syntax error: mapping values are not allowed in "
                 "this context");
    /* a syntax error is found even after a bad key */
    expect_error("foo: 1\n\"unterminated\n", MOMO_EFORMAT,
                 "t.yaml:3: syntax error: found unexpected end of stream "
                 "(while scanning a quoted scalar)");
}

static void a_map_where_a_value_belongs_is_refused(void **state)
{
    (void)state;
    expect_error("signals.entry.rsi_min:\n  low: 50\n", MOMO_EFORMAT,
                 "t.yaml:1: signals.entry.rsi_min: expected a value, got a "
                 "map");
    expect_error("signals.entry.rsi_min: [50]\n", MOMO_EFORMAT,
                 "t.yaml:1: signals.entry.rsi_min: expected a single value, "
                 "got a list");
    expect_error("scanner.weights: {a: 1}\n", MOMO_EFORMAT,
                 "t.yaml:1: scanner.weights: expected a value, got a map");
    expect_error("scanner.weights: [[1, 2], 3, 4, 5]\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.weights: expected a number, got a list");
    expect_error("scanner.roc_periods: [{a: 1}]\n", MOMO_EINVAL,
                 "t.yaml:1: scanner.roc_periods: expected an integer, got a "
                 "map");
}

static void a_value_where_a_map_belongs_is_refused(void **state)
{
    (void)state;
    expect_error("signals: 5\n", MOMO_EFORMAT,
                 "t.yaml:1: signals: expected a map of parameters, got '5'");
    expect_error("signals:\n  entry: [1, 2]\n", MOMO_EFORMAT,
                 "t.yaml:2: signals.entry: expected a map of parameters, "
                 "got a list");
    expect_error("- signals\n- risk\n", MOMO_EFORMAT,
                 "t.yaml:1: the top level must be a map of parameters, got "
                 "a list");
    expect_error("hello\n", MOMO_EFORMAT,
                 "t.yaml:1: the top level must be a map of parameters, got "
                 "'hello'");
    expect_error("? [a, b]\n: 1\n", MOMO_EFORMAT,
                 "t.yaml:1: a key must be a name, not a list");
    expect_error("\"\": 1\n", MOMO_EFORMAT, "t.yaml:1: empty key");
}

static void aliases_and_second_documents_are_refused(void **state)
{
    (void)state;
    expect_error("signals:\n  entry: &e {rsi_min: 50}\n"
                 "  exit: *e\n", MOMO_EFORMAT,
                 "t.yaml:3: aliases (*e) are not supported");
    expect_error("risk.max_positions: 5\n---\nrisk.max_positions: 6\n",
                 MOMO_EFORMAT, "t.yaml:2: more than one YAML document (a "
                 "config is one map)");
}

static void a_nul_byte_in_a_value_is_refused(void **state)
{
    (void)state;
    expect_error("regime.market_symbol: \"SPY\\0x\"\n", MOMO_EFORMAT,
                 "t.yaml:1: a key or value holds a NUL byte");
    expect_error("\"signals\\0.x\": 1\n", MOMO_EFORMAT,
                 "t.yaml:1: a key or value holds a NUL byte");
}

static void a_key_too_long_is_refused(void **state)
{
    char text[400];

    (void)state;
    memset(text, 'k', 300);
    memcpy(text + 300, ": 1\n", 5);
    expect_error(text, MOMO_EFORMAT,
                 "t.yaml:1: key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' "
                 "is too long (at most 127 bytes with its sections)");
}

/* `depth` maps nested in flow style: {a: {a: ... {a: 1} ... }} */
static char *nested_maps(int depth)
{
    char *s = malloc((size_t)depth * 5 + 8);
    size_t n = 0;

    assert_non_null(s);
    for (int i = 0; i < depth; i++)
        n += (size_t)sprintf(s + n, "{a: ");
    n += (size_t)sprintf(s + n, "1");
    for (int i = 0; i < depth; i++)
        s[n++] = '}';
    s[n++] = '\n';
    s[n] = '\0';
    return s;
}

static void nesting_deeper_than_sixteen_levels_is_refused(void **state)
{
    char *ok = nested_maps(CFG_MAX_DEPTH), *deep = nested_maps(100000);
    momo_err err = { 0 };

    (void)state;
    /* 16 levels are YAML we read: the error is about the key */
    assert_int_equal(load(ok, NULL, &err), MOMO_ENOTFOUND);
    expect_error(deep, MOMO_EFORMAT, "t.yaml:1: nesting deeper than 16 "
                 "levels");
    free(ok);
    free(deep);
}

static void a_config_larger_than_one_mebibyte_is_refused(void **state)
{
    size_t n = CFG_MAX_BYTES + 1;
    char *big = malloc(n + 1);
    const char *dir = tu_tmpdir("cfg_big");
    char path[4200];
    momo_config *cfg = NULL;
    momo_err err = { 0 };
    FILE *f;

    (void)state;
    assert_non_null(big);
    memset(big, '#', n);
    for (size_t i = 79; i < n; i += 80)
        big[i] = '\n';
    big[n] = '\0';
    expect_error(big, MOMO_EFORMAT, "t.yaml: larger than the limit of "
                 "1048576 bytes");
    /* one byte less is a comment, so the defaults */
    big[n - 1] = '\0';
    expect_defaults(big);
    big[n - 1] = '#';
    snprintf(path, sizeof(path), "%s/big.yaml", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(big, 1, n, f), n);
    fclose(f);
    assert_int_equal(momo_config_load(path, NULL, 0, &cfg, &err),
                     MOMO_EFORMAT);
    assert_null(cfg);
    assert_non_null(strstr(err.msg, "larger than the limit of 1048576 "
                                    "bytes"));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_empty_file_means_the_defaults),
        cmocka_unit_test(nested_maps_set_the_dotted_names),
        cmocka_unit_test(flat_dotted_keys_work_at_any_level),
        cmocka_unit_test(lists_are_read_in_flow_and_block_style),
        cmocka_unit_test(both_fixture_forms_load_to_the_same_parameters),
        cmocka_unit_test(an_unknown_key_suggests_the_nearest_name),
        cmocka_unit_test(a_value_out_of_bounds_names_the_key_value_and_bound),
        cmocka_unit_test(a_value_of_the_wrong_type_is_refused),
        cmocka_unit_test(a_key_given_twice_names_both_lines),
        cmocka_unit_test(a_syntax_error_gives_the_line_and_the_problem),
        cmocka_unit_test(a_map_where_a_value_belongs_is_refused),
        cmocka_unit_test(a_value_where_a_map_belongs_is_refused),
        cmocka_unit_test(aliases_and_second_documents_are_refused),
        cmocka_unit_test(a_nul_byte_in_a_value_is_refused),
        cmocka_unit_test(a_key_too_long_is_refused),
        cmocka_unit_test(nesting_deeper_than_sixteen_levels_is_refused),
        cmocka_unit_test(a_config_larger_than_one_mebibyte_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/analysis/test_periods.c - tests for src/analysis/periods.c: the
 * built-in periods, reading a periods file, and errors that name the
 * file, the line and the field. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/analysis.h"

static void the_built_in_periods_are_the_documented_ranges(void **state)
{
    static const struct {
        const char *name;
        int y0, m0, d0, y1, m1, d1;
    } want[] = {
        { "bear", 2007, 10, 1, 2009, 3, 31 },
        { "recovery", 2009, 3, 1, 2011, 12, 31 },
        { "sideways", 2015, 1, 1, 2016, 12, 31 },
        { "volatile", 2020, 2, 1, 2020, 6, 30 },
        { "bull", 2017, 1, 1, 2019, 12, 31 },
    };
    size_t n;
    const momo_period *p = momo_periods_default(&n);

    (void)state;
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(p[i].name, want[i].name);
        assert_int_equal(p[i].from, core_days_from_civil(want[i].y0,
                                                         want[i].m0,
                                                         want[i].d0));
        assert_int_equal(p[i].to, core_days_from_civil(want[i].y1,
                                                       want[i].m1,
                                                       want[i].d1));
    }
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4096];

    snprintf(path, sizeof(path), "%s/%s", tu_tmpdir("periods"), name);
    tu_write_file(path, text);
    return path;
}

static void a_periods_file_is_read_in_order(void **state)
{
    const char *path = write_tmp("ok.yaml",
                                 "# custom periods\n"
                                 "periods:\n"
                                 "  - name: crash_2020\n"
                                 "    from: 2020-02-19\n"
                                 "    to: 2020-03-23\n"
                                 "  - {name: dotcom, from: 2000-03-10, "
                                 "to: 2002-10-09}\n");
    momo_period *p = NULL;
    size_t n = 0;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_periods_load(path, &p, &n, &err), MOMO_OK);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].name, "crash_2020");
    assert_int_equal(p[0].from, core_days_from_civil(2020, 2, 19));
    assert_int_equal(p[0].to, core_days_from_civil(2020, 3, 23));
    assert_string_equal(p[1].name, "dotcom");
    assert_int_equal(p[1].to, core_days_from_civil(2002, 10, 9));
    momo_periods_free(p);
}

static void expect_error(const char *text, int code, const char *msg)
{
    const char *path = write_tmp("bad.yaml", text);
    momo_period *p = NULL;
    size_t n = 7;
    momo_err err = { 0 };

    assert_int_equal(momo_periods_load(path, &p, &n, &err), code);
    assert_null(p);
    assert_int_equal(n, 0);
    if (!strstr(err.msg, msg))
        fail_msg("expected '%s' in '%s'", msg, err.msg);
    assert_non_null(strstr(err.msg, "bad.yaml:"));
}

static void bad_periods_files_name_the_line_and_field(void **state)
{
    (void)state;
    expect_error("periods:\n  - name: a\n    from: 2020-13-01\n"
                 "    to: 2020-12-31\n", MOMO_EFORMAT,
                 "bad.yaml:3: periods[0]: 'from': not a date");
    expect_error("periods:\n  - name: a\n    from: 2020-01-01\n",
                 MOMO_EFORMAT, "bad.yaml:2: periods[0]: missing 'to'");
    expect_error("periods:\n  - name: a\n    from: 2020-01-01\n"
                 "    to: 2019-01-01\n", MOMO_EFORMAT,
                 "'from' is after 'to'");
    expect_error("periods:\n  - name: a\n    from: 2020-01-01\n"
                 "    to: 2020-02-01\n    until: 2020-03-01\n",
                 MOMO_EFORMAT, "bad.yaml:5: periods[0]: unknown key "
                 "'until'");
    expect_error("periods:\n  - {name: a, from: 2020-01-01, to: 2020-02-01}\n"
                 "  - {name: a, from: 2021-01-01, to: 2021-02-01}\n",
                 MOMO_EFORMAT, "periods[1]: the name 'a' is used twice");
    expect_error("periods: 2020\n", MOMO_EFORMAT,
                 "'periods' must be a list");
    expect_error("periods: []\n", MOMO_EFORMAT, "1 to 256 periods");
    expect_error("windows:\n  - name: a\n", MOMO_EFORMAT,
                 "bad.yaml:1: unknown key 'windows'");
    expect_error("periods:\n  - name: [a\n", MOMO_EFORMAT, "bad.yaml:");
}

static void a_missing_periods_file_is_an_io_error(void **state)
{
    momo_period *p = NULL;
    size_t n;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_periods_load("/nonexistent/periods.yaml", &p, &n,
                                       &err), MOMO_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/periods.yaml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_built_in_periods_are_the_documented_ranges),
        cmocka_unit_test(a_periods_file_is_read_in_order),
        cmocka_unit_test(bad_periods_files_name_the_line_and_field),
        cmocka_unit_test(a_missing_periods_file_is_an_io_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

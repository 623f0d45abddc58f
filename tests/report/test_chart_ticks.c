/* tests/report/test_chart_ticks.c - tests for src/report/chart_ticks.c:
 * nice linear steps, log ticks, calendar ticks and number formats. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "report/chart.h"

static int is_nice(double step)
{
    double k = floor(log10(step) + 1e-9), m = step / pow(10.0, k);

    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 ||
           fabs(m - 2.5) < 1e-9 || fabs(m - 5) < 1e-9;
}

static void linear_ticks_step_by_1_2_2_5_or_5_times_a_power_of_ten(
    void **state)
{
    unsigned seed = 12345;

    (void)state;
    for (int trial = 0; trial < 2000; trial++) {
        struct rpt_ticks t;
        double lo, hi, span;
        size_t max;

        seed = seed * 1103515245u + 12345u;
        span = ((double)(seed >> 8) / (1 << 24) + 1e-3) *
               pow(10.0, (int)(seed % 13) - 6);
        seed = seed * 1103515245u + 12345u;
        /* an offset of up to 1000 spans: beyond that, doubles cannot
         * hold evenly spaced ticks anyway */
        lo = span * ((double)(seed >> 8) / (1 << 24) - 0.5) *
             pow(10.0, (int)(seed % 4));
        hi = lo + span;
        max = 2 + seed % 12;
        rpt_ticks_linear(lo, hi, max, RPT_FMT_PLAIN, &t);
        assert_true(t.n <= max);
        assert_true(t.n >= 1);
        assert_true(is_nice(t.step));
        for (size_t i = 0; i < t.n; i++) {
            assert_true(t.v[i] >= lo - 1e-9 * span);
            assert_true(t.v[i] <= hi + 1e-9 * span);
            if (i > 0)
                assert_true(fabs(t.v[i] - t.v[i - 1] - t.step) <
                            1e-6 * t.step);
        }
    }
}

static void linear_ticks_of_familiar_ranges_land_on_round_numbers(
    void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_linear(0, 1, 6, RPT_FMT_PLAIN, &t);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.label[0], "0.0");
    assert_string_equal(t.label[3], "0.6");
    assert_string_equal(t.label[5], "1.0");

    rpt_ticks_linear(0, 100, 5, RPT_FMT_PLAIN, &t);
    assert_true(t.step == 25);
    assert_int_equal(t.n, 5);
    assert_string_equal(t.label[1], "25");

    rpt_ticks_linear(3, 97, 10, RPT_FMT_PLAIN, &t);
    assert_true(t.step == 10);
    assert_int_equal(t.n, 9);
    assert_true(t.v[0] == 10 && t.v[8] == 90);

    rpt_ticks_linear(-0.37, 0.52, 6, RPT_FMT_PERCENT, &t);
    assert_true(fabs(t.step - 0.2) < 1e-12);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.label[0], "-20%");
    assert_string_equal(t.label[1], "0%");
    assert_string_equal(t.label[3], "40%");
}

static void nice_range_widens_to_whole_steps(void **state)
{
    double lo = 95, hi = 205, step;

    (void)state;
    step = rpt_nice_range(&lo, &hi, 8);
    assert_true(step == 20);
    assert_true(lo == 80 && hi == 220);

    lo = 0.13;
    hi = 0.87;
    step = rpt_nice_range(&lo, &hi, 6);
    assert_true(fabs(step - 0.2) < 1e-12);
    assert_true(fabs(lo) < 1e-12 && fabs(hi - 1.0) < 1e-12);

    lo = hi = 5;        /* a single value still gets a range */
    step = rpt_nice_range(&lo, &hi, 6);
    assert_true(lo < 5 && hi > 5 && step > 0);
}

static void a_range_within_rounding_noise_widens_to_distinct_labels(
    void **state)
{
    /* the same total return summed in different orders */
    double lo = 1.1990013640612, hi = lo + 3e-13;
    struct rpt_ticks t;

    (void)state;
    rpt_nice_range(&lo, &hi, 6);
    assert_true(hi - lo > 0.01);
    assert_true(lo < 1.1990013640612 && hi > 1.1990013640615);
    rpt_ticks_linear(lo, hi, 6, RPT_FMT_PERCENT, &t);
    assert_true(t.n >= 3);
    for (size_t i = 1; i < t.n; i++)
        assert_string_not_equal(t.label[i], t.label[i - 1]);
}

static void log_ticks_fall_on_decades_when_the_range_spans_several(
    void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_log(1, 10000, 10, RPT_FMT_PLAIN, &t);
    assert_int_equal(t.n, 5);
    for (size_t i = 0; i < t.n; i++)
        assert_true(fabs(t.v[i] - pow(10.0, (double)i)) < 1e-9 * t.v[i]);
    assert_string_equal(t.label[3], "1000");

    /* eighteen decades, six ticks at most: every k-th decade */
    rpt_ticks_log(1e-6, 1e12, 6, RPT_FMT_PLAIN, &t);
    assert_true(t.n >= 3 && t.n <= 6);
    for (size_t i = 0; i < t.n; i++) {
        double k = log10(t.v[i]);

        assert_true(fabs(k - nearbyint(k)) < 1e-9);
        if (i > 1)
            assert_true(fabs(log10(t.v[i]) - 2 * log10(t.v[i - 1]) +
                             log10(t.v[i - 2])) < 1e-9);
    }
}

static void log_ticks_within_a_decade_use_1_2_5_or_plain_steps(void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_log(80, 1200, 8, RPT_FMT_MONEY, &t);
    assert_int_equal(t.n, 4);
    assert_true(t.v[0] == 100 && t.v[1] == 200 && t.v[2] == 500);
    assert_string_equal(t.label[3], "1,000");

    rpt_ticks_log(110, 190, 6, RPT_FMT_PLAIN, &t);  /* no decade inside */
    assert_true(t.n >= 2);
    for (size_t i = 0; i < t.n; i++)
        assert_true(t.v[i] >= 110 && t.v[i] <= 190);

    rpt_ticks_log(-1, 10, 6, RPT_FMT_PLAIN, &t);    /* not a log range */
    assert_int_equal(t.n, 0);
}

static double day(int y, int m, int d)
{
    return (double)core_days_from_civil(y, m, d);
}

static void date_ticks_over_two_days_mark_each_day(void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_date(day(2020, 3, 2), day(2020, 3, 4), 8, &t);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.label[0], "2 Mar 2020");
    assert_string_equal(t.label[1], "3 Mar 2020");
    assert_string_equal(t.label[2], "4 Mar 2020");
    assert_true(t.step == 1.0);
}

static void date_ticks_over_three_months_mark_each_month(void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_date(day(2020, 1, 1), day(2020, 4, 1), 8, &t);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.label[0], "Jan 2020");
    assert_string_equal(t.label[1], "Feb 2020");
    assert_string_equal(t.label[3], "Apr 2020");
    assert_true(t.v[2] == day(2020, 3, 1));

    /* a range starting mid-month begins at the next first */
    rpt_ticks_date(day(2020, 3, 2), day(2020, 3, 2) + 90, 8, &t);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.label[0], "Apr 2020");
    assert_string_equal(t.label[1], "May 2020");
}

static void date_ticks_over_two_years_mark_quarters(void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_date(day(2018, 1, 1), day(2019, 12, 31), 10, &t);
    assert_int_equal(t.n, 8);
    for (size_t i = 0; i < t.n; i++) {
        int y, m, d;

        core_civil_from_days((int32_t)t.v[i], &y, &m, &d);
        assert_int_equal(d, 1);
        assert_int_equal((m - 1) % 3, 0);
    }
    assert_string_equal(t.label[1], "Apr 2018");
}

static void date_ticks_over_five_years_mark_each_year(void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_date(day(2015, 1, 1), day(2020, 1, 1), 8, &t);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.label[0], "2015");
    assert_string_equal(t.label[5], "2020");
    assert_true(t.v[1] == day(2016, 1, 1));

    /* a short axis allows fewer labels: every other year */
    rpt_ticks_date(day(2015, 1, 1), day(2020, 1, 1), 4, &t);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.label[0], "2016");
    assert_string_equal(t.label[2], "2020");
}

static void date_ticks_over_thirty_years_mark_every_fifth_year(
    void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_date(day(1990, 1, 1), day(2020, 1, 1), 8, &t);
    assert_int_equal(t.n, 7);
    for (size_t i = 0; i < t.n; i++) {
        char want[16];

        snprintf(want, sizeof(want), "%d", 1990 + 5 * (int)i);
        assert_string_equal(t.label[i], want);
    }
}

static void date_ticks_of_a_bad_range_are_empty(void **state)
{
    struct rpt_ticks t;

    (void)state;
    rpt_ticks_date(NAN, 100, 8, &t);
    assert_int_equal(t.n, 0);
    rpt_ticks_date(200, 100, 8, &t);
    assert_int_equal(t.n, 0);
    rpt_ticks_date(0, 1e12, 8, &t);
    assert_int_equal(t.n, 0);
}

static void numbers_format_as_plain_percent_and_money(void **state)
{
    char b[64];

    (void)state;
    rpt_format_value(0.1 + 0.2, RPT_FMT_PLAIN, 0.1, b, sizeof(b));
    assert_string_equal(b, "0.3");
    rpt_format_value(-1e-17, RPT_FMT_PLAIN, 0.5, b, sizeof(b));
    assert_string_equal(b, "0.0");
    rpt_format_value(2.5, RPT_FMT_PLAIN, 2.5, b, sizeof(b));
    assert_string_equal(b, "2.5");
    rpt_format_value(1.5e12, RPT_FMT_PLAIN, 1e11, b, sizeof(b));
    assert_string_equal(b, "1.5e+12");
    rpt_format_value(0.125, RPT_FMT_PERCENT, 0.025, b, sizeof(b));
    assert_string_equal(b, "12.5%");
    rpt_format_value(-0.3, RPT_FMT_PERCENT, 0.1, b, sizeof(b));
    assert_string_equal(b, "-30%");
    rpt_format_value(1234567, RPT_FMT_MONEY, 1000, b, sizeof(b));
    assert_string_equal(b, "1,234,567");
    rpt_format_value(-1234.5, RPT_FMT_MONEY, 0.5, b, sizeof(b));
    assert_string_equal(b, "-1,234.5");
    rpt_format_value(999.999, RPT_FMT_MONEY, 0.0001, b, sizeof(b));
    assert_string_equal(b, "1,000.00");
    rpt_format_value(100, RPT_FMT_MONEY, 100, b, sizeof(b));
    assert_string_equal(b, "100");
    rpt_format_value(day(2008, 9, 15), RPT_FMT_DATE, 1, b, sizeof(b));
    assert_string_equal(b, "2008-09-15");
    rpt_format_value(NAN, RPT_FMT_MONEY, 1, b, sizeof(b));
    assert_string_equal(b, "n/a");
    rpt_format_value(123456789, RPT_FMT_MONEY, 1, b, 6);    /* truncates */
    assert_string_equal(b, "123,4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            linear_ticks_step_by_1_2_2_5_or_5_times_a_power_of_ten),
        cmocka_unit_test(
            linear_ticks_of_familiar_ranges_land_on_round_numbers),
        cmocka_unit_test(nice_range_widens_to_whole_steps),
        cmocka_unit_test(
            a_range_within_rounding_noise_widens_to_distinct_labels),
        cmocka_unit_test(
            log_ticks_fall_on_decades_when_the_range_spans_several),
        cmocka_unit_test(log_ticks_within_a_decade_use_1_2_5_or_plain_steps),
        cmocka_unit_test(date_ticks_over_two_days_mark_each_day),
        cmocka_unit_test(date_ticks_over_three_months_mark_each_month),
        cmocka_unit_test(date_ticks_over_two_years_mark_quarters),
        cmocka_unit_test(date_ticks_over_five_years_mark_each_year),
        cmocka_unit_test(date_ticks_over_thirty_years_mark_every_fifth_year),
        cmocka_unit_test(date_ticks_of_a_bad_range_are_empty),
        cmocka_unit_test(numbers_format_as_plain_percent_and_money),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

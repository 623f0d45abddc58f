/* tests/core/test_date.c - tests for src/core/date.c */
#include "testutil.h"
#include "core/core.h"

static void epoch_is_day_zero_and_a_thursday(void **state)
{
    (void)state;
    assert_int_equal(core_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(core_weekday(0), 3);
}

static void civil_round_trips_over_two_centuries(void **state)
{
    (void)state;
    for (int32_t d = core_days_from_civil(1900, 1, 1);
         d < core_days_from_civil(2100, 1, 1); d++) {
        int y, m, dd;

        core_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(core_days_from_civil(y, m, dd), d);
    }
}

static void parse_accepts_iso_and_compact_forms(void **state)
{
    int32_t d;
    char buf[11];

    (void)state;
    assert_int_equal(core_parse_date("2020-02-29", 10, &d), 0);
    assert_string_equal(core_format_date(d, buf), "2020-02-29");
    assert_int_equal(core_parse_date("20200229", 8, &d), 0);
    assert_string_equal(core_format_date(d, buf), "2020-02-29");
    assert_int_equal(core_parse_date("2020-02-29 00:00:00", 19, &d), 0);
    assert_string_equal(core_format_date(d, buf), "2020-02-29");
}

static void parse_rejects_impossible_dates(void **state)
{
    int32_t d;

    (void)state;
    assert_int_equal(core_parse_date("2021-02-29", 10, &d), -1);
    assert_int_equal(core_parse_date("2021-13-01", 10, &d), -1);
    assert_int_equal(core_parse_date("2021-1-01", 9, &d), -1);
    assert_int_equal(core_parse_date("abcd-ef-gh", 10, &d), -1);
    assert_int_equal(core_parse_date("", 0, &d), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epoch_is_day_zero_and_a_thursday),
        cmocka_unit_test(civil_round_trips_over_two_centuries),
        cmocka_unit_test(parse_accepts_iso_and_compact_forms),
        cmocka_unit_test(parse_rejects_impossible_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

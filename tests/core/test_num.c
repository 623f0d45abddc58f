/* tests/core/test_num.c - tests for src/core/num.c */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"

static double parse(const char *s)
{
    double v = NAN;

    assert_int_equal(core_parse_double(s, strlen(s), &v), 0);
    return v;
}

static void fast_path_matches_strtod_exactly(void **state)
{
    const char *cases[] = { "0.596878742448", "80.69", "1e22", "123.4500",
                            "-0.0001", "9007199254740992", "3.14159",
                            "0.1", "17.240000", "+5", "1.7976931348623157e308",
                            "4.9e-324", "123456789012345678901234567890",
                            "0.000000000000000000000000001234" };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_true(parse(cases[i]) == strtod(cases[i], NULL));
}

static void random_decimals_round_like_strtod(void **state)
{
    char buf[64];

    (void)state;
    srand(7);
    for (int i = 0; i < 200000; i++) {
        int whole = rand() % 100000, frac = rand(), digits = rand() % 10;

        snprintf(buf, sizeof(buf), "%d.%0*d", whole, digits,
                 digits ? frac % (int)pow(10, digits) : 0);
        if (digits == 0)
            snprintf(buf, sizeof(buf), "%d", whole);
        assert_true(parse(buf) == strtod(buf, NULL));
    }
}

static void rejects_what_is_not_a_plain_decimal(void **state)
{
    const char *bad[] = { "", "-", ".", "nan", "inf", "0x10", "1,5", "1e",
                          "1.2.3", " 1", "1 ", "e5", "--1" };
    double v;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(core_parse_double(bad[i], strlen(bad[i]), &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_path_matches_strtod_exactly),
        cmocka_unit_test(random_decimals_round_like_strtod),
        cmocka_unit_test(rejects_what_is_not_a_plain_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/core/test_num.c - tests for src/core/num.c */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
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

/* The plain definition: the first of %.15g, %.16g, %.17g that reads
 * back exactly. */
static void reference_fmt(double v, char *buf)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
}

static uint64_t next_u64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void check_fmt(double v)
{
    char got[32], want[32];

    core_fmt_double(v, got);
    reference_fmt(v, want);
    if (strcmp(got, want) != 0)
        fail_msg("%a: core_fmt_double wrote %s, the definition %s", v, got,
                 want);
    assert_true(strtod(got, NULL) == v);
}

/* core_fmt_double's shortcuts write exactly the definition's text: on
 * random bit patterns, short decimals, whole numbers, powers of 2 and of
 * 10 and their neighbours, subnormals and signed zeros. */
static void formatting_matches_its_definition(void **state)
{
    uint64_t x = 12345;

    (void)state;
    check_fmt(0.0);
    check_fmt(-0.0);
    check_fmt(1e15);
    check_fmt(-999999999999999.0);
    check_fmt(4.9406564584124654e-324);
    check_fmt(2.2250738585072014e-308);
    check_fmt(1.7976931348623157e308);
    for (int k = -1074; k <= 1023; k++) {
        double p2 = ldexp(1.0, k);

        check_fmt(p2);
        check_fmt(-p2);
        check_fmt(nextafter(p2, 0));
        check_fmt(nextafter(p2, INFINITY));
    }
    for (int k = -300; k <= 300; k++) {
        double p10 = pow(10.0, k);

        check_fmt(p10);
        check_fmt(nextafter(p10, 0));
        check_fmt(nextafter(p10, INFINITY));
    }
    for (int i = 0; i < 300000; i++) {
        uint64_t bits = next_u64(&x);
        double v;

        memcpy(&v, &bits, sizeof(v));
        if (isfinite(v))
            check_fmt(v);
        /* values of everyday size: metrics, prices, parameters */
        v = ((double)(next_u64(&x) >> 11) / 9007199254740992.0 - 0.5) *
            pow(10.0, (double)(int)(next_u64(&x) % 16) - 6);
        check_fmt(v);
        check_fmt((double)(int64_t)(next_u64(&x) % 2000000000000000ULL) -
                  1e15);
        check_fmt((double)(next_u64(&x) % 100000) / 1000.0);
        check_fmt(floor(v * 1e6) / 1e6);
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
        cmocka_unit_test(formatting_matches_its_definition),
        cmocka_unit_test(rejects_what_is_not_a_plain_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

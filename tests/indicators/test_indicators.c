/* tests/indicators/test_indicators.c - tests for src/indicators/ */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "indicators/indicators.h"

static void sma_is_undefined_until_its_window_is_full(void **state)
{
    const double x[] = { 1, 2, 3, 4, 5, 6 };
    double out[6];

    (void)state;
    ind_sma(x, 6, 3, out);
    assert_true(isnan(out[0]) && isnan(out[1]));
    assert_true(out[2] == 2.0);
    assert_true(out[3] == 3.0);
    assert_true(out[5] == 5.0);
}

static void rsi_matches_wilder_by_hand(void **state)
{
    /* gains 1, 0, 2; losses 0, 1, 0 -> seed (n = 2) after bar 2:
     * g = (1 + 0) / 2 = 0.5, l = (0 + 1) / 2 = 0.5 -> RSI 50;
     * bar 3 (+2): g = (0.5 + 2) / 2 = 1.25, l = 0.25 -> 100 - 100/6 */
    const double c[] = { 10, 11, 10, 12 };
    double out[4];

    (void)state;
    ind_rsi(c, 4, 2, out);
    assert_true(isnan(out[0]) && isnan(out[1]));
    assert_true(out[2] == 50.0);
    assert_true(fabs(out[3] - (100.0 - 100.0 / 6.0)) < 1e-12);
}

static void rsi_edge_cases_follow_the_contract(void **state)
{
    const double up[] = { 1, 2, 3, 4 }, flat[] = { 5, 5, 5, 5 };
    double out[4];

    (void)state;
    ind_rsi(up, 4, 2, out);
    assert_true(out[3] == 100.0);          /* no losses */
    ind_rsi(flat, 4, 2, out);
    assert_true(out[3] == 50.0);           /* no moves at all */
}

static void roc_and_adv_read_only_the_past(void **state)
{
    const double c[] = { 10, 20, 15, 30 }, v[] = { 1, 2, 4, 1 };
    double roc[4], adv[4], tmp[4];

    (void)state;
    ind_roc(c, 4, 2, roc);
    assert_true(isnan(roc[1]));
    assert_true(roc[2] == 0.5);
    assert_true(roc[3] == 0.5);
    ind_adv(c, v, 4, 2, tmp, adv);
    assert_true(isnan(adv[0]));
    assert_true(adv[1] == (10.0 + 40.0) / 2);
    assert_true(adv[3] == (60.0 + 30.0) / 2);
}

static void step_forms_agree_with_batch_on_every_bar(void **state)
{
    double c[2000], rsi[2000], sma[2000], ring[50];
    struct ind_rsi_state rs;
    struct ind_sma_state ss;
    unsigned seed = 3;

    (void)state;
    c[0] = 100;
    for (int t = 1; t < 2000; t++)
        c[t] = c[t - 1] * (1 + ((double)(rand_r(&seed) % 2001) - 1000) /
                                   25000.0);
    ind_rsi(c, 2000, 14, rsi);
    ind_sma(c, 2000, 50, sma);
    ind_rsi_init(&rs, 14);
    ind_sma_init(&ss, 50, ring);
    for (int t = 0; t < 2000; t++) {
        double r = ind_rsi_step(&rs, c[t]), s = ind_sma_step(&ss, c[t]);

        assert_memory_equal(&r, &rsi[t], sizeof(double));
        assert_memory_equal(&s, &sma[t], sizeof(double));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sma_is_undefined_until_its_window_is_full),
        cmocka_unit_test(rsi_matches_wilder_by_hand),
        cmocka_unit_test(rsi_edge_cases_follow_the_contract),
        cmocka_unit_test(roc_and_adv_read_only_the_past),
        cmocka_unit_test(step_forms_agree_with_batch_on_every_bar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/analysis/test_robustness.c - tests for src/analysis/robustness.c:
 * every category runs, periods outside the data are skipped, the score
 * follows its documented formula, weaknesses name what hurt, size
 * buckets are derived when the universe file has none, and the result
 * does not depend on the threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "momo/analysis.h"

static momo_dataset *synth_market(void)
{
    return tm_synth(30, 3, 4, 21);
}

static void small_params(momo_params *p)
{
    tm_short_params(p);
    p->momentum_threshold = 50;
}

static momo_robust_result *suite(const momo_dataset *ds,
                                 const momo_period *per, size_t n_per,
                                 int threads)
{
    momo_params p;
    momo_engine *eng = NULL;
    momo_robust_result *r = NULL;
    momo_robust_opts o;
    momo_err err = { 0 };

    small_params(&p);
    memset(&o, 0, sizeof(o));
    o.periods = per;
    o.n_periods = n_per;
    o.threads = threads;
    if (momo_engine_new(ds, &p, NULL, &eng, &err) != MOMO_OK)
        fail_msg("engine: %s", err.msg);
    if (momo_robustness_run(eng, &p, NULL, &o, &r, &err) != MOMO_OK)
        fail_msg("robustness: %s", err.msg);
    momo_engine_free(eng);
    return r;
}

static const momo_robust_test *find(const momo_robust_result *r,
                                    const char *name)
{
    size_t n;
    const momo_robust_test *t = momo_robust_result_tests(r, &n);

    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    fail_msg("no test '%s'", name);
    return NULL;
}

static momo_period per[3];

static void set_periods(void)
{
    snprintf(per[0].name, sizeof(per[0].name), "early");
    per[0].from = core_days_from_civil(2006, 1, 1);
    per[0].to = core_days_from_civil(2006, 12, 31);
    snprintf(per[1].name, sizeof(per[1].name), "before");
    per[1].from = core_days_from_civil(1990, 1, 1);
    per[1].to = core_days_from_civil(1991, 12, 31);
    snprintf(per[2].name, sizeof(per[2].name), "straddle");
    per[2].from = core_days_from_civil(2008, 6, 1);
    per[2].to = core_days_from_civil(2012, 12, 31);
}

static void every_category_runs_and_the_score_is_within_0_and_100(void **s)
{
    momo_dataset *ds = synth_market();
    momo_robust_result *r;
    size_t n, per_cat[MOMO_N_ROBUST] = { 0 };
    const momo_robust_test *t;
    double score;

    (void)s;
    set_periods();
    r = suite(ds, per, 3, 2);
    t = momo_robust_result_tests(r, &n);
    for (size_t i = 0; i < n; i++) {
        per_cat[t[i].category]++;
        if (!t[i].skipped) {
            assert_true(t[i].value >= 0 && t[i].value <= 1);
            assert_false(isnan(t[i].m.total_return));
        }
    }
    assert_int_equal(per_cat[MOMO_ROBUST_PERIOD], 3);
    assert_int_equal(per_cat[MOMO_ROBUST_STRESS], MOMO_N_STRESS);
    assert_int_equal(per_cat[MOMO_ROBUST_ASSUMPTION], 6);
    /* 3 sizes, stocks, crypto, mixed and the 11 sectors */
    assert_int_equal(per_cat[MOMO_ROBUST_UNIVERSE], 3 + 3 + 11);
    score = momo_robust_result_score(r);
    assert_true(score >= 0 && score <= 100);
    /* the mixed universe is the baseline's own */
    assert_true(find(r, "universes.mixed")->m.sharpe ==
                momo_robust_result_baseline(r)->sharpe);
    /* a smaller universe trades fewer symbols */
    assert_true(find(r, "universes.crypto")->n_symbols == 3);
    assert_true(find(r, "universes.stocks")->n_symbols == 30);
    /* stress and assumption runs keep the baseline's window */
    assert_int_equal(find(r, "stress.flash_crash")->from,
                     find(r, "assumptions.fills_50")->from);
    momo_robust_result_free(r);
    momo_dataset_close(ds);
}

static void periods_outside_the_data_are_skipped_not_failed(void **state)
{
    momo_dataset *ds = synth_market();
    momo_robust_result *r;
    const momo_robust_test *t;

    (void)state;
    set_periods();
    r = suite(ds, per, 3, 1);
    t = find(r, "periods.before");
    assert_true(t->skipped);
    assert_non_null(strstr(t->note, "outside the data"));
    assert_true(isnan(t->m.sharpe));
    t = find(r, "periods.straddle");
    assert_false(t->skipped);
    assert_non_null(strstr(t->note, "partly outside the data"));
    assert_true(t->from >= core_days_from_civil(2008, 6, 1) &&
                t->from <= core_days_from_civil(2008, 6, 2));
    t = find(r, "periods.early");
    assert_false(t->skipped);
    assert_true(t->to <= core_days_from_civil(2006, 12, 31));
    assert_false(isnan(t->market_return));       /* SPY over the period */
    momo_robust_result_free(r);
    momo_dataset_close(ds);
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* docs/internals/analysis.md: each test's value, each category's mean,
 * and the weighted mean of the categories that ran. */
static void the_score_follows_the_documented_formula(void **state)
{
    static const double w[MOMO_N_ROBUST] = { 0.25, 0.25, 0.20, 0.30 };
    momo_dataset *ds = synth_market();
    momo_robust_result *r;
    const momo_metrics *b;
    const momo_robust_test *t;
    size_t n, cnt[MOMO_N_ROBUST] = { 0 };
    double sum[MOMO_N_ROBUST] = { 0 }, total = 0, wsum = 0;

    (void)state;
    set_periods();
    r = suite(ds, per, 3, 2);
    b = momo_robust_result_baseline(r);
    t = momo_robust_result_tests(r, &n);
    for (size_t i = 0; i < n; i++) {
        double v;

        if (t[i].skipped)
            continue;
        if (t[i].category == MOMO_ROBUST_PERIOD) {
            v = isfinite(t[i].market_return)
                ? 0.5 * (t[i].m.sharpe > 0) +
                  0.5 * (t[i].m.total_return >= t[i].market_return)
                : (t[i].m.sharpe > 0);
        } else {
            double sv = b->sharpe > 0 ? clamp01(t[i].m.sharpe / b->sharpe)
                                      : (t[i].m.sharpe > 0);
            double dv = t[i].m.max_drawdown <= b->max_drawdown
                        ? 1 : clamp01(b->max_drawdown / t[i].m.max_drawdown);

            if (isnan(t[i].m.sharpe))
                sv = 0;
            v = 0.7 * sv + 0.3 * dv;
        }
        assert_true(fabs(v - t[i].value) < 1e-12);
        sum[t[i].category] += v;
        cnt[t[i].category]++;
    }
    for (int c = 0; c < MOMO_N_ROBUST; c++) {
        if (!cnt[c]) {
            assert_true(isnan(momo_robust_result_category_score(r, c)));
            continue;
        }
        assert_true(fabs(momo_robust_result_category_score(r, c) -
                         100 * sum[c] / (double)cnt[c]) < 1e-9);
        total += w[c] * 100 * sum[c] / (double)cnt[c];
        wsum += w[c];
    }
    assert_true(fabs(momo_robust_result_score(r) - total / wsum) < 1e-9);
    momo_robust_result_free(r);
    momo_dataset_close(ds);
}

static void each_test_losing_much_of_its_sharpe_is_a_weakness(void **st)
{
    momo_dataset *ds = synth_market();
    momo_robust_result *r;
    const momo_metrics *b;
    const momo_robust_test *t;
    const char *const *weak;
    size_t n, n_weak, found = 0;

    (void)st;
    set_periods();
    r = suite(ds, per, 3, 2);
    b = momo_robust_result_baseline(r);
    t = momo_robust_result_tests(r, &n);
    weak = momo_robust_result_weaknesses(r, &n_weak);
    assert_true(b->sharpe > 0);
    for (size_t i = 0; i < n; i++) {
        int named = 0;

        if (t[i].skipped || t[i].category == MOMO_ROBUST_PERIOD ||
            !(t[i].m.sharpe <= 0.7 * b->sharpe))
            continue;
        for (size_t k = 0; k < n_weak; k++)
            named |= strstr(weak[k], t[i].what) != NULL;
        if (!named)
            fail_msg("no weakness names '%s'", t[i].what);
        found++;
    }
    assert_true(found > 0);                 /* the test is not vacuous */
    for (size_t k = 0; k < n_weak; k++)
        assert_true(strlen(weak[k]) > 10 && weak[k][0] >= 'a' &&
                    weak[k][0] <= 'z');
    momo_robust_result_free(r);
    momo_dataset_close(ds);
}

static char *json_of(const momo_robust_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_int_equal(momo_robust_result_write_json(r, f), MOMO_OK);
    fclose(f);
    return text;
}

static void one_and_two_threads_give_identical_json(void **state)
{
    momo_dataset *ds = synth_market();
    momo_robust_result *a, *b;
    char *ja, *jb;

    (void)state;
    set_periods();
    a = suite(ds, per, 3, 1);
    b = suite(ds, per, 3, 2);
    ja = json_of(a);
    jb = json_of(b);
    assert_string_equal(ja, jb);
    assert_non_null(strstr(ja, "\"score\": "));
    assert_non_null(strstr(ja, "\"weaknesses\": ["));
    assert_non_null(strstr(ja, "\"change\": {\"sharpe\": "));
    free(ja);
    free(jb);
    momo_robust_result_free(a);
    momo_robust_result_free(b);
    momo_dataset_close(ds);
}

static void size_buckets_are_derived_without_a_universe_file(void **state)
{
    momo_dataset *ds = tm_random(8, 30, 0, 700);
    momo_params p;
    momo_engine *eng = NULL;
    momo_robust_result *r = NULL;
    momo_robust_opts o;
    momo_err err = { 0 };
    const momo_robust_test *t;

    (void)state;
    tm_short_params(&p);
    p.min_dollar_volume = 1e6;
    p.momentum_threshold = 50;
    memset(&o, 0, sizeof(o));
    o.threads = 2;
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_robustness_run(eng, &p, NULL, &o, &r, &err),
                     MOMO_OK);
    /* terciles of median dollar volume: 10 symbols each */
    for (int i = 0; i < 3; i++) {
        static const char *const nm[3] = {
            "universes.large_cap", "universes.mid_cap", "universes.small_cap"
        };

        t = find(r, nm[i]);
        assert_false(t->skipped);
        assert_int_equal(t->n_symbols, 10);
        assert_non_null(strstr(t->note, "derived"));
    }
    /* no crypto, no sectors, no market ETF: skipped, never failed */
    assert_true(find(r, "universes.crypto")->skipped);
    assert_true(find(r, "universes.mixed")->skipped);
    momo_robust_result_free(r);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void the_suite_fails_cleanly_on_every_allocation(void **state)
{
    momo_dataset *ds = tm_random(6, 6, 2, 300);
    momo_params p;
    momo_engine *eng = NULL;
    momo_robust_opts o;
    momo_err err = { 0 };
    int nth;

    (void)state;
    tm_easy_params(&p);
    p.max_positions = 3;
    memset(&o, 0, sizeof(o));
    o.threads = 1;
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    for (nth = 1;; nth++) {
        momo_robust_result *r = NULL;
        int rc;

        momo_err_clear(&err);
        core_fail_alloc_at(nth);
        rc = momo_robustness_run(eng, &p, NULL, &o, &r, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            momo_robust_result_free(r);
            break;
        }
        if (rc != MOMO_ENOMEM)
            fail_msg("allocation %d: %s", nth, err.msg);
        assert_null(r);
    }
    assert_true(nth > 20);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_category_runs_and_the_score_is_within_0_and_100),
        cmocka_unit_test(periods_outside_the_data_are_skipped_not_failed),
        cmocka_unit_test(the_score_follows_the_documented_formula),
        cmocka_unit_test(each_test_losing_much_of_its_sharpe_is_a_weakness),
        cmocka_unit_test(one_and_two_threads_give_identical_json),
        cmocka_unit_test(size_buckets_are_derived_without_a_universe_file),
        cmocka_unit_test(the_suite_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

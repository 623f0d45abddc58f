/* tests/optimize/test_walkforward.c - tests for src/optimize/
 * walkforward.c, sizing.c and overfit.c on whole markets: test windows
 * never feed training, the out-of-sample curve is stitched, sizing finds
 * its frontier, and a market without an edge is called overfit where a
 * market with one is not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "momo/optimize.h"
#include "momo/synth.h"

static momo_space *space_of(const char *text)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };

    if (momo_space_load_text(text, strlen(text), "s.yaml", &sp, &err) !=
        MOMO_OK)
        fail_msg("%s", err.msg);
    return sp;
}

static const char wf_space[] =
    "grid:\n"
    "  scanner.momentum_threshold: [30, 60, 85]\n"
    "  signals.exit.max_holding_days: [5, 20]\n";

static void loose_opts(momo_opt_opts *o)
{
    momo_opt_opts_init(o);
    o->jobs = 2;
    o->min_trades = 0;
    o->max_drawdown = 1;
    o->min_win_rate = 0;
}

static momo_wf_result *walk(const momo_dataset *ds, const momo_space *sp,
                            int anchored)
{
    momo_wf_opts wf;
    momo_opt_opts o;
    momo_params p;
    momo_wf_result *r = NULL;
    momo_err err = { 0 };

    momo_wf_opts_init(&wf);
    wf.n_splits = 3;
    wf.anchored = anchored;
    loose_opts(&o);
    tm_random_params(&p);
    if (momo_walk_forward(ds, &p, sp, &wf, &o, &r, &err) != MOMO_OK)
        fail_msg("walk-forward: %s", err.msg);
    return r;
}

static void test_windows_follow_their_training_and_never_overlap(
    void **state)
{
    momo_dataset *ds = tm_random(4, 30, 0, 1200);
    momo_space *sp = space_of(wf_space);

    (void)state;
    for (int anchored = 0; anchored <= 1; anchored++) {
        momo_wf_result *r = walk(ds, sp, anchored);
        momo_wf_split first, s;

        assert_int_equal(momo_wf_n_splits(r), 3);
        momo_wf_split_get(r, 0, &first);
        for (size_t k = 0; k < 3; k++) {
            momo_wf_split_get(r, k, &s);
            assert_true(s.train.from <= s.train.to);
            assert_true(s.train.to < s.test.from);
            assert_true(s.test.from <= s.test.to);
            assert_non_null(s.values);
            if (anchored)
                assert_int_equal(s.train.from, first.train.from);
            else if (k > 0)
                assert_true(s.train.from > first.train.from);
            if (k > 0) {
                momo_wf_split prev;

                momo_wf_split_get(r, k - 1, &prev);
                assert_true(prev.test.to < s.test.from);
            }
        }
        momo_wf_result_free(r);
    }
    momo_space_free(sp);
    momo_dataset_close(ds);
}

/* If the first split had seen any bar of its test window, garbling
 * every bar after its training part would change what it chose. */
static void training_never_sees_a_bar_of_its_test_window(void **state)
{
    momo_dataset *ds = tm_random(5, 30, 0, 1200), *bad;
    momo_space *sp = space_of(wf_space);
    momo_wf_result *a, *b;
    momo_wf_split sa, sb;

    (void)state;
    a = walk(ds, sp, 0);
    momo_wf_split_get(a, 0, &sa);
    bad = tm_garble_after(ds, sa.train.to);
    b = walk(bad, sp, 0);
    momo_wf_split_get(b, 0, &sb);
    assert_int_equal(sa.train.to, sb.train.to);
    for (size_t j = 0; j < momo_wf_n_dims(a); j++)
        assert_true(sa.values[j] == sb.values[j]);
    assert_memory_equal(&sa.is, &sb.is, sizeof(sa.is));
    /* ... and the garbage did reach its test window */
    assert_false(sa.oos.final_equity == sb.oos.final_equity);
    momo_wf_result_free(a);
    momo_wf_result_free(b);
    momo_space_free(sp);
    momo_dataset_close(bad);
    momo_dataset_close(ds);
}

static void the_out_of_sample_curve_chains_the_test_windows(void **state)
{
    momo_dataset *ds = tm_random(6, 30, 0, 1200);
    momo_space *sp = space_of(wf_space);
    momo_wf_result *r = walk(ds, sp, 0);
    const momo_equity_row *eq;
    size_t n, k = 0;
    momo_params p;
    momo_wf_split s;

    (void)state;
    tm_random_params(&p);
    eq = momo_wf_equity(r, &n);
    assert_true(n > 100);
    assert_true(eq[0].equity == p.initial_capital);
    momo_wf_split_get(r, 0, &s);
    assert_int_equal(eq[0].date, s.test.from);
    momo_wf_split_get(r, 2, &s);
    assert_int_equal(eq[n - 1].date, s.test.to);
    for (size_t t = 1; t < n; t++) {
        assert_true(eq[t].date > eq[t - 1].date);
        momo_wf_split_get(r, k, &s);
        if (eq[t].date > s.test.to) {
            /* a new window starts flat where the last one ended */
            k++;
            momo_wf_split_get(r, k, &s);
            assert_int_equal(eq[t].date, s.test.from);
            assert_true(fabs(eq[t].equity / eq[t - 1].equity - 1) < 1e-12);
        }
    }
    assert_int_equal(k, 2);
    /* each window's return is its own test run's */
    for (k = 0; k < 3; k++) {
        double first = NAN, last = NAN;

        momo_wf_split_get(r, k, &s);
        for (size_t t = 0; t < n; t++)
            if (eq[t].date >= s.test.from && eq[t].date <= s.test.to) {
                if (isnan(first))
                    first = eq[t].equity;
                last = eq[t].equity;
            }
        assert_true(fabs(last / first - 1 - s.oos.total_return) < 1e-9);
    }
    assert_true(isfinite(momo_wf_efficiency(r)));
    assert_non_null(momo_wf_recommended(r, NULL));
    momo_wf_result_free(r);
    momo_space_free(sp);
    momo_dataset_close(ds);
}

static void sizing_recommends_the_best_frontier_point_within_tolerance(
    void **state)
{
    momo_dataset *ds = tm_random(8, 30, 0, 1200);
    momo_sizing_result *r = NULL;
    momo_opt_opts o;
    momo_params p;
    momo_err err = { 0 };
    size_t rec, n_front = 0;
    int within;

    (void)state;
    loose_opts(&o);
    tm_random_params(&p);
    assert_int_equal(momo_optimize_sizing(ds, &p, NULL, 0, 0.30, &o, &r,
                                          &err), MOMO_OK);
    assert_int_equal(momo_sizing_n_points(r), 6);
    rec = momo_sizing_recommended(r, &within);
    assert_true(rec < 6);
    for (size_t i = 0; i < 6; i++) {
        momo_sizing_point a;

        momo_sizing_point_get(r, i, &a);
        assert_true(a.ok);
        n_front += a.frontier;
        for (size_t k = 0; k < 6; k++) {
            momo_sizing_point b;

            momo_sizing_point_get(r, k, &b);
            /* a frontier point is dominated by no other */
            if (a.frontier && k != i)
                assert_false(b.metrics.cagr >= a.metrics.cagr &&
                             b.metrics.max_drawdown <=
                                 a.metrics.max_drawdown &&
                             (b.metrics.cagr > a.metrics.cagr ||
                              b.metrics.max_drawdown <
                                  a.metrics.max_drawdown));
        }
    }
    assert_true(n_front >= 1);
    {
        momo_sizing_point best;

        momo_sizing_point_get(r, rec, &best);
        assert_true(best.frontier);
        if (within) {
            assert_true(best.metrics.max_drawdown <= 0.30);
            for (size_t i = 0; i < 6; i++) {
                momo_sizing_point a;

                momo_sizing_point_get(r, i, &a);
                if (a.metrics.max_drawdown <= 0.30)
                    assert_true(a.metrics.cagr <= best.metrics.cagr);
            }
        }
    }
    momo_sizing_result_free(r);
    momo_dataset_close(ds);
}

/*---- A market without an edge ----*/

struct verdict {
    double score, is_sharpe, oos_sharpe, dsr;
};

/* Random search of 60 samples on the first 8 of 16 years, validated on
 * the last 8; no costs, no filters: only selection can make a winner. */
static struct verdict judge(double momentum, int random_walk,
                            uint64_t seed)
{
    momo_synth_opts so = momo_synth_default_opts();
    momo_dataset *ds = NULL;
    momo_space *sp = space_of(
        "space:\n"
        "  scanner.momentum_threshold: {type: uniform, low: 50, high: 90}\n"
        "  signals.entry.rsi_min: {type: integer, low: 40, high: 55}\n"
        "  signals.entry.rsi_max: {type: integer, low: 65, high: 80}\n"
        "  signals.exit.stop_loss_stock: {type: uniform, low: 0.05, "
        "high: 0.12}\n"
        "  signals.exit.max_holding_days: {type: integer, low: 10, "
        "high: 40}\n");
    momo_design *d = NULL;
    momo_opt_opts o;
    momo_opt_result *r = NULL;
    momo_params p;
    momo_err err = { 0 };
    struct verdict v;

    so.seed = seed;
    so.n_stocks = 40;
    so.n_crypto = 0;
    so.years = 16;
    so.momentum = momentum;
    so.random_walk = random_walk;
    assert_int_equal(momo_synth_generate(&so, &ds, &err), MOMO_OK);
    assert_int_equal(momo_design_random(sp, 60, 1, &d, &err), MOMO_OK);
    loose_opts(&o);
    o.window.to = core_days_from_civil(2012, 12, 31);
    o.validation.from = core_days_from_civil(2013, 1, 1);
    momo_params_default(&p);
    p.slippage_bps_stock = 0;
    p.commission_per_share = 0;
    p.commission_min = 0;
    if (momo_optimize(ds, &p, d, &o, &r, &err) != MOMO_OK)
        fail_msg("%s", err.msg);
    v.score = momo_opt_overfit(r)->score;
    v.is_sharpe = momo_opt_overfit(r)->is_value[0];
    v.oos_sharpe = momo_opt_overfit(r)->oos_value[0];
    v.dsr = momo_opt_overfit(r)->deflated_sharpe;
    momo_opt_result_free(r);
    momo_design_free(d);
    momo_space_free(sp);
    momo_dataset_close(ds);
    return v;
}

static void without_an_edge_the_best_fails_out_of_sample_and_is_flagged(
    void **state)
{
    double none_score = 0, none_is = 0, none_oos = 0;
    double edge_score = 0, edge_oos = 0;

    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct verdict none = judge(0, 1, seed);
        struct verdict edge = judge(2, 0, seed);

        none_score += none.score / 3;
        none_is += none.is_sharpe / 3;
        none_oos += none.oos_sharpe / 3;
        edge_score += edge.score / 3;
        edge_oos += edge.oos_sharpe / 3;
        /* luck is not significant: the deflated Sharpe says so */
        assert_true(none.dsr < 0.95 || none.oos_sharpe > 0.3);
        assert_true(edge.dsr > 0.95);
    }
    print_message("no edge: IS %.2f OOS %.2f score %.0f; edge: OOS %.2f "
                  "score %.0f\n", none_is, none_oos, none_score, edge_oos,
                  edge_score);
    assert_true(fabs(none_oos) < 0.4);          /* near zero */
    assert_true(none_is - none_oos > 0.2);      /* selection bias */
    assert_true(none_score >= 40);
    assert_true(none_score > edge_score + 15);
    assert_true(edge_oos > 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_windows_follow_their_training_and_never_overlap),
        cmocka_unit_test(training_never_sees_a_bar_of_its_test_window),
        cmocka_unit_test(the_out_of_sample_curve_chains_the_test_windows),
        cmocka_unit_test(
            sizing_recommends_the_best_frontier_point_within_tolerance),
        cmocka_unit_test(
            without_an_edge_the_best_fails_out_of_sample_and_is_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/engine/test_engine.c - properties of whole runs: no look-ahead,
 * determinism, windows, symbol subsets, the precompute contract and
 * failure paths. Markets are random walks built in the test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"

static momo_result *run_ds(const momo_dataset *ds, const momo_params *p,
                           const momo_engine_opts *o, const momo_window *w)
{
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_err err = { 0 };

    if (momo_engine_new(ds, p, o, &eng, &err) != MOMO_OK)
        fail_msg("engine: %s", err.msg);
    if (momo_backtest_run(eng, p, w, &res, &err) != MOMO_OK)
        fail_msg("run: %s", err.msg);
    momo_engine_free(eng);
    return res;
}

static void assert_same_trade(const momo_dataset *da, const momo_trade *a,
                              const momo_dataset *db, const momo_trade *b)
{
    assert_string_equal(momo_dataset_symbol(da, a->sym)->name,
                        momo_dataset_symbol(db, b->sym)->name);
    assert_int_equal(a->entry_date, b->entry_date);
    assert_int_equal(a->exit_date, b->exit_date);
    assert_true(a->entry_price == b->entry_price);
    assert_true(a->exit_price == b->exit_price);
    assert_true(a->quantity == b->quantity);
    assert_int_equal(a->exit_type, b->exit_type);
    assert_true(a->pnl == b->pnl);
}

static void assert_same_result(const momo_dataset *da, const momo_result *a,
                               const momo_dataset *db, const momo_result *b)
{
    size_t na, nb, ea, eb;
    const momo_trade *ta = momo_result_trades(a, &na);
    const momo_trade *tb = momo_result_trades(b, &nb);
    const momo_equity_row *qa = momo_result_equity(a, &ea);
    const momo_equity_row *qb = momo_result_equity(b, &eb);

    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_same_trade(da, &ta[i], db, &tb[i]);
    assert_int_equal(ea, eb);
    for (size_t i = 0; i < ea; i++) {
        assert_int_equal(qa[i].date, qb[i].date);
        assert_true(qa[i].equity == qb[i].equity);
        assert_true(qa[i].cash == qb[i].cash);
    }
}

static void a_random_market_trades_every_exit_type(void **state)
{
    momo_dataset *ds = tm_random(1, 40, 6, 1100);
    momo_params p;
    momo_result *res;
    const momo_trade *t;
    size_t n;
    int seen[MOMO_N_EXIT_TYPES] = { 0 };

    (void)state;
    tm_random_params(&p);
    res = run_ds(ds, &p, NULL, NULL);
    t = momo_result_trades(res, &n);
    assert_true(n > 100);
    for (size_t i = 0; i < n; i++)
        seen[t[i].exit_type]++;
    for (int k = 0; k < MOMO_N_EXIT_TYPES; k++)
        assert_true(seen[k] > 0);
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void runs_are_identical_whatever_the_thread_count(void **state)
{
    momo_dataset *ds = tm_random(2, 30, 5, 900);
    momo_params p;
    momo_engine_opts o1 = { 0 }, o2 = { 0 };
    momo_result *a, *b, *c;

    (void)state;
    tm_random_params(&p);
    o1.threads = 1;
    o2.threads = 2;
    a = run_ds(ds, &p, &o1, NULL);
    b = run_ds(ds, &p, &o2, NULL);
    c = run_ds(ds, &p, &o2, NULL);
    assert_same_result(ds, a, ds, b);
    assert_same_result(ds, b, ds, c);
    momo_result_free(a);
    momo_result_free(b);
    momo_result_free(c);
    momo_dataset_close(ds);
}

static void decisions_up_to_a_date_ignore_every_later_bar(void **state)
{
    momo_dataset *ds = tm_random(3, 40, 6, 1100), *bad;
    size_t n_days, na, nb, ea, eb, checked = 0;
    const int32_t *days;
    momo_params p;
    momo_engine *eng;
    momo_err err = { 0 };
    int32_t cut;
    momo_result *a, *b;
    const momo_trade *ta, *tb;
    const momo_equity_row *qa, *qb;

    (void)state;
    tm_random_params(&p);
    p.regime_enabled = 0;
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    days = momo_engine_calendar(eng, &n_days);
    cut = days[n_days * 2 / 3];
    momo_engine_free(eng);
    bad = tm_garble_after(ds, cut);
    a = run_ds(ds, &p, NULL, NULL);
    b = run_ds(bad, &p, NULL, NULL);
    /* every equity row up to the cut is the same */
    qa = momo_result_equity(a, &ea);
    qb = momo_result_equity(b, &eb);
    for (size_t i = 0; i < ea && qa[i].date <= cut; i++) {
        assert_true(qa[i].equity == qb[i].equity);
        assert_int_equal(qa[i].positions, qb[i].positions);
    }
    /* every trade closed by the cut is the same, and every position
     * opened by the cut was opened the same way */
    ta = momo_result_trades(a, &na);
    tb = momo_result_trades(b, &nb);
    for (size_t i = 0; i < na && ta[i].exit_date <= cut; i++) {
        assert_true(i < nb);
        assert_same_trade(ds, &ta[i], bad, &tb[i]);
        checked++;
    }
    assert_true(checked > 50);
    for (size_t i = 0; i < na; i++) {
        size_t j;

        if (ta[i].entry_date > cut)
            continue;
        for (j = 0; j < nb; j++)
            if (tb[j].sym == ta[i].sym && tb[j].entry_date ==
                ta[i].entry_date)
                break;
        assert_true(j < nb);
        assert_true(tb[j].entry_price == ta[i].entry_price);
        assert_true(tb[j].quantity == ta[i].quantity);
    }
    momo_result_free(a);
    momo_result_free(b);
    momo_dataset_close(bad);
    momo_dataset_close(ds);
}

static void a_window_trades_inside_it_and_closes_at_its_end(void **state)
{
    momo_dataset *ds = tm_random(4, 30, 4, 1100);
    momo_params p;
    momo_window w;
    momo_result *res;
    const momo_trade *t;
    const momo_equity_row *eq;
    size_t n, ne;

    (void)state;
    tm_random_params(&p);
    w.from = core_days_from_civil(2011, 1, 1);
    w.to = core_days_from_civil(2011, 12, 31);
    res = run_ds(ds, &p, NULL, &w);
    eq = momo_result_equity(res, &ne);
    assert_true(eq[0].date >= w.from);
    assert_true(eq[ne - 1].date <= w.to);
    assert_true(eq[0].equity == p.initial_capital);
    assert_int_equal(eq[ne - 1].positions, 0);
    t = momo_result_trades(res, &n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        /* nothing fills on the first date: the first decision is at
         * its close (STRATEGY.md 11.3) */
        assert_true(t[i].entry_date > eq[0].date);
        assert_true(t[i].exit_date <= eq[ne - 1].date);
    }
    assert_int_equal(t[n - 1].exit_date, eq[ne - 1].date);
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void symbols_restrict_the_run_as_if_only_they_were_loaded(void **st)
{
    momo_dataset *ds = tm_random(5, 20, 4, 900), *sub;
    const char *names[] = { "C21-USD", "S002", "S005", "S007", "S011",
                            "S013", "C22-USD" };
    momo_engine_opts o = { 0 };
    momo_dataset_builder *b = NULL;
    momo_params p;
    momo_result *a, *r;
    momo_err err = { 0 };

    (void)st;
    tm_random_params(&p);
    p.max_positions = 3;
    assert_int_equal(momo_dataset_builder_new(&b, &err), MOMO_OK);
    for (size_t i = 0; i < 7; i++) {
        long k = momo_dataset_find(ds, names[i]);

        assert_true(k >= 0);
        assert_int_equal(momo_dataset_builder_add_from(b, ds, (size_t)k,
                                                       &err), MOMO_OK);
    }
    assert_int_equal(momo_dataset_builder_finish(b, &sub, &err), MOMO_OK);
    o.symbols = names;
    o.n_symbols = 7;
    a = run_ds(ds, &p, &o, NULL);
    r = run_ds(sub, &p, NULL, NULL);
    assert_same_result(ds, a, sub, r);
    momo_result_free(a);
    momo_result_free(r);
    momo_dataset_close(sub);
    momo_dataset_close(ds);
}

static void unknown_or_untradable_symbols_are_refused(void **state)
{
    momo_dataset *ds = tm_random(6, 5, 1, 300);
    const char *bad[] = { "S001", "NOPE" };
    momo_engine_opts o = { 0 };
    momo_engine *eng = NULL;
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    tm_random_params(&p);
    o.symbols = bad;
    o.n_symbols = 2;
    assert_int_equal(momo_engine_new(ds, &p, &o, &eng, &err),
                     MOMO_ENOTFOUND);
    assert_null(eng);
    assert_non_null(strstr(err.msg, "NOPE"));
    momo_dataset_close(ds);
}

static void parameters_that_change_the_precompute_are_refused(void **st)
{
    momo_dataset *ds = tm_random(7, 5, 1, 300);
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_params p, q;
    momo_metrics m;
    momo_err err = { 0 };

    (void)st;
    tm_random_params(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
    q = p;
    q.momentum_threshold = 80;       /* a run parameter: fine */
    assert_true(momo_engine_accepts(eng, &q));
    assert_int_equal(momo_backtest_eval(ws, &q, NULL, &m, &err), MOMO_OK);
    q.rsi_period = 9;                /* a precompute parameter */
    assert_false(momo_engine_accepts(eng, &q));
    assert_int_equal(momo_backtest_eval(ws, &q, NULL, &m, &err),
                     MOMO_EINVAL);
    momo_workspace_free(ws);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void eval_and_run_agree_and_eval_repeats_exactly(void **state)
{
    momo_dataset *ds = tm_random(8, 25, 3, 800);
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_result *res = NULL;
    momo_params p;
    momo_metrics m1, m2;
    momo_err err = { 0 };

    (void)state;
    tm_random_params(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &m1, &err), MOMO_OK);
    p.max_positions = 2;             /* a different run in between */
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &m2, &err), MOMO_OK);
    p.max_positions = 8;
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &m2, &err), MOMO_OK);
    assert_memory_equal(&m1, &m2, sizeof(m1));
    assert_int_equal(momo_backtest_run(eng, &p, NULL, &res, &err), MOMO_OK);
    assert_memory_equal(&m1, momo_result_metrics(res), sizeof(m1));
    momo_result_free(res);
    momo_workspace_free(ws);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void runs_from_filtered_lists_equal_scanning_runs(void **state)
{
    momo_dataset *ds = tm_random(13, 30, 4, 900);
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_params p, q;
    momo_metrics scan, built, reused, other;
    momo_err err = { 0 };

    (void)state;
    tm_random_params(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
    /* first sighting scans, the second builds the list, the third
     * reuses it; runs with other exits share it */
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &scan, &err), 0);
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &built, &err), 0);
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &reused, &err), 0);
    assert_memory_equal(&scan, &built, sizeof(scan));
    assert_memory_equal(&scan, &reused, sizeof(scan));
    q = p;
    q.stop_loss_stock = 0.05;
    q.max_positions = 3;
    assert_int_equal(momo_backtest_eval(ws, &q, NULL, &other, &err), 0);
    momo_workspace_free(ws);
    assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
    assert_int_equal(momo_backtest_eval(ws, &q, NULL, &scan, &err), 0);
    assert_memory_equal(&scan, &other, sizeof(scan));
    /* and with a window */
    {
        momo_window w = { core_days_from_civil(2011, 3, 1), 0 };

        assert_int_equal(momo_backtest_eval(ws, &q, &w, &built, &err), 0);
        momo_workspace_free(ws);
        assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
        assert_int_equal(momo_backtest_eval(ws, &q, &w, &scan, &err), 0);
        assert_memory_equal(&scan, &built, sizeof(scan));
    }
    momo_workspace_free(ws);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

/* Lanes of one batch: six scanner/filter sets (more than a workspace
 * keeps lists for), two exit rules and two sizings, an invalid lane and
 * two identical ones. Each lane must equal the same run alone. */
static void batched_runs_equal_single_runs(void **state)
{
    enum { N = 40 };
    momo_dataset *ds = tm_random(21, 30, 4, 900);
    momo_engine *eng = NULL;
    momo_workspace *ws[N], *single = NULL;
    momo_params base, p[N];
    momo_metrics m[N], one;
    momo_err errs[N], err = { 0 };
    momo_window w = { core_days_from_civil(2011, 6, 1), 0 };
    int rc[N];

    (void)state;
    tm_random_params(&base);
    assert_int_equal(momo_engine_new(ds, &base, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_workspace_new(eng, &single, &err), MOMO_OK);
    for (int k = 0; k < N; k++) {
        assert_int_equal(momo_workspace_new(eng, &ws[k], &err), MOMO_OK);
        p[k] = base;
        /* runs of 7 lanes share a filter set: each builds a list, and
         * the fifth and sixth find every list in use by the batch */
        p[k].momentum_threshold = 30 + 8 * (k / 7);
        p[k].rsi_min = (k / 7) < 3 ? 20 : 35;
        if (k % 2) {
            p[k].stop_loss_stock = 0.05;
            p[k].trailing_stop_distance = 0.04;
            p[k].max_holding_days = 9;
        }
        if ((k / 2) % 2) {
            p[k].risk_per_trade = 0.02;
            p[k].max_positions = 3;
        }
    }
    p[7].rsi_min = p[7].rsi_max + 1;         /* invalid */
    p[N - 1] = p[N - 2];                     /* identical lanes */
    for (int pass = 0; pass < 4; pass++) {
        const momo_window *win = pass < 2 ? NULL : &w;

        /* each pass twice: the second meets filtered lists already built */
        assert_int_equal(momo_backtest_eval_batch(ws, p, N, win, m, rc, errs),
                         MOMO_OK);
        for (int k = 0; k < N; k++) {
            size_t na, nb, nr;
            const momo_equity_row *a, *b;
            const double *r;

            if (k == 7) {
                assert_int_equal(rc[k], MOMO_EINVAL);
                assert_non_null(strstr(errs[k].msg, "rsi"));
                continue;
            }
            assert_int_equal(rc[k], MOMO_OK);
            assert_true(m[k].num_trades > 0);
            a = momo_workspace_equity(ws[k], &na);
            r = momo_workspace_returns(ws[k], &nr);
            assert_int_equal(nr + 1, na);
            for (size_t t = 0; t + 1 < na; t++)
                assert_true(r[t] == a[t + 1].equity / a[t].equity - 1.0);
            assert_int_equal(momo_backtest_eval(single, &p[k], win, &one,
                                                &err), MOMO_OK);
            assert_memory_equal(&m[k], &one, sizeof(one));
            b = momo_workspace_equity(single, &nb);
            assert_int_equal(na, nb);
            assert_memory_equal(a, b, na * sizeof(*a));
        }
        assert_memory_equal(&m[N - 1], &m[N - 2], sizeof(m[0]));
    }
    for (int k = 0; k < N; k++)
        momo_workspace_free(ws[k]);
    momo_workspace_free(single);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void fill_noise_is_reproducible_per_seed(void **state)
{
    momo_dataset *ds = tm_random(12, 25, 3, 800);
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_params p;
    momo_metrics exact, zero, a, b, c;
    momo_fill_noise nz = { 0, 5 }, n1 = { 20, 5 }, n2 = { 20, 6 };
    momo_err err = { 0 };

    (void)state;
    tm_random_params(&p);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
    assert_int_equal(momo_backtest_eval(ws, &p, NULL, &exact, &err), 0);
    assert_int_equal(momo_backtest_eval_noisy(ws, &p, NULL, &nz, &zero,
                                              &err), 0);
    assert_memory_equal(&exact, &zero, sizeof(exact));
    assert_int_equal(momo_backtest_eval_noisy(ws, &p, NULL, &n1, &a, &err),
                     0);
    assert_int_equal(momo_backtest_eval_noisy(ws, &p, NULL, &n2, &b, &err),
                     0);
    assert_int_equal(momo_backtest_eval_noisy(ws, &p, NULL, &n1, &c, &err),
                     0);
    assert_memory_equal(&a, &c, sizeof(a));
    assert_true(a.final_equity != exact.final_equity);
    assert_true(a.final_equity != b.final_equity);
    momo_workspace_free(ws);
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void an_empty_window_is_an_error_naming_the_data_range(void **st)
{
    momo_dataset *ds = tm_random(9, 5, 0, 300);
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_params p;
    momo_window w = { 0 };
    momo_err err = { 0 };

    (void)st;
    tm_random_params(&p);
    w.from = core_days_from_civil(2030, 1, 1);
    assert_int_equal(momo_engine_new(ds, &p, NULL, &eng, &err), MOMO_OK);
    assert_int_equal(momo_backtest_run(eng, &p, &w, &res, &err),
                     MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "2030-01-01"));
    assert_non_null(strstr(err.msg, "2010-01-04"));
    momo_engine_free(eng);
    momo_dataset_close(ds);
}

static void engine_and_run_fail_cleanly_on_every_allocation(void **state)
{
    momo_dataset *ds = tm_random(10, 6, 2, 400);
    momo_params p;

    (void)state;
    tm_random_params(&p);
    for (long nth = 1;; nth++) {
        momo_engine *eng = NULL;
        momo_result *res = NULL;
        momo_engine_opts o = { 0 };
        int rc;

        o.threads = 1;
        core_fail_alloc_at(nth);
        rc = momo_engine_new(ds, &p, &o, &eng, NULL);
        if (rc == MOMO_OK)
            rc = momo_backtest_run(eng, &p, NULL, &res, NULL);
        core_fail_alloc_at(0);
        momo_result_free(res);
        momo_engine_free(eng);
        if (rc == MOMO_OK)
            break;
        assert_int_equal(rc, MOMO_ENOMEM);
    }
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_random_market_trades_every_exit_type),
        cmocka_unit_test(runs_are_identical_whatever_the_thread_count),
        cmocka_unit_test(decisions_up_to_a_date_ignore_every_later_bar),
        cmocka_unit_test(a_window_trades_inside_it_and_closes_at_its_end),
        cmocka_unit_test(symbols_restrict_the_run_as_if_only_they_were_loaded),
        cmocka_unit_test(unknown_or_untradable_symbols_are_refused),
        cmocka_unit_test(parameters_that_change_the_precompute_are_refused),
        cmocka_unit_test(eval_and_run_agree_and_eval_repeats_exactly),
        cmocka_unit_test(runs_from_filtered_lists_equal_scanning_runs),
        cmocka_unit_test(batched_runs_equal_single_runs),
        cmocka_unit_test(fill_noise_is_reproducible_per_seed),
        cmocka_unit_test(an_empty_window_is_an_error_naming_the_data_range),
        cmocka_unit_test(engine_and_run_fail_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

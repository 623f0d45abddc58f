/* tests/optimize/test_search.c - tests for src/optimize/eval.c, study.c
 * and cache.c: grid and random search on a random-walk market built in
 * the test; results that do not depend on threads or shards; failures
 * recorded and skipped; the cache, interrupts and resuming; ranking; and
 * clean failure on every allocation. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "momo/optimize.h"

static momo_dataset *market;

static int setup(void **state)
{
    (void)state;
    market = tm_random(21, 30, 4, 900);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    momo_dataset_close(market);
    return 0;
}

static momo_space *space_of(const char *text)
{
    momo_space *sp = NULL;
    momo_err err = { 0 };

    if (momo_space_load_text(text, strlen(text), "s.yaml", &sp, &err) !=
        MOMO_OK)
        fail_msg("%s", err.msg);
    return sp;
}

/* 3 x 2 x 2 x 2 = 24 trials, 6 of them invalid (rsi_min 70 = rsi_max). */
static const char grid_text[] =
    "grid:\n"
    "  scanner.momentum_threshold: [40, 60, 80]\n"
    "  signals.entry.rsi_min: [40, 70]\n"
    "  signals.entry.rsi_max: [70, 85]\n"
    "  signals.exit.max_holding_days: [5, 15]\n";

static const char random_text[] =
    "space:\n"
    "  scanner.momentum_threshold: {type: uniform, low: 30, high: 85}\n"
    "  signals.exit.stop_loss_stock: {type: log-uniform, low: 0.03, "
    "high: 0.2}\n"
    "  risk.max_positions: {type: integer, low: 2, high: 10}\n";

static momo_design *grid_design(void)
{
    momo_space *sp = space_of(grid_text);
    momo_design *d = NULL;
    momo_err err = { 0 };

    assert_int_equal(momo_design_grid(sp, &d, &err), MOMO_OK);
    momo_space_free(sp);
    return d;
}

static momo_design *random_design(size_t n)
{
    momo_space *sp = space_of(random_text);
    momo_design *d = NULL;
    momo_err err = { 0 };

    assert_int_equal(momo_design_random(sp, n, 5, &d, &err), MOMO_OK);
    momo_space_free(sp);
    return d;
}

static void opts_for_test(momo_opt_opts *o, int jobs)
{
    momo_opt_opts_init(o);
    o->jobs = jobs;
    o->min_trades = 10;
    o->max_drawdown = 0.9;
    o->min_win_rate = 0.2;
}

static momo_opt_result *optimize(const momo_design *d, const momo_opt_opts *o)
{
    momo_params p;
    momo_opt_result *r = NULL;
    momo_err err = { 0 };

    tm_random_params(&p);
    if (momo_optimize(market, &p, d, o, &r, &err) != MOMO_OK)
        fail_msg("optimize: %s", err.msg);
    return r;
}

static void assert_same_results(const momo_opt_result *a,
                                const momo_opt_result *b)
{
    assert_int_equal(momo_opt_n_trials(a), momo_opt_n_trials(b));
    for (size_t i = 0; i < momo_opt_n_trials(a); i++) {
        momo_opt_trial x, y;

        momo_opt_trial_get(a, i, &x);
        momo_opt_trial_get(b, i, &y);
        assert_int_equal(x.state, y.state);
        assert_string_equal(x.status, y.status);
        assert_int_equal(x.rank, y.rank);
        assert_memory_equal(&x.metrics, &y.metrics, sizeof(x.metrics));
        assert_memory_equal(&x.robustness, &y.robustness, sizeof(double));
    }
    assert_int_equal(momo_opt_n_ranked(a), momo_opt_n_ranked(b));
    assert_int_equal(momo_opt_best(a), momo_opt_best(b));
    assert_memory_equal(momo_opt_overfit(a), momo_opt_overfit(b),
                        sizeof(momo_overfit));
}

static void grid_results_are_the_same_for_1_2_and_4_workers(void **state)
{
    momo_design *d = grid_design();
    momo_opt_opts o;
    momo_opt_result *r1, *r2, *r4;

    (void)state;
    opts_for_test(&o, 1);
    r1 = optimize(d, &o);
    o.jobs = 2;
    r2 = optimize(d, &o);
    o.jobs = 4;
    r4 = optimize(d, &o);
    assert_same_results(r1, r2);
    assert_same_results(r1, r4);
    assert_true(momo_opt_n_ranked(r1) > 3);
    momo_opt_result_free(r1);
    momo_opt_result_free(r2);
    momo_opt_result_free(r4);
    momo_design_free(d);
}

static void random_results_are_the_same_for_1_2_and_4_workers(void **state)
{
    momo_design *d = random_design(30);
    momo_opt_opts o;
    momo_opt_result *r1, *r2, *r4;

    (void)state;
    opts_for_test(&o, 1);
    r1 = optimize(d, &o);
    o.jobs = 2;
    r2 = optimize(d, &o);
    o.jobs = 4;
    r4 = optimize(d, &o);
    assert_same_results(r1, r2);
    assert_same_results(r1, r4);
    momo_opt_result_free(r1);
    momo_opt_result_free(r2);
    momo_opt_result_free(r4);
    momo_design_free(d);
}

static void each_trial_is_the_backtest_of_its_parameters(void **state)
{
    momo_design *d = grid_design();
    momo_opt_opts o;
    momo_opt_result *r;
    momo_params p;
    momo_engine *eng = NULL;
    momo_err err = { 0 };

    (void)state;
    opts_for_test(&o, 2);
    r = optimize(d, &o);
    tm_random_params(&p);
    assert_int_equal(momo_engine_new(market, &p, NULL, &eng, &err),
                     MOMO_OK);
    for (size_t i = 0; i < momo_design_n_trials(d); i += 5) {
        momo_opt_trial t;
        momo_result *res = NULL;
        momo_params q = p;

        momo_opt_trial_get(r, i, &t);
        for (size_t j = 0; j < momo_design_n_dims(d); j++)
            assert_int_equal(momo_params_set_number(
                                 &q, momo_design_dim(d, j)->param,
                                 momo_design_value(d, i, j), &err),
                             MOMO_OK);
        if (t.state != MOMO_TRIAL_OK)
            continue;
        assert_int_equal(momo_backtest_run(eng, &q, NULL, &res, &err),
                         MOMO_OK);
        assert_memory_equal(momo_result_metrics(res), &t.metrics,
                            sizeof(t.metrics));
        momo_result_free(res);
    }
    momo_engine_free(eng);
    momo_opt_result_free(r);
    momo_design_free(d);
}

static void an_invalid_combination_is_recorded_with_its_reason(void **state)
{
    momo_design *d = grid_design();
    momo_opt_opts o;
    momo_opt_result *r;
    momo_opt_counts c;
    size_t failed = 0;

    (void)state;
    opts_for_test(&o, 2);
    r = optimize(d, &o);
    for (size_t i = 0; i < momo_design_n_trials(d); i++) {
        momo_opt_trial t;
        int bad = momo_design_value(d, i, 1) >= momo_design_value(d, i, 2);

        momo_opt_trial_get(r, i, &t);
        assert_int_equal(t.state, bad ? MOMO_TRIAL_FAILED : MOMO_TRIAL_OK);
        if (bad) {
            failed++;
            assert_non_null(strstr(t.status, "signals.entry.rsi_min"));
            assert_true(isnan(t.metrics.sharpe));
            assert_false(t.passed);
            assert_int_equal(t.rank, 0);
        } else {
            assert_string_equal(t.status, "ok");
        }
    }
    momo_opt_counts_get(r, &c);
    assert_int_equal(failed, 6);
    assert_int_equal(c.failed, 6);
    assert_int_equal(c.ok, 18);
    assert_int_equal(c.tested, 24);
    momo_opt_result_free(r);
    momo_design_free(d);
}

static void ranked_trials_pass_the_filters_best_first(void **state)
{
    momo_design *d = random_design(40);
    momo_opt_opts o;
    momo_opt_result *r;
    double prev = INFINITY;

    (void)state;
    opts_for_test(&o, 2);
    o.min_trades = 60;
    r = optimize(d, &o);
    assert_true(momo_opt_n_ranked(r) > 0);
    for (size_t k = 0; k < momo_opt_n_ranked(r); k++) {
        momo_opt_trial t;

        momo_opt_trial_get(r, momo_opt_ranked(r, k), &t);
        assert_true(t.passed);
        assert_int_equal(t.rank, k + 1);
        assert_true(t.metrics.num_trades >= 60);
        assert_true(t.metrics.max_drawdown <= 0.9);
        assert_true(t.metrics.win_rate >= 0.2);
        assert_true(t.metrics.sharpe <= prev);
        prev = t.metrics.sharpe;
    }
    for (size_t i = 0; i < momo_opt_n_trials(r); i++) {
        momo_opt_trial t;

        momo_opt_trial_get(r, i, &t);
        if (t.state == MOMO_TRIAL_OK && t.metrics.num_trades < 60)
            assert_false(t.passed);
    }
    assert_int_equal(momo_opt_best(r), momo_opt_ranked(r, 0));
    momo_opt_result_free(r);
    momo_design_free(d);
}

static void robustness_and_the_overfit_score_stay_in_range(void **state)
{
    momo_design *d = grid_design();
    momo_opt_opts o;
    momo_opt_result *r;
    const momo_overfit *of;
    momo_opt_trial t;

    (void)state;
    opts_for_test(&o, 2);
    o.validation.from = core_days_from_civil(2011, 6, 1);
    o.window.to = core_days_from_civil(2011, 5, 31);
    r = optimize(d, &o);
    for (size_t i = 0; i < momo_opt_n_trials(r); i++) {
        momo_opt_trial_get(r, i, &t);
        if (t.state == MOMO_TRIAL_OK)
            assert_true(t.robustness >= 0 && t.robustness <= 1);
        else
            assert_true(isnan(t.robustness));
    }
    of = momo_opt_overfit(r);
    assert_true(of->score >= 0 && of->score <= 100);
    assert_true(of->pbo >= 0 && of->pbo <= 1);
    assert_true(of->deflated_sharpe >= 0 && of->deflated_sharpe <= 1);
    assert_int_equal(of->cscv_trials, 18);
    assert_int_equal(of->cscv_combinations, 12870);
    /* validation ran, so the Sharpe degradation was measured */
    assert_true(isfinite(of->degradation[0]));
    momo_opt_trial_get(r, momo_opt_best(r), &t);
    assert_true(of->is_value[0] == t.metrics.sharpe);
    momo_opt_result_free(r);
    momo_design_free(d);
}

/*---- The cache ----*/

static void a_rerun_reads_every_run_from_the_cache(void **state)
{
    const char *dir = tu_tmpdir("opt_cache");
    char path[4200];
    momo_design *d = grid_design();
    momo_opt_opts o;
    momo_opt_result *a, *b;
    momo_opt_counts ca, cb;

    (void)state;
    snprintf(path, sizeof(path), "%s/sub/results.sqlite", dir);
    opts_for_test(&o, 2);
    o.cache_path = path;
    a = optimize(d, &o);
    b = optimize(d, &o);
    momo_opt_counts_get(a, &ca);
    momo_opt_counts_get(b, &cb);
    assert_int_equal(ca.cached, 0);
    assert_int_equal(cb.cached, cb.ok);
    assert_int_equal(cb.ok, 18);
    assert_same_results(a, b);
    momo_opt_result_free(a);
    momo_opt_result_free(b);
    momo_design_free(d);
}

static void another_window_or_parameter_is_another_cache_key(void **state)
{
    const char *dir = tu_tmpdir("opt_keys");
    char path[4200];
    momo_design *d = grid_design();
    momo_opt_opts o;
    momo_opt_result *a, *b, *c;
    momo_opt_counts cnt;
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    snprintf(path, sizeof(path), "%s/results.sqlite", dir);
    opts_for_test(&o, 2);
    o.cache_path = path;
    a = optimize(d, &o);
    o.window.to = core_days_from_civil(2011, 12, 30);
    b = optimize(d, &o);
    momo_opt_counts_get(b, &cnt);
    assert_int_equal(cnt.cached, 0);
    tm_random_params(&p);
    p.commission_min = 2;       /* not searched, but part of every key */
    o.window.to = 0;
    assert_int_equal(momo_optimize(market, &p, d, &o, &c, &err), MOMO_OK);
    momo_opt_counts_get(c, &cnt);
    assert_int_equal(cnt.cached, 0);
    momo_opt_result_free(a);
    momo_opt_result_free(b);
    momo_opt_result_free(c);
    momo_design_free(d);
}

struct stopper {
    volatile int flag;
    size_t after;
};

static void stop_after(void *ud, size_t done, size_t total)
{
    struct stopper *s = ud;

    (void)total;
    if (done >= s->after)
        s->flag = 1;
}

static void an_interrupted_search_resumes_to_the_same_results(void **state)
{
    const char *dir = tu_tmpdir("opt_resume");
    char path[4200];
    momo_design *d = random_design(60);
    momo_opt_opts o;
    momo_opt_result *full, *r = NULL, *again;
    momo_opt_counts c;
    struct stopper st = { 0, 20 };
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    opts_for_test(&o, 1);
    full = optimize(d, &o);             /* uninterrupted, no cache */
    snprintf(path, sizeof(path), "%s/results.sqlite", dir);
    o.cache_path = path;
    o.interrupt = &st.flag;
    o.progress = stop_after;
    o.progress_ud = &st;
    tm_random_params(&p);
    assert_int_equal(momo_optimize(market, &p, d, &o, &r, &err),
                     MOMO_EINTR);
    assert_null(r);
    o.interrupt = NULL;
    o.progress = NULL;
    again = optimize(d, &o);
    momo_opt_counts_get(again, &c);
    assert_true(c.cached >= 20);
    assert_true(c.cached < 60);
    assert_same_results(full, again);
    momo_opt_result_free(full);
    momo_opt_result_free(again);
    momo_design_free(d);
}

/*---- Shards ----*/

struct hub {
    pthread_mutex_t mu;
    pthread_barrier_t bar;
    void *part[2];
    size_t n[2];
};

struct shard_ud {
    struct hub *hub;
    size_t id;
};

static int hub_exchange(void *ud, const void *mine, size_t n, void **all,
                        size_t *n_all)
{
    struct shard_ud *s = ud;
    struct hub *h = s->hub;

    h->part[s->id] = malloc(n ? n : 1);
    memcpy(h->part[s->id], mine, n);
    h->n[s->id] = n;
    pthread_barrier_wait(&h->bar);
    *n_all = h->n[0] + h->n[1];
    *all = malloc(*n_all ? *n_all : 1);
    memcpy(*all, h->part[0], h->n[0]);
    memcpy((char *)*all + h->n[0], h->part[1], h->n[1]);
    pthread_barrier_wait(&h->bar);
    free(h->part[s->id]);
    return 0;
}

struct shard_run {
    const momo_design *d;
    momo_opt_opts o;
    momo_opt_result *r;
    int rc;
};

static void *shard_main(void *arg)
{
    struct shard_run *s = arg;
    momo_params p;
    momo_err err = { 0 };

    tm_random_params(&p);
    s->rc = momo_optimize(market, &p, s->d, &s->o, &s->r, &err);
    return NULL;
}

static void two_shards_give_the_results_of_one(void **state)
{
    momo_design *d = grid_design();
    struct hub hub;
    struct shard_ud ud[2] = { { &hub, 0 }, { &hub, 1 } };
    struct shard_run run[2];
    pthread_t tid[2];
    momo_opt_opts o;
    momo_opt_result *one;

    (void)state;
    opts_for_test(&o, 1);
    one = optimize(d, &o);
    memset(&hub, 0, sizeof(hub));
    pthread_barrier_init(&hub.bar, NULL, 2);
    for (size_t k = 0; k < 2; k++) {
        run[k].d = d;
        opts_for_test(&run[k].o, 1);
        run[k].o.shard = k;
        run[k].o.n_shards = 2;
        run[k].o.exchange = hub_exchange;
        run[k].o.exchange_ud = &ud[k];
        run[k].r = NULL;
        pthread_create(&tid[k], NULL, shard_main, &run[k]);
    }
    for (size_t k = 0; k < 2; k++)
        pthread_join(tid[k], NULL);
    pthread_barrier_destroy(&hub.bar);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(run[k].rc, MOMO_OK);
        assert_same_results(one, run[k].r);
        momo_opt_result_free(run[k].r);
    }
    momo_opt_result_free(one);
    momo_design_free(d);
}

/*---- Engines and single evaluations ----*/

static void a_precompute_parameter_gets_an_engine_per_value(void **state)
{
    momo_space *sp = space_of("grid:\n  indicators.rsi_period: [3, 9]\n"
                              "  risk.max_positions: [3, 6]\n");
    momo_design *d = NULL;
    momo_opt_opts o;
    momo_opt_result *r;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_design_grid(sp, &d, &err), MOMO_OK);
    opts_for_test(&o, 2);
    r = optimize(d, &o);
    for (size_t i = 0; i < 4; i++) {
        momo_params p;
        momo_engine *eng = NULL;
        momo_result *res = NULL;
        momo_opt_trial t;

        tm_random_params(&p);
        p.rsi_period = (int)momo_design_value(d, i, 0);
        p.max_positions = (int)momo_design_value(d, i, 1);
        assert_int_equal(momo_engine_new(market, &p, NULL, &eng, &err),
                         MOMO_OK);
        assert_int_equal(momo_backtest_run(eng, &p, NULL, &res, &err),
                         MOMO_OK);
        momo_opt_trial_get(r, i, &t);
        assert_int_equal(t.state, MOMO_TRIAL_OK);
        assert_memory_equal(momo_result_metrics(res), &t.metrics,
                            sizeof(t.metrics));
        momo_result_free(res);
        momo_engine_free(eng);
    }
    momo_opt_result_free(r);
    momo_design_free(d);
    momo_space_free(sp);
}

static char last_warning[1024];

static void capture(int level, const char *msg, void *ud)
{
    (void)ud;
    if (level == MOMO_LOG_WARN)
        snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static void evaluating_an_invalid_set_gives_no_result_and_a_warning(
    void **state)
{
    momo_params p;
    momo_engine *eng = NULL;
    momo_workspace *ws = NULL;
    momo_evaluation ev;
    momo_err err = { 0 };
    momo_dim dims[2];
    double bad[2] = { 75, 60 }, good[2] = { 45, 75 };

    (void)state;
    tm_random_params(&p);
    memset(dims, 0, sizeof(dims));
    dims[0].param = momo_param_find("signals.entry.rsi_min");
    dims[1].param = momo_param_find("signals.entry.rsi_max");
    assert_int_equal(momo_engine_new(market, &p, NULL, &eng, &err),
                     MOMO_OK);
    assert_int_equal(momo_workspace_new(eng, &ws, &err), MOMO_OK);
    momo_log_set_handler(capture, NULL, MOMO_LOG_WARN);
    last_warning[0] = '\0';
    assert_int_equal(momo_opt_evaluate(ws, &p, dims, bad, 2, NULL, 1, &ev,
                                       &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "rsi_min"));
    assert_non_null(strstr(last_warning, "rsi_min"));
    assert_true(isnan(ev.metrics.sharpe));
    momo_err_clear(&err);
    assert_int_equal(momo_opt_evaluate(ws, &p, dims, good, 2, NULL, 1, &ev,
                                       &err), MOMO_OK);
    momo_log_set_handler(NULL, NULL, MOMO_LOG_WARN);
    assert_true(ev.params.rsi_min == 45 && ev.params.rsi_max == 75);
    assert_int_equal(ev.n_trades, (size_t)ev.metrics.num_trades);
    assert_non_null(ev.equity);
    assert_int_equal(ev.n_equity, (size_t)ev.metrics.num_days);
    momo_workspace_free(ws);
    momo_engine_free(eng);
}

static void a_study_fails_cleanly_on_every_allocation(void **state)
{
    momo_space *sp = space_of("grid:\n  risk.max_positions: [2, 4]\n"
                              "  signals.entry.rsi_min: [40, 90]\n");
    momo_design *d = NULL;
    momo_opt_opts o;
    momo_params p;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_design_grid(sp, &d, &err), MOMO_OK);
    opts_for_test(&o, 1);
    o.validation.from = core_days_from_civil(2011, 6, 1);
    o.window.to = core_days_from_civil(2011, 5, 31);
    tm_random_params(&p);
    for (long nth = 1;; nth++) {
        momo_opt_result *r = NULL;
        int rc;

        momo_err_clear(&err);
        core_fail_alloc_at(nth);
        rc = momo_optimize(market, &p, d, &o, &r, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            momo_opt_result_free(r);
            assert_true(nth > 10);
            break;
        }
        if (rc != MOMO_ENOMEM)
            fail_msg("allocation %ld: %s", nth, err.msg);
        assert_null(r);
    }
    momo_design_free(d);
    momo_space_free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grid_results_are_the_same_for_1_2_and_4_workers),
        cmocka_unit_test(random_results_are_the_same_for_1_2_and_4_workers),
        cmocka_unit_test(each_trial_is_the_backtest_of_its_parameters),
        cmocka_unit_test(an_invalid_combination_is_recorded_with_its_reason),
        cmocka_unit_test(ranked_trials_pass_the_filters_best_first),
        cmocka_unit_test(robustness_and_the_overfit_score_stay_in_range),
        cmocka_unit_test(a_rerun_reads_every_run_from_the_cache),
        cmocka_unit_test(another_window_or_parameter_is_another_cache_key),
        cmocka_unit_test(
            an_interrupted_search_resumes_to_the_same_results),
        cmocka_unit_test(two_shards_give_the_results_of_one),
        cmocka_unit_test(a_precompute_parameter_gets_an_engine_per_value),
        cmocka_unit_test(
            evaluating_an_invalid_set_gives_no_result_and_a_warning),
        cmocka_unit_test(a_study_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

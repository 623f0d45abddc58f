/* tests/engine/test_rules.c - one test per rule of STRATEGY.md 5-7 and
 * 11, on hand-made bars whose trades are worked out by hand.
 *
 * Every market starts with three flat bars at 100 so that, with the tiny
 * periods of tm_easy_params (RSI(2), ROC(1)), the symbol becomes a
 * candidate at the close of bar 2 and its order fills at the open of
 * bar 3. Equity 100,000, risk 1%, stop 8%: 125 shares unless a test
 * changes that.
 */
#include <math.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"

static int32_t start;

static int setup(void **state)
{
    (void)state;
    start = core_days_from_civil(2020, 1, 6);   /* a Monday */
    return 0;
}

/* A stock whose bars 0..2 are flat at 100, then `rows` (o, h, l, c). */
static void flat_then(struct tm_sym *s, const char *name, int cls,
                      const double (*rows)[4], size_t n_rows)
{
    int crypto = cls == MOMO_CRYPTO;

    tm_init(s, name, cls);
    for (size_t t = 0; t < 3; t++)
        tm_bar(s, tm_day(start, crypto, t), 100, 100, 100, 100, 1e6);
    for (size_t k = 0; k < n_rows; k++)
        tm_bar(s, tm_day(start, crypto, 3 + k), rows[k][0], rows[k][1],
               rows[k][2], rows[k][3], 1e6);
}

static momo_result *run(momo_dataset *ds, const momo_params *p)
{
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_err err = { 0 };

    if (momo_engine_new(ds, p, NULL, &eng, &err) != MOMO_OK)
        fail_msg("engine: %s", err.msg);
    if (momo_backtest_run(eng, p, NULL, &res, &err) != MOMO_OK)
        fail_msg("run: %s", err.msg);
    momo_engine_free(eng);
    return res;
}

/* Run one symbol and return its first trade. */
static momo_trade first_trade(const double (*rows)[4], size_t n,
                              const momo_params *p, size_t *n_trades)
{
    static struct tm_sym s;
    struct tm_sym *v[1] = { &s };
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    momo_trade out;
    size_t nt;

    flat_then(&s, "AAA", MOMO_STOCK, rows, n);
    ds = tm_build(v, 1);
    res = run(ds, p);
    t = momo_result_trades(res, &nt);
    assert_true(nt >= 1);
    out = t[0];
    if (n_trades)
        *n_trades = nt;
    momo_result_free(res);
    momo_dataset_close(ds);
    return out;
}

#define ROWS(...) ((const double[][4]){ __VA_ARGS__ })
#define NROWS(...) (sizeof(ROWS(__VA_ARGS__)) / sizeof(double[4]))
#define FIRST(p, ...) first_trade(ROWS(__VA_ARGS__), NROWS(__VA_ARGS__), p, \
                                  NULL)

static void stop_loss_sells_at_the_stop_when_the_low_reaches_it(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    t = FIRST(&p, { 100, 101, 99, 100 }, { 99, 100, 91, 95 },
              { 95, 96, 94, 95 });
    assert_int_equal(t.exit_type, MOMO_EXIT_STOP_LOSS);
    assert_true(t.entry_price == 100);
    assert_true(t.quantity == 125);
    assert_true(t.exit_price == 92);
    assert_int_equal(t.exit_date, tm_day(start, 0, 4));
    assert_int_equal(t.bars_held, 1);
    assert_true(t.pnl == 125 * (92.0 - 100.0));
    assert_true(t.return_pct == t.pnl / (100.0 * 125));
}

static void a_gap_through_the_stop_sells_at_the_open(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    t = FIRST(&p, { 100, 101, 99, 100 }, { 85, 86, 84, 85 });
    assert_int_equal(t.exit_type, MOMO_EXIT_STOP_LOSS);
    assert_true(t.exit_price == 85);
}

static void profit_target_sells_at_the_target(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    t = FIRST(&p, { 100, 101, 99, 100 }, { 101, 121, 100, 119 });
    assert_int_equal(t.exit_type, MOMO_EXIT_PROFIT_TARGET);
    assert_true(t.exit_price == 120);
}

static void a_gap_above_the_target_sells_at_the_open(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    t = FIRST(&p, { 100, 101, 99, 100 }, { 125, 126, 124, 125 });
    assert_int_equal(t.exit_type, MOMO_EXIT_PROFIT_TARGET);
    assert_true(t.exit_price == 125);
}

static void the_stop_wins_when_a_bar_touches_stop_and_target(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    t = FIRST(&p, { 100, 101, 99, 100 }, { 100, 125, 90, 110 });
    assert_int_equal(t.exit_type, MOMO_EXIT_STOP_LOSS);
    assert_true(t.exit_price == 92);
    /* even when the bar opens above the target (STRATEGY.md 11.13) */
    t = FIRST(&p, { 100, 101, 99, 100 }, { 125, 126, 90, 110 });
    assert_int_equal(t.exit_type, MOMO_EXIT_STOP_LOSS);
    assert_true(t.exit_price == 92);
}

static void the_trailing_stop_rises_with_the_highest_high(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.trailing_stop_distance = 0.08;
    t = FIRST(&p, { 100, 101, 99, 100 }, { 105, 115, 104, 114 },
              { 110, 111, 105, 106 });
    assert_int_equal(t.exit_type, MOMO_EXIT_TRAILING_STOP);
    assert_true(t.exit_price == 115 * (1 - 0.08));
    assert_int_equal(t.bars_held, 2);
}

static void a_bar_s_high_raises_the_trail_only_after_its_exits(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.trailing_stop_distance = 0.08;
    /* H = 115 going into the last bar: stop 105.8, untouched by its low
     * of 110; had its high of 130 counted first, the stop would be 119.6
     * and the low would have hit it. The target (120) is reached. */
    t = FIRST(&p, { 100, 101, 99, 100 }, { 105, 115, 104, 114 },
              { 116, 130, 110, 120 });
    assert_int_equal(t.exit_type, MOMO_EXIT_PROFIT_TARGET);
    assert_true(t.exit_price == 120);
}

static void equal_stop_levels_exit_as_a_fixed_stop(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.trailing_stop_distance = 0.08;   /* H = E: both levels are 92 */
    t = FIRST(&p, { 100, 100, 99, 100 }, { 99, 100, 91, 95 });
    assert_int_equal(t.exit_type, MOMO_EXIT_STOP_LOSS);
}

static void time_exit_sells_at_the_next_open_after_max_holding(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.max_holding_days = 3;
    t = FIRST(&p, { 100, 101, 99, 100 }, { 100, 101, 99, 100 },
              { 100, 101, 99, 100 }, { 103, 104, 102, 103 },
              { 100, 101, 99, 100 });
    assert_int_equal(t.exit_type, MOMO_EXIT_TIME);
    assert_true(t.exit_price == 103);
    assert_int_equal(t.exit_date, tm_day(start, 0, 6));
    assert_int_equal(t.bars_held, 3);
}

static void the_time_exit_comes_before_a_gap_through_the_stop(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.max_holding_days = 1;
    t = FIRST(&p, { 100, 101, 99, 100 }, { 80, 81, 79, 80 });
    assert_int_equal(t.exit_type, MOMO_EXIT_TIME);
    assert_true(t.exit_price == 80);
}

static void open_positions_close_at_the_end_of_the_period(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    t = FIRST(&p, { 100, 101, 99, 100 }, { 100, 104, 99, 103 },
              { 103, 106, 102, 105 });
    assert_int_equal(t.exit_type, MOMO_EXIT_END_OF_PERIOD);
    assert_true(t.exit_price == 105);
    assert_int_equal(t.exit_date, tm_day(start, 0, 5));
    assert_int_equal(t.bars_held, 2);
}

static void slippage_and_commission_follow_the_cost_model(void **st)
{
    momo_params p;
    momo_trade t;
    double e = 100 * (1 + 5 / 1e4), x = (e * (1 - 0.08)) * (1 - 5 / 1e4);

    (void)st;
    tm_easy_params(&p);
    p.slippage_bps_stock = 5;
    p.commission_per_share = 0.005;
    p.commission_min = 1.0;
    t = FIRST(&p, { 100, 101, 99, 100 }, { 99, 100, 91, 95 });
    assert_true(t.entry_price == e);
    assert_true(t.exit_price == x);     /* the stop is below E, slipped */
    /* 125 x 0.005 = 0.625: the minimum of 1.0 applies on both legs */
    assert_true(t.entry_commission == 1.0);
    assert_true(t.exit_commission == 1.0);
    assert_true(t.pnl == (125 * x - 1.0) - (125 * e + 1.0));
    /* above the minimum the per-share rate applies */
    p.commission_per_share = 0.01;
    p.risk_per_trade = 0.02;                      /* 200 shares (cap) */
    t = FIRST(&p, { 100, 101, 99, 100 }, { 99, 100, 91, 95 });
    assert_true(t.quantity == 200);
    assert_true(t.entry_commission == 200 * 0.01);
}

static void sizing_is_capped_by_max_position_pct(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.risk_per_trade = 0.05;          /* 625 shares by risk, cap 200 */
    t = FIRST(&p, { 100, 101, 99, 100 }, { 99, 100, 91, 95 });
    assert_true(t.quantity == 200);
    p.max_position_pct = 0.5;         /* cap 500 */
    t = FIRST(&p, { 100, 101, 99, 100 }, { 99, 100, 91, 95 });
    assert_true(t.quantity == 500);
}

static void entry_delay_fills_bars_later(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.entry_delay_bars = 1;
    t = FIRST(&p, { 100, 101, 99, 100 }, { 101, 102, 100, 101 },
              { 101, 102, 100, 101 });
    assert_int_equal(t.entry_date, tm_day(start, 0, 4));
    assert_true(t.entry_price == 101);
}

static void fill_ratio_fills_a_floored_fraction(void **st)
{
    momo_params p;
    momo_trade t;

    (void)st;
    tm_easy_params(&p);
    p.fill_ratio = 0.5;
    t = FIRST(&p, { 100, 101, 99, 100 }, { 99, 100, 91, 95 });
    assert_true(t.quantity == 62);
}

static void volume_participation_caps_the_fill(void **st)
{
    static struct tm_sym s;
    struct tm_sym *v[1] = { &s };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    p.max_volume_participation = 0.1;
    flat_then(&s, "AAA", MOMO_STOCK, ROWS({ 100, 101, 99, 100 },
                                          { 99, 100, 91, 95 }), 2);
    s.v[3] = 305;                       /* the fill bar: 30.5 -> 30 */
    ds = tm_build(v, 1);
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_true(n >= 1);
    assert_true(t[0].quantity == 30);
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void crypto_trades_in_lots_and_stocks_in_whole_shares(void **st)
{
    static struct tm_sym s;
    struct tm_sym *v[1] = { &s };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    p.crypto_lot = 0.001;
    p.fee_bps_crypto = 10;
    /* risk: 1000 / (100 x 0.12) = 83.333.. coins -> 83333 lots */
    flat_then(&s, "BTC-USD", MOMO_CRYPTO, ROWS({ 100, 101, 99, 100 },
                                               { 100, 101, 99, 100 }), 2);
    ds = tm_build(v, 1);
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_true(n >= 1);
    assert_true(t[0].quantity == 83333 * 0.001);
    assert_true(t[0].entry_commission == (t[0].quantity * 100) * 0.001);
    assert_int_equal(t[0].asset_class, MOMO_CRYPTO);
    momo_result_free(res);
    momo_dataset_close(ds);
    /* the same numbers as a stock: floor(1000 / 8) = 125 whole shares */
    {
        momo_trade ts = FIRST(&p, { 100, 101, 99, 100 },
                              { 100, 101, 99, 100 });

        assert_true(ts.quantity == floor(ts.quantity));
    }
}

static void the_cash_cut_shrinks_a_fill_to_what_cash_covers(void **st)
{
    static struct tm_sym a, b;
    struct tm_sym *v[2] = { &a, &b };
    const double rows[][4] = { { 100, 101, 99, 100 }, { 100, 101, 99, 100 } };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    p.max_positions = 2;
    p.risk_per_trade = 0.1;       /* 1250 shares by risk */
    p.max_position_pct = 0.6;     /* cap: 600 shares = 60,000 each */
    flat_then(&a, "AAA", MOMO_STOCK, rows, 2);
    flat_then(&b, "BBB", MOMO_STOCK, rows, 2);
    ds = tm_build(v, 2);
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_int_equal(n, 2);
    /* equal scores: AAA first by name, then BBB gets the 40,000 left */
    assert_string_equal(momo_dataset_symbol(ds, t[0].sym)->name, "AAA");
    assert_true(t[0].quantity == 600);
    assert_true(t[1].quantity == 400);
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void candidates_are_taken_by_descending_score(void **st)
{
    static struct tm_sym a, b, c;
    struct tm_sym *v[3] = { &a, &b, &c };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    /* bar 2's one-bar ROC decides: BBB rises most */
    flat_then(&a, "AAA", MOMO_STOCK, ROWS({ 100, 101, 99, 100 }), 1);
    flat_then(&b, "BBB", MOMO_STOCK, ROWS({ 100, 101, 99, 100 }), 1);
    flat_then(&c, "CCC", MOMO_STOCK, ROWS({ 100, 101, 99, 100 }), 1);
    a.c[2] = 101;
    b.c[2] = 103;
    c.c[2] = 102;
    ds = tm_build(v, 3);
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_int_equal(n, 1);
    assert_string_equal(momo_dataset_symbol(ds, t[0].sym)->name, "BBB");
    assert_true(t[0].score == 100);
    momo_result_free(res);
    /* with a threshold of 60 only the top (100) passes; CCC scores 50 */
    p.max_positions = 3;
    p.momentum_threshold = 60;
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_int_equal(n, 1);
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void a_candidate_sized_to_zero_takes_no_slot(void **st)
{
    static struct tm_sym a, b;
    struct tm_sym *v[2] = { &a, &b };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    /* AAA scores higher but costs 1,000,000 a share: 0 shares */
    flat_then(&a, "AAA", MOMO_STOCK, ROWS({ 1e6, 1e6, 1e6, 1e6 }), 1);
    flat_then(&b, "BBB", MOMO_STOCK, ROWS({ 100, 101, 99, 100 }), 1);
    for (int i = 0; i < 3; i++)
        a.o[i] = a.h[i] = a.l[i] = a.c[i] = 1e6;
    a.c[2] = 1.1e6;
    a.h[2] = 1.1e6;
    ds = tm_build(v, 2);
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_int_equal(n, 1);
    assert_string_equal(momo_dataset_symbol(ds, t[0].sym)->name, "BBB");
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void a_symbol_without_a_bar_keeps_its_order_pending(void **st)
{
    static struct tm_sym a, b;
    struct tm_sym *v[2] = { &a, &b };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_trade *t;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    /* AAA's bars stop at bar 2, where it is ordered; BBB goes on. The
     * order waits for a bar that never comes and holds the only slot. */
    flat_then(&a, "AAA", MOMO_STOCK, NULL, 0);
    a.c[2] = 110;
    a.h[2] = 110;
    flat_then(&b, "BBB", MOMO_STOCK, ROWS({ 100, 101, 99, 100 },
                                          { 100, 101, 99, 100 },
                                          { 100, 101, 99, 100 }), 3);
    ds = tm_build(v, 2);
    res = run(ds, &p);
    t = momo_result_trades(res, &n);
    assert_int_equal(n, 0);
    (void)t;
    momo_result_free(res);
    momo_dataset_close(ds);
}

static void equity_marks_positions_and_counts_them(void **st)
{
    static struct tm_sym s;
    struct tm_sym *v[1] = { &s };
    momo_params p;
    momo_dataset *ds;
    momo_result *res;
    const momo_equity_row *eq;
    size_t n;

    (void)st;
    tm_easy_params(&p);
    flat_then(&s, "AAA", MOMO_STOCK, ROWS({ 100, 101, 99, 100 },
                                          { 100, 104, 99, 103 },
                                          { 103, 106, 102, 105 }), 3);
    ds = tm_build(v, 1);
    res = run(ds, &p);
    eq = momo_result_equity(res, &n);
    assert_int_equal(n, 6);
    assert_true(eq[0].equity == 100000);
    assert_int_equal(eq[3].positions, 1);
    assert_true(eq[3].cash == 100000 - 125 * 100);
    assert_true(eq[4].equity == 100000 - 125 * 100 + 125 * 103);
    assert_int_equal(eq[5].positions, 0);        /* sold at the end */
    assert_true(eq[5].equity == 100000 + 125 * 5);
    momo_result_free(res);
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop_loss_sells_at_the_stop_when_the_low_reaches_it),
        cmocka_unit_test(a_gap_through_the_stop_sells_at_the_open),
        cmocka_unit_test(profit_target_sells_at_the_target),
        cmocka_unit_test(a_gap_above_the_target_sells_at_the_open),
        cmocka_unit_test(the_stop_wins_when_a_bar_touches_stop_and_target),
        cmocka_unit_test(the_trailing_stop_rises_with_the_highest_high),
        cmocka_unit_test(a_bar_s_high_raises_the_trail_only_after_its_exits),
        cmocka_unit_test(equal_stop_levels_exit_as_a_fixed_stop),
        cmocka_unit_test(time_exit_sells_at_the_next_open_after_max_holding),
        cmocka_unit_test(the_time_exit_comes_before_a_gap_through_the_stop),
        cmocka_unit_test(open_positions_close_at_the_end_of_the_period),
        cmocka_unit_test(slippage_and_commission_follow_the_cost_model),
        cmocka_unit_test(sizing_is_capped_by_max_position_pct),
        cmocka_unit_test(entry_delay_fills_bars_later),
        cmocka_unit_test(fill_ratio_fills_a_floored_fraction),
        cmocka_unit_test(volume_participation_caps_the_fill),
        cmocka_unit_test(crypto_trades_in_lots_and_stocks_in_whole_shares),
        cmocka_unit_test(the_cash_cut_shrinks_a_fill_to_what_cash_covers),
        cmocka_unit_test(candidates_are_taken_by_descending_score),
        cmocka_unit_test(a_candidate_sized_to_zero_takes_no_slot),
        cmocka_unit_test(a_symbol_without_a_bar_keeps_its_order_pending),
        cmocka_unit_test(equity_marks_positions_and_counts_them),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

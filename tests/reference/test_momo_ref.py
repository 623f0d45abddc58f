#!/usr/bin/env python3
"""test_momo_ref.py - unit tests of the reference implementation.

Each test builds a tiny market (one to three symbols, a few bars, small
indicator periods) whose trades were worked out by hand from STRATEGY.md
and docs/methods.md, runs momo_ref on it and checks every field.

Run: python3 tests/reference/test_momo_ref.py [-v]
"""

import contextlib
import csv
import datetime
import io
import json
import math
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import momo_ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "reference")
DAY0 = datetime.date(2020, 1, 1).toordinal()
FLAT = [(100, 100, 100, 100)] * 3      # bars 0-2: the first decision is at 2

# Small periods, everything eligible, no costs: with one symbol its score is
# 100, RSI(2) is first defined at bar 2, so it is ordered at the close of
# bar 2 and fills at the open of bar 3. Sizing: q = (10000 * 0.01) /
# (100 * 0.1) = 10 shares; cap = (0.2 * 10000) / 100 = 20.
BASE = {
    "indicators.rsi_period": 2,
    "indicators.sma_fast": 2,
    "indicators.adv_period": 1,
    "scanner.roc_periods": [1, 1, 1, 1],
    "scanner.weights": [0.25, 0.25, 0.25, 0.25],
    "scanner.min_price": 0,
    "scanner.min_dollar_volume": 0,
    "scanner.momentum_threshold": 0,
    "signals.entry.rsi_min": 0,
    "signals.entry.rsi_max": 100,
    "signals.entry.trend_filter": False,
    "signals.exit.stop_loss_stock": 0.1,
    "signals.exit.profit_target_stock": 0.2,
    "signals.exit.stop_loss_crypto": 0.1,
    "signals.exit.profit_target_crypto": 0.2,
    "signals.exit.trailing_stop_distance": 0.5,
    "signals.exit.max_holding_days": 100,
    "risk.risk_per_trade": 0.01,
    "risk.max_position_pct": 0.2,
    "risk.max_positions": 1,
    "execution.slippage_bps_stock": 0,
    "execution.slippage_bps_crypto": 0,
    "execution.commission_per_share": 0,
    "execution.commission_min": 0,
    "execution.fee_bps_crypto": 0,
    "execution.crypto_lot": 0.001,
    "portfolio.initial_capital": 10000,
}


def day(k):
    return DAY0 + k


def series(symbol, bars, asset_class="stock", start=0, volume=1e6):
    """bars: (open, high, low, close[, volume]) on consecutive days."""
    rows = []
    for k, b in enumerate(bars):
        v = b[4] if len(b) > 4 else volume
        rows.append((day(start + k), b[0], b[1], b[2], b[3], v))
    return momo_ref.make_series(symbol, asset_class, rows)


def run(series_list, date_from=None, date_to=None, **overrides):
    """Run with BASE and overrides; "a__b" in a keyword stands for "a.b"."""
    values = dict(BASE)
    for k, v in overrides.items():
        values[k.replace("__", ".")] = v
    return momo_ref.run_backtest(series_list, momo_ref.Params(values),
                                 date_from, date_to)


class Indicators(unittest.TestCase):

    def test_sma_is_a_running_sum_defined_from_its_full_window(self):
        out = momo_ref.running_mean([1.0, 2.0, 3.0, 4.0, 5.0], 2)
        self.assertTrue(math.isnan(out[0]))
        self.assertEqual(out[1:], [1.5, 2.5, 3.5, 4.5])

    def test_rsi_seeds_with_simple_means_then_smooths(self):
        out = momo_ref.rsi([10.0, 11.0, 10.0, 12.0], 2)
        self.assertTrue(math.isnan(out[0]) and math.isnan(out[1]))
        self.assertEqual(out[2], 50.0)          # gain 0.5, loss 0.5
        # gain (0.5*1 + 2)/2 = 1.25, loss (0.5*1 + 0)/2 = 0.25
        self.assertEqual(out[3], 100 - 100 / (1 + 1.25 / 0.25))

    def test_rsi_is_100_without_losses_and_50_when_flat(self):
        self.assertEqual(momo_ref.rsi([1.0, 2.0, 3.0], 2)[2], 100.0)
        self.assertEqual(momo_ref.rsi([5.0, 5.0, 5.0], 2)[2], 50.0)

    def test_roc_compares_with_k_bars_earlier(self):
        out = momo_ref.roc([10.0, 20.0, 15.0], 2)
        self.assertEqual(out[2], 0.5)
        self.assertTrue(math.isnan(out[1]))


class Scanner(unittest.TestCase):

    def test_percentile_ranks_average_ties(self):
        s = momo_ref.percentile_scores(
            [(3.0, "D"), (1.0, "A"), (2.0, "B"), (2.0, "C"), (5.0, "E")])
        self.assertEqual(s, {"A": 0.0, "B": 37.5, "C": 37.5, "D": 75.0,
                             "E": 100.0})

    def test_a_lone_eligible_symbol_scores_100(self):
        self.assertEqual(momo_ref.percentile_scores([(-1.0, "X")]),
                         {"X": 100.0})

    def test_only_symbols_above_the_threshold_are_entered(self):
        up = [(100, 100, 100, 100), (100, 100, 100, 102),
              (102, 102, 102, 104), (104, 104, 104, 106),
              (106, 106, 106, 108)]
        mid = [(100, 100, 100, 100), (100, 100, 100, 101),
               (101, 101, 101, 102), (102, 102, 102, 103),
               (103, 103, 103, 104)]
        down = [(100, 100, 100, 100), (100, 100, 100, 99),
                (99, 99, 99, 98), (98, 98, 98, 97), (97, 97, 97, 96)]
        res = run([series("AAA", up), series("BBB", mid),
                   series("CCC", down)],
                  **{"scanner__momentum_threshold": 70,
                     "risk__max_positions": 3})
        # ranks 3, 2, 1 of 3: scores 100, 50, 0
        self.assertEqual([t["symbol"] for t in res.trades], ["AAA"])

    def test_tied_momentum_shares_the_average_rank(self):
        up = [(100, 100, 100, 100), (100, 100, 100, 102),
              (102, 102, 102, 104), (104, 104, 104, 106),
              (106, 106, 106, 108)]
        down = [(100, 100, 100, 100), (100, 100, 100, 99),
                (99, 99, 99, 98), (98, 98, 98, 97), (97, 97, 97, 96)]
        mk = [series("AAA", up), series("BBB", up), series("CCC", down)]
        # AAA and BBB share ranks 2 and 3: (100 * (2.5 - 1)) / 2 = 75
        res = run(mk, **{"scanner__momentum_threshold": 75,
                         "risk__max_positions": 3})
        self.assertEqual([t["symbol"] for t in res.trades], ["AAA", "BBB"])
        mk = [series("AAA", up), series("BBB", up), series("CCC", down)]
        res = run(mk, **{"scanner__momentum_threshold": 75.5,
                         "risk__max_positions": 3})
        self.assertEqual(res.trades, [])

    def test_asset_classes_are_ranked_separately(self):
        up = [(100, 100, 100, 100), (100, 100, 100, 102),
              (102, 102, 102, 104), (104, 104, 104, 106)]
        down = [(100, 100, 100, 100), (100, 100, 100, 99),
                (99, 99, 99, 98), (98, 98, 98, 97)]
        # the falling crypto is alone in its class, so it scores 100
        res = run([series("AAA", up), series("BTC", down, "crypto")],
                  **{"scanner__momentum_threshold": 100,
                     "risk__max_positions": 2})
        self.assertEqual(sorted(t["symbol"] for t in res.trades),
                         ["AAA", "BTC"])

    def test_thin_or_cheap_stocks_are_not_eligible(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 100, 100, 100)]
        res = run([series("AAA", bars, volume=10)],
                  **{"scanner__min_dollar_volume": 1001})
        self.assertEqual(res.trades, [])         # ADV = 100 * 10 = 1000
        res = run([series("AAA", bars)], **{"scanner__min_price": 100.5})
        self.assertEqual(res.trades, [])


class Exits(unittest.TestCase):

    def one_trade(self, bar4, **kw):
        bars = FLAT + [(100, 100, 100, 100), bar4]
        res = run([series("AAA", bars)], **kw)
        self.assertEqual(len(res.trades), 1)
        t = res.trades[0]
        self.assertEqual((t["entry_date"], t["entry_price"], t["quantity"]),
                         (day(3), 100.0, 10))
        return t

    def test_a_bar_whose_low_reaches_the_stop_sells_at_the_stop(self):
        t = self.one_trade((95, 96, 85, 88))
        self.assertEqual((t["exit_date"], t["exit_price"], t["exit_type"]),
                         (day(4), 90.0, "stop_loss"))
        self.assertEqual((t["pnl"], t["return_pct"], t["bars_held"]),
                         (-100.0, -0.1, 1))

    def test_a_gap_through_the_stop_sells_at_the_open(self):
        t = self.one_trade((80, 82, 78, 81))
        self.assertEqual((t["exit_price"], t["exit_type"], t["pnl"]),
                         (80.0, "stop_loss", -200.0))

    def test_a_bar_whose_high_reaches_the_target_sells_at_the_target(self):
        t = self.one_trade((105, 125, 104, 110))
        self.assertEqual((t["exit_price"], t["exit_type"], t["pnl"]),
                         (120.0, "profit_target", 200.0))

    def test_a_gap_over_the_target_sells_at_the_open(self):
        t = self.one_trade((130, 131, 125, 128))
        self.assertEqual((t["exit_price"], t["exit_type"], t["pnl"]),
                         (130.0, "profit_target", 300.0))

    def test_the_stop_wins_when_a_bar_touches_stop_and_target(self):
        t = self.one_trade((100, 125, 85, 110))
        self.assertEqual((t["exit_price"], t["exit_type"]),
                         (90.0, "stop_loss"))

    def test_an_open_above_target_with_a_low_at_the_stop_exits_at_stop(self):
        t = self.one_trade((125, 126, 85, 90))
        self.assertEqual((t["exit_price"], t["exit_type"]),
                         (90.0, "stop_loss"))

    def test_a_trailing_level_equal_to_the_fixed_stop_is_a_stop_loss(self):
        # E = H = 100: fixed 100 * 0.9 = trailing 100 * 0.9 = 90
        t = self.one_trade((95, 96, 85, 88),
                           **{"signals__exit__trailing_stop_distance": 0.1})
        self.assertEqual((t["exit_price"], t["exit_type"]),
                         (90.0, "stop_loss"))

    def test_the_trailing_level_rises_with_the_highest_high(self):
        bars = FLAT + [(100, 100, 100, 100),
                       (105, 110, 104, 109),    # S = max(80, 90): no exit
                       (108, 112, 105, 110),    # S = max(80, 99): no exit
                       (105, 106, 100, 101)]    # S = 112 * 0.9 > 100
        res = run([series("AAA", bars)],
                  **{"signals__exit__stop_loss_stock": 0.2,
                     "signals__exit__profit_target_stock": 1.0,
                     "signals__exit__trailing_stop_distance": 0.1})
        self.assertEqual(len(res.trades), 1)
        t = res.trades[0]
        stop = 112 * (1 - 0.1)
        # q = (10000 * 0.01) / (100 * 0.2) = 5
        self.assertEqual((t["quantity"], t["exit_date"], t["exit_price"],
                          t["exit_type"], t["bars_held"]),
                         (5, day(6), stop, "trailing_stop", 3))
        self.assertEqual(t["pnl"], 5 * stop - 500)

    def test_the_entry_bar_high_starts_the_trailing_level(self):
        # H = 120 from the entry bar: S = 120 * 0.9 = 108 on the next bar
        bars = FLAT + [(100, 120, 100, 110), (110, 111, 107, 109)]
        res = run([series("AAA", bars)],
                  **{"signals__exit__trailing_stop_distance": 0.1,
                     "signals__exit__profit_target_stock": 1.0})
        t = res.trades[0]
        self.assertEqual((t["exit_price"], t["exit_type"]),
                         (120 * (1 - 0.1), "trailing_stop"))

    def test_the_trailing_level_starts_below_a_fill_above_the_high(self):
        # E = 100 * 1.005 = 100.5 is above the entry bar's high of 100, so
        # H = 100: S = max(100.5 * 0.8, 100 * 0.9) = 90 holds at a low of
        # 90.2 (a level from E would be 90.45 and sell)
        bars = FLAT + [(100, 100, 99, 100), (95, 95, 90.2, 92)]
        res = run([series("AAA", bars)],
                  **{"execution__slippage_bps_stock": 50,
                     "signals__exit__stop_loss_stock": 0.2,
                     "signals__exit__trailing_stop_distance": 0.1})
        t = res.trades[0]
        self.assertEqual((t["entry_price"], t["exit_type"]),
                         (100 * (1 + 50 / 10000), "end_of_period"))

    def test_exits_are_not_checked_on_the_entry_bar(self):
        bars = FLAT + [(100, 130, 50, 100), (100, 101, 99, 100)]
        res = run([series("AAA", bars)])
        t = res.trades[0]
        self.assertEqual((t["exit_type"], t["exit_date"], t["bars_held"]),
                         ("end_of_period", day(4), 1))

    def test_a_position_held_max_holding_days_sells_at_the_next_open(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 101, 99, 100),
                       (80, 81, 79, 80)]
        res = run([series("AAA", bars)],
                  **{"signals__exit__max_holding_days": 2})
        t = res.trades[0]
        # flagged at the close of bar 4 (bars held 2), sold at the open of 5
        # before the gap below the stop is looked at
        self.assertEqual((t["exit_date"], t["exit_price"], t["exit_type"],
                          t["bars_held"]), (day(5), 80.0, "time_exit", 2))
        res = run([series("AAA", bars)],
                  **{"signals__exit__max_holding_days": 3})
        self.assertEqual(res.trades[0]["exit_type"], "stop_loss")

    def test_one_holding_day_sells_at_the_open_after_the_entry_bar(self):
        bars = FLAT + [(100, 100, 100, 100), (103, 104, 102, 103)]
        res = run([series("AAA", bars)],
                  **{"signals__exit__max_holding_days": 1})
        t = res.trades[0]
        self.assertEqual((t["exit_date"], t["exit_price"], t["exit_type"],
                          t["bars_held"]), (day(4), 103.0, "time_exit", 1))

    def test_positions_are_sold_at_the_last_close_at_the_end(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 105, 99, 104)]
        res = run([series("AAA", bars)])
        t = res.trades[0]
        self.assertEqual((t["exit_date"], t["exit_price"], t["exit_type"],
                          t["bars_held"], t["pnl"]),
                         (day(4), 104.0, "end_of_period", 1, 40.0))
        self.assertEqual(res.equity[-1][1:], (10040.0, 10040.0, 0))


class Sizing(unittest.TestCase):

    def entry(self, bars3, sym="AAA", ac="stock", **kw):
        bars = FLAT + bars3
        res = run([series(sym, bars, ac)], **kw)
        self.assertEqual(len(res.trades), 1)
        return res.trades[0]

    def test_risk_sizing_is_capped_by_the_position_limit(self):
        # q = (10000 * 0.05) / (100 * 0.1) = 50 > cap (0.2 * 10000) / 100
        t = self.entry([(100, 100, 100, 100)],
                       **{"risk__risk_per_trade": 0.05})
        self.assertEqual(t["quantity"], 20)

    def test_stocks_buy_whole_shares_and_crypto_whole_lots(self):
        bars = [(300, 300, 300, 300)] * 5
        res = run([series("AAA", bars)])
        # q = (10000 * 0.01) / (300 * 0.1) = 3.33
        self.assertEqual(res.trades[0]["quantity"], 3)
        res = run([series("BTC", bars, "crypto")])
        self.assertEqual(res.trades[0]["quantity"], 3333 * 0.001)

    def test_a_symbol_too_dear_for_one_share_is_not_ordered(self):
        bars = [(3000, 3000, 3000, 3000)] * 5
        res = run([series("AAA", bars), series("BBB", FLAT * 2)],
                  **{"scanner__momentum_threshold": 0})
        # AAA (score tie, first by name) sizes to 0 and takes no slot
        self.assertEqual([t["symbol"] for t in res.trades], ["BBB"])

    def test_an_entry_fill_is_cut_to_the_cash_left(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 100, 100, 100)]
        res = run([series("AAA", bars), series("BBB", bars)],
                  **{"risk__max_positions": 2,
                     "risk__risk_per_trade": 1.0,
                     "risk__max_position_pct": 0.6,
                     "execution__commission_min": 1.0})
        q = {t["symbol"]: t["quantity"] for t in res.trades}
        # AAA fills first (same score, then name): 60 shares + 1 leaves
        # 3999; BBB: qb = 39 has commission 0 < 1, so
        # qa = floor((3999 - 1) / 100) = 39
        self.assertEqual(q, {"AAA": 60, "BBB": 39})
        self.assertEqual((res.counts["orders"], res.counts["cut_cash"]),
                         (2, 1))
        self.assertEqual(res.equity[3][2], 3999.0 - (39 * 100.0 + 1.0))

    def test_a_crypto_fill_is_cut_to_the_lots_cash_covers(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 100, 100, 100)]
        res = run([series("BTC", bars, "crypto"), series("ETH", bars,
                                                        "crypto")],
                  **{"risk__max_positions": 2,
                     "risk__risk_per_trade": 1.0,
                     "risk__max_position_pct": 0.6,
                     "execution__fee_bps_crypto": 100})
        q = {t["symbol"]: t["quantity"] for t in res.trades}
        # BTC: 60 units cost 6000 + 60 fee; ETH: 3940 / (0.1 * 1.01) lots
        lots = math.floor(3940.0 / ((0.001 * 100.0) * (1 + 100 / 10000)))
        while (lots * 0.001) * 100.0 * (1 + 0.01) > 3940.0:
            lots -= 1
        self.assertEqual(q["BTC"], 60000 * 0.001)
        self.assertEqual(q["ETH"], lots * 0.001)
        self.assertLess(abs(q["ETH"] - 39.009), 0.001)

    def test_a_fill_cut_to_zero_cancels_the_order(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 100, 100, 100)]
        res = run([series("AAA", bars), series("BBB", bars)],
                  **{"risk__max_positions": 2,
                     "risk__risk_per_trade": 1.0,
                     "risk__max_position_pct": 1.0})
        self.assertEqual([t["symbol"] for t in res.trades], ["AAA"])
        self.assertEqual(res.equity[3][2], 0.0)
        # BBB is ordered again at the close of bar 3 and cancelled again
        self.assertEqual((res.counts["orders"], res.counts["cancelled"]),
                         (3, 2))


class Execution(unittest.TestCase):

    def test_entry_delay_postpones_the_fill_and_blocks_the_symbol(self):
        bars = FLAT + [(100, 100, 100, 100), (101, 102, 100, 101),
                       (101, 101, 101, 101)]
        res = run([series("AAA", bars)],
                  **{"execution__entry_delay_bars": 1})
        self.assertEqual(len(res.trades), 1)
        t = res.trades[0]
        self.assertEqual((t["entry_date"], t["entry_price"], t["quantity"],
                          t["bars_held"]), (day(4), 101.0, 10, 1))

    def test_a_pending_order_takes_the_slot(self):
        bars = FLAT + [(100, 100, 100, 100)] * 3
        res = run([series("AAA", bars), series("BBB", bars)],
                  **{"execution__entry_delay_bars": 2})
        # AAA ordered at bar 2 fills at bar 5; BBB never gets the slot
        self.assertEqual([(t["symbol"], t["entry_date"]) for t in res.trades],
                         [("AAA", day(5))])

    def test_fill_ratio_floors_the_filled_part(self):
        bars = FLAT + [(100, 100, 100, 100)] * 2
        res = run([series("AAA", bars)], **{"execution__fill_ratio": 0.5,
                                            "portfolio__initial_capital":
                                            15000})
        # q0 = (15000 * 0.01) / 10 = 15, floor(7.5) = 7
        self.assertEqual(res.trades[0]["quantity"], 7)
        self.assertEqual(res.counts["cut_fill_ratio"], 1)

    def test_volume_participation_caps_the_fill(self):
        bars = FLAT + [(100, 100, 100, 100, 500), (100, 100, 100, 100)]
        res = run([series("AAA", bars)],
                  **{"execution__max_volume_participation": 0.01})
        self.assertEqual(res.trades[0]["quantity"], 5)
        self.assertEqual(res.counts["cut_participation"], 1)

    def test_stock_commission_has_a_minimum_per_order(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 105, 99, 104)]
        res = run([series("AAA", bars)],
                  **{"execution__commission_per_share": 0.005,
                     "execution__commission_min": 1.0})
        # 10 shares: max(1, 0.05) = 1 each way
        self.assertEqual(res.trades[0]["pnl"], (1040.0 - 1) - (1000.0 + 1))
        res = run([series("AAA", bars)],
                  **{"execution__commission_per_share": 0.5,
                     "execution__commission_min": 1.0})
        self.assertEqual(res.trades[0]["pnl"], (1040.0 - 5) - (1000.0 + 5))

    def test_slippage_and_crypto_fees_follow_the_documented_arithmetic(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 105, 99, 104)]
        res = run([series("BTC", bars, "crypto")],
                  **{"execution__slippage_bps_crypto": 10,
                     "execution__fee_bps_crypto": 25})
        t = res.trades[0]
        buy = 100 * (1 + 10 / 10000)
        sell = 104 * (1 - 10 / 10000)
        q = 10000 * 0.001                       # 10 units, in lots
        fee_in = (q * buy) * (25 / 10000)
        fee_out = (q * sell) * (25 / 10000)
        self.assertEqual((t["entry_price"], t["exit_price"], t["quantity"]),
                         (buy, sell, q))
        self.assertEqual(t["pnl"], (q * sell - fee_out) - (q * buy + fee_in))
        self.assertEqual(t["return_pct"], t["pnl"] / (buy * q))

    def test_cash_from_an_open_exit_pays_for_the_same_days_entry(self):
        # AAA fills on day 3 with all the cash; BBB (one bar younger) is
        # ordered at the close of day 3 and fills on day 4
        a_gap = FLAT + [(100, 100, 100, 100), (80, 80, 80, 80)]
        b = [(100, 100, 100, 100)] * 4
        p = {"risk__max_positions": 2, "risk__risk_per_trade": 1.0,
             "risk__max_position_pct": 1.0}
        res = run([series("AAA", a_gap), series("BBB", b, start=1)], **p)
        got = [(t["symbol"], t["exit_type"], t["quantity"])
               for t in res.trades]
        # AAA's gap sale (800 * 10) pays for 80 of BBB's 100 shares
        self.assertEqual(got, [("AAA", "stop_loss", 100),
                               ("BBB", "end_of_period", 80)])

    def test_cash_from_an_intraday_exit_comes_too_late_for_entries(self):
        a_stop = FLAT + [(100, 100, 100, 100), (95, 96, 85, 90)]
        b = [(100, 100, 100, 100)] * 4
        p = {"risk__max_positions": 2, "risk__risk_per_trade": 1.0,
             "risk__max_position_pct": 1.0}
        res = run([series("AAA", a_stop), series("BBB", b, start=1)], **p)
        self.assertEqual([(t["symbol"], t["exit_type"]) for t in res.trades],
                         [("AAA", "stop_loss")])


class Portfolio(unittest.TestCase):

    def test_equity_has_a_row_per_date_and_counts_positions(self):
        bars = FLAT + [(100, 100, 100, 100), (100, 105, 99, 104)]
        res = run([series("AAA", bars)])
        self.assertEqual([r[0] for r in res.equity],
                         [day(k) for k in range(5)])
        self.assertEqual(res.equity[3], (day(3), 10000.0, 9000.0, 1))

    def test_a_symbol_that_stops_early_stays_held_until_the_end(self):
        a = FLAT + [(100, 100, 100, 100), (100, 102, 99, 101)]
        b = FLAT + [(100, 100, 100, 100)] * 5
        res = run([series("AAA", a), series("BBB", b)])
        self.assertEqual(len(res.trades), 1)
        t = res.trades[0]
        # sold at AAA's last close (day 4), dated the window's last day
        self.assertEqual((t["symbol"], t["exit_date"], t["exit_price"],
                          t["exit_type"], t["bars_held"]),
                         ("AAA", day(7), 101.0, "end_of_period", 1))
        self.assertEqual(res.equity[6], (day(6), 10010.0, 9000.0, 1))

    def test_a_pending_order_on_a_stopped_symbol_keeps_its_slot(self):
        b = FLAT + [(100, 100, 100, 100)] * 5
        res = run([series("AAA", FLAT), series("BBB", b)])
        self.assertEqual(res.trades, [])

    def test_a_window_uses_earlier_history_and_fills_after_its_start(self):
        bars = FLAT + [(100, 100, 100, 100), (101, 102, 100, 101),
                       (102, 103, 101, 102), (103, 104, 102, 103)]
        res = run([series("AAA", bars)], "2020-01-04", "2020-01-06")
        self.assertEqual([r[0] for r in res.equity],
                         [day(3), day(4), day(5)])
        t = res.trades[0]
        self.assertEqual((t["entry_date"], t["entry_price"], t["exit_date"],
                          t["exit_price"], t["bars_held"]),
                         (day(4), 101.0, day(5), 102.0, 1))

    def test_cash_earns_the_cash_rate_after_the_first_date(self):
        bars = [(100, 100, 100, 100)] * 3
        res = run([series("AAA", bars)],
                  **{"portfolio__cash_rate": 0.0252,
                     "scanner__momentum_threshold": 101})
        rate = 1 + 0.0252 / 252
        self.assertEqual([r[2] for r in res.equity],
                         [10000.0, 10000.0 * rate, 10000.0 * rate * rate])

    def test_mixed_markets_count_periods_per_year_from_the_calendar(self):
        bars = [(100, 100, 100, 100)] * 3
        res = run([series("AAA", bars), series("BTC", bars, "crypto")],
                  **{"scanner__momentum_threshold": 101})
        self.assertEqual(res.periods_per_year, 3 / (2 / 365.25))

    def test_regimes_are_refused(self):
        with self.assertRaises(momo_ref.RefError):
            momo_ref.Params(dict(BASE, **{"regime.enabled": True}))

    def test_an_unknown_strategy_parameter_is_refused(self):
        with self.assertRaises(momo_ref.RefError):
            momo_ref.Params({"signals.exit.stop_loss_bond": 0.1})


class Metrics(unittest.TestCase):

    def result(self, equity, pnls):
        r = momo_ref.Result()
        r.equity = [(day(k), e, e, 1 if k % 2 else 0)
                    for k, e in enumerate(equity)]
        r.trades = [{"pnl": x, "bars_held": 2 + k,
                     "r_multiple": x / 10.0} for k, x in enumerate(pnls)]
        r.periods_per_year = 252
        return momo_ref.compute_metrics(r, momo_ref.Params({}))

    def test_drawdown_metrics_of_a_small_curve(self):
        m = self.result([100.0, 110.0, 99.0, 104.5, 121.0], [])
        self.assertAlmostEqual(m["total_return"], 0.21, places=15)
        self.assertAlmostEqual(m["max_drawdown"], 0.1, places=15)
        self.assertEqual(m["max_drawdown_duration"], 2)
        self.assertEqual(m["max_drawdown_recovery"], 2)
        self.assertAlmostEqual(m["recovery_factor"], 21.0 / 11.0, places=12)
        self.assertAlmostEqual(
            m["ulcer_index"], math.sqrt((10.0 ** 2 + 5.0 ** 2) / 5), places=9)
        self.assertEqual(m["exposure"], 2 / 5)
        self.assertIsNone(m["win_rate"])
        self.assertEqual(m["num_trades"], 0)

    def test_return_metrics_follow_their_definitions(self):
        eq = [100.0, 110.0, 99.0, 104.5, 121.0]
        m = self.result(eq, [])
        r = [110.0 / 100.0 - 1, 99.0 / 110.0 - 1, 104.5 / 99.0 - 1,
             121.0 / 104.5 - 1]
        mean = sum(r) / 4
        sd = math.sqrt(sum((x - mean) ** 2 for x in r) / 3)
        self.assertAlmostEqual(m["annual_volatility"], sd * math.sqrt(252),
                               places=12)
        self.assertAlmostEqual(m["sharpe"], mean / sd * math.sqrt(252),
                               places=12)
        down = math.sqrt(r[1] ** 2 / 4)
        self.assertAlmostEqual(m["sortino"],
                               mean * 252 / (down * math.sqrt(252)),
                               places=12)
        years = 4 / 365.25
        self.assertAlmostEqual(m["cagr"], 1.21 ** (1 / years) - 1,
                               delta=1e-9 * 1.21 ** (1 / years))
        self.assertAlmostEqual(m["calmar"], m["cagr"] / 0.1,
                               delta=1e-9 * m["calmar"])

    def test_trade_statistics(self):
        m = self.result([100.0, 101.0, 102.0], [10.0, -5.0, 20.0])
        self.assertEqual(m["win_rate"], 2 / 3)
        self.assertEqual(m["profit_factor"], 6.0)
        self.assertEqual(m["avg_win"], 15.0)
        self.assertEqual(m["avg_loss"], -5.0)
        self.assertAlmostEqual(m["expectancy"], 25 / 3, places=12)
        self.assertEqual(m["avg_bars_held"], 3.0)
        rm = [1.0, -0.5, 2.0]
        mean = sum(rm) / 3
        sd = math.sqrt(sum((x - mean) ** 2 for x in rm) / 2)
        self.assertAlmostEqual(m["sqn"], math.sqrt(3) * mean / sd, places=12)

    def test_undefined_metrics_are_null(self):
        m = self.result([100.0, 100.0, 100.0], [5.0])
        self.assertIsNone(m["sharpe"])          # zero deviation
        self.assertIsNone(m["sortino"])
        self.assertIsNone(m["profit_factor"])   # no losses
        self.assertIsNone(m["avg_loss"])
        self.assertIsNone(m["sqn"])             # one trade
        self.assertIsNone(m["calmar"])
        self.assertIsNone(m["max_drawdown_recovery"])
        self.assertEqual(m["max_drawdown"], 0.0)


class Files(unittest.TestCase):

    tiny = os.path.join(FIXTURES, "tiny")

    def test_the_loader_keeps_traded_classes_and_cleans_rows(self):
        s = {x.symbol: x for x in momo_ref.load_market(self.tiny)}
        # SPY is an etf; ZZZ is absent from the universe, so a stock;
        # AAA's blank class is a stock
        self.assertEqual(sorted(s), ["AAA", "BTC", "ZZZ"])
        self.assertEqual((s["AAA"].asset_class, s["BTC"].asset_class,
                          s["ZZZ"].asset_class), ("stock", "crypto", "stock"))
        a = s["AAA"]
        self.assertEqual(len(a.date), 12)       # zero-low row skipped
        i = a.index[momo_ref.parse_date("2021-01-08")]
        self.assertEqual(a.close[i], 50.5)      # duplicate: last row wins

    def test_symbols_restrict_the_traded_set(self):
        s = momo_ref.load_market(self.tiny, symbols=["BTC"])
        self.assertEqual([x.symbol for x in s], ["BTC"])
        with self.assertRaises(momo_ref.RefError):
            momo_ref.load_market(self.tiny, symbols=["NOPE"])

    def test_a_bad_number_names_file_line_and_column(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "AAA.csv"), "w") as f:
                f.write("Date,Open,High,Low,Close,Volume\n"
                        "2020-01-01,1,2,1,1.5,10\n"
                        "2020-01-02,1,2,x1,1.5,10\n")
            with self.assertRaises(momo_ref.RefError) as cm:
                momo_ref.load_market(d)
            msg = str(cm.exception)
            self.assertIn("AAA.csv:3: column 'Low'", msg)
            self.assertIn("x1", msg)

    def test_the_command_writes_trades_equity_and_metrics(self):
        with tempfile.TemporaryDirectory() as d:
            params = os.path.join(d, "params.json")
            with open(params, "w") as f:
                json.dump(dict(BASE, **{"risk.max_positions": 3}), f)
            out = os.path.join(d, "out")
            rc = momo_ref.main(["--data", self.tiny, "--params", params,
                                "--out", out, "--from", "2021-01-05"])
            self.assertEqual(rc, 0)
            with open(os.path.join(out, "trades.csv")) as f:
                trades = list(csv.DictReader(f))
            with open(os.path.join(out, "equity.csv")) as f:
                equity = list(csv.DictReader(f))
            with open(os.path.join(out, "metrics.json")) as f:
                metrics = json.load(f)
        self.assertEqual(list(trades[0].keys()), momo_ref.TRADE_COLUMNS)
        self.assertEqual(sorted({t["symbol"] for t in trades}),
                         ["AAA", "BTC", "ZZZ"])
        # BTC trades on weekends: the calendar is the union of dates
        self.assertEqual(equity[0]["date"], "2021-01-05")
        # stocks: 12 weekdays to 2021-01-19; BTC: 14 days to 2021-01-17
        self.assertEqual(equity[-1]["date"], "2021-01-19")
        self.assertEqual(len(equity), 15)
        self.assertEqual(metrics["num_trades"], len(trades))
        self.assertEqual(set(metrics), set(momo_ref.METRIC_NAMES))

    def test_the_command_reports_bad_input_and_fails(self):
        with tempfile.TemporaryDirectory() as d, \
                contextlib.redirect_stderr(io.StringIO()) as err:
            params = os.path.join(d, "params.json")
            with open(params, "w") as f:
                f.write('{"regime.enabled": true}')
            rc = momo_ref.main(["--data", self.tiny, "--params", params,
                                "--out", os.path.join(d, "out")])
            self.assertNotEqual(rc, 0)
            self.assertFalse(os.path.exists(os.path.join(d, "out")))
        self.assertIn("regime.enabled", err.getvalue())


if __name__ == "__main__":
    unittest.main()

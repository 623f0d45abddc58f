#!/usr/bin/env python3
"""compare.py - compare a momo backtest with the reference's, row by row.

Usage: python3 compare.py MOMO_DIR REF_DIR [--label NAME] [--tally FILE]
                          [--min-trades N]

Both directories hold trades.csv, equity.csv and metrics.json. Trades must
agree row by row: symbol, asset class, dates, exit type and bars held
exactly, quantity within a relative 1e-12, prices, pnl and return_pct
within a relative 1e-9. Equity rows agree within 1e-9 relative, metrics
within 1e-6 relative, and null only matches null. A relative tolerance
is taken against max(|a|, |b|, 1), so values near zero compare absolutely.

On the first difference it prints both rows in full and exits 1. With
--tally, the exit types of the compared trades are appended to FILE, one
per line, so a caller can check that every exit type was exercised.
--show-inexact N prints the first N values that agree within tolerance
but not bit for bit.
"""

import argparse
import csv
import json
import math
import os
import sys

TRADE_EXACT = ["symbol", "asset_class", "entry_date", "exit_date",
               "exit_type"]
TRADE_INT = ["bars_held"]
TRADE_REL = {"quantity": 1e-12, "entry_price": 1e-9, "exit_price": 1e-9,
             "pnl": 1e-9, "return_pct": 1e-9}
EQUITY_REL = {"equity": 1e-9, "cash": 1e-9, "positions": 1e-9}
METRICS = ["total_return", "cagr", "annual_volatility", "sharpe", "sortino",
           "max_drawdown", "max_drawdown_duration", "max_drawdown_recovery",
           "calmar", "ulcer_index", "recovery_factor", "win_rate",
           "profit_factor", "avg_win", "avg_loss", "expectancy", "num_trades",
           "sqn", "exposure", "avg_bars_held", "periods_per_year"]
METRIC_REL = 1e-6


class Mismatch(Exception):
    pass


def close_enough(a, b, rel):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)


def read_csv(path, columns):
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or
                                                       [])]
            if missing:
                raise Mismatch("%s: missing column '%s' (has %s)"
                               % (path, missing[0], reader.fieldnames))
            return list(reader)
    except OSError as e:
        raise Mismatch("%s: cannot read: %s" % (path, e.strerror))


def number(path, row_no, row, col):
    try:
        return float(row[col])
    except (TypeError, ValueError):
        raise Mismatch("%s: row %d: column '%s': not a number '%s'"
                       % (path, row_no, col, row[col]))


def show(label, row, columns):
    return "  %-6s %s" % (label, ",".join(str(row.get(c)) for c in columns))


class Stats:
    def __init__(self, show=0):
        self.values = 0
        self.inexact = 0
        self.worst = 0.0
        self.show = show

    def note(self, a, b, where):
        self.values += 1
        if a != b:
            self.inexact += 1
            self.worst = max(self.worst,
                             abs(a - b) / max(abs(a), abs(b), 1.0))
            if self.inexact <= self.show:
                print("  not bit-identical: %s: momo %r, reference %r"
                      % (where, a, b))


def first_difference(path_m, path_r, k, m, r, exact, ints, rel, stats):
    """The first column where rows m and r disagree, or None."""
    for c in exact:
        if m[c] != r[c]:
            return c
    for c in ints:
        if number(path_m, k, m, c) != number(path_r, k, r, c):
            return c
    for c, tol in rel.items():
        a = number(path_m, k, m, c)
        b = number(path_r, k, r, c)
        stats.note(a, b, "row %d '%s'" % (k, c))
        if not close_enough(a, b, tol):
            return c
    return None


def compare_rows(what, path_m, path_r, columns, exact, ints, rel, stats):
    rows_m = read_csv(path_m, columns)
    rows_r = read_csv(path_r, columns)
    for k, (m, r) in enumerate(zip(rows_m, rows_r), start=1):
        bad = first_difference(path_m, path_r, k, m, r, exact, ints, rel,
                               stats)
        if bad is not None:
            raise Mismatch("%s row %d differs in '%s':\n  %-6s %s\n%s\n%s"
                           % (what, k, bad, "", ",".join(columns),
                              show("momo", m, columns),
                              show("ref", r, columns)))
    if len(rows_m) != len(rows_r):
        k = min(len(rows_m), len(rows_r))
        side = "momo" if len(rows_m) > k else "ref"
        extra = rows_m[k] if side == "momo" else rows_r[k]
        raise Mismatch("%s: momo has %d rows, the reference %d; first "
                       "unmatched row (%s, row %d):\n%s"
                       % (what, len(rows_m), len(rows_r), side, k + 1,
                          show(side, extra, columns)))
    return rows_r


def compare_metrics(path_m, path_r, stats):
    loaded = []
    for path in (path_m, path_r):
        try:
            with open(path) as f:
                loaded.append(json.load(f))
        except (OSError, ValueError) as e:
            raise Mismatch("%s: cannot read: %s" % (path, e))
    m, r = loaded
    for name in METRICS:
        for side, d in (("momo", m), ("ref", r)):
            if name not in d:
                raise Mismatch("metrics.json (%s): no '%s'" % (side, name))
        a, b = m[name], r[name]
        if a is None or b is None:
            if a is not b:
                raise Mismatch("metric '%s': momo %s, reference %s"
                               % (name, a, b))
            continue
        stats.note(float(a), float(b), "metric '%s'" % name)
        if not close_enough(float(a), float(b), METRIC_REL):
            raise Mismatch("metric '%s': momo %r, reference %r"
                           % (name, a, b))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="compare.py")
    ap.add_argument("momo_dir")
    ap.add_argument("ref_dir")
    ap.add_argument("--label", default="")
    ap.add_argument("--tally")
    ap.add_argument("--min-trades", type=int, default=1)
    ap.add_argument("--show-inexact", type=int, default=0, metavar="N",
                    help="print the first N values that are not "
                    "bit-identical")
    a = ap.parse_args(argv)
    label = a.label + ": " if a.label else ""
    trade_cols = TRADE_EXACT[:2] + ["entry_date", "entry_price",
                                    "exit_date", "exit_price", "quantity",
                                    "exit_type", "pnl", "return_pct",
                                    "bars_held"]
    stats = Stats(a.show_inexact)
    try:
        trades = compare_rows(
            "trades.csv", os.path.join(a.momo_dir, "trades.csv"),
            os.path.join(a.ref_dir, "trades.csv"), trade_cols, TRADE_EXACT,
            TRADE_INT, TRADE_REL, stats)
        equity = compare_rows(
            "equity.csv", os.path.join(a.momo_dir, "equity.csv"),
            os.path.join(a.ref_dir, "equity.csv"),
            ["date", "equity", "cash", "positions"], ["date"], [],
            EQUITY_REL, stats)
        compare_metrics(os.path.join(a.momo_dir, "metrics.json"),
                        os.path.join(a.ref_dir, "metrics.json"), stats)
        if len(trades) < a.min_trades:
            raise Mismatch("only %d trades: the comparison would prove "
                           "little" % len(trades))
    except Mismatch as e:
        print("%sMISMATCH %s" % (label, e))
        return 1
    kinds = {}
    for t in trades:
        kinds[t["exit_type"]] = kinds.get(t["exit_type"], 0) + 1
    if a.tally:
        with open(a.tally, "a") as f:
            for k in sorted(kinds):
                f.write(k + "\n")
    print("%sok: %d trades (%s), %d equity rows; %d of %d values not "
          "bit-identical, worst relative difference %.3g"
          % (label, len(trades),
             ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
             len(equity), stats.inexact, stats.values, stats.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""momo_ref.py - an independent reference implementation of the strategy.

A second, deliberately plain implementation of the momentum strategy,
written from STRATEGY.md and docs/methods.md alone, so that momo's
backtest engine can be compared with it trade by trade
(tests/cli/backtest_reference.sh).  It follows docs/methods.md literally,
including the order of floating-point operations it spells out, so the two
can agree bit for bit.  Standard library only.

In:  a directory of <SYMBOL>.csv files (Date,Open,High,Low,Close,Volume,
     back-adjusted, as `momo data export` writes them) plus universe.csv,
     and a flat JSON object of parameters ({"dotted.name": value}, as
     `momo config show --json` prints it).
Out: OUTDIR/trades.csv, OUTDIR/equity.csv and OUTDIR/metrics.json, plus
     OUTDIR/ref_counts.json: how many entry fills each rule cut.

Usage:
  python3 momo_ref.py --data DIR --params PARAMS.json [--universe FILE]
      [--symbols A,B] [--from YYYY-MM-DD] [--to YYYY-MM-DD] --out OUTDIR

Regimes (regime.enabled) are out of scope: the reference refuses them.
"""

import argparse
import csv
import datetime
import json
import math
import os
import sys

NAN = float("nan")

# Parameter names and defaults (the registry, src/config/params.c).
DEFAULTS = {
    "indicators.rsi_period": 14,
    "indicators.sma_fast": 50,
    "indicators.sma_slow": 200,
    "indicators.adv_period": 20,
    "scanner.roc_periods": [21, 63, 126, 252],
    "scanner.weights": [0.1, 0.3, 0.3, 0.3],
    "scanner.min_price": 5.0,
    "scanner.min_price_crypto": 0.0,
    "scanner.min_dollar_volume": 5e6,
    "scanner.momentum_threshold": 70.0,
    "signals.entry.rsi_min": 50.0,
    "signals.entry.rsi_max": 70.0,
    "signals.entry.trend_filter": True,
    "signals.exit.stop_loss_stock": 0.08,
    "signals.exit.profit_target_stock": 0.20,
    "signals.exit.stop_loss_crypto": 0.12,
    "signals.exit.profit_target_crypto": 0.30,
    "signals.exit.trailing_stop_distance": 0.08,
    "signals.exit.max_holding_days": 30,
    "risk.risk_per_trade": 0.01,
    "risk.max_position_pct": 0.20,
    "risk.max_positions": 8,
    "execution.slippage_bps_stock": 5.0,
    "execution.slippage_bps_crypto": 10.0,
    "execution.commission_per_share": 0.005,
    "execution.commission_min": 1.0,
    "execution.fee_bps_crypto": 10.0,
    "execution.crypto_lot": 1e-6,
    "execution.entry_delay_bars": 0,
    "execution.fill_ratio": 1.0,
    "execution.max_volume_participation": 0.0,
    "portfolio.initial_capital": 100000.0,
    "portfolio.cash_rate": 0.0,
    "metrics.risk_free": 0.0,
    "regime.enabled": False,
}

# Parameters that do not change a backtest without regimes.
IGNORED_PREFIXES = ("regime.", "optimize.", "report.", "ops.", "data.",
                    "analysis.", "montecarlo.", "walkforward.", "paper.",
                    "server.", "alerts.", "log.")

TRADED = ("stock", "crypto")
ASSET_CLASSES = ("stock", "crypto", "etf", "bond", "index")

PHASE_OPEN, PHASE_INTRADAY, PHASE_END = 0, 1, 2

TRADE_COLUMNS = ["symbol", "asset_class", "entry_date", "entry_price",
                 "exit_date", "exit_price", "quantity", "exit_type", "pnl",
                 "return_pct", "bars_held"]

METRIC_NAMES = ["total_return", "cagr", "annual_volatility", "sharpe",
                "sortino", "max_drawdown", "max_drawdown_duration",
                "max_drawdown_recovery", "calmar", "ulcer_index",
                "recovery_factor", "win_rate", "profit_factor", "avg_win",
                "avg_loss", "expectancy", "num_trades", "sqn", "exposure",
                "avg_bars_held", "periods_per_year"]


class RefError(Exception):
    """Bad input: the message says which file, line and field."""


# ---- Dates ----------------------------------------------------------------

def parse_date(text):
    """'YYYY-MM-DD' to a day number (proleptic Gregorian ordinal)."""
    return datetime.date.fromisoformat(text.strip()).toordinal()


def format_date(day):
    return datetime.date.fromordinal(day).isoformat()


def fmt(x):
    """A number as %.17g, which reads back to the same double."""
    return "%.17g" % x


# ---- Parameters -----------------------------------------------------------

class Params:
    """The parameters the strategy reads, with the registry's defaults."""

    def __init__(self, values=None, warn=None):
        merged = dict(DEFAULTS)
        for name, value in (values or {}).items():
            if name not in DEFAULTS and not name.startswith(IGNORED_PREFIXES):
                if name.startswith(("indicators.", "scanner.", "signals.",
                                    "risk.", "execution.", "portfolio.",
                                    "metrics.")):
                    raise RefError("unknown parameter '%s': the reference "
                                   "does not implement it" % name)
                if warn:
                    warn("ignoring parameter '%s'" % name)
                continue
            merged[name] = value
        if merged["regime.enabled"]:
            raise RefError("regime.enabled is true: regimes are out of the "
                           "reference's scope")
        g = merged.get
        self.rsi_period = int(g("indicators.rsi_period"))
        self.sma_fast = int(g("indicators.sma_fast"))
        self.adv_period = int(g("indicators.adv_period"))
        self.roc_periods = [int(k) for k in g("scanner.roc_periods")]
        self.weights = [float(w) for w in g("scanner.weights")]
        if len(self.roc_periods) != 4 or len(self.weights) != 4:
            raise RefError("scanner.roc_periods and scanner.weights need "
                           "four values each")
        self.min_price = float(g("scanner.min_price"))
        self.min_price_crypto = float(g("scanner.min_price_crypto"))
        self.min_dollar_volume = float(g("scanner.min_dollar_volume"))
        self.threshold = float(g("scanner.momentum_threshold"))
        self.rsi_min = float(g("signals.entry.rsi_min"))
        self.rsi_max = float(g("signals.entry.rsi_max"))
        self.trend_filter = bool(g("signals.entry.trend_filter"))
        self.stop_loss = {"stock": float(g("signals.exit.stop_loss_stock")),
                          "crypto": float(g("signals.exit.stop_loss_crypto"))}
        self.profit_target = {
            "stock": float(g("signals.exit.profit_target_stock")),
            "crypto": float(g("signals.exit.profit_target_crypto"))}
        self.trailing = float(g("signals.exit.trailing_stop_distance"))
        self.max_holding = int(g("signals.exit.max_holding_days"))
        self.risk_per_trade = float(g("risk.risk_per_trade"))
        self.max_position_pct = float(g("risk.max_position_pct"))
        self.max_positions = int(g("risk.max_positions"))
        self.slippage_bps = {
            "stock": float(g("execution.slippage_bps_stock")),
            "crypto": float(g("execution.slippage_bps_crypto"))}
        self.commission_per_share = float(
            g("execution.commission_per_share"))
        self.commission_min = float(g("execution.commission_min"))
        self.fee_bps_crypto = float(g("execution.fee_bps_crypto"))
        self.crypto_lot = float(g("execution.crypto_lot"))
        self.entry_delay = int(g("execution.entry_delay_bars"))
        self.fill_ratio = float(g("execution.fill_ratio"))
        self.max_participation = float(
            g("execution.max_volume_participation"))
        self.initial_capital = float(g("portfolio.initial_capital"))
        self.cash_rate = float(g("portfolio.cash_rate"))
        self.risk_free = float(g("metrics.risk_free"))


def load_params(path):
    try:
        with open(path, encoding="utf-8") as f:
            values = json.load(f)
    except OSError as e:
        raise RefError("%s: cannot read: %s" % (path, e.strerror))
    except ValueError as e:
        raise RefError("%s: not JSON: %s" % (path, e))
    if not isinstance(values, dict):
        raise RefError("%s: expected a JSON object of parameters" % path)
    return Params(values, warn=lambda m: print("momo_ref: %s: %s" % (path, m),
                                               file=sys.stderr))


# ---- Data -----------------------------------------------------------------

class Series:
    """One symbol's bars (ascending dates) and its indicators."""

    def __init__(self, symbol, asset_class, dates, opens, highs, lows,
                 closes, volumes):
        self.symbol = symbol
        self.asset_class = asset_class
        self.date = dates
        self.open = opens
        self.high = highs
        self.low = lows
        self.close = closes
        self.volume = volumes
        self.index = {d: i for i, d in enumerate(dates)}


def make_series(symbol, asset_class, rows):
    """rows: (date 'YYYY-MM-DD' or day number, open, high, low, close,
    volume) tuples in ascending date order."""
    dates = [parse_date(r[0]) if isinstance(r[0], str) else r[0]
             for r in rows]
    return Series(symbol, asset_class, dates,
                  [float(r[1]) for r in rows], [float(r[2]) for r in rows],
                  [float(r[3]) for r in rows], [float(r[4]) for r in rows],
                  [float(r[5]) for r in rows])


def read_universe(path):
    """universe.csv: symbol,asset_class,sector,size -> {symbol: class}."""
    classes = {}
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise RefError("%s: cannot read: %s" % (path, e.strerror))
    with f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header or [h.strip().lower() for h in header[:2]] != \
                ["symbol", "asset_class"]:
            raise RefError("%s:1: header must start with "
                           "'symbol,asset_class'" % path)
        for row in reader:
            line = reader.line_num
            if not row or not "".join(row).strip():
                continue
            symbol = row[0].strip()
            ac = row[1].strip().lower() if len(row) > 1 else ""
            if not symbol:
                raise RefError("%s:%d: column 'symbol': empty" % (path, line))
            if ac == "":
                ac = "stock"                     # STRATEGY.md 11.2
            if ac not in ASSET_CLASSES:
                raise RefError("%s:%d: column 'asset_class': unknown '%s'"
                               % (path, line, row[1].strip()))
            classes[symbol] = ac
    return classes


def _number(text, path, line, column):
    try:
        return float(text)
    except ValueError:
        raise RefError("%s:%d: column '%s': not a number '%s'"
                       % (path, line, column, text))


def read_bars(path):
    """A Date,Open,High,Low,Close,Volume file -> list of row tuples.
    Rows with a missing or non-positive price are skipped and a duplicate
    date keeps its last row (STRATEGY.md 11.1)."""
    columns = ["date", "open", "high", "low", "close", "volume"]
    by_date = {}
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise RefError("%s: cannot read: %s" % (path, e.strerror))
    with f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header or [h.strip().lower() for h in header[:6]] != columns:
            raise RefError("%s:1: header must be "
                           "'Date,Open,High,Low,Close,Volume'" % path)
        for row in reader:
            try:                                # the common, valid row
                bar = (parse_date(row[0]), float(row[1]), float(row[2]),
                       float(row[3]), float(row[4]), float(row[5]))
            except (ValueError, IndexError):
                bar = parse_row(row, path, reader.line_num, header)
            if bar is not None and bar[1] > 0 and bar[2] > 0 and \
                    bar[3] > 0 and bar[4] > 0:
                by_date[bar[0]] = bar
    return [by_date[d] for d in sorted(by_date)]


def parse_row(row, path, line, header):
    """A row with an empty field or a bad value: None for a blank line,
    NaN for a missing price (the row is skipped), 0 for a missing volume,
    RefError naming file, line and column for anything else."""
    if not "".join(row).strip():
        return None
    row = row + [""] * (6 - len(row))
    try:
        day = parse_date(row[0])
    except ValueError:
        raise RefError("%s:%d: column 'Date': not a date '%s'"
                       % (path, line, row[0]))
    values = []
    for k in range(1, 6):
        text = row[k].strip()
        if text:
            values.append(_number(text, path, line, header[k].strip()))
        else:
            values.append(NAN if k < 5 else 0.0)
    return (day,) + tuple(values)


def load_market(data_dir, universe_path=None, symbols=None):
    """The traded series of DIR (stock and crypto only), sorted by name.
    `symbols` restricts the traded set (STRATEGY.md 11.2)."""
    if universe_path is None:
        candidate = os.path.join(data_dir, "universe.csv")
        universe_path = candidate if os.path.exists(candidate) else None
    classes = read_universe(universe_path) if universe_path else {}
    try:
        names = sorted(n[:-4] for n in os.listdir(data_dir)
                       if n.endswith(".csv") and n != "universe.csv")
    except OSError as e:
        raise RefError("%s: cannot list: %s" % (data_dir, e.strerror))
    if symbols is not None:
        missing = [s for s in symbols if s not in names]
        if missing:
            raise RefError("%s: no data file for symbol '%s'"
                           % (data_dir, missing[0]))
        names = sorted(set(symbols))
    series = []
    for name in names:
        ac = classes.get(name, "stock")
        if ac not in TRADED:
            continue
        rows = read_bars(os.path.join(data_dir, name + ".csv"))
        series.append(make_series(name, ac, rows))
    return series


# ---- Indicators (docs/methods.md, "Indicators") ---------------------------

def running_mean(values, n):
    """S = v[0] + ... + v[n-1] left to right, then S = (S + v[i]) - v[i-n];
    out[i] = S / n from i = n - 1."""
    out = [NAN] * len(values)
    s = 0.0
    for i, x in enumerate(values):
        if i < n:
            s = s + x
        else:
            s = (s + x) - values[i - n]
        if i >= n - 1:
            out[i] = s / n
    return out


def roc(close, k):
    out = [NAN] * len(close)
    for i in range(k, len(close)):
        out[i] = close[i] / close[i - k] - 1
    return out


def rsi_value(gain, loss):
    if loss == 0:
        return 50.0 if gain == 0 else 100.0
    return 100 - 100 / (1 + gain / loss)


def rsi(close, n):
    """Wilder's RSI, first defined at bar index n (STRATEGY.md 11.7)."""
    out = [NAN] * len(close)
    gain = loss = 0.0
    for i in range(1, len(close)):
        d = close[i] - close[i - 1]
        up = d if d > 0 else 0.0
        down = -d if d < 0 else 0.0
        if i <= n:
            gain = gain + up
            loss = loss + down
            if i == n:
                gain = gain / n
                loss = loss / n
        else:
            gain = (gain * (n - 1) + up) / n
            loss = (loss * (n - 1) + down) / n
        if i >= n:
            out[i] = rsi_value(gain, loss)
    return out


def compute_indicators(s, p):
    s.sma = running_mean(s.close, p.sma_fast)
    s.adv = running_mean([c * v for c, v in zip(s.close, s.volume)],
                         p.adv_period)
    s.rsi = rsi(s.close, p.rsi_period)
    rocs = [roc(s.close, k) for k in p.roc_periods]
    w1, w2, w3, w4 = p.weights
    s.momentum = [((w1 * r1 + w2 * r2) + w3 * r3) + w4 * r4
                  for r1, r2, r3, r4 in zip(*rocs)]
    s.first_roc = max(p.roc_periods)    # all four ROCs defined from here


# ---- Scanner (STRATEGY.md 3) ----------------------------------------------

def percentile_scores(values):
    """values: list of (m, key). Returns {key: score} with the average rank
    for ties, score = (100 * (rank - 1)) / (n - 1), 100 when n = 1."""
    n = len(values)
    ordered = sorted(values, key=lambda v: v[0])
    scores = {}
    a = 0
    while a < n:
        b = a
        while b + 1 < n and ordered[b + 1][0] == ordered[a][0]:
            b += 1
        rank = ((a + 1) + (b + 1)) / 2         # ranks a+1 .. b+1, averaged
        for k in range(a, b + 1):
            scores[ordered[k][1]] = 100.0 if n == 1 else \
                (100 * (rank - 1)) / (n - 1)
        a = b + 1
    return scores


def scan(today, p):
    """today: [(series, bar index)] with a bar on the day -> {symbol:
    score} for the eligible symbols, ranked within each asset class."""
    scores = {}
    for ac in TRADED:
        min_price = p.min_price if ac == "stock" else p.min_price_crypto
        eligible = []
        for s, i in today:
            if s.asset_class != ac or i < s.first_roc:
                continue
            if s.close[i] >= min_price and s.adv[i] >= p.min_dollar_volume:
                eligible.append((s.momentum[i], s.symbol))
        scores.update(percentile_scores(eligible))
    return scores


# ---- Simulation (docs/methods.md, "One calendar date") --------------------

class Position:
    def __init__(self, s, idx, day, price, qty, lots, commission):
        self.series = s
        self.entry_idx = idx
        self.entry_date = day
        self.entry_price = price
        self.qty = qty
        self.lots = lots
        self.entry_commission = commission
        self.high = s.high[idx]
        self.bars_held = 0
        self.time_exit = False


class Order:
    def __init__(self, s, decision_day, score, fill_idx, amount):
        self.series = s
        self.decision_day = decision_day
        self.score = score
        self.fill_idx = fill_idx
        self.amount = amount            # shares (stock) or lots (crypto)


class Result:
    def __init__(self):
        self.trades = []                # dicts with TRADE_COLUMNS
        self.equity = []                # (day, equity, cash, n_positions)
        # how often each entry rule changed a fill: shows a configuration
        # really exercises the rule it is meant to
        self.counts = dict.fromkeys(["orders", "fills", "cut_fill_ratio",
                                     "cut_participation", "cut_cash",
                                     "cancelled"], 0)
        self.metrics = {}
        self.periods_per_year = None


class Backtest:
    def __init__(self, series, p, date_from=None, date_to=None):
        self.p = p
        self.series = sorted(series, key=lambda s: s.symbol)
        self.date_from = date_from
        self.date_to = date_to
        self.cash = p.initial_capital
        self.positions = {}             # symbol -> Position
        self.orders = []
        self.result = Result()

    # -- costs

    def slip(self, s):
        return self.p.slippage_bps[s.asset_class] / 10000

    def commission(self, s, qty, price):
        if s.asset_class == "crypto":
            return (qty * price) * (self.p.fee_bps_crypto / 10000)
        return max(self.p.commission_min, self.p.commission_per_share * qty)

    # -- exits

    def stop_level(self, pos):
        s = pos.series
        fixed = pos.entry_price * (1 - self.p.stop_loss[s.asset_class])
        trail = pos.high * (1 - self.p.trailing)
        kind = "trailing_stop" if trail > fixed else "stop_loss"
        return max(fixed, trail), kind

    def target_level(self, pos):
        pt = self.p.profit_target[pos.series.asset_class]
        return pos.entry_price * (1 + pt)

    def sell(self, pos, day, idx, raw_price, exit_type):
        s = pos.series
        price = raw_price * (1 - self.slip(s))
        q = pos.qty
        commission = self.commission(s, q, price)
        proceeds = q * price - commission
        self.cash = self.cash + proceeds
        pnl = proceeds - (q * pos.entry_price + pos.entry_commission)
        stop = self.p.stop_loss[s.asset_class]
        self.result.trades.append({
            "symbol": s.symbol, "asset_class": s.asset_class,
            "entry_date": pos.entry_date, "entry_price": pos.entry_price,
            "exit_date": day, "exit_price": price, "quantity": q,
            "exit_type": exit_type, "pnl": pnl,
            "return_pct": pnl / (pos.entry_price * q),
            "bars_held": idx - pos.entry_idx,
            "r_multiple": pnl / (pos.entry_price * stop * q)})
        del self.positions[s.symbol]

    def exits_at_open(self, day, today):
        for s, i in today:
            pos = self.positions.get(s.symbol)
            if pos is None:
                continue
            if pos.time_exit:
                self.sell(pos, day, i, s.open[i], "time_exit")
                continue
            stop, kind = self.stop_level(pos)
            target = self.target_level(pos)
            if s.open[i] <= stop:
                self.sell(pos, day, i, s.open[i], kind)
            elif s.open[i] >= target and s.low[i] > stop:
                self.sell(pos, day, i, s.open[i], "profit_target")

    def exits_intraday(self, day, today):
        for s, i in today:
            pos = self.positions.get(s.symbol)
            if pos is None or pos.entry_idx == i:
                continue
            stop, kind = self.stop_level(pos)
            target = self.target_level(pos)
            if s.low[i] <= stop:
                self.sell(pos, day, i, stop, kind)
            elif s.high[i] >= target:
                self.sell(pos, day, i, target, "profit_target")

    # -- entries

    def cash_cut_stock(self, q, price):
        p = self.p
        cost = q * price + self.commission_stock(q)
        if cost <= self.cash:
            return q
        qb = math.floor(self.cash / (price + p.commission_per_share))
        if p.commission_per_share * qb >= p.commission_min:
            q_cash = qb
        else:
            q_cash = math.floor((self.cash - p.commission_min) / price)
        q = min(q, q_cash)
        while q > 0 and q * price + self.commission_stock(q) > self.cash:
            q -= 1
        return max(q, 0)

    def commission_stock(self, q):
        return max(self.p.commission_min, self.p.commission_per_share * q)

    def crypto_cost(self, lots, price):
        q = lots * self.p.crypto_lot
        return q * price + (q * price) * (self.p.fee_bps_crypto / 10000)

    def cash_cut_crypto(self, lots, price):
        p = self.p
        if self.crypto_cost(lots, price) <= self.cash:
            return lots
        lots_cash = math.floor(
            self.cash / ((p.crypto_lot * price) *
                         (1 + p.fee_bps_crypto / 10000)))
        lots = min(lots, lots_cash)
        while lots > 0 and self.crypto_cost(lots, price) > self.cash:
            lots -= 1
        return max(lots, 0)

    def fill_entries(self, day, today):
        p = self.p
        bar_today = {s.symbol: i for s, i in today}
        due = [o for o in self.orders
               if bar_today.get(o.series.symbol) == o.fill_idx]
        if not due:
            return
        self.orders = [o for o in self.orders if o not in due]
        due.sort(key=lambda o: (o.decision_day, -o.score, o.series.symbol))
        counts = self.result.counts
        for o in due:
            s, i = o.series, o.fill_idx
            price = s.open[i] * (1 + self.slip(s))
            n = math.floor(o.amount * p.fill_ratio)   # shares or lots
            counts["cut_fill_ratio"] += n < o.amount
            if p.max_participation > 0:
                cap = p.max_participation * s.volume[i]
                if s.asset_class == "crypto":
                    cap = cap / p.crypto_lot
                counts["cut_participation"] += math.floor(cap) < n
                n = min(n, math.floor(cap))
            before = n
            if s.asset_class == "stock":
                n = self.cash_cut_stock(n, price)
                q, lots = n, None
            else:
                n = self.cash_cut_crypto(n, price)
                q, lots = n * p.crypto_lot, n
            counts["cut_cash"] += n < before
            if q <= 0:
                counts["cancelled"] += 1
                continue                        # a quantity of 0 cancels
            counts["fills"] += 1
            commission = self.commission(s, q, price)
            self.cash = self.cash - (q * price + commission)
            self.positions[s.symbol] = Position(s, i, day, price, q, lots,
                                                commission)

    # -- the close

    def close_bars(self, today):
        for s, i in today:
            pos = self.positions.get(s.symbol)
            if pos is None:
                continue
            pos.high = max(pos.high, s.high[i])
            pos.bars_held += 1
            if pos.bars_held >= self.p.max_holding:
                pos.time_exit = True

    def mark(self, day, last_idx):
        equity = self.cash                      # ((cash + q1*c1) + q2*c2)...
        for symbol in sorted(self.positions):
            pos = self.positions[symbol]
            equity = equity + pos.qty * pos.series.close[last_idx[symbol]]
        self.result.equity.append((day, equity, self.cash,
                                   len(self.positions)))
        return equity

    def decide(self, day, today, equity):
        p = self.p
        scores = scan(today, p)
        candidates = []
        for s, i in today:
            score = scores.get(s.symbol)
            if score is None or not score >= p.threshold:
                continue
            if not (p.rsi_min <= s.rsi[i] <= p.rsi_max):
                continue
            if p.trend_filter and not s.close[i] > s.sma[i]:
                continue
            if s.symbol in self.positions or \
                    any(o.series is s for o in self.orders):
                continue
            candidates.append((s, i, score))
        candidates.sort(key=lambda c: (-c[2], c[0].symbol))
        slots = len(self.positions) + len(self.orders)
        for s, i, score in candidates:
            if slots >= p.max_positions:
                break
            close = s.close[i]
            stop = p.stop_loss[s.asset_class]
            q = (equity * p.risk_per_trade) / (close * stop)
            cap = (p.max_position_pct * equity) / close
            q = min(q, cap)
            if s.asset_class == "stock":
                amount = math.floor(q)
            else:
                amount = math.floor(q / p.crypto_lot)
            if amount <= 0:
                continue                        # takes no slot
            self.orders.append(Order(s, day, score, i + 1 + p.entry_delay,
                                     amount))
            self.result.counts["orders"] += 1
            slots += 1

    # -- the run

    def calendar(self):
        days = set()
        for s in self.series:
            for d in s.date:
                if self.date_from is not None and d < self.date_from:
                    continue
                if self.date_to is not None and d > self.date_to:
                    continue
                days.add(d)
        return sorted(days)

    def periods_per_year(self, cal):
        classes = {s.asset_class for s in self.series}
        if "crypto" not in classes:
            return 252
        if classes == {"crypto"}:
            return 365
        if len(cal) < 2:
            return None
        return len(cal) / ((cal[-1] - cal[0]) / 365.25)

    def run(self):
        p = self.p
        for s in self.series:
            compute_indicators(s, p)
        cal = self.calendar()
        if not cal:
            raise RefError("no bars of a traded symbol in the window")
        A = self.periods_per_year(cal)
        self.result.periods_per_year = A
        bars_on = {}
        for s in self.series:                   # symbol-name order
            for i, d in enumerate(s.date):
                bars_on.setdefault(d, []).append((s, i))
        last_idx = {}
        for k, day in enumerate(cal):
            today = bars_on[day]
            for s, i in today:
                last_idx[s.symbol] = i
            final = k == len(cal) - 1
            self.exits_at_open(day, today)                      # (a)
            self.fill_entries(day, today)                       # (b)
            self.exits_intraday(day, today)                     # (c)
            self.close_bars(today)                              # (d)
            if k > 0 and p.cash_rate != 0:
                self.cash = self.cash * (1 + p.cash_rate / A)
            if final:           # after the day's interest (methods.md)
                self.orders = []
                for symbol in sorted(self.positions):
                    pos = self.positions[symbol]
                    i = last_idx[symbol]
                    self.sell(pos, day, i, pos.series.close[i],
                              "end_of_period")
            equity = self.mark(day, last_idx)
            if not final:
                self.decide(day, today, equity)
        self.result.metrics = compute_metrics(self.result, p)
        return self.result


def run_backtest(series, params, date_from=None, date_to=None):
    """Run the strategy over `series` (a list of Series) and return a
    Result. Dates are day numbers or 'YYYY-MM-DD' strings."""
    if isinstance(date_from, str):
        date_from = parse_date(date_from)
    if isinstance(date_to, str):
        date_to = parse_date(date_to)
    return Backtest(series, params, date_from, date_to).run()


# ---- Metrics (docs/methods.md, "Metrics") ---------------------------------

def mean(xs):
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs)


def std(xs):
    """Sample standard deviation (ddof = 1); None with fewer than two."""
    if len(xs) < 2:
        return None
    m = mean(xs)
    total = 0.0
    for x in xs:
        total += (x - m) * (x - m)
    return math.sqrt(total / (len(xs) - 1))


def compute_metrics(result, p):
    eq = [row[1] for row in result.equity]
    days = [row[0] for row in result.equity]
    A = result.periods_per_year
    m = dict.fromkeys(METRIC_NAMES)
    m["periods_per_year"] = A
    first, last = eq[0], eq[-1]
    m["total_return"] = last / first - 1
    years = (days[-1] - days[0]) / 365.25
    if last / first <= 0:                       # everything lost
        m["cagr"] = -1.0
    elif years > 0:
        m["cagr"] = (last / first) ** (1 / years) - 1
    r = [eq[k] / eq[k - 1] - 1 for k in range(1, len(eq))]
    sd = std(r)
    if sd is not None and A is not None:
        m["annual_volatility"] = sd * math.sqrt(A)
        if sd > 0:
            m["sharpe"] = mean([x - p.risk_free / A for x in r]) / sd \
                * math.sqrt(A)
    if r and A is not None:
        downside = math.sqrt(mean([min(x, 0.0) ** 2 for x in r]))
        if downside > 0:
            m["sortino"] = mean(r) * A / (downside * math.sqrt(A))

    peak = eq[0]
    max_dd, trough, peak_at_trough = 0.0, None, None
    max_loss = 0.0
    run = longest = 0
    squares = []
    for k, e in enumerate(eq):
        peak = max(peak, e)
        dd = 1 - e / peak
        if dd > max_dd:
            max_dd, trough, peak_at_trough = dd, k, peak
        max_loss = max(max_loss, peak - e)
        run = run + 1 if e < peak else 0
        longest = max(longest, run)
        squares.append((100 * dd) ** 2)
    m["max_drawdown"] = max_dd
    m["max_drawdown_duration"] = longest
    if trough is not None:
        for k in range(trough + 1, len(eq)):
            if eq[k] >= peak_at_trough:
                m["max_drawdown_recovery"] = k - trough
                break
    if max_dd > 0 and m["cagr"] is not None:
        m["calmar"] = m["cagr"] / max_dd
    m["ulcer_index"] = math.sqrt(mean(squares))
    if max_loss > 0:
        m["recovery_factor"] = (last - first) / max_loss

    trades = result.trades
    n = len(trades)
    m["num_trades"] = n
    if n:
        pnl = [t["pnl"] for t in trades]
        wins = [x for x in pnl if x > 0]
        losses = [x for x in pnl if x < 0]
        m["win_rate"] = len(wins) / n
        if losses:
            m["profit_factor"] = sum(wins) / -sum(losses)
            m["avg_loss"] = mean(losses)
        if wins:
            m["avg_win"] = mean(wins)
        m["expectancy"] = mean(pnl)
        r_mult = [t["r_multiple"] for t in trades]
        sd_r = std(r_mult)
        if sd_r:
            m["sqn"] = math.sqrt(n) * mean(r_mult) / sd_r
        m["avg_bars_held"] = mean([t["bars_held"] for t in trades])
    m["exposure"] = sum(1 for row in result.equity if row[3] > 0) / len(eq)
    for k, v in m.items():
        if isinstance(v, float) and not math.isfinite(v):
            m[k] = None
    return m


# ---- Output ---------------------------------------------------------------

def write_result(result, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "trades.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(TRADE_COLUMNS)
        for t in result.trades:
            w.writerow([t["symbol"], t["asset_class"],
                        format_date(t["entry_date"]), fmt(t["entry_price"]),
                        format_date(t["exit_date"]), fmt(t["exit_price"]),
                        fmt(t["quantity"]), t["exit_type"], fmt(t["pnl"]),
                        fmt(t["return_pct"]), t["bars_held"]])
    with open(os.path.join(out_dir, "equity.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "equity", "cash", "positions"])
        for day, equity, cash, n in result.equity:
            w.writerow([format_date(day), fmt(equity), fmt(cash), n])
    with open(os.path.join(out_dir, "metrics.json"), "w") as f:
        json.dump(result.metrics, f, indent=2)
        f.write("\n")
    with open(os.path.join(out_dir, "ref_counts.json"), "w") as f:
        json.dump(result.counts, f, indent=2)
        f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="momo_ref.py",
        description="Reference implementation of the momo strategy.")
    ap.add_argument("--data", required=True, help="directory of CSV files")
    ap.add_argument("--params", required=True, help="flat JSON parameters")
    ap.add_argument("--universe", help="universe file (default "
                    "DIR/universe.csv)")
    ap.add_argument("--symbols", help="comma-separated traded symbols")
    ap.add_argument("--from", dest="date_from", help="first date")
    ap.add_argument("--to", dest="date_to", help="last date")
    ap.add_argument("--out", required=True, help="output directory")
    a = ap.parse_args(argv)
    try:
        params = load_params(a.params)
        symbols = None
        if a.symbols is not None:
            symbols = [x.strip() for x in a.symbols.split(",") if x.strip()]
        dates = []
        for opt, text in (("--from", a.date_from), ("--to", a.date_to)):
            try:
                dates.append(parse_date(text) if text else None)
            except ValueError:
                raise RefError("%s: not a date '%s'" % (opt, text))
        series = load_market(a.data, a.universe, symbols)
        result = run_backtest(series, params, dates[0], dates[1])
        write_result(result, a.out)
    except RefError as e:
        print("momo_ref: error: %s" % e, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# backtest.sh - `momo backtest` from the command line: help, bad input
# with its exit code and message, the output files and their columns,
# --json, --symbols and windows, and the golden run on the shared S&P 500
# data (skipped without it).
#
# Env: MOMO (the binary), MOMO_TEST_TMP, MOMO_SHARED_DATA, MOMO_FIXTURES.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=backtest
. "$(dirname "$0")/lib/common.sh"

"$MOMO" data synth --seed 3 --stocks 40 --crypto 4 --years 6 \
    --out "$tmp/m.momo" >/dev/null 2>&1 || fail "synth failed"
d="--data $tmp/m.momo"

# help and bad input
expect 0 "usage: momo backtest" backtest --help
expect 0 "--symbols A,B,..." backtest -h
expect 2 "unknown option '--frm'" backtest $d --frm 2010-01-01
expect 2 "'2010-13-01' is not a date" backtest $d --from 2010-13-01
expect 4 "/nonexistent.momo: cannot open" backtest --data /nonexistent.momo
expect 3 "not a valid momo dataset" backtest --data "$MOMO_FIXTURES/../cli/backtest.sh" 2>/dev/null
expect 3 "unknown parameter 'signals.entry.rsi_mn' (did you mean 'signals.entry.rsi_min'?)" \
    backtest $d --set signals.entry.rsi_mn=40
expect 3 "signals.entry.rsi_min: 120 is above the maximum 100" \
    backtest $d --set signals.entry.rsi_min=120
expect 3 "must be below" backtest $d --set signals.entry.rsi_min=80
expect 3 "--symbols: 'NOPE' is not in the dataset" backtest $d --symbols NOPE
expect 3 "--from is after --to" backtest $d --from 2009-01-01 --to 2008-01-01
expect 3 "holds no trading day" backtest $d --from 2040-01-01
[ -e output/backtest ] && [ ! -d output/backtest ] && fail "stray output"

# a run writes the three files with the documented columns
expect 0 "written to" backtest $d --out "$tmp/bt"
head -1 "$tmp/bt/trades.csv" | grep -q '^symbol,asset_class,entry_date,entry_price,exit_date,exit_price,quantity,exit_type,pnl,return_pct,bars_held' ||
    fail "trades.csv header: $(head -1 "$tmp/bt/trades.csv")"
[ "$(head -1 "$tmp/bt/equity.csv")" = "date,equity,cash,positions" ] ||
    fail "equity.csv header"
[ "$(wc -l <"$tmp/bt/trades.csv")" -gt 20 ] || fail "too few trades"
for k in total_return cagr annual_volatility sharpe sortino max_drawdown \
         max_drawdown_duration calmar ulcer_index recovery_factor win_rate \
         profit_factor avg_win avg_loss expectancy num_trades sqn exposure \
         avg_bars_held periods_per_year; do
    grep -q "\"$k\":" "$tmp/bt/metrics.json" || fail "metrics.json lacks $k"
done
# --json prints the same metrics
"$MOMO" backtest $d --out "$tmp/bt2" --json >"$tmp/json" 2>/dev/null ||
    fail "--json run failed"
cmp -s "$tmp/json" "$tmp/bt/metrics.json" || fail "--json differs from metrics.json"
# the same run again gives the same bytes
cmp -s "$tmp/bt/trades.csv" "$tmp/bt2/trades.csv" || fail "runs differ"
# a window: equity starts at the first date >= from
"$MOMO" backtest $d --from 2008-03-01 --to 2009-06-30 --out "$tmp/w" \
    >/dev/null 2>&1 || fail "window run failed"
[ "$(sed -n 2p "$tmp/w/equity.csv" | cut -d, -f1)" = "2008-03-01" ] ||
    fail "window start: $(sed -n 2p "$tmp/w/equity.csv")"
[ "$(tail -1 "$tmp/w/equity.csv" | cut -d, -f1)" = "2009-06-30" ] ||
    fail "window end: $(tail -1 "$tmp/w/equity.csv")"
# --symbols: only those symbols trade
syms=$(cut -d, -f1 "$tmp/bt/trades.csv" | sed 1d | sort -u | head -3 |
       tr '\n' ',' | sed 's/,$//')
"$MOMO" backtest $d --symbols "$syms" --out "$tmp/s" >/dev/null 2>&1 ||
    fail "--symbols run failed"
extra=$(cut -d, -f1 "$tmp/s/trades.csv" | sed 1d | sort -u |
        grep -vxF "$(echo "$syms" | tr ',' '\n')" | head -1)
[ -z "$extra" ] || fail "--symbols $syms traded $extra"
# an output directory that cannot be created
expect 4 "cannot create" backtest $d --out /proc/momo-cannot-write

# the golden run on the shared S&P 500 data
if [ -d "${MOMO_SHARED_DATA:-/nonexistent}/sp500/daily" ]; then
    "$MOMO" data import --universe "$MOMO_SHARED_DATA/sp500/constituents.csv" \
        --out "$tmp/sp.momo" "$MOMO_SHARED_DATA/sp500/daily" >/dev/null 2>&1 ||
        fail "import of the shared data failed"
    "$MOMO" backtest --data "$tmp/sp.momo" --out "$tmp/sp" --json \
        >"$tmp/sp.json" 2>/dev/null || fail "shared-data backtest failed"
    golden="$MOMO_FIXTURES/golden/sp500_default.json"
    for k in num_trades final_equity sharpe; do
        want=$(grep "\"$k\"" "$golden" | sed 's/.*: *//; s/,$//')
        got=$(grep "\"$k\"" "$tmp/sp.json" | sed 's/.*: *//; s/,$//')
        [ "$want" = "$got" ] || fail "golden $k: got $got, expected $want"
    done
    "$MOMO" data info --json "$tmp/sp.momo" 2>/dev/null |
        grep -q "$(grep dataset_checksum "$golden" | sed 's/.*: *"//; s/".*//')" ||
        fail "the shared data's checksum changed: the golden file may be stale"
else
    echo "shared data absent: golden run skipped"
fi

finish

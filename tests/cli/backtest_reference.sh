#!/bin/sh
# backtest_reference.sh - momo's backtest against the independent reference
# implementation (tests/reference/momo_ref.py), trade by trade.
#
# A synthetic market is built and exported to CSV; for each configuration
# below, `momo backtest` and the reference run on the same data with the
# same parameters (`momo config show --json`), and compare.py checks that
# trades, equity rows and metrics agree. Every exit type must occur in
# some configuration and every configuration must trade, so the test
# cannot pass vacuously. With the shared data, ~60 S&P 500 stocks are
# compared over 2003-2012 as well.
#
# Env: MOMO (the binary), MOMO_SOURCE_DIR, MOMO_TEST_TMP, MOMO_SHARED_DATA.
# Exit 77 (skipped) without python3.
set -eu

if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: skipped"
    exit 77
fi
: "${MOMO:?MOMO must name the momo binary}"
: "${MOMO_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${MOMO_TEST_TMP:=${TMPDIR:-/tmp}}"
REF="$MOMO_SOURCE_DIR/tests/reference"
mkdir -p "$MOMO_TEST_TMP"
work=$(mktemp -d "$MOMO_TEST_TMP/backtest_reference.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
failed=0

fail()
{
    echo "FAIL: $*"
    failed=1
}

# compare NAME DATASET CSVDIR [OPTIONS...]: run both on the same data.
# OPTIONS are momo backtest options; --set goes into the parameters, the
# others (--symbols, --from, --to) go to both programs.
compare()
{
    name=$1 dataset=$2 csvdir=$3
    shift 3
    set -f                  # the options are split below, never globbed
    sets="" win=""
    while [ $# -gt 0 ]; do
        case $1 in
        --set) sets="$sets --set $2" ;;
        *) win="$win $1 $2" ;;
        esac
        shift 2
    done
    # shellcheck disable=SC2086 # word splitting of the options is wanted
    if ! "$MOMO" config show --json $sets >"$name.params.json"; then
        fail "$name: momo config show --json failed"
        set +f
        return
    fi
    # shellcheck disable=SC2086
    if ! "$MOMO" backtest --data "$dataset" --out "bt-$name" $sets $win \
            >"$name.momo.log" 2>&1; then
        cat "$name.momo.log"
        fail "$name: momo backtest failed"
        set +f
        return
    fi
    # shellcheck disable=SC2086
    if ! python3 "$REF/momo_ref.py" --data "$csvdir" \
            --params "$name.params.json" --out "ref-$name" $win; then
        fail "$name: the reference failed"
        set +f
        return
    fi
    if ! python3 "$REF/compare.py" "bt-$name" "ref-$name" --label "$name" \
            --tally tally.txt; then
        fail "$name: momo and the reference differ"
    fi
    set +f
}

# expect NAME COUNTER: the reference counted at least one such event in
# configuration NAME, so that configuration exercised its rule.
expect()
{
    n=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "ref-$1/ref_counts.json" "$2" 2>/dev/null) || n=0
    [ "$n" -gt 0 ] || fail "$1: no entry fill was affected ($2 = $n)"
}

#---- The synthetic market ----

"$MOMO" data synth --seed 7 --out synth.momo
"$MOMO" data export --out csv synth.momo

# Symbols by class and a window in the middle of the calendar.
eval "$(python3 - csv <<'EOF'
import csv, os, sys
d = sys.argv[1]
cls = {}
with open(os.path.join(d, "universe.csv")) as f:
    for row in csv.DictReader(f):
        cls[row["symbol"]] = row["asset_class"] or "stock"
syms = sorted(n[:-4] for n in os.listdir(d)
              if n.endswith(".csv") and n != "universe.csv")
stocks = [s for s in syms if cls.get(s, "stock") == "stock"]
crypto = [s for s in syms if cls.get(s) == "crypto"]
dates = set()
for s in stocks + crypto:
    with open(os.path.join(d, s + ".csv")) as f:
        dates.update(r["Date"] for r in csv.DictReader(f))
dates = sorted(dates)
n = len(dates)
print("STOCKS=%s" % ",".join(stocks))
print("CRYPTO=%s" % ",".join(crypto))
print("WIN_FROM=%s WIN_TO=%s" % (dates[n // 3], dates[2 * n // 3]))
EOF
)"
[ -n "$STOCKS" ] || fail "the synthetic market has no stocks"
[ -n "$CRYPTO" ] || fail "the synthetic market has no crypto"

compare defaults synth.momo csv
compare window synth.momo csv --from "$WIN_FROM" --to "$WIN_TO"
compare tight synth.momo csv \
    --set signals.exit.stop_loss_stock=0.03 \
    --set signals.exit.profit_target_stock=0.04 \
    --set signals.exit.stop_loss_crypto=0.04 \
    --set signals.exit.profit_target_crypto=0.05 \
    --set signals.exit.trailing_stop_distance=0.025
compare time_exits synth.momo csv --set signals.exit.max_holding_days=3
compare entry_delay synth.momo csv --set execution.entry_delay_bars=1
compare fill_ratio synth.momo csv --set execution.fill_ratio=0.5
compare participation synth.momo csv \
    --set execution.max_volume_participation=0.0005
compare commission_min synth.momo csv --set execution.commission_min=10
compare cash_cut synth.momo csv --set risk.risk_per_trade=0.05 \
    --set risk.max_position_pct=0.6 --set risk.max_positions=4
compare loose synth.momo csv --set signals.entry.trend_filter=false \
    --set scanner.momentum_threshold=50 --set risk.max_positions=20 \
    --set signals.entry.rsi_min=30 --set signals.entry.rsi_max=90 \
    --set indicators.rsi_period=5 --set indicators.sma_fast=10 \
    --set indicators.adv_period=5 --set 'scanner.roc_periods=[5,10,20,40]' \
    --set 'scanner.weights=[0.4,0.3,0.2,0.1]'
compare costs synth.momo csv --set execution.crypto_lot=0.5 \
    --set execution.fee_bps_crypto=50 --set execution.slippage_bps_stock=40 \
    --set execution.slippage_bps_crypto=80 \
    --set execution.commission_per_share=0.05 --set risk.max_position_pct=0.05
compare crypto_only synth.momo csv --symbols "$CRYPTO"
compare stocks_only synth.momo csv --symbols "$STOCKS"
compare cash_rate synth.momo csv --set portfolio.cash_rate=0.03

expect fill_ratio cut_fill_ratio
expect participation cut_participation
expect cash_cut cut_cash

for kind in stop_loss trailing_stop profit_target time_exit end_of_period
do
    grep -qx "$kind" tally.txt 2>/dev/null ||
        fail "no configuration produced a '$kind' exit"
done

#---- S&P 500 stocks from the shared data, 2003-2012 ----

sp="${MOMO_SHARED_DATA:-}/sp500/daily"
if [ -n "${MOMO_SHARED_DATA:-}" ] && [ -d "$sp" ]; then
    mkdir sp500
    # 60 symbols spread over the alphabet (BF.B is not a CSV), plus SPY
    i=0 n=0
    for f in "$sp"/*.csv.gz; do
        case ${f##*/} in BF.B.*) continue ;; esac
        i=$((i + 1))
        if [ $((i % 8)) -eq 1 ] && [ "$n" -lt 60 ]; then
            cp "$f" sp500/
            n=$((n + 1))
        fi
    done
    cp "$MOMO_SHARED_DATA/etf/SPY.csv.gz" sp500/
    "$MOMO" data import --out sp500.momo \
        --universe "$MOMO_SHARED_DATA/sp500/constituents.csv" \
        --universe "$MOMO_SHARED_DATA/universe_extra.csv" sp500/*.csv.gz
    "$MOMO" data export --out sp500-csv sp500.momo
    compare sp500 sp500.momo sp500-csv --from 2003-01-01 --to 2012-12-31
else
    echo "shared data absent: the S&P 500 comparison is skipped"
fi

if [ "$failed" -ne 0 ]; then
    echo "backtest_reference: FAILED"
    exit 1
fi
echo "backtest_reference: all configurations agree"

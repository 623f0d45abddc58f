#!/bin/sh
# regime.sh - `momo regime` from the command line: help, usage errors, an
# empty window, regimes.csv (header, rows from --from, known names),
# regime_performance.json adding up to the run, and the chart.
#
# Env: MOMO (the binary), MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=regime
. "$(dirname "$0")/lib/common.sh"
cd "$tmp" || exit 1

# a PNG file starts with \211PNG
is_png() {
    [ -s "$1" ] && [ "$(head -c 4 "$1" | tail -c 3)" = "PNG" ]
}

"$MOMO" data synth --stocks 30 --crypto 2 --years 4 --seed 3 \
    --out "$tmp/s.momo" >/dev/null 2>&1 || fail "cannot make a dataset"
ds="$tmp/s.momo"
fast="--set scanner.roc_periods=5,10,20,40"

# help and usage errors (exit 2)
expect 0 "usage: momo regime [--data DATASET]" regime --help
expect 0 "regimes.csv (date,regime,trend,high_vol,breadth)" regime -h
expect 0 "regime" --help
expect 2 "--seed: -4 must be >= 0" regime --data "$ds" --seed -4
expect 2 "--from: '2006-1-1x' is not a date" \
    regime --data "$ds" --from 2006-1-1x

# bad input (exit 3) and I/O (exit 4)
expect 3 "the window 2030-01-01..end holds no trading day" \
    regime --data "$ds" --from 2030-01-01
expect 4 "$tmp/missing.momo" regime --data "$tmp/missing.momo"

# a run
# shellcheck disable=SC2086
expect 0 "low_vol_trending" regime --data "$ds" $fast --from 2006-01-01 \
    --out "$tmp/g"
is_png "$tmp/g/regimes.png" || fail "regimes.png"
csv="$tmp/g/regimes.csv"
head -n 1 "$csv" | grep -qx "date,regime,trend,high_vol,breadth" ||
    fail "regimes.csv header: $(head -n 1 "$csv")"
sed -n 2p "$csv" | grep -q "^2006-01-0" ||
    fail "regimes.csv does not start at --from: $(sed -n 2p "$csv")"
names='high_vol_trending|low_vol_trending|high_vol_mean_reverting'
names="$names|low_vol_sideways|undefined"
bad=$(sed 1d "$csv" | cut -d, -f2 | sort -u | grep -cvE "^($names)\$")
[ "$bad" -eq 0 ] || fail "unknown regime names in regimes.csv"

if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/g/regime_performance.json" "$tmp/g/regimes.csv" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
rows = open(sys.argv[2]).read().splitlines()[1:]
assert d["days"] == len(rows), (d["days"], len(rows))
slots = d["regimes"]
assert sum(s["trades"] for s in slots.values()) == d["trades"]
assert sum(s["days"] for s in slots.values()) == d["days"]
for s in slots.values():
    for k in ("days", "trades", "win_rate", "avg_return", "sharpe"):
        assert k in s, k
PY
        fail "regime_performance.json"
fi
# shellcheck disable=SC2086
expect 0 '"regimes": {' regime --data "$ds" $fast --json --out "$tmp/h"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

#!/bin/sh
# benchmark.sh - `momo benchmark` from the command line: help, usage
# errors, a missing market or bond symbol, the table, the documented keys
# of benchmarks.json (the market against itself: beta 1, alpha 0) and the
# charts, on a small synthetic market.
#
# Env: MOMO (the binary), MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=benchmark
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
expect 0 "usage: momo benchmark [--data DATASET]" benchmark --help
expect 0 "--top-n N" benchmark -h
expect 0 "benchmark" --help
expect 2 "--top-n: -1 is out of range 1..10000" \
    benchmark --data "$ds" --top-n -1
expect 2 "option '--log' takes no value" benchmark --data "$ds" --log=yes
expect 2 "unknown option '--bonds'" benchmark --data "$ds" --bonds AGG

# bad input (exit 3) and I/O (exit 4)
# shellcheck disable=SC2086
expect 3 "market symbol 'QQQ' is not in the dataset" \
    benchmark --data "$ds" $fast --market QQQ --out "$tmp/q"
expect 3 "scanner.momentum_threshold" \
    benchmark --data "$ds" --set scanner.momentum_threshold=101
expect 4 "$tmp/missing.momo" benchmark --data "$tmp/missing.momo"
[ -e "$tmp/q" ] && fail "a failed run wrote its directory"

# a run: the table, files and charts
# shellcheck disable=SC2086
expect 0 "against SPY" benchmark --data "$ds" $fast --out "$tmp/b"
grep -qF "naive_momentum" "$tmp/out" || fail "no naive momentum row"
for f in benchmarks.json benchmarks.txt benchmark_equity.csv; do
    [ -s "$tmp/b/$f" ] || fail "no $f"
done
for f in equity drawdowns risk_return rolling_12m; do
    is_png "$tmp/b/benchmark_$f.png" || fail "benchmark_$f.png: no PNG"
done
csv=benchmark_equity.csv
head -n 1 "$tmp/b/$csv" | grep -qx \
    "date,strategy,market,equal_weight,sixty_forty,naive_momentum" ||
    fail "benchmark_equity.csv header: $(head -n 1 "$tmp/b/$csv")"

# the documented keys; the market against itself
if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/b/benchmarks.json" <<'PY' || fail "benchmarks.json keys"
import json, sys
d = json.load(open(sys.argv[1]))
keys = ("total_return", "cagr", "sharpe", "sortino", "max_drawdown",
        "correlation", "beta", "alpha", "information_ratio")
for b in ("strategy", "market", "equal_weight", "sixty_forty",
          "naive_momentum"):
    assert d[b]["available"], b
    for k in keys:
        assert k in d[b], (b, k)
assert abs(d["market"]["beta"] - 1) < 1e-9
assert abs(d["market"]["correlation"] - 1) < 1e-9
assert abs(d["market"]["alpha"]) < 1e-9
PY
else
    for k in '"strategy": {' '"sixty_forty": {' '"information_ratio": '; do
        grep -qF "$k" "$tmp/b/benchmarks.json" || fail "no $k"
    done
fi

# options: a missing bond leaves 60/40 out, --top-n and --log are taken
# shellcheck disable=SC2086
expect 0 "unavailable: bond symbol 'TLT' is not in the dataset" \
    benchmark --data "$ds" $fast --bond TLT --top-n 3 --log --out "$tmp/c"
grep -qF "top 3 by momentum score" "$tmp/out" || fail "--top-n not taken"
# shellcheck disable=SC2086
expect 0 '"available": false' benchmark --data "$ds" $fast --bond TLT \
    --json --out "$tmp/d"
# shellcheck disable=SC2086
expect 0 '"top_n": 8' benchmark --data "$ds" $fast --json --out "$tmp/e"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

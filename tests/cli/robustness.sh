#!/bin/sh
# robustness.sh - `momo robustness` from the command line: help, usage
# errors, a bad periods file named by file and line, custom periods (one
# outside the data, skipped), the documented keys of robustness.json,
# the chart, and identical JSON for 1 and 2 threads.
#
# Env: MOMO (the binary), MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=robustness
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
expect 0 "usage: momo robustness [--data DATASET]" robustness --help
expect 0 "--stress-uniform" robustness -h
expect 0 "robustness" --help
expect 2 "--stress-date: '2006-02-30' is not a date" \
    robustness --data "$ds" --stress-date 2006-02-30
expect 2 "--jobs: -2 is out of range 0..256" robustness --data "$ds" --jobs -2

# bad input (exit 3) and I/O (exit 4)
cat >"$tmp/bad.yaml" <<'YAML'
periods:
  - name: crash
    from: 2006-01-01
    to: 2006-13-01
YAML
expect 3 "bad.yaml:4: periods[0]: 'to': not a date (YYYY-MM-DD): '2006-13-01'" \
    robustness --data "$ds" --periods "$tmp/bad.yaml"
expect 4 "$tmp/none.yaml" robustness --data "$ds" --periods "$tmp/none.yaml"
expect 4 "$tmp/missing.momo" robustness --data "$tmp/missing.momo"

# a run with custom periods
cat >"$tmp/p.yaml" <<'YAML'
periods:
  - name: first_year
    from: 2005-01-01
    to: 2005-12-31
  - name: long_ago
    from: 1980-01-01
    to: 1981-01-01
YAML
# shellcheck disable=SC2086
expect 0 "robustness      score " robustness --data "$ds" $fast \
    --periods "$tmp/p.yaml" --out "$tmp/r"
grep -qF "periods.long_ago" "$tmp/out" || fail "no long_ago line"
grep -qE "periods.long_ago +skipped: outside the data" "$tmp/out" ||
    fail "long_ago not skipped: $(grep long_ago "$tmp/out")"
grep -qF "weaknesses" "$tmp/out" || fail "no weaknesses section"
[ -s "$tmp/r/robustness.json" ] || fail "no robustness.json"
[ -s "$tmp/r/robustness.txt" ] || fail "no robustness.txt"
is_png "$tmp/r/robustness_sharpe.png" || fail "robustness_sharpe.png"

if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/r/robustness.json" <<'PY' || fail "robustness.json keys"
import json, sys
d = json.load(open(sys.argv[1]))
assert 0 <= d["score"] <= 100, d["score"]
assert isinstance(d["weaknesses"], list)
names = [t["name"] for t in d["tests"]]
for n in ("periods.first_year", "universes.large_cap", "stress.flash_crash",
          "assumptions.slippage_x2", "assumptions.fills_50"):
    assert n in names, n
for t in d["tests"]:
    assert "metrics" in t and "change" in t and "name" in t
    if not t["skipped"]:
        assert "sharpe" in t["change"] and "sharpe" in t["metrics"]
PY
else
    for k in '"score": ' '"weaknesses": [' '"name": "stress.flash_crash"'; do
        grep -qF "$k" "$tmp/r/robustness.json" || fail "no $k"
    done
fi

# 1 and 2 threads: the same JSON
for j in 1 2; do
    # shellcheck disable=SC2086
    "$MOMO" robustness --data "$ds" $fast --periods "$tmp/p.yaml" \
        --stress-date 2007-03-01 --stress-uniform --jobs $j --json \
        --out "$tmp/j$j" >"$tmp/j$j.json" 2>/dev/null || fail "--jobs $j"
done
cmp -s "$tmp/j1.json" "$tmp/j2.json" || fail "1 and 2 threads differ"
grep -qF '"stress_date": "2007-03-01"' "$tmp/j1.json" ||
    fail "--stress-date not taken"
grep -qF '"stress_scaling": "uniform"' "$tmp/j1.json" ||
    fail "--stress-uniform not taken"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

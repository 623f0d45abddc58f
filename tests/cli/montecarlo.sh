#!/bin/sh
# montecarlo.sh - `momo montecarlo` from the command line: help, usage
# errors naming the option, bad input and I/O exit codes, every method
# on a small synthetic market, the documented keys of montecarlo.json,
# the charts, and identical JSON for 1, 2 and 4 threads.
#
# Env: MOMO (the binary), MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=montecarlo
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
expect 0 "usage: momo montecarlo [--data DATASET]" montecarlo --help
expect 0 "--noise-bps F" montecarlo -h
expect 0 "montecarlo" --help
expect 2 "--method: 'walk' is not one of shuffle, resample, block, noise" \
    montecarlo --data "$ds" --method walk
expect 2 "--sims: 5 is out of range 100..1000000" \
    montecarlo --data "$ds" --sims 5
expect 2 "--sims: 'lots' is not an integer" montecarlo --data "$ds" --sims lots
expect 2 "--ruin-drawdown: 1.5 is out of range (0, 1]" \
    montecarlo --data "$ds" --ruin-drawdown 1.5
expect 2 "--block-length: 0 is out of range 1..100000" \
    montecarlo --data "$ds" --block-length 0
expect 2 "--noise-bps: -1 is out of range (0, 1000]" \
    montecarlo --data "$ds" --noise-bps -1
expect 2 "--jobs: 999 is out of range 0..256" \
    montecarlo --data "$ds" --jobs 999
expect 2 "unknown option '--simulations'" \
    montecarlo --data "$ds" --simulations 10
expect 2 "unexpected argument 'extra'" montecarlo --data "$ds" extra

# bad input (exit 3) and I/O (exit 4)
expect 3 "risk.max_positions" \
    montecarlo --data "$ds" --set risk.max_positions=0
expect 3 "--from is after --to" \
    montecarlo --data "$ds" --from 2007-01-01 --to 2006-01-01
expect 4 "$tmp/missing.momo" montecarlo --data "$tmp/missing.momo"
[ -e output/montecarlo ] && fail "a refused command wrote output/"

# a run: summary, files and charts
# shellcheck disable=SC2086
expect 0 "95% of paths end between" montecarlo --data "$ds" $fast \
    --sims 500 --out "$tmp/mc"
for f in montecarlo.json montecarlo.txt; do
    [ -s "$tmp/mc/$f" ] || fail "no $f"
done
for f in fan final_return max_drawdown; do
    is_png "$tmp/mc/montecarlo_$f.png" || fail "montecarlo_$f.png: no PNG"
done

# the documented keys
if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/mc/montecarlo.json" <<'PY' || fail "montecarlo.json keys"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "shuffle" and d["sims"] == 500, d
for k in ("final_return", "cagr", "max_drawdown", "sharpe"):
    for p in ("p5", "p25", "p50", "p75", "p95"):
        assert p in d[k], (k, p)
    assert d[k]["p5"] <= d[k]["p95"], k
for k in ("prob_loss", "risk_of_ruin"):
    assert 0 <= d[k] <= 1, k
PY
else
    for k in '"final_return": {"p5": ' '"cagr": {"p5": ' '"prob_loss": ' \
        '"risk_of_ruin": ' '"method": "shuffle"' '"sims": 500'; do
        grep -qF "$k" "$tmp/mc/montecarlo.json" || fail "no $k"
    done
fi

# every method runs
for m in resample block; do
    # shellcheck disable=SC2086
    expect 0 "Monte Carlo     $m" montecarlo --data "$ds" $fast --method $m \
        --sims 200 --out "$tmp/mc_$m"
done
# shellcheck disable=SC2086
expect 0 "fills +-25 bps" montecarlo --data "$ds" $fast --method noise \
    --noise-bps 25 --sims 100 --out "$tmp/mc_noise"
# shellcheck disable=SC2086
expect 0 '"method": "block"' montecarlo --data "$ds" $fast --method block \
    --block-length 5 --sims 200 --json --out "$tmp/mc_b"
grep -qF '"block_length": 5' "$tmp/out" || fail "block length not in JSON"

# 1, 2 and 4 threads give the same JSON; another seed does not
for j in 1 2 4; do
    # shellcheck disable=SC2086
    "$MOMO" montecarlo --data "$ds" $fast --method resample --sims 400 \
        --seed 9 --jobs $j --json --out "$tmp/j$j" >"$tmp/j$j.json" \
        2>/dev/null || fail "--jobs $j failed"
done
cmp -s "$tmp/j1.json" "$tmp/j2.json" || fail "1 and 2 threads differ"
cmp -s "$tmp/j1.json" "$tmp/j4.json" || fail "1 and 4 threads differ"
# shellcheck disable=SC2086
"$MOMO" montecarlo --data "$ds" $fast --method resample --sims 400 \
    --seed 10 --json --out "$tmp/j10" >"$tmp/j10.json" 2>/dev/null
cmp -s "$tmp/j1.json" "$tmp/j10.json" && fail "seeds 9 and 10 agree"

# an unwritable destination is an I/O error
: >"$tmp/file"
# shellcheck disable=SC2086
expect 4 "$tmp/file" montecarlo --data "$ds" $fast --sims 100 \
    --out "$tmp/file/sub"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

#!/bin/sh
# optimize.sh - `momo optimize` from the command line: help, usage and
# input errors (with file:line for space files), then a small grid, a
# random search, a walk-forward and sizing on a synthetic market: every
# file written, a re-run served from the cache with identical results.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=optimize
. "$(dirname "$0")/lib/common.sh"

# --help: usage and every option
run 0 optimize --help
contains "$tmp/out" "usage: momo optimize grid|random|walk-forward|sizing"
for opt in --data --space --config --set --metric --from --to \
           --validate-from --validate-to --jobs --iterations --splits \
           --train-frac --anchored --seed --top --min-trades --max-dd \
           --min-win-rate --max-drawdown --out --json; do
    contains "$tmp/out" "$opt"
done

# usage errors: exit 2
run 2 optimize
contains "$tmp/err" "missing argument"
run 2 optimize sideways --data x
contains "$tmp/err" "unknown mode 'sideways'"
run 2 optimize grid --bogus
contains "$tmp/err" "unknown option '--bogus'"
run 2 optimize random --iterations 0 --data x
contains "$tmp/err" "--iterations"

# a market to search
"$MOMO" data synth --out "$tmp/m.momo" --stocks 30 --crypto 2 --years 4 \
    --seed 4 >/dev/null || fail "data synth failed"
cat >"$tmp/grid.yaml" <<'YAML'
grid:
  scanner.momentum_threshold: [50, 70]
  signals:
    entry:
      rsi_min: [40, 75]
      rsi_max: [75, 85]
  signals.exit.max_holding_days: [10, 20]
YAML

# input errors: exit 3, naming file and line
run 3 optimize grid --data "$tmp/m.momo"
contains "$tmp/err" "--space FILE"
printf 'grid:\n  scanner.momentum_threshold: [60]\n%s\n' \
    '  signals.entry.rsi_mni: [1]' >"$tmp/typo.yaml"
run 3 optimize grid --data "$tmp/m.momo" --space "$tmp/typo.yaml"
contains "$tmp/err" "typo.yaml:3: unknown parameter 'signals.entry.rsi_mni'"
contains "$tmp/err" "did you mean 'signals.entry.rsi_min'"
printf 'grid:\n  risk.max_positions: [4, 0]\n' >"$tmp/bound.yaml"
run 3 optimize grid --data "$tmp/m.momo" --space "$tmp/bound.yaml"
contains "$tmp/err" "bound.yaml:2: risk.max_positions"
run 3 optimize grid --data "$tmp/m.momo" --space "$tmp/grid.yaml" \
    --metric sharp
contains "$tmp/err" "unknown metric 'sharp'"
run 4 optimize grid --data "$tmp/m.momo" --space "$tmp/none.yaml"
contains "$tmp/err" "none.yaml"
run 4 optimize grid --data "$tmp/nothing.momo" --space "$tmp/grid.yaml"
contains "$tmp/err" "nothing.momo"

# a grid of 16, 4 of them invalid (rsi_min 75 = rsi_max 75)
out="$tmp/grid"
run 0 optimize grid --data "$tmp/m.momo" --space "$tmp/grid.yaml" \
    --to 2007-12-31 --validate-from 2008-01-01 --out "$out" --jobs 2 \
    --min-trades 5 --max-dd 0.9 --min-win-rate 0.1
contains "$tmp/out" "16 tested, 4 failed, 0 cached"
contains "$tmp/err" "runs planned"
for f in results.csv results.sqlite top.json sensitivity.json \
         overfitting.json equity_top.csv summary.json; do
    [ -s "$out/$f" ] || fail "$f missing"
done
header="scanner.momentum_threshold,signals.entry.rsi_min"
header="$header,signals.entry.rsi_max,signals.exit.max_holding_days"
header="$header,total_return,cagr,"
case "$(head -1 "$out/results.csv")" in
    "$header"*",num_days,status") ;;
    *) fail "results.csv header: $(head -1 "$out/results.csv")" ;;
esac
[ "$(wc -l <"$out/results.csv")" -eq 17 ] || fail "results.csv rows"
[ "$(grep -c ',ok$' "$out/results.csv")" -eq 12 ] || fail "12 ok rows"
grep -q 'rsi_min (75) must be below' "$out/results.csv" ||
    fail "no reason in results.csv"
contains "$out/summary.json" '"mode": "grid"'
contains "$out/summary.json" '"tested": 16, "ok": 12, "failed": 4, "cached": 0'
contains "$out/summary.json" '"validation": {"from": "2008-01-01"'
contains "$out/overfitting.json" '"score": '
contains "$out/overfitting.json" '"pbo": '
contains "$out/overfitting.json" '"deflated_sharpe": '
contains "$out/top.json" '"rank": 1'
head -1 "$out/equity_top.csv" | grep -q '^date,rank_1' ||
    fail "equity_top.csv header"
n_trials=$(sqlite3 "$out/results.sqlite" \
    "select count(*) from trials where phase = 'search'" 2>/dev/null)
[ -z "$n_trials" ] || [ "$n_trials" -eq 16 ] || fail "trials table: $n_trials"

# the same command again: every run from the cache, the same files
cp "$out/results.csv" "$tmp/first.csv"
run 0 optimize grid --data "$tmp/m.momo" --space "$tmp/grid.yaml" \
    --to 2007-12-31 --validate-from 2008-01-01 --out "$out" --jobs 1 \
    --min-trades 5 --max-dd 0.9 --min-win-rate 0.1 --json
contains "$tmp/out" '"cached": 12'
cmp -s "$out/results.csv" "$tmp/first.csv" || fail "re-run changed results"

# random search, walk-forward and sizing
run 0 optimize random --data "$tmp/m.momo" \
    --space "$MOMO_SOURCE_DIR/examples/random_space.yaml" --iterations 12 \
    --seed 3 --out "$tmp/random" --json
contains "$tmp/out" '"mode": "random"'
contains "$tmp/out" '"seed": 3'
[ "$(wc -l <"$tmp/random/results.csv")" -eq 13 ] || fail "random rows"
run 0 optimize walk-forward --data "$tmp/m.momo" --space "$tmp/grid.yaml" \
    --splits 3 --out "$tmp/wf"
contains "$tmp/out" "efficiency"
[ "$(wc -l <"$tmp/wf/walk_forward.csv")" -eq 4 ] || fail "walk_forward.csv"
head -1 "$tmp/wf/walk_forward_equity.csv" | grep -q '^date,equity,split$' ||
    fail "walk_forward_equity.csv header"
contains "$tmp/wf/summary.json" '"mode": "walk-forward"'
run 0 optimize sizing --data "$tmp/m.momo" --out "$tmp/sz" \
    --max-drawdown 0.3
contains "$tmp/out" "risk/trade"
contains "$tmp/sz/sizing.json" '"frontier": ['
contains "$tmp/sz/sizing.json" '"recommended": '

finish

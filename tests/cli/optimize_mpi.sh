#!/bin/sh
# optimize_mpi.sh - `mpirun -np 2 momo optimize ...` splits the trials
# between two ranks and gathers them on rank 0: results.csv, top.json
# and the overfitting analysis are the same as one process's. Skipped
# (exit 77) without mpirun. Open MPI's own allocations show up as leaks
# under LeakSanitizer, so leak checking is off for the ranks.
set -u
: "${MOMO:?MOMO must name the momo binary}"
command -v mpirun >/dev/null 2>&1 || { echo "no mpirun: skipped"; exit 77; }
name=optimize_mpi
. "$(dirname "$0")/lib/common.sh"

"$MOMO" data synth --out "$tmp/m.momo" --stocks 30 --crypto 2 --years 5 \
    --seed 6 >/dev/null || { echo "data synth failed"; exit 1; }
cat >"$tmp/grid.yaml" <<'YAML'
grid:
  scanner.momentum_threshold: [50, 60, 70]
  signals.entry.rsi_min: [40, 50, 80]
  signals.entry.rsi_max: [70, 80]
  signals.exit.max_holding_days: [10, 20, 30]
YAML
args="--data $tmp/m.momo --space $tmp/grid.yaml --jobs 1 --min-trades 5"
args="$args --to 2008-12-31 --validate-from 2009-01-01"

"$MOMO" optimize grid $args --out "$tmp/one" >/dev/null 2>"$tmp/err1" ||
    fail "single process: $(cat "$tmp/err1")"
if ! ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
     mpirun --allow-run-as-root --oversubscribe -np 2 \
        -x ASAN_OPTIONS -x MOMO_NO_PROGRESS \
        "$MOMO" optimize grid $args --out "$tmp/two" \
        >"$tmp/out2" 2>"$tmp/err2"; then
    if grep -q "built without MPI" "$tmp/err2"; then
        echo "momo built without MPI: skipped"
        exit 77
    fi
    fail "mpirun -np 2: $(cat "$tmp/err2")"
fi
for f in results.csv top.json sensitivity.json equity_top.csv; do
    cmp -s "$tmp/one/$f" "$tmp/two/$f" || fail "$f differs under MPI"
done
# overfitting.json is the same analysis (scope and all)
cmp -s "$tmp/one/overfitting.json" "$tmp/two/overfitting.json" ||
    fail "overfitting.json differs under MPI"
# rank 0 alone printed
[ "$(grep -c '^combinations' "$tmp/out2")" -eq 1 ] ||
    fail "expected one summary: $(cat "$tmp/out2")"

# random search and walk-forward too
"$MOMO" optimize random $args --iterations 16 --out "$tmp/r1" \
    >/dev/null 2>&1 || fail "random, single process"
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
    mpirun --allow-run-as-root --oversubscribe -np 2 -x ASAN_OPTIONS \
    -x MOMO_NO_PROGRESS "$MOMO" optimize random $args --iterations 16 \
    --out "$tmp/r2" >/dev/null 2>&1 || fail "random under mpirun"
cmp -s "$tmp/r1/results.csv" "$tmp/r2/results.csv" ||
    fail "random results.csv differs under MPI"
"$MOMO" optimize walk-forward $args --splits 2 --out "$tmp/w1" \
    >/dev/null 2>&1 || fail "walk-forward, single process"
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
    mpirun --allow-run-as-root --oversubscribe -np 2 -x ASAN_OPTIONS \
    -x MOMO_NO_PROGRESS "$MOMO" optimize walk-forward $args --splits 2 \
    --out "$tmp/w2" >/dev/null 2>&1 || fail "walk-forward under mpirun"
cmp -s "$tmp/w1/walk_forward.csv" "$tmp/w2/walk_forward.csv" ||
    fail "walk_forward.csv differs under MPI"
cmp -s "$tmp/w1/walk_forward_equity.csv" "$tmp/w2/walk_forward_equity.csv" ||
    fail "walk_forward_equity.csv differs under MPI"

finish

#!/bin/sh
# optimize_kill.sh - a grid search killed with SIGKILL in the middle of
# its run resumes where it stopped: the same command finishes the work,
# reads what was saved from results.sqlite, and writes a results.csv
# identical to that of a run never interrupted. Then SIGINT: the command
# stops cleanly, exits 130 and says how to resume.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=optimize_kill
. "$(dirname "$0")/lib/common.sh"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

wal_size() {    # bytes in DIR/results.sqlite-wal, 0 before it exists
    if [ -f "$1/results.sqlite-wal" ]; then
        wc -c <"$1/results.sqlite-wal"
    else
        echo 0
    fi
}

"$MOMO" data synth --out "$tmp/m.momo" --stocks 60 --crypto 0 --years 10 \
    --seed 8 >/dev/null || { echo "data synth failed"; exit 1; }
# 6 x 5 x 5 x 4 x 4 = 2400 combinations: seconds of work
cat >"$tmp/grid.yaml" <<'YAML'
grid:
  scanner.momentum_threshold: [50, 55, 60, 65, 70, 75]
  signals.entry.rsi_min: [35, 40, 45, 50, 55]
  signals.entry.rsi_max: [65, 70, 75, 80, 85]
  signals.exit.max_holding_days: [10, 20, 30, 40]
  risk.max_positions: [4, 6, 8, 10]
YAML
args="grid --data $tmp/m.momo --space $tmp/grid.yaml --jobs 2"

# the reference: one uninterrupted run
"$MOMO" optimize $args --out "$tmp/ref" >/dev/null 2>&1 ||
    fail "the uninterrupted run failed"

# start, wait until results are being committed, kill -9
"$MOMO" optimize $args --out "$tmp/run" >/dev/null 2>"$tmp/err1" &
pid=$!
n=0
while [ "$n" -lt 1200 ]; do
    size=$(wal_size "$tmp/run")
    [ "$size" -gt 60000 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
    n=$((n + 1))
done
if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
else
    fail "the run ended before it could be killed (make the grid larger)"
fi
pid=
[ -s "$tmp/run/results.csv" ] && fail "a killed run wrote results.csv"
if command -v sqlite3 >/dev/null 2>&1; then
    saved=$(sqlite3 "$tmp/run/results.sqlite" "select count(*) from runs")
    [ "$saved" -gt 0 ] && [ "$saved" -lt 2400 ] ||
        fail "saved runs after the kill: $saved"
fi

# the same command again: resumes and ends with the same results
"$MOMO" optimize $args --out "$tmp/run" --json >"$tmp/out2" 2>"$tmp/err2" ||
    fail "the resumed run failed: $(cat "$tmp/err2")"
cmp -s "$tmp/ref/results.csv" "$tmp/run/results.csv" ||
    fail "results.csv differs after resuming"
cached=$(sed -n 's/.*"cached": \([0-9]*\).*/\1/p' "$tmp/out2" | head -1)
[ -n "$cached" ] && [ "$cached" -gt 0 ] && [ "$cached" -lt 2400 ] ||
    fail "the resumed run read $cached runs from the cache"
cmp -s "$tmp/ref/top.json" "$tmp/run/top.json" || fail "top.json differs"

# SIGINT: a clean stop, exit 130, a hint to resume
"$MOMO" optimize $args --out "$tmp/int" >/dev/null 2>"$tmp/err3" &
pid=$!
n=0
while [ "$n" -lt 1200 ]; do
    size=$(wal_size "$tmp/int")
    [ "$size" -gt 30000 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
    n=$((n + 1))
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 130 ] || fail "SIGINT: exit $rc, expected 130"
grep -q "run the same command to resume" "$tmp/err3" ||
    fail "SIGINT message: $(cat "$tmp/err3")"
"$MOMO" optimize $args --out "$tmp/int" >/dev/null 2>&1 ||
    fail "resuming after SIGINT failed"
cmp -s "$tmp/ref/results.csv" "$tmp/int/results.csv" ||
    fail "results.csv differs after SIGINT and resume"

finish

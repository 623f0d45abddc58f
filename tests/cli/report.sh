#!/bin/sh
# report.sh - `momo report` and `momo optimize ... --report` from the
# command line: help, bad folders (exit 3) and missing ones (exit 4),
# then a walk-forward on a small synthetic market with --report: every
# file written, the PDF readable, and recommended.yaml reproducing the
# reported metric with `momo backtest` on the same data and window.
set -u
: "${MOMO:?MOMO must name the momo binary}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
name=report
. "$(dirname "$0")/lib/common.sh"

# --help: usage and every option
run 0 report --help
contains "$tmp/out" "usage: momo report"
for opt in --out --surface --config --set --data --symbols --jobs; do
    contains "$tmp/out" "$opt"
done
run 0 --help
contains "$tmp/out" "report"
run 0 optimize --help
contains "$tmp/out" "--report"

# usage errors: exit 2
run 2 report
contains "$tmp/err" "missing argument"
run 2 report --bogus "$tmp"
contains "$tmp/err" "unknown option '--bogus'"
run 2 optimize sizing --report --data x
contains "$tmp/err" "sizing"

# a folder that is not an optimization's: exit 3; a missing one: exit 4
mkdir -p "$tmp/empty"
run 3 report "$tmp/empty"
contains "$tmp/err" "not an optimization folder"
contains "$tmp/err" "$tmp/empty"
run 4 report "$tmp/no_such_folder"
contains "$tmp/err" "no_such_folder"

# a walk-forward with its report
"$MOMO" data synth --out "$tmp/m.momo" --stocks 30 --crypto 2 --years 5 \
    --seed 5 >/dev/null || fail "data synth failed"
cat >"$tmp/space.yaml" <<'YAML'
space:
  scanner.momentum_threshold: {type: uniform, low: 55, high: 85}
  signals.entry.rsi_min: {type: integer, low: 40, high: 55}
  risk.max_positions: [4, 6, 8]
YAML
out="$tmp/wf"
run 0 optimize walk-forward --data "$tmp/m.momo" --space "$tmp/space.yaml" \
    --splits 3 --iterations 20 --out "$out" --jobs 2 \
    --set risk.max_position_pct=0.3 --report
contains "$tmp/out" "report          $out/optimization_report.pdf"
for f in optimization_report.pdf optimization_report.txt recommended.yaml \
         config.yaml equity_top5.png equity_top5.svg drawdowns_top5.png \
         drawdowns_top5.svg sensitivity.png sensitivity.svg \
         walk_forward.png walk_forward.svg; do
    [ -s "$out/$f" ] || fail "$f missing"
done
ls "$out"/heatmap_*.png >/dev/null 2>&1 || fail "no heatmap"
ls "$out"/surface_*.png >/dev/null 2>&1 || fail "no surface"
for h in "1. Summary" "2. Top 10 parameter sets" "3. Sensitivity" \
         "4. Overfitting" "5. Recommended configuration" \
         "6. Implementation notes"; do
    contains "$out/optimization_report.txt" "$h"
done
contains "$out/config.yaml" "max_position_pct: 0.3"
contains "$out/recommended.yaml" "max_position_pct: 0.3"
if command -v pdfinfo >/dev/null 2>&1; then
    pdfinfo "$out/optimization_report.pdf" >"$tmp/info" 2>&1 ||
        fail "pdfinfo: $(cat "$tmp/info")"
    contains "$tmp/info" "Title:           Optimization report"
fi

# recommended.yaml reproduces the reported metric: the command the report
# gives, with --json, prints the Sharpe ratio of section 5
cmd=$(grep -o 'momo backtest --config recommended.yaml[^"]*' \
      "$out/optimization_report.txt" | head -1)
[ -n "$cmd" ] || fail "no backtest command in the report"
from=$(echo "$cmd" | sed -n 's/.*--from \([0-9-]*\).*/\1/p')
to=$(echo "$cmd" | sed -n 's/.*--to \([0-9-]*\).*/\1/p')
run 0 backtest --config "$out/recommended.yaml" --data "$tmp/m.momo" \
    --from "$from" --to "$to" --json --out "$tmp/bt"
python3 - "$tmp/out" "$out/optimization_report.txt" <<'PY' || fail "metric"
import json, re, sys
m = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
got = re.search(r"sharpe (-?[0-9.]+) from", text)
want = "%.4f" % m["sharpe"]
if not got or got.group(1) != want:
    print("report says %s, backtest gives %s" %
          (got.group(1) if got else None, want))
    sys.exit(1)
PY

# the report alone, elsewhere, with a named pair; and a bad pair
run 0 report --out "$tmp/again" --surface rsi_min,max_positions "$out"
contains "$tmp/out" "$tmp/again/optimization_report.pdf"
[ -s "$tmp/again/surface_rsi_min__max_positions.png" ] ||
    fail "named surface missing"
run 3 report --out "$tmp/again" --surface rsi_min,nothing "$out"
contains "$tmp/err" "'nothing' is not a searched parameter"
# a dataset path that no longer opens: a clear message naming --data
mv "$tmp/m.momo" "$tmp/moved.momo"
run 3 report --out "$tmp/again" "$out"
contains "$tmp/err" "--data"
run 0 report --out "$tmp/again" --data "$tmp/moved.momo" "$out"

finish

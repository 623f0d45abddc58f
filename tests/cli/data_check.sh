#!/bin/sh
# data_check.sh - `momo data check`: help, usage errors, exit 0 on clean
# data and 1 when problems are found (on a dataset and on CSV files,
# with file:line), the cap per kind and --all, --json, errors; with the
# shared data, BF.B and ANTM's false split day.
#
# Env: MOMO (the binary), MOMO_FIXTURES, MOMO_TEST_TMP, MOMO_SHARED_DATA.
set -u
: "${MOMO:?MOMO must name the momo binary}"
: "${MOMO_FIXTURES:?MOMO_FIXTURES must name tests/fixtures}"
name=data_check
. "$(dirname "$0")/lib/common.sh"
csv="$MOMO_FIXTURES/csv"

expect 0 "usage: momo data check [--all] [--json] DATASET" data check --help
expect 2 "missing argument" data check
expect 2 "--jobs must be 0..256" data check --jobs -1 x

# clean data: two stocks on the same 30 weekdays
mkdir -p "$tmp/clean"
for s in A B; do
    {
        echo "Date,Open,High,Low,Close,Volume"
        i=0
        for m in 03 04; do
            for d in 02 03 06 07 08 09 10 13 14 15 16 17 20 21 22; do
                c=$((100 + i % 7))
                echo "2023-$m-$d,$c.2,$((c + 1)),$((c - 1)),$c.5,$((1000 + i))"
                i=$((i + 1))
            done
        done
    } >"$tmp/clean/$s.csv"
done
expect 0 "checked 2 symbols, 60 bars from 2 files: 0 problems" \
    data check "$tmp/clean"
"$MOMO" data import --out "$tmp/clean.momo" "$tmp/clean" >/dev/null 2>&1 ||
    fail "import of the clean files failed"
expect 0 "checked 2 symbols, 60 bars: 0 problems" data check "$tmp/clean.momo"

# problems: exit 1, raw-row findings with file:line
expect 1 "unparseable_file             1" data check "$csv/rules" "$csv/bad"
grep -qF "RULES      $csv/rules/RULES.csv:7  date 2020-01-08 repeats line 6" \
    "$tmp/out" || fail "no duplicate with file:line: $(cat "$tmp/out")"
grep -qF "malformed_row                4" "$tmp/out" ||
    fail "malformed rows not counted: $(cat "$tmp/out")"
grep -qF "$csv/bad/BAD.csv:1  header '{' is not a known format" "$tmp/out" ||
    fail "unparseable file not listed: $(cat "$tmp/out")"
"$MOMO" data import --out "$tmp/r.momo" "$csv/formats" >/dev/null 2>&1
expect 1 "jump" data check "$tmp/r.momo"

# at most 10 findings per kind unless --all
mkdir -p "$tmp/gaps"
{
    echo "Date,Open,High,Low,Close,Volume"
    for d in 01 03 05 07 09 11 13 15 17 19 21 23 25 27; do
        echo "2020-01-$d,10,11,9,10.$d,5"
    done
} >"$tmp/gaps/BTC.csv"
printf 'symbol,asset_class\nBTC,crypto\n' >"$tmp/u.csv"
expect 1 "... 3 more (--all shows them)" \
    data check --universe "$tmp/u.csv" "$tmp/gaps"
expect 1 "2020-01-26  1 bar missing (2020-01-26)" \
    data check --all --universe "$tmp/u.csv" "$tmp/gaps"
if command -v python3 >/dev/null 2>&1; then
    "$MOMO" data check --json --universe "$tmp/u.csv" "$tmp/gaps" >"$tmp/j"
    [ $? -eq 1 ] || fail "check --json: exit status not 1"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["counts"]["missing_bars"] == 13 and d["problems"] == 13, d
assert len(d["findings"]) == 13 and d["findings"][0]["date"] == "2020-01-02"
' "$tmp/j" || fail "bad JSON: $(cat "$tmp/j")"
fi

# errors are not problems: other exit codes
expect 4 "cannot open" data check "$tmp/none.momo"
cp "$tmp/u.csv" "$tmp/u.txt"
expect 3 "not a valid momo dataset" data check "$tmp/u.txt"

# the shared data: BF.B is not a CSV, ANTM misses a split
shared="${MOMO_SHARED_DATA:-}"
if [ -n "$shared" ] && [ -d "$shared/sp500/daily" ]; then
    expect 1 "BF.B" data check --all "$shared/sp500/daily"
    grep -qF "ANTM       2005-06-02  close 113.4548451 -> 57.69989264 \
(-49.1%), looks like an unadjusted 2-for-1 split" "$tmp/out" ||
        fail "ANTM's split not found"
    for s in KIM RHI SPGI VIAC WELL; do
        grep -qE "^  $s +[0-9-]+  1 bar missing" "$tmp/out" ||
            fail "$s: missing days not found"
    done
else
    echo "shared data absent: its checks skipped"
fi

finish

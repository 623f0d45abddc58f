#!/bin/sh
# data_import.sh - `momo data import` from the command line: help, usage
# errors, every fixture format imported, skipped rows logged as
# file:line, --strict, an unknown header skipped, a failed import leaving
# --out untouched, --json, --columns, bad universe rows, and the same
# checksum for any --jobs.
#
# Env: MOMO (the binary), MOMO_FIXTURES, MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
: "${MOMO_FIXTURES:?MOMO_FIXTURES must name tests/fixtures}"
name=data_import
. "$(dirname "$0")/lib/common.sh"
csv="$MOMO_FIXTURES/csv"

expect() {
    want=$1
    text=$2
    shift 2
    "$MOMO" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    cp "$tmp/out" "$tmp/out.stdout"
    cat "$tmp/err" >>"$tmp/out"
    [ "$got" -eq "$want" ] || fail "momo $*: exit $got, expected $want"
    grep -qF -- "$text" "$tmp/out" ||
        fail "momo $*: no '$text' in: $(cat "$tmp/out")"
}

# help and usage errors
expect 0 "usage: momo data import [--universe FILE]..." data import --help
expect 0 "--strict" data import -h
expect 0 "import " data --help
expect 2 "--out DATASET is required" data import "$csv/formats"
expect 2 "missing argument" data import --out "$tmp/x.momo"
expect 2 "--jobs must be 0..256" data import --jobs 999 --out "$tmp/x" .
expect 2 "unknown option '--univers'" data import --univers a --out x .
[ -e "$tmp/x.momo" ] && fail "a refused command line wrote a file"

# every format of the fixtures
expect 0 "imported 5 symbols, 12 bars from 5 files" \
    data import --out "$tmp/f.momo" "$csv/formats"
grep -qF "alpha-vantage 1, yahoo 1, stooq 2, ohlc 1" "$tmp/out" ||
    fail "summary lacks the formats: $(cat "$tmp/out")"
[ -s "$tmp/f.momo" ] || fail "no dataset written"

# skipped rows: counted, logged as file:line on stderr, data on stdout
expect 0 "13 read, 7 skipped" data import --out "$tmp/r.momo" "$csv/rules"
grep -qF "RULES.csv:3: column 'Open': missing" "$tmp/err" ||
    fail "no file:line warning on stderr: $(cat "$tmp/err")"
grep -qF "RULES.csv: 2 more rows skipped" "$tmp/err" ||
    fail "rows past the first five not counted: $(cat "$tmp/err")"
grep -qF "momo:" "$tmp/out.stdout" 2>/dev/null &&
    fail "log lines reached stdout"

# --strict: the first skipped row stops the import, --out untouched
cp "$tmp/f.momo" "$tmp/keep.momo"
expect 3 "RULES.csv:3: column 'Open': missing" \
    data import --strict --out "$tmp/keep.momo" "$csv/rules"
cmp -s "$tmp/f.momo" "$tmp/keep.momo" ||
    fail "a failed import changed the existing dataset"
ls "$tmp" | grep -q "keep.momo.tmp" && fail "a temporary file was left"

# an unknown header: the file is skipped and counted
expect 0 "1 skipped" data import --out "$tmp/b.momo" "$csv/bad" \
    "$csv/formats/AV.csv"
grep -qF "BAD.csv:1: header '{' is not a known format (no date column)" \
    "$tmp/out" || fail "skipped file not reported: $(cat "$tmp/out")"
expect 3 "BAD.csv:1: header '{' is not a known format" \
    data import --strict --out "$tmp/b2.momo" "$csv/bad" "$csv/formats"
expect 3 "no file could be imported (1 skipped)" \
    data import --out "$tmp/b3.momo" "$csv/bad"

# two files, one symbol
mkdir -p "$tmp/dup/a" "$tmp/dup/b"
cp "$csv/formats/STQ.csv" "$tmp/dup/a/X.csv"
gzip -c "$csv/formats/STQ.csv" >"$tmp/dup/b/X.csv.gz"
expect 3 "symbol 'X' comes from two files: $tmp/dup/a/X.csv and" \
    data import --out "$tmp/d.momo" "$tmp/dup"

# --columns for an unknown layout; a bad mapping
expect 0 "imported 1 symbols" data import --columns \
    "date=Day,open=O,high=H,low=L,close=C,adj_close=AC,volume=V" \
    --out "$tmp/m.momo" "$csv/mapped"
expect 3 "--columns: unknown field 'opn'" \
    data import --columns "date=Day,opn=O" --out "$tmp/m2.momo" "$csv/mapped"

# universe files and their errors
expect 0 "6 symbols listed, 3 without a data file; 2 data files unlisted" \
    data import --universe "$csv/universe/extra.csv" \
    --universe "$csv/universe/constituents.csv" --out "$tmp/u.momo" \
    "$csv/formats"
printf 'symbol,asset_class\nAV,stonk\n' >"$tmp/bad_uni.txt"
expect 3 "bad_uni.txt:2: asset_class: unknown 'stonk'" \
    data import --universe "$tmp/bad_uni.txt" --out "$tmp/u2.momo" \
    "$csv/formats"
expect 4 "no/such/dir: cannot open" \
    data import --out "$tmp/n.momo" "$tmp/no/such/dir"
expect 3 "not a .csv or .csv.gz file" \
    data import --out "$tmp/n.momo" "$tmp/bad_uni.txt"

# --json, and the same result for any number of threads
"$MOMO" data import --json --jobs 1 --out "$tmp/j1.momo" "$csv/formats" \
    >"$tmp/j1.json" 2>/dev/null || fail "import --json failed"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["symbols"] == 5 and d["files"]["imported"] == 5, d
assert d["classes"]["stock"]["symbols"] == 5, d' "$tmp/j1.json" ||
        fail "bad JSON: $(cat "$tmp/j1.json")"
fi
"$MOMO" data import --jobs 2 --out "$tmp/j2.momo" "$csv/formats" \
    >/dev/null 2>&1 || fail "import --jobs 2 failed"
cmp -s "$tmp/j1.momo" "$tmp/j2.momo" || fail "--jobs 1 and 2 differ"

finish

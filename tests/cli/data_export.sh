#!/bin/sh
# data_export.sh - `momo data export`: help, usage errors, a dataset
# written as CSV and imported back to the same checksum, --symbols, and
# an unknown symbol.
#
# Env: MOMO (the binary), MOMO_FIXTURES, MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
: "${MOMO_FIXTURES:?MOMO_FIXTURES must name tests/fixtures}"
name=data_export
. "$(dirname "$0")/lib/common.sh"
csv="$MOMO_FIXTURES/csv"

expect 0 "usage: momo data export [--symbols A,B,...] --out DIR DATASET" \
    data export --help
expect 0 "export " data --help
expect 2 "--out DIR is required" data export x.momo
expect 2 "missing argument" data export --out "$tmp/e"

"$MOMO" data import --universe "$csv/universe/extra.csv" \
    --universe "$csv/universe/constituents.csv" --out "$tmp/a.momo" \
    "$csv/formats" >"$tmp/a.txt" 2>&1 || fail "import failed"
expect 0 "exported 5 symbols to $tmp/e" data export --out "$tmp/e" \
    "$tmp/a.momo"
head -n 1 "$tmp/e/AV.csv" | grep -qx "Date,Open,High,Low,Close,Volume" ||
    fail "bad header: $(head -n 1 "$tmp/e/AV.csv")"
grep -qx "AV,stock,Industrials,large" "$tmp/e/universe.csv" ||
    fail "bad universe.csv: $(cat "$tmp/e/universe.csv")"
"$MOMO" data import --universe "$tmp/e/universe.csv" --out "$tmp/b.momo" \
    "$tmp/e" >"$tmp/b.txt" 2>&1 || fail "import of the export failed"
sum_a=$(sed -n 's/.*(checksum \([0-9a-f]*\)).*/\1/p' "$tmp/a.txt")
sum_b=$(sed -n 's/.*(checksum \([0-9a-f]*\)).*/\1/p' "$tmp/b.txt")
[ -n "$sum_a" ] && [ "$sum_a" = "$sum_b" ] ||
    fail "checksums differ after a round trip: '$sum_a' '$sum_b'"

expect 0 "exported 2 symbols" data export --symbols VX,STA --out "$tmp/s" \
    "$tmp/a.momo"
[ -e "$tmp/s/AV.csv" ] && fail "--symbols wrote another symbol"
[ "$(wc -l <"$tmp/s/universe.csv")" -eq 3 ] || fail "universe.csv lines"
expect 3 "symbol 'NOPE' is not in the dataset" \
    data export --symbols NOPE --out "$tmp/s" "$tmp/a.momo"

finish

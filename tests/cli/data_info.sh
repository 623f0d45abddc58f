#!/bin/sh
# data_info.sh - `momo data info`: help, usage errors, the description
# of a small dataset (text and JSON), --verify on a sound and a damaged
# file, and a file that is not a dataset.
#
# Env: MOMO (the binary), MOMO_FIXTURES, MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
: "${MOMO_FIXTURES:?MOMO_FIXTURES must name tests/fixtures}"
name=data_info
. "$(dirname "$0")/lib/common.sh"
csv="$MOMO_FIXTURES/csv"

expect 0 "usage: momo data info [--verify] [--json] DATASET" data info --help
expect 2 "missing argument" data info
expect 2 "unexpected argument" data info a b

"$MOMO" data import --universe "$csv/universe/extra.csv" \
    --universe "$csv/universe/constituents.csv" --out "$tmp/f.momo" \
    "$csv/formats" >/dev/null 2>&1 || fail "import failed"
expect 0 "symbols     5" data info "$tmp/f.momo"
grep -qF "dates       1990-01-02 .. 2020-01-06" "$tmp/out" ||
    fail "no date range: $(cat "$tmp/out")"
grep -qE "^stock +5 +12  1990-01-02  2020-01-06$" "$tmp/out" ||
    fail "no stock row: $(cat "$tmp/out")"
grep -qE "^Industrials +1$" "$tmp/out" || fail "no sector: $(cat "$tmp/out")"
grep -qE "^\(none\) +2$" "$tmp/out" || fail "no unknown sector count"
grep -qE "^large +1$" "$tmp/out" || fail "no size bucket: $(cat "$tmp/out")"
expect 0 "(verified)" data info --verify "$tmp/f.momo"
if command -v python3 >/dev/null 2>&1; then
    "$MOMO" data info --json "$tmp/f.momo" >"$tmp/j" ||
        fail "info --json failed"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["symbols"] == 5 and d["bars"] == 12, d
assert d["classes"]["stock"]["first_date"] == "1990-01-02", d
assert d["sectors"]["Tech"] == 1 and d["sizes"]["mid"] == 1, d' "$tmp/j" ||
        fail "bad JSON: $(cat "$tmp/j")"
fi

# a damaged payload opens, but --verify refuses it
cp "$tmp/f.momo" "$tmp/bad.momo"
size=$(wc -c <"$tmp/bad.momo")
printf 'X' | dd of="$tmp/bad.momo" bs=1 seek=$((size - 9)) conv=notrunc \
    2>/dev/null
expect 0 "symbols     5" data info "$tmp/bad.momo"
expect 3 "checksum mismatch" data info --verify "$tmp/bad.momo"
expect 3 "not a valid momo dataset" data info "$csv/formats/AV.csv"
expect 4 "cannot open" data info "$tmp/none.momo"

finish

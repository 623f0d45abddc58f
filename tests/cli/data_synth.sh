#!/bin/sh
# data_synth.sh - `momo data synth` from the command line: help, usage
# errors naming the option, a small market written and summarized, the
# same seed giving the same file, another seed a different one, JSON
# output, and an unwritable destination.
#
# Env: MOMO (the binary), MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=data_synth
. "$(dirname "$0")/lib/common.sh"

small="--stocks 12 --crypto 2 --years 2"

# help and usage errors
expect 0 "usage: momo data synth --out DATASET" data synth --help
expect 0 "--random-walk" data synth -h
expect 0 "synth " data --help
expect 2 "--out DATASET is required" data synth --seed 3
expect 2 "unknown option '--stock'" data synth --stock 5 --out "$tmp/x"
expect 2 "--stocks: 0 is out of range 1..5000" \
    data synth --stocks 0 --out "$tmp/x"
expect 2 "--years: 101 is out of range 1..100" \
    data synth --years 101 --out "$tmp/x"
expect 2 "--seed: -1 is out of range" data synth --seed -1 --out "$tmp/x"
expect 2 "--momentum: 'lots' is not a number" \
    data synth --momentum lots --out "$tmp/x"
expect 2 "--momentum: 9 is out of range 0..5" \
    data synth --momentum 9 --out "$tmp/x"
expect 2 "--start: '2005-13-01' is not a date" \
    data synth --start 2005-13-01 --out "$tmp/x"
expect 2 "unexpected argument 'extra'" data synth --out "$tmp/x" extra
expect 3 "start = 1800-01-01 is out of range" \
    data synth --start 1800-01-01 --out "$tmp/x"
[ -e "$tmp/x" ] && fail "a refused command line wrote a file"

# a small market, summarized
# shellcheck disable=SC2086
expect 0 "12 stock" data synth $small --seed 5 --out "$tmp/a.momo"
grep -qF "2 crypto, 1 etf, 1 bond, 1 index" "$tmp/out" ||
    fail "summary lacks the classes: $(cat "$tmp/out")"
grep -qF "2005-01-03 .. 2006-12-31 (2 years)" "$tmp/out" ||
    fail "summary lacks the date range: $(cat "$tmp/out")"
grep -qE "^    crash +20[0-9-]+ \.\. 20[0-9-]+$" "$tmp/out" ||
    fail "summary lacks the crash dates: $(cat "$tmp/out")"
sum_a=$(sed -n 's/^  checksum  //p' "$tmp/out")
[ -s "$tmp/a.momo" ] || fail "no dataset written"

# the same seed gives the same bytes; another seed other bytes
# shellcheck disable=SC2086
expect 0 "checksum  $sum_a" data synth $small --seed 5 --out "$tmp/b.momo"
cmp -s "$tmp/a.momo" "$tmp/b.momo" || fail "seed 5 twice: files differ"
# shellcheck disable=SC2086
expect 0 "checksum" data synth $small --seed 6 --out "$tmp/c.momo"
cmp -s "$tmp/a.momo" "$tmp/c.momo" && fail "seeds 5 and 6 gave one file"

# options reach the generator
expect 0 "regimes   none (random walk)" \
    data synth --stocks 11 --crypto 0 --years 1 --random-walk \
    --out "$tmp/rw.momo"
expect 0 "2010-06-01 .. 2011-05-31 (1 year)" \
    data synth --stocks 11 --crypto 0 --years 1 --start 2010-06-01 \
    --out "$tmp/d.momo"

# JSON
# shellcheck disable=SC2086
expect 0 "\"checksum\":\"$sum_a\"" data synth $small --seed 5 --json \
    --out "$tmp/e.momo"
grep -qF '"classes":{"stock":12,"crypto":2,"etf":1,"bond":1,"index":1}' \
    "$tmp/out" || fail "JSON lacks the classes: $(cat "$tmp/out")"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out" ||
        fail "--json output is not JSON: $(cat "$tmp/out")"
fi

# an unwritable destination is an I/O error (exit 4), named
# shellcheck disable=SC2086
expect 4 "$tmp/no/such/dir/x.momo" data synth $small \
    --out "$tmp/no/such/dir/x.momo"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

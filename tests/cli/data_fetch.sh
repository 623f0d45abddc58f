#!/bin/sh
# data_fetch.sh - `momo data fetch` from the command line: help, usage
# errors, and a failed download (nothing listens on 127.0.0.1:1) that
# exits 4 with a clear message and leaves no file. The downloads
# themselves are tested against a local server in tests/data/test_fetch.c.
set -u
: "${MOMO:?MOMO must name the momo binary}"
name=data_fetch
. "$(dirname "$0")/lib/common.sh"

# --help prints the usage and every option, exit 0
run 0 data fetch --help
contains "$tmp/out" "usage: momo data fetch --out DIR"
for opt in --source --suffix --from --to --timeout --retries --jobs --json; do
    contains "$tmp/out" "$opt"
done

# a bad option, a missing --out, a missing symbol, bad values: exit 2
run 2 data fetch --bogus AAPL
contains "$tmp/err" "unknown option '--bogus'"
run 2 data fetch AAPL
contains "$tmp/err" "--out DIR is required"
run 2 data fetch --out "$tmp/d"
contains "$tmp/err" "missing argument"
run 2 data fetch --out "$tmp/d" --timeout 0 AAPL
contains "$tmp/err" "--timeout"
run 2 data fetch --out "$tmp/d" --from 2020-13-01 AAPL
contains "$tmp/err" "not a date"
run 2 data fetch --out "$tmp/d" etc/passwd
contains "$tmp/err" "character '/' is not allowed in a symbol"
run 2 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{sym}' AAPL
contains "$tmp/err" "unknown placeholder '{sym}'"
run 2 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{symbol}' \
    --from 2021-01-04 --to 2020-01-02 AAPL
contains "$tmp/err" "after to"
[ -e "$tmp/d" ] && fail "a usage error created $tmp/d"

# nothing listens on port 1: exit 4, the symbol, URL and reason on
# stderr, a summary on stdout, and no file
run 4 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{symbol}' \
    --retries 0 --timeout 5 AAPL
contains "$tmp/err" "fetch AAPL: http://127.0.0.1:1/aapl.us: cannot connect"
contains "$tmp/out" "fetched 0 of 1 symbol into $tmp/d"
[ -e "$tmp/d/AAPL.csv" ] && fail "a failed fetch left $tmp/d/AAPL.csv"
[ -z "$(ls -A "$tmp/d")" ] || fail "a failed fetch left $(ls -A "$tmp/d")"

# an existing file survives a failed fetch; --suffix '' and --json
printf 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,1\n' \
    >"$tmp/d/BTCUSD.csv"
cp "$tmp/d/BTCUSD.csv" "$tmp/before.csv"
run 4 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{symbol}' \
    --suffix '' --retries 0 --json BTCUSD
contains "$tmp/out" '"symbol":"BTCUSD","ok":false'
contains "$tmp/out" '"url":"http://127.0.0.1:1/btcusd"'
contains "$tmp/out" '"fetched":0,"failed":1'
contains "$tmp/err" "fetch BTCUSD: http://127.0.0.1:1/btcusd: cannot connect"
cmp -s "$tmp/d/BTCUSD.csv" "$tmp/before.csv" ||
    fail "a failed fetch changed $tmp/d/BTCUSD.csv"
[ "$(ls -A "$tmp/d")" = "BTCUSD.csv" ] ||
    fail "a failed fetch left $(ls -A "$tmp/d")"

# an --out that cannot be created is an I/O error
run 4 data fetch --out /proc/momo-no-such/x --retries 0 \
    --source 'http://127.0.0.1:1/{symbol}' AAPL
contains "$tmp/err" "cannot create"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

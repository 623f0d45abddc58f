#!/bin/sh
# data_fetch.sh - `momo data fetch` from the command line: help, usage
# errors, and a failed download (nothing listens on 127.0.0.1:1) that
# exits 4 with a clear message and leaves no file. The downloads
# themselves are tested against a local server in tests/data/test_fetch.c.
set -u
: "${MOMO:?MOMO must name the momo binary}"
tmp="${MOMO_TEST_TMP:-/tmp}/cli_data_fetch.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# run EXPECTED_EXIT ARGS...: output in $tmp/out and $tmp/err
run() {
    want=$1
    shift
    "$MOMO" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "momo $*: exit $got, expected $want"
        sed 's/^/  stdout: /' "$tmp/out"
        sed 's/^/  stderr: /' "$tmp/err"
    fi
}

expect() {      # expect FILE TEXT: FILE contains TEXT
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"
}

# --help prints the usage and every option, exit 0
run 0 data fetch --help
expect "$tmp/out" "usage: momo data fetch --out DIR"
for opt in --source --suffix --from --to --timeout --retries --jobs --json; do
    expect "$tmp/out" "$opt"
done

# a bad option, a missing --out, a missing symbol, bad values: exit 2
run 2 data fetch --bogus AAPL
expect "$tmp/err" "unknown option '--bogus'"
run 2 data fetch AAPL
expect "$tmp/err" "--out DIR is required"
run 2 data fetch --out "$tmp/d"
expect "$tmp/err" "missing argument"
run 2 data fetch --out "$tmp/d" --timeout 0 AAPL
expect "$tmp/err" "--timeout"
run 2 data fetch --out "$tmp/d" --from 2020-13-01 AAPL
expect "$tmp/err" "not a date"
run 2 data fetch --out "$tmp/d" etc/passwd
expect "$tmp/err" "character '/' is not allowed in a symbol"
run 2 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{sym}' AAPL
expect "$tmp/err" "unknown placeholder '{sym}'"
run 2 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{symbol}' \
    --from 2021-01-04 --to 2020-01-02 AAPL
expect "$tmp/err" "after to"
[ -e "$tmp/d" ] && fail "a usage error created $tmp/d"

# nothing listens on port 1: exit 4, the symbol, URL and reason on
# stderr, a summary on stdout, and no file
run 4 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{symbol}' \
    --retries 0 --timeout 5 AAPL
expect "$tmp/err" "fetch AAPL: http://127.0.0.1:1/aapl.us: cannot connect"
expect "$tmp/out" "fetched 0 of 1 symbol into $tmp/d"
[ -e "$tmp/d/AAPL.csv" ] && fail "a failed fetch left $tmp/d/AAPL.csv"
[ -z "$(ls -A "$tmp/d")" ] || fail "a failed fetch left $(ls -A "$tmp/d")"

# an existing file survives a failed fetch; --suffix '' and --json
printf 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,1\n' \
    >"$tmp/d/BTCUSD.csv"
cp "$tmp/d/BTCUSD.csv" "$tmp/before.csv"
run 4 data fetch --out "$tmp/d" --source 'http://127.0.0.1:1/{symbol}' \
    --suffix '' --retries 0 --json BTCUSD
expect "$tmp/out" '"symbol":"BTCUSD","ok":false'
expect "$tmp/out" '"url":"http://127.0.0.1:1/btcusd"'
expect "$tmp/out" '"fetched":0,"failed":1'
expect "$tmp/err" "fetch BTCUSD: http://127.0.0.1:1/btcusd: cannot connect"
cmp -s "$tmp/d/BTCUSD.csv" "$tmp/before.csv" ||
    fail "a failed fetch changed $tmp/d/BTCUSD.csv"
[ "$(ls -A "$tmp/d")" = "BTCUSD.csv" ] ||
    fail "a failed fetch left $(ls -A "$tmp/d")"

# an --out that cannot be created is an I/O error
run 4 data fetch --out /proc/momo-no-such/x --retries 0 \
    --source 'http://127.0.0.1:1/{symbol}' AAPL
expect "$tmp/err" "cannot create"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

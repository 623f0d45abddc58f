# tests/cli/lib/common.sh - what the command-line tests share. Sourced by
# tests/cli/<name>.sh after setting `name`; env: MOMO (the binary),
# MOMO_TEST_TMP (a scratch folder).
#
#   tmp        a fresh folder for this test, removed on exit
#   fail MSG   count a failure and print it
#   expect CODE TEXT ARGS...   momo ARGS exits CODE, and its stdout or
#              stderr contains TEXT (both kept in $tmp/out)
#   run CODE ARGS...           momo ARGS exits CODE; stdout in $tmp/out,
#              stderr in $tmp/err (both shown on failure)
#   contains FILE TEXT         FILE contains TEXT
#   finish     exit 1 when anything failed, else print ok and exit 0
: "${MOMO:?MOMO must name the momo binary}"
tmp="${MOMO_TEST_TMP:-/tmp}/cli_${name:?name must be set}.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
export MOMO_NO_PROGRESS=1

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

expect() {
    want=$1
    text=$2
    shift 2
    "$MOMO" "$@" >"$tmp/out" 2>&1
    got=$?
    [ "$got" -eq "$want" ] || fail "momo $*: exit $got, expected $want"
    grep -qF -- "$text" "$tmp/out" ||
        fail "momo $*: no '$text' in: $(cat "$tmp/out")"
}

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

contains() {
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"
}

finish() {
    [ "$fails" -eq 0 ] || exit 1
    echo "ok"
    exit 0
}

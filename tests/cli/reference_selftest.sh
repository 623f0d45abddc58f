#!/bin/sh
# reference_selftest.sh - the unit tests of the Python reference
# implementation (tests/reference/test_momo_ref.py): hand-worked markets
# that pin down each rule of STRATEGY.md before momo is compared with it.
# Skipped (77) when python3 is absent.
set -eu
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: skipped"
    exit 77
fi
: "${MOMO_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
exec python3 "$MOMO_SOURCE_DIR/tests/reference/test_momo_ref.py" -v

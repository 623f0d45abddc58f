#!/bin/sh
# config.sh - `momo config show|schema` from the command line: help and
# usage errors, exit codes for bad and unreadable configs, YAML and JSON
# that read back to the same values, and the committed docs/config.md and
# examples/default.yaml matching what the commands print.
#
# Env: MOMO (the binary), MOMO_FIXTURES, MOMO_SOURCE_DIR, MOMO_TEST_TMP.
set -u
: "${MOMO:?MOMO must name the momo binary}"
: "${MOMO_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${MOMO_FIXTURES:=$MOMO_SOURCE_DIR/tests/fixtures}"
name=config
. "$(dirname "$0")/lib/common.sh"
cfg="$MOMO_FIXTURES/config"

# --help on every form, usage errors
expect 0 "usage: momo config <subcommand>" config --help
expect 0 "usage: momo config show" config show --help
expect 0 "usage: momo config schema" config schema -h
expect 2 "usage: momo config <subcommand>" config
expect 2 "unknown config subcommand 'shw'" config shw
expect 2 "unknown option '--jsn'" config show --jsn
expect 2 "needs a value" config show --config
expect 2 "unexpected argument 'extra'" config show extra
expect 2 "do not go together" config show --json --comments
expect 2 "do not go together" config schema --json --markdown

# bad configs exit 3, unreadable files 4
msg="typo.yaml:3: unknown parameter 'signals.entry.rsi_mn'"
msg="$msg (did you mean 'signals.entry.rsi_min'?)"
expect 3 "$msg" config show --config "$cfg/typo.yaml"
msg="cross.yaml:4: signals.entry.rsi_min (60) must be below"
msg="$msg signals.entry.rsi_max (55)"
expect 3 "$msg" config show --config "$cfg/cross.yaml"
msg="--set risk.max_positions=0: risk.max_positions: 0 is below the minimum 1"
expect 3 "$msg" config show --set risk.max_positions=0
expect 3 "--set risk.max_positions: expected name=value" \
    config show --set risk.max_positions
printf 'signals:\n  entry: {rsi_min: 50\n' >"$tmp/syntax.yaml"
expect 3 "syntax.yaml:3: syntax error: did not find expected ',' or '}'" \
    config show --config "$tmp/syntax.yaml"
expect 4 "absent.yaml: cannot open" config show --config "$tmp/absent.yaml"
mkdir "$tmp/dir.yaml"
expect 4 "dir.yaml: cannot read" config show --config "$tmp/dir.yaml"

# a later --set wins over the file and over an earlier --set
"$MOMO" config show --config "$cfg/cross.yaml" \
    --set signals.entry.rsi_max=65 --set signals.entry.rsi_max=80 \
    >"$tmp/over.yaml" || fail "overrides of cross.yaml refused"
grep -q '^    rsi_max: 80$' "$tmp/over.yaml" || fail "--set did not win"
grep -q '^    rsi_min: 60$' "$tmp/over.yaml" || fail "file value lost"

# YAML round trip: what show prints, show --config reads back the same
"$MOMO" config show >"$tmp/a.yaml" || fail "show failed"
"$MOMO" config show --config "$tmp/a.yaml" >"$tmp/b.yaml" ||
    fail "show --config of its own output failed"
cmp -s "$tmp/a.yaml" "$tmp/b.yaml" || fail "defaults changed on a round trip"
"$MOMO" config show --config "$cfg/nested.yaml" \
    --set 'regime.vix_symbol=^V"X\1' --set scanner.weights=0.1,1e-7,-3,0.3 \
    --set portfolio.initial_capital=12345.678901234567 \
    --set execution.crypto_lot=3e-9 --comments >"$tmp/c.yaml" ||
    fail "show with overrides failed"
"$MOMO" config show --config "$tmp/c.yaml" --comments >"$tmp/d.yaml" ||
    fail "show --config of commented output failed"
cmp -s "$tmp/c.yaml" "$tmp/d.yaml" || fail "values changed on a round trip"

# JSON: the same values as the YAML, numbers exact for Python
"$MOMO" config show --config "$tmp/c.yaml" --json >"$tmp/c.json" ||
    fail "show --json failed"
"$MOMO" config show --config "$cfg/flat.yaml" --json >"$tmp/flat.json" ||
    fail "show --json of flat.yaml failed"
"$MOMO" config show --config "$cfg/nested.yaml" --json >"$tmp/nested.json"
cmp -s "$tmp/flat.json" "$tmp/nested.json" ||
    fail "flat.yaml and nested.yaml differ"
"$MOMO" config schema --json >"$tmp/schema.json" || fail "schema --json"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/c.json" "$tmp/schema.json" <<'EOF' || fail "JSON checks"
import json, sys
c = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
assert c["scanner.weights"] == [0.1, 1e-7, -3, 0.3], c["scanner.weights"]
assert c["portfolio.initial_capital"] == 12345.678901234567
assert c["execution.crypto_lot"] == 3e-9
assert c["regime.vix_symbol"] == '^V"X\\1', c["regime.vix_symbol"]
assert c["indicators.rsi_period"] == 10 and c["regime.market_symbol"] == "QQQ"
assert c["signals.entry.trend_filter"] is False
assert [p["name"] for p in schema] == list(c), "schema and show differ"
for p in schema:
    assert set(p) == {"name", "type", "count", "default", "min", "max",
                      "description", "precompute"}, p
    if p["min"] is not None:
        vals = p["default"] if isinstance(p["default"], list) \
            else [p["default"]]
        assert all(p["min"] <= v <= p["max"] for v in vals), p
EOF
fi

# the committed reference pages are the commands' output
"$MOMO" config schema --markdown >"$tmp/config.md" || fail "schema --markdown"
cmp -s "$tmp/config.md" "$MOMO_SOURCE_DIR/docs/config.md" ||
    fail "docs/config.md is stale:" \
         "momo config schema --markdown >docs/config.md"
"$MOMO" config show --comments >"$tmp/default.yaml" || fail "show --comments"
cmp -s "$tmp/default.yaml" "$MOMO_SOURCE_DIR/examples/default.yaml" ||
    fail "examples/default.yaml is stale:" \
         "momo config show --comments >examples/default.yaml"
"$MOMO" config schema >"$tmp/schema.txt" || fail "schema"
grep -q '^signals.entry.rsi_min = 50$' "$tmp/schema.txt" ||
    fail "text schema lacks signals.entry.rsi_min"

finish

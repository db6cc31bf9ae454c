#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# Signed DEs narrower than 64 bits over every path: an STLMFS tree gives
# each value as a 64-bit word and no data size, so the catalog's "bits"
# and "signed" (docs/catalog-format.md) must sign-extend there as the
# platform's own data size does on the direct path. A constant-valued
# platform read directly (unix:), through stlmd (stlmd:) and through
# stlmd's tree (stlmfs:) gives the same values; without the catalog the
# tree's reading is the zero-extended word. Then the built-in default SoC
# with the shipped catalogs: the battery current is negative on every path.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }

cat > "$T/p.json" <<'JSON'
{
	"name": "signed-fixture", "vendor": "stlm", "sub_vendor": "signed-fixture",
	"uuid": "00000000-0000-4000-8000-00000051C4ED",
	"intervals": ["10ms", "100ms"], "default_interval": "100ms",
	"shmti": {"sizes": [1024]},
	"des": [
		{"id": "0x10", "name": "batt_ma", "type": "instantaneous", "unit": "amps", "unit_exp": -3, "data_size": 4, "generator": {"kind": "const", "value": -788}},
		{"id": "0x11", "name": "offset", "type": "instantaneous", "unit": "volts", "unit_exp": -3, "data_size": 2, "generator": {"kind": "const", "value": -5}},
		{"id": "0x12", "name": "big", "type": "instantaneous", "unit": "counts", "data_size": 4, "generator": {"kind": "const", "value": 4000000000}},
		{"id": "0x13", "name": "wide", "type": "instantaneous", "unit": "counts", "generator": {"kind": "const", "value": -3}}
	]
}
JSON
cat > "$T/cat.json" <<'JSON'
{
	"format": 1, "name": "signed-fixture",
	"match": {"uuid": "00000000-0000-4000-8000-00000051C4ED"},
	"des": [
		{"id": "0x10", "name": "batt.current", "signed": true, "bits": 32},
		{"id": "0x11", "name": "offset", "signed": true, "bits": 16},
		{"id": "0x12", "name": "big", "bits": 32},
		{"id": "0x13", "name": "wide", "signed": true}
	]
}
JSON

# start_second CONFIG...: a second platform for the direct path (stlmd
# owns the first one's channel)
start_second() {
	rm -f "$T/sock2"
	"$STLM_PLATFORM_BIN" --listen "unix:$T/sock2" --mem "$T/mem2" -q "$@" &
	EXTRA_PIDS=$!
	for _ in $(seq 50); do [ -S "$T/sock2" ] && return 0; sleep 0.1; done
	fail "second platform did not start"
}
stop_second() { kill "$EXTRA_PIDS"; wait "$EXTRA_PIDS" 2>/dev/null || true; EXTRA_PIDS=; }
URI2="unix:$T/sock2?mem=$T/mem2"

start_platform --config "$T/p.json"
start_second --config "$T/p.json"
start_daemon --socket "$T/d.sock"
for _ in $(seq 50); do [ -S "$T/d.sock" ] && break; sleep 0.1; done
export STLM_CATALOG_PATH="$T/no-catalog"
run() { timeout 20 "$STLM_BIN" -q -c "$T/cat.json" -p "$@"; }

for p in "stlmd:$T/d.sock" "$URI2"; do
	run "$p" enable --all > /dev/null || fail "enable ($p)"
	run "$p" config --on > /dev/null || fail "config --on ($p)"
done
WANT='[(16, -0.788), (17, -0.005), (18, 4000000000.0), (19, -3.0)]'
for p in "$URI2" "stlmd:$T/d.sock" "stlmfs:$TLM"; do
	run "$p" read --json > "$T/r.json" 2> "$T/r.err" || fail "read $p: $(cat "$T/r.err")"
	python3 - "$T/r.json" "$WANT" <<'PY' || fail "values over $p: $(head -c 800 "$T/r.json")"
import json, sys
d = json.load(open(sys.argv[1]))
got = [(s["id"], s["value"]) for s in d["samples"]]
want = eval(sys.argv[2])
assert len(got) == len(want), got
assert all(a == c and abs(b - e) < 1e-9 for (a, b), (c, e) in zip(got, want)), got
assert all(s["valid"] for s in d["samples"]), d
PY
	ok "signed values over ${p%%:*}: -788 mA, -5 mV, 4000000000, -3"
done
# The names and units agree too (the catalog applies on every path).
run "stlmfs:$TLM" read --json batt.current > "$T/n.json" || fail "read by name over stlmfs"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["samples"][0]; sys.exit(0 if s["name"]=="batt.current" and abs(s["value"]+0.788)<1e-9 else 1)' "$T/n.json" ||
	fail "by name: $(cat "$T/n.json")"
ok "by name over stlmfs"
# No catalog: the tree's word is zero-extended, the direct path has no sign
# either; both say so through the no-catalog notice (not checked here).
timeout 20 "$STLM_BIN" -q -p "stlmfs:$TLM" read --json 0x10 > "$T/nc.json" || fail "read without catalog"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["samples"][0]["raw"] == 4294966508 else 1)' "$T/nc.json" ||
	fail "without catalog: $(cat "$T/nc.json")"
ok "without a catalog the tree gives the zero-extended word"
# A bad "bits" is refused with its place in the file.
sed 's/"bits": 16/"bits": 12/' "$T/cat.json" > "$T/bad.json"
if timeout 20 "$STLM_BIN" -q -c "$T/bad.json" -p "stlmfs:$TLM" read 0x10 > /dev/null 2> "$T/bad.err"; then
	fail "bits 12 accepted"
fi
grep -q "bits must be 8, 16" "$T/bad.err" || fail "bits 12: $(cat "$T/bad.err")"
ok "bits 12 refused: $(head -1 "$T/bad.err")"

# The built-in default SoC and the shipped catalogs: battery.current.
stop_daemon
stop_platform
stop_second
start_platform
start_second
start_daemon --socket "$T/d.sock"
for _ in $(seq 50); do [ -S "$T/d.sock" ] && break; sleep 0.1; done
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
for p in "stlmd:$T/d.sock" "$URI2"; do
	timeout 20 "$STLM_BIN" -q -p "$p" enable battery.current > /dev/null || fail "enable battery.current ($p)"
	timeout 20 "$STLM_BIN" -q -p "$p" config --on > /dev/null || fail "config --on (default SoC, $p)"
done
for p in "$URI2" "stlmd:$T/d.sock" "stlmfs:$TLM"; do
	timeout 20 "$STLM_BIN" -q -p "$p" read --json battery.current > "$T/b.json" 2> "$T/b.err" ||
		fail "battery over $p: $(cat "$T/b.err")"
	# periodic around -800 mA, amplitude 600: always in [-1.4, -0.2] A
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["samples"][0]; sys.exit(0 if s["valid"] and -1.4 - 1e-9 <= s["value"] <= -0.2 + 1e-9 and s["unit"] == "A" else 1)' "$T/b.json" ||
		fail "battery.current over $p: $(cat "$T/b.json")"
	ok "battery.current over ${p%%:*}: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples"][0]["value"])' "$T/b.json") A"
done

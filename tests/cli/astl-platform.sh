#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# stlm-platform --astl-spec: the real emulator built from ASTL spec files,
# read by stlm over a unix socket. Fixtures in tests/data/astl-platform;
# the Phoenix checks use the ASTL data set ($STLM_ASTL_DATASET, default
# ../shared/datasets/astl from the source root) and are skipped without it.

. "$(dirname "$0")/lib.sh"

FIX="$STLM_SRCDIR/tests/data/astl-platform"
DATASET="${STLM_ASTL_DATASET:-$STLM_SRCDIR/../shared/datasets/astl}"

# start_astl NAME OPTIONS...: like start_platform, keeping warnings
start_astl() {
	name=$1
	shift
	"$STLM_PLATFORM_BIN" --listen "unix:$T/$name.sock" \
		--mem "$T/$name.mem" "$@" 2>"$T/$name.log" &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	for _ in $(seq 200); do
		[ -S "$T/$name.sock" ] && return 0
		sleep 0.05
	done
	echo "FAIL: platform $name did not start"; cat "$T/$name.log"
	exit 1
}

# --- option errors -------------------------------------------------------
expect_rc 1 "--astl-spec with --config" "$STLM_PLATFORM_BIN" \
	--astl-spec "$FIX/gen1.json" --config "$STLM_SRCDIR/tests/cli/fixture.json" \
	--listen "unix:$T/x.sock" &&
	grep -q -- "--astl-spec and --config exclude each other" "$T/err" ||
	fail "--astl-spec/--config message: $(cat "$T/err")"
expect_rc 1 "--astl-spec with --des" "$STLM_PLATFORM_BIN" \
	--astl-spec "$FIX/gen1.json" --des 10 --listen "unix:$T/x.sock"
expect_rc 1 "--instances first" "$STLM_PLATFORM_BIN" --instances 2 \
	--astl-spec "$FIX/gen1.json" --listen "unix:$T/x.sock" &&
	grep -q "applies to the --astl-spec before it" "$T/err" ||
	fail "--instances message: $(cat "$T/err")"
expect_rc 1 "--instances 0" "$STLM_PLATFORM_BIN" --astl-spec "$FIX/gen1.json" \
	--instances 0 --listen "unix:$T/x.sock"
expect_rc 1 "missing spec" "$STLM_PLATFORM_BIN" --astl-spec "$T/none.json" \
	--listen "unix:$T/x.sock" && grep -q "none.json" "$T/err" ||
	fail "missing spec message: $(cat "$T/err")"

# --- fixtures: gen 1 x 2 targets + gen 2 ---------------------------------
start_astl fx --seed 5 --astl-spec "$FIX/gen1.json" --instances 2 \
	--astl-spec "$FIX/gen2.json"
n=$(grep -c "warning: gen1.json: 4 duplicate DE ids, each kept once (layout\[5\] repeats ids of layout\[4\])" "$T/fx.log")
[ "$n" = 1 ] && ok || fail "duplicate warning: $(cat "$T/fx.log")"

expect_rc 0 "list" "$STLM" --platform "$(uri fx)" --json list &&
json_check "list: 28 + 10 DEs, ids, names, units" '(
len(d["des"]) == 38 and
{e["id"] for e in d["des"]} >= {(t << 16) | 0x141 for t in range(4)} and
[e for e in d["des"] if e["id"] == 0x00010141][0]["name"] == "CUR_TEMP" and
[e for e in d["des"] if e["id"] == 0x00010141][0]["component"] == "cpu" and
[e for e in d["des"] if e["id"] == 0x00010141][0]["unit"] == "°C" and
[e for e in d["des"] if e["id"] == 0x1601][0]["component"] == "pmic" and
[e for e in d["des"] if e["id"] == 0x0001E56D][0]["kind"] == "counter")'

expect_rc 0 "enable" "$STLM" --platform "$(uri fx)" enable --all
expect_rc 0 "collection on" "$STLM" --platform "$(uri fx)" config --on --interval 10ms
sleep 0.3
expect_rc 0 "read 1" "$STLM" --platform "$(uri fx)" --json read \
	0x00000141 0x00030141 0x00011606 0x0001E56D 0x1602 &&
json_check "read: temperatures 45..70 C, rail 11.8..12.2 V" '(
all(s["valid"] for s in d["samples"]) and
all(45 <= s["value"] <= 70 for s in d["samples"][:3]) and
11.8 <= d["samples"][4]["value"] <= 12.2)'
cp "$T/out" "$T/read1"
sleep 0.2
expect_rc 0 "read 2" "$STLM" --platform "$(uri fx)" --json read 0x0001E56D &&
python3 - "$T/read1" "$T/out" <<'PY' && ok || fail "bandwidth counter not increasing"
import json, sys
a = json.load(open(sys.argv[1]))["samples"][3]["raw"]
b = json.load(open(sys.argv[2]))["samples"][0]["raw"]
sys.exit(0 if b > a > 0 else 1)
PY
stop_platform fx

# --- Phoenix (data set) ---------------------------------------------------
if [ -f "$DATASET/phoenix/scp.json" ] && [ -f "$DATASET/phoenix/lcp_cluster.json" ]; then
	start_astl px --astl-spec "$DATASET/phoenix/scp.json" \
		--astl-spec "$DATASET/phoenix/lcp_cluster.json" --instances 14
	grep -q "warning: scp.json: 24 duplicate DE ids" "$T/px.log" && ok ||
		fail "Phoenix duplicate warning: $(cat "$T/px.log")"
	expect_rc 0 "Phoenix list" "$STLM" --platform "$(uri px)" --json list &&
	json_check "Phoenix: 412 + 14 x 313 DEs, cores 0..139" '(
len(d["des"]) == 412 + 14 * 313 and
{e["id"] for e in d["des"]} >= {(i << 16) | b for i in range(140) for b in (0x111, 0x141, 0x14D)} and
sum(1 for e in d["des"] if e["component"] == "cpu" and e["id"] & 0xFFFF == 0x141) == 140)'
	# The spec as a catalog names the DEs.
	STLM_CATALOG_PATH="$DATASET" expect_rc 0 "Phoenix names" \
		"$STLM" --platform "$(uri px)" list &&
	grep -q "PSS.0.CURRENT_TEMPERATURE" "$T/out" && ok ||
		fail "catalog names: $(head -3 "$T/out")"
	# The LCP-cluster spec is a secondary layout of the same platform: its
	# names reach all 14 instances (cores 0..139) too.
	grep -q "^0x008b0141  CORE.139.CURRENT_TEMPERATURE " "$T/out" && ok ||
		fail "LCP names: $(grep -m1 0x008b0141 "$T/out")"
	[ "$(grep -c "  CLUSTER\.[0-9]*\." "$T/out")" -eq 42 ] && ok ||
		fail "CLUSTER names: $(grep -c "CLUSTER\." "$T/out")"
	expect_rc 1 "Phoenix catalog check (findings: units, duplicates)" "$STLM" --platform "$(uri px)" \
		catalog check "$DATASET" &&
	grep -q "lcp_cluster.json: 4382 DE slots, 4382 distinct ids, 14 targets, .*(secondary layout): 4382 present, 0 missing, 0 unit mismatches" "$T/out" &&
	grep -q "scp.json: 436 DE slots, 412 distinct ids, 1 target, .*: 412 present, 0 missing, 0 extra, 0 unit mismatches" "$T/out" &&
	ok || fail "Phoenix check: $(grep "DE slots" "$T/out")"
	stop_platform px
else
	echo "SKIP: ASTL data set not found at $DATASET (Phoenix checks)"
fi

finish

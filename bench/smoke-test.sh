#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Smoke test of `make bench` (registered in meson, so `make test` runs it):
# scripts/run-bench.sh at 1000 and 2000 DEs with a small time budget must
# succeed, print every figure with its same-run baseline and ratio, and
# scripts/bench-report.py must write the tables and well-formed SVG plots.
# Then a benchmark that fails must make the whole run fail. No timing is
# asserted. The daemon figures need root and /dev/fuse (else skipped).
#
# Usage: smoke-test.sh BUILD SRC
set -eu
BUILD=$1
SRC=$2
tmp=$(mktemp -d /tmp/stlm-bench-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
	echo "bench-smoke: $*" >&2
	echo "--- output ---" >&2
	cat "$tmp/log" >&2 2>/dev/null || true
	exit 1
}

BENCH_SIZES="1000 2000" BENCH_BUDGET_MS=50 BENCH_PLATFORM_S=0.2 \
	BENCH_OUT="$tmp/out" BENCH_DOCS=0 STLM_BENCH_STLMFS_MAX=1000 \
	"$SRC/scripts/run-bench.sh" "$BUILD" >"$tmp/log" 2>&1 ||
	fail "run-bench.sh failed"

raw=$tmp/out/raw.txt
names="platform_discovery_unix platform_discovery_shm platform_update_10ms_cpu
lib_discovery_shm lib_lazy_open_shm lib_discovery_unix lib_snapshot
lib_snapshot_vs_layout_floor layout_floor_vs_memcpy
stlmd_open stlmd_snapshot stlmd_snapshot_vs_direct"
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ]; then
	names="$names daemon_mount_ready_lazy daemon_read_snapshot_bin
daemon_read_snapshot_txt daemon_read_des_bulk_read daemon_read_value
daemon_read_value_vs_sysfs daemon_reread_value_vs_sysfs
daemon_read_snapshot_bin_vs_sysfs cli_read_stlmd export_scrape
export_scrape_vs_static export_static_vs_snapshot daemon_rss"
	grep -q "^BENCH lib_stlmfs_snapshot 1000 .* ratio " "$raw" ||
		fail "no lib_stlmfs_snapshot at 1000 DEs"
	grep -q "^# lib_stlmfs: skipped above 1000 DEs" "$raw" ||
		fail "lib_stlmfs not skipped above STLM_BENCH_STLMFS_MAX"
fi
if [ -d "$BUILD/python/stlm" ] && /usr/bin/python3 -c 'import numpy, pandas' 2>/dev/null; then
	names="$names python_snapshot_numpy python_to_dataframe"
fi
for n in $names; do
	for des in 1000 2000; do
		grep -Eq "^BENCH $n $des [0-9.e+-]+ [a-zA-Z_]+ vs [a-z_0-9]+ [0-9.e+-]+ [a-zA-Z_]+ ratio [0-9.e+-]+$" "$raw" ||
			fail "no '$n' figure with a baseline at $des DEs"
	done
done
# every BENCH line is well formed: 5 fields, or 11 with a baseline
awk '$1 == "BENCH" && NF != 5 && NF != 11 { print; bad = 1 } END { exit bad }' "$raw" ||
	fail "malformed BENCH lines"
for f in machine.txt results.md scaling.md scaling.svg ratios.svg; do
	[ -s "$tmp/out/$f" ] || fail "$f was not written"
done
grep -q "^build type: " "$tmp/out/machine.txt" || fail "no build type in machine.txt"
grep -q "^| \`lib_snapshot\` | us | " "$tmp/out/scaling.md" || fail "no lib_snapshot row in scaling.md"
python3 - "$tmp/out/scaling.svg" "$tmp/out/ratios.svg" <<'PY' || fail "bad SVG"
import sys
import xml.dom.minidom
for p in sys.argv[1:]:
    d = xml.dom.minidom.parse(p)
    assert d.documentElement.tagName == "svg", p
    assert d.getElementsByTagName("polyline"), p + ": no line"
PY

cat "$raw"

# a failing benchmark (0 DEs is refused) fails the whole run
if BENCH_SIZES=0 BENCH_OUT="$tmp/out0" BENCH_DOCS=0 \
	"$SRC/scripts/run-bench.sh" "$BUILD" >"$tmp/log" 2>&1; then
	fail "run-bench.sh succeeded with a failing benchmark"
fi
grep -q "run-bench: FAILED" "$tmp/log" || fail "no FAILED line"
echo "bench-smoke: ok"

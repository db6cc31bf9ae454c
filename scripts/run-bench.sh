#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# `make bench`: run every benchmark of bench/ at 1k, 5k, 10k, 50k and 100k
# DEs, each figure with its baseline measured in the same run and the ratio
# (one line per figure, see bench/bench-util.h), then turn the figures into
# tables and plots (scripts/bench-report.py):
#
#   BUILD/bench-results/raw.txt       every benchmark's output
#   BUILD/bench-results/machine.txt   CPU, cores, kernel, compiler, build type
#   BUILD/bench-results/results.md    every figure, baseline and ratio
#   BUILD/bench-results/scaling.md    one row per figure across the sizes
#   BUILD/bench-results/scaling.svg   log-log plot (ratios.svg: the ratios)
#
# On success the results are copied to docs/perf/ and the generated tables
# of docs/PERFORMANCE.md are refreshed (BENCH_DOCS=0: leave docs/ alone).
# A benchmark that fails makes the whole run fail (exit 1), after the
# others have run; docs/ are then left alone.
#
# Usage: scripts/run-bench.sh [BUILD]
# Environment: BENCH_SIZES (default "1000 5000 10000 50000 100000"),
# BENCH_BUDGET_MS (per repeated measurement, default 1000),
# BENCH_PLATFORM_S (seconds of emulator refresh measured, default 1),
# BENCH_OUT (default BUILD/bench-results), BENCH_DOCS (default 1),
# BENCH_LIMIT_S (hard limit per benchmark process, default 240),
# BENCH_PYTHON (the bindings' interpreter, default /usr/bin/python3).
set -eu

BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${BENCH_SIZES:-"1000 5000 10000 50000 100000"}
BUDGET=${BENCH_BUDGET_MS:-1000}
PLATFORM_S=${BENCH_PLATFORM_S:-1}
OUT=${BENCH_OUT:-$BUILD/bench-results}
DOCS=${BENCH_DOCS:-1}
# a hard limit per benchmark process, on top of their own budgets
LIMIT=${BENCH_LIMIT_S:-240}
# the interpreter the Python bindings were built for (bench-python.py)
PYTHON=${BENCH_PYTHON:-/usr/bin/python3}

for b in bench-platform bench-lib bench-stlmd bench-daemon; do
	if [ ! -x "$BUILD/bench/$b" ]; then
		echo "run-bench: $BUILD/bench/$b is missing (meson compile -C $BUILD)" >&2
		exit 1
	fi
done
command -v python3 >/dev/null || { echo "run-bench: python3 is needed" >&2; exit 1; }
mkdir -p "$OUT"
RAW=$OUT/raw.txt
: >"$RAW"

# ---------------------------------------------------------------- machine
buildopt() {
	python3 - "$BUILD/meson-info" "$1" <<'EOF'
import json, os, sys
d, key = sys.argv[1], sys.argv[2]
try:
    if key == "compiler":
        for t in json.load(open(os.path.join(d, "intro-targets.json"))):
            for src in t["target_sources"]:
                if src.get("language") == "c" and src.get("compiler"):
                    print(src["compiler"][0])
                    sys.exit(0)
        print("unknown")
    else:
        for o in json.load(open(os.path.join(d, "intro-buildoptions.json"))):
            if o["name"] == key:
                print(o["value"])
except (OSError, KeyError, ValueError):
    print("unknown")
EOF
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || echo unknown)
virt=$(systemd-detect-virt 2>/dev/null || true)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)
{
	echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "CPU: $cpu"
	echo "cores: $(nproc)"
	echo "memory: $mem"
	echo "virtualisation: ${virt:-unknown}"
	echo "OS: $os"
	echo "kernel: $(uname -sr) $(uname -m)"
	echo "compiler: $("$(buildopt compiler)" --version 2>/dev/null | head -n 1 || echo unknown)"
	echo "build type: $(buildopt buildtype) (optimization $(buildopt optimization), sanitizers $(buildopt b_sanitize))"
	echo "commit: $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$SRC" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	echo "sizes: $SIZES"
	echo "budget per measurement: $BUDGET ms"
} >"$OUT/machine.txt.tmp"
sed 's/^/# /' "$OUT/machine.txt.tmp"
case "$(buildopt buildtype) $(buildopt b_sanitize)" in
release\ none | debugoptimized\ none | plain\ none) ;;
*) echo "# warning: $BUILD is not an optimized build without sanitizers; the figures are not representative" ;;
esac

# ---------------------------------------------------------------- benchmarks
failed=""
. "$SRC/python/tests/sanitizer-env.sh"
run() {
	name=$1
	shift
	echo "# $name" | tee -a "$RAW"
	if timeout -k 5 "$LIMIT" "$@" >>"$RAW.part" 2>"$OUT/stderr.txt"; then
		rc=0
	else
		rc=$?
	fi
	cat "$RAW.part"
	cat "$RAW.part" >>"$RAW"
	rm -f "$RAW.part"
	# what a benchmark says on stderr (warnings, the reason of a failure)
	sed 's/^/    /' "$OUT/stderr.txt" >&2
	if [ "$rc" -ne 0 ]; then
		echo "run-bench: FAILED ($rc): $*" | tee -a "$RAW" >&2
		failed="$failed
  $*"
	fi
}

for n in $SIZES; do
	run "bench-platform $n" "$BUILD/bench/bench-platform" "$n" "$PLATFORM_S"
	run "bench-lib $n" "$BUILD/bench/bench-lib" "$n" 200 "$BUDGET"
	run "bench-stlmd $n" "$BUILD/bench/bench-stlmd" "$n" 200 "$BUDGET"
	run "bench-daemon $n" "$BUILD/bench/bench-daemon" "$BUILD" "$n" "$BUDGET"
	# the Python bindings, when they were built (Debian's python3 + NumPy)
	# (a sanitized build: the uninstrumented interpreter gets the runtimes
	# preloaded, python/tests/sanitizer-env.sh)
	if [ -d "$BUILD/python/stlm" ] && "$PYTHON" -c 'import numpy' 2>/dev/null; then
		if pre=$(stlm_python_preload "$BUILD/python"); then
			run "bench-python $n" env ${pre:+LD_PRELOAD=$pre} \
				${pre:+ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0} \
				"$PYTHON" "$SRC/bench/bench-python.py" "$BUILD" "$n" 200 "$BUDGET"
		else
			echo "run-bench: bench-python: $pre" >&2
			failed="$failed
  bench-python $n: $pre"
		fi
	fi
done
rm -f "$OUT/stderr.txt"

{
	cat "$OUT/machine.txt.tmp"
	echo "load average: $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "duration: $(($(date +%s) - t0)) s"
} >"$OUT/machine.txt"
rm -f "$OUT/machine.txt.tmp"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(($(date +%s) - t0)) s"

if [ -n "$failed" ]; then
	echo "run-bench: failed:$failed" >&2
	python3 "$SRC/scripts/bench-report.py" "$OUT" >&2 || true
	exit 1
fi

# ---------------------------------------------------------------- report
python3 "$SRC/scripts/bench-report.py" "$OUT"
if [ "$DOCS" = 1 ]; then
	mkdir -p "$SRC/docs/perf"
	for f in raw.txt machine.txt results.md scaling.md scaling.svg ratios.svg; do
		cp "$OUT/$f" "$SRC/docs/perf/$f"
	done
	if [ -f "$OUT/scaling.png" ]; then
		cp "$OUT/scaling.png" "$SRC/docs/perf/"
	else
		rm -f "$SRC/docs/perf/scaling.png" # not from this run
	fi
	python3 "$SRC/scripts/bench-report.py" "$OUT" \
		--update-doc "$SRC/docs/PERFORMANCE.md" >/dev/null
	echo "run-bench: updated docs/perf/ and the tables of docs/PERFORMANCE.md"
fi

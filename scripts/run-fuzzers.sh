#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build the codec fuzzers with clang libFuzzer + ASan/UBSan and run each one
# for SECONDS (default 60), one after the other. Prints one summary line per
# fuzzer with its exec count (from libFuzzer's final "Done N runs in S
# second(s)" line) and exits non-zero if any fuzzer crashed.
#
# Usage: scripts/run-fuzzers.sh [-u] [SECONDS] [FUZZER...]
#   -u       also merge new coverage into the committed corpus
#            (fuzz/corpus/<name>/) and copy crashing inputs there as
#            crash-<sha1 prefix>; without it nothing under fuzz/ is touched
#   FUZZER   names such as "tdcf" or "fuzz-tdcf"; default: all of them
#
# Environment: BUILD_FUZZ (build directory, default build-fuzz), CC (default
# clang). Everything a run produces lives under $BUILD_FUZZ/fuzz-work/<name>/:
#   corpus/     inputs found so far (new finds are merged in after each run)
#   artifacts/  crash-*, leak-*, timeout-*, oom-* inputs from libFuzzer
#   run.log     the full libFuzzer output of the last run
#   merge.log   the output of the corpus merges
set -eu

cd "$(dirname "$0")/.."

ALL="agent-responses platform-requests de-desc intervals tdcf notification catalog expr record"
BUILD=${BUILD_FUZZ:-build-fuzz}
UPDATE=0

usage() {
	echo "usage: $0 [-u] [SECONDS] [FUZZER...]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-u|--update-corpus) UPDATE=1; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done

SECONDS_PER_FUZZER=60
if [ $# -gt 0 ]; then
	case $1 in
	*[!0-9]*|'') ;;
	*) SECONDS_PER_FUZZER=$1; shift ;;
	esac
fi
[ "$SECONDS_PER_FUZZER" -gt 0 ] || usage

FUZZERS=""
for f in "$@"; do
	f=${f#fuzz-}
	case " $ALL " in
	*" $f "*) FUZZERS="$FUZZERS $f" ;;
	*) echo "$0: unknown fuzzer '$f' (known: $ALL)" >&2; exit 2 ;;
	esac
done
[ -n "$FUZZERS" ] || FUZZERS=$ALL

scripts/install-deps.sh clang libclang-rt-14-dev

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=${CC:-clang} meson setup "$BUILD" -Dfuzzing=true \
		-Db_sanitize=address,undefined -Db_lundef=false
fi

targets=""
for f in $FUZZERS; do
	targets="$targets fuzz/fuzz-$f"
done
# shellcheck disable=SC2086
meson compile -C "$BUILD" $targets

ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1}
UBSAN_OPTIONS="$UBSAN_OPTIONS:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS

scratch=""
trap 'if [ -n "$scratch" ]; then rm -rf "$scratch"; fi' EXIT INT TERM

failed=0
summary=""
for f in $FUZZERS; do
	exe="$BUILD/fuzz/fuzz-$f"
	work="$BUILD/fuzz-work/$f"
	mkdir -p "$work/corpus" "$work/artifacts"
	scratch=$(mktemp -d "$work/scratch.XXXXXX")
	log="$work/run.log"

	echo "== fuzz-$f: ${SECONDS_PER_FUZZER}s (log: $log)" >&2
	rc=0
	# New inputs land in the first directory (the scratch one); the
	# work corpus and the committed seeds are only read.
	"$exe" -max_total_time="$SECONDS_PER_FUZZER" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		"$scratch" "$work/corpus" "fuzz/corpus/$f" >"$log" 2>&1 || rc=$?

	# Keep the new finds that add coverage; drop the scratch directory.
	"$exe" -merge=1 "$work/corpus" "$scratch" >"$work/merge.log" 2>&1 ||
		true
	rm -rf "$scratch"
	scratch=""

	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' \
		"$log" | tail -n 1)
	secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' \
		"$log" | tail -n 1)
	if [ -z "$runs" ]; then
		# A crash ends the run without a "Done" line.
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$log" | tail -n 1)
		secs="-"
	fi
	cov=$(sed -n 's/.*DONE *cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	corp=$(find "$work/corpus" -type f | wc -l)

	crashes=0
	artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
	for a in $artifacts; do
		crashes=$((crashes + 1))
		echo "fuzz-$f: crashing input $a" >&2
		if [ "$UPDATE" = 1 ]; then
			h=$(sha1sum "$a" | cut -c1-12)
			cp "$a" "fuzz/corpus/$f/crash-$h"
			echo "fuzz-$f: saved as fuzz/corpus/$f/crash-$h" >&2
		fi
	done
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1
		echo "fuzz-$f: libFuzzer exited $rc, see $log" >&2
	fi
	[ "$crashes" -eq 0 ] || failed=1

	if [ "$UPDATE" = 1 ]; then
		"$exe" -merge=1 "fuzz/corpus/$f" "$work/corpus" \
			>>"$work/merge.log" 2>&1 || true
	fi

	line=$(printf '%-24s %4ss %12s runs  cov %-5s corpus %-5s crashes %s' \
		"fuzz-$f" "${secs:--}" "${runs:-?}" "${cov:--}" "$corp" \
		"$crashes")
	echo "$line"
	summary="$summary$line
"
done

echo
echo "summary (${SECONDS_PER_FUZZER}s per fuzzer):"
printf '%s' "$summary"
exit "$failed"

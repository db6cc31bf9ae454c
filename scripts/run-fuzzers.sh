#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build the fuzzers with clang libFuzzer + ASan/UBSan and run each one for
# SECONDS (default 60), one after the other. Prints one summary line per
# fuzzer with its exec count (from libFuzzer's final "Done N runs in S
# second(s)" line) and exits non-zero if any fuzzer crashed. A fuzzer
# whose target the build does not define (yet) is skipped with a message.
#
# Usage: scripts/run-fuzzers.sh [-u] [-c] [SECONDS] [FUZZER...]
#   -u       also merge new coverage into the committed corpus
#            (fuzz/corpus/<name>/) and copy crashing inputs there as
#            crash-<sha1 prefix>; without it nothing under fuzz/ is touched
#   -c       afterwards replay each fuzzer's committed and work corpus in a
#            clang source-coverage build ($BUILD_FUZZ/coverage-build, no
#            libFuzzer) and print the line coverage of the sources that
#            fuzzer targets (llvm-cov report)
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

ALL="agent-responses platform-requests de-desc intervals tdcf notification \
catalog expr record stlmfs-text astl platform-config daemon-socket fuse-writes"
BUILD=${BUILD_FUZZ:-build-fuzz}
UPDATE=0
COVERAGE=0

usage() {
	echo "usage: $0 [-u] [-c] [SECONDS] [FUZZER...]" >&2
	exit 2
}

# The sources whose line coverage -c reports for a fuzzer.
cov_sources() {
	case $1 in
	agent-responses|platform-requests|de-desc|intervals|tdcf|notification)
		echo lib/proto/*.c ;;
	catalog) echo lib/catalog.c lib/expr.c ;;
	expr) echo lib/expr.c ;;
	record) echo cli/record.c ;;
	stlmfs-text) echo lib/stlmfs-text.c ;;
	astl) echo lib/astl.c ;;
	platform-config) echo platform/config.c ;;
	daemon-socket) echo lib/proto/stlmd-wire.c ;;
	fuse-writes) echo daemon/fuse-parse.c ;;
	esac
}

while [ $# -gt 0 ]; do
	case $1 in
	-u|--update-corpus) UPDATE=1; shift ;;
	-c|--coverage) COVERAGE=1; shift ;;
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

# Regenerate build.ninja if a meson.build changed, then keep only the
# fuzzers the build defines (one being written may not exist yet).
ninja -C "$BUILD" build.ninja >/dev/null
targets=""
present=""
for f in $FUZZERS; do
	if grep -q "^build fuzz/fuzz-$f: " "$BUILD/build.ninja"; then
		targets="$targets fuzz/fuzz-$f"
		present="$present $f"
	else
		echo "fuzz-$f: no such target in $BUILD (fuzz/fuzz-$f.c not built yet?), skipped" >&2
	fi
done
FUZZERS=$present
if [ -z "$FUZZERS" ]; then
	echo "$0: nothing to run" >&2
	exit 1
fi
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

if [ "$COVERAGE" = 1 ]; then
	# Plain replay drivers (fuzz/fuzz-main.c) with clang's source-based
	# coverage: no sanitizers, no libFuzzer, so it is quick to build.
	cov="$BUILD/coverage-build"
	flags="-fprofile-instr-generate -fcoverage-mapping"
	if [ ! -f "$cov/build.ninja" ]; then
		CC=${CC:-clang} meson setup "$cov" -Dbuildtype=debug \
			-Dc_args="$flags" -Dc_link_args="$flags" >/dev/null
	fi
	# shellcheck disable=SC2086
	meson compile -C "$cov" $targets >/dev/null
	echo
	echo "line coverage (committed + work corpus, llvm-cov):"
	for f in $FUZZERS; do
		prof="$BUILD/fuzz-work/$f/cov"
		rm -rf "$prof"
		mkdir -p "$prof" "$BUILD/fuzz-work/$f/corpus"
		LLVM_PROFILE_FILE="$prof/%p.profraw" \
			"$cov/fuzz/fuzz-$f" "fuzz/corpus/$f" \
			"$BUILD/fuzz-work/$f/corpus" >/dev/null 2>&1 || true
		llvm-profdata merge -sparse -o "$prof/all.profdata" \
			"$prof"/*.profraw 2>/dev/null || continue
		# Sum the Lines / Missed Lines columns (8, 9) of the rows of the
		# targeted files (llvm-cov prints paths relative to their
		# common prefix: match on the end of the path).
		pct=$(llvm-cov report "$cov/fuzz/fuzz-$f" \
			-instr-profile="$prof/all.profdata" 2>/dev/null |
			awk -v want="$(cov_sources "$f")" '
			BEGIN { n = split(want, w, " ") }
			NF == 13 {
				for (i = 1; i <= n; i++) {
					l = length(w[i])
					if (substr($1, length($1) - l + 1) == w[i] &&
					    (length($1) == l ||
					     substr($1, length($1) - l, 1) == "/")) {
						lines += $8; missed += $9
					}
				}
			}
			END {
				if (lines)
					printf "%.1f%% (%d/%d)", \
						100 * (lines - missed) / lines,
						lines - missed, lines
			}')
		printf '%-24s lines %s of %s\n' "fuzz-$f" "${pct:-?}" \
			"$(cov_sources "$f")"
	done
fi
exit "$failed"

#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: run every benchmark; one line per figure:
#   BENCH <name> <value> <unit> [ratio=<r> vs=<baseline>]
set -eu
BUILD=${1:-build}
echo "# machine: $(nproc) cores, $(uname -m), $(uname -r)"
echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$BUILD/bench/bench-platform" 50000 3
"$BUILD/bench/bench-platform" 100000 2
"$BUILD/bench/bench-lib" 50000 200
"$BUILD/bench/bench-lib" 100000 100
"$BUILD/bench/bench-daemon" "$BUILD" 50000 100000
"$BUILD/bench/bench-stlmd" 50000 200

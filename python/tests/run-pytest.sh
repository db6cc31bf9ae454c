#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# One meson test: pytest on one file of python/tests/ with Debian's python3
# and the package from the build tree. Exit 77 (skip) when that python3
# lacks numpy or pytest, or when pytest skipped every test of the file.
# Usage: run-pytest.sh PYTHON BUILD_PYTHON_DIR TEST_FILE
set -u
PY=$1
PKG=$2
FILE=$3
for m in numpy pytest; do
	if ! "$PY" -c "import $m" 2>/dev/null; then
		echo "SKIP: $PY has no $m (Debian: python3-$m)"
		exit 77
	fi
done
# A sanitized build: preload the runtimes (sanitizer-env.sh)
. "$(dirname "$0")/sanitizer-env.sh"
pre=$(stlm_python_preload "$PKG") || { echo "SKIP: $pre"; exit 77; }
if [ -n "$pre" ]; then
	export LD_PRELOAD="$pre"
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
export PYTHONPATH="$PKG${PYTHONPATH:+:$PYTHONPATH}"
export STLM_TEST_PYTHON="$PY"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd "$(dirname "$FILE")" || exit 1
"$PY" -m pytest -p no:cacheprovider -rs -q "$(basename "$FILE")" >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" = 0 ] && ! grep -q ' passed' "$out" && grep -q ' skipped' "$out"; then
	exit 77
fi
exit "$rc"

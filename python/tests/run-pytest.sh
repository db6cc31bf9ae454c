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
# A sanitized build (CI's second run): the interpreter is not
# instrumented, so the sanitizer runtimes the extension needs are preloaded,
# and leak checking is left to the C tests (the interpreter keeps memory
# until exit by design).
EXT=$(ls "$PKG"/stlm/_stlm*.so 2>/dev/null | head -n 1)
if [ -n "$EXT" ] && ldd "$EXT" 2>/dev/null | grep -q 'libasan\.so'; then
	pre=
	for rt in libasan.so libubsan.so; do
		if ldd "$EXT" | grep -q "${rt%.so}\.so"; then
			f=$(${CC:-cc} -print-file-name="$rt")
			[ -e "$f" ] || { echo "SKIP: sanitized build without $rt to preload"; exit 77; }
			pre="$pre${pre:+:}$f"
		fi
	done
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

# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Sourced by the scripts that run Debian's python3 on the package of a
# build tree (python/tests/run-pytest.sh, scripts/run-bench.sh).
#
# stlm_python_preload PKG: when the extension in PKG/stlm/ was built with
# sanitizers (CI's second run), the interpreter is not instrumented, so
# the sanitizer runtimes the extension needs must be preloaded: prints
# them as an LD_PRELOAD list (nothing for a plain build). Returns 1, with
# the reason on stdout, when a runtime to preload is missing. Callers also
# add detect_leaks=0 to ASAN_OPTIONS: leak checking is left to the C tests
# (the interpreter keeps memory until exit by design).
stlm_python_preload() {
	_ext=$(ls "$1"/stlm/_stlm*.so 2>/dev/null | head -n 1)
	[ -n "$_ext" ] && ldd "$_ext" 2>/dev/null | grep -q 'libasan\.so' || return 0
	_pre=
	for _rt in libasan.so libubsan.so; do
		if ldd "$_ext" | grep -q "${_rt%.so}\.so"; then
			_f=$(${CC:-cc} -print-file-name="$_rt")
			if [ ! -e "$_f" ]; then
				echo "sanitized build without $_rt to preload"
				return 1
			fi
			_pre="$_pre${_pre:+:}$_f"
		fi
	done
	echo "$_pre"
}

# SPDX-License-Identifier: MIT
# Shared by the CLI tests: binaries, a private directory, a platform
# started in the background and always killed, output checks.
#
# Environment (set by tests/cli/meson.build): STLM, STLM_PLATFORM_BIN,
# STLM_SRCDIR (source root). UPDATE_GOLDEN=1 rewrites the golden files.

set -u
: "${STLM:?}" "${STLM_PLATFORM_BIN:?}" "${STLM_SRCDIR:?}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
[ -x "$STLM" ] && [ -x "$STLM_PLATFORM_BIN" ] || { echo "SKIP: binaries missing"; exit 77; }

GOLDEN="$STLM_SRCDIR/tests/cli/golden"
T=$(mktemp -d "${TMPDIR:-/tmp}/stlm-cli-test.XXXXXX")
PIDS=""
FAILS=0
CHECKS=0
unset STLM_PLATFORM
# No kernel telemetry tree in the default resolution unless a test sets one.
export STLM_STLMFS_ROOT="$T/no-stlmfs"
export STLM_CHARDEV_ROOT="$T/no-chardev"
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
export LC_ALL=C.UTF-8

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# start_platform NAME [stlm-platform options...]: serve unix:$T/NAME.sock
start_platform() {
	name=$1
	shift
	"$STLM_PLATFORM_BIN" --quiet --listen "unix:$T/$name.sock" \
		--mem "$T/$name.mem" "$@" 2>"$T/$name.log" &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	for _ in $(seq 100); do
		[ -S "$T/$name.sock" ] && return 0
		sleep 0.05
	done
	echo "FAIL: platform $name did not start"; cat "$T/$name.log"
	exit 1
}

stop_platform() {
	eval "p=\$PID_$1"
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

uri() { echo "unix:$T/$1.sock?mem=$T/$1.mem"; }

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

ok() { CHECKS=$((CHECKS + 1)); }

# expect_rc WANT DESCRIPTION CMD...: run, keep stdout/stderr in $T/out,
# $T/err, check the exit status.
expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, expected $want"
		sed 's/^/  stderr: /' "$T/err" | head -5
		return 1
	fi
	ok
	return 0
}

# golden NAME: compare $T/out (normalised) with golden/NAME.out
golden() {
	sed -e "s|$T|TMP|g" "$T/out" >"$T/norm"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/norm" "$GOLDEN/$1.out"
	fi
	if ! diff -u "$GOLDEN/$1.out" "$T/norm" >"$T/diff"; then
		fail "golden $1"
		head -30 "$T/diff"
		return 1
	fi
	ok
}

# json_check DESCRIPTION PYTHON-EXPR: $T/out must be one JSON document
# and the expression (over d) true.
json_check() {
	if ! python3 - "$T/out" "$2" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
if not eval(sys.argv[2]):
    print("  document:", json.dumps(d)[:400])
    sys.exit(1)
PY
	then
		fail "json $1: $2"
		return 1
	fi
	ok
}

finish() {
	echo "$CHECKS checks passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
	exit $?
}

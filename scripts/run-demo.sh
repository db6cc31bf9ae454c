#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: start the emulated platform (the built-in default SoC, seeded),
# then drive it with the stlm CLI the way a user would: stlm info, an
# excerpt of stlm list, enabling a few DEs by catalog name, a few
# intervals of stlm watch, and a quick read on the built-in platform.
# Everything runs in a private directory that is removed on exit.
set -eu
BUILD=${1:-build}
STLM="$BUILD/cli/stlm"
PLATFORM="$BUILD/platform/stlm-platform"
for b in "$STLM" "$PLATFORM"; do
	[ -x "$b" ] || { echo "run-demo: $b is not built" >&2; exit 1; }
done
export STLM_CATALOG_PATH="$(pwd)/catalogs"
unset STLM_PLATFORM

DIR=$(mktemp -d "${TMPDIR:-/tmp}/stlm-demo.XXXXXX")
PID=
cleanup() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$PLATFORM" --quiet --seed 1 --listen "unix:$DIR/p.sock" --mem "$DIR/p.mem" &
PID=$!
i=0
while [ ! -S "$DIR/p.sock" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "run-demo: stlm-platform did not start" >&2; exit 1; }
	sleep 0.05
done
export STLM_PLATFORM="unix:$DIR/p.sock?mem=$DIR/p.mem"

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "stlm-platform (built-in default SoC, --seed 1) is serving unix:$DIR/p.sock"
step "$STLM" info
printf '\n$ %s list | head -n 14\n' "$STLM"
"$STLM" list | head -n 14
step "$STLM" enable --timestamps cpu.0.freq cpu.0.power cpu.0.temp cpu.0.cycles \
	cluster.0.energy cluster.0.throttle gpu.temp gpu.power
step "$STLM" config --on --interval 100ms
step "$STLM" watch -i 500 -n 3 --rate
step "$STLM" read --json cpu.0.temp
step "$STLM" reset

unset STLM_PLATFORM
step "$STLM" read cpu.4.temp cpu.4.freq
echo
echo "run-demo: done; platform stopped, $DIR removed."

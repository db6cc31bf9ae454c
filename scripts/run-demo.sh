#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: start the emulated platform (the built-in default SoC, seeded),
# then drive it with the stlm CLI the way a user would: stlm info, an
# excerpt of stlm list, enabling a few DEs by catalog name, a few
# intervals of stlm watch; then stlmd owns the platform: its FUSE tree
# (the STLMFS layout) and its client socket, used by the same CLI; and a
# quick read on the built-in platform. Everything runs in a private
# directory that is removed (and unmounted) on exit. stlmd needs root and
# /dev/fuse; without them that part is skipped with a note.
set -eu
BUILD=${1:-build}
STLM="$BUILD/cli/stlm"
PLATFORM="$BUILD/platform/stlm-platform"
STLMD="$BUILD/daemon/stlmd"
for b in "$STLM" "$PLATFORM"; do
	[ -x "$b" ] || { echo "run-demo: $b is not built" >&2; exit 1; }
done
export STLM_CATALOG_PATH="$(pwd)/catalogs"
unset STLM_PLATFORM

DIR=$(mktemp -d "${TMPDIR:-/tmp}/stlm-demo.XXXXXX")
PID=
DPID=
cleanup() {
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null || true
		wait "$DPID" 2>/dev/null || true
	fi
	if grep -q " $DIR/mnt " /proc/mounts 2>/dev/null; then
		fusermount3 -u "$DIR/mnt" 2>/dev/null || umount -l "$DIR/mnt" || true
	fi
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

# stlmd: one owner of the channel, a tree for shell users, a socket for
# libstlm programs.
if [ "$(id -u)" = 0 ] && [ -w /dev/fuse ] && [ -x "$STLMD" ]; then
	mkdir "$DIR/mnt"
	echo
	echo "\$ stlmd --platform '$STLM_PLATFORM' --mount $DIR/mnt --socket $DIR/d.sock -f &"
	"$STLMD" --platform "$STLM_PLATFORM" --mount "$DIR/mnt" \
		--socket "$DIR/d.sock" -f &
	DPID=$!
	i=0
	while [ ! -e "$DIR/mnt/tlm_0/version" ] || [ ! -S "$DIR/d.sock" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "run-demo: stlmd did not start" >&2; exit 1; }
		sleep 0.05
	done
	T0="$DIR/mnt/tlm_0"
	export STLM_PLATFORM="stlmd:$DIR/d.sock"
	step "$STLM" enable cpu.2.temp cpu.2.freq soc.power
	step "$STLM" config --on --interval 100ms
	sleep 0.3
	printf '\n$ ls %s\n' "$T0"
	ls "$T0" | tr '\n' ' '; echo
	printf '\n$ cat %s/des_bulk_read\n' "$T0"
	cat "$T0/des_bulk_read"
	printf '\n$ ls %s/by-name/cpu/2\n' "$T0"
	ls "$T0/by-name/cpu/2" | tr '\n' ' '; echo
	printf '\n$ cat %s/by-name/cpu/2/temp/value\n' "$T0"
	cat "$T0/by-name/cpu/2/temp/value"
	step "$STLM" read cpu.2.temp cpu.2.freq soc.power
	kill "$DPID"
	wait "$DPID" || true
	DPID=
	echo "stlmd stopped and unmounted"
else
	echo
	echo "run-demo: skipping stlmd (needs root and /dev/fuse)"
fi

unset STLM_PLATFORM
step "$STLM" read cpu.4.temp cpu.4.freq
echo
echo "run-demo: done; platform stopped, $DIR removed."

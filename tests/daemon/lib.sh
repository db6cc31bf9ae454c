# SPDX-License-Identifier: MIT
# Common setup of the stlmd tests: an emulated platform (stlm-platform,
# unix socket + memory file) and stlmd mounted on a private directory.
# Every process is started here, remembered by pid and killed by pid;
# the mount is always removed (trap). Needs $STLMD_BIN, $STLM_PLATFORM_BIN.
set -eu

[ -c /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (allow_other, setpriv)"; exit 77; }

T=$(mktemp -d /tmp/stlmd-test.XXXXXX)
MNT=$T/mnt
TLM=$MNT/tlm_0
URI="unix:$T/sock?mem=$T/mem"
PPID_PLATFORM=
PID_DAEMON=
EXTRA_PIDS=
mkdir -p "$MNT"
chmod 755 "$T"

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

cleanup() {
	set +e
	for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null; done
	[ -n "$PID_DAEMON" ] && kill "$PID_DAEMON" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -n "$PID_DAEMON" ] && kill -0 "$PID_DAEMON" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$PID_DAEMON" ] && kill -9 "$PID_DAEMON" 2>/dev/null
	grep -q " $MNT " /proc/mounts && umount -l "$MNT" 2>/dev/null
	[ -n "$PPID_PLATFORM" ] && kill "$PPID_PLATFORM" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

start_platform() {
	rm -f "$T/sock"
	"$STLM_PLATFORM_BIN" --listen "unix:$T/sock" --mem "$T/mem" -q "$@" &
	PPID_PLATFORM=$!
	for _ in $(seq 50); do [ -S "$T/sock" ] && return 0; sleep 0.1; done
	fail "platform did not start"
}

stop_platform() {
	kill "$PPID_PLATFORM"
	wait "$PPID_PLATFORM" 2>/dev/null || true
	PPID_PLATFORM=
}

# start_daemon [stlmd options...]
start_daemon() {
	"$STLMD_BIN" -f --platform "$URI" --mount "$MNT" "$@" &
	PID_DAEMON=$!
	for _ in $(seq 100); do
		[ -e "$TLM/version" ] && return 0
		kill -0 "$PID_DAEMON" 2>/dev/null || fail "stlmd exited"
		sleep 0.05
	done
	fail "mount did not appear"
}

stop_daemon() {
	kill "$PID_DAEMON"
	wait "$PID_DAEMON" || fail "stlmd exit status $?"
	PID_DAEMON=
	grep -q " $MNT " /proc/mounts && fail "still mounted after SIGTERM"
	return 0
}

# expect_write VALUE FILE ERRNO-TEXT|ok
expect_write() {
	if out=$( (printf '%s' "$1" > "$2") 2>&1 ); then
		[ "$3" = ok ] || fail "write '$1' > $2 succeeded, expected $3"
	else
		[ "$3" != ok ] || fail "write '$1' > $2 failed: $out"
		case "$out" in *"$3"*) ;; *) fail "write '$1' > $2: '$out', expected $3";; esac
	fi
}

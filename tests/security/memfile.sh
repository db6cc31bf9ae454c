#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# A hostile platform against its memory file (docs/SECURITY.md §2.3, §4;
# docs/transports.md, "The memory file shrinking"). The platform runs as
# nobody with its memory file in its own directory; a root stlmd maps it
# through ?mem=.
#   1. nobody replaces the memory file with a symbolic link to a root-only
#      file, then with a FIFO, and asks for the SHMTI fds over the socket:
#      it is handed the file mapped at open (same inode), never what the
#      path names now; the FIFO blocks no thread: the request is answered,
#      root's `stlm --platform stlmd:` keeps working, SIGTERM stops stlmd.
#   2. nobody truncates the memory file while root's `stlm watch` runs
#      through stlmd: stlmd and the client survive (no SIGBUS), say that
#      the memory file shrank, and stlmd reports the platform lost.
#   3. the same truncation under a direct `unix:...?mem=` session.
# The platform is stopped (SIGSTOP) before the truncation: the emulator
# itself writes the file and would die of SIGBUS, and the readers would
# then see the channel close before touching the shrunk mapping.
# Needs root, setpriv, python3 and /dev/fuse; skips (77) otherwise.
set -eu
[ -c /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (runs the platform as nobody)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv"; exit 77; }
SRC=$(cd "$(dirname "$0")" && pwd)
PY=
for c in /usr/bin/python3 "$(command -v python3 || true)"; do
	if [ -x "$c" ] && setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$c" -c 'import socket; socket.send_fds' 2>/dev/null; then
		PY=$c
		break
	fi
done
[ -n "$PY" ] || { echo "SKIP: no python3 >= 3.9 that nobody can run"; exit 77; }

T=$(mktemp -d /tmp/stlm-memfile.XXXXXX)
chmod 755 "$T"
PIDS_PLAT=
PIDS_DAEMON=
PID_W=
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

cleanup() {
	set +e
	[ -n "$PID_W" ] && kill "$PID_W" 2>/dev/null
	for p in $PIDS_DAEMON; do kill "$p" 2>/dev/null; done
	for p in $PIDS_DAEMON; do
		for _ in $(seq 25); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$p" 2>/dev/null
	done
	for m in "$T"/mnt-*; do
		grep -q " $m " /proc/mounts && umount -l "$m" 2>/dev/null
	done
	for p in $PIDS_PLAT; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# start NAME: a platform as nobody in $T/NAME (its own directory, owned by
# nobody) and a root stlmd on it; sets D, PLAT, DAEMON, SOCK, TLM.
start() {
	D=$T/$1
	mkdir -m 755 "$D" "$T/mnt-$1"
	chown 65534:65534 "$D"
	# setpriv itself in the background (not the function): $! is the platform
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$STLM_PLATFORM_BIN" -q --listen "unix:$D/p.sock" --mem "$D/mem" &
	PLAT=$!
	PIDS_PLAT="$PIDS_PLAT $PLAT"
	for _ in $(seq 100); do [ -S "$D/p.sock" ] && break; sleep 0.05; done
	[ -S "$D/p.sock" ] || fail "$1: platform did not start"
	SOCK=$T/$1.sock
	TLM=$T/mnt-$1/tlm_0
	"$STLMD_BIN" -f --platform "unix:$D/p.sock?mem=$D/mem" \
		--mount "$T/mnt-$1" --socket "$SOCK" 2> "$T/$1.log" &
	DAEMON=$!
	PIDS_DAEMON="$PIDS_DAEMON $DAEMON"
	for _ in $(seq 200); do
		[ -e "$TLM/version" ] && [ -S "$SOCK" ] && break
		kill -0 "$DAEMON" 2>/dev/null || fail "$1: stlmd exited: $(cat "$T/$1.log")"
		sleep 0.05
	done
	[ -S "$SOCK" ] || fail "$1: stlmd did not start"
	# something to read: a read with no value at all is a failure (exit 1)
	"$STLM_BIN" -q --platform "stlmd:$SOCK" enable cpu.0.temp > /dev/null &&
		"$STLM_BIN" -q --platform "stlmd:$SOCK" config --on > /dev/null ||
		fail "$1: enable through stlmd"
}

# stop_daemon PID: SIGTERM ends it (bounded: 30 s), exit status 0
stop_daemon() {
	kill -TERM "$1"
	for _ in $(seq 300); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && fail "stlmd did not stop on SIGTERM"
	wait "$1" || fail "stlmd exit status $?"
}

# watch_until_error LOG CMD...: run a watch in the background, let it
# print, stop the platform, truncate the memory file as nobody, and wait
# (bounded) for the watch to end; sets W_RC.
watch_until_error() {
	local log=$1
	shift
	"$@" watch -e -i 100 > "$log.out" 2> "$log.err" &
	PID_W=$!
	for _ in $(seq 200); do
		[ "$(wc -l < "$log.out")" -ge 3 ] && break
		kill -0 "$PID_W" 2>/dev/null || fail "watch ended early: $(cat "$log.err")"
		sleep 0.05
	done
	kill -STOP "$PLAT"
	as_nobody truncate -s 0 "$D/mem"
	for _ in $(seq 300); do
		kill -0 "$PID_W" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$PID_W" 2>/dev/null && fail "watch still running 30 s after the truncation"
	W_RC=0
	wait "$PID_W" || W_RC=$?
	PID_W=
}

export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"

# ---- 1. symbolic link and FIFO in place of the memory file -------------
start swap
INO=$(stat -c %i "$D/mem")
MARK="root-only-$$-$RANDOM"
printf '%s\n' "$MARK" > "$T/secret"
chmod 600 "$T/secret"
as_nobody cat "$T/secret" > /dev/null 2>&1 && fail "nobody can read the root-only file"
as_nobody rm -f "$D/mem"
as_nobody ln -s "$T/secret" "$D/mem"
as_nobody "$PY" "$SRC/hostile-client.py" memcheck "$SOCK" "$INO" "$MARK" ||
	fail "symbolic link: SHMTI_FDS"
as_nobody "$STLM_BIN" -q --platform "stlmd:$SOCK" read cpu.0.temp > /dev/null ||
	fail "symbolic link: nobody's read through the socket"
ok "symbolic link to a root-only file in place of the memory file: the fd handed out is the file mapped at open"
as_nobody rm -f "$D/mem"
as_nobody mkfifo -m 644 "$D/mem"
as_nobody "$PY" "$SRC/hostile-client.py" memcheck "$SOCK" "$INO" "$MARK" ||
	fail "FIFO: SHMTI_FDS"
timeout 30 "$STLM_BIN" -q --platform "stlmd:$SOCK" read cpu.0.temp > /dev/null ||
	fail "FIFO: root's stlm --platform stlmd: read failed (exit $?)"
timeout 30 "$STLM_BIN" -q --platform "stlmd:$SOCK" list > /dev/null ||
	fail "FIFO: root's stlm --platform stlmd: list failed (exit $?)"
stop_daemon "$DAEMON"
ok "FIFO in place of the memory file: SHMTI_FDS answered with the mapped file, root served, SIGTERM stops stlmd"

# ---- 2. truncation while watch runs through stlmd ----------------------
start trunc
watch_until_error "$T/w1" "$STLM_BIN" --platform "stlmd:$SOCK"
[ "$W_RC" -lt 128 ] || fail "watch through stlmd killed by signal $((W_RC - 128))"
[ "$W_RC" -ne 0 ] || fail "watch through stlmd ended with status 0 after the truncation"
grep -q "memory file shrank" "$T/w1.err" || fail "watch through stlmd: error: $(cat "$T/w1.err")"
kill -0 "$DAEMON" 2>/dev/null || fail "stlmd died: $(tail -5 "$T/trunc.log")"
# the daemon's own reads of the shrunk mapping (a tree snapshot)
if cat "$TLM/snapshot.bin" > /dev/null 2> "$T/cat.err"; then :; fi
kill -0 "$DAEMON" 2>/dev/null || fail "stlmd died reading the tree: $(tail -5 "$T/trunc.log")"
for _ in $(seq 100); do
	grep -q "lost" "$T/trunc.log" && break
	sleep 0.1
done
grep -q "memory file shrank" "$T/trunc.log" || fail "stlmd log: $(tail -5 "$T/trunc.log")"
grep -q "platform .* lost" "$T/trunc.log" || fail "stlmd did not report the platform lost: $(tail -5 "$T/trunc.log")"
kill -9 "$PLAT"
stop_daemon "$DAEMON"
ok "truncation during watch through stlmd: client exit $W_RC ($(tail -1 "$T/w1.err")); stlmd up, platform reported lost, stops on SIGTERM"

# ---- 3. truncation under a direct session ------------------------------
D=$T/direct
mkdir -m 755 "$D"
chown 65534:65534 "$D"
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$STLM_PLATFORM_BIN" -q --listen "unix:$D/p.sock" --mem "$D/mem" &
PLAT=$!
PIDS_PLAT="$PIDS_PLAT $PLAT"
for _ in $(seq 100); do [ -S "$D/p.sock" ] && break; sleep 0.05; done
watch_until_error "$T/w2" "$STLM_BIN" --platform "unix:$D/p.sock?mem=$D/mem"
[ "$W_RC" -lt 128 ] || fail "direct watch killed by signal $((W_RC - 128))"
[ "$W_RC" -ne 0 ] || fail "direct watch ended with status 0 after the truncation"
grep -q "memory file shrank" "$T/w2.err" || fail "direct watch: error: $(cat "$T/w2.err")"
kill -9 "$PLAT"
ok "truncation under a direct unix:?mem= session: exit $W_RC ($(tail -1 "$T/w2.err"))"

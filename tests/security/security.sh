#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The claims of docs/SECURITY.md that need a real stlmd, FUSE mount,
# platform and other users (the rest point to their tests there):
#   1. an unprivileged user reads the tree and the socket, and gets
#      EACCES (tree) / EROFS (socket) for every configuration and reset;
#   2. the memory fd passed on the socket is read-only (hostile-client.py
#      memfd);
#   3. hostile socket clients (hostile-client.py hostile, as nobody): the
#      daemon stays up, its RSS and fds stay bounded, root and another
#      user keep being served while one user holds every connection it
#      can plus a client that never reads;
#   4. the platform memory file is private to its owner for writing, and a
#      symlink planted where it is created is refused (O_NOFOLLOW);
#   5. the exporter answers only GET/HEAD on / and /metrics.
# Needs root (setpriv to nobody and uid 1234), /dev/fuse and python3;
# skips (77) otherwise.
set -eu
[ -c /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (runs clients as nobody)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
SRC=$(cd "$(dirname "$0")" && pwd)
# a python3 the unprivileged users can run (a per-user install is not)
PY=
for c in /usr/bin/python3 "$(command -v python3)"; do
	if [ -x "$c" ] && setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$c" -c 'import socket; socket.send_fds' 2>/dev/null; then
		PY=$c
		break
	fi
done
[ -n "$PY" ] || { echo "SKIP: no python3 >= 3.9 that nobody can run"; exit 77; }

T=$(mktemp -d /tmp/stlm-sec.XXXXXX)
chmod 755 "$T"
MNT=$T/mnt
TLM=$MNT/tlm_0
SOCK=$T/d.sock
URI="unix:$T/p.sock?mem=$T/mem"
PID_PLAT=
PID_DAEMON=
PID_HOSTILE=
PID_EXPORT=
mkdir -p "$MNT"
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_other() { setpriv --reuid=1234 --regid=1234 --clear-groups "$@"; }

cleanup() {
	set +e
	for p in $PID_HOSTILE $PID_EXPORT; do kill "$p" 2>/dev/null; done
	if [ -n "$PID_DAEMON" ]; then
		kill "$PID_DAEMON" 2>/dev/null
		for _ in $(seq 25); do
			kill -0 "$PID_DAEMON" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$PID_DAEMON" 2>/dev/null
	fi
	grep -q " $MNT " /proc/mounts && umount -l "$MNT" 2>/dev/null
	[ -n "$PID_PLAT" ] && kill "$PID_PLAT" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
nfds() { ls "/proc/$1/fd" | wc -l; }
# expect_eacces CMD...: fails with EACCES (the shell: "Permission denied";
# the CLI: "denied by the platform", its text for EACCES, cli/common.c)
expect_eacces() {
	local out
	if out=$("$@" 2>&1); then fail "succeeded: $*"; fi
	case "$out" in *"Permission denied"*|*"denied by the platform"*) ;; *) fail "$*: '$out', expected EACCES";; esac
}
# expect_erofs CMD...: refused by stlmd itself (-EROFS, read-only access:
# the CLI says "not permitted here", cli/common.c), not by the platform
expect_erofs() {
	local out
	if out=$("$@" 2>&1); then fail "succeeded: $*"; fi
	case "$out" in *"not permitted here"*) ;; *) fail "$*: '$out', expected EROFS";; esac
}

"$STLM_PLATFORM_BIN" -q --listen "unix:$T/p.sock" --mem "$T/mem" &
PID_PLAT=$!
for _ in $(seq 100); do [ -S "$T/p.sock" ] && break; sleep 0.05; done
"$STLMD_BIN" -f --platform "$URI" --mount "$MNT" --socket "$SOCK" &
PID_DAEMON=$!
for _ in $(seq 100); do
	[ -e "$TLM/version" ] && [ -S "$SOCK" ] && break
	kill -0 "$PID_DAEMON" 2>/dev/null || fail "stlmd exited"
	sleep 0.05
done
[ -e "$TLM/version" ] || fail "mount did not appear"
echo y > "$TLM/all_des_enable"
echo y > "$TLM/tlm_enable"
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
STLM="$STLM_BIN -q --platform stlmd:$SOCK"

# ---- 1. unprivileged: reads work, configuration and reset refused ------
DE=$(ls "$TLM/des" | head -1)
as_nobody cat "$TLM/version" "$TLM/des/$DE/value" > /dev/null || fail "nobody cannot read the tree"
as_nobody head -c 64 "$TLM/snapshot.bin" | od -An -tx8 -N8 | grep -q 50414e534d4c5453 ||
	fail "nobody cannot read snapshot.bin"
for f in tlm_enable all_des_enable "des/$DE/enable" groups/0/enable \
	current_update_interval_ms reset; do
	expect_eacces as_nobody bash -c "echo y > '$TLM/$f'"
done
[ "$(cat "$TLM/tlm_enable")" = Y ] || fail "state changed by nobody"
ok "tree as nobody: reads work; tlm_enable, all_des_enable, DE and group enable, interval, reset: EACCES"
as_nobody $STLM read cpu.0.temp > /dev/null || fail "nobody cannot read through the socket"
as_nobody $STLM list > /dev/null || fail "nobody cannot list through the socket"
expect_erofs as_nobody $STLM enable cpu.0.power
expect_erofs as_nobody $STLM disable --all
expect_erofs as_nobody $STLM config --off
expect_erofs as_nobody $STLM config --interval 10ms
expect_erofs as_nobody $STLM reset
[ "$(cat "$TLM/tlm_enable")" = Y ] || fail "state changed by nobody (socket)"
ok "socket as nobody: read and list work; enable, disable, config, reset: EROFS (refused locally)"

# ---- 2. the memory fd is read-only ------------------------------------
as_nobody "$PY" "$SRC/hostile-client.py" memfd "$SOCK" || fail "memory fd"

# ---- 3. hostile socket clients ----------------------------------------
# Bounds: RSS may grow by at most 16 MiB (the never-reading client's
# queue is capped at 1 MiB; 32 connections hold nothing), fds by the
# connections the hostile user holds (32) plus 2.
R0=$(rss "$PID_DAEMON"); F0=$(nfds "$PID_DAEMON")
mkdir -m 1777 "$T/x"
as_nobody "$PY" "$SRC/hostile-client.py" hostile "$SOCK" "$T/x/hold" "$T/x/release" &
PID_HOSTILE=$!
for _ in $(seq 600); do
	[ -e "$T/x/hold" ] && break
	kill -0 "$PID_HOSTILE" 2>/dev/null || { wait "$PID_HOSTILE" || true; fail "hostile client failed"; }
	sleep 0.1
done
[ -e "$T/x/hold" ] || fail "hostile client did not reach the hold point"
kill -0 "$PID_DAEMON" || fail "stlmd died"
# while one user holds every connection it may: root, another user
# (uid 1234) and FUSE readers are served
$STLM read cpu.0.temp > /dev/null || fail "root not served while nobody holds connections"
as_other $STLM read cpu.0.temp > /dev/null || fail "another user not served"
cat "$TLM/des/$DE/value" > /dev/null || fail "the tree is not served"
R1=$(rss "$PID_DAEMON"); F1=$(nfds "$PID_DAEMON")
read -r held refused < "$T/x/hold"
touch "$T/x/release"
wait "$PID_HOSTILE" || fail "hostile client: exit $?"
PID_HOSTILE=
sleep 0.3
R2=$(rss "$PID_DAEMON"); F2=$(nfds "$PID_DAEMON")
echo "stlmd RSS ${R0} -> ${R1} (held) -> ${R2} kB; fds $F0 -> $F1 -> $F2; nobody held $held, refused $refused"
[ $((R1 - R0)) -le 16384 ] || fail "RSS grew by $((R1 - R0)) kB under hostile clients (bound 16 MiB)"
[ $((F1 - F0)) -le $((held + 2)) ] || fail "fds $F0 -> $F1 with $held connections held"
[ $((F2 - F0)) -le 2 ] || fail "fds not released: $F0 -> $F2"
kill -0 "$PID_DAEMON" || fail "stlmd died"
$STLM read cpu.0.temp > /dev/null || fail "not served after the hostile clients"
ok "hostile socket clients: daemon up, RSS/fds bounded, others served"

# ---- 3b. blocking readers cannot take every FUSE worker ----------------
# 100 unprivileged `cat generation` (each blocks after its first read):
# at most 64 block, the others get EAGAIN; root still reads the tree and
# may still block on generation (daemon/fuse.c FS_MAX_BLOCKED*).
CATS=
for _ in $(seq 100); do
	as_nobody cat "$TLM/generation" > /dev/null 2>> "$T/x/cat.err" &
	CATS="$CATS $!"
done
sleep 2
timeout 5 cat "$TLM/version" > /dev/null || fail "tree starved by blocked readers"
rc=0
timeout 1 cat "$TLM/generation" > /dev/null || rc=$?
[ $rc = 124 ] || fail "root blocking read: exit $rc (expected to block)"
eagain=$(grep -c "Resource temporarily unavailable" "$T/x/cat.err" || true)
for p in $CATS; do kill "$p" 2>/dev/null || true; done
for p in $CATS; do wait "$p" 2>/dev/null || true; done
[ "$eagain" -ge 30 ] || fail "only $eagain of 100 blocking readers refused (cap 64)"
timeout 5 cat "$TLM/version" > /dev/null || fail "tree not served after the readers"
ok "100 blocked generation readers: $eagain refused with EAGAIN, tree and root served"

# ---- 4. memory file: owner-writable only; no symlink following ---------
[ "$(stat -c %a "$T/mem")" = 644 ] || [ "$(stat -c %a "$T/mem")" = 600 ] ||
	fail "memory file mode $(stat -c %a "$T/mem")"
as_nobody "$PY" -c 'import os,sys; os.open(sys.argv[1], os.O_RDWR)' "$T/mem" 2>/dev/null &&
	fail "nobody opened the memory file for writing"
mkdir "$T/shared"
chmod 1777 "$T/shared"
echo precious > "$T/victim"
ln -s "$T/victim" "$T/shared/mem"
if timeout 10 "$STLM_PLATFORM_BIN" -q --listen "shm:$T/shared" 2> "$T/plat.err"; then
	fail "platform started on a planted symlink"
fi
[ "$(cat "$T/victim")" = precious ] || fail "the symlink target was overwritten"
grep -q "symbolic links" "$T/plat.err" || fail "error: $(cat "$T/plat.err")"
ok "memory file: not writable by others; planted symlink refused (ELOOP), target intact"

# ---- 4b. the CLI's built-in platform: a private 0700 directory ---------
mkdir -m 1777 "$T/tmp"
# no --platform, no $STLM_PLATFORM: the built-in emulated platform
( unset STLM_PLATFORM; TMPDIR="$T/tmp" exec "$STLM_BIN" -q \
	watch -i 200 -n 25 > /dev/null 2>&1 ) &
PID_B=$!
d=
for _ in $(seq 50); do
	d=$(ls -d "$T"/tmp/stlm-* 2>/dev/null | head -1)
	[ -n "$d" ] && [ -e "$d/mem" ] && break
	sleep 0.1
done
[ -n "$d" ] || fail "no built-in platform directory in TMPDIR"
[ "$(stat -c '%a %u' "$d")" = "700 0" ] || fail "built-in dir: $(stat -c '%a %u' "$d")"
as_nobody ls "$d" > /dev/null 2>&1 && fail "nobody can list the built-in dir"
as_nobody cat "$d/mem" > /dev/null 2>&1 && fail "nobody can read the built-in memory"
kill "$PID_B" 2>/dev/null || true
wait "$PID_B" 2>/dev/null || true
[ -z "$(ls "$T/tmp")" ] || fail "built-in dir left behind: $(ls "$T/tmp")"
ok "CLI built-in platform: private 0700 directory, unreachable by others, removed"

# ---- 5. exporter: read-only HTTP ---------------------------------------
PORT=$((20000 + $$ % 20000))
$STLM export --listen "127.0.0.1:$PORT" 2> "$T/export.err" &
PID_EXPORT=$!
python3 - "$PORT" "$PID_EXPORT" <<'PY' || fail "exporter"
import http.client, os, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
def req(method, path, body=None):
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request(method, path, body=body)
            r = c.getresponse()
            data = r.read()
            c.close()
            return r.status, data
        except ConnectionRefusedError:
            os.kill(pid, 0)
            time.sleep(0.1)
    sys.exit("exporter not listening")
st, body = req("GET", "/metrics")
assert st == 200 and b"stlm_up 1" in body, (st, body[:200])
for m in ("POST", "PUT", "DELETE"):
    st, _ = req(m, "/metrics", body=b"x" * 1000)
    assert st == 405, (m, st)
st, _ = req("GET", "/../../etc/passwd")
assert st == 404, st
print("ok: exporter: GET /metrics 200; POST/PUT/DELETE 405; other paths 404")
PY
kill "$PID_EXPORT"
wait "$PID_EXPORT" || true
PID_EXPORT=
kill -0 "$PID_DAEMON" || fail "stlmd died"
kill "$PID_DAEMON"
wait "$PID_DAEMON" || fail "stlmd exit status $?"
PID_DAEMON=
ok "stlmd stopped cleanly"

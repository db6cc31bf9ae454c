#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# stlmd without its platform, its --socket path, and stlmfs: over its own
# tree (stlmd(8), docs/catalog-format.md):
# - a regular file at --socket PATH is left alone: stlmd refuses, says why
#   and exits non-zero; a stale socket there is replaced; at exit stlmd
#   removes only the socket it created (not a file put there since);
# - with no platform, stlmd backs off and logs one line per change (not one
#   per attempt), logs once when it reaches the platform, and exits 3 when
#   stopped without ever having reached it; a client (root or not) is told
#   that stlmd runs, that its platform is not reached or lost, for how
#   long, the last error and that it retries;
# - stlm -p stlmfs:MNT applies the catalog that stlmd's by-name/ uses (the
#   UUID matches): the same names over both;
# - the emulator's and stlmd's sockets appear only once they listen: a
#   client that connects the instant the path exists is never refused.
. "$(dirname "$0")/lib.sh"
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
STLMD_LOG=$T/stlmd.log

# --- a regular file at --socket PATH ----------------------------------------
echo "precious" >"$T/file.sock"
start_platform
set +e
timeout 20 "$STLMD_BIN" -f --platform "$URI" --mount "$MNT" \
	--socket "$T/file.sock" 2>"$STLMD_LOG"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "stlmd accepted a regular file as its socket"
[ "$(cat "$T/file.sock")" = precious ] || fail "the regular file at --socket was replaced"
grep -q "not a socket is there: refusing to replace it" "$STLMD_LOG" ||
	fail "no clear message: $(cat "$STLMD_LOG")"
grep -q " $MNT " /proc/mounts && fail "still mounted after refusing"
ok "a regular file at --socket survives; stlmd refuses with a clear message"

# a stale socket is replaced; at exit only our socket goes
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])' "$T/d.sock"
start_daemon --socket "$T/d.sock"
"$STLM_BIN" -q -p "stlmd:$T/d.sock" info >/dev/null || fail "stale socket not replaced"
stop_daemon
[ -e "$T/d.sock" ] && fail "stlmd left its socket behind"
start_daemon --socket "$T/d.sock"
# the mount can be ready before the socket listens (bounded wait)
for _ in $(seq 100); do [ -S "$T/d.sock" ] && break; sleep 0.05; done
rm "$T/d.sock"
echo "someone else's" >"$T/d.sock"
stop_daemon
[ "$(cat "$T/d.sock" 2>/dev/null)" = "someone else's" ] ||
	fail "stlmd removed a file it did not create"
rm -f "$T/d.sock"
ok "a stale socket is replaced; at exit stlmd removes only its own socket"

# --- stlmfs: over stlmd's own tree applies the catalog ---------------------
start_daemon
"$STLM_BIN" -q -p "stlmfs:$MNT" enable battery.current >/dev/null ||
	fail "enable battery.current"
"$STLM_BIN" -q -p "stlmfs:$MNT" config --on >/dev/null || fail "config --on"
out=$("$STLM_BIN" -p "stlmfs:$MNT" info --json 2>"$T/err") || fail "stlmfs info: $(cat "$T/err")"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["catalog"] == "default-soc", d' ||
	fail "stlmfs: over stlmd's tree: no catalog: $out $(cat "$T/err")"
for _ in $(seq 50); do
	out=$("$STLM_BIN" -q -p "stlmfs:$MNT" read --json battery.current 2>"$T/err") && break
	sleep 0.1
done
# Named by the catalog, and negative: the catalog's "bits" gives the data
# size the tree does not (docs/catalog-format.md).
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["samples"][0]; assert s["name"] == "battery.current" and s["valid"] and s["unit"] == "A" and s["value"] < 0, d' ||
	fail "stlmfs: battery.current: $out $(cat "$T/err")"
name=$([ -e "$TLM/by-name/battery/current" ] && echo 1 || echo 0)
[ "$name" = 1 ] || fail "stlmd's by-name/ has no battery.current"
stop_daemon
ok "stlmfs: over stlmd's tree applies the catalog its by-name/ uses"

# --- no platform: backoff, one line per change, recovery, exit status -------
stop_platform
"$STLMD_BIN" -f --platform "$URI" --mount "$MNT" --socket "$T/d.sock" 2>"$STLMD_LOG" &
PID_DAEMON=$!
for _ in $(seq 100); do [ -e "$TLM" ] || [ -e "$MNT/tlm_0" ] && break; sleep 0.05; done
for _ in $(seq 100); do [ -S "$T/d.sock" ] && break; sleep 0.05; done
# a client says the daemon is up, what it lacks, since when, the last
# error, and that it retries: not a bare "Input/output error"
set +e
timeout 20 "$STLM_BIN" -p "stlmd:$T/d.sock" read >/dev/null 2>"$T/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "read through stlmd without a platform: exit $rc"
grep -q "stlmd is running but has not reached its platform unix:$T/sock" "$T/err" ||
	fail "no 'not reached' reason: $(cat "$T/err")"
grep -Eq "for [0-9]+\.[0-9] s \(last error: [^;)]+; [0-9]+ failed attempts?\); it keeps retrying" "$T/err" ||
	fail "no since/last error/retrying: $(cat "$T/err")"
grep -q "cannot open platform .*stlmd is running but cannot use its platform now" "$T/err" ||
	fail "no final reason: $(cat "$T/err")"
grep -q "Input/output error" "$T/err" && fail "still a bare EIO: $(cat "$T/err")"
[ "$(grep -c 'has not reached' "$T/err")" = 1 ] || fail "reason not said once: $(cat "$T/err")"
ok "a client of stlmd without a platform: $(head -1 "$T/err")"
# an unprivileged client is told the same
if [ -x "$(command -v setpriv)" ]; then
	set +e
	timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$STLM_BIN" -p "stlmd:$T/d.sock" info >/dev/null 2>"$T/err"
	rc=$?
	set -e
	[ "$rc" = 1 ] && grep -q "has not reached its platform" "$T/err" ||
		fail "unprivileged client: exit $rc: $(cat "$T/err")"
	ok "an unprivileged client is told the same"
fi
# readers ask for the platform all the time: still one line per change
end=$((SECONDS + 4))
while [ $SECONDS -lt $end ]; do cat "$TLM/version" >/dev/null 2>&1 || true; sleep 0.05; done
lines=$(grep -c "platform unix:" "$STLMD_LOG" || true)
[ "$lines" -le 1 ] || fail "$lines log lines in 4 s without a platform: $(head -5 "$STLMD_LOG")"
kill "$PID_DAEMON"
set +e
wait "$PID_DAEMON"
rc=$?
set -e
PID_DAEMON=
[ "$rc" = 3 ] || fail "stopped without ever reaching the platform: exit $rc, expected 3"
grep -q "was never reached" "$STLMD_LOG" || fail "no 'never reached' line: $(cat "$STLMD_LOG")"
ok "no platform: one line in 4 s, exit 3 when it was never reached"

"$STLMD_BIN" -f --platform "$URI" --mount "$MNT" --socket "$T/d.sock" 2>"$STLMD_LOG" &
PID_DAEMON=$!
sleep 1
start_platform
for _ in $(seq 200); do
	[ "$(cat "$TLM/version" 2>/dev/null)" = 0x10000 ] && break
	sleep 0.05
done
[ "$(cat "$TLM/version" 2>/dev/null)" = 0x10000 ] || fail "stlmd did not reach the platform"
grep -q "platform unix:.* reached (after" "$STLMD_LOG" || fail "no 'reached' line: $(cat "$STLMD_LOG")"
timeout 20 "$STLM_BIN" -q -p "stlmd:$T/d.sock" info >/dev/null || fail "a client once the platform is reached"
# the platform dies: a client hears that it was lost, not a bare EIO
stop_platform
# (enable reaches the platform, so the daemon notices)
for _ in $(seq 100); do
	set +e
	timeout 20 "$STLM_BIN" -p "stlmd:$T/d.sock" enable battery.current >/dev/null 2>"$T/err"
	rc=$?
	set -e
	grep -q "has lost its platform" "$T/err" && break
	sleep 0.1
done
[ "$rc" = 1 ] || fail "enable after the platform died: exit $rc"
grep -q "stlmd is running but has lost its platform unix:$T/sock[^ ]* for [0-9.]* s (last error: " "$T/err" ||
	fail "no 'lost' reason: $(cat "$T/err")"
ok "the platform lost: $(head -1 "$T/err")"
stop_daemon
ok "stlmd reaches a platform that comes late, logs it once and exits 0"

# --- sockets appear only once they listen -----------------------------------
# (the platform was stopped above)
python3 - "$STLM_PLATFORM_BIN" "$T" <<'PY' || fail "a socket path that refused connections"
import os, socket, subprocess, sys, time
plat, tmp = sys.argv[1], sys.argv[2]
for i in range(30):
    path = os.path.join(tmp, "race%d.sock" % i)
    p = subprocess.Popen([plat, "--quiet", "--listen", "unix:" + path])
    try:
        deadline = time.monotonic() + 20
        while not os.path.exists(path):
            if time.monotonic() > deadline or p.poll() is not None:
                sys.exit("platform %d did not start" % i)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
        except OSError as e:
            sys.exit("start %d: connect the instant the path exists: %s" % (i, e))
        s.close()
    finally:
        p.terminate()
        p.wait()
PY
ok "30 emulator starts: connecting the instant the path exists never refused"

#!/bin/bash
# SPDX-License-Identifier: MIT
# Platform loss and return: EIO (never stale data) while it is gone, the
# mount stays, the daemon recovers on its own and never crashes.
. "$(dirname "$0")/lib.sh"
start_platform
start_daemon
echo y > "$TLM/tlm_enable"; echo y > "$TLM/all_des_enable"
DE=$(ls "$TLM/des" | head -1)
cat "$TLM/des/$DE/value" >/dev/null || fail "value before loss"
read -r g0 < "$TLM/generation"
stop_platform
sleep 1
for f in des/$DE/value des_bulk_read snapshot.bin tlm_enable; do
	if out=$(cat "$TLM/$f" 2>&1 >/dev/null); then fail "$f readable with the platform gone"; fi
	case "$out" in *"Input/output error"*) ;; *) fail "$f: '$out', expected EIO";; esac
done
(echo y > "$TLM/tlm_enable") 2>/dev/null && fail "write succeeded with the platform gone"
kill -0 "$PID_DAEMON" || fail "daemon died"
grep -q " $MNT " /proc/mounts || fail "mount lost"
[ -e "$TLM/version" ] || fail "tree gone"
ok "platform gone: EIO, mount kept"

start_platform
for _ in $(seq 50); do cat "$TLM/tlm_enable" >/dev/null 2>&1 && break; sleep 0.1; done
cat "$TLM/tlm_enable" >/dev/null || fail "no recovery"
echo y > "$TLM/tlm_enable"; echo y > "$TLM/all_des_enable"
grep -Eqx '[0-9]+ [0-9A-F]{16}' "$TLM/des/$DE/value" || fail "value after recovery"
read -r g1 < "$TLM/generation"
[ "$g1" -gt "$g0" ] || fail "generation $g0 -> $g1 not increasing"
ok "platform back: recovered, generation $g0 -> $g1"
stop_daemon

#!/bin/bash
# SPDX-License-Identifier: MIT
# Permissions as an unprivileged user: reads work, writes fail; then
# uid=/gid=/umask= honoured.
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || { echo "SKIP: setpriv"; exit 77; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
start_platform
start_daemon
DE=$(ls "$TLM/des" | head -1)
as_nobody cat "$TLM/version" >/dev/null || fail "nobody cannot read version"
as_nobody cat "$TLM/des/$DE/type" >/dev/null || fail "nobody cannot read type"
as_nobody ls "$TLM/by-components" >/dev/null || fail "nobody cannot list"
as_nobody bash -c "echo y > '$TLM/tlm_enable'" 2>/dev/null && fail "nobody wrote tlm_enable"
as_nobody bash -c "echo y > '$TLM/des/$DE/enable'" 2>/dev/null && fail "nobody wrote enable"
as_nobody bash -c "echo 1 > '$TLM/reset'" 2>/dev/null && fail "nobody wrote reset"
[ "$(cat "$TLM/tlm_enable")" = N ] || fail "state changed"
ok "default: world-readable, root-writable"
stop_daemon

start_daemon -o uid=65534,gid=65534,umask=0027
[ "$(stat -c '%u %g %a' "$TLM/tlm_enable")" = "65534 65534 640" ] || fail "knob: $(stat -c '%u %g %a' "$TLM/tlm_enable")"
[ "$(stat -c '%a' "$TLM/version")" = 440 ] || fail "ro: $(stat -c %a "$TLM/version")"
[ "$(stat -c '%a' "$TLM/des")" = 750 ] || fail "dir: $(stat -c %a "$TLM/des")"
as_nobody bash -c "echo y > '$TLM/tlm_enable'" || fail "owner cannot write"
[ "$(cat "$TLM/tlm_enable")" = Y ] || fail "owner write not applied"
setpriv --reuid=1234 --regid=1234 --clear-groups cat "$TLM/version" 2>/dev/null && fail "other read with umask 027"
ok "uid=/gid=/umask= honoured"
stop_daemon

#!/bin/bash
# SPDX-License-Identifier: MIT
# Permissions as an unprivileged user: reads work, writes fail; then
# uid=/gid=/umask= honoured, out-of-range ids refused.
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

# ids out of range, (uid_t)-1, signs, blanks, hex and bad umasks: refused
# before anything is mounted, with the option named, exit status 2
for o in uid=-1 uid=4294967295 uid=4294967296 gid=4294967296 gid=-1 \
	gid=4294967295 uid=99999999999999999999 uid= uid=0x10 "uid= 1" \
	uid=+1 uid=1a umask=0800 umask=-1 umask=1000 umask=; do
	set +e
	out=$("$STLMD_BIN" -f --platform "$URI" --mount "$MNT" -o "$o" 2>&1)
	st=$?
	set -e
	[ "$st" = 2 ] || fail "-o $o: exit $st ($out)"
	case "$out" in *"${o%%=*}="*"expected"*) ;; *) fail "-o $o: '$out'";; esac
	grep -q " $MNT " /proc/mounts && fail "-o $o mounted"
done
# the largest id is accepted
start_daemon -o uid=4294967294,gid=4294967294
[ "$(stat -c '%u %g' "$TLM/version")" = "4294967294 4294967294" ] || fail "max id: $(stat -c '%u %g' "$TLM/version")"
stop_daemon
ok "out-of-range uid=/gid=/umask= refused (exit 2)"

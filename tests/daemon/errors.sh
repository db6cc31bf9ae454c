#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# A request's error is not the platform's loss (docs/api.md "Errors"):
# an unprivileged client's failing requests through the socket (no such
# group, no such DE, a configuration it may not make, a bogus interval)
# leave stlmd serving: reads through the socket and the tree keep
# working, the daemon never logs "platform lost", and each message names
# the right party (the daemon's local refusal is not "denied by the
# platform"). The same for root's "no such group".
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || { echo "SKIP: setpriv"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
LOG=$T/stlmd.log
SOCK=$T/d.sock
DE=0x00010102

start_platform
start_daemon --socket "$SOCK" 2>"$LOG"
"$STLM_BIN" -q -p "stlmd:$SOCK" enable cpu.1.temp >/dev/null ||
	fail "root: enable"
"$STLM_BIN" -q -p "stlmd:$SOCK" config --on --interval 10ms >/dev/null ||
	fail "root: config --on"
sleep 0.1

# run_fail WHO PATTERN CMD...: CMD (stlm -p stlmd:SOCK ARGS) fails and its
# message matches PATTERN (extended regex)
run_fail() {
	local who=$1 pat=$2 out
	shift 2
	if [ "$who" = nobody ]; then
		out=$(as_nobody "$STLM_BIN" -p "stlmd:$SOCK" "$@" 2>&1) &&
			fail "$who: stlm $* succeeded: $out"
	else
		out=$("$STLM_BIN" -p "stlmd:$SOCK" "$@" 2>&1) &&
			fail "$who: stlm $* succeeded: $out"
	fi
	echo "$out" | grep -qE "$pat" ||
		fail "$who: stlm $*: '$out', expected /$pat/"
	echo "$out" | grep -q "denied by the platform" &&
		fail "$who: stlm $*: a local refusal reads as the platform's: '$out'"
	echo "   $who: stlm $*: $out"
}

# serving: the socket reads valid values, a tree file reads, the daemon
# never thought the platform lost
serving() {
	local out
	out=$(as_nobody "$STLM_BIN" -q -p "stlmd:$SOCK" read --json cpu.1.temp) ||
		fail "$1: read through the socket: $out"
	echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["samples"][0]; assert s["valid"] and 40 < s["value"] < 80, d' ||
		fail "$1: read: $out"
	v=$(as_nobody cat "$TLM/des/$DE/value") || fail "$1: tree read"
	[ -n "$v" ] || fail "$1: empty tree value"
	grep -qiE "lost|another agent" "$LOG" &&
		fail "$1: daemon log: $(cat "$LOG")"
	kill -0 "$PID_DAEMON" || fail "$1: stlmd exited"
	return 0
}

serving "before"
ok "serving before the failing requests"

run_fail nobody 'no group 99' config -g 99
serving "after nobody's config -g 99"
ok "nobody: config -g 99: no such group; the daemon keeps serving"

run_fail nobody 'no such|unknown|0x0badbeef' enable 0x0badbeef
serving "after nobody's enable of a nonexistent DE"
ok "nobody: enable of a nonexistent DE fails; the daemon keeps serving"

run_fail nobody 'not permitted here' config --off
run_fail nobody 'not permitted here' disable cpu.1.temp
run_fail nobody 'not permitted here' reset
serving "after nobody's configuration changes"
ok "nobody: configuration changes refused locally, not by the platform"

run_fail nobody 'not permitted here|not supported' config --interval 7ms
run_fail root 'interval 7ms is not supported by the platform' config --interval 7ms
serving "after a bogus interval"
ok "bogus interval refused (locally for nobody, by the platform for root)"

run_fail root 'no group 99' config -g 99
serving "after root's config -g 99"
ok "root: config -g 99: no such group; the daemon stays ready"

# the tree's "no such file" is not a lost platform either
as_nobody cat "$TLM/des/0x0badbeef/value" 2>/dev/null && fail "nonexistent DE file"
serving "after a nonexistent tree file"
ok "tree: a nonexistent DE is ENOENT; the daemon keeps serving"

stop_daemon
grep -qiE "lost|another agent" "$LOG" && fail "daemon log: $(cat "$LOG")"
ok "no 'platform lost' in the daemon's log"

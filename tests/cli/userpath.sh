#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# Regressions found by the user-path matrix (tests/matrix), each against
# the command a user types: a name pattern that matches nothing, a socket
# platform without its memory file, watch leaving the platform's interval
# changed, watch --json when the platform dies.
. "$(dirname "$0")/lib.sh"

start_platform p
P=$(uri p)
S() { "$STLM" --platform "$P" "$@"; }
expect_rc 0 "enable all" S -q enable --all
expect_rc 0 "config on" S -q config --on

# list GLOB that matches nothing: a message on stderr and exit 1, also
# with --json (the error document); with the catalog the glob matches.
STLM_CATALOG_PATH="$T/no-catalogs" expect_rc 1 "list glob, no catalog" S list 'cpu.*.temp' &&
	{ grep -q "no DE name matches 'cpu.\*.temp'; no catalog is applied" "$T/err" && ok ||
	  fail "list glob: stderr '$(cat "$T/err")'"; }
[ -s "$T/out" ] && fail "list glob, no catalog: printed '$(head -2 "$T/out")'"
STLM_CATALOG_PATH="$T/no-catalogs" expect_rc 1 "list glob --json" S list --json 'cpu.*.temp' &&
	json_check "list glob error" 'd["error"]["exit_code"] == 1 and "cpu.*.temp" in d["error"]["message"]'
expect_rc 0 "list glob, catalog" S list --no-header 'cpu.*.temp' &&
	{ [ "$(wc -l < "$T/out")" -eq 10 ] && ok || fail "list glob: $(wc -l < "$T/out") rows"; }
expect_rc 1 "list glob and group" S list -g 3 'cpu.*.temp' &&
	{ grep -q "with the other filters given" "$T/err" && ok || fail "list -g: '$(cat "$T/err")'"; }

# A socket URI without ?mem=: SHMTI values are out of reach. read says so
# in one line and exits 1 when nothing could be read (the --json document
# keeps the samples and adds the error); watch fails before its first
# interval; with ?mem= everything reads.
NOMEM="unix:$T/p.sock"
expect_rc 1 "read without memory" "$STLM" -p "$NOMEM" read 0x17006 0x19000 &&
	{ [ "$(grep -c "names no memory file.*?mem=" "$T/err")" -eq 1 ] && ok ||
	  fail "read without memory: stderr '$(cat "$T/err")'"; }
expect_rc 1 "read --json without memory" "$STLM" -p "$NOMEM" read --json 0x17006 &&
	json_check "read --json without memory" 'd["samples"][0]["valid"] is False and "?mem=" in d["error"]["message"] and d["error"]["exit_code"] == 1'
expect_rc 1 "watch without memory" "$STLM" -p "$NOMEM" watch -n 2 -i 50 0x17006 &&
	{ grep -q "names no memory file" "$T/err" && [ ! -s "$T/out" ] && ok ||
	  fail "watch without memory: '$(cat "$T/out" "$T/err")'"; }
expect_rc 0 "read with memory" S read 0x17006 0x19000
expect_rc 1 "read, all disabled" S read --no-header 0x12345 2>/dev/null
S -q disable 0x17006 >/dev/null
expect_rc 1 "read a disabled DE" S read 0x17006 &&
	{ grep -q "no value could be read: the DE is disabled" "$T/err" && ok ||
	  fail "read disabled: '$(cat "$T/err")'"; }
S -q enable 0x17006 >/dev/null

# watch sets the platform-wide interval for its run and puts it back: after
# -n, after SIGINT and after SIGTERM.
interval() { S config --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["collection"]["interval_ns"])'; }
before=$(interval)
expect_rc 0 "watch -n" S watch -n 2 -i 300 0x17006
[ "$(interval)" = "$before" ] && ok || fail "watch -n left the interval at $(interval) (was $before)"
# (a platform serves one agent at a time: look only after the run)
for sig in INT TERM; do
	"$STLM" --platform "$P" watch -i 500 0x17006 >"$T/w.out" 2>"$T/w.err" &
	wpid=$!
	sleep 1.2
	kill -"$sig" "$wpid"
	wait "$wpid" || fail "watch exit $? on SIG$sig"
	[ "$(grep -c soc.voltage "$T/w.out")" -ge 1 ] || fail "watch printed nothing before SIG$sig"
	[ "$(interval)" = "$before" ] && ok || fail "SIG$sig: interval left at $(interval) (was $before)"
done

# watch --json when the platform dies: the intervals collected so far and
# the error, in one valid document, exit 1.
"$STLM" --platform "$P" watch --json -i 100 0x17006 >"$T/wj.out" 2>"$T/wj.err" &
wpid=$!
sleep 0.7
stop_platform p
wait "$wpid"
rc=$?
[ "$rc" -eq 1 ] || fail "watch --json, platform gone: exit $rc"
cp "$T/wj.out" "$T/out"
json_check "watch --json, platform gone" 'len(d["intervals"]) >= 2 and d["intervals"][0]["samples"][0]["value"] == 0.8 and "went away" in d["error"]["message"]'

finish

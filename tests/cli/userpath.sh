#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# Regressions found by the user-path matrix (tests/matrix), each against
# the command a user types: a name pattern that matches nothing, a socket
# platform without its memory file, watch leaving the platform's interval
# changed, watch --json when the platform dies, table and CSV formatting.
. "$(dirname "$0")/lib.sh"

start_platform p
P=$(uri p)
S() { "$STLM" --platform "$P" "$@"; }
# (the socket file exists a moment before the platform listens on it)
for _ in $(seq 50); do S -q info >/dev/null 2>&1 && break; sleep 0.1; done
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
expect_rc 1 "record without memory" "$STLM" -p "$NOMEM" record -o "$T/nomem.rec" -n 2 -i 50ms 0x17006 &&
	{ grep -q "no value could be read: .*names no memory file" "$T/err" && ok ||
	  fail "record without memory: '$(cat "$T/err")'"; }
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
	# the first block, then the signal (bounded wait, not a fixed sleep)
	for _ in $(seq 300); do
		grep -q soc.voltage "$T/w.out" 2>/dev/null && break
		sleep 0.1
	done
	kill -"$sig" "$wpid"
	wait "$wpid" || fail "watch exit $? on SIG$sig"
	[ "$(grep -c soc.voltage "$T/w.out")" -ge 1 ] || fail "watch printed nothing before SIG$sig"
	[ "$(interval)" = "$before" ] && ok || fail "SIG$sig: interval left at $(interval) (was $before)"
done

# Formatting (constant fixture): decode's DE table and samples are aligned
# in display columns (°C is two columns, three bytes); CSV values have the
# precision of JSON numbers (3.3, not 3.3000000000000003); read --csv has
# status (validity) and state (state name) columns; --stream json ids are
# integers.
start_platform f --config "$STLM_SRCDIR/tests/cli/fixture.json"
F() { "$STLM" --platform "$(uri f)" "$@"; }
for _ in $(seq 50); do F -q info >/dev/null 2>&1 && break; sleep 0.1; done
F -q enable --all >/dev/null && F -q config --on -i 10ms >/dev/null
expect_rc 0 "record fixture" F record -q -o "$T/f.rec" -n 2 -i 20ms --stream json soc_temp board_volt 0x201 &&
	python3 - "$T/out" <<'PY' && ok || fail "--stream json ids: $(head -c 300 "$T/out")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
s = lines[0]["samples"]
assert [x["id"] for x in s] == [0x100, 0x201, 0x300], s
assert s[1]["name"] is None and s[0]["name"] == "soc_temp", s
PY
expect_rc 0 "decode table" "$STLM" decode "$T/f.rec" &&
	python3 - "$T/out" <<'PY' && ok || fail "decode columns: $(grep -E '^(0x| +0x)' "$T/out" | head -8)"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
table = [l for l in lines if l.startswith("0x")]
# (python indexes code points: display columns for this text)
head = next(l for l in lines if l.startswith("ID "))
col = head.index("KIND")
assert any("°C" in l for l in table)
assert all(l[col:].split()[0] in ("gauge", "counter", "state") for l in table), table
samples = [l for l in lines if l.startswith("  0x")]
raw = {l.index(" raw ") for l in samples}
assert len(raw) == 1, samples
PY
expect_rc 0 "decode --csv" "$STLM" decode --csv "$T/f.rec" &&
	{ grep -q ',board_volt,3.3,V,3300,' "$T/out" && ! grep -q '3.3000000' "$T/out" && ok ||
	  fail "decode --csv: $(grep board_volt "$T/out" | head -1)"; }
expect_rc 0 "record --stream csv" F record -q -f -o "$T/f.rec" -n 1 --stream csv board_volt &&
	{ grep -q ',board_volt,3.3,V,ok$' "$T/out" && ok || fail "stream csv: $(cat "$T/out")"; }
expect_rc 0 "read --csv" F read --csv soc_temp &&
	{ [ "$(head -1 "$T/out")" = "id,name,value,unit,status,state" ] &&
	  grep -q '^0x00000100,soc_temp,45.25,°C,valid,$' "$T/out" && ok ||
	  fail "read --csv: $(cat "$T/out")"; }

# record on a large platform: the header holds every DE (400k here, over
# format 1.0's 16 MiB header body), marked format 1.1; it decodes.
start_platform big --des 400000
for _ in $(seq 100); do "$STLM" -q -p "$(uri big)" info >/dev/null 2>&1 && break; sleep 0.1; done
expect_rc 0 "record 400k DEs" timeout -s KILL 60 "$STLM" -p "$(uri big)" record -q -e -o "$T/big.rec" -n 2 -i 50ms 0x1000000 0x1000005 &&
	expect_rc 0 "decode 400k DEs" "$STLM" decode --strict "$T/big.rec" &&
	{ grep -q "format 1.1" "$T/out" && grep -q "400000 in the table" "$T/out" && ok ||
	  fail "decode big: $(head -5 "$T/out")"; }
stop_platform big

# watch --json when the platform dies: the intervals collected so far and
# the error, in one valid document, exit 1.
"$STLM" --platform "$P" watch --json -i 100 0x17006 >"$T/wj.out" 2>"$T/wj.err" &
wpid=$!
# watch buffers its document: give it time for a few intervals (100 ms
# each) even on a slow, sanitized build before the platform goes.
sleep 3
stop_platform p
wait "$wpid"
rc=$?
[ "$rc" -eq 1 ] || fail "watch --json, platform gone: exit $rc"
cp "$T/wj.out" "$T/out"
json_check "watch --json, platform gone" 'len(d["intervals"]) >= 2 and d["intervals"][0]["samples"][0]["value"] == 0.8 and "went away" in d["error"]["message"]'

finish

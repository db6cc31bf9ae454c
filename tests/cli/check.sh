#!/bin/sh
# SPDX-License-Identifier: MIT
# stlm check: clean on the default SoC; each deviation of a platform that
# sets every reserved bit and pads every reply (fault "lax") flagged with
# its section and bytes; every fault kind of the emulator ends in a
# verdict (findings, or "cannot check") within bounded time; descriptions
# with deliberate deviations.
. "$(dirname "$0")/lib.sh"

# A clean platform: no finding, exit 0.
start_platform clean --seed 1
expect_rc 0 "check clean" "$STLM" -q -p "$(uri clean)" check --json &&
	json_check check-clean 'd["errors"] == 0 and d["warnings"] == 0'
expect_rc 0 "check clean text" "$STLM" -q -p "$(uri clean)" check --reset
grep -q "^0 error(s), 0 warning(s)" "$T/out" || fail "check clean: summary line"
stop_platform clean

# Every reserved bit set, every reply padded: each kind flagged, exit 1.
start_platform lax --seed 1 --fault lax
expect_rc 1 "check lax" "$STLM" -q -p "$(uri lax)" check --json &&
	json_check check-lax '{f["rule"] for f in d["findings"]} >= {"reserved-bits", "long-reply", "shmti-flags"} and d["errors"] == 0 and all(f["section"] and f["bytes"] for f in d["findings"] if f["severity"] == "warning")'
json_check check-lax-sections '{(f["section"], f["rule"]) for f in d["findings"]} >= {("4.2", "reserved-bits"), ("4.5", "shmti-flags"), ("4.6", "reserved-bits"), ("4.7", "reserved-bits"), ("4.11", "reserved-bits"), ("4.8", "long-reply"), ("2.7", "reserved-bits"), ("2.7", "long-reply")}'
# warnings only: --errors-only passes
expect_rc 0 "check lax errors-only" "$STLM" -q -p "$(uri lax)" check --errors-only
# the library reads the same platform and counts what it tolerated
expect_rc 0 "info lax" "$STLM" -q -p "$(uri lax)" info --json &&
	json_check info-lax 'd["deviations"]["reserved-bits"] > 0 and d["deviations"]["long-reply"] > 0 and d["deviations"]["shmti-flags"] > 0'
stop_platform lax

# Every fault kind of the emulator: a verdict, never a hang or a crash.
# Faults that break every command make the platform uncheckable (exit 2);
# the others are findings (exit 1) or, for faults outside the checks'
# reach, a clean run.
check_fault() {
	fk=$1 want=$2 spec=$3 rule=${4:-}
	start_platform "f$fk" --seed 1 --fault "$spec"
	P="unix:$T/f$fk.sock?mem=$T/f$fk.mem&timeout_ms=300"
	"$STLM" -q -p "$P" check --json >"$T/out" 2>"$T/err"
	rc=$?
	case " $want " in
	*" $rc "*) ok ;;
	*) fail "check fault $spec: exit $rc, expected one of $want"
	   sed 's/^/  /' "$T/out" "$T/err" | head -5 ;;
	esac
	if [ "$rc" -eq 1 ]; then
		json_check "check-fault-$fk" 'len(d["findings"]) > 0'
		[ -n "$rule" ] && json_check "check-fault-$fk-rule" "any(f['rule'] == '$rule' for f in d['findings'])"
	fi
	stop_platform "f$fk"
}
check_fault delay 2 "delay:ms=900"
check_fault drop 2 "drop"
check_fault status 1 "status:msg=0x7,status=DENIED" malformed-reply
check_fault short 1 "length:msg=0x9,bytes=-4,after=1" malformed-reply
check_fault long 1 "length:proto=0x1b,bytes=8" long-reply
check_fault token 2 "token"
check_fault reserved 1 "reserved:proto=0x1b,msg=0x1" reserved-bits
check_fault torn 1 "torn:shmti=0" tdcf-sequence
check_fault stuck 1 "stuck:shmti=0" tdcf-sequence
check_fault reset "0 1" "reset:ms=0"
check_fault flood "0 1" "flood:count=50"
check_fault lax 1 "lax" shmti-flags

# Deliberate deviations in the description (allowed with linux_unsafe).
cat >"$T/noshmti.json" <<'J'
{"linux_unsafe": true, "shmti": {"count": 0, "size": 64},
 "des": [{"id": 1, "shmti": "none"}]}
J
start_platform noshmti --config "$T/noshmti.json"
"$STLM" -q -p "$(uri noshmti)" check --json >"$T/out" 2>"$T/err"
case $? in
1) json_check check-noshmti 'any(f["rule"] == "no-shmti" and f["section"] == "4.2" for f in d["findings"])' && ok ;;
2) grep -q "" "$T/err" && ok ;;	# the library refuses to open it: a verdict too
*) fail "check noshmti: unexpected exit" ;;
esac
stop_platform noshmti

# Without a platform of its own (the stlmfs reader) check cannot run.
mkdir -p "$T/fs"
"$STLM" -q -p "stlmfs:$T/fs" check >"$T/out" 2>"$T/err"
[ $? -eq 2 ] && ok || fail "check stlmfs: expected exit 2"

finish

#!/bin/bash
# SPDX-License-Identifier: MIT
# The tree against the STLMFS v4 list (stlmfs-interface.md §4-§6): names,
# modes, read formats, by-components/ and by-name/.
. "$(dirname "$0")/lib.sh"
start_platform
start_daemon

# --- instance level: exactly v4 (all capabilities on) + our extras
V4="all_des_enable all_des_tstamp_enable available_update_intervals_ms
by-components control current_update_interval_ms de_implementation_version
des des_bulk_read des_single_sample_read generation groups intervals_discrete
reset tlm_enable version"
EXTRA="by-name pipe raw_0 raw_1 raw_2 raw_3 snapshot snapshot.bin"
want=$(echo $V4 $EXTRA | tr ' ' '\n' | sort | tr '\n' ' ')
got=$(ls "$TLM" | sort | tr '\n' ' ')
[ "$want" = "$got" ] || fail "tlm_0: got '$got' want '$want'"
ok "tlm_0 entries"
[ "$(ls "$MNT")" = tlm_0 ] || fail "root: $(ls "$MNT")"

# --- modes (default umask 0022)
mode() { stat -c %a "$1"; }
for f in all_des_enable all_des_tstamp_enable current_update_interval_ms tlm_enable control; do
	[ "$(mode "$TLM/$f")" = 644 ] || fail "$f mode $(mode "$TLM/$f")"
done
for f in available_update_intervals_ms de_implementation_version des_bulk_read \
	des_single_sample_read generation intervals_discrete version; do
	[ "$(mode "$TLM/$f")" = 444 ] || fail "$f mode $(mode "$TLM/$f")"
done
[ "$(mode "$TLM/reset")" = 200 ] || fail "reset mode"
[ "$(mode "$TLM/des")" = 755 ] || fail "des mode"
ok "modes"

# --- formats
grep -Eqx '0x[0-9a-f]+' "$TLM/version" || fail "version: $(cat "$TLM/version")"
grep -Eqx '[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}' \
	"$TLM/de_implementation_version" || fail "uuid"
for f in tlm_enable all_des_enable all_des_tstamp_enable intervals_discrete; do
	grep -Eqx '[YN]' "$TLM/$f" || fail "$f: $(cat "$TLM/$f")"
done
grep -Eqx -- '-?[0-9]+,-?[0-9]+' "$TLM/current_update_interval_ms" || fail "cur interval"
grep -Eqx -- '(-?[0-9]+,-?[0-9]+)( -?[0-9]+,-?[0-9]+)*' \
	"$TLM/available_update_intervals_ms" || fail "available intervals"
if [ "$(cat "$TLM/intervals_discrete")" = N ]; then
	[ "$(wc -w < "$TLM/available_update_intervals_ms")" = 3 ] || fail "triplet"
fi
# bulk read: EINVAL while telemetry is off
cat "$TLM/des_bulk_read" >/dev/null 2>&1 && fail "bulk read with telemetry off"
echo y > "$TLM/tlm_enable"
echo y > "$TLM/all_des_enable"
sleep 0.3
grep -Evq '^0x[0-9A-F]{8} [0-9]+ [0-9A-F]{16}$' "$TLM/des_bulk_read" && fail "bulk format"
[ "$(wc -l < "$TLM/des_bulk_read")" -gt 10 ] || fail "bulk: too few lines"
grep -Evq '^0x[0-9A-F]{8} [0-9]+ [0-9A-F]{16}$' "$TLM/des_single_sample_read" && fail "single format"
ok "instance formats"

# --- des/<id>/
MUST="compo_instance_id compo_type enable instance_id persistent type unit unit_exp value"
n=0; named=0; ts=0
for d in "$TLM"/des/*; do
	id=${d##*/}
	echo "$id" | grep -Eqx '0x[0-9A-F]{8}' || fail "des name $id"
	files=" $(ls "$d" | tr '\n' ' ')"
	for m in $MUST; do case "$files" in *" $m "*) ;; *) fail "$id lacks $m";; esac; done
	for f in $files; do
		case " $MUST name tstamp_enable tstamp_rate " in *" $f "*) ;; *) fail "$id: extra $f";; esac
	done
	case "$files" in *" tstamp_enable "*) ts=$((ts+1))
		[ -e "$d/tstamp_rate" ] || fail "$id: tstamp_enable without rate";; esac
	case "$files" in *" name "*) named=$((named+1));; esac
	n=$((n+1))
done
[ "$n" -gt 100 ] || fail "only $n DEs"
[ "$ts" -gt 0 ] && [ "$named" -gt 0 ] || fail "conditionals: ts=$ts named=$named"
d=$(ls -d "$TLM"/des/* | head -1)
for f in type unit instance_id compo_type compo_instance_id; do
	grep -Eqx '[0-9]+' "$d/$f" || fail "$f format"
done
grep -Eqx -- '-?[0-9]+' "$d/unit_exp" || fail "unit_exp"
grep -Eqx '[01]' "$d/persistent" || fail "persistent"
grep -Eqx '[YN]' "$d/enable" || fail "enable"
grep -Eqx '[0-9]+ [0-9A-F]{16}' "$d/value" || fail "value: $(cat "$d/value")"
[ "$(mode "$d/enable")" = 644 ] && [ "$(mode "$d/value")" = 444 ] || fail "DE modes"
[ -e "$TLM/des/0xFFFFFFF0" ] && fail "unknown DE exists"
[ -e "$TLM/des/0x0000a000" ] && fail "lower-case id accepted"
ok "des/: $n DEs, $named named, $ts with timestamps"

# --- groups/<gid>/
GV4="available_update_intervals_ms composing_des control current_update_interval_ms
des_bulk_read des_single_sample_read enable intervals_discrete tstamp_enable"
want=$(echo $GV4 snapshot snapshot.bin | tr ' ' '\n' | sort | tr '\n' ' ')
ng=0
for g in "$TLM"/groups/*; do
	got=$(ls "$g" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "group ${g##*/}: '$got'"
	grep -Eqx '0x[0-9A-F]{8}( 0x[0-9A-F]{8})*' "$g/composing_des" || fail "composing_des"
	for id in $(cat "$g/composing_des"); do [ -d "$TLM/des/$id" ] || fail "member $id"; done
	ng=$((ng+1))
done
[ "$ng" -gt 0 ] || fail "no groups"
[ "$(ls "$TLM/groups" | sort -n | head -1)" = 0 ] || fail "group ids"
ok "groups/: $ng"

# --- by-components/
nl=0
for l in $(find "$TLM/by-components" -type l); do
	rel=${l#"$TLM/by-components/"}
	echo "$rel" | grep -Eqx '[a-z0-9_]+/[0-9]+/[a-z0-9_]+/[0-9]+/0x[0-9A-F]{8}\[[^]/]*\]' \
		|| fail "by-components path $rel"
	t=$(readlink "$l")
	id=$(echo "$rel" | sed 's/.*\/\(0x[0-9A-F]*\)\[.*/\1/')
	[ "$t" = "../../../../../des/$id" ] || fail "link $rel -> $t"
	[ -e "$l/value" ] || fail "dangling $rel"
	nl=$((nl+1))
done
[ "$nl" = "$n" ] || fail "by-components: $nl links for $n DEs"
ls "$TLM/by-components" | grep -qx interconnnect || fail "no interconnnect"
ok "by-components/: $nl links"

# --- by-name/: every link resolves to its DE
nn=0
for l in $(find "$TLM/by-name" -type l); do
	[ -e "$l/enable" ] || fail "dangling by-name $l -> $(readlink "$l")"
	nn=$((nn+1))
done
[ "$nn" -gt 0 ] || fail "by-name empty"
ok "by-name/: $nn links"

# --- raw_<N>: one per SHMTI, read-only, size = area length, TBGN..TEND
for r in "$TLM"/raw_*; do
	[ "$(mode "$r")" = 444 ] || fail "$r mode $(mode "$r")"
	sz=$(stat -c %s "$r")
	[ "$(head -c 4 "$r" | od -An -tx1 | tr -d ' \n')" = 4e474254 ] || fail "$r: no TBGN"
	[ "$(tail -c 4 "$r" | od -An -tx1 | tr -d ' \n')" = 444e4554 ] || fail "$r: no TEND"
	[ "$(wc -c < "$r")" = "$sz" ] || fail "$r: read $(wc -c < "$r") of $sz bytes"
	( : > "$r" ) 2>/dev/null && fail "$r writable"
done
[ ! -e "$TLM/raw_4" ] || fail "raw_4 exists"
ok "raw_<N>: signatures, sizes, read-only"

# files still open when the tree stops (their RELEASE never comes): stlmd
# frees them and exits 0 (under AddressSanitizer, no leak report)
( exec 3<"$TLM/snapshot.bin" 4<"$TLM/des/0x00017006/value" 5<"$TLM/snapshot" \
	6<"$TLM/des_bulk_read" 7<"$TLM/generation"
  head -c 10 <&3 >/dev/null; sleep 30 ) &
HOLDER=$!
EXTRA_PIDS="$EXTRA_PIDS $HOLDER"
sleep 0.5
kill -0 "$HOLDER" 2>/dev/null || fail "could not hold the files open"
stop_daemon
ok "unmounted on SIGTERM with five files held open, exit status 0"
kill "$HOLDER" 2>/dev/null

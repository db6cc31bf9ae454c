#!/bin/bash
# SPDX-License-Identifier: MIT
# Every writable file with valid and invalid writes: invalid ones give
# EINVAL (or ENOSPC/ERANGE as v4) and change nothing; generation moves only
# on valid changes.
. "$(dirname "$0")/lib.sh"
start_platform
start_daemon

gen() { read -r x < "$TLM/generation"; echo "$x"; }
NL=$'\n'

# booleans: every writable bool file
DE=$(ls "$TLM/des" | head -1)
TSDE=$(for d in "$TLM"/des/*; do [ -e "$d/tstamp_enable" ] && { echo "${d##*/}"; break; }; done)
[ -n "$TSDE" ] || fail "no DE with timestamps"
TSG=$(for g in "$TLM"/groups/*; do for id in $(cat "$g/composing_des"); do
	[ -e "$TLM/des/$id/tstamp_enable" ] && { echo "${g##*/}"; break 2; }; done; done)
for f in tlm_enable all_des_enable all_des_tstamp_enable des/$DE/enable \
	des/$TSDE/tstamp_enable groups/$TSG/enable groups/$TSG/tstamp_enable; do
	# timestamps need the DEs enabled (SCMI has no "disabled with ts")
	case $f in *tstamp*) echo y > "$TLM/all_des_enable";; esac
	# exactly the kernel's kstrtobool() set, each with and without one
	# trailing newline (docs/stlmfs.md)
	for v in 1 y Y t T on ON On oN 0 n N f F off OFF Off oFf; do
		for nl in "" "$NL"; do
			case $v in 0|n|N|f|F|[oO][fF][fF]) pre=Y;; *) pre=N;; esac
			echo "$pre" > "$TLM/$f"
			expect_write "$v$nl" "$TLM/$f" ok
			case $v in 1|y|Y|t|T|[oO][nN]) want=Y;; *) want=N;; esac
			[ "$(cat "$TLM/$f")" = "$want" ] || fail "$f after '$v': $(cat "$TLM/$f")"
		done
	done
	before=$(cat "$TLM/$f"); g=$(gen)
	for v in x 2 maybe "-1" o " y" Yikes yes no 0x1 10 true false onn of \
		"y " "y$NL$NL" "$NL" O; do
		expect_write "$v" "$TLM/$f" "Invalid argument"
	done
	[ "$(cat "$TLM/$f")" = "$before" ] || fail "$f changed by invalid writes"
	[ "$(gen)" = "$g" ] || fail "generation moved on invalid writes to $f"
	ok "$f"
done

# intervals
echo y > "$TLM/tlm_enable"
f=$TLM/current_update_interval_ms
first=$(cut -d' ' -f1 "$TLM/available_update_intervals_ms")
expect_write "$first" "$f" ok
[ "$(awk -F, '{ printf "%.0f", $1 * 10 ^ ($2 + 9) }' "$f")" = "$(echo "$first" | awk -F, '{ printf "%.0f", $1 * 10 ^ ($2 + 9) }')" ] || fail "interval $(cat "$f") != $first"
ms=$(grep -o ' [0-9]*,-3' "$TLM/available_update_intervals_ms" | tail -1 | tr -d ' ' | cut -d, -f1)
expect_write "$ms" "$f" ok
[ "$(awk -F, '{ printf "%.0f", $1 * 10 ^ ($2 + 3) }' "$f")" = "$ms" ] || fail "plain ms $ms: $(cat "$f")"
expect_write " $ms , -3 " "$f" ok
before=$(cat "$f"); g=$(gen)
for v in " " abc "1,x" "1,2,3" ",3" "-5"; do expect_write "$v" "$f" "Invalid argument"; done
expect_write "99999999999" "$f" "Numerical result out of range"
expect_write "$(head -c 200 /dev/zero | tr '\0' 1)" "$f" "No space left"
[ "$(cat "$f")" = "$before" ] && [ "$(gen)" = "$g" ] || fail "interval changed by invalid writes"
ok "current_update_interval_ms"
g=$TLM/groups/0/current_update_interval_ms
first=$(cut -d' ' -f1 "$TLM/groups/0/available_update_intervals_ms")
expect_write "$first" "$g" ok
expect_write "bad" "$g" "Invalid argument"
ok "groups/0/current_update_interval_ms"

# read-only files refuse writes, even for root
expect_write y "$TLM/version" "Permission denied"
expect_write y "$TLM/des/$DE/value" "Permission denied"
cat "$TLM/reset" >/dev/null 2>&1 && fail "reset readable"
ok "read-only files"

# reset: everything disabled again, generation moves
echo y > "$TLM/tlm_enable"; echo y > "$TLM/all_des_enable"
g=$(gen)
echo 1 > "$TLM/reset"
[ "$(cat "$TLM/tlm_enable")" = N ] || fail "tlm_enable after reset"
[ "$(cat "$TLM/des/$DE/enable")" = N ] || fail "DE enabled after reset"
[ "$(gen)" != "$g" ] || fail "generation unchanged by reset"
ok "reset"

# no creation, removal, chmod
touch "$TLM/newfile" 2>/dev/null && fail "created a file"
rm -f "$TLM/version" 2>/dev/null || true; [ -e "$TLM/version" ] || fail "removed version"
chmod 666 "$TLM/version" 2>/dev/null && fail "chmod succeeded"
ok "fixed tree"

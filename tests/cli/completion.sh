#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# completion/stlm.bash through the real bash-completion package
# (scripts/install-deps.sh installs it): 'stlm ' lists the subcommands,
# 'stlm read --' read's options, 'stlm config --mode ' the modes; every
# option of every command (from stlm help --options-table) completes,
# top's included, and DE names complete after a -p given after the
# command.
. "$(dirname "$0")/lib.sh"
# the completion runs the stlm it completes for
PATH="$(dirname "$STLM"):$PATH"
export PATH

BC=/usr/share/bash-completion/bash_completion
command -v bash >/dev/null 2>&1 || { echo "SKIP: bash missing"; exit 77; }
[ -r "$BC" ] || { echo "SKIP: $BC missing (Debian package bash-completion)"; exit 77; }

# complete WORDS...: the candidates for the last word, one a line
complete_words() {
	bash --norc --noprofile -i -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_stlm stlm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' sh "$BC" "$STLM_SRCDIR/completion/stlm.bash" "$@" 2>"$T/err" </dev/null
}

complete_words stlm "" >"$T/out" || fail "completion: bash failed"
for c in info list show read watch top enable disable config reset record replay decode report export catalog check help; do
	grep -qx "$c" "$T/out" || fail "completion: 'stlm ' lacks $c"
done
ok
complete_words stlm read -- >"$T/out" || fail "completion: bash failed"
for o in --enable --single --timestamps --csv --no-header --json; do
	grep -qx -- "$o" "$T/out" || fail "completion: 'stlm read --' lacks $o"
done
grep -qx -- "--interval" "$T/out" && fail "completion: 'stlm read --' offers watch's --interval"
ok
# every option of every command, as the command's own table lists it
"$STLM" help --options-table >"$T/table" || fail "help --options-table"
for c in $(awk -F'\t' '$1 != "*" { print $1 }' "$T/table" | sort -u); do
	complete_words stlm "$c" -- >"$T/out" || fail "completion: bash failed"
	awk -F'\t' -v c="$c" '$1 == c && $3 ~ /^--/ { print $3 }' "$T/table" >"$T/want"
	while read -r o; do
		grep -qx -- "$o" "$T/out" || fail "completion: 'stlm $c --' lacks $o"
	done <"$T/want"
	for g in --platform --catalog --json --quiet --verbose; do
		grep -qx -- "$g" "$T/out" || fail "completion: 'stlm $c --' lacks the global $g"
	done
done
ok
complete_words stlm top -- >"$T/out"
for o in --interval --count --batch --once --sort --reverse --filter; do
	grep -qx -- "$o" "$T/out" || fail "completion: 'stlm top --' lacks $o"
done
ok
complete_words stlm top --sort "" >"$T/out"
[ "$(sort "$T/out" | tr '\n' ' ')" = "id name rate value " ] || fail "completion: top --sort: $(cat "$T/out")"
ok
complete_words stlm record -D "" >"$T/out"
grep -qx 1h "$T/out" || fail "completion: record -D: $(cat "$T/out")"
ok
# no old spelling is offered
complete_words stlm record - >"$T/out"
grep -qx -- "-E" "$T/out" && fail "completion: offers the old record -E"
grep -qx -- "-D" "$T/out" || fail "completion: record lacks -D"
ok
# DE names from the platform given after the command
start_platform p
for _ in $(seq 100); do "$STLM" -q -p "$(uri p)" info >/dev/null 2>&1 && break; sleep 0.1; done
complete_words stlm top -p "$(uri p)" cpu.0.fr >"$T/out"
grep -qx "cpu.0.freq" "$T/out" || fail "completion: DE names after top -p: $(cat "$T/out")"
ok
complete_words stlm config --mode "" >"$T/out" || fail "completion: bash failed"
[ "$(sort "$T/out" | tr '\n' ' ')" = "notify on_demand " ] || fail "completion: config --mode: $(cat "$T/out")"
ok
finish

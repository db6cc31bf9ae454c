#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# completion/stlm.bash through the real bash-completion package
# (scripts/install-deps.sh installs it): 'stlm ' lists the subcommands,
# 'stlm read --' read's options, 'stlm config --mode ' the modes.
. "$(dirname "$0")/lib.sh"

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
for c in info list show read watch enable disable config reset record replay decode report export catalog help; do
	grep -qx "$c" "$T/out" || fail "completion: 'stlm ' lacks $c"
done
ok
complete_words stlm read -- >"$T/out" || fail "completion: bash failed"
for o in --enable --single --timestamps --csv --no-header --json; do
	grep -qx -- "$o" "$T/out" || fail "completion: 'stlm read --' lacks $o"
done
grep -qx -- "--interval" "$T/out" && fail "completion: 'stlm read --' offers watch's --interval"
ok
complete_words stlm config --mode "" >"$T/out" || fail "completion: bash failed"
[ "$(sort "$T/out" | tr '\n' ' ')" = "notify on_demand " ] || fail "completion: config --mode: $(cat "$T/out")"
ok
finish

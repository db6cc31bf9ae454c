#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# Regressions found by the user-path matrix (tests/matrix), each against
# the command a user types: a name pattern that matches nothing, a socket
# platform without its memory file, watch leaving the platform's interval
# changed.
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

finish

#!/bin/sh
# SPDX-License-Identifier: MIT
# Default platform resolution with a kernel telemetry tree: with no
# --platform, no $STLM_PLATFORM and no stlmd socket, stlm picks the STLMFS
# tree at $STLM_STLMFS_ROOT (here the static fixture tests/data/stlmfs)
# with exactly one notice line, before the built-in platform; a root
# without tlm_<N> falls through to the built-in platform.
. "$(dirname "$0")/lib.sh"

if [ -S /run/stlm/stlmd.sock ]; then
	echo "SKIP: a system stlmd socket would take precedence"
	exit 77
fi
FIX="$STLM_SRCDIR/tests/data/stlmfs"
export STLM_CATALOG_PATH="$FIX/catalog.json"
export TMPDIR="$T"

export STLM_STLMFS_ROOT="$FIX"
expect_rc 0 "stlmfs info" "$STLM" info --json
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "stlmfs: expected exactly one notice line"
grep -q "using the kernel telemetry tree stlmfs:$FIX\$" "$T/err" || fail "stlmfs: notice text: $(cat "$T/err")"
json_check stlmfs-info 'd["platform"].startswith("stlmfs:") and d["des"] == 6 and d["groups"] == 1 and d["uuid"] == "5A1E0C3B-7D2F-4E88-9B61-3C0FDE5A0001"'
expect_rc 0 "stlmfs list" "$STLM" -q list --json
json_check stlmfs-list 'd["count"] == 6'
expect_rc 0 "stlmfs read" "$STLM" -q read --json
json_check stlmfs-read '[s["id"] for s in d["samples"]] == [1, 2, 3, 4, 5] and d["samples"][0]["raw"] == 1234 and abs(d["samples"][1]["value"] + 2.0) < 1e-9 and d["samples"][4]["valid"] is False'
# The explicit URI forms agree.
expect_rc 0 "stlmfs instance uri" "$STLM" -q -p "stlmfs:$FIX/tlm_0" read --json 0x00000003
json_check stlmfs-uri 'd["samples"][0]["raw"] == 100'
# $STLM_PLATFORM still wins over the tree.
start_platform p
STLM_PLATFORM=$(uri p) expect_rc 0 "STLM_PLATFORM first" "$STLM" info --json
# (the fixture's catalog does not describe that platform: that notice only)
grep -v "^stlm: no catalog applies to platform " "$T/err" | grep -q . &&
	fail "STLM_PLATFORM: unexpected notice: $(cat "$T/err")"
json_check env-first 'd["platform"].startswith("unix:")'
stop_platform p

# No tree there: the built-in platform, one notice.
export STLM_STLMFS_ROOT="$T/none"
expect_rc 0 "no tree" "$STLM" info
[ "$(grep -vc "^stlm: no catalog applies to platform " "$T/err")" -eq 1 ] ||
	fail "no tree: expected exactly one notice line besides the catalog's"
grep -q "built-in emulated platform" "$T/err" || fail "no tree: builtin notice"
ok
finish

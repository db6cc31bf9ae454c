#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# stlm report on a recording with no complete record (only the header, and
# the header plus a torn first record): an empty report with a clear "no
# data collected" notice, exit 0, no crash and no undefined behaviour
# (under -Db_sanitize=undefined the sort of zero series once passed NULL
# to qsort(); UBSAN_OPTIONS below makes that fatal).
#
# Environment (tests/cli-report/meson.build): STLM, STLM_PLATFORM_BIN,
# STLM_SRCDIR.
. "$STLM_SRCDIR/tests/cli/lib.sh"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

start_platform p
P=$(uri p)
S() { "$STLM" --platform "$P" "$@"; }

expect_rc 0 "record one record" S record -o "$T/r1.rec" -i 20ms -n 1
expect_rc 0 "record two records" S record -o "$T/r2.rec" -i 20ms -n 2
S1=$(wc -c < "$T/r1.rec")
S2=$(wc -c < "$T/r2.rec")
# records of one run have the same size: the header is what is left
H=$((2 * S1 - S2))
[ "$H" -gt 0 ] && [ "$H" -lt "$S1" ] || fail "header size $H (files $S1, $S2)"
head -c "$H" "$T/r1.rec" > "$T/h.rec"
head -c $((S1 - 5)) "$T/r1.rec" > "$T/t.rec"
for f in h t; do
	for fmt in "" --json; do
		expect_rc 0 "report $fmt ($f: no complete record)" \
			"$STLM" report $fmt "$T/$f.rec"
		grep -q "no data collected (no complete record)" "$T/err" ||
			fail "report $fmt $f.rec: message: $(cat "$T/err")"
		grep -q "runtime error" "$T/err" && fail "undefined behaviour: $(cat "$T/err")"
	done
done
finish

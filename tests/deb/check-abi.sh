#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The ABI of the shared library (docs/packaging.md):
#  - its soname is libstlm.so.1;
#  - it exports only stlm_* functions and data, each under the version
#    node LIBSTLM_1 (lib/libstlm.map), and no internal stlm__ symbol;
#  - debian/libstlm1.symbols lists exactly those exports.
#
#   check-abi.sh LIBSTLM_SO SYMBOLS_FILE          check
#   check-abi.sh --write LIBSTLM_SO SYMBOLS_FILE  (re)write the symbols
#       file from the library; symbols already listed keep their version,
#       new ones get the package version from debian/changelog
#   check-abi.sh --self-test LIBSTLM_SO SYMBOLS_FILE
#       the check itself: it passes on the real pair, and fails on a
#       symbols file missing an export, on one naming a symbol the
#       library lacks, and on a library exporting a non-stlm_ symbol
set -u

SONAME=libstlm.so.1
NODE=LIBSTLM_1
PKG=libstlm1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

mode=check
case ${1:-} in
--write) mode=write; shift ;;
--self-test) mode=self; shift ;;
esac
[ $# -eq 2 ] || { echo "usage: $0 [--write|--self-test] LIBSTLM_SO SYMBOLS_FILE" >&2; exit 2; }
SO=$1
SYMS=$2
for t in nm readelf awk sort comm; do
	command -v $t >/dev/null || { echo "no $t: skipped"; exit 77; }
done
[ -f "$SO" ] || fail "no library $SO"

T=$(mktemp -d "${TMPDIR:-/tmp}/stlm-abi.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# exports SO OUT: "name@version" lines of the defined dynamic symbols,
# sorted, the version node's own symbol left out.
exports() {
	nm -D --defined-only "$1" >"$T/nm" 2>"$T/nm.err" ||
		fail "nm $1: $(cat "$T/nm.err")"
	awk '$2 != "A" { n = $NF; sub(/@@/, "@", n); print n }' "$T/nm" | sort -u >"$2"
}

# listed SYMBOLS OUT: the "name@version" entries of a symbols file.
listed() {
	awk '/^ / { print $1 }' "$1" | grep -v "^$NODE@$NODE\$" | sort -u >"$2"
}

check() {
	so=$1
	syms=$2
	soname=$(readelf -d "$so" | awk '/\(SONAME\)/ { gsub(/[][]/, "", $NF); print $NF }')
	[ "$soname" = "$SONAME" ] || { echo "soname is '${soname:-none}', not $SONAME" >&2; return 1; }
	exports "$so" "$T/have"
	[ -s "$T/have" ] || { echo "$so exports nothing" >&2; return 1; }
	bad=$(grep -v "^stlm_[A-Za-z0-9][A-Za-z0-9_]*@$NODE\$" "$T/have" | head -n 10 | tr '\n' ' ')
	[ -z "$bad" ] || { echo "exports outside stlm_*@$NODE: $bad" >&2; return 1; }
	[ -f "$syms" ] || { echo "no symbols file $syms" >&2; return 1; }
	grep -v '^#' "$syms" | head -n 1 | grep -q "^$SONAME $PKG " ||
		{ echo "$syms does not start with '$SONAME $PKG'" >&2; return 1; }
	listed "$syms" "$T/want"
	comm -23 "$T/have" "$T/want" >"$T/new"
	comm -13 "$T/have" "$T/want" >"$T/gone"
	if [ -s "$T/new" ] || [ -s "$T/gone" ]; then
		[ -s "$T/new" ] && echo "exported but not in $syms: $(tr '\n' ' ' <"$T/new")" >&2
		[ -s "$T/gone" ] && echo "in $syms but not exported: $(tr '\n' ' ' <"$T/gone")" >&2
		echo "(after a deliberate ABI change: $0 --write $so $syms)" >&2
		return 1
	fi
	echo "ok: $so: soname $SONAME, $(wc -l <"$T/have") exports, all stlm_*@$NODE, as $syms lists"
}

case $mode in
check)
	check "$SO" "$SYMS" || fail "ABI check"
	;;
write)
	exports "$SO" "$T/have"
	src=$(cd "$(dirname "$SYMS")/.." && pwd)
	ver=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$src/debian/changelog")
	[ -n "$ver" ] || fail "no version in $src/debian/changelog"
	{
		echo "# SPDX-License-Identifier: MIT"
		echo "# Copyright (c) 2026 The stlm authors"
		echo "# The exports of libstlm.so.1, written by tests/deb/check-abi.sh --write"
		echo "# from the built library and checked against it by the abi test."
		echo "$SONAME $PKG #MINVER#"
		echo "* Build-Depends-Package: libstlm-dev"
		echo " $NODE@$NODE $ver"
		while read -r s; do
			old=$(awk -v s="$s" '$1 == s { print $2 }' "$SYMS" 2>/dev/null)
			echo " $s ${old:-$ver}"
		done <"$T/have"
	} >"$T/out"
	mv "$T/out" "$SYMS"
	echo "wrote $SYMS: $(wc -l <"$T/have") symbols"
	;;
self)
	check "$SO" "$SYMS" >/dev/null || fail "the check refuses the real library and symbols file"
	# A symbols file missing one export.
	awk '/^ stlm_/ && !d { d = 1; next } { print }' "$SYMS" >"$T/less.symbols"
	check "$SO" "$T/less.symbols" 2>/dev/null && fail "a symbols file missing an export passed"
	# One naming a symbol that is not exported.
	{ cat "$SYMS"; echo " stlm_no_such_function@$NODE 0.1.0"; } >"$T/more.symbols"
	check "$SO" "$T/more.symbols" 2>/dev/null && fail "a symbols file naming a missing export passed"
	# A library exporting a non-stlm_ symbol (and lacking a soname).
	command -v cc >/dev/null || { echo "no cc: the library half skipped"; exit 0; }
	echo 'int leak_me(void); int leak_me(void) { return 1; } int stlm_x(void); int stlm_x(void) { return 2; }' >"$T/leak.c"
	cc -shared -fPIC -Wl,-soname,$SONAME -o "$T/leak.so" "$T/leak.c" 2>"$T/cc.err" ||
		fail "cc: $(cat "$T/cc.err")"
	check "$T/leak.so" "$SYMS" 2>"$T/leak.err" && fail "a library exporting leak_me passed"
	grep -q "leak_me" "$T/leak.err" || fail "the refusal does not name leak_me: $(cat "$T/leak.err")"
	cc -shared -fPIC -o "$T/nosoname.so" "$T/leak.c" 2>/dev/null
	check "$T/nosoname.so" "$SYMS" 2>/dev/null && fail "a library without soname passed"
	echo "ok: the check refuses a missing export, an extra entry, a leaked symbol and a missing soname"
	;;
esac
exit 0

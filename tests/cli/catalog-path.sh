#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Where catalogs are found, and what the tools say when none applies
# (docs/catalog-format.md "Where catalogs are found"):
# - with no environment, the program run from the build tree finds the
#   source tree's catalogs/ (the README's `build/cli/stlm read cpu.4.temp`);
# - an installation staged with `meson install --destdir` finds its own
#   data directory, with the build tree hidden (a private mount namespace);
# - $STLM_CATALOG_PATH replaces the default places, and an empty element
#   stands for them;
# - without a catalog, a signed value reads wrong, so every command says
#   once on stderr (not with -q) that none applies, naming the platform
#   UUID and where it looked; `info` shows it, JSON documents carry it in
#   "warnings";
# - an unknown URI scheme is named, with the known ones.
. "$(dirname "$0")/lib.sh"

UUID=2B6D8F3A-5C1E-4E7B-9A41-0D5C1E5A7001
BATT=0x00019101		# battery.current: signed (the catalog says so)
NOTICE="no catalog applies to platform $UUID"
export TMPDIR="$T"
mkdir "$T/empty"

start_platform p
P=$(uri p)

# --- no environment, from the build tree ---------------------------------
(unset STLM_CATALOG_PATH; cd "$STLM_SRCDIR" && "$STLM" -q read cpu.4.temp) \
	>"$T/out" 2>"$T/err" && grep -q "cpu\.4\.temp" "$T/out" && ok ||
	fail "no environment: read cpu.4.temp: $(cat "$T/out" "$T/err")"
(unset STLM_CATALOG_PATH; "$STLM" -p "$P" list 'cpu.*.temp') >"$T/out" 2>"$T/err"
n=$(grep -c "cpu\.[0-9]\.temp" "$T/out")
[ "$n" -eq 10 ] && ok || fail "no environment: list 'cpu.*.temp': $n rows: $(cat "$T/err")"
grep -q "$NOTICE" "$T/err" && fail "no environment: notice although the catalog applies" || ok
(unset STLM_CATALOG_PATH; "$STLM" -p "$P" info --json) >"$T/out" 2>"$T/err"
json_check noenv-info 'd["catalog"] == "default-soc" and "warnings" not in d'

# --- the signed value, with and without the catalog ------------------------
expect_rc 0 "enable battery.current" "$STLM" -q -p "$P" enable "$BATT"
expect_rc 0 "collection on" "$STLM" -q -p "$P" config --on
expect_rc 0 "read with the catalog" "$STLM" -p "$P" read --json "$BATT"
json_check signed-with 'd["samples"][0]["value"] < 0 and "warnings" not in d'
STLM_CATALOG_PATH="$T/empty" expect_rc 0 "read without a catalog" \
	"$STLM" -p "$P" read --json "$BATT"
json_check signed-without 'd["samples"][0]["value"] > 0 and len(d["warnings"]) == 1 and "'"$UUID"'" in d["warnings"][0]'
[ "$(grep -c "$NOTICE" "$T/err")" -eq 1 ] && ok ||
	fail "read without a catalog: expected the notice once: $(cat "$T/err")"
grep -q "looked in $T/empty" "$T/err" && ok || fail "notice does not say where it looked: $(cat "$T/err")"
STLM_CATALOG_PATH="$T/empty" expect_rc 0 "read -q without a catalog" \
	"$STLM" -q -p "$P" read "$BATT"
[ -s "$T/err" ] && fail "-q: notice printed: $(cat "$T/err")" || ok
for cmd in "list" "show $BATT" "watch -n 1 -i 20 $BATT" "info"; do
	# shellcheck disable=SC2086
	STLM_CATALOG_PATH="$T/empty" expect_rc 0 "$cmd without a catalog" \
		"$STLM" -p "$P" $cmd
	[ "$(grep -c "$NOTICE" "$T/err")" -eq 1 ] && ok ||
		fail "$cmd: expected the notice once on stderr: $(cat "$T/err")"
done
grep -q "^Catalog note: " "$T/out" && ok || fail "info: no catalog note: $(cat "$T/out")"
STLM_CATALOG_PATH="$T/empty" expect_rc 0 "info --json" "$STLM" -q -p "$P" info --json
json_check info-warnings 'd["catalog"] is None and "'"$UUID"'" in d["warnings"][0]'
# an empty element stands for the default places (here: the build tree)
STLM_CATALOG_PATH="$T/empty:" expect_rc 0 "empty element" "$STLM" -p "$P" info --json
json_check empty-element 'd["catalog"] == "default-soc"'

# --- unknown URI scheme ------------------------------------------------------
expect_rc 1 "bogus scheme" "$STLM" -p bogus:foo info
grep -q "unknown platform URI scheme 'bogus' (known: shm:, unix:, tcp:" "$T/err" && ok ||
	fail "bogus scheme: $(cat "$T/err")"

# --- an installation staged with DESTDIR, the build tree hidden -------------
BUILD=$(dirname "$(dirname "$STLM")")
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 ||
   ! command -v meson >/dev/null 2>&1; then
	echo "SKIP part: installed layout (needs root, unshare and meson)"
elif ! meson install -C "$BUILD" --destdir "$T/dest" --no-rebuild >"$T/install.log" 2>&1; then
	fail "meson install --destdir: $(tail -5 "$T/install.log")"
else
	exe=$(find "$T/dest" -path '*/bin/stlm' -type f | head -1)
	lib=$(dirname "$(find "$T/dest" -name 'libstlm.so*' | head -1)")
	[ -f "$(dirname "$(dirname "$exe")")/share/stlm/catalogs/default-soc.json" ] && ok ||
		fail "the staged installation has no catalogs"
	# The build and source trees' catalogs, and the configured data
	# directory, hidden: only the staged one is left to find.
	datadir=$(sed -n 's/^#define STLM_DATADIR "\(.*\)"$/\1/p' "$BUILD/config.h")
	unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t tmpfs none "$1" &&
		mount -t tmpfs none "$2/catalogs" &&
		{ [ ! -d "$3" ] || mount -t tmpfs none "$3"; } &&
		env -u STLM_CATALOG_PATH LD_LIBRARY_PATH="$4" "$5" -p "$6" info --json' sh \
		"$BUILD" "$STLM_SRCDIR" "$datadir" "$lib" "$exe" "$P" \
		>"$T/out" 2>"$T/err" </dev/null
	json_check destdir-info 'd["catalog"] == "default-soc"' ||
		cat "$T/err"
fi

stop_platform p
finish

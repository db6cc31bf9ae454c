#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The installed library as users see it: install the build into a
# DESTDIR, then
#  - libstlm.pc gives everything a program needs (-I, -L, -lstlm) and
#    nothing private;
#  - the shared library exports only stlm_* symbols;
#  - every examples/*.c compiles and links with
#    cc $(pkg-config --cflags --libs libstlm) against that tree alone;
#  - one example runs against the installed stlm-platform;
#  - the Python package, when built, is complete in dist-packages/stlm/
#    and reads that platform through the installed libstlm.so.
#
#   test-install.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$1
SRC=$2
CC=${CC:-cc}
# A sanitized build installs a sanitized library: programs linked against
# it need the same runtime first, as users of such a build would.
SAN=$(python3 -c '
import json, sys
for o in json.load(open(sys.argv[1] + "/meson-info/intro-buildoptions.json")):
    if o["name"] == "b_sanitize":
        print("" if o["value"] in ("none", "") else o["value"])
' "$BUILD" 2>/dev/null || true)
SANFLAGS=${SAN:+-fsanitize=$SAN}
T=$(mktemp -d "${TMPDIR:-/tmp}/stlm-install.XXXXXX")
PLAT_PID=

cleanup() {
	[ -n "$PLAT_PID" ] && kill "$PLAT_PID" 2>/dev/null && wait "$PLAT_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

command -v pkg-config >/dev/null || { echo "no pkg-config: skipped"; exit 77; }
command -v nm >/dev/null || { echo "no nm: skipped"; exit 77; }

DEST=$T/dest
meson install -C "$BUILD" --no-rebuild --destdir "$DEST" --quiet \
	>"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; fail "meson install"; }

PC=$(find "$DEST" -name libstlm.pc | head -n 1)
[ -n "$PC" ] || fail "no libstlm.pc installed"
export PKG_CONFIG_PATH="${PC%/*}"
export PKG_CONFIG_SYSROOT_DIR="$DEST"
HDR=$(find "$DEST" -path '*/include/stlm/stlm.h' | head -n 1)
[ -n "$HDR" ] || fail "stlm/stlm.h not installed"

# --- the .pc file ------------------------------------------------------
CFLAGS=$(pkg-config --cflags libstlm) || fail "pkg-config --cflags"
LIBS=$(pkg-config --libs libstlm) || fail "pkg-config --libs"
case " $CFLAGS " in
*" -I$DEST"*/include" "*) ;;
*) fail "Cflags do not name the installed include dir: $CFLAGS" ;;
esac
case " $LIBS " in
*" -lstlm "*) ;;
*) fail "Libs lack -lstlm: $LIBS" ;;
esac
LIBDIR=$(pkg-config --variable=libdir libstlm)
case $LIBDIR in
"$DEST"/*) ;;
*) LIBDIR=$DEST$LIBDIR ;; # a pkg-config that does not apply the sysroot here
esac
[ -e "$LIBDIR/libstlm.so" ] || fail "no libstlm.so in $LIBDIR"
# Private dependencies stay private: json-c, libm and threads only for
# static linking.
for x in json-c -lm -pthread; do
	case " $CFLAGS $LIBS " in
	*" $x"*) fail "public flags carry a private dependency ($x): $CFLAGS $LIBS" ;;
	esac
done
pkg-config --print-requires-private libstlm | grep -q '^json-c' ||
	fail "Requires.private lacks json-c"
STATIC=$(pkg-config --static --libs libstlm) || fail "pkg-config --static"
for x in -ljson-c -lm; do
	case " $STATIC " in
	*" $x "*) ;;
	*) fail "static link flags lack $x: $STATIC" ;;
	esac
done
case " $STATIC " in
*" -pthread "* | *" -lpthread "*) ;;
*) fail "static link flags lack threads: $STATIC" ;;
esac
ok "libstlm.pc: $CFLAGS $LIBS (static adds: $STATIC)"

# --- exported symbols --------------------------------------------------
SO=$(readlink -f "$LIBDIR/libstlm.so")
nm -D --defined-only "$SO" >"$T/syms" || fail "nm $SO"
# Names without their version (stlm_x@@LIBSTLM_1), the version node's own
# absolute symbol left out (lib/libstlm.map).
awk '$2 != "A" { n = $NF; sub(/@.*/, "", n); print n }' "$T/syms" >"$T/names"
grep -v '^stlm_' "$T/names" >"$T/bad"
[ -s "$T/bad" ] && fail "libstlm.so exports non-stlm_ symbols: $(tr '\n' ' ' <"$T/bad")"
grep -qx 'stlm_session_open' "$T/names" || fail "stlm_session_open not exported"
grep -q '^stlm__' "$T/names" && fail "libstlm.so exports internal stlm__ symbols: $(grep '^stlm__' "$T/names" | tr '\n' ' ')"
ok "libstlm.so exports $(wc -l <"$T/names") symbols, all stlm_*"

# --- the examples, as users build them ---------------------------------
n=0
for ex in "$SRC"/examples/*.c; do
	name=$(basename "$ex" .c)
	# Only the installed tree: no source include dirs, no build dir.
	$CC -std=gnu11 -Wall -Wextra -Werror $SANFLAGS -o "$T/$name" "$ex" $CFLAGS $LIBS \
		>"$T/cc.log" 2>&1 || { cat "$T/cc.log" >&2; fail "cc $name"; }
	ldd "$T/$name" 2>/dev/null | grep -q "libstlm.so" ||
		fail "$name does not link libstlm.so"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no examples"
ok "$n examples compile and link against the installed tree"

# --- one runs against the installed emulator ----------------------------
PLAT=$(find "$DEST" -type f -name stlm-platform | head -n 1)
[ -x "$PLAT" ] || fail "stlm-platform not installed"
"$PLAT" --listen "unix:$T/p.sock" --mem "$T/mem" -q &
PLAT_PID=$!
i=0
while [ ! -S "$T/p.sock" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "stlm-platform did not start"
	sleep 0.05
done
LD_LIBRARY_PATH="$LIBDIR" STLM_CATALOG_PATH="$SRC/catalogs" \
	timeout 20 "$T/read-snapshot" "unix:$T/p.sock?mem=$T/mem" >"$T/out" 2>&1 ||
	{ cat "$T/out" >&2; fail "read-snapshot against the installed platform"; }
LD_LIBRARY_PATH="$LIBDIR" ldd "$T/read-snapshot" | grep -q "$LIBDIR/libstlm.so" ||
	fail "read-snapshot did not use the installed libstlm.so"
grep -q ' ok ' "$T/out" || fail "read-snapshot printed no valid sample: $(head -3 "$T/out")"
ok "read-snapshot reads $(grep -c ' ok ' "$T/out") DEs through the installed libstlm.so"

# --- the Python package (when python/ was built) ------------------------
PYPKG=$(find "$DEST" -type d -path '*/python3/dist-packages/stlm' | head -n 1)
if [ -z "$PYPKG" ]; then
	echo "ok: no Python bindings in this build (python3-dev missing or -Dpython=disabled)"
	exit 0
fi
for f in __init__.py __init__.pyi py.typed _paths.py _platform.py _recording.py; do
	[ -f "$PYPKG/$f" ] || fail "Python package lacks $f"
done
ls "$PYPKG"/_stlm*.so >/dev/null 2>&1 || fail "Python package lacks the _stlm extension"
grep -q 'BUILD_PLATFORM = ""' "$PYPKG/_paths.py" ||
	fail "installed _paths.py names the build tree"
if [ -n "$SAN" ]; then
	echo "ok: Python package installed (not imported: sanitized build)"
	exit 0
fi
/usr/bin/python3 -c 'import numpy' 2>/dev/null ||
	{ echo "ok: Python package installed (not imported: no python3-numpy)"; exit 0; }
PYTHONPATH="${PYPKG%/stlm}" LD_LIBRARY_PATH="$LIBDIR" STLM_CATALOG_PATH="$SRC/catalogs" \
	timeout 60 /usr/bin/python3 - "unix:$T/p.sock?mem=$T/mem" "$PYPKG" "$LIBDIR" <<'PY' >"$T/py.out" 2>&1 ||
import os, sys, stlm
assert os.path.dirname(stlm.__file__) == sys.argv[2], stlm.__file__
with stlm.open(sys.argv[1]) as s:
    s.enable()
    s.config()
    snap = s.snapshot()
    assert snap.valid.sum() > 0 and s.catalog_name == "default-soc"
maps = [l.split()[-1] for l in open("/proc/self/maps") if "libstlm.so" in l]
assert maps and all(m.startswith(sys.argv[3]) for m in maps), maps
print("ok", len(snap))
PY
	{ cat "$T/py.out" >&2; fail "the installed Python package"; }
ok "the installed Python package reads $(cut -d' ' -f2 "$T/py.out") samples through the installed libstlm.so"

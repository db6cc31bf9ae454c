#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The Debian packages as a user gets them (docs/packaging.md):
#  1. copy the source tree (git ls-files, no build directories) to a
#     temporary directory and run dpkg-buildpackage -us -uc -b there;
#  2. lintian on the result: any E: tag fails;
#  3. a clean Debian 12 root made by debootstrap (minbase), cached as a
#     tarball under ${STLM_CACHE:-$HOME/.cache/stlm}/;
#  4. apt-get install ./*.deb in that root (chroot; the mirror of the
#     host's apt sources), then, with no source tree in the root:
#     stlm read (the built-in platform), as root and as uid 65534;
#     stlm-platform --help, stlmd --help, pkg-config --libs libstlm, an
#     example built against libstlm-dev reading the installed
#     stlm-platform through libstlm.so.1, the groups of sysusers.d from
#     stlmd's postinst, and, when python3-stlm was built, import stlm
#     and a snapshot of the built-in platform from Python;
#  5. apt-get purge of every package.
# Skips (77) when not root or when a tool cannot be installed. Every step
# is bounded in time; /proc and the package cache mounted in the root are
# always unmounted.
#
#   deb.sh SOURCE_DIR
set -u
SRC=$(cd "$1" && pwd)
CACHE=${STLM_CACHE:-$HOME/.cache/stlm}
SUITE=bookworm
ARCH=$(dpkg --print-architecture 2>/dev/null || echo unknown)
START=$(date +%s)

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

step() {
	echo "== $* (at $(($(date +%s) - START)) s)"
}

[ "$(id -u)" -eq 0 ] || skip "not root (debootstrap and chroot need root)"
command -v dpkg >/dev/null || skip "not a Debian system (no dpkg)"

# Tools: installed here when missing (root only).
need=""
for t in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian \
	debootstrap:debootstrap fakeroot:fakeroot git:git meson:meson \
	dh_python3:dh-python; do
	command -v "${t%%:*}" >/dev/null || need="$need ${t#*:}"
done
if [ -n "$need" ]; then
	echo "installing:$need"
	# shellcheck disable=SC2086
	timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $need >/dev/null 2>&1 ||
		skip "cannot install:$need"
fi

mkdir -p "$CACHE" || fail "cannot create $CACHE"
T=$(mktemp -d "${TMPDIR:-/tmp}/stlm-deb.XXXXXX")
ROOT=$T/root
PLAT_PID=
MOUNTS=""

cleanup() {
	[ -n "$PLAT_PID" ] && kill "$PLAT_PID" 2>/dev/null
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	# Never remove a tree that still has something mounted in it.
	if ! grep -q " $T/" /proc/mounts; then
		rm -rf "$T"
	else
		echo "left $T: still mounted" >&2
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- 1. build -------------------------------------------------------------
step "copy the source tree"
mkdir -p "$T/src"
if git -C "$SRC" rev-parse --show-toplevel >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		xargs -0 cp -P --parents -t "$T/src") || fail "copy (git ls-files)"
else
	tar -C "$SRC" --exclude='./build*' --exclude='./obj-*' --exclude=./.git \
		-cf - . | tar -C "$T/src" -xf - || fail "copy (tar)"
fi
[ -f "$T/src/debian/control" ] || fail "no debian/control in the copy"

PROFILES=
if ! grep -qs "^option.'python'" "$T/src/meson_options.txt"; then
	PROFILES=nopython
	echo "NOTE: no meson option 'python' (no python/ bindings in this tree):"
	echo "      building with DEB_BUILD_PROFILES=nopython, python3-stlm not built"
fi

step "dpkg-buildpackage -us -uc -b${PROFILES:+ (profile $PROFILES)}"
(cd "$T/src" && timeout 1800 env DEB_BUILD_PROFILES="$PROFILES" \
	DEB_BUILD_OPTIONS="parallel=2" \
	dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 ||
	{ tail -n 60 "$T/build.log" >&2; fail "dpkg-buildpackage (log above)"; }
ls "$T"/*.deb >/dev/null 2>&1 || fail "no .deb built"
for p in libstlm1 libstlm-dev stlm-catalogs stlm stlmd stlm-platform; do
	ls "$T/${p}_"*.deb >/dev/null 2>&1 || fail "package $p not built"
done
HAVE_PY=0
if [ -z "$PROFILES" ]; then
	ls "$T"/python3-stlm_*.deb >/dev/null 2>&1 || fail "python3-stlm not built"
	HAVE_PY=1
fi
for d in "$T"/*.deb; do
	echo "  $(basename "$d"): $(dpkg-deb -c "$d" | wc -l) entries"
done

# --- 2. lintian -----------------------------------------------------------
step "lintian"
CHANGES=$(ls "$T"/*.changes | head -n 1)
timeout 900 lintian --tag-display-limit 0 --display-info "$CHANGES" >"$T/lintian.log" 2>&1
lrc=$?
cat "$T/lintian.log"
[ $lrc -eq 124 ] && fail "lintian timed out"
grep -q '^E: ' "$T/lintian.log" && fail "lintian reports errors (E: above)"
[ $lrc -le 1 ] || fail "lintian failed (status $lrc)"
echo "lintian: $(grep -c '^E: ' "$T/lintian.log") errors, $(grep -c '^W: ' "$T/lintian.log") warnings"

# --- 3. a clean Debian 12 root ---------------------------------------------
# The mirror the host's apt uses (deb822 sources or sources.list).
MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }')
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $0 !~ /security/ {
	for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
	/etc/apt/sources.list 2>/dev/null)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian

TARBALL=$CACHE/debian12-$ARCH-minbase.tar.gz
if [ ! -s "$TARBALL" ]; then
	step "debootstrap --variant=minbase $SUITE ($MIRROR), cached as $TARBALL"
	timeout 1200 debootstrap --variant=minbase --arch="$ARCH" "$SUITE" \
		"$T/boot" "$MIRROR" >"$T/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$T/debootstrap.log" >&2; skip "debootstrap failed (no mirror?)"; }
	tar -C "$T/boot" --numeric-owner -czf "$TARBALL.tmp" . ||
		fail "tar the root"
	mv "$TARBALL.tmp" "$TARBALL"
	rm -rf "${T:?}/boot"
else
	step "the clean root from $TARBALL"
fi
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xzf "$TARBALL" || fail "untar the root"
[ -e "$ROOT$SRC" ] && fail "the source tree path exists in the clean root"

mount -t proc proc "$ROOT/proc" || fail "mount /proc in the root"
MOUNTS="$ROOT/proc"
# Packages downloaded into the root are kept for the next run.
mkdir -p "$CACHE/debian12-apt-archives/partial"
mount --bind "$CACHE/debian12-apt-archives" "$ROOT/var/cache/apt/archives" ||
	fail "bind the package cache"
MOUNTS="$ROOT/var/cache/apt/archives $MOUNTS"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
# No service starts inside the root.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# Keep downloaded packages (the cache above).
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' \
	>"$ROOT/etc/apt/apt.conf.d/99stlm-keep"

in_root() {
	# A clean environment: nothing of the host's leaks in.
	timeout "$1" chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive sh -c "$2"
}

# --- 4. install and use ------------------------------------------------------
step "apt-get install the packages in the root"
mkdir -p "$ROOT/debs"
for d in "$T"/*.deb; do
	case $d in *-dbgsym_*) ;; *) cp "$d" "$ROOT/debs/" ;; esac
done
in_root 600 'apt-get update -qq' >"$T/apt.log" 2>&1 ||
	{ tail -n 20 "$T/apt.log" >&2; skip "apt-get update in the root failed (no mirror?)"; }
# pkgconf and gcc: to use libstlm-dev as a developer would.
in_root 900 'cd /debs && apt-get install -y -q --no-install-recommends ./*.deb pkgconf gcc libc6-dev' \
	>>"$T/apt.log" 2>&1 ||
	{ tail -n 40 "$T/apt.log" >&2; fail "apt-get install ./*.deb in the clean root"; }
in_root 30 'dpkg-query -W -f "\${Package} \${Status}\n"' | grep -E '^(libstlm|stlm|python3-stlm)' |
	sed 's/^/  /'
rm -rf "$ROOT/debs"

step "stlm read (built-in platform) in the root"
in_root 60 'stlm read' >"$T/read.out" 2>"$T/read.err" ||
	{ cat "$T/read.err" >&2; fail "stlm read"; }
head -n 5 "$T/read.out"
n=$(wc -l <"$T/read.out")
[ "$n" -ge 2 ] || fail "stlm read printed $n lines"
grep -qi "built-in" "$T/read.err" ||
	fail "stlm read did not say it used the built-in platform: $(cat "$T/read.err")"
echo "ok: stlm read: $n lines"

timeout 60 chroot --userspec=65534:65534 "$ROOT" /usr/bin/env -i \
	PATH=/usr/bin:/bin HOME=/nonexistent stlm read >"$T/read2.out" 2>"$T/read2.err" ||
	{ cat "$T/read2.err" >&2; fail "stlm read as uid 65534"; }
[ "$(wc -l <"$T/read2.out")" -ge 2 ] || fail "stlm read as uid 65534 printed nothing"
echo "ok: stlm read as uid 65534: $(wc -l <"$T/read2.out") lines"

step "the other programs"
in_root 30 'stlm-platform --help' >"$T/h1" 2>&1 || { cat "$T/h1" >&2; fail "stlm-platform --help"; }
grep -qi "usage" "$T/h1" || fail "stlm-platform --help printed no usage"
in_root 30 'stlmd --help' >"$T/h2" 2>&1 || { cat "$T/h2" >&2; fail "stlmd --help"; }
grep -qi "usage" "$T/h2" || fail "stlmd --help printed no usage"
libs=$(in_root 30 'pkg-config --libs libstlm') || fail "pkg-config --libs libstlm"
# shellcheck disable=SC2086 # word splitting drops pkgconf's trailing blank
libs=$(echo $libs)
[ "$libs" = "-lstlm" ] || fail "pkg-config --libs libstlm: '$libs'"
echo "ok: stlm-platform --help, stlmd --help, pkg-config --libs libstlm: $libs"
groups=$(awk '$1 == "g" && $3 == "-" { print $2 }' "$ROOT/usr/lib/sysusers.d/stlm.conf")
[ -n "$groups" ] || fail "no group in the installed sysusers.d/stlm.conf"
for g in $groups; do
	in_root 10 "getent group $g" >/dev/null || fail "stlmd's postinst made no group $g"
done
in_root 10 'test -x /usr/libexec/stlm/stlm-arm-telemetry-setup && test -f /lib/systemd/system/stlmd.service && test -f /usr/share/bash-completion/completions/stlm && test -f /usr/share/stlm/catalogs/default-soc.json' ||
	fail "stlmd's or stlm's files missing in the root"
echo "ok: the groups ($(echo $groups)), the units, the completion and the catalog are there"

step "an example built against libstlm-dev, run against the installed stlm-platform"
mkdir -p "$ROOT/tmp/ex"
cp "$SRC/examples/read-snapshot.c" "$ROOT/tmp/ex/"
in_root 120 'cd /tmp/ex && cc -std=gnu11 -Wall -Wextra -Werror -o read-snapshot read-snapshot.c $(pkg-config --cflags --libs libstlm)' \
	>"$T/cc.log" 2>&1 || { cat "$T/cc.log" >&2; fail "cc read-snapshot.c with libstlm-dev"; }
in_root 10 'ldd /tmp/ex/read-snapshot' >"$T/ldd" 2>&1
grep -Eq 'libstlm\.so\.1 => /(usr/)?lib/' "$T/ldd" ||
	fail "read-snapshot does not use the installed libstlm.so.1: $(cat "$T/ldd")"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin stlm-platform \
	--listen unix:/tmp/ex/p.sock --mem /tmp/ex/mem -q >"$T/plat.log" 2>&1 &
PLAT_PID=$!
i=0
while [ ! -S "$ROOT/tmp/ex/p.sock" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || { cat "$T/plat.log" >&2; fail "stlm-platform did not start in the root"; }
	kill -0 "$PLAT_PID" 2>/dev/null || { cat "$T/plat.log" >&2; fail "stlm-platform exited"; }
	sleep 0.05
done
in_root 30 '/tmp/ex/read-snapshot "unix:/tmp/ex/p.sock?mem=/tmp/ex/mem"' >"$T/ex.out" 2>&1 ||
	{ cat "$T/ex.out" >&2; fail "read-snapshot against the installed stlm-platform"; }
grep -q ' ok ' "$T/ex.out" || fail "read-snapshot read no valid sample: $(head -n 3 "$T/ex.out")"
kill "$PLAT_PID" 2>/dev/null
wait "$PLAT_PID" 2>/dev/null
PLAT_PID=
echo "ok: read-snapshot reads $(grep -c ' ok ' "$T/ex.out") DEs through libstlm.so.1"

if [ "$HAVE_PY" = 1 ]; then
	step "python3-stlm"
	in_root 60 "/usr/bin/python3 -c 'import stlm; print(stlm.__file__)'" >"$T/py.out" 2>&1 ||
		{ cat "$T/py.out" >&2; fail "import stlm"; }
	grep -q '^/usr/lib/python3/dist-packages/stlm/' "$T/py.out" ||
		fail "stlm imported from $(cat "$T/py.out")"
	echo "ok: import stlm: $(cat "$T/py.out")"
	# The built-in platform (the installed stlm-platform) and a snapshot.
	in_root 120 "/usr/bin/python3 -c 'import stlm
with stlm.open() as s:
    snap = s.snapshot()
    print(len(s.des), len(snap))'" >"$T/py2.out" 2>&1 ||
		{ cat "$T/py2.out" >&2; fail "stlm.open() and a snapshot from Python"; }
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(tail -n 1 "$T/py2.out")
	[ "${1:-0}" -gt 0 ] && [ "${2:-0}" -gt 0 ] ||
		fail "stlm.open(): no DEs or an empty snapshot: $(cat "$T/py2.out")"
	echo "ok: stlm.open() from Python: $1 DEs, a snapshot of $2 samples"
else
	echo "NOTE: python3-stlm not built: import stlm not checked"
fi

# --- 5. removal -------------------------------------------------------------
step "apt-get purge"
pkgs="libstlm1 libstlm-dev stlm-catalogs stlm stlmd stlm-platform"
[ "$HAVE_PY" = 1 ] && pkgs="$pkgs python3-stlm"
in_root 300 "apt-get purge -y -q $pkgs" >"$T/purge.log" 2>&1 ||
	{ tail -n 30 "$T/purge.log" >&2; fail "apt-get purge"; }
in_root 10 'command -v stlm' >/dev/null && fail "stlm still installed after purge"
echo "ok: purged"

step "done"
exit 0

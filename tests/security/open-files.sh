#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# docs/SECURITY.md "Resource bounds": an unprivileged user holding as
# many open files of stlmd's tree as its RLIMIT_NOFILE allows (4000 here)
# on the files with the biggest texts of a 50000-DE platform cannot take
# stlmd's RSS more than 64 MiB (its per-uid bound) plus 32 MiB (allocator
# slack) past where it was, plus 2 MiB per FUSE worker thread libfuse
# started meanwhile (at most 128 in all); root and another user keep
# reading meanwhile; after the files are closed the RSS is back within
# 16 MiB of where it was. Then the same user holds 16384 small files
# (des/*/), the per-uid count (more are EMFILE): RSS within 16 MiB, and
# within 8 MiB after closing. Needs root, /dev/fuse, setpriv and python3;
# skips (77) otherwise.
set -eu
[ -c /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (runs clients as nobody)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv"; exit 77; }
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
[ -n "$PY" ] || { echo "SKIP: python3"; exit 77; }
SRC=$(cd "$(dirname "$0")" && pwd)
NFD=${STLM_SEC_NFD:-4000}
DES=${STLM_SEC_DES:-50000}
# Under ASan freed memory sits in the quarantine (256 MiB by default)
# before it is reused: the bounds allow that much more there.
SAN=${STLM_SANITIZED:-none}
[ -z "$SAN" ] && SAN=none
if [ "$SAN" != none ]; then QUAR=256; else QUAR=0; fi

T=$(mktemp -d /tmp/stlm-secfd.XXXXXX)
chmod 755 "$T"
MNT=$T/mnt
TLM=$MNT/tlm_0
URI="unix:$T/p.sock?mem=$T/mem"
PID_PLAT=
PID_DAEMON=
PID_HOLD=
mkdir -p "$MNT"
fail() { echo "FAIL: $*" >&2; tail -5 "$T/stlmd.log" >&2 2>/dev/null; exit 1; }
ok() { echo "ok: $*"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_other() { setpriv --reuid=1234 --regid=1234 --clear-groups "$@"; }
cleanup() {
	set +e
	[ -n "$PID_HOLD" ] && kill "$PID_HOLD" 2>/dev/null
	if [ -n "$PID_DAEMON" ]; then
		kill "$PID_DAEMON" 2>/dev/null
		for _ in $(seq 25); do
			kill -0 "$PID_DAEMON" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$PID_DAEMON" 2>/dev/null
	fi
	grep -q " $MNT " /proc/mounts && umount -l "$MNT" 2>/dev/null
	[ -n "$PID_PLAT" ] && kill "$PID_PLAT" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
rss_mib() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$PID_DAEMON/status"; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$PID_DAEMON/status"; }

"$STLM_PLATFORM_BIN" -q --des "$DES" --listen "unix:$T/p.sock" --mem "$T/mem" &
PID_PLAT=$!
for _ in $(seq 300); do [ -S "$T/p.sock" ] && break; sleep 0.1; done
[ -S "$T/p.sock" ] || fail "platform did not start"
"$STLMD_BIN" -f --platform "$URI" --mount "$MNT" 2>"$T/stlmd.log" &
PID_DAEMON=$!
for _ in $(seq 600); do
	[ -e "$TLM/version" ] && break
	kill -0 "$PID_DAEMON" 2>/dev/null || fail "stlmd exited: $(cat "$T/stlmd.log")"
	sleep 0.1
done
[ -e "$TLM/version" ] || fail "mount did not appear"
echo y > "$TLM/all_des_enable"
echo y > "$TLM/tlm_enable"
cp "$SRC/open-files.py" "$T/open-files.py"
chmod 644 "$T/open-files.py"
mkdir -m 1777 "$T/x"

# warm up as root: every kind of big text once
for f in des_bulk_read snapshot snapshot.bin; do cat "$TLM/$f" > /dev/null; done
sleep 0.5
R0=$(rss_mib); TH0=$(threads)
(ulimit -n $((NFD + 16)); exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$PY" "$T/open-files.py" "$TLM" "$NFD" "$T/x/hold" "$T/x/release" "$T/x/closed") &
PID_HOLD=$!
for _ in $(seq 3000); do
	[ -e "$T/x/hold" ] && break
	kill -0 "$PID_HOLD" 2>/dev/null || { wait "$PID_HOLD" || true; fail "open-files.py failed"; }
	sleep 0.1
done
[ -e "$T/x/hold" ] || fail "open-files.py did not finish opening"
read -r held refused < "$T/x/hold"
R1=$(rss_mib)
echo "stlmd RSS ${R0} MiB before, ${R1} MiB with $held files held by nobody ($refused refused)"
[ $((held + refused)) -ge $((NFD / 2)) ] || fail "only $held + $refused opens"
TH1=$(threads)
THX=$((TH1 > TH0 ? 2 * (TH1 - TH0) : 0))
[ "$R1" -le $((R0 + 64 + 32 + THX + QUAR)) ] || fail "RSS ${R1} MiB > ${R0} + 96 (+$QUAR) MiB with $held files held"
# others are still served: root, and another unprivileged user
cat "$TLM/des_bulk_read" > /dev/null || fail "root cannot read des_bulk_read"
as_other cat "$TLM/snapshot.bin" > /dev/null || fail "uid 1234 cannot read snapshot.bin"
as_other cat "$TLM/des_bulk_read" > /dev/null || fail "uid 1234 cannot read des_bulk_read"
if [ "$refused" -gt 0 ]; then
	[ "$(grep -c "uid 65534: .* of the tree reached" "$T/stlmd.log")" = 1 ] ||
		fail "refusals not logged once: $(grep -c "uid 65534" "$T/stlmd.log")"
fi
ok "$held open files of nobody: RSS ${R0} -> ${R1} MiB (bound +96); root and uid 1234 served"

touch "$T/x/release"
for _ in $(seq 600); do [ -e "$T/x/closed" ] && break; sleep 0.1; done
[ -e "$T/x/closed" ] || fail "open-files.py did not close"
wait "$PID_HOLD" || fail "open-files.py exit status $?"
PID_HOLD=
sleep 1
R2=$(rss_mib); TH2=$(threads)
# libfuse starts worker threads when requests arrive together (up to 128;
# 16 stay when idle), each with its request buffer: 2 MiB allowed per
# thread that was not there before
THX=$((TH2 > TH0 ? 2 * (TH2 - TH0) : 0))
[ "$R2" -le $((R0 + 16 + THX + QUAR)) ] || fail "RSS ${R2} MiB after closing, ${R0} MiB before ($TH0 -> $TH2 threads)"
ok "after closing: RSS ${R2} MiB (${R0} before; threads $TH0 -> $TH2)"

# many small texts: the files of des/*/ up to the per-uid count of 16384
# open files (EMFILE past it), about 400 bytes each in stlmd
NSMALL=16600
rm -f "$T/x/hold" "$T/x/release" "$T/x/closed"
R0=$(rss_mib); TH0=$(threads)
(ulimit -n $((NSMALL + 16)); exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$PY" "$T/open-files.py" "$TLM" "$NSMALL" "$T/x/hold" "$T/x/release" "$T/x/closed" small) &
PID_HOLD=$!
for _ in $(seq 3000); do
	[ -e "$T/x/hold" ] && break
	kill -0 "$PID_HOLD" 2>/dev/null || { wait "$PID_HOLD" || true; fail "open-files.py small failed"; }
	sleep 0.1
done
[ -e "$T/x/hold" ] || fail "open-files.py small did not finish opening"
read -r held refused < "$T/x/hold"
R1=$(rss_mib)
echo "stlmd RSS ${R0} MiB before, ${R1} MiB with $held small files held by nobody ($refused refused)"
[ "$held" -le 16384 ] || fail "$held open files held by one uid, bound 16384"
[ "$refused" -gt 0 ] || fail "nothing refused past 16384 open files"
TH1=$(threads)
THX=$((TH1 > TH0 ? 2 * (TH1 - TH0) : 0))
[ "$R1" -le $((R0 + 16 + THX + QUAR)) ] || fail "RSS ${R1} MiB > ${R0} + 16 (+$QUAR) MiB with $held small files held"
cat "$TLM/version" > /dev/null || fail "root cannot read version"
as_other cat "$TLM/version" > /dev/null || fail "uid 1234 cannot read version"
touch "$T/x/release"
for _ in $(seq 600); do [ -e "$T/x/closed" ] && break; sleep 0.1; done
[ -e "$T/x/closed" ] || fail "open-files.py small did not close"
wait "$PID_HOLD" || fail "open-files.py small exit status $?"
PID_HOLD=
sleep 1
R2=$(rss_mib); TH2=$(threads)
THX=$((TH2 > TH0 ? 2 * (TH2 - TH0) : 0))
[ "$R2" -le $((R0 + 8 + THX + QUAR)) ] || fail "RSS ${R2} MiB after closing the small files, ${R0} MiB before"
ok "$held small files of nobody (the rest EMFILE): RSS ${R0} -> ${R1} -> ${R2} MiB; others served"

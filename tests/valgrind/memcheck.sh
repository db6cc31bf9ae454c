#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# valgrind memcheck of stlmd and of the stlm CLI, against a real
# stlm-platform (not itself under valgrind).
#
#   memcheck.sh cli     every CLI path once under valgrind: info, list,
#                       show, read, watch -n 2, enable, disable, config,
#                       record, decode, report, replay, export (one
#                       textfile and one HTTP scrape), reset
#   memcheck.sh stlmd   stlmd under valgrind with a FUSE mount and its
#                       socket: tree reads and writes, socket clients,
#                       a platform reset, then SIGTERM
#
# Clean: 0 errors, no definitely or indirectly lost bytes. Suppressions:
# tests/valgrind/valgrind.supp (third-party only, one comment per entry).
# Skips (77) in sanitizer builds (STLM_SANITIZED from meson; valgrind
# cannot run ASan binaries), without valgrind, and (stlmd) without root
# or /dev/fuse.
set -eu
MODE=${1:?usage: memcheck.sh cli|stlmd}
SAN=${STLM_SANITIZED:-none}
if [ -n "$SAN" ] && [ "$SAN" != none ]; then
	echo "SKIP: sanitizer build ($SAN): valgrind cannot run it"
	exit 77
fi
command -v valgrind >/dev/null || { echo "SKIP: no valgrind"; exit 77; }
if [ "$MODE" = stlmd ]; then
	[ -c /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (FUSE mount)"; exit 77; }
fi
SRC=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/stlm-vg.XXXXXX)
MNT=$T/mnt
TLM=$MNT/tlm_0
URI="unix:$T/p.sock?mem=$T/mem"
PID_PLAT=
PID_VG=
mkdir -p "$MNT"
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
	set +e
	[ -n "$PID_VG" ] && kill "$PID_VG" 2>/dev/null
	for _ in $(seq 50); do
		[ -n "$PID_VG" ] && kill -0 "$PID_VG" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$PID_VG" ] && kill -9 "$PID_VG" 2>/dev/null
	grep -q " $MNT " /proc/mounts && umount -l "$MNT" 2>/dev/null
	[ -n "$PID_PLAT" ] && kill "$PID_PLAT" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

N=0
VG_ERR=97
VG=(valgrind -q --tool=memcheck --leak-check=full
	--show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect
	--error-exitcode=$VG_ERR --suppressions="$SRC/valgrind.supp")
vg() { # LOGNAME command...: run under memcheck, log to $T/vg-LOGNAME.log
	local name=$1
	shift
	"${VG[@]}" --log-file="$T/vg-$name.log" "$@"
}
# check_log NAME RC: the run's valgrind log must be empty of errors
check_log() {
	if [ "$2" = $VG_ERR ] || grep -qE 'ERROR SUMMARY: [1-9]|definitely lost|indirectly lost|Invalid (read|write)|uninitialised' "$T/vg-$1.log"; then
		cat "$T/vg-$1.log" >&2
		fail "memcheck: $1"
	fi
	N=$((N + 1))
	echo "ok: memcheck clean: $1"
}

start_platform() {
	"$STLM_PLATFORM_BIN" -q --listen "unix:$T/p.sock" --mem "$T/mem" "$@" &
	PID_PLAT=$!
	for _ in $(seq 100); do [ -S "$T/p.sock" ] && return 0; sleep 0.05; done
	fail "platform did not start"
}

# run_cli NAME EXPECTED-RC stlm-args...
run_cli() {
	local name=$1 want=$2 rc=0
	shift 2
	vg "$name" "$STLM_BIN" -q --platform "$URI" "$@" > "$T/out-$name" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || { cat "$T/out-$name" >&2; check_log "$name" "$rc"; fail "stlm $*: exit $rc, expected $want"; }
	check_log "$name" "$rc"
}

if [ "$MODE" = cli ]; then
	start_platform
	run_cli info 0 info
	run_cli list 0 list
	run_cli enable 0 enable --all
	run_cli config-on 0 config --on --interval 10ms
	run_cli show 0 show cpu.0.temp
	run_cli read 0 read cpu.0.temp cpu.1.power
	run_cli read-json 0 --json read
	run_cli watch 0 watch -i 100 -n 2
	run_cli record 0 record -o "$T/rec.stlmrec" -i 50ms -n 5
	run_cli decode 0 decode "$T/rec.stlmrec"
	run_cli replay 0 replay "$T/rec.stlmrec"
	if "$STLM_BIN" report --help >/dev/null 2>&1; then
		run_cli report 0 report "$T/rec.stlmrec"
	fi
	run_cli export-textfile 0 export --textfile "$T/node.prom"
	grep -q '^stlm_up 1' "$T/node.prom" || fail "export textfile content"
	# one HTTP scrape of the exporter, then SIGTERM
	PORT=$((20000 + $$ % 20000))
	"${VG[@]}" --log-file="$T/vg-export-http.log" "$STLM_BIN" -q --platform "$URI" export --listen "127.0.0.1:$PORT" \
		> "$T/out-export-http" 2>&1 &
	PID_VG=$!
	got=
	for _ in $(seq 100); do
		if got=$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())' "$PORT" 2>/dev/null); then
			break
		fi
		kill -0 "$PID_VG" 2>/dev/null || { cat "$T/out-export-http" >&2; fail "export exited"; }
		sleep 0.2
	done
	echo "$got" | grep -q '^stlm_up 1' || fail "export: no scrape"
	kill "$PID_VG"
	rc=0
	wait "$PID_VG" || rc=$?
	PID_VG=
	check_log export-http "$rc"
	run_cli disable 0 disable --all
	run_cli reset 0 reset
	run_cli bad-de 1 read no.such.de
	echo "ok: $N CLI runs clean under memcheck"
	exit 0
fi

# ---- stlmd -------------------------------------------------------------
# A platform reset on SIGUSR2 (armed fault), once the tree is in use.
start_platform --armed-fault reset:ms=0
"${VG[@]}" --log-file="$T/vg-stlmd.log" "$STLMD_BIN" -f --platform "$URI" --mount "$MNT" --socket "$T/d.sock" &
PID_VG=$!
for _ in $(seq 300); do
	[ -e "$TLM/version" ] && [ -S "$T/d.sock" ] && break
	kill -0 "$PID_VG" 2>/dev/null || { cat "$T/vg-stlmd.log" >&2; fail "stlmd exited"; }
	sleep 0.1
done
[ -e "$TLM/version" ] || fail "mount did not appear"
STLM="$STLM_BIN -q --platform stlmd:$T/d.sock"
# tree: writes and reads
echo y > "$TLM/all_des_enable"
echo y > "$TLM/tlm_enable"
ls -R "$MNT" > /dev/null
read -r _ < "$TLM/generation" # later reads block until it changes
for f in version available_update_intervals_ms \
	current_update_interval_ms snapshot des_bulk_read; do
	cat "$TLM/$f" > /dev/null || fail "read $f"
done
head -c 100000 "$TLM/snapshot.bin" > /dev/null
DE=$(ls "$TLM/des" | head -1)
for f in "$TLM/des/$DE"/*; do cat "$f" >/dev/null 2>&1 || true; done
cat "$TLM/groups/0/composing_des" > /dev/null
echo n > "$TLM/groups/0/enable"
echo y > "$TLM/groups/0/enable"
find "$MNT/tlm_0/by-components" -maxdepth 3 > /dev/null
# socket clients
$STLM info > /dev/null || fail "info through the socket"
$STLM enable cpu.1.temp > /dev/null || fail "enable through the socket"
$STLM read cpu.1.temp > /dev/null || fail "read through the socket"
$STLM watch -i 100 -n 3 > /dev/null || fail "watch through the socket"
# a platform reset, and recovery
[ "$(cat "$TLM/tlm_enable")" = Y ] || fail "telemetry not on before the reset"
kill -USR2 "$PID_PLAT"
for _ in $(seq 100); do
	[ "$(cat "$TLM/tlm_enable" 2>/dev/null)" = N ] && break
	sleep 0.1
done
[ "$(cat "$TLM/tlm_enable")" = N ] || fail "the platform reset was not seen"
echo y > "$TLM/all_des_enable"
echo y > "$TLM/tlm_enable"
$STLM read > /dev/null || fail "read after the reset"
cat "$TLM/snapshot" > /dev/null
echo 1 > "$TLM/reset"
$STLM info > /dev/null
kill "$PID_VG"
rc=0
wait "$PID_VG" || rc=$?
PID_VG=
grep -q " $MNT " /proc/mounts && fail "still mounted after SIGTERM"
[ "$rc" = 0 ] || { cat "$T/vg-stlmd.log" >&2; fail "stlmd under valgrind: exit $rc"; }
check_log stlmd "$rc"
